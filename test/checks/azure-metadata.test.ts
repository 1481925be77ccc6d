import { describe, expect, it } from 'vitest';
import { azureMetadata, evaluateMetadata } from '../../src/checks/azure-metadata';
import { AZURE_ENDPOINTS, CLOUDS, type EndpointCatalog } from '../../src/catalog/azure-endpoints';
import { AZURE_CHASSIS_ASSET_TAG } from '../../src/catalog/azure-asset-tag';
import type { AzureCompute, AzureMetadataFacts } from '../../src/facts/azure-metadata';
import type { Facts } from '../../src/facts/facts';
import { contextOf } from './helpers/context';

const compute: AzureCompute = {
  azEnvironment: 'AzurePublicCloud',
  location: 'westeurope',
  vmId: 'e7fdbfc4-2deb-4a4e-8615-ea6aaf50162e',
  vmSize: 'Standard_D4s_v5',
  osType: 'Linux',
  resourceId: '/x',
  zone: '2',
  securityType: '',
  encryptionAtHost: 'false',
  osDisk: { name: 'os', diskSizeGB: '30', ephemeral: false, unmanaged: false, writeAcceleratorEnabled: 'false' },
  dataDisks: [],
};
const onAzure: AzureMetadataFacts = {
  onAzure: true,
  assetTag: AZURE_CHASSIS_ASSET_TAG,
  assetTagSource: '/sys/class/dmi/id/chassis_asset_tag',
  contacted: true,
  endpoint: 'http://169.254.169.254',
  ok: true,
  status: 200,
  attempts: 1,
  error: null,
  compute,
};
const notContacted = { ...onAzure, contacted: false, endpoint: null, ok: false, status: null, attempts: 0, compute: null };

describe('azure.metadata', () => {
  it('passes an Azure VM, naming its id, size, OS, region, zone and the cloud IMDS names', () => {
    expect(evaluateMetadata(onAzure, AZURE_ENDPOINTS)).toMatchObject({
      status: 'pass',
      summary: 'Azure VM e7fdbfc4-2deb-4a4e-8615-ea6aaf50162e: Standard_D4s_v5, Linux, region westeurope, AzureCloud, zone 2.',
    });
  });

  it('reads the cloud from the endpoint catalog it is given', () => {
    const clouds = { ...AZURE_ENDPOINTS.clouds };
    for (const name of CLOUDS) clouds[name] = { ...clouds[name], imdsNames: [] };
    const noImdsNames: EndpointCatalog = { ...AZURE_ENDPOINTS, clouds };
    expect(evaluateMetadata(onAzure, noImdsNames).summary).toContain('region westeurope, AzurePublicCloud, zone 2.');
  });

  it("skips a machine whose chassis asset tag is not Azure's, naming both tags", () => {
    const outcome = evaluateMetadata({ ...notContacted, onAzure: false, assetTag: 'Default string' }, AZURE_ENDPOINTS);
    expect(outcome).toMatchObject({ status: 'skip', summary: expect.stringContaining(`is "Default string", not Azure's ${AZURE_CHASSIS_ASSET_TAG}`) });
  });

  it('warns when IMDS did not answer, with the route to it as the fix', () => {
    const outcome = evaluateMetadata({ ...onAzure, ok: false, status: null, attempts: 3, error: 'connect ETIMEDOUT', compute: null }, AZURE_ENDPOINTS);
    expect(outcome).toMatchObject({ status: 'warn', summary: expect.stringContaining('did not answer after 3 attempt(s): connect ETIMEDOUT') });
    expect(outcome.remediation).toContain('route add 169.254.169.254/32');
  });

  it('warns when IMDS was not contacted for a reason, and skips when the asset tag could not be read', () => {
    expect(evaluateMetadata({ ...notContacted, error: 'not contacting http://169.254.169.254: ASR_READY_LOOPBACK_ONLY is set' }, AZURE_ENDPOINTS).status).toBe(
      'warn',
    );
    expect(evaluateMetadata({ ...notContacted, onAzure: null, assetTag: null }, AZURE_ENDPOINTS)).toMatchObject({
      status: 'skip',
      summary: expect.stringContaining('--imds-endpoint'),
    });
  });

  it('run() reads the Azure metadata fact and the endpoint catalog of its context', async () => {
    const [outcome] = await azureMetadata.run(contextOf(azureMetadata, { azureMetadata: async () => onAzure } as unknown as Facts));
    expect(outcome).toMatchObject({ status: 'pass', evidence: { onAzure: true, compute } });
  });
});
