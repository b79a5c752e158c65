import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import type { CheckDocument } from '../../src/report/check-text.js';
import { QUICK, readDb, runCli, tempDb } from './helpers.js';

// `cookiewatch check` in real Chromium on the fixture internet: three scans of one site each, with
// the short waits; the input errors never start a browser.

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server?.close();
});

const fixture = () => ['--host-resolver-rules', server.hostResolverRules, '--ignore-https-errors', ...QUICK];
const checkDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('cookiewatch-check-')).sort();

describe('cookiewatch check', () => {
  it('fails a CI step with exit 3 and one JSON document when tracking starts before consent, and keeps the scan with --db', async () => {
    const dbPath = tempDb();
    const r = await runCli(['check', 'https://www.volgdorp.nl/', '--fail-on', 'tracking_before_consent', '--json', '--db', dbPath, ...fixture()]);
    expect(r.stderr).toBe('check failed: found tracking_before_consent (--fail-on tracking_before_consent)\n');
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as CheckDocument;
    expect(doc).toMatchObject({
      url: 'https://www.volgdorp.nl/', status: 'ok', grade: 'E', failOn: ['tracking_before_consent'],
      failOnMatched: ['tracking_before_consent'], failed: true, interruptedBy: null, exitCode: 3, db: dbPath, banner: { found: false },
      // No banner: nothing could be accepted or rejected, and the document says so.
      notChecked: ['accept', 'reject'],
    });
    const verdict = doc.verdicts.find((v) => v.id === 'tracking_before_consent');
    expect(verdict?.title).toBe('Tracking before consent');
    expect(verdict?.advice.some((a) => a.startsWith('Meta Pixel: '))).toBe(true);
    const pixelHit = verdict?.evidence.find((e) => e.kind === 'request' && /^https:\/\/www\.facebook\.com\/tr\/?\?/.test(e.url));
    expect(pixelHit).toMatchObject({ phase: 'pre', trackerId: 'facebook-pixel', rule: expect.stringMatching(/^facebook-pixel:/) });
    expect(doc.trackers.pre.filter((t) => t.reported).map((t) => t.id).sort()).toEqual(['facebook-pixel', 'google-analytics']);
    expect(Object.keys(doc.consent)).toEqual(['pre', 'accept', 'reject']);
    // Its privacy statement was read and names neither tracker.
    expect(doc.statements).toEqual([expect.objectContaining({ url: 'https://www.volgdorp.nl/privacyverklaring', foundOn: 'page', readable: true })]);
    expect(doc.disclosures?.map((d) => [d.trackerId, d.status]).sort()).toEqual([['facebook-pixel', 'not-named'], ['google-analytics', 'not-named']]);
    expect(doc.verdicts.map((v) => v.id)).toContain('undisclosed_third_parties');

    // Kept like any run: all three phases stored, and export reads it.
    const db = readDb(dbPath);
    try {
      expect(db.prepare('SELECT name FROM phases ORDER BY id').pluck().all()).toEqual(['pre', 'accept', 'reject']);
      expect(db.prepare('SELECT status FROM runs').pluck().all()).toEqual(['complete']);
    } finally {
      db.close();
    }
    const exported = await runCli(['export', '--db', dbPath, '--format', 'json']);
    expect(exported.code).toBe(0);
    expect((JSON.parse(exported.stdout) as { sites: Array<{ grade: string }> }).sites.map((s) => s.grade)).toEqual(['E']);
  }, 120_000);

  it('passes a clean site with exit 0, says no tracking was found, and deletes its temporary database', async () => {
    const before = checkDirs();
    const r = await runCli(['check', 'www.schoonstad.nl', '--fail-on', 'any', ...fixture()]);
    expect(r.stderr).toBe('scanning https://www.schoonstad.nl/ (3 phases: before consent, after accepting, after rejecting) …\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cookiewatch check of https:\/\/www\.schoonstad\.nl\/\n\nGrade A: /);
    expect(r.stdout).toContain('No tracking found: no trackers before consent.\n');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('Not checked: what happens after accepting or after rejecting. No consent banner was found');
    expect(r.stdout).toContain('   Before consent (nothing clicked): no trackers found\n');
    expect(r.stdout).toContain('Banner: none found');
    expect(checkDirs()).toEqual(before);
  }, 120_000);

  it('exits 4 when the site cannot be scanned, even without --fail-on', async () => {
    const r = await runCli(['check', 'https://www.nergens.invalid/', ...fixture()]);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('The site could not be scanned.\nFailure: dns (');
    expect(r.stdout).toContain('ERR_NAME_NOT_RESOLVED');
    expect(r.stderr).toMatch(/\ncheck failed: https:\/\/www\.nergens\.invalid\/ could not be scanned \(dns: .*\); nothing was checked\n$/);
  }, 120_000);

  it('refuses a malformed URL and an unknown --fail-on id with one line and exit 2, before starting a browser', async () => {
    const before = checkDirs();
    const bad = await runCli(['check', 'https://exa mple.nl/', '--browser', '/nonexistent/chromium']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('error: "https://exa mple.nl/" is not a URL (it contains spaces)\n');

    const unknown = await runCli(['check', 'www.volgdorp.nl', '--fail-on', 'tracking', '--browser', '/nonexistent/chromium']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^error: --fail-on: unknown verdict "tracking"; valid: any, tracking_before_consent, .*consent_signal_ignored, undisclosed_third_parties\n$/);
    expect(checkDirs()).toEqual(before);
  });
});
