// The bridge between @duckduckgo/autoconsent (its Playwright bundle, injected into every frame) and
// the engine. Autoconsent only detects by itself: we never give it an autoAction, so nothing is
// clicked until the engine asks, and we answer its messages (init, eval) ourselves.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BrowserContext, Disposable, Frame, Page } from 'playwright';
import { withTimeout } from '../util/time.js';

export interface AutoconsentMessage {
  type: string;
  cmp?: string;
  url?: string;
  result?: boolean;
  scheduleSelfTest?: boolean;
  isCosmetic?: boolean;
  totalClicks?: number;
  details?: unknown;
  frame: Frame;
  /** Node's clock when the message arrived. */
  at: number;
}

interface RuleStep {
  visible?: string | string[];
  negated?: boolean;
  [key: string]: unknown;
}

interface Rule {
  name: string;
  cosmetic?: boolean;
  runContext?: { main?: boolean; frame?: boolean; urlPattern?: string };
  detectPopup?: RuleStep[];
  minimumRuleStepVersion?: number;
  [key: string]: unknown;
}

interface Loaded {
  bundle: string;
  rules: Rule[];
  patterns: Map<Rule, RegExp | null>;
  byName: Map<string, Rule>;
}

let loaded: Loaded | undefined;

/** The Playwright bundle and the full rule list (the compact rules leave out opt-in steps). */
export function loadAutoconsent(): Loaded {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@duckduckgo/autoconsent'));
  const bundle = readFileSync(join(dist, 'autoconsent.playwright.js'), 'utf8');
  const full = JSON.parse(readFileSync(require.resolve('@duckduckgo/autoconsent/rules/rules.json'), 'utf8')) as {
    autoconsent: Rule[];
  };
  // Cosmetic rules hide a banner instead of answering it; hiding is not consent.
  const rules = full.autoconsent.filter((r) => !r.cosmetic);
  const patterns = new Map<Rule, RegExp | null>();
  for (const r of rules) {
    const p = r.runContext?.urlPattern;
    if (!p) continue;
    try {
      patterns.set(r, new RegExp(p));
    } catch {
      patterns.set(r, null);
    }
  }
  loaded = { bundle, rules, patterns, byName: new Map(rules.map((r) => [r.name, r])) };
  return loaded;
}

/**
 * Rules that can apply in a frame, chosen the way autoconsent itself filters them (main or sub
 * frame, URL pattern), so that not every iframe receives all 700 kB of rules.
 */
export function rulesForFrame(url: string, isMain: boolean): Rule[] {
  const { rules, patterns } = loadAutoconsent();
  return rules.filter((r) => {
    const ctx = r.runContext ?? {};
    if (isMain && ctx.main === false) return false;
    if (!isMain && !ctx.frame) return false;
    if (!ctx.urlPattern) return true;
    const rx = patterns.get(r);
    // A pattern JavaScript in node cannot compile is left to autoconsent to judge in the page.
    return rx === null || rx === undefined ? true : rx.test(url);
  });
}

/** Plain CSS selectors from a declarative rule's popup detection: a second way to see the banner go. */
export function popupSelectors(ruleName: string): string[] {
  const rule = loadAutoconsent().byName.get(ruleName);
  if (!rule?.detectPopup) return [];
  const out: string[] = [];
  for (const step of rule.detectPopup) {
    if (step.negated || typeof step.visible !== 'string' || step.visible.startsWith('xpath/')) continue;
    out.push(step.visible);
  }
  return out;
}

export const AUTOCONSENT_CONFIG = {
  enabled: true,
  // Detection only: the engine decides when to click (optIn/optOut messages).
  autoAction: null,
  disabledCmps: [] as string[],
  // No prehiding and no cosmetic rules: a hidden banner must never look like an answered one.
  enablePrehide: false,
  enableCosmeticRules: false,
  enableGeneratedRules: true,
  // Autoconsent's own text heuristics stay off: ours (heuristic.ts) handle home-made banners.
  enableHeuristicDetection: false,
  heuristicMode: 'off',
  enablePopupMutationObserver: false,
  detectRetries: 20,
  // isMainWorld false: eval steps come to us as messages, so we can see and refuse them.
  isMainWorld: false,
  prehideTimeout: 0,
  visualTest: false,
  performanceLoggingEnabled: false,
  logs: { lifecycle: false, rulesteps: false, detectionsteps: false, evals: false, errors: false, messages: false, waits: false },
};

/**
 * Eval snippets that answer the banner through the CMP's JavaScript API (or hide it, or navigate)
 * instead of clicking. Refusing them (answering `false`) makes rules fall back to their click steps,
 * and where a rule has none, the attempt fails and our heuristic clicks like a person instead.
 */
