import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import {
  SCRIPTWOLDE_COOKIE,
  SCRIPTWOLDE_PAYLOAD,
  SCRIPTWOLDE_PIXEL,
  SCRIPTWOLDE_TITLE,
  WISSELMEER_PIXEL,
} from '../../fixtures/hosts/story.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { QUICK, readDb, runCli, tempDb, type CliResult } from './helpers.js';

// The story sites in real Chromium, start page and `pre` only: run 1 scans Scriptwolde (hostile data)
// and Wisselmeer with its Meta Pixel; then the pixel is switched off and run 2 scans Wisselmeer again.
const SCRIPTWOLDE = 'https://www.scriptwolde.nl/';
const WISSELMEER = 'https://www.wisselmeer.nl/';

let server: FixtureServer;
let dbPath: string;
let first: CliResult;
let second: CliResult;
let db: Database.Database;

type Row = Record<string, unknown>;

beforeAll(async () => {
  server = await startFixtureServer();
  dbPath = tempDb();
  const scan = (urls: string[]) =>
    runCli([
      'scan', ...urls, '--db', dbPath, '--host-resolver-rules', server.hostResolverRules, '--ignore-https-errors',
      '--phases', 'pre', '--store-values', '--concurrency', '2', ...QUICK,
    ]);
  first = await scan([SCRIPTWOLDE, WISSELMEER]);
  server.setScenario(WISSELMEER_PIXEL, 'removed');
  second = await scan([WISSELMEER]);
  db = readDb(dbPath);
}, 120_000);

afterAll(async () => {
  db?.close();
  await server?.close();
});

/** Rows of `table` in the pre phase of `url` in run `runId`. */
function rows(table: 'cookies' | 'storage' | 'pages' | 'requests' | 'findings', url: string, runId = 1): Row[] {
  return db
    .prepare(
      `SELECT x.* FROM ${table} x JOIN phases p ON p.id = x.phase_id JOIN site_scans s ON s.id = p.site_scan_id
       JOIN sites t ON t.id = s.site_id WHERE t.url = ? AND s.run_id = ? AND p.name = 'pre' ORDER BY x.id`,
    )
    .all(url, runId) as Row[];
}

const trackerIds = (url: string, runId: number) => new Set(rows('findings', url, runId).map((f) => f.tracker_id));

describe('story sites in Chromium', () => {
  it('both runs complete', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(first.stdout).toMatch(/ok 2, failed 0/);
    expect(second.stdout).toMatch(/ok 1, failed 0/);
  });

  it('scriptwolde: the hostile strings are recorded verbatim', () => {
    const cookie = rows('cookies', SCRIPTWOLDE).find((c) => String(c.name).startsWith('_hj'));
    expect(cookie).toMatchObject({
      name: SCRIPTWOLDE_COOKIE,
      value: SCRIPTWOLDE_PAYLOAD,
      domain: 'www.scriptwolde.nl',
      party: 'first-party',
      setter: 'script',
      setter_url: 'https://www.scriptwolde.nl/js/site.js',
    });
    const hotjar = rows('findings', SCRIPTWOLDE).filter((f) => f.tracker_id === 'hotjar');
    expect(hotjar).toHaveLength(1);
    expect(hotjar[0]).toMatchObject({ evidence_kind: 'cookie', cookie_row_id: cookie?.id });

    const storage = rows('storage', SCRIPTWOLDE).find((s) => s.key === SCRIPTWOLDE_PAYLOAD);
    expect(storage).toMatchObject({ kind: 'localStorage', origin: 'https://www.scriptwolde.nl', value: '"><script>alert(3)</script>' });

    expect(rows('pages', SCRIPTWOLDE)[0]).toMatchObject({ kind: 'start', url: SCRIPTWOLDE, title: SCRIPTWOLDE_TITLE });

    const hit = `https://www.facebook.com/tr?id=${SCRIPTWOLDE_PIXEL}&ev=PageView&dl=${encodeURIComponent(SCRIPTWOLDE_PAYLOAD)}`;
    const request = rows('requests', SCRIPTWOLDE).find((r) => r.url === hit);
    expect(request).toMatchObject({ status: 200, party: 'third-party', resource_type: 'image' });
    expect(new URL(hit).searchParams.get('dl')).toBe(SCRIPTWOLDE_PAYLOAD);
    const pixel = rows('findings', SCRIPTWOLDE).filter((f) => f.tracker_id === 'facebook-pixel' && f.evidence_kind === 'request');
    expect(pixel.map((f) => f.request_row_id)).toContain(request?.id);
  });

  it('wisselmeer: the Meta Pixel in run 1, gone in run 2; GA4 in both', () => {
    const before = trackerIds(WISSELMEER, 1);
    const after = trackerIds(WISSELMEER, 2);
    expect(before.has('facebook-pixel')).toBe(true);
    expect(before.has('google-analytics')).toBe(true);
    expect(after.has('facebook-pixel')).toBe(false);
    expect(after.has('google-analytics')).toBe(true);
    expect(rows('requests', WISSELMEER, 2).filter((r) => /facebook\.(com|net)/.test(String(r.url)))).toEqual([]);
    expect(rows('cookies', WISSELMEER, 2).map((c) => c.name)).toEqual(expect.arrayContaining(['_ga', '_ga_WISSEL0001']));
  });
});
