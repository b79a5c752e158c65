import { beforeAll, describe, expect, it } from 'vitest';
import type { Classification, Finding } from '../../src/classify/types.js';
import type { PhaseName, PhaseObservations, RunInfo, SiteInput, SiteScanResult } from '../../src/observe/types.js';
import { createRun, finishRun, openDatabase, planRunSites, saveClassification, saveSiteScan, type Database } from '../../src/store/index.js';
import { runCli, tempDb } from './helpers.js';

// `cookiewatch diff` through the real CLI, on a database made with the store functions: no browser.
// Runs 1 to 3 of a nightly list; between run 2 and run 3 Heerenveen removed its Facebook Pixel and
// Google Analytics from the page before consent, and Groningen's scan timed out.

const info = (startedAt: string): RunInfo => ({
  toolVersion: '0.1.0',
  browserVersion: '140.0.7339.80',
  browserPath: '/usr/bin/chromium',
  cookieControlsMode: 0,
  userAgent: 'UA',
  options: { phases: ['pre', 'accept', 'reject'] },
  startedAt,
});

const HEERENVEEN: SiteInput = { url: 'https://www.heerenveen.nl/', name: 'Heerenveen', code: 'GM0074', group: 'Friesland' };
const GRONINGEN: SiteInput = { url: 'https://gemeente.groningen.nl/', name: 'Groningen', code: 'GM0014', group: 'Groningen' };
const ALMERE: SiteInput = { url: 'https://www.almere.nl/', name: 'Almere', code: 'GM0034', group: 'Flevoland' };

const TRACKERS = {
  fb: { id: 'facebook-pixel', name: 'Meta Pixel (Facebook Pixel)', host: 'www.facebook.com', domain: 'facebook.com', category: 'advertising', seriousness: 3 },
  ga: { id: 'google-analytics', name: 'Google Analytics', host: 'region1.google-analytics.com', domain: 'google-analytics.com', category: 'analytics', seriousness: 2 },
} as const;
type TrackerKey = keyof typeof TRACKERS;

/** A phase whose requests are one hit per tracker, and the findings that point at them. */
function phase(name: PhaseName, url: string, trackers: TrackerKey[]): { observations: PhaseObservations; findings: Finding[] } {
  const observations: PhaseObservations = {
    phase: name,
    startedAt: '2026-11-01T02:00:01.000Z',
    endedAt: '2026-11-01T02:00:05.000Z',
    status: 'ok',
    pages: [{ pageIndex: 0, kind: 'start', url, status: 200, startedMs: 0, endedMs: 1000 }],
    requests: trackers.map((k, i) => ({
      requestId: String(i + 1), hop: 0, pageIndex: 0, url: `https://${TRACKERS[k].host}/collect`, method: 'GET',
      resourceType: 'Image', status: 200, isMainFrame: false, initiator: { type: 'other' }, timeMs: 10 * i,
      host: TRACKERS[k].host, domain: TRACKERS[k].domain, party: 'third-party',
    })),
    cookies: [],
    cookieEvents: [],
    storage: [],
    consent: {
      action: name === 'pre' ? 'none' : name, bannerFound: true, secondLayer: false, success: name !== 'pre',
      clicks: name === 'pre' ? [] : [{ text: name === 'reject' ? 'Weigeren' : 'Akkoord', frameUrl: url, layer: 1, role: name }],
    },
    signals: {},
    screenshots: [],
  };
  const findings = trackers.map((k, i): Finding => ({
    phase: name, trackerId: TRACKERS[k].id, trackerName: TRACKERS[k].name, organisation: { name: 'Org', country: 'US' },
    category: TRACKERS[k].category, seriousness: TRACKERS[k].seriousness, source: 'rules', rule: `${TRACKERS[k].id}:request`,
    evidence: { kind: 'request', index: i }, pageIndex: 0, party: 'third-party', accountIds: [], details: {},
  }));
  return { observations, findings };
}

