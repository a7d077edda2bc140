/*
 * moves_matrix.test.mjs - who may do what with return, handover and
 * reintegration, as tables of exact statuses, one named test per cell:
 * every operation of the API (the return and each of its steps, travel
 * legs, handovers asked, accepted, declined and withdrawn, the handover
 * lists, reintegration plans, monitoring visits, the due list and the
 * schedule setting) by every kind of user, on a case of BKK and on a case
 * BKK handed over to BOG (the origin keeps its history, read-only; the
 * destination has it in full). Every refusal changes nothing (read back
 * by someone allowed), is audited once with the case it concerns, and
 * answers as for an object that does not exist where the caller may not
 * see it. Then the pages: each page of a case and each list allows
 * exactly whom its API allows, and each form of the return,
 * reintegration and handover pages takes effect for whom the API does
 * and refuses the others alike (audited as the API audits them). Last,
 * a handover whose case became high-risk is, to whoever no longer lists
 * it, a handover that does not exist.
 *
 *   CTM_BIN=$PWD/build/test/ctm node --test --test-concurrency=1 tests/http/moves_matrix.test.mjs
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertApiError, createCase, todayUtc } from './lib.mjs';
import { daysAgo } from '../common.mjs';

const EXTRA = [
  { username: 'caseworker2.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker2-BKK-mx41d7' },
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-mx09c3e5' },
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-mx6e2a90' },
  { username: 'medical.bog', role: 'medical-officer', office: 'BOG', password: 'pw-Medical-BOG-mx3b81f4' },
  /* An admin granted case access (in setup); 'admin' has none. */
  { username: 'dpo', role: 'admin', office: 'HQ', password: 'pw-Dpo-HQ-mx7f52c0a8' },
];

/* The tables' columns: admin without and with case access, caseworker
 * of BKK assigned to the case and not, BKK's manager and medical
 * officer, BOG's caseworker, manager and medical officer, the programme
 * manager (HQ) and a researcher. */
const WHO = ['admin', 'dpo', 'caseworker.bkk', 'caseworker2.bkk', 'manager.bkk', 'medical.bkk',
  'caseworker.bog', 'manager.bog', 'medical.bog', 'pm', 'researcher'];
const OFFICE_OF = {
  admin: 'HQ', dpo: 'HQ', 'caseworker.bkk': 'BKK', 'caseworker2.bkk': 'BKK', 'manager.bkk': 'BKK',
  'medical.bkk': 'BKK', 'caseworker.bog': 'BOG', 'manager.bog': 'BOG', 'medical.bog': 'BOG', pm: 'HQ',
  researcher: 'HQ',
};

/*
 * A case of BKK assigned to caseworker.bkk. From docs/api.md and
 * src/role.c: the return, reintegration and visits are read with the
 * case file permission (caseworkers, office managers, an admin granted
 * case access) and changed with `assist` (the same users); a role without
 * it gets 403, a case of another office 404. Handovers: asked by whoever
 * changes the case; listed to the office staff who assist or decide;
 * accepted or declined by the receiving office's manager only (403 for
 * any other role, and for the asking office's manager); withdrawn by the
 * asking office or an admin granted case access, who may ask for it too
 * (403 for the receiving office, 404 for an office at neither end). The due list is the assisting staff's, of their office; the
 * schedule setting is read by them and the admins, changed by admins.
 * Routes that take no such method answer 405 to everyone.
 */
