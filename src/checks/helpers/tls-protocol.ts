// Whether SChannel has a protocol on, from the raw registry values (windows.updates).
import type { TlsClientSettings } from '../../facts/windows/guest-parsers';

/**
 * How SChannel reads the two DWORDs: any non-zero Enabled enables the protocol (IIS Crypto and many
 * hardening guides write 0xffffffff), 0 disables it; any non-zero DisabledByDefault keeps it off
 * unless an application asks for it. Unset values are the OS default, which is "off" for TLS 1.2
 * clients on Windows 7 / 2008 R2, the systems this is judged on (with 2012, as the reference asks).
 */
export function tlsProtocolOn(settings: TlsClientSettings | null): boolean {
  if (!settings || settings.enabled === null || settings.disabledByDefault === null) return false;
  return settings.enabled !== 0 && settings.disabledByDefault === 0;
}
