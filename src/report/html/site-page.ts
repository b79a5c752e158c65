import type { PhaseName } from '../../observe/types.js';
import type { FindingEvidence, PhaseOverview } from '../../store/evidence.js';
import { GRADE_MEANING, PHASE_LABEL, verdictAdvice, verdictSummary, verdictTitle, verdictWhy, type Lang } from '../advice.js';
import { verdictTrackerRefs } from '../verdict-trackers.js';
import { accountKindLabel } from './accounts-page.js';
import { html, safeHref, type Html } from './escape.js';
import { formatDate, STRINGS, type Strings } from './i18n.js';
import { gradeBadge, runNotice } from './league-page.js';
import type { LeagueRow, ReportModel } from './model.js';

// One site: its verdicts with evidence and advice, each phase's findings, cookies and screenshots,
// the accounts it shares with other sites, and its history. Written for the site's web administrator.

export interface SiteDetails {
  evidence: FindingEvidence[];
  phases: PhaseOverview[];
  /** Screenshot files, relative to the site page. */
  screenshots: Array<{ phase: PhaseName; moment: 'banner' | 'after-consent'; pageIndex: number; file: string }>;
}

const PHASES: PhaseName[] = ['pre', 'accept', 'reject'];
/** Evidence lines shown per verdict and per tracker before "and N more": enough to prove, not to drown. */
const EVIDENCE_LIMIT = 8;

function evidenceLine(e: FindingEvidence, s: Strings, lang: Lang, withPhase: boolean): Html {
  const where = html`<span class="muted">${withPhase ? html`${PHASE_LABEL[e.phase][lang]} · ` : ''}${e.evidence.kind === 'cookie' ? s.firstSetOn(e.pageIndex) : s.onPage(e.pageIndex)} · ${s.ruleLabel} ${e.rule}${e.source === 'trackerdb' ? html` · ${s.trackerdbNote}` : ''}</span>`;
  const ev = e.evidence;
  if (ev.kind === 'request') {
    return html`<li><b>${s.requestEv}</b> ${ev.method} <span class="evidence">${ev.url}</span> (${ev.resourceType}) ${where} <span class="muted">· ${s.atTime((ev.timeMs / 1000).toFixed(1))}</span></li>`;
  }
  if (ev.kind === 'cookie') {
    const setBy =
      ev.setter === 'http'
        ? ev.setterUrl ? s.setByHttp(ev.setterUrl) : s.setByUnknown
        : ev.setter === 'script'
          ? ev.setterUrl ? s.setByScript(ev.setterUrl) : s.setByScriptUnknown
          : s.setByUnknown;
    return html`<li><b>${s.cookieEv}</b> <span class="evidence cookie-name">${ev.name}</span> @ <span class="evidence">${ev.domain}</span>, <span class="evidence">${setBy}</span> ${where}</li>`;
  }
  return html`<li><b>${s.storageEv}</b> ${ev.storageKind} <span class="evidence">${ev.key}</span> @ <span class="evidence">${ev.origin}</span> ${where}</li>`;
}

/**
 * One item per tracker and rule first (the script, the hit, the cookie), then the repeats on later
 * pages: the first lines shown prove each kind of evidence instead of repeating one request.
 */
export function prioritiseEvidence(items: FindingEvidence[]): FindingEvidence[] {
  const seen = new Set<string>();
  const first: FindingEvidence[] = [];
  const rest: FindingEvidence[] = [];
  for (const e of items) {
    const key = `${e.phase}\u0000${e.trackerId}\u0000${e.rule}`;
    (seen.has(key) ? rest : first).push(e);
    seen.add(key);
  }
  return [...first, ...rest];
}

function evidenceList(items: FindingEvidence[], s: Strings, lang: Lang, withPhase: boolean): Html {
  const shown = prioritiseEvidence(items).slice(0, EVIDENCE_LIMIT);
  const more = items.length - shown.length;
  return html`<ul class="evidence-list">${shown.map((e) => evidenceLine(e, s, lang, withPhase))}${more > 0 ? html`<li class="muted">${s.moreEvidence(more)}</li>` : ''}</ul>`;
}

