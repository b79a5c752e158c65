import type { PhaseObservations, SiteScanResult } from '../observe/types.js';
import type { Classification, Finding, Verdict, VerdictId } from './types.js';

// Site-level conclusions. Each one accuses a real organisation, so each rests only on our own rules
// (never on trackerdb enrichment), names its trackers and points at the findings behind it.

const TRACKING_CATEGORIES = new Set(['advertising', 'social', 'analytics', 'session-recording', 'embed']);

/** Advertising, social media, ad features, tracking embeds: a violation before consent. */
const isTracking = (f: Finding) => f.source === 'rules' && f.seriousness >= 3;
/** Third-party analytics and session recording: questionable before consent, depends on set-up. */
const isAnalytics = (f: Finding) =>
  f.source === 'rules' && f.seriousness === 2 && (f.category === 'analytics' || f.category === 'session-recording');
/** Anything that hands visitors' data to a third party for tracking-like purposes. */
const isTrackingOrAnalytics = (f: Finding) => f.source === 'rules' && f.seriousness >= 2 && TRACKING_CATEGORIES.has(f.category);

/**
 * Whether an observation behind a finding happened after the consent click of its phase. The click is
 * made on the start page; everything on later pages (the reload, subpages) comes after it, and so does
 * a cookie whose latest write was made on a later page. Observations on the start page itself are not
 * counted: they may predate the click.
 */
function afterClick(f: Finding, phase: PhaseObservations): boolean {
  if (f.evidence.kind === 'cookie') {
    const cookie = phase.cookies[f.evidence.index];
    if (!cookie) return false;
    const writes = phase.cookieEvents.filter((e) => !e.deletes && e.name === cookie.name && e.domain === cookie.domain);
    return writes.some((e) => e.pageIndex >= 1);
  }
  return f.pageIndex >= 1;
}

function names(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.trackerName))].sort();
}

function describe(findings: Finding[]): string {
  const byTracker = new Map<string, Finding>();
  for (const f of findings) if (!byTracker.has(f.trackerId)) byTracker.set(f.trackerId, f);
  return [...byTracker.values()]
    .map((f) => `${f.trackerName} of ${f.organisation.name}${f.organisation.country ? ` (${f.organisation.country})` : ''}`)
    .sort()
    .join(', ');
}

function verdict(id: VerdictId, explanation: string, all: Finding[], chosen: Finding[]): Verdict {
  return { id, explanation, findings: chosen.map((f) => all.indexOf(f)), trackers: names(chosen) };
}

/** Google Consent Mode `gcs`: G1<ad_storage><analytics_storage>, 1 = granted, 0 = denied. */
function deniedStorage(gcs: unknown): { ad: boolean; analytics: boolean } | undefined {
  if (typeof gcs !== 'string' || !/^G1[01-]{2}$/.test(gcs)) return undefined;
  return { ad: gcs[2] === '0', analytics: gcs[3] === '0' };
}

/**
 * Version of the verdict logic (here and the disclosure judge), part of every rules version: when it
 * changes, scans judged before read as judged by other rules, in diffs too, until `cookiewatch
 * reclassify` re-judges them. v2: tracking after reject needs a refusal that took; v3: privacy
 * statements and undisclosed_third_parties; v4: requests of pop-up windows are recorded, never judged.
 */
export const VERDICT_LOGIC_VERSION = 4;

/**
 * Whether a phase refused and the refusal took: a reject or save click, and the banner gone with
 * every switch we meant to turn off turned off. Only such a refusal can be broken; a click on
 * "settings" that led nowhere, or a failed click, left an undecided visitor.
 */
export function refusalTook(c: { action: string; success: boolean; clicks: ReadonlyArray<{ role: string }> }): boolean {
  return c.action === 'reject' && c.success && c.clicks.some((k) => k.role === 'reject' || k.role === 'save');
}

