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
