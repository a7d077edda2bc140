/*
 * casefile_es.test.mjs - the browser test of issue 3: a demo caseworker
 * switches to Spanish, opens a new case and fills a whole case file
 * through the forms (person, victim context, identification, the events
 * of the trafficking process, a perpetrator, a referral, a comment, a
 * consent, the screening interview and the decision), then reads the
 * route and the screening result on the summary and finds the case by
 * name through the case list's search box.
 *
 * Along the way: two checkbox groups and the citizenship multi-select are
 * driven with the keyboard only (focus, Space, Tab, Ctrl+Arrow, Ctrl+
 * Space); one invalid value (a birthdate in the future) must come back
 * with a Spanish error next to its field and nothing saved; no console
 * error, CSP violation, page error or failed request anywhere (the one
 * expected 400 of the invalid form aside); every wait is bounded.
 *
 * Drives Debian's /usr/bin/chromium through npm playwright-core, with the
 * node built-in test runner, exactly as case_french.test.mjs does:
 *
 *   CTM_BIN=/abs/path/to/ctm node --test tests/e2e/casefile_es.test.mjs
 *
 * The summary is saved to tests/e2e/artifacts/casefile-es.png, the page
 * with the error to casefile-es-error.png.
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
const T_TEST = 300_000;

const CASE_NUMBER_RE = /^BKK-\d{4}-\d{6}$/;

/* The person, as typed. */
const FIRST = 'José María';
const SECOND = 'Pérez Ortega';
const PHONE_TYPED = '+57 300 123 4567';
const PHONE = '+573001234567';

/* Spanish texts the pages must show (po/es.po, iso-codes). */
const ES = {
  familyName: 'Apellidos',
  firstName: 'Nombre',
  birthdate: 'Fecha de nacimiento',
  meets: 'Cumple la definición de trata de personas',
  yes: 'Sí',
  actual: 'Víctima de trata confirmada',
  future: 'Esta fecha es posterior a hoy.',
  nothingSaved: 'No se guardó nada',
  route: ['Colombia', 'Panamá', 'Tailandia'],
};

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
 * stop() also asserts that no name or phone typed here reached the log.
 */
