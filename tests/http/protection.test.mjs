/*
 * protection.test.mjs - protection and assistance: organisations,
 * shelters and occupancy, services, support plans, shelter stays, health
 * (restricted), security risk and the high-risk rules, law-enforcement
 * referrals with consent; who may do what; bad input changes nothing.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  startServer, assertApiError, createCase, getFile, saveFile, auditEntries, todayUtc, listCaseIds,
} from './lib.mjs';
import { daysAgo } from '../common.mjs';

const EXTRA = [
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-5a1c9e' },
  { username: 'caseworker2.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker2-BKK-7d31f0' },
  { username: 'granted.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Granted-BKK-4e2b8a61' },
  /* An admin granted case access (ctm user case-grant); 'admin' has none. */
  { username: 'dpo', role: 'admin', office: 'HQ', password: 'pw-Dpo-HQ-pr8c3d19' },
];
const ROLES = ['admin', 'dpo', 'caseworker.bkk', 'caseworker2.bkk', 'caseworker.bog', 'manager.bkk', 'pm',
  'researcher', 'medical.bkk', 'granted.bkk'];
const KIND_NAME = {
  services: 'service', 'support-plans': 'support_plan', 'shelter-stays': 'shelter_stay',
  health: 'health', risk: 'risk', 'le-referrals': 'le_referral',
};
const SECRET_NOTE = 'Lives with her aunt at 12 Soi Sukhumvit 31, Nok';

let srv;
const s = {};

/* A read-only query on the server's database (clear columns only). */
function sql(query) {
  return new Promise((resolve, reject) => {
    execFile('sqlite3', ['-json', srv.db, query], (err, out) => {
      if (err) reject(err);
      else resolve(out.trim() ? JSON.parse(out) : []);
    });
  });
}

const get = (who, p) => srv.api('GET', p, { session: s[who] });
const post = (who, p, body) => srv.api('POST', p, { session: s[who], body });
const patch = (who, p, body) => srv.api('PATCH', p, { session: s[who], body });

