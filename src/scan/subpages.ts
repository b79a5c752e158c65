import { registrableDomain, hostOf } from '../observe/party.js';

export interface PageLink {
  href: string;
  /** The link's visible text, or its aria-label or title. */
  text?: string;
  /** Inside <nav>, <header> or [role=navigation]: the site's own menu, the best guide to its main pages. */
  inNav: boolean;
}

// Files a visitor downloads rather than views: no page, no tags, and sometimes hundreds of megabytes.
const DOWNLOAD = /\.(pdf|docx?|xlsx?|pptx?|od[tsp]|rtf|csv|zip|rar|7z|gz|tgz|jpe?g|png|gif|svg|webp|mp[34]|mov|avi|wav|ics|xml|json|exe|dmg|msi|apk)$/i;

function canonical(url: URL): string {
  const u = new URL(url.toString());
  u.hash = '';
  return u.toString();
}

/**
 * Up to `max` internal pages to visit after the start page, chosen the same way every time:
 * menu links first, then the rest in document order; same site (registrable domain) only, http(s),
 * no downloads, no mailto:/tel:/javascript:, not the start page itself, no duplicates.
 */
export function chooseSubpages(links: readonly PageLink[], startUrl: string, max: number): string[] {
  if (max <= 0) return [];
  let start: URL;
  try {
    start = new URL(startUrl);
  } catch {
    return [];
  }
  const siteDomain = registrableDomain(hostOf(startUrl));
  const seen = new Set<string>([canonical(start)]);
  const ordered = [...links.filter((l) => l.inNav), ...links.filter((l) => !l.inNav)];
  const chosen: string[] = [];
  for (const link of ordered) {
    let url: URL;
    try {
      url = new URL(link.href, start);
    } catch {
      continue;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') continue;
    if (registrableDomain(url.hostname) !== siteDomain) continue;
    if (DOWNLOAD.test(url.pathname)) continue;
    const key = canonical(url);
    if (seen.has(key)) continue;
    seen.add(key);
    chosen.push(key);
    if (chosen.length >= max) break;
  }
  return chosen;
}
