// `npm run demo`: the main job on the built-in fixture internet, so it works without internet access.
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { startFixtureServer } from '../../fixtures/server.js';
import { fixtureSites } from '../../fixtures/sites.js';
import { siteSummary } from '../report/terminal.js';
import { classifyOptions } from './classify-options.js';
import { runScan } from '../scan/run.js';
import { DEFAULT_VISIT_OPTIONS } from '../scan/visit.js';
import { projectRoot } from '../util/package-info.js';

const dbPath = join(projectRoot(), 'reports', 'demo', 'cookiewatch.sqlite');
for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });

const server = await startFixtureServer();
process.stdout.write(`fixture internet on 127.0.0.1:${server.port} (${fixtureSites.length} sites)\n`);
try {
  const { runId, results } = await runScan(
    fixtureSites.map(({ url, name, code, group }) => ({ url, name, code, group })),
    {
      ...DEFAULT_VISIT_OPTIONS,
      dbPath,
      hostResolverRules: server.hostResolverRules,
      ignoreHttpsErrors: true,
      phases: ['pre', 'accept', 'reject'],
      recordedOptions: { demo: true, hostResolverRules: server.hostResolverRules, ignoreHttpsErrors: true },
      classify: await classifyOptions(true),
      concurrency: 4,
      onSiteDone: (r, c) => process.stdout.write(`${siteSummary(r, c)}\n`),
    },
  );
  const failed = results.filter((r) => r.status === 'failed').length;
  process.stdout.write(`run ${runId}: ${results.length} sites, ${failed} failed; database ${dbPath}\n`);
} catch (err) {
  process.stderr.write(`error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await server.close();
}
