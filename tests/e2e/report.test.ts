import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SCRIPTWOLDE_COOKIE,
  SCRIPTWOLDE_DIALOG,
  SCRIPTWOLDE_PAYLOAD,
  SCRIPTWOLDE_PIXEL,
  SCRIPTWOLDE_TITLE,
  storySites,
  WISSELMEER_PIXEL,
} from '../../fixtures/hosts/story.js';
import { writeFixtureListCsv } from '../../fixtures/lists.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/server.js';
import { fixtureSites } from '../../fixtures/sites.js';
import { findBrowser } from '../../src/browser/find.js';
import { chromiumArgs } from '../../src/browser/launch.js';
import { QUICK, readDb, ROOT, runCli, tempDb, type CliResult } from './helpers.js';

// The "done when": two nightly runs over the fixture internet; between them Wisselmeer removes
// its Meta Pixel. The diff, the export and the HTML report must each tell that story, and the report,
// opened in real Chromium, must sort, filter, show evidence and never run what a site put in it.

const WISSELMEER = 'https://www.wisselmeer.nl/';
const SCRIPTWOLDE = 'https://www.scriptwolde.nl/';
const PIXEL = 'Meta Pixel (Facebook Pixel)';
const sites = [...storySites, ...fixtureSites.filter((s) => s.code === 'GM9001' || s.code === 'GM9012')];
const ARTIFACTS = join(ROOT, 'test-artifacts', 'report');

let server: FixtureServer;
let dbPath: string;
const runs: CliResult[] = [];
let diff: CliResult;
let csvRun1: CliResult;
let csvRun2: CliResult;
let reportEn: CliResult;
let reportNl: CliResult;
let outEn: string;
let outNl: string;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  server = await startFixtureServer();
  dbPath = tempDb();
  const dir = join(dbPath, '..');
  const list = join(dir, 'sites.csv');
  await writeFixtureListCsv(list, sites);
  const scan = () =>
    runCli([
      'scan', '--list', list, '--db', dbPath, '--host-resolver-rules', server.hostResolverRules,
      '--ignore-https-errors', '--concurrency', '2', '--store-values', ...QUICK,
    ]);
  runs.push(await scan());
  server.setScenario(WISSELMEER_PIXEL, 'removed');
  runs.push(await scan());
  diff = await runCli(['diff', '--db', dbPath, '--json']);
  csvRun1 = await runCli(['export', '--db', dbPath, '--format', 'csv', '--run', '1']);
  csvRun2 = await runCli(['export', '--db', dbPath, '--format', 'csv']);
  outEn = join(dir, 'report-en');
  outNl = join(dir, 'report-nl');
  reportEn = await runCli(['report', '--db', dbPath, '--out', outEn, '--title', 'Fixture municipalities']);
  reportNl = await runCli(['report', '--db', dbPath, '--out', outNl, '--lang', 'nl']);

  mkdirSync(ARTIFACTS, { recursive: true });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  browser = await chromium.launch({ executablePath: findBrowser().path, args: chromiumArgs({}, isRoot) });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const open = async (dir: string, file: string) => {
  await page.goto(pathToFileURL(join(dir, file)).href);
};
/** Cells of the league table's visible rows, as text, in display order. */
const visibleRows = () =>
  page.$$eval('#league tbody tr:not([hidden])', (rows) => rows.map((r) => Array.from((r as HTMLTableRowElement).cells, (c) => c.textContent?.trim() ?? '')));

function csvRow(csv: string, code: string): Record<string, string> {
  const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
  const header = lines[0]!.split(',');
  const line = lines.find((l) => l.startsWith(`${code},`));
  if (!line) throw new Error(`no row for ${code}`);
  // The fields asserted on below hold no quoted commas except the tracker lists, parsed with quotes.
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') cells.push(cell), (cell = '');
    else cell += ch;
  }
  cells.push(cell);
  return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
}

