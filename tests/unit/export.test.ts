import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Classification, Finding } from '../../src/classify/types.js';
import { UsageError } from '../../src/cli/errors.js';
import { exportCommand } from '../../src/cli/export.js';
import { CSV_COLUMNS, csvCell, exportCsv } from '../../src/export/csv.js';
import { exportDocument, exportJson, ExportValidationError } from '../../src/export/json.js';
import { ExportDocumentSchema, exportJsonSchemaText } from '../../src/export/schema.js';
import type { PhaseName, PhaseObservations, RequestObservation, RunInfo, SiteScanResult } from '../../src/observe/types.js';
import {
  createRun,
  type Database,
  finishRun,
  getRun,
  latestRunWithSiteScans,
  openDatabase,
  planRunSites,
  saveClassification,
  saveSiteScan,
  siteResultsOfRun,
} from '../../src/store/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TOOL = { name: 'cookiewatch' as const, version: '0.1.0' };
const EXPORTED_AT = '2026-11-28T08:00:00.000Z';
const HOSTILE_NAME = '=HYPERLINK("http://x")';
const HOSTILE_TRACKER = '<img src=x onerror=alert(1)>';

const info: RunInfo = {
  toolVersion: '0.1.0',
  browserVersion: '140.0.7339.80',
  browserPath: '/usr/bin/chromium',
  cookieControlsMode: 0,
  userAgent: 'UA',
  options: { pages: 2 },
  startedAt: '2026-11-27T01:00:00.000Z',
};

const SITES = [
  { url: 'https://www.nuenen.nl/', name: 'Nuenen, Gerwen en Nederwetten', code: 'GM0820', group: 'Noord-Brabant' },
  { url: 'https://www.verdwenen.example/', name: 'Verdwenen' },
  { url: 'https://www.hostile.nl/', name: HOSTILE_NAME, code: '-1+1' },
];

function request(url: string, party: RequestObservation['party'] = 'third-party'): RequestObservation {
  const u = new URL(url);
  return {
    requestId: `r-${url}`,
    hop: 0,
    pageIndex: 0,
    url,
    method: 'GET',
    resourceType: 'Script',
    status: 200,
    isMainFrame: false,
    initiator: { type: 'other' },
    timeMs: 10,
    host: u.hostname,
    domain: u.hostname.split('.').slice(-2).join('.'),
    party,
  };
}

function phase(name: PhaseName, urls: string[], banner?: { cmp: string; rejectOnFirstLayer?: boolean }): PhaseObservations {
  return {
    phase: name,
    startedAt: '2026-11-27T01:00:01.000Z',
    endedAt: '2026-11-27T01:00:05.000Z',
    status: 'ok',
    pages: [{ pageIndex: 0, kind: 'start', url: 'https://site/', status: 200, startedMs: 0, endedMs: 1000 }],
    requests: urls.map((u) => request(u)),
    cookies: [],
    cookieEvents: [],
    storage: [],
    consent: {
      action: name === 'pre' ? 'none' : name,
      bannerFound: banner !== undefined,
      ...(banner ? { cmp: banner.cmp, engine: 'autoconsent' as const } : {}),
      ...(banner?.rejectOnFirstLayer !== undefined ? { rejectOnFirstLayer: banner.rejectOnFirstLayer } : {}),
      secondLayer: false,
      clicks:
        banner && name !== 'pre'
          ? [{ text: name === 'reject' ? 'Weigeren' : 'Akkoord', frameUrl: 'https://site/', layer: 1 as const, role: name }]
          : [],
      success: banner !== undefined,
    },
    signals: {},
    screenshots: [],
  };
}

function scan(site: (typeof SITES)[number], phases: PhaseObservations[], failed?: { cls: string; message: string }): SiteScanResult {
  return {
    site,
    startedAt: '2026-11-27T01:00:01.000Z',
    endedAt: '2026-11-27T01:00:20.000Z',
    status: failed ? 'failed' : 'ok',
    ...(failed ? { failureClass: failed.cls, failureMessage: failed.message, attempts: 1 } : { attempts: 1, finalUrl: site.url }),
    siteDomain: new URL(site.url).hostname.replace(/^www\./, ''),
    phases,
  };
}

