import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verdictAdvice, verdictSummary } from '../../src/report/advice.js';
import { accountsPage } from '../../src/report/html/accounts-page.js';
import { CONTENT_SECURITY_POLICY, SCRIPT } from '../../src/report/html/assets.js';
import { esc, html, join, safeHref, trusted } from '../../src/report/html/escape.js';
import { page } from '../../src/report/html/layout.js';
import { leaguePage, statementCell } from '../../src/report/html/league-page.js';
import { STRINGS } from '../../src/report/html/i18n.js';
import { reportModel, siteSlugs, type RunResults } from '../../src/report/html/model.js';
import { prioritiseEvidence, sitePage, type SiteDetails } from '../../src/report/html/site-page.js';
import { trendsPage } from '../../src/report/html/trends-page.js';
import type { FindingEvidence } from '../../src/store/evidence.js';
import type { SiteResult, TrackerSeen } from '../../src/store/results.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

const tracker = (id: string, name: string, seriousness: number, category = 'advertising'): TrackerSeen => ({
  id,
  name,
  organisation: id === 'facebook-pixel' ? 'Meta Platforms Inc.' : 'Google LLC',
  country: 'US',
  category,
  seriousness,
  source: 'rules',
});
const GA = tracker('google-analytics', 'Google Analytics', 2, 'analytics');
const FB = tracker('facebook-pixel', 'Meta Pixel (Facebook Pixel)', 3);
const CONSENT_TOOL = tracker('cookiebot', 'Cookiebot', 0, 'consent');

let nextId = 1;
function site(url: string, o: Partial<SiteResult> & { pre?: TrackerSeen[]; reject?: TrackerSeen[] } = {}): SiteResult {
  const { pre = [], reject = [], ...rest } = o;
  return {
    siteScanId: nextId++,
    url,
    status: 'ok',
    attempts: 1,
    grade: 'A',
    banner: { found: true, cmp: 'Klaro', rejectOnFirstLayer: true },
    consent: { pre: { action: 'none', success: true }, accept: { action: 'accept', success: true }, reject: { action: 'reject', success: true } },
    verdicts: [],
    trackers: { pre, accept: [], reject },
    accountIds: [],
    ...rest,
  };
}

const run = (id: number, results: SiteResult[], extra: Partial<RunResults> = {}): RunResults => ({
  id,
  startedAt: `2026-11-${String(id).padStart(2, '0')}T02:00:00.000Z`,
  status: 'complete',
  phases: ['pre', 'accept', 'reject'],
  planned: results.map((r) => r.url),
  results,
  ...extra,
});

describe('escaping', () => {
  it('escapes every interpolated string, in text and attributes', () => {
    const out = html`<p title="${HOSTILE}">${HOSTILE}</p>`.value;
    expect(out).not.toContain('<img');
    expect(out).toBe('<p title="&#60;img src=x onerror=alert(1)&#62;">&#60;img src=x onerror=alert(1)&#62;</p>');
    expect(esc(`"'&`)).toBe('&#34;&#39;&#38;');
  });

  it('keeps nested html, escapes strings inside arrays, drops null, undefined and false', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`${[inner, '<u>', null, undefined, false, 0]}`.value).toBe('<b>&#60;i&#62;</b>&#60;u&#62;0');
    expect(join([html`a`, html`b`], '<br>').value).toBe('a&#60;br&#62;b');
    expect(join([html`a`, html`b`], html`<br>`).value).toBe('a<br>b');
    expect(trusted('<style>').value).toBe('<style>');
  });

  it('shows invisible and text-reordering characters as visible codes', () => {
    expect(esc('_fbp\u202Eevil\u0007')).toBe('_fbp\\u{202E}evil\\u{0007}');
    expect(esc('regel 1\nregel 2\ttab')).toBe('regel 1\nregel 2\ttab');
    expect(html`<b>${'a\u2066b'}</b>`.value).toBe('<b>a\\u{2066}b</b>');
  });

  it('links only http and https URLs', () => {
    expect(safeHref('https://www.volgdorp.nl/')).toBe('https://www.volgdorp.nl/');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,<script>')).toBeUndefined();
    expect(safeHref('not a url')).toBeUndefined();
  });

  it('allows exactly the page script by hash and nothing from the network', () => {
    const hash = createHash('sha256').update(SCRIPT, 'utf8').digest('base64');
    expect(CONTENT_SECURITY_POLICY).toContain(`script-src 'sha256-${hash}'`);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    const doc = page({ lang: 'en', reportTitle: HOSTILE, title: HOSTILE, root: '', script: true, toolVersion: '0.0.0' }, html`x`);
    expect(doc).toContain(`<script>${SCRIPT}</script>`);
    expect(doc).not.toContain('<img');
    expect(doc).toMatch(/<html lang="en">/);
  });
});

