// Guest text is hostile (DESIGN.md §2.9): what a parser keeps as evidence is capped with a visible
// marker, and what a renderer prints has its control characters shown as escapes, so no guest
// string can add a line, move the cursor or recolour the terminal.

/** Longest guest string kept whole in facts and evidence (a GRUB line, a mount point, a subject). */
export const EVIDENCE_MAX_CHARS = 512;

/**
 * The text, or its first maxChars characters followed by `…[truncated, 12,345 more bytes]`
 * (bytes of UTF-8, as the admin would count them in the file). Never splits a surrogate pair.
 */
export function truncateText(text: string, maxChars = EVIDENCE_MAX_CHARS): string {
  if (text.length <= maxChars) return text;
  let cut = Math.max(0, maxChars);
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  const more = Buffer.byteLength(text.slice(cut), 'utf8');
  return `${text.slice(0, cut)}…[truncated, ${more.toLocaleString('en-US')} more bytes]`;
}

// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional
// overrides and isolates (which can make a terminal show text in another order than it is).
// Matching control characters is the point here.
/* eslint-disable no-control-regex */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One printable line: every control character, newlines included, shown as an escape (`\n`, `\x1b`). */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, visible);
}

/** Like escapeControls, but keeps newlines: for text that is several lines by design (remediation). */
export function escapeControlsKeepNewlines(text: string): string {
  return text.replace(CONTROLS_BUT_NEWLINE, visible);
}

/** What a renderer prints of one guest-derived field: escaped and capped. */
export function printable(text: string, maxChars: number): string {
  return escapeControls(truncateText(text, maxChars));
}
