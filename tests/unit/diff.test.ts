import { describe, expect, it } from 'vitest';
import { chooseRuns } from '../../src/cli/diff.js';
import { UsageError } from '../../src/cli/errors.js';
import { diffRuns, type RunDiff } from '../../src/diff/diff.js';
import { diffJson, formatDiff, type DiffRuns } from '../../src/diff/format.js';
import type { PhaseName } from '../../src/observe/types.js';
import type { RunInfo, SiteScanResult } from '../../src/observe/types.js';
import {
  createRun,
  openDatabase,
  planRunSites,
  plannedUrlsOfRun,
  runsWithSiteScans,
  saveSiteScan,
  type RunWithScans,
  type SiteResult,
  type TrackerSeen,
} from '../../src/store/index.js';

const tracker = (id: string, name: string, seriousness: number, source: TrackerSeen['source'] = 'rules'): TrackerSeen => ({
  id,
  name,
  organisation: 'Org',
  country: 'US',
  category: 'analytics',
  seriousness,
  source,
});

const GA = tracker('google-analytics', 'Google Analytics', 2);
const FB = tracker('facebook-pixel', 'Meta Pixel (Facebook Pixel)', 3);
const HJ = tracker('hotjar', 'Hotjar', 2);
const YT = tracker('youtube', 'YouTube', 3);
const CHARTBEAT = tracker('chartbeat', 'Chartbeat', 2, 'trackerdb');
const COOKIEBOT = tracker('cookiebot', 'Cookiebot', 0);

interface SiteSpec {
  name?: string;
  code?: string;
  status?: SiteResult['status'];
  failureClass?: string;
  grade?: string;
  rulesVersion?: string;
  verdicts?: string[];
  pre?: TrackerSeen[];
  accept?: TrackerSeen[];
  reject?: TrackerSeen[];
  /** Phases whose banner answer failed. */
  answerFailed?: Array<'accept' | 'reject'>;
}

let nextId = 1;
function site(url: string, s: SiteSpec = {}): SiteResult {
  const status = s.status ?? 'ok';
  const r: SiteResult = {
    siteScanId: nextId++,
    url,
    status,
    attempts: 1,
    banner: { found: true },
    consent: {
      pre: { action: 'none', success: false },
      accept: { action: 'accept', success: !s.answerFailed?.includes('accept') },
      reject: { action: 'reject', success: !s.answerFailed?.includes('reject') },
    },
    verdicts: (s.verdicts ?? []).map((id) => ({ id, explanation: `${id} explained`, trackers: [] })),
    trackers: { pre: s.pre ?? [], accept: s.accept ?? [], reject: s.reject ?? [] },
    accountIds: [],
    rulesVersion: s.rulesVersion ?? 'rules-1',
  };
  if (s.name) r.name = s.name;
  if (s.code) r.code = s.code;
  if (s.grade ?? (status === 'failed' ? '?' : undefined)) r.grade = s.grade ?? '?';
  if (status === 'failed') {
    r.failureClass = s.failureClass ?? 'timeout';
    r.failureMessage = 'page.goto: Timeout 30000ms exceeded.';
    r.verdicts = [{ id: 'inconclusive', explanation: 'the scan failed', trackers: [] }];
  }
  if (status === 'interrupted') delete r.grade;
  return r;
}

const HEERENVEEN = 'https://www.heerenveen.nl/';
const LEEUWARDEN = 'https://www.leeuwarden.nl/';
const GRONINGEN = 'https://gemeente.groningen.nl/';
const ALMERE = 'https://www.almere.nl/';
const OOST = 'https://www.ooststellingwerf.nl/';
const NEW = 'https://www.nieuwegemeente.nl/';
const GONE = 'https://www.opgeheven.nl/';
const NOCODE = 'https://www.example.org/';

