import { hostOf } from './party.js';

export interface ParsedCookieWrite {
  name: string;
  value: string;
  /** `.example.nl` for a Domain cookie, the bare host for a host-only cookie. */
  domain: string;
  path: string;
  deletes: boolean;
}

/**
 * Parses one Set-Cookie header line or one `document.cookie = …` string (same grammar, RFC 6265 §5.2)
 * into the key the browser stores the cookie under. `url` is the response or document URL.
 * Returns undefined for lines without a name-value pair.
 */
export function parseCookieWrite(line: string, url: string, nowMs = Date.now()): ParsedCookieWrite | undefined {
  const [pair = '', ...attrs] = line.split(';');
  const eq = pair.indexOf('=');
  // A pair without "=" is a cookie with an empty name (RFC 6265bis); browsers accept it, so do we.
  const name = (eq === -1 ? '' : pair.slice(0, eq)).trim();
  const value = (eq === -1 ? pair : pair.slice(eq + 1)).trim();
  if (!name && !value) return undefined;
  const host = hostOf(url);
  let domain = host;
  let path = defaultPath(url);
  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    const key = (i === -1 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const val = i === -1 ? '' : attr.slice(i + 1).trim();
    if (key === 'domain' && val) {
      const d = val.replace(/^\./, '').toLowerCase();
      if (d) domain = `.${d}`;
    } else if (key === 'path' && val.startsWith('/')) {
      path = val;
    } else if (key === 'max-age' && /^-?\d+$/.test(val)) {
      maxAge = Number(val);
    } else if (key === 'expires') {
      const t = Date.parse(val);
      if (!Number.isNaN(t)) expires = t;
    }
  }
  // Max-Age wins over Expires when both are given.
  const deletes = maxAge !== undefined ? maxAge <= 0 : expires !== undefined ? expires <= nowMs : false;
  return { name, value, domain, path, deletes };
}

/** RFC 6265 §5.1.4: the directory of the request path. */
function defaultPath(url: string): string {
  let p: string;
  try {
    p = new URL(url).pathname;
  } catch {
    return '/';
  }
  if (!p.startsWith('/')) return '/';
  const last = p.lastIndexOf('/');
  return last <= 0 ? '/' : p.slice(0, last);
}

/** Set-Cookie header value as CDP gives it: several cookies joined by newlines. */
export function splitSetCookieHeader(value: string): string[] {
  return value.split('\n').map((l) => l.trim()).filter(Boolean);
}