export const API_ACTION_RX =
  /\.(setUserDisagreeToAll|setUserAgreeToAll|withdraw|hide|changeAll|saveAndApplyConsents|respondAll|setConsentValue|setDnsState|disableAllCookies|reject_close|declineAllCategories|submitAllCategories|handleAcceptAllClick|rejectAll|allowAll|denyAllConsents|acceptAllConsents|closeCMP|showPurposes)\s*\(|__cmp\s*\(\s*['"]setConsent|__npcmp\s*\(\s*['"](reject|save)|history\.(back|go|forward)\s*\(|location\.(assign|replace|reload)\s*\(/;

export interface EvalVerdict {
  allowed: boolean;
  reason?: 'unknown-code' | 'api-action';
}

/** Only snippets shipped in the bundle run (a page can call the binding too), and never API actions. */
export function judgeEval(code: string): EvalVerdict {
  const { bundle } = loadAutoconsent();
  const body = code.startsWith('(') && code.endsWith(')()') ? code.slice(1, -3) : '';
  if (!body || !bundle.includes(body)) return { allowed: false, reason: 'unknown-code' };
  if (API_ACTION_RX.test(body)) return { allowed: false, reason: 'api-action' };
  return { allowed: true };
}

const MAX_MESSAGES = 2000;

export class AutoconsentBridge {
  private messages = new WeakMap<Page, AutoconsentMessage[]>();
  /** Eval snippets refused per page, for the observation's error text. */
  private refused = new WeakMap<Page, string[]>();

  private armed = true;

  /** Frames that load from now on get no rules, so autoconsent stays idle in them. */
  disarm(): void {
    this.armed = false;
  }

  /** Returns the bundle's init script, to be disposed of when no further page needs it. */
  async install(context: BrowserContext): Promise<Disposable> {
    const { bundle } = loadAutoconsent();
    await context.exposeBinding('autoconsentSendMessage', (source: { frame: Frame; page: Page | null }, msg: unknown) => {
      try {
        this.onMessage(source.frame, source.page, msg);
      } catch {
        // A malformed message from a page is ignored.
      }
    });
    return context.addInitScript({ content: bundle });
  }

  private onMessage(frame: Frame, page: Page | null, raw: unknown): void {
    if (!raw || typeof raw !== 'object' || !page) return;
    const msg = raw as Record<string, unknown>;
    const type = typeof msg.type === 'string' ? msg.type : '';
    switch (type) {
      case 'init': {
        const url = typeof msg.url === 'string' ? msg.url : frame.url();
        const isMain = frame.parentFrame() === null;
        // A new page's about:blank holds no banner: without rules autoconsent stays idle there
        // instead of running every rule's detection. (A CMP may write its banner into a blank iframe.)
        if (!this.armed || (isMain && !/^https?:/i.test(url))) return;
        const rules = rulesForFrame(url, isMain);
        void this.send(frame, { type: 'initResp', config: AUTOCONSENT_CONFIG, rules: { autoconsent: rules } });
        return;
      }
      case 'eval': {
        void this.answerEval(frame, page, String(msg.id ?? ''), String(msg.code ?? ''), msg.snippetId);
        return;
      }
      // 'report' (lifecycle snapshots) and 'visualDelay' are not needed: detection and results come as their own messages.
      case 'cmpDetected':
      case 'popupFound':
      case 'optInResult':
      case 'optOutResult':
      case 'selfTestResult':
      case 'autoconsentDone':
      case 'autoconsentError': {
        const list = this.messages.get(page) ?? [];
        if (list.length >= MAX_MESSAGES) return;
        list.push({
          type,
          frame,
          at: Date.now(),
          ...(typeof msg.cmp === 'string' ? { cmp: msg.cmp.slice(0, 200) } : {}),
          ...(typeof msg.url === 'string' ? { url: msg.url.slice(0, 2000) } : {}),
          ...(typeof msg.result === 'boolean' ? { result: msg.result } : {}),
          ...(typeof msg.scheduleSelfTest === 'boolean' ? { scheduleSelfTest: msg.scheduleSelfTest } : {}),
          ...(typeof msg.isCosmetic === 'boolean' ? { isCosmetic: msg.isCosmetic } : {}),
          ...(typeof msg.totalClicks === 'number' ? { totalClicks: msg.totalClicks } : {}),
          ...(msg.details !== undefined ? { details: msg.details } : {}),
        });
        this.messages.set(page, list);
        return;
      }
      default:
        return;
    }
  }

  private async answerEval(frame: Frame, page: Page, id: string, code: string, snippetId: unknown): Promise<void> {
    const verdict = judgeEval(code);
    let result: unknown = false;
    if (verdict.allowed) {
      // Autoconsent gives up on an eval after 1 s; a page that hangs it only fails that step.
      result = await withTimeout(frame.evaluate(code), 900);
    } else if (verdict.reason === 'api-action') {
      const list = this.refused.get(page) ?? [];
      if (list.length < 20) list.push(typeof snippetId === 'string' ? snippetId : 'eval');
      this.refused.set(page, list);
    }
    let safe: unknown = false;
    try {
      safe = JSON.parse(JSON.stringify(result ?? false));
    } catch {
      safe = false;
    }
    await this.send(frame, { type: 'evalResp', id, result: safe });
  }

  /** Delivers a message into the frame without waiting for autoconsent to finish handling it. */
  async send(frame: Frame, message: Record<string, unknown>): Promise<boolean> {
    if (frame.isDetached()) return false;
    const ok = await withTimeout(
      // As one JSON string: Playwright's own argument serialiser walks every node of the ~100 kB of
      // rules a page gets, which cost more CPU than our whole scan logic for that page.
      frame.evaluate((json) => {
        const receive = (window as unknown as { autoconsentReceiveMessage?: (x: unknown) => Promise<void> }).autoconsentReceiveMessage;
        if (typeof receive !== 'function') return false;
        void Promise.resolve(receive(JSON.parse(json))).catch(() => undefined);
        return true;
      }, JSON.stringify(message)),
      5000,
    );
    return ok === true;
  }

  /** Messages of a page since a moment (Node's clock), from frames still attached. */
  received(page: Page, since: number, type?: string): AutoconsentMessage[] {
    return (this.messages.get(page) ?? []).filter((m) => m.at >= since && (!type || m.type === type) && !m.frame.isDetached());
  }

  refusedEvals(page: Page): string[] {
    return [...(this.refused.get(page) ?? [])];
  }
}
