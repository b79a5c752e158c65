import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { FAST, phaseView, readDb, runCli, tempDb, type CliResult } from './helpers.js';

// One real scan of three fixture sites in real Chromium; the tests below read what it stored.
let server: FixtureServer;
let dbPath: string;
let scan: CliResult;
let db: Database.Database;

type Row = Record<string, unknown>;

beforeAll(async () => {
  server = await startFixtureServer();
  dbPath = tempDb();
  scan = await runCli([
    'scan',
    'https://www.volgdorp.nl/',
    'www.schoonstad.nl',
    'https://www.embedveen.nl/',
    '--db',
    dbPath,
    '--host-resolver-rules',
    server.hostResolverRules,
    '--ignore-https-errors',
    // One visit of each start page: the foundation's picture. Phases and subpages have their own tests.
    '--phases',
    'pre',
    '--pages',
    '0',
    ...FAST,
  ]);
  db = readDb(dbPath);
}, 180_000);

afterAll(async () => {
  db?.close();
  await server?.close();
});

// Everything here is read from the `pre` phase, the only one this scan runs.
const pre = (url: string) => phaseView(db, url, 'pre');
const requests = (url: string) => pre(url).requests;
const cookies = (url: string) => pre(url).cookies;
const cookieEvents = (url: string) => pre(url).cookieEvents;
const storage = (url: string) => pre(url).storage;
const cookie = (url: string, name: string) => cookies(url).find((c) => c.name === name);

