// Tracker rules: plain JSON under data/trackers/, validated at load so a typo in a rule file fails loudly
// (with file and JSON path) instead of silently matching nothing, or worse, too much.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../util/package-info.js';
import type { Organisation, Seriousness, TrackerCategory } from './types.js';

const CATEGORIES = [
  'advertising',
  'social',
  'analytics',
  'session-recording',
  'tag-manager',
  'consent',
  'functional',
  'embed',
  'fonts',
  'maps',
  'other',
] as const satisfies readonly TrackerCategory[];

// Host patterns are host suffixes matched on label boundaries (`doubleclick.net` covers
// `stats.g.doubleclick.net`, never `doubleclick.net.evil.nl`). A trailing `.*` stands for any public
// suffix, for Google's country domains: `google.*` covers `www.google.nl` and `google.co.uk`.
const HOST_PATTERN = /^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)*(\.\*)?$/;

const regexString = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);
const hostPattern = z.string().regex(HOST_PATTERN, 'expected a lower-case host suffix such as "doubleclick.net" or "google.*"');
const nonEmpty = <T extends z.ZodTypeAny>(item: T) => z.array(item).min(1);

const organisationSchema = z.strictObject({
  name: z.string().min(1),
  // Empty only when there is no organisation behind it (an open-source library run by the site itself).
  country: z.string().regex(/^([A-Z]{2})?$/, 'expected an ISO 3166-1 alpha-2 code such as "US", or ""'),
});

const seriousnessSchema = z.number().int().min(0).max(3);

const requestMatcherSchema = z
  .strictObject({
    id: z.string().min(1).optional(),
    hosts: nonEmpty(hostPattern).optional(),
    /** Matches on any host: only for paths unique to one product (Matomo's matomo.php). */
    anyHost: z.literal(true).optional(),
    /** Path prefixes; mind boundaries ("/tr" would also match "/translate": use pathRegex then). */
    paths: nonEmpty(z.string().startsWith('/')).optional(),
    pathRegex: regexString.optional(),
    /** Required query parameters: name → regex one of its values must match ("" = present). */
    query: z.record(z.string().min(1), regexString).optional(),
    /** The URL loads other code (a tag manager, a CMP): cookies its script writes are not its own. */
    loader: z.boolean().optional(),
    organisation: organisationSchema.optional(),
    seriousness: seriousnessSchema.optional(),
  })
  .refine((m) => (m.hosts ? !m.anyHost : m.anyHost === true), { message: 'give either "hosts" or "anyHost": true' })
  .refine((m) => !m.anyHost || m.paths || m.pathRegex, { message: '"anyHost" needs "paths" or "pathRegex"' });

const cookieMatcherSchema = z
  .strictObject({
    id: z.string().min(1).optional(),
    names: nonEmpty(z.string().min(1)).optional(),
    prefixes: nonEmpty(z.string().min(1)).optional(),
    regex: regexString.optional(),
    /** Cookie domains (host suffixes); absent = any domain, for cookies a tracker's script writes first-party. */
    domains: nonEmpty(hostPattern).optional(),
    /** Only when the cookie's known setter URL is on one of these hosts (for generic names). */
    setterHosts: nonEmpty(hostPattern).optional(),
  })
  .refine((m) => m.names || m.prefixes || m.regex || m.domains, { message: 'give "names", "prefixes", "regex" or "domains"' });

const storageMatcherSchema = z
  .strictObject({
    id: z.string().min(1).optional(),
    keys: nonEmpty(z.string().min(1)).optional(),
    prefixes: nonEmpty(z.string().min(1)).optional(),
    regex: regexString.optional(),
    /** Origins (host suffixes) whose storage this applies to; absent = any origin. */
    origins: nonEmpty(hostPattern).optional(),
  })
  .refine((m) => m.keys || m.prefixes || m.regex, { message: 'give "keys", "prefixes" or "regex"' });

const trackerSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a lower-case id such as "facebook-pixel"'),
  name: z.string().min(1),
  organisation: organisationSchema,
  category: z.enum(CATEGORIES),
  seriousness: seriousnessSchema,
  /** Names people use for it in privacy statements. */
  aliases: z.array(z.string().min(1)),
  /** Why the rule is as it is (sources, decisions); not used for matching. */
  notes: z.string().optional(),
  /** Software a site may run itself: a first-party observation gets this seriousness, and the site as organisation. */
  selfHosted: z.strictObject({ seriousness: seriousnessSchema }).optional(),
  matchers: z.strictObject({
    requests: z.array(requestMatcherSchema).optional(),
    cookies: z.array(cookieMatcherSchema).optional(),
    storage: z.array(storageMatcherSchema).optional(),
  }),
});

