/*
 * tester_review.test.mjs - defects a tester reported, each kept as a
 * test of the whole kind it belongs to:
 *
 *   1. text of nothing but (zero-width) white space is no text: the case
 *      file, its screening answers and a partner's role store none, and a
 *      required one is refused, as the records, the registry, projects,
 *      fund texts and return notes already did;
 *   2. no message says "null", which reads wrong on a page;
 *   3. a page of a case the user sees but may not open (health,
 *      protection, the file) answers 403 with the API's message, and 404
 *      only to whoever does not see the case;
 *   4. accepting a handover names the receiving office, not "the case's";
 *   5. an amount too large is told so, the same for every amount;
 *   6. a total that overflows gives none of its four amounts;
 *   7. an unknown member of a travel leg or a package is "Unknown field."
 *      as everywhere else;
 *   8. messages fit what was asked: nothing is "saved" by a login or a
 *      search, the API's schedule is a list, phones say what is checked;
 *   9. the approval form offers only the projects that run today.
 *
 *   CTM_BIN=$PWD/build/test/ctm node --test tests/http/tester_review.test.mjs
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { assertApiError, createCase, getFile, startServer } from './lib.mjs';
import { day } from '../common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const EXTRA = [
  { username: 'manager.bog', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-41c9e7d2' },
  { username: 'manager.bog.es', role: 'office-manager', office: 'BOG', password: 'pw-Manager-BOG-ES-8e2a61f0' },
  { username: 'medical.bkk', role: 'medical-officer', office: 'BKK', password: 'pw-Medical-BKK-6d3b90a4' },
  { username: 'caseworker.fr', role: 'caseworker', office: 'BKK', password: 'pw-Caseworker-FR-0c57e3b9' },
  { username: 'admin.es', role: 'admin', office: 'HQ', password: 'pw-Admin-ES-93f1d2c7' },
  { username: 'pm.fr', role: 'programme-manager', office: 'HQ', password: 'pw-Programme-FR-b84e0a2d' },
  /* An admin granted case access (ctm user case-grant). */
  { username: 'dpo', role: 'admin', office: 'HQ', password: 'pw-Dpo-HQ-7a15c3e8' },
];
const LANGS = { 'manager.bog.es': 'es', 'caseworker.fr': 'fr', 'admin.es': 'es', 'pm.fr': 'fr' };

const ZW = '\u200b';		/* zero-width space */
const NBSP = '\u00a0';

const decode = (s) => s.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&amp;/g, '&');

let srv;
const s = {};

