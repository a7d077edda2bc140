/*
 * users_api.test.mjs - accounts in the JSON API (GET /api/v1/users,
 * GET /api/v1/users/{id}, POST /api/v1/users/{id}/grants), beside the
 * user page /admin/users/{id}:
 *
 *   - every role but the administrator is refused, with the exact
 *     status (403 whether or not the account exists), audited, and
 *     nothing changes;
 *   - an administrator's grant of health records or case access works,
 *     takes effect, and is audited exactly as the page's;
 *   - nobody grants themselves case access or health records, through
 *     the page or the API: the same message, the same audit row, and
 *     nothing changes (not even the other grant asked with it);
 *   - bad bodies are refused with the field named, and change nothing;
 *   - no password hash, two-step secret or session in any answer.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertApiError, auditEntries, createCase, runCtm } from './lib.mjs';

const EXTRA = [
  { username: 'admin2', role: 'admin', office: 'HQ', password: 'pw-Admin2-HQ-u5e7c1a9b3' },
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-9d3f61' },
];
const SELF_MSG = 'You cannot grant case access to yourself: another administrator, or the command line, can.';
const HEALTH_SELF_MSG = 'You cannot grant access to health records to yourself: another administrator, or the command line, can.';
const ROLE_MSG = "Only an administrator's account can be granted case access.";
const ADMIN_MSG = 'Only administrators can manage accounts and offices.';
const ACCOUNT_KEYS = ['case_access', 'created_at', 'disabled', 'failed_logins', 'health_access', 'id', 'lang',
  'locked_until', 'office', 'role', 'username'];
const MISSING = 987654;

let srv;
const s = {};
let bkkCase;

const call = (who, method, p, body) => srv.api(method, p, { session: s[who], body });
const get = (who, p) => call(who, 'GET', p);
const grants = (who, id, body) => call(who, 'POST', `/api/v1/users/${id}/grants`, body);
const id = (who) => s[who].user.id;
const detailOf = (e) => (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail);

function postForm(who, urlPath, fields) {
  const body = new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString();
  return srv.api('POST', urlPath, {
    session: s[who], body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

/* Audit rows with exactly this action (read by admin2, oldest first). */
async function audited(action) {
  return (await auditEntries(srv, s.admin2, `action=${action}`)).filter((e) => e.action === action)
    .sort((a, b) => a.id - b.id);
}

/* Every account as the API lists it, by username. */
async function accounts() {
  const r = await get('admin2', '/api/v1/users');
  assert.equal(r.status, 200, r.text);
  return Object.fromEntries(r.json.users.map((u) => [u.username, u]));
}

before(async () => {
  srv = await startServer({ extraUsers: EXTRA });
  for (const u of ['admin', 'admin2', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'pm', 'researcher',
    'medical.bkk']) {
    s[u] = await srv.login(u);
  }
  bkkCase = await createCase(srv, s['caseworker.bkk'], { assigned_to: id('caseworker.bkk') });
});
after(async () => { await srv?.stop(); });

