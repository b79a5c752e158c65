// Plain, serialisable observations: what the browser saw in one phase of one site scan.
// Nothing here is a conclusion; classification works on these later, and they are stored as they are.

export type Party = 'first-party' | 'third-party';

export type PhaseName = 'pre' | 'accept' | 'reject';

/** A value seen in the browser: hashed unless the user asked to keep values (`--store-values`). */
export interface ValueEvidence {
  sha256: string;
  length: number;
  /** Only present when values are stored. */
  value?: string;
}

export interface Initiator {
  /** CDP initiator type: parser, script, preload, redirect, other, … */
  type: string;
  /** The script or document URL that caused the request, when known. */
  url?: string;
  line?: number;
  column?: number;
}

export interface RequestObservation {
  /** CDP request id, unique within one page visit (a redirect chain shares it; `hop` tells them apart). */
  requestId: string;
  /** Position in a redirect chain: 0 for the first request, 1 for the first redirect target, … */
  hop: number;
  /** Index of the page visit within the phase (0 = start page). */
  pageIndex: number;
  url: string;
  method: string;
  resourceType: string;
  /** HTTP status, absent when the request failed or never got a response. */
  status?: number;
  mimeType?: string;
  /** Network error text when the request failed (net::ERR_…); absent on success. */
  failure?: string;
  /** Where the response came from when the chain was redirected: the URL this hop redirected to. */
  redirectedTo?: string;
  frameId?: string;
  frameUrl?: string;
  isMainFrame: boolean;
  initiator: Initiator;
  /** Milliseconds since the phase started. */
  timeMs: number;
  host: string;
  /** Registrable domain (eTLD+1) of the host, or the host itself for IPs and single labels. */
  domain: string;
  party: Party;
}

export type CookieSetterKind = 'http' | 'script' | 'unknown';

export interface CookieSetEvent {
  name: string;
  /** Domain as the cookie store keys it: `.example.nl` for a domain cookie, `example.nl` for host-only. */
  domain: string;
  path: string;
  source: 'http' | 'script';
  /** Response URL for `http`, the writing script's URL for `script` (may be absent when the stack had none). */
  url?: string;
  /** CDP request id of the response, for `http`. */
  requestId?: string;
  /** URL of the document (frame) in which a script wrote the cookie. */
  frameUrl?: string;
  /** `document.cookie` or `cookieStore`, for `script`. */
  api?: 'document.cookie' | 'cookieStore';
  /** True when this event deletes the cookie (expiry in the past or max-age ≤ 0). */
  deletes: boolean;
  timeMs: number;
  pageIndex: number;
  value: ValueEvidence;
}

export interface CookieObservation {
  name: string;
  domain: string;
  path: string;
  /** Expiry as Unix seconds; absent for session cookies. */
  expires?: number;
  session: boolean;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: string;
  /** CDP cookie size: name plus value length. */
  size: number;
  /** Top-level site the cookie is partitioned under (CHIPS), when partitioned. */
  partitionKey?: string;
  value: ValueEvidence;
  host: string;
  domainRegistrable: string;
  party: Party;
  setter: CookieSetterKind;
  /** Response URL or script URL that set it, when known. */
  setterUrl?: string;
  setterRequestId?: string;
}

export interface StorageObservation {
  kind: 'localStorage' | 'sessionStorage';
  origin: string;
  frameUrl: string;
  key: string;
  value: ValueEvidence;
  party: Party;
  pageIndex: number;
}

export interface PageVisit {
  pageIndex: number;
  /** start: the first load; reload: the start page again with the consent stored; subpage: an internal page. */
  kind: 'start' | 'reload' | 'subpage';
  url: string;
  finalUrl?: string;
  status?: number;
  title?: string;
  /** Error text when the navigation itself failed. */
  error?: string;
  startedMs: number;
  endedMs: number;
}

export type ConsentAction = 'accept' | 'reject';

export interface ConsentClick {
  /** Visible text (or accessible name) of what was clicked, trimmed to 200 characters. */
  text: string;
  /** URL of the frame the button was in. */
  frameUrl: string;
  /** 1 = the banner's first layer, 2 = a settings layer opened from it. */
  layer: 1 | 2;
  /** What the click was meant to do. */
  role: 'accept' | 'reject' | 'settings' | 'save' | 'toggle-off';
}

