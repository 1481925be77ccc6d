// One function per network layer. Each is bounded in time, records its evidence in the trace,
// and throws a LayerError naming the layer when it fails.
import net from 'node:net';
import tls from 'node:tls';
import { Client } from 'undici';
import type { CertificateSummary, DnsEvidence, Layer, ProxyEvidence, TcpEvidence, TlsEvidence } from './trace';
import { addressScope, isLoopback } from './address-scope';
import { secureContextFor } from './secure-context';
import { linkedSignal, onAbort } from './abort';
import { useBaselineWasmCompiler } from './wasm-tier';
import { systemLookupQueue, type LookupQueue, type StartedLookup } from './dns-lookup';
import { describeError } from '../core/errors';

export interface LayerTimeouts {
  dnsMs: number;
  tcpMs: number;
  proxyMs: number;
  tlsMs: number;
  httpMs: number;
}

export const DEFAULT_LAYER_TIMEOUTS: LayerTimeouts = { dnsMs: 5_000, tcpMs: 5_000, proxyMs: 8_000, tlsMs: 8_000, httpMs: 10_000 };

export class LayerError extends Error {
  override readonly name = 'LayerError';
  constructor(
    readonly layer: Layer,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started);

function bounded<T>(ms: number, signal: AbortSignal | undefined, work: Promise<T>, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    const undo = onAbort(signal, () => reject(signal?.reason instanceof Error ? signal.reason : onTimeout()));
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      undo();
    });
  });
}

/**
 * Resolves a name with the system resolver (what the Mobility service's clients use). The time and
 * its limit start when the lookup gets a resolver thread; the wait for one is queuedMs.
 */
export async function resolveName(host: string, timeoutMs: number, signal?: AbortSignal, queue: LookupQueue = systemLookupQueue()): Promise<DnsEvidence> {
  if (net.isIP(host)) {
    return { host, ok: true, ms: 0, queuedMs: 0, addresses: [{ address: host, family: net.isIP(host), scope: addressScope(host) }], code: null, error: null };
  }
  const queuedAt = performance.now();
  let lookup: StartedLookup;
  try {
    lookup = await queue.start(host, signal);
  } catch {
    const queuedMs = elapsed(queuedAt);
    return {
      host,
      ok: false,
      ms: 0,
      queuedMs,
      addresses: [],
      code: 'ABORTED',
      error: `stopped at the deadline while waiting ${queuedMs} ms for a resolver thread to look up ${host}`,
    };
  }
  const { answer, queuedMs, startedAt } = lookup;
  try {
    const answers = await bounded(timeoutMs, signal, answer, () => Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEOUT' }));
    return {
      host,
      ok: true,
      ms: elapsed(startedAt),
      queuedMs,
      addresses: answers.map((a) => ({ address: a.address, family: a.family, scope: addressScope(a.address) })),
      code: null,
      error: null,
    };
  } catch (err) {
    const code = signal?.aborted && !(err as NodeJS.ErrnoException).code ? 'ABORTED' : ((err as NodeJS.ErrnoException).code ?? null);
    return {
      host,
      ok: false,
      ms: elapsed(startedAt),
      queuedMs,
      addresses: [],
      code,
      error: code === 'ABORTED' ? `stopped at the deadline while looking up ${host}` : describeDnsError(host, code, err),
    };
  }
}

function describeDnsError(host: string, code: string | null, err: unknown): string {
  switch (code) {
    case 'ENOTFOUND':
      return `${host} does not resolve (no such name, or no DNS server answered)`;
    case 'EAI_AGAIN':
      return `the DNS server did not answer for ${host} (temporary failure)`;
    case 'ETIMEOUT':
      return `no DNS answer for ${host}: ${describeError(err)}`;
    default:
      return describeError(err);
  }
}

export interface TcpOptions {
  timeoutMs: number;
  /** Refuse anything but loopback (tests and labs: ASR_READY_LOOPBACK_ONLY=1). */
  loopbackOnly: boolean;
  signal?: AbortSignal;
}

export function connectTcp(address: string, port: number, options: TcpOptions): Promise<{ socket: net.Socket; evidence: TcpEvidence }> {
  const started = performance.now();
  const fail = (outcome: TcpEvidence['outcome'], code: string | null, error: string) => ({
    address,
    port,
    ok: false,
    ms: elapsed(started),
    outcome,
    code,
    error,
  });
  if (options.loopbackOnly && !isLoopback(address)) {
    const evidence = fail('blocked', 'ELOOPBACKONLY', `not connecting to ${address}: ASR_READY_LOOPBACK_ONLY is set`);
    return Promise.reject(Object.assign(new LayerError('tcp', evidence.error!, evidence.code), { evidence }));
  }
  if (options.signal?.aborted) {
    const evidence = fail('timeout', 'ABORTED', `stopped at the deadline before connecting to ${address}:${port}`);
    return Promise.reject(Object.assign(new LayerError('tcp', evidence.error!, evidence.code), { evidence }));
  }
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const done = (evidence: TcpEvidence) => {
      clearTimeout(timer);
      undoAbort();
      socket.removeAllListeners('error');
      socket.removeAllListeners('connect');
      if (evidence.ok) resolve({ socket, evidence });
      else {
        socket.destroy();
        reject(Object.assign(new LayerError('tcp', evidence.error!, evidence.code), { evidence }));
      }
    };
    const timer = setTimeout(
      () => done(fail('timeout', 'ETIMEDOUT', `no TCP answer from ${address}:${port} within ${options.timeoutMs} ms (dropped by a firewall, NSG or route)`)),
      options.timeoutMs,
    );
    const undoAbort = onAbort(options.signal, () => done(fail('timeout', 'ABORTED', `stopped at the deadline while connecting to ${address}:${port}`)));
    socket.once('connect', () => done({ address, port, ok: true, ms: elapsed(started), outcome: 'connected', code: null, error: null }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? null;
      if (code === 'ECONNREFUSED') done(fail('refused', code, `${address}:${port} refused the connection (nothing listening, or actively rejected)`));
      else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') done(fail('unreachable', code, `no route to ${address}:${port}`));
      else done(fail('error', code, describeError(err)));
    });
  });
}

