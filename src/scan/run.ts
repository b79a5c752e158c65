import PQueue from 'p-queue';
import { launchBrowser, type LaunchOptions } from '../browser/launch.js';
import type { SiteInput, SiteScanResult } from '../observe/types.js';
import { classifySiteScan, type ClassifyOptions } from '../classify/index.js';
import type { Classification } from '../classify/types.js';
import { createRun, finishRun, openDatabase, saveClassification, saveSiteScan } from '../store/index.js';
import { toolVersion } from '../util/package-info.js';
import { scanSite, type SiteScanOptions } from './site.js';

export interface RunOptions extends SiteScanOptions, LaunchOptions {
  dbPath: string;
  /** Recorded with the run so a reader knows how it was made. */
  recordedOptions: Record<string, unknown>;
  classify: ClassifyOptions;
  /** Site scans at once, in contexts of one browser: a visit mostly waits, so a few overlap well. */
  concurrency?: number;
  onSiteDone?: (result: SiteScanResult, classification: Classification) => void;
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
      const queue = new PQueue({ concurrency: Math.max(1, opts.concurrency ?? 1) });
      const scanOne = async (site: SiteInput) => {
        const result = await scanSite(launched, site, opts);
        const classification = classifySiteScan(result, opts.classify);
        // Observations and the conclusions drawn from them land together, or not at all.
        db.transaction(() => saveClassification(db, saveSiteScan(db, runId, result), classification))();
        results.push(result);
        opts.onSiteDone?.(result, classification);
      };
      await Promise.all(sites.map((site) => queue.add(() => scanOne(site))));
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
