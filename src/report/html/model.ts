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
  | { kind: 'unchanged' }
  | { kind: 'changed'; diff: SiteDiff };

export interface LeagueRow {
  /** Worst first; failed and interrupted scans are not ranked. */
  rank?: number;
  slug: string;
  result: SiteResult;
  /** Reported trackers (our rules, seriousness ≥ 1) before consent. */
  pre: TrackerSeen[];
  /** Trackers that carry the tracking_after_reject verdict: those seen after the reject click. */
  afterReject: string[];
  change: RowChange;
}

export interface Summary {
  /** Site scans in the run (finished or not). */
  sites: number;
  ok: number;
  failed: number;
  interrupted: number;
  /** Sites (of ok) with each verdict. */
  verdicts: Record<string, number>;
  /** Sites (of ok) where our rules saw Google Analytics in any phase, and before consent. */
  googleAnalytics: { any: number; beforeConsent: number };
  /** Sites (of ok) with a consent banner. */
  withBanner: number;
  /** Reported trackers before consent, by number of sites, most common first. */
  topTrackersBeforeConsent: Array<{ id: string; name: string; organisation: string; sites: number }>;
  grades: Record<string, number>;
}

export interface TrendPoint {
  runId: number;
  startedAt: string;
  status: RunResults['status'];
  ok: number;
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
  /** Seen in the report's run. */
  current: boolean;
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
const hasVerdict = (r: SiteResult, id: string) => r.verdicts.some((v) => v.id === id);
const sawGoogleAnalytics = (r: SiteResult, phases: PhaseName[]) =>
  phases.some((p) => r.trackers[p].some((t) => t.id === 'google-analytics' && t.source === 'rules'));
const ALL_PHASES: PhaseName[] = ['pre', 'accept', 'reject'];

/**
 * Page names: the code and host, lower-case, only [a-z0-9.-]; stable from run to run so a link to a
 * municipality's page keeps working. Two list entries on one host get a number.
 */
export function siteSlugs(urls: readonly string[], codes: ReadonlyMap<string, string | undefined>): Map<string, string> {
  const slugs = new Map<string, string>();
  const used = new Set<string>();
  for (const url of [...new Set(urls)].sort()) {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      host = 'site';
    }
    const code = codes.get(url);
    const base =
      `${code ? `${code}-` : ''}${host}`
        .toLowerCase()
        .replace(/[^a-z0-9.-]+/g, '-')
        .replace(/^[-.]+|[-.]+$/g, '')
        .replace(/\.{2,}/g, '.')
        .slice(0, 80) || 'site';
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    used.add(slug);
    slugs.set(url, slug);
  }
  return slugs;
}

/** Worst grade first, then more trackers before consent, then by code and url: a stable order. */
function compareRows(a: LeagueRow, b: LeagueRow): number {
  const rankable = (r: LeagueRow) => r.result.status === 'ok' && r.result.grade !== undefined && r.result.grade !== '?';
  if (rankable(a) !== rankable(b)) return rankable(a) ? -1 : 1;
  const ga = GRADE_ORDER.indexOf(a.result.grade ?? '?');
  const gb = GRADE_ORDER.indexOf(b.result.grade ?? '?');
  if (ga !== gb) return (ga === -1 ? 99 : ga) - (gb === -1 ? 99 : gb);
  const severity = (r: LeagueRow) => r.pre.reduce((sum, t) => sum + t.seriousness, 0);
  if (severity(a) !== severity(b)) return severity(b) - severity(a);
  const ca = a.result.code ?? '\uffff';
  const cb = b.result.code ?? '\uffff';
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.result.url < b.result.url ? -1 : a.result.url > b.result.url ? 1 : 0;
}

function summaryOf(run: RunResults): Summary {
  const ok = run.results.filter((r) => r.status === 'ok');
  const verdicts: Record<string, number> = {};
  const grades: Record<string, number> = {};
  const trackerSites = new Map<string, { id: string; name: string; organisation: string; sites: number }>();
  for (const r of ok) {
    for (const id of new Set(r.verdicts.map((v) => v.id))) verdicts[id] = (verdicts[id] ?? 0) + 1;
    for (const t of reported(r.trackers.pre)) {
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
  const ok = run.results.filter((r) => r.status === 'ok');
  return {
    runId: run.id,
    startedAt: run.startedAt,
    status: run.status,
    ok: ok.length,
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
  const okScans = new Map<string, number>();
  for (const run of runs) {
    for (const r of run.results) {
      if (r.status !== 'ok') continue;
      okScans.set(r.url, (okScans.get(r.url) ?? 0) + 1);
      const site = bySite.get(r.url) ?? new Map<string, TrackerSighting>();
      bySite.set(r.url, site);
      const seenNow = new Set<string>();
      for (const phase of ALL_PHASES) {
        for (const t of reported(r.trackers[phase])) {
          const at = { runId: run.id, startedAt: run.startedAt };
          const s = site.get(t.id) ?? { trackerId: t.id, name: t.name, phases: [], first: at, last: at, current: false, seenIn: 0 };
          if (!s.phases.includes(phase)) s.phases.push(phase);
          s.last = at;
          s.name = t.name;
          if (!seenNow.has(t.id)) s.seenIn++;
          seenNow.add(t.id);
          if (run.id === current.id) s.current = true;
          site.set(t.id, s);
        }
      }
    }
  }
  const out = new Map<string, TrackerSighting[]>();
  for (const [url, site] of bySite) {
    const list = [...site.values()];
    for (const s of list) s.phases.sort((a, b) => ALL_PHASES.indexOf(a) - ALL_PHASES.indexOf(b));
    out.set(url, list.sort((a, b) => Number(b.current) - Number(a.current) || a.name.localeCompare(b.name)));
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

function accountsOf(run: RunResults, slugs: Map<string, string>): SharedAccount[] {
  const byId = new Map<string, SharedAccount>();
  for (const r of run.results) {
    if (r.status !== 'ok') continue;
    for (const a of r.accountIds) {
      const key = `${a.kind}\u0000${a.value}`;
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
    pre: r.status === 'ok' ? reported(r.trackers.pre) : [],
    afterReject: r.verdicts.find((v) => v.id === 'tracking_after_reject')?.trackers ?? [],
    change: changeOf(r.url, diff),
  }));
  rows.sort(compareRows);
  let rank = 0;
  for (const row of rows) if (row.result.status === 'ok' && row.result.grade && row.result.grade !== '?') row.rank = ++rank;

  const trackers = new Map<string, string>();
  for (const row of rows) {
    for (const t of row.pre) trackers.set(t.id, t.name);
    if (row.result.status === 'ok') for (const t of reported(row.result.trackers.reject)) if (row.afterReject.includes(t.name)) trackers.set(t.id, t.name);
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
