import { describe, expect, it } from 'vitest';
import { classifyCookie, classifyRequest, classifyStorage, findingsOfPhase, SITE_ITSELF } from '../../src/classify/match.js';
import { loadTrackerRules } from '../../src/classify/rules.js';
import { cookieHost, hostOf, partyOf, registrableDomain } from '../../src/observe/party.js';
import type {
  CookieObservation,
  CookieSetEvent,
  PhaseObservations,
  RequestObservation,
  StorageObservation,
} from '../../src/observe/types.js';

const rules = loadTrackerRules();
const SITE = 'gemeente-x.nl';

function req(url: string, extra: Partial<RequestObservation> = {}): RequestObservation {
  const host = hostOf(url);
  return {
    requestId: '1',
    hop: 0,
    pageIndex: 0,
    url,
    method: 'GET',
    resourceType: 'script',
    isMainFrame: false,
    initiator: { type: 'script' },
    timeMs: 100,
    host,
    domain: registrableDomain(host),
    party: partyOf(host, SITE),
    ...extra,
  };
}

function cookie(name: string, domain: string, extra: Partial<CookieObservation> = {}): CookieObservation {
  const host = cookieHost(domain);
  return {
    name,
    domain,
    path: '/',
    session: false,
    httpOnly: false,
    secure: true,
    size: name.length + 20,
    value: { sha256: '0'.repeat(64), length: 20 },
    host,
    domainRegistrable: registrableDomain(host),
    party: partyOf(host, SITE),
    setter: 'unknown',
    ...extra,
  };
}

function storage(key: string, origin: string, extra: Partial<StorageObservation> = {}): StorageObservation {
  return {
    kind: 'localStorage',
    origin,
    frameUrl: `${origin}/`,
    key,
    value: { sha256: '0'.repeat(64), length: 10 },
    party: partyOf(hostOf(origin), SITE),
    pageIndex: 0,
    ...extra,
  };
}

const trackerOf = (url: string) => classifyRequest(req(url), rules, SITE)?.trackerId;
const cookieTracker = (name: string, domain: string, extra: Partial<CookieObservation> = {}) =>
  classifyCookie(cookie(name, domain, extra), rules, SITE)?.trackerId;

