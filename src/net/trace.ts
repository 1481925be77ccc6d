// The layered evidence of one connection: DNS → TCP → (proxy CONNECT) → TLS → HTTP, each timed.

export type Layer = 'dns' | 'tcp' | 'proxy' | 'tls' | 'http';

export interface DnsEvidence {
  host: string;
  ok: boolean;
  /** From when the lookup got a resolver thread; the DNS time limit applies to this. */
  ms: number;
  /** How long the lookup waited for a resolver thread first (other lookups in flight), not counted in ms. */
  queuedMs: number;
  addresses: Array<{ address: string; family: number; scope: string }>;
  code: string | null;
  error: string | null;
}

export interface TcpEvidence {
  address: string;
  port: number;
  ok: boolean;
  ms: number;
  outcome: 'connected' | 'refused' | 'timeout' | 'unreachable' | 'blocked' | 'error';
  code: string | null;
  error: string | null;
}

export interface ProxyEvidence {
  /** The proxy URL without credentials. */
  proxy: string;
  ok: boolean;
  ms: number;
  status: number | null;
  error: string | null;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  sha256: string;
  notBefore: string;
  notAfter: string;
}

export interface TlsEvidence {
  ok: boolean;
  ms: number;
  servername: string;
  version: string | null;
  cipher: string | null;
  /** Chain verified against the OS trust store (hostname and validity included). */
  verified: boolean;
  verifyError: string | null;
  hostnameError: string | null;
  chain: CertificateSummary[];
  trustAnchor: { subject: string; sha256: string } | null;
  /** Which roots judged the chain: the OS store, or (where the OS store is unreadable) Node's bundle. */
  trustSource: 'os' | 'node-bundled' | 'supplied';
  code: string | null;
  error: string | null;
}

export interface HttpEvidence {
  ok: boolean;
  ms: number;
  status: number | null;
  date: string | null;
  /** Local clock when the response headers arrived (for clock-skew checks against `date`). */
  receivedAt: string | null;
  code: string | null;
  error: string | null;
}

export interface ConnectionTrace {
  dns?: DnsEvidence;
  /** DNS of the proxy's own name, when a proxy is used (the proxy resolves the target). */
  proxyDns?: DnsEvidence;
  tcp?: TcpEvidence;
  proxy?: ProxyEvidence;
  tls?: TlsEvidence;
  http?: HttpEvidence;
  failedLayer: Layer | null;
  /** The message of the failure at failedLayer, as the admin should read it. */
  failure?: string;
  /** performance.now() when the connection (TLS included) was ready: the HTTP layer is timed from here. */
  connectedAt?: number;
}

export function newTrace(): ConnectionTrace {
  return { failedLayer: null };
}

/** One layer of a connection, as a line of the debug log: what it reached, whether it held, how long. */
export interface LayerOutcome {
  layer: Layer;
  /** What this layer dealt with: the name resolved, the address dialled, the proxy (never with credentials), the TLS server name. */
  peer?: string;
  /** 'proxy' for the lookup of the proxy's own name (the proxy resolves the target). */
  of?: 'proxy';
  ok: boolean;
  ms: number;
  /** The HTTP status the proxy (CONNECT) or the server answered. */
  status?: number | null;
  code: string | null;
  /** Why it failed (the evidence's own words), on a layer that did not hold. */
  error?: string;
}

/** Each layer the connection reached, in order (DNS → TCP → proxy CONNECT → TLS → HTTP). */
export function layerOutcomes(trace: ConnectionTrace): LayerOutcome[] {
  const outcome = (layer: Layer, e: { ok: boolean; ms: number; error: string | null }, code: string | null, more: Partial<LayerOutcome>): LayerOutcome => ({
    layer,
    ...more,
    ok: e.ok,
    ms: e.ms,
    code,
    ...(e.ok || e.error === null ? {} : { error: e.error }),
  });
  const out: LayerOutcome[] = [];
  if (trace.proxyDns) out.push(outcome('dns', trace.proxyDns, trace.proxyDns.code, { peer: trace.proxyDns.host, of: 'proxy' }));
  if (trace.dns) out.push(outcome('dns', trace.dns, trace.dns.code, { peer: trace.dns.host }));
  if (trace.tcp) out.push(outcome('tcp', trace.tcp, trace.tcp.code, { peer: `${trace.tcp.address}:${trace.tcp.port}` }));
  if (trace.proxy) {
    const { status } = trace.proxy;
    out.push(outcome('proxy', trace.proxy, trace.proxy.ok || status === null ? null : `HTTP_${status}`, { peer: trace.proxy.proxy, status }));
  }
  if (trace.tls) out.push(outcome('tls', trace.tls, trace.tls.code, { peer: trace.tls.servername }));
  if (trace.http) out.push(outcome('http', trace.http, trace.http.code, { status: trace.http.status }));
  return out;
}
