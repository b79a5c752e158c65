// Does the site's privacy or cookie statement name the third parties we found? A pure function over
// findings, the tracker rules and the visible text of the statement pages: no browser, no I/O.
//
// What it answers, per tracker found (rules findings of seriousness >= 2):
// - `named`: the statement names the tracker itself ("Google Analytics", "Meta Pixel", "Hotjar");
// - `organisation-named`: it names only the organisation or a name several trackers share ("Google",
//   "Facebook", "Microsoft");
// - `denied`: it mentions the tracker only in sentences that deny using it ("Wij gebruiken geen
//   Facebook Pixel"). Worse than silence, and never counted as disclosed;
// - `not-named`: none of its names occur (also when there is no statement at all).
//
// MATCHING (a term is the tracker's name or one of its `aliases`, see termsOf):
// - Text is NFC-normalised; soft hyphens and zero-width characters are removed; every run of whitespace
//   (spaces, NBSP, tabs, line breaks) counts as one space.
// - Case-insensitive. A term must not be preceded by a letter, digit or combining mark, nor followed by
//   one, with two exceptions: a hyphen compound ("Facebook-pixel", "Google Analytics-cookies") always
//   matches, and a Dutch closed compound ("Googlecookies", "Youtubevideo's") matches when the term is a
//   single word of at least 5 letters written with a capital in the rules and the text, followed by
//   a lower-case letter.
// - Between the words of a multi-word term, one space, one hyphen or nothing: "Google Analytics"
//   matches "Google-Analytics" and "GoogleAnalytics". A term's own hyphens work the same way.
// - Aliases of fewer than 3 characters made of letters only ("X") are never searched. Terms of at
//   most 4 letters ("Meta", "Bing", "GTM") do not match when written all in lower case, so "meta-data"
//   or "bing" in running text name nothing; "metadata" never matches anyway (a letter follows).
// - Mentions inside browser and operating-system names ("Google Chrome", "Microsoft Edge") name no
//   third party and are ignored.
//
// LEVELS (per tracker): the tracker's name (also without a parenthesised part, and each side of
// " / ") is tracker-level. An alias is organisation-level when it belongs to more than one tracker
// in the rules (as alias or name) or when it is (a whole-word part of) the organisation's name
// stripped of legal suffixes ("Google" of "Google LLC", "Meta" of "Meta Platforms Inc."); any
// other alias is tracker-level. The stripped organisation name is an organisation-level term too.
// Consequences worth knowing: "YouTube" names the YouTube embed, but only the organisation for the
// privacy-enhanced youtube-nocookie embed (both have the alias); "Google Analytics" names Google
// Analytics, but only the organisation for its advertising features; "LinkedIn" and "Siteimprove"
// are organisation names.
//
// NEGATION (deliberately conservative: a wrong "denied" accuses a municipality of a statement it did
// not make, so anything unclear counts as an ordinary, affirming mention). An occurrence is denied
// only when, inside one sentence (ended by . ! ? ; or a line break) and one clause (ended by , : ( )
// a tab or a dash, or started by a contrast word such as "wel", "maar", "but"), one of these holds:
//   1. a cue (geen, niet, nooit, noch, no, not, never, nor, any "n't") stands before the term, with a
//      verb of use (gebruiken, plaatsen, inzetten, laden, bevatten, use, place, load, embed …) in
//      that clause, and only words from a short list between cue and term: verbs of use, fillers
//      ("de", "onze", "op deze website", "any"), and nouns for what a tracker brings ("cookies",
//      "pixel", "tags", "diensten", "third parties", "zoals"). "Wij gebruiken geen Facebook Pixel",
//      "We do not use any cookies from Hotjar". A list after the cue counts ("We do not use
//      Facebook, Twitter or LinkedIn"), as does an elliptic "…, (maar) geen Facebook Pixel" after a verb
//      of use; but a term after "en"/"or" that the clause goes on to say something about starts a new
//      statement ("Wij gebruiken geen Facebook Pixel en Google Analytics is anoniem ingesteld");
//   2. "zonder"/"without" stands before the term with only such words between, none of them a part noun
//      ("zonder Google signals"; not "zonder cookies van Google Analytics": cookieless measurement exists);
//   3. the term opens the clause and is followed by exactly "gebruiken wij niet (meer)", a passive
//      "wordt/is niet (meer) gebruikt/used/placed/active" or "isn't used"; or "wij gebruiken <term>
//      niet (meer)"; optionally followed by "op deze website", "on this site" and the like;
//   4. "uitgeschakeld", "uitgezet", "disabled", "switched off", "staat uit" … follows the term with only
//      auxiliaries and pronouns between ("is", "zijn", "staat", "wordt", "hebben wij", "door ons") and at
//      most one more list item after "en"/"and" ("Google signals en remarketing hebben wij uitgeschakeld"),
//      or precedes it with only those and an article between ("We have disabled Google signals"); the
//      term is the subject, no preposition stands before it in its clause (not "het delen van gegevens
//      met Google is uitgeschakeld"), and no other noun sits between term and off-word (not "De Google
//      Analytics advertentiefuncties zijn uitgeschakeld", "Google Analytics gegevens delen is uitgeschakeld").
// and none of these is true:
//   - the sentence contains a word of condition, exception or comparison: toestemming, consent,
//     zonder/without (other than as cue 2), tenzij, unless, als, if, when, wanneer, indien, voordat,
//     before, pas, alleen, only, behalve, except, uitzondering, than …, or "andere"/"other" before the
//     term ("Zonder uw toestemming plaatsen wij geen Facebook Pixel" affirms the pixel; "geen andere
//     cookies dan Google Analytics" affirms Google Analytics; "geen Facebook Pixel of andere trackers"
//     still denies the pixel);
//   - a word of purpose follows the term in its part of the sentence: voor, om, for, to, zodat …
//     ("We do not use Google Analytics for advertising" affirms Google Analytics);
//   - the term only qualifies another noun that is not a tracker part: "geen Google
//     Analytics-advertentiefuncties", "Facebook's data";
//   - anywhere in the sentence before the term, a place or other limiting phrase: a preposition (op, in,
//     bij, binnen, via, voor, met, tijdens, on, at, within, for, with, during …) not followed by only
//     "deze/onze/de/this/our/the/all … website/site/pagina's/pages" or "ons"/"us" ("Wij gebruiken op het
//     digitale loket geen Google Analytics", "In MijnGemeente gebruiken wij geen …"; "Op deze website
//     gebruiken wij geen …" still denies);
//   - after the term (cue 1, 2 and the off-word of cue 4) or after the fixed phrase (cue 3, 4), up to the
//     end of the sentence, anything but: fillers ("op deze website", "meer", "ook", glue), verbs of use
//     and participles ("geplaatst"), part nouns right after a term ("Google Analytics cookies"), further
//     list items ("of andere trackers", "en ook geen Hotjar", "or Hotjar", at most two words after each
//     "en"/"of"). So a place or part ("op pagina's met formulieren", "in MijnGemeente", "on our forms
//     pages"), a relative clause ("die", "dat", "that", "which"), "met"/"with", "in combinatie met",
//     "zoals" after the term mean no denial. The check stops at a later clause that opens a new statement
//     about another term (", wel Google Analytics", "and we use Google Analytics").
// Words inside a term never act as cue or blocker.
// A denial of a part ("geen cookies van Google", "Google-cookies", "Facebook's pixel") denies the
// tracker when the term is tracker-level, but is ignored for an organisation-level term: "no Google
// cookies" says nothing about Google Fonts. A shorter term inside a longer term of another tracker
// ("Google" in "Google Analytics") is about that other tracker: for the others (Google Maps) it counts
// neither as naming the organisation nor, when denied, as a denial. A tracker's own name inside a longer
// one ("Google Analytics" in "Google Analytics advertising features") still names it, but is not denied.
// A sentence reaches about 500 to 750 characters either side of the term, at most.
// Known limits: no real parsing, so denials phrased otherwise ("Facebook Pixel hebben wij verwijderd",
// "Google Analytics: nee", headings over lists, double negatives) read as affirming mentions; only Dutch
// and English cues; a term word that is also a common word ("Clarity", "Floodlight") matches it; a
// statement that calls Twitter only "X" does not name it (the bare "X" is never searched).
//
// STATUS per tracker: a tracker-level mention that is not denied → `named`; else an organisation-level
// mention that is not denied → `organisation-named`; else a denied tracker-level mention → `denied`; else a
// denied organisation-level mention → `denied`; else `not-named`. So a denial wins only when no term of the
// tracker is mentioned affirmingly anywhere: "Wij meten met cookies van Google. Wij gebruiken geen Google
// Analytics." is `organisation-named`, as is "Wij gebruiken Google Analytics. Google signals staat uit."
// for the advertising features. An organisation-level term inside one of the tracker's own longer
// tracker-level terms ("Facebook" in "Facebook Pixel") is left to that longer occurrence.
// ORGANISATION shown: the findings' organisation (`finding.organisation.name`, e.g. the operator of a
// Matomo on a third-party host) when the tracker's findings agree on one, else the rules'. Evidence is the first such occurrence (statement order, then position, the
// longest term first), with its sentence, or about 160 characters around it.
import type { Finding } from './types.js';
import type { Tracker, TrackerRules } from './rules.js';

