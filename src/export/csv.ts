import { isReportedTracker, type RunRow, type SiteResult } from '../store/index.js';

// The CSV export: one row per site, made to open cleanly in a spreadsheet. UTF-8 with a byte order mark
// (so Excel reads it as UTF-8), CRLF line ends, comma-separated, RFC 4180 quoting, and no cell a
// spreadsheet would run as a formula (OWASP's CSV injection advice): site names, URLs, tracker names and
// account ids come from lists and websites, and `=HYPERLINK(…)` in one of them must show as text.
//
// Columns, in this order (new columns are added at the end, after run_status, so a spreadsheet built on
// an older export keeps working):
//   code, name, group, url        the site as listed
//   status, failure_class         ok / failed / interrupted, and why a scan failed
//   grade, verdicts               the grade and the verdict ids, `; `-joined
//   trackers_pre, trackers_accept, trackers_reject
//                                 trackers our rules found per phase (seriousness above 0), `; `-joined
//   banner_found, reject_on_first_layer
//                                 yes / no; empty when unknown (a failed scan saw no page)
//   account_ids                   kind:value, `; `-joined
//   run_id, run_status            the run exported
//   statement                     the site's privacy or cookie statements: `read` (at least one was read),
//                                 `unreadable` (found, none could be read), `none found` (no link from the
//                                 start page was recognised as one); empty when the scan did not look for
//                                 them (older scans) or did not complete
//   statement_urls                every statement found, read or not, in the order tried, `; `-joined
//   not_named, denied, organisation_only
//                                 trackers (our rules, seriousness 2 or more) that the statements read do
//                                 not name, mention only to deny using them, or name only by their
//                                 organisation ("Google"); `; `-joined. Empty unless `statement` is `read`:
//                                 an empty cell there never means "named"

export const CSV_COLUMNS = [
  'code', 'name', 'group', 'url', 'status', 'failure_class', 'grade', 'verdicts', 'trackers_pre', 'trackers_accept',
  'trackers_reject', 'banner_found', 'reject_on_first_layer', 'account_ids', 'run_id', 'run_status',
  'statement', 'statement_urls', 'not_named', 'denied', 'organisation_only',
] as const;

const BOM = '\uFEFF';
const EOL = '\r\n';
/** Joins several values in one cell. */
const LIST = '; ';

/**
 * Characters that make a spreadsheet read a cell as a formula: =, +, -, @, tab and CR (OWASP), and their
 * full-width forms, which some spreadsheets treat alike.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A cell as text a spreadsheet shows literally: a leading apostrophe before anything that starts a formula. */
export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * RFC 4180: a field with a comma, double quote, CR or LF is quoted, double quotes doubled. Semicolons and
 * tabs are quoted too, so a cell survives an import that is told to split on them as well.
 */
export function quote(value: string): string {
  return /[",;\r\n\t]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One cell: neutralised, then quoted. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  return quote(neutralise(String(value)));
}

const yesNo = (b: boolean | undefined) => (b === undefined ? undefined : b ? 'yes' : 'no');

/** The `statement` cell: undefined when the scan did not look (or did not complete), so nothing is claimed. */
function statementState(s: SiteResult): 'read' | 'unreadable' | 'none found' | undefined {
  if (s.status !== 'ok' || s.statements === undefined) return undefined;
  if (s.statements.length === 0) return 'none found';
  return s.statements.some((st) => st.readable) ? 'read' : 'unreadable';
}

/** Names of the trackers with this disclosure status, distinct, sorted like the tracker columns. */
function trackersWith(s: SiteResult, status: 'not-named' | 'denied' | 'organisation-named'): string {
  const names = new Set((s.disclosures ?? []).filter((d) => d.status === status).map((d) => d.trackerName));
  return [...names].sort((a, b) => a.localeCompare(b)).join(LIST);
}

function rowOf(run: RunRow, s: SiteResult): Array<string | number | undefined> {
  const scanned = s.status === 'ok';
  return [
    s.code,
    s.name,
    s.group,
    s.url,
    s.status,
    s.failureClass,
    s.grade,
    s.verdicts.map((v) => v.id).join(LIST),
    // Only what our rules call a tracker: a consent tool or a name from trackerdb is no accusation, and a
    // reader counting non-empty cells ("N sites track before consent") must not count them.
    ...(['pre', 'accept', 'reject'] as const).map((p) => s.trackers[p].filter(isReportedTracker).map((t) => t.name).join(LIST)),
    // A scan that failed never saw the page: "no banner" would be a claim it cannot make.
    scanned ? yesNo(s.banner.found) : undefined,
    yesNo(s.banner.rejectOnFirstLayer),
    s.accountIds.map((a) => `${a.kind}:${a.value}`).join(LIST),
    run.id,
    run.status,
    statementState(s),
    s.status === 'ok' ? (s.statements ?? []).map((st) => st.url).join(LIST) : undefined,
    // Disclosures of a scan without a statement read are no-statement or unreadable: none lands here.
    ...(['not-named', 'denied', 'organisation-named'] as const).map((status) => (statementState(s) === 'read' ? trackersWith(s, status) : undefined)),
  ];
}

/** The CSV export of a run's sites: header, then one row per site in list order. */
export function exportCsv(run: RunRow, sites: SiteResult[]): string {
  const lines = [CSV_COLUMNS.join(','), ...sites.map((s) => rowOf(run, s).map(csvCell).join(','))];
  return BOM + lines.map((l) => l + EOL).join('');
}
