// Check azure.cache-storage: is each cache storage account named with --cache-storage-account fit
// for Site Recovery? One finding per account, the table of project reference
// azure-control-plane.md §4.3 row by row: location, subscription, kind and SKU, hierarchical
// namespace, blob soft delete, firewall (bypass AzureServices, default action) and shared-key access.
// Reads: GET …/storageAccounts/{a} and …/{a}/blobServices/default (§2.5). Where the documents
// contradict each other (firewall subnets, shared key, subscription) the finding says so and names
// them; what no document states is marked unconfirmed.
import type { CheckOutcome } from '../core/finding';
import type { BlobServiceResource, CacheStorageRead, ControlPlaneFacts, StorageAccountResource } from '../facts/control-plane/types';
import { defineCheck } from './helpers/check-context';
import { controlPlaneOrSkip, isControlPlane, missingOutcome, nameOfId, regionEvidence, regionText, sourcesOf, subscriptionOfId } from './helpers/arm-findings';
import { quoteSh } from './helpers/outbound-rules';

export const CACHE_REFERENCE = {
  table: 'azure-control-plane.md §4.3 (SM25 azure-to-azure-support-matrix.md 2025-06-13; CHURN 2026-01-06; ARCH 2022-04-28; PE 2020-07-13; KEYOFF 2025-10-09)',
  location: 'SM25: "Same region as virtual machine"',
  subscription:
    'SM25: "must be in the same subscription as the source virtual machine(s)"; PowerShell allows the target subscription; the 2023 matrix said it "need not" be',
  kind: 'SM25: GPv2 "recommended because GPv1 doesn\'t support ZRS"; GPv1 300 disks at 4 MB/s (150 at 8) vs GPv2 750 (375); CHURN: "Use Premium Block Blob storage accounts to get High Churn", Normal Churn lists "only Standard" accounts',
  softDelete: 'SM25: "Soft delete: Not supported"',
  firewall:
    "SM25: \"ensure you 'Allow trusted Microsoft services'… at least one subnet of source Vnet\"; elsewhere \"Don't restrict… allow access from 'All networks'\"; MicrosoftDocs/azure-docs issues #104166 and #111240 report the contradiction; PR #128324 (2026-03-23) asks for all source subnets",
  sharedKey:
    'SM25: the account "must allow shared key access and… SAS"; KEYOFF (asr-turn-off-key-authentication-cache.md, 2025-10-09): Site Recovery "now supports cache accounts with key-based authentication disabled" once the vault\'s managed identity has access (PE: Standard → Contributor + Storage Blob Data Contributor, Premium → Contributor + Storage Blob Data Owner)',
} as const;

type RowStatus = 'pass' | 'warn' | 'fail' | 'unknown';
interface Row {
  row: string;
  status: RowStatus;
  text: string;
  fix?: string;
  field: Record<string, unknown>;
}

export const azureCacheStorage = defineCheck({
  id: 'azure.cache-storage',
  title: 'Cache storage account settings',
  description:
    'For each --cache-storage-account: same region and subscription as the VM, a supported kind (GPv2 Standard; Premium block blob for High Churn), no blob soft delete, a firewall that lets Site Recovery in, and shared-key access.',
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 75_000,
  needs: ['controlPlane'],
  explain: {
    judges:
      'One finding per --cache-storage-account: location, subscription, kind and SKU, hierarchical namespace, blob soft delete, firewall and shared-key access, row by row; a contradiction between documents is named, what no document states is marked unconfirmed.',
    sources: Object.values(CACHE_REFERENCE),
    remediation:
      'Use a GPv2 (or Premium block blob for High Churn) account in the source region and subscription, without hierarchical namespace or soft delete, whose firewall admits trusted Azure services.',
  },
  async run(ctx) {
    const cp = await controlPlaneOrSkip(() => ctx.facts.controlPlane());
    return isControlPlane(cp) ? evaluateCacheStorage(cp) : [cp];
  },
});

export function evaluateCacheStorage(cp: ControlPlaneFacts): CheckOutcome[] {
  const set = cp.cacheStorageAccounts;
  if (set.status !== 'ok')
    return [
      missingOutcome(set, 'the cache storage accounts', {
        notAsked: 'Give --cache-storage-account NAME (the storage account Site Recovery caches replicated writes in, in the source region) to judge it.',
      }),
    ];
  if (set.items.length === 0)
    return [{ status: 'skip', summary: 'Not judged: no cache storage account was named. Give --cache-storage-account NAME to judge it.', evidence: {} }];
  return set.items.map((item) => evaluateAccount(cp, item));
}

function accountParts(id: string): { resourceGroup: string; name: string } {
  const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)/i.exec(id);
  return { resourceGroup: m?.[1] ?? '<rg>', name: m?.[2] ?? nameOfId(id) };
}

