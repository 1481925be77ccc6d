// Delivery from the CLI: gathers the facts delivery needs, turns them into the guest client's
// inputs (the guest's OS roots plus --report-ca-file, the guest's proxy, --connect-to), looks up the
// Logs Ingestion endpoint's cloud in the catalog, hands all that to the sinks (which build the
// client and the tokens and deliver), and tells the admin on stderr about anything not delivered.
import type { Platform } from '../core/check';
import type { Facts } from '../facts/facts';
import type { Report } from '../report/report';
import type { EventLog } from '../core/log';
import type { Progress } from '../core/progress';
import { guestClientInputsFor } from '../facts/network';
import { trustAnchorsFor } from '../facts/trust-anchors';
import { DEFAULT_IMDS_ENDPOINT } from '../facts/azure-metadata';
import { AZURE_CLOUDS, cloudOfIngestionEndpoint } from '../catalog/azure-clouds';
import type { DeliveryReport } from '../sinks/deliver';
import { deliverReport as deliverFromGuest, type IngestionCloud } from '../sinks/deliver-report';
import type { DeliveryOptions } from './delivery-args';
import { deliveryFacts } from './deliver-report-facts';
import { deliveryMessages } from './deliver-report-messages';

export { defaultSpoolDir, deliveryConfigured } from '../sinks/deliver-report';

export async function deliverReport(
  report: Report,
  options: DeliveryOptions,
  facts: Facts,
  io: {
    platform: Platform;
    env: NodeJS.ProcessEnv;
    imdsEndpoint: string | null;
    userAgent: string;
    stderr: (line: string) => void;
    log?: EventLog;
    progress?: Progress;
  },
  stop?: AbortSignal,
): Promise<DeliveryReport> {
  const { trustStore, proxy, metadata } = await deliveryFacts(facts, stop);
  const network = facts.options.network;
  return deliverFromGuest(
    report,
    options,
    {
      client: guestClientInputsFor(trustAnchorsFor(trustStore), proxy, network, options.reportCa),
      ingestion: options.logAnalytics ? ingestionCloudOf(options.logAnalytics.endpoint) : null,
      // Metadata that could not be read (deadline) does not mean "not Azure": try IMDS, bounded.
      imdsEndpoint: io.imdsEndpoint ?? (metadata?.onAzure !== false ? DEFAULT_IMDS_ENDPOINT : null),
      vm: { vmId: metadata?.compute?.vmId ?? '', resourceId: metadata?.compute?.resourceId ?? '', region: metadata?.compute?.location ?? network.region ?? '' },
      platform: io.platform,
      env: io.env,
      userAgent: io.userAgent,
      log: io.log,
      progress: io.progress,
      onResult: (result) => {
        for (const line of deliveryMessages(result)) io.stderr(line);
      },
    },
    stop,
  );
}

/** Audience and authority for the ingestion endpoint's cloud (…monitor.azure.com/.us/.cn). */
function ingestionCloudOf(endpoint: string): IngestionCloud {
  const cloud = AZURE_CLOUDS.clouds[cloudOfIngestionEndpoint(endpoint)];
  return { resource: cloud.logsIngestion.resource, scope: cloud.logsIngestion.scope, authorityHost: cloud.entraAuthorityHost };
}
