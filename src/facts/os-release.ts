// Parses os-release(5): KEY=value lines, values optionally quoted with shell-style escapes.
// Linear: one split, anchored or single-character regexes; values are capped (they reach reports).
import { truncateText } from '../core/text-bounds';

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
    result[key] = truncateText(unquote(line.slice(eq + 1).trim()));
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

/** /etc/redhat-release of RHEL 6-era guests: "CentOS release 6.10 (Final)". */
export function parseRedhatRelease(text: string): OsRelease {
  const version = /release (\d+(?:\.\d+)?)/.exec(text)?.[1];
  const id = /centos/i.test(text) ? 'centos' : /oracle/i.test(text) ? 'ol' : 'rhel';
  return { ID: id, ID_LIKE: 'rhel', PRETTY_NAME: truncateText(text.trim()), ...(version ? { VERSION_ID: version } : {}) };
}

/** /etc/SuSE-release of SLES 11: the name on the first line, then "VERSION = 11" and "PATCHLEVEL = 4". */
export function parseSuseRelease(text: string): OsRelease {
  const major = /VERSION = (\d+)/.exec(text)?.[1];
  const patch = /PATCHLEVEL = (\d+)/.exec(text)?.[1];
  const newline = text.indexOf('\n');
  const firstLine = newline === -1 ? text : text.slice(0, newline);
  return { ID: 'sles', ID_LIKE: 'suse', PRETTY_NAME: truncateText(firstLine.trim()), ...(major ? { VERSION_ID: patch ? `${major}.${patch}` : major } : {}) };
}
