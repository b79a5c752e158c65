import type { PhaseName } from '../observe/types.js';
import { isReportedTracker, type SiteResult } from '../store/results.js';

// What changed between two runs, per site: trackers added and removed per phase, verdicts, grades.
// Pure: the CLI reads the runs (src/store) and prints the result (./format.ts).
//
// The rule behind every choice below: a diff may only report a change it can prove. "Heerenveen removed
// its trackers" is a headline; when it is really "Heerenveen's scan timed out", the tool has lied.
// So only two finished, successful scans are compared tracker by tracker; everything else is reported
// for what it is (a failed scan, a site the run did not reach, a different set of phases or rules).

export const PHASES: readonly PhaseName[] = ['pre', 'accept', 'reject'];

/** The phases a run was started with (its recorded --phases); all three for a run that did not record them. */
export function phasesOfRun(run: { options: Record<string, unknown> } | undefined): PhaseName[] {
  const recorded = run?.options.phases;
  if (!Array.isArray(recorded)) return [...PHASES];
  const phases = PHASES.filter((p) => recorded.includes(p));
  return phases.length ? phases : [...PHASES];
}

export interface Change {
  added: string[];
  removed: string[];
}

export interface SiteDiff {
  url: string;
  name?: string;
  code?: string;
  gradeFrom?: string;
  gradeTo?: string;
  statusFrom: SiteResult['status'];
  statusTo: SiteResult['status'];
  /** Failure class (timeout, dns, …) of a failed scan in the earlier run. */
  failureFrom?: string;
  /** Failure class of a failed scan in the later run. */
  failureTo?: string;
  /**
   * Whether trackers and verdicts were compared: only when both scans succeeded. A failed scan has no
   * (or cut-short) observations, so comparing it would report every tracker as removed or added.
   */
  compared: boolean;
  /** Tracker names per phase, sorted; empty when not compared. */
  trackers: Record<PhaseName, Change>;
  /** Verdict ids, sorted; empty when not compared. */
  verdicts: Change;
  /**
   * Consent phases left out because the banner answer (accept or reject click) failed in one run: that
   * phase saw an undecided visitor, so its trackers say nothing about accepting or refusing. Verdicts
   * and grades are then not compared either.
   */
  answerFailed: PhaseName[];
}

export interface RunDiff {
  /** Sites on both runs' lists, scanned in both, with a change; ordered by code (codeless last), then url. */
  sites: SiteDiff[];
  /** URLs on the later run's list only (the list grew). */
  added: string[];
  /** URLs on the earlier run's list only (the list shrank); never a site the later run merely did not reach. */
  removed: string[];
  /** Sites scanned in both runs without any change (a site that failed in both, for the same reason, counts here). */
  unchanged: number;
  /**
   * URLs on both runs' lists that one run has no finished scan of (it was stopped or is still running,
   * or the scan was interrupted): not compared, and neither added nor removed.
   */
  notScanned: { from: string[]; to: string[] };
  /** What was compared: the phases both runs scanned; verdicts only when both ran the same phases. */
  compared: { phases: PhaseName[]; verdicts: boolean };
  /** Rules versions of each run's conclusions, distinct, sorted: when they differ, a change may come from the rules. */
  rules: { from: string[]; to: string[] };
}

export interface DiffOptions {
  /** Phases each run scanned (its `--phases`); all three when not given. */
  phasesFrom?: readonly PhaseName[];
  phasesTo?: readonly PhaseName[];
  /**
   * URLs each run planned to scan (its list). A site on both lists that one run did not finish is
   * "not scanned", not "removed" or "added". Without plans, the scanned sites are the list.
   */
  plannedFrom?: readonly string[];
  plannedTo?: readonly string[];
}

const byName = (a: string, b: string): number => a.localeCompare(b, 'en');

/** Code first (sites without one after those with one), then url: the order of the municipal list. */
function bySite(a: { code?: string | undefined; url: string }, b: { code?: string | undefined; url: string }): number {
  if (a.code !== b.code) {
    if (a.code === undefined) return 1;
    if (b.code === undefined) return -1;
    return a.code < b.code ? -1 : 1;
  }
  return a.url < b.url ? -1 : a.url > b.url ? 1 : 0;
}

const finished = (r: SiteResult | undefined): r is SiteResult => r !== undefined && r.status !== 'interrupted';

/**
 * Trackers of one phase, compared by id (a tracker renamed in the rules is not a change), reported by
 * name. A name present in both scans under different ids is one tracker under a new id (say a rule now
 * names what trackerdb named before) and is left out, so "− Hotjar, + Hotjar" never shows.
 */
function trackerChange(allFrom: SiteResult['trackers'][PhaseName], allTo: SiteResult['trackers'][PhaseName]): Change {
  const from = allFrom.filter(isReportedTracker);
  const to = allTo.filter(isReportedTracker);
  const fromIds = new Set(from.map((t) => t.id));
  const toIds = new Set(to.map((t) => t.id));
  const added = new Set(to.filter((t) => !fromIds.has(t.id)).map((t) => t.name));
  const removed = new Set(from.filter((t) => !toIds.has(t.id)).map((t) => t.name));
  for (const name of [...removed]) if (to.some((t) => t.name === name)) removed.delete(name);
  for (const name of [...added]) if (from.some((t) => t.name === name)) added.delete(name);
  return { added: [...added].sort(byName), removed: [...removed].sort(byName) };
}