const NORMAL = [
  /* operation                  admin dpo  cw  cw2  mgr  med  cwB  mgB  mdB  pm  res */
  ['summary GET',                403, 200, 200, 200, 200, 200, 404, 404, 404, 404, 403],
  ['timeline GET',               403, 200, 200, 200, 200, 200, 404, 404, 404, 404, 403],
  ['file GET',                   403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['services GET',               403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['case PATCH',                 403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['services POST',              403, 201, 201, 201, 201, 403, 404, 404, 403, 403, 403],
  ['return GET',                 403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['return POST',                403, 201, 201, 201, 201, 403, 404, 404, 403, 403, 403],
  ['return stage Counselled',    403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['return stage Planned',       403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['return stage Departed',      403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['return stage Arrived',       403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['return stage Cancelled',     403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['return legs PUT',            403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['return legs POST',           405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405],
  ['transfers POST',             403, 201, 201, 201, 201, 403, 404, 404, 403, 403, 403],
  ['reintegration GET',          403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['reintegration POST',         403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['visits GET',                 403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['visits POST',                405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405],
  ['visit POST',                 403, 200, 200, 200, 200, 403, 404, 404, 403, 403, 403],
  ['visit PATCH',                405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405],
  ['transfers list GET',         403, 200, 200, 200, 200, 403, 200, 200, 403, 403, 403],
  ['transfer accept',            403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
  ['transfer decline',           403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
  ['transfer cancel',            403, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403],
  ['visits due GET',             403, 200, 200, 200, 200, 403, 200, 200, 403, 403, 403],
  ['schedule GET',               200, 200, 200, 200, 200, 403, 200, 200, 403, 403, 403],
  ['schedule PUT',               200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403],
];

/*
 * A case BKK handed over to BOG (its return departed, the handover
 * accepted by manager.bog, assigned to caseworker.bog, the arrival
 * recorded in BOG). The origin office keeps history access: its staff
 * read the summary, the timeline and the return (marked "history"),
 * nothing else, and change nothing (404, as for a case out of scope);
 * BKK's medical officer, who never reads the file, has no history. BOG
 * has the case in full, as BKK had it before.
 */
const HANDED = [
  /* operation                  admin dpo  cw  cw2  mgr  med  cwB  mgB  mdB  pm  res */
  ['summary GET',                403, 200, 200, 200, 200, 404, 200, 200, 200, 404, 403],
  ['timeline GET',               403, 200, 200, 200, 200, 404, 200, 200, 200, 404, 403],
  ['file GET',                   403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['services GET',               403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['case PATCH',                 403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['services POST',              403, 201, 404, 404, 404, 403, 201, 201, 403, 403, 403],
  ['return GET',                 403, 200, 200, 200, 200, 403, 200, 200, 403, 403, 403],
  ['return POST',                403, 201, 404, 404, 404, 403, 201, 201, 403, 403, 403],
  ['return stage Counselled',    403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['return stage Planned',       403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['return stage Departed',      403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['return stage Arrived',       403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['return stage Cancelled',     403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['return legs PUT',            403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['transfers POST',             403, 201, 404, 404, 404, 403, 201, 201, 403, 403, 403],
  ['reintegration GET',          403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['reintegration POST',         403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['visits GET',                 403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
  ['visit POST',                 403, 200, 404, 404, 404, 403, 200, 200, 403, 403, 403],
];

const WORLD = {
  normal: { name: 'a case of BKK', office: 'BKK', country: 'TH', owner: 'caseworker.bkk', other: 'BOG' },
  handed: { name: 'a case BKK handed over to BOG', office: 'BOG', country: 'CO', owner: 'caseworker.bog', other: 'BKK' },
};
const HISTORY = ['caseworker.bkk', 'caseworker2.bkk', 'manager.bkk'];
const isHistory = (wk, who) => wk === 'handed' && HISTORY.includes(who);

const MISSING = 999999;
const STAGES = ['Requested', 'Counselled', 'Planned', 'Departed', 'Arrived'];
let srv;
const s = {};

const call = (who, method, p, body) => srv.api(method, p, { session: s[who], body });
const get = (who, p) => call(who, 'GET', p);
const post = (who, p, body = {}) => call(who, 'POST', p, body);
const put = (who, p, body = {}) => call(who, 'PUT', p, body);
const patch = (who, p, body = {}) => call(who, 'PATCH', p, body);

function expectStatus(res, status, what) {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text}`);
  if (status >= 400) assertApiError(res, status, what);
  return res;
}

async function ok(resP, status, what) {
  return expectStatus(await resP, status, what).json;
}

/* How many `action` entries of user `who` name case `caseId`. */
async function auditCount(who, action, caseId) {
  const q = new URLSearchParams({ user: who, action, per_page: '1' });
  if (caseId) q.set('case', String(caseId));
  const r = await get('admin', `/api/v1/audit?${q}`);
  assert.equal(r.status, 200, `audit: ${r.status} ${r.text}`);
  return r.json.total;
}

/* --- fixtures --- */

/* One case per world and family of operations, made in before(). */
const K = { normal: {}, handed: {} };
const FAMILIES = ['read', 'patch', 'services', 'returnPost', 'stage:Counselled', 'stage:Planned',
  'stage:Departed', 'stage:Arrived', 'stage:Cancelled', 'legs', 'transfer', 'reint', 'visit'];

const leg = (from, to, date, toPlace = 'Home town') => ({
  from_country: from, from_place: 'Office', to_country: to, to_place: toPlace,
  departure_date: date, arrival_date: date, means_of_transport: 'Air', escort: 'Staff', documents_used: ['Own'],
});

/* A BKK case handed over to BOG after its return departed; BOG records
 * the arrival. */
async function handOver(id) {
  const R = `/api/v1/cases/${id}/return`;
  const cw = 'caseworker.bkk';
  await ok(post(cw, R, { dest_country: 'CO', dest_office: 'BOG', date: daysAgo(10) }), 201, 'return to BOG');
  await ok(post(cw, `${R}/stage`, { stage: 'Counselled', date: daysAgo(9) }), 200, 'counselled');
  await ok(post(cw, `${R}/stage`, { stage: 'Planned', date: daysAgo(8), legs: [leg('TH', 'CO', daysAgo(5))] }), 200,
    'planned');
  await ok(post(cw, `${R}/stage`, { stage: 'Departed', date: daysAgo(5) }), 200, 'departed');
  const t = await ok(post(cw, `/api/v1/cases/${id}/transfers`, {}), 201, 'handover');
  await ok(post('manager.bog', `/api/v1/transfers/${t.id}/decision`,
    { decision: 'accept', assigned_to: s['caseworker.bog'].user.id }), 200, 'accepted');
  await ok(post('caseworker.bog', `${R}/stage`, { stage: 'Arrived', date: daysAgo(4), received_by: 'Reception desk' }),
    200, 'arrived');
}

async function makeCase(wk) {
  const c = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
  if (wk === 'handed') await handOver(c.id);
  return c;
}

const sampleService = () => ({ service_type: 'Counselling', start_date: daysAgo(2), status: 'Planned' });

/* The return of a case and its handovers, as the world's owner reads them. */
async function returnOf(wk, id) {
  const j = await ok(get(WORLD[wk].owner, `/api/v1/cases/${id}/return`), 200, 'owner reads the return');
  return { return: j.return, transfers: j.transfers };
}

/* Takes the step `stage` of the return of case id (the world's owner). */
function stepBody(wk, stage, extra = {}) {
  const w = WORLD[wk];
  switch (stage) {
    case 'Requested': return { dest_country: w.country, dest_office: w.office, date: todayUtc(), ...extra };
    case 'Planned': return { stage, date: todayUtc(), legs: [leg(w.country, w.country, todayUtc())], ...extra };
    case 'Arrived': return { stage, date: todayUtc(), received_by: 'Reception desk', ...extra };
    case 'Cancelled': return { stage, reason: 'The person changed their mind.', ...extra };
    default: return { stage, date: todayUtc(), ...extra };
  }
}

async function step(wk, id, stage) {
  const R = `/api/v1/cases/${id}/return`;
  const owner = WORLD[wk].owner;
  if (stage === 'Requested') await ok(post(owner, R, stepBody(wk, stage)), 201, 'a return asked for');
  else await ok(post(owner, `${R}/stage`, stepBody(wk, stage)), 200, `return ${stage}`);
}

/* Ends the return under way, if any: cancelled before departure, else
 * arrived (the returns the matrix asks for stay in the office). */
async function settle(wk, id) {
  const r = (await returnOf(wk, id)).return;
  if (!r || !r.open) return;
  await step(wk, id, r.stage === 'Departed' ? 'Arrived' : 'Cancelled');
}

/* Brings the return of case id to `want` (Requested … Departed). */
async function toStage(wk, id, want) {
  let r = (await returnOf(wk, id)).return;
  const at = r && r.open ? STAGES.indexOf(r.stage) : -1;
  if (at > STAGES.indexOf(want)) {
    await settle(wk, id);
    r = null;
  }
  for (let i = r && r.open ? at + 1 : 0; i <= STAGES.indexOf(want); i++) await step(wk, id, STAGES[i]);
}

/* A scheduled visit of the world's visit cases (a new case and plan
 * when they have all been recorded). */
async function scheduledVisit(wk) {
  const owner = WORLD[wk].owner;
  const vs = (await ok(get(owner, `/api/v1/cases/${K[wk].visit.id}/visits`), 200, 'visits')).visits;
  const v = vs.find((x) => x.status === 'Scheduled');
  if (v) return { caseId: K[wk].visit.id, visit: v };
  K[wk].visit = await makeCase(wk);
  const plan = await ok(post(owner, `/api/v1/cases/${K[wk].visit.id}/reintegration`,
    { plan_type: 'Livelihood', plan_date: todayUtc() }), 200, 'a plan with visits');
  assert.ok(plan.visits.length > 0, 'the plan scheduled no visits');
  return { caseId: K[wk].visit.id, visit: plan.visits[0] };
}

/* Handovers by id: one of BKK's cases waiting in BOG, per operation. */
const pending = {};
async function transferState(tid) {
  const out = (await ok(get('manager.bkk', '/api/v1/transfers'), 200, 'BKK lists its handovers')).outgoing;
  return out.find((t) => t.id === tid)?.state;
}

async function pendingTransfer(kind) {
  const p = pending[kind];
  if (p && await transferState(p.tid) === 'pending') return p;
  const c = p && (await get('caseworker.bkk', `/api/v1/cases/${p.caseId}`)).json?.office === 'BKK'
    ? { id: p.caseId } : await makeCase('normal');
  const t = await ok(post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, { to_office: 'BOG' }), 201, 'handover');
  pending[kind] = { caseId: c.id, tid: t.id };
  return pending[kind];
}

/* Where the case is, read by an admin granted case access. */
async function officeOf(caseId) {
  return (await ok(get('dpo', `/api/v1/cases/${caseId}`), 200, 'dpo reads the case')).office;
}

let listed;		/* a handover BKK → BOG left waiting */
let project;
let shelter;
let fundRequest;
const P = {};		/* the cases of the page matrix */

before(async () => {
  srv = await startServer({
    extraUsers: EXTRA,
    setup: async (db, ctm) => { await ctm(['user', 'case-grant', '--db', db, '--username', 'dpo']); },
  });
  for (const u of WHO) s[u] = await srv.login(u);

  for (const wk of Object.keys(K)) {
    const owner = WORLD[wk].owner;
    for (const fam of FAMILIES) K[wk][fam] = await makeCase(wk);
    const b = (fam) => `/api/v1/cases/${K[wk][fam].id}`;
    /* The case everyone reads: a plan (its visits from the plan date, or
     * the arrival), a service, and in BKK a return asked for. */
    await ok(post(owner, `${b('read')}/reintegration`, { plan_type: 'SocialCare', plan_date: daysAgo(3) }), 200, 'plan');
    await ok(post(owner, `${b('read')}/services`, sampleService()), 201, 'service');
    if (wk === 'normal') await step(wk, K[wk].read.id, 'Requested');
    for (const fam of ['reint', 'visit']) {
      await ok(post(owner, `${b(fam)}/reintegration`, { plan_type: 'Livelihood', plan_date: daysAgo(3) }), 200, 'plan');
    }
  }
  const c = await makeCase('normal');
  listed = { caseId: c.id, ...(await ok(post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, { to_office: 'BOG' }),
    201, 'a handover left waiting')) };

  project = await ok(post('pm', '/api/v1/projects', { name: 'Matrix project', currency: 'USD', budget: '5000', donors: [] }),
    201, 'project');
  shelter = await ok(post('manager.bkk', '/api/v1/shelters', { name: 'Matrix House', capacity: 4 }), 201, 'shelter');
  P.normal = K.normal.read;
  P.handed = K.handed.read;
  P.referred = await makeCase('normal');
  fundRequest = await ok(post('caseworker.bkk', `/api/v1/cases/${P.referred.id}/fund-requests`,
    { type: 'protection', amount: '120', currency: 'USD', justification: 'Rent' }), 201, 'fund request');
  P.highrisk = await makeCase('normal');
  await ok(post('caseworker.bkk', `/api/v1/cases/${P.highrisk.id}/risk`, { level: 'High', date: todayUtc() }), 201, 'High');
});

after(async () => {
  if (srv) await srv.stop();
});

/* --- the operations --- */

/*
 * Each operation: prepare() brings its fixture to the state it needs
 * (and returns it as ctx); send(who, ctx) makes the request and
 * missing(who) the same on an object that does not exist; read(ctx)
 * what the request may change, read by someone allowed; done() asserts
 * a success; denied: the audit action of a refusal, with the case
 * auditCase(ctx); sees(who): who may see the object (a refusal of theirs
 * need not look like a missing object's).
 */
function caseOps(wk) {
  const w = WORLD[wk];
  const id = (fam) => K[wk][fam].id;
  const C = (fam, rest = '') => `/api/v1/cases/${id(fam)}${rest}`;
  const M = (rest = '') => `/api/v1/cases/${MISSING}${rest}`;
  const read = (path, denied, done) => ({
    caseOf: () => id('read'), denied,
    send: (who) => get(who, C('read', path)),
    missing: (who) => get(who, M(path)),
    done,
  });
  const stageOp = (stage) => {
    const before1 = stage === 'Cancelled' ? 'Requested' : STAGES[STAGES.indexOf(stage) - 1];
    const fam = `stage:${stage}`;
    return {
      caseOf: () => id(fam), denied: 'return.update.denied',
      prepare: () => toStage(wk, id(fam), before1),
      read: () => returnOf(wk, id(fam)),
      send: (who) => post(who, C(fam, '/return/stage'), stepBody(wk, stage)),
      missing: (who) => post(who, M('/return/stage'), stepBody(wk, stage)),
      done(who, r, was, now) {
        assert.equal(r.json.return.stage, stage);
        assert.equal(now.return.id, was.return.id);
        assert.equal(now.return.stage, stage);
        assert.equal(now.return.version, was.return.version + 1);
      },
    };
  };
  return {
    'summary GET': read('', 'case.view.denied', (who, r) => {
      assert.equal(r.json.id, id('read'));
      assert.equal(r.json.office, w.office);
      assert.equal(r.json.history, isHistory(wk, who) ? true : undefined, 'the history mark');
    }),
    'timeline GET': read('/timeline', 'case.view.denied', (who, r) => {
      assert.equal(r.json.case_id, id('read'));
      assert.ok(r.json.steps.some((e) => e.kind === 'case.created'));
    }),
    'file GET': read('/file', 'case.view.denied', (who, r) => {
      assert.equal(typeof r.json.version, 'number');
    }),
    'services GET': read('/services', 'case.view.denied', (who, r) => {
      assert.equal(r.json.case_id, id('read'));
      assert.equal(r.json.records.length, 1);
    }),
    'case PATCH': {
      caseOf: () => id('patch'), denied: 'case.update.denied',
      read: async () => ok(get(w.owner, C('patch')), 200, 'owner reads the case'),
      send: async (who) => {
        const cur = await ok(get(w.owner, C('patch')), 200, 'owner reads the case');
        return patch(who, C('patch'), { status: cur.status === 'Active' ? 'FollowUp' : 'Active' });
      },
      missing: (who) => patch(who, M(), { status: 'FollowUp' }),
      done(who, r, was, now) {
        assert.notEqual(now.status, was.status);
        assert.equal(now.version, was.version + 1);
        assert.equal(now.office, w.office);
      },
    },
    'services POST': {
      caseOf: () => id('services'), denied: 'case.update.denied',
      read: async () => (await ok(get(w.owner, C('services', '/services')), 200, 'services')).records,
      send: (who) => post(who, C('services', '/services'), sampleService()),
      missing: (who) => post(who, M('/services'), sampleService()),
      done(who, r, was, now) {
        assert.equal(now.length, was.length + 1);
        assert.ok(now.some((x) => x.id === r.json.id));
      },
    },
    'return GET': read('/return', 'return.view.denied', (who, r) => {
      assert.equal(r.json.case.id, id('read'));
      assert.equal(r.json.history, isHistory(wk, who));
      assert.equal(r.json.return.stage, wk === 'normal' ? 'Requested' : 'Arrived');
      if (isHistory(wk, who)) assert.deepEqual(r.json.return.next, [], 'steps offered to the history office');
    }),
    'return POST': {
      caseOf: () => id('returnPost'), denied: 'return.update.denied',
      prepare: () => settle(wk, id('returnPost')),
      read: () => returnOf(wk, id('returnPost')),
      send: (who) => post(who, C('returnPost', '/return'), stepBody(wk, 'Requested')),
      missing: (who) => post(who, M('/return'), stepBody(wk, 'Requested')),
      done(who, r, was, now) {
        assert.equal(r.json.return.stage, 'Requested');
        assert.equal(now.return.id, r.json.return.id);
        assert.notEqual(now.return.id, was.return?.id);
        assert.equal(now.return.dest_office, w.office);
      },
    },
    'return stage Counselled': stageOp('Counselled'),
    'return stage Planned': stageOp('Planned'),
    'return stage Departed': stageOp('Departed'),
    'return stage Arrived': stageOp('Arrived'),
    'return stage Cancelled': stageOp('Cancelled'),
    'return legs PUT': {
      caseOf: () => id('legs'), denied: 'return.update.denied',
      prepare: () => toStage(wk, id('legs'), 'Counselled'),
      read: () => returnOf(wk, id('legs')),
      send: (who) => put(who, C('legs', '/return/legs'), { legs: [leg(w.country, w.country, todayUtc(), `Town of ${who}`)] }),
      missing: (who) => put(who, M('/return/legs'), { legs: [leg(w.country, w.country, todayUtc())] }),
      done(who, r, was, now) {
        assert.equal(now.return.id, was.return.id);
        assert.deepEqual(now.return.legs.map((l) => l.to_place), [`Town of ${who}`]);
        assert.equal(now.return.stage, was.return.stage);
      },
    },
    'return legs POST': {
      send: (who) => post(who, C('legs', '/return/legs'), { legs: [] }),
      read: () => returnOf(wk, id('legs')),
    },
    'transfers POST': {
      caseOf: () => id('transfer'), denied: 'transfer.request.denied',
      async prepare() {
        for (const t of (await returnOf(wk, id('transfer'))).transfers) {
          if (t.state === 'pending') await ok(post(w.owner, `/api/v1/transfers/${t.id}/cancel`), 200, 'withdrawn');
        }
      },
      read: () => returnOf(wk, id('transfer')),
      send: (who) => post(who, C('transfer', '/transfers'), { to_office: w.other }),
      missing: (who) => post(who, M('/transfers'), { to_office: w.other }),
      done(who, r, was, now) {
        assert.equal(r.json.state, 'pending');
        assert.equal(now.transfers.length, was.transfers.length + 1);
        const t = now.transfers.find((x) => x.id === r.json.id);
        assert.deepEqual([t.from_office, t.to_office, t.state], [w.office, w.other, 'pending']);
      },
    },
    'reintegration GET': read('/reintegration', 'reintegration.view.denied', (who, r) => {
      assert.equal(r.json.case.id, id('read'));
      assert.equal(r.json.plan.plan_type, 'SocialCare');
    }),
    'reintegration POST': {
      caseOf: () => id('reint'), denied: 'reintegration.update.denied',
      read: async () => ok(get(w.owner, C('reint', '/reintegration')), 200, 'owner reads the plan'),
      send: (who) => post(who, C('reint', '/reintegration'), { objectives: `Objectives of ${who}` }),
      missing: (who) => post(who, M('/reintegration'), { objectives: 'x' }),
      done(who, r, was, now) {
        assert.equal(now.plan.objectives, `Objectives of ${who}`);
        assert.equal(now.plan.version, was.plan.version + 1);
        assert.deepEqual(now.visits, was.visits);
      },
    },
    'visits GET': read('/visits', 'visit.view.denied', (who, r) => {
      assert.ok(r.json.visits.length > 0, 'no visits listed');
      assert.ok(r.json.visits.every((v) => v.case_id === id('read')));
    }),
    'visits POST': {
      send: (who) => post(who, C('visit', '/visits'), { status: 'Done', date: todayUtc() }),
      read: async () => (await ok(get(w.owner, C('visit', '/visits')), 200, 'visits')).visits,
    },
    'visit POST': {
      denied: 'visit.denied',
      prepare: () => scheduledVisit(wk),
      caseOf: (ctx) => ctx.caseId,
      read: async (ctx) => (await ok(get(w.owner, `/api/v1/cases/${ctx.caseId}/visits`), 200, 'visits')).visits,
      send: (who, ctx) => post(who, `/api/v1/visits/${ctx.visit.id}`, { status: 'Done', date: todayUtc() }),
      missing: (who) => post(who, `/api/v1/visits/${MISSING}`, { status: 'Done', date: todayUtc() }),
      done(who, r, was, now, ctx) {
        const v = now.find((x) => x.id === ctx.visit.id);
        assert.equal(v.status, 'Done');
        assert.equal(v.done_on, todayUtc());
        assert.equal(now.filter((x) => x.status === 'Done').length, was.filter((x) => x.status === 'Done').length + 1);
      },
    },
    'visit PATCH': {
      prepare: () => scheduledVisit(wk),
      read: async (ctx) => (await ok(get(w.owner, `/api/v1/cases/${ctx.caseId}/visits`), 200, 'visits')).visits,
      send: (who, ctx) => patch(who, `/api/v1/visits/${ctx.visit.id}`, { status: 'Done', date: todayUtc() }),
    },
  };
}

/* Handover by id: accept, decline, withdraw. */
function transferOp(kind, body, doneState) {
  const SEE = ['caseworker.bkk', 'caseworker2.bkk', 'manager.bkk', 'caseworker.bog', 'manager.bog'];
  const path = (tid) => `/api/v1/transfers/${tid}/${kind === 'cancel' ? 'cancel' : 'decision'}`;
  return {
    denied: 'transfer.denied',
    prepare: () => pendingTransfer(kind),
    caseOf: (ctx) => ctx.caseId,
    sees: (who) => SEE.includes(who),
    read: async (ctx) => ({ state: await transferState(ctx.tid), office: await officeOf(ctx.caseId) }),
    send: (who, ctx) => post(who, path(ctx.tid), body()),
    missing: (who) => post(who, path(MISSING), body()),
    done(who, r, was, now, ctx) {
      assert.equal(r.json.id, ctx.tid);
      assert.equal(was.state, 'pending');
      assert.deepEqual(now, { state: doneState, office: doneState === 'accepted' ? 'BOG' : 'BKK' });
    },
  };
}

const globalOps = {
  'transfers list GET': {
    send: (who) => get(who, '/api/v1/transfers'),
    done(who, r) {
      const office = OFFICE_OF[who];
      const out = r.json.outgoing.some((t) => t.id === listed.id);
      const inc = r.json.incoming.some((t) => t.id === listed.id);
      assert.deepEqual([out, inc], [office === 'BKK', office === 'BOG'], 'the waiting handover listed where it belongs');
      for (const t of [...r.json.incoming, ...r.json.outgoing]) {
        assert.ok(t.from_office === office || t.to_office === office, `a handover of other offices: ${JSON.stringify(t)}`);
      }
    },
  },
  'transfer accept': transferOp('accept',
    () => ({ decision: 'accept', assigned_to: s['caseworker.bog'].user.id }), 'accepted'),
  'transfer decline': transferOp('decline', () => ({ decision: 'decline', reason: 'No place for now.' }), 'declined'),
  'transfer cancel': transferOp('cancel', () => undefined, 'cancelled'),
  'visits due GET': {
    send: (who) => get(who, '/api/v1/visits/due?days=366'),
    done(who, r) {
      const office = OFFICE_OF[who];
      const cases = new Set(r.json.visits.map((v) => v.case_id));
      assert.equal(cases.has(K.normal.reint.id), office !== 'BOG', 'the visits of the BKK case');
      assert.equal(cases.has(K.handed.reint.id), office !== 'BKK', 'the visits of the handed-over case');
      if (office !== 'HQ') assert.ok(r.json.visits.every((v) => v.office === office), 'a visit of another office');
    },
  },
  'schedule GET': {
    send: (who) => get(who, '/api/v1/settings/reintegration-schedule'),
    done(who, r) { assert.deepEqual(r.json.months, [1, 3, 6, 12]); },
  },
  'schedule PUT': {
    read: async () => (await ok(get('admin', '/api/v1/settings/reintegration-schedule'), 200, 'schedule')).months,
    send: (who) => put(who, '/api/v1/settings/reintegration-schedule', { months: [2, 4, 8] }),
    async done(who, r, was, now) {
      assert.deepEqual(r.json.months, [2, 4, 8]);
      assert.deepEqual(now, [2, 4, 8]);
      await ok(put('admin', '/api/v1/settings/reintegration-schedule', { months: was }), 200, 'schedule restored');
    },
  },
};

/*
 * Runs one cell: the operation as `who` must answer `st`; a success is
 * checked by done(), a refusal leaves read() as it was; a refusal about
 * a case is audited once as `denied` with the case, and only then; the
 * refusal of an object the caller may not see is the missing object's.
 */
async function runCell(op, who, st, what) {
  const ctx = (await op.prepare?.()) ?? {};
  const was = await op.read?.(ctx);
  const caseId = op.caseOf?.(ctx);
  const a0 = op.denied ? await auditCount(who, op.denied, caseId) : 0;
  const r = expectStatus(await op.send(who, ctx), st, what);
  const now = await op.read?.(ctx);
  if (st < 300) {
    await op.done?.(who, r, was, now, ctx);
  } else {
    assert.deepEqual(now, was, `${what}: a refusal changed something`);
  }
  if (op.denied) {
    assert.equal(await auditCount(who, op.denied, caseId), a0 + (st === 403 || st === 404 ? 1 : 0),
      `${what}: ${op.denied} of case ${caseId}`);
  }
  if ((st === 403 || st === 404) && op.missing && !(op.sees?.(who) && st === 403)) {
    const m = await op.missing(who);
    assert.equal(m.status, st, `${what} on a missing object: ${m.status} ${m.text}`);
    assert.equal(r.text, m.text, `${what}: the refusal differs from a missing object's`);
  }
}

function matrix(title, table, ops) {
  describe(title, () => {
    it('the table covers every operation once, each row a status per user', () => {
      assert.deepEqual(table.map((row) => row[0]).sort(), Object.keys(ops).sort());
      for (const row of table) assert.equal(row.length, WHO.length + 1, row[0]);
    });
    for (const [name, ...statuses] of table) {
      describe(name, () => {
        WHO.forEach((who, i) => {
          it(`${name} as ${who} → ${statuses[i]}`, async () => {
            await runCell(ops[name], who, statuses[i], `${name} as ${who}`);
          });
        });
      });
    }
  });
}

matrix(`${WORLD.normal.name}: every operation by every user`, NORMAL, { ...caseOps('normal'), ...globalOps });

/* The handover's own operations only (no list, due list or setting,
 * which belong to no case). */
const handedOps = caseOps('handed');
for (const k of ['return legs POST', 'visits POST', 'visit PATCH']) delete handedOps[k];
matrix(`${WORLD.handed.name}: the origin keeps its history, the destination has it in full`, HANDED, handedOps);

/* --- pages --- */

/*
 * Each page allows exactly whom its API allows: 200 for the one when
 * 200 for the other. A case page refuses whoever sees the case (reads
 * its summary) as its API does, 403 with the API's message, and is a
 * case that does not exist (404) to whoever does not; a list refuses
 * with 403.
 */
const CASE_PAGES = [
  ['', ['', '/timeline']],
  ['/file', ['/file']],
  ['/file/screening', ['/file', '/screening']],
  ['/protection', ['/services', '/support-plans', '/shelter-stays', '/risk', '/le-referrals']],
  ['/health', ['/health']],
  ['/return', ['/return']],
  ['/reintegration', ['/reintegration', '/visits']],
  ['/fund', ['/fund-requests']],
];

function listPages() {
  return [
    ['/cases', ['/api/v1/cases']],
    ['/transfers', ['/api/v1/transfers']],
    ['/visits', ['/api/v1/visits/due']],
    ['/shelters', ['/api/v1/shelters']],
    [`/shelters/${shelter.id}`, [`/api/v1/shelters/${shelter.id}`]],
    ['/organisations', ['/api/v1/organisations']],
    ['/projects', ['/api/v1/projects']],
    [`/projects/${project.id}`, [`/api/v1/projects/${project.id}`]],
    ['/fund', ['/api/v1/fund-requests']],
    [`/fund/requests/${fundRequest.id}`, [`/api/v1/fund-requests/${fundRequest.id}`]],
  ];
}

const PAGE_CASES = {
  normal: 'a case of BKK',
  referred: 'a case of BKK referred to headquarters',
  handed: 'a case BKK handed over to BOG',
  highrisk: 'a high-risk case of BKK',
};

describe('pages allow whom their API allows', () => {
  for (const [key, label] of Object.entries(PAGE_CASES)) {
    for (const [page, apis] of CASE_PAGES) {
      it(`${label}: /cases/{id}${page} and ${apis.map((a) => `GET /api/v1/cases/{id}${a}`).join(', ')}`, async () => {
        const id = P[key].id;
        const problems = [];
        for (const who of WHO) {
          const pg = await get(who, `/cases/${id}${page}`);
          const refusals = [];
          for (const a of apis) {
            const r = await get(who, `/api/v1/cases/${id}${a}`);
            if ((pg.status === 200) !== (r.status === 200)) {
              problems.push(`${who}: page ${pg.status}, GET /api/v1/cases/${id}${a} ${r.status}`);
            }
            if (r.status === 403) refusals.push(r.json.error);
          }
          const sees = (await get(who, `/api/v1/cases/${id}`)).status === 200;
          if (pg.status !== 200 && sees && refusals.length > 0) {
            const text = pg.text.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');
            if (pg.status !== 403 || !refusals.some((e) => text.includes(e))) {
              problems.push(`${who}: page refused with ${pg.status}, not as its API (403 ${refusals[0]})`);
            }
          } else if (pg.status !== 200) {
            const m = await get(who, `/cases/${MISSING}${page}`);
            /* The language form sends the reader back to the address
             * asked for: the only place where the two may differ. */
            const mText = m.text.replaceAll(`name="next" value="/cases/${MISSING}${page}"`,
              `name="next" value="/cases/${id}${page}"`);
            if (![403, 404].includes(pg.status) || pg.status !== m.status || pg.text !== mText) {
              problems.push(`${who}: page refused with ${pg.status}, a missing case's ${m.status}`
                + `${pg.text === mText ? '' : ' (bodies differ)'}`);
            }
          }
        }
        assert.deepEqual(problems, []);
      });
    }
  }

  it('every list and registry page, and each object page of the fund and shelters', async () => {
    const problems = [];
    for (const [page, apis] of listPages()) {
      for (const who of WHO) {
        const pg = await get(who, page);
        if (![200, 403, 404].includes(pg.status)) problems.push(`${who} ${page}: ${pg.status}`);
        for (const a of apis) {
          const r = await get(who, a);
          if ((pg.status === 200) !== (r.status === 200)) problems.push(`${who}: ${page} ${pg.status}, ${a} ${r.status}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('the handover and visit pages list what their API lists', async () => {
    const problems = [];
    for (const who of WHO) {
      const tp = await get(who, '/transfers');
      if (tp.status === 200) {
        const l = await ok(get(who, '/api/v1/transfers'), 200, 'transfers');
        for (const t of [...l.incoming, ...l.outgoing]) {
          if (!tp.text.includes(t.case_number)) problems.push(`${who}: /transfers lacks ${t.case_number}`);
        }
      }
      const vp = await get(who, '/visits?days=366');
      if (vp.status === 200) {
        const v = (await ok(get(who, '/api/v1/visits/due?days=366'), 200, 'due')).visits;
        const shown = (vp.text.match(/<tr><td><a href="\/cases\/\d+\/reintegration">/g) ?? []).length;
        if (shown !== v.length) problems.push(`${who}: /visits shows ${shown} visits, the API ${v.length}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});

/* --- the forms of the pages --- */

/* POST an HTML form as the pages do. */
function postForm(who, urlPath, fields) {
  const body = new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString();
  return srv.api('POST', urlPath, {
    session: s[who], body, csrf: false, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

/*
 * Each form of the return, reintegration and handover pages against the
 * API operation it stands for: it takes effect (303 to the page) exactly
 * for whom the API takes it, and refuses the others with 403 or 404,
 * changing nothing, audited as the API audits the refusal (same action,
 * same case).
 */
function forms() {
  const api = caseOps('normal');
  const id = (fam) => K.normal[fam].id;
  const formOf = (row, path, fields) => ({ row, op: row in api ? api[row] : globalOps[row], path, fields });
  const today = todayUtc();
  return {
    'return: ask for a return': formOf('return POST', () => `/cases/${id('returnPost')}/return`,
      () => [['action', 'request'], ['dest_country', 'TH'], ['dest_office', 'BKK'], ['date', today]]),
    'return: cancel it': formOf('return stage Cancelled', () => `/cases/${id('stage:Cancelled')}/return`,
      () => [['action', 'stage'], ['stage', 'Cancelled'], ['reason', 'Changed their mind']]),
    'return: travel legs': formOf('return legs PUT', () => `/cases/${id('legs')}/return`, (who) => [['action', 'legs'],
      ['leg0_from_country', 'TH'], ['leg0_to_country', 'TH'], ['leg0_to_place', `Form town of ${who}`],
      ['leg0_departure_date', today], ['leg0_arrival_date', today]]),
    'return: ask for a handover': formOf('transfers POST', () => `/cases/${id('transfer')}/return`,
      () => [['action', 'transfer'], ['to_office', 'BOG']]),
    'reintegration: the plan': formOf('reintegration POST', () => `/cases/${id('reint')}/reintegration`,
      (who) => [['action', 'plan'], ['objectives', `Form objectives of ${who}`]]),
    'reintegration: a visit': formOf('visit POST', (ctx) => `/cases/${ctx.caseId}/reintegration`,
      (who, ctx) => [['action', 'visit'], ['visit_id', String(ctx.visit.id)], ['status', 'Done'], ['date', today]]),
    'handovers: accept': formOf('transfer accept', (ctx) => `/transfers/${ctx.tid}`,
      () => [['action', 'accept'], ['assigned_to', String(s['caseworker.bog'].user.id)]]),
    'handovers: decline': formOf('transfer decline', (ctx) => `/transfers/${ctx.tid}`,
      () => [['action', 'decline'], ['reason', 'No place for now.']]),
    'handovers: withdraw': formOf('transfer cancel', (ctx) => `/transfers/${ctx.tid}`, () => [['action', 'cancel']]),
  };
}

describe('the forms of the pages take effect for whom the API does, and refuse the others alike', () => {
  for (const name of ['return: ask for a return', 'return: cancel it', 'return: travel legs', 'return: ask for a handover',
    'reintegration: the plan', 'reintegration: a visit', 'handovers: accept', 'handovers: decline',
    'handovers: withdraw']) {
    describe(name, () => {
      WHO.forEach((who) => {
        it(`${name} as ${who}`, async () => {
          const f = forms()[name];
          const st = NORMAL.find((row) => row[0] === f.row)[1 + WHO.indexOf(who)];
          const ctx = (await f.op.prepare?.()) ?? {};
          const was = await f.op.read(ctx);
          const caseId = f.op.caseOf(ctx);
          const a0 = await auditCount(who, f.op.denied, caseId);
          const r = await postForm(who, f.path(ctx), f.fields(who, ctx));
          const now = await f.op.read(ctx);
          if (st < 300) {
            assert.equal(r.status, 303, `${name} as ${who}: ${r.status} ${r.text.slice(0, 300)}`);
            assert.notDeepEqual(now, was, `${name} as ${who}: the form changed nothing`);
          } else {
            assert.ok([403, 404].includes(r.status), `${name} as ${who}: ${r.status}, the API's ${st}`);
            assert.deepEqual(now, was, `${name} as ${who}: a refused form changed something`);
          }
          assert.equal(await auditCount(who, f.op.denied, caseId), a0 + (st < 300 ? 0 : 1),
            `${name} as ${who}: ${f.op.denied} of case ${caseId}`);
        });
      });
    });
  }
});

/* --- handovers out of sight --- */

describe('a handover of a case its office made high-risk', () => {
  const accept = () => ({ decision: 'accept', assigned_to: s['caseworker.bog'].user.id });

  it('once declined, is to the office asked as a handover that does not exist', async () => {
    const c = await makeCase('normal');
    const t = await ok(post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, { to_office: 'BOG' }), 201, 'handover');
    await ok(post('manager.bog', `/api/v1/transfers/${t.id}/decision`, { decision: 'decline', reason: 'Full.' }), 200,
      'declined');
    await ok(post('caseworker.bkk', `/api/v1/cases/${c.id}/risk`, { level: 'High', date: todayUtc() }), 201, 'High');
    const a0 = await auditCount('manager.bog', 'transfer.denied', c.id);
    const r = expectStatus(await post('manager.bog', `/api/v1/transfers/${t.id}/decision`, accept()), 404,
      'deciding it again');
    const m = await post('manager.bog', `/api/v1/transfers/${MISSING}/decision`, accept());
    assert.equal(r.text, m.text, 'the answer differs from a missing handover\'s');
    assert.equal(await auditCount('manager.bog', 'transfer.denied', c.id), a0 + 1, 'the refusal is not audited');
    const page = await postForm('manager.bog', `/transfers/${t.id}`, [['action', 'accept'],
      ['assigned_to', String(s['caseworker.bog'].user.id)]]);
    assert.equal(page.status, 404, 'the page form');
    assert.ok(!page.text.includes(c.case_number), 'the page shows the case');
    assert.equal(await auditCount('manager.bog', 'transfer.denied', c.id), a0 + 2, 'the page\'s refusal is not audited');
    assert.equal(await transferState(t.id), 'declined');
    assert.equal((await ok(get('caseworker.bkk', `/api/v1/cases/${c.id}`), 200, 'the case')).office, 'BKK');
    /* Its office still sees it, decided. */
    expectStatus(await post('manager.bkk', `/api/v1/transfers/${t.id}/cancel`), 409, 'withdrawn by BKK\'s manager');
  });

  it('while it waits, is to a caseworker of the office who may not see the case as one that does not exist', async () => {
    const c = await makeCase('normal');
    const t = await ok(post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, { to_office: 'BOG' }), 201, 'handover');
    await ok(post('caseworker.bkk', `/api/v1/cases/${c.id}/risk`, { level: 'High', date: todayUtc() }), 201, 'High');
    const a0 = await auditCount('caseworker2.bkk', 'transfer.denied', c.id);
    const r = expectStatus(await post('caseworker2.bkk', `/api/v1/transfers/${t.id}/cancel`), 404, 'withdrawn');
    assert.equal(r.text, (await post('caseworker2.bkk', `/api/v1/transfers/${MISSING}/cancel`)).text);
    assert.equal(await auditCount('caseworker2.bkk', 'transfer.denied', c.id), a0 + 1);
    assert.equal(await transferState(t.id), 'pending');
    /* The office asked decides it still. */
    await ok(post('manager.bog', `/api/v1/transfers/${t.id}/decision`, accept()), 200, 'accepted');
    assert.equal((await ok(get('caseworker.bog', `/api/v1/cases/${c.id}`), 200, 'the case')).office, 'BOG');
  });
});
