// Probes one endpoint: a harmless GET through the production dispatcher; any HTTP answer proves
// the path. The result is the layered evidence of the connection, as an endpoints[] entry.
import { request } from 'undici';
import type { ConnectionTrace, Layer } from './trace';
import { layerOutcomes, newTrace } from './trace';
import { createDispatcher } from './dispatcher';
import type { ConnectorOptions } from './connector';
import { routeFor } from './connect-to';
import { bracketIpv6 } from './address-scope';
import { describeError } from '../core/errors';
import { onAbort } from './abort';
import { NO_LOG, type EventLog } from '../core/log';

export type HostSource = 'catalog' | 'cache-storage-account' | 'mobility-config' | 'representative' | 'endpoint-option';

export interface ProbeTarget {
  id: string;
  catalogId: string | null;
  group: string;
  purpose: string;
  host: string;
  port: number;
  scheme: 'https' | 'http';
  required: boolean;
  source: HostSource;
  /** The wildcard this host stands for, when it came from a pattern. */
  pattern: string | null;
  serviceTag: { source: string; target: string } | null;
  asrErrorCodes: number[];
}

export type EndpointStatus = 'ok' | 'failed' | 'unconfirmed';

export interface EndpointResult extends ProbeTarget {
  status: EndpointStatus;
  failedLayer: Layer | null;
  error: string | null;
  /** The address actually dialled (the proxy's when proxied) and whether it is public or private. */
  address: string | null;
  addressScope: string | null;
  viaProxy: string | null;
  connectTo: string | null;
  timings: { dnsMs: number | null; tcpMs: number | null; proxyMs: number | null; tlsMs: number | null; httpMs: number | null; totalMs: number };
  dns: ConnectionTrace['dns'] | null;
  tcp: ConnectionTrace['tcp'] | null;
  proxy: ConnectionTrace['proxy'] | null;
  tls: ConnectionTrace['tls'] | null;
  http: ConnectionTrace['http'] | null;
}

/** `log` gets, at debug, the probe's start, each layer's outcome and its end: where a probe waits. */
export async function probeEndpoint(
  target: ProbeTarget,
  options: ConnectorOptions,
  userAgent: string,
  signal?: AbortSignal,
  log: EventLog = NO_LOG,
): Promise<EndpointResult> {
  const started = performance.now();
  const endpoint = { host: target.host, port: target.port };
  log.debug(endpoint, 'probe started');
  let trace: ConnectionTrace = newTrace();
  const dispatcher = createDispatcher(options, (t) => (trace = t), signal);
  // A stop while connecting is the connector's to record (each layer says where it stopped); only
  // once the connection is open does the stop end the request itself, as the HTTP layer's evidence.
  const request$ = new AbortController();
  const undoStop = onAbort(signal, () => {
    if (trace.connectedAt !== undefined)
      request$.abort(Object.assign(new Error('stopped at the deadline while waiting for the HTTP answer'), { code: 'ABORTED' }));
  });
  try {
    const response = await request(`${target.scheme}://${bracketIpv6(target.host)}:${target.port}/`, {
      dispatcher,
      method: 'GET',
      headers: { 'user-agent': userAgent, connection: 'close' },
      signal: request$.signal,
    });
    trace.http = {
      ok: true,
      ms: Math.round(performance.now() - (trace.connectedAt ?? started)),
      status: response.statusCode,
      date: typeof response.headers.date === 'string' ? response.headers.date : null,
      receivedAt: new Date().toISOString(),
      code: null,
      error: null,
    };
    await response.body.dump({ limit: 64 * 1024 }).catch(() => {});
  } catch (err) {
    if (trace.failedLayer === null) {
      trace.failedLayer = 'http';
      const stopped = request$.signal.aborted;
      const code = stopped ? 'ABORTED' : ((err as NodeJS.ErrnoException).code ?? null);
      trace.http = {
        ok: false,
        ms: Math.round(performance.now() - (trace.connectedAt ?? started)),
        status: null,
        date: null,
        receivedAt: null,
        code,
        error: stopped
          ? 'stopped at the deadline while waiting for the HTTP answer'
          : code === 'UND_ERR_HEADERS_TIMEOUT'
            ? `no HTTP answer within ${options.timeouts.httpMs} ms after the connection opened`
            : `no HTTP answer: ${describeError(err)}`,
      };
      trace.failure = trace.http.error ?? undefined;
    }
  } finally {
    undoStop();
    await dispatcher.destroy().catch(() => {});
  }
  const result = toResult(target, trace, options, Math.round(performance.now() - started));
  for (const layer of layerOutcomes(trace)) log.debug({ ...endpoint, ...layer }, 'probe layer');
  log.debug({ ...endpoint, status: result.status, failedLayer: result.failedLayer, ms: result.timings.totalMs }, 'probe finished');
  return result;
}

function toResult(target: ProbeTarget, trace: ConnectionTrace, options: ConnectorOptions, totalMs: number): EndpointResult {
  const failed = trace.failedLayer;
  const layerError = failed ? (trace.failure ?? trace[failed]?.error ?? null) : null;
  // A representative name (no concrete host known) that does not exist cannot confirm or deny the path.
  const unconfirmed = failed === 'dns' && target.source === 'representative' && trace.dns?.code === 'ENOTFOUND';
  const route = routeFor(target.host, target.port, options.connectTo);
  const proxy = options.proxyFor(target.host, target.port);
  return {
    ...target,
    status: failed === null ? 'ok' : unconfirmed ? 'unconfirmed' : 'failed',
    failedLayer: failed,
    error: layerError,
    address: trace.tcp?.address ?? null,
    addressScope: trace.dns?.addresses[0]?.scope ?? trace.proxyDns?.addresses[0]?.scope ?? null,
    viaProxy: proxy?.origin ?? null,
    connectTo: route.rule,
    timings: {
      dnsMs: trace.dns?.ms ?? trace.proxyDns?.ms ?? null,
      tcpMs: trace.tcp?.ms ?? null,
      proxyMs: trace.proxy?.ms ?? null,
      tlsMs: trace.tls?.ms ?? null,
      httpMs: trace.http?.ms ?? null,
      totalMs,
    },
    dns: trace.dns ?? trace.proxyDns ?? null,
    tcp: trace.tcp ?? null,
    proxy: trace.proxy ?? null,
    tls: trace.tls ?? null,
    http: trace.http ?? null,
  };
}
