// `asr-ready rules` as a child process (the built bundle): the source region from the loopback fake
// IMDS or from --region, the four required tags of the networking article for westus2 -> eastus2,
// the az commands parsed back through a real sh (and PowerShell's quoting), one Bicep rule per tag,
// the JSON object, the judgement of a pair Site Recovery refuses (exit 1), and every usage mistake
// (exit 2, nothing on stdout). ASR_READY_LOOPBACK_ONLY (cleanEnv) keeps every request on loopback.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli';
import { startFakeImds, type FakeImds } from '../helpers/fake-imds';
import { fixture } from '../helpers/paths';
import { azRuleArgv, computeOutboundRules, TARGET_PLACEHOLDERS, type OutboundRules } from '../../src/checks/helpers/outbound-rules';

const WEST_US_2_TAGS = ['Storage.WestUS2', 'AzureActiveDirectory', 'EventHub.EastUS2', 'AzureSiteRecovery'];
const EAST_US_2_TAGS = ['Storage.EastUS2', 'AzureActiveDirectory', 'EventHub.WestUS2', 'AzureSiteRecovery'];

/** The msdocs sample instance document, moved to another region and cloud. */
function imdsDocument(location: string, azEnvironment: string): string {
  const doc = JSON.parse(readFileSync(fixture('linux', 'imds', 'instance-msdocs-linux-sample.json'), 'utf8')) as { compute: Record<string, unknown> };
  doc.compute.location = location;
  doc.compute.azEnvironment = azEnvironment;
  return JSON.stringify(doc);
}

let imds: FakeImds;
let govImds: FakeImds;
beforeAll(async () => {
  imds = await startFakeImds({ document: imdsDocument('westus2', 'AzurePublicCloud') });
  govImds = await startFakeImds({ document: imdsDocument('usgovvirginia', 'AzureUSGovernmentCloud') });
});
afterAll(async () => {
  await imds.close();
  await govImds.close();
});

/** Runs the sh text with `az` defined as a function printing its arguments (NUL-separated, one command a line). */
function argvThroughSh(text: string): string[][] {
  const script = `az() { for a in "$@"; do printf '%s\\0' "$a"; done; printf '\\n'; }\n${text}`;
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-rules-sh-'));
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

/** PowerShell's reading of a line of bare words and single-quoted strings ('' is a quote); anything else throws. */
function argvThroughPowerShellQuoting(line: string): string[] {
  const out: string[] = [];
  const re = / *(?:'((?:[^']|'')*)'|([A-Za-z0-9_./:=-]+))(?= |$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < line.length && (m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2]!);
  if (re.lastIndex !== line.length) throw new Error(`not PowerShell bare words and single-quoted strings: ${line}`);
  return out;
}

const expectedRules = (extra: Partial<Parameters<typeof computeOutboundRules>[0]> = {}) =>
  computeOutboundRules({ sourceRegion: 'westus2', targetRegion: 'eastus2', cloud: 'AzureCloud', platform: 'linux', ...extra });