describe('two runs, a tracker removed in between', () => {
  it('both runs complete with every site scanned', () => {
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(reportEn.code, reportEn.stderr).toBe(0);
    expect(reportNl.code, reportNl.stderr).toBe(0);
    expect(reportEn.stderr).toContain('report of run 2 written');
  });

  it('the diff says Wisselmeer removed its Meta Pixel, and nothing about sites that did not change', () => {
    expect(diff.code, diff.stderr).toBe(0);
    const d = JSON.parse(diff.stdout) as { sites: Array<{ url: string; gradeFrom?: string; gradeTo?: string; trackers: { pre: { added: string[]; removed: string[] } } }> };
    const w = d.sites.find((s) => s.url === WISSELMEER);
    expect(w?.trackers.pre).toEqual({ added: [], removed: [PIXEL] });
    expect([w?.gradeFrom, w?.gradeTo]).toEqual(['E', 'C']);
    expect(d.sites.map((s) => s.url)).not.toContain(SCRIPTWOLDE);
    expect(d.sites.map((s) => s.url)).not.toContain('https://www.schoonstad.nl/');
  });

  it('the export of each run has the pixel before and not after', () => {
    expect(csvRun1.code).toBe(0);
    expect(csvRun2.code).toBe(0);
    const before = csvRow(csvRun1.stdout, 'GM9201');
    const after = csvRow(csvRun2.stdout, 'GM9201');
    expect(before.trackers_pre).toContain(PIXEL);
    expect(before.grade).toBe('E');
    expect(after.trackers_pre).not.toContain(PIXEL);
    expect(after.trackers_pre).toContain('Google Analytics');
    expect(after.grade).toBe('C');
    expect([before.run_id, after.run_id]).toEqual(['1', '2']);
  });
});

describe('what the database holds', () => {
  type Row = Record<string, unknown>;
  /** Rows of `table` in the pre phase of `url` in run `runId`. */
  const rows = (table: 'cookies' | 'storage' | 'pages' | 'requests' | 'findings', url: string, runId: number): Row[] => {
    const db = readDb(dbPath);
    try {
      return db
        .prepare(
          `SELECT x.* FROM ${table} x JOIN phases p ON p.id = x.phase_id JOIN site_scans s ON s.id = p.site_scan_id
           JOIN sites t ON t.id = s.site_id WHERE t.url = ? AND s.run_id = ? AND p.name = 'pre' ORDER BY x.id`,
        )
        .all(url, runId) as Row[];
    } finally {
      db.close();
    }
  };

  it('Scriptwolde: the hostile strings are recorded verbatim, as observations and as evidence', () => {
    const cookie = rows('cookies', SCRIPTWOLDE, 2).find((c) => String(c.name).startsWith('_hj'));
    expect(cookie).toMatchObject({ name: SCRIPTWOLDE_COOKIE, value: SCRIPTWOLDE_PAYLOAD, party: 'first-party', setter: 'script' });
    const hotjar = rows('findings', SCRIPTWOLDE, 2).filter((f) => f.tracker_id === 'hotjar');
    expect(hotjar).toMatchObject([{ evidence_kind: 'cookie', cookie_row_id: cookie?.id }]);
    expect(rows('storage', SCRIPTWOLDE, 2).map((s) => s.key)).toContain(SCRIPTWOLDE_PAYLOAD);
    expect(rows('pages', SCRIPTWOLDE, 2)[0]).toMatchObject({ kind: 'start', title: SCRIPTWOLDE_TITLE });
    const hit = `https://www.facebook.com/tr?id=${SCRIPTWOLDE_PIXEL}&ev=PageView&dl=${encodeURIComponent(SCRIPTWOLDE_PAYLOAD)}`;
    const request = rows('requests', SCRIPTWOLDE, 2).find((r) => r.url === hit);
    expect(request).toBeDefined();
    const pixel = rows('findings', SCRIPTWOLDE, 2).filter((f) => f.tracker_id === 'facebook-pixel' && f.evidence_kind === 'request');
    expect(pixel.map((f) => f.request_row_id)).toContain(request?.id);
  });

  it('Wisselmeer: no request to Facebook in run 2, Google Analytics in both', () => {
    const ids = (run: number) => new Set(rows('findings', WISSELMEER, run).map((f) => f.tracker_id));
    expect([...ids(1)]).toEqual(expect.arrayContaining(['facebook-pixel', 'google-analytics']));
    expect(ids(2).has('facebook-pixel')).toBe(false);
    expect(ids(2).has('google-analytics')).toBe(true);
    expect(rows('requests', WISSELMEER, 2).filter((r) => /facebook\.(com|net)/.test(String(r.url)))).toEqual([]);
  });
});

