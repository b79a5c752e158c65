import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostMatches } from '../../src/classify/match.js';
import { hashRuleFiles, loadTrackerRules, parseHostPattern, rulesHash } from '../../src/classify/rules.js';

const REQUIRED_IDS = [
  'google-analytics',
  'ga-advertising-features',
  'google-tag-manager',
  'doubleclick',
  'facebook-pixel',
  'linkedin-insight',
  'tiktok-pixel',
  'twitter-pixel',
  'microsoft-clarity',
  'bing-uet',
  'hotjar',
  'youtube',
  'youtube-nocookie',
  'matomo',
  'piwik-pro',
  'siteimprove',
  'readspeaker',
  'google-maps',
  'google-fonts',
  'cookiebot',
  'onetrust',
  'cookieyes',
  'didomi',
  'klaro',
  'tarteaucitron',
  'osano-cookieconsent',
  'vanilla-cookieconsent',
  'usercentrics',
  'cookiefirst',
  'iubenda',
];

const validTracker = {
  id: 'x-tracker',
  name: 'X tracker',
  organisation: { name: 'X Ltd', country: 'NL' },
  category: 'analytics',
  seriousness: 2,
  aliases: ['X'],
  matchers: { requests: [{ hosts: ['x-tracker.example'] }] },
};

let dirs: string[] = [];
function ruleDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cookiewatch-rules-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('the project rules', () => {
  const rules = loadTrackerRules();

  it('load, with a 12-hex version', () => {
    expect(rules.version).toMatch(/^[0-9a-f]{12}$/);
    expect(rulesHash(rules)).toBe(rules.version);
    expect(rules.files.every((f) => /^data\/trackers\/[a-z-]+\.json$/.test(f))).toBe(true);
  });

  it('define every required tracker', () => {
    for (const id of REQUIRED_IDS) expect(rules.byId.has(id), id).toBe(true);
  });

  it('give every organisation a country, except an open-source library with no one behind it', () => {
    for (const t of rules.trackers) {
      if (t.id === 'vanilla-cookieconsent') expect(t.organisation.country).toBe('');
      else expect(t.organisation.country, t.id).toMatch(/^[A-Z]{2}$/);
      expect(t.aliases.length, t.id).toBeGreaterThan(0);
    }
  });

  it('rate trackers on the DOMAIN.md scale', () => {
    const s = (id: string) => rules.byId.get(id)?.seriousness;
    expect(s('facebook-pixel')).toBe(3);
    expect(s('doubleclick')).toBe(3);
    expect(s('ga-advertising-features')).toBe(3);
    expect(s('youtube')).toBe(3);
    expect(s('google-analytics')).toBe(2);
    expect(s('hotjar')).toBe(2);
    expect(s('youtube-nocookie')).toBe(2);
    expect(s('google-maps')).toBe(2);
    expect(s('google-fonts')).toBe(2);
    expect(s('readspeaker')).toBe(0);
    expect(rules.byId.get('matomo')?.selfHosted?.seriousness).toBe(1);
    for (const t of rules.trackers.filter((t) => t.category === 'consent')) expect(t.seriousness, t.id).toBe(0);
    expect(rules.byId.get('google-maps')?.category).toBe('maps');
    expect(rules.byId.get('google-fonts')?.category).toBe('fonts');
  });
});

describe('rulesVersion', () => {
  it('changes with any file content and ignores the order files are given in', () => {
    const a = hashRuleFiles([{ name: 'a.json', text: '{}' }, { name: 'b.json', text: '[]' }]);
    expect(hashRuleFiles([{ name: 'b.json', text: '[]' }, { name: 'a.json', text: '{}' }])).toBe(a);
    expect(hashRuleFiles([{ name: 'a.json', text: '{ }' }, { name: 'b.json', text: '[]' }])).not.toBe(a);
  });

  it('is computed over the files of the directory', () => {
    const one = loadTrackerRules(ruleDir({ 'x.json': { trackers: [validTracker] } })).version;
    const two = loadTrackerRules(ruleDir({ 'x.json': { trackers: [{ ...validTracker, name: 'X tracker 2' }] } })).version;
    expect(one).toMatch(/^[0-9a-f]{12}$/);
    expect(two).not.toBe(one);
  });
});

