import { describe, expect, it } from 'vitest';
import type { PhaseObservations, SiteScanResult } from '../../src/observe/types.js';
import { consentLine, siteLine, siteSummary } from '../../src/report/terminal.js';

// What a site controls (button texts, CMP names, URLs, error text) reaches a terminal or a cron mail
// only as visible text: no escape sequence, no bidi reordering.

const ESC = '\u001b]52;c;ZXZpbA==\u0007\u001b[2J';
const phase = (over: Partial<PhaseObservations> = {}): PhaseObservations => ({
  phase: 'reject',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:10.000Z',
  status: 'ok',
  pages: [],
  requests: [],
  cookies: [],
  cookieEvents: [],
  storage: [],
  consent: {
    action: 'reject',
    bannerFound: true,
    secondLayer: false,
    clicks: [{ text: `Weigeren${ESC}\u202e`, frameUrl: 'https://a.nl/', layer: 1, role: 'reject' }],
    success: true,
    cmp: `Evil${ESC}`,
  },
  signals: {},
  screenshots: [],
  ...over,
});
const result = (over: Partial<SiteScanResult> = {}): SiteScanResult => ({
  site: { url: 'https://www.a.nl/', name: `Gemeente A${ESC}` },
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:10.000Z',
  status: 'ok',
  siteDomain: 'a.nl',
  phases: [phase()],
  ...over,
});
const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('terminal lines', () => {
  it('show control and bidi characters from a site as \\u escapes', () => {
    expect(consentLine(phase())).not.toMatch(raw);
    expect(consentLine(phase())).toContain('\\u001b]52;c;');
    expect(siteSummary(result())).not.toMatch(raw);
    expect(siteLine(result())).not.toMatch(raw);
    const failed = result({ status: 'failed', failureClass: 'navigation', failureMessage: `boom${ESC}` });
    expect(siteLine(failed)).not.toMatch(raw);
    expect(siteSummary(failed)).not.toMatch(raw);
    expect(siteSummary(failed).split('\n')).toHaveLength(2);
  });

  it('name the option that passes a certificate the browser does not trust', () => {
    const tls = result({ status: 'failed', failureClass: 'tls', failureMessage: 'page.goto: net::ERR_CERT_AUTHORITY_INVALID at https://www.a.nl/' });
    expect(siteLine(tls)).toMatch(/ERR_CERT_AUTHORITY_INVALID .*--ignore-https-errors/);
    const handshake = result({ status: 'failed', failureClass: 'tls', failureMessage: 'page.goto: net::ERR_SSL_PROTOCOL_ERROR' });
    expect(siteLine(handshake)).not.toContain('--ignore-https-errors');
  });
});
