import type { BrowserContext, CDPSession, Dialog, Page, Request } from 'playwright';
import { newVisitorContext, newVisitorPage, VIEWPORT, type LaunchedBrowser } from '../browser/launch.js';
import { googleConsentMode } from '../observe/consent-mode.js';
import { collectCookieJar } from '../observe/cookies.js';
import { MAX_REQUESTS_PER_PHASE, NetworkCollector } from '../observe/network.js';
import { registrableDomain, hostOf } from '../observe/party.js';
import { MAX_COOKIE_WRITES, ScriptCookieCollector } from '../observe/script-cookies.js';
import { StorageCollector } from '../observe/storage.js';
import { attachConsentEngine } from '../consent/index.js';
import type {
  ConsentObservation,
  ConsentSignals,
  PageEvent,
  PageVisit,
  PhaseName,
  PhaseObservations,
  Screenshot,
} from '../observe/types.js';
import { chooseSubpages, type PageLink } from './subpages.js';
import { sleep, withTimeout } from '../util/time.js';

export interface VisitOptions {
  /** Stay at least this long on a phase's start page: late tags (timers, idle callbacks) must get their chance. */
  minDwellMs: number;
  /**
   * The same for the later pages of a phase (reload, subpages), capped by minDwellMs: the site's late
   * tags have had their chance on the start page, and scrolling plus the quiet window follow anyway.
   */
  pageDwellMs: number;
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
  pageDwellMs: 2000,
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
  /**
   * `afterwards` ran, on observations already complete: an abort during it leaves them whole.
   */
  sealed?: boolean;
}

/**
 * Runs in the phase's page once its observations are sealed (network capture detached, everything
 * copied), when the phase succeeded: later work such as reading privacy statements then needs no
 * fresh context (each costs a renderer process, about a second of CPU).
 */
export type Afterwards = (page: Page, phase: { links?: PageLink[]; finalUrl?: string }) => Promise<void>;

/** Pop-ups beyond this many in one phase are closed at once: a page opening windows in a loop. */
export const MAX_POPUPS = 5;
/** How long a page may take to answer a trivial question before it counts as frozen. */
export const RESPONSIVE_MS = 10_000;

/** A later page of the phase froze: what was seen so far stands, the remaining pages are skipped. */
class StopVisits extends Error {}

/** Thrown when the page's renderer died: the phase cannot go on, and the site is to blame. */
class PageCrashed extends Error {
  constructor() {
    super('the page crashed: its renderer process died (out of memory, or killed)');
  }
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
  afterwards?: Afterwards,
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
  const events: PageEvent[] = [];
  let chatter = 0;
  const addEvent = (kind: PageEvent['kind'], detail: string): PageEvent => {
    const ev: PageEvent = { kind, pageIndex, timeMs: Date.now() - phaseStart, detail: clip(detail) };
    // A page may loop on alert() or window.open(); a crash or a frozen page is always worth its line.
    const repeatable = kind === 'dialog' || kind === 'popup' || kind === 'download';
    if (!repeatable || chatter++ < 200) events.push(ev);
    return ev;
  };
  let crashed = false;
  let stoppedEarly = false;
  let mainPage: Page | undefined;

