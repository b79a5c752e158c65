/** Why a start URL was refused, in words a user can act on. */
export class InvalidUrlError extends Error {}

/**
 * Normalises a start URL the way a user means it: a bare host gets https://, the host is lower case,
 * the fragment is dropped (it never reaches the server). Only http and https are scanned.
 */
export function normaliseStartUrl(input: string): string {
  const raw = input.trim();
  if (!raw) throw new InvalidUrlError('empty URL');
  if (/\s/.test(raw)) throw new InvalidUrlError(`"${input}" is not a URL (it contains spaces)`);
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw);
  const looksLikeHostPort = /^[^/:]+:\d+(\/|$)/.test(raw);
  const candidate = hasScheme && !looksLikeHostPort ? raw : `https://${raw.replace(/^\/+/, '')}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new InvalidUrlError(`"${input}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidUrlError(`"${input}" is not an http(s) URL (scheme ${url.protocol.replace(/:$/, '')})`);
  }
  if (!url.hostname) throw new InvalidUrlError(`"${input}" has no host name`);
  if (url.username || url.password) throw new InvalidUrlError(`"${input}" contains credentials; leave them out`);
  const host = url.hostname;
  // A host must be an IP, "localhost", or have at least one dot; labels of letters, digits and hyphens.
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
  if (!isIp && host !== 'localhost') {
    const labels = host.split('.');
    const labelOk = (l: string) => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(l) || /^xn--[a-z0-9-]+$/.test(l);
    if (labels.length < 2 || labels.some((l) => !labelOk(l))) {
      throw new InvalidUrlError(`"${input}" does not have a valid host name`);
    }
  }
  url.hash = '';
  return url.toString();
}
