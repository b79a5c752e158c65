// What a verdict means and what to do about it, in the words of a web administrator, in English and
// Dutch. Pure text: the HTML report and `cookiewatch check` both read it. The verdict explanation
// stored with a scan stays the English, evidence-naming record; these texts are the reader's guide.

import type { VerdictId } from '../classify/types.js';

export const LANGS = ['en', 'nl'] as const;
export type Lang = (typeof LANGS)[number];

/** A tracker as the report names it: enough to pick advice and to say whose it is. */
export interface TrackerRef {
  id: string;
  name: string;
  organisation: string;
  country?: string;
}

interface VerdictGuide {
  title: Record<Lang, string>;
  /** Why it matters, with the rule behind it. */
  why: Record<Lang, string>;
  /** What the web administrator can do; tracker-specific advice comes on top. */
  todo: Record<Lang, string>;
}

const VERDICTS: Record<VerdictId, VerdictGuide> = {
  tracking_before_consent: {
    title: { en: 'Tracking before consent', nl: 'Tracking vóór toestemming' },
    why: {
      en:
        'Advertising and social-media trackers read and store identifiers on the visitor\'s device and pass their visit on to ' +
        'the tracker\'s owner. The ePrivacy rules (Telecommunicatiewet art. 11.7a) require prior consent for that; ' +
        'loading them before the visitor chose is a violation.',
      nl:
        'Advertentie- en social-mediatrackers lezen en plaatsen kenmerken op het apparaat van de bezoeker en geven het bezoek ' +
        'door aan de eigenaar van de tracker. Daarvoor is vooraf toestemming nodig (Telecommunicatiewet art. 11.7a); ' +
        'wie ze laadt voordat de bezoeker een keuze maakte, overtreedt die regel.',
    },
    todo: {
      en: 'Load these trackers only after the visitor clicks "accept" (let the consent tool block them until then), or remove them if nobody uses them.',
      nl: 'Laad deze trackers pas nadat de bezoeker op "accepteren" klikt (laat de cookietool ze tot dan blokkeren), of verwijder ze als niemand ze gebruikt.',
    },
  },
  analytics_before_consent: {
    title: { en: 'Third-party analytics before consent', nl: 'Statistieken van derden vóór toestemming' },
    why: {
      en:
        'Visits are sent to another company\'s analytics service before the visitor chose. The Dutch data protection ' +
        'authority (AP) allows that without consent only for a privacy-friendly set-up: a processor agreement, IP addresses ' +
        'masked, data sharing switched off and no other services (advertising features, Google signals) linked.',
      nl:
        'Bezoeken gaan naar de statistiekdienst van een ander bedrijf voordat de bezoeker koos. De Autoriteit Persoonsgegevens ' +
        'staat dat zonder toestemming alleen toe bij een privacyvriendelijke inrichting: een verwerkersovereenkomst, ' +
        'IP-adressen gemaskeerd, gegevens delen uitgezet en geen andere diensten (advertentiefuncties, Google signals) gekoppeld.',
    },
    todo: {
      en: 'Either load the analytics only after consent, or set it up privacy-friendly as the AP describes and record that you did; self-hosted analytics on your own domain avoids the question.',
      nl: 'Laad de statistieken pas na toestemming, of richt ze privacyvriendelijk in zoals de AP beschrijft en leg dat vast; statistieken op uw eigen domein voorkomen de vraag.',
    },
  },
  tracking_without_banner: {
    title: { en: 'Tracking without asking', nl: 'Tracking zonder iets te vragen' },
    why: {
      en: 'The site tracks its visitors and we found no consent banner: a visitor is not asked, and cannot refuse.',
      nl: 'De site volgt haar bezoekers en we vonden geen cookiemelding: een bezoeker wordt niets gevraagd en kan niet weigeren.',
    },
    todo: {
      en: 'Remove the trackers, or add a consent banner that blocks them until the visitor accepts.',
      nl: 'Verwijder de trackers, of plaats een cookiemelding die ze blokkeert tot de bezoeker akkoord geeft.',
    },
  },
  tracking_after_reject: {
    title: { en: 'Tracking after the visitor refused', nl: 'Tracking nadat de bezoeker weigerde' },
    why: {
      en: 'The visitor clicked the banner\'s reject button, and the trackers ran anyway: the refusal was not respected. This is a violation and a broken promise to the visitor.',
      nl: 'De bezoeker klikte op weigeren in de cookiemelding en de trackers draaiden toch: de weigering werd niet gerespecteerd. Dat is een overtreding en een gebroken belofte aan de bezoeker.',
    },
    todo: {
      en: 'Make the refusal stop these tags: check that each one is blocked by the consent tool (in Google Tag Manager: a consent trigger on every tag, no tag on "All pages" without one), then refuse on your own site and watch the network tab.',
      nl: 'Zorg dat weigeren deze tags tegenhoudt: controleer dat de cookietool elke tag blokkeert (in Google Tag Manager: een toestemmingstrigger op elke tag, geen tag op "Alle pagina\'s" zonder), weiger daarna zelf op uw site en kijk in het netwerktabblad.',
    },
  },
  no_reject_on_first_layer: {
    title: { en: 'No reject button on the banner', nl: 'Geen weigerknop in de cookiemelding' },
    why: {
      en: 'Refusing takes more steps than accepting. Consent must be as easy to refuse as to give; most European data protection authorities (EDPB cookie banner taskforce, 2023) count a missing reject option on the first layer as a violation.',
      nl: 'Weigeren kost meer stappen dan accepteren. Toestemming moet even makkelijk te weigeren zijn als te geven; de meeste Europese privacytoezichthouders (EDPB, 2023) zien een ontbrekende weigerknop op de eerste laag als overtreding.',
    },
    todo: {
      en: 'Put a "Reject all" button on the first layer of the banner, as visible as the accept button.',
      nl: 'Zet een knop "Alles weigeren" op de eerste laag van de cookiemelding, even zichtbaar als de accepteerknop.',
    },
  },
  consent_signal_ignored: {
    title: { en: 'Consent signal ignored', nl: 'Toestemmingssignaal genegeerd' },
    why: {
      en: 'The page itself told Google that consent was denied (Google Consent Mode), yet the cookies that signal governs were written: the site contradicts its own consent state.',
      nl: 'De pagina meldde Google zelf dat toestemming geweigerd was (Google Consent Mode), en toch werden de cookies geschreven waarover dat signaal gaat: de site spreekt haar eigen toestemmingsstatus tegen.',
    },
    todo: {
      en: 'Check the Consent Mode set-up: the default state must be "denied" before any tag loads, and no Google tag may be hard-coded outside the consent tool or tag manager.',
      nl: 'Controleer de Consent Mode-instellingen: de standaardstatus moet "denied" zijn voordat een tag laadt, en geen Google-tag mag buiten de cookietool of tagmanager om in de pagina staan.',
    },
  },
  undisclosed_third_parties: {
    title: { en: 'Third parties the privacy statement does not name', nl: 'Derde partijen die de privacyverklaring niet noemt' },
    why: {
      en:
        'Visitors must be told who receives their data (GDPR art. 13). A privacy or cookie statement that leaves out a third party ' +
        'the site uses, or says the site does not use it, misinforms every visitor who reads it.',
      nl:
        'Bezoekers moeten weten wie hun gegevens ontvangt (AVG art. 13). Een privacy- of cookieverklaring die een gebruikte derde partij ' +
        'weglaat, of zegt dat de site die niet gebruikt, informeert iedere lezer verkeerd.',
    },
    todo: {
      en: 'Name every third party the site uses in the privacy or cookie statement, with its purpose and cookies, or remove the ones nobody needs; check the statement again after every change to the tags.',
      nl: 'Noem elke derde partij die de site gebruikt in de privacy- of cookieverklaring, met doel en cookies, of verwijder wat niemand nodig heeft; controleer de verklaring na elke wijziging van de tags.',
    },
  },
  inconclusive: {
    title: { en: 'Could not be scanned', nl: 'Kon niet worden gescand' },
    why: {
      en: 'The scan did not complete, so nothing can be concluded about this site: it is not graded as clean.',
      nl: 'De scan is niet afgerond, dus over deze site valt niets te concluderen: ze krijgt geen schoon cijfer.',
    },
    todo: {
      en: 'Check that the site is reachable and answers quickly, then scan it again.',
      nl: 'Controleer of de site bereikbaar is en snel antwoordt, en scan haar opnieuw.',
    },
  },
};

