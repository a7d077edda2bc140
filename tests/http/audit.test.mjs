/*
 * audit.test.mjs - logins, views, denied views, changes and lockouts are
 * written to the audit; GET /api/v1/audit filters them and is admin-only.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertApiError, createCase, getCase, auditEntries } from './lib.mjs';

/* The entry's user as a name: a string, or {username} if the server
 * nests it. */
function userOf(e) {
  if (e.user && typeof e.user === 'object') return e.user.username ?? null;
  return e.user ?? null;
}

/* detail as an object (the server may store it as a JSON string). */
function detailOf(e) {
  if (typeof e.detail === 'string') {
    try { return JSON.parse(e.detail); } catch { return e.detail; }
  }
  return e.detail;
}

describe('audit', () => {
  let srv, admin, cw, bog, mgr;
  let caseId;
  const WRONG_PW = 'pw-Typed-Wrongly-9a8b7c';
  const TYPED_UNKNOWN = 'No.Such.Person';

  before(async () => {
    srv = await startServer({
      extraUsers: [{ username: 'lock.audit', role: 'caseworker', office: 'BOG', password: 'pw-Lock-Audit-5e5e5e' }],
    });
    srv.secret(WRONG_PW);

    // The actions the audit must show.
    admin = await srv.login('admin');
    cw = await srv.login('caseworker.bkk');
    bog = await srv.login('caseworker.bog');
    mgr = await srv.login('manager.bkk');
    assert.equal((await srv.tryLogin('caseworker.bkk', WRONG_PW)).status, 401);
    assert.equal((await srv.tryLogin(TYPED_UNKNOWN, WRONG_PW)).status, 401);
    for (let i = 0; i < 5; i++) await srv.tryLogin('lock.audit', WRONG_PW);
    assert.equal((await srv.tryLogin('lock.audit', srv.users['lock.audit'].password)).status, 429);

    ({ id: caseId } = await createCase(srv, cw));
    await getCase(srv, cw, caseId);
    assert.equal((await srv.api('GET', '/api/v1/cases', { session: cw })).status, 200);
    assert.equal((await srv.api('GET', `/api/v1/cases/${caseId}`, { session: bog })).status, 404);
    assert.equal((await srv.api('PATCH', `/api/v1/cases/${caseId}`,
      { session: bog, body: { status: 'Closed' } })).status, 404);
    const up = await srv.api('PATCH', `/api/v1/cases/${caseId}`, { session: cw, body: { status: 'FollowUp' } });
    assert.equal(up.status, 200, up.text);
    const as = await srv.api('PATCH', `/api/v1/cases/${caseId}`,
      { session: mgr, body: { assigned_to: cw.user.id } });
    assert.equal(as.status, 200, as.text);
    const bye = await srv.login('pm');
    assert.equal((await srv.api('POST', '/api/v1/logout', { session: bye })).status, 200);
  });
  after(async () => { if (srv) await srv.stop(); });

  it('entries have the documented shape, with the client address', async () => {
    const r = await srv.api('GET', '/api/v1/audit', { session: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(typeof r.json.total, 'number');
    assert.ok(r.json.entries.length > 0);
    for (const e of r.json.entries) {
      for (const k of ['id', 'at', 'user', 'ip', 'action', 'case_id', 'object', 'detail']) {
        assert.ok(k in e, `entry lacks ${k}: ${JSON.stringify(e)}`);
      }
      assert.equal(typeof e.action, 'string');
      assert.ok(!Number.isNaN(Date.parse(e.at)), `bad time ${e.at}`);
    }
    const all = await auditEntries(srv, admin);
    assert.ok(all.some((e) => e.ip === '127.0.0.1'), 'no entry from 127.0.0.1');
    for (const e of all.filter((x) => x.action.startsWith('login.') || x.action.startsWith('case.'))) {
      assert.equal(e.ip, '127.0.0.1', `entry without the client address: ${JSON.stringify(e)}`);
    }
  });

  it('logins: login.ok, login.failed with the username as typed, login.locked, logout', async () => {
    const all = await auditEntries(srv, admin);
    const ok = all.filter((e) => e.action === 'login.ok');
    for (const u of ['admin', 'caseworker.bkk', 'caseworker.bog', 'manager.bkk', 'pm']) {
      assert.ok(ok.some((e) => userOf(e) === u), `no login.ok for ${u}`);
    }
    const failed = all.filter((e) => e.action === 'login.failed');
    assert.ok(failed.some((e) => JSON.stringify(e).includes(TYPED_UNKNOWN)),
      `no login.failed naming ${TYPED_UNKNOWN}: ${JSON.stringify(failed)}`);
    assert.ok(failed.some((e) => JSON.stringify(e).includes('caseworker.bkk')),
      'no login.failed for caseworker.bkk');
    assert.ok(failed.filter((e) => JSON.stringify(e).includes('lock.audit')).length >= 5,
      'fewer than 5 login.failed for lock.audit');
    assert.ok(all.some((e) => e.action === 'login.locked' && JSON.stringify(e).includes('lock.audit')),
      'no login.locked for lock.audit');
    assert.ok(all.some((e) => e.action === 'logout' && userOf(e) === 'pm'), 'no logout row');
  });

  it('never records a password or a session token', async () => {
    const text = JSON.stringify(await auditEntries(srv, admin));
    for (const u of Object.values(srv.users)) assert.ok(!text.includes(u.password), 'a password in the audit');
    assert.ok(!text.includes(WRONG_PW), 'a typed password in the audit');
    for (const s of [admin, cw, bog, mgr]) {
      assert.ok(!text.includes(s.value), 'a session cookie in the audit');
      assert.ok(!text.includes(s.csrf), 'a CSRF token in the audit');
    }
  });

  it('case.create, case.list, case.view, case.view.denied, case.update.denied', async () => {
    const all = await auditEntries(srv, admin);
    const find = (action, user) => all.filter((e) => e.action === action && userOf(e) === user);
    assert.ok(find('case.create', 'caseworker.bkk').some((e) => e.case_id === caseId), 'no case.create');
    assert.ok(find('case.list', 'caseworker.bkk').length >= 1, 'no case.list');
    assert.ok(find('case.view', 'caseworker.bkk').some((e) => e.case_id === caseId), 'no case.view');
    assert.ok(find('case.view.denied', 'caseworker.bog').some((e) => e.case_id === caseId),
      'no case.view.denied with the case id for the other office');
    assert.ok(!find('case.view', 'caseworker.bog').some((e) => e.case_id === caseId),
      'a denied view logged as case.view');
    assert.ok(find('case.update.denied', 'caseworker.bog').some((e) => e.case_id === caseId),
      'no case.update.denied for the other office\'s PATCH');
  });

  it('case.update: one row per changed field with {field, old, new}', async () => {
    const rows = (await auditEntries(srv, admin, `case=${caseId}&action=case.update`))
      .filter((e) => e.action === 'case.update');
    const st = rows.map(detailOf).find((d) => d?.field === 'status');
    assert.ok(st, `no status change row: ${JSON.stringify(rows)}`);
    assert.equal(st.old, 'Active');
    assert.equal(st.new, 'FollowUp');
    const st2 = rows.find((e) => detailOf(e)?.field === 'status');
    assert.equal(userOf(st2), 'caseworker.bkk');

    const asg = rows.find((e) => detailOf(e)?.field === 'assigned_to');
    assert.ok(asg, 'no assigned_to change row');
    assert.equal(userOf(asg), 'manager.bkk');
    const d = detailOf(asg);
    assert.equal(d.old, null);
    assert.ok(d.new === cw.user.id || d.new === String(cw.user.id) || d.new === 'caseworker.bkk',
      `assigned_to new value: ${JSON.stringify(d.new)}`);
    assert.equal(rows.length, 2, `expected exactly 2 case.update rows: ${JSON.stringify(rows)}`);
  });

  it('filters: user, case, action prefix, time', async () => {
    const byUser = await auditEntries(srv, admin, 'user=caseworker.bog');
    assert.ok(byUser.length > 0);
    for (const e of byUser) assert.equal(userOf(e), 'caseworker.bog', JSON.stringify(e));
    assert.ok(byUser.some((e) => e.action === 'case.view.denied'));

    const byCase = await auditEntries(srv, admin, `case=${caseId}`);
    for (const e of byCase) assert.equal(e.case_id, caseId, JSON.stringify(e));
    const actions = new Set(byCase.map((e) => e.action));
    for (const a of ['case.create', 'case.view', 'case.view.denied', 'case.update']) {
      assert.ok(actions.has(a), `case filter lacks ${a}`);
    }

    const views = await auditEntries(srv, admin, 'action=case.view');
    assert.ok(views.length > 0);
    for (const e of views) assert.ok(e.action.startsWith('case.view'), e.action);
    assert.ok(views.some((e) => e.action === 'case.view') && views.some((e) => e.action === 'case.view.denied'),
      'action filter is not a prefix match');

    const logins = await auditEntries(srv, admin, 'action=login.');
    const la = new Set(logins.map((e) => e.action));
    assert.ok(la.has('login.ok') && la.has('login.failed'));
    for (const a of la) assert.ok(a.startsWith('login.'), a);

    const combo = await auditEntries(srv, admin, `user=caseworker.bkk&case=${caseId}&action=case.view`);
    assert.ok(combo.length >= 1);
    for (const e of combo) {
      assert.equal(userOf(e), 'caseworker.bkk');
      assert.equal(e.case_id, caseId);
      assert.ok(e.action.startsWith('case.view'));
    }

    const future = encodeURIComponent(new Date(Date.now() + 86400_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    const past = encodeURIComponent('2000-01-01T00:00:00Z');
    assert.equal((await auditEntries(srv, admin, `from=${future}`)).length, 0, 'from= in the future matched');
    assert.equal((await auditEntries(srv, admin, `to=${past}`)).length, 0, 'to= in 2000 matched');
    const window = await auditEntries(srv, admin, `from=${past}&to=${future}&case=${caseId}`);
    assert.equal(window.length, byCase.length);

    const nobody = await auditEntries(srv, admin, 'user=nobody.at.all');
    assert.equal(nobody.length, 0);
  });

  it('paging', async () => {
    const r1 = await srv.api('GET', '/api/v1/audit?page=1&per_page=1', { session: admin });
    const r2 = await srv.api('GET', '/api/v1/audit?page=2&per_page=1', { session: admin });
    assert.equal(r1.status, 200);
    assert.equal(r1.json.entries.length, 1);
    assert.ok(r1.json.total > 1);
    assert.equal(r2.json.entries.length, 1);
    assert.notEqual(r1.json.entries[0].id, r2.json.entries[0].id);
  });

  it('is for admins only (403), and not for anonymous callers (401)', async () => {
    for (const u of ['caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'pm', 'researcher']) {
      const s = await srv.login(u);
      assertApiError(await srv.api('GET', '/api/v1/audit', { session: s }), 403, `${u}:`);
      assertApiError(await srv.api('GET', `/api/v1/audit?case=${caseId}`, { session: s }), 403, `${u}:`);
    }
    assertApiError(await srv.api('GET', '/api/v1/audit'), 401);
  });

  it('is append-only through the API', async () => {
    const before = await auditEntries(srv, admin);
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const p of ['/api/v1/audit', `/api/v1/audit/${before[0].id}`]) {
        const r = await srv.api(m, p, { session: admin, body: {} });
        assert.ok([404, 405].includes(r.status), `${m} ${p}: ${r.status}`);
      }
    }
    const after = await auditEntries(srv, admin);
    const byId = new Map(after.map((e) => [e.id, e]));
    for (const e of before) assert.deepEqual(byId.get(e.id), e, `audit entry ${e.id} changed or vanished`);
  });
});
