// Text a website controls (URLs, cookie names, titles), safe for a terminal and for one line of a log:
// C0/C1 controls, DEL, bidi controls and line separators become \uXXXX, so nothing sent by a site can
// move the cursor, reorder what is shown or split a line.

export const CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export const hexEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

export function escapeControls(s: string): string {
  return s.replace(CONTROL, hexEscape);
}

/** JSON.stringify leaves C1 controls, DEL and bidi marks raw; as \u escapes the document means the same and a terminal stays safe. */
export function safeJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(/[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, hexEscape);
}
