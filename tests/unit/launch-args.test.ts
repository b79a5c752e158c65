import { describe, expect, it } from 'vitest';
import { chromiumArgs } from '../../src/browser/launch.js';

// Untrusted sites run in Chromium: its sandbox stays on unless it cannot start (as root).
describe('chromiumArgs', () => {
  it('keeps the sandbox for an ordinary user and drops it only as root', () => {
    expect(chromiumArgs({}, false)).not.toContain('--no-sandbox');
    expect(chromiumArgs({}, true)).toContain('--no-sandbox');
  });

  it('passes the flags a quiet, reproducible scan needs, and the resolver rules when given', () => {
    const args = chromiumArgs({ hostResolverRules: 'MAP * 127.0.0.1:8443' }, false);
    for (const flag of ['--disable-quic', '--disable-background-networking', '--disable-component-update', '--no-first-run']) {
      expect(args).toContain(flag);
    }
    expect(args).toContain('--host-resolver-rules=MAP * 127.0.0.1:8443');
    expect(args.some((a) => a.includes('popup'))).toBe(false);
    // A page that eats memory dies alone.
    expect(args).toContain('--js-flags=--max-old-space-size=1024');
  });
});
