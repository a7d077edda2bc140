/*
 * lib.mjs - harness for the HTTP tests: a fresh database and a real
 * `ctm serve` on a free loopback port per test file.
 *
 * Only node built-ins. The binary is $CTM_BIN (set by `make http`), else
 * build/test/ctm relative to the repository.
 *
 *   const srv = await startServer();          // in before()
 *   const s = await srv.login('caseworker.bkk');
 *   const r = await srv.api('POST', '/api/v1/cases', { session: s, body: {} });
 *   await srv.stop();                          // in after(): exit 0, log clean
 *
 * Every password, session cookie and CSRF token the harness sees is
 * remembered; stop() fails if any of them shows up in the server log.
 */
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const CTM_BIN = process.env.CTM_BIN
  ? path.resolve(process.env.CTM_BIN)
  : path.resolve(here, '../../build/test/ctm');

export const OFFICES = [
  { code: 'BKK', name: 'Bangkok', country: 'TH' },
  { code: 'BOG', name: 'Bogota', country: 'CO' },
];

/* Known accounts. Passwords are long and distinctive so that a leak into
 * the server log is found by a plain substring search. */
export const USERS = {
  'caseworker.bkk': { role: 'caseworker', office: 'BKK', password: 'pw-Caseworker-BKK-51c3e9' },
  'manager.bkk': { role: 'office-manager', office: 'BKK', password: 'pw-Manager-BKK-8d02aa17' },
  'caseworker.bog': { role: 'caseworker', office: 'BOG', password: 'pw-Caseworker-BOG-e74b10' },
  pm: { role: 'programme-manager', office: 'HQ', password: 'pw-Programme-HQ-3f9c2d55' },
  researcher: { role: 'researcher', office: 'HQ', password: 'pw-Researcher-HQ-0b6e71c4' },
};

export const EN_BAD_LOGIN = 'Invalid username, password or code.';
export const CASE_STATUSES = ['Active', 'FollowUp', 'Closed', 'ClosedReferred'];
export const MAX_BODY = 1024 * 1024;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Runs `ctm ARGS...`, feeding `input` on stdin. Resolves {code, stdout,
 * stderr}; never rejects on a non-zero exit (callers assert). */
