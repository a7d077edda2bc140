/*
 * casefile_security.test.mjs - identity protection of the case file:
 * no name, phone or other identifying value in the bytes of the database
 * (and its -wal/-shm files), the key file's mode, refusal to start with
 * a wrong or missing key, and name search through the blind index.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  CTM_BIN, startServer, runCtm, createCase, getFile, saveFile, auditEntries, assertApiError,
  realisticFile,
} from './lib.mjs';

const Z = { first: 'Zacarías', second: 'Quintero', phone: '+66812345678' };
const J = { first: 'José María', second: 'Pérez', phone: '+573001234567' };
const K = { first: 'Josefa', second: 'Pérez Gómez', phone: '+573109876543' };

/*
 * Runs `ctm serve ARGS` and resolves once it either exits or says it is
 * listening: {code, signal, started, port, stdout, stderr, child}. A
 * server that started is left running for the caller to stop.
 */
function trySpawnServe(args, timeoutMs = 20_000) {
  return new Promise((resolve) => {
    const child = spawn(CTM_BIN, ['serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ stdout, stderr, child, ...v });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: null, signal: 'SIGKILL', started: false, timedOut: true });
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) finish({ started: true, port: Number(m[1]) });
    });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code, signal) => {
      // let the pipes drain before reporting
      setTimeout(() => finish({ code, signal, started: false }), 50);
    });
  });
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const p = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const e = await p;
  clearTimeout(t);
  return e;
}

/* Every form of a value to look for in raw bytes: UTF-8 (NFC and NFD),
 * UTF-16LE, and its accent-free ASCII form; compared case-insensitively. */
function needleForms(value) {
  const forms = new Set();
  const ascii = value.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  for (const v of [value, value.normalize('NFC'), value.normalize('NFD'), ascii]) {
    forms.add(Buffer.from(v.toLowerCase(), 'utf8').toString('latin1'));
    forms.add(Buffer.from(v.toLowerCase(), 'utf16le').toString('latin1'));
  }
  return [...forms];
}

/* The files of a SQLite database: the main file and -wal/-shm if present. */
function dbFiles(db) {
  return [db, `${db}-wal`, `${db}-shm`, `${db}-journal`].filter((f) => fs.existsSync(f));
}

function assertNoneInFiles(files, needles, when, control = null) {
  assert.ok(files.length > 0, 'no database file found');
  if (control) {
    // the search does see the bytes: a value stored in clear is found
    const seen = files.some((f) => fs.readFileSync(f).toString('latin1').toLowerCase().includes(control));
    assert.ok(seen, `${when}: control value ${JSON.stringify(control)} not found: the byte search is blind`);
  }
  for (const f of files) {
    const hay = fs.readFileSync(f).toString('latin1').toLowerCase();
    for (const n of needles) {
      for (const form of needleForms(n)) {
        assert.ok(!hay.includes(form),
          `${when}: ${path.basename(f)} contains ${JSON.stringify(n)} (as ${JSON.stringify(form)})`);
      }
    }
  }
}

/* What a copy of the database must not reveal. */
const NEEDLES = [
  'Zacarías', 'zacarias', 'quintero', 'Zacarías Quintero', '+66812345678', '66812345678',
  'José María', 'maría', 'pérez', 'josefa', '573001234567', '573109876543',
  'CC-1020304050', '1020304050', 'jm.perez@example.org', 'Calle 45 # 12-30',
];

