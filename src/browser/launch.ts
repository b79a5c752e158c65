import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { findBrowser, type BrowserLocation } from './find.js';
import { withTimeout } from '../util/time.js';

export interface LaunchOptions {
  /** Explicit browser binary (`--browser`); otherwise found by `findBrowser`. */
  browserPath?: string;
  /** Passed to Chromium as `--host-resolver-rules`, like curl's `--resolve`: for test servers and intranets. */
  hostResolverRules?: string;
  headless?: boolean;
  /** Extra Chromium switches, appended last. */
  extraArgs?: string[];
}

export interface LaunchedBrowser {
  browser: Browser;
  location: BrowserLocation;
  version: string;
  /** Chromium's third-party cookie setting in the profile every context inherits (0 = allowed). */
  cookieControlsMode: number;
  userAgent: string;
  /** The browser's own client hints without a "HeadlessChrome" brand, when it could tell them. */
  userAgentMetadata?: UserAgentMetadata;
  close(): Promise<void>;
}

/** CDP's `Emulation.UserAgentMetadata`: what `Sec-CH-UA*` headers and `navigator.userAgentData` say. */
export interface UserAgentMetadata {
  brands?: Array<{ brand: string; version: string }>;
  fullVersionList?: Array<{ brand: string; version: string }>;
  platform: string;
  platformVersion: string;
  architecture: string;
  model: string;
  mobile: boolean;
  bitness?: string;
  wow64?: boolean;
}

// A typical Chrome visitor allows third-party cookies; Chromium's default profile here blocks them.
export const COOKIE_CONTROLS_MODE_ALLOW_ALL = 0;

/**
 * Features switched off. Chromium keeps only the last `--disable-features`, so this list replaces
 * Playwright's own; it keeps Playwright's quiet-startup entries but not ThirdPartyStoragePartitioning,
 * because a real visitor's Chrome partitions third-party storage and we want to see what they see.
 * - TrackingProtection3pcd: third-party-cookie experiments must not hide third-party cookies.
 * - IsolateOrigins, site-per-process: cross-site iframes stay in the page's process, so one CDP session
 *   per page sees every frame's requests from the first byte (network behaviour is unchanged).
 */
const DISABLED_FEATURES = [
  'TrackingProtection3pcd',
  'IsolateOrigins',
  'site-per-process',
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'MediaRouter',
  'DialMediaRouteProvider',
  'Translate',
  'LensOverlay',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'AvoidCorsURLLoaderRestartOnRedirect',
];

/** The cap on one renderer's JavaScript heap, in MB. */
export const PAGE_HEAP_MB = 1024;

export function chromiumArgs(opts: LaunchOptions, isRoot: boolean): string[] {
  const args = [
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    // navigator.webdriver stays false: some CMPs and trackers hide from automation.
    '--disable-blink-features=AutomationControlled',
    '--disable-site-isolation-trials',
    `--disable-features=${DISABLED_FEATURES.join(',')}`,
    // One page's JavaScript may hold at most 1 GiB (a municipal page needs tens of MB): a page that
    // eats memory dies alone, as a page crash, before it starves the machine and the sites beside it.
    `--js-flags=--max-old-space-size=${PAGE_HEAP_MB}`,
  ];
  // Chromium's sandbox cannot start as root; as any other user it stays on.
  if (isRoot) args.push('--no-sandbox');
  if (opts.hostResolverRules) args.push(`--host-resolver-rules=${opts.hostResolverRules}`);
  args.push(...(opts.extraArgs ?? []));
  return args;
}

/**
 * A desktop Chrome user agent for this Chromium version, without "HeadlessChrome". It keeps the real
 * platform (Linux) so that the user agent, navigator.platform and client hints agree.
 */
