// The control-plane fact as Facts gathers it: the guest client (the guest's trust store plus
// --arm-ca-file, the guest's proxy, --connect-to, loopback-only in tests) is built only once ARM is
// to be contacted, the reads stop a little before the run deadline (so what was read reaches the
// checks instead of a bare time-out), and the client's connections are closed within a bound.
import { setMaxListeners } from 'node:events';
import type { EventLog } from '../../core/log';
import { linkedSignal } from '../../net/abort';
import { closeWithin } from '../../net/dispatcher';
import { createGuestClient, type GuestClient } from '../../net/guest-client';
import { imdsAccess } from '../../net/imds-get';
import type { TokenProvider } from '../../net/tokens';
import type { Dispatcher } from 'undici';
import type { AzureMetadataFacts } from '../azure-metadata';
import { guestClientInputsFor, type NetworkOptions } from '../network';
import type { ProxySettings } from '../proxy/read-proxy-settings';
import { trustAnchorsFor } from '../trust-anchors';
import type { TrustStoreFacts } from '../trust-store';
import { readControlPlane, type ControlPlaneAuth } from './read-control-plane';
import type { ControlPlaneFacts } from './types';

export type { ControlPlaneAuth };

/** The control-plane options (src/cli/args.ts: --target-region, --arm-endpoint, --arm-ca-file; the delivery options' identity). */
export interface ControlPlaneOptions {
  /** --target-region, normalised ("westus2"), or null. */
  targetRegion: string | null;
  /** --arm-endpoint (https://), or null for the cloud's. */
  armEndpoint: string | null;
  /** --arm-ca-file: PEM roots trusted for ARM on top of the guest's. */
  armCa: readonly string[];
  /** The identity: the managed identity (--identity-client-id for a user-assigned one) or the service principal. */
  auth: ControlPlaneAuth;
  /** Tests: tokens from here instead of IMDS or Entra ID. */
  tokens?: TokenProvider;
}

export interface ControlPlaneSources {
  metadata: () => Promise<AzureMetadataFacts>;
  trustStore: () => Promise<TrustStoreFacts>;
  proxy: () => Promise<ProxySettings>;
}

export interface ControlPlaneSettings {
  options: ControlPlaneOptions | undefined;
  network: NetworkOptions;
  /** The run deadline (ms since epoch). */
  deadlineAt: number;
  /** This fact's own bound (ms), as Facts gives it. */
  boundMs: number;
  log?: EventLog;
}

/** The reads stop this long before the run deadline and the fact's bound, to leave time to judge. */
export const CONTROL_PLANE_MARGIN_MS = 1_500;
const CLOSE_BOUND_MS = 1_000;

export const DEFAULT_CONTROL_PLANE_OPTIONS: ControlPlaneOptions = {
  targetRegion: null,
  armEndpoint: null,
  armCa: [],
  auth: { kind: 'managed-identity', clientId: null },
};

export async function gatherControlPlane(sources: ControlPlaneSources, settings: ControlPlaneSettings, signal: AbortSignal): Promise<ControlPlaneFacts> {
  const options = settings.options ?? DEFAULT_CONTROL_PLANE_OPTIONS;
  const metadata = await sources.metadata();
  const stopAt = Math.min(settings.deadlineAt, Date.now() + settings.boundMs) - CONTROL_PLANE_MARGIN_MS;
  const stop = linkedSignal([signal], stopAt - Date.now(), () => new Error('the control-plane reads stopped shortly before the deadline'));
  // Every request, wait and queued read listens on this one signal; that is by design, not a leak.
  setMaxListeners(256, stop.signal);
  let client: GuestClient | null = null;
  let dispatcher: Dispatcher | null = null;
  const guestClient = async () => {
    // The roots are awaited only by TLS; the proxy decides the route, so it is read first.
    const anchors = sources.trustStore().then(trustAnchorsFor, () => trustAnchorsFor(null));
    const proxy = await sources.proxy();
    return createGuestClient(guestClientInputsFor(anchors, proxy, settings.network, options.armCa));
  };
  try {
    // Without Azure (or --arm-endpoint) nothing is contacted, so no client is built either.
    const needsClient = metadata.onAzure === true || metadata.ok || options.armEndpoint !== null;
    client = needsClient ? await guestClient() : null;
    // Without a client readControlPlane stops at its gate, before IMDS; this access is never used then.
    const imds = client?.imds ?? imdsAccess(settings.network.loopbackOnly);
    return await readControlPlane({
      metadata,
      imds,
      dispatcher: () => (dispatcher ??= client!.dispatcher(undefined, stop.signal)),
      auth: options.auth,
      tokens: options.tokens,
      cloud: settings.network.cloud,
      armEndpoint: options.armEndpoint,
      sourceRegion: settings.network.region,
      targetRegion: options.targetRegion,
      cacheStorageAccounts: settings.network.cacheStorageAccounts,
      deadlineAt: stopAt,
      userAgent: settings.network.userAgent,
      log: settings.log,
      signal: stop.signal,
    });
  } finally {
    stop.dispose();
    if (dispatcher) await closeWithin(dispatcher, CLOSE_BOUND_MS, signal);
  }
}
