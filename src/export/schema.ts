import { z } from 'zod';
import type { Classification, DisclosureStatus, TrackerCategory, VerdictId } from '../classify/types.js';
import { FAILURE_CLASSES } from '../scan/failures.js';

// The JSON export of a run: one entry per site with its verdicts, grade and trackers per phase.
// This zod schema is the contract: every export is validated against it before it is written, and
// schema/export.schema.json is generated from it (`npm run build && npm run export-schema`).

/**
 * Bumped when a field is removed or changes meaning; new optional fields keep the version. Sites'
 * `statements` and `disclosures` (issue 7) were added as optional fields without changing any other,
 * so version 1 stands: a reader of version 1 that does not know them loses nothing it had. The
 * failure class `page-crash` (issue 8) is a new value; no existing value changed meaning.
 */
export const EXPORT_SCHEMA_VERSION = 1;

const VERDICT_IDS = [
  'tracking_before_consent',
  'analytics_before_consent',
  'tracking_after_reject',
  'tracking_without_banner',
  'no_reject_on_first_layer',
  'consent_signal_ignored',
  'undisclosed_third_parties',
  'inconclusive',
] as const satisfies readonly VerdictId[];

const CATEGORIES = [
  'advertising', 'social', 'analytics', 'session-recording', 'tag-manager', 'consent', 'functional', 'embed',
  'fonts', 'maps', 'other',
] as const satisfies readonly TrackerCategory[];

const GRADES = ['A', 'B', 'C', 'D', 'E', 'F', '?'] as const satisfies ReadonlyArray<Classification['grade']>;

const DISCLOSURE_STATUSES = [
  'named', 'organisation-named', 'denied', 'not-named', 'no-statement', 'unreadable',
] as const satisfies readonly DisclosureStatus[];

// Compile-time guards: a verdict, category, grade or disclosure status added in src/classify must be added here too.
type Missing<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
const complete: [
  Missing<VerdictId, (typeof VERDICT_IDS)[number]>,
  Missing<TrackerCategory, (typeof CATEGORIES)[number]>,
  Missing<Classification['grade'], (typeof GRADES)[number]>,
  Missing<DisclosureStatus, (typeof DISCLOSURE_STATUSES)[number]>,
] = [true, true, true, true];
void complete;

const timestamp = (what: string) => z.iso.datetime({ offset: true }).describe(`${what}: ISO 8601, e.g. 2026-11-27T01:00:00.000Z`);

export const ExportTrackerSchema = z
  .strictObject({
    id: z.string().min(1).describe('Stable tracker id from cookiewatch\'s rules (e.g. "google-analytics") or from trackerdb'),
    name: z.string().describe('Human-readable tracker name, e.g. "Google Analytics"'),
    organisation: z.string().describe('Organisation behind the tracker'),
    country: z.string().describe('Country of the organisation\'s seat, ISO 3166-1 alpha-2 (e.g. US, NL, IE) when known'),
    category: z.enum(CATEGORIES).describe('What the tracker does'),
    seriousness: z
      .number()
      .int()
      .min(0)
      .max(3)
      .describe(
        '0 harmless or functional; 1 first-party self-hosted analytics; 2 third-party analytics, session recording, ' +
          'tag managers, fonts, maps, privacy-enhanced embeds; 3 advertising, social media, tracking embeds',
      ),
    source: z
      .enum(['rules', 'trackerdb'])
      .describe('Where the identification came from: cookiewatch\'s own rules, or Ghostery\'s trackerdb (CC BY-NC-SA 4.0; never carries a verdict)'),
  })
  .describe('A tracker seen in a phase, once however many requests, cookies or storage entries it made');

export const ExportStatementSchema = z
  .strictObject({
    url: z.string().min(1).describe('Address of the statement as the link gave it'),
    linkText: z.string().describe('Text (or label) of the link that led to it, as the visitor saw it; may be empty'),
    foundOn: z
      .enum(['page', 'statement'])
      .describe('page: linked from the start page (its consent banner included); statement: linked from another statement found'),
    status: z.number().int().optional().describe('HTTP status the statement page answered with, when it answered'),
    error: z
      .string()
      .optional()
      .describe('Why it could not be read, e.g. "HTTP 500", "not a web page (application/pdf)", "no text on the page", or the browser\'s error'),
    readable: z.boolean().describe('Its text was read; only statements read count in disclosures'),
  })
  .describe('A privacy or cookie statement found through the links of the start page');

export const ExportDisclosureSchema = z
  .strictObject({
    trackerId: z.string().min(1).describe('Tracker id from cookiewatch\'s rules, as in trackers'),
    trackerName: z.string().describe('Human-readable tracker name, e.g. "Google Analytics"'),
    organisation: z.string().describe('Organisation behind the tracker'),
    status: z
      .enum(DISCLOSURE_STATUSES)
      .describe(
        'named: a statement read names the tracker itself; organisation-named: it names only the organisation or a name ' +
          'several trackers share (e.g. "Google"); denied: it mentions the tracker only to say the site does not use it; ' +
          'not-named: no statement read names it. no-statement: no statement was found from the start page, and ' +
          'unreadable: statements were found but none could be read; in both cases nothing was checked, so neither says ' +
            'whether the tracker is named',
      ),
    term: z.string().optional().describe('The name that matched (e.g. "Google Analytics", or only "Google"); absent for not-named, no-statement and unreadable'),
    statementUrl: z.string().optional().describe('The statement the term was found in (its address after redirects)'),
    snippet: z.string().optional().describe('The sentence around the term, or about 160 characters of it, as the statement has it'),
  })
  .describe('Whether the site\'s statements name one tracker found on it');

