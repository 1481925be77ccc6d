// Parses `certutil -store <name>` output. certutil ships with every Windows since Server 2003,
// needs no PowerShell start-up or native addon inside the single binary, and lists the physical
// stores separately (Root, AuthRoot, Disallowed), which Node's tls.getCACertificates('system')
// does not. Its labels are localised, so only the hash line's "(sha1)" marker and the 40-hex
// value are relied on; Subject and NotAfter are taken when the labels are English.
import type { WindowsStoreEntry } from '../trust-store';
import { isJsWhitespace, isLineTerminator } from '../text-chars';

const SHA1_LINE = /\(sha1\)\s*:\s*([0-9a-f ]{40,59})\s*$/i;

export function parseCertutilStore(output: string): WindowsStoreEntry[] {
  const entries: WindowsStoreEntry[] = [];
  let current: { subject: string | null; notAfter: string | null } | null = null;
  for (const rawLine of output.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (isCertHeader(line)) {
      current = { subject: null, notAfter: null };
      continue;
    }
    if (!current) continue;
    if (line.startsWith('Subject:')) current.subject = line.slice('Subject:'.length).trim();
    else if (line.startsWith('NotAfter:')) current.notAfter = line.slice('NotAfter:'.length).trim();
    const hash = SHA1_LINE.exec(line);
    if (hash) {
      const sha1 = hash[1]!.replace(/ /g, '').toUpperCase();
      if (/^[0-9A-F]{40}$/.test(sha1)) entries.push({ sha1, subject: current.subject, notAfter: current.notAfter });
      current = null;
    }
  }
  return entries;
}

/**
 * What /^=+ *\S.*?\d+ *=+\s*$/ accepted ("================ Certificate 0 ================", in any
 * language), decided from both ends in one pass: that pattern retried "\d+ *=+" at every position
 * of the middle (quadratic on a long run of digits).
 */
export function isCertHeader(line: string): boolean {
  // "=+\s*$": the line, less trailing white space, ends with a run of "=" (the closing one: all of it).
  let end = line.length;
  while (end > 0 && isJsWhitespace(line.charCodeAt(end - 1))) end--;
  let closing = end;
  while (closing > 0 && line.charCodeAt(closing - 1) === EQUALS) closing--;
  if (closing === end || closing === 0) return false;
  // "\d+ *": spaces, then at least one digit, right before it.
  let digitsEnd = closing;
  while (digitsEnd > 0 && line.charCodeAt(digitsEnd - 1) === SPACE) digitsEnd--;
  if (digitsEnd === 0 || !isDigit(line.charCodeAt(digitsEnd - 1))) return false;
  let digitsStart = digitsEnd - 1;
  while (digitsStart > 0 && isDigit(line.charCodeAt(digitsStart - 1))) digitsStart--;
  // "^=+ *\S": the opening run of "=" (at least one), spaces, and a non-space at `c`, which is either
  // an "=" of the opening run past its first, or the first character after the run and its spaces.
  let opening = 0;
  while (opening < end && line.charCodeAt(opening) === EQUALS) opening++;
  if (opening === 0) return false;
  let afterSpaces = opening;
  while (afterSpaces < end && line.charCodeAt(afterSpaces) === SPACE) afterSpaces++;
  // ".*?" covers c+1 .. d-1 with no line terminator, d in [digitsStart, digitsEnd - 1] and d > c.
  let lastTerminator = -1;
  for (let i = digitsStart - 1; i >= 0; i--) {
    if (isLineTerminator(line.charCodeAt(i))) {
      lastTerminator = i;
      break;
    }
  }
  const fits = (c: number) => {
    const d = Math.max(digitsStart, c + 1);
    return d <= digitsEnd - 1 && lastTerminator < c + 1;
  };
  if (afterSpaces < line.length && !isJsWhitespace(line.charCodeAt(afterSpaces)) && fits(afterSpaces)) return true;
  for (let c = 1; c < opening; c++) if (fits(c)) return true;
  return false;
}

const EQUALS = 0x3d;
const SPACE = 0x20;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
