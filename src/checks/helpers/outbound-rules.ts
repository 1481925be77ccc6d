// The outbound rules a VM needs for Azure Site Recovery, computed from its source region, target
// region and cloud: the NSG service-tag rules for the source region (and for the target region, for
// replication back after failover), each with a priority, and the URL allow-list for a firewall or
// proxy. Rendered three ways: plain text, `az network nsg rule create` commands (argument arrays,
// and quoted for sh or PowerShell), and a Bicep securityRules snippet. Pure: catalogs in, text out.
import { AZURE_ENDPOINTS, type Cloud } from '../../catalog/azure-endpoints';
import {
  findRegion,
  normaliseRegionName,
  regionPairJudgement,
  requiredServiceTags,
  SITE_RECOVERY_REGIONS,
  type RegionPairJudgement,
  type RequiredServiceTag,
} from '../../catalog/site-recovery-regions';

/** NSG custom rule priorities run from 100 to 4096 (reference §2.6). */
export const MIN_RULE_PRIORITY = 100;
export const MAX_RULE_PRIORITY = 4096;

export interface OutboundRulesInput {
  sourceRegion: string;
  targetRegion: string;
  cloud: Cloud;
  /** Priority of the first rule (default 200); the next ones follow by priorityStep (default 10). */
  basePriority?: number;
  priorityStep?: number;
  /** Also create rules for the optional tags (AzureKeyVault, GuestAndHybridManagement). Default false: they are listed only. */
  includeOptional?: boolean;
  /** The cache storage account's name: the allow-list then names its host instead of the wildcard. */
  cacheStorageAccount?: string;
  /** Keep only the endpoints this platform uses (Windows-only root list, for one). */
  platform?: 'linux' | 'windows';
}

/** One NSG security rule, in ARM's property names. */
export interface NsgRuleSpec {
  name: string;
  priority: number;
  direction: 'Outbound';
  access: 'Allow';
  protocol: 'Tcp';
  sourceAddressPrefix: 'VirtualNetwork';
  sourcePortRange: '*';
  destinationAddressPrefix: string;
  destinationPortRange: '443';
  description: string;
  required: boolean;
  why: string;
  note?: string;
}

export interface NsgRuleSet {
  /** source: the NSG of the VM now; target: the NSG of the failed-over VM, for replication back. */
  side: 'source' | 'target';
  region: string;
  regionDisplayName: string;
  rules: NsgRuleSpec[];
  /** Optional tags left out of `rules` (includeOptional false). */
  optional: RequiredServiceTag[];
}

export interface AllowListEntry {
  id: string;
  /** A host name or a "*.suffix" pattern. */
  host: string;
  port: number;
  scheme: 'https' | 'http';
  required: boolean;
  purpose: string;
  platforms?: Array<'linux' | 'windows'>;
  serviceTag?: string;
}

export interface OutboundRules {
  cloud: Cloud;
  source: { name: string; displayName: string };
  target: { name: string; displayName: string };
  pair: RegionPairJudgement;
  nsg: { source: NsgRuleSet; target: NsgRuleSet };
  allowList: AllowListEntry[];
  notes: string[];
  sources: string[];
}

const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$/;
const MAX_DESCRIPTION = 140;

