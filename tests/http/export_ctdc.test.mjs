/*
 * export_ctdc.test.mjs - `ctm export ctdc` on a real database: cases
 * made through the API with and without consent to research use, the
 * server stopped, then the command run on the database. Only the cases
 * whose latest consent record covers research use are written; the file
 * has CTDC's 63 k-anon columns; every combination of the
 * quasi-identifiers occurs at least k times; a case unlike the others is
 * left out; the report on stderr gives counts, never a value; the file
 * is mode 0600.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createCase, getFile, runCtm, saveFile, startServer, todayUtc } from './lib.mjs';

const QI = ['gender', 'ageBroad', 'majorityStatus', 'citizenship', 'CountryOfExploitation',
  'yearOfRegistration'];

/* RFC 4180 with CRLF line ends, as ctm writes it: rows of cells. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell); rows.push(row); row = []; cell = ''; i++;
    } else cell += ch;
  }
  assert.equal(cell, '', 'the file ends with a CRLF');
  assert.equal(row.length, 0, 'the file ends with a CRLF');
  return rows;
}

/* Header and rows as objects; asserts the k-anon layout. */
function readExport(text) {
  const rows = parseCsv(text);
  assert.ok(rows.length >= 1, 'no header');
  const [header, ...data] = rows;
  assert.equal(header.length, 63, `header has ${header.length} columns`);
  assert.deepEqual(header.slice(0, 8), ['yearOfRegistration', 'Datasource', 'gender', 'ageBroad',
    'majorityStatus', 'majorityStatusAtExploit', 'majorityEntry', 'citizenship']);
  assert.equal(header[57], 'CountryOfExploitation');
  return data.map((r) => {
    assert.equal(r.length, 63, `a row has ${r.length} cells`);
    return Object.fromEntries(header.map((h, i) => [h, r[i]]));
  });
}

/* Size of the smallest combination of the quasi-identifiers. */
function smallestGroup(rows) {
  const n = new Map();
  for (const r of rows) {
    const key = QI.map((q) => r[q]).join('\x1f');
    n.set(key, (n.get(key) ?? 0) + 1);
  }
  return Math.min(...n.values());
}

