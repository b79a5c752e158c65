import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import { browserLabel } from '../browser/find.js';
import { launchBrowser, type LaunchedBrowser, type LaunchOptions } from '../browser/launch.js';
import { BrowserSupervisor } from '../browser/supervisor.js';
import type { SiteInput, SiteScanResult } from '../observe/types.js';
import { classifySiteScan, type ClassifyOptions } from '../classify/index.js';
import type { Classification } from '../classify/types.js';
import {
  createRun,
  finishRun,
  getRun,
  openDatabase,
  planRunSites,
  remainingSitesOfRun,
  saveClassification,
  saveSiteScan,
  type Database,
} from '../store/index.js';
import { toolVersion } from '../util/package-info.js';
import { classifyFailure, isTransient, retryDelayMs } from './failures.js';
import { scanSite, type SiteScanOptions, type StopReason } from './site.js';

export interface BatchOptions {
  /** Site scans at once, in contexts of one browser: a visit mostly waits, so several overlap well. */
  concurrency: number;
  /** Deadline for one attempt at a site, all phases together; 0 = none. */
  siteTimeoutMs: number;
  /** Extra attempts for a site whose failure may pass (timeout, connection, 5xx, browser crash). */
  retries: number;
  /** First back-off before a retry; doubles per attempt. */
  retryDelayMs: number;
  /** Site scans per browser before it is replaced, to keep memory bounded; 0 = never. */
  restartEvery: number;
}

export const DEFAULT_BATCH_OPTIONS: Omit<BatchOptions, 'concurrency'> = {
  siteTimeoutMs: 300_000,
  retries: 2,
  retryDelayMs: 15_000,
  restartEvery: 50,
};

export interface RunOptions extends SiteScanOptions, LaunchOptions, BatchOptions {
  dbPath: string;
  /** Recorded with the run so a reader knows how it was made, and so a resume can repeat it. */
  recordedOptions: Record<string, unknown>;
  classify: ClassifyOptions;
  /** Continue this (claimed) run instead of creating one; `sites` are then the ones still to scan. */
  resumeRunId?: number;
  listSource?: string;
  /** Aborted by the operator (SIGINT/SIGTERM); its reason is the signal's name. */
  stop?: AbortSignal;
  logger?: Logger;
  onSiteStart?: (site: SiteInput) => void;
  onSiteDone?: (result: SiteScanResult, classification?: Classification) => void;
}

export interface RunResult {
  runId: number;
  status: 'complete' | 'incomplete';
  /** The signal that stopped the run, when it was stopped. */
  interruptedBy?: string;
  browserVersion: string;
  browserPath: string;
  /** Site scans saved by this process (a resumed run also has earlier ones in the database). */
  saved: number;
  browserLaunches: number;
}

/** After a stop, how long in-flight site scans get to wind down before the run is closed without them. */
const STOP_GRACE_MS = 30_000;
/** How long past its deadline a site scan may take to close its browser context before we stop waiting. */
const DEADLINE_GRACE_MS = 30_000;
/** The same after the browser died: nothing is left to close, so waiting long gains nothing. */
const CRASH_GRACE_MS = 5_000;

/**
 * A run over a list of sites. Each site scan is committed as soon as it finishes, with its
 * classification, so a crash or a kill loses at most the scans in flight; `--resume` finds the rest.
 */
