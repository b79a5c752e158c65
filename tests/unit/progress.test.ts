import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressBar, renderProgress, type ProgressState } from '../../src/cli/progress.js';

const MIN = 60_000;

// 47 of 342 done in 10 minutes, all in this process: 4.7 sites/min, 295 left at 12.77 s each ≈ 63 min.
const midway: ProgressState = { done: 47, total: 342, failed: 2, inFlight: 4, startedAt: 0, now: 10 * MIN, doneHere: 47 };

describe('renderProgress', () => {
  it('shows everything, with a bar of at most 30 cells, on a wide terminal', () => {
    expect(renderProgress(midway, 100)).toBe(
      `[####${'.'.repeat(26)}]  47/342  ok 45  failed 2  4 running  4.7 sites/min  ETA 1h03m`,
    );
  });

  it('gives the bar what is left on an 80-column terminal', () => {
    const line = renderProgress(midway, 79);
    expect(line).toBe(`[##${'.'.repeat(13)}]  47/342  ok 45  failed 2  4 running  4.7 sites/min  ETA 1h03m`);
    expect(line.length).toBe(79);
  });

  it('drops rate, running and ok before the bar on a 40-column terminal', () => {
    expect(renderProgress(midway, 40)).toBe('[#........]  47/342  failed 2  ETA 1h03m');
  });

  it('drops the bar, then failures, then the ETA, and cuts the count itself last', () => {
    expect(renderProgress(midway, 20)).toBe('47/342  ETA 1h03m');
    expect(renderProgress(midway, 10)).toBe('47/342');
    expect(renderProgress(midway, 4)).toBe('47/3');
    expect(renderProgress(midway, 0)).toBe('');
  });

  it('shows no rate and an ETA of — before the first site is done', () => {
    const s = { done: 0, total: 342, failed: 0, inFlight: 4, startedAt: 0, now: 5_000, doneHere: 0 };
    expect(renderProgress(s, 100)).toBe(`[${'.'.repeat(30)}]  0/342  ok 0  failed 0  4 running  ETA —`);
  });

  it('takes the rate of a resumed run from the sites done in this process only', () => {
    // 100 of 200 done, 10 of them here in 2 minutes: 5 sites/min, 100 left → 20 minutes.
    const s = { done: 100, total: 200, failed: 2, inFlight: 4, startedAt: 1_000, now: 1_000 + 2 * MIN, doneHere: 10 };
    expect(renderProgress(s, 100)).toBe(`[${'#'.repeat(15)}${'.'.repeat(15)}]  100/200  ok 98  failed 2  4 running  5.0 sites/min  ETA 20m`);
    // Resumed but nothing done here yet: the earlier sites say nothing about this process's speed.
    expect(renderProgress({ ...s, doneHere: 0 }, 100)).toMatch(/4 running  ETA —$/);
  });

  it('formats durations as seconds, minutes or hours and minutes', () => {
    const at = (doneHere: number, elapsedMs: number, left: number) =>
      renderProgress({ done: doneHere, total: doneHere + left, failed: 0, inFlight: 1, startedAt: 0, now: elapsedMs, doneHere }, 200).replace(/.*ETA /, '');
    expect(at(10, 45_000, 10)).toBe('45s');
    expect(at(10, 12 * MIN, 10)).toBe('12m');
    expect(at(1, 185 * MIN, 1)).toBe('3h05m');
    expect(at(10, 10 * MIN, 0)).toBe('0s');
  });

  it('never exceeds the width, whatever the state', () => {
    const states: ProgressState[] = [
      midway,
      { done: 0, total: 0, failed: 0, inFlight: 0, startedAt: 0, now: 0, doneHere: 0 },
      { done: 12_345, total: 99_999, failed: 1_234, inFlight: 16, startedAt: 0, now: 1_000, doneHere: 12_345 },
      { done: 1, total: 100_000, failed: 0, inFlight: 2, startedAt: 0, now: 1_000 * MIN * 60, doneHere: 1 },
      { done: 500, total: 342, failed: 500, inFlight: 0, startedAt: 0, now: MIN, doneHere: 500 },
    ];
    for (const s of states) {
      for (let width = 0; width <= 140; width++) expect(renderProgress(s, width).length).toBeLessThanOrEqual(width);
    }
  });
});

