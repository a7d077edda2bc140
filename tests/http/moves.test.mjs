/*
 * moves.test.mjs - voluntary return, handover between offices and
 * reintegration through the API: who may do what (before and after a
 * handover), bad input changing nothing, the visit schedule and the
 * due/overdue list.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createCase, assertApiError, auditEntries } from './lib.mjs';
import { addMonths, day } from '../common.mjs';

const EXTRA = [
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-71d0c2' },
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-9c41e7' },
  /* An admin granted case access (ctm user case-grant); 'admin' has none. */
  { username: 'dpo', role: 'admin', office: 'HQ', password: 'pw-Dpo-HQ-mv2b7e40' },
];

const SECRET = 'Kanchana-Secret-Note-88';
let srv;
let s = {};

before(async () => {
  srv = await startServer({
    extraUsers: EXTRA,
    setup: async (db, ctm) => { await ctm(['user', 'case-grant', '--db', db, '--username', 'dpo']); },
  });
  for (const u of ['admin', 'dpo', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'manager.bog', 'pm',
    'researcher', 'medical.bkk']) {
    s[u] = await srv.login(u);
  }
});

after(async () => {
  const log = await srv.stop();
  if (process.env.CTM_SHOW_LOG) console.log(log);
  assert.ok(!log.includes(SECRET), 'a note reached the server log');
});

const get = (who, path) => srv.api('GET', path, { session: s[who] });
const post = (who, path, body = {}) => srv.api('POST', path, { session: s[who], body });
const put = (who, path, body = {}) => srv.api('PUT', path, { session: s[who], body });

