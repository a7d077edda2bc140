/*
 * prot_review.test.mjs - protection and assistance, as a review found it
 * wanting: a discharge from an over-capacity shelter, a second stay while
 * one is open, shelters of no places, control characters in web forms,
 * and organisation and shelter names and phones.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, assertApiError, createCase, todayUtc } from './lib.mjs';
import { daysAgo } from '../common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECRET_NOTE = 'Sleeps at her cousin Nok Saetang, 14 Soi Ari';

let srv;
const s = {};

function sqlite(query, json = true) {
  return new Promise((resolve, reject) => {
    execFile('sqlite3', [...(json ? ['-json'] : []), '-cmd', '.timeout 5000', srv.db, query], (err, out) => {
      if (err) reject(err);
      else resolve(json && out.trim() ? JSON.parse(out) : []);
    });
  });
}

const get = (who, p) => srv.api('GET', p, { session: s[who] });
const post = (who, p, body) => srv.api('POST', p, { session: s[who], body });
const patch = (who, p, body) => srv.api('PATCH', p, { session: s[who], body });

function postForm(who, urlPath, fields, headers = {}) {
  const body = new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString();
  return srv.api('POST', urlPath, {
    session: s[who], body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  });
}

function ok(res, status, msg = '') {
  assert.equal(res.status, status, `${msg}: ${res.status} ${res.text}`);
  return res.json;
}

async function recordRows(caseId, kind) {
  return sqlite(`SELECT id, d1, d2, version FROM case_records WHERE case_id = ${Number(caseId)} `
    + `AND kind = '${kind}' ORDER BY id`);
}

/* The msgstr of msgid in po/LANG.po (one-line entries or continued). */
function translation(lang, msgid) {
  const text = fs.readFileSync(path.join(here, '../../po', `${lang}.po`), 'utf8');
  const unq = (block) => [...block.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('')
    .replace(/\\"/g, '"').replace(/\\n/g, '\n');
  for (const entry of text.split(/\n\n+/)) {
    const id = /^msgid ((?:".*"\n?)+)/m.exec(entry);
    const str = /^msgstr ((?:".*"\n?)+)/m.exec(entry);
    if (id && str && unq(id[1]) === msgid) return unq(str[1]);
  }
  throw new Error(`no ${lang} translation of ${msgid}`);
}

const unescapeHtml = (t) => t.replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

let shelter = {};

before(async () => {
  srv = await startServer();
  srv.secret(SECRET_NOTE);
  for (const u of ['admin', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog']) s[u] = await srv.login(u);
  shelter.one = ok(await post('manager.bkk', '/api/v1/shelters', { name: 'One Bed House', capacity: 1 }), 201, 'one');
  shelter.wide = ok(await post('manager.bkk', '/api/v1/shelters', { name: 'Wide House', capacity: 50 }), 201, 'wide');
  shelter.other = ok(await post('manager.bkk', '/api/v1/shelters', { name: 'Other House', capacity: 50 }), 201, 'other');
});

after(async () => {
  if (srv) {
    const log = await srv.stop();
    assert.ok(!log.includes(SECRET_NOTE), 'a note reached the server log');
  }
});

async function admit(caseId, shelterId, admitted, extra = {}) {
  return post('caseworker.bkk', `/api/v1/cases/${caseId}/shelter-stays`, { shelter: shelterId, admitted, ...extra });
}

describe('an over-capacity shelter', () => {
  it('lets anyone be discharged, or discharged earlier; only nights added are checked', async () => {
    const sh = ok(await post('manager.bkk', '/api/v1/shelters', { name: 'Single Room', capacity: 1 }), 201);
    const a = await createCase(srv, s['caseworker.bkk']);
    const b = await createCase(srv, s['caseworker.bkk']);
    const stayA = ok(await admit(a.id, sh.id, daysAgo(6)), 201, 'A');
    let r = await admit(b.id, sh.id, daysAgo(6));
    assert.ok(assertApiError(r, 409).fields.over_capacity, 'a full shelter asks to confirm');
    const stayB = ok(await admit(b.id, sh.id, daysAgo(6), { over_capacity: true }), 201, 'B over capacity');
    assert.equal(stayB.over_capacity, true);

    /* B leaves: places are freed, never refused. */
    r = ok(await post('caseworker.bkk', `/api/v1/records/${stayB.id}/discharge`,
      { version: stayB.version, date: daysAgo(3) }), 200, 'discharge B');
    assert.equal(r.discharged, daysAgo(3));
    /* B's discharge made earlier: still only frees places. */
    const b2 = ok(await patch('caseworker.bkk', `/api/v1/records/${stayB.id}`,
      { version: r.version, discharged: daysAgo(4) }), 200, 'B discharged earlier');
    /* A leaves two days ago, while its first nights were over capacity. */
    const a2 = ok(await post('caseworker.bkk', `/api/v1/records/${stayA.id}/discharge`,
      { version: stayA.version, date: daysAgo(2) }), 200, 'discharge A');
    /* A's discharge one day later adds a night with room: no question. */
    const a3 = ok(await patch('caseworker.bkk', `/api/v1/records/${stayA.id}`,
      { version: a2.version, discharged: daysAgo(1) }), 200, 'A discharged later, room that night');
    assert.equal(a3.discharged, daysAgo(1));
    assert.ok(!a3.over_capacity);

    /* B's discharge later again adds nights when A is there: asked. */
    r = await patch('caseworker.bkk', `/api/v1/records/${stayB.id}`, { version: b2.version, discharged: daysAgo(2) });
    const e = assertApiError(r, 409);
    assert.ok(e.fields.over_capacity);
    assert.match(e.error, new RegExp(daysAgo(4)), 'the first night added is the full one');
    /* Taking A's discharge away adds nights up to today: only those. */
    r = await patch('caseworker.bkk', `/api/v1/records/${stayA.id}`, { version: a3.version, discharged: null });
    assert.equal(r.status, 200, `${r.text}`);
    assert.equal(r.json.discharged, undefined);
    /* B cannot come back today while A is in. */
    r = await patch('caseworker.bkk', `/api/v1/records/${stayB.id}`, { version: b2.version, discharged: null });
    assert.match(assertApiError(r, 409).error, new RegExp(daysAgo(4)));
    /* An earlier admission adds nights before: checked on those. */
    r = await patch('caseworker.bkk', `/api/v1/records/${stayB.id}`, { version: b2.version, admitted: daysAgo(8) });
    assert.equal(r.status, 200, 'nights before A came have room');
    const rows = await recordRows(b.id, 'shelter_stay');
    assert.deepEqual(rows.map((x) => [x.d1, x.d2]), [[daysAgo(8), daysAgo(4)]]);
  });

  it('lets both leave today, after a night over capacity', async () => {
    const sh = ok(await post('manager.bkk', '/api/v1/shelters', { name: 'Single Loft', capacity: 1 }), 201);
    const a = await createCase(srv, s['caseworker.bkk']);
    const b = await createCase(srv, s['caseworker.bkk']);
    const stayA = ok(await admit(a.id, sh.id, daysAgo(1)), 201);
    const stayB = ok(await admit(b.id, sh.id, daysAgo(1), { over_capacity: true }), 201);
    ok(await post('caseworker.bkk', `/api/v1/records/${stayA.id}/discharge`,
      { version: 1, date: todayUtc() }), 200, 'A leaves today');
    ok(await post('caseworker.bkk', `/api/v1/records/${stayB.id}/discharge`,
      { version: 1 }), 200, 'B leaves today');
  });
});

describe('a person is in one shelter at a time', () => {
  it('refuses a same-day stay while another is open, by the API and the form', async () => {
    const c = await createCase(srv, s['caseworker.bkk']);
    ok(await admit(c.id, shelter.wide.id, todayUtc()), 201, 'open stay');
    let r = await admit(c.id, shelter.other.id, todayUtc(), { discharged: todayUtc() });
    assert.ok(assertApiError(r, 400).fields.shelter, 'same-day stay while one is open');
    /* A stay over before the open one began is history, not a second place. */
    ok(await admit(c.id, shelter.other.id, daysAgo(3), { discharged: daysAgo(1) }), 201, 'a past stay');
    r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [['kind', 'shelter-stays'],
      ['shelter', String(shelter.other.id)], ['admitted', todayUtc()], ['discharged', todayUtc()]]);
    assert.equal(r.status, 400, 'the form too');
    assert.match(unescapeHtml(r.text), /still in a shelter/);
    assert.equal((await recordRows(c.id, 'shelter_stay')).length, 2);
  });

  it('counts a same-day stay as its day, for new stays and for changes', async () => {
    const c = await createCase(srv, s['caseworker.bkk']);
    const first = ok(await admit(c.id, shelter.wide.id, daysAgo(5), { discharged: daysAgo(3) }), 201);
    /* Moving on the day of discharge is no overlap. */
    ok(await admit(c.id, shelter.other.id, daysAgo(3), { discharged: daysAgo(3) }), 201, 'same day as the discharge');
    /* Two same-day stays of one day are. */
    let r = await admit(c.id, shelter.wide.id, daysAgo(3), { discharged: daysAgo(3) });
    assert.ok(assertApiError(r, 400).fields.admitted, 'a second same-day stay on that day');
    ok(await admit(c.id, shelter.other.id, daysAgo(1), { discharged: daysAgo(1) }), 201, 'same-day stay');
    /* Stretching the first stay over the same-day stays: refused. */
    r = await patch('caseworker.bkk', `/api/v1/records/${first.id}`, { version: first.version, discharged: todayUtc() });
    assert.ok(assertApiError(r, 400).fields.admitted, 'a change that overlaps a same-day stay');
    r = await patch('caseworker.bkk', `/api/v1/records/${first.id}`, { version: first.version, discharged: null });
    assert.ok(assertApiError(r, 400).fields.admitted, 'reopening over later stays');
    /* A new open stay from a day a same-day stay holds: refused. */
    r = await admit(c.id, shelter.wide.id, daysAgo(1));
    assert.ok(assertApiError(r, 400).fields.admitted);
    ok(await admit(c.id, shelter.wide.id, todayUtc()), 201, 'open stay from today');
    const rows = await recordRows(c.id, 'shelter_stay');
    assert.deepEqual(rows.map((x) => [x.d1, x.d2]), [[daysAgo(5), daysAgo(3)], [daysAgo(3), daysAgo(3)],
      [daysAgo(1), daysAgo(1)], [todayUtc(), null]]);
  });
});

describe('a shelter of no places', () => {
  it('cannot be made, by the API or the page', async () => {
    let r = await post('manager.bkk', '/api/v1/shelters', { name: 'Empty House', capacity: 0 });
    assert.match(assertApiError(r, 400).fields.capacity, /disable/);
    r = await patch('manager.bkk', `/api/v1/shelters/${shelter.wide.id}`, { capacity: 0 });
    assert.ok(assertApiError(r, 400).fields.capacity);
    r = await postForm('manager.bkk', '/shelters', [['name', 'Empty House'], ['capacity', '0']]);
    assert.equal(r.status, 400);
    assert.match(r.text, /disable it/);
    assert.ok(!(await get('manager.bkk', '/api/v1/shelters')).json.shelters.some((x) => x.name === 'Empty House'));
    assert.equal((await get('manager.bkk', `/api/v1/shelters/${shelter.wide.id}`)).json.capacity, 50);
  });

  it('from older data is full everywhere it is shown', async () => {
    const sh = ok(await post('manager.bkk', '/api/v1/shelters', { name: 'Zero House', capacity: 1 }), 201);
    await sqlite(`UPDATE shelters SET capacity = 0 WHERE id = ${Number(sh.id)}`, false);
    const one = (await get('manager.bkk', `/api/v1/shelters/${sh.id}`)).json;
    assert.equal(one.full, true);
    const occ = (await get('manager.bkk', `/api/v1/shelters/${sh.id}/occupancy`)).json;
    assert.ok(occ.days.every((d) => d.full === true));
    const dash = await get('manager.bkk', '/dashboard');
    assert.equal(dash.status, 200);
    assert.match(dash.text, new RegExp(`<tr class="overdue"><td><a href="/shelters/${sh.id}">Zero House</a>`
      + ' <span class="badge">Full</span></td><td>0</td><td>0</td><td>0</td></tr>'));
    const c = await createCase(srv, s['caseworker.bkk']);
    const page = await get('caseworker.bkk', `/cases/${c.id}/protection`);
    assert.match(page.text, new RegExp(`<option value="${sh.id}">Zero House — full today</option>`));
    const list = await get('manager.bkk', '/shelters');
    assert.match(list.text, new RegExp(`Zero House</a>.*?<td>0</td><td>0 <span class="badge">full</span>`));
    const detail = await get('manager.bkk', `/shelters/${sh.id}`);
    assert.match(detail.text, /The shelter is full/);
    let r = await admit(c.id, sh.id, todayUtc());
    assert.ok(assertApiError(r, 409).fields.over_capacity);
  });
});

describe('web forms with control characters', () => {
  const REFUSED = 'The form contains a control character (such as a NUL byte) that no field may hold. '
    + 'Nothing was saved: correct the text and send it again.';

  it('are refused whole on the protection page, changing nothing', async () => {
    const c = await createCase(srv, s['caseworker.bkk']);
    const service = [['kind', 'services'], ['service_type', 'Accommodation'], ['start_date', todayUtc()], ['status', 'InProgress']];
    for (const bad of ['a\u0000b', 'a\u0001b', '\u001f', 'a\u001bb']) {
      const r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [...service, ['notes', bad]]);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.ok(unescapeHtml(r.text).includes(REFUSED), JSON.stringify(bad));
    }
    /* In the name of a field as well. */
    const r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [...service, ['notes\u0000x', 'a']]);
    assert.equal(r.status, 400);
    assert.equal((await recordRows(c.id, 'service')).length, 0);
    /* Tabs and line ends are text. */
    const fine = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [...service, ['notes', 'a\tb\r\nc']]);
    assert.equal(fine.status, 303, fine.text);
    const recs = (await get('caseworker.bkk', `/api/v1/cases/${c.id}/services`)).json.records;
    assert.equal(recs.length, 1);
    assert.match(recs[0].notes, /^a\tb\r?\nc$/);
  });

  it('are refused in the user\'s language', async () => {
    const c = await createCase(srv, s['caseworker.bkk']);
    for (const lang of ['fr', 'es']) {
      const r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [['kind', 'services'],
        ['service_type', 'Accommodation'], ['start_date', todayUtc()], ['status', 'InProgress'], ['notes', 'a\u0000b']],
      { 'Accept-Language': lang });
      assert.equal(r.status, 400);
      const msg = translation(lang, REFUSED);
      assert.ok(msg && msg !== REFUSED);
      assert.ok(unescapeHtml(r.text).includes(msg), lang);
    }
  });

  it('are refused on the case status form and the fund request form', async () => {
    const c = await createCase(srv, s['caseworker.bkk']);
    const before1 = await sqlite(`SELECT status, version, assigned_to FROM cases WHERE id = ${Number(c.id)}`);
    const same = [['assigned_to', String(before1[0].assigned_to ?? '')], ['version', String(before1[0].version)]];
    let r = await postForm('caseworker.bkk', `/cases/${c.id}`, [['status', 'Closed\u0000x'], ...same]);
    assert.equal(r.status, 400);
    assert.ok(unescapeHtml(r.text).includes(REFUSED));
    assert.deepEqual(await sqlite(`SELECT status, version, assigned_to FROM cases WHERE id = ${Number(c.id)}`), before1);
    r = await postForm('caseworker.bkk', `/cases/${c.id}`, [['status', 'Closed'], ...same]);
    assert.equal(r.status, 303, 'the same form without the NUL');
    const n = (await sqlite('SELECT count(*) AS n FROM fund_requests'))[0].n;
    r = await postForm('caseworker.bkk', `/cases/${c.id}/fund`, [['type', 'medical'], ['amount', '12.34'],
      ['currency', 'USD'], ['justification', 'x-ray\u0000 and more']]);
    assert.equal(r.status, 400);
    assert.ok(unescapeHtml(r.text).includes(REFUSED));
    assert.equal((await sqlite('SELECT count(*) AS n FROM fund_requests'))[0].n, n);
    r = await postForm('caseworker.bkk', `/cases/${c.id}/fund`, [['type', 'medical'], ['amount', '12.34'],
      ['currency', 'USD'], ['justification', 'x-ray']]);
    assert.equal(r.status, 303, r.text);
  });

  it('and in a query string, refused as well', async () => {
    const r = await get('caseworker.bkk', '/cases?q=a%00b');
    assert.equal(r.status, 400);
    assert.equal((await get('caseworker.bkk', '/cases?q=a%09b')).status, 200);
  });
});

