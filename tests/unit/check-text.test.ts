import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/check.js';
import { UsageError } from '../../src/cli/errors.js';
import {
  checkDocument,
  checkJson,
  checkOutcome,
  checkText,
  escapeControls,
  EXIT_NOT_SCANNED,
  EXIT_SIGINT,
  EXIT_SIGTERM,
  EXIT_VERDICT_FOUND,
  FAIL_ON_VERDICTS,
  failOnMatches,
  FailOnError,
  notCheckedAnswers,
  parseFailOn,
  signalExitCode,
  type CheckInput,
} from '../../src/report/check-text.js';
import type { FindingEvidence } from '../../src/store/evidence.js';
import type { SiteResult, TrackerSeen } from '../../src/store/results.js';

// The check report from hand-made stored data: what an administrator reads and what CI parses.

const PIXEL: TrackerSeen = {
  id: 'facebook-pixel', name: 'Meta Pixel', organisation: 'Meta Platforms', country: 'US',
  category: 'advertising', seriousness: 3, source: 'rules',
};
const GA: TrackerSeen = {
  id: 'google-analytics', name: 'Google Analytics', organisation: 'Google LLC', country: 'US',
  category: 'analytics', seriousness: 2, source: 'rules',
};
const FONTS: TrackerSeen = {
  id: 'google-fonts', name: 'Google Fonts', organisation: 'Google LLC', country: 'US',
  category: 'fonts', seriousness: 2, source: 'rules',
};
const CONSENT_TOOL: TrackerSeen = {
  id: 'cookiebot', name: 'Cookiebot', organisation: 'Usercentrics', country: 'DE',
  category: 'consent', seriousness: 0, source: 'rules',
};
const NAMED_ONLY: TrackerSeen = {
  id: 'trackerdb:somecdn', name: 'Some CDN', organisation: 'CDN Inc.', country: 'US',
  category: 'other', seriousness: 2, source: 'trackerdb',
};

function site(over: Partial<SiteResult> = {}): SiteResult {
  return {
    siteScanId: 1,
    url: 'https://www.volgdorp.nl/',
    status: 'ok',
    finalUrl: 'https://www.volgdorp.nl/',
    attempts: 1,
    grade: 'A',
    rulesVersion: 'rules-test',
    banner: { found: false },
    consent: { pre: { action: 'none', success: false }, accept: { action: 'accept', success: false }, reject: { action: 'reject', success: false } },
    verdicts: [],
    trackers: { pre: [], accept: [], reject: [] },
    accountIds: [],
    ...over,
  };
}

/** The text with its line wrapping undone, for assertions about prose. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

let seq = 0;
function finding(over: Partial<FindingEvidence> & Pick<FindingEvidence, 'evidence'>): FindingEvidence {
  return {
    seq: seq++,
    phase: 'pre',
    trackerId: PIXEL.id,
    trackerName: PIXEL.name,
    organisation: PIXEL.organisation,
    country: PIXEL.country,
    category: PIXEL.category,
    seriousness: 3,
    source: 'rules',
    rule: 'facebook-pixel:request:www.facebook.com/tr',
    pageIndex: 0,
    party: 'third-party',
    accountIds: [],
    verdicts: ['tracking_before_consent'],
    ...over,
  };
}

const request = (url: string, method = 'GET') =>
  ({ kind: 'request', url, method, resourceType: 'image', timeMs: 10 }) as const;

/** A site with the Meta Pixel before consent, seven pieces of evidence, and GA only after accepting. */
function pixelSite(): CheckInput {
  seq = 0;
  const evidence: FindingEvidence[] = [
    finding({ evidence: request('https://connect.facebook.net/en_US/fbevents.js'), rule: 'facebook-pixel:request:connect.facebook.net/fbevents.js' }),
    finding({ evidence: request(`https://www.facebook.com/tr/?id=1234567890123456&ev=PageView&${'x'.repeat(400)}`) }),
    finding({
      evidence: { kind: 'cookie', name: '_fbp', domain: '.volgdorp.nl', path: '/', setter: 'script', setterUrl: 'https://connect.facebook.net/en_US/fbevents.js', session: false },
      rule: 'facebook-pixel:cookie:_fbp',
    }),
    finding({
      evidence: { kind: 'cookie', name: 'fr', domain: '.facebook.com', path: '/', setter: 'http', setterUrl: 'https://www.facebook.com/tr/?id=1', session: false },
      rule: 'facebook-pixel:cookie:fr@facebook.com',
    }),
    finding({ evidence: request('https://www.facebook.com/tr/?id=1&ev=ViewContent', 'POST') }),
    finding({ evidence: request('https://www.facebook.com/tr/?id=1&ev=Scroll') }),
    finding({ evidence: { kind: 'storage', storageKind: 'localStorage', key: '_fbq', origin: 'https://www.volgdorp.nl' } }),
    // The same request on a later page is the same line to a reader.
    finding({ evidence: request('https://connect.facebook.net/en_US/fbevents.js'), rule: 'facebook-pixel:request:connect.facebook.net/fbevents.js', pageIndex: 2 }),
    // Not cited by the verdict: never shown under it.
    finding({ phase: 'accept', trackerId: GA.id, trackerName: GA.name, organisation: GA.organisation, seriousness: 2, category: 'analytics', verdicts: [], evidence: request('https://region1.google-analytics.com/g/collect?v=2') }),
  ];
  return {
    site: site({
      grade: 'E',
      verdicts: [
        {
          id: 'tracking_before_consent',
          explanation: 'Before the visitor made any choice, the site loaded advertising or social-media tracking: Meta Pixel of Meta Platforms (US). Such tracking needs prior consent.',
          trackers: ['Meta Pixel'],
        },
      ],
      trackers: { pre: [PIXEL, NAMED_ONLY], accept: [GA, PIXEL], reject: [] },
      accountIds: [{ kind: 'facebook-pixel', value: '1234567890123456' }],
    }),
    evidence,
    lang: 'en',
  };
}

