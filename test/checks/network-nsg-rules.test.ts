// network.nsg-rules through the check: the NSG sample (testnsg: one inbound rule, the six default
// rules) on the NIC and on the subnet, with outbound rules added per case; the service tags sample
// (ServiceBus, ServiceBus.EastUS2 …) to place the probed addresses; the VM in East US replicating to
// West US, so the source NSG needs Storage.EastUS, AzureActiveDirectory, EventHub.WestUS and
// AzureSiteRecovery (reference §4.5).
import { describe, expect, it } from 'vitest';
import { evaluateNsgRules, networkNsgRules } from '../../src/checks/network-nsg-rules';
import { AZURE_ENDPOINTS } from '../../src/catalog/azure-endpoints';
import { ARM_API_VERSIONS } from '../../src/facts/control-plane/api-versions';
import type { ControlPlaneFacts } from '../../src/facts/control-plane/types';
import type { CheckOutcome } from '../../src/core/finding';
import type { EndpointResult } from '../../src/net/probe';
import {
  controlPlane as sampleWorld,
  factsWith,
  forbidden,
  nicBody,
  NIC_NSG_ID,
  nsgBody,
  routeTableBody,
  serviceTagsBody,
  SUBNET_NSG_ID,
  subnetBody,
  type WorldOptions,
} from './helpers/control-plane';
import { contextOf } from './helpers/context';
import { facts as probeFacts, result } from './helpers/endpoint-results';

type Json = Record<string, unknown>;

// The service tags sample holds ServiceBus, ApiManagement and AppService only. Real answers hold
// every tag; the ones Site Recovery needs are added here (prefixes made up, in public space, nested
// as the service nests them: a regional tag inside its global one), so the evaluation can tell that
// Storage does not overlap AzureActiveDirectory. Without them it cannot (see the last case).
const tag = (name: string, region: string, addressPrefixes: string[]) => ({
  name,
  id: name,
  properties: { changeNumber: '1', region, systemService: name.split('.')[0], addressPrefixes },
});
const TAGS: Json = (() => {
  const b = serviceTagsBody();
  const extra = [
    tag('Storage', '', ['20.60.0.0/16']),
    tag('Storage.EastUS', 'eastus', ['20.60.0.0/18']),
    tag('Storage.WestUS', 'westus', ['20.60.128.0/18']),
    tag('AzureActiveDirectory', '', ['20.190.128.0/18']),
    tag('EventHub', '', ['52.168.0.0/16']),
    tag('EventHub.WestUS', 'westus', ['52.168.128.0/18']),
    tag('AzureSiteRecovery', '', ['52.170.0.0/20']),
    tag('AzureKeyVault', '', ['52.171.0.0/20']),
    tag('GuestAndHybridManagement', '', ['52.172.0.0/20']),
  ];
  return { ...b, values: [...(b.values as Json[]), ...extra] };
})();
const controlPlane = (o: WorldOptions = {}) => sampleWorld({ serviceTags: TAGS, ...o });
let n = 0;
const rule = (access: 'Allow' | 'Deny', priority: number, destination: string, extra: Json = {}): Json => ({
  name: `${access.toLowerCase()}-${priority}-${++n}`,
  properties: {
    priority,
    direction: 'Outbound',
    access,
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: destination,
    destinationPortRange: '443',
    ...extra,
  },
});
/** The NSG sample with these outbound rules added. */
const nsgWith = (name: string, id: string, rules: Json[]): Json => {
  const b = nsgBody();
  const p = b.properties as { securityRules: Json[] };
  return { ...b, name, id, properties: { ...p, securityRules: [...p.securityRules, ...rules] } };
};
const nicNsg = (...rules: Json[]) => nsgWith('testnsg', NIC_NSG_ID, rules);
const subnetNsg = (...rules: Json[]) => nsgWith('subnet-nsg', SUBNET_NSG_ID, rules);

async function run(world: WorldOptions, results: EndpointResult[] = [], cp: ControlPlaneFacts = controlPlane(world)): Promise<CheckOutcome[]> {
  return networkNsgRules.run(contextOf(networkNsgRules, factsWith(cp, { endpointProbes: async () => probeFacts(results) })));
}
const bySubject = (outcomes: CheckOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.subject, o]));
const REQUIRED = ['Storage.EastUS', 'AzureActiveDirectory', 'EventHub.WestUS', 'AzureSiteRecovery'];
const OPTIONAL = ['AzureKeyVault', 'GuestAndHybridManagement'];

