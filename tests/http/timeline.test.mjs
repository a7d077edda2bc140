/*
 * timeline.test.mjs - the steps of a case in order with who and when;
 * the medical officer's view of a case (list and summary, never the
 * file).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { auditEntries, createCase, startServer } from './lib.mjs';

const MEDICAL = { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-2b7f1d' };
const CW2 = { username: 'caseworker2.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker2-BKK-94e0aa' };

describe('the timeline of a case', () => {
  let srv, cw, mgr, admin, pm, bog, researcher, med, cw2;
  let caseId;

  before(async () => {
    srv = await startServer({ extraUsers: [MEDICAL, CW2] });
    cw = await srv.login('caseworker.bkk');
    mgr = await srv.login('manager.bkk');
    admin = await srv.login('admin');
    pm = await srv.login('pm');
    bog = await srv.login('caseworker.bog');
    researcher = await srv.login('researcher');
    med = await srv.login('medical.bkk');
    cw2 = await srv.login('caseworker2.bkk');
    const c = await createCase(srv, mgr, { assigned_to: cw.user.id });
    caseId = c.id;
    const r = await srv.api('PATCH', `/api/v1/cases/${caseId}`, { session: cw, body: { status: 'FollowUp' } });
    assert.equal(r.status, 200, r.text);
  });
  after(async () => { await srv?.stop(); });

  it('lists registration, assignment and status change in order, with who', async () => {
    const r = await srv.api('GET', `/api/v1/cases/${caseId}/timeline`, { session: cw });
    assert.equal(r.status, 200, r.text);
    const kinds = r.json.steps.map((s) => s.kind);
    assert.deepEqual(kinds, ['case.created', 'case.status']);
    assert.equal(r.json.steps[0].by, 'manager.bkk');
    assert.equal(r.json.steps[0].detail.office, 'BKK');
    assert.equal(r.json.steps[1].by, 'caseworker.bkk');
    assert.equal(r.json.steps[1].detail.case_status, 'FollowUp');
    assert.match(r.json.steps[1].recorded_at, /^\d{4}-\d\d-\d\dT/);
  });

  it('is in the user\'s language on the case page', async () => {
    const r = await srv.api('GET', `/cases/${caseId}`, { session: cw, headers: { 'Accept-Language': 'es' } });
    assert.equal(r.status, 200);
    assert.match(r.text, /id="timeline"/);
  });

  it('is refused to other offices and researchers, and audited', async () => {
    for (const s of [bog]) {
      const r = await srv.api('GET', `/api/v1/cases/${caseId}/timeline`, { session: s });
      assert.equal(r.status, 404, r.text);
    }
    const r = await srv.api('GET', `/api/v1/cases/${caseId}/timeline`, { session: researcher });
    assert.equal(r.status, 403, r.text);
    const denied = await auditEntries(srv, admin, `action=case.view.denied&case_id=${caseId}`);
    assert.ok(denied.length >= 2, JSON.stringify(denied));
  });

  it('lets a medical officer list the office\'s cases and open the summary, never the file', async () => {
    const l = await srv.api('GET', '/api/v1/cases', { session: med });
    assert.equal(l.status, 200, l.text);
    assert.ok(l.json.cases.some((c) => c.id === caseId));
    const p = await srv.api('GET', `/cases/${caseId}`, { session: med });
    assert.equal(p.status, 200);
    assert.doesNotMatch(p.text, new RegExp(`/cases/${caseId}/file`));
    const f = await srv.api('GET', `/api/v1/cases/${caseId}/file`, { session: med });
    assert.equal(f.status, 403, f.text);
    const fp = await srv.api('GET', `/cases/${caseId}/file`, { session: med });
    assert.equal(fp.status, 403, 'refused as the API refuses it');
  });
});
