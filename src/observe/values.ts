import { createHash } from 'node:crypto';
import type { ValueEvidence } from './types.js';

/**
 * We collect evidence about trackers, not visitors' data: a value is kept as its SHA-256 and length
 * (enough to see that two phases got the same identifier) unless the user asked for values.
 */
export function valueEvidence(value: string, storeValues: boolean): ValueEvidence {
  const ev: ValueEvidence = { sha256: createHash('sha256').update(value).digest('hex'), length: value.length };
  if (storeValues) ev.value = value;
  return ev;
}
