import { describe, expect, it } from 'vitest';
import {
  classifyLabel,
  compileVocabulary,
  COMPILED_VOCABULARY,
  labelTools,
  normaliseLabel,
  VOCABULARY,
  type ButtonRole,
} from '../../src/consent/vocabulary.js';

const role = (label: string): ButtonRole | null => classifyLabel(label)?.role ?? null;

const cases = (list: Array<[string, ButtonRole | null]>) => list.map(([label, expected]) => ({ label, expected }));

describe('normaliseLabel', () => {
  it.each([
    ['  Alle   cookies\n accepteren ', 'alle cookies accepteren'],
    ['ALLES WEIGEREN', 'alles weigeren'],
    ['Cookie-instellingen', 'cookie instellingen'],
    ['Ja, prima!', 'ja prima'],
    ['Alleen essentiële cookies', 'alleen essentiele cookies'],
    ['Paramètres', 'parametres'],
    ['Auswahl bestätigen', 'auswahl bestatigen'],
    ["J'accepte", 'jaccepte'],
    ['Don’t accept', 'dont accept'],
    ['✓ Akkoord ›', 'akkoord'],
    ['Oké', 'oke'],
    ['', ''],
  ])('%j → %j', (input, output) => {
    expect(normaliseLabel(input)).toBe(output);
  });
});

describe('Dutch labels', () => {
  it.each(
    cases([
      ['Alle cookies accepteren', 'accept'],
      ['Accepteren', 'accept'],
      ['Akkoord', 'accept'],
      ['Ja, prima', 'accept'],
      ['Toestaan', 'accept'],
      ['Alles toestaan', 'accept'],
      ['Cookies accepteren', 'accept'],
      ['Accepteer alle cookies', 'accept'],
      ['Ik ga akkoord', 'accept'],
      ['Akkoord en doorgaan', 'accept'],
      ['Sta alle cookies toe', 'accept'],
      ['Ja, ik accepteer alle cookies', 'accept'],
      ['Prima', 'accept'],
      ['Weigeren', 'reject'],
      ['Alles weigeren', 'reject'],
      ['Alleen noodzakelijke cookies', 'reject'],
      ['Alleen functionele cookies', 'reject'],
      ['Alleen noodzakelijke cookies accepteren', 'reject'],
      ['Alleen functionele cookies toestaan', 'reject'],
      ['Noodzakelijke cookies accepteren', 'reject'],
      ['Nee, bedankt', 'reject'],
      ['Niet accepteren', 'reject'],
      ['Niet akkoord', 'reject'],
      ['Ik accepteer niet', 'reject'],
      ['Doorgaan zonder accepteren', 'reject'],
      ['Cookies weigeren', 'reject'],
      ['Nee', 'reject'],
      ['Instellingen', 'settings'],
      ['Voorkeuren', 'settings'],
      ['Cookie-instellingen', 'settings'],
      ['Aanpassen', 'settings'],
      ['Cookies beheren', 'settings'],
      ['Meer opties', 'settings'],
      ['Meer informatie en instellingen', 'settings'],
      ['Opslaan', 'save'],
      ['Keuze opslaan', 'save'],
      ['Voorkeuren opslaan', 'save'],
      ['Mijn voorkeuren opslaan', 'save'],
      ['Instellingen opslaan', 'save'],
      ['Selectie toestaan', 'save'],
      ['Bevestig keuze', 'save'],
      ['Bevestig mijn keuze', 'save'],
      ['Privacyverklaring', 'info'],
      ['Cookieverklaring', 'info'],
      ['Meer informatie', 'info'],
      ['Zoeken', null],
      ['Sluiten', null],
      ['Menu', null],
      ['Lees verder', null],
      ['Inloggen met DigiD', null],
    ]),
  )('$label → $expected', ({ label, expected }) => {
    expect(role(label)).toBe(expected);
  });
});

