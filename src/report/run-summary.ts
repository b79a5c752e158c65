// The few lines printed (and mailed by cron) when a list scan ends: how it went, and what it found.
import type { SiteOutcome } from '../store/index.js';

/** One site's outcome in the run, as the store reports it. */
export type SummarySite = SiteOutcome;

export interface RunSummaryInput {
  runId: number;
  status: 'complete' | 'incomplete';
  sites: SummarySite[];
  planned: number;
  elapsedMs: number;
  dbPath: string;
  /** invalid list rows skipped */
  skipped?: number;
  /** Sites finished by this process: a resumed run's rate must not count the earlier process's sites. */
  scannedHere?: number;
  /** The run was resumed in this session: the header says how many sites this session finished. */
  resumed?: boolean;
}

const TOP = 5;
// Grade letters in their own order; '?' (inconclusive) gets words, as a bare "?" means nothing in a mail.
const GRADE_ORDER = ['A', 'B', 'C', 'D', 'E', 'F', '?'];
const gradeLabel = (g: string) => (g === '?' ? 'not graded' : g);

export function runSummary(input: RunSummaryInput): string {
  const { sites, planned } = input;
  const recorded = sites.length;
  const count = (status: SummarySite['status']) => sites.filter((s) => s.status === status).length;
  const failed = sites.filter((s) => s.status === 'failed');
  const notScanned = Math.max(0, planned - recorded);

  const minutes = input.elapsedMs / 60_000;
  const here = input.scannedHere ?? recorded;
  const rate = here > 0 && input.elapsedMs >= 1_000 ? ` (${(here / minutes).toFixed(1)} sites/min)` : '';
  const howMany = recorded < planned ? `${recorded} of ${planned} sites` : plural(recorded, 'site');
  const lines = [
    `run ${input.runId} ${input.status}: ${howMany}` +
      (input.resumed && input.scannedHere !== undefined ? ` (${input.scannedHere} in this session)` : '') +
      ` in ${formatDuration(input.elapsedMs)}${rate}`,
  ];

  const classes = byCount(tally(failed.map((s) => s.failureClass ?? 'unknown')));
  const failedText = failed.length ? `failed ${failed.length} (${list(classes)})` : 'failed 0';
  lines.push(`ok ${count('ok')}, ${failedText}, interrupted ${count('interrupted')}, not scanned ${notScanned}`);

  if (input.skipped && input.skipped > 0) lines.push(`skipped ${plural(input.skipped, 'invalid row')} in the site list`);

  const grades = [...tally(sites.flatMap((s) => (s.grade ? [s.grade] : [])))].sort(
    ([a], [b]) => rank(a) - rank(b) || compare(a, b),
  );
  lines.push(`grades: ${grades.length ? grades.map(([g, n]) => `${gradeLabel(g)} ${n}`).join(', ') : 'none'}`);

  // A tracker seen on several pages of one site still counts once for that site.
  const withTrackers = sites.filter((s) => s.trackersBeforeConsent.length > 0);
  if (withTrackers.length) {
    lines.push(`trackers before consent: ${plural(withTrackers.length, 'site')}`);
    const trackers = byCount(tally(withTrackers.flatMap((s) => [...new Set(s.trackersBeforeConsent)])));
    lines.push(`most common trackers before consent: ${list(trackers.slice(0, TOP))}`);
  } else {
    lines.push('trackers before consent: none found');
  }

  const verdicts = byCount(tally(sites.flatMap((s) => [...new Set(s.verdictIds)])));
  if (verdicts.length) lines.push(`most common verdicts: ${list(verdicts.slice(0, TOP))}`);

  // A night without network looks like 342 broken sites; say what it more likely is.
  const unreachable = failed.filter((s) => s.failureClass === 'dns' || s.failureClass === 'connection').length;
  if (recorded >= 5 && unreachable === recorded) {
    lines.push(
      `warning: every site failed to resolve or connect; this machine's network or DNS is probably down, ` +
        `so this run says nothing about the sites`,
    );
  }

  lines.push(`database: ${input.dbPath}`);
  return lines.join('\n');
}

/** 45s, 12m, 3h05m: precise enough for a run or an ETA, short enough for a progress line. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(Math.max(0, ms) / 1_000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function tally(items: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/** Most first; ties by name, so the same run always reads the same. */
function byCount(counts: Map<string, number>): [string, number][] {
  return [...counts].sort(([a, m], [b, n]) => n - m || compare(a, b));
}

const list = (entries: [string, number][]) => entries.map(([k, n]) => `${k} ${n}`).join(', ');
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const rank = (grade: string) => {
  const i = GRADE_ORDER.indexOf(grade);
  return i < 0 ? GRADE_ORDER.length : i;
};
