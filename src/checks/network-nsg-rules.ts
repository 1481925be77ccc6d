// Check network.nsg-rules: do this VM's network security groups let it open TCP 443 to what Site
// Recovery needs? Evaluated locally from the NSGs as ARM returns them (GET, Reader level; reference
// azure-control-plane.md §3: the NIC's NSG first, then the subnet's; first match by priority; no NSG
// = allow): one finding per required service tag of the source region's NSG (§4.5, from the region
// catalog: Storage.<source>, AzureActiveDirectory, EventHub.<target>, AzureSiteRecovery, and the
// optional ones), then one per probed endpoint, for the addresses it resolved to (mapped to service
// tags with the Service Tag Discovery API). Each finding names the deciding rule (name, priority,
// NSG) of each level; where a probe failed at TCP it names the rule that denies it, if one does.
// The effective rules (POST, not in Reader) are not read, so Virtual Network Manager security admin
// rules are not seen (§3).
import type { CheckOutcome } from '../core/finding';
import type { EndpointCatalog } from '../catalog/azure-endpoints';
import { findRegion, requiredServiceTags, SITE_RECOVERY_REGIONS, type RequiredServiceTag } from '../catalog/site-recovery-regions';
import type { ArmMissing, ArmNetworkSecurityGroup, ArmRead, ControlPlaneFacts, NetworkInterfaceResource, SubnetResource } from '../facts/control-plane/types';
import type { EndpointProbeFacts } from '../facts/network';
import { defineCheck } from './helpers/check-context';
import { controlPlaneOrSkip, firstMissing, isControlPlane, itemById, missingOutcome, nameOfId, sameArmId, sourcesOf } from './helpers/arm-findings';
import type { EndpointResult } from './helpers/endpoint-remediation';
import {
  buildServiceTagIndex,
  evaluateOutbound,
  forcedTunnelling,
  parseAddress,
  parsePrefix,
  tagsContaining,
  type LevelDecision,
  type OutboundDecision,
  type ServiceTagIndex,
} from './helpers/nsg-evaluation';
import { quoteSh } from './helpers/outbound-rules';

export const NSG_REFERENCE = {
  semantics:
    'azure-control-plane.md §3 (NSGOV 2025-07-15, NSGHOW 2020-08-24): NIC NSG first for outbound, then the subnet NSG; lowest priority number first, first match decides; no NSG = allow',
  tags: 'azure-control-plane.md §4.5 (NET 2021-11-21): Storage.<source>, AzureActiveDirectory, EventHub.<target>, AzureSiteRecovery required; AzureKeyVault, GuestAndHybridManagement optional',
  effective:
    'Evaluated from GET networkSecurityGroups (Reader); the effective rules (POST …/effectiveNetworkSecurityGroups) need a role beyond Reader and are not read, so Virtual Network Manager admin rules are not seen',
} as const;

export const networkNsgRules = defineCheck({
  id: 'network.nsg-rules',
  title: 'NSG rules for outbound HTTPS to Site Recovery',
  description:
    "Evaluates the VM's NSGs (network interface, then subnet) for outbound TCP 443 to each service tag Site Recovery needs and to each probed endpoint's addresses, naming the rule that decides.",
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 90_000,
  needs: ['endpointProbes', 'controlPlane'],
  explain: {
    judges:
      "One finding per required service tag of the source region's NSGs, then one per probed endpoint: each names the deciding rule of the NIC's and the subnet's NSG; a deny on a required tag fails.",
    sources: Object.values(NSG_REFERENCE),
    catalogs: ['siteRecoveryRegions', 'endpoints'],
    asrErrorCodes: [151037, 151072, 151196, 151197],
    remediation: 'Add an outbound Allow rule on TCP 443 for the tag with a lower priority number than the denying rule (asr-ready rules prints them).',
  },
  async run(ctx) {
    // Without the probes the service tags are still judged; without ARM nothing is.
    const [probes, cp] = await Promise.all([ctx.facts.endpointProbes().catch(() => null), controlPlaneOrSkip(() => ctx.facts.controlPlane())]);
    return isControlPlane(cp) ? evaluateNsgRules(cp, probes, ctx.catalog.endpoints) : [cp];
  },
});

