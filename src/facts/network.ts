// The endpoint-probe fact: plan the hosts, then probe them all concurrently through the guest's
// proxy and trust store. Probes stop a little before the run deadline, so their partial evidence
// ("stopped at the deadline while ...") reaches the report instead of a bare time-out.
import { setMaxListeners } from 'node:events';
import type { Platform } from '../core/check';
import { mapBounded } from '../core/bounded-map';
import { AZURE_ENDPOINTS, cloudFromImds, type Cloud } from '../catalog/azure-endpoints';
import { probeEndpoint, type EndpointResult, type ProbeTarget } from '../net/probe';
import type { ConnectorOptions } from '../net/connector';
import { createGuestClient, type GuestClientInputs } from '../net/guest-client';
import type { ConnectToRule } from '../net/connect-to';
import type { LayerTimeouts } from '../net/layers';
import type { EventLog } from '../core/log';
import type { Progress } from '../core/progress';
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
  /** Each probe's layers, at debug. */
  log?: EventLog;
  /** "probing endpoints: k of N" as probes finish. */
  progress?: Progress;
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
    cloud,
    region,
    platform: inputs.platform,
    cacheStorageAccounts: options.cacheStorageAccounts,
    extraEndpoints: options.extraEndpoints,
    mobilityHosts: inputs.mobility.hosts,
  });
  const anchorsRead = Promise.resolve(inputs.trustStore).then(trustAnchorsFor);
  // The roots are still being read: probes resolve, connect and tunnel meanwhile; only TLS waits.
  const client = createGuestClient(guestClientInputsFor(anchorsRead, inputs.proxy, options));
  // Every probe and layer listens on this one signal; that is by design, not a leak.
  setMaxListeners(PROBE_CONCURRENCY * 16, signal);
  let done = 0;
  const probed = await mapBounded(plan.targets, PROBE_CONCURRENCY, (t) =>
    (signal.aborted
      ? Promise.resolve(notProbed(t, 'not probed: the run stopped (deadline or signal) before this probe could start'))
      : probeEndpoint(t, client.connector, options.userAgent, signal, options.log)
    ).finally(() => options.progress?.count('probing endpoints', ++done, plan.targets.length)),
  );
  const unresolved: EndpointResult[] = plan.unresolved.map(({ reason, ...t }) => notProbed(t, reason));
  const anchors = await anchorsRead;
  const { trustSource } = await client.trust();
  return { cloud, cloudSource, region, regionSource, trustSource, trustNote: anchors.note, results: [...probed, ...unresolved] };
}

/**
 * What the guest client (src/net/guest-client.ts) is built from, for every outbound call, probes
 * and report uploads alike: the guest's OS roots (or the promise of them, while the trust store is
 * read; plus any extra CA the caller trusts), the guest's proxy and its bypass list, --connect-to.
 */
export function guestClientInputsFor(
  anchors: TrustAnchors | Promise<TrustAnchors>,
  proxy: ProxySettings,
  options: Pick<NetworkOptions, 'connectTo' | 'timeouts' | 'loopbackOnly'>,
  extraCa: readonly string[] = [],
): GuestClientInputs {
  const effective = proxy.effective;
  return {
    trust: anchors,
    extraCa,
    proxy: effective
      ? {
          route: { origin: effective.origin, hostname: effective.hostname, port: effective.port },
          bypasses: (host, port) => bypassesProxy(host, proxy.bypass, port) !== null,
        }
      : null,
    connectTo: options.connectTo,
    timeouts: options.timeouts,
    loopbackOnly: options.loopbackOnly,
  };
}

/** The guest client's connector for these facts (what probes dial with). */
export function connectorOptionsFor(
  anchors: TrustAnchors,
  proxy: ProxySettings,
  options: Pick<NetworkOptions, 'connectTo' | 'timeouts' | 'loopbackOnly'>,
  extraCa: string[] = [],
): ConnectorOptions {
  return createGuestClient(guestClientInputsFor(anchors, proxy, options, extraCa)).connector;
}

/** An endpoints[] entry for a target that was planned but not dialled: unconfirmed, with the reason. */
function notProbed(target: ProbeTarget, reason: string): EndpointResult {
  return {
    ...target,
    status: 'unconfirmed',
    failedLayer: null,
    error: reason,
    address: null,
    addressScope: null,
    viaProxy: null,
    connectTo: null,
    timings: { dnsMs: null, tcpMs: null, proxyMs: null, tlsMs: null, httpMs: null, totalMs: 0 },
    dns: null,
    tcp: null,
    proxy: null,
    tls: null,
    http: null,
  };
}
