// The guest client (src/net/guest-client.ts): one factory for every HTTPS call and for IMDS.
// Against loopback TLS servers signed by a CA made here: the guest's roots, the extra CA
// (--report-ca-file), roots still being read, the proxy and its bypass list, --connect-to, and
// IMDS going direct (never through the proxy) with the loopback-only refusal.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuestClient, type GuestClientInputs, type GuestTrust } from '../../src/net/guest-client';
import { closeWithin } from '../../src/net/dispatcher';
import { parseConnectTo } from '../../src/net/connect-to';
import { DEFAULT_LAYER_TIMEOUTS } from '../../src/net/layers';
import type { ConnectionTrace } from '../../src/net/trace';
import { makePki, serveOnLoopback, startHttpsServer, type Pki, type RunningServer } from '../helpers/servers';

const HOST = 'login.microsoftonline.com';
const BYPASSED = 'collector.contoso.internal';
let pki: Pki;
let server: RunningServer;
let proxy: { port: number; tunnels: string[]; close: () => Promise<void> };
let imds: { url: string; requests: Array<{ path: string; metadata: string | undefined }>; close: () => Promise<void> };

/** A minimal HTTP CONNECT proxy on loopback that records each tunnel's target and relays to 127.0.0.1. */
async function startConnectProxy(): Promise<typeof proxy> {
  const tunnels: string[] = [];
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    tunnels.push(req.url ?? '');
    const port = Number((req.url ?? '').split(':').at(-1));
    const upstream = net.connect({ host: '127.0.0.1', port }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { ...(await serveOnLoopback(server)), tunnels };
}

async function startImds(): Promise<typeof imds> {
  const requests: typeof imds.requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', metadata: req.headers.metadata as string | undefined });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ compute: { location: 'westeurope' } }));
  });
  const running = await serveOnLoopback(server);
  return { url: `http://127.0.0.1:${running.port}`, requests, close: running.close };
}

beforeAll(async () => {
  pki = makePki('Guest Client Root');
  server = await startHttpsServer(pki.leafFor([HOST, BYPASSED]), [pki.intermediate]);
  proxy = await startConnectProxy();
  imds = await startImds();
});
afterAll(async () => {
  await server?.close();
  await proxy?.close();
  await imds?.close();
});

function inputs(extra: Partial<GuestClientInputs> = {}): GuestClientInputs {
  return {
    trust: { ca: [pki.root.certPem], source: 'supplied' },
    proxy: null,
    connectTo: [parseConnectTo(`::127.0.0.1:${server.port}`)],
    timeouts: { ...DEFAULT_LAYER_TIMEOUTS, tcpMs: 1_000, tlsMs: 2_000, httpMs: 3_000 },
    loopbackOnly: true,
    ...extra,
  };
}

/** GET https://host/ through a new dispatcher of the client: the status (or the error) and the connection's trace. */
async function get(
  client: ReturnType<typeof createGuestClient>,
  host = HOST,
): Promise<{ status: number | null; error: string | null; trace: ConnectionTrace | null }> {
  let trace: ConnectionTrace | null = null;
  const dispatcher = client.dispatcher((t) => (trace = t));
  try {
    const response = await request(`https://${host}/`, { dispatcher, headers: { connection: 'close' } });
    await response.body.dump();
    return { status: response.statusCode, error: null, trace };
  } catch (err) {
    return { status: null, error: (err as Error).message, trace };
  } finally {
    await closeWithin(dispatcher, 1_000);
  }
}

