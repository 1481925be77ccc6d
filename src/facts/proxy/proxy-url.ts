// Normalises a proxy setting ("host:port", "http://user:pw@host:port/") into the parts we use.
// The credentials are dropped here: ASR supports only unauthenticated proxies, so the probe goes
// the way the Mobility service would, and no password is ever kept.
import { redactUrl, rememberSecret } from '../../core/redact';
import { unbracketIpv6 } from '../../net/address-scope';

export interface ParsedProxy {
  /** scheme://host:port, no credentials. */
  origin: string;
  hostname: string;
  port: number;
  /** As configured, with any password replaced by ***. */
  shown: string;
  hadCredentials: boolean;
}

export function parseProxyValue(raw: string): ParsedProxy | { problem: string } {
  const value = raw.trim();
  if (!value) return { problem: 'is empty' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { problem: `"${redactUrl(value)}" is not a proxy address (expected http://host:port)` };
  }
  // Dropped below, but remembered first: no output, log or spool entry can then carry it.
  rememberSecret(url.password);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { problem: `"${redactUrl(value)}" uses ${url.protocol.replace(':', '')}; only http:// proxies are supported` };
  if (!url.hostname) return { problem: `"${redactUrl(value)}" has no host name` };
  if (`${url.pathname}${url.search}${url.hash}`.includes('@')) {
    return {
      problem: `"${redactUrl(value)}" is ambiguous: an "@" follows the host, so the password holds "/", "?" or "#"; write them %-encoded (%2F, %3F, %23, and "@" as %40)`,
    };
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const hostname = unbracketIpv6(url.hostname);
  return {
    origin: `${url.protocol}//${url.host}`,
    hostname,
    port,
    shown: redactUrl(value),
    hadCredentials: Boolean(url.username || url.password),
  };
}
