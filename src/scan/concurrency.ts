import { availableParallelism, totalmem } from 'node:os';
import type { BrowserKind } from '../browser/find.js';

/**
 * What one concurrent site scan costs, measured on the benchmark's fixture sites (README, Benchmark):
 * a scan spends most of its time waiting (dwell, quiet windows, banner waits), so its CPU is a
 * fraction of a core: about 2 s per site of ~55 s in the headless shell, about 7 s per site of ~60 s
 * in a full Chromium (where each fresh context alone costs ~1 s). Memory: 60 MiB of Chromium per
 * site in the shell, 150–190 MiB in a full Chromium; 256 MiB each leaves room for real sites, which
 * are heavier than the fixture ones.
 */
const PER_SCAN_BYTES = 256 * 1024 ** 2;
const PER_CORE: Record<BrowserKind, number> = { 'headless-shell': 16, chromium: 6 };
/** Left for the browser process itself, Node and the rest of the machine. */
const RESERVED_BYTES = 1024 ** 3;
const MAX_DEFAULT = 32;

/** Default number of site scans at once: as many as keep the CPU busy without overloading it, capped by memory. */
export function defaultConcurrency(
  kind: BrowserKind,
  cores: number = availableParallelism(),
  memoryBytes: number = totalmem(),
): number {
  const byCpu = Math.max(1, Math.floor(cores) * PER_CORE[kind]);
  const byMemory = Math.max(1, Math.floor((memoryBytes - RESERVED_BYTES) / PER_SCAN_BYTES));
  return Math.min(byCpu, byMemory, MAX_DEFAULT);
}
