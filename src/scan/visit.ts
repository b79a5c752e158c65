import type { BrowserContext, CDPSession, Page } from 'playwright';
import { newVisitorContext, type LaunchedBrowser } from '../browser/launch.js';
import { collectCookieJar } from '../observe/cookies.js';
import { NetworkCollector } from '../observe/network.js';
import { registrableDomain, hostOf } from '../observe/party.js';
import { ScriptCookieCollector } from '../observe/script-cookies.js';
import { StorageCollector } from '../observe/storage.js';
import type { PageVisit, PhaseName, PhaseObservations } from '../observe/types.js';
import { sleep, withTimeout } from '../util/time.js';

export interface VisitOptions {
  /** Stay at least this long on a page: late tags (timers, idle callbacks) must get their chance. */
  minDwellMs: number;
  /** The network counts as quiet when no request started for this long. */
  quietMs: number;
  /** Upper bound for one page visit, navigation included. */
  visitTimeoutMs: number;
  storeValues: boolean;
  ignoreHttpsErrors: boolean;
}

export const DEFAULT_VISIT_OPTIONS: VisitOptions = {
  minDwellMs: 5000,
  quietMs: 1500,
  visitTimeoutMs: 30000,
  storeValues: false,
  ignoreHttpsErrors: false,
};

export interface PhaseResult {
  observations: PhaseObservations;
  /** URL of the start page after redirects, when it loaded. */
  finalUrl?: string;
  siteDomain: string;
}

/**
 * One phase: a fresh context (empty cookies and storage), the start page visited like a person who
 * reads it (wait, scroll down and back), and everything the browser saw on the way.
 */
export async function visitPhase(
  launched: LaunchedBrowser,
  phase: PhaseName,
  startUrl: string,
  opts: VisitOptions,
): Promise<PhaseResult> {
  const phaseStart = Date.now();
  const startedAt = new Date(phaseStart).toISOString();
  let pageIndex = 0;
  const network = new NetworkCollector({ phaseStart, storeValues: opts.storeValues });
  const scriptCookies = new ScriptCookieCollector({ phaseStart, storeValues: opts.storeValues, pageIndex: () => pageIndex });
  const storage = new StorageCollector({ storeValues: opts.storeValues });
  const pages: PageVisit[] = [];
  let context: BrowserContext | undefined;
  let cdp: CDPSession | undefined;
  let siteDomain = registrableDomain(hostOf(startUrl));
  let finalUrl: string | undefined;
  let error: string | undefined;

  try {
    context = await newVisitorContext(launched, { ignoreHttpsErrors: opts.ignoreHttpsErrors });
    await scriptCookies.attach(context);
    const page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await network.attach(page, cdp);

    network.setPageIndex(pageIndex);
    const visit = await visitPage(page, network, startUrl, pageIndex, phaseStart, opts);
    pages.push(visit);
    if (visit.error) {
      error = visit.error;
    } else {
      finalUrl = visit.finalUrl;
      if (finalUrl && /^https?:/.test(finalUrl)) siteDomain = registrableDomain(hostOf(finalUrl));
    }
    await storage.collectPage(page, pageIndex);
  } catch (err) {
    error = messageOf(err);
  }

  const cookieEvents = [...network.httpCookieEvents(), ...scriptCookies.scriptCookieEvents()].sort(
    (a, b) => a.timeMs - b.timeMs,
  );
  let cookies: PhaseObservations['cookies'] = [];
  if (context) {
    cookies =
      (await withTimeout(collectCookieJar(context, cdp, siteDomain, cookieEvents, opts.storeValues), 10000)) ?? [];
    await withTimeout(context.close(), 10000);
  }
  const observations: PhaseObservations = {
    phase,
    startedAt,
    endedAt: new Date().toISOString(),
    status: error ? 'failed' : 'ok',
    pages,
    requests: network.requests(siteDomain),
    cookies,
    cookieEvents,
    storage: storage.storage(siteDomain),
  };
  if (error) observations.error = error;
  return { observations, siteDomain, ...(finalUrl ? { finalUrl } : {}) };
}

async function visitPage(
  page: Page,
  network: NetworkCollector,
  url: string,
  pageIndex: number,
  phaseStart: number,
  opts: VisitOptions,
): Promise<PageVisit> {
  const started = Date.now();
  const deadline = started + opts.visitTimeoutMs;
  const visit: PageVisit = { pageIndex, url, startedMs: started - phaseStart, endedMs: 0 };
  try {
    // domcontentloaded, not load: one hanging image must not cost the whole visit.
    const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: opts.visitTimeoutMs });
    if (response) visit.status = response.status();
    visit.finalUrl = page.url();
  } catch (err) {
    visit.error = messageOf(err);
    visit.endedMs = Date.now() - phaseStart;
    return visit;
  }
  await waitForQuiet(network, started + opts.minDwellMs, opts.quietMs, deadline);
  await withTimeout(scrollDownAndBack(page), Math.max(0, deadline - Date.now()));
  // Scrolling wakes lazy content (embeds, below-the-fold tags); give it its own quiet period.
  await waitForQuiet(network, Date.now() + Math.min(opts.quietMs, 1000), opts.quietMs, deadline);
  visit.finalUrl = page.url();
  const title = await withTimeout(page.title(), 1000);
  if (title) visit.title = title.slice(0, 500);
  visit.endedMs = Date.now() - phaseStart;
  return visit;
}

/** Waits until the minimum dwell has passed and no request started for `quietMs`, or the deadline. */
export async function waitForQuiet(
  network: { lastActivity: number },
  minUntil: number,
  quietMs: number,
  deadline: number,
): Promise<'quiet' | 'deadline'> {
  for (;;) {
    const now = Date.now();
    if (now >= deadline) return 'deadline';
    if (now >= minUntil && now - network.lastActivity >= quietMs) return 'quiet';
    await sleep(Math.min(100, deadline - now));
  }
}

async function scrollDownAndBack(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const step = Math.max(200, window.innerHeight * 0.8);
    for (let i = 0; i < 30; i++) {
      const before = window.scrollY;
      window.scrollBy(0, step);
      await pause(100);
      if (window.scrollY === before) break;
    }
    window.scrollTo(0, 0);
  });
}

function messageOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  // Playwright appends a call log after the first line; the first line is the reason.
  return (msg.split('\n')[0] ?? msg).trim();
}
