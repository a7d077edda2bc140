/*
 * denied_audit.test.mjs - every refusal of a logged-in user is in the
 * audit trail. A handler that refuses with 403 without recording why (a
 * list its role may not read, an action it lacks, a page of another
 * role, a request without its CSRF token) is recorded by the dispatcher
 * as "access.denied": {method, route (the pattern, never the path's id
 * nor its query), reason "role" or "csrf"}. A refusal a handler records
 * itself ("case.view.denied", "transfer.denied", ...) is recorded once,
 * not twice; a request that is not refused records nothing of the kind.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, auditEntries, createCase } from './lib.mjs';

let srv;
const s = {};
let kase;

const detailOf = (e) => (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail);

/* The entries written while fn ran, of user, oldest first (the admin
 * reading them writes no refusal). */
async function during(user, fn) {
  const before = (await auditEntries(srv, s.admin)).reduce((m, e) => Math.max(m, e.id), 0);
  const res = await fn();
  const after = (await auditEntries(srv, s.admin)).filter((e) => e.id > before && e.user === user);
  return { res, entries: after.sort((a, b) => a.id - b.id) };
}

describe('refusals in the audit trail', () => {
  before(async () => {
    srv = await startServer();
    for (const u of ['admin', 'caseworker.bkk', 'manager.bkk', 'researcher', 'pm']) s[u] = await srv.login(u);
    kase = await createCase(srv, s['caseworker.bkk']);
  });
  after(async () => { await srv?.stop(); });

  /* Refusals no handler records: the dispatcher's. */
  const cases = [
    ['researcher', 'GET', '/api/v1/cases', undefined, '/api/v1/cases'],
    ['researcher', 'GET', '/api/v1/cases?q=Malee&status=Active', undefined, '/api/v1/cases'],
    ['caseworker.bkk', 'GET', '/api/v1/audit', undefined, '/api/v1/audit'],
    ['researcher', 'GET', '/fund', undefined, '/fund'],
  ];
  for (const [who, method, path, body, route] of cases) {
    it(`${who} ${method} ${path}: 403, recorded once as access.denied with the route's pattern`, async () => {
      const { res, entries } = await during(who, () => srv.api(method, path, { session: s[who], body }));
      if (res.status !== 403) return assert.fail(`${res.status} ${res.text}`);
      assert.equal(entries.length, 1, JSON.stringify(entries));
      assert.equal(entries[0].action, 'access.denied');
      assert.deepEqual(detailOf(entries[0]), { method, route, reason: 'role' });
      assert.ok(!JSON.stringify(entries[0]).includes('Malee'), 'the query in the trail');
    });
  }

  /* Refusals a handler records itself: once, in its own words. */
  const own = [
    ['caseworker.bkk', 'POST', '/api/v1/projects', { name: 'P', currency: 'USD', budget: '10.00' }, 'project.create.denied'],
    ['caseworker.bkk', 'GET', '/api/v1/users', undefined, 'admin.user.view.denied'],
    ['pm', 'GET', '/admin/users', undefined, 'admin.user.view.denied'],
  ];
  for (const [who, method, path, body, action] of own) {
    it(`${who} ${method} ${path}: 403, recorded once as ${action}`, async () => {
      const { res, entries } = await during(who, () => srv.api(method, path, { session: s[who], body }));
      assert.equal(res.status, 403, res.text);
      assert.deepEqual(entries.map((e) => e.action), [action]);
    });
  }

  it('records a request refused for its missing CSRF token', async () => {
    const { res, entries } = await during('caseworker.bkk', () =>
      srv.api('POST', '/api/v1/cases', { session: s['caseworker.bkk'], body: {}, csrf: false }));
    assert.equal(res.status, 403);
    assert.equal(entries.length, 1, JSON.stringify(entries));
    assert.deepEqual(detailOf(entries[0]), { method: 'POST', route: '/api/v1/cases', reason: 'csrf' });
    /* Nothing was created. */
    assert.ok(!entries.some((e) => e.action === 'case.create'));
  });

  it('keeps a handler\'s own record of a case refused, and adds none', async () => {
    const { res, entries } = await during('researcher', () =>
      srv.api('GET', `/api/v1/cases/${kase.id}`, { session: s.researcher }));
    assert.equal(res.status, 403);
    assert.deepEqual(entries.map((e) => e.action), ['case.view.denied']);
  });

  it('records nothing for a request that is not refused, nor for one without a session', async () => {
    let r = await during('caseworker.bkk', () => srv.api('GET', '/api/v1/cases', { session: s['caseworker.bkk'] }));
    assert.equal(r.res.status, 200);
    assert.ok(!r.entries.some((e) => e.action.endsWith('.denied')), JSON.stringify(r.entries));
    const before = (await auditEntries(srv, s.admin)).length;
    const anon = await srv.api('GET', '/api/v1/cases');
    assert.equal(anon.status, 401);
    /* The admin's reading of the trail adds no entry either. */
    assert.equal((await auditEntries(srv, s.admin)).length, before);
  });

  it('shows the refusal in words on the audit page, and counts it among the refusals', async () => {
    await srv.api('GET', '/api/v1/cases', { session: s.researcher });
    const page = await srv.api('GET', '/admin/audit?action=access.denied', { session: s.admin });
    assert.equal(page.status, 200);
    assert.match(page.text, /Page or action of another role — refused/);
    assert.match(page.text, /Page or endpoint/);
    const dash = await srv.api('GET', '/dashboard', { session: s.admin });
    assert.match(dash.text, /Refusals and failed logins<\/th><td>[1-9]/);
  });
});