// Real URL shapes, one or more per tracker id.
const REQUESTS: Array<[string, string]> = [
  ['https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9', 'google-analytics'],
  ['https://www.googletagmanager.com/gtag/js?id=UA-12345678-1', 'google-analytics'],
  ['https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ9&gtm=45je&_p=1&cid=1.2&en=page_view', 'google-analytics'],
  ['https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ9', 'google-analytics'],
  ['https://analytics.google.com/g/collect?v=2&tid=G-ABC123XYZ9', 'google-analytics'],
  ['https://www.google-analytics.com/analytics.js', 'google-analytics'],
  ['https://www.google-analytics.com/collect?v=1&_v=j101&aip=1&t=pageview&tid=UA-12345678-1&cid=1.2', 'google-analytics'],
  ['https://www.google-analytics.com/j/collect?v=1&t=pageview&tid=UA-12345678-1', 'google-analytics'],
  ['https://www.google-analytics.com/r/collect?v=1&t=pageview&tid=UA-12345678-1', 'google-analytics'],
  ['https://stats.g.doubleclick.net/r/collect?v=1&t=dc&tid=UA-12345678-1', 'ga-advertising-features'],
  ['https://stats.g.doubleclick.net/g/collect?v=2&tid=G-ABC123XYZ9', 'ga-advertising-features'],
  ['https://www.google.com/ads/ga-audiences?v=1&t=sr&tid=UA-12345678-1', 'ga-advertising-features'],
  ['https://www.google.nl/ads/ga-audiences?v=1&t=sr&tid=G-ABC123XYZ9', 'ga-advertising-features'],
  ['https://www.googletagmanager.com/gtm.js?id=GTM-ABCD123', 'google-tag-manager'],
  ['https://www.googletagmanager.com/ns.html?id=GTM-ABCD123', 'google-tag-manager'],
  ['https://www.googletagmanager.com/gtag/js?id=GT-ABCD1234', 'google-tag-manager'],
  ['https://www.googletagmanager.com/gtag/js?id=AW-123456789', 'doubleclick'],
  ['https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456789/?random=1', 'doubleclick'],
  ['https://ad.doubleclick.net/activity;src=1234567;type=x;cat=y', 'doubleclick'],
  ['https://www.googleadservices.com/pagead/conversion/123456789/?label=abc', 'doubleclick'],
  ['https://www.googleadservices.com/pagead/conversion_async.js', 'doubleclick'],
  ['https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-1', 'doubleclick'],
  ['https://www.google.com/pagead/1p-user-list/123456789/?random=1', 'doubleclick'],
  ['https://connect.facebook.net/nl_NL/fbevents.js', 'facebook-pixel'],
  ['https://connect.facebook.net/signals/config/1234567890123456?v=2.9.1&r=stable', 'facebook-pixel'],
  ['https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1', 'facebook-pixel'],
  ['https://www.facebook.com/tr/?id=1234567890123456&ev=PageView', 'facebook-pixel'],
  ['https://connect.facebook.net/nl_NL/sdk.js#xfbml=1&version=v18.0', 'facebook-social'],
  ['https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Fgemeentex', 'facebook-social'],
  ['https://snap.licdn.com/li.lms-analytics/insight.min.js', 'linkedin-insight'],
  ['https://px.ads.linkedin.com/collect/?pid=123456&fmt=js&time=1', 'linkedin-insight'],
  ['https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C1ABCDEFGHIJKLMN&lib=ttq', 'tiktok-pixel'],
  ['https://analytics.tiktok.com/api/v2/pixel', 'tiktok-pixel'],
  ['https://static.ads-twitter.com/uwt.js', 'twitter-pixel'],
  ['https://analytics.twitter.com/i/adsct?txn_id=o1abc&p_id=Twitter&type=javascript', 'twitter-pixel'],
  ['https://t.co/i/adsct?txn_id=o1abc&p_id=Twitter', 'twitter-pixel'],
  ['https://t.co/1/i/adsct?txn_id=o1abc&p_id=Twitter', 'twitter-pixel'],
  ['https://www.clarity.ms/tag/abcdef1234', 'microsoft-clarity'],
  ['https://scripts.clarity.ms/0.7.32/clarity.js', 'microsoft-clarity'],
  ['https://k.clarity.ms/collect', 'microsoft-clarity'],
  ['https://bat.bing.com/bat.js', 'bing-uet'],
  ['https://bat.bing.com/action/0?ti=12345678&Ver=2&mid=x&evt=pageLoad', 'bing-uet'],
  ['https://static.hotjar.com/c/hotjar-1234567.js?sv=6', 'hotjar'],
  ['https://script.hotjar.com/modules.abc.js', 'hotjar'],
  ['https://content.hotjar.io/?site_id=1234567', 'hotjar'],
  ['https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0', 'youtube'],
  ['https://www.youtube.com/iframe_api', 'youtube'],
  ['https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ', 'youtube-nocookie'],
  ['https://statistiek.gemeente-x.nl/matomo.php?idsite=3&rec=1', 'matomo'],
  ['https://www.gemeente-x.nl/piwik/piwik.js', 'matomo'],
  ['https://gemeente-x.matomo.cloud/matomo.php?idsite=1&rec=1', 'matomo'],
  ['https://cdn.matomo.cloud/gemeente-x.matomo.cloud/matomo.js', 'matomo'],
  ['https://gemeente-x.piwik.pro/ppms.php?idsite=dc0f2c80-79d8-456a-9c77-6d48d6f867dd&rec=1', 'piwik-pro'],
  ['https://gemeente-x.containers.piwik.pro/dc0f2c80-79d8-456a-9c77-6d48d6f867dd.js', 'piwik-pro'],
  ['https://siteimproveanalytics.com/js/siteanalyze_6001234.js', 'siteimprove'],
  ['https://7.global.siteimproveanalytics.io/image.aspx?accountid=6001234', 'siteimprove'],
  ['https://cdn-eu.readspeaker.com/script/12345/webReader/webReader.js?pids=wr', 'readspeaker'],
  ['https://maps.googleapis.com/maps/api/js?key=AIzaX&callback=initMap', 'google-maps'],
  ['https://www.google.com/maps/embed?pb=!1m18!1m12', 'google-maps'],
  ['https://maps.gstatic.com/mapfiles/api-3/images/spotlight-poi3.png', 'google-maps'],
  ['https://fonts.googleapis.com/css2?family=Roboto&display=swap', 'google-fonts'],
  ['https://fonts.gstatic.com/s/roboto/v30/KFOmCnqEu92Fr1Mu4mxK.woff2', 'google-fonts'],
  ['https://www.google.com/recaptcha/api.js?render=explicit', 'google-recaptcha'],
  ['https://www.gstatic.com/recaptcha/releases/abc/recaptcha__nl.js', 'google-recaptcha'],
  ['https://consent.cookiebot.com/uc.js?cbid=00000000-1111-2222-3333-444444444444', 'cookiebot'],
  ['https://consentcdn.cookiebot.com/consentconfig/x/settings.js', 'cookiebot'],
  ['https://cdn.cookielaw.org/scripttemplates/otSDKStub.js', 'onetrust'],
  ['https://geolocation.onetrust.com/cookieconsentpub/v1/geo/location', 'onetrust'],
  ['https://cdn-cookieyes.com/client_data/abcdef/script.js', 'cookieyes'],
  ['https://sdk.privacy-center.org/0123abcd/loader.js?target=www.gemeente-x.nl', 'didomi'],
  ['https://cdn.kiprotect.com/klaro/v0.7/klaro.js', 'klaro'],
  ['https://cdn.jsdelivr.net/npm/klaro@0.7/dist/klaro.js', 'klaro'],
  ['https://cdn.jsdelivr.net/npm/tarteaucitronjs@1.19.0/tarteaucitron.min.js', 'tarteaucitron'],
  ['https://tarteaucitron.io/load.js?domain=www.gemeente-x.nl&uuid=abc', 'tarteaucitron'],
  ['https://cdn.jsdelivr.net/npm/cookieconsent@3/build/cookieconsent.min.js', 'osano-cookieconsent'],
  ['https://cdnjs.cloudflare.com/ajax/libs/cookieconsent2/3.1.1/cookieconsent.min.js', 'osano-cookieconsent'],
  ['https://cdn.jsdelivr.net/gh/orestbida/cookieconsent@3.1.0/dist/cookieconsent.umd.js', 'vanilla-cookieconsent'],
  ['https://cdn.jsdelivr.net/npm/vanilla-cookieconsent@3.1.0/dist/cookieconsent.umd.js', 'vanilla-cookieconsent'],
  ['https://web.cmp.usercentrics.eu/ui/loader.js', 'usercentrics'],
  ['https://app.usercentrics.eu/browser-ui/latest/loader.js', 'usercentrics'],
  ['https://consent.cookiefirst.com/sites/gemeente-x.nl-abc/consent.js', 'cookiefirst'],
  ['https://cdn.iubenda.com/cs/iubenda_cs.js', 'iubenda'],
];

