import type { BrowserContext, CDPSession, Page } from 'playwright';
import { newVisitorContext, VIEWPORT, type LaunchedBrowser } from '../browser/launch.js';
import { googleConsentMode } from '../observe/consent-mode.js';
import { collectCookieJar } from '../observe/cookies.js';
import { NetworkCollector } from '../observe/network.js';
import { registrableDomain, hostOf } from '../observe/party.js';
import { ScriptCookieCollector } from '../observe/script-cookies.js';
import { StorageCollector } from '../observe/storage.js';
import { attachConsentEngine } from '../consent/index.js';
import type {
  ConsentObservation,
  ConsentSignals,
  PageVisit,
  PhaseName,
  PhaseObservations,
  Screenshot,
} from '../observe/types.js';
import { chooseSubpages, type PageLink } from './subpages.js';
import { sleep, withTimeout } from '../util/time.js';

export interface VisitOptions {
  /** Stay at least this long on a page: late tags (timers, idle callbacks) must get their chance. */
  minDwellMs: number;
  /** The network counts as quiet when no request started for this long. */
  quietMs: number;
  /** Upper bound for one page visit, navigation included. */
  visitTimeoutMs: number;
  /** Internal pages visited after the start page in every phase. */
  subpages: number;
  /** How long to wait for a consent banner to appear, counted from navigation start. */
  bannerWaitMs: number;
  storeValues: boolean;
  ignoreHttpsErrors: boolean;
}

export const DEFAULT_VISIT_OPTIONS: VisitOptions = {
  minDwellMs: 5000,
  quietMs: 1500,
  visitTimeoutMs: 30000,
  subpages: 2,
  bannerWaitMs: 10000,
  storeValues: false,
  ignoreHttpsErrors: false,
};

export interface PhaseResult {
  observations: PhaseObservations;
  /** Links of the start page as first seen (banner included), where privacy statements are looked for; undefined when unknown. */
  links?: PageLink[];
  /** URL of the start page after redirects, when it loaded. */
  finalUrl?: string;
  siteDomain: string;
}

const NO_CONSENT: ConsentObservation = { action: 'none', bannerFound: false, secondLayer: false, clicks: [], success: false };

/**
 * One phase in a fresh context (empty cookies and storage): the start page visited like a person who
 * reads it (wait, scroll down and back); in `pre` nothing is clicked, in `accept` and `reject` the
 * banner is answered and the start page loaded again with the choice stored, since many sites fire
 * their tags only on the next page view; then the same internal pages in every phase.
 */
