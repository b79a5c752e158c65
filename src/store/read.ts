import type {
  ConsentClick,
  ConsentObservation,
  ConsentSignals,
  CookieObservation,
  CookieSetEvent,
  CookieSetterKind,
  PageEvent,
  PageVisit,
  Party,
  PhaseName,
  RequestObservation,
  Screenshot,
  SiteScanResult,
  StatementObservation,
  StorageObservation,
  ValueEvidence,
} from '../observe/types.js';
import type { Database } from './db.js';

// Observation rows come back in the exact shape src/observe produced them (absent optional fields are
// absent, not null), plus their ids: classification can run on stored scans as on fresh ones.

export type RunStatus = 'running' | 'complete' | 'incomplete';
export type SiteScanStatus = 'ok' | 'failed' | 'interrupted';

export interface RunRow {
  id: number;
  startedAt: string;
  endedAt?: string;
  status: RunStatus;
  toolVersion: string;
  browserVersion: string;
  browserPath: string;
  cookieControlsMode: number;
  userAgent: string;
  options: Record<string, unknown>;
  /** Process that scans (or last scanned) the run, so a resume never races a live scan. */
  pid?: number;
  hostname?: string;
  /** The list the run was made from (a file path or a built-in name), when it came from one. */
  listSource?: string;
  resumedCount: number;
}

export interface SiteScanRow {
  id: number;
  runId: number;
  siteId: number;
  siteUrl: string;
  siteName?: string;
  siteCode?: string;
  siteGroup?: string;
  startedAt: string;
  endedAt?: string;
  status: SiteScanStatus;
  failureClass?: string;
  failureMessage?: string;
  siteDomain: string;
  finalUrl?: string;
  attempts: number;
}

export interface PhaseRow {
  id: number;
  siteScanId: number;
  phase: PhaseName;
  startedAt: string;
  endedAt?: string;
  status: 'ok' | 'failed';
  error?: string;
  /** Without its clicks: `consentClicksOfPhase` reads those. */
  consent: Omit<ConsentObservation, 'clicks'>;
  signals: ConsentSignals;
}

export interface PhaseSummary {
  phaseId: number;
  phase: PhaseName;
  status: 'ok' | 'failed';
  error?: string;
  /** Request rows: each hop of a redirect chain counts, as each is a request on the wire. */
  requestCount: number;
  /** Registrable domains of third-party requests, sorted. */
  thirdPartyDomains: string[];
  /** Cookies in the jar at the end of the phase. */
  firstPartyCookieCount: number;
  thirdPartyCookieCount: number;
}

export type PageRow = PageVisit & { id: number; phaseId: number };
export type RequestRow = RequestObservation & { id: number; phaseId: number };
export type CookieRow = CookieObservation & { id: number; phaseId: number };
export type CookieEventRow = CookieSetEvent & { id: number; phaseId: number };
export type StorageRow = StorageObservation & { id: number; phaseId: number };

type Raw = Record<string, unknown>;

// Copies the column into the object only when it is not NULL, so optional fields stay absent.
export function setIf<T extends object, K extends keyof T>(target: T, key: K, value: unknown): void {
  if (value !== null && value !== undefined) target[key] = value as T[K];
}

function valueOf(r: Raw): ValueEvidence {
  const v: ValueEvidence = { sha256: r.value_sha256 as string, length: r.value_length as number };
  setIf(v, 'value', r.value);
  return v;
}

function toRun(r: Raw): RunRow {
  const run: RunRow = {
    id: r.id as number,
    startedAt: r.started_at as string,
    status: r.status as RunStatus,
    toolVersion: r.tool_version as string,
    browserVersion: r.browser_version as string,
    browserPath: r.browser_path as string,
    cookieControlsMode: r.cookie_controls_mode as number,
    userAgent: r.user_agent as string,
    options: JSON.parse(r.options_json as string) as Record<string, unknown>,
    resumedCount: r.resumed_count as number,
  };
  setIf(run, 'endedAt', r.ended_at);
  setIf(run, 'pid', r.pid);
  setIf(run, 'hostname', r.hostname);
  setIf(run, 'listSource', r.list_source);
  return run;
}

