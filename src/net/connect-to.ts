// --connect-to HOST1:PORT1:HOST2:PORT2, with curl's meaning: connect to HOST2:PORT2 while SNI,
// certificate checks and the Host header stay HOST1. An empty HOST1 or PORT1 matches any.
import { quoteArg } from '../core/quote-arg';

/** A --connect-to value that is not HOST1:PORT1:HOST2:PORT2; the message names the value and what is wrong. */
export class ConnectToSpecError extends Error {
  override readonly name = 'ConnectToSpecError';
}

export interface ConnectToRule {
  fromHost: string | null;
  fromPort: number | null;
  toHost: string;
  toPort: number;
}

export function parseConnectTo(spec: string): ConnectToRule {
  // IPv6 literals go in brackets, as with curl: ::443:[::1]:8443
  const match = /^(\[[^\]]*\]|[^:]*):(\d*):(\[[^\]]*\]|[^:]*):(\d*)$/.exec(spec.trim());
  if (!match)
    throw new ConnectToSpecError(`--connect-to ${quoteArg(spec)} must be HOST1:PORT1:HOST2:PORT2 (e.g. login.microsoftonline.com:443:127.0.0.1:8443)`);
  const [, fromHost, fromPort, toHost, toPort] = match as unknown as [string, string, string, string, string];
  const port = (p: string, which: string) => {
    if (p === '') return null;
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new ConnectToSpecError(`--connect-to ${quoteArg(spec)}: ${which} ${quoteArg(p)} is not a port number`);
    return n;
  };
  const target = unbracket(toHost);
  if (!target) throw new ConnectToSpecError(`--connect-to ${quoteArg(spec)}: HOST2 is empty`);
  return { fromHost: unbracket(fromHost).toLowerCase() || null, fromPort: port(fromPort, 'PORT1'), toHost: target, toPort: port(toPort, 'PORT2') ?? -1 };
}

/** The address to dial for host:port: the first matching rule, else the host itself. */
export function routeFor(host: string, port: number, rules: readonly ConnectToRule[]): { host: string; port: number; rule: string | null } {
  const h = host.toLowerCase();
  for (const r of rules) {
    if ((r.fromHost === null || r.fromHost === h) && (r.fromPort === null || r.fromPort === port)) {
      const toPort = r.toPort === -1 ? port : r.toPort;
      return { host: r.toHost, port: toPort, rule: `${r.fromHost ?? ''}:${r.fromPort ?? ''}:${r.toHost}:${toPort}` };
    }
  }
  return { host, port, rule: null };
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
