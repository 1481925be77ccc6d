// ARM answers → the control-plane fact shapes (types.ts): each field read by its type, strings
// capped, lists bounded. Pure; never throws, whatever JSON it is given.
import { arr, bool, normaliseMac, num, obj, pick, str, strs } from './arm-json';
import type {
  ArmNetworkSecurityGroup,
  ArmRouteTable,
  ArmSecurityRule,
  ArmServiceTagsList,
  BlobServiceResource,
  EligibilityResult,
  ImdsInterface,
  ImdsVmFacts,
  NetworkInterfaceResource,
  ResourceSku,
  RetentionPolicy,
  StorageAccountResource,
  SubnetResource,
  UsageEntry,
  VaultResource,
  VmResource,
} from './types';

/** An NSG holds at most 1,000 rules; a route table 400 routes (Azure limits); more is not ARM. */
const MAX_RULES = 1_000;
const MAX_ROUTES = 1_000;
const MAX_NICS = 64;
const MAX_LIST = 10_000;
const MAX_TAGS = 10_000;
const MAX_PREFIXES_PER_TAG = 100_000;

const s = (v: unknown): string => str(v) ?? '';

/** IMDS's instance document → where the VM is in ARM, and its interfaces. */
export function imdsVmFrom(body: unknown): ImdsVmFacts {
  const compute = obj(obj(body).compute);
  const interfaces = arr(obj(obj(body).network).interface, MAX_NICS).map((i): ImdsInterface => {
    const ipv4 = obj(obj(i).ipv4);
    const addresses = arr(ipv4.ipAddress, 256).map(obj);
    return {
      macAddress: s(obj(i).macAddress),
      mac: normaliseMac(str(obj(i).macAddress)) ?? '',
      privateIpAddresses: addresses.map((a) => str(a.privateIpAddress)).filter((a): a is string => !!a),
      publicIpAddresses: addresses.map((a) => str(a.publicIpAddress)).filter((a): a is string => !!a),
      subnets: arr(ipv4.subnet, 256)
        .map(obj)
        .filter((n) => typeof n.address === 'string')
        .map((n) => `${s(n.address)}/${s(n.prefix)}`),
    };
  });
  return {
    azEnvironment: s(compute.azEnvironment),
    subscriptionId: s(compute.subscriptionId),
    resourceGroupName: s(compute.resourceGroupName),
    name: s(compute.name),
    location: s(compute.location),
    vmSize: s(compute.vmSize),
    zone: s(compute.zone),
    resourceId: s(compute.resourceId),
    interfaces,
  };
}

export function vmFrom(body: unknown): VmResource {
  const b = obj(body);
  const p = obj(b.properties);
  const instanceView = obj(p.instanceView);
  return {
    id: s(b.id),
    name: s(b.name),
    location: s(b.location),
    vmSize: s(obj(p.hardwareProfile).vmSize),
    zones: strs(b.zones, 8),
    hyperVGeneration: str(p.hyperVGeneration) ?? str(instanceView.hyperVGeneration),
    securityType: str(obj(p.securityProfile).securityType),
    networkInterfaces: arr(obj(p.networkProfile).networkInterfaces, MAX_NICS)
      .map(obj)
      .filter((n) => typeof n.id === 'string')
      .map((n) => ({ id: s(n.id), primary: bool(n.primary ?? obj(n.properties).primary) })),
    provisioningState: str(p.provisioningState),
  };
}

export function nicFrom(body: unknown, imds: readonly ImdsInterface[]): NetworkInterfaceResource {
  const b = obj(body);
  const p = obj(b.properties);
  const mac = normaliseMac(str(p.macAddress));
  return {
    id: s(b.id),
    name: s(b.name),
    location: s(b.location),
    macAddress: str(p.macAddress),
    mac,
    primary: bool(p.primary),
    networkSecurityGroupId: str(obj(p.networkSecurityGroup).id),
    enableAcceleratedNetworking: bool(p.enableAcceleratedNetworking),
    ipConfigurations: arr(p.ipConfigurations, 256).map((c) => {
      const cp = obj(obj(c).properties);
      return { name: s(obj(c).name), primary: bool(cp.primary), privateIPAddress: str(cp.privateIPAddress), subnetId: str(obj(cp.subnet).id) };
    }),
    imdsInterface: (mac && imds.find((i) => i.mac === mac)) || null,
  };
}

