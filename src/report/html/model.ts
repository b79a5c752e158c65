import { createHash } from 'node:crypto';
import { diffRuns, type RunDiff, type SiteDiff } from '../../diff/diff.js';
import type { PhaseName } from '../../observe/types.js';
import { isReportedTracker, type SiteResult, type TrackerSeen } from '../../store/results.js';

// What the HTML report shows, computed from the runs' results without touching HTML or SQL: league
// table rows, the newspaper-style figures, trends per run, first and last sightings, shared accounts.

export interface RunResults {
  id: number;
  startedAt: string;
  status: 'running' | 'complete' | 'incomplete';
  /** The phases the run scanned (its --phases). */
  phases: PhaseName[];
  /** URLs of its planned list; empty for runs that stored none. */
  planned: string[];
  results: SiteResult[];
}

export type RowChange =
  | { kind: 'first-run' }
  | { kind: 'new-site' }
  | { kind: 'not-scanned-before' }
  | { kind: 'not-scanned-now' }
  | { kind: 'unchanged' }
  | { kind: 'changed'; diff: SiteDiff };

export interface LeagueRow {
  /** Worst first; failed and interrupted scans are not ranked. */
  rank?: number;
  slug: string;
  result: SiteResult;
  /** Trackers and third parties (our rules, seriousness ≥ 2) before consent. */
  pre: TrackerSeen[];
  /** Trackers that carry the tracking_after_reject verdict: those seen after the reject click. */
  afterReject: string[];
  change: RowChange;
}

export interface Summary {
  /** Site scans in the run (finished or not). */
  sites: number;
  /** Successful and judged scans: what every figure counts. */
  ok: number;
  /** Successful scans without a grade (classification failed; `reclassify` judges them). */
  unjudged: number;
  /** Of `ok`: sites whose reject click worked, the ones "after reject" can be said of. */
  refused: number;
  failed: number;
  interrupted: number;
  /** Sites (of ok) with each verdict. */
  verdicts: Record<string, number>;
  /** Sites (of ok) where our rules saw Google Analytics in any phase, and before consent. */
  googleAnalytics: { any: number; beforeConsent: number };
  /** Sites (of ok) with a consent banner. */
  withBanner: number;
  /** Trackers and third parties (seriousness ≥ 2) before consent, by number of sites, most common first. */
  topTrackersBeforeConsent: Array<{ id: string; name: string; organisation: string; sites: number }>;
  grades: Record<string, number>;
}

export interface TrendPoint {
  runId: number;
  startedAt: string;
  status: RunResults['status'];
  ok: number;
  /** Of ok: sites whose refusal took, what "tracking after reject" is a share of. */
  refused: number;
  failed: number;
  trackingBeforeConsent: number;
  analyticsBeforeConsent: number;
  trackingAfterReject: number;
  googleAnalytics: number;
}

/** One tracker on one site over the runs: first and last run whose successful scan saw it. */
export interface TrackerSighting {
  trackerId: string;
  name: string;
  phases: PhaseName[];
  first: { runId: number; startedAt: string };
  last: { runId: number; startedAt: string };
  /**
   * In the report's run: seen, not seen, or not checked (its scan failed or was interrupted, or the
   * tracker was only ever seen after a banner answer that did not work this time).
   */
  current: 'yes' | 'no' | 'not-checked';
  /** Successful scans of the site that saw it, out of all successful scans of the site. */
  seenIn: number;
}

export interface HistoryEntry {
  runId: number;
  startedAt: string;
  status: SiteResult['status'];
  failureClass?: string;
  grade?: string;
  pre: string[];
  verdicts: string[];
}

export interface SharedAccount {
  kind: string;
  value: string;
  sites: Array<{ slug: string; url: string; name?: string; code?: string }>;
}

export interface ReportModel {
  run: RunResults;
  previousRun?: { id: number; startedAt: string };
  diff?: RunDiff;
  rows: LeagueRow[];
  summary: Summary;
  trends: TrendPoint[];
  /** Per site url. */
  sightings: Map<string, TrackerSighting[]>;
  history: Map<string, HistoryEntry[]>;
  accounts: SharedAccount[];
  groups: string[];
  /** Trackers a reader can filter the table by: any reported tracker before consent or after reject. */
  trackers: Array<{ id: string; name: string }>;
}