function verdictsSection(row: LeagueRow, details: SiteDetails, s: Strings, lang: Lang): Html {
  const r = row.result;
  if (r.status !== 'ok') {
    return html`<h2>${s.failedTitle}</h2><p>${s.failedBody}</p><p class="evidence">${r.failureClass ?? ''}: ${r.failureMessage ?? ''}</p>`;
  }
  if (!r.verdicts.length) return html`<h2>${s.verdictsTitle}</h2><p>${s.noVerdicts}</p>`;
  return html`<h2>${s.verdictsTitle}</h2>
${r.verdicts.map((v) => {
  const refs = verdictTrackerRefs(r, details.evidence, v);
  const cited = details.evidence.filter((e) => e.verdicts.includes(v.id));
  const mild = v.id === 'analytics_before_consent' || v.id === 'no_reject_on_first_layer';
  return html`<section class="verdict${mild ? ' mild' : ''}" id="verdict-${v.id}">
<h3>${verdictTitle(v.id, lang)}</h3>
<p>${verdictSummary(v.id, refs, lang, v.explanation)}</p>
${cited.length ? html`<h4>${s.evidence}</h4>${evidenceList(cited, s, lang, true)}` : ''}
<h4>${s.whyItMatters}</h4>
<p>${verdictWhy(v.id, lang)}</p>
<h4>${s.whatToDo}</h4>
<ol>${verdictAdvice(v.id, refs, lang).map((step) => html`<li>${step}</li>`)}</ol>
</section>`;
})}`;
}

function phaseSection(phase: PhaseName, row: LeagueRow, details: SiteDetails, s: Strings, lang: Lang): Html {
  const r = row.result;
  const overview = details.phases.find((p) => p.phase === phase);
  if (!overview) return html`<section class="phase" id="phase-${phase}"><h3>${PHASE_LABEL[phase][lang]}</h3><p class="muted">${s.phaseNotRun}</p></section>`;
  const consent = r.consent[phase];
  const answer =
    !consent || consent.action === 'none' ? s.answerNone : consent.success ? `${consent.action}: ${s.answerWorked}` : `${consent.action}: ${s.answerFailed}`;
  const findings = details.evidence.filter((e) => e.phase === phase);
  const byTracker = new Map<string, FindingEvidence[]>();
  for (const f of findings) byTracker.set(f.trackerId, [...(byTracker.get(f.trackerId) ?? []), f]);
  // Our rules first, the most serious first; trackerdb names after them.
  const groups = [...byTracker.values()].sort(
    (a, b) => Number(a[0]!.source === 'trackerdb') - Number(b[0]!.source === 'trackerdb') || b[0]!.seriousness - a[0]!.seriousness || a[0]!.trackerName.localeCompare(b[0]!.trackerName),
  );
  const shots = details.screenshots.filter((x) => x.phase === phase);
  return html`<section class="phase" id="phase-${phase}">
<h3>${PHASE_LABEL[phase][lang]}</h3>
<p><b>${s.consentAnswer}:</b> ${answer}</p>
${overview.error ? html`<p class="warning evidence">${overview.error}</p>` : ''}
${shots.length
    ? html`<div class="shots">${shots.map(
        (x) => {
          const caption = x.moment === 'after-consent' ? s.shotAfter : r.banner.found ? s.shotBanner : s.shotFirst;
          return html`<figure><img src="${x.file}" alt="${caption}"><figcaption>${caption}</figcaption></figure>`;
        },
      )}</div>`
    : ''}
<h4>${s.trackersInPhase}</h4>
${groups.length
    ? html`<ul class="trackers">${groups.map((g) => {
        const f = g[0]!;
        return html`<li data-tracker="${f.trackerId}"><b>${f.trackerName}</b> <span class="muted">(${f.organisation}${f.country ? `, ${f.country}` : ''}; ${f.category})</span>${evidenceList(g, s, lang, false)}</li>`;
      })}</ul>`
    : html`<p class="muted">${s.noTrackers}</p>`}
<h4>${s.thirdPartyDomains}</h4>
<p class="evidence">${overview.thirdPartyDomains.length ? overview.thirdPartyDomains.map((d) => `${d.domain} (${d.requests})`).join(', ') : s.noThirdParties}</p>
<h4>${s.pagesVisited}</h4>
<ol class="pages">${overview.pages.map(
    (v) => html`<li><span class="evidence">${v.url}</span>${v.status !== undefined ? ` (${v.status})` : ''}${v.title ? html` — <span class="page-title">${v.title}</span>` : ''}${v.error ? html` <span class="warning">${v.error}</span>` : ''}</li>`,
  )}</ol>
${overview.events?.length
    ? html`<h4>${s.pageEvents}</h4>
<ul class="page-events">${overview.events.map(
        (e) => html`<li>${s.eventKind[e.kind as keyof typeof s.eventKind] ?? e.kind}: <span class="evidence">${e.detail}</span></li>`,
      )}</ul>`
    : ''}
<details><summary>${s.cookiesTitle} (${overview.cookies.length})</summary>
<table class="cookies"><thead><tr><th>${s.colName}</th><th>${s.colDomain}</th><th>${s.colParty}</th><th>${s.colSetBy}</th></tr></thead>
<tbody>${overview.cookies.map(
    (c) => html`<tr><td class="evidence cookie-name">${c.name}</td><td class="evidence">${c.domain}</td><td>${c.party === 'first-party' ? s.firstParty : s.thirdParty}</td><td class="evidence">${c.setter === 'http' ? 'HTTP' : c.setter === 'script' ? 'script' : '?'}${c.setterUrl ? ` ${c.setterUrl}` : ''}</td></tr>`,
  )}</tbody></table>
</details>
<details><summary>${s.storageTitle} (${overview.storage.length})</summary>
<table class="storage"><thead><tr><th>${s.colKey}</th><th>${s.colKind}</th><th>${s.colOrigin}</th><th>${s.colParty}</th></tr></thead>
<tbody>${overview.storage.map(
    (e) => html`<tr><td class="evidence storage-key">${e.key}</td><td>${e.kind}</td><td class="evidence">${e.origin}</td><td>${e.party === 'first-party' ? s.firstParty : s.thirdParty}</td></tr>`,
  )}</tbody></table>
</details>
</section>`;
}