async function expectStatus(res, status, what) {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text}`);
  if (status >= 400) assertApiError(res, status, what);
  return res;
}

async function newCase(who = 'caseworker.bkk') {
  return createCase(srv, s[who], { assigned_to: s[who].user.id });
}

test('return and handover: every role, every step, before and after the handover', async () => {
  const c = await newCase();
  const R = `/api/v1/cases/${c.id}/return`;

  /* Reading the (empty) return. */
  const readBefore = {
    dpo: 200, 'caseworker.bkk': 200, 'manager.bkk': 200,
    /* No case content for the admin, no return for the programme manager. */
    admin: 403, pm: 403,
    researcher: 403, 'medical.bkk': 403, 'caseworker.bog': 404, 'manager.bog': 404,
  };
  for (const [who, st] of Object.entries(readBefore)) await expectStatus(await get(who, R), st, `GET return as ${who}`);
  assert.equal((await get('caseworker.bkk', R)).json.return, null);

  /* Asking for it. */
  const req = { dest_country: 'CO', dest_office: 'BOG', date: day(-20), notes: SECRET };
  for (const [who, st] of Object.entries({ researcher: 403, 'medical.bkk': 403, pm: 403, admin: 403,
    'caseworker.bog': 404, 'manager.bog': 404 })) {
    await expectStatus(await post(who, R, req), st, `request as ${who}`);
  }
  assert.equal((await get('caseworker.bkk', R)).json.return, null, 'a refused request saved something');
  await expectStatus(await post('caseworker.bkk', R, { ...req, dest_country: 'XX' }), 400, 'unknown country');
  await expectStatus(await post('caseworker.bkk', R, { ...req, dest_office: 'NOPE' }), 400, 'unknown office');
  await expectStatus(await post('caseworker.bkk', R, { ...req, date: '2026-02-30' }), 400, 'impossible date');
  await expectStatus(await post('caseworker.bkk', R, { ...req, city: 'x' }), 400, 'unknown field');
  assert.equal((await get('caseworker.bkk', R)).json.return, null);
  const made = await expectStatus(await post('caseworker.bkk', R, req), 201, 'request');
  assert.equal(made.json.return.stage, 'Requested');
  assert.equal(made.json.return.dest_office, 'BOG');
  assert.equal(made.json.return.dest_country, 'CO');
  assert.equal(made.json.return.notes.Requested, SECRET);
  await expectStatus(await post('caseworker.bkk', R, req), 409, 'a second return under way');

  /* Steps in order only. */
  const stage = (who, body) => post(who, `${R}/stage`, body);
  await expectStatus(await stage('caseworker.bkk', { stage: 'Planned' }), 409, 'skipping counselling');
  await expectStatus(await stage('caseworker.bkk', { stage: 'Arrived', date: day(-1), received_by: 'x' }), 409,
    'skipping to arrival');
  await expectStatus(await stage('caseworker.bkk', { stage: 'Bogus' }), 400, 'unknown stage');
  await expectStatus(await stage('caseworker.bkk', { stage: 'Counselled', date: day(-30) }), 400,
    'counselled before requested');
  await expectStatus(await stage('researcher', { stage: 'Counselled' }), 403, 'researcher step');
  await expectStatus(await stage('caseworker.bog', { stage: 'Counselled' }), 404, 'other office step');
  assert.equal((await get('caseworker.bkk', R)).json.return.stage, 'Requested', 'refused steps changed the stage');
  await expectStatus(await stage('manager.bkk', { stage: 'Counselled', date: day(-15) }), 200, 'counselled');
  await expectStatus(await stage('caseworker.bkk', { stage: 'Planned' }), 400, 'a plan without legs');

  /* Legs. */
  const leg = {
    from_country: 'TH', from_place: 'Bangkok', to_country: 'CO', to_place: 'Bogotá',
    departure_date: day(-5), arrival_date: day(-4), means_of_transport: 'Air', escort: 'Staff',
    documents_used: ['Own'],
  };
  await expectStatus(await put('caseworker.bkk', `${R}/legs`,
    { legs: [{ ...leg, arrival_date: day(-6) }] }), 400, 'a leg arriving before it departs');
  await expectStatus(await put('caseworker.bkk', `${R}/legs`,
    { legs: [{ ...leg, means_of_transport: 'Rocket' }] }), 400, 'unknown transport');
  await expectStatus(await put('caseworker.bkk', `${R}/legs`,
    { legs: [{ ...leg, documents_used: ['Passport'] }] }), 400, 'unknown document');
  await expectStatus(await put('caseworker.bkk', `${R}/legs`,
    { legs: [{ ...leg, to_country: '' }] }), 400, 'a leg without its country');
  await expectStatus(await put('researcher', `${R}/legs`, { legs: [leg] }), 403, 'researcher legs');
  assert.deepEqual((await get('caseworker.bkk', R)).json.return.legs, [], 'refused legs were saved');
  const withLegs = await expectStatus(await put('caseworker.bkk', `${R}/legs`, { legs: [leg] }), 200, 'legs');
  assert.equal(withLegs.json.return.legs.length, 1);
  assert.equal(withLegs.json.return.legs[0].to_place, 'Bogotá');
  await expectStatus(await stage('caseworker.bkk', { stage: 'Planned', date: day(-10) }), 200, 'planned');

  /* Departure: a date is required, not before the plan. */
  await expectStatus(await stage('caseworker.bkk', { stage: 'Departed' }), 400, 'departure without a date');
  await expectStatus(await stage('caseworker.bkk', { stage: 'Departed', date: day(-11) }), 400,
    'departure before the plan');
  await expectStatus(await stage('caseworker.bkk', { stage: 'Departed', date: day(3) }), 400,
    'departure in the future');
  await expectStatus(await stage('caseworker.bkk', { stage: 'Departed', date: day(-5) }), 200, 'departed');
  await expectStatus(await stage('caseworker.bkk', { stage: 'Cancelled' }), 409, 'cancel after departure');
  await expectStatus(await put('caseworker.bkk', `${R}/legs`, { legs: [leg] }), 409, 'legs after departure');
  /* The arrival is for the destination office, after the handover. */
  await expectStatus(await stage('caseworker.bkk', { stage: 'Arrived', date: day(-4), received_by: 'Ana' }), 409,
    'arrival recorded by the origin office');

  /* Handover. */
  const T = `/api/v1/cases/${c.id}/transfers`;
  await expectStatus(await post('caseworker.bkk', T, { to_office: 'BKK' }), 400, 'transfer to the same office');
  await expectStatus(await post('caseworker.bkk', T, { to_office: 'ZZZ' }), 400, 'transfer to no office');
  for (const [who, st] of Object.entries({ researcher: 403, 'medical.bkk': 403, 'caseworker.bog': 404,
    'manager.bog': 404 })) {
    await expectStatus(await post(who, T, { to_office: 'BOG' }), st, `transfer as ${who}`);
  }
  assert.equal((await get('manager.bog', '/api/v1/transfers')).json.incoming.length, 0, 'a refused transfer was saved');
  const away = await expectStatus(await post('caseworker.bkk', T, { to_office: 'HQ' }), 400,
    'a handover away from the destination of a person on the way');
  assert.match(away.json.error, /left for the return's destination/);
  const tr = await expectStatus(await post('caseworker.bkk', T, {}), 201, 'transfer to the return destination');
  await expectStatus(await post('manager.bkk', T, { to_office: 'BOG' }), 409, 'a second pending transfer');

  /* The destination manager sees it, without the case file. */
  const list = await expectStatus(await get('manager.bog', '/api/v1/transfers'), 200, 'list as manager.bog');
  const inc = list.json.incoming.find((t) => t.id === tr.json.id);
  assert.ok(inc, 'the incoming transfer is listed');
  assert.equal(inc.case_number, c.case_number);
  assert.equal(inc.from_office, 'BKK');
  assert.equal(inc.state, 'pending');
  assert.equal(inc.return.stage, 'Departed');
  assert.equal(inc.return.departed_on, day(-5));
  assert.equal(inc.return.requested_on, day(-20));
  assert.ok(!JSON.stringify(list.json).includes('Bogotá'), 'the transfer list shows a place');
  const out = (await get('caseworker.bkk', '/api/v1/transfers')).json.outgoing;
  assert.ok(out.some((t) => t.id === tr.json.id), 'the origin lists it as outgoing');
  for (const who of ['researcher', 'medical.bkk']) {
    await expectStatus(await get(who, '/api/v1/transfers'), 403, `transfers as ${who}`);
  }
  /* The manager who decides reads the summary (handover access), not
   * the file or the return (integrity.test.mjs has the whole rule). */
  const summary = await expectStatus(await get('manager.bog', `/api/v1/cases/${c.id}`), 200, 'summary before acceptance');
  assert.equal(summary.json.handover, true);
  assert.equal(summary.json.office, 'BKK');
  await expectStatus(await get('caseworker.bog', `/api/v1/cases/${c.id}`), 404, 'case before acceptance');
  await expectStatus(await get('manager.bog', `/api/v1/cases/${c.id}/file`), 404, 'file before acceptance');
  await expectStatus(await get('manager.bog', R), 404, 'return before acceptance');

  /* Deciding: only the destination's manager, once. */
  const D = `/api/v1/transfers/${tr.json.id}/decision`;
  const acc = { decision: 'accept', assigned_to: s['caseworker.bog'].user.id };
  await expectStatus(await post('caseworker.bog', D, acc), 403, 'decision by a caseworker');
  await expectStatus(await post('manager.bkk', D, acc), 403, 'decision by the origin manager');
  await expectStatus(await post('manager.bkk', D, { decision: 'decline', reason: 'no' }), 403,
    'decline by a manager of the wrong office');
  await expectStatus(await post('pm', D, acc), 403, 'decision by the programme manager');
  await expectStatus(await post('manager.bog', D, { decision: 'accept', assigned_to: s['caseworker.bkk'].user.id }),
    400, 'assigning a caseworker of another office');
  await expectStatus(await post('manager.bog', D, { decision: 'maybe' }), 400, 'unknown decision');
  for (const bad of [String(s['caseworker.bog'].user.id), s['caseworker.bog'].user.id + 0.5, true, [1]]) {
    await expectStatus(await post('manager.bog', D, { decision: 'accept', assigned_to: bad }), 400,
      `assigned_to given as ${JSON.stringify(bad)}`);
  }
  await expectStatus(await post('manager.bog', '/api/v1/transfers/999999/decision', acc), 404, 'no such transfer');
  assert.equal((await get('manager.bog', '/api/v1/transfers')).json.incoming[0].state, 'pending');
  await expectStatus(await get('caseworker.bkk', `/api/v1/cases/${c.id}`), 200, 'still at the origin');
  await expectStatus(await post('manager.bog', D, acc), 200, 'accept');
  await expectStatus(await post('manager.bog', D, acc), 409, 'a decision on a decided transfer');
  await expectStatus(await post('manager.bog', D, { decision: 'decline', reason: 'late' }), 409,
    'declining an accepted transfer');

  /* Afterwards: the destination has the case in full... */
  const moved = await expectStatus(await get('caseworker.bog', `/api/v1/cases/${c.id}`), 200, 'case at destination');
  assert.equal(moved.json.office, 'BOG');
  assert.equal(moved.json.assigned_to, s['caseworker.bog'].user.id);
  await expectStatus(await get('caseworker.bog', `/api/v1/cases/${c.id}/file`), 200, 'file at destination');
  await expectStatus(await get('manager.bog', R), 200, 'return at destination');
  /* ...the origin keeps history only. */
  for (const who of ['caseworker.bkk', 'manager.bkk']) {
    const h = await expectStatus(await get(who, R), 200, `history as ${who}`);
    assert.equal(h.json.history, true);
    assert.equal(h.json.return.stage, 'Departed');
    assert.deepEqual(h.json.return.next, []);
    assert.ok(h.json.timeline.some((e) => e.kind === 'transfer.accepted'));
    const sum = await expectStatus(await get(who, `/api/v1/cases/${c.id}`), 200, `case summary as ${who}`);
    assert.equal(sum.json.history, true);
    assert.equal(sum.json.office, 'BOG');
    await expectStatus(await get(who, `/api/v1/cases/${c.id}/file`), 404, `file as ${who}`);
    await expectStatus(await get(who, `/api/v1/cases/${c.id}/reintegration`), 404, `reintegration as ${who}`);
    await expectStatus(await get(who, `/api/v1/cases/${c.id}/visits`), 404, `visits as ${who}`);
    await expectStatus(await srv.api('PATCH', `/api/v1/cases/${c.id}`, { session: s[who], body: { status: 'Closed' } }),
      404, `case change as ${who}`);
    await expectStatus(await stage(who, { stage: 'Arrived', date: day(-4), received_by: 'x' }), 404,
      `arrival as ${who}`);
    await expectStatus(await post(who, `/api/v1/cases/${c.id}/reintegration`, { plan_type: 'Livelihood' }), 404,
      `plan as ${who}`);
    await expectStatus(await post(who, T, { to_office: 'BKK' }), 404, `transfer back as ${who}`);
  }
  await expectStatus(await get('medical.bkk', R), 403, 'history for the medical officer');
  assert.equal((await get('caseworker.bkk', `/cases/${c.id}/file`)).status, 404, 'file page at the origin');
  const page = await get('caseworker.bkk', `/cases/${c.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /handed over/);
  assert.doesNotMatch(page.text, new RegExp(`/cases/${c.id}/file`));

  /* The destination records the arrival; the visits follow. */
  await expectStatus(await stage('caseworker.bog', { stage: 'Arrived', date: day(-6), received_by: 'Ana' }), 400,
    'arrival before departure');
  await expectStatus(await stage('caseworker.bog', { stage: 'Arrived', date: day(-4) }), 400, 'no receiver');
  assert.equal((await get('caseworker.bog', R)).json.return.stage, 'Departed');
  const arr = await expectStatus(await stage('caseworker.bog', { stage: 'Arrived', date: day(-4), received_by: 'Ana' }),
    200, 'arrived');
  assert.equal(arr.json.return.dates.arrived_on, day(-4));
  const visits = (await get('caseworker.bog', `/api/v1/cases/${c.id}/visits`)).json.visits;
  assert.deepEqual(visits.map((v) => v.due_on), [1, 3, 6, 12].map((m) => addMonths(day(-4), m)));
  assert.ok(visits.every((v) => v.status === 'Scheduled'));
  await expectStatus(await post('caseworker.bog', `/api/v1/visits/${visits[0].id}`, { status: 'Done', date: day(-5) }),
    400, 'a visit before the arrival');
  assert.equal((await get('caseworker.bog', `/api/v1/cases/${c.id}/visits`)).json.visits[0].status, 'Scheduled');
  const handedReturn = (await get('caseworker.bog', R)).json.return.id;
  const again = await expectStatus(await post('caseworker.bog', R, req), 201, 'a new return after arrival');
  assert.notEqual(again.json.return.id, handedReturn);
  assert.equal((await get('caseworker.bog', R)).json.return.id, again.json.return.id);

  /* The timeline says it all, with codes only; the audit has no notes. */
  const tl = (await get('caseworker.bog', R)).json.timeline.map((e) => e.kind);
  for (const k of ['return.requested', 'return.counselled', 'return.planned', 'return.departed',
    'transfer.requested', 'transfer.accepted', 'return.arrived', 'visit.scheduled']) {
    assert.ok(tl.includes(k), `timeline lacks ${k}`);
  }
  /* The origin's history ends at the handover: what the receiving
   * office did since (the arrival, the visits, the new return) is not
   * the origin's to know, on the API or the pages. */
  for (const who of ['caseworker.bkk', 'manager.bkk']) {
    const steps = (await get(who, `/api/v1/cases/${c.id}/timeline`)).json.steps.map((e) => e.kind);
    assert.deepEqual((await get(who, R)).json.timeline.map((e) => e.kind), steps, `${who}: the return's timeline`);
    assert.ok(steps.includes('transfer.accepted'), `${who}: no handover in the history`);
    assert.equal(steps[steps.length - 1], 'transfer.accepted', `${who}: steps after the handover: ${steps}`);
    for (const k of ['return.arrived', 'visit.scheduled']) assert.ok(!steps.includes(k), `${who} reads ${k}`);
    /* Its own return and handovers, not the receiving office's new return. */
    const h = (await get(who, R)).json;
    assert.equal(h.return.id, handedReturn, `${who}: the return shown`);
    assert.equal(h.return.origin_office, 'BKK');
    assert.ok(h.transfers.length > 0 && h.transfers.every((t) => t.from_office === 'BKK' || t.to_office === 'BKK'),
      `${who}: ${JSON.stringify(h.transfers)}`);
    for (const p of [`/cases/${c.id}`, `/cases/${c.id}/return`]) {
      const html = (await get(who, p)).text;
      assert.match(html, /Handover accepted/, `${who} ${p}`);
      assert.doesNotMatch(html, /Monitoring visits scheduled/, `${who} ${p}: a later step`);
    }
    /* The timeline alone: the return's own record (below) says that the
     * person it sent arrived. */
    assert.doesNotMatch((await get(who, `/cases/${c.id}`)).text, /Arrived and received/, `${who}: the arrival step`);
  }
  const bogPage = (await get('caseworker.bog', `/cases/${c.id}`)).text;
  assert.match(bogPage, /Handover accepted/);
  const full = JSON.stringify((await get('caseworker.bog', R)).json.timeline);
  assert.ok(!full.includes('Bogotá') && !full.includes(SECRET) && !full.includes('Ana'), 'personal data in the timeline');
  const audit = JSON.stringify(await auditEntries(srv, s.admin, `case=${c.id}`));
  assert.ok(audit.includes('transfer.accept') && audit.includes('return.stage'));
  assert.ok(!audit.includes('Bogotá') && !audit.includes(SECRET), 'personal data in the audit');
});

