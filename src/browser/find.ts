import { existsSync } from 'node:fs';
import { chromium } from 'playwright';

export interface BrowserLocation {
  path: string;
  /** How it was found: named by the user, Playwright's own download, or the system's Chromium. */
  source: 'option' | 'env' | 'playwright' | 'system';
}

const SYSTEM_CANDIDATES = [
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
  'or your system\'s Chromium (Debian/Ubuntu: `apt-get install chromium`); ' +
  'or name a Chromium/Chrome binary with --browser <path> or COOKIEWATCH_BROWSER.';

/**
 * Order: explicit option, COOKIEWATCH_BROWSER, Playwright's own Chromium, then a system Chromium.
 * An explicit path that does not exist is an error rather than a silent fallback: the user asked for it.
 */
export function findBrowser(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  exists: (p: string) => boolean = existsSync,
  playwrightPath: () => string | undefined = defaultPlaywrightPath,
): BrowserLocation {
  if (explicit) {
    if (!exists(explicit)) throw new BrowserNotFoundError(`--browser ${explicit}: no such file. ${BROWSER_INSTALL_HELP}`);
    return { path: explicit, source: 'option' };
  }
  const fromEnv = env.COOKIEWATCH_BROWSER;
  if (fromEnv) {
    if (!exists(fromEnv)) throw new BrowserNotFoundError(`COOKIEWATCH_BROWSER=${fromEnv}: no such file. ${BROWSER_INSTALL_HELP}`);
    return { path: fromEnv, source: 'env' };
  }
  const own = playwrightPath();
  if (own && exists(own)) return { path: own, source: 'playwright' };
  for (const candidate of SYSTEM_CANDIDATES) {
    if (exists(candidate)) return { path: candidate, source: 'system' };
  }
  throw new BrowserNotFoundError(`No Chromium found. ${BROWSER_INSTALL_HELP}`);
}

function defaultPlaywrightPath(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}