// Cookies as the browser stores them: [name, domain, tracker].
const COOKIES: Array<[string, string, string]> = [
  ['_ga', '.gemeente-x.nl', 'google-analytics'],
  ['_ga_ABC123XYZ9', '.gemeente-x.nl', 'google-analytics'],
  ['_gid', '.gemeente-x.nl', 'google-analytics'],
  ['_gat_gtag_UA_12345678_1', '.gemeente-x.nl', 'google-analytics'],
  ['__utma', '.gemeente-x.nl', 'google-analytics'],
  ['IDE', '.doubleclick.net', 'doubleclick'],
  ['test_cookie', '.doubleclick.net', 'doubleclick'],
  ['DSID', '.doubleclick.net', 'doubleclick'],
  ['_gcl_au', '.gemeente-x.nl', 'doubleclick'],
  ['_fbp', '.gemeente-x.nl', 'facebook-pixel'],
  ['_fbc', '.gemeente-x.nl', 'facebook-pixel'],
  ['fr', '.facebook.com', 'facebook-pixel'],
  ['li_sugr', '.linkedin.com', 'linkedin-insight'],
  ['bcookie', '.linkedin.com', 'linkedin-insight'],
  ['lidc', '.linkedin.com', 'linkedin-insight'],
  ['UserMatchHistory', '.linkedin.com', 'linkedin-insight'],
  ['AnalyticsSyncHistory', '.linkedin.com', 'linkedin-insight'],
  ['li_fat_id', '.gemeente-x.nl', 'linkedin-insight'],
  ['_ttp', '.gemeente-x.nl', 'tiktok-pixel'],
  ['personalization_id', '.twitter.com', 'twitter-pixel'],
  ['muc_ads', '.twitter.com', 'twitter-pixel'],
  ['_clck', '.gemeente-x.nl', 'microsoft-clarity'],
  ['_clsk', '.gemeente-x.nl', 'microsoft-clarity'],
  ['CLID', 'www.clarity.ms', 'microsoft-clarity'],
  ['MUID', '.clarity.ms', 'microsoft-clarity'],
  ['MUID', '.bing.com', 'bing-uet'],
  ['_uetsid', '.gemeente-x.nl', 'bing-uet'],
  ['_uetvid', '.gemeente-x.nl', 'bing-uet'],
  ['_hjSessionUser_1234567', '.gemeente-x.nl', 'hotjar'],
  ['_hjSession_1234567', '.gemeente-x.nl', 'hotjar'],
  ['_hjid', '.gemeente-x.nl', 'hotjar'],
  ['YSC', '.youtube.com', 'youtube'],
  ['VISITOR_INFO1_LIVE', '.youtube.com', 'youtube'],
  ['VISITOR_PRIVACY_METADATA', '.youtube.com', 'youtube'],
  ['_pk_id.3.a1b2', '.gemeente-x.nl', 'matomo'],
  ['_pk_ses.3.a1b2', 'www.gemeente-x.nl', 'matomo'],
  ['_pk_id.dc0f2c80-79d8-456a-9c77-6d48d6f867dd.a1b2', '.gemeente-x.nl', 'piwik-pro'],
  ['ppms_privacy_dc0f2c80-79d8-456a-9c77-6d48d6f867dd', 'www.gemeente-x.nl', 'piwik-pro'],
  ['nmstat', '.gemeente-x.nl', 'siteimprove'],
  ['siteimproveses', '.gemeente-x.nl', 'siteimprove'],
  ['_rspkrLoadCore', 'www.gemeente-x.nl', 'readspeaker'],
  ['OptanonConsent', '.gemeente-x.nl', 'onetrust'],
  ['OptanonAlertBoxClosed', '.gemeente-x.nl', 'onetrust'],
  ['cookieyes-consent', 'www.gemeente-x.nl', 'cookieyes'],
  ['didomi_token', '.gemeente-x.nl', 'didomi'],
  ['klaro', 'www.gemeente-x.nl', 'klaro'],
  ['tarteaucitron', 'www.gemeente-x.nl', 'tarteaucitron'],
  ['cookieconsent_status', 'www.gemeente-x.nl', 'osano-cookieconsent'],
  ['cc_cookie', 'www.gemeente-x.nl', 'vanilla-cookieconsent'],
  ['cookiefirst-consent', 'www.gemeente-x.nl', 'cookiefirst'],
  ['_iub_cs-12345678', '.gemeente-x.nl', 'iubenda'],
];

