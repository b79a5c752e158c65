import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
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
}

export interface ReportResult {
  runId: number;
  out: string;
  sitePages: number;
  screenshots: number;
}

function checkOutDir(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new ReportError(`${out} exists and is not a folder`);
  const entries = readdirSync(out);
  if (entries.length && !entries.includes(MARKER)) {
    throw new ReportError(`${out} is not empty and holds no cookiewatch report; choose an empty or new folder`);
  }
}

export function writeReport(db: Database, o: ReportOptions): ReportResult {
  const available = runsWithSiteScans(db);
  if (!available.length) throw new ReportError('no run in the database has a finished site scan yet; run cookiewatch scan first');
  const chosen = o.runId ?? available[available.length - 1]!.id;
  if (!available.some((r) => r.id === chosen)) {
    throw new ReportError(getRun(db, chosen) ? `run ${chosen} has no finished site scans; there is nothing to report` : `no run ${chosen} in the database`);
  }
  const out = resolve(o.out);
  checkOutDir(out);

  const runs: RunResults[] = available
    .filter((r) => r.id <= chosen)
    .map((r) => ({
      id: r.id,
      startedAt: r.startedAt,
      status: r.status,
      phases: phasesOfRun(getRun(db, r.id)),
      planned: plannedUrlsOfRun(db, r.id),
      results: siteResultsOfRun(db, r.id),
    }));
  const model = reportModel(runs, chosen);
  const lang = o.lang;
  const s = STRINGS[lang];
  const reportTitle = o.title ?? s.reportTitle;
  const base = { lang, reportTitle, toolVersion: o.toolVersion };

  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'sites'), { recursive: true });
  let screenshots = 0;
  try {
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
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  // Swap: the old report stays whole until the new one is complete.
  const old = join(dirname(out), `.${basename(out)}.old-${process.pid}`);
  if (existsSync(out)) renameSync(out, old);
  renameSync(tmp, out);
  rmSync(old, { recursive: true, force: true });
  return { runId: chosen, out, sitePages: model.rows.length, screenshots };
}