// Run 3 (October) and run 4 (November): the story of issue 6, and the things around it a diff must get right.
const run3 = (): SiteResult[] => [
  site(HEERENVEEN, {
    name: 'Heerenveen', code: 'GM0074', grade: 'E',
    verdicts: ['tracking_before_consent', 'analytics_before_consent'],
    pre: [GA, FB], accept: [GA, FB],
  }),
  site(LEEUWARDEN, { name: 'Leeuwarden', code: 'GM0080', grade: 'A', accept: [GA] }),
  site(GRONINGEN, { name: 'Groningen', code: 'GM0014', grade: 'C', verdicts: ['analytics_before_consent'], pre: [GA], accept: [GA, HJ] }),
  site(ALMERE, { name: 'Almere', code: 'GM0034', grade: 'A', accept: [GA, YT] }),
  site(OOST, { name: 'Ooststellingwerf', code: 'GM0085', grade: 'A' }),
  site(NOCODE, { grade: 'A', accept: [GA] }),
  site(GONE, { name: 'Opgeheven', code: 'GM0001', grade: 'A' }),
];

const run4 = (): SiteResult[] => [
  site(HEERENVEEN, { name: 'Heerenveen', code: 'GM0074', grade: 'A', accept: [GA, FB] }),
  site(LEEUWARDEN, { name: 'Leeuwarden', code: 'GM0080', grade: 'F', verdicts: ['tracking_after_reject'], accept: [GA], reject: [HJ] }),
  site(GRONINGEN, { name: 'Groningen', code: 'GM0014', status: 'failed', failureClass: 'timeout' }),
  site(ALMERE, { name: 'Almere', code: 'GM0034', grade: 'A', accept: [GA, YT] }),
  site(OOST, { name: 'Ooststellingwerf', code: 'GM0085', grade: 'B', verdicts: ['no_reject_on_first_layer'] }),
  site(NOCODE, { grade: 'A', accept: [GA, CHARTBEAT] }),
  site(NEW, { name: 'Nieuwegemeente', code: 'GM1999', grade: 'A' }),
];

const RUNS: DiffRuns = {
  from: { id: 3, startedAt: '2026-10-01T02:00:00.000Z', status: 'complete' },
  to: { id: 4, startedAt: '2026-11-01T02:00:00.000Z', status: 'complete' },
};

const none = { added: [], removed: [] };

