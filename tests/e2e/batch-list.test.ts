import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { BLOCKED_POPUP_URL, COOKIE_FLOOD, POPUP_PARTNER_HOST } from '../../fixtures/hosts/hostile.js';
import { syntheticSites } from '../../fixtures/hosts/synthetic.js';
import { batchFixtureList, fixtureListCsv } from '../../fixtures/lists.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { isTransient } from '../../src/scan/failures.js';
import { siteOutcomesOfRun, type SiteOutcome } from '../../src/store/outcomes.js';
import { QUICK, readDb, runCli, scans, tempDb, waitUntil, type CliResult } from './helpers.js';

// Nightly list scans: a 30+ site list with broken sites, the site deadline, and what a resume refuses.
let server: FixtureServer;
const dir = mkdtempSync(join(tmpdir(), 'cookiewatch-batch-'));

type Row = Record<string, unknown>;

beforeAll(async () => {
  server = await startFixtureServer();
});

afterAll(async () => {
  await server?.close();
});

describe('a 40-site list with broken and hostile sites, and a second scan writing the same database', () => {
  // 8 generated sites rather than the default 20: enough of each scenario, and the suite stays short.
  const list = batchFixtureList({ synthetic: 8 });
  // Scanned alone (run 2, its own browser) while the big run (run 1) writes to the same database.
  const alone = [
    'https://www.volgdorp.nl/',
    'https://www.dialoogdorp.nl/',
    'http://www.onbeveiligd.nl/',
    // Sites without a banner: a banner click starved of CPU may time out in one run and not the other.
    syntheticSites(8).find((s) => s.scenario === 'youtube-embed')!.url,
  ];
  let result: CliResult;
  let aloneResult: CliResult;
  let dbPath: string;
  let db: Database.Database;
  let logPath: string;

  beforeAll(async () => {
    const listPath = join(dir, 'batch.csv');
    writeFileSync(listPath, fixtureListCsv(list));
    dbPath = tempDb();
    logPath = join(dir, 'batch.log');
    const big = runCli([
      'scan', '--list', listPath, '--db', dbPath, '--host-resolver-rules', server.hostResolverRules,
      '--ignore-https-errors', '--concurrency', '4', '--log', logPath, '--restart-every', '12', ...QUICK,
    ]);
    // Once run 1 exists, the second scan starts: two processes writing one database at once.
    await waitUntil(() => runCount(dbPath) >= 1, 60_000, 'run 1 in the database');
    aloneResult = await runCli([
      'scan', ...alone, '--db', dbPath, '--host-resolver-rules', server.hostResolverRules,
      '--ignore-https-errors', '--concurrency', '1', ...QUICK,
    ]);
    result = await big;
    db = readDb(dbPath);
  }, 540_000);

  afterAll(() => db?.close());

  it('completes with exit code 0: failed sites are data, not errors', () => {
    expect(result.stderr).not.toMatch(/error:/);
    expect(result.code).toBe(0);
    expect(list.length).toBeGreaterThanOrEqual(30);
    const run = db.prepare('SELECT * FROM runs WHERE id = 1').get() as Row;
    expect(run.status).toBe('complete');
    expect(db.prepare('SELECT count(*) FROM run_sites WHERE run_id = 1').pluck().get()).toBe(list.length);
  });

  it('records every listed site exactly once', () => {
    const rows = scans(db, 1);
    expect(rows.map((r) => r.url).sort()).toEqual(list.map((s) => s.url).sort());
  });

  it('gives each broken site its failure class, retrying only transient failures', () => {
    const byUrl = new Map(scans(db, 1).map((r) => [r.url as string, r]));
    const broken = list.filter((s) => s.expectedFailure);
    expect(broken.length).toBeGreaterThanOrEqual(5);
    for (const site of broken) {
      const row = byUrl.get(site.url)!;
      expect({ url: site.url, status: row.status, failureClass: row.failure_class }).toEqual({
        url: site.url,
        status: 'failed',
        failureClass: site.expectedFailure,
      });
      expect(row.failure_message, site.url).toBeTruthy();
      expect(row.grade, site.url).toBe('?');
      const transient = isTransient(String(row.failure_class), String(row.failure_message));
      expect({ url: site.url, attempts: row.attempts }).toEqual({ url: site.url, attempts: transient ? 2 : 1 });
    }
    const classes = new Set(broken.map((s) => s.expectedFailure));
    for (const c of ['timeout', 'http-status', 'dns', 'navigation', 'tls', 'connection', 'page-crash']) expect(classes).toContain(c);
  });

  it('says why each hostile site failed, in words a reader understands', () => {
    const byUrl = new Map(scans(db, 1).map((r) => [r.url as string, r]));
    // A browser with a PDF viewer opens it (we read its type); the headless shell has none and downloads it.
    expect(byUrl.get('https://www.pdfhoven.nl/jaarverslag-2025.pdf')?.failure_message).toMatch(
      /^the start URL is (not a web page but application\/pdf|a download, not a web page)$/,
    );
    expect(String(byUrl.get('https://www.drukbezet.nl/')?.failure_message)).toMatch(/^the page stopped responding: a script kept it busy/);
    expect(byUrl.get('https://www.drukbezet.nl/')?.attempts).toBe(1);
    expect(String(byUrl.get('https://www.geheugenvreter.nl/')?.failure_message)).toMatch(/^the page crashed: its renderer process died/);
    // A renderer can also die of the machine's memory: a crash is tried once more.
    expect(byUrl.get('https://www.geheugenvreter.nl/')?.attempts).toBe(2);
    expect(String(byUrl.get('https://www.traagveen.nl/')?.failure_message)).toMatch(/Timeout/);
    // The frozen and the crashed page say so in their phase's events too.
    const events = (url: string) =>
      db
        .prepare(
          `SELECT ph.name AS phase, e.kind, e.detail FROM page_events e JOIN phases ph ON ph.id = e.phase_id
           JOIN site_scans ss ON ss.id = ph.site_scan_id JOIN sites s ON s.id = ss.site_id WHERE ss.run_id = 1 AND s.url = ? ORDER BY e.id`,
        )
        .all(url) as Row[];
    expect(events('https://www.drukbezet.nl/').map((e) => e.kind)).toContain('unresponsive');
    expect(events('https://www.geheugenvreter.nl/').map((e) => e.kind)).toContain('crash');
    // Dialogs were answered (the scan went on through every phase) and recorded.
    const dialogs = events('https://www.dialoogdorp.nl/').filter((e) => e.kind === 'dialog');
    expect(new Set(dialogs.map((e) => String(e.detail).split(':')[0]))).toEqual(new Set(['alert', 'confirm', 'prompt', 'beforeunload']));
    expect(dialogs.some((e) => e.detail === 'alert: Welkom op de website van Dialoogdorp!')).toBe(true);
    // Pop-ups: each banner click that went through opened one, recorded in its phase; before consent
    // (no click) any pop-up is closed at once.
    const popups = events('https://www.popupstad.nl/').filter((e) => e.kind === 'popup');
    const clicked = popupstadPhasesClicked();
    expect(clicked.length).toBeGreaterThan(0);
    for (const phase of clicked) {
      const keuze = phase === 'accept' ? 'accepted' : 'rejected';
      expect(popups.map((e) => [e.phase, e.detail])).toContainEqual([phase, `https://${POPUP_PARTNER_HOST}/actie?keuze=${keuze}`]);
    }
    expect(popups.filter((e) => e.phase === 'pre').every((e) => String(e.detail).startsWith('closed at once'))).toBe(true);
  });

  /** The consent phases of Popupstad whose banner click went through (a starved CPU can make one time out). */
  function popupstadPhasesClicked(): string[] {
    return db
      .prepare(
        `SELECT ph.name FROM phases ph JOIN site_scans ss ON ss.id = ph.site_scan_id JOIN sites s ON s.id = ss.site_id
         WHERE ss.run_id = 1 AND s.url = 'https://www.popupstad.nl/' AND ph.name != 'pre' AND ph.consent_success = 1 ORDER BY ph.name`,
      )
      .pluck()
      .all() as string[];
  }

  it('records what a pop-up sent in the phase that opened it, and judges none of it', () => {
    const requests = db
      .prepare(
        `SELECT ph.name AS phase, r.url, r.frame_url, r.initiator_type FROM requests r JOIN phases ph ON ph.id = r.phase_id
         JOIN site_scans ss ON ss.id = ph.site_scan_id JOIN sites s ON s.id = ss.site_id
         WHERE ss.run_id = 1 AND s.url = 'https://www.popupstad.nl/'`,
      )
      .all() as Row[];
    // The pop-up's own page (its first request, made before its frame exists) and the pixel it loads.
    const clicked = popupstadPhasesClicked();
    const popupPage = requests.filter((r) => String(r.url).startsWith(`https://${POPUP_PARTNER_HOST}/actie`));
    const pixel = requests.filter((r) => String(r.url).startsWith('https://www.facebook.com/tr'));
    for (const phase of clicked) {
      expect(popupPage.filter((r) => r.phase === phase).map((r) => r.initiator_type)).toEqual(['popup']);
      expect(pixel.filter((r) => r.phase === phase).length).toBeGreaterThan(0);
    }
    expect(pixel.every((r) => r.initiator_type === 'popup' && String(r.frame_url).includes(POPUP_PARTNER_HOST))).toBe(true);
    // The pop-up the page tries while it loads, before any click: the browser's blocker stops it, unless
    // a reply of Playwright to one of our bindings (they count as a user gesture) came just before; then
    // it is closed at once. Either way nothing of it is judged, and it is recorded as pop-up traffic.
    const preload = requests.filter((r) => r.url === BLOCKED_POPUP_URL && r.phase === 'pre');
    expect(preload.every((r) => r.initiator_type === 'popup')).toBe(true);
    // Another site's page in a window the visitor may never have seen: no finding, no verdict, grade A.
    const judged = db
      .prepare(
        `SELECT count(*) FROM findings f JOIN phases ph ON ph.id = f.phase_id JOIN site_scans ss ON ss.id = ph.site_scan_id
         JOIN sites s ON s.id = ss.site_id WHERE ss.run_id = 1 AND s.url = 'https://www.popupstad.nl/' AND f.evidence_kind = 'request'
         AND f.tracker_id = 'facebook-pixel'`,
      )
      .pluck()
      .get();
    expect(judged).toBe(0);
    expect(outcome(db, 1, 'https://www.popupstad.nl/')).toMatchObject({ status: 'ok', grade: 'A' });
    expect(outcome(db, 1, 'https://www.popupstad.nl/').verdicts).not.toContain('tracking_after_reject');
  });

  it('records every cookie of a cookie flood by name, and no value', () => {
    const cookies = db
      .prepare(
        `SELECT c.name, c.value, c.value_length FROM cookies c JOIN phases ph ON ph.id = c.phase_id JOIN site_scans ss ON ss.id = ph.site_scan_id
         JOIN sites s ON s.id = ss.site_id WHERE ss.run_id = 1 AND s.url = 'https://www.koekjesberg.nl/' AND ph.name = 'pre' AND c.name LIKE 'kruimel%'`,
      )
      .all() as Row[];
    expect(cookies).toHaveLength(COOKIE_FLOOD.count);
    expect(cookies.every((c) => c.value === null && c.value_length === COOKIE_FLOOD.valueLength)).toBe(true);
  });

  it('gives a site served over plain http its grade like any other', () => {
    const row = db
      .prepare(`SELECT ss.status, ss.final_url FROM site_scans ss JOIN sites s ON s.id = ss.site_id WHERE ss.run_id = 1 AND s.url = 'http://www.onbeveiligd.nl/'`)
      .get() as Row;
    expect(row).toEqual({ status: 'ok', final_url: 'http://www.onbeveiligd.nl/' });
  });

  it('lets a second scan write the same database at once: both runs complete, nothing lost, nothing corrupt', () => {
    expect(aloneResult.stderr).not.toMatch(/error/i);
    expect(aloneResult.code).toBe(0);
    expect(db.prepare('SELECT id, status FROM runs ORDER BY id').all()).toEqual([
      { id: 1, status: 'complete' },
      { id: 2, status: 'complete' },
    ]);
    expect(scans(db, 2).map((r) => r.url).sort()).toEqual([...alone].sort());
  });

  it('gives the good sites the same results in the hostile run as scanned alone', () => {
    for (const url of alone) expect(outcome(db, 1, url), url).toEqual(outcome(db, 2, url));
    expect(outcome(db, 1, 'https://www.volgdorp.nl/').grade).toBe('E');
  });

  it('recovers a site whose failure passes on retry', () => {
    const flaky = list.filter((s) => s.transient);
    expect(flaky.length).toBeGreaterThan(0);
    const byUrl = new Map(scans(db, 1).map((r) => [r.url as string, r]));
    for (const site of flaky) {
      expect(byUrl.get(site.url)).toMatchObject({ status: 'ok', attempts: 2 });
    }
  });

  it('scans every site that can be scanned: ok and graded', () => {
    const byUrl = new Map(scans(db, 1).map((r) => [r.url as string, r]));
    for (const site of list.filter((s) => !s.expectedFailure)) {
      expect({ url: site.url, status: byUrl.get(site.url)?.status }).toEqual({ url: site.url, status: 'ok' });
      expect(byUrl.get(site.url)?.grade).toMatch(/^[A-F]$/);
    }
    // The site with trackers and no banner is judged as in the single-site tests.
    expect(byUrl.get('https://www.volgdorp.nl/')?.grade).toBe('E');
    expect(byUrl.get('https://www.schoonstad.nl/')?.grade).toBe('A');
  });

  it('prints a line per site and a summary with failures by class', () => {
    expect(result.stdout).toMatch(/^✓ GM9002 Gemeente Volgdorp \(https:\/\/www\.volgdorp\.nl\/\)  grade E  before consent: .*Google Analytics/m);
    expect(result.stdout).toMatch(/^✗ .*failed \(dns\): .*ERR_NAME_NOT_RESOLVED/m);
    const failed = list.filter((s) => s.expectedFailure).length;
    expect(result.stdout).toMatch(new RegExp(`^run 1 complete: ${list.length} sites in .*\\n` + `ok ${list.length - failed}, failed ${failed} \\(`, 'm'));
    expect(result.stdout).toMatch(/^trackers before consent: \d+ sites$/m);
  });

  it('writes JSON lines to the log file, one per finished site', () => {
    const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
    const done = lines.filter((l) => l.msg === 'site scanned' || l.msg === 'site failed');
    expect(done).toHaveLength(list.length);
    expect(lines.some((l) => l.msg === 'transient failure; will retry' && l.level === 40)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ msg: 'run finished', status: 'complete', saved: list.length });
  });

  it('replaces the browser every 12 sites, so memory stays bounded over a long run', () => {
    const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
    const retired = lines.filter((l) => l.msg === 'restarting the browser to keep memory bounded');
    // 40 sites plus retries: at least three replacements.
    expect(retired.length).toBeGreaterThanOrEqual(3);
    expect(retired.every((l) => l.scans === 12)).toBe(true);
    const launches = Number(/(\d+) browser start\(s\)/.exec(result.stdout)?.[1]);
    // A crash (the memory eater can take the browser down with its page) starts one more.
    const crashes = lines.filter((l) => l.msg === 'the browser crashed; starting a new one').length;
    // A browser retired by the very last site is not replaced.
    expect([retired.length, retired.length + 1]).toContain(launches - crashes);
  });

  it('leaves a sound database', () => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
});

