// Control-plane facts for the checks judged from ARM (azure.*, network.nsg-rules, network.routes),
// fed rather than read: each value is what the facts' own parsers (src/facts/control-plane/
// resources.ts) make of the real sample responses under test/fixtures/arm (SOURCES.md there), and a
// 403 is the fixture's AuthorizationFailed body turned into a forbidden read by the facts' own
// converter. Changes to the samples are made here, named, and kept small:
// - IMDS (the msdocs Linux sample): location eastus (the sample says westus, the region of the SKU
//   and vault samples, which serve here as the target), size Standard_A1 (a size of the SKU sample),
//   and the MAC of the NIC sample, so the NIC pairs with it;
// - the subnet sample gets an NSG of its own (subnet-nsg, the NSG sample again), unless a test gives its own;
// - the storage account sample's placeholder subscription in its id is the VM's.
import { readFileSync } from 'node:fs';
import { ArmAuthorizationError } from '../../../src/net/arm-client';
import { ARM_API_VERSIONS } from '../../../src/facts/control-plane/api-versions';
import { missingFrom, readerGrant } from '../../../src/facts/control-plane/read-control-plane';
import {
  blobServiceFrom,
  eligibilityFrom,
  imdsVmFrom,
  nicFrom,
  nsgFrom,
  routeTableFrom,
  serviceTagsFrom,
  skuFrom,
  storageAccountFrom,
  subnetFrom,
  usageFrom,
  vaultFrom,
  vmFrom,
} from '../../../src/facts/control-plane/resources';
import type {
  ArmForbidden,
  ArmOk,
  ArmSource,
  ArmUnavailable,
  CacheStorageRead,
  ControlPlaneFacts,
  ImdsVmFacts,
  ResourceRead,
} from '../../../src/facts/control-plane/types';
import type { FactsApi } from '../../../src/checks/helpers/check-context';
import { armFixtureBody } from '../../helpers/fake-arm';
import { fixture } from '../../helpers/paths';

export const SUB = 'xxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxx';
export const RG = 'macikgo-test-may-23';
export const VM_PATH = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/examplevmname`;
export const PRINCIPAL = '0a1b2c3d-0000-4000-8000-0123456789ab';

/** The NIC, subnet and NSG ids as the samples spell them. */
export const NIC_ID = '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/test-nic';
export const SUBNET_ID = '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/rg1-vnet/subnets/default';
export const NIC_NSG_ID = '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg';
export const SUBNET_NSG_ID = '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/subnet-nsg';
export const ROUTE_TABLE_ID = '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/routeTables/testrt';
export const STORAGE_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/sto8596`;

export const source = (path: string, apiVersion: string, method: 'GET' | 'POST' = 'GET'): ArmSource => ({
  method,
  path,
  apiVersion,
  pages: 1,
  throttledWaits: 0,
});
export const ok = <T>(value: T, path: string, apiVersion: string): ArmOk<T> => ({ status: 'ok', value, source: source(path, apiVersion) });

type Json = Record<string, unknown>;
const body = (file: string) => structuredClone(armFixtureBody(file)) as Json;

