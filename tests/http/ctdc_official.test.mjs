/*
 * ctdc_official.test.mjs - the real CLI against CTDC's own published
 * numbers (issue 4, Tests).
 *
 * 1. `ctm import ctdc` of vp_synthetic_2022/CTDC_VPsynthetic_condensed.csv
 *    followed by `ctm stats --by VAR --format json` reproduces every line
 *    of every frequency table of sheet TabStat of
 *    CTDC_VPsynthetic_dict_20221201.xlsx: Freq., Percent, Valid and Cum.
 *    of each value, the valid Total, Missing and Total lines. The sheet
 *    is read from the xlsx at run time (unzip -p of its XML parts), not
 *    copied here.
 * 2. The 2020 extract (global_kanon_2020_subset/dados_app.csv), imported
 *    as dataset k2020, gives counts by gender, yearOfRegistration and
 *    citizenship equal to counts made here from the CSV with an
 *    independent RFC 4180 parser.
 *
 * Data: ../shared/data/ctdc beside the clone (present in CI); without it
 * the tests are skipped. Needs /usr/bin/unzip (scripts/setup.sh).
 * Only node built-ins.
 *
 *   CTM_BIN=/abs/path/to/ctm node --test tests/http/ctdc_official.test.mjs
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const dataDir = path.resolve(repoRoot, '../shared/data/ctdc');
const CTM_BIN = process.env.CTM_BIN
  ? path.resolve(process.env.CTM_BIN)
  : path.join(repoRoot, 'build/test/ctm');
const UNZIP = '/usr/bin/unzip';

const vpDir = path.join(dataDir, 'vp_synthetic_2022');
const vpCsv = path.join(vpDir, 'CTDC_VPsynthetic_condensed.csv');
const vpXlsx = path.join(vpDir, 'CTDC_VPsynthetic_dict_20221201.xlsx');
const k2020Csv = path.join(dataDir, 'global_kanon_2020_subset', 'dados_app.csv');

const haveData = fs.existsSync(dataDir);
const SKIP_MSG = `CTDC shared data not found at ${dataDir} ` +
  '(it sits beside the clone in CI); official-table tests skipped';

/* --- the CLI --- */

function ctm(args) {
  return execFileSync(CTM_BIN, args, {
    encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function statsJson(db, dataset, by) {
  const out = ctm(['stats', '--db', db, '--dataset', dataset, '--by', by,
    '--format', 'json']);
  return JSON.parse(out);
}

/* --- xlsx, read with unzip -p --- */

function unzipPart(xlsx, part) {
  return execFileSync(UNZIP, ['-p', xlsx, part], {
    encoding: 'utf8', maxBuffer: 64 << 20,
  });
}

function xmlUnescape(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (m, e) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    if (e[1] === 'x') return String.fromCodePoint(parseInt(e.slice(2), 16));
    return String.fromCodePoint(parseInt(e.slice(1), 10));
  });
}

function attr(tagText, name) {
  const m = new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(tagText);
  return m ? xmlUnescape(m[1]) : null;
}

/* The text of an <si> or <is>: its <t> runs, phonetic runs left out. */
function richText(xml) {
  const noPh = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
  let s = '';
  for (const m of noPh.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g))
    s += xmlUnescape(m[1] ?? '');
  return s;
}

/*
 * The sheet called sheetName as rows: [{ r, cells: {A: cell, ...} }],
 * cell = { type: 'str'|'num', text, num } (text: the stored text,
 * e.g. "29.600000000000001" for a number).
 */