describe('ctm export ctdc', () => {
  let srv;
  let dir;
  let db;
  const keep = process.env.CTM_KEEP_TMP;

  before(async () => {
    srv = await startServer();
    dir = srv.dir;
    db = srv.db;
    const bkk = await srv.login('caseworker.bkk');
    const bog = await srv.login('caseworker.bog');
    const yes = { con_ConsentToInterview: 'Yes', con_InformedOfResearchUse: 'Yes' };
    const mk = async (s, who, consents) => {
      const c = await createCase(srv, s);
      const f = await getFile(srv, s, c.id);
      Object.assign(f, who);
      f.consents = consents[0] ? [consents[0]] : [];
      let saved = await saveFile(srv, s, c.id, f);
      /* Consent records are appended: a later one withdraws. */
      for (const more of consents.slice(1)) {
        saved.consents = [...saved.consents, more];
        saved = await saveFile(srv, s, c.id, saved);
      }
    };
    /* Six women from Myanmar exploited in Thailand, consenting. */
    const mm = {
      prs_Gender: 'Feminine', prs_Birthdate: '1990-04', prs_Citizenship: 'MM',
      vic_TypeOfExploitation: 'SexualExploitation',
      events: [{ hte_Type: 'Exploitation', hte_Country: 'TH' }],
    };
    for (let i = 0; i < 6; i++) await mk(bkk, mm, [yes]);
    /* One man unlike anyone else, consenting. */
    await mk(bkk, {
      prs_Gender: 'Masculine', prs_Birthdate: '1961-02', prs_Citizenship: 'VN',
      vic_TypeOfExploitation: 'ForcedLabour',
      events: [{ hte_Type: 'Exploitation', hte_Country: 'MY' }],
    }, [yes]);
    /* Brazilians exploited in Brazil, none of whom consents to research
     * use as the latest record has it. */
    const br = {
      prs_Gender: 'Feminine', prs_Birthdate: '1990-04', prs_Citizenship: 'BR',
      vic_TypeOfExploitation: 'SexualExploitation',
      events: [{ hte_Type: 'Exploitation', hte_Country: 'BR' }],
    };
    await mk(bog, br, []);
    await mk(bog, br, []);
    await mk(bog, br, [{ con_ConsentToInterview: 'Yes', con_InformedOfResearchUse: 'No' }]);
    await mk(bog, br, [{ con_ConsentToInterview: 'No', con_InformedOfResearchUse: 'Yes' }]);
    await mk(bog, br, [yes, { con_ConsentToInterview: 'Yes', con_InformedOfResearchUse: 'No' }]);
    await mk(bog, br, [yes, { con_ConsentToInterview: 'Yes', con_InformedOfResearchUse: 'No' }]);

    /* Stop the server but keep its directory (database and key). */
    process.env.CTM_KEEP_TMP = '1';
    try {
      await srv.stop();
    } finally {
      if (keep === undefined) delete process.env.CTM_KEEP_TMP;
      else process.env.CTM_KEEP_TMP = keep;
    }
  });

  after(() => {
    if (dir && !keep) fs.rmSync(dir, { recursive: true, force: true });
  });

  const noValues = (stderr) => {
    for (const v of ['MM', 'VN', 'BR', 'TH', 'MY', 'Asia', 'Americas', 'Female', 'Male', '30--38']) {
      assert.ok(!new RegExp(`\\b${v}\\b`).test(stderr), `the report shows ${v}: ${stderr}`);
    }
  };

  it('writes only consenting cases, k-anonymous, and leaves out the unique one', async () => {
    const out = path.join(dir, 'export.csv');
    const r = await runCtm(['export', 'ctdc', '--db', db, '--k', '3', '--output', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    const text = fs.readFileSync(out, 'utf8');
    assert.ok(!/\bBR\b/.test(text), 'a case without research consent was exported');
    assert.ok(!/\bVN\b|\bMY\b/.test(text), 'the unique case was exported as it is');
    const rows = readExport(text);
    assert.equal(rows.length, 6);
    assert.ok(smallestGroup(rows) >= 3);
    const year = todayUtc().slice(0, 4);
    for (const row of rows) {
      assert.equal(row.Datasource, 'Case Management');
      assert.equal(row.gender, 'Female');
      assert.equal(row.citizenship, 'MM');
      assert.equal(row.CountryOfExploitation, 'TH');
      assert.equal(row.majorityStatus, 'Adult');
      assert.equal(row.yearOfRegistration, year);
      assert.equal(row.isSexualExploit, '1');
      assert.equal(row.isForcedLabour, '0');
      /* Not projected by ctm: missing as CTDC writes it. */
      assert.equal(row.majorityStatusAtExploit, '-99');
      assert.equal(row.typeOfSexConcatenated, '-99');
    }
    /* Counts only: 7 consenting, 6 written, 1 left out. */
    assert.match(r.stderr, /\b7\b[^\n]*\b6 written, 1 left out/);
    noValues(r.stderr);
  });

  it('with the default k of 10, seven cases give nothing but the header', async () => {
    const r = await runCtm(['export', 'ctdc', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readExport(r.stdout).length, 0);
    assert.match(r.stderr, /0 written, 7 left out/);
    noValues(r.stderr);
  });

  it('with k = 2 the unique case still cannot be hidden among the others', async () => {
    const r = await runCtm(['export', 'ctdc', '--db', db, '--k', '2']);
    assert.equal(r.code, 0, r.stderr);
    const rows = readExport(r.stdout);
    assert.ok(smallestGroup(rows) >= 2);
    assert.ok(!/\bBR\b|\bVN\b|\bMY\b/.test(r.stdout));
    assert.equal(rows.length, 6);
  });

  it('replaces an existing file with one of mode 0600', async () => {
    const out = path.join(dir, 'again.csv');
    fs.writeFileSync(out, 'old', { mode: 0o644 });
    fs.chmodSync(out, 0o644);
    const r = await runCtm(['export', 'ctdc', '--db', db, '--k', '3', '--output', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    assert.equal(readExport(fs.readFileSync(out, 'utf8')).length, 6);
    /* No temporary file left beside it. */
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('again.csv.')), []);
  });

  it('refuses bad arguments and writes nothing', async () => {
    for (const args of [['--k', '1'], ['--k', '1001'], ['--k', 'ten'], ['--bogus'], ['extra']]) {
      const r = await runCtm(['export', 'ctdc', '--db', db, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.code} ${r.stderr}`);
      assert.equal(r.stdout, '');
    }
    const none = await runCtm(['export', 'ctdc', '--k', '3']);
    assert.equal(none.code, 2);
    const out = path.join(dir, 'missing-dir', 'x.csv');
    const bad = await runCtm(['export', 'ctdc', '--db', db, '--output', out]);
    assert.equal(bad.code, 1);
    assert.ok(!fs.existsSync(out));
    const nodb = await runCtm(['export', 'ctdc', '--db', path.join(dir, 'nope.db'),
      '--output', path.join(dir, 'nope.csv')]);
    assert.equal(nodb.code, 1);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('nope.')), []);
  });
});
