import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_LISTS, ListError, describeProblems, loadSiteList } from '../../src/lists/load.js';
import { ListFormatError, type ListProblem, parseSiteList } from '../../src/lists/parse.js';

describe('parseSiteList: CSV', () => {
  it('reads url, name, code and group, normalising the URL', () => {
    const list = parseSiteList('url,name,code,group\nwww.a.nl,Gemeente A,GM0001,Drenthe\nhttps://B.nl/x#top,B,,\n');
    expect(list.format).toBe('csv');
    expect(list.sites).toEqual([
      { url: 'https://www.a.nl/', name: 'Gemeente A', code: 'GM0001', group: 'Drenthe' },
      { url: 'https://b.nl/x', name: 'B' },
    ]);
    expect(list.invalid).toEqual([]);
    expect(list.duplicates).toEqual([]);
  });

  it('treats header names case-insensitively and trimmed, ignores unknown columns, any column order', () => {
    const list = parseSiteList(' Naam , NAME ,Extra, URL \nx, A ,y,a.nl\n');
    expect(list.sites).toEqual([{ url: 'https://a.nl/', name: 'A' }]);
  });

  it('handles quoted fields with commas, "" escapes and newlines, keeping line numbers right', () => {
    const text = [
      'code,name,url', // 1
      'GM0820,"Nuenen, Gerwen en Nederwetten",https://www.nuenen.nl/', // 2
      'GM0002,"Het ""oude"" dorp",b.nl', // 3
      'GM0003,"Twee', // 4
      'regels",c.nl', // 5
      'GM0004,D,', // 6: empty url, must be reported on line 6
    ].join('\n');
    const list = parseSiteList(text);
    expect(list.sites).toEqual([
      { url: 'https://www.nuenen.nl/', code: 'GM0820', name: 'Nuenen, Gerwen en Nederwetten' },
      { url: 'https://b.nl/', code: 'GM0002', name: 'Het "oude" dorp' },
      // the embedded newline is a control character: it becomes a space
      { url: 'https://c.nl/', code: 'GM0003', name: 'Twee regels' },
    ]);
    expect(list.invalid).toEqual([{ line: 6, problem: 'url is empty', text: 'GM0004,D,' }]);
  });

  it('accepts a quoted url field and quoted header fields', () => {
    const list = parseSiteList('"url";"name"\n"https://a.nl/?x=1;2";"A"\n');
    expect(list.sites).toEqual([{ url: 'https://a.nl/?x=1;2', name: 'A' }]);
  });

  it('detects ; as delimiter (Dutch Excel)', () => {
    const list = parseSiteList('code;name;province;url\nGM0001;Aa, en Hunze;Drenthe;aaenhunze.nl\n');
    expect(list.format).toBe('csv');
    expect(list.sites).toEqual([
      { url: 'https://aaenhunze.nl/', code: 'GM0001', name: 'Aa, en Hunze', group: 'Drenthe' },
    ]);
  });

  it('detects tab as delimiter', () => {
    const list = parseSiteList('name\turl\tgroup\nA, B\ta.nl\tNoord-Holland\n');
    expect(list.sites).toEqual([{ url: 'https://a.nl/', name: 'A, B', group: 'Noord-Holland' }]);
  });

  it('strips a BOM and accepts CRLF and CR line ends with correct line numbers', () => {
    const crlf = parseSiteList('\uFEFFurl,name\r\na.nl,A\r\n\r\n,B\r\nc.nl,"C\r\nD"\r\n');
    expect(crlf.format).toBe('csv');
    expect(crlf.sites).toEqual([
      { url: 'https://a.nl/', name: 'A' },
      { url: 'https://c.nl/', name: 'C D' },
    ]);
    expect(crlf.invalid).toEqual([{ line: 4, problem: 'url is empty', text: ',B' }]);

    // a BOM right before a quoted header would otherwise hide the opening quote
    const quoted = parseSiteList('\uFEFF"url","name"\r\n"a.nl","A"\r\n');
    expect(quoted.format).toBe('csv');
    expect(quoted.sites).toEqual([{ url: 'https://a.nl/', name: 'A' }]);

    const cr = parseSiteList('url\ra.nl\r\rhtp://x\r');
    expect(cr.sites).toEqual([{ url: 'https://a.nl/' }]);
    expect(cr.invalid).toEqual([
      { line: 4, problem: '"htp://x" is not an http(s) URL (scheme htp)', text: 'htp://x' },
    ]);
  });

  it('maps province → group and cbs_code → code when group/code are absent', () => {
    const list = parseSiteList('cbs_code,name,province,url\nGM0114,Emmen,Drenthe,https://gemeente.emmen.nl/\n');
    expect(list.sites).toEqual([
      { url: 'https://gemeente.emmen.nl/', code: 'GM0114', name: 'Emmen', group: 'Drenthe' },
    ]);
  });

  it('prefers group and code over the aliases when both are present', () => {
    const list = parseSiteList('url,province,group,cbs_code,code\na.nl,Drenthe,Noord,GM0001,X1\n');
    expect(list.sites).toEqual([{ url: 'https://a.nl/', group: 'Noord', code: 'X1' }]);
  });

  it('leaves empty optional fields out, trims values, removes control characters, cuts at 200 characters', () => {
    const long = 'x'.repeat(250);
    const list = parseSiteList(`url,name,code,group\na.nl,  ,\u0007GM\u00000001 ,${long}\n`);
    expect(list.sites).toEqual([{ url: 'https://a.nl/', code: 'GM0001', group: 'x'.repeat(200) }]);
    expect(Object.keys(list.sites[0]!)).toEqual(['url', 'code', 'group']);
  });

  it('skips blank lines, # comment lines and rows of only delimiters, before and after the header', () => {
    const text = '# municipalities\n\n  \nurl;name\n# Drenthe\na.nl;A\n\n;\n  # indented comment\nb.nl;B\n';
    const list = parseSiteList(text);
    expect(list.format).toBe('csv');
    expect(list.sites.map((s) => s.url)).toEqual(['https://a.nl/', 'https://b.nl/']);
    expect(list.invalid).toEqual([]);
  });

  it('reports wrong field counts with exact line numbers, expected vs got', () => {
    const text = ['code,name,url', 'GM1,A,a.nl', 'GM2,B', 'GM3,"C,\nC",c.nl,extra', 'GM4,D,d.nl'].join('\n');
    const list = parseSiteList(text);
    expect(list.sites.map((s) => s.code)).toEqual(['GM1', 'GM4']);
    expect(list.invalid).toEqual([
      { line: 3, problem: 'expected 3 fields, got 2', text: 'GM2,B' },
      { line: 4, problem: 'expected 3 fields, got 4', text: 'GM3,"C,\nC",c.nl,extra' },
    ]);
  });

  it('reports empty and invalid URLs with the URL checker’s message', () => {
    const text = 'url,name\n,Leeg\n   ,Spaties\nhtp://x,A\njavascript:alert(1),B\nhttps://,C\nhttps://nodots/,D\nok.nl,E\n';
    const list = parseSiteList(text);
    expect(list.sites).toEqual([{ url: 'https://ok.nl/', name: 'E' }]);
    expect(list.invalid.map((p) => [p.line, p.problem])).toEqual([
      [2, 'url is empty'],
      [3, 'url is empty'],
      [4, '"htp://x" is not an http(s) URL (scheme htp)'],
      [5, '"javascript:alert(1)" is not an http(s) URL (scheme javascript)'],
      [6, '"https://" is not a valid URL'],
      [7, '"https://nodots/" does not have a valid host name'],
    ]);
    expect(list.invalid[1]!.text).toBe(',Spaties');
  });

  it('reports an unterminated quote on the row where it opened and still reads the rows after it', () => {
    const text = 'url,name\na.nl,"A\nb.nl,B\nc.nl,C\n';
    const list = parseSiteList(text);
    expect(list.invalid).toEqual([
      { line: 2, problem: 'unterminated quote in field 2 (no closing " before the end of the file)', text: 'a.nl,"A' },
    ]);
    expect(list.sites.map((s) => s.url)).toEqual(['https://b.nl/', 'https://c.nl/']);
  });

  it('reports text after a closing quote instead of silently joining it to the value', () => {
    const list = parseSiteList('url,name\n"a.nl"x,A\n"b.nl" ,B\n');
    expect(list.invalid).toEqual([{ line: 2, problem: 'text after the closing quote in field 1', text: '"a.nl"x,A' }]);
    expect(list.sites).toEqual([{ url: 'https://b.nl/', name: 'B' }]);
  });

  it('cuts the reported row text to 120 characters', () => {
    const list = parseSiteList(`url,name\n,${'n'.repeat(300)}\n`);
    expect(list.invalid[0]!.text).toBe(`,${'n'.repeat(119)}`);
  });

  it('throws ListFormatError for a header naming a known column twice', () => {
    expect(() => parseSiteList('url,name,URL\na.nl,A,b.nl\n')).toThrow(ListFormatError);
    expect(() => parseSiteList('url,name,URL\na.nl,A,b.nl\n')).toThrow(
      'the header on line 1 has the column "url" twice (columns 1 and 3)',
    );
    expect(() => parseSiteList('# x\nurl;province;Province\n')).toThrow(
      'the header on line 2 has the column "province" twice (columns 2 and 3)',
    );
  });

  it('allows unknown columns to repeat', () => {
    expect(parseSiteList('url,x,x\na.nl,1,2\n').sites).toEqual([{ url: 'https://a.nl/' }]);
  });

  it('returns an empty list for a header without data rows', () => {
    expect(parseSiteList('url,name\n')).toEqual({ format: 'csv', sites: [], invalid: [], duplicates: [] });
    expect(parseSiteList('\uFEFFurl')).toEqual({ format: 'csv', sites: [], invalid: [], duplicates: [] });
  });

  it('treats a file without a url column as text, so its rows are invalid', () => {
    const list = parseSiteList('naam,adres\nA,a.nl\n');
    expect(list.format).toBe('text');
    expect(list.sites).toEqual([]);
    expect(list.invalid).toEqual([
      { line: 1, problem: '"naam,adres" does not have a valid host name', text: 'naam,adres' },
      { line: 2, problem: '"A,a.nl" does not have a valid host name', text: 'A,a.nl' },
    ]);
  });

  it('does not take "url" inside a longer field for a header', () => {
    expect(parseSiteList('https://a.nl/url\n').format).toBe('text');
    expect(parseSiteList('urls,name\n').format).toBe('text');
  });
});