const fileSchema = z.strictObject({
  $comment: z.string().optional(),
  trackers: z.array(trackerSchema),
});

type TrackerJson = z.infer<typeof trackerSchema>;

export interface HostPattern {
  /** The pattern as written, e.g. `google.*`. */
  source: string;
  /** The suffix without `.*`. */
  suffix: string;
  /** True for `….*`: the suffix is matched against the host minus its public suffix. */
  anyPublicSuffix: boolean;
}

export interface RequestMatcher {
  id: string;
  hosts?: HostPattern[];
  anyHost: boolean;
  paths?: string[];
  pathRegex?: RegExp;
  query: Array<{ name: string; regex: RegExp }>;
  loader: boolean;
  organisation?: Organisation;
  seriousness?: Seriousness;
}

export interface CookieMatcher {
  id: string;
  names?: Set<string>;
  prefixes?: string[];
  regex?: RegExp;
  domains?: HostPattern[];
  setterHosts?: HostPattern[];
}

export interface StorageMatcher {
  id: string;
  keys?: Set<string>;
  prefixes?: string[];
  regex?: RegExp;
  origins?: HostPattern[];
}

export interface Tracker {
  id: string;
  name: string;
  organisation: Organisation;
  category: TrackerCategory;
  seriousness: Seriousness;
  aliases: string[];
  notes?: string;
  selfHosted?: { seriousness: Seriousness };
  /** The rule file it came from, for messages. */
  file: string;
  matchers: { requests: RequestMatcher[]; cookies: CookieMatcher[]; storage: StorageMatcher[] };
}

export interface TrackerRules {
  /** First 12 hex characters of SHA-256 over the rule files (names and contents): stored with every conclusion. */
  version: string;
  /** The files read, as labelled in messages. */
  files: string[];
  /** In file order (files sorted by name), which breaks ties between equally specific matchers. */
  trackers: Tracker[];
  byId: ReadonlyMap<string, Tracker>;
}

export function defaultRulesDir(): string {
  return join(projectRoot(), 'data', 'trackers');
}

