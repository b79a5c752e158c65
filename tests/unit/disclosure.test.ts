import { describe, expect, it } from 'vitest';
import {
  type Disclosure,
  type StatementText,
  disclosuresOf,
  organisationNameOf,
  organisationTerms,
  termsOf,
  undisclosed,
} from '../../src/classify/disclosure.js';
import { loadTrackerRules } from '../../src/classify/rules.js';
import type { Finding } from '../../src/classify/types.js';

// The project's real rules, so the tests exercise the real aliases.
const rules = loadTrackerRules();

function finding(trackerId: string, extra: Partial<Finding> = {}): Finding {
  const t = rules.byId.get(trackerId);
  if (!t) throw new Error(`no tracker ${trackerId} in the rules`);
  return {
    phase: 'pre',
    trackerId,
    trackerName: t.name,
    organisation: t.organisation,
    category: t.category,
    seriousness: t.seriousness,
    source: 'rules',
    rule: `${trackerId}:request:test`,
    evidence: { kind: 'request', index: 0 },
    pageIndex: 0,
    party: 'third-party',
    accountIds: [],
    details: {},
    ...extra,
  };
}

const URL = 'https://www.gemeente.nl/privacyverklaring';
const statement = (text: string, url = URL): StatementText => ({ url, text });

/** Disclosures for the given trackers against one statement. */
function judge(text: string, ...ids: string[]): Disclosure[] {
  return disclosuresOf(
    ids.map((id) => finding(id)),
    rules,
    [statement(text)],
  );
}

/** The disclosure of one tracker against one statement. */
function one(text: string, id: string): Disclosure {
  const d = judge(text, id).find((x) => x.trackerId === id);
  if (!d) throw new Error(`no disclosure for ${id}`);
  return d;
}

const status = (text: string, id: string) => one(text, id).status;

describe('terms and their level', () => {
  const terms = termsOf(rules);

  it('splits Google Analytics into its own names and the organisation', () => {
    const ga = terms.get('google-analytics');
    expect(ga?.tracker).toEqual(expect.arrayContaining(['Google Analytics', 'Google Analytics 4', 'GA4', 'Universal Analytics']));
    expect(ga?.organisation).toContain('Google');
    expect(ga?.tracker).not.toContain('Google');
  });

  it('treats names several trackers share as organisation-level', () => {
    const fb = terms.get('facebook-pixel');
    expect(fb?.tracker).toEqual(expect.arrayContaining(['Meta Pixel', 'Facebook Pixel', 'Facebook Ads']));
    expect(fb?.organisation).toEqual(expect.arrayContaining(['Meta', 'Facebook', 'Meta Platforms']));
    expect(terms.get('microsoft-clarity')?.organisation).toContain('Microsoft');
    expect(terms.get('bing-uet')?.organisation).toContain('Microsoft');
    expect(terms.get('linkedin-insight')?.organisation).toEqual(expect.arrayContaining(['Microsoft', 'LinkedIn']));
  });

  it('keeps a tracker name tracker-level even when another tracker lists it as alias', () => {
    expect(terms.get('google-analytics')?.tracker).toContain('Google Analytics');
    expect(terms.get('ga-advertising-features')?.organisation).toContain('Google Analytics');
    expect(terms.get('ga-advertising-features')?.tracker).toEqual(expect.arrayContaining(['Google signals', 'Google remarketing']));
    // "YouTube (embedded video)" → "YouTube" is the embed's own name; the nocookie embed only shares it.
    expect(terms.get('youtube')?.tracker).toContain('YouTube');
    expect(terms.get('youtube-nocookie')?.organisation).toContain('YouTube');
    expect(terms.get('hotjar')?.tracker).toContain('Hotjar');
  });

  it('never searches an alias of fewer than 3 letters ("X"), but keeps "GA4" and "X Pixel"', () => {
    expect(terms.get('twitter-pixel')?.unusable).toEqual(['X']);
    expect(terms.get('twitter-pixel')?.tracker).toEqual(expect.arrayContaining(['X Pixel', 'Twitter', 'X Ads']));
    expect([...(terms.get('twitter-pixel')?.tracker ?? []), ...(terms.get('twitter-pixel')?.organisation ?? [])]).not.toContain('X');
    expect(terms.get('google-analytics')?.unusable).toEqual([]);
  });

  it('organisationTerms lists the organisation-level terms per tracker', () => {
    const org = organisationTerms(rules);
    expect(org.get('google-analytics')).toContain('Google');
    expect(org.get('facebook-social')).toEqual(expect.arrayContaining(['Facebook', 'Meta']));
    expect(org.get('twitter-pixel')).toContain('X Corp');
  });

  it('strips legal suffixes and parenthesised parts from organisation names', () => {
    expect(organisationNameOf('Google LLC')).toBe('Google');
    expect(organisationNameOf('Meta Platforms Inc.')).toBe('Meta Platforms');
    expect(organisationNameOf('Meta Platforms Ireland Limited')).toBe('Meta Platforms');
    expect(organisationNameOf('Siteimprove A/S')).toBe('Siteimprove');
    expect(organisationNameOf('Hotjar Ltd (Contentsquare)')).toBe('Hotjar');
    expect(organisationNameOf('ReadSpeaker B.V.')).toBe('ReadSpeaker');
    expect(organisationNameOf('iubenda S.r.l. (team.blue)')).toBe('iubenda');
    expect(organisationNameOf('KIProtect GmbH (Klaro)')).toBe('KIProtect');
    expect(organisationNameOf('X Corp.')).toBe('X Corp');
  });
});

