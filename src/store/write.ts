import type {
  CookieObservation,
  CookieSetEvent,
  PageVisit,
  PhaseObservations,
  RequestObservation,
  RunInfo,
  SiteInput,
  SiteScanResult,
  StorageObservation,
} from '../observe/types.js';
import type { Database } from './db.js';

type SqlValue = string | number | null;

// better-sqlite3 refuses to bind undefined and booleans, so every optional field goes through these.
const opt = <T extends string | number>(v: T | undefined): T | null => (v === undefined ? null : v);
const bit = (b: boolean): number => (b ? 1 : 0);

// Each observation table is written from one record keyed by its columns: the SQL is generated from
// the same keys, so a column and its value cannot drift apart, and TypeScript checks every column is set.
const pageColumns = ['phase_id', 'page_index', 'kind', 'url', 'final_url', 'status', 'title', 'error', 'started_ms', 'ended_ms'] as const;

const requestColumns = [
  'phase_id', 'page_index', 'request_id', 'hop', 'url', 'method', 'resource_type', 'status', 'mime_type',
  'failure', 'redirected_to', 'frame_id', 'frame_url', 'is_main_frame', 'initiator_type', 'initiator_url',
  'initiator_line', 'initiator_column', 'time_ms', 'host', 'domain', 'party',
] as const;

const cookieColumns = [
  'phase_id', 'name', 'domain', 'path', 'expires', 'session', 'http_only', 'secure', 'same_site', 'size',
  'partition_key', 'value_sha256', 'value_length', 'value', 'host', 'domain_registrable', 'party', 'setter',
  'setter_url', 'setter_request_id',
] as const;

const cookieEventColumns = [
  'phase_id', 'page_index', 'name', 'domain', 'path', 'source', 'url', 'request_id', 'frame_url', 'api',
  'deletes', 'time_ms', 'value_sha256', 'value_length', 'value',
] as const;

const storageColumns = [
  'phase_id', 'page_index', 'kind', 'origin', 'frame_url', 'key', 'value_sha256', 'value_length', 'value', 'party',
] as const;

const phaseColumns = [
  'site_scan_id', 'name', 'started_at', 'ended_at', 'status', 'error', 'consent_action', 'banner_found', 'cmp',
  'consent_engine', 'banner_appeared_ms', 'reject_on_first_layer', 'second_layer', 'consent_success',
  'consent_stored', 'consent_error', 'tcf_string', 'tcf_gdpr_applies', 'tcf_event_status', 'consent_mode_gcs',
  'consent_mode_gcd', 'consent_mode_npa',
] as const;

const clickColumns = ['phase_id', 'seq', 'text', 'frame_url', 'layer', 'role'] as const;

type Row<C extends readonly string[]> = Record<C[number], SqlValue>;

const list = (v: string[] | undefined): string | null => (v && v.length ? v.join(',') : null);
const optBit = (b: boolean | undefined): number | null => (b === undefined ? null : bit(b));

function phaseRow(siteScanId: number, p: PhaseObservations): Row<typeof phaseColumns> {
  const c = p.consent;
  return {
    site_scan_id: siteScanId,
    name: p.phase,
    started_at: p.startedAt,
    ended_at: p.endedAt,
    status: p.status,
    error: opt(p.error),
    consent_action: c.action,
    banner_found: bit(c.bannerFound),
    cmp: opt(c.cmp),
    consent_engine: opt(c.engine),
    banner_appeared_ms: opt(c.bannerAppearedMs),
    reject_on_first_layer: optBit(c.rejectOnFirstLayer),
    second_layer: bit(c.secondLayer),
    consent_success: bit(c.success),
    consent_stored: optBit(c.consentStored),
    consent_error: opt(c.error),
    tcf_string: opt(p.signals.tcfString),
    tcf_gdpr_applies: optBit(p.signals.tcfGdprApplies),
    tcf_event_status: opt(p.signals.tcfEventStatus),
    consent_mode_gcs: list(p.signals.gcs),
    consent_mode_gcd: list(p.signals.gcd),
    consent_mode_npa: list(p.signals.npa),
  };
}

