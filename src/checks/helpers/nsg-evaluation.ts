// Would the NSGs let this VM open TCP 443 to a destination? A local evaluation of the network
// security groups as ARM returns them (GET networkSecurityGroups, or the effective rules of a NIC),
// in Azure's order: for outbound traffic the NIC's NSG first, then the subnet's; within an NSG the
// rules by ascending priority, the first match deciding; no NSG = allow. Also: does a route table
// send the subnet's Internet traffic elsewhere (forced tunnelling)?
// Facts are in the project reference azure-control-plane.md §3 (NSGOV, NSGHOW, TAGS, UDR).
// Pure: plain data in, plain data out; linear in the number of rules (plus the service-tag index,
// built once in n log n).
import type {
  ArmNetworkSecurityGroup as FactsNetworkSecurityGroup,
  ArmRoute,
  ArmRouteTable,
  ArmSecurityRule as FactsSecurityRule,
  ArmSecurityRuleProperties as FactsSecurityRuleProperties,
  ArmServiceTagsList,
} from '../../facts/control-plane/types';

export type Access = 'Allow' | 'Deny';
export type NsgLevel = 'nic' | 'subnet';

/**
 * A security rule's properties as the control-plane facts carry them (GET
 * …/networkSecurityGroups/{g}; protocol Tcp | Udp | Icmp | Esp | Ah | *, effective rules "All";
 * destination port "*", "443", "400-500", effective rules "0-65535"; the source port is not
 * evaluated: the VM's is ephemeral, and ASR rules leave it "*"), read defensively, plus the one
 * field only effective rules have.
 */
export interface ArmSecurityRuleProperties extends FactsSecurityRuleProperties {
  /** Effective rules only: the CIDRs a tag destination stands for. */
  expandedDestinationAddressPrefix?: string[];
}

/** A security rule as ARM returns it (the facts' shape). */
export interface ArmSecurityRule extends FactsSecurityRule {
  properties?: ArmSecurityRuleProperties;
}

/**
 * An effective security rule (POST …/effectiveNetworkSecurityGroups): the same fields, flat, with
 * names such as "defaultSecurityRules/AllowInternetOutBound". Accepted wherever a rule is.
 */
export type ArmEffectiveSecurityRule = ArmSecurityRuleProperties & { name?: string };

/** An NSG as the facts carry it, or one built from effective rules (nsgsFromEffective). */
export interface ArmNetworkSecurityGroup extends Omit<FactsNetworkSecurityGroup, 'properties'> {
  properties?: {
    securityRules?: Array<ArmSecurityRule | ArmEffectiveSecurityRule>;
    /** Read-only defaults; when ARM leaves them out the documented ones are assumed. */
    defaultSecurityRules?: Array<ArmSecurityRule | ArmEffectiveSecurityRule>;
  };
}