const DISCLOSURE_LABEL = (s: Strings): Record<string, string> => ({
  named: s.disclosureNamed,
  'organisation-named': s.disclosureOrganisation,
  denied: s.disclosureDenied,
  'not-named': s.disclosureNotNamed,
  'no-statement': s.disclosureNoStatement,
  unreadable: s.disclosureUnreadable,
});

/** The statements found, whether they were read, and what they say of each third party found. */
function statementSection(row: LeagueRow, s: Strings): Html {
  const r = row.result;
  const head = html`<h2 id="statement">${s.statementTitle}</h2><p class="note">${s.statementIntro}</p>`;
  if (!r.statements) return html`${head}<p class="muted">${s.statementNotSearched}</p>`;
  if (!r.statements.length) return html`${head}<p>${s.statementNoneFound}</p>`;
  const label = DISCLOSURE_LABEL(s);
  const anyRead = r.statements.some((st) => st.readable);
  return html`${head}
<ul class="statements">${r.statements.map(
    (st) =>
      html`<li><span class="evidence">${st.url}</span> — ${st.foundOn === 'statement' ? s.linkedFromStatement : s.linkedAs(st.linkText)}; ${st.readable ? s.statementRead : s.statementNotRead(st.error ?? '?')}</li>`,
  )}</ul>
${anyRead ? '' : html`<p>${s.statementAllUnreadable}</p>`}
${r.disclosures?.length
    ? html`<table class="disclosures"><thead><tr><th>${s.colTracker}</th><th>${s.colDisclosure}</th><th>${s.colQuote}</th></tr></thead>
<tbody>${r.disclosures.map(
        (d) =>
          html`<tr data-status="${d.status}"><td>${d.trackerName} <span class="muted">(${d.organisation})</span></td><td>${label[d.status] ?? d.status}${d.term ? html` ("${d.term}")` : ''}</td><td>${d.snippet ? html`<q class="snippet">${d.snippet}</q>${d.statementUrl ? html`<br><span class="muted evidence">${d.statementUrl}</span>` : ''}` : ''}</td></tr>`,
      )}</tbody></table>`
    : ''}`;
}