export function evaluateAccount(cp: ControlPlaneFacts, item: CacheStorageRead): CheckOutcome {
  const named = accountParts(item.id).name;
  if (item.read.status !== 'ok') {
    return missingOutcome(item.read, `the storage account ${named}`, {
      subject: named,
      notFound: `No storage account named ${named} was found in the VM's resource group or subscription: check the name (Site Recovery reports a missing cache account as HvrStorageAccountNotFound, azure-docs#46912). An account in another subscription is not looked up.`,
      evidence: { account: named, id: item.id },
    });
  }
  const a = item.read.value;
  const name = a.name || named;
  const { resourceGroup } = accountParts(a.id || item.id);
  const blob = item.blobService.status === 'ok' ? item.blobService.value : null;
  const rows: Row[] = [
    locationRow(cp, a),
    subscriptionRow(cp, a, item.id),
    kindRow(a, name, resourceGroup),
    hnsRow(a),
    softDeleteRow(item, blob, name, resourceGroup),
    firewallRow(cp, a, name, resourceGroup),
    sharedKeyRow(a, name, resourceGroup),
  ];
  const worst: RowStatus = rows.some((r) => r.status === 'fail') ? 'fail' : rows.some((r) => r.status === 'warn') ? 'warn' : 'pass';
  const evidence = {
    account: name,
    id: a.id || item.id,
    sourceRegion: regionEvidence(cp.sourceRegion),
    rows: rows.map((r) => ({ row: r.row, status: r.status, ...r.field })),
    ...(item.blobService.status !== 'ok'
      ? { blobService: { status: item.blobService.status, why: 'why' in item.blobService ? item.blobService.why : null } }
      : {}),
    reference: CACHE_REFERENCE,
    sources: sourcesOf(item.read, item.blobService),
  };
  const order: RowStatus[] = ['fail', 'warn', 'unknown', 'pass'];
  const sorted = [...rows].sort((x, y) => order.indexOf(x.status) - order.indexOf(y.status));
  const problems = sorted.filter((r) => r.status === 'fail' || r.status === 'warn');
  const unknown = sorted.filter((r) => r.status === 'unknown');
  const notJudged = unknown.length ? ` Not judged: ${unknown.map((r) => r.text).join(' ')}` : '';
  const fixes = sorted.filter((r) => r.fix && r.status !== 'pass');
  const remediation = fixes.length ? fixes.map((r, i) => `${i + 1}. ${r.fix}`).join('\n') : null;
  if (worst === 'pass') {
    return {
      subject: name,
      status: 'pass',
      summary: `Cache storage account ${name} fits Site Recovery: ${rows
        .filter((r) => r.status === 'pass')
        .map((r) => r.text)
        .join(' ')}${notJudged}`,
      remediation,
      evidence,
    };
  }
  const index = (['fail', 'warn'] as const)
    .map((st) => ({ st, rows: problems.filter((r) => r.status === st).map((r) => r.row) }))
    .filter((g) => g.rows.length)
    .map((g) => `${g.st}: ${g.rows.join(', ')}`)
    .join('; ');
  return {
    subject: name,
    status: worst,
    summary: `Cache storage account ${name} (${index}). ${problems.map((r) => r.text).join(' ')}${notJudged}`,
    remediation,
    evidence,
  };
}

function locationRow(cp: ControlPlaneFacts, a: StorageAccountResource): Row {
  const source = cp.sourceRegion.name;
  const location = a.location.toLowerCase().replace(/\s+/g, '');
  const field = { location: a.location, sourceRegion: source };
  if (!source)
    return { row: 'location', status: 'unknown', text: `whether its location ${a.location} is the VM's region (the source region is unknown).`, field };
  if (location === source) return { row: 'location', status: 'pass', text: `In the VM's region ${regionText(source)}.`, field };
  return {
    row: 'location',
    status: 'fail',
    text: `It is in ${a.location || '(no location)'}, not in the VM's region ${regionText(source)}: the cache account must be in the "Same region as virtual machine" (SM25).`,
    fix: `Use a cache storage account in ${source}: az storage account create --resource-group <rg> --name <account> --location ${source} --kind StorageV2 --sku Standard_LRS`,
    field,
  };
}

