import type { AccountId } from '../classify/types.js';
import type { PhaseName } from '../observe/types.js';
import type { Database } from './db.js';

// The evidence behind each finding of a site scan: the exact request, cookie or storage entry, in
// the shape a report prints. A reader goes from a verdict to these rows without reading SQL.

export interface FindingEvidence {
  /** The finding's place in its site scan; verdicts cite findings by it. */
  seq: number;
  phase: PhaseName;
  trackerId: string;
  trackerName: string;
  organisation: string;
  country: string;
  category: string;
  seriousness: number;
  source: 'rules' | 'trackerdb';
  rule: string;
  pageIndex: number;
  party: 'first-party' | 'third-party';
  accountIds: AccountId[];
  /** Verdict ids that rest on this finding. */
  verdicts: string[];
  evidence:
    | { kind: 'request'; url: string; method: string; resourceType: string; status?: number; initiatorUrl?: string; timeMs: number }
    | { kind: 'cookie'; name: string; domain: string; path: string; setter: 'http' | 'script' | 'unknown'; setterUrl?: string; session: boolean }
    | { kind: 'storage'; storageKind: string; key: string; origin: string };
}

type Raw = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function findingEvidenceOfSiteScan(db: Database, siteScanId: number): FindingEvidence[] {
  const rows = db
    .prepare(
      `SELECT f.*, p.name AS phase,
              r.url AS r_url, r.method AS r_method, r.resource_type AS r_type, r.status AS r_status,
              r.initiator_url AS r_initiator, r.time_ms AS r_time,
              c.name AS c_name, c.domain AS c_domain, c.path AS c_path, c.setter AS c_setter,
              c.setter_url AS c_setter_url, c.session AS c_session,
              s.kind AS s_kind, s.key AS s_key, s.origin AS s_origin
       FROM findings f JOIN phases p ON p.id = f.phase_id
       LEFT JOIN requests r ON r.id = f.request_row_id
       LEFT JOIN cookies c ON c.id = f.cookie_row_id
       LEFT JOIN storage s ON s.id = f.storage_row_id
       WHERE f.site_scan_id = ? ORDER BY f.seq`,
    )
    .all(siteScanId) as Raw[];
  const cited = new Map<number, string[]>();
  for (const v of db.prepare('SELECT verdict, finding_seqs_json FROM verdicts WHERE site_scan_id = ? ORDER BY id').all(siteScanId) as Raw[]) {
    for (const seq of JSON.parse(v.finding_seqs_json as string) as number[]) {
      const list = cited.get(seq) ?? [];
      if (!list.includes(v.verdict as string)) list.push(v.verdict as string);
      cited.set(seq, list);
    }
  }
  return rows.map((r) => {
    const seq = r.seq as number;
    let evidence: FindingEvidence['evidence'];
    if (r.evidence_kind === 'request') {
      evidence = {
        kind: 'request',
        url: (r.r_url as string | null) ?? '',
        method: (r.r_method as string | null) ?? 'GET',
        resourceType: (r.r_type as string | null) ?? '',
        timeMs: (r.r_time as number | null) ?? 0,
      };
      if (typeof r.r_status === 'number') evidence.status = r.r_status;
      const initiator = str(r.r_initiator);
      if (initiator) evidence.initiatorUrl = initiator;
    } else if (r.evidence_kind === 'cookie') {
      evidence = {
        kind: 'cookie',
        name: (r.c_name as string | null) ?? '',
        domain: (r.c_domain as string | null) ?? '',
        path: (r.c_path as string | null) ?? '/',
        setter: ((r.c_setter as string | null) ?? 'unknown') as 'http' | 'script' | 'unknown',
        session: r.c_session === 1,
      };
      const setterUrl = str(r.c_setter_url);
      if (setterUrl) evidence.setterUrl = setterUrl;
    } else {
      evidence = {
        kind: 'storage',
        storageKind: (r.s_kind as string | null) ?? '',
        key: (r.s_key as string | null) ?? '',
        origin: (r.s_origin as string | null) ?? '',
      };
    }
    return {
      seq,
      phase: r.phase as PhaseName,
      trackerId: r.tracker_id as string,
      trackerName: r.tracker_name as string,
      organisation: r.organisation as string,
      country: r.country as string,
      category: r.category as string,
      seriousness: r.seriousness as number,
      source: r.source as 'rules' | 'trackerdb',
      rule: r.rule as string,
      pageIndex: r.page_index as number,
      party: r.party as 'first-party' | 'third-party',
      accountIds: JSON.parse(r.account_ids_json as string) as AccountId[],
      verdicts: cited.get(seq) ?? [],
      evidence,
    };
  });
}

