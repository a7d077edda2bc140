/*
 * input_kinds.test.mjs - the kinds of bad input a tester found accepted
 * or misreported by the operational API and forms, each kept as a test:
 *
 *   1. required free text of white space only (a handover declined for
 *      "   ", on the API and on the form);
 *   2. text limits counted in bytes instead of characters (5,001 "é" as
 *      over 10,000 characters);
 *   3. unknown members of nested objects ignored (donors[0].evil);
 *   4. wrong JSON types accepted or misreported (a capacity of "5",
 *      over_capacity "yes" taken for no, an organisation "1" said not to
 *      exist, an unknown field behind a months error);
 *   5. dates without bounds (a rate valid from 9999-12-01);
 *   6. errors under another name than the request's (a discharge's date
 *      reported as "discharged");
 *
 * and, for every endpoint, one bad value per field, answered under the
 * name the request used, with nothing changed.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, createCase, assertApiError } from './lib.mjs';
import { day } from '../common.mjs';

const EXTRA = [
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-91c0d2e7' },
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-5e2a8f13' },
];

let srv;
let shelter2;
const s = {};

before(async () => {
  srv = await startServer({ extraUsers: EXTRA });
  for (const u of ['admin', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'manager.bog', 'pm',
    'medical.bkk']) {
    s[u] = await srv.login(u);
  }
  shelter2 = ok(await post('manager.bkk', '/api/v1/shelters', { name: 'Matrix House', capacity: 50 }), 201,
    'shelter');
});

after(async () => {
  await srv.stop();
});

const get = (who, p) => srv.api('GET', p, { session: s[who] });
const post = (who, p, body = {}) => srv.api('POST', p, { session: s[who], body });
const put = (who, p, body = {}) => srv.api('PUT', p, { session: s[who], body });
const patch = (who, p, body = {}) => srv.api('PATCH', p, { session: s[who], body });

function sql(query) {
  return execFileSync('sqlite3', ['-batch', '-noheader', srv.db, query],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/* POST an HTML form as the pages do. */
function postForm(who, urlPath, fields, headers = {}) {
  const body = new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString();
  return srv.api('POST', urlPath, {
    session: s[who], body, csrf: false,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  });
}

