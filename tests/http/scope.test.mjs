/*
 * scope.test.mjs - case numbers, office scoping of list/view/change,
 * roles, filters, paging, status and assignment changes, versions.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, assertApiError, createCase, getCase, listCaseIds, caseCount, CASE_STATUSES,
} from './lib.mjs';

const NUMBER_RE = /^BKK-(\d{4})-(\d{6})$/;

describe('office scoping and case changes', () => {
  let srv, s, ids;
  let bkk1, bkk2, bog1;

  before(async () => {
    /* dpo: an admin granted case access; the admin has none. */
    srv = await startServer({
      extraUsers: [{ username: 'dpo', role: 'admin', office: 'HQ', password: 'pw-Dpo-HQ-5e1f0a2c' }],
      setup: async (db, ctm) => { await ctm(['user', 'case-grant', '--db', db, '--username', 'dpo']); },
    });
    s = {};
    ids = {};
    for (const u of ['admin', 'dpo', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'pm', 'researcher']) {
      s[u] = await srv.login(u);
      ids[u] = s[u].user.id;
    }
  });
  after(async () => { if (srv) await srv.stop(); });

  it('a caseworker creates cases with readable sequential numbers', async () => {
    bkk1 = await createCase(srv, s['caseworker.bkk']);
    bkk2 = await createCase(srv, s['caseworker.bkk']);
    const m1 = NUMBER_RE.exec(bkk1.case_number);
    const m2 = NUMBER_RE.exec(bkk2.case_number);
    assert.ok(m1, `bad case number ${bkk1.case_number}`);
    assert.ok(m2, `bad case number ${bkk2.case_number}`);
    const now = new Date();
    assert.ok([now.getUTCFullYear(), now.getFullYear()].includes(Number(m1[1])), `year in ${bkk1.case_number}`);
    assert.equal(m2[1], m1[1]);
    assert.equal(Number(m2[2]), Number(m1[2]) + 1, `not sequential: ${bkk1.case_number}, ${bkk2.case_number}`);
    assert.notEqual(bkk1.id, bkk2.id);

    const c = await getCase(srv, s['caseworker.bkk'], bkk1.id);
    assert.equal(c.id, bkk1.id);
    assert.equal(c.case_number, bkk1.case_number);
    assert.equal(c.office, 'BKK');
    assert.equal(c.status, 'Active', 'a new case should be Active');
    assert.equal(c.version, 1);
    for (const k of ['assigned_to', 'assigned_username', 'created_at', 'updated_at']) {
      assert.ok(k in c, `case lacks ${k}`);
    }
    assert.match(c.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    bog1 = await createCase(srv, s['caseworker.bog']);
    assert.match(bog1.case_number, /^BOG-\d{4}-\d{6}$/);
  });

  it('office staff always create in their own office', async () => {
    const r = await srv.api('POST', '/api/v1/cases', { session: s['caseworker.bkk'], body: { office: 'BOG' } });
    if (r.status === 201) {
      const c = await getCase(srv, s['caseworker.bkk'], r.json.id);
      assert.equal(c.office, 'BKK', 'a BKK caseworker created a case in BOG');
      assert.match(r.json.case_number, NUMBER_RE);
    } else {
      assertApiError(r, r.status);
      assert.ok([400, 403].includes(r.status), `unexpected ${r.status}`);
    }
    const bogIds = await listCaseIds(srv, s['caseworker.bog']);
    assert.deepEqual(bogIds, [bog1.id], 'BOG got a case it did not create');
  });

  it('the other office cannot list the case', async () => {
    const bogIds = await listCaseIds(srv, s['caseworker.bog']);
    assert.ok(!bogIds.includes(bkk1.id));
    assert.ok(bogIds.includes(bog1.id));
    const r = await srv.api('GET', '/api/v1/cases?per_page=50', { session: s['caseworker.bog'] });
    assert.equal(r.status, 200);
    for (const c of r.json.cases) assert.equal(c.office, 'BOG', `BOG sees case ${c.case_number}`);
    assert.equal(r.json.total, r.json.cases.length);

    const bkkIds = await listCaseIds(srv, s['caseworker.bkk']);
    assert.ok(!bkkIds.includes(bog1.id), 'BKK sees the BOG case');
  });

  it('the other office gets 404 on GET, exactly as for a missing case', async () => {
    const denied = await srv.api('GET', `/api/v1/cases/${bkk1.id}`, { session: s['caseworker.bog'] });
    const missing = await srv.api('GET', '/api/v1/cases/987654', { session: s['caseworker.bog'] });
    assertApiError(denied, 404);
    assertApiError(missing, 404);
    assert.equal(denied.text, missing.text, 'a foreign case is distinguishable from a missing one');
    assert.equal(denied.headers['content-type'], missing.headers['content-type']);
    assert.ok(!denied.text.includes(bkk1.case_number), 'the 404 names the case');
  });

  it('the other office gets 404 on PATCH and nothing changes', async () => {
    const orig = await getCase(srv, s['caseworker.bkk'], bkk1.id);
    const denied = await srv.api('PATCH', `/api/v1/cases/${bkk1.id}`,
      { session: s['caseworker.bog'], body: { status: 'Closed' } });
    const missing = await srv.api('PATCH', '/api/v1/cases/987654',
      { session: s['caseworker.bog'], body: { status: 'Closed' } });
    assertApiError(denied, 404);
    assertApiError(missing, 404);
    assert.equal(denied.text, missing.text);
    const denied2 = await srv.api('PATCH', `/api/v1/cases/${bkk1.id}`,
      { session: s['caseworker.bog'], body: { assigned_to: ids['caseworker.bog'] } });
    assertApiError(denied2, 404);
    assert.deepEqual(await getCase(srv, s['caseworker.bkk'], bkk1.id), orig, 'a foreign PATCH changed the case');
  });

  it('the office manager sees the office\'s cases', async () => {
    const mIds = await listCaseIds(srv, s['manager.bkk']);
    assert.ok(mIds.includes(bkk1.id) && mIds.includes(bkk2.id));
    assert.ok(!mIds.includes(bog1.id));
    const c = await getCase(srv, s['manager.bkk'], bkk1.id);
    assert.equal(c.case_number, bkk1.case_number);
    assertApiError(await srv.api('GET', `/api/v1/cases/${bog1.id}`, { session: s['manager.bkk'] }), 404);
  });

  it('an admin granted case access sees all offices; the admin without it and the programme manager do not', async () => {
    const all = await listCaseIds(srv, s.dpo);
    for (const c of [bkk1, bkk2, bog1]) assert.ok(all.includes(c.id), `dpo does not list ${c.case_number}`);
    assert.equal((await getCase(srv, s.dpo, bkk1.id)).office, 'BKK');
    assert.equal((await getCase(srv, s.dpo, bog1.id)).office, 'BOG');
    /* No case content by role: refused as a researcher is. */
    assertApiError(await srv.api('GET', '/api/v1/cases', { session: s.admin }), 403, 'admin list:');
    assertApiError(await srv.api('GET', `/api/v1/cases/${bkk1.id}`, { session: s.admin }), 403, 'admin get:');
    /* No case here is referred to headquarters (no fund request). */
    assert.deepEqual(await listCaseIds(srv, s.pm), [], 'pm lists cases not referred to HQ');
    for (const c of [bkk1, bog1]) {
      assertApiError(await srv.api('GET', `/api/v1/cases/${c.id}`, { session: s.pm }), 404, `pm get ${c.case_number}:`);
    }
  });

  it('a researcher gets 403 on cases', async () => {
    const r = s.researcher;
    assertApiError(await srv.api('GET', '/api/v1/cases', { session: r }), 403, 'list:');
    assertApiError(await srv.api('GET', `/api/v1/cases/${bkk1.id}`, { session: r }), 403, 'get:');
    const before = await caseCount(srv, s.dpo);
    const create = await srv.api('POST', '/api/v1/cases', { session: r, body: {} });
    assert.ok([403, 404].includes(create.status), `researcher create: ${create.status}`);
    const orig = await getCase(srv, s.dpo, bkk1.id);
    const patch = await srv.api('PATCH', `/api/v1/cases/${bkk1.id}`, { session: r, body: { status: 'Closed' } });
    assert.ok([403, 404].includes(patch.status), `researcher patch: ${patch.status}`);
    assert.equal(await caseCount(srv, s.dpo), before);
    assert.deepEqual(await getCase(srv, s.dpo, bkk1.id), orig);
  });

  it('PATCH status', async () => {
    const orig = await getCase(srv, s['caseworker.bkk'], bkk2.id);
    const r = await srv.api('PATCH', `/api/v1/cases/${bkk2.id}`,
      { session: s['caseworker.bkk'], body: { status: 'FollowUp', version: orig.version } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, bkk2.id);
    assert.equal(r.json.status, 'FollowUp');
    assert.ok(r.json.version > orig.version, 'version did not move');
    const now = await getCase(srv, s['caseworker.bkk'], bkk2.id);
    assert.equal(now.status, 'FollowUp');
    assert.equal(now.version, r.json.version);
    assert.equal(now.case_number, orig.case_number);

    for (const st of CASE_STATUSES) {
      const cur = await getCase(srv, s['manager.bkk'], bkk2.id);
      const x = await srv.api('PATCH', `/api/v1/cases/${bkk2.id}`,
        { session: s['manager.bkk'], body: { status: st, version: cur.version } });
      assert.equal(x.status, 200, `status ${st}: ${x.text}`);
      assert.equal(x.json.status, st);
    }
    const back = await srv.api('PATCH', `/api/v1/cases/${bkk2.id}`,
      { session: s['caseworker.bkk'], body: { status: 'FollowUp' } });
    assert.equal(back.status, 200, `PATCH without version: ${back.text}`);
  });

  it('status filter', async () => {
    const fu = await listCaseIds(srv, s['caseworker.bkk'], 'status=FollowUp');
    assert.ok(fu.includes(bkk2.id));
    assert.ok(!fu.includes(bkk1.id));
    const act = await listCaseIds(srv, s['caseworker.bkk'], 'status=Active');
    assert.ok(act.includes(bkk1.id));
    assert.ok(!act.includes(bkk2.id));
    const r = await srv.api('GET', '/api/v1/cases?status=FollowUp', { session: s.dpo });
    assert.equal(r.status, 200);
    assert.ok(r.json.cases.length >= 1);
    for (const c of r.json.cases) assert.equal(c.status, 'FollowUp');
    const closed = await srv.api('GET', '/api/v1/cases?status=ClosedReferred', { session: s.dpo });
    assert.equal(closed.status, 200);
    assert.equal(closed.json.total, 0);
    assert.deepEqual(closed.json.cases, []);
  });

  it('paging: page, per_page, total, newest first', async () => {
    // Five BKK cases in all for this check.
    while ((await listCaseIds(srv, s['caseworker.bkk'])).length < 5) await createCase(srv, s['caseworker.bkk']);
    const all = await srv.api('GET', '/api/v1/cases?page=1&per_page=50', { session: s['caseworker.bkk'] });
    assert.equal(all.status, 200);
    assert.equal(all.json.page, 1);
    assert.equal(all.json.per_page, 50);
    const total = all.json.total;
    assert.ok(total >= 5);
    assert.equal(all.json.cases.length, total);
    const allIds = all.json.cases.map((c) => c.id);
    assert.deepEqual(allIds, [...allIds].sort((a, b) => b - a), 'not newest first');

    const got = [];
    for (let page = 1; page <= Math.ceil(total / 2); page++) {
      const r = await srv.api('GET', `/api/v1/cases?page=${page}&per_page=2`, { session: s['caseworker.bkk'] });
      assert.equal(r.status, 200);
      assert.equal(r.json.page, page);
      assert.equal(r.json.per_page, 2);
      assert.equal(r.json.total, total);
      assert.equal(r.json.cases.length, Math.min(2, total - (page - 1) * 2));
      got.push(...r.json.cases.map((c) => c.id));
    }
    assert.deepEqual(got, allIds, 'pages do not add up to the whole list');
    const past = await srv.api('GET', `/api/v1/cases?page=${total + 1}&per_page=2`, { session: s['caseworker.bkk'] });
    assert.equal(past.status, 200);
    assert.deepEqual(past.json.cases, []);
    assert.equal(past.json.total, total);
  });

  it('PATCH assigned_to: a caseworker or manager of the case\'s office', async () => {
    const orig = await getCase(srv, s['manager.bkk'], bkk1.id);
    const r = await srv.api('PATCH', `/api/v1/cases/${bkk1.id}`,
      { session: s['manager.bkk'], body: { assigned_to: ids['caseworker.bkk'] } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.assigned_to, ids['caseworker.bkk']);
    assert.equal(r.json.assigned_username, 'caseworker.bkk');
    assert.ok(r.json.version > orig.version);

    const toMgr = await srv.api('PATCH', `/api/v1/cases/${bkk1.id}`,
      { session: s['manager.bkk'], body: { assigned_to: ids['manager.bkk'] } });
    assert.equal(toMgr.status, 200, toMgr.text);
    assert.equal(toMgr.json.assigned_username, 'manager.bkk');

    const cur = await getCase(srv, s['manager.bkk'], bkk1.id);
    for (const [who, uid] of [['caseworker.bog', ids['caseworker.bog']], ['pm', ids.pm],
      ['researcher', ids.researcher], ['admin', ids.admin], ['nobody', 999999]]) {
      const bad = await srv.api('PATCH', `/api/v1/cases/${bkk1.id}`,
        { session: s['manager.bkk'], body: { assigned_to: uid } });
      assertApiError(bad, 400, `assign ${who}:`);
    }
    assert.deepEqual(await getCase(srv, s['manager.bkk'], bkk1.id), cur, 'a refused assignment changed the case');

    const none = await srv.api('PATCH', `/api/v1/cases/${bkk1.id}`,
      { session: s['manager.bkk'], body: { assigned_to: null } });
    assert.equal(none.status, 200, none.text);
    assert.equal(none.json.assigned_to, null);
  });

  it('a stale version answers 409 and changes nothing', async () => {
    const v0 = (await getCase(srv, s['caseworker.bkk'], bkk1.id)).version;
    const first = await srv.api('PATCH', `/api/v1/cases/${bkk1.id}`,
      { session: s['caseworker.bkk'], body: { status: 'Closed', version: v0 } });
    assert.equal(first.status, 200, first.text);
    const mid = await getCase(srv, s['caseworker.bkk'], bkk1.id);
    const stale = await srv.api('PATCH', `/api/v1/cases/${bkk1.id}`,
      { session: s['manager.bkk'], body: { status: 'FollowUp', version: v0 } });
    assertApiError(stale, 409);
    assert.deepEqual(await getCase(srv, s['caseworker.bkk'], bkk1.id), mid);
  });

  it('an invalid status answers 400 with fields.status', async () => {
    const orig = await getCase(srv, s['caseworker.bkk'], bkk1.id);
    for (const st of ['Open', 'active', '', 'Closed;--']) {
      const r = await srv.api('PATCH', `/api/v1/cases/${bkk1.id}`,
        { session: s['caseworker.bkk'], body: { status: st } });
      const j = assertApiError(r, 400, `status ${JSON.stringify(st)}:`);
      assert.equal(typeof j.fields, 'object', `no fields: ${r.text}`);
      assert.equal(typeof j.fields.status, 'string');
      assert.ok(j.fields.status.length > 0);
    }
    const before = await caseCount(srv, s.dpo);
    const c = await srv.api('POST', '/api/v1/cases', { session: s['caseworker.bkk'], body: { status: 'Bogus' } });
    assert.equal(assertApiError(c, 400).fields?.status?.length > 0, true, c.text);
    assert.equal(await caseCount(srv, s.dpo), before);
    assert.deepEqual(await getCase(srv, s['caseworker.bkk'], bkk1.id), orig);
  });
});
