import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunInfo, SiteScanResult } from '../../src/observe/types.js';
import { CONTENT_SECURITY_POLICY } from '../../src/report/html/assets.js';
import { ReportError, writeReport } from '../../src/report/html/write.js';
import { createRun, finishRun, openDatabase, planRunSites, saveClassification, saveSiteScan, type Database } from '../../src/store/index.js';

// The report writer against a small database made with the store functions (no browser): which
// folders it may replace, and what every page carries.

const info: RunInfo = {
  toolVersion: '0.1.0',
  browserVersion: '140.0.0.0',
  browserPath: '/usr/bin/chromium',
  cookieControlsMode: 0,
  userAgent: 'UA',
  options: { phases: ['pre', 'accept', 'reject'] },
  startedAt: '2026-11-01T02:00:00.000Z',
  listSource: '/data/gemeenten.csv',
};

let dir: string;
let dbPath: string;
let db: Database;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cookiewatch-report-'));
  dbPath = join(dir, 'scan.sqlite');
  db = openDatabase(dbPath);
  const runId = createRun(db, info);
  const site = { url: 'https://www.schoonstad.nl/', name: 'Gemeente Schoonstad', code: 'GM9001', group: 'demo' };
  planRunSites(db, runId, [site]);
  const scan: SiteScanResult = {
    site, startedAt: info.startedAt, endedAt: '2026-11-01T02:00:20.000Z', status: 'ok', attempts: 1,
    siteDomain: 'schoonstad.nl', finalUrl: site.url, phases: [],
  };
  const id = saveSiteScan(db, runId, scan);
  saveClassification(db, id, { rulesVersion: 'r', findings: [], verdicts: [], grade: 'A' });
  finishRun(db, runId, 'complete', '2026-11-01T02:01:00.000Z');
  // Later, someone checks one site and keeps it in the same database (no list).
  const { listSource: _list, ...checkInfo } = info;
  const checkRun = createRun(db, { ...checkInfo, startedAt: '2026-11-02T10:00:00.000Z' });
  const other = { url: 'https://www.volgdorp.nl/' };
  planRunSites(db, checkRun, [other]);
  const checked = saveSiteScan(db, checkRun, { ...scan, site: other, siteDomain: 'volgdorp.nl', finalUrl: other.url });
  saveClassification(db, checked, { rulesVersion: 'r', findings: [], verdicts: [], grade: 'A' });
  finishRun(db, checkRun, 'complete', '2026-11-02T10:01:00.000Z');
});

const write = (out: string, extra: Partial<Parameters<typeof writeReport>[1]> = {}) =>
  writeReport(db, { out, lang: 'en', toolVersion: '0.1.0', dbPath, ...extra });

describe('writeReport', () => {
  it('writes every page with the Content-Security-Policy, and replaces its own earlier report', () => {
    const out = join(dir, 'report');
    expect(write(out)).toMatchObject({ runId: 1, sitePages: 1 });
    const pages = ['index.html', 'trends.html', 'accounts.html', 'sites/gm9001-www.schoonstad.nl.html'];
    for (const p of pages) expect(readFileSync(join(out, p), 'utf8')).toContain(`content="${CONTENT_SECURITY_POLICY.replace(/'/g, '&#39;')}"`);
    write(out, { lang: 'nl' });
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<html lang="nl">');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('never replaces a folder holding anything a report did not write', () => {
    const out = join(dir, 'published');
    write(out);
    writeFileSync(join(out, 'CNAME'), 'tracking.example.org\n');
    mkdirSync(join(out, '.git'));
    expect(() => write(out)).toThrow(/holds files a report did not write \((\.git, CNAME|CNAME, \.git)\)/);
    expect(existsSync(join(out, 'CNAME'))).toBe(true);
    expect(existsSync(join(out, '.git'))).toBe(true);

    const mine = join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'x');
    expect(() => write(mine)).toThrow(/not empty and holds no cookiewatch report/);
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('x');

    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => write(file)).toThrow(/is not a folder/);
  });

  it('refuses the folder holding the database, the current folder and the root', () => {
    expect(() => write(dir)).toThrow(ReportError);
    expect(() => write(dir)).toThrow(/database .* is inside --out/);
    expect(() => write(process.cwd())).toThrow(/current folder/);
    expect(() => write('/')).toThrow(/root of the file system/);
    expect(existsSync(dbPath)).toBe(true);
  });

  it('shows the newest run made from a list by default, and compares it only with runs of that list', () => {
    const out = join(dir, 'default-run');
    expect(write(out).runId).toBe(1);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('This is the first run');
    const check = join(dir, 'check-run');
    expect(write(check, { runId: 2 })).toMatchObject({ runId: 2, sitePages: 1 });
    expect(readFileSync(join(check, 'index.html'), 'utf8')).toContain('This is the first run');
  });

  it('names an unknown run', () => {
    expect(() => write(join(dir, 'x'), { runId: 9 })).toThrow(/no run 9/);
  });
});
