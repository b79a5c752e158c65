import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RequestObservation } from '../../src/observe/types.js';
import {
  CATEGORY_MAP,
  PATTERN_CATEGORY,
  findingFromTrackerDb,
  loadTrackerDb,
  mapCategory,
  type TrackerDb,
} from '../../src/classify/trackerdb.js';

const SITE = 'https://www.gemeente-utrecht.nl/';
const packageRoot = join(dirname(createRequire(import.meta.url).resolve('@ghostery/trackerdb')), '..', '..');

let db: TrackerDb;
let loadMs = 0;

beforeAll(async () => {
  const started = performance.now();
  const loaded = await loadTrackerDb();
  loadMs = performance.now() - started;
  if (!loaded) throw new Error('trackerdb did not load');
  db = loaded;
});

describe('loadTrackerDb', () => {
  it('loads the bundled engine offline and reports the package version', () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    expect(db.version).toBe(pkg.version);
    expect(db.version).toMatch(/^\d+\.\d+\.\d+$/);
    console.log(`trackerdb ${db.version}: loaded in ${loadMs.toFixed(0)} ms (import, read, deserialise)`);
  });

  it('resolves to undefined, without throwing, when the engine file is missing or broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cookiewatch-trackerdb-'));
    await expect(loadTrackerDb({ enginePath: join(dir, 'missing.engine') })).resolves.toBeUndefined();
    const garbage = join(dir, 'garbage.engine');
    writeFileSync(garbage, Buffer.from('not an engine at all, just some bytes'));
    await expect(loadTrackerDb({ enginePath: garbage })).resolves.toBeUndefined();
    const empty = join(dir, 'empty.engine');
    writeFileSync(empty, Buffer.alloc(0));
    await expect(loadTrackerDb({ enginePath: empty })).resolves.toBeUndefined();
  });
});

describe('lookup: known trackers', () => {
  it.each([
    // url, resource type, pattern key, organisation, country, trackerdb category, our category
    ['https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123', 'ping', 'google_analytics', 'Google', 'US', 'site_analytics', 'analytics'],
    ['https://region1.google-analytics.com/g/collect?v=2', 'fetch', 'google_analytics', 'Google', 'US', 'site_analytics', 'analytics'],
    ['https://connect.facebook.net/en_US/fbevents.js', 'script', 'facebook_connect', 'Meta', 'US', 'site_analytics', 'analytics'],
    ['https://www.facebook.com/tr?id=123&ev=PageView', 'image', 'facebook_custom_audience', 'Meta', 'US', 'advertising', 'advertising'],
    ['https://static.hotjar.com/c/hotjar-1.js?sv=6', 'script', 'hotjar', 'Hotjar', 'MT', 'site_analytics', 'analytics'],
    ['https://cdn.cookielaw.org/scripttemplates/otSDKStub.js', 'script', 'onetrust', 'OneTrust', 'US', 'consent', 'consent'],
    ['https://consent.cookiebot.com/uc.js', 'script', 'cookiebot', 'Usercentrics', 'DE', 'consent', 'consent'],
    ['https://bat.bing.com/bat.js', 'script', 'bing_ads', 'Microsoft', 'US', 'advertising', 'advertising'],
    ['https://ib.adnxs.com/getuid?https://example.com/sync', 'image', 'appnexus', 'Microsoft', 'US', 'advertising', 'advertising'],
    ['https://sb.scorecardresearch.com/beacon.js', 'script', 'scorecard_research_beacon', 'comScore, Inc.', 'US', 'site_analytics', 'analytics'],
    ['https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123/', 'image', 'google_remarketing', 'Google', 'US', 'advertising', 'advertising'],
    ['https://siteimproveanalytics.com/js/siteanalyze_6000000.js', 'script', 'siteimprove_analytics', 'Siteimprove', 'DK', 'site_analytics', 'analytics'],
    ['https://www.youtube.com/embed/dQw4w9WgXcQ', 'document', 'youtube', 'Google', 'US', 'audio_video_player', 'embed'],
    ['https://player.vimeo.com/video/1', 'document', 'vimeo', 'Vimeo', 'US', 'audio_video_player', 'embed'],
    ['https://www.googletagmanager.com/gtm.js?id=GTM-ABC', 'script', 'google_tag_manager', 'Google', 'US', 'utilities', 'tag-manager'],
    ['https://fonts.googleapis.com/css2?family=Roboto', 'stylesheet', 'google_fonts', 'Google', 'US', 'hosting', 'fonts'],
    ['https://maps.googleapis.com/maps/api/js?key=x', 'script', 'google_maps', 'Google', 'US', 'utilities', 'maps'],
  ])('%s (%s) → %s', (url, type, key, org, country, tdbCategory, category) => {
    const match = db.lookup(url, { siteUrl: SITE, resourceType: type });
    expect(match).toMatchObject({
      patternKey: key,
      organisation: { name: org, country },
      trackerDbCategory: tdbCategory,
      category,
    });
  });

  it('prefers a URL pattern over the bare host, and says which matched', () => {
    // fbevents.js is both a `facebook_connect` URL pattern and on the `facebook` pattern's domain list.
    expect(db.lookup('https://connect.facebook.net/en_US/fbevents.js', { siteUrl: SITE, resourceType: 'script' })).toMatchObject({
      patternKey: 'facebook_connect',
      matchedBy: 'filter',
    });
    // GA4's /g/collect is not among GA's URL patterns: the host alone names it.
    expect(db.lookup('https://www.google-analytics.com/g/collect', { siteUrl: SITE, resourceType: 'ping' })).toMatchObject({
      patternKey: 'google_analytics',
      matchedBy: 'domain',
    });
  });

  it('does not care about the case of the host or an unknown resource type', () => {
    expect(db.lookup('https://BAT.Bing.COM/bat.js', { siteUrl: SITE, resourceType: 'script' })?.patternKey).toBe('bing_ads');
    expect(db.lookup('https://bat.bing.com/bat.js', { siteUrl: SITE, resourceType: 'no-such-type' })?.patternKey).toBe('bing_ads');
  });
});

