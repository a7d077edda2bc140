/*
 * journey.test.mjs - one case travels the whole journey: identified,
 * screened, sheltered, a fund request approved at headquarters and
 * disbursed, returned and handed over from Bangkok to Bogotá,
 * reintegration visits, closed; each step on its timeline, which reads
 * in English, French and Spanish.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createCase, getFile, realisticFile, saveFile, startServer } from './lib.mjs';

const MANAGER_BOG = { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-c41e7b' };

function ok(r, what, status = [200, 201]) {
  assert.ok(status.includes(r.status), `${what}: ${r.status} ${r.text}`);
  return r.json;
}

/* ISO date n days from today (UTC). The journey happens in one day, so
 * that its steps are in the order they were recorded. */
function day(n) {
  return new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);
}

describe('the whole journey of one case', () => {
  let srv, cw, mgr, pm, bogMgr, bogCw;
  let caseId;

  before(async () => {
    srv = await startServer({ extraUsers: [MANAGER_BOG] });
    cw = await srv.login('caseworker.bkk');
    mgr = await srv.login('manager.bkk');
    pm = await srv.login('pm');
    bogMgr = await srv.login('manager.bog');
    bogCw = await srv.login('caseworker.bog');
  });
  after(async () => { await srv?.stop(); });

  it('travels from identification to closure', async () => {
    /* Identified and registered in Bangkok, assigned to the caseworker. */
    const c = await createCase(srv, mgr, { assigned_to: cw.user.id });
    caseId = c.id;

    /* Screened: the case file with consent and the screening decision. */
    const file = await getFile(srv, cw, caseId);
    await saveFile(srv, cw, caseId, realisticFile(file));

    /* Sheltered. */
    const shelter = ok(await srv.api('POST', '/api/v1/shelters',
      { session: mgr, body: { name: 'Journey shelter', capacity: 10, city: 'Bangkok' } }), 'shelter');
    const stay = ok(await srv.api('POST', `/api/v1/cases/${caseId}/shelter-stays`,
      { session: cw, body: { shelter: shelter.id, admitted: day(0) } }), 'admission');

    /* A fund request, approved at headquarters against a project, and disbursed. */
    const project = ok(await srv.api('POST', '/api/v1/projects', {
      session: pm, body: { name: 'Journey project', currency: 'USD', budget: 10000, donors: [{ name: 'A donor', amount: 10000 }] },
    }), 'project');
    const fr = ok(await srv.api('POST', `/api/v1/cases/${caseId}/fund-requests`, {
      session: cw, body: { type: 'return', amount: '850.00', currency: 'USD', justification: 'Flight home and escort.' },
    }), 'fund request');
    ok(await srv.api('POST', `/api/v1/fund-requests/${fr.id}/decision`, {
      session: pm, body: { decision: 'approve', amount: '800', project_id: project.id, reason: 'Cheaper flight found.' },
    }), 'approval');
    ok(await srv.api('POST', `/api/v1/fund-requests/${fr.id}/disbursements`,
      { session: pm, body: { amount: '800.00', date: day(0) } }), 'disbursement');
    const p = ok(await srv.api('GET', `/api/v1/projects/${project.id}`, { session: pm }), 'project after');
    assert.ok(JSON.stringify(p).includes('800'), JSON.stringify(p));

    /* Voluntary return to Colombia. */
    let ret = ok(await srv.api('POST', `/api/v1/cases/${caseId}/return`, {
      session: cw, body: { dest_country: 'CO', dest_office: 'BOG', date: day(0) },
    }), 'return request').return;
    ret = ok(await srv.api('POST', `/api/v1/cases/${caseId}/return/stage`, {
      session: cw, body: { stage: 'Counselled', date: day(0), version: ret.version },
    }), 'counselled').return;
    ret = ok(await srv.api('POST', `/api/v1/cases/${caseId}/return/stage`, {
      session: cw, body: {
        stage: 'Planned', date: day(0), version: ret.version,
        legs: [{ from_country: 'TH', from_place: 'Bangkok', to_country: 'CO', to_place: 'Bogotá',
          departure_date: day(0), arrival_date: day(0), means_of_transport: 'Air', escort: 'Staff',
          documents_used: ['Own'] }],
      },
    }), 'planned').return;
    ok(await srv.api('POST', `/api/v1/records/${stay.id}/discharge`,
      { session: cw, body: { date: day(0), version: stay.version } }), 'discharge');
    ret = ok(await srv.api('POST', `/api/v1/cases/${caseId}/return/stage`, {
      session: cw, body: { stage: 'Departed', date: day(0), version: ret.version },
    }), 'departed').return;

    /* Handed over to Bogotá, which accepts and records the arrival. */
    const t = ok(await srv.api('POST', `/api/v1/cases/${caseId}/transfers`,
      { session: cw, body: { to_office: 'BOG' } }), 'handover');
    ok(await srv.api('POST', `/api/v1/transfers/${t.id}/decision`, {
      session: bogMgr, body: { decision: 'accept', assigned_to: bogCw.user.id },
    }), 'accept');
    const r2 = ok(await srv.api('GET', `/api/v1/cases/${caseId}/return`, { session: bogCw }), 'return at BOG');
    ok(await srv.api('POST', `/api/v1/cases/${caseId}/return/stage`, {
      session: bogCw, body: { stage: 'Arrived', date: day(0), received_by: 'BOG reception', version: r2.return.version },
    }), 'arrived');

    /* Reintegration: a plan, the visits scheduled from the arrival. */
    ok(await srv.api('POST', `/api/v1/cases/${caseId}/reintegration`, {
      session: bogCw, body: { plan_type: 'Livelihood', plan_date: day(0), objectives: 'Work as a cook.',
        packages: [{ type: 'VocationalTraining', status: 'InProgress' }] },
    }), 'plan');
    const visits = ok(await srv.api('GET', `/api/v1/cases/${caseId}/visits`, { session: bogCw }), 'visits').visits;
    assert.equal(visits.length, 4, JSON.stringify(visits));
    ok(await srv.api('POST', `/api/v1/visits/${visits[0].id}`, {
      session: bogCw, body: { status: 'Done', date: day(0), notes: 'Doing well.' },
    }), 'visit');
    const plan = ok(await srv.api('GET', `/api/v1/cases/${caseId}/reintegration`, { session: bogCw }), 'plan').plan;
    ok(await srv.api('POST', `/api/v1/cases/${caseId}/reintegration`, {
      session: bogCw, body: { outcome: 'SustainablyReintegrated', version: plan.version },
    }), 'outcome');

    /* Closed. */
    ok(await srv.api('PATCH', `/api/v1/cases/${caseId}`, { session: bogCw, body: { status: 'Closed' } }), 'close');
  });

  it('shows every step on its timeline, in order, with who', async () => {
    const r = ok(await srv.api('GET', `/api/v1/cases/${caseId}/timeline`, { session: bogCw }), 'timeline');
    const kinds = r.steps.map((s) => s.kind);
    for (const k of ['case.created', 'case.screened', 'shelter.admitted', 'fund.requested', 'fund.approved',
      'fund.disbursed', 'return.requested', 'return.counselled', 'return.planned', 'shelter.discharged',
      'return.departed', 'transfer.requested', 'transfer.accepted', 'return.arrived', 'reintegration.planned',
      'visit.scheduled', 'visit.done', 'reintegration.outcome', 'case.status']) {
      assert.ok(kinds.includes(k), `no ${k} in ${kinds.join(', ')}`);
    }
    const at = (k) => kinds.indexOf(k);
    assert.ok(at('case.created') < at('case.screened'));
    assert.ok(at('case.screened') < at('shelter.admitted'));
    assert.ok(at('shelter.admitted') < at('fund.requested'));
    assert.ok(at('fund.requested') < at('fund.approved'));
    assert.ok(at('fund.approved') < at('fund.disbursed'));
    assert.ok(at('shelter.admitted') < at('return.requested'));
    assert.ok(at('return.departed') < at('return.arrived'));
    assert.ok(at('return.arrived') < at('visit.done'));
    assert.equal(kinds[kinds.length - 1], 'case.status');
    for (const s of r.steps) {
      assert.ok(s.by === null || typeof s.by === 'string');
      assert.match(s.recorded_at, /^\d{4}-\d\d-\d\dT/);
    }
    assert.equal(r.steps.find((s) => s.kind === 'transfer.accepted').by, 'manager.bog');
    assert.equal(r.steps.find((s) => s.kind === 'fund.approved').by, 'pm');
    /* No personal data on the timeline. */
    const text = JSON.stringify(r);
    for (const secret of ['José', 'Pérez', 'Cook', 'cook', 'Doing well', 'Cheaper flight', 'BOG reception', 'escort.']) {
      assert.ok(!text.includes(secret), `timeline carries ${secret}`);
    }
  });

  for (const [lang, words] of [
    ['en', ['Case registered', 'Admitted to a shelter', 'Fund request approved', 'Handover accepted', 'Monitoring visit done']],
    ['fr', ['Dossier enregistré', 'Admission dans un foyer', 'Demande au Fonds approuvée', 'Transfert accepté', 'Visite de suivi effectuée']],
    ['es', ['Caso registrado', 'Ingreso en un albergue', 'Solicitud al Fondo aprobada', 'Traspaso aceptado', 'Visita de seguimiento realizada']],
  ]) {
    it(`reads in ${lang} on the case page`, async () => {
      const r = await srv.api('GET', `/cases/${caseId}`, { session: bogCw, headers: { 'Accept-Language': lang } });
      assert.equal(r.status, 200);
      for (const w of words) assert.ok(r.text.includes(w), `${lang}: no "${w}"`);
    });
  }

  it('leaves Bangkok the history only', async () => {
    const page = await srv.api('GET', `/cases/${caseId}`, { session: cw });
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, new RegExp(`/cases/${caseId}/file`));
    const f = await srv.api('GET', `/api/v1/cases/${caseId}/file`, { session: cw });
    assert.equal(f.status, 404, f.text);
    const t = await srv.api('GET', `/api/v1/cases/${caseId}/timeline`, { session: cw });
    assert.equal(t.status, 200, t.text);
    const patch = await srv.api('PATCH', `/api/v1/cases/${caseId}`, { session: mgr, body: { status: 'Active' } });
    assert.equal(patch.status, 404, patch.text);
  });
});