function readSheet(xlsx, sheetName) {
  const wb = unzipPart(xlsx, 'xl/workbook.xml');
  let rid = null;
  for (const m of wb.matchAll(/<sheet\b([^>]*?)\/?>/g)) {
    if (attr(m[1], 'name') === sheetName) rid = attr(m[1], 'r:id');
  }
  assert.ok(rid, `sheet ${sheetName} not in xl/workbook.xml`);

  const rels = unzipPart(xlsx, 'xl/_rels/workbook.xml.rels');
  let target = null;
  let sstTarget = null;
  for (const m of rels.matchAll(/<Relationship\b([^>]*?)\/?>/g)) {
    if (attr(m[1], 'Id') === rid) target = attr(m[1], 'Target');
    if (/\/sharedStrings$/.test(attr(m[1], 'Type') ?? '')) sstTarget = attr(m[1], 'Target');
  }
  assert.ok(target, `relationship ${rid} not in workbook.xml.rels`);
  const partOf = (t) => (t.startsWith('/') ? t.slice(1) : path.posix.join('xl', t));

  const sst = [];
  if (sstTarget) {
    const x = unzipPart(xlsx, partOf(sstTarget));
    for (const m of x.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)) sst.push(richText(m[1] ?? ''));
  }

  const sheet = unzipPart(xlsx, partOf(target));
  const sheetData = /<sheetData>([\s\S]*?)<\/sheetData>/.exec(sheet);
  assert.ok(sheetData, `no <sheetData> in ${target}`);
  const rows = [];
  for (const rm of sheetData[1].matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const r = Number(attr(rm[1], 'r'));
    const cells = {};
    for (const cm of (rm[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const ref = attr(cm[1], 'r');
      const col = /^([A-Z]+)/.exec(ref)[1];
      const t = attr(cm[1], 't') ?? 'n';
      const body = cm[2] ?? '';
      const v = /<v>([\s\S]*?)<\/v>/.exec(body);
      let cell = null;
      if (t === 's') {
        cell = { type: 'str', text: sst[Number(v[1])] };
      } else if (t === 'inlineStr') {
        const is = /<is>([\s\S]*?)<\/is>/.exec(body);
        cell = { type: 'str', text: is ? richText(is[1]) : '' };
      } else if (t === 'str' || t === 'e') {
        if (v) cell = { type: 'str', text: xmlUnescape(v[1]) };
      } else if (t === 'b') {
        if (v) cell = { type: 'num', text: v[1], num: Number(v[1]) };
      } else if (v) {
        cell = { type: 'num', text: v[1], num: Number(v[1]) };
      }
      if (cell) cells[col] = cell;
    }
    rows.push({ r, cells });
  }
  rows.sort((a, b) => a.r - b.r);
  return rows;
}

/* The sheet's stored number as it displays: two decimals. */
function shown(cell) {
  assert.equal(cell?.type, 'num', `expected a number, got ${JSON.stringify(cell)}`);
  return Number(cell.num.toFixed(2));
}

/*
 * TabStat's layout (Stata `tab, missing` pasted per variable):
 *   A=variable name, B=label                      (one row)
 *   C..F = "Freq." "Percent" "Valid" "Cum."        (the column header)
 *   [A="Valid"] B=value, Freq., Percent, Valid, Cum.  (one per value)
 *   B="Total", Freq., Percent, Valid=100          (not for 0/1 flags)
 *   A="Missing" [B="."], Freq., Percent
 *   A="Total", Freq., Percent=100
 * Returns [{ variable, label, lines: [{kind, value, freq, percent,
 * valid, cum, row}] }], kind one of value, valid_total, missing, total.
 */
function tabStatTables(rows) {
  const tables = [];
  let cur = null;
  let colOf = null;	/* "Freq." etc. -> column letter */
  const str = (c) => (c ? (c.type === 'str' ? c.text : c.text) : null);
  for (const { r, cells } of rows) {
    const texts = Object.fromEntries(Object.entries(cells).map(([k, c]) => [k, str(c)]));
    const headerCols = Object.entries(texts).filter(([, t]) => t === 'Freq.');
    if (headerCols.length) {
      assert.ok(cur, `column header at row ${r} before any variable`);
      colOf = {};
      for (const [k, c] of Object.entries(cells)) if (c.type === 'str') colOf[c.text] = k;
      for (const h of ['Freq.', 'Percent', 'Valid', 'Cum.'])
        assert.ok(colOf[h], `row ${r}: no "${h}" column header`);
      continue;
    }
    const freqCell = colOf ? cells[colOf['Freq.']] : null;
    if (!freqCell || freqCell.type !== 'num') {
      /* A variable's title row: A = name, B = label. */
      if (cells.A?.type === 'str' && !['Valid', 'Missing', 'Total'].includes(cells.A.text)) {
        cur = { variable: cells.A.text, label: str(cells.B), lines: [], row: r };
        tables.push(cur);
        colOf = null;
      } else if (Object.keys(cells).length) {
        assert.fail(`TabStat row ${r}: not understood: ${JSON.stringify(texts)}`);
      }
      continue;
    }
    const A = texts.A ?? null;
    const B = texts.B ?? null;
    const line = {
      row: r,
      freq: freqCell.num,
      percent: cells[colOf.Percent] ? shown(cells[colOf.Percent]) : null,
      valid: cells[colOf.Valid] ? shown(cells[colOf.Valid]) : null,
      cum: cells[colOf['Cum.']] ? shown(cells[colOf['Cum.']]) : null,
    };
    if (A === 'Missing') Object.assign(line, { kind: 'missing', value: null });
    else if (A === 'Total') Object.assign(line, { kind: 'total', value: null });
    else if (B === 'Total') Object.assign(line, { kind: 'valid_total', value: null });
    else {
      assert.ok(A === null || A === 'Valid', `row ${r}: unexpected first cell ${A}`);
      assert.ok(B !== null, `row ${r}: a value line without a value`);
      Object.assign(line, { kind: 'value', value: B });
    }
    cur.lines.push(line);
  }
  return tables;
}

/* --- CSV (RFC 4180), independent of the importer's libcsv --- */

function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = [];
  let rec = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; fieldStarted = true; i++; continue; }
    if (c === ',') { rec.push(field); field = ''; fieldStarted = false; i++; continue; }
    if (c === '\r' || c === '\n') {
      rec.push(field);
      records.push(rec);
      rec = []; field = ''; fieldStarted = false;
      i += (c === '\r' && text[i + 1] === '\n') ? 2 : 1;
      continue;
    }
    field += c; fieldStarted = true; i++;
  }
  if (field !== '' || fieldStarted || rec.length) { rec.push(field); records.push(rec); }
  /* Drop blank lines (a lone empty field). */
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

