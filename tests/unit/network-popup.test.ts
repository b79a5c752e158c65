import { describe, expect, it } from 'vitest';
import { classifySiteScan } from '../../src/classify/index.js';
import { isPopupRequest } from '../../src/classify/match.js';
import { loadTrackerRules } from '../../src/classify/rules.js';
import { MAX_REQUESTS_PER_PHASE, NetworkCollector } from '../../src/observe/network.js';
import type { PhaseObservations, SiteScanResult } from '../../src/observe/types.js';

describe('requests of pop-up windows', () => {
  it('are recorded with their redirect chain and status, and do not keep the page from being quiet', () => {
    let now = 1000;
    const net = new NetworkCollector({ phaseStart: 0, storeValues: false, now: () => now });
    const quietSince = net.lastActivity;
    const doc = {};
    const hop = {};
    now = 5000;
    net.popupRequest(doc, { url: 'https://partner.nl/actie', method: 'GET', resourceType: 'document' });
    net.popupRequest(hop, { url: 'https://partner.nl/actie/', method: 'GET', resourceType: 'document', redirectedFrom: doc });
    net.popupResponse(hop, 200, 'text/html');
    const pixel = {};
    net.popupRequest(pixel, { url: 'https://www.facebook.com/tr?id=1', method: 'GET', resourceType: 'image', frameUrl: 'https://partner.nl/actie/' });
    net.popupFailed(pixel, 'net::ERR_ABORTED');
    expect(net.lastActivity).toBe(quietSince);
    const reqs = net.requests('gemeente.nl');
    expect(reqs.map((r) => [r.requestId, r.hop, r.url, r.redirectedTo, r.status, r.failure, r.frameUrl, r.party])).toEqual([
      ['popup-1', 0, 'https://partner.nl/actie', 'https://partner.nl/actie/', undefined, undefined, 'https://partner.nl/actie', 'third-party'],
      ['popup-1', 1, 'https://partner.nl/actie/', undefined, 200, undefined, 'https://partner.nl/actie/', 'third-party'],
      ['popup-2', 0, 'https://www.facebook.com/tr?id=1', undefined, undefined, 'net::ERR_ABORTED', 'https://partner.nl/actie/', 'third-party'],
    ]);
    expect(reqs.every((r) => isPopupRequest(r) && !r.isMainFrame)).toBe(true);
  });

  it('stop being kept after the phase cap, and say how many were dropped', () => {
    const net = new NetworkCollector({ phaseStart: 0, storeValues: false });
    for (let i = 0; i < MAX_REQUESTS_PER_PHASE + 5; i++) net.popupRequest({}, { url: `https://x.nl/${i}`, method: 'GET', resourceType: 'image' });
    expect(net.requests('gemeente.nl')).toHaveLength(MAX_REQUESTS_PER_PHASE);
    expect(net.dropped).toBe(5);
  });

  it('are never judged: a Meta Pixel hit from a pop-up gives no finding and no verdict', () => {
    const rules = loadTrackerRules();
    const request = (type: string) => ({
      requestId: '1', hop: 0, pageIndex: 1, url: 'https://www.facebook.com/tr?id=1234567890123456&ev=PageView', method: 'GET',
      resourceType: 'image', status: 200, isMainFrame: false, initiator: { type }, timeMs: 10, host: 'www.facebook.com',
      domain: 'facebook.com', party: 'third-party' as const,
    });
    const phase = (name: 'pre' | 'reject', type: string): PhaseObservations => ({
      phase: name, startedAt: '', endedAt: '', status: 'ok', pages: [], cookies: [], cookieEvents: [], storage: [], signals: {}, screenshots: [],
      consent: name === 'pre'
        ? { action: 'none', bannerFound: true, secondLayer: false, clicks: [], success: false }
        : { action: 'reject', bannerFound: true, secondLayer: false, clicks: [{ text: 'Weigeren', frameUrl: '', layer: 1, role: 'reject' }], success: true },
      requests: [request(type)],
    });
    const scan = (type: string): SiteScanResult => ({
      site: { url: 'https://www.gemeente.nl/' }, startedAt: '', endedAt: '', status: 'ok', siteDomain: 'gemeente.nl',
      phases: [phase('pre', type), phase('reject', type)],
    });
    const fromPage = classifySiteScan(scan('script'), { rules });
    expect(fromPage.verdicts.map((v) => v.id)).toContain('tracking_after_reject');
    const fromPopup = classifySiteScan(scan('popup'), { rules });
    expect(fromPopup.findings).toEqual([]);
    expect(fromPopup.verdicts).toEqual([]);
  });
});