export function verdictsOf(scan: SiteScanResult, findings: Finding[]): Verdict[] {
  const phase = (name: string) => scan.phases.find((p) => p.phase === name);
  const pre = phase('pre');
  if (scan.status !== 'ok' || !pre || pre.status === 'failed') {
    const why = scan.failureMessage ?? pre?.error ?? 'the phase before consent did not run';
    return [
      {
        id: 'inconclusive',
        explanation: `The site could not be scanned (${why}); nothing can be concluded, and it is not graded as clean.`,
        findings: [],
        trackers: [],
      },
    ];
  }
  const verdicts: Verdict[] = [];
  const inPhase = (name: string) => findings.filter((f) => f.phase === name);
  const preFindings = inPhase('pre');
  const bannerSeen = scan.phases.some((p) => p.consent.bannerFound);

  const tracking = preFindings.filter(isTracking);
  if (tracking.length) {
    verdicts.push(
      verdict(
        'tracking_before_consent',
        `Before the visitor made any choice, the site loaded advertising or social-media tracking: ${describe(tracking)}. ` +
          'Such tracking needs prior consent.',
        findings,
        tracking,
      ),
    );
  }
  const analytics = preFindings.filter(isAnalytics);
  if (analytics.length) {
    verdicts.push(
      verdict(
        'analytics_before_consent',
        `Before the visitor made any choice, the site sent visits to third-party analytics: ${describe(analytics)}. ` +
          'Without consent this is only allowed for a privacy-friendly set-up (IP masked, no data sharing, processor agreement).',
        findings,
        analytics,
      ),
    );
  }
  if (!bannerSeen) {
    const unasked = preFindings.filter(isTrackingOrAnalytics);
    if (unasked.length) {
      verdicts.push(
        verdict(
          'tracking_without_banner',
          `The site tracks its visitors (${describe(unasked)}) without asking: no consent banner was found.`,
          findings,
          unasked,
        ),
      );
    }
  }
  const reject = phase('reject');
  if (reject && refusalTook(reject.consent)) {
    const after = inPhase('reject').filter((f) => isTrackingOrAnalytics(f) && afterClick(f, reject));
    if (after.length) {
      verdicts.push(
        verdict(
          'tracking_after_reject',
          `After the visitor clicked ${quoteClicks(reject)}, the site still loaded ${describe(after)}: the refusal was not respected.`,
          findings,
          after,
        ),
      );
    }
  }
  const noReject = scan.phases.find((p) => p.consent.bannerFound && p.consent.rejectOnFirstLayer === false);
  if (noReject) {
    verdicts.push({
      id: 'no_reject_on_first_layer',
      explanation:
        'The consent banner offers no way to refuse on its first layer: refusing takes more steps than accepting, ' +
        'which most data protection authorities consider a violation.',
      findings: [],
      trackers: [],
    });
  }
  const ignored = consentSignalIgnored(scan, findings);
  if (ignored) verdicts.push(ignored);
  return verdicts;
}

function quoteClicks(p: PhaseObservations): string {
  return p.consent.clicks.map((c) => `"${c.text}"`).join(' then ') || 'reject';
}

/**
 * The page's own Google Consent Mode signal says storage was denied, yet the cookies it governs were
 * written in the same phase: a contradiction the page itself documents.
 */
function consentSignalIgnored(scan: SiteScanResult, findings: Finding[]): Verdict | undefined {
  const chosen: Finding[] = [];
  for (const p of scan.phases) {
    const own = findings.filter((f) => f.phase === p.phase && f.source === 'rules');
    const denials = own.filter((f) => f.evidence.kind === 'request' && deniedStorage(f.details.gcs));
    for (const hit of denials) {
      const denied = deniedStorage(hit.details.gcs)!;
      const cookies = own.filter(
        (f) =>
          f.evidence.kind === 'cookie' &&
          ((denied.analytics && f.trackerId === 'google-analytics') ||
            (denied.ad && (f.trackerId === 'doubleclick' || f.trackerId === 'ga-advertising-features'))),
      );
      if (cookies.length) chosen.push(hit, ...cookies.filter((c) => !chosen.includes(c)));
    }
  }
  if (!chosen.length) return undefined;
  return verdict(
    'consent_signal_ignored',
    `The page told Google that consent was denied (Consent Mode), yet cookies of ${describe(chosen)} were set.`,
    findings,
    [...new Set(chosen)],
  );
}

/**
 * The grade, worst verdict first (documented in the README):
 * F tracking after reject; E tracking before consent; D consent signal ignored;
 * C third-party analytics before consent; B no reject option on the first layer, or other third
 * parties before consent (embeds, fonts, maps); A none of these; ? inconclusive.
 */
export function gradeOf(verdicts: Verdict[], findings: Finding[]): Classification['grade'] {
  const has = (id: VerdictId) => verdicts.some((v) => v.id === id);
  if (has('inconclusive')) return '?';
  if (has('tracking_after_reject')) return 'F';
  if (has('tracking_before_consent')) return 'E';
  if (has('consent_signal_ignored')) return 'D';
  if (has('analytics_before_consent')) return 'C';
  const otherThirdParties = findings.some((f) => f.phase === 'pre' && f.source === 'rules' && f.seriousness >= 2);
  if (has('no_reject_on_first_layer') || otherThirdParties) return 'B';
  return 'A';
}