describe('diffRuns', () => {
  it('tells the story: Heerenveen removed its trackers before consent, and its grade went from E to A', () => {
    const diff = diffRuns(run3(), run4());
    expect(diff.sites.find((s) => s.url === HEERENVEEN)).toEqual({
      url: HEERENVEEN,
      name: 'Heerenveen',
      code: 'GM0074',
      gradeFrom: 'E',
      gradeTo: 'A',
      statusFrom: 'ok',
      statusTo: 'ok',
      compared: true,
      trackers: { pre: { added: [], removed: ['Google Analytics', 'Meta Pixel (Facebook Pixel)'] }, accept: none, reject: none },
      verdicts: { added: [], removed: ['analytics_before_consent', 'tracking_before_consent'] },
      answerFailed: [],
    });
  });

  it('reports trackers and verdicts that appeared, and a verdict change without tracker changes', () => {
    const diff = diffRuns(run3(), run4());
    const leeuwarden = diff.sites.find((s) => s.url === LEEUWARDEN)!;
    expect(leeuwarden).toMatchObject({ gradeFrom: 'A', gradeTo: 'F', verdicts: { added: ['tracking_after_reject'], removed: [] } });
    expect(leeuwarden.trackers).toEqual({ pre: none, accept: none, reject: { added: ['Hotjar'], removed: [] } });
    const oost = diff.sites.find((s) => s.url === OOST)!;
    expect(oost).toMatchObject({ gradeFrom: 'A', gradeTo: 'B', verdicts: { added: ['no_reject_on_first_layer'], removed: [] } });
    expect(oost.trackers).toEqual({ pre: none, accept: none, reject: none });
  });

  it('does not report trackers named by trackerdb: a site whose only change is one is unchanged', () => {
    const diff = diffRuns(run3(), run4());
    expect(diff.sites.find((s) => s.url === NOCODE)).toBeUndefined();
    expect(diffRuns(run4(), run3()).sites.find((s) => s.url === NOCODE)).toBeUndefined();
  });

  it('does not report trackers of seriousness 0 (consent tools), nor trackerdb names next to a reported change', () => {
    const from = [site(ALMERE, { code: 'GM0034', grade: 'A', pre: [COOKIEBOT], accept: [GA] })];
    const to = [site(ALMERE, { code: 'GM0034', grade: 'A', accept: [GA, COOKIEBOT, CHARTBEAT, HJ], reject: [COOKIEBOT] })];
    expect(diffRuns(from, to).sites).toEqual([
      {
        url: ALMERE, code: 'GM0034', gradeFrom: 'A', gradeTo: 'A', statusFrom: 'ok', statusTo: 'ok', compared: true,
        trackers: { pre: none, accept: { added: ['Hotjar'], removed: [] }, reject: none },
        verdicts: none,
        answerFailed: [],
      },
    ]);
    const onlyUnreported = [site(ALMERE, { code: 'GM0034', grade: 'A', accept: [GA, COOKIEBOT, CHARTBEAT], reject: [COOKIEBOT] })];
    expect(diffRuns(from, onlyUnreported)).toMatchObject({ sites: [], unchanged: 1 });
  });

  it('never reports the trackers of a site whose scan failed as removed: the failure is the change', () => {
    const diff = diffRuns(run3(), run4());
    expect(diff.sites.find((s) => s.url === GRONINGEN)).toEqual({
      url: GRONINGEN,
      name: 'Groningen',
      code: 'GM0014',
      gradeFrom: 'C',
      gradeTo: '?',
      statusFrom: 'ok',
      statusTo: 'failed',
      failureTo: 'timeout',
      compared: false,
      trackers: { pre: none, accept: none, reject: none },
      verdicts: none,
      answerFailed: [],
    });
    // Nor as added when the site comes back.
    const back = diffRuns(run4(), run3()).sites.find((s) => s.url === GRONINGEN)!;
    expect(back).toMatchObject({
      statusFrom: 'failed', failureFrom: 'timeout', statusTo: 'ok', compared: false, verdicts: none, gradeFrom: '?', gradeTo: 'C', answerFailed: [],
    });
    expect(back.trackers).toEqual({ pre: none, accept: none, reject: none });
  });

  it('lists sites added to and removed from the list, orders sites by code then url, and counts the rest', () => {
    const diff = diffRuns(run3(), run4());
    expect(diff.added).toEqual([NEW]);
    expect(diff.removed).toEqual([GONE]);
    expect(diff.sites.map((s) => s.code ?? s.url)).toEqual(['GM0014', 'GM0074', 'GM0080', 'GM0085']);
    expect(diff.unchanged).toBe(2); // Almere, and example.org (its only new tracker is a trackerdb name)
    expect(diff.notScanned).toEqual({ from: [], to: [] });
    expect(diff.compared).toEqual({ phases: ['pre', 'accept', 'reject'], verdicts: true });
    expect(diff.rules).toEqual({ from: ['rules-1'], to: ['rules-1'] });
  });

  it('lists no sites for identical runs', () => {
    const diff = diffRuns(run3(), run3());
    expect(diff).toMatchObject({ sites: [], added: [], removed: [], unchanged: 7 });
  });

  it('counts a site that failed twice for the same reason as unchanged, for different reasons as changed', () => {
    const failed = (cls: string) => [site(GRONINGEN, { code: 'GM0014', status: 'failed', failureClass: cls })];
    expect(diffRuns(failed('dns'), failed('dns'))).toMatchObject({ sites: [], unchanged: 1 });
    expect(diffRuns(failed('dns'), failed('timeout')).sites).toMatchObject([
      { statusFrom: 'failed', statusTo: 'failed', failureFrom: 'dns', failureTo: 'timeout', compared: false, gradeFrom: '?', gradeTo: '?' },
    ]);
  });

  it('does not call a site the newer run did not reach "removed": it is not scanned', () => {
    // Run 4 was stopped: it never got to Leeuwarden, and Almere's scan was cut off; Opgeheven left the list.
    const to = run3()
      .filter((s) => s.url !== LEEUWARDEN && s.url !== GONE)
      .map((s) => (s.url === ALMERE ? site(ALMERE, { code: 'GM0034', status: 'interrupted' }) : s));
    const diff = diffRuns(run3(), to, {
      plannedFrom: run3().map((s) => s.url),
      plannedTo: run3().map((s) => s.url).filter((u) => u !== GONE),
    });
    expect(diff.removed).toEqual([GONE]);
    expect(diff.notScanned).toEqual({ from: [], to: [ALMERE, LEEUWARDEN] });
    expect(diff.sites).toEqual([]);
    expect(diff.unchanged).toBe(4);
  });

  it('compares trackers only in the phases both runs scanned, and verdicts and grades only when the phases are the same', () => {
    const from = [site(HEERENVEEN, { code: 'GM0074', grade: 'E', verdicts: ['tracking_before_consent'], pre: [FB] })];
    const to = [site(HEERENVEEN, { code: 'GM0074', grade: 'F', verdicts: ['tracking_after_reject', 'tracking_before_consent'], pre: [FB], accept: [GA], reject: [HJ] })];
    const phasesFrom: PhaseName[] = ['pre'];
    const diff = diffRuns(from, to, { phasesFrom });
    expect(diff.compared).toEqual({ phases: ['pre'], verdicts: false });
    // E → F is not news: the grade sums up verdicts drawn across phases the earlier run did not scan.
    expect(diff).toMatchObject({ sites: [], unchanged: 1 });

    // A tracker change in a compared phase is reported, without a grade.
    const toWithGa = [site(HEERENVEEN, { code: 'GM0074', grade: 'F', verdicts: ['tracking_before_consent'], pre: [FB, GA], accept: [GA] })];
    const withGa = diffRuns(from, toWithGa, { phasesFrom });
    expect(withGa.sites).toEqual([
      {
        url: HEERENVEEN, code: 'GM0074', statusFrom: 'ok', statusTo: 'ok', compared: true,
        trackers: { pre: { added: ['Google Analytics'], removed: [] }, accept: none, reject: none },
        verdicts: none,
        answerFailed: [],
      },
    ]);
    expect(formatDiff(withGa, RUNS)).toBe(
      [
        'changes from run 3 (2026-10-01) to run 4 (2026-11-01): 1 site changed, 0 added, 0 removed, 0 unchanged',
        'note: the runs scanned different phases: trackers compared before consent only, verdicts not compared',
        '',
        'GM0074 https://www.heerenveen.nl/  grade not compared',
        '  before consent: + Google Analytics',
      ].join('\n'),
    );
  });

  it('compares verdicts of two runs that both scanned only some phases, and notes phases one run skipped', () => {
    const from = [site(HEERENVEEN, { code: 'GM0074', grade: 'E', verdicts: ['tracking_before_consent'], pre: [FB] })];
    const to = [site(HEERENVEEN, { code: 'GM0074', grade: 'A', pre: [] })];
    const pre: PhaseName[] = ['pre'];
    const both = diffRuns(from, to, { phasesFrom: pre, phasesTo: pre });
    expect(both.compared).toEqual({ phases: ['pre'], verdicts: true });
    expect(formatDiff(both, RUNS)).toBe(
      [
        'changes from run 3 (2026-10-01) to run 4 (2026-11-01): 1 site changed, 0 added, 0 removed, 0 unchanged',
        '',
        'GM0074 https://www.heerenveen.nl/  grade E → A',
        '  verdicts: − tracking_before_consent',
        '  before consent: − Meta Pixel (Facebook Pixel)',
      ].join('\n'),
    );
    const disjoint = diffRuns(from, to, { phasesFrom: pre, phasesTo: ['accept', 'reject'] });
    expect(disjoint.compared).toEqual({ phases: [], verdicts: false });
    expect(formatDiff(disjoint, RUNS).split('\n')[1]).toBe('note: the runs scanned different phases: trackers not compared, verdicts not compared');
  });

  it('compares trackers by id: a renamed tracker, or one tracker under a new id with the same name, is no change', () => {
    const from = [site(ALMERE, { grade: 'A', accept: [tracker('hotjar', 'Hotjar', 2), tracker('youtube-old', 'YouTube', 3)] })];
    const to = [site(ALMERE, { grade: 'A', accept: [tracker('hotjar', 'Hotjar (Contentsquare)', 2), YT] })];
    expect(diffRuns(from, to)).toMatchObject({ sites: [], unchanged: 1 });
  });

  it('reports a tracker that trackerdb named before and a rule names now as added (trackerdb names are not compared)', () => {
    // Pins current behaviour: the trackerdb name is filtered out before the by-name matching, so this
    // is "+ YouTube" rather than no change (see the doc comment of trackerChange in src/diff/diff.ts).
    const from = [site(ALMERE, { grade: 'A', accept: [tracker('tdb-youtube', 'YouTube', 3, 'trackerdb')] })];
    const to = [site(ALMERE, { grade: 'A', accept: [YT] })];
    expect(diffRuns(from, to).sites).toMatchObject([{ trackers: { pre: none, accept: { added: ['YouTube'], removed: [] }, reject: none } }]);
  });

  it('does not compare a consent phase whose banner answer succeeded in only one run, nor verdicts and grades', () => {
    const from = [site(LEEUWARDEN, { name: 'Leeuwarden', code: 'GM0080', grade: 'A', accept: [GA] })];
    const to = [
      site(LEEUWARDEN, {
        name: 'Leeuwarden', code: 'GM0080', grade: 'F', verdicts: ['tracking_after_reject'],
        accept: [GA, HJ], reject: [GA], answerFailed: ['reject'],
      }),
    ];
    const diff = diffRuns(from, to);
    expect(diff.sites).toEqual([
      {
        url: LEEUWARDEN, name: 'Leeuwarden', code: 'GM0080', statusFrom: 'ok', statusTo: 'ok', compared: true,
        trackers: { pre: none, accept: { added: ['Hotjar'], removed: [] }, reject: none },
        verdicts: none,
        answerFailed: ['reject'],
      },
    ]);
    expect(diff.unchanged).toBe(0);
    const text = formatDiff(diff, RUNS);
    expect(text).toBe(
      [
        'changes from run 3 (2026-10-01) to run 4 (2026-11-01): 1 site changed, 0 added, 0 removed, 0 unchanged',
        '',
        'GM0080 Leeuwarden (https://www.leeuwarden.nl/)  grade not compared',
        '  after accept: + Hotjar',
        '  after reject: the banner could be answered in only one of the runs; not compared, nor verdicts',
      ].join('\n'),
    );
    expect(text).not.toContain('+ Google Analytics');
    expect(text).not.toContain('tracking_after_reject');

    // The other way round (the answer failed in the earlier run), and with no other change the site is still listed.
    const back = diffRuns(to, from);
    expect(back.sites).toEqual([
      {
        url: LEEUWARDEN, name: 'Leeuwarden', code: 'GM0080', statusFrom: 'ok', statusTo: 'ok', compared: true,
        trackers: { pre: none, accept: { added: [], removed: ['Hotjar'] }, reject: none },
        verdicts: none,
        answerFailed: ['reject'],
      },
    ]);
    const fromFailedAccept = [site(LEEUWARDEN, { code: 'GM0080', grade: 'A', accept: [GA], answerFailed: ['accept'] })];
    const toSame = [site(LEEUWARDEN, { code: 'GM0080', grade: 'A', accept: [GA] })];
    expect(diffRuns(fromFailedAccept, toSame).sites).toEqual([
      {
        url: LEEUWARDEN, code: 'GM0080', statusFrom: 'ok', statusTo: 'ok', compared: true,
        trackers: { pre: none, accept: none, reject: none }, verdicts: none, answerFailed: ['accept'],
      },
    ]);
  });

  it('compares a consent phase whose banner answer failed in both runs like any other', () => {
    const from = [site(LEEUWARDEN, { code: 'GM0080', grade: 'A', answerFailed: ['reject'] })];
    const to = [site(LEEUWARDEN, { code: 'GM0080', grade: 'F', verdicts: ['tracking_after_reject'], reject: [GA], answerFailed: ['reject'] })];
    expect(diffRuns(from, to).sites).toEqual([
      {
        url: LEEUWARDEN, code: 'GM0080', gradeFrom: 'A', gradeTo: 'F', statusFrom: 'ok', statusTo: 'ok', compared: true,
        trackers: { pre: none, accept: none, reject: { added: ['Google Analytics'], removed: [] } },
        verdicts: { added: ['tracking_after_reject'], removed: [] },
        answerFailed: [],
      },
    ]);
  });

  it('collects the rules versions of each run', () => {
    const diff = diffRuns([site(ALMERE, { rulesVersion: 'r1' })], [site(ALMERE, { rulesVersion: 'r2' })]);
    expect(diff.rules).toEqual({ from: ['r1'], to: ['r2'] });
  });
});