export function runCtm(args, { input, env, timeout = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(CTM_BIN, args, { env: { ...process.env, ...env }, timeout, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`ctm ${args.join(' ')}: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: err ? err.code : 0, stdout, stderr });
      });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

async function mustCtm(args, opts) {
  const r = await runCtm(args, opts);
  assert.equal(r.code, 0, `ctm ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

/* Live servers and temp dirs, cleaned up if the test process exits
 * without stop() (a failed before() hook, a cancelled run). */
const live = new Set();
const tmpDirs = new Set();
process.on('exit', () => {
  for (const c of live) {
    try { c.kill('SIGKILL'); } catch { /* already gone */ }
  }
  if (!process.env.CTM_KEEP_TMP) {
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  }
});

/*
 * Creates a temp dir and database (HQ + admin, offices BKK and BOG, the
 * USERS above plus opts.extraUsers: [{username, role, office, password}]),
 * then starts `ctm serve` on 127.0.0.1:0 and waits for "listening on".
 * opts.sessionIdle / opts.sessionMax (seconds) are passed to serve, and
 * opts.serveArgs (an array) after them.
 */
export async function startServer(opts = {}) {
  if (!fs.existsSync(CTM_BIN)) {
    throw new Error(`ctm binary not found at ${CTM_BIN} (set CTM_BIN)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctm-http-'));
  tmpDirs.add(dir);
  const db = path.join(dir, 'ctm.db');
  const users = { ...USERS };
  const secrets = new Set();

  const init = await mustCtm(['init', '--db', db]);
  const m = /^admin password: (\S+)\s*$/m.exec(init.stdout);
  assert.ok(m, `ctm init printed no admin password line: ${JSON.stringify(init.stdout)}`);
  users.admin = { role: 'admin', office: 'HQ', password: m[1] };

  for (const o of OFFICES) {
    await mustCtm(['office', 'add', '--db', db, '--code', o.code, '--name', o.name, '--country', o.country]);
  }
  for (const u of opts.extraUsers ?? []) {
    users[u.username] = { role: u.role, office: u.office, password: u.password };
  }
  for (const [username, u] of Object.entries(users)) {
    if (username === 'admin') continue;
    await mustCtm(['user', 'add', '--db', db, '--username', username, '--role', u.role,
      '--office', u.office, '--password-stdin'], { input: u.password + '\n' });
  }
  for (const u of Object.values(users)) secrets.add(u.password);
  /* A test's own preparation (say, importing a dataset) before serving. */
  if (opts.setup) await opts.setup(db, mustCtm);

  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0'];
  if (opts.sessionIdle != null) args.push('--session-idle', String(opts.sessionIdle));
  if (opts.sessionMax != null) args.push('--session-max', String(opts.sessionMax));
  if (opts.serveArgs) args.push(...opts.serveArgs);
  const child = spawn(CTM_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);

  let stdout = '';
  let stderr = '';
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      resolve(exited);
    });
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.setEncoding('utf8');

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ctm serve did not print "listening on" within 20 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 20_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const l = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (l) {
        clearTimeout(timer);
        resolve(Number(l[1]));
      }
    });
    exitPromise.then((e) => {
      clearTimeout(timer);
      reject(new Error(`ctm serve exited early (${e.code ?? e.signal})\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
  assert.ok(port > 0, 'serve reported port 0');

  const srv = {
    dir, db, port, users,
    base: `http://127.0.0.1:${port}`,
    get stderr() { return stderr; },
    get exited() { return exited; },

    /* Remember a value that must never appear in the server log. */
    secret(v) { if (v) secrets.add(String(v)); },

    ctm: (a, o) => runCtm(a, o),

    /*
     * One HTTP request on a fresh connection. opts:
     *   session  {cookie, csrf} from login(); sends the cookie, and for
     *            POST/PUT/PATCH/DELETE the X-CSRF-Token header
     *   csrf     false: send no token; a string: send that token
     *   body     object (sent as JSON), string or Buffer (sent as is)
     *   headers  extra request headers
     * Resolves {status, headers (lower-case keys), text, json}; json is
     * undefined when the body is not JSON.
     */
    api(method, urlPath, o = {}) {
      const headers = { Host: `127.0.0.1:${port}`, ...(o.headers ?? {}) };
      if (o.session?.cookie) headers.Cookie = o.session.cookie;
      const changing = !['GET', 'HEAD', 'OPTIONS'].includes(method);
      if (typeof o.csrf === 'string') headers['X-CSRF-Token'] = o.csrf;
      else if (o.csrf !== false && changing && o.session?.csrf) headers['X-CSRF-Token'] = o.session.csrf;
      let payload;
      if (o.body !== undefined) {
        payload = Buffer.isBuffer(o.body) ? o.body
          : typeof o.body === 'string' ? Buffer.from(o.body, 'utf8')
          : Buffer.from(JSON.stringify(o.body), 'utf8');
        if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
          headers['Content-Type'] = 'application/json';
        }
        headers['Content-Length'] = String(payload.length);
      }
      return new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false },
          (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
              const raw = Buffer.concat(chunks);
              const text = raw.toString('utf8');
              let json;
              try { json = JSON.parse(text); } catch { json = undefined; }
              resolve({ status: res.statusCode, headers: res.headers, text, raw, json });
            });
          });
        req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${urlPath}: timeout`)));
        req.on('error', reject);
        req.end(payload);
      });
    },

    /* POST /api/v1/login; returns the raw response. */
    tryLogin(username, password, headers = {}) {
      return srv.api('POST', '/api/v1/login', { body: { username, password }, headers });
    },

    /*
     * Logs in (password defaults to the known one) and asserts 200.
     * Returns {cookie: "ctm_session=...", value, csrf, user, res}.
     */
    async login(username, password = users[username]?.password, headers = {}) {
      assert.ok(password, `no known password for ${username}`);
      const res = await srv.tryLogin(username, password, headers);
      assert.equal(res.status, 200, `login ${username}: ${res.status} ${res.text}`);
      const value = sessionCookieValue(res);
      assert.ok(value, `login ${username}: no ctm_session cookie`);
      assert.equal(typeof res.json?.csrf_token, 'string', 'login: csrf_token missing');
      secrets.add(value);
      secrets.add(res.json.csrf_token);
      return { cookie: `ctm_session=${value}`, value, csrf: res.json.csrf_token, user: res.json.user, res };
    },

    /* Raw bytes over one TCP connection; see rawExchange(). */
    rawRequest(bytes, o) { return rawExchange(port, bytes, o); },
    rawConnect() { return RawConn.open(port); },

    async healthy() {
      const r = await srv.api('GET', '/healthz');
      return r.status === 200 && r.json?.status === 'ok';
    },

    /*
     * SIGTERM, then asserts a clean exit (0), no sanitizer report and no
     * secret in the log. Removes the temp dir (kept when CTM_KEEP_TMP is
     * set). Returns the captured stderr.
     */
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exitPromise;
        clearTimeout(t);
      }
      if (!process.env.CTM_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
      assert.deepEqual(exited, { code: 0, signal: null }, `ctm serve did not exit 0 on SIGTERM\n${stderr}`);
      assert.doesNotMatch(stderr, /ERROR: (Address|Leak|Thread|Memory|Undefined)Sanitizer|runtime error:/,
        'sanitizer report in server log');
      for (const s of secrets) {
        assert.ok(!stderr.includes(s), `server log contains a secret (${s.slice(0, 6)}...)`);
      }
      return stderr;
    },
  };
  return srv;
}

/* The value of the ctm_session cookie set by a response, or null. */
export function sessionCookieValue(res) {
  const c = setCookie(res, 'ctm_session');
  return c ? c.value : null;
}

/*
 * Finds the Set-Cookie header for `name`. Returns {value, attrs, raw}
 * with attrs keys lower-cased ({httponly: true, samesite: 'Strict', ...})
 * or null.
 */
export function setCookie(res, name) {
  let list = res.headers['set-cookie'] ?? [];
  if (!Array.isArray(list)) list = [list];
  for (const raw of list) {
    const parts = raw.split(';').map((p) => p.trim());
    const eq = parts[0].indexOf('=');
    if (eq < 0 || parts[0].slice(0, eq) !== name) continue;
    const attrs = {};
    for (const p of parts.slice(1)) {
      const i = p.indexOf('=');
      if (i < 0) attrs[p.toLowerCase()] = true;
      else attrs[p.slice(0, i).toLowerCase()] = p.slice(i + 1);
    }
    return { value: parts[0].slice(eq + 1), attrs, raw };
  }
  return null;
}

/* Asserts an /api/ error: status, JSON content type, {error: non-empty}. */
export function assertApiError(res, status, msg = '') {
  assert.equal(res.status, status, `${msg} expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/json/,
    `${msg} error content-type: ${res.headers['content-type']}`);
  assert.equal(typeof res.json, 'object', `${msg} error body is not JSON: ${res.text}`);
  assert.ok(res.json !== null && !Array.isArray(res.json), `${msg} error body is not an object`);
  assert.equal(typeof res.json.error, 'string', `${msg} no "error" string: ${res.text}`);
  assert.ok(res.json.error.trim().length > 0, `${msg} empty error message`);
  return res.json;
}

/* ------------------------------------------------------------------ */
/* Raw HTTP over node:net                                              */
/* ------------------------------------------------------------------ */

/*
 * Parses as many complete HTTP/1.x responses as `buf` holds. Returns
 * {responses: [{status, statusLine, headers, body, raw}], rest}. Handles
 * Content-Length, chunked and body-less (1xx/204/304) responses; a
 * response with neither length nor chunking runs to the end of `buf`
 * only when `eof` is set.
 */
export function parseResponses(buf, eof = false) {
  const responses = [];
  let off = 0;
  for (;;) {
    const he = buf.indexOf('\r\n\r\n', off, 'latin1');
    if (he < 0) break;
    const head = buf.subarray(off, he).toString('latin1');
    const lines = head.split('\r\n');
    const sm = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0]);
    if (!sm) break;
    const status = Number(sm[1]);
    const headers = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i > 0) {
        const k = l.slice(0, i).trim().toLowerCase();
        const v = l.slice(i + 1).trim();
        headers[k] = headers[k] != null ? `${headers[k]}, ${v}` : v;
      }
    }
    let p = he + 4;
    let body;
    if ((status >= 100 && status < 200) || status === 204 || status === 304) {
      body = Buffer.alloc(0);
    } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts = [];
      let done = false;
      for (;;) {
        const le = buf.indexOf('\r\n', p, 'latin1');
        if (le < 0) break;
        const size = parseInt(buf.subarray(p, le).toString('latin1'), 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          const te = buf.indexOf('\r\n\r\n', le, 'latin1');
          if (te < 0) break;
          p = te + 4;
          done = true;
          break;
        }
        if (buf.length < le + 2 + size + 2) break;
        parts.push(buf.subarray(le + 2, le + 2 + size));
        p = le + 2 + size + 2;
      }
      if (!done) break;
      body = Buffer.concat(parts);
    } else if (headers['content-length'] != null) {
      const n = Number(headers['content-length']);
      if (buf.length < p + n) break;
      body = buf.subarray(p, p + n);
      p += n;
    } else if (eof) {
      body = buf.subarray(p);
      p = buf.length;
    } else {
      break;
    }
    responses.push({
      status, statusLine: lines[0], headers, body: body.toString('utf8'),
      raw: buf.subarray(off, p).toString('latin1'),
    });
    off = p;
    if (status >= 100 && status < 200) continue;
  }
  return { responses, rest: buf.subarray(off) };
}