function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text}`);
  return res.json;
}

/* A 400 that names exactly field (a path such as "donors[0].evil"). */
function refused(res, field, what) {
  const e = assertApiError(res, 400, what);
  assert.deepEqual(Object.keys(e.fields ?? {}), [field], `${what}: ${res.text}`);
  assert.ok(e.fields[field].trim().length > 0, `${what}: empty message`);
  return e;
}

const unescapeHtml = (t) => t.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const newCase = (who = 'caseworker.bkk') => createCase(srv, s[who], { assigned_to: s[who].user.id });

async function newProject(body = {}) {
  return ok(await post('pm', '/api/v1/projects', {
    name: `P ${Math.random().toString(36).slice(2)}`, currency: 'USD', budget: '100000', ...body,
  }), 201, 'project');
}

async function fundRequest(c, body = {}) {
  return ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
    { type: 'medical', amount: '500', currency: 'USD', justification: 'Surgery', ...body }), 201, 'fund request');
}

async function pendingTransfer() {
  const c = await newCase();
  const t = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, { to_office: 'BOG' }), 201,
    'handover');
  return { c, t };
}

const LEG = {
  from_country: 'TH', from_place: 'Bangkok', to_country: 'CO', to_place: 'Bogotá',
  departure_date: day(0), arrival_date: day(1), means_of_transport: 'Air', escort: 'Staff',
  documents_used: ['Own'],
};

/* Every table a refused write could touch, as text. */
const TABLES = ['cases', 'case_events', 'case_records', 'case_returns', 'case_transfers', 'fund_budgets',
  'fund_decisions', 'fund_disbursements', 'fund_rates', 'fund_requests', 'meta', 'monitoring_visits',
  'offices', 'organisations', 'project_cases', 'project_donors', 'projects', 'reintegration_plans',
  'shelters', 'user_totp'];
const snapshot = () => TABLES.map((t) => `${t}:${sql(`SELECT * FROM ${t} ORDER BY 1`)}`).join('\n');

describe('1. required text of white space only', () => {
  const BLANKS = ['   ', '\u00a0', ' \t\r\n ', '\u3000\u200b'];

  it('a handover is not declined for "   ", on the API nor on the form', async () => {
    const { t } = await pendingTransfer();
    const D = `/api/v1/transfers/${t.id}/decision`;
    for (const reason of BLANKS) {
      const e = refused(await post('manager.bog', D, { decision: 'decline', reason }), 'reason',
        JSON.stringify(reason));
      assert.equal(e.fields.reason, 'Say why the handover is declined.');
    }
    const r = await postForm('manager.bog', `/transfers/${t.id}`, [['action', 'decline'], ['reason', '   ']]);
    assert.equal(r.status, 400, r.text);
    assert.ok(unescapeHtml(r.text).includes('Say why the handover is declined.'));
    assert.equal(sql(`SELECT state || '|' || (note IS NULL) FROM case_transfers WHERE id = ${t.id}`), 'pending|1');
    /* A real reason is taken, as typed. */
    ok(await post('manager.bog', D, { decision: 'decline', reason: '  No room now ' }), 200, 'declined');
    const out = (await get('caseworker.bkk', '/api/v1/transfers')).json.outgoing.find((x) => x.id === t.id);
    assert.equal(out.state, 'declined');
    assert.equal(out.reason, '  No room now ');
  });

  it('nor a fund request justified, decided or a project named by white space', async () => {
    const c = await newCase();
    const n0 = sql('SELECT count(*) FROM fund_requests');
    for (const justification of BLANKS) {
      refused(await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
        { type: 'medical', amount: '5', currency: 'USD', justification }), 'justification', JSON.stringify(justification));
    }
    assert.equal(sql('SELECT count(*) FROM fund_requests'), n0);
    const q = await fundRequest(c);
    for (const reason of BLANKS) {
      refused(await post('pm', `/api/v1/fund-requests/${q.id}/decision`, { decision: 'reject', reason }), 'reason',
        JSON.stringify(reason));
    }
    assert.equal(sql(`SELECT state FROM fund_requests WHERE id = ${q.id}`), 'submitted');
    const p0 = sql('SELECT count(*) FROM projects');
    refused(await post('pm', '/api/v1/projects', { name: '\u00a0 ', currency: 'USD', budget: '1' }), 'name', 'name');
    refused(await post('pm', '/api/v1/projects', { name: 'Named', currency: 'USD', budget: '1',
      donors: [{ name: ' \u3000', amount: '1' }] }), 'donors[0].name', 'donor name');
    assert.equal(sql('SELECT count(*) FROM projects'), p0);
  });

  it('nor a shelter, an organisation or an office named by white space (forms too)', async () => {
    refused(await post('manager.bkk', '/api/v1/shelters', { name: '\u00a0\u2003', capacity: 3 }), 'name', 'shelter');
    refused(await post('admin', '/api/v1/organisations', { name: '\u3000', type: 'NGO', country: 'TH' }), 'name', 'org');
    const before = sql('SELECT count(*) FROM offices');
    const r = await postForm('admin', '/admin/offices', [['code', 'XYZ'], ['name', '\u00a0\u00a0'], ['country', 'TH']]);
    assert.equal(r.status, 400, r.text);
    assert.ok(unescapeHtml(r.text).includes('Give the office a name.'));
    assert.equal(sql('SELECT count(*) FROM offices'), before);
  });

  it('an optional text of white space only is no text', async () => {
    const c = await newCase();
    const R = `/api/v1/cases/${c.id}/return`;
    const ret = ok(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG', notes: ' \u00a0 ' }),
      201, 'return').return;
    assert.deepEqual(ret.notes, {});
  });
});

describe('2. text limits in characters, as maxlength counts them', () => {
  it('a justification of 5,001 "é" (10,002 bytes) is taken, 10,001 characters are not', async () => {
    const c = await newCase();
    const just = 'é'.repeat(5001);
    const q = await fundRequest(c, { justification: just });
    assert.equal((await get('pm', `/api/v1/fund-requests/${q.id}`)).json.justification, just);
    const e = refused(await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
      { type: 'medical', amount: '5', currency: 'USD', justification: 'a'.repeat(10001) }), 'justification', 'long');
    assert.match(e.fields.justification, /10,000 characters/);
    /* The decision's reason alike, at the limit in four-byte characters. */
    const reason = '😀'.repeat(10000);
    ok(await post('pm', `/api/v1/fund-requests/${q.id}/decision`, { decision: 'need-info', reason }), 200, 'reason');
    assert.equal((await get('pm', `/api/v1/fund-requests/${q.id}`)).json.reason, reason);
    /* And a resubmission's. */
    ok(await post('caseworker.bkk', `/api/v1/fund-requests/${q.id}/resubmit`, { justification: 'ก'.repeat(9999) }),
      200, 'resubmit');
  });

  it('a disbursement note of 2,000 "é" is taken; a project and donor of 300 "é" are kept whole', async () => {
    const name = 'é'.repeat(300);
    const p = await newProject({ name, region: 'ก'.repeat(127), target_group: 'é'.repeat(1000),
      donors: [{ name: 'ก'.repeat(300), amount: '10' }] });
    assert.equal(p.name, name);
    assert.equal(p.region, 'ก'.repeat(127));
    assert.equal(p.target_group, 'é'.repeat(1000));
    assert.equal(p.donors[0].name, 'ก'.repeat(300));
    const e = refused(await post('pm', '/api/v1/projects', { name: 'x', currency: 'USD', budget: '1',
      region: 'a'.repeat(128) }), 'region', 'region');
    assert.match(e.fields.region, /127 characters/);
    refused(await post('pm', '/api/v1/projects', { name: 'é'.repeat(301), currency: 'USD', budget: '1' }), 'name',
      'name');
    const c = await newCase();
    const q = await fundRequest(c);
    ok(await post('pm', `/api/v1/fund-requests/${q.id}/decision`,
      { decision: 'approve', project_id: p.id, reason: 'ok' }), 200, 'approve');
    refused(await post('pm', `/api/v1/fund-requests/${q.id}/disbursements`, { amount: '1', note: 'a'.repeat(2001) }),
      'note', 'long note');
    const note = 'é'.repeat(2000);
    const d = ok(await post('pm', `/api/v1/fund-requests/${q.id}/disbursements`, { amount: '1', note }), 201,
      'disbursement');
    assert.equal(d.disbursements[0].note, note);
  });

  it('reintegration objectives and return notes: 2,001 "é" and 1,400 "ก" pass as 4,000 "a" do', async () => {
    const c = await newCase();
    const P = `/api/v1/cases/${c.id}/reintegration`;
    ok(await post('caseworker.bkk', P, { plan_type: 'Health', objectives: 'a'.repeat(4000) }), 200, '4000 a');
    for (const objectives of ['é'.repeat(2001), 'ก'.repeat(1400), 'é'.repeat(4000)]) {
      const plan = ok(await post('caseworker.bkk', P, { objectives }), 200, objectives.slice(0, 3)).plan;
      assert.equal(plan.objectives, objectives);
    }
    const e = refused(await post('caseworker.bkk', P, { objectives: 'é'.repeat(4001) }), 'objectives', '4001');
    assert.equal(e.fields.objectives, 'Give a text of at most 4000 characters.');
    const R = `/api/v1/cases/${c.id}/return`;
    const ret = ok(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG',
      notes: 'ก'.repeat(1400) }), 201, 'return').return;
    assert.equal(ret.notes.Requested, 'ก'.repeat(1400));
    const st = ok(await post('caseworker.bkk', `${R}/stage`, { stage: 'Counselled', notes: 'é'.repeat(2001),
      version: ret.version }), 200, 'counselled').return;
    assert.equal(st.notes.Counselled, 'é'.repeat(2001));
    refused(await put('caseworker.bkk', `${R}/legs`, { legs: [{ ...LEG, from_place: 'é'.repeat(201) }],
      version: st.version }), 'legs[0].from_place', 'a place of 201');
    ok(await put('caseworker.bkk', `${R}/legs`, { legs: [{ ...LEG, from_place: 'é'.repeat(200) }],
      version: st.version }), 200, 'a place of 200 "é"');
  });

  it('an office name of 127 "é" is kept whole, 128 are refused (the form\'s maxlength is 127)', async () => {
    let r = await postForm('admin', '/admin/offices', [['code', 'ACC'], ['name', 'é'.repeat(127)], ['country', 'TH']]);
    assert.equal(r.status, 303, r.text);
    assert.equal(sql("SELECT name FROM offices WHERE code = 'ACC'"), 'é'.repeat(127));
    r = await postForm('admin', '/admin/offices', [['code', 'ACD'], ['name', 'é'.repeat(128)], ['country', 'TH']]);
    assert.equal(r.status, 400, r.text);
    assert.ok(unescapeHtml(r.text).includes('127 characters'));
    assert.equal(sql("SELECT count(*) FROM offices WHERE code = 'ACD'"), '0');
  });

  it('a line break counts once, as the textarea counts it', async () => {
    const c = await newCase();
    const objectives = 'a\r\n'.repeat(2000);
    const plan = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
      { plan_type: 'Health', objectives }), 200, '2000 lines').plan;
    assert.equal(plan.objectives, objectives);
  });
});

describe('3. unknown members of nested objects', () => {
  it('are refused in donors, budgets, packages and legs, naming the path', async () => {
    const n0 = sql('SELECT count(*) FROM projects');
    let e = refused(await post('pm', '/api/v1/projects', { name: 'Evil 1', currency: 'USD', budget: '1',
      donors: [{ name: 'A', amount: '1', evil: 1 }] }), 'donors[0].evil', 'donor');
    assert.equal(e.fields['donors[0].evil'], 'Unknown field.');
    refused(await post('pm', '/api/v1/projects', { name: 'Evil 2', currency: 'USD', budget: '1',
      budgets: [{ currency: 'EUR', budget: '1', evil: true }] }), 'budgets[0].evil', 'budget line');
    assert.equal(sql('SELECT count(*) FROM projects'), n0);
    const c = await newCase();
    e = refused(await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
      { plan_type: 'Health', packages: [{ type: 'Education' }, { type: 'Education', colour: 'red' }] }),
    'packages[1].colour', 'package');
    assert.equal(sql(`SELECT count(*) FROM reintegration_plans WHERE case_id = ${c.id}`), '0');
    const R = `/api/v1/cases/${c.id}/return`;
    const ret = ok(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG' }), 201, 'return').return;
    refused(await put('caseworker.bkk', `${R}/legs`, { legs: [{ ...LEG, evil: 1 }], version: ret.version }),
      'legs[0].evil', 'leg');
    assert.deepEqual((await get('caseworker.bkk', R)).json.return.legs, []);
  });
});

describe('4. JSON types', () => {
  let shelter;

  it('a capacity is a number: "5" and "7" are refused, on create and on change', async () => {
    const n0 = sql('SELECT count(*) FROM shelters');
    const e = refused(await post('manager.bkk', '/api/v1/shelters', { name: 'Str', capacity: '5' }), 'capacity',
      'create');
    assert.equal(e.fields.capacity, 'Give the number of places, from 1 to 100000.');
    assert.equal(sql('SELECT count(*) FROM shelters'), n0);
    shelter = ok(await post('manager.bkk', '/api/v1/shelters', { name: 'Small House', capacity: 1 }), 201, 'shelter');
    refused(await patch('manager.bkk', `/api/v1/shelters/${shelter.id}`, { capacity: '7' }), 'capacity', 'change');
    assert.equal((await get('manager.bkk', `/api/v1/shelters/${shelter.id}`)).json.capacity, 1);
    /* The form sends text: it is read as the number it is. */
    const r = await postForm('manager.bkk', `/shelters/${shelter.id}`, [['name', 'Small House'], ['capacity', '2']]);
    assert.equal(r.status, 303, r.text);
    assert.equal((await get('manager.bkk', `/api/v1/shelters/${shelter.id}`)).json.capacity, 2);
    ok(await patch('manager.bkk', `/api/v1/shelters/${shelter.id}`, { capacity: 1 }), 200, 'back to 1');
  });

  it('an organisation "1" is a type error, not one that does not exist', async () => {
    const e = refused(await post('manager.bkk', '/api/v1/shelters', { name: 'Org house', capacity: 2,
      organisation: '1' }), 'organisation', 'org as text');
    assert.notEqual(e.fields.organisation, 'This organisation does not exist.');
    assert.equal(e.fields.organisation, "Give the organisation's id, a whole number.");
  });

  it('over_capacity "yes" is a 400, not taken for "not confirmed"', async () => {
    const a = await newCase();
    const b = await newCase();
    ok(await post('caseworker.bkk', `/api/v1/cases/${a.id}/shelter-stays`,
      { shelter: shelter.id, admitted: day(-3) }), 201, 'first stay');
    const S = `/api/v1/cases/${b.id}/shelter-stays`;
    const e = refused(await post('caseworker.bkk', S, { shelter: shelter.id, admitted: day(-1),
      over_capacity: 'yes' }), 'over_capacity', 'yes');
    assert.equal(e.fields.over_capacity, 'Give over_capacity as true or false.');
    assertApiError(await post('caseworker.bkk', S, { shelter: shelter.id, admitted: day(-1) }), 409, 'full');
    assert.equal(sql(`SELECT count(*) FROM case_records WHERE case_id = ${b.id}`), '0');
    const stay = ok(await post('caseworker.bkk', S, { shelter: shelter.id, admitted: day(-1), over_capacity: true }),
      201, 'confirmed');
    assert.equal(stay.over_capacity, true);
    /* Only a shelter stay has it. */
    refused(await post('caseworker.bkk', `/api/v1/cases/${b.id}/services`, { service_type: 'Medical',
      start_date: day(0), status: 'Planned', over_capacity: true }), 'over_capacity', 'a service');
  });

  it('the unknown field is told first: months with an extra member', async () => {
    const S = '/api/v1/settings/reintegration-schedule';
    const before = (await get('admin', S)).json.months;
    const e = refused(await put('admin', S, { months: [1, 3], x: 1 }), 'x', 'unknown');
    assert.equal(e.error, 'The request contains unknown fields.');
    refused(await put('admin', S, { months: [1, '3'] }), 'months[1]', 'a month as text');
    refused(await put('admin', S, { months: '1,3' }), 'months', 'months as text');
    assert.deepEqual((await get('admin', S)).json.months, before);
  });

  it('each field answers its own type message', async () => {
    const c = await newCase();
    let e = refused(await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
      { type: 'medical', amount: true, currency: 'USD', justification: 'x' }), 'amount', 'amount');
    assert.match(e.fields.amount, /amount/);
    e = refused(await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
      { type: 'medical', amount: '5', currency: 'USD', justification: 5 }), 'justification', 'justification');
    assert.equal(e.fields.justification, 'Give this as text.');
    refused(await patch('caseworker.bkk', `/api/v1/cases/${c.id}`, { status: 'Active', version: '1' }), 'version',
      'version');
    refused(await srv.api('POST', '/api/v1/login', { body: { username: 5, password: 'x' } }), 'username', 'login');
  });
});

describe('5. dates with sane bounds', () => {
  it('a rate valid from 9999-12-01 or before 1900 is refused; ten years ahead is the horizon', async () => {
    for (const valid_from of ['9999-12-01', day(3700 + 30), '1899-12-31']) {
      refused(await post('pm', '/api/v1/rates', { currency: 'EUR', valid_from, rate: '0.9' }), 'valid_from',
        valid_from);
    }
    assert.equal(sql("SELECT count(*) FROM fund_rates WHERE valid_from > '2100-01-01' OR valid_from < '1900-01-01'"),
      '0');
    ok(await post('pm', '/api/v1/rates', { currency: 'CHF', valid_from: day(3000), rate: '0.9' }), 201, '8 years');
  });

  it('a support plan starting 9999-12-01 is refused, as are other planned dates past the horizon', async () => {
    const c = await newCase();
    const P = `/api/v1/cases/${c.id}/support-plans`;
    const e = refused(await post('caseworker.bkk', P, { type: 'Health', start_date: '9999-12-01' }), 'start_date',
      'start');
    assert.equal(e.fields.start_date, 'Give a date at most 10 years from today.');
    refused(await post('caseworker.bkk', P, { type: 'Health', start_date: day(0), planned_end_date: day(4000) }),
      'planned_end_date', 'planned end');
    refused(await post('caseworker.bkk', `/api/v1/cases/${c.id}/services`, { service_type: 'Medical',
      start_date: day(0), end_date: '9999-01-01', status: 'Planned' }), 'end_date', 'service end');
    refused(await post('medical.bkk', `/api/v1/cases/${c.id}/health`, { health_kind: 'MedicalScreening',
      date: day(0), follow_up: '9000-01-01' }), 'follow_up', 'follow-up');
    const old = refused(await post('caseworker.bkk', `/api/v1/cases/${c.id}/risk`, { level: 'Low',
      date: '1899-05-01' }), 'date', 'risk before 1900');
    assert.equal(old.fields.date, 'Give a date from 1900 on.');
    assert.equal(sql(`SELECT count(*) FROM case_records WHERE case_id = ${c.id}`), '0');
    ok(await post('caseworker.bkk', P, { type: 'Health', start_date: day(30), planned_end_date: day(3000) }), 201,
      'within the horizon');
  });

  it('a project period and travel legs have the horizon too', async () => {
    refused(await post('pm', '/api/v1/projects', { name: 'Forever', currency: 'USD', budget: '1',
      end: '9999-12-31' }), 'end', 'project end');
    refused(await post('pm', '/api/v1/projects', { name: 'Forever', currency: 'USD', budget: '1',
      start: '1800-01-01' }), 'start', 'project start');
    const c = await newCase();
    const R = `/api/v1/cases/${c.id}/return`;
    const ret = ok(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG' }), 201, 'return').return;
    refused(await put('caseworker.bkk', `${R}/legs`, { legs: [{ ...LEG, departure_date: '9999-01-01',
      arrival_date: '9999-01-02' }], version: ret.version }), 'legs[0].departure_date', 'a leg in 9999');
  });

  it('the message is in the user\'s language', async () => {
    const c = await newCase();
    const en = await post('caseworker.bkk', `/api/v1/cases/${c.id}/support-plans`,
      { type: 'Health', start_date: '9999-12-01' });
    for (const lang of ['fr', 'es']) {
      const r = await srv.api('POST', `/api/v1/cases/${c.id}/support-plans`, { session: s['caseworker.bkk'],
        body: { type: 'Health', start_date: '9999-12-01' }, headers: { 'Accept-Language': lang } });
      const e = refused(r, 'start_date', lang);
      assert.notEqual(e.fields.start_date, en.json.fields.start_date, `${lang} not translated`);
    }
  });
});

describe('6. errors under the name the request used', () => {
  it('a discharge names its "date", never "discharged"', async () => {
    const c = await newCase();
    const stay = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/shelter-stays`,
      { shelter: shelter2.id, admitted: day(-5) }), 201, 'stay');
    const D = `/api/v1/records/${stay.id}/discharge`;
    for (const date of [day(30), day(-9), 'soon', 12]) {
      refused(await post('caseworker.bkk', D, { date, version: stay.version }), 'date', JSON.stringify(date));
    }
    refused(await post('caseworker.bkk', D, { date: day(0), version: 'x' }), 'version', 'version');
    const same = (await get('caseworker.bkk', `/api/v1/records/${stay.id}`)).json;
    assert.equal(same.discharged, undefined);
    assert.equal(same.version, stay.version);
  });
});

