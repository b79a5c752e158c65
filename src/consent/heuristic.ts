// Our own banner handling for home-made banners: find them in every frame (the in-page scan does the
// DOM work), then click like a person: wait until the banner holds still, use a real mouse click,
// and only call it done when the banner is gone.
import type { Frame, Page } from 'playwright';
import type { ConsentAction, ConsentClick, ConsentObservation } from '../observe/types.js';
import { sleep, withTimeout } from '../util/time.js';
import { consentPageScript, PAGE_KEY, type ConsentPageApi, type PageBanner, type PageButton, type PageScan } from './inpage.js';

export interface FrameBanner {
  frame: Frame;
  banner: PageBanner;
  /** Epoch ms when the frame's watcher first saw a banner, if it did. */
  firstSeen: number | null;
  isMain: boolean;
}

export interface Timings {
  /** The banner's box must stay unchanged this long before we click. */
  settleMs: number;
  /** Give up waiting for a still banner after this long (and click anyway). */
  stableMaxMs: number;
  /** The banner must be gone within this long after the final click. */
  confirmMs: number;
  /** The settings layer must appear within this long after clicking "Instellingen". */
  layerMs: number;
  clickTimeoutMs: number;
  /** Everything after the banner was found (clicks, layers, confirmation) fits in this. */
  actionBudgetMs: number;
  /** After our heuristic saw a banner, how long autoconsent gets to recognise it first. */
  autoconsentGraceMs: number;
  /** After autoconsent detected a CMP, how long its popup check gets. */
  autoconsentPopupMs: number;
  /** How long an optIn/optOut by autoconsent may take. */
  autoconsentActionMs: number;
  selfTestMs: number;
  pollMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  settleMs: 300,
  stableMaxMs: 3000,
  confirmMs: 4000,
  layerMs: 4000,
  clickTimeoutMs: 3000,
  actionBudgetMs: 15000,
  autoconsentGraceMs: 2000,
  autoconsentPopupMs: 6000,
  autoconsentActionMs: 10000,
  selfTestMs: 3000,
  pollMs: 250,
};

export class Aborted extends Error {
  constructor() {
    super('consent handling ran out of time');
  }
}

/** Deadline and kill switch shared by one detect/answer call: nothing is clicked after it ends. */
export class Run {
  aborted = false;
  constructor(public deadline: number) {}
  left(): number {
    return this.deadline - Date.now();
  }
  check(): void {
    if (this.aborted || Date.now() >= this.deadline) throw new Aborted();
  }
}

const MAX_FRAMES = 40;
type Api = ConsentPageApi;

type Method = keyof Api;

/**
 * Calls one method of the in-page API in a frame, injecting the in-page code first if the init
 * script did not run there. Only fixed functions go to the page (no eval), so a strict CSP is no obstacle.
 */
export async function callApi<M extends Method>(
  frame: Frame,
  method: M,
  args: Parameters<Api[M]>,
  timeoutMs = 2000,
): Promise<ReturnType<Api[M]> | undefined> {
  if (frame.isDetached()) return undefined;
  const call = () =>
    frame.evaluate(
      ([key, m, a]) => {
        const api = (window as unknown as Record<string, Record<string, (...x: unknown[]) => unknown> | undefined>)[key];
        if (!api) return { missing: true as const, value: undefined };
        return { missing: false as const, value: api[m]!(...(a as unknown[])) };
      },
      [PAGE_KEY, method, args as unknown[]] as const,
    );
  let r = await withTimeout(call(), timeoutMs);
  if (r?.missing) {
    await withTimeout(frame.evaluate(consentPageScript()), timeoutMs);
    r = await withTimeout(call(), timeoutMs);
  }
  return r && !r.missing ? (r.value as ReturnType<Api[M]>) : undefined;
}

/** Our banner scan in every frame of the page; subframes count only when their iframe is visible. */
export async function scanPage(page: Page): Promise<FrameBanner[]> {
  const frames = page.frames().slice(0, MAX_FRAMES);
  const main = page.mainFrame();
  const results = await Promise.all(
    frames.map(async (frame) => {
      const scan = await callApi(frame, 'scan', [], 2500);
      if (!scan || scan.banners.length === 0) return [];
      if (frame !== main && !(await frameShown(frame))) return [];
      return scan.banners.map((banner) => ({ frame, banner, firstSeen: scan.firstSeen, isMain: frame === main }));
    }),
  );
  return results.flat().sort((a, b) => b.banner.score - a.banner.score || Number(b.isMain) - Number(a.isMain));
}

/** Scan of one frame only. */
export async function scanFrame(frame: Frame): Promise<PageScan | undefined> {
  return callApi(frame, 'scan', [], 2500);
}

async function frameShown(frame: Frame): Promise<boolean> {
  if (frame.isDetached()) return false;
  const handle = await withTimeout(frame.frameElement(), 1000);
  if (!handle) return false;
  try {
    const box = await withTimeout(handle.boundingBox(), 1000);
    return !!box && box.width >= 2 && box.height >= 2 && (await withTimeout(handle.isVisible(), 1000)) === true;
  } finally {
    await handle.dispose().catch(() => undefined);
  }
}

