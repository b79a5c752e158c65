import type { CDPSession } from 'playwright';
import { parseCookieWrite, splitSetCookieHeader } from './cookies-parse.js';
import { hostOf, partyOf, registrableDomain } from './party.js';
import { valueEvidence } from './values.js';
import type { CookieSetEvent, Initiator, RequestObservation } from './types.js';

// Minimal shapes of the CDP events we read (devtools-protocol types are not a dependency).
interface CdpCallFrame { url: string; lineNumber: number; columnNumber: number }
interface CdpStack { callFrames: CdpCallFrame[]; parent?: CdpStack }
interface CdpInitiator { type: string; url?: string; lineNumber?: number; columnNumber?: number; stack?: CdpStack }
interface CdpResponse { url: string; status: number; mimeType?: string; headers?: Record<string, string> }
interface RequestWillBeSent {
  requestId: string;
  frameId?: string;
  type?: string;
  request: { url: string; method: string };
  initiator: CdpInitiator;
  redirectResponse?: CdpResponse;
}
interface ResponseReceived { requestId: string; type?: string; response: CdpResponse }
interface LoadingFailed { requestId: string; errorText: string; canceled?: boolean; blockedReason?: string }
interface ResponseExtraInfo {
  requestId: string;
  statusCode?: number;
  headers: Record<string, string>;
  blockedCookies?: Array<{ cookieLine: string }>;
}
interface FrameInfo { id: string; parentId?: string; url: string }

interface Hop {
  obs: RequestObservation;
}

/** More requests than this in one phase is a flood, not a web page: the rest are counted, not kept. */
export const MAX_REQUESTS_PER_PHASE = 20_000;

export interface NetworkCollectorOptions {
  phaseStart: number;
  storeValues: boolean;
  now?: () => number;
}

/**
 * Records every request of one page (all frames: site isolation is off, so cross-site iframes share
 * the page's CDP target) with initiator, frame and redirect chain, plus cookies set by HTTP responses,
 * read from the raw headers of `Network.responseReceivedExtraInfo` (parsed headers can miss Set-Cookie).
 */
export class NetworkCollector {
  private readonly hops = new Map<string, Hop[]>();
  private readonly order: Hop[] = [];
  private readonly frames = new Map<string, FrameInfo>();
  private readonly cookieEvents: CookieSetEvent[] = [];
  private mainFrameId: string | undefined;
  private lastRequestAt: number;
  private pageIndex = 0;
  private readonly now: () => number;
  private readonly popupHops = new WeakMap<object, Hop>();
  private popupCount = 0;
  /** Requests not kept because the phase already had MAX_REQUESTS_PER_PHASE. */
  dropped = 0;

  private full(): boolean {
    if (this.order.length < MAX_REQUESTS_PER_PHASE) return false;
    this.dropped++;
    return true;
  }

  constructor(private readonly opts: NetworkCollectorOptions) {
    this.now = opts.now ?? Date.now;
    this.lastRequestAt = this.now();
  }

  /** Time of the last request start: "the network is quiet" means this is long enough ago. */
  get lastActivity(): number {
    return this.lastRequestAt;
  }

  setPageIndex(i: number): void {
    this.pageIndex = i;
  }

  async attach(cdp: CDPSession): Promise<void> {
    cdp.on('Network.requestWillBeSent', (e) => this.onRequest(e as RequestWillBeSent));
    cdp.on('Network.responseReceived', (e) => this.onResponse(e as ResponseReceived));
    cdp.on('Network.loadingFailed', (e) => this.onFailed(e as LoadingFailed));
    cdp.on('Network.responseReceivedExtraInfo', (e) => this.onExtraInfo(e as ResponseExtraInfo));
    cdp.on('Page.frameNavigated', (e) => {
      const f = (e as { frame: FrameInfo }).frame;
      this.frames.set(f.id, f);
      if (!f.parentId) this.mainFrameId = f.id;
    });
    cdp.on('Page.frameAttached', (e) => {
      const { frameId, parentFrameId } = e as { frameId: string; parentFrameId: string };
      if (!this.frames.has(frameId)) this.frames.set(frameId, { id: frameId, parentId: parentFrameId, url: '' });
    });
    await cdp.send('Page.enable');
    const tree = (await cdp.send('Page.getFrameTree')) as { frameTree: { frame: FrameInfo } };
    this.mainFrameId = tree.frameTree.frame.id;
    this.frames.set(tree.frameTree.frame.id, tree.frameTree.frame);
    await cdp.send('Network.enable', { maxPostDataSize: 0 });
  }

