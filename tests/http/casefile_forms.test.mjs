/*
 * casefile_forms.test.mjs - catalogue <-> form consistency. The test
 * reads src/catalogue.def and src/codelist.def itself (a regex over the
 * FIELD, LIST and CODE lines) and checks the generated HTML forms of the
 * case file against them:
 *
 *   - every field of a section that is not FF_SYSTEM has a control on its
 *     section's page, named by its HTCDS field name, of the kind its type
 *     calls for (FT_CODES: one checkbox per code, all sharing the name;
 *     FT_COUNTRIES: one <select multiple>);
 *   - no control on a page names anything but a field of that section,
 *     its special-answer companion ("<name>.special") or the form's own
 *     inputs (csrf, version, action, index);
 *   - every code of a field's list is an option of its select (FT_CODE,
 *     FT_BOOL) or a checkbox value (FT_CODES), and nothing else is, but
 *     the empty choice and, where the field allows them, the special
 *     answers Unknown / NotAsked / DeclinedToAnswer;
 *   - "required", maxlength and max follow the catalogue; every control
 *     has a label;
 *   - a saved realistic file is shown again by the forms, value for value;
 *   - the screening page has only its own inputs (act, means, purpose,
 *     evidence.*, age_at_act, consent; decide, final_status, reason).
 *
 *   CTM_BIN=/abs/path/to/ctm node --test tests/http/casefile_forms.test.mjs
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, createCase, getFile, saveFile, realisticFile } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.resolve(here, '../../src');

/* The special answers (codelist.def: "Unknown, NotAsked,
 * DeclinedToAnswer"); FF_SYSTEM and FF_NOSPECIAL fields have none. */
const SPECIAL = ['Unknown', 'NotAsked', 'DeclinedToAnswer'];
/* The inputs a case-file form has besides its fields. */
const FORM_INPUTS = new Set(['csrf', 'version', 'action', 'index', 'fields']);

/* Section -> the page it is edited on. */
const PAGES = {
  SEC_PERSON: 'person',
  SEC_VICTIM: 'victim',
  SEC_IDENT: 'identification',
  SEC_CASE: 'case',
  SEC_EVENT: 'events',
  SEC_PERPETRATOR: 'perpetrators',
  SEC_REFERRAL: 'referrals',
  SEC_COMMENT: 'comments',
  SEC_CONSENT: 'consents',
};
const LIST_PAGES = new Set(['events', 'perpetrators', 'referrals', 'comments', 'consents']);

/* --- the declarations --- */

function parseCatalogue() {
  const text = fs.readFileSync(path.join(SRC, 'catalogue.def'), 'utf8');
  const re = /^FIELD\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*(FT_\w+)\s*,\s*(CL_\w+)\s*,\s*(SEC_\w+)\s*,\s*([^,]+?)\s*,\s*N_\("((?:[^"\\]|\\.)*)"\)\s*,\s*(\d+)\s*\)\s*$/;
  const fields = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('FIELD(')) continue;
    const m = re.exec(line);
    assert.ok(m, `catalogue.def: cannot parse ${line}`);
    const flags = m[6] === '0' ? [] : m[6].split('|').map((s) => s.trim());
    for (const f of flags) assert.match(f, /^FF_[A-Z]+$/, `catalogue.def: flag ${f} in ${line}`);
    fields.push({
      id: m[1], name: m[2], type: m[3], list: m[4], section: m[5], flags: new Set(flags),
      label: m[7], max: Number(m[8]),
    });
  }
  return fields;
}

function parseCodelists() {
  const text = fs.readFileSync(path.join(SRC, 'codelist.def'), 'utf8');
  const lists = new Map();
  for (const line of text.split('\n')) {
    let m = /^LIST\(\s*(CL_\w+)\s*,\s*"([^"]+)"\s*\)/.exec(line);
    if (m) {
      lists.set(m[1], { key: m[2], codes: [] });
      continue;
    }
    m = /^CODE\(\s*(CL_\w+)\s*,\s*"([^"]+)"\s*,/.exec(line);
    if (m) {
      assert.ok(lists.has(m[1]), `codelist.def: CODE before LIST ${m[1]}`);
      lists.get(m[1]).codes.push(m[2]);
    }
  }
  return lists;
}

