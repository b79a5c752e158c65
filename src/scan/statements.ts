import { createHash } from 'node:crypto';
import type { Page } from 'playwright';
import { registrableDomain } from '../observe/party.js';
import type { StatementObservation } from '../observe/types.js';
import { sleep, withTimeout } from '../util/time.js';
import type { PageLink } from './subpages.js';

// The site's privacy and cookie statements: found through the start page's links (footer, menu and
// the consent banner's own link), read in the last phase's page once its observations are sealed, so
// reading them adds nothing to what the phases observed (and costs no fresh browser context). Their text is kept: the disclosure check is a conclusion
// that `reclassify` can draw again.
//
// A statement that says nothing about a tracker accuses the site, so everything here leans towards
// "could not be read completely" (which accuses nobody): a statement link we did not follow, a page
// that does not read as a statement, a text cut short are all recorded with the reason.

/** Statement pages read per site scan, links from statements included: "a few pages". */
export const MAX_STATEMENTS = 3;
const MAX_TEXT = 300_000;
/** Per statement page: a statement is one document, not a site; the site's deadline is still ahead. */
const PAGE_TIMEOUT_MS = 15_000;
/** Marks a text the page walk stopped reading (too many nodes): such a text is never the whole statement. */
const CUT = '\u0000cut';

export type StatementKind = 'privacy' | 'cookie' | 'general';

const KINDS: Array<{ kind: StatementKind; exact: RegExp; text: RegExp; url: RegExp }> = [
  {
    kind: 'privacy',
    exact: /^(privacyverklaring|privacy ?statement|privacy ?policy|privacybeleid|privacyreglement|privacy notice|privacy-?verklaring)$/i,
    text: /\b(privacyverklaring|privacystatement|privacy ?statement|privacy ?policy|privacybeleid|privacyreglement|privacy notice|privacy-?verklaring)\b/i,
    url: /(privacyverklaring|privacy-?statement|privacy-?policy|privacybeleid|privacyreglement)/i,
  },
  {
    kind: 'cookie',
    exact: /^(cookieverklaring|cookiebeleid|cookie ?policy|cookie ?statement|cookie-?verklaring|cookie ?instellingen)$/i,
    text: /\b(cookieverklaring|cookiebeleid|cookie ?policy|cookie ?statement|cookie-?verklaring)\b/i,
    url: /(cookieverklaring|cookiebeleid|cookie-?policy|cookie-?statement)/i,
  },
  {
    kind: 'general',
    exact: /^(privacy|cookies?|privacy en cookies|cookies en privacy|privacy & cookies|privacy and cookies)$/i,
    text: /^(privacy|cookies?|privacy en cookies|cookies en privacy|privacy & cookies|privacy and cookies)$/i,
    url: /\/(privacy|cookies?)(\/|\.html?|$)/i,
  },
];

const NOT_A_PAGE = /\.(pdf|docx?|xlsx?|pptx?|od[tsp]|rtf|zip)$/i;
const DOWNLOAD = /\.(jpe?g|png|gif|svg|webp|mp[34]|rar|7z)$/i;

export interface StatementCandidate {
  url: string;
  text: string;
  kind: StatementKind;
  /** The link says exactly "Privacyverklaring", "Cookies" …, or its last path segment does: surely a statement. */
  exact: boolean;
  /** On another site: read only when the link names the statement exactly. */
  elsewhere: boolean;
}

/** Without fragment, trailing slash or "www.": two links to one page are one candidate. */
const pageKey = (u: string) => {
  try {
    const url = new URL(u);
    return `${url.hostname.replace(/^www\./, '')}${url.pathname.replace(/\/+$/, '')}${url.search}`;
  } catch {
    return u;
  }
};

/**
 * Statement links of a page, best first: privacy statements, cookie statements, then pages named just
 * "Privacy" or "Cookies"; exact names before links that only mention one; document order after that.
 */