describe('classifyRequest: every tracker from its real URL shapes', () => {
  it.each(REQUESTS)('%s → %s', (url, id) => {
    expect(trackerOf(url)).toBe(id);
  });

  it('covers every tracker id in the rules (by request, cookie or storage)', () => {
    const seen = new Set([...REQUESTS.map((r) => r[1]), ...COOKIES.map((c) => c[2])]);
    for (const t of rules.trackers) expect(seen.has(t.id), t.id).toBe(true);
  });

  it('fills the finding from the rule', () => {
    const f = classifyRequest(req('https://www.facebook.com/tr?id=1234567890123456&ev=PageView'), rules, SITE)!;
    expect(f).toMatchObject({
      trackerId: 'facebook-pixel',
      organisation: { name: 'Meta Platforms Inc.', country: 'US' },
      category: 'advertising',
      seriousness: 3,
      source: 'rules',
      rule: 'facebook-pixel:request:www.facebook.com/tr',
      party: 'third-party',
      pageIndex: 0,
    });
  });
});

describe('classifyCookie: every tracker from its cookies', () => {
  it.each(COOKIES)('%s on %s → %s', (name, domain, id) => {
    expect(cookieTracker(name, domain)).toBe(id);
  });

  it('a first-party _ga is still Google Analytics, with its party kept', () => {
    const f = classifyCookie(cookie('_ga', '.gemeente-x.nl'), rules, SITE)!;
    expect(f.trackerId).toBe('google-analytics');
    expect(f.party).toBe('first-party');
    expect(f.organisation.name).toBe('Google LLC');
  });

  it('reads account ids from cookie names', () => {
    expect(classifyCookie(cookie('_ga_ABC123XYZ9', '.gemeente-x.nl'), rules, SITE)?.accountIds).toEqual([
      { kind: 'ga-measurement-id', value: 'G-ABC123XYZ9' },
    ]);
    expect(classifyCookie(cookie('_hjSessionUser_1234567', '.gemeente-x.nl'), rules, SITE)?.accountIds).toEqual([
      { kind: 'hotjar-site', value: '1234567' },
    ]);
    expect(classifyCookie(cookie('_gat_gtag_UA_12345678_1', '.gemeente-x.nl'), rules, SITE)?.accountIds).toEqual([
      { kind: 'ua-property', value: 'UA-12345678-1' },
    ]);
  });

  it('domain-bound names match only on their domain', () => {
    expect(cookieTracker('IDE', '.gemeente-x.nl')).toBeUndefined();
    expect(cookieTracker('fr', '.gemeente-x.nl')).toBeUndefined();
    expect(cookieTracker('fr', '.facebook.com.evil.nl')).toBeUndefined();
    expect(cookieTracker('YSC', '.gemeente-x.nl')).toBeUndefined();
    expect(cookieTracker('bcookie', '.gemeente-x.nl')).toBeUndefined();
    expect(cookieTracker('MUID', '.gemeente-x.nl')).toBeUndefined();
    expect(cookieTracker('personalization_id', '.gemeente-x.nl')).toBeUndefined();
  });

  it('names that only resemble a tracker cookie match nothing', () => {
    expect(cookieTracker('_gax', '.gemeente-x.nl')).toBeUndefined();
    expect(cookieTracker('my_ga', '.gemeente-x.nl')).toBeUndefined();
    expect(cookieTracker('_fbp_consent', '.gemeente-x.nl')).toBeUndefined();
    expect(cookieTracker('PHPSESSID', 'www.gemeente-x.nl')).toBeUndefined();
    expect(cookieTracker('_hjson', '.gemeente-x.nl')).toBeUndefined();
  });

  it('a generic CookieConsent cookie is Cookiebot only when Cookiebot wrote it', () => {
    expect(cookieTracker('CookieConsent', 'www.gemeente-x.nl')).toBeUndefined();
    expect(
      cookieTracker('CookieConsent', 'www.gemeente-x.nl', {
        setter: 'script',
        setterUrl: 'https://consent.cookiebot.com/uc.js?cbid=00000000-1111-2222-3333-444444444444',
      }),
    ).toBe('cookiebot');
  });

  it('any cookie of youtube.com is YouTube, and youtube-nocookie.com is not YouTube', () => {
    expect(cookieTracker('__Secure-ROLLOUT_TOKEN', '.youtube.com')).toBe('youtube');
    expect(cookieTracker('YSC', '.youtube-nocookie.com')).toBe('youtube-nocookie');
  });
});

