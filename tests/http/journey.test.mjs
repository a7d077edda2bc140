/*
 * journey.test.mjs - one case travels the whole journey: identified,
 * screened, sheltered, a fund request approved at headquarters and
 * disbursed, returned and handed over from Bangkok to Bogotá,
 * reintegration visits, closed; each step on its timeline, which reads
 * in English, French and Spanish.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { createCase, getFile, realisticFile, saveFile, startServer } from './lib.mjs';
import { day } from '../common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = (f) => path.resolve(here, '../..', f);

/* Every step kind and its English label (its msgid), from events.def. */
const EVENTS = new Map([...fs.readFileSync(repo('src/events.def'), 'utf8')
  .matchAll(/^EVENT\("([^"]+)",\s*N_\("((?:[^"\\]|\\.)*)"\)\)/gm)]
  .map((m) => [m[1], JSON.parse(`"${m[2]}"`)]));

/* msgid -> msgstr of po/LANG.po (singular entries; obsolete ones skipped). */
function readPo(lang) {
  const map = new Map();
  let cur = null;
  let field = null;
  const flush = () => {
    if (cur?.msgid && cur.msgstr !== undefined && cur.plural === undefined) map.set(cur.msgid, cur.msgstr);
  };
  for (const raw of fs.readFileSync(repo(`po/${lang}.po`), 'utf8').split('\n')) {
    const line = raw.trim();
    let m;
    if (line === '' || line.startsWith('#')) continue;
    if ((m = /^msgid\s+(".*")$/.exec(line))) {
      flush();
      cur = { msgid: JSON.parse(m[1]) };
      field = 'msgid';
    } else if ((m = /^msgid_plural\s+(".*")$/.exec(line))) {
      cur.plural = JSON.parse(m[1]);
      field = 'plural';
    } else if ((m = /^msgstr\s+(".*")$/.exec(line))) {
      cur.msgstr = JSON.parse(m[1]);
      field = 'msgstr';
    } else if (/^msgstr\[\d+\]/.test(line)) {
      field = null;
    } else if (/^".*"$/.test(line) && cur && field) {
      cur[field] += JSON.parse(line);
    }
  }
  flush();
  return map;
}

const PO = { fr: readPo('fr'), es: readPo('es') };

/* The label of a step kind in lang, from the catalogues. */
function label(lang, kind) {
  const msgid = EVENTS.get(kind);
  assert.ok(msgid, `${kind} is not in src/events.def`);
  if (lang === 'en') return msgid;
  const t = PO[lang].get(msgid);
  assert.ok(t, `po/${lang}.po has no translation of "${msgid}" (${kind})`);
  return t;
}

