import { describe, expect, it } from 'vitest';
import { chromiumArgs, visitorUserAgentMetadata } from '../../src/browser/launch.js';

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

describe('visitorUserAgentMetadata', () => {
  const shell = {
    brands: [{ brand: 'Not:A-Brand', version: '8' }, { brand: 'Chromium', version: '156' }, { brand: 'HeadlessChrome', version: '156' }],
    fullVersionList: [{ brand: 'Not:A-Brand', version: '8.0.0.0' }, { brand: 'Chromium', version: '156.0.1.2' }, { brand: 'HeadlessChrome', version: '156.0.1.2' }],
    mobile: false,
    platform: 'Linux',
    platformVersion: '',
    architecture: 'x86',
    bitness: '64',
    model: '',
    wow64: false,
  };
  it('drops the headless brand and keeps the rest as the browser said it', () => {
    expect(visitorUserAgentMetadata(shell)).toEqual({
      brands: [{ brand: 'Not:A-Brand', version: '8' }, { brand: 'Chromium', version: '156' }],
      fullVersionList: [{ brand: 'Not:A-Brand', version: '8.0.0.0' }, { brand: 'Chromium', version: '156.0.1.2' }],
      platform: 'Linux',
      platformVersion: '',
      architecture: 'x86',
      model: '',
      mobile: false,
      bitness: '64',
      wow64: false,
    });
  });
  it('gives no override for anything it does not understand', () => {
    expect(visitorUserAgentMetadata(undefined)).toBeUndefined();
    expect(visitorUserAgentMetadata('x')).toBeUndefined();
    expect(visitorUserAgentMetadata({ ...shell, brands: [{ brand: 'HeadlessChrome', version: '1' }] })).toBeUndefined();
    expect(visitorUserAgentMetadata({ ...shell, platform: 3 })).toBeUndefined();
    expect(visitorUserAgentMetadata({ ...shell, brands: [null, { brand: 'Chromium', version: '1' }] })?.brands).toEqual([{ brand: 'Chromium', version: '1' }]);
  });
});
