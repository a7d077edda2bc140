/*
 * fund_transitions.test.mjs - the fund request state machine, every state
 * against every action, each refused step changing nothing; decisions and
 * disbursements that race on a server with a pool of 4 threads; amounts
 * at the edges of budgets and commitments.
 *
 *   CTM_BIN=$PWD/build/test/ctm node --test --test-concurrency=1 tests/http/fund_transitions.test.mjs
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertApiError, auditEntries, createCase, sleep, startServer } from './lib.mjs';

const JUST = 'Surgery at the district hospital for Nguyen Thi Lan, 3 nights';

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

async function login(srv) {
  const s = {};
  for (const u of ['admin', 'caseworker.bkk', 'manager.bkk', 'pm']) s[u] = await srv.login(u);
  return s;
}

async function newProject(srv, pm, body = {}) {
  const r = await srv.api('POST', '/api/v1/projects', {
    session: pm,
    body: { name: `T ${Math.random().toString(36).slice(2)}`, currency: 'USD', budget: '1000', donors: [], ...body },
  });
  assert.equal(r.status, 201, `create project: ${r.text}`);
  return r.json;
}

async function submit(srv, session, caseId, body = {}) {
  const r = await srv.api('POST', `/api/v1/cases/${caseId}/fund-requests`, {
    session, body: { type: 'medical', amount: '100', currency: 'USD', justification: JUST, ...body },
  });
  assert.equal(r.status, 201, `submit: ${r.text}`);
  assert.equal(r.json.state, 'submitted');
  return r.json;
}

const decide = (srv, session, id, body) =>
  srv.api('POST', `/api/v1/fund-requests/${id}/decision`, { session, body });
const resubmit = (srv, session, id, body) =>
  srv.api('POST', `/api/v1/fund-requests/${id}/resubmit`, { session, body });
const disburse = (srv, session, id, body) =>
  srv.api('POST', `/api/v1/fund-requests/${id}/disbursements`, { session, body });

async function getReq(srv, session, id) {
  const r = await srv.api('GET', `/api/v1/fund-requests/${id}`, { session });
  assert.equal(r.status, 200, `get request ${id}: ${r.text}`);
  return r.json;
}

async function getProject(srv, session, id) {
  const r = await srv.api('GET', `/api/v1/projects/${id}`, { session });
  assert.equal(r.status, 200, `get project ${id}: ${r.text}`);
  return r.json;
}

function line(project, currency = 'USD') {
  const l = project.budgets.find((b) => b.currency === currency);
  assert.ok(l, `project ${project.id} has no ${currency} line: ${JSON.stringify(project.budgets)}`);
  return l;
}

async function timeline(srv, session, caseId) {
  const r = await srv.api('GET', `/api/v1/cases/${caseId}/timeline`, { session });
  assert.equal(r.status, 200, `timeline ${caseId}: ${r.text}`);
  assert.ok(Array.isArray(r.json.steps), 'timeline: steps is not an array');
  return r.json.steps;
}

/* Fund and project steps of a case's timeline, as plain values. */
async function fundSteps(srv, session, caseId) {
  return (await timeline(srv, session, caseId))
    .filter((st) => st.kind.startsWith('fund.') || st.kind.startsWith('project.'))
    .map((st) => ({ id: st.id, kind: st.kind, ref_id: st.ref_id, date: st.date, detail: st.detail }));
}

function detailOf(e) {
  if (typeof e.detail === 'string') {
    try { return JSON.parse(e.detail); } catch { return e.detail; }
  }
  return e.detail;
}

/* The fund.* audit entries of a case that record a change (reads, which
 * taking the snapshot itself writes, left out). */
async function fundAudit(srv, admin, caseId) {
  return (await auditEntries(srv, admin, `action=fund.&case=${caseId}`))
    .filter((e) => e.action !== 'fund.view' && e.action !== 'fund.list')
    .map((e) => ({ id: e.id, action: e.action, detail: detailOf(e) }))
    .sort((a, b) => a.id - b.id);
}

/* Everything a fund step may change, for a request, its case and a project. */
async function snapshot(srv, s, { qid, caseId, projectId }) {
  const q = await getReq(srv, s.pm, qid);
  const p = await getProject(srv, s.pm, projectId);
  return {
    request: {
      state: q.state, amount: q.amount, currency: q.currency, approved: q.approved, disbursed: q.disbursed,
      project_id: q.project_id, reason: q.reason, justification: q.justification,
      submitted_at: q.submitted_at, decided_at: q.decided_at, decided_by: q.decided_by,
      disbursements: q.disbursements.map((d) => ({ id: d.id, amount: d.amount, date: d.date })),
    },
    project: { budgets: p.budgets, assisted: p.assisted, cases: (p.cases ?? []).map((c) => c.id) },
    steps: await fundSteps(srv, s.pm, caseId),
    audit: await fundAudit(srv, s.admin, caseId),
  };
}

