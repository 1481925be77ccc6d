// The outbound rules a VM needs (src/checks/helpers/outbound-rules.ts): the tags per NSG as the
// Site Recovery networking article prescribes them (reference §4.5), the firewall allow-list from
// the endpoint catalog, and the three renderings — the az commands are run through a real sh to
// prove they parse back into the argument arrays, the Bicep has one rule per tag.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  azRuleArgv,
  bicepString,
  computeOutboundRules,
  NSG_NAME_PLACEHOLDER,
  quotePowerShell,
  quoteSh,
  renderAzCommands,
  renderBicep,
  renderRulesText,
  RESOURCE_GROUP_PLACEHOLDER,
  TARGET_PLACEHOLDERS,
} from '../../../src/checks/helpers/outbound-rules';

const WEST_TO_EAST = computeOutboundRules({ sourceRegion: 'westus2', targetRegion: 'East US 2', cloud: 'AzureCloud' });
const tagsOf = (set: { rules: Array<{ destinationAddressPrefix: string }> }) => set.rules.map((r) => r.destinationAddressPrefix);

/** Runs the sh text with `az` defined as a function printing its arguments (NUL-separated, one command a line). */
function argvThroughSh(text: string): string[][] {
  const script = `az() { for a in "$@"; do printf '%s\\0' "$a"; done; printf '\\n'; }\n${text}`;
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-sh-'));
  try {
    const out = execFileSync('sh', ['-c', script], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    return out
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => ['az', ...line.split('\0').slice(0, -1)]);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** PowerShell's reading of a command line built of bare words and single-quoted strings ('' is a quote). */
function argvThroughPowerShellQuoting(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ') {
      i++;
      continue;
    }
    let word = '';
    if (line[i] === "'") {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error('unterminated quote');
        if (line[i] === "'" && line[i + 1] === "'") {
          word += "'";
          i += 2;
        } else if (line[i] === "'") {
          i++;
          break;
        } else word += line[i++];
      }
    } else {
      while (i < line.length && line[i] !== ' ') {
        if (!/[A-Za-z0-9_./:=-]/.test(line[i]!)) throw new Error(`unquoted special character ${line[i]}`);
        word += line[i++];
      }
    }
    out.push(word);
  }
  return out;
}

