import type { BrowserContext } from 'playwright';
import { newVisitorContext, newVisitorPage, type LaunchedBrowser } from '../browser/launch.js';
import { withTimeout } from '../util/time.js';
import type { PhaseName, PhaseObservations, SiteInput, SiteScanResult } from '../observe/types.js';
import { hostOf, registrableDomain } from '../observe/party.js';
import { classifyFailure, httpStatusMessage } from './failures.js';
import { readStatements } from './statements.js';
import type { PageLink } from './subpages.js';
import { visitPhase, type Afterwards, type VisitOptions } from './visit.js';

export interface SiteScanOptions extends VisitOptions {
  phases: PhaseName[];
}

/** Why a site scan was stopped from outside: its deadline passed, the operator stopped the run, or its browser died. */
export type StopReason = { kind: 'deadline'; ms: number } | { kind: 'interrupted'; signal: string } | { kind: 'crash' };

/**
 * One site scan: each phase in its own fresh context. The site's first party is the registrable
 * domain of the start page after redirects (`gemeente.nl` → `www.gemeente-x.nl` judges by the latter).
 * Aborting `signal` (with a StopReason) closes the phase in progress and ends the scan at once.
 */
export async function scanSite(
  launched: LaunchedBrowser,
  site: SiteInput,
  opts: SiteScanOptions,
  signal?: AbortSignal,
): Promise<SiteScanResult> {
  const startedAt = new Date().toISOString();
  const phases: PhaseObservations[] = [];
  let siteDomain = registrableDomain(hostOf(site.url));
  let finalUrl: string | undefined;
  let failure: string | undefined;
  // The start page's links as first seen, banner included (before consent they are all there).
  let startLinks: PageLink[] | undefined;
  let statements: SiteScanResult['statements'];
  const last = opts.phases[opts.phases.length - 1];
  // Statements are read in the last phase's page once that phase is recorded: no extra context.
  const readThem: Afterwards = async (page, seen) => {
    const links = startLinks ?? seen.links;
    if (!links) return;
    statements = await readStatements(page, links, finalUrl ?? seen.finalUrl ?? site.url, opts, signal);
  };
  // When the pre phase waited the whole banner wait and saw no banner, the later phases look for one
  // only while their start page's dwell lasts: ten more seconds twice would find nothing new.
  let phaseOpts: VisitOptions = opts;
  let statementsTried = false;
  for (const phase of opts.phases) {
    if (signal?.aborted) break;
    const result = await visitPhase(launched, phase, site.url, phaseOpts, signal, phase === last ? readThem : undefined);
    // A phase sealed before the stop (it was reading statements) is whole: it stays on record.
    if (signal?.aborted && !result.sealed) break;
    phases.push(result.observations);
    if (result.sealed) statementsTried = true;
    // A phase whose start page did not load leaves the comparison between phases incomplete: a site
    // missing its reject phase must not pass as clean. The site fails (and is retried when the cause
    // may pass); the phases that did run stay on record. After a failed first phase the others would
    // fail the same way, or judge an error page.
    const start = result.observations.pages[0];
    if (result.observations.error) failure = result.observations.error;
    else if (start?.status !== undefined && start.status >= 400) failure = httpStatusMessage(start.status);
    if (failure) break;
    if (!finalUrl && result.finalUrl) {
      finalUrl = result.finalUrl;
      siteDomain = result.siteDomain;
    }
    if (result.links && (!startLinks || phase === 'pre')) startLinks = result.links;
    // Only a search that ran its course: "no banner" after an error proves nothing.
    const pre = result.observations.consent;
    if (phase === 'pre' && !pre.bannerFound && !pre.error) {
      phaseOpts = { ...opts, bannerWaitMs: Math.min(opts.bannerWaitMs, opts.minDwellMs) };
    }
    if (signal?.aborted) break;
  }
  // The last phase's page could not be used (a later page froze): a fresh one reads them.
  if (!failure && !statementsTried && !signal?.aborted && startLinks && phases.length === opts.phases.length) {
    statements = await readStatementsInFreshPage(launched, startLinks, finalUrl ?? site.url, opts, signal);
  }
  const result: SiteScanResult = {
    site,
    startedAt,
    endedAt: new Date().toISOString(),
    status: 'ok',
    siteDomain,
    phases,
  };
  if (finalUrl) result.finalUrl = finalUrl;
  if (statements && !signal?.aborted) result.statements = statements;
  const stop = signal?.aborted ? (signal.reason as StopReason | undefined) : undefined;
  if (stop?.kind === 'interrupted') {
    // Nothing half-done is kept: a resumed run scans the site again from the start.
    result.status = 'interrupted';
    result.phases = [];
    result.failureMessage = `interrupted by ${stop.signal} before the scan finished`;
  } else if (stop?.kind === 'crash') {
    result.status = 'failed';
    result.failureClass = 'browser-crash';
    result.failureMessage = 'the browser crashed during the scan';
  } else if (stop?.kind === 'deadline') {
    // Finished phases stay as a record, but the site is graded inconclusive: a scan cut short proves nothing.
    result.status = 'failed';
    result.failureClass = 'timeout';
    result.failureMessage =
      phases.length === opts.phases.length
        ? `site deadline of ${stop.ms} ms passed while the privacy statements were read`
        : `site deadline of ${stop.ms} ms passed before all phases finished`;
  } else if (failure !== undefined || phases.length === 0) {
    result.status = 'failed';
    result.failureMessage = failure ?? 'no phase ran';
    result.failureClass = classifyFailure(result.failureMessage);
  }
  return result;
}

async function readStatementsInFreshPage(
  launched: LaunchedBrowser,
  links: readonly PageLink[],
  startUrl: string,
  opts: SiteScanOptions,
  signal?: AbortSignal,
): Promise<SiteScanResult['statements']> {
  let context: BrowserContext | undefined;
  try {
    context = await newVisitorContext(launched, { ignoreHttpsErrors: opts.ignoreHttpsErrors });
    const opened = context;
    signal?.addEventListener('abort', () => void opened.close().catch(() => undefined), { once: true });
    return await readStatements(await newVisitorPage(context, launched), links, startUrl, opts, signal);
  } catch {
    // A context that would not open: the statements stay "not looked for".
    return undefined;
  } finally {
    if (context) await withTimeout(context.close(), 10000);
  }
}
