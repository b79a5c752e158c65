import { describe, expect, it } from 'vitest';
import { attributeCookie } from '../../src/observe/attribute.js';
import type { CookieSetEvent } from '../../src/observe/types.js';

const ev = (e: Partial<CookieSetEvent> & Pick<CookieSetEvent, 'name' | 'domain' | 'source'>): CookieSetEvent => ({
  path: '/',
  deletes: false,
  timeMs: 0,
  pageIndex: 0,
  value: { sha256: 'x', length: 1 },
  ...e,
});

describe('attributeCookie', () => {
  it('a first-party _ga written by gtag.js belongs to that script', () => {
    const events = [
      ev({ name: '_ga', domain: '.nl', source: 'script', url: 'https://www.googletagmanager.com/gtag/js?id=G-1', timeMs: 5 }),
      ev({ name: '_ga', domain: '.volgdorp.nl', source: 'script', url: 'https://www.googletagmanager.com/gtag/js?id=G-1', timeMs: 6 }),
    ];
    expect(attributeCookie({ name: '_ga', domain: '.volgdorp.nl', path: '/' }, events)).toEqual({
      setter: 'script',
      setterUrl: 'https://www.googletagmanager.com/gtag/js?id=G-1',
    });
  });

  it('a cookie set by an HTTP response names the response and its request', () => {
    const events = [ev({ name: 'fr', domain: '.facebook.com', source: 'http', url: 'https://www.facebook.com/tr?id=1', requestId: 'r7' })];
    expect(attributeCookie({ name: 'fr', domain: '.facebook.com', path: '/' }, events)).toEqual({
      setter: 'http',
      setterUrl: 'https://www.facebook.com/tr?id=1',
      setterRequestId: 'r7',
    });
  });

  it('the latest write wins; deletions and other domains or names do not count', () => {
    const events = [
      ev({ name: 'id', domain: 'www.a.nl', source: 'http', url: 'https://www.a.nl/', timeMs: 1 }),
      ev({ name: 'id', domain: 'www.a.nl', source: 'script', url: 'https://cdn.x.com/t.js', timeMs: 9 }),
      ev({ name: 'id', domain: 'www.a.nl', source: 'script', url: 'https://cdn.y.com/del.js', timeMs: 12, deletes: true }),
      ev({ name: 'id', domain: '.b.nl', source: 'script', url: 'https://cdn.z.com/z.js', timeMs: 20 }),
      ev({ name: 'other', domain: 'www.a.nl', source: 'script', url: 'https://cdn.z.com/z.js', timeMs: 20 }),
    ];
    expect(attributeCookie({ name: 'id', domain: 'www.a.nl', path: '/' }, events).setterUrl).toBe('https://cdn.x.com/t.js');
  });

  it('an exact path match is preferred, a different path still beats unknown', () => {
    const events = [
      ev({ name: 'p', domain: 'a.nl', path: '/x', source: 'script', url: 'https://a.nl/x.js', timeMs: 1 }),
      ev({ name: 'p', domain: 'a.nl', path: '/', source: 'script', url: 'https://a.nl/root.js', timeMs: 0 }),
    ];
    expect(attributeCookie({ name: 'p', domain: 'a.nl', path: '/' }, events).setterUrl).toBe('https://a.nl/root.js');
    expect(attributeCookie({ name: 'p', domain: 'a.nl', path: '/y' }, events).setterUrl).toBe('https://a.nl/x.js');
  });

  it('no matching write: unknown', () => {
    expect(attributeCookie({ name: 'q', domain: 'a.nl', path: '/' }, [])).toEqual({ setter: 'unknown' });
  });
});
