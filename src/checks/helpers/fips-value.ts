// How the Linux kernel reads a FIPS value (os.fips): fips=N on its command line and fips_enabled.

/** The kernel's reading of fips=N and of fips_enabled: an integer, non-zero is on (simple_strtol, base 0). */
export function isFipsOn(value: string | null): boolean {
  if (value === null) return false;
  const text = value.trim().replace(/^["']|["']$/g, '');
  const match = /^([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)/i.exec(text);
  if (!match) return false;
  const digits = match[2]!;
  const n = digits.toLowerCase().startsWith('0x')
    ? Number.parseInt(digits.slice(2), 16)
    : digits.startsWith('0')
      ? Number.parseInt(digits, 8)
      : Number.parseInt(digits, 10);
  return n !== 0;
}