describe('formatDiff', () => {
  it('prints a header, a block per changed site and the list changes', () => {
    expect(formatDiff(diffRuns(run3(), run4()), RUNS)).toBe(
      [
        'changes from run 3 (2026-10-01) to run 4 (2026-11-01): 4 sites changed, 1 added, 1 removed, 2 unchanged',
        '',
        'GM0014 Groningen (https://gemeente.groningen.nl/)  grade C → ?',
        '  scan failed in run 4 (timeout); trackers not compared',
        '',
        'GM0074 Heerenveen (https://www.heerenveen.nl/)  grade E → A',
        '  verdicts: − analytics_before_consent, − tracking_before_consent',
        '  before consent: − Google Analytics, − Meta Pixel (Facebook Pixel)',
        '',
        'GM0080 Leeuwarden (https://www.leeuwarden.nl/)  grade A → F',
        '  verdicts: + tracking_after_reject',
        '  after reject: + Hotjar',
        '',
        'GM0085 Ooststellingwerf (https://www.ooststellingwerf.nl/)  grade A → B',
        '  verdicts: + no_reject_on_first_layer',
        '',
        'added to the list in run 4:',
        '  https://www.nieuwegemeente.nl/',
        '',
        'removed from the list in run 4:',
        '  https://www.opgeheven.nl/',
      ].join('\n'),
    );
  });

  it('prints only the header for identical runs', () => {
    expect(formatDiff(diffRuns(run3(), run3()), RUNS)).toBe(
      'changes from run 3 (2026-10-01) to run 4 (2026-11-01): 0 sites changed, 0 added, 0 removed, 7 unchanged',
    );
  });

  it('says what could not be compared: failures in both runs, unfinished runs and sites, other phases, other rules', () => {
    const diff: RunDiff = {
      sites: [
        {
          url: GRONINGEN, name: 'Groningen', code: 'GM0014', gradeFrom: '?', gradeTo: '?', statusFrom: 'failed', statusTo: 'failed',
          failureFrom: 'dns', failureTo: 'timeout', compared: false,
          trackers: { pre: none, accept: none, reject: none }, verdicts: none, answerFailed: [],
        },
      ],
      added: [],
      removed: [],
      unchanged: 1,
      notScanned: { from: [], to: [LEEUWARDEN] },
      compared: { phases: ['pre'], verdicts: false },
      rules: { from: ['r1'], to: ['r2'] },
    };
    const runs: DiffRuns = { from: RUNS.from, to: { ...RUNS.to, status: 'incomplete' } };
    expect(formatDiff(diff, runs)).toBe(
      [
        'changes from run 3 (2026-10-01) to run 4 (2026-11-01): 1 site changed, 0 added, 0 removed, 1 unchanged, 1 not scanned in run 4',
        'note: run 4 was stopped before the end: sites it did not scan are not compared',
        'note: the runs scanned different phases: trackers compared before consent only, verdicts not compared',
        'note: the runs were judged with different rules (run 3: r1; run 4: r2); some changes may come from the rules, not the sites: `cookiewatch reclassify` re-judges both',
        '',
        'GM0014 Groningen (https://gemeente.groningen.nl/)  grade ? (unchanged)',
        '  scan failed in run 3 (dns) and in run 4 (timeout); trackers not compared',
        '',
        'not scanned in run 4, not compared:',
        '  https://www.leeuwarden.nl/',
      ].join('\n'),
    );
  });
});