describe('cookiewatch scan on the fixture internet', () => {
  it('exits 0 and prints a summary per site', () => {
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(0);
    expect(scan.stdout).toMatch(/✓ https:\/\/www\.volgdorp\.nl\/  grade E\n/);
    expect(scan.stdout).toMatch(/! tracking_before_consent: .*Meta Pixel/);
    expect(scan.stdout).toMatch(/\n\s+pre: \d+ requests \(\d+ third-party\), \d+ third-party domains: .*facebook\.com/);
    expect(scan.stdout).toMatch(/^run 1 complete: 3 sites in \d+s.*\nok 3, failed 0, interrupted 0, not scanned 0\n/m);
    expect(scan.stdout).toMatch(/^Chromium \d+\.\d+\.\d+\.\d+( \(headless shell\))?; 1 browser start\(s\)$/m);
  });

  it('records the run with tool version, browser version and the third-party cookie setting', () => {
    const run = db.prepare('SELECT * FROM runs').get() as Row;
    expect(run.status).toBe('complete');
    expect(run.browser_version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(run.tool_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.cookie_controls_mode).toBe(0);
    expect(String(run.user_agent)).not.toMatch(/Headless/);
    expect(JSON.parse(String(run.options_json))).toMatchObject({ ignoreHttpsErrors: true });
    // A default concurrency depends on the browser found: it is not recorded as if given, so a resume
    // with another browser works it out again.
    expect(JSON.parse(String(run.options_json))).not.toHaveProperty('concurrency');
  });

  it('records GA4 and the Facebook Pixel with their initiators, hosts and parties', () => {
    const reqs = requests('https://www.volgdorp.nl/');
    const doc = reqs.find((r) => r.url === 'https://www.volgdorp.nl/');
    expect(doc).toMatchObject({ resource_type: 'document', status: 200, is_main_frame: 1, party: 'first-party', domain: 'volgdorp.nl' });

    const gtag = reqs.find((r) => String(r.url).startsWith('https://www.googletagmanager.com/gtag/js?id=G-'));
    expect(gtag).toMatchObject({ resource_type: 'script', party: 'third-party', domain: 'googletagmanager.com', status: 200 });
    expect(gtag?.initiator_url).toBe('https://www.volgdorp.nl/');

    const collect = reqs.find((r) => /google-analytics\.com\/g\/collect\?/.test(String(r.url)));
    expect(collect).toMatchObject({ party: 'third-party', domain: 'google-analytics.com', method: 'POST' });
    expect(String(collect?.initiator_url)).toMatch(/^https:\/\/www\.googletagmanager\.com\/gtag\/js\?id=G-/);
    expect(collect?.initiator_type).toBe('script');

    const pixel = reqs.find((r) => /^https:\/\/www\.facebook\.com\/tr\/?\?id=\d+&ev=PageView/.test(String(r.url)));
    expect(pixel).toMatchObject({ party: 'third-party', domain: 'facebook.com', resource_type: 'image' });
    // Chromium reports an image made by `new Image()` as a parser load of the page, without a stack:
    // the initiator is what CDP says, not a guess.
    expect(pixel?.initiator_type).toMatch(/^(parser|script)$/);
    expect(String(pixel?.initiator_url)).toMatch(/^https:\/\/(www\.volgdorp\.nl\/|connect\.facebook\.net\/\w+\/fbevents\.js)/);
    const configLoad = reqs.find((r) => /connect\.facebook\.net\/signals\/config\//.test(String(r.url)));
    expect(String(configLoad?.initiator_url)).toMatch(/^https:\/\/connect\.facebook\.net\/\w+\/fbevents\.js/);
  });

  it('captures a third-party cookie set by an HTTP response (Facebook fr on .facebook.com)', () => {
    const fr = cookie('https://www.volgdorp.nl/', 'fr');
    expect(fr).toMatchObject({
      domain: '.facebook.com',
      party: 'third-party',
      setter: 'http',
      secure: 1,
      http_only: 1,
      same_site: 'None',
      session: 0,
    });
    expect(String(fr?.setter_url)).toMatch(/^https:\/\/www\.facebook\.com\/tr\/?\?id=/);
    // The setter points at the exact request that set it.
    const req = requests('https://www.volgdorp.nl/').find((r) => r.request_id === fr?.setter_request_id);
    expect(String(req?.url)).toMatch(/facebook\.com\/tr/);
  });

  it('attributes first-party cookies to the third-party script that wrote them', () => {
    const ga = cookie('https://www.volgdorp.nl/', '_ga');
    expect(ga).toMatchObject({ domain: '.volgdorp.nl', party: 'first-party', setter: 'script' });
    expect(String(ga?.setter_url)).toMatch(/^https:\/\/www\.googletagmanager\.com\/gtag\/js\?id=G-/);
    const gaStream = cookies('https://www.volgdorp.nl/').find((c) => /^_ga_[A-Z0-9]+$/.test(String(c.name)));
    expect(String(gaStream?.setter_url)).toMatch(/googletagmanager\.com\/gtag\/js/);
    const fbp = cookie('https://www.volgdorp.nl/', '_fbp');
    expect(fbp).toMatchObject({ party: 'first-party', setter: 'script' });
    expect(String(fbp?.setter_url)).toMatch(/^https:\/\/connect\.facebook\.net\/\w+\/fbevents\.js/);
  });

  it('stores values as SHA-256 and length only, unless asked', () => {
    for (const c of cookies('https://www.volgdorp.nl/')) {
      expect(c.value).toBeNull();
      expect(String(c.value_sha256)).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(c.value_length)).toBeGreaterThan(0);
    }
  });

  it('a clean site: no third-party requests, an HTTP first-party cookie, a cookie set and deleted again', () => {
    const url = 'https://www.schoonstad.nl/';
    expect(requests(url).filter((r) => r.party === 'third-party')).toEqual([]);
    expect(cookie(url, 'JSESSIONID')).toMatchObject({ party: 'first-party', setter: 'http', setter_url: url, http_only: 1 });
    expect(cookie(url, 'cw_cookietest')).toBeUndefined();
    const events = cookieEvents(url).filter((e) => e.name === 'cw_cookietest');
    expect(events.map((e) => e.deletes)).toEqual([0, 1]);
    expect(events.every((e) => e.source === 'script' && String(e.url).startsWith('https://www.schoonstad.nl/js/'))).toBe(true);
    expect(storage(url).find((s) => s.key === 'fontsize')).toMatchObject({ kind: 'localStorage', party: 'first-party' });
  });

  it('an embed site: YouTube cookies and requests inside iframes, a cookie written by a script in a third-party frame', () => {
    const url = 'https://www.embedveen.nl/';
    for (const name of ['YSC', 'VISITOR_INFO1_LIVE']) {
      const c = cookie(url, name);
      expect(c).toMatchObject({ domain: '.youtube.com', party: 'third-party', setter: 'http' });
      expect(String(c?.setter_url)).toMatch(/^https:\/\/www\.youtube\.com\/embed\//);
    }
    const inFrame = requests(url).filter((r) => r.is_main_frame === 0 && String(r.frame_url).startsWith('https://www.youtube.com/embed/'));
    expect(inFrame.map((r) => r.url)).toContainEqual(expect.stringMatching(/^https:\/\/www\.youtube\.com\/s\/player\//));
    const thirdPartyScriptCookies = cookies(url).filter((c) => c.party === 'third-party' && c.setter === 'script');
    expect(thirdPartyScriptCookies.length).toBeGreaterThan(0);
    const ytStorage = storage(url).find((s) => s.key === 'yt-remote-device-id');
    expect(ytStorage).toMatchObject({ origin: 'https://www.youtube.com', party: 'third-party' });
  });
});

describe('cookiewatch scan with bad input', () => {
  const oneLine = (r: CliResult) => {
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  };
  it('a malformed URL', async () => oneLine(await runCli(['scan', 'ftp://example.nl/x'])));
  it('a URL with spaces', async () => oneLine(await runCli(['scan', 'https://exa mple.nl'])));
  it('an unknown option', async () => oneLine(await runCli(['scan', 'https://example.nl', '--bogus'])));
  it('a missing option value', async () => oneLine(await runCli(['scan', 'https://example.nl', '--db'])));
  it('a non-numeric wait', async () => oneLine(await runCli(['scan', 'https://example.nl', '--dwell', 'abc'])));
  it('no URL at all', async () => oneLine(await runCli(['scan'])));
  it('help exits 0 and documents the test and intranet options', async () => {
    const r = await runCli(['scan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--host-resolver-rules <rules>/);
    expect(r.stdout).toMatch(/--ignore-https-errors/);
  });
  it('a browser path that does not exist names the install routes', async () => {
    const r = await runCli(['scan', 'https://example.nl', '--db', tempDb(), '--browser', '/nonexistent/chrome']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: --browser \/nonexistent\/chrome: no such file/);
    expect(r.stderr).toMatch(/npx playwright install chromium.*apt-get install chromium/);
  });
});

describe('cookiewatch scan through a redirect, with --store-values', () => {
  it('records the redirect chain, judges parties by the final host, and keeps values when asked', async () => {
    const fx = await startFixtureServer();
    const path = tempDb();
    try {
      const r = await runCli([
        'scan', 'volgdorp.nl', '--db', path, '--host-resolver-rules', fx.hostResolverRules, '--ignore-https-errors', '--store-values', '--phases', 'pre', '--pages', '0', ...FAST,
      ]);
      expect(r.code).toBe(0);
      const d = readDb(path);
      try {
        const chain = d
          .prepare("SELECT hop, url, status, redirected_to FROM requests WHERE resource_type = 'document' AND is_main_frame = 1 ORDER BY request_id, hop")
          .all() as Row[];
        expect(chain.slice(0, 2)).toEqual([
          { hop: 0, url: 'https://volgdorp.nl/', status: 301, redirected_to: 'https://www.volgdorp.nl/' },
          { hop: 1, url: 'https://www.volgdorp.nl/', status: 200, redirected_to: null },
        ]);
        const scanRow = d.prepare('SELECT site_domain, final_url, status FROM site_scans').get();
        expect(scanRow).toEqual({ site_domain: 'volgdorp.nl', final_url: 'https://www.volgdorp.nl/', status: 'ok' });
        const ga = d.prepare("SELECT value, value_length, party FROM cookies WHERE name = '_ga'").get() as Row;
        expect(String(ga.value)).toMatch(/^GA1\.\d\.\d+\.\d+$/);
        expect(ga.value_length).toBe(String(ga.value).length);
        expect(ga.party).toBe('first-party');
      } finally {
        d.close();
      }
    } finally {
      await fx.close();
    }
  }, 60_000);
});

describe('cookiewatch scan of a site that cannot be reached', () => {
  it('records a dns failure, stops after the first phase, and grades it inconclusive rather than clean', async () => {
    const path = tempDb();
    const r = await runCli(['scan', 'https://www.bestaat-niet.invalid/', '--db', path, ...FAST]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✗ https:\/\/www\.bestaat-niet\.invalid\/\n\s+failed \(dns\): .*ERR_NAME_NOT_RESOLVED/);
    const d = readDb(path);
    try {
      expect(d.prepare('SELECT status, failure_class, grade FROM site_scans').get()).toEqual({ status: 'failed', failure_class: 'dns', grade: '?' });
      expect(d.prepare('SELECT name FROM phases').pluck().all()).toEqual(['pre']);
      expect(d.prepare('SELECT verdict FROM verdicts').pluck().all()).toEqual(['inconclusive']);
    } finally {
      d.close();
    }
  }, 60_000);
});

describe('cookiewatch scan of a site whose certificate the browser does not trust', () => {
  it('records a tls failure without --ignore-https-errors, and names the option that would pass it', async () => {
    const path = tempDb();
    // The fixture internet's certificate is self-signed: exactly what a real browser refuses.
    const r = await runCli(['scan', 'https://www.schoonstad.nl/', '--db', path, '--host-resolver-rules', server.hostResolverRules, ...FAST]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/failed \(tls\): .*ERR_CERT_AUTHORITY_INVALID.*--ignore-https-errors/);
    const d = readDb(path);
    try {
      expect(d.prepare('SELECT status, failure_class, grade, attempts FROM site_scans').get()).toEqual({
        status: 'failed',
        failure_class: 'tls',
        grade: '?',
        attempts: 1,
      });
    } finally {
      d.close();
    }
  }, 60_000);
});
