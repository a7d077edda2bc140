/*
 * record_matrix.test.mjs - who may do what with protection and
 * assistance: organisations, shelters and every kind of case record
 * (services, support plans, shelter stays, health, security risk,
 * law-enforcement referrals), discharges and later disclosures, as one
 * table of exact statuses, one named test per cell. Every refused write
 * leaves the records as they were (read back by someone allowed), and a
 * refused disclosure is not audited as one. Then: support plans refuse
 * bad input field by field and save nothing; the edges of the
 * reintegration monitoring visits (due today, overdue, done and missed,
 * a change of the schedule setting, a plan made before the arrival).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, assertApiError, assertFieldError, createCase, getFile, saveFile, auditEntries, todayUtc,
} from './lib.mjs';
import { addMonths, day, daysAgo } from '../common.mjs';

const EXTRA = [
  { username: 'caseworker2.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker2-BKK-a81f3c' },
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-2b7d94e0' },
  /* A caseworker an admin granted health access (in setup, below). */
  { username: 'granted.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Granted-BKK-c03e5a19' },
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-5e90d1b2' },
  { username: 'medical.bog', role: 'medical-officer', office: 'BOG', password: 'pw-Medical-BOG-77a4c6f1' },
  /* An admin granted case access (in setup); 'admin' has none. */
  { username: 'dpo', role: 'admin', office: 'HQ', password: 'pw-Dpo-HQ-rm4a90c7e1' },
];

/* The matrix's users, in the order of the table's columns. */
const WHO = ['admin', 'dpo', 'caseworker.bkk', 'caseworker2.bkk', 'manager.bkk', 'medical.bkk', 'granted.bkk',
  'caseworker.bog', 'manager.bog', 'medical.bog', 'pm', 'researcher'];
const OFFICE_OF = {
  admin: 'HQ', dpo: 'HQ', 'caseworker.bkk': 'BKK', 'caseworker2.bkk': 'BKK', 'manager.bkk': 'BKK', 'medical.bkk': 'BKK',
  'granted.bkk': 'BKK', 'caseworker.bog': 'BOG', 'manager.bog': 'BOG', 'medical.bog': 'BOG', pm: 'HQ',
  researcher: 'HQ',
};

/*
 * The expected status of every cell. Target: a case of BKK assigned to
 * caseworker.bkk (consent to share with law enforcement recorded), its
 * records, a BKK shelter and an organisation; "HR" rows: a BKK case of
 * caseworker.bkk whose latest risk assessment is High.
 *
 * Derived from docs/api.md and src/role.c: organisations are read by
 * anyone who reads cases (PERM_CASE_READ), kept by admins and office
 * managers (PERM_REGISTRY); shelters are seen by office (headquarters
 * roles all) and kept by admins (any office) and office managers (their
 * own); case records are read by the roles that read case files
 * (PERM_CASEFILE_READ) and written by caseworkers, office managers and
 * admins granted case access (PERM_ASSIST); an admin without it has no
 * case content (as a researcher), a programme manager no record; health
 * only by medical officers and users with a grant. A role without the permission gets 403 on the case's paths;
 * a case outside the caller's scope (another office, or high-risk) 404.
 * Records, shelters and organisations named by id answer 404 to anyone
 * who may not see them (as the code and protection.test.mjs have it).
 */
