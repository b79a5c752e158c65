import type { Database } from './db.js';
import { runsWithSiteScans } from './diff-queries.js';
import { getRun, type RunRow } from './read.js';

/**
 * The newest run (by id) with at least one finished (ok or failed) site scan: the run an export shows
 * by default. A run that is still being scanned counts once it has a finished site; a run whose sites
 * were all interrupted has nothing to show and is passed over.
 */
export function latestRunWithSiteScans(db: Database): RunRow | undefined {
  const newest = runsWithSiteScans(db).at(-1);
  return newest && getRun(db, newest.id);
}
