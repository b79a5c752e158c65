import { isReportedTracker, type RunRow, type SiteResult } from '../store/index.js';

// The CSV export: one row per site, made to open cleanly in a spreadsheet. UTF-8 with a byte order mark
// (so Excel reads it as UTF-8), CRLF line ends, comma-separated, RFC 4180 quoting, and no cell a
// spreadsheet would run as a formula (OWASP's CSV injection advice): site names, URLs, tracker names and
// account ids come from lists and websites, and `=HYPERLINK(…)` in one of them must show as text.

export const CSV_COLUMNS = [
  'code', 'name', 'group', 'url', 'status', 'failure_class', 'grade', 'verdicts', 'trackers_pre', 'trackers_accept',
  'trackers_reject', 'banner_found', 'reject_on_first_layer', 'account_ids', 'run_id', 'run_status',
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
  ];
}

/** The CSV export of a run's sites: header, then one row per site in list order. */
export function exportCsv(run: RunRow, sites: SiteResult[]): string {
  const lines = [CSV_COLUMNS.join(','), ...sites.map((s) => rowOf(run, s).map(csvCell).join(','))];
  return BOM + lines.map((l) => l + EOL).join('');
}