async function startDemoServer() {
  assert.ok(fs.existsSync(CTM_BIN), `ctm binary not found at ${CTM_BIN} (set CTM_BIN)`);
  const dir = tmpDir('ctm-e2e-');
  const db = path.join(dir, 'ctm.db');
  const pwFile = path.join(dir, 'pw.txt');
  await runCtm(['demo', '--db', db, '--passwords-file', pwFile]);

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
      for (const s of [FIRST, SECOND, 'Pérez', PHONE, PHONE.slice(1), 'maria jose']) {
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
async function launch() {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found (apt-get install chromium)`);
  const ctx = await chromium.launchPersistentContext(tmpDir('ctm-e2e-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    javaScriptEnabled: true,
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
 * Collects everything that must not happen: console errors (CSP
 * violations included), uncaught exceptions, failed requests, error
 * statuses from the server. w.expect(method, pathname, status) allows
 * one such answer, once (the invalid form); its console echo ("Failed to
 * load resource ... status of 400") is allowed with it.
 */
function watch(page, base) {
  const problems = [];
  const expected = [];
  let echoes = 0;
  page.on('console', (m) => {
    const where = m.location()?.url ? ` (${m.location().url})` : '';
    if (m.type() === 'error') {
      if (echoes > 0 && /status of 400/.test(m.text())) { echoes--; return; }
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
async function submitAndWait(page, w, what, action, urlPredicate) {
  let err = null;
  try {
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

const norm = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

/* The <dd> text after the <dt> labelled `label` inside `scope`. */
async function ddOf(scope, label) {
  const pairs = await scope.locator('dl.fields').first().evaluate((dl) => {
    const out = [];
    for (const dt of dl.querySelectorAll(':scope > dt')) {
      const dd = dt.nextElementSibling;
      out.push([dt.textContent.trim(), dd ? dd.textContent.replace(/\s+/g, ' ').trim() : null]);
    }
    return out;
  });
  const hit = pairs.find(([t]) => t === label);
  assert.ok(hit, `no "${label}" in ${JSON.stringify(pairs.map(([t]) => t))}`);
  return hit[1];
}

test('a whole case file filled in Spanish through the forms', { timeout: T_TEST }, async () => {
  const srv = await startDemoServer();
  const password = srv.passwords.get('caseworker');
  assert.ok(password, `no "caseworker" line in the demo passwords file: ${[...srv.passwords.keys()]}`);

  const ctx = await launch();
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const w = watch(page, srv.base);
  let failed = null;
  try {
    /* Log in. */
    const resp = await page.goto(`${srv.base}/login`, { waitUntil: 'load' });
    assert.equal(resp.status(), 200, 'GET /login');
    await page.fill('#username', 'caseworker');
    await page.fill('#password', password);
    await submitAndWait(page, w, 'log in',
      () => page.locator('form[action="/login"] button[type="submit"]').click(),
      (u) => u.pathname === '/cases');

    /* Spanish first. */
    const es = page.locator('header form[action="/lang"] button[name="lang"][value="es"]');
    assert.equal(norm(await es.textContent()), 'Español');
    await submitAndWait(page, w, 'switch to Spanish', () => es.click(), (u) => u.pathname === '/cases');
    assert.equal(await page.locator('html').getAttribute('lang'), 'es', 'html lang after switching to Spanish');
    assert.equal(norm(await page.locator('main h1').first().textContent()), 'Casos');

    /* Open a new case, assigned to the caseworker themself. */
    const newForm = page.locator('form[action="/cases"][method="post"]').filter({ has: page.locator('#assigned_to') });
    const options = await page.locator('#assigned_to option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent })));
    const mine = options.find((o) => o.value && /^caseworker\b/.test(o.text.trim()));
    assert.ok(mine, `the caseworker is not among the assignees: ${JSON.stringify(options)}`);
    await page.selectOption('#assigned_to', mine.value);
    await submitAndWait(page, w, 'open a case', () => newForm.locator('button[type="submit"]').click(),
      (u) => /^\/cases\/\d+$/.test(u.pathname));
    const casePath = new URL(page.url()).pathname;
    const filePath = `${casePath}/file`;
    const number = norm(await page.locator('main h1').first().textContent());
    assert.match(number, CASE_NUMBER_RE, 'case page h1 is the case number');

    /* The case page links to its file. */
    const open = page.locator(`main a[href="${filePath}"]`);
    assert.equal(await open.count(), 1, 'the case page links to the case file once');
    await submitAndWait(page, w, 'open the case file', () => open.click(), (u) => u.pathname === filePath);
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    assert.ok(norm(await page.locator('main').innerText()).includes('Todavía no se ha registrado ninguna etapa.'),
      'an empty file has no route yet, in Spanish');

    /* Goes from the summary to a section through its Edit link. */
    async function edit(section) {
      if (new URL(page.url()).pathname !== filePath) {
        await submitAndWait(page, w, 'back to the summary', () => page.goto(`${srv.base}${filePath}`),
          (u) => u.pathname === filePath);
      }
      const link = page.locator(`main a.edit[href="${filePath}/${section}"]`);
      assert.equal(await link.count(), 1, `one Edit link to ${section}`);
      assert.match(norm(await link.innerText()), /^Editar/, `the Edit link of ${section} is in Spanish`);
      await submitAndWait(page, w, `open ${section}`, () => link.click(),
        (u) => u.pathname === `${filePath}/${section}`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'es', `${section} page language`);
    }
    const saveScalar = (section) => submitAndWait(page, w, `save ${section}`,
      () => page.locator(`main form[action="${filePath}/${section}"] button[type="submit"]`).click(),
      (u) => u.pathname === filePath);
    /* Adds an entry to a list and checks it is there. */
    async function addEntry(list, n, fill) {
      const form = page.locator('main section.add form');
      await fill(form);
      await submitAndWait(page, w, `add to ${list} (#${n})`, () => form.locator('button[type="submit"]').click(),
        (u) => u.pathname === `${filePath}/${list}`);
      assert.equal(await page.locator('main table.entries tbody tr').count(), n, `${list}: ${n} entries`);
    }

    /* --- Person. Citizenship by keyboard: type-ahead to Colombia, then
     * Ctrl+ArrowDown to Venezuela and Ctrl+Space to add it. */
    await edit('person');
    assert.equal(norm(await page.locator('label[for="f-prs_SecondName"]').textContent()), ES.familyName);
    await page.fill('#f-prs_FirstName', FIRST);
    await page.fill('#f-prs_SecondName', SECOND);
    await page.fill('#f-prs_Birthdate', '1990-04');
    await page.selectOption('#f-prs_Gender', 'Masculine');
    await page.selectOption('#f-prs_MaritalStatus', 'Single');
    await page.fill('#f-prs_NumberOfChildren', '2');
    await page.selectOption('#f-prs_PrimaryLanguage', { label: 'Español' });
    await page.selectOption('#f-prs_HighestLevelOfEducation', 'UpperSecondaryEducation');
    const cit = page.locator('#f-prs_Citizenship');
    const citValues = await cit.locator('option').evaluateAll((os) => os.map((o) => o.value));
    const iCO = citValues.indexOf('CO');
    const iVE = citValues.indexOf('VE');
    assert.ok(iCO >= 0 && iVE > iCO, `Colombia and Venezuela in the citizenship list (${iCO}, ${iVE})`);
    await cit.focus();
    await page.keyboard.type('Colombia');
    assert.deepEqual(await cit.evaluate((s) => [...s.selectedOptions].map((o) => o.value)), ['CO'],
      'type-ahead chose Colombia');
    for (let i = iCO; i < iVE; i++) await page.keyboard.press('Control+ArrowDown');
    await page.keyboard.press('Control+Space');
    assert.deepEqual(await cit.evaluate((s) => [...s.selectedOptions].map((o) => o.value)), ['CO', 'VE'],
      'Ctrl+Arrow and Ctrl+Space added Venezuela');
    await page.fill('#f-prs_MobilePhone', PHONE_TYPED);
    await page.fill('#f-prs_MailingCity', 'Cali');
    await page.selectOption('#f-prs_MailingCountry', 'CO');
    await saveScalar('person');

    /* --- Victim context. Types of exploitation and methods of control
     * by keyboard: focus, Space, Tab to the next one wanted, Space. */
    await edit('victim');
    await page.selectOption('#f-vic_TraffickingStatus', 'ActualVictimOfTrafficking');
    await page.selectOption('#f-vic_TraffickingStatusDecisionMakingOrg', 'NGO');
    await page.selectOption('#f-vic_RelationshipToTrafficker', 'Acquainted');
    await page.fill('#f-vic_AgeWhenTrafficked', '33');
    await page.locator('input[name="vic_MethodOfRecruitment"][value="ThroughOnlineSocialNetworks"]').check();
    await page.locator('input[name="vic_RecruitmentWebsitesAndApps"][value="Facebook"]').check();
    await page.fill('#f-vic_LocationOfRecruitment', 'Cali, Valle del Cauca');
    async function keyboardCheck(name, values) {
      const first = page.locator(`input[type="checkbox"][name="${name}"][value="${values[0]}"]`);
      await first.focus();
      await page.keyboard.press('Space');
      for (const v of values.slice(1)) {
        let tabs = 0;
        for (; tabs < 30; tabs++) {
          await page.keyboard.press('Tab');
          const at = await page.evaluate(() => [document.activeElement?.name, document.activeElement?.value]);
          if (at[0] === name && at[1] === v) break;
          assert.equal(at[0], name, `Tab left the ${name} group before reaching ${v}`);
        }
        assert.ok(tabs < 30, `Tab never reached ${name}=${v}`);
        await page.keyboard.press('Space');
      }
      const checked = await page.locator(`input[type="checkbox"][name="${name}"]:checked`)
        .evaluateAll((l) => l.map((i) => i.value));
      assert.deepEqual(checked, values, `${name} checked with the keyboard`);
    }
    await keyboardCheck('vic_TypeOfExploitation', ['ForcedLabour']);
    await keyboardCheck('vic_MethodsOfControl', ['DebtBondage', 'RestrictsMovement', 'WithholdsDocuments']);
    await page.selectOption('#f-vic_ForcedLabourIndustry', 'A_AgricultureForestryAndFishing');
    await page.selectOption('#f-vic_ForcedLabourIndustryDivision', '03');
    await page.fill('#f-vic_LocationOfExploitation', 'Barco pesquero, Samut Sakhon');
    await saveScalar('victim');

    /* --- Identification. */
    await edit('identification');
    await page.fill('#f-idn_DateIdentified', '2024-01-15');
    await page.selectOption('#f-idn_HowIdentified', 'Police');
    await page.fill('#f-idn_ReferringOrganisation', 'Policía Real de Tailandia');
    await saveScalar('identification');

    /* --- Events: the route Colombia -> Panama -> Thailand. */
    await edit('events');
    await addEntry('events', 1, async () => {
      await page.selectOption('#f-hte_Type', 'Recruitment');
      await page.selectOption('#f-hte_Country', 'CO');
      await page.fill('#f-hte_City', 'Cali');
      await page.fill('#f-hte_Date', '2023-06');
      await page.fill('#f-hte_Description', 'Le ofrecieron trabajo en un barco pesquero por Facebook.');
    });
    await addEntry('events', 2, async () => {
      await page.selectOption('#f-hte_Type', 'Transit');
      await page.selectOption('#f-hte_Country', { label: 'Panamá' });
      await page.fill('#f-hte_City', 'Darién');
      await page.fill('#f-hte_Date', '2023-07-02');
      await page.fill('#f-hte_EndDate', '2023-07-10');
      await page.locator('input[name="hte_MeansOfTransport"][value="Bus"]').check();
      await page.locator('input[name="hte_MeansOfTransport"][value="Boat"]').check();
      await page.selectOption('#f-hte_BorderCrossing', 'Irregular');
      await page.locator('input[name="hte_DocumentsUsed"][value="Confiscated"]').check();
    });
    await addEntry('events', 3, async () => {
      await page.selectOption('#f-hte_Type', 'Exploitation');
      await page.selectOption('#f-hte_Country', { label: 'Tailandia' });
      await page.fill('#f-hte_State', 'Samut Sakhon');
      await page.fill('#f-hte_Date', '2023-08');
      await page.fill('#f-hte_EndDate', '2024-01-15');
      await page.fill('#f-hte_DurationDays', '160');
    });
    const evText = norm(await page.locator('main table.entries').innerText());
    for (const s of ['Captación', 'Tránsito', 'Explotación', 'Irregular', '160']) {
      assert.ok(evText.includes(s), `the events table shows "${s}": ${evText}`);
    }

    /* --- Perpetrators: one kept, one added by mistake and removed. */
    await edit('perpetrators');
    const perp = (notes) => async () => {
      await page.locator('input[name="per_RoleInProcess"][value="RecruiterOrIntermediary"]').check();
      await page.locator('input[name="per_RoleInProcess"][value="Transporter"]').check();
      await page.selectOption('#f-per_Gender', 'Masculine');
      await page.selectOption('#f-per_AgeBand', 'Age30To38');
      await page.selectOption('#f-per_Citizenship', ['CO']);
      await page.selectOption('#f-per_RelationshipToVictim', 'Acquainted');
      await page.fill('#f-per_Notes', notes);
    };
    await addEntry('perpetrators', 1, perp('Conocido como «el Flaco».'));
    await addEntry('perpetrators', 2, perp('Registrado por error.'));
    const removeSecond = page.locator('main table.entries tbody tr').nth(1)
      .locator('button[name="action"][value="remove"]');
    assert.match(norm(await removeSecond.innerText()), /^Eliminar/, 'the Remove button is in Spanish');
    await submitAndWait(page, w, 'remove the second perpetrator', () => removeSecond.click(),
      (u) => u.pathname === `${filePath}/perpetrators`);
    assert.equal(await page.locator('main table.entries tbody tr').count(), 1, 'one perpetrator left');
    assert.match(norm(await page.locator('main table.entries').innerText()), /el Flaco/, 'the right one is left');

    /* --- Referral, comment, consent. */
    await edit('referrals');
    await addEntry('referrals', 1, async () => {
      await page.selectOption('#f-ref_Direction', 'Incoming');
      await page.fill('#f-ref_Organisation', 'Policía Real de Tailandia');
      await page.fill('#f-ref_Date', '2024-01-15');
      await page.selectOption('#f-ref_Reason', 'AdditionalServicesRequired');
      await page.fill('#f-ref_Details', 'Rescatado en una operación policial.');
    });
    await edit('comments');
    await addEntry('comments', 1, async () => {
      await page.fill('#f-com_CaseComment', 'Primera entrevista con intérprete.');
    });
    await edit('consents');
    await addEntry('consents', 1, async () => {
      for (const f of ['con_ConsentToInterview', 'con_InformedOfPurpose', 'con_InformedOfDataUse',
        'con_InformedOfResearchUse', 'con_InformedOfRightToRequestData', 'con_InformedOfStoragePeriod',
        'con_InformedOfWithdrawal']) {
        await page.selectOption(`#f-${f}`, 'Yes');
      }
    });

    /* --- Screening interview, then the decision on the proposal. */
    await submitAndWait(page, w, 'back to the summary', () => page.goto(`${srv.base}${filePath}`),
      (u) => u.pathname === filePath);
    const scrLink = page.locator(`main a[href="${filePath}/screening"]`);
    await submitAndWait(page, w, 'open the screening', () => scrLink.click(),
      (u) => u.pathname === `${filePath}/screening`);
    const interview = page.locator(`main form[action="${filePath}/screening"]`)
      .filter({ hasNot: page.locator('input[name="decide"]') });
    await interview.locator('#scr-Recruitment').check();
    await interview.locator('#scr-Transportation').check();
    await interview.locator('#scr-Deception').check();
    await interview.locator('#ev-Deception').fill('Le prometieron un trabajo pagado de cocinero.');
    await interview.locator('#scr-AbuseOfVulnerability').check();
    await interview.locator('#scr-ForcedLabourOrServices').check();
    await interview.locator('#ev-ForcedLabourOrServices').fill('Trabajó sin paga en un barco pesquero durante meses.');
    await interview.locator('#age_at_act').fill('33');
    await interview.locator('#consent').selectOption('No');
    await submitAndWait(page, w, 'save the interview', () => interview.locator('button[type="submit"]').click(),
      (u) => u.pathname === `${filePath}/screening`);
    const decision = page.locator(`main form[action="${filePath}/screening"]`)
      .filter({ has: page.locator('input[name="decide"]') });
    assert.equal(await decision.locator('#final_status').inputValue(), 'ActualVictimOfTrafficking',
      'the decision form proposes an actual victim');
    await submitAndWait(page, w, 'confirm the proposed status', () => decision.locator('button[type="submit"]').click(),
      (u) => u.pathname === `${filePath}/screening`);
    const scrText = norm(await page.locator('main').innerText());
    assert.ok(scrText.includes('Decisión:'), `no decision shown after confirming: ${scrText.slice(0, 600)}`);

    /* --- One invalid value: a birthdate in the future, with a name
     * change in the same form. Nothing may be saved. */
    await edit('person');
    await page.fill('#f-prs_Birthdate', '2099-01-01');
    await page.fill('#f-prs_SecondName', 'Cambiado');
    w.expect('POST', `${filePath}/person`, 400);
    await submitAndWait(page, w, 'save an invalid person',
      () => page.locator(`main form[action="${filePath}/person"] button[type="submit"]`).click(),
      (u) => u.pathname === `${filePath}/person`);
    assert.equal(w.pending, 0, 'the invalid form was answered 400');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'casefile-es-error.png'), fullPage: true, timeout: T_ACTION });
    assert.equal(await page.locator('html').getAttribute('lang'), 'es', 'the error page is Spanish');
    const bField = page.locator('main div.field').filter({ has: page.locator('#f-prs_Birthdate') });
    const bErr = bField.locator('#f-prs_Birthdate-error');
    assert.equal(await bErr.count(), 1, 'an error next to the birthdate, in its field');
    assert.equal(norm(await bErr.textContent()), ES.future, 'the birthdate error, in Spanish');
    assert.equal(await page.locator('#f-prs_Birthdate').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#f-prs_Birthdate').getAttribute('aria-describedby'), /f-prs_Birthdate-error/);
    assert.equal(await page.locator('#f-prs_Birthdate').inputValue(), '2099-01-01', 'what was typed is shown again');
    const summaryBox = norm(await page.locator('main .errors').innerText());
    assert.ok(summaryBox.includes(ES.nothingSaved), `the error summary says nothing was saved: ${summaryBox}`);
    assert.ok(summaryBox.includes(`${ES.birthdate}: ${ES.future}`), `the summary names the field: ${summaryBox}`);
    assert.equal(await page.locator('main .errors a[href="#f-prs_Birthdate"]').count(), 1,
      'the summary links to the field');
    assert.equal(await page.locator('main small.error').count(), 1, `only one field error: ${
      await page.locator('main small.error').allInnerTexts()}`);

    /* --- The summary. */
    await submitAndWait(page, w, 'back to the summary', () => page.goto(`${srv.base}${filePath}`),
      (u) => u.pathname === filePath);
    await page.screenshot({ path: path.join(ARTIFACTS, 'casefile-es.png'), fullPage: true, timeout: T_ACTION });
    assert.equal(await page.locator('html').getAttribute('lang'), 'es', 'html lang of the summary');

    const person = page.locator('#sec-person');
    assert.equal(await ddOf(person, ES.familyName), SECOND, 'family name saved, and not changed by the invalid form');
    assert.equal(await ddOf(person, ES.firstName), FIRST);
    assert.equal(await ddOf(person, ES.birthdate), '1990-04', 'partial birthdate, not the invalid one');
    assert.equal(await ddOf(person, 'Nacionalidad'), 'Colombia, Venezuela, República Bolivariana de',
      'both citizenships, by their Spanish names');
    assert.equal(await ddOf(person, 'Idioma principal'), 'Español');
    assert.equal(await ddOf(person, 'Teléfonos móviles'), PHONE, 'the phone as typed, in E.164');

    const route = (await page.locator('main ol.route li strong').allTextContents()).map(norm);
    assert.deepEqual(route, ES.route, 'the route, origin -> transit -> exploitation, in Spanish');
    const routeText = norm(await page.locator('main ol.route').innerText());
    for (const t of ['Captación', 'Tránsito', 'Explotación']) {
      assert.ok(routeText.includes(t), `the route names the stage "${t}": ${routeText}`);
    }

    const scr = page.locator('#sec-screening');
    assert.equal(await ddOf(scr, ES.meets), ES.yes, 'the definition is met');
    assert.equal(await scr.locator('strong.result-yes').count(), 1);
    const scrSummary = norm(await scr.innerText());
    assert.ok(scrSummary.includes(`Decisión: ${ES.actual}`), `the decision on the summary: ${scrSummary}`);
    assert.doesNotMatch(scrSummary, /Missing|Meets the definition|Decision:/, 'English left in the screening');

    assert.equal(await ddOf(page.locator('#sec-victim'), 'Tipos de explotación'), 'Trabajo forzoso');
    assert.equal(await ddOf(page.locator('#sec-victim'), 'Métodos de control'),
      'Servidumbre por deudas, Restricción de la libertad de movimiento, Retención de documentos');
    assert.equal(await ddOf(page.locator('#sec-victim'), 'Edad en la primera situación de trata'), '33');
    for (const s of ['events', 'perpetrators', 'referrals', 'comments', 'consent']) {
      const n = await page.locator(`#sec-${s} table.entries tbody tr`).count();
      assert.equal(n, s === 'events' ? 3 : 1, `summary: entries of ${s}`);
    }
    const allText = norm(await page.locator('main').innerText());
    for (const en of [/Family name/, /Date of birth/, /\bRoute\b/, /Trafficking process/, /not recorded/, /\bEdit\b/,
      /\bScreening\b/, /\bPerpetrators\b/]) {
      assert.doesNotMatch(allText, en, 'English left on the Spanish summary');
    }

    /* --- Find the case by name through the case list's search box. */
    await submitAndWait(page, w, 'to the case list', () => page.locator('main nav[aria-label="breadcrumb"] a[href="/cases"]').click(),
      (u) => u.pathname === '/cases');
    await page.fill('#q', 'maria jose');
    await submitAndWait(page, w, 'search by name',
      () => page.locator('form[action="/cases/search"] button[type="submit"]').click(),
      (u) => u.pathname === '/cases/search');
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    const found = (await page.locator('main table tbody a').allTextContents()).map(norm);
    assert.deepEqual(found, [number], `"maria jose" finds exactly the new case: ${JSON.stringify(found)}`);
    assert.ok(!page.url().includes('maria'), 'the name is not in the URL');

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
});