test('declining and withdrawing a handover', async () => {
  const c = await newCase();
  const T = `/api/v1/cases/${c.id}/transfers`;
  const t1 = await expectStatus(await post('caseworker.bkk', T, { to_office: 'BOG' }), 201, 'transfer');
  const D = `/api/v1/transfers/${t1.json.id}/decision`;
  await expectStatus(await post('manager.bog', D, { decision: 'decline' }), 400, 'decline without a reason');
  await expectStatus(await post('manager.bog', D, { decision: 'decline', reason: SECRET }), 200, 'decline');
  const out = (await get('caseworker.bkk', '/api/v1/transfers')).json.outgoing.find((t) => t.id === t1.json.id);
  assert.equal(out.state, 'declined');
  assert.equal(out.reason, SECRET);
  await expectStatus(await get('caseworker.bkk', `/api/v1/cases/${c.id}`), 200, 'still at the origin');
  await expectStatus(await get('caseworker.bog', `/api/v1/cases/${c.id}`), 404, 'not at the destination');

  /* The programme manager does not assist cases: no handover. */
  await expectStatus(await post('pm', T, { to_office: 'BOG' }), 403, 'transfer asked by pm');
  /* Nor does an administrator without case access. */
  await expectStatus(await post('admin', T, { to_office: 'BOG' }), 403, 'transfer asked by admin');
  /* An administrator granted case access (every office's cases) may
   * ask for one and withdraw it, but decides none: that is the
   * receiving office manager's. */
  for (const who of ['dpo']) {
    const t = await expectStatus(await post(who, T, { to_office: 'BOG' }), 201, `transfer asked by ${who}`);
    await expectStatus(await post(who, `/api/v1/transfers/${t.json.id}/decision`, { decision: 'decline', reason: 'x' }),
      403, `decided by ${who}`);
    await expectStatus(await post(who, `/api/v1/transfers/${t.json.id}/cancel`), 200, `withdrawn by ${who}`);
    await expectStatus(await post('manager.bkk', `/api/v1/transfers/${t.json.id}/cancel`), 409, 'withdrawn twice');
  }
  const t2 = await expectStatus(await post('caseworker.bkk', T, { to_office: 'BOG' }), 201, 'transfer again');
  const C = `/api/v1/transfers/${t2.json.id}/cancel`;
  await expectStatus(await post('caseworker.bog', C), 403, 'withdrawn by the destination');
  await expectStatus(await post('researcher', C), 403, 'withdrawn by a researcher');
  await expectStatus(await post('manager.bkk', C), 200, 'withdrawn');
  await expectStatus(await post('manager.bkk', C), 409, 'withdrawn twice');
  await expectStatus(await post('manager.bog', `/api/v1/transfers/${t2.json.id}/decision`,
    { decision: 'accept', assigned_to: s['caseworker.bog'].user.id }), 409, 'accepting a withdrawn transfer');
  await expectStatus(await get('caseworker.bog', `/api/v1/cases/${c.id}`), 404, 'not moved');
});

