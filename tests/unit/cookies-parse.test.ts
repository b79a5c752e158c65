import { describe, expect, it } from 'vitest';
import { parseCookieWrite, splitSetCookieHeader } from '../../src/observe/cookies-parse.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');

describe('parseCookieWrite', () => {
  it('a third-party Set-Cookie with a Domain attribute is keyed on that domain', () => {
    const c = parseCookieWrite('fr=abc; Domain=.facebook.com; Path=/; Max-Age=7776000; Secure; HttpOnly; SameSite=None', 'https://www.facebook.com/tr?id=1', NOW);
    expect(c).toEqual({ name: 'fr', value: 'abc', domain: '.facebook.com', path: '/', deletes: false });
  });
  it('a host-only cookie is keyed on the host, with the default path of the URL', () => {
    expect(parseCookieWrite('JSESSIONID=x1; HttpOnly', 'https://www.schoonstad.nl/loket/aanvraag?x', NOW)).toMatchObject({
      domain: 'www.schoonstad.nl',
      path: '/loket',
    });
    expect(parseCookieWrite('a=1', 'https://www.schoonstad.nl/', NOW)?.path).toBe('/');
  });
  it('document.cookie strings: domain without leading dot, mixed case attributes', () => {
    expect(parseCookieWrite('_ga=GA1.1.1.2;domain=volgdorp.nl;PATH=/;max-age=63072000', 'https://www.volgdorp.nl/', NOW)).toEqual({
      name: '_ga',
      value: 'GA1.1.1.2',
      domain: '.volgdorp.nl',
      path: '/',
      deletes: false,
    });
  });
  it('an expiry in the past or max-age ≤ 0 deletes; Max-Age wins over Expires', () => {
    expect(parseCookieWrite('t=1; expires=Thu, 01 Jan 1970 00:00:00 GMT', 'https://a.nl/', NOW)?.deletes).toBe(true);
    expect(parseCookieWrite('t=1; max-age=0', 'https://a.nl/', NOW)?.deletes).toBe(true);
    expect(parseCookieWrite('t=1; max-age=-1', 'https://a.nl/', NOW)?.deletes).toBe(true);
    expect(parseCookieWrite('t=1; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=60', 'https://a.nl/', NOW)?.deletes).toBe(false);
    expect(parseCookieWrite('t=1; expires=Fri, 01 Jan 2100 00:00:00 GMT', 'https://a.nl/', NOW)?.deletes).toBe(false);
  });
  it('values may contain "="; a bare token is a nameless cookie; empty input is nothing', () => {
    expect(parseCookieWrite('q=a=b==', 'https://a.nl/', NOW)?.value).toBe('a=b==');
    expect(parseCookieWrite('token', 'https://a.nl/', NOW)).toMatchObject({ name: '', value: 'token' });
    expect(parseCookieWrite('', 'https://a.nl/', NOW)).toBeUndefined();
    expect(parseCookieWrite(' ; Path=/', 'https://a.nl/', NOW)).toBeUndefined();
  });
  it('a relative Path attribute is ignored, as browsers do', () => {
    expect(parseCookieWrite('a=1; Path=relative', 'https://a.nl/x/y', NOW)?.path).toBe('/x');
  });
});

describe('splitSetCookieHeader', () => {
  it('splits the newline-joined header CDP reports', () => {
    expect(splitSetCookieHeader('YSC=1; Secure\nVISITOR_INFO1_LIVE=2; Secure\n')).toEqual(['YSC=1; Secure', 'VISITOR_INFO1_LIVE=2; Secure']);
  });
});