describe('parseSiteList: duplicates', () => {
  it('keeps the first and lists each duplicated URL once with all its lines', () => {
    const text = 'url,name\nexample.nl,Eerste\nb.nl,B\nhttps://example.nl/,Tweede\nHTTPS://EXAMPLE.NL/#x,Derde\nb.nl,B2\nc.nl,C\n';
    const list = parseSiteList(text);
    expect(list.sites).toEqual([
      { url: 'https://example.nl/', name: 'Eerste' },
      { url: 'https://b.nl/', name: 'B' },
      { url: 'https://c.nl/', name: 'C' },
    ]);
    expect(list.duplicates).toEqual([
      { url: 'https://example.nl/', lines: [2, 4, 5] },
      { url: 'https://b.nl/', lines: [3, 6] },
    ]);
  });

  it('does not merge http and https, or different paths', () => {
    const list = parseSiteList('http://a.nl/\nhttps://a.nl/\nhttps://a.nl/x\n');
    expect(list.sites).toHaveLength(3);
    expect(list.duplicates).toEqual([]);
  });

  it('finds duplicates in text lists too', () => {
    expect(parseSiteList('a.nl\n\na.nl/\n').duplicates).toEqual([{ url: 'https://a.nl/', lines: [1, 3] }]);
  });
});

