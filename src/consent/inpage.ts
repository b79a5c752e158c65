// Code that runs inside every frame of a scanned page. `installConsentPage` is serialised with
// Function.prototype.toString and injected as an init script, so it must not reference anything
// outside its own body: everything it needs arrives through its two arguments.
import { COMPILED_VOCABULARY, labelTools, type ButtonRole, type CompiledVocabulary, type LabelTools } from './vocabulary.js';

/** Name of the (non-enumerable) window property that holds the in-page API. */
export const PAGE_KEY = '__cookiewatchConsent__';

export interface PageButton {
  id: number;
  text: string;
  role: Exclude<ButtonRole, 'info'>;
  phrase: string;
  exact: boolean;
  kind: 'button' | 'link' | 'input' | 'role';
}

export interface PageToggle {
  id: number;
  label: string;
  checked: boolean;
  disabled: boolean;
  visible: boolean;
}

export interface PageBanner {
  /** Registry id of the container element. */
  id: number;
  score: number;
  dialog: boolean;
  fixed: boolean;
  cookieish: boolean;
  /** No dialog/fixed/cookie-named ancestor: a block of text about cookies with consent buttons. */
  weak: boolean;
  /** The container is a subframe's whole document (a CMP served in an iframe). */
  frameDocument: boolean;
  text: string;
  buttons: PageButton[];
  toggles: PageToggle[];
  /** Roles and labels of the buttons: tells "the same banner again" from another one. */
  signature: string;
}

export interface PageScan {
  banners: PageBanner[];
  /** Epoch ms when this document first showed a banner (the page's own clock, sampled by a watcher). */
  firstSeen: number | null;
  url: string;
}

export interface RecordedClick {
  text: string;
  tag: string;
  toggle: boolean;
  trusted: boolean;
  time: number;
}

export interface ConsentPageApi {
  scan(): PageScan;
  visible(id: number): boolean;
  anyVisible(ids: number[]): boolean;
  /** The element's box, and whether it is fixed yet outside the viewport: parked before sliding in. */
  rect(id: number): [number, number, number, number, boolean] | null;
  get(id: number): Element | null;
  checked(id: number): boolean | null;
  toggleTarget(id: number): number | null;
  firstSeen(): number | null;
  armClicks(): void;
  takeClicks(): RecordedClick[];
  visibleSelectors(selectors: string[]): boolean[];
}

interface PageData {
  key: string;
  vocab: CompiledVocabulary;
  /** Stop watching for a first banner after this long: late banners are caught by the engine's own scans. */
  watchMs: number;
}