describe('computeOutboundRules', () => {
  it('westus2 -> eastus2: the source NSG names Storage.WestUS2 and EventHub.EastUS2; the target NSG mirrors it', () => {
    expect(tagsOf(WEST_TO_EAST.nsg.source)).toEqual(['Storage.WestUS2', 'AzureActiveDirectory', 'EventHub.EastUS2', 'AzureSiteRecovery']);
    expect(tagsOf(WEST_TO_EAST.nsg.target)).toEqual(['Storage.EastUS2', 'AzureActiveDirectory', 'EventHub.WestUS2', 'AzureSiteRecovery']);
    expect(
      WEST_TO_EAST.nsg.source.rules.every(
        (r) => r.direction === 'Outbound' && r.access === 'Allow' && r.protocol === 'Tcp' && r.destinationPortRange === '443',
      ),
    ).toBe(true);
    expect(WEST_TO_EAST.pair.valid).toBe(true);
    expect(WEST_TO_EAST.source).toEqual({ name: 'westus2', displayName: 'West US 2' });
  });

  it("the networking article's own example: East US -> Central US", () => {
    const r = computeOutboundRules({ sourceRegion: 'East US', targetRegion: 'Central US', cloud: 'AzureCloud' });
    expect(tagsOf(r.nsg.source)).toEqual(['Storage.EastUS', 'AzureActiveDirectory', 'EventHub.CentralUS', 'AzureSiteRecovery']);
    expect(tagsOf(r.nsg.target)).toEqual(['Storage.CentralUS', 'AzureActiveDirectory', 'EventHub.EastUS', 'AzureSiteRecovery']);
  });

  it('lists the optional tags, and makes rules of them only when asked', () => {
    expect(WEST_TO_EAST.nsg.source.optional.map((t) => t.tag)).toEqual(['AzureKeyVault', 'GuestAndHybridManagement']);
    const all = computeOutboundRules({ sourceRegion: 'westus2', targetRegion: 'eastus2', cloud: 'AzureCloud', includeOptional: true });
    expect(tagsOf(all.nsg.source)).toEqual([
      'Storage.WestUS2',
      'AzureActiveDirectory',
      'EventHub.EastUS2',
      'AzureSiteRecovery',
      'AzureKeyVault',
      'GuestAndHybridManagement',
    ]);
    expect(all.nsg.source.rules.filter((r) => !r.required).map((r) => r.destinationAddressPrefix)).toEqual(['AzureKeyVault', 'GuestAndHybridManagement']);
    expect(all.nsg.source.optional).toEqual([]);
  });

  it('numbers the rules from the base priority by the step, unique, within 100-4096', () => {
    expect(WEST_TO_EAST.nsg.source.rules.map((r) => r.priority)).toEqual([200, 210, 220, 230]);
    const custom = computeOutboundRules({ sourceRegion: 'westus2', targetRegion: 'eastus2', cloud: 'AzureCloud', basePriority: 4090, priorityStep: 2 });
    expect(custom.nsg.source.rules.map((r) => r.priority)).toEqual([4090, 4092, 4094, 4096]);
    expect(() => computeOutboundRules({ sourceRegion: 'westus2', targetRegion: 'eastus2', cloud: 'AzureCloud', basePriority: 4090 })).toThrow(RangeError);
    expect(() => computeOutboundRules({ sourceRegion: 'westus2', targetRegion: 'eastus2', cloud: 'AzureCloud', basePriority: 99 })).toThrow(RangeError);
  });

  it('takes the allow-list from the endpoint catalog of the cloud, the cache account by name when given', () => {
    const hosts = WEST_TO_EAST.allowList.filter((e) => e.required).map((e) => `${e.host}:${e.port}`);
    expect(hosts).toEqual([
      'login.microsoftonline.com:443',
      '*.hypervrecoverymanager.windowsazure.com:443',
      '*.servicebus.windows.net:443',
      '*.blob.core.windows.net:443',
    ]);
    const named = computeOutboundRules({ sourceRegion: 'westus2', targetRegion: 'eastus2', cloud: 'AzureCloud', cacheStorageAccount: 'asrcache01' });
    expect(named.allowList.find((e) => e.id === 'cache-storage')).toMatchObject({ host: 'asrcache01.blob.core.windows.net', serviceTag: 'Storage.WestUS2' });
    expect(() => computeOutboundRules({ sourceRegion: 'westus2', targetRegion: 'eastus2', cloud: 'AzureCloud', cacheStorageAccount: 'Bad_Name!' })).toThrow(
      RangeError,
    );
    const linux = computeOutboundRules({ sourceRegion: 'westus2', targetRegion: 'eastus2', cloud: 'AzureCloud', platform: 'linux' });
    expect(linux.allowList.some((e) => e.id === 'windows-root-ctl')).toBe(false);
  });

  it("uses the Government cloud's names and tags", () => {
    const gov = computeOutboundRules({ sourceRegion: 'usgovvirginia', targetRegion: 'usgovarizona', cloud: 'AzureUSGovernment' });
    expect(tagsOf(gov.nsg.source)).toEqual(['Storage.USGovVirginia', 'AzureActiveDirectory', 'EventHub.USGovArizona', 'AzureSiteRecovery']);
    expect(gov.allowList.find((e) => e.id === 'entra-id')?.host).toBe('login.microsoftonline.us');
    expect(gov.pair.valid).toBe(true);
  });

  it('notes a pair Site Recovery refuses, and a region of another cloud', () => {
    const r = computeOutboundRules({ sourceRegion: 'eastus', targetRegion: 'brazilsouth', cloud: 'AzureCloud' });
    expect(r.pair.valid).toBe(false);
    expect(r.notes[0]).toMatch(/does not accept this region pair/);
    const other = computeOutboundRules({ sourceRegion: 'chinaeast2', targetRegion: 'chinanorth3', cloud: 'AzureCloud' });
    expect(other.notes.join(' ')).toMatch(/China East 2 is a region of AzureChinaCloud, not of AzureCloud/);
  });

  it('spells an unlisted region with its ARM name and says so', () => {
    const r = computeOutboundRules({ sourceRegion: 'Sweden Central', targetRegion: 'northeurope', cloud: 'AzureCloud' });
    expect(r.nsg.source.rules[0]).toMatchObject({ destinationAddressPrefix: 'Storage.swedencentral', note: expect.stringMatching(/does not list/) });
    expect(r.pair.valid).toBeNull();
  });
});