/* One client connection for raw tests (keep-alive, malformed input). */
export class RawConn {
  static open(port) {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port }, () => {
        sock.off('error', reject);
        resolve(new RawConn(sock));
      });
      sock.once('error', reject);
    });
  }

  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.closed = false;
    this.error = null;
    this.waiters = new Set();
    sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.wake(); });
    sock.on('error', (e) => { this.error = e; this.wake(); });
    sock.on('close', () => { this.closed = true; this.wake(); });
  }

  wake() { for (const w of this.waiters) w(); }

  /* Resolves when pred() is true, the socket closes, or after ms. */
  waitFor(pred, ms) {
    return new Promise((resolve) => {
      const check = () => {
        if (pred() || this.closed) { done(); return true; }
        return false;
      };
      const done = () => { clearTimeout(t); this.waiters.delete(check); resolve(); };
      const t = setTimeout(done, ms);
      this.waiters.add(check);
      check();
    });
  }

  /* Writes bytes; resolves after they were handed to the kernel, or on
   * an error (the server may close early, e.g. after a 413). */
  write(bytes) {
    return new Promise((resolve) => {
      if (this.closed || this.error) { resolve(false); return; }
      this.sock.write(bytes, (err) => resolve(!err));
    });
  }

  /*
   * Writes a large payload in pieces, stopping as soon as the server
   * answers or closes, so that an early 413 is read rather than lost in
   * a reset. Resolves the number of bytes written.
   */
  async writeSlowly(bytes, piece = 32 * 1024) {
    let sent = 0;
    while (sent < bytes.length) {
      // Let the event loop poll the socket before each write: node
      // destroys a socket on EPIPE, losing a response not yet read.
      await new Promise((r) => setTimeout(r, 1));
      if (this.buf.length > 0 || this.closed || this.error) break;
      const ok = await this.write(bytes.subarray(sent, sent + piece));
      if (!ok) break;
      sent += Math.min(piece, bytes.length - sent);
    }
    return sent;
  }

  /* Waits until `n` complete responses have arrived (or close/timeout);
   * returns the parsed responses so far. */
  async responses(n = 1, ms = 10_000) {
    await this.waitFor(() => parseResponses(this.buf).responses.length >= n, ms);
    return parseResponses(this.buf, this.closed).responses;
  }

  /* Waits for the server to close the connection; true if it did. */
  async waitClose(ms = 5_000) {
    await this.waitFor(() => false, ms);
    return this.closed;
  }

  text() { return this.buf.toString('latin1'); }

  close() { this.sock.destroy(); }
}

