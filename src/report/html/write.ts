import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { phasesOfRun } from '../../diff/diff.js';
import {
  findingEvidenceOfSiteScan,
  getRun,
  phaseOverviewOfSiteScan,
  plannedUrlsOfRun,
  runsWithSiteScans,
  screenshotsOfSiteScan,
  siteResultsOfRun,
  type Database,
} from '../../store/index.js';
import type { Lang } from '../advice.js';
import { accountsPage } from './accounts-page.js';
import { STRINGS } from './i18n.js';
import { page } from './layout.js';
import { leaguePage } from './league-page.js';
import { reportModel, type RunResults } from './model.js';
import { sitePage, type SiteDetails } from './site-page.js';
import { trendsPage } from './trends-page.js';

// Writes the static report folder: index.html (league table), trends.html, accounts.html and one page
// per site under sites/, with its screenshots next to it. The folder is built aside and then swapped
// in, so a reader never sees half a report and a failed build leaves the old one standing.

/** Marks a folder as ours: only such a folder (or an empty one) is ever replaced. */
const MARKER = '.cookiewatch-report';

export class ReportError extends Error {}

export interface ReportOptions {
  out: string;
  /** The run to show (default: the newest with finished site scans). */
  runId?: number;
  lang: Lang;
  title?: string;
  toolVersion: string;
  /** The database read, so a report never replaces the folder that holds it. */
  dbPath?: string;
}

export interface ReportResult {
  runId: number;
  out: string;
  sitePages: number;
  screenshots: number;
}

/** What a report folder holds; anything else in it was put there by someone else and is never deleted. */
const REPORT_ENTRIES = new Set([MARKER, 'index.html', 'trends.html', 'accounts.html', 'sites', '.DS_Store', 'Thumbs.db', 'desktop.ini']);

/**
 * The report replaces --out as a whole, so --out must hold nothing but an earlier report: not the
 * user's files (a CNAME, a .git folder), not the database, not the folder the user stands in.
 */
function checkOutDir(out: string, dbPath: string | undefined): void {
  const inside = (p: string) => p === out || p.startsWith(out.endsWith(sep) ? out : out + sep);
  if (dirname(out) === out) throw new ReportError(`--out ${out} is the root of the file system; choose a folder for the report`);
  if (inside(resolve(process.cwd()))) {
    throw new ReportError(`--out ${out} is the current folder or holds it; choose a folder of its own, e.g. ${join(out, 'report')}`);
  }
  if (dbPath && inside(resolve(dbPath))) throw new ReportError(`the database ${dbPath} is inside --out ${out}; write the report to another folder`);
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new ReportError(`${out} exists and is not a folder`);
  const entries = readdirSync(out);
  if (!entries.length) return;
  if (!entries.includes(MARKER)) {
    throw new ReportError(`${out} is not empty and holds no cookiewatch report; choose an empty or new folder`);
  }
  const foreign = entries.filter((e) => !REPORT_ENTRIES.has(e));
  if (foreign.length) {
    throw new ReportError(
      `${out} holds files a report did not write (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); ` +
        'the report replaces its folder, so choose one that holds only the report',
    );
  }
}

export function writeReport(db: Database, o: ReportOptions): ReportResult {
  const available = runsWithSiteScans(db);
  if (!available.length) throw new ReportError('no run in the database has a finished site scan yet; run cookiewatch scan first');
  // Each run's record and planned list, read once.
  const info = new Map(available.map((r) => [r.id, { run: getRun(db, r.id), planned: plannedUrlsOfRun(db, r.id) }]));
  // Trends and changes compare runs of the same list: a run from --list by its list, a run of URLs
  // given on the command line (or a check kept with --db) by exactly those URLs. So a one-site check in
  // the nightly database, or a scan of another list, is no step in the list's history.
  const listKey = (id: number) => {
    const { run, planned } = info.get(id)!;
    return run?.listSource !== undefined ? `list:${run.listSource}` : `urls:${[...planned].sort().join(' ')}`;
  };
  // By default the newest run made from a list: the league table, not the check someone ran since.
  const fromLists = available.filter((r) => info.get(r.id)!.run?.listSource !== undefined);
  const chosen = o.runId ?? (fromLists.at(-1) ?? available.at(-1)!).id;
  if (!info.has(chosen)) {
    throw new ReportError(getRun(db, chosen) ? `run ${chosen} has no finished site scans; there is nothing to report` : `no run ${chosen} in the database`);
  }
  const out = resolve(o.out);
  checkOutDir(out, o.dbPath);

  const key = listKey(chosen);
  const runs: RunResults[] = available
    .filter((r) => r.id <= chosen && listKey(r.id) === key)
    .map((r) => ({
      id: r.id,
      startedAt: r.startedAt,
      status: r.status,
      phases: phasesOfRun(info.get(r.id)!.run),
      planned: info.get(r.id)!.planned,
      results: siteResultsOfRun(db, r.id),
    }));
  const model = reportModel(runs, chosen);
  const lang = o.lang;
  const s = STRINGS[lang];
  const reportTitle = o.title ?? s.reportTitle;
  const base = { lang, reportTitle, toolVersion: o.toolVersion };

  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  let screenshots = 0;
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(join(tmp, 'sites'), { recursive: true });
    writeFileSync(join(tmp, MARKER), `cookiewatch report of run ${chosen}\n`);
    writeFileSync(join(tmp, 'index.html'), page({ ...base, title: s.leagueTitle, root: '', current: 'league', script: true }, leaguePage(model, lang)));
    writeFileSync(join(tmp, 'trends.html'), page({ ...base, title: s.trendsTitle, root: '', current: 'trends' }, trendsPage(model, lang)));
    writeFileSync(join(tmp, 'accounts.html'), page({ ...base, title: s.accountsTitle, root: '', current: 'accounts' }, accountsPage(model, lang)));
    for (const row of model.rows) {
      const id = row.result.siteScanId;
      const details: SiteDetails = { evidence: findingEvidenceOfSiteScan(db, id), phases: phaseOverviewOfSiteScan(db, id), screenshots: [] };
      const shots = screenshotsOfSiteScan(db, id);
      if (shots.length) mkdirSync(join(tmp, 'sites', row.slug), { recursive: true });
      shots.forEach((shot, i) => {
        const ext = shot.mimeType === 'image/png' ? 'png' : 'jpg';
        const file = `${shot.phase}-${shot.moment}-${shot.pageIndex}-${i}.${ext}`;
        writeFileSync(join(tmp, 'sites', row.slug, file), shot.data);
        details.screenshots.push({ phase: shot.phase, moment: shot.moment, pageIndex: shot.pageIndex, file: `${row.slug}/${file}` });
        screenshots++;
      });
      const title = row.result.name ?? row.result.url;
      writeFileSync(join(tmp, 'sites', `${row.slug}.html`), page({ ...base, title, root: '../' }, sitePage(row, details, model, lang)));
    }
    // Swap: the old report stays whole until the new one is complete, and comes back if the swap fails.
    const old = join(dirname(out), `.${basename(out)}.old-${process.pid}`);
    const hadOld = existsSync(out);
    if (hadOld) renameSync(out, old);
    try {
      renameSync(tmp, out);
    } catch (err) {
      if (hadOld) renameSync(old, out);
      throw err;
    }
    try {
      rmSync(old, { recursive: true, force: true });
    } catch {
      // The new report is in place; a leftover copy of the old one is untidy, not an error.
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { runId: chosen, out, sitePages: model.rows.length, screenshots };
}