export function subnetFrom(body: unknown): SubnetResource {
  const b = obj(body);
  const p = obj(b.properties);
  const prefixes = [...(typeof p.addressPrefix === 'string' ? [s(p.addressPrefix)] : []), ...strs(p.addressPrefixes, 256)];
  return {
    id: s(b.id),
    name: s(b.name),
    addressPrefixes: [...new Set(prefixes)],
    networkSecurityGroupId: str(obj(p.networkSecurityGroup).id),
    routeTableId: str(obj(p.routeTable).id),
    natGatewayId: str(obj(p.natGateway).id),
    serviceEndpoints: arr(p.serviceEndpoints, 256).map((e) => ({ service: s(obj(e).service), locations: strs(obj(e).locations, 256) })),
    defaultOutboundAccess: bool(p.defaultOutboundAccess),
  };
}

const RULE_FIELDS = {
  priority: 'number',
  direction: 'string',
  access: 'string',
  protocol: 'string',
  sourceAddressPrefix: 'string',
  sourceAddressPrefixes: 'strings',
  sourceApplicationSecurityGroups: 'ids',
  sourcePortRange: 'string',
  sourcePortRanges: 'strings',
  description: 'string',
  destinationAddressPrefix: 'string',
  destinationAddressPrefixes: 'strings',
  destinationApplicationSecurityGroups: 'ids',
  destinationPortRange: 'string',
  destinationPortRanges: 'strings',
} as const;

function ruleFrom(rule: unknown): ArmSecurityRule {
  const r = obj(rule);
  return {
    ...pick(r, { name: 'string', id: 'string' }),
    ...(r.properties !== undefined ? { properties: pick(r.properties, RULE_FIELDS) } : {}),
  } as ArmSecurityRule;
}

/** The ARM shape, kept (sanitised): nsg-evaluation.ts takes it as is. */
export function nsgFrom(body: unknown): ArmNetworkSecurityGroup {
  const b = obj(body);
  const p = obj(b.properties);
  return {
    ...(pick(b, { id: 'string', name: 'string', location: 'string' }) as { id?: string; name?: string; location?: string }),
    properties: {
      ...(Array.isArray(p.securityRules) ? { securityRules: arr(p.securityRules, MAX_RULES).map(ruleFrom) } : {}),
      ...(Array.isArray(p.defaultSecurityRules) ? { defaultSecurityRules: arr(p.defaultSecurityRules, MAX_RULES).map(ruleFrom) } : {}),
    },
  };
}

export function routeTableFrom(body: unknown): ArmRouteTable {
  const b = obj(body);
  const p = obj(b.properties);
  return {
    ...(pick(b, { id: 'string', name: 'string', location: 'string' }) as { id?: string; name?: string; location?: string }),
    properties: {
      ...(Array.isArray(p.routes)
        ? {
            routes: arr(p.routes, MAX_ROUTES).map((route) => ({
              ...(pick(route, { name: 'string', id: 'string' }) as { name?: string; id?: string }),
              properties: pick(obj(route).properties, { addressPrefix: 'string', nextHopType: 'string', nextHopIpAddress: 'string' }) as {
                addressPrefix?: string;
                nextHopType?: string;
                nextHopIpAddress?: string;
              },
            })),
          }
        : {}),
      ...(typeof p.disableBgpRoutePropagation === 'boolean' ? { disableBgpRoutePropagation: p.disableBgpRoutePropagation } : {}),
    },
  };
}

export function vaultFrom(entry: unknown): VaultResource {
  const e = obj(entry);
  return { id: s(e.id), name: s(e.name), location: s(e.location), provisioningState: str(obj(e.properties).provisioningState) };
}

export function usageFrom(entry: unknown): UsageEntry {
  const e = obj(entry);
  return {
    name: s(obj(e.name).value),
    localizedName: s(obj(e.name).localizedValue),
    currentValue: num(e.currentValue) ?? 0,
    limit: num(e.limit) ?? 0,
    unit: s(e.unit),
  };
}

