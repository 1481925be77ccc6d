// azure.cache-storage: the table of reference §4.3, row by row, from the storage account and blob
// service samples (sto8596: kind Storage, eastus2(stage), HNS on, firewall Allow; blob soft delete on
// for 300 days), changed one row at a time.
import { describe, expect, it } from 'vitest';
import { azureCacheStorage, evaluateCacheStorage } from '../../src/checks/azure-cache-storage';
import { ARM_API_VERSIONS } from '../../src/facts/control-plane/api-versions';
import type { CacheStorageRead, ControlPlaneFacts } from '../../src/facts/control-plane/types';
import { blobServiceBody, controlPlane, factsWith, forbidden, RG, STORAGE_ID, storageBody, SUB, SUBNET_ID, unavailable } from './helpers/control-plane';
import { contextOf } from './helpers/context';

type Json = Record<string, unknown>;
/** A cache account that fits: the sample in eastus, GPv2 Standard, no HNS; blob soft delete off. */
function fit(change: (account: Json, properties: Json) => void = () => {}): Json {
  const a = storageBody();
  a.location = 'eastus';
  a.kind = 'StorageV2';
  const p = a.properties as Json;
  p.isHnsEnabled = false;
  change(a, p);
  return a;
}
const softDeleteOff = (): Json => {
  const b = blobServiceBody();
  (b.properties as Json).deleteRetentionPolicy = { enabled: false };
  return b;
};
const one = (cp: ControlPlaneFacts) => {
  const outcomes = evaluateCacheStorage(cp);
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
};
const cacheItem = (cp: ControlPlaneFacts) => (cp.cacheStorageAccounts as { status: 'ok'; items: CacheStorageRead[] }).items[0]!;
const rows = (o: ReturnType<typeof one>) =>
  Object.fromEntries(((o.evidence as { rows: Array<{ row: string; status: string }> }).rows ?? []).map((r) => [r.row, r.status]));

