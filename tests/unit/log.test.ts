import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/cli/log.js';
import { ProgressBar } from '../../src/cli/progress.js';

/** Collects what is written to "stderr", also serving as a terminal for the progress bar. */
function fakeStderr(isTTY = false) {
  const chunks: string[] = [];
  const stream = { isTTY, columns: 100, write: (s: string) => (chunks.push(String(s)), true) };
  return { chunks, stream: stream as unknown as NodeJS.WriteStream };
}

const TIME = String.raw`\d\d:\d\d:\d\d`;
const jsonLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cookiewatch-log-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('createLogger: the log file', () => {
  it('gets JSON lines from info up, in a directory it creates, each written before the call returns', () => {
    const logFile = join(dir, 'logs', 'nightly', 'scan.log');
    const { logger } = createLogger({ logFile, quiet: false, tty: false, stderr: fakeStderr().stream });
    logger.debug('not this');
    logger.info({ url: 'https://www.volgdorp.nl/', siteId: 3, ms: 41_250 }, 'site done');
    // No flush: a SIGKILL right now must not lose this line.
    const [line, ...rest] = jsonLines(logFile);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 30, msg: 'site done', url: 'https://www.volgdorp.nl/', siteId: 3, ms: 41_250 });
    expect(typeof line?.time).toBe('number');
  });

  it('appends to an existing file and honours a lower level', async () => {
    const logFile = join(dir, 'scan.log');
    writeFileSync(logFile, '{"msg":"yesterday"}\n');
    const { chunks, stream } = fakeStderr();
    const { logger, flush } = createLogger({ logFile, quiet: false, tty: false, level: 'debug', stderr: stream });
    logger.debug({ phase: 'pre' }, 'banner search');
    logger.warn('slow site');
    await flush();
    expect(jsonLines(logFile).map((l) => l.msg)).toEqual(['yesterday', 'banner search', 'slow site']);
    // The file's level does not make stderr chattier.
    expect(chunks).toHaveLength(1);
  });

  it('keeps everything in the file when stderr is quiet', () => {
    const logFile = join(dir, 'scan.log');
    const { chunks, stream } = fakeStderr();
    const { logger } = createLogger({ logFile, quiet: true, tty: false, stderr: stream });
    logger.info('site done');
    logger.warn('site failed');
    expect(jsonLines(logFile).map((l) => l.msg)).toEqual(['site done', 'site failed']);
    expect(chunks).toEqual([]);
  });

  it('throws a clear error when the file cannot be opened', () => {
    const notADir = join(dir, 'file');
    writeFileSync(notADir, '');
    const logFile = join(notADir, 'scan.log');
    expect(() => createLogger({ logFile, quiet: false, tty: false, stderr: fakeStderr().stream })).toThrow(
      new RegExp(`^cannot open log file ${logFile.replace(/[.\\]/g, '\\$&')}: `),
    );
  });

  it('rejects an unknown level by name', () => {
    expect(() => createLogger({ quiet: false, tty: false, level: 'verbose', stderr: fakeStderr().stream })).toThrow(
      'unknown log level "verbose" (use trace, debug, info, warn, error, fatal or silent)',
    );
  });
});