/* Steps and audit rows in `after` that `before` did not have. */
function added(beforeList, afterList) {
  const seen = new Set(beforeList.map((x) => x.id));
  return afterList.filter((x) => !seen.has(x.id));
}

const cents = (a) => Math.round(Number(a) * 100);
const money = (c) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`;

/* ------------------------------------------------------------------ */
/* 1. The state machine                                                */
/* ------------------------------------------------------------------ */

const STATES = ['submitted', 'need-info', 'approved', 'rejected', 'approved-and-fully-disbursed'];
const ACTIONS = ['approve', 'reject', 'need-info', 'resubmit', 'disburse'];
const AMOUNT = '100.00';

/* The legal pairs and what they lead to. */
const LEGAL = {
  'submitted/approve': { status: 200, state: 'approved', step: 'fund.approved', audit: 'fund.decide' },
  'submitted/reject': { status: 200, state: 'rejected', step: 'fund.rejected', audit: 'fund.decide' },
  'submitted/need-info': { status: 200, state: 'need-info', step: 'fund.need_info', audit: 'fund.decide' },
  'need-info/resubmit': { status: 200, state: 'submitted', step: 'fund.resubmitted', audit: 'fund.resubmit' },
  'approved/disburse': { status: 201, state: 'approved', step: 'fund.disbursed', audit: 'fund.disburse' },
};

/* The fund steps and audit rows a request in each state has behind it. */
const HISTORY = {
  submitted: { steps: ['fund.requested'], audit: ['fund.request'] },
  'need-info': { steps: ['fund.requested', 'fund.need_info'], audit: ['fund.request', 'fund.decide'] },
  approved: { steps: ['fund.requested', 'fund.approved', 'project.assigned'], audit: ['fund.request', 'fund.decide'] },
  rejected: { steps: ['fund.requested', 'fund.rejected'], audit: ['fund.request', 'fund.decide'] },
  'approved-and-fully-disbursed': {
    steps: ['fund.requested', 'fund.approved', 'project.assigned', 'fund.disbursed'],
    audit: ['fund.request', 'fund.decide', 'fund.disburse'],
  },
};

/* What an illegal pair is told (all 409: docs/api.md, "Only a submitted
 * request can be decided (409 otherwise)", resubmit "after need-info",
 * disbursements "never more than what remains of the commitment (409)"). */
function refusalMessage(state, action) {
  if (['approve', 'reject', 'need-info'].includes(action)) return /only a submitted request can be decided/i;
  if (action === 'resubmit') return /sent back for more information/i;
  if (state === 'approved-and-fully-disbursed') return /more than what remains/i;
  return /only an approved request can be paid out/i;
}

describe('the fund request state machine, every state x every action', () => {
  let srv;
  let s;

  before(async () => {
    srv = await startServer();
    srv.secret(JUST);
    s = await login(srv);
  });
  after(async () => { await srv?.stop(); });

  /* A fresh case, project and request in `state`. */
  async function build(state) {
    const c = await createCase(srv, s['manager.bkk']);
    const project = await newProject(srv, s.pm, { budget: '1000' });
    const q = await submit(srv, s['caseworker.bkk'], c.id, { amount: AMOUNT });
    const ok = async (res, status, what) => {
      assert.equal(res.status, status, `setting up ${state}: ${what}: ${res.text}`);
      return res.json;
    };
    if (state === 'need-info') {
      await ok(await decide(srv, s.pm, q.id, { decision: 'need-info', reason: 'Which hospital?' }), 200, 'need-info');
    } else if (state === 'rejected') {
      await ok(await decide(srv, s.pm, q.id, { decision: 'reject', reason: 'Covered by a partner' }), 200, 'reject');
    } else if (state === 'approved' || state === 'approved-and-fully-disbursed') {
      await ok(await decide(srv, s.pm, q.id, { decision: 'approve', project_id: project.id, reason: 'Agreed' }),
        200, 'approve');
      if (state === 'approved-and-fully-disbursed') {
        const d = await ok(await disburse(srv, s.pm, q.id, { amount: AMOUNT, note: 'paid in full' }), 201, 'disburse');
        assert.equal(d.disbursed, AMOUNT);
      }
    }
    const got = await getReq(srv, s.pm, q.id);
    const expectState = state === 'approved-and-fully-disbursed' ? 'approved' : state;
    assert.equal(got.state, expectState, `set up ${state}`);
    return { qid: q.id, caseId: c.id, projectId: project.id };
  }

  function attempt(action, ctx) {
    switch (action) {
      case 'approve':
        return decide(srv, s.pm, ctx.qid, { decision: 'approve', project_id: ctx.projectId, reason: 'Approve now' });
      case 'reject':
        return decide(srv, s.pm, ctx.qid, { decision: 'reject', reason: 'Reject now' });
      case 'need-info':
        return decide(srv, s.pm, ctx.qid, { decision: 'need-info', reason: 'Tell us more' });
      case 'resubmit':
        return resubmit(srv, s['caseworker.bkk'], ctx.qid, { justification: 'The provincial hospital, 2 nights' });
      case 'disburse':
        /* a single cent: the least that can be paid out */
        return disburse(srv, s.pm, ctx.qid, { amount: '0.01', note: 'one cent' });
      default:
        throw new Error(action);
    }
  }

  for (const state of STATES) {
    for (const action of ACTIONS) {
      const legal = LEGAL[`${state}/${action}`];
      const name = legal
        ? `${state} x ${action}: ${legal.status}, now ${legal.state}`
        : `${state} x ${action}: 409 and nothing changes`;
      it(name, async () => {
        const ctx = await build(state);
        const before = await snapshot(srv, s, ctx);
        /* the snapshot sees the request's history, so a change would show */
        assert.deepEqual(before.steps.map((st) => st.kind).sort(), [...HISTORY[state].steps].sort(),
          `history of ${state} on the timeline`);
        assert.deepEqual(before.audit.map((e) => e.action), HISTORY[state].audit, `audit of ${state}`);
        const res = await attempt(action, ctx);
        const after = await snapshot(srv, s, ctx);

        if (!legal) {
          const e = assertApiError(res, 409, `${state} x ${action}`);
          assert.match(e.error, refusalMessage(state, action), `${state} x ${action}: message "${e.error}"`);
          assert.deepEqual(after.request, before.request, 'the request changed');
          assert.deepEqual(after.project, before.project, "the project's lines changed");
          assert.deepEqual(after.steps, before.steps, 'the timeline changed');
          assert.deepEqual(after.audit, before.audit, 'the fund audit changed');
          return;
        }

        assert.equal(res.status, legal.status, `${state} x ${action}: ${res.text}`);
        assert.equal(res.json.state, legal.state, 'state in the answer');
        assert.equal(after.request.state, legal.state, 'state afterwards');
        assert.equal(after.request.amount, AMOUNT);
        const newSteps = added(before.steps, after.steps);
        const fundNew = newSteps.filter((st) => st.kind.startsWith('fund.'));
        assert.deepEqual(fundNew.map((st) => [st.kind, st.ref_id]), [[legal.step, ctx.qid]], 'one new fund step');
        const newAudit = added(before.audit, after.audit);
        assert.deepEqual(newAudit.map((e) => e.action), [legal.audit], 'one new fund audit row');
        assert.equal(newAudit[0].detail.request, ctx.qid, 'the audit names the request');
        const l0 = line({ id: ctx.projectId, budgets: before.project.budgets });
        const l1 = line({ id: ctx.projectId, budgets: after.project.budgets });

        switch (`${state}/${action}`) {
          case 'submitted/approve':
            assert.equal(res.json.approved, AMOUNT);
            assert.equal(after.request.approved, AMOUNT);
            assert.equal(after.request.project_id, ctx.projectId);
            assert.equal(after.request.disbursed, '0.00');
            assert.deepEqual(l1, { currency: 'USD', budget: '1000.00', committed: '100.00', disbursed: '0.00',
              remaining: '900.00' });
            assert.equal(newAudit[0].detail.decision, 'approve');
            assert.equal(newAudit[0].detail.amount, AMOUNT);
            assert.equal(fundNew[0].detail.amount, AMOUNT);
            assert.ok(newSteps.some((st) => st.kind === 'project.assigned'), 'the case is assigned to the project');
            assert.deepEqual(after.project.cases, [ctx.caseId]);
            break;
          case 'submitted/reject':
          case 'submitted/need-info':
            assert.equal(after.request.approved, null);
            assert.equal(after.request.project_id, null);
            assert.deepEqual(l1, l0, 'a refusal commits nothing');
            assert.deepEqual(after.project.cases, []);
            assert.equal(newAudit[0].detail.decision, action);
            assert.notEqual(after.request.decided_at, null);
            break;
          case 'need-info/resubmit':
            assert.equal(after.request.justification, 'The provincial hospital, 2 nights');
            assert.equal(after.request.approved, null);
            assert.deepEqual(l1, l0);
            assert.ok(after.request.submitted_at >= before.request.submitted_at);
            break;
          case 'approved/disburse':
            assert.equal(res.json.disbursed, '0.01');
            assert.equal(after.request.disbursed, '0.01');
            assert.equal(after.request.approved, AMOUNT);
            assert.equal(after.request.disbursements.length, before.request.disbursements.length + 1);
            assert.deepEqual(l1, { currency: 'USD', budget: '1000.00', committed: '100.00', disbursed: '0.01',
              remaining: '900.00' });
            break;
          default:
            assert.fail(`no expectations for ${state}/${action}`);
        }
      });
    }
  }
});

/* ------------------------------------------------------------------ */
/* 2. Races on a pool of 4 threads                                      */
/* ------------------------------------------------------------------ */

describe('races on a server with 4 threads', () => {
  let srv;
  let s;

  before(async () => {
    srv = await startServer({ serveArgs: ['--threads', '4'] });
    srv.secret(JUST);
    s = await login(srv);
  });
  after(async () => { await srv?.stop(); });

  it('the server says it serves with 4 threads', async () => {
    for (let i = 0; i < 100 && !/serving with \d+ threads/.test(srv.stderr); i++) await sleep(20);
    assert.match(srv.stderr, /serving with 4 threads/, `server log: ${srv.stderr}`);
  });

  /* fund.decide audit rows for the given requests. */
  async function decideAudit(ids) {
    return (await auditEntries(srv, s.admin, 'action=fund.decide'))
      .map((e) => ({ ...e, detail: detailOf(e) }))
      .filter((e) => e.action === 'fund.decide' && ids.includes(e.detail?.request));
  }

  /* The decision steps (approved/rejected/need_info) of requests across cases. */
  async function decisionSteps(caseIds, ids) {
    const out = [];
    for (const c of caseIds) {
      for (const st of await fundSteps(srv, s.pm, c)) {
        if (['fund.approved', 'fund.rejected', 'fund.need_info'].includes(st.kind) && ids.includes(st.ref_id)) {
          out.push(st);
        }
      }
    }
    return out;
  }

  function assertLine(l, budgetC, committedC, msg) {
    assert.equal(l.budget, money(budgetC), `${msg}: budget`);
    assert.equal(l.committed, money(committedC), `${msg}: committed`);
    assert.equal(l.remaining, money(budgetC - committedC), `${msg}: remaining = budget - committed`);
    assert.ok(cents(l.remaining) >= 0, `${msg}: remaining is negative (${l.remaining})`);
    assert.ok(!l.remaining.startsWith('-'), `${msg}: remaining is negative (${l.remaining})`);
  }

  /*
   * Two requests (on two cases), approved at once for amounts that
   * together exceed the budget: exactly one goes through.
   */
  async function raceTwo(round, { budget, asked, approve }) {
    const project = await newProject(srv, s.pm, { budget });
    const cases = [await createCase(srv, s['manager.bkk']), await createCase(srv, s['manager.bkk'])];
    const qs = [];
    for (let i = 0; i < 2; i++) qs.push(await submit(srv, s['caseworker.bkk'], cases[i].id, { amount: asked[i] }));
    const ids = qs.map((q) => q.id);
    const bodies = [0, 1].map((i) => ({
      decision: 'approve', project_id: project.id, reason: `race ${round}`,
      ...(approve?.[i] != null ? { amount: approve[i] } : {}),
    }));
    const rs = await Promise.all([0, 1].map((i) => decide(srv, s.pm, ids[i], bodies[i])));
    const msg = `round ${round} (${JSON.stringify({ budget, asked, approve })}): ${rs.map((r) => `${r.status} ${r.text}`).join(' | ')}`;
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409], msg);
    const w = rs[0].status === 200 ? 0 : 1;
    const l = 1 - w;
    const e = assertApiError(rs[l], 409, msg);
    assert.match(e.error, /remaining budget/i, msg);
    assert.ok(e.fields?.amount, `${msg}: the refusal names the amount`);
    const winAmount = approve?.[w] ?? asked[w];
    assert.equal(rs[w].json.state, 'approved', msg);
    assert.equal(rs[w].json.approved, money(cents(winAmount)), msg);

    const loser = await getReq(srv, s.pm, ids[l]);
    assert.equal(loser.state, 'submitted', `${msg}: the loser's state`);
    assert.equal(loser.approved, null, `${msg}: the loser has an approved amount`);
    assert.equal(loser.project_id, null, `${msg}: the loser is charged to a project`);
    assert.equal(loser.decided_at, null, `${msg}: the loser has a decision date`);
    const winner = await getReq(srv, s.pm, ids[w]);
    assert.equal(winner.state, 'approved', msg);
    assert.equal(winner.approved, money(cents(winAmount)), msg);

    const steps = await decisionSteps(cases.map((c) => c.id), ids);
    assert.deepEqual(steps.map((st) => [st.kind, st.ref_id]), [['fund.approved', ids[w]]],
      `${msg}: decision steps on the timelines`);
    const au = await decideAudit(ids);
    assert.equal(au.length, 1, `${msg}: fund.decide audit rows ${JSON.stringify(au)}`);
    assert.equal(au[0].detail.request, ids[w], msg);
    assert.equal(au[0].detail.decision, 'approve', msg);

    const p = await getProject(srv, s.pm, project.id);
    assertLine(line(p), cents(budget), cents(winAmount), msg);
    assert.equal(line(p).disbursed, '0.00');
    assert.deepEqual(p.cases.map((c) => c.id), [cases[w].id], `${msg}: only the winner's case is assigned`);
  }

  it('two approvals that together exceed the budget: exactly one wins, round after round', async () => {
    const rounds = [
      { budget: '1000', asked: ['600', '600'] },
      { budget: '1000', asked: ['700', '400'] },
      { budget: '1000', asked: ['1000', '1000'] },
      { budget: '1000', asked: ['999.99', '0.02'] },
      { budget: '1000', asked: ['500.01', '500'] },
      { budget: '1000', asked: ['600', '600'] },
      { budget: '1000', asked: ['0.02', '999.99'] },
      { budget: '250.50', asked: ['250.50', '0.01'] },
    ];
    for (let i = 0; i < rounds.length; i++) await raceTwo(i, rounds[i]);
  });

  it('two partial approvals (500 and 600 of 600 each) on a budget of 1000: exactly one wins', async () => {
    for (let round = 0; round < 6; round++) {
      await raceTwo(round, { budget: '1000', asked: ['600', '600'], approve: ['500', '600'] });
    }
  });

  it('two partial approvals that together fit exactly both go through, no update lost', async () => {
    for (let round = 0; round < 5; round++) {
      const project = await newProject(srv, s.pm, { budget: '1000' });
      const c = await createCase(srv, s['manager.bkk']);
      const a = await submit(srv, s['caseworker.bkk'], c.id, { amount: '600' });
      const b = await submit(srv, s['manager.bkk'], c.id, { amount: '600' });
      const rs = await Promise.all([
        decide(srv, s.pm, a.id, { decision: 'approve', project_id: project.id, amount: '400', reason: 'r' }),
        decide(srv, s.pm, b.id, { decision: 'approve', project_id: project.id, amount: '600', reason: 'r' }),
      ]);
      assert.deepEqual(rs.map((r) => r.status), [200, 200], rs.map((r) => r.text).join(' | '));
      const p = await getProject(srv, s.pm, project.id);
      assertLine(line(p), 100000, 100000, `round ${round}`);
      assert.equal(line(p).remaining, '0.00');
    }
  });

  it('approve and reject of the same request at once: one wins, the state is the winner\'s', async () => {
    for (let round = 0; round < 8; round++) {
      const project = await newProject(srv, s.pm, { budget: '1000' });
      const c = await createCase(srv, s['manager.bkk']);
      const q = await submit(srv, s['caseworker.bkk'], c.id, { amount: '300' });
      const order = round % 2 === 0 ? ['approve', 'reject'] : ['reject', 'approve'];
      const rs = await Promise.all(order.map((d) => decide(srv, s.pm, q.id,
        { decision: d, reason: `${d} in race`, ...(d === 'approve' ? { project_id: project.id } : {}) })));
      const msg = `round ${round}: ${rs.map((r) => `${r.status} ${r.text}`).join(' | ')}`;
      assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409], msg);
      const wi = rs[0].status === 200 ? 0 : 1;
      const win = order[wi];
      const e = assertApiError(rs[1 - wi], 409, msg);
      assert.match(e.error, /only a submitted request can be decided/i, msg);

      const got = await getReq(srv, s.pm, q.id);
      const p = await getProject(srv, s.pm, project.id);
      const steps = await decisionSteps([c.id], [q.id]);
      const au = await decideAudit([q.id]);
      assert.equal(au.length, 1, `${msg}: audit rows ${JSON.stringify(au)}`);
      assert.equal(au[0].detail.decision, win, msg);
      if (win === 'approve') {
        assert.equal(got.state, 'approved', msg);
        assert.equal(got.approved, '300.00', msg);
        assert.equal(got.reason, 'approve in race', msg);
        assertLine(line(p), 100000, 30000, msg);
        assert.deepEqual(steps.map((st) => st.kind), ['fund.approved'], msg);
      } else {
        assert.equal(got.state, 'rejected', msg);
        assert.equal(got.approved, null, msg);
        assert.equal(got.project_id, null, msg);
        assert.equal(got.reason, 'reject in race', msg);
        assertLine(line(p), 100000, 0, msg);
        assert.deepEqual(p.cases, [], msg);
        assert.deepEqual(steps.map((st) => st.kind), ['fund.rejected'], msg);
      }
    }
  });

  it('the same approval sent twice at once commits once', async () => {
    for (let round = 0; round < 6; round++) {
      const project = await newProject(srv, s.pm, { budget: '1000' });
      const c = await createCase(srv, s['manager.bkk']);
      const q = await submit(srv, s['caseworker.bkk'], c.id, { amount: '300' });
      const body = { decision: 'approve', project_id: project.id, reason: 'double click' };
      const rs = await Promise.all([decide(srv, s.pm, q.id, body), decide(srv, s.pm, q.id, body)]);
      const msg = `round ${round}: ${rs.map((r) => `${r.status} ${r.text}`).join(' | ')}`;
      assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409], msg);
      const p = await getProject(srv, s.pm, project.id);
      assertLine(line(p), 100000, 30000, msg);
      assert.equal((await decideAudit([q.id])).length, 1, msg);
      assert.equal((await decisionSteps([c.id], [q.id])).length, 1, msg);
    }
  });

  it('disbursements racing on one commitment: exactly those that fit go through', async () => {
    const rounds = [
      { approved: '500', pay: ['200', '200', '200'], ok: 2 },
      { approved: '500', pay: ['150', '150', '150', '150', '150'], ok: 3 },
      { approved: '100', pay: ['100', '100', '100', '100'], ok: 1 },
      { approved: '300.03', pay: ['100.01', '100.01', '100.01', '100.01'], ok: 3 },
    ];
    for (let round = 0; round < rounds.length; round++) {
      const rd = rounds[round];
      const project = await newProject(srv, s.pm, { budget: '1000' });
      const c = await createCase(srv, s['manager.bkk']);
      const q = await submit(srv, s['caseworker.bkk'], c.id, { amount: rd.approved });
      const d = await decide(srv, s.pm, q.id, { decision: 'approve', project_id: project.id, reason: 'ok' });
      assert.equal(d.status, 200, d.text);
      const rs = await Promise.all(rd.pay.map((a) => disburse(srv, s.pm, q.id, { amount: a })));
      const msg = `round ${round} (${JSON.stringify(rd)}): ${rs.map((r) => r.status).join(',')}`;
      assert.equal(rs.filter((r) => r.status === 201).length, rd.ok, msg);
      assert.equal(rs.filter((r) => r.status === 409).length, rd.pay.length - rd.ok, msg);
      for (const r of rs.filter((x) => x.status === 409)) {
        assert.match(assertApiError(r, 409, msg).error, /more than what remains/i, msg);
      }
      const paid = rd.ok * cents(rd.pay[0]);
      const got = await getReq(srv, s.pm, q.id);
      assert.equal(got.disbursed, money(paid), msg);
      assert.ok(cents(got.disbursed) <= cents(got.approved), `${msg}: disbursed above approved`);
      assert.equal(got.disbursements.length, rd.ok, msg);
      const p = await getProject(srv, s.pm, project.id);
      assert.equal(line(p).disbursed, money(paid), msg);
      assert.equal(line(p).committed, money(cents(rd.approved)), msg);
      assert.ok(cents(line(p).disbursed) <= cents(line(p).committed), msg);
      const steps = (await fundSteps(srv, s.pm, c.id)).filter((st) => st.kind === 'fund.disbursed');
      assert.equal(steps.length, rd.ok, `${msg}: fund.disbursed steps`);
      const au = (await auditEntries(srv, s.admin, `action=fund.disburse&case=${c.id}`))
        .filter((e) => e.action === 'fund.disburse');
      assert.equal(au.length, rd.ok, `${msg}: fund.disburse audit rows`);
    }
  });

  it('the server is still healthy after the races', async () => {
    assert.ok(await srv.healthy());
  });
});

