// Delivers a run's report from the guest: builds the guest's HTTP client (src/net/guest-client.ts)
// from the inputs the CLI gathered, the token provider Log Analytics needs in its endpoint's cloud
// (the VM's managed identity through the client's IMDS access, or a service principal through its
// dispatcher), runs the delivery (deliver.ts) and closes the client's connections within a bound.
import { programDataPath } from '../core/program-data';
import type { Platform } from '../core/check';
import type { Report } from '../report/report';
import type { EventLog } from '../core/log';
import type { Progress } from '../core/progress';
import { createGuestClient, type GuestClientInputs } from '../net/guest-client';
import { closeWithin } from '../net/dispatcher';
import type { ImdsAccess } from '../net/imds-get';
import type { Dispatcher } from 'undici';
import { deliver, type DeliveryReport } from './deliver';
import type { ImdsIdentity } from './log-analytics';
import { ManagedIdentityTokens, ServicePrincipalTokens, TokenError, type TokenProvider } from './tokens';

export type IngestionAuth =
  { kind: 'managed-identity'; clientId: string | null } | { kind: 'service-principal'; tenantId: string; clientId: string; secret: string };

/** The delivery options (parsed by src/cli/delivery-args.ts). */
export interface DeliveryOptions {
  reportUrl: string | null;
  reportToken: string | null;
  /** --report-ca-file: the CLI passes them to the guest client as its extra CA. */
  reportCa: string[];
  logAnalytics: { endpoint: string; dcrId: string; stream: string } | null;
  auth: IngestionAuth;
  spoolDir: string | null;
  spoolMaxFiles: number;
  spoolMaxBytes: number;
  timeoutSeconds: number;
  attempts: number;
}

/** Where the Logs Ingestion endpoint's tokens come from (src/catalog/azure-clouds.json, for the endpoint's cloud). */
export interface IngestionCloud {
  /** The audience a managed identity asks IMDS for. */
  resource: string;
  /** The scope a service principal asks Entra ID for. */
  scope: string;
  /** The Entra ID host that issues a service principal's tokens. */
  authorityHost: string;
}

export interface ReportDeliveryContext {
  /** The guest's trust store (plus --report-ca-file), proxy, --connect-to and time-outs. */
  client: GuestClientInputs;
  /** The Logs Ingestion endpoint's cloud; needed when Log Analytics is configured. */
  ingestion: IngestionCloud | null;
  /** IMDS for a managed identity's token; null when this is not an Azure VM (it then has none). */
  imdsEndpoint: string | null;
  /** The VM the report is about, for the Log Analytics rows. */
  vm: ImdsIdentity;
  platform: Platform;
  env: NodeJS.ProcessEnv;
  userAgent: string;
  /** Told the outcome as soon as it is known, before the connections are closed. */
  onResult?: (result: DeliveryReport) => void;
  /** Each attempt, outcome and spool write, at debug. */
  log?: EventLog;
  /** Each attempt, on a terminal. */
  progress?: Progress;
}

/** How long closing the connections politely may take before they are cut. */
const CLOSE_BOUND_MS = 1_000;

export function deliveryConfigured(options: DeliveryOptions): boolean {
  return options.reportUrl !== null || options.logAnalytics !== null;
}

export function defaultSpoolDir(platform: Platform, env: NodeJS.ProcessEnv): string {
  return platform === 'windows' ? programDataPath(env, 'asr-ready', 'spool') : '/var/lib/asr-ready/spool';
}

export async function deliverReport(report: Report, options: DeliveryOptions, ctx: ReportDeliveryContext, stop?: AbortSignal): Promise<DeliveryReport> {
  const client = createGuestClient(ctx.client);
  const dispatcher = client.dispatcher();
  try {
    const result = await deliver(
      report,
      {
        collector: options.reportUrl ? { url: options.reportUrl, token: options.reportToken } : null,
        logAnalytics: options.logAnalytics,
        spool: { dir: options.spoolDir ?? defaultSpoolDir(ctx.platform, ctx.env), maxFiles: options.spoolMaxFiles, maxBytes: options.spoolMaxBytes },
        timeoutMs: options.timeoutSeconds * 1000,
        retry: { maxAttempts: options.attempts, baseDelayMs: 1_000, maxDelayMs: 30_000 },
      },
      {
        dispatcher,
        tokens: options.logAnalytics ? tokenProvider(options.auth, ctx, dispatcher, client.imds) : null,
        userAgent: ctx.userAgent,
        vm: ctx.vm,
        log: ctx.log,
        progress: ctx.progress,
      },
      stop,
    );
    ctx.onResult?.(result);
    return result;
  } finally {
    // An interrupted run does not wait for connections to close politely.
    await closeWithin(dispatcher, CLOSE_BOUND_MS, stop);
  }
}

function tokenProvider(auth: IngestionAuth, ctx: ReportDeliveryContext, dispatcher: Dispatcher, imds: ImdsAccess): TokenProvider {
  const cloud = ctx.ingestion;
  if (!cloud) throw new Error('Log Analytics is configured but the cloud of its endpoint was not given');
  if (auth.kind === 'service-principal')
    return new ServicePrincipalTokens(cloud.authorityHost, auth.tenantId, auth.clientId, auth.secret, cloud.scope, dispatcher);
  if (ctx.imdsEndpoint) return new ManagedIdentityTokens(ctx.imdsEndpoint, cloud.resource, auth.clientId, imds);
  return {
    kind: 'managed identity',
    getToken: async () => {
      throw new TokenError(
        'this is not an Azure VM, so it has no managed identity: give a service principal (--tenant-id, --client-id, --client-secret-file)',
        false,
      );
    },
  };
}