function toSiteScan(r: Raw): SiteScanRow {
  const scan: SiteScanRow = {
    id: r.id as number,
    runId: r.run_id as number,
    siteId: r.site_id as number,
    siteUrl: r.site_url as string,
    startedAt: r.started_at as string,
    status: r.status as SiteScanStatus,
    siteDomain: r.site_domain as string,
    attempts: r.attempts as number,
  };
  setIf(scan, 'siteName', r.site_name);
  setIf(scan, 'siteCode', r.site_code);
  setIf(scan, 'siteGroup', r.site_group);
  setIf(scan, 'endedAt', r.ended_at);
  setIf(scan, 'failureClass', r.failure_class);
  setIf(scan, 'failureMessage', r.failure_message);
  setIf(scan, 'finalUrl', r.final_url);
  return scan;
}

function toPhase(r: Raw): PhaseRow {
  const phase: PhaseRow = {
    id: r.id as number,
    siteScanId: r.site_scan_id as number,
    phase: r.name as PhaseName,
    startedAt: r.started_at as string,
    status: r.status as 'ok' | 'failed',
    consent: {
      action: r.consent_action as ConsentObservation['action'],
      bannerFound: r.banner_found === 1,
      secondLayer: r.second_layer === 1,
      success: r.consent_success === 1,
    },
    signals: {},
  };
  setIf(phase, 'endedAt', r.ended_at);
  setIf(phase, 'error', r.error);
  const c = phase.consent;
  setIf(c, 'cmp', r.cmp);
  setIf(c, 'engine', r.consent_engine);
  setIf(c, 'bannerAppearedMs', r.banner_appeared_ms);
  setIf(c, 'rejectOnFirstLayer', bool(r.reject_on_first_layer));
  setIf(c, 'consentStored', bool(r.consent_stored));
  setIf(c, 'error', r.consent_error);
  setIf(phase.signals, 'tcfString', r.tcf_string);
  setIf(phase.signals, 'tcfGdprApplies', bool(r.tcf_gdpr_applies));
  setIf(phase.signals, 'tcfEventStatus', r.tcf_event_status);
  setIf(phase.signals, 'gcs', splitList(r.consent_mode_gcs));
  setIf(phase.signals, 'gcd', splitList(r.consent_mode_gcd));
  setIf(phase.signals, 'npa', splitList(r.consent_mode_npa));
  return phase;
}

const splitList = (v: unknown): string[] | undefined => (typeof v === 'string' && v ? v.split(',') : undefined);
const bool = (v: unknown): boolean | undefined => (v === null || v === undefined ? undefined : v === 1);

function toClick(r: Raw): ConsentClick {
  return {
    text: r.text as string,
    frameUrl: r.frame_url as string,
    layer: r.layer as 1 | 2,
    role: r.role as ConsentClick['role'],
  };
}

function toScreenshot(r: Raw): Screenshot {
  return {
    pageIndex: r.page_index as number,
    moment: r.moment as Screenshot['moment'],
    mimeType: r.mime_type as 'image/jpeg',
    data: r.data as Buffer,
  };
}

function toPage(r: Raw): PageRow {
  const page: PageRow = {
    id: r.id as number,
    phaseId: r.phase_id as number,
    pageIndex: r.page_index as number,
    kind: r.kind as PageVisit['kind'],
    url: r.url as string,
    startedMs: r.started_ms as number,
    endedMs: r.ended_ms as number,
  };
  setIf(page, 'finalUrl', r.final_url);
  setIf(page, 'status', r.status);
  setIf(page, 'title', r.title);
  setIf(page, 'error', r.error);
  return page;
}