/** A stand-in for a terminal: records what is written, with a settable width. */
function fakeTty(columns?: number) {
  const chunks: string[] = [];
  const stream = { isTTY: true, columns, write: (s: string) => (chunks.push(s), true) };
  return { chunks, stream: stream as unknown as NodeJS.WriteStream & { columns?: number } };
}

const CLEAR = '\r\x1b[2K';
const state = { done: 47, total: 342, failed: 2, inFlight: 4, startedAt: 0, doneHere: 47 };

describe('ProgressBar', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(10 * MIN);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('draws on update, one column short of the terminal width so it never wraps', () => {
    const { chunks, stream } = fakeTty(80);
    const bar = new ProgressBar(stream);
    bar.update(state);
    expect(chunks).toEqual([CLEAR + renderProgress({ ...state, now: 10 * MIN }, 79)]);
    bar.stop();
  });

  it('assumes 80 columns when the stream does not say', () => {
    const { chunks, stream } = fakeTty(undefined);
    const bar = new ProgressBar(stream);
    bar.update(state);
    expect(chunks[0]).toBe(CLEAR + renderProgress({ ...state, now: 10 * MIN }, 79));
    bar.stop();
  });

  it('redraws on its interval so rate and ETA move, but not when nothing changed', () => {
    const { chunks, stream } = fakeTty(100);
    const bar = new ProgressBar(stream, { intervalMs: 1_000 });
    // One of three done after 10 s: the ETA counts in seconds, so a second later it reads differently.
    const fast = { done: 1, total: 3, failed: 0, inFlight: 1, startedAt: 10 * MIN - 10_000, doneHere: 1 };
    bar.update(fast);
    vi.advanceTimersByTime(999);
    expect(chunks).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toBe(CLEAR + renderProgress({ ...fast, now: 10 * MIN + 1_000 }, 99));
    expect(chunks[1]).not.toBe(chunks[0]);

    // Before anything is done there is no rate or ETA: the line stays the same and is not rewritten.
    bar.update({ ...fast, done: 0, doneHere: 0 });
    const n = chunks.length;
    vi.advanceTimersByTime(5_000);
    expect(chunks).toHaveLength(n);
    bar.stop();
  });

  it('ticks every 200 ms by default', () => {
    const { stream } = fakeTty(100);
    const setInterval = vi.spyOn(globalThis, 'setInterval');
    const bar = new ProgressBar(stream);
    bar.update(state);
    expect(setInterval).toHaveBeenCalledWith(expect.any(Function), 200);
    bar.stop();
  });

  it('clears the bar around other output and draws it again below', () => {
    const { chunks, stream } = fakeTty(100);
    const bar = new ProgressBar(stream);
    bar.update(state);
    chunks.length = 0;
    bar.around(() => stream.write('12:00:00 WARN  site failed\n'));
    expect(chunks).toEqual([CLEAR, '12:00:00 WARN  site failed\n', CLEAR + renderProgress({ ...state, now: 10 * MIN }, 99)]);
    bar.stop();
  });

  it('only writes when nothing is drawn yet, or after stop', () => {
    const { chunks, stream } = fakeTty(100);
    const bar = new ProgressBar(stream);
    bar.around(() => stream.write('before\n'));
    expect(chunks).toEqual(['before\n']);

    bar.update(state);
    bar.stop();
    expect(chunks.at(-1)).toBe(CLEAR);
    chunks.length = 0;
    bar.around(() => stream.write('after\n'));
    bar.update(state);
    vi.advanceTimersByTime(1_000);
    expect(chunks).toEqual(['after\n']);
  });

  it('stop is safe to call twice and when nothing was drawn', () => {
    const { chunks, stream } = fakeTty(100);
    const bar = new ProgressBar(stream);
    bar.stop();
    bar.stop();
    expect(chunks).toEqual([]);
  });

  it('does not keep the process alive with its timer, and removes it on stop', () => {
    const { stream } = fakeTty(100);
    const setInterval = vi.spyOn(globalThis, 'setInterval');
    const bar = new ProgressBar(stream);
    bar.update(state);
    expect(setInterval).toHaveBeenCalledTimes(1);
    expect((setInterval.mock.results[0]?.value as NodeJS.Timeout).hasRef()).toBe(false);
    bar.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