describe('named, organisation-named, not-named', () => {
  it('names Google Analytics but not the Meta Pixel', () => {
    const ds = judge('Wij gebruiken Google Analytics om het bezoek aan onze website te meten.', 'google-analytics', 'facebook-pixel');
    const ga = ds.find((d) => d.trackerId === 'google-analytics');
    expect(ga?.status).toBe('named');
    expect(ga?.evidence).toEqual({
      term: 'Google Analytics',
      statementUrl: URL,
      snippet: 'Wij gebruiken Google Analytics om het bezoek aan onze website te meten.',
    });
    const fb = ds.find((d) => d.trackerId === 'facebook-pixel');
    expect(fb?.status).toBe('not-named');
    expect(fb?.evidence).toBeUndefined();
  });

  it('a statement that says only "Google" names only the organisation', () => {
    const d = one('Voor statistieken maken wij gebruik van diensten van Google.', 'google-analytics');
    expect(d.status).toBe('organisation-named');
    expect(d.evidence?.term).toBe('Google');
  });

  it('"Facebook" names only the organisation of the pixel; "Facebook Pixel" names the pixel', () => {
    expect(status('Op onze pagina op Facebook plaatsen wij nieuws.', 'facebook-pixel')).toBe('organisation-named');
    expect(status('Wij gebruiken de Facebook Pixel om campagnes te meten.', 'facebook-pixel')).toBe('named');
    expect(status('We use the Meta Pixel to measure our campaigns.', 'facebook-pixel')).toBe('named');
  });

  it('"metadata" and other words that contain "Meta" do not name Meta', () => {
    expect(status('Wij bewaren metadata van uw bezoek.', 'facebook-pixel')).toBe('not-named');
    expect(status('Metadata bewaren wij zes maanden.', 'facebook-pixel')).toBe('not-named');
    expect(status('Wij slaan meta-gegevens op.', 'facebook-pixel')).toBe('not-named');
    expect(status('Wij delen gegevens met Meta.', 'facebook-pixel')).toBe('organisation-named');
    expect(status('Wij delen gegevens met META.', 'facebook-pixel')).toBe('organisation-named');
  });

  it('never matches "X" alone', () => {
    expect(status('Klik op X om dit venster te sluiten. Xbox en X-as.', 'twitter-pixel')).toBe('not-named');
    expect(status('Wij gebruiken de X Pixel.', 'twitter-pixel')).toBe('named');
    expect(status('Wij gebruiken de Twitter-pixel.', 'twitter-pixel')).toBe('named');
  });

  it('matches whole words only, Unicode-aware', () => {
    expect(status('Zie googleplex en ungoogled voor meer informatie.', 'google-analytics')).toBe('not-named');
    expect(status('Zie éGoogle Analytics.', 'google-analytics')).toBe('not-named');
    expect(status('Wij gebruiken «Google Analytics».', 'google-analytics')).toBe('named');
    expect(status('Wij gebruiken Google Analytics4.', 'google-analytics')).toBe('named');
  });

  it('is case-insensitive', () => {
    expect(status('WIJ GEBRUIKEN GOOGLE ANALYTICS.', 'google-analytics')).toBe('named');
    expect(status('wij gebruiken google analytics.', 'google-analytics')).toBe('named');
  });

  it('treats NBSP, line breaks and other whitespace inside a term as one space', () => {
    for (const text of ['Wij gebruiken Google\u00a0Analytics.', 'Wij gebruiken Google\nAnalytics.', 'Wij gebruiken Google \r\n\t Analytics.', 'Wij gebruiken Google\u202fAnalytics.']) {
      const d = one(text, 'google-analytics');
      expect(d.status, text).toBe('named');
      expect(d.evidence?.snippet).toBe('Wij gebruiken Google Analytics.');
    }
  });

  it('ignores soft hyphens and zero-width spaces inside words', () => {
    expect(status('Wij gebruiken Face\u00adbook Pixel.', 'facebook-pixel')).toBe('named');
    expect(status('Wij gebruiken Google\u200bAnalytics.', 'google-analytics')).toBe('named');
  });

  it('tolerates a hyphen or a missing space between the words of a term', () => {
    expect(status('Wij gebruiken Google-Analytics.', 'google-analytics')).toBe('named');
    expect(status('Wij gebruiken GoogleAnalytics.', 'google-analytics')).toBe('named');
    expect(status('Wij gebruiken de Facebookpixel.', 'facebook-pixel')).toBe('named');
    expect(status('Wij gebruiken de Meta-pixel.', 'facebook-pixel')).toBe('named');
    expect(status('Cookies van google-analytics.com.', 'google-analytics')).toBe('named');
  });

  it('recognises Dutch compounds with a hyphen or written together', () => {
    expect(status('Wij plaatsen Google Analytics-cookies.', 'google-analytics')).toBe('named');
    expect(status('Wij plaatsen Googlecookies.', 'google-analytics')).toBe('organisation-named');
    expect(status("Op onze site staan Youtubevideo's.", 'youtube')).toBe('named');
    expect(status("Op onze site staan YouTube-video's.", 'youtube')).toBe('named');
    // Written together in lower case it is too likely another word.
    expect(status('Dat heb ik gegoogled en googlecookies genoemd.', 'google-analytics')).toBe('not-named');
  });

  it('names GA4 and prefers the longest term at one place', () => {
    expect(one('Wij gebruiken GA4.', 'google-analytics').evidence?.term).toBe('GA4');
    expect(one('Wij gebruiken Google Analytics 4.', 'google-analytics').evidence?.term).toBe('Google Analytics 4');
  });

  it('a short term written all in lower case names nothing', () => {
    expect(status('Zoek het op met bing of een andere zoekmachine.', 'bing-uet')).toBe('not-named');
    expect(status('Wij gebruiken Bing voor advertenties.', 'bing-uet')).toBe('named');
  });

  it('browser names do not name Google or Microsoft', () => {
    const text = 'U kunt cookies verwijderen in Google Chrome, Microsoft Edge en Firefox.';
    expect(status(text, 'google-analytics')).toBe('not-named');
    expect(status(text, 'microsoft-clarity')).toBe('not-named');
  });

  it("another tracker's name does not name its organisation for this one", () => {
    // The newspaper's case: statements that named Google Analytics at best did not disclose DoubleClick.
    expect(status('Wij gebruiken Google Analytics.', 'doubleclick')).toBe('not-named');
    expect(status('Op de contactpagina staat een kaart van Google Maps.', 'google-analytics')).toBe('not-named');
    expect(status('Wij gebruiken de Facebook Pixel.', 'facebook-social')).toBe('not-named');
    // The organisation on its own does count, as does a compound with a generic noun.
    expect(status('Wij gebruiken Google Analytics en hebben een verwerkersovereenkomst met Google.', 'doubleclick')).toBe('organisation-named');
    expect(status('Wij gebruiken diverse Google-diensten.', 'doubleclick')).toBe('organisation-named');
    // A tracker's own name inside a longer one still names it.
    expect(status('Wij gebruiken de Google Analytics advertising features.', 'google-analytics')).toBe('named');
  });

  it('YouTube names the embed, and only the organisation of the privacy-enhanced embed', () => {
    expect(status('Wij tonen video’s van YouTube.', 'youtube')).toBe('named');
    expect(status('Wij tonen video’s van YouTube.', 'youtube-nocookie')).toBe('organisation-named');
    expect(status('Wij tonen video’s via youtube-nocookie.', 'youtube-nocookie')).toBe('named');
  });

  it('Google Analytics names only the organisation for its advertising features', () => {
    expect(status('Wij gebruiken Google Analytics.', 'ga-advertising-features')).toBe('organisation-named');
    expect(status('Wij gebruiken Google signals.', 'ga-advertising-features')).toBe('named');
  });

  it('reads an English statement', () => {
    const ds = judge(
      'This website uses Google Analytics and Hotjar to understand how visitors use it. We embed videos from YouTube. We do not use Facebook or TikTok.',
      'google-analytics',
      'hotjar',
      'youtube',
      'facebook-pixel',
      'tiktok-pixel',
      'linkedin-insight',
    );
    expect(Object.fromEntries(ds.map((d) => [d.trackerId, d.status]))).toEqual({
      'google-analytics': 'named',
      hotjar: 'named',
      youtube: 'named',
      'facebook-pixel': 'denied',
      'tiktok-pixel': 'denied',
      'linkedin-insight': 'not-named',
    });
  });
});

