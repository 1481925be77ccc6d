// The endpoint plan (src/facts/endpoint-plan.ts): which hosts are probed, per cloud, region and platform.
import { describe, expect, it } from 'vitest';
import { planEndpoints } from '../../src/facts/endpoint-plan';
import { AZURE_ENDPOINTS, cloudFromImds } from '../../src/catalog/azure-endpoints';

describe('endpoint plan', () => {
  it('uses the US Government names, hosts from RCMInfo.conf, and reports wildcards it cannot pin down', () => {
    const plan = planEndpoints(AZURE_ENDPOINTS, {
      cloud: 'AzureUSGovernment',
      region: 'usgovvirginia',
      platform: 'linux',
      cacheStorageAccounts: ['cache1'],
      extraEndpoints: [],
      mobilityHosts: ['pod01-rcm1.usgv.hypervrecoverymanager.windowsazure.us', 'unrelated.example.com'],
    });
    expect(plan.targets.filter((t) => t.required).map((t) => [t.host, t.source])).toEqual([
      ['login.microsoftonline.us', 'catalog'],
      ['pod01-rcm1.usgv.hypervrecoverymanager.windowsazure.us', 'mobility-config'],
      ['cache1.blob.core.usgovcloudapi.net', 'cache-storage-account'],
    ]);
    expect(plan.unresolved.map((u) => u.host)).toEqual(['*.servicebus.usgovcloudapi.net', '*.vault.usgovcloudapi.net', '*.azure-automation.us']);
    expect(plan.targets.some((t) => t.host === 'ctldl.windowsupdate.com')).toBe(false);
  });

  it('adds the Windows root-list host on Windows, and a region-aware Site Recovery name where one is known', () => {
    const plan = planEndpoints(AZURE_ENDPOINTS, {
      cloud: 'AzureCloud',
      region: 'japaneast',
      platform: 'windows',
      cacheStorageAccounts: [],
      extraEndpoints: [{ host: 'other.example', port: 8443 }],
      mobilityHosts: [],
    });
    expect(plan.targets.map((t) => t.host)).toContain('ctldl.windowsupdate.com');
    expect(plan.targets.find((t) => t.catalogId === 'site-recovery')).toMatchObject({
      host: 'pod01-rcm1.jpe.hypervrecoverymanager.windowsazure.com',
      source: 'representative',
    });
    expect(plan.targets.at(-1)).toMatchObject({ id: 'custom:other.example', host: 'other.example', port: 8443, required: true, group: 'Custom' });
  });

  it('maps IMDS azEnvironment in any casing to a cloud', () => {
    expect(cloudFromImds('AZUREPUBLICCLOUD')).toBe('AzureCloud');
    expect(cloudFromImds('AzureUSGovernmentCloud')).toBe('AzureUSGovernment');
    expect(cloudFromImds('azurechinacloud')).toBe('AzureChinaCloud');
    expect(cloudFromImds('')).toBeNull();
  });
});
