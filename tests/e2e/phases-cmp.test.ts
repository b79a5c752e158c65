import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phaseView, readDb, runCli, scanFixtureSites, type CliResult } from './helpers.js';

// Sites gated by real CMPs from npm: nothing before consent, trackers after accept, none after reject.
const GATED = {
  'https://www.klaarwater.nl/': 'klaro',
  'https://www.koekendaal.nl/': 'vanilla-cookieconsent',
  'https://www.osenveld.nl/': 'Osano cookieconsent',
  'https://www.taartwoude.nl/': 'tarteaucitron',
};

let server: FixtureServer;
let db: Database.Database;
let scan: CliResult;

beforeAll(async () => {
  server = await startFixtureServer();
  const { result, dbPath } = await scanFixtureSites(server.hostResolverRules, [...Object.keys(GATED), 'https://www.volgdorp.nl/']);
  scan = result;
  db = readDb(dbPath);
}, 300_000);

afterAll(async () => {
  db?.close();
  await server?.close();
});

describe('three phases on sites with real CMPs', () => {
  it('the scan completes', () => {
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(0);
  });

  for (const [url, cmp] of Object.entries(GATED)) {
    describe(`${cmp} (${url})`, () => {
      it('pre: banner seen, nothing clicked, no tracker hits, a screenshot kept', () => {
        const pre = phaseView(db, url, 'pre');
        expect(pre.phase).toMatchObject({ consent_action: 'none', banner_found: 1 });
        expect(pre.clicks).toEqual([]);
        expect(pre.gaHits).toEqual([]);
        expect(pre.pixelHits).toEqual([]);
        expect(pre.cookieNames.has('_ga')).toBe(false);
        expect(pre.screenshots).toEqual([{ moment: 'banner', bytes: expect.any(Number) }]);
        expect(Number(pre.screenshots[0]?.bytes)).toBeGreaterThan(2000);
      });

      it('accept: an accept click that took, then GA4 and the Facebook Pixel fire', () => {
        const accept = phaseView(db, url, 'accept');
        expect(accept.phase).toMatchObject({ consent_action: 'accept', banner_found: 1, consent_success: 1 });
        expect(accept.clicks.length).toBeGreaterThan(0);
        expect(accept.gaHits.length).toBeGreaterThan(0);
        expect(accept.pixelHits.length).toBeGreaterThan(0);
        expect(accept.cookieNames.has('_ga')).toBe(true);
        expect(accept.cookieNames.has('fr')).toBe(true);
        expect(accept.pages.map((p) => p.kind)).toEqual(['start', 'reload', 'subpage']);
      });

      it('reject: a reject click that took, and no tracker fires on any page', () => {
        const reject = phaseView(db, url, 'reject');
        expect(reject.phase).toMatchObject({ consent_action: 'reject', banner_found: 1, consent_success: 1 });
        expect(reject.clicks.some((c) => c.role === 'reject' || c.role === 'save')).toBe(true);
        expect(reject.gaHits).toEqual([]);
        expect(reject.pixelHits).toEqual([]);
        expect(reject.cookieNames.has('_ga')).toBe(false);
        expect(reject.cookieNames.has('fr')).toBe(false);
      });
    });
  }

  it('a site without a banner: no banner in any phase, trackers in every phase', () => {
    for (const phase of ['pre', 'accept', 'reject'] as const) {
      const v = phaseView(db, 'https://www.volgdorp.nl/', phase);
      expect(v.phase).toMatchObject({ banner_found: 0, consent_success: 0 });
      expect(v.clicks).toEqual([]);
      expect(v.gaHits.length).toBeGreaterThan(0);
      expect(v.pixelHits.length).toBeGreaterThan(0);
    }
  });
});

