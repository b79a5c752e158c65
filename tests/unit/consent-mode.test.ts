import { describe, expect, it } from 'vitest';
import { googleConsentMode } from '../../src/observe/consent-mode.js';
import type { RequestObservation } from '../../src/observe/types.js';

const req = (url: string): RequestObservation => ({
  requestId: '1',
  hop: 0,
  pageIndex: 0,
  url,
  method: 'GET',
  resourceType: 'ping',
  isMainFrame: true,
  initiator: { type: 'script' },
  timeMs: 0,
  host: new URL(url).hostname,
  domain: '',
  party: 'third-party',
});

describe('googleConsentMode', () => {
  it('reads gcs, gcd and npa from Google hits, distinct, in order first seen', () => {
    const out = googleConsentMode([
      req('https://region1.google-analytics.com/g/collect?v=2&tid=G-X&gcs=G100&gcd=13p3p3p2p5l1&npa=1'),
      req('https://region1.google-analytics.com/g/collect?v=2&tid=G-X&gcs=G111&gcd=13r3r3r2r5l1'),
      req('https://stats.g.doubleclick.net/g/collect?v=2&gcs=G100'),
      req('https://www.google.com/ccm/collect?gcs=G101&npa=0'),
    ]);
    expect(out).toEqual({ gcs: ['G100', 'G111', 'G101'], gcd: ['13p3p3p2p5l1', '13r3r3r2r5l1'], npa: ['1', '0'] });
  });
  it('ignores other hosts, lookalike hosts and malformed values', () => {
    expect(
      googleConsentMode([
        req('https://www.volgdorp.nl/zoek?gcs=G100'),
        req('https://google-analytics.com.evil.nl/g/collect?gcs=G100'),
        req('https://region1.google-analytics.com/g/collect?gcs=<script>'),
        req('https://region1.google-analytics.com/g/collect?npa=yes'),
      ]),
    ).toEqual({});
  });
});
