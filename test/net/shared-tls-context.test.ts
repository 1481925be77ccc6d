// One TLS secure context per trust store: building one parses every root (tens of ms of main-thread
// CPU for a real store), so probes and report uploads share it instead of building one per connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secureContextFor, secureContextsBuilt } from '../../src/net/secure-context';
import { probeEndpoint, type ProbeTarget } from '../../src/net/probe';
import { parseConnectTo } from '../../src/net/connect-to';
import { DEFAULT_LAYER_TIMEOUTS } from '../../src/net/layers';
import { connectorOptionsFor } from '../../src/facts/network';
import { makePki, startHttpsServer, type Pki, type RunningServer } from '../helpers/servers';
import { debianBundleText } from '../helpers/roots';

const HOSTS = ['login.microsoftonline.com', 'a.blob.core.windows.net', 'b.servicebus.windows.net'];
let pki: Pki;
let server: RunningServer;

beforeAll(async () => {
  pki = makePki('Shared Context Root');
  server = await startHttpsServer(pki.leafFor(HOSTS), [pki.intermediate]);
});
afterAll(() => server?.close());

const blocks = () => debianBundleText().match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;

describe('secureContextFor', () => {
  it('builds one context per distinct set of roots, whichever array carries them', () => {
    const roots = [...blocks(), pki.root.certPem];
    const before = secureContextsBuilt();
    const first = secureContextFor(roots);
    expect(secureContextFor(roots)).toBe(first);
    expect(secureContextFor([...roots])).toBe(first); // same content, another array (connectorOptionsFor copies)
    expect(secureContextsBuilt() - before).toBe(1);
    const other = secureContextFor(roots.slice(1));
    expect(other).not.toBe(first);
    expect(secureContextsBuilt() - before).toBe(2);
    expect(secureContextFor(null)).toBe(secureContextFor(null));
  });

  it('probes and report uploads through connectorOptionsFor share one context: many probes, one build', async () => {
    const anchors = { ca: [...blocks(), pki.root.certPem, `${pki.root.certPem}\n`], source: 'supplied' as const, note: null };
    const proxy = { effective: null, bypass: [] } as unknown as Parameters<typeof connectorOptionsFor>[1];
    const network = { connectTo: [parseConnectTo(`:443:127.0.0.1:${server.port}`)], timeouts: DEFAULT_LAYER_TIMEOUTS, loopbackOnly: true };
    const before = secureContextsBuilt();
    const probes = connectorOptionsFor(anchors, proxy, network);
    const uploads = connectorOptionsFor(anchors, proxy, network); // deliver-report.ts builds its own options from the same anchors
    const target = (host: string): ProbeTarget => ({
      id: host,
      catalogId: null,
      group: 'test',
      purpose: 'test',
      host,
      port: 443,
      scheme: 'https',
      required: true,
      source: 'catalog',
      pattern: null,
      serviceTag: null,
      asrErrorCodes: [],
    });
    const results = await Promise.all([...HOSTS, ...HOSTS].map((h, i) => probeEndpoint(target(h), i % 2 ? uploads : probes, 'asr-ready/test')));
    expect(results.map((r) => [r.status, r.tls?.verified])).toEqual(Array(6).fill(['ok', true]));
    expect(secureContextsBuilt() - before).toBe(1);
  });
});
