import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'cookiewatch.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (the built one, as a user gets it after `npm ci`). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'cookiewatch-test-')), 'scan.sqlite');
}

/** Read-only access for assertions; the scanner itself is the only writer. */
export function readDb(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}

/** Waits shortened for tests; the defaults a user gets stay the honest ones. */
export const FAST = ['--dwell', '1000', '--quiet-window', '500', '--visit-timeout', '20000'];

type Row = Record<string, unknown>;

/** Per-phase views of one stored scan, for assertions that read like the scenario descriptions. */
export function phaseView(db: Database.Database, siteUrl: string, phase: 'pre' | 'accept' | 'reject') {
  const row = db
    .prepare(
      `SELECT p.* FROM phases p JOIN site_scans s ON s.id = p.site_scan_id JOIN sites t ON t.id = s.site_id
       WHERE t.url = ? AND p.name = ?`,
    )
    .get(siteUrl, phase) as Row | undefined;
  if (!row) throw new Error(`no ${phase} phase stored for ${siteUrl}`);
  const id = row.id as number;
  const requests = db.prepare('SELECT * FROM requests WHERE phase_id = ? ORDER BY id').all(id) as Row[];
  return {
    phase: row,
    requests,
    cookies: db.prepare('SELECT * FROM cookies WHERE phase_id = ?').all(id) as Row[],
    cookieEvents: db.prepare('SELECT * FROM cookie_events WHERE phase_id = ? ORDER BY id').all(id) as Row[],
    storage: db.prepare('SELECT * FROM storage WHERE phase_id = ?').all(id) as Row[],
    clicks: db.prepare('SELECT * FROM consent_clicks WHERE phase_id = ? ORDER BY seq').all(id) as Row[],
    pages: db.prepare('SELECT * FROM pages WHERE phase_id = ? ORDER BY page_index').all(id) as Row[],
    screenshots: db.prepare('SELECT moment, length(data) AS bytes FROM screenshots WHERE phase_id = ?').all(id) as Row[],
    /** Google Analytics hits and Facebook Pixel hits: the trackers every consent fixture gates. */
    gaHits: requests.filter((r) => /google-analytics\.com\/g\/collect/.test(String(r.url))),
    pixelHits: requests.filter((r) => /^https:\/\/www\.facebook\.com\/tr\/?\?/.test(String(r.url))),
    cookieNames: new Set((db.prepare('SELECT name FROM cookies WHERE phase_id = ?').pluck().all(id) as string[])),
  };
}

/** Scans `urls` with all three phases against a fixture server; returns the CLI result and the database path. */
export async function scanFixtureSites(hostResolverRules: string, urls: string[], extra: string[] = []): Promise<{ result: CliResult; dbPath: string }> {
  const dbPath = tempDb();
  const result = await runCli([
    'scan', ...urls, '--db', dbPath, '--host-resolver-rules', hostResolverRules, '--ignore-https-errors',
    '--dwell', '500', '--quiet-window', '400', '--banner-wait', '6000', '--pages', '1',
    // Two sites at a time: the test runner already runs two test files at once on two cores.
    '--concurrency', '2', ...extra,
  ]);
  return { result, dbPath };
}

/** Starts the CLI in its own process group, so a test can kill it together with its Chromium. */
export function startCli(args: string[]): { child: ReturnType<typeof spawn>; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: process.env, detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : null), stdout, stderr }));
  });
  return { child, done };
}

/** Polls until `check` returns true (reading the database a scan is writing, for example). */
export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Short waits for tests; retries and deadlines shortened the same way. */
export const QUICK = [
  '--dwell', '400', '--quiet-window', '300', '--banner-wait', '2500', '--visit-timeout', '6000', '--pages', '0',
  '--retry-delay', '200', '--retries', '1', '--site-timeout', '90000',
];

/** The site scans of a run, by URL: what batch tests assert on. */
export function scans(db: Database.Database, runId: number): Row[] {
  return db
    .prepare(
      `SELECT s.url, ss.status, ss.failure_class, ss.failure_message, ss.attempts, ss.grade
       FROM site_scans ss JOIN sites s ON s.id = ss.site_id WHERE ss.run_id = ? ORDER BY s.url`,
    )
    .all(runId) as Row[];
}
