import { availableParallelism, totalmem } from 'node:os';

/** Memory one concurrent site scan takes in Chromium (a context, its renderer, the site's scripts): about 150–190 MiB measured. */
const PER_SCAN_BYTES = 256 * 1024 ** 2;
/** Left for the browser process itself, Node and the rest of the machine. */
const RESERVED_BYTES = 1024 ** 3;
const MAX_DEFAULT = 32;

/**
 * Default number of site scans at once. A scan spends most of its time waiting (dwell, quiet
 * windows, banner waits): measured, one scan keeps about an eighth of a core busy, so six per core
 * keep the CPU nearly busy; memory caps it on small machines.
 */
export function defaultConcurrency(cores: number = availableParallelism(), memoryBytes: number = totalmem()): number {
  const byCpu = Math.max(1, Math.floor(cores) * 6);
  const byMemory = Math.max(1, Math.floor((memoryBytes - RESERVED_BYTES) / PER_SCAN_BYTES));
  return Math.min(byCpu, byMemory, MAX_DEFAULT);
}
