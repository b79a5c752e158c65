// Keeps one browser alive for a long run: replaces it after it crashes, and retires it after every
// `restartEvery` site scans so a night of scanning does not accumulate Chromium's memory growth.
// A retired browser is closed once the scans still using it have finished; a crashed one at once.

export interface Lease<T> {
  browser: T;
  /** Generation number of the browser, 1 for the first launch; a crash or a restart starts a new one. */
  generation: number;
  release(): Promise<void>;
  /** Aborted when this browser crashes or is discarded: scans on it cannot finish, and some of its calls never return. */
  lost: AbortSignal;
  /** The browser misbehaves (hangs): close it now, whoever else uses it; the next acquire launches anew. */
  discard(): Promise<void>;
}

export interface SupervisorEvents {
  onLaunch?: (generation: number) => void;
  onCrash?: (generation: number) => void;
  onRetire?: (generation: number, scans: number) => void;
}

export interface SupervisorOptions<T> extends SupervisorEvents {
  launch: () => Promise<T>;
  close: (browser: T) => Promise<void>;
  /** Launch attempts before giving up (a crash may leave the machine briefly short of memory). */
  launchAttempts?: number;
  /** Pause before the second launch attempt; doubles after that. */
  launchRetryMs?: number;
  /** Registers the callback to run when the browser process goes away unexpectedly. */
  onDisconnect: (browser: T, callback: () => void) => void;
  /** Site scans per browser before it is replaced; 0 = never. */
  restartEvery: number;
}

interface Slot<T> {
  browser: T;
  generation: number;
  leases: number;
  scans: number;
  retired: boolean;
  dead: boolean;
  lost: AbortController;
  closing?: Promise<void>;
}

export class BrowserSupervisor<T> {
  private current: Slot<T> | undefined;
  private launching: Promise<Slot<T>> | undefined;
  private generation = 0;
  private readonly slots = new Set<Slot<T>>();
  private closed = false;

  constructor(private readonly opts: SupervisorOptions<T>) {}

  /** The browser to scan the next site with; launches or replaces it when needed. */
  async acquire(): Promise<Lease<T>> {
    if (this.closed) throw new Error('the browser supervisor is closed');
    let slot = this.current;
    if (!slot || slot.dead || slot.retired) slot = await this.launchOnce();
    slot.leases++;
    slot.scans++;
    if (this.opts.restartEvery > 0 && slot.scans >= this.opts.restartEvery && !slot.retired) {
      // This lease is the last one on this browser; the next acquire launches a fresh one.
      slot.retired = true;
      this.opts.onRetire?.(slot.generation, slot.scans);
    }
    let released = false;
    return {
      browser: slot.browser,
      generation: slot.generation,
      lost: slot.lost.signal,
      release: async () => {
        if (released) return;
        released = true;
        slot.leases--;
        if ((slot.retired || slot.dead) && slot.leases === 0) await this.closeSlot(slot);
      },
      discard: async () => {
        slot.dead = true;
        slot.lost.abort();
        await this.closeSlot(slot);
      },
    };
  }

  /** The first browser, launched now so its version can be recorded before any site is scanned. */
  async start(): Promise<T> {
    const slot = this.current && !this.current.dead ? this.current : await this.launchOnce();
    return slot.browser;
  }

  /** Closes every browser, waiting for none of the scans still holding one. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.launching) await this.launching.catch(() => undefined);
    await Promise.all([...this.slots].map((s) => this.closeSlot(s)));
  }

  get launches(): number {
    return this.generation;
  }

  private launchOnce(): Promise<Slot<T>> {
    // Concurrent acquirers share one launch instead of starting a browser each.
    this.launching ??= (async () => {
      try {
        const browser = await this.launchWithRetries();
        const slot: Slot<T> = {
          browser,
          generation: ++this.generation,
          leases: 0,
          scans: 0,
          retired: false,
          dead: false,
          lost: new AbortController(),
        };
        this.slots.add(slot);
        this.opts.onDisconnect(browser, () => {
          if (slot.closing || this.closed) return;
          slot.dead = true;
          slot.lost.abort();
          this.opts.onCrash?.(slot.generation);
          if (slot.leases === 0) void this.closeSlot(slot);
        });
        if (this.current && this.current.leases === 0 && this.current !== slot) void this.closeSlot(this.current);
        this.current = slot;
        this.opts.onLaunch?.(slot.generation);
        return slot;
      } finally {
        this.launching = undefined;
      }
    })();
    return this.launching;
  }

  private async launchWithRetries(): Promise<T> {
    const attempts = Math.max(1, this.opts.launchAttempts ?? 3);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.opts.launch();
      } catch (err) {
        if (attempt >= attempts || this.closed) throw err;
        await new Promise((r) => setTimeout(r, (this.opts.launchRetryMs ?? 2000) * 2 ** (attempt - 1)));
      }
    }
  }

  private closeSlot(slot: Slot<T>): Promise<void> {
    slot.closing ??= (async () => {
      this.slots.delete(slot);
      await this.opts.close(slot.browser).catch(() => undefined);
    })();
    return slot.closing;
  }
}