export function installConsentPage(data: PageData, makeTools: (v: CompiledVocabulary) => LabelTools): void {
  const w = window as unknown as Record<string, unknown>;
  if (w[data.key]) return;
  // Captured before any page script runs: a page that fakes Date.now must not fake our timings.
  const dateNow = Date.now.bind(Date);
  const tools = makeTools(data.vocab);
  const registry = new Map<number, Element>();
  let nextId = 1;
  const register = (el: Element): number => {
    const id = nextId++;
    registry.set(id, el);
    if (registry.size > 5000) {
      const oldest = registry.keys().next().value;
      if (oldest !== undefined) registry.delete(oldest);
    }
    return id;
  };

  const CLICKABLE = 'button, [role="button"], input[type="button"], input[type="submit"], a';
  const TOGGLE = 'input[type="checkbox"], [role="switch"], [role="checkbox"]';
  const NAME_RX = /cookie|consent|gdpr|privacy|toestemming|(^|[^a-z])cmp|(^|[^a-z])avg([^a-z]|$)/i;
  const TOPIC_RX =
    /cookie|consent|toestemming|privacy|tracking|gdpr|\bavg\b|gegevens|datenschutz|einwilligung|donn[ée]es|traceurs|confidentialit|personal data|analytic|analytisch/i;

  const clean = (s: string | null | undefined, max = 200): string =>
    (s ?? '').replace(/\s+/g, ' ').trim().slice(0, max);

  const attr = (el: Element, name: string): string => el.getAttribute(name) ?? '';

  const labelOf = (el: Element): string => {
    if (el instanceof HTMLInputElement) {
      if (el.type === 'checkbox' || el.type === 'radio') {
        const l = el.labels && el.labels[0];
        return clean((l && (l as HTMLElement).innerText) || attr(el, 'aria-label') || el.name || el.id);
      }
      return clean(el.value || attr(el, 'aria-label') || attr(el, 'title'));
    }
    const h = el as HTMLElement;
    const text = clean(typeof h.innerText === 'string' ? h.innerText : el.textContent);
    return text || clean(attr(el, 'aria-label') || attr(el, 'title'));
  };

  const isVisible = (el: Element): boolean => {
    if (!el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;
    const cv = (el as HTMLElement).checkVisibility;
    if (typeof cv === 'function' && !cv.call(el, { opacityProperty: true, visibilityProperty: true })) return false;
    if (r.right + window.scrollX <= 0 || r.bottom + window.scrollY <= 0) return false;
    const docWidth = Math.max(document.documentElement ? document.documentElement.scrollWidth : 0, window.innerWidth);
    if (r.left >= docWidth) return false;
    return true;
  };

  // Flat-tree parent: slots and shadow hosts count, so a banner inside a web component is one banner.
  const parentOf = (el: Element): Element | null => {
    if (el.assignedSlot) return el.assignedSlot;
    if (el.parentElement) return el.parentElement;
    const root = el.getRootNode();
    return root instanceof ShadowRoot ? root.host : null;
  };

  // Every element of the document and of open shadow roots, in document order.
  const allElements = (): Element[] => {
    const out: Element[] = [];
    const visit = (root: Document | ShadowRoot, depth: number) => {
      const list = root.querySelectorAll('*');
      for (let i = 0; i < list.length && out.length < 60000; i++) {
        const el = list[i] as Element;
        out.push(el);
        if (el.shadowRoot && depth < 8) visit(el.shadowRoot, depth + 1);
      }
    };
    visit(document, 0);
    return out;
  };

  const deepText = (el: Element, max: number): string => {
    let s = typeof (el as HTMLElement).innerText === 'string' ? (el as HTMLElement).innerText : (el.textContent ?? '');
    if (s.length < max) {
      const hosts = [el, ...Array.from(el.querySelectorAll('*'))].filter((e) => e.shadowRoot);
      for (const host of hosts.slice(0, 20)) {
        for (const child of Array.from(host.shadowRoot!.children)) {
          s += ' ' + (typeof (child as HTMLElement).innerText === 'string' ? (child as HTMLElement).innerText : '');
          if (s.length >= max) break;
        }
      }
    }
    return s.slice(0, max);
  };

  // Links that load another page (the privacy statement, say) are never consent buttons.
  const navigatesAway = (el: Element): boolean => {
    const a = el.closest('a[href]');
    if (!a) return false;
    const href = (a.getAttribute('href') ?? '').trim();
    if (href.startsWith('#') || /^javascript:/i.test(href)) return false;
    if (href === '') return true;
    try {
      const target = new URL(href, document.baseURI);
      const here = new URL(location.href);
      return !(href.includes('#') && target.origin === here.origin && target.pathname === here.pathname && target.search === here.search);
    } catch {
      return true;
    }
  };

  const kindOf = (el: Element): PageButton['kind'] =>
    el.tagName === 'BUTTON' ? 'button' : el.tagName === 'A' ? 'link' : el.tagName === 'INPUT' ? 'input' : 'role';

  interface Found {
    container: Element;
    dialog: boolean;
    fixed: boolean;
    cookieish: boolean;
    weak: boolean;
    frameDocument: boolean;
  }

  const containerFor = (button: Element): Found | null => {
    const chain: Element[] = [];
    for (let el = parentOf(button), depth = 0; el && depth < 40; el = parentOf(el), depth++) {
      if (el === document.body || el === document.documentElement) break;
      chain.push(el);
    }
    // Outermost qualifying ancestor (the overlay, not its button row), unless it is so big it must be the page.
    for (let i = chain.length - 1; i >= 0; i--) {
      const c = chain[i] as Element;
      const role = attr(c, 'role');
      const dialog =
        role === 'dialog' || role === 'alertdialog' || attr(c, 'aria-modal') === 'true' || (c.tagName === 'DIALOG' && c.hasAttribute('open'));
      const pos = getComputedStyle(c).position;
      const fixed = pos === 'fixed' || pos === 'sticky';
      const cookieish = NAME_RX.test(`${c.tagName} ${c.id} ${attr(c, 'class')}`);
      if (!(dialog || fixed || cookieish)) continue;
      if ((c.textContent ?? '').length > 6000 && deepText(c, 6001).length > 6000) continue;
      return { container: c, dialog, fixed, cookieish, weak: false, frameDocument: false };
    }
    if (window.top !== window && document.body) {
      // A CMP in an iframe: the frame's document is the banner.
      const text = deepText(document.body, 4001);
      if (text.length <= 4000 && TOPIC_RX.test(text)) {
        return { container: document.body, dialog: false, fixed: false, cookieish: false, weak: false, frameDocument: true };
      }
    }
    // A plain block in the page flow: acceptable only when short and about cookies.
    for (const c of chain) {
      const text = deepText(c, 1501);
      if (text.length < 30) continue;
      if (text.length <= 1500 && TOPIC_RX.test(text)) {
        return { container: c, dialog: false, fixed: false, cookieish: false, weak: true, frameDocument: false };
      }
      break;
    }
    return null;
  };

  const isChecked = (el: Element): boolean | null => {
    if (el instanceof HTMLInputElement) return el.checked;
    const v = attr(el, 'aria-checked');
    return v === 'true' ? true : v === 'false' ? false : null;
  };
  const isDisabled = (el: Element): boolean =>
    (el instanceof HTMLInputElement && (el.disabled || el.readOnly)) ||
    attr(el, 'aria-disabled') === 'true' ||
    attr(el, 'aria-readonly') === 'true' ||
    el.closest('fieldset[disabled]') !== null;

  // What a person clicks to flip a switch: the input itself, or the label or track drawn over a hidden one.
  const clickTargetForToggle = (el: Element): Element | null => {
    if (isVisible(el)) return el;
    if (el instanceof HTMLInputElement && el.labels) {
      for (const l of Array.from(el.labels)) if (isVisible(l)) return l;
    }
    const label = el.closest('label');
    if (label && isVisible(label)) return label;
    let p = parentOf(el);
    for (let i = 0; p && i < 3; i++, p = parentOf(p)) {
      if (isVisible(p) && p.querySelectorAll(TOGGLE).length === 1) return p;
    }
    return null;
  };

  const findBanners = (keep: boolean): PageBanner[] => {
    if (!document.documentElement) return [];
    const groups = new Map<Element, { found: Found; buttons: PageButton[] }>();
    const topical = new Map<Element, boolean>();
    const elements = allElements();
    let considered = 0;
    for (const el of elements) {
      if (!el.matches(CLICKABLE)) continue;
      if ((el.textContent ?? '').length > 300) continue;
      if (++considered > 3000) break;
      const label = labelOf(el);
      let match = tools.classify(label);
      if (!match) {
        const aria = clean(attr(el, 'aria-label'));
        if (aria && aria !== label) match = tools.classify(aria);
      }
      if (!match || match.role === 'info') continue;
      if (el.tagName === 'A' || el.closest('a[href]')) {
        if (navigatesAway(el)) continue;
      }
      if (!isVisible(el)) continue;
      const found = containerFor(el);
      if (!found) continue;
      let onTopic = topical.get(found.container);
      if (onTopic === undefined) {
        onTopic = found.cookieish || TOPIC_RX.test(deepText(found.container, 6000));
        topical.set(found.container, onTopic);
      }
      if (!onTopic) continue;
      let group = groups.get(found.container);
      if (!group) {
        group = { found, buttons: [] };
        groups.set(found.container, group);
      }
      group.buttons.push({
        id: keep ? register(el) : 0,
        text: label.slice(0, 200),
        role: match.role,
        phrase: match.phrase,
        exact: match.exact,
        kind: kindOf(el),
      });
    }
    const banners: PageBanner[] = [];
    for (const [container, { found, buttons }] of groups) {
      const toggles: PageToggle[] = [];
      if (keep) {
        const inside: Element[] = [];
        const collect = (root: Element | ShadowRoot, depth: number) => {
          root.querySelectorAll(TOGGLE).forEach((t) => inside.push(t));
          if (depth < 4) root.querySelectorAll('*').forEach((e) => e.shadowRoot && collect(e.shadowRoot, depth + 1));
        };
        collect(container, 0);
        if (container.shadowRoot) collect(container.shadowRoot, 1);
        for (const t of inside.slice(0, 100)) {
          const checked = isChecked(t);
          if (checked === null) continue;
          toggles.push({
            id: register(t),
            label: labelOf(t),
            checked,
            disabled: isDisabled(t),
            visible: clickTargetForToggle(t) !== null,
          });
        }
      }
      const score =
        (found.dialog ? 3 : 0) +
        (found.fixed ? 3 : 0) +
        (found.cookieish ? 2 : 0) +
        (found.frameDocument ? 3 : 0) -
        (found.weak ? 3 : 0) +
        (buttons.some((b) => b.role === 'accept' || b.role === 'reject') ? 2 : 0);
      banners.push({
        id: keep ? register(container) : 0,
        score,
        dialog: found.dialog,
        fixed: found.fixed,
        cookieish: found.cookieish,
        weak: found.weak,
        frameDocument: found.frameDocument,
        text: clean(deepText(container, 400), 300),
        buttons,
        toggles,
        signature: buttons
          .map((b) => `${b.role}:${tools.normalise(b.text)}`)
          .sort()
          .join('|'),
      });
    }
    banners.sort((a, b) => b.score - a.score);
    return banners;
  };

  // Watch for the first banner so that the time it appeared is known even when the engine looks later.
  let firstSeen: number | null = null;
  const started = dateNow();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastCheck = 0;
  let observer: MutationObserver | null = null;
  const stopWatching = () => {
    if (observer) observer.disconnect();
    observer = null;
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const check = () => {
    timer = null;
    if (firstSeen !== null) return;
    if (dateNow() - started > data.watchMs) return stopWatching();
    lastCheck = dateNow();
    try {
      if (findBanners(false).some((b) => b.buttons.some((x) => x.role !== 'save'))) {
        firstSeen = dateNow();
        stopWatching();
      }
    } catch {
      // A page that breaks the DOM APIs only loses the early timestamp.
    }
  };
  const schedule = () => {
    if (timer || firstSeen !== null) return;
    // Throttled: a busy page must not pay for a DOM walk on every mutation.
    timer = setTimeout(check, Math.max(100, 300 - (dateNow() - lastCheck)));
  };
  const startWatching = () => {
    try {
      observer = new MutationObserver(schedule);
      observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['style', 'class', 'hidden', 'open'] });
    } catch {
      observer = null;
    }
    schedule();
    // Animations and late styles change visibility without DOM mutations.
    const tick = () => {
      if (firstSeen !== null || dateNow() - started > data.watchMs) return;
      schedule();
      setTimeout(tick, 1000);
    };
    setTimeout(tick, 1000);
  };
  if (document.documentElement) startWatching();
  else document.addEventListener('DOMContentLoaded', startWatching, { once: true });

  // Records the clicks autoconsent makes (element.click() dispatches real click events), so the
  // observation can say what was clicked instead of only that a rule ran.
  let armed = false;
  let recorded: RecordedClick[] = [];
  let lastClicked: Element | null = null;
  window.addEventListener(
    'click',
    (event) => {
      if (!armed || recorded.length >= 50) return;
      const path = event.composedPath().filter((n): n is Element => n instanceof Element);
      const target = path[0];
      if (!target) return;
      const el = path.find((n) => n.matches(`${CLICKABLE}, ${TOGGLE}, label`)) ?? target;
      // A click on a <label> is forwarded to its input as a second click: one click for a person.
      if (lastClicked instanceof HTMLLabelElement && lastClicked.control === el) return;
      lastClicked = el;
      const toggle = el.matches(TOGGLE) || (el instanceof HTMLLabelElement && !!el.control && el.control.matches(TOGGLE));
      recorded.push({ text: labelOf(el), tag: el.tagName.toLowerCase(), toggle, trusted: event.isTrusted, time: dateNow() });
    },
    true,
  );

  const api: ConsentPageApi = {
    scan: () => ({ banners: findBanners(true), firstSeen, url: location.href }),
    visible: (id) => {
      const el = registry.get(id);
      return !!el && isVisible(el);
    },
    anyVisible: (ids) =>
      ids.some((id) => {
        const el = registry.get(id);
        return !!el && isVisible(el);
      }),
    rect: (id) => {
      const el = registry.get(id);
      if (!el || !el.isConnected) return null;
      const r = el.getBoundingClientRect();
      let pinned = false;
      for (let a: Element | null = el; a && !pinned; a = parentOf(a)) {
        pinned = getComputedStyle(a).position === 'fixed';
      }
      const inView = r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth;
      return [r.x, r.y, r.width, r.height, pinned && !inView];
    },
    get: (id) => registry.get(id) ?? null,
    checked: (id) => {
      const el = registry.get(id);
      return el ? isChecked(el) : null;
    },
    toggleTarget: (id) => {
      const el = registry.get(id);
      const target = el ? clickTargetForToggle(el) : null;
      return target ? register(target) : null;
    },
    firstSeen: () => firstSeen,
    armClicks: () => {
      armed = true;
      recorded = [];
      lastClicked = null;
    },
    takeClicks: () => {
      armed = false;
      return recorded.slice();
    },
    visibleSelectors: (selectors) =>
      selectors.map((s) => {
        try {
          return Array.from(document.querySelectorAll(s)).some(isVisible);
        } catch {
          return false;
        }
      }),
  };
  Object.defineProperty(window, data.key, { value: Object.freeze(api), enumerable: false, configurable: false, writable: false });
}

/** The init script source: our in-page API with the vocabulary baked in. */
export function consentPageScript(watchMs = 30000): string {
  const data: PageData = { key: PAGE_KEY, vocab: COMPILED_VOCABULARY, watchMs };
  return `(${installConsentPage.toString()})(${JSON.stringify(data)}, ${labelTools.toString()});`;
}