const FIELDS = parseCatalogue();
const LISTS = parseCodelists();
const allowsSpecial = (f) => !f.flags.has('FF_SYSTEM') && !f.flags.has('FF_NOSPECIAL');
const singleSelect = (f) => ['FT_BOOL', 'FT_CODE', 'FT_COUNTRY', 'FT_LANGUAGE'].includes(f.type);
const formFields = (sec) => FIELDS.filter((f) => f.section === sec && !f.flags.has('FF_SYSTEM'));

/* --- reading the HTML --- */

function unescapeHtml(s) {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27|apos);/g, (_, e) => ({
    amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", apos: "'",
  })[e]);
}

function attrsOf(s) {
  const out = {};
  for (const m of s.matchAll(/([\w:.-]+)(?:\s*=\s*"([^"]*)")?/g)) out[m[1].toLowerCase()] = m[2] === undefined ? true : unescapeHtml(m[2]);
  return out;
}

/* The <main> of a page. */
function mainOf(html) {
  const a = html.indexOf('<main');
  const b = html.indexOf('</main>');
  assert.ok(a >= 0 && b > a, 'the page has a <main>');
  return html.slice(a, b);
}

/*
 * The form controls of html: [{tag, attrs, options?: [{value, selected}],
 * text?}] (options for <select>, the content for <textarea>).
 */
function controlsOf(html) {
  const out = [];
  const re = /<(input|select|textarea|button)\b([^>]*)>/g;
  let m;
  while ((m = re.exec(html)) !== null) {
    const c = { tag: m[1], attrs: attrsOf(m[2]) };
    if (c.tag === 'select') {
      const end = html.indexOf('</select>', re.lastIndex);
      assert.ok(end > 0, 'unclosed <select>');
      const body = html.slice(re.lastIndex, end);
      c.options = [...body.matchAll(/<option\b([^>]*)>/g)].map((o) => {
        const a = attrsOf(o[1]);
        return { value: a.value ?? '', selected: a.selected === true };
      });
      re.lastIndex = end;
    } else if (c.tag === 'textarea') {
      const end = html.indexOf('</textarea>', re.lastIndex);
      assert.ok(end > 0, 'unclosed <textarea>');
      c.text = unescapeHtml(html.slice(re.lastIndex, end));
      re.lastIndex = end;
    }
    out.push(c);
  }
  return out;
}

/* The ids that a <label for=...> names. */
function labelledIds(html) {
  return new Set([...html.matchAll(/<label\b[^>]*\bfor="([^"]+)"/g)].map((m) => m[1]));
}

/* Whether the control is inside a <label> (checkboxes are wrapped). */
function wrappedInLabel(html, c) {
  const at = html.indexOf(`name="${c.attrs.name}" value="${c.attrs.value}"`);
  const open = html.lastIndexOf('<label', at);
  const close = html.lastIndexOf('</label>', at);
  return at > 0 && open > close;
}

/* The value a field's controls show, as the file stores it. */
function shownValue(f, ctl) {
  if (f.type === 'FT_CODES') {
    return ctl.filter((c) => c.attrs.checked === true).map((c) => c.attrs.value).join(';');
  }
  const [c] = ctl;
  if (c.tag === 'select') return c.options.filter((o) => o.selected).map((o) => o.value).join(';');
  if (c.tag === 'textarea') return c.text.replace(/^\n/, '');
  return c.attrs.value ?? '';
}

describe('case file forms follow the catalogue', () => {
  let srv, cw, id, file;
  const pages = new Map();

  before(async () => {
    srv = await startServer();
    cw = await srv.login('caseworker.bkk');
    const c = await createCase(srv, cw);
    id = c.id;
    file = await saveFile(srv, cw, id, realisticFile(await getFile(srv, cw, id)), 'realistic file');
    for (const p of [...Object.values(PAGES), 'screening']) {
      const r = await srv.api('GET', `/cases/${id}/file/${p}`, { session: cw });
      assert.equal(r.status, 200, `GET /cases/${id}/file/${p}: ${r.status}`);
      assert.match(String(r.headers['content-type']), /^text\/html/, `${p}: content type`);
      pages.set(p, mainOf(r.text));
    }
  });
  after(async () => { if (srv) await srv.stop(); });

  it('the declarations parse', () => {
    assert.ok(FIELDS.length >= 60, `only ${FIELDS.length} FIELD lines parsed`);
    const sections = new Set(FIELDS.map((f) => f.section));
    assert.deepEqual([...sections].sort(), Object.keys(PAGES).sort(), 'every section has a page here');
    const names = FIELDS.map((f) => f.name);
    assert.equal(new Set(names).size, names.length, 'field names are unique');
    for (const f of FIELDS) {
      if (['FT_CODE', 'FT_CODES', 'FT_BOOL'].includes(f.type)) {
        assert.ok(LISTS.get(f.list)?.codes.length > 0, `${f.name}: list ${f.list} has no codes`);
      } else {
        assert.equal(f.list, 'CL_NONE', `${f.name}: a list on a ${f.type}`);
      }
    }
  });

  for (const [sec, page] of Object.entries(PAGES)) {
    describe(`${page} (${sec})`, () => {
      let html, controls, byName;
      before(() => {
        html = pages.get(page);
        controls = controlsOf(html);
        byName = new Map();
        for (const c of controls) {
          if (typeof c.attrs.name !== 'string') continue;
          if (!byName.has(c.attrs.name)) byName.set(c.attrs.name, []);
          byName.get(c.attrs.name).push(c);
        }
      });

      it('has one form control per field, of the kind its type calls for', () => {
        const missing = formFields(sec).filter((f) => !byName.has(f.name)).map((f) => f.name);
        assert.deepEqual(missing, [], `fields without a control on /file/${page}`);
        for (const f of formFields(sec)) {
          const ctl = byName.get(f.name);
          const kinds = ctl.map((c) => (c.tag === 'input' ? `input:${c.attrs.type ?? 'text'}` : c.tag));
          switch (f.type) {
            case 'FT_CODES':
              assert.ok(kinds.every((k) => k === 'input:checkbox'), `${f.name}: ${kinds}`);
              break;
            case 'FT_COUNTRIES':
              assert.deepEqual(kinds, ['select'], `${f.name}: ${kinds}`);
              assert.equal(ctl[0].attrs.multiple, true, `${f.name}: a multiple select`);
              assert.ok(ctl[0].options.length > 200, `${f.name}: ${ctl[0].options.length} countries`);
              break;
            case 'FT_CODE': case 'FT_BOOL': case 'FT_COUNTRY': case 'FT_LANGUAGE':
              assert.deepEqual(kinds, ['select'], `${f.name}: ${kinds}`);
              assert.notEqual(ctl[0].attrs.multiple, true, `${f.name}: one value only`);
              break;
            case 'FT_LONGTEXT':
              assert.deepEqual(kinds, ['textarea'], `${f.name}: ${kinds}`);
              break;
            case 'FT_INT':
              assert.deepEqual(kinds, ['input:number'], `${f.name}: ${kinds}`);
              assert.equal(ctl[0].attrs.max, String(f.max), `${f.name}: max`);
              assert.equal(ctl[0].attrs.min, '0', `${f.name}: min`);
              break;
            case 'FT_EMAIL':
              assert.deepEqual(kinds, ['input:email'], `${f.name}: ${kinds}`);
              break;
            default: /* FT_TEXT, FT_DATE, FT_PHONES */
              assert.deepEqual(kinds, ['input:text'], `${f.name}: ${kinds}`);
          }
          if (['FT_TEXT', 'FT_LONGTEXT', 'FT_EMAIL', 'FT_PHONES'].includes(f.type) && f.max > 0) {
            assert.equal(ctl[0].attrs.maxlength, String(f.max), `${f.name}: maxlength`);
          }
          if (f.type === 'FT_DATE') {
            assert.equal(ctl[0].attrs.maxlength, '10', `${f.name}: maxlength of a date`);
            assert.ok(new RegExp(`^(?:${ctl[0].attrs.pattern})$`).test('1990-04'), `${f.name}: pattern takes a partial date`);
          }
          /* The browser insists only where no "or:" answer may stand in. */
          const req = f.flags.has('FF_REQUIRED') && (singleSelect(f) || !allowsSpecial(f));
          for (const c of ctl) {
            assert.equal(c.attrs.required === true, req && f.type !== 'FT_CODES',
              `${f.name}: required attribute (${[...f.flags]})`);
          }
        }
      });

      it('names nothing but its fields, their companions and the form inputs', () => {
        const mine = new Set(formFields(sec).map((f) => f.name));
        const companions = new Set(formFields(sec).filter((f) => allowsSpecial(f) && !singleSelect(f))
          .map((f) => `${f.name}.special`));
        const catalogue = new Map(FIELDS.map((f) => [f.name, f]));
        const stray = [];
        for (const name of byName.keys()) {
          if (mine.has(name) || companions.has(name) || FORM_INPUTS.has(name)) continue;
          stray.push(catalogue.has(name) ? `${name} (a field of ${catalogue.get(name).section})` : name);
        }
        assert.deepEqual(stray, [], `unexpected controls on /file/${page}`);
        for (const name of companions) {
          const ctl = byName.get(name);
          assert.ok(ctl, `no special-answer companion ${name}`);
          assert.deepEqual(ctl.map((c) => c.tag), ['select'], `${name} is one select`);
          assert.deepEqual(ctl[0].options.map((o) => o.value), ['', ...SPECIAL], `${name}: options`);
        }
        for (const c of controls) {
          if (c.tag === 'button' || c.attrs.type === 'hidden') continue;
          assert.equal(typeof c.attrs.name, 'string', `a control without a name: ${JSON.stringify(c.attrs)}`);
        }
        /* Every form posts back to this page. */
        const actions = [...html.matchAll(/<form\b([^>]*)>/g)].map((m) => attrsOf(m[1]));
        assert.ok(actions.length > 0, 'a form');
        for (const a of actions) {
          assert.equal(a.method, 'post');
          assert.equal(a.action, `/cases/${id}/file/${page}`);
        }
        assert.ok(byName.has('csrf') && byName.has('version'), 'csrf and version inputs');
        if (LIST_PAGES.has(page)) {
          assert.ok(byName.get('action')?.some((c) => c.attrs.value === 'add'), 'an add form');
        }
      });

      it('offers every code of each list, and nothing else', () => {
        for (const f of formFields(sec)) {
          const ctl = byName.get(f.name);
          if (!ctl) continue; /* reported above */
          const special = allowsSpecial(f) ? SPECIAL : [];
          if (f.type === 'FT_CODE' || f.type === 'FT_BOOL') {
            const codes = LISTS.get(f.list).codes;
            const values = ctl[0].options.map((o) => o.value);
            const missing = codes.filter((c) => !values.includes(c));
            assert.deepEqual(missing, [], `${f.name}: codes of ${f.list} missing from its select`);
            const extra = values.filter((v) => v !== '' && !codes.includes(v) && !special.includes(v));
            assert.deepEqual(extra, [], `${f.name}: options that are no code of ${f.list}`);
            assert.deepEqual(values.filter((v) => SPECIAL.includes(v)), special,
              `${f.name}: special answers ${allowsSpecial(f) ? 'offered' : 'not offered'}`);
            assert.deepEqual(values.filter((v) => codes.includes(v)), codes, `${f.name}: codes in declared order`);
            assert.equal(new Set(values).size, values.length, `${f.name}: an option twice`);
          } else if (f.type === 'FT_CODES') {
            const codes = LISTS.get(f.list).codes;
            assert.deepEqual(ctl.map((c) => c.attrs.value), codes, `${f.name}: one checkbox per code of ${f.list}`);
            for (const c of ctl) assert.ok(wrappedInLabel(html, c), `${f.name}=${c.attrs.value}: checkbox without a label`);
          } else if (f.type === 'FT_COUNTRY' || f.type === 'FT_LANGUAGE') {
            const values = ctl[0].options.map((o) => o.value);
            assert.deepEqual(values.filter((v) => SPECIAL.includes(v)), special, `${f.name}: special answers`);
            assert.equal(values[0], '', `${f.name}: an empty choice first`);
          } else if (f.type === 'FT_COUNTRIES') {
            const values = ctl[0].options.map((o) => o.value);
            assert.ok(values.every((v) => /^[A-Z]{2}$/.test(v)), `${f.name}: only country codes`);
            assert.equal(new Set(values).size, values.length, `${f.name}: a country twice`);
          }
        }
      });

      it('labels every control', () => {
        const labelled = labelledIds(html);
        for (const c of controls) {
          if (c.tag === 'button' || c.attrs.type === 'hidden' || c.attrs.type === 'checkbox') continue;
          assert.ok(c.attrs.id && labelled.has(c.attrs.id), `${c.attrs.name}: no <label for> (id ${c.attrs.id})`);
        }
        for (const f of formFields(sec).filter((x) => x.type === 'FT_CODES')) {
          assert.match(html, new RegExp(`<fieldset id="f-${f.name}"[^>]*>\\s*<legend>`), `${f.name}: a fieldset with a legend`);
        }
      });

      if (!LIST_PAGES.has(page)) {
        it('shows the saved file again, value for value', () => {
          for (const f of formFields(sec)) {
            const ctl = byName.get(f.name);
            if (!ctl) continue;
            const saved = typeof file[f.name] === 'string' ? file[f.name] : '';
            /* Several values show in the list's order, not as typed. */
            const set = (v) => (['FT_CODES', 'FT_COUNTRIES'].includes(f.type) ? v.split(';').sort().join(';') : v);
            assert.equal(set(shownValue(f, ctl)), set(saved), `${f.name}: the form shows another value than saved`);
          }
        });
      } else {
        it('lists the saved entries with a remove button each', () => {
          const key = page;
          const n = file[key].length;
          assert.ok(n > 0, `${key}: the realistic file has entries`);
          const rows = [...html.matchAll(/<tr><th scope="row">(\d+)<\/th>/g)].map((m) => Number(m[1]));
          assert.deepEqual(rows, Array.from({ length: n }, (_, i) => i + 1), `${key}: one row per entry`);
          const removes = (byName.get('action') ?? []).filter((c) => c.attrs.value === 'remove');
          /* Consent records are never removed. */
          const appendOnly = page === 'consents' || page === 'comments';
          assert.equal(removes.length, appendOnly ? 0 : n, `${key}: remove buttons`);
          const indexes = (byName.get('index') ?? []).map((c) => c.attrs.value);
          assert.deepEqual(indexes, appendOnly ? [] : Array.from({ length: n }, (_, i) => String(i)),
            `${key}: index inputs`);
        });
      }
    });
  }

  describe('screening', () => {
    it('has only the interview and decision inputs, no catalogue field', () => {
      const html = pages.get('screening');
      const controls = controlsOf(html);
      const catalogue = new Set(FIELDS.map((f) => f.name));
      const names = new Set(controls.map((c) => c.attrs.name).filter((n) => typeof n === 'string'));
      const fixed = new Set(['csrf', 'version', 'fields', 'act', 'means', 'purpose', 'age_at_act', 'consent',
        'decide', 'final_status', 'reason']);
      const items = controls.filter((c) => ['act', 'means', 'purpose'].includes(c.attrs.name));
      assert.ok(items.length >= 5 + 8 + 6, `${items.length} act/means/purpose checkboxes`);
      const evidence = new Set(items.map((c) => `evidence.${c.attrs.value}`));
      const stray = [...names].filter((n) => !fixed.has(n) && !evidence.has(n));
      assert.deepEqual(stray, [], 'unexpected controls on the screening page');
      assert.deepEqual([...names].filter((n) => catalogue.has(n)), [], 'catalogue fields on the screening page');
      for (const e of evidence) assert.ok(names.has(e), `no ${e} input`);
      for (const c of items) assert.equal(c.attrs.type, 'checkbox', `${c.attrs.name}=${c.attrs.value}`);
      const fs2 = controls.find((c) => c.attrs.name === 'final_status');
      assert.deepEqual(fs2.options.map((o) => o.value).sort(),
        [...LISTS.get('CL_TRAFFICKING_STATUS').codes].sort(), 'final status: the HTCDS trafficking statuses');
      const consent = controls.find((c) => c.attrs.name === 'consent');
      for (const s of ['Yes', 'No', ...SPECIAL]) {
        assert.ok(consent.options.some((o) => o.value === s), `consent: ${s}`);
      }
      /* What the realistic file recorded is shown checked. */
      const checked = (el) => items.filter((c) => c.attrs.name === el && c.attrs.checked === true).map((c) => c.attrs.value);
      assert.deepEqual(checked('act'), file.screening.act);
      assert.deepEqual(checked('means'), file.screening.means);
      assert.deepEqual(checked('purpose'), file.screening.purpose);
    });
  });
});