test('reintegration plan and visits: every role, bad input', async () => {
  const c = await newCase();
  const P = `/api/v1/cases/${c.id}/reintegration`;
  const plan = {
    plan_type: 'Livelihood', plan_date: day(-40), objectives: SECRET,
    packages: [{ type: 'VocationalTraining', amount: '1500.50', currency: 'THB', status: 'Planned' },
      { type: 'Education' }],
  };
  const read = { dpo: 200, 'caseworker.bkk': 200, 'manager.bkk': 200, admin: 403, pm: 403, researcher: 403,
    'medical.bkk': 403, 'caseworker.bog': 404, 'manager.bog': 404 };
  for (const [who, st] of Object.entries(read)) await expectStatus(await get(who, P), st, `GET plan as ${who}`);
  for (const [who, st] of Object.entries({ researcher: 403, 'medical.bkk': 403, pm: 403, admin: 403,
    'caseworker.bog': 404, 'manager.bog': 404 })) {
    await expectStatus(await post(who, P, plan), st, `plan as ${who}`);
  }
  await expectStatus(await post('caseworker.bkk', P, { ...plan, plan_type: 'Holiday' }), 400, 'unknown plan type');
  await expectStatus(await post('caseworker.bkk', P, { ...plan, plan_type: undefined }), 400, 'no plan type');
  await expectStatus(await post('caseworker.bkk', P, { ...plan, packages: [{ type: 'Spaceflight' }] }), 400,
    'unknown package');
  await expectStatus(await post('caseworker.bkk', P, { ...plan, packages: [{ type: 'Education', amount: '12.345',
    currency: 'USD' }] }), 400, 'three decimals');
  await expectStatus(await post('caseworker.bkk', P, { ...plan, packages: [{ type: 'Education', amount: '12' }] }),
    400, 'an amount without currency');
  for (const [amount, currency, what] of [['5.', 'USD', 'a point without decimals'], ['00010', 'USD', 'leading zeros'],
    ['-5', 'USD', 'a negative amount'], ['10', 'ZZZ', 'an unknown currency']]) {
    await expectStatus(await post('caseworker.bkk', P, { ...plan, packages: [{ type: 'Education', amount, currency }] }),
      400, what);
  }
  await expectStatus(await post('caseworker.bkk', P, { ...plan, outcome: 'Happy' }), 400, 'unknown outcome');
  assert.equal((await get('caseworker.bkk', P)).json.plan, null, 'refused plans were saved');
  assert.equal((await get('caseworker.bkk', `/api/v1/cases/${c.id}/visits`)).json.visits.length, 0);

  const made = await expectStatus(await post('caseworker.bkk', P, plan), 200, 'plan');
  assert.equal(made.json.plan.objectives, SECRET);
  assert.equal(made.json.plan.packages[0].amount, '1500.50');
  assert.equal(made.json.plan.packages[1].status, 'Planned');
  /* No return: the visits are scheduled from the plan date. */
  assert.deepEqual(made.json.visits.map((v) => v.due_on), [1, 3, 6, 12].map((m) => addMonths(day(-40), m)));

  const V = `/api/v1/cases/${c.id}/visits`;
  for (const [who, st] of Object.entries({ 'caseworker.bkk': 200, dpo: 200, admin: 403, pm: 403, researcher: 403,
    'medical.bkk': 403, 'caseworker.bog': 404 })) {
    await expectStatus(await get(who, V), st, `visits as ${who}`);
  }
  const vid = made.json.visits[0].id;
  const VR = `/api/v1/visits/${vid}`;
  await expectStatus(await post('caseworker.bkk', VR, { status: 'Done', date: day(3) }), 400, 'a visit in the future');
  await expectStatus(await post('caseworker.bkk', VR, { status: 'Done' }), 400, 'done without a date');
  await expectStatus(await post('caseworker.bkk', VR, { status: 'Done', date: day(-41) }), 400,
    'a visit before the plan');
  await expectStatus(await post('caseworker.bkk', VR, { status: 'Scheduled' }), 400, 'back to scheduled');
  await expectStatus(await post('researcher', VR, { status: 'Missed' }), 403, 'visit by a researcher');
  await expectStatus(await post('pm', VR, { status: 'Missed' }), 403, 'visit by the programme manager');
  await expectStatus(await post('medical.bkk', VR, { status: 'Missed' }), 403, 'visit by the medical officer');
  await expectStatus(await post('manager.bog', VR, { status: 'Missed' }), 404, 'visit by another office\'s manager');
  await expectStatus(await post('caseworker.bog', VR, { status: 'Missed' }), 404, 'visit by another office');
  await expectStatus(await post('caseworker.bkk', '/api/v1/visits/999999', { status: 'Missed' }), 404, 'no visit');
  assert.equal((await get('caseworker.bkk', V)).json.visits[0].status, 'Scheduled');
  await expectStatus(await post('caseworker.bkk', VR, { status: 'Missed' }), 200, 'missed');
  await expectStatus(await post('caseworker.bkk', VR, { status: 'Done', date: day(0), notes: SECRET }), 200, 'done late');
  await expectStatus(await post('caseworker.bkk', VR, { status: 'Missed' }), 409, 'recorded twice');
  const vs = (await get('caseworker.bkk', V)).json.visits;
  assert.equal(vs[0].status, 'Done');
  assert.equal(vs[0].notes, SECRET);

  const o = await expectStatus(await post('manager.bkk', P, { outcome: 'SustainablyReintegrated',
    version: made.json.plan.version }), 200, 'outcome');
  assert.equal(o.json.plan.outcome, 'SustainablyReintegrated');
  assert.equal(o.json.plan.plan_type, 'Livelihood', 'the outcome changed the plan');
  await expectStatus(await post('manager.bkk', P, { outcome: 'LostContact', version: 1 }), 409, 'stale version');
  const tl = (await get('caseworker.bkk', `/api/v1/cases/${c.id}/return`)).json.timeline.map((e) => e.kind);
  for (const k of ['reintegration.planned', 'visit.scheduled', 'visit.missed', 'visit.done', 'reintegration.outcome']) {
    assert.ok(tl.includes(k), `timeline lacks ${k}`);
  }
});

