import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExportDocumentSchema } from '../../src/export/schema.js';
import type { PhaseObservations, RunInfo, SiteScanResult } from '../../src/observe/types.js';
import { createRun, finishRun, openDatabase, planRunSites, saveClassification, saveSiteScan } from '../../src/store/index.js';
import { runCli, tempDb } from './helpers.js';

// `cookiewatch export` through the real CLI, on a database made with the store functions: no browser.

const info: RunInfo = {
  toolVersion: '0.1.0',
  browserVersion: '140.0.7339.80',
  browserPath: '/usr/bin/chromium',
  cookieControlsMode: 0,
  userAgent: 'UA',
  options: {},
  startedAt: '2026-11-27T01:00:00.000Z',
};

const pre: PhaseObservations = {
  phase: 'pre',
  startedAt: '2026-11-27T01:00:01.000Z',
  endedAt: '2026-11-27T01:00:05.000Z',
  status: 'ok',
  pages: [{ pageIndex: 0, kind: 'start', url: 'https://www.nuenen.nl/', status: 200, startedMs: 0, endedMs: 1000 }],
  requests: [
    {
      requestId: '1', hop: 0, pageIndex: 0, url: 'https://connect.facebook.net/en_US/fbevents.js', method: 'GET',
      resourceType: 'Script', status: 200, isMainFrame: false, initiator: { type: 'other' }, timeMs: 10,
      host: 'connect.facebook.net', domain: 'facebook.net', party: 'third-party',
    },
  ],
  cookies: [],
  cookieEvents: [],
  storage: [],
  consent: { action: 'none', bannerFound: false, secondLayer: false, clicks: [], success: false },
  signals: {},
  screenshots: [],
};

const sites = [
  { url: 'https://www.nuenen.nl/', name: 'Nuenen, Gerwen en Nederwetten', code: 'GM0820', group: 'Noord-Brabant' },
  { url: 'https://www.verdwenen.example/', name: '=HYPERLINK("http://x")' },
];

let dbPath: string;
const outDir = mkdtempSync(join(tmpdir(), 'cookiewatch-export-e2e-'));

beforeAll(() => {
  dbPath = tempDb();
  const db = openDatabase(dbPath);
  const runId = createRun(db, info);
  planRunSites(db, runId, sites);
  const ok: SiteScanResult = {
    site: sites[0]!, startedAt: info.startedAt, endedAt: '2026-11-27T01:00:20.000Z', status: 'ok', attempts: 1,
    siteDomain: 'nuenen.nl', finalUrl: 'https://www.nuenen.nl/', phases: [pre],
  };
  const okId = saveSiteScan(db, runId, ok);
  saveClassification(db, okId, {
    rulesVersion: 'rules-e2e',
    findings: [
      {
        phase: 'pre', trackerId: 'facebook-pixel', trackerName: 'Facebook Pixel', organisation: { name: 'Meta Platforms', country: 'US' },
        category: 'advertising', seriousness: 3, source: 'rules', rule: 'facebook-pixel:request', evidence: { kind: 'request', index: 0 },
        pageIndex: 0, party: 'third-party', accountIds: [], details: {},
      },
    ],
    verdicts: [
      { id: 'tracking_before_consent', explanation: 'Facebook Pixel before consent', findings: [0], trackers: ['Facebook Pixel'] },
      { id: 'tracking_without_banner', explanation: 'No banner', findings: [0], trackers: ['Facebook Pixel'] },
    ],
    grade: 'E',
  });
  const failedId = saveSiteScan(db, runId, {
    site: sites[1]!, startedAt: info.startedAt, endedAt: '2026-11-27T01:00:03.000Z', status: 'failed', attempts: 1,
    failureClass: 'dns', failureMessage: 'net::ERR_NAME_NOT_RESOLVED', siteDomain: 'verdwenen.example', phases: [],
  });
  saveClassification(db, failedId, {
    rulesVersion: 'rules-e2e', findings: [], grade: '?',
    verdicts: [{ id: 'inconclusive', explanation: 'The scan failed', findings: [], trackers: [] }],
  });
  finishRun(db, runId, 'complete', '2026-11-27T01:10:00.000Z');
  db.close();
});

describe('cookiewatch export', () => {
  it('writes the newest run as JSON on stdout', async () => {
    const r = await runCli(['export', '--db', dbPath, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = ExportDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc.sites.map((s) => [s.url, s.grade, s.verdicts.map((v) => v.id)])).toEqual([
      ['https://www.nuenen.nl/', 'E', ['tracking_before_consent', 'tracking_without_banner']],
      ['https://www.verdwenen.example/', '?', ['inconclusive']],
    ]);
    expect(doc.sites[0]!.trackers.pre.map((t) => t.name)).toEqual(['Facebook Pixel']);
  });

  it('writes CSV to a file in a new folder', async () => {
    const out = join(outDir, 'exports', 'run.csv');
    const r = await runCli(['export', '--db', dbPath, '--format', 'csv', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^exported 2 site\(s\) of run \d+ as csv to .*run\.csv\n$/);
    const csv = readFileSync(out, 'utf8');
    expect(csv.startsWith('\uFEFFcode,name,group,url,')).toBe(true);
    const rows = csv.slice(1).split('\r\n');
    expect(rows).toHaveLength(4); // header, two sites, and the empty string after the last CRLF
    expect(rows[1]).toMatch(/^GM0820,"Nuenen, Gerwen en Nederwetten",Noord-Brabant,https:\/\/www\.nuenen\.nl\/,ok,,E,/);
    expect(rows[2]).toMatch(/^,"'=HYPERLINK\(""http:\/\/x""\)",,https:\/\/www\.verdwenen\.example\/,failed,dns,\?,inconclusive,/);
  });

  it('refuses an unknown format with a one-line error and exit code 2', async () => {
    const r = await runCli(['export', '--db', dbPath, '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*'xml'.*csv, json/);
  });

  it('refuses an unknown run with exit code 2', async () => {
    const r = await runCli(['export', '--db', dbPath, '--format', 'json', '--run', '99']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: no run 99 in ${dbPath}\n`);
  });
});
