// Property-based tests for everything a user types: the site list, the option values, the start URLs.
// Whatever the input, the code returns a well-formed result or throws its own error type with one clear
// line; never a TypeError, RangeError or a message with a stack trace or raw control characters in it.
//
// Runs are reproducible: a fixed seed, overridable with FC_SEED (and FC_RUNS for a longer search), e.g.
//   FC_SEED=$RANDOM FC_RUNS=5000 npx vitest run tests/unit/properties.test.ts

import { Command, CommanderError, InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { buildProgram } from '../../src/cli/main.js';
import {
  countOption,
  msOption,
  parseScanOptions,
  parseStartUrls,
  phasesOption,
  runIdOption,
  ScanOptionsSchema,
} from '../../src/cli/options.js';
import { ListFormatError, parseSiteList, type ParsedList } from '../../src/lists/parse.js';
import { cookieHost, hostOf, partyOf, registrableDomain } from '../../src/observe/party.js';
import { InvalidUrlError, normaliseStartUrl } from '../../src/observe/url.js';
import { CONTROL } from '../../src/util/escape-controls.js';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20260804;
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 300;
fc.configureGlobal({ seed: SEED, numRuns: RUNS });

// ---- what a clear message is ----

const ONE_CONTROL = new RegExp(CONTROL.source); // CONTROL is global: .test() on it would keep state
const STACK_FRAME = /\n\s+at |\((?:file:\/\/|node:|\/)[^()]*:\d+:\d+\)/;

/** Our own messages: non-empty, one line, no control characters, no stack, short enough to read. */
function assertClearMessage(message: string): void {
  if (!message.trim()) throw new Error('empty message');
  if (ONE_CONTROL.test(message)) throw new Error(`control character in message ${JSON.stringify(message)}`);
  if (STACK_FRAME.test(message)) throw new Error(`stack trace in message ${JSON.stringify(message)}`);
  if (message.length > 400) throw new Error(`message of ${message.length} characters`);
}

/** Runs `fn`; an error must be one of `types` with a clear message, anything else fails the property. */
function returnsOrThrowsClearly<T>(fn: () => T, ...types: Array<new (...a: never[]) => Error>): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (!types.some((t) => err instanceof t)) throw new Error(`crash: ${String(err)}`, { cause: err });
    assertClearMessage((err as Error).message);
    return undefined;
  }
}

// ---- generators ----

const controlChar = fc.constantFrom(
  '\0', '\u0001', '\u0007', '\b', '\t', '\n', '\v', '\f', '\r', '\u001b', '\u007f', '\u0085', '\u009b',
  '\u00a0', '\u00ad', '\u200b', '\u200e', '\u202e', '\u2028', '\u2029', '\u2066', '\ufeff', '\ufffd',
);

/** Inserts one odd character at a random place. */
const withOddChar = (s: fc.Arbitrary<string>) =>
  fc.tuple(s, controlChar, fc.nat()).map(([str, c, at]) => {
    const i = at % (str.length + 1);
    return str.slice(0, i) + c + str.slice(i);
  });

