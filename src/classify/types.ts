// Conclusions drawn from observations: findings (an observation matched to a tracker, with the rule
// that matched) and verdicts (site-level conclusions with their evidence). Pure data, no browser, no SQL.
import type { Party, PhaseName } from '../observe/types.js';

export type TrackerCategory =
  | 'advertising'
  | 'social'
  | 'analytics'
  | 'session-recording'
  | 'tag-manager'
  | 'consent'
  | 'functional'
  | 'embed'
  | 'fonts'
  | 'maps'
  | 'other';

/**
 * Place on DOMAIN.md's scale of seriousness (before consent):
 * 0 = harmless or functional (consent tools, read-aloud), 1 = first-party self-hosted analytics (fine),
 * 2 = third-party analytics or embeds that hand visitors' data to a third party (questionable),
 * 3 = advertising or social-media tracking (a violation before consent).
 */
export type Seriousness = 0 | 1 | 2 | 3;

export interface Organisation {
  name: string;
  /** ISO 3166-1 alpha-2 country of the organisation's seat, e.g. US, NL, IE. */
  country: string;
}

/** Which rule source produced a finding. Verdicts of violation rest on `rules` only. */
export type FindingSource = 'rules' | 'trackerdb';

/** Points at the exact observation behind a finding: an index into the phase's arrays. */
export type Evidence =
  | { kind: 'request'; index: number }
  | { kind: 'cookie'; index: number }
  | { kind: 'storage'; index: number };

export interface AccountId {
  /** e.g. ga-measurement-id, ua-property, gtm-container, facebook-pixel, hotjar-site, linkedin-partner. */
  kind: string;
  value: string;
}

export interface Finding {
  phase: PhaseName;
  trackerId: string;
  trackerName: string;
  organisation: Organisation;
  category: TrackerCategory;
  seriousness: Seriousness;
  source: FindingSource;
  /** Identifies the matcher that fired, e.g. `facebook-pixel:request:www.facebook.com/tr`. */
  rule: string;
  evidence: Evidence;
  pageIndex: number;
  /** Party of the observation itself (a first-party `_ga` is still Google's). */
  party: Party;
  accountIds: AccountId[];
  /** What the hit itself reveals, parsed from its parameters: pixel events, advanced matching, gcs, aip … */
  details: Record<string, string | number | boolean | string[]>;
}

export type VerdictId =
  | 'tracking_before_consent'
  | 'analytics_before_consent'
  | 'tracking_after_reject'
  | 'tracking_without_banner'
  | 'no_reject_on_first_layer'
  | 'consent_signal_ignored'
  | 'undisclosed_third_parties'
  | 'inconclusive';

export interface Verdict {
  id: VerdictId;
  /** Plain explanation a web administrator understands, naming the trackers and the phase. */
  explanation: string;
  /** The findings (indexes into the site scan's findings) that carry the verdict. */
  findings: number[];
  trackers: string[];
}

/**
 * Whether the site's privacy or cookie statements name a tracker found on it: `named` (the tracker
 * itself), `organisation-named` (only "Google", "Facebook"), `denied` (mentioned only to deny using
 * it), `not-named`; `no-statement` when the scan found no statement, `unreadable` when it found some
 * but could read none. Only the first four rest on a statement that was read.
 */
export type DisclosureStatus = 'named' | 'organisation-named' | 'denied' | 'not-named' | 'no-statement' | 'unreadable';

export interface TrackerDisclosure {
  trackerId: string;
  trackerName: string;
  organisation: string;
  status: DisclosureStatus;
  /** The term that matched, the statement it was in and the sentence around it. */
  evidence?: { term: string; statementUrl: string; snippet: string };
}

export interface Classification {
  /** Hash of the rule files plus the trackerdb version: which rules made these conclusions. */
  rulesVersion: string;
  findings: Finding[];
  verdicts: Verdict[];
  /** Per tracker found, whether the statements name it; absent when the scan did not look for statements. */
  disclosures?: TrackerDisclosure[];
  grade: 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | '?';
}