export function statementCandidates(links: readonly PageLink[], pageUrl: string): StatementCandidate[] {
  let base: URL;
  try {
    base = new URL(pageUrl);
  } catch {
    return [];
  }
  const site = registrableDomain(base.hostname);
  const found = new Map<string, StatementCandidate & { order: number }>();
  links.forEach((link, order) => {
    let url: URL;
    try {
      url = new URL(link.href, base);
    } catch {
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return;
    if (DOWNLOAD.test(url.pathname)) return;
    url.hash = '';
    const text = (typeof link.text === 'string' ? link.text : '').replace(/\s+/g, ' ').trim();
    const last = decodeSegment(url.pathname.replace(/\/+$/, '').split('/').pop() ?? '').replace(/\.[a-z]+$/i, '').replace(/[-_]/g, ' ');
    const match = KINDS.find((k) => k.text.test(text) || k.url.test(url.pathname));
    if (!match) return;
    const candidate = {
      url: url.toString(),
      text,
      kind: match.kind,
      exact: match.exact.test(text) || match.exact.test(last),
      elsewhere: registrableDomain(url.hostname) !== site,
      order,
    };
    const key = pageKey(candidate.url);
    const known = found.get(key);
    if (!known || rank(candidate) < rank(known)) found.set(key, { ...candidate, order: known?.order ?? order });
  });
  return [...found.values()].sort((a, b) => rank(a) - rank(b) || a.order - b.order).map(({ order: _o, ...c }) => c);
}

const KIND_ORDER: Record<StatementKind, number> = { privacy: 0, cookie: 1, general: 2 };
const rank = (c: { kind: StatementKind; exact: boolean }) => KIND_ORDER[c.kind] * 2 + (c.exact ? 0 : 1);

export interface StatementReadOptions {
  visitTimeoutMs: number;
}

/**
 * Reads up to MAX_STATEMENTS statements: the best privacy statement and the best cookie statement
 * first (the cookie statement is where trackers are named), then the rest, including statements the
 * read ones link to. Exact statement links left unread (the cap, a document) are
 * recorded as not read, so a tracker missing from the others is never concluded undisclosed. Never
 * throws: a page that cannot be read is recorded with the reason.
 */
export async function readStatements(
  page: Page,
  startLinks: readonly PageLink[],
  startUrl: string,
  opts: StatementReadOptions,
  signal?: AbortSignal,
): Promise<StatementObservation[]> {
  const pool: Array<StatementCandidate & { foundOn: StatementObservation['foundOn'] }> = statementCandidates(startLinks, startUrl).map((c) => ({
    ...c,
    foundOn: 'page',
  }));
  if (!pool.length) return [];
  const seen = new Set(pool.map((c) => pageKey(c.url)));
  const out: StatementObservation[] = [];
  const readKinds = new Set<StatementKind>();
  const readPages = new Set<string>();
  const take = () => {
    // Another site only when the link names the statement exactly: the municipality's statement on a
    // shared or regional host ("Privacyverklaring" → www.regio.nl/privacy), never a page that merely mentions privacy.
    const fresh = pool.filter((c) => (!c.elsewhere || c.exact) && !NOT_A_PAGE.test(new URL(c.url).pathname));
    const pick = (!readKinds.has('cookie') && fresh.find((c) => c.kind === 'cookie')) || (!readKinds.has('privacy') && fresh.find((c) => c.kind === 'privacy')) || fresh[0];
    if (pick) pool.splice(pool.indexOf(pick), 1);
    return pick;
  };
  try {
    let reads = 0;
    for (let next = take(); next && reads < MAX_STATEMENTS && !signal?.aborted; next = take()) {
      reads++;
      const s: StatementObservation = { url: next.url, linkText: next.text, foundOn: next.foundOn };
      const links = await readOne(page, s, startUrl, Math.min(opts.visitTimeoutMs, PAGE_TIMEOUT_MS));
      const key = pageKey(s.finalUrl ?? s.url);
      if (readPages.has(key)) continue; // two links, one page (after redirects)
      readPages.add(key);
      out.push(s);
      if (s.text) readKinds.add(next.kind);
      for (const c of statementCandidates(links, s.finalUrl ?? next.url)) {
        if (seen.has(pageKey(c.url))) continue;
        seen.add(pageKey(c.url));
        pool.push({ ...c, foundOn: 'statement' });
      }
    }
  } catch {
    // A page that was closed under us (deadline, interrupt): the statements read so far stand.
  }
  // Statement links left unread: a tracker they might name must not be called undisclosed.
  for (const c of pool) {
    if (!c.exact) continue;
    const why = NOT_A_PAGE.test(new URL(c.url).pathname)
        ? 'not read: a document, not a web page'
        : signal?.aborted
          ? 'not read: the scan was stopped'
          : `not read: at most ${MAX_STATEMENTS} statements are read`;
    out.push({ url: c.url, linkText: c.text, foundOn: c.foundOn, error: why });
  }
  return out;
}

/** Loads one statement and fills in `s`; returns the page's links for statements it points to. */
async function readOne(page: Page, s: StatementObservation, startUrl: string, timeoutMs: number): Promise<PageLink[]> {
  try {
    const response = await page.goto(s.url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    if (response) s.status = response.status();
    s.finalUrl = page.url();
    const type = (await response?.headerValue('content-type')) ?? '';
    if (s.status !== undefined && s.status >= 400) {
      s.error = `HTTP ${s.status}`;
      return [];
    }
    if (type && !/html|xml|text\/plain/i.test(type)) {
      s.error = `not a web page (${type.split(';')[0]})`;
      return [];
    }
    if (pageKey(s.finalUrl) === pageKey(startUrl) && pageKey(s.url) !== pageKey(startUrl)) {
      s.error = 'redirected to the start page: not a statement';
      return [];
    }
    await withTimeout(page.waitForLoadState('load'), 5000);
    // Statements filled in by script (a CMP's cookie table) keep growing after load: wait until the
    // text stops changing, within bounds.
    let text = '';
    for (let i = 0; i < 12; i++) {
      const now = (await withTimeout(page.evaluate(statementText), 5000)) ?? '';
      if (i > 0 && now.length === text.length) {
        text = now;
        break;
      }
      text = now;
      await sleep(500);
    }
    text = text
      .replace(/[^\S\n]+/g, ' ')
      .replace(/ *\n\s*/g, '\n')
      .trim();
    if (text.length < 200 || !/privacy|cookie|persoonsgegevens|gegevens|AVG|GDPR|personal data/i.test(text)) {
      s.error = text ? 'does not read as a privacy or cookie statement' : 'no text on the page';
      return [];
    }
    const cut = text.includes(CUT);
    text = text.replace(CUT, '').trim();
    if (cut || text.length > MAX_TEXT) s.error = 'text cut short: the page is too long to read whole';
    s.text = text.slice(0, MAX_TEXT);
    s.textSha256 = createHash('sha256').update(s.text).digest('hex');
    return (
      (await withTimeout(
        page.evaluate(() =>
          Array.from(document.querySelectorAll('a[href]'), (a) => ({
            href: (a as HTMLAnchorElement).href,
            text: (a.textContent || a.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim().slice(0, 200),
            inNav: false,
          })).slice(0, 2000),
        ),
        3000,
      )) ?? []
    );
  } catch (err) {
    s.error = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
    return [];
  }
}

/**
 * The statement's text, runs in the page: the main content (or the body without its header, menu,
 * footer and fixed overlays such as a cookie banner), including what is folded away (closed
 * <details>, hidden tab panels), open shadow roots and same-origin frames; one line per block.
 */
function statementText(): string {
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'HEADER', 'NAV', 'FOOTER', 'ASIDE', 'BUTTON', 'SELECT', 'OPTION']);
  const BLOCK = /^(P|DIV|LI|UL|OL|H[1-6]|TR|TD|TH|DT|DD|SECTION|ARTICLE|MAIN|BR|TABLE|DETAILS|SUMMARY|BLOCKQUOTE|PRE|FIGCAPTION|FORM|FIELDSET|ADDRESS|DL)$/;
  const main = document.querySelector('main, [role="main"], article');
  const root = main && (main.textContent ?? '').trim().length > 200 ? main : document.body;
  if (!root) return '';
  const out: string[] = [];
  let budget = 200_000;
  const overlay = (el: Element) => {
    if (el.getAttribute('role') === 'dialog' || el.getAttribute('aria-modal') === 'true') return true;
    const position = getComputedStyle(el).position;
    return position === 'fixed' || position === 'sticky';
  };
  const walk = (node: Node) => {
    if (--budget < 0) return;
    if (node.nodeType === Node.TEXT_NODE) {
      out.push(node.nodeValue ?? '');
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const el = node as Element;
    if (el !== root && (SKIP.has(el.tagName) || el.getAttribute('role') === 'navigation' || overlay(el))) return;
    const block = BLOCK.test(el.tagName);
    if (block) out.push('\n');
    if (el.tagName === 'IFRAME') {
      try {
        const body = (el as HTMLIFrameElement).contentDocument?.body;
        if (body) walk(body);
      } catch {
        // a cross-origin frame: not ours to read
      }
    }
    if (el.shadowRoot) el.shadowRoot.childNodes.forEach(walk);
    el.childNodes.forEach(walk);
    if (block) out.push('\n');
  };
  walk(root);
  // The same marker as CUT outside: this function runs in the page and cannot see module constants.
  return out.join('') + (budget < 0 ? '\u0000cut' : '');
}

/** A path segment as words; `/actie-50%` or an old Latin-1 `/caf%E9` is not valid percent-encoding and stays as it is. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
