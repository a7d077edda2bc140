/*
 * lib.mjs - harness for the browser tests: a fresh `ctm demo` database
 * and a real `ctm serve` on a free loopback port, Debian's chromium with
 * a fresh profile, a watch on everything that must not happen in the
 * page, and the log-in of the demo caseworker.
 *
 * Not a test file itself (node --test runs only *.test.mjs and the like
 * from a folder). Importing it registers an after() hook that closes
 * every browser and server started here and removes their temporary
 * directories (kept when CTM_KEEP_TMP is set), even when a test fails.
 *
 *   await demoSession({ javaScriptEnabled: true }, async ({ srv, ctx, page, w }) => {
 *     const { casePath, number } = await openCase(page, w);
 *     ...
 *   });
 *
 * The binary is $CTM_BIN, else build/test/ctm relative to the
 * repository; chromium is $CTM_CHROMIUM, else /usr/bin/chromium.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.join(here, 'artifacts');
export const CTM_BIN = process.env.CTM_BIN
  ? path.resolve(process.env.CTM_BIN)
  : path.resolve(here, '../../build/test/ctm');
export const CHROMIUM = process.env.CTM_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic',
];

/* Upper bounds on every wait, so that a test can never hang. */
export const T_ACTION = 10_000;
export const T_NAV = 15_000;
const T_SERVER = 20_000;
const T_LAUNCH = 30_000;

export const CASE_NUMBER_RE = /^BKK-\d{4}-\d{6}$/;

export const norm = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

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
 * Resolves {base, passwords: Map(username -> password), stderr, stop(),
 * kill()}. stop() sends SIGTERM and asserts exit 0 and a log free of
 * sanitizer reports, of the demo passwords and of every string in
 * personalData (what the test typed about a person).
 */
export async function startDemoServer({ personalData = [] } = {}) {
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
      for (const s of personalData) {
        assert.ok(!stderr.includes(s), `server log contains personal data ("${s}")`);
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
export async function launch(javaScriptEnabled = true) {
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
 * error statuses from the server. w.expect(method, pathname, status)
 * allows one such answer, once (an invalid form); its console echo
 * ("Failed to load resource ... status of 400") is allowed with it.
 */
export function watch(page, base) {
  const problems = [];
  const expected = [];
  let echoes = 0;
  page.on('console', (m) => {
    const where = m.location()?.url ? ` (${m.location().url})` : '';
    if (m.type() === 'error') {
      if (echoes > 0 && /status of [45]\d\d/.test(m.text())) { echoes--; return; }
      problems.push(`console error: ${m.text()}${where}`);
    } else if (/Content[- ]Security[- ]Policy/i.test(m.text())) {
      problems.push(`CSP: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() < 400 || !r.url().startsWith(base)) return;
    const p = new URL(r.url()).pathname;
    const i = expected.findIndex((e) => e.method === r.request().method() && e.path === p
      && e.status === r.status());
    if (i >= 0) { expected.splice(i, 1); echoes++; return; }
    problems.push(`HTTP ${r.status()} for ${r.request().method()} ${p}`);
  });
  return {
    problems,
    expect(method, p, status) { expected.push({ method, path: p, status }); },
    get pending() { return expected.length; },
  };
}

/*
 * Runs a navigation-causing action and waits for the page it leads to.
 * On a timeout or a wrong landing, says where the browser ended up and
 * what the page says (its error list first).
 */
export async function submitAndWait(page, w, what, action, urlPredicate) {
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
    const errs = await page.locator('main .errors, main .flash').allInnerTexts().catch(() => []);
    const text = await page.locator('main').innerText({ timeout: 2_000 }).catch(() => '?');
    throw new Error(`${what}: ${err}\n  now at ${page.url()}\n`
      + `  errors shown: ${JSON.stringify(errs)}\n`
      + `  page says: ${text.replace(/\s+/g, ' ').slice(0, 400)}\n  problems: ${JSON.stringify(w.problems)}`);
  }
}

/* Saves a full-page screenshot to tests/e2e/artifacts/name. */
export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true, timeout: T_ACTION });
}

/*
 * The whole life of one browser test: a demo server, a fresh browser,
 * the demo caseworker logged in from an English login page (landing on
 * /cases), then body({srv, ctx, page, w}), then the assertion that
 * nothing went wrong in the page, then browser and server stopped. A
 * shutdown problem is reported, but never hides the first failure.
 */
/*
 * Logs username of the demo in on page through the login form; every
 * user lands on the dashboard.
 */
export async function logIn(page, w, srv, username) {
  const resp = await page.goto(`${srv.base}/login`, { waitUntil: 'load' });
  assert.equal(resp.status(), 200, 'GET /login');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'login page language');
  await page.fill('#username', username);
  await page.fill('#password', srv.passwords.get(username));
  await submitAndWait(page, w, `log in as ${username}`,
    () => page.locator('form[action="/login"] button[type="submit"]').click(),
    (u) => u.pathname === '/dashboard');
}

export async function demoSession({ javaScriptEnabled = true, personalData = [] }, body) {
  const srv = await startDemoServer({ personalData });
  const password = srv.passwords.get('caseworker');
  assert.ok(password, `no "caseworker" line in the demo passwords file: ${[...srv.passwords.keys()]}`);

  const ctx = await launch(javaScriptEnabled);
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const w = watch(page, srv.base);
  let failed = null;
  try {
    assert.equal(await page.locator('html').getAttribute('lang') ?? 'en', 'en');
    await logIn(page, w, srv, 'caseworker');
    /* The tests start from the case list. */
    await submitAndWait(page, w, 'to the case list',
      () => page.locator('header nav a[href="/cases"]').click(),
      (u) => u.pathname === '/cases');

    await body({ srv, ctx, page, w });

    assert.deepEqual(w.problems, [], 'console errors, CSP violations, page errors or failed requests');
  } catch (e) {
    failed = e;
    throw e;
  } finally {
    contexts.delete(ctx);
    await ctx.close().catch(() => {});
    if (failed) await srv.stop().catch(() => {});
    else await srv.stop();
  }
}

/*
 * From the case list: opens a new case assigned to the caseworker
 * themself. Resolves {casePath, number} of the case page it lands on.
 */
export async function openCase(page, w) {
  const form = page.locator('form[action="/cases"][method="post"]').filter({ has: page.locator('#assigned_to') });
  await form.waitFor({ state: 'visible' });
  const options = await page.locator('#assigned_to option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent })));
  const mine = options.find((o) => o.value && /^caseworker\b/.test(o.text.trim()));
  assert.ok(mine, `the caseworker is not among the assignees: ${JSON.stringify(options)}`);
  await page.selectOption('#assigned_to', mine.value);
  await submitAndWait(page, w, 'open a case', () => form.locator('button[type="submit"]').click(),
    (u) => /^\/cases\/\d+$/.test(u.pathname));
  const casePath = new URL(page.url()).pathname;
  const number = norm(await page.locator('main h1').first().textContent());
  assert.match(number, CASE_NUMBER_RE, 'case page h1 is the case number');
  return { casePath, number };
}