/*
 * Sends `bytes` on a new connection and returns the raw response text
 * ('' when the server closed without answering). Returns once one full
 * response has arrived, the server has closed, or after o.timeout ms.
 * o.slow: write in pieces and stop when the server answers (big bodies).
 */
export async function rawExchange(port, bytes, o = {}) {
  const c = await RawConn.open(port);
  try {
    const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1');
    if (o.slow) await c.writeSlowly(b);
    else await c.write(b);
    await c.responses(1, o.timeout ?? 10_000);
    return c.text();
  } finally {
    c.close();
  }
}

/* Status code of the first response in raw text, or null. */
export function rawStatus(text) {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return m ? Number(m[1]) : null;
}

/* ------------------------------------------------------------------ */
/* Small domain helpers                                                */
/* ------------------------------------------------------------------ */

/*
 * A startServer() setup that grants the admin case access (`ctm user
 * case-grant`): an admin has no case content without it, so tests that
 * count or read every office's cases as the admin start the server so.
 */
export async function grantAdminCaseAccess(db, ctm) {
  await ctm(['user', 'case-grant', '--db', db, '--username', 'admin']);
}

/* Total number of cases, as the admin sees them (granted case access:
 * grantAdminCaseAccess). */
export async function caseCount(srv, adminSession) {
  const r = await srv.api('GET', '/api/v1/cases?page=1&per_page=1', { session: adminSession });
  assert.equal(r.status, 200, `admin case list: ${r.status} ${r.text}`);
  assert.equal(typeof r.json.total, 'number');
  return r.json.total;
}

