import { pino } from 'pino';
import { escapeControls } from '../util/escape-controls.js';

export interface LoggerOptions {
  /** JSON lines appended here, from `level` (default info) up */
  logFile?: string;
  /** stderr shows errors only */
  quiet: boolean;
  /** stderr is a terminal */
  tty: boolean;
  /** the log file's level; also raises stderr's threshold when above it */
  level?: string;
  stderr?: NodeJS.WritableStream;
  /** colour the level on stderr; default: on a TTY, unless NO_COLOR is set */
  color?: boolean;
  /** wraps every stderr write, so a progress bar can clear its line first and redraw after */
  beforeWrite?: (write: () => void) => void;
}

export interface CliLogger {
  logger: pino.Logger;
  /** resolves once every line is in the file and stderr has taken its writes */
  flush(): Promise<void>;
  /** for a progress bar created after the logger; undefined removes the hook */
  setBeforeWrite(hook: ((write: () => void) => void) | undefined): void;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const value = (level: string) => (level === 'silent' ? Infinity : pino.levels.values[level] ?? Infinity);

/**
 * The log file gets pino's JSON lines; stderr gets short text lines. On stderr only warnings and up even on a
 * terminal: per-site progress is the progress bar's job, and in a cron mail it would bury the failures.
 */
export function createLogger(opts: LoggerOptions): CliLogger {
  const level = opts.level ?? 'info';
  if (!LEVELS.includes(level)) throw new Error(`unknown log level "${level}" (use ${LEVELS.slice(0, -1).join(', ')} or silent)`);
  const stderrLevel = [opts.quiet ? 'error' : 'warn', level].reduce((a, b) => (value(b) > value(a) ? b : a));

  const stderr = opts.stderr ?? process.stderr;
  const color = opts.color ?? (opts.tty && !process.env.NO_COLOR);
  let hook = opts.beforeWrite;
  const textStream = {
    write(line: string) {
      const text = formatLine(line, color);
      const write = () => void stderr.write(text);
      if (hook) hook(write);
      else write();
    },
  };

  const streams: pino.StreamEntry[] = [];
  let file: ReturnType<typeof pino.destination> | undefined;
  if (opts.logFile) {
    try {
      // Synchronous writes: a killed scan loses at most the line being written.
      file = pino.destination({ dest: opts.logFile, sync: true, append: true, mkdir: true });
    } catch (err) {
      throw new Error(`cannot open log file ${opts.logFile}: ${(err as Error).message}`, { cause: err });
    }
    if (level !== 'silent') streams.push({ level: level as pino.Level, stream: file });
  }
  if (stderrLevel !== 'silent') streams.push({ level: stderrLevel as pino.Level, stream: textStream });

  const min = streams.reduce((m, s) => Math.min(m, value(s.level ?? 'info')), Infinity);
  const loggerLevel = LEVELS.find((l) => value(l) === min) ?? 'silent';
  const logger = pino({ level: loggerLevel }, pino.multistream(streams));

  return {
    logger,
    setBeforeWrite(h) {
      hook = h;
    },
    async flush() {
      file?.flushSync();
      const s = stderr as NodeJS.WritableStream & { writableNeedDrain?: boolean };
      if (s.writableNeedDrain) await new Promise<void>((resolve) => s.once('drain', () => resolve()));
    },
  };
}

const LABELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Record<number, string> = { 10: '90', 20: '90', 30: '32', 40: '33', 50: '31', 60: '1;31' };
const OWN_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** `HH:MM:SS LEVEL message key=value…` on one line, from one of pino's JSON lines. */
function formatLine(json: string, color: boolean): string {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return oneLine(json) + '\n';
  }
  const time = new Date(typeof obj.time === 'number' ? obj.time : Date.now());
  const hms = [time.getHours(), time.getMinutes(), time.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  const lvl = typeof obj.level === 'number' ? obj.level : 30;
  let label = (LABELS[lvl] ?? String(obj.level)).padEnd(5);
  if (color) label = `\x1b[${COLOURS[lvl] ?? '0'}m${label}\x1b[${COLOURS[lvl] === '1;31' ? '0' : '39'}m`;

  const msg = typeof obj.msg === 'string' ? oneLine(obj.msg) : '';
  const fields: string[] = [];
  for (const [key, v] of Object.entries(obj)) {
    if (OWN_KEYS.has(key)) continue;
    const shown = errorMessage(v);
    // logger.error(err) makes the error's message the message: once is enough.
    if (shown !== undefined && shown === obj.msg) continue;
    fields.push(`${oneLine(key)}=${formatValue(shown ?? v)}`);
  }
  return [hms, label, msg, ...fields].filter(Boolean).join(' ') + '\n';
}

/** pino serialises errors as {type, message, stack}: one line has room for the message only (the file keeps the stack). */
function errorMessage(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const e = v as { message?: unknown; stack?: unknown };
  return typeof e.message === 'string' && typeof e.stack === 'string' ? e.message : undefined;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"'=\\\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+$/.test(v) ? v : escapeControls(JSON.stringify(v));
  if (typeof v === 'object' && v !== null) return escapeControls(JSON.stringify(v));
  return String(v);
}

// Messages and values carry text from scanned sites (titles, URLs): no raw control characters may reach the
// terminal, where escape sequences could rewrite the screen, and no newline may split a line in a cron mail.
function oneLine(s: string): string {
  return escapeControls(s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\t/g, ' '));
}