describe('classification and reclassify', () => {
  const grades = () =>
    Object.fromEntries(
      db.prepare('SELECT t.url, s.grade FROM site_scans s JOIN sites t ON t.id = s.site_id').all().map((r) => {
        const row = r as { url: string; grade: string };
        return [row.url, row.grade];
      }),
    );

  it('sites gated by a real CMP are graded A; the site without banner is not', () => {
    const g = grades();
    for (const url of Object.keys(GATED)) expect(g[url]).toBe('A');
    expect(g['https://www.volgdorp.nl/']).toBe('E');
    const v = db
      .prepare(`SELECT verdict FROM verdicts v JOIN site_scans s ON s.id = v.site_scan_id JOIN sites t ON t.id = s.site_id WHERE t.url = ? ORDER BY verdict`)
      .pluck()
      .all('https://www.volgdorp.nl/');
    // Its privacy statement names no third party (issue 7).
    expect(v).toEqual(['analytics_before_consent', 'tracking_before_consent', 'tracking_without_banner', 'undisclosed_third_parties']);
  });

  it('reads privacy statements written before the disclosure check existed: trackers found after accepting are named', () => {
    const rows = db
      .prepare(
        `SELECT t.url, d.tracker_id, d.status, d.term FROM disclosures d JOIN site_scans s ON s.id = d.site_scan_id
         JOIN sites t ON t.id = s.site_id ORDER BY t.url, d.tracker_id`,
      )
      .all() as Array<{ url: string; tracker_id: string; status: string; term: string | null }>;
    const of = (url: string) => Object.fromEntries(rows.filter((r) => r.url === url).map((r) => [r.tracker_id, `${r.status}: ${r.term}`]));
    // Cookie tables, a sentence with both, "(GA4)" and "Facebook Pixel" instead of "Meta Pixel".
    expect(of('https://www.klaarwater.nl/')).toEqual({ 'facebook-pixel': 'named: Meta Pixel', 'google-analytics': 'named: Google Analytics' });
    expect(of('https://www.osenveld.nl/')).toEqual({ 'facebook-pixel': 'named: Meta Pixel', 'google-analytics': 'named: Google Analytics' });
    expect(of('https://www.taartwoude.nl/')).toEqual({ 'facebook-pixel': 'named: Facebook Pixel', 'google-analytics': 'named: Google Analytics' });
    expect(of('https://www.volgdorp.nl/')).toEqual({ 'facebook-pixel': 'not-named: null', 'google-analytics': 'not-named: null' });
  });

  it('the CMPs themselves are findings of category consent, never a verdict', () => {
    const cmps = db.prepare("SELECT DISTINCT tracker_id FROM findings WHERE category = 'consent' ORDER BY tracker_id").pluck().all();
    expect(cmps).toEqual(expect.arrayContaining(['klaro', 'osano-cookieconsent', 'tarteaucitron', 'vanilla-cookieconsent']));
  });

  it('every finding and verdict carries the rules version', () => {
    const versions = db.prepare('SELECT DISTINCT rules_version FROM findings UNION SELECT DISTINCT rules_version FROM site_scans').pluck().all();
    expect(versions).toHaveLength(1);
    expect(String(versions[0])).toMatch(/^[0-9a-f]{12}\+verdicts-\d+(\+trackerdb-[\d.]+)?$/);
  });

  it('reclassify re-judges stored scans without a browser and reaches the same conclusions', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'cookiewatch-reclassify-')), 'copy.sqlite');
    await db.backup(copy);
    const before = db.prepare('SELECT count(*) FROM findings').pluck().get();
    const r = await runCli(['reclassify', '--db', copy, '--no-trackerdb']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^reclassified 5 site scan\(s\) with rules [0-9a-f]{12}\+verdicts-\d+ \(A: 4, E: 1\)/);
    const again = readDb(copy);
    try {
      const own = again.prepare("SELECT count(*) FROM findings WHERE source = 'rules'").pluck().get();
      expect(own).toBe(db.prepare("SELECT count(*) FROM findings WHERE source = 'rules'").pluck().get());
      expect(again.prepare("SELECT count(*) FROM findings WHERE source = 'trackerdb'").pluck().get()).toBe(0);
      expect(Number(before)).toBeGreaterThanOrEqual(Number(own));
    } finally {
      again.close();
    }
  });
});
