import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFixtureList, fixtureListCsv } from '../../fixtures/lists.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { fixtureSites } from '../../fixtures/sites.js';
import { readDb, runCli, startCli, tempDb, waitUntil, type CliResult } from './helpers.js';

// Nightly list scans: a 30+ site list with broken sites, and runs stopped by SIGTERM or SIGKILL and resumed.
let server: FixtureServer;
const dir = mkdtempSync(join(tmpdir(), 'cookiewatch-batch-'));

/** Short waits for tests; retries and deadlines shortened the same way. */
const QUICK = [
  '--dwell', '400', '--quiet-window', '300', '--banner-wait', '2500', '--visit-timeout', '6000', '--pages', '0',
  '--retry-delay', '200', '--retries', '1', '--site-timeout', '90000',
];

type Row = Record<string, unknown>;

beforeAll(async () => {
  server = await startFixtureServer();
});

afterAll(async () => {
  await server?.close();
});

function scans(db: Database.Database, runId: number): Row[] {
  return db
    .prepare(
      `SELECT s.url, ss.status, ss.failure_class, ss.failure_message, ss.attempts, ss.grade
       FROM site_scans ss JOIN sites s ON s.id = ss.site_id WHERE ss.run_id = ? ORDER BY s.url`,
    )
    .all(runId) as Row[];
}

describe('a 30+ site list with broken sites', () => {
  const list = batchFixtureList();
  let result: CliResult;
  let dbPath: string;
  let db: Database.Database;
  let logPath: string;

  beforeAll(async () => {
    const listPath = join(dir, 'batch.csv');
    writeFileSync(listPath, fixtureListCsv(list));
    dbPath = tempDb();
    logPath = join(dir, 'batch.log');
    result = await runCli([
      'scan', '--list', listPath, '--db', dbPath, '--host-resolver-rules', server.hostResolverRules,
      '--ignore-https-errors', '--concurrency', '4', '--log', logPath, '--restart-every', '15', ...QUICK,
    ]);
    db = readDb(dbPath);
  }, 540_000);

  afterAll(() => db?.close());

  it('completes with exit code 0: failed sites are data, not errors', () => {
    expect(result.stderr).not.toMatch(/error:/);
    expect(result.code).toBe(0);
    expect(list.length).toBeGreaterThanOrEqual(30);
    const run = db.prepare('SELECT * FROM runs').get() as Row;
    expect(run.status).toBe('complete');
    expect(db.prepare('SELECT count(*) FROM run_sites').pluck().get()).toBe(list.length);
  });

  it('records every listed site exactly once', () => {
    const rows = scans(db, 1);
    expect(rows.map((r) => r.url).sort()).toEqual(list.map((s) => s.url).sort());
  });

  it('gives each broken site its failure class, retrying only transient failures', () => {
    const byUrl = new Map(scans(db, 1).map((r) => [r.url as string, r]));
    const broken = list.filter((s) => s.expectedFailure);
    expect(broken.length).toBeGreaterThanOrEqual(5);
    for (const site of broken) {
      const row = byUrl.get(site.url)!;
      expect({ url: site.url, status: row.status, failureClass: row.failure_class }).toEqual({
        url: site.url,
        status: 'failed',
        failureClass: site.expectedFailure,
      });
      expect(row.failure_message, site.url).toBeTruthy();
      expect(row.grade, site.url).toBe('?');
      const transient = ['timeout', 'connection'].includes(site.expectedFailure!) || /HTTP 5\d\d/.test(String(row.failure_message));
      expect({ url: site.url, attempts: row.attempts }).toEqual({ url: site.url, attempts: transient ? 2 : 1 });
    }
    const classes = new Set(broken.map((s) => s.expectedFailure));
    for (const c of ['timeout', 'http-status', 'dns', 'navigation', 'tls', 'connection']) expect(classes).toContain(c);
  });

  it('recovers a site whose failure passes on retry', () => {
    const flaky = list.filter((s) => s.transient);
    expect(flaky.length).toBeGreaterThan(0);
    const byUrl = new Map(scans(db, 1).map((r) => [r.url as string, r]));
    for (const site of flaky) {
      expect(byUrl.get(site.url)).toMatchObject({ status: 'ok', attempts: 2 });
    }
  });

  it('scans the good sites as when scanned alone: every fixture site ok and graded', () => {
    const byUrl = new Map(scans(db, 1).map((r) => [r.url as string, r]));
    for (const site of list.filter((s) => !s.expectedFailure)) {
      expect({ url: site.url, status: byUrl.get(site.url)?.status }).toEqual({ url: site.url, status: 'ok' });
      expect(byUrl.get(site.url)?.grade).toMatch(/^[A-F]$/);
    }
    // The site with trackers and no banner is judged as in the single-site tests.
    expect(byUrl.get('https://www.volgdorp.nl/')?.grade).toBe('E');
    expect(byUrl.get('https://www.schoonstad.nl/')?.grade).toBe('A');
  });

  it('prints a line per site and a summary with failures by class', () => {
    expect(result.stdout).toMatch(/^✓ GM9002 Gemeente Volgdorp \(https:\/\/www\.volgdorp\.nl\/\)  grade E  before consent: .*Google Analytics/m);
    expect(result.stdout).toMatch(/^✗ .*failed \(dns\): .*ERR_NAME_NOT_RESOLVED/m);
    const failed = list.filter((s) => s.expectedFailure).length;
    expect(result.stdout).toMatch(new RegExp(`^run 1 complete: ${list.length} sites in .*\\n` + `ok ${list.length - failed}, failed ${failed} \\(`, 'm'));
    expect(result.stdout).toMatch(/^trackers before consent: \d+ sites$/m);
  });

  it('writes JSON lines to the log file, one per finished site', () => {
    const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
    const done = lines.filter((l) => l.msg === 'site scanned' || l.msg === 'site failed');
    expect(done).toHaveLength(list.length);
    expect(lines.some((l) => l.msg === 'transient failure; will retry' && l.level === 40)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ msg: 'run finished', status: 'complete', saved: list.length });
  });

  it('replaces the browser every 15 sites, so memory stays bounded over a long run', () => {
    const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
    const retired = lines.filter((l) => l.msg === 'restarting the browser to keep memory bounded');
    // 43 sites plus retries: at least two replacements.
    expect(retired.length).toBeGreaterThanOrEqual(2);
    expect(retired.every((l) => l.scans === 15)).toBe(true);
    const launches = Number(/(\d+) browser start\(s\)/.exec(result.stdout)?.[1]);
    // A browser retired by the very last site is not replaced.
    expect([retired.length, retired.length + 1]).toContain(launches);
  });

  it('leaves a sound database', () => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
});

