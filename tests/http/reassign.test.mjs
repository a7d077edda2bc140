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

describe('the office manager is told which cases to reassign', () => {
  let srv;
  let s;
  const EXTRA = [
    { username: 'mover.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Mover-BKK-5e1a7c' },
    { username: 'leaver.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Leaver-BKK-8d2f41' },
    { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-71d0c2' },
  ];

  before(async () => {
    srv = await startServer({ extraUsers: EXTRA });
    s = {};
    for (const u of ['admin', 'manager.bkk', 'manager.bog', 'caseworker.bkk', 'mover.bkk', 'leaver.bkk']) {
      s[u] = await srv.login(u);
    }
  });
  after(async () => { await srv?.stop(); });

  const dashboard = async (who) => {
    const r = await srv.api('GET', '/dashboard', { session: s[who] });
    assert.equal(r.status, 200);
    return r.text;
  };
  const form = (who, path, fields) => srv.api('POST', path, {
    session: s[who], csrf: false,
    body: new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });

  it('lists open cases of a caseworker moved away or disabled, and only those', async () => {
    const moved = await createCase(srv, s['manager.bkk'], { assigned_to: s['mover.bkk'].user.id });
    const left = await createCase(srv, s['manager.bkk'], { assigned_to: s['leaver.bkk'].user.id });
    const closed = await createCase(srv, s['manager.bkk'], { assigned_to: s['leaver.bkk'].user.id });
    const fine = await createCase(srv, s['manager.bkk'], { assigned_to: s['caseworker.bkk'].user.id });
    let r = await srv.api('PATCH', `/api/v1/cases/${closed.id}`,
      { session: s['manager.bkk'], body: { status: 'Closed' } });
    assert.equal(r.status, 200, r.text);
    assert.doesNotMatch(await dashboard('manager.bkk'), /Cases to reassign/);

    r = await form('admin', `/admin/users/${s['mover.bkk'].user.id}`,
      [['action', 'role'], ['role', 'caseworker'], ['office', 'BOG']]);
    assert.ok([302, 303].includes(r.status), `move: ${r.status}`);
    r = await srv.ctm(['user', 'disable', '--db', srv.db, '--username', 'leaver.bkk']);
    assert.equal(r.code, 0, r.stderr);

    const d = await dashboard('manager.bkk');
    const section = d.slice(d.indexOf('Cases to reassign'));
    assert.ok(d.includes('Cases to reassign'), 'no reassignment list');
    assert.match(section, new RegExp(`${moved.case_number}</span></a> · mover\\.bkk \\(now in another office\\)`));
    assert.match(section, new RegExp(`${left.case_number}</span></a> · leaver\\.bkk \\(account disabled\\)`));
    for (const c of [closed, fine]) assert.ok(!d.includes(c.case_number), `${c.case_number} listed`);
    /* Another office's manager and a caseworker are not told. */
    assert.doesNotMatch(await dashboard('manager.bog'), /Cases to reassign/);
    assert.doesNotMatch(await dashboard('caseworker.bkk'), /Cases to reassign/);

    /* Reassigned, the case leaves the list. */
    r = await srv.api('PATCH', `/api/v1/cases/${left.id}`,
      { session: s['manager.bkk'], body: { assigned_to: s['caseworker.bkk'].user.id } });
    assert.equal(r.status, 200, r.text);
    assert.ok(!(await dashboard('manager.bkk')).includes(left.case_number));
  });
});
