import { describe, expect, it } from 'vitest';
import { classifySiteScan } from '../../src/classify/index.js';
import { loadTrackerRules } from '../../src/classify/rules.js';
import type { PhaseObservations, SiteScanResult, StatementObservation } from '../../src/observe/types.js';

// The privacy statement in a whole classification: which statements let us conclude anything, and
// when the verdict undisclosed_third_parties may accuse.

const rules = loadTrackerRules();
const pixel = 'https://www.facebook.com/tr?id=1234567890123456&ev=PageView';
const pre: PhaseObservations = {
  phase: 'pre', startedAt: '', endedAt: '', status: 'ok', pages: [], cookies: [], cookieEvents: [], storage: [], signals: {}, screenshots: [],
  consent: { action: 'none', bannerFound: false, secondLayer: false, clicks: [], success: false },
  requests: [{
    requestId: '1', hop: 0, pageIndex: 0, url: pixel, method: 'GET', resourceType: 'Image', status: 200, isMainFrame: false,
    initiator: { type: 'other' }, timeMs: 10, host: 'www.facebook.com', domain: 'facebook.com', party: 'third-party',
  }],
};
const scan = (statements?: StatementObservation[]): SiteScanResult => ({
  site: { url: 'https://www.gemeente.nl/' }, startedAt: '', endedAt: '', status: 'ok', siteDomain: 'gemeente.nl', phases: [pre],
  ...(statements ? { statements } : {}),
});
const silent: StatementObservation = {
  url: 'https://www.gemeente.nl/privacyverklaring', linkText: 'Privacyverklaring', foundOn: 'page', status: 200,
  text: 'Wij verwerken persoonsgegevens volgens de AVG. Wij gebruiken Google Analytics.',
};
const judge = (statements?: StatementObservation[]) => {
  const c = classifySiteScan(scan(statements), { rules });
  return { pixel: c.disclosures?.find((d) => d.trackerId === 'facebook-pixel')?.status, undisclosed: c.verdicts.some((v) => v.id === 'undisclosed_third_parties') };
};

describe('disclosures in a classification', () => {
  it('a statement read whole that leaves the pixel out: not named, and the verdict', () => {
    expect(judge([silent])).toEqual({ pixel: 'not-named', undisclosed: true });
  });

  it('not searched, none found, unreadable: recorded as such and nobody accused', () => {
    expect(judge(undefined)).toEqual({ pixel: undefined, undisclosed: false });
    expect(judge([])).toEqual({ pixel: 'no-statement', undisclosed: false });
    expect(judge([{ ...silent, text: undefined, status: 500, error: 'HTTP 500' } as StatementObservation])).toEqual({ pixel: 'unreadable', undisclosed: false });
  });

  it('one statement read, another not (or cut short, or left unread): not concluded', () => {
    const cookieStatement = { url: 'https://www.gemeente.nl/cookies', linkText: 'Cookies', foundOn: 'page' as const };
    expect(judge([silent, { ...cookieStatement, status: 500, error: 'HTTP 500' }])).toEqual({ pixel: 'unreadable', undisclosed: false });
    expect(judge([silent, { ...cookieStatement, error: 'not read: at most 3 statements are read' }])).toEqual({ pixel: 'unreadable', undisclosed: false });
    expect(judge([{ ...silent, error: 'text cut short: the page is too long to read whole' }])).toEqual({ pixel: 'unreadable', undisclosed: false });
  });

  it('a statement that names it: no verdict', () => {
    expect(judge([{ ...silent, text: `${silent.text} Met uw toestemming plaatsen wij de Meta Pixel.` }])).toEqual({ pixel: 'named', undisclosed: false });
  });
});
