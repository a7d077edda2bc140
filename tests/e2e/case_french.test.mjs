/*
 * case_french.test.mjs - the browser test of issue 2: a demo caseworker
 * logs in, opens a case, switches to French and sees the case page in
 * French. Run once with JavaScript and once without (every page must
 * work server-rendered; ctm.js only enhances).
 *
 * Drives Debian's /usr/bin/chromium through npm playwright-core, with the
 * node built-in test runner:
 *
 *   CTM_BIN=/abs/path/to/ctm node --test --test-concurrency=1 tests/e2e/
 *
 * Each test gets a fresh demo database and its own `ctm serve` on a free
 * loopback port (the language is stored per user, so the two runs must
 * not share one): see lib.mjs. Along the way it asserts: no console
 * error, no CSP violation, no uncaught page error, no failed or 4xx/5xx
 * sub-resource; the session cookie is HttpOnly and SameSite=Strict; the
 * server stops with exit 0 on SIGTERM and prints no sanitizer report.
 *
 * The French case page is saved to tests/e2e/artifacts/case-fr.png (and
 * case-fr-nojs.png for the run without JavaScript).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, openCase, screenshot, submitAndWait } from './lib.mjs';

const T_TEST = 120_000;

/* Case page labels in English: in French each must be translated. */
const EN_CASE_LABELS = ['Office', 'Status', 'Assigned to', 'Opened (UTC)', 'Last change (UTC)'];

function flow(javaScriptEnabled, shot) {
  return demoSession({ javaScriptEnabled }, async ({ srv, ctx, page, w }) => {
    /* The session cookie: HttpOnly, SameSite=Strict, host-only. */
    const cookies = await ctx.cookies(srv.base);
    const sess = cookies.find((c) => c.name === 'ctm_session');
    assert.ok(sess, `no ctm_session cookie after login (cookies: ${cookies.map((c) => c.name)})`);
    assert.equal(sess.httpOnly, true, 'session cookie must be HttpOnly');
    assert.equal(sess.sameSite, 'Strict', 'session cookie must be SameSite=Strict');
    assert.ok(!(await page.evaluate(() => document.cookie)).includes('ctm_session'),
      'the session cookie is visible to scripts');

    /* Open a new case, assigned to the caseworker themself. */
    const { casePath, number } = await openCase(page, w);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'case page language before the switch');
    const enLabels = (await page.locator('main dl dt').allTextContents()).map((s) => s.trim());
    for (const l of EN_CASE_LABELS) assert.ok(enLabels.includes(l), `English case page lacks "${l}": ${enLabels}`);

    /* Switch to French from the header, back on the same case page. */
    const fr = page.locator('header form[action="/lang"] button[name="lang"][value="fr"]');
    assert.equal((await fr.textContent()).trim(), 'Français');
    await submitAndWait(page, w, 'switch to French', () => fr.click(), (u) => u.pathname === casePath);

    /* The case page in French; the screenshot is saved before the checks,
     * so that a failing run leaves a picture too. */
    await screenshot(page, shot);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr', 'html lang after switching to French');
    assert.equal((await page.locator('main h1').first().textContent()).trim(), number, 'same case after the switch');
    const frLabels = (await page.locator('main dl dt').allTextContents()).map((s) => s.trim());
    assert.ok(frLabels.includes('Statut'), `no "Statut" label on the French case page: ${JSON.stringify(frLabels)}`);
    for (const l of EN_CASE_LABELS) {
      assert.ok(!frLabels.includes(l), `label "${l}" is untranslated on the French case page`);
    }
    assert.equal(frLabels.length, enLabels.length, 'same fields in both languages');
    const navText = (await page.locator('body > header').innerText()).replace(/\s+/g, ' ');
    assert.doesNotMatch(navText, /\bCases\b|\bLog out\b/, `English left in the French header: ${navText}`);
    const current = page.locator('header form[action="/lang"] button[aria-current="true"]');
    assert.equal(await current.getAttribute('value'), 'fr', 'French marked as the current language');
    assert.ok(await current.isDisabled(), 'the current language button is disabled');
    assert.ok((await page.title()).startsWith(number), `page title names the case: ${await page.title()}`);

    /* Still French after a reload (stored for the user and in a cookie). */
    await page.reload({ waitUntil: 'load' });
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr', 'French survives a reload');
    const langCookie = (await ctx.cookies(srv.base)).find((c) => c.name === 'ctm_lang');
    assert.equal(langCookie?.value, 'fr', 'ctm_lang cookie');

    /* Pico CSS is loaded and applied. */
    const styled = await page.evaluate(() => getComputedStyle(document.querySelector('main')).maxWidth);
    assert.notEqual(styled, 'none', 'main.container has no max-width: Pico CSS not applied');
    const css = await page.locator('link[rel="stylesheet"]').evaluateAll((ls) => ls.map((l) => l.getAttribute('href')));
    assert.ok(css.some((h) => h.startsWith('/assets/pico')), `Pico stylesheet not linked: ${css}`);
  });
}

test('caseworker logs in, opens a case, switches to French (JavaScript on)', { timeout: T_TEST }, async () => {
  await flow(true, 'case-fr.png');
});

test('the same flow works without JavaScript', { timeout: T_TEST }, async () => {
  await flow(false, 'case-fr-nojs.png');
});
