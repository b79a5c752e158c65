import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { exportCsv } from '../export/csv.js';
import { exportJson } from '../export/json.js';
import { getRun, latestRun, latestRunWithSiteScans, openDatabase, siteResultsOfRun } from '../store/index.js';
import { UsageError } from './errors.js';
import { runIdOption } from './options.js';

const FORMATS = ['csv', 'json'] as const;

const ExportOptionsSchema = z.object({
  db: z.string().min(1),
  format: z.enum(FORMATS),
  run: z.number().int().positive().optional(),
  out: z.string().min(1).optional(),
});
type ExportOptions = z.infer<typeof ExportOptionsSchema>;

function parseExportOptions(raw: unknown): ExportOptions {
  const r = ExportOptionsSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UsageError(`option --${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

export function exportCommand(): Command {
  return new Command('export')
    .description('Write one row per site of a run (verdicts, grade, trackers per phase) as CSV or JSON.')
    .option('--db <path>', 'SQLite database', './cookiewatch.sqlite')
    .addOption(
      new Option('--format <format>', 'csv (for spreadsheets) or json (described by schema/export.schema.json)')
        .choices(FORMATS)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--run <id>', 'the run to export (default: the newest run with site scans)').argParser(runIdOption))
    .option('--out <file>', 'write to this file (parent folders are created) instead of stdout')
    .action((raw: Record<string, unknown>) => {
      const o = parseExportOptions(raw);
      // openDatabase creates a missing file: an export must not leave an empty database behind a typo.
      if (!existsSync(o.db)) throw new UsageError(`no database at ${o.db}; run cookiewatch scan first`);
      const db = openDatabase(o.db);
      let text: string;
      let runId: number;
      let siteCount: number;
      try {
        const run = o.run !== undefined ? getRun(db, o.run) : latestRunWithSiteScans(db);
        if (!run) {
          if (o.run !== undefined) throw new UsageError(`no run ${o.run} in ${o.db}`);
          if (!latestRun(db)) throw new UsageError(`no runs in ${o.db} yet; run cookiewatch scan first`);
          throw new UsageError(`no run in ${o.db} has a finished site scan yet; give --run <id> to export one anyway`);
        }
        const sites = siteResultsOfRun(db, run.id);
        const exportedAt = new Date().toISOString();
        text = o.format === 'json' ? exportJson(run, sites, exportedAt) : exportCsv(run, sites);
        runId = run.id;
        siteCount = sites.length;
      } finally {
        db.close();
      }

      if (o.out === undefined) {
        process.stdout.write(text);
        return;
      }
      // Written next to the target and renamed: a reader never sees half an export.
      const target = resolve(o.out);
      mkdirSync(dirname(target), { recursive: true });
      const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
      try {
        writeFileSync(temp, text);
        renameSync(temp, target);
      } catch (err) {
        rmSync(temp, { force: true });
        throw err;
      }
      process.stdout.write(`exported ${siteCount} site(s) of run ${runId} as ${o.format} to ${o.out}\n`);
    });
}