const trackerList = (phase: string) => z.array(ExportTrackerSchema).describe(`Trackers seen ${phase}, sorted by name`);

export const ExportSiteSchema = z
  .strictObject({
    url: z.string().min(1).describe('Start URL of the site as listed'),
    finalUrl: z.string().min(1).optional().describe('Start URL after redirects, when the site was reached'),
    name: z.string().optional().describe('Name of the site from the list (e.g. the municipality)'),
    code: z.string().optional().describe('Code of the site from the list (e.g. the CBS municipality code GM0363)'),
    group: z.string().optional().describe('Group of the site from the list (e.g. the province)'),
    status: z
      .enum(['ok', 'failed', 'interrupted'])
      .describe('ok: scanned; failed: could not be scanned (see failureClass); interrupted: the scan was stopped before it finished'),
    failureClass: z.enum(FAILURE_CLASSES).optional().describe('Why the scan failed, when it did'),
    failureMessage: z.string().optional().describe('The error behind a failed scan, as the browser reported it'),
    grade: z
      .enum(GRADES)
      .nullable()
      .describe(
        'F tracking after reject; E tracking before consent; D consent signal ignored; C third-party analytics before ' +
          'consent; B no reject option on the first layer, or other third parties before consent; A none of these; ' +
          '? inconclusive (the scan failed). null when the scan has not been classified',
      ),
    rulesVersion: z.string().optional().describe('Version of the tracker rules that made this site\'s verdicts and grade'),
    verdicts: z
      .array(
        z.strictObject({
          id: z.enum(VERDICT_IDS).describe('The verdict'),
          explanation: z.string().describe('Plain explanation naming the trackers and the phase'),
          trackers: z.array(z.string()).describe('Names of the trackers the verdict rests on'),
        }),
      )
      .describe('Site-level conclusions, each with the trackers behind it'),
    trackers: z
      .strictObject({
        pre: trackerList('before any consent choice (nothing clicked)'),
        accept: trackerList('after accepting all'),
        reject: trackerList('after rejecting all'),
      })
      .describe('Trackers per phase; a phase that was not run has an empty list'),
    banner: z
      .strictObject({
        found: z.boolean().describe('A consent banner was seen in any phase (false too when the scan failed: see status)'),
        cmp: z.string().optional().describe('Consent platform that showed it (an autoconsent rule name, or "heuristic")'),
        rejectOnFirstLayer: z
          .boolean()
          .optional()
          .describe('The banner\'s first layer had a reject option (from the reject phase); absent when unknown'),
      })
      .describe('The consent banner'),
    accountIds: z
      .array(
        z.strictObject({
          kind: z.string().describe('e.g. ga-measurement-id, gtm-container, facebook-pixel, hotjar-site'),
          value: z.string().describe('The id as the site sent it'),
        }),
      )
      .describe('Account ids seen in any phase (GTM container, GA property, pixel id …), distinct, sorted'),
    statements: z
      .array(ExportStatementSchema)
      .optional()
      .describe(
        'The privacy and cookie statements found through the start page\'s links (at most 3), in the order tried; an empty ' +
          'list when none was found. Absent when the scan did not look for them (scans before cookiewatch looked, or a failed scan)',
      ),
    disclosures: z
      .array(ExportDisclosureSchema)
      .optional()
      .describe(
        'Per tracker found by cookiewatch\'s rules with seriousness 2 or more, whether the statements name it. Absent when ' +
          'this was not judged (statements not looked for, or the scan not classified)',
      ),
    attempts: z.number().int().min(0).describe('How many times the site was tried (transient failures are retried)'),
  })
  .describe('One site of the run');

export const ExportDocumentSchema = z
  .strictObject({
    schemaVersion: z.literal(EXPORT_SCHEMA_VERSION).describe('Version of this format'),
    tool: z
      .strictObject({
        name: z.literal('cookiewatch').describe('The exporting tool'),
        version: z.string().describe('Version of the exporting tool'),
      })
      .describe('The tool that wrote this export'),
    run: z
      .strictObject({
        id: z.number().int().positive().describe('Run id in the database'),
        startedAt: timestamp('When the run started'),
        endedAt: timestamp('When the run ended, absent while it runs').optional(),
        status: z
          .enum(['running', 'complete', 'incomplete'])
          .describe('complete: every planned site was scanned; incomplete: stopped early (resumable); running: still scanning'),
        toolVersion: z.string().describe('Version of cookiewatch that scanned the run'),
        browserVersion: z.string().describe('Browser that scanned the run'),
        rulesVersion: z
          .string()
          .optional()
          .describe('Version of the tracker rules behind the verdicts, when every classified site shares one'),
      })
      .describe('The scan run exported'),
    exportedAt: timestamp('When this export was made'),
    sites: z.array(ExportSiteSchema).describe('One entry per site scanned in the run, in list order'),
  })
  .meta({
    title: 'cookiewatch export',
    description:
      'One scan run of cookiewatch: per site its verdicts, grade and trackers before any consent choice (pre), ' +
      'after accepting all (accept) and after rejecting all (reject).',
  });

export type ExportDocument = z.output<typeof ExportDocumentSchema>;
export type ExportSite = z.output<typeof ExportSiteSchema>;
export type ExportTracker = z.output<typeof ExportTrackerSchema>;
export type ExportStatement = z.output<typeof ExportStatementSchema>;
export type ExportDisclosure = z.output<typeof ExportDisclosureSchema>;

/** The JSON Schema (draft 2020-12) of the export document, as committed in schema/export.schema.json. */
export function exportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ExportDocumentSchema) as Record<string, unknown>;
}

/** The text of schema/export.schema.json. */
export function exportJsonSchemaText(): string {
  return `${JSON.stringify(exportJsonSchema(), null, 2)}\n`;
}
