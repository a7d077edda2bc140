/*
 * moves_review.test.mjs - fixes from a review of return, handover and
 * reintegration: no return asked for in the future (and one dated so
 * before can still be cancelled), travel legs that make one journey from
 * the request to the country of return, an office of another country
 * confirmed, a departure from a shelter confirmed and no admission by
 * the office left while on the way, plan dates not ahead and moving
 * their visits, no visit missed before it is due, a decided handover
 * told as decided, and visit refusals by role audited.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, createCase, assertApiError, auditEntries } from './lib.mjs';
import { addMonths, day } from '../common.mjs';

const EXTRA = [
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-5a7e19' },
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-2f80c3' },
];

let srv;
const s = {};

before(async () => {
  srv = await startServer({ extraUsers: EXTRA });
  for (const u of ['admin', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'manager.bog', 'pm',
    'researcher', 'medical.bkk']) {
    s[u] = await srv.login(u);
  }
});

after(async () => {
  await srv.stop();
});

const get = (who, path) => srv.api('GET', path, { session: s[who] });
const post = (who, path, body = {}) => srv.api('POST', path, { session: s[who], body });
const put = (who, path, body = {}) => srv.api('PUT', path, { session: s[who], body });

function expectStatus(res, status, what) {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text}`);
  if (status >= 400) assertApiError(res, status, what);
  return res;
}

/* A refusal naming field (with a message). */
function expectField(res, status, field, what) {
  expectStatus(res, status, what);
  assert.equal(typeof res.json.fields?.[field], 'string', `${what}: no fields["${field}"] in ${res.text}`);
  assert.ok(res.json.fields[field].length > 0);
  return res;
}