export async function runScan(sites: SiteInput[], opts: RunOptions): Promise<RunResult> {
  const log = opts.logger;
  const db = openDatabase(opts.dbPath);
  const supervisor = new BrowserSupervisor<LaunchedBrowser>({
    launch: () => launchBrowser(opts),
    close: (b) => b.close(),
    onDisconnect: (b, cb) => b.browser.on('disconnected', cb),
    restartEvery: opts.restartEvery,
    onLaunch: (generation) => log?.debug({ generation }, 'browser started'),
    onCrash: (generation) => log?.warn({ generation }, 'the browser crashed; starting a new one'),
    onRetire: (generation, scans) => log?.info({ generation, scans }, 'restarting the browser to keep memory bounded'),
  });
  let runId: number | undefined;
  let saved = 0;
  let fatal: unknown;
  let closing = false;
  const stopped = () => opts.stop?.aborted === true;
  // Every site in flight listens to the stop signal; Node's warning at 11 listeners would break --quiet.
  if (opts.stop) setMaxListeners(0, opts.stop);
  // A resumed run is ours already: if the browser will not start, it must still end up incomplete.
  if (opts.resumeRunId !== undefined) runId = opts.resumeRunId;
  try {
    const first = await supervisor.start();
    if (runId === undefined) {
      // The run and its plan together: a kill in between must not leave a run without its list.
      runId = db.transaction(() => {
        const created = createRun(db, {
        toolVersion: toolVersion(),
        browserVersion: first.version,
        browserPath: first.location.path,
        cookieControlsMode: first.cookieControlsMode,
        userAgent: first.userAgent,
        options: opts.recordedOptions,
        startedAt: new Date().toISOString(),
        pid: process.pid,
        hostname: hostname(),
        ...(opts.listSource ? { listSource: opts.listSource } : {}),
        });
        planRunSites(db, created, sites);
        return created;
      }).immediate();
    }
    const id = runId;
    const recorded = opts.resumeRunId !== undefined ? getRun(db, id) : undefined;
    const [was, now] = recorded ? [browserLabel(recorded.browserVersion, recorded.browserPath), browserLabel(first.version, first.location.path)] : [];
    if (was && was !== now) {
      log?.warn({ runId: id, recorded: was, now }, `the run started with ${was} and resumes with ${now}; the run records the first`);
    }
    log?.info({ runId: id, sites: sites.length, concurrency: opts.concurrency, resumed: opts.resumeRunId !== undefined }, 'run started');

    const queue = new PQueue({ concurrency: Math.max(1, opts.concurrency) });
    const onStop = () => queue.clear();
    opts.stop?.addEventListener('abort', onStop, { once: true });

    const task = async (site: SiteInput) => {
      if (stopped() || fatal) return;
      try {
        opts.onSiteStart?.(site);
        const result = await scanWithRetries(site, supervisor, opts);
        // A scan that outlived the run's stop grace finds the run closed: it stays unrecorded, and a resume redoes it.
        if (closing) return;
        let classification: Classification | undefined;
        if (result.status !== 'interrupted') {
          try {
            classification = classifySiteScan(result, opts.classify);
          } catch (err) {
            // A bug in one rule must not cost the night: the observations are saved, `reclassify` judges them later.
            log?.error({ site: site.url, err: messageOf(err) }, 'could not classify the site scan; saved without verdicts');
          }
        }
        save(db, id, result, classification);
        saved++;
        log?.info(
          {
            site: site.url,
            status: result.status,
            grade: classification?.grade,
            failureClass: result.failureClass,
            attempts: result.attempts,
            ms: Date.parse(result.endedAt) - Date.parse(result.startedAt),
          },
          result.status === 'ok' ? 'site scanned' : `site ${result.status}`,
        );
        opts.onSiteDone?.(result, classification);
      } catch (err) {
        // Not a site's failure (those are results) but ours: the database or the browser launch broke.
        fatal ??= err;
        queue.clear();
        log?.error({ site: site.url, err: messageOf(err) }, 'stopping the run after an error');
      }
    };
    for (const site of sites) void queue.add(() => task(site));
    await Promise.race([
      queue.onIdle(),
      // Once stopped, give the scans in flight a bounded time to record themselves as interrupted.
      new Promise<void>((resolve) => {
        const after = () => setTimeout(resolve, STOP_GRACE_MS).unref();
        if (stopped()) after();
        else opts.stop?.addEventListener('abort', after, { once: true });
      }),
    ]);
    opts.stop?.removeEventListener('abort', onStop);
    closing = true;

    // Complete means every planned site has a finished scan, whatever stopped the process.
    const status = !fatal && remainingSitesOfRun(db, id).length === 0 ? 'complete' : 'incomplete';
    finishRun(db, id, status);
    log?.info({ runId: id, status, saved }, 'run finished');
    if (fatal) throw fatal;
    const result: RunResult = {
      runId: id,
      status,
      browserVersion: first.version,
      browserPath: first.location.path,
      saved,
      browserLaunches: supervisor.launches,
    };
    if (stopped() && status === 'incomplete') result.interruptedBy = String(opts.stop?.reason ?? 'a signal');
    return result;
  } catch (err) {
    if (runId !== undefined && !fatal) {
      try {
        finishRun(db, runId, 'incomplete');
      } catch {
        // The database itself may be what failed; the original error is the one to report.
      }
    }
    throw err;
  } finally {
    await supervisor.close();
    db.close();
  }
}

function save(db: Database, runId: number, result: SiteScanResult, classification: Classification | undefined): void {
  // Observations and the conclusions drawn from them land together, or not at all. IMMEDIATE: take
  // the write lock first, so another writer makes us wait (busy_timeout) instead of failing at once.
  db.transaction(() => {
    const siteScanId = saveSiteScan(db, runId, result);
    if (classification) saveClassification(db, siteScanId, classification);
  }).immediate();
}

/**
 * Scans one site, trying again after transient failures with growing pauses. Each attempt runs on a
 * browser from the supervisor under its own deadline; the operator's stop ends it as interrupted.
 */