const GRADE_ORDER = ['F', 'E', 'D', 'C', 'B', 'A'];
const reported = (ts: TrackerSeen[]) => ts.filter(isReportedTracker);
/**
 * What the table lists before consent: third parties our rules know that get the visitor's data
 * (seriousness 2 and up: analytics, advertising, embeds, fonts, maps). Self-hosted analytics (1) is
 * fine and consent tools (0) are not trackers.
 */
export const handsDataToThirdParty = (t: TrackerSeen): boolean => t.source === 'rules' && t.seriousness >= 2;
const hasVerdict = (r: SiteResult, id: string) => r.verdicts.some((v) => v.id === id);
/** The reject click took (SiteResult's reject success is refusalTook): "after reject" can be said of it. */
const refused = (r: SiteResult) => r.consent.reject?.action === 'reject' && r.consent.reject.success;
const sawGoogleAnalytics = (r: SiteResult, phases: PhaseName[]) =>
  phases.some((p) => r.trackers[p].some((t) => t.id === 'google-analytics' && t.source === 'rules'));
const ALL_PHASES: PhaseName[] = ['pre', 'accept', 'reject'];

/**
 * Page names: the code and host, lower-case, only [a-z0-9.-], so a link to a municipality's page keeps
 * working from run to run. A list entry that is not a host's https root page gets a short hash of its
 * URL, which depends on nothing else in the list.
 */
export function siteSlugs(urls: readonly string[], codes: ReadonlyMap<string, string | undefined>): Map<string, string> {
  const slugs = new Map<string, string>();
  const used = new Set<string>();
  for (const url of [...new Set(urls)].sort()) {
    let host = 'site';
    let root = false;
    try {
      const u = new URL(url);
      host = u.hostname;
      root = u.protocol === 'https:' && u.port === '' && u.pathname === '/' && u.search === '';
    } catch {
      // not a URL: named by its hash below
    }
    const code = codes.get(url);
    const base =
      `${code ? `${code}-` : ''}${host}`
        .toLowerCase()
        .replace(/[^a-z0-9.-]+/g, '-')
        .replace(/^[-.]+|[-.]+$/g, '')
        .replace(/\.{2,}/g, '.')
        .slice(0, 80) || 'site';
    let slug = root ? base : `${base}-${createHash('sha256').update(url).digest('hex').slice(0, 8)}`;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    used.add(slug);
    slugs.set(url, slug);
  }
  return slugs;
}

const rankable = (r: LeagueRow) => r.result.status === 'ok' && r.result.grade !== undefined && r.result.grade !== '?';

/**
 * What a rank rests on: the grade, then how many advertising or social trackers (seriousness 3), then
 * how many other third parties loaded before consent. Sites equal in all three share a rank.
 */
function rankKey(r: LeagueRow): [number, number, number] {
  const grade = GRADE_ORDER.indexOf(r.result.grade ?? '?');
  return [grade === -1 ? 99 : grade, -r.pre.filter((t) => t.seriousness >= 3).length, -r.pre.length];
}

