// Check network.routes: does the route table of the VM's subnet send Internet-bound traffic to a
// virtual appliance or a gateway (forced tunnelling)? Reference azure-control-plane.md §3 (UDR
// 2023-05-27: a 0.0.0.0/0 to VirtualAppliance/VirtualNetworkGateway sends "all traffic, including
// traffic sent to public IP addresses of Azure services you haven't enabled service endpoints for"
// there; a Storage service endpoint's longer prefixes bypass it) and §4.5 (NET: forced tunnelling
// "not recommended", use a Storage service endpoint; "Azure Site Recovery IP addresses should not be
// added in Azure Routing table"). Reads: GET …/virtualNetworks/{v}/subnets/{sn} and
// …/routeTables/{t} (§2.6). A default route learned over BGP is not in the route table, only in the
// effective routes, which Reader cannot read (inference, §3).
import type { CheckOutcome } from '../core/finding';
import type { ControlPlaneFacts, SubnetResource } from '../facts/control-plane/types';
import { defineCheck } from './helpers/check-context';
import { controlPlaneOrSkip, firstMissing, isControlPlane, itemById, missingOutcome, nameOfId, regionEvidence, sourcesOf } from './helpers/arm-findings';
import { forcedTunnelling } from './helpers/nsg-evaluation';
import { quoteSh } from './helpers/outbound-rules';

export const ROUTES_REFERENCE = {
  udr: 'azure-control-plane.md §3 (UDR 2023-05-27): 0.0.0.0/0 to VirtualAppliance or VirtualNetworkGateway takes all Internet-bound traffic, Azure public addresses included, except where a service endpoint applies',
  asr: 'azure-control-plane.md §4.5 (NET 2021-11-21): forced tunnelling "not recommended", add a Storage service endpoint; "Azure Site Recovery IP addresses should not be added in Azure Routing table"',
  bgp: 'A default route learned over BGP (ExpressRoute, VPN) shows only in the effective routes, which need a role beyond Reader (inference)',
} as const;

export const networkRoutes = defineCheck({
  id: 'network.routes',
  title: 'Forced tunnelling of outbound traffic',
  description:
    "Reads the route table of the VM's subnet: a 0.0.0.0/0 route to a virtual appliance or gateway (forced tunnelling) sends Site Recovery traffic through it, which Microsoft does not recommend; a Storage service endpoint keeps cache traffic off it.",
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 75_000,
  needs: ['controlPlane'],
  explain: {
    judges:
      "Warns when the subnet's route table sends 0.0.0.0/0 to a virtual appliance or gateway (forced tunnelling) without a Storage service endpoint; passes when Internet-bound traffic goes out directly.",
    sources: Object.values(ROUTES_REFERENCE),
    remediation: 'Add a Storage service endpoint to the subnet, or let the appliance pass the Site Recovery endpoints without inspection.',
  },
  async run(ctx) {
    const cp = await controlPlaneOrSkip(() => ctx.facts.controlPlane());
    return isControlPlane(cp) ? evaluateRoutes(cp) : [cp];
  },
});

export function evaluateRoutes(cp: ControlPlaneFacts): CheckOutcome[] {
  const what = "the VM's subnets and their route tables";
  if (cp.subnets.status !== 'ok') return [missingOutcome(cp.subnets, what)];
  const missing = firstMissing(cp.subnets);
  if (missing) return [missingOutcome(missing, what)];
  if (cp.subnets.items.length === 0)
    return [{ status: 'skip', summary: "Not judged: the VM's network interfaces name no subnet.", evidence: { sources: sourcesOf(cp.vm) } }];
  return cp.subnets.items.map((item) => judgeSubnet(cp, item.id, (item.read as { value: SubnetResource }).value, item.read));
}

