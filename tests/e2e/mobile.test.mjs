/*
 * mobile.test.mjs - every page of every demo user on a phone (390 px
 * wide): the page itself never scrolls sideways. A wide table scrolls
 * inside its .table-wrap box (page_table_begin(), page.c); the pages
 * are those a user reaches from the navigation, a case's sections, the
 * fund's requests and projects, and statistics tables. A few pages again
 * in Spanish, whose words are the longest, and the projects also on a
 * desktop width.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { launch, logIn, startDemoServer, watch } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const USERS = ['caseworker', 'manager', 'manager.bog', 'caseworker.bog', 'programme', 'medical', 'researcher',
  'admin'];
/* Case pages opened per user: enough to meet a return with its travel
 * plan, a fund request and a reintegration. */
const CASES_PER_USER = 6;

/* The hrefs of the links of page matching selector, unique, in order. */
async function links(page, selector) {
  const hrefs = await page.locator(selector).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  return [...new Set(hrefs)];
}

/* What is wider than the screen and not inside a scroll box. */
async function overflow(page) {
  return page.evaluate(() => {
    const out = [];
    const w = window.innerWidth;
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right <= w + 1 || r.width === 0) continue;
      let p = el.parentElement;
      let boxed = false;
      for (; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { boxed = true; break; }
      }
      if (!boxed) out.push(`${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''} right=${Math.round(r.right)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: w, wide: out.slice(0, 5) };
  });
}

test('no page scrolls sideways on a phone, for any demo user', { timeout: 900_000 }, async () => {
  const srv = await startDemoServer();
  const ctx = await launch(true);
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const w = watch(page, srv.base);
  const bad = [];
  let checked = 0;

  /* Opens path at the current size; records it when it scrolls. */
  async function check(path, who) {
    const resp = await page.goto(srv.base + path, { waitUntil: 'load' });
    assert.equal(resp.status(), 200, `${who}: GET ${path}`);
    /* Charts are drawn after load: measure once they are. */
    await page.waitForFunction(() => [...document.querySelectorAll('div.chart')].every((c) => !c.hidden),
      null, { timeout: 5_000 }).catch(() => {});
    const o = await overflow(page);
    checked++;
    if (o.scrollWidth > o.innerWidth + 1) bad.push(`${who} ${o.innerWidth}px ${path}: scrollWidth ${o.scrollWidth} ${o.wide.join(', ')}`);
  }

  try {
    for (const who of USERS) {
      await ctx.clearCookies();
      await page.setViewportSize(DESKTOP);
      await logIn(page, w, srv, who);
      await page.setViewportSize(PHONE);
      const nav = await links(page, 'header nav.sections a');
      const pages = ['/dashboard', ...nav];
      for (const p of pages) await check(p, who);

      if (nav.includes('/cases')) {
        await page.goto(`${srv.base}/cases`);
        const cases = (await links(page, 'main table a[href^="/cases/"]')).slice(0, CASES_PER_USER);
        for (const c of cases) {
          await check(c, who);
          for (const sub of await links(page, 'main ul.case-links a')) await check(sub, who);
        }
      }
      if (nav.includes('/fund')) {
        await page.goto(`${srv.base}/fund`);
        for (const q of (await links(page, 'main a[href^="/fund/requests/"]')).slice(0, 4)) await check(q, who);
      }
      if (nav.includes('/projects')) {
        await page.goto(`${srv.base}/projects`);
        for (const p of await links(page, 'main a[href^="/projects/"]')) await check(p, who);
      }
      if (nav.includes('/stats')) {
        await check('/stats?dataset=caseload&by=gender', who);
        await check('/stats?dataset=caseload&by=yearOfRegistration&by=ageBroad', who);
        await check('/stats?dataset=caseload&by=citizenship&by=CountryOfExploitation', who);
      }
    }

    /* Spanish: the longest words, on a phone, and the projects' table
     * on a desktop too. */
    await ctx.clearCookies();
    await page.setViewportSize(DESKTOP);
    await logIn(page, w, srv, 'programme');
    await page.locator('form.lang button[value="es"]').click();
    await page.waitForURL(/\/dashboard$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await check('/projects', 'programme (es)');
    await page.setViewportSize(PHONE);
    for (const p of ['/dashboard', '/fund', '/projects', '/cases', '/stats?dataset=caseload&by=gender']) {
      await check(p, 'programme (es)');
    }
    await page.goto(`${srv.base}/dashboard`);
    await page.locator('form.lang button[value="en"]').click();
    await page.waitForURL(/\/dashboard$/);

    assert.ok(checked > 60, `only ${checked} pages were looked at`);
    assert.deepEqual(bad, [], 'pages wider than the screen');
    assert.deepEqual(w.problems, [], 'console errors, CSP violations, page errors or failed requests');
  } finally {
    await ctx.close().catch(() => {});
    await srv.stop();
  }
});