/** Tracker-specific advice, the concrete change for each tracker our rules know. */
const TRACKER_ADVICE: Record<string, Record<Lang, string>> = {
  'facebook-pixel': {
    en: 'Meta Pixel: remove it unless a campaign really needs it; otherwise load it only after consent. It is often left behind by a campaign or an agency.',
    nl: 'Meta Pixel: verwijder hem tenzij een campagne hem echt nodig heeft; laad hem anders pas na toestemming. Hij blijft vaak achter na een campagne of van een bureau.',
  },
  'facebook-social': {
    en: 'Facebook plugins: replace like buttons and embedded feeds with plain links, or load them only after a click or consent.',
    nl: 'Facebook-plugins: vervang like-knoppen en ingesloten tijdlijnen door gewone links, of laad ze pas na een klik of toestemming.',
  },
  'ga-advertising-features': {
    en: 'Google Analytics advertising features: switch off Google signals and ads personalisation in the Google Analytics admin (Data collection), and remove remarketing; these are never consent-free.',
    nl: 'Advertentiefuncties van Google Analytics: zet Google signals en advertentiepersonalisatie uit in de beheeromgeving van Google Analytics (Gegevensverzameling) en verwijder remarketing; die zijn nooit toestemmingsvrij.',
  },
  'google-analytics': {
    en: 'Google Analytics: load it only after consent, or configure it privacy-friendly (processor agreement, IP masking, data sharing off, no Google signals); self-hosted Matomo is an alternative.',
    nl: 'Google Analytics: laad het pas na toestemming, of stel het privacyvriendelijk in (verwerkersovereenkomst, IP maskeren, gegevens delen uit, geen Google signals); zelf gehoste Matomo is een alternatief.',
  },
  'google-tag-manager': {
    en: 'Google Tag Manager only loads other tags: open the container and give every tag a consent trigger.',
    nl: 'Google Tag Manager laadt alleen andere tags: open de container en geef elke tag een toestemmingstrigger.',
  },
  doubleclick: {
    en: 'Google Ads / DoubleClick: remove conversion and remarketing tags, or fire them only after consent.',
    nl: 'Google Ads / DoubleClick: verwijder conversie- en remarketingtags, of laat ze pas na toestemming afgaan.',
  },
  'linkedin-insight': {
    en: 'LinkedIn Insight Tag: remove it, or load it only after consent.',
    nl: 'LinkedIn Insight Tag: verwijder hem, of laad hem pas na toestemming.',
  },
  'tiktok-pixel': { en: 'TikTok Pixel: remove it, or load it only after consent.', nl: 'TikTok Pixel: verwijder hem, of laad hem pas na toestemming.' },
  'twitter-pixel': { en: 'X (Twitter) Pixel: remove it, or load it only after consent.', nl: 'X (Twitter) Pixel: verwijder hem, of laad hem pas na toestemming.' },
  'bing-uet': {
    en: 'Microsoft Advertising (Bing UET): remove the tag, or load it only after consent.',
    nl: 'Microsoft Advertising (Bing UET): verwijder de tag, of laad hem pas na toestemming.',
  },
  youtube: {
    en: 'YouTube: show a placeholder that loads the video only when the visitor clicks it; embedding from www.youtube-nocookie.com (privacy-enhanced mode) sets no YouTube cookies until play, but still contacts Google on page load.',
    nl: 'YouTube: toon een afbeelding die de video pas laadt als de bezoeker erop klikt; insluiten via www.youtube-nocookie.com (privacyvriendelijke modus) plaatst tot het afspelen geen YouTube-cookies, maar maakt bij het laden nog steeds contact met Google.',
  },
  'youtube-nocookie': {
    en: 'youtube-nocookie.com still contacts Google on page load: show a placeholder that loads the video only when the visitor clicks it.',
    nl: 'youtube-nocookie.com maakt bij het laden nog steeds contact met Google: toon een afbeelding die de video pas laadt als de bezoeker erop klikt.',
  },
  hotjar: {
    en: 'Hotjar records visitors\' sessions: load it only after consent, or remove it.',
    nl: 'Hotjar neemt sessies van bezoekers op: laad het pas na toestemming, of verwijder het.',
  },
  'microsoft-clarity': {
    en: 'Microsoft Clarity records visitors\' sessions: load it only after consent, or remove it.',
    nl: 'Microsoft Clarity neemt sessies van bezoekers op: laad het pas na toestemming, of verwijder het.',
  },
  siteimprove: {
    en: 'Siteimprove Analytics: load it only after consent, or use its cookieless set-up with a processor agreement.',
    nl: 'Siteimprove Analytics: laad het pas na toestemming, of gebruik de cookieloze instelling met een verwerkersovereenkomst.',
  },
  matomo: {
    en: 'Matomo on another company\'s host: host it on your own domain, or load it only after consent.',
    nl: 'Matomo bij een ander bedrijf: host het op uw eigen domein, of laad het pas na toestemming.',
  },
  'piwik-pro': {
    en: 'Piwik PRO cloud: load it only after consent, or use its anonymous tracking mode with a processor agreement.',
    nl: 'Piwik PRO cloud: laad het pas na toestemming, of gebruik de anonieme meetmodus met een verwerkersovereenkomst.',
  },
  'google-fonts': {
    en: 'Google Fonts: host the font files on your own server, so no visitor IP address goes to Google.',
    nl: 'Google Fonts: zet de lettertypebestanden op uw eigen server, zodat geen IP-adres van bezoekers naar Google gaat.',
  },
  'google-maps': {
    en: 'Google Maps: show a static map or placeholder that loads Google Maps only on a click, or use an OpenStreetMap-based map.',
    nl: 'Google Maps: toon een statische kaart of afbeelding die Google Maps pas laadt na een klik, of gebruik een kaart op basis van OpenStreetMap.',
  },
  'google-recaptcha': {
    en: 'reCAPTCHA: load it only on the pages with a form, not on every page.',
    nl: 'reCAPTCHA: laad het alleen op pagina\'s met een formulier, niet op elke pagina.',
  },
};

