import type { Lang } from '../advice.js';
import { html, type Html } from './escape.js';
import { STRINGS } from './i18n.js';
import type { ReportModel } from './model.js';

// Which sites share a tracker account (GTM container, GA property, pixel id): often one agency's work.

const KIND_LABEL: Record<string, string> = {
  'gtm-container': 'Google Tag Manager container',
  'ga-measurement-id': 'Google Analytics 4 property',
  'ua-property': 'Universal Analytics property',
  'google-tag': 'Google tag',
  'google-ads-conversion': 'Google Ads conversion id',
  'floodlight-advertiser': 'Floodlight advertiser',
  'facebook-pixel': 'Meta Pixel',
  'linkedin-partner': 'LinkedIn partner id',
  'tiktok-pixel': 'TikTok Pixel',
  'twitter-pixel': 'X (Twitter) Pixel',
  'clarity-project': 'Microsoft Clarity project',
  'bing-uet-tag': 'Microsoft Advertising UET tag',
  'hotjar-site': 'Hotjar site',
  'matomo-site': 'Matomo site',
  'piwik-pro-site': 'Piwik PRO site',
  'siteimprove-account': 'Siteimprove account',
  'cookiebot-id': 'Cookiebot id',
};

export const accountKindLabel = (kind: string): string => KIND_LABEL[kind] ?? kind;

export function accountsPage(model: ReportModel, lang: Lang): Html {
  const s = STRINGS[lang];
  const shared = model.accounts.filter((a) => a.sites.length >= 2);
  const single = model.accounts.length - shared.length;
  const rest = single ? html`<p class="note">${s.singleAccounts(single)}</p>` : '';
  if (!shared.length) return html`<h1>${s.accountsTitle}</h1><p class="note">${s.accountsIntro}</p><p>${s.noAccounts}</p>${rest}`;
  return html`<h1>${s.accountsTitle}</h1>
<p class="note">${s.accountsIntro}</p>
<table id="accounts">
<thead><tr><th>${s.colKind}</th><th>${s.colId}</th><th class="num">${s.colSites}</th><th>${s.colSite}</th></tr></thead>
<tbody>${shared.map(
    (a) => html`<tr><td>${accountKindLabel(a.kind)}</td><td class="evidence">${a.value}</td><td class="num">${a.sites.length}</td><td>${a.sites.map(
      (site, i) => html`${i ? ', ' : ''}<a href="sites/${site.slug}.html">${site.name ?? site.url}</a>`,
    )}</td></tr>`,
  )}</tbody>
</table>
${rest}`;
}