function sql(query) {
  return execFileSync('sqlite3', ['-batch', '-noheader', srv.db, query],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/* POST an HTML form as the pages do. */
function postForm(who, urlPath, fields) {
  const body = new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString();
  return srv.api('POST', urlPath, {
    session: s[who], body, csrf: false,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

const newCase = (who = 'caseworker.bkk') => createCase(srv, s[who], { assigned_to: s[who].user.id });

const LEG = {
  from_country: 'TH', from_place: 'Bangkok', to_country: 'CO', to_place: 'Bogotá',
  means_of_transport: 'Air', escort: 'Staff', documents_used: ['Own'],
};

/* A return to Colombia asked for on `asked`, counselled and planned with
 * one leg departing on `leaves`. */
async function planned(c, asked, leaves) {
  const R = `/api/v1/cases/${c.id}/return`;
  expectStatus(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG', date: asked }), 201, 'request');
  expectStatus(await post('caseworker.bkk', `${R}/stage`, { stage: 'Counselled', date: asked }), 200, 'counselled');
  expectStatus(await post('caseworker.bkk', `${R}/stage`, {
    stage: 'Planned', date: asked, legs: [{ ...LEG, departure_date: leaves, arrival_date: leaves }],
  }), 200, 'planned');
  return R;
}

test('a return is not asked for in the future; one dated ahead before can still be cancelled', async () => {
  const c = await newCase();
  const R = `/api/v1/cases/${c.id}/return`;
  expectField(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG', date: '2099-12-01' }), 400,
    'date', 'a request in the future');
  expectField(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG', date: day(1) }), 400,
    'date', 'a request tomorrow');
  assert.equal((await get('caseworker.bkk', R)).json.return, null, 'a refused request was saved');

  /* A return stored with a request date ahead (as the server took them
   * before): its steps cannot follow, but it is cancelled today. */
  const made = expectStatus(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG', date: day(0) }),
    201, 'request today');
  sql(`UPDATE case_returns SET requested_on = '2099-12-01' WHERE id = ${made.json.return.id}`);
  expectStatus(await post('caseworker.bkk', `${R}/stage`, { stage: 'Counselled' }), 400, 'a step before the request');
  const x = expectStatus(await post('manager.bkk', `${R}/stage`, { stage: 'Cancelled' }), 200, 'cancel');
  assert.equal(x.json.return.stage, 'Cancelled');
  assert.equal(x.json.return.dates.cancelled_on, day(0));
  expectStatus(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG', date: day(0) }), 201,
    'a new return');
});

test('travel legs make one journey from the request to the country of return', async () => {
  const c = await newCase();
  const R = `/api/v1/cases/${c.id}/return`;
  expectStatus(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG', date: day(-20) }), 201,
    'request');
  const L = `${R}/legs`;
  const one = (d, a) => ({ ...LEG, departure_date: d, arrival_date: a });
  const cases = [
    ['a leg years before the request', [one('2020-03-01', '2020-03-02')], 'legs[0].departure_date'],
    ['a leg the day before the request', [one(day(-21), day(-19))], 'legs[0].departure_date'],
    ['a leg arriving before it departs', [one(day(-10), day(-11))], 'legs[0].arrival_date'],
    ['legs out of order (the review\'s example)', [
      { ...LEG, to_country: 'US', departure_date: day(-10), arrival_date: day(-9) },
      { ...LEG, from_country: 'FR', departure_date: day(-12), arrival_date: day(-11) }], 'legs[1].from_country'],
    ['a leg departing before the one before arrives', [
      { ...LEG, to_country: 'US', departure_date: day(-10), arrival_date: day(-8) },
      { ...LEG, from_country: 'US', departure_date: day(-9), arrival_date: day(-7) }], 'legs[1].departure_date'],
    ['a leg leaving from another country than where the one before ended', [
      { ...LEG, to_country: 'US', departure_date: day(-10), arrival_date: day(-9) },
      { ...LEG, from_country: 'FR', departure_date: day(-9), arrival_date: day(-8) }], 'legs[1].from_country'],
    ['a journey ending in another country', [
      { ...LEG, to_country: 'US', departure_date: day(-10), arrival_date: day(-9) },
      { ...LEG, from_country: 'US', to_country: 'PA', departure_date: day(-9), arrival_date: day(-8) }],
    'legs[1].to_country'],
    ['one leg to another country', [{ ...one(day(-10), day(-9)), to_country: 'PE' }], 'legs[0].to_country'],
    ['an unknown transport on the second leg', [
      { ...LEG, to_country: 'US', departure_date: day(-10), arrival_date: day(-9) },
      { ...LEG, from_country: 'US', departure_date: day(-9), arrival_date: day(-8), means_of_transport: 'Rocket' }],
    'legs[1].means_of_transport'],
  ];
  for (const [what, legs, field] of cases) {
    expectField(await put('caseworker.bkk', L, { legs }), 400, field, what);
    /* The same legs given with the plan are refused alike. */
  }
  assert.deepEqual((await get('caseworker.bkk', R)).json.return.legs, [], 'refused legs were saved');
  expectStatus(await post('caseworker.bkk', `${R}/stage`, { stage: 'Counselled', date: day(-15) }), 200, 'counselled');
  for (const [what, legs, field] of cases) {
    expectField(await post('caseworker.bkk', `${R}/stage`, { stage: 'Planned', date: day(-14), legs }), 400, field,
      `planned with ${what}`);
  }
  assert.equal((await get('caseworker.bkk', R)).json.return.stage, 'Counselled', 'a refused plan was saved');

  const journey = [
    { ...LEG, to_country: 'US', to_place: 'Miami', departure_date: day(-10), arrival_date: day(-9) },
    { ...LEG, from_country: 'US', from_place: 'Miami', departure_date: day(-9), arrival_date: day(-9) },
  ];
  const ok = expectStatus(await put('caseworker.bkk', L, { legs: journey }), 200, 'a journey in two legs');
  assert.deepEqual(ok.json.return.legs.map((l) => [l.from_country, l.to_country]), [['TH', 'US'], ['US', 'CO']]);
  expectStatus(await post('caseworker.bkk', `${R}/stage`, { stage: 'Planned', date: day(-14) }), 200, 'planned');

  /* The page shows the refusal and keeps the legs typed. */
  const page = await postForm('caseworker.bkk', `/cases/${c.id}/return`, [['action', 'legs'],
    ['leg0_from_country', 'TH'], ['leg0_to_country', 'CO'], ['leg0_departure_date', '2020-03-01'],
    ['leg0_arrival_date', '2020-03-02']]);
  assert.equal(page.status, 400);
  assert.match(page.text, /cannot depart before the return was asked for/);
});

test('an office at destination of another country is confirmed', async () => {
  const c = await newCase();
  const R = `/api/v1/cases/${c.id}/return`;
  const w = expectField(await post('caseworker.bkk', R, { dest_country: 'TH', dest_office: 'BOG' }), 409, 'confirm',
    'Thailand received by Bogotá');
  assert.match(w.json.error, /another country/);
  expectField(await post('caseworker.bkk', R, { dest_country: 'TH', dest_office: 'BOG', confirm: 'yes' }), 400,
    'confirm', 'confirm as text');
  expectField(await post('caseworker.bkk', R, { dest_country: 'TH', dest_office: 'BOG', confirm: false }), 409,
    'confirm', 'confirm false');
  assert.equal((await get('caseworker.bkk', R)).json.return, null, 'an unconfirmed return was saved');

  /* The page asks with a checkbox, and takes it. */
  const P = `/cases/${c.id}/return`;
  const page = await postForm('caseworker.bkk', P, [['action', 'request'], ['dest_country', 'TH'],
    ['dest_office', 'BOG']]);
  assert.equal(page.status, 409);
  assert.match(page.text, /another country/);
  assert.match(page.text, /name="confirm"/);
  assert.equal((await get('caseworker.bkk', R)).json.return, null);
  const fresh = await get('caseworker.bkk', P);
  assert.doesNotMatch(fresh.text, /name="confirm"/, 'the checkbox is offered before it is needed');
  const done = await postForm('caseworker.bkk', P, [['action', 'request'], ['dest_country', 'TH'],
    ['dest_office', 'BOG'], ['confirm', '1']]);
  assert.ok([302, 303].includes(done.status), `confirmed on the page: ${done.status}`);
  const ret = (await get('caseworker.bkk', R)).json.return;
  assert.equal(ret.dest_country, 'TH');
  assert.equal(ret.dest_office, 'BOG');

  /* The office of the country itself needs no confirmation. */
  const c2 = await newCase();
  expectStatus(await post('caseworker.bkk', `/api/v1/cases/${c2.id}/return`, { dest_country: 'CO', dest_office: 'BOG' }),
    201, 'Colombia received by Bogotá');
});

test('a departure from a shelter is confirmed; the office left admits no one on the way', async () => {
  const sh = expectStatus(await post('manager.bkk', '/api/v1/shelters', { name: 'Review House', capacity: 5 }), 201,
    'shelter BKK').json;
  const shBog = expectStatus(await post('manager.bog', '/api/v1/shelters', { name: 'Casa Review', capacity: 5 }), 201,
    'shelter BOG').json;

  /* Still in the shelter at departure. */
  const a = await newCase();
  expectStatus(await post('caseworker.bkk', `/api/v1/cases/${a.id}/shelter-stays`,
    { shelter: sh.id, admitted: day(-30) }), 201, 'admitted');
  const RA = await planned(a, day(-20), day(-5));
  const w = expectField(await post('caseworker.bkk', `${RA}/stage`, { stage: 'Departed', date: day(-5) }), 409,
    'confirm', 'departure from a shelter');
  assert.match(w.json.error, /still in a shelter/);
  expectField(await post('caseworker.bkk', `${RA}/stage`, { stage: 'Departed', date: day(-5), confirm: 1 }), 400,
    'confirm', 'confirm as a number');
  assert.equal((await get('caseworker.bkk', RA)).json.return.stage, 'Planned', 'a refused departure was saved');
  const page = await get('caseworker.bkk', `/cases/${a.id}/return`);
  const departForm = page.text.match(/<form[^>]*>(?:(?!<\/form>)[\s\S])*value="Departed"[\s\S]*?<\/form>/);
  assert.ok(departForm, 'the departure form');
  assert.match(departForm[0], /name="confirm"/, 'the departure form offers the confirmation');
  assert.match(departForm[0], /still in a shelter/);
  const r = await postForm('caseworker.bkk', `/cases/${a.id}/return`, [['action', 'stage'], ['stage', 'Departed'],
    ['date', day(-5)]]);
  assert.equal(r.status, 409);
  assert.match(r.text, /still in a shelter/);
  expectStatus(await post('caseworker.bkk', `${RA}/stage`, { stage: 'Departed', date: day(-5), confirm: true }), 200,
    'departure confirmed');

  /* Departed, not in a shelter: the office left cannot admit them. */
  const b = await newCase();
  const RB = await planned(b, day(-20), day(-5));
  expectStatus(await post('caseworker.bkk', `${RB}/stage`, { stage: 'Departed', date: day(-5) }), 200,
    'departure from no shelter');
  /* The handover form offers the return's office alone. */
  const form = (await get('caseworker.bkk', `/cases/${b.id}/return`)).text;
  const select = /<select id="to_office" name="to_office">([\s\S]*?)<\/select>/.exec(form)?.[1] ?? '';
  assert.deepEqual([...select.matchAll(/<option value="([A-Z0-9]+)"/g)].map((m) => m[1]), ['BOG'],
    'offices offered after departure');
  const stays = `/api/v1/cases/${b.id}/shelter-stays`;
  const refused = expectField(await post('caseworker.bkk', stays, { shelter: sh.id, admitted: day(-1) }), 400,
    'shelter', 'admission by the office left');
  assert.match(refused.json.fields.shelter, /left on a return/);
  assert.equal((await get('caseworker.bkk', stays)).json.records.length, 0, 'a refused stay was saved');
  /* Handed over: the receiving office admits them. */
  const t = expectStatus(await post('caseworker.bkk', `/api/v1/cases/${b.id}/transfers`, {}), 201, 'handover').json;
  expectStatus(await post('manager.bog', `/api/v1/transfers/${t.id}/decision`,
    { decision: 'accept', assigned_to: s['caseworker.bog'].user.id }), 200, 'accept');
  expectStatus(await post('caseworker.bog', stays, { shelter: shBog.id, admitted: day(-1) }), 201,
    'admission at destination');

  /* A case without a return is admitted as before. */
  const c = await newCase();
  expectStatus(await post('caseworker.bkk', `/api/v1/cases/${c.id}/shelter-stays`, { shelter: sh.id, admitted: day(-1) }),
    201, 'admission without a return');
});

test('plan dates are not ahead; a corrected plan date moves the visits that came from it', async () => {
  const c = await newCase();
  const P = `/api/v1/cases/${c.id}/reintegration`;
  expectField(await post('caseworker.bkk', P, { plan_type: 'Livelihood', plan_date: '2090-01-31' }), 400, 'plan_date',
    'a plan in 2090');
  expectField(await post('caseworker.bkk', P, { plan_type: 'Livelihood', plan_date: day(1) }), 400, 'plan_date',
    'a plan tomorrow');
  assert.equal((await get('caseworker.bkk', P)).json.plan, null, 'a refused plan was saved');
  assert.equal((await get('caseworker.bkk', P)).json.visits.length, 0, 'visits of a refused plan');

  const base = day(-100);
  const made = expectStatus(await post('caseworker.bkk', P, { plan_type: 'Livelihood', plan_date: base }), 200, 'plan').json;
  assert.deepEqual(made.visits.map((v) => v.due_on), [1, 3, 6, 12].map((m) => addMonths(base, m)));
  /* The first visit was done, the second missed: they stay. */
  const [v1, v2] = made.visits;
  expectStatus(await post('caseworker.bkk', `/api/v1/visits/${v1.id}`, { status: 'Done', date: v1.due_on }), 200, 'done');
  expectStatus(await post('caseworker.bkk', `/api/v1/visits/${v2.id}`, { status: 'Missed' }), 200, 'missed');
  expectField(await post('caseworker.bkk', P, { plan_date: '2090-01-31', version: made.plan.version }), 400,
    'plan_date', 'a plan moved to 2090');
  const moved = day(-90);
  const after = expectStatus(await post('caseworker.bkk', P, { plan_date: moved, version: made.plan.version }), 200,
    'plan date corrected').json;
  assert.equal(after.plan.plan_date, moved);
  const byId = Object.fromEntries(after.visits.map((v) => [v.id, v]));
  assert.equal(byId[v1.id].due_on, v1.due_on, 'a done visit moved');
  assert.equal(byId[v1.id].status, 'Done');
  assert.equal(byId[v2.id].due_on, v2.due_on, 'a missed visit moved');
  assert.deepEqual(made.visits.slice(2).map((v) => byId[v.id].due_on), [6, 12].map((m) => addMonths(moved, m)),
    'the scheduled visits did not move with the plan date');
  const steps = (await get('caseworker.bkk', `/api/v1/cases/${c.id}/timeline`)).json.steps
    .filter((e) => e.kind === 'visit.rescheduled');
  assert.equal(steps.length, 1, 'no timeline step for the moved visits');
  /* Changing something else leaves the visits alone. */
  const again = expectStatus(await post('caseworker.bkk', P, { objectives: 'Open a stall', version: after.plan.version }),
    200, 'objectives').json;
  assert.deepEqual(again.visits.map((v) => v.due_on), after.visits.map((v) => v.due_on));

  /* Visits that came from an arrival stay where they are. */
  const k = await newCase();
  const R = `/api/v1/cases/${k.id}/return`;
  expectStatus(await post('caseworker.bkk', R, { dest_country: 'TH', dest_office: 'BKK', date: day(-40) }), 201, 'request');
  expectStatus(await post('caseworker.bkk', `${R}/stage`, { stage: 'Counselled', date: day(-40) }), 200, 'counselled');
  expectStatus(await post('caseworker.bkk', `${R}/stage`, { stage: 'Planned', date: day(-40), legs: [{ ...LEG,
    to_country: 'TH', to_place: 'Chiang Mai', departure_date: day(-30), arrival_date: day(-30) }] }), 200, 'planned');
  expectStatus(await post('caseworker.bkk', `${R}/stage`, { stage: 'Departed', date: day(-30) }), 200, 'departed');
  expectStatus(await post('caseworker.bkk', `${R}/stage`, { stage: 'Arrived', date: day(-29), received_by: 'Desk' }),
    200, 'arrived');
  const KP = `/api/v1/cases/${k.id}/reintegration`;
  const kp = expectStatus(await post('caseworker.bkk', KP, { plan_type: 'Education', plan_date: day(-20) }), 200,
    'plan after arrival').json;
  assert.deepEqual(kp.visits.map((v) => v.due_on), [1, 3, 6, 12].map((m) => addMonths(day(-29), m)));
  const kq = expectStatus(await post('caseworker.bkk', KP, { plan_date: day(-10), version: kp.plan.version }), 200,
    'plan date changed').json;
  assert.deepEqual(kq.visits.map((v) => v.due_on), kp.visits.map((v) => v.due_on), 'visits of the arrival moved');
});

test('a visit is missed only once it is due; done early, never ahead nor before the plan', async () => {
  const c = await newCase();
  const plan = expectStatus(await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
    { plan_type: 'Health', plan_date: day(-5) }), 200, 'plan').json;
  const [v1, v2] = plan.visits;
  const V = (v) => `/api/v1/visits/${v.id}`;
  expectField(await post('caseworker.bkk', V(v1), { status: 'Missed' }), 400, 'status', 'missed before it is due');
  expectField(await post('caseworker.bkk', V(v1), { status: 'Missed', date: day(0) }), 400, 'status',
    'missed today, due later');
  expectField(await post('caseworker.bkk', V(v1), { status: 'Done', date: day(1) }), 400, 'date', 'done tomorrow');
  expectField(await post('caseworker.bkk', V(v1), { status: 'Done', date: day(-6) }), 400, 'date',
    'done before the plan');
  const list = (await get('caseworker.bkk', `/api/v1/cases/${c.id}/visits`)).json.visits;
  assert.ok(list.every((v) => v.status === 'Scheduled'), 'a refused visit was recorded');
  expectStatus(await post('caseworker.bkk', V(v1), { status: 'Done', date: day(0) }), 200, 'done early');
  assert.notEqual(v2.id, v1.id);

  /* Once due, it may be missed. */
  const k = await newCase();
  const old = expectStatus(await post('caseworker.bkk', `/api/v1/cases/${k.id}/reintegration`,
    { plan_type: 'Health', plan_date: day(-40) }), 200, 'an older plan').json;
  expectStatus(await post('caseworker.bkk', V(old.visits[0]), { status: 'Missed' }), 200, 'missed when overdue');
});

test('withdrawing a decided handover answers that it was decided, to whoever may see it', async () => {
  const c = await newCase();
  const t = expectStatus(await post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, { to_office: 'BOG' }), 201,
    'handover').json;
  const C = `/api/v1/transfers/${t.id}/cancel`;
  expectStatus(await post('manager.bog', `/api/v1/transfers/${t.id}/decision`,
    { decision: 'accept', assigned_to: s['caseworker.bog'].user.id }), 200, 'accept');
  for (const who of ['manager.bkk', 'caseworker.bkk']) {
    const r = expectStatus(await post(who, C), 409, `withdrawn after acceptance by ${who}`);
    assert.match(r.json.error, /decided already/);
  }
  expectStatus(await post('admin', C), 403, 'an administrator, who has no case content, is refused by role');
  expectStatus(await post('caseworker.bog', C), 403, 'the receiving office');
  const list = (await get('manager.bkk', '/api/v1/transfers')).json.outgoing.find((x) => x.id === t.id);
  assert.equal(list.state, 'accepted', 'the state changed');

  /* Declined: the same. */
  const d = await newCase();
  const t2 = expectStatus(await post('caseworker.bkk', `/api/v1/cases/${d.id}/transfers`, { to_office: 'BOG' }), 201,
    'handover').json;
  expectStatus(await post('manager.bog', `/api/v1/transfers/${t2.id}/decision`, { decision: 'decline', reason: 'full' }),
    200, 'decline');
  expectStatus(await post('caseworker.bkk', `/api/v1/transfers/${t2.id}/cancel`), 409, 'withdrawn after declining');

  /* A case that became high-risk after the handover: the old office no
   * longer sees the handover, which stays a missing one. */
  expectStatus(await post('caseworker.bog', `/api/v1/cases/${c.id}/risk`,
    { level: 'High', date: day(0), threats: ['ThreatFromTraffickers'] }), 201, 'high risk');
  for (const who of ['manager.bkk', 'caseworker.bkk']) {
    const r = expectStatus(await post(who, C), 404, `withdrawn by ${who} once hidden`);
    const missing = await post(who, '/api/v1/transfers/999999/cancel');
    assert.equal(r.text, missing.text, 'the answer differs from a missing handover\'s');
  }
});

test('a visit refused by role is audited', async () => {
  const c = await newCase();
  const plan = expectStatus(await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
    { plan_type: 'Health', plan_date: day(-40) }), 200, 'plan').json;
  const V = `/api/v1/visits/${plan.visits[0].id}`;
  const denied = async () => (await auditEntries(srv, s.admin, `case=${c.id}`))
    .filter((e) => e.action === 'visit.denied');
  const before = (await denied()).length;
  for (const who of ['pm', 'medical.bkk', 'researcher']) {
    expectStatus(await post(who, V, { status: 'Missed' }), 403, `visit by ${who}`);
  }
  const now = await denied();
  assert.equal(now.length - before, 3, `visit refusals by role audited: ${JSON.stringify(now)}`);
  const users = new Set(now.map((e) => (e.user && typeof e.user === 'object' ? e.user.username : e.user)));
  assert.equal(users.size, 3, 'each refusal under its user');
  assert.equal((await get('caseworker.bkk', `/api/v1/cases/${c.id}/visits`)).json.visits[0].status, 'Scheduled');
  /* A handover decided or withdrawn by a role without the right, too. */
  const t = expectStatus(await post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, { to_office: 'BOG' }), 201,
    'handover').json;
  const all = async () => (await auditEntries(srv, s.admin, 'action=transfer.denied'))
    .filter((e) => e.action === 'transfer.denied').length;
  const n0 = await all();
  expectStatus(await post('researcher', `/api/v1/transfers/${t.id}/cancel`), 403, 'withdrawn by a researcher');
  expectStatus(await post('caseworker.bog', `/api/v1/transfers/${t.id}/decision`, { decision: 'accept' }), 403,
    'decided by a caseworker');
  assert.equal(await all() - n0, 2, 'handover refusals by role audited');
});
