import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { LANGS, type Lang } from '../report/advice.js';
import {
  checkJson,
  checkOutcome,
  checkText,
  escapeControls,
  EXIT_NOT_SCANNED,
  EXIT_SIGINT,
  EXIT_SIGTERM,
  EXIT_VERDICT_FOUND,
  FAIL_ON_VERDICTS,
  FailOnError,
  parseFailOn,
  signalExitCode,
  type CheckInput,
} from '../report/check-text.js';
import { DEFAULT_BATCH_OPTIONS, runScan } from '../scan/run.js';
import { findingEvidenceOfSiteScan, openDatabase, siteResultsOfRun } from '../store/index.js';
import { classifyOptions } from './classify-options.js';
import { UsageError } from './errors.js';
import { createLogger } from './log.js';
import {
  addOptions,
  browserOptions,
  deadlineOptions,
  parseScanOptions,
  parseStartUrls,
  runOptionsOf,
  visitOptions,
} from './options.js';

const PHASES = ['pre', 'accept', 'reject'] as const;

const HELP_AFTER = `
All three phases always run: before consent (nothing clicked), after accepting, after rejecting.
Without --db the scan goes to a temporary database that is deleted afterwards; with --db it is kept
like any run, for cookiewatch report and export.

Exit codes:
  0    the site was scanned and none of the --fail-on verdicts was found (always 0 without --fail-on)
  1    cookiewatch itself failed (no browser found, database error, the scan could not be classified)
  2    usage error (malformed URL, unknown option or verdict id)
  3    a verdict named by --fail-on was found (named on stderr)
  4    the site could not be scanned, so nothing could be checked (also without --fail-on)
  ${EXIT_SIGINT}  interrupted by SIGINT (Ctrl-C) before the check finished
  ${EXIT_SIGTERM}  interrupted by SIGTERM before the check finished
With --json the document's exitCode is the exit code of the process, also when a signal stopped the
check. No document is printed when the check was stopped before the site scan was saved, nor after a
second signal (which exits at once).

Verdict ids for --fail-on (comma-separated, or "any" for every one):
  ${FAIL_ON_VERDICTS.join('\n  ')}

Examples:
  cookiewatch check www.example.nl
  cookiewatch check https://www.example.nl/ --lang nl
  cookiewatch check https://www.example.nl/ --fail-on tracking_before_consent,tracking_after_reject --json > check.json
`;