describe('classifyCookie: attribution by setter', () => {
  it('a first-party cookie written by a tracker script belongs to that tracker', () => {
    const f = classifyCookie(
      cookie('_some_unlisted_id', '.gemeente-x.nl', { setter: 'script', setterUrl: 'https://static.hotjar.com/c/hotjar-1234567.js?sv=6' }),
      rules,
      SITE,
    )!;
    expect(f.trackerId).toBe('hotjar');
    expect(f.details.attributedBy).toBe('setter');
    expect(f.rule).toBe('hotjar:cookie-setter:static.hotjar.com/c/hotjar');
    expect(f.accountIds).toEqual([{ kind: 'hotjar-site', value: '1234567' }]);
    expect(f.party).toBe('first-party');
  });

  it('a third-party cookie set by a tracker response belongs to that tracker', () => {
    const f = classifyCookie(
      cookie('NID', '.google.com', { setter: 'http', setterUrl: 'https://www.google.com/maps/embed?pb=!1m18' }),
      rules,
      SITE,
    )!;
    expect(f.trackerId).toBe('google-maps');
    expect(f.category).toBe('maps');
    expect(f.details.attributedBy).toBe('setter');
  });

  it('a cookie name rule wins over the setter', () => {
    const f = classifyCookie(
      cookie('_ga', '.gemeente-x.nl', { setter: 'script', setterUrl: 'https://www.googletagmanager.com/gtm.js?id=GTM-ABCD123' }),
      rules,
      SITE,
    )!;
    expect(f.trackerId).toBe('google-analytics');
    expect(f.details.attributedBy).toBeUndefined();
  });

  it('loaders (tag managers, CMPs) do not own what their scripts write', () => {
    const gtm = { setter: 'script' as const, setterUrl: 'https://www.googletagmanager.com/gtm.js?id=GTM-ABCD123' };
    expect(cookieTracker('banner_closed', 'www.gemeente-x.nl', gtm)).toBeUndefined();
    const cmp = { setter: 'script' as const, setterUrl: 'https://cdn.cookielaw.org/scripttemplates/otSDKStub.js' };
    expect(cookieTracker('something', 'www.gemeente-x.nl', cmp)).toBeUndefined();
  });

  it('a cookie the site wrote itself, or of unknown origin, is nobody’s', () => {
    expect(cookieTracker('session', 'www.gemeente-x.nl', { setter: 'script', setterUrl: 'https://www.gemeente-x.nl/js/app.js' })).toBeUndefined();
    expect(cookieTracker('session', 'www.gemeente-x.nl')).toBeUndefined();
  });
});

