import { describe, expect, it } from 'vitest';
import { gradeOf, verdictsOf } from '../../src/classify/verdicts.js';
import type { Finding } from '../../src/classify/types.js';
import type { ConsentObservation, PhaseName, PhaseObservations, SiteScanResult } from '../../src/observe/types.js';

const consent = (c: Partial<ConsentObservation> = {}): ConsentObservation => ({
  action: 'none',
  bannerFound: false,
  secondLayer: false,
  clicks: [],
  success: false,
  ...c,
});

const phase = (name: PhaseName, c: Partial<ConsentObservation> = {}, extra: Partial<PhaseObservations> = {}): PhaseObservations => ({
  phase: name,
  startedAt: '',
  endedAt: '',
  status: 'ok',
  pages: [],
  requests: [],
  cookies: [],
  cookieEvents: [],
  storage: [],
  consent: consent({ action: name === 'pre' ? 'none' : name, ...c }),
  signals: {},
  screenshots: [],
  ...extra,
});

const scan = (phases: PhaseObservations[], status: 'ok' | 'failed' = 'ok'): SiteScanResult => ({
  site: { url: 'https://www.gemeente.nl/' },
  startedAt: '',
  endedAt: '',
  status,
  siteDomain: 'gemeente.nl',
  phases,
  ...(status === 'failed' ? { failureMessage: 'net::ERR_NAME_NOT_RESOLVED', failureClass: 'dns' } : {}),
});

const finding = (f: Partial<Finding> & Pick<Finding, 'phase' | 'trackerId'>): Finding => ({
  trackerName: f.trackerId,
  organisation: { name: 'Meta Platforms', country: 'US' },
  category: 'advertising',
  seriousness: 3,
  source: 'rules',
  rule: `${f.trackerId}:request`,
  evidence: { kind: 'request', index: 0 },
  pageIndex: 0,
  party: 'third-party',
  accountIds: [],
  details: {},
  ...f,
});

const banner = { bannerFound: true, rejectOnFirstLayer: true };
const rejected = { ...banner, clicks: [{ text: 'Weigeren', frameUrl: 'https://www.gemeente.nl/', layer: 1 as const, role: 'reject' as const }], success: true };
const ids = (s: SiteScanResult, f: Finding[]) => verdictsOf(s, f).map((v) => v.id).sort();

