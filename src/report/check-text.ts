// `cookiewatch check`: the report for one site's administrator, as terminal text or as one JSON
// document, and the CI outcome (exit code) of a --fail-on list. Pure functions of stored data: the
// command scans and reads the database, these only shape what it read.

import type { DisclosureStatus, VerdictId } from '../classify/types.js';
import type { PhaseName } from '../observe/types.js';
import type { FindingEvidence } from '../store/evidence.js';
import { escapeControls, hexEscape, safeJson } from '../util/escape-controls.js';
import { evidenceOfVerdict, verdictTrackerRefs } from './verdict-trackers.js';
import { isReportedTracker, type SiteResult, type TrackerSeen } from '../store/results.js';
import {
  GRADE_MEANING,
  PHASE_LABEL,
  verdictAdvice,
  verdictSummary,
  verdictTitle,
  verdictWhy,
  type Lang,
  type TrackerRef,
} from './advice.js';

/** Exit codes of `check` beyond the usual 0 (done), 1 (tool error) and 2 (usage error). */
export const EXIT_VERDICT_FOUND = 3;
export const EXIT_NOT_SCANNED = 4;
/** Stopped by a signal, as shells report it (128 + the signal number). */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;
const EXIT_TOOL = 1;

/** The exit code of a check stopped by this signal: 143 for SIGTERM, 130 for SIGINT (and anything else). */
export function signalExitCode(signal: string): number {
  return signal === 'SIGTERM' ? EXIT_SIGTERM : EXIT_SIGINT;
}

/** Verdicts a CI step can fail on. `inconclusive` is not one: a site that could not be scanned always fails (exit 4). */
export const FAIL_ON_VERDICTS = [
  'tracking_before_consent',
  'analytics_before_consent',
  'tracking_without_banner',
  'tracking_after_reject',
  'no_reject_on_first_layer',
  'consent_signal_ignored',
  'undisclosed_third_parties',
] as const satisfies readonly VerdictId[];

/** A --fail-on value that cannot be used; the command turns it into a usage error. */
export class FailOnError extends Error {}

