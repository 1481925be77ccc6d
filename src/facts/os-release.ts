// Parses os-release(5): KEY=value lines, values optionally quoted with shell-style escapes.

export type OsRelease = Record<string, string>;

export function parseOsRelease(text: string): OsRelease {
  const result: OsRelease = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z0-9_]+$/.test(key)) continue;
    result[key] = unquote(line.slice(eq + 1).trim());
  }
  return result;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
    const inner = value.slice(1, -1);
    return quote === '"' ? inner.replace(/\\([\\$"`])/g, '$1') : inner;
  }
  return value;
}
