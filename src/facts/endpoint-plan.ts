// Which hosts to probe. Concrete catalog names are probed as they are; a wildcard needs a concrete
// host: from --cache-storage-account, the Mobility service's own config, --endpoint, or a
// region-aware representative from the catalog. A wildcard with none of these is "cannot confirm".
import type { Platform } from '../core/check';
import type { Cloud, CatalogEndpoint, EndpointCatalog } from '../catalog/azure-endpoints';
import { matchesPattern } from '../catalog/azure-endpoints';
import type { ProbeTarget } from '../net/probe';

export interface PlanInput {
  cloud: Cloud;
  region: string | null;
  platform: Platform;
  cacheStorageAccounts: readonly string[];
  extraEndpoints: ReadonlyArray<{ host: string; port: number }>;
  mobilityHosts: readonly string[];
}

export interface UnresolvedEndpoint extends ProbeTarget {
  reason: string;
}

export interface EndpointPlan {
  targets: ProbeTarget[];
  unresolved: UnresolvedEndpoint[];
}

export function planEndpoints(catalog: EndpointCatalog, input: PlanInput): EndpointPlan {
  const targets: ProbeTarget[] = [];
  const unresolved: UnresolvedEndpoint[] = [];
  const claimed = new Set<string>();
  for (const entry of catalog.clouds[input.cloud].endpoints) {
    if (entry.platforms && !entry.platforms.includes(input.platform)) continue;
    if (entry.host) {
      targets.push(target(entry, entry.host, entry.port, 'catalog', null));
      continue;
    }
    const pattern = entry.pattern!;
    const hosts: Array<[string, number, ProbeTarget['source']]> = [];
    if (entry.accountHost)
      for (const account of input.cacheStorageAccounts)
        hosts.push([entry.accountHost.replace('{account}', account.toLowerCase()), entry.port, 'cache-storage-account']);
    for (const host of input.mobilityHosts) if (matchesPattern(host, pattern)) hosts.push([host, entry.port, 'mobility-config']);
    for (const extra of input.extraEndpoints) if (matchesPattern(extra.host, pattern)) hosts.push([extra.host.toLowerCase(), extra.port, 'endpoint-option']);
    const unique = dedupe(hosts);
    for (const [host, port] of unique) claimed.add(`${host}:${port}`);
    if (unique.length === 0) {
      const representative = representativeHost(entry, input.region, catalog);
      if (representative) unique.push([representative, entry.port, 'representative']);
    }
    if (unique.length === 0) {
      unresolved.push({ ...target(entry, pattern, entry.port, 'catalog', pattern), reason: unresolvedReason(entry, input.region) });
      continue;
    }
    for (const [host, port, source] of unique) targets.push({ ...target(entry, host, port, source, pattern), id: `${entry.id}:${host}` });
  }
  for (const extra of input.extraEndpoints) {
    const key = `${extra.host.toLowerCase()}:${extra.port}`;
    if (claimed.has(key) || targets.some((t) => `${t.host}:${t.port}` === key)) continue;
    targets.push({
      id: `custom:${extra.host.toLowerCase()}`,
      catalogId: null,
      group: 'Custom',
      purpose: 'Given with --endpoint',
      host: extra.host.toLowerCase(),
      port: extra.port,
      scheme: extra.port === 80 ? 'http' : 'https',
      required: true,
      source: 'endpoint-option',
      pattern: null,
      serviceTag: null,
      asrErrorCodes: [151037],
    });
  }
  return { targets, unresolved };
}

function target(entry: CatalogEndpoint, host: string, port: number, source: ProbeTarget['source'], pattern: string | null): ProbeTarget {
  return {
    id: entry.id,
    catalogId: entry.id,
    group: entry.group,
    purpose: entry.purpose,
    host,
    port,
    scheme: entry.scheme ?? 'https',
    required: entry.required,
    source,
    pattern,
    serviceTag: entry.serviceTag ?? null,
    asrErrorCodes: entry.asrErrorCodes,
  };
}

function representativeHost(entry: CatalogEndpoint, region: string | null, catalog: EndpointCatalog): string | null {
  if (!entry.representative) return null;
  if (!entry.representative.includes('{geo}')) return entry.representative;
  const geo = region ? catalog.siteRecoveryGeoCodes.codes[region.toLowerCase()] : undefined;
  return geo ? entry.representative.replace('{geo}', geo) : null;
}

function unresolvedReason(entry: CatalogEndpoint, region: string | null): string {
  if (entry.accountHost)
    return `no cache storage account is known; give --cache-storage-account NAME (the account Site Recovery uses in ${region ?? 'the source region'}) to test ${entry.pattern}`;
  if (entry.representative)
    return `no ${entry.pattern} host is known for region ${region ?? '(unknown)'}; give one with --endpoint HOST (after enabling replication, RCMInfo.conf names it)`;
  return `no concrete ${entry.pattern} host is known; give one with --endpoint HOST to test this path`;
}

function dedupe(hosts: Array<[string, number, ProbeTarget['source']]>): Array<[string, number, ProbeTarget['source']]> {
  const seen = new Set<string>();
  return hosts.filter(([h, p]) => (seen.has(`${h}:${p}`) ? false : (seen.add(`${h}:${p}`), true)));
}
