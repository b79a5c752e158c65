import { Command, Option } from 'commander';
import { siteSummary } from '../report/terminal.js';
import { runScan } from '../scan/run.js';
import { DEFAULT_VISIT_OPTIONS } from '../scan/visit.js';
import { classifyOptions } from './classify-options.js';
import { countOption, msOption, parseScanOptions, parseStartUrls, phasesOption } from './options.js';

export function scanCommand(): Command {
  return new Command('scan')
    .description('Visit sites in Chromium and store every request, cookie and storage entry in SQLite.')
    .argument('<url...>', 'start URLs (https:// is assumed when left out)')
    .option('--db <path>', 'SQLite database to write', './cookiewatch.sqlite')
    .option('--browser <path>', 'Chromium or Chrome binary (default: $COOKIEWATCH_BROWSER, Playwright\'s Chromium, system Chromium)')
    .option(
      '--host-resolver-rules <rules>',
      'Chromium host mapping, like curl --resolve, e.g. "MAP * 127.0.0.1:8443" (test servers, intranets)',
    )
    .option('--ignore-https-errors', 'accept invalid TLS certificates (test servers, intranets)', false)
    .option('--no-trackerdb', 'do not name unknown third parties from Ghostery\'s trackerdb (CC BY-NC-SA data)')
    .option('--store-values', 'store cookie and storage values (default: SHA-256 and length only)', false)
    .addOption(
      new Option('--phases <list>', 'phases to run, comma-separated: pre (nothing clicked), accept, reject')
        .argParser(phasesOption)
        .default(['pre', 'accept', 'reject'], 'pre,accept,reject'),
    )
    .addOption(
      new Option('--pages <n>', 'internal pages visited after the start page in each phase')
        .argParser(countOption(0, 50))
        .default(DEFAULT_VISIT_OPTIONS.subpages),
    )
    .addOption(
      new Option('--banner-wait <ms>', 'how long to wait for a consent banner to appear')
        .argParser(msOption(0, 120000))
        .default(DEFAULT_VISIT_OPTIONS.bannerWaitMs),
    )
    .addOption(
      new Option('--dwell <ms>', 'minimum time on each page').argParser(msOption(0, 600000)).default(DEFAULT_VISIT_OPTIONS.minDwellMs),
    )
    .addOption(
      new Option('--quiet-window <ms>', 'network counts as quiet after this long without a new request')
        .argParser(msOption(0, 60000))
        .default(DEFAULT_VISIT_OPTIONS.quietMs),
    )
    .addOption(
      new Option('--visit-timeout <ms>', 'upper bound for one page visit')
        .argParser(msOption(1000, 600000))
        .default(DEFAULT_VISIT_OPTIONS.visitTimeoutMs),
    )
    .action(async (inputs: string[], raw: Record<string, unknown>) => {
      const urls = parseStartUrls(inputs);
      const o = parseScanOptions(raw);
      const classify = await classifyOptions(o.trackerdb);
      const { runId, results, browserVersion } = await runScan(
        urls.map((url) => ({ url })),
        {
          dbPath: o.db,
          ...(o.browser ? { browserPath: o.browser } : {}),
          ...(o.hostResolverRules ? { hostResolverRules: o.hostResolverRules } : {}),
          ignoreHttpsErrors: o.ignoreHttpsErrors,
          storeValues: o.storeValues,
          minDwellMs: o.dwell,
          quietMs: o.quietWindow,
          visitTimeoutMs: o.visitTimeout,
          subpages: o.pages,
          bannerWaitMs: o.bannerWait,
          phases: o.phases,
          recordedOptions: { ...o },
          classify,
          onSiteDone: (r, c) => process.stdout.write(`${siteSummary(r, c)}\n`),
        },
      );
      const failed = results.filter((r) => r.status === 'failed').length;
      process.stdout.write(
        `run ${runId}: ${results.length} site(s), ${failed} failed; Chromium ${browserVersion}; database ${o.db}\n`,
      );
    });
}