function decode(s) {
  return s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/* The step kinds the journey records, in the order they happened: the
 * identification (dated in the case file, January 2024) comes first. */
const JOURNEY = ['case.identified', 'case.created', 'case.screened', 'shelter.admitted', 'fund.requested',
  'fund.approved', 'project.assigned', 'fund.disbursed', 'return.requested', 'return.counselled',
  'return.planned', 'shelter.discharged', 'return.departed', 'transfer.requested', 'transfer.accepted',
  'return.arrived', 'visit.scheduled', 'reintegration.planned', 'visit.done', 'reintegration.outcome',
  'case.status'];

const MANAGER_BOG = { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-c41e7b' };

function ok(r, what, status = [200, 201]) {
  assert.ok(status.includes(r.status), `${what}: ${r.status} ${r.text}`);
  return r.json;
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
    /* The approval commits 800 of the 850 asked; nothing is paid yet. */
    const figures = async (what, committed, disbursed) => {
      const p = ok(await srv.api('GET', `/api/v1/projects/${project.id}`, { session: pm }), what);
      const msg = `GET /api/v1/projects/${project.id} ${what}: ${JSON.stringify(p)}`;
      assert.equal(p.currency, 'USD', msg);
      assert.equal(p.budget, '10000.00', msg);
      assert.equal(p.funded, '10000.00', msg);
      assert.equal(p.still_to_raise, '0.00', msg);
      assert.deepEqual(p.budgets, [{ currency: 'USD', budget: '10000.00', committed, disbursed, remaining: '9200.00' }], msg);
      assert.equal(p.usd.budget, '10000.00', msg);
      assert.equal(p.usd.committed, committed, msg);
      assert.equal(p.usd.disbursed, disbursed, msg);
      assert.equal(p.usd.remaining, '9200.00', msg);
      assert.equal(p.usd.incomplete, false, msg);
      assert.equal(p.assisted, 1, msg);
      assert.deepEqual(p.cases.map((x) => x.id), [caseId], msg);
    };
    await figures('after the approval', '800.00', '0.00');
    ok(await srv.api('POST', `/api/v1/fund-requests/${fr.id}/disbursements`,
      { session: pm, body: { amount: '800.00', date: day(0) } }), 'disbursement');
    await figures('after the disbursement', '800.00', '800.00');
    const frAfter = ok(await srv.api('GET', `/api/v1/fund-requests/${fr.id}`, { session: pm }), 'request after');
    assert.deepEqual(frAfter.disbursements.map((d) => d.amount), ['800.00'], JSON.stringify(frAfter));

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
    /* Identified: on the day the case file gives, before the registration. */
    const idn = r.steps.filter((s) => s.kind === 'case.identified');
    assert.equal(idn.length, 1, `case.identified steps: ${JSON.stringify(idn)}`);
    assert.equal(kinds[0], 'case.identified', kinds.join(', '));
    assert.equal(idn[0].date, '2024-01-15');
    assert.equal(idn[0].by, 'caseworker.bkk');
    assert.equal(idn[0].office, 'BKK');
    assert.deepEqual(idn[0].detail, { how_identified: 'Police' });
    /* Exactly the journey's steps, once each, in the order they happened. */
    assert.deepEqual(kinds, JOURNEY);
    for (const s of r.steps) assert.equal(s.label, label('en', s.kind), s.kind);
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

      /* Every step's label, from the catalogues, in the timeline's order. */
      const sec = /<section id="timeline">([\s\S]*?)<\/section>/.exec(r.text);
      assert.ok(sec, `GET /cases/${caseId} (${lang}): no timeline section`);
      const shown = [...sec[1].matchAll(/<li><p><strong>([\s\S]*?)<\/strong>/g)].map((m) => decode(m[1]));
      for (const kind of JOURNEY) {
        assert.ok(shown.includes(label(lang, kind)),
          `GET /cases/${caseId} (${lang}): no label "${label(lang, kind)}" for ${kind}; shown: ${shown.join(' | ')}`);
      }
      assert.deepEqual(shown, JOURNEY.map((k) => label(lang, k)), `GET /cases/${caseId} (${lang}): labels in order`);
      if (lang !== 'en') {
        for (const kind of JOURNEY) {
          const en = label('en', kind);
          if (en !== label(lang, kind)) assert.ok(!shown.includes(en), `${lang}: English label "${en}" left`);
        }
      }

      /* No raw kind code anywhere in what the page says. */
      const text = decode(r.text.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]*>/g, ' '));
      for (const kind of EVENTS.keys()) {
        assert.ok(!text.includes(kind), `GET /cases/${caseId} (${lang}): raw kind "${kind}" in the page`);
        assert.ok(!sec[1].includes(kind), `GET /cases/${caseId} (${lang}): raw kind "${kind}" in the timeline`);
      }

      /* The API's labels are the page's. */
      const t = ok(await srv.api('GET', `/api/v1/cases/${caseId}/timeline`,
        { session: bogCw, headers: { 'Accept-Language': lang } }), `timeline ${lang}`);
      assert.deepEqual(t.steps.map((s) => s.label), JOURNEY.map((k) => label(lang, k)), `timeline API labels (${lang})`);
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
