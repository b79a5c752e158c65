import type { LaunchedBrowser } from '../browser/launch.js';
import type { PhaseName, PhaseObservations, SiteInput, SiteScanResult } from '../observe/types.js';
import { hostOf, registrableDomain } from '../observe/party.js';
import { classifyFailure } from './failures.js';
import { visitPhase, type VisitOptions } from './visit.js';

export interface SiteScanOptions extends VisitOptions {
  phases: PhaseName[];
}

/**
 * One site scan: each phase in its own fresh context. The site's first party is the registrable
 * domain of the start page after redirects (`gemeente.nl` → `www.gemeente-x.nl` judges by the latter).
 */
export async function scanSite(launched: LaunchedBrowser, site: SiteInput, opts: SiteScanOptions): Promise<SiteScanResult> {
  const startedAt = new Date().toISOString();
  const phases: PhaseObservations[] = [];
  let siteDomain = registrableDomain(hostOf(site.url));
  let finalUrl: string | undefined;
  for (const phase of opts.phases) {
    const result = await visitPhase(launched, phase, site.url, opts);
    phases.push(result.observations);
    // A name that does not resolve or a broken certificate fails the same way in every phase: stop.
    const error = result.observations.error;
    if (phases.length === 1 && error && ['dns', 'tls', 'bad-url'].includes(classifyFailure(error))) break;
    if (!finalUrl && result.finalUrl) {
      finalUrl = result.finalUrl;
      siteDomain = result.siteDomain;
    }
  }
  const first = phases[0];
  const failed = !first || first.status === 'failed';
  const result: SiteScanResult = {
    site,
    startedAt,
    endedAt: new Date().toISOString(),
    status: failed ? 'failed' : 'ok',
    siteDomain,
    phases,
  };
  if (finalUrl) result.finalUrl = finalUrl;
  if (failed) {
    result.failureMessage = first?.error ?? 'no phase ran';
    result.failureClass = classifyFailure(result.failureMessage);
  }
  return result;
}