describe('case file: identity protection', () => {
  let srv, cw, mgr, bog, researcher, admin, cz, cj, ck, dir, db, keyFile, savedZ, stopped = false;
  const keepTmpWas = process.env.CTM_KEEP_TMP;

  before(async () => {
    srv = await startServer();
    ({ dir, db } = srv);
    keyFile = `${db}.key`;
    for (const n of NEEDLES) srv.secret(n);
    for (const q of ['jose maria', 'MARIA JOSE', 'jose%20maria', 'MARIA%20JOSE', 'Mar%C3%ADa', 'josefa']) srv.secret(q);
    cw = await srv.login('caseworker.bkk');
    mgr = await srv.login('manager.bkk');
    bog = await srv.login('caseworker.bog');
    researcher = await srv.login('researcher');
    admin = await srv.login('admin');
    cz = await createCase(srv, cw);
    savedZ = await saveFile(srv, cw, cz.id, realisticFile(await getFile(srv, cw, cz.id), Z));
    cj = await createCase(srv, cw);
    await saveFile(srv, cw, cj.id, realisticFile(await getFile(srv, cw, cj.id), J));
    ck = await createCase(srv, mgr);
    await saveFile(srv, mgr, ck.id, realisticFile(await getFile(srv, mgr, ck.id), K));
  });

  after(async () => {
    try {
      if (srv && !stopped) {
        process.env.CTM_KEEP_TMP = '1';
        await srv.stop();
      }
    } finally {
      if (keepTmpWas === undefined) delete process.env.CTM_KEEP_TMP;
      else process.env.CTM_KEEP_TMP = keepTmpWas;
      if (dir && !keepTmpWas) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /* Both ways to search: GET ?q= and POST /api/v1/cases/search must
   * agree; returns the ids found, sorted. */
  async function search(session, q) {
    const g = await srv.api('GET', `/api/v1/cases?q=${encodeURIComponent(q)}&per_page=500`, { session });
    assert.equal(g.status, 200, `GET search ${JSON.stringify(q)}: ${g.status} ${g.text}`);
    const p = await srv.api('POST', '/api/v1/cases/search', { session, body: { q, per_page: 500 } });
    assert.equal(p.status, 200, `POST search ${JSON.stringify(q)}: ${p.status} ${p.text}`);
    const ids = (r) => r.json.cases.map((c) => c.id).sort((a, b) => a - b);
    assert.deepEqual(ids(p), ids(g), `GET and POST search disagree on ${JSON.stringify(q)}`);
    assert.equal(p.json.total, g.json.total);
    return ids(g);
  }

  describe('name search', () => {
    it('finds "José María" from "jose maria", "MARIA JOSE" and "maría"', async () => {
      for (const q of ['jose maria', 'MARIA JOSE', 'maría', 'José María', '  jose   MARÍA ', 'Jose Maria Perez']) {
        assert.deepEqual(await search(cw, q), [cj.id], `search ${JSON.stringify(q)}`);
      }
    });

    it('does not find it from "josefa"; "josefa" finds Josefa only', async () => {
      assert.deepEqual(await search(cw, 'josefa'), [ck.id]);
      assert.deepEqual(await search(cw, 'JOSEFA PEREZ'), [ck.id]);
    });

    it('a word shared by two people finds both; words of different people find neither', async () => {
      assert.deepEqual(await search(cw, 'perez'), [cj.id, ck.id].sort((a, b) => a - b));
      const mixed = await search(cw, 'zacarias perez');
      assert.ok(!mixed.includes(cj.id) && !mixed.includes(ck.id), `"zacarias perez" found ${mixed}`);
    });

    it('"Zacarías Quintero" is found from "zacarias quintero" and "QUINTERO"', async () => {
      assert.deepEqual(await search(cw, 'zacarias quintero'), [cz.id]);
      assert.deepEqual(await search(cw, 'QUINTERO'), [cz.id]);
    });

    it('search by case-number prefix', async () => {
      assert.deepEqual(await search(cw, cj.case_number), [cj.id]);
      const prefix = cj.case_number.slice(0, cj.case_number.lastIndexOf('-') + 1);
      const all = await search(cw, prefix);
      for (const c of [cz, cj, ck]) assert.ok(all.includes(c.id), `prefix ${prefix} misses ${c.case_number}`);
      assert.deepEqual(await search(cw, 'BOG-'), []);
    });

    it('a caseworker of another office finds none of them', async () => {
      for (const q of ['jose maria', 'quintero', cj.case_number, 'BKK-']) {
        assert.deepEqual(await search(bog, q), [], `office BOG searching ${JSON.stringify(q)}`);
      }
    });

    it('a researcher gets 403', async () => {
      const r = await srv.api('GET', `/api/v1/cases?q=${encodeURIComponent('jose maria')}`, { session: researcher });
      assertApiError(r, 403);
      assert.ok(!r.text.includes('José'));
      const p = await srv.api('POST', '/api/v1/cases/search', { session: researcher, body: { q: 'jose maria' } });
      assertApiError(p, 403, 'POST search');
    });

    it('POST search: bad input is a 400, no session a 401, no CSRF token a 403', async () => {
      for (const body of [{ q: 42 }, { q: 'x'.repeat(201) }, { q: 'jose', name: 'x' }]) {
        const r = await srv.api('POST', '/api/v1/cases/search', { session: cw, body });
        assertApiError(r, 400, JSON.stringify(body).slice(0, 60));
      }
      assertApiError(await srv.api('POST', '/api/v1/cases/search', { body: { q: 'jose' } }), 401);
      assertApiError(await srv.api('POST', '/api/v1/cases/search', { session: cw, csrf: false, body: { q: 'jose' } }), 403);
    });

    it('a renamed person is no longer found by the old name', async () => {
      const c = await createCase(srv, cw);
      const f = await getFile(srv, cw, c.id);
      await saveFile(srv, cw, c.id, { ...f, prs_FirstName: 'Wilmer', prs_SecondName: 'Cárdenas' });
      assert.deepEqual(await search(cw, 'wilmer cardenas'), [c.id]);
      const g = await getFile(srv, cw, c.id);
      await saveFile(srv, cw, c.id, { ...g, prs_FirstName: 'Edwin' });
      assert.deepEqual(await search(cw, 'wilmer'), []);
      assert.deepEqual(await search(cw, 'edwin cardenas'), [c.id]);
      const h = await getFile(srv, cw, c.id);
      await saveFile(srv, cw, c.id, { ...h, prs_FirstName: '', prs_SecondName: '' });
      assert.deepEqual(await search(cw, 'edwin'), []);
      assert.deepEqual(await search(cw, 'cardenas'), []);
    });

    it('the audit of searches and saves holds no name or phone', async () => {
      const rows = await auditEntries(srv, admin);
      const text = JSON.stringify(rows);
      for (const n of ['Zacar', 'Quintero', 'quintero', 'José', 'Jos\\u00e9', 'jose maria', 'MARIA JOSE',
        'Mar\\u00eda', 'María', '66812345678', '573001234567', 'CC-1020304050']) {
        assert.ok(!text.includes(n), `audit contains ${JSON.stringify(n)}`);
      }
    });
  });

  describe('at rest', () => {
    it('the key file is beside the database, mode 0600', () => {
      const st = fs.statSync(keyFile);
      assert.ok(st.isFile());
      assert.equal(st.mode & 0o777, 0o600, `key file mode ${(st.mode & 0o777).toString(8)}`);
      assert.ok(st.size > 0);
    });

    it('while serving: no name or phone in the database, -wal or -shm bytes', () => {
      assertNoneInFiles(dbFiles(db), NEEDLES, 'while serving', 'caseworker.bkk');
    });

    it('after stopping: none either', async () => {
      process.env.CTM_KEEP_TMP = '1';
      try {
        await srv.stop();
      } finally {
        stopped = true;
        if (keepTmpWas === undefined) delete process.env.CTM_KEEP_TMP;
        else process.env.CTM_KEEP_TMP = keepTmpWas;
      }
      assert.ok(fs.existsSync(db), 'the database is gone');
      assertNoneInFiles(dbFiles(db), NEEDLES, 'after stop', 'caseworker.bkk');
    });

    it('the key file holds no name either', () => {
      assertNoneInFiles([keyFile], NEEDLES, 'key file');
    });

    it('serve with another database\'s key file: refuses to start, non-zero, says "key"', async () => {
      const other = path.join(dir, 'other.db');
      const init = await runCtm(['init', '--db', other]);
      assert.equal(init.code, 0, init.stderr);
      assert.ok(fs.existsSync(`${other}.key`));
      const r = await trySpawnServe(['--db', db, '--key-file', `${other}.key`, '--listen', '127.0.0.1:0']);
      if (r.started) await stopChild(r.child);
      assert.equal(r.started, false, 'serve started with a wrong key');
      assert.notEqual(r.code, 0, 'exit status');
      assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
      assert.match(r.stderr, /key/i, `stderr: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Sanitizer|runtime error/);
      for (const n of ['Zacar', 'Quintero']) assert.ok(!r.stderr.includes(n));
    });

    it('serve with a missing key file: refuses to start, non-zero, says "key"', async () => {
      const r = await trySpawnServe(['--db', db, '--key-file', path.join(dir, 'no-such.key'), '--listen', '127.0.0.1:0']);
      if (r.started) await stopChild(r.child);
      assert.equal(r.started, false, 'serve started without its key');
      assert.notEqual(r.code, 0);
      assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
      assert.match(r.stderr, /key/i, `stderr: ${r.stderr}`);
    });

    it('serve when the default key file beside the database is gone: refuses to start', async () => {
      fs.renameSync(keyFile, `${keyFile}.away`);
      try {
        const r = await trySpawnServe(['--db', db, '--listen', '127.0.0.1:0']);
        if (r.started) await stopChild(r.child);
        assert.equal(r.started, false, 'serve started without its key');
        assert.notEqual(r.code, 0);
        assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
        assert.match(r.stderr, /key/i, `stderr: ${r.stderr}`);
      } finally {
        fs.renameSync(`${keyFile}.away`, keyFile);
      }
    });

    it('serve with a truncated or empty key file: refuses to start', async () => {
      const bytes = fs.readFileSync(keyFile);
      for (const [name, content] of [['truncated', bytes.subarray(0, Math.floor(bytes.length / 2))], ['empty', Buffer.alloc(0)]]) {
        const bad = path.join(dir, `${name}.key`);
        fs.writeFileSync(bad, content, { mode: 0o600 });
        const r = await trySpawnServe(['--db', db, '--key-file', bad, '--listen', '127.0.0.1:0']);
        if (r.started) await stopChild(r.child);
        assert.equal(r.started, false, `serve started with a ${name} key file`);
        assert.notEqual(r.code, 0, name);
        assert.equal(r.signal, null, `${name}: killed by ${r.signal}: ${r.stderr}`);
        assert.match(r.stderr, /key/i, `${name}: ${r.stderr}`);
      }
    });

    it('with the right key it starts again and reads the same file back', async () => {
      const r = await trySpawnServe(['--db', db, '--listen', '127.0.0.1:0']);
      assert.equal(r.started, true, `serve with the right key did not start: ${r.stderr}`);
      try {
        const base = `http://127.0.0.1:${r.port}`;
        const login = await fetch(`${base}/api/v1/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username: 'caseworker.bkk', password: srv.users['caseworker.bkk'].password }),
        });
        assert.equal(login.status, 200);
        const cookie = login.headers.get('set-cookie').split(';')[0];
        const g = await fetch(`${base}/api/v1/cases/${cz.id}/file`, { headers: { Cookie: cookie } });
        assert.equal(g.status, 200);
        assert.deepEqual(await g.json(), savedZ);
        const s = await fetch(`${base}/api/v1/cases?q=${encodeURIComponent('ZACARIAS')}`, { headers: { Cookie: cookie } });
        assert.deepEqual((await s.json()).cases.map((c) => c.id), [cz.id]);
      } finally {
        const e = await stopChild(r.child);
        assert.deepEqual(e, { code: 0, signal: null }, r.stderr);
      }
      for (const n of NEEDLES) assert.ok(!r.stderr.includes(n), `server log contains ${n}`);
    });
  });
});