export interface StatementText {
  url: string;
  /** Visible text of one statement page. */
  text: string;
}

export type DisclosureStatus = 'named' | 'organisation-named' | 'denied' | 'not-named';

export interface Disclosure {
  trackerId: string;
  trackerName: string;
  organisation: string;
  status: DisclosureStatus;
  /** The term that matched (e.g. "Google Analytics", or just "Google"), where in which statement, and ~160 chars of surrounding text. */
  evidence?: { term: string; statementUrl: string; snippet: string };
}

export type TermLevel = 'tracker' | 'organisation';

/** The terms searched for one tracker, as written in the rules (first spelling wins). */
export interface TrackerTerms {
  trackerId: string;
  /** Name the tracker itself: its name and its own aliases. */
  tracker: string[];
  /** Name only its organisation: aliases shared with other trackers, (parts of) the organisation's name. */
  organisation: string[];
  /** Aliases never searched: fewer than 3 characters, letters only ("X"). */
  unusable: string[];
}

// ---------------------------------------------------------------------------------------------
// Terms

const SEPARATORS = /[\s\-\u2010\u2011]+/u;
const LETTERS_ONLY = /^\p{L}+$/u;

function tokensOf(term: string): string[] {
  return term.normalize('NFC').split(SEPARATORS).filter(Boolean);
}

/** Spelling-insensitive identity of a term: lower case, without spaces and hyphens (as matched). */
function keyOf(term: string): string {
  return tokensOf(term).join('').toLowerCase();
}

function usable(term: string): boolean {
  const t = term.trim();
  if (!keyOf(t)) return false;
  return !(t.length < 3 && LETTERS_ONLY.test(t));
}

