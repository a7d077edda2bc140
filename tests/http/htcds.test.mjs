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
import { runCtm } from './lib.mjs';

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ctm-htcds-'));
}

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
  assert.equal(files.length, 6);
  assert.equal(fs.statSync(out).mode & 0o777, 0o600);
  assert.match(r.stderr, /personal data/);
  const aung = files.find((f) => f.prs_FirstName === 'Aung');
  assert.ok(aung && aung.case_number.startsWith('BKK-'));
  assert.equal(aung.events.length, 3);
  assert.equal(aung.perpetrators.length, 1);
  const bkk = (await exportJson(db, path.join(dir, 'bkk.json'), 'BKK')).files;
  assert.equal(bkk.length, 4);
  assert.ok(bkk.every((f) => f.office === 'BKK'));
});

test('json round trip: export, import into BOG of a fresh db, export again', async () => {
  const a = await demoDb();
  const b = await demoDb();
  const f1 = path.join(a.dir, 'e1.json');
  const { files: before } = await exportJson(a.db, f1);
  const bogBefore = await countCases(b.db, 'BOG');
  const r = await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', f1]);
  assert.match(r.stdout, /imported 6 cases into office BOG/);
  const { files: after } = await exportJson(b.db, path.join(b.dir, 'e2.json'), 'BOG');
  assert.equal(after.length, bogBefore + 6);
  const imported = after.slice(-6);
  assert.ok(imported.every((f) => f.office === 'BOG' && f.case_number.startsWith('BOG-')));
  for (let i = 0; i < 6; i++) assert.deepEqual(norm(imported[i]), norm(before[i]));

  /* The same file again creates nothing. */
  const again = await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', f1]);
  assert.match(again.stdout, /already imported/);
  assert.equal(await countCases(b.db, 'BOG'), bogBefore + 6);
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
  assert.match(r.stdout, /imported 6 cases into office BOG/);
  const again = await ok(['import', 'htcds', '--db', b.db, '--office', 'BOG', f1]);
  assert.match(again.stdout, /already imported/);
  assert.equal(await countCases(b.db, 'BOG'), bog + 6);
  const f2 = path.join(b.dir, 'e2.csv');
  await ok(['export', 'htcds', '--db', b.db, '--office', 'BOG', '--format', 'csv', '--output', f2]);
  const after = parseCsv(fs.readFileSync(f2, 'utf8'));
  assert.deepEqual(after[0], before[0]);
  const skip = ['case_number', 'office'].map((k) => before[0].indexOf(k));
  const strip = (row) => row.filter((_, i) => !skip.includes(i));
  const got = after.slice(-6).map(strip);
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
