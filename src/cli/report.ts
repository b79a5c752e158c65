import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { LANGS } from '../report/advice.js';
import { ReportError, writeReport } from '../report/html/write.js';
import { openDatabase } from '../store/index.js';
import { toolVersion } from '../util/package-info.js';
import { UsageError } from './errors.js';
import { runIdOption } from './options.js';

const ReportOptionsSchema = z.object({
  db: z.string().min(1),
  out: z.string().min(1),
  run: z.number().int().positive().optional(),
  lang: z.enum(LANGS),
  title: z.string().min(1).max(200).optional(),
});

export function reportCommand(): Command {
  return new Command('report')
    .description('Write a static HTML report of a run: league table, trends, shared accounts and a page per site with its evidence.')
    .option('--db <path>', 'SQLite database', './cookiewatch.sqlite')
    .requiredOption('--out <dir>', 'folder to write the report to (created; a previous report there is replaced)')
    .addOption(new Option('--run <id>', 'the run to report (default: the newest run with site scans)').argParser(runIdOption))
    .addOption(new Option('--lang <lang>', 'language of the report').choices(LANGS).default('en'))
    .option('--title <text>', 'title shown on every page, e.g. "Dutch municipalities"')
    .action((raw: Record<string, unknown>) => {
      const parsed = ReportOptionsSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UsageError(`option --${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`);
      }
      const o = parsed.data;
      // openDatabase creates a missing file: a mistyped path must not become an empty database.
      if (!existsSync(o.db)) throw new UsageError(`no database at ${o.db}; run cookiewatch scan first`);
      const db = openDatabase(o.db);
      try {
        const result = writeReport(db, {
          out: o.out,
          lang: o.lang,
          toolVersion: toolVersion(),
          dbPath: o.db,
          ...(o.run !== undefined ? { runId: o.run } : {}),
          ...(o.title !== undefined ? { title: o.title } : {}),
        });
        process.stderr.write(
          `report of run ${result.runId} written: ${join(result.out, 'index.html')} (${result.sitePages} site pages, ${result.screenshots} screenshots)\n`,
        );
      } catch (err) {
        if (err instanceof ReportError) throw new UsageError(err.message);
        throw err;
      } finally {
        db.close();
      }
    });
}
