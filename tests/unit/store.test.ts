import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhaseObservations, RunInfo, SiteScanResult } from '../../src/observe/types.js';
import {
  type Database,
  SCHEMA_VERSION,
  cookieEventsOfPhase,
  cookiesOfPhase,
  createRun,
  finishRun,
  getRun,
  latestRun,
  loadSiteScanResult,
  openDatabase,
  pagesOfPhase,
  phaseSummary,
  phasesOfSiteScan,
  requestsOfPhase,
  saveSiteScan,
  siteScansOfRun,
  storageOfPhase,
} from '../../src/store/index.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const SHA_C = 'c'.repeat(64);

const runInfo: RunInfo = {
  toolVersion: '0.1.0',
  browserVersion: 'Chromium 140.0.0.0',
  browserPath: '/opt/chromium/chrome',
  cookieControlsMode: 0,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0 Safari/537.36',
  options: { concurrency: 4, storeValues: false },
  startedAt: '2025-01-02T03:00:00.000Z',
};

const prePhase: PhaseObservations = {
  phase: 'pre',
  startedAt: '2025-01-02T03:00:01.000Z',
  endedAt: '2025-01-02T03:00:09.000Z',
  status: 'ok',
  pages: [
    {
      pageIndex: 0,
      kind: 'start',
      url: 'https://www.gemeente.nl/',
      finalUrl: 'https://www.gemeente.nl/home',
      status: 200,
      title: 'Gemeente — Home',
      startedMs: 0,
      endedMs: 4210.5,
    },
  ],
  requests: [
    {
      requestId: '1000.1',
      hop: 0,
      pageIndex: 0,
      url: 'https://www.gemeente.nl/',
      method: 'GET',
      resourceType: 'Document',
      status: 302,
      redirectedTo: 'https://www.gemeente.nl/home',
      frameId: 'F1',
      frameUrl: 'https://www.gemeente.nl/',
      isMainFrame: true,
      initiator: { type: 'other' },
      timeMs: 3.25,
      host: 'www.gemeente.nl',
      domain: 'gemeente.nl',
      party: 'first-party',
    },
    {
      requestId: '1000.1',
      hop: 1,
      pageIndex: 0,
      url: 'https://www.gemeente.nl/home',
      method: 'GET',
      resourceType: 'Document',
      status: 200,
      mimeType: 'text/html',
      frameId: 'F1',
      frameUrl: 'https://www.gemeente.nl/home',
      isMainFrame: true,
      initiator: { type: 'redirect', url: 'https://www.gemeente.nl/' },
      timeMs: 40,
      host: 'www.gemeente.nl',
      domain: 'gemeente.nl',
      party: 'first-party',
    },
    {
      requestId: '1000.7',
      hop: 0,
      pageIndex: 0,
      url: 'https://connect.facebook.net/nl_NL/fbevents.js',
      method: 'GET',
      resourceType: 'Script',
      status: 200,
      mimeType: 'application/javascript',
      frameId: 'F1',
      frameUrl: 'https://www.gemeente.nl/home',
      isMainFrame: false,
      initiator: { type: 'script', url: 'https://www.gemeente.nl/app.js', line: 12, column: 345 },
      timeMs: 812.75,
      host: 'connect.facebook.net',
      domain: 'facebook.net',
      party: 'third-party',
    },
    {
      requestId: '1000.9',
      hop: 0,
      pageIndex: 0,
      url: 'https://www.facebook.com/tr?id=1&ev=PageView',
      method: 'GET',
      resourceType: 'Image',
      failure: 'net::ERR_BLOCKED_BY_CLIENT',
      isMainFrame: false,
      initiator: { type: 'script', url: 'https://connect.facebook.net/nl_NL/fbevents.js' },
      timeMs: 900,
      host: 'www.facebook.com',
      domain: 'facebook.com',
      party: 'third-party',
    },
    {
      requestId: '1000.10',
      hop: 0,
      pageIndex: 0,
      url: 'https://www.facebook.com/tr?id=1&ev=ViewContent',
      method: 'POST',
      resourceType: 'Ping',
      status: 204,
      isMainFrame: false,
      initiator: { type: 'script' },
      timeMs: 950,
      host: 'www.facebook.com',
      domain: 'facebook.com',
      party: 'third-party',
    },
  ],
  cookies: [
    {
      name: '_fbp',
      domain: '.gemeente.nl',
      path: '/',
      expires: 1743562800,
      session: false,
      httpOnly: false,
      secure: false,
      sameSite: 'Lax',
      size: 33,
      value: { sha256: SHA_A, length: 29 },
      host: 'gemeente.nl',
      domainRegistrable: 'gemeente.nl',
      party: 'first-party',
      setter: 'script',
      setterUrl: 'https://connect.facebook.net/nl_NL/fbevents.js',
    },
    {
      name: 'fr',
      domain: '.facebook.com',
      path: '/',
      expires: 1743562800,
      session: false,
      httpOnly: true,
      secure: true,
      sameSite: 'None',
      size: 20,
      partitionKey: 'https://gemeente.nl',
      value: { sha256: SHA_B, length: 18, value: 'fr-value-123456789' },
      host: 'facebook.com',
      domainRegistrable: 'facebook.com',
      party: 'third-party',
      setter: 'http',
      setterUrl: 'https://www.facebook.com/tr?id=1&ev=ViewContent',
      setterRequestId: '1000.10',
    },
    {
      name: 'sessie',
      domain: 'www.gemeente.nl',
      path: '/',
      session: true,
      httpOnly: true,
      secure: true,
      size: 10,
      value: { sha256: SHA_C, length: 4 },
      host: 'www.gemeente.nl',
      domainRegistrable: 'gemeente.nl',
      party: 'first-party',
      setter: 'unknown',
    },
  ],
  cookieEvents: [
    {
      name: 'sessie',
      domain: 'www.gemeente.nl',
      path: '/',
      source: 'http',
      url: 'https://www.gemeente.nl/home',
      requestId: '1000.1',
      deletes: false,
      timeMs: 40,
      pageIndex: 0,
      value: { sha256: SHA_C, length: 4 },
    },
    {
      name: '_fbp',
      domain: '.gemeente.nl',
      path: '/',
      source: 'script',
      url: 'https://connect.facebook.net/nl_NL/fbevents.js',
      frameUrl: 'https://www.gemeente.nl/home',
      api: 'document.cookie',
      deletes: false,
      timeMs: 830.5,
      pageIndex: 0,
      value: { sha256: SHA_A, length: 29, value: 'fb.1.1735786800000.123456789' },
    },
    {
      name: 'tmp',
      domain: '.gemeente.nl',
      path: '/',
      source: 'script',
      frameUrl: 'https://www.gemeente.nl/home',
      api: 'cookieStore',
      deletes: true,
      timeMs: 1000,
      pageIndex: 0,
      value: { sha256: SHA_B, length: 0 },
    },
  ],
  storage: [
    {
      kind: 'localStorage',
      origin: 'https://www.gemeente.nl',
      frameUrl: 'https://www.gemeente.nl/home',
      key: '_hjTLDTest',
      value: { sha256: SHA_A, length: 1 },
      party: 'first-party',
      pageIndex: 0,
    },
    {
      kind: 'sessionStorage',
      origin: 'https://www.youtube.com',
      frameUrl: 'https://www.youtube.com/embed/x',
      key: 'yt-remote',
      value: { sha256: SHA_B, length: 5, value: 'hello' },
      party: 'third-party',
      pageIndex: 0,
    },
  ],
  consent: { action: 'none', bannerFound: false, secondLayer: false, clicks: [], success: false },
  signals: {},
  screenshots: [],
};

