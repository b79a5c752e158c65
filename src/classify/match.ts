// Matches observations against the tracker rules. Pure functions: the same observation, rules and site
// domain always give the same finding. Precision first: a finding accuses an organisation, so hosts are
// matched as suffixes on label boundaries, never as substrings, and a cookie name only counts where the
// rule allows it.
import { getPublicSuffix } from 'tldts';
import { cookieHost, hostOf, registrableDomain } from '../observe/party.js';
import type { CookieObservation, Party, PhaseObservations, RequestObservation, StorageObservation } from '../observe/types.js';
import { accountIdsOfCookie, paramsOfUrl, type Details } from './params.js';
import type { CookieMatcher, HostPattern, RequestMatcher, StorageMatcher, Tracker, TrackerRules } from './rules.js';
import type { Finding, Organisation, Seriousness } from './types.js';

export type Classified = Omit<Finding, 'phase' | 'evidence'>;

/**
 * Organisation of self-hosted software on the site's own domain (Matomo at statistiek.gemeente.nl): the
 * site owner itself, no third party. Country stays empty: the site's country would be a guess.
 */
export const SITE_ITSELF: Organisation = { name: 'the site itself', country: '' };

/** Self-hostable software on someone else's host: whoever runs that host, whom the rules cannot name. */
export function operatorOf(domain: string): Organisation {
  return { name: `operator of ${domain}`, country: '' };
}

function normaliseHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/** Length of the matched suffix (for specificity), or -1 when the host does not match. */
function hostMatchLength(host: string, pattern: HostPattern): number {
  if (!host) return -1;
  let rest = host;
  if (pattern.anyPublicSuffix) {
    // Only ICANN suffixes: `google.blogspot.com` must not pass as a Google country domain.
    const suffix = getPublicSuffix(host, { allowPrivateDomains: false });
    if (!suffix || suffix === host || !host.endsWith(`.${suffix}`)) return -1;
    rest = host.slice(0, -(suffix.length + 1));
  }
  return rest === pattern.suffix || rest.endsWith(`.${pattern.suffix}`) ? pattern.suffix.length : -1;
}

export function hostMatches(host: string, pattern: HostPattern): boolean {
  return hostMatchLength(normaliseHost(host), pattern) >= 0;
}

function anyHostMatches(host: string, patterns: readonly HostPattern[]): number {
  let best = -1;
  for (const p of patterns) best = Math.max(best, hostMatchLength(host, p));
  return best;
}

/** Lexicographic comparison of specificity tuples: higher wins, earlier rule wins a tie. */
function better(a: number[], b: number[] | undefined): boolean {
  if (!b) return true;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x > y;
  }
  return false;
}

interface UrlMatch {
  tracker: Tracker;
  matcher: RequestMatcher;
  url: URL;
  host: string;
}

function parseHttpUrl(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  return /^(https?|wss?):$/.test(url.protocol) ? url : undefined;
}

/**
 * The most specific request matcher for a URL: a named host beats "any host", then more required query
 * parameters, then a path condition, then a longer host suffix; on a tie the earlier rule. So
 * gtag/js?id=G-… is Google Analytics although googletagmanager.com as a whole is Tag Manager.
 */
function matchUrl(raw: string, rules: TrackerRules): UrlMatch | undefined {
  const url = parseHttpUrl(raw);
  if (!url) return undefined;
  const host = normaliseHost(url.hostname);
  const path = url.pathname;
  let best: UrlMatch | undefined;
  let bestScore: number[] | undefined;
  let order = 0;
  for (const tracker of rules.trackers) {
    for (const m of tracker.matchers.requests) {
      order++;
      let hostLength = 0;
      if (m.hosts) {
        hostLength = anyHostMatches(host, m.hosts);
        if (hostLength < 0) continue;
      } else if (!m.anyHost) continue;
      if (m.paths && !m.paths.some((p) => path.startsWith(p))) continue;
      if (m.pathRegex && !m.pathRegex.test(path)) continue;
      if (!m.query.every((q) => url.searchParams.getAll(q.name).some((v) => q.regex.test(v)))) continue;
      const score = [m.anyHost ? 0 : 1, m.query.length, m.paths || m.pathRegex ? 1 : 0, hostLength, -order];
      if (better(score, bestScore)) {
        best = { tracker, matcher: m, url, host };
        bestScore = score;
      }
    }
  }
  return best;
}

interface Attribution {
  organisation: Organisation;
  seriousness: Seriousness;
  details: Details;
}

/** Who receives a hit: the tracker's organisation, or the site itself / the host's operator for self-hostable software. */
function attributionOfHit(m: UrlMatch, siteDomain: string): Attribution {
  const { tracker, matcher } = m;
  const base: Attribution = {
    organisation: matcher.organisation ?? tracker.organisation,
    seriousness: matcher.seriousness ?? tracker.seriousness,
    details: {},
  };
  if (!tracker.selfHosted) return base;
  const domain = registrableDomain(m.host);
  if (siteDomain && domain === siteDomain) {
    return { organisation: SITE_ITSELF, seriousness: tracker.selfHosted.seriousness, details: { selfHosted: true } };
  }
  // Found by its path on a host the rules do not know: someone else runs it (an agency, a hosting firm).
  if (matcher.anyHost) return { ...base, organisation: operatorOf(domain), details: { operator: domain } };
  return base;
}

