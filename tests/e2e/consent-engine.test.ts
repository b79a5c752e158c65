import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright';
import { launchBrowser, newVisitorContext, type LaunchedBrowser } from '../../src/browser/launch.js';
import { attachConsentEngine, type ConsentEngine, type ConsentEngineOptions } from '../../src/consent/index.js';
import { PAGE_KEY } from '../../src/consent/inpage.js';
import type { ConsentAction, ConsentObservation } from '../../src/observe/types.js';

// The consent engine in real Chromium on small pages served through page routing (fake https origins).

let launched: LaunchedBrowser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  launched = await launchBrowser();
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await launched?.close();
});

const SITE = 'https://www.testdorp.nl';
const CMP = 'https://cmp.consent-leverancier.example';

// Short waits: the defaults are for real sites.
const FAST: ConsentEngineOptions['timings'] = {
  stableMaxMs: 1500,
  confirmMs: 2000,
  layerMs: 2500,
  autoconsentGraceMs: 800,
  actionBudgetMs: 12000,
};

interface Visit {
  page: Page;
  engine: ConsentEngine;
  context: BrowserContext;
  obs: ConsentObservation;
  requested: string[];
  elapsedMs: number;
}

const page = (body: string, head = '') =>
  `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Gemeente Testdorp</title>${head}</head><body>
<header><nav><a href="/">Home</a> <a href="/afval">Afval</a> <a href="/contact">Contact</a></nav></header>
<main><h1>Welkom bij gemeente Testdorp</h1><p>Hier vindt u informatie over paspoorten, afval en parkeren.</p></main>
${body}</body></html>`;

async function visit(
  files: Record<string, string>,
  mode: ConsentAction | 'detect',
  opts: { waitMs?: number; delayBeforeMs?: number; useAutoconsent?: boolean; timings?: ConsentEngineOptions['timings'] } = {},
): Promise<Visit> {
  const context = await newVisitorContext(launched);
  contexts.push(context);
  const requested: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const key = `${url.origin}${url.pathname}`;
    requested.push(key);
    const body = files[key];
    if (body === undefined) return route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' });
    return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body });
  });
  const engine = await attachConsentEngine(context, mode, { useAutoconsent: opts.useAutoconsent ?? true, timings: { ...FAST, ...opts.timings } });
  const p = await context.newPage();
  const navigationStart = Date.now();
  await p.goto(`${SITE}/`, { waitUntil: 'domcontentloaded' });
  if (opts.delayBeforeMs) await p.waitForTimeout(opts.delayBeforeMs);
  const waitOpts = { waitMs: opts.waitMs ?? 3000, navigationStart };
  const started = Date.now();
  const obs = mode === 'detect' ? await engine.detect(p, waitOpts) : await engine.answer(p, mode, waitOpts);
  // CONSENT_DEBUG=1 prints every observation: the quickest way to see why a case fails.
  if (process.env.CONSENT_DEBUG) console.log(JSON.stringify({ mode, elapsedMs: Date.now() - started, obs }));
  return { page: p, engine, context, obs, requested, elapsedMs: Date.now() - started };
}

const cookie = async (v: Visit, name: string) => (await v.context.cookies()).find((c) => c.name === name)?.value;

const DUTCH_BANNER = page(`
<div id="cookiebar" style="position:fixed;bottom:0;left:0;right:0;background:#eee;padding:16px">
  <p>Wij gebruiken cookies om de website te verbeteren en te analyseren. <a href="/privacyverklaring">Privacyverklaring</a></p>
  <button id="acc">Alle cookies accepteren</button> <button id="rej">Weigeren</button>
</div>
<script>
  const bar = document.getElementById('cookiebar');
  document.getElementById('acc').onclick = () => { document.cookie = 'keuze=alles; path=/'; bar.remove(); };
  document.getElementById('rej').onclick = () => { document.cookie = 'keuze=geen; path=/'; bar.remove(); };
</script>`);

