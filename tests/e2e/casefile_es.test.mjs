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
 * node built-in test runner, through lib.mjs as case_french.test.mjs does:
 *
 *   CTM_BIN=/abs/path/to/ctm node --test tests/e2e/casefile_es.test.mjs
 *
 * The summary is saved to tests/e2e/artifacts/casefile-es.png, the page
 * with the error to casefile-es-error.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, norm, openCase, screenshot, submitAndWait } from './lib.mjs';

const T_TEST = 300_000;

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
  /* What is typed about the person: none of it may reach the server log. */
  const personalData = [FIRST, SECOND, 'Pérez', PHONE, PHONE.slice(1), 'maria jose'];
  await demoSession({ javaScriptEnabled: true, personalData }, async ({ srv, page, w }) => {
    /* Spanish first. */
    const es = page.locator('header form[action="/lang"] button[name="lang"][value="es"]');
    assert.equal(norm(await es.textContent()), 'Español');
    await submitAndWait(page, w, 'switch to Spanish', () => es.click(), (u) => u.pathname === '/cases');
    assert.equal(await page.locator('html').getAttribute('lang'), 'es', 'html lang after switching to Spanish');
    assert.equal(norm(await page.locator('main h1').first().textContent()), 'Casos');

    /* Open a new case, assigned to the caseworker themself. */
    const { casePath, number } = await openCase(page, w);
    const filePath = `${casePath}/file`;

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
    await screenshot(page, 'casefile-es-error.png');
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
    await screenshot(page, 'casefile-es.png');
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
    await submitAndWait(page, w, 'to the case list', () => page.locator('main nav.breadcrumb a[href="/cases"]').click(),
      (u) => u.pathname === '/cases');
    await page.fill('#q', 'maria jose');
    await submitAndWait(page, w, 'search by name',
      () => page.locator('form[action="/cases/search"] button[type="submit"]').click(),
      (u) => u.pathname === '/cases/search');
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    const found = (await page.locator('main table tbody a').allTextContents()).map(norm);
    assert.deepEqual(found, [number], `"maria jose" finds exactly the new case: ${JSON.stringify(found)}`);
    assert.ok(!page.url().includes('maria'), 'the name is not in the URL');
  });
});