describe('self-hosted Matomo', () => {
  it("a municipality's own statistiek.gemeente-x.nl/matomo.php is first-party Matomo, seriousness 1", () => {
    const f = classifyRequest(req('https://statistiek.gemeente-x.nl/matomo.php?idsite=3&rec=1&action_name=Home'), rules, SITE)!;
    expect(f.trackerId).toBe('matomo');
    expect(f.seriousness).toBe(1);
    expect(f.organisation).toEqual(SITE_ITSELF);
    expect(f.party).toBe('first-party');
    expect(f.details.selfHosted).toBe(true);
    expect(f.accountIds).toEqual([{ kind: 'matomo-site', value: '3' }]);
    // The page title is personal-ish and not ours to keep.
    expect(JSON.stringify(f.details)).not.toContain('Home');
  });

  it('on Matomo Cloud it is InnoCraft (NZ), seriousness 2', () => {
    const f = classifyRequest(req('https://gemeente-x.matomo.cloud/matomo.php?idsite=1&rec=1'), rules, SITE)!;
    expect(f.seriousness).toBe(2);
    expect(f.organisation.country).toBe('NZ');
  });

  it("on an agency's host it is that host's operator, seriousness 2", () => {
    const f = classifyRequest(req('https://stats.webbureau.nl/matomo.js'), rules, SITE)!;
    expect(f.trackerId).toBe('matomo');
    expect(f.seriousness).toBe(2);
    expect(f.organisation).toEqual({ name: 'operator of webbureau.nl', country: '' });
  });

  it('its first-party cookie follows whoever wrote it', () => {
    expect(classifyCookie(cookie('_pk_id.3.a1b2', '.gemeente-x.nl'), rules, SITE)).toMatchObject({
      trackerId: 'matomo',
      seriousness: 1,
      organisation: SITE_ITSELF,
      details: { selfHosted: true, operatorEvidence: 'storage-domain' },
      accountIds: [{ kind: 'matomo-site', value: '3' }],
    });
    const cloud = classifyCookie(
      cookie('_pk_id.3.a1b2', '.gemeente-x.nl', { setter: 'script', setterUrl: 'https://cdn.matomo.cloud/gemeente-x.matomo.cloud/matomo.js' }),
      rules,
      SITE,
    )!;
    expect(cloud.seriousness).toBe(2);
    expect(cloud.organisation.country).toBe('NZ');
    expect(cloud.details.operatorEvidence).toBe('setter');
  });

  it('Piwik PRO cookies of the same shape are Piwik PRO when Piwik PRO wrote them', () => {
    const f = classifyCookie(
      cookie('_pk_id.dc0f2c80-79d8-456a-9c77-6d48d6f867dd.a1b2', '.gemeente-x.nl', {
        setter: 'script',
        setterUrl: 'https://gemeente-x.piwik.pro/ppms.js',
      }),
      rules,
      SITE,
    )!;
    expect(f).toMatchObject({ trackerId: 'piwik-pro', seriousness: 2, organisation: { country: 'PL' } });
  });
});

describe('negatives: no false accusations', () => {
  it('youtube-nocookie is not youtube', () => {
    const f = classifyRequest(req('https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ'), rules, SITE)!;
    expect(f.trackerId).toBe('youtube-nocookie');
    expect(f.seriousness).toBe(2);
  });

  it('an embedded Google map is google-maps, not advertising', () => {
    const f = classifyRequest(req('https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2448'), rules, SITE)!;
    expect(f.trackerId).toBe('google-maps');
    expect(f.category).toBe('maps');
    expect(f.seriousness).toBe(2);
  });

  it('lookalike hosts match nothing', () => {
    for (const url of [
      'https://facebook.com.evil.nl/tr?id=1234567890123456&ev=PageView',
      'https://www.facebook.com.evil.nl/tr?id=1',
      'https://notgoogle-analytics.com/g/collect?tid=G-ABC123XYZ9',
      'https://google-analytics.com.evil.nl/collect?tid=UA-1-1',
      'https://mydoubleclick.net/pagead/conversion/1/',
      'https://evil-youtube.com/embed/x',
      'https://hotjar.com.example.org/c/hotjar-1.js',
      'https://googletagmanager.com.evil.nl/gtm.js?id=GTM-ABCD123',
      'https://google.com.evil.nl/ads/ga-audiences',
    ]) {
      expect(trackerOf(url), url).toBeUndefined();
    }
  });

  it("the site's own /tr, /collect and /g/collect paths match nothing", () => {
    for (const url of [
      'https://www.gemeente-x.nl/tr?id=1234567890123456&ev=PageView',
      'https://www.gemeente-x.nl/collect?v=1&tid=UA-1-1',
      'https://www.gemeente-x.nl/g/collect?tid=G-ABC123XYZ9',
      'https://www.gemeente-x.nl/gtag/js?id=G-ABC123XYZ9',
      'https://www.gemeente-x.nl/embed/video',
    ]) {
      expect(trackerOf(url), url).toBeUndefined();
    }
  });

  it('Facebook paths that only start like /tr are not the pixel', () => {
    expect(trackerOf('https://www.facebook.com/translations/x')).toBe('facebook-social');
  });

  it('other Google hosts and paths are not advertising', () => {
    expect(trackerOf('https://www.google.com/search?q=gemeente')).toBeUndefined();
    expect(trackerOf('https://www.gstatic.com/images/branding/logo.png')).toBeUndefined();
    expect(trackerOf('https://t.co/AbCdEf')).toBeUndefined();
  });

  it('non-web URLs and garbage are ignored', () => {
    expect(trackerOf('data:image/gif;base64,R0lGOD')).toBeUndefined();
    expect(trackerOf('blob:https://www.gemeente-x.nl/123')).toBeUndefined();
    expect(trackerOf('not a url')).toBeUndefined();
  });
});

