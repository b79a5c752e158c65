import { launchBrowser, type LaunchOptions } from '../browser/launch.js';
import type { SiteInput, SiteScanResult } from '../observe/types.js';
import { createRun, finishRun, openDatabase, saveSiteScan } from '../store/index.js';
import { toolVersion } from '../util/package-info.js';
import { scanSite, type SiteScanOptions } from './site.js';

export interface RunOptions extends SiteScanOptions, LaunchOptions {
  dbPath: string;
  /** Recorded with the run so a reader knows how it was made. */
  recordedOptions: Record<string, unknown>;
  onSiteDone?: (result: SiteScanResult) => void;
}

export interface RunResult {
  runId: number;
  browserVersion: string;
  results: SiteScanResult[];
}

/** A run over a list of sites; each site scan is committed as soon as it finishes. */
export async function runScan(sites: SiteInput[], opts: RunOptions): Promise<RunResult> {
  const db = openDatabase(opts.dbPath);
  try {
    const launched = await launchBrowser(opts);
    const runId = createRun(db, {
      toolVersion: toolVersion(),
      browserVersion: launched.version,
      browserPath: launched.location.path,
      cookieControlsMode: launched.cookieControlsMode,
      userAgent: launched.userAgent,
      options: opts.recordedOptions,
      startedAt: new Date().toISOString(),
    });
    const results: SiteScanResult[] = [];
    let complete = false;
    try {
      for (const site of sites) {
        const result = await scanSite(launched, site, opts);
        saveSiteScan(db, runId, result);
        results.push(result);
        opts.onSiteDone?.(result);
      }
      complete = true;
    } finally {
      finishRun(db, runId, complete ? 'complete' : 'incomplete');
      await launched.close();
    }
    return { runId, browserVersion: launched.version, results };
  } finally {
    db.close();
  }
}