const scheme = fc.oneof(
  fc.constantFrom('http', 'https', 'HTTP', 'HtTpS', 'ftp', 'file', 'javascript', 'data', 'mailto', 'ws', 'blob', 'about', 'x-y+z.w', ''),
  fc.stringMatching(/^[a-z][a-z0-9+.-]{0,6}$/),
);
const schemeSep = fc.constantFrom('://', ':', ':/', ':///', '//', '', ':\\\\', ':/\\', '://///');
const userinfo = fc.constantFrom('', '', '', 'user@', 'user:pw@', ':@', '@', ':pw@', 'a%40b@');
const host = fc.oneof(
  fc.domain(),
  fc.constantFrom(
    'localhost', 'LOCALHOST', 'bücher.de', 'ÉXAMPLE.NL', 'xn--bcher-kva.de', '例え.jp', 'xn--a.nl', 'a..b.nl', '-a.nl',
    'a-.nl', 'a_b.nl', 'nodots', '127.0.0.1', '0x7f.1', '1.2.3', '256.1.1.1', '[::1]', '[2001:db8::1]', '::1',
    '[::ffff:1.2.3.4]', '[fe80::1%25eth0]', 'a.nl.', '.a.nl', '%61.nl', 'a%2Eb.nl', 'ＡＢ.nl', 'a.github.io', 'github.io',
    'www.example.co.uk', 'co.uk', 'x.kawasaki.jp', 'www.ck', 'a.b.c.d.e.f.nl', `${'a'.repeat(64)}.nl`, 'a.1', '1.nl',
  ),
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.ipV6().map((h) => `[${h}]`),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);
const port = fc.oneof(
  fc.constant(''),
  fc.integer({ min: -5, max: 70_000 }).map((p) => `:${p}`),
  fc.constantFrom(':', ':abc', ':080', ':99999999999999999999', ':443', ':80'),
);
const segment = fc.oneof(fc.webSegment(), fc.constantFrom('url', 'URL', 'name', ',', ';', ',url', ';url', '%', '..', '.', '%00', 'ü', '\\', '?', '#'));
const path = fc.oneof(fc.constantFrom('', '/'), fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`));
const query = fc.option(fc.webQueryParameters().map((q) => `?${q}`), { nil: '' });
const fragment = fc.option(fc.webFragments().map((f) => `#${f}`), { nil: '' });

/** Scheme, userinfo, host, port, path, query, fragment, each of them often odd. */
const urlLike = fc
  .tuple(fc.option(fc.tuple(scheme, schemeSep), { nil: undefined, freq: 3 }), userinfo, host, port, path, query, fragment)
  .map(([s, u, h, p, pa, q, f]) => `${s ? s[0] + s[1] : ''}${u}${h}${p}${pa}${q}${f}`);

const urlInput = fc.oneof(
  { weight: 4, arbitrary: urlLike },
  { weight: 2, arbitrary: withOddChar(urlLike) },
  { weight: 1, arbitrary: urlLike.map((u) => ` \t${u}  `) },
  { weight: 1, arbitrary: fc.mixedCase(urlLike) },
  {
    weight: 2,
    arbitrary: fc.webUrl({
      validSchemes: ['http', 'https', 'ftp'],
      withQueryParameters: true,
      withFragments: true,
      authoritySettings: { withIPv4: true, withIPv6: true, withIPv4Extended: true, withUserInfo: true, withPort: true },
    }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', 'https://', '//', 'localhost:8443?x=1', 'a.nl:8080#top', 'x'.repeat(5000)) },
);

/** Strings a number option might get: numbers of every size and sign, and things that look like them. */
const numberish = fc.oneof(
  fc.integer().map(String),
  fc.bigInt().map(String),
  fc.double().map(String),
  fc.nat({ max: 4_000_000 }).map(String),
  fc.nat({ max: 4_000_000 }).map((n) => ` ${n}\t`),
  fc.constantFrom(
    'NaN', 'Infinity', '-Infinity', '-0', '0x10', '0b1', '0o7', '1e3', '1_000', '1.0', '5.', '.5', '١٢', '１２', '+5', '5 ms',
    '', ' ', '00012', '9007199254740993', '1'.repeat(400), '\u00a05', '5\u2028', 'true', '-1', '--5',
  ),
  fc.string({ maxLength: 10 }),
  withOddChar(fc.nat({ max: 100_000 }).map(String)),
);

// ---- start URLs ----

function assertStartUrl(url: string): void {
  const u = new URL(url);
  expect(['http:', 'https:']).toContain(u.protocol);
  expect(u.hostname).not.toBe('');
  expect(u.username + u.password).toBe('');
  expect(u.hash).toBe('');
  expect(url).toBe(u.href);
  expect(url).not.toMatch(/\s/);
}

describe('properties: normaliseStartUrl', () => {
  it('returns an http(s) URL with a host, or throws InvalidUrlError with one clear line', () => {
    fc.assert(
      fc.property(urlInput, (input) => {
        const url = returnsOrThrowsClearly(() => normaliseStartUrl(input), InvalidUrlError);
        if (url !== undefined) assertStartUrl(url);
      }),
    );
  });

  it('is idempotent: a normalised URL normalises to itself', () => {
    fc.assert(
      fc.property(urlInput, (input) => {
        let url: string;
        try {
          url = normaliseStartUrl(input);
        } catch {
          return; // refusals are the property above
        }
        expect(normaliseStartUrl(url)).toBe(url);
      }),
    );
  });

  it('accepts every http(s) URL with a plain host, keeping scheme, host, port, path and query', () => {
    const plain = fc.webUrl({
      validSchemes: ['http', 'https'],
      withQueryParameters: true,
      withFragments: true,
      authoritySettings: { withPort: true },
    });
    fc.assert(
      fc.property(plain, (input) => {
        const u = new URL(input);
        // fc.domain() may make a label our stricter host rule refuses (dots-only TLDs are fine)
        fc.pre(u.hostname.split('.').every((l) => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(l)) && !/^\d+$/.test(u.hostname.split('.').at(-1)!));
        const url = normaliseStartUrl(input);
        u.hash = '';
        expect(url).toBe(u.href);
      }),
    );
  });

  it('takes host:port followed by a query or fragment for a host and port, not for a scheme', () => {
    // regression: "localhost:8443?x=1" was refused as "not an http(s) URL (scheme localhost)"
    expect(normaliseStartUrl('localhost:8443?x=1')).toBe('https://localhost:8443/?x=1');
    expect(normaliseStartUrl('a.nl:8080#top')).toBe('https://a.nl:8080/');
  });

  it('refuses control characters in the input without echoing them raw', () => {
    // regression: the message quoted the input as typed, so "a\nb" made a two-line error
    for (const input of ['https://a.nl/\nb', 'a.\u0007nl', '\u001b[31ma.nl', 'https://a\u202e.nl/']) {
      let message = '';
      try {
        normaliseStartUrl(input);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidUrlError);
        message = (err as Error).message;
      }
      expect(message).not.toBe('');
      assertClearMessage(message);
    }
    expect(() => normaliseStartUrl('https://a.nl/\nb')).toThrow('"https://a.nl/\\u000ab" is not a URL (it contains spaces)');
    // and cuts what it quotes: a 5000-character scheme was quoted whole (found with "x".repeat(5000) + "htp://x")
    expect(() => normaliseStartUrl(`${'x'.repeat(5000)}htp://x`)).toThrow(`"${'x'.repeat(100)}…" is not an http(s) URL (scheme ${'x'.repeat(20)}…)`);
  });
});

describe('properties: parseStartUrls', () => {
  it('returns distinct normalised http(s) URLs, or throws UsageError with one clear line', () => {
    fc.assert(
      fc.property(fc.array(urlInput, { maxLength: 5 }), (inputs) => {
        const urls = returnsOrThrowsClearly(() => parseStartUrls(inputs), UsageError);
        if (urls === undefined) return;
        expect(new Set(urls).size).toBe(urls.length);
        expect(urls.length).toBeLessThanOrEqual(inputs.length);
        for (const url of urls) {
          assertStartUrl(url);
          expect(parseStartUrls([url])).toEqual([url]);
        }
      }),
    );
  });
});

// ---- URL handling downstream: hosts and parties ----

/** Host names as they come out of URLs (what registrableDomain is given in practice). */
const urlHost = urlInput
  .map((input) => {
    try {
      return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `https://${input}`).hostname;
    } catch {
      return '';
    }
  })
  .filter((h) => h !== '');

describe('properties: hosts and parties', () => {
  it('hostOf never throws and gives a lower-case host without brackets', () => {
    fc.assert(
      fc.property(fc.oneof(urlInput, fc.string({ unit: 'binary', maxLength: 30 })), (input) => {
        const h = hostOf(input);
        expect(typeof h).toBe('string');
        expect(h).toBe(h.toLowerCase());
        expect(h).not.toMatch(/^\[|\]$/);
      }),
    );
  });

  it('registrableDomain never throws, whatever the string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), urlInput), (s) => {
        expect(typeof registrableDomain(s)).toBe('string');
        expect(typeof cookieHost(s)).toBe('string');
      }),
    );
  });

  it('the registrable domain of a host is a suffix of it, is its own registrable domain, and is first party', () => {
    fc.assert(
      fc.property(urlHost, (h) => {
        const clean = h.replace(/^\[|\]$/g, '').replace(/^\.+|\.+$/g, '').toLowerCase();
        const d = registrableDomain(h);
        if (clean !== '') expect(d).not.toBe(''); // a host of dots only ("https://./") has no domain
        expect(clean === d || clean.endsWith(`.${d}`)).toBe(true);
        expect(registrableDomain(d)).toBe(d);
        expect(partyOf(h, d)).toBe('first-party');
        // below a registrable domain, every host belongs to it
        if (clean !== d) expect(registrableDomain(`www.${d}`)).toBe(d);
      }),
    );
  });

  it('strips every trailing dot, so a host with two is still the same party', () => {
    // regression: only one dot went, so "a.." had domain "a." and "a." had "a" (found with input "a..")
    expect(registrableDomain('www.a.nl..')).toBe('a.nl');
    expect(registrableDomain('a..')).toBe('a');
    expect(partyOf('cdn.a.nl..', 'a.nl')).toBe('first-party');
  });

  it('for an accepted start URL, hostOf is the URL host and the site domain a suffix of it', () => {
    fc.assert(
      fc.property(urlInput, (input) => {
        let url: string;
        try {
          url = normaliseStartUrl(input);
        } catch {
          return;
        }
        const h = hostOf(url);
        expect(h).toBe(new URL(url).hostname.replace(/^\[|\]$/g, ''));
        const d = registrableDomain(h);
        expect(h === d || h.endsWith(`.${d}`)).toBe(true);
        expect(cookieHost(`.${h}`)).toBe(h);
      }),
    );
  });
});

