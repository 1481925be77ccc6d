// Parsers for Windows proxy settings: WinHTTP (used by services and SChannel revocation fetches),
// read from its registry value WinHttpSettings (below; the same in every display language), and the
// WinINET values under Internet Settings (what the Mobility service auto-detects, for LocalSystem).
// parseNetshWinHttpProxy reads English `netsh winhttp show proxy` output only; the reader no longer
// runs netsh (its wording is localised), and the parser is kept for the recorded-output tests.
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
  const bypass = bypassRaw
    .replace(/\^([<>&|^])/g, '$1')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s && s !== '(none)');
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
    override: (get('ProxyOverride')?.value ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean),
    autoConfigUrl: get('AutoConfigURL')?.value || null,
  };
}

/** "host:port" or "http=h:p;https=h2:p2": the proxy an https request would use. */
export function proxyForHttps(server: string): string | null {
  if (!server.includes('=')) return server.trim() || null;
  const entries = Object.fromEntries(server.split(';').map((part) => part.split('=').map((s) => s.trim()) as [string, string]));
  return entries.https ?? entries.http ?? null;
}

// The WinHTTP proxy as WinHTTP itself stores it (what `netsh winhttp set proxy` writes and
// `netsh winhttp show proxy` prints, in the display language): the REG_BINARY value
// HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections\WinHttpSettings.
// Layout (little-endian DWORDs), as read and written by X. Plantefève's Get/Set-WinHttpProxySettings
// (github.com/stephannn/WinHttpProxySettings, WinHttpProxySettings/WinHttpProxySettings.ps1, from
// gist XPlantefeve/a53a6af53b458188ee0766acc8508776):
//   version/size | counter | flags (1 always set, 2 = use the proxy, 4 = PAC URL, 8 = auto-detect)
//   | proxy length | proxy (ASCII) | bypass length | bypass (ASCII) | [PAC URL length | PAC URL] | [padding]
// The default ("Direct access") is 18 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00.
export const WINHTTP_SETTINGS_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections';
export const WINHTTP_SETTINGS_VALUE = 'WinHttpSettings';

export interface WinHttpSettings extends WinHttpProxy {
  flags: number;
  autoConfigUrl: string | null;
}

/** Longer than any proxy list netsh accepts; a longer string is not a WinHttpSettings value. */
const MAX_WINHTTP_STRING = 64 * 1024;

export function parseWinHttpSettingsBlob(blob: Uint8Array): WinHttpSettings | { problem: string } {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 16) return { problem: `WinHttpSettings is ${blob.length} bytes, shorter than its 16-byte header` };
  const flags = view.getUint32(8, true);
  let at = 12;
  const readString = (what: string, optional: boolean): string | null | { problem: string } => {
    if (at + 4 > blob.length) return optional ? null : { problem: `WinHttpSettings ends before the ${what} length (at byte ${at})` };
    const length = view.getUint32(at, true);
    if (length > MAX_WINHTTP_STRING || at + 4 + length > blob.length) {
      return optional ? null : { problem: `WinHttpSettings ${what} length ${length} runs past its ${blob.length} bytes` };
    }
    const text = Buffer.from(blob.buffer, blob.byteOffset + at + 4, length).toString('latin1');
    at += 4 + length;
    return text;
  };
  const proxy = readString('proxy', false);
  if (proxy !== null && typeof proxy === 'object') return proxy;
  const bypassRaw = readString('bypass list', true);
  if (bypassRaw !== null && typeof bypassRaw === 'object') return bypassRaw;
  const pac = readString('PAC URL', true);
  const autoConfigUrl = typeof pac === 'string' && pac.trim() !== '' && (flags & 4) !== 0 ? pac.trim() : null;
  const useProxy = (flags & 2) !== 0 && typeof proxy === 'string' && proxy.trim() !== '';
  const bypass =
    typeof bypassRaw === 'string'
      ? bypassRaw
          .replace(/\^([<>&|^])/g, '$1')
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  return { flags, direct: !useProxy, server: useProxy ? (proxy as string).trim() : null, bypass: useProxy ? bypass : [], autoConfigUrl };
}

/** `reg query <WINHTTP_SETTINGS_KEY> /v WinHttpSettings` output: the value's bytes, or why there are none. */
export function winHttpSettingsFromRegQuery(output: string): Uint8Array | { problem: string } {
  const value = parseRegQuery(output).find((v) => v.name.toLowerCase() === WINHTTP_SETTINGS_VALUE.toLowerCase());
  if (!value) return { problem: 'no WinHttpSettings value in the output' };
  if (value.type !== 'REG_BINARY' || !/^(?:[0-9A-Fa-f]{2})*$/.test(value.value))
    return { problem: `WinHttpSettings is ${value.type} ${JSON.stringify(value.value.slice(0, 40))}, not REG_BINARY hex` };
  return Buffer.from(value.value, 'hex');
}
