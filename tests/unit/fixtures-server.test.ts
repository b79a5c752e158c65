import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function collect(res: http.IncomingMessage, resolve: (r: Reply) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
}

function getHttps(port: number, host: string, path: string, agent?: https.Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path, servername: host, headers: { host }, rejectUnauthorized: false, agent }, (res) => collect(res, resolve))
      .on('error', reject);
  });
}

function getHttp(port: number, host: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => collect(res, resolve)).on('error', reject);
  });
}

describe('fixture server', () => {
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('describes how Chromium reaches it', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.hostResolverRules).toBe(`MAP * 127.0.0.1:${server.port}, EXCLUDE *.invalid`);
    expect(server.origin('www.volgdorp.nl')).toBe('https://www.volgdorp.nl');
  });

  it('serves www.volgdorp.nl with the GA4 tag over TLS', async () => {
    const r = await getHttps(server.port, 'www.volgdorp.nl', '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.body).toContain('src="https://www.googletagmanager.com/gtag/js?id=G-VOLG12345"');
    expect(r.body).toContain('https://connect.facebook.net/en_US/fbevents.js');
  });

  it('answers the Facebook pixel with a GIF and a third-party fr cookie', async () => {
    const r = await getHttps(server.port, 'www.facebook.com', '/tr?id=1&ev=PageView');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('image/gif');
    expect(r.body.startsWith('GIF89a')).toBe(true);
    const fr = (r.headers['set-cookie'] ?? []).find((c) => c.startsWith('fr='));
    expect(fr).toBeDefined();
    expect(fr).toContain('SameSite=None');
    expect(fr).toContain('Secure');
    expect(fr).toContain('Domain=.facebook.com');
  });

  it('sets the clean site session cookie and serves its pages', async () => {
    const home = await getHttps(server.port, 'www.schoonstad.nl', '/');
    expect(home.headers['set-cookie']?.[0]).toMatch(/^JSESSIONID=[0-9A-F]{32}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const news = await getHttps(server.port, 'www.schoonstad.nl', '/nieuws');
    expect(news.status).toBe(200);
    const js = await getHttps(server.port, 'www.schoonstad.nl', '/js/site.js');
    expect(js.headers['content-type']).toMatch(/^application\/javascript/);
  });

  it('serves YouTube embeds with and without cookies', async () => {
    const yt = await getHttps(server.port, 'www.youtube.com', '/embed/dQw4w9WgXcQ');
    const names = (yt.headers['set-cookie'] ?? []).map((c) => c.split('=')[0]);
    expect(names).toEqual(['YSC', 'VISITOR_INFO1_LIVE']);
    expect(yt.body).toContain('https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg');
    const nocookie = await getHttps(server.port, 'www.youtube-nocookie.com', '/embed/dQw4w9WgXcQ');
    expect(nocookie.status).toBe(200);
    expect(nocookie.headers['set-cookie']).toBeUndefined();
  });

  it('speaks plain HTTP on the same port', async () => {
    const r = await getHttp(server.port, 'www.schoonstad.nl', '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('Gemeente Schoonstad');
    expect(r.headers['set-cookie']?.[0]).not.toContain('Secure');
  });

  it('gives 404 for unknown hosts and paths, and refuses to leave the static folder', async () => {
    expect((await getHttps(server.port, 'unknown.example', '/')).status).toBe(404);
    expect((await getHttp(server.port, 'unknown.example', '/')).status).toBe(404);
    expect((await getHttps(server.port, 'www.volgdorp.nl', '/bestaat-niet')).status).toBe(404);
    expect((await getHttps(server.port, 'www.volgdorp.nl', '/%2e%2e/%2e%2e/package.json')).status).toBe(404);
  });

  it('closes quickly even with an idle keep-alive connection open', async () => {
    const own = await startFixtureServer();
    const agent = new https.Agent({ keepAlive: true });
    try {
      const r = await getHttps(own.port, 'www.schoonstad.nl', '/', agent);
      expect(r.status).toBe(200);
      const started = Date.now();
      await own.close();
      expect(Date.now() - started).toBeLessThan(500);
      await own.close(); // a second close is harmless
    } finally {
      agent.destroy();
    }
  });

  it('delays responses by latencyMs', async () => {
    const slow = await startFixtureServer({ latencyMs: 120 });
    try {
      const started = Date.now();
      await getHttp(slow.port, 'www.schoonstad.nl', '/');
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    } finally {
      await slow.close();
    }
  });
});
