/*
 * protection.test.mjs - the browser test of protection and assistance:
 * the demo caseworker opens a case, follows "Protection and assistance",
 * records a service with a cost (a wrong date first: the form comes back
 * with the message and what was typed), admits the person to the demo
 * shelter, and sees both listed; then the shelter page shows the stay in
 * today's occupancy. Run with and without JavaScript.
 *
 * Screenshots: tests/e2e/artifacts/protection.png (and -nojs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, openCase, screenshot, submitAndWait, norm } from './lib.mjs';

const T_TEST = 120_000;

function today() {
  return new Date().toISOString().slice(0, 10);
}

function flow(javaScriptEnabled, shot) {
  return demoSession({ javaScriptEnabled }, async ({ page, w }) => {
    const { casePath } = await openCase(page, w);
    const protPath = `${casePath}/protection`;
    await submitAndWait(page, w, 'open protection', () => page.locator(`a[href="${protPath}"]`).click(),
      (u) => u.pathname === protPath);
    assert.equal(norm(await page.locator('main h1').textContent()), 'Protection and assistance');

    /* A service with an impossible date: refused, the note kept. */
    await page.locator('#services summary').click();
    const svc = page.locator('#form-services');
    await svc.locator('select[name="service_type"]').selectOption('Medical');
    await svc.locator('select[name="status"]').selectOption('InProgress');
    await svc.locator('input[name="cost"]').fill('1500');
    await svc.locator('input[name="currency"]').fill('THB');
    await svc.locator('textarea[name="notes"]').fill('first check-up');
    await svc.locator('input[name="start_date"]').evaluate((el) => { el.type = 'text'; el.value = '2026-02-30'; });
    w.expect('POST', protPath, 400);
    await submitAndWait(page, w, 'add a bad service', () => svc.locator('button[type="submit"]').click(),
      (u) => u.pathname === protPath);
    const again = page.locator('#form-services');
    assert.match(norm(await again.locator('small.error').first().textContent()), /YYYY-MM-DD/);
    assert.equal(await again.locator('textarea[name="notes"]').inputValue(), 'first check-up');
    /* No table of services: a line says there is none. */
    assert.equal(await page.locator('#services table').count(), 0, 'nothing saved');
    assert.equal(norm(await page.locator('#services p.empty').textContent()), 'None recorded.');

    await again.locator('input[name="start_date"]').evaluate((el, d) => { el.type = 'text'; el.value = d; }, today());
    await submitAndWait(page, w, 'add a service', () => again.locator('button[type="submit"]').click(),
      (u) => u.pathname === protPath);
    const row = norm(await page.locator('#services tbody tr').first().textContent());
    assert.match(row, /Medical/);
    assert.match(row, /1,500\.00/);

    /* Admission to the office's demo shelter. */
    await page.locator('#shelter-stays summary').click();
    const stay = page.locator('#form-shelter-stays');
    const shelters = await stay.locator('select[name="shelter"] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(shelters.length > 0, 'the demo shelter is offered');
    await stay.locator('select[name="shelter"]').selectOption(shelters[0]);
    await stay.locator('input[name="admitted"]').evaluate((el, d) => { el.type = 'text'; el.value = d; }, today());
    await submitAndWait(page, w, 'admit', () => stay.locator('button[type="submit"]').click(),
      (u) => u.pathname === protPath);
    assert.equal(await page.locator('#shelter-stays tbody tr').count(), 1);
    await screenshot(page, shot);

    /* The shelter page counts the stay today. */
    await submitAndWait(page, w, 'shelters', () => page.locator('header a[href="/shelters"]').click(),
      (u) => u.pathname === '/shelters');
    const cells = await page.locator('main table tbody tr').first().locator('td').allTextContents();
    assert.ok(Number(norm(cells[4]).split(' ')[0]) >= 1, `occupied today: ${cells}`);
  });
}

test('protection and assistance with JavaScript', { timeout: T_TEST }, () => flow(true, 'protection.png'));
test('protection and assistance without JavaScript', { timeout: T_TEST }, () => flow(false, 'protection-nojs.png'));