function postForm(who, urlPath, fields) {
  const body = new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString();
  return srv.api('POST', urlPath, {
    session: s[who], body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

async function created(res, msg = '') {
  assert.equal(res.status, 201, `${msg}: ${res.status} ${res.text}`);
  return res.json;
}

async function recordCount(caseId, kind) {
  const rows = await sql(`SELECT count(*) AS n FROM case_records WHERE case_id = ${Number(caseId)} AND kind = '${kind}'`);
  return rows[0].n;
}

async function events(caseId) {
  return sql(`SELECT kind, detail, restricted FROM case_events WHERE case_id = ${Number(caseId)} ORDER BY id`);
}

/* Records a consent to sharing with law enforcement (a new consent entry). */
async function consent(caseId, answer) {
  const f = await getFile(srv, s['caseworker.bkk'], caseId);
  f.consents.push({ con_ConsentToInterview: 'Yes', con_ConsentToShareWithLawEnforcement: answer });
  await saveFile(srv, s['caseworker.bkk'], caseId, f);
}

let org = {};
let shelterBkk;
let shelterBog;

before(async () => {
  srv = await startServer({
    extraUsers: EXTRA,
    setup: async (db, ctm) => { await ctm(['user', 'case-grant', '--db', db, '--username', 'dpo']); },
  });
  srv.secret(SECRET_NOTE);
  for (const u of ROLES) s[u] = await srv.login(u);
  org.ngo = await created(await post('admin', '/api/v1/organisations',
    { name: 'Shelter Friends', type: 'NGO', country: 'TH', city: 'Bangkok', phone: '+6621234567' }), 'ngo');
  org.police = await created(await post('admin', '/api/v1/organisations',
    { name: 'Anti-Trafficking Police', type: 'LawEnforcement', country: 'TH' }), 'police');
  org.prosecution = await created(await post('manager.bkk', '/api/v1/organisations',
    { name: 'Public Prosecutor', type: 'ProsecutionService', country: 'TH' }), 'prosecution');
  org.health = await created(await post('admin', '/api/v1/organisations',
    { name: 'City Clinic', type: 'HealthServiceOrganisation', country: 'TH' }), 'health');
  shelterBkk = await created(await post('manager.bkk', '/api/v1/shelters',
    { name: 'Safe House', city: 'Bangkok', capacity: 10 }), 'shelter BKK');
  shelterBog = await created(await post('admin', '/api/v1/shelters',
    { name: 'Casa', office: 'BOG', capacity: 5 }), 'shelter BOG');
});

after(async () => {
  if (srv) {
    const log = await srv.stop();
    assert.ok(!log.includes(SECRET_NOTE), 'a note reached the server log');
  }
});

describe('organisations', () => {
  it('are managed by admins and office managers, listed by case readers', async () => {
    assert.equal(org.ngo.type, 'NGO');
    assert.equal(org.ngo.country, 'TH');
    assertApiError(await post('caseworker.bkk', '/api/v1/organisations', { name: 'X', type: 'NGO' }), 403);
    assertApiError(await post('pm', '/api/v1/organisations', { name: 'X', type: 'NGO' }), 403);
    assertApiError(await post('medical.bkk', '/api/v1/organisations', { name: 'X', type: 'NGO' }), 403);
    for (const who of ['caseworker.bkk', 'caseworker.bog', 'medical.bkk', 'pm', 'admin']) {
      const r = await get(who, '/api/v1/organisations');
      assert.equal(r.status, 200, who);
      assert.ok(r.json.organisations.some((o) => o.id === org.police.id), who);
    }
    assertApiError(await get('researcher', '/api/v1/organisations'), 403);
  });

  it('bad input is refused field by field and saves nothing', async () => {
    const before1 = (await get('admin', '/api/v1/organisations')).json.organisations.length;
    let r = await post('admin', '/api/v1/organisations', { name: 'Y', type: 'Spa', country: 'XX', phone: '12-34', colour: 1 });
    const e = assertApiError(r, 400);
    for (const k of ['type', 'country', 'phone', 'colour']) assert.ok(e.fields[k], k);
    r = await post('admin', '/api/v1/organisations', { name: '', type: 'NGO' });
    assert.ok(assertApiError(r, 400).fields.name);
    r = await post('admin', '/api/v1/organisations', { name: 'Shelter Friends', type: 'NGO', country: 'TH' });
    assert.ok(assertApiError(r, 400).fields.name, 'duplicate name in a country');
    r = await post('admin', '/api/v1/organisations', { name: 'x'.repeat(201), type: 'NGO' });
    assert.ok(assertApiError(r, 400).fields.name);
    assert.equal((await get('admin', '/api/v1/organisations')).json.organisations.length, before1);
  });

  it('can be changed by a manager, not by a caseworker', async () => {
    let r = await patch('manager.bkk', `/api/v1/organisations/${org.ngo.id}`, { city: 'Chiang Mai' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.city, 'Chiang Mai');
    assert.equal(r.json.name, 'Shelter Friends');
    assertApiError(await patch('caseworker.bkk', `/api/v1/organisations/${org.ngo.id}`, { city: 'X' }), 403);
    assertApiError(await get('admin', '/api/v1/organisations/999999'), 404);
  });
});

describe('shelters', () => {
  it('belong to an office; office staff see and manage only their own', async () => {
    assert.equal(shelterBkk.office, 'BKK');
    assert.equal(shelterBkk.capacity, 10);
    assert.equal(shelterBkk.occupied, 0);
    const bkk = (await get('caseworker.bkk', '/api/v1/shelters')).json.shelters.map((x) => x.id);
    assert.ok(bkk.includes(shelterBkk.id));
    assert.ok(!bkk.includes(shelterBog.id));
    const bog = (await get('caseworker.bog', '/api/v1/shelters')).json.shelters.map((x) => x.id);
    assert.deepEqual(bog, [shelterBog.id]);
    const all = (await get('pm', '/api/v1/shelters')).json.shelters.map((x) => x.id);
    assert.ok(all.includes(shelterBkk.id) && all.includes(shelterBog.id));
    assertApiError(await get('caseworker.bog', `/api/v1/shelters/${shelterBkk.id}`), 404);
    assertApiError(await get('researcher', '/api/v1/shelters'), 403);
    assertApiError(await post('caseworker.bkk', '/api/v1/shelters', { name: 'Z', capacity: 3 }), 403);
    assertApiError(await post('pm', '/api/v1/shelters', { name: 'Z', capacity: 3, office: 'BKK' }), 403);
    const e = assertApiError(await post('manager.bkk', '/api/v1/shelters', { name: 'Z', capacity: 3, office: 'BOG' }), 400);
    assert.ok(e.fields.office);
    for (const capacity of [-1, 'many', 100001, null]) {
      const r = await post('manager.bkk', '/api/v1/shelters', { name: 'Z', capacity });
      assert.ok(assertApiError(r, 400).fields.capacity, String(capacity));
    }
    assert.ok(!(await get('manager.bkk', '/api/v1/shelters')).json.shelters.some((x) => x.name === 'Z'));
  });

  it('are changed by their office\'s manager or an admin, never moved to another office', async () => {
    let r = await patch('manager.bkk', `/api/v1/shelters/${shelterBkk.id}`, { capacity: 12, city: 'Thonburi' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.capacity, 12);
    assert.equal(r.json.name, 'Safe House');
    assertApiError(await patch('caseworker.bkk', `/api/v1/shelters/${shelterBkk.id}`, { capacity: 1 }), 403);
    assertApiError(await patch('pm', `/api/v1/shelters/${shelterBkk.id}`, { capacity: 1 }), 403);
    assertApiError(await patch('caseworker.bog', `/api/v1/shelters/${shelterBkk.id}`, { capacity: 1 }), 404);
    r = await patch('admin', `/api/v1/shelters/${shelterBkk.id}`, { office: 'BOG', capacity: 'lots' });
    const e = assertApiError(r, 400);
    assert.ok(e.fields.office && e.fields.capacity);
    r = await patch('admin', `/api/v1/shelters/${shelterBkk.id}`, { capacity: 10 });
    assert.equal(r.status, 200);
    assert.equal(r.json.office, 'BKK');
    assert.equal(r.json.city, 'Thonburi');
  });
});

/* A valid new record of each kind (LE needs consent on the case). Each
 * shelter stay takes a night of its own: a person's stays never share
 * one. */
let stays = 0;
function sample(kind) {
  switch (kind) {
    case 'services': return { service_type: 'Medical', provider: org.health.id, start_date: daysAgo(3), status: 'InProgress', cost: '100', currency: 'THB' };
    case 'support-plans': return { type: 'Health', start_date: daysAgo(2), objectives: 'Recover' };
    case 'shelter-stays': stays += 1; return { shelter: shelterBkk.id, admitted: daysAgo(300 - stays), discharged: daysAgo(299 - stays) };
    case 'health': return { health_kind: 'MedicalScreening', date: daysAgo(1), findings: 'Fine' };
    case 'risk': return { level: 'Low', date: daysAgo(1), threats: ['Stigma'] };
    case 'le-referrals': return { organisation: org.police.id, date: todayUtc(), shared: ['Statement'] };
    default: throw new Error(kind);
  }
}

describe('permission matrix', () => {
  let c;
  const KINDS = ['services', 'support-plans', 'shelter-stays', 'risk', 'le-referrals', 'health'];
  /* Who may read / write, per kind group; anything else is refused. */
  /* Neither the admin (no case content) nor the programme manager (no
   * case file) reads records; an admin granted case access does. */
  const RECORDS = { read: ['dpo', 'caseworker.bkk', 'caseworker2.bkk', 'manager.bkk', 'granted.bkk'],
    write: ['dpo', 'caseworker.bkk', 'caseworker2.bkk', 'manager.bkk', 'granted.bkk'] };
  const HEALTH = { read: ['medical.bkk', 'granted.bkk'], write: ['medical.bkk', 'granted.bkk'] };

  before(async () => {
    c = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    await consent(c.id, 'Yes');
    /* granted.bkk is a caseworker with an admin's grant of health access. */
    const r = await postForm('admin', `/admin/users/${s['granted.bkk'].user.id}`, [['action', 'health-grant']]);
    assert.equal(r.status, 303, r.text);
  });

  for (const kind of KINDS) {
    it(`${kind}: reads and writes per role`, async () => {
      const rules = kind === 'health' ? HEALTH : RECORDS;
      for (const who of ROLES) {
        const before1 = await recordCount(c.id, KIND_NAME[kind]);
        const w = await post(who, `/api/v1/cases/${c.id}/${kind}`, sample(kind));
        if (rules.write.includes(who)) {
          assert.equal(w.status, 201, `${who} writes ${kind}: ${w.status} ${w.text}`);
          assert.equal(w.json.case_id, c.id);
        } else {
          assert.ok([403, 404].includes(w.status), `${who} writes ${kind}: ${w.status}`);
          assertApiError(w, w.status);
          if (who === 'caseworker.bog' && kind !== 'health') assert.equal(w.status, 404, 'another office: as if missing');
          assert.equal(await recordCount(c.id, KIND_NAME[kind]), before1);
        }
        const r = await get(who, `/api/v1/cases/${c.id}/${kind}`);
        if (rules.read.includes(who)) {
          assert.equal(r.status, 200, `${who} reads ${kind}: ${r.status} ${r.text}`);
          assert.ok(r.json.records.length > 0, `${who} sees ${kind}`);
          const one = await get(who, `/api/v1/records/${r.json.records[0].id}`);
          assert.equal(one.status, 200, `${who} reads a ${kind} record`);
        } else {
          assert.ok([403, 404].includes(r.status), `${who} reads ${kind}: ${r.status}`);
          assert.equal(r.json?.records, undefined);
        }
      }
      /* Nobody who may not read gets a record by its id either. */
      const any = (await get(kind === 'health' ? 'medical.bkk' : 'caseworker.bkk', `/api/v1/cases/${c.id}/${kind}`)).json.records[0];
      for (const who of ROLES.filter((u) => !rules.read.includes(u))) {
        const r = await get(who, `/api/v1/records/${any.id}`);
        assertApiError(r, 404, `${who} GET record ${kind}`);
      }
    });
  }

  it('records of other modules\' kinds are not served here', async () => {
    await sql(`INSERT INTO case_records (case_id, kind, office_id, body, created_at, updated_at) `
      + `SELECT ${Number(c.id)}, 'return', office_id, x'00', 0, 0 FROM cases WHERE id = ${Number(c.id)}`);
    const [{ id }] = await sql(`SELECT max(id) AS id FROM case_records WHERE kind = 'return'`);
    for (const who of ['dpo', 'caseworker.bkk']) {
      assertApiError(await get(who, `/api/v1/records/${id}`), 404, who);
      assertApiError(await patch(who, `/api/v1/records/${id}`, { version: 1 }), 404, who);
      assertApiError(await post(who, `/api/v1/records/${id}/discharge`, { version: 1 }), 404, who);
    }
    assert.equal((await get('caseworker.bkk', `/api/v1/cases/${c.id}/services`)).status, 200);
  });

  it('records can be changed only by those who may write them', async () => {
    const rec = (await get('caseworker.bkk', `/api/v1/cases/${c.id}/services`)).json.records[0];
    assertApiError(await patch('pm', `/api/v1/records/${rec.id}`, { status: 'Delivered', version: rec.version }), 404);
    assertApiError(await patch('medical.bkk', `/api/v1/records/${rec.id}`, { status: 'Delivered', version: rec.version }), 404);
    assertApiError(await patch('caseworker.bog', `/api/v1/records/${rec.id}`, { status: 'Delivered', version: rec.version }), 404);
    const r = await patch('caseworker2.bkk', `/api/v1/records/${rec.id}`, { status: 'Delivered', version: rec.version });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'Delivered');
    assert.equal(r.json.version, rec.version + 1);
  });
});

describe('health records are restricted', () => {
  let c;
  let rec;
  before(async () => {
    c = await createCase(srv, s['caseworker.bkk']);
    rec = await created(await post('medical.bkk', `/api/v1/cases/${c.id}/health`,
      { health_kind: 'HivStiCare', date: daysAgo(2), follow_up: daysAgo(-10), findings: SECRET_NOTE }), 'health');
  });

  it('a medical officer sees the case list and summary and health, never the case file', async () => {
    assert.ok((await listCaseIds(srv, s['medical.bkk'])).includes(c.id));
    assert.equal((await get('medical.bkk', `/api/v1/cases/${c.id}`)).status, 200);
    assertApiError(await get('medical.bkk', `/api/v1/cases/${c.id}/file`), 403);
    assertApiError(await get('medical.bkk', `/api/v1/cases/${c.id}/services`), 403);
    const r = await get('medical.bkk', `/api/v1/cases/${c.id}/health`);
    assert.equal(r.status, 200);
    assert.equal(r.json.records[0].findings, SECRET_NOTE);
    assert.equal((await srv.api('GET', `/cases/${c.id}/health`, { session: s['medical.bkk'] })).status, 200);
    /* Refused as the API refuses it: the case is no secret to them. */
    const prot = await srv.api('GET', `/cases/${c.id}/protection`, { session: s['medical.bkk'] });
    assert.equal(prot.status, 403);
    assert.match(prot.text, /You are not allowed to see this part of cases\./);
  });

  it('a caseworker, a manager and an admin cannot read health; the attempt is audited', async () => {
    for (const who of ['caseworker.bkk', 'manager.bkk', 'admin', 'pm']) {
      assertApiError(await get(who, `/api/v1/cases/${c.id}/health`), 403, who);
      assertApiError(await get(who, `/api/v1/records/${rec.id}`), 404, who);
      /* The page as the API to whoever sees the case, else missing. */
      const sees = (await get(who, `/api/v1/cases/${c.id}`)).status === 200;
      assert.equal((await srv.api('GET', `/cases/${c.id}/health`, { session: s[who] })).status, sees ? 403 : 404, who);
    }
    const denied = await auditEntries(srv, s.admin, `action=health.view.denied&case=${c.id}`);
    assert.ok(denied.length >= 4, `denied health reads audited: ${denied.length}`);
  });

  it('every health read is audited', async () => {
    const n0 = (await auditEntries(srv, s.admin, `action=health.view&case=${c.id}`)).length;
    await get('medical.bkk', `/api/v1/cases/${c.id}/health`);
    await get('medical.bkk', `/api/v1/records/${rec.id}`);
    await srv.api('GET', `/cases/${c.id}/health`, { session: s['medical.bkk'] });
    const n1 = (await auditEntries(srv, s.admin, `action=health.view&case=${c.id}`)).length;
    assert.equal(n1, n0 + 3);
  });

  it('the health timeline step is restricted and holds no notes', async () => {
    const ev = (await events(c.id)).filter((e) => e.kind === 'health.recorded');
    assert.equal(ev.length, 1);
    assert.equal(ev[0].restricted, 1);
    assert.deepEqual(JSON.parse(ev[0].detail), { health_kind: 'HivStiCare' });
    const all = JSON.stringify(await auditEntries(srv, s.admin, `case=${c.id}`));
    assert.ok(!all.includes(SECRET_NOTE), 'a note in the audit');
    const raw = await sql(`SELECT hex(body) AS b FROM case_records WHERE id = ${rec.id}`);
    assert.ok(!Buffer.from(raw[0].b, 'hex').toString('latin1').includes('Soi'), 'health notes stored in clear');
  });

  it('an admin grant gives access, and its revocation takes it back', async () => {
    assertApiError(await get('caseworker2.bkk', `/api/v1/cases/${c.id}/health`), 403);
    const uid = s['caseworker2.bkk'].user.id;
    let r = await postForm('admin', `/admin/users/${uid}`, [['action', 'health-grant']]);
    assert.equal(r.status, 303);
    r = await get('caseworker2.bkk', `/api/v1/cases/${c.id}/health`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.records.length, 1);
    const page = await srv.api('GET', `/admin/users/${uid}`, { session: s.admin });
    assert.match(page.text, /health-revoke/);
    r = await postForm('admin', `/admin/users/${uid}`, [['action', 'health-revoke']]);
    assert.equal(r.status, 303);
    assertApiError(await get('caseworker2.bkk', `/api/v1/cases/${c.id}/health`), 403);
    /* Only an admin grants. */
    r = await postForm('manager.bkk', `/admin/users/${uid}`, [['action', 'health-grant']]);
    assert.notEqual(r.status, 303);
    assertApiError(await get('caseworker2.bkk', `/api/v1/cases/${c.id}/health`), 403);
    const audits = await auditEntries(srv, s.admin, 'action=admin.user.update');
    assert.ok(audits.some((a) => a.detail?.field === 'health_access' && a.detail.new === true));
    assert.ok(audits.some((a) => a.detail?.field === 'health_access' && a.detail.new === false));
  });

  it('a medical officer of another office does not see the case', async () => {
    /* caseworker.bog: no health right and another office. */
    assertApiError(await get('caseworker.bog', `/api/v1/cases/${c.id}/health`), 403);
  });
});

describe('high-risk cases', () => {
  let h;
  /* dpo: an admin's case access does not reach a high-risk case. */
  const OTHERS = ['caseworker2.bkk', 'medical.bkk', 'pm', 'dpo', 'caseworker.bog', 'granted.bkk'];

  before(async () => {
    h = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
  });

  it('an assessment of High hides the case from all but the assignee and the office managers', async () => {
    const r = await post('caseworker.bkk', `/api/v1/cases/${h.id}/risk`,
      { level: 'High', date: todayUtc(), threats: ['ThreatFromTraffickers', 'ReTrafficking'], mitigation: SECRET_NOTE });
    const risk = await created(r, 'risk');
    assert.deepEqual(risk.threats, ['ThreatFromTraffickers', 'ReTrafficking']);
    assert.equal((await get('caseworker.bkk', `/api/v1/cases/${h.id}`)).status, 200);
    assert.equal((await get('manager.bkk', `/api/v1/cases/${h.id}`)).status, 200);
    assert.equal((await get('caseworker.bkk', `/api/v1/cases/${h.id}/risk`)).status, 200);
    for (const who of OTHERS) {
      const n0 = (await auditEntries(srv, s.admin, `case=${h.id}&action=case.view.denied`)).length;
      assertApiError(await get(who, `/api/v1/cases/${h.id}`), 404, who);
      /* Who reads no records at all is refused them by role. */
      assertApiError(await get(who, `/api/v1/cases/${h.id}/services`),
        who === 'medical.bkk' || who === 'pm' ? 403 : 404, who);
      assert.equal((await srv.api('GET', `/cases/${h.id}`, { session: s[who] })).status, 404, who);
      assertApiError(await get(who, `/api/v1/records/${risk.id}`), 404, who);
      const n1 = (await auditEntries(srv, s.admin, `case=${h.id}&action=case.view.denied`)).length;
      assert.ok(n1 > n0, `${who}'s attempt audited`);
      assert.ok(!(await listCaseIds(srv, s[who])).includes(h.id), `${who} lists the case`);
    }
    assertApiError(await get('medical.bkk', `/api/v1/cases/${h.id}/health`), 404);
    assert.ok((await listCaseIds(srv, s['caseworker.bkk'])).includes(h.id));
    assert.ok((await listCaseIds(srv, s['manager.bkk'])).includes(h.id));
    const ev = (await events(h.id)).map((e) => e.kind);
    assert.ok(ev.includes('risk.assessed') && ev.includes('case.high_risk'), ev.join());
  });

  it('a caseworker who marks someone else\'s case High through the page loses sight of it', async () => {
    const other = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    const r = await postForm('caseworker2.bkk', `/cases/${other.id}/protection`, [['kind', 'risk'],
      ['level', 'High'], ['date', todayUtc()], ['threats', 'ThreatToFamily']]);
    assert.equal(r.status, 303, r.text);
    assert.equal(r.headers.location, '/cases');
    assertApiError(await get('caseworker2.bkk', `/api/v1/cases/${other.id}`), 404);
    assert.equal((await get('caseworker.bkk', `/api/v1/cases/${other.id}`)).status, 200);
  });

  it('an assessment is never changed: a new one is recorded', async () => {
    const risk = (await get('caseworker.bkk', `/api/v1/cases/${h.id}/risk`)).json.records[0];
    assertApiError(await patch('caseworker.bkk', `/api/v1/records/${risk.id}`, { level: 'Low', version: risk.version }), 405);
  });

  it('a later lower assessment restores visibility', async () => {
    await created(await post('manager.bkk', `/api/v1/cases/${h.id}/risk`, { level: 'Medium', date: todayUtc() }));
    for (const who of ['caseworker2.bkk', 'dpo']) {
      assert.equal((await get(who, `/api/v1/cases/${h.id}`)).status, 200, who);
      assert.ok((await listCaseIds(srv, s[who])).includes(h.id), who);
    }
    /* Not referred to headquarters: still missing for the programme manager. */
    assertApiError(await get('pm', `/api/v1/cases/${h.id}`), 404);
    assertApiError(await get('caseworker.bog', `/api/v1/cases/${h.id}`), 404);
    const ev = (await events(h.id)).map((e) => e.kind);
    assert.ok(ev.includes('case.risk_lowered'), ev.join());
  });

  it('an older assessment recorded later does not decide, and is confirmed first', async () => {
    const n = await recordCount(h.id, 'risk');
    const body = { level: 'High', date: daysAgo(20) };
    const w = assertApiError(await post('caseworker.bkk', `/api/v1/cases/${h.id}/risk`, body), 409);
    assert.match(w.error, new RegExp(`dated ${todayUtc()} is more recent.*stays Medium`));
    assert.ok(w.fields.confirm);
    assert.equal(await recordCount(h.id, 'risk'), n, 'an unconfirmed assessment was saved');
    /* The page asks too, in the reader's language, and keeps what was typed. */
    const page = await postForm('caseworker.bkk', `/cases/${h.id}/protection`,
      [['kind', 'risk'], ['level', 'High'], ['date', daysAgo(20)]]);
    assert.equal(page.status, 400);
    assert.match(page.text, /is more recent: this one will not change/);
    assert.match(page.text, /name="confirm"/);
    assert.equal(await recordCount(h.id, 'risk'), n);
    /* The same level as the latest needs no confirmation. */
    await created(await post('caseworker.bkk', `/api/v1/cases/${h.id}/risk`, { level: 'Medium', date: daysAgo(25) }));
    await created(await post('caseworker.bkk', `/api/v1/cases/${h.id}/risk`, { ...body, confirm: true }));
    assert.equal(await recordCount(h.id, 'risk'), n + 2);
    assert.equal((await get('caseworker2.bkk', `/api/v1/cases/${h.id}`)).status, 200);
  });
});

describe('shelter stays', () => {
  let small;
  let c1;
  let c2;
  before(async () => {
    small = await created(await post('manager.bkk', '/api/v1/shelters', { name: 'Small House', capacity: 1 }));
    c1 = await createCase(srv, s['caseworker.bkk']);
    c2 = await createCase(srv, s['caseworker.bkk']);
  });

  it('an admission into a full shelter needs an explicit confirmation', async () => {
    const a = await created(await post('caseworker.bkk', `/api/v1/cases/${c1.id}/shelter-stays`,
      { shelter: small.id, admitted: daysAgo(5) }));
    assert.equal(a.over_capacity, undefined);
    assert.equal((await get('caseworker.bkk', `/api/v1/shelters/${small.id}`)).json.occupied, 1);
    let r = await post('caseworker.bkk', `/api/v1/cases/${c2.id}/shelter-stays`, { shelter: small.id, admitted: daysAgo(1) });
    const e = assertApiError(r, 409);
    assert.match(e.error, /full/);
    assert.ok(e.fields.over_capacity);
    assert.equal(await recordCount(c2.id, 'shelter_stay'), 0);
    r = await post('caseworker.bkk', `/api/v1/cases/${c2.id}/shelter-stays`,
      { shelter: small.id, admitted: daysAgo(1), over_capacity: true });
    const b = await created(r);
    assert.equal(b.over_capacity, true);
    const sh = (await get('caseworker.bkk', `/api/v1/shelters/${small.id}`)).json;
    assert.equal(sh.occupied, 2);
    assert.equal(sh.full, true);
    /* The shelter page warns. */
    const page = await srv.api('GET', `/shelters/${small.id}`, { session: s['caseworker.bkk'] });
    assert.equal(page.status, 200);
    assert.match(page.text, /class="flash error"/);
    /* The admission form marks the full shelter and counts the free places of the others. */
    const form = (await srv.api('GET', `/cases/${c1.id}/protection`, { session: s['caseworker.bkk'] })).text;
    const select = (form.match(/<select id="[a-z_-]*-shelter" name="shelter"[\s\S]*?<\/select>/) || [''])[0];
    const option = (id) => (select.match(new RegExp(`<option value="${id}"[^>]*>([^<]*)</option>`)) || [])[1];
    assert.match(option(small.id), /^Small House — full today$/);
    const free = option(shelterBkk.id).match(/free today: (\d+)\/(\d+)$/);
    assert.ok(free, option(shelterBkk.id));
    assert.equal(Number(free[2]), 10);
    assert.equal(Number(free[1]), 10 - (await get('caseworker.bkk', `/api/v1/shelters/${shelterBkk.id}`)).json.occupied);
  });

  it('a stay that shares a night with another of the person\'s stays is refused', async () => {
    const c3 = await createCase(srv, s['caseworker.bkk']);
    await created(await post('caseworker.bkk', `/api/v1/cases/${c3.id}/shelter-stays`,
      { shelter: shelterBkk.id, admitted: daysAgo(60), discharged: daysAgo(40) }));
    let r = await post('caseworker.bkk', `/api/v1/cases/${c3.id}/shelter-stays`,
      { shelter: shelterBkk.id, admitted: daysAgo(50), discharged: daysAgo(45) });
    assert.ok(assertApiError(r, 400).fields.admitted);
    assert.equal(await recordCount(c3.id, 'shelter_stay'), 1);
    /* The day of discharge is free for the next admission. */
    await created(await post('caseworker.bkk', `/api/v1/cases/${c3.id}/shelter-stays`,
      { shelter: shelterBkk.id, admitted: daysAgo(40), discharged: daysAgo(30) }));
  });

  it('a backdated admission is refused when the shelter is full on a later night of the stay', async () => {
    const c4 = await createCase(srv, s['caseworker.bkk']);
    /* Small House is full from five days ago (the first test). */
    const r = await post('caseworker.bkk', `/api/v1/cases/${c4.id}/shelter-stays`,
      { shelter: small.id, admitted: daysAgo(20) });
    const e = assertApiError(r, 409);
    assert.ok(e.fields.over_capacity);
    assert.equal(await recordCount(c4.id, 'shelter_stay'), 0);
    /* A stay that ends before it filled up is fine. */
    await created(await post('caseworker.bkk', `/api/v1/cases/${c4.id}/shelter-stays`,
      { shelter: small.id, admitted: daysAgo(20), discharged: daysAgo(10) }));
  });

  it('a person in a shelter is not admitted to another before discharge', async () => {
    const r = await post('caseworker.bkk', `/api/v1/cases/${c1.id}/shelter-stays`, { shelter: shelterBkk.id, admitted: todayUtc() });
    assert.ok(assertApiError(r, 400).fields.shelter);
    assert.equal(await recordCount(c1.id, 'shelter_stay'), 1);
  });

  it('a discharge before the admission is refused and changes nothing', async () => {
    const stay = (await get('caseworker.bkk', `/api/v1/cases/${c1.id}/shelter-stays`)).json.records[0];
    /* The error is named as the request names the date: "date". */
    let r = await post('caseworker.bkk', `/api/v1/records/${stay.id}/discharge`, { date: daysAgo(9), version: stay.version });
    assert.deepEqual(Object.keys(assertApiError(r, 400).fields), ['date']);
    r = await post('caseworker.bkk', `/api/v1/records/${stay.id}/discharge`, { date: daysAgo(-2), version: stay.version });
    assert.deepEqual(Object.keys(assertApiError(r, 400).fields), ['date'], 'a discharge in the future');
    const same = (await get('caseworker.bkk', `/api/v1/records/${stay.id}`)).json;
    assert.deepEqual(same, stay);
    r = await post('caseworker.bkk', `/api/v1/records/${stay.id}/discharge`, { date: daysAgo(2), version: stay.version });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.discharged, daysAgo(2));
    /* The shelter cannot change; a stale version is refused. */
    r = await patch('caseworker.bkk', `/api/v1/records/${stay.id}`, { shelter: shelterBkk.id, version: r.json.version });
    assert.ok(assertApiError(r, 400).fields.shelter);
    r = await post('caseworker.bkk', `/api/v1/records/${stay.id}/discharge`, { date: daysAgo(1), version: stay.version });
    assertApiError(r, 409);
    /* A stay ends once, even with the current version. */
    const ended = (await get('caseworker.bkk', `/api/v1/records/${stay.id}`)).json;
    r = await post('caseworker.bkk', `/api/v1/records/${stay.id}/discharge`, { date: daysAgo(1), version: ended.version });
    assertApiError(r, 409, 'discharged twice');
    assert.equal((await get('caseworker.bkk', `/api/v1/records/${stay.id}`)).json.discharged, daysAgo(2));
    /* Now free to be admitted elsewhere. */
    await created(await post('caseworker.bkk', `/api/v1/cases/${c1.id}/shelter-stays`, { shelter: shelterBkk.id, admitted: todayUtc() }));
    const ev = (await events(c1.id)).map((e) => e.kind);
    assert.deepEqual(ev.filter((k) => k.startsWith('shelter.')), ['shelter.admitted', 'shelter.discharged', 'shelter.admitted']);
  });

  it('occupancy is computed per day over a period', async () => {
    const sh = await created(await post('manager.bkk', '/api/v1/shelters', { name: 'Counting House', capacity: 2 }));
    const cs = [];
    for (let i = 0; i < 3; i++) cs.push(await createCase(srv, s['caseworker.bkk']));
    await created(await post('caseworker.bkk', `/api/v1/cases/${cs[0].id}/shelter-stays`, { shelter: sh.id, admitted: daysAgo(10), discharged: daysAgo(5) }));
    await created(await post('caseworker.bkk', `/api/v1/cases/${cs[1].id}/shelter-stays`, { shelter: sh.id, admitted: daysAgo(7) }));
    await created(await post('caseworker.bkk', `/api/v1/cases/${cs[2].id}/shelter-stays`, { shelter: sh.id, admitted: daysAgo(3), discharged: daysAgo(1) }));
    const r = await get('caseworker.bkk', `/api/v1/shelters/${sh.id}/occupancy?from=${daysAgo(12)}&to=${todayUtc()}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.capacity, 2);
    const expect = [];
    for (let d = 12; d >= 0; d--) {
      let n = 0;
      if (d <= 10 && d > 5) n++;	/* admitted day 10 ago, out 5 days ago */
      if (d <= 7) n++;
      if (d <= 3 && d > 1) n++;
      expect.push({ date: daysAgo(d), occupied: n, full: n >= 2 });
    }
    assert.deepEqual(r.json.days, expect);
    const def = await get('caseworker.bkk', `/api/v1/shelters/${sh.id}/occupancy`);
    assert.equal(def.json.days.length, 30);
    assert.equal(def.json.days[29].date, todayUtc());
    assert.equal(def.json.days[29].occupied, 1);
    for (const q of ['from=2026-13-01', `from=${todayUtc()}&to=${daysAgo(1)}`, `from=${daysAgo(400)}`]) {
      assertApiError(await get('caseworker.bkk', `/api/v1/shelters/${sh.id}/occupancy?${q}`), 400, q);
    }
    const page = await srv.api('GET', `/shelters/${sh.id}`, { session: s['manager.bkk'] });
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(daysAgo(29)));
  });
});

describe('law-enforcement referrals', () => {
  let c;
  before(async () => {
    c = await createCase(srv, s['caseworker.bkk']);
  });

  it('are refused without the person\'s consent, and nothing is saved', async () => {
    let r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/le-referrals`, sample('le-referrals'));
    let e = assertApiError(r, 400);
    assert.match(e.error, /consent/i);
    assert.ok(e.fields.consent);
    await consent(c.id, 'No');
    r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/le-referrals`, sample('le-referrals'));
    assert.ok(assertApiError(r, 400).fields.consent);
    assert.equal(await recordCount(c.id, 'le_referral'), 0);
    assert.equal((await auditEntries(srv, s.admin, `case=${c.id}&action=le.disclosure`)).length, 0);
  });

  it('go only to police or prosecution', async () => {
    await consent(c.id, 'Yes');
    const r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/le-referrals`, { ...sample('le-referrals'), organisation: org.ngo.id });
    assert.ok(assertApiError(r, 400).fields.organisation);
    assert.equal(await recordCount(c.id, 'le_referral'), 0);
  });

  it('with consent are recorded, audited and on the timeline; proceedings can be updated', async () => {
    /* Not on a day before the consent that allows it. */
    const early = await post('caseworker.bkk', `/api/v1/cases/${c.id}/le-referrals`,
      { organisation: org.prosecution.id, date: daysAgo(1), shared: ['Identity'] });
    assert.ok(assertApiError(early, 400).fields.consent);
    const ref = await created(await post('caseworker.bkk', `/api/v1/cases/${c.id}/le-referrals`,
      { organisation: org.prosecution.id, date: todayUtc(), shared: ['Identity', 'Statement'], notes: SECRET_NOTE }));
    assert.equal(ref.proceedings_status, 'Referred');
    const aud = await auditEntries(srv, s.admin, `case=${c.id}&action=le.disclosure`);
    assert.equal(aud.length, 1);
    assert.deepEqual(aud[0].detail, { organisation: org.prosecution.id, shared: ['Identity', 'Statement'] });
    let r = await patch('caseworker.bkk', `/api/v1/records/${ref.id}`, { proceedings_status: 'UnderInvestigation', version: ref.version });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.proceedings_status, 'UnderInvestigation');
    r = await patch('caseworker.bkk', `/api/v1/records/${ref.id}`, { shared: ['Identity'], version: r.json.version });
    assert.ok(assertApiError(r, 400).fields.shared, 'what was shared cannot be rewritten');
    r = await patch('caseworker.bkk', `/api/v1/records/${ref.id}`, { proceedings_status: 'Jailed', version: ref.version + 1 });
    assert.ok(assertApiError(r, 400).fields.proceedings_status);
    const ev = await events(c.id);
    const kinds = ev.map((e) => e.kind);
    assert.ok(kinds.includes('le.referred') && kinds.includes('le.updated'), kinds.join());
    const referred = ev.find((e) => e.kind === 'le.referred');
    assert.deepEqual(JSON.parse(referred.detail), { shared_data: ['Identity', 'Statement'], proceedings_status: 'Referred' });
  });

  it('a later disclosure to the same body is logged, and needs consent still', async () => {
    let ref = (await get('caseworker.bkk', `/api/v1/cases/${c.id}/le-referrals`)).json.records[0];
    let r = await post('caseworker.bkk', `/api/v1/records/${ref.id}/disclosures`, { shared: ['Documents'], version: ref.version });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.disclosures.length, 1);
    assert.deepEqual(r.json.disclosures[0].shared, ['Documents']);
    const aud = await auditEntries(srv, s.admin, `case=${c.id}&action=le.disclosure`);
    assert.equal(aud.length, 2);
    assert.ok(aud.some((a) => JSON.stringify(a.detail.shared) === '["Documents"]'));
    assert.ok((await events(c.id)).some((e) => e.kind === 'le.disclosed'));
    ref = r.json;
    r = await post('caseworker.bkk', `/api/v1/records/${ref.id}/disclosures`, { shared: ['Spaceship'], version: ref.version });
    assert.ok(assertApiError(r, 400).fields.shared);
    await consent(c.id, 'No');
    r = await post('caseworker.bkk', `/api/v1/records/${ref.id}/disclosures`, { shared: ['Contact'], version: ref.version });
    assert.ok(assertApiError(r, 400).fields.consent);
    assert.equal((await auditEntries(srv, s.admin, `case=${c.id}&action=le.disclosure`)).length, 2);
    assert.deepEqual((await get('caseworker.bkk', `/api/v1/records/${ref.id}`)).json, ref);
  });
});