describe('page names', () => {
  it('are stable, safe for a file system and unique', () => {
    const codes = new Map<string, string | undefined>([
      ['https://www.heerenveen.nl/', 'GM0074'],
      ['https://www.heerenveen.nl/english/', 'GM0074'],
      ['https://evil.example/', '../../etc/passwd'],
      ['https://www.zonder-code.nl/', undefined],
    ]);
    const slugs = siteSlugs([...codes.keys()], codes);
    expect(slugs.get('https://www.heerenveen.nl/')).toBe('gm0074-www.heerenveen.nl');
    expect(slugs.get('https://www.heerenveen.nl/english/')).toMatch(/^gm0074-www\.heerenveen\.nl-[0-9a-f]{8}$/);
    // A page name does not depend on the rest of the list.
    const alone = siteSlugs(['https://www.heerenveen.nl/english/'], codes);
    expect(alone.get('https://www.heerenveen.nl/english/')).toBe(slugs.get('https://www.heerenveen.nl/english/'));
    expect(slugs.get('https://www.zonder-code.nl/')).toBe('www.zonder-code.nl');
    const evil = slugs.get('https://evil.example/')!;
    expect(evil).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
    expect(evil).not.toContain('..');
    expect(evil).not.toContain('/');
  });
});

describe('report model', () => {
  const vroegbeek = () =>
    site('https://www.vroegbeek.nl/', {
      name: 'Gemeente Vroegbeek',
      code: 'GM9013',
      group: 'Friesland',
      grade: 'F',
      pre: [GA, FB],
      reject: [GA, FB],
      verdicts: [
        { id: 'tracking_before_consent', explanation: 'x', trackers: ['Meta Pixel (Facebook Pixel)'] },
        { id: 'tracking_after_reject', explanation: 'y', trackers: ['Google Analytics', 'Meta Pixel (Facebook Pixel)'] },
      ],
      accountIds: [{ kind: 'gtm-container', value: 'GTM-AGENCY1' }],
    });
  const schoonstad = () =>
    site('https://www.schoonstad.nl/', { name: 'Gemeente Schoonstad', code: 'GM9001', group: 'Groningen', pre: [CONSENT_TOOL] });
  const volgdorp = (pre: TrackerSeen[], grade: string) =>
    site('https://www.volgdorp.nl/', {
      name: 'Gemeente Volgdorp',
      code: 'GM9002',
      group: 'Friesland',
      grade,
      pre,
      verdicts: pre.includes(FB) ? [{ id: 'tracking_before_consent', explanation: 'x', trackers: ['Meta Pixel (Facebook Pixel)'] }] : [
        { id: 'analytics_before_consent', explanation: 'x', trackers: ['Google Analytics'] },
      ],
      accountIds: [{ kind: 'gtm-container', value: 'GTM-AGENCY1' }],
    });
  const broken = () => site('https://www.wachtebroek.nl/', { status: 'failed', failureClass: 'timeout', grade: '?', verdicts: [] });

  it('ranks worst first, failed scans last and unranked; consent tools are not trackers', () => {
    const m = reportModel([run(1, [schoonstad(), broken(), volgdorp([GA, FB], 'E'), vroegbeek()])], 1);
    expect(m.rows.map((r) => [r.rank, r.result.code ?? r.result.url])).toEqual([
      [1, 'GM9013'],
      [2, 'GM9002'],
      [3, 'GM9001'],
      [undefined, 'https://www.wachtebroek.nl/'],
    ]);
    expect(m.rows[2]!.pre).toEqual([]);
    expect(m.rows[0]!.afterReject).toEqual(['Google Analytics', 'Meta Pixel (Facebook Pixel)']);
    expect(m.rows.every((r) => r.change.kind === 'first-run')).toBe(true);
    expect(m.groups).toEqual(['Friesland', 'Groningen']);
    expect(m.trackers.map((t) => t.id)).toEqual(['google-analytics', 'facebook-pixel']);
  });

  it('counts the figures over successful scans only', () => {
    const m = reportModel([run(1, [schoonstad(), broken(), volgdorp([GA, FB], 'E'), vroegbeek()])], 1);
    expect(m.summary).toMatchObject({ sites: 4, ok: 3, failed: 1, withBanner: 3 });
    expect(m.summary.verdicts).toEqual({ tracking_before_consent: 2, tracking_after_reject: 1 });
    expect(m.summary.googleAnalytics).toEqual({ any: 2, beforeConsent: 2 });
    expect(m.summary.topTrackersBeforeConsent.map((t) => [t.id, t.sites])).toEqual([
      ['google-analytics', 2],
      ['facebook-pixel', 2],
    ]);
    expect(m.summary.grades).toEqual({ A: 1, '?': 1, E: 1, F: 1 });
  });

  it('tells the story of a tracker removed between runs: change, trend, first and last seen', () => {
    const runs = [run(1, [schoonstad(), volgdorp([GA, FB], 'E')]), run(2, [schoonstad(), volgdorp([GA], 'C')])];
    const m = reportModel(runs, 2);
    const row = m.rows.find((r) => r.result.code === 'GM9002')!;
    expect(row.change.kind).toBe('changed');
    if (row.change.kind !== 'changed') throw new Error('unreachable');
    expect(row.change.diff.trackers.pre.removed).toEqual(['Meta Pixel (Facebook Pixel)']);
    expect([row.change.diff.gradeFrom, row.change.diff.gradeTo]).toEqual(['E', 'C']);
    expect(m.rows.find((r) => r.result.code === 'GM9001')!.change.kind).toBe('unchanged');
    expect(m.trends.map((t) => t.trackingBeforeConsent)).toEqual([1, 0]);
    expect(m.trends.map((t) => t.analyticsBeforeConsent)).toEqual([0, 1]);
    const seen = m.sightings.get('https://www.volgdorp.nl/')!;
    const fb = seen.find((s) => s.trackerId === 'facebook-pixel')!;
    expect(fb).toMatchObject({ current: 'no', seenIn: 1, first: { runId: 1 }, last: { runId: 1 } });
    expect(seen.find((s) => s.trackerId === 'google-analytics')).toMatchObject({ current: 'yes', seenIn: 2, first: { runId: 1 }, last: { runId: 2 } });
    expect(m.history.get('https://www.volgdorp.nl/')!.map((h) => [h.runId, h.grade])).toEqual([
      [2, 'C'],
      [1, 'E'],
    ]);
    // A report of run 1 reads as it did that day: run 2 is left out.
    const old = reportModel(runs, 1);
    expect(old.trends).toHaveLength(1);
    expect(old.rows.find((r) => r.result.code === 'GM9002')!.pre.map((t) => t.id)).toContain('facebook-pixel');
  });

  it('never reads a failed scan as a removed tracker', () => {
    const failed = { ...volgdorp([], '?'), status: 'failed' as const, failureClass: 'timeout', verdicts: [] };
    const m = reportModel([run(1, [volgdorp([GA, FB], 'E')]), run(2, [failed])], 2);
    const row = m.rows[0]!;
    expect(row.change.kind).toBe('changed');
    if (row.change.kind === 'changed') {
      expect(row.change.diff.compared).toBe(false);
      expect(row.change.diff.trackers.pre.removed).toEqual([]);
    }
    const fb = m.sightings.get('https://www.volgdorp.nl/')!.find((s) => s.trackerId === 'facebook-pixel')!;
    expect(fb.last.runId).toBe(1);
    // The failed scan could not see it: "not checked", never "gone".
    expect(fb.current).toBe('not-checked');
    expect(m.trends[1]).toMatchObject({ ok: 0, failed: 1, trackingBeforeConsent: 0 });
  });

  it('an interrupted scan in this run is "not scanned", not "unchanged"', () => {
    const stopped = { ...volgdorp([], '?'), status: 'interrupted' as const, grade: undefined, verdicts: [] };
    delete stopped.grade;
    const m = reportModel([run(1, [volgdorp([GA, FB], 'E')]), run(2, [stopped])], 2);
    expect(m.rows[0]!.change.kind).toBe('not-scanned-now');
    expect(m.sightings.get('https://www.volgdorp.nl/')!.every((s) => s.current === 'not-checked')).toBe(true);
  });

  it('a tracker seen only after accepting is not checked when this run\'s accept click failed', () => {
    const accepted = (success: boolean) =>
      site('https://www.klik.nl/', {
        trackers: { pre: [], accept: [GA], reject: [] },
        consent: { pre: { action: 'none', success: true }, accept: { action: 'accept', success }, reject: { action: 'reject', success: true } },
      });
    const m = reportModel([run(1, [accepted(true)]), run(2, [{ ...accepted(false), trackers: { pre: [], accept: [], reject: [] } }])], 2);
    expect(m.sightings.get('https://www.klik.nl/')![0]!.current).toBe('not-checked');
  });

  it('equal sites share a rank; self-hosted analytics and consent tools are not listed before consent', () => {
    const matomo = { ...tracker('matomo', 'Matomo', 1, 'analytics'), organisation: 'Gemeente A' };
    const a = site('https://www.a.nl/', { code: 'GM0001', pre: [matomo, CONSENT_TOOL] });
    const b = site('https://www.b.nl/', { code: 'GM0002' });
    const c = site('https://www.c.nl/', { code: 'GM0003', grade: 'C', pre: [GA], verdicts: [{ id: 'analytics_before_consent', explanation: 'x', trackers: ['Google Analytics'] }] });
    const m = reportModel([run(1, [a, b, c])], 1);
    expect(m.rows.map((r) => [r.rank, r.result.code])).toEqual([
      [1, 'GM0003'],
      [2, 'GM0001'],
      [2, 'GM0002'],
    ]);
    expect(m.rows[1]!.pre).toEqual([]);
    expect(m.summary.topTrackersBeforeConsent.map((t) => t.id)).toEqual(['google-analytics']);
  });

  it('an unjudged scan in this run leaves earlier trackers "not checked"; trends count refusals that took', () => {
    const unjudged = { ...volgdorp([], 'A'), trackers: { pre: [], accept: [], reject: [] } };
    delete unjudged.grade;
    const m = reportModel([run(1, [volgdorp([GA, FB], 'E')]), run(2, [unjudged])], 2);
    expect(m.sightings.get('https://www.volgdorp.nl/')!.map((s) => s.current)).toEqual(['not-checked', 'not-checked']);
    expect(m.trends.map((t) => [t.ok, t.refused])).toEqual([
      [1, 1],
      [0, 0],
    ]);
  });

  it('figures leave out unjudged scans; "after reject" counts only sites whose refusal took', () => {
    const unjudged = site('https://www.u.nl/', { grade: undefined });
    delete unjudged.grade;
    const noRefusal = site('https://www.n.nl/', {
      consent: { pre: { action: 'none', success: true }, accept: { action: 'accept', success: true }, reject: { action: 'reject', success: false } },
    });
    const m = reportModel([run(1, [unjudged, noRefusal, site('https://www.y.nl/')])], 1);
    expect(m.summary).toMatchObject({ sites: 3, ok: 2, unjudged: 1, refused: 1 });
  });

  it('never shows a self-hosted Matomo site number as an account shared between sites', () => {
    const withMatomo = (url: string) => site(url, { accountIds: [{ kind: 'matomo-site', value: '1' }] });
    const m = reportModel([run(1, [withMatomo('https://www.a.nl/'), withMatomo('https://www.b.nl/')])], 1);
    expect(m.accounts.map((a) => a.sites.length)).toEqual([1, 1]);
    const out = accountsPage(m, 'en').value;
    expect(out).toContain('No tracker account id is shared by two or more sites');
    expect(out).toContain('2 other account ids are each on one site only');
  });

  it('groups shared account ids across sites, most shared first', () => {
    const m = reportModel([run(1, [vroegbeek(), volgdorp([GA, FB], 'E'), schoonstad()])], 1);
    expect(m.accounts).toHaveLength(1);
    expect(m.accounts[0]!.value).toBe('GTM-AGENCY1');
    expect(m.accounts[0]!.sites.map((s) => s.code)).toEqual(['GM9013', 'GM9002']);
    const out = accountsPage(m, 'en').value;
    expect(out).toContain('Google Tag Manager container');
    expect(out).toContain('href="sites/gm9013-www.vroegbeek.nl.html"');
  });
});

