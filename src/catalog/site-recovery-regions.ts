// Typed access to the Site Recovery region catalog (site-recovery-regions.json: data, with its
// sources and date): which Azure-to-Azure source → target region pairs Site Recovery accepts, how a
// region name is normalised, and the service tags a VM needs outbound on TCP 443. Pure functions.
import data from './site-recovery-regions.json';

/** The clouds the catalog knows; AzureGermanCloud is the legacy Microsoft Cloud Deutschland. */
export const REGION_CLOUDS = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud', 'AzureGermanCloud'] as const;
export type RegionCloud = (typeof REGION_CLOUDS)[number];

export interface SiteRecoveryRegion {
  /** ARM location name ("westus2"), lower case without blanks. */
  name: string;
  /** As the support matrix spells it ("West US 2"); normalises to name. */
  displayName: string;
  cloud: RegionCloud;
  /** Geographic cluster of the 2023-11-15 matrix; null when that table does not list the region. */
  cluster: string | null;
  /** The region as a regional service tag spells it ("WestUS2" in "Storage.WestUS2"). */
  serviceTagRegion: string;
  /** A restricted region "reserved for in-country/region disaster recovery" of this region. */
  reservedFor?: string;
  role?: 'source-only' | 'target-only';
  /** Source key of role when it is not SM25. */
  roleSource?: string;
  /** The only targets a source-only region may replicate to. */
  allowedTargets?: string[];
  /** A Recovery Services vault cannot be created here. */
  noVault?: boolean;
  clusterSource?: string;
  note?: string;
}

export interface ServiceTagRule {
  /** A tag name, or a regional template: "Storage.{own}", "EventHub.{other}". */
  tag: string;
  required: boolean;
  why: string;
}

export interface SiteRecoveryRegionCatalog {
  version: string;
  matrixDate: string;
  /** Source key → citation (repository, path, date). */
  sources: Record<string, string>;
  note: string;
  clouds: Record<RegionCloud, { note: string }>;
  regions: SiteRecoveryRegion[];
  serviceTags: { port: 443; protocol: 'Tcp'; source: string; note: string; rules: ServiceTagRule[] };
}

/** Longest region text looked at: a location name is short, anything longer is not one. */
const MAX_REGION_CHARS = 64;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TAG_TEMPLATE = /^[A-Za-z][A-Za-z0-9]*(\.\{(own|other)\})?$/;

/** Validates the shape and the cross-references once at load, so a bad data edit fails loudly. */
export function validateSiteRecoveryRegions(raw: unknown): SiteRecoveryRegionCatalog {
  const c = raw as SiteRecoveryRegionCatalog;
  const fail = (why: string): never => {
    throw new Error(`site-recovery-regions catalog: ${why}`);
  };
  if (!c || typeof c !== 'object' || !Array.isArray(c.regions) || !c.sources || !c.serviceTags || !Array.isArray(c.serviceTags.rules))
    fail('missing regions, sources or serviceTags');
  if (!DATE.test(c.version ?? '') || !DATE.test(c.matrixDate ?? '')) fail('version and matrixDate must be YYYY-MM-DD');
  for (const cloud of REGION_CLOUDS) if (!c.clouds?.[cloud]) fail(`cloud ${cloud} is missing`);
  const byName = new Map<string, SiteRecoveryRegion>();
  for (const r of c.regions) {
    if (typeof r.name !== 'string' || !/^[a-z0-9]+$/.test(r.name)) fail(`malformed region name ${JSON.stringify(r.name)}`);
    if (byName.has(r.name)) fail(`${r.name} is listed twice`);
    byName.set(r.name, r);
    if (!(REGION_CLOUDS as readonly string[]).includes(r.cloud)) fail(`${r.name} has unknown cloud ${r.cloud}`);
    if (typeof r.displayName !== 'string' || normaliseRegionName(r.displayName) !== r.name)
      fail(`${r.name}: displayName ${JSON.stringify(r.displayName)} does not normalise to the name`);
    if (typeof r.serviceTagRegion !== 'string' || !/^[A-Za-z0-9]+$/.test(r.serviceTagRegion) || r.serviceTagRegion.toLowerCase() !== r.name)
      fail(`${r.name}: serviceTagRegion ${JSON.stringify(r.serviceTagRegion)} must spell the name`);
    if (r.role !== undefined && r.role !== 'source-only' && r.role !== 'target-only') fail(`${r.name} has unknown role ${String(r.role)}`);
    for (const key of [r.roleSource, r.clusterSource]) if (key !== undefined && !c.sources[key]) fail(`${r.name} cites unknown source ${key}`);
  }
  for (const r of c.regions) {
    for (const other of [r.reservedFor, ...(r.allowedTargets ?? [])]) {
      if (other === undefined) continue;
      const o = byName.get(other);
      if (!o) fail(`${r.name} refers to unknown region ${other}`);
      else if (o.cloud !== r.cloud) fail(`${r.name} refers to ${other} in another cloud`);
    }
  }
  if (c.serviceTags.port !== 443 || c.serviceTags.protocol !== 'Tcp') fail('serviceTags must be TCP 443');
  if (!c.sources[c.serviceTags.source]) fail(`serviceTags cites unknown source ${c.serviceTags.source}`);
  const tags = new Set<string>();
  for (const rule of c.serviceTags.rules) {
    if (typeof rule.tag !== 'string' || !TAG_TEMPLATE.test(rule.tag)) fail(`malformed service tag template ${JSON.stringify(rule.tag)}`);
    if (tags.has(rule.tag)) fail(`service tag ${rule.tag} is listed twice`);
    tags.add(rule.tag);
    if (typeof rule.required !== 'boolean' || typeof rule.why !== 'string' || !rule.why) fail(`service tag ${rule.tag} needs required and why`);
  }
  for (const key of ['SM25', 'SM23', 'CN', 'INFERENCE']) if (!c.sources[key]) fail(`source ${key} is missing`);
  return c;
}