describe('lookup: what it must not name', () => {
  it.each([
    ['a municipal site as a third party', 'https://www.gemeente-utrecht.nl/', 'https://www.example.nl/'],
    ['a municipal site as its own page', 'https://www.gemeente-utrecht.nl/afval', SITE],
    ['a lookalike host', 'https://google-analytics.com.evil.nl/x.js', SITE],
    ['a lookalike host, prefixed', 'https://www.notgoogle-analytics.com/analytics.js', SITE],
    ['a tracker name in the path', 'https://www.example.nl/www.google-analytics.com/analytics.js', SITE],
    ['a tracker name in the query', 'https://www.example.nl/?u=https://connect.facebook.net/en_US/fbevents.js', SITE],
    ['a data: URL', 'data:image/gif;base64,R0lGODlhAQABAAAAACw=', SITE],
    ['a blob: URL', 'blob:https://www.example.nl/5f1b6a4e', SITE],
    ['not a URL', 'not a url', SITE],
    ['an empty string', '', SITE],
  ])('%s', (_what, url, siteUrl) => {
    expect(db.lookup(url, { siteUrl, resourceType: 'script' })).toBeUndefined();
  });

  it("does not name the site's own domain by the host alone", () => {
    // On hotjar.com itself, its static host is first party: trackerdb's host list says who runs it, not that it tracks.
    expect(db.lookup('https://static.hotjar.com/c/hotjar-1.js', { siteUrl: 'https://www.hotjar.com/', resourceType: 'script' })).toBeUndefined();
    // Without a site to compare with, the host still names its organisation.
    expect(db.lookup('https://static.hotjar.com/c/hotjar-1.js', { siteUrl: '', resourceType: 'script' })?.patternKey).toBe('hotjar');
  });

  it('names CDNs as hosting, which is not a tracking category', () => {
    const cdnjs = db.lookup('https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js', { siteUrl: SITE, resourceType: 'script' });
    expect(cdnjs).toMatchObject({ patternKey: 'cloudflare', trackerDbCategory: 'hosting', category: 'other', matchedBy: 'domain' });
    // jsDelivr has no organisation in trackerdb: the pattern's own name stands in, without a country.
    const jsdelivr = db.lookup('https://cdn.jsdelivr.net/npm/jquery@3/dist/jquery.min.js', { siteUrl: SITE, resourceType: 'script' });
    expect(jsdelivr).toMatchObject({ patternKey: 'jsdelivr', organisation: { name: 'jsDelivr', country: '' }, category: 'other' });
    expect(jsdelivr?.organisationKey).toBeUndefined();
  });
});

