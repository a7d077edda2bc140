/*
 * dashboard.test.mjs - the start page of each role, against data set up
 * through the API: the exact figures of each section the role should
 * see, the sections it should not see absent, nothing of another office,
 * no personal data, and the headings in English, French and Spanish.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { createCase, getFile, realisticFile, saveFile, startServer } from './lib.mjs';
import { day } from '../common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const EXTRA = [
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-d5a9e3' },
  { username: 'caseworker2.bkk', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker2-BKK-7c1f08' },
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-4e8b2a' },
];

/* Personal data put into the case files, notes and justifications: none
 * of it may ever reach a dashboard. */
const PEOPLE = {
  A1: { first: 'Xiomara Anaís', second: 'Quintero-Zapata', phone: '+573118765432' },
  A3: { first: 'Leidy Johana', second: 'Murillo Benítez', phone: '+573129876543' },
  S1: { first: 'Marisol Yuliana', second: 'Cárdenas Ruiz', phone: '+573137654321' },
  B1: { first: 'Yolanda Esperanza', second: 'Betancourt Ñañez', phone: '+573146543210' },
};
const PRIVATE_TEXT = [
  ...Object.values(PEOPLE).flatMap((p) => [p.first, p.second, p.phone, ...p.first.split(' '), ...p.second.split(' ')]),
  'CC-1020304050', 'jm.perez@example.org', 'Calle 45', 'el Flaco', 'Samut Sakhon',
  'Offered a job on a fishing boat', 'promised a paid job',
  'Escort for Xiomara', 'Medicine for Leidy', 'Bus fare for Yolanda', 'Came in at night with her sister',
  'Within the ceiling', 'Not covered', 'Which pharmacy', 'Fractured wrist',
];

/* ------------------------------------------------------------------ */
/* Dates (UTC, as the server sees them)                                */
/* ------------------------------------------------------------------ */

function daysIn(y, m) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/* A plan date and a schedule of k months that put the one visit exactly
 * on `target` (visits are scheduled k months after the plan date, the
 * day clamped to the month's end, so the day must exist k months back). */
