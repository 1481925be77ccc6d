// Local NSG evaluation (src/checks/helpers/nsg-evaluation.ts) against the semantics of the
// control-plane reference §3: NIC NSG then subnet NSG for outbound, ascending priority and first
// match, the default rules, Internet/VirtualNetwork/*, regional ⊂ global tags, ports, protocols,
// IP destinations (IPv4 and IPv6) inside and outside a tag's prefixes, and forced tunnelling.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildServiceTagIndex,
  evaluateNsg,
  evaluateOutbound,
  forcedTunnelling,
  forcedTunnellingFromEffectiveRoutes,
  isPublicAddress,
  nsgsFromEffective,
  parsePrefix,
  tagsContaining,
  type ArmNetworkSecurityGroup,
  type ArmSecurityRule,
  type OutboundQuery,
  type ServiceTagsResponse,
} from '../../../src/checks/helpers/nsg-evaluation';
import { armFixtureBody } from '../../helpers/fake-arm';
import { expectLinear } from '../../properties/linear';

// The real NSG sample (rule1 inbound, the six default rules) and its default rules for our own NSGs.
const SAMPLE_NSG = armFixtureBody('network-2025-07-01.NetworkSecurityGroupGet.json') as ArmNetworkSecurityGroup;
const DEFAULTS = SAMPLE_NSG.properties!.defaultSecurityRules!;

// The real Service Tag Discovery sample, plus tags written for these tests (prefixes made up, in
// public space; the Storage ones nest as the service does: a regional tag inside the global one).
const SAMPLE_TAGS = armFixtureBody('network-2025-07-01.ServiceTagsList.json') as ServiceTagsResponse;
const TEST_TAGS: ServiceTagsResponse = {
  values: [
    { name: 'Storage', properties: { region: '', systemService: 'AzureStorage', addressPrefixes: ['20.60.0.0/16', '2603:1030::/32'] } },
    { name: 'Storage.WestUS2', properties: { region: 'westus2', systemService: 'AzureStorage', addressPrefixes: ['20.60.128.0/18', '2603:1030:a00::/40'] } },
    { name: 'Storage.EastUS2', properties: { region: 'eastus2', systemService: 'AzureStorage', addressPrefixes: ['20.60.0.0/18', '2603:1030:400::/40'] } },
    { name: 'AzureActiveDirectory', properties: { region: '', systemService: 'AzureAD', addressPrefixes: ['20.190.128.0/18', '2603:1006:2000::/48'] } },
    { name: 'EventHub.EastUS2', properties: { region: 'eastus2', systemService: 'AzureEventHub', addressPrefixes: ['40.70.146.64/29'] } },
  ],
};
const INDEX = buildServiceTagIndex([SAMPLE_TAGS, TEST_TAGS]);

let n = 0;
function rule(
  access: 'Allow' | 'Deny',
  priority: number,
  destination: string | string[],
  extra: Partial<NonNullable<ArmSecurityRule['properties']>> = {},
): ArmSecurityRule {
  n++;
  const dest = Array.isArray(destination) ? { destinationAddressPrefixes: destination } : { destinationAddressPrefix: destination };
  return {
    name: `${access.toLowerCase()}-${priority}-${n}`,
    properties: {
      priority,
      direction: 'Outbound',
      access,
      protocol: 'Tcp',
      sourceAddressPrefix: '*',
      sourcePortRange: '*',
      destinationPortRange: '443',
      ...dest,
      ...extra,
    },
  };
}

