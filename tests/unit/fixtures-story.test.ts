import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureHosts } from '../../fixtures/hosts/index.js';
import {
  SCRIPTWOLDE_COOKIE,
  SCRIPTWOLDE_LINK_TEXT,
  SCRIPTWOLDE_PAYLOAD,
  SCRIPTWOLDE_PIXEL,
  SCRIPTWOLDE_TITLE,
  WISSELMEER_PIXEL,
  storySites,
} from '../../fixtures/hosts/story.js';
import { batchFixtureList } from '../../fixtures/lists.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { fixtureSites } from '../../fixtures/sites.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, host: string, path: string, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path, method, servername: host, headers: { host }, rejectUnauthorized: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Text of the <title>, with the few entities the fixtures use decoded, as a browser would. */
function titleOf(html: string): string | undefined {
  const raw = /<title>([\s\S]*?)<\/title>/.exec(html)?.[1];
  return raw?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

const GA4 = 'https://www.googletagmanager.com/gtag/js?id=G-WISSEL0001';
const PIXEL_MARKERS = ['<!-- Meta Pixel Code -->', 'connect.facebook.net/nl_NL/fbevents.js', "fbq('init', '5772156649015328')", 'facebook.com/tr?id=5772156649015328'];

describe('story fixture sites', () => {
  let server: FixtureServer;
  const get = (host: string, path: string) => request(server.port, host, path);

  beforeAll(async () => {
    server = await startFixtureServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('are served, listed apart from fixtureSites (the batch list has only Scriptwolde), with unique GM92xx codes', () => {
    const served = new Set(fixtureHosts.flatMap((h) => h.hostnames));
    expect(storySites.map((s) => s.code)).toEqual(['GM9201', 'GM9202']);
    for (const site of storySites) {
      expect(site.group).toBe('story');
      expect(served.has(new URL(site.url).hostname)).toBe(true);
      expect(site.description.length).toBeGreaterThan(40);
    }
    // Wisselmeer's pixel switch must not leak into other tests' runs; Scriptwolde's injection belongs in the batch list.
    const others = [...fixtureSites, ...batchFixtureList()];
    for (const site of storySites) {
      expect(others.some((o) => o.url === site.url || o.code === site.code)).toBe(site.code === 'GM9202');
    }
    expect(fixtureSites.length).toBe(15);
  });

  it('wisselmeer: GA4 and the Meta Pixel on every page by default', async () => {
    for (const path of ['/', '/nieuws', '/contact', '/privacyverklaring']) {
      const r = await get('www.wisselmeer.nl', path);
      expect(r.status).toBe(200);
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.body).toContain(GA4);
      for (const marker of PIXEL_MARKERS) expect(r.body).toContain(marker);
    }
    const css = await get('www.wisselmeer.nl', '/css/site.css');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect((await get('www.wisselmeer.nl', '/bestaat-niet')).status).toBe(404);
    const bare = await get('wisselmeer.nl', '/nieuws?x=1');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('https://www.wisselmeer.nl/nieuws?x=1');
  });

  it('wisselmeer: setScenario removes the pixel from every page and puts it back', async () => {
    server.setScenario(WISSELMEER_PIXEL, 'removed');
    try {
      for (const path of ['/', '/nieuws', '/contact']) {
        const r = await get('www.wisselmeer.nl', path);
        expect(r.status).toBe(200);
        expect(r.body).toContain(GA4);
        expect(r.body).not.toMatch(/facebook|fbq|Meta Pixel/);
        expect(r.body).toContain('</html>');
        expect(r.body).toContain('<script src="/js/site.js"></script>');
      }
    } finally {
      server.setScenario(WISSELMEER_PIXEL, undefined);
    }
    const back = await get('www.wisselmeer.nl', '/');
    for (const marker of PIXEL_MARKERS) expect(back.body).toContain(marker);
  });

  it('wisselmeer: the switch is per server instance', async () => {
    const other = await startFixtureServer();
    try {
      other.setScenario(WISSELMEER_PIXEL, 'removed');
      expect((await request(other.port, 'www.wisselmeer.nl', '/')).body).not.toContain('fbevents.js');
      expect((await get('www.wisselmeer.nl', '/')).body).toContain('fbevents.js');
    } finally {
      await other.close();
    }
  });

  it('wisselmeer: the switch by hand (POST only)', async () => {
    const show = await get('www.wisselmeer.nl', '/__fixture/meta-pixel');
    expect(show.body).toBe('meta-pixel: present\n');
    try {
      const bad = await request(server.port, 'www.wisselmeer.nl', '/__fixture/meta-pixel', 'POST', 'weg');
      expect(bad.status).toBe(400);
      const set = await request(server.port, 'www.wisselmeer.nl', '/__fixture/meta-pixel', 'POST', 'removed');
      expect(set.body).toBe('meta-pixel: removed\n');
      expect((await get('www.wisselmeer.nl', '/')).body).not.toContain('fbevents.js');
      expect((await request(server.port, 'www.wisselmeer.nl', '/__fixture/meta-pixel', 'PUT', 'present')).status).toBe(405);
    } finally {
      server.setScenario(WISSELMEER_PIXEL, undefined);
    }
    expect((await get('www.wisselmeer.nl', '/')).body).toContain('fbevents.js');
  });

  it('scriptwolde: an escaped hostile title and footer link, and a script that stores the payloads', async () => {
    const r = await get('www.scriptwolde.nl', '/');
    expect(r.status).toBe(200);
    // Escaped in the source: a browser shows the markup as text and runs none of it.
    expect(r.body).toContain('<title>&lt;img src=x onerror=alert(1)&gt; | Gemeente Scriptwolde</title>');
    expect(titleOf(r.body)).toBe(SCRIPTWOLDE_TITLE);
    expect(r.body).toContain('<a href="/nieuws">&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;</a>');
    expect(r.body).not.toContain(SCRIPTWOLDE_PAYLOAD);
    expect(r.body).not.toContain(SCRIPTWOLDE_LINK_TEXT);
    expect(r.body.match(/<script\b/g)).toEqual(['<script']);
    expect(r.body).toContain('<script src="/js/site.js"></script>');

    const js = await get('www.scriptwolde.nl', '/js/site.js');
    expect(js.headers['content-type']).toMatch(/^application\/javascript/);
    expect(js.body).toContain(`var PAYLOAD = '${SCRIPTWOLDE_PAYLOAD}';`);
    expect(js.body).toContain(`document.cookie = '${SCRIPTWOLDE_COOKIE}=' + PAYLOAD`);
    expect(SCRIPTWOLDE_COOKIE).toMatch(/^_hj(id$|[A-Z])/); // Hotjar's cookie rule (data/trackers/analytics.json)
    expect(js.body).toContain('localStorage.setItem(PAYLOAD,');
    expect(js.body).toContain(`'https://www.facebook.com/tr?id=${SCRIPTWOLDE_PIXEL}&ev=PageView&dl=' + encodeURIComponent(PAYLOAD)`);
    // Nothing is written into the document.
    expect(js.body).not.toMatch(/innerHTML|outerHTML|document\.write|insertAdjacentHTML|eval\(/);

    for (const path of ['/nieuws', '/contact', '/privacyverklaring']) {
      const page = await get('www.scriptwolde.nl', path);
      expect(page.status).toBe(200);
      expect(titleOf(page.body)).toMatch(/ \| Gemeente Scriptwolde$/);
    }
    expect((await get('scriptwolde.nl', '/')).headers.location).toBe('https://www.scriptwolde.nl/');
  });
});
