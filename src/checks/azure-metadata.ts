// Check azure.metadata: is this an Azure VM, and what does IMDS say (region, cloud, VM id, size)?
// Not on Azure is a skip, not a failure: the rest of the run goes on.
import type { CheckOutcome } from '../core/finding';
import type { AzureMetadataFacts } from '../facts/azure-metadata';
import { AZURE_CHASSIS_ASSET_TAG } from '../catalog/azure-asset-tag';
import { cloudFromImds, type EndpointCatalog } from '../catalog/azure-endpoints';
import { defineCheck } from './helpers/check-context';

export const azureMetadata = defineCheck({
  id: 'azure.metadata',
  title: 'Azure VM metadata (IMDS)',
  description:
    'Decides from the SMBIOS chassis asset tag whether this is an Azure VM, then reads region, cloud, VM id, size and disks from the Instance Metadata Service.',
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 25_000,
  needs: ['azureMetadata'],
  explain: {
    judges:
      "Not an Azure VM (the chassis asset tag is not Azure's) is a skip; an Azure VM whose IMDS cannot be read fails; otherwise it passes and shows the region, cloud, VM id and size.",
    sources: ['Azure Instance Metadata Service (http://169.254.169.254/metadata/instance)', 'the SMBIOS chassis asset tag of Azure VMs'],
    remediation: 'Reach IMDS directly, never through a proxy (exclude 169.254.169.254), over the primary NIC.',
  },
  async run(ctx) {
    return [evaluateMetadata(await ctx.facts.azureMetadata(), ctx.catalog.endpoints)];
  },
});

export function evaluateMetadata(m: AzureMetadataFacts, endpoints: EndpointCatalog): CheckOutcome {
  const evidence = {
    onAzure: m.onAzure,
    assetTag: m.assetTag,
    assetTagSource: m.assetTagSource,
    contacted: m.contacted,
    endpoint: m.endpoint,
    status: m.status,
    attempts: m.attempts,
    compute: m.compute,
  };
  if (!m.contacted) {
    if (m.error) return { status: 'warn', summary: `IMDS was not contacted: ${m.error}.`, evidence };
    return {
      status: 'skip',
      summary:
        m.onAzure === false
          ? `Not an Azure VM: the chassis asset tag (${m.assetTagSource}) is "${m.assetTag}", not Azure's ${AZURE_CHASSIS_ASSET_TAG}. IMDS was not contacted; region and cloud come from --region and --cloud.`
          : `Could not read the chassis asset tag (${m.assetTagSource}), so IMDS was not contacted. On an Azure VM, give --imds-endpoint http://169.254.169.254 to read it anyway.`,
      evidence,
    };
  }
  if (!m.ok || !m.compute) {
    return {
      status: 'warn',
      summary: `The Instance Metadata Service at ${m.endpoint} did not answer after ${m.attempts} attempt(s): ${m.error}. Region and cloud are unknown, so region-specific endpoints cannot be chosen.`,
      remediation:
        'IMDS must be reached directly, never through a proxy: exclude 169.254.169.254 from any proxy, and make sure the route to it goes out of the primary NIC (on multi-NIC or cluster VMs: route add 169.254.169.254/32 <primary IP>). Give --region and --cloud meanwhile.',
      evidence,
    };
  }
  const c = m.compute;
  const cloud = cloudFromImds(c.azEnvironment, endpoints);
  return {
    status: 'pass',
    summary: `Azure VM ${c.vmId || '(no vmId)'}: ${c.vmSize || 'unknown size'}, ${c.osType || 'unknown OS'}, region ${c.location || 'unknown'}, ${cloud ?? (c.azEnvironment || 'unknown cloud')}${c.zone ? `, zone ${c.zone}` : ''}.`,
    evidence,
  };
}