describe('the report in a browser', () => {
  it('writes a league table, trends, accounts and a page per site, each with screenshots', () => {
    const files = readdirSync(outEn);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'trends.html', 'accounts.html', 'sites']));
    const pages = readdirSync(join(outEn, 'sites')).filter((f) => f.endsWith('.html'));
    expect(pages.sort()).toEqual(['gm9001-www.schoonstad.nl.html', 'gm9012-www.negeerwolde.nl.html', 'gm9201-www.wisselmeer.nl.html', 'gm9202-www.scriptwolde.nl.html']);
    expect(readdirSync(join(outEn, 'sites', 'gm9201-www.wisselmeer.nl')).some((f) => f.endsWith('.jpg'))).toBe(true);
    // Nothing is fetched from elsewhere: no absolute URL in a src or stylesheet link.
    const index = readFileSync(join(outEn, 'index.html'), 'utf8');
    expect(index).not.toMatch(/<(script|img|link)[^>]+(src|href)="(https?:)?\/\//);
  });

  it('shows the right rows, worst first, with the change since the previous run', async () => {
    await open(outEn, 'index.html');
    expect(await page.title()).toContain('Fixture municipalities');
    const rows = await visibleRows();
    expect(rows).toHaveLength(4);
    expect(rows[0]![1]).toContain('Gemeente Negeerwolde');
    expect(rows[0]![3]).toBe('F');
    expect(rows[0]![5]).toContain(PIXEL); // after reject
    const wisselmeer = rows.find((r) => r[1]!.includes('Wisselmeer'))!;
    expect(wisselmeer[3]).toBe('C');
    expect(wisselmeer[4]).toBe('Google Analytics');
    // Its statement names Google Analytics; since the pixel went, it names every third party found.
    expect(wisselmeer[8]).toBe('names every third party');
    expect(wisselmeer[9]).toContain(`grade E → C`);
    expect(wisselmeer[9]).toContain(`− ${PIXEL}`);
    expect(rows.find((r) => r[1]!.includes('Schoonstad'))![9]).toBe('unchanged');
    await expect(page.textContent('.figures')).resolves.toContain('of 4 sites load advertising or social-media trackers');
    await page.screenshot({ path: join(ARTIFACTS, 'index.png'), fullPage: true });
  });

  it('sorts by a column, both ways', async () => {
    await open(outEn, 'index.html');
    await page.click('#league th:nth-child(2) button');
    const order = (await visibleRows()).map((r) => r[1]!.replace(/^Gemeente (\w+).*$/, '$1'));
    expect(order).toEqual(['Negeerwolde', 'Schoonstad', 'Scriptwolde', 'Wisselmeer']);
    await page.click('#league th:nth-child(2) button');
    const names = (await visibleRows()).map((r) => r[1]!);
    expect(names[0]).toContain('Wisselmeer');
    expect(names[3]).toContain('Negeerwolde');
    await page.click('#league th:nth-child(4) button'); // grade, worst first
    expect((await visibleRows()).map((r) => r[3])).toEqual(['F', 'E', 'C', 'A']);
  });

  it('filters by tracker and by group', async () => {
    await open(outEn, 'index.html');
    await page.selectOption('#filter-tracker', 'facebook-pixel');
    const withPixel = (await visibleRows()).map((r) => r[1]!);
    expect(withPixel.some((n) => n.includes('Scriptwolde'))).toBe(true); // before consent
    expect(withPixel.some((n) => n.includes('Negeerwolde'))).toBe(true); // after reject
    expect(withPixel.some((n) => n.includes('Wisselmeer'))).toBe(false); // removed
    expect(await page.textContent('#shown-count')).toBe(String(withPixel.length));
    await page.selectOption('#filter-tracker', '');
    await page.selectOption('#filter-group', 'story');
    expect((await visibleRows()).map((r) => r[1]!.includes('Wisselmeer') || r[1]!.includes('Scriptwolde'))).toEqual([true, true]);
  });

  it("a site page shows its evidence, advice and history", async () => {
    await open(outEn, 'sites/gm9201-www.wisselmeer.nl.html');
    const text = (await page.textContent('main'))!;
    expect(text).toContain('Third-party analytics before consent');
    expect(text).toMatch(/request GET https:\/\/www\.googletagmanager\.com\/gtag\/js\?id=G-WISSEL0001/);
    expect(text).toMatch(/cookie _ga @ \.wisselmeer\.nl, set by a script/);
    expect(text).toContain('What to do');
    expect(text).toContain('Google Analytics: load it only after consent');
    const statement = await page.$$eval('table.disclosures tbody tr', (trs) => trs.map((r) => r.getAttribute('data-status')));
    expect(statement).toEqual(['named']);
    expect(await page.textContent('ul.statements')).toContain('https://www.wisselmeer.nl/privacyverklaring');
    const history = await page.$$eval('table.history tbody tr', (rows) => rows.map((r) => (r as HTMLTableRowElement).cells[2]!.textContent));
    expect(history).toEqual(['C', 'E']);
    const pixel = await page.$$eval('table.sightings tbody tr', (rows) =>
      rows.map((r) => Array.from((r as HTMLTableRowElement).cells, (c) => c.textContent)).find((c) => c[0]!.startsWith('Meta Pixel')),
    );
    expect(pixel?.[4]).toBe('no');
    const shots = await page.$$eval('.shots img', (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(shots.length).toBeGreaterThanOrEqual(3);
    expect(shots.every((w) => w > 0)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'site-wisselmeer.png'), fullPage: true });
  });

  it('hostile cookie names, titles and storage keys show as text and run nothing', async () => {
    await open(outEn, 'sites/gm9202-www.scriptwolde.nl.html');
    const names = await page.$$eval('.cookie-name', (els) => els.map((e) => e.textContent));
    expect(names).toContain(SCRIPTWOLDE_COOKIE);
    expect(await page.$$eval('.page-title', (els) => els.map((e) => e.textContent))).toContain(`${SCRIPTWOLDE_PAYLOAD} | Gemeente Scriptwolde`);
    expect(await page.$$eval('.storage-key', (els) => els.map((e) => e.textContent))).toContain(SCRIPTWOLDE_PAYLOAD);
    expect(await page.textContent('main')).toContain('dl=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E');
    expect(await page.$$eval('.page-events li', (els) => els.map((e) => e.textContent))).toContain(`dialog: confirm: ${SCRIPTWOLDE_DIALOG}`);
    expect(await page.$$('svg[onload]')).toHaveLength(0);
    // Escaping, not the CSP, kept them text: no element was made from them.
    expect(await page.$$('img[src="x"]')).toHaveLength(0);
    expect(await page.$$('main script')).toHaveLength(0);
    // Values are stored only on request and never shown: the storage value and the cookie value are absent.
    expect(await page.textContent('body')).not.toContain('alert(3)');
    await page.screenshot({ path: join(ARTIFACTS, 'site-scriptwolde.png'), fullPage: true });
    for (const file of ['index.html', 'trends.html', 'accounts.html']) await open(outEn, file);
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('trends chart both runs; the Dutch report is in Dutch', async () => {
    await open(outEn, 'trends.html');
    expect(await page.$$('svg.chart polyline')).toHaveLength(4);
    expect(await page.$$('svg.chart circle')).toHaveLength(8);
    await open(outNl, 'index.html');
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    expect(await page.textContent('h1')).toBe('Ranglijst');
    await open(outNl, 'sites/gm9201-www.wisselmeer.nl.html');
    const text = (await page.textContent('main'))!;
    expect(text).toContain('Wat te doen');
    expect(text).toContain('Statistieken van derden vóór toestemming');
  });
});
