/*
 * casefile_bad.test.mjs - bad input to PUT /api/v1/cases/{id}/file: each
 * is a 400 naming the field path, and nothing of the request is saved
 * (the file reads exactly as before). Also the special answers, the
 * version rules and office scoping of the file and screening endpoints.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, createCase, getFile, putFile, saveFile, assertApiError, assertFieldError,
  realisticFile,
} from './lib.mjs';

const clone = (v) => JSON.parse(JSON.stringify(v));
const YEAR = new Date().getUTCFullYear();

describe('case file: bad input', () => {
  let srv, cw, bog, researcher, es, c, base;

  before(async () => {
    srv = await startServer({
      extraUsers: [{ username: 'caseworker.es', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker-ES-2b9f01e3' }],
    });
    for (const s of ['José María', 'Pérez', '+573001234567', '0812345678', 'CC-1020304050']) srv.secret(s);
    cw = await srv.login('caseworker.bkk');
    bog = await srv.login('caseworker.bog');
    researcher = await srv.login('researcher');
    es = await srv.login('caseworker.es');
    assert.equal((await srv.api('PATCH', '/api/v1/me', { session: es, body: { lang: 'es' } })).status, 200);
    await freshBaseline();
  });

  /* The case the refusals run on, with a realistic file. A refusal that
   * the server wrongly accepts replaces it, so that one server bug does
   * not shift every later test. */
  async function freshBaseline() {
    c = await createCase(srv, cw);
    const f = realisticFile(await getFile(srv, cw, c.id));
    // no age in the interview, so that each age check below reports one thing
    delete f.screening.age_at_act;
    await saveFile(srv, cw, c.id, f);
    base = await getFile(srv, cw, c.id);
  }
  after(async () => { if (srv) await srv.stop(); });

  /*
   * PUTs the current file changed by mutate (plus a harmless valid change,
   * so that "nothing saved" means something) and expects 400 with an error
   * at path; then the file must read as before.
   */
  async function refused(mutate, path, { session = cw, valid = true } = {}) {
    const before1 = await getFile(srv, cw, c.id);
    const f = clone(before1);
    if (valid) {
      f.prs_MailingState = 'Valle del Cauca';
      f.comments.push({ com_CaseComment: 'This comment must not be saved.' });
    }
    mutate(f);
    const r = await putFile(srv, session, c.id, f);
    try {
      const fields = assertFieldError(r, path);
      assert.deepEqual(await getFile(srv, cw, c.id), before1, 'a refused PUT changed the file');
      return { r, fields };
    } catch (e) {
      await freshBaseline();
      throw e;
    }
  }

  it('the baseline is a valid file', () => {
    assert.equal(base.prs_FirstName, 'José María');
    assert.equal(base.events.length, 3);
  });

  describe('unknown fields', () => {
    for (const [name, mutate, path] of [
      ['at the top', (f) => { f.prs_Nickname = 'Pepe'; }, 'prs_Nickname'],
      ['a list field at the top', (f) => { f.hte_Type = 'Transit'; }, 'hte_Type'],
      ['a system field at the top', (f) => { f.com_Date = '2024-01-01'; }, 'com_Date'],
      ['in an event', (f) => { f.events[0].hte_Vehicle = 'Bus'; }, 'events[0].hte_Vehicle'],
      ['a person field in an event', (f) => { f.events[1].prs_FirstName = 'X'; }, 'events[1].prs_FirstName'],
      ['in a perpetrator', (f) => { f.perpetrators[0].per_Name = 'El Flaco'; }, 'perpetrators[0].per_Name'],
      ['in a referral', (f) => { f.referrals[0].ref_Phone = '+66812345678'; }, 'referrals[0].ref_Phone'],
      ['in a new comment', (f) => { f.comments[f.comments.length - 1].com_Title = 'x'; }, 'comments[1].com_Title'],
    ]) {
      it(name, () => refused(mutate, path));
    }
  });

  describe('unknown code values', () => {
    for (const [name, mutate, path] of [
      ['a gender', (f) => { f.prs_Gender = 'Male'; }, 'prs_Gender'],
      ['a code in the wrong case', (f) => { f.prs_Gender = 'masculine'; }, 'prs_Gender'],
      ['one of several codes', (f) => { f.vic_MethodsOfControl = 'DebtBondage;Beatings'; }, 'vic_MethodsOfControl'],
      ['a repeated code', (f) => { f.vic_RecruitmentWebsitesAndApps = 'Facebook;Facebook'; }, 'vic_RecruitmentWebsitesAndApps'],
      ['an empty item', (f) => { f.vic_RecruitmentWebsitesAndApps = 'Facebook;;WhatsApp'; }, 'vic_RecruitmentWebsitesAndApps'],
      ['a country', (f) => { f.prs_Citizenship = 'CO;XX'; }, 'prs_Citizenship'],
      ['a lower-case country', (f) => { f.prs_MailingCountry = 'co'; }, 'prs_MailingCountry'],
      ['an event country', (f) => { f.events[2].hte_Country = 'THA'; }, 'events[2].hte_Country'],
      ['a language', (f) => { f.prs_PrimaryLanguage = 'spanish'; }, 'prs_PrimaryLanguage'],
      ['an event type', (f) => { f.events[0].hte_Type = 'Exit'; }, 'events[0].hte_Type'],
      ['a means of transport', (f) => { f.events[1].hte_MeansOfTransport = 'Bus;Horse'; }, 'events[1].hte_MeansOfTransport'],
      ['a perpetrator role', (f) => { f.perpetrators[0].per_RoleInProcess = 'Boss'; }, 'perpetrators[0].per_RoleInProcess'],
      ['a referral direction', (f) => { f.referrals[0].ref_Direction = 'Sideways'; }, 'referrals[0].ref_Direction'],
      ['a yes/no answer', (f) => { f.consents.push({ con_ConsentToInterview: 'Maybe' }); }, 'consents[1].con_ConsentToInterview'],
      ['a case status', (f) => { f.cas_Status = 'Open'; }, 'cas_Status'],
      ['an ISIC division outside the industry', (f) => { f.vic_ForcedLabourIndustryDivision = '10'; }, 'vic_ForcedLabourIndustryDivision'],
    ]) {
      it(name, () => refused(mutate, path));
    }
  });

  describe('special answers', () => {
    it('"Unknown", "NotAsked" and "DeclinedToAnswer" are accepted where allowed, round-trip, and are not empty', async () => {
      const d = await createCase(srv, cw);
      const f = await getFile(srv, cw, d.id);
      const specials = {
        prs_Gender: 'Unknown',
        prs_MaritalStatus: 'NotAsked',
        prs_HighestLevelOfEducation: 'DeclinedToAnswer',
        prs_Birthdate: 'Unknown',
        prs_NumberOfChildren: 'DeclinedToAnswer',
        prs_Citizenship: 'NotAsked',
        prs_MobilePhone: 'DeclinedToAnswer',
        prs_FirstName: 'DeclinedToAnswer',
        prs_PrimaryLanguage: 'Unknown',
        vic_AgeWhenTrafficked: 'Unknown',
        vic_MethodsOfControl: 'DeclinedToAnswer',
        vic_RelationshipToTrafficker: 'NotAsked',
        idn_DateIdentified: 'Unknown',
        idn_HowIdentified: 'NotAsked',
      };
      Object.assign(f, specials);
      f.prs_SecondName = '';
      f.events = [{ hte_Type: 'Recruitment', hte_Country: 'Unknown', hte_Date: 'NotAsked' },
        { hte_Type: 'Transit', hte_BorderCrossing: 'Unknown', hte_DocumentsUsed: 'DeclinedToAnswer' }];
      f.perpetrators = [{ per_Gender: 'Unknown', per_AgeBand: 'NotAsked' }];
      f.consents = [{ con_ConsentToInterview: 'Yes', con_InformedOfResearchUse: 'NotAsked', con_InformedOfStoragePeriod: 'Unknown' }];
      const saved = await saveFile(srv, cw, d.id, f);
      const got = await getFile(srv, cw, d.id);
      assert.deepEqual(got, saved);
      for (const [k, v] of Object.entries(specials)) assert.equal(got[k], v, k);
      assert.ok(!got.prs_SecondName, 'an empty field came back as an answer');
      assert.equal(got.prs_SecondName ?? '', '', 'empty stays empty');
      assert.equal(got.events[0].hte_Country, 'Unknown');
      assert.equal(got.events[0].hte_Date, 'NotAsked');
      assert.equal(got.events[1].hte_BorderCrossing, 'Unknown');
      assert.equal(got.events[1].hte_DocumentsUsed, 'DeclinedToAnswer');
      assert.equal(got.perpetrators[0].per_Gender, 'Unknown');
      assert.equal(got.perpetrators[0].per_AgeBand, 'NotAsked');
      assert.equal(got.consents[0].con_InformedOfResearchUse, 'NotAsked');
      assert.equal(got.consents[0].con_InformedOfStoragePeriod, 'Unknown');
      assert.equal(got.consents[0].con_InformedOfPurpose ?? '', '', 'an unanswered consent question stays empty');
      // the three answers stay distinct from each other on change
      got.prs_Gender = 'NotAsked';
      got.prs_MaritalStatus = 'DeclinedToAnswer';
      got.prs_HighestLevelOfEducation = 'Unknown';
      const again = await saveFile(srv, cw, d.id, got);
      assert.equal(again.prs_Gender, 'NotAsked');
      assert.equal(again.prs_MaritalStatus, 'DeclinedToAnswer');
      assert.equal(again.prs_HighestLevelOfEducation, 'Unknown');
      // and back to empty: the answer goes
      again.prs_Gender = '';
      const third = await saveFile(srv, cw, d.id, again);
      assert.equal(third.prs_Gender ?? '', '');
    });

    for (const [name, mutate, path] of [
      ['not for the case status', (f) => { f.cas_Status = 'Unknown'; }, 'cas_Status'],
      ['not for the registration date', (f) => { f.idn_RegistrationDate = 'NotAsked'; }, 'idn_RegistrationDate'],
      ['not for an event type', (f) => { f.events[0].hte_Type = 'Unknown'; }, 'events[0].hte_Type'],
      ['not for a referral direction', (f) => { f.referrals[0].ref_Direction = 'DeclinedToAnswer'; }, 'referrals[0].ref_Direction'],
      ['not mixed with other values', (f) => { f.vic_RecruitmentWebsitesAndApps = 'Facebook;Unknown'; }, 'vic_RecruitmentWebsitesAndApps'],
      ['not in another spelling', (f) => { f.prs_Gender = 'unknown'; }, 'prs_Gender'],
    ]) {
      it(`refused: ${name}`, () => refused(mutate, path));
    }
  });

  describe('dates', () => {
    for (const [name, mutate, path] of [
      ['a date that does not exist (2026-02-30)', (f) => { f.idn_DateIdentified = '2026-02-30'; }, 'idn_DateIdentified'],
      ['31 April', (f) => { f.events[0].hte_Date = '2023-04-31'; }, 'events[0].hte_Date'],
      ['29 February of a common year', (f) => { f.prs_Birthdate = '1990-02-29'; }, 'prs_Birthdate'],
      ['month 13', (f) => { f.events[1].hte_EndDate = '2023-13'; }, 'events[1].hte_EndDate'],
      ['another format', (f) => { f.idn_DateIdentified = '15/01/2024'; }, 'idn_DateIdentified'],
      ['a date in the future', (f) => { f.idn_DateIdentified = `${YEAR + 1}-01-10`; }, 'idn_DateIdentified'],
      ['a future year', (f) => { f.events[2].hte_EndDate = `${YEAR + 1}`; }, 'events[2].hte_EndDate'],
      ['a future referral date', (f) => { f.referrals[0].ref_Date = `${YEAR + 2}-03`; }, 'referrals[0].ref_Date'],
      ['a birthdate after the identification date', (f) => { f.idn_DateIdentified = '1989-06-01'; }, 'prs_Birthdate'],
      ['a registration before the identification', (f) => { f.idn_RegistrationDate = '2023-12-31'; }, 'idn_RegistrationDate'],
      ['vic_AgeWhenTrafficked contradicting birthdate and first event', (f) => { f.vic_AgeWhenTrafficked = '20'; }, 'vic_AgeWhenTrafficked'],
      ['a first event before the birthdate', (f) => { f.prs_Birthdate = '2023-07'; f.idn_DateIdentified = '2024-01-15'; }, 'events[0].hte_Date'],
      ['a first event before the birthdate, no age given', (f) => { f.prs_Birthdate = '2023-07'; delete f.vic_AgeWhenTrafficked; }, 'events[0].hte_Date'],
      ['events out of order', (f) => { f.events[1].hte_Date = '2023-05-20'; f.events[1].hte_EndDate = '2023-05-25'; }, 'events[1].hte_Date'],
      ['an exploitation before the transit', (f) => { f.events[2].hte_Date = '2023-06'; }, 'events[2].hte_Date'],
      ['an end date before its start', (f) => { f.events[1].hte_EndDate = '2023-07-01'; }, 'events[1].hte_EndDate'],
      ['a partial end before its partial start', (f) => { f.events[2].hte_EndDate = '2023-07'; }, 'events[2].hte_EndDate'],
    ]) {
      it(name, () => refused(mutate, path));
    }

    it('partial dates that may overlap are not "out of order"', async () => {
      const d = await createCase(srv, cw);
      const f = await getFile(srv, cw, d.id);
      f.events = [
        { hte_Type: 'Recruitment', hte_Date: '2023-07-20' },
        { hte_Type: 'Transit', hte_Date: '2023-07', hte_EndDate: '2023-07-15' },
        { hte_Type: 'Exploitation', hte_Date: '2023' },
      ];
      await saveFile(srv, cw, d.id, f);
    });
  });

  describe('event types', () => {
    for (const [name, mutate, path] of [
      ['a border crossing on an exploitation', (f) => { f.events[2].hte_BorderCrossing = 'Regular'; }, 'events[2].hte_BorderCrossing'],
      ['means of transport on a recruitment', (f) => { f.events[0].hte_MeansOfTransport = 'Bus'; }, 'events[0].hte_MeansOfTransport'],
      ['documents on an exploitation', (f) => { f.events[2].hte_DocumentsUsed = 'Forged'; }, 'events[2].hte_DocumentsUsed'],
      ['a duration on a transit', (f) => { f.events[1].hte_DurationDays = '8'; }, 'events[1].hte_DurationDays'],
      ['an event without a type', (f) => { delete f.events[0].hte_Type; }, 'events[0].hte_Type'],
    ]) {
      it(name, () => refused(mutate, path));
    }
  });

  describe('JSON types', () => {
    for (const [name, mutate, path] of [
      ['a number for a name', (f) => { f.prs_FirstName = 42; }, 'prs_FirstName'],
      ['a number for a code', (f) => { f.prs_Gender = 1; }, 'prs_Gender'],
      ['a boolean for a yes/no', (f) => { f.consents.push({ con_ConsentToInterview: true }); }, 'consents[1].con_ConsentToInterview'],
      ['an array for a multi-value field', (f) => { f.prs_Citizenship = ['CO', 'VE']; }, 'prs_Citizenship'],
      ['an object for a date', (f) => { f.prs_Birthdate = { year: 1990 }; }, 'prs_Birthdate'],
      ['a string for the events list', (f) => { f.events = 'CO, PA, TH'; }, 'events'],
      ['an object for the perpetrators list', (f) => { f.perpetrators = {}; }, 'perpetrators'],
      ['a string as an event', (f) => { f.events[1] = 'Transit'; }, 'events[1]'],
      ['a number in an event', (f) => { f.events[2].hte_DurationDays = 160; }, 'events[2].hte_DurationDays'],
      ['a wrong id', (f) => { f.id += 1000; }, 'id'],
    ]) {
      it(name, () => refused(mutate, path));
    }

    it('the body is not an object: 400, nothing saved', async () => {
      const before1 = await getFile(srv, cw, c.id);
      for (const body of ['[]', '"file"', '42', 'null', '{"version": 3', '']) {
        const r = await srv.api('PUT', `/api/v1/cases/${c.id}/file`, { session: cw, body: Buffer.from(body) });
        assertApiError(r, 400, `body ${JSON.stringify(body)}`);
      }
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });
  });

  describe('text', () => {
    for (const [name, mutate, path] of [
      ['100 000 characters as a first name', (f) => { f.prs_FirstName = 'a'.repeat(100_000); }, 'prs_FirstName'],
      ['101 characters as a first name', (f) => { f.prs_FirstName = 'é'.repeat(101); }, 'prs_FirstName'],
      ['an over-long event description', (f) => { f.events[0].hte_Description = 'd'.repeat(5001); }, 'events[0].hte_Description'],
      ['an over-long comment', (f) => { f.comments[f.comments.length - 1].com_CaseComment = 'c'.repeat(10_001); }, 'comments[1].com_CaseComment'],
      ['a line break in a one-line field', (f) => { f.prs_MailingStreet = 'Calle 45\nApto 3'; }, 'prs_MailingStreet'],
      ['a control character', (f) => { f.prs_SecondName = 'P\u0007rez'; }, 'prs_SecondName'],
      ['a C1 control character', (f) => { f.events[0].hte_Description = 'x\u0085y'; }, 'events[0].hte_Description'],
      ['an empty comment', (f) => { f.comments[f.comments.length - 1].com_CaseComment = ''; }, 'comments[1].com_CaseComment'],
      ['an integer out of range', (f) => { f.prs_NumberOfChildren = '31'; }, 'prs_NumberOfChildren'],
      ['a negative integer', (f) => { f.prs_NumberOfChildren = '-1'; }, 'prs_NumberOfChildren'],
      ['a decimal', (f) => { f.vic_AgeWhenTrafficked = '33.5'; }, 'vic_AgeWhenTrafficked'],
      ['an invalid e-mail', (f) => { f.prs_Email = 'jm.perez at example.org'; }, 'prs_Email'],
      ['a list over 200 entries', (f) => { f.referrals = Array.from({ length: 201 }, () => ({ ref_Direction: 'Outgoing', ref_Organisation: 'x' })); }, 'referrals'],
    ]) {
      it(name, () => refused(mutate, path));
    }

    it('100 two-byte characters are 100 characters: accepted', async () => {
      const d = await createCase(srv, cw);
      const f = await getFile(srv, cw, d.id);
      f.prs_FirstName = 'é'.repeat(100);
      f.prs_SecondName = '渡辺'.repeat(50);
      const got = await saveFile(srv, cw, d.id, f);
      assert.equal(got.prs_FirstName, 'é'.repeat(100));
      assert.equal(got.prs_SecondName, '渡辺'.repeat(50));
    });

    it('the error never quotes the value', async () => {
      const { r } = await refused((f) => { f.prs_MobilePhone = '0812345678'; }, 'prs_MobilePhone');
      assert.ok(!r.text.includes('0812345678'), r.text);
      const { r: r2 } = await refused((f) => { f.prs_FirstName = `José${'x'.repeat(200)}`; }, 'prs_FirstName');
      assert.ok(!r2.text.includes('José'), r2.text);
    });
  });

  describe('invalid UTF-8 and NUL in the body', () => {
    async function rawBody(bytes) {
      const before1 = await getFile(srv, cw, c.id);
      const r = await srv.api('PUT', `/api/v1/cases/${c.id}/file`, { session: cw, body: bytes });
      assertApiError(r, 400, 'raw body');
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
      return r;
    }
    const json = (f) => JSON.stringify(f);

    it('invalid UTF-8 in a name', async () => {
      const f = clone(base);
      f.prs_MailingState = 'changed';
      const [a, b] = json({ ...f, prs_FirstName: 'JOSE@@' }).split('JOSE@@');
      await rawBody(Buffer.concat([Buffer.from(a), Buffer.from([0x4a, 0xc3, 0x28, 0xff, 0x80]), Buffer.from(b)]));
    });
    it('an overlong UTF-8 encoding', async () => {
      const [a, b] = json({ ...base, prs_SecondName: 'X@@' }).split('X@@');
      await rawBody(Buffer.concat([Buffer.from(a), Buffer.from([0xc0, 0xaf]), Buffer.from(b)]));
    });
    it('an encoded surrogate (CESU)', async () => {
      const [a, b] = json({ ...base, prs_SecondName: 'X@@' }).split('X@@');
      await rawBody(Buffer.concat([Buffer.from(a), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(b)]));
    });
    it('a lone surrogate escape', async () => {
      const [a, b] = json({ ...base, prs_SecondName: 'X@@' }).split('X@@');
      await rawBody(Buffer.from(`${a}\\ud800${b}`));
    });
    it('an escaped NUL', async () => {
      const [a, b] = json({ ...base, prs_FirstName: 'X@@' }).split('X@@');
      await rawBody(Buffer.from(`${a}Jos\\u0000e${b}`));
    });
  });

  describe('phones', () => {
    for (const [name, value] of [
      ['no plus', '66812345678'],
      ['a national number', '0812345678'],
      ['spaces', '+66 81 234 5678'],
      ['dashes', '+66-81-234-5678'],
      ['too short', '+6681234'],
      ['too long', '+6681234567890123'],
      ['letters', '+66812CALLME'],
      ['one bad among good ones', '+66812345678;12345'],
      ['the same number twice', '+66812345678;+66812345678'],
    ]) {
      it(`not E.164: ${name}`, () => refused((f) => { f.prs_HomePhone = value; }, 'prs_HomePhone'));
    }
    it('several E.164 numbers are accepted', async () => {
      const d = await createCase(srv, cw);
      const f = await getFile(srv, cw, d.id);
      f.prs_MobilePhone = '+66812345678;+573001234567';
      f.prs_HomePhone = '+4930123456';
      const got = await saveFile(srv, cw, d.id, f);
      assert.equal(got.prs_MobilePhone, '+66812345678;+573001234567');
      assert.equal(got.prs_HomePhone, '+4930123456');
    });
  });

  describe('versions', () => {
    it('missing version: 400 naming "version", nothing saved', () => refused((f) => { delete f.version; }, 'version'));
    it('version as a string: 400', () => refused((f) => { f.version = String(f.version); }, 'version'));
    it('version null: 400', () => refused((f) => { f.version = null; }, 'version'));
    it('version 0: 400', () => refused((f) => { f.version = 0; }, 'version'));

    for (const [name, delta] of [['stale version', -1], ['a version from the future', 1]]) {
      it(`${name}: 409, nothing saved`, async () => {
        const before1 = await getFile(srv, cw, c.id);
        const f = clone(before1);
        f.version += delta;
        f.prs_MailingState = 'Chocó';
        assertApiError(await putFile(srv, cw, c.id, f), 409, name);
        assert.deepEqual(await getFile(srv, cw, c.id), before1);
      });
    }

    it('a stale PUT of unchanged content is a 409 too', async () => {
      const before1 = await getFile(srv, cw, c.id);
      assertApiError(await putFile(srv, cw, c.id, { ...before1, version: before1.version - 1 }), 409);
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });
  });

  describe('errors in the user\'s language', () => {
    it('field messages follow the user\'s language', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const bad = { ...clone(before1), prs_Gender: 'Male', idn_DateIdentified: '2026-02-30' };
      const en = await putFile(srv, cw, c.id, bad);
      const sp = await putFile(srv, es, c.id, bad);
      assertFieldError(en, 'prs_Gender');
      assertFieldError(sp, 'prs_Gender');
      assert.deepEqual(Object.keys(sp.json.fields).sort(), Object.keys(en.json.fields).sort());
      assert.equal(sp.json.fields.prs_Gender, 'Elija un valor de la lista.');
      for (const k of Object.keys(en.json.fields)) {
        assert.notEqual(sp.json.fields[k], en.json.fields[k], `${k} not translated`);
      }
      assert.notEqual(sp.json.error, en.json.error);
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });
  });

  describe('access', () => {
    it('a caseworker of another office: 404 on GET/PUT file and screening, nothing saved', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const none = await srv.api('GET', '/api/v1/cases/987654/file', { session: bog });
      assertApiError(none, 404);
      const g = await srv.api('GET', `/api/v1/cases/${c.id}/file`, { session: bog });
      assertApiError(g, 404, 'GET file');
      assert.equal(g.json.error, none.json.error, 'another office\'s case must look like no case');
      assert.ok(!g.text.includes('José'), 'the 404 leaks the file');
      const s = await srv.api('GET', `/api/v1/cases/${c.id}/screening`, { session: bog });
      assertApiError(s, 404, 'GET screening');
      assert.ok(!('meets_definition' in s.json));
      const p = await putFile(srv, bog, c.id, { ...clone(before1), prs_MailingCity: 'Bogotá' });
      assertApiError(p, 404, 'PUT file');
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });

    it('a researcher: 403 on the file and the screening', async () => {
      for (const p of [`/api/v1/cases/${c.id}/file`, `/api/v1/cases/${c.id}/screening`]) {
        const r = await srv.api('GET', p, { session: researcher });
        assertApiError(r, 403, p);
        assert.ok(!r.text.includes('José'));
      }
      const before1 = await getFile(srv, cw, c.id);
      assertApiError(await putFile(srv, researcher, c.id, before1), 403, 'PUT');
    });

    it('no session: 401', async () => {
      const r = await srv.api('GET', `/api/v1/cases/${c.id}/file`);
      assertApiError(r, 401);
    });

    it('PUT without the CSRF token: 403, nothing saved', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const r = await srv.api('PUT', `/api/v1/cases/${c.id}/file`, {
        session: cw, csrf: false, body: { ...clone(before1), prs_MailingCity: 'Bogotá' },
      });
      assertApiError(r, 403);
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });
  });
});
