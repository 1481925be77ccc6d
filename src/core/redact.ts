// Secrets never reach stdout, logs, reports or spool files. Two layers:
// - by structure: a URL-like value loses its password from the userinfo the URL parser finds (a
//   password may hold "@", "/", ":", blanks and %-escapes), or, where it does not parse, everything
//   up to its last "@";
// - by knowledge: every secret the agent learns (proxy passwords, report tokens, client secrets,
//   access tokens) is remembered here, and scrubSecrets() removes each occurrence from free text,
//   whatever surrounds it. Pattern rules remain for secrets the agent never saw (a SAS in an error).

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const MASK = '***';

/**
 * "http://user:pass@host:3128" → "http://user:***@host:3128"; also for "user:pass@host:3128"
 * (proxy settings may omit the scheme) and for values no URL parser accepts. Values without
 * userinfo are returned unchanged.
 */
export function redactUrl(value: string): string {
  const prefix = SCHEME.exec(value)?.[0] ?? '';
  const rest = value.slice(prefix.length);
  const at = rest.lastIndexOf('@');
  if (at < 0) return value;
  try {
    const url = new URL(prefix ? value : `http://${value}`);
    // An "@" after the parsed host means the password itself held "/", "\\", "?" or "#", which end
    // the host for a URL parser: take the last "@", as a person reading it would.
    if (`${url.pathname}${url.search}${url.hash}`.includes('@')) throw new Error('ambiguous userinfo');
    if (!url.username && !url.password) return value;
    const tail = `${url.pathname === '/' && !rest.slice(at).includes('/') ? '' : url.pathname}${url.search}${url.hash}`;
    return `${prefix ? url.protocol + '//' : ''}${url.username}:${MASK}@${url.host}${tail}`;
  } catch {
    // Unparseable: assume the userinfo runs to the last "@" and keep only what precedes a ":".
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    return `${prefix}${colon < 0 ? MASK : `${userinfo.slice(0, colon)}:${MASK}`}${rest.slice(at)}`;
  }
}

const known = new Set<string>();
/** Shorter strings would mask ordinary words: token and secret files refuse them (delivery-args.ts). */
export const MIN_REMEMBERED = 4;

/** Remembers a secret (and its URL-encoded and JSON-escaped forms) so that scrubSecrets() removes it from any text. */
export function rememberSecret(secret: string | null | undefined): void {
  if (!secret || secret.length < MIN_REMEMBERED) return;
  const forms = [secret, encodeURIComponent(secret), encodeURI(secret), safeDecode(secret)];
  for (const form of new Set([...forms, ...forms.map((f) => JSON.stringify(f).slice(1, -1))])) {
    if (form.length >= MIN_REMEMBERED) known.add(form);
  }
}

/** For tests: forget what was remembered. */
export function forgetSecrets(): void {
  known.clear();
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * In each blank-separated word holding "scheme://user:password@", the password (up to the word's
 * last "@": it may hold "@", "/" and ":") is masked. String scans, not a backtracking pattern, so
 * hostile text costs linear time.
 */
function scrubUrlPasswords(text: string): string {
  return text.replace(/\S+/g, (word) => {
    const at = word.lastIndexOf('@');
    const slashes = word.indexOf('://');
    if (at < 0 || slashes <= 0 || slashes > at || !/[a-z0-9+.-]/i.test(word[slashes - 1]!)) return word;
    const userinfo = word.slice(slashes + 3, at);
    const colon = userinfo.indexOf(':');
    return colon < 0 ? word : `${word.slice(0, slashes + 3)}${userinfo.slice(0, colon)}:${MASK}${word.slice(at)}`;
  });
}

const FREE_TEXT_SECRETS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`],
  [/\b(sig|se|sv|sp|skoid|sktid)=[^&\s"']+/g, `$1=${MASK}`],
  [/("?(?:access_token|client_secret|password|refresh_token)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, `$1${MASK}`],
];

export function scrubSecrets(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...known].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
  return FREE_TEXT_SECRETS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), scrubUrlPasswords(out));
}
