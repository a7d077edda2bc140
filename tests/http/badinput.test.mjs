/*
 * badinput.test.mjs - malformed HTTP, oversized bodies, invalid UTF-8,
 * malformed JSON, unknown and missing fields, wrong types, unknown
 * routes and methods: a clear 4xx, nothing written, the server goes on.
 */
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, assertApiError, caseCount, grantAdminCaseAccess, createCase, getCase, rawStatus, MAX_BODY,
} from './lib.mjs';

describe('bad input', () => {
  let srv, admin, cw, caseId, count;

  before(async () => {
    /* The admin counts every office's cases: granted case access. */
    srv = await startServer({ setup: grantAdminCaseAccess });
    admin = await srv.login('admin');
    cw = await srv.login('caseworker.bkk');
    caseId = (await createCase(srv, cw)).id;
    count = await caseCount(srv, admin);
  });
  afterEach(async () => {
    if (!srv || srv.exited) return;
    assert.ok(await srv.healthy(), 'server no longer answers /healthz');
    assert.equal(await caseCount(srv, admin), count, 'bad input changed the number of cases');
  });
  after(async () => { if (srv) await srv.stop(); });

  /* Raw request with the caseworker's session, for bodies and framing
   * that node:http would not send. */
  function rawHead(method, path, extra = []) {
    return [
      `${method} ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${srv.port}`,
      `Cookie: ${cw.cookie}`,
      `X-CSRF-Token: ${cw.csrf}`,
      'Content-Type: application/json',
      ...extra,
      '', '',
    ].join('\r\n');
  }

  async function expectUnchanged(fn) {
    const orig = await getCase(srv, cw, caseId);
    await fn();
    assert.deepEqual(await getCase(srv, cw, caseId), orig, 'the case changed');
  }

  describe('malformed HTTP', () => {
    for (const [name, bytes] of [
      ['extra token in the request line', 'GET /healthz HTTP/1.1 extra\r\nHost: x\r\n\r\n'],
      ['control characters as request line', '\x01\x02\x03 \x04 \x05\r\n\r\n'],
      ['header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nThis is no header\r\n\r\n'],
    ]) {
      it(`${name}: 400`, async () => {
        const text = await srv.rawRequest(bytes);
        assert.equal(rawStatus(text), 400, `got ${JSON.stringify(text.slice(0, 120))}`);
      });
    }

    it('a request line without method/target/version: 400 or closed, never a 2xx', async () => {
      const text = await srv.rawRequest('GARBAGE\r\n\r\n');
      const st = rawStatus(text);
      assert.ok(text === '' || st === 400, `got ${JSON.stringify(text.slice(0, 120))}`);
    });

    it('a malformed state-changing request creates nothing', async () => {
      const text = await srv.rawRequest(`${rawHead('POST', '/api/v1/cases HTTP/1.1 junk', ['Content-Length: 2'])}{}`);
      const st = rawStatus(text);
      assert.ok(text === '' || (st >= 400 && st < 500), `got ${JSON.stringify(text.slice(0, 120))}`);
    });

    it('a 100 KB request target: 4xx', async () => {
      const text = await srv.rawRequest(`GET /api/v1/cases?status=${'A'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      const st = rawStatus(text);
      assert.ok(st >= 400 && st < 500, `got ${JSON.stringify(text.slice(0, 120))}`);
    });

    it('a 64 KB header: 4xx', async () => {
      const text = await srv.rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(65_536)}\r\n\r\n`);
      const st = rawStatus(text);
      assert.ok(st >= 400 && st < 500, `got ${JSON.stringify(text.slice(0, 120))}`);
    });

    it('a non-numeric Content-Length: 400', async () => {
      const text = await srv.rawRequest(`${rawHead('POST', '/api/v1/cases', ['Content-Length: abc'])}{}`);
      assert.equal(rawStatus(text), 400, `got ${JSON.stringify(text.slice(0, 120))}`);
    });

    it('many malformed requests in a row do not bring the server down', async () => {
      for (let i = 0; i < 50; i++) {
        await srv.rawRequest(i % 2 ? '\x01\x02\x03 \x04 \x05\r\n\r\n' : 'GET / HTTP/1.1 x y z\r\n\r\n');
      }
    });
  });

  describe('oversized bodies', () => {
    /* Sends a body over one connection, stopping when the server
     * answers; returns the parsed first response. */
    async function sendBig(head, body) {
      const c = await srv.rawConnect();
      try {
        await c.write(head);
        // A server may answer from the headers alone (Content-Length).
        if ((await c.responses(1, 300)).length === 0) await c.writeSlowly(body);
        const [res] = await c.responses(1, 15_000);
        assert.ok(res, `no response; got ${JSON.stringify(c.text().slice(0, 120))}`);
        return res;
      } finally {
        c.close();
      }
    }

    function assertJson413(res) {
      assert.equal(res.status, 413, res.statusLine);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const j = JSON.parse(res.body);
      assert.equal(typeof j.error, 'string');
      assert.ok(j.error.length > 0);
    }

    const bigJson = (n) => Buffer.from(`{"status":"${'A'.repeat(n - 13)}"}`, 'latin1');

    it('2 MiB with Content-Length: 413', async () => {
      const body = bigJson(2 * MAX_BODY);
      assert.equal(body.length, 2 * MAX_BODY);
      const res = await sendBig(rawHead('POST', '/api/v1/cases', [`Content-Length: ${body.length}`]), body);
      assertJson413(res);
    });

    it('1 MiB + 1 byte: 413', async () => {
      const body = bigJson(MAX_BODY + 1);
      const res = await sendBig(rawHead('PATCH', `/api/v1/cases/${caseId}`, [`Content-Length: ${body.length}`]), body);
      assertJson413(res);
    });

    it('2 MiB chunked (no Content-Length): 413', async () => {
      const body = bigJson(2 * MAX_BODY);
      const parts = [];
      for (let i = 0; i < body.length; i += 65_536) {
        const piece = body.subarray(i, i + 65_536);
        parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
      }
      parts.push(Buffer.from('0\r\n\r\n'));
      const res = await sendBig(rawHead('POST', '/api/v1/cases', ['Transfer-Encoding: chunked']), Buffer.concat(parts));
      assertJson413(res);
    });

    it('2 MiB to the login endpoint (no session): 413', async () => {
      const body = Buffer.from(`{"username":"${'u'.repeat(2 * MAX_BODY)}","password":"x"}`);
      const head = [
        'POST /api/v1/login HTTP/1.1', 'Host: x', 'Content-Type: application/json',
        `Content-Length: ${body.length}`, '', '',
      ].join('\r\n');
      assertJson413(await sendBig(head, body));
    });

    it('a 413 answered from the headers alone speaks the reader\'s language', async () => {
      const body = bigJson(2 * MAX_BODY);
      const res = await sendBig(rawHead('POST', '/api/v1/cases',
        [`Content-Length: ${body.length}`, 'Accept-Language: es']), body);
      assertJson413(res);
      assert.equal(JSON.parse(res.body).error, 'La solicitud es demasiado grande.');
    });

    it('the session still works after a 413', async () => {
      assert.equal((await srv.api('GET', '/api/v1/me', { session: cw })).status, 200);
    });
  });

  describe('bodies that are not valid JSON objects', () => {
    const invalidUtf8 = [
      ['a lone 0xff byte', Buffer.from([...Buffer.from('{"status":"Act'), 0xff, ...Buffer.from('ive"}')])],
      ['an overlong "/"', Buffer.from([...Buffer.from('{"status":"'), 0xc0, 0xaf, ...Buffer.from('"}')])],
      ['a UTF-16 surrogate', Buffer.from([...Buffer.from('{"status":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')])],
      ['a truncated sequence', Buffer.from([...Buffer.from('{"status":"Activ'), 0xe2, 0x82, ...Buffer.from('"}')])],
    ];
    for (const [name, body] of invalidUtf8) {
      it(`invalid UTF-8 (${name}): 400 on POST and PATCH`, async () => {
        assertApiError(await srv.api('POST', '/api/v1/cases', { session: cw, body }), 400, 'POST:');
        await expectUnchanged(async () => {
          assertApiError(await srv.api('PATCH', `/api/v1/cases/${caseId}`, { session: cw, body }), 400, 'PATCH:');
        });
      });
    }

    it('invalid UTF-8 in a login name: 400', async () => {
      const body = Buffer.from([...Buffer.from('{"username":"caseworker.bkk'), 0xff,
        ...Buffer.from(`","password":"${srv.users['caseworker.bkk'].password}"}`)]);
      assertApiError(await srv.api('POST', '/api/v1/login', { body }), 400);
    });

    const malformed = [
      '{"status": ',
      '{status: "Active"}',
      '{"status":"Active",}',
      '{"status":"Active"} trailing',
      "{'status':'Active'}",
      '[]',
      '"Active"',
      'null',
      '42',
      '{"status":"Active"',
    ];
    for (const body of malformed) {
      it(`malformed JSON ${JSON.stringify(body)}: 400`, async () => {
        assertApiError(await srv.api('POST', '/api/v1/cases', { session: cw, body }), 400, 'POST:');
        await expectUnchanged(async () => {
          assertApiError(await srv.api('PATCH', `/api/v1/cases/${caseId}`, { session: cw, body }), 400, 'PATCH:');
        });
        assertApiError(await srv.api('POST', '/api/v1/login', { body }), 400, 'login:');
      });
    }

    it('a number too large for any field: 400 that says so, nothing changed', async () => {
      await expectUnchanged(async () => {
        const r = await srv.api('PATCH', `/api/v1/cases/${caseId}`,
          { session: cw, body: '{"assigned_to": 99999999999999999999999}' });
        assertApiError(r, 400);
        assert.equal(r.json.error, 'A number in the request is too large.');
      });
      const fr = await srv.api('POST', '/api/v1/cases',
        { session: cw, body: '{"assigned_to": 1e400}', headers: { 'Accept-Language': 'fr' } });
      assertApiError(fr, 400);
      assert.notEqual(fr.json.error, 'A number in the request is too large.', 'in French');
    });

    for (const [name, text] of [['U+0001', 'a\\u0001b'], ['ESC', 'a\\u001bb'], ['U+001F', '\\u001f'], ['U+000B', 'a\\u000bb']]) {
      it(`a control character (${name}) in any string, key or array: 400, nothing changed`, async () => {
        for (const [body, field] of [
          [`{"status":"Active","x":"${text}"}`, 'x'],
          [`{"status":"Active","note":["ok","${text}"]}`, 'note[1]'],
          [`{"status":"Active","a":{"b":[{"c":"${text}"}]}}`, 'a.b[0].c'],
          [`{"${text}":"Active"}`, null],
        ]) {
          await expectUnchanged(async () => {
            const r = await srv.api('PATCH', `/api/v1/cases/${caseId}`, { session: cw, body });
            assertApiError(r, 400);
            assert.match(r.json.error, /control character/, body);
            if (field) assert.deepEqual(Object.keys(r.json.fields ?? {}), [field], body);
            else assert.equal(r.json.fields, undefined, 'a key names no field');
          });
        }
      });
    }

    it('an escaped NUL (\\u0000) is a control character too', async () => {
      await expectUnchanged(async () => {
        const r = await srv.api('PATCH', `/api/v1/cases/${caseId}`, { session: cw, body: '{"status":"Active","x":"a\\u0000b"}' });
        assertApiError(r, 400);
        assert.match(r.json.error, /control character/);
      });
    });

    it('TAB, LF and CR are text like any other', async () => {
      const r = await srv.api('PATCH', `/api/v1/cases/${caseId}`,
        { session: cw, body: '{"status":"Active","x":"a\\tb\\nc\\r"}' });
      assertApiError(r, 400);
      assert.doesNotMatch(r.json.error, /control character/, 'refused for its unknown field, not for its text');
    });

    it('a field given twice: 400 that says so', async () => {
      await expectUnchanged(async () => {
        const r = await srv.api('PATCH', `/api/v1/cases/${caseId}`,
          { session: cw, body: '{"status":"Closed","status":"Active"}' });
        assertApiError(r, 400);
        assert.equal(r.json.error, 'A field is given twice in the request.');
      });
    });

    it('deeply nested JSON: 400, no crash', async () => {
      const body = `{"status":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      assertApiError(await srv.api('POST', '/api/v1/cases', { session: cw, body }), 400);
    });
  });

  describe('unknown, missing and mistyped fields', () => {
    it('an unknown field in POST: 400 naming the field', async () => {
      const r = await srv.api('POST', '/api/v1/cases', { session: cw, body: { colour: 'red' } });
      assertApiError(r, 400);
      assert.ok(r.text.includes('colour'), `the error does not name the field: ${r.text}`);
    });

    it('an unknown field next to valid ones in PATCH: 400 naming it, nothing changed', async () => {
      await expectUnchanged(async () => {
        const r = await srv.api('PATCH', `/api/v1/cases/${caseId}`,
          { session: cw, body: { status: 'Closed', colour: 'red' } });
        assertApiError(r, 400);
        assert.ok(r.text.includes('colour'), `the error does not name the field: ${r.text}`);
      });
    });

    it('fields that are not changeable by PATCH are refused: office, id, case_number', async () => {
      await expectUnchanged(async () => {
        for (const body of [{ office: 'BOG' }, { id: 1 }, { case_number: 'BKK-2000-000001' },
          { created_at: '2000-01-01T00:00:00Z' }]) {
          const r = await srv.api('PATCH', `/api/v1/cases/${caseId}`, { session: cw, body });
          assertApiError(r, 400, JSON.stringify(body));
          assert.ok(r.text.includes(Object.keys(body)[0]), `the error does not name the field: ${r.text}`);
        }
      });
    });

    it('an unknown field in login and in PATCH /me: 400', async () => {
      const pw = srv.users['caseworker.bkk'].password;
      const r = await srv.api('POST', '/api/v1/login', { body: { username: 'caseworker.bkk', password: pw, remember: true } });
      assertApiError(r, 400);
      assert.ok(r.text.includes('remember'));
      const before = (await srv.api('GET', '/api/v1/me', { session: cw })).json;
      const m = await srv.api('PATCH', '/api/v1/me', { session: cw, body: { lang: 'fr', theme: 'dark' } });
      assertApiError(m, 400);
      assert.ok(m.text.includes('theme'));
      assert.deepEqual((await srv.api('GET', '/api/v1/me', { session: cw })).json, before);
    });

    it('missing login fields: 400', async () => {
      for (const body of [{}, { username: 'caseworker.bkk' }, { password: 'pw-something-long' }]) {
        assertApiError(await srv.api('POST', '/api/v1/login', { body }), 400, JSON.stringify(body));
      }
      assertApiError(await srv.api('POST', '/api/v1/login', { body: '' }), 400, 'empty body:');
    });

    const wrongTypes = [
      { assigned_to: 'x' },
      { assigned_to: 1.5 },
      { assigned_to: true },
      { assigned_to: [1] },
      { assigned_to: { id: 1 } },
      { status: 5 },
      { status: null },
      { status: ['Active'] },
      { version: '1' },
      { version: 1.5 },
    ];
    for (const body of wrongTypes) {
      it(`wrong type ${JSON.stringify(body)}: 400 on PATCH and POST`, async () => {
        await expectUnchanged(async () => {
          const r = await srv.api('PATCH', `/api/v1/cases/${caseId}`, { session: cw, body });
          assertApiError(r, 400, 'PATCH:');
        });
        if (!('version' in body)) {
          assertApiError(await srv.api('POST', '/api/v1/cases', { session: cw, body }), 400, 'POST:');
        }
      });
    }

    it('wrong types in login, PATCH /me and POST office: 400', async () => {
      assertApiError(await srv.api('POST', '/api/v1/login', { body: { username: 5, password: 'pw-something-long' } }), 400);
      assertApiError(await srv.api('POST', '/api/v1/login', { body: { username: 'caseworker.bkk', password: null } }), 400);
      assertApiError(await srv.api('PATCH', '/api/v1/me', { session: cw, body: { lang: 1 } }), 400);
      assertApiError(await srv.api('PATCH', '/api/v1/me', { session: cw, body: { lang: 'de' } }), 400);
      assertApiError(await srv.api('POST', '/api/v1/cases', { session: cw, body: { office: 5 } }), 400);
    });

    it('a body that is not declared JSON: 400 or 415', async () => {
      const r = await srv.api('POST', '/api/v1/cases',
        { session: cw, body: '{}', headers: { 'Content-Type': 'text/plain' } });
      assert.ok([400, 415].includes(r.status), `got ${r.status}`);
      assertApiError(r, r.status);
    });

    it('bad query values: 400', async () => {
      assertApiError(await srv.api('GET', '/api/v1/cases?page=abc', { session: cw }), 400, 'page=abc:');
      assertApiError(await srv.api('GET', '/api/v1/cases?status=Bogus', { session: cw }), 400, 'status=Bogus:');
      assertApiError(await srv.api('GET', '/api/v1/cases?status=%ZZ', { session: cw }), 400, 'bad escape:');
    });

    it('garbage cookies: 401', async () => {
      for (const cookie of ['ctm_session=%00%ff', 'ctm_session=', `ctm_session=${'z'.repeat(4000)}`,
        'ctm_session=a; ctm_session=b', ';;;=;']) {
        assertApiError(await srv.api('GET', '/api/v1/cases', { session: { cookie } }), 401, cookie.slice(0, 20));
      }
    });
  });

  describe('routes and methods', () => {
    it('an unknown /api/ route: 404 in JSON', async () => {
      for (const p of ['/api/v1/nope', '/api/v2/cases', '/api/', '/api/v1/cases/1/nope']) {
        assertApiError(await srv.api('GET', p, { session: cw }), 404, p);
      }
      assertApiError(await srv.api('POST', '/api/v1/nope', { session: cw, body: {} }), 404, 'POST');
    });

    it('a case id that is not a number: 404 or 400, in JSON', async () => {
      for (const p of ['/api/v1/cases/abc', '/api/v1/cases/-1', '/api/v1/cases/1.5',
        '/api/v1/cases/99999999999999999999999999', '/api/v1/cases/%00', '/api/v1/cases/1%2F2']) {
        const r = await srv.api('GET', p, { session: cw });
        assert.ok([400, 404].includes(r.status), `${p}: ${r.status}`);
        assertApiError(r, r.status, p);
      }
    });

    it('an unknown page: 404 in HTML', async () => {
      const r = await srv.api('GET', '/no/such/page');
      assert.equal(r.status, 404);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.match(r.text, /<html/i);
    });

    it('a wrong method on a route: 405 with Allow', async () => {
      for (const [m, p] of [['DELETE', '/api/v1/cases'], ['PUT', `/api/v1/cases/${caseId}`],
        ['DELETE', `/api/v1/cases/${caseId}`], ['GET', '/api/v1/login'], ['GET', '/api/v1/logout'],
        ['PUT', '/api/v1/me']]) {
        await expectUnchanged(async () => {
          const r = await srv.api(m, p, { session: cw, body: m === 'GET' ? undefined : {} });
          assertApiError(r, 405, `${m} ${p}`);
          assert.ok(r.headers.allow, `${m} ${p}: no Allow header`);
        });
      }
      const h = await srv.api('POST', '/healthz', { body: {} });
      assert.equal(h.status, 405);
    });
  });

  it('the server is still alive at the end', async () => {
    assert.ok(await srv.healthy());
    assert.equal((await srv.api('GET', '/api/v1/me', { session: cw })).status, 200);
    assert.equal(srv.exited, null, 'the server exited');
  });
});