describe('diffJson', () => {
  it('is the RunDiff with the two runs, pretty-printed', () => {
    const diff = diffRuns(run3(), run4());
    const text = diffJson(diff, RUNS);
    expect(text).toContain('\n  "from": {\n    "id": 3,');
    expect(JSON.parse(text)).toEqual({ from: RUNS.from, to: RUNS.to, ...JSON.parse(JSON.stringify(diff)) });
  });
});

describe('chooseRuns', () => {
  const run = (id: number): RunWithScans => ({ id, startedAt: `2026-0${id}-01T02:00:00.000Z`, status: 'complete', siteScans: 3 });
  const available = [run(1), run(3), run(4)];
  const exists = (id: number) => id >= 1 && id <= 5; // run 2 and 5 exist without finished site scans
  const choose = (given: { from?: number; to?: number }, runs = available) => {
    const c = chooseRuns(runs, given, exists, 'x.sqlite');
    return [c.from.id, c.to.id];
  };
  const usage = (given: { from?: number; to?: number }, runs = available) => {
    try {
      chooseRuns(runs, given, exists, 'x.sqlite');
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return (err as Error).message;
    }
    throw new Error('no UsageError');
  };

  it('defaults to the newest run with site scans and the one before it', () => {
    expect(choose({})).toEqual([3, 4]);
    expect(choose({ to: 3 })).toEqual([1, 3]);
    expect(choose({ from: 1 })).toEqual([1, 4]);
    expect(choose({ from: 4, to: 1 })).toEqual([4, 1]);
  });

  it('refuses unknown runs, runs without site scans, the same run twice, and a database with fewer than two runs', () => {
    expect(usage({ from: 7 })).toBe('no run 7 in x.sqlite');
    expect(usage({ to: 2 })).toBe('run 2 has no finished site scans; there is nothing in it to compare');
    expect(usage({ from: 3, to: 3 })).toBe('--from and --to are both run 3; a diff compares two different runs');
    expect(usage({ from: 4 })).toBe('run 4 is the newest run with site scans; give --to to compare it with another run');
    expect(usage({ to: 1 })).toBe('no run with site scans before run 1; give --from to compare it with a later run');
    expect(usage({}, [run(3)])).toBe('a diff needs two runs with site scans; x.sqlite has only run 3');
    expect(usage({}, [])).toBe('a diff needs two runs with site scans; x.sqlite has none');
  });
});

