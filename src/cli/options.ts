import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { InvalidUrlError, normaliseStartUrl } from '../observe/url.js';
import { UsageError } from './errors.js';

/** Commander parser for a whole number of milliseconds within bounds. */
export function msOption(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('Not a whole number of milliseconds.');
    if (n < min || n > max) throw new InvalidArgumentError(`Must be between ${min} and ${max}.`);
    return n;
  };
}

const PHASES = ['pre', 'accept', 'reject'] as const;

/** Commander parser for `--phases pre,accept,reject`: known names, no duplicates, in the given order. */
export function phasesOption(raw: string): Array<(typeof PHASES)[number]> {
  const names = raw.split(',').map((p) => p.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('Name at least one phase: pre, accept, reject.');
  const out: Array<(typeof PHASES)[number]> = [];
  for (const n of names) {
    if (!(PHASES as readonly string[]).includes(n)) throw new InvalidArgumentError(`Unknown phase "${n}"; phases are pre, accept, reject.`);
    if (!out.includes(n as (typeof PHASES)[number])) out.push(n as (typeof PHASES)[number]);
  }
  return out;
}

/** Commander parser for a small whole number within bounds. */
export function countOption(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw new InvalidArgumentError(`Must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

/**
 * Commander parser for a run id (`--run`, `--from`, `--to`, and `--resume [run-id]`, where commander
 * passes `true` without a value: the newest unfinished run).
 */
export function runIdOption(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || !Number.isSafeInteger(n)) throw new InvalidArgumentError('A run id is a whole number from 1.');
  return n;
}

export const ScanOptionsSchema = z.object({
  phases: z.array(z.enum(PHASES)).min(1),
  pages: z.number().int().min(0).max(50),
  bannerWait: z.number().int().min(0),
  db: z.string().min(1),
  browser: z.string().min(1).optional(),
  hostResolverRules: z.string().min(1).optional(),
  ignoreHttpsErrors: z.boolean().default(false),
  storeValues: z.boolean().default(false),
  trackerdb: z.boolean().default(true),
  dwell: z.number().int().min(0),
  quietWindow: z.number().int().min(0),
  visitTimeout: z.number().int().min(1000),
  list: z.string().min(1).optional(),
  skipInvalid: z.boolean().default(false),
  resume: z.union([z.literal(true), z.number().int().positive()]).optional(),
  concurrency: z.number().int().min(1),
  siteTimeout: z.number().int().min(0),
  retries: z.number().int().min(0),
  retryDelay: z.number().int().min(0),
  restartEvery: z.number().int().min(0),
  log: z.string().min(1).optional(),
  quiet: z.boolean().default(false),
});
export type ScanOptions = z.infer<typeof ScanOptionsSchema>;

export function parseScanOptions(raw: unknown): ScanOptions {
  const r = ScanOptionsSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UsageError(`option --${kebab(String(issue?.path[0] ?? '?'))}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

export function parseStartUrls(inputs: string[]): string[] {
  const urls: string[] = [];
  for (const input of inputs) {
    try {
      const url = normaliseStartUrl(input);
      if (!urls.includes(url)) urls.push(url);
    } catch (err) {
      if (err instanceof InvalidUrlError) throw new UsageError(err.message);
      throw err;
    }
  }
  return urls;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