/** The rules for a VM replicating from sourceRegion to targetRegion in cloud. */
export function computeOutboundRules(input: OutboundRulesInput): OutboundRules {
  const base = input.basePriority ?? 200;
  const step = input.priorityStep ?? 10;
  if (!Number.isInteger(base) || !Number.isInteger(step) || step < 1 || base < MIN_RULE_PRIORITY)
    throw new RangeError(`Rule priorities start at ${MIN_RULE_PRIORITY} or more, in whole steps of 1 or more (got ${base}, step ${step}).`);
  const includeOptional = input.includeOptional ?? false;
  const notes: string[] = [];
  const describeRegion = (text: string) => {
    const r = findRegion(text);
    const name = r?.name ?? normaliseRegionName(text);
    return { name, displayName: r?.displayName ?? text.slice(0, 64), tagRegion: r?.serviceTagRegion ?? name, cloud: r?.cloud ?? null };
  };
  const source = describeRegion(input.sourceRegion);
  const target = describeRegion(input.targetRegion);
  for (const r of [source, target])
    if (r.cloud && r.cloud !== input.cloud) notes.push(`${r.displayName} is a region of ${r.cloud}, not of ${input.cloud}: check the cloud.`);
  const pair = regionPairJudgement(input.sourceRegion, input.targetRegion);

  const ruleSet = (side: 'source' | 'target'): NsgRuleSet => {
    const tags = requiredServiceTags(input.sourceRegion, input.targetRegion, { side });
    const chosen = tags.filter((t) => t.required || includeOptional);
    const last = base + step * (chosen.length - 1);
    if (last > MAX_RULE_PRIORITY) throw new RangeError(`${chosen.length} rules from priority ${base} by ${step} end at ${last}, above ${MAX_RULE_PRIORITY}.`);
    const own = side === 'source' ? source : target;
    return {
      side,
      region: own.name,
      regionDisplayName: own.displayName,
      rules: chosen.map((t, i) => {
        const name = `AllowAsr-${t.tag}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 80);
        if (!RULE_NAME.test(name)) throw new RangeError(`Cannot name an NSG rule after the tag ${JSON.stringify(t.tag)}.`);
        const spec: NsgRuleSpec = {
          name,
          priority: base + step * i,
          direction: 'Outbound',
          access: 'Allow',
          protocol: 'Tcp',
          sourceAddressPrefix: 'VirtualNetwork',
          sourcePortRange: '*',
          destinationAddressPrefix: t.tag,
          destinationPortRange: '443',
          description: descriptionFor(t),
          required: t.required,
          why: t.why,
        };
        if (t.note) spec.note = t.note;
        return spec;
      }),
      optional: includeOptional ? [] : tags.filter((t) => !t.required),
    };
  };

  const endpoints = AZURE_ENDPOINTS.clouds[input.cloud].endpoints;
  const account = input.cacheStorageAccount?.trim().toLowerCase();
  if (account !== undefined && !/^[a-z0-9]{3,24}$/.test(account)) throw new RangeError('A storage account name is 3 to 24 lower-case letters and digits.');
  const allowList: AllowListEntry[] = endpoints
    .filter((e) => !input.platform || !e.platforms || e.platforms.includes(input.platform))
    .map((e) => {
      const host = account && e.accountHost ? e.accountHost.replace('{account}', account) : (e.host ?? e.pattern!);
      const entry: AllowListEntry = { id: e.id, host, port: e.port, scheme: e.scheme ?? 'https', required: e.required, purpose: e.purpose };
      if (e.platforms) entry.platforms = [...e.platforms];
      const tag = e.serviceTag?.source;
      if (tag) entry.serviceTag = tag.replace('<source region>', source.tagRegion).replace('<target region>', target.tagRegion);
      return entry;
    });
  if (pair.valid === false) notes.push(`Site Recovery does not accept this region pair: ${pair.why}`);
  if (pair.valid === null) notes.push(`The region pair could not be judged: ${pair.why}`);
  notes.push(...pair.notes);
  notes.push('Allow names or service tags, not IP addresses: Site Recovery no longer supports IP allow-lists, and its addresses change.');
  const catalog = SITE_RECOVERY_REGIONS;
  const sources = [
    catalog.sources[catalog.serviceTags.source]!,
    `URLs: the endpoint catalog (src/catalog/azure-endpoints.json, version ${AZURE_ENDPOINTS.version})`,
  ];
  return {
    cloud: input.cloud,
    source: { name: source.name, displayName: source.displayName },
    target: { name: target.name, displayName: target.displayName },
    pair,
    nsg: { source: ruleSet('source'), target: ruleSet('target') },
    allowList,
    notes,
    sources,
  };
}

/** A rule description from the catalog's reason: plain ASCII of a few safe characters, at most 140 characters. */
function descriptionFor(t: RequiredServiceTag): string {
  const reason = t.why
    .replace(/\([^)]*\)/g, '')
    .replace(/"[^"]*"/g, '')
    .split(/[.:;]/)[0]!;
  const text = `Azure Site Recovery, ${t.required ? 'required' : 'optional'}: ${reason}`
    .replace(/[^A-Za-z0-9 ,.:/-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MAX_DESCRIPTION ? text.slice(0, MAX_DESCRIPTION).trimEnd() : text;
}

// ---------------------------------------------------------------------------------------------
// Plain text.

export function renderRulesText(rules: OutboundRules): string {
  const lines: string[] = [];
  lines.push(
    `Outbound rules for Azure Site Recovery: ${rules.source.displayName} (${rules.source.name}) -> ${rules.target.displayName} (${rules.target.name}), ${rules.cloud}`,
  );
  lines.push(
    `Region pair: ${rules.pair.valid === true ? 'supported' : rules.pair.valid === false ? 'NOT supported' : 'could not be judged'}. ${rules.pair.why}`,
  );
  const set = (s: NsgRuleSet, title: string) => {
    lines.push('', title);
    const width = Math.max(...s.rules.map((r) => r.destinationAddressPrefix.length), 12);
    for (const r of s.rules)
      lines.push(
        `  ${String(r.priority).padStart(4)}  Allow  TCP 443  ${r.destinationAddressPrefix.padEnd(width)}  ${r.required ? 'required' : 'optional'}  ${r.why}${r.note ? ` (${r.note})` : ''}`,
      );
    for (const t of s.optional) lines.push(`  ----  (optional, not included)  ${t.tag.padEnd(width)}  ${t.why}`);
  };
  set(rules.nsg.source, `NSG of the VM in ${rules.nsg.source.regionDisplayName} (its NIC or subnet), outbound, source VirtualNetwork:`);
  set(rules.nsg.target, `NSG of the failed-over VM in ${rules.nsg.target.regionDisplayName}, for replication back after failover:`);
  lines.push('', 'Firewall or proxy allow-list (names, not IP addresses):');
  for (const e of rules.allowList) {
    const where = `${e.scheme}://${e.host}:${e.port}`;
    lines.push(`  ${where.padEnd(52)}  ${e.required ? 'required' : 'optional'}  ${e.purpose}${e.platforms ? ` [${e.platforms.join(', ')} only]` : ''}`);
  }
  if (rules.notes.length) lines.push('', 'Notes:', ...rules.notes.map((n) => `  - ${n}`));
  lines.push('', `Sources: ${rules.sources.join('; ')}`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// az network nsg rule create.

export interface AzTarget {
  /** Default: a placeholder the admin replaces. */
  resourceGroup?: string;
  nsgName?: string;
  subscription?: string;
}

export const RESOURCE_GROUP_PLACEHOLDER = 'REPLACE-WITH-RESOURCE-GROUP';
export const NSG_NAME_PLACEHOLDER = 'REPLACE-WITH-NSG-NAME';
/** The target region's NSG is another NSG, often in another resource group: placeholders of its own. */
export const TARGET_PLACEHOLDERS: AzTarget = { resourceGroup: 'REPLACE-WITH-TARGET-RESOURCE-GROUP', nsgName: 'REPLACE-WITH-TARGET-NSG-NAME' };

/** One argument array per rule (argv[0] = "az"): run with execFile, or quote with quoteSh / quotePowerShell. */
export function azRuleArgv(set: NsgRuleSet, target: AzTarget = {}): string[][] {
  return set.rules.map((r) => [
    'az',
    'network',
    'nsg',
    'rule',
    'create',
    ...(target.subscription ? ['--subscription', target.subscription] : []),
    '--resource-group',
    target.resourceGroup ?? RESOURCE_GROUP_PLACEHOLDER,
    '--nsg-name',
    target.nsgName ?? NSG_NAME_PLACEHOLDER,
    '--name',
    r.name,
    '--priority',
    String(r.priority),
    '--direction',
    r.direction,
    '--access',
    r.access,
    '--protocol',
    r.protocol,
    '--source-address-prefixes',
    r.sourceAddressPrefix,
    '--source-port-ranges',
    r.sourcePortRange,
    '--destination-address-prefixes',
    r.destinationAddressPrefix,
    '--destination-port-ranges',
    r.destinationPortRange,
    '--description',
    r.description,
  ]);
}

/** POSIX sh: bare when only safe characters, else single quotes (a quote inside becomes '\''). */
export function quoteSh(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * PowerShell: bare when only safe characters, else single quotes, where a quote is doubled
 * (PowerShell also takes the typographic quotes ‘ ’ ‚ ‛ as quotes: doubled too). Control
 * characters are refused: no argument here needs one.
 */
export function quotePowerShell(arg: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(arg)) throw new RangeError('An argument with a control character cannot be quoted for PowerShell safely.');
  if (/^[A-Za-z0-9_./:=-]+$/.test(arg)) return arg;
  return `'${arg.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

export interface AzRenderOptions {
  shell: 'sh' | 'powershell';
  /** Where to create the source-region rules (default placeholders). */
  source?: AzTarget;
  /** Where to create the target-region rules; false leaves them out (default: placeholders). */
  target?: AzTarget | false;
}

/** The commands, one per line, quoted for the shell, under comments naming the NSG each block is for. */
export function renderAzCommands(rules: OutboundRules, options: AzRenderOptions): string {
  const quote = options.shell === 'sh' ? quoteSh : quotePowerShell;
  const lines: string[] = [
    `# Azure Site Recovery outbound rules (asr-ready): ${rules.source.name} -> ${rules.target.name}, ${rules.cloud}.`,
    `# Replace the REPLACE-WITH-... placeholders with your resource groups and NSG names before running.`,
  ];
  const block = (set: NsgRuleSet, where: AzTarget, title: string) => {
    lines.push('', `# ${title}`);
    for (const argv of azRuleArgv(set, where)) lines.push(argv.map(quote).join(' '));
  };
  block(rules.nsg.source, options.source ?? {}, `NSG of the VM in ${rules.nsg.source.regionDisplayName}`);
  if (options.target !== false)
    block(
      rules.nsg.target,
      options.target ?? TARGET_PLACEHOLDERS,
      `NSG of the failed-over VM in ${rules.nsg.target.regionDisplayName} (replication back after failover)`,
    );
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Bicep.

/** A Bicep single-quoted string: backslash, quote and ${ escaped, control characters as escapes. */
export function bicepString(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return `'${escaped}'`;
}

/** The securityRules property of a Microsoft.Network/networkSecurityGroups resource, for one NSG. */
export function renderBicep(set: NsgRuleSet): string {
  const lines = [
    `// Azure Site Recovery outbound rules for the NSG in ${set.regionDisplayName} (${set.side === 'source' ? 'the VM now' : 'the failed-over VM, for replication back'}), from asr-ready.`,
    '// Merge into the securityRules of your Microsoft.Network/networkSecurityGroups resource; priorities must stay unique.',
    'securityRules: [',
  ];
  for (const r of set.rules) {
    lines.push(
      '  {',
      `    name: ${bicepString(r.name)}`,
      '    properties: {',
      `      description: ${bicepString(r.description)}`,
      `      priority: ${r.priority}`,
      `      direction: ${bicepString(r.direction)}`,
      `      access: ${bicepString(r.access)}`,
      `      protocol: ${bicepString(r.protocol)}`,
      `      sourceAddressPrefix: ${bicepString(r.sourceAddressPrefix)}`,
      `      sourcePortRange: ${bicepString(r.sourcePortRange)}`,
      `      destinationAddressPrefix: ${bicepString(r.destinationAddressPrefix)}`,
      `      destinationPortRange: ${bicepString(r.destinationPortRange)}`,
      '    }',
      '  }',
    );
  }
  lines.push(']');
  return lines.join('\n') + '\n';
}
