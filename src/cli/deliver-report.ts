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
import type { Dispatcher } from 'undici';
import type { DeliveryOptions } from './delivery-args';
import { deliveryFacts } from './deliver-report-facts';
import { deliveryMessages } from './deliver-report-messages';

const CLOSE_BOUND_MS = 1_000;

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
  stop?: AbortSignal,
): Promise<DeliveryReport> {
  const { trustStore, proxy, metadata } = await deliveryFacts(facts, stop);
  const network = facts.options.network;
  const dispatcher = createDispatcher(connectorOptionsFor(trustAnchorsFor(trustStore), proxy, network, options.reportCa));
  let tokens: TokenProvider | null = null;
  if (options.logAnalytics) {
    const cloud = cloudOf(options.logAnalytics.endpoint);
    const auth = options.auth;
    if (auth.kind === 'service-principal') tokens = new ServicePrincipalTokens(cloud.authority, auth.tenantId, auth.clientId, auth.secret, cloud.scope, dispatcher);
    else {
      // Metadata that could not be read (deadline) does not mean "not Azure": try IMDS, bounded.
      const imds = io.imdsEndpoint ?? (metadata?.onAzure !== false ? DEFAULT_IMDS_ENDPOINT : null);
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
      { dispatcher, tokens, userAgent: io.userAgent, vm: { vmId: metadata?.compute?.vmId ?? '', resourceId: metadata?.compute?.resourceId ?? '', region: metadata?.compute?.location ?? network.region ?? '' } },
      stop,
    );
    for (const line of deliveryMessages(result)) io.stderr(line);
    return result;
  } finally {
    await closeDispatcher(dispatcher, stop);
  }
}

/** An interrupted run does not wait for connections to close politely. */
async function closeDispatcher(dispatcher: Dispatcher, stop?: AbortSignal): Promise<void> {
  if (stop?.aborted) return dispatcher.destroy().catch(() => {});
  const polite = dispatcher.close().catch(() => {});
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), CLOSE_BOUND_MS).unref());
  if ((await Promise.race([polite, timer])) === 'late') await dispatcher.destroy().catch(() => {});
}