before(async () => {
  srv = await startServer({
    extraUsers: EXTRA,
    setup: async (db, ctm) => { await ctm(['user', 'case-grant', '--db', db, '--username', 'dpo']); },
  });
  for (const u of ['admin', 'dpo', 'caseworker.bkk', 'manager.bkk', 'caseworker.bog', 'manager.bog', 'pm',
    'researcher', ...Object.keys(LANGS), 'medical.bkk']) {
    s[u] = await srv.login(u);
  }
  for (const [u, lang] of Object.entries(LANGS)) {
    const r = await srv.api('PATCH', '/api/v1/me', { session: s[u], body: { lang } });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { await srv?.stop(); });

const call = (who, method, p, body) => srv.api(method, p, { session: s[who], body });
const get = (who, p) => call(who, 'GET', p);
const post = (who, p, body = {}) => call(who, 'POST', p, body);
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };
function postForm(who, p, fields) {
  const body = new URLSearchParams([['csrf', s[who].csrf], ...fields]).toString();
  return srv.api('POST', p, {
    session: s[who], body, csrf: false, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}
/* A 400 with fields[path]; returns the body. */
function fieldError(r, p, what) {
  const b = assertApiError(r, 400, what);
  assert.equal(typeof b.fields?.[p], 'string', `${what}: no fields["${p}"] in ${r.text}`);
  return b;
}
const newCase = (who = 'caseworker.bkk') => createCase(srv, s[who], { assigned_to: s[who].user.id });
const fundRequest = async (caseId, body = {}) => ok(await post('caseworker.bkk', `/api/v1/cases/${caseId}/fund-requests`,
  { type: 'medical', amount: '100', currency: 'USD', justification: 'Clinic fees.', ...body }), 201);

describe('1. white space alone, zero-width spaces too, is no text', () => {
  it('the case file stores none of it, and refuses it where a value is required', async () => {
    const c = await newCase();
    const file = await getFile(srv, s['caseworker.bkk'], c.id);
    const saved = ok(await call('caseworker.bkk', 'PUT', `/api/v1/cases/${c.id}/file`, {
      ...file,
      prs_FirstName: ZW,
      prs_SecondName: `${ZW} ${ZW}`,
      prs_MailingCity: `\u2060${NBSP}\ufeff`,
      vic_LocationOfRecruitment: `${ZW}${NBSP}\u3000${ZW}`,
      events: [{ hte_Type: 'Recruitment', hte_City: ZW, hte_Description: `${ZW}\r\n${ZW}` }],
      perpetrators: [{ per_RoleInProcess: 'Transporter', per_Notes: `\n${ZW}` }],
    }));
    for (const k of ['prs_FirstName', 'prs_SecondName', 'prs_MailingCity', 'vic_LocationOfRecruitment']) {
      assert.equal(Object.hasOwn(saved, k), false, `${k} saved as ${JSON.stringify(saved[k])}`);
    }
    assert.deepEqual(saved.events, [{ hte_Type: 'Recruitment' }]);
    assert.equal(Object.hasOwn(saved.perpetrators[0], 'per_Notes'), false, 'a blank note on a perpetrator');
    const again = await getFile(srv, s['caseworker.bkk'], c.id);
    assert.equal(again.prs_FirstName, undefined);

    /* Required: a comment and a referral's organisation. */
    let r = await call('caseworker.bkk', 'PUT', `/api/v1/cases/${c.id}/file`,
      { ...again, comments: [{ com_CaseComment: `${ZW} ${ZW}` }] });
    assert.equal(fieldError(r, 'comments[0].com_CaseComment', 'blank comment')
      .fields['comments[0].com_CaseComment'], 'This field is required.');
    r = await call('caseworker.fr', 'PUT', `/api/v1/cases/${c.id}/file`, {
      ...again, referrals: [{ ref_Direction: 'Incoming', ref_Organisation: ZW }],
    });
    assert.equal(fieldError(r, 'referrals[0].ref_Organisation', 'blank organisation')
      .fields['referrals[0].ref_Organisation'], 'Ce champ est obligatoire.');
    assert.equal((await getFile(srv, s['caseworker.bkk'], c.id)).version, again.version, 'a refusal saved');
  });

  it('the case file form stores no name of zero-width spaces', async () => {
    const c = await newCase();
    const file = await getFile(srv, s['caseworker.bkk'], c.id);
    const r = await postForm('caseworker.bkk', `/cases/${c.id}/file/person`, [
      ['version', String(file.version)], ['fields', 'prs_FirstName'], ['fields', 'prs_SecondName'],
      ['prs_FirstName', ZW], ['prs_SecondName', `${ZW} Pérez`],
    ]);
    assert.equal(r.status, 303, r.text);
    const now = await getFile(srv, s['caseworker.bkk'], c.id);
    assert.equal(now.prs_FirstName, undefined, 'a first name of one zero-width space');
    assert.equal(now.prs_SecondName, 'Pérez', 'the zero-width space around a name is trimmed as a space');
  });

  it('the screening keeps no blank answer and takes no blank reason', async () => {
    const c = await newCase();
    const file = await getFile(srv, s['caseworker.bkk'], c.id);
    const screening = {
      act: ['Recruitment'], means: ['Deception'], purpose: ['Other'],
      evidence: { Deception: ZW, Other: `${ZW} ${ZW}`, Recruitment: 'Through a cousin.' }, age_at_act: 30,
    };
    const saved = ok(await call('caseworker.bkk', 'PUT', `/api/v1/cases/${c.id}/file`, { ...file, screening }));
    assert.deepEqual(saved.screening.evidence, { Recruitment: 'Through a cousin.' });
    const scr = ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}/screening`));
    /* An "other" purpose described by nothing is no purpose. */
    assert.ok(scr.missing.includes('purpose'), `purpose not missing: ${JSON.stringify(scr.missing)}`);
    assert.equal(scr.meets_definition, false);
    const other = scr.proposed_status === 'ActualVictimOfTrafficking' ? 'NotAVictimOfTrafficking'
      : 'ActualVictimOfTrafficking';
    const r = await call('caseworker.bkk', 'PUT', `/api/v1/cases/${c.id}/file`, {
      ...saved, screening: { ...screening, decision: { final_status: other, reason: `${ZW}${ZW}` } },
    });
    fieldError(r, 'screening.decision', 'a reason of zero-width spaces');
  });

  it('a partner role of zero-width spaces is none', async () => {
    const org = ok(await post('admin', '/api/v1/organisations', { name: 'Blank Role Org', type: 'NGO', country: 'TH' }), 201);
    const p = ok(await post('pm', '/api/v1/projects', {
      name: 'Blank role project', currency: 'USD', budget: '1000', donors: [],
      partners: [{ organisation_id: org.id, role: `${ZW} ${ZW}` }],
    }), 201);
    const got = ok(await get('pm', `/api/v1/projects/${p.id}`));
    assert.equal(got.partners[0].role, null);
  });

  it('every other free text treats it alike: absent when optional, refused when required', async () => {
    const c = await newCase();
    const svc = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/services`,
      { service_type: 'Legal', start_date: day(-3), status: 'Planned', notes: `${ZW}${ZW}` }), 201);
    assert.equal(svc.notes, undefined);
    fieldError(await post('admin', '/api/v1/organisations', { name: ZW, type: 'NGO', country: 'TH' }), 'name', 'org name');
    const org = ok(await post('admin', '/api/v1/organisations', { name: 'City Org', type: 'NGO', country: 'TH', city: ZW }), 201);
    assert.equal(org.city, null);
    fieldError(await post('admin', '/api/v1/shelters', { name: `${ZW} ${ZW}`, capacity: 3, office: 'BKK' }), 'name', 'shelter');
    fieldError(await post('pm', '/api/v1/projects', { name: ZW, currency: 'USD', budget: '10', donors: [] }), 'name', 'project');
    fieldError(await post('pm', '/api/v1/projects', { name: 'P', currency: 'USD', budget: '10', donors: [{ name: ZW, amount: 1 }] }),
      'donors[0].name', 'donor');
    fieldError(await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
      { type: 'medical', amount: '10', currency: 'USD', justification: ZW }), 'justification', 'justification');
    const ret = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/return`,
      { dest_country: 'CO', dest_office: 'BOG', date: day(-2), notes: ZW }), 201);
    assert.equal(ret.return.notes.Requested, undefined, 'a note of a zero-width space');
  });
});

describe('2. no message says "null"', () => {
  it('the age at the time of the act, on the API and the page, in English and French', async () => {
    const c = await newCase();
    const file = await getFile(srv, s['caseworker.bkk'], c.id);
    let r = await call('caseworker.bkk', 'PUT', `/api/v1/cases/${c.id}/file`,
      { ...file, screening: { act: [], age_at_act: 'thirty' } });
    assert.equal(fieldError(r, 'screening.age_at_act', 'age').fields['screening.age_at_act'],
      'Must be a whole number of years; leave it empty when the age is unknown.');
    r = await call('caseworker.fr', 'PUT', `/api/v1/cases/${c.id}/file`,
      { ...file, screening: { act: [], age_at_act: 1.5 } });
    assert.equal(fieldError(r, 'screening.age_at_act', 'age fr').fields['screening.age_at_act'],
      `Doit être un nombre entier d'années${NBSP}; laissez le champ vide si l'âge est inconnu.`);
    for (const who of ['caseworker.bkk', 'caseworker.fr']) {
      r = await postForm(who, `/cases/${c.id}/file/screening`,
        [['version', String(file.version)], ['fields', 'age_at_act'], ['age_at_act', 'thirty']]);
      assert.equal(r.status, 400, r.text);
      const m = /<small class="error" id="age_at_act-error">([^<]*)<\/small>/.exec(r.text);
      assert.ok(m, `${who}: no message by the age`);
      assert.doesNotMatch(decode(m[1]), /null/);
      assert.match(decode(m[1]), who === 'caseworker.fr' ? /laissez le champ vide/ : /leave it empty/);
    }
  });

  it('the assignee of a case', async () => {
    const c = await newCase();
    const r = await call('caseworker.bkk', 'PATCH', `/api/v1/cases/${c.id}`, { assigned_to: 'nobody' });
    assert.equal(fieldError(r, 'assigned_to', 'assignee').fields.assigned_to,
      'Give a user id; leave it empty to assign nobody.');
  });

  it('nor does any other translatable message', () => {
    const pot = fs.readFileSync(path.resolve(here, '../../po/ctm.pot'), 'utf8');
    const ids = [...pot.matchAll(/^msgid ((?:".*"\n)+)/gm)].map((m) => m[1].replace(/"\n"?/g, '').replace(/^"/, ''));
    assert.ok(ids.length > 1000, 'the template has its messages');
    assert.deepEqual(ids.filter((t) => /\bnull\b/i.test(t)), []);
  });
});

describe('3. a page refuses as the API does whoever sees the case', () => {
  let c;

  before(async () => {
    c = await newCase();
    await fundRequest(c.id);	/* referred to headquarters: the programme manager sees it */
  });

  it('the health page: 403 with the API\'s message to who sees the case, 404 to who does not', async () => {
    const H = `/cases/${c.id}/health`;
    for (const who of ['caseworker.bkk', 'manager.bkk', 'pm', 'dpo']) {
      const api = await get(who, `/api/v1${H}`);
      assert.equal(api.status, 403, `${who} API`);
      const page = await get(who, H);
      assert.equal(page.status, 403, `${who} page: ${page.status}`);
      assert.match(page.text, new RegExp(api.json.error.replace(/[.()]/g, '\\$&')), `${who}: the API's message`);
      assert.doesNotMatch(page.text, /does not exist/);
    }
    assert.equal((await get('caseworker.bkk', `/api/v1${H}`)).json.error, 'You are not allowed to see health records.');
    const fr = await get('caseworker.fr', H);
    assert.equal(fr.status, 403);
    assert.match(decode(fr.text), /Vous n'êtes pas autorisé\(e\) à consulter les dossiers de santé\./);
    /* Who does not see the case is told it does not exist. */
    for (const who of ['caseworker.bog', 'admin', 'researcher']) {
      const page = await get(who, H);
      assert.equal(page.status, 404, `${who} page`);
      assert.match(page.text, /This case does not exist\./);
    }
    const es = await get('admin.es', H);
    assert.equal(es.status, 404);
    assert.equal((await get('medical.bkk', H)).status, 200);
    /* A form posted to it is refused alike. */
    const r = await postForm('caseworker.bkk', H, [['kind', 'health'], ['health_kind', 'Care'], ['date', day(-1)]]);
    assert.equal(r.status, 403, r.text);
    assert.equal((await postForm('caseworker.bog', H, [['kind', 'health']])).status, 404);
  });

  it('the protection page, the case file and the return: the same rule', async () => {
    const apiOf = { protection: 'services', fund: 'fund-requests' };
    for (const [p, who] of [['protection', 'medical.bkk'], ['protection', 'pm'], ['file', 'pm'],
      ['file', 'medical.bkk'], ['return', 'pm'], ['reintegration', 'medical.bkk'], ['fund', 'medical.bkk']]) {
      const api = await get(who, `/api/v1/cases/${c.id}/${apiOf[p] ?? p}`);
      assert.equal(api.status, 403, `${who} API ${p}`);
      const page = await get(who, `/cases/${c.id}/${p}`);
      assert.equal(page.status, 403, `${who} page ${p}: ${page.status}`);
      assert.match(decode(page.text), new RegExp(api.json.error.replace(/[.()]/g, '\\$&')));
    }
    const fr = await get('pm.fr', `/cases/${c.id}/protection`);
    assert.equal(fr.status, 403);
    assert.match(decode(fr.text), /Vous n'êtes pas autorisé\(e\) à consulter cette partie des dossiers\./);
    assert.equal((await get('caseworker.bog', `/cases/${c.id}/protection`)).status, 404);
    /* The case page's own form: changing the case is refused as PATCH is. */
    const patch = await call('pm', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'Closed' });
    assert.equal(patch.status, 403);
    const form = await postForm('pm', `/cases/${c.id}`, [['status', 'Closed']]);
    assert.equal(form.status, 403);
    assert.match(decode(form.text), new RegExp(patch.json.error.replace(/[.()]/g, '\\$&')));
    assert.equal((await postForm('caseworker.bog', `/cases/${c.id}`, [['status', 'Closed']])).status, 404);
    const hidden = await newCase();		/* not referred: out of the programme manager's scope */
    for (const p of ['protection', 'health', 'file']) {
      assert.equal((await get('pm', `/cases/${hidden.id}/${p}`)).status, 404, `pm ${p} of an unseen case`);
    }
  });
});