function subscriptionRow(cp: ControlPlaneFacts, a: StorageAccountResource, itemId: string): Row {
  const vmSub = cp.imds.status === 'ok' ? cp.imds.value.subscriptionId.toLowerCase() : null;
  const accountSub = subscriptionOfId(a.id || itemId);
  const field = { accountSubscription: accountSub, vmSubscription: vmSub };
  if (!vmSub || !accountSub)
    return { row: 'subscription', status: 'unknown', text: "whether it is in the VM's subscription (a subscription id is unknown).", field };
  if (vmSub === accountSub) return { row: 'subscription', status: 'pass', text: "In the VM's subscription.", field };
  return {
    row: 'subscription',
    status: 'warn',
    text: `It is in subscription ${accountSub}, not the VM's ${vmSub}. The documents conflict: the 2025 support matrix says it "must be in the same subscription as the source virtual machine(s)", PowerShell lets it be in the target subscription, and the 2023 matrix said it "need not" be.`,
    fix: `Prefer a cache storage account in the VM's subscription ${vmSub}, as the current support matrix asks.`,
    field,
  };
}

function kindRow(a: StorageAccountResource, name: string, rg: string): Row {
  const kind = a.kind ?? '(none)';
  const tier = a.sku.tier ?? (a.sku.name?.split('_')[0] || null);
  const field = { kind: a.kind, sku: a.sku };
  const k = kind.toLowerCase();
  const t = tier?.toLowerCase() ?? null;
  if (k === 'storagev2' && t === 'standard')
    return { row: 'kind', status: 'pass', text: `General-purpose v2, ${a.sku.name ?? 'Standard'} (the recommended kind).`, field };
  if (k === 'storage')
    return {
      row: 'kind',
      status: 'warn',
      text: `It is a general-purpose v1 account (kind Storage): GPv2 is "recommended because GPv1 doesn't support ZRS", and GPv1 carries fewer replicated disks (300 at 4 MB/s, 150 at 8, against 750 and 375 for GPv2).`,
      fix: `Upgrade it to general-purpose v2: az storage account update --resource-group ${quoteSh(rg)} --name ${quoteSh(name)} --set kind=StorageV2 --access-tier Hot`,
      field,
    };
  if (k === 'blockblobstorage' && t === 'premium')
    return {
      row: 'kind',
      status: 'pass',
      text: 'Premium block blob: right for High Churn ("Use Premium Block Blob storage accounts to get High Churn", CHURN), but Normal Churn takes only Standard accounts, so choose High Churn when enabling replication.',
      field,
    };
  return {
    row: 'kind',
    status: 'warn',
    text: `Its kind is ${kind}${tier ? ` (${tier})` : ''}: the documents name only general-purpose v2 Standard (recommended), general-purpose v1 and Premium block blob (High Churn) for the cache; nothing is said of this kind (unconfirmed).`,
    fix: 'Use a general-purpose v2 Standard account (--kind StorageV2 --sku Standard_LRS) unless Microsoft confirms this kind.',
    field,
  };
}

function hnsRow(a: StorageAccountResource): Row {
  const field = { isHnsEnabled: a.isHnsEnabled };
  if (a.isHnsEnabled === true)
    return {
      row: 'hierarchical namespace',
      status: 'warn',
      text: 'Its hierarchical namespace (Data Lake Storage Gen2) is on: no Azure-to-Azure document says whether a cache account may have it (unconfirmed).',
      fix: 'Prefer a cache account without hierarchical namespace (it cannot be turned off on an existing account: create another).',
      field,
    };
  return { row: 'hierarchical namespace', status: 'pass', text: 'No hierarchical namespace.', field };
}

function softDeleteRow(item: CacheStorageRead, blob: BlobServiceResource | null, name: string, rg: string): Row {
  if (!blob) {
    const why =
      item.blobService.status === 'forbidden'
        ? `the identity may not read it (${item.blobService.grant.command})`
        : 'why' in item.blobService
          ? item.blobService.why
          : 'not read';
    return { row: 'soft delete', status: 'unknown', text: `blob soft delete (the blob service was not read: ${why}).`, field: { deleteRetentionPolicy: null } };
  }
  const field = {
    deleteRetentionPolicy: blob.deleteRetentionPolicy,
    containerDeleteRetentionPolicy: blob.containerDeleteRetentionPolicy,
    isVersioningEnabled: blob.isVersioningEnabled,
  };
  const container =
    blob.containerDeleteRetentionPolicy?.enabled === true ? ' Container soft delete is on too; no document says whether it matters (unconfirmed).' : '';
  if (blob.deleteRetentionPolicy?.enabled === true)
    return {
      row: 'soft delete',
      status: 'fail',
      text: `Blob soft delete is on (${blob.deleteRetentionPolicy.days ?? '?'} days): the support matrix says "Soft delete: Not supported" for the cache account.${container}`,
      fix: `Turn blob soft delete off: az storage account blob-service-properties update --resource-group ${quoteSh(rg)} --account-name ${quoteSh(name)} --enable-delete-retention false`,
      field,
    };
  return { row: 'soft delete', status: 'pass', text: `Blob soft delete is off.${container}`, field };
}