// ---- option values ----

const MS_BOUNDS: Array<[number, number]> = [[0, 120_000], [0, 600_000], [0, 60_000], [1000, 600_000], [0, 3_600_000]];
const COUNT_BOUNDS: Array<[number, number]> = [[0, 50], [1, 64], [0, 10], [0, 100_000]];

describe('properties: option values', () => {
  it('msOption: a whole number within bounds, equal to what was typed, or InvalidArgumentError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MS_BOUNDS), numberish, ([min, max], raw) => {
        const n = returnsOrThrowsClearly(() => msOption(min, max)(raw), InvalidArgumentError);
        if (n === undefined) return;
        expect(Number.isSafeInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(min);
        expect(n).toBeLessThanOrEqual(max);
        expect(raw.trim()).toMatch(/^\d+$/);
        expect(n).toBe(Number(raw.trim()));
      }),
    );
  });

  it('msOption and countOption accept every whole number within bounds, with or without spaces', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MS_BOUNDS, ...COUNT_BOUNDS), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), ([min, max], f, pad) => {
        const n = Math.min(max, min + Math.floor(f * (max - min + 1)));
        const raw = pad ? ` ${n} ` : String(n);
        expect(msOption(min, max)(raw)).toBe(n);
        expect(countOption(min, max)(raw)).toBe(n);
      }),
    );
  });

  it('countOption: a whole number within bounds, or InvalidArgumentError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COUNT_BOUNDS), numberish, ([min, max], raw) => {
        const n = returnsOrThrowsClearly(() => countOption(min, max)(raw), InvalidArgumentError);
        if (n === undefined) return;
        expect(Number.isInteger(n) && n >= min && n <= max).toBe(true);
        expect(n).toBe(Number(raw.trim()));
      }),
    );
  });

  it('runIdOption: a safe whole number from 1, or InvalidArgumentError', () => {
    fc.assert(
      fc.property(numberish, (raw) => {
        const n = returnsOrThrowsClearly(() => runIdOption(raw), InvalidArgumentError);
        if (n === undefined) return;
        expect(Number.isSafeInteger(n) && n >= 1).toBe(true);
      }),
    );
  });

  it('phasesOption: known phases, no duplicates, in the order first given; or one clear line', () => {
    const phaseList = fc
      .array(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('pre', 'accept', 'reject') },
          { weight: 1, arbitrary: fc.constantFrom('', ' ', 'PRE', 'Accept', 'pre ', 'x', 'all', 'pre;accept') },
          { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
          { weight: 1, arbitrary: withOddChar(fc.constantFrom('pre', 'reject', '')) },
        ),
        { maxLength: 6 },
      )
      .map((names) => names.join(','));
    fc.assert(
      fc.property(phaseList, (raw) => {
        const phases = returnsOrThrowsClearly(() => phasesOption(raw), InvalidArgumentError);
        if (phases === undefined) return;
        expect(phases.length).toBeGreaterThan(0);
        expect(new Set(phases).size).toBe(phases.length);
        const given = raw.split(',').map((p) => p.trim()).filter(Boolean);
        expect(phases).toEqual([...new Set(given)]);
      }),
    );
  });

  it('phasesOption does not echo control characters raw', () => {
    // regression: `--phases $'pre,\x1b[2Jx'` printed the escape sequence to the terminal
    expect(() => phasesOption('pre,\u001b[2Jx')).toThrow('Unknown phase "\\u001b[2Jx"; phases are pre, accept, reject.');
    expect(() => phasesOption('pre,a\nb')).toThrow('Unknown phase "a\\u000ab"');
  });

  it('parseScanOptions: options of any type give ScanOptions or a UsageError naming the option', () => {
    const keys = Object.keys(ScanOptionsSchema.shape);
    const value = fc.oneof(
      fc.anything(),
      fc.integer({ min: -10, max: 200_000 }),
      fc.double(),
      fc.boolean(),
      fc.string({ maxLength: 8 }),
      fc.constant(['pre', 'accept']),
      fc.array(fc.constantFrom('pre', 'accept', 'reject', 'x')),
    );
    const valid = {
      phases: ['pre'], pages: 2, bannerWait: 0, db: 'x.sqlite', dwell: 0, quietWindow: 0, visitTimeout: 1000,
      concurrency: 1, siteTimeout: 0, retries: 0, retryDelay: 0, restartEvery: 0,
    };
    const raw = fc
      .tuple(fc.boolean(), fc.dictionary(fc.constantFrom(...keys, 'extra', '__proto__', 'constructor'), value, { maxKeys: 6 }))
      .map(([base, over]) => ({ ...(base ? valid : {}), ...over }));
    fc.assert(
      fc.property(raw, (r) => {
        const o = returnsOrThrowsClearly(() => parseScanOptions(r), UsageError);
        if (o === undefined) return;
        expect(o.phases.length).toBeGreaterThan(0);
        for (const k of ['pages', 'bannerWait', 'dwell', 'quietWindow', 'visitTimeout', 'siteTimeout', 'retries', 'retryDelay', 'restartEvery'] as const) {
          expect(Number.isInteger(o[k])).toBe(true);
        }
        // Left out, it is the default for the browser the scan finds.
        if (o.concurrency !== undefined) expect(Number.isInteger(o.concurrency) && o.concurrency >= 1).toBe(true);
      }),
    );
    expect(() => parseScanOptions({ ...valid, pages: 51 })).toThrow(/^option --pages: /);
  });
});

