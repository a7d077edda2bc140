/*
 * htcds.test.mjs - `ctm export htcds` and `ctm import htcds` (issue 4,
 * item 3): round trip of whole case files through HTCDS JSON, no
 * duplicates on a second import, all-or-none with a report that names
 * case and field but never an identifying value, and CSV cells that a
 * spreadsheet would take for formulas neutralised.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCtm } from './lib.mjs';

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ctm-htcds-'));
}

/* The demo's cases (src/demo.c, journeys[]): 45 journeys, one case each.
 * Bangkok registers 17 of them (Aung, Sreymom, Min Thu, Zaw Lin, four
 * Cambodians and nine Colombians) and has handed three of the Colombians
 * over to Bogotá (Angie, Daniela, Paola): 14 are in Bangkok now. */
const DEMO_CASES = 45;
const DEMO_BKK = 17 - 3;

async function ok(args) {
  const r = await runCtm(args);
  assert.equal(r.code, 0, `ctm ${args.join(' ')}: ${r.stderr}`);
  return r;
}

async function demoDb() {
  const dir = tmpdir();
  const db = path.join(dir, 'ctm.db');
  await ok(['demo', '--db', db]);
  return { dir, db };
}

async function exportJson(db, out, office) {
  const args = ['export', 'htcds', '--db', db, '--format', 'json', '--output', out];
  if (office) args.push('--office', office);
  const r = await ok(args);
  return { r, files: JSON.parse(fs.readFileSync(out, 'utf8')) };
}

/* A case file without what the system sets: ids, numbers, office,
 * version, the date and author of comments and consents, who took the
 * screening decision and when. */
function norm(f) {
  const g = structuredClone(f);
  for (const k of ['id', 'case_number', 'office', 'version']) delete g[k];
  const drop = { perpetrators: ['per_id'], comments: ['com_id', 'com_Date', 'com_Author'],
    consents: ['con_id', 'con_Date', 'con_RecordedBy'] };
  for (const [list, keys] of Object.entries(drop)) {
    g[list] = (g[list] ?? []).map((e) => {
      const c = { ...e };
      for (const k of keys) delete c[k];
      return c;
    });
  }
  const d = g.screening?.decision;
  if (d) { delete d.decided_at; delete d.decided_by; }
  return g;
}

async function countCases(db, office) {
  const out = path.join(tmpdir(), 'count.json');
  const { files } = await exportJson(db, out, office);
  return files.length;
}

test('export json: every case file, mode 0600, a personal-data warning', async () => {
  const { dir, db } = await demoDb();
  const out = path.join(dir, 'all.json');
  const { r, files } = await exportJson(db, out);
  assert.equal(files.length, DEMO_CASES);
  assert.equal(fs.statSync(out).mode & 0o777, 0o600);
  assert.match(r.stderr, /personal data/);
  const aung = files.find((f) => f.prs_FirstName === 'Aung');
  assert.ok(aung && aung.case_number.startsWith('BKK-'));
  assert.equal(aung.events.length, 3);
  assert.equal(aung.perpetrators.length, 1);
  const bkk = (await exportJson(db, path.join(dir, 'bkk.json'), 'BKK')).files;
  assert.equal(bkk.length, DEMO_BKK);
  assert.ok(bkk.every((f) => f.office === 'BKK'));
});

test('json round trip: export, import into BOG of a fresh db, export again', async () => {
  const a = await demoDb();
  const b = await demoDb();
  const f1 = path.join(a.dir, 'e1.json');
  const { files: before } = await exportJson(a.db, f1);
  const bogBefore = await countCases(b.db, 'BOG');
  const r = await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', f1]);
  assert.match(r.stdout, new RegExp(`imported ${DEMO_CASES} cases into office BOG`));
  const { files: after } = await exportJson(b.db, path.join(b.dir, 'e2.json'), 'BOG');
  assert.equal(after.length, bogBefore + DEMO_CASES);
  const imported = after.slice(-DEMO_CASES);
  assert.ok(imported.every((f) => f.office === 'BOG' && f.case_number.startsWith('BOG-')));
  for (let i = 0; i < 6; i++) assert.deepEqual(norm(imported[i]), norm(before[i]));

  /* The same file again creates nothing. */
  const again = await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', f1]);
  assert.match(again.stdout, /already imported/);
  assert.equal(await countCases(b.db, 'BOG'), bogBefore + DEMO_CASES);
});