describe('azure.cache-storage', () => {
  it('the samples as they are fail (through the check): wrong region, soft delete on; GPv1 and HNS warn', async () => {
    const [outcome] = await azureCacheStorage.run(contextOf(azureCacheStorage, factsWith(controlPlane())));
    expect(outcome).toMatchObject({ subject: 'sto8596', status: 'fail' });
    expect(outcome!.summary).toMatch(/^Cache storage account sto8596 \(fail: location, soft delete; warn: kind, hierarchical namespace\)\. /);
    expect(outcome!.summary).toContain("It is in eastus2(stage), not in the VM's region East US (eastus)");
    expect(outcome!.summary).toContain('"Soft delete: Not supported"');
    expect(rows(outcome!)).toEqual({
      location: 'fail',
      subscription: 'pass',
      kind: 'warn',
      'hierarchical namespace': 'warn',
      'soft delete': 'fail',
      firewall: 'pass',
      'shared key': 'pass',
    });
    expect(outcome!.remediation).toContain(
      `az storage account blob-service-properties update --resource-group ${RG} --account-name sto8596 --enable-delete-retention false`,
    );
    expect(outcome!.evidence).toMatchObject({
      sources: [
        { request: `GET ${STORAGE_ID}`, apiVersion: ARM_API_VERSIONS.storage },
        { request: `GET ${STORAGE_ID}/blobServices/default`, apiVersion: ARM_API_VERSIONS.storage },
      ],
    });
  });

  it("passes a GPv2 Standard account in the VM's region and subscription, soft delete off, all networks, shared keys allowed", () => {
    const outcome = one(controlPlane({ storage: fit(), blobService: softDeleteOff() }));
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toContain("Cache storage account sto8596 fits Site Recovery: In the VM's region East US (eastus).");
    expect(outcome.remediation).toBeNull();
  });

  it.each([
    [
      'Premium block blob: High Churn',
      (a: Json) => Object.assign(a, { kind: 'BlockBlobStorage', sku: { name: 'Premium_LRS', tier: 'Premium' } }),
      'kind',
      'pass',
      'High Churn',
    ],
    ['GPv1', (a: Json) => Object.assign(a, { kind: 'Storage' }), 'kind', 'warn', 'general-purpose v1'],
    ['GPv2 Premium (no statement)', (a: Json) => Object.assign(a, { sku: { name: 'Premium_LRS', tier: 'Premium' } }), 'kind', 'warn', 'unconfirmed'],
    ['FileStorage (no statement)', (a: Json) => Object.assign(a, { kind: 'FileStorage' }), 'kind', 'warn', 'unconfirmed'],
    ['HNS on', (_a: Json, p: Json) => Object.assign(p, { isHnsEnabled: true }), 'hierarchical namespace', 'warn', 'unconfirmed'],
    [
      'another subscription',
      (a: Json) => Object.assign(a, { id: STORAGE_ID.replace(SUB, '99999999-0000-0000-0000-000000000000') }),
      'subscription',
      'warn',
      'The documents conflict',
    ],
    ['another region', (a: Json) => Object.assign(a, { location: 'westus' }), 'location', 'fail', '"Same region as virtual machine"'],
    ['shared key off', (_a: Json, p: Json) => Object.assign(p, { allowSharedKeyAccess: false }), 'shared key', 'warn', 'The documents conflict'],
    ['shared key on', (_a: Json, p: Json) => Object.assign(p, { allowSharedKeyAccess: true }), 'shared key', 'pass', 'allowed'],
  ] as const)('%s: row %s is %s', (_name, change, row, status, text) => {
    const outcome = one(controlPlane({ storage: fit(change as (a: Json, p: Json) => void), blobService: softDeleteOff() }));
    expect(rows(outcome)[row]).toBe(status);
    expect(outcome.status).toBe(status);
    expect(outcome.summary).toContain(text);
  });

  describe('firewall: default action and trusted services (the docs contradict each other)', () => {
    const acls = (networkAcls: Json) => (_a: Json, p: Json) => Object.assign(p, { networkAcls: { ipRules: [], virtualNetworkRules: [], ...networkAcls } });
    it.each([
      ['Allow', { bypass: 'AzureServices', defaultAction: 'Allow' }, 'pass'],
      ['Deny without AzureServices', { bypass: 'None', defaultAction: 'Deny' }, 'fail'],
      ['Deny, bypass Logging, Metrics only', { bypass: 'Logging, Metrics', defaultAction: 'Deny' }, 'fail'],
      ['Deny with AzureServices', { bypass: 'Logging, Metrics, AzureServices', defaultAction: 'Deny' }, 'warn'],
    ])('%s → %s', (_name, networkAcls, status) => {
      const outcome = one(controlPlane({ storage: fit(acls(networkAcls)), blobService: softDeleteOff() }));
      expect(rows(outcome).firewall).toBe(status);
      if (status === 'fail') {
        expect(outcome.summary).toContain('does not let trusted Microsoft services in');
        expect(outcome.remediation).toContain('--bypass');
        expect(outcome.remediation).toContain('AzureServices');
      }
      if (status === 'warn') {
        expect(outcome.summary).toContain('#104166, #111240');
        expect(outcome.summary).toContain('PR #128324');
        expect(outcome.summary).toContain("The VM's subnet default is not among its virtual network rules");
        expect(outcome.remediation).toContain(`az storage account network-rule add --resource-group ${RG} --account-name sto8596 --subnet ${SUBNET_ID}`);
      }
    });

    it("names the VM's subnet when the account lists it", () => {
      const outcome = one(
        controlPlane({
          storage: fit(acls({ bypass: 'AzureServices', defaultAction: 'Deny', virtualNetworkRules: [{ id: SUBNET_ID, action: 'Allow', state: 'Succeeded' }] })),
          blobService: softDeleteOff(),
        }),
      );
      expect(outcome.summary).toContain("The VM's subnet is among its virtual network rules");
    });
  });

  it('container soft delete on is mentioned as unconfirmed, not judged', () => {
    const b = softDeleteOff();
    (b.properties as Json).containerDeleteRetentionPolicy = { enabled: true, days: 7 };
    const outcome = one(controlPlane({ storage: fit(), blobService: b }));
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toContain('Container soft delete is on too; no document says whether it matters (unconfirmed)');
  });

  it('without --cache-storage-account it skips, saying give --cache-storage-account NAME', () => {
    const outcomes = evaluateCacheStorage({ ...controlPlane(), cacheStorageAccounts: { status: 'not-asked', why: 'no --cache-storage-account was given' } });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'skip', summary: expect.stringContaining('Give --cache-storage-account NAME') })]);
  });

  it('403 on the account is a skip for that account with the exact command', () => {
    const cp = controlPlane();
    const item = cacheItem(cp);
    item.read = forbidden(STORAGE_ID, 'Microsoft.Storage/storageAccounts/read', ARM_API_VERSIONS.storage);
    item.blobService = { status: 'not-asked', why: 'the storage account sto8596 itself could not be read' };
    const outcome = one(cp);
    expect(outcome).toMatchObject({ subject: 'sto8596', status: 'skip' });
    expect(outcome.remediation).toContain(`--role Reader --scope /subscriptions/${SUB}`);
  });

  it('an account that is not there is a skip naming HvrStorageAccountNotFound', () => {
    const cp = controlPlane();
    cacheItem(cp).read = unavailable('not-found', `no storage account named sto8596 in the VM's resource group or in subscription ${SUB}`);
    expect(one(cp)).toMatchObject({ status: 'skip', summary: expect.stringContaining('HvrStorageAccountNotFound') });
  });

  it('a blob service it may not read leaves soft delete not judged, naming the command', () => {
    const cp = controlPlane({ storage: fit() });
    cacheItem(cp).blobService = forbidden(
      `${STORAGE_ID}/blobServices/default`,
      'Microsoft.Storage/storageAccounts/blobServices/read',
      ARM_API_VERSIONS.storage,
    );
    const outcome = one(cp);
    expect(rows(outcome)['soft delete']).toBe('unknown');
    expect(outcome.summary).toContain('Not judged: blob soft delete (the blob service was not read: the identity may not read it (az role assignment create');
  });
});
