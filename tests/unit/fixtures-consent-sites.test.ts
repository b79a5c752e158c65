import type http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureHosts } from '../../fixtures/hosts/index.js';
import { installedVersion, versionMatches } from '../../fixtures/hosts/vendor.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { fixtureSites } from '../../fixtures/sites.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(port: number, url: string): Promise<Reply> {
  const { hostname, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    https
      .get(
        {
          host: '127.0.0.1',
          port,
          path: pathname + search,
          servername: hostname,
          headers: { host: hostname },
          rejectUnauthorized: false,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      )
      .on('error', reject);
  });
}

const consentSites = fixtureSites.filter((s) => s.group === 'consent');

/** The bundles a browser loads for each real CMP, and what must be in them. */
const cmpFiles: { url: string; type: RegExp; contains: string }[] = [
  { url: 'https://www.klaarwater.nl/vendor/klaro/klaro.js', type: /^application\/javascript/, contains: 'klaro' },
  { url: 'https://www.klaarwater.nl/js/klaro-config.js', type: /^application\/javascript/, contains: 'klaroConfig' },
  { url: 'https://cdn.jsdelivr.net/npm/vanilla-cookieconsent@3.1.0/dist/cookieconsent.umd.js', type: /^application\/javascript/, contains: 'CookieConsent' },
  { url: 'https://cdn.jsdelivr.net/npm/vanilla-cookieconsent@3.1.0/dist/cookieconsent.css', type: /^text\/css/, contains: '#cc-main' },
  { url: 'https://cdn.jsdelivr.net/npm/cookieconsent@3/build/cookieconsent.min.js', type: /^application\/javascript/, contains: 'cookieconsent' },
  { url: 'https://cdn.jsdelivr.net/npm/cookieconsent@3/build/cookieconsent.min.css', type: /^text\/css/, contains: '.cc-window' },
  { url: 'https://www.taartwoude.nl/tarteaucitron/tarteaucitron.js', type: /^application\/javascript/, contains: 'tarteaucitron' },
  { url: 'https://www.taartwoude.nl/tarteaucitron/tarteaucitron.services.js?v=1', type: /^application\/javascript/, contains: 'tarteaucitron.services.gtag' },
  { url: 'https://www.taartwoude.nl/tarteaucitron/lang/tarteaucitron.nl.js?v=1', type: /^application\/javascript/, contains: 'accepteer alle' },
  { url: 'https://www.taartwoude.nl/tarteaucitron/css/tarteaucitron.css?v=1', type: /^text\/css/, contains: '#tarteaucitronRoot' },
  { url: 'https://cmp.toestemmingsloket.nl/loader.js', type: /^application\/javascript/, contains: 'tl_toestemming' },
  { url: 'https://cmp.toestemmingsloket.nl/banner.html', type: /^text\/html/, contains: 'Alleen noodzakelijke cookies' },
  { url: 'https://cmp.toestemmingsloket.nl/banner.js', type: /^application\/javascript/, contains: 'postMessage' },
];

const TRACKER_SRC = /src="https:\/\/(www\.googletagmanager\.com|connect\.facebook\.net|www\.facebook\.com)\//;

/** Script tags a browser would run that load a tracker directly (consent-blocked text/plain ones excluded). */
function liveTrackerScripts(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>/g)]
    .map((m) => m[0])
    .filter((tag) => TRACKER_SRC.test(tag) && !/type="text\/plain"/.test(tag));
}

describe('fixture site list', () => {
  it('gives every site a unique host and a unique GM9xxx code', () => {
    const hosts = fixtureSites.map((s) => new URL(s.url).hostname);
    const codes = fixtureSites.map((s) => s.code);
    expect(new Set(hosts).size).toBe(hosts.length);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^GM9\d{3}$/);
  });

  it('has a virtual host for every site, and a scenario and description for each', () => {
    const served = new Set(fixtureHosts.flatMap((h) => h.hostnames));
    for (const site of fixtureSites) {
      expect(served.has(new URL(site.url).hostname), site.url).toBe(true);
      expect(site.scenario).toMatch(/^[a-z0-9-]+$/);
      expect(site.description.length).toBeGreaterThan(40);
    }
    expect(consentSites.length).toBe(12);
  });

  it('resolves jsDelivr-style versions against the installed one', () => {
    expect(versionMatches('', '3.1.0')).toBe(true);
    expect(versionMatches('latest', '3.1.0')).toBe(true);
    expect(versionMatches('3', '3.1.0')).toBe(true);
    expect(versionMatches('3.1', '3.1.0')).toBe(true);
    expect(versionMatches('3.1.0', '3.1.0')).toBe(true);
    expect(versionMatches('3.10', '3.1.0')).toBe(false);
    expect(versionMatches('2', '3.1.0')).toBe(false);
    expect(installedVersion('vanilla-cookieconsent')).toMatch(/^3\./);
    expect(installedVersion('cookieconsent')).toMatch(/^3\./);
  });
});

