// The Site Recovery region catalog (src/catalog/site-recovery-regions.*): each row of the support
// matrix's region rules as the reference §4.1 gives them, name normalisation, the service tags of
// §4.5, and the validation that keeps a bad data edit from loading.
import { describe, expect, it } from 'vitest';
import data from '../../src/catalog/site-recovery-regions.json';
import {
  findRegion,
  normaliseRegionName,
  regionPairJudgement,
  requiredServiceTags,
  SITE_RECOVERY_REGIONS,
  validateSiteRecoveryRegions,
} from '../../src/catalog/site-recovery-regions';

describe('region names', () => {
  it.each([
    ['West US 2', 'westus2'],
    ['westus2', 'westus2'],
    ['  WESTUS2 ', 'westus2'],
    ['US GOV Virginia', 'usgovvirginia'],
    ['China North2', 'chinanorth2'],
    ['JIO India West', 'jioindiawest'],
  ])('%j normalises to %s', (text, name) => {
    expect(normaliseRegionName(text)).toBe(name);
    expect(findRegion(text)?.name).toBe(name);
  });

  it('matches nothing with an overlong or unknown name', () => {
    expect(normaliseRegionName('x'.repeat(1000))).toBe('');
    expect(findRegion('x'.repeat(1000))).toBeNull();
    expect(findRegion('eastus2(stage)')).toBeNull();
  });
});

type PairRow = [string, string, string, boolean | null, RegExp, { allowlisting?: boolean; note?: RegExp; keys?: string[] }?];

const PAIRS: PairRow[] = [
  ['any two public regions (SM25)', 'West US 2', 'eastus2', true, /any two regions of public Azure/, { keys: ['SM25'] }],
  ['across the 2023 clusters: allowed, with a sovereignty note', 'westeurope', 'eastus', true, /supported/, { note: /different geographic clusters/ }],
  ['same region: not Azure-to-Azure (inference)', 'westus2', 'West US 2', false, /Zone-to-Zone/, { keys: ['INFERENCE', 'SM25'] }],
  ['different clouds (inference)', 'eastus', 'usgovvirginia', false, /different clouds/],
  ['restricted target for its own region, allowlisted', 'switzerlandnorth', 'switzerlandwest', true, /supported/, { allowlisting: true, note: /allowlisted/ }],
  ['restricted target for another region', 'westeurope', 'switzerlandwest', false, /reserved for in-country\/region disaster recovery of Switzerland North/],
  ['restricted region as primary towards its partner', 'germanynorth', 'germanywestcentral', true, /supported/, { allowlisting: true }],
  ['restricted region as primary elsewhere: the matrix does not say', 'norwaywest', 'westeurope', null, /does not say/],
  ['Brazil South to a listed target', 'brazilsouth', 'southcentralus', true, /supported/],
  ['Brazil South to Brazil Southeast (reserved for it)', 'Brazil South', 'Brazil Southeast', true, /supported/, { allowlisting: true }],
  ['Brazil South to an unlisted target', 'brazilsouth', 'centralus', false, /only to: Brazil Southeast, South Central US/],
  ['Brazil South cannot be a target', 'eastus', 'brazilsouth', false, /can only be used as a source region/],
  ['Brazil Southeast cannot be a source', 'brazilsoutheast', 'brazilsouth', false, /can only be used as a target region/],
  ['JIO to non-JIO', 'jioindiawest', 'centralindia', false, /JIO and non-JIO/, { keys: ['SM23'] }],
  ['JIO India Central reserved for JIO India West', 'jioindiawest', 'jioindiacentral', true, /supported/, { allowlisting: true }],
  ['JIO India Central (restricted) to non-JIO: the JIO rule decides', 'jioindiacentral', 'eastus', false, /JIO and non-JIO/],
  ['Azure Government cluster', 'usgovvirginia', 'usdodcentral', true, /Azure Government/, { keys: ['SM25', 'SM23'] }],
  ['China: China North only as a source', 'chinanorth2', 'chinanorth', false, /can only be used as a source region/, { keys: ['CN'] }],
  ['China: China East only as a target', 'chinaeast', 'chinanorth2', false, /can only be used as a target region/, { keys: ['CN'] }],
  ['China North 3 (CN)', 'chinanorth', 'chinanorth3', true, /Azure China/, { keys: ['SM25', 'SM23', 'CN'] }],
  [
    'New Zealand: a source or target, but no vault there',
    'newzealandnorth',
    'australiaeast',
    true,
    /supported/,
    { note: /vault cannot be created in New Zealand North/ },
  ],
  ['an unlisted region: cannot tell', 'swedencentral', 'northeurope', null, /does not list the source "swedencentral"/],
];

