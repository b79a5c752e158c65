import type { PhaseName } from '../observe/types.js';
import type { FindingEvidence } from '../store/evidence.js';
import type { SiteResult } from '../store/results.js';
import type { TrackerRef } from './advice.js';

// Which trackers a verdict is about, with the ids tracker-specific advice needs: shared by the HTML
// report and `cookiewatch check`, so both give the same advice for the same verdict.

const PHASES: PhaseName[] = ['pre', 'accept', 'reject'];

/** The findings a verdict rests on, in scan order. */
export function evidenceOfVerdict(evidence: readonly FindingEvidence[], verdictId: string): FindingEvidence[] {
  return evidence.filter((f) => f.verdicts.includes(verdictId));
}

/**
 * Verdicts store tracker names only; the findings they cite carry the ids, and the site's tracker
 * lists cover a verdict without evidence rows. In the verdict's own order, so advice follows the summary.
 */
export function verdictTrackerRefs(
  site: Pick<SiteResult, 'trackers'>,
  evidence: readonly FindingEvidence[],
  verdict: SiteResult['verdicts'][number],
): TrackerRef[] {
  const refs = new Map<string, TrackerRef>();
  for (const f of evidenceOfVerdict(evidence, verdict.id)) {
    if (!refs.has(f.trackerName)) refs.set(f.trackerName, { id: f.trackerId, name: f.trackerName, organisation: f.organisation, country: f.country });
  }
  const seen = PHASES.flatMap((p) => site.trackers[p]);
  for (const name of verdict.trackers) {
    if (refs.has(name)) continue;
    const t = seen.find((s) => s.name === name);
    refs.set(name, t ? { id: t.id, name: t.name, organisation: t.organisation, country: t.country } : { id: name, name, organisation: '' });
  }
  const ordered = verdict.trackers.map((n) => refs.get(n)).filter((r): r is TrackerRef => r !== undefined);
  for (const r of refs.values()) if (!ordered.includes(r)) ordered.push(r);
  return ordered;
}
