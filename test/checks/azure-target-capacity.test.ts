// azure.target-capacity: the VM's size in the target region (resource SKUs, reference §2.4) and the
// vCPU quota there (usages, §2.3), from the SKU sample (Standard_A0, Standard_A1 in westus) and the
// usages composed from Microsoft's CLI sample.
import { describe, expect, it } from 'vitest';
import { ASR_TARGET_CAPACITY_CODE, azureTargetCapacity, evaluateTargetCapacity } from '../../src/checks/azure-target-capacity';
import { ARM_API_VERSIONS } from '../../src/facts/control-plane/api-versions';
import { controlPlane, factsWith, forbidden, skuEntries, SUB, usageEntries, vmBody } from './helpers/control-plane';
import { contextOf } from './helpers/context';

type Json = Record<string, unknown>;
const familyUsage = (current: number, limit: number): Json => ({
  unit: 'Count',
  currentValue: current,
  limit,
  name: { value: 'standardA0_A7Family', localizedValue: 'Standard A0-A7 Family vCPUs' },
});
/** The sample's usages with the A0-A7 family's entry (the sample has only B), and the regional one changed. */
const usages = (family: Json | null, cores?: [number, number]): Json[] => {
  const list = usageEntries().map((u) => (cores && (u.name as Json).value === 'cores' ? { ...u, currentValue: cores[0], limit: cores[1] } : u));
  return family ? [...list, family] : list;
};
/** The SKU sample with Standard_A1 changed. */
const skusWith = (change: (a1: Json) => void): Json[] =>
  skuEntries().map((e) => {
    if (e.name === 'Standard_A1') change(e);
    return e;
  });
const vmWithNics = (n: number): Json => {
  const vm = vmBody();
  const props = vm.properties as Json;
  const nics = (props.networkProfile as { networkInterfaces: Array<{ id: string }> }).networkInterfaces;
  (props.networkProfile as Json).networkInterfaces = Array.from({ length: n }, (_, i) => ({ id: `${nics[0]!.id}${i}` }));
  return vm;
};
const byKind = (outcomes: ReturnType<typeof evaluateTargetCapacity>) => ({
  size: outcomes.find((o) => o.subject === 'size')!,
  quota: outcomes.find((o) => o.subject === 'vCPU quota')!,
});

describe('azure.target-capacity: the size', () => {
  it('passes Standard_A1 in westus from the SKU sample (through the check), naming the SKU list as its source', async () => {
    const outcomes = await azureTargetCapacity.run(contextOf(azureTargetCapacity, factsWith(controlPlane({ usages: usages(familyUsage(0, 10)) }))));
    const { size, quota } = byKind(outcomes);
    expect(size).toMatchObject({ status: 'pass', title: 'Standard_A1 in westus' });
    expect(size.summary).toContain('Standard_A1 is offered to subscription');
    expect(size.summary).toContain('1 of at most 2 NICs');
    expect(size.evidence).toMatchObject({
      sources: expect.arrayContaining([
        { request: `GET /subscriptions/${SUB}/providers/Microsoft.Compute/skus`, apiVersion: '2021-07-01', pages: 1, throttledWaits: 0 },
      ]),
    });
    expect(quota.status).toBe('pass');
  });

  it('fails a size with a Location restriction (NotAvailableForSubscription), with 150097', () => {
    const skus = skusWith((a1) => {
      a1.restrictions = [{ type: 'Location', values: ['westus'], restrictionInfo: { locations: ['westus'] }, reasonCode: 'NotAvailableForSubscription' }];
    });
    const { size } = byKind(evaluateTargetCapacity(controlPlane({ skus })));
    expect(size.status).toBe('fail');
    expect(size.summary).toContain('restricted in West US (westus) for this subscription (Location restriction, NotAvailableForSubscription)');
    expect(size.asrErrorCodes).toEqual([ASR_TARGET_CAPACITY_CODE]);
  });

  it.each([
    ['zonal VM, its zone restricted', '2', ['2'], 'warn'],
    ['zonal VM, another zone restricted', '1', ['2'], 'pass'],
    ['regional VM, a zone restricted', '', ['2'], 'pass'],
  ])('Zone restriction: %s → %s', (_name, zone, restricted, status) => {
    const skus = skusWith((a1) => {
      a1.restrictions = [
        { type: 'Zone', values: ['westus'], restrictionInfo: { locations: ['westus'], zones: restricted }, reasonCode: 'NotAvailableForSubscription' },
      ];
    });
    const cp = controlPlane({ skus });
    if (cp.imds.status === 'ok') cp.imds.value.zone = zone;
    const { size } = byKind(evaluateTargetCapacity(cp));
    expect(size.status).toBe(status);
    if (status === 'warn') expect(size.summary).toContain('the failed-over VM gets the same zone number');
  });

  it('a zonal VM whose zone the size is not offered in warns', () => {
    // The sample offers Standard_A1 in zones 1, 2, 3 of westus; here only in 1 and 2 (as it does Standard_A0).
    const skus = skusWith((a1) => {
      a1.locationInfo = [{ location: 'westus', zones: ['1', '2'] }];
    });
    const world = controlPlane({ skus });
    if (world.imds.status === 'ok') world.imds.value.zone = '3';
    expect(byKind(evaluateTargetCapacity(world)).size).toMatchObject({ status: 'warn', summary: expect.stringContaining('offered only in zones 1, 2') });
  });

  it('fails when the VM has more NICs than the size takes (MaxNetworkInterfaces 2), with 150097', () => {
    const { size } = byKind(evaluateTargetCapacity(controlPlane({ vm: vmWithNics(3) })));
    expect(size.status).toBe('fail');
    expect(size.summary).toContain('The VM has 3 network interfaces, and Standard_A1 takes at most 2');
    expect(size.asrErrorCodes).toEqual([150097]);
  });

  it('fails a generation the size does not take (V2 VM, HyperVGenerations V1)', () => {
    const vm = vmBody();
    (vm.properties as Json).hyperVGeneration = 'V2';
    const { size } = byKind(evaluateTargetCapacity(controlPlane({ vm })));
    expect(size).toMatchObject({ status: 'fail', summary: expect.stringContaining('Hyper-V generation V2, and Standard_A1 in West US (westus) takes V1') });
  });

  it('fails a size not offered in the region at all', () => {
    const { size, quota } = byKind(evaluateTargetCapacity(controlPlane({ skus: skuEntries().filter((e) => e.name !== 'Standard_A1') })));
    expect(size.status).toBe('fail');
    expect(size.summary).toContain('Standard_A1 is not offered in West US (westus): it is not among the 1 VM sizes');
    expect(quota.status).toBe('skip');
  });
});

