import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureListCsv } from '../../fixtures/lists.js';
import { syntheticSites } from '../../fixtures/hosts/synthetic.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { QUICK, readDb, runCli, scans, startCli, tempDb, waitUntil } from './helpers.js';

// Runs stopped by SIGTERM, killed with SIGKILL, or hit by a browser crash, and resumed.
let server: FixtureServer;
const dir = mkdtempSync(join(tmpdir(), 'cookiewatch-resume-'));

type Row = Record<string, unknown>;

beforeAll(async () => {
  server = await startFixtureServer();
});

afterAll(async () => {
  await server?.close();
});

describe('stopping and resuming', () => {
  // Synthetic sites of their own seed: simple pages, some with a consent banner.
  const sites = syntheticSites(6, { seed: 7 });

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
    // The CLI's process group; Playwright starts Chromium in a group of its own, which exits when its pipe closes.
    process.kill(-child.pid!, 'SIGKILL');
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

    // And the report builds from it, one page per site.
    const out = join(dir, 'kill-report');
    const report = await runCli(['report', '--db', dbPath, '--out', out]);
    expect(report.code).toBe(0);
    expect(report.stderr).toMatch(/^report of run 1 written: .*\(6 site pages/);
    expect(readdirSync(join(out, 'sites')).filter((f) => f.endsWith('.html'))).toHaveLength(sites.length);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(sites[0]!.name);
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

describe('a browser crash', () => {
  it('replaces the crashed browser and scans the sites it took down again', async () => {
    const sites = syntheticSites(6, { seed: 8 });
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
    const story = lines.map((l) => `${l.msg} ${l.site ?? ''} ${l.status ?? ''} ${l.failureClass ?? ''} ${l.error ?? ''}`).join('\n');
    expect(lines.some((l) => l.msg === 'the browser crashed; starting a new one'), story).toBe(true);
    const retried = lines.filter((l) => l.msg === 'transient failure; will retry');
    expect(retried.length, story).toBeGreaterThanOrEqual(1);
    expect(retried.every((l) => l.failureClass === 'browser-crash'), story).toBe(true);

    const db = readDb(dbPath);
    const rows = scans(db, 1);
    expect(rows.map((r) => r.url).sort()).toEqual(sites.map((s) => s.url).sort());
    expect(rows.every((r) => r.status === 'ok'), story).toBe(true);
    expect(rows.some((r) => (r.attempts as number) >= 2), story).toBe(true);
    expect(db.prepare('SELECT status FROM runs').pluck().get()).toBe('complete');
    db.close();
  }, 400_000);
});