export const SITE_RECOVERY_REGIONS: SiteRecoveryRegionCatalog = validateSiteRecoveryRegions(data as unknown);

/**
 * "West US 2", "westus2", " WESTUS2 " → "westus2": lower case, blanks removed (ARM, IMDS and the
 * docs mix display names and names). Longer than any region name → "" (matches nothing). Linear.
 */
export function normaliseRegionName(name: string): string {
  if (typeof name !== 'string' || name.length > MAX_REGION_CHARS * 2) return '';
  const n = name.toLowerCase().replace(/\s+/g, '');
  return n.length > MAX_REGION_CHARS ? '' : n;
}

/** The catalog entry of a region name or display name, or null when the catalog does not list it. */
export function findRegion(name: string, catalog: SiteRecoveryRegionCatalog = SITE_RECOVERY_REGIONS): SiteRecoveryRegion | null {
  const key = normaliseRegionName(name);
  return key ? (catalog.regions.find((r) => r.name === key) ?? null) : null;
}

export interface RegionPairJudgement {
  /** true: Site Recovery accepts the pair; false: it does not; null: the catalog cannot tell. */
  valid: boolean | null;
  why: string;
  /** Citations of the sources the judgement rests on, joined by " | ". */
  source: string;
  sourceKeys: string[];
  /** Conditions and remarks that do not change the verdict (allowlisting, no vault, outside the cluster). */
  notes: string[];
  /** Both subscriptions must be allowlisted for a restricted region. */
  allowlisting: boolean;
  sourceRegion: SiteRecoveryRegion | null;
  targetRegion: SiteRecoveryRegion | null;
}

/**
 * Can Site Recovery replicate a VM from `source` to `target`? Names or display names, in any case.
 * The rules, in order: unknown region → null; same region → not Azure-to-Azure; different clouds;
 * roles (source-only / target-only regions, Brazil South's target list); restricted regions; JIO;
 * otherwise any two regions of a cloud (SM25).
 */