export async function visitPhase(
  launched: LaunchedBrowser,
  phase: PhaseName,
  startUrl: string,
  opts: VisitOptions,
  signal?: AbortSignal,
): Promise<PhaseResult> {
  const phaseStart = Date.now();
  const startedAt = new Date(phaseStart).toISOString();
  let pageIndex = 0;
  const network = new NetworkCollector({ phaseStart, storeValues: opts.storeValues });
  const scriptCookies = new ScriptCookieCollector({ phaseStart, storeValues: opts.storeValues, pageIndex: () => pageIndex });
  const storage = new StorageCollector({ storeValues: opts.storeValues });
  const pages: PageVisit[] = [];
  const screenshots: Screenshot[] = [];
  let consent = NO_CONSENT;
  let signals: ConsentSignals = {};
  let context: BrowserContext | undefined;
  let cdp: CDPSession | undefined;
  let siteDomain = registrableDomain(hostOf(startUrl));
  let finalUrl: string | undefined;
  let error: string | undefined;
  let links: PageLink[] | undefined;

  try {
    context = await newVisitorContext(launched, { ignoreHttpsErrors: opts.ignoreHttpsErrors });
    // A deadline or an interrupt closes the context: every pending browser call then fails at once.
    const opened = context;
    if (signal?.aborted) await opened.close().catch(() => undefined);
    signal?.addEventListener('abort', () => void opened.close().catch(() => undefined), { once: true });
    await scriptCookies.attach(context);
    const engine = await attachConsentEngine(context, phase === 'pre' ? 'detect' : phase);
    const page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await network.attach(cdp);

    const next = async (url: string, kind: PageVisit['kind'], answer?: (navigationStart: number) => Promise<void>) => {
      network.setPageIndex(pageIndex);
      const visit = await visitPage(page, network, url, pageIndex, kind, phaseStart, opts, answer, signal);
      pages.push(visit);
      if (!visit.error) await storage.collectPage(page, pageIndex);
      pageIndex++;
      return visit;
    };

    const start = await next(startUrl, 'start', async (navigationStart) => {
      const waitMs = Math.max(0, navigationStart + opts.bannerWaitMs - Date.now());
      if (phase === 'pre') {
        consent = await engine.detect(page, { waitMs, navigationStart });
        await shoot(cdp, screenshots, 0, 'banner');
      } else {
        consent = await engine.answer(page, phase, { waitMs, navigationStart });
      }
      links = await pageLinks(page);
    });
    if (start.error) {
      error = start.error;
    } else {
      finalUrl = start.finalUrl;
      if (finalUrl && /^https?:/.test(finalUrl)) siteDomain = registrableDomain(hostOf(finalUrl));
      if (phase !== 'pre') {
        // The choice is stored now; the next page view is where many sites fire what it allowed.
        await next(finalUrl ?? startUrl, 'reload');
        await shoot(cdp, screenshots, pageIndex - 1, 'after-consent');
      }
      for (const url of chooseSubpages(links ?? [], finalUrl ?? startUrl, opts.subpages)) await next(url, 'subpage');
      signals = (await withTimeout(readConsentSignals(page), 3000)) ?? {};
    }
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
  const requests = network.requests(siteDomain);
  const observations: PhaseObservations = {
    phase,
    startedAt,
    endedAt: new Date().toISOString(),
    status: error ? 'failed' : 'ok',
    pages,
    requests,
    cookies,
    cookieEvents,
    storage: storage.storage(siteDomain),
    consent,
    signals: { ...signals, ...googleConsentMode(requests) },
    screenshots,
  };
  if (error) observations.error = error;
  return { observations, siteDomain, ...(links ? { links } : {}), ...(finalUrl ? { finalUrl } : {}) };
}

/**
 * Load, dwell until quiet, (answer the banner), scroll down and back, quiet again. `atBanner` runs
 * after the first quiet period, when a visitor would have read the page and seen the banner.
 */
async function visitPage(
  page: Page,
  network: NetworkCollector,
  url: string,
  pageIndex: number,
  kind: PageVisit['kind'],
  phaseStart: number,
  opts: VisitOptions,
  atBanner?: (navigationStart: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<PageVisit> {
  const started = Date.now();
  const deadline = started + opts.visitTimeoutMs;
  const visit: PageVisit = { pageIndex, kind, url, startedMs: started - phaseStart, endedMs: 0 };
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
  await waitForQuiet(network, started + opts.minDwellMs, opts.quietMs, deadline, signal);
  if (atBanner) {
    await atBanner(started);
    await waitForQuiet(network, Date.now() + Math.min(opts.quietMs, 1000), opts.quietMs, Math.max(deadline, Date.now() + opts.quietMs * 4), signal);
  }
  await withTimeout(scrollDownAndBack(page), Math.max(0, deadline - Date.now()));
  // Scrolling wakes lazy content (embeds, below-the-fold tags); give it its own quiet period.
  await waitForQuiet(network, Date.now() + Math.min(opts.quietMs, 1000), opts.quietMs, deadline, signal);
  visit.finalUrl = page.url();
  const title = await withTimeout(page.title(), 1000);
  if (title) visit.title = title.slice(0, 500);
  visit.endedMs = Date.now() - phaseStart;
  return visit;
}

/** Links of the main document, marked when they sit in the site's menu. */
/** Undefined when the page would not say: "no links" must not become "no privacy statement". */
async function pageLinks(page: Page): Promise<PageLink[] | undefined> {
  const links = await withTimeout(
    page.evaluate(() =>
      Array.from(document.querySelectorAll('a[href]'), (a) => ({
        href: (a as HTMLAnchorElement).href,
        text: ((a as HTMLElement).innerText || a.getAttribute('aria-label') || a.getAttribute('title') || '').trim().slice(0, 200),
        inNav: a.closest('nav, header, [role="navigation"]') !== null,
      })).slice(0, 2000),
    ),
    3000,
  );
  return links;
}

/** The IAB TCF string and status, when the page has a TCF API (a CMP of the advertising world). */
async function readConsentSignals(page: Page): Promise<ConsentSignals> {
  const tcf = await page.evaluate(
    () =>
      new Promise<{ tcString?: string; gdprApplies?: boolean; eventStatus?: string } | null>((resolve) => {
        const api = (window as unknown as { __tcfapi?: (...a: unknown[]) => void }).__tcfapi;
        if (typeof api !== 'function') return resolve(null);
        const timer = setTimeout(() => resolve(null), 1500);
        try {
          api('getTCData', 2, (data: Record<string, unknown> | null, ok: boolean) => {
            clearTimeout(timer);
            if (!ok || !data) return resolve(null);
            resolve({
              tcString: typeof data.tcString === 'string' ? data.tcString : undefined,
              gdprApplies: typeof data.gdprApplies === 'boolean' ? data.gdprApplies : undefined,
              eventStatus: typeof data.eventStatus === 'string' ? data.eventStatus : undefined,
            });
          });
        } catch {
          clearTimeout(timer);
          resolve(null);
        }
      }),
  );
  const signals: ConsentSignals = {};
  if (tcf?.tcString) signals.tcfString = tcf.tcString.slice(0, 4000);
  if (tcf?.gdprApplies !== undefined) signals.tcfGdprApplies = tcf.gdprApplies;
  if (tcf?.eventStatus) signals.tcfEventStatus = tcf.eventStatus;
  return signals;
}

/** A half-size JPEG of the viewport: evidence a reader can look at, small enough for thousands of sites. */
async function shoot(cdp: CDPSession | undefined, into: Screenshot[], pageIndex: number, moment: Screenshot['moment']): Promise<void> {
  if (!cdp) return;
  const shot = await withTimeout(
    cdp.send('Page.captureScreenshot', {
      format: 'jpeg',
      quality: 55,
      clip: { x: 0, y: 0, width: VIEWPORT.width, height: VIEWPORT.height, scale: 0.5 },
    }) as Promise<{ data: string }>,
    5000,
  );
  if (shot?.data) into.push({ pageIndex, moment, mimeType: 'image/jpeg', data: Buffer.from(shot.data, 'base64') });
}

/** Waits until the minimum dwell has passed and no request started for `quietMs`, or the deadline. */
export async function waitForQuiet(
  network: { lastActivity: number },
  minUntil: number,
  quietMs: number,
  deadline: number,
  signal?: AbortSignal,
): Promise<'quiet' | 'deadline'> {
  for (;;) {
    const now = Date.now();
    // A stopped scan has nothing left to wait for: its context is closed.
    if (now >= deadline || signal?.aborted) return 'deadline';
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
