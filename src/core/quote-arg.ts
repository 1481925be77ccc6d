// How an error message shows what the operator gave: never a password, never a whole long
// argument, never a raw control character (a newline in an argument cannot forge a second line).

/** At most this many characters of an argument are shown; the rest is replaced by a marker. */
export const MAX_SHOWN_CHARS = 80;

/**
 * `"value"`, safe to print: anything before the last "@" after the scheme is hidden (for a URL that
 * did not parse, that is where a user name and password would be, whatever characters the password
 * holds; stricter than redactUrl, which keeps the user name of a value it could parse), control
 * characters are escaped, and a long value is cut with a marker giving its length.
 */
export function quoteArg(value: string): string {
  return `"${shownArg(value, { credentials: true })}"`;
}

/** A path as a message shows it: escaped and cut, but kept whole otherwise ("@" is common in paths). */
export function shownPath(value: string): string {
  return shownArg(value, { credentials: false });
}

export function shownArg(value: string, options: { credentials: boolean }): string {
  const shown = escapeControls(options.credentials ? hideUserinfo(value) : value);
  if (shown.length <= MAX_SHOWN_CHARS) return shown;
  return `${shown.slice(0, MAX_SHOWN_CHARS)}…[cut: ${value.length.toLocaleString('en-US')} characters in all]`;
}

/** "http://user:p@ss/w@rd@host:3128" → "http://***@host:3128"; no "@", no change. */
export function hideUserinfo(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? '';
  return `${scheme}***${value.slice(at)}`;
}

function escapeControls(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
