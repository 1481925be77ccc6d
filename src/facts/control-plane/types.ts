// The control-plane facts: what Azure Resource Manager (ARM) says about this VM, its network, the
// vaults of its subscription and the target region, read with the VM's identity at Reader level
// (project reference azure-control-plane.md §2). The contract between the readers (this folder) and
// the checks that judge them: checks import these types only.
//
// Every ARM read is an ArmRead: the value, or a typed reason it is missing (forbidden: which role to
// grant, and the exact command; unavailable: why; not-asked: why it was not attempted). Values are
// plain, sanitised JSON (strings capped, arrays bounded): never a token, never a secret.
//
// The ARM shapes of network security groups, route tables and service tags are kept as ARM returns
// them (sanitised), so the pure NSG evaluation (checks/helpers/nsg-evaluation.ts) takes them as is.

// ---------------------------------------------------------------------------------------------
// Reads and the reasons a read is missing.

/** Where a value came from: one ARM call (all its pages). */
export interface ArmSource {
  method: 'GET' | 'POST';
  /** The path asked for, without host or query ("/subscriptions/…/virtualMachines/vm1"). */
  path: string;
  apiVersion: string;
  /** Pages read (1 unless the answer had a nextLink). */
  pages: number;
  /** Answers of 429/503 waited out before the value came. */
  throttledWaits: number;
}

/** What a check needs to tell someone to grant: reference §5 (Reader grants every read action). */
export interface RoleGrant {
  /** The built-in role that covers the action ("Reader"). */
  role: string;
  /** Where to grant it: the subscription of the refused scope ("/subscriptions/<id>"). */
  scope: string;
  /**
   * The exact command: `az role assignment create --assignee-object-id <principal id>
   * --assignee-principal-type ServicePrincipal --role Reader --scope /subscriptions/<sub>`; the
   * principal id is the token's oid claim, or the placeholder "<principal-id>" when it is unknown.
   */
  command: string;
}

export interface ArmOk<T> {
  status: 'ok';
  value: T;
  source: ArmSource;
}

/** 403 AuthorizationFailed: the identity lacks a role. */
export interface ArmForbidden {
  status: 'forbidden';
  /** The action ARM named ("Microsoft.Compute/virtualMachines/read"), or null when its message did not name one. */
  action: string | null;
  /** The scope ARM named, or the path asked for when its message did not name one. */
  scope: string;
  grant: RoleGrant;
  /** ARM's error code ("AuthorizationFailed", or another 403 code). */
  code: string | null;
  /** The request that was refused. */
  source: ArmSource;
}

/**
 * Why a value could not be had:
 * - not-azure: neither the chassis asset tag nor IMDS says this is an Azure VM (and no --arm-endpoint);
 * - no-imds: IMDS could not be read, so the VM's subscription, group and name are unknown;
 * - no-identity: no token (no managed identity, wrong --client-id, service principal refused);
 * - unauthenticated: ARM refused the token (401);
 * - not-found: 404 (the resource, or the resource provider, is not there);
 * - throttled: 429/503 whose Retry-After would pass the deadline, or too many of them;
 * - timeout: no (complete) answer within the call's time bound or the run's deadline;
 * - http: another HTTP status (see httpStatus, code);
 * - malformed: the answer is not the JSON expected (or was cut off at the size cap);
 * - network: DNS, TCP, proxy or TLS failed (the guest client's layers);
 * - refused: not contacted by policy (ASR_READY_LOOPBACK_ONLY and a non-loopback address);
 * - incomplete: the read this one depends on is missing (e.g. the NIC ids come from the VM read).
 */
export type UnavailableReason =
  | 'not-azure'
  | 'no-imds'
  | 'no-identity'
  | 'unauthenticated'
  | 'not-found'
  | 'throttled'
  | 'timeout'
  | 'http'
  | 'malformed'
  | 'network'
  | 'refused'
  | 'incomplete';

export interface ArmUnavailable {
  status: 'unavailable';
  reason: UnavailableReason;
  /** One sentence for the report (never a token). */
  why: string;
  /** The HTTP status, when ARM answered one. */
  httpStatus?: number;
  /** ARM's error code ("ResourceNotFound", "SubscriptionRequestsThrottled"), when it gave one. */
  code?: string;
  /** The request, when one was made. */
  source?: ArmSource;
}

/** Deliberately not attempted: no target region given, no cache account named, a size unknown… */
export interface ArmNotAsked {
  status: 'not-asked';
  why: string;
}

