/*
 * stats.test.mjs - GET /api/v1/stats and the statistics page: who sees
 * what, suppression for researchers, downloads.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { auditEntries, createCase, getFile, saveFile, startServer } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const VP = path.resolve(here, '../../data/ctdc/CTDC_VPsynthetic_condensed.csv');

describe('statistics', () => {
  let srv;
  let cw;
  let cwBog;
  let mgr;
  let pm;
  let res;
  let admin;
  let dpo;

  before(async () => {
    srv = await startServer({
      /* dpo: an admin granted case access. */
      extraUsers: [{ username: 'dpo', role: 'admin', office: 'HQ', password: 'pw-Dpo-HQ-st6e2b81' }],
      setup: async (db, ctm) => {
        await ctm(['import', 'ctdc', '--db', db, '--dataset', 'vp2022', VP]);
        await ctm(['user', 'case-grant', '--db', db, '--username', 'dpo']);
      },
    });
    cw = await srv.login('caseworker.bkk');
    cwBog = await srv.login('caseworker.bog');
    mgr = await srv.login('manager.bkk');
    pm = await srv.login('pm');
    res = await srv.login('researcher');
    admin = await srv.login('admin');
    dpo = await srv.login('dpo');
    /* Three BKK cases, one BOG case, with genders; one consents to research. */
    const mk = async (s, gender, research) => {
      const c = await createCase(srv, s);
      const f = await getFile(srv, s, c.id);
      f.prs_Gender = gender;
      if (research) {
        f.consents = [{ con_ConsentToInterview: 'Yes', con_InformedOfResearchUse: 'Yes' }];
      }
      await saveFile(srv, s, c.id, f);
    };
    await mk(cw, 'Feminine', true);
    await mk(cw, 'Feminine', false);
    await mk(cw, 'Masculine', false);
    await mk(cwBog, 'Masculine', false);
  });
  after(async () => { await srv?.stop(); });

  const stats = (s, q) => srv.api('GET', `/api/v1/stats?${q}`, { session: s });

  it('reproduces the imported dataset: 21,195 rows, gender counted with missing shown', async () => {
    const r = await stats(pm, 'dataset=vp2022&by=gender');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, 21195);
    const sum = r.json.rows.reduce((a, row) => a + row.count, 0);
    assert.equal(sum, 21195);
    assert.ok(r.json.rows.some((row) => row.value === 'Female' && row.count > 0));
  });

  it('caseworkers have no statistics', async () => {
    const r = await stats(cw, 'by=gender');
    assert.equal(r.status, 403);
  });

  it('an office manager counts the whole own office, unsuppressed', async () => {
    const m = await stats(mgr, 'dataset=caseload&by=gender&k=0');
    assert.equal(m.status, 200, m.text);
    assert.equal(m.json.total, 3);
    assert.equal(m.json.k_imposed, false);
  });

  it('who may not read every case counted (programme manager, admin, even with case access) counts as a researcher', async () => {
    /* The programme manager reads only the cases referred to headquarters;
     * the admin no case at all, and with case access never the high-risk
     * ones (which an unsuppressed table would count all the same):
     * anonymised, k imposed, consenting cases. */
    for (const who of [pm, admin, dpo]) {
      const r = await stats(who, 'dataset=caseload&by=gender&k=0');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.k, 10);
      assert.equal(r.json.k_imposed, true);
      assert.notEqual(r.json.total, 4);
      for (const row of r.json.rows) if (row.suppressed) assert.equal(row.count, null);
    }
  });

  it('a researcher gets k imposed and only cases that consent to research use', async () => {
    const r = await stats(res, 'dataset=caseload&by=gender&k=0');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.k, 10);
    assert.equal(r.json.k_imposed, true);
    /* One consenting case: the only non-empty cell is suppressed, and so
     * is anything that would give it away. */
    for (const row of r.json.rows) {
      if (row.suppressed) assert.equal(row.count, null);
    }
    assert.ok(r.json.rows.some((row) => row.suppressed));
    assert.notEqual(r.json.total, 4);
    /* Large research cells stay visible. */
    const v = await stats(res, 'dataset=vp2022&by=gender');
    assert.ok(v.json.rows.some((row) => !row.suppressed && row.count > 1000));
  });

  it('lists every value of a filtered group, counted or not, and hides each: no value left out says none has it', async () => {
    /* One consenting case, a woman: filtered to women, every value of
     * the flag is listed (none is counted), and none is shown. */
    const r = await stats(res, 'dataset=caseload&by=isForcedLabour&where=gender=Female');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.rows.map((row) => row.value), ['0', '1', null]);
    for (const row of r.json.rows) {
      assert.equal(row.suppressed, true, JSON.stringify(row));
      assert.equal(row.count, null);
    }
    /* Every gender is a row too, though only one is counted. */
    const g = await stats(res, 'dataset=caseload&by=gender');
    assert.deepEqual(g.json.rows.map((row) => row.value), ['Female', 'Male', 'Transgender/NonConforming', null]);
    assert.ok(g.json.rows.filter((row) => row.value).every((row) => row.suppressed), JSON.stringify(g.json.rows));
    /* Unsuppressed, an office manager sees only what is counted. */
    const m = await stats(mgr, 'dataset=caseload&by=gender&k=0');
    assert.deepEqual(m.json.rows.filter((row) => row.value).map((row) => [row.value, row.count]),
      [['Female', 2], ['Male', 1]]);
    /* The query is known again from the audit trail, filters included. */
    const e = (await auditEntries(srv, admin, 'action=stats.query')).filter((x) => x.user === 'researcher')
      .map((x) => (typeof x.detail === 'string' ? JSON.parse(x.detail) : x.detail))
      .find((d) => d.by === 'isForcedLabour');
    assert.deepEqual(e.where, ['gender=Female']);
    assert.equal(e.per_member, false);
  });

  it('small cells of a two-way table cannot be recovered from the totals', async () => {
    /* Americas/Oceania x Male holds 22 records: under k = 30. */
    const r = await stats(res, 'dataset=vp2022&by=UN_COO_Region&by=gender&k=30');
    assert.equal(r.status, 200, r.text);
    const rows = r.json.rows;
    const ncols = rows[0].cells.length;
    let suppressed = 0;
    for (const row of rows) {
      const n = row.cells.filter((c) => c.suppressed).length;
      suppressed += n;
      /* A row with one hidden cell and a shown total gives it away. */
      if (!row.suppressed) assert.notEqual(n, 1, `row ${row.value}`);
      for (const c of row.cells) if (c.suppressed) assert.equal(c.count, null);
    }
    assert.ok(suppressed >= 2, 'expected suppressed cells');
    for (let j = 0; j < ncols; j++) {
      const n = rows.filter((row) => row.cells[j].suppressed).length;
      assert.notEqual(n, 1, `column ${j}`);
    }
  });

  it('downloads CSV and XLSX', async () => {
    const c = await stats(pm, 'dataset=vp2022&by=gender&format=csv');
    assert.equal(c.status, 200);
    assert.match(c.headers['content-type'], /^text\/csv/);
    assert.match(c.headers['content-disposition'], /attachment/);
    assert.match(c.text, /Female/);
    const x = await srv.api('GET', '/api/v1/stats?dataset=vp2022&by=gender&format=xlsx', { session: pm, raw: true });
    assert.equal(x.status, 200);
    assert.match(x.headers['content-type'], /spreadsheetml/);
  });

  it('refuses unknown datasets, variables and formats clearly', async () => {
    assert.equal((await stats(pm, 'dataset=nope&by=gender')).status, 404);
    assert.equal((await stats(pm, 'dataset=vp2022&by=nope')).status, 400);
    assert.equal((await stats(pm, 'dataset=vp2022&by=gender&format=pdf')).status, 400);
    assert.equal((await stats(pm, 'dataset=vp2022')).status, 400);
  });

  /* The statistics page, as a browser without JavaScript gets it. */
  const page = async (s, q) => {
    const r = await srv.api('GET', `/stats?${q}`, { session: s });
    assert.equal(r.status, 200, `GET /stats?${q}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.text;
  };
  const options = (html, id) => {
    const m = new RegExp(`<select id="${id}" name="by">([\\s\\S]*?)</select>`).exec(html);
    assert.ok(m, `no select #${id}`);
    return [...m[1].matchAll(/<option value="([^"]*)"/g)].map((o) => o[1]);
  };
  const selected = (html, id) => {
    const m = new RegExp(`<select id="${id}" name="by">([\\s\\S]*?)</select>`).exec(html);
    return (/<option value="([^"]*)" selected>/.exec(m[1]) ?? [])[1];
  };
  const notice = (html) => (/<p class="flash warn" role="status">([^<]*)<\/p>/.exec(html) ?? [])[1];
  /* The imported file's own columns are the dataset's variables. */
  const VP_VARS = fs.readFileSync(VP, 'utf8').split('\n')[0].trim().split(',');
  const CASELOAD_VARS = ['yearOfRegistration', 'gender', 'ageBroad', 'majorityStatus', 'citizenship',
    'CountryOfExploitation'];

  it('offers the variables of the chosen dataset, and only those', async () => {
    for (const q of ['dataset=vp2022', 'dataset=vp2022&by=gender', 'dataset=vp2022&by=gender&by=UN_COO_Region']) {
      const html = await page(pm, q);
      assert.deepEqual(options(html, 'by'), VP_VARS, q);
      assert.deepEqual(options(html, 'by2'), ['', ...VP_VARS], q);
      assert.match(html, /<form method="get" action="\/stats" class="stats-form"><input type="hidden" name="dataset" value="vp2022">/);
      assert.equal(notice(html), undefined, q);
    }
    /* The dataset is chosen in a form of its own, which shows the form
     * again with its variables (the button is for browsers without
     * JavaScript, which submit on change otherwise). */
    const html = await page(pm, 'dataset=vp2022&by=gender');
    assert.match(html, /<select id="dataset" name="dataset" data-autosubmit>/);
    assert.match(html, /<option value="vp2022" selected>vp2022 \(21,195\)<\/option>/);
    assert.equal(selected(html, 'by'), 'gender');
    for (const q of ['dataset=caseload', 'dataset=caseload&by=gender']) {
      const c = await page(mgr, q);
      const vars = options(c, 'by');
      for (const v of CASELOAD_VARS) assert.ok(vars.includes(v), `${q}: no ${v}`);
      for (const v of ['yearRegister', 'UN_COO_Region', 'IP_Exploiter']) assert.ok(!vars.includes(v), `${q}: ${v}`);
    }
  });

  it('counts by the dataset\'s first variable, with a notice, when given one it lacks; never an error page', async () => {
    /* The caseload's default variable sent with vp2022 (the form sent
     * after the dataset was changed). */
    const html = await page(res, 'dataset=vp2022&by=yearOfRegistration&by=ageBroad');
    assert.equal(notice(html), 'This dataset has no variable “yearOfRegistration”: the table counts by its first '
      + 'one, “Year of registration”.');
    assert.equal(selected(html, 'by'), VP_VARS[0]);
    assert.equal(selected(html, 'by2'), undefined, 'and by: none');
    /* The table is the first variable's, as the API counts it. */
    const api = (await stats(res, `dataset=vp2022&by=${VP_VARS[0]}`)).json;
    const total = /<tfoot><tr><th scope="row">Total<\/th><td class="num">([^<]*)<\/td>/.exec(html)?.[1];
    assert.equal(total, api.total.toLocaleString('en'));
    assert.match(html, /<th scope="col">% of valid answers<\/th>/, 'a one-way table');
    /* A second variable it lacks: counted by the first alone. */
    const two = await page(res, 'dataset=vp2022&by=gender&by=citizenship');
    assert.match(notice(two), /^The second variable is not one of the dataset&#39;s/);
    assert.equal(selected(two, 'by'), 'gender');
    /* And the other way round: a vp2022 variable for the caseload. */
    const c = await page(mgr, 'dataset=caseload&by=yearRegister');
    assert.match(notice(c), /^This dataset has no variable “yearRegister”/);
    assert.equal(selected(c, 'by'), 'yearOfRegistration');
    /* The API keeps answering a wrong variable with 400. */
    assert.equal((await stats(pm, 'dataset=vp2022&by=yearOfRegistration')).status, 400);
  });

  it('writes figures as the reader does, and the downloads keep plain numbers', async () => {
    await srv.api('PATCH', '/api/v1/me', { session: res, body: { lang: 'fr' } });
    const fr = await page(res, 'dataset=vp2022&by=gender');
    const api = (await stats(res, 'dataset=vp2022&by=gender')).json;
    const female = api.rows.find((r) => r.value === 'Female');
    const nnbsp = (n) => n.toLocaleString('en').replace(/,/g, '\u202f');
    assert.ok(fr.includes(`<option value="vp2022" selected>vp2022 (${nnbsp(21195)})</option>`), 'the dataset list');
    assert.ok(fr.includes(`<td class="num">${nnbsp(female.count)}</td>`), 'a count');
    assert.ok(fr.includes(`<td class="num">${nnbsp(21195)}</td>`), 'the total');
    /* The percentage of all, two decimals with a comma. */
    const pct = (Math.round(female.count * 10000 / api.total) / 100).toFixed(2).replace('.', ',');
    assert.ok(fr.includes(`<td class="num">${pct}</td>`), `the percentage ${pct}`);
    await srv.api('PATCH', '/api/v1/me', { session: res, body: { lang: 'es' } });
    const es = await page(res, 'dataset=vp2022&by=gender');
    assert.ok(es.includes(`<td class="num">${female.count.toLocaleString('de')}</td>`), 'a Spanish count');
    await srv.api('PATCH', '/api/v1/me', { session: res, body: { lang: 'en' } });
    const csv = await stats(res, 'dataset=vp2022&by=gender&format=csv');
    assert.match(csv.text, new RegExp(`Female[^\\n]*,${female.count}\\b`));
    assert.ok(!csv.text.includes(female.count.toLocaleString('en')), 'a CSV count with separators');
  });

  it('charts what the table shows, Missing too; no chart when every cell is suppressed', async () => {
    const html = await page(pm, 'dataset=vp2022&by=gender');
    const chart = JSON.parse(/<script type="application\/json" id="chart-data">([\s\S]*?)<\/script>/.exec(html)[1]);
    const api = (await stats(pm, 'dataset=vp2022&by=gender')).json;
    assert.equal(chart.categories.length, api.rows.length);
    assert.ok(chart.categories.includes('Missing'), JSON.stringify(chart.categories));
    const missing = api.rows.find((r) => r.value === null);
    assert.equal(chart.series[0].data[chart.categories.indexOf('Missing')], missing.count);
    /* Four cases in all, k = 10: every cell suppressed. */
    const none = await page(res, 'dataset=caseload&by=gender');
    assert.ok(!none.includes('id="chart-data"'), 'a chart of suppressed cells');
    assert.match(none, /No chart: every cell of this table is suppressed or empty\./);
  });

  it('the statistics page shows a table and a chart, in French', async () => {
    await srv.api('PATCH', '/api/v1/me', { session: pm, body: { lang: 'fr' } });
    const r = await srv.api('GET', '/stats?dataset=vp2022&by=gender&by=majorityStatus', { session: pm });
    assert.equal(r.status, 200);
    assert.match(r.text, /<table class="stats/);
    assert.match(r.text, /id="chart-data"/);
    assert.match(r.text, /Statistiques/);
    assert.doesNotMatch(r.text, /<script>(?!<\/script>)/);
  });
});