const GENERIC_ADVICE: Record<Lang, (name: string) => string> = {
  en: (name) => `${name}: remove it, or load it only after the visitor consents.`,
  nl: (name) => `${name}: verwijder het, of laad het pas na toestemming van de bezoeker.`,
};

export function verdictTitle(id: string, lang: Lang): string {
  return VERDICTS[id as VerdictId]?.title[lang] ?? id;
}

export function verdictWhy(id: string, lang: Lang): string {
  return VERDICTS[id as VerdictId]?.why[lang] ?? '';
}

/** The general step for a verdict, then one concrete step per tracker it names. */
export function verdictAdvice(id: string, trackers: TrackerRef[], lang: Lang): string[] {
  const general = VERDICTS[id as VerdictId]?.todo[lang];
  const steps = general ? [general] : [];
  // Verdicts about the banner or the statement need no per-tracker steps.
  if (id === 'no_reject_on_first_layer' || id === 'inconclusive' || id === 'undisclosed_third_parties') return steps;
  const seen = new Set<string>();
  for (const t of trackers) {
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    steps.push(TRACKER_ADVICE[t.id]?.[lang] ?? GENERIC_ADVICE[lang](t.name));
  }
  return steps;
}

/** Who a tracker belongs to, for sentences: "Meta Pixel (Meta Platforms, Inc., US)". */
export function trackerWithOwner(t: TrackerRef): string {
  const owner = [t.organisation, t.country].filter(Boolean).join(', ');
  return owner ? `${t.name} (${owner})` : t.name;
}

