import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPERDIJK_FAILURES, brokenSites } from '../../fixtures/hosts/broken.js';
import { hostileSites } from '../../fixtures/hosts/hostile.js';
import { fixtureHosts } from '../../fixtures/hosts/index.js';
import {
  SCENARIO_MIX,
  SYNTHETIC_GTM_CONTAINER,
  parseSyntheticHostname,
  syntheticHostname,
  syntheticSites,
  syntheticSpec,
  type SyntheticScenario,
} from '../../fixtures/hosts/synthetic.js';
import { batchFixtureList, csvField, fixtureListCsv, writeFixtureListCsv } from '../../fixtures/lists.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { fixtureSites } from '../../fixtures/sites.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Target {
  port: number;
  host: string;
  path?: string;
  scheme?: 'http' | 'https';
  /** ALPN protocols to offer over TLS, as browsers do. */
  alpn?: string[];
}

function request(t: Target): { done: Promise<Reply>; req: http.ClientRequest } {
  let req!: http.ClientRequest;
  const done = new Promise<Reply>((resolve, reject) => {
    const opts = { host: '127.0.0.1', port: t.port, path: t.path ?? '/', headers: { host: t.host }, agent: false as const };
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    };
    req =
      t.scheme === 'http'
        ? http.get(opts, onResponse)
        : https.get({ ...opts, servername: t.host, rejectUnauthorized: false, ...(t.alpn ? { ALPNProtocols: t.alpn } : {}) }, onResponse);
    req.on('error', reject);
  });
  return { done, req };
}

const get = (port: number, url: string, extra: Partial<Target> = {}): Promise<Reply> => {
  const u = new URL(url);
  return request({ port, host: u.hostname, path: u.pathname + u.search, scheme: u.protocol === 'http:' ? 'http' : 'https', ...extra }).done;
};

const BROWSER_ALPN = ['h2', 'http/1.1'];

/** Hrefs of the links in the first <nav>, without the start page itself. */
function navLinks(html: string): string[] {
  const nav = /<nav[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  return [...nav.matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1] as string).filter((href) => href !== '/');
}