describe('consent fixture sites over HTTPS', () => {
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it.each(consentSites.map((s) => [s.url, s] as const))('%s: start page, menu pages and privacy statement', async (_url, site) => {
    const home = await get(server.port, site.url);
    expect(home.status).toBe(200);
    expect(home.headers['content-type']).toMatch(/^text\/html/);
    expect(home.headers['cache-control']).toBe('no-store');
    expect(home.body).toContain(site.name);
    expect(home.body).toContain('<html lang="nl">');

    const nav = /<nav[^>]*>([\s\S]*?)<\/nav>/.exec(home.body)?.[1] ?? '';
    const links = [...nav.matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1] as string).filter((href) => href !== '/');
    expect(links.length).toBeGreaterThanOrEqual(2);
    expect(links.length).toBeLessThanOrEqual(3);
    expect(home.body).toMatch(/<footer[\s\S]*href="\/privacyverklaring"[\s\S]*<\/footer>/);
    for (const path of [...links, '/privacyverklaring']) {
      const page = await get(server.port, new URL(path, site.url).href);
      expect(page.status, path).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
    }

    // Only the scenario about trackers before consent loads a tracker straight from the start page's HTML.
    const live = liveTrackerScripts(home.body);
    if (site.scenario === 'trackers-before-consent') expect(live.length).toBeGreaterThan(0);
    else expect(live).toEqual([]);
  });

  it('puts the Meta Pixel on www.evendam.nl/evenementen only', async () => {
    const events = await get(server.port, 'https://www.evendam.nl/evenementen');
    expect(events.status).toBe(200);
    expect(events.body).toContain("fbq('init', '4358898943540673')");
    for (const path of ['/', '/parkeren', '/contact', '/privacyverklaring']) {
      const page = await get(server.port, `https://www.evendam.nl${path}`);
      expect(page.body, path).not.toMatch(/fbevents|googletagmanager/);
    }
  });

  it.each(cmpFiles.map((f) => [f.url, f] as const))('serves %s', async (_url, file) => {
    const r = await get(server.port, file.url);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(file.type);
    expect(r.body).toContain(file.contains);
  });

  it('answers like a CDN on cdn.jsdelivr.net and serves nothing else from node_modules', async () => {
    const ok = await get(server.port, 'https://cdn.jsdelivr.net/npm/cookieconsent@3/build/cookieconsent.min.js');
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    const misses = [
      'https://cdn.jsdelivr.net/npm/cookieconsent@2/build/cookieconsent.min.js',
      'https://cdn.jsdelivr.net/npm/left-pad@1/index.js',
      'https://cdn.jsdelivr.net/npm/klaro/package.json/..%2f..%2f..%2fpackage.json',
      'https://cdn.jsdelivr.net/npm/klaro/README.md',
      'https://cdn.jsdelivr.net/npm/tarteaucitronjs/..%2f..%2fplaywright%2findex.js',
      'https://www.klaarwater.nl/vendor/klaro/..%2f..%2fplaywright%2findex.js',
      'https://www.taartwoude.nl/tarteaucitron/nope.js',
    ];
    for (const url of misses) expect((await get(server.port, url)).status, url).toBe(404);
  });

  it('gives the GTM container of www.tagmeer.nl a GA4 tag and a Meta Pixel', async () => {
    const r = await get(server.port, 'https://www.googletagmanager.com/gtm.js?id=GTM-TAGM3ER');
    expect(r.status).toBe(200);
    expect(r.body).toContain('"ga4":"G-TAGMEER01"');
    expect(r.body).toContain('"metaPixel":"3141592653589793"');
    const site = await get(server.port, 'https://www.tagmeer.nl/js/cookiemelding.js');
    expect(site.body).toContain('GTM-TAGM3ER');
  });
});