const rejectPhase: PhaseObservations = {
  phase: 'reject',
  startedAt: '2025-01-02T03:00:10.000Z',
  endedAt: '2025-01-02T03:00:20.000Z',
  status: 'failed',
  error: 'net::ERR_CONNECTION_RESET',
  pages: [{ pageIndex: 0, kind: 'start', url: 'https://www.gemeente.nl/', error: 'net::ERR_CONNECTION_RESET', startedMs: 0, endedMs: 99 }],
  requests: [],
  cookies: [],
  cookieEvents: [],
  storage: [],
  consent: {
    action: 'reject',
    bannerFound: true,
    cmp: 'heuristic',
    engine: 'heuristic',
    bannerAppearedMs: 2100,
    rejectOnFirstLayer: false,
    secondLayer: true,
    clicks: [
      { text: 'Instellingen', frameUrl: 'https://www.gemeente.nl/', layer: 1, role: 'settings' },
      { text: 'Marketing', frameUrl: 'https://www.gemeente.nl/', layer: 2, role: 'toggle-off' },
      { text: 'Voorkeuren opslaan', frameUrl: 'https://www.gemeente.nl/', layer: 2, role: 'save' },
    ],
    success: true,
    consentStored: true,
  },
  signals: { tcfString: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA', tcfGdprApplies: true, tcfEventStatus: 'useractioncomplete' },
  screenshots: [{ pageIndex: 0, moment: 'after-consent', mimeType: 'image/jpeg', data: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) }],
  events: [
    { kind: 'dialog', pageIndex: 0, timeMs: 812, detail: 'alert: <b>Welkom</b>' },
    { kind: 'popup', pageIndex: 0, timeMs: 4120, detail: 'https://actie.partner.nl/?keuze=rejected' },
  ],
};