describe('denials', () => {
  it('"We do not use Facebook" denies the pixel', () => {
    const d = one('We do not use Facebook.', 'facebook-pixel');
    expect(d.status).toBe('denied');
    expect(d.evidence).toEqual({ term: 'Facebook', statementUrl: URL, snippet: 'We do not use Facebook.' });
  });

  it('"Wij gebruiken geen Facebook Pixel, wel Google Analytics": pixel denied, Analytics named', () => {
    const ds = judge('Wij gebruiken geen Facebook Pixel, wel Google Analytics.', 'facebook-pixel', 'google-analytics');
    expect(ds.find((d) => d.trackerId === 'facebook-pixel')?.status).toBe('denied');
    expect(ds.find((d) => d.trackerId === 'facebook-pixel')?.evidence?.term).toBe('Facebook Pixel');
    expect(ds.find((d) => d.trackerId === 'google-analytics')?.status).toBe('named');
  });

  it('a contrast word ends the denial', () => {
    const cases = [
      'Wij gebruiken geen Facebook Pixel maar wel Google Analytics.',
      'Wij gebruiken geen Hotjar, Google Analytics wel.',
      'We do not use Facebook Pixel, but we use Google Analytics.',
      'We do not use Hotjar and we use Google Analytics.',
    ];
    for (const text of cases) expect(status(text, 'google-analytics'), text).toBe('named');
    expect(status(cases[1] ?? '', 'hotjar')).toBe('denied');
  });

  it('a denial plus an affirmation elsewhere is named, with the affirmation as evidence', () => {
    const d = one(
      'Wij gebruiken geen Facebook Pixel. Voor onze campagnes plaatsen wij de Facebook Pixel op de campagnepagina’s.',
      'facebook-pixel',
    );
    expect(d.status).toBe('named');
    expect(d.evidence?.snippet).toBe('Voor onze campagnes plaatsen wij de Facebook Pixel op de campagnepagina’s.');
  });

  it('an affirmation in another statement outweighs a denial', () => {
    const ds = disclosuresOf([finding('facebook-pixel')], rules, [
      statement('Wij gebruiken geen Facebook Pixel.', 'https://www.gemeente.nl/privacy'),
      statement('Op campagnepagina’s plaatsen wij de Meta Pixel.', 'https://www.gemeente.nl/cookies'),
    ]);
    expect(ds[0]?.status).toBe('named');
    expect(ds[0]?.evidence?.statementUrl).toBe('https://www.gemeente.nl/cookies');
  });

  it('recognises the usual Dutch and English phrasings', () => {
    const denied: Array<[string, string]> = [
      ['Wij gebruiken geen Google Analytics.', 'google-analytics'],
      ['Wij maken geen gebruik van Google Analytics.', 'google-analytics'],
      ['Wij maken op onze website geen gebruik van Hotjar.', 'hotjar'],
      ['Wij plaatsen geen cookies van Hotjar.', 'hotjar'],
      ['Wij gebruiken nooit TikTok Pixel.', 'tiktok-pixel'],
      ['Wij gebruiken dan ook geen Facebook Pixel.', 'facebook-pixel'],
      ['Wij gebruiken niet langer Google Analytics.', 'google-analytics'],
      ['Er worden geen cookies van Hotjar geplaatst.', 'hotjar'],
      ['Deze website bevat geen Facebook Pixel.', 'facebook-pixel'],
      ['Google Analytics gebruiken wij niet.', 'google-analytics'],
      ['Google Analytics gebruiken wij niet meer.', 'google-analytics'],
      ['Google Analytics wordt niet gebruikt op deze website.', 'google-analytics'],
      ['Wij gebruiken Google Analytics niet meer.', 'google-analytics'],
      ['Wij gebruiken noch Hotjar noch Google Analytics.', 'google-analytics'],
      ['Wij gebruiken noch Hotjar noch Google Analytics.', 'hotjar'],
      ['We do not use Facebook Pixel.', 'facebook-pixel'],
      ["We don't use the Facebook Pixel.", 'facebook-pixel'],
      ['We don’t use any tracking services from third parties such as Facebook.', 'facebook-pixel'],
      ['We don’t use any tracking cookies from third parties such as Hotjar.', 'hotjar'],
      ['We never use Hotjar.', 'hotjar'],
      ['We no longer use Google Analytics.', 'google-analytics'],
      ['The Facebook Pixel is not used.', 'facebook-pixel'],
      ["Hotjar isn't used on this site.", 'hotjar'],
      ['We use Google Analytics but not Facebook Pixel.', 'facebook-pixel'],
      ['Wij gebruiken wel cookies, maar geen Facebook Pixel.', 'facebook-pixel'],
      ['Our site works without Hotjar.', 'hotjar'],
      ['Wij gebruiken Google Analytics, geen Facebook Pixel.', 'facebook-pixel'],
      ['Wij gebruiken Google Analytics en geen Facebook Pixel.', 'facebook-pixel'],
      ['Wij gebruiken geen Facebook Pixel of andere trackers.', 'facebook-pixel'],
      ['Er worden geen cookies van Facebook Pixel of Hotjar geplaatst.', 'hotjar'],
      ['We do not use Facebook Pixel or Hotjar on this website.', 'hotjar'],
      ['Google Analytics gebruiken wij niet, wel Matomo.', 'google-analytics'],
      ['Op deze website gebruiken wij geen Facebook Pixel.', 'facebook-pixel'],
      ['Wij plaatsen geen Hotjar-cookies.', 'hotjar'],
    ];
    for (const [text, id] of denied) expect(status(text, id), text).toBe('denied');
  });

  it('a list after the cue is denied as a whole', () => {
    const ds = judge('We do not use Facebook, Twitter or LinkedIn.', 'facebook-pixel', 'twitter-pixel', 'linkedin-insight', 'google-analytics');
    expect(Object.fromEntries(ds.map((d) => [d.trackerId, d.status]))).toEqual({
      'facebook-pixel': 'denied',
      'twitter-pixel': 'denied',
      'linkedin-insight': 'denied',
      'google-analytics': 'not-named',
    });
    expect(status('Wij gebruiken geen trackers van sociale media (zoals de Facebook Pixel of de TikTok Pixel).', 'tiktok-pixel')).toBe('denied');
    expect(status('Wij gebruiken geen Facebook Pixel, TikTok Pixel, LinkedIn Insight Tag of Hotjar.', 'hotjar')).toBe('denied');
  });

  it('a feature switched off is denied', () => {
    expect(status('Wij hebben Google signals uitgeschakeld.', 'ga-advertising-features')).toBe('denied');
    expect(status('Google signals staat uit.', 'ga-advertising-features')).toBe('denied');
    expect(status('We have disabled Google signals and remarketing.', 'ga-advertising-features')).toBe('denied');
    expect(status('Onze statistieken werken zonder Google signals.', 'ga-advertising-features')).toBe('denied');
    // "Google Analytics" names the organisation of the advertising features, so this is no denial (see precedence).
    expect(status('Wij gebruiken Google Analytics zonder Google signals.', 'ga-advertising-features')).toBe('organisation-named');
  });

  it('a specific denial does not outweigh an affirming organisation-level mention elsewhere', () => {
    const text = 'Wij gebruiken Google Analytics om bezoek te meten. Google signals en remarketing hebben wij uitgeschakeld.';
    const ds = judge(text, 'google-analytics', 'ga-advertising-features');
    expect(ds.find((d) => d.trackerId === 'google-analytics')?.status).toBe('named');
    const adv = ds.find((d) => d.trackerId === 'ga-advertising-features');
    expect(adv?.status).toBe('organisation-named');
    expect(adv?.evidence?.term).toBe('Google Analytics');
    // Without the affirming mention the switched-off feature is denied.
    expect(status('Google signals en remarketing hebben wij uitgeschakeld.', 'ga-advertising-features')).toBe('denied');
  });

  it('the consent tool and self-hosted analytics are no subjects, so nothing of theirs is denied', () => {
    expect(judge('Wij gebruiken geen Cookiebot.', 'cookiebot')).toEqual([]);
  });
});