test('a bad case: nothing imported, the report names case and field, never a value', async () => {
  const a = await demoDb();
  const { files } = await exportJson(a.db, path.join(a.dir, 'e.json'));
  const bad = files.slice(0, 3);
  bad[1].prs_Gender = 'NoSuchGender';
  /* An identifying value that is wrong: it must not be echoed. */
  bad[2].prs_MobilePhone = 'call-Aung-555';
  const f = path.join(a.dir, 'bad.json');
  fs.writeFileSync(f, JSON.stringify(bad));
  const n = await countCases(a.db);
  const r = await runCtm(['import', 'htcds', '--db', a.db, '--office', 'BOG', f]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /case 2, field prs_Gender: /);
  assert.match(r.stderr, /case 3, field prs_MobilePhone: /);
  assert.doesNotMatch(r.stderr, /NoSuchGender/);
  assert.doesNotMatch(r.stderr, /call-Aung-555/);
  for (const v of ['Aung', 'Sreymom', 'Kyaw', '+66812340001']) {
    assert.ok(!r.stderr.includes(v), `report shows ${v}`);
    assert.ok(!r.stdout.includes(v), `output shows ${v}`);
  }
  assert.equal(await countCases(a.db), n, 'nothing created');

  /* --skip-invalid imports the good one only. */
  const s = await ok(['import', 'htcds', '--db', a.db, '--office', 'BOG', '--skip-invalid', f]);
  assert.match(s.stdout, /imported 1 case into office BOG; skipped 2 invalid/);
  assert.equal(await countCases(a.db), n + 1);
});

test('not JSON, not an array, unknown key with a value for a name', async () => {
  const a = await demoDb();
  const n = await countCases(a.db);
  const f = path.join(a.dir, 'x.json');
  fs.writeFileSync(f, '[{"prs_FirstName": "Secretname",');
  let r = await runCtm(['import', 'htcds', '--db', a.db, '--office', 'BOG', f]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /not valid JSON/);
  assert.doesNotMatch(r.stderr, /Secretname/);
  fs.writeFileSync(f, '{"prs_FirstName": "Secretname"}');
  r = await runCtm(['import', 'htcds', '--db', a.db, '--office', 'BOG', f]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /array/);
  fs.writeFileSync(f, JSON.stringify([{ 'Maria Secretname': 'x', idn_RegistrationDate: '2026-01-01' }]));
  r = await runCtm(['import', 'htcds', '--db', a.db, '--office', 'BOG', f]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /case 1, field/);
  assert.doesNotMatch(r.stderr, /Secretname/);
  r = await runCtm(['import', 'htcds', '--db', a.db, '--office', 'NOPE', f]);
  assert.notEqual(r.code, 0);
  assert.equal(await countCases(a.db), n);
});