describe('services and support plans', () => {
  let c;
  before(async () => {
    c = await createCase(srv, s['caseworker.bkk']);
  });

  it('a service with its provider and cost; the timeline has codes and the sum only', async () => {
    const r = await created(await post('caseworker.bkk', `/api/v1/cases/${c.id}/services`,
      { service_type: 'VocationalTraining', provider: org.ngo.id, start_date: daysAgo(10), end_date: daysAgo(-30),
        cost: '1250.5', currency: 'THB', status: 'InProgress', notes: SECRET_NOTE }));
    assert.equal(r.cost, '1250.50');
    const row = await sql(`SELECT amount, currency, state, d1, d2 FROM case_records WHERE id = ${r.id}`);
    assert.deepEqual(row[0], { amount: 125050, currency: 'THB', state: 'VocationalTraining', d1: daysAgo(10), d2: daysAgo(-30) });
    const ev = (await events(c.id)).find((e) => e.kind === 'service.added');
    assert.deepEqual(JSON.parse(ev.detail), { service_type: 'VocationalTraining', service_status: 'InProgress', amount: '1250.50', currency: 'THB' });
  });

  it('bad input is refused field by field and saves nothing', async () => {
    const n0 = await recordCount(c.id, 'service');
    const good = { service_type: 'Medical', start_date: daysAgo(1), status: 'Planned' };
    const cases = [
      [{ service_type: 'Spa' }, 'service_type'],
      [{ status: 'Maybe' }, 'status'],
      [{ start_date: '2026-02-30' }, 'start_date'],
      [{ start_date: 'yesterday' }, 'start_date'],
      [{ end_date: daysAgo(5) }, 'end_date'],
      [{ cost: '12.345', currency: 'THB' }, 'cost'],
      [{ cost: '-5', currency: 'THB' }, 'cost'],
      [{ cost: '12' }, 'currency'],
      [{ cost: '12', currency: 'ABC' }, 'currency'],
      [{ provider: 999999 }, 'provider'],
      [{ provider: 'City Clinic' }, 'provider'],
      [{ notes: 'x'.repeat(4001) }, 'notes'],
      [{ colour: 'red' }, 'colour'],
      [{ service_type: null }, 'service_type'],
    ];
    for (const [change, field] of cases) {
      const r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/services`, { ...good, ...change });
      assert.ok(assertApiError(r, 400, JSON.stringify(change)).fields[field], `${JSON.stringify(change)} -> ${r.text}`);
    }
    assert.equal(await recordCount(c.id, 'service'), n0);
    const r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/risk`, { level: 'Low', date: todayUtc(), threats: ['Foo'] });
    assert.ok(assertApiError(r, 400).fields.threats);
    const f = await post('caseworker.bkk', `/api/v1/cases/${c.id}/risk`, { level: 'Low', date: daysAgo(-1) });
    assert.ok(assertApiError(f, 400).fields.date, 'an assessment in the future');
    assert.equal(await recordCount(c.id, 'risk'), 0);
  });

  it('a stale version answers 409 and keeps the record', async () => {
    const p = await created(await post('caseworker.bkk', `/api/v1/cases/${c.id}/support-plans`,
      { type: 'Livelihood', start_date: daysAgo(3), planned_end_date: daysAgo(-90), objectives: 'Open a stall' }));
    const r1 = await patch('caseworker.bkk', `/api/v1/records/${p.id}`, { actual_end_date: daysAgo(1), version: p.version });
    assert.equal(r1.status, 200, r1.text);
    const r2 = await patch('manager.bkk', `/api/v1/records/${p.id}`, { objectives: 'Something else', version: p.version });
    assertApiError(r2, 409);
    assertApiError(await patch('manager.bkk', `/api/v1/records/${p.id}`, { objectives: 'Something else' }), 400);
    const now = (await get('caseworker.bkk', `/api/v1/records/${p.id}`)).json;
    assert.equal(now.objectives, 'Open a stall');
    assert.equal(now.actual_end_date, daysAgo(1));
    const kinds = (await events(c.id)).map((e) => e.kind);
    assert.ok(kinds.includes('plan.added') && kinds.includes('plan.updated'));
    /* The plan's step falls on its start; the change on the day it was
     * made, not back on the plan's start (the timeline orders by day). */
    const steps = await sql(`SELECT kind, on_date, date(at, 'unixepoch') AS made FROM case_events
      WHERE case_id = ${Number(c.id)} AND kind IN ('plan.added', 'plan.updated') ORDER BY id`);
    assert.deepEqual(steps.map((e) => [e.kind, e.on_date]), [['plan.added', daysAgo(3)], ['plan.updated', null]]);
    assert.equal(steps[1].made, todayUtc());
  });

  it('records are sealed at rest: no note in clear in the database', async () => {
    const rows = await sql(`SELECT hex(body) AS b FROM case_records WHERE case_id = ${c.id}`);
    for (const row of rows) {
      const text = Buffer.from(row.b, 'hex').toString('latin1');
      assert.ok(!text.includes('Sukhumvit') && !text.includes('stall'), 'plain text in a record body');
    }
  });
});

