import type { DisclosureStatus } from '../classify/types.js';
import type { PhaseName } from '../observe/types.js';
import type { Database } from './db.js';
import { refusalTook } from '../classify/verdicts.js';
import { setIf } from './read.js';

// The conclusions of a run, one record per site: what league tables, diffs and exports are made of.

/**
 * What counts as a tracker in tables, exports and diffs: found by our own rules and more than harmless
 * (consent tools and functional services are seriousness 0; trackerdb only names, it never accuses).
 */
export const isReportedTracker = (t: TrackerSeen): boolean => t.source === 'rules' && t.seriousness > 0;

/** A tracker found in a phase, once per tracker however many hits it made. */
export interface TrackerSeen {
  id: string;
  name: string;
  organisation: string;
  country: string;
  category: string;
  seriousness: number;
  source: 'rules' | 'trackerdb';
}

export interface SiteResult {
  siteScanId: number;
  url: string;
  name?: string;
  code?: string;
  group?: string;
  status: 'ok' | 'failed' | 'interrupted';
  failureClass?: string;
  failureMessage?: string;
  finalUrl?: string;
  attempts: number;
  grade?: string;
  rulesVersion?: string;
  banner: { found: boolean; cmp?: string; rejectOnFirstLayer?: boolean };
  /**
   * Per phase that ran: whether its consent answer (accept or reject click) worked; for reject, whether
   * the refusal took (see refusalTook). A phase whose answer failed saw the site as an undecided
   * visitor, not as one who accepted or refused.
   */
  consent: Partial<Record<PhaseName, { action: 'none' | 'accept' | 'reject'; success: boolean }>>;
  verdicts: Array<{ id: string; explanation: string; trackers: string[] }>;
  trackers: Record<PhaseName, TrackerSeen[]>;
  /** Account ids seen in any phase (GTM container, GA property, pixel id …), distinct, sorted. */
  accountIds: Array<{ kind: string; value: string }>;
  /**
   * The privacy and cookie statements the scan found and whether it could read them; absent when it
   * did not look (older scans, or the start page did not load).
   */
  statements?: Array<{ url: string; linkText: string; foundOn: 'page' | 'statement'; status?: number; error?: string; readable: boolean }>;
  /** Per tracker found (seriousness 2+), whether the statements name it; absent when not judged. */
  disclosures?: Array<{
    trackerId: string;
    trackerName: string;
    organisation: string;
    status: DisclosureStatus;
    term?: string;
    statementUrl?: string;
    snippet?: string;
  }>;
}

type Raw = Record<string, unknown>;

