/*
 * fund.test.mjs - the Global Assistance Fund in the browser: the demo
 * caseworker asks the fund for a case, the programme manager approves
 * part of it against the Global Assistance Fund project and records a
 * disbursement, and the caseworker sees the outcome on the case's fund
 * page. Run with JavaScript and without (the pages are server-rendered).
 *
 *   CTM_BIN=/abs/path/to/ctm node --test --test-concurrency=1 tests/e2e/fund.test.mjs
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, launch, logIn, norm, openCase, screenshot, submitAndWait, watch } from './lib.mjs';

const T_TEST = 180_000;
const JUSTIFICATION = 'Needs an operation at the district hospital; her mother cannot pay';

async function loginAs(srv, javaScriptEnabled, username) {
  const ctx = await launch(javaScriptEnabled);
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const w = watch(page, srv.base);
  await logIn(page, w, srv, username);
  return { ctx, page, w };
}

function flow(javaScriptEnabled, shot) {
  return demoSession({ javaScriptEnabled, personalData: [JUSTIFICATION] }, async ({ srv, page, w }) => {
    /* The caseworker opens a case and asks the fund. */
    const { casePath, number } = await openCase(page, w);
    await submitAndWait(page, w, 'open the fund page', () => page.locator(`a[href="${casePath}/fund"]`).click(),
      (u) => u.pathname === `${casePath}/fund`);
    /* A first try with three decimals is refused, and nothing is saved. */
    await page.selectOption('#type', 'medical');
    await page.fill('#amount', '750.505');
    await page.fill('#currency', 'USD');
    await page.fill('#justification', JUSTIFICATION);
    w.expect('POST', `${casePath}/fund`, 400);
    await submitAndWait(page, w, 'ask with a bad amount',
      () => page.locator(`form[action="${casePath}/fund"] button[type="submit"]`).click(),
      (u) => u.pathname === `${casePath}/fund`);
    assert.equal(await page.locator('#amount').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#justification').inputValue(), JUSTIFICATION, 'the form keeps what was typed');
    assert.equal(norm(await page.locator('main p.empty').innerText()), 'No requests.');
    assert.equal(await page.locator('main table').count(), 0, 'a request was saved');
    await page.fill('#amount', '750.50');
    await submitAndWait(page, w, 'ask the fund',
      () => page.locator(`form[action="${casePath}/fund"] button[type="submit"]`).click(),
      (u) => u.pathname === `${casePath}/fund`);
    let rows = norm(await page.locator('main table tbody').innerText());
    assert.match(rows, /750\.50 USD/);
    assert.match(rows, /Waiting for a decision/);
    const reqPath = await page.locator('main table tbody a').first().getAttribute('href');
    assert.match(reqPath, /^\/fund\/requests\/\d+$/);

    /* The programme manager finds it in the queue and approves 500. */
    const pm = await loginAs(srv, javaScriptEnabled, 'programme');
    /* What the Global Assistance Fund has committed and disbursed so far
     * (the demo's journeys drew on it). */
    const fundLine = async () => {
      await pm.page.goto(`${srv.base}/projects`, { waitUntil: 'load' });
      await submitAndWait(pm.page, pm.w, 'open the fund project',
        () => pm.page.locator('main table a', { hasText: 'Global Assistance Fund' }).click(),
        (u) => /^\/projects\/\d+$/.test(u.pathname));
      const text = norm(await pm.page.locator('main table').first().innerText());
      /* Amounts as an English reader writes them: "500,000.00". */
      const m = /USD 500,000\.00 USD ([\d.,]+) USD ([\d.,]+) USD ([\d.,]+) USD/.exec(text);
      assert.ok(m, `no USD line in ${text}`);
      const n = (x) => Number(x.replaceAll(',', ''));
      return { committed: n(m[1]), disbursed: n(m[2]), remaining: n(m[3]) };
    };
    const before = await fundLine();
    await pm.page.goto(`${srv.base}/fund`, { waitUntil: 'load' });
    const queue = norm(await pm.page.locator('main table').first().innerText());
    assert.match(queue, new RegExp(number));
    await submitAndWait(pm.page, pm.w, 'open the request', () => pm.page.locator(`a[href="${reqPath}"]`).click(),
      (u) => u.pathname === reqPath);
    assert.match(norm(await pm.page.locator('main dl').innerText()), /district hospital/);
    await pm.page.check('input[name="decision"][value="approve"]');
    await pm.page.fill('#amount', '500');
    const gaf = await pm.page.locator('#project_id option').evaluateAll((os) =>
      os.filter((o) => o.textContent.startsWith('Global Assistance Fund')).map((o) => o.value));
    assert.equal(gaf.length, 1, 'the Global Assistance Fund is a project to charge');
    await pm.page.selectOption('#project_id', gaf[0]);
    await pm.page.fill('#reason', 'Approved for the operation only');
    await submitAndWait(pm.page, pm.w, 'approve', () => pm.page.locator('form button', { hasText: 'Record the decision' }).click(),
      (u) => u.pathname === reqPath);
    assert.equal(norm(await pm.page.locator('#fund-state').innerText()), 'Approved');
    assert.equal(norm(await pm.page.locator('#fund-approved').innerText()), '500.00 USD');

    /* … and records a disbursement of 200. */
    await pm.page.fill('#disb_amount', '200');
    const paidOn = new Date().toISOString().slice(0, 10);
    await pm.page.fill('#date', paidOn);
    await pm.page.fill('#note', 'paid to the hospital');
    await submitAndWait(pm.page, pm.w, 'disburse',
      () => pm.page.locator('form button', { hasText: 'Record the disbursement' }).click(), (u) => u.pathname === reqPath);
    assert.equal(norm(await pm.page.locator('#fund-disbursed').innerText()), '200.00 USD');
    assert.match(norm(await pm.page.locator('main table').first().innerText()), new RegExp(`${paidOn} 200\\.00 USD programme`));
    assert.deepEqual(pm.w.problems, [], 'problems in the programme manager\'s pages');

    /* The Global Assistance Fund project shows the commitment and the case. */
    const now = await fundLine();
    assert.equal(now.committed, before.committed + 500);
    assert.equal(now.disbursed, before.disbursed + 200);
    assert.equal(now.remaining, before.remaining - 500);
    assert.match(norm(await pm.page.locator('main ul').last().innerText()), new RegExp(number));
    await pm.ctx.close();

    /* The caseworker sees the outcome on the case's fund page. */
    await page.goto(`${srv.base}${casePath}/fund`, { waitUntil: 'load' });
    rows = norm(await page.locator('main table tbody').innerText());
    assert.match(rows, /Approved/);
    assert.match(rows, /Global Assistance Fund/);
    assert.match(rows, /500\.00 USD/);
    await screenshot(page, shot);
    await submitAndWait(page, w, 'open the approved request', () => page.locator(`a[href="${reqPath}"]`).click(),
      (u) => u.pathname === reqPath);
    assert.equal(norm(await page.locator('#fund-disbursed').innerText()), '200.00 USD');
    assert.equal(await page.locator('input[name="decision"]').count(), 0, 'the caseworker gets no decision form');
    assert.equal(w.pending, 0, 'the refused request was answered 400');
  });
}

test('fund request, approval and disbursement through the pages (JavaScript on)', { timeout: T_TEST },
  () => flow(true, 'fund.png'));
test('fund request, approval and disbursement through the pages (no JavaScript)', { timeout: T_TEST },
  () => flow(false, 'fund-nojs.png'));
