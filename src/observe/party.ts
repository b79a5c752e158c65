import { getDomain, getHostname } from 'tldts';
import type { Party } from './types.js';

/**
 * The registrable domain (eTLD+1) of a host, using the public suffix list including private suffixes,
 * so that two customers of one hosting platform (`a.github.io`, `b.github.io`) are different parties.
 * IP addresses and single labels (`localhost`) are their own domain.
 */
export function registrableDomain(host: string): string {
  const clean = trimDots(host.replace(/^\[|\]$/g, '')).toLowerCase();
  const domain = getDomain(clean, { allowPrivateDomains: true });
  return domain ?? clean;
}

/** Without leading and trailing dots, all of them: with one left, "a.nl.." and "a.nl" were different parties.
 * A loop, as /\.+$/ is quadratic on a long run of dots. */
function trimDots(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === '.') start++;
  while (end > start && s[end - 1] === '.') end--;
  return s.slice(start, end);
}

/** Host of a URL, lower case, without port; empty for URLs without a host (data:, about:). */
export function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return (getHostname(url) ?? '').toLowerCase();
  }
}

export function partyOf(host: string, siteDomain: string): Party {
  if (!host) return 'first-party';
  return registrableDomain(host) === siteDomain ? 'first-party' : 'third-party';
}

/** A cookie's domain as the browser stores it (`.example.nl` or `www.example.nl`) to a host name. */
export function cookieHost(cookieDomain: string): string {
  return cookieDomain.replace(/^\./, '').toLowerCase();
}
