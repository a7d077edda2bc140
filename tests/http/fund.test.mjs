/*
 * fund.test.mjs - the Global Assistance Fund over the API and its pages:
 * who may do what (every endpoint x every role), the request workflow
 * refusing every illegal step with nothing saved, budgets that never go
 * negative even when approvals race, projects with donors and several
 * currencies, dated exchange rates, and the turnaround figures.
 *
 *   CTM_BIN=$PWD/build/test/ctm node --test --test-concurrency=1 tests/http/fund.test.mjs
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { assertApiError, auditEntries, createCase, startServer, todayUtc } from './lib.mjs';

const EXTRA = [
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-4c1d9e02' },
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-77ab31f0' },
];

/* SQL on the database beside the running server (reads, and the few
 * writes a test needs to set a clock or to try the schema itself). */
function sql(srv, query) {
  return execFileSync('sqlite3', ['-batch', '-noheader', srv.db, query],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const JUST = 'She needs surgery at Chulalongkorn hospital, her name is Somchai Kaewta';

async function login(srv) {
  const s = {};
  for (const u of ['admin', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'manager.bog', 'pm',
    'researcher', 'medical.bkk']) {
    s[u] = await srv.login(u);
  }
  return s;
}

async function newProject(srv, pm, body = {}) {
  const r = await srv.api('POST', '/api/v1/projects', {
    session: pm,
    body: { name: `P ${Math.random().toString(36).slice(2)}`, currency: 'USD', budget: '10000', donors: [], ...body },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function submit(srv, session, caseId, body = {}) {
  const r = await srv.api('POST', `/api/v1/cases/${caseId}/fund-requests`, {
    session, body: { type: 'medical', amount: '500', currency: 'USD', justification: JUST, ...body },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const decide = (srv, session, id, body) =>
  srv.api('POST', `/api/v1/fund-requests/${id}/decision`, { session, body });
const getReq = (srv, session, id) => srv.api('GET', `/api/v1/fund-requests/${id}`, { session });
const getProject = (srv, session, id, q = '') => srv.api('GET', `/api/v1/projects/${id}${q}`, { session });

function line(project, currency) {
  return project.budgets.find((b) => b.currency === currency);
}

describe('the Global Assistance Fund', () => {
  let srv;
  let s;
  let caseBkk;

  before(async () => {
    srv = await startServer({ extraUsers: EXTRA });
    srv.secret(JUST);
    s = await login(srv);
    caseBkk = await createCase(srv, s['manager.bkk']);
  });
  after(async () => { await srv?.stop(); });

  describe('projects, donors and rates', () => {
    it('shows a programme funded by two donors against its budget, with what is still to raise', async () => {
      const p = await newProject(srv, s.pm, {
        name: 'Programa de Prevención, Asistencia y Reinserción (Colombia)',
        region: 'Latin America', start: '2026-01-01', end: `${new Date().getUTCFullYear() + 1}-12-31`, target: 500,
        target_group: 'Victims of trafficking', budget: 1000000,
        donors: [{ name: 'Royal Netherlands Embassy', amount: 584936 },
          { name: 'US Department of State (G-TIP/INL)', amount: '200000.00' }],
      });
      const r = await getProject(srv, s.pm, p.id);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.budget, '1000000.00');
      assert.equal(r.json.funded, '784936.00');
      assert.equal(r.json.still_to_raise, '215064.00');
      assert.equal(r.json.target, 500);
      assert.equal(r.json.assisted, 0);
      assert.equal(r.json.donors.length, 2);
      assert.deepEqual(r.json.donors[0], { name: 'Royal Netherlands Embassy', amount: '584936.00', currency: 'USD' });
      assert.deepEqual(line(r.json, 'USD'),
        { currency: 'USD', budget: '1000000.00', committed: '0.00', disbursed: '0.00', remaining: '1000000.00' });
    });

    it('totals other currencies in USD with the rate in force on the date asked', async () => {
      let r = await srv.api('POST', '/api/v1/rates', { session: s.pm, body: { currency: 'EUR', valid_from: '2026-01-01', rate: '0.92' } });
      assert.equal(r.status, 201, r.text);
      r = await srv.api('POST', '/api/v1/rates', { session: s.admin, body: { currency: 'EUR', valid_from: '2026-06-01', rate: 0.9 } });
      assert.equal(r.status, 201, r.text);
      const p = await newProject(srv, s.pm, {
        currency: 'EUR', budget: '920', donors: [{ name: 'Donor in dollars', amount: '500', currency: 'USD' }],
        budgets: [{ currency: 'USD', budget: '100' }],
      });
      r = await getProject(srv, s.pm, p.id, '?date=2026-03-01');
      assert.equal(r.status, 200, r.text);
      /* 920 EUR / 0.92 = 1000 USD, plus the USD line */
      assert.equal(r.json.usd.budget, '1100.00');
      assert.equal(r.json.usd.incomplete, false);
      /* 500 USD = 460 EUR */
      assert.equal(r.json.funded, '460.00');
      assert.equal(r.json.still_to_raise, '460.00');
      r = await getProject(srv, s.pm, p.id, '?date=2026-07-01');
      assert.equal(r.json.usd.budget, '1122.22');
      r = await getProject(srv, s.pm, p.id, '?date=2025-12-31');
      assert.equal(r.json.usd.incomplete, true, 'no EUR rate yet in 2025');
      assert.equal(r.json.funded_incomplete, true);
      r = await srv.api('GET', '/api/v1/projects?date=2026-03-01', { session: s.pm });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.totals.currency, 'USD');
      assert.equal(r.json.totals.incomplete, false);
      r = await srv.api('GET', '/api/v1/rates', { session: s.pm });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.rates.filter((x) => x.currency === 'EUR').map((x) => [x.valid_from, x.rate]),
        [['2026-06-01', '0.9'], ['2026-01-01', '0.92']]);
      for (const [date, eur] of [['2026-03-01', '0.92'], ['2026-06-01', '0.9'], ['2025-12-31', undefined]]) {
        r = await srv.api('GET', `/api/v1/rates?date=${date}`, { session: s.pm });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.in_force.date, date);
        assert.equal(r.json.in_force.rates.EUR, eur, `EUR in force on ${date}`);
        assert.equal(r.json.in_force.rates.USD, '1');
      }
      assertApiError(await srv.api('GET', '/api/v1/rates?date=2026-02-30', { session: s.pm }), 400);
      assertApiError(await srv.api('GET', '/api/v1/projects?date=yesterday', { session: s.pm }), 400);
    });

    it('adds a donor\'s contribution later: still to raise goes down', async () => {
      const p = await newProject(srv, s.pm, { budget: '1000', donors: [{ name: 'First', amount: '100' }] });
      for (const [body, field] of [[{ name: '', amount: 5 }, 'name'], [{ name: 'x', amount: '0' }, 'amount'],
        [{ name: 'x', amount: '1.001' }, 'amount'], [{ name: 'x', amount: 5, currency: 'ABC' }, 'currency']]) {
        const e = assertApiError(await srv.api('POST', `/api/v1/projects/${p.id}/donors`, { session: s.pm, body }), 400);
        assert.ok(e.fields?.[field], `${JSON.stringify(body)}: ${JSON.stringify(e)}`);
      }
      assertApiError(await srv.api('POST', '/api/v1/projects/999999/donors',
        { session: s.pm, body: { name: 'x', amount: 5 } }), 404);
      const r = await srv.api('POST', `/api/v1/projects/${p.id}/donors`,
        { session: s.pm, body: { name: 'Second', amount: 250.5 } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.funded, '350.50');
      assert.equal(r.json.still_to_raise, '649.50');
      assert.deepEqual(r.json.donors.map((d) => d.name), ['First', 'Second']);
    });

    it('refuses bad projects and rates, saving nothing', async () => {
      const before = sql(srv, 'SELECT count(*) FROM projects');
      const bad = [
        [{ name: '', currency: 'USD', budget: '10' }, 'name'],
        [{ name: 'x', currency: 'XYZ', budget: '10' }, 'currency'],
        [{ name: 'x', currency: 'usd', budget: '10' }, 'currency'],
        [{ name: 'x', currency: 'USD', budget: '-10' }, 'budget'],
        [{ name: 'x', currency: 'USD', budget: 0 }, 'budget'],
        [{ name: 'x', currency: 'USD', budget: '10.005' }, 'budget'],
        [{ name: 'x', currency: 'USD', budget: '10', start: '2026-02-30' }, 'start'],
        [{ name: 'x', currency: 'USD', budget: '10', start: '2026-05-01', end: '2026-01-01' }, 'end'],
        [{ name: 'x', currency: 'USD', budget: '10', target: -1 }, 'target'],
        /* A refusal names the member at fault, not only its list. */
        [{ name: 'x', currency: 'USD', budget: '10', donors: [{ name: 'd', amount: 0 }] }, 'donors[0].amount'],
        [{ name: 'x', currency: 'USD', budget: '10', donors: [{ name: '', amount: 5 }] }, 'donors[0].name'],
        [{ name: 'x', currency: 'USD', budget: '10', donors: [{ name: 'd', amount: 5, currency: 'QQQ' }] }, 'donors[0].currency'],
        [{ name: 'x', currency: 'USD', budget: '10', budgets: [{ currency: 'USD', budget: 5 }] }, 'budgets[0].currency'],
      ];
      for (const [body, field] of bad) {
        const r = await srv.api('POST', '/api/v1/projects', { session: s.pm, body });
        const e = assertApiError(r, 400, JSON.stringify(body));
        assert.ok(e.fields?.[field], `${JSON.stringify(body)}: no message for ${field}: ${r.text}`);
      }
      await newProject(srv, s.pm, { name: 'Twice' });
      assertApiError(await srv.api('POST', '/api/v1/projects',
        { session: s.pm, body: { name: 'Twice', currency: 'USD', budget: 1 } }), 409);
      assert.equal(sql(srv, 'SELECT count(*) FROM projects'), String(Number(before) + 1));
      for (const body of [{ currency: 'USD', valid_from: '2026-01-01', rate: 1 },
        { currency: 'EUR', valid_from: '2026-13-01', rate: 1 },
        { currency: 'EUR', valid_from: '2026-01-01', rate: 0 },
        { currency: 'EUR', valid_from: '2026-01-01', rate: '1.1234567' },
        { currency: 'XXY', valid_from: '2026-01-01', rate: 1 }]) {
        assertApiError(await srv.api('POST', '/api/v1/rates', { session: s.pm, body }), 400, JSON.stringify(body));
      }
      assert.equal(sql(srv, "SELECT count(*) FROM fund_rates WHERE valid_from = '2026-13-01' OR rate = 0"), '0');
    });
  });

  describe('who may do what', () => {
    const ROLES = ['admin', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'pm', 'researcher', 'medical.bkk'];
    let project;

    before(async () => {
      project = await newProject(srv, s.pm, { budget: '1000000' });
    });

    /* One fresh request per call, in the state the endpoint needs. */
    async function fresh(state) {
      const q = await submit(srv, s['caseworker.bkk'], caseBkk.id, { amount: '10' });
      if (state === 'need-info' || state === 'approved') {
        const r = await decide(srv, s.pm, q.id, state === 'approved'
          ? { decision: 'approve', project_id: project.id, reason: 'ok' }
          : { decision: 'need-info', reason: 'which hospital?' });
        assert.equal(r.status, 200, r.text);
      }
      return q;
    }

    const matrix = [
      {
        what: 'POST /cases/{id}/fund-requests',
        call: async (who) => srv.api('POST', `/api/v1/cases/${caseBkk.id}/fund-requests`,
          { session: s[who], body: { type: 'return', amount: '20', currency: 'USD', justification: 'travel' } }),
        expect: { admin: 403, 'caseworker.bkk': 201, 'manager.bkk': 201, 'caseworker.bog': 404, pm: 403,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'GET /cases/{id}/fund-requests',
        call: async (who) => srv.api('GET', `/api/v1/cases/${caseBkk.id}/fund-requests`, { session: s[who] }),
        /* An admin has no case content, a case's requests included. */
        expect: { admin: 403, 'caseworker.bkk': 200, 'manager.bkk': 200, 'caseworker.bog': 404, pm: 200,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'GET /fund-requests',
        call: async (who) => srv.api('GET', '/api/v1/fund-requests', { session: s[who] }),
        expect: { admin: 200, 'caseworker.bkk': 200, 'manager.bkk': 200, 'caseworker.bog': 200, pm: 200,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'GET /fund-requests/{id}',
        call: async (who) => srv.api('GET', `/api/v1/fund-requests/${(await fresh('submitted')).id}`, { session: s[who] }),
        expect: { admin: 200, 'caseworker.bkk': 200, 'manager.bkk': 200, 'caseworker.bog': 404, pm: 200,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'POST /fund-requests/{id}/decision',
        call: async (who) => decide(srv, s[who], (await fresh('submitted')).id,
          { decision: 'approve', project_id: project.id, reason: 'fine' }),
        expect: { admin: 403, 'caseworker.bkk': 403, 'manager.bkk': 403, 'caseworker.bog': 404, pm: 200,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'POST /fund-requests/{id}/resubmit',
        call: async (who) => srv.api('POST', `/api/v1/fund-requests/${(await fresh('need-info')).id}/resubmit`,
          { session: s[who], body: { justification: 'the district hospital' } }),
        expect: { admin: 403, 'caseworker.bkk': 200, 'manager.bkk': 200, 'caseworker.bog': 404, pm: 403,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'POST /fund-requests/{id}/disbursements',
        call: async (who) => srv.api('POST', `/api/v1/fund-requests/${(await fresh('approved')).id}/disbursements`,
          { session: s[who], body: { amount: '5', date: todayUtc(), note: 'cash' } }),
        expect: { admin: 403, 'caseworker.bkk': 403, 'manager.bkk': 403, 'caseworker.bog': 404, pm: 201,
          researcher: 403, 'medical.bkk': 403 },
        refusal: /records disbursements/,
      },
      {
        what: 'POST /projects',
        call: async (who) => srv.api('POST', '/api/v1/projects',
          { session: s[who], body: { name: `M ${who} ${Math.random()}`, currency: 'USD', budget: 1 } }),
        expect: { admin: 201, 'caseworker.bkk': 403, 'manager.bkk': 403, 'caseworker.bog': 403, pm: 201,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'GET /projects',
        call: async (who) => srv.api('GET', '/api/v1/projects', { session: s[who] }),
        expect: { admin: 200, 'caseworker.bkk': 403, 'manager.bkk': 403, 'caseworker.bog': 403, pm: 200,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'GET /projects/{id}',
        call: async (who) => getProject(srv, s[who], project.id),
        expect: { admin: 200, 'caseworker.bkk': 403, 'manager.bkk': 403, 'caseworker.bog': 403, pm: 200,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'POST /projects/{id}/cases',
        call: async (who) => srv.api('POST', `/api/v1/projects/${project.id}/cases`,
          { session: s[who], body: { case_id: caseBkk.id } }),
        /* The admin may not see the case: as for a missing one. */
        expect: { admin: 400, 'caseworker.bkk': 403, 'manager.bkk': 403, 'caseworker.bog': 403, pm: 200,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'POST /projects/{id}/donors',
        call: async (who) => srv.api('POST', `/api/v1/projects/${project.id}/donors`,
          { session: s[who], body: { name: `Donor of ${who}`, amount: '1' } }),
        expect: { admin: 201, 'caseworker.bkk': 403, 'manager.bkk': 403, 'caseworker.bog': 403, pm: 201,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'GET /fund/turnaround',
        call: async (who) => srv.api('GET', '/api/v1/fund/turnaround', { session: s[who] }),
        expect: { admin: 200, 'caseworker.bkk': 403, 'manager.bkk': 403, 'caseworker.bog': 403, pm: 200,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'GET /rates',
        call: async (who) => srv.api('GET', '/api/v1/rates', { session: s[who] }),
        expect: { admin: 200, 'caseworker.bkk': 403, 'manager.bkk': 403, 'caseworker.bog': 403, pm: 200,
          researcher: 403, 'medical.bkk': 403 },
      },
      {
        what: 'POST /rates',
        call: async (who) => srv.api('POST', '/api/v1/rates',
          { session: s[who], body: { currency: 'THB', valid_from: '2026-01-01', rate: '35.5', replace: true } }),
        expect: { admin: 201, 'caseworker.bkk': 403, 'manager.bkk': 403, 'caseworker.bog': 403, pm: 201,
          researcher: 403, 'medical.bkk': 403 },
      },
    ];

    for (const m of matrix) {
      it(`${m.what}: every role`, async () => {
        for (const who of ROLES) {
          const r = await m.call(who);
          assert.equal(r.status, m.expect[who], `${m.what} as ${who}: ${r.status} ${r.text}`);
          if (r.status >= 400) assertApiError(r, r.status, `${m.what} as ${who}`);
          if (r.status === 403 && m.refusal) assert.match(r.json.error, m.refusal, `${m.what} as ${who}`);
        }
      });
    }

    it('a refused decision or disbursement changes nothing', async () => {
      const q = await fresh('submitted');
      for (const who of ROLES.filter((x) => x !== 'pm')) {
        await decide(srv, s[who], q.id, { decision: 'approve', project_id: project.id, reason: 'x' });
      }
      const r = await getReq(srv, s.pm, q.id);
      assert.equal(r.json.state, 'submitted');
      assert.equal(r.json.approved, null);
    });

    it('office staff see only their own office\'s requests in the queue', async () => {
      const caseBog = await createCase(srv, s['manager.bog']);
      const qb = await submit(srv, s['caseworker.bog'], caseBog.id);
      let r = await srv.api('GET', '/api/v1/fund-requests', { session: s['caseworker.bog'] });
      assert.ok(r.json.requests.length >= 1);
      assert.ok(r.json.requests.every((x) => x.office === 'BOG'), r.text);
      r = await srv.api('GET', '/api/v1/fund-requests', { session: s['manager.bkk'] });
      assert.ok(r.json.requests.every((x) => x.office === 'BKK'));
      assert.ok(!r.json.requests.some((x) => x.id === qb.id));
      r = await srv.api('GET', '/api/v1/fund-requests', { session: s.pm });
      assert.ok(r.json.requests.some((x) => x.id === qb.id));
      assert.ok(r.json.requests.every((x) => !('justification' in x)), 'the queue shows no justification');
    });
  });

  describe('the workflow', () => {
    let project;
    let eurProject;

    before(async () => {
      project = await newProject(srv, s.pm, { budget: '1000' });
      eurProject = await newProject(srv, s.pm, { currency: 'EUR', budget: '1000' });
    });

    const count = () => Number(sql(srv, 'SELECT count(*) FROM fund_requests'));

    it('refuses bad requests with a message and saves nothing', async () => {
      const n = count();
      const bad = [
        [{ amount: '-5' }, 'amount'], [{ amount: 0 }, 'amount'], [{ amount: '0.00' }, 'amount'],
        [{ amount: '1.005' }, 'amount'], [{ amount: 1.005 }, 'amount'], [{ amount: 'abc' }, 'amount'],
        [{ amount: '1e3' }, 'amount'], [{ amount: -3 }, 'amount'], [{ amount: true }, 'amount'],
        [{ amount: '99999999999999' }, 'amount'],
        [{ currency: 'XYZ' }, 'currency'], [{ currency: 'usd' }, 'currency'], [{ currency: 'US' }, 'currency'],
        [{ type: 'holiday' }, 'type'], [{ justification: '   ' }, 'justification'],
        [{ justification: 'x'.repeat(10001) }, 'justification'],
      ];
      for (const [body, field] of bad) {
        const r = await srv.api('POST', `/api/v1/cases/${caseBkk.id}/fund-requests`, {
          session: s['caseworker.bkk'],
          body: { type: 'medical', amount: '500', currency: 'USD', justification: JUST, ...body },
        });
        const e = assertApiError(r, 400, JSON.stringify(body).slice(0, 60));
        assert.ok(e.fields?.[field], `no message for ${field}: ${r.text}`);
      }
      assertApiError(await srv.api('POST', `/api/v1/cases/${caseBkk.id}/fund-requests`, {
        session: s['caseworker.bkk'], body: { type: 'medical', amount: '5', currency: 'USD', justification: 'x', extra: 1 },
      }), 400);
      assert.equal(count(), n, 'a refused request was saved');
      /* two decimals as a JSON number are fine */
      const q = await submit(srv, s['caseworker.bkk'], caseBkk.id, { amount: 12.5 });
      assert.equal(q.amount, '12.50');
      assert.equal(q.state, 'submitted');
    });

    it('seals the justification: it is in no table in clear, and only the fund readers see it', async () => {
      const q = await submit(srv, s['caseworker.bkk'], caseBkk.id);
      const r = await getReq(srv, s['manager.bkk'], q.id);
      assert.equal(r.json.justification, JUST);
      const db = fs.readFileSync(srv.db);
      assert.ok(!db.includes(Buffer.from('Somchai')), 'the justification is in the database in clear');
      assert.ok(!sql(srv, 'SELECT detail FROM case_events').includes('Somchai'));
      assert.ok(!sql(srv, 'SELECT detail FROM audit').includes('Somchai'));
    });

    it('refuses every illegal step, changing nothing', async () => {
      const q = await submit(srv, s['caseworker.bkk'], caseBkk.id, { amount: '400' });
      /* disburse before approval, resubmit when not sent back */
      assertApiError(await srv.api('POST', `/api/v1/fund-requests/${q.id}/disbursements`,
        { session: s.pm, body: { amount: '10' } }), 409);
      assertApiError(await srv.api('POST', `/api/v1/fund-requests/${q.id}/resubmit`,
        { session: s['caseworker.bkk'], body: { justification: 'more' } }), 409);
      /* bad decisions */
      for (const [body, status, field] of [
        [{ decision: 'maybe', reason: 'x' }, 400, 'decision'],
        [{ decision: 'approve', project_id: project.id }, 400, 'reason'],
        [{ decision: 'approve', project_id: project.id, reason: '' }, 400, 'reason'],
        [{ decision: 'approve', reason: 'x' }, 400, 'project_id'],
        [{ decision: 'approve', project_id: 999999, reason: 'x' }, 400, 'project_id'],
        [{ decision: 'approve', project_id: 'x', reason: 'x' }, 400, 'project_id'],
        [{ decision: 'approve', project_id: project.id, amount: '400.01', reason: 'x' }, 400, 'amount'],
        [{ decision: 'approve', project_id: project.id, amount: '-1', reason: 'x' }, 400, 'amount'],
        [{ decision: 'approve', project_id: project.id, amount: '1.001', reason: 'x' }, 400, 'amount'],
        [{ decision: 'approve', project_id: eurProject.id, reason: 'x' }, 409, 'project_id'],
      ]) {
        const e = assertApiError(await decide(srv, s.pm, q.id, body), status, JSON.stringify(body));
        assert.ok(e.fields?.[field], `${JSON.stringify(body)}: no message for ${field}`);
      }
      let r = await getReq(srv, s.pm, q.id);
      assert.equal(r.json.state, 'submitted');
      let p = await getProject(srv, s.pm, project.id);
      assert.equal(line(p.json, 'USD').committed, '0.00');

      /* partial approval */
      r = await decide(srv, s.pm, q.id, { decision: 'approve', project_id: project.id, amount: '300', reason: 'partly' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.state, 'approved');
      assert.equal(r.json.approved, '300.00');
      assert.equal(r.json.project_id, project.id);
      p = await getProject(srv, s.pm, project.id);
      assert.equal(line(p.json, 'USD').committed, '300.00');
      assert.equal(line(p.json, 'USD').remaining, '700.00');
      assert.equal(p.json.assisted, 1, 'an approval assigns the case to the project');
      assert.deepEqual(p.json.cases.map((c) => c.id), [caseBkk.id]);

      /* decide twice */
      for (const d of ['approve', 'reject', 'need-info']) {
        assertApiError(await decide(srv, s.pm, q.id, { decision: d, project_id: project.id, reason: 'again' }), 409);
      }
      r = await getReq(srv, s.pm, q.id);
      assert.equal(r.json.state, 'approved');
      assert.equal(r.json.reason, 'partly');

      /* disbursements up to the commitment, never beyond */
      r = await srv.api('POST', `/api/v1/fund-requests/${q.id}/disbursements`,
        { session: s.pm, body: { amount: '100.50', date: todayUtc(), note: 'first instalment' } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.disbursed, '100.50');
      assert.equal(r.json.disbursements[0].note, 'first instalment');
      for (const [body, status] of [[{ amount: '199.51' }, 409], [{ amount: 0 }, 400], [{ amount: '-5' }, 400],
        [{ amount: '1.234' }, 400], [{ amount: '10', date: '2026-02-31' }, 400], [{}, 400],
        [{ amount: '10', date: '2999-01-01' }, 400], [{ amount: '10', date: '2000-01-01' }, 400]]) {
        assertApiError(await srv.api('POST', `/api/v1/fund-requests/${q.id}/disbursements`, { session: s.pm, body }),
          status, JSON.stringify(body));
      }
      r = await srv.api('POST', `/api/v1/fund-requests/${q.id}/disbursements`,
        { session: s.pm, body: { amount: '199.50' } });
      assert.equal(r.status, 201, r.text);
      assertApiError(await srv.api('POST', `/api/v1/fund-requests/${q.id}/disbursements`,
        { session: s.pm, body: { amount: '0.01' } }), 409);
      p = await getProject(srv, s.pm, project.id);
      assert.deepEqual(line(p.json, 'USD'),
        { currency: 'USD', budget: '1000.00', committed: '300.00', disbursed: '300.00', remaining: '700.00' });

      /* approve above what remains */
      const big = await submit(srv, s['caseworker.bkk'], caseBkk.id, { amount: '700.01' });
      const e = assertApiError(await decide(srv, s.pm, big.id,
        { decision: 'approve', project_id: project.id, reason: 'x' }), 409);
      assert.ok(e.fields?.amount);
      r = await getReq(srv, s.pm, big.id);
      assert.equal(r.json.state, 'submitted');
      p = await getProject(srv, s.pm, project.id);
      assert.equal(line(p.json, 'USD').committed, '300.00');
    });

    it('need-info goes back to the office, which completes and resubmits it', async () => {
      const q = await submit(srv, s['caseworker.bkk'], caseBkk.id, { amount: '250', type: 'reintegration' });
      let r = await decide(srv, s.pm, q.id, { decision: 'need-info', reason: 'Which training?' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.state, 'need-info');
      assertApiError(await decide(srv, s.pm, q.id, { decision: 'approve', project_id: project.id, reason: 'x' }), 409);
      for (const body of [{}, { amount: '0' }, { amount: '2.555' }, { justification: ' ' }]) {
        assertApiError(await srv.api('POST', `/api/v1/fund-requests/${q.id}/resubmit`,
          { session: s['caseworker.bkk'], body }), 400, JSON.stringify(body));
      }
      r = await getReq(srv, s.pm, q.id);
      assert.equal(r.json.state, 'need-info');
      assert.equal(r.json.amount, '250.00');
      r = await srv.api('POST', `/api/v1/fund-requests/${q.id}/resubmit`,
        { session: s['manager.bkk'], body: { amount: '200', justification: 'Tailoring course, 3 months' } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.state, 'submitted');
      assert.equal(r.json.amount, '200.00');
      assert.equal(r.json.justification, 'Tailoring course, 3 months');
      r = await decide(srv, s.pm, q.id, { decision: 'reject', reason: 'Covered by the local partner' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.state, 'rejected');
      assertApiError(await srv.api('POST', `/api/v1/fund-requests/${q.id}/resubmit`,
        { session: s['caseworker.bkk'], body: { justification: 'please' } }), 409);
      assertApiError(await srv.api('POST', `/api/v1/fund-requests/${q.id}/disbursements`,
        { session: s.pm, body: { amount: '1' } }), 409);

      const kinds = sql(srv, `SELECT kind FROM case_events WHERE ref_id = ${q.id} AND kind LIKE 'fund.%' ORDER BY id`);
      assert.deepEqual(kinds.split('\n'), ['fund.requested', 'fund.need_info', 'fund.resubmitted', 'fund.rejected']);
      const detail = JSON.parse(sql(srv, `SELECT detail FROM case_events WHERE ref_id = ${q.id} AND kind = 'fund.resubmitted'`));
      assert.deepEqual(detail, { amount: '200.00', currency: 'USD', fund_type: 'reintegration' });
    });

    it('writes the timeline and the audit of every step, without the texts', async () => {
      const ev = sql(srv, `SELECT kind FROM case_events WHERE case_id = ${caseBkk.id}`).split('\n');
      for (const k of ['fund.requested', 'fund.approved', 'fund.disbursed', 'fund.need_info', 'fund.resubmitted',
        'fund.rejected', 'project.assigned']) {
        assert.ok(ev.includes(k), `no ${k} on the timeline`);
      }
      const entries = await auditEntries(srv, s.admin, 'action=fund.');
      const actions = new Set(entries.map((e) => e.action));
      for (const a of ['fund.request', 'fund.decide', 'fund.disburse', 'fund.resubmit', 'fund.view']) {
        assert.ok(actions.has(a), `no ${a} in the audit`);
      }
      const text = JSON.stringify(entries);
      for (const secret of ['Somchai', 'Tailoring', 'Which training', 'first instalment', 'partly']) {
        assert.ok(!text.includes(secret), `the audit holds "${secret}"`);
      }
      const pc = await auditEntries(srv, s.admin, 'action=project.create');
      assert.ok(pc.length > 0);
    });
  });

  describe('approvals that race for the same budget', () => {
    it('let exactly one of two through, round after round, and never overspend', async () => {
      for (let round = 0; round < 6; round++) {
        const p = await newProject(srv, s.pm, { budget: '1000' });
        const a = await submit(srv, s['caseworker.bkk'], caseBkk.id, { amount: '600' });
        const b = await submit(srv, s['manager.bkk'], caseBkk.id, { amount: '600' });
        const body = { decision: 'approve', project_id: p.id, reason: 'race' };
        const rs = await Promise.all([decide(srv, s.pm, a.id, body), decide(srv, s.pm, b.id, body)]);
        const codes = rs.map((r) => r.status).sort();
        assert.deepEqual(codes, [200, 409], `round ${round}: ${rs.map((r) => r.text).join(' | ')}`);
        const pr = await getProject(srv, s.pm, p.id);
        assert.equal(line(pr.json, 'USD').committed, '600.00');
        assert.equal(line(pr.json, 'USD').remaining, '400.00');
      }
    });

    it('let through only what fits when many race', async () => {
      for (let round = 0; round < 3; round++) {
        const p = await newProject(srv, s.pm, { budget: '1000' });
        const qs = [];
        for (let i = 0; i < 5; i++) qs.push(await submit(srv, s['caseworker.bkk'], caseBkk.id, { amount: '300' }));
        const rs = await Promise.all(qs.map((q) => decide(srv, s.pm, q.id,
          { decision: 'approve', project_id: p.id, reason: 'race' })));
        assert.equal(rs.filter((r) => r.status === 200).length, 3, rs.map((r) => r.status).join(','));
        assert.equal(rs.filter((r) => r.status === 409).length, 2);
        const pr = await getProject(srv, s.pm, p.id);
        assert.equal(line(pr.json, 'USD').committed, '900.00');
        assert.equal(line(pr.json, 'USD').remaining, '100.00');
      }
      assert.equal(sql(srv, 'SELECT count(*) FROM fund_budgets WHERE committed > budget OR disbursed > committed'), '0');
    });

    it('disbursements that race never pay out more than the commitment', async () => {
      const p = await newProject(srv, s.pm, { budget: '1000' });
      const q = await submit(srv, s['caseworker.bkk'], caseBkk.id, { amount: '500' });
      assert.equal((await decide(srv, s.pm, q.id, { decision: 'approve', project_id: p.id, reason: 'ok' })).status, 200);
      const rs = await Promise.all([1, 2, 3].map(() => srv.api('POST', `/api/v1/fund-requests/${q.id}/disbursements`,
        { session: s.pm, body: { amount: '200' } })));
      assert.deepEqual(rs.map((r) => r.status).sort(), [201, 201, 409]);
      const pr = await getProject(srv, s.pm, p.id);
      assert.equal(line(pr.json, 'USD').disbursed, '400.00');
    });

    it('the schema itself refuses a commitment above the budget', () => {
      assert.throws(() => sql(srv, 'UPDATE fund_budgets SET committed = budget + 1'), /CHECK constraint/);
      assert.throws(() => sql(srv, 'UPDATE fund_budgets SET disbursed = committed + 1'), /CHECK constraint/);
    });
  });

  describe('pages', () => {
    const form = (session, fields) => ({
      session,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: session.csrf, ...fields }).toString(),
    });

    it('a case\'s fund page takes a request, and re-shows the form on an error with nothing saved', async () => {
      const n = sql(srv, 'SELECT count(*) FROM fund_requests');
      let r = await srv.api('POST', `/cases/${caseBkk.id}/fund`, form(s['caseworker.bkk'],
        { type: 'medical', amount: '12.345', currency: 'USD', justification: 'x-ray' }));
      assert.equal(r.status, 400);
      assert.match(r.text, /aria-invalid="true"/);
      assert.match(r.text, /value="12.345"/);
      assert.equal(sql(srv, 'SELECT count(*) FROM fund_requests'), n);
      r = await srv.api('POST', `/cases/${caseBkk.id}/fund`, form(s['caseworker.bkk'],
        { type: 'medical', amount: '12.34', currency: 'USD', justification: 'x-ray' }));
      assert.equal(r.status, 303, r.text);
      assert.equal(sql(srv, 'SELECT count(*) FROM fund_requests'), String(Number(n) + 1));
      r = await srv.api('GET', `/cases/${caseBkk.id}/fund`, { session: s['caseworker.bkk'] });
      assert.equal(r.status, 200);
      assert.match(r.text, /12\.34 USD/);
      assert.match(r.text, /name="csrf"/);
      r = await srv.api('GET', `/cases/${caseBkk.id}/fund`, { session: s['caseworker.bog'] });
      assert.equal(r.status, 404);
      r = await srv.api('GET', `/cases/${caseBkk.id}/fund`, { session: s.researcher });
      assert.equal(r.status, 404);
    });

    it('the queue, the request, projects and rates pages answer whom they should', async () => {
      const q = await submit(srv, s['caseworker.bkk'], caseBkk.id);
      for (const [path, ok, no] of [
        ['/fund', ['pm', 'admin', 'caseworker.bkk', 'manager.bkk'], ['researcher', 'medical.bkk']],
        [`/fund/requests/${q.id}`, ['pm', 'admin', 'caseworker.bkk'], ['caseworker.bog', 'researcher', 'medical.bkk']],
        ['/projects', ['pm', 'admin'], ['caseworker.bkk', 'researcher', 'medical.bkk']],
        ['/fund/rates', ['pm', 'admin'], ['caseworker.bkk', 'researcher']],
      ]) {
        for (const who of ok) {
          const r = await srv.api('GET', path, { session: s[who] });
          assert.equal(r.status, 200, `${path} as ${who}`);
        }
        for (const who of no) {
          const r = await srv.api('GET', path, { session: s[who] });
          assert.ok(r.status === 403 || r.status === 404, `${path} as ${who}: ${r.status}`);
          assert.ok(!r.text.includes('Somchai'), `${path} as ${who} shows the justification`);
        }
      }
      let r = await srv.api('GET', '/fund', { session: s.pm });
      assert.match(r.text, new RegExp(`href="/fund/requests/${q.id}"`));
      assert.match(r.text, /href="\/fund"/, 'the navigation links the fund');
      const waiting = Number(sql(srv, "SELECT count(*) FROM fund_requests WHERE state = 'submitted'"));
      assert.ok(waiting > 0);
      assert.match(r.text, new RegExp(`id="fund-queue">${waiting}<`), 'the queue length');
      r = await srv.api('GET', '/cases', { session: s.researcher });
      assert.doesNotMatch(r.text, /href="\/fund"/);
      r = await srv.api('GET', `/fund/requests/${q.id}`, { session: s.pm });
      assert.match(r.text, /name="decision"/);
      assert.ok(r.text.includes('Somchai'), 'the programme manager reads the justification');
      r = await srv.api('GET', `/fund/requests/${q.id}`, { session: s['caseworker.bkk'] });
      assert.doesNotMatch(r.text, /name="decision"/);
      /* a decision without a reason: the form again, nothing changed */
      r = await srv.api('POST', `/fund/requests/${q.id}`, form(s.pm, { action: 'decide', decision: 'reject', reason: '' }));
      assert.equal(r.status, 400);
      assert.match(r.text, /id="reason-error"/);
      assert.equal(sql(srv, `SELECT state FROM fund_requests WHERE id = ${q.id}`), 'submitted');
      /* the office cannot decide through the page either */
      r = await srv.api('POST', `/fund/requests/${q.id}`, form(s['caseworker.bkk'],
        { action: 'decide', decision: 'reject', reason: 'mine' }));
      assert.equal(r.status, 403);
      assert.equal(sql(srv, `SELECT state FROM fund_requests WHERE id = ${q.id}`), 'submitted');
    });

    it('creates a project with donors from the page', async () => {
      let r = await srv.api('POST', '/projects', form(s.pm, { name: 'Page project', currency: 'USD', budget: '-1' }));
      assert.equal(r.status, 400);
      assert.match(r.text, /id="budget-error"/);
      r = await srv.api('POST', '/projects', form(s.pm, {
        name: 'Page project', region: 'Mekong Region', currency: 'USD', budget: '900', target: '900',
        donor_name_1: 'Donor A', donor_amount_1: '300', donor_currency_1: '',
      }));
      assert.equal(r.status, 303, r.text);
      const loc = r.headers.location;
      r = await srv.api('GET', loc, { session: s.pm });
      assert.equal(r.status, 200);
      assert.match(r.text, /Donor A/);
      assert.match(r.text, /300\.00 \/ 900\.00 USD/);
      assert.match(r.text, /600\.00 USD/);
      r = await srv.api('POST', loc, form(s.pm, { action: 'assign', case: 'BKK-1999-000001' }));
      assert.equal(r.status, 400);
      assert.match(r.text, /id="case-error"/);
      r = await srv.api('POST', loc, form(s.pm, { action: 'assign', case: caseBkk.case_number }));
      assert.equal(r.status, 303, r.text);
      r = await srv.api('GET', loc, { session: s.pm });
      assert.match(r.text, /1 \/ 900/);
      r = await srv.api('POST', loc, form(s.pm, { action: 'donor', name: 'Donor B', amount: '0', currency: 'USD' }));
      assert.equal(r.status, 400);
      assert.match(r.text, /id="donor_amount-error"/);
      r = await srv.api('POST', loc, form(s.pm, { action: 'donor', name: 'Donor B', amount: '100', currency: 'USD' }));
      assert.equal(r.status, 303, r.text);
      r = await srv.api('GET', loc, { session: s.pm });
      assert.match(r.text, /400\.00 \/ 900\.00 USD/);
      assert.match(r.text, /id="project-raise">500\.00 USD/);
    });

    it('creates a project with budget lines in two currencies from the page', async () => {
      let r = await srv.api('POST', '/projects', form(s.pm, {
        name: 'Two currencies', currency: 'USD', budget: '900', line_currency_1: 'USD', line_budget_1: '5',
      }));
      assert.equal(r.status, 400, 'a second line in the same currency');
      r = await srv.api('POST', '/projects', form(s.pm, {
        name: 'Two currencies', currency: 'USD', budget: '900', line_currency_1: 'THB', line_budget_1: '35000',
      }));
      assert.equal(r.status, 303, r.text);
      const id = Number(r.headers.location.split('/').pop());
      r = await getProject(srv, s.pm, id);
      assert.deepEqual(r.json.budgets.map((b) => [b.currency, b.budget]), [['THB', '35000.00'], ['USD', '900.00']]);
    });
  });
});

describe('turnaround', () => {
  let srv;
  let s;

  before(async () => {
    srv = await startServer({ extraUsers: EXTRA });
    s = await login(srv);
  });
  after(async () => { await srv?.stop(); });

  it('counts decisions and gives median and mean hours per office and overall', async () => {
    let r = await srv.api('GET', '/api/v1/fund/turnaround', { session: s.pm });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { overall: { count: 0, median_hours: 0, mean_hours: 0 }, offices: [] });
    const p = await newProject(srv, s.pm, { budget: '100000' });
    const cb = await createCase(srv, s['manager.bkk']);
    const cg = await createCase(srv, s['manager.bog']);
    const ids = [];
    for (const [who, c] of [['caseworker.bkk', cb], ['caseworker.bkk', cb], ['caseworker.bkk', cb],
      ['caseworker.bog', cg]]) {
      const q = await submit(srv, s[who], c.id, { amount: '10' });
      ids.push(q.id);
      r = await decide(srv, s.pm, q.id, { decision: 'approve', project_id: p.id, reason: 'ok' });
      assert.equal(r.status, 200, r.text);
    }
    /* The decisions took 2, 4 and 9 hours at BKK and 10 at BOG. */
    const hours = [2, 4, 9, 10];
    ids.forEach((id, i) => sql(srv,
      `UPDATE fund_decisions SET submitted_at = decided_at - ${hours[i] * 3600} WHERE request_id = ${id}`));
    r = await srv.api('GET', '/api/v1/fund/turnaround', { session: s.pm });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.overall, { count: 4, median_hours: 6.5, mean_hours: 6.25 });
    assert.deepEqual(r.json.offices, [
      { office: 'BKK', count: 3, median_hours: 4, mean_hours: 5 },
      { office: 'BOG', count: 1, median_hours: 10, mean_hours: 10 },
    ]);
    /* The page in days with one decimal, as the dashboard: 6.5 hours
     * and 6.25 hours are 0.3 days. */
    r = await srv.api('GET', '/fund', { session: s.pm });
    assert.match(r.text, /<th scope="col">Median \(days\)<\/th>/);
    assert.match(r.text, /<tr><td>BOG<\/td><td>1<\/td><td>0\.4<\/td><td>0\.4<\/td><\/tr>/);
    assert.match(r.text, /<tr><th scope="row">All offices<\/th><td>4<\/td><td>0\.3<\/td><td>0\.3<\/td><\/tr>/);
  });
});