/** The fixture's 403 AuthorizationFailed body for this request, through the ARM client's error and the facts' converter. */
export function forbidden(path: string, action: string, apiVersion: string, principalId: string | null = PRINCIPAL): ArmForbidden {
  const template = JSON.parse(readFileSync(fixture('arm', 'error.403-AuthorizationFailed.json'), 'utf8')) as { error: { code: string; message: string } };
  const scope = path;
  const message = template.error.message
    .replace('{client_id}', '11111111-2222-3333-4444-555555555555')
    .replace('{object_id}', principalId ?? '66666666-7777-8888-9999-000000000000')
    .replace('{action_name}', action)
    .replace('{scope}', scope);
  const parsed = /perform action '([^']+)' over scope '([^']+)'/.exec(message)!;
  const err = new ArmAuthorizationError(
    `ARM refused GET ${path} (403 ${template.error.code}): ${message}`,
    source(path, apiVersion),
    template.error.code,
    parsed[1]!,
    parsed[2]!,
    principalId,
  );
  const read = missingFrom(err, principalId);
  if (read.status !== 'forbidden') throw new Error('expected a forbidden read');
  return read;
}

export const unavailable = (reason: ArmUnavailable['reason'], why: string): ArmUnavailable => ({ status: 'unavailable', reason, why });

export function imdsFacts(): ImdsVmFacts {
  const doc = JSON.parse(readFileSync(fixture('linux', 'imds', 'instance-msdocs-linux-sample.json'), 'utf8')) as {
    compute: { location: string; vmSize: string };
    network: { interface: Array<{ macAddress: string }> };
  };
  doc.compute.location = 'eastus';
  doc.compute.vmSize = 'Standard_A1';
  doc.network.interface[0]!.macAddress = '000D3A1BC721';
  return imdsVmFrom(doc);
}

export const vmBody = () => body('compute-2026-03-01.VirtualMachine_Get.json');
export const nicBody = () => body('network-2025-07-01.NetworkInterfaceGet.json');
export const nsgBody = () => body('network-2025-07-01.NetworkSecurityGroupGet.json');
export const routeTableBody = () => body('network-2024-05-01.RouteTableGet.json');
/** The storage sample, with its placeholder id ("/subscriptions/{subscription-id}/…") in the VM's subscription. */
export const storageBody = (): Json => ({ ...body('storage-2025-08-01.StorageAccountGetProperties.json'), id: STORAGE_ID });
export const blobServiceBody = () => body('storage-2025-08-01.BlobServicesGet.json');
export const eligibilityBody = () => body('siterecovery-2025-01-01.ReplicationEligibilityResults_Get.json');

/** The subnet sample, with an NSG (and optionally a route table) as a test needs. */
export function subnetBody(extra: Json = {}): Json {
  const b = body('network-2024-05-01.SubnetGet.json');
  const properties = { ...(b.properties as Json), networkSecurityGroup: { id: SUBNET_NSG_ID }, ...extra };
  return { ...b, properties };
}

/** The SKU sample's entries; Standard_A1 is the VM's size. */
export function skuEntries(): Json[] {
  return body('compute-2021-07-01.ListAvailableResourceSkusForARegion.json').value as Json[];
}

export function usageEntries(): Json[] {
  return body('compute-usages.composed-from-cli-sample.json').value as Json[];
}

export function serviceTagsBody(): Json {
  return body('network-2025-07-01.ServiceTagsList.json');
}

export const nsgRead = (id: string, b: Json): ResourceRead<ReturnType<typeof nsgFrom>> => ({ id, read: ok(nsgFrom(b), id, ARM_API_VERSIONS.network) });

export interface WorldOptions {
  target?: string | null;
  vm?: Json;
  nic?: Json;
  subnet?: Json;
  nicNsg?: Json | null;
  subnetNsg?: Json | null;
  routeTable?: Json | null;
  skus?: Json[];
  usages?: Json[];
  vaults?: Json[];
  storage?: Json;
  blobService?: Json;
  serviceTags?: Json;
  eligibility?: Json;
}

/** The control-plane facts of a VM in East US replicating to West US, every read ok, from the samples. */
export function controlPlane(o: WorldOptions = {}): ControlPlaneFacts {
  const imds = imdsFacts();
  const target = o.target === undefined ? 'westus' : o.target;
  const sub = `/subscriptions/${SUB}`;
  const vm = vmFrom(o.vm ?? vmBody());
  // The VM sample names its NIC "{myNIC}": the NIC read is keyed by that id, as the facts key it.
  const nicRefId = vm.networkInterfaces[0]?.id ?? NIC_ID;
  const nic = nicFrom(o.nic ?? nicBody(), imds.interfaces);
  const subnet = subnetFrom(o.subnet ?? subnetBody(o.routeTable ? { routeTable: { id: ROUTE_TABLE_ID } } : {}));
  const nsgs: Array<ResourceRead<ReturnType<typeof nsgFrom>>> = [];
  if (nic.networkSecurityGroupId && o.nicNsg !== null) nsgs.push(nsgRead(nic.networkSecurityGroupId, o.nicNsg ?? nsgBody()));
  if (subnet.networkSecurityGroupId && o.subnetNsg !== null)
    nsgs.push(nsgRead(subnet.networkSecurityGroupId, o.subnetNsg ?? { ...nsgBody(), name: 'subnet-nsg', id: SUBNET_NSG_ID }));
  const skuPath = `${sub}/providers/Microsoft.Compute/skus`;
  const entries = (o.skus ?? skuEntries()).filter((e) => e.resourceType === 'virtualMachines');
  const match = entries.find((e) => String(e.name).toLowerCase() === imds.vmSize.toLowerCase());
  const storage = storageAccountFrom(o.storage ?? storageBody());
  const tags = o.serviceTags ?? serviceTagsBody();
  return {
    contacted: true,
    why: null,
    cloud: 'AzureCloud',
    endpoint: 'https://management.azure.com/',
    identity: {
      kind: 'managed-identity',
      assignment: 'system-assigned',
      clientId: null,
      tenantId: null,
      principalId: PRINCIPAL,
      audience: 'https://management.azure.com/',
      token: 'obtained',
      why: null,
    },
    imds: { status: 'ok', value: imds, source: { endpoint: 'http://169.254.169.254', apiVersion: '2021-12-13' } },
    sourceRegion: { name: 'eastus', given: 'eastus', from: 'imds' },
    targetRegion: target ? { name: target, given: target, from: 'option' } : { name: null, given: null, from: null },
    vm: ok(vm, VM_PATH, ARM_API_VERSIONS.virtualMachines),
    networkInterfaces: { status: 'ok', items: [{ id: nicRefId, read: ok(nic, nicRefId, ARM_API_VERSIONS.network) }] },
    subnets: {
      status: 'ok',
      items: nic.ipConfigurations[0]?.subnetId
        ? [{ id: nic.ipConfigurations[0].subnetId, read: ok(subnet, nic.ipConfigurations[0].subnetId, ARM_API_VERSIONS.network) }]
        : [],
    },
    networkSecurityGroups: { status: 'ok', items: nsgs },
    routeTables: {
      status: 'ok',
      items: o.routeTable ? [{ id: ROUTE_TABLE_ID, read: ok(routeTableFrom(o.routeTable), ROUTE_TABLE_ID, ARM_API_VERSIONS.network) }] : [],
    },
    vaults: ok(
      (o.vaults ?? (body('recoveryservices-2025-08-01.ListBySubscriptionIds.json').value as Json[])).map(vaultFrom),
      `${sub}/providers/Microsoft.RecoveryServices/vaults`,
      ARM_API_VERSIONS.vaults,
    ),
    targetUsages: target
      ? ok((o.usages ?? usageEntries()).map(usageFrom), `${sub}/providers/Microsoft.Compute/locations/${target}/usages`, ARM_API_VERSIONS.usages)
      : { status: 'not-asked', why: 'no --target-region was given' },
    targetSku: target
      ? ok({ vmSize: imds.vmSize, sku: match ? skuFrom(match, target) : null, listed: entries.length }, skuPath, ARM_API_VERSIONS.resourceSkus)
      : { status: 'not-asked', why: 'no --target-region was given' },
    cacheStorageAccounts: {
      status: 'ok',
      items: [
        {
          id: STORAGE_ID,
          read: ok(storage, STORAGE_ID, ARM_API_VERSIONS.storage),
          blobService: ok(blobServiceFrom(o.blobService ?? blobServiceBody()), `${STORAGE_ID}/blobServices/default`, ARM_API_VERSIONS.storage),
        } satisfies CacheStorageRead,
      ],
    },
    serviceTags: ok(
      serviceTagsFrom(tags, (tags.values as unknown[]) ?? []),
      `${sub}/providers/Microsoft.Network/locations/eastus/serviceTags`,
      ARM_API_VERSIONS.serviceTags,
    ),
    eligibility: ok(
      eligibilityFrom(o.eligibility ?? eligibilityBody()),
      `${VM_PATH}/providers/Microsoft.RecoveryServices/replicationEligibilityResults/default`,
      ARM_API_VERSIONS.replicationEligibility,
    ),
    requests: 12,
  };
}

/** A Facts stand-in that gives these control-plane facts (and whatever else a test adds). */
export function factsWith(cp: ControlPlaneFacts, extra: Partial<Record<keyof FactsApi, () => Promise<unknown>>> = {}): FactsApi {
  return { controlPlane: async () => cp, ...extra } as unknown as FactsApi;
}

/** The grant the facts make for a subscription (reference §5). */
export const grantFor = (scope: string) => readerGrant(scope, PRINCIPAL);
