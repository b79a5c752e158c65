import type { CookieSetEvent, CookieSetterKind } from './types.js';

export interface CookieKey {
  name: string;
  domain: string;
  path: string;
}

export interface CookieSetter {
  setter: CookieSetterKind;
  setterUrl?: string;
  setterRequestId?: string;
}

const normDomain = (d: string) => d.toLowerCase();

/**
 * Who set a cookie found in the jar: the latest write (HTTP response or script) that matches its
 * name, domain and path, which is the write that gave it its current value. A write whose path we
 * could not reproduce still counts when name and domain match. No matching write: unknown.
 */
export function attributeCookie(cookie: CookieKey, events: readonly CookieSetEvent[]): CookieSetter {
  const domain = normDomain(cookie.domain);
  let best: CookieSetEvent | undefined;
  let loose: CookieSetEvent | undefined;
  for (const e of events) {
    if (e.deletes || e.name !== cookie.name || normDomain(e.domain) !== domain) continue;
    if (e.path === cookie.path) {
      if (!best || e.timeMs >= best.timeMs) best = e;
    } else if (!loose || e.timeMs >= loose.timeMs) {
      loose = e;
    }
  }
  const hit = best ?? loose;
  if (!hit) return { setter: 'unknown' };
  return {
    setter: hit.source,
    ...(hit.url ? { setterUrl: hit.url } : {}),
    ...(hit.requestId ? { setterRequestId: hit.requestId } : {}),
  };
}