type Tracker = Pick<Finding, 'trackerId' | 'trackerName' | 'organisation' | 'category' | 'seriousness' | 'source'>;
const FB: Tracker = {
  trackerId: 'facebook-pixel', trackerName: 'Facebook Pixel', organisation: { name: 'Meta Platforms', country: 'US' },
  category: 'advertising', seriousness: 3, source: 'rules',
};
const GA: Tracker = {
  trackerId: 'google-analytics', trackerName: 'Google Analytics', organisation: { name: 'Google', country: 'US' },
  category: 'analytics', seriousness: 2, source: 'rules',
};
const EVIL: Tracker = {
  trackerId: 'evil.example', trackerName: HOSTILE_TRACKER, organisation: { name: '@Evil Corp', country: 'NL' },
  category: 'other', seriousness: 2, source: 'trackerdb',
};
const PLUS: Tracker = {
  trackerId: 'plus.example', trackerName: '+Plus Tracker', organisation: { name: 'Plus', country: 'NL' },
  category: 'other', seriousness: 2, source: 'trackerdb',
};

function finding(t: Tracker, ph: PhaseName, index: number, accountIds: Finding['accountIds'] = []): Finding {
  return {
    ...t, phase: ph, rule: `${t.trackerId}:request`, evidence: { kind: 'request', index }, pageIndex: 0, party: 'third-party',
    accountIds, details: {},
  };
}

const RULES = 'rules-abc123';
const FB_URL = 'https://connect.facebook.net/en_US/fbevents.js';
const GA_URL = 'https://www.google-analytics.com/g/collect?tid=G-ABC123';

/** Three sites: one with trackers before consent and after reject, one that failed (dns), one hostile. */
function fillRun(db: Database, runId: number): void {
  planRunSites(db, runId, SITES);
  const nuenen = saveSiteScan(db, runId, scan(SITES[0]!, [
    phase('pre', [FB_URL, GA_URL]),
    phase('accept', [FB_URL, GA_URL], { cmp: 'Cookiebot' }),
    phase('reject', [FB_URL], { cmp: 'Cookiebot', rejectOnFirstLayer: true }),
  ]));
  const nuenenFindings = [
    finding(FB, 'pre', 0, [{ kind: 'facebook-pixel', value: '123456789' }]),
    finding(GA, 'pre', 1, [{ kind: 'ga-measurement-id', value: 'G-ABC123' }]),
    finding(GA, 'accept', 1),
    finding(FB, 'accept', 0),
    finding(FB, 'reject', 0),
  ];
  const nuenenClass: Classification = {
    rulesVersion: RULES,
    findings: nuenenFindings,
    verdicts: [
      { id: 'tracking_before_consent', explanation: 'Facebook Pixel before consent', findings: [0], trackers: ['Facebook Pixel'] },
      { id: 'analytics_before_consent', explanation: 'Google Analytics before consent', findings: [1], trackers: ['Google Analytics'] },
      { id: 'tracking_after_reject', explanation: 'Facebook Pixel after reject', findings: [4], trackers: ['Facebook Pixel'] },
    ],
    grade: 'F',
  };
  saveClassification(db, nuenen, nuenenClass);

  const gone = saveSiteScan(db, runId, scan(SITES[1]!, [], { cls: 'dns', message: 'net::ERR_NAME_NOT_RESOLVED' }));
  saveClassification(db, gone, {
    rulesVersion: RULES,
    findings: [],
    verdicts: [{ id: 'inconclusive', explanation: 'The scan failed (dns)', findings: [], trackers: [] }],
    grade: '?',
  });

  const hostile = saveSiteScan(db, runId, scan(SITES[2]!, [
    phase('pre', ['https://evil.example/x.js']),
    phase('accept', ['https://plus.example/p.js']),
    phase('reject', []),
  ]));
  saveClassification(db, hostile, {
    rulesVersion: RULES,
    findings: [finding(EVIL, 'pre', 0, [{ kind: 'gtm-container', value: '=cmd|"/c calc"!A1' }]), finding(PLUS, 'accept', 0)],
    verdicts: [],
    grade: 'B',
  });
}

function makeDb(): { db: Database; runId: number } {
  const db = openDatabase(':memory:');
  const older = createRun(db, info);
  fillRun(db, older);
  finishRun(db, older, 'complete', '2026-11-27T02:00:00.000Z');
  const runId = createRun(db, { ...info, startedAt: '2026-11-28T01:00:00.000Z' });
  fillRun(db, runId);
  finishRun(db, runId, 'complete', '2026-11-28T02:00:00.000Z');
  return { db, runId };
}