  private onRequest(e: RequestWillBeSent): void {
    const t = this.now();
    let hops = this.hops.get(e.requestId);
    if (e.redirectResponse && hops && hops.length > 0) {
      const prev = hops[hops.length - 1]!;
      prev.obs.status = e.redirectResponse.status;
      if (e.redirectResponse.mimeType) prev.obs.mimeType = e.redirectResponse.mimeType;
      prev.obs.redirectedTo = e.request.url;
    } else {
      this.lastRequestAt = t;
    }
    if (!hops) {
      if (this.full()) return;
      hops = [];
      this.hops.set(e.requestId, hops);
    }
    const frame = e.frameId ? this.frames.get(e.frameId) : undefined;
    const hop = this.record(t, {
      requestId: e.requestId,
      hop: hops.length,
      url: e.request.url,
      method: e.request.method,
      resourceType: e.type ?? 'Other',
      isMainFrame: e.frameId !== undefined && e.frameId === this.mainFrameId,
      initiator: initiatorOf(e.initiator),
      frameUrl: frame?.url,
    });
    if (e.frameId) hop.obs.frameId = e.frameId;
    hops.push(hop);
  }

  /** A new observation in the phase's order; parties are judged later, against the final site domain. */
  private record(
    t: number,
    r: Pick<RequestObservation, 'requestId' | 'hop' | 'url' | 'method' | 'resourceType' | 'isMainFrame' | 'initiator'> & { frameUrl?: string | undefined },
  ): Hop {
    const { frameUrl: frameOf, ...rest } = r;
    const obs: RequestObservation = {
      ...rest,
      resourceType: r.resourceType.toLowerCase(),
      pageIndex: this.pageIndex,
      timeMs: t - this.opts.phaseStart,
      host: hostOf(r.url),
      domain: '',
      party: 'first-party',
    };
    // A frame's own document request is made before the frame has that URL: name the frame by it.
    const frameUrl = obs.resourceType === 'document' ? r.url : frameOf;
    if (frameUrl) obs.frameUrl = frameUrl;
    const hop = { obs };
    this.order.push(hop);
    return hop;
  }

  private onResponse(e: ResponseReceived): void {
    const hop = this.hops.get(e.requestId)?.at(-1);
    if (!hop) return;
    hop.obs.status = e.response.status;
    if (e.response.mimeType) hop.obs.mimeType = e.response.mimeType;
  }

  private onFailed(e: LoadingFailed): void {
    const hop = this.hops.get(e.requestId)?.at(-1);
    if (!hop) return;
    hop.obs.failure = e.blockedReason ? `${e.errorText} (${e.blockedReason})` : e.errorText;
  }

  private onExtraInfo(e: ResponseExtraInfo): void {
    const hop = this.hopForExtraInfo(e);
    if (!hop) return;
    // Responses blocked on arrival (ORB, CORB) get no responseReceived: the raw status is all we have.
    if (hop.obs.status === undefined && e.statusCode) hop.obs.status = e.statusCode;
    const header = headerValue(e.headers, 'set-cookie');
    if (!header) return;
    const blocked = new Set((e.blockedCookies ?? []).map((b) => b.cookieLine.trim()));
    const url = hop.obs.url;
    const t = this.now();
    for (const line of splitSetCookieHeader(header)) {
      // Lines the browser refused (e.g. a third-party cookie without SameSite=None) never reached the jar.
      if (blocked.has(line)) continue;
      const parsed = parseCookieWrite(line, url, t);
      if (!parsed) continue;
      this.cookieEvents.push({
        name: parsed.name,
        domain: parsed.domain,
        path: parsed.path,
        source: 'http',
        url,
        requestId: e.requestId,
        deletes: parsed.deletes,
        timeMs: t - this.opts.phaseStart,
        pageIndex: this.pageIndex,
        value: valueEvidence(parsed.value, this.opts.storeValues),
      });
    }
  }