describe('4. accepting a handover names the receiving office', () => {
  it('on the API and the transfers page, in English and Spanish', async () => {
    const c = await newCase();
    const t = ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/transfers`, { to_office: 'BOG' }), 201);
    const wrong = s['caseworker.bkk'].user.id;	/* of the sending office */
    const r = await post('manager.bog', `/api/v1/transfers/${t.id}/decision`, { decision: 'accept', assigned_to: wrong });
    assert.equal(fieldError(r, 'assigned_to', 'accept').fields.assigned_to,
      'Choose an active caseworker or office manager of the receiving office.');
    let page = await postForm('manager.bog', `/transfers/${t.id}`, [['action', 'accept'], ['assigned_to', String(wrong)]]);
    assert.equal(page.status, 400);
    assert.match(page.text, /of the receiving office\./);
    assert.doesNotMatch(page.text, /case&#39;s office|case's office/);
    page = await postForm('manager.bog.es', `/transfers/${t.id}`, [['action', 'accept'], ['assigned_to', String(wrong)]]);
    assert.equal(page.status, 400);
    assert.match(decode(page.text), /adscrita a la oficina que recibe el caso\./);
    /* Nothing moved; a right assignee still takes it. */
    assert.equal(ok(await get('caseworker.bkk', `/api/v1/cases/${c.id}`)).office, 'BKK');
    ok(await post('manager.bog', `/api/v1/transfers/${t.id}/decision`,
      { decision: 'accept', assigned_to: s['caseworker.bog'].user.id }));
  });
});

describe('5. an amount too large is told so, the same everywhere', () => {
  const BIG = '9999999999999.99';
  const TOO_LARGE = 'This amount is too large: at most 1,000,000,000,000.';

  it('a project\'s budget, its further lines and its donors, on creation and change', async () => {
    const base = { name: 'Big', currency: 'USD', budget: '10', donors: [] };
    const main = fieldError(await post('pm', '/api/v1/projects', { ...base, budget: BIG }), 'budget', 'budget');
    assert.equal(main.fields.budget, TOO_LARGE);
    const line = fieldError(await post('pm', '/api/v1/projects', { ...base, budgets: [{ currency: 'EUR', budget: BIG }] }),
      'budgets[0].budget', 'line');
    assert.equal(line.fields['budgets[0].budget'], TOO_LARGE);
    const donor = fieldError(await post('pm', '/api/v1/projects', { ...base, donors: [{ name: 'D', amount: Number(BIG) }] }),
      'donors[0].amount', 'donor');
    assert.equal(donor.fields['donors[0].amount'], TOO_LARGE);

    const p = ok(await post('pm', '/api/v1/projects', { ...base, name: 'Big change' }), 201);
    let r = await call('pm', 'PATCH', `/api/v1/projects/${p.id}`, { budgets: [{ currency: 'EUR', budget: BIG }] });
    assert.equal(fieldError(r, 'budgets', 'patch line').fields.budgets, TOO_LARGE);
    r = await call('pm', 'PATCH', `/api/v1/projects/${p.id}`, { budget: BIG });
    assert.equal(fieldError(r, 'budget', 'patch budget').fields.budget, TOO_LARGE);
    r = await post('pm', `/api/v1/projects/${p.id}/donors`, { name: 'D', amount: BIG });
    assert.equal(fieldError(r, 'amount', 'donor add').fields.amount, TOO_LARGE);
    /* What is not an amount at all keeps its own message. */
    r = await call('pm', 'PATCH', `/api/v1/projects/${p.id}`, { budgets: [{ currency: 'EUR', budget: '-5' }] });
    assert.notEqual(fieldError(r, 'budgets', 'negative').fields.budgets, TOO_LARGE);
    /* As creation does: a whole amount in a currency without decimals. */
    r = await call('pm', 'PATCH', `/api/v1/projects/${p.id}`, { budgets: [{ currency: 'JPY', budget: '10.50' }] });
    assert.match(fieldError(r, 'budgets', 'JPY').fields.budgets, /no decimals/);
    assert.equal(ok(await get('pm', `/api/v1/projects/${p.id}`)).budgets.length, 1, 'a refusal saved a line');

    const fr = await call('pm.fr', 'PATCH', `/api/v1/projects/${p.id}`, { budgets: [{ currency: 'EUR', budget: BIG }] });
    assert.match(fieldError(fr, 'budgets', 'fr').fields.budgets, /^Ce montant est trop élevé\u00a0: au plus 1\s000\s000\s000\s000\.$/u);
  });

  it('a fund request and a service\'s cost', async () => {
    const c = await newCase();
    let r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/fund-requests`,
      { type: 'medical', amount: BIG, currency: 'USD', justification: 'Fees.' });
    assert.equal(fieldError(r, 'amount', 'request').fields.amount, TOO_LARGE);
    r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/services`,
      { service_type: 'Legal', start_date: day(-1), status: 'Planned', cost: BIG, currency: 'USD' });
    assert.equal(fieldError(r, 'cost', 'cost').fields.cost, TOO_LARGE);
  });
});

describe('6. a total that cannot be computed gives none of its amounts', () => {
  it('the projects\' totals, a project\'s and the dashboard\'s', async () => {
    ok(await post('pm', '/api/v1/rates', { currency: 'CHF', valid_from: day(-1), rate: '0.000001' }), 201);
    const p = ok(await post('pm', '/api/v1/projects', {
      name: 'Overflowing', currency: 'USD', budget: '10', donors: [],
      budgets: [{ currency: 'CHF', budget: '99999999999.99' }],
    }), 201);
    const four = (t, what) => {
      assert.equal(t.overflow, true, `${what}: overflow`);
      for (const k of ['budget', 'committed', 'disbursed', 'remaining']) {
        if (k in t || k !== 'remaining') assert.equal(t[k], null, `${what}: ${k} is ${JSON.stringify(t[k])}`);
      }
    };
    four(ok(await get('pm', '/api/v1/projects')).totals, 'list');
    four(ok(await get('pm', `/api/v1/projects/${p.id}`)).usd, 'project');
    four(ok(await get('pm', '/api/v1/dashboard')).fund.budgets.total, 'dashboard');
    /* The pages say so for each. */
    const page = decode((await get('pm', '/projects')).text);
    const line = /All budgets in USD at today's rates:[^\n]*?<\/p>/.exec(page)?.[0] ?? '';
    assert.equal((line.match(/not computable/g) ?? []).length, 3, `projects page: ${line}`);
  });
});

describe('7. an unknown member of a nested list is "Unknown field."', () => {
  it('a travel leg and a reintegration package, as a donor', async () => {
    const c = await newCase();
    ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/return`, { dest_country: 'CO', dest_office: 'BOG', date: day(-2) }), 201);
    const leg = { from_country: 'TH', to_country: 'CO', departure_date: day(1), arrival_date: day(2), colour: 'red' };
    let r = await call('caseworker.bkk', 'PUT', `/api/v1/cases/${c.id}/return/legs`, { legs: [leg] });
    let b = fieldError(r, 'legs[0].colour', 'leg');
    assert.equal(b.fields['legs[0].colour'], 'Unknown field.');
    assert.equal(b.error, 'The request contains unknown fields.');
    r = await call('caseworker.fr', 'PUT', `/api/v1/cases/${c.id}/return/legs`, { legs: [leg] });
    b = fieldError(r, 'legs[0].colour', 'leg fr');
    assert.equal(b.fields['legs[0].colour'], 'Champ inconnu.');
    assert.equal(b.error, 'La requête contient des champs inconnus.');
    r = await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
      { plan_type: 'Legal', packages: [{ type: 'Cash', amount: '10', currency: 'USD', colour: 'red' }] });
    assert.equal(fieldError(r, 'packages[0].colour', 'package').fields['packages[0].colour'], 'Unknown field.');
    r = await post('pm', '/api/v1/projects', { name: 'X', currency: 'USD', budget: '1', donors: [{ name: 'D', amount: 1, colour: 'red' }] });
    assert.equal(fieldError(r, 'donors[0].colour', 'donor').fields['donors[0].colour'], 'Unknown field.');
  });
});