export function visitorUserAgent(browserVersion: string): string {
  const major = browserVersion.split('.')[0] ?? '120';
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

/**
 * The client hints a visitor's browser of this build would send: the headless shell adds a
 * "HeadlessChrome" brand to `Sec-CH-UA` on every request, which a full Chromium does not; it is
 * dropped, like "HeadlessChrome" in the user agent. Anything unexpected gives undefined (no override).
 */
export function visitorUserAgentMetadata(raw: unknown): UserAgentMetadata | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const list = (v: unknown) =>
    Array.isArray(v)
      ? v
          .filter((b): b is { brand: string; version: string } => typeof b?.brand === 'string' && typeof b?.version === 'string')
          .filter((b) => !/headless/i.test(b.brand))
          .map((b) => ({ brand: b.brand, version: b.version }))
      : undefined;
  const brands = list(r.brands);
  if (!brands?.length || typeof r.platform !== 'string') return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const fullVersionList = list(r.fullVersionList);
  return {
    brands,
    ...(fullVersionList?.length ? { fullVersionList } : {}),
    platform: r.platform,
    platformVersion: text(r.platformVersion),
    architecture: text(r.architecture),
    model: text(r.model),
    mobile: r.mobile === true,
    ...(typeof r.bitness === 'string' ? { bitness: r.bitness } : {}),
    ...(typeof r.wow64 === 'boolean' ? { wow64: r.wow64 } : {}),
  };
}

const clientHintsOf = new Map<string, UserAgentMetadata>();

/** Asks the browser for its client hints, in a page served by Playwright itself (nothing goes out). */
async function readUserAgentMetadata(context: BrowserContext): Promise<UserAgentMetadata | undefined> {
  const page = await context.newPage();
  try {
    // userAgentData exists only in secure contexts, so an https page; the route answers it locally.
    await page.route('**/*', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>ua</title>' }).catch(() => undefined),
    );
    await page.goto('https://client-hints.cookiewatch.invalid/', { timeout: 25_000 });
    const raw = await page.evaluate(async () => {
      const data = (navigator as Navigator & { userAgentData?: { brands: unknown; mobile: boolean; getHighEntropyValues(h: string[]): Promise<Record<string, unknown>> } }).userAgentData;
      if (!data) return undefined;
      const high = await data.getHighEntropyValues(['fullVersionList', 'platform', 'platformVersion', 'architecture', 'bitness', 'model', 'wow64']);
      return { ...high, brands: data.brands, mobile: data.mobile };
    });
    return visitorUserAgentMetadata(raw);
  } catch {
    return undefined;
  } finally {
    await page.unrouteAll({ behavior: 'ignoreErrors' }).catch(() => undefined);
    await page.close().catch(() => undefined);
  }
}

