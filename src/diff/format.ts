import type { PhaseName } from '../observe/types.js';
import { PHASES, type Change, type RunDiff, type SiteDiff } from './diff.js';
import { siteLabel } from '../report/terminal.js';

// A RunDiff for people (terminal text a journalist can read) and for machines (JSON). Pure.

export interface RunRef {
  id: number;
  startedAt: string;
  /** running, complete or incomplete: a run that did not complete may not have reached every site. */
  status?: string;
}

export interface DiffRuns {
  from: RunRef;
  to: RunRef;
}

const PHASE_LABEL: Record<PhaseName, string> = {
  pre: 'before consent',
  accept: 'after accept',
  reject: 'after reject',
};

const day = (iso: string) => iso.slice(0, 10);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `GM0074 Heerenveen (https://www.heerenveen.nl/)`, as the scan's per-site lines name a site. */
/** `− Google Analytics, + Hotjar`: removed first, then added, each sorted. */
function changeList(c: Change): string {
  return [...c.removed.map((x) => `− ${x}`), ...c.added.map((x) => `+ ${x}`)].join(', ');
}

function grade(d: SiteDiff): string {
  if (d.gradeFrom === undefined && d.gradeTo === undefined) return 'grade not compared';
  const from = d.gradeFrom ?? '–';
  const to = d.gradeTo ?? '–';
  return from === to ? `grade ${to} (unchanged)` : `grade ${from} → ${to}`;
}

function siteBlock(d: SiteDiff, runs: DiffRuns): string[] {
  const lines = [`${siteLabel(d)}  ${grade(d)}`];
  if (!d.compared) {
    const fromFailed = d.statusFrom === 'failed' ? `run ${runs.from.id} (${d.failureFrom ?? 'unknown'})` : undefined;
    const toFailed = d.statusTo === 'failed' ? `run ${runs.to.id} (${d.failureTo ?? 'unknown'})` : undefined;
    const where = [fromFailed, toFailed].filter(Boolean).join(' and in ');
    lines.push(`  scan failed in ${where}; trackers not compared`);
    return lines;
  }
  // Verdicts first: they are the conclusions; tracker lists are the detail behind them.
  if (d.verdicts.added.length || d.verdicts.removed.length) lines.push(`  verdicts: ${changeList(d.verdicts)}`);
  for (const phase of PHASES) {
    const c = d.trackers[phase];
    if (c.added.length || c.removed.length) lines.push(`  ${PHASE_LABEL[phase]}: ${changeList(c)}`);
  }
  for (const phase of d.answerFailed) {
    lines.push(`  ${PHASE_LABEL[phase]}: the banner could be answered in only one of the runs; not compared, nor verdicts`);
  }
  return lines;
}

function runNotes(diff: RunDiff, runs: DiffRuns): string[] {
  const notes: string[] = [];
  for (const run of [runs.from, runs.to]) {
    if (run.status === 'running') notes.push(`run ${run.id} has not finished (it is still running, or was killed): sites it has not scanned are not compared`);
    else if (run.status === 'incomplete') notes.push(`run ${run.id} was stopped before the end: sites it did not scan are not compared`);
  }
  // Verdicts go uncompared exactly when the runs scanned different phases (two runs of `--phases pre`
  // compare fine: neither has the other phases).
  if (!diff.compared.verdicts) {
    const phases = diff.compared.phases.map((p) => PHASE_LABEL[p]).join(', ');
    notes.push(`the runs scanned different phases: ${phases ? `trackers compared ${phases} only` : 'trackers not compared'}, verdicts not compared`);
  }
  const same = diff.rules.from.length === diff.rules.to.length && diff.rules.from.every((v, i) => v === diff.rules.to[i]);
  if (!same && diff.rules.from.length && diff.rules.to.length) {
    notes.push(
      `the runs were judged with different rules (run ${runs.from.id}: ${diff.rules.from.join(', ')}; run ${runs.to.id}: ` +
        `${diff.rules.to.join(', ')}); some changes may come from the rules, not the sites: \`cookiewatch reclassify\` re-judges both`,
    );
  }
  return notes.map((n) => `note: ${n}`);
}

/** The diff as terminal text: a header with the counts, notes on what could not be compared, a block per changed site. */
export function formatDiff(diff: RunDiff, runs: DiffRuns): string {
  const counts = [
    `${plural(diff.sites.length, 'site', 'sites')} changed`,
    `${diff.added.length} added`,
    `${diff.removed.length} removed`,
    `${diff.unchanged} unchanged`,
  ];
  if (diff.notScanned.from.length) counts.push(`${diff.notScanned.from.length} not scanned in run ${runs.from.id}`);
  if (diff.notScanned.to.length) counts.push(`${diff.notScanned.to.length} not scanned in run ${runs.to.id}`);
  const lines = [
    `changes from run ${runs.from.id} (${day(runs.from.startedAt)}) to run ${runs.to.id} (${day(runs.to.startedAt)}): ${counts.join(', ')}`,
    ...runNotes(diff, runs),
  ];
  for (const d of diff.sites) lines.push('', ...siteBlock(d, runs));
  const urlSection = (title: string, urls: string[]) => {
    if (urls.length) lines.push('', title, ...urls.map((u) => `  ${u}`));
  };
  urlSection(`added to the list in run ${runs.to.id}:`, diff.added);
  urlSection(`removed from the list in run ${runs.to.id}:`, diff.removed);
  urlSection(`not scanned in run ${runs.from.id}, not compared:`, diff.notScanned.from);
  urlSection(`not scanned in run ${runs.to.id}, not compared:`, diff.notScanned.to);
  return lines.join('\n');
}

/** The `--json` form: the RunDiff with the two runs it compares, pretty-printed. */
export function diffJson(diff: RunDiff, runs: DiffRuns): string {
  return JSON.stringify({ from: runs.from, to: runs.to, ...diff }, null, 2);
}
