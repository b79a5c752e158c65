// `npm run bench`: a full default scan of N generated municipal sites on the fixture internet, measured.
// The scan is the real CLI in a child process; this process serves the fixture internet and reads
// /proc every second for the memory and CPU time of the scan's Node process and every browser process
// under it. Linux only (it reads /proc).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { writeFixtureListCsv } from '../../fixtures/lists.js';
import { parseSyntheticHostname, syntheticSites, syntheticSpec, SYNTHETIC_MAX } from '../../fixtures/hosts/synthetic.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { projectRoot, toolVersion } from '../util/package-info.js';
import { siteOutcomesOfRun, type SiteOutcome } from '../store/outcomes.js';
import { descendants, differences, fmtMiB, fmtS, scenarioConsistency, spread, usageOf, type ProcSample } from './figures.js';
import { browserKindOf, browserLabel } from '../browser/find.js';
import { defaultConcurrency } from '../scan/concurrency.js';

const USAGE = `usage: npm run bench -- [--sites <n>] [--concurrency <n>] [--latency-ms <n>] [--compare-sequential [--sequential-sites <n>]] [--out <dir>]
  --sites <n>            generated municipal sites to scan (1..${SYNTHETIC_MAX}, default 342)
  --concurrency <n>      sites at once (default: the scan's own default)
  --latency-ms <n>       delay before the fixture server answers each request (default 20)
  --compare-sequential   scan the same sites again one at a time and check the findings are identical
  --sequential-sites <n> with --compare-sequential: only the first n sites one at a time (default: all),
                         compared with what the full run found for them
  --out <dir>            where the databases and bench.json go (default reports/bench)`;

interface Args {
  sites: number;
  concurrency?: number;
  latencyMs: number;
  compareSequential: boolean;
  sequentialSites?: number;
  out: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const args: Args = { sites: 342, latencyMs: 20, compareSequential: false, out: join(projectRoot(), 'reports', 'bench') };
  const whole = (flag: string, raw: string | undefined, min: number, max: number): number => {
    const n = Number(raw);
    if (raw === undefined || !/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`${flag} needs a whole number from ${min} to ${max}, got ${raw ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--sites') args.sites = whole(flag, value(), 1, SYNTHETIC_MAX);
    else if (flag === '--concurrency') args.concurrency = whole(flag, value(), 1, 64);
    else if (flag === '--latency-ms') args.latencyMs = whole(flag, value(), 0, 5000);
    else if (flag === '--compare-sequential') args.compareSequential = true;
    else if (flag === '--sequential-sites') args.sequentialSites = whole(flag, value(), 1, SYNTHETIC_MAX);
    else if (flag === '--out') {
      const v = value();
      if (!v) throw new UsageError('--out needs a folder');
      args.out = v;
    } else if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  if (args.sequentialSites !== undefined && !args.compareSequential) throw new UsageError('--sequential-sites goes with --compare-sequential');
  return args;
}

// ---------------------------------------------------------------------------------------------------
// Reading /proc

const TICK_MS = 10; // USER_HZ is 100 on Linux
const PAGE = 4096;

function readProcs(): ProcSample[] {
  const out: ProcSample[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      // After "pid (comm) ": state ppid … utime(14) stime(15) … rss(24), counted from field 3.
      out.push({
        pid: Number(name),
        ppid: Number(f[1]),
        comm,
        cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS,
        rssBytes: Number(f[21]) * PAGE,
      });
    } catch {
      /* the process ended while we read */
    }
  }
  return out;
}

/**
 * Resident memory of the scan's processes as their proportional share (PSS): Chromium's processes share
 * many pages, and summing their RSS would count those once per process.
 */
function withPss(samples: ProcSample[], root: number): ProcSample[] {
  const tree = new Set(descendants(samples, root).map((p) => p.pid));
  return samples.map((p) => {
    if (!tree.has(p.pid)) return p;
    try {
      const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p.pid}/smaps_rollup`, 'utf8'))?.[1];
      return kb ? { ...p, rssBytes: Number(kb) * 1024 } : p;
    } catch {
      return p;
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// One scan, measured

interface ScanRun {
  wallMs: number;
  exitCode: number | null;
  usage: ReturnType<typeof usageOf>;
  stderr: string;
}

async function measuredScan(server: FixtureServer, listPath: string, dbPath: string, concurrency: number | undefined): Promise<ScanRun> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  const args = [
    join(projectRoot(), 'bin', 'cookiewatch.js'),
    'scan', '--list', listPath, '--db', dbPath,
    '--host-resolver-rules', server.hostResolverRules, '--ignore-https-errors', '--quiet',
    ...(concurrency ? ['--concurrency', String(concurrency)] : []),
  ];
  const started = Date.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const series: ProcSample[][] = [];
  // Once a second: reading /proc (PSS most of all) costs CPU the scan would otherwise have.
  const timer = setInterval(() => series.push(withPss(readProcs(), child.pid!)), 1000);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearInterval(timer);
  return { wallMs: Date.now() - started, exitCode, usage: usageOf(series, child.pid!), stderr };
}