describe('checkText: a site with a verdict', () => {
  const text = checkText(pixelSite());

  it('names the site and the grade with its meaning', () => {
    expect(text).toMatch(/^cookiewatch check of https:\/\/www\.volgdorp\.nl\/\n/);
    expect(text).toContain('Grade E: advertising or social-media tracking before consent');
    expect(text).toContain('1 problem found:');
  });

  it('gives the verdict title, its summary, why it matters and numbered steps with tracker-specific advice', () => {
    expect(text).toContain('1. Tracking before consent  [tracking_before_consent]');
    expect(text).toMatch(/Before the visitor made any choice, the site loaded advertising or social-media tracking: Meta\s+Pixel/);
    expect(text).toContain('Why it matters:');
    expect(text).toMatch(/Telecommunicatiewet art\. 11\.7a/);
    expect(text).toMatch(/What to do:\n\s+1\. Load these trackers only after the visitor clicks "accept"/);
    expect(text).toMatch(/\n\s+2\. Meta Pixel: remove it unless a campaign really needs it/);
  });

  it('shows at most five distinct evidence lines, with phase, who set a cookie and the rule, and counts the rest', () => {
    const evidence = text.slice(text.indexOf('Evidence:'), text.indexOf('Why it matters:'));
    const items = evidence.split('\n').filter((l) => l.trimStart().startsWith('- '));
    expect(items).toHaveLength(5);
    expect(items[0]).toBe('     - before consent, start page, page 3: request https://connect.facebook.net/en_US/fbevents.js');
    expect(evidence).toContain('       Meta Pixel, rule facebook-pixel:request:connect.facebook.net/fbevents.js');
    expect(evidence).toContain('cookie _fbp@.volgdorp.nl, set by script https://connect.facebook.net/en_US/fbevents.js');
    expect(evidence).toContain('cookie fr@.facebook.com, set by the HTTP response of https://www.facebook.com/tr/?id=1');
    expect(evidence).toContain('request POST https://www.facebook.com/tr/?id=1&ev=ViewContent');
    // 7 distinct pieces of evidence (the repeated fbevents.js counts once), 5 shown.
    expect(evidence).toContain('… and 2 more (all of them with --json)');
    // A kilobyte of hit parameters is clipped in the text.
    expect(evidence).toMatch(/ev=PageView&x+…\n/);
    expect(evidence).not.toContain('x'.repeat(200));
    expect(evidence).not.toContain('google-analytics');
  });

  it('lists the reported trackers per phase and whether the banner answer worked, and the account ids', () => {
    expect(text).toContain('   Before consent (nothing clicked): Meta Pixel\n');
    expect(text).toContain('   After accepting: Google Analytics, Meta Pixel\n      no banner to answer\n');
    expect(text).toContain('   After rejecting: no trackers found\n');
    // trackerdb only names; it never shows up as a tracker here.
    expect(text).not.toContain('Some CDN');
    expect(text).toContain('Banner: none found');
    expect(text).toContain('   facebook-pixel: 1234567890123456');
  });

  it('says where a kept scan is', () => {
    const kept = checkText({ ...pixelSite(), stored: { db: 'check.sqlite', runId: 7 } });
    expect(kept).toMatch(/The scan is kept in check\.sqlite as run 7 \(cookiewatch report --db check\.sqlite --run 7 --out report\)\.\n$/);
    expect(text).not.toContain('is kept in');
  });

  it('wraps prose at 100 columns', () => {
    const prose = text.split('\n').filter((l) => !/^\s+- |^\s{7}\S/.test(l));
    for (const line of prose) expect(line.length).toBeLessThanOrEqual(100);
  });
});

describe('checkText: clean sites', () => {
  it('says plainly that no tracking was found, per phase, and how the banner answered', () => {
    const clean = site({
      url: 'https://www.schoonstad.nl/',
      finalUrl: 'https://www.schoonstad.nl/',
      banner: { found: true, cmp: 'Cookiebot', rejectOnFirstLayer: true },
      consent: { pre: { action: 'none', success: false }, accept: { action: 'accept', success: true }, reject: { action: 'reject', success: true } },
      trackers: { pre: [CONSENT_TOOL], accept: [CONSENT_TOOL], reject: [CONSENT_TOOL] },
    });
    const text = checkText({ site: clean, evidence: [], lang: 'en' });
    expect(text).toContain('Grade A: no tracking or third parties before consent found');
    expect(text).toContain('No tracking found: no trackers before consent, after accepting or after rejecting.');
    expect(text).toContain('   Before consent (nothing clicked): no trackers found\n');
    expect(text).toContain('   After accepting: no trackers found\n      the accept click worked\n');
    expect(text).toContain('   After rejecting: no trackers found\n      the reject click worked\n');
    expect(text).toContain('Banner: found (Cookiebot)\n   reject on the first layer: yes');
    expect(text).not.toContain('problem');
    expect(text).not.toContain('Not checked');
    expect(text).not.toContain('Cookiebot,');
    expect(notCheckedAnswers(clean)).toEqual([]);
    expect(checkDocument({ site: clean, evidence: [], lang: 'en' }).notChecked).toEqual([]);
  });

  it('still lists third parties before consent that are no violation by themselves', () => {
    const text = checkText({
      site: site({
        grade: 'B',
        banner: { found: true, cmp: 'heuristic', rejectOnFirstLayer: true },
        consent: { pre: { action: 'none', success: false }, accept: { action: 'accept', success: true }, reject: { action: 'reject', success: true } },
        trackers: { pre: [FONTS], accept: [FONTS, GA], reject: [FONTS] },
      }),
      evidence: [],
      lang: 'en',
    });
    expect(text).toContain('Grade B: ');
    expect(text).toContain('No problems found');
    expect(text).toContain('Third parties before consent that are not a violation by themselves:\n   - Google Fonts (Google LLC, US)\n');
    expect(text).toContain('Banner: found (home-made, recognised by its buttons)');
  });

  it('shows a redirect of the start page', () => {
    const text = checkText({ site: site({ url: 'https://volgdorp.nl/', finalUrl: 'https://www.volgdorp.nl/' }), evidence: [], lang: 'en' });
    expect(text).toContain('(the start page ended at https://www.volgdorp.nl/)');
  });
});