function toRequest(r: Raw): RequestRow {
  const initiator: RequestObservation['initiator'] = { type: r.initiator_type as string };
  setIf(initiator, 'url', r.initiator_url);
  setIf(initiator, 'line', r.initiator_line);
  setIf(initiator, 'column', r.initiator_column);
  const req: RequestRow = {
    id: r.id as number,
    phaseId: r.phase_id as number,
    requestId: r.request_id as string,
    hop: r.hop as number,
    pageIndex: r.page_index as number,
    url: r.url as string,
    method: r.method as string,
    resourceType: r.resource_type as string,
    isMainFrame: r.is_main_frame === 1,
    initiator,
    timeMs: r.time_ms as number,
    host: r.host as string,
    domain: r.domain as string,
    party: r.party as Party,
  };
  setIf(req, 'status', r.status);
  setIf(req, 'mimeType', r.mime_type);
  setIf(req, 'failure', r.failure);
  setIf(req, 'redirectedTo', r.redirected_to);
  setIf(req, 'frameId', r.frame_id);
  setIf(req, 'frameUrl', r.frame_url);
  return req;
}

function toCookie(r: Raw): CookieRow {
  const cookie: CookieRow = {
    id: r.id as number,
    phaseId: r.phase_id as number,
    name: r.name as string,
    domain: r.domain as string,
    path: r.path as string,
    session: r.session === 1,
    httpOnly: r.http_only === 1,
    secure: r.secure === 1,
    size: r.size as number,
    value: valueOf(r),
    host: r.host as string,
    domainRegistrable: r.domain_registrable as string,
    party: r.party as Party,
    setter: r.setter as CookieSetterKind,
  };
  setIf(cookie, 'expires', r.expires);
  setIf(cookie, 'sameSite', r.same_site);
  setIf(cookie, 'partitionKey', r.partition_key);
  setIf(cookie, 'setterUrl', r.setter_url);
  setIf(cookie, 'setterRequestId', r.setter_request_id);
  return cookie;
}

function toCookieEvent(r: Raw): CookieEventRow {
  const event: CookieEventRow = {
    id: r.id as number,
    phaseId: r.phase_id as number,
    pageIndex: r.page_index as number,
    name: r.name as string,
    domain: r.domain as string,
    path: r.path as string,
    source: r.source as CookieSetEvent['source'],
    deletes: r.deletes === 1,
    timeMs: r.time_ms as number,
    value: valueOf(r),
  };
  setIf(event, 'url', r.url);
  setIf(event, 'requestId', r.request_id);
  setIf(event, 'frameUrl', r.frame_url);
  setIf(event, 'api', r.api);
  return event;
}

function toStorage(r: Raw): StorageRow {
  return {
    id: r.id as number,
    phaseId: r.phase_id as number,
    pageIndex: r.page_index as number,
    kind: r.kind as StorageObservation['kind'],
    origin: r.origin as string,
    frameUrl: r.frame_url as string,
    key: r.key as string,
    value: valueOf(r),
    party: r.party as Party,
  };
}

const PHASE_ORDER = `CASE name WHEN 'pre' THEN 0 WHEN 'accept' THEN 1 WHEN 'reject' THEN 2 END`;

function prepareQueries(db: Database) {
  return {
    run: db.prepare('SELECT * FROM runs WHERE id = ?'),
    // By id, not started_at: ids grow with insertion even when clocks tie or step back.
    latestRun: db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT 1'),
    siteScansOfRun: db.prepare(
      `SELECT ss.*, s.url AS site_url, s.name AS site_name, s.code AS site_code, s.grp AS site_group
       FROM site_scans ss JOIN sites s ON s.id = ss.site_id
       WHERE ss.run_id = ? ORDER BY ss.id`,
    ),
    siteScan: db.prepare(
      `SELECT ss.*, s.url AS site_url, s.name AS site_name, s.code AS site_code, s.grp AS site_group
       FROM site_scans ss JOIN sites s ON s.id = ss.site_id WHERE ss.id = ?`,
    ),
    phasesOfSiteScan: db.prepare(`SELECT * FROM phases WHERE site_scan_id = ? ORDER BY ${PHASE_ORDER}`),
    phaseCounts: db.prepare(
      `SELECT p.id, p.name, p.status, p.error,
              (SELECT count(*) FROM requests r WHERE r.phase_id = p.id) AS request_count,
              (SELECT count(*) FROM cookies c WHERE c.phase_id = p.id AND c.party = 'first-party') AS fp_cookies,
              (SELECT count(*) FROM cookies c WHERE c.phase_id = p.id AND c.party = 'third-party') AS tp_cookies
       FROM phases p WHERE p.site_scan_id = ? ORDER BY ${PHASE_ORDER}`,
    ),
    thirdPartyDomains: db
      .prepare(`SELECT DISTINCT domain FROM requests WHERE phase_id = ? AND party = 'third-party' ORDER BY domain`)
      .pluck(),
    pages: db.prepare('SELECT * FROM pages WHERE phase_id = ? ORDER BY id'),
    requests: db.prepare('SELECT * FROM requests WHERE phase_id = ? ORDER BY id'),
    cookies: db.prepare('SELECT * FROM cookies WHERE phase_id = ? ORDER BY id'),
    cookieEvents: db.prepare('SELECT * FROM cookie_events WHERE phase_id = ? ORDER BY id'),
    storage: db.prepare('SELECT * FROM storage WHERE phase_id = ? ORDER BY id'),
    clicks: db.prepare('SELECT * FROM consent_clicks WHERE phase_id = ? ORDER BY seq'),
    screenshots: db.prepare('SELECT * FROM screenshots WHERE phase_id = ? ORDER BY id'),
    events: db.prepare('SELECT page_index, time_ms, kind, detail FROM page_events WHERE phase_id = ? ORDER BY id'),
  };
}

