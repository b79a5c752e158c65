import { availableParallelism, totalmem } from 'node:os';
import type { BrowserKind } from '../browser/find.js';

/**
 * What one concurrent site scan costs, measured on the benchmark (README, Benchmark): a scan spends
 * most of its time waiting (dwell, quiet windows, banner waits), so its CPU is a fraction of a core.
 * - headless shell: about 2 s of CPU per site of ~55 s, under 60 MiB of Chromium memory;
 * - full Chromium: about 7 s of CPU per site of ~60 s (each fresh context alone costs it ~1 s),
 *   150–190 MiB.
 * The memory figures below leave room for sites heavier than the fixture ones.
 */
const PER_KIND: Record<BrowserKind, { perCore: number; perScanBytes: number }> = {
  'headless-shell': { perCore: 16, perScanBytes: 128 * 1024 ** 2 },
  chromium: { perCore: 6, perScanBytes: 256 * 1024 ** 2 },
};
/** Left for the browser process itself, Node and the rest of the machine. */
const RESERVED_BYTES = 1024 ** 3;
const MAX_DEFAULT = 32;

/** Default number of site scans at once: as many as keep the CPU busy without overloading it, capped by memory. */
export function defaultConcurrency(
  kind: BrowserKind,
  cores: number = availableParallelism(),
  memoryBytes: number = totalmem(),
): number {
  const { perCore, perScanBytes } = PER_KIND[kind];
  const byCpu = Math.max(1, Math.floor(cores) * perCore);
  const byMemory = Math.max(1, Math.floor((memoryBytes - RESERVED_BYTES) / perScanBytes));
  return Math.min(byCpu, byMemory, MAX_DEFAULT);
}
