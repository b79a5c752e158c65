import { availableParallelism, totalmem } from 'node:os';

/** Memory one concurrent site scan may take in Chromium (a context, a renderer, the site's scripts). */
const PER_SCAN_BYTES = 400 * 1024 ** 2;
/** Left for the browser process itself, Node and the rest of the machine. */
const RESERVED_BYTES = 1024 ** 3;
const MAX_DEFAULT = 16;

/**
 * Default number of site scans at once. A scan mostly waits (network, dwell times), so two per core
 * keep the CPU busy without starving the pages' own scripts; memory caps it on small machines.
 */
export function defaultConcurrency(cores: number = availableParallelism(), memoryBytes: number = totalmem()): number {
  const byCpu = Math.max(1, Math.floor(cores) * 2);
  const byMemory = Math.max(1, Math.floor((memoryBytes - RESERVED_BYTES) / PER_SCAN_BYTES));
  return Math.min(byCpu, byMemory, MAX_DEFAULT);
}