/** "YouTube (embedded video)" → also "YouTube"; "Google Ads / DoubleClick" → also both sides. */
function nameVariants(name: string): string[] {
  const out: string[] = [];
  const full = name.replace(/\s+/g, ' ').trim();
  if (!full.includes('(')) out.push(full);
  const bare = full.replace(/\s*\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  if (bare && !out.includes(bare)) out.push(bare);
  for (const v of [...out]) {
    if (!v.includes(' / ')) continue;
    for (const part of v.split(' / ')) if (part.trim() && !out.includes(part.trim())) out.push(part.trim());
  }
  return out;
}

const LEGAL_SUFFIXES = new Set([
  'inc', 'llc', 'ltd', 'limited', 'bv', 'nv', 'gmbh', 'ag', 'kg', 'a/s', 'aps', 'ab', 'as', 'oy', 'sas', 'sa', 'sarl',
  'srl', 'spa', 'sl', 'se', 'plc', 'corp', 'corporation', 'co', 'company', 'lp', 'llp', 'pty', 'bvba', 'vof', 'cv',
]);
const REGION_WORDS = new Set(['ireland', 'europe', 'netherlands', 'nederland', 'international', 'emea', 'uk']);

/**
 * The organisation's own name without parenthesised parts and legal suffixes ("Meta Platforms Inc." →
 * "Meta Platforms", "Google Ireland Limited" → "Google"); when that leaves an unusable term ("X Corp." →
 * "X"), the name with its suffix ("X Corp").
 */
export function organisationNameOf(name: string): string | undefined {
  const main = name.replace(/\s*\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  const words = main.split(' ').filter(Boolean);
  let strippedSuffix = false;
  while (words.length > 1) {
    const last = (words[words.length - 1] ?? '').toLowerCase().replace(/[.,]/g, '');
    if (LEGAL_SUFFIXES.has(last)) {
      words.pop();
      strippedSuffix = true;
    } else if (strippedSuffix && REGION_WORDS.has(last)) {
      words.pop();
    } else break;
  }
  const stripped = words.join(' ').replace(/[.,\s]+$/, '');
  if (usable(stripped)) return stripped;
  const whole = main.replace(/[.,\s]+$/, '');
  return usable(whole) ? whole : undefined;
}

/** Whether `alias` is the organisation's name or a whole-word part of it ("Meta" of "Meta Platforms"). */
function partOfName(alias: string, orgName: string): boolean {
  const a = tokensOf(alias).map((t) => t.toLowerCase());
  const o = tokensOf(orgName).map((t) => t.toLowerCase());
  if (!a.length) return false;
  for (let i = 0; i + a.length <= o.length; i++) if (a.every((t, j) => o[i + j] === t)) return true;
  return false;
}

interface CompiledTerms extends TrackerTerms {
  /** key → level */
  levels: Map<string, TermLevel>;
  /** key → the term as written */
  spelling: Map<string, string>;
}

const termCache = new WeakMap<TrackerRules, Map<string, CompiledTerms>>();

function compileTerms(rules: TrackerRules): Map<string, CompiledTerms> {
  const cached = termCache.get(rules);
  if (cached) return cached;
  const owners = new Map<string, number>();
  for (const t of rules.trackers) {
    const keys = new Set([...t.aliases, ...nameVariants(t.name)].map(keyOf).filter(Boolean));
    for (const k of keys) owners.set(k, (owners.get(k) ?? 0) + 1);
  }
  const out = new Map<string, CompiledTerms>();
  for (const t of rules.trackers) {
    const levels = new Map<string, TermLevel>();
    const spelling = new Map<string, string>();
    const unusableTerms: string[] = [];
    const add = (term: string, level: TermLevel) => {
      const key = keyOf(term);
      if (levels.has(key)) return;
      levels.set(key, level);
      spelling.set(key, term.replace(/\s+/g, ' ').trim());
    };
    for (const v of nameVariants(t.name)) if (usable(v)) add(v, 'tracker');
    const orgName = organisationNameOf(t.organisation.name);
    for (const alias of t.aliases) {
      if (!usable(alias)) {
        unusableTerms.push(alias);
        continue;
      }
      const shared = (owners.get(keyOf(alias)) ?? 0) > 1;
      add(alias, shared || (orgName !== undefined && partOfName(alias, orgName)) ? 'organisation' : 'tracker');
    }
    if (orgName) add(orgName, 'organisation');
    const of = (level: TermLevel) => [...levels].filter(([, l]) => l === level).map(([k]) => spelling.get(k) ?? k);
    out.set(t.id, { trackerId: t.id, tracker: of('tracker'), organisation: of('organisation'), unusable: unusableTerms, levels, spelling });
  }
  termCache.set(rules, out);
  return out;
}

/** The terms searched for each tracker in the rules, by tracker id, split by level. */
export function termsOf(rules: TrackerRules): ReadonlyMap<string, TrackerTerms> {
  const out = new Map<string, TrackerTerms>();
  for (const [id, c] of compileTerms(rules)) {
    out.set(id, { trackerId: c.trackerId, tracker: [...c.tracker], organisation: [...c.organisation], unusable: [...c.unusable] });
  }
  return out;
}

/** The organisation-level terms of each tracker, by tracker id ("google-analytics" → ["Google"]). */
export function organisationTerms(rules: TrackerRules): ReadonlyMap<string, readonly string[]> {
  return new Map([...compileTerms(rules)].map(([id, c]) => [id, [...c.organisation]]));
}

// ---------------------------------------------------------------------------------------------
// Text and occurrences

/** Mentions inside these name the visitor's software, not a party that receives data from the site. */
const NOT_A_PARTY = ['Google Chrome', 'Microsoft Edge', 'Microsoft Internet Explorer', 'Microsoft Windows', 'Google Play'];

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const LOWER = /\p{Ll}/u;
const UPPER = /\p{Lu}/u;
const HYPHENS = new Set(['-', '\u2010', '\u2011']);
const APOSTROPHES = new Set(["'", '\u2019']);
const LINE_BREAK = /[\n\r\v\f\u2028\u2029\u0085]/u;

interface Prepared {
  url: string;
  /** Whitespace-normalised text: every whitespace run is one space. */
  flat: string;
  /** Same length as `flat`, but a run holding a line break is "\n" and one holding a tab is "\t". */
  marked: string;
}

function prepare(statement: StatementText): Prepared {
  const text = statement.text.normalize('NFC').replace(/[\u00ad\u200b\u200c\u200d\u2060\ufeff]/g, '');
  let flat = '';
  let marked = '';
  for (const part of text.split(/(\s+)/u)) {
    if (!part) continue;
    if (/^\s+$/u.test(part)) {
      flat += ' ';
      marked += LINE_BREAK.test(part) ? '\n' : part.includes('\t') ? '\t' : ' ';
    } else {
      flat += part;
      marked += part;
    }
  }
  // Trim, keeping both strings aligned.
  const start = flat.length - flat.trimStart().length;
  const end = flat.trimEnd().length;
  return { url: statement.url, flat: flat.slice(start, end), marked: marked.slice(start, end) };
}

interface Occurrence {
  key: string;
  start: number;
  end: number;
  /** The term qualifies a following noun written onto it: "Facebook-pixel", "Googlecookies", "Facebook's". */
  compound?: 'hyphen' | 'letters' | 'possessive';
  /** Inside a browser or OS name: names nobody. */
  notAParty?: boolean;
}

interface Pattern {
  key: string;
  regex: RegExp;
  /** A single word of ≥ 5 letters starting with a capital: may open a Dutch closed compound. */
  closedCompound: boolean;
  /** At most 4 letters: never matches when written all in lower case. */
  short: boolean;
}

const escapeRegex = (s: string) => s.replace(/[\^$\\.*+?()[\]{}|/]/g, '\\$&');

function patternOf(term: string): Pattern {
  const tokens = tokensOf(term);
  const key = keyOf(term);
  return {
    key,
    regex: new RegExp(`(?<![\\p{L}\\p{N}\\p{M}])${tokens.map(escapeRegex).join('[ \\u2010\\u2011-]?')}`, 'giu'),
    closedCompound: tokens.length === 1 && key.length >= 5 && UPPER.test(term.trim()[0] ?? ''),
    short: key.length <= 4 && LETTERS_ONLY.test(key),
  };
}

function findOccurrences(flat: string, pattern: Pattern): Occurrence[] {
  const out: Occurrence[] = [];
  pattern.regex.lastIndex = 0;
  for (let m = pattern.regex.exec(flat); m; m = pattern.regex.exec(flat)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!m[0]) {
      pattern.regex.lastIndex++;
      continue;
    }
    if (pattern.short && m[0] === m[0].toLowerCase()) continue;
    const next = flat[end];
    const afterNext = flat[end + 1] ?? '';
    let compound: Occurrence['compound'];
    if (next !== undefined && WORD_CHAR.test(next)) {
      if (!(pattern.closedCompound && LOWER.test(next) && UPPER.test(flat[start] ?? ''))) continue;
      compound = 'letters';
    } else if (next !== undefined && HYPHENS.has(next) && WORD_CHAR.test(afterNext)) {
      compound = 'hyphen';
    } else if (next !== undefined && APOSTROPHES.has(next) && (afterNext === 's' || afterNext === 'S') && !WORD_CHAR.test(flat[end + 2] ?? '')) {
      compound = 'possessive';
    }
    out.push({ key: pattern.key, start, end, ...(compound ? { compound } : {}) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sentences and clauses

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\t';
}

/** A sentence ends at "\n", ";", or . ! ? … followed by whitespace and not by a lower-case word ("Inc. en"). */
function isBreak(marked: string, i: number): boolean {
  const c = marked[i];
  if (c === '\n' || c === ';') return true;
  if (c !== '.' && c !== '!' && c !== '?' && c !== '\u2026') return false;
  if (i + 1 >= marked.length) return true;
  if (!isSpace(marked[i + 1])) return false;
  let j = i + 1;
  while (isSpace(marked[j])) j++;
  return !LOWER.test(marked[j] ?? '');
}

/** How far a sentence reaches on either side of a term, so text without punctuation stays linear. */
const MAX_REACH = 500;

/** The sentence around [start, end): breaks inside the occurrence itself are ignored. */
function sentenceAround(marked: string, start: number, end: number): [number, number] {
  // Where the reach ends, it ends on a 256-character grid, so that nearby terms share one analysis.
  const lo = Math.max(0, Math.floor((start - MAX_REACH) / 256) * 256);
  const hi = Math.min(marked.length, Math.ceil((end + MAX_REACH) / 256) * 256);
  let s = start;
  while (s > lo && !isBreak(marked, s - 1)) s--;
  let e = end;
  while (e < hi && !isBreak(marked, e)) e++;
  if (e < marked.length && marked[e] !== '\n') e++; // keep the full stop
  while (s < e && isSpace(marked[s])) s++;
  while (e > s && isSpace(marked[e - 1])) e--;
  return [s, e];
}

interface Token {
  text: string; // lower case, typographic apostrophe as '
  start: number;
  end: number;
  clause: number;
  inTerm: boolean;
}

interface Clause {
  first: number;
  last: number;
  /** Opened by a contrast word ("wel", "maar", "but"). */
  contrast: boolean;
  /** Only terms and glue words: continues a list of the clause before ("…, Twitter or LinkedIn"). */
  continuation: boolean;
}

interface Sentence {
  start: number;
  end: number;
  tokens: Token[];
  clauses: Clause[];
}

const set = (...words: string[]) => new Set(words);

/** Negation cues. Words ending in "n't" count too. */
const NEG = set('geen', 'niet', 'nooit', 'noch', 'no', 'not', 'never', 'nor');
/** After a cue, these make it an adjective ("niet noodzakelijke cookies", "not strictly necessary"). */
const ADJECTIVE_AFTER_NEG = /^(noodzakelijk|essenti|functione|strikt|nodig|vereist|anoniem|verplicht|persoon|herleid|identific|necessar|essential|strictly|required|needed|functional|anonym|mandatory|personal|traceab)/u;
const ZONDER = set('zonder', 'without');
const USE_VERBS = set(
  'gebruik', 'gebruiken', 'gebruikt', 'gebruikte', 'gebruikten', 'gebruikgemaakt', 'gebruikmaking',
  'plaats', 'plaatsen', 'plaatst', 'plaatste', 'plaatsten', 'geplaatst',
  'inzetten', 'ingezet', 'toepassen', 'toegepast', 'laden', 'laadt', 'geladen', 'inladen', 'ingeladen',
  'bevat', 'bevatten', 'installeren', 'geïnstalleerd', 'integreren', 'geïntegreerd', 'inbouwen', 'ingebouwd',
  'use', 'uses', 'used', 'using', 'employ', 'employs', 'employed', 'deploy', 'deploys', 'deployed',
  'place', 'places', 'placed', 'load', 'loads', 'loaded', 'embed', 'embeds', 'embedded',
  'contain', 'contains', 'install', 'installs', 'installed', 'integrate', 'integrates', 'integrated',
);
const PARTICIPLES = set(
  'gebruikt', 'geplaatst', 'ingezet', 'toegepast', 'geladen', 'ingeladen', 'geïnstalleerd', 'geïntegreerd', 'ingebouwd',
  'actief', 'used', 'placed', 'employed', 'deployed', 'loaded', 'installed', 'embedded', 'integrated', 'active',
);
const AUX = set('wordt', 'worden', 'werd', 'werden', 'is', 'zijn', 'was', 'were', 'are', 'be', 'has', 'have', 'had', 'heeft', 'hebben');
const NEG_WORD = set('niet', 'nooit', 'not', 'never');
const PRONOUNS = set('wij', 'we', 'ik', 'i', 'men', 'zij', 'they');
const LONGER = set('meer', 'langer', 'more', 'longer', 'anymore', 'been', 'being', 'ook', 'also');
/** What may follow a clause-final denial: "op deze website", "on this site". */
const TRAIL = set(
  'op', 'deze', 'onze', 'de', 'het', 'website', 'websites', 'site', 'sites', 'webpagina', "webpagina's", 'pagina', "pagina's",
  'on', 'this', 'our', 'the', 'in', 'here', 'hier', 'meer', 'langer', 'anymore', 'longer', 'more', 'any', 'at', 'all', 'ook',
  'also', 'momenteel', 'currently', 'nog',
);
/** Words a list is glued with; a clause of only these and terms continues the clause before it. */
const GLUE = set(
  'en', 'of', 'and', 'or', 'nor', 'noch', 'ook', 'also', 'de', 'het', 'een', 'the', 'a', 'an', 'zoals', 'such', 'as', 'like',
  'bijvoorbeeld', 'bijv', 'e.g', 'eg', 'o.a', 'i.e', 'van', 'etc', 'enz', 'enzovoort', 'nog',
);
/** Start a new clause: "Wij gebruiken geen Facebook Pixel, wel Google Analytics". */
const CONTRAST = set('wel', 'wél', 'maar', 'echter', 'but', 'however', 'instead', 'whereas', 'terwijl', 'although', 'though', 'hoewel');
const COORDINATORS = set('en', 'and', 'of', 'or');
/** Anywhere in the sentence, these make a denial conditional, partial or comparative: no denial. */
const BLOCKERS = set(
  'tenzij', 'unless', 'zonder', 'without', 'voordat', 'before', 'nadat', 'after', 'totdat', 'until', 'zolang', 'pas', 'alleen',
  'only', 'enkel', 'uitsluitend', 'slechts', 'behalve', 'except', 'exception', 'excluding', 'besides', 'apart', 'naast',
  'uitgezonderd', 'uitzondering', 'm.u.v', 'than', 'toestemming', 'consent', 'consents', 'permission', 'akkoord', 'agree',
  'agreed', 'accepteert', 'accepteren', 'accept', 'accepts', 'accepted', 'geaccepteerd', 'goedkeuring', 'opt-in', 'wanneer',
  'when', 'whenever', 'if', 'indien', 'als', 'mits', 'provided', 'behoudens',
);
/** Before the term, these compare ("geen andere cookies dan Google Analytics"); after it they only extend ("geen Facebook Pixel of andere trackers"). */
const BLOCKERS_BEFORE = set('andere', 'ander', 'anders', 'other', 'others', 'otherwise');
/** After the term, these say what it is (not) used for: no denial of the tracker as such. */
const PURPOSE = set('voor', 'om', 'for', 'to', 'zodat', 'teneinde', 'waarmee', 'whereby', 'so', 'ten');
/** Nouns for a part of what a tracker brings: a denial of these is about the tracker only at tracker level. */
const PART_NOUN = /^(cookie|cookies|pixel|pixels|tag|tags|script|scripts|code|codes|tracker|trackers|trackingcode|plugin|plugins|plug-in|plug-ins|knop|knoppen|button|buttons|widget|widgets|advertentie|advertenties|ads)$|(cookie|cookies|pixel|pixels|knop|knoppen|button|buttons|plugin|plugins|trackers)$/u;
/** Nouns for the whole offering: a denial of these denies the party. */
const WHOLE_NOUN = set(
  'dienst', 'diensten', 'service', 'services', 'product', 'producten', 'products', 'software', 'tool', 'tools',
  'technologie', 'technologieën', 'technology', 'technologies', 'oplossing', 'oplossingen', 'solution', 'solutions',
);
/** Other words allowed between a cue and the term it denies. */
const BETWEEN = set(
  'do', 'does', 'did', 'doen', 'doet', 'maken', 'maakt', 'make', 'makes', 'making', 'te', 'meer', 'langer', 'more', 'longer',
  'ook', 'also', 'any', 'enige', 'enkele', 'onze', 'ons', 'our', 'op', 'in', 'on', 'at', 'this', 'deze', 'dit', 'website',
  'websites', 'site', 'webpagina', "webpagina's", 'pagina', "pagina's", 'pages', 'wij', 'we', 'zelf', 'hier', 'here', 'daarom',
  'therefore', 'dus', 'bewust', 'actively', 'from', 'by', 'door', 'derde', 'derden', 'third', 'party', 'parties', 'third-party',
  'externe', 'external', 'partij', 'partijen', 'aanbieder', 'aanbieders', 'provider', 'providers', 'social', 'sociale', 'media',
  'social-media', 'socialmedia', 'analytische', 'analytical', 'analytics', 'marketing', 'tracking', 'statistische',
  'statistical', 'advertising', 'advertentie',
);
const OFF_WORDS = set('uitgeschakeld', 'uitgezet', 'gedeactiveerd', 'disabled', 'deactivated');
const OFF_BIGRAMS: ReadonlyArray<[string, string]> = [['switched', 'off'], ['turned', 'off'], ['staat', 'uit'], ['staan', 'uit']];
const OFF_FILLER = set('is', 'zijn', 'wordt', 'worden', 'hebben', 'heeft', 'has', 'have', 'been', 'are', 'was', 'were', 'be', 'wij', 'we', 'ook', 'also');
const PREPOSITIONS = set('van', 'of', 'met', 'with', 'voor', 'for', 'naar', 'to', 'aan', 'door', 'by', 'bij', 'from', 'uit', 'op', 'on', 'in', 'via', 'binnen', 'within');

/** Prepositions that can limit where or how a statement holds: "op het digitale loket", "in MijnGemeente", "on our forms pages". */
const PLACE_PREPOSITIONS = set('op', 'in', 'bij', 'binnen', 'via', 'voor', 'met', 'tijdens', 'on', 'at', 'within', 'across', 'for', 'with', 'during', 'throughout');
/** A place phrase that limits nothing is one of these followed by one of SITE_NOUNS: "op deze website", "on all our pages". */
const SITE_DETERMINERS = set('deze', 'onze', 'de', 'het', 'dit', 'alle', 'hele', 'gehele', 'this', 'these', 'our', 'the', 'all', 'whole', 'entire');
/** Plural pages only: "op deze pagina" in a privacy statement may mean that page alone. */
const SITE_NOUNS = set('website', 'websites', 'site', 'sites', "webpagina's", "pagina's", 'webpages', 'pages', 'internetsite', "internetpagina's");
/** After a denied term these introduce examples, not further things denied: "geen Google-diensten zoals …". */
const EXAMPLE_WORDS = set('zoals', 'such', 'as', 'like', 'bijvoorbeeld', 'bijv', 'e.g', 'eg', 'o.a', 'i.e');
/** "geen Facebook Pixel of andere trackers". */
const OTHER_WORDS = set('andere', 'ander', 'soortgelijke', 'vergelijkbare', 'dergelijke', 'other', 'similar');
/** Words that may follow a denied term in its sentence without limiting or qualifying it ("op deze website", "meer", "geplaatst"). */
const TAIL_WORDS = new Set(
  [...GLUE, ...TRAIL, ...LONGER, ...USE_VERBS, ...PARTICIPLES, 'geen', 'no', 'noch', 'nor', 'enz', 'etc']
    .filter((w) => !EXAMPLE_WORDS.has(w) && !PLACE_PREPOSITIONS.has(w) && w !== 'pagina' && w !== 'webpagina'),
);
/** Between a term and a following "uitgeschakeld": "Google signals is/staat/werd (door ons) uitgeschakeld". */
const OFF_BETWEEN = new Set([...OFF_FILLER, 'staat', 'staan', 'werd', 'werden', 'door', 'ons', 'by', 'us']);
/** A list item after "en"/"and" may be no such word: "…en zijn advertentiefuncties", "…and which". */
const NOT_AN_ITEM = set(
  'die', 'dat', 'welke', 'wat', 'waar', 'waarbij', 'that', 'which', 'who', 'whose', 'what', 'where', 'zijn', 'haar', 'hun', 'its',
  'their', 'his', 'her', 'is', 'are', 'was', 'were', 'wordt', 'worden', 'niet', 'not', 'wel',
);

const isNeg = (w: string) => NEG.has(w) || w.endsWith("n't");
const isNtAux = (w: string) => w.endsWith("n't");
function nounKind(w: string | undefined): 'part' | 'whole' | undefined {
  if (!w) return undefined;
  if (WHOLE_NOUN.has(w)) return 'whole';
  if (PART_NOUN.test(w)) return 'part';
  return undefined;
}
const betweenOk = (w: string) => GLUE.has(w) || USE_VERBS.has(w) || BETWEEN.has(w) || nounKind(w) !== undefined;

const TOKEN = /([\p{L}\p{N}\p{M}]+(?:['\u2019\-\u2010\u2011.][\p{L}\p{N}\p{M}]+)*)|([,:()[\]{}\t\u2013\u2014])|(\s[-\u2010\u2011]\s)/gu;

function analyse(marked: string, start: number, end: number, inside: readonly Occurrence[]): Sentence {
  // covered[i]: character start + i lies inside some term; prefix sums answer "any inside [a, b)" at once.
  const covered = new Uint32Array(end - start + 1);
  const marks = new Uint8Array(end - start);
  for (const o of inside) for (let i = Math.max(o.start, start); i < Math.min(o.end, end); i++) marks[i - start] = 1;
  for (let i = 0; i < marks.length; i++) covered[i + 1] = (covered[i] ?? 0) + (marks[i] ?? 0);
  const inTerm = (a: number, b: number) => (covered[b - start] ?? 0) - (covered[a - start] ?? 0) > 0;
  const raw: Array<{ text: string; start: number; end: number } | 'sep'> = [];
  const text = marked.slice(start, end);
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    if (m[1] !== undefined) raw.push({ text: m[1].toLowerCase().replace(/\u2019/g, "'"), start: start + m.index, end: start + m.index + m[1].length });
    else raw.push('sep');
  }
  const tokens: Token[] = [];
  /** Clauses cut short by a contrast word: "…, Google Analytics wel" is no list continuation. */
  const cutByContrast = new Set<number>();
  let clause = 0;
  let clauseHasWords = false;
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    if (r === undefined) continue;
    if (r === 'sep') {
      if (clauseHasWords) clause++;
      clauseHasWords = false;
      continue;
    }
    const next = raw[i + 1];
    const opensClause = CONTRAST.has(r.text) || (COORDINATORS.has(r.text) && next !== undefined && next !== 'sep' && PRONOUNS.has(next.text));
    if (opensClause && clauseHasWords) cutByContrast.add(clause++);
    clauseHasWords = true;
    tokens.push({ ...r, clause, inTerm: inTerm(r.start, r.end) });
  }
  const clauses: Clause[] = [];
  tokens.forEach((t, i) => {
    const c = clauses[t.clause];
    if (c) c.last = i;
    else clauses[t.clause] = { first: i, last: i, contrast: CONTRAST.has(t.text), continuation: true };
  });
  for (const [n, c] of clauses.entries()) {
    if (!c) continue;
    if (cutByContrast.has(n)) c.continuation = false;
    for (let i = c.first; i <= c.last; i++) {
      const t = tokens[i];
      if (t && !t.inTerm && !GLUE.has(t.text)) c.continuation = false;
    }
  }
  return { start, end, tokens, clauses };
}

/**
 * Where the place phrase opened by the preposition tokens[i] ends when it limits nothing ("op deze website",
 * "on all our pages", "bij ons", "at all"); -1 when it may limit the statement ("op het digitale loket",
 * "in MijnGemeente", "on our forms pages", "in combinatie met …").
 */
function placeEnd(tokens: readonly Token[], i: number, limit: number): number {
  const first = tokens[i + 1];
  if (!first || first.inTerm || i + 1 >= limit) return -1;
  if (tokens[i]?.text === 'at' && first.text === 'all') return i + 2;
  if (first.text === 'ons' || first.text === 'us') return i + 2;
  let determiner = false;
  let noun = false;
  let j = i + 1;
  for (; j < limit; j++) {
    const t = tokens[j];
    if (!t || t.inTerm || t.clause !== first.clause) break;
    if (!noun && SITE_DETERMINERS.has(t.text)) determiner = true;
    else if (SITE_NOUNS.has(t.text)) noun = true;
    else break;
  }
  return determiner && noun ? j : -1;
}

/** Anywhere in the sentence before the term, a phrase that may limit where the statement holds ("In MijnGemeente …"). */
function limitedBefore(tokens: readonly Token[], firstTok: number): boolean {
  for (let i = 0; i < firstTok; i++) {
    const t = tokens[i];
    if (!t || t.inTerm || !PLACE_PREPOSITIONS.has(t.text)) continue;
    const end = placeEnd(tokens, i, firstTok);
    if (end < 0) return true;
    i = end - 1;
  }
  return false;
}

/** A clause opened by "wel", "maar", "but" or "and we": a new statement. */
function opensStatement(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i];
  if (!t || t.inTerm) return false;
  const next = tokens[i + 1];
  return CONTRAST.has(t.text) || (COORDINATORS.has(t.text) && next !== undefined && !next.inTerm && PRONOUNS.has(next.text));
}

/** A word that may be an item in a list after "en"/"of" ("Google signals en remarketing"). */
const listItem = (w: string) =>
  !NOT_AN_ITEM.has(w) && !EXAMPLE_WORDS.has(w) && !PREPOSITIONS.has(w) && !PLACE_PREPOSITIONS.has(w) && !PRONOUNS.has(w) && !AUX.has(w) && !isNeg(w);

/**
 * Whether the rest of the sentence, from tokens[from], leaves a denial whole: only fillers ("op deze website", "meer",
 * "(wordt) geplaatst"), further items of a list ("of andere trackers", "en Hotjar", "en remarketing"), and part
 * nouns right after a term ("Google Analytics cookies"). Anything else — a place ("op pagina's met formulieren",
 * "in MijnGemeente"), a relative clause ("die …", "that …"), "met"/"with", "zoals" — may limit or qualify what is
 * denied, so no denial. A later clause that opens a new statement about another term (", wel Google Analytics",
 * "and we use Hotjar") ends the check. `afterTerm`: tokens[from] directly follows the term.
 */
function tailOk(sentence: Sentence, from: number, afterTerm: boolean): boolean {
  const { tokens, clauses } = sentence;
  let prev: 'term' | 'noun' | 'other' | 'coord' | 'item' | 'word' = afterTerm ? 'term' : 'word';
  let items = 0;
  let clause = tokens[from - 1]?.clause ?? -1;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) break;
    if (t.clause !== clause) {
      clause = t.clause;
      const c = clauses[clause];
      if (c && c.first === i && opensStatement(tokens, i) && tokens.slice(i, c.last + 1).some((u) => u.inTerm)) return true;
      prev = c?.continuation ? 'coord' : 'word';
      items = 0;
    }
    if (t.inTerm) {
      prev = 'term';
      continue;
    }
    const w = t.text;
    if (PLACE_PREPOSITIONS.has(w)) {
      const end = placeEnd(tokens, i, tokens.length);
      if (end < 0) return false;
      i = end - 1;
      prev = 'word';
      continue;
    }
    if (COORDINATORS.has(w) || w === 'noch' || w === 'nor') {
      prev = 'coord';
      items = 0;
      continue;
    }
    if (nounKind(w) && (prev === 'term' || prev === 'noun' || prev === 'other')) {
      prev = 'noun';
      continue;
    }
    if (OTHER_WORDS.has(w) && prev === 'coord') {
      prev = 'other';
      continue;
    }
    if (TAIL_WORDS.has(w)) {
      if (prev !== 'coord' && prev !== 'item') prev = 'word';
      continue;
    }
    if (CONTRAST.has(w) && clauses[t.clause]?.first === i) {
      prev = 'word';
      continue;
    }
    if ((prev === 'coord' || prev === 'item') && items < 2 && listItem(w)) {
      items++;
      prev = 'item';
      continue;
    }
    return false;
  }
  return true;
}

type Negation = 'none' | 'whole' | 'part';

interface CueResult {
  /** The zonder/without token that is the cue itself, not a blocker. */
  zonder?: number;
  /** A part noun between cue and term. */
  part: boolean;
}

class StatementAnalysis {
  readonly prep: Prepared;
  readonly occurrences: Occurrence[];
  readonly byKey = new Map<string, Occurrence[]>();
  /** Length of the longest occurrence, bounding the binary search. */
  private readonly longest: number;
  private readonly sentences = new Map<string, Sentence>();
  private readonly negations = new Map<Occurrence, Negation>();

  constructor(statement: StatementText, patterns: readonly Pattern[], notAParty: readonly Pattern[]) {
    this.prep = prepare(statement);
    const excluded = notAParty.flatMap((p) => findOccurrences(this.prep.flat, p));
    const all: Occurrence[] = [];
    for (const p of patterns) {
      for (const o of findOccurrences(this.prep.flat, p)) {
        if (excluded.some((x) => x.start <= o.start && x.end >= o.end)) o.notAParty = true;
        all.push(o);
        const list = this.byKey.get(o.key) ?? [];
        list.push(o);
        this.byKey.set(o.key, list);
      }
    }
    this.occurrences = [...all, ...excluded.map((x) => ({ ...x, notAParty: true }))].sort((a, b) => a.start - b.start || b.end - a.end);
    this.longest = this.occurrences.reduce((m, x) => Math.max(m, x.end - x.start), 0);
  }

  /** Occurrences overlapping [from, to), found by binary search (sorted by start; none is longer than a term). */
  private overlapping(from: number, to: number): Occurrence[] {
    const list = this.occurrences;
    let lo = 0;
    let hi = list.length;
    const earliest = from - this.longest;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid]?.start ?? 0) < earliest) lo = mid + 1;
      else hi = mid;
    }
    const out: Occurrence[] = [];
    for (let i = lo; i < list.length; i++) {
      const x = list[i];
      if (!x || x.start >= to) break;
      if (x.end > from) out.push(x);
    }
    return out;
  }

  sentenceOf(o: Occurrence): Sentence {
    const [s, e] = sentenceAround(this.prep.marked, o.start, o.end);
    const id = `${s}:${e}`;
    let sentence = this.sentences.get(id);
    if (!sentence) {
      sentence = analyse(this.prep.marked, s, e, this.overlapping(s, e));
      this.sentences.set(id, sentence);
    }
    return sentence;
  }

  /** Whether a longer occurrence of a term outside `keys` contains `o` ("Google" in "Google Maps"). */
  nestedInOther(o: Occurrence, keys: ReadonlyMap<string, TermLevel>): boolean {
    return this.overlapping(o.start, o.end).some(
      (x) => x !== o && !keys.has(x.key) && x.start <= o.start && x.end >= o.end && x.end - x.start > o.end - o.start,
    );
  }

  /** Whether a longer occurrence of a tracker-level term of `keys` contains `o` ("Facebook" in "Facebook Pixel"): that one decides. */
  nestedInOwn(o: Occurrence, keys: ReadonlyMap<string, TermLevel>): boolean {
    return this.overlapping(o.start, o.end).some(
      (x) => x !== o && keys.get(x.key) === 'tracker' && x.start <= o.start && x.end >= o.end && x.end - x.start > o.end - o.start,
    );
  }

  negation(o: Occurrence): Negation {
    let n = this.negations.get(o);
    if (n === undefined) {
      n = this.computeNegation(o);
      this.negations.set(o, n);
    }
    return n;
  }

  private computeNegation(o: Occurrence): Negation {
    const sentence = this.sentenceOf(o);
    const { tokens, clauses } = sentence;
    const firstTok = tokens.findIndex((t) => t.end > o.start);
    let lastTok = -1;
    tokens.forEach((t, i) => {
      if (t.start < o.end) lastTok = i;
    });
    const first = tokens[firstTok];
    if (!first || lastTok < firstTok) return 'none';
    const clauseIdx = first.clause;
    const clause = clauses[clauseIdx];
    if (!clause) return 'none';

    // What the term names here: itself, or a part of it ("Facebook-pixel", "Facebook's cookies").
    let tail: 'part' | 'whole' | undefined;
    const lastToken = tokens[lastTok];
    const nextToken = tokens[lastTok + 1];
    if (o.compound === 'hyphen' || o.compound === 'letters') {
      const rest = (lastToken ? this.prep.flat.slice(o.end, lastToken.end) : '').toLowerCase().replace(/^[\-\u2010\u2011]/, '');
      // Dutch compounds are head-final: "Google Analytics-cookie-instellingen" is about settings.
      tail = nounKind(rest.split(/[\-\u2010\u2011]/).pop());
      if (!tail) return 'none';
    } else if (o.compound === 'possessive') {
      tail = nextToken && nextToken.clause === clauseIdx ? nounKind(nextToken.text) : undefined;
      if (!tail) return 'none';
    } else if (nextToken && nextToken.clause === clauseIdx) {
      tail = nounKind(nextToken.text);
    }

    const before = this.cueBefore(sentence, firstTok, clauseIdx);
    const cue = before ?? this.cueAfter(sentence, firstTok, lastTok, clause) ?? this.offCue(sentence, firstTok, lastTok, clause);
    if (!cue) return 'none';
    // A place before the term ("Wij gebruiken op het digitale loket geen …", "In MijnGemeente gebruiken wij geen …") may
    // limit the denial to part of the site. (cueAfter and offCue check what follows the term themselves.)
    if (limitedBefore(tokens, firstTok)) return 'none';
    if (before && !tailOk(sentence, lastTok + 1, true)) return 'none';
    // "Wij meten zonder cookies van Google Analytics": without its cookies is not without it.
    if (cue.zonder !== undefined && (cue.part || tail === 'part')) return 'none';
    // Conditions, exceptions and comparisons anywhere in the sentence.
    if (tokens.some((t, i) => i !== cue.zonder && !t.inTerm && (BLOCKERS.has(t.text) || (i < firstTok && BLOCKERS_BEFORE.has(t.text))))) return 'none';
    // A purpose after the term, up to the next contrasting clause.
    for (let i = lastTok + 1; i < tokens.length; i++) {
      const t = tokens[i];
      if (!t) break;
      if (t.clause !== clauseIdx && clauses[t.clause]?.contrast && clauses[t.clause]?.first === i) break;
      if (!t.inTerm && PURPOSE.has(t.text)) return 'none';
    }
    return tail === 'part' || cue.part ? 'part' : 'whole';
  }

  /** Rules 1 and 2: a cue before the term, only allowed words between, a verb of use in the clause. */
  private cueBefore(sentence: Sentence, firstTok: number, clauseIdx: number): CueResult | undefined {
    const { tokens, clauses } = sentence;
    // The head clause: walk back over clauses that only continue a list.
    let head = clauseIdx;
    for (;;) {
      const c = clauses[head];
      if (!c || !c.continuation || c.contrast) break;
      let prev = head - 1;
      while (prev >= 0 && !clauses[prev]) prev--;
      if (prev < 0) break;
      head = prev;
    }
    const headClause = clauses[head];
    if (!headClause) return undefined;
    let part = false;
    let between = 0;
    let coordinated = false;
    const useVerbIn = (from: number, to: number) => tokens.slice(from, to + 1).some((u) => !u.inTerm && USE_VERBS.has(u.text));
    for (let i = firstTok - 1; i >= headClause.first; i--) {
      const t = tokens[i];
      if (!t) return undefined;
      if (t.inTerm) continue;
      let found: CueResult | undefined;
      if (ZONDER.has(t.text)) found = { zonder: i, part };
      else if (isNeg(t.text) && !ADJECTIVE_AFTER_NEG.test(tokens[i + 1]?.text ?? '')) {
        // The verb of use is in the clause, or, for "…, (maar) geen Facebook Pixel", before it.
        const elliptic = headClause.first === i || (headClause.contrast && headClause.first + 1 === i);
        const verb = useVerbIn(headClause.first, headClause.last) || (elliptic && useVerbIn(0, headClause.first - 1));
        if (!verb) return undefined;
        found = { part };
      }
      if (found) {
        // "Wij gebruiken geen Facebook Pixel en Google Analytics is …": after "en", a term that the clause goes on
        // to say something about is the subject of a new statement, not a second thing denied.
        if (coordinated) {
          const clause = clauses[tokens[firstTok]?.clause ?? -1];
          const rest = clause ? tokens.slice(firstTok, clause.last + 1).filter((u) => !u.inTerm && !GLUE.has(u.text)) : [];
          if (!rest.every((u) => TRAIL.has(u.text) || LONGER.has(u.text) || PARTICIPLES.has(u.text) || USE_VERBS.has(u.text))) return undefined;
        }
        return found;
      }
      if (!betweenOk(t.text) || ++between > 10) return undefined;
      if (COORDINATORS.has(t.text)) coordinated = true;
      if (nounKind(t.text) === 'part') part = true;
    }
    return undefined;
  }

  /** Rule 3: "Google Analytics gebruiken wij niet", "… wordt niet gebruikt", "wij gebruiken … niet". */
  private cueAfter(sentence: Sentence, firstTok: number, lastTok: number, clause: Clause): CueResult | undefined {
    const { tokens } = sentence;
    const words = (from: number, to: number) => tokens.slice(from, to + 1).filter((t) => !t.inTerm && !GLUE.has(t.text)).map((t) => t.text);
    // Skip a list of further terms after this one: "Facebook Pixel en TikTok Pixel worden niet gebruikt".
    let i = lastTok + 1;
    while (i <= clause.last && (tokens[i]?.inTerm || GLUE.has(tokens[i]?.text ?? ''))) i++;
    const after = tokens.slice(i, clause.last + 1).map((t) => t.text);
    const before = words(clause.first, firstTok - 1);
    // What follows the pattern, to the end of the sentence, must leave the denial whole ("op deze website").
    const trailFrom = (k: number) => tailOk(sentence, i + k, false);
    const optional = (k: number, words: Set<string>) => (after[k] !== undefined && words.has(after[k]) ? k + 1 : k);

    if (before.length === 0) {
      // P1: <term> gebruiken wij (ook) niet (meer)
      if (USE_VERBS.has(after[0] ?? '') && PRONOUNS.has(after[1] ?? '')) {
        const k = optional(2, set('ook'));
        if (NEG_WORD.has(after[k] ?? '') && trailFrom(optional(k + 1, LONGER))) return { part: false };
      }
      // P2: <term> wordt/is (ook) niet (meer) gebruikt/used; <term> isn't used
      let k = 0;
      while (AUX.has(after[k] ?? '')) k++;
      k = optional(k, set('ook', 'also'));
      let negated = false;
      if (k > 0 && NEG_WORD.has(after[k] ?? '')) {
        negated = true;
        k++;
      } else if (isNtAux(after[k] ?? '')) {
        negated = true;
        k++;
      }
      if (negated) {
        while (LONGER.has(after[k] ?? '')) k++;
        if (PARTICIPLES.has(after[k] ?? '') && trailFrom(k + 1)) return { part: false };
      }
    }
    // P3: wij gebruiken <term> niet (meer)
    if (before.length === 2 && PRONOUNS.has(before[0] ?? '') && USE_VERBS.has(before[1] ?? '')) {
      if (NEG_WORD.has(after[0] ?? '') && trailFrom(1)) return { part: false };
    }
    return undefined;
  }

  /**
   * Rule 4: the term itself is switched off. "Google signals is/staat uitgeschakeld", "Google signals en remarketing
   * hebben wij uitgeschakeld", "We have disabled Google signals". Not when another noun sits between ("De Google
   * Analytics advertentiefuncties zijn uitgeschakeld", "Google Analytics gegevens delen is uitgeschakeld"), nor when a
   * preposition before the term makes it a qualifier ("het delen van gegevens met Google is uitgeschakeld").
   */
  private offCue(sentence: Sentence, firstTok: number, lastTok: number, clause: Clause): CueResult | undefined {
    const { tokens } = sentence;
    for (let i = clause.first; i < firstTok; i++) {
      const t = tokens[i];
      if (!t || t.inTerm || !PREPOSITIONS.has(t.text)) continue;
      const end = PLACE_PREPOSITIONS.has(t.text) ? placeEnd(tokens, i, firstTok) : -1;
      if (end < 0) return undefined;
      i = end - 1;
    }
    /** How many tokens the off-word at i takes (reading in direction dir), or 0. */
    const offAt = (i: number, dir: 1 | -1): number => {
      const t = tokens[i];
      if (!t || t.inTerm) return 0;
      if (OFF_WORDS.has(t.text)) return 1;
      const other = tokens[i + dir];
      if (!other || other.inTerm) return 0;
      const pair: [string, string] = dir === 1 ? [t.text, other.text] : [other.text, t.text];
      return OFF_BIGRAMS.some(([a, b]) => a === pair[0] && b === pair[1]) ? 2 : 0;
    };
    // The off-word after the term, with only auxiliaries, pronouns and a coordinated list item between.
    let prev: 'term' | 'coord' | 'item' | 'word' = 'term';
    let items = 0;
    for (let i = lastTok + 1; i <= clause.last; i++) {
      const t = tokens[i];
      if (!t) break;
      if (t.inTerm) {
        prev = 'term';
        continue;
      }
      const n = offAt(i, 1);
      if (n) return tailOk(sentence, i + n, false) ? { part: false } : undefined;
      if (COORDINATORS.has(t.text)) {
        prev = 'coord';
        items = 0;
      } else if (OFF_BETWEEN.has(t.text)) {
        prev = 'word';
      } else if (GLUE.has(t.text) && !PREPOSITIONS.has(t.text)) {
        // "en de remarketing"
      } else if ((prev === 'coord' || prev === 'item') && items < 1 && listItem(t.text)) {
        items++;
        prev = 'item';
      } else break;
    }
    // The off-word before the term, with only auxiliaries, pronouns and an article between; what follows the term
    // must leave it whole ("We have disabled Google signals and remarketing"; not "… Google Analytics advertising features").
    let j = firstTok - 1;
    while (j >= clause.first) {
      const t = tokens[j];
      if (!t || !(OFF_BETWEEN.has(t.text) || t.text === 'de' || t.text === 'het' || t.text === 'the')) break;
      j--;
    }
    if (j >= clause.first && offAt(j, -1) && tailOk(sentence, lastTok + 1, true)) return { part: false };
    return undefined;
  }

  /** The sentence around an occurrence, or ~160 characters of it, whitespace-normalised. */
  snippet(o: Occurrence): string {
    const { flat } = this.prep;
    const { start: s, end: e } = this.sentenceOf(o);
    if (e - s <= 200) return flat.slice(s, e);
    const termLength = o.end - o.start;
    const side = Math.max(20, Math.floor((160 - termLength) / 2));
    let ws = Math.max(s, o.start - side);
    let we = Math.min(e, o.end + side);
    // Give what one side cannot use to the other.
    if (o.start - s < side) we = Math.min(e, we + side - (o.start - s));
    if (e - o.end < side) ws = Math.max(s, ws - (side - (e - o.end)));
    if (ws > s) {
      const space = flat.indexOf(' ', ws);
      if (space !== -1 && space < o.start) ws = space + 1;
    }
    if (we < e) {
      const space = flat.lastIndexOf(' ', we);
      if (space >= o.end) we = space;
    }
    return `${ws > s ? '…' : ''}${flat.slice(ws, we)}${we < e ? '…' : ''}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Disclosures

interface Mention {
  statement: number;
  occurrence: Occurrence;
  analysis: StatementAnalysis;
}

const earlier = (a: Mention, b: Mention) =>
  a.statement - b.statement ||
  a.occurrence.start - b.occurrence.start ||
  b.occurrence.end - b.occurrence.start - (a.occurrence.end - a.occurrence.start);

function compareText(a: string, b: string): number {
  return a.localeCompare(b, 'en', { sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * For each tracker found (rules findings of seriousness 2 or 3, once per tracker id), whether the
 * statements name it, name only its organisation, deny it, or do not name it; sorted by organisation,
 * then tracker name. No statements: every tracker `not-named`, without evidence.
 */
export function disclosuresOf(findings: readonly Finding[], rules: TrackerRules, statements: readonly StatementText[]): Disclosure[] {
  const subjects = new Map<string, Tracker>();
  /** The organisations the findings of each tracker name (a Matomo on a third-party host: its operator). */
  const foundOrganisations = new Map<string, Set<string>>();
  for (const f of findings) {
    if (f.source !== 'rules' || f.seriousness < 2) continue;
    const tracker = rules.byId.get(f.trackerId);
    if (!tracker) continue;
    subjects.set(tracker.id, tracker);
    const names = foundOrganisations.get(tracker.id) ?? new Set<string>();
    names.add(f.organisation.name.trim());
    foundOrganisations.set(tracker.id, names);
  }
  const terms = compileTerms(rules);
  const patternByKey = new Map<string, Pattern>();
  for (const t of rules.trackers) {
    const c = terms.get(t.id);
    if (!c) continue;
    for (const [key, spelling] of c.spelling) {
      const p = patternOf(spelling);
      const known = patternByKey.get(key);
      // Same key, different spellings: a capitalised one allows closed compounds.
      if (!known || (p.closedCompound && !known.closedCompound)) patternByKey.set(key, p);
    }
  }
  const patterns = [...patternByKey.values()];
  const notAParty = NOT_A_PARTY.map(patternOf);
  const analyses = subjects.size ? statements.map((s) => new StatementAnalysis(s, patterns, notAParty)) : [];

  const out: Disclosure[] = [];
  for (const tracker of subjects.values()) {
    // The findings' organisation when they agree on one, else the rules'.
    const found = [...(foundOrganisations.get(tracker.id) ?? [])];
    const organisation = found.length === 1 && found[0] ? found[0] : tracker.organisation.name;
    const base = { trackerId: tracker.id, trackerName: tracker.name, organisation };
    const own = terms.get(tracker.id);
    const best: Partial<Record<'trackerAffirmed' | 'trackerDenied' | 'orgAffirmed' | 'orgDenied', Mention>> = {};
    if (own) {
      analyses.forEach((analysis, statement) => {
        for (const [key, level] of own.levels) {
          for (const occurrence of analysis.byKey.get(key) ?? []) {
            if (occurrence.notAParty) continue;
            // "Facebook" inside "Facebook Pixel": the longer, tracker-level occurrence decides.
            if (level === 'organisation' && analysis.nestedInOwn(occurrence, own.levels)) continue;
            const negation = analysis.negation(occurrence);
            // "Google" inside "Google Analytics" names another tracker, not Google in general: it neither names
            // nor denies Google Maps. (A tracker's own name inside a longer one still names it.)
            const nested = analysis.nestedInOther(occurrence, own.levels);
            let slot: keyof typeof best;
            if (negation === 'none') {
              if (nested && level === 'organisation') continue;
              slot = level === 'tracker' ? 'trackerAffirmed' : 'orgAffirmed';
            } else {
              // A denial of another tracker's longer name, or of a part of an organisation, is not about this tracker.
              if (nested) continue;
              if (level === 'organisation' && negation === 'part') continue;
              slot = level === 'tracker' ? 'trackerDenied' : 'orgDenied';
            }
            const mention: Mention = { statement, occurrence, analysis };
            const current = best[slot];
            if (!current || earlier(mention, current) < 0) best[slot] = mention;
          }
        }
      });
    }
    // A denial wins only when nothing affirms any term of the tracker: "Wij meten met cookies van Google. Wij
    // gebruiken geen Google Analytics." is organisation-named, never denied.
    const [status, chosen]: [DisclosureStatus, Mention | undefined] = best.trackerAffirmed
      ? ['named', best.trackerAffirmed]
      : best.orgAffirmed
        ? ['organisation-named', best.orgAffirmed]
        : best.trackerDenied
          ? ['denied', best.trackerDenied]
          : best.orgDenied
            ? ['denied', best.orgDenied]
            : ['not-named', undefined];
    if (!chosen || !own) {
      out.push({ ...base, status: 'not-named' });
      continue;
    }
    out.push({
      ...base,
      status,
      evidence: {
        term: own.spelling.get(chosen.occurrence.key) ?? chosen.occurrence.key,
        statementUrl: chosen.analysis.prep.url,
        snippet: chosen.analysis.snippet(chosen.occurrence),
      },
    });
  }
  return out.sort((a, b) => compareText(a.organisation, b.organisation) || compareText(a.trackerName, b.trackerName) || compareText(a.trackerId, b.trackerId));
}

/** The trackers a visitor is not told about: not named at all, or denied. */
export function undisclosed(ds: readonly Disclosure[]): Disclosure[] {
  return ds.filter((d) => d.status === 'not-named' || d.status === 'denied');
}