export function sitePage(row: LeagueRow, details: SiteDetails, model: ReportModel, lang: Lang): Html {
  const s = STRINGS[lang];
  const r = row.result;
  const href = safeHref(r.url);
  const grade = r.grade ?? '?';
  const others = model.accounts
    .filter((a) => a.sites.some((x) => x.url === r.url))
    .map((a) => ({ ...a, others: a.sites.filter((x) => x.url !== r.url) }));
  const history = model.history.get(r.url) ?? [];
  const sightings = model.sightings.get(r.url) ?? [];
  return html`<p><a href="../index.html">${s.backToLeague}</a></p>
<h1>${r.name ?? r.url}${r.code ? html` <span class="muted">${r.code}</span>` : ''} ${gradeBadge(r.grade)}</h1>
<p><b>${s.siteGrade(grade)}:</b> ${GRADE_MEANING[grade]?.[lang] ?? ''}</p>
<p>${s.startUrl}: ${href ? html`<a href="${href}" rel="noopener noreferrer nofollow" class="evidence">${r.url}</a>` : html`<span class="evidence">${r.url}</span>`}
${r.finalUrl && r.finalUrl !== r.url ? html`<br>${s.finalUrl}: <span class="evidence">${r.finalUrl}</span>` : ''}
${r.group ? html`<br>${s.colGroup}: ${r.group}` : ''}
<br>${s.scannedAt(formatDate(model.run.startedAt))}${r.attempts > 1 ? ` (${s.attempts(r.attempts)})` : ''}</p>
${runNotice(model, s)}
${verdictsSection(row, details, s, lang)}
${r.status === 'ok'
    ? html`<h2>${s.bannerTitle}</h2>
<p>${r.banner.found ? s.bannerFound(r.banner.cmp && r.banner.cmp !== 'heuristic' ? r.banner.cmp : s.bannerHomeMade) : s.bannerNone}${r.banner.found && r.banner.rejectOnFirstLayer !== undefined ? html`; ${s.colReject.toLowerCase()}: ${r.banner.rejectOnFirstLayer ? s.yes : s.no}` : ''}</p>
${statementSection(row, s)}
<h2>${s.phasesTitle}</h2>
<p class="note">${s.phaseIntro}</p>
${PHASES.map((p) => phaseSection(p, row, details, s, lang))}`
    : ''}
${others.length
    ? html`<h2>${s.accountsOnSite}</h2><ul>${others.map(
        (a) => html`<li>${accountKindLabel(a.kind)} <span class="evidence">${a.value}</span>${a.others.length ? html` — ${s.alsoOn} ${a.others.map((o, i) => html`${i ? ', ' : ''}<a href="${o.slug}.html">${o.name ?? o.url}</a>`)}` : ''}</li>`,
      )}</ul>`
    : ''}
<h2>${s.historyTitle}</h2>
<table class="history"><thead><tr><th>${s.colRun}</th><th>${s.colDate}</th><th>${s.colGrade}</th><th>${s.colPre}</th><th>${s.colVerdicts}</th></tr></thead>
<tbody>${history.map(
    (h) => html`<tr><td>${h.runId}</td><td>${formatDate(h.startedAt)}</td><td>${h.status === 'ok' ? gradeBadge(h.grade) : h.status === 'failed' ? s.failedAs(h.failureClass ?? '?') : s.interrupted}</td><td>${h.pre.join(', ')}</td><td>${h.verdicts.map((v) => verdictTitle(v, lang)).join('; ')}</td></tr>`,
  )}</tbody></table>
${sightings.length
    ? html`<h3>${s.sightingsTitle}</h3><table class="sightings"><thead><tr><th>${s.colTracker}</th><th>${s.colPhases}</th><th>${s.colFirst}</th><th>${s.colLast}</th><th>${s.colNow}</th></tr></thead>
<tbody>${sightings.map(
        (x) => html`<tr><td>${x.name}</td><td>${x.phases.map((p) => PHASE_LABEL[p][lang]).join('; ')}</td><td>${formatDate(x.first.startedAt)}</td><td>${formatDate(x.last.startedAt)}</td><td>${x.current === 'yes' ? s.yes : x.current === 'no' ? s.no : s.notChecked}</td></tr>`,
      )}</tbody></table>`
    : ''}`;
}
