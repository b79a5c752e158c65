import { createHash } from 'node:crypto';
import type { BrowserContext } from 'playwright';
import { newVisitorContext, type LaunchedBrowser } from '../browser/launch.js';
import { hostOf, registrableDomain } from '../observe/party.js';
import type { StatementObservation } from '../observe/types.js';
import { withTimeout } from '../util/time.js';
import type { PageLink } from './subpages.js';

// The site's privacy and cookie statements: found through the start page's links (footer, menu and
// the consent banner's own link), read in a context of their own after the phases, so reading them
// adds nothing to what the phases observed. Their text is kept: the disclosure check is a conclusion
// that `reclassify` can draw again.

/** Statement pages read per site scan, links from statements included: "a few pages". */
export const MAX_STATEMENTS = 3;
const MAX_TEXT = 300_000;

// Strongest first: a privacy statement, then a cookie statement. Matched on the link text or the URL.
const KINDS: Array<{ weight: number; text: RegExp; url: RegExp }> = [
  {
    weight: 3,
    text: /\b(privacyverklaring|privacystatement|privacy ?statement|privacy ?policy|privacybeleid|privacyreglement|privacy notice|privacy-?verklaring)\b/i,
    url: /(privacyverklaring|privacy-?statement|privacy-?policy|privacybeleid|privacyreglement)/i,
  },
  { weight: 2, text: /\b(cookieverklaring|cookiebeleid|cookie ?policy|cookie ?statement|cookie-?verklaring)\b/i, url: /(cookieverklaring|cookiebeleid|cookie-?policy|cookie-?statement)/i },
  { weight: 1, text: /^\s*(privacy|cookies?|privacy en cookies|cookies en privacy|privacy & cookies)\s*$/i, url: /\/(privacy|cookies?)(\/|\.html?|$)/i },
];

const DOWNLOAD = /\.(docx?|xlsx?|pptx?|od[tsp]|zip|rar|7z|jpe?g|png|gif|svg|webp|mp[34])$/i;

/**
 * Statement links of a page, best first: same site (registrable domain) only, http(s), no downloads
 * other than PDF (read as unreadable rather than skipped: the visitor does find it), no duplicates.
 */
export function statementCandidates(links: readonly PageLink[], pageUrl: string): Array<{ url: string; text: string }> {
  let base: URL;
  try {
    base = new URL(pageUrl);
  } catch {
    return [];
  }
  const site = registrableDomain(base.hostname);
  const scored = new Map<string, { url: string; text: string; weight: number; order: number }>();
  links.forEach((link, order) => {
    let url: URL;
    try {
      url = new URL(link.href, base);
    } catch {
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return;
    if (registrableDomain(url.hostname) !== site || DOWNLOAD.test(url.pathname)) return;
    url.hash = '';
    const text = (link.text ?? '').replace(/\s+/g, ' ').trim();
    const weight = Math.max(0, ...KINDS.map((k) => (k.text.test(text) || k.url.test(url.pathname) ? k.weight : 0)));
    if (weight === 0) return;
    const key = url.toString();
    const known = scored.get(key);
    if (!known || known.weight < weight) scored.set(key, { url: key, text: text || known?.text || '', weight, order: known?.order ?? order });
  });
  return [...scored.values()].sort((a, b) => b.weight - a.weight || a.order - b.order).map(({ url, text }) => ({ url, text }));
}

export interface StatementReadOptions {
  visitTimeoutMs: number;
  ignoreHttpsErrors: boolean;
}

/**
 * Reads up to MAX_STATEMENTS statements: the start page's candidates first, then statements linked
 * from those (a privacy statement that points to the cookie statement). Never throws: a page that
 * cannot be read is recorded with the reason.
 */
export async function readStatements(
  launched: LaunchedBrowser,
  startLinks: readonly PageLink[],
  startUrl: string,
  opts: StatementReadOptions,
  signal?: AbortSignal,
): Promise<StatementObservation[]> {
  const queue: Array<{ url: string; text: string; foundOn: StatementObservation['foundOn'] }> = statementCandidates(startLinks, startUrl).map(
    (c) => ({ ...c, foundOn: 'page' }),
  );
  if (!queue.length) return [];
  const seen = new Set(queue.map((c) => c.url));
  const out: StatementObservation[] = [];
  let context: BrowserContext | undefined;
  try {
    context = await newVisitorContext(launched, { ignoreHttpsErrors: opts.ignoreHttpsErrors });
    const opened = context;
    signal?.addEventListener('abort', () => void opened.close().catch(() => undefined), { once: true });
    const page = await context.newPage();
    while (queue.length && out.length < MAX_STATEMENTS && !signal?.aborted) {
      const next = queue.shift()!;
      const s: StatementObservation = { url: next.url, linkText: next.text, foundOn: next.foundOn };
      out.push(s);
      try {
        const response = await page.goto(next.url, { waitUntil: 'domcontentloaded', timeout: opts.visitTimeoutMs });
        if (response) s.status = response.status();
        s.finalUrl = page.url();
        const type = (await response?.headerValue('content-type')) ?? '';
        if (s.status !== undefined && s.status >= 400) {
          s.error = `HTTP ${s.status}`;
          continue;
        }
        if (type && !/html|xml|text\/plain/i.test(type)) {
          s.error = `not a web page (${type.split(';')[0]})`;
          continue;
        }
        // Statements built by script (a CMP's cookie table) need a moment after the DOM is ready.
        await withTimeout(page.waitForLoadState('load'), Math.min(5000, opts.visitTimeoutMs));
        const text = ((await withTimeout(page.evaluate(() => document.body?.innerText ?? ''), 5000)) ?? '')
          // Blocks stay on lines of their own: a menu item is no part of the sentence after it.
          .replace(/[^\S\n]+/g, ' ')
          .replace(/ *\n[\s]*/g, '\n')
          .trim();
        if (!text) {
          s.error = 'no text on the page';
          continue;
        }
        s.text = text.slice(0, MAX_TEXT);
        s.textSha256 = createHash('sha256').update(s.text).digest('hex');
        const links = await withTimeout(
          page.evaluate(() =>
            Array.from(document.querySelectorAll('a[href]'), (a) => ({
              href: (a as HTMLAnchorElement).href,
              text: ((a as HTMLElement).innerText || a.getAttribute('aria-label') || '').trim().slice(0, 200),
              inNav: false,
            })).slice(0, 2000),
          ),
          3000,
        );
        for (const c of statementCandidates(links ?? [], s.finalUrl ?? next.url)) {
          if (seen.has(c.url) || registrableDomain(hostOf(c.url)) !== registrableDomain(hostOf(startUrl))) continue;
          seen.add(c.url);
          queue.push({ ...c, foundOn: 'statement' });
        }
      } catch (err) {
        s.error = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
      }
    }
  } catch {
    // A context that would not open: the statements found so far stand, the rest stays unread.
  } finally {
    if (context) await withTimeout(context.close(), 10000);
  }
  return out;
}