/** `--fail-on tracking_before_consent,tracking_after_reject` or `--fail-on any`: known ids, no duplicates. */
export function parseFailOn(raw: string): string[] {
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const valid = `any, ${FAIL_ON_VERDICTS.join(', ')}`;
  if (ids.length === 0) throw new FailOnError(`--fail-on needs at least one verdict id; valid: ${valid}`);
  const out: string[] = [];
  for (const id of ids) {
    if (id !== 'any' && !(FAIL_ON_VERDICTS as readonly string[]).includes(id)) {
      throw new FailOnError(`--fail-on: unknown verdict "${escapeControls(id)}"; valid: ${valid}`);
    }
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** The site's verdicts that the --fail-on list names, in the site's order; `any` names every verdict but inconclusive. */
export function failOnMatches(failOn: readonly string[] | undefined, verdictIds: readonly string[]): string[] {
  if (!failOn || failOn.length === 0) return [];
  const any = failOn.includes('any');
  return [...new Set(verdictIds.filter((id) => id !== 'inconclusive' && (any || failOn.includes(id))))];
}

export interface CheckOutcome {
  exitCode: number;
  /** Verdicts named by --fail-on that were found. */
  matched: string[];
  /** The check did not pass: a named verdict, or no conclusion possible. */
  failed: boolean;
}

/**
 * A site that could not be scanned fails the check whether or not --fail-on was given: a CI step must
 * not pass silently because the site was down. A scan saved without a classification is our fault
 * (a rule crashed): exit 1, not a pass. A check stopped by a signal exits as the shell expects
 * (130, 143) whatever was found, and fails: the command and its --json document both use this code.
 */
export function checkOutcome(site: SiteResult, failOn: readonly string[] | undefined, interruptedBy?: string): CheckOutcome {
  const matched = site.status === 'ok' && site.grade !== undefined ? failOnMatches(failOn, site.verdicts.map((v) => v.id)) : [];
  if (interruptedBy !== undefined) return { exitCode: signalExitCode(interruptedBy), matched, failed: true };
  if (site.status !== 'ok') return { exitCode: EXIT_NOT_SCANNED, matched, failed: true };
  if (site.grade === undefined) return { exitCode: EXIT_TOOL, matched, failed: true };
  return matched.length ? { exitCode: EXIT_VERDICT_FOUND, matched, failed: true } : { exitCode: 0, matched, failed: false };
}

/** The consent phases that answer the banner; `pre` clicks nothing. */
export type AnswerPhase = 'accept' | 'reject';

/**
 * The answers whose effect could not be checked: the phase did not run, no banner was found to
 * answer, or the click did not take. Such a phase saw the site as a visitor who has not chosen, so
 * nothing it saw (or did not see) says what the site does after that answer.
 */
export function notCheckedAnswers(site: SiteResult): AnswerPhase[] {
  return (['accept', 'reject'] as const).filter((p) => {
    const c = site.consent[p];
    return !c || c.action !== p || !c.success || !site.banner.found;
  });
}

export interface CheckInput {
  site: SiteResult;
  /** Findings of the site scan with their evidence (findingEvidenceOfSiteScan). */
  evidence: FindingEvidence[];
  lang: Lang;
  failOn?: readonly string[];
  /** The signal (SIGINT, SIGTERM) that stopped the check; the exit code follows it. */
  interruptedBy?: string;
  /** Where the scan was kept (--db), so the reader can export or report it later; absent for a temporary database. */
  stored?: { db: string; runId: number };
}

// ---------------------------------------------------------------------------------------------------
// Escaping

// Unicode bidi controls and line separators as well as C0/C1: a URL or cookie name must not reorder or
// split what the terminal shows, let alone send escape sequences to it.
const CONTROL_BUT_NEWLINE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const hex = hexEscape;


// ---------------------------------------------------------------------------------------------------
// Words

interface Words {
  heading: (url: string) => string;
  redirected: (url: string) => string;
  grade: (grade: string, meaning: string) => string;
  /** A scan kept with --db can be classified again (the command follows on its own line); a temporary one is gone. */
  noGrade: (kept: boolean) => string;
  notScanned: string;
  interrupted: string;
  failure: (cls: string, msg: string) => string;
  noConclusion: string;
  noTracking: (where: string[]) => string;
  noProblems: (rejectChecked: boolean) => string;
  notCheckedNoBanner: (phases: AnswerPhase[]) => string;
  notCheckedNotRun: (phase: AnswerPhase) => string;
  notCheckedFailed: (phase: AnswerPhase) => string;
  problems: (n: number) => string;
  evidence: string;
  noEvidence: string;
  more: (n: number) => string;
  why: string;
  todo: string;
  request: string;
  cookie: string;
  setByHttp: (url: string) => string;
  setByScript: (url: string) => string;
  setByScriptUnknown: string;
  setterUnknown: string;
  rule: string;
  page: (i: number) => string;
  otherThirdParties: string;
  phases: string;
  noTrackers: string;
  notRun: string;
  nothingClicked: string;
  noBannerToAnswer: string;
  answerWorked: (action: 'accept' | 'reject') => string;
  answerFailed: (action: 'accept' | 'reject') => string;
  banner: string;
  bannerNone: string;
  bannerFound: (cmp: string | undefined) => string;
  rejectFirstLayer: (v: boolean | undefined) => string;
  accounts: string;
  stored: (db: string, runId: number) => string;
  phaseShort: Record<PhaseName, string>;
  statement: string;
  statementNotLooked: string;
  statementNoneFound: string;
  statementNoneFoundWhy: string;
  statementUnreadable: string;
  statementsFound: string;
  linkedFrom: Record<'page' | 'statement', string>;
  statementRead: string;
  statementNotRead: (reason: string | undefined) => string;
  /** The reasons statements.ts records, in the reader's language; anything else (a browser error) as it is. */
  statementError: (error: string) => string;
  /** Whether the statements name the trackers was not checked: none found, or none readable. */
  disclosureNotChecked: (trackers: string) => string;
  disclosuresNotJudged: string;
  disclosureHeading: string;
  noThirdPartiesToName: string;
  disclosure: Record<DisclosureStatus, (tracker: string, term: string | undefined) => string>;
  inStatement: (url: string) => string;
  statementsRead: (urls: string) => string;
}

const WORDS: Record<Lang, Words> = {
  en: {
    heading: (url) => `cookiewatch check of ${url}`,
    redirected: (url) => `(the start page ended at ${url})`,
    grade: (g, m) => `Grade ${g}: ${m}`,
    noGrade: (kept) =>
      kept
        ? 'No grade: the scan was saved, but cookiewatch could not classify it (see the log), so nothing can be concluded yet. To classify it again:'
        : 'No grade: cookiewatch could not classify the scan (see the log), so nothing can be concluded, and its temporary database is deleted. Run cookiewatch check again, with --db <file> to keep the scan for cookiewatch reclassify.',
    notScanned: 'The site could not be scanned.',
    interrupted: 'The scan was interrupted before it finished.',
    failure: (cls, msg) => `Failure: ${cls}${msg ? ` (${msg})` : ''}`,
    noConclusion: 'Nothing can be concluded about this site, and it is not graded as clean.',
    noTracking: (where) => `No tracking found: no trackers ${orList(where, 'or')}.`,
    noProblems: (rejectChecked) =>
      rejectChecked
        ? 'No problems found: nothing before consent or after rejecting that needs consent.'
        : 'No problems found before consent: nothing there that needs consent.',
    notCheckedNoBanner: (ps) =>
      `Not checked: what happens ${orList(ps.map((p) => (p === 'accept' ? 'after accepting' : 'after rejecting')), 'or')}. ` +
      'No consent banner was found, so nothing could be clicked: those phases saw the site as a visitor who has not chosen.',
    notCheckedNotRun: (p) =>
      `Not checked: what happens ${p === 'accept' ? 'after accepting' : 'after rejecting'}, because that phase did not run; ` +
      (p === 'accept' ? 'the verdicts therefore cannot say what the site does once a visitor consents.' : 'the verdicts therefore cannot say whether the site respects a refusal.'),
    notCheckedFailed: (p) =>
      p === 'accept'
        ? 'Not checked: what happens after accepting. The accept click did not work, so that phase saw the site as a visitor who has not chosen; the verdicts therefore cannot say what the site does once a visitor consents.'
        : 'Not checked: what happens after rejecting. The reject click did not work, so that phase saw the site as a visitor who has not chosen; the verdicts therefore cannot say whether the site respects a refusal.',
    problems: (n) => (n === 1 ? '1 problem found:' : `${n} problems found:`),
    evidence: 'Evidence:',
    noEvidence: 'no single request or cookie: the verdict is about the banner itself',
    more: (n) => `… and ${n} more (all of them with --json)`,
    why: 'Why it matters:',
    todo: 'What to do:',
    request: 'request',
    cookie: 'cookie',
    setByHttp: (url) => `set by the HTTP response of ${url}`,
    setByScript: (url) => `set by script ${url}`,
    setByScriptUnknown: 'set by a script',
    setterUnknown: 'setter unknown',
    rule: 'rule',
    page: (i) => (i === 0 ? 'start page' : `page ${i + 1}`),
    otherThirdParties: 'Third parties before consent that are not a violation by themselves:',
    phases: 'What each phase saw:',
    noTrackers: 'no trackers found',
    notRun: 'not run',
    nothingClicked: 'nothing clicked',
    noBannerToAnswer: 'no banner to answer',
    answerWorked: (a) => (a === 'accept' ? 'the accept click worked' : 'the reject click worked'),
    answerFailed: (a) =>
      `the ${a} click did not work, so this phase saw the site as a visitor who has not chosen`,
    banner: 'Banner:',
    bannerNone: 'none found',
    bannerFound: (cmp) =>
      !cmp ? 'found' : cmp === 'heuristic' ? 'found (home-made, recognised by its buttons)' : `found (${cmp})`,
    rejectFirstLayer: (v) =>
      v === undefined ? 'reject on the first layer: unknown' : v ? 'reject on the first layer: yes' : 'reject on the first layer: no',
    accounts: 'Account ids in the tags (to find them in your tag manager or code):',
    stored: (db, runId) => `The scan is kept in ${db} as run ${runId} (cookiewatch report --db ${db} --run ${runId} --out report).`,
    phaseShort: { pre: 'before consent', accept: 'after accepting', reject: 'after rejecting' },
    statement: 'Privacy statement:',
    statementNotLooked: 'not looked for in this scan.',
    statementNoneFound: 'none found from the start page.',
    statementNoneFoundWhy: 'No link on the start page was recognised as a privacy or cookie statement; the site may still have one.',
    statementUnreadable: 'found, but none could be read.',
    statementsFound: 'Found through the links of the start page:',
    linkedFrom: { page: 'linked from the start page', statement: 'linked from another statement' },
    statementRead: 'read',
    statementNotRead: (reason) => (reason ? `could not be read (${reason})` : 'could not be read'),
    statementError: (e) => e,
    disclosureNotChecked: (ts) => `Whether a statement names the third parties found (${ts}) was therefore not checked.`,
    disclosuresNotJudged: 'Whether they name the third parties found was not judged in this classification.',
    disclosureHeading: 'What the statements read say about the third parties found:',
    noThirdPartiesToName: 'No third parties were found for them to name.',
    disclosure: {
      named: (_t, term) => `named${term ? ` ("${term}")` : ''}`,
      'organisation-named': (t, term) => `only its organisation is named${term ? ` ("${term}")` : ''}, not ${t} itself`,
      denied: () => 'mentioned only to say the site does not use it, yet the scan found it:',
      'not-named': () => 'not named',
      'no-statement': () => 'not checked: no privacy statement was found from the start page',
      unreadable: () => 'not checked: the statement could not be read',
    },
    inStatement: (url) => `(in ${url})`,
    statementsRead: (urls) => `statements read: ${urls}`,
  },
  nl: {
    heading: (url) => `cookiewatch-controle van ${url}`,
    redirected: (url) => `(de startpagina eindigde op ${url})`,
    grade: (g, m) => `Cijfer ${g}: ${m}`,
    noGrade: (kept) =>
      kept
        ? 'Geen cijfer: de scan is opgeslagen, maar cookiewatch kon haar niet beoordelen (zie het logboek), dus er valt nog niets te concluderen. Om haar opnieuw te beoordelen:'
        : 'Geen cijfer: cookiewatch kon de scan niet beoordelen (zie het logboek), dus er valt niets te concluderen, en de tijdelijke database ervan is verwijderd. Draai cookiewatch check opnieuw, met --db <bestand> om de scan te bewaren voor cookiewatch reclassify.',
    notScanned: 'De site kon niet worden gescand.',
    interrupted: 'De scan werd onderbroken voordat hij klaar was.',
    failure: (cls, msg) => `Fout: ${cls}${msg ? ` (${msg})` : ''}`,
    noConclusion: 'Over deze site valt niets te concluderen, en ze krijgt geen schoon cijfer.',
    noTracking: (where) => `Geen tracking gevonden: geen trackers ${orList(where, 'of')}.`,
    noProblems: (rejectChecked) =>
      rejectChecked
        ? 'Geen problemen gevonden: niets vóór toestemming of na weigeren waarvoor toestemming nodig is.'
        : 'Geen problemen gevonden vóór toestemming: niets waarvoor toestemming nodig is.',
    notCheckedNoBanner: (ps) =>
      `Niet gecontroleerd: wat er gebeurt ${orList(ps.map((p) => (p === 'accept' ? 'na accepteren' : 'na weigeren')), 'of')}. ` +
      'Er is geen cookiemelding gevonden, dus er viel niets aan te klikken: die fasen zagen de site als een bezoeker die nog niet koos.',
    notCheckedNotRun: (p) =>
      `Niet gecontroleerd: wat er gebeurt ${p === 'accept' ? 'na accepteren' : 'na weigeren'}, want die fase is niet uitgevoerd; ` +
      (p === 'accept'
        ? 'de conclusies kunnen dus niet zeggen wat de site doet zodra een bezoeker toestemming geeft.'
        : 'de conclusies kunnen dus niet zeggen of de site een weigering respecteert.'),
    notCheckedFailed: (p) =>
      p === 'accept'
        ? 'Niet gecontroleerd: wat er gebeurt na accepteren. De klik op accepteren werkte niet, dus die fase zag de site als een bezoeker die nog niet koos; de conclusies kunnen dus niet zeggen wat de site doet zodra een bezoeker toestemming geeft.'
        : 'Niet gecontroleerd: wat er gebeurt na weigeren. De klik op weigeren werkte niet, dus die fase zag de site als een bezoeker die nog niet koos; de conclusies kunnen dus niet zeggen of de site een weigering respecteert.',
    problems: (n) => (n === 1 ? '1 probleem gevonden:' : `${n} problemen gevonden:`),
    evidence: 'Bewijs:',
    noEvidence: 'geen afzonderlijk verzoek of cookie: dit gaat over de cookiemelding zelf',
    more: (n) => `… en nog ${n} (allemaal met --json)`,
    why: 'Waarom dit ertoe doet:',
    todo: 'Wat u kunt doen:',
    request: 'verzoek',
    cookie: 'cookie',
    setByHttp: (url) => `geplaatst door het HTTP-antwoord van ${url}`,
    setByScript: (url) => `geplaatst door script ${url}`,
    setByScriptUnknown: 'geplaatst door een script',
    setterUnknown: 'plaatser onbekend',
    rule: 'regel',
    page: (i) => (i === 0 ? 'startpagina' : `pagina ${i + 1}`),
    otherThirdParties: 'Derde partijen vóór toestemming die op zich geen overtreding zijn:',
    phases: 'Wat elke fase zag:',
    noTrackers: 'geen trackers gevonden',
    notRun: 'niet uitgevoerd',
    nothingClicked: 'niets aangeklikt',
    noBannerToAnswer: 'geen cookiemelding om te beantwoorden',
    answerWorked: (a) => (a === 'accept' ? 'de klik op accepteren werkte' : 'de klik op weigeren werkte'),
    answerFailed: (a) =>
      `de klik op ${a === 'accept' ? 'accepteren' : 'weigeren'} werkte niet, dus deze fase zag de site als een bezoeker die nog niet koos`,
    banner: 'Cookiemelding:',
    bannerNone: 'niet gevonden',
    bannerFound: (cmp) =>
      !cmp ? 'gevonden' : cmp === 'heuristic' ? 'gevonden (zelfgemaakt, herkend aan de knoppen)' : `gevonden (${cmp})`,
    rejectFirstLayer: (v) =>
      v === undefined ? 'weigeren op de eerste laag: onbekend' : v ? 'weigeren op de eerste laag: ja' : 'weigeren op de eerste laag: nee',
    accounts: 'Account-id\'s in de tags (om ze in uw tagmanager of code te vinden):',
    stored: (db, runId) => `De scan is bewaard in ${db} als run ${runId} (cookiewatch report --db ${db} --run ${runId} --out report).`,
    phaseShort: { pre: 'vóór toestemming', accept: 'na accepteren', reject: 'na weigeren' },
    statement: 'Privacyverklaring:',
    statementNotLooked: 'in deze scan niet gezocht.',
    statementNoneFound: 'niet gevonden vanaf de startpagina.',
    statementNoneFoundWhy: 'Geen link op de startpagina werd herkend als privacy- of cookieverklaring; de site kan er toch een hebben.',
    statementUnreadable: 'gevonden, maar geen enkele kon worden gelezen.',
    statementsFound: 'Gevonden via de links van de startpagina:',
    linkedFrom: { page: 'gelinkt vanaf de startpagina', statement: 'gelinkt vanuit een andere verklaring' },
    statementRead: 'gelezen',
    statementNotRead: (reason) => (reason ? `kon niet worden gelezen (${reason})` : 'kon niet worden gelezen'),
    statementError: (e) =>
      e === 'no text on the page'
        ? 'geen tekst op de pagina'
        : e.replace(/^not a web page \((.*)\)$/s, 'geen webpagina ($1)'),
    disclosureNotChecked: (ts) => `Of een verklaring de gevonden derde partijen (${ts}) noemt, is daarom niet gecontroleerd.`,
    disclosuresNotJudged: 'Of ze de gevonden derde partijen noemen, is in deze beoordeling niet nagegaan.',
    disclosureHeading: 'Wat de gelezen verklaringen zeggen over de gevonden derde partijen:',
    noThirdPartiesToName: 'Er zijn geen derde partijen gevonden die ze zouden moeten noemen.',
    disclosure: {
      named: (_t, term) => `genoemd${term ? ` ("${term}")` : ''}`,
      'organisation-named': (t, term) => `alleen de organisatie wordt genoemd${term ? ` ("${term}")` : ''}, niet ${t} zelf`,
      denied: () => 'alleen genoemd om te zeggen dat de site het niet gebruikt, terwijl de scan het wel vond:',
      'not-named': () => 'niet genoemd',
      'no-statement': () => 'niet gecontroleerd: vanaf de startpagina is geen privacyverklaring gevonden',
      unreadable: () => 'niet gecontroleerd: de verklaring kon niet worden gelezen',
    },
    inStatement: (url) => `(in ${url})`,
    statementsRead: (urls) => `gelezen verklaringen: ${urls}`,
  },
};

const PHASES: readonly PhaseName[] = ['pre', 'accept', 'reject'];

/** "a", "a or b", "a, b or c" (or "of" in Dutch). */
function orList(items: readonly string[], or: string): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${or} ${items[items.length - 1]}`;
}

/** Evidence lines per verdict in the text: enough to recognise the tag, not a log dump. */
export const EVIDENCE_LINES = 5;
/** A tracking hit's URL can run to kilobytes of parameters; the text shows its start, --json all of it. */
const URL_CHARS = 160;
const WIDTH = 100;

// ---------------------------------------------------------------------------------------------------
// Shared pieces

/**
 * Reported trackers seen before consent that no verdict about consent cites: embeds, fonts, maps and
 * the like. A font the privacy statement leaves out is still a third party before consent.
 */
function otherThirdPartiesBeforeConsent(site: SiteResult): TrackerSeen[] {
  const cited = new Set(site.verdicts.filter((v) => v.id !== 'undisclosed_third_parties').flatMap((v) => v.trackers));
  return site.trackers.pre.filter((t) => isReportedTracker(t) && !cited.has(t.name));
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** What was seen, everything from the website escaped. */
function observed(f: FindingEvidence, w: Words): string {
  const e = f.evidence;
  if (e.kind === 'request') {
    return `${w.request} ${e.method !== 'GET' ? `${escapeControls(e.method)} ` : ''}${escapeControls(clip(e.url, URL_CHARS))}`;
  }
  if (e.kind === 'cookie') {
    const setter =
      e.setter === 'http' && e.setterUrl
        ? w.setByHttp(escapeControls(clip(e.setterUrl, URL_CHARS)))
        : e.setter === 'script'
          ? e.setterUrl
            ? w.setByScript(escapeControls(clip(e.setterUrl, URL_CHARS)))
            : w.setByScriptUnknown
          : w.setterUnknown;
    return `${w.cookie} ${escapeControls(e.name)}@${escapeControls(e.domain)}, ${setter}`;
  }
  return `${escapeControls(e.storageKind)} ${escapeControls(e.key)} (${escapeControls(e.origin)})`;
}

/**
 * Evidence as the text shows it: what was seen, in which phase and on which pages, then whose it is
 * and by which rule. The same observation on several pages of a phase is one item to the reader.
 */
export function evidenceItems(findings: readonly FindingEvidence[], lang: Lang): Array<{ seen: string; rule: string }> {
  const w = WORDS[lang];
  const items = new Map<string, { phase: PhaseName; what: string; rule: string; pages: number[] }>();
  for (const f of findings) {
    const what = observed(f, w);
    const rule = `${escapeControls(f.trackerName)}, ${w.rule} ${escapeControls(f.rule)}`;
    const key = `${f.phase}\n${what}\n${rule}`;
    const item = items.get(key) ?? { phase: f.phase, what, rule, pages: [] };
    if (!item.pages.includes(f.pageIndex)) item.pages.push(f.pageIndex);
    items.set(key, item);
  }
  return [...items.values()].map((i) => ({
    seen: `${w.phaseShort[i.phase]}, ${i.pages.sort((a, b) => a - b).map(w.page).join(', ')}: ${i.what}`,
    rule: i.rule,
  }));
}

/** Word-wraps prose at WIDTH with a hanging indent; long words (URLs) overflow rather than break. */
function wrap(text: string, indent: string, first = indent): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/ +/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

function consentText(site: SiteResult, phase: PhaseName, lang: Lang): string {
  const w = WORDS[lang];
  const c = site.consent[phase];
  if (!c) return w.notRun;
  if (c.action === 'none') return w.nothingClicked;
  if (!site.banner.found) return w.noBannerToAnswer;
  return c.success ? w.answerWorked(c.action) : w.answerFailed(c.action);
}

const names = (ts: readonly TrackerSeen[]) => ts.map((t) => escapeControls(t.name)).join(', ');
const withOwner = (t: TrackerSeen) => escapeControls(t.organisation ? `${t.name} (${[t.organisation, t.country].filter(Boolean).join(', ')})` : t.name);

// ---------------------------------------------------------------------------------------------------
// The privacy statement

type StatementSeen = NonNullable<SiteResult['statements']>[number];
type DisclosureSeen = NonNullable<SiteResult['disclosures']>[number];

/** Link texts run long on some sites; the text shows their start. */
const LINK_TEXT_CHARS = 80;

/** One statement found: where, by which link, and whether it was read (or why not). */
function statementLine(st: StatementSeen, w: Words): string {
  const link = st.linkText.trim() ? ` ("${escapeControls(clip(st.linkText.trim(), LINK_TEXT_CHARS))}")` : '';
  const reason = st.error !== undefined ? w.statementError(st.error) : st.status !== undefined && st.status >= 400 ? `HTTP ${st.status}` : undefined;
  const state = st.readable ? w.statementRead : w.statementNotRead(reason === undefined ? undefined : escapeControls(clip(reason, URL_CHARS)));
  return `${escapeControls(clip(st.url, URL_CHARS))}${link}, ${w.linkedFrom[st.foundOn]}: ${state}`;
}

/**
 * What the statements say of one tracker, as "- <tracker>: <status>" with the quoted sentence and the
 * statement under a denial: a denial accuses the statement of saying something, so the reader sees it.
 */
function disclosureLines(d: DisclosureSeen, w: Words, indent: string): string[] {
  const name = escapeControls(d.trackerName);
  const term = d.term === undefined ? undefined : escapeControls(d.term);
  const lines = wrap(`${name}: ${w.disclosure[d.status](name, term)}`, `${indent}  `, `${indent}- `);
  if (d.status === 'denied') {
    if (d.snippet) lines.push(...wrap(`"${escapeControls(d.snippet)}"`, `${indent}  `));
    if (d.statementUrl) lines.push(`${indent}  ${w.inStatement(escapeControls(clip(d.statementUrl, URL_CHARS)))}`);
  }
  return lines;
}

const byTrackerName = (a: DisclosureSeen, b: DisclosureSeen) => a.trackerName.localeCompare(b.trackerName);

/**
 * The "Privacy statement" section: the statements found and whether they were read, then per tracker
 * found what the statements read say of it. With no statement found, or none readable, it says that
 * nothing was checked: never a word that sounds like "disclosed".
 */
function statementSection(site: SiteResult, lang: Lang): string[] {
  const w = WORDS[lang];
  const statements = site.statements;
  if (statements === undefined) return [`${w.statement} ${w.statementNotLooked}`];
  const disclosures = [...(site.disclosures ?? [])].sort(byTrackerName);
  const trackerList = () => disclosures.map((d) => escapeControls(d.trackerName)).join(', ');
  if (statements.length === 0) {
    const out = [`${w.statement} ${w.statementNoneFound}`, ...wrap(w.statementNoneFoundWhy, '   ')];
    if (disclosures.length) out.push(...wrap(w.disclosureNotChecked(trackerList()), '   '));
    return out;
  }
  const list = statements.map((st) => `   - ${statementLine(st, w)}`);
  if (!statements.some((st) => st.readable)) {
    const out = [`${w.statement} ${w.statementUnreadable}`, ...list];
    if (disclosures.length) out.push(...wrap(w.disclosureNotChecked(trackerList()), '   '));
    return out;
  }
  const out = [w.statement, `   ${w.statementsFound}`, ...list];
  if (site.disclosures === undefined) out.push(...wrap(w.disclosuresNotJudged, '   '));
  else if (disclosures.length === 0) out.push(...wrap(w.noThirdPartiesToName, '   '));
  else {
    out.push(`   ${w.disclosureHeading}`);
    for (const d of disclosures) out.push(...disclosureLines(d, w, '   '));
  }
  return out;
}

/**
 * The statement side of the undisclosed_third_parties verdict, before the findings that show the
 * trackers were there: which statements were read, and what they say (or leave out) of each tracker.
 */
function undisclosedEvidence(site: SiteResult, verdict: SiteResult['verdicts'][number], lang: Lang): string[] {
  const w = WORDS[lang];
  const read = (site.statements ?? []).filter((st) => st.readable).map((st) => escapeControls(clip(st.url, URL_CHARS)));
  const out = read.length ? [`     - ${w.statementsRead(read.join(', '))}`] : [];
  const silent = (site.disclosures ?? [])
    .filter((d) => (d.status === 'not-named' || d.status === 'denied') && verdict.trackers.includes(d.trackerName))
    .sort(byTrackerName);
  for (const d of silent) out.push(...disclosureLines(d, w, '     '));
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The terminal report

/** The report an administrator reads: plain text, no colours, every website-controlled value escaped. */
export function checkText(input: CheckInput): string {
  const { site, evidence, lang } = input;
  const w = WORDS[lang];
  const out: string[] = [w.heading(escapeControls(site.url))];
  if (site.finalUrl && site.finalUrl !== site.url) out.push(w.redirected(escapeControls(site.finalUrl)));
  out.push('');

  if (site.status !== 'ok') {
    if (site.status === 'interrupted') {
      // Stopped by the operator: nothing is wrong with the site, so no advice about it.
      out.push(w.interrupted + (site.failureMessage ? ` (${escapeControls(site.failureMessage)})` : ''), ...wrap(w.noConclusion, ''));
      return finish(out, input);
    }
    out.push(w.notScanned);
    out.push(w.failure(escapeControls(site.failureClass ?? site.status), escapeControls(site.failureMessage ?? '')));
    // verdictWhy('inconclusive') says what noConclusion says: once is enough.
    out.push(...wrap(w.noConclusion, ''));
    out.push('', w.todo);
    verdictAdvice('inconclusive', [], lang).forEach((step, i) => out.push(...wrap(step, '      ', `   ${i + 1}. `)));
    return finish(out, input);
  }

  if (!site.grade) {
    // Without a classification there are no verdicts and no trackers: an empty list would read as a pass.
    out.push(...wrap(w.noGrade(input.stored !== undefined), ''));
    if (input.stored) out.push(`   cookiewatch reclassify --db ${escapeControls(input.stored.db)}`);
    return finish(out, input);
  }
  out.push(w.grade(site.grade, GRADE_MEANING[site.grade]?.[lang] ?? ''), '');

  // An answer that did not take leaves its phase undecided: say so before anything sounds like a pass.
  const notChecked = notCheckedAnswers(site);
  const caveats = !site.banner.found
    ? notChecked.length ? [w.notCheckedNoBanner(notChecked)] : []
    : notChecked.map((p) => (site.consent[p] ? w.notCheckedFailed(p) : w.notCheckedNotRun(p)));
  for (const c of caveats) out.push(...wrap(c, ''), '');

  const verdicts = site.verdicts.filter((v) => v.id !== 'inconclusive');
  const anyTrackers = PHASES.some((p) => site.trackers[p].some(isReportedTracker));
  if (verdicts.length === 0) {
    const checked = PHASES.filter((p) => p === 'pre' || !notChecked.includes(p));
    out.push(...wrap(anyTrackers ? w.noProblems(!notChecked.includes('reject')) : w.noTracking(checked.map((p) => w.phaseShort[p])), ''));
  } else {
    out.push(w.problems(verdicts.length));
    verdicts.forEach((v, i) => {
      const refs = verdictTrackerRefs(site, evidence, v);
      out.push('', `${i + 1}. ${verdictTitle(v.id, lang)}  [${v.id}]`);
      out.push(...wrap(escapeControls(verdictSummary(v.id, refs, lang, v.explanation)), '   '));
      out.push(`   ${w.evidence}`);
      const items = evidenceItems(evidenceOfVerdict(evidence, v.id), lang);
      const statementItems = v.id === 'undisclosed_third_parties' ? undisclosedEvidence(site, v, lang) : [];
      out.push(...statementItems);
      if (items.length === 0 && statementItems.length === 0) out.push(`     - ${w.noEvidence}`);
      for (const item of items.slice(0, EVIDENCE_LINES)) out.push(`     - ${item.seen}`, `       ${item.rule}`);
      if (items.length > EVIDENCE_LINES) out.push(`     ${w.more(items.length - EVIDENCE_LINES)}`);
      out.push(`   ${w.why}`, ...wrap(verdictWhy(v.id, lang), '     '));
      out.push(`   ${w.todo}`);
      verdictAdvice(v.id, refs, lang).forEach((step, n) => out.push(...wrap(escapeControls(step), '        ', `     ${n + 1}. `)));
    });
  }

  const others = otherThirdPartiesBeforeConsent(site);
  if (others.length) {
    out.push('', w.otherThirdParties);
    for (const t of others) out.push(`   - ${withOwner(t)}`);
  }

  out.push('', w.phases);
  for (const p of PHASES) {
    const reported = site.trackers[p].filter(isReportedTracker);
    const found = site.consent[p] === undefined ? w.notRun : reported.length ? names(reported) : w.noTrackers;
    out.push(`   ${PHASE_LABEL[p][lang]}: ${found}`);
    if (site.consent[p] && p !== 'pre') out.push(`      ${consentText(site, p, lang)}`);
  }

  const b = site.banner;
  out.push('', `${w.banner} ${b.found ? w.bannerFound(b.cmp === undefined ? undefined : escapeControls(b.cmp)) : w.bannerNone}`);
  if (b.found) out.push(`   ${w.rejectFirstLayer(b.rejectOnFirstLayer)}`);

  out.push('', ...statementSection(site, lang));

  if (site.accountIds.length) {
    out.push('', w.accounts);
    for (const a of site.accountIds) out.push(`   ${escapeControls(a.kind)}: ${escapeControls(a.value)}`);
  }
  return finish(out, input);
}

function finish(out: string[], input: CheckInput): string {
  if (input.stored) out.push('', WORDS[input.lang].stored(escapeControls(input.stored.db), input.stored.runId));
  // Every value is escaped where it is used; this pass makes a forgotten one harmless too.
  return `${out.join('\n').replace(CONTROL_BUT_NEWLINE, hex)}\n`;
}

// ---------------------------------------------------------------------------------------------------
// The JSON document

type EvidenceJson = {
  phase: PhaseName;
  trackerId: string;
  tracker: string;
  rule: string;
  pageIndex: number;
  party: FindingEvidence['party'];
} & FindingEvidence['evidence'];

export interface CheckDocument {
  url: string;
  finalUrl: string | null;
  status: SiteResult['status'];
  failureClass?: string;
  failureMessage?: string;
  grade: string | null;
  gradeMeaning: string | null;
  lang: Lang;
  verdicts: Array<{
    id: string;
    title: string;
    summary: string;
    explanation: string;
    trackers: string[];
    evidence: EvidenceJson[];
    why: string;
    advice: string[];
  }>;
  /** Every tracker seen per phase; `reported` marks the ones the text lists (our rules, more than harmless). */
  trackers: Record<PhaseName, Array<TrackerSeen & { reported: boolean }>>;
  banner: { found: boolean; cmp: string | null; rejectOnFirstLayer: boolean | null };
  consent: Record<PhaseName, { action: 'none' | 'accept' | 'reject'; success: boolean } | null>;
  /**
   * Answers whose effect could not be checked (the phase did not run, no banner was found, or the
   * click did not work): that phase saw an undecided visitor, so with "reject" here the verdicts cannot
   * say whether the site respects a refusal, with "accept" not what it does after consent.
   */
  notChecked: AnswerPhase[];
  accountIds: Array<{ kind: string; value: string }>;
  /**
   * The privacy and cookie statements found through the start page's links, in the order tried, and
   * whether each was read; [] when none was found, null when the scan did not look.
   */
  statements: Array<{
    url: string;
    linkText: string;
    foundOn: 'page' | 'statement';
    status: number | null;
    error: string | null;
    readable: boolean;
  }> | null;
  /**
   * Per tracker found (our rules, seriousness 2 or more), whether the statements name it: named,
   * organisation-named, denied, not-named; no-statement and unreadable when nothing could be checked.
   * null when not judged.
   */
  disclosures: Array<{
    trackerId: string;
    trackerName: string;
    organisation: string;
    status: DisclosureStatus;
    term: string | null;
    statementUrl: string | null;
    snippet: string | null;
  }> | null;
  failOn: string[] | null;
  failOnMatched: string[];
  /** The check did not pass: a --fail-on verdict was found, the site could not be scanned, or the check was interrupted. */
  failed: boolean;
  /** The signal that stopped the check (SIGINT, SIGTERM), or null. */
  interruptedBy: string | null;
  /** The process's exit code: 0, 1, 3, 4, or 130/143 when a signal stopped the check. */
  exitCode: number;
  /** Where the scan was kept (--db); null for a temporary database. */
  db: string | null;
  runId: number | null;
}

/** The machine-readable check: every evidence row of every verdict, nothing clipped. */
export function checkDocument(input: CheckInput): CheckDocument {
  const { site, evidence, lang } = input;
  const outcome = checkOutcome(site, input.failOn, input.interruptedBy);
  const doc: CheckDocument = {
    url: site.url,
    finalUrl: site.finalUrl ?? null,
    status: site.status,
    ...(site.failureClass !== undefined ? { failureClass: site.failureClass } : {}),
    ...(site.failureMessage !== undefined ? { failureMessage: site.failureMessage } : {}),
    grade: site.grade ?? null,
    gradeMeaning: site.grade ? (GRADE_MEANING[site.grade]?.[lang] ?? null) : null,
    lang,
    verdicts: site.verdicts.map((v) => {
      const refs = verdictTrackerRefs(site, evidence, v);
      return {
        id: v.id,
        title: verdictTitle(v.id, lang),
        summary: verdictSummary(v.id, refs, lang, v.explanation),
        explanation: v.explanation,
        trackers: v.trackers,
        evidence: evidenceOfVerdict(evidence, v.id).map((f) => ({
          phase: f.phase,
          trackerId: f.trackerId,
          tracker: f.trackerName,
          rule: f.rule,
          pageIndex: f.pageIndex,
          party: f.party,
          ...f.evidence,
        })),
        why: verdictWhy(v.id, lang),
        advice: verdictAdvice(v.id, refs, lang),
      };
    }),
    trackers: {
      pre: site.trackers.pre.map((t) => ({ ...t, reported: isReportedTracker(t) })),
      accept: site.trackers.accept.map((t) => ({ ...t, reported: isReportedTracker(t) })),
      reject: site.trackers.reject.map((t) => ({ ...t, reported: isReportedTracker(t) })),
    },
    banner: { found: site.banner.found, cmp: site.banner.cmp ?? null, rejectOnFirstLayer: site.banner.rejectOnFirstLayer ?? null },
    consent: { pre: site.consent.pre ?? null, accept: site.consent.accept ?? null, reject: site.consent.reject ?? null },
    notChecked: notCheckedAnswers(site),
    accountIds: site.accountIds,
    statements:
      site.statements?.map((st) => ({
        url: st.url,
        linkText: st.linkText,
        foundOn: st.foundOn,
        status: st.status ?? null,
        error: st.error ?? null,
        readable: st.readable,
      })) ?? null,
    disclosures:
      site.disclosures?.map((d) => ({
        trackerId: d.trackerId,
        trackerName: d.trackerName,
        organisation: d.organisation,
        status: d.status,
        term: d.term ?? null,
        statementUrl: d.statementUrl ?? null,
        snippet: d.snippet ?? null,
      })) ?? null,
    failOn: input.failOn ? [...input.failOn] : null,
    failOnMatched: outcome.matched,
    failed: outcome.failed,
    interruptedBy: input.interruptedBy ?? null,
    exitCode: outcome.exitCode,
    db: input.stored?.db ?? null,
    runId: input.stored?.runId ?? null,
  };
  return doc;
}

/** The document as stdout gets it: indented, one final newline, no raw control character even outside C0. */
export function checkJson(input: CheckInput): string {
  return `${safeJson(checkDocument(input))}\n`;
}

// Where the terminal escaping and a verdict's evidence live; re-exported for the check command and its tests.
export { escapeControls, evidenceOfVerdict };
