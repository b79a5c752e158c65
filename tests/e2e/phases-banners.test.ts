import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { phaseView, readDb, scanFixtureSites, type CliResult } from './helpers.js';

// Home-made Dutch banners of every awkward kind, and sites that get consent wrong.
const GATED = [
  'https://www.tagmeer.nl/', // gates Google Tag Manager
  'https://www.schaduwveen.nl/', // banner in shadow DOM
  'https://www.lijsterzijl.nl/', // banner in a cross-origin iframe
  'https://www.traagdijk.nl/', // banner after two seconds
  'https://www.tweelaar.nl/', // two layers: reject only in the settings layer
];
const NEGEERWOLDE = 'https://www.negeerwolde.nl/'; // ignores "Weigeren"
const VROEGBEEK = 'https://www.vroegbeek.nl/'; // trackers before the banner is answered
const EVENDAM = 'https://www.evendam.nl/'; // a pixel on one subpage only

let server: FixtureServer;
let db: Database.Database;
let scan: CliResult;

beforeAll(async () => {
  server = await startFixtureServer();
  const { result, dbPath } = await scanFixtureSites(server.hostResolverRules, [...GATED, NEGEERWOLDE, VROEGBEEK, EVENDAM], ['--pages', '2']);
  scan = result;
  db = readDb(dbPath);
}, 420_000);

afterAll(async () => {
  db?.close();
  await server?.close();
});