/**
 * HTTP CONNECT through a proxy with undici's Client over the already-open TCP socket. proxyOrigin
 * (scheme://host:port, never with credentials) is also what the evidence names.
 */
export async function proxyTunnel(
  proxySocket: net.Socket,
  proxyOrigin: string,
  target: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ socket: net.Socket; evidence: ProxyEvidence }> {
  const started = performance.now();
  useBaselineWasmCompiler();
  let handedOver = false;
  const client = new Client(proxyOrigin, {
    connect: (_opts, callback) => {
      if (handedOver) return callback(new Error('the proxy connection was already used'), null);
      handedOver = true;
      // undici's Client must get the socket asynchronously: a synchronous callback re-enters its
      // dispatch loop and the CONNECT is never written.
      setImmediate(() => callback(null, proxySocket));
    },
  });
  let timedOut = false;
  const combined = linkedSignal([signal], timeoutMs, () => ((timedOut = true), new Error(`no CONNECT answer within ${timeoutMs} ms`)));
  try {
    const { statusCode, socket } = await client.connect({ path: target, headers: { host: target }, signal: combined.signal });
    const evidence: ProxyEvidence = { proxy: proxyOrigin, ok: statusCode === 200, ms: elapsed(started), status: statusCode, error: null };
    if (statusCode !== 200) {
      socket.on('error', () => {}).destroy();
      evidence.error =
        statusCode === 407
          ? `the proxy requires authentication (407); Azure Site Recovery supports only unauthenticated proxies`
          : `the proxy refused to open a tunnel to ${target} (HTTP ${statusCode})`;
      throw Object.assign(new LayerError('proxy', evidence.error, `HTTP_${statusCode}`), { evidence });
    }
    return { socket: socket as net.Socket, evidence };
  } catch (err) {
    if (err instanceof LayerError) throw err;
    // The run's deadline, not the proxy: say so, as the TCP and TLS layers do.
    const stopped = !timedOut && signal?.aborted === true;
    const message = timedOut
      ? `the proxy did not answer CONNECT ${target} within ${timeoutMs} ms`
      : stopped
        ? `stopped at the deadline while waiting for the proxy to answer CONNECT ${target}`
        : `the proxy closed or failed the CONNECT to ${target}: ${describeError(err)}`;
    const evidence: ProxyEvidence = { proxy: proxyOrigin, ok: false, ms: elapsed(started), status: null, error: message };
    proxySocket.destroy();
    throw Object.assign(new LayerError('proxy', message, timedOut ? 'ETIMEDOUT' : stopped ? 'ABORTED' : ((err as NodeJS.ErrnoException).code ?? null)), {
      evidence,
    });
  } finally {
    combined.dispose();
    void client.close().catch(() => {});
  }
}

export interface TlsOptions {
  servername: string;
  /** Root certificates (PEM) to verify with; null = Node's bundled roots. */
  ca: string[] | null;
  trustSource: TlsEvidence['trustSource'];
  timeoutMs: number;
  signal?: AbortSignal;
}