describe('what the hits reveal', () => {
  const details = (url: string) => classifyRequest(req(url), rules, SITE)!;

  it('GA4 measurement id, event and Consent Mode from /g/collect', () => {
    const f = details('https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ9&gcs=G100&gcd=13p3p3p2p5l1&npa=1&en=page_view');
    expect(f.accountIds).toEqual([{ kind: 'ga-measurement-id', value: 'G-ABC123XYZ9' }]);
    expect(f.details).toMatchObject({ gcs: 'G100', gcd: '13p3p3p2p5l1', npa: true, event: 'page_view' });
    expect(f.details.aip).toBeUndefined();
  });

  it('Universal Analytics with and without aip=1', () => {
    expect(details('https://www.google-analytics.com/collect?v=1&aip=1&t=pageview&tid=UA-12345678-1').details.aip).toBe(true);
    const masked = details('https://www.google-analytics.com/j/collect?v=1&t=pageview&tid=UA-12345678-1');
    expect(masked.details.aip).toBe(false);
    expect(masked.accountIds).toEqual([{ kind: 'ua-property', value: 'UA-12345678-1' }]);
    // aip inside another parameter's value is not aip.
    expect(details('https://www.google-analytics.com/collect?v=1&t=pageview&tid=UA-12345678-1&dl=https%3A%2F%2Fx.nl%2F%3Faip%3D1').details.aip).toBe(false);
  });

  it('gtag.js, GTM and Google Ads ids', () => {
    expect(details('https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9').accountIds).toEqual([
      { kind: 'ga-measurement-id', value: 'G-ABC123XYZ9' },
    ]);
    expect(details('https://www.googletagmanager.com/gtm.js?id=GTM-ABCD123').accountIds).toEqual([
      { kind: 'gtm-container', value: 'GTM-ABCD123' },
    ]);
    expect(details('https://www.googletagmanager.com/gtag/js?id=AW-123456789').accountIds).toEqual([
      { kind: 'google-ads-conversion', value: 'AW-123456789' },
    ]);
    expect(details('https://www.googleadservices.com/pagead/conversion/987654321/?label=x&gcs=G111').accountIds).toEqual([
      { kind: 'google-ads-conversion', value: 'AW-987654321' },
    ]);
  });

  it('Facebook pixel id, event and advanced matching', () => {
    const f = details('https://www.facebook.com/tr/?id=1234567890123456&ev=PageView&ud[em]=abc123&ud%5Bph%5D=def456&dl=https%3A%2F%2Fx.nl');
    expect(f.accountIds).toEqual([{ kind: 'facebook-pixel', value: '1234567890123456' }]);
    expect(f.details).toMatchObject({ event: 'PageView', advancedMatching: true, advancedMatchingFields: ['em', 'ph'] });
    const plain = details('https://www.facebook.com/tr?id=1234567890123456&ev=PageView&dl=https%3A%2F%2Fx.nl%2F%3Fud%5Bem%5D%3D1');
    expect(plain.details.advancedMatching).toBeUndefined();
    expect(details('https://connect.facebook.net/signals/config/1234567890123456?v=2.9.1').accountIds).toEqual([
      { kind: 'facebook-pixel', value: '1234567890123456' },
    ]);
  });

  it('LinkedIn, TikTok, Clarity, Hotjar, Bing, X account ids', () => {
    expect(details('https://px.ads.linkedin.com/collect/?pid=123456&fmt=js').accountIds).toEqual([{ kind: 'linkedin-partner', value: '123456' }]);
    expect(details('https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C1ABCDEFGHIJKLMN&lib=ttq').accountIds).toEqual([
      { kind: 'tiktok-pixel', value: 'C1ABCDEFGHIJKLMN' },
    ]);
    expect(details('https://www.clarity.ms/tag/abcdef1234').accountIds).toEqual([{ kind: 'clarity-project', value: 'abcdef1234' }]);
    expect(details('https://static.hotjar.com/c/hotjar-1234567.js?sv=6').accountIds).toEqual([{ kind: 'hotjar-site', value: '1234567' }]);
    expect(details('https://bat.bing.com/action/0?ti=12345678&evt=pageLoad').accountIds).toEqual([{ kind: 'bing-uet-tag', value: '12345678' }]);
    expect(details('https://t.co/i/adsct?txn_id=o1abc&p_id=Twitter').accountIds).toEqual([{ kind: 'twitter-pixel', value: 'o1abc' }]);
  });

  it('a failed hit says so', () => {
    const f = classifyRequest(req('https://www.facebook.com/tr?id=1', { failure: 'net::ERR_CONNECTION_REFUSED' }), rules, SITE)!;
    expect(f.details.requestFailed).toBe('net::ERR_CONNECTION_REFUSED');
  });
});

