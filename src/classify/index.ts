import type { SiteScanResult } from '../observe/types.js';
import { findingsOfPhase, isPopupRequest } from './match.js';
import type { TrackerRules } from './rules.js';
import { findingFromTrackerDb, type TrackerDb } from './trackerdb.js';
import { disclosuresOf } from './disclosure.js';
import type { Classification, Finding, TrackerDisclosure, Verdict } from './types.js';
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
      if (req.party !== 'third-party' || matched.has(index) || isPopupRequest(req)) return;
      const hit = opts.trackerDb!.lookup(req.url, { siteUrl, resourceType: req.resourceType });
      if (hit) findings.push(findingFromTrackerDb(req, index, phase.phase, hit));
    });
  }
  const verdicts = verdictsOf(scan, findings);
  const disclosures = scan.status === 'ok' ? disclosuresOfScan(scan, findings, opts) : undefined;
  // Only statements read whole can be silent about a tracker, or deny it against what we found.
  const undisclosedVerdict = disclosures && statementsComplete(scan) ? undisclosedThirdParties(disclosures, findings) : undefined;
  if (undisclosedVerdict) verdicts.push(undisclosedVerdict);
  const c: Classification = { rulesVersion: rulesVersionOf(opts), findings, verdicts, grade: gradeOf(verdicts, findings) };
  if (disclosures) c.disclosures = disclosures;
  return c;
}

/**
 * The statements' verdict on each tracker found. No statement found, or none readable, is recorded as
 * such for every tracker: never as disclosed, and never as a statement that was read and is silent.
 */
function disclosuresOfScan(scan: SiteScanResult, findings: Finding[], opts: ClassifyOptions): TrackerDisclosure[] | undefined {
  if (!scan.statements) return undefined;
  const readable = scan.statements.flatMap((s) => (s.text ? [{ url: s.finalUrl ?? s.url, text: s.text }] : []));
  const judged = disclosuresOf(findings, opts.rules, readable);
  if (!readable.length) {
    const status = scan.statements.length ? 'unreadable' : 'no-statement';
    return judged.map(({ evidence: _none, ...d }) => ({ ...d, status }));
  }
  // A statement not read whole (unreadable, left unread, cut short) may name what the others do not:
  // "not named" then stands for "not found in what could be read", which accuses nobody.
  if (!statementsComplete(scan)) return judged.map((d) => (d.status === 'not-named' ? { ...d, status: 'unreadable' } : d));
  return judged;
}

/** Every statement found was read whole. */
function statementsComplete(scan: SiteScanResult): boolean {
  return (scan.statements ?? []).every((s) => s.text !== undefined && s.error === undefined);
}

/**
 * Third parties found on the site that its statement, once read, does not name or even denies. Only a
 * statement that was read can be silent: "no statement found" and "unreadable" accuse nobody here.
 */
function undisclosedThirdParties(disclosures: TrackerDisclosure[], findings: Finding[]): Verdict | undefined {
  const silent = disclosures.filter((d) => d.status === 'not-named' || d.status === 'denied');
  if (!silent.length) return undefined;
  const notNamed = silent.filter((d) => d.status === 'not-named');
  const denied = silent.filter((d) => d.status === 'denied');
  const who = (ds: typeof silent) => ds.map((d) => `${d.trackerName} (${d.organisation})`).join(', ');
  const parts = [
    notNamed.length ? `The privacy statement does not name ${who(notNamed)}, though the site uses ${notNamed.length === 1 ? 'it' : 'them'}.` : '',
    denied.length
      ? `${notNamed.length ? 'It' : 'The privacy statement'} says the site does not use ${who(denied)}, yet ${denied.length === 1 ? 'it was' : 'they were'} found.`
      : '',
  ];
  const ids = new Set(silent.map((d) => d.trackerId));
  const cited: number[] = [];
  const firstOf = new Set<string>();
  findings.forEach((f, i) => {
    if (f.source !== 'rules' || !ids.has(f.trackerId) || firstOf.has(`${f.trackerId}\u0000${f.phase}`)) return;
    firstOf.add(`${f.trackerId}\u0000${f.phase}`);
    cited.push(i);
  });
  return {
    id: 'undisclosed_third_parties',
    explanation: parts.filter(Boolean).join(' '),
    findings: cited,
    trackers: [...new Set(silent.map((d) => d.trackerName))].sort(),
  };
}
