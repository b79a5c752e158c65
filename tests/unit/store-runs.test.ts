import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RunInfo, SiteScanResult } from '../../src/observe/types.js';
import { migrations } from '../../src/store/migrations.js';
import {
  claimRun,
  createRun,
  finishRun,
  getRun,
  latestUnfinishedRun,
  loadSiteScanResult,
  openDatabase,
  outcomesOfRun,
  planRunSites,
  plannedCountOfRun,
  remainingSitesOfRun,
  saveSiteScan,
  siteScansOfRun,
} from '../../src/store/index.js';

const info: RunInfo = {
  toolVersion: '0.1.0',
  browserVersion: '156.0.0.0',
  browserPath: '/usr/bin/chromium',
  cookieControlsMode: 0,
  userAgent: 'UA',
  options: { pages: 2 },
  startedAt: '2026-11-27T01:00:00.000Z',
  pid: 4242,
  hostname: 'scanner',
  listSource: 'nl-municipalities',
};

const sites = [
  { url: 'https://www.a.nl/', name: 'A', code: 'GM0001', group: 'Utrecht' },
  { url: 'https://www.b.nl/', name: 'B' },
  { url: 'https://www.c.nl/' },
];

function scan(url: string, status: SiteScanResult['status'], attempts = 1): SiteScanResult {
  const r: SiteScanResult = {
    site: { url },
    startedAt: '2026-11-27T01:00:01.000Z',
    endedAt: '2026-11-27T01:00:02.000Z',
    status,
    siteDomain: new URL(url).hostname.replace(/^www\./, ''),
    phases: [],
    attempts,
  };
  if (status === 'failed') {
    r.failureClass = 'timeout';
    r.failureMessage = 'page.goto: Timeout 30000ms exceeded.';
  }
  return r;
}

const tempPath = () => join(mkdtempSync(join(tmpdir(), 'cookiewatch-runs-')), 'scan.sqlite');

describe('run plans and resumption', () => {
  it('stores the plan in list order and the process that owns the run', () => {
    const db = openDatabase(':memory:');
    const runId = createRun(db, info);
    planRunSites(db, runId, sites);
    planRunSites(db, runId, sites); // idempotent: a repeated plan adds nothing
    expect(plannedCountOfRun(db, runId)).toBe(3);
    expect(remainingSitesOfRun(db, runId)).toEqual(sites);
    const run = getRun(db, runId);
    expect(run).toMatchObject({ pid: 4242, hostname: 'scanner', listSource: 'nl-municipalities', resumedCount: 0, status: 'running' });
    db.close();
  });

  it('leaves finished sites out of what remains; interrupted ones are scanned again', () => {
    const db = openDatabase(':memory:');
    const runId = createRun(db, info);
    planRunSites(db, runId, sites);
    saveSiteScan(db, runId, scan('https://www.a.nl/', 'ok'));
    saveSiteScan(db, runId, scan('https://www.b.nl/', 'interrupted'));
    expect(remainingSitesOfRun(db, runId).map((s) => s.url)).toEqual(['https://www.b.nl/', 'https://www.c.nl/']);
    saveSiteScan(db, runId, scan('https://www.b.nl/', 'failed', 3));
    expect(remainingSitesOfRun(db, runId).map((s) => s.url)).toEqual(['https://www.c.nl/']);
    // The interrupted scan was replaced, not added to: one scan per site and run.
    const scans = siteScansOfRun(db, runId);
    expect(scans.map((s) => [s.siteUrl, s.status, s.attempts])).toEqual([
      ['https://www.a.nl/', 'ok', 1],
      ['https://www.b.nl/', 'failed', 3],
    ]);
    expect(loadSiteScanResult(db, scans[1]!.id)?.attempts).toBe(3);
    db.close();
  });

  it('finds the newest unfinished run and claims it for a new process', () => {
    const db = openDatabase(':memory:');
    const older = createRun(db, info);
    const newer = createRun(db, info);
    finishRun(db, newer, 'complete');
    expect(latestUnfinishedRun(db)?.id).toBe(older);
    // The recorded process is gone: the run can be taken over.
    const claimed = claimRun(db, older, { pid: 99, hostname: 'scanner' }, () => false);
    expect(claimed).toMatchObject({ status: 'running', pid: 99, resumedCount: 1 });
    expect(claimed.endedAt).toBeUndefined();
    db.close();
  });

  it('refuses to resume a complete run, an unknown run, or one a live process still scans', () => {
    const db = openDatabase(':memory:');
    const done = createRun(db, info);
    finishRun(db, done, 'complete');
    expect(() => claimRun(db, done, { pid: 1, hostname: 'h' }, () => false)).toThrow(
      `run ${done} is complete; there is nothing to resume`,
    );
    expect(() => claimRun(db, 999, { pid: 1, hostname: 'h' }, () => false)).toThrow('no run with id 999 in this database');
    const live = createRun(db, info);
    expect(() => claimRun(db, live, { pid: 1, hostname: 'h' }, () => true)).toThrow(
      `run ${live} is still being scanned by process 4242 on scanner; stop it first`,
    );
    // An incomplete run (stopped cleanly) is never "live", whatever its pid.
    finishRun(db, live, 'incomplete');
    expect(claimRun(db, live, { pid: 1, hostname: 'h' }, () => true).status).toBe('running');
    db.close();
  });

  it('summarises the outcome of each site in list order', () => {
    const db = openDatabase(':memory:');
    const runId = createRun(db, info);
    planRunSites(db, runId, sites);
    saveSiteScan(db, runId, scan('https://www.c.nl/', 'failed'));
    saveSiteScan(db, runId, scan('https://www.a.nl/', 'ok'));
    expect(outcomesOfRun(db, runId)).toEqual([
      { url: 'https://www.a.nl/', name: 'A', status: 'ok', verdictIds: [], trackersBeforeConsent: [] },
      { url: 'https://www.c.nl/', status: 'failed', failureClass: 'timeout', verdictIds: [], trackersBeforeConsent: [] },
    ]);
    db.close();
  });

  it('upgrades a database of schema 1 and keeps its runs and scans', () => {
    const path = tempPath();
    const raw = new BetterSqlite3(path);
    raw.exec(migrations[0]!);
    raw.pragma('user_version = 1');
    raw.exec(`INSERT INTO runs (started_at, status, tool_version, browser_version, browser_path, cookie_controls_mode, user_agent, options_json)
              VALUES ('2026-01-01T00:00:00Z', 'complete', '0.1.0', '156', '/usr/bin/chromium', 0, 'UA', '{}')`);
    raw.close();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(getRun(db, 1)).toMatchObject({ status: 'complete', resumedCount: 0 });
    expect(getRun(db, 1)?.pid).toBeUndefined();
    expect(plannedCountOfRun(db, 1)).toBe(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