function saveOk(
  db: Database, runId: number, site: SiteInput, grade: Classification['grade'], verdicts: Classification['verdicts'][number]['id'][],
  trackers: Record<PhaseName, TrackerKey[]>,
): void {
  const phases = (['pre', 'accept', 'reject'] as const).map((p) => phase(p, site.url, trackers[p]));
  const scan: SiteScanResult = {
    site, startedAt: '2026-11-01T02:00:00.000Z', endedAt: '2026-11-01T02:00:20.000Z', status: 'ok', attempts: 1,
    siteDomain: new URL(site.url).hostname.replace(/^(www|gemeente)\./, ''), finalUrl: site.url, phases: phases.map((p) => p.observations),
  };
  const id = saveSiteScan(db, runId, scan);
  saveClassification(db, id, {
    rulesVersion: 'rules-e2e',
    findings: phases.flatMap((p) => p.findings),
    verdicts: verdicts.map((v) => ({ id: v, explanation: v, findings: [], trackers: [] })),
    grade,
  });
}

function saveFailed(db: Database, runId: number, site: SiteInput): void {
  const id = saveSiteScan(db, runId, {
    site, startedAt: '2026-11-01T02:00:00.000Z', endedAt: '2026-11-01T02:05:00.000Z', status: 'failed', attempts: 3,
    failureClass: 'timeout', failureMessage: 'page.goto: Timeout 30000ms exceeded.', siteDomain: 'groningen.nl', phases: [],
  });
  saveClassification(db, id, {
    rulesVersion: 'rules-e2e', findings: [], grade: '?',
    verdicts: [{ id: 'inconclusive', explanation: 'The scan failed', findings: [], trackers: [] }],
  });
}

const before = { pre: ['fb', 'ga'], accept: ['fb', 'ga'], reject: [] } as Record<PhaseName, TrackerKey[]>;
const after = { pre: [], accept: ['fb', 'ga'], reject: [] } as Record<PhaseName, TrackerKey[]>;
const clean = { pre: [], accept: ['ga'], reject: [] } as Record<PhaseName, TrackerKey[]>;

let dbPath: string;
let onlyOneRun: string;
const runIds: number[] = [];

beforeAll(() => {
  dbPath = tempDb();
  const db = openDatabase(dbPath);
  const sites = [HEERENVEEN, GRONINGEN, ALMERE];
  const months = ['2026-09-01T02:00:00.000Z', '2026-10-01T02:00:00.000Z', '2026-11-01T02:00:00.000Z'];
  for (const [i, startedAt] of months.entries()) {
    const runId = createRun(db, info(startedAt));
    runIds.push(runId);
    planRunSites(db, runId, sites);
    const last = i === months.length - 1;
    saveOk(db, runId, HEERENVEEN, last ? 'A' : 'E', last ? [] : ['tracking_before_consent', 'analytics_before_consent'], last ? after : before);
    if (last) saveFailed(db, runId, GRONINGEN);
    else saveOk(db, runId, GRONINGEN, 'C', ['analytics_before_consent'], { pre: ['ga'], accept: ['ga'], reject: [] });
    saveOk(db, runId, ALMERE, 'A', [], clean);
    finishRun(db, runId, 'complete', startedAt.replace('T02', 'T05'));
  }
  // A run that never scanned anything (stopped at once): not a run to compare.
  runIds.push(createRun(db, info('2026-11-02T02:00:00.000Z')));
  db.close();

  onlyOneRun = tempDb();
  const single = openDatabase(onlyOneRun);
  const runId = createRun(single, info('2026-11-01T02:00:00.000Z'));
  saveOk(single, runId, ALMERE, 'A', [], clean);
  finishRun(single, runId, 'complete');
  single.close();
});