describe('an answer to the banner that did not work', () => {
  const worked = { action: 'accept', success: true } as const;
  const rejectFailed = (over: Partial<SiteResult> = {}) =>
    site({
      banner: { found: true, cmp: 'Cookiebot', rejectOnFirstLayer: true },
      consent: { pre: { action: 'none', success: false }, accept: worked, reject: { action: 'reject', success: false } },
      ...over,
    });

  it('says that what happens after rejecting was not checked, and claims nothing about it', () => {
    const s = rejectFailed();
    const text = checkText({ site: s, evidence: [], lang: 'en' });
    expect(flat(text)).toContain(
      'Not checked: what happens after rejecting. The reject click did not work, so that phase saw the site as a visitor ' +
        'who has not chosen; the verdicts therefore cannot say whether the site respects a refusal.',
    );
    // The caveat comes before the summary, and the summary names only what was checked.
    expect(text.indexOf('Not checked')).toBeLessThan(text.indexOf('No tracking found'));
    expect(text).toContain('No tracking found: no trackers before consent or after accepting.\n');
    expect(text).not.toMatch(/no trackers[^\n]*after rejecting/);
    expect(text).not.toContain('after accepting. The accept click');
    expect(notCheckedAnswers(s)).toEqual(['reject']);
    expect(checkDocument({ site: s, evidence: [], lang: 'en' }).notChecked).toEqual(['reject']);
  });

  it('does not say "no problems" after rejecting when only third parties were seen', () => {
    const text = checkText({
      site: rejectFailed({ grade: 'B', trackers: { pre: [FONTS], accept: [FONTS, GA], reject: [FONTS] } }),
      evidence: [],
      lang: 'en',
    });
    expect(text).toContain('No problems found before consent: nothing there that needs consent.\n');
    expect(text).not.toContain('after rejecting that needs consent');
    expect(flat(text)).toContain('cannot say whether the site respects a refusal.');
  });

  it('keeps the caveat next to the problems that were found', () => {
    const input = pixelSite();
    input.site = { ...input.site, banner: { found: true, rejectOnFirstLayer: true }, consent: rejectFailed().consent };
    const text = checkText(input);
    expect(text).toContain('Not checked: what happens after rejecting.');
    expect(text.indexOf('Not checked')).toBeLessThan(text.indexOf('1 problem found:'));
  });

  it('says the same of a failed accept click', () => {
    const s = site({
      banner: { found: true, rejectOnFirstLayer: true },
      consent: { pre: { action: 'none', success: false }, accept: { action: 'accept', success: false }, reject: { action: 'reject', success: true } },
    });
    const text = checkText({ site: s, evidence: [], lang: 'en' });
    expect(flat(text)).toContain(
      'Not checked: what happens after accepting. The accept click did not work, so that phase saw the site as a visitor ' +
        'who has not chosen; the verdicts therefore cannot say what the site does once a visitor consents.',
    );
    expect(text).not.toContain('after rejecting. The reject click');
    expect(text).toContain('No tracking found: no trackers before consent or after rejecting.\n');
    expect(checkDocument({ site: s, evidence: [], lang: 'en' }).notChecked).toEqual(['accept']);
  });

  it('says that nothing could be answered without a banner, and a phase that did not run was not checked', () => {
    const noBanner = site({ consent: { pre: { action: 'none', success: false }, accept: { action: 'accept', success: false }, reject: { action: 'reject', success: false } } });
    const text = checkText({ site: noBanner, evidence: [], lang: 'en' });
    expect(flat(text)).toContain(
      'Not checked: what happens after accepting or after rejecting. No consent banner was found, so nothing could be clicked: ' +
        'those phases saw the site as a visitor who has not chosen.',
    );
    expect(text).toContain('No tracking found: no trackers before consent.\n');
    expect(checkDocument({ site: noBanner, evidence: [], lang: 'en' }).notChecked).toEqual(['accept', 'reject']);

    const notRun = site({ banner: { found: true }, consent: { pre: { action: 'none', success: false }, accept: worked } });
    expect(flat(checkText({ site: notRun, evidence: [], lang: 'en' }))).toContain(
      'Not checked: what happens after rejecting, because that phase did not run; the verdicts therefore cannot say whether the site respects a refusal.',
    );
    expect(notCheckedAnswers(notRun)).toEqual(['reject']);
  });

  it('says it in Dutch too', () => {
    const text = checkText({ site: rejectFailed(), evidence: [], lang: 'nl' });
    expect(flat(text)).toContain(
      'Niet gecontroleerd: wat er gebeurt na weigeren. De klik op weigeren werkte niet, dus die fase zag de site als een bezoeker ' +
        'die nog niet koos; de conclusies kunnen dus niet zeggen of de site een weigering respecteert.',
    );
    expect(text).toContain('Geen tracking gevonden: geen trackers vóór toestemming of na accepteren.\n');
  });
});

describe('checkText: a site that could not be scanned', () => {
  const failed = site({
    url: 'https://www.nergens.invalid/',
    status: 'failed',
    grade: '?',
    failureClass: 'dns',
    failureMessage: 'net::ERR_NAME_NOT_RESOLVED at https://www.nergens.invalid/',
    verdicts: [{ id: 'inconclusive', explanation: 'The site could not be scanned.', trackers: [] }],
    consent: { pre: { action: 'none', success: false } },
  });
  delete failed.finalUrl;

  it('says it could not be scanned, with failure class and message, and what to do', () => {
    const text = checkText({ site: failed, evidence: [], lang: 'en' });
    expect(text).toContain('The site could not be scanned.\nFailure: dns (net::ERR_NAME_NOT_RESOLVED at https://www.nergens.invalid/)');
    expect(text).toContain('not graded as clean');
    expect(text).toMatch(/What to do:\n   1\. Check that the site is reachable/);
    expect(text).not.toContain('Grade');
    expect(text).not.toContain('No tracking found');
  });

  it('fails the check with exit 4 whether or not --fail-on was given', () => {
    expect(checkOutcome(failed, undefined)).toEqual({ exitCode: EXIT_NOT_SCANNED, matched: [], failed: true });
    expect(checkOutcome(failed, ['any'])).toEqual({ exitCode: EXIT_NOT_SCANNED, matched: [], failed: true });
    const doc = checkDocument({ site: failed, evidence: [], lang: 'en' });
    expect(doc).toMatchObject({ status: 'failed', failureClass: 'dns', finalUrl: null, grade: '?', gradeMeaning: 'could not be scanned', failed: true, exitCode: 4 });
  });

  it('says an interrupted scan was interrupted', () => {
    const text = checkText({ site: { ...failed, status: 'interrupted', failureMessage: 'interrupted by SIGINT' }, evidence: [], lang: 'en' });
    expect(text).toContain('The scan was interrupted before it finished. (interrupted by SIGINT)\nNothing can be concluded');
    expect(text).not.toContain('What to do');
  });
});