describe('no false denials', () => {
  const affirmed: Array<[string, string, string]> = [
    ['Zonder uw toestemming plaatsen wij geen Facebook Pixel.', 'facebook-pixel', 'consent condition'],
    ['Wij plaatsen geen Facebook Pixel, tenzij u daarvoor toestemming geeft.', 'facebook-pixel', 'unless'],
    ['Wij plaatsen geen Facebook Pixel voordat u akkoord gaat.', 'facebook-pixel', 'before'],
    ['We do not place the Facebook Pixel until you accept marketing cookies.', 'facebook-pixel', 'until'],
    ['Als u niet akkoord gaat, plaatsen wij geen Facebook Pixel.', 'facebook-pixel', 'if'],
    ['We do not use Google Analytics for advertising.', 'google-analytics', 'purpose'],
    ['Wij gebruiken Google Analytics niet voor advertenties.', 'google-analytics', 'purpose'],
    ['Google Analytics wordt niet gebruikt om u te volgen.', 'google-analytics', 'purpose'],
    ['Wij gebruiken geen andere cookies dan die van Google Analytics.', 'google-analytics', 'comparison'],
    ['We do not use any trackers other than Google Analytics.', 'google-analytics', 'comparison'],
    ['Wij gebruiken geen cookies, alleen Google Analytics.', 'google-analytics', 'exception'],
    ['We do not use cookies except Google Analytics.', 'google-analytics', 'exception'],
    ['Wij gebruiken niet alleen Google Analytics maar ook Hotjar.', 'google-analytics', 'not only'],
    ['Wij gebruiken geen advertentiefuncties van Google Analytics.', 'google-analytics', 'a feature of it'],
    ['Wij gebruiken geen Google Analytics-advertentiefuncties.', 'google-analytics', 'compound about something else'],
    ['Wij hebben de advertentiefuncties van Google Analytics uitgeschakeld.', 'google-analytics', 'switched-off feature of it'],
    ['Google Analytics gebruiken wij met uitgeschakelde advertentiefuncties.', 'google-analytics', 'adjective'],
    ['Wij gebruiken geen andere Google-diensten in combinatie met Google Analytics.', 'google-analytics', 'AP guidance wording'],
    ['Google Analytics plaatst geen cookies op uw apparaat.', 'google-analytics', 'the term is the subject'],
    ['Google Analytics slaat geen volledige IP-adressen op.', 'google-analytics', 'subject'],
    ['Niet-noodzakelijke cookies, zoals Google Analytics, plaatsen wij na uw keuze.', 'google-analytics', 'adjective'],
    ['Niet noodzakelijke cookies zoals Google Analytics plaatsen wij.', 'google-analytics', 'adjective'],
    ['Wij gebruiken geen gegevens van Facebook Pixel voor profielen.', 'facebook-pixel', 'data of it'],
    ['Wij hebben Google Analytics privacyvriendelijk ingesteld.', 'google-analytics', 'no cue'],
    ['Wij hebben Google Analytics niet zo ingesteld dat gegevens worden gedeeld.', 'google-analytics', 'cue about something else'],
    ['Wij gebruiken geen Facebook Pixel en Google Analytics is privacyvriendelijk ingesteld.', 'google-analytics', 'new subject after "en"'],
    ['Wij gebruiken geen Facebook Pixel en Google Analytics meet alleen anoniem.', 'google-analytics', 'new subject after "en"'],
    ['Wij gebruiken geen cookies van derden, met uitzondering van Google Analytics.', 'google-analytics', 'exception'],
    ['Wij gebruiken geen Facebook Pixel, alleen Google Analytics.', 'google-analytics', 'only'],
    ['Google Analytics gebruiken wij wel.', 'google-analytics', 'affirmed in inverted order'],
    ['Wij kunnen niet garanderen dat Google Analytics foutloos werkt.', 'google-analytics', 'cue about something else'],
    ['Er worden geen persoonsgegevens gedeeld met Google Analytics.', 'google-analytics', 'no verb of use'],
    ['Wij meten het bezoek zonder cookies van Google Analytics.', 'google-analytics', 'without its cookies'],
    ['Wij gebruiken geen Google Analytics-cookie-instellingen.', 'google-analytics', 'compound head is not a part'],
    ['Wij gebruiken uw gegevens niet, ook niet door Google Analytics.', 'google-analytics', 'no verb of use in the clause'],
    ['We do not sell your data to Google Analytics.', 'google-analytics', 'no verb of use'],
  ];
  for (const [text, id, why] of affirmed) {
    it(`${why}: ${text}`, () => {
      expect(status(text, id)).toBe('named');
    });
  }

  it('an organisation-level mention outside a denial of use stays affirming', () => {
    expect(status('Wij delen geen gegevens met Google.', 'google-analytics')).toBe('organisation-named');
    expect(status('Wij hebben geen invloed op wat Facebook met uw gegevens doet.', 'facebook-pixel')).toBe('organisation-named');
    expect(status('Google gebruikt de gegevens niet.', 'google-analytics')).toBe('organisation-named');
    expect(status('Het delen van gegevens met Google is uitgeschakeld.', 'google-analytics')).toBe('organisation-named');
  });

  it('a denial of another product of the same organisation denies nothing of this one', () => {
    expect(status('Wij gebruiken geen Google Analytics.', 'google-maps')).toBe('not-named');
    expect(status('Wij gebruiken geen Google Tag Manager.', 'google-analytics')).toBe('not-named');
    expect(status('We do not use Microsoft Clarity.', 'bing-uet')).toBe('not-named');
    expect(status('Wij gebruiken geen Facebook Pixel.', 'facebook-social')).toBe('not-named');
    expect(status('We do not use Google Analytics advertising features.', 'google-analytics')).toBe('not-named');
  });

  it('a denial of a part of an organisation denies none of its trackers', () => {
    expect(status('Wij plaatsen geen cookies van Google.', 'google-analytics')).toBe('not-named');
    expect(status('We don’t use any tracking cookies from third parties such as Facebook.', 'facebook-pixel')).toBe('not-named');
    expect(status("We don't use Facebook's pixel.", 'facebook-social')).toBe('not-named');
    expect(status('Wij plaatsen geen cookies van Google.', 'google-fonts')).toBe('not-named');
    expect(status('Wij gebruiken geen Facebook-knoppen.', 'facebook-pixel')).toBe('not-named');
  });

  it('a denial of a whole organisation denies its trackers', () => {
    expect(status('Wij maken geen gebruik van Google.', 'google-analytics')).toBe('denied');
    expect(status('Wij gebruiken geen diensten van Google.', 'google-fonts')).toBe('denied');
  });

  it('a denial in another sentence or on another line does not reach the term', () => {
    expect(status('Wij gebruiken geen advertentiecookies. Google Analytics meet het bezoek.', 'google-analytics')).toBe('named');
    expect(status('Wij plaatsen geen tracking cookies\nGoogle Analytics\nWe meten het bezoek.', 'google-analytics')).toBe('named');
    expect(status('Wij plaatsen geen tracking cookies; Google Analytics is privacyvriendelijk ingesteld.', 'google-analytics')).toBe('named');
    expect(status('Naam\tAanbieder\tDeelt gegevens\n_ga\tGoogle Analytics\tNee', 'google-analytics')).toBe('named');
  });
});

