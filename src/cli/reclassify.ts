import { Command } from 'commander';
import { classifySiteScan, rulesVersionOf } from '../classify/index.js';
import { allSiteScanIds, loadSiteScanResult, openDatabase, saveClassification } from '../store/index.js';
import { classifyOptions } from './classify-options.js';

export function reclassifyCommand(): Command {
  return new Command('reclassify')
    .description('Re-judge every stored site scan with the current tracker rules, without visiting the sites.')
    .option('--db <path>', 'SQLite database', './cookiewatch.sqlite')
    .option('--no-trackerdb', 'do not name unknown third parties from Ghostery\'s trackerdb')
    .action(async (o: { db: string; trackerdb: boolean }) => {
      const classify = await classifyOptions(o.trackerdb);
      const db = openDatabase(o.db);
      try {
        const ids = allSiteScanIds(db);
        const grades = new Map<string, number>();
        for (const id of ids) {
          const scan = loadSiteScanResult(db, id);
          if (!scan || scan.status === 'interrupted') continue;
          const c = classifySiteScan(scan, classify);
          saveClassification(db, id, c);
          grades.set(c.grade, (grades.get(c.grade) ?? 0) + 1);
        }
        const summary = [...grades].sort().map(([g, n]) => `${g}: ${n}`).join(', ');
        process.stdout.write(`reclassified ${ids.length} site scan(s) with rules ${rulesVersionOf(classify)}${summary ? ` (${summary})` : ''}\n`);
      } finally {
        db.close();
      }
    });
}
