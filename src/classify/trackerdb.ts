// Enrichment from Ghostery's tracker database (@ghostery/trackerdb): a third-party request that our own
// rules (classify/match.ts) do not match is looked up here, so a report can still name the organisation
// behind it and say what kind of service it is. Our rules decide verdicts; these findings never do.
//
// The package ships a prebuilt, serialised adblocker engine (dist/trackerdb.engine) that carries the
// patterns, organisations and categories as metadata. Loading it reads one local file (no network) and
// deserialises it once; every lookup after that is synchronous.
//
// Licence: the package (code and data) is CC BY-NC-SA 4.0, see its LICENSE file; the engine it runs on,
// @ghostery/adblocker, is MPL-2.0. Output naming organisations from it should credit Ghostery's TrackerDB.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PhaseName, RequestObservation } from '../observe/types.js';
import type { Finding, Organisation, TrackerCategory } from './types.js';

export interface TrackerDbMatch {
  /** trackerdb's pattern key, e.g. `google_analytics`, `facebook_connect`. */
  patternKey: string;
  /** The pattern's display name, e.g. "Google Analytics". */
  trackerName: string;
  /**
   * The organisation behind the pattern. About one pattern in eight has none in trackerdb; the pattern's
   * own name stands in then (it names the service itself, e.g. "jsDelivr"). Country is ISO 3166-1
   * alpha-2 when trackerdb knows it, else ''.
   */
  organisation: Organisation;
  /** trackerdb's organisation key, when the pattern has an organisation. */
  organisationKey?: string;
  /** trackerdb's own category key, e.g. `site_analytics`, `audio_video_player`. */
  trackerDbCategory: string;
  /** That category in our vocabulary (see CATEGORY_MAP and PATTERN_CATEGORY below). */
  category: TrackerCategory;
  /**
   * `filter`: a URL pattern of the tracker matched the request (more specific);
   * `domain`: only the host belongs to a domain trackerdb lists for the pattern.
   */
  matchedBy: 'filter' | 'domain';
}

export interface TrackerDb {
  /** The @ghostery/trackerdb package version; each database release is a new package version. */
  version: string;
  /** Synchronous, for thousands of requests per site scan. Never throws; undefined when nothing matches. */
  lookup(url: string, context: { siteUrl: string; resourceType: string }): TrackerDbMatch | undefined;
}

/**
 * trackerdb category → ours. trackerdb's categories are coarser than ours and some mix harmless and
 * invasive services, so where a category does not say what a service does we choose `other`, which
 * claims nothing, over a label that would call it harmless or tracking.
 */
export const CATEGORY_MAP: Readonly<Record<string, TrackerCategory>> = {
  advertising: 'advertising',
  pornvertising: 'advertising', // "Adult Advertising"
  site_analytics: 'analytics',
  social_media: 'social',
  consent: 'consent',
  audio_video_player: 'embed',
  // Chat widgets and read-aloud, but also marketing automation and personalisation: no single label fits.
  customer_interaction: 'other',
  // Tag managers, captchas, maps, monitoring, payment; refined per pattern below where ours is finer.
  utilities: 'functional',
  essential: 'functional', // not in the current release; kept should it come (back)
  hosting: 'other', // CDNs and hosting: they see IP addresses, but are not trackers as such
  cdn: 'other', // idem, not in the current release
  misc: 'other',
  extensions: 'other', // traffic from browser extensions, not from the site
};

/**
 * Patterns whose trackerdb category is coarser than one of ours (a tag manager under utilities, a font
 * service under hosting). Keys are checked against the shipped database by the unit tests.
 */
export const PATTERN_CATEGORY: Readonly<Record<string, TrackerCategory>> = {
  google_tag_manager: 'tag-manager',
  google_tag_manager_1p: 'tag-manager',
  piwik_pro_tag_manager: 'tag-manager',
  adobe_dynamic_tag_management: 'tag-manager',
  tag_commander: 'tag-manager',
  ensighten: 'tag-manager',
  google_fonts: 'fonts',
  adobe_typekit: 'fonts',
  fontawesome_com: 'fonts',
  google_maps: 'maps',
  bing_maps: 'maps',
  mapbox: 'maps',
  // Cookieless analytics that trackerdb files under utilities: analytics all the same.
  plausible_analytics: 'analytics',
  simple_analytics: 'analytics',
  fathom: 'analytics',
};

export function mapCategory(trackerDbCategory: string, patternKey?: string): TrackerCategory {
  if (patternKey !== undefined && Object.hasOwn(PATTERN_CATEGORY, patternKey)) {
    return PATTERN_CATEGORY[patternKey] ?? 'other';
  }
  return Object.hasOwn(CATEGORY_MAP, trackerDbCategory) ? (CATEGORY_MAP[trackerDbCategory] ?? 'other') : 'other';
}

// ---- the parts of the package and its engine we use, typed here (its own d.ts points into a
// ---- non-exported path of @ghostery/adblocker) and checked at load time.

interface RawPattern {
  key: string;
  name: string;
  category: string;
  organization: string | null;
}
interface RawOrganization {
  key: string;
  name: string;
  country: string | null;
}
interface RawResult {
  pattern: RawPattern;
  organization: RawOrganization | null;
  category: { key: string } | null;
}
interface RawRequest {
  hostname: string;
  isThirdParty: boolean;
}
interface RawEngine {
  getPatternMetadata(request: RawRequest, options: { getDomainMetadata: boolean }): RawResult[];
  metadata?: { fromDomain(domain: string): RawResult[] };
}
interface RawRequestClass {
  fromRawDetails(details: { url: string; type: string; sourceUrl: string }): RawRequest;
}
interface RawModule {
  default: (bytes: Uint8Array) => Promise<{ engine: RawEngine }>;
  AdblockerRequest: RawRequestClass;
}