function judgeSubnet(cp: ControlPlaneFacts, id: string, subnet: SubnetResource, read: Parameters<typeof sourcesOf>[0]): CheckOutcome {
  const name = subnet.name || nameOfId(id);
  const base = { subject: name, title: `Routes of subnet ${name}` };
  const region = cp.sourceRegion.name ?? undefined;
  const evidence = {
    subnet: {
      id,
      name,
      addressPrefixes: subnet.addressPrefixes,
      routeTableId: subnet.routeTableId,
      serviceEndpoints: subnet.serviceEndpoints,
      natGatewayId: subnet.natGatewayId,
    },
    sourceRegion: regionEvidence(cp.sourceRegion),
    reference: ROUTES_REFERENCE,
  };
  if (!subnet.routeTableId)
    return {
      ...base,
      status: 'pass',
      summary: `Subnet ${name} has no route table: Internet-bound traffic follows Azure's system routes. A default route learned over BGP from an ExpressRoute or VPN gateway would show only in the effective routes, which Reader cannot read (inference).`,
      evidence: { ...evidence, sources: sourcesOf(read) },
    };
  if (cp.routeTables.status !== 'ok') return missingOutcome(cp.routeTables, `the route table of subnet ${name}`, { ...base, evidence });
  const table = itemById(cp.routeTables.items, subnet.routeTableId);
  if (!table)
    return missingOutcome(
      { status: 'unavailable', reason: 'incomplete', why: `the route table ${subnet.routeTableId} was not read` },
      `the route table of subnet ${name}`,
      {
        ...base,
        evidence,
      },
    );
  if (table.read.status !== 'ok')
    return missingOutcome(table.read, `the route table ${nameOfId(subnet.routeTableId)} of subnet ${name}`, { ...base, evidence });
  const rt = table.read.value;
  const ft = forcedTunnelling([rt], { serviceEndpoints: subnet.serviceEndpoints, ...(region ? { region } : {}) });
  const routes = (rt.properties?.routes ?? []).map((r) => ({
    name: r.name ?? null,
    addressPrefix: r.properties?.addressPrefix ?? null,
    nextHopType: r.properties?.nextHopType ?? null,
    nextHopIpAddress: r.properties?.nextHopIpAddress ?? null,
  }));
  const judged = {
    ...evidence,
    routeTable: {
      id: subnet.routeTableId,
      name: rt.name ?? nameOfId(subnet.routeTableId),
      disableBgpRoutePropagation: rt.properties?.disableBgpRoutePropagation ?? null,
      routes,
    },
    forced: ft.forced,
    dropped: ft.dropped,
    defaultRoutes: ft.routes,
    serviceTagRoutes: ft.serviceTagRoutes,
    storageServiceEndpoint: ft.storageServiceEndpoint,
    sources: sourcesOf(read, table.read),
  };
  const tableName = rt.name ?? nameOfId(subnet.routeTableId);
  if (!ft.forced && !ft.dropped && ft.serviceTagRoutes.length === 0) {
    return {
      ...base,
      status: 'pass',
      summary: `The route table ${tableName} of subnet ${name} has no default route to an appliance or gateway (${routes.length} route${routes.length === 1 ? '' : 's'}): Internet-bound traffic is not tunnelled.${ft.implications.length ? ` ${ft.implications.join(' ')}` : ''}`,
      evidence: judged,
    };
  }
  const fixes: string[] = [];
  if ((ft.forced || ft.dropped) && !ft.storageServiceEndpoint) {
    const own = subnet.id || id;
    const vnet = /\/virtualNetworks\/([^/]+)\/subnets\//i.exec(own)?.[1] ?? '<vnet>';
    const rg = /\/resourceGroups\/([^/]+)\//i.exec(own)?.[1] ?? '<resource-group>';
    const subnetName = nameOfId(own);
    const keep = [...new Set([...subnet.serviceEndpoints.map((e) => e.service).filter(Boolean), 'Microsoft.Storage'])];
    fixes.push(
      `Add a Microsoft.Storage service endpoint to subnet ${name}, so traffic to the cache storage account bypasses the default route (--service-endpoints replaces the list, so it repeats the ones there):\n   ${['az', 'network', 'vnet', 'subnet', 'update', '--resource-group', rg, '--vnet-name', vnet, '--name', subnetName, '--service-endpoints', ...keep].map(quoteSh).join(' ')}`,
    );
  }
  if (ft.forced || ft.dropped)
    fixes.push(
      'Make the appliance or gateway allow outbound HTTPS to the Site Recovery URLs and service tags (AzureSiteRecovery, AzureActiveDirectory, EventHub, Storage) without TLS inspection, or send that traffic to the Internet next hop; network.endpoints shows whether each endpoint is reached.',
    );
  if (ft.serviceTagRoutes.length)
    fixes.push(
      'Remove the routes that send service-tag addresses away from the Internet next hop: "Azure Site Recovery IP addresses should not be added in Azure Routing table" (NET).',
    );
  return {
    ...base,
    status: 'warn',
    summary: `Route table ${tableName} of subnet ${name}: ${ft.implications.join(' ')}`,
    remediation: fixes.map((f, i) => `${i + 1}. ${f}`).join('\n'),
    evidence: judged,
  };
}