/** Worst first; within a rank by code, then url: a stable order. Unranked (failed) scans last. */
function compareRows(a: LeagueRow, b: LeagueRow): number {
  if (rankable(a) !== rankable(b)) return rankable(a) ? -1 : 1;
  const ka = rankKey(a);
  const kb = rankKey(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  const ca = a.result.code ?? '\uffff';
  const cb = b.result.code ?? '\uffff';
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.result.url < b.result.url ? -1 : a.result.url > b.result.url ? 1 : 0;
}

/** A successful scan that was also judged: the sites the figures are about. */
const judged = (r: SiteResult) => r.status === 'ok' && r.grade !== undefined && r.grade !== '?';

function summaryOf(run: RunResults): Summary {
  const ok = run.results.filter(judged);
  const verdicts: Record<string, number> = {};
  const grades: Record<string, number> = {};
  const trackerSites = new Map<string, { id: string; name: string; organisation: string; sites: number }>();
  for (const r of ok) {
    for (const id of new Set(r.verdicts.map((v) => v.id))) verdicts[id] = (verdicts[id] ?? 0) + 1;
    for (const t of r.trackers.pre.filter(handsDataToThirdParty)) {
      const entry = trackerSites.get(t.id) ?? { id: t.id, name: t.name, organisation: t.organisation, sites: 0 };
      entry.sites++;
      trackerSites.set(t.id, entry);
    }
  }
  for (const r of run.results) if (r.status !== 'interrupted') grades[r.grade ?? '?'] = (grades[r.grade ?? '?'] ?? 0) + 1;
  return {
    sites: run.results.length,
    ok: ok.length,
    failed: run.results.filter((r) => r.status === 'failed').length,
    interrupted: run.results.filter((r) => r.status === 'interrupted').length,
    unjudged: run.results.filter((r) => r.status === 'ok' && !judged(r)).length,
    refused: ok.filter(refused).length,
    verdicts,
    googleAnalytics: {
      any: ok.filter((r) => sawGoogleAnalytics(r, ALL_PHASES)).length,
      beforeConsent: ok.filter((r) => sawGoogleAnalytics(r, ['pre'])).length,
    },
    withBanner: ok.filter((r) => r.banner.found).length,
    topTrackersBeforeConsent: [...trackerSites.values()].sort((a, b) => b.sites - a.sites || a.name.localeCompare(b.name)),
    grades,
  };
}

function trendOf(run: RunResults): TrendPoint {
  const ok = run.results.filter(judged);
  return {
    runId: run.id,
    startedAt: run.startedAt,
    status: run.status,
    ok: ok.length,
    refused: ok.filter(refused).length,
    failed: run.results.filter((r) => r.status === 'failed').length,
    trackingBeforeConsent: ok.filter((r) => hasVerdict(r, 'tracking_before_consent')).length,
    analyticsBeforeConsent: ok.filter((r) => hasVerdict(r, 'analytics_before_consent')).length,
    trackingAfterReject: ok.filter((r) => hasVerdict(r, 'tracking_after_reject')).length,
    googleAnalytics: ok.filter((r) => sawGoogleAnalytics(r, ALL_PHASES)).length,
  };
}

/**
 * First and last sighting of each reported tracker per site, over successful scans only: a failed
 * scan saw nothing, which is not the same as a tracker being gone.
 */
function sightingsOf(runs: RunResults[], current: RunResults): Map<string, TrackerSighting[]> {
  const bySite = new Map<string, Map<string, TrackerSighting>>();
  for (const run of runs) {
    for (const r of run.results) {
      if (!judged(r)) continue;
      const site = bySite.get(r.url) ?? new Map<string, TrackerSighting>();
      bySite.set(r.url, site);
      const seenNow = new Set<string>();
      for (const phase of ALL_PHASES) {
        for (const t of reported(r.trackers[phase])) {
          const at = { runId: run.id, startedAt: run.startedAt };
          const s = site.get(t.id) ?? { trackerId: t.id, name: t.name, phases: [], first: at, last: at, current: 'no', seenIn: 0 };
          if (!s.phases.includes(phase)) s.phases.push(phase);
          s.last = at;
          s.name = t.name;
          if (!seenNow.has(t.id)) s.seenIn++;
          seenNow.add(t.id);
          if (run.id === current.id) s.current = 'yes';
          site.set(t.id, s);
        }
      }
    }
  }
  const now = new Map(current.results.map((r) => [r.url, r]));
  const out = new Map<string, TrackerSighting[]>();
  for (const [url, site] of bySite) {
    const scan = now.get(url);
    // A phase this run looked at as it did before: scanned, and for accept/reject with a working answer.
    const checked = (p: PhaseName) =>
      scan !== undefined && judged(scan) && current.phases.includes(p) && (p === 'pre' || scan.consent[p]?.success === true);
    const list = [...site.values()];
    for (const s of list) {
      s.phases.sort((a, b) => ALL_PHASES.indexOf(a) - ALL_PHASES.indexOf(b));
      if (s.current === 'no' && !s.phases.some(checked)) s.current = 'not-checked';
    }
    const order = { yes: 0, 'not-checked': 1, no: 2 };
    out.set(url, list.sort((a, b) => order[a.current] - order[b.current] || a.name.localeCompare(b.name)));
  }
  return out;
}

function historyOf(runs: RunResults[]): Map<string, HistoryEntry[]> {
  const out = new Map<string, HistoryEntry[]>();
  for (const run of [...runs].reverse()) {
    for (const r of run.results) {
      const entry: HistoryEntry = {
        runId: run.id,
        startedAt: run.startedAt,
        status: r.status,
        pre: [...new Set(reported(r.trackers.pre).map((t) => t.name))],
        verdicts: [...new Set(r.verdicts.map((v) => v.id))],
      };
      if (r.failureClass !== undefined) entry.failureClass = r.failureClass;
      if (r.grade !== undefined) entry.grade = r.grade;
      const list = out.get(r.url) ?? [];
      list.push(entry);
      out.set(r.url, list);
    }
  }
  return out;
}

/**
 * Account ids whose value only means something within one installation (a self-hosted Matomo's site
 * number 1 is on hundreds of unrelated servers): kept per site, never shown as shared.
 */
const INSTANCE_SCOPED = new Set(['matomo-site']);

function accountsOf(run: RunResults, slugs: Map<string, string>): SharedAccount[] {
  const byId = new Map<string, SharedAccount>();
  for (const r of run.results) {
    if (r.status !== 'ok') continue;
    for (const a of r.accountIds) {
      const key = INSTANCE_SCOPED.has(a.kind) ? `${a.kind}\u0000${a.value}\u0000${r.url}` : `${a.kind}\u0000${a.value}`;
      const entry = byId.get(key) ?? { kind: a.kind, value: a.value, sites: [] };
      const site: SharedAccount['sites'][number] = { slug: slugs.get(r.url) ?? '', url: r.url };
      if (r.name !== undefined) site.name = r.name;
      if (r.code !== undefined) site.code = r.code;
      if (!entry.sites.some((s) => s.url === r.url)) entry.sites.push(site);
      byId.set(key, entry);
    }
  }
  return [...byId.values()].sort(
    (a, b) => b.sites.length - a.sites.length || a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value),
  );
}