describe('8. messages fit what was asked', () => {
  it('a login or a search saves nothing and does not say so', async () => {
    let r = await srv.api('POST', '/api/v1/login', { body: { username: 1, password: 'x' } });
    let b = fieldError(r, 'username', 'login');
    assert.equal(b.error, 'Some fields are not of the right type.');
    r = await post('caseworker.bkk', '/api/v1/cases/search', { q: 5 });
    b = fieldError(r, 'q', 'search');
    assert.doesNotMatch(b.error, /saved/);
    r = await call('caseworker.fr', 'POST', '/api/v1/cases/search', { q: 5 });
    assert.equal(fieldError(r, 'q', 'search fr').error, 'Certains champs ne sont pas du bon type.');
    r = await srv.api('POST', '/api/v1/login', { body: '{"username":"a\\u0001","password":"x"}' });
    assert.doesNotMatch(assertApiError(r, 400, 'login control').error, /saved/);
    r = await srv.api('POST', '/login', {
      body: 'username=a%01&password=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(r.status, 400);
    assert.doesNotMatch(r.text, /saved/);
    /* A change still says that nothing was saved. */
    const c = await newCase();
    r = await call('caseworker.bkk', 'PATCH', `/api/v1/cases/${c.id}`, { status: 5 });
    assert.match(fieldError(r, 'status', 'patch').error, /^Nothing was saved/);
  });

  it('the API\'s schedule is a list, not the form\'s commas', async () => {
    let r = await call('admin', 'PUT', '/api/v1/settings/reintegration-schedule', { months: [3, 1] });
    let b = fieldError(r, 'months', 'months');
    assert.equal(b.fields.months, 'Give the months after arrival as a list of at most 24 whole numbers from 1 to 120 '
      + 'in increasing order, such as 1, 3, 6 and 12.');
    r = await call('admin.es', 'PUT', '/api/v1/settings/reintegration-schedule', { months: [0, 200] });
    b = fieldError(r, 'months', 'months es');
    assert.match(b.fields.months, /en orden creciente, por ejemplo 1, 3, 6 y 12\.$/);
    r = await call('admin', 'PUT', '/api/v1/settings/reintegration-schedule', { months: 'often' });
    assert.doesNotMatch(fieldError(r, 'months', 'type').fields.months, /comma/);
    /* The settings form keeps its own words, for its text box. */
    r = await postForm('admin', '/admin/settings', [['schedule', '3,1']]);
    assert.equal(r.status, 400);
    assert.match(r.text, /separated by commas/);
    assert.deepEqual(ok(await get('admin', '/api/v1/settings/reintegration-schedule')).months, [1, 3, 6, 12]);
  });

  it('phones: the messages and the docs say the rule the code checks', async () => {
    const docs = fs.readFileSync(path.resolve(here, '../../docs/api.md'), 'utf8');
    assert.match(docs, /`phone` `\+` and 2 to 15 digits/);
    let r = await post('admin', '/api/v1/organisations', { name: 'Phone Org', type: 'NGO', country: 'TH', phone: '+1' });
    assert.match(fieldError(r, 'phone', 'one digit').fields.phone, /\+ and 2 to 15 digits/);
    r = await call('admin.es', 'POST', '/api/v1/organisations', { name: 'Phone Org', type: 'NGO', country: 'TH', phone: '+1234567890123456' });
    assert.match(fieldError(r, 'phone', 'sixteen digits').fields.phone, /de 2 a 15/);
    ok(await post('admin', '/api/v1/organisations', { name: 'Phone Org', type: 'NGO', country: 'TH', phone: '+12' }), 201);
    /* A person's phones are another rule, said as such (and documented). */
    assert.match(docs, /`prs_MobilePhone`[^.]*\+` and 8 to 15 digits/);
    const c = await newCase();
    const file = await getFile(srv, s['caseworker.bkk'], c.id);
    r = await call('caseworker.bkk', 'PUT', `/api/v1/cases/${c.id}/file`, { ...file, prs_MobilePhone: '+1234567' });
    assert.match(fieldError(r, 'prs_MobilePhone', 'seven digits').fields.prs_MobilePhone, /\+ and 8 to 15 digits/);
    ok(await call('caseworker.bkk', 'PUT', `/api/v1/cases/${c.id}/file`, { ...file, prs_MobilePhone: '+12345678' }));
  });
});

describe('9. the approval form offers only the projects that run today', () => {
  it('a project not begun or ended is not offered, and the API still refuses it', async () => {
    const mk = async (name, extra) => ok(await post('pm', '/api/v1/projects',
      { name, currency: 'USD', budget: '5000', donors: [], ...extra }), 201);
    const running = await mk('Runs today', { start: day(-10), end: day(10) });
    const open = await mk('Open ended', {});
    const later = await mk('Starts later', { start: day(30), end: day(60) });
    const ended = await mk('Ended already', { start: day(-60), end: day(-1) });
    const c = await newCase();
    const q = await fundRequest(c.id);
    const html = decode((await get('pm', `/fund/requests/${q.id}`)).text);
    const select = /<select id="project_id"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1];
    assert.ok(select, 'the approval form has its projects');
    const offered = [...select.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]));
    assert.ok(offered.includes(running.id) && offered.includes(open.id), `offered: ${offered}`);
    assert.ok(!offered.includes(later.id), 'a project not begun is offered');
    assert.ok(!offered.includes(ended.id), 'a project that has ended is offered');
    for (const p of [later, ended]) {
      const r = await post('pm', `/api/v1/fund-requests/${q.id}/decision`,
        { decision: 'approve', reason: 'ok', project_id: p.id });
      assert.equal(r.status, 409, r.text);
      assert.ok(r.json.fields.project_id);
    }
    ok(await post('pm', `/api/v1/fund-requests/${q.id}/decision`,
      { decision: 'approve', reason: 'ok', project_id: running.id }));
  });
});

describe('10. no return is asked for, nor reintegration planned, before the person was identified', () => {
  it('refuses the step dated before the identification (certainly before: a month given spans it), in English and French', async () => {
    const c = await createCase(srv, s['caseworker.bkk']);
    const f = await getFile(srv, s['caseworker.bkk'], c.id);
    f.idn_DateIdentified = day(-20);
    f.idn_RegistrationDate = day(-19);
    ok(await srv.api('PUT', `/api/v1/cases/${c.id}/file`, { session: s['caseworker.bkk'], body: f }));
    const R = `/api/v1/cases/${c.id}/return`;
    const req = { dest_country: 'CO', dest_office: 'BOG', confirm: true };
    const MSG = 'This step cannot be dated before the person was identified.';
    let r = await post('caseworker.bkk', R, { ...req, date: day(-21) });
    assertApiError(r, 400, 'return before identification');
    assert.equal(r.json.fields?.date, MSG, r.text);
    const fr = await post('caseworker.fr', R, { ...req, date: day(-21) });
    assert.equal(fr.status, 400);
    assert.match(fr.json.fields.date, /identifi/i);
    assert.notEqual(fr.json.fields.date, MSG);
    assert.equal(ok(await get('caseworker.bkk', R)).return, null, 'a return was saved');
    const P = `/api/v1/cases/${c.id}/reintegration`;
    r = await post('caseworker.bkk', P, { plan_type: 'Livelihood', plan_date: '2020-01-01' });
    assertApiError(r, 400, 'plan before identification');
    assert.equal(r.json.fields?.plan_date, MSG, r.text);
    assert.equal(ok(await get('caseworker.bkk', P)).plan, null, 'a plan was saved');
    /* The day of identification itself, and later, are taken. */
    ok(await post('caseworker.bkk', P, { plan_type: 'Livelihood', plan_date: day(-20) }));
    ok(await post('caseworker.bkk', R, { ...req, date: day(-20) }), 201);
  });

  it('takes any date when the file gives no identification date, or only its year', async () => {
    const c = await createCase(srv, s['caseworker.bkk']);
    const R = `/api/v1/cases/${c.id}/return`;
    ok(await post('caseworker.bkk', `/api/v1/cases/${c.id}/reintegration`,
      { plan_type: 'Livelihood', plan_date: '2020-01-01' }));
    const d = await createCase(srv, s['caseworker.bkk']);
    const f = await getFile(srv, s['caseworker.bkk'], d.id);
    f.idn_DateIdentified = day(0).slice(0, 4);
    f.idn_RegistrationDate = day(0);
    ok(await srv.api('PUT', `/api/v1/cases/${d.id}/file`, { session: s['caseworker.bkk'], body: f }));
    ok(await post('caseworker.bkk', `/api/v1/cases/${d.id}/return`,
      { dest_country: 'CO', dest_office: 'BOG', confirm: true, date: `${day(0).slice(0, 4)}-01-01` }), 201);
    assert.ok(R);
  });
});
