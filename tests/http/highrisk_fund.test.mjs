/*
 * highrisk_fund.test.mjs - a high-risk case does not exist for
 * headquarters: its fund requests leave the queue and cannot be read or
 * decided there, and come back when the risk is lowered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createCase, startServer, todayUtc } from './lib.mjs';

describe('fund requests of a high-risk case', () => {
  let srv, cw, mgr, pm, admin, caseId, reqId;

  before(async () => {
    srv = await startServer();
    cw = await srv.login('caseworker.bkk');
    mgr = await srv.login('manager.bkk');
    pm = await srv.login('pm');
    admin = await srv.login('admin');
    caseId = (await createCase(srv, mgr, { assigned_to: cw.user.id })).id;
    const q = await srv.api('POST', `/api/v1/cases/${caseId}/fund-requests`,
      { session: cw, body: { type: 'protection', amount: '120', currency: 'USD', justification: 'Safe house rent.' } });
    assert.equal(q.status, 201, q.text);
    reqId = q.json.id;
  });
  after(async () => { await srv?.stop(); });

  const risk = async (level) => {
    const r = await srv.api('POST', `/api/v1/cases/${caseId}/risk`,
      { session: cw, body: { level, date: todayUtc(), threats: ['ThreatFromTraffickers'] } });
    assert.equal(r.status, 201, r.text);
  };
  const inQueue = async (s) => (await srv.api('GET', '/api/v1/fund-requests', { session: s })).json.requests
    .some((q) => q.id === reqId);

  it('leave the queue and cannot be read or decided at headquarters', async () => {
    assert.ok(await inQueue(pm));
    await risk('High');
    for (const s of [pm, admin]) {
      assert.ok(!(await inQueue(s)), 'listed');
      const g = await srv.api('GET', `/api/v1/fund-requests/${reqId}`, { session: s });
      assert.equal(g.status, 404, g.text);
      assert.ok(!g.text.includes('Safe house'));
    }
    const d = await srv.api('POST', `/api/v1/fund-requests/${reqId}/decision`,
      { session: pm, body: { decision: 'reject', reason: 'no' } });
    assert.equal(d.status, 404, d.text);
    const mine = await srv.api('GET', `/api/v1/fund-requests/${reqId}`, { session: cw });
    assert.equal(mine.status, 200, 'the assigned caseworker still sees it');
  });

  it('come back when the risk is lowered', async () => {
    await risk('Low');
    assert.ok(await inQueue(pm));
  });
});