describe('home-made banners (our heuristic)', () => {
  it('accepts a Dutch banner with "Alle cookies accepteren"', async () => {
    const v = await visit({ [`${SITE}/`]: DUTCH_BANNER }, 'accept');
    expect(v.obs).toMatchObject({
      action: 'accept',
      bannerFound: true,
      engine: 'heuristic',
      cmp: 'heuristic',
      rejectOnFirstLayer: true,
      secondLayer: false,
      success: true,
      consentStored: true,
    });
    expect(v.obs.error).toBeUndefined();
    expect(v.obs.clicks).toEqual([{ text: 'Alle cookies accepteren', frameUrl: `${SITE}/`, layer: 1, role: 'accept' }]);
    expect(await cookie(v, 'keuze')).toBe('alles');
    expect(v.obs.bannerAppearedMs).toBeGreaterThanOrEqual(0);
  });

  it('rejects the same banner with "Weigeren" and never follows the privacy statement link', async () => {
    const v = await visit({ [`${SITE}/`]: DUTCH_BANNER }, 'reject');
    expect(v.obs).toMatchObject({ bannerFound: true, success: true, rejectOnFirstLayer: true, secondLayer: false, consentStored: true });
    expect(v.obs.clicks).toEqual([{ text: 'Weigeren', frameUrl: `${SITE}/`, layer: 1, role: 'reject' }]);
    expect(await cookie(v, 'keuze')).toBe('geen');
    expect(v.requested).not.toContain(`${SITE}/privacyverklaring`);
  });

  it('finds a banner inside an open shadow root', async () => {
    const html = page(`
<cookie-melding></cookie-melding>
<script>
  customElements.define('cookie-melding', class extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<div class="box" style="position:fixed;top:20px;left:20px;width:400px;background:#fff;border:1px solid #000;padding:10px">' +
        '<p>Mogen wij cookies plaatsen voor statistieken?</p><button id="ja">Akkoord</button> <button id="nee">Nee, bedankt</button></div>';
      root.getElementById('ja').onclick = () => { document.cookie = 'melding=ja; path=/'; this.remove(); };
      root.getElementById('nee').onclick = () => { document.cookie = 'melding=nee; path=/'; this.remove(); };
    }
  });
</script>`);
    const v = await visit({ [`${SITE}/`]: html }, 'reject');
    expect(v.obs).toMatchObject({ bannerFound: true, engine: 'heuristic', success: true, rejectOnFirstLayer: true });
    expect(v.obs.clicks).toEqual([{ text: 'Nee, bedankt', frameUrl: `${SITE}/`, layer: 1, role: 'reject' }]);
    expect(await cookie(v, 'melding')).toBe('nee');
  });

  it('finds and answers a banner inside a cross-origin iframe', async () => {
    const html = page(`
<iframe id="cmp" src="${CMP}/banner.html" title="Cookiemelding" style="position:fixed;bottom:0;left:0;width:100%;height:160px;border:0;background:#fff"></iframe>
<script>
  window.addEventListener('message', (e) => {
    if (e.origin !== '${CMP}') return;
    document.cookie = 'cmp_keuze=' + e.data + '; path=/';
    document.getElementById('cmp').remove();
  });
</script>`);
    const banner = `<!doctype html><html lang="nl"><body style="margin:0;font-family:sans-serif">
<p>Deze website gebruikt cookies. Wij vragen uw toestemming voor analytische en marketingcookies.</p>
<button onclick="parent.postMessage('ja', '*')">Accepteren</button>
<button onclick="parent.postMessage('nee', '*')">Weigeren</button>
</body></html>`;
    const v = await visit({ [`${SITE}/`]: html, [`${CMP}/banner.html`]: banner }, 'accept');
    expect(v.obs).toMatchObject({ bannerFound: true, engine: 'heuristic', success: true, rejectOnFirstLayer: true, consentStored: true });
    expect(v.obs.clicks).toEqual([{ text: 'Accepteren', frameUrl: `${CMP}/banner.html`, layer: 1, role: 'accept' }]);
    expect(await cookie(v, 'cmp_keuze')).toBe('ja');
  });

  const LATE = page(`
<script>
  setTimeout(() => {
    const bar = document.createElement('div');
    bar.className = 'cookie-notice';
    bar.style.cssText = 'position:fixed;bottom:0;left:0;right:0;background:#ddd;padding:12px';
    bar.innerHTML = '<span>Deze site gebruikt cookies.</span> <button>Akkoord</button> <button>Alleen noodzakelijke cookies</button>';
    bar.querySelectorAll('button')[0].onclick = () => { document.cookie = 'laat=ja; path=/'; bar.remove(); };
    bar.querySelectorAll('button')[1].onclick = () => { document.cookie = 'laat=nee; path=/'; bar.remove(); };
    document.body.appendChild(bar);
  }, 2000);
</script>`);

  it('detects a banner that appears after 2 s without clicking it', async () => {
    const v = await visit({ [`${SITE}/`]: LATE }, 'detect', { waitMs: 5000 });
    expect(v.obs).toMatchObject({ action: 'none', bannerFound: true, engine: 'heuristic', cmp: 'heuristic', rejectOnFirstLayer: true, success: false });
    expect(v.obs.clicks).toEqual([]);
    expect(v.obs.bannerAppearedMs).toBeGreaterThanOrEqual(1900);
    expect(v.obs.bannerAppearedMs).toBeLessThan(4000);
    expect(await v.page.locator('.cookie-notice').isVisible()).toBe(true);
    expect(await cookie(v, 'laat')).toBeUndefined();
  });

  it('dates a late banner from when it appeared, even when asked later', async () => {
    const v = await visit({ [`${SITE}/`]: LATE }, 'reject', { waitMs: 5000, delayBeforeMs: 3500 });
    expect(v.obs).toMatchObject({ bannerFound: true, success: true });
    expect(v.obs.clicks.map((c) => [c.text, c.role])).toEqual([['Alleen noodzakelijke cookies', 'reject']]);
    expect(v.obs.bannerAppearedMs).toBeGreaterThanOrEqual(1900);
    expect(v.obs.bannerAppearedMs).toBeLessThan(3400);
  });

  const TWO_LAYERS = page(`
<div id="laag1" class="cookie-banner" role="dialog" aria-label="Cookies" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:16px;border-top:2px solid #333">
  <p>Wij gebruiken cookies voor statistieken en marketing.</p>
  <button id="accepteren">Accepteren</button>
  <button id="instellingen">Instellingen</button>
</div>
<div id="laag2" role="dialog" aria-modal="true" aria-label="Cookie-instellingen" hidden
     style="position:fixed;top:10%;left:20%;width:60%;background:#fff;padding:16px;border:2px solid #333">
  <h2>Cookie-instellingen</h2>
  <p><label><input type="checkbox" id="nodig" checked disabled> Noodzakelijk</label></p>
  <p><label><input type="checkbox" id="stats" checked> Statistieken</label></p>
  <p><label class="switch" style="display:inline-block;padding:4px;border:1px solid #999">
     <input type="checkbox" id="marketing" checked style="position:absolute;opacity:0;width:0;height:0">
     <span class="slider"></span> Marketing</label></p>
  <p><label><input type="checkbox" id="social"> Social media</label></p>
  <button id="opslaan">Voorkeuren opslaan</button>
</div>
<script>
  const l1 = document.getElementById('laag1'), l2 = document.getElementById('laag2');
  const store = (v) => { document.cookie = 'toestemming=' + v + '; path=/'; l1.remove(); l2.remove(); };
  document.getElementById('accepteren').onclick = () => store('stats:1,marketing:1,social:1');
  document.getElementById('instellingen').onclick = () => { l1.hidden = true; l2.hidden = false; };
  document.getElementById('opslaan').onclick = () => {
    const v = (id) => document.getElementById(id).checked ? 1 : 0;
    store('nodig:' + v('nodig') + ',stats:' + v('stats') + ',marketing:' + v('marketing') + ',social:' + v('social'));
  };
</script>`);

  it('rejects a two-layer banner through its settings layer, switching off every optional switch', async () => {
    const v = await visit({ [`${SITE}/`]: TWO_LAYERS }, 'reject');
    expect(v.obs).toMatchObject({ bannerFound: true, engine: 'heuristic', secondLayer: true, rejectOnFirstLayer: false, success: true, consentStored: true });
    expect(v.obs.error).toBeUndefined();
    expect(v.obs.clicks.map((c) => [c.layer, c.role, c.text])).toEqual([
      [1, 'settings', 'Instellingen'],
      [2, 'toggle-off', 'Statistieken'],
      [2, 'toggle-off', 'Marketing'],
      [2, 'save', 'Voorkeuren opslaan'],
    ]);
    // The disabled (strictly necessary) switch is left alone, the unticked one is not touched.
    expect(await cookie(v, 'toestemming')).toBe('nodig:1,stats:0,marketing:0,social:0');
  });

  it('accepts the two-layer banner on its first layer and records that it had no reject option', async () => {
    const v = await visit({ [`${SITE}/`]: TWO_LAYERS }, 'accept');
    expect(v.obs).toMatchObject({ bannerFound: true, secondLayer: false, rejectOnFirstLayer: false, success: true });
    expect(v.obs.clicks).toEqual([{ text: 'Accepteren', frameUrl: `${SITE}/`, layer: 1, role: 'accept' }]);
    expect(await cookie(v, 'toestemming')).toBe('stats:1,marketing:1,social:1');
  });

  const PRIVACY_LINKS = page(`
<div class="cookie-consent" style="position:fixed;bottom:0;left:0;right:0;background:#eee;padding:16px">
  <p>Deze website plaatst cookies. Lees onze <a href="/privacyverklaring">Privacyverklaring</a>.</p>
  <a href="/cookies-weigeren" class="knop">Cookies weigeren</a>
  <a href="/privacyverklaring" role="button" class="knop">Privacyverklaring</a>
  <button id="ok">Akkoord</button>
</div>
<script>
  document.getElementById('ok').onclick = () => { document.cookie = 'akkoord=1; path=/'; document.querySelector('.cookie-consent').remove(); };
</script>`);

  it('never clicks links that leave the page (privacy statement), even when their text says "weigeren"', async () => {
    const v = await visit({ [`${SITE}/`]: PRIVACY_LINKS, [`${SITE}/privacyverklaring`]: page('<p>Privacy</p>') }, 'reject');
    expect(v.obs).toMatchObject({ bannerFound: true, success: false, rejectOnFirstLayer: false, secondLayer: false });
    expect(v.obs.clicks).toEqual([]);
    expect(v.obs.error).toMatch(/no reject option/);
    expect(v.page.url()).toBe(`${SITE}/`);
    expect(v.requested).not.toContain(`${SITE}/privacyverklaring`);
    expect(v.requested).not.toContain(`${SITE}/cookies-weigeren`);
  });

  it('accepts next to a privacy statement link without following it', async () => {
    const v = await visit({ [`${SITE}/`]: PRIVACY_LINKS }, 'accept');
    expect(v.obs).toMatchObject({ bannerFound: true, success: true });
    expect(v.obs.clicks.map((c) => c.text)).toEqual(['Akkoord']);
    expect(v.page.url()).toBe(`${SITE}/`);
    expect(v.requested).not.toContain(`${SITE}/privacyverklaring`);
  });

  it('clicks a link that stays on the page (href="#")', async () => {
    const html = page(`
<div id="cookie-popup" style="position:fixed;top:0;left:0;right:0;background:#eee;padding:16px">
  <p>Wij gebruiken cookies.</p><a href="#" id="nee">Alles weigeren</a> <a href="javascript:void(0)" id="ja">Alles accepteren</a>
</div>
<script>
  for (const [id, v] of [['nee', 'nee'], ['ja', 'ja']]) document.getElementById(id).onclick = (e) => {
    e.preventDefault(); document.cookie = 'popup=' + v + '; path=/'; document.getElementById('cookie-popup').remove();
  };
</script>`);
    const v = await visit({ [`${SITE}/`]: html }, 'reject', { useAutoconsent: false });
    expect(v.obs).toMatchObject({ bannerFound: true, success: true });
    expect(v.obs.clicks.map((c) => [c.text, c.role])).toEqual([['Alles weigeren', 'reject']]);
    expect(await cookie(v, 'popup')).toBe('nee');
  });

  // The page's own clock judges our click, so a starved CPU (the whole suite on 2 cores) can fail it once.
  it('waits until a sliding banner holds still before clicking (it drops clicks made while moving in)', { retry: 1 }, async () => {
    const html = page(`
<style>
  #cookie-slide { position:fixed; bottom:0; left:0; right:0; background:#eee; padding:16px; transform:translateY(100%); }
  #cookie-slide.in { transform:translateY(0); transition: transform 600ms linear; }
</style>
<div id="cookie-slide"><p>Wij gebruiken cookies.</p><button id="ja">Akkoord</button> <button id="nee">Weigeren</button></div>
<script>
  const bar = document.getElementById('cookie-slide');
  let shownAt = Infinity;
  setTimeout(() => { bar.classList.add('in'); shownAt = performance.now(); }, 300);
  for (const id of ['ja', 'nee']) document.getElementById(id).onclick = () => {
    if (performance.now() - shownAt < 750) { window.dropped = (window.dropped || 0) + 1; return; }
    document.cookie = 'slide=' + id + '; path=/'; bar.remove();
  };
</script>`);
    const v = await visit({ [`${SITE}/`]: html }, 'reject', { useAutoconsent: false });
    expect(v.obs).toMatchObject({ bannerFound: true, success: true });
    expect(v.obs.clicks.map((c) => c.text)).toEqual(['Weigeren']);
    expect(await v.page.evaluate(() => (window as unknown as { dropped?: number }).dropped)).toBeUndefined();
    expect(await cookie(v, 'slide')).toBe('nee');
  });

  it('reports failure when the banner ignores the click, within its time budget', async () => {
    const html = page(`
<div class="cookiebanner" style="position:fixed;bottom:0;left:0;right:0;background:#eee;padding:16px">
  <p>Deze website gebruikt cookies.</p><button>Accepteren</button> <button>Weigeren</button>
</div>`);
    const v = await visit({ [`${SITE}/`]: html }, 'accept', { useAutoconsent: false });
    expect(v.obs).toMatchObject({ bannerFound: true, success: false, consentStored: false });
    expect(v.obs.clicks.map((c) => c.text)).toEqual(['Accepteren']);
    expect(v.obs.error).toMatch(/still visible/);
    expect(v.elapsedMs).toBeLessThan(8000);
  });

  // Stores the choice server-side style: the button reloads the page; "Weigeren" here forgets to store it.
  const RELOADING = page(`
<script>
  if (!document.cookie.includes('herladen=')) {
    document.write('<div id="cookie-reload" style="position:fixed;bottom:0;left:0;right:0;background:#eee;padding:16px">' +
      '<p>Wij gebruiken cookies.</p><button id="ja">Akkoord</button> <button id="nee">Weigeren</button></div>');
    document.getElementById('ja').onclick = () => { document.cookie = 'herladen=ja; path=/'; location.reload(); };
    document.getElementById('nee').onclick = () => { location.reload(); };
  }
</script>`);

  it('follows a banner that reloads the page: gone after reload means answered', async () => {
    const v = await visit({ [`${SITE}/`]: RELOADING }, 'accept', { useAutoconsent: false });
    expect(v.obs).toMatchObject({ bannerFound: true, success: true, consentStored: true });
    expect(v.obs.clicks.map((c) => c.text)).toEqual(['Akkoord']);
  });

  it('does not call it answered when the banner is back after the reload', async () => {
    const v = await visit({ [`${SITE}/`]: RELOADING }, 'reject', { useAutoconsent: false });
    expect(v.obs).toMatchObject({ bannerFound: true, success: false, consentStored: false });
    expect(v.obs.clicks.map((c) => c.text)).toEqual(['Weigeren']);
    expect(v.obs.error).toMatch(/still visible/);
  });

  it('finds no banner on a page without one, and clicks nothing', async () => {
    const html = page(`
<p>Op deze pagina leest u hoe wij met cookies en uw privacy omgaan.</p>
<form action="/zoeken"><input name="q"><button>Zoeken</button></form>
<div role="dialog" style="position:fixed;top:0;right:0;background:#fff;padding:8px">
  <p>Schrijf u in voor onze nieuwsbrief</p><button>Akkoord</button>
</div>`);
    const detect = await visit({ [`${SITE}/`]: html }, 'detect', { waitMs: 1500 });
    expect(detect.obs).toEqual({ action: 'none', bannerFound: false, secondLayer: false, clicks: [], success: false });
    expect(detect.elapsedMs).toBeLessThan(4000);
    const answer = await visit({ [`${SITE}/`]: html }, 'reject', { waitMs: 1500 });
    expect(answer.obs).toEqual({ action: 'reject', bannerFound: false, secondLayer: false, clicks: [], success: false });
  });
});

