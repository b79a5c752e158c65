import { describe, expect, it } from 'vitest';
import { defaultConcurrency } from '../../src/scan/concurrency.js';

const GiB = 1024 ** 3;

describe('defaultConcurrency', () => {
  it('takes sixteen scans per core with the headless shell, six with a full Chromium, when memory allows', () => {
    expect(defaultConcurrency('headless-shell', 1, 24 * GiB)).toBe(16);
    expect(defaultConcurrency('headless-shell', 2, 24 * GiB)).toBe(32);
    expect(defaultConcurrency('chromium', 2, 24 * GiB)).toBe(12);
    expect(defaultConcurrency('chromium', 4, 16 * GiB)).toBe(24);
  });

  it('is capped by memory on small machines and never below one', () => {
    expect(defaultConcurrency('chromium', 8, 2 * GiB)).toBe(4);
    expect(defaultConcurrency('chromium', 2, 4 * GiB)).toBe(12);
    expect(defaultConcurrency('chromium', 2, 3 * GiB)).toBe(8);
    expect(defaultConcurrency('headless-shell', 2, 3 * GiB)).toBe(8);
    expect(defaultConcurrency('headless-shell', 8, 1 * GiB)).toBe(1);
    expect(defaultConcurrency('chromium', 0, 0)).toBe(1);
  });

  it('stays at 32 on big machines', () => {
    expect(defaultConcurrency('headless-shell', 64, 256 * GiB)).toBe(32);
    expect(defaultConcurrency('chromium', 64, 256 * GiB)).toBe(32);
  });
});
