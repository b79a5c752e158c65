import type { Database } from './db.js';
import type { RunStatus } from './read.js';

// Reads for `cookiewatch diff`: which runs can be compared, and what each run meant to scan.

export interface RunWithScans {
  id: number;
  startedAt: string;
  status: RunStatus;
  /** Finished site scans (ok or failed); interrupted ones hold no observations and are not counted. */
  siteScans: number;
}

/** Runs with at least one finished site scan, oldest first (by id, the order they were created in). */
export function runsWithSiteScans(db: Database): RunWithScans[] {
  const rows = db
    .prepare(
      `SELECT r.id, r.started_at, r.status, count(ss.id) AS site_scans
       FROM runs r JOIN site_scans ss ON ss.run_id = r.id AND ss.status IN ('ok', 'failed')
       GROUP BY r.id ORDER BY r.id`,
    )
    .all() as Array<{ id: number; started_at: string; status: RunStatus; site_scans: number }>;
  return rows.map((r) => ({ id: r.id, startedAt: r.started_at, status: r.status, siteScans: r.site_scans }));
}

/** URLs of a run's planned list (empty for runs made before the plan was stored, schema version 1). */
export function plannedUrlsOfRun(db: Database, runId: number): string[] {
  return db
    .prepare('SELECT s.url FROM run_sites rs JOIN sites s ON s.id = rs.site_id WHERE rs.run_id = ? ORDER BY rs.position')
    .pluck()
    .all(runId) as string[];
}