/**
 * A verdict in one sentence in the reader's language, naming its trackers. English readers get the
 * stored explanation (it quotes the clicked button and the exact set-up); this is the Dutch one.
 */
export function verdictSummary(id: string, trackers: TrackerRef[], lang: Lang, storedExplanation: string): string {
  if (lang === 'en') return storedExplanation;
  const list = trackers.map(trackerWithOwner).join(', ');
  switch (id as VerdictId) {
    case 'tracking_before_consent':
      return `Voordat de bezoeker iets koos, laadde de site advertentie- of social-mediatracking: ${list}.`;
    case 'analytics_before_consent':
      return `Voordat de bezoeker iets koos, stuurde de site bezoeken naar statistiekdiensten van derden: ${list}.`;
    case 'tracking_without_banner':
      return `De site volgt haar bezoekers (${list}) zonder iets te vragen: er is geen cookiemelding gevonden.`;
    case 'tracking_after_reject':
      return `Nadat de bezoeker op weigeren klikte, laadde de site toch ${list}: de weigering werd niet gerespecteerd.`;
    case 'no_reject_on_first_layer':
      return 'De cookiemelding biedt op de eerste laag geen manier om te weigeren: weigeren kost meer stappen dan accepteren.';
    case 'consent_signal_ignored':
      return `De pagina meldde Google dat toestemming geweigerd was (Consent Mode), en toch werden cookies van ${list} geplaatst.`;
    case 'undisclosed_third_parties':
      return `De privacyverklaring noemt niet alle derde partijen die de site gebruikt, of ontkent ze: ${list}.`;
    case 'inconclusive':
      return 'De site kon niet worden gescand; er valt niets te concluderen, en ze krijgt geen schoon cijfer.';
    default:
      return storedExplanation;
  }
}

