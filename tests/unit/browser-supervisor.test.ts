import { describe, expect, it } from 'vitest';
import { BrowserSupervisor } from '../../src/browser/supervisor.js';

class FakeBrowser {
  closed = false;
  private onGone: Array<() => void> = [];
  constructor(readonly id: number) {}
  crash() {
    for (const cb of this.onGone) cb();
  }
  listen(cb: () => void) {
    this.onGone.push(cb);
  }
}

function supervisor(restartEvery: number) {
  const launched: FakeBrowser[] = [];
  const events: string[] = [];
  const s = new BrowserSupervisor<FakeBrowser>({
    launch: async () => {
      const b = new FakeBrowser(launched.length + 1);
      launched.push(b);
      return b;
    },
    close: async (b) => {
      b.closed = true;
    },
    onDisconnect: (b, cb) => b.listen(cb),
    restartEvery,
    onLaunch: (g) => events.push(`launch ${g}`),
    onCrash: (g) => events.push(`crash ${g}`),
    onRetire: (g, n) => events.push(`retire ${g} after ${n}`),
  });
  return { s, launched, events };
}

describe('BrowserSupervisor', () => {
  it('shares one launch between concurrent acquirers', async () => {
    const { s, launched } = supervisor(0);
    const leases = await Promise.all([s.acquire(), s.acquire(), s.acquire()]);
    expect(launched).toHaveLength(1);
    expect(new Set(leases.map((l) => l.browser.id))).toEqual(new Set([1]));
    await s.close();
    expect(launched[0]?.closed).toBe(true);
  });

  it('replaces the browser after every N scans, closing the old one when its last scan ends', async () => {
    const { s, launched, events } = supervisor(2);
    const a = await s.acquire();
    const b = await s.acquire();
    const c = await s.acquire();
    expect([a.generation, b.generation, c.generation]).toEqual([1, 1, 2]);
    expect(launched[0]?.closed).toBe(false); // still used by a and b
    await a.release();
    expect(launched[0]?.closed).toBe(false);
    await b.release();
    expect(launched[0]?.closed).toBe(true);
    expect(launched[1]?.closed).toBe(false);
    expect(events).toEqual(['launch 1', 'retire 1 after 2', 'launch 2']);
    await c.release();
    await s.close();
  });

  it('launches a new browser after a crash and closes the crashed one once released', async () => {
    const { s, launched, events } = supervisor(0);
    const a = await s.acquire();
    launched[0]?.crash();
    const b = await s.acquire();
    expect(b.generation).toBe(2);
    expect(events).toEqual(['launch 1', 'crash 1', 'launch 2']);
    await a.release();
    expect(launched[0]?.closed).toBe(true);
    await b.release();
    await s.close();
    expect(launched[1]?.closed).toBe(true);
  });

  it('does not count its own closing as a crash', async () => {
    const { s, launched, events } = supervisor(1);
    const a = await s.acquire();
    await a.release();
    launched[0]?.crash(); // the disconnect event of a deliberate close
    await s.close();
    expect(events).toEqual(['launch 1', 'retire 1 after 1']);
  });

  it('refuses new leases after close', async () => {
    const { s } = supervisor(0);
    await s.start();
    await s.close();
    await expect(s.acquire()).rejects.toThrow('closed');
  });
});

describe('BrowserSupervisor launch failures and discards', () => {
  it('tries a failed launch again before giving up', async () => {
    let calls = 0;
    const s = new BrowserSupervisor<FakeBrowser>({
      launch: async () => {
        calls++;
        if (calls < 3) throw new Error('out of memory');
        return new FakeBrowser(calls);
      },
      close: async () => undefined,
      onDisconnect: (b, cb) => b.listen(cb),
      restartEvery: 0,
      launchAttempts: 3,
      launchRetryMs: 1,
    });
    const lease = await s.acquire();
    expect([calls, lease.browser.id]).toEqual([3, 3]);
    await lease.release();
    await s.close();

    const failing = new BrowserSupervisor<FakeBrowser>({
      launch: async () => {
        throw new Error('no browser');
      },
      close: async () => undefined,
      onDisconnect: () => undefined,
      restartEvery: 0,
      launchAttempts: 2,
      launchRetryMs: 1,
    });
    await expect(failing.acquire()).rejects.toThrow('no browser');
  });

  it('closes a discarded browser at once and launches a new one for the next scan', async () => {
    const { s, launched } = supervisor(0);
    const a = await s.acquire();
    const b = await s.acquire();
    await a.discard();
    expect(launched[0]?.closed).toBe(true);
    const c = await s.acquire();
    expect(c.generation).toBe(2);
    await b.release();
    await c.release();
    await s.close();
  });
});