describe('escaping what a website controls', () => {
  const ESC = '\x1b]0;owned\x07\x1b[2J';
  const hostile = (): CheckInput => {
    seq = 0;
    return {
      site: site({
        url: `https://www.volgdorp.nl/${ESC}`,
        finalUrl: `https://www.volgdorp.nl/\u202egnp.exe`,
        grade: 'F',
        banner: { found: true, cmp: `evil\x9b31m`, rejectOnFirstLayer: true },
        consent: { pre: { action: 'none', success: false }, accept: { action: 'accept', success: true }, reject: { action: 'reject', success: true } },
        verdicts: [
          { id: 'tracking_after_reject', explanation: `After the visitor clicked "Weigeren${ESC}\nFAKE LINE", the site still loaded Meta Pixel.`, trackers: ['Meta Pixel'] },
        ],
        trackers: { pre: [], accept: [], reject: [PIXEL] },
        accountIds: [{ kind: 'facebook-pixel', value: `123${ESC}` }],
      }),
      evidence: [
        finding({
          phase: 'reject',
          pageIndex: 1,
          verdicts: ['tracking_after_reject'],
          evidence: { kind: 'cookie', name: `_fbp${ESC}`, domain: '.volgdorp.nl\r\n', path: '/', setter: 'script', setterUrl: `https://x.example/${ESC}`, session: false },
        }),
        finding({ phase: 'reject', pageIndex: 1, verdicts: ['tracking_after_reject'], evidence: { kind: 'storage', storageKind: 'localStorage', key: `k\u0085${ESC}`, origin: 'https://www.volgdorp.nl' } }),
      ],
      lang: 'en',
    };
  };

  it('prints no control character but the newlines of the layout', () => {
    const text = checkText(hostile());
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(text).toContain('cookie _fbp\\u001b]0;owned\\u0007\\u001b[2J@.volgdorp.nl\\u000d\\u000a, set by script https://x.example/\\u001b');
    expect(text).toContain('Weigeren\\u001b]0;owned');
    expect(text).toContain('\\u000aFAKE LINE');
    expect(text).not.toMatch(/^FAKE LINE/m);
    expect(text).toContain('https://www.volgdorp.nl/\\u202egnp.exe');
    expect(text).toContain('found (evil\\u009b31m)');
    expect(text).toContain('k\\u0085\\u001b');
  });

  it('keeps the JSON exact but free of raw control characters', () => {
    const json = checkJson(hostile());
    expect(json).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    const doc = JSON.parse(json) as ReturnType<typeof checkDocument>;
    expect(doc.url).toBe(`https://www.volgdorp.nl/${ESC}`);
    expect(doc.banner.cmp).toBe('evil\x9b31m');
    expect(doc.verdicts[0]!.evidence[0]).toMatchObject({ kind: 'cookie', name: `_fbp${ESC}` });
  });

  it('escapes C0, C1, DEL and bidi controls as \\u escapes', () => {
    expect(escapeControls('a\x1bb\x7fc\x9bd\u2066e\tf')).toBe('a\\u001bb\\u007fc\\u009bd\\u2066e\\u0009f');
    expect(escapeControls('ümlaut – ok')).toBe('ümlaut – ok');
  });
});

describe('Dutch report', () => {
  it('uses the Dutch titles, summaries, advice, phase names and own words', () => {
    const text = checkText({ ...pixelSite(), lang: 'nl' });
    expect(text).toMatch(/^cookiewatch-controle van https:\/\/www\.volgdorp\.nl\/\n/);
    expect(text).toContain('Cijfer E: advertentie- of social-mediatracking vóór toestemming');
    expect(text).toContain('1 probleem gevonden:');
    expect(text).toContain('1. Tracking vóór toestemming  [tracking_before_consent]');
    expect(text).toMatch(/Voordat de bezoeker iets koos, laadde de site advertentie- of social-mediatracking: Meta Pixel\s+\(Meta Platforms, US\)\./);
    expect(text).toContain('- vóór toestemming, startpagina, pagina 3: verzoek https://connect.facebook.net/en_US/fbevents.js');
    expect(text).toContain('geplaatst door script https://connect.facebook.net/en_US/fbevents.js');
    expect(text).toContain('Meta Pixel, regel facebook-pixel:request:connect.facebook.net/fbevents.js');
    expect(text).toContain('Waarom dit ertoe doet:');
    expect(text).toMatch(/Wat u kunt doen:\n\s+1\. Laad deze trackers pas/);
    expect(text).toMatch(/2\. Meta Pixel: verwijder hem/);
    expect(text).toContain('Vóór toestemming (niets aangeklikt): Meta Pixel');
    expect(text).toContain('Na weigeren: geen trackers gevonden');
    expect(text).toContain('Cookiemelding: niet gevonden');
    expect(text).not.toMatch(/Evidence|What to do|Why it matters|no trackers found/);
  });

  it('gives the JSON in Dutch but keeps the stored English explanation', () => {
    const doc = checkDocument({ ...pixelSite(), lang: 'nl' });
    expect(doc.lang).toBe('nl');
    expect(doc.gradeMeaning).toBe('advertentie- of social-mediatracking vóór toestemming');
    expect(doc.verdicts[0]).toMatchObject({ title: 'Tracking vóór toestemming' });
    expect(doc.verdicts[0]!.summary).toMatch(/^Voordat de bezoeker iets koos/);
    expect(doc.verdicts[0]!.explanation).toMatch(/^Before the visitor made any choice/);
  });
});