describe('stopping and resuming', () => {
  const sites = fixtureSites.slice(0, 10);

  function listFile(name: string): string {
    const path = join(dir, name);
    writeFileSync(path, fixtureListCsv(sites));
    return path;
  }

  function scanArgs(listPath: string, dbPath: string): string[] {
    return [
      'scan', '--list', listPath, '--db', dbPath, '--host-resolver-rules', server.hostResolverRules,
      '--ignore-https-errors', '--concurrency', '2', '--quiet', ...QUICK,
    ];
  }

  const finished = (dbPath: string) => () => {
    let db: Database.Database | undefined;
    try {
      db = new Database(dbPath, { readonly: true, fileMustExist: true });
      return (db.prepare("SELECT count(*) FROM site_scans WHERE status IN ('ok', 'failed')").pluck().get() as number) >= 2;
    } catch {
      return false; // the file or its schema may not exist yet
    } finally {
      db?.close();
    }
  };

  it('resumes a run killed with SIGKILL without losing or repeating a site', async () => {
    const dbPath = tempDb();
    const { child, done } = startCli(scanArgs(listFile('kill.csv'), dbPath));
    await waitUntil(finished(dbPath), 240_000, 'two finished site scans');
    process.kill(-child.pid!, 'SIGKILL'); // the whole group: the CLI and its Chromium
    await done;

    let db = readDb(dbPath);
    expect(db.prepare('SELECT status FROM runs WHERE id = 1').pluck().get()).toBe('running');
    const before = db.prepare('SELECT count(*) FROM site_scans').pluck().get() as number;
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(sites.length);
    db.close();

    // Options and list come from the run itself.
    const resumed = await runCli(['scan', '--resume', '--db', dbPath]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`^run 1 complete: ${sites.length} sites \\(\\d+ in this session\\)`, 'm'));

    db = readDb(dbPath);
    expect(db.prepare('SELECT status, resumed_count FROM runs').all()).toEqual([{ status: 'complete', resumed_count: 1 }]);
    const urls = scans(db, 1).map((r) => r.url);
    expect(urls).toEqual([...new Set(urls)]);
    expect(urls.sort()).toEqual(sites.map((s) => s.url).sort());
    expect(scans(db, 1).every((r) => r.status === 'ok')).toBe(true);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  }, 540_000);

  it('stops cleanly on SIGTERM: sites in flight interrupted, run incomplete, exit code 143; resume finishes it', async () => {
    const dbPath = tempDb();
    const { child, done } = startCli(scanArgs(listFile('term.csv'), dbPath));
    await waitUntil(finished(dbPath), 240_000, 'two finished site scans');
    child.kill('SIGTERM');
    const stopped = await done;
    expect(stopped.code).toBe(143);
    // --quiet: nothing but errors, and a clean stop is none.
    expect(stopped.stderr).toBe('');

    let db = readDb(dbPath);
    expect(db.prepare('SELECT status FROM runs WHERE id = 1').pluck().get()).toBe('incomplete');
    const statuses = scans(db, 1).map((r) => r.status);
    expect(statuses.length).toBeLessThan(sites.length);
    // The two scans in flight (concurrency 2) were stopped and recorded as such, without observations.
    expect(statuses.filter((s) => s === 'interrupted').length).toBeGreaterThanOrEqual(1);
    expect(
      db.prepare("SELECT count(*) FROM phases p JOIN site_scans ss ON ss.id = p.site_scan_id WHERE ss.status = 'interrupted'").pluck().get(),
    ).toBe(0);
    db.close();

    // A resume scans the rest as the run scanned the first sites: other observation options are refused.
    const changed = await runCli(['scan', '--resume', '--db', dbPath, '--pages', '3']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toBe('error: --pages differs from the run being resumed (0); a resumed run keeps its options\n');

    const resumed = await runCli(['scan', '--resume', '1', '--db', dbPath, '--quiet']);
    expect(resumed.code).toBe(0);
    db = readDb(dbPath);
    expect(db.prepare('SELECT status FROM runs').pluck().all()).toEqual(['complete']);
    const rows = scans(db, 1);
    expect(rows.map((r) => r.url).sort()).toEqual(sites.map((s) => s.url).sort());
    expect(rows.every((r) => r.status === 'ok')).toBe(true);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 540_000);
});

describe('what a resume refuses', () => {
  it('explains when there is nothing to resume, and refuses URLs or changed options with it', async () => {
    const dbPath = tempDb();
    const none = await runCli(['scan', '--resume', '--db', dbPath]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toBe(`error: no unfinished run to resume in ${dbPath}\n`);

    const withUrl = await runCli(['scan', 'www.a.nl', '--resume', '--db', dbPath]);
    expect(withUrl.code).toBe(2);
    expect(withUrl.stderr).toBe('error: --resume continues a run with its own list; give no URLs or --list with it\n');

    const badId = await runCli(['scan', '--resume', 'x', '--db', dbPath]);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/--resume.*A run id is a whole number from 1\./);
  });

  it('names the built-in lists when a list file does not exist, and refuses an empty command', async () => {
    const missing = await runCli(['scan', '--list', join(dir, 'nope.csv'), '--db', tempDb()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv.*nl-municipalities/s);
    expect(missing.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const nothing = await runCli(['scan', '--db', tempDb()]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toBe('error: nothing to scan: give start URLs, --list <file|nl-municipalities>, or --resume\n');
  });
});

describe('a browser crash', () => {
  it('replaces the crashed browser and scans the sites it took down again', async () => {
    const sites = fixtureSites.slice(0, 8);
    const listPath = join(dir, 'crash.csv');
    writeFileSync(listPath, fixtureListCsv(sites));
    const dbPath = tempDb();
    const logPath = join(dir, 'crash.log');
    const { child, done } = startCli([
      'scan', '--list', listPath, '--db', dbPath, '--host-resolver-rules', server.hostResolverRules,
      '--ignore-https-errors', '--concurrency', '2', '--log', logPath, ...QUICK,
    ]);
    await waitUntil(
      () => {
        try {
          return readFileSync(logPath, 'utf8').includes('"site scanned"');
        } catch {
          return false;
        }
      },
      240_000,
      'a first finished site',
    );
    // Playwright starts Chromium as the CLI's own child; SIGKILL it as an out-of-memory kill would.
    const browser = execFileSync('pgrep', ['-P', String(child.pid), '-f', 'cookiewatch-profile-']).toString().trim().split('\n')[0];
    expect(browser).toMatch(/^\d+$/);
    process.kill(Number(browser), 'SIGKILL');
    const result = await done;
    expect(result.code).toBe(0);

    const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
    expect(lines.some((l) => l.msg === 'the browser crashed; starting a new one')).toBe(true);
    const retried = lines.filter((l) => l.msg === 'transient failure; will retry');
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(retried.every((l) => l.failureClass === 'browser-crash')).toBe(true);

    const db = readDb(dbPath);
    const rows = scans(db, 1);
    expect(rows.map((r) => r.url).sort()).toEqual(sites.map((s) => s.url).sort());
    expect(rows.every((r) => r.status === 'ok')).toBe(true);
    expect(rows.some((r) => (r.attempts as number) >= 2)).toBe(true);
    expect(db.prepare('SELECT status FROM runs').pluck().get()).toBe('complete');
    db.close();
  }, 400_000);
});
