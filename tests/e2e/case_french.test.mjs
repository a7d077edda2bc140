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
 * not share one). Along the way it asserts: no console error, no CSP
 * violation, no uncaught page error, no failed or 4xx/5xx sub-resource;
 * the session cookie is HttpOnly and SameSite=Strict; the server stops
 * with exit 0 on SIGTERM and prints no sanitizer report.
 *
 * The French case page is saved to tests/e2e/artifacts/case-fr.png (and
 * case-fr-nojs.png for the run without JavaScript).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.join(here, 'artifacts');
const CTM_BIN = process.env.CTM_BIN
  ? path.resolve(process.env.CTM_BIN)
  : path.resolve(here, '../../build/test/ctm');
const CHROMIUM = process.env.CTM_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic',
];

/* Upper bounds on every wait, so that the test can never hang. */
const T_ACTION = 10_000;
const T_NAV = 15_000;
const T_SERVER = 20_000;
const T_LAUNCH = 30_000;
const T_TEST = 120_000;

/* Case page labels in English: in French each must be translated. */
const EN_CASE_LABELS = ['Office', 'Status', 'Assigned to', 'Opened (UTC)', 'Last change (UTC)'];
const CASE_NUMBER_RE = /^BKK-\d{4}-\d{6}$/;

/* Everything started here, torn down in after() even when a test fails. */
const servers = new Set();
const contexts = new Set();
const tmpDirs = new Set();

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  contexts.clear();
  const problems = [];
  for (const s of servers) {
    try { await s.stop(); } catch (e) { problems.push(e.message); }
  }
  servers.clear();
  if (!process.env.CTM_KEEP_TMP) {
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  }
  assert.deepEqual(problems, [], 'server shutdown');
});

/* Last resort if the runner is interrupted before after(). */
process.on('exit', () => {
  for (const s of servers) s.kill();
});

function tmpDir(prefix) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.add(d);
  return d;
}

function runCtm(args, timeout = 60_000) {
  return new Promise((resolve, reject) => {
    execFile(CTM_BIN, args, { timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ctm ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/*
 * `ctm demo` into a fresh directory, then `ctm serve` on 127.0.0.1:0.
 * Resolves {base, passwords: Map(username -> password), stop(), kill()}.
 */
async function startDemoServer() {
  assert.ok(fs.existsSync(CTM_BIN), `ctm binary not found at ${CTM_BIN} (set CTM_BIN)`);
  const dir = tmpDir('ctm-e2e-');
  const db = path.join(dir, 'ctm.db');
  const pwFile = path.join(dir, 'pw.txt');
  await runCtm(['demo', '--db', db, '--passwords-file', pwFile]);

  /* Lines "username password (role, office)" after "#" comments. */
  const passwords = new Map();
  for (const line of fs.readFileSync(pwFile, 'utf8').split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    const [user, pw] = line.trim().split(/\s+/);
    if (user && pw) passwords.set(user, pw);
  }

  const child = spawn(CTM_BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); });
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr += d; });

  const srv = {
    passwords,
    get stderr() { return stderr; },
    kill() { if (!exited) child.kill('SIGKILL'); },
    /* SIGTERM; asserts exit 0 and a log free of sanitizer reports and
     * of the passwords the test typed. */
    async stop() {
      servers.delete(srv);
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exitPromise;
        clearTimeout(t);
      }
      assert.deepEqual(exited, { code: 0, signal: null },
        `ctm serve did not exit 0 on SIGTERM\n${stderr}`);
      assert.doesNotMatch(stderr, /ERROR: (Address|Leak|Thread|Memory|Undefined)Sanitizer|runtime error:/,
        `sanitizer report in server log:\n${stderr}`);
      for (const pw of passwords.values()) {
        assert.ok(!stderr.includes(pw), 'server log contains a password');
      }
    },
  };
  servers.add(srv);

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ctm serve printed no "listening on" within ${T_SERVER} ms\n${stdout}\n${stderr}`));
    }, T_SERVER);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    exitPromise.then((e) => {
      clearTimeout(timer);
      reject(new Error(`ctm serve exited early (${e.code ?? e.signal})\n${stdout}\n${stderr}`));
    });
  });
  srv.base = `http://127.0.0.1:${port}`;
  return srv;
}