/** The VM's outbound path as the NSGs see it: the primary NIC, its subnet, both NSGs, and the route table. */
export interface NsgPath {
  nic: NetworkInterfaceResource;
  subnet: SubnetResource | null;
  nicNsg: ArmNetworkSecurityGroup | null;
  subnetNsg: ArmNetworkSecurityGroup | null;
  sourceIp: string | null;
  forcedTunnel: boolean;
  tunnelText: string | null;
  otherNics: string[];
  notes: string[];
  /** The reads the path comes from (their sources are the evidence's). */
  reads: Array<ArmRead<unknown>>;
}

/** The path, or the read that is missing (a forbidden one carries the grant). */
export function nsgPathOf(cp: ControlPlaneFacts): NsgPath | { missing: ArmMissing } {
  if (cp.networkInterfaces.status !== 'ok') return { missing: cp.networkInterfaces };
  const nicMissing = firstMissing(cp.networkInterfaces);
  if (nicMissing) return { missing: nicMissing };
  const nics = cp.networkInterfaces.items.map((i) => ({ id: i.id, read: i.read, value: (i.read as { value: NetworkInterfaceResource }).value }));
  if (nics.length === 0) return { missing: { status: 'unavailable', reason: 'incomplete', why: 'the VM resource lists no network interface' } };
  const vmPrimary = cp.vm.status === 'ok' ? cp.vm.value.networkInterfaces.find((n) => n.primary === true)?.id : undefined;
  const nic = (vmPrimary && nics.find((n) => sameArmId(n.id, vmPrimary))) || nics.find((n) => n.value.primary === true) || nics[0]!;
  const config = nic.value.ipConfigurations.find((c) => c.primary === true) ?? nic.value.ipConfigurations[0] ?? null;
  const notes: string[] = [];
  const reads: Array<ArmRead<unknown>> = [nic.read];
  if (nics.length > 1)
    notes.push(
      `Only the primary network interface ${nic.value.name || nameOfId(nic.id)} is evaluated: outbound traffic leaves through it by default (inference).`,
    );
  let subnet: SubnetResource | null = null;
  if (config?.subnetId) {
    if (cp.subnets.status !== 'ok') return { missing: cp.subnets };
    const item = itemById(cp.subnets.items, config.subnetId);
    if (!item) return { missing: { status: 'unavailable', reason: 'incomplete', why: `the subnet ${config.subnetId} was not read` } };
    if (item.read.status !== 'ok') return { missing: item.read };
    subnet = item.read.value;
    reads.push(item.read);
  }
  const nsgOf = (id: string | null): ArmNetworkSecurityGroup | null | { missing: ArmMissing } => {
    if (!id) return null;
    if (cp.networkSecurityGroups.status !== 'ok') return { missing: cp.networkSecurityGroups };
    const item = itemById(cp.networkSecurityGroups.items, id);
    if (!item) return { missing: { status: 'unavailable', reason: 'incomplete', why: `the network security group ${id} was not read` } };
    if (item.read.status !== 'ok') return { missing: item.read };
    reads.push(item.read);
    return item.read.value;
  };
  const nicNsg = nsgOf(nic.value.networkSecurityGroupId);
  if (nicNsg && 'missing' in nicNsg) return nicNsg;
  const subnetNsg = nsgOf(subnet?.networkSecurityGroupId ?? null);
  if (subnetNsg && 'missing' in subnetNsg) return subnetNsg;
  let forcedTunnel = false;
  let tunnelText: string | null = null;
  if (subnet?.routeTableId) {
    const table = cp.routeTables.status === 'ok' ? itemById(cp.routeTables.items, subnet.routeTableId) : undefined;
    if (table?.read.status === 'ok') {
      reads.push(table.read);
      const ft = forcedTunnelling([table.read.value], { serviceEndpoints: subnet.serviceEndpoints, region: cp.sourceRegion.name ?? undefined });
      forcedTunnel = ft.forced;
      if (ft.forced || ft.dropped)
        tunnelText = `The subnet's route table ${nameOfId(subnet.routeTableId)} sends Internet-bound traffic to ${ft.routes.map((r) => `${r.nextHopType}${r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ''}`).join(', ')}: an NSG that allows it is not enough, the next hop must too (see network.routes).`;
    } else notes.push(`The subnet's route table ${nameOfId(subnet.routeTableId)} was not read, so forced tunnelling is not taken into account.`);
  }
  const sourceIp = config?.privateIPAddress ? config.privateIPAddress.split('/')[0]! : null;
  return {
    nic: nic.value,
    subnet,
    nicNsg,
    subnetNsg,
    sourceIp,
    forcedTunnel,
    tunnelText,
    otherNics: nics.filter((n) => n !== nic).map((n) => n.id),
    notes,
    reads,
  };
}

