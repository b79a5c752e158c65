// Did the click store a choice? Cookies and localStorage of the page's origins, before and after.
import type { Frame, Page } from 'playwright';
import { sleep, withTimeout } from '../util/time.js';

export type StorageSnapshot = Map<string, string>;

export async function snapshotStorage(page: Page): Promise<StorageSnapshot | undefined> {
  const cookies = await withTimeout(page.context().cookies(), 3000);
  if (!cookies) return undefined;
  const out: StorageSnapshot = new Map();
  for (const c of cookies) out.set(`cookie\t${c.domain}\t${c.path}\t${c.name}`, c.value);
  const origins = new Map<string, Frame>();
  for (const frame of page.frames().slice(0, 40)) {
    try {
      const origin = new URL(frame.url()).origin;
      if (/^https?:/.test(origin) && !origins.has(origin)) origins.set(origin, frame);
    } catch {
      // about:blank and friends have no storage of their own worth comparing.
    }
  }
  await Promise.all(
    [...origins].map(async ([origin, frame]) => {
      const entries = await withTimeout(
        frame.evaluate(() => {
          try {
            const list: Array<[string, string]> = [];
            for (let i = 0; i < Math.min(localStorage.length, 500); i++) {
              const k = localStorage.key(i);
              if (k !== null) list.push([k, (localStorage.getItem(k) ?? '').slice(0, 4000)]);
            }
            return list;
          } catch {
            return [];
          }
        }),
        1500,
      );
      for (const [k, v] of entries ?? []) out.set(`localStorage\t${origin}\t${k}`, v);
    }),
  );
  return out;
}

/** A new or changed entry; removals alone are not a stored choice. */
export function storageChanged(before: StorageSnapshot, after: StorageSnapshot): boolean {
  for (const [k, v] of after) if (before.get(k) !== v) return true;
  return false;
}

/** Compares with the snapshot, giving late writers (a CMP that first calls its server) up to `waitMs`. */
export async function consentStored(page: Page, before: StorageSnapshot | undefined, waitMs: number): Promise<boolean | undefined> {
  if (!before) return undefined;
  const until = Date.now() + Math.max(0, waitMs);
  for (;;) {
    const after = await snapshotStorage(page);
    if (!after) return undefined;
    if (storageChanged(before, after)) return true;
    if (Date.now() >= until) return false;
    await sleep(250);
  }
}
