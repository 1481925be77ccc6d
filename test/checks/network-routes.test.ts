// network.routes: the route table of the VM's subnet (the route table sample: route1 10.0.3.0/24 to
// the virtual network gateway, BGP propagation on), with a default route added per case (reference
// §3 last bullet, §4.5: forced tunnelling "not recommended", use a Storage service endpoint).
import { describe, expect, it } from 'vitest';
import { evaluateRoutes, networkRoutes } from '../../src/checks/network-routes';
import { ARM_API_VERSIONS } from '../../src/facts/control-plane/api-versions';
import { controlPlane, factsWith, forbidden, ROUTE_TABLE_ID, routeTableBody, subnetBody } from './helpers/control-plane';
import { contextOf } from './helpers/context';

type Json = Record<string, unknown>;
const withRoutes = (...routes: Json[]): Json => {
  const rt = routeTableBody();
  (rt.properties as { routes: Json[] }).routes.push(...routes);
  return rt;
};
const route = (name: string, addressPrefix: string, nextHopType: string, nextHopIpAddress?: string): Json => ({
  name,
  properties: { addressPrefix, nextHopType, ...(nextHopIpAddress ? { nextHopIpAddress } : {}) },
});
const subnetWith = (extra: Json) => subnetBody({ routeTable: { id: ROUTE_TABLE_ID }, ...extra });

describe('network.routes', () => {
  it('the route table sample (no default route) passes, through the check, naming its source', async () => {
    const [outcome] = await networkRoutes.run(contextOf(networkRoutes, factsWith(controlPlane({ routeTable: routeTableBody() }))));
    expect(outcome).toMatchObject({ subject: 'subnet1', status: 'pass' });
    expect(outcome!.summary).toContain('has no default route to an appliance or gateway (1 route)');
    expect(outcome!.summary).toContain('Route propagation is on');
    expect(outcome!.evidence).toMatchObject({
      sources: expect.arrayContaining([{ request: `GET ${ROUTE_TABLE_ID}`, apiVersion: ARM_API_VERSIONS.network, pages: 1, throttledWaits: 0 }]),
    });
  });

  it.each([
    ['0.0.0.0/0 to a virtual appliance', route('default', '0.0.0.0/0', 'VirtualAppliance', '10.0.0.4'), 'warn', 'the virtual appliance at 10.0.0.4'],
    ['0.0.0.0/0 to the VPN/ExpressRoute gateway', route('default', '0.0.0.0/0', 'VirtualNetworkGateway'), 'warn', 'the virtual network gateway'],
    ['0.0.0.0/0 dropped (None)', route('default', '0.0.0.0/0', 'None'), 'warn', 'drops Internet-bound traffic'],
    ['0.0.0.0/0 to the Internet', route('default', '0.0.0.0/0', 'Internet'), 'pass', 'is not tunnelled'],
    ['a service tag routed to an appliance', route('asr', 'AzureSiteRecovery', 'VirtualAppliance', '10.0.0.4'), 'warn', 'should not be added to route tables'],
  ])('%s → %s', (_name, r, status, text) => {
    const [outcome] = evaluateRoutes(controlPlane({ routeTable: withRoutes(r) }));
    expect(outcome!.status).toBe(status);
    expect(outcome!.summary).toContain(text);
  });

  it('forced tunnelling without a Storage service endpoint: says it is not recommended and gives the az command keeping the existing endpoints', () => {
    const subnet = subnetWith({ serviceEndpoints: [{ service: 'Microsoft.KeyVault', locations: ['eastus'] }] });
    const [outcome] = evaluateRoutes(controlPlane({ routeTable: withRoutes(route('default', '0.0.0.0/0', 'VirtualAppliance', '10.0.0.4')), subnet }));
    expect(outcome!.summary).toContain('Microsoft does not recommend forced tunnelling for Site Recovery replication');
    expect(outcome!.remediation).toContain(
      'az network vnet subnet update --resource-group subnet-test --vnet-name vnetname --name subnet1 --service-endpoints Microsoft.KeyVault Microsoft.Storage',
    );
  });

  it('with a Storage service endpoint on the subnet, says cache traffic bypasses the tunnel', () => {
    const subnet = subnetWith({ serviceEndpoints: [{ service: 'Microsoft.Storage', locations: ['eastus', 'westus'] }] });
    const [outcome] = evaluateRoutes(controlPlane({ routeTable: withRoutes(route('default', '0.0.0.0/0', 'VirtualAppliance', '10.0.0.4')), subnet }));
    expect(outcome!.status).toBe('warn');
    expect(outcome!.summary).toContain('The subnet has a Microsoft.Storage service endpoint');
    expect(outcome!.remediation).not.toContain('az network vnet subnet update');
  });

  it('a subnet without a route table passes, noting that a BGP default route would show only in the effective routes', () => {
    const [outcome] = evaluateRoutes(controlPlane());
    expect(outcome).toMatchObject({ status: 'pass', summary: expect.stringContaining('has no route table') });
    expect(outcome!.summary).toContain('inference');
  });

  it('403 on the route table is a skip with the exact command', () => {
    const cp = controlPlane({ routeTable: routeTableBody() });
    if (cp.routeTables.status === 'ok')
      cp.routeTables.items[0]!.read = forbidden(ROUTE_TABLE_ID, 'Microsoft.Network/routeTables/read', ARM_API_VERSIONS.network);
    const [outcome] = evaluateRoutes(cp);
    expect(outcome).toMatchObject({ status: 'skip', subject: 'subnet1' });
    expect(outcome!.remediation).toContain(
      'az role assignment create --assignee-object-id 0a1b2c3d-0000-4000-8000-0123456789ab --assignee-principal-type ServicePrincipal --role Reader --scope /subscriptions/subid',
    );
  });

  it('no identity: a skip saying what to do', () => {
    const missing = {
      status: 'unavailable' as const,
      reason: 'no-identity' as const,
      why: 'no token for ARM from the system-assigned managed identity: IMDS answered 400',
    };
    const outcomes = evaluateRoutes({ ...controlPlane(), subnets: missing, routeTables: missing });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'skip', summary: expect.stringContaining('az vm identity assign') })]);
  });
});