function planFor(target) {
  const [y, m, d] = target.split('-').map(Number);
  for (let k = 1; k <= 24; k++) {
    const t = y * 12 + (m - 1) - k;
    const yy = Math.floor(t / 12);
    const mm = (t % 12) + 1;
    if (d <= daysIn(yy, mm)) {
      return { k, base: `${yy}-${String(mm).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
    }
  }
  throw new Error(`no plan date for ${target}`);
}

/* ------------------------------------------------------------------ */
/* Translations, read from the catalogues                              */
/* ------------------------------------------------------------------ */

function unquote(s) {
  return JSON.parse(s);
}

/* msgid -> msgstr of a .po file, and for plural forms msgid -> [msgstr[0],
 * msgstr[1], ...] in map.plurals (no obsolete entries). */
function readPo(lang) {
  const text = fs.readFileSync(path.resolve(here, `../../po/${lang}.po`), 'utf8');
  const map = new Map();
  map.plurals = new Map();
  let cur = null;
  let field = null;
  const flush = () => {
    if (cur && cur.msgid && cur.msgstr !== undefined && cur.plural === undefined) map.set(cur.msgid, cur.msgstr);
    if (cur && cur.msgid && cur.plural !== undefined && cur.forms) map.plurals.set(cur.msgid, cur.forms);
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let m;
    if ((m = /^msgid\s+(".*")$/.exec(line))) {
      flush();
      cur = { msgid: unquote(m[1]) };
      field = 'msgid';
    } else if ((m = /^msgid_plural\s+(".*")$/.exec(line))) {
      cur.plural = unquote(m[1]);
      field = 'plural';
    } else if ((m = /^msgstr\s+(".*")$/.exec(line))) {
      cur.msgstr = unquote(m[1]);
      field = 'msgstr';
    } else if ((m = /^msgstr\[(\d+)\]\s+(".*")$/.exec(line))) {
      cur.forms ??= [];
      cur.forms[Number(m[1])] = unquote(m[2]);
      cur.form = Number(m[1]);
      field = 'msgstrN';
    } else if (/^".*"$/.test(line) && cur && field === 'msgstrN') {
      cur.forms[cur.form] += unquote(line);
    } else if (/^".*"$/.test(line) && cur && field) {
      cur[field] += unquote(line);
    }
  }
  flush();
  return map;
}

const PO = { fr: readPo('fr'), es: readPo('es') };

/* The plural message of n (one, many: the msgid and msgid_plural) in
 * lang, with n written in for its %s. French takes the singular for 0
 * and 1, English and Spanish for 1 only. */
function trn(lang, one, many, n) {
  let form;
  if (lang === 'en') form = n === 1 ? one : many;
  else {
    const forms = PO[lang].plurals.get(one);
    assert.ok(forms, `po/${lang}.po has no plural translation of "${one}"`);
    form = forms[(lang === 'fr' ? n > 1 : n !== 1) ? 1 : 0];
  }
  return form.replace('%s', String(n));
}

/* The page text of msgid in lang, as the page escapes it. */
function tr(lang, msgid) {
  if (lang === 'en') return msgid;
  const s = PO[lang].get(msgid);
  assert.ok(s, `po/${lang}.po has no translation of "${msgid}"`);
  return s;
}

/* ------------------------------------------------------------------ */
/* Reading the page                                                    */
/* ------------------------------------------------------------------ */

function decode(s) {
  return s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textOf(html) {
  return decode(html.replace(/<[^>]*>/g, '')).trim();
}

/* The <main> of the page: what the dashboard itself says. */
function mainOf(html) {
  const m = /<main[^>]*>([\s\S]*)<\/main>/.exec(html);
  assert.ok(m, 'no <main> in the page');
  return m[1];
}

/* Every h1/h2/h3 of <main> as [level, text], in order. */
function headings(html) {
  return [...mainOf(html).matchAll(/<h([123])>([\s\S]*?)<\/h\1>/g)].map((m) => [Number(m[1]), textOf(m[2])]);
}

/* From the <h3> titled `title` up to the next heading or section end. */
function block(html, title) {
  const main = mainOf(html);
  const found = [...main.matchAll(/<h3>([\s\S]*?)<\/h3>/g)].filter((m) => textOf(m[1]) === title);
  assert.equal(found.length, 1, `sections "${title}": ${found.length}`);
  const rest = main.slice(found[0].index + found[0][0].length);
  const end = rest.search(/<h[23]>|<\/section>/);
  return end < 0 ? rest : rest.slice(0, end);
}

/* Rows of the tables in html: [{cls, cells: [text...]}], thead left out. */
function rows(html) {
  const body = html.replace(/<thead>[\s\S]*?<\/thead>/g, '');
  return [...body.matchAll(/<tr([^>]*)>([\s\S]*?)<\/tr>/g)].map((m) => ({
    cls: (/class="([^"]*)"/.exec(m[1]) ?? [])[1] ?? '',
    cells: [...m[2].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => textOf(c[1])),
  }));
}

/* The JSON of the chart with that id. */
function chart(html, id) {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  assert.ok(m, `no chart ${id}`);
  return JSON.parse(m[1]);
}

/* ------------------------------------------------------------------ */

describe('the dashboard of each role', () => {
  let srv;
  const s = {};
  const cases = {};
  const byOffice = { BKK: [], BOG: [] };
  const shelterName = { alpha: 'Shelter Alpha BKK', beta: 'Shelter Beta BKK', gamma: 'Shelter Gamma BOG' };
  const shelterId = {};
  let schedule = null;

  function ok(r, what, status = [200, 201]) {
    assert.ok(status.includes(r.status), `${what}: ${r.status} ${r.text}`);
    return r.json;
  }

  const dashboard = async (who, lang = 'en') => {
    const r = await srv.api('GET', '/dashboard', { session: s[who], headers: { 'Accept-Language': lang } });
    assert.equal(r.status, 200, `GET /dashboard as ${who} (${lang}): ${r.status}`);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    return r.text;
  };

  async function newCase(key, who, body = {}) {
    const c = await createCase(srv, s[who], body);
    const office = s[who].user.office;
    cases[key] = { ...c, office };
    byOffice[office].push(c.case_number);
    return c;
  }

  /* The case's one monitoring visit, due on `target`. */
  async function visitOn(key, who, target) {
    const { k, base } = planFor(target);
    if (schedule !== k) {
      ok(await srv.api('PUT', '/api/v1/settings/reintegration-schedule',
        { session: s.admin, body: { months: [k] } }), 'schedule');
      schedule = k;
    }
    ok(await srv.api('POST', `/api/v1/cases/${cases[key].id}/reintegration`,
      { session: s[who], body: { plan_type: 'Livelihood', plan_date: base } }), `plan ${key}`);
    const v = ok(await srv.api('GET', `/api/v1/cases/${cases[key].id}/visits`, { session: s[who] }), `visits ${key}`).visits;
    assert.deepEqual(v.map((x) => x.due_on), [target], `visits of ${key}`);
  }

  async function file(key, who) {
    const f = await getFile(srv, s[who], cases[key].id);
    const saved = await saveFile(srv, s[who], cases[key].id, realisticFile(f, PEOPLE[key]), key);
    assert.equal(saved.prs_FirstName, PEOPLE[key].first, `${key}: the name was not saved`);
  }

  async function fundRequest(key, who, amount, justification) {
    return ok(await srv.api('POST', `/api/v1/cases/${cases[key].id}/fund-requests`, {
      session: s[who], body: { type: 'return', amount, currency: 'USD', justification },
    }), `fund request ${key}`);
  }

  async function admit(key, who, shelter, admitted) {
    return ok(await srv.api('POST', `/api/v1/cases/${cases[key].id}/shelter-stays`, {
      session: s[who], body: { shelter, admitted, notes: 'Came in at night with her sister' },
    }), `admit ${key}`);
  }

  before(async () => {
    srv = await startServer({ extraUsers: EXTRA });
    for (const u of ['admin', 'caseworker.bkk', 'caseworker2.bkk', 'manager.bkk', 'caseworker.bog', 'manager.bog',
      'pm', 'researcher', 'medical.bkk']) {
      s[u] = await srv.login(u);
    }
    const cw = s['caseworker.bkk'].user.id;
    const cw2 = s['caseworker2.bkk'].user.id;
    const bogCw = s['caseworker.bog'].user.id;

    /* Bangkok. caseworker.bkk: three active cases with a follow-up
     * overdue, due today and due tomorrow; one in follow-up with a visit
     * in 31 days (beyond the dashboard's 30); one closed, one closed and
     * referred. */
    await newCase('A1', 'manager.bkk', { assigned_to: cw });
    await newCase('A2', 'manager.bkk', { assigned_to: cw });
    await newCase('A3', 'manager.bkk', { assigned_to: cw });
    await newCase('A4', 'manager.bkk', { assigned_to: cw, status: 'FollowUp' });
    await newCase('A6', 'manager.bkk', { assigned_to: cw, status: 'Closed' });
    await newCase('A7', 'manager.bkk', { assigned_to: cw, status: 'ClosedReferred' });
    /* Another caseworker's: an overdue visit, four in shelters, one
     * high-risk. Two unassigned, handed over to Bogotá (one withdrawn). */
    await newCase('A5', 'manager.bkk', { assigned_to: cw2 });
    for (const k of ['S1', 'S2', 'S3', 'S4']) await newCase(k, 'manager.bkk', { assigned_to: cw2 });
    await newCase('R1', 'manager.bkk', { assigned_to: cw2 });
    await newCase('H1', 'manager.bkk');
    await newCase('H2', 'manager.bkk');
    /* Bogotá. */
    await newCase('B1', 'manager.bog', { assigned_to: bogCw });
    await newCase('B2', 'manager.bog', { assigned_to: bogCw });
    await newCase('B3', 'manager.bog', { assigned_to: bogCw });

    await file('A1', 'caseworker.bkk');
    await file('A3', 'caseworker.bkk');
    await file('S1', 'caseworker2.bkk');
    await file('B1', 'caseworker.bog');

    /* Follow-ups. */
    await visitOn('A1', 'caseworker.bkk', day(0));
    await visitOn('A2', 'caseworker.bkk', day(1));
    await visitOn('A3', 'caseworker.bkk', day(-3));
    await visitOn('A4', 'caseworker.bkk', day(31));
    await visitOn('A5', 'caseworker2.bkk', day(-10));
    await visitOn('B3', 'caseworker.bog', day(5));
    await visitOn('B2', 'caseworker.bog', day(30));

    /* Shelters: Alpha (3 places) holds S1 and S2 today, S3 left today;
     * Beta (1 place) is full with S4; Gamma in Bogotá holds B2. */
    const alpha = ok(await srv.api('POST', '/api/v1/shelters',
      { session: s['manager.bkk'], body: { name: shelterName.alpha, capacity: 3, city: 'Bangkok' } }), 'alpha');
    const beta = ok(await srv.api('POST', '/api/v1/shelters',
      { session: s['manager.bkk'], body: { name: shelterName.beta, capacity: 1, city: 'Bangkok' } }), 'beta');
    const gamma = ok(await srv.api('POST', '/api/v1/shelters',
      { session: s['manager.bog'], body: { name: shelterName.gamma, capacity: 5, city: 'Bogotá' } }), 'gamma');
    Object.assign(shelterId, { alpha: alpha.id, beta: beta.id, gamma: gamma.id });
    await admit('S1', 'caseworker2.bkk', alpha.id, day(-2));
    await admit('S2', 'caseworker2.bkk', alpha.id, day(0));
    const left = await admit('S3', 'caseworker2.bkk', alpha.id, day(-5));
    ok(await srv.api('POST', `/api/v1/records/${left.id}/discharge`,
      { session: s['caseworker2.bkk'], body: { date: day(0), version: left.version } }), 'discharge S3');
    await admit('S4', 'caseworker2.bkk', beta.id, day(-1));
    await admit('B2', 'caseworker.bog', gamma.id, day(-1));
    const sh = ok(await srv.api('GET', '/api/v1/shelters', { session: s['manager.bkk'] }), 'shelters').shelters;
    assert.deepEqual(sh.map((x) => [x.name, x.occupied, x.capacity]).sort(),
      [[shelterName.alpha, 2, 3], [shelterName.beta, 1, 1]], 'GET /api/v1/shelters as manager.bkk');

    /* Health records of the medical officer: A1 twice (a follow-up in
     * ten days), S1 once (its follow-up missed yesterday). */
    const health = async (key, date, followUp) => ok(await srv.api('POST', `/api/v1/cases/${cases[key].id}/health`, {
      session: s['medical.bkk'],
      body: { health_kind: 'Care', date, ...(followUp ? { follow_up: followUp } : {}), findings: 'Fractured wrist, splinted' },
    }), `health ${key}`);
    await health('A1', day(-30), day(10));
    await health('A1', day(-5), null);
    await health('S1', day(-20), day(-1));

    /* High risk: seen by its assignee and the office's managers only. */
    ok(await srv.api('POST', `/api/v1/cases/${cases.R1.id}/risk`,
      { session: s['caseworker2.bkk'], body: { level: 'High', date: day(0) } }), 'risk');

    /* Handovers: H1 waits for Bogotá; H2 was withdrawn. */
    ok(await srv.api('POST', `/api/v1/cases/${cases.H1.id}/transfers`,
      { session: s['manager.bkk'], body: { to_office: 'BOG' } }), 'handover H1');
    const h2 = ok(await srv.api('POST', `/api/v1/cases/${cases.H2.id}/transfers`,
      { session: s['manager.bkk'], body: { to_office: 'BOG' } }), 'handover H2');
    ok(await srv.api('POST', `/api/v1/transfers/${h2.id}/cancel`, { session: s['manager.bkk'], body: {} }), 'withdraw H2');

    /* The fund: two projects (USD, and EUR at 0.8 per dollar); A1, A2
     * and B1 wait; A3 approved and partly disbursed, A4 rejected, A5
     * sent back for more information. */
    ok(await srv.api('POST', '/api/v1/rates',
      { session: s.pm, body: { currency: 'EUR', valid_from: '2020-01-01', rate: '0.8' } }), 'rate');
    const pUsd = ok(await srv.api('POST', '/api/v1/projects', {
      session: s.pm, body: { name: 'Dashboard project USD', currency: 'USD', budget: 10000, donors: [{ name: 'Donor U', amount: 10000 }] },
    }), 'project USD');
    ok(await srv.api('POST', '/api/v1/projects', {
      session: s.pm, body: { name: 'Dashboard project EUR', currency: 'EUR', budget: 4000, donors: [{ name: 'Donor E', amount: 4000 }] },
    }), 'project EUR');
    await fundRequest('A1', 'caseworker.bkk', '300.00', 'Escort for Xiomara');
    await fundRequest('A2', 'caseworker.bkk', '250.00', 'Escort for Xiomara');
    await fundRequest('B1', 'caseworker.bog', '120.00', 'Bus fare for Yolanda');
    const fa3 = await fundRequest('A3', 'caseworker.bkk', '650.00', 'Medicine for Leidy');
    const fa4 = await fundRequest('A4', 'caseworker.bkk', '90.00', 'Medicine for Leidy');
    const fa5 = await fundRequest('A5', 'caseworker2.bkk', '75.00', 'Medicine for Leidy');
    ok(await srv.api('POST', `/api/v1/fund-requests/${fa3.id}/decision`, {
      session: s.pm, body: { decision: 'approve', amount: '500', project_id: pUsd.id, reason: 'Within the ceiling.' },
    }), 'approve A3');
    ok(await srv.api('POST', `/api/v1/fund-requests/${fa3.id}/disbursements`,
      { session: s.pm, body: { amount: '200.00', date: day(0) } }), 'disburse A3');
    ok(await srv.api('POST', `/api/v1/fund-requests/${fa4.id}/decision`,
      { session: s.pm, body: { decision: 'reject', reason: 'Not covered.' } }), 'reject A4');
    ok(await srv.api('POST', `/api/v1/fund-requests/${fa5.id}/decision`,
      { session: s.pm, body: { decision: 'need-info', reason: 'Which pharmacy?' } }), 'need-info A5');
    const q = ok(await srv.api('GET', '/api/v1/fund-requests?state=submitted', { session: s.pm }), 'queue');
    assert.equal(q.count, 3, `GET /api/v1/fund-requests?state=submitted: ${JSON.stringify(q)}`);
  });
  after(async () => { await srv?.stop(); });

  const HEADINGS = {
    'caseworker.bkk': [[1, 'Dashboard'], [2, 'My work'], [3, 'My active cases'], [3, 'My cases by status'],
      [3, 'My follow-ups due']],
    'manager.bkk': [[1, 'Dashboard'], [2, 'The office'], [3, 'Office caseload'],
      [3, 'Handovers waiting for your answer'], [3, 'Shelter occupancy today'],
      [3, 'Monitoring visits due and overdue']],
    'manager.bog': [[1, 'Dashboard'], [2, 'The office'], [3, 'Office caseload'],
      [3, 'Handovers waiting for your answer'], [3, 'Shelter occupancy today'],
      [3, 'Monitoring visits due and overdue']],
    pm: [[1, 'Dashboard'], [2, 'Global Assistance Fund'], [3, 'Fund requests waiting'],
      [3, 'Turnaround from request to decision'], [3, 'Budgets']],
    admin: [[1, 'Dashboard'], [2, 'Administration'], [3, 'Accounts'], [3, 'Audit trail of the last 7 days']],
    researcher: [[1, 'Dashboard'], [2, 'Research'], [3, 'Datasets']],
    'medical.bkk': [[1, 'Dashboard'], [2, 'Health'], [3, 'Office caseload'], [3, 'Health follow-ups']],
  };
  const ROLE_LABEL = {
    'caseworker.bkk': ['Caseworker', 'BKK'], 'manager.bkk': ['Office manager', 'BKK'],
    'manager.bog': ['Office manager', 'BOG'], pm: ['Programme manager', 'HQ'], admin: ['Administrator', 'HQ'],
    researcher: ['Researcher', 'HQ'], 'medical.bkk': ['Medical officer', 'BKK'],
  };
  const ALL_SECTION_HEADINGS = [...new Set(Object.values(HEADINGS).flat().map((h) => h[1])), 'Cases to reassign'];

  /* Case numbers of another office (and every case for roles that list none). */
  function assertNoCases(html, numbers, who) {
    for (const n of numbers) assert.ok(!html.includes(n), `${who}: the dashboard shows case ${n}`);
  }
  function assertNoPrivate(html, who) {
    for (const p of PRIVATE_TEXT) assert.ok(!html.includes(p), `${who}: the dashboard shows "${p}"`);
  }
  /* The status table of a caseload: [[label, n] x4] and the total. */
  function caseload(html, title, lang = 'en') {
    const r = rows(block(html, title));
    assert.equal(r.length, 5, `${title}: ${JSON.stringify(r)}`);
    assert.equal(r[4].cells[0], tr(lang, 'Total'));
    return { counts: r.slice(0, 4).map((x) => Number(x.cells[1])), total: Number(r[4].cells[1]) };
  }

  it('shows each role its sections, and only those', async () => {
    for (const [who, expected] of Object.entries(HEADINGS)) {
      const html = await dashboard(who);
      assert.deepEqual(headings(html), expected, `GET /dashboard as ${who}`);
      const [role, office] = ROLE_LABEL[who];
      assert.match(html, new RegExp(`<hgroup><h1>Dashboard</h1><p>${role} · ${office}</p></hgroup>`), who);
      assert.doesNotMatch(html, /Cases to reassign/, `${who}: nobody's caseworker has left`);
      assertNoPrivate(html, who);
    }
  });

  it('caseworker.bkk: own active cases, own caseload, own follow-ups', async () => {
    const html = await dashboard('caseworker.bkk');
    const mine = rows(block(html, 'My active cases'));
    assert.deepEqual(mine.map((r) => r.cells[0]).sort(),
      [cases.A1.case_number, cases.A2.case_number, cases.A3.case_number].sort(), 'My active cases');
    for (const r of mine) assert.equal(r.cells[1], 'Active');

    const { counts, total } = caseload(html, 'My cases by status');
    assert.deepEqual(counts, [3, 1, 1, 1], 'My cases by status: Active, FollowUp, Closed, ClosedReferred');
    assert.equal(total, 6);
    assert.deepEqual(chart(html, 'chart-mine').series[0].data, [3, 1, 1, 1]);

    const fu = block(html, 'My follow-ups due');
    assert.deepEqual(rows(fu).map((r) => [r.cells[0], r.cells[1], r.cells[2], r.cls]), [
      [cases.A3.case_number, day(-3), 'Overdue', 'overdue'],
      [cases.A1.case_number, day(0), 'Due', ''],
      [cases.A2.case_number, day(1), 'Due', ''],
    ], 'My follow-ups due');
    assert.match(fu, /<p class="notice" role="status">1 visit is overdue\.<\/p>/);
    assert.match(fu, new RegExp(`href="/cases/${cases.A3.id}/reintegration"`));

    /* Not a colleague's cases, not the office's shelters, handovers or the fund. */
    assertNoCases(html, [...byOffice.BOG, ...['A4', 'A5', 'A6', 'A7', 'S1', 'S2', 'S3', 'S4', 'R1', 'H1', 'H2']
      .map((k) => cases[k].case_number)], 'caseworker.bkk');
    for (const n of Object.values(shelterName)) assert.ok(!html.includes(n), `caseworker.bkk sees ${n}`);
    assert.doesNotMatch(html, /requests wait for a decision|Dashboard project/);
    for (const id of ['chart-office', 'chart-shelters', 'chart-budgets', 'chart-health']) {
      assert.ok(!html.includes(`id="${id}"`), `caseworker.bkk: ${id}`);
    }
  });

  it('manager.bkk: the office caseload, no handover to answer, shelters 2 of 3 and full, visits', async () => {
    const html = await dashboard('manager.bkk');
    const { counts, total } = caseload(html, 'Office caseload');
    /* Active: A1 A2 A3 A5 S1-S4 R1 H1 H2; FollowUp A4; Closed A6; ClosedReferred A7. */
    assert.deepEqual(counts, [11, 1, 1, 1], 'Office caseload');
    assert.equal(total, 14);
    assert.deepEqual(chart(html, 'chart-office').series[0].data, [11, 1, 1, 1]);

    const ho = block(html, 'Handovers waiting for your answer');
    assert.match(ho, /<p class="empty">No case waits to be handed over to your office\.<\/p>/);
    assert.doesNotMatch(ho, /<li>/);

    /* Occupied, capacity and the places free, as figures; a full
     * shelter marked so. */
    const sh = rows(block(html, 'Shelter occupancy today')).map((r) => [...r.cells, r.cls]);
    assert.deepEqual(sh.sort(), [
      [shelterName.alpha, '2', '3', '1', ''],
      [`${shelterName.beta} Full`, '1', '1', '0', 'overdue'],
    ], 'Shelter occupancy today');
    assert.match(block(html, 'Shelter occupancy today'), /<th scope="col">Places free<\/th>/);
    const c = chart(html, 'chart-shelters');
    const at = c.categories.indexOf(shelterName.alpha);
    assert.ok(at >= 0, JSON.stringify(c));
    assert.equal(c.series[0].data[at], 2);
    assert.equal(c.series[1].data[at], 1);

    const vi = block(html, 'Monitoring visits due and overdue');
    assert.deepEqual(rows(vi).map((r) => [r.cells[0], r.cells[1], r.cells[2]]), [
      [cases.A5.case_number, day(-10), 'Overdue'],
      [cases.A3.case_number, day(-3), 'Overdue'],
      [cases.A1.case_number, day(0), 'Due'],
      [cases.A2.case_number, day(1), 'Due'],
    ], 'Monitoring visits due and overdue');
    assert.match(vi, /<p class="notice" role="status">2 visits are overdue\.<\/p>/);
    assert.ok(!html.includes(cases.A4.case_number), 'a visit 31 days away is listed');

    assertNoCases(html, byOffice.BOG, 'manager.bkk');
    assert.ok(!html.includes(shelterName.gamma), 'manager.bkk sees the Bogotá shelter');
    assert.doesNotMatch(html, /requests wait for a decision|Dashboard project/);
  });

  it('manager.bog: the handover from Bangkok waits, and nothing else of Bangkok', async () => {
    const html = await dashboard('manager.bog');
    const { counts, total } = caseload(html, 'Office caseload');
    assert.deepEqual(counts, [3, 0, 0, 0], 'Office caseload');
    assert.equal(total, 3);

    const ho = block(html, 'Handovers waiting for your answer');
    const items = [...ho.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]));
    assert.deepEqual(items, [`${cases.H1.case_number} · from BKK`], 'Handovers waiting for your answer');
    assert.match(ho, /<a href="\/transfers">/);

    assert.deepEqual(rows(block(html, 'Shelter occupancy today')).map((r) => r.cells),
      [[shelterName.gamma, '1', '5', '4']]);
    /* Due in 30 days is still within the next 30 days. */
    assert.deepEqual(rows(block(html, 'Monitoring visits due and overdue')).map((r) => r.cells),
      [[cases.B3.case_number, day(5), 'Due'], [cases.B2.case_number, day(30), 'Due']]);
    assert.doesNotMatch(html, /visits are overdue/);

    /* The waiting handover's number is the one thing of Bangkok shown. */
    assertNoCases(html, byOffice.BKK.filter((n) => n !== cases.H1.case_number), 'manager.bog');
    assert.ok(!html.includes(shelterName.alpha) && !html.includes(shelterName.beta), 'manager.bog sees Bangkok shelters');
  });

  it('caseworker.bog: only Bogotá', async () => {
    const html = await dashboard('caseworker.bog');
    assert.deepEqual(rows(block(html, 'My active cases')).map((r) => r.cells[0]).sort(),
      [cases.B1.case_number, cases.B2.case_number, cases.B3.case_number].sort());
    assert.deepEqual(caseload(html, 'My cases by status').counts, [3, 0, 0, 0]);
    assert.deepEqual(rows(block(html, 'My follow-ups due')).map((r) => r.cells),
      [[cases.B3.case_number, day(5), 'Due'], [cases.B2.case_number, day(30), 'Due']]);
    assertNoCases(html, byOffice.BKK, 'caseworker.bog');
    assertNoPrivate(html, 'caseworker.bog');
  });

  it('pm: the fund queue, turnaround and budgets, and no case', async () => {
    const html = await dashboard('pm');
    const wait = block(html, 'Fund requests waiting');
    assert.match(wait, /<a href="\/fund">3 requests wait for a decision<\/a> · the oldest for \d+\.\d days?<\/p>/,
      'Fund requests waiting');

    const ta = rows(block(html, 'Turnaround from request to decision')).map((r) => r.cells);
    assert.equal(ta.length, 2, JSON.stringify(ta));
    assert.deepEqual(ta[0].slice(0, 2), ['BKK', '3'], 'turnaround BKK');
    assert.deepEqual(ta[1].slice(0, 2), ['All offices', '3'], 'turnaround overall');
    /* In days with one decimal, as /fund writes them. */
    assert.match(block(html, 'Turnaround from request to decision'), /<th scope="col">Median \(days\)<\/th>/);
    for (const r of ta) {
      assert.match(r[2], /^\d+\.\d$/);
      assert.match(r[3], /^\d+\.\d$/);
    }
    const api = ok(await srv.api('GET', '/api/v1/fund/turnaround', { session: s.pm }), 'turnaround');
    assert.equal(api.overall.count, 3);

    const b = rows(block(html, 'Budgets')).map((r) => r.cells);
    assert.deepEqual(b.slice(0, -1).sort(), [
      ['Dashboard project EUR', 'EUR', '4,000.00', '0.00', '0.00'],
      ['Dashboard project USD', 'USD', '10,000.00', '500.00', '200.00'],
    ], 'Budgets');
    assert.deepEqual(b[b.length - 1], ['Total', 'USD', '15,000.00', '500.00', '200.00'], 'Budgets in USD');
    const bc = chart(html, 'chart-budgets');
    const iu = bc.categories.indexOf('Dashboard project USD (USD)');
    assert.ok(iu >= 0, JSON.stringify(bc));
    assert.deepEqual(bc.series.map((x) => x.data[iu]), [10000, 500, 200]);

    assertNoCases(html, [...byOffice.BKK, ...byOffice.BOG], 'pm');
    for (const n of Object.values(shelterName)) assert.ok(!html.includes(n), `pm sees ${n}`);
  });

  it('admin: the accounts of each office and the audit trail of the week; researcher: the datasets', async () => {
    const admin = await dashboard('admin');
    const adm = mainOf(admin);
    for (const href of ['/admin/users', '/admin/offices', '/admin/audit']) {
      assert.ok(adm.includes(`<a href="${href}">`), `admin: no ${href}`);
    }
    /* Active users per office, from the accounts this test made. */
    const perOffice = {};
    for (const u of Object.values(srv.users)) perOffice[u.office] = (perOffice[u.office] ?? 0) + 1;
    const acc = rows(block(admin, 'Accounts'));
    assert.deepEqual(acc.slice(0, -1).map((r) => [r.cells[0].split(' ')[0], r.cells[1], r.cells[2]]),
      Object.keys(perOffice).sort().map((o) => [o, String(perOffice[o]), '0']), 'Accounts');
    assert.deepEqual(acc[acc.length - 1].cells, ['Total', String(Object.values(srv.users).length), '0']);
    assert.match(block(admin, 'Accounts'), new RegExp(`<p>3 offices · ${Object.values(srv.users).length} active users · 0 accounts locked out now</p>`));
    /* Every case opened here this week, under its label and code, linked
     * to the trail filtered on it. */
    const week = block(admin, 'Audit trail of the last 7 days');
    const opened = rows(week).find((r) => r.cells[0].startsWith('Case opened'));
    assert.ok(opened, week);
    assert.deepEqual(opened.cells, ['Case opened case.create', String(Object.keys(cases).length),
      String(Object.keys(cases).length)]);
    assert.match(week, /<a href="\/admin\/audit\?action=case\.create&amp;from=\d{4}-\d\d-\d\d">Case opened<\/a>/);
    assert.ok(rows(week).some((r) => r.cells[0] === 'Refusals and failed logins'));

    /* The researcher: the datasets to count in (none imported here). */
    const res = await dashboard('researcher');
    assert.deepEqual(rows(block(res, 'Datasets')).map((r) => r.cells), [['Our caseload', '—', '—', 'Statistics']]);
    assert.match(mainOf(res), /<p>No research dataset has been imported yet\.<\/p>/);
    assert.match(mainOf(res), /<a href="\/stats">Open the statistics<\/a>/);
    assert.doesNotMatch(mainOf(res), /class="chart"/);
  });

  it('medical officer: the office caseload and its health follow-ups, never what the records say', async () => {
    const med = await dashboard('medical.bkk');
    const { counts, total } = caseload(med, 'Office caseload');
    /* The manager's figures less R1, which is high-risk. */
    assert.deepEqual(counts, [10, 1, 1, 1], 'Office caseload of the medical officer');
    assert.equal(total, 13);
    assert.deepEqual(chart(med, 'chart-health').series[0].data, [10, 1, 1, 1]);
    assert.doesNotMatch(med, /\/reintegration"|\/shelters\/\d/, 'medical officer: visits or shelters');
    const fu = block(med, 'Health follow-ups');
    assert.deepEqual(rows(fu).map((r) => [...r.cells, r.cls]).sort(), [
      [cases.A1.case_number, '2', day(-5), day(10), ''],
      [cases.S1.case_number, '1', day(-20), `${day(-1)} Overdue`, 'overdue'],
    ].sort(), 'Health follow-ups');
    assert.match(fu, new RegExp(`href="/cases/${cases.A1.id}/health"`));
    assert.doesNotMatch(med, /Medical care/, 'the kind of a health record');
    assertNoCases(med, [...byOffice.BKK, ...byOffice.BOG].filter((n) => n !== cases.A1.case_number
      && n !== cases.S1.case_number), 'medical.bkk');
    /* The listing is audited. */
    const trail = ok(await srv.api('GET', '/api/v1/audit?action=health.list', { session: s.admin }), 'audit');
    assert.ok(trail.entries.some((e) => e.action === 'health.list' && e.user === 'medical.bkk' && e.detail.count === 2), JSON.stringify(trail).slice(0, 300));

    const admin = await dashboard('admin');
    const res = await dashboard('researcher');
    for (const [who, html] of [['admin', admin], ['researcher', res]]) {
      assertNoCases(html, [...byOffice.BKK, ...byOffice.BOG], who);
      for (const n of Object.values(shelterName)) assert.ok(!html.includes(n), `${who} sees ${n}`);
      assert.doesNotMatch(html, /requests wait for a decision|Dashboard project/, who);
    }
  });

  for (const lang of ['fr', 'es']) {
    it(`reads in ${lang} (Accept-Language), with no English heading left`, async () => {
      for (const [who, expected] of Object.entries(HEADINGS)) {
        const html = await dashboard(who, lang);
        assert.match(html, new RegExp(`<html lang="${lang}"`));
        assert.match(html, new RegExp(`<title>${tr(lang, 'Dashboard')} — ctm</title>`));
        const got = headings(html);
        assert.deepEqual(got, expected.map(([l, t]) => [l, tr(lang, t)]), `GET /dashboard as ${who} in ${lang}`);
        for (const [, t] of got) {
          const english = ALL_SECTION_HEADINGS.find((e) => e === t && tr(lang, e) !== e);
          assert.equal(english, undefined, `${who} (${lang}): English heading "${t}"`);
        }
        const [role] = ROLE_LABEL[who];
        assert.ok(decode(html).includes(`<p>${tr(lang, role)} · `), `${who} (${lang}): role not translated`);
        assertNoPrivate(html, `${who} (${lang})`);
      }
      /* The figures are the same, their words translated. */
      const cw = await dashboard('caseworker.bkk', lang);
      assert.deepEqual(caseload(cw, tr(lang, 'My cases by status'), lang).counts, [3, 1, 1, 1]);
      assert.deepEqual(rows(block(cw, tr(lang, 'My follow-ups due'))).map((r) => r.cells[2]),
        [tr(lang, 'Overdue'), tr(lang, 'Due'), tr(lang, 'Due')]);
      assert.ok(decode(cw).includes(`>${trn(lang, '%s visit is overdue.', '%s visits are overdue.', 1)}</p>`),
        `${lang}: overdue notice`);
      const mgr = await dashboard('manager.bkk', lang);
      assert.deepEqual(rows(block(mgr, tr(lang, 'Shelter occupancy today'))).map((r) => r.cells).sort(), [
        [shelterName.alpha, '2', '3', '1'],
        [`${shelterName.beta} ${tr(lang, 'Full')}`, '1', '1', '0'],
      ]);
      assert.ok(decode(mgr).includes(`>${trn(lang, '%s visit is overdue.', '%s visits are overdue.', 2)}</p>`),
        `${lang}: two overdue`);
      assert.ok(decode(mgr).includes(`<p class="empty">${tr(lang, 'No case waits to be handed over to your office.')}</p>`), `${lang}: no handover`);
      const bog = await dashboard('manager.bog', lang);
      assert.ok(decode(bog).includes(`${cases.H1.case_number}</span></a> · ${tr(lang, 'from')} BKK`), `${lang}: handover`);
      const pm = await dashboard('pm', lang);
      assert.ok(decode(pm).includes(`<a href="/fund">${trn(lang, '%s request waits for a decision',
        '%s requests wait for a decision', 3)}</a>`), `${lang}: fund queue`);
      assert.ok(decode(pm).includes(` · ${tr(lang, 'the oldest for %s').replace('%s', '')}`), `${lang}: oldest`);
      const b = rows(block(pm, tr(lang, 'Budgets'))).map((r) => r.cells);
      /* Amounts as the reader writes them (narrow no-break space in French). */
      assert.deepEqual(b[b.length - 1], [tr(lang, 'Total'), 'USD',
        ...(lang === 'fr' ? ['15\u202f000,00', '500,00', '200,00'] : ['15.000,00', '500,00', '200,00'])]);
      assert.equal(rows(block(pm, tr(lang, 'Turnaround from request to decision')))[1].cells[0],
        tr(lang, 'All offices'));
    });
  }

  it('follows the user\'s language setting over Accept-Language', async () => {
    ok(await srv.api('PATCH', '/api/v1/me', { session: s['manager.bog'], body: { lang: 'es' } }), 'set lang');
    const html = await dashboard('manager.bog', 'fr');
    assert.match(html, /<html lang="es"/);
    assert.deepEqual(headings(html), HEADINGS['manager.bog'].map(([l, t]) => [l, tr('es', t)]));
    assert.deepEqual(caseload(html, tr('es', 'Office caseload'), 'es').counts, [3, 0, 0, 0]);
  });

  /* ---------------------------------------------------------------- */
  /* GET /api/v1/dashboard: the page's own figures                     */
  /* ---------------------------------------------------------------- */

  const apiDash = async (who, lang = 'en') => {
    const r = await srv.api('GET', '/api/v1/dashboard', { session: s[who], headers: { 'Accept-Language': lang } });
    assert.equal(r.status, 200, `GET /api/v1/dashboard as ${who}: ${r.status} ${r.text}`);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    return r;
  };
  const PARTS = {
    'caseworker.bkk': ['my_work'], 'caseworker.bog': ['my_work'], 'manager.bkk': ['office_overview'],
    'manager.bog': ['office_overview'], pm: ['fund'], admin: ['administration'], researcher: [],
    'medical.bkk': ['health'],
  };
  /* A caseload of the API as the page's table reads it. */
  const counts = (load) => CASE_ORDER.map((k) => load.by_status[k]);
  const CASE_ORDER = ['Active', 'FollowUp', 'Closed', 'ClosedReferred'];

  it('API: each role gets the parts of its page, the same whatever the language', async () => {
    /* Pages in English again for manager.bog (the test before set Spanish). */
    ok(await srv.api('PATCH', '/api/v1/me', { session: s['manager.bog'], body: { lang: 'en' } }), 'lang en');
    for (const [who, parts] of Object.entries(PARTS)) {
      const { json, text } = await apiDash(who);
      assert.deepEqual(Object.keys(json).sort(), ['office', 'role', ...parts].sort(), `parts of ${who}`);
      assert.equal(json.role, srv.users[who].role);
      assert.equal(json.office, srv.users[who].office);
      /* No personal data, in any language. */
      assertNoPrivate(text, `API ${who}`);
      for (const lang of ['fr', 'es']) {
        assert.deepEqual((await apiDash(who, lang)).json, json, `${who} in ${lang}`);
      }
    }
    assert.deepEqual((await apiDash('admin')).json.administration, {});
    assert.equal((await srv.api('GET', '/api/v1/dashboard')).status, 401);
    assert.equal((await srv.api('POST', '/api/v1/dashboard', { session: s.pm, body: {} })).status, 405);
  });

  it('API: a caseworker\'s figures are those of the page', async () => {
    for (const who of ['caseworker.bkk', 'caseworker.bog']) {
      const html = await dashboard(who);
      const { json, text } = await apiDash(who);
      const m = json.my_work;
      assert.deepEqual(m.cases.cases.map((c) => c.case_number), rows(block(html, 'My active cases')).map((r) => r.cells[0]));
      assert.equal(m.cases.total, m.cases.cases.length);
      for (const c of m.cases.cases) {
        assert.equal(c.status, 'Active');
        assert.equal(c.id, Object.values(cases).find((x) => x.case_number === c.case_number).id);
        assert.match(c.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }
      /* Changed last first. */
      const at = m.cases.cases.map((c) => c.updated_at);
      assert.deepEqual(at, [...at].sort().reverse(), `${who}: order`);
      const page = caseload(html, 'My cases by status');
      assert.deepEqual(counts(m.caseload), page.counts, `${who}: caseload`);
      assert.equal(m.caseload.total, page.total);
      assert.deepEqual(m.followups.visits.map((v) => [v.case_number, v.due_on, v.overdue ? 'Overdue' : 'Due']),
        rows(block(html, 'My follow-ups due')).map((r) => r.cells), `${who}: follow-ups`);
      assert.equal(m.followups.days, 30);
      const other = who.endsWith('bkk') ? byOffice.BOG : byOffice.BKK;
      assertNoCases(text, other, `API ${who}`);
    }
    /* Known data, not only the page's word for it. */
    const m = (await apiDash('caseworker.bkk')).json.my_work;
    assert.deepEqual(m.caseload, { by_status: { Active: 3, FollowUp: 1, Closed: 1, ClosedReferred: 1 }, total: 6 });
    assert.deepEqual(m.cases.cases.map((c) => c.case_number).sort(),
      [cases.A1.case_number, cases.A2.case_number, cases.A3.case_number].sort());
    assert.equal(m.followups.overdue, 1);
    assert.deepEqual(m.followups.visits[0], { case_id: cases.A3.id, case_number: cases.A3.case_number,
      due_on: day(-3), overdue: true });
  });

  it('API: an office manager\'s figures are those of the page, and nothing of another office', async () => {
    for (const who of ['manager.bkk', 'manager.bog']) {
      const html = await dashboard(who);
      const { json, text } = await apiDash(who);
      const o = json.office_overview;
      assert.deepEqual(Object.keys(o).sort(), ['caseload', 'followups', 'handovers', 'shelters', 'stranded']);
      const page = caseload(html, 'Office caseload');
      assert.deepEqual(counts(o.caseload), page.counts, `${who}: caseload`);
      assert.equal(o.caseload.total, page.total);
      assert.deepEqual(o.shelters.map((x) => [x.full ? `${x.name} Full` : x.name, String(x.occupied), String(x.capacity), String(x.free)]),
        rows(block(html, 'Shelter occupancy today')).map((r) => r.cells), `${who}: shelters`);
      for (const x of o.shelters) assert.equal(x.free, Math.max(0, x.capacity - x.occupied));
      assert.deepEqual(o.followups.visits.map((v) => [v.case_number, v.due_on, v.overdue ? 'Overdue' : 'Due']),
        rows(block(html, 'Monitoring visits due and overdue')).map((r) => r.cells), `${who}: visits`);
      const items = [...block(html, 'Handovers waiting for your answer').matchAll(/<li>([\s\S]*?)<\/li>/g)]
        .map((x) => textOf(x[1]));
      assert.deepEqual(o.handovers.map((h) => `${h.case_number} · from ${h.from_office}`), items, `${who}: handovers`);
      assert.deepEqual(o.stranded, []);
      if (who === 'manager.bog') {
        assertNoCases(text, byOffice.BKK.filter((n) => n !== cases.H1.case_number), 'API manager.bog');
        assert.ok(!text.includes(shelterName.alpha) && !text.includes(shelterName.beta));
      } else {
        assertNoCases(text, byOffice.BOG, 'API manager.bkk');
        assert.ok(!text.includes(shelterName.gamma));
      }
    }
    const bkk = (await apiDash('manager.bkk')).json.office_overview;
    assert.deepEqual(bkk.caseload.by_status, { Active: 11, FollowUp: 1, Closed: 1, ClosedReferred: 1 });
    assert.deepEqual(bkk.shelters.map((x) => [x.id, x.occupied, x.capacity, x.free, x.full]).sort(),
      [[shelterId.alpha, 2, 3, 1, false], [shelterId.beta, 1, 1, 0, true]].sort());
    assert.equal(bkk.followups.overdue, 2);
    const bog = (await apiDash('manager.bog')).json.office_overview;
    assert.equal(bog.handovers.length, 1);
    assert.deepEqual([bog.handovers[0].case_id, bog.handovers[0].case_number, bog.handovers[0].from_office],
      [cases.H1.id, cases.H1.case_number, 'BKK']);
  });

  it('API: the programme manager\'s fund figures are those of the page and its charts', async () => {
    const html = await dashboard('pm');
    const { json, text } = await apiDash('pm');
    const f = json.fund;
    /* The queue: A1 and A2 of Bangkok, B1 of Bogotá, all asked today. */
    assert.equal(f.queue.count, 3);
    assert.ok(f.queue.oldest_wait_seconds >= 0 && f.queue.oldest_wait_seconds < 3600, JSON.stringify(f.queue));
    assert.deepEqual(f.queue.offices, [
      { office: 'BKK', count: 2, days_0_6: 2, days_7_29: 0, days_30_plus: 0 },
      { office: 'BOG', count: 1, days_0_6: 1, days_7_29: 0, days_30_plus: 0 },
    ]);
    const wait = block(html, 'Fund requests waiting');
    assert.match(wait, new RegExp(`>${f.queue.count} requests wait for a decision<`));
    assert.match(wait, /<h4>Requests waiting by office and days waited<\/h4>/);
    assert.deepEqual(rows(wait).map((r) => r.cells), f.queue.offices.map((o) =>
      [o.office, String(o.days_0_6), String(o.days_7_29), String(o.days_30_plus), String(o.count)]));
    const qc = chart(html, 'chart-fund-queue');
    assert.equal(qc.kind, 'stacked');
    assert.deepEqual(qc.categories, ['BKK', 'BOG']);
    assert.deepEqual(qc.series.map((x) => x.name), ['0 to 6 days', '7 to 29 days', '30 days or more']);
    assert.deepEqual(qc.series.map((x) => x.data), [[2, 1], [0, 0], [0, 0]]);

    /* The turnaround: GET /api/v1/fund/turnaround's own answer. */
    const ta = ok(await srv.api('GET', '/api/v1/fund/turnaround', { session: s.pm }), 'turnaround');
    assert.deepEqual(f.turnaround, ta);
    assert.deepEqual(f.turnaround.offices.map((o) => [o.office, o.count]), [['BKK', 3]]);
    assert.deepEqual(rows(block(html, 'Turnaround from request to decision')).map((r) => r.cells.slice(0, 2)),
      [['BKK', '3'], ['All offices', '3']]);
    const tc = chart(html, 'chart-turnaround');
    assert.equal(tc.kind, 'bar');
    assert.deepEqual(tc.categories, ['BKK']);
    assert.deepEqual(tc.series.map((x) => x.name), ['Median (days)', 'Mean (days)']);
    const days = (h) => Math.round((h / 24) * 100) / 100;
    assert.deepEqual(tc.series.map((x) => x.data), [[days(ta.offices[0].median_hours)], [days(ta.offices[0].mean_hours)]]);

    /* The budgets, as the page shows them. */
    const lines = f.budgets.lines.map((l) => [l.project, l.currency, l.budget, l.committed, l.disbursed]).sort();
    assert.deepEqual(lines, [
      ['Dashboard project EUR', 'EUR', '4000.00', '0.00', '0.00'],
      ['Dashboard project USD', 'USD', '10000.00', '500.00', '200.00'],
    ]);
    assert.deepEqual(f.budgets.total, { currency: 'USD', budget: '15000.00', committed: '500.00', disbursed: '200.00',
      incomplete: false, overflow: false });
    const en = (a) => Number(a).toLocaleString('en-US', { minimumFractionDigits: 2 });
    const b = rows(block(html, 'Budgets')).map((r) => r.cells);
    assert.deepEqual(b.slice(0, -1).sort(), lines.map(([p, c, x, y, z]) => [p, c, en(x), en(y), en(z)]));
    assert.deepEqual(b[b.length - 1], ['Total', 'USD', en(f.budgets.total.budget), en(f.budgets.total.committed),
      en(f.budgets.total.disbursed)]);

    /* No case, no person, no justification. */
    assertNoCases(text, [...byOffice.BKK, ...byOffice.BOG], 'API pm');
    assertNoPrivate(text, 'API pm');
  });

  it('API: the medical officer\'s caseload is the page\'s, without the high-risk case', async () => {
    const html = await dashboard('medical.bkk');
    const { json } = await apiDash('medical.bkk');
    assert.deepEqual(counts(json.health.caseload), caseload(html, 'Office caseload').counts);
    assert.deepEqual(json.health.caseload, { by_status: { Active: 10, FollowUp: 1, Closed: 1, ClosedReferred: 1 },
      total: 13 });
  });

  it('the fund charts read in French and Spanish', async () => {
    for (const lang of ['fr', 'es']) {
      const html = await dashboard('pm', lang);
      const qc = chart(html, 'chart-fund-queue');
      assert.deepEqual(qc.series.map((x) => x.name),
        ['0 to 6 days', '7 to 29 days', '30 days or more'].map((t) => tr(lang, t)));
      assert.ok(decode(html).includes(`aria-label="${tr(lang, 'Requests waiting by office and days waited')}"`));
      assert.ok(decode(html).includes(`<h4>${tr(lang, 'Requests waiting by office and days waited')}</h4>`));
      const tc = chart(html, 'chart-turnaround');
      assert.deepEqual(tc.series.map((x) => x.name), [tr(lang, 'Median (days)'), tr(lang, 'Mean (days)')]);
      assert.ok(decode(html).includes(`aria-label="${tr(lang, 'Days from request to decision, by office')}"`));
    }
  });

  /* ---------------------------------------------------------------- */
  /* The shelter page: occupancy against capacity over 30 or 90 days   */
  /* ---------------------------------------------------------------- */

  it('the shelter page charts occupancy against capacity per day, as the occupancy API counts it', async () => {
    const id = shelterId.alpha;
    for (const n of [30, 90]) {
      const r = await srv.api('GET', `/shelters/${id}${n === 90 ? '?days=90' : ''}`, { session: s['manager.bkk'] });
      assert.equal(r.status, 200, r.text);
      const c = chart(r.text, 'chart-occupancy');
      assert.equal(c.kind, 'line');
      const occ = ok(await srv.api('GET', `/api/v1/shelters/${id}/occupancy?from=${day(-(n - 1))}&to=${day(0)}`,
        { session: s['manager.bkk'] }), 'occupancy');
      assert.deepEqual(c.categories, occ.days.map((d) => d.date));
      assert.equal(c.categories.length, n);
      assert.deepEqual(c.series.map((x) => x.name), ['Occupied', 'Capacity']);
      assert.deepEqual(c.series[0].data, occ.days.map((d) => d.occupied));
      assert.deepEqual(c.series[1].data, Array(n).fill(3));
      /* S3 from five days ago to today, S1 from two days ago, S2 today. */
      assert.deepEqual(c.series[0].data.slice(-7), [0, 1, 1, 1, 2, 2, 2]);
      assert.ok(c.series[0].data.slice(0, -6).every((x) => x === 0));
      /* The table holds the same figures, newest first. */
      const t = [...r.text.matchAll(/<tr><td><time class="nowrap" datetime="\d{4}-\d\d-\d\d">(\d{4}-\d\d-\d\d)<\/time><\/td><td>(\d+)[^<]*(?:<span[^>]*>[^<]*<\/span>)?<\/td><td>(\d+)<\/td><\/tr>/g)]
        .map((m) => [m[1], Number(m[2]), Number(m[3])]);
      assert.deepEqual(t, occ.days.map((d) => [d.date, d.occupied, 3]).reverse());
      const h2 = n === 90 ? 'Occupancy over the last 90 days' : 'Occupancy over the last 30 days';
      assert.ok(r.text.includes(`<h2>${h2}</h2>`), h2);
      assert.match(r.text, new RegExp(`<a href="/shelters/${id}\\?days=${n === 90 ? 30 : 90}">`));
      assert.match(r.text, /<script src="\/assets\/charts\.js" defer><\/script>/);
    }
    /* In French, the chart's words; another office's shelter is missing. */
    const fr = await srv.api('GET', `/shelters/${id}?days=90`,
      { session: s['manager.bkk'], headers: { 'Accept-Language': 'fr' } });
    assert.deepEqual(chart(fr.text, 'chart-occupancy').series.map((x) => x.name),
      [tr('fr', 'Occupied'), tr('fr', 'Capacity')]);
    assert.ok(decode(fr.text).includes(`<h2>${tr('fr', 'Occupancy over the last 90 days')}</h2>`));
    assert.equal((await srv.api('GET', `/shelters/${id}`, { session: s['manager.bog'] })).status, 404);
    /* Another period is refused, with the reason. */
    for (const q of ['7', '0', '90x', '-30', '365']) {
      const bad = await srv.api('GET', `/shelters/${id}?days=${q}`,
        { session: s['manager.bkk'], headers: { 'Accept-Language': 'es' } });
      assert.equal(bad.status, 400, q);
      assert.ok(decode(bad.text).includes(tr('es', 'Show the occupancy of 30 or 90 days.')), q);
    }
  });
});