// ---- the commander program, in process, with the scan action replaced so no browser starts ----

/** `cookiewatch` with its output kept in `out` and scan's action only checking what was parsed. */
function quietProgram(out: { stderr: string }, onScan: (inputs: string[], raw: Record<string, unknown>) => void): Command {
  const program = buildProgram();
  // only the writers: the program's own outputError (which escapes) stays
  for (const c of [program, ...program.commands]) c.configureOutput({ writeOut: () => {}, writeErr: (s) => void (out.stderr += s) });
  program.commands.find((c) => c.name() === 'scan')!.action((inputs: string[], raw: Record<string, unknown>) => onScan(inputs, raw));
  return program;
}

const SCAN_VALUE_OPTIONS = [
  '--pages', '--banner-wait', '--dwell', '--quiet-window', '--visit-timeout', '--concurrency', '--site-timeout', '--retries',
  '--retry-delay', '--restart-every', '--phases', '--db', '--browser', '--host-resolver-rules', '--list',
];
const SCAN_FLAGS = ['--ignore-https-errors', '--no-trackerdb', '--store-values', '--skip-invalid', '--quiet'];

describe('properties: the scan command line', () => {
  it('parses to valid options and start URLs, or stops with a commander error or a UsageError', async () => {
    const arg = fc.oneof(
      { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...SCAN_VALUE_OPTIONS), numberish).map(([o, v]) => [o, v]) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SCAN_VALUE_OPTIONS), numberish).map(([o, v]) => [`${o}=${v}`]) },
      { weight: 1, arbitrary: fc.constantFrom(...SCAN_FLAGS).map((f) => [f]) },
      { weight: 1, arbitrary: fc.constantFrom('--phases', '--pages').map((o) => [o]) }, // value missing
      { weight: 1, arbitrary: fc.constantFrom('--bogus', '-x', '--', '-', '--pages=', '--dwel').map((o) => [o]) },
      { weight: 2, arbitrary: urlInput.map((u) => [u]) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(arg, { maxLength: 5 }).map((a) => a.flat()), async (args) => {
        let parsed: { urls: string[]; o: ReturnType<typeof parseScanOptions> } | undefined;
        const out = { stderr: '' };
        const program = quietProgram(out, (inputs, raw) => {
          parsed = { o: parseScanOptions(raw), urls: parseStartUrls(inputs) };
        });
        try {
          await program.parseAsync(['scan', ...args], { from: 'user' });
        } catch (err) {
          if (err instanceof UsageError) return assertClearMessage(err.message);
          if (!(err instanceof CommanderError)) throw new Error(`crash: ${String(err)}`, { cause: err });
          // commander's own message: the first line says what is wrong (a second may suggest an option)
          expect(err.message.split('\n')[0]).toMatch(/^error: \S/);
          expect(err.message).not.toMatch(STACK_FRAME);
          // what reaches the terminal: an argument's control characters escaped (a '\n' in it still breaks the line)
          if (!['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)) {
            expect(out.stderr).toMatch(/^error: \S/);
            expect(out.stderr.replace(/\n/g, '')).not.toMatch(ONE_CONTROL);
          }
          return;
        }
        expect(parsed).toBeDefined();
        for (const url of parsed!.urls) assertStartUrl(url);
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });

  it('escapes control characters in the argument commander quotes', async () => {
    // regression: `--pages $'\x1b[2J'` cleared the terminal in the error message
    const out = { stderr: '' };
    const program = quietProgram(out, () => {});
    await expect(program.parseAsync(['scan', '--pages', '\u001b[2J'], { from: 'user' })).rejects.toThrow(CommanderError);
    expect(out.stderr).toBe("error: option '--pages <n>' argument '\\u001b[2J' is invalid. Must be a whole number from 0 to 50.\n");
  });
});