describe('network.nsg-rules: service tags of the source NSG, through the check', () => {
  // [case, NIC NSG, subnet NSG, statuses per tag (the others pass), the deciding rule named for the first]
  const CASES: Array<[string, WorldOptions, Record<string, string>, string | null]> = [
    ['the samples: default rules at both levels', {}, {}, 'default rule AllowInternetOutBound (priority 65001) of NSG testnsg (network interface)'],
    [
      'no NSG at either level',
      {
        nicNsg: null,
        subnetNsg: null,
        nic: (() => {
          const b = nicBody();
          delete (b.properties as Json).networkSecurityGroup;
          return b;
        })(),
        subnet: { ...subnetBody(), properties: { addressPrefix: '10.0.0.0/16' } },
      },
      {},
      null,
    ],
    [
      'NIC denies Internet at 4000: every tag fails (optional ones warn)',
      { nicNsg: nicNsg(rule('Deny', 4000, 'Internet')) },
      {
        'Storage.EastUS': 'fail',
        AzureActiveDirectory: 'fail',
        'EventHub.WestUS': 'fail',
        AzureSiteRecovery: 'fail',
        AzureKeyVault: 'warn',
        GuestAndHybridManagement: 'warn',
      },
      'is denied by the NSG on the network interface',
    ],
    [
      'NIC allows AzureSiteRecovery at 100 before denying * at 200',
      { nicNsg: nicNsg(rule('Allow', 100, 'AzureSiteRecovery'), rule('Deny', 200, '*')) },
      { 'Storage.EastUS': 'fail', AzureActiveDirectory: 'fail', 'EventHub.WestUS': 'fail', AzureKeyVault: 'warn', GuestAndHybridManagement: 'warn' },
      null,
    ],
    [
      'subnet denies the global Storage tag: Storage.EastUS is in it',
      { subnetNsg: subnetNsg(rule('Deny', 300, 'Storage')) },
      { 'Storage.EastUS': 'fail' },
      'passes the network interface but is denied by the NSG on the subnet',
    ],
    ['subnet denies Storage.WestUS: another region, Storage.EastUS passes', { subnetNsg: subnetNsg(rule('Deny', 300, 'Storage.WestUS')) }, {}, null],
    [
      "subnet denies EventHub.WestUS (the target region's monitoring tag)",
      { subnetNsg: subnetNsg(rule('Deny', 300, 'EventHub.WestUS')) },
      { 'EventHub.WestUS': 'fail' },
      null,
    ],
    ['a deny of UDP only does not matter', { nicNsg: nicNsg(rule('Deny', 100, '*', { protocol: 'Udp' })) }, {}, null],
    ['a deny of port 80 only does not matter', { nicNsg: nicNsg(rule('Deny', 100, '*', { destinationPortRange: '80' })) }, {}, null],
    [
      'a deny of 440-450 does',
      { nicNsg: nicNsg(rule('Deny', 100, 'AzureActiveDirectory', { destinationPortRange: '440-450' })) },
      { AzureActiveDirectory: 'fail' },
      null,
    ],
    [
      "the service tags not read (only the sample's): whether Storage holds AzureActiveDirectory cannot be told (warn)",
      { serviceTags: serviceTagsBody(), subnetNsg: subnetNsg(rule('Deny', 300, 'Storage')) },
      {
        'Storage.EastUS': 'fail',
        ...Object.fromEntries(['AzureActiveDirectory', 'EventHub.WestUS', 'AzureSiteRecovery', ...OPTIONAL].map((t) => [t, 'warn'])),
      },
      null,
    ],
    [
      'a deny to an application security group before the defaults: cannot tell (warn)',
      {
        nicNsg: nicNsg(rule('Deny', 100, '', { destinationAddressPrefix: undefined, destinationApplicationSecurityGroups: [{ id: '/subscriptions/s/asg1' }] })),
      },
      Object.fromEntries([...REQUIRED, ...OPTIONAL].map((t) => [t, 'warn'])),
      null,
    ],
  ];

  it.each(CASES)('%s', async (_name, world, expected, deciding) => {
    const outcomes = bySubject(await run(world));
    for (const tag of [...REQUIRED, ...OPTIONAL]) expect(outcomes[tag]?.status, tag).toBe(expected[tag] ?? 'pass');
    if (deciding) expect(outcomes['Storage.EastUS']!.summary).toContain(deciding);
  });

  it('a failing tag names the deciding rule (name, priority, NSG), the ASR codes, and an az command ahead of it', async () => {
    const deny = rule('Deny', 4000, 'Internet');
    const outcomes = bySubject(await run({ nicNsg: nicNsg(deny) }));
    const aad = outcomes.AzureActiveDirectory!;
    expect(aad.status).toBe('fail');
    expect(aad.summary).toContain(`is denied by rule ${String(deny.name)} (priority 4000`);
    expect(aad.asrErrorCodes).toEqual([151037, 151196]);
    expect(aad.remediation).toContain(
      "az network nsg rule create --resource-group rg1 --nsg-name testnsg --name AllowAsr-AzureActiveDirectory --priority 3999 --direction Outbound --access Allow --protocol Tcp --source-address-prefixes VirtualNetwork --source-port-ranges '*' --destination-address-prefixes AzureActiveDirectory --destination-port-ranges 443",
    );
    expect(outcomes.AzureSiteRecovery!.asrErrorCodes).toEqual([151037, 151197]);
    expect(aad.evidence).toMatchObject({
      decision: { allowed: false, decidedBy: 'nic', nic: { nsg: 'testnsg', decidingRule: { name: deny.name, priority: 4000, access: 'Deny' } } },
      sources: expect.arrayContaining([{ request: `GET ${NIC_NSG_ID}`, apiVersion: ARM_API_VERSIONS.network, pages: 1, throttledWaits: 0 }]),
    });
  });

  it('a passing tag names the rule that allows it at each level', async () => {
    const outcomes = bySubject(await run({ nicNsg: nicNsg(rule('Allow', 150, 'AzureSiteRecovery')) }));
    expect(outcomes.AzureSiteRecovery!.summary).toMatch(
      /^Outbound TCP 443 to AzureSiteRecovery is allowed by rule allow-150-\d+ \(priority 150\) of NSG testnsg \(network interface\) and by default rule AllowInternetOutBound \(priority 65001\) of NSG subnet-nsg \(subnet\)\.$/,
    );
  });

  it('without a target region the EventHub tag is a skip saying give --target-region NAME; the others are judged', async () => {
    const outcomes = bySubject(await run({ target: null }));
    expect(outcomes['EventHub.<target region>']).toMatchObject({ status: 'skip', summary: expect.stringContaining('Give --target-region NAME') });
    expect(outcomes['Storage.EastUS']!.status).toBe('pass');
  });

  it("names forced tunnelling when the subnet's route table has a default route to an appliance", async () => {
    const rt = routeTableBody();
    (rt.properties as { routes: Json[] }).routes.push({
      name: 'default',
      properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' },
    });
    const outcomes = bySubject(await run({ routeTable: rt }));
    expect(outcomes.AzureSiteRecovery!.summary).toContain('sends Internet-bound traffic to VirtualAppliance 10.0.0.4');
  });

  it('403 on an NSG is one skip naming the role and the exact command', async () => {
    const cp = controlPlane();
    if (cp.networkSecurityGroups.status === 'ok')
      cp.networkSecurityGroups.items[0]!.read = forbidden(NIC_NSG_ID, 'Microsoft.Network/networkSecurityGroups/read', ARM_API_VERSIONS.network);
    const outcomes = await run({}, [], cp);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ status: 'skip', summary: expect.stringContaining('ARM refused Microsoft.Network/networkSecurityGroups/read') });
    expect(outcomes[0]!.remediation).toContain(
      'az role assignment create --assignee-object-id 0a1b2c3d-0000-4000-8000-0123456789ab --assignee-principal-type ServicePrincipal --role Reader --scope /subscriptions/subid',
    );
  });

  it('not on Azure: one skip saying why', async () => {
    const missing = { status: 'unavailable' as const, reason: 'not-azure' as const, why: 'this is not an Azure VM' };
    const cp: ControlPlaneFacts = {
      ...controlPlane(),
      contacted: false,
      networkInterfaces: missing,
      subnets: missing,
      networkSecurityGroups: missing,
      routeTables: missing,
      serviceTags: missing,
    };
    const outcomes = await run({}, [], cp);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'skip', summary: expect.stringContaining('run it on the VM itself') })]);
  });
});