test('due and overdue visits per office, and for my own cases', async () => {
  const mine = await newCase();
  const theirs = await createCase(srv, s['manager.bkk'], { assigned_to: s['manager.bkk'].user.id });
  const bog = await newCase('caseworker.bog');
  const old = day(-400);
  for (const [who, id] of [['caseworker.bkk', mine.id], ['manager.bkk', theirs.id], ['caseworker.bog', bog.id]]) {
    await expectStatus(await post(who, `/api/v1/cases/${id}/reintegration`, { plan_type: 'SocialCare', plan_date: old }),
      200, 'old plan');
  }
  const due = await expectStatus(await get('caseworker.bkk', '/api/v1/visits/due?days=0'), 200, 'due list');
  const ids = new Set(due.json.visits.map((v) => v.case_id));
  assert.ok(ids.has(mine.id) && ids.has(theirs.id), 'the office\'s overdue visits are listed');
  assert.ok(!ids.has(bog.id), 'another office\'s visits are listed');
  const forMine = due.json.visits.filter((v) => v.case_id === mine.id);
  assert.deepEqual(forMine.map((v) => v.due_on), [1, 3, 6, 12].map((m) => addMonths(old, m)));
  assert.ok(forMine.every((v) => v.overdue === true));
  const only = (await get('caseworker.bkk', '/api/v1/visits/due?days=30&mine=1')).json.visits;
  assert.ok(only.length > 0 && only.every((v) => v.case_id !== theirs.id), 'mine=1 lists others\' cases');
  const bogList = (await get('manager.bog', '/api/v1/visits/due')).json.visits;
  assert.ok(bogList.every((v) => v.office === 'BOG') && bogList.some((v) => v.case_id === bog.id));
  /* Due soon, not yet overdue. */
  const fresh = await newCase();
  await post('caseworker.bkk', `/api/v1/cases/${fresh.id}/reintegration`, { plan_type: 'Health', plan_date: day(-20) });
  const first = addMonths(day(-20), 1);
  const soon = (await get('caseworker.bkk', '/api/v1/visits/due?days=31')).json.visits.filter((v) => v.case_id === fresh.id);
  assert.deepEqual(soon.map((v) => [v.due_on, v.overdue]), [[first, false]]);
  const none = (await get('caseworker.bkk', '/api/v1/visits/due?days=0')).json.visits.filter((v) => v.case_id === fresh.id);
  assert.equal(none.length, 0);
  for (const [who, st] of Object.entries({ researcher: 403, pm: 403, 'medical.bkk': 403 })) {
    await expectStatus(await get(who, '/api/v1/visits/due'), st, `due as ${who}`);
  }
  await expectStatus(await get('caseworker.bkk', '/api/v1/visits/due?days=-1'), 400, 'negative days');
  await expectStatus(await get('caseworker.bkk', '/api/v1/visits/due?days=abc'), 400, 'days not a number');
  const pageRes = await get('caseworker.bkk', '/visits?days=0');
  assert.equal(pageRes.status, 200);
  assert.match(pageRes.text, new RegExp(mine.case_number));
  assert.doesNotMatch(pageRes.text, new RegExp(bog.case_number));
});