// ---- the site list ----

const csvToken = fc.constantFrom(
  ',', ';', '\t', '"', '""', '\n', '\r\n', '\r', '\uFEFF', ' ', '#', '# comment\n', 'url', 'URL', 'name', 'code', 'group',
  'province', 'cbs_code', 'a.nl', 'https://b.nl/x', 'www.c.nl', 'x', 'é', '\u0000', '\u0007', '\u2028', 'htp://x', 'a b',
);
const csvish = fc.oneof(
  fc.array(fc.oneof({ weight: 4, arbitrary: csvToken }, { weight: 1, arbitrary: urlInput }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }), { maxLength: 60 }).map((t) => t.join('')),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
);

const delimiter = fc.constantFrom(',', ';', '\t');
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
const field = fc.oneof(
  { weight: 3, arbitrary: urlInput },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 1, arbitrary: urlInput.map((u) => `"${u.replace(/"/g, '""')}"`) },
  { weight: 1, arbitrary: fc.constantFrom('', '"', '""', '"a"x', ' "a" ', '"a\nb"', '# x', '\u0000') },
);
/** A header (usually with a url column) and rows of odd fields, with random delimiters, quotes, BOM and line ends. */
const csvList = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.constantFrom('url', 'URL', ' url ', '"url"', 'name', 'code', 'group', 'province', 'cbs_code', 'x', 'Naam'), { minLength: 1, maxLength: 5 }),
    delimiter,
    fc.array(fc.tuple(fc.array(field, { maxLength: 5 }), fc.option(delimiter, { nil: undefined, freq: 4 })), { maxLength: 8 }),
    lineEnd,
  )
  .map(([bom, header, d, rows, eol]) =>
    (bom ? '\uFEFF' : '') + [header.join(d), ...rows.map(([fields, other]) => fields.join(other ?? d))].join(eol) + eol,
  );

