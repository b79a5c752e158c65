// Parses a list of sites to scan: a CSV file with a `url` column, or plain text with one URL a line.
// Pure: no I/O, so every rule here is testable on strings.

import type { SiteInput } from '../observe/types.js';
import { InvalidUrlError, normaliseStartUrl } from '../observe/url.js';

/** A row that cannot be scanned. */
export interface ListProblem {
  /** 1-based physical line on which the row starts. */
  line: number;
  problem: string;
  /** The raw row, trimmed and cut to 120 characters. */
  text: string;
}

/** A URL (after normalisation) that occurs more than once; the first line is the one kept. */
export interface ListDuplicate {
  url: string;
  lines: number[];
}

export interface ParsedList {
  format: 'csv' | 'text';
  sites: SiteInput[];
  invalid: ListProblem[];
  duplicates: ListDuplicate[];
}

/** The file as a whole cannot be read as a list (e.g. a header naming a column twice). */
export class ListFormatError extends Error {
  override name = 'ListFormatError';
}

const DELIMITERS = [',', ';', '\t'] as const;
type Delimiter = (typeof DELIMITERS)[number];

const KNOWN_COLUMNS = ['url', 'name', 'code', 'group', 'province', 'cbs_code'] as const;
type KnownColumn = (typeof KNOWN_COLUMNS)[number];

const MAX_VALUE_CHARS = 200;
const MAX_TEXT_CHARS = 120;
const TEXT_MULTI_VALUE = 'more than one value on the line; use a CSV file with a url column for names';

export function parseSiteList(text: string): ParsedList {
  // One line end from here on, so every line count below is a count of '\n'.
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const first = firstContentLine(src);
  // A first line that is a URL is the first site, also when its path has ",url" in it (?fields=title,url).
  const delimiter = first === undefined || isStartUrl(textValue(first.text)) ? undefined : headerDelimiter(first.text);
  const collector = new SiteCollector(delimiter === undefined ? 'text' : 'csv');
  if (delimiter === undefined) parseText(src, collector);
  else parseCsv(src, delimiter, collector);
  return collector.result();
}

class SiteCollector {
  private readonly sites: SiteInput[] = [];
  private readonly invalid: ListProblem[] = [];
  private readonly linesByUrl = new Map<string, number[]>();

  constructor(private readonly format: 'csv' | 'text') {}

  problem(line: number, problem: string, raw: string): void {
    this.invalid.push({ line, problem, text: cut(raw.trim(), MAX_TEXT_CHARS) });
  }

  /** Normalises the URL and keeps the site, unless the URL is bad or already listed. */
  add(line: number, rawUrl: string, raw: string, extra: Omit<SiteInput, 'url'> = {}): void {
    const trimmed = rawUrl.trim();
    if (!trimmed) return this.problem(line, 'url is empty', raw);
    let url: string;
    try {
      url = normaliseStartUrl(trimmed);
    } catch (err) {
      if (err instanceof InvalidUrlError) return this.problem(line, err.message, raw);
      throw err;
    }
    const seen = this.linesByUrl.get(url);
    if (seen) {
      seen.push(line);
      return;
    }
    this.linesByUrl.set(url, [line]);
    this.sites.push({ url, ...extra });
  }

  result(): ParsedList {
    const duplicates = [...this.linesByUrl]
      .filter(([, lines]) => lines.length > 1)
      .map(([url, lines]) => ({ url, lines }));
    return { format: this.format, sites: this.sites, invalid: this.invalid, duplicates };
  }
}

// ---- format detection ----

function isSkippable(line: string): boolean {
  const t = line.trimStart();
  return t === '' || t.startsWith('#');
}

function firstContentLine(src: string): { text: string } | undefined {
  for (const line of src.split('\n')) if (!isSkippable(line)) return { text: line };
  return undefined;
}