function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`;
}

function pageRow(phaseId: number, p: PageVisit): Row<typeof pageColumns> {
  return {
    phase_id: phaseId,
    page_index: p.pageIndex,
    kind: p.kind,
    url: p.url,
    final_url: opt(p.finalUrl),
    status: opt(p.status),
    title: opt(p.title),
    error: opt(p.error),
    started_ms: p.startedMs,
    ended_ms: p.endedMs,
  };
}

function requestRow(phaseId: number, r: RequestObservation): Row<typeof requestColumns> {
  return {
    phase_id: phaseId,
    page_index: r.pageIndex,
    request_id: r.requestId,
    hop: r.hop,
    url: r.url,
    method: r.method,
    resource_type: r.resourceType,
    status: opt(r.status),
    mime_type: opt(r.mimeType),
    failure: opt(r.failure),
    redirected_to: opt(r.redirectedTo),
    frame_id: opt(r.frameId),
    frame_url: opt(r.frameUrl),
    is_main_frame: bit(r.isMainFrame),
    initiator_type: r.initiator.type,
    initiator_url: opt(r.initiator.url),
    initiator_line: opt(r.initiator.line),
    initiator_column: opt(r.initiator.column),
    time_ms: r.timeMs,
    host: r.host,
    domain: r.domain,
    party: r.party,
  };
}

function cookieRow(phaseId: number, c: CookieObservation): Row<typeof cookieColumns> {
  return {
    phase_id: phaseId,
    name: c.name,
    domain: c.domain,
    path: c.path,
    expires: opt(c.expires),
    session: bit(c.session),
    http_only: bit(c.httpOnly),
    secure: bit(c.secure),
    same_site: opt(c.sameSite),
    size: c.size,
    partition_key: opt(c.partitionKey),
    value_sha256: c.value.sha256,
    value_length: c.value.length,
    value: opt(c.value.value),
    host: c.host,
    domain_registrable: c.domainRegistrable,
    party: c.party,
    setter: c.setter,
    setter_url: opt(c.setterUrl),
    setter_request_id: opt(c.setterRequestId),
  };
}

function cookieEventRow(phaseId: number, e: CookieSetEvent): Row<typeof cookieEventColumns> {
  return {
    phase_id: phaseId,
    page_index: e.pageIndex,
    name: e.name,
    domain: e.domain,
    path: e.path,
    source: e.source,
    url: opt(e.url),
    request_id: opt(e.requestId),
    frame_url: opt(e.frameUrl),
    api: opt(e.api),
    deletes: bit(e.deletes),
    time_ms: e.timeMs,
    value_sha256: e.value.sha256,
    value_length: e.value.length,
    value: opt(e.value.value),
  };
}

function storageRow(phaseId: number, s: StorageObservation): Row<typeof storageColumns> {
  return {
    phase_id: phaseId,
    page_index: s.pageIndex,
    kind: s.kind,
    origin: s.origin,
    frame_url: s.frameUrl,
    key: s.key,
    value_sha256: s.value.sha256,
    value_length: s.value.length,
    value: opt(s.value.value),
    party: s.party,
  };
}

function prepareStatements(db: Database) {
  return {
    insertRun: db.prepare(
      `INSERT INTO runs (started_at, status, tool_version, browser_version, browser_path, cookie_controls_mode,
                         user_agent, options_json, pid, hostname, list_source)
       VALUES (@started_at, 'running', @tool_version, @browser_version, @browser_path, @cookie_controls_mode,
               @user_agent, @options_json, @pid, @hostname, @list_source)`,
    ),
    finishRun: db.prepare('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?'),
    runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
    // A later list may lack a name or code an earlier one had: keep what we know rather than erase it.
    upsertSite: db
      .prepare(
        `INSERT INTO sites (url, name, code, grp, created_at) VALUES (@url, @name, @code, @grp, @created_at)
         ON CONFLICT (url) DO UPDATE SET
           name = coalesce(excluded.name, name),
           code = coalesce(excluded.code, code),
           grp = coalesce(excluded.grp, grp)
         RETURNING id`,
      )
      .pluck(),
    // Phases and observations go with it through ON DELETE CASCADE.
    deleteSiteScan: db.prepare('DELETE FROM site_scans WHERE run_id = ? AND site_id = ?'),
    insertSiteScan: db.prepare(
      `INSERT INTO site_scans (run_id, site_id, started_at, ended_at, status, failure_class, failure_message,
                               site_domain, final_url, attempts, statements_searched)
       VALUES (@run_id, @site_id, @started_at, @ended_at, @status, @failure_class, @failure_message,
               @site_domain, @final_url, @attempts, @statements_searched)`,
    ),
    insertStatement: db.prepare(
      `INSERT INTO statements (site_scan_id, seq, url, final_url, link_text, found_on, status, error, text, text_sha256)
       VALUES (@site_scan_id, @seq, @url, @final_url, @link_text, @found_on, @status, @error, @text, @text_sha256)`,
    ),
    insertPhase: db.prepare(insertSql('phases', phaseColumns)),
    insertClick: db.prepare(insertSql('consent_clicks', clickColumns)),
    insertScreenshot: db.prepare(
      'INSERT INTO screenshots (phase_id, page_index, moment, mime_type, data) VALUES (?, ?, ?, ?, ?)',
    ),
    insertPage: db.prepare(insertSql('pages', pageColumns)),
    insertEvent: db.prepare('INSERT INTO page_events (phase_id, page_index, time_ms, kind, detail) VALUES (?, ?, ?, ?, ?)'),
    insertRequest: db.prepare(insertSql('requests', requestColumns)),
    insertCookie: db.prepare(insertSql('cookies', cookieColumns)),
    insertCookieEvent: db.prepare(insertSql('cookie_events', cookieEventColumns)),
    insertStorage: db.prepare(insertSql('storage', storageColumns)),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

// Preparing costs about as much as a few inserts; a scan saves thousands of site scans on one connection.
const cache = new WeakMap<Database, Statements>();

function statements(db: Database): Statements {
  let s = cache.get(db);
  if (!s) {
    s = prepareStatements(db);
    cache.set(db, s);
  }
  return s;
}

/** The site's id, adding it when new; a name, code or group it brings fills in or replaces ours. */
export function upsertSite(db: Database, site: SiteInput): number {
  return statements(db).upsertSite.get({
    url: site.url,
    name: opt(site.name),
    code: opt(site.code),
    grp: opt(site.group),
    created_at: new Date().toISOString(),
  }) as number;
}

export function createRun(db: Database, info: RunInfo): number {
  const result = statements(db).insertRun.run({
    started_at: info.startedAt,
    tool_version: info.toolVersion,
    browser_version: info.browserVersion,
    browser_path: info.browserPath,
    cookie_controls_mode: info.cookieControlsMode,
    user_agent: info.userAgent,
    options_json: JSON.stringify(info.options),
    pid: opt(info.pid),
    hostname: opt(info.hostname),
    list_source: opt(info.listSource),
  });
  return Number(result.lastInsertRowid);
}

export function finishRun(
  db: Database,
  runId: number,
  status: 'complete' | 'incomplete',
  endedAt: string = new Date().toISOString(),
): void {
  const result = statements(db).finishRun.run(status, endedAt, runId);
  if (result.changes === 0) throw new Error(`no run with id ${runId}`);
}

function insertPhase(s: Statements, siteScanId: number, phase: PhaseObservations): void {
  const phaseId = Number(s.insertPhase.run(phaseRow(siteScanId, phase)).lastInsertRowid);
  phase.consent.clicks.forEach((c, seq) =>
    s.insertClick.run({ phase_id: phaseId, seq, text: c.text, frame_url: c.frameUrl, layer: c.layer, role: c.role }),
  );
  for (const shot of phase.screenshots) {
    s.insertScreenshot.run(phaseId, shot.pageIndex, shot.moment, shot.mimeType, shot.data);
  }
  for (const p of phase.pages) s.insertPage.run(pageRow(phaseId, p));
  for (const e of phase.events ?? []) s.insertEvent.run(phaseId, e.pageIndex, e.timeMs, e.kind, String(e.detail));
  for (const r of phase.requests) s.insertRequest.run(requestRow(phaseId, r));
  for (const c of phase.cookies) s.insertCookie.run(cookieRow(phaseId, c));
  for (const e of phase.cookieEvents) s.insertCookieEvent.run(cookieEventRow(phaseId, e));
  for (const st of phase.storage) s.insertStorage.run(storageRow(phaseId, st));
}

/**
 * Saves one site scan with all its phases and observations, all or nothing. Saving a site again in the
 * same run replaces the earlier scan (a resumed run re-scans the sites it had not finished).
 * Returns the site scan id.
 */
export function saveSiteScan(db: Database, runId: number, result: SiteScanResult): number {
  const s = statements(db);
  // IMMEDIATE: take the write lock up front, so a concurrent writer makes us wait (busy_timeout)
  // instead of failing halfway with SQLITE_BUSY.
  return db
    .transaction(() => {
      // A clearer failure than the foreign key error the insert would give.
      if (s.runExists.get(runId) === undefined) throw new Error(`no run with id ${runId}`);
      const siteId = upsertSite(db, result.site);
      s.deleteSiteScan.run(runId, siteId);
      const siteScanId = Number(
        s.insertSiteScan.run({
          run_id: runId,
          site_id: siteId,
          started_at: result.startedAt,
          ended_at: result.endedAt,
          status: result.status,
          failure_class: opt(result.failureClass),
          failure_message: opt(result.failureMessage),
          site_domain: result.siteDomain,
          final_url: opt(result.finalUrl),
          attempts: result.attempts ?? 1,
          statements_searched: result.statements ? 1 : 0,
        }).lastInsertRowid,
      );
      for (const phase of result.phases) insertPhase(s, siteScanId, phase);
      (result.statements ?? []).forEach((st, seq) =>
        s.insertStatement.run({
          site_scan_id: siteScanId,
          seq,
          url: st.url,
          final_url: opt(st.finalUrl),
          link_text: st.linkText,
          found_on: st.foundOn,
          status: opt(st.status),
          error: opt(st.error),
          text: opt(st.text),
          text_sha256: opt(st.textSha256),
        }),
      );
      return siteScanId;
    })
    .immediate();
}
