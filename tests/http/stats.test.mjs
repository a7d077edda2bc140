/*
 * stats.test.mjs - GET /api/v1/stats and the statistics page: who sees
 * what, suppression for researchers, downloads.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { createCase, getFile, saveFile, startServer } from './lib.mjs';

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