export function checkCommand(): Command {
  const command = new Command('check')
    .description('Scan one site in all phases and explain to its administrator what was found, why it matters and what to do.')
    .argument('<url>', 'start URL (https:// is assumed when left out)')
    .option('--fail-on <verdicts>', 'exit with code 3 when one of these verdicts is found: comma-separated ids, or "any"')
    .option('--json', 'print one JSON document on stdout instead of the text report', false)
    .addOption(new Option('--lang <lang>', 'language of the report').choices(LANGS).default('en'))
    .option('--db <path>', 'keep the scan in this SQLite database (default: a temporary one, deleted afterwards)');
  addOptions(command, [...browserOptions(), ...visitOptions(), ...deadlineOptions()]);
  return command
    .option('--log <file>', 'append a log as JSON lines (pino) to this file')
    .addHelpText('after', HELP_AFTER)
    .action(async (input: string, raw: Record<string, unknown>) => {
      // Everything the user typed is checked before a browser starts or a file is made.
      const url = parseStartUrls([input])[0];
      if (!url) throw new UsageError('give the start URL of the site to check');
      let failOn: string[] | undefined;
      if (raw.failOn !== undefined) {
        try {
          failOn = parseFailOn(String(raw.failOn));
        } catch (err) {
          if (err instanceof FailOnError) throw new UsageError(err.message);
          throw err;
        }
      }
      const json = raw.json === true;
      const lang = raw.lang as Lang;
      const keptDb = typeof raw.db === 'string' ? raw.db : undefined;
      if (keptDb === '') throw new UsageError('option --db: give a file name');
      const { failOn: _f, json: _j, lang: _l, ...scanRaw } = raw;
      // The same schema as scan, so a kept check run records its options exactly as a scan run does.
      let o = parseScanOptions({
        ...scanRaw,
        db: keptDb ?? 'temporary',
        phases: [...PHASES],
        storeValues: false,
        concurrency: 1,
        restartEvery: DEFAULT_BATCH_OPTIONS.restartEvery,
        quiet: json,
      });

      const tempDir = keptDb === undefined ? mkdtempSync(join(tmpdir(), 'cookiewatch-check-')) : undefined;
      if (tempDir) o = { ...o, db: join(tempDir, 'check.sqlite') };
      const removeTemp = () => {
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      };

      // --json: stdout holds the document only, stderr only errors.
      const cli = createLogger({ ...(o.log ? { logFile: o.log } : {}), quiet: json, tty: process.stderr.isTTY === true });
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) {
          removeTemp();
          process.exit(signalExitCode(signal));
        }
        cli.logger.warn({ signal }, `${signal}: stopping the check`);
        stop.abort(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const classify = await classifyOptions(o.trackerdb);
        if (!json) process.stderr.write(`scanning ${url} (3 phases: before consent, after accepting, after rejecting) …\n`);
        const run = await runScan([{ url }], {
          ...runOptionsOf(o),
          concurrency: 1,
          classify,
          stop: stop.signal,
          logger: cli.logger,
        });
        const interruptedBy = run.interruptedBy;

        const db = openDatabase(o.db);
        let data: CheckInput | undefined;
        try {
          const site = siteResultsOfRun(db, run.runId)[0];
          if (site) {
            data = {
              site,
              evidence: findingEvidenceOfSiteScan(db, site.siteScanId),
              lang,
              ...(failOn ? { failOn } : {}),
              // So the --json document carries the exit code this process ends with.
              ...(interruptedBy !== undefined ? { interruptedBy } : {}),
              ...(keptDb !== undefined ? { stored: { db: keptDb, runId: run.runId } } : {}),
            };
          }
        } finally {
          db.close();
        }
        if (!data) {
          // Stopped before the site scan was saved: there is nothing to report.
          process.stderr.write(`error: the check of ${url} was interrupted before the site was scanned\n`);
          process.exitCode = interruptedBy !== undefined ? signalExitCode(interruptedBy) : EXIT_NOT_SCANNED;
          return;
        }

        // One outcome for the document and the process: the JSON's exitCode is the real one.
        const outcome = checkOutcome(data.site, failOn, interruptedBy);
        process.stdout.write(json ? checkJson(data) : checkText(data));
        if (outcome.matched.length) {
          process.stderr.write(`check failed: found ${outcome.matched.join(', ')} (--fail-on ${failOn?.join(',') ?? ''})\n`);
        }
        if (interruptedBy !== undefined) {
          const nothing = data.site.status === 'ok' ? '' : '; nothing was checked';
          process.stderr.write(`check interrupted by ${escapeControls(interruptedBy)}${nothing}\n`);
        } else if (outcome.exitCode === EXIT_NOT_SCANNED) {
          const why = [data.site.failureClass, data.site.failureMessage].filter(Boolean).join(': ');
          process.stderr.write(`check failed: ${url} could not be scanned${why ? ` (${escapeControls(why)})` : ''}; nothing was checked\n`);
        } else if (outcome.exitCode !== 0 && outcome.exitCode !== EXIT_VERDICT_FOUND) {
          process.stderr.write(
            keptDb !== undefined
              ? `error: the scan was saved but could not be classified; see the log, then run cookiewatch reclassify --db ${escapeControls(keptDb)}\n`
              : 'error: the scan could not be classified; see the log, and run check again (with --db to keep the scan for cookiewatch reclassify)\n',
          );
        }
        process.exitCode = outcome.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await cli.flush();
        removeTemp();
      }
    });
}