  try {
    context = await newVisitorContext(launched, { ignoreHttpsErrors: opts.ignoreHttpsErrors });
    // A deadline or an interrupt closes the context: every pending browser call then fails at once.
    const opened = context;
    if (signal?.aborted) await opened.close().catch(() => undefined);
    signal?.addEventListener('abort', () => void opened.close().catch(() => undefined), { once: true });
    await scriptCookies.attach(context);
    const engine = await attachConsentEngine(context, phase === 'pre' ? 'detect' : phase);
    const page = await newVisitorPage(context, launched);
    mainPage = page;
    scriptCookies.onlyFrom(page);
    page.on('crash', () => {
      crashed = true;
      addEvent('crash', 'the renderer process of the page died');
    });
    page.on('download', (d) => void addEvent('download', `refused: ${d.url()}`));
    watchPage(context, page, network, addEvent, phase);
    cdp = await context.newCDPSession(page);
    const session = cdp;
    await network.attach(session);

    const next = async (url: string, kind: PageVisit['kind'], answer?: (navigationStart: number) => Promise<void>) => {
      network.setPageIndex(pageIndex);
      const { frozen, ...visit } = await visitPage(page, session, network, url, pageIndex, kind, phaseStart, opts, answer, signal);
      pages.push(visit);
      // A dead renderer makes every later step fail or see nothing: say so, rather than judge an empty page.
      if (crashed) throw new PageCrashed();
      if (frozen) {
        addEvent('unresponsive', visit.error ?? 'the page stopped responding');
        // A frozen start page leaves nothing to judge; a frozen later page ends the phase's visits early.
        if (kind === 'start') throw new Error(visit.error);
        throw new StopVisits();
      }
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
    // Later pages need no banner detection: autoconsent and our watcher would only cost CPU there.
    await engine.finish();
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
    if (err instanceof StopVisits) stoppedEarly = true;
    else error = crashed ? new PageCrashed().message : messageOf(err);
  }
  if (network.dropped > 0) addEvent('overflow', `${network.dropped} requests beyond the first ${MAX_REQUESTS_PER_PHASE} were not recorded`);
  if (scriptCookies.dropped > 0) {
    addEvent('overflow', `${scriptCookies.dropped} cookie writes by script beyond the first ${MAX_COOKIE_WRITES} were not recorded`);
  }

  const cookieEvents = [...network.httpCookieEvents(), ...scriptCookies.scriptCookieEvents()].sort(
    (a, b) => a.timeMs - b.timeMs,
  );
  let cookies: PhaseObservations['cookies'] = [];
  if (context) {
    cookies =
      (await withTimeout(collectCookieJar(context, cdp, siteDomain, cookieEvents, opts.storeValues), 10000)) ?? [];
  }
  const requests = network.requests(siteDomain);
  const observations: PhaseObservations = {
    phase,
    startedAt,
    endedAt: new Date().toISOString(),
    status: error ? 'failed' : 'ok',
    pages: [...pages],
    requests,
    cookies,
    cookieEvents,
    storage: storage.storage(siteDomain),
    consent,
    signals: { ...signals, ...googleConsentMode(requests) },
    screenshots: [...screenshots],
    // Copies: a pop-up still open would otherwise rewrite its event's address later.
    events: events.map((e) => ({ ...e })),
  };
  if (error) observations.error = error;
  const startStatus = pages[0]?.status;
  let sealed = false;
  // Not on a page that froze (it would hold up every statement) or that failed.
  const usable = !error && !crashed && !stoppedEarly && (startStatus === undefined || startStatus < 400);
  if (context && mainPage && afterwards && usable && !signal?.aborted) {
    // Sealed: nothing the page does from here reaches the phase's record.
    sealed = true;
    await withTimeout(cdp?.detach() ?? Promise.resolve(), 2000);
    for (const other of context.pages()) if (other !== mainPage) await other.close().catch(() => undefined);
    await afterwards(mainPage, { ...(links ? { links } : {}), ...(finalUrl ? { finalUrl } : {}) }).catch(() => undefined);
  }
  if (context) await withTimeout(context.close(), 10000);
  return {
    observations,
    siteDomain,
    ...(links ? { links } : {}),
    ...(finalUrl ? { finalUrl } : {}),
    ...(sealed ? { sealed } : {}),
  };
}

/**
 * Load, dwell until quiet, (answer the banner), scroll down and back, quiet again. `atBanner` runs
 * after the first quiet period, when a visitor would have read the page and seen the banner.
 */
async function visitPage(
  page: Page,
  cdp: CDPSession,
  network: NetworkCollector,
  url: string,
  pageIndex: number,
  kind: PageVisit['kind'],
  phaseStart: number,
  opts: VisitOptions,
  atBanner?: (navigationStart: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<PageVisit & { frozen?: boolean }> {
  const started = Date.now();
  const deadline = started + opts.visitTimeoutMs;
  const visit: PageVisit & { frozen?: boolean } = { pageIndex, kind, url, startedMs: started - phaseStart, endedMs: 0 };
  const end = (error?: string) => {
    if (error) visit.error = error;
    visit.endedMs = Date.now() - phaseStart;
    return visit;
  };
  try {
    // domcontentloaded, not load: one hanging image must not cost the whole visit.
    const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: opts.visitTimeoutMs });
    if (response) visit.status = response.status();
    visit.finalUrl = page.url();
    // A PDF or an image as the start page is no web page to judge: "no trackers" would be a false clean.
    const type = response?.headers()['content-type'];
    if (kind === 'start' && response && response.status() < 400 && type && !isWebPage(type)) {
      return end(`the start URL is not a web page but ${clip(type.split(';')[0]!.trim(), 100)}`);
    }
  } catch (err) {
    const msg = messageOf(err);
    return end(/download is starting/i.test(msg) ? 'the start URL is a download, not a web page' : msg);
  }
  // A page whose script keeps its main thread busy shows nothing and answers nothing: looking for a
  // banner there would only find "no banner", so the visit ends as a frozen page.
  const frozen = async () => {
    // Only silence counts: an answer that fails (the page navigated or reloaded itself) is asked again.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (signal?.aborted || page.isClosed()) return false;
      const answer = await answerWithin(cdp, RESPONSIVE_MS);
      if (answer !== 'silent') {
        if (answer === 'answered') return false;
        await sleep(300);
        continue;
      }
      visit.frozen = true;
      return true;
    }
    return false;
  };
  const frozenMessage = () => `the page stopped responding: a script kept it busy (no answer within ${RESPONSIVE_MS / 1000} s)`;
  const dwell = kind === 'start' ? opts.minDwellMs : Math.min(opts.pageDwellMs, opts.minDwellMs);
  await waitForQuiet(network, started + dwell, opts.quietMs, deadline, signal);
  if (await frozen()) return end(frozenMessage());
  if (atBanner) {
    await atBanner(started);
    if (await frozen()) return end(frozenMessage());
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

/**
 * Whether the page's main thread answers a trivial question within `ms`, asked on the phase's own CDP
 * session without a user gesture: Playwright's evaluate counts as one and would let pending pop-ups through.
 */
async function answerWithin(cdp: CDPSession, ms: number): Promise<'answered' | 'failed' | 'silent'> {
  const call = cdp.send('Runtime.evaluate', { expression: '1', returnByValue: true, userGesture: false }).then(
    () => 'answered' as const,
    () => 'failed' as const,
  );
  return (await withTimeout(call, ms)) ?? 'silent';
}

/** HTML (or XHTML) is a web page; PDFs, images, downloads are not. */
function isWebPage(contentType: string): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType);
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Dialogs are answered like a visitor who wants to read the site (alerts closed, questions declined,
 * "leave this page?" confirmed, so the scan can go on) and recorded. Pop-ups are recorded and their
 * requests belong to the phase; a page that opens windows in a loop gets its extra ones closed.
 */
function watchPage(
  context: BrowserContext,
  main: Page,
  network: NetworkCollector,
  addEvent: (kind: PageEvent['kind'], detail: string) => PageEvent,
  phase: PhaseName,
): void {
  context.on('dialog', (dialog: Dialog) => {
    const type = dialog.type();
    addEvent('dialog', `${type}: ${dialog.message()}`);
    const answer = type === 'alert' || type === 'beforeunload' ? dialog.accept() : dialog.dismiss();
    answer.catch(() => undefined);
  });
  let popups = 0;
  context.on('page', (popup) => {
    if (popup === main) return;
    popups++;
    // Before consent nothing is clicked, so a visitor's browser would have blocked any pop-up (ours can
    // let one through: Playwright's calls count as user activation). Too many pop-ups is a loop.
    const why = phase === 'pre' ? 'opened without a click' : popups > MAX_POPUPS ? `more than ${MAX_POPUPS} pop-ups` : undefined;
    if (why) {
      addEvent('popup', `closed at once (${why}): ${popup.url()}`);
      void popup.close().catch(() => undefined);
      return;
    }
    // Recorded once it goes somewhere (it may have by now): a pop-up the browser blocked never does.
    let ev: PageEvent | undefined;
    const went = (url: string) => {
      if (url === 'about:blank' || url === '') return;
      if (ev) ev.detail = clip(url);
      else ev = addEvent('popup', url);
    };
    went(popup.url());
    popup.on('framenavigated', (frame) => {
      if (frame === popup.mainFrame()) went(frame.url());
    });
  });
  const ofPopup = (req: Request): boolean => {
    try {
      return req.frame().page() !== main;
    } catch {
      // No frame yet: a pop-up's first document request (the main page's frames all exist by then).
      // A service worker's request has no frame either, and is not a navigation.
      return req.isNavigationRequest() && !req.serviceWorker();
    }
  };
  context.on('request', (req) => {
    if (!ofPopup(req)) return;
    let frameUrl: string | undefined;
    try {
      frameUrl = req.frame().url();
    } catch {
      frameUrl = undefined;
    }
    const redirectedFrom = req.redirectedFrom() ?? undefined;
    network.popupRequest(req, {
      url: req.url(),
      method: req.method(),
      resourceType: req.resourceType(),
      ...(frameUrl ? { frameUrl } : {}),
      ...(redirectedFrom ? { redirectedFrom } : {}),
    });
  });
  context.on('response', (res) => {
    if (!ofPopup(res.request())) return;
    network.popupResponse(res.request(), res.status(), res.headers()['content-type']?.split(';')[0]);
  });
  context.on('requestfailed', (req) => {
    if (ofPopup(req)) network.popupFailed(req, req.failure()?.errorText ?? 'failed');
  });
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