export function evaluateNsgRules(cp: ControlPlaneFacts, probes: EndpointProbeFacts | null, endpoints: EndpointCatalog): CheckOutcome[] {
  const path = nsgPathOf(cp);
  const what = "the network security groups of the VM's network interface and subnet";
  if ('missing' in path) return [missingOutcome(path.missing, what)];
  const index = cp.serviceTags.status === 'ok' ? buildServiceTagIndex(cp.serviceTags.value) : null;
  const tagNote =
    cp.serviceTags.status === 'ok'
      ? null
      : `The service tags were not read (${cp.serviceTags.status === 'forbidden' ? `403: ${cp.serviceTags.grant.command}` : cp.serviceTags.why}), so addresses are not placed in tags and tag overlaps are judged by name only.`;
  const notes = [...path.notes, ...(tagNote ? [tagNote] : [])];
  const common = {
    nic: { id: path.nic.id, name: path.nic.name, networkSecurityGroupId: path.nic.networkSecurityGroupId },
    subnet: path.subnet && {
      id: path.subnet.id,
      name: path.subnet.name,
      networkSecurityGroupId: path.subnet.networkSecurityGroupId,
      routeTableId: path.subnet.routeTableId,
    },
    sourceIp: path.sourceIp,
    forcedTunnel: path.forcedTunnel,
    serviceTagsChangeNumber: index?.changeNumber ?? null,
    ...(path.otherNics.length ? { notEvaluated: path.otherNics } : {}),
    ...(notes.length ? { notes } : {}),
    reference: NSG_REFERENCE,
    sources: sourcesOf(...path.reads, cp.serviceTags),
  };
  const source = cp.sourceRegion.name;
  const findings: CheckOutcome[] = [];
  if (!source) {
    findings.push({
      subject: 'service tags',
      status: 'skip',
      summary: 'Not judged: the source region is unknown (IMDS gave no location and no --region was given), so the regional service tags cannot be named.',
      remediation: 'Run asr-ready on the Azure VM itself, or give --region NAME.',
      evidence: common,
    });
  } else {
    for (const tag of tagsToCheck(source, cp.targetRegion.name)) findings.push(judgeTag(tag, path, index, common, endpoints, cp));
    if (!cp.targetRegion.name)
      findings.push({
        subject: 'EventHub.<target region>',
        status: 'skip',
        summary: `Not judged: the EventHub tag of the target region (Site Recovery monitoring) cannot be named without it. Give --target-region NAME to judge it.`,
        remediation: 'Give --target-region NAME.',
        evidence: common,
      });
  }
  for (const r of probes?.results ?? []) {
    const f = judgeEndpoint(r, path, index, common, cp);
    if (f) findings.push(f);
  }
  return findings;
}

/** The source NSG's tags; without a target region, those that do not name it. */
function tagsToCheck(source: string, target: string | null): RequiredServiceTag[] {
  const tags = requiredServiceTags(source, target ?? source);
  if (target) return tags;
  return tags.filter((_, i) => !SITE_RECOVERY_REGIONS.serviceTags.rules[i]?.tag.endsWith('.{other}'));
}

interface Common {
  [key: string]: unknown;
}

function levelEvidence(l: LevelDecision) {
  return {
    level: l.level,
    present: l.present,
    nsg: l.nsgName,
    nsgId: l.nsgId,
    access: l.access,
    decidingRule: l.decidingRule && {
      name: l.decidingRule.name,
      priority: l.decidingRule.priority,
      access: l.decidingRule.access,
      isDefault: l.decidingRule.isDefault,
      assumed: l.decidingRule.assumed,
    },
    uncertain: l.uncertain.map((u) => ({ rule: u.rule.name, priority: u.rule.priority, access: u.rule.access, why: u.why })),
    ...(l.ignored.length ? { ignored: l.ignored } : {}),
  };
}

function decisionEvidence(d: OutboundDecision) {
  return { allowed: d.allowed, decidedBy: d.decidedBy, why: d.why, nic: levelEvidence(d.nic), subnet: levelEvidence(d.subnet) };
}

