// Schema migrations, in order: migrations[i] takes a database from user_version i to i + 1.
// Never edit a migration that has shipped; append a new one. Each runs inside one transaction,
// with foreign_keys ON (SQLite ignores that pragma inside a transaction), so a migration that rebuilds
// a referenced table must copy rows in an order that keeps the references valid.
//
// Observation tables mirror src/observe/types.ts column for column, so stored scans can be re-classified
// without re-visiting the sites. They carry no UNIQUE constraints on observation identity (request id,
// cookie key): a collector quirk must not make a whole site scan unsaveable.
// Runs, sites, site scans and phases use AUTOINCREMENT: their ids appear in reports and CLI output, and
// replacing the newest site scan on resume must not hand its id to different data. Observation tables,
// written by the hundred thousand, skip it (measured ~20% slower saves) and are identified through their phase.
// Times are ISO-8601 strings; *_ms columns are milliseconds since the phase started; booleans are 0/1.

const migration1 = `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'incomplete')),
  tool_version TEXT NOT NULL,
  browser_version TEXT NOT NULL,
  browser_path TEXT NOT NULL,
  cookie_controls_mode INTEGER NOT NULL,
  user_agent TEXT NOT NULL,
  options_json TEXT NOT NULL
);

CREATE TABLE sites (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  url TEXT NOT NULL UNIQUE,
  name TEXT,
  code TEXT,
  grp TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE site_scans (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL REFERENCES sites (id),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'interrupted')),
  failure_class TEXT,
  failure_message TEXT,
  site_domain TEXT NOT NULL,
  final_url TEXT,
  -- The conclusions of the current classification (see findings and verdicts), and which rules made them.
  grade TEXT CHECK (grade IN ('A', 'B', 'C', 'D', 'E', 'F', '?')),
  rules_version TEXT,
  UNIQUE (run_id, site_id)
);
-- UNIQUE (run_id, site_id) already indexes lookups by run, and UNIQUE (site_scan_id, name) below by site scan.
CREATE INDEX site_scans_site ON site_scans (site_id);

CREATE TABLE phases (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_scan_id INTEGER NOT NULL REFERENCES site_scans (id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (name IN ('pre', 'accept', 'reject')),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error TEXT,
  -- What happened with the consent banner (ConsentObservation) and what the page said about consent.
  consent_action TEXT NOT NULL CHECK (consent_action IN ('none', 'accept', 'reject')),
  banner_found INTEGER NOT NULL CHECK (banner_found IN (0, 1)),
  cmp TEXT,
  consent_engine TEXT CHECK (consent_engine IN ('autoconsent', 'heuristic')),
  banner_appeared_ms REAL,
  reject_on_first_layer INTEGER CHECK (reject_on_first_layer IN (0, 1)),
  second_layer INTEGER NOT NULL CHECK (second_layer IN (0, 1)),
  consent_success INTEGER NOT NULL CHECK (consent_success IN (0, 1)),
  consent_stored INTEGER CHECK (consent_stored IN (0, 1)),
  consent_error TEXT,
  tcf_string TEXT,
  tcf_gdpr_applies INTEGER CHECK (tcf_gdpr_applies IN (0, 1)),
  tcf_event_status TEXT,
  -- Google Consent Mode values seen in the phase's Google hits, comma-separated in order first seen.
  consent_mode_gcs TEXT,
  consent_mode_gcd TEXT,
  consent_mode_npa TEXT,
  UNIQUE (site_scan_id, name)
);

CREATE TABLE consent_clicks (
  id INTEGER PRIMARY KEY,
  phase_id INTEGER NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  frame_url TEXT NOT NULL,
  layer INTEGER NOT NULL CHECK (layer IN (1, 2)),
  role TEXT NOT NULL CHECK (role IN ('accept', 'reject', 'settings', 'save', 'toggle-off'))
);
CREATE INDEX consent_clicks_phase ON consent_clicks (phase_id);

-- Evidence a reader can look at: the banner as the visitor saw it, the page after the click.
CREATE TABLE screenshots (
  id INTEGER PRIMARY KEY,
  phase_id INTEGER NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
  page_index INTEGER NOT NULL,
  moment TEXT NOT NULL CHECK (moment IN ('banner', 'after-consent')),
  mime_type TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX screenshots_phase ON screenshots (phase_id);

CREATE TABLE pages (
  id INTEGER PRIMARY KEY,
  phase_id INTEGER NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
  page_index INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('start', 'reload', 'subpage')),
  url TEXT NOT NULL,
  final_url TEXT,
  status INTEGER,
  title TEXT,
  error TEXT,
  started_ms REAL NOT NULL,
  ended_ms REAL NOT NULL
);
CREATE INDEX pages_phase ON pages (phase_id);

CREATE TABLE requests (
  id INTEGER PRIMARY KEY,
  phase_id INTEGER NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
  page_index INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  hop INTEGER NOT NULL,
  url TEXT NOT NULL,
  method TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  status INTEGER,
  mime_type TEXT,
  failure TEXT,
  redirected_to TEXT,
  frame_id TEXT,
  frame_url TEXT,
  is_main_frame INTEGER NOT NULL CHECK (is_main_frame IN (0, 1)),
  initiator_type TEXT NOT NULL,
  initiator_url TEXT,
  initiator_line INTEGER,
  initiator_column INTEGER,
  time_ms REAL NOT NULL,
  host TEXT NOT NULL,
  domain TEXT NOT NULL,
  party TEXT NOT NULL CHECK (party IN ('first-party', 'third-party'))
);
CREATE INDEX requests_phase ON requests (phase_id);
CREATE INDEX requests_domain ON requests (domain);

CREATE TABLE cookies (
  id INTEGER PRIMARY KEY,
  phase_id INTEGER NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  domain TEXT NOT NULL,
  path TEXT NOT NULL,
  expires REAL,
  session INTEGER NOT NULL CHECK (session IN (0, 1)),
  http_only INTEGER NOT NULL CHECK (http_only IN (0, 1)),
  secure INTEGER NOT NULL CHECK (secure IN (0, 1)),
  same_site TEXT,
  size INTEGER NOT NULL,
  partition_key TEXT,
  value_sha256 TEXT NOT NULL,
  value_length INTEGER NOT NULL,
  value TEXT,
  host TEXT NOT NULL,
  domain_registrable TEXT NOT NULL,
  party TEXT NOT NULL CHECK (party IN ('first-party', 'third-party')),
  setter TEXT NOT NULL CHECK (setter IN ('http', 'script', 'unknown')),
  setter_url TEXT,
  setter_request_id TEXT
);
CREATE INDEX cookies_phase ON cookies (phase_id);
CREATE INDEX cookies_name ON cookies (name);

CREATE TABLE cookie_events (
  id INTEGER PRIMARY KEY,
  phase_id INTEGER NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
  page_index INTEGER NOT NULL,
  name TEXT NOT NULL,
  domain TEXT NOT NULL,
  path TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('http', 'script')),
  url TEXT,
  request_id TEXT,
  frame_url TEXT,
  api TEXT CHECK (api IN ('document.cookie', 'cookieStore')),
  deletes INTEGER NOT NULL CHECK (deletes IN (0, 1)),
  time_ms REAL NOT NULL,
  value_sha256 TEXT NOT NULL,
  value_length INTEGER NOT NULL,
  value TEXT
);
CREATE INDEX cookie_events_phase ON cookie_events (phase_id);

CREATE TABLE storage (
  id INTEGER PRIMARY KEY,
  phase_id INTEGER NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
  page_index INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('localStorage', 'sessionStorage')),
  origin TEXT NOT NULL,
  frame_url TEXT NOT NULL,
  key TEXT NOT NULL,
  value_sha256 TEXT NOT NULL,
  value_length INTEGER NOT NULL,
  value TEXT,
  party TEXT NOT NULL CHECK (party IN ('first-party', 'third-party'))
);
CREATE INDEX storage_phase ON storage (phase_id);

-- Conclusions, kept apart from the observations they rest on: \`cookiewatch reclassify\` replaces them
-- with the current rules without visiting the sites again. Each points at its exact observation.
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  site_scan_id INTEGER NOT NULL REFERENCES site_scans (id) ON DELETE CASCADE,
  phase_id INTEGER NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  tracker_id TEXT NOT NULL,
  tracker_name TEXT NOT NULL,
  organisation TEXT NOT NULL,
  country TEXT NOT NULL,
  category TEXT NOT NULL,
  seriousness INTEGER NOT NULL CHECK (seriousness BETWEEN 0 AND 3),
  source TEXT NOT NULL CHECK (source IN ('rules', 'trackerdb')),
  rule TEXT NOT NULL,
  evidence_kind TEXT NOT NULL CHECK (evidence_kind IN ('request', 'cookie', 'storage')),
  request_row_id INTEGER REFERENCES requests (id) ON DELETE CASCADE,
  cookie_row_id INTEGER REFERENCES cookies (id) ON DELETE CASCADE,
  storage_row_id INTEGER REFERENCES storage (id) ON DELETE CASCADE,
  page_index INTEGER NOT NULL,
  party TEXT NOT NULL CHECK (party IN ('first-party', 'third-party')),
  account_ids_json TEXT NOT NULL,
  details_json TEXT NOT NULL,
  rules_version TEXT NOT NULL,
  UNIQUE (site_scan_id, seq)
);
CREATE INDEX findings_phase ON findings (phase_id);
CREATE INDEX findings_tracker ON findings (tracker_id);

CREATE TABLE verdicts (
  id INTEGER PRIMARY KEY,
  site_scan_id INTEGER NOT NULL REFERENCES site_scans (id) ON DELETE CASCADE,
  verdict TEXT NOT NULL,
  explanation TEXT NOT NULL,
  trackers_json TEXT NOT NULL,
  -- seq values of the findings that carry the verdict
  finding_seqs_json TEXT NOT NULL,
  rules_version TEXT NOT NULL
);
CREATE INDEX verdicts_site_scan ON verdicts (site_scan_id);
`;

