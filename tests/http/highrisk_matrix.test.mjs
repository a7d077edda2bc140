/*
 * highrisk_matrix.test.mjs - the high-risk rule for every operation on a
 * case, the health office rule and the timeline's filtering.
 *
 * One BKK case, assigned to caseworker.bkk, holds a record of every kind
 * (service, support plan, shelter stay, health, risk, law-enforcement
 * referral after consent, fund request, reintegration plan with visits,
 * return with legs) and is then assessed High. For every other user each
 * read and each write is answered exactly as for an object that does not
 * exist (or with the documented 403 of a role that may never do it, which
 * is the same answer for an object that does not exist), is audited once,
 * and changes nothing; the assignee and the office manager keep working.
 *
 *   CTM_BIN=$PWD/build/test/ctm node --test --test-concurrency=1 tests/http/highrisk_matrix.test.mjs
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import {
  auditEntries, createCase, getFile, listCaseIds, realisticFile, saveFile, startServer, todayUtc,
} from './lib.mjs';
import { daysAgo } from '../common.mjs';

const EXTRA = [
  { username: 'caseworker2.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker2-BKK-hr61c0' },
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-hr3a9e57' },
  { username: 'granted.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Granted-BKK-hr0d44b2' },
  { username: 'lent.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Lent-BKK-hr7be21f9' },
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-hr95e1a3' },
  { username: 'medical.bog', role: 'medical-officer', office: 'BOG', password: 'pw-Medical-BOG-hr2c8f06' },
];
const LOGINS = ['admin', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'pm', 'researcher',
  ...EXTRA.map((u) => u.username)];

/*
 * What each role may do (README "Roles", docs/api.md: records are read by
 * the roles that read case files and written by caseworkers and office
 * managers (and admins granted case access); health by medical officers
 * and granted users; the
 * fund asked by office staff and read by headquarters; the researcher
 * sees no case at all). Used only to know which refusal is a role's 403.
 */
const ROLE_CAN = {
  caseworker: ['read', 'file', 'assist', 'update', 'fundReq'],
  'office-manager': ['read', 'file', 'assist', 'update', 'fundReq'],
  /* No case content without the case access grant. */
  admin: ['fundRead', 'project'],
  /* The summary of the cases referred to headquarters, no file. */
  'programme-manager': ['read', 'fundRead', 'project'],
  'medical-officer': ['read', 'health'],
  researcher: [],
};

/*
 * The users for whom the high-risk case does not exist, and what each
 * gets (every answer is also the answer for an object that does not
 * exist; reads.expect / writes.expect below are the exact rules):
 *   caseworker2.bkk, caseworker.bog, manager.bog: 404 everywhere, but 403
 *     on the health list and a health POST (no health access);
 *   granted.bkk: 404 everywhere, health included;
 *   admin (no case access): as a researcher, 403 on every case read and
 *     write, 404 on records by id;
 *   pm: 404 on the summary and timeline, 403 on health, the file, every
 *     record, return, handover, reintegration, visit and fund request it
 *     would write (no case file, no assist);
 *   medical.bkk, medical.bog: 404 on the summary, timeline, health and
 *     records by id; 403 on the file, screening, other record lists,
 *     return, reintegration, visits, the fund and every other write;
 *   researcher: 403 everywhere, but 404 on records by id (GET, PATCH,
 *     discharge, disclosure), as for a record that does not exist.
 * Records, visits and fund requests by id answer as a missing record,
 * visit or request; assigning the case to a project (pm, admin) answers
 * 400 at case_id as for a case that does not exist.
 */
const OTHERS = [
  { name: 'caseworker2.bkk', role: 'caseworker', why: 'a second BKK caseworker, not assigned' },
  { name: 'admin', role: 'admin', why: 'administrator' },
  { name: 'pm', role: 'programme-manager', why: 'the programme manager (HQ)' },
  { name: 'medical.bkk', role: 'medical-officer', why: 'the medical officer of BKK' },
  { name: 'granted.bkk', role: 'caseworker', health: true, why: 'a BKK caseworker granted health access' },
  { name: 'caseworker.bog', role: 'caseworker', why: 'a caseworker of BOG' },
  { name: 'manager.bog', role: 'office-manager', why: 'the office manager of BOG' },
  { name: 'medical.bog', role: 'medical-officer', why: 'the medical officer of BOG' },
  { name: 'researcher', role: 'researcher', why: 'a researcher' },
];

const can = (u, p) => (p === 'health' && u.health) || ROLE_CAN[u.role].includes(p);
const healthOk = (u) => can(u, 'health') && can(u, 'read');
const fundMay = (u) => can(u, 'fundRead') || can(u, 'fundReq');

const SECRET = 'Hidden-Witness-Note-Ratchada-77';
const NAME = { first: 'Xiomara Lucía', second: 'Quintero', phone: '+573109876543' };
const MISSING = 999999;
const KINDS = ['services', 'support-plans', 'shelter-stays', 'health', 'risk', 'le-referrals'];
const REC_OF_PATH = { services: 'service', 'support-plans': 'plan', 'shelter-stays': 'stay', health: 'health',
  risk: 'risk', 'le-referrals': 'le' };

let srv;
const s = {};

/* A read of the server's database (sqlite3 quote mode: blobs as X'..'). */
function sqlText(query) {
  return new Promise((resolve, reject) => {
    execFile('sqlite3', ['-cmd', '.mode quote', srv.db, query], { maxBuffer: 64 << 20 }, (err, out) => {
      if (err) reject(err);
      else resolve(out);
    });
  });
}

async function sqlRows(query) {
  return new Promise((resolve, reject) => {
    execFile('sqlite3', ['-json', srv.db, query], (err, out) => {
      if (err) reject(err);
      else resolve(out.trim() ? JSON.parse(out) : []);
    });
  });
}

const call = (who, method, p, body) => srv.api(method, p, { session: s[who], body });
const get = (who, p) => call(who, 'GET', p);
const post = (who, p, body = {}) => call(who, 'POST', p, body);