export type ArmMissing = ArmForbidden | ArmUnavailable | ArmNotAsked;

/** One ARM read: the value, or why it is missing. */
export type ArmRead<T> = ArmOk<T> | ArmMissing;

/** One resource of several of a kind (the NICs of the VM, their subnets…), by ARM id. */
export interface ResourceRead<T> {
  /** The ARM id as the referring resource spelt it. */
  id: string;
  read: ArmRead<T>;
}

/**
 * A set of resources whose ids come from other reads (NICs from the VM, subnets from the NICs…):
 * the items, each read on its own (each item may itself be forbidden or unavailable). The set is
 * 'ok' only when every read its ids come from is ok; otherwise it is the first such read's reason
 * (a forbidden NIC read makes the subnet set forbidden, with the same grant), so an 'ok' set is
 * complete. An empty `items` means there are none (no NSG on the NIC or the subnet).
 */
export type ReadSet<I> = { status: 'ok'; items: I[] } | ArmMissing;

// ---------------------------------------------------------------------------------------------
// Identity, IMDS and regions.

export type IdentityKind = 'managed-identity' | 'service-principal';

export interface IdentityFact {
  /** Which identity is used; null when none can be (not on Azure and no service principal). */
  kind: IdentityKind | null;
  /** Managed identity: 'system-assigned', or 'user-assigned' when --client-id names one. */
  assignment: 'system-assigned' | 'user-assigned' | null;
  /** User-assigned identity's or service principal's client (application) id; null for system-assigned. */
  clientId: string | null;
  /** Service principal's tenant; null for a managed identity. */
  tenantId: string | null;
  /** The principal (object) id from the token's oid claim (decoded, not verified); null until a token is had, or when it lacks one. */
  principalId: string | null;
  /** The audience asked for (resource= / scope). */
  audience: string | null;
  /** Was a token obtained? (The token itself is never kept in facts.) */
  token: 'obtained' | 'failed' | 'not-asked';
  /** Why no token, when token is 'failed' or 'not-asked'. */
  why: string | null;
}

/** A network interface as IMDS lists it (no order guaranteed). */
export interface ImdsInterface {
  /** As IMDS spells it ("000D3AF806EC"). */
  macAddress: string;
  /** Normalised: 12 upper-case hex digits, no separators ("000D3AF806EC"). */
  mac: string;
  privateIpAddresses: string[];
  publicIpAddresses: string[];
  /** "10.1.0.0/24". */
  subnets: string[];
}

/** What IMDS says locates the VM in ARM. Strings as IMDS gives them ('' when absent). */
export interface ImdsVmFacts {
  azEnvironment: string;
  subscriptionId: string;
  resourceGroupName: string;
  name: string;
  /** As IMDS gives it ("westus"). */
  location: string;
  vmSize: string;
  /** "" when not zonal. */
  zone: string;
  resourceId: string;
  interfaces: ImdsInterface[];
}

export interface ImdsSource {
  endpoint: string;
  apiVersion: string;
}

export type ImdsRead = { status: 'ok'; value: ImdsVmFacts; source: ImdsSource } | ArmUnavailable | ArmNotAsked;

export interface RegionFact {
  /** Normalised ARM location name ("westus2", normaliseRegionName), or null when unknown. */
  name: string | null;
  /** As given or read ("West US 2"), or null. */
  given: string | null;
  /** Where it came from: --target-region (option), IMDS compute.location, the VM resource's location. */
  from: 'option' | 'imds' | 'vm-resource' | null;
}

// ---------------------------------------------------------------------------------------------
// ARM resources (sanitised). Fields ARM did not give are null (or empty arrays).

/** GET …/virtualMachines/{vm} (2.2). */
export interface VmResource {
  id: string;
  name: string;
  location: string;
  vmSize: string;
  zones: string[];
  /** "V1" | "V2" when the VM resource carries it (properties.hyperVGeneration or instanceView); often absent: null. */
  hyperVGeneration: string | null;
  /** properties.securityProfile.securityType ("TrustedLaunch", "ConfidentialVM"), or null. */
  securityType: string | null;
  networkInterfaces: Array<{ id: string; primary: boolean | null }>;
  provisioningState: string | null;
}

/** An ipConfiguration of a NIC. */
export interface NicIpConfiguration {
  name: string;
  primary: boolean | null;
  privateIPAddress: string | null;
  subnetId: string | null;
}

