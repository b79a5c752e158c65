import { describe, expect, it } from 'vitest';
import { cookieHost, hostOf, partyOf, registrableDomain } from '../../src/observe/party.js';

describe('registrableDomain', () => {
  it.each([
    ['www.volgdorp.nl', 'volgdorp.nl'],
    ['volgdorp.nl', 'volgdorp.nl'],
    ['statistiek.gemeente-x.nl', 'gemeente-x.nl'],
    ['region1.google-analytics.com', 'google-analytics.com'],
    ['www.bbc.co.uk', 'bbc.co.uk'],
    ['a.b.example.com.au', 'example.com.au'],
    ['gemeente.overheid.nl', 'overheid.nl'],
    ['WWW.Example.NL', 'example.nl'],
    ['www.example.nl.', 'example.nl'],
    ['.facebook.com', 'facebook.com'],
    // private suffixes: two customers of one platform are different parties
    ['gemeente-a.github.io', 'gemeente-a.github.io'],
    ['d111111abcdef8.cloudfront.net', 'd111111abcdef8.cloudfront.net'],
    ['127.0.0.1', '127.0.0.1'],
    ['localhost', 'localhost'],
  ])('%s → %s', (host, domain) => {
    expect(registrableDomain(host)).toBe(domain);
  });
});

describe('partyOf', () => {
  it('same registrable domain is first-party, whatever the subdomain', () => {
    expect(partyOf('statistiek.volgdorp.nl', 'volgdorp.nl')).toBe('first-party');
    expect(partyOf('www.volgdorp.nl', 'volgdorp.nl')).toBe('first-party');
  });
  it('other domains are third-party, also when one ends like the other', () => {
    expect(partyOf('www.facebook.com', 'volgdorp.nl')).toBe('third-party');
    expect(partyOf('evilvolgdorp.nl', 'volgdorp.nl')).toBe('third-party');
    expect(partyOf('volgdorp.nl.evil.com', 'volgdorp.nl')).toBe('third-party');
    expect(partyOf('gemeente-b.github.io', 'gemeente-a.github.io')).toBe('third-party');
  });
});

describe('hostOf and cookieHost', () => {
  it('takes the host without port or case', () => {
    expect(hostOf('https://WWW.Volgdorp.NL:8443/a?b#c')).toBe('www.volgdorp.nl');
    expect(hostOf('data:text/plain,hi')).toBe('');
    expect(hostOf('https://[::1]:8443/')).toBe('::1');
  });
  it('strips the leading dot of a domain cookie', () => {
    expect(cookieHost('.facebook.com')).toBe('facebook.com');
    expect(cookieHost('www.schoonstad.nl')).toBe('www.schoonstad.nl');
  });
});