/* ------------------------------------------------------------------ */
/* 3. Amounts at the edges                                              */
/* ------------------------------------------------------------------ */

describe('amounts at the edges', () => {
  let srv;
  let s;
  let caseId;

  before(async () => {
    srv = await startServer();
    srv.secret(JUST);
    s = await login(srv);
    caseId = (await createCase(srv, s['manager.bkk'])).id;
  });
  after(async () => { await srv?.stop(); });

  it('approving exactly what remains leaves 0.00; one cent more is refused, changing nothing', async () => {
    const project = await newProject(srv, s.pm, { budget: '1000' });
    const first = await submit(srv, s['caseworker.bkk'], caseId, { amount: '399.99' });
    assert.equal((await decide(srv, s.pm, first.id,
      { decision: 'approve', project_id: project.id, reason: 'first' })).status, 200);
    let p = await getProject(srv, s.pm, project.id);
    assert.equal(line(p).remaining, '600.01');

    /* one cent more than remains */
    const over = await submit(srv, s['caseworker.bkk'], caseId, { amount: '600.02' });
    const before = await snapshot(srv, s, { qid: over.id, caseId, projectId: project.id });
    const e = assertApiError(await decide(srv, s.pm, over.id,
      { decision: 'approve', project_id: project.id, reason: 'too much' }), 409, 'one cent over');
    assert.match(e.error, /remaining budget/i);
    assert.ok(e.fields?.amount, 'the refusal names the amount');
    assert.deepEqual(await snapshot(srv, s, { qid: over.id, caseId, projectId: project.id }), before,
      'a refused approval changed something');

    /* a partial approval of one cent more than remains is refused too */
    const e2 = assertApiError(await decide(srv, s.pm, over.id,
      { decision: 'approve', project_id: project.id, amount: '600.02', reason: 'too much' }), 409);
    assert.ok(e2.fields?.amount);

    /* exactly what remains, as a partial approval of that request */
    let r = await decide(srv, s.pm, over.id,
      { decision: 'approve', project_id: project.id, amount: '600.01', reason: 'all that is left' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.approved, '600.01');
    p = await getProject(srv, s.pm, project.id);
    assert.deepEqual(line(p), { currency: 'USD', budget: '1000.00', committed: '1000.00', disbursed: '0.00',
      remaining: '0.00' });

    /* nothing left: one cent more is refused */
    const cent = await submit(srv, s['caseworker.bkk'], caseId, { amount: '0.01' });
    const e3 = assertApiError(await decide(srv, s.pm, cent.id,
      { decision: 'approve', project_id: project.id, reason: 'a cent' }), 409, 'a cent on an empty line');
    assert.match(e3.error, /remaining budget/i);
    assert.equal((await getReq(srv, s.pm, cent.id)).state, 'submitted');
    p = await getProject(srv, s.pm, project.id);
    assert.equal(line(p).remaining, '0.00');
    assert.equal(line(p).committed, '1000.00');
    /* the request can still be refused by other means */
    r = await decide(srv, s.pm, cent.id, { decision: 'reject', reason: 'no budget' });
    assert.equal(r.status, 200, r.text);
  });

  it('approving exactly the whole budget in one request leaves 0.00 (amount as a JSON number)', async () => {
    const project = await newProject(srv, s.pm, { budget: '1234.56' });
    const q = await submit(srv, s['caseworker.bkk'], caseId, { amount: 1234.56 });
    assert.equal(q.amount, '1234.56');
    const r = await decide(srv, s.pm, q.id, { decision: 'approve', project_id: project.id, reason: 'all' });
    assert.equal(r.status, 200, r.text);
    const p = await getProject(srv, s.pm, project.id);
    assert.equal(line(p).committed, '1234.56');
    assert.equal(line(p).remaining, '0.00');
  });

  it('a request of one cent more than the whole budget is refused', async () => {
    const project = await newProject(srv, s.pm, { budget: '1234.56' });
    const q = await submit(srv, s['caseworker.bkk'], caseId, { amount: '1234.57' });
    const e = assertApiError(await decide(srv, s.pm, q.id,
      { decision: 'approve', project_id: project.id, reason: 'all' }), 409);
    assert.ok(e.fields?.amount);
    const p = await getProject(srv, s.pm, project.id);
    assert.equal(line(p).committed, '0.00');
    assert.equal(line(p).remaining, '1234.56');
    assert.equal((await getReq(srv, s.pm, q.id)).approved, null);
  });

  it('disbursing exactly the commitment succeeds; one cent more is refused', async () => {
    const project = await newProject(srv, s.pm, { budget: '1000' });
    const q = await submit(srv, s['caseworker.bkk'], caseId, { amount: '300' });
    let r = await decide(srv, s.pm, q.id,
      { decision: 'approve', project_id: project.id, amount: '250.75', reason: 'partly' });
    assert.equal(r.status, 200, r.text);

    /* one cent more than the whole commitment */
    let before = await snapshot(srv, s, { qid: q.id, caseId, projectId: project.id });
    let e = assertApiError(await disburse(srv, s.pm, q.id, { amount: '250.76' }), 409, 'one cent over the commitment');
    assert.match(e.error, /more than what remains/i);
    assert.deepEqual(await snapshot(srv, s, { qid: q.id, caseId, projectId: project.id }), before);

    /* a first instalment, then one cent more than what is left */
    r = await disburse(srv, s.pm, q.id, { amount: '100.25' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.disbursed, '100.25');
    before = await snapshot(srv, s, { qid: q.id, caseId, projectId: project.id });
    e = assertApiError(await disburse(srv, s.pm, q.id, { amount: '150.51' }), 409, 'one cent over what is left');
    assert.match(e.error, /more than what remains/i);
    assert.deepEqual(await snapshot(srv, s, { qid: q.id, caseId, projectId: project.id }), before);

    /* exactly what is left */
    r = await disburse(srv, s.pm, q.id, { amount: '150.50' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.disbursed, '250.75');
    assert.equal(r.json.approved, '250.75');
    let p = await getProject(srv, s.pm, project.id);
    assert.deepEqual(line(p), { currency: 'USD', budget: '1000.00', committed: '250.75', disbursed: '250.75',
      remaining: '749.25' });

    /* nothing left of the commitment */
    e = assertApiError(await disburse(srv, s.pm, q.id, { amount: '0.01' }), 409, 'a cent on a paid commitment');
    assert.match(e.error, /more than what remains/i);
    p = await getProject(srv, s.pm, project.id);
    assert.equal(line(p).disbursed, '250.75');
  });

  it('disbursing the whole commitment in one go succeeds', async () => {
    const project = await newProject(srv, s.pm, { budget: '1000' });
    const q = await submit(srv, s['caseworker.bkk'], caseId, { amount: '999.99' });
    assert.equal((await decide(srv, s.pm, q.id,
      { decision: 'approve', project_id: project.id, reason: 'ok' })).status, 200);
    const r = await disburse(srv, s.pm, q.id, { amount: 999.99 });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.disbursed, '999.99');
    const p = await getProject(srv, s.pm, project.id);
    assert.equal(line(p).disbursed, '999.99');
    assert.equal(line(p).remaining, '0.01');
  });

  it('an approval in a currency the project has no budget line for is refused, changing nothing', async () => {
    const project = await newProject(srv, s.pm, { budget: '1000', budgets: [{ currency: 'THB', budget: '35000' }] });
    const q = await submit(srv, s['caseworker.bkk'], caseId, { amount: '50', currency: 'EUR' });
    const before = await snapshot(srv, s, { qid: q.id, caseId, projectId: project.id });
    for (const body of [
      { decision: 'approve', project_id: project.id, reason: 'EUR' },
      { decision: 'approve', project_id: project.id, amount: '10', reason: 'EUR, partly' },
    ]) {
      const e = assertApiError(await decide(srv, s.pm, q.id, body), 409, JSON.stringify(body));
      assert.match(e.error, /no budget in the request's currency/i);
      assert.ok(e.fields?.project_id, 'the refusal names the project');
    }
    const after = await snapshot(srv, s, { qid: q.id, caseId, projectId: project.id });
    assert.deepEqual(after, before);
    assert.deepEqual(after.project.budgets.map((b) => b.currency).sort(), ['THB', 'USD'], 'no EUR line appeared');

    /* the same project takes a THB request against its THB line only */
    const t = await submit(srv, s['caseworker.bkk'], caseId, { amount: '35000', currency: 'THB' });
    const r = await decide(srv, s.pm, t.id, { decision: 'approve', project_id: project.id, reason: 'THB' });
    assert.equal(r.status, 200, r.text);
    const p = await getProject(srv, s.pm, project.id);
    assert.deepEqual(line(p, 'THB'), { currency: 'THB', budget: '35000.00', committed: '35000.00',
      disbursed: '0.00', remaining: '0.00' });
    assert.deepEqual(line(p, 'USD'), { currency: 'USD', budget: '1000.00', committed: '0.00', disbursed: '0.00',
      remaining: '1000.00' });
  });
});
