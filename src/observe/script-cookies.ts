import type { BrowserContext, Page } from 'playwright';
import { parseCookieWrite } from './cookies-parse.js';
import { valueEvidence } from './values.js';
import type { CookieSetEvent } from './types.js';

const BINDING = '__cookiewatchCookieWrite';

interface ScriptCookieWrite {
  api: 'document.cookie' | 'cookieStore';
  /** The string written to document.cookie, or a Set-Cookie-like line built from a cookieStore call. */
  line: string;
  /** URLs on the JS stack at the time of the write, innermost first. */
  stack: string[];
  documentUrl: string;
}

/**
 * Runs in every frame before any page script. Wraps the two ways a script can write a cookie and
 * reports the write with the URLs on the stack, so a first-party `_ga` is traced to gtag.js.
 * The getters are left alone: reading cookies is not what we attribute.
 */
function cookieWriteProbe(binding: string): void {
  const send = (api: string, line: string) => {
    const fn = (globalThis as unknown as Record<string, unknown>)[binding];
    if (typeof fn !== 'function') return;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 30;
    const stack = String(new Error().stack ?? '');
    Error.stackTraceLimit = limit;
    const urls: string[] = [];
    for (const m of stack.matchAll(/(https?:\/\/[^\s()]+?)(?::\d+){1,2}\)?$/gm)) urls.push(m[1] as string);
    try {
      (fn as (p: unknown) => Promise<void>)({ api, line, stack: urls, documentUrl: location.href }).catch(() => undefined);
    } catch {
      /* a page that replaced our binding loses attribution, not function */
    }
  };
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (desc?.set && desc.get) {
    const { get, set } = desc;
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true,
      enumerable: desc.enumerable ?? true,
      get() {
        return get.call(this);
      },
      set(v: unknown) {
        set.call(this, v);
        send('document.cookie', String(v));
      },
    });
  }
  const CS = (globalThis as unknown as { CookieStore?: { prototype: Record<string, unknown> } }).CookieStore;
  if (CS) {
    const origSet = CS.prototype.set as (...a: unknown[]) => Promise<void>;
    const origDelete = CS.prototype.delete as (...a: unknown[]) => Promise<void>;
    const line = (o: Record<string, unknown>, del: boolean) => {
      let l = `${String(o.name ?? '')}=${del ? '' : String(o.value ?? '')}`;
      if (o.domain) l += `; domain=${String(o.domain)}`;
      l += `; path=${String(o.path ?? '/')}`;
      if (del) l += '; max-age=0';
      else if (typeof o.expires === 'number') l += `; expires=${new Date(o.expires).toUTCString()}`;
      return l;
    };
    CS.prototype.set = function (this: unknown, ...args: unknown[]) {
      const o = typeof args[0] === 'string' ? { name: args[0], value: args[1] } : (args[0] as Record<string, unknown>);
      send('cookieStore', line(o ?? {}, false));
      return origSet.apply(this, args);
    };
    CS.prototype.delete = function (this: unknown, ...args: unknown[]) {
      const o = typeof args[0] === 'string' ? { name: args[0] } : (args[0] as Record<string, unknown>);
      send('cookieStore', line(o ?? {}, true));
      return origDelete.apply(this, args);
    };
  }
}

/** The stack URL that wrote the cookie: the innermost one (our probe has no URL, so it is not listed). */
export function writerFromStack(stack: readonly string[]): string | undefined {
  return stack[0];
}

export interface ScriptCookieCollectorOptions {
  phaseStart: number;
  storeValues: boolean;
  pageIndex: () => number;
  now?: () => number;
}

/** More cookie writes than this in one phase is a loop, not a site: the rest are counted, not kept. */
export const MAX_COOKIE_WRITES = 20_000;

/** Cookies written by scripts (document.cookie and CookieStore), in every frame of a context. */
export class ScriptCookieCollector {
  private readonly events: CookieSetEvent[] = [];
  constructor(private readonly opts: ScriptCookieCollectorOptions) {}

  private main: Page | undefined;

  async attach(context: BrowserContext): Promise<void> {
    await context.exposeBinding(BINDING, (source, payload: ScriptCookieWrite) => {
      if (this.main && source.page !== this.main) return;
      this.onWrite(payload);
    });
    await context.addInitScript(cookieWriteProbe, BINDING);
  }

  /** Writes by other pages of the context (pop-ups, another site's page) are not this page's. */
  onlyFrom(page: Page): void {
    this.main = page;
  }

  /** Writes not kept because the phase already had MAX_COOKIE_WRITES (a script writing in a loop). */
  dropped = 0;

  private onWrite(p: ScriptCookieWrite): void {
    if (!p || typeof p.line !== 'string' || typeof p.documentUrl !== 'string') return;
    if (this.events.length >= MAX_COOKIE_WRITES) {
      this.dropped++;
      return;
    }
    const t = (this.opts.now ?? Date.now)();
    const parsed = parseCookieWrite(p.line, p.documentUrl, t);
    if (!parsed) return;
    const writer = writerFromStack(Array.isArray(p.stack) ? p.stack.filter((s) => typeof s === 'string') : []);
    this.events.push({
      name: parsed.name,
      domain: parsed.domain,
      path: parsed.path,
      source: 'script',
      ...(writer ? { url: writer } : {}),
      frameUrl: p.documentUrl,
      api: p.api === 'cookieStore' ? 'cookieStore' : 'document.cookie',
      deletes: parsed.deletes,
      timeMs: t - this.opts.phaseStart,
      pageIndex: this.opts.pageIndex(),
      value: valueEvidence(parsed.value, this.opts.storeValues),
    });
  }

  scriptCookieEvents(): CookieSetEvent[] {
    return [...this.events];
  }
}
