import type { Database } from './db.js';

/** What must be the same between two scans of a site for their findings to count as identical. */
export interface SiteOutcome {
  url: string;
  status: string;
  grade: string | null;
  verdicts: string[];
  /** Tracker names per phase, sorted, as "phase: a, b". */
  trackers: string[];
}

/** Each site scan of a run as its outcome, by URL: what the benchmark and the tests compare between runs. */
export function siteOutcomesOfRun(db: Database, runId: number): SiteOutcome[] {
  const scans = db
    .prepare('SELECT ss.id, s.url, ss.status, ss.grade FROM site_scans ss JOIN sites s ON s.id = ss.site_id WHERE ss.run_id = ? ORDER BY s.url')
    .all(runId) as Array<{ id: number; url: string; status: string; grade: string | null }>;
  const verdicts = db.prepare('SELECT verdict FROM verdicts WHERE site_scan_id = ? ORDER BY verdict').pluck();
  const trackers = db.prepare(
    `SELECT ph.name AS phase, group_concat(DISTINCT f.tracker_name) AS names FROM findings f JOIN phases ph ON ph.id = f.phase_id
     WHERE ph.site_scan_id = ? AND f.seriousness > 0 GROUP BY ph.name ORDER BY ph.name`,
  );
  return scans.map((s) => ({
    url: s.url,
    status: s.status,
    grade: s.grade,
    verdicts: verdicts.all(s.id) as string[],
    trackers: (trackers.all(s.id) as Array<{ phase: string; names: string }>).map((t) => `${t.phase}: ${t.names.split(',').sort().join(', ')}`),
  }));
}
