/*
 * integrity.test.mjs - the operational side answering one way:
 *
 * - a high-risk case handed over to another office: the manager asked
 *   to decide reads its summary and timeline while the handover waits
 *   (audited), and every other user of that office neither sees the
 *   case nor the handover, in the API and on the pages;
 * - a form that names a case in its address and a record of another
 *   case in its body (visit, service, plan, stay, health record,
 *   disclosure) is refused as a missing record, and changes nothing;
 * - every time of the API is ISO 8601; an admin reads a fund request's
 *   decisions, their reasons nulled;
 * - currencies that are no money (XXX, XAU, …) are refused wherever an
 *   amount's currency is taken, amounts keep to the currency's decimals,
 *   approvals keep to the project's period, a USD total that overflows
 *   says so instead of showing 0.00;
 * - timeline changes dated when made, the shelter capacity warning, and
 *   the rate conflict in French and Spanish numbers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertApiError, auditEntries, createCase, getFile, saveFile, startServer, todayUtc } from './lib.mjs';
import { day, daysAgo } from '../common.mjs';

const EXTRA = [
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-int-4d1e90' },
  { username: 'medical.bog', role: 'medical-officer', office: 'BOG', password: 'pw-Medical-BOG-int-7a22c1' },
];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const MISSING = 999999;

let srv;
const s = {};

before(async () => {
  srv = await startServer({ extraUsers: EXTRA });
  for (const u of ['admin', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'manager.bog', 'medical.bog', 'pm']) {
    s[u] = await srv.login(u);
  }
});

after(async () => { await srv?.stop(); });

const get = (who, p, headers = {}) => srv.api('GET', p, { session: s[who], headers });
const post = (who, p, body = {}, headers = {}) => srv.api('POST', p, { session: s[who], body, headers });
const patch = (who, p, body = {}) => srv.api('PATCH', p, { session: s[who], body });

function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text}`);
  return res.json;
}

/* POST an HTML form as the pages do. */
function postForm(who, urlPath, fields) {
  const body = new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString();
  return srv.api('POST', urlPath, {
    session: s[who], body, csrf: false,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

describe('a high-risk case handed over to another office', () => {
  let H;
  let tid;

  before(async () => {
    H = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    ok(await post('caseworker.bkk', `/api/v1/cases/${H.id}/risk`,
      { level: 'High', date: todayUtc(), threats: ['ThreatFromTraffickers'] }), 201, 'risk');
    assert.equal(ok(await get('caseworker.bkk', `/api/v1/cases/${H.id}`), 200, 'case').high_risk, true);
    tid = ok(await post('caseworker.bkk', `/api/v1/cases/${H.id}/transfers`, { to_office: 'BOG' }), 201, 'handover').id;
  });

  it('is the deciding manager\'s to read: list, transfers page, summary, case page and timeline agree', async () => {
    const inc = ok(await get('manager.bog', '/api/v1/transfers'), 200, 'list').incoming.find((t) => t.id === tid);
    assert.equal(inc?.case_number, H.case_number);
    assert.equal(inc.state, 'pending');
    const sum = ok(await get('manager.bog', `/api/v1/cases/${H.id}`), 200, 'summary');
    assert.equal(sum.case_number, H.case_number);
    assert.equal(sum.handover, true);
    assert.equal(sum.high_risk, true);
    assert.equal(sum.office, 'BKK');
    const tl = ok(await get('manager.bog', `/api/v1/cases/${H.id}/timeline`), 200, 'timeline');
    assert.ok(tl.steps.some((e) => e.kind === 'transfer.requested'), 'the timeline lacks the handover');
    const page = await get('manager.bog', `/cases/${H.id}`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(H.case_number));
    assert.match(page.text, /waits for your decision/);
    assert.match(page.text, /class="timeline"/);
    assert.ok((await get('manager.bog', '/transfers')).text.includes(`href="/cases/${H.id}"`), 'no link to the summary');
    const dash = await get('manager.bog', '/dashboard');
    assert.ok(dash.text.includes(H.case_number), 'the dashboard does not list the handover');
    /* The summary, not the rest of the case. */
    for (const p of ['/file', '/return', '/reintegration', '/visits', '/services', '/fund-requests']) {
      const r = await get('manager.bog', `/api/v1/cases/${H.id}${p}`);
      const m = await get('manager.bog', `/api/v1/cases/${MISSING}${p}`);
      assert.equal(r.status, m.status, `${p}: ${r.status}, a missing case ${m.status}`);
      assert.equal(r.text, m.text, p);
    }
    for (const p of ['/file', '/return', '/protection', '/reintegration', '/fund']) {
      assert.equal((await get('manager.bog', `/cases/${H.id}${p}`)).status, 404, `page ${p}`);
    }
    const seen = await auditEntries(srv, s.admin, `case=${H.id}&action=case.handover.view`);
    assert.ok(seen.length >= 3 && seen.every((e) => e.user === 'manager.bog'), JSON.stringify(seen));
  });

  it('does not exist for the other users of that office, nor for headquarters', async () => {
    for (const who of ['caseworker.bog', 'medical.bog', 'pm']) {
      const r = await get(who, `/api/v1/cases/${H.id}`);
      const m = await get(who, `/api/v1/cases/${MISSING}`);
      assert.equal(r.status, 404, `${who}: ${r.text}`);
      assert.equal(r.text, m.text, who);
      assert.equal((await get(who, `/api/v1/cases/${H.id}/timeline`)).status, 404, `${who} timeline`);
      const list = await get(who, '/api/v1/transfers');
      if (who === 'caseworker.bog') {
        assert.equal(list.status, 200);
        assert.ok(!list.text.includes(H.case_number), 'the caseworker lists the handover');
      } else {
        assert.equal(list.status, 403, `${who} lists handovers`);
      }
      for (const page of ['/transfers', '/dashboard', `/cases/${H.id}`, '/cases']) {
        const p = await get(who, page);
        assert.ok(!p.text.includes(H.case_number), `${who} ${page} shows the case`);
      }
      assert.equal((await get(who, `/cases/${H.id}`)).status, 404, `${who} case page`);
      const d = await post(who, `/api/v1/transfers/${tid}/decision`, { decision: 'decline', reason: 'x' });
      assert.ok([403, 404].includes(d.status), `${who} decided: ${d.text}`);
    }
    assert.equal(ok(await get('manager.bog', '/api/v1/transfers'), 200, 'list').incoming
      .find((t) => t.id === tid).state, 'pending', 'a refused decision changed the handover');
  });

  it('ends with the handover: declined, the manager no longer reads it; accepted, the office has it', async () => {
    ok(await post('manager.bog', `/api/v1/transfers/${tid}/decision`, { decision: 'decline', reason: 'No place' }),
      200, 'decline');
    const r = await get('manager.bog', `/api/v1/cases/${H.id}`);
    assert.equal(r.status, 404, r.text);
    assert.equal(r.text, (await get('manager.bog', `/api/v1/cases/${MISSING}`)).text);
    const l = ok(await get('manager.bog', '/api/v1/transfers'), 200, 'list');
    assert.ok(![...l.incoming, ...l.outgoing].some((t) => t.case_id === H.id), 'listed after the decline');
    assert.equal((await get('manager.bog', `/cases/${H.id}`)).status, 404);
    const t2 = ok(await post('caseworker.bkk', `/api/v1/cases/${H.id}/transfers`, { to_office: 'BOG' }), 201, 'again');
    ok(await post('manager.bog', `/api/v1/transfers/${t2.id}/decision`,
      { decision: 'accept', assigned_to: s['caseworker.bog'].user.id }), 200, 'accept');
    const full = ok(await get('manager.bog', `/api/v1/cases/${H.id}`), 200, 'after acceptance');
    assert.equal(full.office, 'BOG');
    assert.equal(full.handover, undefined);
    ok(await get('manager.bog', `/api/v1/cases/${H.id}/file`), 200, 'file after acceptance');
  });

  it('the rule is the same for a case that is not high-risk', async () => {
    const c = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, { to_office: 'BOG' }), 201, 'handover');
    assert.equal(ok(await get('manager.bog', `/api/v1/cases/${c.id}`), 200, 'summary').handover, true);
    assert.equal((await get('manager.bog', `/api/v1/cases/${c.id}/file`)).status, 404);
    assert.equal((await get('caseworker.bog', `/api/v1/cases/${c.id}`)).status, 404);
  });
});

describe('a form names a case and a record of another case', () => {
  let A;
  let B;
  let shelter;
  let police;

  const records = async (who, id, kind) => ok(await get(who, `/api/v1/cases/${id}/${kind}`), 200, kind).records;

  before(async () => {
    A = await createCase(srv, s['caseworker.bog'], { assigned_to: s['caseworker.bog'].user.id });
    B = await createCase(srv, s['caseworker.bog'], { assigned_to: s['caseworker.bog'].user.id });
    shelter = ok(await post('admin', '/api/v1/shelters', { name: 'Casa Integridad', office: 'BOG', capacity: 5 }),
      201, 'shelter');
    police = ok(await post('admin', '/api/v1/organisations',
      { name: 'Policía Integridad', type: 'LawEnforcement', country: 'CO' }), 201, 'police');
    for (const c of [A, B]) {
      ok(await post('caseworker.bog', `/api/v1/cases/${c.id}/reintegration`,
        { plan_type: 'Livelihood', plan_date: day(-100) }), 200, 'plan');
      ok(await post('caseworker.bog', `/api/v1/cases/${c.id}/services`,
        { service_type: 'Counselling', start_date: daysAgo(3), status: 'Planned' }), 201, 'service');
      ok(await post('caseworker.bog', `/api/v1/cases/${c.id}/support-plans`,
        { type: 'Livelihood', start_date: daysAgo(3) }), 201, 'support plan');
      ok(await post('caseworker.bog', `/api/v1/cases/${c.id}/shelter-stays`,
        { shelter: shelter.id, admitted: daysAgo(20), discharged: daysAgo(19) }), 201, 'stay');
      ok(await post('medical.bog', `/api/v1/cases/${c.id}/health`,
        { health_kind: 'MedicalScreening', date: daysAgo(2) }), 201, 'health');
      const f = await getFile(srv, s['caseworker.bog'], c.id);
      f.consents.push({ con_ConsentToInterview: 'Yes', con_ConsentToShareWithLawEnforcement: 'Yes' });
      await saveFile(srv, s['caseworker.bog'], c.id, f);
      ok(await post('caseworker.bog', `/api/v1/cases/${c.id}/le-referrals`,
        { organisation: police.id, date: todayUtc(), shared: ['Identity'] }), 201, 'referral');
    }
  });

  it('a visit of case B recorded from case A\'s page is a missing visit, and stays as it was', async () => {
    const vb = ok(await get('caseworker.bog', `/api/v1/cases/${B.id}/visits`), 200, 'visits').visits[0];
    const r = await postForm('caseworker.bog', `/cases/${A.id}/reintegration`,
      [['action', 'visit'], ['visit_id', String(vb.id)], ['status', 'Done'], ['date', day(-1)], ['notes', 'x']]);
    assert.equal(r.status, 404, r.text.slice(0, 300));
    assert.match(r.text, /This visit does not exist/);
    const missing = await postForm('caseworker.bog', `/cases/${A.id}/reintegration`,
      [['action', 'visit'], ['visit_id', String(MISSING)], ['status', 'Done'], ['date', day(-1)]]);
    assert.equal(missing.status, 404);
    const after = ok(await get('caseworker.bog', `/api/v1/cases/${B.id}/visits`), 200, 'visits').visits[0];
    assert.deepEqual(after, vb, 'the visit of B changed');
    const tl = ok(await get('caseworker.bog', `/api/v1/cases/${B.id}/timeline`), 200, 'timeline').steps;
    assert.ok(!tl.some((e) => e.kind === 'visit.done'), 'a step on B');
    const denied = await auditEntries(srv, s.admin, `case=${A.id}&action=visit.denied`);
    assert.equal(denied.length, 1, JSON.stringify(denied));
    /* The visit of A itself still goes through the same form. */
    const va = ok(await get('caseworker.bog', `/api/v1/cases/${A.id}/visits`), 200, 'visits').visits[0];
    const done = await postForm('caseworker.bog', `/cases/${A.id}/reintegration`,
      [['action', 'visit'], ['visit_id', String(va.id)], ['status', 'Done'], ['date', day(-1)]]);
    assert.equal(done.status, 303, done.text.slice(0, 300));
  });

  it('a record of case B (or of another kind) changed from case A\'s page is a missing record', async () => {
    const cases = [
      ['services', 'protection', 'caseworker.bog', [['status', 'Delivered']]],
      ['support-plans', 'protection', 'caseworker.bog', [['objectives', 'Changed']]],
      ['shelter-stays', 'protection', 'caseworker.bog', [['notes', 'Changed']]],
      ['health', 'health', 'medical.bog', [['findings', 'Changed']]],
    ];
    for (const [kind, page, who, fields] of cases) {
      const before = await records(who, B.id, kind);
      const rec = before[0];
      const r = await postForm(who, `/cases/${A.id}/${page}`,
        [['kind', kind], ['record', String(rec.id)], ['version', String(rec.version)], ...fields]);
      assert.equal(r.status, 404, `${kind}: ${r.status}`);
      assert.match(r.text, /This record does not exist/);
      assert.deepEqual(await records(who, B.id, kind), before, `${kind} of B changed`);
    }
    /* A's own service named as a support plan: another kind, missing. */
    const svc = (await records('caseworker.bog', A.id, 'services'))[0];
    const plansBefore = await records('caseworker.bog', A.id, 'support-plans');
    const k = await postForm('caseworker.bog', `/cases/${A.id}/protection`,
      [['kind', 'support-plans'], ['record', String(svc.id)], ['version', String(svc.version)], ['objectives', 'x']]);
    assert.equal(k.status, 404);
    assert.deepEqual(await records('caseworker.bog', A.id, 'support-plans'), plansBefore);
    assert.deepEqual((await records('caseworker.bog', A.id, 'services'))[0], svc);
    /* A disclosure on B's referral from A's page. */
    const le = (await records('caseworker.bog', B.id, 'le-referrals'))[0];
    const d = await postForm('caseworker.bog', `/cases/${A.id}/protection`,
      [['kind', 'le-referrals'], ['action', 'disclose'], ['record', String(le.id)], ['version', String(le.version)],
        ['shared', 'Contact'], ['date', todayUtc()]]);
    assert.equal(d.status, 404, d.text.slice(0, 300));
    assert.deepEqual((await records('caseworker.bog', B.id, 'le-referrals'))[0], le, 'the referral of B changed');
    const denied = await auditEntries(srv, s.admin, `case=${A.id}&action=case.update.denied`);
    assert.ok(denied.length >= 5, JSON.stringify(denied));
    assert.equal((await auditEntries(srv, s.admin, `case=${A.id}&action=health.update.denied`)).length, 1);
    /* Its own record still changes through the same form. */
    const mine = await postForm('caseworker.bog', `/cases/${A.id}/protection`,
      [['kind', 'services'], ['record', String(svc.id)], ['version', String(svc.version)], ['status', 'Delivered']]);
    assert.equal(mine.status, 303, mine.text.slice(0, 300));
  });
});

describe('times and answers of the API', () => {
  it('gives every time as ISO 8601: handovers, the return\'s handovers, the screening decision', async () => {
    const c = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    const t = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, { to_office: 'BOG' }), 201, 't');
    let out = ok(await get('caseworker.bkk', '/api/v1/transfers'), 200, 'list').outgoing.find((x) => x.id === t.id);
    assert.match(out.requested_at, ISO);
    assert.equal(out.decided_at, null);
    ok(await post('caseworker.bkk', `/api/v1/transfers/${t.id}/cancel`), 200, 'cancel');
    out = ok(await get('caseworker.bkk', '/api/v1/transfers'), 200, 'list').outgoing.find((x) => x.id === t.id);
    assert.match(out.decided_at, ISO);
    assert.ok(out.decided_at >= out.requested_at);
    const ret = ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/return`), 200, 'return');
    assert.match(ret.transfers[0].requested_at, ISO);
    assert.match(ret.transfers[0].decided_at, ISO);
    const page = await get('caseworker.bkk', '/transfers');
    assert.ok(page.text.includes(out.requested_at.slice(0, 16).replace('T', ' ')), 'the page time');

    const f = await getFile(srv, s['caseworker.bkk'], c.id);
    f.screening = { ...(f.screening ?? {}), decision: { final_status: 'PossibleVictimOfTrafficking', reason: 'Unclear' } };
    const saved = await saveFile(srv, s['caseworker.bkk'], c.id, f);
    assert.match(saved.screening.decision.decided_at, ISO);
    const again = await getFile(srv, s['caseworker.bkk'], c.id);
    assert.match(again.screening.decision.decided_at, ISO);
    const sc = ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/screening`), 200, 'screening');
    assert.equal(sc.decision.decided_at, again.screening.decision.decided_at);
    /* Sent back as read, the decision keeps who took it and when. */
    const kept = await saveFile(srv, s['caseworker.bkk'], c.id, again);
    assert.deepEqual(kept.screening.decision, again.screening.decision);
    const cpage = await get('caseworker.bkk', `/cases/${c.id}/file/screening`);
    assert.ok(cpage.text.includes(again.screening.decision.decided_at.slice(0, 16).replace('T', ' ')),
      'the page shows the decision\'s time');
  });

  it('an admin reads a fund request\'s decisions, their reasons nulled; the programme manager with them', async () => {
    const c = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    const q = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
      { type: 'medical', amount: '80', currency: 'USD', justification: 'Clinic visit' }), 201, 'request');
    ok(await post('pm', `/api/v1/fund-requests/${q.id}/decision`,
      { decision: 'need-info', reason: 'Which clinic, Integrity-Reason-1?' }), 200, 'need-info');
    ok(await post('caseworker.bkk', `/api/v1/fund-requests/${q.id}/resubmit`, { justification: 'City clinic' }), 200,
      'resubmit');
    ok(await post('pm', `/api/v1/fund-requests/${q.id}/decision`,
      { decision: 'reject', reason: 'Paid locally, Integrity-Reason-2' }), 200, 'reject');
    const a = ok(await get('admin', `/api/v1/fund-requests/${q.id}`), 200, 'admin');
    assert.equal(a.justification, null);
    assert.equal(a.reason, null);
    assert.deepEqual(a.decisions.map((d) => [d.decision, d.reason, d.by]),
      [['need-info', null, 'pm'], ['reject', null, 'pm']]);
    for (const d of a.decisions) {
      assert.match(d.at, ISO);
      assert.match(d.submitted_at, ISO);
    }
    assert.ok(!JSON.stringify(a).includes('Integrity-Reason'));
    const p = ok(await get('pm', `/api/v1/fund-requests/${q.id}`), 200, 'pm');
    assert.deepEqual(p.decisions.map((d) => d.reason),
      ['Which clinic, Integrity-Reason-1?', 'Paid locally, Integrity-Reason-2']);
    assert.deepEqual(a.decisions.map(({ reason, ...rest }) => rest), p.decisions.map(({ reason, ...rest }) => rest));
    const page = await get('admin', `/fund/requests/${q.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /id="fund-decisions"/);
    assert.ok(!page.text.includes('Integrity-Reason'));
  });
});

describe('money', () => {
  let c;
  const NOT_MONEY = ['XXX', 'XAU', 'XAG', 'XPT', 'XPD', 'XDR', 'XTS', 'XBA', 'XBB', 'XBC', 'XBD', 'XSU', 'XUA',
    'CLF', 'USN'];
  const requests = async () => ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`), 200, 'list')
    .requests;

  before(async () => {
    c = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
  });

  it('refuses a currency that is no money wherever an amount\'s currency is taken', async () => {
    const projects = ok(await get('pm', '/api/v1/projects'), 200, 'projects').projects.length;
    const rates = ok(await get('pm', '/api/v1/rates'), 200, 'rates').rates.length;
    for (const cur of NOT_MONEY) {
      const r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
        { type: 'medical', amount: '10', currency: cur, justification: 'x' });
      assert.equal(assertApiError(r, 400).fields?.currency !== undefined, true, `${cur}: ${r.text}`);
      assert.match(r.json.error, /not money/, cur);
      assertApiError(await post('pm', '/api/v1/projects', { name: `P ${cur}`, currency: cur, budget: '100' }), 400);
      assertApiError(await post('pm', '/api/v1/projects',
        { name: `Q ${cur}`, currency: 'USD', budget: '100', budgets: [{ currency: cur, budget: '5' }] }), 400);
      assertApiError(await post('pm', '/api/v1/projects',
        { name: `R ${cur}`, currency: 'USD', budget: '100', donors: [{ name: 'D', amount: '5', currency: cur }] }), 400);
      assertApiError(await post('pm', '/api/v1/rates', { currency: cur, valid_from: day(-1), rate: '2' }), 400);
      assertApiError(await post('caseworker.bkk', `/api/v1/cases/${c.id}/services`,
        { service_type: 'Counselling', start_date: daysAgo(1), status: 'Planned', cost: '10', currency: cur }), 400);
      assertApiError(await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
        { plan_type: 'Livelihood', packages: [{ type: 'Counselling', amount: '10', currency: cur }] }), 400);
    }
    assert.deepEqual(await requests(), []);
    assert.equal(ok(await get('pm', '/api/v1/projects'), 200, 'projects').projects.length, projects);
    assert.equal(ok(await get('pm', '/api/v1/rates'), 200, 'rates').rates.length, rates);
    assert.deepEqual(ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/services`), 200, 's').records, []);
    assert.equal(ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`), 200, 'r').plan, null);
    /* The donor of an existing project too. */
    const pr = ok(await post('pm', '/api/v1/projects', { name: 'Money rules', currency: 'USD', budget: '1000' }), 201, 'p');
    assertApiError(await post('pm', `/api/v1/projects/${pr.id}/donors`, { name: 'D', amount: '5', currency: 'XXX' }), 400);
    assert.deepEqual(ok(await get('pm', `/api/v1/projects/${pr.id}`), 200, 'p').donors, []);
  });

  it('keeps amounts to the currency\'s decimals: none for JPY, KRW, VND, CLP, ISK', async () => {
    for (const cur of ['JPY', 'KRW', 'VND', 'CLP', 'ISK']) {
      const r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
        { type: 'medical', amount: '10.50', currency: cur, justification: 'x' });
      assert.ok(assertApiError(r, 400).fields?.amount, `${cur}: ${r.text}`);
      assert.match(r.json.error, /no decimals/);
      assertApiError(await post('caseworker.bkk', `/api/v1/cases/${c.id}/services`,
        { service_type: 'Counselling', start_date: daysAgo(1), status: 'Planned', cost: '10.5', currency: cur }), 400);
      assertApiError(await post('pm', '/api/v1/projects', { name: `Y ${cur}`, currency: cur, budget: '100.25' }), 400);
    }
    assert.deepEqual(await requests(), []);
    const yen = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
      { type: 'medical', amount: '1050', currency: 'JPY', justification: 'x' }), 201, 'whole yen');
    assert.equal(yen.amount, '1050.00');
    ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
      { type: 'medical', amount: '10.50', currency: 'KWD', justification: 'x' }), 201, 'fils');
    /* The decision and the payment keep to them too. */
    const pr = ok(await post('pm', '/api/v1/projects', { name: 'Yen line', currency: 'JPY', budget: '100000' }), 201, 'p');
    assertApiError(await post('pm', `/api/v1/fund-requests/${yen.id}/decision`,
      { decision: 'approve', amount: '999.5', project_id: pr.id, reason: 'ok' }), 400);
    ok(await post('pm', `/api/v1/fund-requests/${yen.id}/decision`,
      { decision: 'approve', amount: '1000', project_id: pr.id, reason: 'ok' }), 200, 'approve');
    assertApiError(await post('pm', `/api/v1/fund-requests/${yen.id}/disbursements`, { amount: '0.5' }), 400);
    const q = ok(await get('pm', `/api/v1/fund-requests/${yen.id}`), 200, 'q');
    assert.equal(q.approved, '1000.00');
    assert.deepEqual(q.disbursements, []);
    /* The form of the page says the same. */
    const page = await postForm('caseworker.bkk', `/cases/${c.id}/fund`,
      [['type', 'medical'], ['amount', '10.50'], ['currency', 'JPY'], ['justification', 'x']]);
    assert.equal(page.status, 400);
    assert.match(page.text, /no decimals/);
    assert.equal((await requests()).length, 2);
  });

  it('refuses an approval outside the project\'s period, with a clear message', async () => {
    const ended = ok(await post('pm', '/api/v1/projects',
      { name: 'Ended', currency: 'USD', budget: '5000', start: day(-400), end: day(-1) }), 201, 'ended');
    const later = ok(await post('pm', '/api/v1/projects',
      { name: 'Later', currency: 'USD', budget: '5000', start: day(1), end: day(300) }), 201, 'later');
    const q = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
      { type: 'return', amount: '300', currency: 'USD', justification: 'Ticket' }), 201, 'request');
    let r = await post('pm', `/api/v1/fund-requests/${q.id}/decision`,
      { decision: 'approve', project_id: ended.id, reason: 'ok' });
    assert.equal(assertApiError(r, 409).fields?.project_id !== undefined, true, r.text);
    assert.match(r.json.error, new RegExp(`ended on ${day(-1)}`));
    r = await post('pm', `/api/v1/fund-requests/${q.id}/decision`,
      { decision: 'approve', project_id: later.id, reason: 'ok' });
    assertApiError(r, 409);
    assert.match(r.json.error, new RegExp(`starts on ${day(1)}`));
    assert.equal(ok(await get('pm', `/api/v1/fund-requests/${q.id}`), 200, 'q').state, 'submitted');
    for (const p of [ended, later]) {
      assert.equal(ok(await get('pm', `/api/v1/projects/${p.id}`), 200, 'p').budgets[0].committed, '0.00');
    }
    const open = ok(await post('pm', '/api/v1/projects',
      { name: 'Running', currency: 'USD', budget: '5000', start: day(-10), end: day(0) }), 201, 'running');
    ok(await post('pm', `/api/v1/fund-requests/${q.id}/decision`,
      { decision: 'approve', project_id: open.id, reason: 'ok' }), 200, 'approve in the period');
  });

  it('says a USD total overflows instead of showing a wrong 0.00', async () => {
    const pr = ok(await post('pm', '/api/v1/projects',
      { name: 'Enormous', currency: 'CHF', budget: '999999999999.99' }), 201, 'project');
    ok(await post('pm', '/api/v1/rates', { currency: 'CHF', valid_from: day(-5), rate: '0.000001' }), 201, 'rate');
    const p = ok(await get('pm', `/api/v1/projects/${pr.id}`), 200, 'project');
    assert.equal(p.usd.overflow, true);
    assert.equal(p.usd.budget, null);
    assert.equal(p.usd.remaining, null);
    assert.equal(p.budget, '999999999999.99');
    const all = ok(await get('pm', '/api/v1/projects'), 200, 'projects');
    assert.equal(all.totals.overflow, true);
    assert.equal(all.totals.budget, null);
    for (const page of [`/projects/${pr.id}`, '/projects', '/fund', '/dashboard']) {
      const t = await get('pm', page);
      assert.equal(t.status, 200, page);
      assert.match(t.text, /not computable/, page);
    }
    /* A date before the rate: no rate, a total that leaves it out. */
    const before = ok(await get('pm', `/api/v1/projects/${pr.id}?date=${day(-30)}`), 200, 'before');
    assert.equal(before.usd.overflow, false);
    assert.equal(before.usd.incomplete, true);
    assert.equal(before.usd.budget, '0.00');
  });
});