describe('category mapping', () => {
  const shipped = JSON.parse(readFileSync(join(packageRoot, 'dist', 'trackerdb.json'), 'utf8')) as {
    categories: Record<string, unknown>;
    patterns: Record<string, { category: string }>;
  };

  it('covers every category in the shipped database', () => {
    for (const key of Object.keys(shipped.categories)) expect(Object.keys(CATEGORY_MAP)).toContain(key);
  });

  it('refines only patterns that exist in the shipped database', () => {
    for (const key of Object.keys(PATTERN_CATEGORY)) expect(shipped.patterns[key], key).toBeDefined();
  });

  it.each([
    ['advertising', 'advertising'],
    ['pornvertising', 'advertising'],
    ['site_analytics', 'analytics'],
    ['social_media', 'social'],
    ['consent', 'consent'],
    ['audio_video_player', 'embed'],
    ['customer_interaction', 'other'],
    ['utilities', 'functional'],
    ['essential', 'functional'],
    ['hosting', 'other'],
    ['cdn', 'other'],
    ['misc', 'other'],
    ['extensions', 'other'],
    ['a_category_from_the_future', 'other'],
    ['toString', 'other'],
  ])('%s → %s', (tdb, ours) => {
    expect(mapCategory(tdb)).toBe(ours);
  });
});

describe('findingFromTrackerDb', () => {
  const request: RequestObservation = {
    requestId: '42.1',
    hop: 0,
    pageIndex: 1,
    url: 'https://ib.adnxs.com/getuid?https://example.com/sync',
    method: 'GET',
    resourceType: 'image',
    status: 302,
    isMainFrame: true,
    initiator: { type: 'script', url: 'https://www.example.nl/ads.js' },
    timeMs: 1234,
    host: 'ib.adnxs.com',
    domain: 'adnxs.com',
    party: 'third-party',
  };

  it('records the organisation and category, with seriousness 0 even for advertising', () => {
    const match = db.lookup(request.url, { siteUrl: SITE, resourceType: request.resourceType });
    expect(match).toBeDefined();
    const finding = findingFromTrackerDb(request, 7, 'pre', match!);
    expect(finding).toEqual({
      phase: 'pre',
      trackerId: 'trackerdb:appnexus',
      trackerName: match!.trackerName,
      organisation: { name: 'Microsoft', country: 'US' },
      category: 'advertising',
      seriousness: 0,
      source: 'trackerdb',
      rule: 'trackerdb:appnexus',
      evidence: { kind: 'request', index: 7 },
      pageIndex: 1,
      party: 'third-party',
      accountIds: [],
      details: { trackerdbCategory: 'advertising', matchedBy: 'filter', trackerdbOrganisation: 'microsoft' },
    });
  });

  it('leaves out the organisation key when trackerdb has none', () => {
    const url = 'https://cdn.jsdelivr.net/npm/x/x.js';
    const match = db.lookup(url, { siteUrl: SITE, resourceType: 'script' })!;
    const finding = findingFromTrackerDb({ ...request, url, host: 'cdn.jsdelivr.net', domain: 'jsdelivr.net' }, 0, 'reject', match);
    expect(finding.details).toEqual({ trackerdbCategory: 'hosting', matchedBy: 'domain' });
    expect(finding.organisation).toEqual({ name: 'jsDelivr', country: '' });
  });
});

describe('speed', () => {
  it('does 10,000 lookups quickly', () => {
    const hosts = [
      'https://www.google-analytics.com/g/collect?v=2&tid=G-ABC&cid=',
      'https://connect.facebook.net/en_US/fbevents.js?v=',
      'https://ib.adnxs.com/getuid?x=',
      'https://www.gemeente-utrecht.nl/afbeeldingen/foto-',
      'https://cdn.jsdelivr.net/npm/lib@1/dist/lib.min.js?v=',
      'https://unknown-vendor-123.example/pixel.gif?id=',
      'https://static.hotjar.com/c/hotjar-1.js?sv=',
      'https://google-analytics.com.evil.nl/x.js?',
    ];
    const urls = Array.from({ length: 10_000 }, (_, i) => `${hosts[i % hosts.length]}${i}`);
    let matched = 0;
    const started = performance.now();
    for (const url of urls) if (db.lookup(url, { siteUrl: SITE, resourceType: 'script' })) matched++;
    const ms = performance.now() - started;
    console.log(`trackerdb: 10,000 lookups in ${ms.toFixed(0)} ms (${matched} matched)`);
    expect(matched).toBe(6250); // five of the eight hosts are known
    // Generous bound for a slow CI machine; it takes tens of milliseconds on 2 cores.
    expect(ms).toBeLessThan(5000);
  });
});
