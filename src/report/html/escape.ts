// HTML built only through the `html` tag: every interpolated value is escaped unless it is itself
// Html made by this tag. So a cookie name, page title or request URL from a website can only ever
// become text, never markup, and forgetting to escape is impossible rather than merely unlikely.

const HTML = Symbol('html');

export interface Html {
  readonly [HTML]: true;
  readonly value: string;
}

const make = (value: string): Html => ({ [HTML]: true, value });

export function isHtml(v: unknown): v is Html {
  return typeof v === 'object' && v !== null && (v as Partial<Html>)[HTML] === true;
}

/**
 * Characters a browser does not show but obeys: control characters, and the marks and overrides that
 * reorder text (a cookie name with U+202E could display its evidence backwards). A website cannot
 * want them in evidence; the report shows each as a visible \u{…}.
 */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u180E\u2028-\u202E\u2060-\u2069\uFEFF]/g;

/** Text for element content and quoted attribute values alike. */
export function esc(text: string): string {
  return text
    .replace(INVISIBLE, (c) => `\\u{${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}}`)
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (isHtml(v)) return v.value;
  return esc(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return make(out);
}

/**
 * Markup we wrote ourselves (the page's own CSS and script). Never pass anything derived from a
 * scanned website or a site list here.
 */
export function trusted(markup: string): Html {
  return make(markup);
}

export function join(parts: readonly Html[], separator: Html | string = ''): Html {
  const sep = render(separator);
  return make(parts.map((p) => p.value).join(sep));
}

/** An href for a link to a scanned site: only http(s) URLs become links, anything else stays text. */
export function safeHref(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
