// The consent engine: finds the banner on a page and answers it like a person would. Autoconsent's
// rules first (they know the real CMPs), our own text heuristic for home-made banners. A banner only
// counts as answered when something was clicked and the banner is verifiably gone (or autoconsent's
// self-test confirms the choice); hiding a banner is never an answer.
import type { BrowserContext, Disposable, Frame, Page } from 'playwright';
import type { ConsentAction, ConsentClick, ConsentObservation } from '../observe/types.js';
import { sleep, withTimeout } from '../util/time.js';
import { AutoconsentBridge, popupSelectors, type AutoconsentMessage } from './autoconsent.js';
import {
  Aborted,
  answerBanner,
  callApi,
  confirmGone,
  DEFAULT_TIMINGS,
  isConsentBanner,
  messageOf,
  Run,
  scanPage,
  waitStable,
  type FrameBanner,
  type Timings,
} from './heuristic.js';
import { consentPageScript, type RecordedClick } from './inpage.js';
import { consentStored, snapshotStorage, type StorageSnapshot } from './stored.js';
import { classifyLabel } from './vocabulary.js';

export type { Timings as ConsentTimings } from './heuristic.js';
export { classifyLabel, normaliseLabel, VOCABULARY } from './vocabulary.js';

export interface ConsentWaitOptions {
  /** How long to wait for a banner to appear (it may come late). */
  waitMs: number;
  /** Epoch ms when the page's navigation started: bannerAppearedMs counts from here. */
  navigationStart: number;
}

export interface ConsentEngine {
  /** Waits up to waitMs for a banner (it may appear late, e.g. after 2 s) without clicking anything. */
  detect(page: Page, opts: ConsentWaitOptions): Promise<ConsentObservation>;
  /** Waits up to waitMs for a banner, then clicks accept-all / reject-all like a person and confirms. */
  answer(page: Page, action: ConsentAction, opts: ConsentWaitOptions): Promise<ConsentObservation>;
  /**
   * The banner has been dealt with: documents loaded from now on get neither autoconsent nor our
   * banner watcher (on later pages they only cost CPU: nothing is looked for there).
   */
  finish(): Promise<void>;
}

export interface ConsentEngineOptions {
  /** Use @duckduckgo/autoconsent's CMP rules before our heuristic (default true). */
  useAutoconsent?: boolean;
  /** Shorter waits for tests; the defaults are what a real scan needs. */
  timings?: Partial<Timings>;
}

/** Must be called on a fresh context BEFORE its first page navigates (installs init scripts / bindings). */
export async function attachConsentEngine(
  context: BrowserContext,
  mode: ConsentAction | 'detect',
  opts: ConsentEngineOptions = {},
): Promise<ConsentEngine> {
  const timings: Timings = { ...DEFAULT_TIMINGS, ...opts.timings };
  const scripts: Disposable[] = [await context.addInitScript({ content: consentPageScript() })];
  let bridge: AutoconsentBridge | undefined;
  let setupError: string | undefined;
  if (opts.useAutoconsent ?? true) {
    try {
      bridge = new AutoconsentBridge();
      scripts.push(await bridge.install(context));
    } catch (err) {
      // The heuristic still works; the observation says autoconsent was missing.
      bridge = undefined;
      setupError = `autoconsent unavailable: ${messageOf(err)}`;
    }
  }
  return new Engine(mode, timings, bridge, setupError, scripts);
}

interface Found {
  autoconsent?: AutoconsentMessage;
  /** Our scan's view of the banner (for autoconsent banners: the same frame's best banner, if any). */
  heuristic?: FrameBanner;
  /** Node clock when the banner was first seen. */
  seenAt: number;
}

const emptyObservation = (action: ConsentAction | 'none'): ConsentObservation => ({
  action,
  bannerFound: false,
  secondLayer: false,
  clicks: [],
  success: false,
});

class Engine implements ConsentEngine {
  constructor(
    /** What the context was attached for; both methods work in every mode. */
    readonly mode: ConsentAction | 'detect',
    private readonly t: Timings,
    private readonly bridge: AutoconsentBridge | undefined,
    private readonly setupError: string | undefined,
    private readonly scripts: Disposable[] = [],
  ) {}

  async finish(): Promise<void> {
    this.bridge?.disarm();
    const scripts = this.scripts.splice(0);
    await Promise.all(scripts.map((s) => withTimeout(s.dispose(), 2000)));
  }

  async detect(page: Page, opts: ConsentWaitOptions): Promise<ConsentObservation> {
    const obs = emptyObservation('none');
    const run = new Run(Date.now() + Math.max(0, opts.waitMs) + 4000);
    return this.guard(obs, run, async () => {
      const found = await this.waitForBanner(page, run, opts);
      if (found) this.describe(found, obs, opts);
    });
  }