describe('the accounts API', () => {
  it('lists every account to an administrator, without any secret', async () => {
    /* A two-step secret pending for caseworker.bkk: it must not show. */
    const ts = await call('caseworker.bkk', 'POST', '/api/v1/me/two-step', { action: 'start' });
    assert.equal(ts.status, 200, ts.text);
    srv.secret(ts.json.key);

    const r = await get('admin', '/api/v1/users');
    assert.equal(r.status, 200, r.text);
    const names = r.json.users.map((u) => u.username).sort();
    assert.deepEqual(names, Object.keys(srv.users).sort());
    for (const u of r.json.users) {
      assert.deepEqual(Object.keys(u).sort(), ACCOUNT_KEYS, `keys of ${u.username}`);
      assert.equal(u.role, srv.users[u.username].role, u.username);
      assert.equal(u.office, srv.users[u.username].office, u.username);
      assert.equal(u.health_access, false);
      assert.equal(u.case_access, false);
      assert.equal(u.disabled, false);
    }
    assert.equal(r.json.users.find((u) => u.username === 'caseworker.bkk').id, id('caseworker.bkk'));

    const one = await get('admin', `/api/v1/users/${id('caseworker.bkk')}`);
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(Object.keys(one.json).sort(), [...ACCOUNT_KEYS, 'two_step'].sort());
    assert.equal(one.json.username, 'caseworker.bkk');
    assert.equal(one.json.two_step, 'pending');

    for (const text of [r.text, one.text]) {
      assert.doesNotMatch(text, /\$argon2|pwhash|secret|token|session/i, 'a secret in the answer');
      assert.ok(!text.includes(ts.json.key), 'the two-step key in the answer');
      for (const who of Object.keys(s)) assert.ok(!text.includes(s[who].value) && !text.includes(s[who].csrf));
    }
    assertApiError(await get('admin', `/api/v1/users/${MISSING}`), 404);
  });

  it('refuses every other role, with 403 whether or not the account exists, audited, changing nothing', async () => {
    const before = await accounts();
    const changes = (await audited('admin.user.update')).length;
    const views = (await audited('admin.user.view.denied')).length;
    const updates = (await audited('admin.user.update.denied')).length;
    const roles = ['caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'pm', 'researcher', 'medical.bkk'];
    for (const who of roles) {
      for (const p of ['/api/v1/users', `/api/v1/users/${id('caseworker.bkk')}`, `/api/v1/users/${MISSING}`]) {
        const e = assertApiError(await get(who, p), 403, `${who} GET ${p}`);
        assert.equal(e.error, ADMIN_MSG);
      }
      for (const target of [id(who), id('admin'), MISSING]) {
        const e = assertApiError(await grants(who, target, { health_access: true, case_access: true }), 403,
          `${who} grants to ${target}`);
        assert.equal(e.error, ADMIN_MSG);
      }
    }
    assert.deepEqual(await accounts(), before, 'a refused grant changed an account');
    assert.equal((await audited('admin.user.update')).length, changes, 'a refused grant was audited as a change');
    const v = await audited('admin.user.view.denied');
    const u = await audited('admin.user.update.denied');
    assert.equal(v.length - views, roles.length * 3, 'refused reads audited');
    assert.equal(u.length - updates, roles.length * 3, 'refused grants audited');
    const mine = u.filter((e) => e.user === 'pm').map((e) => e.object);
    assert.deepEqual(mine.slice(-3), [`user:${id('pm')}`, `user:${id('admin')}`, `user:${MISSING}`]);
    /* The page refuses them the same way, and audits it the same way. */
    const page = await postForm('manager.bkk', `/admin/users/${id('manager.bkk')}`, [['action', 'health-grant']]);
    assert.equal(page.status, 403);
    assert.equal((await audited('admin.user.update.denied')).length, u.length + 1);
    assert.equal((await accounts())['manager.bkk'].health_access, false);
    /* The health records stay closed to the caseworker. */
    assertApiError(await get('caseworker.bkk', `/api/v1/cases/${bkkCase.id}/health`), 403);
  });

  it('grants and revokes health records: it takes effect, audited exactly as the page does', async () => {
    const target = id('caseworker.bkk');
    assertApiError(await get('caseworker.bkk', `/api/v1/cases/${bkkCase.id}/health`), 403);
    const r = await grants('admin', target, { health_access: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.health_access, true);
    assert.equal(r.json.case_access, false);
    assert.equal(r.json.id, target);
    assert.equal((await get('caseworker.bkk', `/api/v1/cases/${bkkCase.id}/health`)).status, 200);
    /* The page says so. */
    const page = await get('admin2', `/admin/users/${target}`);
    assert.match(page.text, /value="health-revoke"/);

    let rows = (await audited('admin.user.update')).filter((e) => e.object === `user:${target}`);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].user, 'admin');
    assert.deepEqual(detailOf(rows[0]), { field: 'health_access', old: false, new: true });

    /* Asked again: nothing to change, nothing audited. */
    assert.equal((await grants('admin', target, { health_access: true })).status, 200);
    assert.equal((await audited('admin.user.update')).filter((e) => e.object === `user:${target}`).length, 1);

    /* The page's revocation writes the same row, the other way. */
    const pr = await postForm('admin2', `/admin/users/${target}`, [['action', 'health-revoke']]);
    assert.equal(pr.status, 303, pr.text);
    rows = (await audited('admin.user.update')).filter((e) => e.object === `user:${target}`);
    assert.equal(rows.length, 2);
    assert.equal(rows[1].user, 'admin2');
    assert.deepEqual(detailOf(rows[1]), { field: 'health_access', old: true, new: false });
    assertApiError(await get('caseworker.bkk', `/api/v1/cases/${bkkCase.id}/health`), 403);
    assert.equal((await get('admin', `/api/v1/users/${target}`)).json.health_access, false);
  });

  it('grants case access to another administrator, and takes it back', async () => {
    const target = id('admin2');
    assertApiError(await get('admin2', '/api/v1/cases'), 403);
    const r = await grants('admin', target, { case_access: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.case_access, true);
    const list = await get('admin2', '/api/v1/cases');
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.cases.some((c) => c.id === bkkCase.id));
    let rows = (await audited('admin.user.update')).filter((e) => e.object === `user:${target}`);
    assert.deepEqual(rows.map((e) => [e.user, detailOf(e)]), [['admin', { field: 'case_access', old: false, new: true }]]);
    /* An administrator who holds it may let it go themselves. */
    const off = await grants('admin2', target, { case_access: false });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.json.case_access, false);
    assertApiError(await get('admin2', '/api/v1/cases'), 403);
    rows = (await audited('admin.user.update')).filter((e) => e.object === `user:${target}`);
    assert.deepEqual(detailOf(rows[rows.length - 1]), { field: 'case_access', old: true, new: false });
  });

  it('refuses one\'s own case access as the page does: 403, the same message and audit row, nothing changed', async () => {
    const me = id('admin');
    const changes = (await audited('admin.user.update')).length;
    const denied0 = (await audited('admin.user.update.denied')).filter((e) => e.user === 'admin').length;

    /* Both grants asked at once: the refusal of one keeps the other. */
    const r = await grants('admin', me, { health_access: true, case_access: true });
    const e = assertApiError(r, 403);
    assert.equal(e.error, SELF_MSG);
    assert.deepEqual(e.fields, { case_access: SELF_MSG, health_access: HEALTH_SELF_MSG });
    const acc = (await get('admin2', `/api/v1/users/${me}`)).json;
    assert.equal(acc.case_access, false);
    assert.equal(acc.health_access, false, 'the health grant asked beside it was made');
    assertApiError(await get('admin', '/api/v1/cases'), 403);

    /* The page refuses it with the same words. */
    const page = await postForm('admin', `/admin/users/${me}`, [['action', 'case-access'], ['case_access', '1']]);
    assert.equal(page.status, 400);
    assert.ok(page.text.replace(/&#39;/g, "'").includes(SELF_MSG));

    assert.equal((await audited('admin.user.update')).length, changes, 'audited as a change');
    const denied = (await audited('admin.user.update.denied')).filter((x) => x.user === 'admin');
    /* The API's two refusals (one row a field), then the page's one. */
    assert.equal(denied.length, denied0 + 3);
    const [api1, api2, pg] = denied.slice(-3);
    assert.deepEqual([api1, api2].map((x) => [x.object, detailOf(x).field]).sort(),
      [[`user:${me}`, 'case_access'], [`user:${me}`, 'health_access']]);
    const api = [api1, api2].find((x) => detailOf(x).field === 'case_access');
    assert.deepEqual([pg.object, detailOf(pg)], [api.object, detailOf(api)], 'the page and the API audit alike');
  });

  it('refuses one\'s own health records grant, on the API and the page, changing nothing', async () => {
    const me = id('admin2');
    const before = (await get('admin', `/api/v1/users/${me}`)).json;
    assert.equal(before.health_access, false);
    const denied0 = (await audited('admin.user.update.denied')).filter((x) => x.user === 'admin2').length;

    const e = assertApiError(await grants('admin2', me, { health_access: true }), 403);
    assert.equal(e.error, HEALTH_SELF_MSG);
    assert.deepEqual(e.fields, { health_access: HEALTH_SELF_MSG });
    const page = await postForm('admin2', `/admin/users/${me}`, [['action', 'health-grant']]);
    assert.equal(page.status, 400);
    assert.ok(page.text.replace(/&#39;/g, "'").includes(HEALTH_SELF_MSG), page.text.slice(0, 300));
    const own = await srv.api('GET', `/admin/users/${me}`, { session: s.admin2 });
    assert.ok(own.text.includes('id="health-self"') && !own.text.includes('value="health-grant"'),
      'the own page offers no grant');
    assert.deepEqual((await get('admin', `/api/v1/users/${me}`)).json, before, 'nothing changed');
    const denied = (await audited('admin.user.update.denied')).filter((x) => x.user === 'admin2');
    assert.equal(denied.length, denied0 + 2);
    for (const d of denied.slice(-2)) assert.deepEqual(detailOf(d), { field: 'health_access' });

    /* Another administrator may grant it, and take it back. */
    assert.equal((await grants('admin', me, { health_access: true })).status, 200);
    assert.equal((await get('admin', `/api/v1/users/${me}`)).json.health_access, true);
    assert.equal((await grants('admin', me, { health_access: false })).status, 200);
  });

  it('grants case access only to an administrator\'s account (400 at case_access), as the page', async () => {
    const target = id('pm');
    const e = assertApiError(await grants('admin', target, { case_access: true }), 400);
    assert.equal(e.error, ROLE_MSG);
    assert.deepEqual(e.fields, { case_access: ROLE_MSG });
    assert.equal((await get('admin', `/api/v1/users/${target}`)).json.case_access, false);
    const d = (await audited('admin.user.update.denied')).filter((x) => x.object === `user:${target}` && x.user === 'admin');
    assert.deepEqual(detailOf(d[d.length - 1]), { field: 'case_access' });
    /* Taking what is not held is no change, and no refusal. */
    const off = await grants('admin', target, { case_access: false });
    assert.equal(off.status, 200, off.text);
  });

  it('refuses bad bodies with the field named, and changes nothing', async () => {
    const target = id('caseworker.bog');
    const before = await accounts();
    const changes = (await audited('admin.user.update')).length;
    let e = assertApiError(await grants('admin', target, { health_access: 'yes' }), 400);
    assert.equal(typeof e.fields?.health_access, 'string');
    e = assertApiError(await grants('admin', target, { health_access: true, case_access: 1 }), 400);
    assert.deepEqual(Object.keys(e.fields), ['case_access']);
    e = assertApiError(await grants('admin', target, { health_access: true, role: 'admin' }), 400);
    assert.deepEqual(Object.keys(e.fields), ['role']);
    assertApiError(await grants('admin', target, {}), 400);
    assertApiError(await grants('admin', target, { health_access: null }), 400);
    assertApiError(await srv.api('POST', `/api/v1/users/${target}/grants`,
      { session: s.admin, body: '[true]' }), 400);
    assertApiError(await grants('admin', MISSING, { health_access: true }), 404);
    /* Without the CSRF token. */
    assertApiError(await srv.api('POST', `/api/v1/users/${target}/grants`,
      { session: s.admin, body: { health_access: true }, csrf: false }), 403);
    assert.deepEqual(await accounts(), before);
    assert.equal((await audited('admin.user.update')).length, changes);
    assert.equal((await call('admin', 'PATCH', `/api/v1/users/${target}`, { health_access: true })).status, 405);
  });

  it('ctm user health-grant goes the same way: one row per change, none when nothing changes', async () => {
    const target = id('researcher');
    const rowsOf = async () => (await audited('admin.user.update')).filter((e) => e.object === `user:${target}`);
    let r = await runCtm(['user', 'health-grant', '--db', srv.db, '--username', 'researcher']);
    assert.equal(r.code, 0, r.stderr);
    r = await runCtm(['user', 'health-grant', '--db', srv.db, '--username', 'researcher']);
    assert.equal(r.code, 0, r.stderr);
    const rows = await rowsOf();
    assert.equal(rows.length, 1);
    assert.match(rows[0].user, /^cli:/);
    assert.deepEqual(detailOf(rows[0]), { field: 'health_access', old: false, new: true });
    assert.equal((await get('admin', `/api/v1/users/${target}`)).json.health_access, true);
    r = await runCtm(['user', 'case-grant', '--db', srv.db, '--username', 'researcher']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /case access is for admin accounts only/);
    assert.equal((await get('admin', `/api/v1/users/${target}`)).json.case_access, false);
  });
});