describe('createLogger: stderr', () => {
  it('writes warnings and errors as one plain line each when not on a terminal', () => {
    const { chunks, stream } = fakeStderr();
    const { logger } = createLogger({ quiet: false, tty: false, stderr: stream });
    logger.info({ url: 'https://a.nl/' }, 'site done');
    logger.warn({ url: 'https://www.volgdorp.nl/', failureClass: 'timeout', attempt: 2, retry: true }, 'site failed');
    logger.error({ err: new Error('database is locked'), siteId: 9 }, 'cannot save site');
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatch(new RegExp(`^${TIME} WARN  site failed url=https://www.volgdorp.nl/ failureClass=timeout attempt=2 retry=true\\n$`));
    expect(chunks[1]).toMatch(new RegExp(`^${TIME} ERROR cannot save site err="database is locked" siteId=9\\n$`));
  });

  it('does not repeat an error message that is already the message', () => {
    const { chunks, stream } = fakeStderr();
    const { logger } = createLogger({ quiet: false, tty: false, stderr: stream });
    logger.error(new Error('no browser found'));
    expect(chunks[0]).toMatch(new RegExp(`^${TIME} ERROR no browser found\\n$`));
  });

  it('quotes values with spaces and keeps text from websites from steering the terminal', () => {
    const { chunks, stream } = fakeStderr();
    const { logger } = createLogger({ quiet: false, tty: false, stderr: stream });
    logger.warn(
      { name: 'Gemeente Volgdorp', title: 'x\x1b[2J\x9b31my', empty: '', list: ['a', 'b'] },
      'odd page\n  title \x1b]0;owned\x07',
    );
    expect(chunks).toHaveLength(1);
    const line = chunks[0] ?? '';
    expect(line.slice(9)).toBe(
      String.raw`WARN  odd page title \u001b]0;owned\u0007 name="Gemeente Volgdorp" title="x\u001b[2J\u009b31my" empty="" list=["a","b"]` + '\n',
    );
    expect(line).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  });

  it('shows text-reordering characters from websites as codes, never raw', () => {
    const { chunks, stream } = fakeStderr();
    const { logger } = createLogger({ quiet: false, tty: false, stderr: stream });
    logger.warn({ cookie: '_fbp\u202Egnp.exe' }, 'cookie \u2066name');
    expect((chunks[0] ?? '').slice(9)).toBe(String.raw`WARN  cookie \u2066name cookie="_fbp\u202egnp.exe"` + '\n');
  });

  it('shows only errors when quiet', () => {
    const { chunks, stream } = fakeStderr(true);
    const { logger } = createLogger({ quiet: true, tty: true, color: false, stderr: stream });
    logger.warn('site failed');
    logger.error('cannot write database');
    logger.fatal('giving up');
    expect(chunks.map((c) => c.slice(9))).toEqual(['ERROR cannot write database\n', 'FATAL giving up\n']);
  });

  it('shows warnings on a terminal too, leaving info to the progress bar', () => {
    const { chunks, stream } = fakeStderr(true);
    const { logger } = createLogger({ quiet: false, tty: true, color: false, stderr: stream });
    logger.info('site done');
    logger.warn('site failed');
    expect(chunks.map((c) => c.slice(9))).toEqual(['WARN  site failed\n']);
  });

  it('colours the level on a terminal unless NO_COLOR is set', () => {
    vi.stubEnv('NO_COLOR', '');
    const tty = fakeStderr(true);
    createLogger({ quiet: false, tty: true, stderr: tty.stream }).logger.warn('site failed');
    expect(tty.chunks[0]).toMatch(new RegExp(`^${TIME} \\x1b\\[33mWARN \\x1b\\[39m site failed\\n$`));

    vi.stubEnv('NO_COLOR', '1');
    const noColor = fakeStderr(true);
    createLogger({ quiet: false, tty: true, stderr: noColor.stream }).logger.warn('site failed');
    expect(noColor.chunks[0]).toMatch(new RegExp(`^${TIME} WARN  site failed\\n$`));

    vi.stubEnv('NO_COLOR', '');
    const pipe = fakeStderr(false);
    createLogger({ quiet: false, tty: false, stderr: pipe.stream }).logger.error('x');
    expect(pipe.chunks[0]).not.toContain('\x1b');
  });

  it('passes every stderr write through the beforeWrite hook, and never file writes', () => {
    const calls: string[] = [];
    const stream = { write: (s: string) => (calls.push(`write ${s.slice(9, 14)}`), true) } as unknown as NodeJS.WriteStream;
    const hook = (write: () => void) => {
      calls.push('before');
      write();
      calls.push('after');
    };
    const { logger, setBeforeWrite } = createLogger({ logFile: join(dir, 'scan.log'), quiet: false, tty: false, stderr: stream, beforeWrite: hook });
    logger.info('file only');
    logger.warn('both');
    expect(calls).toEqual(['before', 'write WARN ', 'after']);

    // The progress bar usually exists only once the list is read: the hook can be set later, and removed.
    calls.length = 0;
    setBeforeWrite((write) => {
      calls.push('other');
      write();
    });
    logger.error('one');
    setBeforeWrite(undefined);
    logger.error('two');
    expect(calls).toEqual(['other', 'write ERROR', 'write ERROR']);
  });

  it('lets the progress bar clear its line before a warning and draw it again below', () => {
    vi.useFakeTimers();
    try {
      const { chunks, stream } = fakeStderr(true);
      const bar = new ProgressBar(stream);
      const { logger } = createLogger({ quiet: false, tty: true, color: false, stderr: stream, beforeWrite: (w) => bar.around(w) });
      bar.update({ done: 1, total: 3, failed: 0, inFlight: 2, startedAt: Date.now(), doneHere: 1 });
      const drawn = chunks[0];
      logger.warn({ url: 'https://b.nl/' }, 'site failed');
      expect(chunks.slice(1)).toEqual(['\r\x1b[2K', expect.stringMatching(/WARN  site failed url=https:\/\/b.nl\/\n$/), drawn]);
      bar.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('flush resolves once the lines are out', async () => {
    const logFile = join(dir, 'scan.log');
    const { logger, flush } = createLogger({ logFile, quiet: false, tty: false, stderr: fakeStderr().stream });
    logger.info('last words');
    await expect(flush()).resolves.toBeUndefined();
    expect(jsonLines(logFile).at(-1)?.msg).toBe('last words');
  });
});