describe('parseSiteList: text', () => {
  it('reads one URL per line with comments and blank lines', () => {
    const text = '# my sites\n\nwww.a.nl\n  https://b.nl/pad  # the second one\nhttps://c.nl/#anker\n\t\n';
    const list = parseSiteList(text);
    expect(list.format).toBe('text');
    expect(list.sites).toEqual([{ url: 'https://www.a.nl/' }, { url: 'https://b.nl/pad' }, { url: 'https://c.nl/' }]);
    expect(list.invalid).toEqual([]);
  });

  it('refuses a line with more than one value', () => {
    const list = parseSiteList('a.nl\nGemeente B https://b.nl/\nc.nl\td.nl # two\n');
    expect(list.sites).toEqual([{ url: 'https://a.nl/' }]);
    const problem = 'more than one value on the line; use a CSV file with a url column for names';
    expect(list.invalid).toEqual([
      { line: 2, problem, text: 'Gemeente B https://b.nl/' },
      { line: 3, problem, text: 'c.nl\td.nl # two' },
    ]);
  });

  it('reports bad URLs with their line numbers, CRLF and BOM included', () => {
    const list = parseSiteList('\uFEFFa.nl\r\nhtp://x\r\n# c\r\njavascript:alert(1)\r\nhttps://\r\n');
    expect(list.sites).toEqual([{ url: 'https://a.nl/' }]);
    expect(list.invalid).toEqual([
      { line: 2, problem: '"htp://x" is not an http(s) URL (scheme htp)', text: 'htp://x' },
      { line: 4, problem: '"javascript:alert(1)" is not an http(s) URL (scheme javascript)', text: 'javascript:alert(1)' },
      { line: 5, problem: '"https://" is not a valid URL', text: 'https://' },
    ]);
  });

  it('returns nothing for an empty or comment-only file', () => {
    expect(parseSiteList('')).toEqual({ format: 'text', sites: [], invalid: [], duplicates: [] });
    expect(parseSiteList('\uFEFF# only a comment\n\n')).toEqual({ format: 'text', sites: [], invalid: [], duplicates: [] });
  });
});

