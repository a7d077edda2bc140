/*
 * headers.test.mjs - security headers on every kind of response,
 * /healthz, keep-alive, cached assets, the login form.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setCookie, parseResponses } from './lib.mjs';

const ASSET = '/assets/pico.min.css';

function assertSecurityHeaders(res, what) {
  const h = res.headers;
  const csp = h['content-security-policy'];
  assert.ok(csp, `${what}: no Content-Security-Policy`);
  assert.ok(!/unsafe-inline/i.test(csp), `${what}: CSP allows unsafe-inline: ${csp}`);
  assert.ok(!/unsafe-eval/i.test(csp), `${what}: CSP allows unsafe-eval: ${csp}`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP without frame-ancestors 'none': ${csp}`);
  assert.match(csp, /default-src/, `${what}: CSP without default-src: ${csp}`);
  assert.equal(String(h['x-content-type-options']).toLowerCase(), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(String(h['referrer-policy']).toLowerCase(), 'no-referrer', `${what}: Referrer-Policy`);
  assert.equal(h['strict-transport-security'], undefined, `${what}: HSTS over plain HTTP`);
}

describe('headers', () => {
  let srv, cw;
  before(async () => {
    srv = await startServer();
    cw = await srv.login('caseworker.bkk');
  });
  after(async () => { if (srv) await srv.stop(); });

  it('/healthz: 200 {"status":"ok"} without a session', async () => {
    const r = await srv.api('GET', '/healthz');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.deepEqual(r.json, { status: 'ok' });
    assertSecurityHeaders(r, '/healthz');
  });

  it('security headers on HTML pages', async () => {
    const r = await srv.api('GET', '/login');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/html; ?charset=utf-8/i);
    assertSecurityHeaders(r, 'GET /login');
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>\s*\S/i.test(r.text), 'inline script in /login');
    assert.ok(!/<[^>]+\son[a-z]+\s*=/i.test(r.text), 'inline event handler in /login');
    assert.ok(!/<[^>]+\sstyle\s*=/i.test(r.text), 'inline style attribute in /login (blocked by the CSP)');
  });

  it('security headers on JSON responses', async () => {
    const r = await srv.api('GET', '/api/v1/me', { session: cw });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assertSecurityHeaders(r, 'GET /api/v1/me');
    const cc = String(r.headers['cache-control'] ?? '');
    assert.match(cc, /no-store/, `API responses with user data must not be cached: ${cc}`);
    const l = await srv.tryLogin('caseworker.bkk', srv.users['caseworker.bkk'].password);
    assertSecurityHeaders(l, 'POST /api/v1/login');
    const c = setCookie(l, 'ctm_session');
    srv.secret(c?.value);
    srv.secret(l.json?.csrf_token);
  });

  it('security headers on error responses', async () => {
    const cases = [
      ['GET', '/api/v1/cases', {}, 401],
      ['GET', '/api/v1/nope', { session: cw }, 404],
      ['GET', '/no/such/page', {}, 404],
      ['DELETE', '/api/v1/cases', { session: cw, body: {} }, 405],
      ['POST', '/api/v1/cases', { session: cw, body: {}, csrf: false }, 403],
      ['POST', '/api/v1/cases', { session: cw, body: '{' }, 400],
      ['POST', '/api/v1/login', { body: { username: 'nobody.here', password: 'pw-nothing-here' } }, 401],
    ];
    for (const [m, p, o, status] of cases) {
      const r = await srv.api(m, p, o);
      assert.equal(r.status, status, `${m} ${p}: ${r.status}`);
      assertSecurityHeaders(r, `${m} ${p} (${status})`);
    }
  });

  it('assets: 200 with ETag and a year of caching, 304 on If-None-Match', async () => {
    const r = await srv.api('GET', ASSET);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/css/);
    assert.ok(r.raw.length > 1000, 'pico.min.css is suspiciously small');
    assertSecurityHeaders(r, ASSET);
    const etag = r.headers.etag;
    assert.ok(etag, 'no ETag');
    assert.match(etag, /^(W\/)?"[^"]+"$/, `malformed ETag ${etag}`);
    assert.match(String(r.headers['cache-control']), /max-age=31536000/);

    const again = await srv.api('GET', ASSET);
    assert.equal(again.headers.etag, etag, 'ETag not stable');

    const nm = await srv.api('GET', ASSET, { headers: { 'If-None-Match': etag } });
    assert.equal(nm.status, 304);
    assert.equal(nm.raw.length, 0, '304 with a body');
    assert.equal(nm.headers.etag, etag);
    assertSecurityHeaders(nm, `${ASSET} (304)`);

    const other = await srv.api('GET', ASSET, { headers: { 'If-None-Match': '"not-the-etag"' } });
    assert.equal(other.status, 200);
    assert.equal(other.raw.length, r.raw.length);

    const missing = await srv.api('GET', '/assets/no-such-file.css');
    assert.equal(missing.status, 404);
    assertSecurityHeaders(missing, 'missing asset');
  });

  it('the login form: username, password, hidden csrf matched by a ctm_pre cookie', async () => {
    const r = await srv.api('GET', '/login');
    assert.equal(r.status, 200);
    assert.match(r.text, /<form[^>]*method="post"/i);
    assert.match(r.text, /<input[^>]*name="username"/);
    assert.match(r.text, /<input[^>]*type="password"[^>]*name="password"|<input[^>]*name="password"[^>]*type="password"/);
    const m = /<input[^>]*type="hidden"[^>]*name="csrf"[^>]*value="([^"]+)"|<input[^>]*name="csrf"[^>]*value="([^"]+)"/.exec(r.text);
    assert.ok(m, 'no hidden csrf field');
    const pre = setCookie(r, 'ctm_pre');
    assert.ok(pre, 'no ctm_pre cookie');
    assert.equal(pre.attrs.httponly, true, 'ctm_pre not HttpOnly');
    assert.equal(String(pre.attrs.samesite).toLowerCase(), 'strict');
    assert.ok(r.text.includes(`href="${ASSET}`), 'the page does not use the asset');
  });

  it('keep-alive: two requests over one connection are both answered', async () => {
    const c = await srv.rawConnect();
    try {
      const req = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n\r\n`;
      await c.write(req);
      const first = await c.responses(1, 5000);
      assert.equal(first.length, 1, `no first response: ${JSON.stringify(c.text())}`);
      assert.equal(first[0].status, 200);
      assert.doesNotMatch(String(first[0].headers.connection ?? ''), /close/i, 'server closes after one request');
      assert.equal(c.closed, false, 'connection closed after the first response');

      await c.write(req.replace('/healthz', ASSET));
      const both = await c.responses(2, 5000);
      assert.equal(both.length, 2, `no second response on the same connection: ${JSON.stringify(c.text().slice(0, 300))}`);
      assert.equal(both[1].status, 200);
      assert.match(String(both[1].headers['content-type']), /^text\/css/);

      await c.write(req);
      const three = await c.responses(3, 5000);
      assert.equal(three.length, 3);
      assert.deepEqual(JSON.parse(three[2].body), { status: 'ok' });
    } finally {
      c.close();
    }
  });

  it('keep-alive: pipelined requests are answered in order', async () => {
    const c = await srv.rawConnect();
    try {
      const a = `GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`;
      const b = `GET ${ASSET} HTTP/1.1\r\nHost: x\r\n\r\n`;
      await c.write(a + b);
      const rs = await c.responses(2, 5000);
      assert.equal(rs.length, 2, JSON.stringify(c.text().slice(0, 300)));
      assert.equal(rs[0].status, 200);
      assert.equal(rs[1].status, 200);
      assert.match(String(rs[1].headers['content-type']), /^text\/css/);
    } finally {
      c.close();
    }
  });

  it('HTTP/1.0 without keep-alive gets one answer and a close', async () => {
    const text = await srv.rawRequest('GET /healthz HTTP/1.0\r\n\r\n');
    const { responses } = parseResponses(Buffer.from(text, 'latin1'), true);
    assert.equal(responses.length, 1);
    assert.equal(responses[0].status, 200);
  });
});