type Queries = ReturnType<typeof prepareQueries>;
const cache = new WeakMap<Database, Queries>();

function queries(db: Database): Queries {
  let q = cache.get(db);
  if (!q) {
    q = prepareQueries(db);
    cache.set(db, q);
  }
  return q;
}

export function getRun(db: Database, id: number): RunRow | undefined {
  const r = queries(db).run.get(id) as Raw | undefined;
  return r && toRun(r);
}

export function latestRun(db: Database): RunRow | undefined {
  const r = queries(db).latestRun.get() as Raw | undefined;
  return r && toRun(r);
}

/** Site scans of a run, in the order they were saved, with their site's url, name, code and group. */
export function siteScansOfRun(db: Database, runId: number): SiteScanRow[] {
  return (queries(db).siteScansOfRun.all(runId) as Raw[]).map(toSiteScan);
}

export function getSiteScan(db: Database, siteScanId: number): SiteScanRow | undefined {
  const r = queries(db).siteScan.get(siteScanId) as Raw | undefined;
  return r && toSiteScan(r);
}

/** Phases of a site scan in the order they run: pre, accept, reject. */
export function phasesOfSiteScan(db: Database, siteScanId: number): PhaseRow[] {
  return (queries(db).phasesOfSiteScan.all(siteScanId) as Raw[]).map(toPhase);
}

export function phaseSummary(db: Database, siteScanId: number): PhaseSummary[] {
  const q = queries(db);
  return (q.phaseCounts.all(siteScanId) as Raw[]).map((r) => {
    const summary: PhaseSummary = {
      phaseId: r.id as number,
      phase: r.name as PhaseName,
      status: r.status as 'ok' | 'failed',
      requestCount: r.request_count as number,
      thirdPartyDomains: q.thirdPartyDomains.all(r.id) as string[],
      firstPartyCookieCount: r.fp_cookies as number,
      thirdPartyCookieCount: r.tp_cookies as number,
    };
    setIf(summary, 'error', r.error);
    return summary;
  });
}

export function pagesOfPhase(db: Database, phaseId: number): PageRow[] {
  return (queries(db).pages.all(phaseId) as Raw[]).map(toPage);
}

export function requestsOfPhase(db: Database, phaseId: number): RequestRow[] {
  return (queries(db).requests.all(phaseId) as Raw[]).map(toRequest);
}

export function cookiesOfPhase(db: Database, phaseId: number): CookieRow[] {
  return (queries(db).cookies.all(phaseId) as Raw[]).map(toCookie);
}

export function cookieEventsOfPhase(db: Database, phaseId: number): CookieEventRow[] {
  return (queries(db).cookieEvents.all(phaseId) as Raw[]).map(toCookieEvent);
}

export function storageOfPhase(db: Database, phaseId: number): StorageRow[] {
  return (queries(db).storage.all(phaseId) as Raw[]).map(toStorage);
}