test('the visit schedule setting', async () => {
  const S = '/api/v1/settings/reintegration-schedule';
  for (const [who, st] of Object.entries({ admin: 200, 'caseworker.bkk': 200, 'manager.bog': 200, researcher: 403,
    pm: 403, 'medical.bkk': 403 })) {
    await expectStatus(await get(who, S), st, `schedule as ${who}`);
  }
  assert.deepEqual((await get('admin', S)).json.months, [1, 3, 6, 12]);
  for (const who of ['caseworker.bkk', 'manager.bkk', 'pm', 'researcher', 'medical.bkk']) {
    await expectStatus(await put(who, S, { months: [2, 4] }), 403, `change as ${who}`);
  }
  for (const bad of [[3, 1], [0, 2], [1, 121], [], [1, 1], ['1'], [1.5], [-1, 2], 'x']) {
    await expectStatus(await put('admin', S, { months: bad }), 400, `bad schedule ${JSON.stringify(bad)}`);
  }
  await expectStatus(await put('admin', S, { months: [1], extra: 1 }), 400, 'unknown field');
  assert.deepEqual((await get('admin', S)).json.months, [1, 3, 6, 12], 'a bad schedule was saved');
  assert.deepEqual((await expectStatus(await put('admin', S, { months: [2, 24, 120] }), 200, 'change')).json.months,
    [2, 24, 120]);
  const c = await newCase();
  const res = await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
    { plan_type: 'Education', plan_date: '2024-01-31' });
  assert.deepEqual(res.json.visits.map((v) => v.due_on), ['2024-03-31', '2026-01-31', '2034-01-31']);
  const page = await get('admin', '/admin/settings');
  assert.match(page.text, /2,24,120/);
  await expectStatus(await put('admin', S, { months: [1, 3, 6, 12] }), 200, 'back to the default');
});

test('case numbers stay unique when cases move between offices', async () => {
  const b1 = await newCase('caseworker.bog');
  const k1 = await newCase();
  const t = await post('caseworker.bkk', `/api/v1/cases/${k1.id}/transfers`, { to_office: 'BOG' });
  await expectStatus(await post('manager.bog', `/api/v1/transfers/${t.json.id}/decision`,
    { decision: 'accept', assigned_to: s['caseworker.bog'].user.id }), 200, 'accept into an office with cases');
  const k2 = await newCase();
  const b2 = await newCase('caseworker.bog');
  const numbers = [b1, k1, k2, b2].map((c) => c.case_number);
  assert.equal(new Set(numbers).size, 4, `numbers repeat: ${numbers}`);
  assert.match(k2.case_number, /^BKK-/);
  assert.match(b2.case_number, /^BOG-/);
  const moved = await get('caseworker.bog', `/api/v1/cases/${k1.id}`);
  assert.equal(moved.json.case_number, k1.case_number, 'a moved case keeps its number');
});

test('a person still in a shelter is handed over only when confirmed', async () => {
  const k = await newCase();
  const sh = await expectStatus(await post('manager.bkk', '/api/v1/shelters', { name: 'Handover House', capacity: 4 }),
    201, 'shelter');
  await expectStatus(await post('caseworker.bkk', `/api/v1/cases/${k.id}/shelter-stays`,
    { shelter: sh.json.id, admitted: day(-3) }), 201, 'admitted');
  const T = `/api/v1/cases/${k.id}/transfers`;
  const w = await expectStatus(await post('caseworker.bkk', T, { to_office: 'BOG' }), 409, 'unconfirmed');
  assert.ok(w.json.fields.confirm, 'the refusal names the confirmation');
  await expectStatus(await post('caseworker.bkk', T, { to_office: 'BOG', confirm: 'yes' }), 400, 'confirm as text');
  assert.equal((await get('manager.bog', '/api/v1/transfers')).json.incoming.filter((t) => t.case_id === k.id).length, 0,
    'a refused handover was saved');
  const page = await get('caseworker.bkk', `/cases/${k.id}/return`);
  assert.match(page.text, /still in a shelter/);
  assert.match(page.text, /name="confirm"/);
  await expectStatus(await post('caseworker.bkk', T, { to_office: 'BOG', confirm: true }), 201, 'confirmed');
});