/** Waits for the server's log to show a request line containing `what`. */
async function waitForLog(lines: string[], what: string): Promise<void> {
  const until = Date.now() + 3000;
  while (!lines.some((l) => l.includes(what))) {
    if (Date.now() > until) throw new Error(`server never logged ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('broken fixture hosts', () => {
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('leaves *.invalid unresolved in the Chromium resolver rules', () => {
    expect(server.hostResolverRules).toBe(`MAP * 127.0.0.1:${server.port}, EXCLUDE *.invalid`);
  });

  it('www.wachtebroek.nl: accepts the request and never answers', async () => {
    const { done, req } = request({ port: server.port, host: 'www.wachtebroek.nl', alpn: BROWSER_ALPN });
    done.catch(() => undefined);
    const outcome = await Promise.race([done.then(() => 'answered'), new Promise((r) => setTimeout(() => r('silent'), 1000))]);
    req.destroy();
    expect(outcome).toBe('silent');
  });

  it('www.foutenburg.nl: HTTP 500 with a small HTML error page on every path', async () => {
    for (const path of ['/', '/contact']) {
      const r = await get(server.port, `https://www.foutenburg.nl${path}`);
      expect(r.status).toBe(500);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.body).toContain('<h1>Internal Server Error</h1>');
      expect(r.body.length).toBeLessThan(1000);
    }
  });

  it('www.kwijtwoude.nl: HTTP 404 on the start page', async () => {
    const r = await get(server.port, 'https://www.kwijtwoude.nl/');
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('Pagina niet gevonden');
  });

  it('www.haperdijk.nl: 503 once, then a working municipal site, counted per server instance', async () => {
    const own = await startFixtureServer();
    try {
      // Other paths do not count.
      expect((await get(own.port, 'https://www.haperdijk.nl/css/site.css')).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < HAPERDIJK_FAILURES + 2; i++) statuses.push((await get(own.port, 'https://www.haperdijk.nl/')).status);
      expect(HAPERDIJK_FAILURES).toBe(1);
      expect(statuses).toEqual([503, 200, 200]);
      const first = await get(server.port, 'https://www.haperdijk.nl/'); // a different server instance starts at zero
      expect(first.status).toBe(503);
      expect(first.headers['retry-after']).toBe('1');

      const home = await get(own.port, 'https://www.haperdijk.nl/');
      expect(home.body).toContain('Gemeente Haperdijk');
      expect(home.body).not.toMatch(/googletagmanager|fbevents|youtube/);
      const links = navLinks(home.body);
      expect(links).toEqual(['/nieuws', '/afval', '/contact']);
      for (const path of [...links, '/privacyverklaring']) expect((await get(own.port, `https://www.haperdijk.nl${path}`)).status, path).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('www.rondhoven.nl: a 302 loop between / and /a', async () => {
    let path = '/';
    const seen: string[] = [];
    for (let hop = 0; hop < 6; hop++) {
      const r = await get(server.port, `https://www.rondhoven.nl${path}`);
      expect(r.status).toBe(302);
      path = r.headers.location ?? '';
      seen.push(path);
    }
    expect(seen).toEqual(['/a', '/', '/a', '/', '/a', '/']);
  });

  it('www.afbreekum.nl: the connection is reset when the request arrives (https and http)', async () => {
    await expect(get(server.port, 'https://www.afbreekum.nl/', { alpn: BROWSER_ALPN })).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(get(server.port, 'http://www.afbreekum.nl/')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('www.sleutelwolde.nl: the TLS handshake fails with a fatal alert for that SNI only', async () => {
    const handshake = (servername: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: server.port, servername, ALPNProtocols: BROWSER_ALPN, rejectUnauthorized: false }, () => {
          const alpn = socket.alpnProtocol;
          socket.destroy();
          resolve(String(alpn));
        });
        socket.on('error', reject);
      });
    await expect(handshake('www.sleutelwolde.nl')).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL' });
    await expect(handshake('WWW.SLEUTELWOLDE.NL')).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL' });
    expect(await handshake('www.schoonstad.nl')).toBe('http/1.1');
    // Plain HTTP sends the browser to HTTPS, where the handshake fails.
    const plain = await get(server.port, 'http://www.sleutelwolde.nl/contact');
    expect(plain.status).toBe(301);
    expect(plain.headers.location).toBe('https://www.sleutelwolde.nl/contact');
  });

  it('close() ends promptly with a never-answered request open', async () => {
    const lines: string[] = [];
    const own = await startFixtureServer({ log: (line) => lines.push(line) });
    const hanging = [
      request({ port: own.port, host: 'www.wachtebroek.nl', alpn: BROWSER_ALPN }),
      request({ port: own.port, host: 'www.wachtebroek.nl', scheme: 'http' }),
    ];
    const outcomes = hanging.map(({ done }) => done.then(() => 'answered', (err: NodeJS.ErrnoException) => err.code ?? err.message));
    await waitForLog(lines, 'https://www.wachtebroek.nl/');
    await waitForLog(lines, 'http://www.wachtebroek.nl/');
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(500);
    for (const outcome of await Promise.all(outcomes)) expect(outcome).toMatch(/ECONNRESET|socket hang up/);
  });

  it('lists every broken site with a failure class, except www.haperdijk.nl, which is transient', () => {
    const served = new Set(fixtureHosts.flatMap((h) => h.hostnames));
    for (const site of brokenSites) {
      expect(site.group).toBe('broken');
      expect(site.expectedFailure === undefined, site.url).toBe(site.transient === true);
      expect(site.code).toMatch(/^GM91\d{2}$/);
      const host = new URL(site.url).hostname;
      expect(served.has(host) || host.endsWith('.invalid'), host).toBe(true);
    }
    expect(brokenSites.filter((s) => s.transient).map((s) => s.url)).toEqual(['https://www.haperdijk.nl/']);
    expect(new Set(brokenSites.flatMap((s) => s.expectedFailure ?? []))).toEqual(new Set(['timeout', 'http-status', 'navigation', 'connection', 'tls', 'dns']));
  });
});

describe('synthetic municipal sites', () => {
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('generates a deterministic mix with unique hosts and GM8xxx codes', () => {
    const sites = syntheticSites(20);
    expect(syntheticSites(20)).toEqual(sites);
    expect(sites[0]).toMatchObject({ url: 'https://www.synthdorp-0001.nl/', name: 'Gemeente Synthdorp 0001', code: 'GM8001', group: 'synthetic' });
    const counts: Record<string, number> = {};
    for (const s of sites) counts[s.scenario] = (counts[s.scenario] ?? 0) + 1;
    expect(counts).toEqual(SCENARIO_MIX);
    // Every block of 20 has the same mix, in another order.
    const all = syntheticSites(1000);
    expect(new Set(all.map((s) => s.url)).size).toBe(1000);
    expect(new Set(all.map((s) => s.code)).size).toBe(1000);
    expect(all[999]?.code).toBe('GM9000');
    const second = all.slice(20, 40).map((s) => s.scenario);
    expect(second).not.toEqual(sites.map((s) => s.scenario));
    expect([...second].sort()).toEqual(sites.map((s) => s.scenario).sort());
    // Another seed: other hostnames, another order, same mix.
    const seeded = syntheticSites(20, { seed: 7 });
    expect(seeded[0]?.url).toBe('https://www.synthdorp-s7-0001.nl/');
    expect(seeded.map((s) => s.scenario)).not.toEqual(sites.map((s) => s.scenario));
    expect(seeded.map((s) => s.scenario).sort()).toEqual(sites.map((s) => s.scenario).sort());
    expect(() => syntheticSites(1001)).toThrow(RangeError);
  });

  it('parses only canonical synthetic hostnames', () => {
    expect(parseSyntheticHostname('www.synthdorp-0001.nl')).toEqual({ index: 1, seed: 1 });
    expect(parseSyntheticHostname('www.synthdorp-s7-1000.nl')).toEqual({ index: 1000, seed: 7 });
    for (const bad of ['www.synthdorp-0000.nl', 'www.synthdorp-1001.nl', 'www.synthdorp-s1-0001.nl', 'www.synthdorp-s07-0001.nl', 'synthdorp-0001.nl', 'www.synthdorp-1.nl']) {
      expect(parseSyntheticHostname(bad), bad).toBeUndefined();
    }
    expect(syntheticHostname(12, 7)).toBe('www.synthdorp-s7-0012.nl');
  });

  const expectations: Record<SyntheticScenario, (home: string, spec: ReturnType<typeof syntheticSpec>) => void> = {
    clean: (home) => expect(home).not.toMatch(/googletagmanager|fbevents|youtube|cookiemelding/),
    'ga4-no-banner': (home, spec) => {
      expect(home).toContain(`<script async src="https://www.googletagmanager.com/gtag/js?id=${spec.ga4}"></script>`);
      expect(home).not.toMatch(/fbevents|cookiemelding/);
    },
    'pixel-before-consent': (home, spec) => {
      expect(home).toContain("'https://connect.facebook.net/nl_NL/fbevents.js'");
      expect(home).toContain(`fbq('init', '${spec.metaPixel}')`);
      expect(home).toContain('<script src="/js/cookiemelding.js"></script>');
    },
    'youtube-embed': (home, spec) => {
      expect(home).toContain(`<iframe class="media" src="https://www.youtube.com/embed/${spec.youtubeId}"`);
      expect(home).not.toMatch(/googletagmanager|fbevents/);
    },
    'banner-gates-gtm': (home) => {
      expect(home).toContain('<script src="/js/cookiemelding.js"></script>');
      expect(home).not.toMatch(/googletagmanager|fbevents/);
    },
  };

  it.each(syntheticSites(20).map((s) => [s.url, s] as const))('%s serves its scenario, menu pages and assets', async (url, site) => {
    const parsed = parseSyntheticHostname(new URL(url).hostname);
    if (!parsed) throw new Error(`not synthetic: ${url}`);
    const spec = syntheticSpec(parsed.index, parsed.seed);
    const home = await get(server.port, url);
    expect(home.status).toBe(200);
    expect(home.headers['cache-control']).toBe('no-store');
    expect(home.body).toContain(`<title>Home | ${site.name}</title>`);
    expectations[spec.scenario](home.body, spec);

    const links = navLinks(home.body);
    expect(links.length).toBeGreaterThanOrEqual(2);
    for (const path of [...links, '/privacyverklaring', '/css/site.css', '/js/site.js', '/img/logo.svg']) {
      const r = await get(server.port, new URL(path, url).href);
      expect(r.status, path).toBe(200);
    }
    // The tracker tags are on the menu pages too; the YouTube embed only on the start page.
    const news = await get(server.port, new URL('/nieuws', url).href);
    if (spec.ga4) expect(news.body).toContain(spec.ga4);
    if (spec.metaPixel) expect(news.body).toContain(spec.metaPixel);
    expect(news.body).not.toContain('youtube.com/embed');
    if (spec.scenario === 'banner-gates-gtm') {
      const js = await get(server.port, new URL('/js/cookiemelding.js', url).href);
      expect(js.body).toContain(`var GTM_ID = "${SYNTHETIC_GTM_CONTAINER}"`);
      expect(js.body).toContain('Accepteren');
      expect(js.body).toContain('Weigeren');
    }
    expect((await get(server.port, new URL('/bestaat-niet', url).href)).status).toBe(404);
  });

  it('serves any seed and index up to 1000 without putting them in the certificate', async () => {
    expect((await get(server.port, 'https://www.synthdorp-1000.nl/')).status).toBe(200);
    expect((await get(server.port, 'https://www.synthdorp-s42-0500.nl/contact')).status).toBe(200);
    const miss = await get(server.port, 'https://www.synthdorp-1001.nl/');
    expect(miss.status).toBe(404);
    expect(miss.body).toContain('no fixture host');
    const san = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: server.port, servername: 'www.synthdorp-0001.nl', rejectUnauthorized: false }, () => {
        const alt = socket.getPeerCertificate().subjectaltname ?? '';
        socket.destroy();
        resolve(alt);
      });
      socket.on('error', reject);
    });
    expect(san).toContain('DNS:www.haperdijk.nl');
    expect(san).not.toContain('synthdorp');
  });
});

