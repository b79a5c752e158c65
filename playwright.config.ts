// Configuration for Playwright Test (`npx playwright test`), which the report's browser tests use.
// The scanner itself does not read this file: it launches Chromium through src/browser/launch.ts.
import { defineConfig } from 'playwright/test';
import { findBrowser } from './src/browser/find.js';
import { chromiumArgs } from './src/browser/launch.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export default defineConfig({
  testDir: 'tests/ui',
  outputDir: 'test-artifacts/playwright',
  workers: 1,
  use: {
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
    launchOptions: {
      executablePath: findBrowser().path,
      args: chromiumArgs({}, isRoot),
    },
  },
});