test('a handed-over case that becomes high-risk leaves the old office\'s transfer list', async () => {
  const k = await newCase();
  const t = await post('caseworker.bkk', `/api/v1/cases/${k.id}/transfers`, { to_office: 'BOG' });
  await expectStatus(await post('manager.bog', `/api/v1/transfers/${t.json.id}/decision`,
    { decision: 'accept', assigned_to: s['caseworker.bog'].user.id }), 200, 'accept');
  const listed = async (who) => {
    const l = (await get(who, '/api/v1/transfers')).json;
    return [...l.incoming, ...l.outgoing].some((x) => x.id === t.json.id);
  };
  assert.ok(await listed('manager.bkk'), 'the old office lists its handover');
  await expectStatus(await post('caseworker.bog', `/api/v1/cases/${k.id}/risk`,
    { level: 'High', date: day(0), threats: ['ThreatFromTraffickers'] }), 201, 'high risk');
  for (const who of ['manager.bkk', 'caseworker.bkk']) assert.ok(!(await listed(who)), `still listed to ${who}`);
  for (const who of ['manager.bog', 'caseworker.bog']) assert.ok(await listed(who), `hidden from ${who}`);
  const page = await get('manager.bkk', '/transfers');
  assert.ok(!page.text.includes(k.case_number), 'the transfers page shows it');
});