  async answer(page: Page, action: ConsentAction, opts: ConsentWaitOptions): Promise<ConsentObservation> {
    const obs = emptyObservation(action);
    const run = new Run(Date.now() + Math.max(0, opts.waitMs) + this.t.actionBudgetMs + 2000);
    return this.guard(obs, run, async () => {
      const found = await this.waitForBanner(page, run, opts);
      if (!found) return;
      this.describe(found, obs, opts);
      run.deadline = Math.min(run.deadline, Date.now() + this.t.actionBudgetMs);
      let snapshot: StorageSnapshot | undefined;
      if (found.autoconsent && this.bridge) {
        const result = await this.autoconsentAnswer(page, found.autoconsent, found.heuristic, action, obs, run);
        snapshot = result.snapshot;
        if (!result.ok && run.left() > 2000) await this.fallBack(page, action, obs, run);
      } else if (found.heuristic) {
        snapshot = await snapshotStorage(page);
        await answerBanner(page, found.heuristic, action, obs, run, this.t);
      }
      if (obs.clicks.length > 0) {
        const stored = await withTimeout(consentStored(page, snapshot, Math.min(1000, run.left())), Math.max(0, run.left()) + 3000);
        if (stored !== undefined) obs.consentStored = stored;
      }
    });
  }

  /** Never throws, never outlives its deadline: a hostile page must not crash or stall the scan. */
  private async guard(obs: ConsentObservation, run: Run, work: () => Promise<void>): Promise<ConsentObservation> {
    const done = await withTimeout(
      work().then(
        () => true,
        (err: unknown) => {
          const msg = err instanceof Aborted ? err.message : messageOf(err);
          obs.error = obs.error ? `${obs.error}; ${msg}` : msg;
          return true;
        },
      ),
      Math.max(0, run.left()) + 1000,
    );
    // Stop whatever is still running: no click may happen after we returned.
    run.aborted = true;
    const out: ConsentObservation = { ...obs, clicks: obs.clicks.map((c) => ({ ...c })) };
    if (!done) out.error = out.error ? `${out.error}; consent handling ran out of time` : 'consent handling ran out of time';
    if (this.setupError && !out.error) out.error = this.setupError;
    if (out.error === undefined) delete out.error;
    return out;
  }

  /**
   * Polls autoconsent's messages and our own scan. Autoconsent wins when it recognises the banner:
   * after our scan sees one, it still gets a short grace period (longer once it detected a CMP and
   * is only waiting for the popup to show).
   */
  private async waitForBanner(page: Page, run: Run, opts: ConsentWaitOptions): Promise<Found | undefined> {
    const until = Math.min(Date.now() + Math.max(0, opts.waitMs), run.deadline);
    const since = opts.navigationStart;
    let heuristic: FrameBanner | undefined;
    let heuristicAt = Infinity;
    let lastScan = 0;
    const popup = () => this.bridge?.received(page, since, 'popupFound').at(-1);
    const withPopup = async (p: AutoconsentMessage): Promise<Found> => {
      const banners = await scanPage(page);
      const same = banners.find((fb) => fb.frame === p.frame && isConsentBanner(fb.banner));
      return { autoconsent: p, ...(same ? { heuristic: same } : {}), seenAt: p.at };
    };
    for (;;) {
      run.check();
      const p = popup();
      if (p) return withPopup(p);
      const now = Date.now();
      if (now - lastScan >= 500) {
        lastScan = now;
        heuristic = (await scanPage(page)).find((fb) => isConsentBanner(fb.banner));
        if (heuristic && heuristicAt === Infinity) heuristicAt = Math.min(Date.now(), heuristic.firstSeen ?? Infinity);
        continue;
      }
      if (heuristic) {
        let graceUntil = heuristicAt + this.t.autoconsentGraceMs;
        const detected = this.bridge?.received(page, since, 'cmpDetected')[0];
        if (detected) graceUntil = Math.max(graceUntil, detected.at + this.t.autoconsentPopupMs);
        if (!this.bridge || now >= graceUntil || now >= until) {
          const late = popup();
          return late ? withPopup(late) : { heuristic, seenAt: heuristicAt };
        }
      }
      if (now >= until) return undefined;
      await sleep(Math.min(this.t.pollMs, Math.max(0, until - now)));
    }
  }