describe('azure.target-capacity: the vCPU quota', () => {
  it.each([
    ['room in both', familyUsage(9, 10), [4, 260], 'pass'],
    ['family full', familyUsage(10, 10), [4, 260], 'fail'],
    ['regional full', familyUsage(0, 10), [260, 260], 'fail'],
    ['no family entry (the sample has only B): unconfirmed join', null, undefined, 'warn'],
  ] as const)('%s → %s', (_name, family, cores, status) => {
    const { quota } = byKind(evaluateTargetCapacity(controlPlane({ usages: usages(family, cores as [number, number] | undefined) })));
    expect(quota.status).toBe(status);
    if (status === 'fail') {
      expect(quota.asrErrorCodes).toEqual([150097]);
      expect(quota.summary).toContain('has no room for 1 vCPU');
    }
    if (status === 'warn') expect(quota.summary).toContain('unconfirmed');
  });

  it("says it counts this VM alone, and takes the target subscription to be the VM's", () => {
    const { quota } = byKind(evaluateTargetCapacity(controlPlane({ usages: usages(familyUsage(0, 10)) })));
    expect(quota.summary).toContain('Counted for this VM alone (Standard_A1, 1 vCPU): other VMs failing over to westus need room too');
    expect(quota.summary).toContain(`The target subscription is taken to be the VM's own (${SUB})`);
    expect(quota.evidence).toMatchObject({ regional: { name: 'cores', free: 256 }, familyUsage: { name: 'standardA0_A7Family', free: 10 } });
  });
});

describe('azure.target-capacity: skips', () => {
  it('without a target region: one skip saying give --target-region NAME', () => {
    const outcomes = evaluateTargetCapacity(controlPlane({ target: null }));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ status: 'skip', summary: expect.stringContaining('Give --target-region NAME') });
  });

  it('403 on the usages is a skip with the exact command; the size is still judged', () => {
    const path = `/subscriptions/${SUB}/providers/Microsoft.Compute/locations/westus/usages`;
    const cp = { ...controlPlane(), targetUsages: forbidden(path, 'Microsoft.Compute/locations/usages/read', ARM_API_VERSIONS.usages) };
    const { size, quota } = byKind(evaluateTargetCapacity(cp));
    expect(size.status).toBe('pass');
    expect(quota.status).toBe('skip');
    expect(quota.remediation).toContain(
      `az role assignment create --assignee-object-id 0a1b2c3d-0000-4000-8000-0123456789ab --assignee-principal-type ServicePrincipal --role Reader --scope /subscriptions/${SUB}`,
    );
  });

  it('403 on the SKU list is a skip for the size, and the quota cannot count the vCPUs', () => {
    const path = `/subscriptions/${SUB}/providers/Microsoft.Compute/skus`;
    const cp = { ...controlPlane(), targetSku: forbidden(path, 'Microsoft.Compute/skus/read', ARM_API_VERSIONS.resourceSkus) };
    const { size, quota } = byKind(evaluateTargetCapacity(cp));
    expect(size).toMatchObject({ status: 'skip', summary: expect.stringContaining('ARM refused Microsoft.Compute/skus/read') });
    expect(quota).toMatchObject({ status: 'skip', summary: expect.stringContaining('the resource SKU list was not read') });
  });
});