/** GET …/networkInterfaces/{n} (2.6), paired with the IMDS interface of the same MAC. */
export interface NetworkInterfaceResource {
  id: string;
  name: string;
  location: string;
  /** As ARM spells it ("00-0D-3A-1B-C7-21"), or null. */
  macAddress: string | null;
  /** Normalised like ImdsInterface.mac, or null. */
  mac: string | null;
  primary: boolean | null;
  networkSecurityGroupId: string | null;
  enableAcceleratedNetworking: boolean | null;
  ipConfigurations: NicIpConfiguration[];
  /** The IMDS interface with the same normalised MAC, or null when none matches. */
  imdsInterface: ImdsInterface | null;
}

/** GET …/virtualNetworks/{v}/subnets/{sn} (2.6). */
export interface SubnetResource {
  id: string;
  name: string;
  /** addressPrefix and addressPrefixes together. */
  addressPrefixes: string[];
  networkSecurityGroupId: string | null;
  routeTableId: string | null;
  natGatewayId: string | null;
  serviceEndpoints: Array<{ service: string; locations: string[] }>;
  defaultOutboundAccess: boolean | null;
}

/** A security rule as ARM returns it (GET …/networkSecurityGroups/{g}). Same shape as nsg-evaluation's. */
export interface ArmSecurityRule {
  name?: string;
  id?: string;
  properties?: ArmSecurityRuleProperties;
}

export interface ArmSecurityRuleProperties {
  priority?: number;
  direction?: string;
  access?: string;
  /** Tcp | Udp | Icmp | Esp | Ah | *. */
  protocol?: string;
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  sourceApplicationSecurityGroups?: Array<{ id?: string }>;
  sourcePortRange?: string;
  sourcePortRanges?: string[];
  description?: string;
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  destinationApplicationSecurityGroups?: Array<{ id?: string }>;
  destinationPortRange?: string;
  destinationPortRanges?: string[];
}

/** GET …/networkSecurityGroups/{g} (2.6): securityRules and the read-only defaultSecurityRules. */
export interface ArmNetworkSecurityGroup {
  id?: string;
  name?: string;
  location?: string;
  properties?: {
    securityRules?: ArmSecurityRule[];
    defaultSecurityRules?: ArmSecurityRule[];
  };
}

export interface ArmRoute {
  name?: string;
  id?: string;
  properties?: { addressPrefix?: string; nextHopType?: string; nextHopIpAddress?: string };
}

/** GET …/routeTables/{t} (2.6). */
export interface ArmRouteTable {
  id?: string;
  name?: string;
  location?: string;
  properties?: { routes?: ArmRoute[]; disableBgpRoutePropagation?: boolean };
}

/** GET …/Microsoft.RecoveryServices/vaults (2.1), one entry. */
export interface VaultResource {
  id: string;
  name: string;
  /** As ARM gives it; compare with normaliseRegionName. */
  location: string;
  provisioningState: string | null;
}

/** GET …/locations/{loc}/usages (2.3), one entry. */
export interface UsageEntry {
  /** name.value ("cores", "standardDSv3Family"). */
  name: string;
  /** name.localizedValue ("Total Regional vCPUs"). */
  localizedName: string;
  currentValue: number;
  limit: number;
  unit: string;
}

export interface SkuRestriction {
  /** "Location" | "Zone". */
  type: string;
  values: string[];
  reasonCode: string | null;
  locations: string[];
  zones: string[];
}

/** The VM size's entry of GET …/Microsoft.Compute/skus?$filter=location eq '{target}' (2.4). */
export interface ResourceSku {
  name: string;
  tier: string | null;
  size: string | null;
  /** "standardDSv3Family": joins usage name.value (case-insensitively; reference §2.3, unconfirmed as a contract). */
  family: string | null;
  locations: string[];
  /** Every capability, by name ("vCPUs" → "2"). */
  capabilities: Record<string, string>;
  vCPUs: number | null;
  vCPUsAvailable: number | null;
  memoryGB: number | null;
  maxNetworkInterfaces: number | null;
  /** From "HyperVGenerations" ("V1,V2" → ["V1", "V2"]). */
  hyperVGenerations: string[];
  /** locationInfo[].zones for the target location. */
  zones: string[];
  /** Empty when there are none. */
  restrictions: SkuRestriction[];
}

/**
 * The target region's SKU read: `sku` is null when the size is not in the region's list at all
 * (not offered there); `listed` counts the virtualMachines SKUs read.
 */
export interface TargetSku {
  vmSize: string;
  sku: ResourceSku | null;
  listed: number;
}