describe('--fail-on', () => {
  it('accepts known ids and "any", without duplicates', () => {
    expect(parseFailOn('tracking_before_consent')).toEqual(['tracking_before_consent']);
    expect(parseFailOn(' tracking_before_consent , tracking_after_reject,tracking_before_consent')).toEqual([
      'tracking_before_consent',
      'tracking_after_reject',
    ]);
    expect(parseFailOn('any')).toEqual(['any']);
    for (const id of FAIL_ON_VERDICTS) expect(parseFailOn(id)).toEqual([id]);
  });

  it('refuses unknown ids, naming the valid ones, and an empty list', () => {
    expect(() => parseFailOn('tracking_before_consent,tracking')).toThrow(FailOnError);
    expect(() => parseFailOn('tracking')).toThrow(
      '--fail-on: unknown verdict "tracking"; valid: any, tracking_before_consent, analytics_before_consent, tracking_without_banner, ' +
        'tracking_after_reject, no_reject_on_first_layer, consent_signal_ignored, undisclosed_third_parties',
    );
    // A failed scan always fails the check; it is not something to opt into.
    expect(() => parseFailOn('inconclusive')).toThrow(/unknown verdict "inconclusive"/);
    expect(() => parseFailOn(' , ')).toThrow(/needs at least one verdict id/);
    expect(() => parseFailOn('\x1b[2J')).toThrow(/"\\u001b\[2J"/);
  });

  it('matches the listed verdicts, in the site\'s order; any matches every verdict but inconclusive', () => {
    const found = ['analytics_before_consent', 'tracking_before_consent', 'no_reject_on_first_layer'];
    expect(failOnMatches(undefined, found)).toEqual([]);
    expect(failOnMatches(['tracking_after_reject'], found)).toEqual([]);
    expect(failOnMatches(['no_reject_on_first_layer', 'tracking_before_consent'], found)).toEqual(['tracking_before_consent', 'no_reject_on_first_layer']);
    expect(failOnMatches(['any'], found)).toEqual(found);
    expect(failOnMatches(['any'], ['inconclusive'])).toEqual([]);
    expect(failOnMatches(['any'], [])).toEqual([]);
  });

  it('sets the exit code: 0 without a listed verdict, 3 with one, 1 for an unclassified scan', () => {
    const { site: s } = pixelSite();
    expect(checkOutcome(s, undefined)).toEqual({ exitCode: 0, matched: [], failed: false });
    expect(checkOutcome(s, ['tracking_after_reject'])).toEqual({ exitCode: 0, matched: [], failed: false });
    expect(checkOutcome(s, ['tracking_before_consent'])).toEqual({ exitCode: EXIT_VERDICT_FOUND, matched: ['tracking_before_consent'], failed: true });
    expect(checkOutcome(s, ['any']).exitCode).toBe(EXIT_VERDICT_FOUND);
    const unclassified = site();
    delete unclassified.grade;
    expect(checkOutcome(unclassified, ['any']).exitCode).toBe(1);
    expect(checkText({ site: unclassified, evidence: [], lang: 'en' })).toContain('No grade: ');
  });

  it('exits as the signal demands when interrupted, and the document says the same code', () => {
    expect(signalExitCode('SIGINT')).toBe(EXIT_SIGINT);
    expect(signalExitCode('SIGTERM')).toBe(EXIT_SIGTERM);
    expect([EXIT_SIGINT, EXIT_SIGTERM]).toEqual([130, 143]);
    const stopped = site({ status: 'interrupted', failureMessage: 'interrupted by SIGTERM before the scan finished', verdicts: [] });
    delete stopped.grade;
    expect(checkOutcome(stopped, undefined)).toEqual({ exitCode: EXIT_NOT_SCANNED, matched: [], failed: true });
    expect(checkOutcome(stopped, undefined, 'SIGINT')).toEqual({ exitCode: 130, matched: [], failed: true });
    expect(checkOutcome(stopped, ['any'], 'SIGTERM')).toEqual({ exitCode: 143, matched: [], failed: true });
    // A signal wins over a found verdict, which is still named.
    expect(checkOutcome(pixelSite().site, ['any'], 'SIGINT')).toEqual({ exitCode: 130, matched: ['tracking_before_consent'], failed: true });

    const doc = JSON.parse(checkJson({ site: stopped, evidence: [], lang: 'en', interruptedBy: 'SIGTERM' })) as ReturnType<typeof checkDocument>;
    expect(doc).toMatchObject({ status: 'interrupted', interruptedBy: 'SIGTERM', failed: true, exitCode: 143 });
    expect(checkDocument({ site: stopped, evidence: [], lang: 'en', interruptedBy: 'SIGINT' }).exitCode).toBe(130);
    expect(checkDocument({ site: stopped, evidence: [], lang: 'en' })).toMatchObject({ interruptedBy: null, exitCode: 4 });
  });
});

describe('a scan that could not be classified', () => {
  const unclassified = () => {
    const s = site({ trackers: { pre: [], accept: [], reject: [] } });
    delete s.grade;
    return s;
  };

  it('suggests checking again when the temporary database is gone, and concludes nothing', () => {
    const text = checkText({ site: unclassified(), evidence: [], lang: 'en' });
    expect(flat(text)).toContain(
      'No grade: cookiewatch could not classify the scan (see the log), so nothing can be concluded, and its temporary database ' +
        'is deleted. Run cookiewatch check again, with --db <file> to keep the scan for cookiewatch reclassify.',
    );
    expect(text).not.toContain('reclassify --db');
    expect(text).not.toMatch(/No tracking found|No problems found|What each phase saw/);
    expect(flat(checkText({ site: unclassified(), evidence: [], lang: 'nl' }))).toContain('Draai cookiewatch check opnieuw, met --db <bestand>');
  });

  it('gives the reclassify command for a scan kept with --db', () => {
    const text = checkText({ site: unclassified(), evidence: [], lang: 'en', stored: { db: 'kept.sqlite', runId: 4 } });
    expect(flat(text)).toContain('No grade: the scan was saved, but cookiewatch could not classify it (see the log), so nothing can be concluded yet. To classify it again:');
    expect(text).toContain('To classify it again:\n   cookiewatch reclassify --db kept.sqlite\n');
    expect(text).toContain('The scan is kept in kept.sqlite as run 4');
    expect(text).not.toContain('check again');
  });
});