function isStartUrl(value: string): boolean {
  try {
    normaliseStartUrl(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The delimiter under which the line is a header with a `url` field, or undefined for plain text.
 * When several qualify (a lone `url` column), the one giving the most fields wins; ties go to ','.
 */
function headerDelimiter(line: string): Delimiter | undefined {
  let best: { delimiter: Delimiter; fields: number } | undefined;
  for (const delimiter of DELIMITERS) {
    const record: RawRecord | undefined = readRecords(line, delimiter).next().value;
    if (!record) continue;
    const hasUrl = record.fields.some((f) => f.trim().toLowerCase() === 'url');
    if (hasUrl && (!best || record.fields.length > best.fields)) best = { delimiter, fields: record.fields.length };
  }
  return best?.delimiter;
}

// ---- plain text ----

function parseText(src: string, out: SiteCollector): void {
  const lines = src.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (isSkippable(raw)) continue;
    const value = textValue(raw);
    if (!value) continue;
    if (/\s/.test(value)) out.problem(i + 1, TEXT_MULTI_VALUE, raw);
    else out.add(i + 1, value, raw);
  }
}

/** A text line's value: a '#' right after whitespace starts a comment; one inside a URL is a fragment and stays. */
function textValue(raw: string): string {
  return raw.replace(/\s#.*$/, '').trim();
}

// ---- CSV ----

interface RawRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
  raw: string;
  problem?: string;
}

/**
 * RFC 4180 records of `src` (already '\n'-only), skipping blank and '#' lines between records.
 * Lenient in two ways people's hand-made files need: spaces before an opening quote, and after a
 * closing one. An unterminated quote reports its row and resumes on the next line, so one stray
 * quote does not swallow the rest of the file.
 */
function* readRecords(src: string, delimiter: Delimiter): Generator<RawRecord> {
  let pos = 0;
  let line = 1;
  const len = src.length;
  while (pos < len) {
    const lineEnd = indexOrEnd(src, '\n', pos);
    if (isSkippable(src.slice(pos, lineEnd))) {
      pos = lineEnd + 1;
      line++;
      continue;
    }
    const start = pos;
    const startLine = line;
    const fields: string[] = [];
    let problem: string | undefined;
    let unterminated = false;
    for (;;) {
      // One field per pass; pos is at its first character.
      let p = pos;
      while (src[p] === ' ') p++;
      let value: string;
      if (src[p] === '"') {
        const parts: string[] = [];
        let q = p + 1;
        for (;;) {
          const close = src.indexOf('"', q);
          if (close < 0) {
            unterminated = true;
            break;
          }
          parts.push(src.slice(q, close));
          if (src[close + 1] === '"') {
            parts.push('"');
            q = close + 2;
          } else {
            q = close + 1;
            break;
          }
        }
        if (unterminated) {
          problem = `unterminated quote in field ${fields.length + 1} (no closing " before the end of the file)`;
          break;
        }
        value = parts.join('');
        line += countNewlines(src, p, q);
        while (src[q] === ' ') q++;
        if (q < len && src[q] !== delimiter && src[q] !== '\n') {
          problem ??= `text after the closing quote in field ${fields.length + 1}`;
          const end = fieldEnd(src, q, delimiter);
          value += src.slice(q, end);
          q = end;
        }
        pos = q;
      } else {
        const end = fieldEnd(src, pos, delimiter);
        value = src.slice(pos, end);
        pos = end;
      }
      fields.push(value);
      if (src[pos] === delimiter) {
        pos++;
        continue;
      }
      break; // at '\n' or the end
    }
    if (unterminated) {
      yield { fields, line: startLine, raw: src.slice(start, indexOrEnd(src, '\n', start)), problem };
      pos = indexOrEnd(src, '\n', start) + 1;
      line = startLine + 1;
      continue;
    }
    const raw = src.slice(start, pos);
    pos++; // past the '\n'
    line++;
    yield { fields, line: startLine, raw, problem };
  }
}

function indexOrEnd(s: string, ch: string, from: number): number {
  const i = s.indexOf(ch, from);
  return i < 0 ? s.length : i;
}

/** Position of the next delimiter or line end. A loop, not two indexOf calls: a delimiter that is rare
 * in the file (a one-column list) would make indexOf scan ahead to the end for every field. */
function fieldEnd(src: string, from: number, delimiter: string): number {
  const d = delimiter.charCodeAt(0);
  let i = from;
  for (; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === d || c === 10) break;
  }
  return i;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function parseCsv(src: string, delimiter: Delimiter, out: SiteCollector): void {
  const records = readRecords(src, delimiter);
  const header: RawRecord | undefined = records.next().value;
  if (!header) return;
  if (header.problem) throw new ListFormatError(`the header on line ${header.line}: ${header.problem}`);
  const columns = headerColumns(header);
  const index = (name: KnownColumn) => columns.get(name);
  const urlAt = index('url')!;
  const nameAt = index('name');
  const codeAt = index('code') ?? index('cbs_code');
  const groupAt = index('group') ?? index('province');

  for (const record of records) {
    if (record.problem) {
      out.problem(record.line, record.problem, record.raw);
      continue;
    }
    // Spreadsheets export empty rows as a run of delimiters: blank, not invalid.
    if (record.fields.every((f) => f.trim() === '')) continue;
    if (record.fields.length !== header.fields.length) {
      out.problem(record.line, `expected ${header.fields.length} fields, got ${record.fields.length}`, record.raw);
      continue;
    }
    const extra: Omit<SiteInput, 'url'> = {};
    const name = cleanValue(record.fields, nameAt);
    const code = cleanValue(record.fields, codeAt);
    const group = cleanValue(record.fields, groupAt);
    if (name !== undefined) extra.name = name;
    if (code !== undefined) extra.code = code;
    if (group !== undefined) extra.group = group;
    out.add(record.line, record.fields[urlAt]!, record.raw, extra);
  }
}

/** Known column → index; a known column named twice makes the whole file ambiguous. */
function headerColumns(header: RawRecord): Map<KnownColumn, number> {
  const columns = new Map<KnownColumn, number>();
  header.fields.forEach((field, i) => {
    const name = field.trim().toLowerCase();
    if (!(KNOWN_COLUMNS as readonly string[]).includes(name)) return;
    const known = name as KnownColumn;
    const earlier = columns.get(known);
    if (earlier !== undefined) {
      throw new ListFormatError(
        `the header on line ${header.line} has the column "${known}" twice (columns ${earlier + 1} and ${i + 1})`,
      );
    }
    columns.set(known, i);
  });
  return columns;
}

/** Trimmed, line breaks and tabs as spaces, other control characters gone, at most 200 characters. */
function cleanValue(fields: string[], at: number | undefined): string | undefined {
  if (at === undefined) return undefined;
  const value = cut(
    fields[at]!
      .replace(/[\t\n\v\f\r]+/g, ' ')
      .replace(/\p{Cc}/gu, '')
      .trim(),
    MAX_VALUE_CHARS,
  ).trim();
  return value || undefined;
}

/** Cuts to n code points, so a surrogate pair is never split. */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  return Array.from(s).slice(0, n).join('');
}