describe('English labels', () => {
  it.each(
    cases([
      ['Accept all', 'accept'],
      ['Accept all cookies', 'accept'],
      ['Accept', 'accept'],
      ['Allow all', 'accept'],
      ['I agree', 'accept'],
      ['Got it', 'accept'],
      ['OK', 'accept'],
      ['Reject all', 'reject'],
      ['Decline', 'reject'],
      ['Only necessary cookies', 'reject'],
      ['Accept only necessary', 'reject'],
      ['Accept necessary cookies', 'reject'],
      ['Use necessary cookies only', 'reject'],
      ["Don't accept", 'reject'],
      ['Do not accept', 'reject'],
      ['Continue without accepting', 'reject'],
      ['No thanks', 'reject'],
      ['Cookie settings', 'settings'],
      ['Manage preferences', 'settings'],
      ['Customize', 'settings'],
      ['Save preferences', 'save'],
      ['Save settings', 'save'],
      ['Confirm my choices', 'save'],
      ['Allow selection', 'save'],
      ['Accept only selected', 'save'],
      ['Privacy policy', 'info'],
      ['Learn more', 'info'],
      ['Search', null],
      ['Close', null],
      ['Subscribe to our newsletter', null],
    ]),
  )('$label → $expected', ({ label, expected }) => {
    expect(role(label)).toBe(expected);
  });
});

describe('German labels', () => {
  it.each(
    cases([
      ['Alle akzeptieren', 'accept'],
      ['Alle Cookies akzeptieren', 'accept'],
      ['Akzeptieren', 'accept'],
      ['Zustimmen', 'accept'],
      ['Allen zustimmen', 'accept'],
      ['Einverstanden', 'accept'],
      ['Ablehnen', 'reject'],
      ['Alle ablehnen', 'reject'],
      ['Nur notwendige Cookies', 'reject'],
      ['Nur notwendige Cookies akzeptieren', 'reject'],
      ['Nur essenzielle Cookies akzeptieren', 'reject'],
      ['Nicht einverstanden', 'reject'],
      ['Weiter ohne Einwilligung', 'reject'],
      ['Einstellungen', 'settings'],
      ['Cookie-Einstellungen', 'settings'],
      ['Individuelle Einstellungen', 'settings'],
      ['Auswahl speichern', 'save'],
      ['Einstellungen speichern', 'save'],
      ['Auswahl bestätigen', 'save'],
      ['Datenschutzerklärung', 'info'],
      ['Impressum', 'info'],
      ['Suchen', null],
      ['Schließen', null],
    ]),
  )('$label → $expected', ({ label, expected }) => {
    expect(role(label)).toBe(expected);
  });
});

describe('French labels', () => {
  it.each(
    cases([
      ['Tout accepter', 'accept'],
      ['Accepter', 'accept'],
      ['Accepter et fermer', 'accept'],
      ["J'accepte", 'accept'],
      ["D'accord", 'accept'],
      ['Tout autoriser', 'accept'],
      ['Tout refuser', 'reject'],
      ['Refuser', 'reject'],
      ['Continuer sans accepter', 'reject'],
      ['Ne pas accepter', 'reject'],
      ['Pas d’accord', 'reject'],
      ['Accepter uniquement les cookies nécessaires', 'reject'],
      ['Non merci', 'reject'],
      ['Paramètres', 'settings'],
      ['Personnaliser', 'settings'],
      ['Gérer les cookies', 'settings'],
      ['Enregistrer mes choix', 'save'],
      ['Valider ma sélection', 'save'],
      ['Confirmer mes choix', 'save'],
      ['Politique de confidentialité', 'info'],
      ['En savoir plus', 'info'],
      ['Rechercher', null],
      ['Fermer', null],
    ]),
  )('$label → $expected', ({ label, expected }) => {
    expect(role(label)).toBe(expected);
  });
});

