import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFixtureList, fixtureListCsv } from '../../fixtures/lists.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { QUICK, readDb, runCli, scans, tempDb, type CliResult } from './helpers.js';

// Nightly list scans: a 30+ site list with broken sites, the site deadline, and what a resume refuses.
let server: FixtureServer;
const dir = mkdtempSync(join(tmpdir(), 'cookiewatch-batch-'));

type Row = Record<string, unknown>;

beforeAll(async () => {
  server = await startFixtureServer();
});

afterAll(async () => {
  await server?.close();
});

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

describe('the site deadline', () => {
  it('ends a site that hangs within its deadline, recorded as a timeout and retried as asked', async () => {
    const dbPath = tempDb();
    const result = await runCli([
      'scan', 'https://www.wachtebroek.nl/', '--db', dbPath, '--host-resolver-rules', server.hostResolverRules,
      '--ignore-https-errors', '--site-timeout', '3000', '--visit-timeout', '60000', '--retries', '1', '--retry-delay', '100',
    ]);
    expect(result.code).toBe(0);
    const db = readDb(dbPath);
    const row = scans(db, 1)[0]!;
    expect(row).toMatchObject({ status: 'failed', failure_class: 'timeout', attempts: 2, grade: '?' });
    expect(row.failure_message).toBe('site deadline of 3000 ms passed before all phases finished');
    db.close();
  }, 120_000);
});
