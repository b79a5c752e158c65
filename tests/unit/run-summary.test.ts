import { describe, expect, it } from 'vitest';
import { formatDuration, runSummary, type SummarySite } from '../../src/report/run-summary.js';

const MIN = 60_000;

let counter = 0;
function sites(n: number, s: Omit<SummarySite, 'url'>): SummarySite[] {
  return Array.from({ length: n }, () => ({ url: `https://www.gemeente${++counter}.nl/`, ...s }));
}

describe('runSummary', () => {
  it('sums up an interrupted nightly list scan', () => {
    const recorded: SummarySite[] = [
      ...sites(6, { status: 'ok', grade: 'A', verdictIds: [], trackersBeforeConsent: [] }),
      ...sites(3, { status: 'ok', grade: 'B', verdictIds: ['no_reject_on_first_layer'], trackersBeforeConsent: [] }),
      ...sites(2, { status: 'ok', grade: 'C', verdictIds: ['analytics_before_consent'], trackersBeforeConsent: ['Google Analytics'] }),
      {
        url: 'https://www.volgdorp.nl/',
        name: 'Gemeente Volgdorp',
        status: 'ok',
        grade: 'E',
        verdictIds: ['tracking_before_consent', 'no_reject_on_first_layer'],
        trackersBeforeConsent: ['Google Analytics', 'Meta Pixel', 'Hotjar'],
      },
      {
        url: 'https://www.bergstad.nl/',
        status: 'ok',
        grade: 'E',
        verdictIds: ['tracking_before_consent', 'no_reject_on_first_layer'],
        // Found on several pages: still one site.
        trackersBeforeConsent: ['Meta Pixel', 'Meta Pixel', 'YouTube'],
      },
      {
        url: 'https://www.zeewijk.nl/',
        status: 'ok',
        grade: 'F',
        verdictIds: ['tracking_after_reject', 'tracking_before_consent'],
        trackersBeforeConsent: ['Google Analytics', 'LinkedIn Insight', 'TikTok Pixel'],
      },
      ...sites(2, { status: 'failed', failureClass: 'timeout', grade: '?', verdictIds: ['inconclusive'], trackersBeforeConsent: [] }),
      ...sites(1, { status: 'failed', failureClass: 'dns', grade: '?', verdictIds: ['inconclusive'], trackersBeforeConsent: [] }),
      // Stopped after its first phase: what that phase saw still counts.
      ...sites(1, { status: 'interrupted', verdictIds: [], trackersBeforeConsent: ['Google Analytics'] }),
    ];
    const text = runSummary({
      runId: 7,
      status: 'incomplete',
      sites: recorded,
      planned: 20,
      elapsedMs: 6 * MIN,
      dbPath: '/var/lib/cookiewatch/gemeenten.sqlite',
      skipped: 1,
    });
    expect(text).toBe(
      [
        'run 7 incomplete: 18 of 20 sites in 6m (3.0 sites/min)',
        'ok 14, failed 3 (timeout 2, dns 1), interrupted 1, not scanned 2',
        'skipped 1 invalid row in the site list',
        'grades: A 6, B 3, C 2, E 2, F 1, not graded 3',
        'trackers before consent: 6 sites',
        'most common trackers before consent: Google Analytics 5, Meta Pixel 2, Hotjar 1, LinkedIn Insight 1, TikTok Pixel 1',
        'most common verdicts: no_reject_on_first_layer 5, inconclusive 3, tracking_before_consent 3, analytics_before_consent 2, tracking_after_reject 1',
        'database: /var/lib/cookiewatch/gemeenten.sqlite',
      ].join('\n'),
    );
  });

  it('keeps a clean complete run short', () => {
    const text = runSummary({
      runId: 1,
      status: 'complete',
      sites: [{ url: 'https://www.example.nl/', status: 'ok', grade: 'A', verdictIds: [], trackersBeforeConsent: [] }],
      planned: 1,
      elapsedMs: 45_000,
      dbPath: './cookiewatch.sqlite',
      skipped: 0,
    });
    expect(text).toBe(
      [
        'run 1 complete: 1 site in 45s (1.3 sites/min)',
        'ok 1, failed 0, interrupted 0, not scanned 0',
        'grades: A 1',
        'trackers before consent: none found',
        'database: ./cookiewatch.sqlite',
      ].join('\n'),
    );
  });

  it('says so when nothing was scanned, without a rate', () => {
    const text = runSummary({ runId: 3, status: 'incomplete', sites: [], planned: 50, elapsedMs: 0, dbPath: 'db.sqlite', skipped: 4 });
    expect(text.split('\n').slice(0, 4)).toEqual([
      'run 3 incomplete: 0 of 50 sites in 0s',
      'ok 0, failed 0, interrupted 0, not scanned 50',
      'skipped 4 invalid rows in the site list',
      'grades: none',
    ]);
  });

  it('orders failure classes by count, then by name, and names a missing class', () => {
    const failed = (failureClass?: string): SummarySite => ({
      url: 'https://x.nl/',
      status: 'failed',
      ...(failureClass ? { failureClass } : {}),
      verdictIds: [],
      trackersBeforeConsent: [],
    });
    const text = runSummary({
      runId: 2,
      status: 'complete',
      sites: [failed('tls'), failed('dns'), failed('http-status'), failed('http-status'), failed()],
      planned: 5,
      elapsedMs: 41 * MIN,
      dbPath: 'db.sqlite',
    });
    expect(text.split('\n')[1]).toBe('ok 0, failed 5 (http-status 2, dns 1, tls 1, unknown 1), interrupted 0, not scanned 0');
  });
});

describe('runSummary on a machine without network', () => {
  it('warns that the run says nothing about the sites when every one failed to resolve or connect', () => {
    const offline = [
      ...sites(4, { status: 'failed', failureClass: 'dns', grade: '?', verdictIds: ['inconclusive'], trackersBeforeConsent: [] }),
      ...sites(1, { status: 'failed', failureClass: 'connection', grade: '?', verdictIds: ['inconclusive'], trackersBeforeConsent: [] }),
    ];
    const text = runSummary({ runId: 3, status: 'complete', sites: offline, planned: 5, elapsedMs: 2 * MIN, dbPath: 'x.sqlite' });
    expect(text).toContain(
      "\nwarning: every site failed to resolve or connect; this machine's network or DNS is probably down, so this run says nothing about the sites\ndatabase: x.sqlite",
    );
    // One working site, or a handful of sites, is no sign of a dead network.
    const oneOk = [...offline, ...sites(1, { status: 'ok', grade: 'A', verdictIds: [], trackersBeforeConsent: [] })];
    expect(runSummary({ runId: 3, status: 'complete', sites: oneOk, planned: 6, elapsedMs: MIN, dbPath: 'x' })).not.toContain('warning');
    expect(runSummary({ runId: 3, status: 'complete', sites: offline.slice(0, 4), planned: 4, elapsedMs: MIN, dbPath: 'x' })).not.toContain(
      'warning',
    );
  });
});

describe('formatDuration', () => {
  it('uses seconds under a minute, minutes under an hour, then hours and minutes', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(59_600)).toBe('1m');
    expect(formatDuration(12 * MIN + 20_000)).toBe('12m');
    expect(formatDuration(41 * MIN)).toBe('41m');
    expect(formatDuration(59 * MIN + 45_000)).toBe('1h00m');
    expect(formatDuration(185 * MIN)).toBe('3h05m');
    expect(formatDuration(27 * 60 * MIN)).toBe('27h00m');
  });
});