/* A fresh headless chromium profile, English by default. */
async function launch(javaScriptEnabled) {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found (apt-get install chromium)`);
  const ctx = await chromium.launchPersistentContext(tmpDir('ctm-e2e-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    javaScriptEnabled,
    locale: 'en-US',
    extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9' },
    viewport: { width: 1280, height: 900 },
    timeout: T_LAUNCH,
  });
  contexts.add(ctx);
  ctx.setDefaultTimeout(T_ACTION);
  ctx.setDefaultNavigationTimeout(T_NAV);
  return ctx;
}

/*
 * Collects everything that must not happen on any page: console errors
 * (chromium reports CSP violations there: "Refused to load/apply/execute
 * ... Content Security Policy"), uncaught exceptions, failed requests and
 * sub-resources answered with an error status.
 */
function watch(page, base) {
  const problems = [];
  page.on('console', (m) => {
    const where = m.location()?.url ? ` (${m.location().url})` : '';
    if (m.type() === 'error') problems.push(`console error: ${m.text()}${where}`);
    else if (/Content[- ]Security[- ]Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().startsWith(base)) {
      problems.push(`HTTP ${r.status()} for ${r.request().method()} ${new URL(r.url()).pathname}`);
    }
  });
  return problems;
}

/*
 * Runs a navigation-causing action and waits for the page it leads to.
 * On a timeout, says where the browser ended up and what the page says.
 */
async function submitAndWait(page, problems, what, action, urlPredicate) {
  let err = null;
  try {
    /* A form POST answered by a redirect commits one navigation, to the
     * redirect's target; an error page commits at the POST's URL. */
    await Promise.all([
      page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: T_NAV }),
      action(),
    ]);
    await page.waitForLoadState('load', { timeout: T_NAV });
    if (!urlPredicate(new URL(page.url()))) err = 'landed on the wrong page';
  } catch (e) {
    err = e.message.split('\n')[0];
  }
  if (err) {
    const text = await page.locator('main').innerText({ timeout: 2_000 }).catch(() => '?');
    throw new Error(`${what}: ${err}\n  now at ${page.url()}\n`
      + `  page says: ${text.replace(/\s+/g, ' ').slice(0, 300)}\n  problems: ${JSON.stringify(problems)}`);
  }
}

async function flow(javaScriptEnabled, shot) {
  const srv = await startDemoServer();
  const password = srv.passwords.get('caseworker');
  assert.ok(password, `no "caseworker" line in the demo passwords file: ${[...srv.passwords.keys()]}`);

  const ctx = await launch(javaScriptEnabled);
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const problems = watch(page, srv.base);
  let failed = null;
  try {
    /* Log in. */
    const resp = await page.goto(`${srv.base}/login`, { waitUntil: 'load' });
    assert.equal(resp.status(), 200, 'GET /login');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'login page language');
    await page.fill('#username', 'caseworker');
    await page.fill('#password', password);
    await submitAndWait(page, problems, 'log in',
      () => page.locator('form[action="/login"] button[type="submit"]').click(),
      (u) => u.pathname === '/cases');

    /* The session cookie: HttpOnly, SameSite=Strict, host-only. */
    const cookies = await ctx.cookies(srv.base);
    const sess = cookies.find((c) => c.name === 'ctm_session');
    assert.ok(sess, `no ctm_session cookie after login (cookies: ${cookies.map((c) => c.name)})`);
    assert.equal(sess.httpOnly, true, 'session cookie must be HttpOnly');
    assert.equal(sess.sameSite, 'Strict', 'session cookie must be SameSite=Strict');
    assert.ok(!(await page.evaluate(() => document.cookie)).includes('ctm_session'),
      'the session cookie is visible to scripts');

    /* Open a new case, assigned to the caseworker themself. */
    const form = page.locator('form[action="/cases"][method="post"]').filter({ has: page.locator('#assigned_to') });
    await form.waitFor({ state: 'visible' });
    const options = await page.locator('#assigned_to option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent })));
    const mine = options.find((o) => o.value && /^caseworker\b/.test(o.text.trim()));
    assert.ok(mine, `the caseworker is not among the assignees: ${JSON.stringify(options)}`);
    await page.selectOption('#assigned_to', mine.value);
    await submitAndWait(page, problems, 'open a case', () => form.locator('button[type="submit"]').click(),
      (u) => /^\/cases\/\d+$/.test(u.pathname));
    const casePath = new URL(page.url()).pathname;
    const number = (await page.locator('main h1').first().textContent()).trim();
    assert.match(number, CASE_NUMBER_RE, 'case page h1 is the case number');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'case page language before the switch');
    const enLabels = (await page.locator('main dl dt').allTextContents()).map((s) => s.trim());
    for (const l of EN_CASE_LABELS) assert.ok(enLabels.includes(l), `English case page lacks "${l}": ${enLabels}`);

    /* Switch to French from the header, back on the same case page. */
    const fr = page.locator('header form[action="/lang"] button[name="lang"][value="fr"]');
    assert.equal((await fr.textContent()).trim(), 'Français');
    await submitAndWait(page, problems, 'switch to French', () => fr.click(), (u) => u.pathname === casePath);

    /* The case page in French; the screenshot is saved before the checks,
     * so that a failing run leaves a picture too. */
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, shot), fullPage: true, timeout: T_ACTION });
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr', 'html lang after switching to French');
    assert.equal((await page.locator('main h1').first().textContent()).trim(), number, 'same case after the switch');
    const frLabels = (await page.locator('main dl dt').allTextContents()).map((s) => s.trim());
    assert.ok(frLabels.includes('Statut'), `no "Statut" label on the French case page: ${JSON.stringify(frLabels)}`);
    for (const l of EN_CASE_LABELS) {
      assert.ok(!frLabels.includes(l), `label "${l}" is untranslated on the French case page`);
    }
    assert.equal(frLabels.length, enLabels.length, 'same fields in both languages');
    const navText = (await page.locator('header nav').innerText()).replace(/\s+/g, ' ');
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

    assert.deepEqual(problems, [], 'console errors, CSP violations, page errors or failed requests');
  } catch (e) {
    failed = e;
    throw e;
  } finally {
    contexts.delete(ctx);
    await ctx.close().catch(() => {});
    /* A shutdown problem is reported, but never hides the first failure. */
    if (failed) await srv.stop().catch(() => {});
    else await srv.stop();
  }
}

test('caseworker logs in, opens a case, switches to French (JavaScript on)', { timeout: T_TEST }, async () => {
  await flow(true, 'case-fr.png');
});

test('the same flow works without JavaScript', { timeout: T_TEST }, async () => {
  await flow(false, 'case-fr-nojs.png');
});