const MATRIX = [
  /* operation                         admin dpo  cw  cw2  mgr  med grant cwBOG mgBOG mdBOG  pm  res */
  ['organisations GET list',           200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403],
  ['organisations GET one',            200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403],
  ['organisations POST',               201, 201, 403, 403, 201, 403, 403, 403, 201, 403, 403, 403],
  ['organisations PATCH',              200, 200, 403, 403, 200, 403, 403, 403, 200, 403, 403, 403],
  ['shelters GET list',                200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403],
  ['shelters GET one',                 200, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 404],
  ['shelters POST for BKK',            201, 201, 403, 403, 201, 403, 403, 403, 400, 403, 403, 403],
  ['shelters POST own office',         201, 201, 403, 403, 201, 403, 403, 403, 201, 403, 403, 403],
  ['shelters PATCH',                   200, 200, 403, 403, 200, 403, 403, 404, 404, 404, 403, 404],
  ['services POST',                    403, 201, 201, 201, 201, 403, 201, 404, 404, 403, 403, 403],
  ['services GET list',                403, 200, 200, 200, 200, 403, 200, 404, 404, 403, 403, 403],
  ['services GET one',                 404, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  ['services PATCH',                   404, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  ['support-plans POST',               403, 201, 201, 201, 201, 403, 201, 404, 404, 403, 403, 403],
  ['support-plans GET list',           403, 200, 200, 200, 200, 403, 200, 404, 404, 403, 403, 403],
  ['support-plans GET one',            404, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  ['support-plans PATCH',              404, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  ['shelter-stays POST',               403, 201, 201, 201, 201, 403, 201, 404, 404, 403, 403, 403],
  ['shelter-stays GET list',           403, 200, 200, 200, 200, 403, 200, 404, 404, 403, 403, 403],
  ['shelter-stays GET one',            404, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  ['shelter-stays PATCH',              404, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  ['shelter-stays discharge',          404, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  ['health POST',                      403, 403, 403, 403, 403, 201, 201, 403, 403, 404, 403, 403],
  ['health GET list',                  403, 403, 403, 403, 403, 200, 200, 403, 403, 404, 403, 403],
  ['health GET one',                   404, 404, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404],
  ['health PATCH',                     404, 404, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404],
  ['risk POST',                        403, 201, 201, 201, 201, 403, 201, 404, 404, 403, 403, 403],
  ['risk GET list',                    403, 200, 200, 200, 200, 403, 200, 404, 404, 403, 403, 403],
  ['risk GET one',                     404, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  ['risk PATCH',                       404, 405, 405, 405, 405, 404, 405, 404, 404, 404, 404, 404],
  ['le-referrals POST',                403, 201, 201, 201, 201, 403, 201, 404, 404, 403, 403, 403],
  ['le-referrals GET list',            403, 200, 200, 200, 200, 403, 200, 404, 404, 403, 403, 403],
  ['le-referrals GET one',             404, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  ['le-referrals PATCH',               404, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  ['le-referrals disclosure POST',     404, 201, 201, 201, 201, 404, 201, 404, 404, 404, 404, 404],
  ['HR services POST',                 403, 404, 201, 404, 201, 403, 404, 404, 404, 403, 403, 403],
  ['HR services GET list',             403, 404, 200, 404, 200, 403, 404, 404, 404, 403, 403, 403],
  ['HR services GET one',              404, 404, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404],
  ['HR health GET list',               403, 403, 403, 403, 403, 404, 404, 403, 403, 404, 403, 403],
];

const MISSING = 999999;
let srv;
const s = {};


/* A plan date from which one of the schedule's visits falls on target. */
function baseFor(target, months) {
  const [y, mo, dd] = target.split('-').map(Number);
  for (const m of months) {
    const t = y * 12 + (mo - 1) - m;
    const by = Math.floor(t / 12);
    const bm = (t % 12) + 1;
    if (dd > new Date(Date.UTC(by, bm, 0)).getUTCDate()) continue;
    const base = `${by}-${String(bm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
    if (addMonths(base, m) === target) return base;
  }
  throw new Error(`no plan date puts a visit on ${target}`);
}

const get = (who, p) => srv.api('GET', p, { session: s[who] });
const post = (who, p, body = {}) => srv.api('POST', p, { session: s[who], body });
const patch = (who, p, body = {}) => srv.api('PATCH', p, { session: s[who], body });
const put = (who, p, body = {}) => srv.api('PUT', p, { session: s[who], body });

function expectStatus(res, status, what) {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text}`);
  if (status >= 400) assertApiError(res, status, what);
  return res;
}

async function ok(res, status, what) {
  expectStatus(res, status, what);
  return res.json;
}

/* --- fixtures --- */

const org = {};
const shelter = {};
let C;		/* the matrix's case */
let D;		/* a case for the discharges */
let H;		/* a high-risk case */
const fixture = {};	/* kind -> a record of C */
let hrService;

const READER = (kind) => (kind === 'health' ? 'medical.bkk' : 'caseworker.bkk');

/* Each shelter stay of C takes a night of its own. */
let nights = 0;
function sample(kind) {
  switch (kind) {
    case 'services': return { service_type: 'Medical', provider: org.clinic.id, start_date: daysAgo(3), status: 'InProgress', cost: '100', currency: 'THB' };
    case 'support-plans': return { type: 'Health', start_date: daysAgo(2), objectives: 'Recover' };
    case 'shelter-stays': nights += 2; return { shelter: shelter.stays.id, admitted: daysAgo(300 - nights), discharged: daysAgo(299 - nights) };
    case 'health': return { health_kind: 'MedicalScreening', date: daysAgo(1), findings: 'Fine' };
    case 'risk': return { level: 'Low', date: todayUtc(), threats: ['Stigma'] };
    case 'le-referrals': return { organisation: org.police.id, date: todayUtc(), shared: ['Statement'] };
    default: throw new Error(kind);
  }
}

/* A field PATCH may change, per kind. */
const PATCH_FIELD = {
  services: 'notes', 'support-plans': 'objectives', 'shelter-stays': 'notes', health: 'findings',
  risk: 'mitigation', 'le-referrals': 'notes',
};

async function records(who, caseId, kind) {
  const r = await get(who, `/api/v1/cases/${caseId}/${kind}`);
  assert.equal(r.status, 200, `${who} lists ${kind}: ${r.status} ${r.text}`);
  return r.json.records;
}

async function readRecord(who, id) {
  const r = await get(who, `/api/v1/records/${id}`);
  assert.equal(r.status, 200, `${who} reads record ${id}: ${r.status} ${r.text}`);
  return r.json;
}

async function leAudits(caseId) {
  return (await auditEntries(srv, s.admin, `case=${caseId}&action=le.disclosure`))
    .filter((a) => a.action === 'le.disclosure').length;
}

async function orgList() {
  return (await ok(await get('admin', '/api/v1/organisations'), 200, 'admin lists organisations')).organisations;
}

async function shelterList() {
  return (await ok(await get('admin', '/api/v1/shelters'), 200, 'admin lists shelters')).shelters;
}

/* Records a consent to sharing with law enforcement (a new entry). */
async function consent(caseId, answer) {
  const f = await getFile(srv, s['caseworker.bkk'], caseId);
  f.consents.push({ con_ConsentToInterview: 'Yes', con_ConsentToShareWithLawEnforcement: answer });
  await saveFile(srv, s['caseworker.bkk'], caseId, f);
}

async function timelineLength(caseId) {
  const r = await get('caseworker.bkk', `/api/v1/cases/${caseId}/return`);
  assert.equal(r.status, 200, r.text);
  return r.json.timeline.length;
}

before(async () => {
  srv = await startServer({
    extraUsers: EXTRA,
    setup: async (db, ctm) => {
      await ctm(['user', 'health-grant', '--db', db, '--username', 'granted.bkk']);
      await ctm(['user', 'case-grant', '--db', db, '--username', 'dpo']);
    },
  });
  for (const u of WHO) s[u] = await srv.login(u);

  org.police = await ok(await post('admin', '/api/v1/organisations',
    { name: 'Matrix Police', type: 'LawEnforcement', country: 'TH' }), 201, 'police');
  org.clinic = await ok(await post('admin', '/api/v1/organisations',
    { name: 'Matrix Clinic', type: 'HealthServiceOrganisation', country: 'TH' }), 201, 'clinic');
  org.target = await ok(await post('admin', '/api/v1/organisations',
    { name: 'Matrix Target', type: 'NGO', country: 'TH', city: 'Bangkok' }), 201, 'target organisation');
  shelter.target = await ok(await post('manager.bkk', '/api/v1/shelters',
    { name: 'Matrix House', city: 'Bangkok', capacity: 5 }), 201, 'target shelter');
  shelter.stays = await ok(await post('manager.bkk', '/api/v1/shelters',
    { name: 'Stay House', capacity: 100 }), 201, 'stays shelter');

  const mine = { assigned_to: s['caseworker.bkk'].user.id };
  C = await createCase(srv, s['caseworker.bkk'], mine);
  await consent(C.id, 'Yes');
  for (const kind of ['services', 'support-plans', 'shelter-stays', 'risk', 'le-referrals']) {
    fixture[kind] = await ok(await post('caseworker.bkk', `/api/v1/cases/${C.id}/${kind}`, sample(kind)), 201, kind);
  }
  fixture.health = await ok(await post('medical.bkk', `/api/v1/cases/${C.id}/health`, sample('health')), 201, 'health');

  D = await createCase(srv, s['caseworker.bkk'], mine);

  H = await createCase(srv, s['caseworker.bkk'], mine);
  hrService = await ok(await post('caseworker.bkk', `/api/v1/cases/${H.id}/services`, sample('services')), 201, 'HR service');
  await ok(await post('medical.bkk', `/api/v1/cases/${H.id}/health`, sample('health')), 201, 'HR health');
  await ok(await post('caseworker.bkk', `/api/v1/cases/${H.id}/risk`, { level: 'High', date: todayUtc() }), 201, 'High');
});

after(async () => {
  if (srv) await srv.stop();
});

/* --- the operations of the matrix --- */

/* Discharges: each allowed one ends the open stay of D; the next cell
 * admits the person again, on a later day. */
let stayNo = 0;
async function openStay() {
  const stays = await records('caseworker.bkk', D.id, 'shelter-stays');
  const open = stays.find((x) => !x.discharged);
  if (open) return open;
  stayNo += 1;
  return ok(await post('caseworker.bkk', `/api/v1/cases/${D.id}/shelter-stays`,
    { shelter: shelter.stays.id, admitted: daysAgo(60 - 2 * stayNo) }), 201, 'admission for a discharge');
}

function kindOps(kind) {
  const base = `/api/v1/cases`;
  const reader = READER(kind);
  return {
    [`${kind} POST`]: {
      readOp: `${kind} GET list`,
      again: (who) => post(who, `${base}/${C.id}/${kind}`, sample(kind)),
      missing: (who) => post(who, `${base}/${MISSING}/${kind}`, sample(kind)),
      async run(who, st, what) {
        const n0 = (await records(reader, C.id, kind)).length;
        const a0 = kind === 'le-referrals' ? await leAudits(C.id) : 0;
        const r = expectStatus(await post(who, `${base}/${C.id}/${kind}`, sample(kind)), st, what);
        const n1 = (await records(reader, C.id, kind)).length;
        if (st === 201) {
          assert.equal(r.json.case_id, C.id);
          assert.equal(r.json.kind, fixture[kind].kind);
          assert.equal(n1, n0 + 1, `${what}: not saved`);
          assert.deepEqual(await readRecord(reader, r.json.id), r.json);
        } else {
          assert.equal(r.json.id, undefined);
          assert.equal(n1, n0, `${what}: a refused write saved a record`);
        }
        if (kind === 'le-referrals') {
          assert.equal(await leAudits(C.id), a0 + (st === 201 ? 1 : 0), `${what}: le.disclosure audit`);
        }
      },
    },
    [`${kind} GET list`]: {
      again: (who) => get(who, `${base}/${C.id}/${kind}`),
      missing: (who) => get(who, `${base}/${MISSING}/${kind}`),
      async run(who, st, what) {
        const r = expectStatus(await get(who, `${base}/${C.id}/${kind}`), st, what);
        if (st === 200) {
          assert.equal(r.json.case_id, C.id);
          assert.ok(r.json.records.some((x) => x.id === fixture[kind].id), `${what}: the record is not listed`);
        } else {
          assert.equal(r.json.records, undefined);
        }
      },
    },
    [`${kind} GET one`]: {
      again: (who) => get(who, `/api/v1/records/${fixture[kind].id}`),
      missing: (who) => get(who, `/api/v1/records/${MISSING}`),
      async run(who, st, what) {
        const r = expectStatus(await get(who, `/api/v1/records/${fixture[kind].id}`), st, what);
        if (st === 200) {
          assert.equal(r.json.id, fixture[kind].id);
          assert.equal(r.json.case_id, C.id);
        } else {
          assert.equal(r.json.case_id, undefined);
        }
      },
    },
    [`${kind} PATCH`]: {
      readOp: `${kind} GET one`,
      again: (who) => patch(who, `/api/v1/records/${fixture[kind].id}`, { [PATCH_FIELD[kind]]: 'x', version: 1 }),
      missing: (who) => patch(who, `/api/v1/records/${MISSING}`, { [PATCH_FIELD[kind]]: 'x', version: 1 }),
      async run(who, st, what) {
        const id = fixture[kind].id;
        const was = await readRecord(reader, id);
        const n0 = (await records(reader, C.id, kind)).length;
        const value = `changed by ${who}`;
        const r = expectStatus(await patch(who, `/api/v1/records/${id}`,
          { [PATCH_FIELD[kind]]: value, version: was.version }), st, what);
        const now = await readRecord(reader, id);
        if (st === 200) {
          assert.equal(r.json[PATCH_FIELD[kind]], value);
          assert.equal(now[PATCH_FIELD[kind]], value);
          assert.equal(now.version, was.version + 1);
        } else {
          assert.deepEqual(now, was, `${what}: a refused change changed the record`);
        }
        assert.equal((await records(reader, C.id, kind)).length, n0, `${what}: the number of records changed`);
      },
    },
  };
}

const OPS = {
  'organisations GET list': {
    async run(who, st, what) {
      const r = expectStatus(await get(who, '/api/v1/organisations'), st, what);
      if (st === 200) assert.ok(r.json.organisations.some((o) => o.id === org.target.id), `${what}: not listed`);
      else assert.equal(r.json.organisations, undefined);
    },
  },
  'organisations GET one': {
    again: (who) => get(who, `/api/v1/organisations/${org.target.id}`),
    missing: (who) => get(who, `/api/v1/organisations/${MISSING}`),
    async run(who, st, what) {
      const r = expectStatus(await get(who, `/api/v1/organisations/${org.target.id}`), st, what);
      if (st === 200) assert.equal(r.json.name, 'Matrix Target');
      else assert.equal(r.json.name, undefined);
    },
  },
  'organisations POST': {
    async run(who, st, what) {
      const n0 = (await orgList()).length;
      const name = `Matrix Org of ${who}`;
      const r = expectStatus(await post(who, '/api/v1/organisations', { name, type: 'NGO', country: 'TH' }), st, what);
      const list = await orgList();
      if (st === 201) {
        assert.equal(r.json.name, name);
        assert.equal(list.length, n0 + 1);
      } else {
        assert.equal(list.length, n0, `${what}: a refused write saved an organisation`);
        assert.ok(!list.some((o) => o.name === name));
      }
    },
  },
  'organisations PATCH': {
    readOp: 'organisations GET one',
    again: (who) => patch(who, `/api/v1/organisations/${org.target.id}`, { city: 'x' }),
    missing: (who) => patch(who, `/api/v1/organisations/${MISSING}`, { city: 'x' }),
    async run(who, st, what) {
      const P = `/api/v1/organisations/${org.target.id}`;
      const was = await ok(await get('admin', P), 200, 'admin reads the organisation');
      const n0 = (await orgList()).length;
      const city = `City of ${who}`;
      const r = expectStatus(await patch(who, P, { city }), st, what);
      const now = await ok(await get('admin', P), 200, 'admin reads the organisation');
      if (st === 200) {
        assert.equal(r.json.city, city);
        assert.equal(now.city, city);
        assert.equal(now.name, 'Matrix Target');
      } else {
        assert.deepEqual(now, was, `${what}: a refused change changed the organisation`);
      }
      assert.equal((await orgList()).length, n0);
    },
  },
  'shelters GET list': {
    async run(who, st, what) {
      const r = expectStatus(await get(who, '/api/v1/shelters'), st, what);
      if (st === 200) {
        const sees = ['HQ', 'BKK'].includes(OFFICE_OF[who]);
        assert.equal(r.json.shelters.some((x) => x.id === shelter.target.id), sees, `${what}: BKK's shelter listed`);
        if (OFFICE_OF[who] !== 'HQ') assert.ok(r.json.shelters.every((x) => x.office === OFFICE_OF[who]), what);
      } else {
        assert.equal(r.json.shelters, undefined);
      }
    },
  },
  'shelters GET one': {
    again: (who) => get(who, `/api/v1/shelters/${shelter.target.id}`),
    missing: (who) => get(who, `/api/v1/shelters/${MISSING}`),
    async run(who, st, what) {
      const r = expectStatus(await get(who, `/api/v1/shelters/${shelter.target.id}`), st, what);
      if (st === 200) {
        assert.equal(r.json.id, shelter.target.id);
        assert.equal(r.json.office, 'BKK');
      } else {
        assert.equal(r.json.name, undefined);
      }
    },
  },
  'shelters POST for BKK': {
    async run(who, st, what) {
      const n0 = (await shelterList()).length;
      const name = `BKK House of ${who}`;
      const r = expectStatus(await post(who, '/api/v1/shelters', { name, capacity: 3, office: 'BKK' }), st, what);
      const list = await shelterList();
      if (st === 201) {
        assert.equal(r.json.office, 'BKK');
        assert.equal(r.json.name, name);
        assert.equal(list.length, n0 + 1);
      } else {
        if (st === 400) assert.ok(r.json.fields?.office, `${what}: no error at office: ${r.text}`);
        assert.equal(list.length, n0, `${what}: a refused write saved a shelter`);
        assert.ok(!list.some((x) => x.name === name));
      }
    },
  },
  'shelters POST own office': {
    async run(who, st, what) {
      const n0 = (await shelterList()).length;
      const name = `Own House of ${who}`;
      const r = expectStatus(await post(who, '/api/v1/shelters', { name, capacity: 2 }), st, what);
      const list = await shelterList();
      if (st === 201) {
        assert.equal(r.json.office, OFFICE_OF[who]);
        assert.equal(list.length, n0 + 1);
      } else {
        assert.equal(list.length, n0, `${what}: a refused write saved a shelter`);
      }
    },
  },
  'shelters PATCH': {
    readOp: 'shelters GET one',
    again: (who) => patch(who, `/api/v1/shelters/${shelter.target.id}`, { city: 'x' }),
    missing: (who) => patch(who, `/api/v1/shelters/${MISSING}`, { city: 'x' }),
    async run(who, st, what) {
      const P = `/api/v1/shelters/${shelter.target.id}`;
      const was = await ok(await get('admin', P), 200, 'admin reads the shelter');
      const n0 = (await shelterList()).length;
      const city = `Town of ${who}`;
      const r = expectStatus(await patch(who, P, { city }), st, what);
      const now = await ok(await get('admin', P), 200, 'admin reads the shelter');
      if (st === 200) {
        assert.equal(r.json.city, city);
        assert.equal(now.city, city);
        assert.equal(now.office, 'BKK');
      } else {
        assert.deepEqual(now, was, `${what}: a refused change changed the shelter`);
      }
      assert.equal((await shelterList()).length, n0);
    },
  },
  ...kindOps('services'),
  ...kindOps('support-plans'),
  ...kindOps('shelter-stays'),
  ...kindOps('health'),
  ...kindOps('risk'),
  ...kindOps('le-referrals'),
  'shelter-stays discharge': {
    readOp: 'shelter-stays GET one',
    async again(who) {
      const stay = await openStay();
      return post(who, `/api/v1/records/${stay.id}/discharge`, { date: todayUtc(), version: stay.version });
    },
    missing: (who) => post(who, `/api/v1/records/${MISSING}/discharge`, { date: todayUtc(), version: 1 }),
    async run(who, st, what) {
      const stay = await openStay();
      const n0 = (await records('caseworker.bkk', D.id, 'shelter-stays')).length;
      const date = daysAgo(59 - 2 * stayNo);
      const r = expectStatus(await post(who, `/api/v1/records/${stay.id}/discharge`,
        { date, version: stay.version }), st, what);
      const now = await readRecord('caseworker.bkk', stay.id);
      if (st === 200) {
        assert.equal(r.json.discharged, date);
        assert.equal(now.discharged, date);
        assert.equal(now.version, stay.version + 1);
      } else {
        assert.deepEqual(now, stay, `${what}: a refused discharge changed the stay`);
        assert.equal(now.discharged, undefined);
      }
      assert.equal((await records('caseworker.bkk', D.id, 'shelter-stays')).length, n0);
    },
  },
  'le-referrals disclosure POST': {
    readOp: 'le-referrals GET one',
    async again(who) {
      const ref = await readRecord('caseworker.bkk', fixture['le-referrals'].id);
      return post(who, `/api/v1/records/${ref.id}/disclosures`, { shared: ['Documents'], version: ref.version });
    },
    missing: (who) => post(who, `/api/v1/records/${MISSING}/disclosures`, { shared: ['Documents'], version: 1 }),
    async run(who, st, what) {
      const id = fixture['le-referrals'].id;
      const was = await readRecord('caseworker.bkk', id);
      const a0 = await leAudits(C.id);
      const r = expectStatus(await post(who, `/api/v1/records/${id}/disclosures`,
        { shared: ['Documents'], version: was.version }), st, what);
      const now = await readRecord('caseworker.bkk', id);
      const n = (was.disclosures ?? []).length;
      if (st === 201) {
        assert.equal(now.disclosures.length, n + 1);
        assert.deepEqual(now.disclosures[n].shared, ['Documents']);
        assert.equal(await leAudits(C.id), a0 + 1, `${what}: the disclosure is not audited`);
      } else {
        assert.deepEqual(now, was, `${what}: a refused disclosure changed the referral`);
        assert.equal(await leAudits(C.id), a0, `${what}: a refused disclosure was audited as one`);
      }
    },
  },
  'HR services POST': {
    readOp: 'HR services GET list',
    again: (who) => post(who, `/api/v1/cases/${H.id}/services`, sample('services')),
    missing: (who) => post(who, `/api/v1/cases/${MISSING}/services`, sample('services')),
    async run(who, st, what) {
      const n0 = (await records('caseworker.bkk', H.id, 'services')).length;
      const r = expectStatus(await post(who, `/api/v1/cases/${H.id}/services`, sample('services')), st, what);
      const n1 = (await records('caseworker.bkk', H.id, 'services')).length;
      if (st === 201) assert.equal(n1, n0 + 1);
      else {
        assert.equal(r.json.id, undefined);
        assert.equal(n1, n0, `${what}: a refused write saved a record`);
      }
    },
  },
  'HR services GET list': {
    again: (who) => get(who, `/api/v1/cases/${H.id}/services`),
    missing: (who) => get(who, `/api/v1/cases/${MISSING}/services`),
    async run(who, st, what) {
      const r = expectStatus(await get(who, `/api/v1/cases/${H.id}/services`), st, what);
      if (st === 200) assert.ok(r.json.records.some((x) => x.id === hrService.id));
      else assert.equal(r.json.records, undefined);
    },
  },
  'HR services GET one': {
    again: (who) => get(who, `/api/v1/records/${hrService.id}`),
    missing: (who) => get(who, `/api/v1/records/${MISSING}`),
    async run(who, st, what) {
      const r = expectStatus(await get(who, `/api/v1/records/${hrService.id}`), st, what);
      if (st === 200) assert.equal(r.json.id, hrService.id);
      else assert.equal(r.json.case_id, undefined);
    },
  },
  'HR health GET list': {
    again: (who) => get(who, `/api/v1/cases/${H.id}/health`),
    missing: (who) => get(who, `/api/v1/cases/${MISSING}/health`),
    async run(who, st, what) {
      const r = expectStatus(await get(who, `/api/v1/cases/${H.id}/health`), st, what);
      assert.equal(r.json.records, undefined);
    },
  },
};

describe('permission matrix', () => {
  it('the table covers every operation once, each row a status per user', () => {
    assert.deepEqual(MATRIX.map((row) => row[0]).sort(), Object.keys(OPS).sort());
    for (const row of MATRIX) assert.equal(row.length, WHO.length + 1, row[0]);
  });

  for (const [name, ...statuses] of MATRIX) {
    describe(name, () => {
      WHO.forEach((who, i) => {
        const st = statuses[i];
        it(`${name} as ${who} → ${st}`, async () => {
          await OPS[name].run(who, st, `${name} as ${who}`);
        });
      });
    });
  }
});

/* A refusal tells nothing about what exists: the same request on an
 * object that does not exist answers the same (README: "asking for a
 * case outside one's scope answers exactly as for a case that does not
 * exist"). */
describe('refusals answer as for a missing object', () => {
  const statusOf = (op, who) => MATRIX.find((row) => row[0] === op)[1 + WHO.indexOf(who)];
  for (const [name, ...statuses] of MATRIX) {
    const op = OPS[name];
    if (!op?.missing) continue;
    WHO.forEach((who, i) => {
      const st = statuses[i];
      /* Only where the object is hidden from the caller: a refusal to
       * change what one may read can well say so. */
      if ((st !== 403 && st !== 404) || statusOf(op.readOp ?? name, who) === 200) return;
      it(`${name} as ${who}: the ${st} is the answer for a missing one`, async () => {
        const again = await op.again(who);
        const missing = await op.missing(who);
        expectStatus(again, st, `${name} as ${who}`);
        expectStatus(missing, st, `${name} as ${who} on a missing object`);
        assert.deepEqual(again.json, missing.json, `${name} as ${who}: the refusal differs from a missing object's`);
      });
    });
  }
});

describe('support plans: bad input', () => {
  let c;
  let plan;
  const P = () => `/api/v1/cases/${c.id}/support-plans`;
  const good = () => ({ type: 'Livelihood', start_date: daysAgo(3), planned_end_date: day(90), objectives: 'Open a stall' });
  const BAD = [
    ['an unknown type', { type: 'Holiday' }, 'type'],
    ['a planned end before the start', { planned_end_date: daysAgo(4) }, 'planned_end_date'],
    ['an unknown field', { colour: 'red' }, 'colour'],
    ['an over-long text', { objectives: 'x'.repeat(4001) }, 'objectives'],
    ['an over-long text in accented letters', { action_plan: 'é'.repeat(4001) }, 'action_plan'],
  ];

  before(async () => {
    c = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    plan = await ok(await post('caseworker.bkk', P(), good()), 201, 'a plan');
  });

  for (const [what, change, field] of BAD) {
    it(`POST with ${what} answers 400 at ${field} and saves nothing`, async () => {
      const n0 = (await records('caseworker.bkk', c.id, 'support-plans')).length;
      const t0 = await timelineLength(c.id);
      const r = await post('caseworker.bkk', P(), { ...good(), ...change });
      assertFieldError(r, field, what);
      assert.equal((await records('caseworker.bkk', c.id, 'support-plans')).length, n0, `${what} was saved`);
      assert.equal(await timelineLength(c.id), t0, `${what} reached the timeline`);
    });

    it(`PATCH with ${what} answers 400 at ${field} and changes nothing`, async () => {
      const was = await readRecord('caseworker.bkk', plan.id);
      const r = await patch('caseworker.bkk', `/api/v1/records/${plan.id}`, { ...change, version: was.version });
      assertFieldError(r, field, what);
      assert.deepEqual(await readRecord('caseworker.bkk', plan.id), was, `${what} changed the plan`);
    });
  }

  it('PATCH moving the start after the planned end answers 400 at planned_end_date', async () => {
    const was = await readRecord('caseworker.bkk', plan.id);
    const r = await patch('caseworker.bkk', `/api/v1/records/${plan.id}`, { start_date: day(120), version: was.version });
    assertFieldError(r, 'planned_end_date');
    assert.deepEqual(await readRecord('caseworker.bkk', plan.id), was);
  });

  it('several bad fields at once are all named, and nothing is saved', async () => {
    const n0 = (await records('caseworker.bkk', c.id, 'support-plans')).length;
    const r = await post('caseworker.bkk', P(),
      { type: 'Holiday', start_date: daysAgo(3), planned_end_date: daysAgo(9), colour: 1, objectives: 'y'.repeat(4001) });
    const e = assertApiError(r, 400);
    for (const f of ['type', 'colour', 'objectives']) assert.ok(e.fields?.[f], `${f} not named: ${r.text}`);
    assert.equal((await records('caseworker.bkk', c.id, 'support-plans')).length, n0);
  });

  it('texts of exactly 4000 characters are accepted (the limit is not off by one)', async () => {
    const n0 = (await records('caseworker.bkk', c.id, 'support-plans')).length;
    const r = await ok(await post('caseworker.bkk', P(),
      { ...good(), objectives: 'x'.repeat(4000), action_plan: 'é'.repeat(4000) }), 201, 'a plan at the limit');
    assert.equal(r.objectives.length, 4000);
    assert.equal(r.action_plan, 'é'.repeat(4000));
    assert.equal((await records('caseworker.bkk', c.id, 'support-plans')).length, n0 + 1);
  });
});

describe('reintegration visits: edges', () => {
  const S = '/api/v1/settings/reintegration-schedule';
  let months;

  async function planCase(planDate) {
    const c = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    const r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`, { plan_type: 'SocialCare', plan_date: planDate });
    expectStatus(r, 200, `plan dated ${planDate}`);
    return { c, visits: r.json.visits };
  }

  const visitsOf = async (c) => (await ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/visits`), 200, 'visits')).visits;
  const due = async (days) => (await ok(await get('caseworker.bkk', `/api/v1/visits/due?days=${days}`), 200, `due ${days}`)).visits;

  /* A same-office return taken up to its departure. */
  async function departed(c, { from, departedOn }) {
    const R = `/api/v1/cases/${c.id}/return`;
    await ok(await post('caseworker.bkk', R, { dest_country: 'TH', dest_office: 'BKK', date: from }), 201, 'return');
    await ok(await post('caseworker.bkk', `${R}/stage`, { stage: 'Counselled', date: from }), 200, 'counselled');
    await ok(await put('caseworker.bkk', `${R}/legs`, { legs: [{
      from_country: 'TH', from_place: 'Bangkok', to_country: 'TH', to_place: 'Chiang Mai',
      departure_date: departedOn, arrival_date: departedOn, means_of_transport: 'Air', escort: 'Staff',
      documents_used: ['Own'],
    }] }), 200, 'legs');
    await ok(await post('caseworker.bkk', `${R}/stage`, { stage: 'Planned', date: from }), 200, 'planned');
    await ok(await post('caseworker.bkk', `${R}/stage`, { stage: 'Departed', date: departedOn }), 200, 'departed');
  }
  const arrive = async (c, date) => ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/return/stage`,
    { stage: 'Arrived', date, received_by: 'Somchai' }), 200, 'arrived');
  const scheduledSteps = async (c) => (await ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/return`), 200, 'return'))
    .timeline.filter((e) => e.kind === 'visit.scheduled').length;

  let today;
  let yesterday;
  let tomorrow;

  before(async () => {
    months = (await ok(await get('admin', S), 200, 'schedule')).months;
    assert.deepEqual(months, [1, 3, 6, 12], 'the default schedule');
    const planToday = await planCase(baseFor(todayUtc(), months));
    today = { ...planToday, v: planToday.visits.find((v) => v.due_on === todayUtc()) };
    const planYesterday = await planCase(baseFor(daysAgo(1), months));
    yesterday = { ...planYesterday, v: planYesterday.visits.find((v) => v.due_on === daysAgo(1)) };
    const planTomorrow = await planCase(baseFor(day(1), months));
    tomorrow = { ...planTomorrow, v: planTomorrow.visits.find((v) => v.due_on === day(1)) };
    assert.ok(today.v && yesterday.v && tomorrow.v, 'a visit on each of the days');
  });

  it('a visit due today is listed as due and not overdue', async () => {
    const listed = (await due(0)).find((v) => v.id === today.v.id);
    assert.ok(listed, 'the visit due today is not in the due list');
    assert.equal(listed.overdue, false);
    assert.equal(listed.status, 'Scheduled');
    assert.equal((await visitsOf(today.c)).find((v) => v.id === today.v.id).overdue, false);
  });

  it('a visit due yesterday is overdue', async () => {
    const listed = (await due(0)).find((v) => v.id === yesterday.v.id);
    assert.ok(listed, 'the visit due yesterday is not in the due list');
    assert.equal(listed.overdue, true);
    assert.equal((await visitsOf(yesterday.c)).find((v) => v.id === yesterday.v.id).overdue, true);
  });

  it('a visit due tomorrow is due within a day, not today, and not overdue', async () => {
    assert.ok(!(await due(0)).some((v) => v.id === tomorrow.v.id), 'due tomorrow listed for today');
    const listed = (await due(1)).find((v) => v.id === tomorrow.v.id);
    assert.ok(listed, 'due tomorrow not listed within a day');
    assert.equal(listed.overdue, false);
  });

  it('a visit marked done leaves the due list', async () => {
    const r = await post('caseworker.bkk', `/api/v1/visits/${today.v.id}`, { status: 'Done', date: todayUtc() });
    expectStatus(r, 200, 'done');
    for (const d of [0, 30, 366]) assert.ok(!(await due(d)).some((v) => v.id === today.v.id), `done visit in due?days=${d}`);
    const v = (await visitsOf(today.c)).find((x) => x.id === today.v.id);
    assert.equal(v.status, 'Done');
    assert.equal(v.done_on, todayUtc());
    assert.equal(v.overdue, false);
  });

  it('a visit marked missed leaves the due list, and is no longer overdue', async () => {
    const r = await post('caseworker.bkk', `/api/v1/visits/${yesterday.v.id}`, { status: 'Missed' });
    expectStatus(r, 200, 'missed');
    for (const d of [0, 30, 366]) assert.ok(!(await due(d)).some((v) => v.id === yesterday.v.id), `missed visit in due?days=${d}`);
    const v = (await visitsOf(yesterday.c)).find((x) => x.id === yesterday.v.id);
    assert.equal(v.status, 'Missed');
    assert.equal(v.overdue, false);
    /* The case's other visits are still there. */
    assert.equal((await visitsOf(yesterday.c)).filter((x) => x.status === 'Scheduled').length, months.length - 1);
  });

  it("a closed case's visits leave the due list, and come back when it is reopened", async () => {
    const { c, visits } = await planCase(baseFor(daysAgo(2), months));
    const v = visits.find((x) => x.due_on === daysAgo(2));
    assert.ok(v, 'a visit two days ago');
    assert.ok((await due(0)).some((x) => x.id === v.id), 'overdue visit of an open case listed');
    for (const status of ['Closed', 'ClosedReferred']) {
      expectStatus(await patch('caseworker.bkk', `/api/v1/cases/${c.id}`, { status }), 200, status);
      for (const d of [0, 366]) assert.ok(!(await due(d)).some((x) => x.case_id === c.id), `${status} case in due?days=${d}`);
      /* The case keeps its visits. */
      assert.equal((await visitsOf(c)).filter((x) => x.status === 'Scheduled').length, months.length);
    }
    expectStatus(await patch('caseworker.bkk', `/api/v1/cases/${c.id}`, { status: 'FollowUp' }), 200, 'reopened');
    assert.ok((await due(0)).some((x) => x.id === v.id), 'visit back after reopening');
  });

  it('a plan made before the arrival: the visits come with the arrival, once', async () => {
    const c = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    await departed(c, { from: daysAgo(40), departedOn: daysAgo(30) });
    const r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`, { plan_type: 'Livelihood', plan_date: daysAgo(35) });
    expectStatus(r, 200, 'plan before the arrival');
    assert.deepEqual(r.json.visits, [], 'visits scheduled before the arrival');
    await arrive(c, daysAgo(20));
    const vs = await visitsOf(c);
    assert.deepEqual(vs.map((v) => v.due_on), months.map((m) => addMonths(daysAgo(20), m)), 'visits from the arrival');
    assert.equal(await scheduledSteps(c), 1);
    /* Changing the plan afterwards schedules nothing more. */
    const plan = (await ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`), 200, 'plan')).plan;
    expectStatus(await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
      { objectives: 'Sell noodles', version: plan.version }), 200, 'plan changed');
    assert.deepEqual(await visitsOf(c), vs);
  });

  it('a plan of a case without a return, then a return that arrives: the visits are not scheduled twice', async () => {
    const { c, visits } = await planCase(daysAgo(45));
    assert.equal(visits.length, months.length);
    await departed(c, { from: daysAgo(40), departedOn: daysAgo(30) });
    await arrive(c, daysAgo(20));
    const vs = await visitsOf(c);
    assert.equal(vs.length, months.length, `visits scheduled twice: ${vs.map((v) => v.due_on)}`);
    assert.equal(new Set(vs.map((v) => v.due_on)).size, vs.length, 'two visits on one day');
    assert.equal(await scheduledSteps(c), 1);
  });

  it('changing the schedule keeps existing visits and applies to plans and arrivals after', async () => {
    const old = await planCase(daysAgo(10));
    const waiting = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    await departed(waiting, { from: daysAgo(40), departedOn: daysAgo(30) });
    const before1 = await visitsOf(old.c);
    const dueBefore = (await due(366)).filter((v) => v.case_id === old.c.id);
    assert.deepEqual(before1.map((v) => v.due_on), months.map((m) => addMonths(daysAgo(10), m)));
    try {
      expectStatus(await put('admin', S, { months: [2, 5] }), 200, 'new schedule');
      assert.deepEqual((await ok(await get('caseworker.bkk', S), 200, 'schedule')).months, [2, 5]);
      assert.deepEqual(await visitsOf(old.c), before1, 'existing visits changed with the setting');
      assert.deepEqual((await due(366)).filter((v) => v.case_id === old.c.id), dueBefore);
      const fresh = await planCase(daysAgo(10));
      assert.deepEqual(fresh.visits.map((v) => v.due_on), [2, 5].map((m) => addMonths(daysAgo(10), m)));
      await arrive(waiting, daysAgo(20));
      assert.deepEqual((await visitsOf(waiting)).map((v) => v.due_on), [2, 5].map((m) => addMonths(daysAgo(20), m)));
    } finally {
      await put('admin', S, { months: [1, 3, 6, 12] });
    }
    assert.deepEqual((await ok(await get('admin', S), 200, 'schedule')).months, [1, 3, 6, 12]);
    assert.deepEqual(await visitsOf(old.c), before1);
  });
});