const result: SiteScanResult = {
  site: { url: 'https://www.gemeente.nl/', name: 'Gemeente', code: 'GM0479', group: 'Noord-Holland' },
  startedAt: '2025-01-02T03:00:01.000Z',
  endedAt: '2025-01-02T03:00:20.000Z',
  status: 'ok',
  siteDomain: 'gemeente.nl',
  finalUrl: 'https://www.gemeente.nl/home',
  phases: [prePhase, rejectPhase],
  attempts: 1,
};

let dir: string;
let db: Database;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cookiewatch-store-'));
  db = openDatabase(join(dir, 'nested', 'scan.sqlite'));
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the parent directory, migrates to the latest version and uses WAL', () => {
    expect(SCHEMA_VERSION).toBe(4);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(10000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('reopens an up-to-date database without changes', () => {
    const path = join(dir, 'reopen.sqlite');
    openDatabase(path).close();
    const again = openDatabase(path);
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('names the path when the file is not a SQLite database', () => {
    const path = join(dir, 'not-a-db.sqlite');
    writeFileSync(path, 'site,url\nGemeente,https://www.gemeente.nl/\n'.repeat(100));
    expect(() => openDatabase(path)).toThrow(`${path} is not a SQLite database`);
  });

  it('refuses a database from a newer cookiewatch', () => {
    const path = join(dir, 'future.sqlite');
    const raw = new BetterSqlite3(path);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase(path)).toThrow(
      `database schema version 999 is newer than this cookiewatch understands (${SCHEMA_VERSION}); upgrade cookiewatch`,
    );
  });
});

describe('runs', () => {
  it('creates a running run and finishes it', () => {
    const runId = createRun(db, runInfo);
    expect(getRun(db, runId)).toEqual({
      id: runId,
      startedAt: runInfo.startedAt,
      status: 'running',
      toolVersion: '0.1.0',
      browserVersion: 'Chromium 140.0.0.0',
      browserPath: '/opt/chromium/chrome',
      cookieControlsMode: 0,
      userAgent: runInfo.userAgent,
      options: { concurrency: 4, storeValues: false },
      resumedCount: 0,
    });
    finishRun(db, runId, 'incomplete', '2025-01-02T04:00:00.000Z');
    expect(getRun(db, runId)).toMatchObject({ status: 'incomplete', endedAt: '2025-01-02T04:00:00.000Z' });
    expect(latestRun(db)?.id).toBe(runId);
    expect(() => finishRun(db, 987654, 'complete')).toThrow('no run with id 987654');
  });
});