/** What each grade means, worst first, as the README documents it. */
export const GRADE_MEANING: Record<string, Record<Lang, string>> = {
  A: { en: 'no tracking or third parties before consent found', nl: 'geen tracking of derde partijen vóór toestemming gevonden' },
  B: {
    en: 'no reject button on the first layer, or other third parties (embeds, fonts, maps) before consent',
    nl: 'geen weigerknop op de eerste laag, of andere derde partijen (ingesloten inhoud, lettertypen, kaarten) vóór toestemming',
  },
  C: { en: 'third-party analytics before consent', nl: 'statistieken van derden vóór toestemming' },
  D: { en: 'consent signal ignored', nl: 'toestemmingssignaal genegeerd' },
  E: { en: 'advertising or social-media tracking before consent', nl: 'advertentie- of social-mediatracking vóór toestemming' },
  F: { en: 'tracking after the visitor refused', nl: 'tracking nadat de bezoeker weigerde' },
  '?': { en: 'could not be scanned', nl: 'kon niet worden gescand' },
};

/** Phase names as a reader says them. */
export const PHASE_LABEL: Record<'pre' | 'accept' | 'reject', Record<Lang, string>> = {
  pre: { en: 'Before consent (nothing clicked)', nl: 'Vóór toestemming (niets aangeklikt)' },
  accept: { en: 'After accepting', nl: 'Na accepteren' },
  reject: { en: 'After rejecting', nl: 'Na weigeren' },
};