describe('known CMPs (autoconsent rules)', () => {
  // These tests are about autoconsent's answer, so autoconsent gets ample time to win the race
  // against our heuristic even on a starved CPU (it wins as soon as it reports, so this costs nothing).
  const AC = { timings: { autoconsentGraceMs: 6000 } };
  // The DOM autoconsent's "cookieconsent3" rule (orestbida's vanilla-cookieconsent v3) expects.
  const CC3 = page(`
<div id="cc-main">
  <div class="cm-wrapper" style="position:fixed;bottom:16px;left:16px;width:420px;background:#fff;border:1px solid #333;padding:12px">
    <div class="cm" role="dialog" aria-modal="true">
      <p class="cm__desc">Wij gebruiken cookies om te zien hoe de site wordt gebruikt.</p>
      <button class="cm__btn" data-role="all">Alles accepteren</button>
      <button class="cm__btn" data-role="necessary">Alleen noodzakelijke cookies</button>
      <button class="cm__btn" data-role="show">Voorkeuren beheren</button>
    </div>
  </div>
</div>
<script>
  const answer = (cats) => {
    document.cookie = 'cc_cookie=' + encodeURIComponent(JSON.stringify({ categories: cats })) + '; path=/';
    document.querySelector('#cc-main .cm-wrapper').remove();
  };
  document.querySelector('[data-role=all]').onclick = () => answer(['necessary', 'analytics']);
  document.querySelector('[data-role=necessary]').onclick = () => answer(['necessary']);
</script>`);

  it('accepts through autoconsent and records the button autoconsent clicked', async () => {
    const v = await visit({ [`${SITE}/`]: CC3 }, 'accept', AC);
    expect(v.obs).toMatchObject({ bannerFound: true, engine: 'autoconsent', cmp: 'cookieconsent3', success: true, consentStored: true, rejectOnFirstLayer: true });
    expect(v.obs.error).toBeUndefined();
    expect(v.obs.clicks).toEqual([{ text: 'Alles accepteren', frameUrl: `${SITE}/`, layer: 1, role: 'accept' }]);
    expect(decodeURIComponent((await cookie(v, 'cc_cookie')) ?? '')).toContain('analytics');
  });

  it('rejects through autoconsent, confirmed by its self-test', async () => {
    const v = await visit({ [`${SITE}/`]: CC3 }, 'reject', AC);
    expect(v.obs).toMatchObject({ bannerFound: true, engine: 'autoconsent', cmp: 'cookieconsent3', success: true, secondLayer: false });
    expect(v.obs.clicks).toEqual([{ text: 'Alleen noodzakelijke cookies', frameUrl: `${SITE}/`, layer: 1, role: 'reject' }]);
    expect(decodeURIComponent((await cookie(v, 'cc_cookie')) ?? '')).not.toContain('analytics');
  });

  it('leaves the pages after the banner alone once finished: no autoconsent, no banner watcher', async () => {
    const v = await visit({ [`${SITE}/`]: CC3, [`${SITE}/afval`]: CC3 }, 'reject', AC);
    expect(v.obs).toMatchObject({ engine: 'autoconsent', success: true });
    const present = () =>
      v.page.evaluate((key) => {
        const w = window as unknown as Record<string, unknown>;
        return { autoconsent: typeof w.autoconsentReceiveMessage === 'function', watcher: w[key] !== undefined };
      }, PAGE_KEY);
    expect(await present()).toEqual({ autoconsent: true, watcher: true });
    await v.engine.finish();
    await v.page.goto(`${SITE}/afval`);
    expect(await present()).toEqual({ autoconsent: false, watcher: false });
  });

  it('detects the CMP by name in the pre phase without clicking', async () => {
    const v = await visit({ [`${SITE}/`]: CC3 }, 'detect', { ...AC, waitMs: 8000 });
    expect(v.obs).toMatchObject({ action: 'none', bannerFound: true, engine: 'autoconsent', cmp: 'cookieconsent3', clicks: [], success: false });
    expect(await v.page.locator('#cc-main .cm-wrapper').isVisible()).toBe(true);
  });

  it("runs no code a page sends through autoconsent's binding", async () => {
    const html = page(`
<script>
  window.autoconsentSendMessage({ type: 'eval', id: 'x', code: '(() => { window.pwned = true; return true; })()' });
</script>`);
    const v = await visit({ [`${SITE}/`]: html }, 'detect', { waitMs: 1000 });
    expect(v.obs.bannerFound).toBe(false);
    expect(await v.page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
  });

  it('does not count a rule that only hides the banner as an answer', async () => {
    // Osano's rule hides the dialog when it finds no deny or close button: no click, so no success.
    const html = page(`
<div class="osano-cm-window">
  <div class="osano-cm-dialog" style="position:fixed;bottom:0;left:0;right:0;background:#fff;padding:12px">
    <p>Deze website gebruikt cookies voor statistieken.</p>
    <button class="osano-cm-accept-all">Accepteren</button>
  </div>
</div>
<script>window.Osano = { cm: { dialogOpen: true } };</script>`);
    const v = await visit({ [`${SITE}/`]: html }, 'reject', AC);
    expect(v.obs).toMatchObject({ bannerFound: true, cmp: 'osano', success: false, clicks: [] });
    expect(v.obs.error).toMatch(/without clicking anything/);
  });

  // Klaro as autoconsent's built-in Klaro rule sees it. The rule first tries Klaro's JavaScript API;
  // the engine refuses that, so the rule has to click "decline" like a person.
  const KLARO = page(`
<div class="klaro">
  <div class="cookie-notice" style="position:fixed;bottom:0;right:0;width:380px;background:#fff;border:1px solid #000;padding:12px">
    <p>Wij vragen uw toestemming voor YouTube-video's en statistieken.</p>
    <button class="cm-btn cn-decline">Ik weiger</button>
    <button class="cm-btn cm-btn-success cm-btn-accept-all">Alles accepteren</button>
  </div>
</div>
<script>
  window.klaroConfig = { services: [{ name: 'matomo', required: true }, { name: 'youtube' }] };
  const manager = {
    config: window.klaroConfig,
    consents: { matomo: true, youtube: true },
    changeAll(v) { window.klaroApiUsed = true; this.consents.youtube = v; },
    saveAndApplyConsents() { window.klaroApiUsed = true; },
  };
  window.klaro = { show() {}, getManager() { return manager; } };
  const notice = document.querySelector('.klaro .cookie-notice');
  document.querySelector('.cn-decline').onclick = () => { manager.consents.youtube = false; document.cookie = 'klaro={"youtube":false}; path=/'; notice.remove(); };
  document.querySelector('.cm-btn-accept-all').onclick = () => { document.cookie = 'klaro={"youtube":true}; path=/'; notice.remove(); };
</script>`);

  it('makes autoconsent click instead of answering through the CMP API', async () => {
    const v = await visit({ [`${SITE}/`]: KLARO }, 'reject', AC);
    expect(v.obs).toMatchObject({ bannerFound: true, engine: 'autoconsent', cmp: 'Klaro', success: true, consentStored: true });
    expect(v.obs.clicks).toEqual([{ text: 'Ik weiger', frameUrl: `${SITE}/`, layer: 1, role: 'reject' }]);
    expect(await v.page.evaluate(() => (window as unknown as { klaroApiUsed?: boolean }).klaroApiUsed)).toBeUndefined();
  });
});
