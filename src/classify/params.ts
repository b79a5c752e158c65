// What a tracker hit reveals about itself, read from its URL with URLSearchParams (never by substring):
// whose account it reports to, which event, whether personal data rode along, what consent state the
// page declared. Only the URL is seen: POST bodies are not observed, so absence proves nothing.
import type { AccountId } from './types.js';

export type Details = Record<string, string | number | boolean | string[]>;

export interface HitInfo {
  accountIds: AccountId[];
  details: Details;
}

const GA4_ID = /^G-[A-Z0-9]{4,}$/i;
const UA_ID = /^UA-\d{4,}-\d{1,4}$/i;
const GTM_ID = /^GTM-[A-Z0-9]{4,}$/i;
const GOOGLE_TAG_ID = /^GT-[A-Z0-9]{4,}$/i;
const ADS_ID = /^AW-\d{5,}$/i;
const FLOODLIGHT_ID = /^DC-\d{5,}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class Collector {
  readonly accountIds: AccountId[] = [];
  readonly details: Details = {};
  account(kind: string, value: string | null | undefined): void {
    if (!value) return;
    if (!this.accountIds.some((a) => a.kind === kind && a.value === value)) this.accountIds.push({ kind, value });
  }
  detail(key: string, value: string | number | boolean | string[] | null | undefined): void {
    if (value === null || value === undefined || value === '') return;
    this.details[key] = value;
  }
  result(): HitInfo {
    return { accountIds: this.accountIds, details: this.details };
  }
}

/** A Google tag id (gtag/js?id=…, tid=…) sorted by what it identifies. */
function googleTagId(c: Collector, raw: string | null): void {
  if (!raw) return;
  const id = raw.trim().toUpperCase();
  if (GA4_ID.test(id)) c.account('ga-measurement-id', id);
  else if (UA_ID.test(id)) c.account('ua-property', id);
  else if (GTM_ID.test(id)) c.account('gtm-container', id);
  else if (GOOGLE_TAG_ID.test(id)) c.account('google-tag', id);
  else if (ADS_ID.test(id)) c.account('google-ads-conversion', id);
  else if (FLOODLIGHT_ID.test(id)) c.account('floodlight-advertiser', id);
}

/** Consent Mode as the page declared it in the hit: gcs (v1 state), gcd (v2 state), npa (non-personalised ads). */
function consentMode(c: Collector, p: URLSearchParams): void {
  const gcs = p.get('gcs');
  if (gcs && /^G1[01-]{2}$/.test(gcs)) c.detail('gcs', gcs);
  const gcd = p.get('gcd');
  if (gcd && gcd.length <= 64) c.detail('gcd', gcd);
  const npa = p.get('npa');
  if (npa === '0' || npa === '1') c.detail('npa', npa === '1');
}

function googleAnalytics(c: Collector, u: URL): void {
  const p = u.searchParams;
  googleTagId(c, p.get('tid'));
  googleTagId(c, p.get('id'));
  consentMode(c, p);
  const tid = (p.get('tid') ?? '').toUpperCase();
  // A Universal Analytics hit: IP masking is only visible as aip=1 in the hit itself. GA4 has no such switch.
  const isUaHit = /\/(j\/|r\/)?collect$/.test(u.pathname) && !u.pathname.endsWith('/g/collect') && (p.get('v') === '1' || UA_ID.test(tid));
  if (isUaHit) {
    const aip = p.get('aip');
    c.detail('aip', aip === '1' || aip === 'true');
    c.detail('hitType', p.get('t'));
  }
  const en = p.get('en');
  if (en && en.length <= 100) c.detail('event', en);
}

/** Google Ads: AW- from a gtag id, or the numeric conversion id in /pagead/<kind>/<id>/. */
function googleAds(c: Collector, u: URL): void {
  const p = u.searchParams;
  googleTagId(c, p.get('id'));
  const m = /^\/pagead\/(?:conversion|viewthroughconversion|1p-user-list|1p-conversion)\/(\d{5,})(?:\/|$)/.exec(u.pathname);
  if (m) c.account('google-ads-conversion', `AW-${m[1]}`);
  consentMode(c, p);
}

function facebookPixel(c: Collector, u: URL): void {
  const p = u.searchParams;
  const config = /^\/signals\/config\/(\d{5,20})$/.exec(u.pathname);
  if (config) c.account('facebook-pixel', config[1]);
  if (/^\/tr\/?$/.test(u.pathname)) {
    const id = p.get('id');
    if (id && /^\d{5,20}$/.test(id)) c.account('facebook-pixel', id);
    const ev = p.get('ev');
    if (ev && ev.length <= 100) c.detail('event', ev);
  }
  // Advanced matching: the pixel sends (hashed) e-mail, phone, name … as ud[em], ud[ph], ud[fn] …
  const fields = new Set<string>();
  for (const key of p.keys()) {
    const m = /^ud\[([^\]]{1,40})\]$/.exec(key);
    if (m?.[1]) fields.add(m[1]);
  }
  if (fields.size) {
    c.detail('advancedMatching', true);
    c.detail('advancedMatchingFields', [...fields].sort());
  }
}

