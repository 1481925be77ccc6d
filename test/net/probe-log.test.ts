// The probe's debug events: its start, each layer it reached (layerOutcomes of the trace) and its
// end, through the log it is given; none without one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeEndpoint, type ProbeTarget } from '../../src/net/probe';
import type { ConnectorOptions } from '../../src/net/connector';
import { parseConnectTo } from '../../src/net/connect-to';
import { DEFAULT_LAYER_TIMEOUTS } from '../../src/net/layers';
import { layerOutcomes, newTrace } from '../../src/net/trace';
import type { EventLog } from '../../src/core/log';
import { makePki, startHttpsServer, freePort, type Pki, type RunningServer } from '../helpers/servers';

const HOST = 'login.microsoftonline.com';
let pki: Pki;
let good: RunningServer;

beforeAll(async () => {
  pki = makePki();
  good = await startHttpsServer(pki.leafFor([HOST]), [pki.intermediate]);
});
afterAll(() => good?.close());

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
  asrErrorCodes: [],
};

function options(port: number): ConnectorOptions {
  return {
    ca: [pki.root.certPem],
    trustSource: 'supplied',
    proxyFor: () => null,
    connectTo: [parseConnectTo(`${HOST}:443:127.0.0.1:${port}`)],
    timeouts: { ...DEFAULT_LAYER_TIMEOUTS, tlsMs: 800, tcpMs: 800, httpMs: 2000 },
    loopbackOnly: true,
  };
}

function capture(): EventLog & { events: Array<Record<string, unknown> & { msg: string }> } {
  const events: Array<Record<string, unknown> & { msg: string }> = [];
  const push = (e: object, msg: string) => events.push({ ...e, msg });
  return { events, debug: push, info: push, warn: push };
}

describe('probe events', () => {
  it('a good direct connection: started, dns, tcp, tls, http, finished', async () => {
    const log = capture();
    await probeEndpoint(target, options(good.port), 'asr-ready/test', undefined, log);
    expect(log.events.map((e) => [e.msg, e.layer ?? null])).toEqual([
      ['probe started', null],
      ['probe layer', 'dns'],
      ['probe layer', 'tcp'],
      ['probe layer', 'tls'],
      ['probe layer', 'http'],
      ['probe finished', null],
    ]);
    expect(log.events[1]).toMatchObject({ host: HOST, port: 443, peer: '127.0.0.1', ok: true, code: null });
    expect(log.events[2]).toMatchObject({ peer: `127.0.0.1:${good.port}`, ok: true, ms: expect.any(Number) });
    expect(log.events[3]).toMatchObject({ peer: HOST, ok: true });
    expect(log.events[4]).toMatchObject({ status: 404, ok: true });
    expect(log.events[5]).toMatchObject({ host: HOST, port: 443, status: 'ok', failedLayer: null, ms: expect.any(Number) });
  });

  it("a refused connection: the tcp layer fails with its code and the evidence's words, and nothing after it", async () => {
    const log = capture();
    await probeEndpoint(target, options(await freePort()), 'asr-ready/test', undefined, log);
    const layers = log.events.filter((e) => e.msg === 'probe layer');
    expect(layers.map((e) => [e.layer, e.ok, e.code])).toEqual([
      ['dns', true, null],
      ['tcp', false, 'ECONNREFUSED'],
    ]);
    expect(layers[1]!.error).toMatch(/refused the connection/);
    expect(log.events.at(-1)).toMatchObject({ msg: 'probe finished', status: 'failed', failedLayer: 'tcp' });
  });

  it('logs nothing without a log (the default)', async () => {
    await expect(probeEndpoint(target, options(good.port), 'asr-ready/test')).resolves.toMatchObject({ status: 'ok' });
  });
});

describe('layerOutcomes', () => {
  it("puts the proxy's own lookup first, names the proxy without credentials, and codes a refused CONNECT by its status", () => {
    const trace = {
      ...newTrace(),
      failedLayer: 'proxy' as const,
      proxyDns: {
        host: 'proxy.corp',
        ok: true,
        ms: 3,
        queuedMs: 0,
        addresses: [{ address: '10.0.0.5', family: 4, scope: 'private' }],
        code: null,
        error: null,
      },
      tcp: { address: '10.0.0.5', port: 3128, ok: true, ms: 2, outcome: 'connected' as const, code: null, error: null },
      proxy: { proxy: 'http://proxy.corp:3128', ok: false, ms: 9, status: 407, error: 'the proxy requires authentication (407)' },
    };
    expect(layerOutcomes(trace)).toEqual([
      { layer: 'dns', peer: 'proxy.corp', of: 'proxy', ok: true, ms: 3, code: null },
      { layer: 'tcp', peer: '10.0.0.5:3128', ok: true, ms: 2, code: null },
      { layer: 'proxy', peer: 'http://proxy.corp:3128', status: 407, ok: false, ms: 9, code: 'HTTP_407', error: 'the proxy requires authentication (407)' },
    ]);
  });

  it('is empty for a connection that reached no layer', () => {
    expect(layerOutcomes(newTrace())).toEqual([]);
  });
});
