// Button vocabularies for our own banner heuristic, as data. Dutch first: cookiewatch's sites are Dutch.
// Every phrase goes through the same normalisation as the label it is matched against, so the lists
// can be written the way sites write them (capitals, accents, apostrophes, hyphens).

export type ButtonRole = 'accept' | 'reject' | 'settings' | 'save' | 'info';
export type Language = 'nl' | 'en' | 'de' | 'fr';

export interface LanguageVocabulary {
  /** Matched as the whole label, or as whole words inside a longer label. */
  phrases: Record<ButtonRole, string[]>;
  /** Matched only as the whole label: too short or too vague to trust inside a sentence ("OK", "Nee"). */
  exactOnly: Partial<Record<ButtonRole, string[]>>;
  /** Words that turn an accept phrase into a refusal ("niet accepteren", "continuer sans accepter"). */
  negations: string[];
  /** "Only" words: "alleen … accepteren" accepts less than everything, so it is not accept-all. */
  restrictors: string[];
}

export const VOCABULARY: Record<Language, LanguageVocabulary> = {
  nl: {
    phrases: {
      accept: [
        'Alle cookies accepteren', 'Accepteer alle cookies', 'Alles accepteren', 'Accepteer alles', 'Accepteren',
        'Accepteer', 'Ik accepteer', 'Cookies accepteren', 'Accepteer cookies', 'Akkoord', 'Ik ga akkoord',
        'Akkoord en doorgaan', 'Akkoord en sluiten', 'Ja, prima', 'Toestaan', 'Alles toestaan', 'Alle cookies toestaan',
        'Cookies toestaan', 'Sta alle cookies toe', 'Sta cookies toe', 'Aanvaarden', 'Alles aanvaarden',
        'Alle cookies aanvaarden', 'Ja, ik accepteer', 'Cookies aanzetten',
      ],
      reject: [
        'Weigeren', 'Alles weigeren', 'Alle cookies weigeren', 'Cookies weigeren', 'Weiger', 'Weiger alles',
        'Weiger alle cookies', 'Weiger cookies', 'Ik weiger', 'Alleen noodzakelijke cookies', 'Alleen noodzakelijke',
        'Alleen noodzakelijk', 'Alleen functionele cookies', 'Alleen functionele', 'Alleen functioneel',
        'Alleen essentiële cookies', 'Alleen essentiële', 'Alleen strikt noodzakelijke cookies',
        'Noodzakelijke cookies accepteren', 'Functionele cookies accepteren', 'Noodzakelijke cookies toestaan',
        'Functionele cookies toestaan', 'Nee, bedankt', 'Nee, dank je', 'Nee, dank u', 'Niet accepteren', 'Niet akkoord',
        'Ik ga niet akkoord', 'Afwijzen', 'Alles afwijzen', 'Alle cookies afwijzen', 'Doorgaan zonder accepteren',
        'Doorgaan zonder cookies', 'Verder zonder cookies', 'Geen cookies', 'Nee, geen cookies', 'Liever niet',
      ],
      settings: [
        'Instellingen', 'Cookie-instellingen', 'Cookieinstellingen', 'Instellingen aanpassen', 'Voorkeuren',
        'Cookievoorkeuren', 'Cookie-voorkeuren', 'Voorkeuren aanpassen', 'Voorkeuren beheren', 'Aanpassen',
        'Zelf instellen', 'Zelf kiezen', 'Beheren', 'Cookies beheren', 'Cookies instellen', 'Meer opties',
        'Details tonen', 'Toon details', 'Keuze aanpassen', 'Wijzig instellingen',
      ],
      save: [
        'Opslaan', 'Keuze opslaan', 'Mijn keuze opslaan', 'Keuzes opslaan', 'Voorkeuren opslaan', 'Instellingen opslaan',
        'Selectie opslaan', 'Selectie toestaan', 'Selectie accepteren', 'Geselecteerde toestaan',
        'Geselecteerde accepteren', 'Geselecteerde cookies toestaan', 'Bevestig keuze', 'Bevestig mijn keuze',
        'Bevestig selectie', 'Keuze bevestigen', 'Opslaan en sluiten', 'Sla keuze op', 'Sla voorkeuren op', 'Selectie',
        'Geselecteerde',
      ],
      info: [
        'Privacyverklaring', 'Privacybeleid', 'Privacystatement', 'Cookieverklaring', 'Cookiebeleid', 'Meer informatie',
        'Meer info', 'Lees meer', 'Lees hier meer', 'Disclaimer', 'Proclaimer',
      ],
    },
    exactOnly: {
      accept: ['Prima', 'Oké', 'Oke', 'Ja', 'Begrepen', 'Ik begrijp het', 'Sluiten en accepteren'],
      reject: ['Nee'],
      settings: ['Opties', 'Instellen', 'Wijzigen', 'Details'],
      save: ['Bevestigen', 'Bevestig'],
    },
    negations: ['niet', 'geen', 'nee', 'zonder'],
    restrictors: ['alleen', 'enkel', 'uitsluitend'],
  },
  en: {
    phrases: {
      accept: [
        'Accept all', 'Accept all cookies', 'Accept', 'Accept cookies', 'Accept and close', 'Accept and continue',
        'Allow', 'Allow all', 'Allow all cookies', 'Allow cookies', 'Agree', 'I agree', 'Agree and close',
        'Agree and continue', 'I accept', 'Yes, I agree', 'Yes, I accept', 'Enable all',
      ],
      reject: [
        'Reject', 'Reject all', 'Reject all cookies', 'Reject cookies', 'Decline', 'Decline all', 'Decline cookies',
        'Deny', 'Deny all', 'Refuse', 'Refuse all', 'Only necessary', 'Necessary only', 'Only necessary cookies',
        'Necessary cookies only', 'Use necessary cookies only', 'Strictly necessary only', 'Only essential',
        'Essential only', 'Only essential cookies', 'Essential cookies only', 'Accept necessary',
        'Accept necessary cookies', 'Accept essential cookies', 'Allow necessary cookies', 'No thanks', 'No, thank you',
        'Do not accept', 'Disagree', 'I disagree', 'I do not agree', 'Continue without accepting',
        'Continue without agreeing', 'Disable all',
      ],
      settings: [
        'Settings', 'Cookie settings', 'Preferences', 'Cookie preferences', 'Manage', 'Manage cookies',
        'Manage preferences', 'Manage settings', 'Manage options', 'Manage choices', 'Customize', 'Customise',
        'Customize settings', 'More options', 'Let me choose', 'Configure', 'Show details', 'Change settings',
        'Set preferences',
      ],
      save: [
        'Save', 'Save settings', 'Save preferences', 'Save my preferences', 'Save choices', 'Save my choices',
        'Save selection', 'Confirm choices', 'Confirm my choices', 'Confirm selection', 'Confirm my selection',
        'Allow selection', 'Accept selected', 'Accept selection', 'Save and close', 'Save and exit',
        'Submit preferences', 'Selected', 'Selection',
      ],
      info: [
        'Privacy policy', 'Privacy statement', 'Privacy notice', 'Cookie policy', 'Cookie statement', 'Cookie notice',
        'Learn more', 'Read more', 'More information', 'More info',
      ],
    },
    exactOnly: {
      accept: ['OK', 'Okay', 'Got it', 'I understand', 'Yes'],
      reject: ['No'],
      settings: ['Options', 'Details'],
      save: ['Confirm', 'Submit'],
    },
    negations: ['not', 'no', 'dont', 'without', 'never'],
    restrictors: ['only', 'just'],
  },
  de: {
    phrases: {
      accept: [
        'Alle akzeptieren', 'Alles akzeptieren', 'Alle Cookies akzeptieren', 'Akzeptieren', 'Cookies akzeptieren',
        'Akzeptieren und schließen', 'Akzeptieren und weiter', 'Zustimmen', 'Allen zustimmen', 'Alle zustimmen',
        'Ich stimme zu', 'Einverstanden', 'Annehmen', 'Alle annehmen', 'Zulassen', 'Alle zulassen',
        'Alle Cookies zulassen', 'Erlauben', 'Alle erlauben', 'Alle Cookies erlauben', 'Ich akzeptiere',
      ],
      reject: [
        'Ablehnen', 'Alle ablehnen', 'Alles ablehnen', 'Cookies ablehnen', 'Verweigern', 'Alle verweigern',
        'Nur notwendige', 'Nur notwendige Cookies', 'Nur essenzielle', 'Nur essenzielle Cookies', 'Nur erforderliche',
        'Nur erforderliche Cookies', 'Nur technisch notwendige', 'Notwendige Cookies akzeptieren',
        'Essenzielle Cookies akzeptieren', 'Nicht zustimmen', 'Nicht akzeptieren', 'Nein danke', 'Weiter ohne',
        'Ohne Zustimmung', 'Ohne Einwilligung', 'Ohne Einwilligung fortfahren', 'Weiter ohne Einwilligung',
      ],
      settings: [
        'Einstellungen', 'Cookie-Einstellungen', 'Cookieeinstellungen', 'Anpassen', 'Einstellungen anpassen', 'Verwalten',
        'Cookies verwalten', 'Mehr Optionen', 'Individuelle Einstellungen', 'Details anzeigen', 'Präferenzen',
        'Konfigurieren',
      ],
      save: [
        'Speichern', 'Auswahl speichern', 'Einstellungen speichern', 'Meine Auswahl speichern', 'Auswahl bestätigen',
        'Auswahl erlauben', 'Auswahl akzeptieren', 'Auswahl zulassen', 'Speichern und schließen', 'Auswahl',
        'Ausgewählte',
      ],
      info: [
        'Datenschutzerklärung', 'Datenschutzhinweise', 'Datenschutz', 'Impressum', 'Mehr erfahren',
        'Mehr Informationen', 'Cookie-Richtlinie',
      ],
    },
    exactOnly: {
      reject: ['Nein'],
      settings: ['Optionen'],
      save: ['Bestätigen'],
    },
    negations: ['nicht', 'kein', 'keine', 'nein', 'ohne'],
    restrictors: ['nur'],
  },
  fr: {
    phrases: {
      accept: [
        'Tout accepter', 'Accepter tout', 'Accepter', 'Accepter et fermer', 'Accepter et continuer',
        'Accepter les cookies', 'Accepter tous les cookies', "J'accepte", 'Autoriser', 'Tout autoriser',
        'Autoriser tous les cookies', "Je suis d'accord", "D'accord",
      ],
      reject: [
        'Refuser', 'Tout refuser', 'Refuser tout', 'Refuser les cookies', 'Refuser tous les cookies', 'Je refuse',
        'Continuer sans accepter', 'Ne pas accepter', 'Rejeter', 'Tout rejeter', 'Interdire', 'Tout interdire',
        'Uniquement les cookies nécessaires', 'Cookies nécessaires uniquement', 'Accepter les cookies nécessaires',
        'Non merci',
      ],
      settings: [
        'Paramètres', 'Paramétrer', 'Paramétrer les cookies', 'Personnaliser', 'Gérer', 'Gérer les cookies',
        'Gérer mes choix', 'Préférences', "Plus d'options", 'Afficher les détails',
      ],
      save: [
        'Enregistrer', 'Sauvegarder', 'Enregistrer mes choix', 'Enregistrer mes préférences', 'Valider',
        'Valider mes choix', 'Valider ma sélection', 'Confirmer mes choix', 'Confirmer la sélection',
        'Autoriser la sélection', 'Accepter la sélection', 'Enregistrer et fermer', 'Sélection',
      ],
      info: [
        'Politique de confidentialité', 'Politique de cookies', 'Politique cookies', 'En savoir plus',
        'Mentions légales', "Plus d'informations",
      ],
    },
    exactOnly: {
      accept: ['Oui'],
      reject: ['Non'],
      settings: ['Options', 'Choisir'],
      save: ['Confirmer'],
    },
    negations: ['ne', 'pas', 'non', 'sans'],
    restrictors: ['uniquement', 'seulement'],
  },
};

