/*
 * partners.test.mjs - organisations of the registry as partners of the
 * fund's projects, and projects that can be changed: who may do it
 * (every role, over the API and the pages, refusals audited), what the
 * project and the organisation then show, bad input refused with a
 * message naming the field and nothing saved, a budget never lowered
 * below what it has committed, one audit row per change. And the case
 * file's referral organisation offering the registry's names while
 * staying free text.
 *
 *   CTM_BIN=$PWD/build/test/ctm node --test --test-concurrency=1 tests/http/partners.test.mjs
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { assertApiError, auditEntries, createCase, getFile, saveFile, startServer } from './lib.mjs';

const EXTRA = [
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-5e1a07c2' },
  { username: 'pm.fr', role: 'programme-manager', office: 'HQ', password: 'pw-Programme-FR-9b34d0e1' },
];
/* Every role: the admin, office staff of two offices, the programme
 * manager, a researcher. */
const ROLES = ['admin', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'manager.bog', 'pm', 'researcher'];
const MANAGERS = new Set(['admin', 'pm']);

function sql(srv, query) {
  return execFileSync('sqlite3', ['-batch', '-noheader', srv.db, query],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const decode = (s) => s.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&amp;/g, '&');

const detailOf = (e) => (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail);

describe('project partners and project changes', () => {
  let srv;
  const s = {};
  const org = {};
  let seq = 0;

  const form = (session, fields) => ({
    session,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: session.csrf, ...fields }).toString(),
  });
  const newProject = async (body = {}) => {
    const r = await srv.api('POST', '/api/v1/projects', {
      session: s.pm, body: { name: `Project ${++seq}`, currency: 'USD', budget: '10000', ...body },
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const getProject = async (id, who = 'pm') => {
    const r = await srv.api('GET', `/api/v1/projects/${id}`, { session: s[who] });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const addPartner = (who, pid, body) => srv.api('POST', `/api/v1/projects/${pid}/partners`,
    { session: s[who], body });
  const removePartner = (who, pid, oid) => srv.api('DELETE', `/api/v1/projects/${pid}/partners/${oid}`,
    { session: s[who] });
  const patch = (who, pid, body) => srv.api('PATCH', `/api/v1/projects/${pid}`, { session: s[who], body });
  const partnerRows = () => sql(srv, 'SELECT project_id, org_id, role FROM project_partners ORDER BY 1, 2');
  const projectRows = () => sql(srv, 'SELECT * FROM projects ORDER BY id');
  const budgetRows = () => sql(srv, 'SELECT * FROM fund_budgets ORDER BY project_id, currency');
  const newOrg = async (body) => {
    const r = await srv.api('POST', '/api/v1/organisations', { session: s.admin, body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };

  before(async () => {
    srv = await startServer({ extraUsers: EXTRA });
    for (const u of [...ROLES, 'pm.fr']) s[u] = await srv.login(u);
    const lang = await srv.api('PATCH', '/api/v1/me', { session: s['pm.fr'], body: { lang: 'fr' } });
    assert.equal(lang.status, 200, lang.text);
    org.ngo = await newOrg({ name: 'Fundación Esperanza', type: 'NGO', country: 'CO', city: 'Bogotá' });
    org.health = await newOrg({ name: 'Hospital San Ignacio', type: 'HealthServiceOrganisation', country: 'CO' });
    org.intl = await newOrg({ name: 'Shelter Network', type: 'InternationalOrganisation' });
    org.old = await newOrg({ name: 'Closed Foundation', type: 'NGO', country: 'TH' });
    const r = await srv.api('PATCH', `/api/v1/organisations/${org.old.id}`,
      { session: s.admin, body: { disabled: true } });
    assert.equal(r.status, 200, r.text);
  });
  after(async () => { await srv?.stop(); });

  describe('partners over the API', () => {
    it('a project lists its partners with the organisation\'s name, type, country and role', async () => {
      const p = await newProject({
        partners: [{ organisation_id: org.ngo.id, role: 'implementing partner' },
          { organisation_id: org.intl.id }],
      });
      assert.deepEqual(p.partners, [
        { organisation_id: org.ngo.id, name: 'Fundación Esperanza', type: 'NGO', country: 'CO',
          role: 'implementing partner', disabled: false },
        { organisation_id: org.intl.id, name: 'Shelter Network', type: 'InternationalOrganisation',
          country: null, role: null, disabled: false },
      ]);
      let r = await addPartner('pm', p.id, { organisation_id: org.health.id, role: '  shelter provider ' });
      assert.equal(r.status, 201, r.text);
      const got = await getProject(p.id, 'admin');
      assert.deepEqual(got.partners.map((x) => [x.name, x.role]), [
        ['Fundación Esperanza', 'implementing partner'], ['Hospital San Ignacio', 'shelter provider'],
        ['Shelter Network', null]]);
      /* The organisation shows the project, to who sees projects. */
      r = await srv.api('GET', `/api/v1/organisations/${org.health.id}`, { session: s.pm });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.projects, [{ id: p.id, name: p.name, role: 'shelter provider' }]);
      r = await srv.api('GET', '/api/v1/organisations', { session: s.admin });
      assert.deepEqual(r.json.organisations.find((o) => o.id === org.ngo.id).projects,
        [{ id: p.id, name: p.name, role: 'implementing partner' }]);
      /* Office staff read the registry, not the fund's projects. */
      r = await srv.api('GET', `/api/v1/organisations/${org.health.id}`, { session: s['caseworker.bkk'] });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.name, 'Hospital San Ignacio');
      assert.ok(!('projects' in r.json), r.text);
      r = await srv.api('GET', '/api/v1/organisations', { session: s['manager.bog'] });
      assert.ok(r.json.organisations.every((o) => !('projects' in o)), r.text);
      /* Removed: gone from both sides. */
      r = await removePartner('admin', p.id, org.health.id);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.partners.map((x) => x.organisation_id), [org.ngo.id, org.intl.id]);
      r = await srv.api('GET', `/api/v1/organisations/${org.health.id}`, { session: s.pm });
      assert.deepEqual(r.json.projects, []);
    });

    it('every role: adding, removing, reading partners', async () => {
      for (const who of ROLES) {
        const p = await newProject({ partners: [{ organisation_id: org.intl.id, role: 'shelters' }] });
        const before = partnerRows();
        let r = await addPartner(who, p.id, { organisation_id: org.ngo.id, role: `by ${who}` });
        assert.equal(r.status, MANAGERS.has(who) ? 201 : 403, `add as ${who}: ${r.text}`);
        if (r.status === 403) {
          assertApiError(r, 403);
          assert.equal(partnerRows(), before, `a refused add as ${who} changed the partners`);
        } else {
          assert.ok(r.json.partners.some((x) => x.organisation_id === org.ngo.id && x.role === `by ${who}`));
        }
        const mid = partnerRows();
        r = await removePartner(who, p.id, org.intl.id);
        assert.equal(r.status, MANAGERS.has(who) ? 200 : 403, `remove as ${who}: ${r.text}`);
        if (r.status === 403) assert.equal(partnerRows(), mid, `a refused removal as ${who} changed the partners`);
        else assert.ok(!r.json.partners.some((x) => x.organisation_id === org.intl.id));
        r = await srv.api('GET', `/api/v1/projects/${p.id}`, { session: s[who] });
        assert.equal(r.status, MANAGERS.has(who) ? 200 : 403, `read as ${who}`);
        /* A refusal for the role answers alike for a project that does not exist. */
        r = await addPartner(who, 999999, { organisation_id: org.ngo.id });
        assert.equal(r.status, MANAGERS.has(who) ? 404 : 403, `add to a missing project as ${who}`);
        r = await srv.api('POST', '/api/v1/projects', {
          session: s[who], body: { name: `By ${who}`, currency: 'USD', budget: 5, partners: [{ organisation_id: org.ngo.id }] },
        });
        assert.equal(r.status, MANAGERS.has(who) ? 201 : 403, `create with partners as ${who}: ${r.text}`);
      }
    });

    it('refusals are audited, with the project', async () => {
      const p = await newProject();
      for (const who of ROLES.filter((x) => !MANAGERS.has(x))) {
        await addPartner(who, p.id, { organisation_id: org.ngo.id });
        await removePartner(who, p.id, org.ngo.id);
        await patch(who, p.id, { name: 'Taken over' });
      }
      const denied = (await auditEntries(srv, s.admin, 'action=project.')).filter(
        (e) => e.action.endsWith('.denied') && detailOf(e)?.project === p.id);
      for (const who of ROLES.filter((x) => !MANAGERS.has(x))) {
        const mine = denied.filter((e) => e.user === who).map((e) => e.action).sort();
        assert.deepEqual(mine, ['project.partner.denied', 'project.partner.denied', 'project.update.denied'], who);
      }
      assert.equal((await getProject(p.id)).name, p.name);
    });

    it('an organisation that is not the registry\'s is a 400 naming the field, and nothing is saved', async () => {
      const p = await newProject({ partners: [{ organisation_id: org.ngo.id }] });
      const before = partnerRows();
      for (const [body, field, status] of [
        [{ organisation_id: 999999 }, 'organisation_id', 400],
        [{ organisation_id: 0 }, 'organisation_id', 400],
        [{ organisation_id: -3 }, 'organisation_id', 400],
        [{ organisation_id: String(org.health.id) }, 'organisation_id', 400],
        [{ organisation_id: org.health.id + 0.5 }, 'organisation_id', 400],
        [{}, 'organisation_id', 400],
        [{ organisation_id: null }, 'organisation_id', 400],
        [{ organisation_id: org.old.id }, 'organisation_id', 400],
        [{ organisation_id: org.health.id, role: 'x'.repeat(201) }, 'role', 400],
        [{ organisation_id: org.health.id, role: 12 }, 'role', 400],
        [{ organisation_id: org.health.id, role: 'one\nline' }, 'role', 400],
        [{ organisation_id: org.ngo.id, role: 'again' }, 'organisation_id', 409],
      ]) {
        const r = await addPartner('pm', p.id, body);
        const e = assertApiError(r, status, JSON.stringify(body));
        assert.equal(typeof e.fields?.[field], 'string', `${JSON.stringify(body)}: ${r.text}`);
      }
      let r = await addPartner('pm', p.id, { organisation_id: 999999 });
      assert.match(r.json.error, /999999/);
      assert.match(r.json.error, /organisation_id/);
      r = await addPartner('pm', p.id, { organisation_id: org.health.id, colour: 'red' });
      assertApiError(r, 400);
      assert.equal(partnerRows(), before, 'a refused partner was saved');
      /* 200 characters, however many bytes, are a role. */
      r = await addPartner('pm', p.id, { organisation_id: org.health.id, role: 'é'.repeat(200) });
      assert.equal(r.status, 201, r.text);
      /* Removing one that is not a partner, or no organisation at all. */
      const mid = partnerRows();
      for (const tail of [String(org.intl.id), '999999', 'abc', '0', `${org.ngo.id}x`]) {
        r = await srv.api('DELETE', `/api/v1/projects/${p.id}/partners/${tail}`, { session: s.pm });
        assertApiError(r, 404, tail);
      }
      r = await removePartner('pm', 999999, org.ngo.id);
      assertApiError(r, 404);
      assert.equal(partnerRows(), mid);
    });

    it('a new project naming a wrong partner is not made at all', async () => {
      const projects = projectRows();
      const budgets = budgetRows();
      const partners = partnerRows();
      for (const [partnersIn, field] of [
        [[{ organisation_id: org.ngo.id }, { organisation_id: 424242 }], 'partners[1].organisation_id'],
        [[{ organisation_id: org.ngo.id }, { organisation_id: org.ngo.id }], 'partners[1].organisation_id'],
        [[{ organisation_id: org.old.id }], 'partners[0].organisation_id'],
        [[{ organisation_id: org.ngo.id, role: 'x'.repeat(201) }], 'partners[0].role'],
        [[{ organisation_id: org.ngo.id, role: false }], 'partners[0].role'],
        [[{ organisation_id: org.ngo.id, colour: 'red' }], 'partners[0].colour'],
        [[17], 'partners[0]'],
        [{ organisation_id: org.ngo.id }, 'partners'],
      ]) {
        const r = await srv.api('POST', '/api/v1/projects', {
          session: s.pm, body: { name: 'Never made', currency: 'USD', budget: 100, partners: partnersIn },
        });
        const e = assertApiError(r, 400, field);
        assert.equal(typeof e.fields?.[field], 'string', `${field}: ${r.text}`);
      }
      assert.equal(projectRows(), projects);
      assert.equal(budgetRows(), budgets);
      assert.equal(partnerRows(), partners);
    });

    it('audits each partner added and removed, with its role', async () => {
      const p = await newProject({ partners: [{ organisation_id: org.ngo.id, role: 'lead' }] });
      assert.equal((await addPartner('admin', p.id, { organisation_id: org.health.id })).status, 201);
      assert.equal((await removePartner('pm', p.id, org.ngo.id)).status, 200);
      const rows = (await auditEntries(srv, s.admin, 'action=project.partner.'))
        .filter((e) => detailOf(e).project === p.id && !e.action.endsWith('.denied'))
        .map((e) => [e.action, e.user, e.object, detailOf(e)]);
      assert.deepEqual(rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [
        ['project.partner.add', 'admin', `project:${p.id}`, { project: p.id, organisation: org.health.id }],
        ['project.partner.add', 'pm', `project:${p.id}`, { project: p.id, organisation: org.ngo.id, role: 'lead' }],
        ['project.partner.remove', 'pm', `project:${p.id}`, { project: p.id, organisation: org.ngo.id, role: 'lead' }],
      ]);
    });
  });

  describe('changing a project over the API', () => {
    let caseBkk;
    before(async () => { caseBkk = await createCase(srv, s['manager.bkk']); });

    /* A project with 300.00 USD committed to an approved request. */
    async function committed(body = {}) {
      const p = await newProject({ budget: '1000', ...body });
      let r = await srv.api('POST', `/api/v1/cases/${caseBkk.id}/fund-requests`, {
        session: s['caseworker.bkk'], body: { type: 'medical', amount: '300', currency: 'USD', justification: 'Clinic.' },
      });
      assert.equal(r.status, 201, r.text);
      r = await srv.api('POST', `/api/v1/fund-requests/${r.json.id}/decision`,
        { session: s.pm, body: { decision: 'approve', project_id: p.id, reason: 'ok' } });
      assert.equal(r.status, 200, r.text);
      return p;
    }

    it('every role: PATCH /projects/{id}', async () => {
      for (const who of ROLES) {
        const p = await newProject({ region: 'Andes' });
        const before = projectRows();
        const r = await patch(who, p.id, { region: `Region of ${who}` });
        assert.equal(r.status, MANAGERS.has(who) ? 200 : 403, `${who}: ${r.text}`);
        if (r.status === 403) {
          assertApiError(r, 403);
          assert.equal(projectRows(), before, `a refused change as ${who} was saved`);
        } else {
          assert.equal(r.json.region, `Region of ${who}`);
        }
        const missing = await patch(who, 999999, { region: 'x' });
        assert.equal(missing.status, MANAGERS.has(who) ? 404 : 403, `missing project as ${who}`);
      }
    });

    it('changes name, region, period, target, target group and budget, each audited old → new', async () => {
      const p = await committed({ region: 'Andes', start: '2026-01-01', end: '2026-12-31', target: 50,
        target_group: 'Adults' });
      let r = await patch('pm', p.id, {
        name: `${p.name} (phase II)`, region: 'Pacific coast', start: '2026-02-01', end: '2027-06-30',
        target: 120, target_group: 'Adults and children', budget: '1500.50',
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.name, `${p.name} (phase II)`);
      assert.equal(r.json.region, 'Pacific coast');
      assert.equal(r.json.start, '2026-02-01');
      assert.equal(r.json.end, '2027-06-30');
      assert.equal(r.json.target, 120);
      assert.equal(r.json.target_group, 'Adults and children');
      assert.equal(r.json.budget, '1500.50');
      assert.deepEqual(r.json.budgets, [{ currency: 'USD', budget: '1500.50', committed: '300.00',
        disbursed: '0.00', remaining: '1200.50' }]);
      assert.equal(r.json.currency, 'USD');
      const rows = (await auditEntries(srv, s.admin, 'action=project.update'))
        .filter((e) => e.action === 'project.update' && detailOf(e).project === p.id)
        .map((e) => { assert.equal(e.user, 'pm'); assert.equal(e.object, `project:${p.id}`); return detailOf(e); });
      const byField = Object.fromEntries(rows.map((d) => [d.field, d]));
      assert.equal(rows.length, 7, JSON.stringify(rows));
      assert.deepEqual(byField.name, { project: p.id, field: 'name', old: p.name, new: `${p.name} (phase II)` });
      assert.deepEqual(byField.region, { project: p.id, field: 'region', old: 'Andes', new: 'Pacific coast' });
      assert.deepEqual(byField.start, { project: p.id, field: 'start', old: '2026-01-01', new: '2026-02-01' });
      assert.deepEqual(byField.end, { project: p.id, field: 'end', old: '2026-12-31', new: '2027-06-30' });
      assert.deepEqual(byField.target, { project: p.id, field: 'target', old: 50, new: 120 });
      assert.deepEqual(byField.target_group,
        { project: p.id, field: 'target_group', old: 'Adults', new: 'Adults and children' });
      assert.deepEqual(byField.budget,
        { project: p.id, field: 'budget', currency: 'USD', old: '1000.00', new: '1500.50' });
      /* null clears what may be empty; sending the same values changes and audits nothing. */
      r = await patch('admin', p.id, { region: null, end: null, target: null });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.region, '');
      assert.equal(r.json.end, null);
      assert.equal(r.json.target, 0);
      const n = (await auditEntries(srv, s.admin, 'action=project.update')).length;
      r = await patch('pm', p.id, { name: `${p.name} (phase II)`, budget: 1500.5, start: '2026-02-01' });
      assert.equal(r.status, 200, r.text);
      assert.equal((await auditEntries(srv, s.admin, 'action=project.update')).length, n);
    });

    it('never lowers a budget below what is committed in it: 409, and nothing of the change is saved', async () => {
      const p = await committed({ budgets: [{ currency: 'EUR', budget: '200' }] });
      const before = [projectRows(), budgetRows()];
      const audits = (await auditEntries(srv, s.admin, 'action=project.update')).length;
      let r = await patch('pm', p.id, { name: 'Renamed in vain', budget: '299.99' });
      const e = assertApiError(r, 409);
      assert.equal(typeof e.fields?.budget, 'string', r.text);
      assert.match(e.error, /USD/);
      assert.match(e.error, /300\.00/);
      r = await patch('pm', p.id, { region: 'Elsewhere', budgets: [{ currency: 'EUR', budget: '150' }, { currency: 'USD', budget: '1' }] });
      assert.equal(assertApiError(r, 409).fields?.budgets !== undefined, true, r.text);
      /* In the reader's language, with the amount as the reader writes it. */
      r = await patch('pm.fr', p.id, { budget: '10' });
      assertApiError(r, 409);
      assert.match(r.json.error, /300,00/);
      assert.match(r.json.error, /ne peut pas être inférieur au montant déjà engagé/);
      assert.deepEqual([projectRows(), budgetRows()], before);
      assert.equal((await auditEntries(srv, s.admin, 'action=project.update')).length, audits);
      /* Down to exactly what is committed is allowed. */
      r = await patch('pm', p.id, { budget: 300 });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.budgets.find((b) => b.currency === 'USD').remaining, '0.00');
      /* A further line lowered, and a new one added. */
      r = await patch('pm', p.id, { budgets: [{ currency: 'EUR', budget: '150' }, { currency: 'THB', budget: '35000' }] });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.budgets.map((b) => [b.currency, b.budget]),
        [['EUR', '150.00'], ['THB', '35000.00'], ['USD', '300.00']]);
      const thb = (await auditEntries(srv, s.admin, 'action=project.update'))
        .map(detailOf).find((d) => d.project === p.id && d.currency === 'THB');
      assert.deepEqual(thb, { project: p.id, field: 'budget', currency: 'THB', old: null, new: '35000.00' });
    });

    it('refuses bad changes with a message naming the field, and saves nothing', async () => {
      const p = await newProject({ start: '2026-03-01', end: '2026-09-30' });
      const other = await newProject();
      const before = [projectRows(), budgetRows()];
      for (const [body, field, status] of [
        [{ name: '' }, 'name', 400], [{ name: null }, 'name', 400], [{ name: '   ' }, 'name', 400],
        [{ name: 'x'.repeat(301) }, 'name', 400], [{ name: 7 }, 'name', 400],
        [{ name: other.name }, 'name', 409],
        [{ start: '2026-13-01' }, 'start', 400], [{ end: '30/09/2026' }, 'end', 400],
        [{ end: '2026-02-28' }, 'end', 400], [{ start: '2026-10-01' }, 'end', 400],
        [{ target: -1 }, 'target', 400], [{ target: 1.5 }, 'target', 400], [{ target: 'ten' }, 'target', 400],
        [{ target_group: 'x'.repeat(1024) }, 'target_group', 400], [{ region: 'x'.repeat(128) }, 'region', 400],
        [{ budget: 0 }, 'budget', 400], [{ budget: '-5' }, 'budget', 400], [{ budget: '1.005' }, 'budget', 400],
        [{ budget: true }, 'budget', 400],
        [{ budgets: [{ currency: 'usd', budget: 5 }] }, 'budgets', 400],
        [{ budgets: [{ currency: 'EUR', budget: 5 }, { currency: 'EUR', budget: 6 }] }, 'budgets', 400],
        [{ budget: 5, budgets: [{ currency: 'USD', budget: 6 }] }, 'budgets', 400],
        [{ budgets: 'EUR 5' }, 'budgets', 400],
        [{ currency: 'EUR' }, 'currency', 400],
      ]) {
        const r = await patch('pm', p.id, { region: 'Changed in vain', ...body });
        const e = assertApiError(r, status, JSON.stringify(body).slice(0, 80));
        assert.equal(typeof e.fields?.[field], 'string', `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
      }
      assertApiError(await patch('pm', p.id, { colour: 'red' }), 400);
      assert.deepEqual([projectRows(), budgetRows()], before);
    });
  });

  describe('pages', () => {
    it('every role: the project page\'s partner and change forms', async () => {
      for (const who of ROLES) {
        const p = await newProject({ partners: [{ organisation_id: org.intl.id }] });
        const before = [projectRows(), budgetRows(), partnerRows()];
        const expect = MANAGERS.has(who) ? 303 : 403;
        let r = await srv.api('POST', `/projects/${p.id}`, form(s[who],
          { action: 'partner', organisation_id: String(org.ngo.id), role: 'partner by form' }));
        assert.equal(r.status, expect, `partner as ${who}: ${r.text.slice(0, 200)}`);
        r = await srv.api('POST', `/projects/${p.id}`, form(s[who],
          { action: 'unpartner', organisation_id: String(org.intl.id) }));
        assert.equal(r.status, expect, `unpartner as ${who}`);
        r = await srv.api('POST', `/projects/${p.id}`, form(s[who], {
          action: 'edit', name: `${p.name} by ${who}`, region: 'Form', start: '', end: '', target: '7',
          target_group: 'Families', budget_USD: '12,000.00',
        }));
        assert.equal(r.status, expect, `edit as ${who}`);
        if (expect === 403) {
          assert.deepEqual([projectRows(), budgetRows(), partnerRows()], before, `${who} changed something`);
          continue;
        }
        const got = await getProject(p.id);
        assert.deepEqual(got.partners.map((x) => [x.organisation_id, x.role]), [[org.ngo.id, 'partner by form']]);
        assert.equal(got.name, `${p.name} by ${who}`);
        assert.equal(got.region, 'Form');
        assert.equal(got.target, 7);
        assert.equal(got.target_group, 'Families');
        assert.equal(got.budget, '12000.00');
      }
      const denied = (await auditEntries(srv, s.admin, 'action=project.'))
        .filter((e) => e.action.endsWith('.denied') && e.user === 'caseworker.bog').map((e) => e.action);
      assert.ok(denied.includes('project.partner.denied') && denied.includes('project.update.denied'), denied.join());
    });

    it('the project page shows the partners, offers the registry\'s organisations in use, and pre-fills the change form', async () => {
      const p = await newProject({ region: 'Mekong', target: 900, partners: [{ organisation_id: org.ngo.id, role: 'lead <b>' }] });
      let r = await srv.api('GET', `/projects/${p.id}`, { session: s.pm });
      assert.equal(r.status, 200);
      const html = decode(r.text);
      assert.match(html, /<td>Fundación Esperanza<\/td><td>NGO<\/td><td>CO<\/td><td>lead <b><\/td>/);
      assert.ok(!r.text.includes('lead <b>'), 'the role is escaped');
      const select = /<select id="partner-org"[^]*?<\/select>/.exec(html)[0];
      assert.match(select, new RegExp(`<option value="${org.health.id}">Hospital San Ignacio \\(CO\\)</option>`));
      assert.match(select, new RegExp(`<option value="${org.intl.id}">Shelter Network</option>`));
      assert.ok(!select.includes('Closed Foundation'), 'a disabled organisation is offered');
      assert.ok(!select.includes('Fundación Esperanza'), 'a partner is offered again');
      assert.match(html, new RegExp(`name="name" type="text" required maxlength="300" value="${p.name}"`));
      assert.match(html, /name="region" type="text"  value="Mekong"/);
      assert.match(html, /name="target" type="number" min="0" value="900"/);
      assert.match(html, /name="budget_USD" type="text" inputmode="decimal" required value="10,000.00"/);
      /* Those who may not manage projects see the partners, not the forms. */
      r = await srv.api('GET', `/projects/${p.id}`, { session: s.admin });
      assert.match(r.text, /partner-org/);
      for (const who of ['caseworker.bkk', 'researcher']) {
        r = await srv.api('GET', `/projects/${p.id}`, { session: s[who] });
        assert.equal(r.status, 403, who);
      }
    });

    it('a refused change shows the form again with the message and what was typed, nothing saved', async () => {
      const caseBkk = await createCase(srv, s['manager.bkk']);
      const p = await newProject({ budget: '1000' });
      let r = await srv.api('POST', `/api/v1/cases/${caseBkk.id}/fund-requests`, {
        session: s['caseworker.bkk'], body: { type: 'return', amount: '400', currency: 'USD', justification: 'Bus.' },
      });
      r = await srv.api('POST', `/api/v1/fund-requests/${r.json.id}/decision`,
        { session: s.pm, body: { decision: 'approve', project_id: p.id, reason: 'ok' } });
      assert.equal(r.status, 200, r.text);
      const before = [projectRows(), budgetRows(), partnerRows()];
      r = await srv.api('POST', `/projects/${p.id}`, form(s['pm.fr'], {
        action: 'edit', name: 'Nouveau nom', region: '', start: '', end: '', target: '', target_group: '',
        budget_USD: '399,99',
      }));
      assert.equal(r.status, 409);
      let html = decode(r.text);
      assert.match(html, /aria-invalid="true"/);
      assert.match(html, /value="Nouveau nom"/);
      assert.match(html, /400,00/);
      r = await srv.api('POST', `/projects/${p.id}`, form(s.pm,
        { action: 'partner', organisation_id: '999999', role: 'ghost' }));
      assert.equal(r.status, 400);
      html = decode(r.text);
      assert.match(html, /There is no organisation 999999 in the registry/);
      assert.match(html, /value="ghost"/);
      r = await srv.api('POST', `/projects/${p.id}`, form(s.pm, { action: 'unpartner', organisation_id: String(org.ngo.id) }));
      assert.equal(r.status, 404);
      assert.deepEqual([projectRows(), budgetRows(), partnerRows()], before);
      /* A new budget line from the form, in the reader's way of writing amounts. */
      r = await srv.api('POST', `/projects/${p.id}`, form(s['pm.fr'], {
        action: 'edit', name: p.name, region: '', start: '', end: '', target: '', target_group: '',
        budget_USD: '1 000,00', line_currency: 'EUR', line_budget: '2 500,50',
      }));
      assert.equal(r.status, 303, r.text.slice(0, 300));
      assert.deepEqual((await getProject(p.id)).budgets.map((b) => [b.currency, b.budget]),
        [['EUR', '2500.50'], ['USD', '1000.00']]);
    });

    it('the organisations page shows, to who sees projects, the projects each one is a partner of', async () => {
      const p = await newProject({ partners: [{ organisation_id: org.health.id, role: 'clinic' }] });
      let r = await srv.api('GET', '/organisations', { session: s.pm });
      assert.equal(r.status, 200);
      let html = decode(r.text);
      assert.match(html, /<th scope="col">Partner of<\/th>/);
      assert.match(html, new RegExp(`<a href="/projects/${p.id}">${p.name}</a> \\(clinic\\)`));
      r = await srv.api('GET', '/organisations', { session: s['caseworker.bkk'] });
      assert.equal(r.status, 200);
      html = decode(r.text);
      assert.ok(!html.includes('Partner of'), 'office staff see the fund\'s projects');
      assert.ok(!html.includes(p.name));
    });
  });

  describe('the referral organisation of a case file', () => {
    it('offers the registry\'s names in use, and keeps any name typed', async () => {
      const c = await createCase(srv, s['manager.bkk']);
      let r = await srv.api('GET', `/cases/${c.id}/file/referrals`, { session: s['caseworker.bkk'] });
      assert.equal(r.status, 200);
      const html = decode(r.text);
      assert.match(html, /<input type="text" id="f-ref_Organisation" name="ref_Organisation" value="" maxlength="200" list="org-names">/);
      const list = /<datalist id="org-names">([^]*?)<\/datalist>/.exec(html)[1];
      for (const name of ['Fundación Esperanza', 'Hospital San Ignacio', 'Shelter Network']) {
        assert.ok(list.includes(`<option value="${name}">`), name);
      }
      assert.ok(!list.includes('Closed Foundation'), 'a disabled organisation is offered');
      assert.equal((html.match(/<datalist /g) ?? []).length, 1, 'one list per page');
      /* Free text stays free: a body outside the registry is saved as typed. */
      const file = await getFile(srv, s['caseworker.bkk'], c.id);
      const saved = await saveFile(srv, s['caseworker.bkk'], c.id, {
        ...file, referrals: [{ ref_Direction: 'Outgoing', ref_Organisation: 'Parroquia San José (not in the registry)' },
          { ref_Direction: 'Outgoing', ref_Organisation: 'Fundación Esperanza' }],
      });
      assert.deepEqual(saved.referrals.map((x) => x.ref_Organisation),
        ['Parroquia San José (not in the registry)', 'Fundación Esperanza']);
      r = await srv.api('GET', `/cases/${c.id}/file/identification`, { session: s['caseworker.bkk'] });
      assert.equal(r.status, 200);
      assert.match(decode(r.text), /name="idn_ReferringOrganisation" value="" maxlength="200" list="org-names"/);
    });
  });
});