describe('three phases on home-made banners', () => {
  it('the scan completes', () => {
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(0);
  });

  for (const url of GATED) {
    it(`${url}: nothing before consent, trackers after accept, none after reject`, () => {
      const pre = phaseView(db, url, 'pre');
      expect(pre.phase).toMatchObject({ banner_found: 1, consent_engine: 'heuristic' });
      expect([pre.gaHits.length, pre.pixelHits.length]).toEqual([0, 0]);

      const accept = phaseView(db, url, 'accept');
      expect(accept.phase).toMatchObject({ consent_success: 1, consent_stored: 1 });
      expect(accept.clicks.at(-1)).toMatchObject({ role: 'accept', layer: 1 });
      expect(accept.gaHits.length).toBeGreaterThan(0);
      expect(accept.pixelHits.length).toBeGreaterThan(0);

      const reject = phaseView(db, url, 'reject');
      expect(reject.phase).toMatchObject({ consent_success: 1 });
      expect([reject.gaHits.length, reject.pixelHits.length]).toEqual([0, 0]);
    });
  }

  it('GTM is loaded only after accept', () => {
    const gtm = (v: ReturnType<typeof phaseView>) => v.requests.filter((r) => /googletagmanager\.com\/gtm\.js\?id=GTM-/.test(String(r.url)));
    expect(gtm(phaseView(db, 'https://www.tagmeer.nl/', 'pre'))).toEqual([]);
    expect(gtm(phaseView(db, 'https://www.tagmeer.nl/', 'accept')).length).toBeGreaterThan(0);
    expect(gtm(phaseView(db, 'https://www.tagmeer.nl/', 'reject'))).toEqual([]);
  });

  it('the clicked buttons are the Dutch ones, in the frame where they were', () => {
    expect(phaseView(db, 'https://www.tagmeer.nl/', 'accept').clicks.at(-1)?.text).toBe('Alle cookies accepteren');
    expect(phaseView(db, 'https://www.tagmeer.nl/', 'reject').clicks.at(-1)?.text).toBe('Weigeren');
    const iframeReject = phaseView(db, 'https://www.lijsterzijl.nl/', 'reject').clicks.at(-1);
    expect(iframeReject).toMatchObject({ text: 'Alleen noodzakelijke cookies' });
    expect(String(iframeReject?.frame_url)).toMatch(/^https:\/\/cmp\.toestemmingsloket\.nl\//);
  });

  it('a delayed banner is waited for and its appearance time recorded', () => {
    const pre = phaseView(db, 'https://www.traagdijk.nl/', 'pre');
    expect(Number(pre.phase.banner_appeared_ms)).toBeGreaterThanOrEqual(1500);
  });

  it('two layers: accept on the first, reject through the settings layer with the switches off', () => {
    const reject = phaseView(db, 'https://www.tweelaar.nl/', 'reject');
    expect(reject.phase).toMatchObject({ second_layer: 1, reject_on_first_layer: 0 });
    expect(reject.clicks[0]).toMatchObject({ text: 'Instellingen', role: 'settings', layer: 1 });
    expect(reject.clicks.at(-1)).toMatchObject({ text: 'Voorkeuren opslaan', role: 'save', layer: 2 });
    const accept = phaseView(db, 'https://www.tweelaar.nl/', 'accept');
    expect(accept.phase).toMatchObject({ second_layer: 0, reject_on_first_layer: 0 });
    expect(phaseView(db, 'https://www.tagmeer.nl/', 'accept').phase.reject_on_first_layer).toBe(1);
  });

  it('a site that ignores "Weigeren" still tracks after reject', () => {
    const reject = phaseView(db, NEGEERWOLDE, 'reject');
    expect(reject.phase).toMatchObject({ consent_success: 1 });
    expect(reject.clicks.at(-1)).toMatchObject({ text: 'Weigeren', role: 'reject' });
    expect(reject.gaHits.length).toBeGreaterThan(0);
    expect(reject.pixelHits.length).toBeGreaterThan(0);
  });

  it('trackers that fire before the banner is answered show in pre', () => {
    const pre = phaseView(db, VROEGBEEK, 'pre');
    expect(pre.phase.banner_found).toBe(1);
    expect(pre.clicks).toEqual([]);
    expect(pre.gaHits.length).toBeGreaterThan(0);
    expect(pre.pixelHits.length).toBeGreaterThan(0);
  });

  it('a tracker only on a subpage is seen there, and only there', () => {
    const pre = phaseView(db, EVENDAM, 'pre');
    expect(pre.phase.banner_found).toBe(0);
    const subpage = pre.pages.find((p) => String(p.url).endsWith('/evenementen'));
    expect(subpage).toMatchObject({ kind: 'subpage' });
    expect(pre.pixelHits.map((r) => r.page_index)).toEqual(pre.pixelHits.map(() => subpage?.page_index));
    expect(pre.pixelHits.length).toBeGreaterThan(0);
  });
});

describe('classification of the home-made banner sites', () => {
  const verdictsOf = (url: string) =>
    db
      .prepare(
        `SELECT v.verdict FROM verdicts v JOIN site_scans s ON s.id = v.site_scan_id JOIN sites t ON t.id = s.site_id
         WHERE t.url = ? ORDER BY v.verdict`,
      )
      .pluck()
      .all(url) as string[];
  const gradeOf = (url: string) =>
    db.prepare('SELECT s.grade FROM site_scans s JOIN sites t ON t.id = s.site_id WHERE t.url = ?').pluck().get(url);

  it('a properly gated site gets no verdict and grade A', () => {
    for (const url of ['https://www.tagmeer.nl/', 'https://www.schaduwveen.nl/', 'https://www.lijsterzijl.nl/', 'https://www.traagdijk.nl/']) {
      expect(verdictsOf(url)).toEqual([]);
      expect(gradeOf(url)).toBe('A');
    }
  });

  it('a two-layer banner: no reject on the first layer, grade B', () => {
    expect(verdictsOf('https://www.tweelaar.nl/')).toEqual(['no_reject_on_first_layer']);
    expect(gradeOf('https://www.tweelaar.nl/')).toBe('B');
  });

  it('reject ignored: tracking after reject, grade F, with the exact pixel request as evidence', () => {
    expect(verdictsOf(NEGEERWOLDE)).toEqual(['tracking_after_reject']);
    expect(gradeOf(NEGEERWOLDE)).toBe('F');
    const evidence = db
      .prepare(
        `SELECT r.url, r.page_index, p.name AS phase, f.tracker_id, f.rule, f.account_ids_json
         FROM verdicts v JOIN site_scans s ON s.id = v.site_scan_id JOIN sites t ON t.id = s.site_id
         JOIN findings f ON f.site_scan_id = s.id AND f.seq IN (SELECT value FROM json_each(v.finding_seqs_json))
         JOIN requests r ON r.id = f.request_row_id JOIN phases p ON p.id = f.phase_id
         WHERE t.url = ? AND v.verdict = 'tracking_after_reject' AND f.tracker_id = 'facebook-pixel'`,
      )
      .all(NEGEERWOLDE) as Array<Record<string, unknown>>;
    const pixel = evidence.find((e) => /facebook\.com\/tr/.test(String(e.url)));
    expect(pixel).toMatchObject({ phase: 'reject' });
    expect(Number(pixel?.page_index)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(String(pixel?.account_ids_json))).toContainEqual({ kind: 'facebook-pixel', value: '3605551275463989' });
  });

  it('trackers before the banner is answered: tracking and analytics before consent, and after reject', () => {
    // Its privacy statement names Google Analytics but not Meta (issue 7).
    expect(verdictsOf(VROEGBEEK)).toEqual(['analytics_before_consent', 'tracking_after_reject', 'tracking_before_consent', 'undisclosed_third_parties']);
  });

  it('a pixel on a subpage of a site without banner: tracking before consent and without banner', () => {
    // Its statement speaks of no tracking cookies and names no Meta Pixel.
    expect(verdictsOf(EVENDAM)).toEqual(['tracking_before_consent', 'tracking_without_banner', 'undisclosed_third_parties']);
    expect(gradeOf(EVENDAM)).toBe('E');
  });

  it('GA4 findings carry the measurement id parsed from the hit', () => {
    const ids = db
      .prepare(
        `SELECT DISTINCT f.account_ids_json FROM findings f JOIN site_scans s ON s.id = f.site_scan_id JOIN sites t ON t.id = s.site_id
         WHERE t.url = ? AND f.tracker_id = 'google-analytics' AND f.evidence_kind = 'request'`,
      )
      .pluck()
      .all(VROEGBEEK) as string[];
    expect(ids.flatMap((j) => JSON.parse(j))).toContainEqual({ kind: 'ga-measurement-id', value: 'G-VROEGB0001' });
  });
});