  /**
   * The extra-info event carries no URL. In a redirect chain each hop gets one, in order, and a
   * redirect's event carries its Location; match on status and Location, else take the latest hop.
   */
  private hopForExtraInfo(e: ResponseExtraInfo): Hop | undefined {
    const hops = this.hops.get(e.requestId);
    if (!hops || hops.length === 0) return undefined;
    const location = headerValue(e.headers, 'location');
    if (location && e.statusCode && e.statusCode >= 300 && e.statusCode < 400) {
      for (const h of hops) {
        if (h.obs.redirectedTo && sameUrl(resolve(location, h.obs.url), h.obs.redirectedTo)) return h;
      }
      // The redirect event can arrive before requestWillBeSent of the next hop: it is the latest hop.
    }
    return hops[hops.length - 1];
  }

  /** Observations with parties judged against the site's registrable domain (known after redirects). */
  requests(siteDomain: string): RequestObservation[] {
    return this.order.map(({ obs }) => {
      const domain = obs.host ? registrableDomain(obs.host) : '';
      return { ...obs, domain, party: partyOf(obs.host, siteDomain) };
    });
  }

  /**
   * A request of a pop-up window the page opened, as Playwright reports it (a pop-up is a page of
   * its own, outside this collector's CDP session). Its traffic belongs to the phase like any other.
   * A redirect arrives as a new request carrying `redirectedFrom`.
   */
  popupRequest(key: object, r: { url: string; method: string; resourceType: string; frameUrl?: string; redirectedFrom?: object }): void {
    const t = this.now();
    const prev = r.redirectedFrom ? this.popupHops.get(r.redirectedFrom) : undefined;
    if (!prev && this.full()) return;
    // A pop-up that keeps polling must not keep the main page's visit from ever being quiet.
    if (prev) prev.obs.redirectedTo = r.url;
    const hop = this.record(t, {
      requestId: prev ? prev.obs.requestId : `popup-${++this.popupCount}`,
      hop: prev ? prev.obs.hop + 1 : 0,
      url: r.url,
      method: r.method,
      resourceType: r.resourceType,
      isMainFrame: false,
      initiator: { type: 'popup' },
      frameUrl: r.frameUrl,
    });
    this.popupHops.set(key, hop);
  }

  popupResponse(key: object, status: number, mimeType: string | undefined): void {
    const hop = this.popupHops.get(key);
    if (!hop) return;
    hop.obs.status = status;
    if (mimeType) hop.obs.mimeType = mimeType;
  }

  popupFailed(key: object, errorText: string): void {
    const hop = this.popupHops.get(key);
    if (hop) hop.obs.failure = errorText;
  }

  httpCookieEvents(): CookieSetEvent[] {
    return [...this.cookieEvents];
  }
}

function initiatorOf(i: CdpInitiator): Initiator {
  const out: Initiator = { type: i.type };
  // For scripts, the top of the (possibly async) stack is the script that made the request.
  let stack: CdpStack | undefined = i.stack;
  while (stack) {
    const frame = stack.callFrames.find((f) => f.url);
    if (frame) {
      out.url = frame.url;
      out.line = frame.lineNumber + 1;
      out.column = frame.columnNumber + 1;
      return out;
    }
    stack = stack.parent;
  }
  if (i.url) out.url = i.url;
  if (i.lineNumber !== undefined) out.line = i.lineNumber + 1;
  if (i.columnNumber !== undefined) out.column = i.columnNumber + 1;
  return out;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function resolve(location: string, base: string): string {
  try {
    return new URL(location, base).toString();
  } catch {
    return location;
  }
}

function sameUrl(a: string, b: string): boolean {
  return a === b || resolve(a, 'http://x/') === resolve(b, 'http://x/');
}
