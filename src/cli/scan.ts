import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { BUILTIN_LISTS, ListError, loadSiteList } from '../lists/load.js';
import type { SiteInput } from '../observe/types.js';
import { runSummary } from '../report/run-summary.js';
import { siteLine, siteSummary } from '../report/terminal.js';
import { defaultConcurrency } from '../scan/concurrency.js';
import { browserLabel, findBrowser } from '../browser/find.js';
import { prepareResume } from '../scan/resume.js';
import { DEFAULT_BATCH_OPTIONS, runScan } from '../scan/run.js';
import { openDatabase, outcomesOfRun, ResumeError } from '../store/index.js';
import { classifyOptions } from './classify-options.js';
import { UsageError } from './errors.js';
import { createLogger } from './log.js';
import {
  addOptions,
  browserOptions,
  countOption,
  deadlineOptions,
  parseScanOptions,
  parseStartUrls,
  phasesOption,
  runIdOption,
  runOptionsOf,
  visitOptions,
  type ScanOptions,
} from './options.js';
import { ProgressBar } from './progress.js';

/** Options that shape what a scan observes: a resumed run keeps the ones it was started with. */
const OBSERVATION_OPTIONS = [
  'phases', 'pages', 'bannerWait', 'dwell', 'pageDwell', 'quietWindow', 'visitTimeout', 'storeValues', 'trackerdb',
  'hostResolverRules', 'ignoreHttpsErrors',
] as const;

/** How the run was driven: a resume keeps them unless they are given again. */
const RUN_OPTIONS = ['concurrency', 'siteTimeout', 'retries', 'retryDelay', 'restartEvery', 'browser'] as const;