/* All case ids visible to a session (follows the pages). */
export async function listCaseIds(srv, session, query = '') {
  const ids = [];
  for (let page = 1; page < 1000; page++) {
    const sep = query ? '&' : '';
    const r = await srv.api('GET', `/api/v1/cases?${query}${sep}page=${page}&per_page=50`, { session });
    assert.equal(r.status, 200, `case list: ${r.status} ${r.text}`);
    for (const c of r.json.cases) ids.push(c.id);
    if (r.json.cases.length === 0 || ids.length >= r.json.total) break;
  }
  return ids;
}

/* Creates a case; asserts 201 and returns {id, case_number}. */
export async function createCase(srv, session, body = {}) {
  const r = await srv.api('POST', '/api/v1/cases', { session, body });
  assert.equal(r.status, 201, `create case: ${r.status} ${r.text}`);
  assert.equal(typeof r.json?.id, 'number', `create case: no id: ${r.text}`);
  assert.equal(typeof r.json?.case_number, 'string', `create case: no case_number: ${r.text}`);
  return r.json;
}

/* GET /api/v1/cases/{id}; asserts 200 and returns the case. */
export async function getCase(srv, session, id) {
  const r = await srv.api('GET', `/api/v1/cases/${id}`, { session });
  assert.equal(r.status, 200, `get case ${id}: ${r.status} ${r.text}`);
  return r.json;
}

/* All audit entries matching `query` (admin session), following pages. */
export async function auditEntries(srv, adminSession, query = '') {
  const out = [];
  let total = 0;
  for (let page = 1; page < 1000; page++) {
    const sep = query ? '&' : '';
    const r = await srv.api('GET', `/api/v1/audit?${query}${sep}page=${page}&per_page=100`, { session: adminSession });
    assert.equal(r.status, 200, `audit: ${r.status} ${r.text}`);
    assert.ok(Array.isArray(r.json.entries), 'audit: entries is not an array');
    total = r.json.total;
    out.push(...r.json.entries);
    if (r.json.entries.length === 0 || out.length >= total) break;
  }
  assert.equal(out.length, total, 'audit: paging lost entries');
  return out;
}

/* ------------------------------------------------------------------ */
/* Case file helpers (casefile*.test.mjs)                              */
/* ------------------------------------------------------------------ */

/* Today as the server sees it (UTC), "YYYY-MM-DD". */
export function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

/* GET /api/v1/cases/{id}/file; asserts 200 and returns the file. */
export async function getFile(srv, session, id) {
  const r = await srv.api('GET', `/api/v1/cases/${id}/file`, { session });
  assert.equal(r.status, 200, `get file ${id}: ${r.status} ${r.text}`);
  assert.equal(typeof r.json, 'object', `get file ${id}: not JSON: ${r.text}`);
  return r.json;
}

/* PUT /api/v1/cases/{id}/file; returns the raw response. */
export function putFile(srv, session, id, file) {
  return srv.api('PUT', `/api/v1/cases/${id}/file`, { session, body: file });
}

/* PUT that must succeed; returns the saved file. */
export async function saveFile(srv, session, id, file, msg = '') {
  const r = await putFile(srv, session, id, file);
  assert.equal(r.status, 200, `${msg} put file ${id}: ${r.status} ${r.text}`);
  return r.json;
}

/* GET /api/v1/cases/{id}/screening; asserts 200 and returns it. */
export async function getScreening(srv, session, id) {
  const r = await srv.api('GET', `/api/v1/cases/${id}/screening`, { session });
  assert.equal(r.status, 200, `get screening ${id}: ${r.status} ${r.text}`);
  return r.json;
}

/* Asserts a 400 whose "fields" names `path`; returns the fields object. */
export function assertFieldError(res, path, msg = '') {
  const body = assertApiError(res, 400, msg);
  assert.equal(typeof body.fields, 'object', `${msg} 400 without "fields": ${res.text}`);
  assert.ok(body.fields !== null && Object.hasOwn(body.fields, path),
    `${msg} expected an error at "${path}", got ${JSON.stringify(body.fields)}`);
  assert.equal(typeof body.fields[path], 'string');
  assert.ok(body.fields[path].trim().length > 0, `${msg} empty message at ${path}`);
  return body.fields;
}