/**
 * Launches Chromium on a throw-away profile whose preferences allow third-party cookies.
 * New contexts made from `browser.newContext()` inherit that setting, unlike contexts of a plain launch.
 */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const location = findBrowser(opts.browserPath);
  const userDataDir = mkdtempSync(join(tmpdir(), 'cookiewatch-profile-'));
  mkdirSync(join(userDataDir, 'Default'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: COOKIE_CONTROLS_MODE_ALLOW_ALL } }),
  );
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let persistent: BrowserContext;
  try {
    persistent = await chromium.launchPersistentContext(userDataDir, {
      executablePath: location.path,
      headless: opts.headless ?? true,
      chromiumSandbox: !isRoot,
      args: chromiumArgs(opts, isRoot),
      // A visitor's browser blocks pop-ups not opened by a click; Playwright's default lets them all
      // through, and the traffic of a pop-up no visitor would see must not count against a site.
      ignoreDefaultArgs: ['--disable-popup-blocking'],
      // The scan decides what a signal means (finish the sites in flight, record them); Playwright's
      // default would kill the browser under them.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`Could not start Chromium at ${location.path}: ${firstLine(err)}`);
  }
  const discard = async () => {
    await persistent.close().catch(() => undefined);
    rmSync(userDataDir, { recursive: true, force: true });
  };
  const browser = persistent.browser();
  if (!browser) {
    await discard();
    throw new Error('Chromium started without a browser handle');
  }
  const version = browser.version();
  // Read once per binary and version: a browser started beside 30 busy scans may be slow to answer.
  const key = `${location.path}\n${version}`;
  let userAgentMetadata = clientHintsOf.get(key);
  if (!userAgentMetadata) {
    userAgentMetadata = await withTimeout(readUserAgentMetadata(persistent), 30_000);
    if (userAgentMetadata) clientHintsOf.set(key, userAgentMetadata);
  }
  // Without them the shell would announce "HeadlessChrome" on every request: a failed start, retried.
  if (!userAgentMetadata && location.kind === 'headless-shell') {
    await discard();
    throw new Error(`Could not read the client hints of ${location.path}`);
  }
  let closed = false;
  return {
    browser,
    location,
    version,
    // A headless shell reads no profile preferences: it always accepts third-party cookies.
    cookieControlsMode: COOKIE_CONTROLS_MODE_ALLOW_ALL,
    userAgent: visitorUserAgent(version),
    ...(userAgentMetadata ? { userAgentMetadata } : {}),
    async close() {
      if (closed) return;
      closed = true;
      await discard();
    },
  };
}

export interface VisitorContextOptions {
  ignoreHttpsErrors?: boolean;
}

export const VIEWPORT = { width: 1366, height: 768 } as const;

export const VISITOR_LOCALE = 'nl-NL';

/**
 * A new page of a visitor context, with the visitor's client hints (see `visitorUserAgentMetadata`).
 * Playwright sets the user agent with hints of its own that keep the browser's brands; these replace
 * them, through a CDP session of their own that lasts as long as the page (a session's overrides end
 * when it is detached, and the network session is, before the privacy statements are read).
 */
export async function newVisitorPage(context: BrowserContext, launched: LaunchedBrowser): Promise<Page> {
  const page = await context.newPage();
  if (launched.userAgentMetadata) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setUserAgentOverride', {
      userAgent: launched.userAgent,
      acceptLanguage: VISITOR_LOCALE,
      userAgentMetadata: launched.userAgentMetadata,
    });
  }
  return page;
}

/**
 * Chrome's pop-up blocker, for the headless shell, which has none: a new window opens only while the
 * page has a user's activation (a click), from `window.open` or from a script's click on a link into a
 * new window. Without it a pop-up no visitor's Chrome would open could set cookies in the jar we judge.
 * Runs in every frame before the page's own scripts.
 */
function popupBlocker(): void {
  const activation = navigator.userActivation;
  if (!activation) return;
  const open = window.open;
  window.open = function (this: Window, ...args: Parameters<typeof window.open>) {
    return activation.isActive ? open.apply(this, args) : null;
  } as typeof window.open;
  const ownWindow = ['', '_self', '_parent', '_top'];
  document.addEventListener(
    'click',
    (e) => {
      if (e.isTrusted || activation.isActive) return;
      const link = e.target instanceof Element ? e.target.closest('a[target], area[target]') : null;
      if (link && !ownWindow.includes((link.getAttribute('target') ?? '').toLowerCase())) e.preventDefault();
    },
    true,
  );
}

/** A fresh context (empty cookies and storage) that looks like a Dutch desktop visitor. */
export async function newVisitorContext(
  launched: LaunchedBrowser,
  opts: VisitorContextOptions = {},
): Promise<BrowserContext> {
  const context = await launched.browser.newContext({
    locale: VISITOR_LOCALE,
    timezoneId: 'Europe/Amsterdam',
    viewport: { ...VIEWPORT },
    userAgent: launched.userAgent,
    ignoreHTTPSErrors: opts.ignoreHttpsErrors ?? false,
    // Nothing a site sends is written to our disk: a download is refused (and a start URL that is one fails).
    acceptDownloads: false,
  });
  if (launched.location.kind === 'headless-shell') await context.addInitScript(popupBlocker);
  return context;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}
