// Builds the delivery from the options and the gathered facts, runs it, and tells the admin on
// stderr about anything that was not delivered. The dispatcher is the probes' connector: the guest's
// OS roots (plus --report-ca-file), the guest's proxy, --connect-to.
import path from 'node:path';
import type { Platform } from '../core/check';
import type { Facts } from '../facts/facts';
import type { Report } from '../report/report';
import { connectorOptionsFor } from '../facts/network';
import { trustAnchorsFor } from '../facts/trust-anchors';
import { createDispatcher } from '../net/dispatcher';
import { DEFAULT_IMDS_ENDPOINT } from '../facts/azure-metadata';
import { deliver, type DeliveryReport } from '../sinks/deliver';
import { ManagedIdentityTokens, ServicePrincipalTokens, TokenError, type TokenProvider } from '../sinks/tokens';
import type { DeliveryOptions } from './delivery-args';

export function deliveryConfigured(options: DeliveryOptions): boolean {
  return options.reportUrl !== null || options.logAnalytics !== null;
}

export function defaultSpoolDir(platform: Platform, env: NodeJS.ProcessEnv): string {
  return platform === 'windows' ? path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'asr-ready', 'spool') : '/var/lib/asr-ready/spool';
}

/** Audience and authority per cloud, from the ingestion endpoint's host (…monitor.azure.com/.us/.cn). */
function cloudOf(endpoint: string): { scope: string; resource: string; authority: string } {
  const host = new URL(endpoint).hostname;
  if (host.endsWith('.us')) return { scope: 'https://monitor.azure.us/.default', resource: 'https://monitor.azure.us', authority: 'login.microsoftonline.us' };
  if (host.endsWith('.cn')) return { scope: 'https://monitor.azure.cn/.default', resource: 'https://monitor.azure.cn', authority: 'login.chinacloudapi.cn' };
  return { scope: 'https://monitor.azure.com/.default', resource: 'https://monitor.azure.com', authority: 'login.microsoftonline.com' };
}

export async function deliverReport(
  report: Report,
  options: DeliveryOptions,
  facts: Facts,
  io: { platform: Platform; env: NodeJS.ProcessEnv; imdsEndpoint: string | null; userAgent: string; stderr: (line: string) => void },
): Promise<DeliveryReport> {
  const [trustStore, proxy, metadata] = await Promise.all([facts.trustStore().catch(() => null), facts.proxySettings(), facts.azureMetadata()]);
  const network = facts.options.network;
  const dispatcher = createDispatcher(connectorOptionsFor(trustAnchorsFor(trustStore), proxy, network, options.reportCa));
  let tokens: TokenProvider | null = null;
  if (options.logAnalytics) {
    const cloud = cloudOf(options.logAnalytics.endpoint);
    const auth = options.auth;
    if (auth.kind === 'service-principal') tokens = new ServicePrincipalTokens(cloud.authority, auth.tenantId, auth.clientId, auth.secret, cloud.scope, dispatcher);
    else {
      const imds = io.imdsEndpoint ?? (metadata.onAzure ? DEFAULT_IMDS_ENDPOINT : null);
      tokens = imds
        ? new ManagedIdentityTokens(imds, cloud.resource, auth.clientId, network.loopbackOnly)
        : { kind: 'managed identity', getToken: async () => { throw new TokenError('this is not an Azure VM, so it has no managed identity: give a service principal (--tenant-id, --client-id, --client-secret-file)', false); } };
    }
  }
  try {
    const result = await deliver(
      report,
      {
        collector: options.reportUrl ? { url: options.reportUrl, token: options.reportToken } : null,
        logAnalytics: options.logAnalytics,
        spool: { dir: options.spoolDir ?? defaultSpoolDir(io.platform, io.env), maxFiles: options.spoolMaxFiles, maxBytes: options.spoolMaxBytes },
        timeoutMs: options.timeoutSeconds * 1000,
        retry: { maxAttempts: options.attempts, baseDelayMs: 1_000, maxDelayMs: 30_000 },
      },
      { dispatcher, tokens, userAgent: io.userAgent, vm: { vmId: metadata.compute?.vmId ?? '', resourceId: metadata.compute?.resourceId ?? '', region: metadata.compute?.location ?? network.region ?? '' } },
    );
    for (const r of result.results) {
      if (r.status === 'delivered') continue;
      const what = r.fromSpool ? `the spooled report of run ${r.runId}` : 'this report';
      const next = r.status === 'spooled' ? `kept in ${result.spool.dir} for the next run` : r.status === 'lost' ? 'it could not be spooled and is lost' : 'it was refused for good and is not kept';
      io.stderr(`asr-ready: ${what} was not delivered to the ${r.destination === 'collector' ? 'collector' : 'Log Analytics'}: ${r.error}; ${next}.`);
    }
    for (const w of result.spool.warnings) io.stderr(`asr-ready: ${w}`);
    return result;
  } finally {
    await dispatcher.close().catch(() => {});
  }
}
