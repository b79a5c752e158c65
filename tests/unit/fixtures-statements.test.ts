import { readdirSync, readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenSites } from '../../fixtures/hosts/broken.js';
import { fixtureHosts } from '../../fixtures/hosts/index.js';
import {
  BANNERLO,
  ENGLISHFORD,
  GOOGLEVEEN,
  ONLEESBAAR,
  ONTKENWIJK,
  ZWIJGDORP,
  statementExpectations,
  statementSites,
} from '../../fixtures/hosts/statements.js';
import { storySites } from '../../fixtures/hosts/story.js';
import { batchFixtureList } from '../../fixtures/lists.js';
import { staticRoot } from '../../fixtures/paths.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { fixtureSites } from '../../fixtures/sites.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function request(port: number, host: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path, method: 'GET', servername: host, headers: { host }, rejectUnauthorized: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const decode = (s: string): string =>
  s
    .replace(/&middot;/g, '·')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** Roughly what a browser shows of a page: the body without scripts, noscript, styles, comments and tags. */
function visibleText(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? '';
  return decode(
    body
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|noscript|style)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of <main>: the statement itself, without menu, footer or banner. */
function mainText(html: string): string {
  return visibleText(`<body>${/<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(html)?.[1] ?? ''}</body>`);
}

interface Link {
  href: string;
  text: string;
}

function links(html: string): Link[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi)].map((m) => ({
    href: decode(m[1] ?? ''),
    text: decode((m[2] ?? '').replace(/<[^>]+>/g, '')).trim(),
  }));
}

/** The element that starts at `open` (a regex for its start tag), up to its matching end tag. */
function element(html: string, tag: string, open: RegExp): string {
  const start = html.search(open);
  if (start < 0) return '';
  const re = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return html.slice(start, m.index + m[0].length);
  }
  return html.slice(start);
}

const nav = (html: string) => element(html, 'nav', /<nav\b/i);
const footer = (html: string) => element(html, 'footer', /<footer\b/i);
const banner = (html: string) => element(html, 'div', /<div\b[^>]*\bid="cookiemelding"/i);

/** The words the scanner will look for in link texts and URLs (issue 7). */
const STATEMENT_LINK = /privacyverklaring|privacy|cookieverklaring|cookiebeleid|cookies|privacy statement|privacy policy/i;
const statementLinks = (html: string) => links(html).filter((l) => STATEMENT_LINK.test(l.href) || STATEMENT_LINK.test(l.text));

const GA4 = (id: string) => [`<script async src="https://www.googletagmanager.com/gtag/js?id=${id}"></script>`, `gtag('config', '${id}');`];
const PIXEL = (id: string, locale: string) => [
  `'https://connect.facebook.net/${locale}/fbevents.js'`,
  `fbq('init', '${id}');`,
  "fbq('track', 'PageView');",
  `https://www.facebook.com/tr?id=${id}&amp;ev=PageView&amp;noscript=1`,
];

interface SiteSpec {
  host: string;
  pages: string[];
  ga4?: string;
  pixel?: { id: string; locale: string };
}

const SPECS: SiteSpec[] = [
  { host: GOOGLEVEEN, pages: ['/', '/nieuws', '/parkeren', '/contact', '/privacyverklaring'], ga4: 'G-GOOGLV0001', pixel: { id: '4795831523312719', locale: 'nl_NL' } },
  { host: ZWIJGDORP, pages: ['/', '/nieuws', '/afval', '/contact'], ga4: 'G-ZWIJGD0001' },
  { host: BANNERLO, pages: ['/', '/nieuws', '/paspoort', '/contact', '/cookieverklaring'], ga4: 'G-BANNER0001', pixel: { id: '5385164807134504', locale: 'nl_NL' } },
  { host: ENGLISHFORD, pages: ['/', '/news', '/bins', '/contact', '/privacy-policy'], ga4: 'G-ENGLSH0001', pixel: { id: '5567764362830021', locale: 'en_GB' } },
  { host: ONTKENWIJK, pages: ['/', '/nieuws', '/evenementen', '/contact', '/cookiebeleid'], pixel: { id: '6082762530298219', locale: 'nl_NL' } },
  { host: ONLEESBAAR, pages: ['/', '/nieuws', '/afval', '/contact'], ga4: 'G-ONLEES0001' },
];

const OUR_DIRS = new Set(SPECS.map((s) => s.host));

/** Every text file under fixtures/static/ that is not one of these sites'. */
function otherStaticText(): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(html|js|css|json|svg|txt)$/.test(name)) out.push(readFileSync(full, 'utf8'));
    }
  };
  for (const name of readdirSync(staticRoot)) {
    if (!OUR_DIRS.has(name) && statSync(join(staticRoot, name)).isDirectory()) walk(join(staticRoot, name));
  }
  return out.join('\n');
}