function postForm(who, urlPath, fields) {
  const body = new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString();
  return srv.api('POST', urlPath, {
    session: s[who], body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

async function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text}`);
  return res.json;
}

/* Every audit entry of a user, as a map id -> entry. */
async function auditOf(user) {
  const m = new Map();
  for (const e of await auditEntries(srv, s.admin, `user=${encodeURIComponent(user)}`)) m.set(e.id, e);
  return m;
}

/* The entries a user added since `before` (a map from auditOf), oldest
 * first, keeping those about a case and every refusal. */
async function auditAdded(user, before1) {
  const now = await auditOf(user);
  return [...now.values()].filter((e) => !before1.has(e.id))
    .filter((e) => e.case_id != null || e.action.endsWith('.denied'))
    .sort((a, b) => a.id - b.id);
}

/* The users' grant of health access, through the admin's user page. */
async function setHealth(who, on) {
  const r = await postForm('admin', `/admin/users/${s[who].user.id}`, [['action', on ? 'health-grant' : 'health-revoke']]);
  assert.equal(r.status, 303, `health ${on ? 'grant' : 'revoke'} for ${who}: ${r.status} ${r.text}`);
}

/* ------------------------------------------------------------------ */
/* Data set up once                                                    */
/* ------------------------------------------------------------------ */

const H = { rec: {} };	/* the high-risk case and its records */
const N = {};		/* a normal BKK case with a health record */
let org;
let shelter;
let project;
let leg;

before(async () => {
  srv = await startServer({ extraUsers: EXTRA });
  srv.secret(SECRET);
  for (const u of LOGINS) s[u] = await srv.login(u);
  await setHealth('granted.bkk', true);

  org = {
    police: await ok(await post('admin', '/api/v1/organisations',
      { name: 'Crime Suppression Division', type: 'LawEnforcement', country: 'TH' }), 201, 'police'),
    clinic: await ok(await post('admin', '/api/v1/organisations',
      { name: 'Bangrak Clinic', type: 'HealthServiceOrganisation', country: 'TH' }), 201, 'clinic'),
  };
  shelter = await ok(await post('manager.bkk', '/api/v1/shelters', { name: 'Harbour House', city: 'Bangkok', capacity: 8 }),
    201, 'shelter');
  project = await ok(await post('pm', '/api/v1/projects',
    { name: 'Mekong protection', currency: 'USD', budget: '10000', donors: [] }), 201, 'project');

  /* The case that becomes high-risk. */
  const cw = 'caseworker.bkk';
  const c = await createCase(srv, s['manager.bkk'], { assigned_to: s[cw].user.id });
  H.id = c.id;
  H.number = c.case_number;
  const f = realisticFile(await getFile(srv, s[cw], H.id), NAME);
  f.consents.push({ con_ConsentToInterview: 'Yes', con_ConsentToShareWithLawEnforcement: 'Yes' });
  await saveFile(srv, s[cw], H.id, f, 'case file with consent');
  const base = `/api/v1/cases/${H.id}`;
  H.rec.service = await ok(await post(cw, `${base}/services`, { service_type: 'Medical', provider: org.clinic.id,
    start_date: daysAgo(20), status: 'InProgress', cost: '900', currency: 'THB', notes: SECRET }), 201, 'service');
  H.rec.plan = await ok(await post(cw, `${base}/support-plans`,
    { type: 'Health', start_date: daysAgo(15), objectives: SECRET }), 201, 'support plan');
  H.rec.stay = await ok(await post(cw, `${base}/shelter-stays`,
    { shelter: shelter.id, admitted: daysAgo(30), discharged: daysAgo(20), notes: SECRET }), 201, 'shelter stay');
  H.rec.health = await ok(await post('medical.bkk', `${base}/health`,
    { health_kind: 'MedicalScreening', date: daysAgo(2), findings: SECRET }), 201, 'health record');
  H.rec.le = await ok(await post(cw, `${base}/le-referrals`,
    { organisation: org.police.id, date: todayUtc(), shared: ['Statement'], notes: SECRET }), 201, 'law-enforcement referral');
  H.fund = await ok(await post(cw, `${base}/fund-requests`,
    { type: 'protection', amount: '120', currency: 'USD', justification: SECRET }), 201, 'fund request');
  const plan = await ok(await post(cw, `${base}/reintegration`, { plan_type: 'Livelihood', plan_date: todayUtc(),
    objectives: SECRET, packages: [{ type: 'VocationalTraining', amount: '1500', currency: 'THB', status: 'Planned' }] }),
  200, 'reintegration plan');
  assert.equal(plan.visits.length, 4, 'visits scheduled with the plan');
  H.planVersion = plan.plan.version;
  H.visit = plan.visits[0];
  await ok(await post(cw, `${base}/return`, { dest_country: 'CO', dest_office: 'BOG', date: daysAgo(3), notes: SECRET }),
    201, 'return');
  await ok(await post(cw, `${base}/return/stage`, { stage: 'Counselled', date: daysAgo(2) }), 200, 'counselled');
  leg = { from_country: 'TH', from_place: 'Bangkok', to_country: 'CO', to_place: 'Cali',
    departure_date: daysAgo(-9), arrival_date: daysAgo(-10), means_of_transport: 'Air', escort: 'Staff',
    documents_used: ['Own'] };
  await ok(await call(cw, 'PUT', `${base}/return/legs`, { legs: [leg] }), 200, 'legs');
  await ok(await call(cw, 'PATCH', base, { status: 'FollowUp' }), 200, 'status');
  H.rec.risk = await ok(await post(cw, `${base}/risk`,
    { level: 'High', date: todayUtc(), threats: ['ThreatFromTraffickers'], mitigation: SECRET }), 201, 'risk High');
  const hc = await ok(await get(cw, base), 200, 'the case');
  assert.equal(hc.high_risk, true, 'the case is marked high-risk');

  /* A normal BKK case: a health record, reassigned and back. */
  const n = await createCase(srv, s['manager.bkk'], { assigned_to: s[cw].user.id });
  N.id = n.id;
  N.number = n.case_number;
  const nb = `/api/v1/cases/${N.id}`;
  await ok(await call(cw, 'PATCH', nb, { status: 'FollowUp' }), 200, 'N status');
  await ok(await call('manager.bkk', 'PATCH', nb, { assigned_to: s['caseworker2.bkk'].user.id }), 200, 'N reassigned');
  await ok(await call('manager.bkk', 'PATCH', nb, { assigned_to: s[cw].user.id }), 200, 'N reassigned back');
  await ok(await post(cw, `${nb}/services`, { service_type: 'Legal', start_date: daysAgo(4), status: 'Planned' }), 201, 'N service');
  N.health = await ok(await post('medical.bkk', `${nb}/health`,
    { health_kind: 'PsychologicalWellbeing', date: daysAgo(1), findings: SECRET }), 201, 'N health');
  await ok(await post(cw, `${nb}/risk`, { level: 'Low', date: todayUtc() }), 201, 'N risk');
});

after(async () => {
  if (srv) {
    const log = await srv.stop();
    assert.ok(!log.includes(SECRET), 'a note reached the server log');
  }
});

/* ------------------------------------------------------------------ */
/* The operations on the high-risk case                                */
/* ------------------------------------------------------------------ */

/*
 * Each operation: the request on the high-risk case, the same request on
 * an object that does not exist, and for a user u the expected answer:
 * [status, audit action, audit case] (case null: the entry names no
 * case; action null: nothing is audited). A 403 is a role's refusal,
 * decided before the case is looked at, and audited with the case the
 * request names (by its id, its fund request or the body's case_id).
 */
function caseGate(perm, action) {
  return (u) => (can(u, perm) ? [404, action, H.id] : [403, action, H.id]);
}

function reads() {
  const b = `/api/v1/cases/${H.id}`;
  const m = `/api/v1/cases/${MISSING}`;
  const list = [
    { label: 'GET summary', path: b, missing: m, expect: caseGate('read', 'case.view.denied') },
    { label: 'GET case file', path: `${b}/file`, missing: `${m}/file`, expect: caseGate('file', 'case.view.denied') },
    { label: 'GET screening', path: `${b}/screening`, missing: `${m}/screening`, expect: caseGate('file', 'case.view.denied') },
    { label: 'GET timeline', path: `${b}/timeline`, missing: `${m}/timeline`, expect: caseGate('read', 'case.view.denied') },
  ];
  for (const k of KINDS) {
    list.push({
      label: `GET ${k}`, path: `${b}/${k}`, missing: `${m}/${k}`,
      expect: k === 'health'
        ? (u) => [healthOk(u) ? 404 : 403, 'health.view.denied', H.id]
        : caseGate('file', 'case.view.denied'),
    });
  }
  list.push(
    { label: 'GET return', path: `${b}/return`, missing: `${m}/return`, expect: caseGate('file', 'return.view.denied') },
    { label: 'GET reintegration', path: `${b}/reintegration`, missing: `${m}/reintegration`,
      expect: caseGate('file', 'reintegration.view.denied') },
    { label: 'GET visits', path: `${b}/visits`, missing: `${m}/visits`, expect: caseGate('file', 'visit.view.denied') },
    { label: 'GET fund requests of the case', path: `${b}/fund-requests`, missing: `${m}/fund-requests`,
      expect: (u) => {
        if (!fundMay(u)) return [403, 'fund.view.denied', H.id];
        /* Who reads the fund but no case (an admin) is refused the case. */
        return can(u, 'read') ? [404, 'fund.view.denied', H.id] : [403, 'fund.view.denied', H.id];
      } },
  );
  /* One record of each kind, by id: as a record that does not exist. */
  for (const [k, key] of Object.entries(REC_OF_PATH)) {
    list.push({
      label: `GET record (${k})`, path: `/api/v1/records/${H.rec[key].id}`, missing: `/api/v1/records/${MISSING}`,
      expect: (u) => [404, k === 'health' ? 'health.view.denied' : 'case.view.denied', H.id],
    });
  }
  list.push({ label: 'GET fund request', path: `/api/v1/fund-requests/${H.fund.id}`,
    missing: `/api/v1/fund-requests/${MISSING}`,
    expect: (u) => (fundMay(u) ? [404, 'fund.view.denied', H.id] : [403, 'fund.view.denied', H.id]) });
  return list.map((x) => ({ method: 'GET', ...x }));
}

function sampleRecord(kind) {
  switch (kind) {
    case 'services': return { service_type: 'Counselling', start_date: daysAgo(1), status: 'Planned', notes: 'x' };
    case 'support-plans': return { type: 'Livelihood', start_date: daysAgo(1) };
    case 'shelter-stays': return { shelter: shelter.id, admitted: daysAgo(12), discharged: daysAgo(11) };
    case 'health': return { health_kind: 'MedicalScreening', date: daysAgo(1) };
    /* A Low assessment would lift the high-risk mark. */
    case 'risk': return { level: 'Low', date: todayUtc() };
    case 'le-referrals': return { organisation: org.police.id, date: todayUtc(), shared: ['Identity'] };
    default: throw new Error(kind);
  }
}

function writes(file) {
  const b = `/api/v1/cases/${H.id}`;
  const m = `/api/v1/cases/${MISSING}`;
  const list = [];
  for (const k of KINDS) {
    list.push({
      label: `POST ${k}`, method: 'POST', path: `${b}/${k}`, missing: `${m}/${k}`, body: sampleRecord(k),
      expect: k === 'health'
        ? (u) => [healthOk(u) ? 404 : 403, 'health.update.denied', H.id]
        : caseGate('assist', 'case.update.denied'),
    });
  }
  /* Changes of records by id: as a record that does not exist. The
   * refusal of a role is audited as a refused read of the record. */
  const recWrite = (label, method, suffix, key, body, health = false) => ({
    label, method, path: `/api/v1/records/${H.rec[key].id}${suffix}`, missing: `/api/v1/records/${MISSING}${suffix}`,
    body,
    expect: health
      ? (u) => [404, healthOk(u) ? 'health.update.denied' : 'health.view.denied', H.id]
      : (u) => [404, can(u, 'assist') ? 'case.update.denied' : 'case.view.denied', H.id],
  });
  list.push(
    recWrite('PATCH service', 'PATCH', '', 'service', { status: 'Delivered', version: H.rec.service.version }),
    recWrite('PATCH support plan', 'PATCH', '', 'plan', { objectives: 'changed', version: H.rec.plan.version }),
    recWrite('PATCH shelter stay', 'PATCH', '', 'stay', { notes: 'changed', version: H.rec.stay.version }),
    recWrite('PATCH health record', 'PATCH', '', 'health', { findings: 'changed', version: H.rec.health.version }, true),
    recWrite('PATCH risk assessment', 'PATCH', '', 'risk', { level: 'Low', version: H.rec.risk.version }),
    recWrite('PATCH law-enforcement referral', 'PATCH', '', 'le',
      { proceedings_status: 'UnderInvestigation', version: H.rec.le.version }),
    recWrite('POST discharge', 'POST', '/discharge', 'stay', { date: daysAgo(1), version: H.rec.stay.version }),
    recWrite('POST disclosure', 'POST', '/disclosures', 'le', { shared: ['Contact'], version: H.rec.le.version }),
    { label: 'PATCH case status', method: 'PATCH', path: b, missing: m, body: { status: 'Closed' },
      expect: caseGate('update', 'case.update.denied') },
    { label: 'PATCH case assignee', method: 'PATCH', path: b, missing: m, body: { assigned_to: null },
      expect: caseGate('update', 'case.update.denied') },
    { label: 'PUT case file', method: 'PUT', path: `${b}/file`, missing: `${m}/file`, body: file,
      expect: caseGate('update', 'case.update.denied') },
    { label: 'POST return', method: 'POST', path: `${b}/return`, missing: `${m}/return`,
      body: { dest_country: 'CO', dest_office: 'BOG' }, expect: caseGate('assist', 'return.update.denied') },
    { label: 'POST return stage', method: 'POST', path: `${b}/return/stage`, missing: `${m}/return/stage`,
      body: { stage: 'Cancelled', reason: 'x' }, expect: caseGate('assist', 'return.update.denied') },
    { label: 'PUT return legs', method: 'PUT', path: `${b}/return/legs`, missing: `${m}/return/legs`,
      body: { legs: [] }, expect: caseGate('assist', 'return.update.denied') },
    { label: 'POST transfer', method: 'POST', path: `${b}/transfers`, missing: `${m}/transfers`,
      body: { to_office: 'BOG', confirm: true }, expect: caseGate('assist', 'transfer.request.denied') },
    { label: 'POST reintegration plan', method: 'POST', path: `${b}/reintegration`, missing: `${m}/reintegration`,
      body: { outcome: 'Reintegrated', version: H.planVersion }, expect: caseGate('assist', 'reintegration.update.denied') },
    { label: 'POST visit', method: 'POST', path: `/api/v1/visits/${H.visit.id}`, missing: `/api/v1/visits/${MISSING}`,
      body: { status: 'Missed' }, expect: (u) => (can(u, 'assist') ? [404, 'visit.denied', H.id] : [403, 'visit.denied', H.id]) },
    { label: 'POST fund request', method: 'POST', path: `${b}/fund-requests`, missing: `${m}/fund-requests`,
      body: { type: 'medical', amount: '80', currency: 'USD', justification: 'x' },
      expect: caseGate('fundReq', 'fund.request.denied') },
  );
  const fundWrite = (label, suffix, body) => ({
    label, method: 'POST', path: `/api/v1/fund-requests/${H.fund.id}${suffix}`,
    missing: `/api/v1/fund-requests/${MISSING}${suffix}`, body,
    expect: (u) => (fundMay(u) ? [404, 'fund.view.denied', H.id] : [403, 'fund.change.denied', H.id]),
  });
  list.push(
    fundWrite('POST fund decision', '/decision', { decision: 'reject', reason: 'no' }),
    fundWrite('POST fund resubmit', '/resubmit', { amount: '10' }),
    fundWrite('POST fund disbursement', '/disbursements', { amount: '1' }),
    { label: 'POST project case', method: 'POST', path: `/api/v1/projects/${project.id}/cases`,
      missing: `/api/v1/projects/${project.id}/cases`, body: { case_id: H.id }, missingBody: { case_id: MISSING },
      expect: (u) => (can(u, 'project') ? [400, 'project.assign.denied', H.id] : [403, 'project.assign.denied', H.id]) },
  );
  return list;
}

/* Everything the assignee reads of the case, and its rows in the
 * database: what a refused write must leave as it was. */
async function snapshot() {
  const cw = 'caseworker.bkk';
  const b = `/api/v1/cases/${H.id}`;
  const out = {};
  for (const p of ['', '/file', '/screening', '/timeline', '/services', '/support-plans', '/shelter-stays', '/risk',
    '/le-referrals', '/return', '/reintegration', '/visits', '/fund-requests']) {
    const r = await get(cw, b + p);
    assert.equal(r.status, 200, `assignee GET ${p}: ${r.status} ${r.text}`);
    out[`api${p}`] = r.json;
    /* The age of a request grows by itself. */
    for (const q of r.json.requests ?? []) delete q.age_seconds;
  }
  for (const [key, rec] of Object.entries(H.rec)) {
    if (key === 'health') continue;
    out[`record ${key}`] = (await ok(await get(cw, `/api/v1/records/${rec.id}`), 200, `record ${key}`));
  }
  out.fund = await ok(await get(cw, `/api/v1/fund-requests/${H.fund.id}`), 200, 'fund request');
  delete out.fund.age_seconds;
  out.project = (await ok(await get('pm', `/api/v1/projects/${project.id}`), 200, 'project')).cases;
  const id = Number(H.id);
  out.db = {};
  for (const [t, where] of [['cases', `id = ${id}`], ['case_names', `case_id = ${id}`],
    ['case_perpetrators', `case_id = ${id}`], ['case_offices', `case_id = ${id}`],
    ['case_records', `case_id = ${id}`], ['case_events', `case_id = ${id}`], ['case_transfers', `case_id = ${id}`],
    ['case_returns', `case_id = ${id}`], ['reintegration_plans', `case_id = ${id}`],
    ['monitoring_visits', `case_id = ${id}`], ['project_cases', `case_id = ${id}`],
    ['fund_requests', `case_id = ${id}`],
    ['fund_decisions', `request_id IN (SELECT id FROM fund_requests WHERE case_id = ${id})`],
    ['fund_disbursements', `request_id IN (SELECT id FROM fund_requests WHERE case_id = ${id})`]]) {
    out.db[t] = await sqlText(`SELECT * FROM ${t} WHERE ${where} ORDER BY rowid`).catch(
      async () => sqlText(`SELECT * FROM ${t} WHERE ${where}`));
  }
  out.healthCount = (await sqlRows(`SELECT count(*) AS n FROM case_records WHERE case_id = ${id} AND kind = 'health'`))[0].n;
  return out;
}

/*
 * Runs the operations for user u: first on the missing objects, then on
 * the high-risk case; asserts each answer (status, byte-identical body)
 * and the audit entries added, one per operation, in order.
 */
async function runMatrix(u, ops) {
  const missing = [];
  for (const op of ops) {
    missing.push(await call(u.name, op.method, op.missing, op.missingBody ?? op.body));
  }
  const before1 = await auditOf(u.name);
  const expected = [];
  const problems = [];
  for (const [i, op] of ops.entries()) {
    const [status, action, caseId] = op.expect(u);
    const r = await call(u.name, op.method, op.path, op.body);
    const m = missing[i];
    if (r.status !== status) {
      problems.push(`${op.label} ${op.method} ${op.path}: status ${r.status} (expected ${status}) ${r.text}`);
    }
    if (m.status !== status) {
      problems.push(`${op.label} on a missing object ${op.method} ${op.missing}: status ${m.status} (expected ${status})`);
    }
    if (r.text !== m.text || r.status !== m.status) {
      problems.push(`${op.label} ${op.method} ${op.path}: answer differs from the missing object's: `
        + `${r.status} ${r.text} vs ${m.status} ${m.text}`);
    }
    if (r.text.includes(SECRET) || r.text.includes(H.number) || r.text.includes('Xiomara')) {
      problems.push(`${op.label}: the answer shows the case's content`);
    }
    assert.match(String(r.headers['content-type']), /^application\/json/, `${op.label}: content type`);
    assert.equal(typeof r.json?.error, 'string', `${op.label}: an error message`);
    if (action) expected.push({ label: op.label, action, caseId });
  }
  const added = await auditAdded(u.name, before1);
  const got = added.map((e) => `${e.action}@${e.case_id}`);
  const want = expected.map((x) => `${x.action}@${x.caseId}`);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    problems.push(`audit of ${u.name}: got [${got.join(', ')}], expected [${want.join(', ')}] `
      + `for [${expected.map((x) => x.label).join(', ')}]`);
  }
  return { count: ops.length, audited: added.length, problems };
}

