import { describe, expect, it } from 'vitest';
import { descendants, differences, quantile, scenarioConsistency, spread, usageOf, type ProcSample } from '../../src/bench/figures.js';

describe('bench figures', () => {
  it('median and p95 by nearest rank', () => {
    expect(quantile([], 0.5)).toBeUndefined();
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(hundred, 0.95)).toBe(95);
    expect(spread([1000, 3000, 2000])).toEqual({ count: 3, medianMs: 2000, p95Ms: 3000, meanMs: 2000, totalMs: 6000 });
  });

  const p = (pid: number, ppid: number, rssMiB: number, cpuMs: number, comm = 'chromium'): ProcSample => ({
    pid, ppid, comm, rssBytes: rssMiB * 1024 * 1024, cpuMs,
  });

  it('counts the scan process and every browser process under it, and nothing else', () => {
    const samples = [p(1, 0, 10, 0, 'init'), p(100, 1, 80, 500, 'node'), p(200, 100, 300, 900), p(201, 200, 150, 400), p(300, 1, 999, 9999, 'other')];
    expect(descendants(samples, 100).map((s) => s.pid).sort()).toEqual([100, 200, 201]);
    const later = [p(100, 1, 90, 700, 'node'), p(200, 100, 200, 1200), p(202, 200, 400, 300)];
    expect(usageOf([samples, later], 100)).toEqual({
      peakNodeBytes: 90 * 1024 * 1024,
      peakBrowserBytes: 600 * 1024 * 1024,
      peakTotalBytes: 690 * 1024 * 1024,
      nodeCpuMs: 700,
      browserCpuMs: 1200 + 400 + 300,
    });
  });

  it('names the sites whose findings differ between two runs', () => {
    const o = (url: string, grade: string, trackers: string[] = []) => ({ url, status: 'ok', grade, verdicts: [], trackers });
    expect(differences([o('a', 'A'), o('b', 'E', ['pre: GA'])], [o('b', 'E', ['pre: GA']), o('a', 'A')])).toEqual([]);
    const d = differences([o('a', 'A'), o('b', 'E')], [o('a', 'C'), o('c', 'A')]);
    expect(d.map((x) => x.url)).toEqual(['a', 'b', 'c']);
  });

  it('groups outcomes by scenario: one outcome per scenario, or the odd ones out with an example', () => {
    const o = (url: string, grade: string, trackers: string[] = []) => ({ url, status: 'ok', grade, verdicts: [], trackers });
    const scenario = (url: string) => ({ a1: 'clean', a2: 'clean', b1: 'ga4', b2: 'ga4', b3: 'ga4' } as Record<string, string>)[url];
    const same = scenarioConsistency([o('a1', 'A'), o('b1', 'E', ['pre: GA']), o('a2', 'A'), o('b2', 'E', ['pre: GA'])], scenario);
    expect(same.map((c) => [c.scenario, c.sites, c.outcomes.length])).toEqual([['clean', 2, 1], ['ga4', 2, 1]]);
    const odd = scenarioConsistency([o('b1', 'E', ['pre: GA']), o('b2', 'A'), o('b3', 'E', ['pre: GA']), o('x', 'A')], scenario);
    const ga4 = odd.find((c) => c.scenario === 'ga4');
    expect(ga4?.outcomes.map((g) => [g.count, g.example.url])).toEqual([[2, 'b1'], [1, 'b2']]);
    expect(odd.find((c) => c.scenario === '(not generated)')?.sites).toBe(1);
  });
});
