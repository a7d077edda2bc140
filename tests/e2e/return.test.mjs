/*
 * return.test.mjs - voluntary return and handover between two offices,
 * through the pages only: the Bangkok caseworker asks for a return to
 * Colombia, records the counselling, plans a leg, records the departure
 * and asks for the handover to Bogotá; Bogotá's manager accepts it and
 * records the arrival; the monitoring visits appear; Bangkok then sees
 * the case's history only. Run without JavaScript (every step is a plain
 * form) and with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, launch, logIn, watch, openCase, screenshot, submitAndWait, norm } from './lib.mjs';

const T_TEST = 180_000;
const PLACE = 'Barrio Kennedy Reception';

const today = () => new Date().toISOString().slice(0, 10);

/* The form of a given step on the return page. */
const stageForm = (page, stage) => page.locator('form[action$="/return"]').filter({
  has: page.locator(`input[name="stage"][value="${stage}"]`),
});

async function login(ctx, srv, username) {
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const w = watch(page, srv.base);
  await logIn(page, w, srv, username);
  return { page, w };
}

function flow(javaScriptEnabled, shot) {
  return demoSession({ javaScriptEnabled, personalData: [PLACE] }, async ({ srv, page, w }) => {
    const { casePath, number } = await openCase(page, w);
    const returnPath = `${casePath}/return`;
    const onReturn = (u) => u.pathname === returnPath;

    /* From the case page to its return. */
    await submitAndWait(page, w, 'open the return page',
      () => page.locator(`main a[href="${returnPath}"]`).click(), onReturn);
    assert.match(await page.locator('main').innerText(), /No return has been asked for/);

    /* Ask for the return to Colombia, received by the Bogotá office. */
    await page.selectOption('#dest_country', 'CO');
    await page.selectOption('#dest_office', 'BOG');
    await submitAndWait(page, w, 'ask for the return',
      () => page.locator('form:has(input[name="action"][value="request"]) button[type="submit"]').click(), onReturn);
    assert.equal(norm(await page.locator('dl.return .badge').textContent()), 'Requested');

    /* A step out of order is refused with a message, nothing changed:
     * the departure form is not offered yet, so post the plan without
     * legs, which the page refuses. */
    await submitAndWait(page, w, 'counselling',
      () => stageForm(page, 'Counselled').locator('button[type="submit"]').click(), onReturn);
    assert.equal(norm(await page.locator('dl.return .badge').textContent()), 'Pre-departure counselling');
    w.expect('POST', returnPath, 400);
    await submitAndWait(page, w, 'plan without legs',
      () => stageForm(page, 'Planned').locator('button[type="submit"]').click(), onReturn);
    assert.match(await page.locator('main .flash.error').innerText(), /at least one travel leg/);
    assert.equal(norm(await page.locator('dl.return .badge').textContent()), 'Pre-departure counselling');

    /* One leg, Bangkok to Bogotá by air. */
    if (await page.locator('details:has(.legs-form)').getAttribute('open') === null) {
      await page.locator('details:has(.legs-form) summary').click();
    }
    await page.selectOption('#leg0_from_country', 'TH');
    await page.fill('#leg0_from_place', 'Bangkok');
    await page.selectOption('#leg0_to_country', 'CO');
    await page.fill('#leg0_to_place', PLACE);
    await page.fill('#leg0_departure_date', today());
    await page.fill('#leg0_arrival_date', today());
    await page.selectOption('#leg0_means_of_transport', 'Air');
    await page.selectOption('#leg0_escort', 'Staff');
    await page.check('input[name="leg0_doc_Own"]');
    await submitAndWait(page, w, 'save the legs',
      () => page.locator('.legs-form button[type="submit"]').click(), onReturn);
    assert.match(norm(await page.locator('table.legs tbody').innerText()), /Colombia/);
    await submitAndWait(page, w, 'plan',
      () => stageForm(page, 'Planned').locator('button[type="submit"]').click(), onReturn);
    await stageForm(page, 'Departed').locator('input[name="date"]').fill(today());
    await submitAndWait(page, w, 'departure',
      () => stageForm(page, 'Departed').locator('button[type="submit"]').click(), onReturn);
    assert.equal(norm(await page.locator('dl.return .badge').textContent()), 'Departed');
    assert.match(await page.locator('main').innerText(), /recorded by the office at destination/);

    /* Hand the case over to Bogotá. */
    assert.equal(await page.locator('#to_office').inputValue(), 'BOG', 'the destination office is proposed');
    await submitAndWait(page, w, 'ask for the handover',
      () => page.locator('form:has(input[name="action"][value="transfer"]) button[type="submit"]').click(), onReturn);
    assert.match(await page.locator('ul.transfers').innerText(), /BKK → BOG/);

    /* Bogotá's manager accepts it, having read its summary only. */
    const bog = await launch(javaScriptEnabled);
    const m = await login(bog, srv, 'manager.bog');
    await submitAndWait(m.page, m.w, 'transfers', () => m.page.locator('header a[href="/transfers"]').click(),
      (u) => u.pathname === '/transfers');
    const row = m.page.locator('table.incoming tbody tr').filter({ hasText: number });
    assert.match(norm(await row.innerText()), /BKK/);
    assert.match(norm(await row.innerText()), /Departed/);
    /* The manager who decides reads the case's summary (integrity.test.mjs). */
    assert.equal(await row.locator(`a[href="${casePath}"]`).count(), 1, 'no link to the summary of the case to decide');
    const opts = await row.locator('select[name="assigned_to"] option').evaluateAll(
      (os) => os.map((o) => ({ value: o.value, text: o.textContent })));
    const cw = opts.find((o) => /^caseworker\.bog\b/.test(o.text.trim()));
    assert.ok(cw, `caseworker.bog is not offered: ${JSON.stringify(opts)}`);
    await row.locator('select[name="assigned_to"]').selectOption(cw.value);
    await submitAndWait(m.page, m.w, 'accept',
      () => row.locator('form:has(input[value="accept"]) button[type="submit"]').click(),
      (u) => u.pathname === '/transfers');

    /* Bogotá records the arrival and reception; the visits follow. */
    await m.page.goto(`${srv.base}${returnPath}`, { waitUntil: 'load' });
    await stageForm(m.page, 'Arrived').locator('input[name="date"]').fill(today());
    await stageForm(m.page, 'Arrived').locator('input[name="received_by"]').fill('Ana Duty Officer');
    await submitAndWait(m.page, m.w, 'arrival',
      () => stageForm(m.page, 'Arrived').locator('button[type="submit"]').click(),
      (u) => u.pathname === returnPath);
    assert.equal(norm(await m.page.locator('dl.return .badge').textContent()), 'Arrived and received');
    await m.page.goto(`${srv.base}${casePath}/reintegration`, { waitUntil: 'load' });
    assert.equal(await m.page.locator('table.visits tbody tr').count(), 4, 'four monitoring visits');
    await screenshot(m.page, `${shot}-visits.png`);
    assert.deepEqual(m.w.problems, [], 'problems in the Bogotá manager\'s pages');

    /* Bangkok now sees the history only. */
    await page.goto(`${srv.base}${casePath}`, { waitUntil: 'load' });
    assert.match(await page.locator('main').innerText(), /handed over to another office/);
    assert.equal(await page.locator(`main a[href="${casePath}/file"]`).count(), 0, 'a link to the case file');
    assert.match(await page.locator('ol.timeline').innerText(), /Handover accepted/);
    await page.goto(`${srv.base}${returnPath}`, { waitUntil: 'load' });
    assert.equal(norm(await page.locator('dl.return .badge').textContent()), 'Arrived and received');
    assert.equal(await page.locator('main form[method="post"]').count(), 0, 'forms on the history page');
    await screenshot(page, `${shot}-history.png`);
    w.expect('GET', `${casePath}/file`, 404);
    const file = await page.goto(`${srv.base}${casePath}/file`, { waitUntil: 'load' });
    assert.equal(file.status(), 404, 'the case file at the origin office');
    w.expect('GET', `${casePath}/reintegration`, 404);
    const reint = await page.goto(`${srv.base}${casePath}/reintegration`, { waitUntil: 'load' });
    assert.equal(reint.status(), 404, 'the reintegration at the origin office');
    /* The watch allows the console echo of expected 400s only: drop the
     * echoes of these two expected 404s, nothing else. */
    for (const p of [`${casePath}/file`, `${casePath}/reintegration`]) {
      const i = w.problems.findIndex((x) => x.includes('status of 404') && x.endsWith(`${p})`));
      if (i >= 0) w.problems.splice(i, 1);
    }
  });
}

test('return and handover between Bangkok and Bogotá, without JavaScript', { timeout: T_TEST },
  () => flow(false, 'return-nojs'));

test('return and handover between Bangkok and Bogotá, with JavaScript', { timeout: T_TEST },
  () => flow(true, 'return'));