/** Numeric ids from a URL parameter, e.g. LinkedIn's pid=123456. */
function numericParam(c: Collector, p: URLSearchParams, param: string, kind: string): void {
  for (const v of p.getAll(param)) for (const part of v.split(',')) if (/^\d{3,20}$/.test(part.trim())) c.account(kind, part.trim());
}

export function paramsOfUrl(trackerId: string, url: URL): HitInfo {
  const c = new Collector();
  const p = url.searchParams;
  switch (trackerId) {
    case 'google-analytics':
    case 'ga-advertising-features':
      googleAnalytics(c, url);
      break;
    case 'google-tag-manager':
      googleTagId(c, p.get('id'));
      consentMode(c, p);
      break;
    case 'doubleclick':
      googleAds(c, url);
      break;
    case 'facebook-pixel':
      facebookPixel(c, url);
      break;
    case 'linkedin-insight':
      numericParam(c, p, 'pid', 'linkedin-partner');
      break;
    case 'tiktok-pixel': {
      const id = p.get('sdkid');
      if (id && /^[A-Z0-9]{6,40}$/i.test(id)) c.account('tiktok-pixel', id);
      break;
    }
    case 'twitter-pixel': {
      const id = p.get('txn_id');
      if (id && /^[a-z0-9]{3,20}$/i.test(id)) c.account('twitter-pixel', id);
      break;
    }
    case 'microsoft-clarity': {
      const m = /^\/tag\/([a-z0-9]{6,20})$/i.exec(url.pathname);
      if (m) c.account('clarity-project', m[1]);
      break;
    }
    case 'bing-uet':
      numericParam(c, p, 'ti', 'bing-uet-tag');
      c.detail('event', p.get('evt'));
      break;
    case 'hotjar': {
      const m = /\/hotjar-(\d{3,12})\.js$/.exec(url.pathname) ?? /\/sites\/(\d{3,12})(?:\/|$)/.exec(url.pathname);
      if (m) c.account('hotjar-site', m[1]);
      break;
    }
    case 'matomo': {
      const id = p.get('idsite');
      if (id && /^\d{1,9}$/.test(id)) c.account('matomo-site', id);
      break;
    }
    case 'piwik-pro': {
      const id = p.get('idsite') ?? /\/([0-9a-f-]{36})\.(?:js|sync\.js)$/i.exec(url.pathname)?.[1] ?? null;
      if (id && UUID.test(id)) c.account('piwik-pro-site', id.toLowerCase());
      break;
    }
    case 'siteimprove': {
      const m = /\/siteanalyze_(\d{3,12})\.js$/.exec(url.pathname);
      if (m) c.account('siteimprove-account', m[1]);
      break;
    }
    case 'cookiebot': {
      const id = p.get('cbid');
      if (id && UUID.test(id)) c.account('cookiebot-id', id.toLowerCase());
      break;
    }
    case 'youtube':
    case 'youtube-nocookie': {
      const m = /^\/embed\/([A-Za-z0-9_-]{6,20})$/.exec(url.pathname);
      if (m) c.detail('video', m[1]!);
      break;
    }
  }
  return c.result();
}

/** Account ids some cookie names carry: `_ga_<id>`, `_hjSession_<id>`, `_pk_id.<site>.<hash>` … */
export function accountIdsOfCookie(trackerId: string, name: string): AccountId[] {
  const c = new Collector();
  let m: RegExpExecArray | null;
  switch (trackerId) {
    case 'google-analytics':
      if ((m = /^_ga_([A-Z0-9]{4,})$/.exec(name))) c.account('ga-measurement-id', `G-${m[1]}`);
      else if ((m = /^_gat_gtag_UA_(\d{4,})_(\d{1,4})$/.exec(name))) c.account('ua-property', `UA-${m[1]}-${m[2]}`);
      break;
    case 'hotjar':
      if ((m = /^_hjSession(?:User)?_(\d{3,12})$/.exec(name))) c.account('hotjar-site', m[1]);
      break;
    case 'matomo':
      if ((m = /^_pk_[a-z]+\.(\d{1,9})\./.exec(name))) c.account('matomo-site', m[1]);
      break;
    case 'piwik-pro':
      if ((m = /^(?:_pk_[a-z]+\.|ppms_privacy_)([0-9a-f-]{36})/i.exec(name)) && UUID.test(m[1]!)) c.account('piwik-pro-site', m[1]!.toLowerCase());
      break;
    case 'iubenda':
      if ((m = /^_iub_cs-(\d{3,12})$/.exec(name))) c.account('iubenda-site', m[1]);
      break;
    case 'tiktok-pixel':
      if ((m = /^ttcsid_([A-Z0-9]{6,40})$/.exec(name))) c.account('tiktok-pixel', m[1]);
      break;
  }
  return c.accountIds;
}
