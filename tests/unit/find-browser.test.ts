import { describe, expect, it } from 'vitest';
import { BrowserNotFoundError, browserKindOf, browserLabel, findBrowser, playwrightHeadlessShellPath } from '../../src/browser/find.js';

const has = (...paths: string[]) => (p: string) => paths.includes(p);

describe('findBrowser', () => {
  it('an explicit option wins over everything', () => {
    expect(findBrowser('/opt/c', { COOKIEWATCH_BROWSER: '/env/c' }, has('/opt/c', '/env/c', '/usr/bin/chromium'), () => ['/pw/c'])).toEqual({
      path: '/opt/c',
      source: 'option',
      kind: 'chromium',
    });
  });
  it('then the environment variable, then Playwright\'s own, then the system', () => {
    expect(findBrowser(undefined, { COOKIEWATCH_BROWSER: '/env/c' }, has('/env/c', '/pw/c'), () => ['/pw/c']).source).toBe('env');
    expect(findBrowser(undefined, {}, has('/pw/c', '/usr/bin/chromium'), () => ['/pw/c'])).toEqual({ path: '/pw/c', source: 'playwright', kind: 'chromium' });
    expect(findBrowser(undefined, {}, has('/usr/bin/chromium'), () => ['/pw/not-installed'])).toEqual({
      path: '/usr/bin/chromium',
      source: 'system',
      kind: 'chromium',
    });
  });
  it('a named browser that does not exist is an error, not a silent fallback', () => {
    expect(() => findBrowser('/nope', {}, has('/usr/bin/chromium'), () => [])).toThrow(/--browser \/nope: no such file/);
    expect(() => findBrowser(undefined, { COOKIEWATCH_BROWSER: '/nope' }, has('/usr/bin/chromium'), () => [])).toThrow(
      /COOKIEWATCH_BROWSER/,
    );
  });
  it('prefers a headless shell within each source: Playwright\'s, then the system\'s', () => {
    const pw = ['/pw/chromium_headless_shell-1/chrome-headless-shell-linux64/chrome-headless-shell', '/pw/chromium-1/chrome-linux64/chrome'];
    expect(findBrowser(undefined, {}, has(...pw, '/usr/lib/chromium/chromium-headless-shell'), () => pw)).toEqual({
      path: pw[0],
      source: 'playwright',
      kind: 'headless-shell',
    });
    expect(findBrowser(undefined, {}, has(pw[1]!, '/usr/lib/chromium/chromium-headless-shell'), () => pw).path).toBe(pw[1]);
    expect(findBrowser(undefined, {}, has('/usr/bin/chromium', '/usr/lib/chromium/chromium-headless-shell'), () => pw)).toEqual({
      path: '/usr/lib/chromium/chromium-headless-shell',
      source: 'system',
      kind: 'headless-shell',
    });
    // The user's choice stands, whatever is installed.
    expect(findBrowser('/usr/bin/chromium', {}, has('/usr/bin/chromium', '/usr/lib/chromium/chromium-headless-shell'), () => pw).kind).toBe('chromium');
  });
  it('finds Playwright\'s headless shell next to its Chromium', () => {
    expect(playwrightHeadlessShellPath('/root/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome')).toBe(
      '/root/.cache/ms-playwright/chromium_headless_shell-1255/chrome-headless-shell-linux64/chrome-headless-shell',
    );
    expect(playwrightHeadlessShellPath('/u/ms-playwright/chromium-1255/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing')).toBe(
      '/u/ms-playwright/chromium_headless_shell-1255/chrome-headless-shell-mac-arm64/chrome-headless-shell',
    );
    expect(playwrightHeadlessShellPath('C:\\pw\\chromium-1255\\chrome-win64\\chrome.exe')).toBe(
      'C:\\pw\\chromium_headless_shell-1255\\chrome-headless-shell-win64\\chrome-headless-shell.exe',
    );
    expect(playwrightHeadlessShellPath('/usr/bin/chromium')).toBeUndefined();
  });
  it('names the kind of browser by its file name', () => {
    expect(browserKindOf('/usr/lib/chromium/chromium-headless-shell')).toBe('headless-shell');
    expect(browserKindOf('/pw/chromium_headless_shell-1/chrome-linux/headless_shell')).toBe('headless-shell');
    expect(browserKindOf('/usr/bin/chromium')).toBe('chromium');
    expect(browserKindOf('/opt/headless-shell-tools/chrome')).toBe('chromium');
    expect(browserLabel('156.0.1', '/usr/lib/chromium/chromium-headless-shell')).toBe('Chromium 156.0.1 (headless shell)');
    expect(browserLabel('156.0.1', '/usr/bin/chromium')).toBe('Chromium 156.0.1');
  });
  it('nothing found: the message names both install routes', () => {
    const err = (() => {
      try {
        findBrowser(undefined, {}, has(), () => []);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(BrowserNotFoundError);
    expect(err?.message).toMatch(/npx playwright install chromium/);
    expect(err?.message).toMatch(/apt-get install chromium/);
  });
});
