// Endpoint probe results for the checks judged from the probes: a result that reached its host, changed
// as each test needs, and the probe facts that hold them.
import type { EndpointProbeFacts } from '../../../src/facts/network';
import type { EndpointResult } from '../../../src/net/probe';

export function result(host: string, extra: Partial<EndpointResult> = {}): EndpointResult {
  return {
    id: host,
    catalogId: 'entra-id',
    group: 'Entra ID',
    purpose: 'p',
    host,
    port: 443,
    scheme: 'https',
    required: true,
    source: 'catalog',
    pattern: null,
    serviceTag: null,
    asrErrorCodes: [151196],
    status: 'ok',
    failedLayer: null,
    error: null,
    address: '127.0.0.1',
    addressScope: 'loopback',
    viaProxy: null,
    connectTo: null,
    timings: { dnsMs: 1, tcpMs: 1, proxyMs: null, tlsMs: 1, httpMs: 1, totalMs: 4 },
    dns: null,
    tcp: null,
    proxy: null,
    tls: null,
    http: null,
    ...extra,
  };
}

/** The probe facts holding these results. */
export const facts = (results: EndpointResult[]): EndpointProbeFacts => ({
  cloud: 'AzureCloud',
  cloudSource: 'x',
  region: null,
  regionSource: 'x',
  trustSource: 'os',
  trustNote: null,
  results,
});