/** What happened with the consent banner in one phase. */
export interface ConsentObservation {
  /** What this phase asked for: nothing in `pre`. */
  action: ConsentAction | 'none';
  bannerFound: boolean;
  /** Autoconsent rule name (e.g. "Cookiebot", "klaro"), or "heuristic" for our own text rules. */
  cmp?: string;
  engine?: 'autoconsent' | 'heuristic';
  /** Milliseconds from the start of navigation until the banner was seen. */
  bannerAppearedMs?: number;
  /** Whether a reject option sat on the first layer; unknown when no banner was found. */
  rejectOnFirstLayer?: boolean;
  /** Rejecting needed the settings layer (no reject option on the first one). */
  secondLayer: boolean;
  clicks: ConsentClick[];
  /** The click took: the banner is gone (autoconsent's self-test, or no longer visible). */
  success: boolean;
  /** Cookies or storage entries that appeared right after the click (the stored choice). */
  consentStored?: boolean;
  error?: string;
}

/** What the page itself says about consent, read in the browser at the end of the phase. */
export interface ConsentSignals {
  /** IAB TCF string from `__tcfapi('getTCData')`, when the page has a TCF API. */
  tcfString?: string;
  /** `gdprApplies` and `eventStatus` from the same call. */
  tcfGdprApplies?: boolean;
  tcfEventStatus?: string;
  /** Google Consent Mode `gcs` values in the page's Google hits, e.g. G100 = ad and analytics storage denied. */
  gcs?: string[];
  /** Google Consent Mode v2 `gcd` values. */
  gcd?: string[];
  /** `npa` values (1 = non-personalised ads requested). */
  npa?: string[];
}

export interface Screenshot {
  pageIndex: number;
  /** When it was taken: the banner as the visitor first saw it, or the page after the consent click. */
  moment: 'banner' | 'after-consent';
  mimeType: 'image/jpeg';
  data: Buffer;
}

export interface PhaseObservations {
  phase: PhaseName;
  startedAt: string;
  endedAt: string;
  /** 'ok' when the start page loaded; 'failed' otherwise (error says why). */
  status: 'ok' | 'failed';
  error?: string;
  pages: PageVisit[];
  requests: RequestObservation[];
  cookies: CookieObservation[];
  cookieEvents: CookieSetEvent[];
  storage: StorageObservation[];
  consent: ConsentObservation;
  signals: ConsentSignals;
  screenshots: Screenshot[];
  /** What the page did besides loading: dialogs, pop-ups, downloads, a crash. Absent in older scans. */
  events?: PageEvent[];
}

export type PageEventKind = 'dialog' | 'popup' | 'download' | 'crash' | 'unresponsive' | 'overflow';

/** Something a page did to the visitor (or itself) that a scan records but does not judge. */
export interface PageEvent {
  kind: PageEventKind;
  /** Index of the page visit it happened during. */
  pageIndex: number;
  /** Milliseconds since the phase started. */
  timeMs: number;
  /** Dialog type and message, pop-up or download URL, or what went wrong; at most 300 characters. */
  detail: string;
}

export interface SiteInput {
  url: string;
  name?: string;
  code?: string;
  group?: string;
}

export interface SiteScanResult {
  site: SiteInput;
  startedAt: string;
  endedAt: string;
  /** `interrupted`: stopped by SIGINT/SIGTERM before it finished; a resumed run scans the site again. */
  status: 'ok' | 'failed' | 'interrupted';
  /** One of the failure classes in src/scan/failures.ts, when the scan failed. */
  failureClass?: string;
  failureMessage?: string;
  /** How many times the site was tried: transient failures are retried. */
  attempts?: number;
  /** Registrable domain of the start URL after redirects: what "first party" means for this site. */
  siteDomain: string;
  finalUrl?: string;
  phases: PhaseObservations[];
  /**
   * The privacy and cookie statements found from the start page (its links, the banner's included)
   * and read after the phases. Absent when no search ran (the start page did not load, or the scan is
   * older than the search); empty when the search found no statement.
   */
  statements?: StatementObservation[];
}

/** One privacy or cookie statement page: where it was linked, and its visible text when readable. */
export interface StatementObservation {
  url: string;
  finalUrl?: string;
  /** The link's text (or label) as the visitor saw it. */
  linkText: string;
  /** Linked from the start page (banner included) or from another statement. */
  foundOn: 'page' | 'statement';
  status?: number;
  /** Why it could not be read: a failed load, an HTTP error, no text, not a web page. */
  error?: string;
  /** Visible text, one line per block, spaces normalised, at most 300,000 characters, when readable. */
  text?: string;
  textSha256?: string;
}

export interface RunInfo {
  toolVersion: string;
  browserVersion: string;
  browserPath: string;
  /** Chromium's cookie_controls_mode in the profile: 0 = third-party cookies allowed, as in a typical visitor's Chrome. */
  cookieControlsMode: number;
  userAgent: string;
  options: Record<string, unknown>;
  startedAt: string;
  pid?: number;
  hostname?: string;
  /** The list file or built-in list name the sites came from. */
  listSource?: string;
}
