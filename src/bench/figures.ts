// The benchmark's arithmetic: pure functions over timings and process samples, so they can be tested
// without a browser.
import type { SiteOutcome } from '../store/outcomes.js';

/** The value below which `q` (0..1) of the sorted values fall (nearest rank); undefined for none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

export interface Spread {
  count: number;
  medianMs?: number;
  p95Ms?: number;
  meanMs?: number;
  totalMs: number;
}

export function spread(values: readonly number[]): Spread {
  const total = values.reduce((a, b) => a + b, 0);
  const s: Spread = { count: values.length, totalMs: Math.round(total) };
  const median = quantile(values, 0.5);
  const p95 = quantile(values, 0.95);
  if (median !== undefined) s.medianMs = Math.round(median);
  if (p95 !== undefined) s.p95Ms = Math.round(p95);
  if (values.length) s.meanMs = Math.round(total / values.length);
  return s;
}

/** One reading of a process: its parent, command, resident memory and CPU time so far. */
export interface ProcSample {
  pid: number;
  ppid: number;
  /** Executable name as in /proc/<pid>/stat (at most 15 characters). */
  comm: string;
  rssBytes: number;
  cpuMs: number;
}

/** The processes descending from `root` (itself included). */
export function descendants(samples: readonly ProcSample[], root: number): ProcSample[] {
  const children = new Map<number, ProcSample[]>();
  for (const s of samples) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const out: ProcSample[] = [];
  const self = samples.find((s) => s.pid === root);
  if (self) out.push(self);
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      todo.push(c.pid);
    }
  }
  return out;
}

/** Memory at one moment: the scan's Node process, and every browser process under it. */
export function memoryAt(tree: readonly ProcSample[], root: number): { nodeBytes: number; browserBytes: number } {
  let nodeBytes = 0;
  let browserBytes = 0;
  for (const p of tree) {
    if (p.pid === root) nodeBytes += p.rssBytes;
    else browserBytes += p.rssBytes;
  }
  return { nodeBytes, browserBytes };
}

/**
 * Peak memory and CPU time over a series of readings of one process tree. CPU time per process is the
 * last reading seen for it, so a process that lived between two readings is missed: a lower bound.
 */
export function usageOf(series: ReadonlyArray<readonly ProcSample[]>, root: number) {
  let peakNode = 0;
  let peakBrowser = 0;
  let peakTotal = 0;
  const cpu = new Map<number, { cpuMs: number; browser: boolean }>();
  for (const samples of series) {
    const tree = descendants(samples, root);
    const m = memoryAt(tree, root);
    peakNode = Math.max(peakNode, m.nodeBytes);
    peakBrowser = Math.max(peakBrowser, m.browserBytes);
    peakTotal = Math.max(peakTotal, m.nodeBytes + m.browserBytes);
    for (const p of tree) cpu.set(p.pid, { cpuMs: Math.max(cpu.get(p.pid)?.cpuMs ?? 0, p.cpuMs), browser: p.pid !== root });
  }
  let nodeCpu = 0;
  let browserCpu = 0;
  for (const c of cpu.values()) {
    if (c.browser) browserCpu += c.cpuMs;
    else nodeCpu += c.cpuMs;
  }
  return {
    peakNodeBytes: peakNode,
    peakBrowserBytes: peakBrowser,
    peakTotalBytes: peakTotal,
    nodeCpuMs: Math.round(nodeCpu),
    browserCpuMs: Math.round(browserCpu),
  };
}

/** The sites whose outcome differs between two runs (or that one of them lacks). */
export function differences(a: readonly SiteOutcome[], b: readonly SiteOutcome[]): Array<{ url: string; a?: SiteOutcome; b?: SiteOutcome }> {
  const key = (o: SiteOutcome) => JSON.stringify([o.status, o.grade, o.verdicts, o.trackers]);
  const byUrl = new Map(b.map((o) => [o.url, o]));
  const out: Array<{ url: string; a?: SiteOutcome; b?: SiteOutcome }> = [];
  for (const o of a) {
    const other = byUrl.get(o.url);
    if (!other || key(other) !== key(o)) out.push({ url: o.url, a: o, ...(other ? { b: other } : {}) });
    byUrl.delete(o.url);
  }
  for (const o of byUrl.values()) out.push({ url: o.url, b: o });
  return out;
}

/**
 * Sites generated from one scenario are the same site under another name, so they must all get the
 * same findings; a site that differs was disturbed by the load (or by the sites beside it). With a
 * one-at-a-time run of a few sites per scenario, this extends "identical to sequential" to them all.
 */
export function scenarioConsistency(
  outcomes: readonly SiteOutcome[],
  scenarioOf: (url: string) => string | undefined,
): Array<{ scenario: string; sites: number; outcomes: Array<{ count: number; example: SiteOutcome }> }> {
  const key = (o: SiteOutcome) => JSON.stringify([o.status, o.grade, o.verdicts, o.trackers]);
  const groups = new Map<string, Map<string, { count: number; example: SiteOutcome }>>();
  for (const o of outcomes) {
    const scenario = scenarioOf(o.url) ?? '(not generated)';
    const group = groups.get(scenario) ?? new Map<string, { count: number; example: SiteOutcome }>();
    groups.set(scenario, group);
    const seen = group.get(key(o));
    if (seen) seen.count++;
    else group.set(key(o), { count: 1, example: o });
  }
  return [...groups].map(([scenario, group]) => ({
    scenario,
    sites: [...group.values()].reduce((n, g) => n + g.count, 0),
    outcomes: [...group.values()].sort((a, b) => b.count - a.count),
  }));
}

export const MiB = 1024 * 1024;
export const fmtMiB = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;
export const fmtS = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
