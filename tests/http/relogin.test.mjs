/*
 * relogin.test.mjs - logging in from a browser or client whose session is
 * still alive: the API login needs no token of the old session, and the
 * old session ends (one client, one session), for the API and the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { USERS, sessionCookieValue, startServer } from './lib.mjs';

describe('login from a live session', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  const me = (session) => srv.api('GET', '/api/v1/cases', { session });

  it('the API login answers 200 without the old session\'s token, and ends that session', async () => {
    const old = await srv.login('caseworker.bkk');
    assert.equal((await me(old)).status, 200);
    const name = 'caseworker.bkk';
    const r = await srv.api('POST', '/api/v1/login', {
      session: old, csrf: false, body: { username: name, password: USERS[name].password },
    });
    assert.equal(r.status, 200, r.text);
    const value = sessionCookieValue(r);
    assert.ok(value && value !== old.value, 'a new session');
    const fresh = { cookie: `ctm_session=${value}`, value, csrf: r.json.csrf_token };
    assert.equal((await me(fresh)).status, 200, 'the new session works');
    assert.equal((await me(old)).status, 401, 'the old session has ended');
  });

  it('a wrong password from a live session changes nothing', async () => {
    const old = await srv.login('caseworker.bkk');
    const r = await srv.api('POST', '/api/v1/login', {
      session: old, csrf: false, body: { username: 'caseworker.bkk', password: 'not-the-password-at-all' },
    });
    assert.equal(r.status, 401);
    assert.equal((await me(old)).status, 200, 'the old session lives on');
  });

  it('the login page from a live session ends the old one too', async () => {
    const old = await srv.login('manager.bkk');
    /* A login form left open in another tab (with a session, /login
     * leads to the dashboard). */
    assert.equal((await srv.api('GET', '/login', { session: old })).status, 303);
    const form = await srv.api('GET', '/login');
    assert.equal(form.status, 200);
    const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(form.text)?.[1];
    assert.ok(csrf, 'the login form carries a token');
    const pre = (form.headers['set-cookie'] ?? []).map((c) => /^ctm_pre=([^;]*)/.exec(c)?.[1]).find(Boolean);
    const cookie = [old.cookie, pre ? `ctm_pre=${pre}` : null].filter(Boolean).join('; ');
    const body = new URLSearchParams({ csrf, username: 'manager.bkk', password: USERS['manager.bkk'].password }).toString();
    const r = await srv.api('POST', '/login', {
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body,
    });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const value = sessionCookieValue(r);
    assert.ok(value && value !== old.value, 'a new session');
    assert.equal((await me(old)).status, 401, 'the old session has ended');
  });
});
