/*
 * charts.test.mjs - the charts drawn over the dashboards' tables, on a
 * phone, in French: every project's name on the budget chart (cut with
 * an ellipsis when long), figures as French writes them, a legend on
 * lines of its own rather than in pages, and no label for an empty
 * slice of the caseload ring.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { launch, logIn, norm, startDemoServer, watch } from './lib.mjs';

/* The texts of the SVG a chart was drawn into, once it is. */
async function chartTexts(page, id) {
  const el = page.locator(`div.chart[data-src="${id}"]`);
  await el.locator('svg').waitFor({ state: 'attached' });
  return el.locator('svg text').evaluateAll((ts) => ts.map((t) => t.textContent.trim()).filter(Boolean));
}

test('charts read in the page\'s language, with every name and no pager', { timeout: 300_000 }, async () => {
  const srv = await startDemoServer();
  const ctx = await launch(true);
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const w = watch(page, srv.base);
  try {
    for (const who of ['programme', 'caseworker']) {
      await ctx.clearCookies();
      await page.setViewportSize({ width: 1280, height: 900 });
      await logIn(page, w, srv, who);
      await page.locator('form.lang button[value="fr"]').click();
      await page.waitForURL(/\/dashboard$/);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();

      if (who === 'programme') {
        const names = (await page.locator('main table:has(th:text-is("Projet")) tbody tr td:first-child')
          .allTextContents()).map(norm);
        assert.ok(names.length >= 2, `budget rows: ${names}`);
        const texts = await chartTexts(page, 'chart-budgets');
        for (const n of names) {
          assert.ok(texts.some((t) => n.startsWith(t.replace(/(\.\.\.|…)$/, ''))), `no label for "${n}" in ${JSON.stringify(texts)}`);
        }
        /* Figures in French (200 k, 1 M), never 200,000. */
        assert.ok(!texts.some((t) => /\d,\d{3}/.test(t)), `English figures: ${texts}`);
        assert.ok(texts.some((t) => /^\d+(,\d)?\s[kM]$/.test(t)), `no French axis figure: ${texts}`);
        /* The legend wraps, it is not paged ("1/2"). */
        assert.ok(!texts.some((t) => /^\d+\/\d+$/.test(t)), `a paged legend: ${texts}`);
        for (const l of ['Budget', 'Engagé', 'Décaissé']) assert.ok(texts.includes(l), `legend ${l}: ${texts}`);
      } else {
        /* The caseworker's ring: a label per slice with cases only. */
        const counts = await page.locator('main table:has(th:text-is("Statut")) tbody tr')
          .evaluateAll((rs) => rs.map((r) => [r.cells[0].textContent.trim(), Number(r.cells[1].textContent.trim())]));
        const texts = await chartTexts(page, 'chart-mine');
        for (const [status, n] of counts) {
          const label = `${status} (${n})`;
          assert.equal(texts.includes(label), n > 0, `${label} in ${JSON.stringify(texts)}`);
        }
        assert.ok(counts.some(([, n]) => n === 0), 'the demo caseworker has a status without cases');
      }
      await page.locator('form.lang button[value="en"]').click();
      await page.waitForURL(/\/dashboard$/);
    }
    assert.deepEqual(w.problems, [], 'console errors, CSP violations, page errors or failed requests');
  } finally {
    await ctx.close().catch(() => {});
    await srv.stop();
  }
});
