/*
 * access_review.test.mjs - the access rules of the brief's "Who uses it"
 * for two roles, found wrong by an access review:
 *
 *   admin / data protection officer: "audit and settings; no case content
 *     unless also granted". Without the case access grant an admin has no
 *     case list, case page, case file, records, return, reintegration,
 *     timeline or search, exactly as a researcher (403 on lists, a case
 *     like a missing one, audited), but keeps users, offices, audit,
 *     settings, the registry, projects and the fund's figures (not the
 *     requests' texts). The grant (another admin on the user page, or
 *     `ctm user case-grant|case-revoke`, audited admin.user.update) gives
 *     read and write of every office's case files; nobody grants it to
 *     themselves on the web.
 *   programme manager: "all offices, for the cases referred to HQ and the
 *     fund". Reads the summary, timeline and fund requests of a case with
 *     a fund request; never its file, records, status, assignee or
 *     return; any other case answers as a missing one, audited; a
 *     high-risk case is hidden from it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, assertApiError, createCase, getFile, saveFile, putFile, auditEntries, todayUtc, listCaseIds,
  runCtm,
} from './lib.mjs';

const EXTRA = [
  /* A second administrator, to grant and revoke the first's access. */
  { username: 'admin2', role: 'admin', office: 'HQ', password: 'pw-Admin2-HQ-ar5d81c0e2' },
];
const JUST = 'Air ticket for Malee Sukjai to Yangon';
const NAME = 'Malee';
const MISSING = 999999;

let srv;
const s = {};
let referred;	/* BKK case with a fund request */
let plain;	/* BKK case without one */
let bog;	/* BOG case without one */
let fr;		/* the fund request */

const call = (who, method, p, body) => srv.api(method, p, { session: s[who], body });
const get = (who, p) => call(who, 'GET', p);
const post = (who, p, body = {}) => call(who, 'POST', p, body);
const patch = (who, p, body) => call(who, 'PATCH', p, body);