export function consentClicksOfPhase(db: Database, phaseId: number): ConsentClick[] {
  return (queries(db).clicks.all(phaseId) as Raw[]).map(toClick);
}

export function screenshotsOfPhase(db: Database, phaseId: number): Screenshot[] {
  return (queries(db).screenshots.all(phaseId) as Raw[]).map(toScreenshot);
}

/** What the page did besides loading (dialogs, pop-ups, …), in order. */
export function eventsOfPhase(db: Database, phaseId: number): PageEvent[] {
  return (queries(db).events.all(phaseId) as Array<{ page_index: number; time_ms: number; kind: PageEvent['kind']; detail: string }>).map(
    (r) => ({ kind: r.kind, pageIndex: r.page_index, timeMs: r.time_ms, detail: r.detail }),
  );
}

function withoutIds<T extends { id: number; phaseId: number }>(row: T): Omit<T, 'id' | 'phaseId'> {
  const { id: _id, phaseId: _phaseId, ...rest } = row;
  return rest;
}

/**
 * A stored site scan as the SiteScanResult it was saved from, for re-classifying old scans.
 * The site's name, code and group are the site's current ones (a later list may have updated them).
 */
export function loadSiteScanResult(db: Database, siteScanId: number): SiteScanResult | undefined {
  const scan = getSiteScan(db, siteScanId);
  if (!scan) return undefined;
  const site: SiteScanResult['site'] = { url: scan.siteUrl };
  setIf(site, 'name', scan.siteName);
  setIf(site, 'code', scan.siteCode);
  setIf(site, 'group', scan.siteGroup);
  const result: SiteScanResult = {
    site,
    startedAt: scan.startedAt,
    // Saved scans always have an end; only a scan marked interrupted may lack one.
    endedAt: scan.endedAt ?? '',
    status: scan.status,
    siteDomain: scan.siteDomain,
    phases: phasesOfSiteScan(db, siteScanId).map((p) => {
      const phase: SiteScanResult['phases'][number] = {
        phase: p.phase,
        startedAt: p.startedAt,
        endedAt: p.endedAt ?? '',
        status: p.status,
        pages: pagesOfPhase(db, p.id).map(withoutIds),
        requests: requestsOfPhase(db, p.id).map(withoutIds),
        cookies: cookiesOfPhase(db, p.id).map(withoutIds),
        cookieEvents: cookieEventsOfPhase(db, p.id).map(withoutIds),
        storage: storageOfPhase(db, p.id).map(withoutIds),
        consent: { ...p.consent, clicks: consentClicksOfPhase(db, p.id) },
        signals: p.signals,
        screenshots: screenshotsOfPhase(db, p.id),
      };
      const events = eventsOfPhase(db, p.id);
      if (events.length) phase.events = events;
      setIf(phase, 'error', p.error);
      return phase;
    }),
  };
  setIf(result, 'failureClass', scan.failureClass);
  setIf(result, 'failureMessage', scan.failureMessage);
  setIf(result, 'finalUrl', scan.finalUrl);
  result.attempts = scan.attempts;
  const statements = statementsOfSiteScan(db, siteScanId);
  if (statements) result.statements = statements;
  return result;
}

/** The statements a site scan found and read; undefined when it did not search (older scans). */
export function statementsOfSiteScan(db: Database, siteScanId: number): StatementObservation[] | undefined {
  const searched = db.prepare('SELECT statements_searched FROM site_scans WHERE id = ?').pluck().get(siteScanId);
  if (searched !== 1) return undefined;
  return (db.prepare('SELECT * FROM statements WHERE site_scan_id = ? ORDER BY seq').all(siteScanId) as Raw[]).map((r) => {
    const st: StatementObservation = {
      url: r.url as string,
      linkText: r.link_text as string,
      foundOn: r.found_on as StatementObservation['foundOn'],
    };
    setIf(st, 'finalUrl', r.final_url);
    setIf(st, 'status', r.status);
    setIf(st, 'error', r.error);
    setIf(st, 'text', r.text);
    setIf(st, 'textSha256', r.text_sha256);
    return st;
  });
}
