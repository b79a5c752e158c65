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