export interface StorageNetworkAcls {
  /** "AzureServices", "Logging, Metrics, AzureServices", "None". */
  bypass: string | null;
  /** "Allow" | "Deny". */
  defaultAction: string | null;
  ipRules: string[];
  virtualNetworkRules: Array<{ id: string; action: string | null; state: string | null }>;
}

/** GET …/storageAccounts/{a} (2.5). */
export interface StorageAccountResource {
  id: string;
  name: string;
  /** "StorageV2" | "Storage" | "BlockBlobStorage" | … */
  kind: string | null;
  sku: { name: string | null; tier: string | null };
  location: string;
  isHnsEnabled: boolean | null;
  networkAcls: StorageNetworkAcls | null;
  /** null = ARM did not say, which ARM documents as equivalent to true. */
  allowSharedKeyAccess: boolean | null;
  publicNetworkAccess: string | null;
}

export interface RetentionPolicy {
  enabled: boolean | null;
  days: number | null;
}

/** GET …/storageAccounts/{a}/blobServices/default (2.5). */
export interface BlobServiceResource {
  deleteRetentionPolicy: RetentionPolicy | null;
  containerDeleteRetentionPolicy: RetentionPolicy | null;
  isVersioningEnabled: boolean | null;
}

/** A cache storage account named by --cache-storage-account, with its blob service. */
export interface CacheStorageRead extends ResourceRead<StorageAccountResource> {
  /** not-asked when the account itself could not be read. */
  blobService: ArmRead<BlobServiceResource>;
}

/** GET …/locations/{loc}/serviceTags (2.7), as ARM returns it (sanitised): buildServiceTagIndex takes it. */
export interface ArmServiceTagsList {
  changeNumber?: string;
  cloud?: string;
  values?: Array<{
    name?: string;
    id?: string;
    properties?: { changeNumber?: string; region?: string; systemService?: string; addressPrefixes?: string[] };
  }>;
}

export interface EligibilityError {
  code: string;
  message: string | null;
  possibleCauses: string | null;
  recommendedAction: string | null;
  /** "Error" | "Warning" … */
  status: string | null;
}

/** GET …/virtualMachines/{vm}/providers/Microsoft.RecoveryServices/replicationEligibilityResults/default (2.9). */
export interface EligibilityResult {
  errors: EligibilityError[];
}

// ---------------------------------------------------------------------------------------------
// The whole.

export interface ControlPlaneFacts {
  /** Was ARM contacted at all? False: `why` says why not (and every read is not-asked or unavailable). */
  contacted: boolean;
  why: string | null;
  /** Cloud by IMDS compute.azEnvironment ("AzureCloud"), or null. */
  cloud: string | null;
  /** The ARM endpoint used (the cloud's, or --arm-endpoint), or null. */
  endpoint: string | null;
  identity: IdentityFact;
  /** The VM's subscription, group, name, location, size, zone and interfaces from IMDS. */
  imds: ImdsRead;
  sourceRegion: RegionFact;
  /** From --target-region; name null when not given (then usages and SKU are not-asked). */
  targetRegion: RegionFact;
  vm: ArmRead<VmResource>;
  /** The VM's NICs (ids from vm), each matched to its IMDS interface by MAC. */
  networkInterfaces: ReadSet<ResourceRead<NetworkInterfaceResource>>;
  /** The subnets of the NICs' ipConfigurations, each once. */
  subnets: ReadSet<ResourceRead<SubnetResource>>;
  /** The NSGs of the NICs and of the subnets, each once (which level: compare ids with NIC/subnet networkSecurityGroupId). */
  networkSecurityGroups: ReadSet<ResourceRead<ArmNetworkSecurityGroup>>;
  /** The route tables of the subnets, each once. */
  routeTables: ReadSet<ResourceRead<ArmRouteTable>>;
  /** Recovery Services vaults of the VM's subscription (all pages). */
  vaults: ArmRead<VaultResource[]>;
  /** Compute usages of the target region in the VM's subscription (target subscription assumed the same). */
  targetUsages: ArmRead<UsageEntry[]>;
  /** The VM size's resource SKU in the target region. */
  targetSku: ArmRead<TargetSku>;
  /** The cache storage accounts named (--cache-storage-account); not-asked when none. */
  cacheStorageAccounts: ReadSet<CacheStorageRead>;
  /** Service tags, asked at the source region (the location is a version reference, not a filter). */
  serviceTags: ArmRead<ArmServiceTagsList>;
  /** ASR's own eligibility verdict for this VM (source side only). */
  eligibility: ArmRead<EligibilityResult>;
  /** ARM requests made (pages and retries included). */
  requests: number;
}