describe('no false denials: limited to a part, a feature switched off, a qualifier after the term', () => {
  // Sentences a reviewer found read as denials: each would publish "the statement says the site does not use X".
  const notDenied: Array<[string, string, string]> = [
    ["Wij gebruiken geen Hotjar op pagina's met formulieren.", 'hotjar', 'limited to some pages'],
    ['Wij gebruiken geen Facebook Pixel in MijnGemeente.', 'facebook-pixel', 'limited to a part of the site'],
    ['Wij gebruiken op het digitale loket geen Google Analytics.', 'google-analytics', 'place before the term'],
    ['De Google Analytics advertentiefuncties zijn uitgeschakeld.', 'google-analytics', 'a feature of it switched off'],
    ['Google Analytics gegevens delen is uitgeschakeld.', 'google-analytics', 'data sharing switched off'],
    ['Wij gebruiken geen Google Analytics cookies die herleidbaar zijn tot personen.', 'google-analytics', 'relative clause'],
    ['Wij gebruiken geen Google Analytics met advertentiefuncties.', 'google-analytics', '"met" after the term'],
    ['Wij gebruiken geen Google-diensten in combinatie met de Google Analytics-cookies.', 'google-maps', 'in combinatie met'],
    ['Wij gebruiken geen Google-diensten in combinatie met de Google Analytics-cookies.', 'youtube', 'in combinatie met'],
    ['Wij gebruiken geen Google-diensten in combinatie met de Google Analytics-cookies.', 'google-analytics', 'in combinatie met'],
    ['Wij meten met cookies van Google. In MijnGemeente gebruiken wij geen Google Analytics.', 'google-analytics', 'place before the cue'],
    // More of the same kinds.
    ['Wij gebruiken geen Facebook Pixel op de homepage.', 'facebook-pixel', 'limited to one page'],
    ['We do not use Hotjar on our forms pages.', 'hotjar', 'limited to some pages'],
    ['In MijnGemeente: wij gebruiken geen Google Analytics.', 'google-analytics', 'place in an earlier clause'],
    ['Google Analytics wordt niet gebruikt in MijnGemeente.', 'google-analytics', 'place after a passive denial'],
    ['Google signals is uitgeschakeld op het digitale loket.', 'ga-advertising-features', 'switched off in one place'],
    ['Wij gebruiken Google Analytics op het digitale loket, maar geen Facebook Pixel.', 'facebook-pixel', 'elliptic denial inherits the place'],
    ['Wij gebruiken geen Facebook Pixel, die gegevens naar Meta stuurt.', 'facebook-pixel', 'relative clause after a comma'],
    ['We do not use Google Analytics with advertising features.', 'google-analytics', '"with" after the term'],
    ['We do not use Google Analytics cookies that identify you.', 'google-analytics', 'relative clause'],
    ['Wij gebruiken geen Google-diensten zoals Google Maps.', 'google-maps', '"zoals" after an organisation-level term'],
    ['Wij hebben Google Analytics advertentiefuncties uitgeschakeld.', 'google-analytics', 'a feature of it switched off'],
    ['We have disabled Google Analytics data sharing.', 'google-analytics', 'a feature of it switched off'],
  ];
  for (const [text, id, why] of notDenied) {
    it(`${why}: ${text} (${id})`, () => {
      expect(status(text, id)).not.toBe('denied');
    });
  }

  it('reads the reviewer\'s sentences as the mentions they are', () => {
    expect(status("Wij gebruiken geen Hotjar op pagina's met formulieren.", 'hotjar')).toBe('named');
    expect(status('De Google Analytics advertentiefuncties zijn uitgeschakeld.', 'google-analytics')).toBe('named');
    expect(status('De Google Analytics advertentiefuncties zijn uitgeschakeld.', 'ga-advertising-features')).toBe('organisation-named');
    const ds = judge('Wij gebruiken geen Google-diensten in combinatie met de Google Analytics-cookies.', 'google-maps', 'youtube');
    expect(ds.map((d) => d.status)).toEqual(['organisation-named', 'organisation-named']);
  });

  it('keeps denials that are whole', () => {
    const denied: Array<[string, string]> = [
      ['Wij gebruiken geen Hotjar op onze website.', 'hotjar'],
      ['We do not use Hotjar on this website at all.', 'hotjar'],
      ['Wij gebruiken geen Facebook Pixel en ook geen Hotjar.', 'hotjar'],
      ['Wij gebruiken geen Facebook Pixel en ook geen Hotjar.', 'facebook-pixel'],
      ['Wij gebruiken geen Hotjar of soortgelijke tools op onze website.', 'hotjar'],
      ['We do not use Hotjar and we use Google Analytics.', 'hotjar'],
      ['Wij gebruiken geen Facebook Pixel, wel Google Analytics op het digitale loket.', 'facebook-pixel'],
      ['Google signals is uitgeschakeld.', 'ga-advertising-features'],
      ['Google signals is door ons uitgeschakeld.', 'ga-advertising-features'],
    ];
    for (const [text, id] of denied) expect(status(text, id), text).toBe('denied');
  });

  it('a tracker-level denial with an affirming organisation-level mention is organisation-named', () => {
    const d = one('Wij meten met cookies van Google. Wij gebruiken geen Google Analytics.', 'google-analytics');
    expect(d.status).toBe('organisation-named');
    expect(d.evidence?.term).toBe('Google');
    const ds = disclosuresOf([finding('google-analytics')], rules, [
      statement('Wij gebruiken geen Google Analytics.', 'https://www.gemeente.nl/privacy'),
      statement('Wij delen gegevens met Google.', 'https://www.gemeente.nl/cookies'),
    ]);
    expect(ds[0]?.status).toBe('organisation-named');
    // The organisation inside the denied tracker name is no affirmation of its own.
    expect(status('Wij gebruiken geen Facebook Pixel.', 'facebook-pixel')).toBe('denied');
  });
});