describe('statement fixture sites: the list', () => {
  it('has GM9301…GM9306 in group statements, each served, kept out of every other list', () => {
    expect(statementSites.map((s) => s.code)).toEqual(['GM9301', 'GM9302', 'GM9303', 'GM9304', 'GM9305', 'GM9306']);
    expect(statementSites.map((s) => new URL(s.url).hostname)).toEqual(SPECS.map((s) => s.host));
    const served = new Set(fixtureHosts.flatMap((h) => h.hostnames));
    for (const site of statementSites) {
      const host = new URL(site.url).hostname;
      expect(site.group).toBe('statements');
      expect(site.scenario).toMatch(/^[a-z0-9-]+$/);
      expect(site.description.length).toBeGreaterThan(40);
      expect(served.has(host), host).toBe(true);
      expect(served.has(host.replace(/^www\./, '')), host).toBe(true);
      expect(statementExpectations[host], host).toBeDefined();
    }
    expect(Object.keys(statementExpectations).sort()).toEqual(SPECS.map((s) => s.host).sort());
    const others = [...fixtureSites, ...batchFixtureList(), ...storySites, ...brokenSites];
    for (const site of statementSites) {
      expect(others.some((o) => o.url === site.url || o.code === site.code || o.name === site.name), site.url).toBe(false);
    }
    expect(fixtureSites.length).toBe(15);
    expect(fixtureSites.some((s) => s.group === 'statements')).toBe(false);
  });

  it('uses GA4 and pixel ids that no other fixture site uses', () => {
    const elsewhere = otherStaticText() + [...fixtureSites, ...storySites, ...brokenSites].map((s) => s.description).join('\n');
    for (const spec of SPECS) {
      if (spec.ga4) expect(elsewhere.includes(spec.ga4.slice(2)), spec.ga4).toBe(false);
      if (spec.pixel) expect(elsewhere.includes(spec.pixel.id), spec.pixel.id).toBe(false);
    }
    const ids = SPECS.flatMap((s) => [s.ga4, s.pixel?.id]).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('descriptions name the ids and the conclusion for every tracker', () => {
    for (const site of statementSites) {
      const spec = SPECS.find((s) => site.url === `https://${s.host}/`);
      if (spec?.ga4) expect(site.description).toContain(spec.ga4);
      if (spec?.pixel) expect(site.description).toContain(spec.pixel.id);
      expect(site.description).toMatch(/A correct check: /);
    }
  });
});

describe('statement fixture sites over HTTPS', () => {
  let server: FixtureServer;
  const get = (host: string, path: string) => request(server.port, host, path);

  beforeAll(async () => {
    server = await startFixtureServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it.each(SPECS.map((s) => [s.host, s] as const))('%s: pages, assets, redirect and tracker snippets', async (_host, spec) => {
    for (const path of spec.pages) {
      const r = await get(spec.host, path);
      expect(r.status, `${spec.host}${path}`).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.body).toContain('</html>');
      // Trackers on every page, before any consent: nothing gates them.
      for (const marker of spec.ga4 ? GA4(spec.ga4) : []) expect(r.body, `${spec.host}${path}`).toContain(marker);
      for (const marker of spec.pixel ? PIXEL(spec.pixel.id, spec.pixel.locale) : []) expect(r.body, `${spec.host}${path}`).toContain(marker);
      if (!spec.ga4) expect(r.body).not.toMatch(/googletagmanager|gtag\(/);
      if (!spec.pixel) expect(r.body).not.toMatch(/facebook|fbq\(/);
      expect(r.body).not.toMatch(/type="text\/plain"/);
      // Every menu and footer link leads somewhere (except Onleesbaar's statement, below).
      for (const link of [...links(nav(r.body)), ...links(footer(r.body))]) {
        if (spec.host === ONLEESBAAR && link.href === '/privacyverklaring') continue;
        expect((await get(spec.host, link.href)).status, `${spec.host}${path} → ${link.href}`).toBe(200);
      }
    }
    for (const asset of ['/css/site.css', '/js/site.js', '/img/logo.svg']) expect((await get(spec.host, asset)).status).toBe(200);
    const bare = await get(spec.host.replace(/^www\./, ''), `${spec.pages[1]}?x=1`);
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe(`https://${spec.host}${spec.pages[1]}?x=1`);
    // The tracker hosts answer these ids.
    if (spec.ga4) expect((await get('www.googletagmanager.com', `/gtag/js?id=${spec.ga4}`)).status).toBe(200);
    if (spec.pixel) expect((await get('connect.facebook.net', `/${spec.pixel.locale}/fbevents.js`)).status).toBe(200);
    // Only Bannerlo has a banner.
    if (spec.host !== BANNERLO) expect((await get(spec.host, '/')).body).not.toMatch(/cookiemelding|<button/);
  });

  it('footer-linked statements: one link, in the footer of every page, not in the menu', async () => {
    for (const host of [GOOGLEVEEN, ENGLISHFORD, ONTKENWIJK, ONLEESBAAR]) {
      const expected = statementExpectations[host];
      const spec = SPECS.find((s) => s.host === host);
      if (!expected || !spec) throw new Error(host);
      expect(expected.linkedFrom).toBe('footer');
      const path = new URL(expected.statementUrls[0] ?? '').pathname;
      for (const page of spec.pages) {
        const html = (await get(host, page)).body;
        expect(links(footer(html)), `${host}${page}`).toContainEqual({ href: path, text: expected.linkText });
        expect(statementLinks(html), `${host}${page}`).toEqual([{ href: path, text: expected.linkText }]);
        expect(statementLinks(nav(html))).toEqual([]);
      }
    }
  });

  it('googleveen: the statement names Google, not Google Analytics, and not Meta', async () => {
    const r = await get(GOOGLEVEEN, '/privacyverklaring');
    const text = mainText(r.body);
    expect(text).toContain('Wij gebruiken diensten van Google om het websitebezoek te meten.');
    expect(text).toMatch(/\bGoogle\b/);
    expect(visibleText(r.body)).not.toMatch(/analytics|GA4|gtag|tag manager/i);
    expect(visibleText(r.body)).not.toMatch(/\bmeta|facebook|instagram|pixel/i);
  });

  it('zwijgdorp: no statement link anywhere and no statement at the usual paths', async () => {
    for (const page of ['/', '/nieuws', '/afval', '/contact']) {
      const html = (await get(ZWIJGDORP, page)).body;
      expect(statementLinks(html), page).toEqual([]);
      expect(visibleText(html)).not.toMatch(/privacy|cookie/i);
    }
    for (const path of ['/privacyverklaring', '/privacy', '/cookies', '/cookieverklaring', '/cookiebeleid', '/privacy-policy', '/privacystatement', '/disclaimer']) {
      expect((await get(ZWIJGDORP, path)).status, path).toBe(404);
    }
    expect(statementExpectations[ZWIJGDORP]?.statementUrls).toEqual([]);
  });

  it('bannerlo: the cookie statement is linked only from the banner, which has Akkoord and Weigeren', async () => {
    for (const page of ['/', '/nieuws', '/paspoort', '/contact', '/cookieverklaring']) {
      const html = (await get(BANNERLO, page)).body;
      const box = banner(html);
      expect(box, page).toMatch(/role="dialog"/);
      expect(links(box)).toEqual([{ href: '/cookieverklaring', text: 'cookieverklaring' }]);
      expect([...box.matchAll(/<button\b[^>]*>([^<]*)<\/button>/g)].map((m) => m[1])).toEqual(['Akkoord', 'Weigeren']);
      // Outside the banner: no link to any statement, neither in the menu nor in the footer.
      expect(statementLinks(html.replace(box, '')), page).toEqual([]);
      expect(links(footer(html)).map((l) => l.href)).toEqual(['/contact']);
      expect(html).toContain('<script src="/js/cookiemelding.js"></script>');
    }
    const js = (await get(BANNERLO, '/js/cookiemelding.js')).body;
    expect(js).toContain("var COOKIE = 'cookie_consent';");
    expect(js).toContain('max-age=');
    expect(js).not.toMatch(/googletagmanager|fbevents|createElement\('script'\)/);
    for (const path of ['/privacyverklaring', '/privacy', '/cookies', '/cookiebeleid']) expect((await get(BANNERLO, path)).status, path).toBe(404);
    const statement = mainText((await get(BANNERLO, '/cookieverklaring')).body);
    expect(statement).toContain('Google Analytics');
    expect(statement).toContain('Meta Pixel');
  });

  it('englishford: an English privacy policy naming Google Analytics only', async () => {
    const home = (await get(ENGLISHFORD, '/')).body;
    expect(home).toContain('<html lang="en">');
    const policy = (await get(ENGLISHFORD, '/privacy-policy')).body;
    expect(mainText(policy)).toContain('We use Google Analytics to measure how our website is used');
    expect(visibleText(policy)).not.toMatch(/linkedin|\bmeta|facebook|instagram|pixel/i);
  });

  it('ontkenwijk: the cookie policy denies the Facebook Pixel the site loads', async () => {
    const r = await get(ONTKENWIJK, '/cookiebeleid');
    expect(mainText(r.body)).toContain('Wij gebruiken geen tracking cookies en geen Facebook Pixel.');
    expect(visibleText(r.body)).not.toMatch(/\bmeta\b|google/i);
    for (const marker of PIXEL('6082762530298219', 'nl_NL')) expect(r.body).toContain(marker);
  });

  it('onleesbaar: the linked statement answers 500, with and without a trailing slash', async () => {
    for (const path of ['/privacyverklaring', '/privacyverklaring/']) {
      const r = await get(ONLEESBAAR, path);
      expect(r.status, path).toBe(500);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(visibleText(r.body)).not.toMatch(/google|analytics|cookie/i);
    }
    expect(statementExpectations[ONLEESBAAR]?.status).toBe(500);
  });
});
