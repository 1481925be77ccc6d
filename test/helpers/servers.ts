// Loopback servers for probe tests: HTTPS with a test CA, a TCP server that never speaks, and an
// old-TLS-only server. Every server listens on 127.0.0.1 only.
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { makeCertificate, type TestCa } from './certs';

export interface RunningServer {
  port: number;
  /** How many requests or connections reached it. */
  hits: () => number;
  close: () => Promise<void>;
}

export interface Pki {
  root: TestCa;
  intermediate: TestCa;
  leafFor: (names: string[], options?: { notAfter?: Date; notBefore?: Date }) => TestCa;
}

export function makePki(rootName = 'asr-ready Test Root CA', rootOptions: { notAfter?: Date } = {}): Pki {
  const root = makeCertificate({ commonName: rootName, ...rootOptions });
  const intermediate = makeCertificate({ commonName: `${rootName} Issuing CA`, issuer: root, isCa: true });
  return {
    root,
    intermediate,
    leafFor: (names, options = {}) => makeCertificate({ commonName: names[0]!, dnsNames: names, issuer: intermediate, ...options }),
  };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closer(server: net.Server, sockets: Set<{ destroy(): void }>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/**
 * Listens on 127.0.0.1 (a free port) and returns the port and a close() that also ends open
 * connections, so a test's server never outlives it. Every loopback fake goes through here.
 */
export async function serveOnLoopback(server: net.Server): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  const port = await listen(server);
  return { port, close: closer(server, sockets) };
}

/** An HTTPS server presenting leaf + intermediate; `date` overrides the Date header (clock-skew tests). */
export async function startHttpsServer(leaf: TestCa, chain: TestCa[], options: { date?: () => string; status?: number } = {}): Promise<RunningServer> {
  let hits = 0;
  const server = https.createServer({ key: leaf.keyPem, cert: [leaf.certPem, ...chain.map((c) => c.certPem)].join('') }, (req, res) => {
    hits++;
    res.sendDate = false;
    res.writeHead(options.status ?? 404, { date: options.date ? options.date() : new Date().toUTCString(), 'content-type': 'text/plain' });
    res.end('asr-ready test server\n');
  });
  return { ...(await serveOnLoopback(server)), hits: () => hits };
}

/** Accepts TCP and never answers: the TLS layer must end at its own time bound. */
export async function startSilentServer(): Promise<RunningServer> {
  let hits = 0;
  const server = net.createServer((s) => {
    hits++;
    s.on('error', () => {});
  });
  return { ...(await serveOnLoopback(server)), hits: () => hits };
}

/** Speaks only TLS 1.0 and 1.1. */
export async function startOldTlsServer(leaf: TestCa): Promise<RunningServer> {
  let hits = 0;
  const server = tls.createServer({ key: leaf.keyPem, cert: leaf.certPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => {
    hits++;
    s.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
  });
  server.on('connection', (s: net.Socket) => s.on('error', () => {}));
  server.on('tlsClientError', () => {});
  return { ...(await serveOnLoopback(server)), hits: () => hits };
}

/** A port with nothing listening: bind, note the port, close. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