/** Every site scan of a run with its conclusions, in list order (or save order for runs without a plan). */
export function siteResultsOfRun(db: Database, runId: number): SiteResult[] {
  const scans = db
    .prepare(
      `SELECT ss.*, s.url, s.name, s.code, s.grp FROM site_scans ss JOIN sites s ON s.id = ss.site_id
       LEFT JOIN run_sites rs ON rs.run_id = ss.run_id AND rs.site_id = ss.site_id
       WHERE ss.run_id = ? ORDER BY rs.position, ss.id`,
    )
    .all(runId) as Raw[];
  const phases = db.prepare(
    'SELECT id, name, banner_found, cmp, reject_on_first_layer, consent_action, consent_success FROM phases WHERE site_scan_id = ?',
  );
  const verdicts = db.prepare('SELECT verdict, explanation, trackers_json FROM verdicts WHERE site_scan_id = ? ORDER BY id');
  const clickRoles = db.prepare('SELECT role FROM consent_clicks WHERE phase_id = ? ORDER BY seq');
  const statementRows = db.prepare(
    'SELECT url, link_text, found_on, status, error, text IS NOT NULL AS readable FROM statements WHERE site_scan_id = ? ORDER BY seq',
  );
  const disclosureRows = db.prepare(
    'SELECT tracker_id, tracker_name, organisation, status, term, statement_url, snippet FROM disclosures WHERE site_scan_id = ? ORDER BY id',
  );
  const findings = db.prepare(
    `SELECT p.name AS phase, f.tracker_id, f.tracker_name, f.organisation, f.country, f.category, f.seriousness,
            f.source, f.account_ids_json
     FROM findings f JOIN phases p ON p.id = f.phase_id WHERE f.site_scan_id = ? ORDER BY f.seq`,
  );
  return scans.map((r) => {
    const id = r.id as number;
    const result: SiteResult = {
      siteScanId: id,
      url: r.url as string,
      status: r.status as SiteResult['status'],
      attempts: r.attempts as number,
      banner: { found: false },
      consent: {},
      verdicts: (verdicts.all(id) as Raw[]).map((v) => ({
        id: v.verdict as string,
        explanation: v.explanation as string,
        trackers: JSON.parse(v.trackers_json as string) as string[],
      })),
      trackers: { pre: [], accept: [], reject: [] },
      accountIds: [],
    };
    setIf(result, 'name', r.name);
    setIf(result, 'code', r.code);
    setIf(result, 'group', r.grp);
    setIf(result, 'failureClass', r.failure_class);
    setIf(result, 'failureMessage', r.failure_message);
    setIf(result, 'finalUrl', r.final_url);
    setIf(result, 'grade', r.grade);
    setIf(result, 'rulesVersion', r.rules_version);

    for (const p of phases.all(id) as Raw[]) {
      const action = p.consent_action as 'none' | 'accept' | 'reject';
      const success = p.consent_success === 1;
      result.consent[p.name as PhaseName] = {
        action,
        success: action === 'reject' ? refusalTook({ action, success, clicks: clickRoles.all(p.id) as Array<{ role: string }> }) : success,
      };
      if (p.banner_found === 1) result.banner.found = true;
      if (p.cmp && !result.banner.cmp) result.banner.cmp = p.cmp as string;
      // The reject phase is the one that tried to refuse: its answer is the one that counts.
      if (p.name === 'reject' && p.reject_on_first_layer !== null) result.banner.rejectOnFirstLayer = p.reject_on_first_layer === 1;
    }
    const accounts = new Map<string, { kind: string; value: string }>();
    for (const f of findings.all(id) as Raw[]) {
      const list = result.trackers[f.phase as PhaseName];
      if (!list.some((t) => t.id === f.tracker_id)) {
        list.push({
          id: f.tracker_id as string,
          name: f.tracker_name as string,
          organisation: f.organisation as string,
          country: f.country as string,
          category: f.category as string,
          seriousness: f.seriousness as number,
          source: f.source as TrackerSeen['source'],
        });
      }
      for (const a of JSON.parse(f.account_ids_json as string) as Array<{ kind: string; value: string }>) {
        accounts.set(`${a.kind}\u0000${a.value}`, a);
      }
    }
    for (const phase of ['pre', 'accept', 'reject'] as const) result.trackers[phase].sort((a, b) => a.name.localeCompare(b.name));
    result.accountIds = [...accounts.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value));
    if (r.statements_searched === 1) {
      result.statements = (statementRows.all(id) as Raw[]).map((st) => {
        const o: NonNullable<SiteResult['statements']>[number] = {
          url: st.url as string,
          linkText: st.link_text as string,
          foundOn: st.found_on as 'page' | 'statement',
          readable: st.readable === 1,
        };
        setIf(o, 'status', st.status);
        setIf(o, 'error', st.error);
        return o;
      });
    }
    const ds = disclosureRows.all(id) as Raw[];
    if (ds.length || (r.statements_searched === 1 && r.rules_version)) {
      result.disclosures = ds.map((d) => {
        const o: NonNullable<SiteResult['disclosures']>[number] = {
          trackerId: d.tracker_id as string,
          trackerName: d.tracker_name as string,
          organisation: d.organisation as string,
          status: d.status as DisclosureStatus,
        };
        setIf(o, 'term', d.term);
        setIf(o, 'statementUrl', d.statement_url);
        setIf(o, 'snippet', d.snippet);
        return o;
      });
    }
    return result;
  });
}