describe('every endpoint: one bad value per field, answered under its name, nothing changed', () => {
  const F = {};

  before(async () => {
    F.case = await newCase();
    F.plain = await newCase();
    F.ret = await newCase();
    F.R = `/api/v1/cases/${F.ret.id}/return`;
    F.retVersion = ok(await post('caseworker.bkk', F.R, { dest_country: 'CO', dest_office: 'BOG' }), 201,
      'return').return.version;
    F.transfer = (await pendingTransfer()).t;
    F.reint = await newCase();
    ok(await post('caseworker.bkk', `/api/v1/cases/${F.reint.id}/reintegration`,
      { plan_type: 'Health', plan_date: day(-400) }), 200, 'plan');
    F.visit = (await get('caseworker.bkk', `/api/v1/cases/${F.reint.id}/visits`)).json.visits[0];
    F.project = await newProject();
    const fc = await newCase();
    F.submitted = await fundRequest(fc);
    F.needInfo = await fundRequest(fc);
    ok(await post('pm', `/api/v1/fund-requests/${F.needInfo.id}/decision`, { decision: 'need-info', reason: 'more' }),
      200, 'need-info');
    F.approved = await fundRequest(fc);
    ok(await post('pm', `/api/v1/fund-requests/${F.approved.id}/decision`,
      { decision: 'approve', project_id: F.project.id, reason: 'ok' }), 200, 'approve');
    F.service = ok(await post('caseworker.bkk', `/api/v1/cases/${F.case.id}/services`,
      { service_type: 'Medical', start_date: day(-1), status: 'Planned' }), 201, 'service');
    F.stay = ok(await post('caseworker.bkk', `/api/v1/cases/${F.case.id}/shelter-stays`,
      { shelter: shelter2.id, admitted: day(-4) }), 201, 'stay');
    F.org = ok(await post('admin', '/api/v1/organisations', { name: 'Matrix NGO', type: 'NGO', country: 'TH' }),
      201, 'org');
  });

  /* [who, method, path, a good body, [[field, bad value], ...]] */
  const endpoints = () => [
    ['caseworker.bkk', 'POST', '/api/v1/cases/search', { q: 'BKK' },
      [['q', 5], ['status', 'Nope'], ['page', 0], ['per_page', '10']]],
    ['caseworker.bkk', 'POST', '/api/v1/cases', {},
      [['office', 5], ['status', 'Nope'], ['assigned_to', 'x']]],
    ['caseworker.bkk', 'PATCH', `/api/v1/cases/${F.plain.id}`, { status: 'Active', version: 1 },
      [['status', 'Nope'], ['assigned_to', -3], ['version', 'one']]],
    ['caseworker.bkk', 'PATCH', '/api/v1/me', { lang: 'en' }, [['lang', 'xx']]],
    ['caseworker.bkk', 'POST', '/api/v1/me/two-step', { action: 'start' },
      [['action', 'dance'], ['code', 5], ['password', 5]]],
    ['caseworker.bkk', 'POST', `/api/v1/cases/${F.plain.id}/return`, { dest_country: 'CO', dest_office: 'BOG' },
      [['dest_country', 'XX'], ['dest_office', 'NOPE'], ['date', 'soon'], ['notes', 5], ['confirm', 'yes']]],
    ['caseworker.bkk', 'POST', `${F.R}/stage`, { stage: 'Counselled', version: F.retVersion },
      [['stage', 'Bogus'], ['date', day(5)], ['notes', 'é'.repeat(4001)], ['legs', 'x'], ['received_by', 5],
        ['reason', 5], ['version', 'x'], ['confirm', 'yes']]],
    ['caseworker.bkk', 'PUT', `${F.R}/legs`, { legs: [LEG], version: F.retVersion },
      [['legs', { 0: LEG }], ['version', 'x']]],
    ['caseworker.bkk', 'POST', `/api/v1/cases/${F.plain.id}/transfers`, { to_office: 'BOG' },
      [['to_office', 'NOPE'], ['confirm', 'yes']]],
    ['manager.bog', 'POST', `/api/v1/transfers/${F.transfer.id}/decision`, { decision: 'decline', reason: 'no' },
      [['decision', 'maybe'], ['assigned_to', 'x'], ['reason', '   ']]],
    ['caseworker.bkk', 'POST', `/api/v1/cases/${F.plain.id}/reintegration`, { plan_type: 'Health' },
      [['plan_type', 'Holiday'], ['plan_date', day(3)], ['objectives', 5], ['packages', 'x'],
        ['outcome', 'Happy'], ['version', 'x']]],
    ['caseworker.bkk', 'POST', `/api/v1/visits/${F.visit.id}`, { status: 'Done', date: day(0) },
      [['status', 'Maybe'], ['date', day(2)], ['notes', 5]]],
    ['admin', 'PUT', '/api/v1/settings/reintegration-schedule', { months: [1, 3] }, [['months', [3, 1]]]],
    ['caseworker.bkk', 'POST', `/api/v1/cases/${F.plain.id}/fund-requests`,
      { type: 'medical', amount: '5', currency: 'USD', justification: 'x' },
      [['type', 'gift'], ['amount', 'x'], ['currency', 'usd'], ['justification', '\u00a0']]],
    ['pm', 'POST', `/api/v1/fund-requests/${F.submitted.id}/decision`,
      { decision: 'approve', project_id: F.project.id, reason: 'ok' },
      [['decision', 'maybe'], ['amount', '0'], ['project_id', 'x'], ['reason', ' ']]],
    ['caseworker.bkk', 'POST', `/api/v1/fund-requests/${F.needInfo.id}/resubmit`, { amount: '400' },
      [['amount', 'x'], ['justification', 5]]],
    ['pm', 'POST', `/api/v1/fund-requests/${F.approved.id}/disbursements`, { amount: '1' },
      [['amount', 'x'], ['date', day(3)], ['note', 5]]],
    ['pm', 'POST', '/api/v1/projects', { name: 'Matrix', currency: 'USD', budget: '1' },
      [['name', ' '], ['currency', 'XYZ'], ['budget', 'x'], ['donors', 'x'], ['region', 5], ['start', 'x'],
        ['end', '9999-01-01'], ['target', -1], ['target_group', 5], ['budgets', {}]]],
    ['pm', 'POST', `/api/v1/projects/${F.project.id}/cases`, { case_id: F.plain.id }, [['case_id', 'x']]],
    ['pm', 'POST', `/api/v1/projects/${F.project.id}/donors`, { name: 'D', amount: '1' },
      [['name', ' '], ['amount', 'x'], ['currency', 'QQQ']]],
    ['pm', 'POST', '/api/v1/rates', { currency: 'THB', valid_from: day(0), rate: '35' },
      [['currency', 'XYZ'], ['valid_from', '9999-12-01'], ['rate', 'x'], ['replace', 'yes']]],
    ['caseworker.bkk', 'POST', `/api/v1/cases/${F.plain.id}/services`,
      { service_type: 'Medical', start_date: day(0), status: 'Planned', cost: '5', currency: 'THB' },
      [['service_type', 'Spa'], ['provider', 'x'], ['start_date', 'x'], ['end_date', '9999-01-01'], ['cost', 'x'],
        ['currency', 'ABC'], ['status', 'Maybe'], ['notes', 5], ['confirm', 'yes']]],
    ['caseworker.bkk', 'POST', `/api/v1/cases/${F.plain.id}/support-plans`, { type: 'Health', start_date: day(0) },
      [['type', 'x'], ['start_date', '9999-12-01'], ['planned_end_date', 'x'], ['actual_end_date', day(3)],
        ['objectives', 5], ['action_plan', 'é'.repeat(4001)]]],
    ['caseworker.bkk', 'POST', `/api/v1/cases/${F.plain.id}/shelter-stays`,
      { shelter: shelter2.id, admitted: day(-1) },
      [['shelter', 'x'], ['admitted', day(2)], ['discharged', 'x'], ['notes', 5], ['over_capacity', 'yes']]],
    ['medical.bkk', 'POST', `/api/v1/cases/${F.plain.id}/health`, { health_kind: 'MedicalScreening', date: day(0) },
      [['health_kind', 'x'], ['date', 'x'], ['follow_up', '9999-01-01'], ['findings', 5]]],
    ['caseworker.bkk', 'POST', `/api/v1/cases/${F.plain.id}/risk`, { level: 'Low', date: day(0) },
      [['level', 'x'], ['date', day(1)], ['threats', ['Foo']], ['review_date', 'x'], ['mitigation', 5],
        ['confirm', 'yes']]],
    ['caseworker.bkk', 'PATCH', `/api/v1/records/${F.service.id}`, { version: F.service.version },
      [['status', 'Maybe'], ['end_date', day(-9)], ['version', 'x'], ['colour', 'red']]],
    ['caseworker.bkk', 'POST', `/api/v1/records/${F.stay.id}/discharge`, { date: day(0), version: F.stay.version },
      [['date', day(9)], ['version', 'x']]],
    ['admin', 'POST', '/api/v1/organisations', { name: 'Org M', type: 'NGO', country: 'TH' },
      [['name', '\u3000'], ['type', 'x'], ['country', 'XX'], ['city', 5], ['phone', '123'], ['colour', 'red']]],
    ['admin', 'PATCH', `/api/v1/organisations/${F.org.id}`, {}, [['disabled', 'yes'], ['type', 5]]],
    ['manager.bkk', 'POST', '/api/v1/shelters', { name: 'House M', capacity: 3 },
      [['name', ' '], ['city', 5], ['capacity', '3'], ['office', 'ZZZ'], ['organisation', '1'],
        ['disabled', true]]],
    ['manager.bkk', 'PATCH', `/api/v1/shelters/${shelter2.id}`, {},
      [['capacity', 0], ['disabled', 'yes'], ['office', 'BOG']]],
  ];

  it('names each field as it was sent, and changes nothing', async () => {
    const before = snapshot();
    let n = 0;
    for (const [who, method, path, good, bad] of endpoints()) {
      for (const [field, value] of bad) {
        const body = { ...good, [field]: value };
        const r = await srv.api(method, path, { session: s[who], body });
        const what = `${method} ${path} ${field}=${JSON.stringify(value).slice(0, 40)}`;
        const e = assertApiError(r, 400, what);
        assert.deepEqual(Object.keys(e.fields ?? {}), [field], `${what}: ${r.text.slice(0, 300)}`);
        n += 1;
      }
    }
    assert.ok(n > 100, `only ${n} bad values sent`);
    assert.equal(snapshot(), before, 'a refused request changed something');
  });
});
