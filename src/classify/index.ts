import type { SiteScanResult } from '../observe/types.js';
import { findingsOfPhase } from './match.js';
import type { TrackerRules } from './rules.js';
import { findingFromTrackerDb, type TrackerDb } from './trackerdb.js';
import type { Classification, Finding } from './types.js';
import { gradeOf, VERDICT_LOGIC_VERSION, verdictsOf } from './verdicts.js';

export interface ClassifyOptions {
  rules: TrackerRules;
  /** Enrichment for third-party requests our rules do not match; absent with --no-trackerdb. */
  trackerDb?: TrackerDb;
}

/**
 * Which rules made a conclusion: our rule files' hash, the verdict logic's version, and the trackerdb
 * release when it was used.
 */
export function rulesVersionOf(opts: ClassifyOptions): string {
  const own = `${opts.rules.version}+verdicts-${VERDICT_LOGIC_VERSION}`;
  return opts.trackerDb ? `${own}+trackerdb-${opts.trackerDb.version}` : own;
}

/** Findings, verdicts and grade of one site scan: a pure function of what was observed and the rules. */
export function classifySiteScan(scan: SiteScanResult, opts: ClassifyOptions): Classification {
  const findings: Finding[] = [];
  const siteUrl = scan.finalUrl ?? scan.site.url;
  for (const phase of scan.phases) {
    const own = findingsOfPhase(phase, opts.rules, scan.siteDomain);
    findings.push(...own);
    if (!opts.trackerDb) continue;
    const matched = new Set(own.filter((f) => f.evidence.kind === 'request').map((f) => f.evidence.index));
    phase.requests.forEach((req, index) => {
      if (req.party !== 'third-party' || matched.has(index)) return;
      const hit = opts.trackerDb!.lookup(req.url, { siteUrl, resourceType: req.resourceType });
      if (hit) findings.push(findingFromTrackerDb(req, index, phase.phase, hit));
    });
  }
  const verdicts = verdictsOf(scan, findings);
  return { rulesVersion: rulesVersionOf(opts), findings, verdicts, grade: gradeOf(verdicts, findings) };
}