export function regionPairJudgement(source: string, target: string, catalog: SiteRecoveryRegionCatalog = SITE_RECOVERY_REGIONS): RegionPairJudgement {
  const s = findRegion(source, catalog);
  const t = findRegion(target, catalog);
  const notes: string[] = [];
  let allowlisting = false;
  const verdict = (valid: boolean | null, why: string, keys: string[]): RegionPairJudgement => ({
    valid,
    why,
    source: [...new Set(keys)].map((k) => catalog.sources[k] ?? k).join(' | '),
    sourceKeys: [...new Set(keys)],
    notes,
    allowlisting,
    sourceRegion: s,
    targetRegion: t,
  });
  const shown = (text: string) => JSON.stringify(text.slice(0, MAX_REGION_CHARS));
  if (!s || !t) {
    const missing = [!s ? `source ${shown(source)}` : '', !t ? `target ${shown(target)}` : ''].filter(Boolean).join(' and ');
    return verdict(
      null,
      `The region catalog does not list the ${missing}: check the spelling (az account list-locations). The matrix allows any two regions of a cloud, with the restrictions the catalog lists.`,
      ['SM25'],
    );
  }
  if (s.noVault || t.noVault) {
    for (const r of [s, t]) if (r.noVault) notes.push(`A Recovery Services vault cannot be created in ${r.displayName}: create it in another region.`);
  }
  if (s.name === t.name) {
    return verdict(
      false,
      `Source and target are both ${s.displayName}: replication within one region is Zone-to-Zone disaster recovery, not Azure-to-Azure (inference); the matrix does not support migrating VMs within the same region.`,
      ['INFERENCE', 'SM25'],
    );
  }
  if (s.cloud !== t.cloud) {
    return verdict(
      false,
      `${s.displayName} (${s.cloud}) and ${t.displayName} (${t.cloud}) are in different clouds: Site Recovery replicates within one cloud (inference; each matrix cluster lies in one cloud).`,
      ['INFERENCE', 'SM23'],
    );
  }
  if (s.role === 'target-only') {
    return verdict(false, `${s.displayName} can only be used as a target region, not as a source.`, [s.roleSource ?? 'SM25']);
  }
  if (t.role === 'source-only') {
    return verdict(
      false,
      `${t.displayName} can only be used as a source region: it can't act as a target region (failback to it after a failover from it is supported).`,
      [t.roleSource ?? 'SM25'],
    );
  }
  if (s.allowedTargets && !s.allowedTargets.includes(t.name)) {
    const names = s.allowedTargets.map((n) => catalog.regions.find((r) => r.name === n)?.displayName ?? n).join(', ');
    return verdict(false, `From ${s.displayName} Site Recovery replicates and fails over only to: ${names}. ${t.displayName} is not among them.`, ['SM25']);
  }
  if (t.reservedFor && t.reservedFor !== s.name) {
    return verdict(
      false,
      `${t.displayName} is a restricted region reserved for in-country/region disaster recovery of ${displayOf(t.reservedFor, catalog)}; it cannot be the target for ${s.displayName}.`,
      ['SM25'],
    );
  }
  if (t.reservedFor === s.name || s.reservedFor === t.name) {
    allowlisting = true;
    notes.push(
      `Restricted region: both the source and the target subscription must be allowlisted (region access request) to use ${(t.reservedFor ? t : s).displayName}.`,
    );
  }
  if ((s.cluster === 'JIO') !== (t.cluster === 'JIO')) {
    return verdict(
      false,
      `Replication can't be done between JIO and non-JIO regions for VMs in JIO subscriptions (JIO subscriptions can have resources only in JIO regions): ${s.displayName} → ${t.displayName}.`,
      ['SM23'],
    );
  }
  if (s.reservedFor && s.reservedFor !== t.name) {
    return verdict(
      null,
      `${s.displayName} is a restricted region reserved for in-country/region disaster recovery of ${displayOf(s.reservedFor, catalog)}. The matrix allows it as a primary region once allowlisted, but does not say whether it may replicate to ${t.displayName}.`,
      ['SM25'],
    );
  }
  const keys = ['SM25'];
  if (s.cloud !== 'AzureCloud') keys.push('SM23');
  if (s.cluster && t.cluster && s.cluster !== t.cluster) {
    notes.push(
      `${s.displayName} (${s.cluster}) and ${t.displayName} (${t.cluster}) are in different geographic clusters of the 2023 matrix: allowed since global disaster recovery, but data leaves the cluster (data sovereignty).`,
    );
    keys.push('SM23');
  }
  if (s.clusterSource || t.clusterSource) keys.push(...[s.clusterSource, t.clusterSource].filter((k): k is string => Boolean(k)));
  return verdict(true, `Site Recovery replicates between any two regions of ${cloudName(s.cloud)}: ${s.displayName} → ${t.displayName} is supported.`, keys);
}

function displayOf(name: string, catalog: SiteRecoveryRegionCatalog): string {
  return catalog.regions.find((r) => r.name === name)?.displayName ?? name;
}

function cloudName(cloud: RegionCloud): string {
  return {
    AzureCloud: 'public Azure',
    AzureUSGovernment: 'Azure Government',
    AzureChinaCloud: 'Azure China',
    AzureGermanCloud: 'the legacy Azure Germany cloud',
  }[cloud];
}

export interface RequiredServiceTag {
  /** The tag to allow as the destination of an outbound NSG rule ("Storage.WestUS2"). */
  tag: string;
  port: 443;
  protocol: 'Tcp';
  required: boolean;
  why: string;
  source: string;
  /** Set when the tag name could not be spelled from the catalog (an unlisted region). */
  note?: string;
}

/**
 * The service tags a VM needs outbound on TCP 443 [NET]. side 'source' (default): the NSG of the VM
 * in the source region (Storage.<source>, EventHub.<target>, …); side 'target': the NSG of the
 * failed-over VM in the target region, for replication back (Storage.<target>, EventHub.<source>, …).
 * An unlisted region is spelled with its normalised name and a note.
 */
export function requiredServiceTags(
  source: string,
  target: string,
  options: { side?: 'source' | 'target' } = {},
  catalog: SiteRecoveryRegionCatalog = SITE_RECOVERY_REGIONS,
): RequiredServiceTag[] {
  const [own, other] = options.side === 'target' ? [target, source] : [source, target];
  const spell = (region: string): { text: string; note?: string } => {
    const r = findRegion(region, catalog);
    if (r) return { text: r.serviceTagRegion };
    const n = normaliseRegionName(region) || 'unknown';
    return {
      text: n,
      note: `The region catalog does not list ${JSON.stringify(region.slice(0, MAX_REGION_CHARS))}: the tag is spelled with its ARM name; check the exact tag name with az network list-service-tags.`,
    };
  };
  const ownTag = spell(own);
  const otherTag = spell(other);
  const citation = catalog.sources[catalog.serviceTags.source] ?? catalog.serviceTags.source;
  return catalog.serviceTags.rules.map((rule) => {
    const regional = rule.tag.endsWith('.{own}') ? ownTag : rule.tag.endsWith('.{other}') ? otherTag : null;
    const tag = regional ? rule.tag.replace(/\{(own|other)\}$/, regional.text) : rule.tag;
    const entry: RequiredServiceTag = { tag, port: 443, protocol: 'Tcp', required: rule.required, why: rule.why, source: citation };
    if (regional?.note) entry.note = regional.note;
    return entry;
  });
}