describe('checkDocument', () => {
  it('has the stable shape, all evidence unclipped, advice and the fail-on outcome', () => {
    const input: CheckInput = { ...pixelSite(), failOn: ['tracking_before_consent'], stored: { db: 'kept.sqlite', runId: 3 } };
    const doc = checkDocument(input);
    expect(Object.keys(doc)).toEqual([
      'url', 'finalUrl', 'status', 'grade', 'gradeMeaning', 'lang', 'verdicts', 'trackers', 'banner', 'consent', 'notChecked',
      'accountIds', 'statements', 'disclosures', 'failOn', 'failOnMatched', 'failed', 'interruptedBy', 'exitCode', 'db', 'runId',
    ]);
    expect(doc).toMatchObject({
      url: 'https://www.volgdorp.nl/', status: 'ok', grade: 'E', failOn: ['tracking_before_consent'],
      failOnMatched: ['tracking_before_consent'], failed: true, interruptedBy: null, exitCode: 3, db: 'kept.sqlite', runId: 3,
      banner: { found: false, cmp: null, rejectOnFirstLayer: null },
      consent: { pre: { action: 'none', success: false }, accept: { action: 'accept', success: false } },
    });
    const v = doc.verdicts[0]!;
    expect(Object.keys(v)).toEqual(['id', 'title', 'summary', 'explanation', 'trackers', 'evidence', 'why', 'advice']);
    expect(v.evidence).toHaveLength(8);
    expect(v.evidence[1]).toMatchObject({ phase: 'pre', trackerId: 'facebook-pixel', tracker: 'Meta Pixel', rule: 'facebook-pixel:request:www.facebook.com/tr', kind: 'request' });
    expect((v.evidence[1] as { url: string }).url).toHaveLength('https://www.facebook.com/tr/?id=1234567890123456&ev=PageView&'.length + 400);
    expect(v.advice).toHaveLength(2);
    expect(v.advice[1]).toMatch(/^Meta Pixel: /);
    expect(doc.trackers.pre).toEqual([{ ...PIXEL, reported: true }, { ...NAMED_ONLY, reported: false }]);
    expect(JSON.parse(checkJson(input))).toEqual(doc);
  });

  it('finds tracker-specific advice for a verdict without evidence rows through the site\'s tracker lists', () => {
    const { site: s } = pixelSite();
    const doc = checkDocument({ site: s, evidence: [], lang: 'en' });
    expect(doc.verdicts[0]!.advice[1]).toMatch(/^Meta Pixel: remove it unless/);
    expect(doc.verdicts[0]!.evidence).toEqual([]);
    expect(doc.failOn).toBeNull();
    expect(doc.db).toBeNull();
  });
});

describe('checkCommand input checks (no browser)', () => {
  const run = (args: string[]) => checkCommand().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} }).parseAsync(args, { from: 'user' });

  it('lists every exit code in its help, the signal ones included', async () => {
    let out = '';
    await checkCommand()
      .exitOverride()
      .configureOutput({ writeOut: (s) => (out += s), writeErr: () => {} })
      .parseAsync(['--help'], { from: 'user' })
      .catch(() => undefined);
    const codes = out.slice(out.indexOf('Exit codes:')).split('\n').slice(1).map((l) => /^ {2}(\d+) +\S/.exec(l)?.[1]).filter(Boolean);
    expect(codes).toEqual(['0', '1', '2', '3', '4', '130', '143']);
    expect(out).toMatch(/130 +interrupted by SIGINT/);
    expect(out).toMatch(/143 +interrupted by SIGTERM/);
    expect(out).toContain("the document's exitCode is the exit code of the process");
  });

  it('refuses a malformed URL with a usage error', async () => {
    await expect(run(['https://exa mple.nl/'])).rejects.toThrow(UsageError);
    await expect(run(['ftp://www.example.nl/'])).rejects.toThrow(/not an http\(s\) URL/);
  });

  it('refuses an unknown --fail-on id with a usage error naming the valid ones', async () => {
    await expect(run(['www.example.nl', '--fail-on', 'tracking'])).rejects.toThrow(
      new UsageError(
        '--fail-on: unknown verdict "tracking"; valid: any, tracking_before_consent, analytics_before_consent, tracking_without_banner, ' +
          'tracking_after_reject, no_reject_on_first_layer, consent_signal_ignored, undisclosed_third_parties',
      ),
    );
  });
});