function runCount(path: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    return db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
  } catch {
    return 0; // the file or its schema may not exist yet
  } finally {
    db?.close();
  }
}

/** What a reader compares between two scans of a site: status, grade, verdicts, and trackers per phase. */
function outcome(db: Database.Database, runId: number, url: string): SiteOutcome {
  const found = siteOutcomesOfRun(db, runId).find((o) => o.url === url);
  if (!found) throw new Error(`run ${runId} has no scan of ${url}`);
  return found;
}

describe('what a resume refuses', () => {
  it('explains when there is nothing to resume, and refuses URLs or changed options with it', async () => {
    const dbPath = tempDb();
    const none = await runCli(['scan', '--resume', '--db', dbPath]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toBe(`error: no unfinished run to resume in ${dbPath}\n`);

    const withUrl = await runCli(['scan', 'www.a.nl', '--resume', '--db', dbPath]);
    expect(withUrl.code).toBe(2);
    expect(withUrl.stderr).toBe('error: --resume continues a run with its own list; give no URLs or --list with it\n');

    const badId = await runCli(['scan', '--resume', 'x', '--db', dbPath]);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/--resume.*A run id is a whole number from 1\./);
  });

  it('names the built-in lists when a list file does not exist, and refuses an empty command', async () => {
    const missing = await runCli(['scan', '--list', join(dir, 'nope.csv'), '--db', tempDb()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv.*nl-municipalities/s);
    expect(missing.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const nothing = await runCli(['scan', '--db', tempDb()]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toBe('error: nothing to scan: give start URLs, --list <file|nl-municipalities>, or --resume\n');
  });
});

describe('the site deadline', () => {
  it('ends a site that hangs within its deadline, recorded as a timeout and retried as asked', async () => {
    const dbPath = tempDb();
    const result = await runCli([
      'scan', 'https://www.wachtebroek.nl/', '--db', dbPath, '--host-resolver-rules', server.hostResolverRules,
      '--ignore-https-errors', '--site-timeout', '3000', '--visit-timeout', '60000', '--retries', '1', '--retry-delay', '100',
    ]);
    expect(result.code).toBe(0);
    const db = readDb(dbPath);
    const row = scans(db, 1)[0]!;
    expect(row).toMatchObject({ status: 'failed', failure_class: 'timeout', attempts: 2, grade: '?' });
    expect(row.failure_message).toBe('site deadline of 3000 ms passed before all phases finished');
    db.close();
  }, 120_000);
});
