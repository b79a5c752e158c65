import { describe, expect, it } from 'vitest';
import { defaultConcurrency } from '../../src/scan/concurrency.js';

const GiB = 1024 ** 3;

describe('defaultConcurrency', () => {
  it('takes six scans per core when memory allows', () => {
    expect(defaultConcurrency(2, 24 * GiB)).toBe(12);
    expect(defaultConcurrency(4, 16 * GiB)).toBe(24);
  });

  it('is capped by memory on small machines and never below one', () => {
    expect(defaultConcurrency(8, 2 * GiB)).toBe(4);
    expect(defaultConcurrency(2, 4 * GiB)).toBe(12);
    expect(defaultConcurrency(2, 3 * GiB)).toBe(8);
    expect(defaultConcurrency(8, 1 * GiB)).toBe(1);
    expect(defaultConcurrency(0, 0)).toBe(1);
  });

  it('stays at 32 on big machines', () => {
    expect(defaultConcurrency(64, 256 * GiB)).toBe(32);
  });
});
