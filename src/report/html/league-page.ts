import { GRADE_MEANING, PHASE_LABEL, verdictTitle, type Lang } from '../advice.js';
import { html, join, type Html } from './escape.js';
import { formatDate, formatPercent, STRINGS, type Strings } from './i18n.js';
import type { LeagueRow, ReportModel, RowChange } from './model.js';

// The index: the run's figures, the league table (sortable, filterable) and what the grades mean.

const GRADE_SORT: Record<string, number> = { F: 0, E: 1, D: 2, C: 3, B: 4, A: 5, '?': 6 };

export function gradeBadge(grade: string | undefined): Html {
  const g = grade ?? '?';
  return html`<span class="grade grade-${/^[A-F]$/.test(g) ? g : 'q'}">${g}</span>`;
}

/** The warning a reader must see when the run is not a whole list. */
export function runNotice(model: ReportModel, s: Strings): Html {
  if (model.run.status === 'incomplete') return html`<p class="warning">${s.runIncomplete}</p>`;
  if (model.run.status === 'running') return html`<p class="warning">${s.runRunning}</p>`;
  return html``;
}

function figures(model: ReportModel, s: Strings, lang: Lang): Html {
  const f = model.summary;
  const m = f.ok;
  const v = (id: string) => f.verdicts[id] ?? 0;
  const item = (n: number | string, text: string) => html`<li><span class="n">${n}</span> ${text}</li>`;
  const top = f.topTrackersBeforeConsent.slice(0, 10);
  return html`<h2>${s.summaryTitle}</h2>
<ul class="figures">
${item(v('tracking_before_consent'), s.figTracking(m))}
${item(v('analytics_before_consent'), s.figAnalytics(m))}
${item(v('tracking_after_reject'), s.figAfterReject(f.refused))}
${item(formatPercent(f.googleAnalytics.any, m, lang), s.figGoogleAnalytics(f.googleAnalytics.any, m))}
${item(v('tracking_without_banner'), s.figNoBanner)}
${item(v('no_reject_on_first_layer'), s.figNoReject)}
${item(v('undisclosed_third_parties'), s.figUndisclosed(m))}
</ul>
${f.failed + f.interrupted > 0 ? html`<p class="note">${s.figFailed(f.failed + f.interrupted, f.sites)}</p>` : ''}
${f.unjudged > 0 ? html`<p class="note">${s.figUnjudged(f.unjudged)}</p>` : ''}
${top.length
    ? html`<h3>${s.topTrackers}</h3><ol>${top.map((t) => html`<li>${t.name} <span class="muted">(${t.organisation})</span>: ${s.sitesCount(t.sites)}</li>`)}</ol>`
    : ''}`;
}

function changeCell(change: RowChange, s: Strings, lang: Lang): { text: Html; value: string } {
  switch (change.kind) {
    case 'first-run':
      return { text: html`${s.changeFirstRun}`, value: '' };
    case 'new-site':
      return { text: html`${s.changeNewSite}`, value: '1 new' };
    case 'not-scanned-before':
      return { text: html`${s.changeNotScannedBefore}`, value: '1 not scanned' };
    case 'not-scanned-now':
      return { text: html`${s.changeNotScannedNow}`, value: '1 not scanned now' };
    case 'unchanged':
      return { text: html`<span class="muted">${s.changeUnchanged}</span>`, value: '0' };
    case 'changed': {
      const d = change.diff;
      if (!d.compared) {
        const grades = d.gradeFrom !== d.gradeTo ? html` ${s.grade} ${d.gradeFrom ?? '?'} → ${d.gradeTo ?? '?'}` : '';
        return { text: html`${s.changeNotCompared}${grades}`, value: '2 status' };
      }
      const parts: Html[] = [];
      if (d.gradeFrom !== d.gradeTo && (d.gradeFrom || d.gradeTo)) parts.push(html`${s.grade} ${d.gradeFrom ?? '?'} → ${d.gradeTo ?? '?'}`);
      const pre = d.trackers.pre;
      if (pre.added.length) parts.push(html`<span class="added">+ ${pre.added.join(', ')}</span>`);
      if (pre.removed.length) parts.push(html`<span class="removed">− ${pre.removed.join(', ')}</span>`);
      // Changes after accepting or rejecting, and verdicts: named, so a reader sees what moved.
      for (const p of ['accept', 'reject'] as const) {
        const c = d.trackers[p];
        if (c.added.length || c.removed.length) {
          parts.push(html`${s.changeInPhase(PHASE_LABEL[p][lang])} ${c.added.length ? html`<span class="added">+ ${c.added.join(', ')}</span> ` : ''}${c.removed.length ? html`<span class="removed">− ${c.removed.join(', ')}</span>` : ''}`);
        }
      }
      if (d.verdicts.added.length || d.verdicts.removed.length) {
        parts.push(html`${s.changeVerdicts} ${d.verdicts.added.length ? html`<span class="added">+ ${d.verdicts.added.map((v) => verdictTitle(v, lang)).join(', ')}</span> ` : ''}${d.verdicts.removed.length ? html`<span class="removed">− ${d.verdicts.removed.map((v) => verdictTitle(v, lang)).join(', ')}</span>` : ''}`);
      }
      if (d.answerFailed.length) parts.push(html`<span class="muted">${s.changeAnswerFailed}</span>`);
      return { text: join(parts, html`<br>`), value: `3 ${d.gradeFrom ?? ''}${d.gradeTo ?? ''}` };
    }
  }
}

