/*
 * reassign.test.mjs - a case keeps its assignee when that person is no
 * longer eligible (disabled, moved): changing the status must not
 * unassign the case or be refused, on the API and on the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createCase, startServer } from './lib.mjs';

describe('an assignee who is no longer eligible', () => {
  let srv;
  let mgr;
  let caseId;
  let uid;

  before(async () => {
    srv = await startServer();
    mgr = await srv.login('manager.bkk');
    const cw = await srv.login('caseworker.bkk');
    uid = cw.user.id;
    const c = await createCase(srv, mgr, { assigned_to: uid });
    caseId = c.id;
    const r = await srv.ctm(['user', 'disable', '--db', srv.db, '--username', 'caseworker.bkk']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => { await srv?.stop(); });

  it('the API changes the status and keeps the assignee', async () => {
    const r = await srv.api('PATCH', `/api/v1/cases/${caseId}`,
      { session: mgr, body: { status: 'FollowUp', assigned_to: uid } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'FollowUp');
    assert.equal(r.json.assigned_to, uid);
  });

  it('assigning the same ineligible person afresh to another case is refused', async () => {
    const other = await createCase(srv, mgr);
    const r = await srv.api('PATCH', `/api/v1/cases/${other.id}`,
      { session: mgr, body: { assigned_to: uid } });
    assert.equal(r.status, 400);
  });

  it('the case page keeps the current assignee selected', async () => {
    const r = await srv.api('GET', `/cases/${caseId}`, { session: mgr });
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`<option value="${uid}" selected>`));
  });
});