describe('batch fixture list', () => {
  it('has the fixture sites, every broken and hostile site, the injection site and 20 synthetic ones by default', () => {
    const list = batchFixtureList();
    expect(list.length).toBe(fixtureSites.length + brokenSites.length + hostileSites.length + 1 + 20);
    expect(list.length).toBeGreaterThanOrEqual(30);
    expect(new Set(list.map((s) => s.url)).size).toBe(list.length);
    expect(new Set(list.map((s) => s.code)).size).toBe(list.length);
    for (const site of list) {
      expect(site.name).not.toBe('');
      expect(site.scenario).toMatch(/^[a-z0-9-]+$/);
      expect(site.description.length).toBeGreaterThan(40);
      if (site.group !== 'hostile') expect(site.expectedFailure === undefined).toBe(site.group !== 'broken' || site.transient === true);
    }
    expect(batchFixtureList({ synthetic: 0 }).length).toBe(fixtureSites.length + brokenSites.length + hostileSites.length + 1);
    expect(batchFixtureList({ synthetic: 5, seed: 3 }).at(-1)?.url).toBe('https://www.synthdorp-s3-0005.nl/');
  });

  it('quotes CSV fields that need it', () => {
    expect(csvField('Gemeente Schoonstad')).toBe('Gemeente Schoonstad');
    expect(csvField('Nuenen, Gerwen en Nederwetten')).toBe('"Nuenen, Gerwen en Nederwetten"');
    expect(csvField('Het "oude" dorp')).toBe('"Het ""oude"" dorp"');
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvField('twee\nregels')).toBe('"twee\nregels"');
    expect(fixtureListCsv([{ url: 'https://a.nl/', name: 'A, B', code: 'GM0001', group: 'x', scenario: 's', description: 'd' }])).toBe(
      'url,name,code,group\nhttps://a.nl/,"A, B",GM0001,x\n',
    );
  });

  it('writes the list as CSV with the header url,name,code,group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-list-'));
    try {
      const path = join(dir, 'lijst.csv');
      const list = batchFixtureList();
      await writeFixtureListCsv(path, list);
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      expect(lines[0]).toBe('url,name,code,group');
      expect(lines.length).toBe(list.length + 1);
      expect(lines).toContain('https://www.haperdijk.nl/,Gemeente Haperdijk,GM9104,broken');
      expect(lines).toContain('https://www.nergens.invalid/,Gemeente Nergens,GM9108,broken');
      expect(lines).toContain('https://www.synthdorp-0001.nl/,Gemeente Synthdorp 0001,GM8001,synthetic');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('broken hosts in real Chromium', () => {
  it('fails TLS and DNS in ways certificate-error ignoring cannot hide, while other names still map', { timeout: 60_000 }, async () => {
    const { chromium } = await import('playwright');
    const fx = await startFixtureServer();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-quic', `--host-resolver-rules=${fx.hostResolverRules}`, '--ignore-certificate-errors'],
    });
    try {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      const visit = async (url: string): Promise<string> => {
        const page = await context.newPage();
        try {
          const r = await page.goto(url, { timeout: 10_000 });
          return String(r?.status());
        } catch (err) {
          return (err as Error).message.split('\n')[0] ?? '';
        } finally {
          await page.close();
        }
      };
      expect(await visit('https://www.sleutelwolde.nl/')).toMatch(/net::ERR_SSL_PROTOCOL_ERROR/);
      expect(await visit('http://www.sleutelwolde.nl/')).toMatch(/net::ERR_SSL_PROTOCOL_ERROR/);
      expect(await visit('https://www.nergens.invalid/')).toMatch(/net::ERR_NAME_NOT_RESOLVED/);
      expect(await visit('https://nergens.invalid/')).toMatch(/net::ERR_NAME_NOT_RESOLVED/);
      // Everything else still reaches the fixture server.
      expect(await visit('https://www.schoonstad.nl/')).toBe('200');
      expect(await visit('https://www.synthdorp-0001.nl/')).toBe('200');
      expect(await visit('https://www.rondhoven.nl/')).toMatch(/net::ERR_TOO_MANY_REDIRECTS/);
      expect(await visit('https://www.afbreekum.nl/')).toMatch(/net::ERR_CONNECTION_RESET/);
    } finally {
      await browser.close();
      await fx.close();
    }
  });
});
