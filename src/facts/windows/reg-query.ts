// Parses `reg query KEY /v NAME` output: "    NAME    REG_TYPE    VALUE" lines under the key.
import { isJsWhitespace, isLineTerminator } from '../text-chars';

export interface RegistryValue {
  name: string;
  type: string;
  value: string;
}

export function parseRegQuery(output: string): RegistryValue[] {
  const values: RegistryValue[] = [];
  for (const line of output.split(/\r?\n/)) {
    const value = matchValueLine(line.replace(/\t/g, '    '));
    if (value) values.push(value);
  }
  return values;
}

/**
 * What /^ {2,}(\S(?:.*?\S)?) {2,}(REG_[A-Z_]+)(?: {2,}(.*))?$/ matched, in one pass: that pattern
 * retried its tail at every end of the name (quadratic on a long line of "  REG_X" pieces).
 * Its order is kept: a name that ends later is preferred (the optional group is greedy, its ".*?"
 * lazy), and the one-character name comes last. The name may not span a line terminator.
 */
export function matchValueLine(line: string): RegistryValue | null {
  const len = line.length;
  let a = 0;
  while (a < len && line.charCodeAt(a) === SPACE) a++;
  if (a < 2 || a >= len || isJsWhitespace(line.charCodeAt(a))) return null;
  let lastTerminator = -1;
  let firstTerminator = len; // the first line terminator after the name's first character
  for (let i = len - 1; i >= 0 && lastTerminator < 0; i--) if (isLineTerminator(line.charCodeAt(i))) lastTerminator = i;
  for (let i = a + 1; i < len; i++) {
    if (isLineTerminator(line.charCodeAt(i))) {
      firstTerminator = i;
      break;
    }
  }
  /** The rest of the pattern after a name ending at x (exclusive). Each space run and type run is scanned once overall. */
  const tail = (x: number): RegistryValue | null => {
    let y = x;
    while (y < len && line.charCodeAt(y) === SPACE) y++;
    if (y - x < 2 || !line.startsWith('REG_', y)) return null;
    let z = y + 4;
    while (z < len && isTypeChar(line.charCodeAt(z))) z++;
    if (z === y + 4) return null;
    const name = line.slice(a, x);
    const type = line.slice(y, z);
    if (z === len) return { name, type, value: '' };
    // "  " and the data, with no line terminator up to the end ("." and "$" without the m flag).
    if (line.charCodeAt(z) !== SPACE || line.charCodeAt(z + 1) !== SPACE || lastTerminator >= z) return null;
    return { name, type, value: line.slice(z).trim() };
  };
  for (let x = a + 2; x <= firstTerminator && x < len; x++) {
    if (line.charCodeAt(x) !== SPACE || isJsWhitespace(line.charCodeAt(x - 1))) continue;
    const found = tail(x);
    if (found) return found;
  }
  return tail(a + 1);
}

const SPACE = 0x20;

function isTypeChar(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || code === 0x5f;
}

/** REG_DWORD values print as 0x1; returns null for other types or unparsable values. */
export function dwordValue(value: RegistryValue | undefined): number | null {
  if (!value || value.type !== 'REG_DWORD') return null;
  const n = Number.parseInt(value.value, 16);
  return Number.isFinite(n) ? n : null;
}
