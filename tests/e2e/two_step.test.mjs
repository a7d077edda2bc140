/*
 * two_step.test.mjs - two-step verification in the browser: the demo
 * caseworker sets it up from the account page by scanning the QR code
 * (decoded here from a screenshot by zbarimg, as a phone would read it),
 * confirms it with the app's code, logs out, and logs in again with the
 * password and a code; a wrong code is refused as a wrong password.
 * With JavaScript and without.
 *
 *   CTM_BIN=/abs/path/to/ctm node --test --test-concurrency=1 tests/e2e/two_step.test.mjs
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, logIn, norm, startDemoServer, submitAndWait, watch } from './lib.mjs';
import { base32, totpCode, totpStep } from '../common.mjs';

const T_TEST = 120_000;

/* What zbarimg reads in a PNG: the QR code's text. */
function zbar(png) {
  return new Promise((resolve, reject) => {
    execFile('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', png],
      { timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`zbarimg found no QR code: ${err.message}\n${stderr}`));
        else resolve(stdout.trim());
      });
  });
}

function flow(javaScriptEnabled) {
  return async () => {
    const srv = await startDemoServer();
    const ctx = await launch(javaScriptEnabled);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctm-e2e-qr-'));
    try {
      const page = ctx.pages()[0] ?? await ctx.newPage();
      const w = watch(page, srv.base);
      await logIn(page, w, srv, 'caseworker');
      await page.goto(`${srv.base}/account`, { waitUntil: 'load' });
      assert.equal(await page.locator('svg.totp-qr').count(), 0, 'no QR code before set-up');
      await submitAndWait(page, w, 'set up two-step verification',
        () => page.locator('form:has(input[value="totp-start"]) button[type="submit"]').click(),
        (u) => u.pathname === '/account');

      /* The key as typed, and as the QR code carries it. */
      const typed = norm(await page.locator('code.totp-key').innerText()).replace(/ /g, '');
      assert.match(typed, /^[A-Z2-7]{32}$/);
      const png = path.join(dir, 'qr.png');
      await page.locator('svg.totp-qr').screenshot({ path: png });
      const uri = new URL(await zbar(png));
      assert.equal(uri.protocol, 'otpauth:');
      assert.equal(uri.host, 'totp');
      assert.equal(decodeURIComponent(uri.pathname), '/ctm:caseworker');
      assert.equal(uri.searchParams.get('secret'), typed, 'the QR code holds the key shown');
      assert.equal(uri.searchParams.get('issuer'), 'ctm');
      const key = base32(typed);

      /* Confirmed with the app's code: the QR code is gone. */
      await page.fill('#totp-confirm-code', totpCode(key, totpStep()));
      await submitAndWait(page, w, 'turn two-step verification on',
        () => page.locator('form:has(input[value="totp-confirm"]) button[type="submit"]').click(),
        (u) => u.pathname === '/account');
      assert.match(norm(await page.locator('#two-step').innerText()), /Two-step verification is on/);
      assert.equal(await page.locator('svg.totp-qr').count(), 0, 'no QR code once on');
      assert.equal(await page.locator('code.totp-key').count(), 0, 'no key once on');

      await submitAndWait(page, w, 'log out',
        () => page.locator('form[action="/logout"] button').click(), (u) => u.pathname !== '/account');

      /* A wrong code: the same answer as a wrong password. */
      await page.goto(`${srv.base}/login`, { waitUntil: 'load' });
      await page.fill('#username', 'caseworker');
      await page.fill('#password', srv.passwords.get('caseworker'));
      const good = totpCode(key, totpStep());
      await page.fill('#code', good === '000000' ? '111111' : '000000');
      w.expect('POST', '/login', 401);
      await submitAndWait(page, w, 'log in with a wrong code',
        () => page.locator('form[action="/login"] button[type="submit"]').click(),
        (u) => u.pathname === '/login');
      assert.match(norm(await page.locator('main').innerText()), /Invalid username, password or code/);

      /* The right one: in. (The code of the next step, since the one of
       * this step may have been used to confirm.) */
      await page.fill('#username', 'caseworker');
      await page.fill('#password', srv.passwords.get('caseworker'));
      await page.fill('#code', totpCode(key, totpStep(1)));
      await submitAndWait(page, w, 'log in with the code',
        () => page.locator('form[action="/login"] button[type="submit"]').click(),
        (u) => u.pathname === '/dashboard');
      assert.deepEqual(w.problems, [], 'console errors, CSP violations, page errors or failed requests');
    } finally {
      await ctx.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
      await srv.stop();
    }
  };
}

test('two-step verification with a QR code (JavaScript on)', { timeout: T_TEST }, flow(true));
test('two-step verification with a QR code (JavaScript off)', { timeout: T_TEST }, flow(false));
