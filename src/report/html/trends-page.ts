import type { Lang } from '../advice.js';
import { PHASE_LABEL } from '../advice.js';
import { lineChart } from './chart.js';
import { html, type Html } from './escape.js';
import { formatDate, STRINGS } from './i18n.js';
import type { ReportModel } from './model.js';

// Counts per run as a chart and a table, and when each tracker was first and last seen on each site.

export function trendsPage(model: ReportModel, lang: Lang): Html {
  const s = STRINGS[lang];
  const t = model.trends;
  const labels = t.map((p) => `${p.runId} · ${p.startedAt.slice(0, 10)}${p.status === 'complete' ? '' : ' *'}`);
  // Shares, not counts: a run with many failed scans, or one stopped early, is no fall in tracking.
  const share = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 1000) / 10);
  const chart =
    t.length >= 2
      ? lineChart(s.chartPercent, labels, [
          { label: s.seriesTracking, colour: 's0', stroke: '#c0392b', values: t.map((p) => share(p.trackingBeforeConsent, p.ok)) },
          { label: s.seriesAnalytics, colour: 's1', stroke: '#b78a00', values: t.map((p) => share(p.analyticsBeforeConsent, p.ok)) },
          { label: s.seriesAfterReject, colour: 's2', stroke: '#7b1020', values: t.map((p) => share(p.trackingAfterReject, p.refused)) },
          { label: s.seriesGoogleAnalytics, colour: 's3', stroke: '#0b57d0', values: t.map((p) => share(p.googleAnalytics, p.ok)) },
        ], { max: 100, unit: '%' })
      : html`<p class="note">${s.onlyOneRun}</p>`;
  const unfinished = t.some((p) => p.status !== 'complete') ? html`<p class="note">* ${s.runUnfinished}</p>` : '';
  const slugOf = new Map(model.rows.map((r) => [r.result.url, r]));
  const sightings = [...model.sightings.entries()]
    .map(([url, list]) => ({ url, row: slugOf.get(url), list }))
    .filter((e) => e.row !== undefined)
    .sort((a, b) => (a.row!.result.code ?? '\uffff').localeCompare(b.row!.result.code ?? '\uffff') || a.url.localeCompare(b.url));
  return html`<h1>${s.trendsTitle}</h1>
<p class="note">${s.trendsIntro}</p>
${chart}
${unfinished}
<h2>${s.trendTable}</h2>
<table>
<thead><tr><th>${s.colRun}</th><th>${s.colDate}</th><th class="num">${s.colOk}</th><th class="num">${s.colFailed}</th><th class="num">${s.seriesTracking}</th><th class="num">${s.seriesAnalytics}</th><th class="num">${s.seriesAfterReject}</th><th class="num">${s.seriesGoogleAnalytics}</th></tr></thead>
<tbody>${[...t].reverse().map(
    (p) => html`<tr><td>${p.runId}${p.status === 'complete' ? '' : html` <span class="muted">(${s.runUnfinished})</span>`}</td><td>${formatDate(p.startedAt)}</td><td class="num">${p.ok}</td><td class="num">${p.failed}</td><td class="num">${p.trackingBeforeConsent}</td><td class="num">${p.analyticsBeforeConsent}</td><td class="num">${p.trackingAfterReject}</td><td class="num">${p.googleAnalytics}</td></tr>`,
  )}</tbody>
</table>
<h2>${s.sightingsTitle}</h2>
<table>
<thead><tr><th>${s.colSite}</th><th>${s.colTracker}</th><th>${s.colPhases}</th><th>${s.colFirst}</th><th>${s.colLast}</th><th>${s.colNow}</th></tr></thead>
<tbody>${sightings.flatMap(({ row, list }) =>
    list.map(
      (x) => html`<tr><td><a href="sites/${row!.slug}.html">${row!.result.name ?? row!.result.url}</a></td><td>${x.name}</td><td>${x.phases.map((p) => PHASE_LABEL[p][lang]).join('; ')}</td><td>${formatDate(x.first.startedAt)}</td><td>${formatDate(x.last.startedAt)}</td><td>${x.current === 'yes' ? s.yes : x.current === 'no' ? s.no : s.notChecked}</td></tr>`,
    ),
  )}</tbody>
</table>`;
}