describe('saveSiteScan', () => {
  let runId: number;
  let siteScanId: number;

  beforeAll(() => {
    runId = createRun(db, runInfo);
    siteScanId = saveSiteScan(db, runId, result);
  });

  it('stores the site scan with its site', () => {
    expect(siteScansOfRun(db, runId)).toEqual([
      {
        id: siteScanId,
        runId,
        siteId: expect.any(Number),
        siteUrl: 'https://www.gemeente.nl/',
        siteName: 'Gemeente',
        siteCode: 'GM0479',
        siteGroup: 'Noord-Holland',
        startedAt: '2025-01-02T03:00:01.000Z',
        endedAt: '2025-01-02T03:00:20.000Z',
        status: 'ok',
        siteDomain: 'gemeente.nl',
        finalUrl: 'https://www.gemeente.nl/home',
        attempts: 1,
      },
    ]);
  });

  it('stores phases in order with their status and error', () => {
    const phases = phasesOfSiteScan(db, siteScanId);
    expect(phases.map((p) => [p.phase, p.status, p.error])).toEqual([
      ['pre', 'ok', undefined],
      ['reject', 'failed', 'net::ERR_CONNECTION_RESET'],
    ]);
  });

  it('reads every observation back exactly as it was saved', () => {
    const [pre, reject] = phasesOfSiteScan(db, siteScanId);
    if (!pre || !reject) throw new Error('phases missing');
    const strip = <T extends { id: number; phaseId: number }>(rows: T[]) =>
      rows.map((r) => {
        expect(r.phaseId).toBe(pre.id);
        const { id: _id, phaseId: _phaseId, ...rest } = r;
        return rest;
      });
    expect(strip(pagesOfPhase(db, pre.id))).toEqual(prePhase.pages);
    expect(strip(requestsOfPhase(db, pre.id))).toEqual(prePhase.requests);
    expect(strip(cookiesOfPhase(db, pre.id))).toEqual(prePhase.cookies);
    expect(strip(cookieEventsOfPhase(db, pre.id))).toEqual(prePhase.cookieEvents);
    expect(strip(storageOfPhase(db, pre.id))).toEqual(prePhase.storage);
    expect(requestsOfPhase(db, reject.id)).toEqual([]);
    expect(pagesOfPhase(db, reject.id)).toHaveLength(1);
  });

  it('keeps absent values NULL and booleans 0/1 in the tables', () => {
    const cookies = db
      .prepare('SELECT name, value, session, http_only, expires, same_site FROM cookies ORDER BY id')
      .all();
    expect(cookies).toEqual([
      { name: '_fbp', value: null, session: 0, http_only: 0, expires: 1743562800, same_site: 'Lax' },
      { name: 'fr', value: 'fr-value-123456789', session: 0, http_only: 1, expires: 1743562800, same_site: 'None' },
      { name: 'sessie', value: null, session: 1, http_only: 1, expires: null, same_site: null },
    ]);
    const events = db.prepare('SELECT name, deletes, value, api FROM cookie_events ORDER BY id').all();
    expect(events).toEqual([
      { name: 'sessie', deletes: 0, value: null, api: null },
      { name: '_fbp', deletes: 0, value: 'fb.1.1735786800000.123456789', api: 'document.cookie' },
      { name: 'tmp', deletes: 1, value: null, api: 'cookieStore' },
    ]);
  });

  it('summarises each phase', () => {
    const [pre, reject] = phasesOfSiteScan(db, siteScanId);
    expect(phaseSummary(db, siteScanId)).toEqual([
      {
        phaseId: pre?.id,
        phase: 'pre',
        status: 'ok',
        requestCount: 5,
        thirdPartyDomains: ['facebook.com', 'facebook.net'],
        firstPartyCookieCount: 2,
        thirdPartyCookieCount: 1,
      },
      {
        phaseId: reject?.id,
        phase: 'reject',
        status: 'failed',
        error: 'net::ERR_CONNECTION_RESET',
        requestCount: 0,
        thirdPartyDomains: [],
        firstPartyCookieCount: 0,
        thirdPartyCookieCount: 0,
      },
    ]);
  });

  it('loads the whole SiteScanResult back', () => {
    expect(loadSiteScanResult(db, siteScanId)).toEqual(result);
    expect(loadSiteScanResult(db, 987654)).toBeUndefined();
  });

  it('replaces the site scan when the same site is saved again in the run', () => {
    const count = (table: string) => (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
    const before = { requests: count('requests'), phases: count('phases') };
    const rescan: SiteScanResult = {
      ...result,
      // A list without a name must not erase the one we have; a new code replaces the old.
      site: { url: result.site.url, code: 'GM0480' },
      status: 'failed',
      failureClass: 'timeout',
      failureMessage: 'site deadline of 120 s passed',
      phases: [prePhase],
    };
    delete rescan.finalUrl;
    const again = saveSiteScan(db, runId, rescan);
    expect(again).not.toBe(siteScanId);
    const scans = siteScansOfRun(db, runId);
    expect(scans).toHaveLength(1);
    expect(scans[0]).toMatchObject({
      id: again,
      siteName: 'Gemeente',
      siteCode: 'GM0480',
      siteGroup: 'Noord-Holland',
      status: 'failed',
      failureClass: 'timeout',
      failureMessage: 'site deadline of 120 s passed',
    });
    expect(scans[0]?.finalUrl).toBeUndefined();
    // The old scan's phases and observations went with it; the new one's replaced them.
    expect(phasesOfSiteScan(db, siteScanId)).toEqual([]);
    expect(count('phases')).toBe(before.phases - 1);
    expect(count('requests')).toBe(before.requests);
    expect(count('sites')).toBe(1);
  });

  it('keeps one site scan per run: another run gets its own', () => {
    const otherRun = createRun(db, { ...runInfo, startedAt: '2025-01-03T03:00:00.000Z' });
    saveSiteScan(db, otherRun, result);
    expect(siteScansOfRun(db, otherRun)).toHaveLength(1);
    expect(siteScansOfRun(db, runId)).toHaveLength(1);
    expect(latestRun(db)?.id).toBe(otherRun);
  });

  it('saves nothing when part of a site scan fails', () => {
    const phases = db.prepare('SELECT count(*) FROM phases').pluck().get();
    const twice: SiteScanResult = { ...result, site: { url: 'https://other.nl/' }, phases: [prePhase, prePhase] };
    expect(() => saveSiteScan(db, runId, twice)).toThrow(/UNIQUE/);
    expect(db.prepare('SELECT count(*) FROM phases').pluck().get()).toBe(phases);
    expect(db.prepare("SELECT count(*) FROM sites WHERE url = 'https://other.nl/'").pluck().get()).toBe(0);
  });

  it('refuses an unknown run', () => {
    expect(() => saveSiteScan(db, 987654, result)).toThrow('no run with id 987654');
  });

  it('leaves a consistent database', () => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
});