describe('describeProblems', () => {
  const problems: ListProblem[] = Array.from({ length: 12 }, (_, i) => ({
    line: i + 2,
    problem: i % 2 ? 'url is empty' : 'expected 3 fields, got 2',
    text: 'x',
  }));

  it('lists up to max rows and counts the rest', () => {
    expect(describeProblems('list.csv', problems.slice(0, 4), 3)).toBe(
      'list.csv: 4 invalid rows:\n  line 2: expected 3 fields, got 2\n  line 3: url is empty\n  line 4: expected 3 fields, got 2\n  … and 1 more',
    );
  });

  it('shows 10 rows by default', () => {
    const text = describeProblems('s.csv', problems);
    expect(text.split('\n')).toHaveLength(12);
    expect(text.split('\n')[0]).toBe('s.csv: 12 invalid rows:');
    expect(text.split('\n')[10]).toBe('  line 11: url is empty');
    expect(text.split('\n')[11]).toBe('  … and 2 more');
  });

  it('uses the singular for one row and no tail when all fit', () => {
    expect(describeProblems('a.txt', [{ line: 7, problem: 'url is empty', text: '' }])).toBe(
      'a.txt: 1 invalid row:\n  line 7: url is empty',
    );
  });
});

describe('loadSiteList', () => {
  let dir: string;
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cookiewatch-list-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the built-in list of Dutch municipalities', () => {
    expect(BUILTIN_LISTS['nl-municipalities']).toEqual({
      file: 'data/municipalities-nl.csv',
      description: 'all 342 Dutch municipalities (CBS, 1 January 2026)',
    });
    const { source, list } = loadSiteList('nl-municipalities');
    expect(source).toBe('nl-municipalities');
    expect(list.format).toBe('csv');
    expect(list.invalid).toEqual([]);
    expect(list.duplicates).toEqual([]);
    expect(list.sites).toHaveLength(342);
    for (const site of list.sites) {
      expect(site.code).toMatch(/^GM\d{4}$/);
      // https and the host's start page; not all are .nl (bernheze.org, dantumadiel.frl, …)
      expect(site.url).toMatch(/^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)+\/$/);
      expect(site.name).toBeTruthy();
    }
    expect(new Set(list.sites.map((s) => s.code)).size).toBe(342);
    expect(new Set(list.sites.map((s) => s.url)).size).toBe(342);
    expect(new Set(list.sites.map((s) => s.group))).toEqual(
      new Set([
        'Drenthe',
        'Flevoland',
        'Fryslân',
        'Gelderland',
        'Groningen',
        'Limburg',
        'Noord-Brabant',
        'Noord-Holland',
        'Overijssel',
        'Utrecht',
        'Zeeland',
        'Zuid-Holland',
      ]),
    );
    expect(list.sites[0]).toEqual({
      url: 'https://www.aaenhunze.nl/',
      code: 'GM1680',
      name: 'Aa en Hunze',
      group: 'Drenthe',
    });
    expect(list.sites.find((s) => s.code === 'GM0820')).toEqual({
      url: 'https://www.nuenen.nl/',
      code: 'GM0820',
      name: 'Nuenen, Gerwen en Nederwetten',
      group: 'Noord-Brabant',
    });
    expect(list.sites.find((s) => s.code === 'GM0518')?.name).toBe("'s-Gravenhage");
  });

  it('loads a file by path', () => {
    const path = file('ok.csv', 'url;name\na.nl;A\n');
    expect(loadSiteList(path)).toEqual({
      source: path,
      list: { format: 'csv', sites: [{ url: 'https://a.nl/', name: 'A' }], invalid: [], duplicates: [] },
    });
  });

  it('reads - from stdin', () => {
    const { source, list } = loadSiteList('-', { readStdin: () => 'a.nl\nb.nl\n' });
    expect(source).toBe('stdin');
    expect(list.sites.map((s) => s.url)).toEqual(['https://a.nl/', 'https://b.nl/']);
  });

  it('names the built-in lists when the file does not exist', () => {
    const missing = join(dir, 'nope.csv');
    expect(() => loadSiteList(missing)).toThrow(ListError);
    expect(() => loadSiteList(missing)).toThrow(
      `${missing}: no such file, and not a built-in list (built-in: nl-municipalities = all 342 Dutch municipalities (CBS, 1 January 2026))`,
    );
  });

  it('refuses a directory, a binary file and a file over 50 MB', () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(() => loadSiteList(sub)).toThrow(`${sub}: is a directory, not a list file`);
    const bin = file('list.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x01]));
    expect(() => loadSiteList(bin)).toThrow(
      `${bin}: not a text file (a spreadsheet? save it as CSV with a url column)`,
    );
    const big = file('big.txt', Buffer.alloc(50 * 1024 * 1024 + 1, 0x61));
    expect(() => loadSiteList(big)).toThrow(`${big}: too big (over 50 MB); split it into smaller lists`);
  });

  it('reads a Windows-1252 file (a plain Excel CSV export) without garbling names', () => {
    // "Fryslân" in Windows-1252: â is the single byte 0xE2, not valid UTF-8 here
    const path = file('cp1252.csv', Buffer.from('url;group\na.nl;Frysl\xe2n\n', 'latin1'));
    expect(loadSiteList(path).list.sites).toEqual([{ url: 'https://a.nl/', group: 'Fryslân' }]);
  });

  it('throws on invalid rows unless skipInvalid is set', () => {
    const path = file('bad.csv', 'url,name\na.nl,A\n,B\nhtp://x,C\n');
    expect(() => loadSiteList(path)).toThrow(ListError);
    expect(() => loadSiteList(path)).toThrow(
      `${path}: 2 invalid rows:\n  line 3: url is empty\n  line 4: "htp://x" is not an http(s) URL (scheme htp)\n` +
        'fix these rows, or pass --skip-invalid to scan the others',
    );
    const { list } = loadSiteList(path, { skipInvalid: true });
    expect(list.sites).toEqual([{ url: 'https://a.nl/', name: 'A' }]);
    expect(list.invalid.map((p) => p.line)).toEqual([3, 4]);
  });

  it('throws when no sites are left to scan', () => {
    expect(() => loadSiteList(file('empty.csv', 'url,name\n'))).toThrow(/empty\.csv: no sites to scan$/);
    expect(() => loadSiteList('-', { readStdin: () => '# nothing\n' })).toThrow('stdin: no sites to scan');
    const allBad = file('allbad.txt', 'htp://x\n');
    expect(() => loadSiteList(allBad, { skipInvalid: true })).toThrow(
      `${allBad}: no sites to scan (1 invalid row skipped)`,
    );
  });

  it('wraps a format error with the source name', () => {
    const path = file('dup.csv', 'url,url\n');
    expect(() => loadSiteList(path)).toThrow(ListError);
    expect(() => loadSiteList(path)).toThrow(
      `${path}: the header on line 1 has the column "url" twice (columns 1 and 2)`,
    );
  });
});