test('csv export: one row per case, formula-like cells neutralised', async () => {
  const a = await demoDb();
  const { files } = await exportJson(a.db, path.join(a.dir, 'e.json'));
  const one = files.slice(0, 1);
  one[0].prs_MailingCity = '=HYPERLINK("http://x")';
  one[0].prs_MailingState = '@SUM(1)';
  const f = path.join(a.dir, 'one.json');
  fs.writeFileSync(f, JSON.stringify(one));
  await ok(['import', 'htcds', '--db', a.db, '--office', 'BOG', f]);
  const out = path.join(a.dir, 'bog.csv');
  const r = await ok(['export', 'htcds', '--db', a.db, '--office', 'BOG', '--format', 'csv', '--output', out]);
  assert.match(r.stderr, /personal data/);
  assert.equal(fs.statSync(out).mode & 0o777, 0o600);
  const text = fs.readFileSync(out, 'utf8');
  const lines = text.trimEnd().split('\r\n');
  const header = lines[0].split(',').map((s) => s.replace(/^"|"$/g, ''));
  assert.equal(header[0], 'prs_Salutation');
  assert.ok(header.includes('case_number') && header.includes('office'));
  assert.equal(lines.length, 1 + await countCases(a.db, 'BOG'));
  assert.ok(text.includes('"\'=HYPERLINK(""http://x"")"'), 'formula neutralised');
  assert.ok(text.includes('"\'@SUM(1)"'));
  assert.ok(!/(^|,)"[=+\-@]/m.test(text), 'no cell starts with = + - @');
});

function parseCsv(text) {
  /* Enough for ctm's own output: every cell quoted, "" inside. */
  const rows = [];
  for (const line of text.trimEnd().split('\r\n')) {
    const cells = [];
    const re = /"((?:[^"]|"")*)"(?:,|$)/g;
    let m;
    while ((m = re.exec(line)) !== null) cells.push(m[1].replace(/""/g, '"'));
    rows.push(cells);
  }
  return rows;
}

test('csv round trip, a second import does nothing, bad rows change nothing', async () => {
  const a = await demoDb();
  const b = await demoDb();
  const f1 = path.join(a.dir, 'e1.csv');
  await ok(['export', 'htcds', '--db', a.db, '--format', 'csv', '--output', f1]);
  const before = parseCsv(fs.readFileSync(f1, 'utf8'));
  const bog = await countCases(b.db, 'BOG');
  const r = await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', f1]);
  assert.match(r.stdout, new RegExp(`imported ${DEMO_CASES} cases into office BOG`));
  const again = await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', f1]);
  assert.match(again.stdout, /already imported/);
  assert.equal(await countCases(b.db, 'BOG'), bog + DEMO_CASES);
  const f2 = path.join(b.dir, 'e2.csv');
  await ok(['export', 'htcds', '--db', b.db, '--office', 'BOG', '--format', 'csv', '--output', f2]);
  const after = parseCsv(fs.readFileSync(f2, 'utf8'));
  assert.deepEqual(after[0], before[0]);
  /* The JSON columns hold system-set ids, dates and authors: compared
   * modulo those in the full round trip below. */
  const skip = ['case_number', 'office', 'perpetrators', 'comments', 'consents', 'screening']
    .map((k) => before[0].indexOf(k));
  const strip = (row) => row.filter((_, i) => !skip.includes(i));
  const got = after.slice(-DEMO_CASES).map(strip);
  assert.deepEqual(got, before.slice(1).map(strip));
  /* The phones start with '+': neutralised out, restored in. */
  assert.ok(before.slice(1).some((row) => row.some((c) => c.startsWith("'+66"))));

  /* An unknown code: report by case and field, nothing created. */
  const rows = before.map((row) => [...row]);
  const g = rows[0].indexOf('prs_Gender');
  rows[2][g] = 'Martian';
  const csv = (rs) => rs.map((row) => row.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
  const bad = path.join(b.dir, 'bad.csv');
  fs.writeFileSync(bad, csv(rows));
  const n = await countCases(b.db);
  let x = await runCtm(['import', 'htcds', '--db', b.db, '--office', 'BOG', bad]);
  assert.notEqual(x.code, 0);
  assert.match(x.stderr, /case 2, field prs_Gender: /);
  assert.doesNotMatch(x.stderr, /Martian|Aung|Sreymom/);
  /* A ragged row and an unknown column. */
  fs.writeFileSync(bad, csv([rows[0], rows[1].slice(0, 3)]));
  x = await runCtm(['import', 'htcds', '--db', b.db, '--office', 'BOG', bad]);
  assert.notEqual(x.code, 0);
  assert.match(x.stderr, /row 2 .*cells/);
  fs.writeFileSync(bad, csv([[...rows[0], 'no_such_field'], [...rows[1], 'x']]));
  x = await runCtm(['import', 'htcds', '--db', b.db, '--office', 'BOG', bad]);
  assert.notEqual(x.code, 0);
  assert.match(x.stderr, /no_such_field: not a field/);
  assert.equal(await countCases(b.db), n);
});

/* --- the HTCDS toolkit's case sheet (Toolkit/Excel/) as .xlsx and CSV --- */

/* Copies of ../shared/data/htcds/Toolkit/Excel/ (see tests/data/htcds/). */
const TOOLKIT_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname),
  '../data/htcds');