  private describe(found: Found, obs: ConsentObservation, opts: ConsentWaitOptions): void {
    obs.bannerFound = true;
    let appeared = found.seenAt;
    if (found.autoconsent) {
      obs.engine = 'autoconsent';
      if (found.autoconsent.cmp) obs.cmp = found.autoconsent.cmp;
    } else {
      obs.engine = 'heuristic';
      obs.cmp = 'heuristic';
    }
    // The in-page watcher saw it without waiting for anyone to look: usually the earlier moment.
    const early = found.heuristic?.firstSeen;
    if (typeof early === 'number' && early >= opts.navigationStart) appeared = Math.min(appeared, early);
    obs.bannerAppearedMs = Math.max(0, Math.round(appeared - opts.navigationStart));
    if (found.heuristic) obs.rejectOnFirstLayer = found.heuristic.banner.buttons.some((b) => b.role === 'reject');
  }

  /** Asks autoconsent to opt in or out in the banner's frame, records its clicks and checks the result. */
  private async autoconsentAnswer(
    page: Page,
    popup: AutoconsentMessage,
    heuristic: FrameBanner | undefined,
    action: ConsentAction,
    obs: ConsentObservation,
    run: Run,
  ): Promise<{ ok: boolean; snapshot: StorageSnapshot | undefined }> {
    const bridge = this.bridge!;
    const frame = popup.frame;
    const cmp = popup.cmp ?? 'unknown rule';
    const kind = action === 'accept' ? 'optIn' : 'optOut';
    let snapshot: StorageSnapshot | undefined;
    const fail = (msg: string) => {
      obs.error = msg;
      return { ok: false, snapshot };
    };

    // Declarative rules name the popup's selectors: a second way to see it go, besides our scan.
    const selectors = popupSelectors(cmp);
    const shownBefore = selectors.length ? ((await callApi(frame, 'visibleSelectors', [selectors])) ?? []) : [];
    const watched = selectors.filter((_, i) => shownBefore[i]);

    // Some CMPs ignore a click made the instant their buttons appear.
    await sleep(Math.max(0, Math.min(popup.at + this.t.settleMs - Date.now(), run.left())));
    if (heuristic) await waitStable(heuristic.frame, heuristic.banner.id, run, this.t);

    snapshot = await snapshotStorage(page);
    await Promise.all(page.frames().slice(0, 40).map((f) => callApi(f, 'armClicks', [], 1000)));
    run.check();
    const sentAt = Date.now();
    if (!(await bridge.send(frame, { type: kind }))) return fail(`autoconsent (${cmp}) could not be reached in the banner's frame`);
    const result = await this.waitMessage(page, `${kind}Result`, frame, sentAt, this.t.autoconsentActionMs, run);
    const recorded = await this.takeClicks(page);
    obs.clicks.push(...this.toClicks(recorded, action));
    this.fillLayers(obs, action);

    if (!result) return fail(`autoconsent (${cmp}) gave no ${kind} result within ${this.t.autoconsentActionMs} ms`);
    if (!result.result) {
      const refused = bridge.refusedEvals(page);
      const why = refused.length ? ` (refused answering through the CMP's script API: ${refused.join(', ')})` : '';
      return fail(`autoconsent rule "${cmp}" could not ${kind} by clicking${why}`);
    }
    if (recorded.length === 0) {
      // The rule "succeeded" without a single click: it hid the banner or used an API we let through.
      return fail(`autoconsent rule "${cmp}" reported ${kind} success without clicking anything`);
    }

    let selfTest: boolean | undefined;
    if (result.scheduleSelfTest) {
      const testAt = Date.now();
      if (await bridge.send(frame, { type: 'selfTest' })) {
        selfTest = (await this.waitMessage(page, 'selfTestResult', frame, testAt, this.t.selfTestMs, run))?.result;
      }
      if (selfTest === false) return fail(`autoconsent's self-test for "${cmp}" failed after ${kind}`);
    }
    if (selfTest === true) {
      obs.success = true;
      return { ok: true, snapshot };
    }

    let gone: boolean | undefined;
    if (heuristic) gone = await confirmGone(heuristic, run, this.t);
    else if (watched.length) gone = await this.selectorsGone(frame, watched, run);
    if (gone === true) {
      obs.success = true;
      return { ok: true, snapshot };
    }
    return fail(
      gone === false
        ? `the banner was still visible after autoconsent's ${kind} (${cmp})`
        : `autoconsent's ${kind} (${cmp}) could not be verified: no self-test and no visible banner to watch`,
    );
  }