function requestFinding(m: UrlMatch, siteDomain: string, pageIndex: number, party: Party): Classified {
  const hit = paramsOfUrl(m.tracker.id, m.url);
  const who = attributionOfHit(m, siteDomain);
  return {
    trackerId: m.tracker.id,
    trackerName: m.tracker.name,
    organisation: who.organisation,
    category: m.tracker.category,
    seriousness: who.seriousness,
    source: 'rules',
    rule: `${m.tracker.id}:request:${m.matcher.id}`,
    pageIndex,
    party,
    accountIds: hit.accountIds,
    details: { ...hit.details, ...who.details },
  };
}

/** The tracker a request belongs to, with what its parameters reveal; undefined when no rule matches. */
export function classifyRequest(req: RequestObservation, rules: TrackerRules, siteDomain: string): Classified | undefined {
  const m = matchUrl(req.url, rules);
  if (!m) return undefined;
  const f = requestFinding(m, siteDomain, req.pageIndex, req.party);
  // A hit that never left the browser still shows the page tried to send it; say so rather than hide it.
  if (req.failure) f.details.requestFailed = req.failure;
  return f;
}

function nameMatches(name: string, m: { names?: Set<string>; keys?: Set<string>; prefixes?: string[]; regex?: RegExp }): boolean | undefined {
  const exact = m.names ?? m.keys;
  if (!exact && !m.prefixes && !m.regex) return undefined;
  return Boolean(exact?.has(name) || m.prefixes?.some((p) => name.startsWith(p)) || m.regex?.test(name));
}

function matchCookie(cookie: CookieObservation, rules: TrackerRules): { tracker: Tracker; matcher: CookieMatcher } | undefined {
  const domain = cookieHost(cookie.domain);
  const setterUrl = cookie.setterUrl ? parseHttpUrl(cookie.setterUrl) : undefined;
  const setterHost = setterUrl ? normaliseHost(setterUrl.hostname) : '';
  let best: { tracker: Tracker; matcher: CookieMatcher } | undefined;
  let bestScore: number[] | undefined;
  let order = 0;
  for (const tracker of rules.trackers) {
    for (const m of tracker.matchers.cookies) {
      order++;
      const byName = nameMatches(cookie.name, m);
      if (byName === false) continue;
      const domainLength = m.domains ? anyHostMatches(domain, m.domains) : 0;
      if (domainLength < 0) continue;
      if (m.setterHosts && anyHostMatches(setterHost, m.setterHosts) < 0) continue;
      const score = [byName ? 1 : 0, m.domains ? 1 : 0, domainLength, m.setterHosts ? 1 : 0, -order];
      if (better(score, bestScore)) {
        best = { tracker, matcher: m };
        bestScore = score;
      }
    }
  }
  return best;
}

/**
 * Who runs self-hostable software behind a cookie it wrote first-party (`_pk_id.1.…`): the tracker hit
 * that wrote it when the setter is known (matomo.js on matomo.cloud: InnoCraft), otherwise the cookie's
 * own domain decides (the site's domain: the site itself).
 */
function attributionOfStored(tracker: Tracker, siteDomain: string, ownHost: string, setter: UrlMatch | undefined): Attribution {
  const base: Attribution = { organisation: tracker.organisation, seriousness: tracker.seriousness, details: {} };
  if (!tracker.selfHosted) return base;
  if (setter && setter.tracker === tracker) {
    const who = attributionOfHit(setter, siteDomain);
    return { ...who, details: { ...who.details, operatorEvidence: 'setter' } };
  }
  // No hit of this tracker wrote it (or the writer is unknown): only where it is stored can tell, and the
  // details say so, because a first-party cookie of a cloud-hosted instance looks the same.
  const domain = registrableDomain(ownHost);
  if (siteDomain && domain === siteDomain) {
    return {
      organisation: SITE_ITSELF,
      seriousness: tracker.selfHosted.seriousness,
      details: { selfHosted: true, operatorEvidence: 'storage-domain' },
    };
  }
  // Stored under a third-party domain the rules do not tie to the vendor: the operator of that domain.
  const vendorHost = tracker.matchers.requests.some((m) => m.hosts && anyHostMatches(ownHost, m.hosts) >= 0);
  return vendorHost ? base : { ...base, organisation: operatorOf(domain), details: { operator: domain, operatorEvidence: 'storage-domain' } };
}

/**
 * The tracker a cookie belongs to: by a cookie rule (name, limited to domains where the rule says so),
 * else by its known setter — a cookie written by a tracker's own script or response is that tracker's
 * (details.attributedBy = 'setter'), unless the setter is a loader that runs other people's code.
 */