describe('runsWithSiteScans and plannedUrlsOfRun', () => {
  it('lists runs with finished site scans, oldest first, and a run\'s planned list in order', () => {
    const db = openDatabase(':memory:');
    const info: RunInfo = {
      toolVersion: '0.1.0', browserVersion: '140', browserPath: '/usr/bin/chromium', cookieControlsMode: 0, userAgent: 'UA',
      options: {}, startedAt: '2026-10-01T02:00:00.000Z',
    };
    const scan = (url: string, status: SiteScanResult['status']): SiteScanResult => ({
      site: { url }, startedAt: info.startedAt, endedAt: info.startedAt, status, siteDomain: 'x.nl', phases: [], attempts: 1,
    });
    const first = createRun(db, info);
    planRunSites(db, first, [{ url: OOST }, { url: ALMERE }]);
    saveSiteScan(db, first, scan(OOST, 'ok'));
    saveSiteScan(db, first, scan(ALMERE, 'failed'));
    const interruptedOnly = createRun(db, { ...info, startedAt: '2026-10-02T02:00:00.000Z' });
    saveSiteScan(db, interruptedOnly, scan(OOST, 'interrupted'));
    createRun(db, { ...info, startedAt: '2026-10-03T02:00:00.000Z' });
    expect(runsWithSiteScans(db)).toEqual([{ id: first, startedAt: info.startedAt, status: 'running', siteScans: 2 }]);
    expect(plannedUrlsOfRun(db, first)).toEqual([OOST, ALMERE]);
    expect(plannedUrlsOfRun(db, interruptedOnly)).toEqual([]);
    db.close();
  });
});