const expectedArgv = (rules: OutboundRules) => [...azRuleArgv(rules.nsg.source), ...azRuleArgv(rules.nsg.target, TARGET_PLACEHOLDERS)];

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('asr-ready rules: the source region', () => {
  it('comes from IMDS compute.location, read on loopback only, with the cloud from compute.azEnvironment', async () => {
    const before = imds.requests.length;
    const r = await runCli(['rules', '--target-region', 'eastus2', '--imds-endpoint', imds.url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const tag of WEST_US_2_TAGS) expect(r.stdout).toContain(tag);
    expect(r.stdout).toContain('Region pair: supported.');
    expect(r.stdout).toMatch(
      /^Inputs: source region westus2 \(IMDS compute\.location\), target region eastus2 \(--target-region\), cloud AzureCloud \(IMDS compute\.azEnvironment\)\.$/m,
    );
    const asked = imds.requests.slice(before);
    expect(asked.length).toBe(1);
    expect(asked[0]!.path).toMatch(/^\/metadata\/instance\?api-version=/);
    expect(asked[0]!.headers.metadata).toBe('true');
  });

  it('a government VM gets its cloud from IMDS: government tags and hosts', async () => {
    const r = await runCli(['rules', '--target-region', 'US Gov Texas', '--imds-endpoint', govImds.url, '--output', 'json']);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as OutboundRules & { inputs: { cloud: { name: string; from: string } } };
    expect(rules.cloud).toBe('AzureUSGovernment');
    expect(rules.inputs.cloud).toEqual({ name: 'AzureUSGovernment', from: 'IMDS compute.azEnvironment' });
    expect(rules.nsg.source.rules.map((x) => x.destinationAddressPrefix)).toEqual([
      'Storage.USGovVirginia',
      'AzureActiveDirectory',
      'EventHub.USGovTexas',
      'AzureSiteRecovery',
    ]);
    expect(rules.allowList.map((e) => e.host)).toContain('login.microsoftonline.us');
    expect(govImds.requests.length).toBeGreaterThan(0);
  });

  it('--region wins, and then IMDS is not asked at all', async () => {
    const before = imds.requests.length;
    const r = await runCli(['rules', '--target-region', 'eastus2', '--region', 'West US 2', '--imds-endpoint', imds.url]);
    expect(r.code).toBe(0);
    expect(imds.requests.length).toBe(before);
    const [sourceBlock, targetBlock] = r.stdout.split('NSG of the failed-over VM');
    for (const tag of WEST_US_2_TAGS) expect(sourceBlock).toMatch(new RegExp(`Allow  TCP 443  ${tag.replace('.', '\\.')} +required`));
    for (const tag of EAST_US_2_TAGS) expect(targetBlock).toMatch(new RegExp(`Allow  TCP 443  ${tag.replace('.', '\\.')} +required`));
    expect(r.stdout).toContain("cloud AzureCloud (the source region's cloud in the region catalog)");
  });

  it('off Azure without --region: exit 2, naming --region, nothing on stdout', async () => {
    const r = await runCli(['rules', '--target-region', 'eastus2']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^asr-ready: the source region .*give --region NAME/);
  });

  it('IMDS that cannot be reached: exit 2, naming the endpoint and --region', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await runCli(['rules', '--target-region', 'eastus2', '--imds-endpoint', url]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`IMDS at ${url} could not be read`);
    expect(r.stderr).toContain('give --region NAME');
  });

  it('IMDS naming a region the catalog does not list: exit 2', async () => {
    const odd = await startFakeImds({ document: imdsDocument('marsnorth', 'AzurePublicCloud') });
    try {
      const r = await runCli(['rules', '--target-region', 'eastus2', '--imds-endpoint', odd.url]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/IMDS says this VM runs in "marsnorth", a region the Site Recovery region catalog does not list/);
    } finally {
      await odd.close();
    }
  });
});

