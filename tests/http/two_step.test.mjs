/*
 * two_step.test.mjs - two-step verification (TOTP): set up and confirmed
 * by the user, asked at every login (page and API) with the same answer
 * as a wrong password, a code used once, turned off by the user (password
 * and code) or by an administrator, every change audited, the key never
 * in the audit or the server log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { EN_BAD_LOGIN, USERS, assertApiError, auditEntries, startServer } from './lib.mjs';
import { base32, totpCode, totpStep } from '../common.mjs';

const stepNow = () => totpStep();

describe('two-step verification', () => {
  let srv;
  let admin;
  let cw;
  let key;
  let keyText;
  const name = 'caseworker.bkk';
  const password = USERS[name].password;
  const login = (body) => srv.api('POST', '/api/v1/login', { body: { username: name, password, ...body } });

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin');
    cw = await srv.login(name);
  });
  after(async () => {
    const log = await srv.stop();
    if (keyText) assert.ok(!log.includes(keyText), 'the key reached the server log');
  });

  it('is off until set up; a login needs no code', async () => {
    assert.equal((await srv.api('GET', '/api/v1/me', { session: cw })).json.two_step, 'off');
    assert.equal((await login({})).status, 200);
  });

  it('is set up with a key, and on only once a code confirms it', async () => {
    const s = await srv.api('POST', '/api/v1/me/two-step', { session: cw, body: { action: 'start' } });
    assert.equal(s.status, 200, s.text);
    keyText = s.json.key;
    assert.match(keyText, /^[A-Z2-7]{32}$/);
    assert.equal(s.json.uri, `otpauth://totp/ctm:${name}?secret=${keyText}&issuer=ctm`);
    key = base32(keyText);
    /* Pending: logins still need no code. */
    assert.equal((await srv.api('GET', '/api/v1/me', { session: cw })).json.two_step, 'pending');
    assert.equal((await login({})).status, 200);
    /* The account page shows the key, grouped, while it is pending. */
    const page = await srv.api('GET', '/account', { session: cw });
    assert.ok(page.text.includes(keyText.match(/.{4}/g).join(' ')), 'the page does not show the pending key');
    for (const bad of ['000000', totpCode(key, stepNow() + 5), '12345', 'abcdef', 123456]) {
      const r = await srv.api('POST', '/api/v1/me/two-step', { session: cw, body: { action: 'confirm', code: bad } });
      assert.equal(r.status, 400, `confirmed with ${bad}`);
    }
    assert.equal((await srv.api('GET', '/api/v1/me', { session: cw })).json.two_step, 'pending');
    const ok = await srv.api('POST', '/api/v1/me/two-step',
      { session: cw, body: { action: 'confirm', code: totpCode(key, stepNow()) } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await srv.api('GET', '/api/v1/me', { session: cw })).json.two_step, 'on');
    assert.ok(!(await srv.api('GET', '/account', { session: cw })).text.includes(keyText), 'the key is shown once on');
    const again = await srv.api('POST', '/api/v1/me/two-step', { session: cw, body: { action: 'start' } });
    assertApiError(again, 409);
  });

  it('asks every login for a fresh code, answering a missing or wrong one as a wrong password', async () => {
    /* Four failures: one short of the lock-out (5). */
    for (const body of [{}, { code: '000000' }, { code: totpCode(key, stepNow() - 3) }]) {
      const r = await login(body);
      assertApiError(r, 401);
      assert.equal(r.json.error, EN_BAD_LOGIN);
    }
    const wrongPw = await srv.api('POST', '/api/v1/login',
      { body: { username: name, password: 'not-the-password', code: totpCode(key, stepNow()) } });
    assert.equal(wrongPw.json.error, EN_BAD_LOGIN, 'a right code tells the password is wrong');
    const audit = await auditEntries(srv, admin, `user=${name}&action=login.failed`);
    assert.equal(audit.length, 4, 'failed codes are not counted as failed logins');
    /* A fresh code logs in (the one of the next step: the app's clock
     * may be ahead; the step of now confirmed the key); the same code
     * again does not. */
    const c = totpCode(key, stepNow() + 1);
    assert.equal((await login({ code: c })).status, 200);
    assertApiError(await login({ code: c }), 401);
    /* The page form asks for it too. */
    const form = await srv.api('GET', '/login');
    assert.match(form.text, /name="code"[^>]*autocomplete="one-time-code"/);
  });

  it('turns off only with the password and a code; an administrator can turn it off', async () => {
    for (const body of [{ password }, { password, code: '000000' },
      { password: 'wrong-password-1', code: totpCode(key, stepNow() + 1) }]) {
      const r = await srv.api('POST', '/api/v1/me/two-step', { session: cw, body: { action: 'off', ...body } });
      assertApiError(r, 400);
    }
    assert.equal((await srv.api('GET', '/api/v1/me', { session: cw })).json.two_step, 'on');

    /* An administrator turns it off (a lost phone). */
    const page = await srv.api('GET', `/admin/users/${cw.user.id}`, { session: admin });
    assert.match(page.text, /value="totp-off"/);
    const r = await srv.api('POST', `/admin/users/${cw.user.id}`, {
      session: admin, csrf: false,
      body: new URLSearchParams([['csrf', admin.csrf], ['action', 'totp-off']]).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.ok([302, 303].includes(r.status), `admin: ${r.status}`);
    assert.equal((await srv.api('GET', '/api/v1/me', { session: cw })).json.two_step, 'off');
    assert.equal((await login({})).status, 200, 'a code is still asked once off');

    /* On again with a new key; the user turns it off with password and code. */
    const s = await srv.api('POST', '/api/v1/me/two-step', { session: cw, body: { action: 'start' } });
    const key2 = base32(s.json.key);
    assert.ok(!key2.equals(key), 'the same key twice');
    assert.equal((await srv.api('POST', '/api/v1/me/two-step',
      { session: cw, body: { action: 'confirm', code: totpCode(key2, stepNow()) } })).status, 200);
    assertApiError(await login({}), 401);
    const off = await srv.api('POST', '/api/v1/me/two-step',
      { session: cw, body: { action: 'off', password, code: totpCode(key2, stepNow() + 1) } });
    assert.equal(off.status, 200, off.text);
    assert.equal((await srv.api('GET', '/api/v1/me', { session: cw })).json.two_step, 'off');
    assert.equal((await login({})).status, 200);
    const rows = JSON.stringify(await auditEntries(srv, admin, 'action=account.totp.'))
      + JSON.stringify(await auditEntries(srv, admin, 'action=admin.user.update'));
    for (const a of ['account.totp.start', 'account.totp.on', 'account.totp.off', '"field":"totp"']) {
      assert.ok(rows.includes(a), `no ${a}`);
    }
    assert.ok(!rows.includes(keyText), 'the key is in the audit');
  });
});