function firewallRow(cp: ControlPlaneFacts, a: StorageAccountResource, name: string, rg: string): Row {
  const acls = a.networkAcls;
  const field = { networkAcls: acls, publicNetworkAccess: a.publicNetworkAccess };
  const disabled =
    a.publicNetworkAccess?.toLowerCase() === 'disabled'
      ? ' Public network access is Disabled: only private endpoints reach it, which Site Recovery supports with a private endpoint for the cache (PE); not judged further here.'
      : '';
  if (!acls || (acls.defaultAction ?? 'Allow').toLowerCase() === 'allow')
    return { row: 'firewall', status: 'pass', text: `Its firewall allows all networks${acls ? '' : ' (ARM gave no network rules)'}.${disabled}`, field };
  const bypass = (acls.bypass ?? '')
    .split(/[\s,]+/)
    .map((b) => b.trim())
    .filter((b) => b && b.toLowerCase() !== 'none');
  const trusted = bypass.some((b) => b.toLowerCase() === 'azureservices');
  const vmSubnets =
    cp.networkInterfaces.status === 'ok'
      ? [
          ...new Set(
            cp.networkInterfaces.items.flatMap((n) =>
              n.read.status === 'ok' ? n.read.value.ipConfigurations.map((c) => c.subnetId).filter((s): s is string => !!s) : [],
            ),
          ),
        ]
      : null;
  const listed = (id: string) => acls.virtualNetworkRules.some((r) => r.id.toLowerCase() === id.toLowerCase());
  const missingSubnets = vmSubnets ? vmSubnets.filter((s) => !listed(s)) : null;
  const subnetText =
    missingSubnets === null
      ? " The VM's subnets are not known, so whether its subnet is allowed was not compared."
      : missingSubnets.length
        ? ` The VM's subnet ${missingSubnets.map(nameOfId).join(', ')} is not among its virtual network rules.`
        : " The VM's subnet is among its virtual network rules.";
  const subnetFix = (missingSubnets ?? []).map(
    (s) =>
      `az storage account network-rule add --resource-group ${quoteSh(rg)} --account-name ${quoteSh(name)} --subnet ${quoteSh(s)} (the subnet needs the Microsoft.Storage service endpoint)`,
  );
  if (!trusted)
    return {
      row: 'firewall',
      status: 'fail',
      text: `Its firewall denies by default and does not let trusted Microsoft services in (bypass ${acls.bypass ?? 'None'}): Site Recovery cannot write to it ("ensure you 'Allow trusted Microsoft services'", SM25).${subnetText}${disabled}`,
      fix: [
        `Allow trusted Microsoft services: az storage account update --resource-group ${quoteSh(rg)} --name ${quoteSh(name)} --bypass ${[...bypass, 'AzureServices'].join(' ')}`,
        ...subnetFix,
        `Or allow access from all networks (az storage account update --resource-group ${quoteSh(rg)} --name ${quoteSh(name)} --default-action Allow), as another passage of the docs asks.`,
      ].join('\n   '),
      field,
    };
  return {
    row: 'firewall',
    status: 'warn',
    text: `Its firewall denies by default but lets trusted Microsoft services in.${subnetText} The documents contradict each other here: the support matrix asks for "Allow trusted Microsoft services" and "at least one subnet of source Vnet", yet also "Don't restrict… allow access from 'All networks'" (issues #104166, #111240); a 2026 revision (PR #128324) asks for all source subnets.${disabled}`,
    fix: [
      ...(subnetFix.length ? subnetFix : []),
      `Or allow access from all networks, the one setting every passage accepts: az storage account update --resource-group ${quoteSh(rg)} --name ${quoteSh(name)} --default-action Allow`,
    ].join('\n   '),
    field,
  };
}

function sharedKeyRow(a: StorageAccountResource, name: string, rg: string): Row {
  const field = { allowSharedKeyAccess: a.allowSharedKeyAccess };
  if (a.allowSharedKeyAccess !== false)
    return {
      row: 'shared key',
      status: 'pass',
      text: `Shared-key access is allowed${a.allowSharedKeyAccess === null ? ' (not set, which ARM documents as allowed)' : ''}.`,
      field,
    };
  return {
    row: 'shared key',
    status: 'warn',
    text: 'Shared-key access is off. The documents conflict: the support matrix says the cache "must allow shared key access and… SAS" (writes then fail with KeyBasedAuthenticationNotPermitted), while a 2025 article says Site Recovery now supports cache accounts with key-based authentication disabled once the vault\'s managed identity has access (KEYOFF). Whether the vault has a managed identity with those roles on this account is not read here.',
    fix: `Either give the vault's managed identity Contributor and Storage Blob Data Contributor (Premium: Storage Blob Data Owner) on the account, or allow shared keys: az storage account update --resource-group ${quoteSh(rg)} --name ${quoteSh(name)} --allow-shared-key-access true`,
    field,
  };
}