/** The outbound default rules every NSG has (they cannot be deleted) [NSGOV]. */
export const DEFAULT_OUTBOUND_RULES: readonly ArmSecurityRule[] = [
  {
    name: 'AllowVnetOutBound',
    properties: {
      priority: 65000,
      direction: 'Outbound',
      access: 'Allow',
      protocol: '*',
      sourceAddressPrefix: 'VirtualNetwork',
      destinationAddressPrefix: 'VirtualNetwork',
      destinationPortRange: '*',
    },
  },
  {
    name: 'AllowInternetOutBound',
    properties: {
      priority: 65001,
      direction: 'Outbound',
      access: 'Allow',
      protocol: '*',
      sourceAddressPrefix: '*',
      destinationAddressPrefix: 'Internet',
      destinationPortRange: '*',
    },
  },
  {
    name: 'DenyAllOutBound',
    properties: {
      priority: 65500,
      direction: 'Outbound',
      access: 'Deny',
      protocol: '*',
      sourceAddressPrefix: '*',
      destinationAddressPrefix: '*',
      destinationPortRange: '*',
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Addresses and prefixes (IPv4 and IPv6) as closed intervals of bigints.

export type Family = 4 | 6;

export interface Prefix {
  family: Family;
  start: bigint;
  end: bigint;
}

const MAX_ADDRESS_CHARS = 64;

function parseIPv4(text: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let value = 0n;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIPv6(text: string): bigint | null {
  if (text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === null) return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) out.push(Number.parseInt(piece, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  let value = 0n;
  for (const g of [...head, ...new Array<number>(missing).fill(0), ...tail]) value = (value << 16n) | BigInt(g);
  return value;
}

/** "10.1.0.4" or "2001:db8::1" → family and value; anything else → null. */
export function parseAddress(text: string): { family: Family; value: bigint } | null {
  if (typeof text !== 'string' || text.length > MAX_ADDRESS_CHARS) return null;
  const t = text.trim();
  const v4 = parseIPv4(t);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = t.includes(':') ? parseIPv6(t) : null;
  return v6 !== null ? { family: 6, value: v6 } : null;
}

/** "10.0.0.0/8", "2603:1030::/48", or a bare address (one host) → an interval; else null. */
export function parsePrefix(text: string): Prefix | null {
  if (typeof text !== 'string' || text.length > MAX_ADDRESS_CHARS) return null;
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return null;
  const bits = address.family === 4 ? 32 : 128;
  const lengthText = slash < 0 ? String(bits) : text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(lengthText)) return null;
  const length = Number(lengthText);
  if (length > bits) return null;
  const hostBits = BigInt(bits - length);
  const start = (address.value >> hostBits) << hostBits;
  return { family: address.family, start, end: start + (1n << hostBits) - 1n };
}

/** Sorted, merged intervals of one family: containment and overlap by binary search. */
class PrefixSet {
  readonly starts: bigint[] = [];
  readonly ends: bigint[] = [];

  static of(prefixes: readonly Prefix[], family: Family): PrefixSet {
    const set = new PrefixSet();
    const sorted = prefixes.filter((p) => p.family === family).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    for (const p of sorted) {
      const last = set.ends.length - 1;
      if (last >= 0 && p.start <= set.ends[last]! + 1n) {
        if (p.end > set.ends[last]!) set.ends[last] = p.end;
      } else {
        set.starts.push(p.start);
        set.ends.push(p.end);
      }
    }
    return set;
  }

  get empty(): boolean {
    return this.starts.length === 0;
  }

  /** Index of the last interval starting at or before value, or -1. */
  private floor(value: bigint): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= value) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  covers(start: bigint, end: bigint): boolean {
    const i = this.floor(start);
    return i >= 0 && this.ends[i]! >= end;
  }

  overlaps(start: bigint, end: bigint): boolean {
    const i = this.floor(end);
    return i >= 0 && this.ends[i]! >= start;
  }

  /** How much of `other` this set holds: all, some or none of it. */
  holds(other: PrefixSet): 'all' | 'some' | 'none' {
    let all = true;
    let some = false;
    for (let i = 0; i < other.starts.length; i++) {
      const [s, e] = [other.starts[i]!, other.ends[i]!];
      if (this.covers(s, e)) some = true;
      else {
        all = false;
        if (this.overlaps(s, e)) some = true;
      }
      if (!all && some) break;
    }
    return all ? 'all' : some ? 'some' : 'none';
  }
}

const SPECIAL_PREFIXES = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
  '::/127',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
].map((p) => parsePrefix(p)!);
const SPECIAL = { 4: PrefixSet.of(SPECIAL_PREFIXES, 4), 6: PrefixSet.of(SPECIAL_PREFIXES, 6) };

/** A public address: not private, shared, loopback, link-local or multicast. */
export function isPublicAddress(text: string): boolean {
  const a = parseAddress(text);
  return a !== null && !SPECIAL[a.family].covers(a.value, a.value);
}

// ---------------------------------------------------------------------------------------------
// Service tags (Service Tag Discovery API: GET …/locations/{loc}/serviceTags).

/** A Service Tag Discovery API answer: the facts' shape (types.ts ArmServiceTagsList). */
export type ServiceTagsResponse = ArmServiceTagsList;

export interface ServiceTagEntry {
  name: string;
  region: string;
  systemService: string;
  v4: PrefixSet;
  v6: PrefixSet;
}

export interface ServiceTagIndex {
  changeNumber: string | null;
  /** By lower-cased tag name (the rules of tag-name case are unconfirmed: compared case-insensitively). */
  tags: Map<string, ServiceTagEntry>;
}

/** Indexes a Service Tag Discovery API answer (all pages' values concatenated) for lookups. */
export function buildServiceTagIndex(response: ServiceTagsResponse | ServiceTagsResponse[]): ServiceTagIndex {
  const pages = Array.isArray(response) ? response : [response];
  const tags = new Map<string, ServiceTagEntry>();
  let changeNumber: string | null = null;
  for (const page of pages) {
    if (typeof page?.changeNumber === 'string') changeNumber ??= page.changeNumber;
    for (const v of Array.isArray(page?.values) ? page.values : []) {
      const name = typeof v?.name === 'string' ? v.name : typeof v?.id === 'string' ? v.id : null;
      if (!name) continue;
      const prefixes = (Array.isArray(v.properties?.addressPrefixes) ? v.properties.addressPrefixes : [])
        .map(parsePrefix)
        .filter((p): p is Prefix => p !== null);
      tags.set(name.toLowerCase(), {
        name,
        region: typeof v.properties?.region === 'string' ? v.properties.region : '',
        systemService: typeof v.properties?.systemService === 'string' ? v.properties.systemService : '',
        v4: PrefixSet.of(prefixes, 4),
        v6: PrefixSet.of(prefixes, 6),
      });
    }
  }
  return { changeNumber, tags };
}

/** Every tag whose prefixes hold the address (e.g. the tags of a resolved Storage IP). */
export function tagsContaining(index: ServiceTagIndex, address: string): string[] {
  const a = parseAddress(address);
  if (!a) return [];
  const out: string[] = [];
  for (const entry of index.tags.values()) if ((a.family === 4 ? entry.v4 : entry.v6).covers(a.value, a.value)) out.push(entry.name);
  return out;
}

// ---------------------------------------------------------------------------------------------
// One rule against the traffic.

/** match: the rule applies; partial: it applies to part of the destination; unknown: cannot tell. */
type Match = 'match' | 'no-match' | 'partial' | 'unknown';

export type Destination = { tag: string } | { ip: string };

export interface OutboundQuery {
  /** The NSG on the VM's NIC; null/undefined when none is associated. */
  nic?: ArmNetworkSecurityGroup | null;
  /** The NSG on the NIC's subnet; null/undefined when none is associated. */
  subnet?: ArmNetworkSecurityGroup | null;
  /** A service tag name ("Storage.WestUS2") or an IP address (a resolved endpoint). */
  destination: Destination;
  /** Destination port, 443 unless given. */
  port?: number;
  /** The VM's private address: needed for rules whose source is a CIDR. */
  sourceIp?: string;
  /** The virtual network's address space (and peered spaces), for the VirtualNetwork tag. */
  virtualNetworkPrefixes?: readonly string[];
  /** From the Service Tag Discovery API: needed to place an IP in a tag, or to compare two tags. */
  serviceTags?: ServiceTagIndex;
  /**
   * A user-defined 0.0.0.0/0 route exists: the VirtualNetwork tag may then also hold default routes
   * [TAGS], so a VirtualNetwork rule may match any destination (inference).
   */
  forcedTunnel?: boolean;
  /** Address families the VM uses to reach a tag destination: IPv4 only unless given (ASR needs IPv4). */
  families?: readonly Family[];
}

interface Context {
  port: number;
  destination: Destination;
  destAddress: { family: Family; value: bigint } | null;
  /** The destination tag's entry in the index, when the destination is a tag the index knows. */
  destTag: ServiceTagEntry | null;
  source: { family: Family; value: bigint } | null;
  vnet: { 4: PrefixSet; 6: PrefixSet } | null;
  index: ServiceTagIndex | null;
  forcedTunnel: boolean;
  families: readonly Family[];
}

interface Judged {
  match: Match;
  why: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const list = (single: unknown, many: unknown): string[] => {
  const out: string[] = [];
  if (typeof single === 'string' && single !== '') out.push(single);
  if (Array.isArray(many)) for (const m of many) if (typeof m === 'string' && m !== '') out.push(m);
  return out;
};
/** Combines the matches of the alternatives of one field (prefixes, ranges): any match wins. */
function any(results: Judged[], none: string): Judged {
  const hit = results.find((r) => r.match === 'match');
  if (hit) return hit;
  const maybe = results.find((r) => r.match === 'unknown' || r.match === 'partial');
  return maybe ?? { match: 'no-match', why: none };
}

function protocolMatch(protocol: unknown): Judged {
  const p = str(protocol)?.toLowerCase();
  if (p === 'tcp' || p === '*' || p === 'all' || p === 'any') return { match: 'match', why: `protocol ${protocol as string}` };
  if (p === 'udp' || p === 'icmp' || p === 'esp' || p === 'ah' || p === 'icmpv6') return { match: 'no-match', why: `protocol ${protocol as string}` };
  return { match: 'unknown', why: `unreadable protocol ${JSON.stringify(protocol)}` };
}

function portMatch(ranges: string[], port: number): Judged {
  if (ranges.length === 0) return { match: 'unknown', why: 'no destination port range' };
  return any(
    ranges.map((r): Judged => {
      const t = r.trim();
      if (t === '*') return { match: 'match', why: 'any port' };
      const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t);
      if (!m) return { match: 'unknown', why: `unreadable port range ${JSON.stringify(r.slice(0, 40))}` };
      const low = Number(m[1]);
      const high = m[2] === undefined ? low : Number(m[2]);
      return low <= port && port <= high ? { match: 'match', why: `port range ${t}` } : { match: 'no-match', why: `port range ${t}` };
    }),
    `port ${port} is outside ${ranges.join(', ')}`,
  );
}

function vnetHolds(ctx: Context, a: { family: Family; value: bigint }): boolean | null {
  return ctx.vnet ? ctx.vnet[a.family].covers(a.value, a.value) : null;
}

function sourceMatch(prefixes: string[], asgs: unknown, ctx: Context): Judged {
  if (Array.isArray(asgs) && asgs.length > 0) return { match: 'unknown', why: 'source is an application security group (its members are not known here)' };
  if (prefixes.length === 0) return { match: 'unknown', why: 'no source prefix' };
  return any(
    prefixes.map((p): Judged => {
      const lower = p.toLowerCase();
      if (lower === '*' || lower === 'any') return { match: 'match', why: 'any source' };
      // The VM is in its virtual network: VirtualNetwork as a source always holds it.
      if (lower === 'virtualnetwork') return { match: 'match', why: 'source VirtualNetwork' };
      // Outbound rules see the private source address, before translation to a public one [NSGOV].
      if (lower === 'internet') return { match: 'no-match', why: "source Internet (the VM's private address is not in it)" };
      const cidr = parsePrefix(p);
      if (cidr) {
        // 0.0.0.0/0 (effective rules write * so) holds the VM's address of that family.
        const whole = cidr.start === 0n && cidr.end === (cidr.family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n);
        if (!ctx.source && whole && ctx.families.includes(cidr.family)) return { match: 'match', why: `source ${p}` };
        if (!ctx.source) return { match: 'unknown', why: `source ${p} (the VM's address is not known)` };
        if (cidr.family !== ctx.source.family) return { match: 'no-match', why: `source ${p}` };
        return ctx.source.value >= cidr.start && ctx.source.value <= cidr.end
          ? { match: 'match', why: `source ${p}` }
          : { match: 'no-match', why: `source ${p}` };
      }
      const entry = ctx.index?.tags.get(lower);
      if (entry && ctx.source)
        return (ctx.source.family === 4 ? entry.v4 : entry.v6).covers(ctx.source.value, ctx.source.value)
          ? { match: 'match', why: `source ${p}` }
          : { match: 'no-match', why: `source ${p}` };
      return { match: 'unknown', why: `source tag ${p} (cannot place the VM's address in it)` };
    }),
    'source does not include this VM',
  );
}

/** `Storage` holds `Storage.WestUS2` [TAGS]: the service part of a regional tag. */
function globalOf(tag: string): string | null {
  const dot = tag.indexOf('.');
  return dot > 0 ? tag.slice(0, dot) : null;
}

function destTagAgainstTag(ruleTag: string, ctx: Context & { destination: { tag: string } }): Judged {
  const d = ctx.destination.tag.toLowerCase();
  const r = ruleTag.toLowerCase();
  if (r === d) return { match: 'match', why: `destination ${ruleTag}` };
  if (globalOf(d) === r) return { match: 'match', why: `destination ${ruleTag} holds ${ctx.destination.tag}` };
  const ruleEntry = ctx.index?.tags.get(r);
  if (ctx.destTag && ruleEntry) return setMatch(ruleEntry, ctx.destTag, `destination ${ruleTag}`, ctx);
  if (globalOf(r) === d) return { match: 'partial', why: `destination ${ruleTag} is one region of ${ctx.destination.tag}` };
  const [dg, rg] = [globalOf(d), globalOf(r)];
  if (dg !== null && rg !== null && dg === rg) return { match: 'no-match', why: `destination ${ruleTag} is another region of ${dg}` };
  // AzureCloud: all datacenter public IP addresses [TAGS].
  if (r === 'azurecloud') return { match: 'match', why: 'destination AzureCloud holds every Azure public address' };
  return { match: 'unknown', why: `destination ${ruleTag}: whether it overlaps ${ctx.destination.tag} needs the Service Tag Discovery API` };
}

function setMatch(holder: { v4: PrefixSet; v6: PrefixSet }, dest: { v4: PrefixSet; v6: PrefixSet }, what: string, ctx: Context): Judged {
  const results = ctx.families.map((f) => (f === 4 ? [holder.v4, dest.v4] : [holder.v6, dest.v6]) as [PrefixSet, PrefixSet]).filter(([, d]) => !d.empty);
  if (results.length === 0) return { match: 'unknown', why: `${what}: the destination has no addresses of the family in use` };
  const held = results.map(([h, d]) => h.holds(d));
  if (held.every((h) => h === 'all')) return { match: 'match', why: what };
  if (held.every((h) => h === 'none')) return { match: 'no-match', why: what };
  return { match: 'partial', why: `${what} holds part of ${'tag' in ctx.destination ? ctx.destination.tag : 'the destination'}` };
}

function destinationMatch(prefixes: string[], expanded: string[], asgs: unknown, ctx: Context): Judged {
  if (Array.isArray(asgs) && asgs.length > 0) return { match: 'unknown', why: 'destination is an application security group (its members are not known here)' };
  if (prefixes.length === 0 && expanded.length === 0) return { match: 'unknown', why: 'no destination prefix' };
  // Effective rules carry the tag's CIDRs: match on them when the destination is an address.
  if (expanded.length > 0 && ctx.destAddress) {
    const a = ctx.destAddress;
    const parsed = expanded.map(parsePrefix).filter((p): p is Prefix => p !== null);
    const hit = parsed.some((p) => p.family === a.family && a.value >= p.start && a.value <= p.end);
    return hit
      ? { match: 'match', why: `destination ${prefixes[0] ?? 'prefix'} (expanded)` }
      : { match: 'no-match', why: `destination ${prefixes[0] ?? 'prefix'} (expanded)` };
  }
  return any(
    prefixes.map((p) => destinationPrefixMatch(p, ctx)),
    'destination not in the rule',
  );
}

function destinationPrefixMatch(p: string, ctx: Context): Judged {
  const lower = p.toLowerCase();
  if (lower === '*' || lower === 'any') return { match: 'match', why: 'any destination' };
  const cidr = parsePrefix(p);
  if ('ip' in ctx.destination) {
    const a = ctx.destAddress;
    if (!a) return { match: 'unknown', why: `unreadable destination address ${JSON.stringify(ctx.destination.ip.slice(0, 64))}` };
    if (cidr)
      return cidr.family === a.family && a.value >= cidr.start && a.value <= cidr.end
        ? { match: 'match', why: `destination ${p}` }
        : { match: 'no-match', why: `destination ${p}` };
    if (lower === 'internet') {
      const inVnet = vnetHolds(ctx, a);
      const isPublic = !SPECIAL[a.family].covers(a.value, a.value);
      return isPublic && inVnet !== true
        ? { match: 'match', why: 'destination Internet (a public address outside the virtual network)' }
        : { match: 'no-match', why: 'destination Internet' };
    }
    if (lower === 'virtualnetwork') {
      const inVnet = vnetHolds(ctx, a);
      if (inVnet === true) return { match: 'match', why: 'destination VirtualNetwork' };
      if (ctx.forcedTunnel)
        return { match: 'unknown', why: 'destination VirtualNetwork, which may hold the default route of a user-defined 0.0.0.0/0 (inference)' };
      const isPublic = !SPECIAL[a.family].covers(a.value, a.value);
      if (inVnet === false || isPublic) return { match: 'no-match', why: 'destination VirtualNetwork' };
      return { match: 'unknown', why: "destination VirtualNetwork (the virtual network's address space is not known)" };
    }
    const entry = ctx.index?.tags.get(lower);
    if (entry)
      return (a.family === 4 ? entry.v4 : entry.v6).covers(a.value, a.value)
        ? { match: 'match', why: `destination ${entry.name} holds ${ctx.destination.ip}` }
        : { match: 'no-match', why: `destination ${entry.name}` };
    return { match: 'unknown', why: `destination tag ${p}: not in the service tag index` };
  }
  // The destination is a service tag: public Azure addresses.
  const dest = ctx.destination;
  if (lower === 'internet') return { match: 'match', why: 'destination Internet holds the Azure public address space' };
  if (lower === 'virtualnetwork') {
    if (dest.tag.toLowerCase() === 'virtualnetwork') return { match: 'match', why: 'destination VirtualNetwork' };
    return ctx.forcedTunnel
      ? { match: 'unknown', why: 'destination VirtualNetwork, which may hold the default route of a user-defined 0.0.0.0/0 (inference)' }
      : { match: 'no-match', why: 'destination VirtualNetwork' };
  }
  if (cidr) {
    if (ctx.destTag) return setMatch({ v4: PrefixSet.of([cidr], 4), v6: PrefixSet.of([cidr], 6) }, ctx.destTag, `destination ${p}`, ctx);
    if (!ctx.families.includes(cidr.family)) return { match: 'no-match', why: `destination ${p} (IPv${cidr.family}, not in use)` };
    const whole = cidr.start === 0n && cidr.end === (cidr.family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n);
    if (whole && ctx.families.every((f) => f === cidr.family)) return { match: 'match', why: `destination ${p}` };
    return { match: 'unknown', why: `destination ${p}: whether it holds ${dest.tag} needs the Service Tag Discovery API` };
  }
  return destTagAgainstTag(p, { ...ctx, destination: dest });
}

// ---------------------------------------------------------------------------------------------
// One NSG, then both levels.

export interface RuleRef {
  name: string;
  priority: number;
  access: Access;
  /** One of the default rules (AllowVnetOutBound, AllowInternetOutBound, DenyAllOutBound). */
  isDefault: boolean;
  /** The default rules were assumed, not read from ARM. */
  assumed: boolean;
  nsgName: string | null;
  nsgId: string | null;
  level: NsgLevel;
}

export interface LevelDecision {
  level: NsgLevel;
  /** Is an NSG associated at this level? No NSG = allow [NSGHOW]. */
  present: boolean;
  nsgName: string | null;
  nsgId: string | null;
  access: Access | 'Unknown';
  /** The rule that decides (the first that surely matches); with Unknown, the first sure match. */
  decidingRule: RuleRef | null;
  /** Rules before the deciding one whose match could not be told, and why. */
  uncertain: Array<{ rule: RuleRef; why: string }>;
  /** Rules that were skipped as unreadable (no priority, no access). */
  ignored: string[];
  why: string;
}

export interface OutboundDecision {
  /** true: both levels allow; false: a level denies; null: cannot tell. */
  allowed: boolean | null;
  nic: LevelDecision;
  subnet: LevelDecision;
  /** The level whose rule decides: the denying level, or both when allowed. */
  decidedBy: NsgLevel | 'both' | 'none';
  why: string;
}

interface Candidate {
  ref: RuleRef;
  order: number;
  judged: Judged;
}

const nsgNameOf = (nsg: ArmNetworkSecurityGroup): string | null => str(nsg.name) ?? (str(nsg.id)?.split('/').pop() || null);

/** Evaluates one NSG for the query's traffic, outbound. Linear in its rules. */
export function evaluateNsg(nsg: ArmNetworkSecurityGroup | null | undefined, level: NsgLevel, query: OutboundQuery): LevelDecision {
  const ctx = contextOf(query);
  return evaluateWith(nsg, level, ctx);
}

function evaluateWith(nsg: ArmNetworkSecurityGroup | null | undefined, level: NsgLevel, ctx: Context): LevelDecision {
  if (!nsg)
    return {
      level,
      present: false,
      nsgName: null,
      nsgId: null,
      access: 'Allow',
      decidingRule: null,
      uncertain: [],
      ignored: [],
      why: `No NSG on the ${levelName(level)}: traffic is allowed at this level.`,
    };
  const nsgName = nsgNameOf(nsg);
  const nsgId = str(nsg.id);
  const props = nsg.properties ?? {};
  const custom = Array.isArray(props.securityRules) ? props.securityRules : [];
  const assumed = !Array.isArray(props.defaultSecurityRules);
  const defaults = assumed ? DEFAULT_OUTBOUND_RULES : props.defaultSecurityRules!;
  let best: Candidate | null = null;
  const uncertain: Candidate[] = [];
  const ignored: string[] = [];
  let order = 0;
  for (const [rules, isDefault] of [
    [custom, false],
    [defaults, true],
  ] as const) {
    for (const rule of rules) {
      order++;
      const p: ArmSecurityRuleProperties = (rule as ArmSecurityRule)?.properties ?? (rule as ArmEffectiveSecurityRule) ?? {};
      const rawName = str((rule as ArmSecurityRule)?.name) ?? `rule #${order}`;
      const name = rawName.replace(/^(default)?securityRules\//i, '');
      if (str(p.direction)?.toLowerCase() !== 'outbound') continue;
      const access = str(p.access)?.toLowerCase();
      const priority = p.priority;
      if ((access !== 'allow' && access !== 'deny') || typeof priority !== 'number' || !Number.isInteger(priority)) {
        ignored.push(name.slice(0, 80));
        continue;
      }
      // A rule decided before this one cannot be overtaken by it: skip the matching work.
      if (best && (priority > best.ref.priority || (priority === best.ref.priority && order > best.order))) continue;
      const ref: RuleRef = {
        name,
        priority,
        access: access === 'allow' ? 'Allow' : 'Deny',
        isDefault: isDefault || /^defaultSecurityRules\//i.test(rawName),
        assumed: isDefault && assumed,
        nsgName,
        nsgId,
        level,
      };
      const judged = judgeRule(p, ctx);
      if (judged.match === 'no-match') continue;
      const candidate = { ref, order, judged };
      if (judged.match === 'match') best = candidate;
      else uncertain.push(candidate);
    }
  }
  const before = uncertain
    .filter((u) => !best || u.ref.priority < best.ref.priority || (u.ref.priority === best.ref.priority && u.order < best.order))
    .sort((a, b) => a.ref.priority - b.ref.priority || a.order - b.order);
  const uncertainOut = before.map((u) => ({ rule: u.ref, why: u.judged.why }));
  const where = `${nsgName ?? 'NSG'} (${levelName(level)})`;
  // Every answer names the NSG, the rules that might have matched first and those not understood.
  const result = (access: LevelDecision['access'], decidingRule: RuleRef | null, why: string): LevelDecision => ({
    level,
    present: true,
    nsgName,
    nsgId,
    access,
    decidingRule,
    uncertain: uncertainOut,
    ignored,
    why,
  });
  if (!best) {
    return result(
      'Unknown',
      null,
      `No rule of ${where} surely matches outbound ${describe(ctx)}${before.length ? `; ${before.length} rule(s) may` : ' (its default rules look incomplete)'}.`,
    );
  }
  const decided = best;
  const conflicting = before.filter((u) => u.ref.access !== decided.ref.access);
  if (conflicting.length > 0) {
    const first = conflicting[0]!;
    return result(
      'Unknown',
      decided.ref,
      `${where}: ${first.ref.access} rule ${first.ref.name} (priority ${first.ref.priority}) comes before ${decided.ref.access} rule ${decided.ref.name} (priority ${decided.ref.priority}), and whether it matches cannot be told: ${first.judged.why}.`,
    );
  }
  return result(
    decided.ref.access,
    decided.ref,
    `${where}: outbound ${describe(ctx)} is ${decided.ref.access === 'Allow' ? 'allowed' : 'denied'} by ${decided.ref.isDefault ? 'default ' : ''}rule ${decided.ref.name} (priority ${decided.ref.priority}; ${decided.judged.why}).`,
  );
}

function judgeRule(p: ArmSecurityRuleProperties, ctx: Context): Judged {
  const parts: Judged[] = [
    protocolMatch(p.protocol),
    portMatch(list(p.destinationPortRange, p.destinationPortRanges), ctx.port),
    destinationMatch(
      list(p.destinationAddressPrefix, p.destinationAddressPrefixes),
      Array.isArray(p.expandedDestinationAddressPrefix) ? list(undefined, p.expandedDestinationAddressPrefix) : [],
      p.destinationApplicationSecurityGroups,
      ctx,
    ),
    sourceMatch(list(p.sourceAddressPrefix, p.sourceAddressPrefixes), p.sourceApplicationSecurityGroups, ctx),
  ];
  const no = parts.find((j) => j.match === 'no-match');
  if (no) return no;
  const partial = parts.find((j) => j.match === 'partial');
  if (partial) return partial;
  const unknown = parts.find((j) => j.match === 'unknown');
  if (unknown) return unknown;
  return { match: 'match', why: parts[2]!.why };
}

function contextOf(query: OutboundQuery): Context {
  const destination = query.destination;
  const destAddress = 'ip' in destination ? parseAddress(destination.ip) : null;
  const index = query.serviceTags ?? null;
  const destTag = 'tag' in destination && index ? (index.tags.get(destination.tag.toLowerCase()) ?? null) : null;
  const vnetPrefixes = query.virtualNetworkPrefixes ? query.virtualNetworkPrefixes.map(parsePrefix).filter((p): p is Prefix => p !== null) : null;
  return {
    port: query.port ?? 443,
    destination,
    destAddress,
    destTag,
    source: query.sourceIp ? parseAddress(query.sourceIp) : null,
    vnet: vnetPrefixes ? { 4: PrefixSet.of(vnetPrefixes, 4), 6: PrefixSet.of(vnetPrefixes, 6) } : null,
    index,
    forcedTunnel: query.forcedTunnel ?? false,
    families: query.families && query.families.length > 0 ? query.families : [4],
  };
}

function describe(ctx: Context): string {
  const to = 'tag' in ctx.destination ? ctx.destination.tag : ctx.destination.ip;
  return `TCP ${ctx.port} to ${String(to).slice(0, 64)}`;
}

function levelName(level: NsgLevel): string {
  return level === 'nic' ? 'network interface' : 'subnet';
}

/**
 * Outbound TCP (443 unless query.port) from the VM to a service tag or an address, through the NIC's
 * NSG and then the subnet's: a deny at either level blocks; allowed needs both to allow [NSGHOW].
 */
export function evaluateOutbound(query: OutboundQuery): OutboundDecision {
  const ctx = contextOf(query);
  const nic = evaluateWith(query.nic, 'nic', ctx);
  const subnet = evaluateWith(query.subnet, 'subnet', ctx);
  const what = describe(ctx);
  if (nic.access === 'Deny')
    return {
      allowed: false,
      nic,
      subnet,
      decidedBy: 'nic',
      why: `Outbound ${what} is denied by the NSG on the network interface (evaluated first for outbound traffic): ${nic.why}`,
    };
  if (subnet.access === 'Deny')
    return {
      allowed: false,
      nic,
      subnet,
      decidedBy: 'subnet',
      why: `Outbound ${what} passes the network interface but is denied by the NSG on the subnet: ${subnet.why}`,
    };
  if (nic.access === 'Unknown' || subnet.access === 'Unknown') {
    const unsure = [nic, subnet]
      .filter((l) => l.access === 'Unknown')
      .map((l) => l.why)
      .join(' ');
    return { allowed: null, nic, subnet, decidedBy: 'none', why: `Whether outbound ${what} is allowed cannot be told: ${unsure}` };
  }
  const none = !nic.present && !subnet.present;
  return {
    allowed: true,
    nic,
    subnet,
    decidedBy: none ? 'none' : 'both',
    why: none
      ? `No NSG on the network interface or the subnet: outbound ${what} is not filtered by an NSG.`
      : `Outbound ${what} is allowed at both levels. ${nic.why} ${subnet.why}`,
  };
}

/** An entry of POST …/effectiveNetworkSecurityGroups (value[]). */
export interface ArmEffectiveNsgEntry {
  networkSecurityGroup?: { id?: string };
  association?: { networkInterface?: { id?: string }; subnet?: { id?: string }; networkManager?: { id?: string } };
  effectiveSecurityRules?: ArmEffectiveSecurityRule[];
}

/**
 * The NIC-level and subnet-level NSGs of an effective-rules answer, ready for evaluateOutbound. An
 * entry whose association names a network interface is the NIC's, else one naming a subnet is the
 * subnet's. Its rules already include the defaults, so none are assumed.
 */
export function nsgsFromEffective(entries: ReadonlyArray<ArmEffectiveNsgEntry | null | undefined>): {
  nic: ArmNetworkSecurityGroup | null;
  subnet: ArmNetworkSecurityGroup | null;
} {
  const out: { nic: ArmNetworkSecurityGroup | null; subnet: ArmNetworkSecurityGroup | null } = { nic: null, subnet: null };
  for (const e of entries) {
    if (!e) continue;
    const level: NsgLevel | null = e.association?.networkInterface ? 'nic' : e.association?.subnet ? 'subnet' : null;
    if (!level || out[level]) continue;
    const id = str(e.networkSecurityGroup?.id) ?? undefined;
    out[level] = { id, properties: { securityRules: Array.isArray(e.effectiveSecurityRules) ? e.effectiveSecurityRules : [], defaultSecurityRules: [] } };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Routes: forced tunnelling.

/** Route tables and routes: the facts' shapes (types.ts). */
export type { ArmRoute, ArmRouteTable };

/** An entry of POST …/effectiveRouteTable. */
export interface ArmEffectiveRoute {
  source?: string;
  state?: string;
  addressPrefix?: string[];
  nextHopType?: string;
  nextHopIpAddress?: string[];
}

export interface RouteRef {
  routeTable: string | null;
  route: string;
  addressPrefix: string;
  nextHopType: string;
  nextHopIpAddress: string | null;
}

export interface ForcedTunnelling {
  /** A default route (0.0.0.0/0 or ::/0) goes to a virtual appliance or a gateway. */
  forced: boolean;
  /** A default route has next hop None: Internet-bound traffic is dropped. */
  dropped: boolean;
  /** The default routes that do this. */
  routes: RouteRef[];
  /** Routes whose prefix is a service tag and whose next hop is not Internet (ASR addresses must not be routed away [NET]). */
  serviceTagRoutes: RouteRef[];
  /** A Microsoft.Storage service endpoint on the subnet: cache-storage traffic bypasses the tunnel [UDR]. */
  storageServiceEndpoint: boolean;
  implications: string[];
}

export interface ForcedTunnellingOptions {
  /** The subnet's serviceEndpoints (properties.serviceEndpoints of a subnet GET). */
  serviceEndpoints?: Array<{ service?: string; locations?: string[] }>;
  /** The VM's region, to tell whether a Storage service endpoint covers it. */
  region?: string;
}

const DEFAULT_ROUTE = /^(0\.0\.0\.0\/0|::\/0)$/;
const TUNNEL_HOPS = new Set(['virtualappliance', 'virtualnetworkgateway']);

/**
 * Forced tunnelling from route tables as ARM returns them (the subnet's table; several are allowed).
 * A route table holds only user routes: a default route learned over BGP (ExpressRoute, VPN) shows
 * only in the effective routes (inference) — see forcedTunnellingFromEffectiveRoutes.
 */
export function forcedTunnelling(routeTables: ReadonlyArray<ArmRouteTable | null | undefined>, options: ForcedTunnellingOptions = {}): ForcedTunnelling {
  const refs: RouteRef[] = [];
  let bgpPropagation = false;
  for (const table of routeTables) {
    if (!table) continue;
    const tableName = str(table.name) ?? (str(table.id)?.split('/').pop() || null);
    if (table.properties?.disableBgpRoutePropagation !== true) bgpPropagation = true;
    for (const route of Array.isArray(table.properties?.routes) ? table.properties.routes : []) {
      const p = route?.properties;
      const prefix = str(p?.addressPrefix);
      const hop = str(p?.nextHopType);
      if (!prefix || !hop) continue;
      refs.push({
        routeTable: tableName,
        route: str(route.name) ?? 'route',
        addressPrefix: prefix,
        nextHopType: hop,
        nextHopIpAddress: str(p?.nextHopIpAddress),
      });
    }
  }
  const result = judgeRoutes(refs, options);
  // A user default route wins over a BGP one (ties: User > BGP > System [UDR]): the note matters only without one.
  if (bgpPropagation && !result.forced && !result.dropped)
    result.implications.push(
      "Route propagation is on: a default route learned over BGP from an ExpressRoute or VPN gateway would not show in the route table, only in the NIC's effective routes (inference).",
    );
  return result;
}

/** Forced tunnelling from a NIC's effective routes (POST …/effectiveRouteTable); only Active routes count. */
export function forcedTunnellingFromEffectiveRoutes(
  routes: ReadonlyArray<ArmEffectiveRoute | null | undefined>,
  options: ForcedTunnellingOptions = {},
): ForcedTunnelling {
  const refs: RouteRef[] = [];
  for (const r of routes) {
    if (!r || str(r.state)?.toLowerCase() !== 'active') continue;
    const hop = str(r.nextHopType);
    if (!hop) continue;
    for (const prefix of list(undefined, r.addressPrefix)) {
      refs.push({
        routeTable: null,
        route: `${str(r.source) ?? 'effective'} route`,
        addressPrefix: prefix,
        nextHopType: hop,
        nextHopIpAddress: list(undefined, r.nextHopIpAddress)[0] ?? null,
      });
    }
  }
  return judgeRoutes(refs, options);
}

function judgeRoutes(refs: RouteRef[], options: ForcedTunnellingOptions): ForcedTunnelling {
  const defaults = refs.filter((r) => DEFAULT_ROUTE.test(r.addressPrefix.trim()));
  const tunnels = defaults.filter((r) => TUNNEL_HOPS.has(r.nextHopType.toLowerCase()));
  const drops = defaults.filter((r) => r.nextHopType.toLowerCase() === 'none');
  const serviceTagRoutes = refs.filter(
    (r) => !parsePrefix(r.addressPrefix) && /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)?$/.test(r.addressPrefix) && r.nextHopType.toLowerCase() !== 'internet',
  );
  const region = options.region ? options.region.toLowerCase().replace(/\s+/g, '') : null;
  const storageServiceEndpoint = (options.serviceEndpoints ?? []).some((e) => {
    if (str(e?.service)?.toLowerCase() !== 'microsoft.storage') return false;
    const locations = list(undefined, e.locations).map((l) => l.toLowerCase().replace(/\s+/g, ''));
    return !region || locations.length === 0 || locations.includes('*') || locations.includes(region);
  });
  const implications: string[] = [];
  const shown = (r: RouteRef) =>
    `${r.routeTable ? `${r.routeTable}/` : ''}${r.route} (${r.addressPrefix} → ${r.nextHopType}${r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ''})`;
  for (const r of tunnels) {
    const where =
      r.nextHopType.toLowerCase() === 'virtualappliance'
        ? `the virtual appliance${r.nextHopIpAddress ? ` at ${r.nextHopIpAddress}` : ''}`
        : 'the virtual network gateway (VPN or ExpressRoute, towards your on-premises network)';
    implications.push(
      `Forced tunnelling: ${shown(r)} sends all Internet-bound traffic, including traffic to the public addresses of Azure Storage, Entra ID, Site Recovery and Service Bus, to ${where}. It must allow outbound HTTPS to the Site Recovery URLs without TLS inspection; Microsoft does not recommend forced tunnelling for Site Recovery replication (the appliance may also be throttled by replication traffic).`,
    );
  }
  for (const r of drops)
    implications.push(
      `${shown(r)} drops Internet-bound traffic: the VM cannot reach Entra ID, Site Recovery or Service Bus, and Site Recovery cannot replicate it until the route changes.`,
    );
  if ((tunnels.length > 0 || drops.length > 0) && !storageServiceEndpoint)
    implications.push(
      'Add a Microsoft.Storage service endpoint to the subnet: traffic to the cache storage account then bypasses the default route and stays on the Azure backbone.',
    );
  if ((tunnels.length > 0 || drops.length > 0) && storageServiceEndpoint)
    implications.push('The subnet has a Microsoft.Storage service endpoint: cache-storage traffic bypasses the default route.');
  if (tunnels.length > 0)
    implications.push(
      'With a user-defined 0.0.0.0/0, the VirtualNetwork service tag may also hold the default route, so an NSG rule on VirtualNetwork may match Internet-bound traffic (inference).',
    );
  for (const r of serviceTagRoutes)
    implications.push(
      `${shown(r)} routes a service tag's addresses to ${r.nextHopType}: Site Recovery addresses should not be added to route tables; check that no Site Recovery, Storage, Entra ID or Event Hub traffic is sent away from the Internet next hop.`,
    );
  return { forced: tunnels.length > 0, dropped: drops.length > 0, routes: [...tunnels, ...drops], serviceTagRoutes, storageServiceEndpoint, implications };
}
