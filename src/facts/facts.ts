// Facts are gathered once per run, on first use, each within its own time bound and the run
// deadline. Checks ask for facts; tests can build a Facts over a fake --root.
import type { Logger } from 'pino';
import type { Platform } from '../core/check';
import { withTimeout } from '../core/time-bound';
import { readHostFacts, type HostFacts } from './host';
import type { TrustStoreFacts } from './trust-store';
import { readLinuxTrustStore } from './linux/read-linux-trust-store';
import { readWindowsTrustStore } from './windows/read-windows-trust-store';
import { readProxySettings, type ProxySettings } from './proxy/read-proxy-settings';
import { readAzureMetadata, type AzureMetadataFacts } from './azure-metadata';
import { readMobilityConfig, type MobilityConfigFacts } from './mobility-config';
import { probeEndpoints, type EndpointProbeFacts, type NetworkOptions } from './network';

export interface FactsOptions {
  root: string;
  platform: Platform;
  trustStorePaths: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Aborts when the run's deadline passes. */
  deadline: AbortSignal;
  /** When the deadline passes (ms since epoch): probes stop shortly before it to report what they saw. */
  deadlineAt: number;
  proxy: { cliProxy: string | null; cliNoProxy: boolean };
  imdsEndpoint: string | null;
  network: NetworkOptions;
  logger?: Logger;
}

/** Probes stop this long before the run deadline, to leave time to judge and print. */
const PROBE_DEADLINE_MARGIN_MS = 1_500;
const PROBE_FACT_BOUND_MS = 60_000;

export class Facts {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(readonly options: FactsOptions) {}

  host(): Promise<HostFacts> {
    return this.memo('host', 5_000, () => readHostFacts(this.options.root, this.options.platform));
  }

  trustStore(): Promise<TrustStoreFacts> {
    return this.memo('trust store', 30_000, async (signal) => {
      if (this.options.platform === 'windows') return readWindowsTrustStore(signal);
      const host = await this.host();
      return readLinuxTrustStore({
        root: this.options.root,
        family: host.family,
        overridePaths: this.options.trustStorePaths,
        env: this.options.env,
        signal,
      });
    });
  }

  proxySettings(): Promise<ProxySettings> {
    return this.memo('proxy', 20_000, (signal) =>
      readProxySettings({ root: this.options.root, platform: this.options.platform, env: this.options.env, ...this.options.proxy, signal }),
    );
  }

  azureMetadata(): Promise<AzureMetadataFacts> {
    return this.memo('Azure metadata', 20_000, (signal) =>
      readAzureMetadata({ root: this.options.root, platform: this.options.platform, imdsEndpoint: this.options.imdsEndpoint, loopbackOnly: this.options.network.loopbackOnly, signal }),
    );
  }

  mobilityConfig(): Promise<MobilityConfigFacts> {
    return this.memo('Mobility service configuration', 5_000, () => readMobilityConfig(this.options.root, this.options.platform, this.options.env));
  }

  endpointProbes(): Promise<EndpointProbeFacts> {
    return this.memo('endpoint probe', PROBE_FACT_BOUND_MS, async (signal) => {
      const [trustStore, proxy, metadata, mobility] = await Promise.all([
        this.trustStore().catch(() => null),
        this.proxySettings(),
        this.azureMetadata(),
        this.mobilityConfig(),
      ]);
      const stopAt = Math.min(this.options.deadlineAt - PROBE_DEADLINE_MARGIN_MS, Date.now() + PROBE_FACT_BOUND_MS - PROBE_DEADLINE_MARGIN_MS);
      const probeSignal = AbortSignal.any([signal, AbortSignal.timeout(Math.max(0, stopAt - Date.now()))]);
      return probeEndpoints({ platform: this.options.platform, trustStore, proxy, metadata, mobility }, this.options.network, probeSignal);
    });
  }

  private memo<T>(name: string, ms: number, gather: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let pending = this.cache.get(name) as Promise<T> | undefined;
    if (!pending) {
      const started = performance.now();
      pending = withTimeout(`gathering the ${name} facts`, ms, gather, this.options.deadline);
      pending.then(
        () => this.options.logger?.debug({ fact: name, ms: Math.round(performance.now() - started) }, 'fact gathered'),
        (err: unknown) => this.options.logger?.debug({ fact: name, err: String(err) }, 'fact failed'),
      );
      this.cache.set(name, pending);
    }
    return pending;
  }
}
