import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { InvalidUrlError, normaliseStartUrl } from '../observe/url.js';
import { DEFAULT_BATCH_OPTIONS } from '../scan/run.js';
import { DEFAULT_VISIT_OPTIONS } from '../scan/visit.js';
import { escapeControls } from '../util/escape-controls.js';
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
    if (!(PHASES as readonly string[]).includes(n)) throw new InvalidArgumentError(`Unknown phase "${escapeControls(n)}"; phases are pre, accept, reject.`);
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
  pageDwell: z.number().int().min(0),
  quietWindow: z.number().int().min(0),
  visitTimeout: z.number().int().min(1000),
  list: z.string().min(1).optional(),
  skipInvalid: z.boolean().default(false),
  resume: z.union([z.literal(true), z.number().int().positive()]).optional(),
  /** Left out: the default for the browser that will run the scan (`defaultConcurrency`). */
  concurrency: z.number().int().min(1).optional(),
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

// Options scan and check share: one definition each, so both commands observe a site the same way and
// keep the same honest defaults.

/** Which browser, how it reaches hosts, whose names it may use. */
export function browserOptions(): Option[] {
  return [
    new Option('--browser <path>', 'Chromium, Chrome or headless-shell binary (default: $COOKIEWATCH_BROWSER, Playwright\'s headless shell or Chromium, the system\'s headless shell or Chromium)'),
    new Option(
      '--host-resolver-rules <rules>',
      'Chromium host mapping, like curl --resolve, e.g. "MAP * 127.0.0.1:8443" (test servers, intranets)',
    ),
    new Option('--ignore-https-errors', 'accept invalid TLS certificates (test servers, intranets)').default(false),
    new Option('--no-trackerdb', 'do not name unknown third parties from Ghostery\'s trackerdb (CC BY-NC-SA data)'),
  ];
}

/** How each page is visited: subpages and waits. */
export function visitOptions(): Option[] {
  return [
    new Option('--pages <n>', 'internal pages visited after the start page in each phase')
      .argParser(countOption(0, 50))
      .default(DEFAULT_VISIT_OPTIONS.subpages),
    new Option('--banner-wait <ms>', 'how long to wait for a consent banner to appear')
      .argParser(msOption(0, 120000))
      .default(DEFAULT_VISIT_OPTIONS.bannerWaitMs),
    new Option('--dwell <ms>', "minimum time on each phase's start page (late tags, timers)")
      .argParser(msOption(0, 600000))
      .default(DEFAULT_VISIT_OPTIONS.minDwellMs),
    new Option('--page-dwell <ms>', 'minimum time on each later page of a phase (reload, subpages), at most --dwell')
      .argParser(msOption(0, 600000))
      .default(DEFAULT_VISIT_OPTIONS.pageDwellMs),
    new Option('--quiet-window <ms>', 'network counts as quiet after this long without a new request')
      .argParser(msOption(0, 60000))
      .default(DEFAULT_VISIT_OPTIONS.quietMs),
    new Option('--visit-timeout <ms>', 'upper bound for one page visit')
      .argParser(msOption(1000, 600000))
      .default(DEFAULT_VISIT_OPTIONS.visitTimeoutMs),
  ];
}

/** A site's deadline and retries after transient failures. */
export function deadlineOptions(): Option[] {
  return [
    new Option('--site-timeout <ms>', 'deadline for one site, all phases together; 0 for none')
      .argParser(msOption(0, 3_600_000))
      .default(DEFAULT_BATCH_OPTIONS.siteTimeoutMs),
    new Option('--retries <n>', 'extra attempts after a transient failure (timeout, connection, HTTP 5xx, browser crash)')
      .argParser(countOption(0, 10))
      .default(DEFAULT_BATCH_OPTIONS.retries),
    new Option('--retry-delay <ms>', 'pause before the first retry; doubles for each further one')
      .argParser(msOption(0, 3_600_000))
      .default(DEFAULT_BATCH_OPTIONS.retryDelayMs),
  ];
}

export function addOptions(command: Command, options: Option[]): Command {
  for (const o of options) command.addOption(o);
  return command;
}

/** The options stored with a run: everything that shapes the scan, nothing about this process's output. */
export function recordableOptions(o: ScanOptions): Record<string, unknown> {
  const { resume: _resume, log: _log, quiet: _quiet, ...rest } = o;
  return rest;
}

/** The parsed options as the run engine takes them (scan and check add their own concurrency and hooks). */
export function runOptionsOf(o: ScanOptions) {
  return {
    dbPath: o.db,
    ...(o.browser ? { browserPath: o.browser } : {}),
    ...(o.hostResolverRules ? { hostResolverRules: o.hostResolverRules } : {}),
    ignoreHttpsErrors: o.ignoreHttpsErrors,
    storeValues: o.storeValues,
    minDwellMs: o.dwell,
    pageDwellMs: o.pageDwell,
    quietMs: o.quietWindow,
    visitTimeoutMs: o.visitTimeout,
    subpages: o.pages,
    bannerWaitMs: o.bannerWait,
    phases: o.phases,
    siteTimeoutMs: o.siteTimeout,
    retries: o.retries,
    retryDelayMs: o.retryDelay,
    restartEvery: o.restartEvery,
    recordedOptions: recordableOptions(o),
  };
}
