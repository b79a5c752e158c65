import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { launchBrowser, newVisitorContext } from '../../src/browser/launch.js';
import { FAST, phaseView, readDb, runCli, tempDb, type CliResult } from './helpers.js';

// The scan runs a headless shell when one is installed; a full Chromium (new headless mode) must keep
// working when named with --browser, and see what the shell sees. Its profile blocks third-party
// cookies unless our preferences say otherwise, so this is where that setting is proven.
const playwrightFull = (() => {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
})();
const full = [playwrightFull, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
  (p): p is string => p !== undefined && existsSync(p),
);
const SITE = 'https://www.embedveen.nl/';

let server: FixtureServer;
let current: 'full' | 'default' | undefined;
const clientHints: Record<'full' | 'default', Array<{ host: string; secChUa: string }>> = { full: [], default: [] };
const runs: Record<'full' | 'default', { result: CliResult; dbPath: string }> = {} as never;

beforeAll(async () => {
  server = await startFixtureServer({
    onRequest: (host, headers) => {
      if (current) clientHints[current].push({ host, secChUa: String(headers['sec-ch-ua'] ?? '') });
    },
  });
  for (const which of ['full', 'default'] as const) {
    if (which === 'full' && !full) continue;
    const dbPath = tempDb();
    const browser = which === 'full' && full ? ['--browser', full] : [];
    const args = ['scan', SITE, '--db', dbPath, '--host-resolver-rules', server.hostResolverRules, '--ignore-https-errors'];
    current = which;
    runs[which] = { dbPath, result: await runCli([...args, '--phases', 'pre', '--pages', '0', ...browser, ...FAST]) };
    current = undefined;
  }
}, 240_000);

afterAll(async () => {
  await server?.close();
});

describe.skipIf(!full)(`a full Chromium named with --browser (${full ?? 'none installed'})`, () => {
  it('scans, and says which browser it was', () => {
    const { result, dbPath } = runs.full;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Chromium \d+\.\d+\.\d+\.\d+; 1 browser start\(s\)$/m);
    const db = readDb(dbPath);
    expect(db.prepare('SELECT browser_path, cookie_controls_mode FROM runs').get()).toEqual({ browser_path: full, cookie_controls_mode: 0 });
    db.close();
  });

  it('gets the third-party cookies a visitor\'s Chrome accepts (its own default would block them)', () => {
    const db = readDb(runs.full.dbPath);
    const yt = phaseView(db, SITE, 'pre').cookies.filter((c) => c.domain === '.youtube.com');
    db.close();
    expect(yt.length).toBeGreaterThan(0);
    for (const c of yt) expect(c).toMatchObject({ party: 'third-party', setter: 'http' });
  });

  it('records the same cookies and third-party hosts as the default browser', () => {
    const seen = (dbPath: string) => {
      const db = readDb(dbPath);
      const v = phaseView(db, SITE, 'pre');
      db.close();
      return {
        cookies: [...new Set(v.cookies.map((c) => `${String(c.domain)} ${String(c.name)}`))].sort(),
        thirdPartyHosts: [...new Set(v.requests.filter((r) => r.party === 'third-party').map((r) => String(r.host)))].sort(),
      };
    };
    expect(runs.default.result.code).toBe(0);
    expect(seen(runs.full.dbPath)).toEqual(seen(runs.default.dbPath));
  });
});

describe('the default browser', () => {
  it('sends the client hints of a visitor\'s Chromium, without a "HeadlessChrome" brand', () => {
    expect(runs.default.result.code).toBe(0);
    const sent = clientHints.default.filter((h) => h.secChUa !== '');
    // The page and its YouTube embed, first and third party alike, and the privacy statement read afterwards.
    const hosts = new Set(sent.map((h) => h.host));
    expect(hosts.has('www.embedveen.nl') && hosts.has('www.youtube.com'), [...hosts].join(' ')).toBe(true);
    expect(sent.every((h) => /"Chromium";v="\d+"/.test(h.secChUa)), JSON.stringify(sent[0])).toBe(true);
    expect(sent.filter((h) => /headless/i.test(h.secChUa))).toEqual([]);
  });
});

describe('pop-ups in the default browser', () => {
  it('opens a window only after a click, as Chrome\'s pop-up blocker does (the headless shell has none of its own)', async () => {
    const launched = await launchBrowser({ hostResolverRules: server.hostResolverRules });
    try {
      const context = await newVisitorContext(launched, { ignoreHttpsErrors: true });
      const opened: string[] = [];
      const page = await context.newPage();
      context.on('page', (p) => opened.push(p.url() || 'about:blank'));
      // Popupstad opens a DoubleClick window as it loads, and one per banner button when clicked.
      await page.goto('https://www.popupstad.nl/', { waitUntil: 'load' });
      await page.waitForTimeout(1500);
      expect(opened).toEqual([]);
      // A script's click on a link into a new window, without a user's activation, is blocked too.
      await page.evaluate(() => {
        const a = Object.assign(document.createElement('a'), { href: 'https://www.popupstad.nl/nieuw', target: '_blank' });
        document.body.append(a);
        setTimeout(() => a.click(), 6000);
      });
      await page.waitForTimeout(7000);
      expect(opened).toEqual([]);
      const popup = context.waitForEvent('page');
      await page.click('[data-keuze="accepted"]');
      await popup;
      expect(opened).toHaveLength(1);
    } finally {
      await launched.close();
    }
  }, 60_000);
});