// A small validator for the part of JSON Schema that z.toJSONSchema() emits for our schema. It refuses
// keywords it does not know, so a schema change cannot make the check silently pass.
type JsonSchema = Record<string, unknown>;
const ANNOTATIONS = new Set(['$schema', 'description', 'title', 'format']);
function validate(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(schema)) {
    if (ANNOTATIONS.has(key)) continue;
    const rule = schema[key];
    switch (key) {
      case 'type': {
        const t = rule as string;
        const ok =
          t === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value)
          : t === 'array' ? Array.isArray(value)
          : t === 'integer' ? Number.isInteger(value)
          : t === 'null' ? value === null
          : typeof value === t;
        if (!ok) errors.push(`${path}: not ${t}`);
        break;
      }
      case 'properties':
        for (const [k, sub] of Object.entries(rule as Record<string, JsonSchema>)) {
          const obj = value as Record<string, unknown>;
          if (obj && typeof obj === 'object' && k in obj) errors.push(...validate(sub, obj[k], `${path}.${k}`));
        }
        break;
      case 'required':
        for (const k of rule as string[]) if (!(value && typeof value === 'object' && k in value)) errors.push(`${path}: missing ${k}`);
        break;
      case 'additionalProperties': {
        if (rule !== false) throw new Error(`unexpected additionalProperties ${JSON.stringify(rule)}`);
        const known = Object.keys((schema.properties ?? {}) as object);
        for (const k of Object.keys(value as object)) if (!known.includes(k)) errors.push(`${path}: unexpected ${k}`);
        break;
      }
      case 'items':
        (value as unknown[]).forEach((v, i) => errors.push(...validate(rule as JsonSchema, v, `${path}[${i}]`)));
        break;
      case 'enum':
        if (!(rule as unknown[]).includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in enum`);
        break;
      case 'const':
        if (value !== rule) errors.push(`${path}: not ${JSON.stringify(rule)}`);
        break;
      case 'anyOf':
        if (!(rule as JsonSchema[]).some((s) => validate(s, value, path).length === 0)) errors.push(`${path}: matches no anyOf branch`);
        break;
      case 'minimum':
        if ((value as number) < (rule as number)) errors.push(`${path}: below ${rule}`);
        break;
      case 'maximum':
        if ((value as number) > (rule as number)) errors.push(`${path}: above ${rule}`);
        break;
      case 'exclusiveMinimum':
        if ((value as number) <= (rule as number)) errors.push(`${path}: not above ${rule}`);
        break;
      case 'minLength':
        if ((value as string).length < (rule as number)) errors.push(`${path}: shorter than ${rule}`);
        break;
      case 'pattern':
        if (!new RegExp(rule as string, 'u').test(value as string)) errors.push(`${path}: does not match pattern`);
        break;
      default:
        throw new Error(`the test's validator does not know the JSON Schema keyword "${key}" (at ${path})`);
    }
  }
  return errors;
}

const committedSchema = () => JSON.parse(readFileSync(join(ROOT, 'schema', 'export.schema.json'), 'utf8')) as JsonSchema;

describe('the JSON Schema of the export', () => {
  it('is committed and up to date with the zod schema', () => {
    const committed = readFileSync(join(ROOT, 'schema', 'export.schema.json'), 'utf8');
    expect(
      committed === exportJsonSchemaText(),
      'schema/export.schema.json differs from src/export/schema.ts: regenerate it with `npm run build && npm run export-schema` and commit it',
    ).toBe(true);
  });

  it('documents every field', () => {
    const undocumented: string[] = [];
    const walk = (s: JsonSchema, path: string) => {
      for (const [k, sub] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)) {
        if (typeof sub.description !== 'string') undocumented.push(`${path}.${k}`);
        walk(sub, `${path}.${k}`);
        if (sub.items) walk(sub.items as JsonSchema, `${path}.${k}[]`);
      }
    };
    walk(committedSchema(), '$');
    expect(undocumented).toEqual([]);
  });
});

