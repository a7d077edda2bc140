/*
 * fund_review.test.mjs - defects found by a review of the Global
 * Assistance Fund, each kept as a test: figures over fund requests that
 * counted hidden (high-risk) cases; a rate silently replaced; a
 * resubmitted request still showing its old decision; amounts in the
 * forms and pages of French and Spanish users; Unix times in the API;
 * refusals audited without their case.
 *
 *   CTM_BIN=$PWD/build/test/ctm node --test --test-concurrency=1 tests/http/fund_review.test.mjs
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertApiError, auditEntries, createCase, startServer, todayUtc } from './lib.mjs';

const EXTRA = [
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-9a7c31e5' },
  { username: 'pm.fr', role: 'programme-manager', office: 'HQ', password: 'pw-Programme-FR-5e02b8d1' },
  { username: 'pm.es', role: 'programme-manager', office: 'HQ', password: 'pw-Programme-ES-c41f7a93' },
  { username: 'caseworker.fr', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker-FR-2d8e64b0' },
  { username: 'caseworker.es', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker-ES-7b13c9f2' },
];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const NNBSP = '\u202f';

const decode = (s) => s.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&amp;/g, '&');

describe('fund review', () => {
  let srv;
  const s = {};
  let projectId;

  const form = (session, fields) => ({
    session,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: session.csrf, ...fields }).toString(),
  });
  const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };
  const submit = async (session, caseId, body = {}) => ok(await srv.api('POST', `/api/v1/cases/${caseId}/fund-requests`, {
    session, body: { type: 'medical', amount: '500', currency: 'USD', justification: 'Clinic fees.', ...body },
  }), 201);
  const decide = (session, id, body) => srv.api('POST', `/api/v1/fund-requests/${id}/decision`, { session, body });
  const getReq = async (session, id) => ok(await srv.api('GET', `/api/v1/fund-requests/${id}`, { session }));
  const page = async (session, path) => {
    const r = await srv.api('GET', path, { session });
    assert.equal(r.status, 200, `${path}: ${r.status}`);
    return decode(r.text);
  };
  const newCase = async (body = {}) => (await createCase(srv, s['manager.bkk'],
    { assigned_to: s['caseworker.bkk'].user.id, ...body })).id;

  before(async () => {
    srv = await startServer({ extraUsers: EXTRA });
    for (const u of ['admin', 'caseworker.bkk', 'manager.bkk', 'pm', 'researcher', 'medical.bkk',
      'pm.fr', 'pm.es', 'caseworker.fr', 'caseworker.es']) {
      s[u] = await srv.login(u);
    }
    for (const [u, lang] of [['pm.fr', 'fr'], ['caseworker.fr', 'fr'], ['pm.es', 'es'], ['caseworker.es', 'es']]) {
      ok(await srv.api('PATCH', '/api/v1/me', { session: s[u], body: { lang } }));
    }
    projectId = ok(await srv.api('POST', '/api/v1/projects', {
      session: s.pm, body: { name: 'Review project', currency: 'USD', budget: '100000', donors: [] },
    }), 201).id;
  });
  after(async () => { await srv?.stop(); });

  describe('1. figures over fund requests follow the visibility of the lists', () => {
    let hidden;

    before(async () => {
      hidden = await newCase();
      const decided = await submit(s['caseworker.bkk'], hidden);
      ok(await decide(s.pm, decided.id, { decision: 'reject', reason: 'Not covered.' }));
      await submit(s['caseworker.bkk'], hidden);
      ok(await srv.api('POST', `/api/v1/cases/${hidden}/risk`, {
        session: s['caseworker.bkk'], body: { level: 'High', date: todayUtc(), threats: ['ThreatFromTraffickers'] },
      }), 201);
    });

    it('the queue of a high-risk case is counted nowhere at headquarters', async () => {
      const q = ok(await srv.api('GET', '/api/v1/fund-requests?state=submitted', { session: s.pm }));
      assert.equal(q.count, 0);
      const dash = await page(s.pm, '/dashboard');
      assert.ok(dash.includes('<a href="/fund">0 requests wait for a decision</a>'), 'dashboard queue');
      assert.ok(!dash.includes('the oldest for'), 'dashboard oldest');
      const fund = await page(s.pm, '/fund');
      assert.match(fund, /<dd id="fund-queue">0<\/dd><dt>Oldest waiting<\/dt><dd>—<\/dd>/);
    });

    it('nor are its decisions in the turnaround', async () => {
      const t = ok(await srv.api('GET', '/api/v1/fund/turnaround', { session: s.pm }));
      assert.equal(t.overall.count, 0);
      assert.deepEqual(t.offices, []);
      const fund = await page(s.pm, '/fund');
      assert.match(fund, /<tr><th scope="row">All offices<\/th><td>0<\/td>/);
      const dash = await page(s.pm, '/dashboard');
      assert.ok(!/<th scope="row">BKK<\/th>/.test(dash), 'dashboard turnaround of BKK');
    });

    it('its assigned caseworker still sees it, and it counts again once the risk is lowered', async () => {
      const mine = ok(await srv.api('GET', '/api/v1/fund-requests?state=submitted', { session: s['caseworker.bkk'] }));
      assert.equal(mine.count, 1);
      ok(await srv.api('POST', `/api/v1/cases/${hidden}/risk`, {
        session: s['caseworker.bkk'], body: { level: 'Low', date: todayUtc(), threats: ['ThreatFromTraffickers'] },
      }), 201);
      assert.match(await page(s.pm, '/fund'), /<dd id="fund-queue">1<\/dd>/);
      assert.equal(ok(await srv.api('GET', '/api/v1/fund/turnaround', { session: s.pm })).overall.count, 1);
    });
  });

  describe('1b. a project counts among its assisted only the cases its reader may see', () => {
    it('a high-risk case leaves the count and the list, and comes back when the risk is lowered', async () => {
      const p = ok(await srv.api('POST', '/api/v1/projects', {
        session: s.pm, body: { name: 'Assisted count project', currency: 'USD', budget: '1000', donors: [] },
      }), 201).id;
      const c = await newCase();
      const q = await submit(s['caseworker.bkk'], c, { amount: '100' });
      ok(await decide(s.pm, q.id, { decision: 'approve', amount: '100', project_id: p, reason: 'Fine.' }));
      const seen = async (who) => {
        const j = ok(await srv.api('GET', `/api/v1/projects/${p}`, { session: s[who] }));
        const listed = ok(await srv.api('GET', '/api/v1/projects', { session: s[who] })).projects.find((x) => x.id === p);
        return [j.assisted, j.cases.length, listed.assisted];
      };
      assert.deepEqual(await seen('pm'), [1, 1, 1]);
      /* The page writes the count against the target, and a dash for a
       * project that has none (not a target of nobody). */
      const assisted = async (id) => /<dd id="project-assisted">([^<]*)<\/dd>/.exec(await page(s.pm, `/projects/${id}`))?.[1];
      assert.equal(await assisted(p), '1 / –');
      assert.match(await page(s.pm, '/projects'), /Assisted count project<\/a><\/td><td>[^<]*<\/td><td>(?:[^<]|<span[^>]*>[^<]*<\/span>)*<\/td><td>1 \/ –<\/td>/);
      const withTarget = ok(await srv.api('POST', '/api/v1/projects', {
        session: s.pm, body: { name: 'Targeted project', currency: 'USD', budget: '1000', target: 60, donors: [] },
      }), 201).id;
      assert.equal(await assisted(withTarget), '0 / 60');
      const risk = (level) => srv.api('POST', `/api/v1/cases/${c}/risk`, {
        session: s['caseworker.bkk'], body: { level, date: todayUtc(), threats: ['ThreatFromTraffickers'] },
      });
      ok(await risk('High'), 201);
      for (const who of ['pm', 'admin']) assert.deepEqual(await seen(who), [0, 0, 0], who);
      assert.equal(await assisted(p), '0 / –', 'the page counts it');
      ok(await risk('Low'), 201);
      assert.deepEqual(await seen('pm'), [1, 1, 1]);
    });
  });

  describe('1c. the request page shows each disbursement with its note, to those who may read the case', () => {
    it('the programme manager reads the note; an admin without case access does not, nor gets a form to assign cases', async () => {
      const p = ok(await srv.api('POST', '/api/v1/projects', {
        session: s.pm, body: { name: 'Note project', currency: 'USD', budget: '1000', donors: [] },
      }), 201).id;
      const c = await newCase();
      const q = await submit(s['caseworker.bkk'], c, { amount: '100' });
      ok(await decide(s.pm, q.id, { decision: 'approve', amount: '100', project_id: p, reason: 'Fine.' }));
      ok(await srv.api('POST', `/api/v1/fund-requests/${q.id}/disbursements`, {
        session: s.pm, body: { amount: '40', date: todayUtc(), note: 'Bank transfer 42' },
      }), 201);
      const table = (html) => /<table[^>]* id="fund-disbursements">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
      const pmRow = table(await page(s.pm, `/fund/requests/${q.id}`));
      assert.match(pmRow, /<td>40\.00 USD<\/td>/);
      assert.match(pmRow, /Bank transfer 42/);
      const adminRow = table(await page(s.admin, `/fund/requests/${q.id}`));
      assert.match(adminRow, /<td>40\.00 USD<\/td>/);
      assert.ok(!adminRow.includes('Bank transfer 42'), 'the note reached an admin without case access');
      assert.match(adminRow, /Shown only to those who may read the case/);
      assert.ok(!(await page(s.admin, `/projects/${p}`)).includes('value="assign"'), 'assign form for an admin');
      assert.ok((await page(s.pm, `/projects/${p}`)).includes('value="assign"'), 'no assign form for the programme manager');
    });
  });

  describe('1d. the timeline writes amounts as the reader does', () => {
    it('French "Montant : 1 250,50 USD", Spanish "Importe: 1.250,50 USD"', async () => {
      const c = await newCase();
      await submit(s['caseworker.bkk'], c, { amount: '1250.50' });
      const fr = await page(s['caseworker.fr'], `/cases/${c}`);
      /* A no-break space before the colon, as French writes it. */
      assert.ok(fr.includes(`Montant\u00a0: 1${NNBSP}250,50 USD`), 'French timeline amount');
      const es = await page(s['caseworker.es'], `/cases/${c}`);
      assert.ok(es.includes('Importe: 1.250,50 USD'), 'Spanish timeline amount');
      const en = await page(s['caseworker.bkk'], `/cases/${c}`);
      assert.ok(en.includes('Amount: 1,250.50 USD'), 'English timeline amount');
    });
  });

  describe('2. a rate of a day that has one is replaced only when asked', () => {
    it('409 without replace, nothing changed; replaced with replace: true, both values audited', async () => {
      ok(await srv.api('POST', '/api/v1/rates', { session: s.pm,
        body: { currency: 'EUR', valid_from: '2026-06-01', rate: '0.9' } }), 201);
      const r = await srv.api('POST', '/api/v1/rates', { session: s.pm,
        body: { currency: 'EUR', valid_from: '2026-06-01', rate: '0.95' } });
      const e = assertApiError(r, 409);
      assert.match(e.error, /EUR has a rate of 0\.9 from 2026-06-01 already/);
      assert.ok(e.fields.replace);
      const rates = (q) => ok(q).rates.filter((x) => x.currency === 'EUR');
      assert.deepEqual(rates(await srv.api('GET', '/api/v1/rates', { session: s.pm })),
        [{ currency: 'EUR', valid_from: '2026-06-01', rate: '0.9' }]);
      assertApiError(await srv.api('POST', '/api/v1/rates', { session: s.pm,
        body: { currency: 'EUR', valid_from: '2026-06-01', rate: '0.95', replace: 'yes' } }), 400);
      ok(await srv.api('POST', '/api/v1/rates', { session: s.pm,
        body: { currency: 'EUR', valid_from: '2026-06-01', rate: '0.95', replace: true } }), 201);
      assert.deepEqual(rates(await srv.api('GET', '/api/v1/rates', { session: s.pm })),
        [{ currency: 'EUR', valid_from: '2026-06-01', rate: '0.95' }]);
      const a = (await auditEntries(srv, s.admin, 'action=fund.rate')).filter((x) => x.detail?.currency === 'EUR');
      assert.deepEqual(a.map((x) => [x.detail.rate, x.detail.previous]).sort(),
        [['0.9', undefined], ['0.95', '0.9']]);
    });

    it('the page says so and offers to replace it', async () => {
      let r = await srv.api('POST', '/fund/rates', form(s.pm, { currency: 'EUR', valid_from: '2026-06-01', rate: '0.97' }));
      assert.equal(r.status, 409);
      assert.match(decode(r.text), /name="replace"/);
      r = await srv.api('POST', '/fund/rates', form(s.pm,
        { currency: 'EUR', valid_from: '2026-06-01', rate: '0.97', replace: '1' }));
      assert.equal(r.status, 303, r.text);
      const rates = ok(await srv.api('GET', '/api/v1/rates', { session: s.pm })).rates;
      assert.equal(rates.find((x) => x.currency === 'EUR' && x.valid_from === '2026-06-01').rate, '0.97');
    });
  });

  describe('3. a resubmitted request waits again, its decisions kept', () => {
    it('decided_* are null after the resubmission; decisions lists the need-info', async () => {
      const caseId = await newCase();
      const q = await submit(s['caseworker.bkk'], caseId);
      ok(await decide(s.pm, q.id, { decision: 'need-info', reason: 'Which clinic?' }));
      ok(await srv.api('POST', `/api/v1/fund-requests/${q.id}/resubmit`, {
        session: s['caseworker.bkk'], body: { amount: '450', justification: 'The district clinic.' },
      }));
      let g = await getReq(s.pm, q.id);
      assert.equal(g.state, 'submitted');
      assert.equal(g.decided_by, null);
      assert.equal(g.decided_at, null);
      assert.equal(g.reason, '');
      assert.equal(g.decisions.length, 1);
      const [d] = g.decisions;
      assert.deepEqual({ ...d, at: undefined, submitted_at: undefined },
        { decision: 'need-info', reason: 'Which clinic?', by: 'pm', amount: '500.00', at: undefined, submitted_at: undefined });
      assert.match(d.at, ISO);
      const html = await page(s.pm, `/fund/requests/${q.id}`);
      assert.ok(!html.includes('Last decision'), 'the page shows no present decision');
      assert.ok(html.includes('Which clinic?'), 'the page shows the history');
      ok(await decide(s.pm, q.id, { decision: 'approve', project_id: projectId, reason: 'Fine.' }));
      g = await getReq(s.pm, q.id);
      assert.equal(g.decided_by, 'pm');
      assert.deepEqual(g.decisions.map((x) => [x.decision, x.reason, x.amount]),
        [['need-info', 'Which clinic?', '500.00'], ['approve', 'Fine.', '450.00']]);
    });
  });

  describe('4. amounts in the user\'s language in the forms and pages', () => {
    it('fr: a request, a decision and a disbursement typed with a decimal comma and spaces', async () => {
      const caseId = await newCase({ assigned_to: s['caseworker.fr'].user.id });
      let r = await srv.api('POST', `/cases/${caseId}/fund`, form(s['caseworker.fr'],
        { type: 'medical', amount: `1${NNBSP}250,50`, currency: 'USD', justification: 'Soins.' }));
      assert.equal(r.status, 303, r.text);
      const [q] = ok(await srv.api('GET', `/api/v1/cases/${caseId}/fund-requests`, { session: s['caseworker.fr'] })).requests;
      assert.equal(q.amount, '1250.50');
      r = await srv.api('POST', `/fund/requests/${q.id}`, form(s['pm.fr'],
        { action: 'decide', decision: 'approve', amount: '250,50', project_id: String(projectId), reason: 'Oui.' }));
      assert.equal(r.status, 303, r.text);
      assert.equal((await getReq(s.pm, q.id)).approved, '250.50');
      r = await srv.api('POST', `/fund/requests/${q.id}`, form(s['pm.fr'], { action: 'disburse', amount: '100,25' }));
      assert.equal(r.status, 303, r.text);
      assert.equal((await getReq(s.pm, q.id)).disbursed, '100.25');
      const html = await page(s['pm.fr'], `/fund/requests/${q.id}`);
      assert.ok(html.includes(`1${NNBSP}250,50 USD`), 'asked, French');
      assert.ok(html.includes('value="150,25"'), 'what remains, French, in the form');
      /* Bad input in French is still refused, with the form again. */
      r = await srv.api('POST', `/fund/requests/${q.id}`, form(s['pm.fr'], { action: 'disburse', amount: '1,2,3' }));
      assert.equal(r.status, 400);
      assert.equal((await getReq(s.pm, q.id)).disbursed, '100.25');
    });

    it('fr and es: projects, donors and rates; shown as each reader writes them', async () => {
      let r = await srv.api('POST', '/projects', form(s['pm.fr'], {
        name: 'Projet FR', currency: 'USD', budget: '2 720 505,26',
        donor_name_1: 'Donateur', donor_amount_1: `1${NNBSP}000,5`, donor_currency_1: 'USD',
      }));
      assert.equal(r.status, 303, r.text);
      const frId = Number(/\/projects\/(\d+)/.exec(r.headers.location)[1]);
      let p = ok(await srv.api('GET', `/api/v1/projects/${frId}`, { session: s.pm }));
      assert.equal(p.budget, '2720505.26');
      assert.deepEqual(p.donors.map((d) => d.amount), ['1000.50']);
      r = await srv.api('POST', '/projects', form(s['pm.es'], {
        name: 'Proyecto ES', currency: 'USD', budget: '2.720.505,26', line_currency_1: 'EUR', line_budget_1: '1.000',
      }));
      assert.equal(r.status, 303, r.text);
      const esId = Number(/\/projects\/(\d+)/.exec(r.headers.location)[1]);
      r = await srv.api('POST', `/projects/${esId}`, form(s['pm.es'],
        { action: 'donor', name: 'Donante', amount: '2.000,75', currency: 'USD' }));
      assert.equal(r.status, 303, r.text);
      p = ok(await srv.api('GET', `/api/v1/projects/${esId}`, { session: s.pm }));
      assert.equal(p.budget, '2720505.26');
      assert.deepEqual(p.budgets.map((b) => [b.currency, b.budget]), [['EUR', '1000.00'], ['USD', '2720505.26']]);
      assert.deepEqual(p.donors.map((d) => d.amount), ['2000.75']);
      assert.ok((await page(s['pm.fr'], `/projects/${frId}`)).includes(`2${NNBSP}720${NNBSP}505,26`), 'fr page');
      assert.ok((await page(s['pm.es'], `/projects/${esId}`)).includes('2.720.505,26'), 'es page');
      assert.ok((await page(s.pm, `/projects/${esId}`)).includes('2,720,505.26'), 'en page');
      assert.ok(!(await page(s['pm.fr'], '/projects')).includes('2720505.26'), 'fr list');

      r = await srv.api('POST', '/fund/rates', form(s['pm.fr'], { currency: 'CHF', valid_from: '2026-02-01', rate: '0,88' }));
      assert.equal(r.status, 303, r.text);
      r = await srv.api('POST', '/fund/rates', form(s['pm.es'], { currency: 'COP', valid_from: '2026-02-01', rate: '3.950,5' }));
      assert.equal(r.status, 303, r.text);
      const rates = ok(await srv.api('GET', '/api/v1/rates', { session: s.pm })).rates;
      assert.equal(rates.find((x) => x.currency === 'CHF').rate, '0.88');
      assert.equal(rates.find((x) => x.currency === 'COP').rate, '3950.5');
      assert.ok((await page(s['pm.es'], '/fund/rates')).includes('<td>3.950,5</td>'), 'es rates');
      assert.ok((await page(s['pm.fr'], '/fund/rates')).includes('<td>0,88</td>'), 'fr rates');
    });

    it('es: a service\'s cost and a reintegration package typed the Spanish way', async () => {
      const caseId = await newCase({ assigned_to: s['caseworker.es'].user.id });
      let r = await srv.api('POST', `/cases/${caseId}/protection`, form(s['caseworker.es'], {
        kind: 'services', service_type: 'Medical', start_date: todayUtc(), status: 'InProgress',
        cost: '1.250,50', currency: 'THB',
      }));
      assert.equal(r.status, 303, r.text);
      const sv = ok(await srv.api('GET', `/api/v1/cases/${caseId}/services`, { session: s['caseworker.es'] }));
      const list = sv.records ?? sv.services ?? sv;
      assert.equal(list[0].cost, '1250.50', JSON.stringify(sv));
      assert.ok((await page(s['caseworker.es'], `/cases/${caseId}/protection`)).includes('1.250,50'), 'es cost shown');
      r = await srv.api('POST', `/cases/${caseId}/reintegration`, form(s['caseworker.es'], {
        action: 'plan', plan_type: 'Education', plan_date: todayUtc(),
        pkg0_type: 'Education', pkg0_amount: '2.500,25', pkg0_currency: 'USD', pkg0_status: 'InProgress',
      }));
      assert.equal(r.status, 303, r.text);
      const plan = ok(await srv.api('GET', `/api/v1/cases/${caseId}/reintegration`, { session: s['caseworker.es'] }));
      assert.equal((plan.plan ?? plan).packages[0].amount, '2500.25', JSON.stringify(plan));
      assert.ok((await page(s['caseworker.es'], `/cases/${caseId}/reintegration`)).includes('2.500,25'), 'es package shown');
    });

    it('the JSON API keeps the decimal point only', async () => {
      const caseId = await newCase();
      assertApiError(await srv.api('POST', `/api/v1/cases/${caseId}/fund-requests`, {
        session: s['caseworker.bkk'], body: { type: 'medical', amount: '250,50', currency: 'USD', justification: 'x' },
      }), 400);
    });
  });

  describe('5. the fund API gives times as ISO 8601 strings', () => {
    it('created_at, submitted_at, decided_at and a disbursement\'s at', async () => {
      const caseId = await newCase();
      const q = await submit(s['caseworker.bkk'], caseId);
      assert.match(q.created_at, ISO);
      assert.match(q.submitted_at, ISO);
      assert.equal(q.decided_at, null);
      ok(await decide(s.pm, q.id, { decision: 'approve', project_id: projectId, reason: 'Yes.' }));
      ok(await srv.api('POST', `/api/v1/fund-requests/${q.id}/disbursements`,
        { session: s.pm, body: { amount: '10' } }), 201);
      const g = await getReq(s.pm, q.id);
      for (const k of ['created_at', 'submitted_at', 'decided_at']) assert.match(g[k], ISO, k);
      assert.match(g.disbursements[0].at, ISO);
      const l = ok(await srv.api('GET', '/api/v1/fund-requests', { session: s.pm })).requests.find((x) => x.id === q.id);
      assert.match(l.submitted_at, ISO);
    });
  });

  describe('6. a refused read of a case\'s requests is audited with the case', () => {
    it('medical officer and researcher', async () => {
      const caseId = await newCase();
      for (const who of ['medical.bkk', 'researcher']) {
        assertApiError(await srv.api('GET', `/api/v1/cases/${caseId}/fund-requests`, { session: s[who] }), 403);
      }
      const a = await auditEntries(srv, s.admin, `case=${caseId}&action=fund.view.denied`);
      assert.deepEqual(a.map((x) => x.user).sort(), ['medical.bkk', 'researcher']);
    });

    it('and a refused read of one request, with the request\'s case', async () => {
      const caseId = await newCase();
      const q = await submit(s['caseworker.bkk'], caseId);
      assertApiError(await srv.api('GET', `/api/v1/fund-requests/${q.id}`, { session: s.researcher }), 403);
      const a = await auditEntries(srv, s.admin, `case=${caseId}&action=fund.view.denied`);
      assert.deepEqual(a.map((x) => [x.user, x.detail?.request]), [['researcher', q.id]]);
    });
  });
});