/* POST an HTML form as the pages do (csrf from the session unless given). */
function postForm(who, urlPath, fields, csrf = s[who].csrf) {
  const body = new URLSearchParams([...(csrf ? [['csrf', csrf]] : []), ...fields]).toString();
  return srv.api('POST', urlPath, {
    session: s[who], body, csrf: false,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

test('pages: refused forms say why and change nothing; forms carry the CSRF token', async () => {
  const c = await newCase();
  const P = `/cases/${c.id}/return`;
  const R = `/api/v1/cases/${c.id}/return`;
  const page = await get('caseworker.bkk', P);
  assert.equal(page.status, 200);
  for (const f of page.text.match(/<form method="post"[\s\S]*?<\/form>/g)) {
    assert.match(f, new RegExp(`name="csrf" value="${s['caseworker.bkk'].csrf}"`), 'a form without the CSRF token');
  }
  let r = await postForm('caseworker.bkk', P, [['action', 'request'], ['dest_office', 'BOG'], ['notes', SECRET]]);
  assert.equal(r.status, 400);
  assert.match(r.text, /Choose the country of return/);
  assert.ok(r.text.includes(SECRET), 'the typed notes are not shown again');
  assert.equal((await get('caseworker.bkk', R)).json.return, null);
  r = await postForm('caseworker.bkk', P, [['action', 'request'], ['dest_country', 'CO'], ['dest_office', 'BOG']], '');
  assert.equal(r.status, 403, 'a form without the CSRF token');
  assert.equal((await get('caseworker.bkk', R)).json.return, null);
  r = await postForm('caseworker.bkk', P, [['action', 'request'], ['dest_country', 'CO'], ['dest_office', 'BOG']]);
  assert.ok([302, 303].includes(r.status), `request: ${r.status}`);
  assert.equal(r.headers.location, P);
  r = await postForm('caseworker.bkk', P, [['action', 'stage'], ['stage', 'Departed'], ['date', day(0)]]);
  assert.equal(r.status, 409);
  assert.match(r.text, /goes through its steps in order/);
  assert.equal((await get('caseworker.bkk', R)).json.return.stage, 'Requested');
  r = await postForm('caseworker.bkk', P, [['action', 'legs'], ['leg0_from_country', 'TH'], ['leg0_to_country', 'CO'],
    ['leg0_to_place', 'Cali'], ['leg0_departure_date', day(5)], ['leg0_arrival_date', day(4)]]);
  assert.equal(r.status, 400);
  assert.match(r.text, /cannot arrive before it departs/);
  assert.match(r.text, /id="leg0_to_place" name="leg0_to_place" maxlength="200" value="Cali"/);
  assert.deepEqual((await get('caseworker.bkk', R)).json.return.legs, []);
  r = await postForm('caseworker.bkk', P, [['action', 'transfer'], ['to_office', 'BKK']]);
  assert.equal(r.status, 400);
  assert.match(r.text, /already in this office/);
  r = await postForm('caseworker.bog', P, [['action', 'transfer'], ['to_office', 'BOG']]);
  assert.equal(r.status, 404, 'another office posting to the case');
  r = await postForm('caseworker.bkk', P, [['action', 'transfer'], ['to_office', 'BOG']]);
  assert.ok([302, 303].includes(r.status));
  const tid = (await get('manager.bog', '/api/v1/transfers')).json.incoming.find((t) => t.case_id === c.id).id;

  /* The receiving manager's page links to the summary, which the
   * manager reads to decide; a caseworker's has no link. */
  const tp = await get('manager.bog', '/transfers');
  assert.equal(tp.status, 200);
  assert.ok(tp.text.includes(c.case_number));
  assert.ok(tp.text.includes(`href="/cases/${c.id}"`), 'no link to the summary for the deciding manager');
  const tc = await get('caseworker.bog', '/transfers');
  assert.ok(tc.text.includes(c.case_number) && !tc.text.includes(`href="/cases/${c.id}"`),
    'a link to a case the caseworker may not read');
  r = await postForm('manager.bog', `/transfers/${tid}`, [['action', 'accept'], ['assigned_to', '']]);
  assert.equal(r.status, 400);
  assert.match(r.text, /Choose who takes the case over/);
  r = await postForm('caseworker.bog', `/transfers/${tid}`, [['action', 'decline'], ['reason', 'x']]);
  assert.equal(r.status, 403);
  assert.equal((await get('manager.bog', '/api/v1/transfers')).json.incoming.find((t) => t.id === tid).state, 'pending');
  /* A case page refuses as the API does whoever sees the case (the
   * medical officer of its office), and is missing to whoever does not. */
  for (const [who, st] of [['researcher', 404], ['medical.bkk', 403]]) {
    assert.equal((await get(who, '/transfers')).status, 403, `transfers page as ${who}`);
    assert.equal((await get(who, '/visits')).status, 403, `visits page as ${who}`);
    assert.equal((await get(who, P)).status, st, `return page as ${who}`);
    assert.equal((await get(who, `/cases/${c.id}/reintegration`)).status, st, `reintegration page as ${who}`);
  }

  /* The schedule setting page. */
  r = await postForm('admin', '/admin/settings', [['schedule', '3,1']]);
  assert.equal(r.status, 400);
  assert.match(r.text, /increasing whole numbers/);
  assert.deepEqual((await get('admin', '/api/v1/settings/reintegration-schedule')).json.months, [1, 3, 6, 12]);
  r = await postForm('caseworker.bkk', '/admin/settings', [['schedule', '2']]);
  assert.equal(r.status, 403);
  r = await postForm('admin', '/admin/settings', [['schedule', ' 1, 2 ,3 ']]);
  assert.ok([302, 303].includes(r.status));
  assert.deepEqual((await get('admin', '/api/v1/settings/reintegration-schedule')).json.months, [1, 2, 3]);
  await put('admin', '/api/v1/settings/reintegration-schedule', { months: [1, 3, 6, 12] });

  /* Reintegration forms. */
  const RP = `/cases/${c.id}/reintegration`;
  const c2 = await newCase();
  const RP2 = `/cases/${c2.id}/reintegration`;
  r = await postForm('caseworker.bkk', RP2, [['action', 'plan'], ['plan_type', ''], ['objectives', SECRET]]);
  assert.equal(r.status, 400);
  assert.match(r.text, /Choose a type of support plan/);
  assert.equal((await get('caseworker.bkk', `/api/v1/cases/${c2.id}/reintegration`)).json.plan, null);
  r = await postForm('caseworker.bkk', RP2, [['action', 'plan'], ['plan_type', 'Education'], ['plan_date', day(0)],
    ['pkg0_type', 'Education'], ['pkg0_amount', '250'], ['pkg0_currency', 'USD'], ['pkg0_status', 'InProgress']]);
  assert.ok([302, 303].includes(r.status), `plan: ${r.status} ${r.text.slice(0, 200)}`);
  const plan = (await get('caseworker.bkk', `/api/v1/cases/${c2.id}/reintegration`)).json;
  assert.deepEqual(plan.plan.packages, [{ type: 'Education', amount: '250.00', currency: 'USD', status: 'InProgress' }]);
  assert.equal(plan.visits.length, 4);
  r = await postForm('caseworker.bkk', RP2, [['action', 'visit'], ['visit_id', String(plan.visits[0].id)],
    ['status', 'Done'], ['date', day(2)]]);
  assert.equal(r.status, 400);
  assert.match(r.text, /cannot be recorded before it happens/);
  assert.equal((await get('caseworker.bkk', `/api/v1/cases/${c2.id}/visits`)).json.visits[0].status, 'Scheduled');
  assert.equal((await get('caseworker.bkk', RP)).status, 200);
});

test('a return cancelled before departure; a new one may then be asked for', async () => {
  const c = await newCase();
  const R = `/api/v1/cases/${c.id}/return`;
  await expectStatus(await post('caseworker.bkk', R, { dest_country: 'CO', dest_office: 'BOG', date: day(-3) }), 201,
    'request');
  await expectStatus(await post('caseworker.bkk', `${R}/stage`, { stage: 'Cancelled', date: day(-4) }), 400,
    'cancelled before it was asked for');
  await expectStatus(await post('researcher', `${R}/stage`, { stage: 'Cancelled' }), 403, 'cancelled by a researcher');
  const x = await expectStatus(await post('manager.bkk', `${R}/stage`, { stage: 'Cancelled', reason: SECRET }), 200,
    'cancel');
  assert.equal(x.json.return.stage, 'Cancelled');
  assert.equal(x.json.return.dates.cancelled_on, day(0));
  assert.equal(x.json.return.cancel_reason, SECRET);
  assert.deepEqual(x.json.return.next, []);
  await expectStatus(await post('caseworker.bkk', `${R}/stage`, { stage: 'Counselled' }), 409, 'a step after cancelling');
  /* No return under way: a handover needs its office named. */
  await expectStatus(await post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, {}), 400, 'no office to hand over to');
  const again = await expectStatus(await post('caseworker.bkk', R, { dest_country: 'TH', dest_office: 'BKK' }), 201,
    'a new return');
  assert.equal(again.json.return.stage, 'Requested');
  assert.ok(again.json.timeline.some((e) => e.kind === 'return.cancelled'));
});

test('a closed case is reopened before a return is asked for', async () => {
  const c = await createCase(srv, s['caseworker.bkk'], { status: 'Closed' });
  const R = `/api/v1/cases/${c.id}/return`;
  const body = { dest_country: 'CO', dest_office: 'BOG', date: day(0) };
  assertApiError(await srv.api('POST', R, { session: s['caseworker.bkk'], body }), 409);
  assert.equal((await srv.api('GET', R, { session: s['caseworker.bkk'] })).json.return, null);
  const open = await srv.api('PATCH', `/api/v1/cases/${c.id}`, { session: s['caseworker.bkk'], body: { status: 'Active' } });
  assert.equal(open.status, 200, open.text);
  const r = await srv.api('POST', R, { session: s['caseworker.bkk'], body });
  assert.equal(r.status, 201, r.text);
});