/** How a file is named in messages: relative to the project when inside it. */
function labelOf(file: string): string {
  const rel = relative(projectRoot(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : file;
}

/** `trackers[3].matchers.hosts[0]`, the way a reader finds it in the file. */
export function formatJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(top level)';
}

export function parseHostPattern(source: string): HostPattern {
  const anyPublicSuffix = source.endsWith('.*');
  return { source, suffix: anyPublicSuffix ? source.slice(0, -2) : source, anyPublicSuffix };
}

function compileTracker(t: TrackerJson, file: string, index: number): Tracker {
  const where = `${file}: trackers[${index}]`;
  const seen = new Set<string>();
  const uniqueId = (kind: string, id: string, at: string) => {
    const key = `${kind}:${id}`;
    if (seen.has(key)) throw new Error(`${where}.matchers.${at}: duplicate matcher id "${id}" (give each one its own "id")`);
    seen.add(key);
    return id;
  };
  const requests = (t.matchers.requests ?? []).map((m, i): RequestMatcher => {
    const where0 = m.anyHost ? '*' : (m.hosts?.[0] ?? '');
    const defaultId = `${where0}${m.paths?.[0] ?? (m.pathRegex ? `~${m.pathRegex}` : '')}${m.query ? `?${Object.keys(m.query).join('&')}` : ''}`;
    return {
      id: uniqueId('request', m.id ?? defaultId, `requests[${i}]`),
      ...(m.hosts ? { hosts: m.hosts.map(parseHostPattern) } : {}),
      anyHost: m.anyHost === true,
      ...(m.paths ? { paths: m.paths } : {}),
      ...(m.pathRegex !== undefined ? { pathRegex: new RegExp(m.pathRegex) } : {}),
      query: Object.entries(m.query ?? {}).map(([name, re]) => ({ name, regex: new RegExp(re) })),
      loader: m.loader === true,
      ...(m.organisation ? { organisation: m.organisation } : {}),
      ...(m.seriousness !== undefined ? { seriousness: m.seriousness as Seriousness } : {}),
    };
  });
  const cookies = (t.matchers.cookies ?? []).map((m, i): CookieMatcher => {
    const defaultId = m.names?.join(',') ?? m.prefixes?.map((p) => `${p}*`).join(',') ?? (m.regex ? `~${m.regex}` : `*@${m.domains?.[0] ?? ''}`);
    return {
      id: uniqueId('cookie', m.id ?? defaultId, `cookies[${i}]`),
      ...(m.names ? { names: new Set(m.names) } : {}),
      ...(m.prefixes ? { prefixes: m.prefixes } : {}),
      ...(m.regex !== undefined ? { regex: new RegExp(m.regex) } : {}),
      ...(m.domains ? { domains: m.domains.map(parseHostPattern) } : {}),
      ...(m.setterHosts ? { setterHosts: m.setterHosts.map(parseHostPattern) } : {}),
    };
  });
  const storage = (t.matchers.storage ?? []).map((m, i): StorageMatcher => {
    const defaultId = m.keys?.join(',') ?? m.prefixes?.map((p) => `${p}*`).join(',') ?? `~${m.regex ?? ''}`;
    return {
      id: uniqueId('storage', m.id ?? defaultId, `storage[${i}]`),
      ...(m.keys ? { keys: new Set(m.keys) } : {}),
      ...(m.prefixes ? { prefixes: m.prefixes } : {}),
      ...(m.regex !== undefined ? { regex: new RegExp(m.regex) } : {}),
      ...(m.origins ? { origins: m.origins.map(parseHostPattern) } : {}),
    };
  });
  return {
    id: t.id,
    name: t.name,
    organisation: t.organisation,
    category: t.category,
    seriousness: t.seriousness as Seriousness,
    aliases: t.aliases,
    ...(t.notes ? { notes: t.notes } : {}),
    ...(t.selfHosted ? { selfHosted: { seriousness: t.selfHosted.seriousness as Seriousness } } : {}),
    file,
    matchers: { requests, cookies, storage },
  };
}

/** Validates one rule file's text; `label` names it in errors. */
export function parseTrackerFile(label: string, text: string): Tracker[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${label}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 20).map((issue) => `${label}: ${formatJsonPath(issue.path)}: ${issue.message}`);
    if (parsed.error.issues.length > 20) lines.push(`${label}: … and ${parsed.error.issues.length - 20} more problems`);
    throw new Error(lines.join('\n'));
  }
  return parsed.data.trackers.map((t, i) => compileTracker(t, label, i));
}

/** SHA-256 over the files' names and contents in name order, first 12 hex characters. */
export function hashRuleFiles(files: ReadonlyArray<{ name: string; text: string }>): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(f.name).update('\0').update(f.text).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/** The version of the rules that made a conclusion. */
export function rulesHash(rules: TrackerRules): string {
  return rules.version;
}

/** Reads and validates every `*.json` in `dir` (default: data/trackers of the project). Throws on any problem. */
export function loadTrackerRules(dir: string = defaultRulesDir()): TrackerRules {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch (err) {
    throw new Error(`cannot read tracker rules in ${labelOf(dir)}: ${(err as Error).message}`);
  }
  if (!names.length) throw new Error(`no tracker rule files (*.json) in ${labelOf(dir)}`);
  const files: Array<{ name: string; text: string }> = [];
  const trackers: Tracker[] = [];
  const byId = new Map<string, Tracker>();
  for (const name of names) {
    const path = join(dir, name);
    const label = labelOf(path);
    const text = readFileSync(path, 'utf8');
    files.push({ name, text });
    for (const t of parseTrackerFile(label, text)) {
      const other = byId.get(t.id);
      if (other) throw new Error(`${label}: tracker id "${t.id}" is already defined in ${other.file}`);
      byId.set(t.id, t);
      trackers.push(t);
    }
  }
  return { version: hashRuleFiles(files), files: names.map((n) => labelOf(join(dir, n))), trackers, byId };
}

let cached: TrackerRules | undefined;

/** The project's own rules, loaded once per process. */
export function defaultTrackerRules(): TrackerRules {
  cached ??= loadTrackerRules();
  return cached;
}
