/*
 * casefile_screening.test.mjs - the Palermo Protocol screening through the
 * API: GET /api/v1/cases/{id}/screening after PUT of the file's
 * "screening"; the truth table of act/means/purpose × adult/child; the
 * proposed status; confirming and overriding the proposal.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, createCase, getFile, putFile, saveFile, getScreening, assertFieldError,
} from './lib.mjs';

const clone = (v) => JSON.parse(JSON.stringify(v));
const ELEMENTS = ['act', 'means', 'purpose'];

describe('screening', () => {
  let srv, cw, mgr, es;

  before(async () => {
    srv = await startServer({
      extraUsers: [{ username: 'caseworker.es', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker-ES-77a1c0d2' }],
    });
    cw = await srv.login('caseworker.bkk');
    mgr = await srv.login('manager.bkk');
    es = await srv.login('caseworker.es');
    const r = await srv.api('PATCH', '/api/v1/me', { session: es, body: { lang: 'es' } });
    assert.equal(r.status, 200, r.text);
  });
  after(async () => { if (srv) await srv.stop(); });

  async function caseWithScreening(screening, extra = {}) {
    const c = await createCase(srv, cw);
    const f = await getFile(srv, cw, c.id);
    await saveFile(srv, cw, c.id, { ...f, ...extra, screening });
    return c;
  }

  function checkShape(s) {
    for (const k of ['act', 'means', 'purpose', 'missing', 'reasons']) {
      assert.ok(Array.isArray(s[k]), `${k} is not an array: ${JSON.stringify(s)}`);
    }
    assert.equal(typeof s.child, 'boolean');
    assert.equal(typeof s.meets_definition, 'boolean');
    assert.ok(s.reasons.length > 0, 'no reasons given');
    for (const r of s.reasons) assert.ok(typeof r === 'string' && r.length > 0);
  }

  it('adult with act + means + purpose: meets the definition, proposes ActualVictimOfTrafficking', async () => {
    const c = await caseWithScreening({
      act: ['Recruitment'], means: ['Deception'], purpose: ['ForcedLabourOrServices'], age_at_act: 30,
    });
    const s = await getScreening(srv, cw, c.id);
    checkShape(s);
    assert.deepEqual(s.act, ['Recruitment']);
    assert.deepEqual(s.means, ['Deception']);
    assert.deepEqual(s.purpose, ['ForcedLabourOrServices']);
    assert.equal(s.child, false);
    assert.equal(s.meets_definition, true);
    assert.deepEqual(s.missing, []);
    assert.equal(s.proposed_status, 'ActualVictimOfTrafficking');
    assert.equal(s.decision, undefined, 'no decision taken yet');
  });

  it('child (16) with act + purpose and no means: meets the definition', async () => {
    const c = await caseWithScreening({ act: ['Harbouring'], purpose: ['SexualExploitation'], age_at_act: 16 });
    const s = await getScreening(srv, cw, c.id);
    checkShape(s);
    assert.equal(s.child, true);
    assert.deepEqual(s.means, []);
    assert.equal(s.meets_definition, true);
    assert.deepEqual(s.missing, []);
    assert.equal(s.proposed_status, 'ActualVictimOfTrafficking');
  });

  it('adult with act + purpose and no means: not met, missing ["means"]', async () => {
    const c = await caseWithScreening({ act: ['Recruitment'], purpose: ['ForcedLabourOrServices'], age_at_act: 25 });
    const s = await getScreening(srv, cw, c.id);
    checkShape(s);
    assert.equal(s.child, false);
    assert.equal(s.meets_definition, false);
    assert.deepEqual(s.missing, ['means']);
    assert.equal(s.proposed_status, 'PossibleVictimOfTrafficking');
  });

  it('age unknown counts as an adult: means required', async () => {
    const c = await caseWithScreening({ act: ['Recruitment'], purpose: ['ForcedLabourOrServices'] });
    const s = await getScreening(srv, cw, c.id);
    assert.equal(s.child, false);
    assert.equal(s.meets_definition, false);
    assert.deepEqual(s.missing, ['means']);
  });

  it('an empty screening: nothing met, all three missing, NotAVictimOfTrafficking', async () => {
    const c = await createCase(srv, cw);
    const s = await getScreening(srv, cw, c.id);
    checkShape(s);
    assert.equal(s.meets_definition, false);
    assert.deepEqual(s.missing, ['act', 'means', 'purpose']);
    assert.equal(s.proposed_status, 'NotAVictimOfTrafficking');
  });

  it('the truth table: act/means/purpose present or absent × adult/child', async () => {
    const c = await createCase(srv, cw);
    const items = { act: ['Transfer'], means: ['ThreatOrUseOfForce'], purpose: ['Servitude'] };
    for (const age of [35, 17, 18]) {
      const child = age < 18;
      for (let mask = 0; mask < 8; mask++) {
        const has = { act: !!(mask & 1), means: !!(mask & 2), purpose: !!(mask & 4) };
        const scr = { age_at_act: age };
        for (const el of ELEMENTS) if (has[el]) scr[el] = items[el];
        const f = await getFile(srv, cw, c.id);
        const r = await putFile(srv, cw, c.id, { ...f, screening: scr });
        assert.equal(r.status, 200, `age ${age} mask ${mask}: ${r.status} ${r.text}`);
        const s = await getScreening(srv, cw, c.id);
        const label = `age ${age}, ${JSON.stringify(has)}`;
        const meets = has.act && has.purpose && (has.means || child);
        assert.equal(s.child, child, label);
        assert.equal(s.meets_definition, meets, label);
        const missing = ELEMENTS.filter((el) => !has[el] && !(el === 'means' && child));
        assert.deepEqual(s.missing, missing, label);
        assert.equal(s.proposed_status, meets ? 'ActualVictimOfTrafficking'
          : mask ? 'PossibleVictimOfTrafficking' : 'NotAVictimOfTrafficking', label);
      }
    }
  });

  it('"Other" purpose counts only with a description', async () => {
    const base = { act: ['Receipt'], means: ['Fraud'], age_at_act: 40 };
    let c = await caseWithScreening({ ...base, purpose: ['Other'] });
    let s = await getScreening(srv, cw, c.id);
    assert.equal(s.meets_definition, false);
    assert.deepEqual(s.missing, ['purpose']);
    c = await caseWithScreening({ ...base, purpose: ['Other'], evidence: { Other: 'Forced to carry drugs across the border.' } });
    s = await getScreening(srv, cw, c.id);
    assert.equal(s.meets_definition, true);
  });

  it('reasons follow the user\'s language', async () => {
    const c = await caseWithScreening({ act: ['Recruitment'], purpose: ['ForcedLabourOrServices'], age_at_act: 25 });
    const en = await getScreening(srv, cw, c.id);
    const sp = await getScreening(srv, es, c.id);
    assert.equal(sp.reasons.length, en.reasons.length);
    assert.notDeepEqual(sp.reasons, en.reasons, 'reasons were not translated for a Spanish user');
    assert.deepEqual(sp.missing, en.missing, 'codes do not depend on the language');
    assert.equal(sp.proposed_status, en.proposed_status);
  });

  describe('decision', () => {
    let c;
    const scr = { act: ['Recruitment'], means: ['Abduction'], purpose: ['RemovalOfOrgans'], age_at_act: 28 };

    before(async () => { c = await caseWithScreening(scr); });

    it('overriding the proposal without a reason: 400 at screening.decision, nothing saved', async () => {
      const before1 = await getFile(srv, cw, c.id);
      for (const reason of [undefined, '', '   ']) {
        const f = clone(before1);
        f.screening.decision = { final_status: 'PossibleVictimOfTrafficking' };
        if (reason !== undefined) f.screening.decision.reason = reason;
        f.prs_MailingCity = 'Udon Thani';
        assertFieldError(await putFile(srv, cw, c.id, f), 'screening.decision', `reason ${JSON.stringify(reason)}`);
        assert.deepEqual(await getFile(srv, cw, c.id), before1);
      }
    });

    it('an unknown final status is refused', async () => {
      const before1 = await getFile(srv, cw, c.id);
      const f = clone(before1);
      f.screening.decision = { final_status: 'Victim', reason: 'x' };
      assertFieldError(await putFile(srv, cw, c.id, f), 'screening.decision');
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });

    it('overriding with a reason is saved; GET shows both the proposal and the final status', async () => {
      const f = await getFile(srv, cw, c.id);
      const reason = 'The organ removal was consensual surgery abroad; no exploitation established.';
      f.screening.decision = { final_status: 'PossibleVictimOfTrafficking', reason };
      await saveFile(srv, cw, c.id, f);
      const s = await getScreening(srv, cw, c.id);
      assert.equal(s.proposed_status, 'ActualVictimOfTrafficking');
      assert.equal(s.meets_definition, true);
      assert.equal(s.decision?.proposed_status, 'ActualVictimOfTrafficking');
      assert.equal(s.decision?.final_status, 'PossibleVictimOfTrafficking');
      assert.equal(s.decision?.overridden, true);
      assert.equal(s.decision?.reason, reason);
      assert.equal(s.decision?.decided_by, cw.user.id);
      const file = await getFile(srv, cw, c.id);
      assert.deepEqual(file.screening.decision, s.decision);
      // saved again unchanged: the decision keeps who took it and when
      const again = await saveFile(srv, mgr, c.id, file);
      assert.deepEqual(again.screening.decision, s.decision);
      assert.equal(again.version, file.version);
    });

    it('confirming the proposal needs no reason', async () => {
      const f = await getFile(srv, cw, c.id);
      f.screening.decision = { final_status: 'ActualVictimOfTrafficking' };
      await saveFile(srv, mgr, c.id, f);
      const s = await getScreening(srv, cw, c.id);
      assert.equal(s.decision?.final_status, 'ActualVictimOfTrafficking');
      assert.equal(s.decision?.proposed_status, 'ActualVictimOfTrafficking');
      assert.equal(s.decision?.overridden, false);
      assert.equal(s.decision?.decided_by, mgr.user.id);
    });

    it('after the interview changes, the old decision does not silently become an override without reason', async () => {
      // decision "Actual" confirmed above; now the means are withdrawn, so
      // the proposal becomes "Possible" while the client sends the old
      // decision back unchanged.
      const f = await getFile(srv, cw, c.id);
      assert.equal(f.screening.decision?.final_status, 'ActualVictimOfTrafficking');
      f.screening.means = [];
      const r = await putFile(srv, cw, c.id, f);
      if (r.status === 400) {
        assertFieldError(r, 'screening.decision');
        return;
      }
      assert.equal(r.status, 200, r.text);
      const s = await getScreening(srv, cw, c.id);
      assert.equal(s.proposed_status, 'PossibleVictimOfTrafficking');
      if (s.decision) {
        assert.equal(s.decision.proposed_status, s.proposed_status,
          `the kept decision names a proposal that is no longer made: ${JSON.stringify(s.decision)}`);
        if (s.decision.final_status !== s.proposed_status) {
          assert.ok(s.decision.overridden && s.decision.reason.trim(), 'an override without reason was kept');
        }
      }
    });
  });

  it('the age from the victim section stands in for the interview; confirming its proposal needs no reason', async () => {
    // 16 when trafficked, given only in the victim section
    const c = await caseWithScreening({ act: ['Recruitment'], purpose: ['ForcedLabourOrServices'] },
      { vic_AgeWhenTrafficked: '16' });
    const s = await getScreening(srv, cw, c.id);
    assert.equal(s.child, true);
    assert.equal(s.meets_definition, true);
    assert.equal(s.proposed_status, 'ActualVictimOfTrafficking');
    const f = await getFile(srv, cw, c.id);
    f.screening.decision = { final_status: s.proposed_status };
    const r = await putFile(srv, cw, c.id, f);
    assert.equal(r.status, 200, `confirming the proposal shown by GET .../screening: ${r.status} ${r.text}`);
    const s2 = await getScreening(srv, cw, c.id);
    assert.equal(s2.decision?.proposed_status, 'ActualVictimOfTrafficking');
    assert.equal(s2.decision?.overridden, false);
  });

  describe('bad screening input: 400 at the screening path, nothing saved', () => {
    let c;
    before(async () => {
      c = await caseWithScreening({ act: ['Recruitment'], means: ['Fraud'], purpose: ['Servitude'], age_at_act: 30 },
        { vic_AgeWhenTrafficked: '30' });
    });
    for (const [name, mutate, path] of [
      ['an unknown act', (s) => { s.act = ['Kidnapping']; }, 'screening.act'],
      ['a repeated means', (s) => { s.means = ['Fraud', 'Fraud']; }, 'screening.means'],
      ['act given as a string', (s) => { s.act = 'Recruitment'; }, 'screening.act'],
      ['an age that is not a whole number', (s) => { s.age_at_act = 'sixteen'; }, 'screening.age_at_act'],
      ['a negative age', (s) => { s.age_at_act = -1; }, 'screening.age_at_act'],
      ['an age contradicting vic_AgeWhenTrafficked', (s) => { s.age_at_act = 16; }, 'screening.age_at_act'],
      ['evidence for an item not present', (s) => { s.evidence = { Abduction: 'taken from the street' }; }, 'screening.evidence.Abduction'],
      ['an unknown consent answer', (s) => { s.consent = 'Maybe'; }, 'screening.consent'],
      ['an unknown key', (s) => { s.victim = true; }, 'screening.victim'],
      ['an over-long answer', (s) => { s.evidence = { Fraud: 'x'.repeat(301) }; }, 'screening.evidence.Fraud'],
    ]) {
      it(name, async () => {
        const before1 = await getFile(srv, cw, c.id);
        const f = clone(before1);
        mutate(f.screening);
        f.prs_MailingCity = 'Krabi';
        assertFieldError(await putFile(srv, cw, c.id, f), path, name);
        assert.deepEqual(await getFile(srv, cw, c.id), before1);
      });
    }
    it('screening that is not an object', async () => {
      const before1 = await getFile(srv, cw, c.id);
      assertFieldError(await putFile(srv, cw, c.id, { ...before1, screening: ['act'] }), 'screening');
      assert.deepEqual(await getFile(srv, cw, c.id), before1);
    });
  });
});