describe('loader errors name the file and the JSON path', () => {
  const load = (tracker: unknown) => () => loadTrackerRules(ruleDir({ 'bad.json': { trackers: [validTracker, tracker] } }));

  it('a host that is not a string', () => {
    expect(load({ ...validTracker, id: 'y', matchers: { requests: [{ hosts: [42] }] } })).toThrow(
      /bad\.json: trackers\[1\]\.matchers\.requests\[0\]\.hosts\[0\]: .*expected string/,
    );
  });

  it('a host written as a URL', () => {
    expect(load({ ...validTracker, id: 'y', matchers: { requests: [{ hosts: ['https://x.example/'] }] } })).toThrow(
      /bad\.json: trackers\[1\]\.matchers\.requests\[0\]\.hosts\[0\]: expected a lower-case host suffix/,
    );
  });

  it('a seriousness off the scale, an unknown category, a misspelt key', () => {
    expect(load({ ...validTracker, id: 'y', seriousness: 4 })).toThrow(/bad\.json: trackers\[1\]\.seriousness:/);
    expect(load({ ...validTracker, id: 'y', category: 'ads' })).toThrow(/bad\.json: trackers\[1\]\.category:/);
    expect(load({ ...validTracker, id: 'y', matchers: { requests: [{ host: ['x.example'] }] } })).toThrow(
      /bad\.json: trackers\[1\]\.matchers\.requests\[0\]: .*"host"/,
    );
  });

  it('an invalid regular expression', () => {
    expect(load({ ...validTracker, id: 'y', matchers: { cookies: [{ regex: '^_ga(' }] } })).toThrow(
      /bad\.json: trackers\[1\]\.matchers\.cookies\[0\]\.regex: not a valid regular expression/,
    );
  });

  it('an organisation without an ISO country code', () => {
    expect(load({ ...validTracker, id: 'y', organisation: { name: 'Y', country: 'Netherlands' } })).toThrow(
      /bad\.json: trackers\[1\]\.organisation\.country:/,
    );
  });

  it('a matcher that would match every host', () => {
    expect(load({ ...validTracker, id: 'y', matchers: { requests: [{ anyHost: true }] } })).toThrow(
      /bad\.json: trackers\[1\]\.matchers\.requests\[0\]: "anyHost" needs/,
    );
  });

  it('broken JSON', () => {
    expect(() => loadTrackerRules(ruleDir({ 'broken.json': '{ "trackers": [ ' }))).toThrow(/broken\.json: not valid JSON/);
  });

  it('a tracker id defined twice', () => {
    const dir = ruleDir({ 'a.json': { trackers: [validTracker] }, 'b.json': { trackers: [validTracker] } });
    expect(() => loadTrackerRules(dir)).toThrow(/b\.json: tracker id "x-tracker" is already defined in .*a\.json/);
  });

  it('an empty directory', () => {
    expect(() => loadTrackerRules(ruleDir({}))).toThrow(/no tracker rule files/);
  });
});

describe('host patterns match suffixes on label boundaries', () => {
  const m = (host: string, pattern: string) => hostMatches(host, parseHostPattern(pattern));

  it('plain suffixes', () => {
    expect(m('facebook.com', 'facebook.com')).toBe(true);
    expect(m('www.facebook.com', 'facebook.com')).toBe(true);
    expect(m('WWW.FACEBOOK.COM.', 'facebook.com')).toBe(true);
    expect(m('facebook.com.evil.nl', 'facebook.com')).toBe(false);
    expect(m('notfacebook.com', 'facebook.com')).toBe(false);
    expect(m('notgoogle-analytics.com', 'google-analytics.com')).toBe(false);
    expect(m('google-analytics.com-tracker.nl', 'google-analytics.com')).toBe(false);
  });

  it('any public suffix for `.*`', () => {
    expect(m('www.google.com', 'google.*')).toBe(true);
    expect(m('www.google.nl', 'google.*')).toBe(true);
    expect(m('google.co.uk', 'google.*')).toBe(true);
    expect(m('adservice.google.de', 'adservice.google.*')).toBe(true);
    expect(m('notgoogle.com', 'google.*')).toBe(false);
    expect(m('google.com.evil.nl', 'google.*')).toBe(false);
    expect(m('google.evil.com', 'google.*')).toBe(false);
    expect(m('google.blogspot.com', 'google.*')).toBe(false);
    expect(m('google', 'google.*')).toBe(false);
    expect(m('10.0.0.1', 'google.*')).toBe(false);
  });
});