function changeOf(url: string, diff: RunDiff | undefined): RowChange {
  if (!diff) return { kind: 'first-run' };
  if (diff.added.includes(url)) return { kind: 'new-site' };
  if (diff.notScanned.to.includes(url)) return { kind: 'not-scanned-now' };
  if (diff.notScanned.from.includes(url)) return { kind: 'not-scanned-before' };
  const d = diff.sites.find((s) => s.url === url);
  return d ? { kind: 'changed', diff: d } : { kind: 'unchanged' };
}

/**
 * The report's content. `runs` holds every run with site scans, oldest first; the report shows
 * `runId` and compares it with the run before it. Runs after `runId` are left out, so a report of an
 * old run reads as it would have on its day.
 */
export function reportModel(runs: readonly RunResults[], runId: number): ReportModel {
  const index = runs.findIndex((r) => r.id === runId);
  if (index === -1) throw new Error(`run ${runId} is not among the runs given`);
  const upTo = runs.slice(0, index + 1);
  const run = upTo[index]!;
  const previous = index > 0 ? upTo[index - 1] : undefined;
  const diff = previous
    ? diffRuns(previous.results, run.results, {
        phasesFrom: previous.phases,
        phasesTo: run.phases,
        plannedFrom: previous.planned,
        plannedTo: run.planned,
      })
    : undefined;

  const codes = new Map<string, string | undefined>();
  for (const r of upTo) for (const s of r.results) if (!codes.has(s.url) || s.code) codes.set(s.url, s.code);
  const slugs = siteSlugs([...codes.keys()], codes);

  const rows: LeagueRow[] = run.results.map((r) => ({
    slug: slugs.get(r.url)!,
    result: r,
    pre: r.status === 'ok' ? r.trackers.pre.filter(handsDataToThirdParty) : [],
    afterReject: r.verdicts.find((v) => v.id === 'tracking_after_reject')?.trackers ?? [],
    change: changeOf(r.url, diff),
  }));
  rows.sort(compareRows);
  // Competition ranking (1, 2, 2, 4): equal sites share a rank.
  let previousKey = '';
  let previousRank = 0;
  rows.forEach((row, i) => {
    if (!rankable(row)) return;
    const key = rankKey(row).join(',');
    row.rank = key === previousKey ? previousRank : i + 1;
    previousKey = key;
    previousRank = row.rank;
  });

  const trackers = new Map<string, string>();
  for (const row of rows) {
    for (const t of row.pre) trackers.set(t.id, t.name);
    if (row.result.status === 'ok') {
      for (const t of row.result.trackers.reject) if (t.source === 'rules' && row.afterReject.includes(t.name)) trackers.set(t.id, t.name);
    }
  }

  const model: ReportModel = {
    run,
    rows,
    summary: summaryOf(run),
    trends: upTo.map(trendOf),
    sightings: sightingsOf(upTo, run),
    history: historyOf(upTo),
    accounts: accountsOf(run, slugs),
    groups: [...new Set(run.results.flatMap((r) => (r.group ? [r.group] : [])))].sort((a, b) => a.localeCompare(b)),
    trackers: [...trackers].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
  if (previous) model.previousRun = { id: previous.id, startedAt: previous.startedAt };
  if (diff) model.diff = diff;
  return model;
}