function setChange(from: Iterable<string>, to: Iterable<string>): Change {
  const f = new Set(from);
  const t = new Set(to);
  return { added: [...t].filter((x) => !f.has(x)).sort(byName), removed: [...f].filter((x) => !t.has(x)).sort(byName) };
}

const emptyTrackers = (): Record<PhaseName, Change> => ({
  pre: { added: [], removed: [] },
  accept: { added: [], removed: [] },
  reject: { added: [], removed: [] },
});

const changed = (c: Change) => c.added.length > 0 || c.removed.length > 0;

function siteDiff(from: SiteResult, to: SiteResult, phases: readonly PhaseName[], verdicts: boolean): SiteDiff | undefined {
  const d: SiteDiff = {
    url: to.url,
    statusFrom: from.status,
    statusTo: to.status,
    compared: from.status === 'ok' && to.status === 'ok',
    trackers: emptyTrackers(),
    verdicts: { added: [], removed: [] },
    answerFailed: [],
  };
  const name = to.name ?? from.name;
  const code = to.code ?? from.code;
  if (name !== undefined) d.name = name;
  if (code !== undefined) d.code = code;
  if (from.status === 'failed') d.failureFrom = from.failureClass ?? 'unknown';
  if (to.status === 'failed') d.failureTo = to.failureClass ?? 'unknown';

  // A failed scan in either run: the status change is the news; no tracker or verdict diffs, since
  // comparing an error with a scan proves nothing (a timeout is not "removed its trackers").
  let judged = !d.compared; // a status change: its grades (X → ?) are the news
  if (d.compared) {
    const answered = (r: SiteResult, p: PhaseName) => p === 'pre' || r.consent[p]?.success === true;
    // A banner answered in one run and not in the other (a click that failed, a banner not seen) is
    // a difference in our visit, not in the site.
    d.answerFailed = phases.filter((p) => answered(from, p) !== answered(to, p));
    for (const phase of phases) {
      if (!d.answerFailed.includes(phase)) d.trackers[phase] = trackerChange(from.trackers[phase], to.trackers[phase]);
    }
    judged = verdicts && d.answerFailed.length === 0;
    if (judged) d.verdicts = setChange(from.verdicts.map((v) => v.id), to.verdicts.map((v) => v.id));
  }
  // A grade sums up the verdicts: it is only compared when they are.
  if (judged) {
    if (from.grade !== undefined) d.gradeFrom = from.grade;
    if (to.grade !== undefined) d.gradeTo = to.grade;
  }
  const any =
    d.statusFrom !== d.statusTo ||
    d.failureFrom !== d.failureTo ||
    d.gradeFrom !== d.gradeTo ||
    changed(d.verdicts) ||
    d.answerFailed.length > 0 ||
    PHASES.some((p) => changed(d.trackers[p]));
  return any ? d : undefined;
}

function rulesOf(results: SiteResult[]): string[] {
  return [...new Set(results.filter(finished).flatMap((r) => (r.rulesVersion ? [r.rulesVersion] : [])))].sort();
}

/** Compares two runs' site results (matched by url): see RunDiff for what each part means. */
export function diffRuns(from: SiteResult[], to: SiteResult[], opts: DiffOptions = {}): RunDiff {
  const phasesFrom = opts.phasesFrom ?? PHASES;
  const phasesTo = opts.phasesTo ?? PHASES;
  // Trackers only in phases both runs scanned (a phase one run skipped would show all its trackers as
  // new); verdicts only when both ran the same phases, since verdicts are drawn across phases
  // (tracking_after_reject needs the reject phase, tracking_without_banner all of them).
  const phases = PHASES.filter((p) => phasesFrom.includes(p) && phasesTo.includes(p));
  const verdicts = PHASES.every((p) => phasesFrom.includes(p) === phasesTo.includes(p));

  const fromByUrl = new Map(from.map((r) => [r.url, r]));
  const toByUrl = new Map(to.map((r) => [r.url, r]));
  const fromList = new Set([...(opts.plannedFrom ?? []), ...fromByUrl.keys()]);
  const toList = new Set([...(opts.plannedTo ?? []), ...toByUrl.keys()]);
  // Name and code for ordering the url lists: from whichever run has the site.
  const info = (url: string) => toByUrl.get(url) ?? fromByUrl.get(url) ?? { url };
  const sortUrls = (urls: Iterable<string>) => [...urls].map(info).sort(bySite).map((s) => s.url);

  const diff: RunDiff = {
    sites: [],
    added: sortUrls([...toList].filter((u) => !fromList.has(u))),
    removed: sortUrls([...fromList].filter((u) => !toList.has(u))),
    unchanged: 0,
    notScanned: { from: [], to: [] },
    compared: { phases, verdicts },
    rules: { from: rulesOf(from), to: rulesOf(to) },
  };
  const notFrom: string[] = [];
  const notTo: string[] = [];
  for (const url of toList) {
    if (!fromList.has(url)) continue;
    const f = fromByUrl.get(url);
    const t = toByUrl.get(url);
    // On both lists but not finished in one run (stopped, still running, interrupted): not compared,
    // and not "removed" either. That a run did not get to a site says nothing about the site.
    if (!finished(f) || !finished(t)) {
      if (!finished(f)) notFrom.push(url);
      if (!finished(t)) notTo.push(url);
      continue;
    }
    const d = siteDiff(f, t, phases, verdicts);
    if (d) diff.sites.push(d);
    else diff.unchanged++;
  }
  diff.notScanned = { from: sortUrls(notFrom), to: sortUrls(notTo) };
  diff.sites.sort(bySite);
  return diff;
}