describe('createGuestClient: HTTPS', () => {
  it('verifies with the guest roots it is given, through --connect-to, and hands each connection trace out', async () => {
    const result = await get(createGuestClient(inputs()));
    expect(result.status).toBe(404);
    expect(result.trace).toMatchObject({
      failedLayer: null,
      tcp: { address: '127.0.0.1', port: server.port },
      tls: { verified: true, servername: HOST, trustSource: 'supplied' },
    });
  });

  it('fails TLS when the guest roots lack the CA, and passes once the extra CA (--report-ca-file) adds it', async () => {
    const guestOnly: GuestTrust = { ca: [makePki('Unrelated Root').root.certPem], source: 'os' };
    const refused = await get(createGuestClient(inputs({ trust: guestOnly })));
    expect(refused.status).toBeNull();
    expect(refused.trace).toMatchObject({ failedLayer: 'tls', tls: { verified: false, trustSource: 'os' } });
    const withExtra = createGuestClient(inputs({ trust: guestOnly, extraCa: [pki.root.certPem] }));
    expect(withExtra.connector.ca).toEqual([...guestOnly.ca!, pki.root.certPem]);
    expect((await get(withExtra)).status).toBe(404);
  });

  it("adds the extra CA to Node's bundle where the guest store could not be read, and leaves the bundle alone without one", async () => {
    const bundled: GuestTrust = { ca: null, source: 'node-bundled' };
    expect(createGuestClient(inputs({ trust: bundled })).connector.ca).toBeNull();
    const client = createGuestClient(inputs({ trust: bundled, extraCa: [pki.root.certPem] }));
    expect(client.connector.ca).toEqual([...tls.rootCertificates, pki.root.certPem]);
    expect(client.connector.trustSource).toBe('node-bundled');
    expect((await get(client)).status).toBe(404);
  });

  it('connects while the roots are still being read, and only TLS waits for them', async () => {
    let give!: (trust: GuestTrust) => void;
    const pending = new Promise<GuestTrust>((resolve) => (give = resolve));
    const client = createGuestClient(inputs({ trust: pending, extraCa: [] }));
    expect(client.connector.pendingTrust).toBeDefined();
    let trace: ConnectionTrace | null = null;
    const dispatcher = client.dispatcher((t) => (trace = t));
    try {
      const answer = request(`https://${HOST}/`, { dispatcher, headers: { connection: 'close' } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(trace).toMatchObject({ tcp: { ok: true } }); // TCP is open, TLS has not started
      expect(trace!.tls).toBeUndefined();
      give({ ca: [pki.root.certPem], source: 'supplied' });
      const response = await answer;
      await response.body.dump();
      expect(response.statusCode).toBe(404);
      expect(trace).toMatchObject({ tls: { verified: true, trustSource: 'supplied' } });
      expect(await client.trust()).toEqual({ ca: [pki.root.certPem], trustSource: 'supplied' });
    } finally {
      await closeWithin(dispatcher, 1_000);
    }
  });

  it("goes through the guest's proxy, except for the hosts its bypass list names", async () => {
    const route = { origin: `http://127.0.0.1:${proxy.port}`, hostname: '127.0.0.1', port: proxy.port };
    const client = createGuestClient(inputs({ proxy: { route, bypasses: (host) => host === BYPASSED } }));
    expect(client.connector.proxyFor(HOST)).toEqual(route);
    expect(client.connector.proxyFor(BYPASSED)).toBeNull();
    const before = proxy.tunnels.length;
    const proxied = await get(client, HOST);
    expect(proxied.status).toBe(404);
    expect(proxied.trace).toMatchObject({ proxy: { ok: true, status: 200, proxy: route.origin }, tls: { verified: true } });
    const direct = await get(client, BYPASSED);
    expect(direct.status).toBe(404);
    expect(direct.trace!.proxy).toBeUndefined();
    // One tunnel, to the --connect-to target of the proxied host only.
    expect(proxy.tunnels.slice(before)).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('refuses a non-loopback address when loopback-only, at the TCP layer', async () => {
    const result = await get(createGuestClient(inputs({ connectTo: [parseConnectTo(`::192.0.2.10:443`)] })));
    expect(result.status).toBeNull();
    expect(result.trace).toMatchObject({ failedLayer: 'tcp', tcp: { outcome: 'blocked', code: 'ELOOPBACKONLY' } });
  });
});

describe('createGuestClient: IMDS', () => {
  it('goes direct to IMDS with Metadata: true, never through the proxy or --connect-to', async () => {
    const route = { origin: `http://127.0.0.1:${proxy.port}`, hostname: '127.0.0.1', port: proxy.port };
    const client = createGuestClient(inputs({ proxy: { route, bypasses: () => false } }));
    const before = proxy.tunnels.length;
    const answer = await client.imds.get(`${imds.url}/metadata/instance?api-version=2021-12-13`, 2_000);
    expect(answer).toEqual({ status: 200, body: { compute: { location: 'westeurope' } } });
    expect(imds.requests.at(-1)).toEqual({ path: '/metadata/instance?api-version=2021-12-13', metadata: 'true' });
    expect(proxy.tunnels.length).toBe(before);
  });

  it('refuses a non-loopback IMDS when loopback-only, without a connection; allows it otherwise', async () => {
    const client = createGuestClient(inputs());
    expect(client.imds.refusal('http://169.254.169.254')).toBe('not contacting http://169.254.169.254: ASR_READY_LOOPBACK_ONLY is set');
    expect(client.imds.refusal('http://[::1]:8080/metadata')).toBeNull();
    await expect(client.imds.get('http://169.254.169.254/metadata/instance', 2_000)).rejects.toMatchObject({
      code: 'ELOOPBACKONLY',
      message: 'not contacting http://169.254.169.254: ASR_READY_LOOPBACK_ONLY is set',
    });
    expect(createGuestClient(inputs({ loopbackOnly: false })).imds.refusal('http://169.254.169.254')).toBeNull();
  });
});