describe('matching rules', () => {
  it('prefers the whole label over a phrase inside it', () => {
    expect(classifyLabel('Alleen noodzakelijke cookies')).toMatchObject({ role: 'reject', exact: true, phrase: 'alleen noodzakelijke cookies' });
    expect(classifyLabel('Alle cookies accepteren')).toMatchObject({ role: 'accept', exact: true, language: 'nl' });
  });

  it('prefers the most specific phrase inside a longer label', () => {
    expect(classifyLabel('Ja, ik accepteer alle cookies')).toMatchObject({ role: 'accept', phrase: 'accepteer alle cookies', exact: false });
    expect(classifyLabel('Mijn voorkeuren opslaan')).toMatchObject({ role: 'save', phrase: 'voorkeuren opslaan' });
  });

  it('does not read "Accepteren" into "Niet accepteren"', () => {
    expect(classifyLabel('Niet accepteren')).toMatchObject({ role: 'reject', phrase: 'niet accepteren' });
    expect(classifyLabel('Niet accepteren')?.role).not.toBe('accept');
  });

  it('turns an accept phrase with a negation or an "only" word into a refusal, and says so', () => {
    expect(classifyLabel('Ik accepteer niet')).toMatchObject({ role: 'reject', via: 'negation' });
    expect(classifyLabel('Alleen deze cookies accepteren')).toMatchObject({ role: 'reject', via: 'restriction' });
  });

  it('matches whole words only', () => {
    // "ok" is exact-only; "akkoord" must not be found inside another word.
    expect(role('Boekje')).toBeNull();
    expect(role('Ok, maar eerst dit')).toBeNull();
    expect(role('Onakkoordheid')).toBeNull();
    expect(role('Toestaander')).toBeNull();
  });

  it('keeps exact-only words out of sentences', () => {
    expect(role('Nee')).toBe('reject');
    expect(role('Nee hoor, de gemeente zegt')).toBeNull();
    expect(role('Ja')).toBe('accept');
    expect(role('Ja, ik wil de nieuwsbrief')).toBeNull();
  });

  it('ignores long texts: a sentence about cookies is not a button', () => {
    expect(role('Wij gebruiken cookies en als u verder gaat dan gaat u akkoord met ons beleid')).toBeNull();
    expect(role('x'.repeat(81))).toBeNull();
  });

  it('is insensitive to case, spacing, punctuation and diacritics', () => {
    expect(role('ALLE COOKIES ACCEPTEREN')).toBe('accept');
    expect(role('  alles\tweigeren  ')).toBe('reject');
    expect(role('Alleen essentiele cookies')).toBe('reject');
    expect(role('PARAMETRER')).toBe('settings');
    expect(role('Auswahl bestatigen')).toBe('save');
    expect(role('Alle cookies accepteren →')).toBe('accept');
  });

  it('returns null for empty labels', () => {
    expect(classifyLabel('')).toBeNull();
    expect(classifyLabel('   ')).toBeNull();
    expect(classifyLabel('!!!')).toBeNull();
  });
});

describe('the vocabulary data', () => {
  it('gives no normalised phrase two different roles', () => {
    const seen = new Map<string, string>();
    for (const [phrase, r] of COMPILED_VOCABULARY.entries) {
      const before = seen.get(phrase);
      if (before) expect(`${phrase}: ${r}`).toBe(`${phrase}: ${before}`);
      seen.set(phrase, r);
    }
  });

  it('classifies every phrase of every language as its own role', () => {
    for (const lang of Object.values(VOCABULARY)) {
      for (const [r, list] of Object.entries(lang.phrases)) {
        for (const p of list) expect(`${p} → ${role(p)}`).toBe(`${p} → ${r}`);
      }
      for (const [r, list] of Object.entries(lang.exactOnly)) {
        for (const p of list ?? []) expect(`${p} → ${role(p)}`).toBe(`${p} → ${r}`);
      }
    }
  });

  it('has no empty phrases and lists Dutch first', () => {
    for (const [phrase] of COMPILED_VOCABULARY.entries) expect(phrase.length).toBeGreaterThan(0);
    expect(COMPILED_VOCABULARY.entries[0]?.[2]).toBe('nl');
  });

  it('can be compiled from other data, and the matcher is self-contained (it runs inside pages)', () => {
    const custom = compileVocabulary({
      ...VOCABULARY,
      nl: { ...VOCABULARY.nl, phrases: { ...VOCABULARY.nl.phrases, accept: ['Helemaal goed'] } },
    });
    // Rebuilt from its source text alone, as the page gets it.
    const rebuilt = new Function(`return (${labelTools.toString()})`)() as typeof labelTools;
    expect(rebuilt(custom).classify('Helemaal goed!')?.role).toBe('accept');
    expect(rebuilt(custom).classify('Alle cookies accepteren')?.role).not.toBe('accept');
    expect(rebuilt(null).classify('Akkoord')).toBeNull();
  });
});
