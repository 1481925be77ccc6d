// The guest's HTTP client, built in one place: every HTTPS call the agent makes (the endpoint
// probes, the collector, Logs Ingestion, the Entra token endpoint, ARM) dials through one
// connector with the guest's trust store (plus --report-ca-file), the guest's proxy and its bypass
// list, --connect-to and the layer time-outs; IMDS is offered beside it, direct, never proxied.
// Inputs are plain values: the facts layer turns what it read (trust store, proxy settings) into
// them (src/facts/network.ts).
import tls from 'node:tls';
import type { Agent } from 'undici';
import type { ConnectorOptions, ProxyRoute } from './connector';
import type { ConnectToRule } from './connect-to';
import type { LayerTimeouts } from './layers';
import type { ConnectionTrace, TlsEvidence } from './trace';
import { createDispatcher } from './dispatcher';
import { imdsAccess, type ImdsAccess } from './imds-get';

/** The roots TLS verifies with. */
export interface GuestTrust {
  /** PEM roots: the guest's OS store; null = Node's bundle (only where the OS store cannot be read). */
  ca: string[] | null;
  source: TlsEvidence['trustSource'];
}

/** The guest's effective proxy, and the hosts its bypass list sends direct. */
export interface GuestProxy {
  route: ProxyRoute;
  bypasses: (host: string, port?: number) => boolean;
}

export interface GuestClientInputs {
  /**
   * The guest's roots, or the promise of them while the trust store is still being read: then only
   * the TLS layer waits for them, and DNS, TCP and the proxy go ahead.
   */
  trust: GuestTrust | Promise<GuestTrust>;
  /** Roots trusted on top of the guest's (--report-ca-file); none for the probes. */
  extraCa?: readonly string[];
  /** null: no proxy, every connection goes direct. */
  proxy: GuestProxy | null;
  connectTo: readonly ConnectToRule[];
  timeouts: LayerTimeouts;
  /** Refuse anything but loopback (tests and labs: ASR_READY_LOOPBACK_ONLY=1); IMDS included. */
  loopbackOnly: boolean;
}

export interface GuestClient {
  /** What every connection dials with (probes take it as is: src/net/probe.ts). */
  readonly connector: ConnectorOptions;
  /** The roots connections verify with, once read (extra CA included). */
  trust(): Promise<Pick<ConnectorOptions, 'ca' | 'trustSource'>>;
  /**
   * A new undici dispatcher over the connector, for HTTPS calls; onTrace is given each connection's
   * trace as it opens, and signal stops connections still opening. The caller closes it
   * (closeWithin in ./dispatcher).
   */
  dispatcher(onTrace?: (trace: ConnectionTrace) => void, signal?: AbortSignal): Agent;
  /** IMDS: plain HTTP on a socket of its own, never the proxy nor --connect-to; loopback only when asked. */
  readonly imds: ImdsAccess;
}

export function createGuestClient(inputs: GuestClientInputs): GuestClient {
  const connector = connectorFor(inputs);
  const settled = connector.pendingTrust ?? Promise.resolve({ ca: connector.ca, trustSource: connector.trustSource });
  const imds = imdsAccess(inputs.loopbackOnly);
  return {
    connector,
    trust: () => settled,
    dispatcher: (onTrace, signal) => createDispatcher(connector, onTrace, signal),
    imds,
  };
}

function connectorFor(inputs: GuestClientInputs): ConnectorOptions {
  const extraCa = inputs.extraCa ?? [];
  const proxy = inputs.proxy;
  const common = {
    proxyFor: (host: string, port?: number) => (proxy && !proxy.bypasses(host, port) ? proxy.route : null),
    connectTo: inputs.connectTo,
    timeouts: inputs.timeouts,
    loopbackOnly: inputs.loopbackOnly,
  };
  if (inputs.trust instanceof Promise) {
    // Placeholders until the roots are read: only the TLS layer reads ca and trustSource, and it waits for pendingTrust.
    return {
      ...common,
      ...withExtraCa({ ca: null, source: 'node-bundled' }, extraCa),
      pendingTrust: inputs.trust.then((trust) => withExtraCa(trust, extraCa)),
    };
  }
  return { ...common, ...withExtraCa(inputs.trust, extraCa) };
}

/** The guest's roots plus the extra CA; with Node's bundle standing in for the guest's, the bundle plus the extra CA. */
function withExtraCa(trust: GuestTrust, extraCa: readonly string[]): Pick<ConnectorOptions, 'ca' | 'trustSource'> {
  const ca = trust.ca === null ? (extraCa.length ? [...tls.rootCertificates, ...extraCa] : null) : [...trust.ca, ...extraCa];
  return { ca, trustSource: trust.source };
}