describe('exportDocument / exportJson', () => {
  it('exports every site of the run, valid against the zod schema and the committed JSON Schema', () => {
    const { db, runId } = makeDb();
    const run = getRun(db, runId)!;
    const doc = exportDocument(run, siteResultsOfRun(db, runId), EXPORTED_AT, TOOL);
    expect(ExportDocumentSchema.safeParse(doc).success).toBe(true);
    const text = exportJson(run, siteResultsOfRun(db, runId), EXPORTED_AT, TOOL);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text) as unknown;
    expect(parsed).toEqual(doc);
    expect(validate(committedSchema(), parsed)).toEqual([]);

    expect(doc.run).toEqual({
      id: runId, startedAt: '2026-11-28T01:00:00.000Z', endedAt: '2026-11-28T02:00:00.000Z', status: 'complete',
      toolVersion: '0.1.0', browserVersion: '140.0.7339.80', rulesVersion: RULES,
    });
    expect(doc.sites.map((s) => [s.url, s.status, s.grade])).toEqual([
      ['https://www.nuenen.nl/', 'ok', 'F'],
      ['https://www.verdwenen.example/', 'failed', '?'],
      ['https://www.hostile.nl/', 'ok', 'B'],
    ]);
    const [nuenen, gone, hostile] = doc.sites;
    expect(nuenen).toMatchObject({
      name: 'Nuenen, Gerwen en Nederwetten', code: 'GM0820', group: 'Noord-Brabant',
      verdicts: [
        { id: 'tracking_before_consent', trackers: ['Facebook Pixel'] },
        { id: 'analytics_before_consent', trackers: ['Google Analytics'] },
        { id: 'tracking_after_reject', trackers: ['Facebook Pixel'] },
      ],
      banner: { found: true, cmp: 'Cookiebot', rejectOnFirstLayer: true },
      accountIds: [{ kind: 'facebook-pixel', value: '123456789' }, { kind: 'ga-measurement-id', value: 'G-ABC123' }],
      attempts: 1,
    });
    expect(nuenen!.trackers.pre).toEqual([
      { id: 'facebook-pixel', name: 'Facebook Pixel', organisation: 'Meta Platforms', country: 'US', category: 'advertising', seriousness: 3, source: 'rules' },
      { id: 'google-analytics', name: 'Google Analytics', organisation: 'Google', country: 'US', category: 'analytics', seriousness: 2, source: 'rules' },
    ]);
    expect(nuenen!.trackers.reject.map((t) => t.id)).toEqual(['facebook-pixel']);
    // Absent stays absent: no nulls or empty strings for what the list or the scan did not have.
    expect(gone).toEqual({
      url: 'https://www.verdwenen.example/', name: 'Verdwenen', status: 'failed', failureClass: 'dns',
      failureMessage: 'net::ERR_NAME_NOT_RESOLVED', grade: '?', rulesVersion: RULES,
      verdicts: [{ id: 'inconclusive', explanation: 'The scan failed (dns)', trackers: [] }],
      trackers: { pre: [], accept: [], reject: [] }, banner: { found: false }, accountIds: [], attempts: 1,
    });
    // The consent outcome per phase is part of SiteResult (it steers the diff) but not of the JSON export.
    for (const s of doc.sites) expect(s).not.toHaveProperty('consent');
    // Scans that did not look for statements have neither field: absent, not empty.
    for (const s of doc.sites) expect(Object.keys(s).filter((k) => k === 'statements' || k === 'disclosures')).toEqual([]);
    // JSON carries website text as data, unchanged; escaping is the job of whoever renders it.
    expect(hostile!.name).toBe(HOSTILE_NAME);
    expect(hostile!.trackers.pre[0]!.name).toBe(HOSTILE_TRACKER);
    expect(JSON.parse(text).sites[2].name).toBe(HOSTILE_NAME);
    db.close();
  });

  it('carries the consent answer of each phase in SiteResult', () => {
    const { db, runId } = makeDb();
    const [nuenen, gone, hostile] = siteResultsOfRun(db, runId);
    expect(nuenen!.consent).toEqual({
      pre: { action: 'none', success: false },
      accept: { action: 'accept', success: true },
      reject: { action: 'reject', success: true },
    });
    expect(gone!.consent).toEqual({}); // a failed scan ran no phases
    expect(hostile!.consent).toEqual({
      pre: { action: 'none', success: false },
      accept: { action: 'accept', success: false },
      reject: { action: 'reject', success: false },
    });
    db.close();
  });

  it('gives grade null to an unclassified scan and leaves out a rules version the sites do not share', () => {
    const db = openDatabase(':memory:');
    const runId = createRun(db, info);
    saveSiteScan(db, runId, scan(SITES[0]!, [phase('pre', [])]));
    const doc = exportDocument(getRun(db, runId)!, siteResultsOfRun(db, runId), EXPORTED_AT, TOOL);
    expect(doc.sites[0]!.grade).toBeNull();
    expect(doc.run).not.toHaveProperty('rulesVersion');
    expect(doc.run).not.toHaveProperty('endedAt');
    expect(validate(committedSchema(), JSON.parse(JSON.stringify(doc)))).toEqual([]);
    db.close();
  });

  it('refuses to produce a document that does not match its schema', () => {
    const { db, runId } = makeDb();
    const sites = siteResultsOfRun(db, runId);
    sites[1]!.grade = 'G';
    expect(() => exportDocument(getRun(db, runId)!, sites, EXPORTED_AT, TOOL)).toThrow(ExportValidationError);
    expect(() => exportDocument(getRun(db, runId)!, sites, EXPORTED_AT, TOOL)).toThrow(/at sites\.1\.grade/);
    sites[1]!.grade = '?';
    sites[1]!.failureClass = 'gremlins';
    expect(() => exportDocument(getRun(db, runId)!, sites, EXPORTED_AT, TOOL)).toThrow(/at sites\.1\.failureClass/);
    expect(() => exportDocument(getRun(db, runId)!, siteResultsOfRun(db, runId), 'yesterday', TOOL)).toThrow(/at exportedAt/);
    db.close();
  });
});

