import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeEndpoint, type ProbeTarget } from '../../src/net/probe';
import type { ConnectorOptions, ProxyRoute } from '../../src/net/connector';
import { parseConnectTo } from '../../src/net/connect-to';
import { DEFAULT_LAYER_TIMEOUTS } from '../../src/net/layers';
import { makePki, startHttpsServer, startOldTlsServer, startSilentServer, freePort, type Pki, type RunningServer } from '../helpers/servers';
import { HAVE_TINYPROXY, startTinyproxy, type RunningProxy } from '../helpers/tinyproxy';

const HOST = 'login.microsoftonline.com';
let pki: Pki;
let good: RunningServer;
let proxy: RunningProxy;
let authProxy: RunningProxy;

beforeAll(async () => {
  pki = makePki();
  good = await startHttpsServer(pki.leafFor([HOST]), [pki.intermediate]);
  if (HAVE_TINYPROXY) {
    proxy = await startTinyproxy();
    authProxy = await startTinyproxy({ basicAuth: { user: 'asr', password: 'S3cret-proxy-pass' } });
  }
});
afterAll(async () => {
  await good?.close();
  await proxy?.close();
  await authProxy?.close();
});

const target: ProbeTarget = {
  id: 'entra-id',
  catalogId: 'entra-id',
  group: 'Entra ID',
  purpose: 'test',
  host: HOST,
  port: 443,
  scheme: 'https',
  required: true,
  source: 'catalog',
  pattern: null,
  serviceTag: null,
  asrErrorCodes: [151196],
};

function options(port: number, extra: Partial<ConnectorOptions> = {}): ConnectorOptions {
  return {
    ca: [pki.root.certPem],
    trustSource: 'supplied',
    proxyFor: () => null,
    connectTo: [parseConnectTo(`${HOST}:443:127.0.0.1:${port}`)],
    timeouts: { ...DEFAULT_LAYER_TIMEOUTS, tlsMs: 800, tcpMs: 800, httpMs: 2000 },
    loopbackOnly: true,
    ...extra,
  };
}

const via =
  (p: RunningProxy): (() => ProxyRoute) =>
  () => ({ origin: p.url, hostname: '127.0.0.1', port: p.port });

describe('probeEndpoint', () => {
  it('records every layer of a good direct connection', async () => {
    const result = await probeEndpoint(target, options(good.port), 'asr-ready/test');
    expect(result.error).toBeNull();
    expect(result).toMatchObject({
      status: 'ok',
      failedLayer: null,
      address: '127.0.0.1',
      addressScope: 'loopback',
      connectTo: `${HOST}:443:127.0.0.1:${good.port}`,
    });
    expect(result.tls).toMatchObject({
      verified: true,
      version: 'TLSv1.3',
      servername: HOST,
      trustAnchor: { subject: expect.stringContaining('CN=asr-ready Test Root CA') },
    });
    expect(result.tls!.chain.map((c) => c.subject)).toEqual([
      expect.stringContaining(`CN=${HOST}`),
      expect.stringContaining('Issuing CA'),
      expect.stringContaining('CN=asr-ready Test Root CA,'),
    ]);
    expect(result.http).toMatchObject({ ok: true, status: 404 });
    expect(Date.parse(result.http!.date!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it.skipIf(!HAVE_TINYPROXY)('goes through a real proxy (tinyproxy) with CONNECT', async () => {
    const result = await probeEndpoint(target, options(good.port, { proxyFor: via(proxy) }), 'asr-ready/test');
    expect(result.error).toBeNull();
    expect(result).toMatchObject({ status: 'ok', viaProxy: proxy.url });
    expect(result.proxy).toMatchObject({ ok: true, status: 200 });
    expect(result.tls!.verified).toBe(true);
  });

  it.skipIf(!HAVE_TINYPROXY)('reports 407 from an authenticating proxy as the proxy layer', async () => {
    const result = await probeEndpoint(target, options(good.port, { proxyFor: via(authProxy) }), 'asr-ready/test');
    expect(result).toMatchObject({ status: 'failed', failedLayer: 'proxy' });
    expect(result.proxy).toMatchObject({ status: 407 });
    expect(result.error).toContain('Azure Site Recovery supports only unauthenticated proxies');
  });

  it('reports a dead proxy as the proxy layer', async () => {
    const dead = await freePort();
    const result = await probeEndpoint(
      target,
      options(good.port, { proxyFor: () => ({ origin: `http://127.0.0.1:${dead}`, hostname: '127.0.0.1', port: dead }) }),
      'asr-ready/test',
    );
    expect(result).toMatchObject({ status: 'failed', failedLayer: 'proxy' });
    expect(result.error).toMatch(/cannot reach the proxy at 127\.0\.0\.1:\d+: .*refused the connection/);
  });

  it('fails TLS for a chain the supplied store does not trust', async () => {
    const other = makePki('Some Other Root');
    const result = await probeEndpoint(target, options(good.port, { ca: [other.root.certPem] }), 'asr-ready/test');
    expect(result).toMatchObject({ status: 'failed', failedLayer: 'tls' });
    expect(result.tls).toMatchObject({ verified: false, verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
    expect(result.http).toBeNull();
  });

  it('ends a silent server at the TLS time bound, and an old-TLS server with the TLS 1.2 message', async () => {
    const silent = await startSilentServer();
    const old = await startOldTlsServer(pki.leafFor([HOST]));
    try {
      const started = Date.now();
      const hung = await probeEndpoint(target, options(silent.port), 'asr-ready/test');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(hung).toMatchObject({ failedLayer: 'tls' });
      expect(hung.error).toContain('no TLS handshake within 800 ms');
      const legacy = await probeEndpoint(target, options(old.port), 'asr-ready/test');
      expect(legacy).toMatchObject({ failedLayer: 'tls' });
      expect(legacy.error).toContain('does not offer TLS 1.2 or later');
    } finally {
      await silent.close();
      await old.close();
    }
  });

  it('names a refused port and an unresolvable name', async () => {
    const refused = await probeEndpoint(target, options(await freePort()), 'asr-ready/test');
    expect(refused).toMatchObject({ failedLayer: 'tcp', tcp: { outcome: 'refused' } });
    const unresolvable = await probeEndpoint({ ...target, host: 'nothing-here.invalid' }, options(good.port, { connectTo: [] }), 'asr-ready/test');
    expect(unresolvable).toMatchObject({ status: 'failed', failedLayer: 'dns', dns: { code: 'ENOTFOUND' } });
    const representative = await probeEndpoint(
      { ...target, host: 'nothing-here.invalid', source: 'representative' },
      options(good.port, { connectTo: [] }),
      'asr-ready/test',
    );
    expect(representative.status).toBe('unconfirmed');
  });
});