/** One resourceSkus entry; `location` picks the locationInfo zones of the target region. */
export function skuFrom(entry: unknown, location: string): ResourceSku {
  const e = obj(entry);
  const capabilities: Record<string, string> = {};
  for (const c of arr(e.capabilities, 512).map(obj)) {
    const name = str(c.name);
    // Own-property writes only: a capability named "__proto__" stays data.
    if (name !== null && typeof c.value === 'string')
      Object.defineProperty(capabilities, name, { value: s(c.value), enumerable: true, writable: true, configurable: true });
  }
  const cap = (name: string) => (Object.prototype.hasOwnProperty.call(capabilities, name) ? capabilities[name]! : null);
  const wanted = location.toLowerCase();
  const info = arr(e.locationInfo, 256)
    .map(obj)
    .filter((i) => str(i.location)?.toLowerCase().replace(/\s+/g, '') === wanted);
  return {
    name: s(e.name),
    tier: str(e.tier),
    size: str(e.size),
    family: str(e.family),
    locations: strs(e.locations, 256),
    capabilities,
    vCPUs: num(cap('vCPUs')),
    vCPUsAvailable: num(cap('vCPUsAvailable')),
    memoryGB: num(cap('MemoryGB')),
    maxNetworkInterfaces: num(cap('MaxNetworkInterfaces')),
    hyperVGenerations: (cap('HyperVGenerations') ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean),
    zones: [...new Set(info.flatMap((i) => strs(i.zones, 16)))],
    restrictions: arr(e.restrictions, 256).map((r) => {
      const ro = obj(r);
      const ri = obj(ro.restrictionInfo);
      return { type: s(ro.type), values: strs(ro.values, 256), reasonCode: str(ro.reasonCode), locations: strs(ri.locations, 256), zones: strs(ri.zones, 16) };
    }),
  };
}

export function storageAccountFrom(body: unknown): StorageAccountResource {
  const b = obj(body);
  const p = obj(b.properties);
  const acls = p.networkAcls === undefined || p.networkAcls === null ? null : obj(p.networkAcls);
  return {
    id: s(b.id),
    name: s(b.name),
    kind: str(b.kind),
    sku: { name: str(obj(b.sku).name), tier: str(obj(b.sku).tier) },
    location: s(b.location),
    isHnsEnabled: bool(p.isHnsEnabled),
    networkAcls: acls && {
      bypass: str(acls.bypass),
      defaultAction: str(acls.defaultAction),
      ipRules: arr(acls.ipRules, MAX_LIST)
        .map((r) => str(obj(r).value))
        .filter((v): v is string => v !== null),
      virtualNetworkRules: arr(acls.virtualNetworkRules, MAX_LIST).map((r) => ({ id: s(obj(r).id), action: str(obj(r).action), state: str(obj(r).state) })),
    },
    allowSharedKeyAccess: bool(p.allowSharedKeyAccess),
    publicNetworkAccess: str(p.publicNetworkAccess),
  };
}

function retention(v: unknown): RetentionPolicy | null {
  if (v === undefined || v === null) return null;
  return { enabled: bool(obj(v).enabled), days: num(obj(v).days) };
}

export function blobServiceFrom(body: unknown): BlobServiceResource {
  const p = obj(obj(body).properties);
  return {
    deleteRetentionPolicy: retention(p.deleteRetentionPolicy),
    containerDeleteRetentionPolicy: retention(p.containerDeleteRetentionPolicy),
    isVersioningEnabled: bool(p.isVersioningEnabled),
  };
}

/** The service tag list in ARM's shape (values of all pages), sanitised. */
export function serviceTagsFrom(first: Record<string, unknown>, values: readonly unknown[]): ArmServiceTagsList {
  return {
    ...(pick(first, { changeNumber: 'string', cloud: 'string' }) as { changeNumber?: string; cloud?: string }),
    values: values.slice(0, MAX_TAGS).map((v) => {
      const p = obj(obj(v).properties);
      return {
        ...(pick(v, { name: 'string', id: 'string' }) as { name?: string; id?: string }),
        properties: {
          ...(pick(p, { changeNumber: 'string', region: 'string', systemService: 'string' }) as {
            changeNumber?: string;
            region?: string;
            systemService?: string;
          }),
          addressPrefixes: strs(p.addressPrefixes, MAX_PREFIXES_PER_TAG),
        },
      };
    }),
  };
}

export function eligibilityFrom(body: unknown): EligibilityResult {
  return {
    errors: arr(obj(obj(body).properties).errors, 256).map((e) => {
      const o = obj(e);
      return {
        code: s(o.code),
        message: str(o.message),
        possibleCauses: str(o.possibleCauses),
        recommendedAction: str(o.recommendedAction),
        status: str(o.status),
      };
    }),
  };
}