/** TLS 1.2 or later over the socket, verified against the given roots, hostname included. */
export function tlsHandshake(socket: net.Socket, options: TlsOptions): Promise<{ socket: tls.TLSSocket; evidence: TlsEvidence }> {
  const started = performance.now();
  const base = (): TlsEvidence => ({
    ok: false,
    ms: elapsed(started),
    servername: options.servername,
    version: null,
    cipher: null,
    verified: false,
    verifyError: null,
    hostnameError: null,
    chain: [],
    trustAnchor: null,
    trustSource: options.trustSource,
    code: null,
    error: null,
  });
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket,
      servername: net.isIP(options.servername) ? undefined : options.servername,
      // One context per trust store (it carries the roots and the TLS 1.2 minimum), shared by every connection.
      secureContext: secureContextFor(options.ca),
      rejectUnauthorized: false, // verified below, so the evidence records why a chain fails
      ALPNProtocols: ['http/1.1'],
    });
    const finish = (evidence: TlsEvidence) => {
      clearTimeout(timer);
      undoAbort();
      secure.removeAllListeners('error');
      if (evidence.ok) resolve({ socket: secure, evidence });
      else {
        secure.destroy();
        reject(Object.assign(new LayerError('tls', evidence.error!, evidence.code), { evidence }));
      }
    };
    const timer = setTimeout(
      () =>
        finish({
          ...base(),
          code: 'ETIMEDOUT',
          error: `no TLS handshake within ${options.timeoutMs} ms (the server or a middlebox accepted TCP but never answered)`,
        }),
      options.timeoutMs,
    );
    const undoAbort = onAbort(options.signal, () => finish({ ...base(), code: 'ABORTED', error: 'stopped at the deadline during the TLS handshake' }));
    secure.once('error', (err: NodeJS.ErrnoException) => finish({ ...base(), code: err.code ?? null, error: describeTlsError(err) }));
    secure.once('secureConnect', () => {
      const evidence = base();
      evidence.version = secure.getProtocol() ?? null;
      evidence.cipher = secure.getCipher()?.name ?? null;
      const peer = secure.getPeerCertificate(true);
      evidence.chain = chainOf(peer);
      // Node reports a name mismatch as authorizationError ERR_TLS_CERT_ALTNAME_INVALID, and only
      // once the chain itself verified: that is a hostname error, not a chain error.
      const authError = secure.authorized ? null : String(secure.authorizationError ?? 'unverified');
      evidence.verifyError = authError === 'ERR_TLS_CERT_ALTNAME_INVALID' ? null : authError;
      const identityError =
        peer && Object.keys(peer).length > 0 ? tls.checkServerIdentity(options.servername, peer) : new Error('the server sent no certificate');
      evidence.hostnameError = identityError ? identityError.message : null;
      evidence.verified = evidence.verifyError === null && !identityError;
      const top = evidence.chain.at(-1);
      evidence.trustAnchor = evidence.verified && top ? { subject: top.subject, sha256: top.sha256 } : null;
      evidence.ok = evidence.verified;
      if (!evidence.verified) {
        evidence.code = evidence.verifyError ?? 'ERR_TLS_CERT_ALTNAME_INVALID';
        evidence.error = evidence.verifyError
          ? `the certificate chain does not verify against the guest's trust store: ${evidence.verifyError}`
          : `the certificate does not match ${options.servername}: ${evidence.hostnameError}`;
      }
      finish(evidence);
    });
  });
}

function describeTlsError(err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  if (/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|WRONG_VERSION_NUMBER|NO_PROTOCOLS_AVAILABLE/.test(code)) {
    return `the server does not offer TLS 1.2 or later (${code}); Site Recovery requires TLS 1.2`;
  }
  if (code === 'ECONNRESET') return 'the connection was reset during the TLS handshake (often a firewall or proxy that filters TLS)';
  return `TLS handshake failed: ${describeError(err)}`;
}

type PeerCert = tls.DetailedPeerCertificate;

function chainOf(peer: PeerCert | undefined): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  const seen = new Set<string>();
  for (let cert: PeerCert | undefined = peer; cert && Object.keys(cert).length > 0; cert = cert.issuerCertificate) {
    const sha256 = (cert.fingerprint256 ?? '').replace(/:/g, '').toUpperCase();
    if (seen.has(sha256)) break; // a self-signed root points at itself
    seen.add(sha256);
    chain.push({
      subject: nameOf(cert.subject),
      issuer: nameOf(cert.issuer),
      sha256,
      notBefore: new Date(cert.valid_from).toISOString(),
      notAfter: new Date(cert.valid_to).toISOString(),
    });
  }
  return chain;
}

function nameOf(name: tls.Certificate | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}
