// Opens a connection layer by layer (DNS → TCP → proxy CONNECT → TLS) and records each layer in a
// trace. Probes and report uploads both dial through here, so a probe cannot pass where an upload
// would fail (the Beats model: production dialing is the test dialing with a reporter attached).
import type net from 'node:net';
import type tls from 'node:tls';
import type { ConnectionTrace, TlsEvidence } from './trace';
import { connectTcp, LayerError, proxyTunnel, resolveName, tlsHandshake, type LayerTimeouts } from './layers';
import { routeFor, type ConnectToRule } from './connect-to';
import { bracketIpv6 } from './address-scope';
import { onAbort } from './abort';

export interface ProxyRoute {
  /** scheme://host:port of the proxy, never with credentials. */
  origin: string;
  hostname: string;
  port: number;
}

export interface ConnectorOptions {
  /** Roots to verify TLS with (the guest's OS store); null = Node's bundle (only where the OS store cannot be read). */
  ca: string[] | null;
  trustSource: TlsEvidence['trustSource'];
  /** The proxy for a host and port, or null to go direct (no proxy, or bypassed; a bypass entry with a port matches that port only). */
  proxyFor: (host: string, port?: number) => ProxyRoute | null;
  connectTo: readonly ConnectToRule[];
  timeouts: LayerTimeouts;
  loopbackOnly: boolean;
  /**
   * When the roots are still being read: only the TLS layer needs them, so DNS, TCP and the proxy
   * go ahead and TLS waits for this (ca and trustSource above are then placeholders).
   */
  pendingTrust?: Promise<Pick<ConnectorOptions, 'ca' | 'trustSource'>>;
}

export interface ConnectTarget {
  host: string;
  port: number;
  tls: boolean;
}

export async function openConnection(
  target: ConnectTarget,
  options: ConnectorOptions,
  trace: ConnectionTrace,
  signal?: AbortSignal,
): Promise<net.Socket | tls.TLSSocket> {
  try {
    const route = routeFor(target.host, target.port, options.connectTo);
    const proxy = options.proxyFor(target.host, target.port);
    let socket: net.Socket;
    if (proxy) {
      trace.proxyDns = await resolveName(proxy.hostname, options.timeouts.dnsMs, signal);
      if (!trace.proxyDns.ok) throw new LayerError('proxy', `cannot resolve the proxy ${proxy.hostname}: ${trace.proxyDns.error}`, trace.proxyDns.code);
      const tcp = await dial(trace.proxyDns.addresses[0]!.address, proxy.port, options, trace, signal, 'proxy');
      const tunnel = await proxyTunnel(tcp, proxy.origin, `${bracketIpv6(route.host)}:${route.port}`, options.timeouts.proxyMs, signal).catch(
        (err: unknown) => {
          trace.proxy = (err as { evidence?: ConnectionTrace['proxy'] }).evidence;
          throw err;
        },
      );
      trace.proxy = tunnel.evidence;
      socket = tunnel.socket;
    } else {
      trace.dns = await resolveName(route.host, options.timeouts.dnsMs, signal);
      if (!trace.dns.ok) throw new LayerError('dns', trace.dns.error ?? 'name resolution failed', trace.dns.code);
      socket = await dial(trace.dns.addresses[0]!.address, route.port, options, trace, signal, 'tcp');
    }
    if (!target.tls) {
      trace.connectedAt = performance.now();
      return socket;
    }
    const trust = options.pendingTrust ? await trustOrStop(options.pendingTrust, socket, signal) : options;
    const secured = await tlsHandshake(socket, {
      servername: target.host,
      ca: trust.ca,
      trustSource: trust.trustSource,
      timeoutMs: options.timeouts.tlsMs,
      signal,
    }).catch((err: unknown) => {
      trace.tls = (err as { evidence?: TlsEvidence }).evidence;
      throw err;
    });
    trace.tls = secured.evidence;
    trace.connectedAt = performance.now();
    return secured.socket;
  } catch (err) {
    if (trace.failedLayer === null) {
      trace.failedLayer = err instanceof LayerError ? err.layer : 'tcp';
      trace.failure = (err as Error).message;
    }
    throw err;
  }
}

/** TCP to an address; when it is the proxy that cannot be reached, the proxy layer is what failed. */
async function dial(
  address: string,
  port: number,
  options: ConnectorOptions,
  trace: ConnectionTrace,
  signal: AbortSignal | undefined,
  layer: 'tcp' | 'proxy',
): Promise<net.Socket> {
  try {
    const { socket, evidence } = await connectTcp(address, port, { timeoutMs: options.timeouts.tcpMs, loopbackOnly: options.loopbackOnly, signal });
    trace.tcp = evidence;
    return socket;
  } catch (err) {
    trace.tcp = (err as { evidence?: ConnectionTrace['tcp'] }).evidence;
    if (layer === 'proxy')
      throw new LayerError('proxy', `cannot reach the proxy at ${address}:${port}: ${(err as Error).message}`, (err as LayerError).code ?? null);
    throw err;
  }
}

/** The roots, once read; a stop while waiting for them ends the connection as a TLS-layer stop. */
function trustOrStop(
  pending: NonNullable<ConnectorOptions['pendingTrust']>,
  socket: net.Socket,
  signal: AbortSignal | undefined,
): Promise<Pick<ConnectorOptions, 'ca' | 'trustSource'>> {
  return new Promise((resolve, reject) => {
    const undo = onAbort(signal, () => {
      socket.destroy();
      reject(new LayerError('tls', 'stopped at the deadline before the TLS handshake, while the trust store was still being read', 'ABORTED'));
    });
    pending.then(
      (trust) => {
        undo();
        resolve(trust);
      },
      (err: unknown) => {
        undo();
        socket.destroy();
        reject(err);
      },
    );
  });
}