// ---------------------------------------------------------------------------------------------------
// What the database says about the run

const ms = (a: string | null, b: string | null) => (a && b ? Date.parse(b) - Date.parse(a) : undefined);

function ranBrowser(dbPath: string): { path: string; version: string } {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT browser_path AS path, browser_version AS version FROM runs WHERE id = 1').get() as { path: string; version: string };
  } finally {
    db.close();
  }
}

function timings(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    const scans = db.prepare('SELECT id, status, started_at, ended_at FROM site_scans WHERE run_id = 1').all() as Array<{
      id: number; status: string; started_at: string; ended_at: string | null;
    }>;
    const phases = db.prepare('SELECT site_scan_id, name, started_at, ended_at FROM phases').all() as Array<{
      site_scan_id: number; name: string; started_at: string; ended_at: string | null;
    }>;
    const pages = db.prepare('SELECT p.kind, p.started_ms, p.ended_ms, ph.name FROM pages p JOIN phases ph ON ph.id = p.phase_id').all() as Array<{
      kind: string; started_ms: number; ended_ms: number; name: string;
    }>;
    const siteMs = scans.map((s) => ms(s.started_at, s.ended_at)).filter((v): v is number => v !== undefined);
    const byPhase: Record<string, number[]> = {};
    const lastPhaseEnd = new Map<number, string>();
    for (const p of phases) {
      const d = ms(p.started_at, p.ended_at);
      if (d !== undefined) (byPhase[p.name] ??= []).push(d);
      if (p.ended_at && (!lastPhaseEnd.get(p.site_scan_id) || p.ended_at > lastPhaseEnd.get(p.site_scan_id)!)) lastPhaseEnd.set(p.site_scan_id, p.ended_at);
    }
    const steps: Record<string, number[]> = {};
    for (const p of pages) (steps[p.kind === 'start' ? 'start page: load, banner, dwell' : p.kind === 'reload' ? 'reload after the choice' : 'subpages'] ??= []).push(p.ended_ms - p.started_ms);
    // After the last phase: looking for and reading the privacy statements, saving.
    steps['statements and saving'] = scans
      .map((s) => ms(lastPhaseEnd.get(s.id) ?? null, s.ended_at))
      .filter((v): v is number => v !== undefined && v >= 0);
    const status: Record<string, number> = {};
    for (const s of scans) status[s.status] = (status[s.status] ?? 0) + 1;
    return {
      sites: scans.length,
      status,
      perSite: spread(siteMs),
      perPhase: Object.fromEntries(Object.entries(byPhase).map(([k, v]) => [k, spread(v)])),
      perStep: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, spread(v)])),
    };
  } finally {
    db.close();
  }
}