/** "rule DenyAll (priority 4000) of NSG nsg1 (subnet)". */
function ruleText(l: LevelDecision): string {
  const where = `NSG ${l.nsgName ?? l.nsgId ?? '(unnamed)'} (${l.level === 'nic' ? 'network interface' : 'subnet'})`;
  return l.decidingRule ? `${l.decidingRule.isDefault ? 'default ' : ''}rule ${l.decidingRule.name} (priority ${l.decidingRule.priority}) of ${where}` : where;
}

/** "Outbound TCP 443 to X is allowed by rule A (priority 100) of NSG n1 (network interface) and by …", or "no NSG". */
function allowedText(d: OutboundDecision, what: string): string {
  const levels = [d.nic, d.subnet].filter((l) => l.present);
  if (levels.length === 0) return `No NSG on the network interface or the subnet: outbound ${what} is not filtered by an NSG.`;
  const absent = [d.nic, d.subnet].find((l) => !l.present);
  return `Outbound ${what} is allowed by ${levels.map(ruleText).join(' and by ')}${absent ? ` (no NSG on the ${absent.level === 'nic' ? 'network interface' : 'subnet'})` : ''}.`;
}

/** The levels that deny, deciding rule first. */
function denyingLevels(d: OutboundDecision): LevelDecision[] {
  return [d.nic, d.subnet].filter((l) => l.access === 'Deny');
}

function resourceGroupOf(id: string | null): string {
  return (id && /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1]) || '<resource-group>';
}

/** A free outbound priority below the denying rule's (custom rules: 100–4096). */
function freePriority(nsg: ArmNetworkSecurityGroup | null, below: number): number | null {
  const taken = new Set(
    (nsg?.properties?.securityRules ?? []).filter((r) => r.properties?.direction?.toLowerCase() === 'outbound').map((r) => r.properties?.priority),
  );
  for (let p = Math.min(below - 1, 4096); p >= 100; p--) if (!taken.has(p)) return p;
  return null;
}

