// Parses `reg query KEY /v NAME` output: "    NAME    REG_TYPE    VALUE" lines under the key.

export interface RegistryValue {
  name: string;
  type: string;
  value: string;
}

const VALUE_LINE = /^ {2,}(\S(?:.*?\S)?) {2,}(REG_[A-Z_]+)(?: {2,}(.*))?$/;

export function parseRegQuery(output: string): RegistryValue[] {
  const values: RegistryValue[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = VALUE_LINE.exec(line.replace(/\t/g, '    '));
    if (match) values.push({ name: match[1]!, type: match[2]!, value: (match[3] ?? '').trim() });
  }
  return values;
}

/** REG_DWORD values print as 0x1; returns null for other types or unparsable values. */
export function dwordValue(value: RegistryValue | undefined): number | null {
  if (!value || value.type !== 'REG_DWORD') return null;
  const n = Number.parseInt(value.value, 16);
  return Number.isFinite(n) ? n : null;
}