/** What the site's privacy statement says of the third parties found, in a few words. */
export function statementCell(res: LeagueRow['result'], s: Strings): { text: Html; value: string } {
  if (res.status !== 'ok' || !res.statements || !res.disclosures) return { text: html`<span class="muted">${s.statementNotChecked}</span>`, value: '' };
  if (!res.statements.length) return { text: html`${s.statementNone}`, value: '1' };
  if (!res.statements.some((st) => st.readable)) return { text: html`${s.statementUnreadable}`, value: '1' };
  const missing = res.disclosures.filter((d) => d.status === 'not-named').map((d) => d.trackerName);
  const denied = res.disclosures.filter((d) => d.status === 'denied').map((d) => d.trackerName);
  if (!missing.length && !denied.length) return { text: html`<span class="muted">${s.statementNamesAll}</span>`, value: '0' };
  return {
    text: join(
      [...(missing.length ? [html`${s.statementMisses(missing.join(', '))}`] : []), ...(denied.length ? [html`${s.statementDenies(denied.join(', '))}`] : [])],
      html`<br>`,
    ),
    value: String(2 + missing.length + denied.length),
  };
}

function row(r: LeagueRow, s: Strings, lang: Lang): Html {
  const res = r.result;
  const ok = res.status === 'ok';
  const afterRejectIds = ok ? res.trackers.reject.filter((t) => t.source === 'rules' && r.afterReject.includes(t.name)).map((t) => t.id) : [];
  const trackerIds = [...new Set([...r.pre.map((t) => t.id), ...afterRejectIds])];
  const search = [res.name, res.code, res.url, res.group].filter(Boolean).join(' ').toLowerCase();
  const status = res.status === 'failed' ? s.failedAs(res.failureClass ?? '?') : res.status === 'interrupted' ? s.interrupted : '';
  const change = changeCell(r.change, s, lang);
  const statement = statementCell(res, s);
  const banner = !ok ? '' : res.banner.found ? res.banner.cmp && res.banner.cmp !== 'heuristic' ? res.banner.cmp : s.bannerHomeMade : s.noBanner;
  const reject = !ok || !res.banner.found ? '–' : res.banner.rejectOnFirstLayer === undefined ? '?' : res.banner.rejectOnFirstLayer ? s.yes : s.no;
  return html`<tr data-group="${res.group ?? ''}" data-trackers="${trackerIds.join(' ')}" data-search="${search}" data-url="${res.url}">
<td class="num" data-value="${r.rank ?? ''}">${r.rank ?? ''}</td>
<td data-value="${res.name ?? res.url}"><a href="sites/${r.slug}.html">${res.name ?? res.url}</a>${res.code ? html` <span class="muted">${res.code}</span>` : ''}${res.name ? html`<br><span class="muted evidence">${res.url}</span>` : ''}</td>
<td data-value="${res.group ?? ''}">${res.group ?? ''}</td>
<td data-value="${GRADE_SORT[res.grade ?? '?'] ?? 6}">${gradeBadge(res.grade)}</td>
<td data-value="${r.pre.length}">${ok ? (r.pre.length ? r.pre.map((t) => t.name).join(', ') : html`<span class="muted">${s.none}</span>`) : status}</td>
<td data-value="${r.afterReject.length}">${r.afterReject.join(', ')}</td>
<td data-value="${banner}">${banner}</td>
<td data-value="${reject}">${reject}</td>
<td data-value="${statement.value}">${statement.text}</td>
<td data-value="${change.value}">${change.text}</td>
</tr>`;
}

export function leaguePage(model: ReportModel, lang: Lang): Html {
  const s = STRINGS[lang];
  const run = model.run;
  const th = (label: string, type: 'num' | 'text' = 'text') =>
    html`<th data-type="${type}" scope="col"><button type="button">${label}</button></th>`;
  return html`<h1>${s.leagueTitle}</h1>
<p>${s.runOf(run.id, formatDate(run.startedAt))}. ${model.previousRun ? s.comparedWith(model.previousRun.id, formatDate(model.previousRun.startedAt)) : s.noPrevious}</p>
${runNotice(model, s)}
${figures(model, s, lang)}
<h2>${s.leagueTitle}</h2>
<p class="note">${s.leagueIntro}</p>
<div class="filters">
<label>${s.filterGroup}<select id="filter-group"><option value="">${s.filterAll}</option>${model.groups.map((g) => html`<option value="${g}">${g}</option>`)}</select></label>
<label>${s.filterTracker}<select id="filter-tracker"><option value="">${s.filterAll}</option>${model.trackers.map((t) => html`<option value="${t.id}">${t.name}</option>`)}</select></label>
<label>${s.filterSearch}<input id="filter-search" type="search"></label>
<span><span id="shown-count">${model.rows.length}</span> ${s.shownCount}</span>
</div>
<table id="league">
<thead><tr>${th(s.colRank, 'num')}${th(s.colSite)}${th(s.colGroup)}${th(s.colGrade, 'num')}${th(s.colPre, 'num')}${th(s.colAfterReject, 'num')}${th(s.colBanner)}${th(s.colReject)}${th(s.colStatement, 'num')}${th(s.colChange)}</tr></thead>
<tbody>
${model.rows.map((r) => row(r, s, lang))}
</tbody>
</table>
<h2>${s.gradesTitle}</h2>
<dl class="grades">${['A', 'B', 'C', 'D', 'E', 'F', '?'].map((g) => html`<dt>${gradeBadge(g)}</dt><dd>${GRADE_MEANING[g]![lang]}</dd>`)}</dl>`;
}
