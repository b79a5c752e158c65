import type { Frame, Page } from 'playwright';
import { hostOf, partyOf } from './party.js';
import { valueEvidence } from './values.js';
import { withTimeout } from '../util/time.js';
import type { StorageObservation } from './types.js';

interface FrameStorage {
  origin: string;
  entries: Array<[kind: 'localStorage' | 'sessionStorage', key: string, value: string]>;
}

// Read inside the frame; a frame that forbids storage (sandbox, opaque origin) just has none.
function readFrameStorage(): FrameStorage {
  const entries: FrameStorage['entries'] = [];
  for (const kind of ['localStorage', 'sessionStorage'] as const) {
    try {
      const s = window[kind];
      for (let i = 0; i < Math.min(s.length, 10_000); i++) {
        const k = s.key(i);
        if (k !== null) entries.push([kind, k, s.getItem(k) ?? '']);
      }
    } catch {
      /* storage not accessible in this frame */
    }
  }
  return { origin: location.origin, entries };
}

/**
 * localStorage and sessionStorage of every frame of a page, third-party frames included (their
 * storage is partitioned, as in a visitor's Chrome, and read from inside the frame).
 * Each frame gets a short deadline: a hostile frame that busy-loops must not stall the scan.
 */
export class StorageCollector {
  private readonly seen = new Map<string, StorageObservation & { host: string }>();
  constructor(private readonly opts: { storeValues: boolean; frameTimeoutMs?: number }) {}

  async collectPage(page: Page, pageIndex: number): Promise<void> {
    await Promise.all(page.frames().map((f) => this.collectFrame(f, pageIndex)));
  }

  private async collectFrame(frame: Frame, pageIndex: number): Promise<void> {
    if (frame.isDetached()) return;
    const url = frame.url();
    if (!/^https?:/.test(url)) return;
    const result = await withTimeout(frame.evaluate(readFrameStorage), this.opts.frameTimeoutMs ?? 2000);
    if (!result) return;
    // The page's own scripts can replace Storage methods: keep only what is really a string.
    if (typeof result.origin !== 'string' || !Array.isArray(result.entries)) return;
    for (const entry of result.entries) {
      if (!Array.isArray(entry)) continue;
      const [kind, key, value] = entry;
      if ((kind !== 'localStorage' && kind !== 'sessionStorage') || typeof key !== 'string' || typeof value !== 'string') continue;
      const id = `${kind}\u0000${result.origin}\u0000${key}`;
      const prev = this.seen.get(id);
      // Keep the page where an entry was first seen, with its latest value.
      this.seen.set(id, {
        kind,
        origin: result.origin,
        frameUrl: prev?.frameUrl ?? url,
        key,
        value: valueEvidence(value, this.opts.storeValues),
        party: 'first-party',
        pageIndex: prev?.pageIndex ?? pageIndex,
        host: hostOf(result.origin),
      });
    }
  }

  storage(siteDomain: string): StorageObservation[] {
    return [...this.seen.values()].map(({ host, ...o }) => ({ ...o, party: partyOf(host, siteDomain) }));
  }
}
