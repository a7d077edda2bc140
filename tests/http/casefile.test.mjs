/*
 * casefile.test.mjs - the whole case file over GET/PUT
 * /api/v1/cases/{id}/file: a realistic case through every section,
 * round trips, partial dates, the route, append-only comments and
 * consents, stable perpetrator ids, concurrent edits and the audit.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, createCase, getCase, auditEntries, assertApiError, todayUtc,
  getFile, putFile, saveFile, getScreening, assertFieldError, realisticFile,
} from './lib.mjs';

const NAME_FIRST = 'José María';
const NAME_SECOND = 'Pérez';
const PHONE = '+573001234567';

/* A copy without what the server derives, for comparing input with output. */
const clone = (v) => JSON.parse(JSON.stringify(v));

describe('case file', () => {
  let srv, admin, cw, mgr, bog;

  before(async () => {
    srv = await startServer();
    for (const s of [NAME_FIRST, NAME_SECOND, PHONE, PHONE.slice(1), 'CC-1020304050',
      'jm.perez@example.org', 'Calle 45 # 12-30']) srv.secret(s);
    admin = await srv.login('admin');
    cw = await srv.login('caseworker.bkk');
    mgr = await srv.login('manager.bkk');
    bog = await srv.login('caseworker.bog');
  });
  after(async () => { if (srv) await srv.stop(); });

  async function newFile(session = cw) {
    const c = await createCase(srv, session);
    return { c, file: await getFile(srv, session, c.id) };
  }

  describe('a realistic case through every section', () => {
    let c, input, saved;

    before(async () => {
      const n = await newFile();
      c = n.c;
      assert.equal(n.file.id, c.id);
      assert.equal(n.file.case_number, c.case_number);
      assert.equal(n.file.office, 'BKK');
      assert.equal(typeof n.file.version, 'number');
      input = realisticFile(n.file);
      const r = await putFile(srv, cw, c.id, input);
      assert.equal(r.status, 200, `PUT realistic file: ${r.status} ${r.text}`);
      saved = await getFile(srv, cw, c.id);
      assert.equal(saved.version, n.file.version + 1, 'a change bumps the version once');
      assert.deepEqual(r.json, saved, 'PUT answers the file as GET then shows it');
    });

    it('new file: empty lists, screening object, registration date and status set', async () => {
      const { file } = await newFile();
      for (const k of ['events', 'perpetrators', 'referrals', 'comments', 'consents']) {
        assert.deepEqual(file[k], [], `${k} of a new file`);
      }
      assert.equal(typeof file.screening, 'object');
      assert.equal(file.cas_Status, 'Active');
      assert.match(file.idn_RegistrationDate, /^\d{4}-\d{2}-\d{2}$/);
    });

    it('every scalar field comes back as sent', () => {
      for (const [k, v] of Object.entries(input)) {
        if (typeof v !== 'string' || ['case_number', 'office'].includes(k)) continue;
        assert.equal(saved[k], v, `field ${k}`);
      }
      assert.equal(saved.prs_FirstName, NAME_FIRST);
      assert.equal(saved.prs_Birthdate, '1990-04', 'partial birthdate kept as year-month');
      assert.equal(saved.prs_Citizenship, 'CO;VE');
      assert.equal(saved.prs_MobilePhone, PHONE);
    });

    it('events come back in the order given: the route CO → PA → TH', () => {
      assert.deepEqual(saved.events, input.events);
      assert.deepEqual(saved.events.map((e) => e.hte_Type), ['Recruitment', 'Transit', 'Exploitation']);
      assert.deepEqual(saved.events.map((e) => e.hte_Country), ['CO', 'PA', 'TH']);
      assert.equal(saved.events[1].hte_BorderCrossing, 'Irregular');
      assert.equal(saved.events[1].hte_MeansOfTransport, 'Bus;Boat');
      assert.equal(saved.events[2].hte_DurationDays, '160');
    });

    it('perpetrator, referral, comment and consent are saved', () => {
      assert.equal(saved.perpetrators.length, 1);
      const p = saved.perpetrators[0];
      assert.ok(Number.isInteger(p.per_id) && p.per_id > 0, `per_id: ${p.per_id}`);
      const { per_id: _, ...rest } = p;
      assert.deepEqual(rest, input.perpetrators[0]);
      assert.deepEqual(saved.referrals, input.referrals);
      assert.equal(saved.comments.length, 1);
      assert.equal(saved.comments[0].com_CaseComment, input.comments[0].com_CaseComment);
      assert.equal(saved.consents.length, 1);
      for (const [k, v] of Object.entries(input.consents[0])) assert.equal(saved.consents[0][k], v, k);
    });

    it('comments and consents get date and author from the server', () => {
      const com = saved.comments[0];
      assert.ok(Number.isInteger(com.com_id), `com_id: ${com.com_id}`);
      assert.equal(com.com_Date, todayUtc());
      assert.equal(String(com.com_Author), String(cw.user.id));
      const con = saved.consents[0];
      assert.ok(Number.isInteger(con.con_id), `con_id: ${con.con_id}`);
      assert.equal(con.con_Date, todayUtc());
      assert.equal(String(con.con_RecordedBy), String(cw.user.id));
    });

    it('the screening and its decision are saved', async () => {
      const s = saved.screening;
      assert.deepEqual(s.act, ['Recruitment', 'Transportation']);
      assert.deepEqual(s.means, ['Deception', 'AbuseOfVulnerability']);
      assert.deepEqual(s.purpose, ['ForcedLabourOrServices']);
      assert.equal(s.age_at_act, 33);
      assert.equal(s.decision?.final_status, 'ActualVictimOfTrafficking');
      assert.equal(s.decision?.proposed_status, 'ActualVictimOfTrafficking');
      const scr = await getScreening(srv, cw, c.id);
      assert.equal(scr.meets_definition, true);
      assert.equal(scr.child, false);
      assert.deepEqual(scr.missing, []);
      assert.equal(scr.proposed_status, 'ActualVictimOfTrafficking');
    });

    it('GET → PUT unchanged → GET is identical and the version is not bumped', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const r = await putFile(srv, cw, c.id, before1);
      assert.equal(r.status, 200, `PUT unchanged: ${r.status} ${r.text}`);
      const after1 = await getFile(srv, cw, c.id);
      assert.deepEqual(after1, before1);
      assert.equal(after1.version, before1.version, 'an unchanged PUT must not bump the version');
      assert.equal((await getCase(srv, cw, c.id)).version, before1.version);
      // and once more, with the answer of the PUT itself
      const r2 = await putFile(srv, cw, c.id, r.json);
      assert.equal(r2.status, 200, r2.text);
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });

    it('the same file reads the same to the office manager', async () => {
      assert.deepEqual(await getFile(srv, mgr, c.id), await getFile(srv, cw, c.id));
    });

    it('the audit names the changed fields, never the names or phones', async () => {
      const rows = await auditEntries(srv, admin, `case=${c.id}&action=case.file.update`);
      assert.ok(rows.length > 0, 'no case.file.update rows');
      for (const row of rows) assert.equal(row.action, 'case.file.update');
      const detail = (row) => (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail);
      const fields = rows.map((row) => detail(row)?.field);
      for (const f of ['prs_FirstName', 'prs_SecondName', 'prs_MobilePhone', 'prs_Birthdate',
        'vic_TypeOfExploitation', 'events', 'perpetrators', 'comments', 'consents', 'screening']) {
        assert.ok(fields.includes(f), `no audit row for ${f}: ${JSON.stringify(fields)}`);
      }
      // one row per changed field, not a row per field of the catalogue
      assert.equal(new Set(fields).size, fields.length, `repeated fields: ${JSON.stringify(fields)}`);
      const idRow = rows.find((row) => detail(row)?.field === 'prs_FirstName');
      assert.equal(detail(idRow).new, undefined, 'an identifying field must not carry its value');
      assert.equal(detail(idRow).old, undefined);

      const all = await srv.api('GET', '/api/v1/audit?per_page=500', { session: admin });
      assert.equal(all.status, 200);
      for (const leak of ['José', 'Jos\\u00e9', 'Pérez', 'P\\u00e9rez', 'Mar\\u00eda', 'María',
        PHONE, PHONE.slice(1), 'CC-1020304050', 'jm.perez@example.org', 'Calle 45']) {
        assert.ok(!all.text.includes(leak), `the audit contains ${JSON.stringify(leak)}`);
      }
    });
  });

  it('partial dates round-trip: "2024", "2024-05", "2024-05-17"', async () => {
    const { c, file } = await newFile();
    file.prs_Birthdate = '1998';
    file.idn_DateIdentified = '2024-05-17';
    file.events = [
      { hte_Type: 'Recruitment', hte_Country: 'CO', hte_Date: '2024' },
      { hte_Type: 'Transit', hte_Country: 'PA', hte_Date: '2024-05', hte_EndDate: '2024-05' },
      { hte_Type: 'Exploitation', hte_Country: 'TH', hte_Date: '2024-05-17' },
    ];
    file.referrals = [{ ref_Direction: 'Outgoing', ref_Organisation: 'UNODC', ref_Date: '2024-05' }];
    const saved = await saveFile(srv, cw, c.id, file);
    const got = await getFile(srv, cw, c.id);
    assert.deepEqual(got, saved);
    assert.equal(got.prs_Birthdate, '1998');
    assert.equal(got.idn_DateIdentified, '2024-05-17');
    assert.deepEqual(got.events.map((e) => e.hte_Date), ['2024', '2024-05', '2024-05-17']);
    assert.equal(got.events[1].hte_EndDate, '2024-05');
    assert.equal(got.referrals[0].ref_Date, '2024-05');
    // and unchanged once more
    const again = await saveFile(srv, cw, c.id, got);
    assert.equal(again.version, got.version);
  });

  it('the route follows the list order, and a reordered list is saved in its new order', async () => {
    const { c, file } = await newFile();
    file.events = [
      { hte_Type: 'Recruitment', hte_Country: 'NP' },
      { hte_Type: 'Transit', hte_Country: 'IN', hte_MeansOfTransport: 'Bus' },
      { hte_Type: 'Transit', hte_Country: 'AE', hte_MeansOfTransport: 'Air' },
      { hte_Type: 'Exploitation', hte_Country: 'QA' },
    ];
    let got = await saveFile(srv, cw, c.id, file);
    assert.deepEqual(got.events.map((e) => e.hte_Country), ['NP', 'IN', 'AE', 'QA']);
    got.events = [got.events[0], got.events[2], got.events[1], got.events[3]];
    got = await saveFile(srv, cw, c.id, got);
    assert.deepEqual((await getFile(srv, cw, c.id)).events.map((e) => e.hte_Country), ['NP', 'AE', 'IN', 'QA']);
  });

  describe('comments', () => {
    let c, file;
    before(async () => {
      ({ c, file } = await newFile());
      file.comments = [{ com_CaseComment: 'Met at the shelter.' }];
      file = await saveFile(srv, cw, c.id, file);
    });

    it('a saved comment cannot be edited: 400, nothing saved', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const edit = clone(before1);
      edit.comments[0].com_CaseComment = 'Met at the police station.';
      edit.prs_MailingCity = 'Bangkok';
      const r = await putFile(srv, cw, c.id, edit);
      const fields = assertFieldError(r, 'comments[0]', 'edited comment');
      assert.ok(Object.keys(fields).every((k) => k.startsWith('comments[0]')), JSON.stringify(fields));
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });

    it('its date and author cannot be changed either', async () => {
      const before1 = await getFile(srv, cw, c.id);
      for (const [k, v] of [['com_Date', '2001-01-01'], ['com_Author', String(admin.user.id)]]) {
        const edit = clone(before1);
        edit.comments[0][k] = v;
        assertFieldError(await putFile(srv, cw, c.id, edit), 'comments[0]', k);
        assert.deepEqual(await getFile(srv, cw, c.id), before1);
      }
    });

    it('a new one can be added, by another user, with the server setting date and author', async () => {
      const cur = await getFile(srv, mgr, c.id);
      cur.comments.push({ com_CaseComment: 'Follow-up call: she is safe.', com_Date: '2001-01-01', com_Author: '999' });
      const r = await putFile(srv, mgr, c.id, cur);
      if (r.status === 400) {
        // refusing client-set system fields is fine too; then without them
        assertFieldError(r, Object.keys(r.json.fields)[0]);
        assert.ok(Object.keys(r.json.fields).every((k) => k.startsWith('comments[1]')), r.text);
        delete cur.comments[1].com_Date;
        delete cur.comments[1].com_Author;
        assert.equal((await putFile(srv, mgr, c.id, cur)).status, 200);
      } else {
        assert.equal(r.status, 200, r.text);
      }
      const got = await getFile(srv, cw, c.id);
      assert.equal(got.comments.length, 2);
      assert.deepEqual(got.comments[0], file.comments[0], 'the first comment is untouched');
      const n = got.comments[1];
      assert.equal(n.com_CaseComment, 'Follow-up call: she is safe.');
      assert.equal(n.com_Date, todayUtc());
      assert.equal(String(n.com_Author), String(mgr.user.id));
      assert.notEqual(n.com_id, got.comments[0].com_id);
    });
  });

  describe('consents', () => {
    let c;
    before(async () => {
      let file;
      ({ c, file } = await newFile());
      file.consents = [{ con_ConsentToInterview: 'Yes', con_InformedOfPurpose: 'Yes', con_InformedOfDataUse: 'Yes' }];
      await saveFile(srv, cw, c.id, file);
    });

    it('a consent record cannot be removed: 400 at "consents", nothing saved', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const edit = clone(before1);
      edit.consents = [];
      edit.prs_MailingCity = 'Bangkok';
      assertFieldError(await putFile(srv, cw, c.id, edit), 'consents');
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });

    it('a consent record cannot be changed: 400, nothing saved', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const edit = clone(before1);
      edit.consents[0].con_ConsentToInterview = 'No';
      const r = await putFile(srv, cw, c.id, edit);
      assertFieldError(r, 'consents[0]');
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });

    it('a withdrawal is a new entry and the first one stays', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const edit = clone(before1);
      edit.consents.push({ con_ConsentToInterview: 'No', con_InformedOfWithdrawal: 'Yes' });
      await saveFile(srv, mgr, c.id, edit);
      const got = await getFile(srv, cw, c.id);
      assert.equal(got.consents.length, 2);
      assert.deepEqual(got.consents[0], before1.consents[0]);
      assert.equal(got.consents[1].con_ConsentToInterview, 'No');
      assert.equal(got.consents[1].con_Date, todayUtc());
      assert.equal(String(got.consents[1].con_RecordedBy), String(mgr.user.id));
      assert.notEqual(got.consents[1].con_id, got.consents[0].con_id);
    });

    it('the consent question to the interview is required in a new record', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const edit = clone(before1);
      edit.consents.push({ con_InformedOfPurpose: 'Yes' });
      assertFieldError(await putFile(srv, cw, c.id, edit), `consents[${before1.consents.length}].con_ConsentToInterview`);
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });
  });

  describe('perpetrators', () => {
    let c, other;
    before(async () => {
      let file;
      ({ c, file } = await newFile());
      file.perpetrators = [{ per_RoleInProcess: 'RecruiterOrIntermediary', per_Gender: 'Feminine' }];
      await saveFile(srv, cw, c.id, file);
      const o = await newFile();
      other = o.c;
      o.file.perpetrators = [{ per_RoleInProcess: 'Exploiter', per_Gender: 'Masculine' }];
      await saveFile(srv, cw, other.id, o.file);
    });

    it('per_id is stable across saves; a new one gets a new id', async () => {
      const f1 = await getFile(srv, cw, c.id);
      const id1 = f1.perpetrators[0].per_id;
      assert.ok(Number.isInteger(id1) && id1 > 0);
      f1.perpetrators[0].per_Notes = 'Drives a white pickup.';
      f1.perpetrators.push({ per_RoleInProcess: 'Transporter', per_AgeBand: 'Age18To29' });
      const f2 = await saveFile(srv, cw, c.id, f1);
      assert.equal(f2.perpetrators.length, 2);
      assert.equal(f2.perpetrators[0].per_id, id1, 'per_id changed on save');
      assert.equal(f2.perpetrators[0].per_Notes, 'Drives a white pickup.');
      const id2 = f2.perpetrators[1].per_id;
      assert.ok(Number.isInteger(id2) && id2 !== id1, `second per_id: ${id2}`);
      // unchanged save keeps both ids and the version
      const f3 = await saveFile(srv, cw, c.id, f2);
      assert.deepEqual(f3, f2);
      // order changes keep the ids with their persons
      f3.perpetrators.reverse();
      const f4 = await saveFile(srv, cw, c.id, f3);
      assert.deepEqual(f4.perpetrators.map((p) => p.per_id), [id2, id1]);
      assert.equal(f4.perpetrators[1].per_Notes, 'Drives a white pickup.');
    });

    it('an unknown per_id is refused: 400 at perpetrators[i].per_id, nothing saved', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const edit = clone(before1);
      edit.perpetrators.push({ per_id: 999999, per_Gender: 'Masculine' });
      assertFieldError(await putFile(srv, cw, c.id, edit), `perpetrators[${before1.perpetrators.length}].per_id`);
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });

    it('the per_id of another case\'s perpetrator is refused', async () => {
      const theirs = (await getFile(srv, cw, other.id)).perpetrators[0];
      const before1 = await getFile(srv, cw, c.id);
      const edit = clone(before1);
      edit.perpetrators.push({ ...theirs, per_Notes: 'overwritten from another case' });
      assertFieldError(await putFile(srv, cw, c.id, edit), `perpetrators[${before1.perpetrators.length}].per_id`);
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
      assert.deepEqual((await getFile(srv, cw, other.id)).perpetrators[0], theirs, 'the other case changed');
    });

    it('a per_id that is not an integer is refused', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const edit = clone(before1);
      edit.perpetrators[0].per_id = String(edit.perpetrators[0].per_id);
      assertFieldError(await putFile(srv, cw, c.id, edit), 'perpetrators[0].per_id');
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });
  });

  describe('concurrent edits', () => {
    it('two clients read version N: the first PUT wins, the second gets 409 and nothing of it is saved', async () => {
      const { c } = await newFile();
      const a = await getFile(srv, cw, c.id);
      const b = await getFile(srv, mgr, c.id);
      assert.equal(a.version, b.version);
      a.prs_MailingCity = 'Chiang Mai';
      a.comments = [{ com_CaseComment: 'from A' }];
      const ra = await putFile(srv, cw, c.id, a);
      assert.equal(ra.status, 200, ra.text);
      assert.equal(ra.json.version, a.version + 1);
      const afterA = await getFile(srv, cw, c.id);

      b.prs_MailingCity = 'Pattaya';
      b.prs_Gender = 'Feminine';
      b.comments = [{ com_CaseComment: 'from B' }];
      const rb = await putFile(srv, mgr, c.id, b);
      assertApiError(rb, 409, 'stale PUT');
      const got = await getFile(srv, cw, c.id);
      assert.deepEqual(got, afterA, 'the stale PUT changed the file');
      assert.equal(got.prs_MailingCity, 'Chiang Mai');
      assert.equal(got.prs_Gender, undefined);
      assert.deepEqual(got.comments.map((x) => x.com_CaseComment), ['from A']);

      // B reloads and applies its change on top: accepted
      const b2 = await getFile(srv, mgr, c.id);
      b2.prs_Gender = 'Feminine';
      const rb2 = await putFile(srv, mgr, c.id, b2);
      assert.equal(rb2.status, 200, rb2.text);
      assert.equal(rb2.json.prs_MailingCity, 'Chiang Mai');
      assert.equal(rb2.json.prs_Gender, 'Feminine');
    });

    it('two PUTs of the same version at the same moment: exactly one is saved', async () => {
      const { c } = await newFile();
      for (let round = 0; round < 5; round++) {
        const base = await getFile(srv, cw, c.id);
        const a = { ...clone(base), prs_MailingState: `A${round}` };
        const b = { ...clone(base), prs_MailingState: `B${round}` };
        const [ra, rb] = await Promise.all([putFile(srv, cw, c.id, a), putFile(srv, mgr, c.id, b)]);
        const statuses = [ra.status, rb.status].sort();
        assert.deepEqual(statuses, [200, 409], `round ${round}: ${ra.status} ${ra.text} / ${rb.status} ${rb.text}`);
        const got = await getFile(srv, cw, c.id);
        assert.equal(got.version, base.version + 1);
        assert.equal(got.prs_MailingState, ra.status === 200 ? `A${round}` : `B${round}`);
      }
    });

    it('the case-level PATCH and the file share the version', async () => {
      const { c } = await newFile();
      const f = await getFile(srv, cw, c.id);
      const p = await srv.api('PATCH', `/api/v1/cases/${c.id}`, { session: mgr, body: { status: 'FollowUp', version: f.version } });
      assert.equal(p.status, 200, p.text);
      f.prs_MailingCity = 'Hat Yai';
      assertApiError(await putFile(srv, cw, c.id, f), 409, 'PUT after PATCH');
      const got = await getFile(srv, cw, c.id);
      assert.equal(got.cas_Status, 'FollowUp');
      assert.equal(got.prs_MailingCity, undefined);
    });
  });

  it('a case of another office: 404 for file and screening, as for a case that does not exist', async () => {
    const { c } = await newFile();
    const gone = await srv.api('GET', '/api/v1/cases/999999/file', { session: bog });
    assertApiError(gone, 404);
    for (const p of [`/api/v1/cases/${c.id}/file`, `/api/v1/cases/${c.id}/screening`]) {
      const r = await srv.api('GET', p, { session: bog });
      assertApiError(r, 404, p);
      assert.equal(r.json.error, gone.json.error);
    }
  });
});
