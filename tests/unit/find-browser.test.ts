import { describe, expect, it } from 'vitest';
import { BrowserNotFoundError, findBrowser } from '../../src/browser/find.js';

const has = (...paths: string[]) => (p: string) => paths.includes(p);

describe('findBrowser', () => {
  it('an explicit option wins over everything', () => {
    expect(findBrowser('/opt/c', { COOKIEWATCH_BROWSER: '/env/c' }, has('/opt/c', '/env/c', '/usr/bin/chromium'), () => '/pw/c')).toEqual({
      path: '/opt/c',
      source: 'option',
    });
  });
  it('then the environment variable, then Playwright\'s own, then the system', () => {
    expect(findBrowser(undefined, { COOKIEWATCH_BROWSER: '/env/c' }, has('/env/c', '/pw/c'), () => '/pw/c').source).toBe('env');
    expect(findBrowser(undefined, {}, has('/pw/c', '/usr/bin/chromium'), () => '/pw/c')).toEqual({ path: '/pw/c', source: 'playwright' });
    expect(findBrowser(undefined, {}, has('/usr/bin/chromium'), () => '/pw/not-installed')).toEqual({
      path: '/usr/bin/chromium',
      source: 'system',
    });
  });
  it('a named browser that does not exist is an error, not a silent fallback', () => {
    expect(() => findBrowser('/nope', {}, has('/usr/bin/chromium'), () => undefined)).toThrow(/--browser \/nope: no such file/);
    expect(() => findBrowser(undefined, { COOKIEWATCH_BROWSER: '/nope' }, has('/usr/bin/chromium'), () => undefined)).toThrow(
      /COOKIEWATCH_BROWSER/,
    );
  });
  it('nothing found: the message names both install routes', () => {
    const err = (() => {
      try {
        findBrowser(undefined, {}, has(), () => undefined);
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
