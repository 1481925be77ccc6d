// The cloud catalog is data typed in by hand from the reference: check its values, that it agrees
// with the endpoint catalog, that a bad edit fails at load, and how an ingestion endpoint finds its cloud.
import { describe, expect, it } from 'vitest';
import { AZURE_CLOUDS, cloudOfIngestionEndpoint, validateCloudCatalog, type CloudCatalog } from '../../src/catalog/azure-clouds';
import { AZURE_ENDPOINTS, CLOUDS } from '../../src/catalog/azure-endpoints';
import data from '../../src/catalog/azure-clouds.json';

describe('Azure cloud catalog', () => {
  it('has the Logs Ingestion audience, the Entra ID authority and ARM for every cloud', () => {
    expect(Object.keys(AZURE_CLOUDS.clouds).sort()).toEqual([...CLOUDS].sort());
    const summary = Object.fromEntries(
      CLOUDS.map((c) => {
        const e = AZURE_CLOUDS.clouds[c];
        return [
          c,
          [
            e.logsIngestion.hostSuffix,
            e.logsIngestion.resource,
            e.logsIngestion.scope,
            e.entraAuthorityHost,
            e.resourceManager.endpoint,
            e.resourceManager.audience,
          ],
        ];
      }),
    );
    expect(summary).toEqual({
      AzureCloud: [
        'monitor.azure.com',
        'https://monitor.azure.com',
        'https://monitor.azure.com/.default',
        'login.microsoftonline.com',
        'https://management.azure.com/',
        'https://management.azure.com/',
      ],
      AzureUSGovernment: [
        'monitor.azure.us',
        'https://monitor.azure.us',
        'https://monitor.azure.us/.default',
        'login.microsoftonline.us',
        'https://management.usgovcloudapi.net/',
        'https://management.core.usgovcloudapi.net/',
      ],
      AzureChinaCloud: [
        'monitor.azure.cn',
        'https://monitor.azure.cn',
        'https://monitor.azure.cn/.default',
        'login.chinacloudapi.cn',
        'https://management.chinacloudapi.cn/',
        'https://management.core.chinacloudapi.cn/',
      ],
    });
  });

  it.each(CLOUDS)('%s: the Entra ID authority is the host the endpoint catalog probes for Entra ID', (cloud) => {
    const entra = AZURE_ENDPOINTS.clouds[cloud].endpoints.find((e) => e.id === 'entra-id');
    expect(entra?.host).toBe(AZURE_CLOUDS.clouds[cloud].entraAuthorityHost);
  });

  it('names its sources and date', () => {
    expect(AZURE_CLOUDS.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(AZURE_CLOUDS.sources.length).toBeGreaterThan(0);
  });

  const edited = (edit: (c: CloudCatalog) => void): unknown => {
    const copy = structuredClone(data) as unknown as CloudCatalog;
    edit(copy);
    return copy;
  };
  it.each([
    ['a missing cloud', (c: CloudCatalog) => delete (c.clouds as Partial<CloudCatalog['clouds']>).AzureChinaCloud, /AzureChinaCloud is missing/],
    ['an unknown cloud', (c: CloudCatalog) => ((c.clouds as Record<string, unknown>).AzureGermanCloud = c.clouds.AzureCloud), /unknown cloud AzureGermanCloud/],
    [
      'a scope that is not the resource + /.default',
      (c: CloudCatalog) => (c.clouds.AzureUSGovernment.logsIngestion.scope = 'https://monitor.azure.com/.default'),
      /AzureUSGovernment logsIngestion.scope/,
    ],
    [
      'an http:// ARM endpoint',
      (c: CloudCatalog) => (c.clouds.AzureCloud.resourceManager.endpoint = 'http://management.azure.com/'),
      /AzureCloud resourceManager.endpoint is not an https/,
    ],
    [
      'an authority that is a URL',
      (c: CloudCatalog) => (c.clouds.AzureChinaCloud.entraAuthorityHost = 'https://login.chinacloudapi.cn'),
      /AzureChinaCloud entraAuthorityHost/,
    ],
    [
      'two clouds with one ingestion suffix',
      (c: CloudCatalog) => (c.clouds.AzureChinaCloud.logsIngestion.hostSuffix = 'monitor.azure.com'),
      /share a Logs Ingestion host suffix/,
    ],
  ])('refuses %s at load', (_what, edit, message) => {
    expect(() => validateCloudCatalog(edited(edit))).toThrow(message);
  });
});

describe('cloudOfIngestionEndpoint', () => {
  it.each([
    ['https://dce-1.westeurope-1.ingest.monitor.azure.com', 'AzureCloud'],
    ['https://my-dcr-abcd.usgovvirginia-1.ingest.monitor.azure.us', 'AzureUSGovernment'],
    ['https://DCE.ChinaEast2-1.Ingest.Monitor.Azure.CN/', 'AzureChinaCloud'],
    // Outside every cloud's domain: by the top-level domain, as before the catalog; else the public cloud.
    ['https://ingest.contoso.us', 'AzureUSGovernment'],
    ['https://ingest.contoso.cn:8443', 'AzureChinaCloud'],
    ['https://ingest.test', 'AzureCloud'],
    ['https://127.0.0.1:9', 'AzureCloud'],
    ['https://[::1]:8443', 'AzureCloud'],
    ['https://monitor.azure.us.example.com', 'AzureCloud'],
  ])('%s is in %s', (endpoint, cloud) => {
    expect(cloudOfIngestionEndpoint(endpoint)).toBe(cloud);
  });
});
