import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { chromium } from 'playwright';

/**
 * - `headless-shell`: Chromium's headless shell, the same engine (Blink, V8, network stack) without the
 *   Chrome browser layer around it; what Playwright itself runs for headless Chromium.
 * - `chromium`: a full Chromium or Chrome, run in its new headless mode.
 */
export type BrowserKind = 'headless-shell' | 'chromium';

export interface BrowserLocation {
  path: string;
  /** How it was found: named by the user, Playwright's own download, or the system's Chromium. */
  source: 'option' | 'env' | 'playwright' | 'system';
  kind: BrowserKind;
}

// The headless shell first: measured here, a fresh context costs it about a tenth of the CPU it costs
// a full Chromium, and a scan opens three per site (README, Benchmark).
const SYSTEM_CANDIDATES = [
  // Debian's chromium-headless-shell; /usr/bin/chromium-headless-shell is a shell wrapper around it
  // that does not exec, so a signal to the browser process would reach the wrapper only.
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export class BrowserNotFoundError extends Error {}

export const BROWSER_INSTALL_HELP =
  'Install one of: Playwright\'s Chromium (`npx playwright install chromium`, needs internet), ' +
  'or your system\'s Chromium (Debian/Ubuntu: `apt-get install chromium-headless-shell` or `apt-get install chromium`); ' +
  'or name a Chromium/Chrome binary with --browser <path> or COOKIEWATCH_BROWSER.';

/** What kind of browser a binary is, by its file name (`headless_shell`, `chrome-headless-shell`, `chromium-headless-shell`). */
export function browserKindOf(path: string): BrowserKind {
  return /headless[-_]shell/i.test(basename(path)) ? 'headless-shell' : 'chromium';
}

/** "Chromium 156.0.8078.108 (headless shell)": the browser as a run's record and its reader name it. */
export function browserLabel(version: string, path: string): string {
  return `Chromium ${version}${browserKindOf(path) === 'headless-shell' ? ' (headless shell)' : ''}`;
}

/**
 * Order: explicit option, COOKIEWATCH_BROWSER, Playwright's own browsers (its headless shell, then its
 * Chromium), then the system's (a headless shell, then a full Chromium or Chrome).
 * An explicit path that does not exist is an error rather than a silent fallback: the user asked for it.
 */
export function findBrowser(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  exists: (p: string) => boolean = existsSync,
  playwrightPaths: () => string[] = defaultPlaywrightPaths,
): BrowserLocation {
  const at = (path: string, source: BrowserLocation['source']): BrowserLocation => ({ path, source, kind: browserKindOf(path) });
  if (explicit) {
    if (!exists(explicit)) throw new BrowserNotFoundError(`--browser ${explicit}: no such file. ${BROWSER_INSTALL_HELP}`);
    return at(explicit, 'option');
  }
  const fromEnv = env.COOKIEWATCH_BROWSER;
  if (fromEnv) {
    if (!exists(fromEnv)) throw new BrowserNotFoundError(`COOKIEWATCH_BROWSER=${fromEnv}: no such file. ${BROWSER_INSTALL_HELP}`);
    return at(fromEnv, 'env');
  }
  for (const own of playwrightPaths()) if (exists(own)) return at(own, 'playwright');
  for (const candidate of SYSTEM_CANDIDATES) if (exists(candidate)) return at(candidate, 'system');
  throw new BrowserNotFoundError(`No Chromium found. ${BROWSER_INSTALL_HELP}`);
}

/**
 * Where Playwright's download of its headless shell would be, next to its Chromium:
 * `…/chromium-1255/chrome-linux64/chrome` → `…/chromium_headless_shell-1255/chrome-headless-shell-linux64/chrome-headless-shell`.
 */
export function playwrightHeadlessShellPath(chromiumPath: string): string | undefined {
  const m = /^(.*[\\/])chromium-(\d+)[\\/]chrome-([^\\/]+)[\\/]/.exec(chromiumPath);
  if (!m) return undefined;
  const sep = chromiumPath.includes('\\') ? '\\' : '/';
  const exe = m[3]!.startsWith('win') ? 'chrome-headless-shell.exe' : 'chrome-headless-shell';
  return `${m[1]}chromium_headless_shell-${m[2]}${sep}chrome-headless-shell-${m[3]}${sep}${exe}`;
}

function defaultPlaywrightPaths(): string[] {
  let full: string;
  try {
    full = chromium.executablePath();
  } catch {
    return [];
  }
  const shell = playwrightHeadlessShellPath(full);
  return shell ? [shell, full] : [full];
}
