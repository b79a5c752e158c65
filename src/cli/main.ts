import { Command, CommanderError } from 'commander';
import { BrowserNotFoundError } from '../browser/find.js';
import { escapeControls } from '../util/escape-controls.js';
import { toolVersion } from '../util/package-info.js';
import { checkCommand } from './check.js';
import { EXIT_TOOL, EXIT_USAGE, UsageError } from './errors.js';
import { diffCommand } from './diff.js';
import { exportCommand } from './export.js';
import { reclassifyCommand } from './reclassify.js';
import { reportCommand } from './report.js';
import { scanCommand } from './scan.js';

// Commander quotes a bad argument as typed: its control characters are escaped so it cannot drive the terminal;
// commander's own line breaks (a suggestion on the next line) stay.
const outputError = (str: string, write: (s: string) => void) => write(str.split('\n').map(escapeControls).join('\n'));

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('cookiewatch')
    .description('Finds out which websites track their visitors without consent, and proves it.')
    .version(toolVersion())
    // Inherited by the commands below: commander errors become exit code 2, not process.exit(1).
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError });
  program.addCommand(scanCommand());
  program.addCommand(reclassifyCommand());
  program.addCommand(diffCommand());
  program.addCommand(exportCommand());
  program.addCommand(reportCommand());
  program.addCommand(checkCommand());
  // addCommand does not pass settings down; every command must throw instead of exiting.
  for (const command of program.commands) command.exitOverride().showSuggestionAfterError(true).configureOutput({ outputError });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; commander already printed its one-line message for the rest.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof BrowserNotFoundError) {
      process.stderr.write(`error: ${err.message}\n`);
      return EXIT_TOOL;
    }
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${msg.split('\n')[0]}\n`);
    if (process.env.COOKIEWATCH_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT_TOOL;
  }
}
