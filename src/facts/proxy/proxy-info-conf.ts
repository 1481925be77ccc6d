// Parses the Mobility service's ProxyInfo.conf (INI: [proxy] Address, Port, optional BypassList).
// Its problems are ASR's 151072 ("custom proxy settings are invalid").
import { parseProxyValue, type ParsedProxy } from './proxy-url';
import { splitBypassList } from './bypass';
import { redactUrl } from '../../core/redact';
import { truncateText } from '../../core/text-bounds';

export interface ProxyInfoConf {
  address: string | null;
  port: string | null;
  bypassList: string[];
  proxy: ParsedProxy | null;
  problems: string[];
  notes: string[];
}

export function parseProxyInfoConf(text: string): ProxyInfoConf {
  const values = new Map<string, string>();
  let section: string | null = null;
  let sawProxySection = false;
  for (const rawLine of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      if (section === 'proxy') sawProxySection = true;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0 && section === 'proxy') values.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const problems: string[] = [];
  const notes: string[] = [];
  const address = values.get('address') ?? null;
  const port = values.get('port') ?? null;
  const bypassList = splitBypassList(values.get('bypasslist') ?? '');
  if (!sawProxySection) problems.push('has no [proxy] section');
  else if (!address) problems.push('has no Address= line in [proxy]');

  let proxy: ParsedProxy | null = null;
  if (address) {
    const parsed = parseProxyValue(address);
    if ('problem' in parsed) problems.push(`Address ${parsed.problem}`);
    else {
      proxy = parsed;
      if (port !== null) {
        const n = Number(port);
        if (!/^\d+$/.test(port) || n < 1 || n > 65535) {
          problems.push(`Port=${truncateText(port)} is not a port number (1-65535)`);
          proxy = null;
        } else if (/:\d+$/.test(new URL(parsed.origin).host) && new URL(parsed.origin).port !== port) {
          problems.push(`Address already names port ${new URL(parsed.origin).port} but Port=${truncateText(port)}`);
        } else {
          const combined = parseProxyValue(`${trimTrailingSlashes(address)}:${port}`);
          proxy = 'problem' in combined ? { ...parsed, port: n } : combined;
        }
      }
      if (proxy?.hadCredentials) problems.push('Address carries credentials; Azure Site Recovery supports only unauthenticated proxies');
    }
  }
  for (const entry of bypassList) {
    const shown = truncateText(entry);
    if (entry.includes('*'))
      problems.push(
        `BypassList entry "${shown}" uses a wildcard, which the Mobility service does not support; write "${truncateText(entry.replace(/^\*\.?/, ''))}" to bypass a domain and its subdomains`,
      );
    else if (entry.endsWith('.'))
      notes.push(`BypassList entry "${shown}" ends with a dot (as in the documentation's sample sentence); write "${truncateText(entry.slice(0, -1))}"`);
  }
  // Only the redacted form leaves this function: the raw Address may hold a password.
  return { address: address === null ? null : redactUrl(address), port, bypassList, proxy, problems, notes };
}

/** "http://proxy///" → "http://proxy". A loop, not /\/+$/, which rescans every run of slashes: quadratic. */
function trimTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end--;
  return value.slice(0, end);
}
