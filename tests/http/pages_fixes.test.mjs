/*
 * pages_fixes.test.mjs - what the HTML pages must not do, found by a
 * security test:
 *
 *   - a case-file form POST clears no field it did not send: each form
 *     lists its inputs in hidden "fields" markers, and only those (or
 *     inputs actually sent) are replaced;
 *   - a value that is none of the choices offered (a code, a special
 *     answer, a screening item) is refused with 400 next to its input,
 *     never dropped;
 *   - saved comments have no remove button, and a posted remove is
 *     refused;
 *   - a wrong current password on /account counts as a failed login:
 *     enough of them lock the user and end the stolen session;
 *   - the case search pages by posting the search again, and a search
 *     text over 200 characters is refused rather than widened to every
 *     case.
 *
 *   CTM_BIN=/abs/path/to/ctm node --test tests/http/pages_fixes.test.mjs
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, createCase, getFile, saveFile, realisticFile, auditEntries,
} from './lib.mjs';

let srv;
let cw;

/* POST an HTML form: fields is a list of [name, value] pairs; the csrf
 * field is added from the session. */
function postForm(session, urlPath, fields) {
  const body = new URLSearchParams([['csrf', session.csrf], ...fields]).toString();
  return srv.api('POST', urlPath, {
    session,
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

/* The escaped text of the error shown next to input id, or null. */
function errorAt(html, id) {
  const m = new RegExp(`<small class="error" id="${id}-error">([^<]*)</small>`).exec(html);
  return m ? m[1] : null;
}

/* A case with a realistic saved file; returns {id, file}. */
async function caseWithFile(who) {
  const c = await createCase(srv, cw);
  const file = await saveFile(srv, cw, c.id, realisticFile(await getFile(srv, cw, c.id), who));
  return { id: c.id, file };
}

/* The file without what a save changes by itself. */
function content(file) {
  const { version, ...rest } = file;
  return rest;
}

before(async () => {
  srv = await startServer();
  cw = await srv.login('caseworker.bkk');
});

after(async () => {
  await srv.stop();
});

describe('a case-file form POST', () => {
  it('with only csrf and version keeps every field of the section', async () => {
    const { id, file } = await caseWithFile();
    const r = await postForm(cw, `/cases/${id}/file/person`, [['version', String(file.version)]]);
    assert.equal(r.status, 303, `POST person: ${r.status} ${r.text.slice(0, 300)}`);
    const now = await getFile(srv, cw, id);
    assert.deepEqual(content(now), content(file), 'the person section was changed');
  });

  it('changes a field it sends and keeps those it does not', async () => {
    const { id, file } = await caseWithFile();
    const r = await postForm(cw, `/cases/${id}/file/person`, [
      ['version', String(file.version)], ['prs_Gender', 'Feminine'],
    ]);
    assert.equal(r.status, 303, `POST person: ${r.status}`);
    const now = await getFile(srv, cw, id);
    assert.equal(now.prs_Gender, 'Feminine');
    assert.equal(now.prs_FirstName, file.prs_FirstName);
    assert.equal(now.prs_Citizenship, file.prs_Citizenship);
    assert.equal(now.prs_MobilePhone, file.prs_MobilePhone);
  });

  it('renders a "fields" marker for every input of the form', async () => {
    const { id } = await caseWithFile();
    const r = await srv.api('GET', `/cases/${id}/file/victim`, { session: cw });
    assert.equal(r.status, 200);
    const markers = [...r.text.matchAll(/<input type="hidden" name="fields" value="([^"]+)">/g)].map((m) => m[1]);
    assert.ok(markers.includes('vic_MethodsOfControl'), 'a marker for a checkbox group');
    assert.ok(markers.includes('vic_TypeOfExploitation'), 'a marker for a select');
    for (const m of markers) assert.match(r.text, new RegExp(`name="${m}"(?! value="${m}")`), `${m}: an input`);
  });

  it('with a marker and no checkbox checked records none', async () => {
    const { id, file } = await caseWithFile();
    assert.ok(file.vic_MethodsOfControl, 'the realistic file has methods of control');
    const r = await postForm(cw, `/cases/${id}/file/victim`, [
      ['version', String(file.version)], ['fields', 'vic_MethodsOfControl'],
    ]);
    assert.equal(r.status, 303, `POST victim: ${r.status}`);
    const now = await getFile(srv, cw, id);
    assert.equal(now.vic_MethodsOfControl, undefined, 'the unchecked group is now empty');
    assert.equal(now.vic_TypeOfExploitation, file.vic_TypeOfExploitation, 'the rest stays');
    assert.equal(now.vic_AgeWhenTrafficked, file.vic_AgeWhenTrafficked, 'the rest stays');
  });

  it('an add-form POST adds its entry and keeps the saved ones', async () => {
    const { id, file } = await caseWithFile();
    const r = await postForm(cw, `/cases/${id}/file/referrals`, [
      ['version', String(file.version)], ['action', 'add'], ['fields', 'ref_Organisation'],
      ['ref_Organisation', 'Legal aid office'], ['ref_Direction', 'Outgoing'],
    ]);
    assert.equal(r.status, 303, `POST referrals: ${r.status}`);
    const now = await getFile(srv, cw, id);
    assert.equal(now.referrals.length, file.referrals.length + 1);
    assert.deepEqual(now.referrals[0], file.referrals[0], 'the saved entry is kept');
  });
});

describe('values that are not among the choices', () => {
  it('an unknown code for a select is refused next to the field', async () => {
    const { id, file } = await caseWithFile();
    const r = await postForm(cw, `/cases/${id}/file/person`, [
      ['version', String(file.version)], ['prs_Gender', 'Bogus'],
    ]);
    assert.equal(r.status, 400);
    assert.ok(errorAt(r.text, 'f-prs_Gender'), 'a message by the field');
    assert.deepEqual(content(await getFile(srv, cw, id)), content(file), 'nothing saved');
  });

  it('an unknown code among checkboxes is refused, the known ones not saved alone', async () => {
    const { id, file } = await caseWithFile();
    const r = await postForm(cw, `/cases/${id}/file/victim`, [
      ['version', String(file.version)], ['fields', 'vic_MethodsOfControl'],
      ['vic_MethodsOfControl', 'DebtBondage'], ['vic_MethodsOfControl', 'Bogus'],
    ]);
    assert.equal(r.status, 400);
    assert.ok(errorAt(r.text, 'f-vic_MethodsOfControl'), 'a message by the field');
    assert.deepEqual(content(await getFile(srv, cw, id)), content(file), 'nothing saved');
  });

  it('an unknown "or:" answer is refused, not ignored', async () => {
    const { id, file } = await caseWithFile();
    const r = await postForm(cw, `/cases/${id}/file/victim`, [
      ['version', String(file.version)], ['fields', 'vic_MethodsOfControl'],
      ['vic_MethodsOfControl.special', 'Bogus'],
    ]);
    assert.equal(r.status, 400);
    assert.ok(errorAt(r.text, 'f-vic_MethodsOfControl'), 'a message by the field');
    assert.deepEqual(content(await getFile(srv, cw, id)), content(file), 'nothing saved');
  });

  it('an unknown screening act is refused and the acts are kept', async () => {
    const { id, file } = await caseWithFile();
    const r = await postForm(cw, `/cases/${id}/file/screening`, [
      ['version', String(file.version)], ['fields', 'act'], ['act', 'Bogus'],
    ]);
    assert.equal(r.status, 400, `POST screening act=Bogus: ${r.status}`);
    assert.ok(errorAt(r.text, 'scr-act'), 'a message by the acts');
    const now = await getFile(srv, cw, id);
    assert.deepEqual(now.screening.act, file.screening.act, 'the acts are kept');
    assert.equal(now.version, file.version, 'nothing saved');
  });

  it('a screening POST without the interview keeps the interview', async () => {
    const { id, file } = await caseWithFile();
    const r = await postForm(cw, `/cases/${id}/file/screening`, [['version', String(file.version)]]);
    assert.equal(r.status, 303, `POST screening: ${r.status}`);
    const now = await getFile(srv, cw, id);
    assert.deepEqual(now.screening, file.screening, 'the screening is kept');
  });
});

describe('comments', () => {
  it('have no remove button, and saying so', async () => {
    const { id } = await caseWithFile();
    const r = await srv.api('GET', `/cases/${id}/file/comments`, { session: cw });
    assert.equal(r.status, 200);
    assert.match(r.text, /<table class="striped entries[ "]/, 'the comment is listed');
    assert.doesNotMatch(r.text, /value="remove"/, 'no remove button');
    assert.match(r.text, /cannot be changed or removed/, 'the page says why');
    const ev = await srv.api('GET', `/cases/${id}/file/events`, { session: cw });
    assert.match(ev.text, /value="remove"/, 'events keep their remove button');
  });

  it('a posted remove is refused and the comment stays', async () => {
    const { id, file } = await caseWithFile();
    const r = await postForm(cw, `/cases/${id}/file/comments`, [
      ['version', String(file.version)], ['action', 'remove'], ['index', '0'],
    ]);
    assert.equal(r.status, 400, `remove a comment: ${r.status}`);
    const now = await getFile(srv, cw, id);
    assert.deepEqual(now.comments, file.comments, 'the comment stays');
  });
});

describe('the case search', () => {
  before(async () => {
    /* More than a page of BKK cases. */
    for (let i = 0; i < 55; i++) await createCase(srv, cw);
  });

  it('pages by posting the search again', async () => {
    const r1 = await postForm(cw, '/cases/search', [['q', 'BKK']]);
    assert.equal(r1.status, 200);
    const rows1 = [...r1.text.matchAll(/<tr><td><a href="\/cases\/(\d+)">/g)].map((m) => m[1]);
    assert.equal(rows1.length, 50, 'a full first page');
    const total = Number(/<p>(\d+) cases in all<\/p>/.exec(r1.text)?.[1]);
    assert.ok(total > 50, `more than a page: ${total}`);
    const next = /<form method="post" action="\/cases\/search"[^>]*>(?:(?!<\/form>).)*name="q" value="BKK"(?:(?!<\/form>).)*name="page" value="2"/s;
    assert.match(r1.text, next, 'a form for page 2 that carries the search');
    assert.doesNotMatch(r1.text, /href="\/cases\?[^"]*page=2/, 'no link that drops the search');

    const r2 = await postForm(cw, '/cases/search', [['q', 'BKK'], ['page', '2']]);
    assert.equal(r2.status, 200);
    const rows2 = [...r2.text.matchAll(/<tr><td><a href="\/cases\/(\d+)">/g)].map((m) => m[1]);
    assert.equal(rows2.length, total - 50, 'the rest on page 2');
    assert.deepEqual(rows2.filter((x) => rows1.includes(x)), [], 'page 2 is not page 1 again');
  });

  it('refuses a search text over 200 characters instead of listing every case', async () => {
    const r = await postForm(cw, '/cases/search', [['q', 'B'.repeat(201)]]);
    assert.equal(r.status, 400);
    assert.ok(errorAt(r.text, 'q'), 'a message by the search field');
    assert.doesNotMatch(r.text, /<tr><td><a href="\/cases\/\d+">/, 'no case listed');
  });

  it('takes 200 characters, even when they are not ASCII', async () => {
    const r = await postForm(cw, '/cases/search', [['q', 'é'.repeat(200)]]);
    assert.equal(r.status, 200);
  });
});

describe('/account password change', () => {
  it('counts a wrong current password as a failed login and locks the user', async () => {
    const s = await srv.login('manager.bkk');
    const statuses = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await postForm(s, '/account', [
        ['current', `not-the-password-${i}`], ['password', 'a-new-password-123'], ['confirm', 'a-new-password-123'],
      ]);
      statuses.push(last.status);
      if (last.status !== 400) break;
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 303], 'the fifth guess locks');
    assert.match(String(last.headers.location), /\/login$/, 'sent to the login page');

    const me = await srv.api('GET', '/api/v1/me', { session: s });
    assert.equal(me.status, 401, 'the session that guessed is gone');
    const again = await postForm(s, '/account', [
      ['current', srv.users['manager.bkk'].password], ['password', 'a-new-password-123'],
      ['confirm', 'a-new-password-123'],
    ]);
    assert.notEqual(again.status, 303, 'no password change through the dead session');
    const login = await srv.tryLogin('manager.bkk', srv.users['manager.bkk'].password);
    assert.equal(login.status, 429, 'the user is locked');

    const admin = await srv.login('admin');
    const failed = await auditEntries(srv, admin, 'action=account.password.failed');
    assert.equal(failed.length, 5, 'every wrong password audited');
  });
});