/** The az command that allows outbound TCP port to a tag in the NSG of a denying level. */
function allowCommand(l: LevelDecision, nsg: ArmNetworkSecurityGroup | null, tag: string, port: number): string {
  const priority = freePriority(nsg, l.decidingRule?.priority ?? 4097);
  const argv = [
    'az',
    'network',
    'nsg',
    'rule',
    'create',
    '--resource-group',
    resourceGroupOf(l.nsgId),
    '--nsg-name',
    l.nsgName ?? 'REPLACE-WITH-NSG-NAME',
    '--name',
    `AllowAsr-${tag}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 80),
    '--priority',
    String(priority ?? 'REPLACE-WITH-FREE-PRIORITY'),
    '--direction',
    'Outbound',
    '--access',
    'Allow',
    '--protocol',
    'Tcp',
    '--source-address-prefixes',
    'VirtualNetwork',
    '--source-port-ranges',
    '*',
    '--destination-address-prefixes',
    tag,
    '--destination-port-ranges',
    String(port),
  ];
  return argv.map(quoteSh).join(' ');
}

function fixFor(d: OutboundDecision, path: NsgPath, tag: string, port: number): string[] {
  return denyingLevels(d).map((l) => {
    const nsg = l.level === 'nic' ? path.nicNsg : path.subnetNsg;
    return `Allow outbound TCP ${port} to ${tag} ahead of ${ruleText(l)}, by service tag, not IP addresses ("IP address based filtering should not be performed", NET):\n   ${allowCommand(l, nsg, tag, port)}`;
  });
}

/** ASR error codes of the endpoint whose service tag is this one (endpoint catalog: Storage → 151037, 151072; AzureActiveDirectory → 151196…). */
function codesForTag(tag: string, endpoints: EndpointCatalog, cloud: string | null): number[] {
  const service = tag.split('.')[0]!.toLowerCase();
  const list = endpoints.clouds[(cloud as keyof EndpointCatalog['clouds']) ?? 'AzureCloud']?.endpoints ?? endpoints.clouds.AzureCloud.endpoints;
  const entry = list.find((e) => e.serviceTag && e.serviceTag.source.split('.')[0]!.toLowerCase() === service);
  return entry ? [...entry.asrErrorCodes].sort((a, b) => a - b) : [];
}

function judgeTag(
  t: RequiredServiceTag,
  path: NsgPath,
  index: ServiceTagIndex | null,
  common: Common,
  endpoints: EndpointCatalog,
  cp: ControlPlaneFacts,
): CheckOutcome {
  const d = evaluateOutbound({
    nic: path.nicNsg,
    subnet: path.subnetNsg,
    destination: { tag: t.tag },
    port: t.port,
    ...(path.sourceIp ? { sourceIp: path.sourceIp } : {}),
    ...(index ? { serviceTags: index } : {}),
    forcedTunnel: path.forcedTunnel,
  });
  const need = t.required ? 'required' : 'optional';
  const evidence = {
    ...common,
    tag: t.tag,
    required: t.required,
    why: t.why,
    tagSource: t.source,
    ...(t.note ? { tagNote: t.note } : {}),
    decision: decisionEvidence(d),
  };
  const base = { subject: t.tag, title: `Outbound TCP 443 to ${t.tag} (${need})` };
  const tunnel = path.tunnelText ? ` ${path.tunnelText}` : '';
  const note = t.note ? ` ${t.note}` : '';
  if (d.allowed === true) return { ...base, status: 'pass', summary: `${allowedText(d, `TCP ${t.port} to ${t.tag}`)}${tunnel}${note}`, evidence };
  if (d.allowed === null)
    return {
      ...base,
      status: 'warn',
      summary: `${d.why}${tunnel}${note}`,
      remediation: `Check the rules named by hand, or add an explicit outbound Allow rule for ${t.tag} on TCP 443 with a lower priority number than them.`,
      evidence,
    };
  return {
    ...base,
    status: t.required ? 'fail' : 'warn',
    summary: `${d.why} ${t.tag} is ${need} for Site Recovery: ${t.why}${tunnel}${note}`,
    remediation: fixFor(d, path, t.tag, t.port)
      .map((f, i) => `${i + 1}. ${f}`)
      .join('\n'),
    asrErrorCodes: t.required ? codesForTag(t.tag, endpoints, cp.cloud) : [],
    evidence,
  };
}

const NOT_THROUGH_NSG = ['127.0.0.0/8', '::1/128', '169.254.0.0/16', 'fe80::/10'].map((p) => parsePrefix(p)!);
/** Loopback and link-local addresses never cross an NSG. */
function crossesNsg(address: string): boolean {
  const a = parseAddress(address);
  return a !== null && !NOT_THROUGH_NSG.some((p) => p.family === a.family && a.value >= p.start && a.value <= p.end);
}

/** The endpoint's service tag from the catalog template ("Storage.<source region>" → "Storage.EastUS"), or null. */
function endpointTag(r: EndpointResult, cp: ControlPlaneFacts): string | null {
  const template = r.serviceTag?.source;
  if (!template) return null;
  const spell = (name: string | null) => (name ? (findRegion(name)?.serviceTagRegion ?? null) : null);
  const filled = template
    .replace('<source region>', spell(cp.sourceRegion.name) ?? '<source region>')
    .replace('<target region>', spell(cp.targetRegion.name) ?? '<target region>');
  return filled.includes('<') ? null : filled;
}

function judgeEndpoint(r: EndpointResult, path: NsgPath, index: ServiceTagIndex | null, common: Common, cp: ControlPlaneFacts): CheckOutcome | null {
  const proxied = r.viaProxy !== null;
  const port = proxied ? (r.tcp?.port ?? r.port) : r.port;
  const candidates = proxied ? [r.tcp?.address ?? r.address] : [r.tcp?.address, ...(r.dns?.addresses ?? []).map((a) => a.address)];
  const addresses = [...new Set(candidates.filter((a): a is string => typeof a === 'string' && a !== ''))].filter(crossesNsg).slice(0, 16);
  if (addresses.length === 0) return null;
  const subject = `${r.host}:${r.port}`;
  const paths = addresses.map((address) => {
    const tags = index ? tagsContaining(index, address) : [];
    const d = evaluateOutbound({
      nic: path.nicNsg,
      subnet: path.subnetNsg,
      destination: { ip: address },
      port,
      ...(path.sourceIp ? { sourceIp: path.sourceIp } : {}),
      ...(index ? { serviceTags: index } : {}),
      forcedTunnel: path.forcedTunnel,
    });
    return { address, tags, d };
  });
  const where = proxied ? ` (the proxy ${r.viaProxy} it goes through)` : '';
  const shown = (p: (typeof paths)[number]) => `${p.address}${p.tags.length ? ` (${p.tags.join(', ')})` : ''}`;
  const evidence = {
    ...common,
    host: r.host,
    port,
    viaProxy: r.viaProxy,
    probe: { status: r.status, failedLayer: r.failedLayer, tcpOutcome: r.tcp?.outcome ?? null, error: r.error },
    paths: paths.map((p) => ({ address: p.address, serviceTags: p.tags, ...decisionEvidence(p.d) })),
  };
  const title = `NSG path to ${r.host}${proxied ? ' (via proxy)' : ''}`;
  const denied = paths.filter((p) => p.d.allowed === false);
  const unknown = paths.filter((p) => p.d.allowed === null);
  const tcpFailed = r.failedLayer === 'tcp';
  // The TCP layer reached the address dialled (the endpoint, or its proxy).
  const connected = r.status === 'ok' || r.tcp?.ok === true;
  const tunnel = path.tunnelText ? ` ${path.tunnelText}` : '';
  if (denied.length) {
    const rules = denied.map((p) => `TCP ${port} to ${shown(p)} is denied by ${denyingLevels(p.d).map(ruleText).join(' and by ')}`).join('; ');
    const dialled = r.tcp?.address ?? null;
    if (connected && (dialled === null || denied.some((p) => p.address === dialled)))
      return {
        subject,
        title,
        status: 'warn',
        summary: `The NSG evaluation says ${rules}, yet the probe connected${where}: a rule this evaluation cannot see decides (a Virtual Network Manager security admin rule, seen only in the effective rules), or the NSGs changed since. Check the effective security rules of ${path.nic.name || 'the NIC'}.`,
        remediation: `az network nic list-effective-nsg --resource-group ${quoteSh(resourceGroupOf(path.nic.id))} --name ${path.nic.name ? quoteSh(path.nic.name) : '<nic>'} (needs the effectiveNetworkSecurityGroups action, beyond Reader).`,
        evidence,
      };
    const tag = endpointTag(r, cp) ?? denied.flatMap((p) => p.tags).sort((a, b) => b.length - a.length)[0] ?? null;
    const fixes = tag ? fixFor(denied[0]!.d, path, tag, port) : [];
    const probe = tcpFailed
      ? `The probe failed at TCP (${r.tcp?.outcome ?? 'no connection'}): `
      : connected
        ? `The probe reached ${dialled}, which the NSGs allow, but not every address ${r.host} resolves to is: `
        : '';
    return {
      subject,
      title,
      status: r.required && !connected ? 'fail' : 'warn',
      summary: `${probe}${rules}${where}.${tunnel}`,
      remediation: fixes.length
        ? fixes.map((f, i) => `${i + 1}. ${f}`).join('\n')
        : `Allow outbound TCP ${port} to ${r.host}'s service tag (not its IP addresses) ahead of the denying rule.`,
      asrErrorCodes: r.asrErrorCodes,
      evidence,
    };
  }
  if (unknown.length) {
    return {
      subject,
      title,
      status: 'warn',
      summary: `Whether the NSGs let TCP ${port} to ${unknown.map(shown).join(', ')}${where} through cannot be told: ${unknown[0]!.d.why}${tcpFailed ? ` The probe failed at TCP (${r.tcp?.outcome ?? 'no connection'}).` : ''}${tunnel}`,
      remediation:
        'Check the rules named by hand, or look at the effective security rules of the network interface (az network nic list-effective-nsg, beyond Reader).',
      evidence,
    };
  }
  const allowed = paths
    .map(
      (p) =>
        `${shown(p)}: ${
          p.d.decidedBy === 'none'
            ? 'no NSG'
            : [p.d.nic, p.d.subnet]
                .filter((l) => l.present)
                .map((l) => `allowed by ${ruleText(l)}`)
                .join(' and ')
        }`,
    )
    .join('; ');
  return {
    subject,
    title,
    status: 'pass',
    summary: tcpFailed
      ? `The probe failed at TCP (${r.tcp?.outcome ?? 'no connection'}), but the NSGs allow TCP ${port}${where} (${allowed}): the block is elsewhere (a route table or appliance, a firewall, the guest's own firewall).${tunnel}`
      : `The NSGs allow TCP ${port}${where} to ${allowed}.${tunnel}`,
    evidence,
  };
}