export function classifyCookie(cookie: CookieObservation, rules: TrackerRules, siteDomain: string): Classified | undefined {
  const setter = cookie.setterUrl ? matchUrl(cookie.setterUrl, rules) : undefined;
  const hit = matchCookie(cookie, rules);
  if (hit) {
    const { tracker, matcher } = hit;
    const who = attributionOfStored(tracker, siteDomain, cookieHost(cookie.domain), setter);
    return {
      trackerId: tracker.id,
      trackerName: tracker.name,
      organisation: who.organisation,
      category: tracker.category,
      seriousness: who.seriousness,
      source: 'rules',
      rule: `${tracker.id}:cookie:${matcher.id}`,
      pageIndex: 0,
      party: cookie.party,
      accountIds: accountIdsOfCookie(tracker.id, cookie.name),
      details: who.details,
    };
  }
  if (!setter || cookie.setter === 'unknown' || setter.matcher.loader) return undefined;
  const f = requestFinding(setter, siteDomain, 0, cookie.party);
  const who = attributionOfHit(setter, siteDomain);
  return {
    ...f,
    rule: `${setter.tracker.id}:cookie-setter:${setter.matcher.id}`,
    // The setter's own parameters (gcs, events …) describe that hit, not this cookie; keep only whose it is.
    details: { ...who.details, attributedBy: 'setter' },
  };
}

function matchStorage(entry: StorageObservation, host: string, rules: TrackerRules): { tracker: Tracker; matcher: StorageMatcher } | undefined {
  let best: { tracker: Tracker; matcher: StorageMatcher } | undefined;
  let bestScore: number[] | undefined;
  let order = 0;
  for (const tracker of rules.trackers) {
    for (const m of tracker.matchers.storage) {
      order++;
      if (!nameMatches(entry.key, m)) continue;
      const originLength = m.origins ? anyHostMatches(host, m.origins) : 0;
      if (originLength < 0) continue;
      const score = [m.origins ? 1 : 0, originLength, -order];
      if (better(score, bestScore)) {
        best = { tracker, matcher: m };
        bestScore = score;
      }
    }
  }
  return best;
}

/** The tracker a localStorage / sessionStorage key belongs to, limited to the origins the rule names. */
export function classifyStorage(entry: StorageObservation, rules: TrackerRules, siteDomain: string): Classified | undefined {
  const host = normaliseHost(hostOf(entry.origin));
  const hit = matchStorage(entry, host, rules);
  if (!hit) return undefined;
  const { tracker, matcher } = hit;
  const who = attributionOfStored(tracker, siteDomain, host, undefined);
  return {
    trackerId: tracker.id,
    trackerName: tracker.name,
    organisation: who.organisation,
    category: tracker.category,
    seriousness: who.seriousness,
    source: 'rules',
    rule: `${tracker.id}:storage:${matcher.id}`,
    pageIndex: entry.pageIndex,
    party: entry.party,
    accountIds: [],
    details: who.details,
  };
}

/** Page of the first write of a cookie in this phase (the jar itself does not say), 0 when unknown. */
function firstWritePage(phase: PhaseObservations, cookie: CookieObservation): number {
  const domain = cookie.domain.toLowerCase();
  let first: { timeMs: number; pageIndex: number } | undefined;
  for (const e of phase.cookieEvents) {
    if (e.deletes || e.name !== cookie.name || e.domain.toLowerCase() !== domain) continue;
    if (!first || e.timeMs < first.timeMs) first = e;
  }
  return first?.pageIndex ?? 0;
}

/**
 * A request made by a pop-up window: recorded, never judged. The page in it is another site's, and a
 * scanner cannot be sure a visitor's browser would have let the pop-up open at all.
 */
export function isPopupRequest(req: { initiator: { type: string } }): boolean {
  return req.initiator.type === 'popup';
}

/**
 * Every finding of one phase: one per matching observation (each redirect hop is its own request),
 * with evidence pointing at the observation's index in the phase's arrays.
 */
export function findingsOfPhase(phase: PhaseObservations, rules: TrackerRules, siteDomain: string): Finding[] {
  const out: Finding[] = [];
  phase.requests.forEach((req, index) => {
    if (isPopupRequest(req)) return;
    const f = classifyRequest(req, rules, siteDomain);
    if (f) out.push({ ...f, phase: phase.phase, evidence: { kind: 'request', index } });
  });
  phase.cookies.forEach((cookie, index) => {
    const f = classifyCookie(cookie, rules, siteDomain);
    if (f) out.push({ ...f, pageIndex: firstWritePage(phase, cookie), phase: phase.phase, evidence: { kind: 'cookie', index } });
  });
  phase.storage.forEach((entry, index) => {
    const f = classifyStorage(entry, rules, siteDomain);
    if (f) out.push({ ...f, phase: phase.phase, evidence: { kind: 'storage', index } });
  });
  return out;
}
