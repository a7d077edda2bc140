/*
 * dashboard.test.mjs - the charts in a real browser: the demo's office
 * manager ("manager") and programme manager ("programme") log in, open
 * the dashboard in English and then in French, and every chart of their
 * dashboard is drawn by ECharts (an svg or canvas of non-zero size inside
 * the chart's element) with its words in the page's language; the office
 * manager then opens the shelter page and its occupancy chart over 30
 * and 90 days. Without JavaScript the same pages show the tables and
 * keep the charts' elements hidden. No console error, CSP violation or
 * page error anywhere (lib.mjs's watch).
 *
 *   CTM_BIN=/abs/path/to/ctm node --test --test-concurrency=1 tests/e2e/dashboard.test.mjs
 *
 * Screenshots: tests/e2e/artifacts/dashboard-{manager,programme}-{en,fr}.png
 * and shelter-90.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, logIn, norm, screenshot, startDemoServer, submitAndWait, T_ACTION, watch } from './lib.mjs';

const T_TEST = 180_000;

const CHARTS = {
  manager: ['chart-office', 'chart-shelters'],
  programme: ['chart-fund-queue', 'chart-turnaround', 'chart-budgets'],
};
/* A series name of each chart, in English and French (po/fr.po). */
const SERIES = {
  'chart-office': null,
  'chart-shelters': { en: 'Places free', fr: 'Places libres' },
  'chart-fund-queue': { en: '30 days or more', fr: '30 jours ou plus' },
  'chart-turnaround': { en: 'Median (days)', fr: 'Médiane (jours)' },
  'chart-budgets': { en: 'Committed', fr: 'Engagé' },
  'chart-occupancy': { en: 'Capacity', fr: 'Capacité' },
};

/*
 * Waits until ECharts has drawn chart id: its element shown, with an
 * svg or canvas inside of non-zero size. Returns that size and the
 * text the drawing holds (legends, axis labels).
 */
async function drawn(page, id) {
  const el = page.locator(`div.chart[data-src="${id}"]`);
  assert.equal(await el.count(), 1, `no chart element ${id}`);
  await page.waitForFunction((i) => {
    const d = document.querySelector(`div.chart[data-src="${i}"]`);
    const g = d && d.querySelector('svg, canvas');
    if (!g) return false;
    const b = g.getBoundingClientRect();
    return !d.hidden && b.width > 0 && b.height > 0;
  }, id, { timeout: T_ACTION });
  const box = await el.locator('svg, canvas').first().boundingBox();
  assert.ok(box && box.width > 0 && box.height > 0, `${id}: ${JSON.stringify(box)}`);
  const elBox = await el.boundingBox();
  assert.ok(elBox.width > 0 && elBox.height > 0, `${id}: the element has no size`);
  return { box, text: norm(await el.evaluate((d) => d.textContent)) };
}

/* The data of chart id, as the page carries it. */
async function data(page, id) {
  return JSON.parse(await page.locator(`script[type="application/json"]#${id}`).textContent());
}

async function assertCharts(page, who, lang) {
  for (const id of CHARTS[who]) {
    const { text } = await drawn(page, id);
    const d = await data(page, id);
    assert.ok(d.categories.length > 0, `${who} ${lang}: ${id} has no data`);
    if (SERIES[id]) {
      assert.ok(d.series.some((x) => x.name === SERIES[id][lang]), `${id} (${lang}): ${JSON.stringify(d.series)}`);
      assert.ok(text.includes(SERIES[id][lang]), `${id} (${lang}) draws no "${SERIES[id][lang]}": ${text}`);
    }
  }
}

async function toFrench(page, w) {
  const fr = page.locator('header form[action="/lang"] button[name="lang"][value="fr"]');
  const from = new URL(page.url()).pathname;
  await submitAndWait(page, w, 'switch to French', () => fr.click(), (u) => u.pathname === from);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
}

test('the dashboards\' and the shelter page\'s charts are drawn, in English and French', { timeout: T_TEST }, async () => {
  const srv = await startDemoServer();
  try {
    for (const who of ['manager', 'programme']) {
      const ctx = await launch(true);
      const page = ctx.pages()[0] ?? await ctx.newPage();
      const w = watch(page, srv.base);
      await logIn(page, w, srv, who);
      assert.equal(norm(await page.locator('main h1').textContent()), 'Dashboard');
      await assertCharts(page, who, 'en');
      await screenshot(page, `dashboard-${who}-en.png`);

      await toFrench(page, w);
      assert.equal(norm(await page.locator('main h1').textContent()), 'Tableau de bord');
      await assertCharts(page, who, 'fr');
      await screenshot(page, `dashboard-${who}-fr.png`);

      if (who === 'manager') {
        /* The shelter page, from the dashboard's table, still in French. */
        await submitAndWait(page, w, 'open the shelter',
          () => page.locator('main a[href^="/shelters/"]').first().click(),
          (u) => /^\/shelters\/\d+$/.test(u.pathname));
        let d = await data(page, 'chart-occupancy');
        assert.equal(d.categories.length, 30);
        await drawn(page, 'chart-occupancy');
        assert.ok((await drawn(page, 'chart-occupancy')).text.includes(SERIES['chart-occupancy'].fr));
        const path = new URL(page.url()).pathname;
        await submitAndWait(page, w, '90 days', () => page.locator(`main a[href="${path}?days=90"]`).click(),
          (u) => u.pathname === path && u.search === '?days=90');
        d = await data(page, 'chart-occupancy');
        assert.equal(d.categories.length, 90);
        assert.deepEqual(d.series.map((x) => x.name), ['Occupées', 'Capacité']);
        /* Today's figure is the one the page states above. */
        const occupied = Number(norm(await page.locator('main dl dd').nth(1).textContent()));
        assert.equal(d.series[0].data[89], occupied);
        await drawn(page, 'chart-occupancy');
        await screenshot(page, 'shelter-90.png');
      }
      assert.deepEqual(w.problems, [], `${who}: console errors, CSP violations, page errors or failed requests`);
      await ctx.close();
    }

    /* Without JavaScript: the tables, and the charts' elements hidden. */
    const ctx = await launch(false);
    const page = ctx.pages()[0] ?? await ctx.newPage();
    const w = watch(page, srv.base);
    await logIn(page, w, srv, 'programme');
    for (const id of CHARTS.programme) {
      assert.equal(await page.locator(`div.chart[data-src="${id}"]`).isVisible(), false, id);
      assert.equal(await page.locator(`div.chart[data-src="${id}"] svg, div.chart[data-src="${id}"] canvas`).count(), 0);
    }
    const tables = await page.locator('main table').count();
    assert.ok(tables >= 3, `tables of the programme manager: ${tables}`);
    /* The language chosen above stays with the user. */
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    assert.equal(norm(await page.locator('main h4').first().textContent()),
      "Demandes en attente par bureau et jours d'attente");
    assert.deepEqual(w.problems, [], 'problems without JavaScript');
    await ctx.close();
  } finally {
    await srv.stop();
  }
});
