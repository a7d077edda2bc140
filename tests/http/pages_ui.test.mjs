/*
 * pages_ui.test.mjs - what the pages show, read from their HTML:
 *   - every table sits in its .table-wrap scroll box, its figures'
 *     columns right-aligned; an empty list is a line saying so;
 *   - one status badge, one breadcrumb on every page of a case, dates
 *     and case numbers kept on one line;
 *   - a closed case offers no return or handover (the API refuses the
 *     handover too, changing nothing), and again once reopened;
 *   - a travel leg without a place shows its country alone;
 *   - the health page's heading once, its form titled as a sentence;
 *   - /transfers names its two lists; the audit trail's actions and
 *     details read in words;
 *   - figures and label colons as the reader's language writes them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createCase, startServer, todayUtc } from './lib.mjs';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

describe('the pages', () => {
  let srv;
  const s = {};
  let open;
  let closed;
  let project;

  const ok = (r, what, status = [200, 201]) => {
    assert.ok(status.includes(r.status), `${what}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.json;
  };
  const page = async (who, path) => {
    const r = await srv.api('GET', path, { session: s[who] });
    assert.equal(r.status, 200, `GET ${path} as ${who}: ${r.status}`);
    return r.text;
  };
  const main = (html) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)[1];
  const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);

  before(async () => {
    srv = await startServer({
      extraUsers: [{ username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-ui5e1c7' }],
    });
    for (const u of ['caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'pm', 'admin', 'medical.bkk']) {
      s[u] = await srv.login(u);
    }
    open = await createCase(srv, s['manager.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    closed = await createCase(srv, s['manager.bkk'], { status: 'Closed' });
    /* A return whose one leg leaves from a country without a place. */
    ok(await srv.api('POST', `/api/v1/cases/${open.id}/return`, {
      session: s['caseworker.bkk'], body: { dest_country: 'CO', dest_office: 'BOG', date: todayUtc() },
    }), 'return');
    ok(await srv.api('PUT', `/api/v1/cases/${open.id}/return/legs`, {
      session: s['caseworker.bkk'],
      body: { legs: [{ from_country: 'TH', to_country: 'CO', to_place: 'Bogotá', departure_date: day(5), arrival_date: day(6) }] },
    }), 'legs');
    ok(await srv.api('POST', `/api/v1/cases/${open.id}/fund-requests`, {
      session: s['caseworker.bkk'], body: { type: 'return', amount: '1250.50', currency: 'USD', justification: 'Ticket' },
    }), 'fund request');
    /* A project of no donor, for 1,213 people. */
    project = ok(await srv.api('POST', '/api/v1/projects', {
      session: s.pm, body: { name: 'UI project', currency: 'USD', budget: 2720000, target: 1213 },
    }), 'project');
  });
  after(async () => { await srv?.stop(); });

  it('puts every table in its scroll box, on every page of every role', async () => {
    const paths = {
      'caseworker.bkk': ['/dashboard', '/cases', `/cases/${open.id}/return`, `/cases/${open.id}/fund`,
        `/cases/${open.id}/reintegration`, `/cases/${open.id}/protection`, '/fund', '/transfers', '/visits',
        '/shelters', '/organisations'],
      'manager.bkk': ['/dashboard', '/cases', '/transfers', '/visits', '/stats?dataset=caseload&by=gender&by=ageBroad'],
      pm: ['/dashboard', '/fund', '/fund/rates', '/projects', `/projects/${project.id}`],
      admin: ['/dashboard', '/admin/users', '/admin/offices', '/admin/audit', '/account'],
      'medical.bkk': ['/dashboard', `/cases/${open.id}/health`],
    };
    let tables = 0;
    for (const [who, list] of Object.entries(paths)) {
      for (const p of list) {
        const html = main(await page(who, p));
        const all = (html.match(/<table[ >]/g) ?? []).length;
        const boxed = (html.match(/<div class="table-wrap"><table[ >]/g) ?? []).length;
        assert.equal(boxed, all, `${who} ${p}: ${all - boxed} of ${all} tables outside .table-wrap`);
        assert.doesNotMatch(html, /<th( scope="col")?><\/th>/, `${who} ${p}: a column without a header`);
        tables += all;
      }
    }
    /* Empty lists are lines, not tables: 23 tables on these pages. */
    assert.ok(tables >= 23, `only ${tables} tables seen`);
  });

  it('right-aligns the columns of figures and says when a table is empty', async () => {
    const fund = main(await page('pm', '/fund'));
    /* Amount asked (4); the decided list is empty here (below). */
    assert.match(fund, /<table class="striped num-4">/);
    assert.match(fund, /<table class="striped turnaround num-rest">/);
    /* An empty list is a line, not a table of headers. */
    assert.match(fund, /<h2>Decided and sent back<\/h2><p class="empty">No requests\.<\/p>/);
    const dash = main(await page('pm', '/dashboard'));
    assert.match(dash, /<table class="striped num-3 num-4 num-5">/, 'budgets');
    const proj = main(await page('pm', `/projects/${project.id}`));
    assert.match(proj, /<h2>Donors<\/h2><p class="empty">No donors recorded\.<\/p><h2>Cases<\/h2>/);
    assert.match(proj, /<h2>Budget lines<\/h2><div class="table-wrap"><table class="striped num-rest"><thead><tr><th scope="col">Currency<\/th>/);
    /* An empty table with totals keeps its row saying so. */
    assert.match(dash, /<td colspan="4" class="empty">No decision yet\.<\/td>/);
  });

  it('shows a case\'s status with one badge, and the same breadcrumb on every page of the case', async () => {
    const badge = '<span class="badge" data-status="Active">Active</span>';
    for (const p of ['/cases', `/cases/${open.id}`, `/cases/${open.id}/file`, '/dashboard']) {
      const html = main(await page('caseworker.bkk', p));
      assert.ok(html.includes(badge), `${p}: no status badge`);
      assert.doesNotMatch(html, /badge status-/, p);
    }
    const crumb = `<nav class="breadcrumb" aria-label="You are here"><ul><li><a href="/cases">Cases</a></li>`
      + `<li><a href="/cases/${open.id}"><span class="nowrap">${open.case_number}</span></a></li>`;
    const pages = {
      protection: 'Protection and assistance', return: 'Return and handover', reintegration: 'Reintegration',
      fund: 'Fund requests',
    };
    for (const [sub, title] of Object.entries(pages)) {
      const html = main(await page('caseworker.bkk', `/cases/${open.id}/${sub}`));
      assert.ok(html.startsWith(`${crumb}<li aria-current="page">${title}</li></ul></nav>`), `${sub}: ${html.slice(0, 300)}`);
      assert.doesNotMatch(html, /Back to the case/, sub);
    }
    const health = main(await page('medical.bkk', `/cases/${open.id}/health`));
    assert.ok(health.startsWith(`${crumb}<li aria-current="page">Health records</li></ul></nav>`));
    const file = main(await page('caseworker.bkk', `/cases/${open.id}/file/person`));
    assert.ok(file.startsWith(`${crumb}<li><a href="/cases/${open.id}/file">Case file</a></li>`));
    /* Case numbers and times never broken across lines. */
    const list = main(await page('caseworker.bkk', '/cases'));
    assert.match(list, new RegExp(`<a href="/cases/${open.id}"><span class="nowrap">${open.case_number}</span></a>`));
    assert.match(list, /<time class="nowrap" datetime="\d{4}-\d\d-\d\dT\d\d:\d\dZ">\d{4}-\d\d-\d\d \d\d:\d\d<\/time>/);
  });

  it('the health page: its heading once, and its form titled as a sentence', async () => {
    const html = main(await page('medical.bkk', `/cases/${open.id}/health`));
    assert.equal((html.match(/Health records</g) ?? []).length, 2, 'the breadcrumb and the heading only');
    assert.match(html, /<h1>Health records<\/h1>/);
    assert.doesNotMatch(html, /<h2>Health records<\/h2>/);
    assert.match(html, /<summary>Add a health record<\/summary>/);
    assert.doesNotMatch(html, /Add: /);
  });

  it('offers a closed case no return and no handover, which the API refuses too', async () => {
    const html = main(await page('caseworker.bkk', `/cases/${closed.id}/return`));
    assert.doesNotMatch(html, /name="action" value="request"/, 'a return request form');
    assert.doesNotMatch(html, /name="action" value="transfer"/, 'a handover form');
    assert.match(html, /This case is closed: reopen it before asking for a return\./);
    assert.match(html, /This case is closed: reopen it before handing it over\./);
    /* The same rule for the API: refused, nothing changed. */
    const before = ok(await srv.api('GET', '/api/v1/transfers', { session: s['manager.bkk'] }), 'transfers');
    const r = await srv.api('POST', `/api/v1/cases/${closed.id}/transfers`,
      { session: s['caseworker.bkk'], body: { to_office: 'BOG' } });
    assert.equal(r.status, 409, r.text);
    assert.deepEqual(ok(await srv.api('GET', '/api/v1/transfers', { session: s['manager.bkk'] }), 'transfers'), before);
    assert.equal(ok(await srv.api('GET', `/api/v1/cases/${closed.id}/return`, { session: s['caseworker.bkk'] }), 'return')
      .transfers.length, 0);
    /* Reopened: both are offered again. */
    ok(await srv.api('PATCH', `/api/v1/cases/${closed.id}`, { session: s['caseworker.bkk'], body: { status: 'Active' } }), 'reopen');
    const again = main(await page('caseworker.bkk', `/cases/${closed.id}/return`));
    assert.match(again, /name="action" value="request"/);
    assert.match(again, /name="action" value="transfer"/);
    ok(await srv.api('PATCH', `/api/v1/cases/${closed.id}`, { session: s['caseworker.bkk'], body: { status: 'Closed' } }), 'close');
  });

  it('shows a leg\'s country alone when it has no place', async () => {
    const html = main(await page('caseworker.bkk', `/cases/${open.id}/return`));
    assert.match(html, /<tbody><tr><td>Thailand<\/td><td>Bogotá, Colombia<\/td>/);
    assert.doesNotMatch(html, /Thailand, —/);
  });

  it('names the two lists of handovers, in every language', async () => {
    const tr = { en: ['Incoming handovers', 'Outgoing handovers'], fr: ['Transferts entrants', 'Transferts sortants'],
      es: ['Traspasos entrantes', 'Traspasos salientes'] };
    for (const [lang, [incoming, outgoing]] of Object.entries(tr)) {
      const r = await srv.api('GET', '/transfers', { session: s['manager.bkk'], headers: { 'Accept-Language': lang } });
      assert.match(r.text, new RegExp(`<h2>${incoming}</h2>[\\s\\S]*<h2>${outgoing}</h2>`), lang);
    }
  });

  it('the audit trail reads its actions and details in words, the code kept small', async () => {
    await srv.api('GET', '/stats?dataset=caseload&by=gender', { session: s['manager.bkk'] });
    const html = main(await page('admin', '/admin/audit?action=stats.query'));
    assert.match(html, /<td>Statistics computed<br><small class="muted"><code>stats\.query<\/code><\/small><\/td>/);
    assert.match(html, /<ul class="detail"><li>Dataset: caseload<\/li><li>Count by: gender<\/li>/);
    assert.doesNotMatch(html, /\{&quot;/, 'raw JSON in the detail');
    const fr = await srv.api('GET', '/admin/audit?action=stats.query', { session: s.admin, headers: { 'Accept-Language': 'fr' } });
    assert.ok(fr.text.includes(`<td>Statistiques calculées<br>`), 'French label');
    assert.ok(fr.text.includes(`<li>Jeu de données${NBSP}: caseload</li>`), 'French detail');
    /* A refusal reads as one. */
    assert.equal((await srv.api('GET', `/cases/${open.id}/file`, { session: s['caseworker.bog'] })).status, 404);
    const denied = main(await page('admin', '/admin/audit?action=case.view.denied'));
    assert.match(denied, /<td>Case read — refused<br><small class="muted"><code>case\.view\.denied<\/code>/);
  });

  it('writes figures and label colons as the reader\'s language does', async () => {
    const fr = await srv.api('GET', '/projects', { session: s.pm, headers: { 'Accept-Language': 'fr' } });
    assert.ok(fr.text.includes(`<td>0 / 1${NNBSP}213</td>`), 'assisted / target in French');
    assert.ok(fr.text.includes(`Tous les budgets en USD aux taux du jour${NBSP}: 2${NNBSP}720${NNBSP}000,00 USD`),
      'a label and its colon in French');
    const es = await srv.api('GET', '/projects', { session: s.pm, headers: { 'Accept-Language': 'es' } });
    assert.ok(es.text.includes('<td>0 / 1.213</td>'), 'assisted / target in Spanish');
    const en = await srv.api('GET', `/projects/${project.id}`, { session: s.pm });
    assert.ok(en.text.includes('<dd id="project-assisted">0 / 1,213</dd>'), 'assisted / target in English');
    /* Durations in days on /fund as on the dashboard. */
    const fund = await page('pm', '/fund');
    assert.match(fund, /<dt>Oldest waiting<\/dt><dd>\d+\.\d days?<\/dd>/);
    assert.doesNotMatch(fund, /\(hours\)| h</);
  });
});
