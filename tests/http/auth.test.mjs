/*
 * auth.test.mjs - login, wrong credentials, lockout, logout, disabled
 * accounts, idle and absolute session expiry.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, setCookie, sessionCookieValue, assertApiError, sleep, EN_BAD_LOGIN,
} from './lib.mjs';

describe('login and logout', () => {
  let srv;
  before(async () => {
    srv = await startServer({
      extraUsers: [
        { username: 'lock.me', role: 'caseworker', office: 'BKK', password: 'pw-Lock-Me-0042aa' },
        { username: 'leaving.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Leaving-BKK-77ee' },
      ],
    });
  });
  after(async () => { if (srv) await srv.stop(); });

  it('logs in with the right password', async () => {
    const res = await srv.tryLogin('caseworker.bkk', srv.users['caseworker.bkk'].password);
    assert.equal(res.status, 200, res.text);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(typeof res.json.csrf_token, 'string');
    assert.ok(res.json.csrf_token.length >= 32, 'csrf token too short');
    srv.secret(res.json.csrf_token);

    const u = res.json.user;
    assert.equal(u.username, 'caseworker.bkk');
    assert.equal(u.role, 'caseworker');
    assert.equal(u.office, 'BKK');
    assert.equal(typeof u.id, 'number');
    assert.ok('lang' in u, 'user.lang missing');
    assert.ok(!('password' in u) && !JSON.stringify(res.json).includes('argon2'), 'login leaks a hash');

    const c = setCookie(res, 'ctm_session');
    assert.ok(c, 'no ctm_session cookie');
    srv.secret(c.value);
    assert.match(c.value, /^[0-9a-f]{64,}$/i, 'session cookie is not >= 256 bits of hex');
    assert.equal(c.attrs.httponly, true, 'cookie not HttpOnly');
    assert.equal(String(c.attrs.samesite).toLowerCase(), 'strict', 'cookie not SameSite=Strict');
    assert.equal(c.attrs.path, '/', 'cookie Path is not /');

    const me = await srv.api('GET', '/api/v1/me', { session: { cookie: `ctm_session=${c.value}` } });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.username, 'caseworker.bkk');
  });

  it('gives each login a new session and token', async () => {
    const a = await srv.login('manager.bkk');
    const b = await srv.login('manager.bkk');
    assert.notEqual(a.value, b.value);
    assert.notEqual(a.csrf, b.csrf);
  });

  it('answers wrong password and unknown user identically (401)', async () => {
    const wrong = await srv.tryLogin('caseworker.bkk', 'pw-not-the-right-one');
    const unknown = await srv.tryLogin('no.such.user', 'pw-not-the-right-one');
    assertApiError(wrong, 401);
    assertApiError(unknown, 401);
    assert.equal(wrong.json.error, EN_BAD_LOGIN);
    assert.equal(wrong.text, unknown.text, 'bodies differ: user existence leaks');
    assert.equal(sessionCookieValue(wrong), null, 'failed login set a session cookie');
    assert.equal(sessionCookieValue(unknown), null, 'failed login set a session cookie');
    srv.secret('pw-not-the-right-one');
  });

  it('rejects requests without a session or with a forged cookie (401)', async () => {
    assertApiError(await srv.api('GET', '/api/v1/me'), 401);
    assertApiError(await srv.api('GET', '/api/v1/cases'), 401);
    const forged = { cookie: `ctm_session=${'ab'.repeat(32)}` };
    assertApiError(await srv.api('GET', '/api/v1/me', { session: forged }), 401);
    assertApiError(await srv.api('GET', '/api/v1/me', { session: { cookie: 'ctm_session=' } }), 401);
  });

  it('locks a username after 5 failures, even for the right password (429)', async () => {
    const pw = srv.users['lock.me'].password;
    for (let i = 1; i <= 5; i++) {
      const r = await srv.tryLogin('lock.me', `pw-wrong-attempt-${i}`);
      assertApiError(r, 401, `failure ${i}:`);
      srv.secret(`pw-wrong-attempt-${i}`);
    }
    const locked = await srv.tryLogin('lock.me', pw);
    assertApiError(locked, 429, 'right password while locked:');
    assert.equal(sessionCookieValue(locked), null, 'locked login set a cookie');
    const again = await srv.tryLogin('lock.me', pw);
    assertApiError(again, 429, 'second attempt while locked:');

    // The lock is for that username: others from the same address still get in.
    await srv.login('caseworker.bog');
  });

  it('logout ends the session (then 401)', async () => {
    const s = await srv.login('caseworker.bkk');
    assert.equal((await srv.api('GET', '/api/v1/me', { session: s })).status, 200);
    const out = await srv.api('POST', '/api/v1/logout', { session: s });
    assert.equal(out.status, 200, out.text);
    assert.deepEqual(out.json, { ok: true });
    assertApiError(await srv.api('GET', '/api/v1/me', { session: s }), 401, 'after logout:');
    assertApiError(await srv.api('GET', '/api/v1/cases', { session: s }), 401, 'after logout:');
    assertApiError(await srv.api('POST', '/api/v1/cases', { session: s, body: {} }), 401, 'after logout:');
  });

  it('logout of one session leaves the user\'s other sessions alone', async () => {
    const a = await srv.login('manager.bkk');
    const b = await srv.login('manager.bkk');
    assert.equal((await srv.api('POST', '/api/v1/logout', { session: a })).status, 200);
    assert.equal((await srv.api('GET', '/api/v1/me', { session: a })).status, 401);
    assert.equal((await srv.api('GET', '/api/v1/me', { session: b })).status, 200);
  });

  it('a disabled user cannot log in', async () => {
    await srv.login('leaving.bkk');
    const r = await srv.ctm(['user', 'disable', '--db', srv.db, '--username', 'leaving.bkk']);
    assert.equal(r.code, 0, r.stderr);
    const res = await srv.tryLogin('leaving.bkk', srv.users['leaving.bkk'].password);
    assertApiError(res, 401, 'disabled user:');
    assert.equal(sessionCookieValue(res), null);
  });
});

describe('idle expiry (--session-idle 2)', () => {
  let srv;
  before(async () => { srv = await startServer({ sessionIdle: 2 }); });
  after(async () => { if (srv) await srv.stop(); });

  it('a session used within the idle time stays valid', async () => {
    const s = await srv.login('caseworker.bkk');
    for (let i = 0; i < 4; i++) {
      await sleep(800);
      const r = await srv.api('GET', '/api/v1/me', { session: s });
      assert.equal(r.status, 200, `touch ${i}: ${r.status} ${r.text}`);
    }
  });

  it('a session idle for 3 s answers 401', async () => {
    const s = await srv.login('caseworker.bkk');
    assert.equal((await srv.api('GET', '/api/v1/me', { session: s })).status, 200);
    await sleep(3200);
    assertApiError(await srv.api('GET', '/api/v1/me', { session: s }), 401, 'after idle:');
    // Expired stays expired, and a new login works.
    assertApiError(await srv.api('GET', '/api/v1/me', { session: s }), 401, 'after idle (again):');
    const fresh = await srv.login('caseworker.bkk');
    assert.equal((await srv.api('GET', '/api/v1/me', { session: fresh })).status, 200);
  });
});

describe('absolute expiry (--session-max 3)', () => {
  let srv;
  before(async () => { srv = await startServer({ sessionIdle: 2, sessionMax: 3 }); });
  after(async () => { if (srv) await srv.stop(); });

  it('ends a session in use after its maximum lifetime', async () => {
    const t0 = Date.now();
    const s = await srv.login('caseworker.bkk');
    const t1 = Date.now(); // the session was created in [t0, t1]
    const seen = [];
    let firstExpired = null;
    while (Date.now() - t1 < 5000) {
      await sleep(800); // well inside the 2 s idle limit
      const sent = Date.now();
      const r = await srv.api('GET', '/api/v1/me', { session: s });
      const at = Date.now();
      seen.push({ sent: sent - t0, at: at - t0, status: r.status });
      if (r.status === 200) {
        assert.equal(firstExpired, null, `session came back after expiring: ${JSON.stringify(seen)}`);
        assert.ok(sent - t1 < 4100, `session still valid ${sent - t1} ms after login: ${JSON.stringify(seen)}`);
      } else {
        assertApiError(r, 401, 'expired session:');
        assert.ok(at - t0 >= 2000, `session ended early, idle expiry? ${JSON.stringify(seen)}`);
        if (firstExpired === null) firstExpired = at;
      }
    }
    assert.ok(firstExpired !== null, `session never expired: ${JSON.stringify(seen)}`);
    assert.ok(seen.some((x) => x.status === 200), 'session never worked');
    const fresh = await srv.login('caseworker.bkk');
    assert.equal((await srv.api('GET', '/api/v1/me', { session: fresh })).status, 200);
  });
});