function nsg(name: string, rules: ArmSecurityRule[]): ArmNetworkSecurityGroup {
  return {
    name,
    id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${name}`,
    properties: { securityRules: rules, defaultSecurityRules: DEFAULTS },
  };
}

const tag = (t: string) => ({ tag: t });
const ip = (a: string) => ({ ip: a });

type Row = [string, Omit<OutboundQuery, 'destination'>, OutboundQuery['destination'], boolean | null, string | null];

// [case, NSGs and context, destination, allowed, deciding rule name prefix (of the level that decides, or of the subnet when allowed)]
const ROWS: Row[] = [
  ['no NSG at either level', {}, tag('Storage.WestUS2'), true, null],
  ['defaults only: AllowInternetOutBound 65001', { nic: nsg('n', []), subnet: nsg('s', []) }, tag('Storage.WestUS2'), true, 'AllowInternetOutBound'],
  [
    'lower priority number wins: allow 100 before deny 200',
    { subnet: nsg('s', [rule('Deny', 200, 'Internet'), rule('Allow', 100, 'Storage.WestUS2')]) },
    tag('Storage.WestUS2'),
    true,
    'allow-100',
  ],
  [
    'lower priority number wins: deny 100 before allow 200',
    { subnet: nsg('s', [rule('Allow', 200, 'Storage.WestUS2'), rule('Deny', 100, 'Internet')]) },
    tag('Storage.WestUS2'),
    false,
    'deny-100',
  ],
  [
    'a deny on the NIC blocks, whatever the subnet allows',
    { nic: nsg('n', [rule('Deny', 4000, '*')]), subnet: nsg('s', [rule('Allow', 100, '*')]) },
    tag('AzureSiteRecovery'),
    false,
    'deny-4000',
  ],
  [
    'a deny on the subnet blocks what the NIC allows',
    { nic: nsg('n', [rule('Allow', 100, '*')]), subnet: nsg('s', [rule('Deny', 4000, 'Internet')]) },
    tag('AzureSiteRecovery'),
    false,
    'deny-4000',
  ],
  [
    'the global tag holds the regional one: deny Storage blocks Storage.WestUS2',
    { subnet: nsg('s', [rule('Deny', 100, 'Storage')]) },
    tag('Storage.WestUS2'),
    false,
    'deny-100',
  ],
  [
    'another region of the tag does not match: allow Storage.EastUS2, deny Internet',
    { subnet: nsg('s', [rule('Allow', 100, 'Storage.EastUS2'), rule('Deny', 200, 'Internet')]) },
    tag('Storage.WestUS2'),
    false,
    'deny-200',
  ],
  [
    'tag names compare case-insensitively (unconfirmed in Azure)',
    { subnet: nsg('s', [rule('Deny', 100, 'storage.westus2')]) },
    tag('Storage.WestUS2'),
    false,
    'deny-100',
  ],
  [
    'a regional rule covers only part of the global tag: unknown',
    { subnet: nsg('s', [rule('Deny', 100, 'Storage.WestUS2')]) },
    tag('Storage'),
    null,
    'AllowInternetOutBound',
  ],
  ['Internet holds the Azure public address space', { subnet: nsg('s', [rule('Deny', 100, 'Internet')]) }, tag('AzureActiveDirectory'), false, 'deny-100'],
  [
    'a deny to VirtualNetwork does not touch service tags',
    { subnet: nsg('s', [rule('Deny', 100, 'VirtualNetwork')]) },
    tag('AzureActiveDirectory'),
    true,
    'AllowInternetOutBound',
  ],
  [
    '…unless a user-defined 0.0.0.0/0 may have put the default route in VirtualNetwork',
    { subnet: nsg('s', [rule('Deny', 100, 'VirtualNetwork')]), forcedTunnel: true },
    tag('AzureActiveDirectory'),
    null,
    'AllowInternetOutBound',
  ],
  [
    'port range 400-500 holds 443',
    { subnet: nsg('s', [rule('Deny', 100, '*', { destinationPortRange: '400-500' })]) },
    tag('Storage.WestUS2'),
    false,
    'deny-100',
  ],
  ['port 80 does not', { subnet: nsg('s', [rule('Deny', 100, '*', { destinationPortRange: '80' })]) }, tag('Storage.WestUS2'), true, 'AllowInternetOutBound'],
  [
    'port ranges: one of several',
    { subnet: nsg('s', [rule('Deny', 100, '*', { destinationPortRange: undefined, destinationPortRanges: ['80', '8443', '443'] })]) },
    tag('Storage.WestUS2'),
    false,
    'deny-100',
  ],
  [
    'port ranges: 444-500 and 1-442 leave 443 out',
    { subnet: nsg('s', [rule('Deny', 100, '*', { destinationPortRange: undefined, destinationPortRanges: ['444-500', '1-442'] })]) },
    tag('Storage.WestUS2'),
    true,
    'AllowInternetOutBound',
  ],
  ['any port', { subnet: nsg('s', [rule('Deny', 100, '*', { destinationPortRange: '*' })]) }, tag('Storage.WestUS2'), false, 'deny-100'],
  [
    'protocol Udp does not match TCP',
    { subnet: nsg('s', [rule('Deny', 100, '*', { protocol: 'Udp' })]) },
    tag('Storage.WestUS2'),
    true,
    'AllowInternetOutBound',
  ],
  ['protocol * matches TCP', { subnet: nsg('s', [rule('Deny', 100, '*', { protocol: '*' })]) }, tag('Storage.WestUS2'), false, 'deny-100'],
  [
    'an address inside the tag: deny Storage.WestUS2',
    { subnet: nsg('s', [rule('Deny', 100, 'Storage.WestUS2')]), serviceTags: INDEX },
    ip('20.60.130.5'),
    false,
    'deny-100',
  ],
  [
    'an address outside the tag (in Storage.EastUS2) passes',
    { subnet: nsg('s', [rule('Deny', 100, 'Storage.WestUS2')]), serviceTags: INDEX },
    ip('20.60.1.1'),
    true,
    'AllowInternetOutBound',
  ],
  [
    'an address with a tag the index lacks: unknown',
    { subnet: nsg('s', [rule('Deny', 100, 'AzureSiteRecovery')]), serviceTags: INDEX },
    ip('20.60.1.1'),
    null,
    'AllowInternetOutBound',
  ],
  ['IPv6 address inside the tag', { subnet: nsg('s', [rule('Deny', 100, 'Storage.WestUS2')]), serviceTags: INDEX }, ip('2603:1030:a00::5'), false, 'deny-100'],
  ['IPv6 address inside a CIDR rule', { subnet: nsg('s', [rule('Deny', 100, '2603:1030::/32')]) }, ip('2603:1030:a00::5'), false, 'deny-100'],
  ['0.0.0.0/0 does not hold an IPv6 address', { subnet: nsg('s', [rule('Deny', 100, '0.0.0.0/0')]) }, ip('2603:1030:a00::5'), true, 'AllowInternetOutBound'],
  ['0.0.0.0/0 holds a tag reached over IPv4', { subnet: nsg('s', [rule('Deny', 100, '0.0.0.0/0')]) }, tag('Storage.WestUS2'), false, 'deny-100'],
  ['::/0 does not hold a tag reached over IPv4', { subnet: nsg('s', [rule('Deny', 100, '::/0')]) }, tag('Storage.WestUS2'), true, 'AllowInternetOutBound'],
  ['…but it does over IPv6', { subnet: nsg('s', [rule('Deny', 100, '::/0')]), families: [6] }, tag('Storage.WestUS2'), false, 'deny-100'],
  [
    "a CIDR holding the tag's IPv4 prefixes (index)",
    { subnet: nsg('s', [rule('Deny', 100, '20.60.0.0/16')]), serviceTags: INDEX },
    tag('Storage.WestUS2'),
    false,
    'deny-100',
  ],
  [
    'a CIDR holding part of the tag: unknown',
    { subnet: nsg('s', [rule('Deny', 100, '20.60.128.0/20')]), serviceTags: INDEX },
    tag('Storage.WestUS2'),
    null,
    'AllowInternetOutBound',
  ],
  [
    'a CIDR outside the tag',
    { subnet: nsg('s', [rule('Deny', 100, '10.0.0.0/8')]), serviceTags: INDEX },
    tag('Storage.WestUS2'),
    true,
    'AllowInternetOutBound',
  ],
  [
    'Internet does not hold a private address; the vnet default allows it',
    { subnet: nsg('s', [rule('Deny', 100, 'Internet')]), virtualNetworkPrefixes: ['10.1.0.0/16'] },
    ip('10.1.2.3'),
    true,
    'AllowVnetOutBound',
  ],
  [
    'another service whose prefixes overlap (index): deny ServiceBus blocks EventHub.EastUS2',
    { subnet: nsg('s', [rule('Deny', 100, 'ServiceBus')]), serviceTags: INDEX },
    tag('EventHub.EastUS2'),
    false,
    'deny-100',
  ],
  ['…and without the index it cannot be told', { subnet: nsg('s', [rule('Deny', 100, 'ServiceBus')]) }, tag('EventHub.EastUS2'), null, 'AllowInternetOutBound'],
  ['AzureCloud holds every Azure public address', { subnet: nsg('s', [rule('Deny', 100, 'AzureCloud')]) }, tag('AzureSiteRecovery'), false, 'deny-100'],
  [
    'an application security group as destination: unknown',
    { subnet: nsg('s', [rule('Deny', 100, '', { destinationAddressPrefix: undefined, destinationApplicationSecurityGroups: [{ id: '/asg/x' }] })]) },
    tag('Storage.WestUS2'),
    null,
    'AllowInternetOutBound',
  ],
  [
    'an unknown rule of the same access does not change an allow',
    { subnet: nsg('s', [rule('Allow', 100, '', { destinationAddressPrefix: undefined, destinationApplicationSecurityGroups: [{ id: '/asg/x' }] })]) },
    tag('Storage.WestUS2'),
    true,
    'AllowInternetOutBound',
  ],
  [
    'a source CIDR holding the VM',
    { subnet: nsg('s', [rule('Deny', 100, 'Internet', { sourceAddressPrefix: '10.0.0.0/24' })]), sourceIp: '10.0.0.4' },
    tag('Storage.WestUS2'),
    false,
    'deny-100',
  ],
  [
    'a source CIDR not holding the VM',
    { subnet: nsg('s', [rule('Deny', 100, 'Internet', { sourceAddressPrefix: '10.0.0.0/24' })]), sourceIp: '10.0.1.4' },
    tag('Storage.WestUS2'),
    true,
    'AllowInternetOutBound',
  ],
  [
    'a source CIDR and no VM address: unknown',
    { subnet: nsg('s', [rule('Deny', 100, 'Internet', { sourceAddressPrefix: '10.0.0.0/24' })]) },
    tag('Storage.WestUS2'),
    null,
    'AllowInternetOutBound',
  ],
  [
    'source VirtualNetwork holds the VM',
    { subnet: nsg('s', [rule('Deny', 100, 'Internet', { sourceAddressPrefix: 'VirtualNetwork' })]) },
    tag('Storage.WestUS2'),
    false,
    'deny-100',
  ],
  [
    'a rule without priority is ignored',
    { subnet: nsg('s', [rule('Deny', 100, '*', { priority: undefined })]) },
    tag('Storage.WestUS2'),
    true,
    'AllowInternetOutBound',
  ],
  [
    'inbound rules are not evaluated',
    { subnet: nsg('s', [rule('Deny', 100, '*', { direction: 'Inbound' })]) },
    tag('Storage.WestUS2'),
    true,
    'AllowInternetOutBound',
  ],
  ['the real NSG sample (an inbound rule, the defaults)', { subnet: SAMPLE_NSG }, tag('AzureSiteRecovery'), true, 'AllowInternetOutBound'],
];

describe('evaluateOutbound: table', () => {
  it.each(ROWS)('%s', (_name, context, destination, allowed, deciding) => {
    const d = evaluateOutbound({ ...context, destination });
    expect(d.allowed, d.why).toBe(allowed);
    if (deciding !== null) {
      const level = d.decidedBy === 'nic' ? d.nic : d.subnet;
      expect(level.decidingRule?.name ?? '', d.why).toMatch(new RegExp(`^${deciding}`));
    }
    if (allowed === null) expect(d.why).toMatch(/cannot be told/);
  });

  it('names the deciding rule at each level with its NSG name, id, level and priority', () => {
    const d = evaluateOutbound({
      nic: nsg('nic-nsg', [rule('Allow', 300, 'AzureSiteRecovery')]),
      subnet: nsg('subnet-nsg', [rule('Deny', 4096, 'Internet')]),
      destination: tag('AzureSiteRecovery'),
    });
    expect(d.allowed).toBe(false);
    expect(d.decidedBy).toBe('subnet');
    expect(d.nic).toMatchObject({
      present: true,
      access: 'Allow',
      nsgName: 'nic-nsg',
      decidingRule: { priority: 300, access: 'Allow', level: 'nic', isDefault: false },
    });
    expect(d.subnet.decidingRule).toMatchObject({
      priority: 4096,
      access: 'Deny',
      level: 'subnet',
      nsgName: 'subnet-nsg',
      nsgId: expect.stringMatching(/networkSecurityGroups\/subnet-nsg$/),
    });
    expect(d.why).toContain('denied by the NSG on the subnet');
  });

  it('assumes the documented defaults when ARM leaves them out, and says so', () => {
    const bare: ArmNetworkSecurityGroup = { name: 'bare', properties: { securityRules: [] } };
    const d = evaluateNsg(bare, 'subnet', { destination: tag('Storage.WestUS2') });
    expect(d.decidingRule).toMatchObject({ name: 'AllowInternetOutBound', priority: 65001, isDefault: true, assumed: true });
    const deny = evaluateNsg(bare, 'subnet', { destination: ip('10.9.9.9'), virtualNetworkPrefixes: ['10.1.0.0/16'] });
    expect(deny.decidingRule).toMatchObject({ name: 'DenyAllOutBound', priority: 65500, access: 'Deny' });
  });

  it('lists the rules that could not be placed before an allow, and explains an unknown', () => {
    const d = evaluateNsg(nsg('s', [rule('Deny', 100, 'AzureSiteRecovery')]), 'subnet', { destination: ip('20.60.1.1'), serviceTags: INDEX });
    expect(d.access).toBe('Unknown');
    expect(d.uncertain.map((u) => u.rule.priority)).toEqual([100]);
    expect(d.why).toMatch(/Deny rule deny-100-\d+ \(priority 100\) comes before Allow rule AllowInternetOutBound/);
  });
});

describe('effective rules (POST effectiveNetworkSecurityGroups)', () => {
  const entries = (armFixtureBody('network-2025-07-01.NetworkInterfaceEffectiveNSGList.json') as { value: Parameters<typeof nsgsFromEffective>[0] }).value;

  it('evaluates the real sample: AllowInternetOutBound with its expanded prefixes holds 40.70.146.65', () => {
    const { nic, subnet } = nsgsFromEffective(entries);
    expect(nic?.id).toMatch(/test-nsg$/);
    expect(subnet).toBeNull();
    const d = evaluateOutbound({ nic, subnet, destination: ip('40.70.146.65') });
    expect(d.allowed).toBe(true);
    expect(d.nic.decidingRule).toMatchObject({ name: 'AllowInternetOutBound', isDefault: true, assumed: false });
  });

  it('does not invent a decision the (trimmed) sample does not make', () => {
    const { nic } = nsgsFromEffective(entries);
    const d = evaluateOutbound({ nic, destination: ip('20.60.1.1') });
    expect(d.allowed).toBeNull();
    expect(d.nic.why).toMatch(/default rules look incomplete/);
  });
});

describe('addresses and tags', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0', '10.255.255.255'],
    ['10.1.2.3/24', '10.1.2.0', '10.1.2.255'],
    ['2603:1030::/32', '2603:1030::', '2603:1030:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['::ffff:10.0.0.1/128', '::ffff:10.0.0.1', '::ffff:10.0.0.1'],
  ])('parses %s', (text, first, last) => {
    const p = parsePrefix(text)!;
    const q = [parsePrefix(first)!, parsePrefix(last)!];
    expect([p.start, p.end]).toEqual([q[0]!.start, q[1]!.start]);
  });

  it.each(['10.0.0.256/8', '1.2.3/8', '::1::2', '1:2:3:4:5:6:7:8:9', '10.0.0.0/33', 'Storage', ''])('refuses %j', (text) => {
    expect(parsePrefix(text)).toBeNull();
  });

  it('tells public from private addresses', () => {
    expect(['20.60.1.1', '2603:1030::1'].map(isPublicAddress)).toEqual([true, true]);
    expect(['10.1.1.1', '172.16.0.1', '192.168.1.1', '100.64.0.1', '169.254.169.254', 'fd00::1', 'fe80::1'].map(isPublicAddress)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("lists every tag holding an address (a resolved endpoint's tags)", () => {
    expect(tagsContaining(INDEX, '40.70.146.65').sort()).toEqual(['EventHub.EastUS2', 'ServiceBus', 'ServiceBus.EastUS2']);
    expect(tagsContaining(INDEX, '20.60.130.1').sort()).toEqual(['Storage', 'Storage.WestUS2']);
    expect(INDEX.changeNumber).toBe('63');
  });
});

describe('forced tunnelling', () => {
  const table = (routes: Array<[string, string, string?]>, extra: { disableBgpRoutePropagation?: boolean } = {}) => ({
    name: 'rt',
    properties: {
      ...extra,
      routes: routes.map(([addressPrefix, nextHopType, nextHopIpAddress], i) => ({
        name: `r${i}`,
        properties: { addressPrefix, nextHopType, nextHopIpAddress },
      })),
    },
  });

  it('the real route table sample has no default route (and says a BGP one would not show)', () => {
    const r = forcedTunnelling([armFixtureBody('network-2024-05-01.RouteTableGet.json') as Parameters<typeof forcedTunnelling>[0][number]]);
    expect(r).toMatchObject({ forced: false, dropped: false, routes: [] });
    expect(r.implications.join(' ')).toMatch(/learned over BGP/);
  });

  it('0.0.0.0/0 to a virtual appliance is forced tunnelling, with what it implies', () => {
    const r = forcedTunnelling([table([['0.0.0.0/0', 'VirtualAppliance', '10.0.0.4']], { disableBgpRoutePropagation: true })]);
    expect(r.forced).toBe(true);
    expect(r.routes).toEqual([{ routeTable: 'rt', route: 'r0', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' }]);
    const text = r.implications.join('\n');
    expect(text).toMatch(/virtual appliance at 10\.0\.0\.4/);
    expect(text).toMatch(/Microsoft\.Storage service endpoint/);
    expect(text).not.toMatch(/learned over BGP/);
  });

  it('0.0.0.0/0 to the virtual network gateway is forced tunnelling to on-premises', () => {
    const r = forcedTunnelling([table([['0.0.0.0/0', 'VirtualNetworkGateway']])]);
    expect(r.forced).toBe(true);
    expect(r.implications[0]).toMatch(/virtual network gateway/);
  });

  it('0.0.0.0/0 to None drops Internet-bound traffic', () => {
    const r = forcedTunnelling([table([['0.0.0.0/0', 'None']])]);
    expect(r).toMatchObject({ forced: false, dropped: true });
    expect(r.implications[0]).toMatch(/drops Internet-bound traffic/);
  });

  it('a Storage service endpoint for the region is reported as the bypass', () => {
    const r = forcedTunnelling([table([['0.0.0.0/0', 'VirtualAppliance', '10.0.0.4']])], {
      serviceEndpoints: [{ service: 'Microsoft.Storage', locations: ['westus2', 'westcentralus'] }],
      region: 'West US 2',
    });
    expect(r.storageServiceEndpoint).toBe(true);
    expect(r.implications.join(' ')).toMatch(/has a Microsoft\.Storage service endpoint/);
  });

  it('flags service-tag routes sent away from the Internet next hop', () => {
    const r = forcedTunnelling([
      table([
        ['AzureSiteRecovery', 'VirtualAppliance', '10.0.0.4'],
        ['Storage', 'Internet'],
      ]),
    ]);
    expect(r.forced).toBe(false);
    expect(r.serviceTagRoutes.map((x) => x.addressPrefix)).toEqual(['AzureSiteRecovery']);
  });

  it('reads the real effective routes sample: the default route goes to the Internet', () => {
    const routes = (
      armFixtureBody('network-2025-07-01.NetworkInterfaceEffectiveRouteTableList.json') as { value: Parameters<typeof forcedTunnellingFromEffectiveRoutes>[0] }
    ).value;
    expect(forcedTunnellingFromEffectiveRoutes(routes)).toMatchObject({ forced: false, dropped: false });
    const overridden = [
      ...routes,
      { source: 'User', state: 'Active', addressPrefix: ['0.0.0.0/0'], nextHopType: 'VirtualAppliance', nextHopIpAddress: ['10.0.0.4'] },
    ];
    expect(forcedTunnellingFromEffectiveRoutes(overridden).forced).toBe(true);
    const invalid = [
      ...routes,
      { source: 'User', state: 'Invalid', addressPrefix: ['0.0.0.0/0'], nextHopType: 'VirtualAppliance', nextHopIpAddress: ['10.0.0.4'] },
    ];
    expect(forcedTunnellingFromEffectiveRoutes(invalid).forced).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties.

const DESTS = [
  '*',
  'Internet',
  'VirtualNetwork',
  'Storage',
  'Storage.WestUS2',
  'Storage.EastUS2',
  '20.60.0.0/16',
  '10.0.0.0/8',
  'AzureCloud',
  'Sql',
  'ServiceBus',
];
const PORTS = ['*', '443', '80', '400-500', '1-442'];
const PROTOCOLS = ['Tcp', 'Udp', '*'];
const ruleArb = (priority: number) =>
  fc
    .record({
      access: fc.constantFrom('Allow' as const, 'Deny' as const),
      dest: fc.constantFrom(...DESTS),
      port: fc.constantFrom(...PORTS),
      protocol: fc.constantFrom(...PROTOCOLS),
    })
    .map((r) => rule(r.access, priority, r.dest, { destinationPortRange: r.port, protocol: r.protocol }));
const rulesArb = fc
  .uniqueArray(fc.integer({ min: 100, max: 4096 }), { maxLength: 12 })
  .chain((priorities) => (priorities.length ? fc.tuple(...priorities.map(ruleArb)) : fc.constant([] as ArmSecurityRule[])));
const destArb = fc.oneof(
  fc.constantFrom('Storage.WestUS2', 'Storage', 'AzureSiteRecovery', 'EventHub.EastUS2').map(tag),
  fc.constantFrom('20.60.130.5', '20.60.1.1', '40.70.146.65', '10.1.2.3', '2603:1030:a00::5').map(ip),
);

describe('evaluateOutbound: properties', () => {
  it('a rule added after the deciding one (higher priority number) never changes the decision', () => {
    fc.assert(
      fc.property(
        rulesArb,
        destArb,
        fc.boolean(),
        fc.record({ access: fc.constantFrom('Allow' as const, 'Deny' as const), dest: fc.constantFrom(...DESTS) }),
        fc.integer({ min: 1, max: 500 }),
        (rules, destination, withIndex, extra, gap) => {
          const context = { serviceTags: withIndex ? INDEX : undefined, virtualNetworkPrefixes: ['10.1.0.0/16'] };
          const before = evaluateNsg(nsg('s', rules), 'subnet', { ...context, destination });
          fc.pre(before.access !== 'Unknown' && before.decidingRule !== null);
          const later = Math.min(before.decidingRule!.priority + gap, 65499);
          fc.pre(later > before.decidingRule!.priority && !rules.some((r) => r.properties!.priority === later));
          const after = evaluateNsg(nsg('s', [...rules, rule(extra.access, later, extra.dest)]), 'subnet', { ...context, destination });
          expect(after.access).toBe(before.access);
          expect(after.decidingRule?.name).toBe(before.decidingRule!.name);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the order rules are listed in does not matter (priorities decide)', () => {
    fc.assert(
      fc.property(rulesArb, destArb, (rules, destination) => {
        const a = evaluateOutbound({ subnet: nsg('s', rules), destination, serviceTags: INDEX });
        const b = evaluateOutbound({ subnet: nsg('s', [...rules].reverse()), destination, serviceTags: INDEX });
        expect(b.allowed).toBe(a.allowed);
        expect(b.subnet.decidingRule?.name).toBe(a.subnet.decidingRule?.name);
      }),
      { numRuns: 300 },
    );
  });

  it('a deny on the NIC is final, and allowed needs both levels to allow', () => {
    fc.assert(
      fc.property(rulesArb, rulesArb, destArb, (nicRules, subnetRules, destination) => {
        const query = { nic: nsg('n', nicRules), subnet: nsg('s', subnetRules), destination, serviceTags: INDEX };
        const d = evaluateOutbound(query);
        if (d.nic.access === 'Deny') expect(d.allowed).toBe(false);
        if (d.allowed === true) expect([d.nic.access, d.subnet.access]).toEqual(['Allow', 'Allow']);
        if (d.nic.access === 'Allow' && d.subnet.access === 'Deny') expect(d.decidedBy).toBe('subnet');
      }),
      { numRuns: 300 },
    );
  });

  it('evaluation is linear in the number of rules (NSG JSON in, decision out)', () => {
    // Every rule does work: allows to a tag the index lacks (uncertain, kept), denies to another
    // region (compared through the index), denies on other ports; the decision comes last (65001).
    const unit = JSON.stringify(rule('Allow', 0, 'Sql')); // the shortest of the three: the text is at least `bytes` long
    const build = (bytes: number) => {
      const count = Math.ceil(bytes / unit.length);
      const rules = Array.from({ length: count }, (_, i) =>
        i % 3 === 0
          ? rule('Allow', 100 + i, 'Sql')
          : i % 3 === 1
            ? rule('Deny', 100 + i, 'Storage.EastUS2', { destinationPortRanges: ['80', '8080-8090', '443'], destinationPortRange: undefined })
            : rule('Deny', 100 + i, '*', { destinationPortRange: '8443' }),
      );
      return JSON.stringify(nsg('big', rules));
    };
    const decide = (text: string) =>
      evaluateOutbound({ subnet: JSON.parse(text) as ArmNetworkSecurityGroup, destination: tag('Storage.WestUS2'), serviceTags: INDEX });
    const small = decide(build(4096));
    expect(small.allowed).toBe(true);
    expect(small.subnet.uncertain.length).toBeGreaterThan(0);
    expectLinear('NSG evaluation', decide, build);
  });
});