describe('renderings', () => {
  it('plain text names every rule, the optional tags, the allow-list and the sources', () => {
    const text = renderRulesText(WEST_TO_EAST);
    for (const t of [
      'Storage.WestUS2',
      'EventHub.EastUS2',
      'Storage.EastUS2',
      'EventHub.WestUS2',
      'AzureKeyVault',
      '*.servicebus.windows.net:443',
      'http://ocsp.digicert.com:80',
    ])
      expect(text).toContain(t);
    expect(text).toMatch(/Region pair: supported/);
    expect(text).toMatch(/azure-to-azure-about-networking\.md/);
  });

  it('the az commands, run through sh, give back exactly the argument arrays', () => {
    const text = renderAzCommands(WEST_TO_EAST, { shell: 'sh' });
    const expected = [...azRuleArgv(WEST_TO_EAST.nsg.source), ...azRuleArgv(WEST_TO_EAST.nsg.target, TARGET_PLACEHOLDERS)];
    expect(argvThroughSh(text)).toEqual(expected);
    expect(expected).toHaveLength(8);
    expect(expected[0]).toEqual(
      expect.arrayContaining([
        '--resource-group',
        RESOURCE_GROUP_PLACEHOLDER,
        '--nsg-name',
        NSG_NAME_PLACEHOLDER,
        '--destination-address-prefixes',
        'Storage.WestUS2',
        '--source-port-ranges',
        '*',
      ]),
    );
    expect(expected[4]).toEqual(
      expect.arrayContaining([
        '--resource-group',
        TARGET_PLACEHOLDERS.resourceGroup,
        '--nsg-name',
        TARGET_PLACEHOLDERS.nsgName,
        '--destination-address-prefixes',
        'Storage.EastUS2',
      ]),
    );
    expect(text).toContain("--source-port-ranges '*'");
  });

  it('real names given for the NSGs are used, and a hostile one cannot break out of its quotes', () => {
    // Harmless if it ever escaped its quotes: it would only print INJECTED, and the arrays would differ.
    const hostile = 'rg\'; echo INJECTED; #$(echo INJECTED)`echo INJECTED`"$HOME"';
    const text = renderAzCommands(WEST_TO_EAST, {
      shell: 'sh',
      source: { resourceGroup: hostile, nsgName: 'vm-nsg', subscription: '00000000-0000-0000-0000-000000000000' },
      target: false,
    });
    const argv = argvThroughSh(text);
    expect(argv).toHaveLength(4);
    expect(argv[0]).toEqual(
      expect.arrayContaining(['--resource-group', hostile, '--nsg-name', 'vm-nsg', '--subscription', '00000000-0000-0000-0000-000000000000']),
    );
  });

  it('the PowerShell rendering quotes so that PowerShell reads the same arrays', () => {
    const text = renderAzCommands(WEST_TO_EAST, { shell: 'powershell', source: { resourceGroup: "it's-rg" } });
    const commands = text.split('\n').filter((l) => l.startsWith('az '));
    expect(commands.map(argvThroughPowerShellQuoting)).toEqual([
      ...azRuleArgv(WEST_TO_EAST.nsg.source, { resourceGroup: "it's-rg" }),
      ...azRuleArgv(WEST_TO_EAST.nsg.target, TARGET_PLACEHOLDERS),
    ]);
  });

  it('sh quoting round-trips any printable text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), { minLength: 1, maxLength: 5 }), (args) => {
        expect(argvThroughSh(`az ${args.map(quoteSh).join(' ')}`)).toEqual([['az', ...args]]);
      }),
      { numRuns: 40 },
    );
  });

  it('PowerShell quoting round-trips any printable text, typographic quotes included, and refuses control characters', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), { minLength: 1, maxLength: 5 }), (args) => {
        expect(argvThroughPowerShellQuoting(args.map(quotePowerShell).join(' '))).toEqual(args);
      }),
      { numRuns: 300 },
    );
    expect(quotePowerShell('a\u2019b')).toBe("'a\u2019\u2019b'");
    expect(() => quotePowerShell('a\nb')).toThrow(RangeError);
  });

  it('the Bicep has one rule per tag, unique priorities, and the tags as destinations', () => {
    const bicep = renderBicep(WEST_TO_EAST.nsg.source);
    const names = [...bicep.matchAll(/^ {4}name: '([^']+)'$/gm)].map((m) => m[1]);
    const priorities = [...bicep.matchAll(/^ {6}priority: (\d+)$/gm)].map((m) => Number(m[1]));
    const destinations = [...bicep.matchAll(/^ {6}destinationAddressPrefix: '([^']+)'$/gm)].map((m) => m[1]);
    expect(destinations).toEqual(tagsOf(WEST_TO_EAST.nsg.source));
    expect(names).toHaveLength(destinations.length);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect(bicep.startsWith('// ')).toBe(true);
    expect(bicep).toMatch(/^securityRules: \[$/m);
    expect(bicep.trimEnd().endsWith(']')).toBe(true);
    // Balanced braces: one object and one properties block per rule.
    expect((bicep.match(/\{/g) ?? []).length).toBe((bicep.match(/\}/g) ?? []).length);
  });

  it('Bicep strings escape quotes, backslashes and interpolation', () => {
    expect(bicepString("it's ${x} \\ done")).toBe("'it\\'s \\${x} \\\\ done'");
    expect(bicepString('a\nb')).toBe("'a\\nb'");
  });

  it('rule descriptions stay plain and within 140 characters', () => {
    const all = computeOutboundRules({ sourceRegion: 'westus2', targetRegion: 'eastus2', cloud: 'AzureCloud', includeOptional: true });
    for (const r of [...all.nsg.source.rules, ...all.nsg.target.rules]) {
      expect(r.description.length).toBeLessThanOrEqual(140);
      expect(r.description).toMatch(/^Azure Site Recovery, (required|optional): [A-Za-z0-9 ,.:/-]+$/);
      expect(r.name).toMatch(/^AllowAsr-[A-Za-z0-9.]+$/);
    }
  });
});
