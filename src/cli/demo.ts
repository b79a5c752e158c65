// `npm run demo`: the main job, `cookiewatch scan --list …`, on the built-in fixture internet, so it
// works without internet access. It runs the real CLI in this process, with the honest default waits,
// then writes the HTML report of the run to reports/demo/report/.
import { join } from 'node:path';
import { mkdirSync, rmSync } from 'node:fs';
import { writeFixtureListCsv } from '../../fixtures/lists.js';
import { startFixtureServer } from '../../fixtures/server.js';
import { fixtureSites } from '../../fixtures/sites.js';
import { projectRoot } from '../util/package-info.js';
import { main } from './main.js';

const dir = join(projectRoot(), 'reports', 'demo');
const dbPath = join(dir, 'cookiewatch.sqlite');
const listPath = join(dir, 'sites.csv');
for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
mkdirSync(dir, { recursive: true });
await writeFixtureListCsv(listPath, fixtureSites);

const server = await startFixtureServer();
process.stdout.write(
  `fixture internet on 127.0.0.1:${server.port} (${fixtureSites.length} sites); ` +
    `scanning ${listPath} into ${dbPath}, 4 sites at a time\n`,
);
try {
  process.exitCode = await main([
    process.argv[0] ?? 'node',
    'cookiewatch',
    'scan',
    '--list', listPath,
    '--db', dbPath,
    '--host-resolver-rules', server.hostResolverRules,
    '--ignore-https-errors',
    '--concurrency', '4',
    ...process.argv.slice(2),
  ]);
  if (process.exitCode === 0) {
    // What a reader opens next: the league table and a page per site, written from the same database.
    const reportDir = join(dir, 'report');
    process.exitCode = await main([process.argv[0] ?? 'node', 'cookiewatch', 'report', '--db', dbPath, '--out', reportDir, '--title', 'Fixture municipalities']);
    if (process.exitCode === 0) process.stdout.write(`open ${join(reportDir, 'index.html')} in a browser to read the report\n`);
  }
} finally {
  await server.close();
}
