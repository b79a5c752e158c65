import type { BrowserContext, CDPSession } from 'playwright';
import { attributeCookie } from './attribute.js';
import { cookieHost, partyOf, registrableDomain } from './party.js';
import { valueEvidence } from './values.js';
import type { CookieObservation, CookieSetEvent } from './types.js';

interface RawCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number;
  size?: number;
  httpOnly: boolean;
  secure: boolean;
  session?: boolean;
  sameSite?: string;
  partitionKey?: { topLevelSite: string } | string;
}

/**
 * The whole cookie jar of the context at the end of a phase, all domains, with who set each cookie.
 * CDP gives size and partition keys; Playwright's own list is the fallback when the page is gone.
 */
export async function collectCookieJar(
  context: BrowserContext,
  cdp: CDPSession | undefined,
  siteDomain: string,
  events: readonly CookieSetEvent[],
  storeValues: boolean,
): Promise<CookieObservation[]> {
  let raw: RawCookie[] | undefined;
  if (cdp) {
    try {
      raw = ((await cdp.send('Network.getAllCookies')) as { cookies: RawCookie[] }).cookies;
    } catch {
      raw = undefined;
    }
  }
  raw ??= (await context.cookies()) as RawCookie[];
  return raw.map((c) => toObservation(c, siteDomain, events, storeValues));
}

export function toObservation(
  c: RawCookie,
  siteDomain: string,
  events: readonly CookieSetEvent[],
  storeValues: boolean,
): CookieObservation {
  const host = cookieHost(c.domain);
  const session = c.session ?? c.expires < 0;
  const partitionKey = typeof c.partitionKey === 'string' ? c.partitionKey : c.partitionKey?.topLevelSite;
  const obs: CookieObservation = {
    name: c.name,
    domain: c.domain,
    path: c.path,
    session,
    httpOnly: c.httpOnly,
    secure: c.secure,
    size: c.size ?? c.name.length + c.value.length,
    value: valueEvidence(c.value, storeValues),
    host,
    domainRegistrable: registrableDomain(host),
    party: partyOf(host, siteDomain),
    ...attributeCookie(c, events),
  };
  if (!session) obs.expires = Math.round(c.expires);
  if (c.sameSite) obs.sameSite = c.sameSite;
  if (partitionKey) obs.partitionKey = partitionKey;
  return obs;
}
