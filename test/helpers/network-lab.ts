// The CLI arguments of a loopback network lab: every Azure endpoint on port 443 sent to one local
// TLS server (unless a more specific --connect-to in `extra` comes first), every port-80 endpoint
// to a plain HTTP server, a fixed region, cache account and one extra Service Bus endpoint.
export const LAB_SERVICE_BUS = 'ns1.servicebus.windows.net';

export interface LabOptions {
  /** --checks value, e.g. 'network.,time.'. */
  checks: string;
  /** --trust-store: the lab's root CA bundle. */
  trustStore: string;
  /** Port of the plain HTTP server standing in for every port-80 endpoint. */
  http80Port: number;
}

export function labArgs(lab: LabOptions, port443: number, extra: readonly string[]): string[] {
  return [
    '--checks',
    lab.checks,
    '--json',
    '--trust-store',
    lab.trustStore,
    '--region',
    'eastus',
    '--cache-storage-account',
    'asrcache01',
    '--endpoint',
    LAB_SERVICE_BUS,
    ...extra,
    '--connect-to',
    `:443:127.0.0.1:${port443}`,
    '--connect-to',
    `:80:127.0.0.1:${lab.http80Port}`,
  ];
}