function assertNoProblems(u, problems) {
  assert.deepEqual(problems, [], `${u.name} (${u.why}):\n  ${problems.join('\n  ')}`);
}

describe('a high-risk case', () => {
  let snap0;
  let fileForPut;

  before(async () => {
    fileForPut = await getFile(srv, s['caseworker.bkk'], H.id);
    fileForPut.comments.push({ com_CaseComment: 'An outsider writes here.' });
    snap0 = await snapshot();
  });

  it('is read in full by its assignee and the office manager', async () => {
    for (const who of ['caseworker.bkk', 'manager.bkk']) {
      for (const op of reads()) {
        const r = await get(who, op.path);
        /* Health is for medical officers and granted users only: the
         * role's 403 on the list, and the record does not exist. */
        const want = op.label === 'GET health' ? 403 : op.label === 'GET record (health)' ? 404 : 200;
        assert.equal(r.status, want, `${who} ${op.label}: ${r.status} ${r.text}`);
      }
      assert.ok((await listCaseIds(srv, s[who])).includes(H.id), `${who} lists the case`);
      const fr = (await ok(await get(who, '/api/v1/fund-requests'), 200, 'fund list')).requests;
      assert.ok(fr.some((q) => q.id === H.fund.id), `${who} lists the fund request`);
    }
  });

  for (const u of OTHERS) {
    it(`does not exist for ${u.name} (${u.why}): every read`, async () => {
      const ops = reads();
      const r = await runMatrix(u, ops);
      assert.equal(r.count, 21);
      assertNoProblems(u, r.problems);
    });
  }

  for (const u of OTHERS) {
    it(`does not exist for ${u.name} (${u.why}): every write is refused and changes nothing`, async () => {
      const ops = writes(fileForPut);
      const r = await runMatrix(u, ops);
      assert.equal(r.count, 28);
      /* Checked first: a wrong answer must not hide a change. */
      assert.deepEqual(await snapshot(), snap0, `a refused write by ${u.name} changed the case`);
      assertNoProblems(u, r.problems);
    });
  }

  it('its pages answer every other user as for a case that does not exist', async () => {
    const pages = ['', '/file', '/protection', '/health', '/return', '/reintegration', '/fund'];
    const problems = [];
    for (const u of OTHERS) {
      for (const p of pages) {
        const r = await get(u.name, `/cases/${H.id}${p}`);
        const m = await get(u.name, `/cases/${MISSING}${p}`);
        /* The page's language form sends the reader back to the address
         * asked for: the only place where the two may differ. */
        const mText = m.text.replaceAll(`name="next" value="/cases/${MISSING}${p}"`, `name="next" value="/cases/${H.id}${p}"`);
        if (![403, 404].includes(r.status) || r.status !== m.status || r.text !== mText) {
          problems.push(`${u.name} GET /cases/${H.id}${p}: ${r.status}, missing case ${m.status}`
            + `${r.text === mText ? '' : ' (bodies differ)'}`);
        }
        if (r.text.includes(H.number) || r.text.includes(SECRET)) problems.push(`${u.name} GET ${p} shows the case`);
      }
    }
    assert.deepEqual(problems, []);
    for (const who of ['caseworker.bkk', 'manager.bkk']) {
      for (const p of ['', '/file', '/protection', '/return', '/reintegration', '/fund']) {
        assert.equal((await get(who, `/cases/${H.id}${p}`)).status, 200, `${who} page ${p}`);
      }
    }
    assert.deepEqual(await snapshot(), snap0, 'reading pages changed the case');
  });

  it('is in no list, search, queue or dashboard of the other users', async () => {
    const problems = [];
    for (const u of OTHERS) {
      const who = u.name;
      if (can(u, 'read')) {
        if ((await listCaseIds(srv, s[who])).includes(H.id)) problems.push(`${who} lists the case`);
        const q = await get(who, `/api/v1/cases?q=${encodeURIComponent(H.number)}`);
        assert.equal(q.status, 200, q.text);
        if (q.json.total !== 0 || q.text.includes(H.number)) problems.push(`${who} finds it by number: ${q.text}`);
        const sr = await post(who, '/api/v1/cases/search', { q: `${NAME.second} ${NAME.first}` });
        assert.equal(sr.status, 200, sr.text);
        if (sr.json.cases.some((c) => c.id === H.id)) problems.push(`${who} finds it by name`);
      } else {
        assert.equal((await get(who, '/api/v1/cases')).status, 403, `${who} lists cases`);
      }
      if (fundMay(u)) {
        const fr = await get(who, '/api/v1/fund-requests');
        assert.equal(fr.status, 200, fr.text);
        if (fr.json.requests.some((x) => x.id === H.fund.id || x.case_id === H.id)) problems.push(`${who} sees the fund request`);
        const st = await get(who, '/api/v1/fund-requests?state=submitted');
        if (st.json.requests.some((x) => x.id === H.fund.id)) problems.push(`${who} sees it in the submitted queue`);
      }
      if (can(u, 'assist')) {
        const due = await get(who, '/api/v1/visits/due?days=366');
        assert.equal(due.status, 200, due.text);
        if (due.text.includes(H.number) || due.json.visits.some((v) => v.case_id === H.id)) problems.push(`${who} sees its visits due`);
        const tr = await get(who, '/api/v1/transfers');
        if (tr.text.includes(H.number)) problems.push(`${who} sees its handovers`);
      }
      for (const page of ['/dashboard', '/cases', '/visits', '/fund', '/transfers']) {
        const r = await get(who, page);
        if (r.text.includes(H.number) || r.text.includes(SECRET)) problems.push(`${who} ${page} shows the case`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('keeps its fund request out of headquarters: neither the programme manager nor an admin sees or decides it', async () => {
    /* The current rule (ef00aa4, highrisk_fund.test.mjs): a high-risk
     * case's requests leave headquarters' queue until the risk is
     * lowered; 1580f1a's exception for the programme manager is gone. */
    for (const who of ['pm', 'admin']) {
      const q = await ok(await get(who, '/api/v1/fund-requests'), 200, `${who} queue`);
      assert.ok(!q.requests.some((x) => x.id === H.fund.id), `${who} has the request in the queue`);
      const g = await get(who, `/api/v1/fund-requests/${H.fund.id}`);
      const m = await get(who, `/api/v1/fund-requests/${MISSING}`);
      assert.equal(g.status, 404, g.text);
      assert.equal(g.text, m.text);
      const page = await get(who, `/fund/requests/${H.fund.id}`);
      assert.equal(page.status, (await get(who, `/fund/requests/${MISSING}`)).status);
      assert.ok(!page.text.includes(SECRET));
    }
    const d = await post('pm', `/api/v1/fund-requests/${H.fund.id}/decision`,
      { decision: 'approve', project_id: project.id });
    assert.equal(d.status, 404, d.text);
    assert.equal((await ok(await get('caseworker.bkk', `/api/v1/fund-requests/${H.fund.id}`), 200, 'fund')).state, 'submitted');
    assert.deepEqual(await snapshot(), snap0);
  });

  it('still takes every change from its assignee and the office manager', async () => {
    const cw = 'caseworker.bkk';
    const mgr = 'manager.bkk';
    const b = `/api/v1/cases/${H.id}`;
    await ok(await post(cw, `${b}/services`, sampleRecord('services')), 201, 'service');
    await ok(await post(mgr, `${b}/support-plans`, sampleRecord('support-plans')), 201, 'plan');
    const stay = await ok(await post(cw, `${b}/shelter-stays`, { shelter: shelter.id, admitted: daysAgo(5) }), 201, 'stay');
    await ok(await post(mgr, `/api/v1/records/${stay.id}/discharge`, { date: daysAgo(1), version: stay.version }), 200,
      'discharge');
    await ok(await post(mgr, `${b}/risk`, { level: 'High', date: todayUtc(), threats: ['ReTrafficking'] }), 201, 'risk');
    const le = await ok(await post(cw, `${b}/le-referrals`, sampleRecord('le-referrals')), 201, 'referral');
    await ok(await post(cw, `/api/v1/records/${le.id}/disclosures`, { shared: ['Contact'], version: le.version }), 201,
      'disclosure');
    await ok(await call(cw, 'PATCH', `/api/v1/records/${H.rec.service.id}`,
      { status: 'Delivered', version: H.rec.service.version }), 200, 'service change');
    await ok(await call(mgr, 'PATCH', `/api/v1/records/${H.rec.plan.id}`,
      { objectives: 'Open a stall', version: H.rec.plan.version }), 200, 'plan change');
    assert.equal((await call(cw, 'PATCH', `/api/v1/records/${H.rec.risk.id}`,
      { level: 'Low', version: H.rec.risk.version })).status, 405, 'an assessment is never changed');
    await ok(await call(cw, 'PATCH', b, { status: 'Active' }), 200, 'status');
    const f = await getFile(srv, s[mgr], H.id);
    f.comments.push({ com_CaseComment: 'Reviewed by the manager.' });
    await saveFile(srv, s[mgr], H.id, f, 'manager saves the file');
    assert.equal((await post(cw, `${b}/return`, { dest_country: 'CO', dest_office: 'BOG' })).status, 409,
      'a second return under way');
    await ok(await call(cw, 'PUT', `${b}/return/legs`, { legs: [{ ...leg, to_country: 'PA', to_place: 'Panama' },
      { ...leg, from_country: 'PA', from_place: 'Panama', departure_date: leg.arrival_date }] }), 200, 'legs');
    await ok(await post(cw, `${b}/return/stage`, { stage: 'Planned', date: todayUtc() }), 200, 'planned');
    const t = await ok(await post(cw, `${b}/transfers`, { to_office: 'BOG' }), 201, 'transfer');
    await ok(await post(mgr, `/api/v1/transfers/${t.id}/cancel`), 200, 'transfer withdrawn');
    await ok(await post(mgr, `${b}/reintegration`, { objectives: 'Open a stall', version: H.planVersion }), 200,
      'reintegration');
    await ok(await post(cw, `/api/v1/visits/${H.visit.id}`, { status: 'Done', date: todayUtc() }), 200, 'visit');
    await ok(await post(mgr, `${b}/fund-requests`, { type: 'return', amount: '300', currency: 'USD', justification: 'Ticket' }),
      201, 'fund request');
    const c = await ok(await get(cw, b), 200, 'case');
    assert.equal(c.high_risk, true, 'still high-risk');
    for (const who of ['caseworker2.bkk', 'pm']) {
      assert.equal((await get(who, b)).status, 404, `${who} after the changes`);
    }
    /* No case content for the admin, high-risk or not. */
    assert.equal((await get('admin', b)).status, 403, 'admin after the changes');
  });
});

/* ------------------------------------------------------------------ */
/* Health: the medical officer's office, the grant                     */
/* ------------------------------------------------------------------ */

describe('health records of a normal case', () => {
  const healthViews = async () => (await auditEntries(srv, s.admin, `case=${N.id}&action=health.view`))
    .filter((e) => e.action === 'health.view');

  it('do not exist for the medical officer of another office, who cannot add one', async () => {
    const nb = `/api/v1/cases/${N.id}`;
    const mb = `/api/v1/cases/${MISSING}`;
    const pairs = [
      ['GET', nb, mb, undefined, 'case.view.denied'],
      ['GET', `${nb}/health`, `${mb}/health`, undefined, 'health.view.denied'],
      ['GET', `/api/v1/records/${N.health.id}`, `/api/v1/records/${MISSING}`, undefined, 'health.view.denied'],
      ['GET', `${nb}/timeline`, `${mb}/timeline`, undefined, 'case.view.denied'],
      ['POST', `${nb}/health`, `${mb}/health`, { health_kind: 'MedicalScreening', date: daysAgo(1), findings: 'x' },
        'health.update.denied'],
      ['PATCH', `/api/v1/records/${N.health.id}`, `/api/v1/records/${MISSING}`,
        { findings: 'x', version: N.health.version }, 'health.update.denied'],
    ];
    const missing = [];
    for (const [method, , m, body] of pairs) missing.push(await call('medical.bog', method, m, body));
    const count0 = (await ok(await get('medical.bkk', `${nb}/health`), 200, 'medical.bkk health')).records;
    const before1 = await auditOf('medical.bog');
    const problems = [];
    for (const [i, [method, p, , body]] of pairs.entries()) {
      const r = await call('medical.bog', method, p, body);
      if (r.status !== 404 || r.text !== missing[i].text || missing[i].status !== 404) {
        problems.push(`medical.bog ${method} ${p}: ${r.status} ${r.text}; missing object: ${missing[i].status} ${missing[i].text}`);
      }
      if (r.text.includes(SECRET) || r.text.includes(N.number)) problems.push(`${method} ${p} shows the case`);
    }
    const added = await auditAdded('medical.bog', before1);
    const want = pairs.map((x) => x[4]);
    if (JSON.stringify(added.map((e) => e.action)) !== JSON.stringify(want)
      || !added.every((e) => e.case_id === N.id)) {
      problems.push(`audit: ${added.map((e) => `${e.action}@${e.case_id}`).join(', ')}; expected ${want.join(', ')} on ${N.id}`);
    }
    const after1 = (await ok(await get('medical.bkk', `${nb}/health`), 200, 'medical.bkk health')).records;
    assert.deepEqual(after1, count0, 'medical.bog changed the health records');
    assert.equal(after1.length, 1);
    assert.equal((await sqlRows(`SELECT count(*) AS n FROM case_records WHERE case_id = ${N.id} AND kind = 'health'`))[0].n, 1);
    assert.ok(!(await listCaseIds(srv, s['medical.bog'])).includes(N.id), 'medical.bog lists the case');
    assert.equal((await get('medical.bog', `/cases/${N.id}/health`)).status, 404, 'health page');
    assert.deepEqual(problems, []);
  });

  it('are read by the medical officer of the office, who never gets the case file; each read audited once', async () => {
    const nb = `/api/v1/cases/${N.id}`;
    const n0 = (await healthViews()).length;
    const l = await ok(await get('medical.bkk', `${nb}/health`), 200, 'health list');
    assert.equal(l.records.length, 1);
    assert.equal(l.records[0].findings, SECRET);
    const one = await ok(await get('medical.bkk', `/api/v1/records/${N.health.id}`), 200, 'health record');
    assert.equal(one.health_kind, 'PsychologicalWellbeing');
    assert.equal((await healthViews()).length, n0 + 2, 'two health reads, two health.view entries');
    const before1 = await auditOf('medical.bkk');
    for (const p of ['/file', '/screening']) {
      const r = await get('medical.bkk', `${nb}${p}`);
      assert.equal(r.status, 403, `medical.bkk GET ${p}: ${r.text}`);
      assert.ok(!r.text.includes('Xiomara') && !r.text.includes(SECRET));
    }
    const put = await call('medical.bkk', 'PUT', `${nb}/file`, { version: 1 });
    assert.equal(put.status, 403, put.text);
    /* Refused as the API refuses it: the summary is no secret to them. */
    assert.equal((await get('medical.bkk', `/cases/${N.id}/file`)).status, 403, 'the file page');
    const added = (await auditAdded('medical.bkk', before1)).filter((e) => e.action.endsWith('.denied'));
    assert.deepEqual(added.map((e) => `${e.action}@${e.case_id}`),
      [`case.view.denied@${N.id}`, `case.view.denied@${N.id}`, `case.update.denied@${N.id}`, `case.view.denied@${N.id}`]);
    assert.equal((await healthViews()).length, n0 + 2, 'no health read in the refusals');
    assert.equal((await get('medical.bkk', nb)).status, 200, 'the summary is open to the medical officer');
  });

  it('are read by a user granted health access, and refused after the revocation', async () => {
    const nb = `/api/v1/cases/${N.id}`;
    const denied = async () => (await auditEntries(srv, s.admin, `case=${N.id}&action=health.view.denied&user=lent.bkk`)).length;
    const d0 = await denied();
    const r0 = await get('lent.bkk', `${nb}/health`);
    assert.equal(r0.status, 403, r0.text);
    assert.equal(r0.json.records, undefined);
    assert.equal(await denied(), d0 + 1);
    await setHealth('lent.bkk', true);
    const n0 = (await healthViews()).length;
    const l = await ok(await get('lent.bkk', `${nb}/health`), 200, 'granted list');
    assert.deepEqual(l.records.map((x) => x.id), [N.health.id]);
    await ok(await get('lent.bkk', `/api/v1/records/${N.health.id}`), 200, 'granted record');
    assert.equal((await get('lent.bkk', `/cases/${N.id}/health`)).status, 200, 'granted page');
    const v = await healthViews();
    assert.equal(v.length, n0 + 3, 'three health reads, three health.view entries');
    assert.ok(v.slice(0, 3).every((e) => e.user === 'lent.bkk'));
    await setHealth('lent.bkk', false);
    const r1 = await get('lent.bkk', `${nb}/health`);
    assert.equal(r1.status, 403, r1.text);
    assert.ok(!r1.text.includes(SECRET));
    const r2 = await get('lent.bkk', `/api/v1/records/${N.health.id}`);
    assert.equal(r2.status, 404, r2.text);
    assert.equal(r2.text, (await get('lent.bkk', `/api/v1/records/${MISSING}`)).text);
    assert.equal((await get('lent.bkk', `/cases/${N.id}/health`)).status, 403, 'page after the revocation');
    assert.equal((await healthViews()).length, n0 + 3, 'no health read after the revocation');
    /* The list, the record and the page: three refusals more. */
    assert.equal(await denied(), d0 + 4, 'the refusals after the revocation are audited');
  });
});

/* ------------------------------------------------------------------ */
/* The timeline                                                        */
/* ------------------------------------------------------------------ */

describe('the timeline of a normal case', () => {
  let all;
  /* src/timeline.c shown(): without the case file, only these and the
   * restricted (health) steps. */
  const SUMMARY_KINDS = ['case.created', 'case.status', 'case.assigned'];

  before(async () => {
    /* In the order they happened, as db_event_list() reads them. */
    all = await sqlRows(`SELECT id, kind, restricted FROM case_events WHERE case_id = ${N.id} `
      + "ORDER BY coalesce(on_date, date(at, 'unixepoch')), at, id");
    assert.ok(all.some((e) => e.kind === 'health.recorded' && e.restricted === 1), 'a restricted health step');
    for (const k of [...SUMMARY_KINDS, 'service.added', 'risk.assessed']) {
      assert.ok(all.some((e) => e.kind === k), `the case has a ${k} step`);
    }
  });

  const steps = async (who) => (await ok(await get(who, `/api/v1/cases/${N.id}/timeline`), 200, `${who} timeline`)).steps;

  it('has no health step for the caseworker', async () => {
    const t = await steps('caseworker.bkk');
    assert.deepEqual(t.map((x) => x.id), all.filter((e) => !e.restricted).map((e) => e.id));
    assert.ok(!t.some((x) => x.kind.startsWith('health.')));
    const page = await get('caseworker.bkk', `/cases/${N.id}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /Health record added/);
    assert.match(page.text, /Service recorded/);
  });

  it('shows the medical officer the health steps and the registration, status and assignment only', async () => {
    const t = await steps('medical.bkk');
    assert.deepEqual(t.map((x) => x.id),
      all.filter((e) => e.restricted || SUMMARY_KINDS.includes(e.kind)).map((e) => e.id));
    assert.deepEqual([...new Set(t.map((x) => x.kind))].sort(),
      ['case.assigned', 'case.created', 'case.status', 'health.recorded']);
    const h = t.find((x) => x.kind === 'health.recorded');
    assert.deepEqual(h.detail, { health_kind: 'PsychologicalWellbeing' });
    const page = await get('medical.bkk', `/cases/${N.id}`);
    assert.match(page.text, /Health record added/);
    assert.doesNotMatch(page.text, /Service recorded|Security risk assessed/);
  });

  it('includes the health step for a user granted health access', async () => {
    const t = await steps('granted.bkk');
    assert.deepEqual(t.map((x) => x.id), all.map((e) => e.id));
    assert.ok(t.some((x) => x.kind === 'health.recorded'));
    assert.ok(!JSON.stringify(t).includes(SECRET), 'a note on the timeline');
  });
});
