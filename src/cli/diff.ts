import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { diffRuns, phasesOfRun } from '../diff/diff.js';
import { diffJson, formatDiff, type DiffRuns } from '../diff/format.js';
import {
  getRun,
  openDatabase,
  plannedUrlsOfRun,
  runsWithSiteScans,
  siteResultsOfRun,
  type RunWithScans,
} from '../store/index.js';
import { UsageError } from './errors.js';
import { runIdOption } from './options.js';

/**
 * Which two runs to compare. `--to` defaults to the newest run with site scans, `--from` to the newest
 * one before `--to`. Every mistake is a UsageError naming what to do instead.
 */
export function chooseRuns(
  available: RunWithScans[],
  given: { from?: number | undefined; to?: number | undefined },
  exists: (id: number) => boolean,
  dbPath: string,
): { from: RunWithScans; to: RunWithScans } {
  if (given.from !== undefined && given.from === given.to) {
    throw new UsageError(`--from and --to are both run ${given.from}; a diff compares two different runs`);
  }
  const pick = (id: number): RunWithScans => {
    if (!exists(id)) throw new UsageError(`no run ${id} in ${dbPath}`);
    const run = available.find((r) => r.id === id);
    if (!run) throw new UsageError(`run ${id} has no finished site scans; there is nothing in it to compare`);
    return run;
  };
  const from = given.from !== undefined ? pick(given.from) : undefined;
  const toGiven = given.to !== undefined ? pick(given.to) : undefined;
  if (available.length < 2) {
    const has = available.length === 0 ? 'none' : `only run ${available[0]!.id}`;
    throw new UsageError(`a diff needs two runs with site scans; ${dbPath} has ${has}`);
  }
  const to = toGiven ?? available[available.length - 1]!;
  if (from && from.id === to.id) {
    throw new UsageError(`run ${from.id} is the newest run with site scans; give --to to compare it with another run`);
  }
  if (from) return { from, to };
  const earlier = available.filter((r) => r.id < to.id);
  const before = earlier[earlier.length - 1];
  if (!before) throw new UsageError(`no run with site scans before run ${to.id}; give --from to compare it with a later run`);
  return { from: before, to };
}

export function diffCommand(): Command {
  return new Command('diff')
    .description('What changed between two runs, per site: trackers added and removed per phase, verdicts and grades.')
    .option('--db <path>', 'SQLite database', './cookiewatch.sqlite')
    .addOption(new Option('--from <run>', 'the earlier run (default: the newest run with site scans before --to)').argParser(runIdOption))
    .addOption(new Option('--to <run>', 'the later run (default: the newest run with site scans)').argParser(runIdOption))
    .option('--json', 'print the diff as JSON', false)
    .action((o: { db: string; from?: number; to?: number; json: boolean }) => {
      // openDatabase would create a missing file: a mistyped path must not become an empty database.
      if (o.db !== ':memory:' && !existsSync(o.db)) throw new UsageError(`no database at ${o.db}`);
      const db = openDatabase(o.db);
      try {
        const chosen = chooseRuns(runsWithSiteScans(db), { from: o.from, to: o.to }, (id) => getRun(db, id) !== undefined, o.db);
        const fromRun = getRun(db, chosen.from.id);
        const toRun = getRun(db, chosen.to.id);
        const diff = diffRuns(siteResultsOfRun(db, chosen.from.id), siteResultsOfRun(db, chosen.to.id), {
          phasesFrom: phasesOfRun(fromRun),
          phasesTo: phasesOfRun(toRun),
          plannedFrom: plannedUrlsOfRun(db, chosen.from.id),
          plannedTo: plannedUrlsOfRun(db, chosen.to.id),
        });
        const runs: DiffRuns = {
          from: { id: chosen.from.id, startedAt: chosen.from.startedAt, status: chosen.from.status },
          to: { id: chosen.to.id, startedAt: chosen.to.startedAt, status: chosen.to.status },
        };
        process.stdout.write(`${o.json ? diffJson(diff, runs) : formatDiff(diff, runs)}\n`);
      } finally {
        db.close();
      }
    });
}