const TOOLKIT_MULTI = path.join(TOOLKIT_DIR, 'HTCDS Excel Spreadsheet v2.0.xlsx');
const TOOLKIT_SINGLE = path.join(TOOLKIT_DIR,
  'HTCDS Excel Spreadsheet single select with validation v2.0.xlsx');

/* A part of a zip archive, by the system's unzip (python is not for
 * tests); null when the archive has no such part. */
function unzipPart(file, part) {
  const r = spawnSync('unzip', ['-p', file, part], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout : null;
}

function xmlText(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/* The sheet names and the first sheet's rows (arrays of cell text by
 * column, '' when empty) of a workbook: enough of SpreadsheetML for the
 * toolkit and for what libxlsxwriter writes. */
function readXlsx(file) {
  const wb = unzipPart(file, 'xl/workbook.xml');
  assert.ok(wb, `${file} has no xl/workbook.xml`);
  const sheets = [...wb.matchAll(/<sheet [^>]*name="([^"]*)"/g)].map((m) => xmlText(m[1]));
  const sst = (unzipPart(file, 'xl/sharedStrings.xml') ?? '');
  const strings = [...sst.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    xmlText([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  const xml = unzipPart(file, 'xl/worksheets/sheet1.xml');
  const rows = [];
  for (const rm of xml.matchAll(/<row [^>]*r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)) {
    const row = [];
    for (const cm of rm[2].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      let col = 0;
      for (const ch of cm[1]) col = col * 26 + ch.charCodeAt(0) - 64;
      const v = /<v>([\s\S]*?)<\/v>/.exec(cm[3] ?? '');
      const t = /<t[^>]*>([\s\S]*?)<\/t>/.exec(cm[3] ?? '');
      let text = '';
      if (/t="s"/.test(cm[2]) && v) text = strings[Number(v[1])];
      else if (v) text = xmlText(v[1]);
      else if (t) text = xmlText(t[1]);
      while (row.length < col - 1) row.push('');
      row[col - 1] = text;
    }
    rows[Number(rm[1]) - 1] = row;
  }
  return { sheets, rows: Array.from(rows, (r) => r ?? []) };
}

/* What the toolkit's sheet carries of a case file, to compare a round
 * trip: the mapped scalar fields and the first referral each way. */
const TOOLKIT_FIELDS = ['prs_Salutation', 'prs_FirstName', 'prs_SecondName', 'prs_Birthdate',
  'prs_Gender', 'prs_Citizenship', 'prs_Email', 'prs_HomePhone', 'prs_MobilePhone',
  'prs_MailingStreet', 'prs_MailingCity', 'prs_MailingState', 'prs_MailingPostalCode',
  'prs_MailingCountry', 'vic_TraffickingStatus', 'vic_TraffickingStatusDecisionMakingOrg',
  'vic_MethodOfRecruitment', 'vic_LocationOfRecruitment', 'vic_MethodsOfControl',
  'vic_TypeOfExploitation', 'vic_ForcedLabourIndustry', 'vic_TypeOfSexExploitation',
  'vic_LocationOfExploitation', 'cas_Status', 'cas_ReasonForCaseClosure'];
const REF_FIELDS = ['ref_Organisation', 'ref_Date', 'ref_Reason', 'ref_Details', 'ref_PrimaryCaseWorker'];

function toolkitView(f) {
  const v = {};
  for (const k of TOOLKIT_FIELDS) if (f[k]) v[k] = f[k];
  for (const dir of ['Incoming', 'Outgoing']) {
    const r = (f.referrals ?? []).find((x) => x.ref_Direction === dir);
    if (!r) continue;
    for (const k of REF_FIELDS) if (r[k]) v[`${dir}.${k}`] = r[k];
  }
  return v;
}

function headerRows(rows) {
  /* Column A numbers the rows and has no header. */
  return rows.slice(0, 2).map((r) => r.slice(1, 39).map((c) => c ?? ''));
}

test('toolkit xlsx: the toolkit\'s sheet and header rows, a round trip into another office', async () => {
  assert.ok(fs.existsSync('/usr/bin/unzip'), 'the tests read workbooks with unzip');
  const a = await demoDb();
  const out = path.join(a.dir, 'cases.xlsx');
  const r = await ok(['export', 'htcds', '--db', a.db, '--format', 'xlsx', '--output', out]);
  assert.match(r.stderr, new RegExp(`personal data of ${DEMO_CASES} cases`));
  assert.equal(fs.statSync(out).mode & 0o777, 0o600);
  assert.equal(fs.readFileSync(out).subarray(0, 4).toString('latin1'), 'PK\x03\x04');

  const mine = readXlsx(out);
  const single = readXlsx(TOOLKIT_SINGLE);
  const multi = readXlsx(TOOLKIT_MULTI);
  assert.deepEqual(mine.sheets, ['Case Sheet', 'Cases', 'Events', 'Perpetrators',
    'Referrals', 'Comments', 'Consents', 'Screening']);
  assert.equal(single.sheets[0], 'Case Sheet');
  assert.deepEqual(headerRows(mine.rows), headerRows(single.rows));
  assert.deepEqual(headerRows(mine.rows), headerRows(multi.rows));
  assert.equal(headerRows(mine.rows)[1].length, 38);
  assert.equal(mine.rows.length, 2 + DEMO_CASES);
  /* Codes are written as the toolkit's labels. */
  const labels = mine.rows[1];
  const rows = mine.rows.slice(2);
  const aung = rows.find((row) => row[labels.indexOf('First Name')] === 'Aung');
  assert.ok(aung);
  assert.match(aung[labels.indexOf('Gender')], /^[A-Z][a-z]/);

  const b = await demoDb();
  const bog = await countCases(b.db, 'BOG');
  const imp = await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', out]);
  assert.match(imp.stdout, new RegExp(`imported ${DEMO_CASES} cases into office BOG`));
  const again = await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', out]);
  assert.match(again.stdout, /already imported/);
  const src = (await exportJson(a.db, path.join(a.dir, 'a.json'))).files;
  const got = (await exportJson(b.db, path.join(b.dir, 'b.json'), 'BOG')).files.slice(bog);
  assert.equal(got.length, DEMO_CASES);
  assert.deepEqual(got.map(toolkitView), src.map(toolkitView));
  assert.ok(got.every((f) => f.office === 'BOG'));
});

test('toolkit csv: the same two header rows, a round trip', async () => {
  const a = await demoDb();
  const out = path.join(a.dir, 'cases.csv');
  await ok(['export', 'htcds', '--db', a.db, '--format', 'toolkit-csv', '--output', out]);
  const rows = parseCsv(fs.readFileSync(out, 'utf8'));
  const single = readXlsx(TOOLKIT_SINGLE);
  assert.deepEqual(headerRows(rows), headerRows(single.rows));
  assert.equal(rows.length, 2 + DEMO_CASES);
  const b = await demoDb();
  const bog = await countCases(b.db, 'BOG');
  await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', out]);
  const src = (await exportJson(a.db, path.join(a.dir, 'a.json'))).files;
  const got = (await exportJson(b.db, path.join(b.dir, 'b.json'), 'BOG')).files.slice(bog);
  assert.deepEqual(got.map(toolkitView), src.map(toolkitView));

  /* A toolkit sheet filled in by hand: labels as the drop-downs give
   * them, several values in one cell; a bad value is reported by case
   * and field, never quoted, and nothing is imported. */
  const hand = [rows[0], rows[1], Array(39).fill('')];
  const L = (label) => rows[1].indexOf(label);
  hand[2][L('First Name')] = 'Nang';
  hand[2][L('Status')] = 'Follow up';
  hand[2][L('Methods of Control')] = 'Physical threats; Threats of law enforcement';
  hand[2][L('Reason for Outgoing Referral')] = 'Migration Or Change Of Location';
  hand[2][L('Referred Organisation')] = 'Shelter';
  const csv = (rs) => rs.map((row) => row.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
  const f = path.join(b.dir, 'hand.csv');
  fs.writeFileSync(f, csv(hand));
  const n = await countCases(b.db, 'BOG');
  await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', f]);
  const last = (await exportJson(b.db, path.join(b.dir, 'c.json'), 'BOG')).files.at(-1);
  assert.equal(await countCases(b.db, 'BOG'), n + 1);
  assert.equal(last.prs_FirstName, 'Nang');
  assert.equal(last.cas_Status, 'FollowUp');
  assert.equal(last.vic_MethodsOfControl.split(';').length, 2);
  assert.deepEqual(last.referrals.map((x) => [x.ref_Direction, x.ref_Reason]),
    [['Outgoing', 'MigrationOrChangeOfLocation']]);
  hand[2][L('First Name')] = 'Sai';
  hand[2][L('Gender')] = 'Martian';
  fs.writeFileSync(f, csv(hand));
  const x = await runCtm(['import', 'htcds', '--db', b.db, '--office', 'BOG', f]);
  assert.notEqual(x.code, 0);
  assert.match(x.stderr, /case 1, field prs_Gender: /);
  assert.doesNotMatch(x.stderr, /Martian|Sai/);
  assert.equal(await countCases(b.db, 'BOG'), n + 1);
});

test('the real toolkit workbooks: empty templates, no case, nothing changed', async () => {
  const b = await demoDb();
  const n = await countCases(b.db);
  for (const file of [TOOLKIT_MULTI, TOOLKIT_SINGLE]) {
    const x = await runCtm(['import', 'htcds', '--db', b.db, '--office', 'BOG', file]);
    assert.equal(x.code, 1, x.stderr);
    assert.match(x.stderr, /no case to import; the database is unchanged/);
    assert.doesNotMatch(x.stderr, /AddressSanitizer|runtime error/);
  }
  assert.equal(await countCases(b.db), n);
});

test('an .xlsx that is not a workbook: a clear message, nothing changed', async () => {
  const b = await demoDb();
  const n = await countCases(b.db);
  const f = path.join(b.dir, 'not.xlsx');
  fs.writeFileSync(f, 'prs_FirstName\nAung\n');
  let x = await runCtm(['import', 'htcds', '--db', b.db, '--office', 'BOG', f]);
  assert.equal(x.code, 1);
  assert.match(x.stderr, /not\.xlsx: not an \.xlsx workbook \(not a zip archive\)/);
  assert.doesNotMatch(x.stderr, /Aung/);
  /* A zip without a sheet. */
  const z = path.join(b.dir, 'empty.xlsx');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctm-zip-'));
  fs.writeFileSync(path.join(dir, 'readme.txt'), 'x');
  const zr = spawnSync('zip', ['-q', '-j', z, path.join(dir, 'readme.txt')]);
  if (zr.status === 0) {
    x = await runCtm(['import', 'htcds', '--db', b.db, '--office', 'BOG', z]);
    assert.equal(x.code, 1);
    assert.match(x.stderr, /empty\.xlsx: not an \.xlsx workbook \(no xl\/workbook\.xml\)/);
  }
  assert.equal(await countCases(b.db), n);
});

/* --- a full case file through each format (issue 4 tests) --- */

/* The sheet called name of a workbook as rows of cell text. */
function xlsxSheet(file, name) {
  const wb = unzipPart(file, 'xl/workbook.xml');
  const sheets = [...wb.matchAll(/<sheet [^>]*name="([^"]*)"/g)].map((m) => xmlText(m[1]));
  const i = sheets.indexOf(name);
  assert.ok(i >= 0, `no sheet ${name}`);
  const sst = (unzipPart(file, 'xl/sharedStrings.xml') ?? '');
  const strings = [...sst.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    xmlText([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  /* libxlsxwriter numbers the parts in sheet order. */
  const xml = unzipPart(file, `xl/worksheets/sheet${i + 1}.xml`);
  const rows = [];
  for (const rm of xml.matchAll(/<row [^>]*r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)) {
    const row = [];
    for (const cm of rm[2].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      let col = 0;
      for (const ch of cm[1]) col = col * 26 + ch.charCodeAt(0) - 64;
      const v = /<v>([\s\S]*?)<\/v>/.exec(cm[3] ?? '');
      while (row.length < col - 1) row.push('');
      row[col - 1] = v ? (/t="s"/.test(cm[2]) ? strings[Number(v[1])] : xmlText(v[1])) : '';
    }
    rows[Number(rm[1]) - 1] = row;
  }
  return rows;
}

/* A demo database whose first case file also has several referrals
 * each way, a second perpetrator and comment, and values with quotes,
 * commas, line breaks and formula-like starts; the source of the round
 * trips. Returns the db and its case files. */
async function fullSource() {
  const a = await demoDb();
  const { files } = await exportJson(a.db, path.join(a.dir, 's.json'));
  const f = structuredClone(files.find((x) => x.prs_FirstName === 'Aung'));
  f.referrals = [
    { ref_Direction: 'Incoming', ref_Organisation: 'Marine "police", port', ref_Date: '2026-10-01',
      ref_Reason: 'AdditionalServicesRequired', ref_Details: 'line one\nline two' },
    { ref_Direction: 'Outgoing', ref_Organisation: 'Shelter A', ref_Date: '2026-10-02',
      ref_Reason: 'AdditionalServicesRequired' },
    { ref_Direction: 'Incoming', ref_Organisation: 'Hotline', ref_Date: '2026-10-03',
      ref_Reason: 'AdditionalServicesRequired' },
  ];
  f.perpetrators.push({ per_Gender: 'Feminine', per_Notes: '=1+1, "broker"' });
  f.comments.push({ com_CaseComment: '@second; with "quotes",\tand a tab' });
  const one = path.join(a.dir, 'one.json');
  fs.writeFileSync(one, JSON.stringify([f]));
  await ok(['import', 'htcds', '--db', a.db, '--office', 'BOG', one]);
  const src = (await exportJson(a.db, path.join(a.dir, 'src.json'))).files;
  const rich = src.at(-1);
  assert.equal(rich.referrals.length, 3);
  assert.equal(rich.perpetrators.length, 2);
  assert.ok(rich.comments.length >= 2 && rich.consents.length >= 1);
  assert.ok(rich.events.length >= 3 && rich.screening.decision);
  return { a, src };
}

for (const format of ['json', 'csv', 'xlsx']) {
  test(`${format}: export, import into another office of a fresh db: the full case files unchanged`, async () => {
    const { a, src } = await fullSource();
    const out = path.join(a.dir, `all.${format}`);
    await ok(['export', 'htcds', '--db', a.db, '--format', format, '--output', out]);
    const b = await demoDb();
    const bog = await countCases(b.db, 'BOG');
    const r = await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', out]);
    assert.match(r.stdout, new RegExp(`imported ${src.length} cases into office BOG`));
    const got = (await exportJson(b.db, path.join(b.dir, 'b.json'), 'BOG')).files.slice(bog);
    assert.equal(got.length, src.length);
    assert.ok(got.every((f) => f.office === 'BOG' && f.case_number.startsWith('BOG-')));
    for (let i = 0; i < src.length; i++) assert.deepEqual(norm(got[i]), norm(src[i]));
    /* Not vacuous: the lists and the screening came through. */
    const rich = got.at(-1);
    assert.equal(rich.referrals.length, 3);
    assert.equal(rich.perpetrators[1].per_Notes, '=1+1, "broker"');
    assert.ok(rich.comments.some((c) => c.com_CaseComment === '@second; with "quotes",\tand a tab'));
    assert.ok(rich.screening.decision && rich.screening.act.length > 0);

    if (format === 'csv') {
      const rows = parseCsv(fs.readFileSync(out, 'utf8'));
      for (const k of ['events', 'perpetrators', 'referrals', 'comments', 'consents', 'screening'])
        assert.ok(rows[0].includes(k), `csv column ${k}`);
      const ev = rows[0].indexOf('events');
      assert.ok(Array.isArray(JSON.parse(rows.at(-1)[ev])));
    }
    if (format === 'xlsx') {
      /* The case sheet is still the toolkit's; the lists are sheets of
       * their own keyed by the case number. */
      const { rows } = readXlsx(out);
      assert.deepEqual(headerRows(rows), headerRows(readXlsx(TOOLKIT_SINGLE).rows));
      const refs = xlsxSheet(out, 'Referrals');
      assert.equal(refs[0][0], 'case_number');
      assert.ok(refs[0].includes('ref_Organisation'));
      assert.equal(refs.slice(1).filter((x) => x[0] === src.at(-1).case_number).length, 3);
      const scr = xlsxSheet(out, 'Screening');
      assert.deepEqual(scr[0], ['case_number', 'screening']);
      assert.ok(scr.slice(1).every((x) => typeof JSON.parse(x[1]) === 'object'));
    }
  });
}

test('xlsx: a list row whose case number is not in the workbook: nothing imported', async () => {
  const { a } = await fullSource();
  const out = path.join(a.dir, 'all.xlsx');
  await ok(['export', 'htcds', '--db', a.db, '--format', 'xlsx', '--output', out]);
  /* Rewrite the Events sheet's first key in place with unzip/zip. */
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctm-xlsx-'));
  assert.equal(spawnSync('unzip', ['-q', out, '-d', dir]).status, 0);
  const sst = path.join(dir, 'xl/sharedStrings.xml');
  const key = xlsxSheet(out, 'Events')[1][0];
  const text = fs.readFileSync(sst, 'utf8');
  /* A new string for the first Events row: point its A2 cell at it. */
  const n = (text.match(/<si>/g) ?? []).length;
  fs.writeFileSync(sst, text.replace('</sst>', '<si><t>XXX-0000-999999</t></si></sst>'));
  const ev = path.join(dir, 'xl/worksheets/sheet3.xml');
  const xml = fs.readFileSync(ev, 'utf8');
  fs.writeFileSync(ev, xml.replace(/(<c r="A2"[^>]*><v>)\d+(<\/v>)/, `$1${n}$2`));
  const bad = path.join(a.dir, 'bad.xlsx');
  const zr = spawnSync('zip', ['-q', '-r', bad, '.'], { cwd: dir });
  if (zr.status !== 0) return;	/* no zip: the round trips above stand */
  assert.notEqual(xlsxSheet(bad, 'Events')[1][0], key);
  const b = await demoDb();
  const nb = await countCases(b.db);
  const x = await runCtm(['import', 'htcds', '--db', b.db, '--office', 'BOG', bad]);
  assert.equal(x.code, 1);
  assert.match(x.stderr, /sheet Events, row 2: a case number not in the sheet Cases/);
  assert.doesNotMatch(x.stderr, /XXX-0000|Aung/);
  assert.equal(await countCases(b.db), nb);
});