const hasRole = (b: PageBanner, role: PageButton['role']) => b.buttons.some((x) => x.role === role);

/** A banner is one when it offers a consent choice; a lone "Opslaan" is not a banner's first layer. */
export function isConsentBanner(b: PageBanner): boolean {
  return hasRole(b, 'accept') || hasRole(b, 'reject') || hasRole(b, 'settings');
}

/** The button of this role a person would pick: the whole label is the phrase, and the most specific one. */
export function pickButton(b: PageBanner, role: PageButton['role']): PageButton | undefined {
  const list = b.buttons.filter((x) => x.role === role);
  list.sort((x, y) => Number(y.exact) - Number(x.exact) || y.phrase.length - x.phrase.length);
  return list[0];
}

/**
 * Waits until the element's box is unchanged for settleMs (some CMPs drop a click made while they slide in).
 * A pinned banner parked outside the viewport has not slid in yet, however still it holds.
 */
export async function waitStable(frame: Frame, id: number, run: Run, t: Timings): Promise<void> {
  const until = Math.min(Date.now() + t.stableMaxMs, run.deadline);
  let last = '';
  let since = Date.now();
  while (Date.now() < until) {
    const rect = await callApi(frame, 'rect', [id], 1000);
    if (rect === undefined || rect === null) return;
    const key = rect.slice(0, 4).map((v) => Math.round(Number(v))).join(',');
    if (rect[4]) {
      last = '';
      since = Date.now();
    } else if (key !== last) {
      last = key;
      since = Date.now();
    } else if (Date.now() - since >= t.settleMs) {
      return;
    }
    await sleep(Math.min(100, Math.max(0, until - Date.now())));
  }
}

/** A real mouse click (Playwright scrolls it into view, waits until it is visible, still and enabled). */
export async function clickElement(frame: Frame, id: number, run: Run, t: Timings): Promise<void> {
  run.check();
  const handle = await withTimeout(
    frame.evaluateHandle(([key, i]) => {
      const api = (window as unknown as Record<string, Api | undefined>)[key];
      return api ? api.get(i) : null;
    }, [PAGE_KEY, id] as const),
    2000,
  );
  if (!handle) throw new Error('the button could not be reached');
  try {
    const el = handle.asElement();
    if (!el) throw new Error('the button is no longer in the page');
    await el.click({ timeout: Math.max(500, Math.min(t.clickTimeoutMs, run.left())) });
  } finally {
    await handle.dispose().catch(() => undefined);
  }
}

async function bannerShown(fb: FrameBanner): Promise<boolean> {
  if (fb.frame.isDetached()) return false;
  const ids = [fb.banner.id, ...fb.banner.buttons.map((b) => b.id)];
  const shown = await callApi(fb.frame, 'anyVisible', [ids], 1500);
  if (!shown) return false;
  return fb.isMain || (await frameShown(fb.frame));
}

/**
 * The banner is gone when neither it nor its buttons are visible and no banner with the same
 * buttons took its place (a re-rendered banner is still the same banner).
 */
export async function confirmGone(fb: FrameBanner, run: Run, t: Timings): Promise<boolean> {
  const until = Math.min(Date.now() + t.confirmMs, run.deadline);
  for (;;) {
    if (!(await bannerShown(fb))) {
      if (fb.frame.isDetached()) return true;
      // Unreadable (mid-navigation, say): no conclusion yet, the next document may show it again.
      const again = await scanFrame(fb.frame);
      if (again) {
        const same = again.banners.some((b) => b.signature === fb.banner.signature);
        // Inside an iframe the page cannot tell that its iframe was hidden: ask from outside.
        if (!same || (!fb.isMain && !(await frameShown(fb.frame)))) return true;
      }
    }
    if (Date.now() >= until) return false;
    await sleep(Math.min(200, Math.max(0, until - Date.now())));
  }
}

function clickOf(fb: FrameBanner, text: string, layer: 1 | 2, role: ConsentClick['role']): ConsentClick {
  // The text comes from the page's own context, whose built-ins a site can replace: keep only a string.
  const label = typeof text === 'string' ? text.slice(0, 200) : '';
  return { text: label || `(${role} button without text)`, frameUrl: fb.frame.url(), layer, role };
}

/** Clicks a button and records it (recorded only once the click went through). */
async function press(fb: FrameBanner, button: PageButton, layer: 1 | 2, role: ConsentClick['role'], obs: ConsentObservation, run: Run, t: Timings) {
  await clickElement(fb.frame, button.id, run, t);
  obs.clicks.push(clickOf(fb, button.text, layer, role));
}