/*
 * A realistic case file filled in every section, on top of `file` (as
 * GET returned it). The dates fit together: born April 1990, recruited
 * in Colombia in June 2023 at 33, transit through Panama in July,
 * exploited in Thailand from August 2023, identified in January 2024.
 * who: {first, second, phone} to vary the person.
 */
export function realisticFile(file, who = {}) {
  const first = who.first ?? 'José María';
  const second = who.second ?? 'Pérez';
  const phone = who.phone ?? '+573001234567';
  return {
    ...file,
    prs_FirstName: first,
    prs_SecondName: second,
    prs_Birthdate: '1990-04',
    prs_Gender: 'Masculine',
    prs_MaritalStatus: 'Single',
    prs_NumberOfChildren: '2',
    prs_PrimaryLanguage: 'es',
    prs_SecondaryLanguage: 'en',
    prs_HighestLevelOfEducation: 'UpperSecondaryEducation',
    prs_Citizenship: 'CO;VE',
    prs_IdentityNumber: 'CC-1020304050',
    prs_MobilePhone: phone,
    prs_Email: 'jm.perez@example.org',
    prs_MailingStreet: 'Calle 45 # 12-30',
    prs_MailingCity: 'Cali',
    prs_MailingCountry: 'CO',
    vic_TraffickingStatus: 'ActualVictimOfTrafficking',
    vic_TraffickingStatusDecisionMakingOrg: 'NGO',
    vic_RelationshipToTrafficker: 'Acquainted',
    vic_AgeWhenTrafficked: '33',
    vic_MethodOfRecruitment: 'ThroughOnlineSocialNetworks',
    vic_RecruitmentWebsitesAndApps: 'Facebook;WhatsApp',
    vic_LocationOfRecruitment: 'Cali, Valle del Cauca',
    vic_MethodsOfControl: 'DebtBondage;WithholdsDocuments;RestrictsMovement',
    vic_TypeOfExploitation: 'ForcedLabour',
    vic_ForcedLabourIndustry: 'A_AgricultureForestryAndFishing',
    vic_ForcedLabourIndustryDivision: '03',
    vic_LocationOfExploitation: 'Fishing boat out of Samut Sakhon',
    idn_DateIdentified: '2024-01-15',
    idn_HowIdentified: 'Police',
    idn_ReferringOrganisation: 'Royal Thai Police',
    events: [
      { hte_Type: 'Recruitment', hte_Country: 'CO', hte_City: 'Cali', hte_Date: '2023-06',
        hte_Description: 'Offered a job on a fishing boat through a Facebook group.' },
      { hte_Type: 'Transit', hte_Country: 'PA', hte_City: 'Darién', hte_Date: '2023-07-02',
        hte_EndDate: '2023-07-10', hte_MeansOfTransport: 'Bus;Boat', hte_BorderCrossing: 'Irregular',
        hte_DocumentsUsed: 'Confiscated' },
      { hte_Type: 'Exploitation', hte_Country: 'TH', hte_State: 'Samut Sakhon', hte_Date: '2023-08',
        hte_EndDate: '2024-01-15', hte_DurationDays: '160' },
    ],
    perpetrators: [
      { per_RoleInProcess: 'RecruiterOrIntermediary;Transporter', per_Gender: 'Masculine',
        per_AgeBand: 'Age30To38', per_Citizenship: 'CO', per_RelationshipToVictim: 'Acquainted',
        per_Notes: 'Known as "el Flaco".' },
    ],
    referrals: [
      { ref_Direction: 'Incoming', ref_Organisation: 'Royal Thai Police', ref_Date: '2024-01-15',
        ref_Reason: 'AdditionalServicesRequired', ref_Details: 'Rescued in a raid.' },
    ],
    comments: [{ com_CaseComment: 'First interview held with an interpreter.' }],
    consents: [{
      con_ConsentToInterview: 'Yes', con_InformedOfPurpose: 'Yes', con_InformedOfDataUse: 'Yes',
      con_InformedOfResearchUse: 'Yes', con_InformedOfRightToRequestData: 'Yes',
      con_InformedOfStoragePeriod: 'Yes', con_InformedOfWithdrawal: 'Yes',
    }],
    screening: {
      act: ['Recruitment', 'Transportation'],
      means: ['Deception', 'AbuseOfVulnerability'],
      purpose: ['ForcedLabourOrServices'],
      evidence: { Deception: 'He was promised a paid job as a cook.' },
      age_at_act: 33,
      consent: 'No',
      decision: { final_status: 'ActualVictimOfTrafficking' },
    },
  };
}
