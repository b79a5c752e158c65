import { escapeControls } from '../util/escape-controls.js';

/** Why a start URL was refused, in words a user can act on. */
export class InvalidUrlError extends Error {}

/**
 * Normalises a start URL the way a user means it: a bare host gets https://, the host is lower case,
 * the fragment is dropped (it never reaches the server). Only http and https are scanned.
 */
export function normaliseStartUrl(input: string): string {
  const shown = quote(input);
  const raw = input.trim();
  if (!raw) throw new InvalidUrlError('empty URL');
  if (/\s/.test(raw)) throw new InvalidUrlError(`${shown} is not a URL (it contains spaces)`);
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw);
  // "host:8443" is a host and port, not scheme "host"; also when a query or fragment follows the port
  const looksLikeHostPort = /^[^/:?#]+:\d+([/?#]|$)/.test(raw);
  const candidate = hasScheme && !looksLikeHostPort ? raw : `https://${raw.replace(/^\/+/, '')}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new InvalidUrlError(`${shown} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidUrlError(`${shown} is not an http(s) URL (scheme ${shorten(url.protocol.replace(/:$/, ''), 20)})`);
  }
  if (!url.hostname) throw new InvalidUrlError(`${shown} has no host name`);
  if (url.username || url.password) throw new InvalidUrlError(`${shown} contains credentials; leave them out`);
  const host = url.hostname;
  // A host must be an IP, "localhost", or have at least one dot; labels of letters, digits and hyphens.
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
  if (!isIp && host !== 'localhost') {
    const labels = host.split('.');
    const labelOk = (l: string) => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(l) || /^xn--[a-z0-9-]+$/.test(l);
    if (labels.length < 2 || labels.some((l) => !labelOk(l))) {
      throw new InvalidUrlError(`${shown} does not have a valid host name`);
    }
  }
  url.hash = '';
  return url.toString();
}

/** The input as a message quotes it: escaped, so a control character cannot split or garble the line; cut, so a
 * pasted page stays readable. */
function quote(input: string): string {
  return `"${escapeControls(shorten(input, 100))}"`;
}

/** At most n code points, so a surrogate pair is never split. */
function shorten(s: string, n: number): string {
  if (s.length <= n) return s;
  const chars = Array.from(s);
  return chars.length <= n ? s : `${chars.slice(0, n).join('')}…`;
}