describe('asr-ready rules: outputs', () => {
  const run = (...extra: string[]) => runCli(['rules', '--target-region', 'eastus2', '--region', 'westus2', ...extra]);

  it('--output az: sh commands that parse back into the argument arrays, for both NSGs', async () => {
    const r = await run('--output', 'az');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const argv = argvThroughSh(r.stdout);
    expect(argv).toEqual(expectedArgv(expectedRules()));
    const tagOf = (a: string[]) => a[a.indexOf('--destination-address-prefixes') + 1];
    expect(argv.slice(0, 4).map(tagOf)).toEqual(WEST_US_2_TAGS);
    expect(argv.slice(4).map(tagOf)).toEqual(EAST_US_2_TAGS);
  });

  it('--output az-powershell: the same arrays, in PowerShell quoting', async () => {
    const r = await run('-o', 'az-powershell');
    expect(r.code).toBe(0);
    const commands = r.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(commands.map(argvThroughPowerShellQuoting)).toEqual(expectedArgv(expectedRules()));
  });

  it('--output bicep: a securityRules snippet per NSG, one rule per tag', async () => {
    const r = await run('--output', 'bicep');
    expect(r.code).toBe(0);
    const blocks = r.stdout.split(/^securityRules: \[$/m).slice(1);
    expect(blocks).toHaveLength(2);
    const prefixes = (block: string) => [...block.matchAll(/^ {6}destinationAddressPrefix: '([^']*)'$/gm)].map((m) => m[1]);
    expect(prefixes(blocks[0]!)).toEqual(WEST_US_2_TAGS);
    expect(prefixes(blocks[1]!)).toEqual(EAST_US_2_TAGS);
    expect(r.stdout.match(/^ {4}name: 'AllowAsr-/gm)).toHaveLength(8);
  });

  it('--output json: the computed object, with where each input came from', async () => {
    const r = await run('--output', 'json', '--cache-storage-account', 'cacheone,cachetwo');
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as OutboundRules & { inputs: Record<string, { name: string; from: string }> };
    expect(Object.keys(rules)).toEqual(expect.arrayContaining(['cloud', 'source', 'target', 'pair', 'nsg', 'allowList', 'notes', 'sources', 'inputs']));
    expect(rules.source).toEqual({ name: 'westus2', displayName: 'West US 2' });
    expect(rules.target).toEqual({ name: 'eastus2', displayName: 'East US 2' });
    expect(rules.pair.valid).toBe(true);
    expect(rules.nsg.source.rules.map((x) => x.destinationAddressPrefix)).toEqual(WEST_US_2_TAGS);
    expect(rules.nsg.target.rules.map((x) => x.destinationAddressPrefix)).toEqual(EAST_US_2_TAGS);
    expect(rules.nsg.source.rules.map((x) => x.priority)).toEqual([200, 210, 220, 230]);
    const hosts = rules.allowList.map((e) => e.host);
    expect(hosts).toEqual(expect.arrayContaining(['login.microsoftonline.com', 'cacheone.blob.core.windows.net', 'cachetwo.blob.core.windows.net']));
    expect(hosts).not.toContain('*.blob.core.windows.net');
    expect(hosts).not.toContain('ctldl.windowsupdate.com'); // Windows only; this is Linux
    expect(rules.inputs).toEqual({
      sourceRegion: { name: 'westus2', from: '--region' },
      targetRegion: { name: 'eastus2', from: '--target-region' },
      cloud: { name: 'AzureCloud', from: "the source region's cloud in the region catalog" },
    });
  });

  it('--include-optional and --priority shape the rules', async () => {
    const r = await run('--json', '--include-optional', '--priority', '1000');
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as OutboundRules;
    expect(rules.nsg.source.rules.map((x) => [x.destinationAddressPrefix, x.priority])).toEqual([
      ['Storage.WestUS2', 1000],
      ['AzureActiveDirectory', 1010],
      ['EventHub.EastUS2', 1020],
      ['AzureSiteRecovery', 1030],
      ['AzureKeyVault', 1040],
      ['GuestAndHybridManagement', 1050],
    ]);
  });

  it('the options come from ASR_READY_* variables too, except --output', async () => {
    const r = await runCli(['rules'], { env: cleanEnv({ ASR_READY_TARGET_REGION: 'eastus2', ASR_READY_REGION: 'westus2', ASR_READY_OUTPUT: 'compact' }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Inputs: source region westus2 \(ASR_READY_REGION\), target region eastus2 \(ASR_READY_TARGET_REGION\)/m);
  });

  it("and from --config; a configured output is the check report's, not this command's", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-rules-config-'));
    try {
      const config = path.join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ targetRegion: 'East US 2', region: 'westus2', output: 'json', checks: ['trust.'] }));
      const r = await runCli(['rules', '--config', config]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Outbound rules for Azure Site Recovery: West US 2 \(westus2\) -> East US 2 \(eastus2\)/);
      expect(r.stdout).toContain(`target region eastus2 (the config file ${config})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('asr-ready rules: region pairs Site Recovery refuses (exit 1, the rules still printed)', () => {
  it('a restricted region as the target of another country: the judgement in the text', async () => {
    const r = await runCli(['rules', '--target-region', 'switzerlandwest', '--region', 'westus2']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'Region pair: NOT supported. Switzerland West is a restricted region reserved for in-country/region disaster recovery of Switzerland North',
    );
    expect(r.stdout).toContain('Storage.WestUS2');
  });

  it('across clouds, as az: a comment first, the commands after, the judgement on stderr', async () => {
    const r = await runCli(['rules', '--target-region', 'usgovvirginia', '--region', 'westus2', '--output', 'az']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^# NOT SUPPORTED: Site Recovery does not accept this region pair: West US 2 \(AzureCloud\) and US Gov Virginia \(AzureUSGovernment\) are in different clouds/,
    );
    expect(argvThroughSh(r.stdout)).toHaveLength(8);
    expect(r.stderr).toMatch(/^asr-ready: Site Recovery does not accept this region pair: .*different clouds/);
  });

  it('the same region: not Azure-to-Azure', async () => {
    const r = await runCli(['rules', '--target-region', 'westus2', '--region', 'westus2', '--json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as OutboundRules).pair.valid).toBe(false);
  });

  it('a restricted region for its own partner: supported (exit 0), the allowlisting as a comment', async () => {
    const r = await runCli(['rules', '--target-region', 'switzerlandnorth', '--region', 'switzerlandwest', '--output', 'bicep']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\/\/ Restricted region: both the source and the target subscription must be allowlisted/);
  });
});

describe('asr-ready rules: usage mistakes (exit 2, nothing on stdout)', () => {
  it.each([
    [
      ['--target-region', 'eastus9', '--region', 'westus2'],
      /^asr-ready: --target-region "eastus9" is not a region the Site Recovery region catalog lists \(did you mean eastus, eastus2\?\)/,
    ],
    [['--target-region', 'eastus2', '--region', 'West Mars'], /^asr-ready: --region "West Mars" is not a region the Site Recovery region catalog lists/],
    [['--target-region', 'east-us', '--region', 'westus2'], /^asr-ready: --target-region "east-us" is not an Azure region name/],
    [['--region', 'westus2'], /^asr-ready: asr-ready rules needs --target-region NAME/],
    [
      ['--target-region', 'eastus2', '--region', 'westus2', '--output', 'yaml'],
      /^asr-ready: --output must be text, az, az-powershell, bicep or json for asr-ready rules, not "yaml"/,
    ],
    [['--target-region', 'eastus2', '--region', 'westus2', '--output', 'az\n# forged'], /^asr-ready: --output must be .*, not "az\\u000a# forged"\n/],
    [
      ['--target-region', 'eastus2', '--region', 'westus2', '--output', 'compact'],
      /--output must be text, az, az-powershell, bicep or json for asr-ready rules, not "compact"/,
    ],
    [
      ['--target-region', 'eastus2', '--region', 'westus2', '--cloud', 'AzureChinaCloud'],
      /^asr-ready: --cloud AzureChinaCloud \(from --cloud\) contradicts --region "westus2": West US 2 is a region of AzureCloud/,
    ],
    [
      ['--target-region', 'eastus2', '--region', 'westus2', '--proxy', 'http://127.0.0.1:3128'],
      /^asr-ready: "--proxy" is not an option of asr-ready rules; its options are/,
    ],
    [
      ['--target-region', 'eastus2', '--region', 'westus2', '--priority', '4090'],
      /^asr-ready: --priority 4090: 4 rules from priority 4090 by 10 end at 4120, above 4096/,
    ],
    [['--target-region', 'eastus2', '--region', 'westus2', '--priority', '50'], /^asr-ready: --priority must be a whole number from 100 to 4096/],
    [
      ['--target-region', 'eastus2', '--region', 'westus2', '--cache-storage-account', 'https://x.blob.core.windows.net'],
      /--cache-storage-account .* is not a storage account name/,
    ],
    [['--target-region', 'eastus2', '--target-region', 'westus2', '--region', 'westus2'], /--target-region is given more than once/],
    [['--target-region', 'eastus2', '--region', 'westus2', 'now'], /^asr-ready: unexpected argument "now"/],
  ])('rules %j', async (args, message) => {
    const r = await runCli(['rules', ...args]);
    expect(r.stderr).toMatch(message);
    expect([r.code, r.stdout]).toEqual([2, '']);
  });

  it('a check-only option before the command still lands in rules, which names it', async () => {
    const r = await runCli(['--proxy', 'http://127.0.0.1:3128', 'rules', '--target-region', 'eastus2']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/"--proxy" is not an option of asr-ready rules/);
  });
});

describe('asr-ready rules: help', () => {
  it('rules --help and --help both describe the command', async () => {
    for (const args of [['rules', '--help'], ['--help']]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('asr-ready rules --target-region NAME');
      expect(r.stdout).toContain('-o, --output text|az|az-powershell|bicep|json');
    }
  });
});
