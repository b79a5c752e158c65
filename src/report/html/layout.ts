import type { Lang } from '../advice.js';
import { CONTENT_SECURITY_POLICY, CSS, SCRIPT } from './assets.js';
import { html, trusted, type Html } from './escape.js';
import { STRINGS } from './i18n.js';

export interface PageOptions {
  lang: Lang;
  /** The report's title (`--title`), shown on every page. */
  reportTitle: string;
  /** The page's own title. */
  title: string;
  /** '' for pages in the report's root, '../' for site pages. */
  root: string;
  current?: 'league' | 'trends' | 'accounts';
  /** Only the league table needs the sorting script. */
  script?: boolean;
  toolVersion: string;
}

export function page(o: PageOptions, body: Html): string {
  const s = STRINGS[o.lang];
  const link = (href: string, label: string, key: PageOptions['current']) =>
    html`<a href="${o.root}${href}"${o.current === key ? trusted(' aria-current="page"') : ''}>${label}</a>`;
  return (
    '<!doctype html>\n' +
    html`<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${o.title} · ${o.reportTitle}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<header class="top">
<a class="brand" href="${o.root}index.html">${o.reportTitle}</a>
<nav>${link('index.html', s.navLeague, 'league')}${link('trends.html', s.navTrends, 'trends')}${link('accounts.html', s.navAccounts, 'accounts')}</nav>
</header>
<main>
${body}
<footer>${s.generatedBy} ${o.toolVersion}</footer>
</main>
${o.script ? html`<script>${trusted(SCRIPT)}</script>` : ''}
</body>
</html>
`.value
  );
}