describe('pages', () => {
  const hostileSite = () =>
    site('https://www.scriptwolde.nl/', {
      name: `Gemeente ${HOSTILE}`,
      code: 'GM9202',
      group: HOSTILE,
      grade: 'E',
      pre: [FB],
      verdicts: [{ id: 'tracking_before_consent', explanation: `explained ${HOSTILE}`, trackers: ['Meta Pixel (Facebook Pixel)'] }],
    });
  const evidence = (over: Partial<FindingEvidence>): FindingEvidence => ({
    seq: 0,
    phase: 'pre',
    trackerId: 'facebook-pixel',
    trackerName: 'Meta Pixel (Facebook Pixel)',
    organisation: 'Meta Platforms Inc.',
    country: 'US',
    category: 'advertising',
    seriousness: 3,
    source: 'rules',
    rule: 'facebook-pixel:request:www.facebook.com/tr',
    pageIndex: 0,
    party: 'third-party',
    accountIds: [],
    verdicts: ['tracking_before_consent'],
    evidence: { kind: 'request', url: `https://www.facebook.com/tr?id=1&dl=${HOSTILE}`, method: 'GET', resourceType: 'image', timeMs: 10 },
    ...over,
  });

  it('the league table escapes everything that came from a site or list', () => {
    const m = reportModel([run(1, [hostileSite()])], 1);
    const out = leaguePage(m, 'en').value;
    expect(out).not.toContain('<img');
    expect(out).toContain('Gemeente &#60;img src=x onerror=alert(1)&#62;');
    expect(out).toContain(`data-group="&#60;img src=x onerror=alert(1)&#62;"`);
    expect(out).toContain('data-trackers="facebook-pixel"');
  });

  it('a site page shows verdict, evidence, advice and the hostile cookie name as text', () => {
    const m = reportModel([run(1, [hostileSite()])], 1);
    const details: SiteDetails = {
      evidence: [
        evidence({ seq: 0 }),
        evidence({
          seq: 1,
          rule: 'facebook-pixel:cookie:_fbp',
          evidence: { kind: 'cookie', name: `_fbp${HOSTILE}`, domain: '.scriptwolde.nl', path: '/', setter: 'script', setterUrl: 'https://connect.facebook.net/en_US/fbevents.js', session: false },
        }),
      ],
      phases: [{ phase: 'pre', status: 'ok', cookies: [{ name: HOSTILE, domain: '.scriptwolde.nl', party: 'first-party', setter: 'script' }], thirdPartyDomains: [{ domain: 'facebook.com', requests: 2 }], pages: [{ kind: 'start', url: 'https://www.scriptwolde.nl/', status: 200, title: HOSTILE }], storage: [{ kind: 'localStorage', key: HOSTILE, origin: 'https://www.scriptwolde.nl', party: 'first-party' }] }],
      screenshots: [{ phase: 'pre', moment: 'banner', pageIndex: 0, file: 'gm9202-www.scriptwolde.nl/pre-banner-0-0.jpg' }],
    };
    const out = sitePage(m.rows[0]!, details, m, 'en').value;
    expect(out).not.toContain('<img src=x');
    expect(out).toContain('Tracking before consent');
    expect(out).toContain('set by a script (https://connect.facebook.net/en_US/fbevents.js)');
    expect(out).toContain('_fbp&#60;img src=x onerror=alert(1)&#62;');
    expect(out).toContain('Meta Pixel: remove it unless a campaign really needs it');
    expect(out).toContain('<img src="gm9202-www.scriptwolde.nl/pre-banner-0-0.jpg"');
    expect(out).toContain('facebook.com (2)');
    const nl = sitePage(m.rows[0]!, details, m, 'nl').value;
    expect(nl).toContain('Tracking vóór toestemming');
    expect(nl).toContain('Voordat de bezoeker iets koos, laadde de site advertentie- of social-mediatracking: Meta Pixel (Facebook Pixel) (Meta Platforms Inc., US).');
    expect(nl).toContain('Wat te doen');
  });

  it('says what the privacy statement names, and never calls a missing or unreadable one disclosed', () => {
    const base = hostileSite();
    const withStatement = (over: Partial<SiteResult>) => {
      const m = reportModel([run(1, [{ ...base, ...over }])], 1);
      return { cell: statementCell(m.rows[0]!.result, STRINGS.en).text.value, page: sitePage(m.rows[0]!, { evidence: [], phases: [], screenshots: [] }, m, 'en').value };
    };
    const read = [{ url: 'https://www.scriptwolde.nl/privacyverklaring', linkText: 'Privacyverklaring', foundOn: 'page' as const, readable: true }];
    const denied = withStatement({
      statements: read,
      disclosures: [
        { trackerId: 'facebook-pixel', trackerName: 'Meta Pixel (Facebook Pixel)', organisation: 'Meta Platforms Inc.', status: 'denied', term: 'Facebook Pixel', snippet: `Wij gebruiken geen Facebook Pixel ${HOSTILE}.` },
        { trackerId: 'google-analytics', trackerName: 'Google Analytics', organisation: 'Google LLC', status: 'organisation-named', term: 'Google' },
      ],
    });
    expect(denied.cell).toBe('denies: Meta Pixel (Facebook Pixel)');
    expect(denied.page).toContain('the statement denies using it ("Facebook Pixel")');
    expect(denied.page).toContain('<q class="snippet">Wij gebruiken geen Facebook Pixel &#60;img');
    expect(denied.page).toContain('only the organisation is named ("Google")');
    const none = withStatement({ statements: [], disclosures: [{ trackerId: 'facebook-pixel', trackerName: 'Meta Pixel (Facebook Pixel)', organisation: 'Meta', status: 'no-statement' }] });
    expect(none.cell).toBe('none found');
    expect(none.page).toContain('No privacy or cookie statement was found');
    const unreadable = withStatement({ statements: [{ ...read[0]!, readable: false, status: 500, error: 'HTTP 500' }], disclosures: [] });
    expect(unreadable.cell).toBe('unreadable');
    expect(unreadable.page).toContain('could not be read (HTTP 500)');
    expect(withStatement({}).cell).toContain('not checked');
  });

  it('shows each kind of evidence before repeats', () => {
    const items = [
      evidence({ seq: 0 }),
      evidence({ seq: 1, pageIndex: 1 }),
      evidence({ seq: 2, rule: 'facebook-pixel:cookie:_fbp' }),
    ];
    expect(prioritiseEvidence(items).map((e) => e.seq)).toEqual([0, 2, 1]);
  });

  it('trends need two runs for a chart; the chart is inline SVG', () => {
    const one = trendsPage(reportModel([run(1, [hostileSite()])], 1), 'en').value;
    expect(one).not.toContain('<svg');
    const two = trendsPage(reportModel([run(1, [hostileSite()]), run(2, [hostileSite()])], 2), 'en').value;
    expect(two).toContain('<svg class="chart"');
    expect(two).toContain('<polyline');
    expect(two).not.toContain('<img');
  });
});