/** The order in which languages are listed; it only matters for which language a match reports. */
export const LANGUAGES: Language[] = ['nl', 'en', 'de', 'fr'];

/** Vocabulary in the form the matcher uses (also inside the page): normalised phrases, flat lists. */
export interface CompiledVocabulary {
  /** [normalised phrase, role, language, exact-only (1) or not (0)] */
  entries: Array<[string, ButtonRole, Language, 0 | 1]>;
  negations: string[];
  restrictors: string[];
}

export interface LabelMatch {
  role: ButtonRole;
  /** The normalised phrase that decided it. */
  phrase: string;
  language: Language;
  /** The whole label is the phrase. */
  exact: boolean;
  /** Set when an accept phrase was turned into a refusal by a negation or "only" word. */
  via?: 'negation' | 'restriction';
}

export interface LabelTools {
  normalise(text: string): string;
  classify(label: string): LabelMatch | null;
}

/**
 * Normalisation and matching. Written without references outside its own body because the same
 * source is injected into pages (see inpage.ts): node and the browser must classify alike.
 */
export function labelTools(vocab: CompiledVocabulary | null): LabelTools {
  const normalise = (text: string): string =>
    String(text)
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      // Glue elided words ("j'accepte", "don't") so the apostrophe does not split them.
      .replace(/['\u2018\u2019\u0060\u00b4]/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  const containsWords = (hay: string, needle: string): boolean => ` ${hay} `.includes(` ${needle} `);
  const rolePriority: Record<ButtonRole, number> = { reject: 5, save: 4, accept: 3, settings: 2, info: 1 };
  const classify = (label: string): LabelMatch | null => {
    if (!vocab) return null;
    const t = normalise(label);
    // A button label is short; a sentence that happens to contain "akkoord" is not a button.
    if (!t || t.length > 80 || t.split(' ').length > 10) return null;
    const exact: LabelMatch[] = [];
    const within: LabelMatch[] = [];
    for (const [phrase, role, language, exactOnly] of vocab.entries) {
      if (t === phrase) exact.push({ role, phrase, language, exact: true });
      else if (!exactOnly && containsWords(t, phrase)) within.push({ role, phrase, language, exact: false });
    }
    const better = (a: LabelMatch, b: LabelMatch) =>
      b.phrase.length !== a.phrase.length ? b.phrase.length > a.phrase.length : rolePriority[b.role] > rolePriority[a.role];
    const best = (list: LabelMatch[]): LabelMatch | null => {
      let pick: LabelMatch | null = null;
      for (const m of list) if (!pick || better(pick, m)) pick = m;
      return pick;
    };
    if (exact.length > 0) return best(exact);
    if (within.length === 0) return null;
    const negated = vocab.negations.some((w) => containsWords(t, w));
    const restricted = vocab.restrictors.some((w) => containsWords(t, w));
    let candidates = within;
    if (negated || restricted) {
      const accepts = candidates.filter((m) => m.role === 'accept');
      candidates = candidates.filter((m) => m.role !== 'accept');
      if (candidates.length === 0) {
        const a = best(accepts);
        return a ? { ...a, role: 'reject', via: negated ? 'negation' : 'restriction' } : null;
      }
    }
    // "Instellingen opslaan" saves; the noun only says what is being saved.
    if (candidates.some((m) => m.role === 'save')) candidates = candidates.filter((m) => m.role !== 'settings');
    // "Meer informatie en instellingen" opens the settings rather than a statement.
    if (candidates.some((m) => m.role === 'settings')) candidates = candidates.filter((m) => m.role !== 'info');
    return best(candidates);
  };
  return { normalise, classify };
}

export function compileVocabulary(vocabulary: Record<Language, LanguageVocabulary> = VOCABULARY): CompiledVocabulary {
  const { normalise } = labelTools(null);
  const entries: CompiledVocabulary['entries'] = [];
  const negations = new Set<string>();
  const restrictors = new Set<string>();
  const roles: ButtonRole[] = ['accept', 'reject', 'settings', 'save', 'info'];
  for (const language of LANGUAGES) {
    const v = vocabulary[language];
    for (const role of roles) {
      for (const p of v.phrases[role]) entries.push([normalise(p), role, language, 0]);
      for (const p of v.exactOnly[role] ?? []) entries.push([normalise(p), role, language, 1]);
    }
    v.negations.forEach((w) => negations.add(normalise(w)));
    v.restrictors.forEach((w) => restrictors.add(normalise(w)));
  }
  return { entries, negations: [...negations], restrictors: [...restrictors] };
}

export const COMPILED_VOCABULARY: CompiledVocabulary = compileVocabulary();

const tools = labelTools(COMPILED_VOCABULARY);

/** Lower case, no diacritics, no punctuation, single spaces. */
export const normaliseLabel = tools.normalise;

/** What a button with this label would do, or null when it is not a consent button we know. */
export const classifyLabel = tools.classify;