describe('regionPairJudgement', () => {
  it.each(PAIRS)('%s', (_name, source, target, valid, why, extra = {}) => {
    const j = regionPairJudgement(source, target);
    expect(j.valid, j.why).toBe(valid);
    expect(j.why).toMatch(why);
    expect(j.source.length).toBeGreaterThan(0);
    if (extra.allowlisting !== undefined) expect(j.allowlisting).toBe(extra.allowlisting);
    if (extra.note) expect(j.notes.join(' ')).toMatch(extra.note);
    if (extra.keys) expect(j.sourceKeys).toEqual(extra.keys);
    for (const key of j.sourceKeys) expect(j.source).toContain(SITE_RECOVERY_REGIONS.sources[key]!);
  });

  it('every listed source region may replicate somewhere, and no pair is judged without a reason', () => {
    const regions = SITE_RECOVERY_REGIONS.regions;
    for (const s of regions) {
      const judgements = regions.map((t) => regionPairJudgement(s.name, t.name));
      for (const j of judgements) expect(j.why.length).toBeGreaterThan(10);
      if (s.role !== 'target-only' && !s.reservedFor)
        expect(
          judgements.some((j) => j.valid === true),
          s.name,
        ).toBe(true);
    }
  });
});

describe('requiredServiceTags', () => {
  it('source NSG: Storage of the source, EventHub of the target (networking article, East US -> Central US)', () => {
    const tags = requiredServiceTags('eastus', 'centralus');
    expect(tags.map((t) => [t.tag, t.required])).toEqual([
      ['Storage.EastUS', true],
      ['AzureActiveDirectory', true],
      ['EventHub.CentralUS', true],
      ['AzureSiteRecovery', true],
      ['AzureKeyVault', false],
      ['GuestAndHybridManagement', false],
    ]);
    for (const t of tags) {
      expect(t).toMatchObject({ port: 443, protocol: 'Tcp' });
      expect(t.source).toMatch(/azure-to-azure-about-networking\.md/);
    }
  });

  it('target NSG (replication back after failover): swapped', () => {
    expect(
      requiredServiceTags('eastus', 'centralus', { side: 'target' })
        .map((t) => t.tag)
        .slice(0, 4),
    ).toEqual(['Storage.CentralUS', 'AzureActiveDirectory', 'EventHub.EastUS', 'AzureSiteRecovery']);
  });

  it('spells the region as the documented tag does (Storage.WestUS2)', () => {
    expect(requiredServiceTags('West US 2', 'westus')[0]!.tag).toBe('Storage.WestUS2');
  });
});

describe('validation', () => {
  const clone = () =>
    JSON.parse(JSON.stringify(data)) as { regions: Array<Record<string, unknown>>; serviceTags: { rules: Array<Record<string, unknown>> }; version: string };

  it('loads the shipped catalog', () => {
    expect(validateSiteRecoveryRegions(clone()).regions.length).toBe(SITE_RECOVERY_REGIONS.regions.length);
  });

  it.each([
    ['a duplicate region', (c: ReturnType<typeof clone>) => c.regions.push({ ...c.regions[0] }), /listed twice/],
    ['a display name that does not normalise to the name', (c: ReturnType<typeof clone>) => (c.regions[0]!.displayName = 'Canada West'), /does not normalise/],
    ['a tag spelling of another region', (c: ReturnType<typeof clone>) => (c.regions[0]!.serviceTagRegion = 'CanadaWest'), /must spell the name/],
    ['a reservation for an unknown region', (c: ReturnType<typeof clone>) => (c.regions[0]!.reservedFor = 'atlantis'), /unknown region atlantis/],
    ['a reservation across clouds', (c: ReturnType<typeof clone>) => (c.regions[0]!.reservedFor = 'usgovvirginia'), /another cloud/],
    ['a malformed tag template', (c: ReturnType<typeof clone>) => (c.serviceTags.rules[0]!.tag = 'Storage.{region}'), /malformed service tag template/],
    ['a bad date', (c: ReturnType<typeof clone>) => (c.version = 'yesterday'), /YYYY-MM-DD/],
  ])('refuses %s', (_name, edit, message) => {
    const c = clone();
    edit(c);
    expect(() => validateSiteRecoveryRegions(c)).toThrow(message);
  });
});