describe('advice', () => {
  it('gives the general step and one concrete step per tracker', () => {
    const steps = verdictAdvice('tracking_before_consent', [{ id: 'youtube', name: 'YouTube', organisation: 'Google LLC' }, { id: 'x-unknown', name: 'Acme Ads', organisation: 'Acme' }], 'en');
    expect(steps).toHaveLength(3);
    expect(steps[1]).toContain('youtube-nocookie.com');
    expect(steps[2]).toBe('Acme Ads: remove it, or load it only after the visitor consents.');
    expect(verdictAdvice('no_reject_on_first_layer', [{ id: 'youtube', name: 'YouTube', organisation: '' }], 'nl')).toHaveLength(1);
    expect(verdictAdvice('tracking_before_consent', [{ id: 'ga-advertising-features', name: 'GA ads', organisation: 'Google' }], 'en')[1]).toContain('Google signals');
  });

  it('keeps the stored English explanation and writes Dutch from the trackers', () => {
    expect(verdictSummary('tracking_after_reject', [], 'en', 'stored')).toBe('stored');
    expect(verdictSummary('tracking_after_reject', [{ id: 'hotjar', name: 'Hotjar', organisation: 'Hotjar Ltd', country: 'MT' }], 'nl', 'stored')).toBe(
      'Nadat de bezoeker op weigeren klikte, laadde de site toch Hotjar (Hotjar Ltd, MT): de weigering werd niet gerespecteerd.',
    );
  });
});