describe('verdictsOf', () => {
  it('a clean site with a proper banner: no verdicts, grade A', () => {
    const s = scan([phase('pre', banner), phase('accept', banner), phase('reject', rejected)]);
    const f = [finding({ phase: 'accept', trackerId: 'facebook-pixel' })];
    expect(verdictsOf(s, f)).toEqual([]);
    expect(gradeOf([], f)).toBe('A');
  });

  it('advertising before consent is tracking_before_consent, with the finding as evidence', () => {
    const s = scan([phase('pre', banner), phase('reject', rejected)]);
    const f = [finding({ phase: 'accept', trackerId: 'x' }), finding({ phase: 'pre', trackerId: 'facebook-pixel', trackerName: 'Facebook Pixel' })];
    const v = verdictsOf(s, f);
    expect(v.map((x) => x.id)).toEqual(['tracking_before_consent']);
    expect(v[0]).toMatchObject({ findings: [1], trackers: ['Facebook Pixel'] });
    expect(v[0]?.explanation).toMatch(/Facebook Pixel of Meta Platforms \(US\)/);
    expect(gradeOf(v, f)).toBe('E');
  });

  it('third-party analytics before consent is analytics_before_consent (grade C); first-party Matomo is nothing', () => {
    const s = scan([phase('pre', banner)]);
    const ga = finding({ phase: 'pre', trackerId: 'google-analytics', category: 'analytics', seriousness: 2 });
    const matomo = finding({ phase: 'pre', trackerId: 'matomo', category: 'analytics', seriousness: 1, party: 'first-party' });
    expect(ids(s, [ga])).toEqual(['analytics_before_consent']);
    expect(ids(s, [matomo])).toEqual([]);
    expect(gradeOf(verdictsOf(s, [ga]), [ga])).toBe('C');
    expect(gradeOf(verdictsOf(s, [matomo]), [matomo])).toBe('A');
  });

  it('trackerdb findings never make a verdict', () => {
    const s = scan([phase('pre')]);
    const f = [finding({ phase: 'pre', trackerId: 'adnxs', source: 'trackerdb', seriousness: 0 })];
    expect(verdictsOf(s, f)).toEqual([]);
  });

  it('tracking with no banner in any phase adds tracking_without_banner', () => {
    const s = scan([phase('pre'), phase('accept'), phase('reject')]);
    const f = [finding({ phase: 'pre', trackerId: 'facebook-pixel' })];
    expect(ids(s, f)).toEqual(['tracking_before_consent', 'tracking_without_banner']);
  });

  it('tracking after reject counts only what came after the click (later pages, cookies written later)', () => {
    const cookiePhase = phase('reject', rejected, {
      cookies: [
        { name: '_ga', domain: '.gemeente.nl', path: '/', session: false, httpOnly: false, secure: false, size: 10, value: { sha256: 'x', length: 5 }, host: 'gemeente.nl', domainRegistrable: 'gemeente.nl', party: 'first-party', setter: 'script' },
        { name: '_fbp', domain: '.gemeente.nl', path: '/', session: false, httpOnly: false, secure: false, size: 10, value: { sha256: 'x', length: 5 }, host: 'gemeente.nl', domainRegistrable: 'gemeente.nl', party: 'first-party', setter: 'script' },
      ],
      cookieEvents: [
        { name: '_ga', domain: '.gemeente.nl', path: '/', source: 'script', deletes: false, timeMs: 1, pageIndex: 0, value: { sha256: 'x', length: 5 } },
        { name: '_fbp', domain: '.gemeente.nl', path: '/', source: 'script', deletes: false, timeMs: 9, pageIndex: 1, value: { sha256: 'x', length: 5 } },
      ],
    });
    const s = scan([phase('pre', banner), cookiePhase]);
    const onStartPage = finding({ phase: 'reject', trackerId: 'facebook-pixel', pageIndex: 0 });
    expect(ids(s, [onStartPage])).toEqual([]);
    const onReload = finding({ phase: 'reject', trackerId: 'facebook-pixel', pageIndex: 1 });
    const v = verdictsOf(s, [onStartPage, onReload]);
    expect(v.map((x) => x.id)).toEqual(['tracking_after_reject']);
    expect(v[0]?.findings).toEqual([1]);
    expect(v[0]?.explanation).toMatch(/"Weigeren"/);
    expect(gradeOf(v, [onReload])).toBe('F');
    const gaCookie = finding({ phase: 'reject', trackerId: 'google-analytics', category: 'analytics', seriousness: 2, evidence: { kind: 'cookie', index: 0 } });
    const fbpCookie = finding({ phase: 'reject', trackerId: 'facebook-pixel', evidence: { kind: 'cookie', index: 1 } });
    expect(verdictsOf(s, [gaCookie, fbpCookie])[0]?.findings).toEqual([1]);
  });

  it('a refusal that did not take (failed click, or only "settings" clicked): no tracking_after_reject', () => {
    const late = finding({ phase: 'reject', trackerId: 'facebook-pixel', pageIndex: 1 });
    const failed = scan([phase('pre', banner), phase('reject', { ...rejected, success: false })]);
    expect(ids(failed, [late])).toEqual([]);
    const settingsOnly = {
      ...banner,
      clicks: [{ text: 'Instellingen', frameUrl: 'https://www.gemeente.nl/', layer: 1 as const, role: 'settings' as const }],
      success: false,
    };
    expect(ids(scan([phase('pre', banner), phase('reject', settingsOnly)]), [late])).toEqual([]);
    // Even a phase marked successful needs the refusing click itself.
    expect(ids(scan([phase('pre', banner), phase('reject', { ...settingsOnly, success: true })]), [late])).toEqual([]);
    const saved = {
      ...banner,
      clicks: [
        { text: 'Instellingen', frameUrl: 'https://www.gemeente.nl/', layer: 1 as const, role: 'settings' as const },
        { text: 'Opslaan', frameUrl: 'https://www.gemeente.nl/', layer: 2 as const, role: 'save' as const },
      ],
      success: true,
    };
    expect(ids(scan([phase('pre', banner), phase('reject', saved)]), [late])).toEqual(['tracking_after_reject']);
  });

  it('no reject click made (no banner): no tracking_after_reject', () => {
    const s = scan([phase('pre'), phase('reject')]);
    expect(ids(s, [finding({ phase: 'reject', trackerId: 'facebook-pixel', pageIndex: 2 })])).toEqual([]);
  });

  it('a banner without reject on its first layer', () => {
    const s = scan([phase('pre', { bannerFound: true, rejectOnFirstLayer: false })]);
    const v = verdictsOf(s, []);
    expect(v.map((x) => x.id)).toEqual(['no_reject_on_first_layer']);
    expect(gradeOf(v, [])).toBe('B');
  });

  it('Consent Mode says denied, yet _ga is written: consent_signal_ignored', () => {
    const s = scan([phase('pre', banner)]);
    const hit = finding({ phase: 'pre', trackerId: 'google-analytics', category: 'analytics', seriousness: 2, details: { gcs: 'G100' } });
    const cookie = finding({ phase: 'pre', trackerId: 'google-analytics', category: 'analytics', seriousness: 2, evidence: { kind: 'cookie', index: 0 } });
    const v = verdictsOf(s, [hit, cookie]);
    expect(v.map((x) => x.id)).toEqual(['analytics_before_consent', 'consent_signal_ignored']);
    expect(v[1]?.findings).toEqual([0, 1]);
    const granted = finding({ ...hit, details: { gcs: 'G111' } });
    expect(ids(s, [granted, cookie])).toEqual(['analytics_before_consent']);
  });

  it('a failed scan is inconclusive, never clean', () => {
    const s = scan([], 'failed');
    const v = verdictsOf(s, []);
    expect(v.map((x) => x.id)).toEqual(['inconclusive']);
    expect(v[0]?.explanation).toMatch(/ERR_NAME_NOT_RESOLVED/);
    expect(gradeOf(v, [])).toBe('?');
  });
});
