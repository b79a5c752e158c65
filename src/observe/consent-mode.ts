import type { ConsentSignals, RequestObservation } from './types.js';

// Hosts that receive Google tag hits carrying Consent Mode parameters.
const GOOGLE_HIT_HOST = /(^|\.)(google-analytics\.com|analytics\.google\.com|doubleclick\.net|googletagmanager\.com|googleadservices\.com|google\.com|googlesyndication\.com)$/;

/**
 * The Google Consent Mode state the page itself sent with its Google hits: `gcs` (G1xy: x = ad_storage,
 * y = analytics_storage granted), `gcd` (the v2 state string) and `npa` (non-personalised ads).
 * Read from the parameters, never guessed: distinct values in the order first seen.
 */
export function googleConsentMode(requests: readonly RequestObservation[]): Pick<ConsentSignals, 'gcs' | 'gcd' | 'npa'> {
  const gcs = new Set<string>();
  const gcd = new Set<string>();
  const npa = new Set<string>();
  for (const r of requests) {
    if (!GOOGLE_HIT_HOST.test(r.host)) continue;
    let params: URLSearchParams;
    try {
      params = new URL(r.url).searchParams;
    } catch {
      continue;
    }
    const g = params.get('gcs');
    if (g && /^G1[01-]{2}$/.test(g)) gcs.add(g);
    const d = params.get('gcd');
    if (d && d.length <= 64) gcd.add(d);
    const n = params.get('npa');
    if (n === '0' || n === '1') npa.add(n);
  }
  const out: Pick<ConsentSignals, 'gcs' | 'gcd' | 'npa'> = {};
  if (gcs.size) out.gcs = [...gcs];
  if (gcd.size) out.gcd = [...gcd];
  if (npa.size) out.npa = [...npa];
  return out;
}
