import { createHash } from 'node:crypto';

// The report's own style and script, inlined in every page so it works from file:// and from any
// static host without a request. The Content-Security-Policy allows exactly these (by hash) and no
// other script, so even markup that slipped through escaping could not run.

export const CSS = `
:root { --fg: #1b1f24; --muted: #5b6470; --line: #d8dde3; --bg: #fff; --soft: #f4f6f8; --link: #0b57d0; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header.top { background: #10243e; color: #fff; padding: 0.8rem 1.5rem; display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: baseline; }
header.top a { color: #fff; }
header.top .brand { font-weight: 700; font-size: 1.1rem; text-decoration: none; }
nav a { margin-right: 1rem; }
main { padding: 1rem 1.5rem 3rem; max-width: 1400px; }
a { color: var(--link); }
h1 { font-size: 1.6rem; margin: 0.6rem 0; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.6rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.4rem; }
.muted, .note { color: var(--muted); }
.warning { background: #fff4d6; border: 1px solid #e6c35c; padding: 0.5rem 0.8rem; border-radius: 4px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 0.8rem; padding: 0; list-style: none; }
.figures li { background: var(--soft); border-radius: 6px; padding: 0.7rem 0.9rem; }
.figures .n { display: block; font-size: 1.7rem; font-weight: 700; }
table { border-collapse: collapse; width: 100%; margin: 0.4rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; text-align: left; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
td.num, th.num { text-align: right; }
.grade { display: inline-block; min-width: 1.8em; text-align: center; font-weight: 700; border-radius: 4px; padding: 0 0.3em; color: #fff; }
.grade-A { background: #1e7b34; } .grade-B { background: #5a8f1f; } .grade-C { background: #b78a00; }
.grade-D { background: #c8640a; } .grade-E { background: #c0392b; } .grade-F { background: #7b1020; } .grade-q { background: #77808a; }
.filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; margin: 0.6rem 0; }
.filters label { display: flex; flex-direction: column; font-size: 0.85rem; color: var(--muted); }
.filters select, .filters input { font: inherit; padding: 0.2rem 0.4rem; min-width: 12rem; }
.verdict { border-left: 4px solid #c0392b; background: #fdf3f2; padding: 0.6rem 0.9rem; margin: 0.8rem 0; border-radius: 0 6px 6px 0; }
.verdict.mild { border-color: #b78a00; background: #fdf9ec; }
.verdict h3 { margin-top: 0; }
.evidence { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85rem; word-break: break-all; }
ul.evidence { padding-left: 1.2rem; }
.phase { border: 1px solid var(--line); border-radius: 6px; padding: 0.4rem 1rem 0.8rem; margin: 1rem 0; }
.shots { display: flex; flex-wrap: wrap; gap: 1rem; }
.shots figure { margin: 0; max-width: 420px; }
.shots img { width: 100%; border: 1px solid var(--line); }
.added { color: #b3261e; } .removed { color: #1e7b34; }
svg.chart { max-width: 760px; width: 100%; height: auto; background: #fff; }
svg.chart text { font: 12px system-ui, sans-serif; fill: #333; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: -0.1em; border-radius: 2px; }
.s0 { background: #c0392b; } .s1 { background: #b78a00; } .s2 { background: #7b1020; } .s3 { background: #0b57d0; }
dl.grades { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 0.8rem; align-items: center; }
dl.grades dd { margin: 0; }
footer { color: var(--muted); font-size: 0.85rem; margin-top: 3rem; }
`;

/** Sorting and filtering of the league table. Reads and writes text only, never markup. */
export const SCRIPT = `
(function () {
  var table = document.getElementById('league');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var group = document.getElementById('filter-group');
  var tracker = document.getElementById('filter-tracker');
  var search = document.getElementById('filter-search');
  var count = document.getElementById('shown-count');
  function apply() {
    var g = group ? group.value : '';
    var t = tracker ? tracker.value : '';
    var q = search ? search.value.trim().toLowerCase() : '';
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!g || row.getAttribute('data-group') === g) &&
        (!t || (' ' + row.getAttribute('data-trackers') + ' ').indexOf(' ' + t + ' ') !== -1) &&
        (!q || row.getAttribute('data-search').indexOf(q) !== -1);
      row.hidden = !ok;
      if (ok) shown++;
    });
    if (count) count.textContent = String(shown);
  }
  [group, tracker].forEach(function (el) { if (el) el.addEventListener('change', apply); });
  if (search) search.addEventListener('input', apply);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, col) {
    var button = th.querySelector('button');
    if (!button) return;
    button.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var numeric = th.getAttribute('data-type') === 'num';
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-value') || '';
        var y = b.cells[col].getAttribute('data-value') || '';
        var d = numeric ? (parseFloat(x) - parseFloat(y)) : x.localeCompare(y);
        if (numeric && isNaN(d)) d = isNaN(parseFloat(x)) ? (isNaN(parseFloat(y)) ? 0 : 1) : -1;
        return asc ? d : -d;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  apply();
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * No network at all (default-src 'none'), images only from the report's own folder, style and script
 * only our own by hash; no base or form targets to hijack.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "img-src 'self'",
  `style-src ${sha256(CSS)}`,
  `script-src ${sha256(SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
