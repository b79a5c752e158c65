import type { SiteInput } from '../observe/types.js';
import type { Database } from './db.js';
import { getRun, type RunRow, type RunStatus } from './read.js';
import { upsertSite } from './write.js';

// A batch run's plan and its resumption. The plan (which sites, in which order) is stored with the run,
// so `--resume` needs neither the list file nor the options it was started with.

/** Records the sites a run will scan, in list order; sites already planned keep their place. */
export function planRunSites(db: Database, runId: number, sites: SiteInput[]): void {
  const plan = db.prepare('INSERT OR IGNORE INTO run_sites (run_id, site_id, position) VALUES (?, ?, ?)');
  db.transaction(() => {
    sites.forEach((site, position) => plan.run(runId, upsertSite(db, site), position));
  }).immediate();
}

/** Planned sites of a run without a finished (ok or failed) site scan, in list order. */
export function remainingSitesOfRun(db: Database, runId: number): SiteInput[] {
  const rows = db
    .prepare(
      `SELECT s.url, s.name, s.code, s.grp FROM run_sites rs JOIN sites s ON s.id = rs.site_id
       WHERE rs.run_id = ? AND NOT EXISTS (
         SELECT 1 FROM site_scans ss WHERE ss.run_id = rs.run_id AND ss.site_id = rs.site_id
           AND ss.status IN ('ok', 'failed'))
       ORDER BY rs.position`,
    )
    .all(runId) as Array<{ url: string; name: string | null; code: string | null; grp: string | null }>;
  return rows.map((r) => {
    const site: SiteInput = { url: r.url };
    if (r.name !== null) site.name = r.name;
    if (r.code !== null) site.code = r.code;
    if (r.grp !== null) site.group = r.grp;
    return site;
  });
}

/** Number of sites planned for a run (0 for runs made before plans were stored). */
export function plannedCountOfRun(db: Database, runId: number): number {
  return db.prepare('SELECT count(*) FROM run_sites WHERE run_id = ?').pluck().get(runId) as number;
}

/** The newest run that did not complete, if any. */
export function latestUnfinishedRun(db: Database): RunRow | undefined {
  const id = db.prepare("SELECT id FROM runs WHERE status != 'complete' ORDER BY id DESC LIMIT 1").pluck().get() as
    | number
    | undefined;
  return id === undefined ? undefined : getRun(db, id);
}

/**
 * Takes over an unfinished run for this process: marks it running again under our pid. The check and
 * the update are one transaction, so two resumes of the same run cannot both win.
 * `isAlive(pid, hostname)` tells whether the process recorded with the run still scans it.
 */
export function claimRun(
  db: Database,
  runId: number,
  me: { pid: number; hostname: string },
  isAlive: (pid: number, hostname: string) => boolean,
): RunRow {
  return db
    .transaction(() => {
      const run = getRun(db, runId);
      if (!run) throw new ResumeError(`no run with id ${runId} in this database`);
      if (run.status === 'complete') throw new ResumeError(`run ${runId} is complete; there is nothing to resume`);
      if (run.status === 'running' && run.pid !== undefined && run.pid !== me.pid && isAlive(run.pid, run.hostname ?? '')) {
        throw new ResumeError(
          `run ${runId} is still being scanned by process ${run.pid} on ${run.hostname ?? 'this machine'}; stop it first`,
        );
      }
      db.prepare(
        "UPDATE runs SET status = 'running', ended_at = NULL, pid = ?, hostname = ?, resumed_count = resumed_count + 1 WHERE id = ?",
      ).run(me.pid, me.hostname, runId);
      return getRun(db, runId) as RunRow;
    })
    .immediate();
}

/** A resume that cannot go ahead, for a reason the user can act on. */
export class ResumeError extends Error {}

/** One line of a run's outcome per site scan, for the end-of-run summary. */
export interface SiteOutcome {
  url: string;
  name?: string;
  status: 'ok' | 'failed' | 'interrupted';
  failureClass?: string;
  grade?: string;
  verdictIds: string[];
  /** Trackers of our rules, seriousness 2 or more (third-party analytics, advertising, social), seen before consent. */
  trackersBeforeConsent: string[];
}

/** Every site scan recorded for a run, across resumes, in list order where a plan exists. */
export function outcomesOfRun(db: Database, runId: number): SiteOutcome[] {
  const scans = db
    .prepare(
      `SELECT ss.id, s.url, s.name, ss.status, ss.failure_class, ss.grade
       FROM site_scans ss JOIN sites s ON s.id = ss.site_id
       LEFT JOIN run_sites rs ON rs.run_id = ss.run_id AND rs.site_id = ss.site_id
       WHERE ss.run_id = ? ORDER BY rs.position, ss.id`,
    )
    .all(runId) as Array<{ id: number; url: string; name: string | null; status: SiteOutcome['status']; failure_class: string | null; grade: string | null }>;
  const verdicts = db.prepare('SELECT DISTINCT verdict FROM verdicts WHERE site_scan_id = ? ORDER BY verdict').pluck();
  const trackers = db
    .prepare(
      `SELECT DISTINCT f.tracker_name FROM findings f JOIN phases p ON p.id = f.phase_id
       WHERE f.site_scan_id = ? AND p.name = 'pre' AND f.source = 'rules' AND f.seriousness >= 2
       ORDER BY f.tracker_name`,
    )
    .pluck();
  return scans.map((r) => {
    const o: SiteOutcome = {
      url: r.url,
      status: r.status,
      verdictIds: verdicts.all(r.id) as string[],
      trackersBeforeConsent: trackers.all(r.id) as string[],
    };
    if (r.name !== null) o.name = r.name;
    if (r.failure_class !== null) o.failureClass = r.failure_class;
    if (r.grade !== null) o.grade = r.grade;
    return o;
  });
}

// Which runs can be shown or compared: those with at least one finished site scan.

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

/**
 * The newest run (by id) with at least one finished site scan: the run an export shows by default. A
 * run whose sites were all interrupted has nothing to show and is passed over.
 */
export function latestRunWithSiteScans(db: Database): RunRow | undefined {
  const newest = runsWithSiteScans(db).at(-1);
  return newest && getRun(db, newest.id);
}