  /** After a failed autoconsent attempt, our heuristic gets the banner if it is still there. */
  private async fallBack(page: Page, action: ConsentAction, obs: ConsentObservation, run: Run): Promise<void> {
    // Autoconsent may have left its settings layer open (only switches and "Opslaan"): that counts too.
    const fb = (await scanPage(page)).find((b) => b.banner.buttons.length > 0);
    if (!fb) return;
    const before = obs.error;
    const clicksBefore = obs.clicks.length;
    const inSettings = obs.clicks.some((c) => c.role === 'settings');
    const rejectOnFirstLayer = obs.rejectOnFirstLayer;
    delete obs.error;
    await answerBanner(page, fb, action, obs, run, this.t);
    if (obs.clicks.length > clicksBefore) obs.engine = 'heuristic';
    if (inSettings) {
      // What our heuristic calls its first layer is the layer autoconsent opened.
      for (const c of obs.clicks.slice(clicksBefore)) c.layer = 2;
      obs.secondLayer = action === 'reject';
      if (rejectOnFirstLayer !== undefined) obs.rejectOnFirstLayer = rejectOnFirstLayer;
      else delete obs.rejectOnFirstLayer;
    }
    if (!obs.success) obs.error = [before, obs.error && `heuristic: ${obs.error}`].filter(Boolean).join('; ');
  }

  private async waitMessage(page: Page, type: string, frame: Frame, since: number, ms: number, run: Run): Promise<AutoconsentMessage | undefined> {
    const until = Math.min(Date.now() + ms, run.deadline);
    for (;;) {
      const m = this.bridge?.received(page, since, type).find((x) => x.frame === frame);
      if (m) return m;
      if (Date.now() >= until || frame.isDetached()) return undefined;
      await sleep(100);
    }
  }

  private async selectorsGone(frame: Frame, selectors: string[], run: Run): Promise<boolean> {
    const until = Math.min(Date.now() + this.t.confirmMs, run.deadline);
    for (;;) {
      if (frame.isDetached()) return true;
      const shown = await callApi(frame, 'visibleSelectors', [selectors]);
      if (shown && !shown.some(Boolean)) return true;
      if (Date.now() >= until) return false;
      await sleep(200);
    }
  }

  private async takeClicks(page: Page): Promise<Array<RecordedClick & { frameUrl: string }>> {
    const lists = await Promise.all(
      page.frames().slice(0, 40).map(async (f) => ((await callApi(f, 'takeClicks', [], 1000)) ?? []).map((c) => ({ ...c, frameUrl: f.url() }))),
    );
    return lists.flat().sort((a, b) => a.time - b.time);
  }

  /** What autoconsent clicked, in order, with roles (see autoconsentClickRoles). */
  private toClicks(recorded: Array<RecordedClick & { frameUrl: string }>, action: ConsentAction): ConsentClick[] {
    const kind = action === 'accept' ? 'optIn' : 'optOut';
    const roles = autoconsentClickRoles(recorded, action);
    let layer: 1 | 2 = 1;
    return recorded.map((c, i) => {
      const role = roles[i]!;
      const click: ConsentClick = {
        text: (c.text || `autoconsent:${kind} (<${c.tag}> without text)`).slice(0, 200),
        frameUrl: c.frameUrl,
        layer,
        role,
      };
      if (role === 'settings') layer = 2;
      return click;
    });
  }

  private fillLayers(obs: ConsentObservation, action: ConsentAction): void {
    const firstSettings = obs.clicks.findIndex((c) => c.role === 'settings');
    obs.secondLayer = action === 'reject' && firstSettings >= 0 && firstSettings < obs.clicks.length - 1;
    if (obs.rejectOnFirstLayer === undefined && action === 'reject' && obs.clicks[0]) {
      if (obs.clicks[0].role === 'reject') obs.rejectOnFirstLayer = true;
      else if (obs.clicks[0].role === 'settings') obs.rejectOnFirstLayer = false;
    }
  }
}

/**
 * Roles of autoconsent's clicks. Labels our vocabulary knows keep their role; an unknown label is part
 * of the action. The last click of an opt-out is what made the refusal, whatever its label says
 * ("Voorkeuren bevestigen", "OK" after switching everything off): it counts as saving the refusal, so
 * a refusal the rule completed is never mistaken for an unanswered banner.
 */
export function autoconsentClickRoles(recorded: ReadonlyArray<{ toggle?: boolean; text: string }>, action: ConsentAction): ConsentClick['role'][] {
  const roles = recorded.map((c, i): ConsentClick['role'] => {
    const last = i === recorded.length - 1;
    if (c.toggle) return action === 'reject' ? 'toggle-off' : 'accept';
    const m = classifyLabel(c.text);
    if (m && m.role !== 'info') return m.role;
    if (m?.role === 'info' && !last) return 'settings';
    return action;
  });
  if (action === 'reject') {
    let i = roles.length - 1;
    while (i >= 0 && roles[i] === 'toggle-off') i--;
    if (i >= 0 && roles[i] !== 'reject' && roles[i] !== 'save') roles[i] = 'save';
  }
  return roles;
}
