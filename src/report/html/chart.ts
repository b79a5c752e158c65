import { html, type Html } from './escape.js';

// A line chart as inline SVG: no chart library, no script, nothing fetched.

export interface Series {
  label: string;
  /** CSS class of its colour (s0 … s3), shared with the legend. */
  colour: string;
  stroke: string;
  values: number[];
}

export function lineChart(title: string, xLabels: string[], series: Series[], scale: { max?: number; unit?: string } = {}): Html {
  const width = 760;
  const height = 300;
  const left = 44;
  const right = 16;
  const top = 16;
  const bottom = 48;
  const max = scale.max ?? Math.max(1, ...series.flatMap((s) => s.values));
  const step = niceStep(max);
  const yMax = Math.ceil(max / step) * step;
  const n = xLabels.length;
  const x = (i: number) => left + (n <= 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (n - 1));
  const y = (v: number) => top + (1 - v / yMax) * (height - top - bottom);
  const ticks: number[] = [];
  for (let v = 0; v <= yMax; v += step) ticks.push(v);
  // At most ~12 x labels, so a year of nightly runs stays readable.
  const every = Math.max(1, Math.ceil(n / 12));
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}">
<title>${title}</title>
${ticks.map((v) => html`<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e7eb"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v}${scale.unit ?? ''}</text>`)}
${xLabels.map((label, i) =>
  i % every === 0 || i === n - 1
    ? html`<text x="${x(i)}" y="${height - bottom + 18}" text-anchor="${n > 1 && i === 0 ? 'start' : n > 1 && i === n - 1 ? 'end' : 'middle'}">${label}</text>`
    : '',
)}
${series.map(
  (s) => html`<g class="series">
<polyline fill="none" stroke="${s.stroke}" stroke-width="2.5" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>
${s.values.map((v, i) => html`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="${s.stroke}"><title>${s.label}: ${v}${scale.unit ?? ''} (${xLabels[i] ?? ''})</title></circle>`)}
</g>`,
)}
</svg>
<ul class="legend">${series.map((s) => html`<li><span class="swatch ${s.colour}"></span>${s.label}</li>`)}</ul>`;
}

function niceStep(max: number): number {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (raw <= m * magnitude) return Math.max(1, m * magnitude);
  return Math.max(1, 10 * magnitude);
}
