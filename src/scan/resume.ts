import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { SiteInput } from '../observe/types.js';
import {
  claimRun,
  getRun,
  latestUnfinishedRun,
  openDatabase,
  outcomesOfRun,
  plannedCountOfRun,
  remainingSitesOfRun,
  ResumeError,
  type RunRow,
  type SiteOutcome,
} from '../store/index.js';

export interface ResumePlan {
  run: RunRow;
  /** Sites still to scan, in list order. */
  sites: SiteInput[];
  planned: number;
  /** Finished site scans recorded before this resume. */
  earlier: SiteOutcome[];
}

/**
 * Takes over an unfinished run (the newest one when `runId` is absent) and works out what is left.
 * Throws ResumeError with a message for the user when there is nothing to resume; `check` may refuse
 * the run (e.g. options that differ from the recorded ones) before it is taken over.
 */
export function prepareResume(dbPath: string, runId: number | undefined, check: (run: RunRow) => void): ResumePlan {
  const db = openDatabase(dbPath);
  try {
    const id = runId ?? latestUnfinishedRun(db)?.id;
    if (id === undefined) throw new ResumeError(`no unfinished run to resume in ${dbPath}`);
    const found = getRun(db, id);
    if (!found) throw new ResumeError(`no run with id ${id} in this database`);
    // Before the run is claimed: a refused resume leaves it as it was.
    check(found);
    const run = claimRun(db, id, { pid: process.pid, hostname: hostname() }, processAlive);
    return {
      run,
      sites: remainingSitesOfRun(db, id),
      planned: plannedCountOfRun(db, id),
      earlier: outcomesOfRun(db, id).filter((o) => o.status !== 'interrupted'),
    };
  } finally {
    db.close();
  }
}

/**
 * Whether the process recorded with a run may still be scanning it. A process on another machine
 * (a database on a shared disk) cannot be checked from here and is taken to be gone.
 */
function processAlive(pid: number, host: string): boolean {
  if (host && host !== hostname()) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // After a reboot the pid may belong to an unrelated process: on Linux, check it is a cookiewatch.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('cookiewatch');
  } catch {
    return true; // no /proc (macOS) or not readable: trust the pid
  }
}