function outcomes(dbPath: string): SiteOutcome[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return siteOutcomesOfRun(db, 1);
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------------

function printRun(label: string, run: ScanRun, t: ReturnType<typeof timings>): void {
  const perMin = t.sites / (run.wallMs / 60000);
  const lines = [
    `${label}: ${t.sites} sites in ${fmtS(run.wallMs)} (${perMin.toFixed(1)} sites/min), exit code ${run.exitCode}`,
    `  status: ${Object.entries(t.status).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  per site: median ${fmtS(t.perSite.medianMs)}, p95 ${fmtS(t.perSite.p95Ms)}`,
    `  per phase (median / p95): ${Object.entries(t.perPhase).map(([k, v]) => `${k} ${fmtS(v.medianMs)} / ${fmtS(v.p95Ms)}`).join(', ')}`,
    `  per step (median / p95 / share of page time):`,
  ];
  const total = Object.values(t.perStep).reduce((a, v) => a + v.totalMs, 0);
  for (const [k, v] of Object.entries(t.perStep)) {
    lines.push(`    ${k}: ${fmtS(v.medianMs)} / ${fmtS(v.p95Ms)} / ${total ? Math.round((100 * v.totalMs) / total) : 0}%`);
  }
  lines.push(
    `  peak memory (PSS): Node ${fmtMiB(run.usage.peakNodeBytes)}, Chromium (all processes) ${fmtMiB(run.usage.peakBrowserBytes)}, together ${fmtMiB(run.usage.peakTotalBytes)}`,
    `  CPU time: Node ${fmtS(run.usage.nodeCpuMs)}, Chromium ${fmtS(run.usage.browserCpuMs)} (sampled every second: a lower bound)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function bench(args: Args): Promise<number> {
  mkdirSync(args.out, { recursive: true });
  const sites = syntheticSites(args.sites);
  const listPath = join(args.out, 'sites.csv');
  await writeFixtureListCsv(listPath, sites);
  const server = await startFixtureServer({ latencyMs: args.latencyMs });
  const machine = { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', memoryBytes: totalmem(), node: process.version };
  process.stdout.write(
    `bench: ${sites.length} generated municipal sites, default scan options, ${args.concurrency ?? 'default'} at once, ` +
      `${args.latencyMs} ms server latency; ${machine.cpus} CPUs (${machine.cpuModel}), ${fmtMiB(machine.memoryBytes)}\n`,
  );
  try {
    const dbPath = join(args.out, 'bench.sqlite');
    const run = await measuredScan(server, listPath, dbPath, args.concurrency);
    if (run.exitCode !== 0) {
      process.stderr.write(`the scan failed (exit code ${run.exitCode}):\n${run.stderr}`);
      return 1;
    }
    const t = timings(dbPath);
    // What was measured: the browser the scan found, and the concurrency it chose for it.
    const browser = ranBrowser(dbPath);
    const concurrency = args.concurrency ?? defaultConcurrency(browserKindOf(browser.path));
    process.stdout.write(`browser: ${browserLabel(browser.version, browser.path)} (${browser.path}), ${concurrency} sites at once\n`);
    printRun('concurrent', run, t);
    const found = outcomes(dbPath);
    const consistency = scenarioConsistency(found, (url) => {
      const parsed = parseSyntheticHostname(new URL(url).hostname);
      return parsed ? syntheticSpec(parsed.index, parsed.seed).scenario : undefined;
    });
    const consistent = consistency.every((c) => c.outcomes.length === 1);
    process.stdout.write(
      `  findings per scenario: ${consistency.map((c) => `${c.scenario} ${c.sites} sites, ${c.outcomes.length} outcome${c.outcomes.length === 1 ? '' : 's'}`).join('; ')}\n` +
        consistency
          .filter((c) => c.outcomes.length > 1)
          .flatMap((c) => c.outcomes.map((o) => `    ${c.scenario}: ${o.count} like ${o.example.url} ${JSON.stringify([o.example.grade, o.example.verdicts, o.example.trackers])}\n`))
          .join(''),
    );
    const result: Record<string, unknown> = {
      tool: toolVersion(),
      date: new Date().toISOString(),
      machine,
      options: { sites: args.sites, concurrency, concurrencyGiven: args.concurrency !== undefined, latencyMs: args.latencyMs },
      browser: { path: browser.path, version: browser.version, kind: browserKindOf(browser.path) },
      consistentPerScenario: consistent,
      perScenario: consistency.map((c) => ({ scenario: c.scenario, sites: c.sites, outcomes: c.outcomes.map((o) => ({ count: o.count, example: o.example })) })),
      concurrent: { wallMs: run.wallMs, sitesPerMinute: t.sites / (run.wallMs / 60000), ...run.usage, ...t },
    };
    let identical = true;
    if (args.compareSequential) {
      const seqPath = join(args.out, 'bench-sequential.sqlite');
      const seqSites = sites.slice(0, args.sequentialSites ?? sites.length);
      const seqListPath = join(args.out, 'sites-sequential.csv');
      await writeFixtureListCsv(seqListPath, seqSites);
      const seq = await measuredScan(server, seqListPath, seqPath, 1);
      const ts = timings(seqPath);
      printRun('sequential', seq, ts);
      const compared = new Set(seqSites.map((site) => site.url));
      const diff = differences(found.filter((o) => compared.has(o.url)), outcomes(seqPath));
      identical = diff.length === 0;
      process.stdout.write(
        identical
          ? `findings identical to the sequential run for all ${seqSites.length} sites it scanned\n`
          : `findings differ for ${diff.length} site(s):\n${diff.map((d) => `  ${d.url}\n    concurrent: ${JSON.stringify(d.a)}\n    sequential: ${JSON.stringify(d.b)}`).join('\n')}\n`,
      );
      result.sequential = { wallMs: seq.wallMs, sitesPerMinute: ts.sites / (seq.wallMs / 60000), ...seq.usage, ...ts };
      result.identicalToSequential = identical;
      result.differences = diff;
    }
    const jsonPath = join(args.out, 'bench.json');
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`figures written to ${jsonPath}\n`);
    return identical && consistent ? 0 : 1;
  } finally {
    await server.close();
  }
}

try {
  process.exitCode = await bench(parseArgs(process.argv.slice(2)));
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else throw err;
}