describe('evidence snippet', () => {
  it('is the whitespace-normalised sentence around the term', () => {
    const d = one('Cookies\n\nStatistieken\nWij   gebruiken\tGoogle Analytics om\u00a0het bezoek te meten. Meer weten? Lees verder.', 'google-analytics');
    expect(d.evidence?.snippet).toBe('Wij gebruiken Google Analytics om het bezoek te meten.');
  });

  it('is about 160 characters of a long sentence, containing the term', () => {
    const filler = 'en dan volgt er nog een hele lange opsomming van allerlei zaken die niets met het onderwerp te maken hebben ';
    const text = `Wij gebruiken ${filler.repeat(4)}en ook Google Analytics, ${filler.repeat(4)}tot slot.`;
    const d = one(text, 'google-analytics');
    const snippet = d.evidence?.snippet ?? '';
    expect(snippet).toContain('Google Analytics');
    expect(snippet.length).toBeLessThanOrEqual(200);
    expect(snippet.length).toBeGreaterThan(120);
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet).not.toMatch(/\s{2}/);
  });

  // Size, not speed, is what these check (speed belongs in the benchmark): a huge sentence-less text
  // and thousands of mentions still give one bounded answer per tracker.
  it('gives a bounded snippet on text without punctuation', () => {
    const text = `${'woord '.repeat(20_000)}Google Analytics ${'woord '.repeat(20_000)}`.repeat(5);
    const d = one(text, 'google-analytics');
    expect(d.status).toBe('named');
    expect(d.evidence?.snippet.length).toBeLessThanOrEqual(200);
  });

  it('gives one answer per tracker among thousands of mentions', () => {
    const text = 'Wij gebruiken geen Facebook Pixel en Google Analytics, Google Maps en YouTube van Google ook niet '.repeat(1_000);
    const ds = judge(text, 'google-analytics', 'google-maps', 'facebook-pixel', 'youtube');
    expect(ds).toHaveLength(4);
  });

  it('keeps the term whole at the start or end of a long sentence', () => {
    const long = 'x'.repeat(5) + ' woord'.repeat(80);
    const atStart = one(`Google Analytics ${long}.`, 'google-analytics').evidence?.snippet ?? '';
    expect(atStart.startsWith('Google Analytics')).toBe(true);
    expect(atStart.length).toBeLessThanOrEqual(200);
    const atEnd = one(`${long} Google Analytics`, 'google-analytics').evidence?.snippet ?? '';
    expect(atEnd.endsWith('Google Analytics')).toBe(true);
    expect(atEnd.length).toBeLessThanOrEqual(200);
  });

  it('prefers a tracker-level mention over an earlier organisation-level one, across statements', () => {
    const ds = disclosuresOf([finding('google-analytics')], rules, [
      statement('Wij werken samen met Google.', 'https://www.gemeente.nl/privacy'),
      statement('Cookies: Wij gebruiken Google Analytics.', 'https://www.gemeente.nl/cookies'),
    ]);
    expect(ds[0]?.status).toBe('named');
    expect(ds[0]?.evidence).toEqual({ term: 'Google Analytics', statementUrl: 'https://www.gemeente.nl/cookies', snippet: 'Cookies: Wij gebruiken Google Analytics.' });
  });

  it('takes the first mention of the best kind', () => {
    const d = one('Wij gebruiken Hotjar voor heatmaps. Hotjar bewaart gegevens een jaar.', 'hotjar');
    expect(d.evidence?.snippet).toBe('Wij gebruiken Hotjar voor heatmaps.');
  });
});