describe('cookiewatch diff', () => {
  it('compares the newest two runs with site scans by default', async () => {
    const r = await runCli(['diff', '--db', dbPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `changes from run ${runIds[1]} (2026-10-01) to run ${runIds[2]} (2026-11-01): 2 sites changed, 0 added, 0 removed, 1 unchanged`,
        '',
        'GM0014 Groningen (https://gemeente.groningen.nl/)  grade C → ?',
        `  scan failed in run ${runIds[2]} (timeout); trackers not compared`,
        '',
        'GM0074 Heerenveen (https://www.heerenveen.nl/)  grade E → A',
        '  verdicts: − analytics_before_consent, − tracking_before_consent',
        '  before consent: − Google Analytics, − Meta Pixel (Facebook Pixel)',
        '',
      ].join('\n'),
    );
  });

  it('calls the sites a stopped run did not reach "not scanned", never "removed"', async () => {
    const path = tempDb();
    const db = openDatabase(path);
    const complete = createRun(db, info('2026-10-01T02:00:00.000Z'));
    planRunSites(db, complete, [HEERENVEEN, GRONINGEN, ALMERE]);
    for (const site of [HEERENVEEN, GRONINGEN, ALMERE]) saveOk(db, complete, site, 'A', [], clean);
    finishRun(db, complete, 'complete');
    // The night's run was stopped after one site: the other two are on its list, but were never scanned.
    const stopped = createRun(db, info('2026-11-01T02:00:00.000Z'));
    planRunSites(db, stopped, [HEERENVEEN, GRONINGEN, ALMERE]);
    saveOk(db, stopped, HEERENVEEN, 'A', [], clean);
    finishRun(db, stopped, 'incomplete');
    db.close();

    const r = await runCli(['diff', '--db', path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `changes from run ${complete} (2026-10-01) to run ${stopped} (2026-11-01): 0 sites changed, 0 added, 0 removed, 1 unchanged, 2 not scanned in run ${stopped}`,
        `note: run ${stopped} was stopped before the end: sites it did not scan are not compared`,
        '',
        `not scanned in run ${stopped}, not compared:`,
        '  https://gemeente.groningen.nl/',
        '  https://www.almere.nl/',
        '',
      ].join('\n'),
    );
  });

  it('compares the runs it is given, and reports nothing for identical ones', async () => {
    const r = await runCli(['diff', '--db', dbPath, '--from', String(runIds[0]), '--to', String(runIds[1])]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`changes from run ${runIds[0]} (2026-09-01) to run ${runIds[1]} (2026-10-01): 0 sites changed, 0 added, 0 removed, 3 unchanged\n`);
  });

  it('prints JSON with --json', async () => {
    const r = await runCli(['diff', '--db', dbPath, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({
      from: { id: runIds[1], startedAt: '2026-10-01T02:00:00.000Z', status: 'complete' },
      to: { id: runIds[2], startedAt: '2026-11-01T02:00:00.000Z', status: 'complete' },
      added: [],
      removed: [],
      unchanged: 1,
      notScanned: { from: [], to: [] },
      compared: { phases: ['pre', 'accept', 'reject'], verdicts: true },
      rules: { from: ['rules-e2e'], to: ['rules-e2e'] },
    });
    expect(doc.sites).toEqual([
      expect.objectContaining({ code: 'GM0014', statusFrom: 'ok', statusTo: 'failed', failureTo: 'timeout', compared: false }),
      expect.objectContaining({
        code: 'GM0074', gradeFrom: 'E', gradeTo: 'A', compared: true,
        trackers: {
          pre: { added: [], removed: ['Google Analytics', 'Meta Pixel (Facebook Pixel)'] },
          accept: { added: [], removed: [] },
          reject: { added: [], removed: [] },
        },
        verdicts: { added: [], removed: ['analytics_before_consent', 'tracking_before_consent'] },
      }),
    ]);
  });

  it('refuses an unknown run id with one line on stderr and exit code 2', async () => {
    const r = await runCli(['diff', '--db', dbPath, '--from', '77']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: no run 77 in ${dbPath}\n`);
  });

  it('refuses a run without site scans, the same run twice, a malformed id and a database with one run', async () => {
    const empty = await runCli(['diff', '--db', dbPath, '--to', String(runIds[3])]);
    expect([empty.code, empty.stderr]).toEqual([2, `error: run ${runIds[3]} has no finished site scans; there is nothing in it to compare\n`]);
    const same = await runCli(['diff', '--db', dbPath, '--from', '2', '--to', '2']);
    expect([same.code, same.stderr]).toEqual([2, 'error: --from and --to are both run 2; a diff compares two different runs\n']);
    const malformed = await runCli(['diff', '--db', dbPath, '--to', 'last']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr.trimEnd().split('\n')).toHaveLength(1);
    const one = await runCli(['diff', '--db', onlyOneRun]);
    expect([one.code, one.stderr]).toEqual([2, `error: a diff needs two runs with site scans; ${onlyOneRun} has only run 1\n`]);
  });

  it('refuses a database that does not exist rather than creating it', async () => {
    const missing = `${dbPath}.missing`;
    const r = await runCli(['diff', '--db', missing]);
    expect([r.code, r.stderr]).toEqual([2, `error: no database at ${missing}\n`]);
  });
});
