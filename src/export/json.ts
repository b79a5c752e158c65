import type { RunRow, SiteResult } from '../store/index.js';
import { safeJson } from '../util/escape-controls.js';
import { toolVersion } from '../util/package-info.js';
import { EXPORT_SCHEMA_VERSION, ExportDocumentSchema, type ExportDocument } from './schema.js';

export interface ExportTool {
  name: 'cookiewatch';
  version: string;
}

/** An export that does not match its own schema: a bug in cookiewatch, never written out. */
export class ExportValidationError extends Error {}

/**
 * The JSON export document of a run, validated against ExportDocumentSchema: a document that does not
 * match throws ExportValidationError instead of being returned.
 */
export function exportDocument(
  run: RunRow,
  sites: SiteResult[],
  exportedAt: string,
  tool: ExportTool = { name: 'cookiewatch', version: toolVersion() },
): ExportDocument {
  const rulesVersions = new Set(sites.flatMap((s) => (s.rulesVersion === undefined ? [] : [s.rulesVersion])));
  const doc = {
    schemaVersion: EXPORT_SCHEMA_VERSION,
    tool,
    run: {
      id: run.id,
      startedAt: run.startedAt,
      ...(run.endedAt !== undefined ? { endedAt: run.endedAt } : {}),
      status: run.status,
      toolVersion: run.toolVersion,
      browserVersion: run.browserVersion,
      ...(rulesVersions.size === 1 ? { rulesVersion: [...rulesVersions][0] } : {}),
    },
    exportedAt,
    sites: sites.map(siteOf),
  };
  const parsed = ExportDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(document)';
    throw new ExportValidationError(
      `the export of run ${run.id} does not match its schema at ${where}: ${issue?.message ?? 'invalid'} (a cookiewatch bug; nothing was written)`,
    );
  }
  return parsed.data;
}

/** The JSON export as text: the validated document, indented, with a final newline. */
export function exportJson(run: RunRow, sites: SiteResult[], exportedAt: string, tool?: ExportTool): string {
  // Site text (link texts, snippets, button labels) may carry C1 or bidi controls: escaped, same JSON.
  return `${safeJson(exportDocument(run, sites, exportedAt, tool))}\n`;
}

function siteOf(s: SiteResult) {
  return {
    url: s.url,
    ...(s.finalUrl !== undefined ? { finalUrl: s.finalUrl } : {}),
    ...(s.name !== undefined ? { name: s.name } : {}),
    ...(s.code !== undefined ? { code: s.code } : {}),
    ...(s.group !== undefined ? { group: s.group } : {}),
    status: s.status,
    ...(s.failureClass !== undefined ? { failureClass: s.failureClass } : {}),
    ...(s.failureMessage !== undefined ? { failureMessage: s.failureMessage } : {}),
    grade: s.grade ?? null,
    ...(s.rulesVersion !== undefined ? { rulesVersion: s.rulesVersion } : {}),
    verdicts: s.verdicts.map((v) => ({ id: v.id, explanation: v.explanation, trackers: v.trackers })),
    trackers: { pre: s.trackers.pre, accept: s.trackers.accept, reject: s.trackers.reject },
    banner: {
      found: s.banner.found,
      ...(s.banner.cmp !== undefined ? { cmp: s.banner.cmp } : {}),
      ...(s.banner.rejectOnFirstLayer !== undefined ? { rejectOnFirstLayer: s.banner.rejectOnFirstLayer } : {}),
    },
    accountIds: s.accountIds,
    // Copied field by field: the export's schema is strict, and absent stays absent (no nulls).
    ...(s.statements !== undefined
      ? {
          statements: s.statements.map((st) => ({
            url: st.url,
            linkText: st.linkText,
            foundOn: st.foundOn,
            ...(st.status !== undefined ? { status: st.status } : {}),
            ...(st.error !== undefined ? { error: st.error } : {}),
            readable: st.readable,
          })),
        }
      : {}),
    ...(s.disclosures !== undefined
      ? {
          disclosures: s.disclosures.map((d) => ({
            trackerId: d.trackerId,
            trackerName: d.trackerName,
            organisation: d.organisation,
            status: d.status,
            ...(d.term !== undefined ? { term: d.term } : {}),
            ...(d.statementUrl !== undefined ? { statementUrl: d.statementUrl } : {}),
            ...(d.snippet !== undefined ? { snippet: d.snippet } : {}),
          })),
        }
      : {}),
    attempts: s.attempts,
  };
}