function postForm(who, urlPath, fields) {
  const body = new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString();
  return srv.api('POST', urlPath, {
    session: s[who], body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

/* Audit entries of a user for a case and action (read as admin2, who
 * never changes them). */
async function auditOf(user, query) {
  return (await auditEntries(srv, s.admin2, query)).filter((e) => e.user === user).sort((a, b) => a.id - b.id);
}

/* The newest admin.user.update entry of a user (the action exactly). */
async function lastUpdate(user) {
  const rows = (await auditOf(user, 'action=admin.user.update')).filter((e) => e.action === 'admin.user.update');
  return rows[rows.length - 1];
}

const detailOf = (e) => (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail);

/* Every read of a case, by API and page, with the path for a missing one. */
function reads(id) {
  const a = `/api/v1/cases/${id}`;
  return [
    ['GET', a], ['GET', `${a}/file`], ['GET', `${a}/screening`], ['GET', `${a}/timeline`],
    ['GET', `${a}/services`], ['GET', `${a}/support-plans`], ['GET', `${a}/shelter-stays`], ['GET', `${a}/risk`],
    ['GET', `${a}/le-referrals`], ['GET', `${a}/return`], ['GET', `${a}/reintegration`], ['GET', `${a}/visits`],
    ['GET', `${a}/fund-requests`],
  ];
}

/* Every change of a case by API. */
function writes(id) {
  const a = `/api/v1/cases/${id}`;
  return [
    ['PATCH', a, { status: 'Closed' }],
    ['PUT', `${a}/file`, { prs_FirstName: 'Changed' }],
    ['POST', `${a}/services`, { service_type: 'Medical', start_date: todayUtc(), status: 'InProgress' }],
    ['POST', `${a}/risk`, { level: 'Low', date: todayUtc() }],
    ['POST', `${a}/return`, { dest_country: 'MM', dest_office: 'BKK', date: todayUtc() }],
    ['POST', `${a}/reintegration`, { plan_type: 'Livelihood', plan_date: todayUtc() }],
    ['POST', `${a}/transfers`, { to_office: 'BOG' }],
  ];
}

const PAGES = (id) => [`/cases/${id}`, `/cases/${id}/file`, `/cases/${id}/protection`, `/cases/${id}/return`,
  `/cases/${id}/reintegration`, `/cases/${id}/fund`];

before(async () => {
  srv = await startServer({ extraUsers: EXTRA });
  srv.secret(JUST);
  for (const u of ['admin', 'admin2', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'pm', 'researcher']) {
    s[u] = await srv.login(u);
  }
  const mine = { assigned_to: s['caseworker.bkk'].user.id };
  referred = await createCase(srv, s['caseworker.bkk'], mine);
  plain = await createCase(srv, s['caseworker.bkk'], mine);
  bog = await createCase(srv, s['caseworker.bog']);
  for (const c of [referred, plain]) {
    const f = await getFile(srv, s['caseworker.bkk'], c.id);
    f.prs_FirstName = NAME;
    await saveFile(srv, s['caseworker.bkk'], c.id, f);
  }
  const r = await post('caseworker.bkk', `/api/v1/cases/${referred.id}/fund-requests`,
    { type: 'return', amount: '250', currency: 'USD', justification: JUST });
  assert.equal(r.status, 201, r.text);
  fr = r.json;
});
after(async () => { await srv?.stop(); });

describe('an admin without the case access grant', () => {
  it('has no case list or search, as a researcher (403)', async () => {
    for (const who of ['admin', 'researcher']) {
      assertApiError(await get(who, '/api/v1/cases'), 403, `${who} list`);
      assertApiError(await post(who, '/api/v1/cases/search', { q: NAME }), 403, `${who} search`);
      assert.equal((await get(who, '/cases')).status, 403, `${who} list page`);
      assert.equal((await postForm(who, '/cases/search', [['q', NAME]])).status, 403, `${who} search page`);
      assertApiError(await post(who, '/api/v1/cases', {}), 403, `${who} create`);
    }
    const page = await get('admin', '/dashboard');
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /href="\/cases"/, 'the menu offers cases');
  });

  it('reads no part of any case: the answer is the researcher\'s, the same for a missing case, and audited', async () => {
    for (const c of [referred, plain, bog]) {
      const n0 = (await auditOf('admin', `case=${c.id}`)).length;
      const list = reads(c.id);
      const gone = reads(MISSING);
      for (let i = 0; i < list.length; i++) {
        const [m, p] = list[i];
        const a = await call('admin', m, p);
        const r = await call('researcher', m, p);
        const missing = await call('admin', m, gone[i][1]);
        assert.equal(a.status, r.status, `${p}: admin ${a.status}, researcher ${r.status}`);
        assert.ok([403, 404].includes(a.status), `${p}: ${a.status}`);
        assert.equal(a.status, missing.status, `${p}: unlike a missing case`);
        assert.equal(a.json?.error, missing.json?.error, `${p}: another message than for a missing case`);
        assert.ok(!a.text.includes(NAME) && !a.text.includes(c.case_number), `${p} tells something`);
      }
      for (const p of PAGES(c.id)) {
        const a = await get('admin', p);
        assert.equal(a.status, 404, `page ${p}: ${a.status}`);
        assert.equal((await get('admin', p.replace(String(c.id), String(MISSING)))).status, 404);
        assert.ok(!a.text.includes(NAME), `page ${p} tells the name`);
      }
      const denied = (await auditOf('admin', `case=${c.id}`)).filter((e) => e.action.endsWith('.denied'));
      assert.ok(denied.length - n0 >= list.length, `denied reads audited: ${denied.length - n0}`);
    }
  });

  it('changes no case (status, file, records, return, reintegration, handover), audited', async () => {
    const before1 = await getFile(srv, s['caseworker.bkk'], plain.id);
    const case0 = (await get('caseworker.bkk', `/api/v1/cases/${plain.id}`)).json;
    const n0 = (await auditOf('admin', `case=${plain.id}`)).length;
    for (const [m, p, body] of writes(plain.id)) {
      const r = await call('admin', m, p, body);
      assert.ok([403, 404].includes(r.status), `${m} ${p}: ${r.status} ${r.text}`);
      assertApiError(r, r.status, `${m} ${p}`);
      assert.equal(r.status, (await call('researcher', m, p, body)).status, `${m} ${p}: unlike a researcher`);
    }
    assert.deepEqual(await getFile(srv, s['caseworker.bkk'], plain.id), before1, 'the file changed');
    assert.deepEqual((await get('caseworker.bkk', `/api/v1/cases/${plain.id}`)).json, case0, 'the case changed');
    for (const k of ['services', 'risk']) {
      assert.equal((await get('caseworker.bkk', `/api/v1/cases/${plain.id}/${k}`)).json.records.length, 0, k);
    }
    assert.ok((await auditOf('admin', `case=${plain.id}`)).filter((e) => e.action.endsWith('.denied')).length > n0,
      'refused changes audited');
    /* The status form of the page, too. */
    const r = await postForm('admin', `/cases/${plain.id}`, [['status', 'Closed'], ['version', String(case0.version)]]);
    assert.equal(r.status, 404);
    assert.equal((await get('caseworker.bkk', `/api/v1/cases/${plain.id}`)).json.status, 'Active');
  });

  it('keeps users, offices, audit, settings, the registry, projects and the fund\'s figures', async () => {
    for (const p of ['/admin/users', '/admin/offices', '/admin/audit', '/admin/settings', '/organisations',
      '/shelters', '/projects', '/fund', '/fund/rates']) {
      assert.equal((await get('admin', p)).status, 200, p);
    }
    for (const p of ['/api/v1/audit', '/api/v1/organisations', '/api/v1/shelters', '/api/v1/projects',
      '/api/v1/fund-requests', '/api/v1/fund/turnaround', '/api/v1/settings/reintegration-schedule']) {
      assert.equal((await get('admin', p)).status, 200, p);
    }
    const q = await get('admin', `/api/v1/fund-requests/${fr.id}`);
    assert.equal(q.status, 200, q.text);
    assert.equal(q.json.amount, '250.00');
    assert.equal(q.json.case_number, referred.case_number);
    /* The justification is case content: not for the admin. */
    assert.equal(q.json.justification, null);
    assert.equal(q.json.reason, null);
    assert.ok(!q.text.includes('Malee'), 'the request tells the name');
    const page = await get('admin', `/fund/requests/${fr.id}`);
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes('Malee'), 'the request page tells the justification');
    assert.doesNotMatch(page.text, new RegExp(`href="/cases/${referred.id}`), 'a link to the case');
    assert.match(page.text, /fund-no-texts/);
    /* Those who read the case still see it. */
    assert.equal((await get('manager.bkk', `/api/v1/fund-requests/${fr.id}`)).json.justification, JUST);
    assert.equal((await get('pm', `/api/v1/fund-requests/${fr.id}`)).json.justification, JUST);
  });
});

describe('the case access grant', () => {
  const adminId = () => s.admin.user.id;

  it('cannot be given to oneself on the web: refused, with a message, nothing changes', async () => {
    const page = await get('admin', `/admin/users/${adminId()}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /id="case-access-self"/);
    assert.doesNotMatch(page.text, /name="case_access"/, 'a checkbox for oneself');
    const changes = async () => (await auditOf('admin', 'action=admin.user.update'))
      .filter((e) => e.action === 'admin.user.update').length;
    const n0 = await changes();
    const r = await postForm('admin', `/admin/users/${adminId()}`, [['action', 'case-access'], ['case_access', '1']]);
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /You cannot grant case access to yourself/);
    assert.equal(await changes(), n0, 'audited as a change');
    assert.ok((await auditOf('admin', 'action=admin.user.update.denied')).length > 0, 'the attempt is not audited');
    assertApiError(await get('admin', `/api/v1/cases/${plain.id}/file`), 403);
  });

  it('is for administrators only', async () => {
    const pmId = s.pm.user.id;
    const page = await get('admin2', `/admin/users/${pmId}`);
    assert.doesNotMatch(page.text, /name="case_access"/);
    const r = await postForm('admin2', `/admin/users/${pmId}`, [['action', 'case-access'], ['case_access', '1']]);
    assert.equal(r.status, 400);
    assert.match(r.text, /Only an administrator&#39;s account|Only an administrator's account/);
    assertApiError(await get('pm', `/api/v1/cases/${referred.id}/file`), 403);
    const cli = await runCtm(['user', 'case-grant', '--db', srv.db, '--username', 'pm']);
    assert.notEqual(cli.code, 0, 'the command line granted a programme manager');
    assertApiError(await get('pm', `/api/v1/cases/${referred.id}/file`), 403);
    /* Only an administrator grants. */
    const m = await postForm('manager.bkk', `/admin/users/${adminId()}`, [['action', 'case-access'], ['case_access', '1']]);
    assert.notEqual(m.status, 303);
    assertApiError(await get('admin', `/api/v1/cases/${plain.id}/file`), 403);
  });

  it('given by another admin on the user page: every case read and write, audited', async () => {
    const page = await get('admin2', `/admin/users/${adminId()}`);
    assert.match(page.text, /<input type="checkbox" id="case_access" name="case_access" value="1">/);
    const r = await postForm('admin2', `/admin/users/${adminId()}`, [['action', 'case-access'], ['case_access', '1']]);
    assert.equal(r.status, 303, r.text);
    const e = await lastUpdate('admin2');
    assert.equal(e.object, `user:${adminId()}`);
    assert.deepEqual(detailOf(e), { field: 'case_access', old: false, new: true });
    assert.match((await get('admin2', `/admin/users/${adminId()}`)).text, /name="case_access" value="1" checked/);

    /* Every office, every read. */
    const ids = await listCaseIds(srv, s.admin);
    for (const c of [referred, plain, bog]) assert.ok(ids.includes(c.id), `lists ${c.case_number}`);
    for (const c of [referred, bog]) {
      for (const [m, p] of reads(c.id)) {
        const x = await call('admin', m, p);
        assert.equal(x.status, 200, `${p}: ${x.status} ${x.text}`);
      }
      for (const p of PAGES(c.id)) assert.equal((await get('admin', p)).status, 200, p);
    }
    assert.equal((await get('admin', `/api/v1/cases/${referred.id}/file`)).json.prs_FirstName, NAME);
    assert.equal((await get('admin', `/api/v1/fund-requests/${fr.id}`)).json.justification, JUST);
    /* A search by name finds the case. */
    const found = await post('admin', '/api/v1/cases/search', { q: NAME });
    assert.equal(found.status, 200, found.text);
    assert.ok(found.json.cases.some((c) => c.id === plain.id), 'search by name');
    /* Writes: the file, a record, the status. */
    const f = await getFile(srv, s.admin, bog.id);
    f.prs_FirstName = 'Rosa';
    await saveFile(srv, s.admin, bog.id, f, 'admin');
    assert.equal((await getFile(srv, s['caseworker.bog'], bog.id)).prs_FirstName, 'Rosa');
    const rec = await post('admin', `/api/v1/cases/${bog.id}/services`, { service_type: 'Medical', start_date: todayUtc(), status: 'InProgress' });
    assert.equal(rec.status, 201, rec.text);
    const st = await patch('admin', `/api/v1/cases/${bog.id}`, { status: 'FollowUp' });
    assert.equal(st.status, 200, st.text);
    assert.equal(st.json.status, 'FollowUp');
    /* Health records are a grant of their own. */
    assertApiError(await get('admin', `/api/v1/cases/${bog.id}/health`), 403);
  });

  it('revoked on the web: the admin is refused again', async () => {
    const r = await postForm('admin2', `/admin/users/${adminId()}`, [['action', 'case-access']]);
    assert.equal(r.status, 303, r.text);
    const e = await lastUpdate('admin2');
    assert.deepEqual(detailOf(e), { field: 'case_access', old: true, new: false });
    assertApiError(await get('admin', '/api/v1/cases'), 403);
    assertApiError(await get('admin', `/api/v1/cases/${bog.id}`), 403);
    assert.equal((await get('admin', `/cases/${bog.id}`)).status, 404);
  });

  it('given and taken on the command line, audited', async () => {
    let r = await runCtm(['user', 'case-grant', '--db', srv.db, '--username', 'admin']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /case access granted to admin/);
    assert.equal((await get('admin', `/api/v1/cases/${plain.id}/file`)).status, 200);
    let rows = (await auditEntries(srv, s.admin2, 'action=admin.user.update'))
      .filter((x) => x.object === `user:${adminId()}` && x.user.startsWith('cli:'));
    assert.equal(rows.length, 1);
    assert.deepEqual(typeof rows[0].detail === 'string' ? JSON.parse(rows[0].detail) : rows[0].detail,
      { field: 'case_access', old: false, new: true });
    /* An admin who holds it may let it go on the web. */
    assert.match((await get('admin', `/admin/users/${adminId()}`)).text, /name="case_access" value="1" checked/);
    r = await runCtm(['user', 'case-revoke', '--db', srv.db, '--username', 'admin']);
    assert.equal(r.code, 0, r.stderr);
    assertApiError(await get('admin', `/api/v1/cases/${plain.id}/file`), 403);
    rows = (await auditEntries(srv, s.admin2, 'action=admin.user.update'))
      .filter((x) => x.object === `user:${adminId()}` && x.user.startsWith('cli:'));
    assert.equal(rows.length, 2);
    /* Unknown user: refused. */
    r = await runCtm(['user', 'case-grant', '--db', srv.db, '--username', 'nobody']);
    assert.notEqual(r.code, 0);
  });

  it('goes with the role: a granted admin made a caseworker and back has none', async () => {
    const uid = s.admin2.user.id;
    let r = await runCtm(['user', 'case-grant', '--db', srv.db, '--username', 'admin2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await get('admin2', `/api/v1/cases/${bog.id}`)).status, 200);
    r = await postForm('admin', `/admin/users/${uid}`, [['action', 'role'], ['role', 'caseworker'], ['office', 'BOG']]);
    assert.equal(r.status, 303, r.text);
    r = await postForm('admin', `/admin/users/${uid}`, [['action', 'role'], ['role', 'admin'], ['office', 'HQ']]);
    assert.equal(r.status, 303, r.text);
    assertApiError(await get('admin2', `/api/v1/cases/${bog.id}`), 403);
    const rows = (await auditEntries(srv, s.admin, 'action=admin.user.update'))
      .filter((x) => x.object === `user:${uid}` && JSON.stringify(x.detail).includes('case_access'));
    assert.ok(rows.length >= 2, 'the grant taken with the role is not audited');
  });
});

describe('the programme manager', () => {
  it('reads the summary, timeline and fund requests of a case referred to HQ', async () => {
    const c = await get('pm', `/api/v1/cases/${referred.id}`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.case_number, referred.case_number);
    const t = await get('pm', `/api/v1/cases/${referred.id}/timeline`);
    assert.equal(t.status, 200, t.text);
    const kinds = t.json.steps.map((x) => x.kind);
    assert.ok(kinds.includes('fund.requested'), kinds.join());
    assert.ok(kinds.includes('case.created'), kinds.join());
    for (const k of kinds) {
      assert.ok(/^(case\.(created|status|assigned)|fund\.|project\.)/.test(k), `pm sees the step ${k}`);
    }
    assert.ok(!t.text.includes(NAME));
    const q = await get('pm', `/api/v1/cases/${referred.id}/fund-requests`);
    assert.equal(q.status, 200, q.text);
    assert.deepEqual(q.json.requests.map((x) => x.id), [fr.id]);
    const page = await get('pm', `/cases/${referred.id}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, new RegExp(`href="/cases/${referred.id}/file"`));
    assert.ok(!page.text.includes(NAME));
    assert.equal((await get('pm', `/cases/${referred.id}/fund`)).status, 200);
    /* The fund request page links to the case. */
    assert.match((await get('pm', `/fund/requests/${fr.id}`)).text, new RegExp(`href="/cases/${referred.id}/fund"`));
    /* Only referred cases are listed, of every office. */
    assert.deepEqual(await listCaseIds(srv, s.pm), [referred.id]);
  });

  it('may not read its file or records, nor change its status, assignment, file or return', async () => {
    const a = `/api/v1/cases/${referred.id}`;
    for (const p of [`${a}/file`, `${a}/screening`, `${a}/services`, `${a}/risk`, `${a}/return`,
      `${a}/reintegration`, `${a}/visits`, `${a}/health`]) {
      assertApiError(await get('pm', p), 403, p);
    }
    /* The pages refuse as the API does: the case is no secret to the
     * programme manager, who reads its summary. */
    for (const p of [`/cases/${referred.id}/file`, `/cases/${referred.id}/protection`, `/cases/${referred.id}/return`]) {
      assert.equal((await get('pm', p)).status, 403, p);
    }
    const file0 = await getFile(srv, s['caseworker.bkk'], referred.id);
    const case0 = (await get('caseworker.bkk', a)).json;
    /* The review's requests, one by one. */
    const put = await putFile(srv, s.pm, referred.id, { ...file0, prs_FirstName: 'Changed' });
    assertApiError(put, 403, 'PUT file');
    for (const body of [{ status: 'Closed' }, { assigned_to: s['manager.bkk'].user.id }]) {
      const r = await patch('pm', a, body);
      assertApiError(r, 403, JSON.stringify(body));
      assert.match(r.json.error, /not allowed to change cases/);
    }
    const ret = await post('pm', `${a}/return`, { dest_country: 'MM', dest_office: 'BKK', date: todayUtc() });
    assertApiError(ret, 403, 'return');
    assertApiError(await post('pm', `${a}/services`, { service_type: 'Medical', start_date: todayUtc(), status: 'InProgress' }), 403);
    const form = await postForm('pm', `/cases/${referred.id}`, [['status', 'Closed']]);
    assert.equal(form.status, 403);
    assert.match(form.text, /You are not allowed to change cases\./);
    assert.deepEqual(await getFile(srv, s['caseworker.bkk'], referred.id), file0, 'the file changed');
    assert.deepEqual((await get('caseworker.bkk', a)).json, case0, 'the case changed');
    assert.equal((await get('caseworker.bkk', `${a}/return`)).json.return, null, 'a return was asked');
    /* By name, nothing: the programme manager searches case numbers only. */
    const byName = await post('pm', '/api/v1/cases/search', { q: NAME });
    assert.equal(byName.status, 200);
    assert.deepEqual(byName.json.cases, []);
    const byNumber = await post('pm', '/api/v1/cases/search', { q: referred.case_number });
    assert.deepEqual(byNumber.json.cases.map((x) => x.id), [referred.id]);
  });

  it('finds any other case missing, exactly as one that does not exist, audited', async () => {
    for (const c of [plain, bog]) {
      const n0 = (await auditOf('pm', `case=${c.id}&action=case.view.denied`)).length;
      for (const sub of ['', '/timeline']) {
        const r = await get('pm', `/api/v1/cases/${c.id}${sub}`);
        const m = await get('pm', `/api/v1/cases/${MISSING}${sub}`);
        assertApiError(r, 404, `${c.case_number}${sub}`);
        assert.equal(r.text, m.text, `${sub}: unlike a missing case`);
      }
      const fq = await get('pm', `/api/v1/cases/${c.id}/fund-requests`);
      assert.equal(fq.status, 404);
      assert.equal(fq.text, (await get('pm', `/api/v1/cases/${MISSING}/fund-requests`)).text);
      /* The page names its own path (the language form): else the same. */
      const page = await get('pm', `/cases/${c.id}`);
      assert.equal(page.status, 404);
      assert.equal(page.text.replaceAll(`/cases/${c.id}`, '/cases/ID'),
        (await get('pm', `/cases/${MISSING}`)).text.replaceAll(`/cases/${MISSING}`, '/cases/ID'));
      const n1 = (await auditOf('pm', `case=${c.id}&action=case.view.denied`)).length;
      assert.ok(n1 >= n0 + 3, `denied reads audited: ${n1 - n0}`);
      assert.ok(!(await listCaseIds(srv, s.pm)).includes(c.id));
      const r = await post('pm', '/api/v1/cases/search', { q: c.case_number });
      assert.deepEqual(r.json.cases, [], 'found by number');
    }
  });

  it('loses sight of a case once it is high-risk, and its request leaves the queue', async () => {
    const r = await post('caseworker.bkk', `/api/v1/cases/${referred.id}/risk`,
      { level: 'High', date: todayUtc(), threats: ['ThreatFromTraffickers'] });
    assert.equal(r.status, 201, r.text);
    for (const sub of ['', '/timeline', '/fund-requests']) {
      const x = await get('pm', `/api/v1/cases/${referred.id}${sub}`);
      assertApiError(x, 404, sub);
      assert.equal(x.text, (await get('pm', `/api/v1/cases/${MISSING}${sub}`)).text, sub);
    }
    assert.equal((await get('pm', `/cases/${referred.id}`)).status, 404);
    assert.deepEqual(await listCaseIds(srv, s.pm), []);
    const queue = await get('pm', '/api/v1/fund-requests');
    assert.ok(!JSON.stringify(queue.json).includes(referred.case_number), 'still in the queue');
    assertApiError(await get('pm', `/api/v1/fund-requests/${fr.id}`), 404);
    /* Its assignee still sees it. */
    assert.equal((await get('caseworker.bkk', `/api/v1/cases/${referred.id}`)).status, 200);
  });
});