async function scanWithRetries(
  site: SiteInput,
  supervisor: BrowserSupervisor<LaunchedBrowser>,
  opts: RunOptions,
): Promise<SiteScanResult> {
  const log = opts.logger;
  for (let attempt = 1; ; attempt++) {
    const result = await attemptSite(site, supervisor, opts);
    result.attempts = attempt;
    if (result.status !== 'failed' || attempt > opts.retries || !isTransient(result.failureClass, result.failureMessage)) {
      return result;
    }
    const delay = retryDelayMs(attempt, opts.retryDelayMs);
    log?.warn(
      { site: site.url, failureClass: result.failureClass, error: result.failureMessage, attempt, retryInMs: delay },
      'transient failure; will retry',
    );
    if (!(await pause(delay, opts.stop))) return interrupted(site, String(opts.stop?.reason), attempt);
  }
}

async function attemptSite(
  site: SiteInput,
  supervisor: BrowserSupervisor<LaunchedBrowser>,
  opts: RunOptions,
): Promise<SiteScanResult> {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const abort = (reason: StopReason) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onStop = () => abort({ kind: 'interrupted', signal: String(opts.stop?.reason ?? 'a signal') });
  let timer: NodeJS.Timeout | undefined;
  let hardTimer: NodeJS.Timeout | undefined;
  // A crashed browser can leave calls pending forever: end the scan as soon as the browser is lost.
  const onLost = () => abort({ kind: 'crash' });
  let lost: AbortSignal | undefined;
  try {
    const lease = await supervisor.acquire();
    lost = lease.lost;
    if (lease.lost.aborted) onLost();
    else lease.lost.addEventListener('abort', onLost, { once: true });
    if (opts.stop?.aborted) onStop();
    opts.stop?.addEventListener('abort', onStop, { once: true });
    if (opts.siteTimeoutMs > 0) timer = setTimeout(() => abort({ kind: 'deadline', ms: opts.siteTimeoutMs }), opts.siteTimeoutMs);
    // Whatever a site's content makes our own code throw is that site's failure, not the night's.
    const scan = scanSite(lease.browser, site, opts, controller.signal).catch((err: unknown) =>
      controller.signal.aborted ? abandoned(site, controller.signal.reason as StopReason) : unexpected(site, err),
    );
    const release = () => void lease.release();
    scan.then(release, release);
    // A scan whose browser calls still hang well after the abort is given up on, and so is its browser:
    // a browser that does not let go of a closed context would stall every site after it.
    const giveUp = new Promise<SiteScanResult>((resolve) => {
      const start = () => {
        const lost = (controller.signal.reason as StopReason).kind === 'crash';
        hardTimer = setTimeout(() => {
          opts.logger?.warn({ site: site.url }, 'the browser did not let go of a stopped site; replacing it');
          void lease.discard();
          resolve(abandoned(site, controller.signal.reason as StopReason));
        }, lost ? CRASH_GRACE_MS : DEADLINE_GRACE_MS);
        hardTimer.unref();
      };
      if (controller.signal.aborted) start();
      else controller.signal.addEventListener('abort', start, { once: true });
    });
    return await Promise.race([scan, giveUp]);
  } finally {
    clearTimeout(timer);
    clearTimeout(hardTimer);
    opts.stop?.removeEventListener('abort', onStop);
    lost?.removeEventListener('abort', onLost);
  }
}

function unexpected(site: SiteInput, err: unknown): SiteScanResult {
  const now = new Date().toISOString();
  const first = messageOf(err).split('\n')[0] ?? '';
  const message = `cookiewatch could not finish this site: ${first.slice(0, 500)}`;
  return {
    site,
    startedAt: now,
    endedAt: now,
    status: 'failed',
    failureClass: classifyFailure(message),
    failureMessage: message,
    siteDomain: new URL(site.url).hostname,
    phases: [],
  };
}

function abandoned(site: SiteInput, reason: StopReason): SiteScanResult {
  if (reason.kind === 'interrupted') return interrupted(site, reason.signal, 1);
  const now = new Date().toISOString();
  if (reason.kind === 'crash') {
    return {
      site,
      startedAt: now,
      endedAt: now,
      status: 'failed',
      failureClass: 'browser-crash',
      failureMessage: 'the browser crashed during the scan',
      siteDomain: new URL(site.url).hostname,
      phases: [],
    };
  }
  return {
    site,
    startedAt: now,
    endedAt: now,
    status: 'failed',
    failureClass: 'timeout',
    failureMessage: `site deadline of ${reason.ms} ms passed and the browser did not let go of the site`,
    siteDomain: new URL(site.url).hostname,
    phases: [],
  };
}

function interrupted(site: SiteInput, signal: string, attempts: number): SiteScanResult {
  const now = new Date().toISOString();
  return {
    site,
    startedAt: now,
    endedAt: now,
    status: 'interrupted',
    failureMessage: `interrupted by ${signal} before the scan finished`,
    siteDomain: new URL(site.url).hostname,
    phases: [],
    attempts,
  };
}

/** Sleeps `ms`; false when the stop signal came first. */
function pause(ms: number, stop: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (stop?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      stop?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    stop?.addEventListener('abort', onAbort, { once: true });
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