/** Switches off every optional switch that is on; disabled ones (strictly necessary) are left alone. */
async function switchOff(fb: FrameBanner, layer: 1 | 2, obs: ConsentObservation, run: Run, t: Timings): Promise<string[]> {
  const problems: string[] = [];
  for (const toggle of fb.banner.toggles) {
    if (!toggle.checked || toggle.disabled) continue;
    const live = await callApi(fb.frame, 'checked', [toggle.id]);
    if (live !== true) continue;
    const target = await callApi(fb.frame, 'toggleTarget', [toggle.id]);
    const name = toggle.label || '(switch without label)';
    if (target === undefined || target === null) {
      problems.push(`switch "${name}" could not be reached`);
      continue;
    }
    try {
      await clickElement(fb.frame, target, run, t);
    } catch (err) {
      if (err instanceof Aborted) throw err;
      problems.push(`switch "${name}": ${messageOf(err)}`);
      continue;
    }
    obs.clicks.push(clickOf(fb, name, layer, 'toggle-off'));
    if ((await callApi(fb.frame, 'checked', [toggle.id])) === true) problems.push(`switch "${name}" stayed on`);
  }
  return problems;
}

/** Fresh ids for the same banner (after waiting, the page may have re-rendered it). */
async function refresh(fb: FrameBanner): Promise<FrameBanner> {
  const scan = await scanFrame(fb.frame);
  const same = scan?.banners.find((b) => b.signature === fb.banner.signature) ?? scan?.banners.find((b) => b.id === fb.banner.id);
  return same ? { ...fb, banner: same } : fb;
}

async function waitSecondLayer(page: Page, first: FrameBanner, run: Run, t: Timings): Promise<FrameBanner | undefined> {
  const until = Math.min(Date.now() + t.layerMs, run.deadline);
  for (;;) {
    const found = (await scanPage(page)).find(
      (fb) => (hasRole(fb.banner, 'save') || hasRole(fb.banner, 'reject')) && fb.banner.signature !== first.banner.signature,
    );
    if (found) return found;
    if (Date.now() >= until) return undefined;
    await sleep(Math.min(250, Math.max(0, until - Date.now())));
  }
}

/**
 * Answers a banner found by our scan. Fills clicks, rejectOnFirstLayer, secondLayer, success and
 * error of the observation; the caller handles timing, storage and the engine/cmp names.
 */
export async function answerBanner(
  page: Page,
  found: FrameBanner,
  action: ConsentAction,
  obs: ConsentObservation,
  run: Run,
  t: Timings,
): Promise<void> {
  await waitStable(found.frame, found.banner.id, run, t);
  const first = await refresh(found);
  const b = first.banner;
  obs.rejectOnFirstLayer = hasRole(b, 'reject');

  if (action === 'accept') {
    const accept = pickButton(b, 'accept');
    if (!accept) {
      obs.error = 'the banner has no accept button';
      return;
    }
    await press(first, accept, 1, 'accept', obs, run, t);
    obs.success = await confirmGone(first, run, t);
    if (!obs.success) obs.error = 'the banner was still visible after clicking accept';
    return;
  }

  const reject = pickButton(b, 'reject');
  if (reject) {
    await press(first, reject, 1, 'reject', obs, run, t);
    obs.success = await confirmGone(first, run, t);
    if (!obs.success) obs.error = 'the banner was still visible after clicking reject';
    return;
  }

  // Switches and a save button on the first layer itself: switching them off is the refusal.
  const saveHere = pickButton(b, 'save');
  if (saveHere && b.toggles.some((x) => x.checked && !x.disabled && x.visible)) {
    const problems = await switchOff(first, 1, obs, run, t);
    await press(first, saveHere, 1, 'save', obs, run, t);
    const gone = await confirmGone(first, run, t);
    // A switch left on is consent we did not withdraw: saved like that, it is no full refusal.
    obs.success = gone && problems.length === 0;
    if (!gone) problems.push('the banner was still visible after saving');
    if (problems.length) obs.error = problems.join('; ');
    return;
  }

  const settings = pickButton(b, 'settings');
  if (!settings) {
    obs.error = 'no reject option and no settings button on the first layer';
    return;
  }
  await press(first, settings, 1, 'settings', obs, run, t);
  obs.secondLayer = true;
  const layer = await waitSecondLayer(page, first, run, t);
  if (!layer) {
    obs.error = 'the settings layer did not appear';
    return;
  }
  await waitStable(layer.frame, layer.banner.id, run, t);
  const second = await refresh(layer);
  const problems = await switchOff(second, 2, obs, run, t);
  const final = pickButton(second.banner, 'reject') ?? pickButton(second.banner, 'save');
  if (!final) {
    obs.error = [...problems, 'the settings layer has no save or reject button'].join('; ');
    return;
  }
  await press(second, final, 2, final.role, obs, run, t);
  const secondGone = await confirmGone(second, run, t);
  const firstGone = secondGone && (first.banner.signature === second.banner.signature || !(await bannerShown(first)));
  // "Reject all" overrides the switches; saving them only refuses what was actually switched off.
  obs.success = secondGone && firstGone && (final.role === 'reject' || problems.length === 0);
  if (!(secondGone && firstGone)) problems.push('the banner was still visible after saving the settings');
  if (problems.length) obs.error = problems.join('; ');
}

export function messageOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split('\n')[0] ?? msg).trim().slice(0, 500);
}