describe('pages', () => {
  let c;
  before(async () => {
    c = await createCase(srv, s['caseworker.bkk']);
  });

  it('the case page links protection, and health only for those allowed', async () => {
    let r = await srv.api('GET', `/cases/${c.id}`, { session: s['caseworker.bkk'] });
    assert.match(r.text, new RegExp(`/cases/${c.id}/protection`));
    assert.doesNotMatch(r.text, new RegExp(`/cases/${c.id}/health`));
    assert.match(r.text, new RegExp(`/cases/${c.id}/file"`));
    r = await srv.api('GET', `/cases/${c.id}`, { session: s['medical.bkk'] });
    assert.match(r.text, new RegExp(`/cases/${c.id}/health`));
    assert.doesNotMatch(r.text, new RegExp(`/cases/${c.id}/protection`));
    assert.doesNotMatch(r.text, new RegExp(`/cases/${c.id}/file"`), 'no case file link for a medical officer');
  });

  it('the protection page adds a service without JavaScript; errors re-show the form', async () => {
    let r = await srv.api('GET', `/cases/${c.id}/protection`, { session: s['caseworker.bkk'] });
    assert.equal(r.status, 200);
    assert.match(r.text, /name="csrf"/);
    assert.match(r.text, /name="service_type"/);
    r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [['kind', 'services'],
      ['service_type', 'Legal'], ['start_date', '2026-02-31'], ['status', 'Planned'], ['notes', 'keep <me>']]);
    assert.equal(r.status, 400);
    assert.match(r.text, /keep &lt;me&gt;/, 'the typed text is shown again, escaped');
    assert.match(r.text, /aria-invalid="true"/);
    assert.equal(await recordCount(c.id, 'service'), 0);
    r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [['kind', 'services'],
      ['service_type', 'Legal'], ['start_date', daysAgo(1)], ['status', 'Planned'], ['cost', '10'], ['currency', 'USD']]);
    assert.equal(r.status, 303, r.text);
    assert.equal(await recordCount(c.id, 'service'), 1);
    r = await srv.api('GET', `/cases/${c.id}/protection`, { session: s['caseworker.bkk'] });
    assert.match(r.text, /10\.00/);
    /* Without the CSRF field: refused. */
    const body = new URLSearchParams([['kind', 'services'], ['service_type', 'Legal'], ['start_date', daysAgo(1)], ['status', 'Planned']]).toString();
    r = await srv.api('POST', `/cases/${c.id}/protection`, { session: s['caseworker.bkk'], csrf: false, body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 403);
    assert.equal(await recordCount(c.id, 'service'), 1);
  });

  it('a referral is updated and disclosed further through the page', async () => {
    await consent(c.id, 'Yes');
    const ref = await created(await post('caseworker.bkk', `/api/v1/cases/${c.id}/le-referrals`,
      { organisation: org.police.id, date: todayUtc(), shared: ['Statement', 'Identity', 'Statement'] }));
    assert.deepEqual(ref.shared, ['Identity', 'Statement'], 'codes in list order, once');
    let r = await srv.api('GET', `/cases/${c.id}/protection?edit=${ref.id}`, { session: s['caseworker.bkk'] });
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`name="record" value="${ref.id}"`));
    r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [['kind', 'le-referrals'],
      ['record', String(ref.id)], ['version', String(ref.version)], ['organisation', String(org.police.id)],
      ['date', todayUtc()], ['shared', 'Statement'], ['shared', 'Identity'], ['proceedings_status', 'Trial'], ['notes', '']]);
    assert.equal(r.status, 303, r.text);
    let now = (await get('caseworker.bkk', `/api/v1/records/${ref.id}`)).json;
    assert.equal(now.proceedings_status, 'Trial');
    r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [['kind', 'le-referrals'], ['action', 'disclose'],
      ['record', String(ref.id)], ['version', String(now.version)], ['shared', 'Contact']]);
    assert.equal(r.status, 303, r.text);
    now = (await get('caseworker.bkk', `/api/v1/records/${ref.id}`)).json;
    assert.deepEqual(now.disclosures.map((d) => d.shared), [['Contact']]);
    assert.equal((await auditEntries(srv, s.admin, `case=${c.id}&action=le.disclosure`)).length, 2);
    /* A stale form changes nothing. */
    r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [['kind', 'le-referrals'],
      ['record', String(ref.id)], ['version', String(ref.version)], ['organisation', String(org.police.id)],
      ['date', todayUtc()], ['shared', 'Identity'], ['shared', 'Statement'], ['proceedings_status', 'Dismissed']]);
    assert.equal(r.status, 409);
    assert.equal((await get('caseworker.bkk', `/api/v1/records/${ref.id}`)).json.proceedings_status, 'Trial');
  });

  it('a full shelter asks for confirmation on the page', async () => {
    const sh = await created(await post('manager.bkk', '/api/v1/shelters', { name: 'Tiny House', capacity: 1 }));
    const other = await createCase(srv, s['caseworker.bkk']);
    await created(await post('caseworker.bkk', `/api/v1/cases/${other.id}/shelter-stays`,
      { shelter: sh.id, admitted: todayUtc() }), 'the one place taken');
    let r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [['kind', 'shelter-stays'],
      ['shelter', String(sh.id)], ['admitted', todayUtc()]]);
    assert.equal(r.status, 400);
    assert.match(r.text, /name="confirm"/);
    assert.equal(await recordCount(c.id, 'shelter_stay'), 0);
    r = await postForm('caseworker.bkk', `/cases/${c.id}/protection`, [['kind', 'shelter-stays'],
      ['shelter', String(sh.id)], ['admitted', todayUtc()], ['confirm', '1']]);
    assert.equal(r.status, 303, r.text);
    assert.equal(await recordCount(c.id, 'shelter_stay'), 1);
  });

  it('a health record is added on the health page by a medical officer', async () => {
    const r = await postForm('medical.bkk', `/cases/${c.id}/health`, [['kind', 'health'],
      ['health_kind', 'PsychologicalWellbeing'], ['date', todayUtc()]]);
    assert.equal(r.status, 303, r.text);
    const r2 = await postForm('caseworker.bkk', `/cases/${c.id}/health`, [['kind', 'health'],
      ['health_kind', 'PsychologicalWellbeing'], ['date', todayUtc()]]);
    assert.equal(r2.status, 403, 'refused as the API refuses it');
    assert.equal(await recordCount(c.id, 'health'), 1);
  });

  it('registry pages list organisations and shelters; managers get the forms', async () => {
    let r = await srv.api('GET', '/organisations', { session: s['caseworker.bkk'] });
    assert.equal(r.status, 200);
    assert.match(r.text, /Anti-Trafficking Police/);
    assert.doesNotMatch(r.text, /action="\/organisations"/);
    r = await srv.api('GET', '/organisations', { session: s['manager.bkk'] });
    assert.match(r.text, /action="\/organisations"/);
    r = await postForm('manager.bkk', '/organisations', [['name', 'Legal Aid'], ['type', 'LegalService'], ['phone', 'abc']]);
    assert.equal(r.status, 400);
    r = await postForm('manager.bkk', '/organisations', [['name', 'Legal Aid'], ['type', 'LegalService'], ['country', 'TH']]);
    assert.equal(r.status, 303);
    r = await srv.api('GET', '/shelters', { session: s['caseworker.bog'] });
    assert.equal(r.status, 200);
    assert.match(r.text, /Casa/);
    assert.doesNotMatch(r.text, /Safe House/);
    r = await postForm('manager.bkk', '/shelters', [['name', 'Page House'], ['capacity', 'x']]);
    assert.equal(r.status, 400);
    r = await postForm('manager.bkk', '/shelters', [['name', 'Page House'], ['capacity', '4']]);
    assert.equal(r.status, 303);
    const where = r.headers.location;
    assert.match(where, /^\/shelters\/\d+$/);
    r = await srv.api('GET', where, { session: s['manager.bkk'] });
    assert.match(r.text, new RegExp(`action="${where}"`));
    r = await srv.api('GET', where, { session: s['caseworker.bkk'] });
    assert.doesNotMatch(r.text, new RegExp(`action="${where}"`));
    r = await postForm('manager.bkk', where, [['name', 'Page House'], ['capacity', '-3']]);
    assert.equal(r.status, 400);
    assert.match(r.text, /aria-invalid="true"/);
    r = await postForm('caseworker.bkk', where, [['name', 'Page House'], ['capacity', '9']]);
    assert.equal(r.status, 403);
    r = await postForm('manager.bkk', where, [['name', 'Page House'], ['city', 'Nonthaburi'], ['capacity', '6']]);
    assert.equal(r.status, 303);
    const got = (await get('caseworker.bkk', `/api/v1${where}`)).json;
    assert.equal(got.capacity, 6);
    assert.equal(got.city, 'Nonthaburi');
  });
});