describe('exportCsv', () => {
  it('writes UTF-8 with BOM, CRLF, RFC 4180 quoting and no formulas', () => {
    const { db, runId } = makeDb();
    const csv = exportCsv(getRun(db, runId)!, siteResultsOfRun(db, runId));
    const r = runId;
    expect(csv).toBe(
      '\uFEFF' +
        'code,name,group,url,status,failure_class,grade,verdicts,trackers_pre,trackers_accept,trackers_reject,banner_found,reject_on_first_layer,account_ids,run_id,run_status,' +
        'statement,statement_urls,not_named,denied,organisation_only\r\n' +
        `GM0820,"Nuenen, Gerwen en Nederwetten",Noord-Brabant,https://www.nuenen.nl/,ok,,F,"tracking_before_consent; analytics_before_consent; tracking_after_reject","Facebook Pixel; Google Analytics","Facebook Pixel; Google Analytics",Facebook Pixel,yes,yes,"facebook-pixel:123456789; ga-measurement-id:G-ABC123",${r},complete,,,,,\r\n` +
        `,Verdwenen,,https://www.verdwenen.example/,failed,dns,?,inconclusive,,,,,,,${r},complete,,,,,\r\n` +
        // The hostile site's trackers are trackerdb names: no accusation, so no tracker cells.
        `'-1+1,"'=HYPERLINK(""http://x"")",,https://www.hostile.nl/,ok,,B,,,,,no,,"gtm-container:=cmd|""/c calc""!A1",${r},complete,,,,,\r\n`,
    );
    expect(csv.split('\r\n')[0]).toBe(`\uFEFF${CSV_COLUMNS.join(',')}`);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    db.close();
  });

  it('lists only trackers found by our rules with seriousness above 0, neutralised, and the status of an unfinished run', () => {
    const db = openDatabase(':memory:');
    const runId = createRun(db, info);
    const site = { url: 'https://www.mixed.nl/', name: 'Mixed', code: 'GM0001' };
    planRunSites(db, runId, [site]);
    const id = saveSiteScan(db, runId, scan(site, [
      phase('pre', ['https://consent.cookiebot.com/uc.js', 'https://evil.example/x.js', 'https://plus.example/p.js']),
      phase('accept', [GA_URL, 'https://plus.example/p.js'], { cmp: 'Cookiebot' }),
      phase('reject', ['https://consent.cookiebot.com/uc.js'], { cmp: 'Cookiebot', rejectOnFirstLayer: false }),
    ]));
    const COOKIEBOT: Tracker = {
      trackerId: 'cookiebot', trackerName: 'Cookiebot', organisation: { name: 'Usercentrics', country: 'DE' },
      category: 'consent', seriousness: 0, source: 'rules',
    };
    const PLUS_RULE: Tracker = { ...PLUS, trackerId: 'plus-rule', trackerName: '+Plus Rule', source: 'rules' };
    saveClassification(db, id, {
      rulesVersion: RULES,
      findings: [
        finding(COOKIEBOT, 'pre', 0), finding(EVIL, 'pre', 1), finding(PLUS_RULE, 'pre', 2),
        finding(GA, 'accept', 0), finding(PLUS, 'accept', 1),
        finding(COOKIEBOT, 'reject', 0),
      ],
      verdicts: [],
      grade: 'C',
    });
    const results = siteResultsOfRun(db, runId);
    // SiteResult keeps every tracker: the filter is the export's.
    expect(results[0]!.trackers.pre.map((t) => t.id).sort()).toEqual(['cookiebot', 'evil.example', 'plus-rule']);
    expect(exportCsv(getRun(db, runId)!, results)).toBe(
      `\uFEFF${CSV_COLUMNS.join(',')}\r\n` +
        `GM0001,Mixed,,https://www.mixed.nl/,ok,,C,,'+Plus Rule,Google Analytics,,yes,no,,${runId},running,,,,,\r\n`,
    );
    db.close();
  });

  it('neutralises every formula start and quotes what a spreadsheet would split', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '\uFF1D1'].map(csvCell)).toEqual([
      "'=1+1", "'+1", "'-1", "'@SUM(A1)", '"\'\tx"', '"\'\rx"', "'\uFF1D1",
    ]);
    expect(csvCell('a "b"')).toBe('"a ""b"""');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('Ede')).toBe('Ede');
    expect(csvCell('Súdwest-Fryslân')).toBe('Súdwest-Fryslân');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(7)).toBe('7');
  });

  it('writes only the header for a run without site scans', () => {
    const db = openDatabase(':memory:');
    const runId = createRun(db, info);
    expect(exportCsv(getRun(db, runId)!, siteResultsOfRun(db, runId))).toBe(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`);
    db.close();
  });
});

describe('privacy statements and disclosures in the exports', () => {
  const HJ: Tracker = {
    trackerId: 'hotjar', trackerName: 'Hotjar', organisation: { name: 'Hotjar Ltd', country: 'MT' },
    category: 'session-recording', seriousness: 2, source: 'rules',
  };
  const AT: Tracker = {
    trackerId: 'at-tracker', trackerName: '@Tracker', organisation: { name: 'At', country: 'NL' },
    category: 'analytics', seriousness: 2, source: 'rules',
  };
  const HJ_URL = 'https://static.hotjar.com/c/hotjar-1.js';
  const AT_URL = 'https://at.example/a.js';
  const PRIVACY = 'https://www.lezen.nl/privacyverklaring';
  const DENIAL = 'Wij gebruiken geen Facebook Pixel.';
  const STATEMENT_SITES = [
    { url: 'https://www.lezen.nl/', name: 'Lezen', code: 'GM0001' },
    { url: 'https://www.zonder.nl/', name: 'Zonder', code: 'GM0002' },
    { url: 'https://www.pdf.nl/', name: 'Pdf', code: 'GM0003' },
    { url: 'https://www.oud.nl/', name: 'Oud', code: 'GM0004' },
    { url: 'https://www.stuk.nl/', name: 'Stuk', code: 'GM0005' },
  ];
  type Disclosure = NonNullable<Classification['disclosures']>[number];
  const disclosure = (t: Tracker, status: Disclosure['status'], evidence?: Disclosure['evidence']): Disclosure => ({
    trackerId: t.trackerId, trackerName: t.trackerName, organisation: t.organisation.name, status, ...(evidence ? { evidence } : {}),
  });

  /** Read (denied, organisation only, two not named), none found, unreadable, not looked for, failed. */
  function statementDb(): { db: Database; runId: number } {
    const db = openDatabase(':memory:');
    const runId = createRun(db, info);
    planRunSites(db, runId, STATEMENT_SITES);
    const [lezen, zonder, pdf, oud, stuk] = STATEMENT_SITES as [typeof SITES[number], typeof SITES[number], typeof SITES[number], typeof SITES[number], typeof SITES[number]];

    const read = saveSiteScan(db, runId, {
      ...scan(lezen, [phase('pre', [FB_URL, GA_URL, HJ_URL, AT_URL])]),
      statements: [
        { url: PRIVACY, finalUrl: PRIVACY, linkText: 'Privacyverklaring', foundOn: 'page', status: 200, text: `Wij gebruiken Google. ${DENIAL}`, textSha256: 'x' },
        { url: 'https://www.lezen.nl/cookies', linkText: 'Cookies; "alle"', foundOn: 'statement', status: 500, error: 'HTTP 500' },
      ],
    });
    saveClassification(db, read, {
      rulesVersion: RULES,
      findings: [finding(FB, 'pre', 0), finding(GA, 'pre', 1), finding(HJ, 'pre', 2), finding(AT, 'pre', 3)],
      verdicts: [
        { id: 'tracking_before_consent', explanation: 'Facebook Pixel before consent', findings: [0], trackers: ['Facebook Pixel'] },
        { id: 'undisclosed_third_parties', explanation: 'not named, denied', findings: [0, 2, 3], trackers: ['@Tracker', 'Facebook Pixel', 'Hotjar'] },
      ],
      disclosures: [
        disclosure(FB, 'denied', { term: 'Facebook Pixel', statementUrl: PRIVACY, snippet: DENIAL }),
        disclosure(GA, 'organisation-named', { term: 'Google', statementUrl: PRIVACY, snippet: 'Wij gebruiken Google.' }),
        disclosure(HJ, 'not-named'),
        disclosure(AT, 'not-named'),
      ],
      grade: 'E',
    });

    const none = saveSiteScan(db, runId, { ...scan(zonder, [phase('pre', [GA_URL])]), statements: [] });
    saveClassification(db, none, {
      rulesVersion: RULES, findings: [finding(GA, 'pre', 0)], verdicts: [], disclosures: [disclosure(GA, 'no-statement')], grade: 'C',
    });

    const unreadable = saveSiteScan(db, runId, {
      ...scan(pdf, [phase('pre', [FB_URL])]),
      statements: [{ url: 'https://www.pdf.nl/privacy.pdf', linkText: 'Privacy', foundOn: 'page', status: 200, error: 'not a web page (application/pdf)' }],
    });
    saveClassification(db, unreadable, {
      rulesVersion: RULES, findings: [finding(FB, 'pre', 0)], verdicts: [], disclosures: [disclosure(FB, 'unreadable')], grade: 'E',
    });

    const old = saveSiteScan(db, runId, scan(oud, [phase('pre', [GA_URL])]));
    saveClassification(db, old, { rulesVersion: RULES, findings: [finding(GA, 'pre', 0)], verdicts: [], grade: 'C' });

    const failed = saveSiteScan(db, runId, scan(stuk, [], { cls: 'dns', message: 'net::ERR_NAME_NOT_RESOLVED' }));
    saveClassification(db, failed, { rulesVersion: RULES, findings: [], verdicts: [{ id: 'inconclusive', explanation: 'failed', findings: [], trackers: [] }], grade: '?' });
    finishRun(db, runId, 'complete', '2026-11-28T02:00:00.000Z');
    return { db, runId };
  }

  it('puts the statements and disclosures of each site in the JSON, absent when the scan did not look', () => {
    const { db, runId } = statementDb();
    const doc = exportDocument(getRun(db, runId)!, siteResultsOfRun(db, runId), EXPORTED_AT, TOOL);
    expect(validate(committedSchema(), JSON.parse(JSON.stringify(doc)))).toEqual([]);
    const [read, none, unreadable, old, failed] = doc.sites;
    expect(read!.statements).toEqual([
      { url: PRIVACY, linkText: 'Privacyverklaring', foundOn: 'page', status: 200, readable: true },
      { url: 'https://www.lezen.nl/cookies', linkText: 'Cookies; "alle"', foundOn: 'statement', status: 500, error: 'HTTP 500', readable: false },
    ]);
    expect(read!.disclosures).toEqual([
      { trackerId: 'facebook-pixel', trackerName: 'Facebook Pixel', organisation: 'Meta Platforms', status: 'denied', term: 'Facebook Pixel', statementUrl: PRIVACY, snippet: DENIAL },
      { trackerId: 'google-analytics', trackerName: 'Google Analytics', organisation: 'Google', status: 'organisation-named', term: 'Google', statementUrl: PRIVACY, snippet: 'Wij gebruiken Google.' },
      { trackerId: 'hotjar', trackerName: 'Hotjar', organisation: 'Hotjar Ltd', status: 'not-named' },
      { trackerId: 'at-tracker', trackerName: '@Tracker', organisation: 'At', status: 'not-named' },
    ]);
    expect(read!.verdicts.map((v) => v.id)).toEqual(['tracking_before_consent', 'undisclosed_third_parties']);
    // The statement's text is kept in the database, not exported.
    expect(JSON.stringify(read)).not.toContain('Wij gebruiken Google. Wij');
    expect(none).toMatchObject({ statements: [], disclosures: [{ trackerId: 'google-analytics', status: 'no-statement' }] });
    expect(unreadable).toMatchObject({
      statements: [{ url: 'https://www.pdf.nl/privacy.pdf', readable: false, error: 'not a web page (application/pdf)' }],
      disclosures: [{ trackerId: 'facebook-pixel', status: 'unreadable' }],
    });
    expect(unreadable!.disclosures![0]).not.toHaveProperty('term');
    for (const site of [old!, failed!]) {
      expect(site).not.toHaveProperty('statements');
      expect(site).not.toHaveProperty('disclosures');
    }
    db.close();
  });

  it('refuses a disclosure status the schema does not know', () => {
    const { db, runId } = statementDb();
    const sites = siteResultsOfRun(db, runId);
    (sites[0]!.disclosures![0] as { status: string }).status = 'disclosed';
    expect(() => exportDocument(getRun(db, runId)!, sites, EXPORTED_AT, TOOL)).toThrow(/at sites\.0\.disclosures\.0\.status/);
    db.close();
  });

  it('adds statement, statement_urls, not_named, denied and organisation_only after the existing columns', () => {
    const { db, runId } = statementDb();
    expect(CSV_COLUMNS.slice(-6)).toEqual(['run_status', 'statement', 'statement_urls', 'not_named', 'denied', 'organisation_only']);
    const rows = exportCsv(getRun(db, runId)!, siteResultsOfRun(db, runId)).slice(1).split('\r\n');
    const tail = (row: string) => row.slice(row.indexOf(`,${runId},complete,`) + `,${runId},complete,`.length);
    expect(rows[0]!.startsWith('statement,statement_urls,not_named,denied,organisation_only', rows[0]!.indexOf('run_status,') + 'run_status,'.length)).toBe(true);
    // Read: every statement found (the unreadable one too), the trackers by status, sorted, neutralised.
    expect(tail(rows[1]!)).toBe(`read,"${PRIVACY}; https://www.lezen.nl/cookies","'@Tracker; Hotjar",Facebook Pixel,Google Analytics`);
    // Nothing read: no tracker is called named, not named or denied.
    expect(tail(rows[2]!)).toBe('none found,,,,');
    expect(tail(rows[3]!)).toBe('unreadable,https://www.pdf.nl/privacy.pdf,,,');
    // Not looked for, and a failed scan: empty.
    expect(tail(rows[4]!)).toBe(',,,,');
    expect(tail(rows[5]!)).toBe(',,,,');
    expect(rows).toHaveLength(7); // header, five sites, and the empty string after the last CRLF
    db.close();
  });

  it('counts a site as read when any one statement was read', () => {
    const { db, runId } = statementDb();
    const sites = siteResultsOfRun(db, runId);
    sites[0]!.statements!.reverse();
    const row = exportCsv(getRun(db, runId)!, sites).split('\r\n')[1]!;
    expect(row).toContain(`,complete,read,"https://www.lezen.nl/cookies; ${PRIVACY}",`);
    db.close();
  });
});

describe('latestRunWithSiteScans', () => {
  it('is the newest run with a finished site scan, passing over empty and interrupted-only runs', () => {
    const db = openDatabase(':memory:');
    expect(latestRunWithSiteScans(db)).toBeUndefined();
    const first = createRun(db, info);
    fillRun(db, first);
    const second = createRun(db, info);
    fillRun(db, second);
    const interrupted = createRun(db, info);
    saveSiteScan(db, interrupted, { ...scan(SITES[0]!, []), status: 'interrupted' });
    createRun(db, info); // planned nothing, scanned nothing
    expect(latestRunWithSiteScans(db)?.id).toBe(second);
    db.close();
  });
});

describe('export command', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'cookiewatch-export-'));
  const run = (args: string[]) => exportCommand().exitOverride().configureOutput({ writeErr: () => {} }).parseAsync(args, { from: 'user' });
  afterEach(() => vi.restoreAllMocks());

  function fileDb(): { path: string; runIds: number[] } {
    const path = join(dir(), 'scan.sqlite');
    const db = openDatabase(path);
    const a = createRun(db, info);
    fillRun(db, a);
    const b = createRun(db, info);
    fillRun(db, b);
    createRun(db, info); // newest, but without site scans
    db.close();
    return { path, runIds: [a, b] };
  }

  it('exports the newest run with site scans by default, to a file in a new folder', async () => {
    const { path, runIds } = fileDb();
    const out = join(dir(), 'nested', 'deeper', 'export.json');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await run(['--db', path, '--format', 'json', '--out', out]);
    const doc = ExportDocumentSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(doc.run.id).toBe(runIds[1]);
    expect(doc.sites).toHaveLength(3);
    expect(stdout).toHaveBeenCalledWith(`exported 3 site(s) of run ${runIds[1]} as json to ${out}\n`);
  });

  it('exports a chosen run as CSV on stdout', async () => {
    const { path, runIds } = fileDb();
    let written = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((written += String(chunk)), true));
    await run(['--db', path, '--format', 'csv', '--run', String(runIds[0])]);
    expect(written.startsWith('\uFEFFcode,name,')).toBe(true);
    // fileDb never finishes its runs; its scans did not look for statements: five empty cells follow run_status.
    expect(written.trimEnd().split('\r\n').at(-1)!.endsWith(`,${runIds[0]},running,,,,,`)).toBe(true);
  });

  it('refuses an unknown run, an empty database, a missing database and bad options', async () => {
    const { path } = fileDb();
    await expect(run(['--db', path, '--format', 'json', '--run', '99'])).rejects.toThrow(new UsageError(`no run 99 in ${path}`));
    const empty = join(dir(), 'empty.sqlite');
    openDatabase(empty).close();
    await expect(run(['--db', empty, '--format', 'csv'])).rejects.toThrow(
      new UsageError(`no runs in ${empty} yet; run cookiewatch scan first`),
    );
    const missing = join(dir(), 'missing.sqlite');
    await expect(run(['--db', missing, '--format', 'csv'])).rejects.toThrow(UsageError);
    expect(existsSync(missing)).toBe(false);
    await expect(run(['--db', path, '--format', 'xml'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    await expect(run(['--db', path])).rejects.toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
    await expect(run(['--db', path, '--format', 'csv', '--run', '0'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    await expect(run(['--db', path, '--format', 'csv', '--run', 'x'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
  });
});