describe('what the pages and the timeline say', () => {
  it('dates every change when it is made, a new record by its own date', async () => {
    const c = await createCase(srv, s['caseworker.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    const svc = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/services`,
      { service_type: 'Counselling', start_date: daysAgo(30), status: 'Planned' }), 201, 'service');
    ok(await patch('caseworker.bkk', `/api/v1/records/${svc.id}`, { status: 'Delivered', version: svc.version }), 200,
      'change');
    const plan = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/support-plans`,
      { type: 'Livelihood', start_date: daysAgo(40) }), 201, 'plan');
    ok(await patch('caseworker.bkk', `/api/v1/records/${plan.id}`, { objectives: 'A stall', version: plan.version }),
      200, 'plan change');
    const steps = ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/timeline`), 200, 'timeline').steps;
    const by = (k) => steps.find((e) => e.kind === k);
    assert.equal(by('service.added').date, daysAgo(30));
    assert.equal(by('plan.added').date, daysAgo(40));
    for (const k of ['service.updated', 'plan.updated']) {
      assert.equal(by(k).date, null, `${k} dated ${by(k).date}`);
      assert.equal(by(k).recorded_at.slice(0, 10), todayUtc());
    }
    assert.equal(steps.at(-1).kind, 'plan.updated', steps.map((e) => e.kind).join());
    /* Visits moved with the plan date: dated now, the new date in the detail. */
    ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
      { plan_type: 'Livelihood', plan_date: day(-100) }), 200, 'reintegration');
    const rp = ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`), 200, 'r').plan;
    ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
      { plan_date: day(-90), version: rp.version }), 200, 'moved');
    const moved = ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/timeline`), 200, 't').steps
      .find((e) => e.kind === 'visit.rescheduled');
    assert.equal(moved.date, null);
    assert.equal(moved.detail.date, day(-90));
    const page = await get('caseworker.bkk', `/cases/${c.id}`);
    const li = page.text.match(/<li><p><strong>Service updated<\/strong>[\s\S]*?<\/li>/)?.[0] ?? '';
    assert.ok(li && !li.includes(daysAgo(30)), li);
  });

  it('words the shelter warning for a full and an overfull shelter', async () => {
    const sh = ok(await post('manager.bkk', '/api/v1/shelters', { name: 'One Bed', city: 'Bangkok', capacity: 1 }),
      201, 'shelter');
    const people = [];
    for (let i = 0; i < 3; i++) people.push(await createCase(srv, s['caseworker.bkk']));
    const stay = (c, confirm) => post('caseworker.bkk', `/api/v1/cases/${c.id}/shelter-stays`,
      { shelter: sh.id, admitted: daysAgo(2), ...(confirm ? { over_capacity: true } : {}) });
    ok(await stay(people[0]), 201, 'first');
    let r = await stay(people[1]);
    assertApiError(r, 409);
    assert.equal(r.json.error, `The shelter is full on ${daysAgo(2)}: its 1 place is taken. Confirm to admit all the same.`);
    ok(await stay(people[1], true), 201, 'confirmed');
    r = await stay(people[2]);
    assertApiError(r, 409);
    assert.equal(r.json.error,
      `The shelter is over capacity on ${daysAgo(2)}: 2 people stay in its 1 place. Confirm to admit all the same.`);
    assert.deepEqual(ok(await get('caseworker.bkk', `/api/v1/cases/${people[2].id}/shelter-stays`), 200, 's').records, []);
    const fr = await post('caseworker.bkk', `/api/v1/cases/${people[2].id}/shelter-stays`,
      { shelter: sh.id, admitted: daysAgo(2) }, { 'Accept-Language': 'fr' });
    assert.match(assertApiError(fr, 409).error, /^Le foyer .* 2 personnes .* 1 place/);
    const es = await post('caseworker.bkk', `/api/v1/cases/${people[2].id}/shelter-stays`,
      { shelter: sh.id, admitted: daysAgo(2) }, { 'Accept-Language': 'es' });
    assert.match(assertApiError(es, 409).error, /2 personas .* 1 plaza/);
  });

  it('writes the numbers of the rate conflict the reader\'s way', async () => {
    ok(await post('pm', '/api/v1/rates', { currency: 'NOK', valid_from: day(-3), rate: '0.000001' }), 201, 'rate');
    ok(await post('pm', '/api/v1/rates', { currency: 'SEK', valid_from: day(-3), rate: '1234.5' }), 201, 'rate');
    const conflict = async (cur, lang) => {
      const r = await post('pm', '/api/v1/rates', { currency: cur, valid_from: day(-3), rate: '2' },
        { 'Accept-Language': lang });
      return assertApiError(r, 409).error;
    };
    assert.match(await conflict('NOK', 'en'), /NOK has a rate of 0\.000001 from/);
    assert.match(await conflict('NOK', 'fr'), /0,000001/);
    assert.match(await conflict('NOK', 'es'), /0,000001/);
    assert.match(await conflict('SEK', 'en'), /1,234\.5 /);
    assert.match(await conflict('SEK', 'fr'), /1\u202f234,5 /);
    assert.match(await conflict('SEK', 'es'), /1\.234,5 /);
    const rates = ok(await get('pm', '/api/v1/rates'), 200, 'rates').rates;
    assert.equal(rates.find((x) => x.currency === 'NOK').rate, '0.000001', 'a refused rate was saved');
  });
});
