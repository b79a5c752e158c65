// Loads the site list behind `scan --list <spec>`: a built-in list, '-' for stdin, or a file.
// Every problem a user can fix becomes a ListError whose message is ready to print.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../util/package-info.js';
import { ListFormatError, type ListProblem, type ParsedList, parseSiteList } from './parse.js';

export const BUILTIN_LISTS: Record<string, { file: string; description: string }> = {
  'nl-municipalities': {
    file: 'data/municipalities-nl.csv',
    description: 'all 342 Dutch municipalities (CBS, 1 January 2026)',
  },
};

/** A problem with the list the user gave; the message says what and where. */
export class ListError extends Error {
  override name = 'ListError';
}

const MAX_BYTES = 50 * 1024 * 1024;

export function loadSiteList(
  spec: string,
  opts: { skipInvalid?: boolean; readStdin?: () => string } = {},
): { source: string; list: ParsedList } {
  const { source, text } = readSpec(spec, opts.readStdin ?? (() => readFileSync(0, 'utf8')));
  let list: ParsedList;
  try {
    list = parseSiteList(text);
  } catch (err) {
    if (err instanceof ListFormatError) throw new ListError(`${source}: ${err.message}`);
    throw err;
  }
  if (list.invalid.length > 0 && !opts.skipInvalid) {
    throw new ListError(
      `${describeProblems(source, list.invalid)}\nfix these rows, or pass --skip-invalid to scan the others`,
    );
  }
  if (list.sites.length === 0) {
    const n = list.invalid.length;
    throw new ListError(`${source}: no sites to scan${n ? ` (${n} invalid ${n === 1 ? 'row' : 'rows'} skipped)` : ''}`);
  }
  return { source, list };
}

/** `list.csv: 3 invalid rows:` and one indented line per row, at most `max` of them. */
export function describeProblems(source: string, problems: ListProblem[], max = 10): string {
  const n = problems.length;
  const lines = [`${source}: ${n} invalid ${n === 1 ? 'row' : 'rows'}:`];
  for (const p of problems.slice(0, max)) lines.push(`  line ${p.line}: ${p.problem}`);
  if (n > max) lines.push(`  … and ${n - max} more`);
  return lines.join('\n');
}

// Built-in names win over a file of the same name, so a built-in means the same everywhere;
// `./nl-municipalities` still reads such a file.
function readSpec(spec: string, readStdin: () => string): { source: string; text: string } {
  if (spec === '-') {
    let text: string;
    try {
      text = readStdin();
    } catch (err) {
      throw new ListError(`stdin: cannot read (${errorCode(err)})`);
    }
    if (Buffer.byteLength(text, 'utf8') > MAX_BYTES) throw tooBig('stdin');
    if (text.includes('\0')) throw notText('stdin');
    return { source: 'stdin', text };
  }
  const builtin = Object.hasOwn(BUILTIN_LISTS, spec) ? BUILTIN_LISTS[spec] : undefined;
  const path = builtin ? join(projectRoot(), builtin.file) : spec;
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new ListError(`${spec}: is a directory, not a list file`);
    size = stat.size;
  } catch (err) {
    if (err instanceof ListError) throw err;
    if (errorCode(err) === 'ENOENT' && !builtin) {
      const names = Object.entries(BUILTIN_LISTS)
        .map(([name, b]) => `${name} = ${b.description}`)
        .join('; ');
      throw new ListError(`${spec}: no such file, and not a built-in list (built-in: ${names})`);
    }
    throw new ListError(`${spec}: cannot read (${errorCode(err)})`);
  }
  if (size > MAX_BYTES) throw tooBig(spec);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new ListError(`${spec}: cannot read (${errorCode(err)})`);
  }
  // A NUL byte never occurs in a text list; it does in .xlsx/.ods (zip) and .xls files.
  if (bytes.includes(0)) throw notText(spec);
  return { source: spec, text: decode(bytes) };
}

/** UTF-8, or Windows-1252 when the bytes are not valid UTF-8: what Excel's plain "CSV" export writes. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function tooBig(source: string): ListError {
  return new ListError(`${source}: too big (over 50 MB); split it into smaller lists`);
}

function notText(source: string): ListError {
  return new ListError(`${source}: not a text file (a spreadsheet? save it as CSV with a url column)`);
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