describe('the privacy statement', () => {
  const HOTJAR: TrackerSeen = {
    id: 'hotjar', name: 'Hotjar', organisation: 'Hotjar Ltd', country: 'MT',
    category: 'session-recording', seriousness: 2, source: 'rules',
  };
  const PRIVACY = 'https://www.volgdorp.nl/privacyverklaring';
  const DENIAL = 'Wij gebruiken geen Facebook Pixel op deze website.';
  const statements: NonNullable<SiteResult['statements']> = [
    { url: PRIVACY, linkText: 'Privacyverklaring', foundOn: 'page', status: 200, readable: true },
    { url: 'https://www.volgdorp.nl/cookies', linkText: 'Cookieverklaring', foundOn: 'statement', status: 500, error: 'HTTP 500', readable: false },
    { url: 'https://www.volgdorp.nl/cookiebeleid.pdf', linkText: '', foundOn: 'page', status: 200, error: 'not a web page (application/pdf)', readable: false },
  ];
  const disclosures: NonNullable<SiteResult['disclosures']> = [
    { trackerId: PIXEL.id, trackerName: PIXEL.name, organisation: PIXEL.organisation, status: 'denied', term: 'Facebook Pixel', statementUrl: PRIVACY, snippet: DENIAL },
    { trackerId: GA.id, trackerName: GA.name, organisation: GA.organisation, status: 'named', term: 'Google Analytics', statementUrl: PRIVACY, snippet: 'Wij gebruiken Google Analytics.' },
    { trackerId: FONTS.id, trackerName: FONTS.name, organisation: FONTS.organisation, status: 'organisation-named', term: 'Google', statementUrl: PRIVACY, snippet: 'Wij delen niets met Google.' },
    { trackerId: HOTJAR.id, trackerName: HOTJAR.name, organisation: HOTJAR.organisation, status: 'not-named' },
  ];
  const UNDISCLOSED = {
    id: 'undisclosed_third_parties',
    explanation:
      'The privacy statement does not name Hotjar (Hotjar Ltd), though the site uses it. It says the site does not use Meta Pixel (Meta Platforms), yet it was found.',
    trackers: ['Hotjar', 'Meta Pixel'],
  };

  /** Meta Pixel before consent (denied by the statement), GA named, Fonts by organisation only, Hotjar not named. */
  function statementSite(over: Partial<SiteResult> = {}): CheckInput {
    seq = 0;
    return {
      site: site({
        grade: 'E',
        verdicts: [
          { id: 'tracking_before_consent', explanation: 'Before the visitor made any choice, the site loaded Meta Pixel.', trackers: ['Meta Pixel'] },
          UNDISCLOSED,
        ],
        trackers: { pre: [PIXEL, FONTS], accept: [GA, HOTJAR], reject: [] },
        statements,
        disclosures,
        ...over,
      }),
      evidence: [
        finding({ evidence: request('https://www.facebook.com/tr/?id=1&ev=PageView'), verdicts: ['tracking_before_consent', 'undisclosed_third_parties'] }),
        finding({
          phase: 'accept', trackerId: HOTJAR.id, trackerName: HOTJAR.name, organisation: HOTJAR.organisation, seriousness: 2,
          rule: 'hotjar:request:static.hotjar.com', verdicts: ['undisclosed_third_parties'], evidence: request('https://static.hotjar.com/c/hotjar-1.js'),
        }),
      ],
      lang: 'en',
    };
  }

  const section = (text: string) => text.slice(text.indexOf('\nPrivacy statement:') + 1, text.indexOf('\nAccount ids') === -1 ? undefined : text.indexOf('\nAccount ids'));

  it('lists the statements found, by which link, and whether each was read or why not', () => {
    const text = checkText(statementSite());
    expect(section(text)).toContain(
      'Privacy statement:\n' +
        '   Found through the links of the start page:\n' +
        `   - ${PRIVACY} ("Privacyverklaring"), linked from the start page: read\n` +
        '   - https://www.volgdorp.nl/cookies ("Cookieverklaring"), linked from another statement: could not be read (HTTP 500)\n' +
        '   - https://www.volgdorp.nl/cookiebeleid.pdf, linked from the start page: could not be read (not a web page (application/pdf))\n',
    );
    // The section comes with the site's facts, after the banner.
    expect(text.indexOf('Banner:')).toBeLessThan(text.indexOf('Privacy statement:'));
  });

  it('says per tracker: named, only the organisation named, denied with the quoted sentence, not named', () => {
    const s = section(checkText(statementSite()));
    expect(s).toContain(
      '   What the statements read say about the third parties found:\n' +
        '   - Google Analytics: named ("Google Analytics")\n' +
        '   - Google Fonts: only its organisation is named ("Google"), not Google Fonts itself\n' +
        '   - Hotjar: not named\n' +
        '   - Meta Pixel: mentioned only to say the site does not use it, yet the scan found it:\n' +
        `     "${DENIAL}"\n     (in ${PRIVACY})\n`,
    );
  });

  it('backs the undisclosed verdict with what the statement says and where the trackers were found', () => {
    const text = checkText(statementSite());
    const block = text.slice(text.indexOf('[undisclosed_third_parties]'), text.indexOf('\nWhat each phase saw'));
    expect(block).toContain('The privacy statement does not name Hotjar (Hotjar Ltd), though the site uses it.');
    expect(block).toContain(
      '   Evidence:\n' +
        `     - statements read: ${PRIVACY}\n` +
        '     - Hotjar: not named\n' +
        '     - Meta Pixel: mentioned only to say the site does not use it, yet the scan found it:\n' +
        `       "${DENIAL}"\n       (in ${PRIVACY})\n` +
        '     - before consent, start page: request https://www.facebook.com/tr/?id=1&ev=PageView\n' +
        '       Meta Pixel, rule facebook-pixel:request:www.facebook.com/tr\n' +
        '     - after accepting, start page: request https://static.hotjar.com/c/hotjar-1.js\n' +
        '       Hotjar, rule hotjar:request:static.hotjar.com\n',
    );
    // Named trackers are no evidence of silence.
    expect(block).not.toContain('Google Analytics: named');
    expect(block).toContain('GDPR art. 13');
  });

  it('still lists a third party before consent that only the undisclosed verdict names', () => {
    const input = statementSite({ verdicts: [{ ...UNDISCLOSED, trackers: ['Google Fonts'] }] });
    expect(checkText(input)).toContain(
      'Third parties before consent that are not a violation by themselves:\n   - Meta Pixel (Meta Platforms, US)\n   - Google Fonts (Google LLC, US)\n',
    );
  });

  it('says no statement was found, and that nothing was checked: never that anything is named', () => {
    const none = disclosures.map(({ trackerId, trackerName, organisation }) => ({ trackerId, trackerName, organisation, status: 'no-statement' as const }));
    const text = checkText(statementSite({ verdicts: [], statements: [], disclosures: none }));
    expect(flat(section(text))).toBe(
      'Privacy statement: none found from the start page. No link on the start page was recognised as a privacy or cookie ' +
        'statement; the site may still have one. Whether a statement names the third parties found (Google Analytics, ' +
        'Google Fonts, Hotjar, Meta Pixel) was therefore not checked. ',
    );
    expect(text).not.toMatch(/: named|only its organisation|not named|statements read/);
  });

  it('says the statements could not be read, and why, and that nothing was checked', () => {
    const unread = statements.slice(1);
    const none = disclosures.map(({ trackerId, trackerName, organisation }) => ({ trackerId, trackerName, organisation, status: 'unreadable' as const }));
    const text = checkText(statementSite({ verdicts: [], statements: unread, disclosures: none }));
    const s = section(text);
    expect(s).toMatch(/^Privacy statement: found, but none could be read\.\n/);
    expect(s).toContain('   - https://www.volgdorp.nl/cookies ("Cookieverklaring"), linked from another statement: could not be read (HTTP 500)\n');
    expect(flat(s)).toContain('Whether a statement names the third parties found (Google Analytics, Google Fonts, Hotjar, Meta Pixel) was therefore not checked.');
    expect(text).not.toMatch(/: named|only its organisation|not named|: read\n/);
  });

  it('says when there was nothing to name, and when the scan did not look', () => {
    expect(section(checkText(statementSite({ verdicts: [], disclosures: [] })))).toContain(
      '   - https://www.volgdorp.nl/cookiebeleid.pdf, linked from the start page: could not be read (not a web page (application/pdf))\n' +
        '   No third parties were found for them to name.\n',
    );
    const notLooked = site();
    expect(checkText({ site: notLooked, evidence: [], lang: 'en' })).toContain('\nPrivacy statement: not looked for in this scan.\n');
  });

  it('says it all in Dutch', () => {
    const text = checkText({ ...statementSite(), lang: 'nl' });
    const s = section(text.replace('\nPrivacyverklaring:', '\nPrivacy statement:'));
    expect(s).toContain(
      'Privacy statement:\n' +
        '   Gevonden via de links van de startpagina:\n' +
        `   - ${PRIVACY} ("Privacyverklaring"), gelinkt vanaf de startpagina: gelezen\n` +
        '   - https://www.volgdorp.nl/cookies ("Cookieverklaring"), gelinkt vanuit een andere verklaring: kon niet worden gelezen (HTTP 500)\n' +
        '   - https://www.volgdorp.nl/cookiebeleid.pdf, gelinkt vanaf de startpagina: kon niet worden gelezen (geen webpagina (application/pdf))\n' +
        '   Wat de gelezen verklaringen zeggen over de gevonden derde partijen:\n' +
        '   - Google Analytics: genoemd ("Google Analytics")\n' +
        '   - Google Fonts: alleen de organisatie wordt genoemd ("Google"), niet Google Fonts zelf\n' +
        '   - Hotjar: niet genoemd\n' +
        '   - Meta Pixel: alleen genoemd om te zeggen dat de site het niet gebruikt, terwijl de scan het wel\n' +
        '     vond:\n' +
        `     "${DENIAL}"\n     (in ${PRIVACY})\n`,
    );
    expect(text).toContain('[undisclosed_third_parties]');
    expect(text).toContain('Derde partijen die de privacyverklaring niet noemt');
    expect(text).toContain(`     - gelezen verklaringen: ${PRIVACY}\n`);

    const none = disclosures.map(({ trackerId, trackerName, organisation }) => ({ trackerId, trackerName, organisation, status: 'no-statement' as const }));
    const nl = flat(checkText({ ...statementSite({ verdicts: [], statements: [], disclosures: none }), lang: 'nl' }));
    expect(nl).toContain('Privacyverklaring: niet gevonden vanaf de startpagina.');
    expect(nl).toContain('is daarom niet gecontroleerd.');
    expect(nl).not.toMatch(/: genoemd|niet genoemd/);
    const unread = flat(checkText({ ...statementSite({ verdicts: [], statements: statements.slice(1), disclosures: [] }), lang: 'nl' }));
    expect(unread).toContain('Privacyverklaring: gevonden, maar geen enkele kon worden gelezen.');
  });

  it('escapes what the statement and its link say', () => {
    const ESC = '\x1b[2J';
    const text = checkText(
      statementSite({
        statements: [{ ...statements[0]!, linkText: `Privacy${ESC}\u202e` }],
        disclosures: [{ ...disclosures[0]!, snippet: `Wij gebruiken geen Facebook Pixel${ESC}\nFAKE LINE.` }],
      }),
    );
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(text).toContain('("Privacy\\u001b[2J\\u202e")');
    expect(text).toContain('"Wij gebruiken geen Facebook Pixel\\u001b[2J\\u000aFAKE LINE."');
  });

  it('gives statements and disclosures in the JSON, null when the scan did not look', () => {
    const doc = checkDocument(statementSite());
    expect(doc.statements).toEqual([
      { url: PRIVACY, linkText: 'Privacyverklaring', foundOn: 'page', status: 200, error: null, readable: true },
      { url: 'https://www.volgdorp.nl/cookies', linkText: 'Cookieverklaring', foundOn: 'statement', status: 500, error: 'HTTP 500', readable: false },
      { url: 'https://www.volgdorp.nl/cookiebeleid.pdf', linkText: '', foundOn: 'page', status: 200, error: 'not a web page (application/pdf)', readable: false },
    ]);
    expect(doc.disclosures![0]).toEqual({
      trackerId: 'facebook-pixel', trackerName: 'Meta Pixel', organisation: 'Meta Platforms', status: 'denied', term: 'Facebook Pixel', statementUrl: PRIVACY, snippet: DENIAL,
    });
    expect(doc.disclosures![3]).toEqual({
      trackerId: 'hotjar', trackerName: 'Hotjar', organisation: 'Hotjar Ltd', status: 'not-named', term: null, statementUrl: null, snippet: null,
    });
    expect(doc.verdicts[1]).toMatchObject({ id: 'undisclosed_third_parties', title: 'Third parties the privacy statement does not name' });
    expect(doc.verdicts[1]!.evidence.map((e) => e.trackerId)).toEqual(['facebook-pixel', 'hotjar']);
    const bare = checkDocument({ site: site(), evidence: [], lang: 'en' });
    expect([bare.statements, bare.disclosures]).toEqual([null, null]);
    expect(checkDocument(statementSite({ statements: [], disclosures: [] }))).toMatchObject({ statements: [], disclosures: [] });
  });

  it('can fail a CI step on it', () => {
    expect(parseFailOn('undisclosed_third_parties')).toEqual(['undisclosed_third_parties']);
    const { site: s } = statementSite();
    expect(checkOutcome(s, ['undisclosed_third_parties'])).toEqual({ exitCode: EXIT_VERDICT_FOUND, matched: ['undisclosed_third_parties'], failed: true });
    expect(checkOutcome(s, ['any']).matched).toEqual(['tracking_before_consent', 'undisclosed_third_parties']);
  });
});
