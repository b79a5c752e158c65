import type { Classification } from '../classify/types.js';
import type { PhaseObservations, SiteScanResult } from '../observe/types.js';
import { escapeControls } from '../util/escape-controls.js';

/** Counts a reader checks first: how much happened, and how much of it went to other parties. */
export interface PhaseCounts {
  requests: number;
  thirdPartyRequests: number;
  thirdPartyDomains: string[];
  firstPartyCookies: number;
  thirdPartyCookies: number;
  storageEntries: number;
}

export function phaseCounts(p: PhaseObservations): PhaseCounts {
  const thirdParty = p.requests.filter((r) => r.party === 'third-party');
  return {
    requests: p.requests.length,
    thirdPartyRequests: thirdParty.length,
    thirdPartyDomains: [...new Set(thirdParty.map((r) => r.domain).filter(Boolean))].sort(),
    firstPartyCookies: p.cookies.filter((c) => c.party === 'first-party').length,
    thirdPartyCookies: p.cookies.filter((c) => c.party === 'third-party').length,
    storageEntries: p.storage.length,
  };
}

/** What a user can do about a failure, when there is something: a certificate the browser does not trust. */
function failureHint(r: SiteScanResult): string {
  return r.failureClass === 'tls' && /ERR_CERT_/.test(r.failureMessage ?? '')
    ? ' (the browser does not trust its certificate; for a test or intranet site: --ignore-https-errors)'
    : '';
}

// Button texts, CMP names and URLs come from the site: no escape sequence of theirs reaches the terminal.
/** A few lines per site for the terminal. */
export function siteSummary(r: SiteScanResult, c?: Classification): string {
  return escapeControlsPerLine(summaryLines(r, c));
}

function escapeControlsPerLine(text: string): string {
  return text.split('\n').map(escapeControls).join('\n');
}

function summaryLines(r: SiteScanResult, c?: Classification): string {
  const label = r.site.name ? `${r.site.name} (${r.site.url})` : r.site.url;
  if (r.status !== 'ok') return `✗ ${label}\n    ${r.status} (${r.failureClass ?? 'unknown'}): ${r.failureMessage ?? ''}${failureHint(r)}`;
  const lines = [`✓ ${label}${c ? `  grade ${c.grade}` : ''}`];
  for (const v of c?.verdicts ?? []) lines.push(`    ! ${v.id}: ${v.explanation}`);
  const classification = c;
  for (const p of r.phases) {
    const c = phaseCounts(p);
    const domains = c.thirdPartyDomains.length ? `: ${c.thirdPartyDomains.join(', ')}` : '';
    lines.push(
      `    ${p.phase}: ${c.requests} requests (${c.thirdPartyRequests} third-party), ` +
        `${c.thirdPartyDomains.length} third-party domains${domains}`,
      ...(classification ? [`    ${' '.repeat(p.phase.length)}  trackers: ${trackersOf(classification, p.phase) || 'none'}`] : []),
      `    ${' '.repeat(p.phase.length)}  cookies: ${c.firstPartyCookies} first-party, ${c.thirdPartyCookies} third-party; ` +
        `storage entries: ${c.storageEntries}`,
    );
    lines.push(`    ${' '.repeat(p.phase.length)}  ${consentLine(p)}`);
    if (p.status === 'failed') lines.push(`    ${p.phase} failed: ${p.error ?? ''}`);
  }
  return lines.join('\n');
}

/** What happened with the banner, in one line: which CMP, what was clicked, whether it took. */
export function consentLine(p: PhaseObservations): string {
  return escapeControls(consentWords(p));
}

function consentWords(p: PhaseObservations): string {
  const c = p.consent;
  if (!c.bannerFound) return c.action === 'none' ? 'banner: none seen' : `banner: none found, nothing to ${c.action}`;
  const who = c.cmp && c.cmp !== 'heuristic' ? `${c.cmp} (autoconsent)` : 'home-made (heuristic)';
  if (c.action === 'none') return `banner: ${who}`;
  const clicks = c.clicks.map((k) => `"${k.text}"`).join(' → ') || 'no click';
  const layer = c.secondLayer ? ', via the settings layer' : '';
  return `banner: ${who}; ${c.action}: ${clicks}${layer} ${c.success ? '✓' : '✗ (banner still there)'}`;
}

/** The trackers our rules found in one phase, by name. */
function trackersOf(c: Classification, phase: string): string {
  const names = new Set(c.findings.filter((f) => f.phase === phase && f.source === 'rules' && f.seriousness > 0).map((f) => f.trackerName));
  return [...names].sort().join(', ');
}

/** `GM0074 Heerenveen (https://www.heerenveen.nl/)`: code and name when known, always the URL. */
export function siteLabel(s: { code?: string | undefined; name?: string | undefined; url: string }): string {
  return [s.code, s.name, s.name ? `(${s.url})` : s.url].filter(Boolean).join(' ');
}

/** One line per site, for list scans: what a reader of a nightly cron mail scans down. */
export function siteLine(r: SiteScanResult, c?: Classification): string {
  return escapeControls(siteLineText(r, c));
}

function siteLineText(r: SiteScanResult, c?: Classification): string {
  const label = siteLabel(r.site);
  const tries = r.attempts && r.attempts > 1 ? `, ${r.attempts} attempts` : '';
  if (r.status === 'interrupted') return `… ${label}  ${r.failureMessage ?? 'interrupted'}`;
  if (r.status !== 'ok') return `✗ ${label}  ${r.status} (${r.failureClass ?? 'unknown'}${tries}): ${r.failureMessage ?? ''}${failureHint(r)}`;
  // Seriousness 2 and up: what the end-of-run summary counts as trackers before consent.
  const serious = (phase: string) =>
    [...new Set((c?.findings ?? []).filter((f) => f.phase === phase && f.source === 'rules' && f.seriousness >= 2).map((f) => f.trackerName))]
      .sort()
      .join(', ');
  const before = serious('pre');
  const afterReject = c?.verdicts.some((v) => v.id === 'tracking_after_reject') ? serious('reject') : '';
  return (
    `✓ ${label}  grade ${c?.grade ?? '-'}` +
    (before ? `  before consent: ${before}` : '') +
    (afterReject ? `  after reject: ${afterReject}` : '')
  );
}