describe('network.nsg-rules: probed endpoints', () => {
  // 40.70.146.66 is in ServiceBus.EastUS2 and ServiceBus in the service tags sample.
  const SB = '40.70.146.66';
  const dns = (address: string) => ({ host: 'x', ok: true, ms: 1, queuedMs: 0, addresses: [{ address, family: 4, scope: 'public' }], code: null, error: null });
  const tcp = (address: string, port: number, ok: boolean): EndpointResult['tcp'] => ({
    address,
    port,
    ok,
    ms: 1,
    outcome: ok ? 'connected' : 'timeout',
    code: ok ? null : 'ETIMEDOUT',
    error: ok ? null : 'timed out',
  });
  const serviceBus = (extra: Partial<EndpointResult>) =>
    result('pod01-eus.servicebus.windows.net', {
      group: 'Service Bus',
      asrErrorCodes: [151037, 151072],
      serviceTag: { source: 'EventHub.<target region>', target: 'EventHub.<source region>' },
      dns: dns(SB),
      address: SB,
      addressScope: 'public',
      ...extra,
    });

  it("a probe that failed at TCP names the deny rule that decides, with the address's service tags", async () => {
    const deny = rule('Deny', 500, 'ServiceBus');
    const results = [serviceBus({ status: 'failed', failedLayer: 'tcp', tcp: tcp(SB, 443, false), error: 'timed out' })];
    const outcomes = bySubject(await run({ nicNsg: nicNsg(deny) }, results));
    const f = outcomes['pod01-eus.servicebus.windows.net:443']!;
    expect(f.status).toBe('fail');
    expect(f.summary).toContain(
      `The probe failed at TCP (timeout): TCP 443 to ${SB} (ServiceBus, ServiceBus.EastUS2) is denied by rule ${String(deny.name)} (priority 500) of NSG testnsg (network interface)`,
    );
    expect(f.asrErrorCodes).toEqual([151037, 151072]);
    expect(f.remediation).toContain('--destination-address-prefixes EventHub.WestUS');
    expect(f.evidence).toMatchObject({ paths: [{ address: SB, serviceTags: ['ServiceBus', 'ServiceBus.EastUS2'], allowed: false }] });
  });

  it('a probe that failed at TCP with the NSGs allowing it says the block is elsewhere', async () => {
    const results = [serviceBus({ status: 'failed', failedLayer: 'tcp', tcp: tcp(SB, 443, false) })];
    const f = bySubject(await run({}, results))['pod01-eus.servicebus.windows.net:443']!;
    expect(f.status).toBe('pass');
    expect(f.summary).toContain('but the NSGs allow TCP 443');
    expect(f.summary).toContain('the block is elsewhere');
  });

  it('a probe that connected where the evaluation denies: a warning about what the evaluation cannot see', async () => {
    const results = [serviceBus({ tcp: tcp(SB, 443, true) })];
    const f = bySubject(await run({ subnetNsg: subnetNsg(rule('Deny', 500, 'ServiceBus.EastUS2')) }, results))['pod01-eus.servicebus.windows.net:443']!;
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('yet the probe connected');
    expect(f.summary).toContain('Virtual Network Manager');
  });

  it('a name with two addresses, one denied: the probe reached the allowed one, so a warning naming the other', async () => {
    const other = '40.70.146.65';
    const results = [
      serviceBus({
        tcp: tcp('20.60.1.1', 443, true),
        dns: {
          ...dns('20.60.1.1'),
          addresses: [
            { address: '20.60.1.1', family: 4, scope: 'public' },
            { address: other, family: 4, scope: 'public' },
          ],
        },
      }),
    ];
    const deny = rule('Deny', 500, `${other}/32`);
    const f = bySubject(await run({ nicNsg: nicNsg(deny) }, results))['pod01-eus.servicebus.windows.net:443']!;
    expect(f.status).toBe('warn');
    expect(f.summary).toContain(
      `The probe reached 20.60.1.1, which the NSGs allow, but not every address pod01-eus.servicebus.windows.net resolves to is: TCP 443 to ${other} (ServiceBus, ServiceBus.EastUS2) is denied by rule ${String(deny.name)}`,
    );
  });

  it('through a proxy, the path judged is the one to the proxy', async () => {
    const results = [serviceBus({ viaProxy: 'http://10.0.0.5:3128', tcp: tcp('10.0.0.5', 3128, false), status: 'failed', failedLayer: 'tcp' })];
    const deny = rule('Deny', 600, '10.0.0.0/8', { destinationPortRange: '3128' });
    const f = bySubject(await run({ nicNsg: nicNsg(deny) }, results))['pod01-eus.servicebus.windows.net:443']!;
    expect(f.status).toBe('fail');
    expect(f.summary).toContain(`TCP 3128 to 10.0.0.5 is denied by rule ${String(deny.name)} (priority 600)`);
    expect(f.summary).toContain('(the proxy http://10.0.0.5:3128 it goes through)');
  });

  it('loopback addresses (a --connect-to lab) cross no NSG: no finding', async () => {
    const outcomes = await run({}, [result('login.microsoftonline.com', { tcp: tcp('127.0.0.1', 443, true) })]);
    expect(outcomes.map((o) => o.subject)).not.toContain('login.microsoftonline.com:443');
  });
});

describe('network.nsg-rules: the pure evaluation', () => {
  it("takes the facts' NSG shapes as they are (no conversion)", () => {
    const outcomes = evaluateNsgRules(controlPlane(), null, AZURE_ENDPOINTS);
    expect(outcomes.every((o) => o.status === 'pass')).toBe(true);
    expect(outcomes[0]!.evidence).toMatchObject({
      nic: { name: 'test-nic', networkSecurityGroupId: NIC_NSG_ID },
      subnet: { networkSecurityGroupId: SUBNET_NSG_ID },
      sourceIp: '172.20.2.4',
    });
  });
});
