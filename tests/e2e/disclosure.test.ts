import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementExpectations, statementSites } from '../../fixtures/hosts/statements.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { QUICK, readDb, runCli, tempDb, type CliResult } from './helpers.js';

// Issue 7 in real Chromium: each statement fixture site, before consent only, and what the scan
// concludes about its privacy statement: found where, read or not, and per tracker named or not.

const VROEGBEEK = 'https://www.vroegbeek.nl/';
let server: FixtureServer;
let dbPath: string;
let scan: CliResult;
type Row = Record<string, unknown>;
const rows = (sql: string, ...params: unknown[]): Row[] => {
  const db = readDb(dbPath);
  try {
    return db.prepare(sql).all(...params) as Row[];
  } finally {
    db.close();
  }
};
const disclosures = (url: string) =>
  Object.fromEntries(
    rows(
      `SELECT d.tracker_id, d.status, d.term, d.snippet FROM disclosures d JOIN site_scans ss ON ss.id = d.site_scan_id
       JOIN sites s ON s.id = ss.site_id WHERE s.url = ?`,
      url,
    ).map((r) => [r.tracker_id as string, r]),
  );
const verdicts = (url: string) =>
  rows(
    `SELECT v.verdict, v.explanation, v.trackers_json FROM verdicts v JOIN site_scans ss ON ss.id = v.site_scan_id
     JOIN sites s ON s.id = ss.site_id WHERE s.url = ?`,
    url,
  );

beforeAll(async () => {
  server = await startFixtureServer();
  dbPath = tempDb();
  scan = await runCli([
    'scan', ...statementSites.map((s) => s.url), VROEGBEEK, '--db', dbPath, '--host-resolver-rules', server.hostResolverRules,
    '--ignore-https-errors', '--phases', 'pre', '--concurrency', '2', ...QUICK,
  ]);
}, 180_000);

afterAll(async () => {
  await server?.close();
});

describe('privacy statements', () => {
  it('the scan completes', () => {
    expect(scan.code, scan.stderr).toBe(0);
  });

  it.each(statementSites.map((s) => [s.url, new URL(s.url).hostname] as const))('%s: statements found and read as expected', (url, host) => {
    const expected = statementExpectations[host]!;
    const found = rows(
      `SELECT st.url, st.link_text, st.status, st.error, st.text IS NOT NULL AS readable FROM statements st
       JOIN site_scans ss ON ss.id = st.site_scan_id JOIN sites s ON s.id = ss.site_id WHERE s.url = ? ORDER BY st.seq`,
      url,
    );
    expect(found.map((f) => f.url)).toEqual(expected.statementUrls);
    if (expected.linkText) expect(found[0]?.link_text).toBe(expected.linkText);
    if (expected.status === 500) expect(found[0]).toMatchObject({ status: 500, error: 'HTTP 500', readable: 0 });
    else if (expected.statementUrls.length) expect(found[0]).toMatchObject({ status: 200, readable: 1 });
    const d = disclosures(url);
    for (const [tracker, status] of Object.entries(expected.trackers)) expect([tracker, d[tracker]?.status]).toEqual([tracker, status]);
  });

  it('names in the verdict who the statement leaves out or denies, with the matching sentence kept as evidence', () => {
    const undisclosed = (url: string) => verdicts(url).find((v) => v.verdict === 'undisclosed_third_parties');
    expect(undisclosed('https://www.googleveen.nl/')?.trackers_json).toBe('["Meta Pixel (Facebook Pixel)"]');
    expect(disclosures('https://www.googleveen.nl/')['google-analytics']).toMatchObject({ term: 'Google' });
    expect(undisclosed('https://www.englishford.nl/')?.trackers_json).toBe('["Meta Pixel (Facebook Pixel)"]');
    expect(String(undisclosed('https://www.ontkenwijk.nl/')?.explanation)).toMatch(/says the site does not use Meta Pixel/);
    expect(String(disclosures('https://www.ontkenwijk.nl/')['facebook-pixel']?.snippet)).toContain('geen Facebook Pixel');
    // Named everywhere, or nothing read: no accusation.
    for (const url of ['https://www.bannerlo.nl/', 'https://www.zwijgdorp.nl/', 'https://www.onleesbaar.nl/']) expect(undisclosed(url)).toBeUndefined();
    // Vroegbeek's statement names Google Analytics but not Meta.
    expect(disclosures(VROEGBEEK)['google-analytics']).toMatchObject({ status: 'named', term: 'Google Analytics' });
    expect(disclosures(VROEGBEEK)['facebook-pixel']).toMatchObject({ status: 'not-named' });
    expect(undisclosed(VROEGBEEK)?.trackers_json).toBe('["Meta Pixel (Facebook Pixel)"]');
  });
});