describe('organisations and shelters', () => {
  const BKC = 'Ban Kredtrakarn Protection Centre';
  let bkc;

  before(async () => {
    bkc = ok(await post('admin', '/api/v1/organisations', { name: BKC, type: 'NGO', country: 'TH', phone: '+6622820000' }), 201);
    ok(await post('admin', '/api/v1/organisations', { name: 'Fundación Renacer', type: 'NGO', country: 'CO' }), 201);
  });

  it('take a phone as + and 2 to 15 digits', async () => {
    for (const phone of ['12345', '6622820000', '+0123', '+1', '+1234567890123456', '+66 2282', 'tel']) {
      const r = await post('admin', '/api/v1/organisations', { name: 'Test Org', type: 'NGO', country: 'TH', phone });
      assert.ok(assertApiError(r, 400).fields.phone, phone);
    }
    assert.ok(assertApiError(await patch('admin', `/api/v1/organisations/${bkc.id}`, { phone: '12345' }), 400).fields.phone);
    const o = ok(await post('admin', '/api/v1/organisations', { name: 'Test Org', type: 'NGO', country: 'TH', phone: ' +12 ' }), 201);
    assert.equal(o.phone, '+12');
    ok(await patch('admin', `/api/v1/organisations/${o.id}`, { phone: '+123456789012345' }), 200);
  });

  it('are unique within a country whatever the case, accents and spacing', async () => {
    for (const [name, country] of [['ban kredtrakarn protection centre', 'TH'], ['BAN KREDTRAKARN  PROTECTION CENTRE', 'TH'],
      [`  ${BKC} `, 'TH'], ['FUNDACION RENACER', 'CO'], ['fundacion renacer', 'CO']]) {
      const r = await post('admin', '/api/v1/organisations', { name, type: 'NGO', country });
      assert.ok(assertApiError(r, 400).fields.name, name);
    }
    ok(await post('admin', '/api/v1/organisations', { name: 'fundacion renacer', type: 'NGO', country: 'TH' }), 201,
      'another country');
    const other = ok(await post('admin', '/api/v1/organisations', { name: 'Other Centre', type: 'NGO', country: 'TH' }), 201);
    let r = await patch('admin', `/api/v1/organisations/${other.id}`, { name: 'BAN KREDTRAKARN PROTECTION CENTRE' });
    assert.ok(assertApiError(r, 400).fields.name, 'renamed onto another');
    r = ok(await patch('admin', `/api/v1/organisations/${bkc.id}`, { name: 'Ban Kredtrakarn protection centre' }), 200,
      'its own name in another case');
    assert.equal(r.name, 'Ban Kredtrakarn protection centre');
    const th = (await get('admin', '/api/v1/organisations')).json.organisations.filter((o) => o.country === 'TH');
    assert.equal(th.filter((o) => o.name.toLowerCase() === BKC.toLowerCase()).length, 1);
  });

  it('have names trimmed, and a blank one is none', async () => {
    for (const name of ['   ', '\t', ' \u00a0 ']) {
      const r = await post('admin', '/api/v1/organisations', { name, type: 'NGO', country: 'TH' });
      assert.ok(assertApiError(r, 400).fields.name, JSON.stringify(name));
      const r2 = await post('manager.bkk', '/api/v1/shelters', { name, capacity: 2 });
      assert.ok(assertApiError(r2, 400).fields.name, JSON.stringify(name));
    }
    assert.ok(assertApiError(await patch('admin', `/api/v1/organisations/${bkc.id}`, { name: '  ' }), 400).fields.name);
    const o = ok(await post('admin', '/api/v1/organisations',
      { name: '  Padded Org\u00a0', type: 'NGO', country: 'TH', city: ' Bangkok ' }), 201);
    assert.equal(o.name, 'Padded Org');
    assert.equal(o.city, 'Bangkok');
    const sh = ok(await post('manager.bkk', '/api/v1/shelters', { name: ' Padded House ', city: ' Thonburi ', capacity: 2 }), 201);
    assert.equal(sh.name, 'Padded House');
    assert.equal(sh.city, 'Thonburi');
  });

  it('shelters are unique within an office whatever the case and accents', async () => {
    for (const name of ['one bed house', 'ONE BED HOUSE', ' One Bed  House ', 'Óne Bed House']) {
      const r = await post('manager.bkk', '/api/v1/shelters', { name, capacity: 2 });
      assert.ok(assertApiError(r, 400).fields.name, name);
    }
    let r = await patch('manager.bkk', `/api/v1/shelters/${shelter.wide.id}`, { name: 'other house' });
    assert.ok(assertApiError(r, 400).fields.name);
    ok(await post('admin', '/api/v1/shelters', { name: 'one bed house', office: 'BOG', capacity: 2 }), 201, 'another office');
    r = ok(await patch('manager.bkk', `/api/v1/shelters/${shelter.one.id}`, { name: 'One bed house' }), 200);
    assert.equal(r.name, 'One bed house');
  });
});
