// The endpoint-probe fact: plan the hosts, then probe them all concurrently through the guest's
// proxy and trust store. Probes stop a little before the run deadline, so their partial evidence
// ("stopped at the deadline while ...") reaches the report instead of a bare time-out.
import { setMaxListeners } from 'node:events';
import tls from 'node:tls';
import type { Platform } from '../core/check';
import { mapBounded } from '../core/bounded-map';
import { AZURE_ENDPOINTS, cloudFromImds, type Cloud } from '../catalog/azure-endpoints';
import { probeEndpoint, type EndpointResult, type ProbeTarget } from '../net/probe';
import type { ConnectorOptions, ProxyRoute } from '../net/connector';
import type { ConnectToRule } from '../net/connect-to';
import type { LayerTimeouts } from '../net/layers';
import type { TrustStoreFacts } from './trust-store';
import type { AzureMetadataFacts } from './azure-metadata';
import type { ProxySettings } from './proxy/read-proxy-settings';
import type { MobilityConfigFacts } from './mobility-config';
import { bypassesProxy } from './proxy/bypass';
import { planEndpoints } from './endpoint-plan';
import { trustAnchorsFor, type TrustAnchors } from './trust-anchors';

/**
 * Probes in flight at once. A probe is a few sockets and timers, and the TLS context is shared, so
 * every planned endpoint starts at once (the plan is tens of hosts; 512 measured in npm run bench).
 * Name lookups are bounded separately, by the resolver's thread pool (src/net/dns-lookup.ts).
 */
export const PROBE_CONCURRENCY = 512;

export interface NetworkOptions {
  cloud: Cloud | null;
  region: string | null;
  cacheStorageAccounts: string[];
  extraEndpoints: Array<{ host: string; port: number }>;
  connectTo: ConnectToRule[];
  timeouts: LayerTimeouts;
  loopbackOnly: boolean;
  userAgent: string;
}

export interface EndpointProbeFacts {
  cloud: Cloud;
  cloudSource: string;
  region: string | null;
  regionSource: string;
  trustSource: ConnectorOptions['trustSource'];
  trustNote: string | null;
  results: EndpointResult[];
}

export interface ProbeInputs {
  platform: Platform;
  /** Pending while it is read: probes resolve and connect meanwhile, and only TLS waits for it. */
  trustStore: TrustStoreFacts | null | Promise<TrustStoreFacts | null>;
  proxy: ProxySettings;
  metadata: AzureMetadataFacts;
  mobility: MobilityConfigFacts;
}

export async function probeEndpoints(inputs: ProbeInputs, options: NetworkOptions, signal: AbortSignal): Promise<EndpointProbeFacts> {
  const imdsCloud = cloudFromImds(inputs.metadata.compute?.azEnvironment);
  const cloud = options.cloud ?? imdsCloud ?? 'AzureCloud';
  const cloudSource = options.cloud ? '--cloud' : imdsCloud ? 'IMDS compute.azEnvironment' : 'default (not known from IMDS)';
  const imdsRegion = inputs.metadata.compute?.location || null;
  const region = options.region ?? imdsRegion;
  const regionSource = options.region ? '--region' : imdsRegion ? 'IMDS compute.location' : 'unknown';

  const plan = planEndpoints(AZURE_ENDPOINTS, {
    cloud, region, platform: inputs.platform, cacheStorageAccounts: options.cacheStorageAccounts,
    extraEndpoints: options.extraEndpoints, mobilityHosts: inputs.mobility.hosts,
  });
  const anchorsRead = Promise.resolve(inputs.trustStore).then(trustAnchorsFor);
  const connector: ConnectorOptions = {
    ...connectorOptionsFor({ ca: null, source: 'node-bundled', note: null }, inputs.proxy, options),
    pendingTrust: anchorsRead.then((anchors) => {
      const { ca, trustSource } = connectorOptionsFor(anchors, inputs.proxy, options);
      return { ca, trustSource };
    }),
  };
  // Every probe and layer listens on this one signal; that is by design, not a leak.
  setMaxListeners(PROBE_CONCURRENCY * 16, signal);
  const probed = await mapBounded(plan.targets, PROBE_CONCURRENCY, (t) =>
    signal.aborted ? Promise.resolve(notProbed(t, 'not probed: the run stopped (deadline or signal) before this probe could start')) : probeEndpoint(t, connector, options.userAgent, signal),
  );
  const unresolved: EndpointResult[] = plan.unresolved.map(({ reason, ...t }) => notProbed(t, reason));
  const anchors = await anchorsRead;
  const { trustSource } = await connector.pendingTrust!;
  return { cloud, cloudSource, region, regionSource, trustSource, trustNote: anchors.note, results: [...probed, ...unresolved] };
}

/**
 * The connector every outbound HTTPS call uses, probes and report uploads alike: the guest's OS
 * roots (plus any extra CA the caller trusts), the guest's proxy and its bypass list, --connect-to.
 */
export function connectorOptionsFor(
  anchors: TrustAnchors,
  proxy: ProxySettings,
  options: Pick<NetworkOptions, 'connectTo' | 'timeouts' | 'loopbackOnly'>,
  extraCa: string[] = [],
): ConnectorOptions {
  const effective = proxy.effective;
  const route: ProxyRoute | null = effective ? { origin: effective.origin, hostname: effective.hostname, port: effective.port } : null;
  return {
    ca: anchors.ca === null ? (extraCa.length ? [...tls.rootCertificates, ...extraCa] : null) : [...anchors.ca, ...extraCa],
    trustSource: anchors.source,
    proxyFor: (host) => (route && !bypassesProxy(host, proxy.bypass) ? route : null),
    connectTo: options.connectTo,
    timeouts: options.timeouts,
    loopbackOnly: options.loopbackOnly,
  };
}

/** An endpoints[] entry for a target that was planned but not dialled: unconfirmed, with the reason. */
function notProbed(target: ProbeTarget, reason: string): EndpointResult {
  return {
    ...target, status: 'unconfirmed', failedLayer: null, error: reason, address: null, addressScope: null, viaProxy: null, connectTo: null,
    timings: { dnsMs: null, tcpMs: null, proxyMs: null, tlsMs: null, httpMs: null, totalMs: 0 },
    dns: null, tcp: null, proxy: null, tls: null, http: null,
  };
}
