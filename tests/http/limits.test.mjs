/*
 * limits.test.mjs - the connection limits of `ctm serve` are options:
 * per client address (0: none, behind a reverse proxy), in all, and the
 * idle timeout; bad values are refused before serving.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RawConn, runCtm, startServer } from './lib.mjs';

/* Whether a new connection is answered on /healthz. */
async function answered(port) {
  let c;
  try {
    c = await RawConn.open(port);
  } catch {
    return false;
  }
  try {
    await c.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    const [res] = await c.responses(1, 3_000);
    return res?.status === 200;
  } finally {
    c.close();
  }
}

/* Opens n connections that send nothing. */
async function idle(port, n) {
  const cs = [];
  for (let i = 0; i < n; i++) cs.push(await RawConn.open(port));
  /* Let the server accept them all. */
  await new Promise((r) => setTimeout(r, 200));
  return cs;
}

describe('connection limits', () => {
  it('--per-ip-connections caps one address; the default lets more in', async () => {
    const srv = await startServer({ serveArgs: ['--per-ip-connections', '3'] });
    try {
      const held = await idle(srv.port, 3);
      assert.equal(await answered(srv.port), false, 'a fourth connection from the same address was served');
      for (const c of held) c.close();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await answered(srv.port), true, 'the address is served again once it holds fewer');
    } finally {
      await srv.stop();
    }
    const open = await startServer({ serveArgs: ['--per-ip-connections', '0'] });
    try {
      const held = await idle(open.port, 8);
      assert.equal(await answered(open.port), true, 'no per-address limit with 0');
      for (const c of held) c.close();
    } finally {
      await open.stop();
    }
  });

  it('--max-connections caps every address together', async () => {
    const srv = await startServer({ serveArgs: ['--max-connections', '4', '--per-ip-connections', '0'] });
    try {
      const held = await idle(srv.port, 4);
      assert.equal(await answered(srv.port), false, 'a fifth connection was served');
      held[0].close();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await answered(srv.port), true);
      for (const c of held) c.close();
    } finally {
      await srv.stop();
    }
  });

  it('--connection-timeout closes an idle connection', async () => {
    const srv = await startServer({ serveArgs: ['--connection-timeout', '1'] });
    try {
      const [c] = await idle(srv.port, 1);
      assert.equal(await c.waitClose(4_000), true, 'an idle connection outlived the timeout');
    } finally {
      await srv.stop();
    }
  });

  it('refuses bad values without serving', async () => {
    for (const [opt, v] of [['--per-ip-connections', '-1'], ['--per-ip-connections', 'x'],
      ['--max-connections', '0'], ['--max-connections', '1e3'], ['--connection-timeout', '0'],
      ['--connection-timeout', '99999999999999999999']]) {
      const r = await runCtm(['serve', '--db', '/nonexistent/ctm.db', opt, v], { timeout: 10_000 });
      assert.notEqual(r.code, 0, `${opt} ${v} accepted`);
      assert.match(r.stderr, new RegExp(opt.slice(2)), `${opt} ${v}: ${r.stderr}`);
    }
  });
});