export function scanCommand(): Command {
  const command = new Command('scan')
    .description('Visit sites in Chromium and store every request, cookie and storage entry in SQLite.')
    .argument('[url...]', 'start URLs (https:// is assumed when left out)')
    .option('--list <file|name>', 'sites to scan: a CSV file with a url column (name, code, group optional), a text file with one URL a line, "-" for stdin, or the built-in "nl-municipalities"')
    .option('--skip-invalid', 'scan the valid rows of a list and report the invalid ones, instead of refusing the list', false)
    .addOption(
      new Option('--resume [run-id]', 'continue an unfinished run (the newest one by default) with its own list and options')
        .argParser(runIdOption),
    )
    .option('--db <path>', 'SQLite database to write', './cookiewatch.sqlite');
  addOptions(command, browserOptions())
    .option('--store-values', 'store cookie and storage values (default: SHA-256 and length only)', false)
    .addOption(
      new Option('--phases <list>', 'phases to run, comma-separated: pre (nothing clicked), accept, reject')
        .argParser(phasesOption)
        .default(['pre', 'accept', 'reject'], 'pre,accept,reject'),
    );
  addOptions(command, visitOptions()).addOption(
    new Option(
      '--concurrency <n>',
      'sites scanned at once (default: 16 per core with a headless shell, 6 per core with a full Chromium; at most 32, fewer when memory is small)',
    ).argParser(countOption(1, 64)),
  );
  return addOptions(command, deadlineOptions())
    .addOption(
      new Option('--restart-every <n>', 'start a fresh browser after this many sites, to keep memory bounded; 0 for never')
        .argParser(countOption(0, 100000))
        .default(DEFAULT_BATCH_OPTIONS.restartEvery),
    )
    .option('--log <file>', 'append a log as JSON lines (pino) to this file')
    .option('--quiet', 'print nothing but errors: for cron', false)
    .action(async (inputs: string[], raw: Record<string, unknown>, command: Command) => {
      let o = parseScanOptions(raw);
      const started = Date.now();
      const tty = process.stderr.isTTY === true;
      const cli = createLogger({ ...(o.log ? { logFile: o.log } : {}), quiet: o.quiet, tty });
      const log = cli.logger;

      // What to scan: a new run from URLs and/or a list, or what is left of an unfinished run.
      let sites: SiteInput[];
      let planned: number;
      let resumeRunId: number | undefined;
      let earlier: ReturnType<typeof outcomesOfRun> = [];
      let listSource: string | undefined;
      let skipped = 0;
      if (o.resume !== undefined) {
        if (inputs.length || o.list) throw new UsageError('--resume continues a run with its own list; give no URLs or --list with it');
        let plan;
        const given = o;
        try {
          plan = prepareResume(o.db, o.resume === true ? undefined : o.resume, (run) => {
            o = withRecordedOptions(given, run.options, command);
          });
        } catch (err) {
          if (err instanceof ResumeError) throw new UsageError(err.message);
          throw err;
        }
        ({ sites, planned } = plan);
        earlier = plan.earlier;
        resumeRunId = plan.run.id;
        log.info({ runId: resumeRunId, remaining: sites.length, planned }, 'resuming run');
      } else {
        sites = parseStartUrls(inputs).map((url) => ({ url }));
        if (o.list) {
          let loaded;
          try {
            loaded = loadSiteList(o.list, { skipInvalid: o.skipInvalid });
          } catch (err) {
            if (err instanceof ListError) throw new UsageError(err.message);
            throw err;
          }
          // A file is recorded by its absolute path, so "gemeenten.csv" and "./gemeenten.csv" are one list
          // to reports that compare runs of the same list.
          listSource = loaded.source === 'stdin' || Object.hasOwn(BUILTIN_LISTS, o.list) ? loaded.source : resolve(o.list);
          skipped = loaded.list.invalid.length;
          for (const p of loaded.list.invalid) log.warn({ list: loaded.source, line: p.line, problem: p.problem }, `skipped invalid row at line ${p.line}: ${p.problem}`);
          for (const d of loaded.list.duplicates) log.warn({ list: loaded.source, url: d.url, lines: d.lines }, `${d.url} is listed ${d.lines.length} times (lines ${d.lines.join(', ')}); scanning it once`);
          const seen = new Set(sites.map((s) => s.url));
          for (const site of loaded.list.sites) if (!seen.has(site.url)) sites.push(site);
        }
        if (sites.length === 0) throw new UsageError('nothing to scan: give start URLs, --list <file|nl-municipalities>, or --resume');
        planned = sites.length;
      }

      // The browser is found once: a relaunch mid-run must not switch to another one installed meanwhile.
      const browser = findBrowser(o.browser);
      // A default is not recorded as if given: a resume works it out again for the browser it finds.
      const concurrency = o.concurrency ?? defaultConcurrency(browser.kind);

      const classify = await classifyOptions(o.trackerdb);
      // A list scan prints a line per site; a scan of a few URLs the detailed summary of each.
      const detailed = o.list === undefined && resumeRunId === undefined;
      const bar = tty && !o.quiet ? new ProgressBar(process.stderr) : undefined;
      cli.setBeforeWrite(bar ? (write) => bar.around(write) : undefined);
      const print = (text: string) => {
        if (o.quiet) return;
        const write = () => void process.stdout.write(`${text}\n`);
        if (bar) bar.around(write);
        else write();
      };
      let done = earlier.length;
      let failed = earlier.filter((e) => e.status === 'failed').length;
      let doneHere = 0;
      let running = 0;
      const progress = () => bar?.update({ done, total: planned, failed, inFlight: running, startedAt: started, doneHere });
      progress();

      // SIGINT/SIGTERM: finish cleanly (sites in flight recorded as interrupted, run incomplete); a second one quits at once.
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) {
          bar?.stop();
          process.stderr.write(`\n${signal} again: quitting at once; the database stays consistent, resume with --resume\n`);
          process.exit(signal === 'SIGINT' ? 130 : 143);
        }
        log.warn({ signal }, `${signal}: stopping after the sites in flight; run again with --resume to finish`);
        stop.abort(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let run;
      try {
        run = await runScan(sites, {
          ...runOptionsOf(o),
          browserPath: browser.path,
          concurrency,
          classify,
          ...(resumeRunId !== undefined ? { resumeRunId } : {}),
          ...(listSource ? { listSource } : {}),
          stop: stop.signal,
          logger: log,
          onSiteStart: () => {
            running++;
            progress();
          },
          onSiteDone: (r, c) => {
            running--;
            if (r.status !== 'interrupted') {
              done++;
              doneHere++;
              if (r.status === 'failed') failed++;
            }
            progress();
            print(detailed ? siteSummary(r, c) : siteLine(r, c));
          },
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        bar?.stop();
        cli.setBeforeWrite(undefined);
      }

      const db = openDatabase(o.db);
      let outcomes;
      try {
        outcomes = outcomesOfRun(db, run.runId);
      } finally {
        db.close();
      }
      print(
        runSummary({
          runId: run.runId,
          status: run.status,
          sites: outcomes,
          planned,
          elapsedMs: Date.now() - started,
          dbPath: o.db,
          skipped,
          scannedHere: doneHere,
          resumed: resumeRunId !== undefined,
        }) + `\n${browserLabel(run.browserVersion, run.browserPath)}; ${run.browserLaunches} browser start(s)`,
      );
      await cli.flush();
      // A failed site is data, not an error of the tool; an interrupted run exits as the signal asked.
      if (run.interruptedBy) process.exitCode = run.interruptedBy === 'SIGTERM' ? 143 : 130;
    });
}

/**
 * A resumed run scans the rest of its sites as it scanned the first ones: observation options come
 * from the run (a different value given now is refused), and so do concurrency, deadlines and retries
 * unless given again.
 */
function withRecordedOptions(o: ScanOptions, recorded: Record<string, unknown>, command: Command): ScanOptions {
  const merged: Record<string, unknown> = { ...o };
  for (const key of OBSERVATION_OPTIONS) {
    // An option the run was made without (absent from the record) counts as unset.
    const given = command.getOptionValueSource(key) === 'cli';
    if (given && JSON.stringify(o[key]) !== JSON.stringify(recorded[key])) {
      const was = recorded[key] === undefined ? 'not set' : JSON.stringify(recorded[key]);
      throw new UsageError(
        `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} differs from the run being resumed (${was}); a resumed run keeps its options`,
      );
    }
    if (recorded[key] === undefined) delete merged[key];
    else merged[key] = recorded[key];
  }
  // Runs recorded before --page-dwell existed stayed --dwell on every page.
  if (recorded.pageDwell === undefined && typeof recorded.dwell === 'number') merged.pageDwell = recorded.dwell;
  for (const key of RUN_OPTIONS) {
    if (command.getOptionValueSource(key) !== 'cli' && recorded[key] !== undefined) merged[key] = recorded[key];
  }
  return parseScanOptions(merged);
}