describe('classifyStorage', () => {
  it('matches keys within the origins the rule names', () => {
    expect(classifyStorage(storage('_hjSessionStorageTest', 'https://www.gemeente-x.nl'), rules, SITE)?.trackerId).toBe('hotjar');
    expect(classifyStorage(storage('yt-remote-device-id', 'https://www.youtube-nocookie.com'), rules, SITE)?.trackerId).toBe('youtube-nocookie');
    expect(classifyStorage(storage('yt-remote-device-id', 'https://www.youtube.com'), rules, SITE)?.trackerId).toBe('youtube');
    expect(classifyStorage(storage('yt-remote-device-id', 'https://www.gemeente-x.nl'), rules, SITE)).toBeUndefined();
    expect(classifyStorage(storage('uc_settings', 'https://www.gemeente-x.nl'), rules, SITE)?.trackerId).toBe('usercentrics');
    expect(classifyStorage(storage('_uetvid', 'https://www.gemeente-x.nl'), rules, SITE)?.trackerId).toBe('bing-uet');
    expect(classifyStorage(storage('theme', 'https://www.gemeente-x.nl'), rules, SITE)).toBeUndefined();
  });
});

describe('findingsOfPhase', () => {
  const event = (name: string, domain: string, pageIndex: number, timeMs: number): CookieSetEvent => ({
    name,
    domain,
    path: '/',
    source: 'script',
    deletes: false,
    timeMs,
    pageIndex,
    value: { sha256: '0'.repeat(64), length: 5 },
  });

  const phase: PhaseObservations = {
    phase: 'pre',
    startedAt: '',
    endedAt: '',
    status: 'ok',
    pages: [],
    requests: [
      req('https://www.gemeente-x.nl/', { resourceType: 'document', isMainFrame: true }),
      req('https://connect.facebook.net/nl_NL/fbevents.js'),
      // A redirect chain: both hops are their own observations.
      req('https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456789/?random=1', { requestId: '9', hop: 0 }),
      req('https://www.google.com/pagead/1p-user-list/123456789/?random=1', { requestId: '9', hop: 1 }),
      req('https://fonts.googleapis.com/css2?family=Roboto', { pageIndex: 2 }),
    ],
    cookies: [cookie('PHPSESSID', 'www.gemeente-x.nl'), cookie('_fbp', '.gemeente-x.nl')],
    cookieEvents: [event('_fbp', '.gemeente-x.nl', 1, 900), event('_fbp', '.gemeente-x.nl', 0, 500)],
    storage: [storage('_hjid', 'https://www.gemeente-x.nl', { pageIndex: 1 })],
    consent: { action: 'none', bannerFound: false, secondLayer: false, clicks: [], success: false },
    signals: {},
    screenshots: [],
  };

  it('gives one finding per matching observation with its index as evidence', () => {
    const findings = findingsOfPhase(phase, rules, SITE);
    expect(findings.map((f) => [f.trackerId, f.evidence, f.pageIndex, f.phase])).toEqual([
      ['facebook-pixel', { kind: 'request', index: 1 }, 0, 'pre'],
      ['doubleclick', { kind: 'request', index: 2 }, 0, 'pre'],
      ['doubleclick', { kind: 'request', index: 3 }, 0, 'pre'],
      ['google-fonts', { kind: 'request', index: 4 }, 2, 'pre'],
      ['facebook-pixel', { kind: 'cookie', index: 1 }, 0, 'pre'],
      ['hotjar', { kind: 'storage', index: 0 }, 1, 'pre'],
    ]);
  });
});