/** What a parsed list promises, checked against the text it came from. */
function assertWellFormedList(text: string, list: ParsedList): void {
  expect(['csv', 'text']).toContain(list.format);
  const lineCount = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n').length;
  const urls = list.sites.map((s) => s.url);
  expect(new Set(urls).size).toBe(urls.length);
  for (const site of list.sites) {
    assertStartUrl(site.url);
    expect(normaliseStartUrl(site.url)).toBe(site.url);
    for (const v of [site.name, site.code, site.group]) {
      if (v === undefined) continue;
      expect(v).not.toBe('');
      expect(v).toBe(v.trim());
      expect(v).not.toMatch(/\p{Cc}/u);
      expect(Array.from(v).length).toBeLessThanOrEqual(200);
    }
    if (list.format === 'text') expect(Object.keys(site)).toEqual(['url']);
  }
  for (const p of list.invalid) {
    expect(Number.isInteger(p.line) && p.line >= 1 && p.line <= lineCount).toBe(true);
    assertClearMessage(p.problem);
    expect(Array.from(p.text).length).toBeLessThanOrEqual(120);
  }
  for (const d of list.duplicates) {
    expect(urls).toContain(d.url);
    expect(d.lines.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < d.lines.length; i++) expect(d.lines[i]!).toBeGreaterThan(d.lines[i - 1]!);
  }
}

