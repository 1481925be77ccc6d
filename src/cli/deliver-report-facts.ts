// The facts delivery needs (trust store, proxy, Azure metadata), without depending on facts whose
// deadline has passed: a run whose checks hit --deadline must still print, spool and deliver.
// Each is awaited for a bounded time; the proxy, which decides whether an upload can get out at
// all, is then read again under a short bound of its own; the others fall back (Node's roots plus
// --report-ca-file; metadata unknown, so IMDS is still tried for a managed identity).
import type { Facts } from '../facts/facts';
import type { TrustStoreFacts } from '../facts/trust-store';
import type { AzureMetadataFacts } from '../facts/azure-metadata';
import { readProxySettings, type ProxySettings } from '../facts/proxy/read-proxy-settings';
import { withTimeout } from '../core/time-bound';

/** How long delivery waits for a fact still being gathered. */
const FACT_WAIT_MS = 5_000;
/** How long a second reading of the proxy settings may take. */
const PROXY_REREAD_MS = 3_000;

export interface DeliveryFacts {
  trustStore: TrustStoreFacts | null;
  proxy: ProxySettings;
  metadata: AzureMetadataFacts | null;
}

export async function deliveryFacts(facts: Facts, stop?: AbortSignal): Promise<DeliveryFacts> {
  const [trustStore, proxy, metadata] = await Promise.all([
    settled(() => facts.trustStore(), stop),
    settled(() => facts.proxySettings(), stop),
    settled(() => facts.azureMetadata(), stop),
  ]);
  return { trustStore, proxy: proxy ?? (await rereadProxy(facts, stop)), metadata };
}

/** The fact, or null when it failed, did not come within FACT_WAIT_MS, or the run is being stopped. */
function settled<T>(get: () => Promise<T>, stop?: AbortSignal): Promise<T | null> {
  if (stop?.aborted) return Promise.resolve(null);
  return withTimeout('waiting for a fact delivery needs', FACT_WAIT_MS, () => get(), stop).catch(() => null);
}

async function rereadProxy(facts: Facts, stop?: AbortSignal): Promise<ProxySettings> {
  const o = facts.options;
  try {
    return await withTimeout(
      'reading the proxy settings again for delivery',
      PROXY_REREAD_MS,
      (signal) => readProxySettings({ root: o.root, platform: o.platform, env: o.env, ...o.proxy, signal }),
      stop,
    );
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      effective: null,
      directBecause: `the proxy settings could not be read (${why}); sending directly`,
      bypass: [],
      bypassSource: null,
      candidates: [],
      proxyInfoConf: { path: '', exists: false, parsed: null },
      problems: [],
      notes: [],
    };
  }
}