// Batch runs (issue 5): the planned site list of a run, so `--resume` knows what is left without the
// list file; which process owns a running run, so a resume never races a live scan; retry attempts.
const migration2 = `
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN hostname TEXT;
ALTER TABLE runs ADD COLUMN list_source TEXT;
ALTER TABLE runs ADD COLUMN resumed_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE run_sites (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL REFERENCES sites (id),
  position INTEGER NOT NULL,
  PRIMARY KEY (run_id, site_id)
) WITHOUT ROWID;

ALTER TABLE site_scans ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
`;

// Privacy statements (issue 7): the statements found from each site scan's start page with their
// visible text (observations), and per tracker whether they name it (conclusions, replaced by
// reclassify). statements_searched tells "no statement found" (1, no rows) from "not searched" (0).
const migration3 = `
ALTER TABLE site_scans ADD COLUMN statements_searched INTEGER NOT NULL DEFAULT 0 CHECK (statements_searched IN (0, 1));

CREATE TABLE statements (
  id INTEGER PRIMARY KEY,
  site_scan_id INTEGER NOT NULL REFERENCES site_scans (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  url TEXT NOT NULL,
  final_url TEXT,
  link_text TEXT NOT NULL,
  found_on TEXT NOT NULL CHECK (found_on IN ('page', 'statement')),
  status INTEGER,
  error TEXT,
  text TEXT,
  text_sha256 TEXT,
  UNIQUE (site_scan_id, seq)
);

CREATE TABLE disclosures (
  id INTEGER PRIMARY KEY,
  site_scan_id INTEGER NOT NULL REFERENCES site_scans (id) ON DELETE CASCADE,
  tracker_id TEXT NOT NULL,
  tracker_name TEXT NOT NULL,
  organisation TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('named', 'organisation-named', 'denied', 'not-named', 'no-statement', 'unreadable')),
  term TEXT,
  statement_url TEXT,
  snippet TEXT,
  rules_version TEXT NOT NULL
);
CREATE INDEX disclosures_site_scan ON disclosures (site_scan_id);
`;

// What a page did besides loading (issue 8): dialogs, pop-ups, downloads, a crash, a frozen page, a flood
// of requests cut short. Recorded, shown in the report, never judged.
const migration4 = `
CREATE TABLE page_events (
  id INTEGER PRIMARY KEY,
  phase_id INTEGER NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
  page_index INTEGER NOT NULL,
  time_ms REAL NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('dialog', 'popup', 'download', 'crash', 'unresponsive', 'overflow')),
  detail TEXT NOT NULL
);
CREATE INDEX page_events_phase ON page_events (phase_id);
`;

export const migrations: readonly string[] = [migration1, migration2, migration3, migration4];