function isStartUrl(s: string): boolean {
  try {
    normaliseStartUrl(s);
    return true;
  } catch {
    return false;
  }
}

const quote = (v: string | undefined) => `"${(v ?? '').replace(/"/g, '""')}"`;
const toCsv = (list: ParsedList) =>
  ['url,name,code,group', ...list.sites.map((s) => [s.url, s.name, s.code, s.group].map(quote).join(','))].join('\n');

describe('properties: parseSiteList', () => {
  const anyList = fc.oneof(csvish, csvList);

  it('returns a well-formed list or throws ListFormatError with one clear line', () => {
    fc.assert(
      fc.property(anyList, (text) => {
        const list = returnsOrThrowsClearly(() => parseSiteList(text), ListFormatError);
        if (list) assertWellFormedList(text, list);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('a parsed list written back as CSV parses to the same sites, with nothing invalid or duplicated', () => {
    fc.assert(
      fc.property(anyList, (text) => {
        let list: ParsedList;
        try {
          list = parseSiteList(text);
        } catch {
          return;
        }
        const again = parseSiteList(toCsv(list));
        expect(again).toEqual({ format: 'csv', sites: list.sites, invalid: [], duplicates: [] });
      }),
    );
  });

  it('a parsed list written back as plain text, one URL a line, parses to the same URLs', () => {
    fc.assert(
      fc.property(anyList, lineEnd, (text, eol) => {
        let list: ParsedList;
        try {
          list = parseSiteList(text);
        } catch {
          return;
        }
        const urls = list.sites.map((s) => s.url);
        const again = parseSiteList(urls.join(eol));
        expect(again).toEqual({ format: 'text', sites: urls.map((url) => ({ url })), invalid: [], duplicates: [] });
      }),
    );
  });

  it('takes a first line that is a URL with ",url" in it for a site, not for a CSV header', () => {
    // regression: found with "[::0:0:0:0:0:0.0.0.0]/,url#"; the whole list was read as CSV, every row invalid
    const list = parseSiteList('https://a.nl/search?fields=title,url\nb.nl\n');
    expect(list).toEqual({
      format: 'text',
      sites: [{ url: 'https://a.nl/search?fields=title,url' }, { url: 'https://b.nl/' }],
      invalid: [],
      duplicates: [],
    });
    expect(parseSiteList('a.nl/x;url # first\n').format).toBe('text');
    expect(parseSiteList('name,url\nA,a.nl\n').format).toBe('csv');
  });

  it('a text list: every entry is a site, a duplicate or an invalid row, on the line it is on', () => {
    const entry = fc.oneof(
      { weight: 3, arbitrary: fc.domain() },
      { weight: 2, arbitrary: urlInput.filter((u) => !/[\s#]/.test(u) && u.trim() === u && u !== '') },
      { weight: 1, arbitrary: fc.constantFrom('htp://x', 'ftp://a.nl', 'https://nodots/', 'a.nl', 'A.NL/#x') },
    );
    const filler = fc.constantFrom('', '   ', '# comment', '  # indented');
    const lines = fc.array(fc.oneof({ weight: 3, arbitrary: entry.map((e) => ({ e })) }, { weight: 1, arbitrary: filler.map((f) => ({ f })) }), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lineEnd, fc.boolean(), (ls, eol, bom) => {
        // A first line that is no URL but looks like a CSV header is the CSV properties' business.
        const first = ls.find((l) => 'e' in l);
        fc.pre(!first || !('e' in first) || isStartUrl(first.e) || !/(^|[,;\t])\s*"?\s*url\s*"?\s*([,;\t]|$)/i.test(first.e));
        const text = (bom ? '\uFEFF' : '') + ls.map((l) => ('e' in l ? l.e : l.f)).join(eol);
        const list = parseSiteList(text);
        expect(list.format).toBe('text');
        assertWellFormedList(text, list);
        const invalidLines = new Set(list.invalid.map((p) => p.line));
        const extraDuplicateLines = list.duplicates.reduce((n, d) => n + d.lines.length - 1, 0);
        const entries = ls.flatMap((l, i) => ('e' in l ? [{ e: l.e, line: i + 1 }] : []));
        expect(list.sites.length + list.invalid.length + extraDuplicateLines).toBe(entries.length);
        const accepted: string[] = [];
        for (const { e, line } of entries) {
          let url: string | undefined;
          try {
            url = normaliseStartUrl(e);
          } catch {
            expect(invalidLines.has(line)).toBe(true);
            continue;
          }
          if (!accepted.includes(url)) accepted.push(url);
          else expect(list.duplicates.find((d) => d.url === url)?.lines).toContain(line);
        }
        expect(list.sites.map((s) => s.url)).toEqual(accepted);
      }),
    );
  });

  it('stays fast on large odd input (no quadratic scan)', () => {
    const big = [
      `url\n"${'a.nl,\n'.repeat(50_000)}`,
      ',;\t'.repeat(100_000),
      'url;name\n' + 'a.nl;"x\n'.repeat(20_000),
      ' '.repeat(200_000) + '#',
      'url\n' + 'x'.repeat(500_000),
    ];
    for (const text of big) {
      const t0 = performance.now();
      returnsOrThrowsClearly(() => parseSiteList(text), ListFormatError);
      expect(performance.now() - t0).toBeLessThan(5000); // linear is well under a second; quadratic takes minutes
    }
    const t0 = performance.now();
    registrableDomain(`${'.'.repeat(100_000)}x${'.'.repeat(100_000)}`);
    normaliseStartUrl(`https://a.nl/${'a:1/'.repeat(50_000)}`);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