/** The screenshots of a site scan, per phase: the banner as first seen and the page after the click. */
export function screenshotsOfSiteScan(
  db: Database,
  siteScanId: number,
): Array<{ phase: PhaseName; pageIndex: number; moment: 'banner' | 'after-consent'; mimeType: string; data: Buffer }> {
  return (
    db
      .prepare(
        `SELECT p.name AS phase, s.page_index, s.moment, s.mime_type, s.data FROM screenshots s
         JOIN phases p ON p.id = s.phase_id WHERE p.site_scan_id = ? ORDER BY p.id, s.id`,
      )
      .all(siteScanId) as Raw[]
  ).map((r) => ({
    phase: r.phase as PhaseName,
    pageIndex: r.page_index as number,
    moment: r.moment as 'banner' | 'after-consent',
    mimeType: r.mime_type as string,
    data: r.data as Buffer,
  }));
}

export interface PhaseOverview {
  phase: PhaseName;
  status: 'ok' | 'failed';
  error?: string;
  cookies: Array<{ name: string; domain: string; party: 'first-party' | 'third-party'; setter: 'http' | 'script' | 'unknown'; setterUrl?: string }>;
  /** Third-party registrable domains contacted, with their number of requests, most first. */
  thirdPartyDomains: Array<{ domain: string; requests: number }>;
  /** The pages visited, in order: start page, reload after the click, subpages. */
  pages: Array<{ kind: string; url: string; status?: number; title?: string; error?: string }>;
  /** localStorage and sessionStorage keys (values are never shown). */
  storage: Array<{ kind: string; key: string; origin: string; party: 'first-party' | 'third-party' }>;
  /** What the page did besides loading: dialogs, pop-ups, a crash, … */
  events?: Array<{ kind: string; pageIndex: number; detail: string }>;
}

/** Per phase of a site scan: every cookie and who set it, and the third parties contacted. */
export function phaseOverviewOfSiteScan(db: Database, siteScanId: number): PhaseOverview[] {
  const phases = db.prepare('SELECT id, name, status, error FROM phases WHERE site_scan_id = ? ORDER BY id').all(siteScanId) as Raw[];
  const cookies = db.prepare('SELECT name, domain, party, setter, setter_url FROM cookies WHERE phase_id = ? ORDER BY party DESC, domain, name');
  const domains = db.prepare(
    `SELECT domain, count(*) AS n FROM requests WHERE phase_id = ? AND party = 'third-party' AND domain != ''
     GROUP BY domain ORDER BY n DESC, domain`,
  );
  const pages = db.prepare('SELECT kind, url, status, title, error FROM pages WHERE phase_id = ? ORDER BY page_index');
  const storage = db.prepare('SELECT DISTINCT kind, key, origin, party FROM storage WHERE phase_id = ? ORDER BY party DESC, origin, kind, key');
  const events = db.prepare('SELECT kind, page_index, detail FROM page_events WHERE phase_id = ? ORDER BY id');
  return phases.map((p) => {
    const o: PhaseOverview = {
      pages: (pages.all(p.id) as Raw[]).map((v) => {
        const page: PhaseOverview['pages'][number] = { kind: v.kind as string, url: v.url as string };
        if (typeof v.status === 'number') page.status = v.status;
        const title = str(v.title);
        if (title) page.title = title;
        const error = str(v.error);
        if (error) page.error = error;
        return page;
      }),
      storage: (storage.all(p.id) as Raw[]).map((v) => ({
        kind: v.kind as string,
        key: v.key as string,
        origin: v.origin as string,
        party: v.party as 'first-party' | 'third-party',
      })),
      events: (events.all(p.id) as Raw[]).map((e) => ({ kind: e.kind as string, pageIndex: e.page_index as number, detail: e.detail as string })),
      phase: p.name as PhaseName,
      status: p.status as 'ok' | 'failed',
      cookies: (cookies.all(p.id) as Raw[]).map((c) => {
        const cookie: PhaseOverview['cookies'][number] = {
          name: c.name as string,
          domain: c.domain as string,
          party: c.party as 'first-party' | 'third-party',
          setter: c.setter as 'http' | 'script' | 'unknown',
        };
        const url = str(c.setter_url);
        if (url) cookie.setterUrl = url;
        return cookie;
      }),
      thirdPartyDomains: (domains.all(p.id) as Raw[]).map((d) => ({ domain: d.domain as string, requests: d.n as number })),
    };
    const error = str(p.error);
    if (error) o.error = error;
    return o;
  });
}