describe('subjects', () => {
  it('ignores consent tools, self-hosted analytics, trackerdb findings and unknown trackers', () => {
    const ds = disclosuresOf(
      [
        finding('cookiebot'),
        finding('readspeaker'),
        finding('matomo', { seriousness: 1, organisation: { name: 'the site itself', country: '' } }),
        finding('hotjar', { source: 'trackerdb' }),
        finding('google-analytics', { trackerId: 'not-in-the-rules' }),
        finding('google-analytics'),
      ],
      rules,
      [statement('Wij gebruiken Cookiebot, ReadSpeaker, Matomo, Hotjar en Google Analytics.')],
    );
    expect(ds.map((d) => d.trackerId)).toEqual(['google-analytics']);
  });

  it('counts cloud Matomo (seriousness 2)', () => {
    const ds = disclosuresOf([finding('matomo', { phase: 'accept' })], rules, [statement('Wij gebruiken Matomo Cloud.')]);
    expect(ds).toEqual([expect.objectContaining({ trackerId: 'matomo', status: 'named' })]);
  });

  it('gives one disclosure per tracker, however many findings', () => {
    const ds = disclosuresOf(
      [finding('google-analytics'), finding('google-analytics', { phase: 'accept' }), finding('google-analytics', { phase: 'reject', pageIndex: 2 })],
      rules,
      [statement('Wij gebruiken Google Analytics.')],
    );
    expect(ds).toHaveLength(1);
  });

  it('takes names and organisation from the rules', () => {
    const d = one('Wij gebruiken Google Analytics.', 'google-analytics');
    expect(d).toMatchObject({ trackerId: 'google-analytics', trackerName: 'Google Analytics', organisation: 'Google LLC' });
  });

  it('takes the organisation from the findings when they agree on one, else from the rules', () => {
    const operator = { name: 'Gemeentelijk Hostingbedrijf B.V.', country: 'NL' };
    const text = [statement('Wij gebruiken Matomo.')];
    const agreed = disclosuresOf([finding('matomo', { organisation: operator }), finding('matomo', { organisation: operator, phase: 'accept' })], rules, text);
    expect(agreed).toEqual([expect.objectContaining({ trackerId: 'matomo', organisation: 'Gemeentelijk Hostingbedrijf B.V.', status: 'named' })]);
    const disagree = disclosuresOf([finding('matomo', { organisation: operator }), finding('matomo', { phase: 'accept' })], rules, text);
    expect(disagree[0]?.organisation).toBe('InnoCraft Ltd (Matomo Cloud)');
    // Findings that are no subject (self-hosted, seriousness 1) do not count.
    const selfHosted = { name: 'the site itself', country: '' };
    const mixed = disclosuresOf([finding('matomo', { organisation: operator }), finding('matomo', { seriousness: 1, organisation: selfHosted })], rules, text);
    expect(mixed[0]?.organisation).toBe('Gemeentelijk Hostingbedrijf B.V.');
  });

  it('without statements every tracker is not-named, without evidence', () => {
    const ds = disclosuresOf([finding('google-analytics'), finding('facebook-pixel')], rules, []);
    expect(ds).toEqual([
      { trackerId: 'google-analytics', trackerName: 'Google Analytics', organisation: 'Google LLC', status: 'not-named' },
      { trackerId: 'facebook-pixel', trackerName: 'Meta Pixel (Facebook Pixel)', organisation: 'Meta Platforms Inc.', status: 'not-named' },
    ]);
  });

  it('an empty statement names nothing', () => {
    expect(disclosuresOf([finding('google-analytics')], rules, [statement('   \n ')])[0]?.status).toBe('not-named');
  });

  it('without findings there is nothing to disclose', () => {
    expect(disclosuresOf([], rules, [statement('Wij gebruiken Google Analytics.')])).toEqual([]);
  });

  it('sorts by organisation, then tracker name', () => {
    const ds = disclosuresOf(
      ['twitter-pixel', 'google-analytics', 'facebook-pixel', 'hotjar', 'doubleclick', 'tiktok-pixel'].map((id) => finding(id)),
      rules,
      [],
    );
    expect(ds.map((d) => [d.organisation, d.trackerName])).toEqual([
      ['ByteDance Ltd. (TikTok)', 'TikTok Pixel'],
      ['Google LLC', 'Google Ads / DoubleClick'],
      ['Google LLC', 'Google Analytics'],
      ['Hotjar Ltd (Contentsquare)', 'Hotjar'],
      ['Meta Platforms Inc.', 'Meta Pixel (Facebook Pixel)'],
      ['X Corp.', 'X (Twitter) Pixel'],
    ]);
  });
});

describe('undisclosed', () => {
  it('keeps the trackers that are not named or denied', () => {
    const ds = judge(
      'Wij gebruiken Google Analytics. Wij werken samen met Microsoft. Wij gebruiken geen Facebook Pixel.',
      'google-analytics',
      'microsoft-clarity',
      'facebook-pixel',
      'hotjar',
    );
    expect(Object.fromEntries(ds.map((d) => [d.trackerId, d.status]))).toEqual({
      'google-analytics': 'named',
      'microsoft-clarity': 'organisation-named',
      'facebook-pixel': 'denied',
      hotjar: 'not-named',
    });
    expect(undisclosed(ds).map((d) => d.trackerId).sort()).toEqual(['facebook-pixel', 'hotjar']);
  });
});