/**
 * CDP resource types (lower case, as observe/network.ts records them) that the adblocker knows. Anything
 * else is looked up as `other`. A third-party `document` is a frame, which the adblocker handles as such.
 */
const REQUEST_TYPES = new Set([
  'document', 'stylesheet', 'image', 'media', 'font', 'script', 'texttrack', 'xhr', 'fetch', 'prefetch',
  'eventsource', 'websocket', 'manifest', 'signedexchange', 'ping', 'cspviolationreport', 'preflight', 'fedcm',
  'other',
]);

const WEB_URL = /^(?:https?|wss?):\/\//i;

function toMatch(result: RawResult, matchedBy: 'filter' | 'domain'): TrackerDbMatch {
  const pattern = result.pattern;
  const org = result.organization;
  const trackerDbCategory = result.category?.key ?? pattern.category;
  const country = org?.country && /^[A-Za-z]{2}$/.test(org.country) ? org.country.toUpperCase() : '';
  const match: TrackerDbMatch = {
    patternKey: pattern.key,
    trackerName: pattern.name,
    organisation: { name: org?.name || pattern.name, country },
    trackerDbCategory,
    category: mapCategory(trackerDbCategory, pattern.key),
    matchedBy,
  };
  if (org?.key) match.organisationKey = org.key;
  return match;
}

function packageRoot(): string {
  // Resolves the package's CommonJS entry (dist/cjs/index.js); its package.json is not exported.
  const entry = createRequire(import.meta.url).resolve('@ghostery/trackerdb');
  return join(dirname(entry), '..', '..');
}

export interface LoadTrackerDbOptions {
  /** Serialised engine to load instead of the package's own `dist/trackerdb.engine` (for tests). */
  enginePath?: string;
}

/**
 * Loads the database once, offline: about 0.1-0.2 s, nearly all of it importing the adblocker library
 * (deserialising the 1.7 MB engine takes under 10 ms). Call it once per run and share the result.
 * Resolves to undefined, never rejects, when the package is not installed or its engine cannot be read
 * or deserialised: enrichment is optional, and callers can switch it off (`--no-trackerdb`) by not
 * calling this.
 */
export async function loadTrackerDb(options: LoadTrackerDbOptions = {}): Promise<TrackerDb | undefined> {
  try {
    const mod = (await import('@ghostery/trackerdb')) as unknown as Partial<RawModule>;
    const load = mod.default;
    const RequestClass = mod.AdblockerRequest;
    if (typeof load !== 'function' || typeof RequestClass?.fromRawDetails !== 'function') return undefined;

    const root = packageRoot();
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    if (pkg.name !== '@ghostery/trackerdb' || typeof pkg.version !== 'string') return undefined;

    const bytes = readFileSync(options.enginePath ?? join(root, 'dist', 'trackerdb.engine'));
    const { engine } = await load(bytes);
    if (typeof engine?.getPatternMetadata !== 'function' || typeof engine.metadata?.fromDomain !== 'function') {
      return undefined;
    }
    const metadata = engine.metadata;

    const lookup: TrackerDb['lookup'] = (url, context) => {
      if (!WEB_URL.test(url)) return undefined;
      try {
        const type = REQUEST_TYPES.has(context.resourceType) ? context.resourceType : 'other';
        const request = RequestClass.fromRawDetails({ url, type, sourceUrl: context.siteUrl });
        // URL patterns first: they are specific, and some only apply to third-party requests ($3p).
        const byFilter = engine.getPatternMetadata(request, { getDomainMetadata: false })[0];
        if (byFilter) return toMatch(byFilter, 'filter');
        // Then the host alone, label by label from the full host down (so `google-analytics.com.evil.nl`
        // is never `google-analytics.com`). A host trackerdb lists says who runs it, not that the site
        // tracks, so this is skipped for the site's own domain (scanning facebook.com itself, say).
        if (context.siteUrl && !request.isThirdParty) return undefined;
        const byDomain = metadata.fromDomain(request.hostname)[0];
        return byDomain ? toMatch(byDomain, 'domain') : undefined;
      } catch {
        return undefined;
      }
    };

    return { version: pkg.version, lookup };
  } catch {
    return undefined;
  }
}

/**
 * A finding for a request that only trackerdb recognised. Its seriousness is always 0, whatever the
 * category: verdicts of violation rest on our own, checked rules, and trackerdb's patterns (broad host
 * matches, categories that mix harmless and invasive services) are not evidence we would accuse a site
 * on. The category is kept so reports can still list the organisation and what kind of service it is.
 */
export function findingFromTrackerDb(
  req: RequestObservation,
  index: number,
  phase: PhaseName,
  match: TrackerDbMatch,
): Finding {
  const details: Finding['details'] = {
    trackerdbCategory: match.trackerDbCategory,
    matchedBy: match.matchedBy,
  };
  if (match.organisationKey) details.trackerdbOrganisation = match.organisationKey;
  return {
    phase,
    trackerId: `trackerdb:${match.patternKey}`,
    trackerName: match.trackerName,
    organisation: { ...match.organisation },
    category: match.category,
    seriousness: 0,
    source: 'trackerdb',
    rule: `trackerdb:${match.patternKey}`,
    evidence: { kind: 'request', index },
    pageIndex: req.pageIndex,
    party: req.party,
    accountIds: [],
    details,
  };
}