/* --- tests --- */

describe('CTDC official tables (issue 4)', { timeout: 60_000 }, () => {
  let tmp;
  let db;

  before(() => {
    if (!haveData) return;
    assert.ok(fs.existsSync(CTM_BIN), `ctm binary not found at ${CTM_BIN} (set CTM_BIN)`);
    assert.ok(fs.existsSync(UNZIP), `${UNZIP} missing (scripts/setup.sh installs it)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ctm-ctdc-official-'));
    db = path.join(tmp, 'ctm.db');
    ctm(['init', '--db', db]);
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('VP synthetic 2022: every line of sheet TabStat is reproduced', (t) => {
    if (!haveData) { t.skip(SKIP_MSG); return; }

    const tables = tabStatTables(readSheet(vpXlsx, 'TabStat'));

    /* The sheet describes every column of the CSV, once, in its order. */
    const header = parseCsv(fs.readFileSync(vpCsv, 'utf8').split(/\r?\n/, 1)[0])[0];
    assert.deepEqual(tables.map((x) => x.variable), header,
      'TabStat has one table per column of the CSV');

    const imp = ctm(['import', 'ctdc', '--db', db, '--dataset', 'vp', vpCsv]);
    assert.match(imp, /imported \d+ rows into dataset vp/);

    let linesChecked = 0;
    const diffs = [];
    const near = (a, b) => typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-9;
    const diff = (v, r, what, sheet, prog) => {
      diffs.push(`${v} (sheet row ${r}) ${what}: sheet ${JSON.stringify(sheet)}, ctm ${JSON.stringify(prog)}`);
    };

    for (const tab of tables) {
      const v = tab.variable;
      const st = statsJson(db, 'vp', v);
      assert.deepEqual(st.by, [v]);
      assert.equal(st.k, 0);
      const progValues = st.rows.filter((x) => x.value !== null);
      const progMissing = st.rows.filter((x) => x.value === null);
      assert.ok(progMissing.length <= 1, `${v}: more than one missing row`);
      for (const x of st.rows) assert.equal(x.suppressed, false, `${v}: suppressed cell`);

      const sheetValues = tab.lines.filter((l) => l.kind === 'value');
      /* Same values in the same order (Cum. depends on the order). */
      const sv = sheetValues.map((l) => l.value);
      const pv = progValues.map((x) => x.value);
      if (JSON.stringify(sv) !== JSON.stringify(pv))
        diff(v, tab.row, 'values', sv, pv);

      for (const l of tab.lines) {
        linesChecked++;
        if (l.kind === 'value') {
          const p = progValues.find((x) => x.value === l.value);
          if (!p) { diff(v, l.row, `value ${l.value}`, l, 'absent'); continue; }
          if (p.count !== l.freq) diff(v, l.row, `${l.value} Freq.`, l.freq, p.count);
          if (!near(p.percent, l.percent)) diff(v, l.row, `${l.value} Percent`, l.percent, p.percent);
          if (!near(p.valid_percent, l.valid)) diff(v, l.row, `${l.value} Valid`, l.valid, p.valid_percent);
          if (!near(p.cum_percent, l.cum)) diff(v, l.row, `${l.value} Cum.`, l.cum, p.cum_percent);
        } else if (l.kind === 'valid_total') {
          if (st.valid !== l.freq) diff(v, l.row, 'valid Total Freq.', l.freq, st.valid);
          if (!near(st.valid_percent_of_total, l.percent))
            diff(v, l.row, 'valid Total Percent', l.percent, st.valid_percent_of_total);
          /* Valid percents of the valid total: 100 on the sheet; the sum
           * of ctm's counts must make the valid total. */
          assert.equal(l.valid, 100, `${v} row ${l.row}: valid Total's Valid`);
          const sum = progValues.reduce((s, x) => s + x.count, 0);
          if (sum !== l.freq) diff(v, l.row, 'sum of value counts', l.freq, sum);
        } else if (l.kind === 'missing') {
          const p = progMissing[0];
          if (!p) { diff(v, l.row, 'Missing', l, 'absent'); continue; }
          if (p.count !== l.freq) diff(v, l.row, 'Missing Freq.', l.freq, p.count);
          if (!near(p.percent, l.percent)) diff(v, l.row, 'Missing Percent', l.percent, p.percent);
          if (p.valid_percent !== null) diff(v, l.row, 'Missing Valid', null, p.valid_percent);
          if (p.cum_percent !== null) diff(v, l.row, 'Missing Cum.', null, p.cum_percent);
        } else if (l.kind === 'total') {
          if (st.total !== l.freq) diff(v, l.row, 'Total Freq.', l.freq, st.total);
          assert.equal(l.percent, 100, `${v} row ${l.row}: Total's Percent`);
          const sum = st.rows.reduce((s, x) => s + x.count, 0);
          if (sum !== l.freq) diff(v, l.row, 'sum of all counts', l.freq, sum);
        }
      }

      /* Lines the sheet has not, ctm must not have either. */
      if (!tab.lines.some((l) => l.kind === 'missing') && progMissing.length && progMissing[0].count !== 0)
        diff(v, tab.row, 'Missing', 'no line', progMissing[0]);
      if (!tab.lines.some((l) => l.kind === 'valid_total')) {
        /* 0/1 flags: the one Valid line is the valid total. */
        const only = sheetValues.length === 1 ? sheetValues[0] : null;
        assert.ok(only, `${v}: no valid Total line but ${sheetValues.length} values`);
        if (st.valid !== only.freq) diff(v, only.row, 'valid (single value)', only.freq, st.valid);
        if (!near(st.valid_percent_of_total, only.percent))
          diff(v, only.row, 'valid Percent (single value)', only.percent, st.valid_percent_of_total);
      }
      assert.ok(tab.lines.some((l) => l.kind === 'total'), `${v}: no Total line on the sheet`);
    }

    assert.ok(linesChecked > tables.length * 3, `only ${linesChecked} lines read from TabStat`);
    assert.deepEqual(diffs, [], `ctm differs from TabStat:\n${diffs.join('\n')}`);
  });

  it('2020 extract: counts by gender, year and citizenship match the CSV', (t) => {
    if (!haveData) { t.skip(SKIP_MSG); return; }

    const recs = parseCsv(fs.readFileSync(k2020Csv, 'utf8'));
    const header = recs.shift();
    for (const [i, r] of recs.entries())
      assert.equal(r.length, header.length, `dados_app.csv record ${i + 2}: ${r.length} fields`);

    const imp = ctm(['import', 'ctdc', '--db', db, '--dataset', 'k2020', k2020Csv]);
    assert.match(imp, new RegExp(`imported ${recs.length} rows into dataset k2020`));

    /*
     * The independent count applies only what src/import_ctdc.c
     * documents for this file and its cell rules:
     * - cells are stripped of spaces and tabs; "", "-99" and "NULL"
     *   (any case) are missing;
     * - QUIRK_FLOATS: a year written "2016.0" is the year 2016;
     * - QUIRK_ZERO_COUNTRY: citizenship "0" is the unknown country "00".
     * Gender codes are kept as written (the file spells them as the
     * codebook does).
     */
    const missing = (s) => s === '' || s === '-99' || s.toUpperCase() === 'NULL';
    const norm = {
      gender: (s) => s,
      yearOfRegistration: (s) => (/^\d{4}\.0$/.test(s) ? s.slice(0, 4) : s),
      citizenship: (s) => (s === '0' ? '00' : s),
    };

    const diffs = [];
    for (const v of Object.keys(norm)) {
      const col = header.indexOf(v);
      assert.ok(col >= 0, `dados_app.csv has no column ${v}`);
      const counts = new Map();
      let nMissing = 0;
      for (const r of recs) {
        const s = r[col].replace(/^[ \t]+|[ \t]+$/g, '');
        if (missing(s)) { nMissing++; continue; }
        const k = norm[v](s);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }

      const st = statsJson(db, 'k2020', v);
      assert.deepEqual(st.by, [v]);
      if (st.total !== recs.length) diffs.push(`${v}: total csv ${recs.length}, ctm ${st.total}`);
      if (st.valid !== recs.length - nMissing)
        diffs.push(`${v}: valid csv ${recs.length - nMissing}, ctm ${st.valid}`);
      const prog = new Map();
      let progMissing = 0;
      for (const x of st.rows) {
        if (x.value === null) progMissing += x.count;
        else prog.set(x.value, x.count);
      }
      if (progMissing !== nMissing) diffs.push(`${v}: missing csv ${nMissing}, ctm ${progMissing}`);
      for (const k of new Set([...counts.keys(), ...prog.keys()])) {
        if ((counts.get(k) ?? 0) !== (prog.get(k) ?? 0))
          diffs.push(`${v}=${k}: csv ${counts.get(k) ?? 0}, ctm ${prog.get(k) ?? 'absent'}`);
      }
      assert.ok(counts.size > 1, `${v}: fewer than two values counted`);
    }
    assert.deepEqual(diffs, [], `ctm differs from the CSV:\n${diffs.join('\n')}`);
  });
});
