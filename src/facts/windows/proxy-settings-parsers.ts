// Parsers for Windows proxy settings: `netsh winhttp show proxy` (WinHTTP, used by services and
// SChannel revocation fetches) and the WinINET values under Internet Settings (what the Mobility
// service auto-detects, for LocalSystem).
import { dwordValue, parseRegQuery } from './reg-query';

export interface WinHttpProxy {
  direct: boolean;
  server: string | null;
  bypass: string[];
}

export function parseNetshWinHttpProxy(output: string): WinHttpProxy {
  if (/Direct access \(no proxy server\)/i.test(output)) return { direct: true, server: null, bypass: [] };
  const server = /Proxy Server\(s\)\s*:\s*(.+)$/im.exec(output)?.[1]?.trim() ?? null;
  const bypassRaw = /Bypass List\s*:\s*(.+)$/im.exec(output)?.[1]?.trim() ?? '';
  // cmd caret escapes (^<local^>) are stored literally when netsh was given them unquoted
  const bypass = bypassRaw.replace(/\^([<>&|^])/g, '$1').split(';').map((s) => s.trim()).filter((s) => s && s !== '(none)');
  return { direct: server === null, server, bypass };
}

export interface WinInetProxy {
  enabled: boolean;
  server: string | null;
  override: string[];
  autoConfigUrl: string | null;
}

export function parseWinInetSettings(regQueryOutput: string): WinInetProxy {
  const values = parseRegQuery(regQueryOutput);
  const get = (name: string) => values.find((v) => v.name.toLowerCase() === name.toLowerCase());
  return {
    enabled: dwordValue(get('ProxyEnable')) === 1,
    server: get('ProxyServer')?.value || null,
    override: (get('ProxyOverride')?.value ?? '').split(';').map((s) => s.trim()).filter(Boolean),
    autoConfigUrl: get('AutoConfigURL')?.value || null,
  };
}

/** "host:port" or "http=h:p;https=h2:p2": the proxy an https request would use. */
export function proxyForHttps(server: string): string | null {
  if (!server.includes('=')) return server.trim() || null;
  const entries = Object.fromEntries(server.split(';').map((part) => part.split('=').map((s) => s.trim()) as [string, string]));
  return entries.https ?? entries.http ?? null;
}
