// `asr-ready checks` and `asr-ready explain ID` as a child process (the built bundle): the list holds
// every check of the registry, the JSON parses with its fields, explain names what a check reads
// (in the words of the fact table) and what it follows, a family lists its checks, and an unknown
// ID is a usage error (exit 2) that names it, escaped, with the closest IDs.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { ALL_CHECKS } from '../../src/checks/registry';
import { describeFact } from '../../src/checks/helpers/fact-descriptions';

interface Listed {
  id: string;
  family: string;
  platforms: string[];
  scope: string;
  title: string;
}

describe('asr-ready checks', () => {
  it('lists every check with its family, platforms, scope and title', async () => {
    const result = await runCli(['checks']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+FAMILY\s+PLATFORMS\s+SCOPE\s+TITLE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(ALL_CHECKS.map((c) => c.id));
    const kernel = lines.find((l) => l.startsWith('os.kernel '))!;
    expect(kernel.split(/\s{2,}/)).toEqual(['os.kernel', 'os', 'linux', 'guest-files', 'Stock distribution kernel']);
  });

  it('prints JSON with the fields, for --output json and --json', async () => {
    for (const args of [
      ['checks', '--output', 'json'],
      ['checks', '--json'],
      ['--json', 'checks'],
    ]) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(0);
      const listed = (JSON.parse(result.stdout) as { checks: Listed[] }).checks;
      expect(listed).toEqual(
        ALL_CHECKS.map((c) => ({ id: c.id, family: c.id.split('.')[0], platforms: [...c.platforms], scope: c.scope ?? 'guest-files', title: c.title })),
      );
    }
  });

  it('refuses an output it does not have, and an argument', async () => {
    const compact = await runCli(['checks', '--output', 'compact']);
    expect([compact.code, compact.stdout]).toEqual([2, '']);
    expect(compact.stderr).toContain('--output must be text or json');
    const extra = await runCli(['checks', 'os.kernel']);
    expect([extra.code, extra.stdout]).toEqual([2, '']);
    expect(extra.stderr).toContain('asr-ready explain ID');
  });
});

describe('asr-ready explain', () => {
  it('explains os.kernel: what it reads and where from, how it judges, its sources, scope and time bound', async () => {
    const result = await runCli(['explain', 'os.kernel']);
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toMatch(/^os\.kernel: Stock distribution kernel\n/);
    expect(text).toContain('What it reads:');
    expect(text).toContain(describeFact('host').what);
    expect(text).toContain(describeFact('linuxGuest').sources);
    expect(text).toContain('/etc/os-release');
    expect(text).toContain('How it judges:');
    expect(text).toContain('azure-requirements.md §5.2');
    expect(text).toContain('Catalog supportMatrix (src/catalog/support-matrix.json');
    expect(text).toContain('Time bound: 30 s');
    expect(text).toContain('Remediation it can give:');
  });

  it('explains trust.azure-roots with the trust store in plain words and its ASR error code', async () => {
    const result = await runCli(['explain', 'trust.azure-roots']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("the OS trust store (trustStore): /etc/ssl/certs/ca-certificates.crt or the distro's bundle and hashed directory");
    expect(result.stdout).toContain('on Windows the registry certificate stores');
    expect(result.stdout).toContain('ASR error codes it can name: 151066');
  });

  it('says a this-machine check is skipped under --root unless --checks names it', async () => {
    const result = await runCli(['explain', 'network.endpoints']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('under --root it is skipped unless --checks names it (--checks network.endpoints');
  });

  it.each(ALL_CHECKS.map((c) => [c.id, c] as const))('explains %s, naming each fact it needs', async (id, check) => {
    const result = await runCli(['explain', id]);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(`${id}: ${check.title}\n`)).toBe(true);
    expect(result.stdout).toContain(check.description);
    for (const need of check.needs) expect(result.stdout, need).toContain(`${describeFact(need).what} (${need}): ${describeFact(need).sources}`);
    expect(result.stdout).toContain(check.explain!.judges);
    for (const source of check.explain!.sources) expect(result.stdout).toContain(source);
  });

  it('prints one JSON object with the explanation', async () => {
    const result = await runCli(['explain', 'os.fips', '--output', 'json']);
    expect(result.code).toBe(0);
    const e = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(e).toMatchObject({ id: 'os.fips', family: 'os', platforms: ['linux', 'windows'], scope: 'guest-files', timeoutMs: 40_000 });
    expect(e.reads).toEqual([{ fact: 'fips', ...describeFact('fips') }]);
    expect(e.sources).toEqual(Object.values((await import('../../src/checks/os-fips')).FIPS_REFERENCE));
    expect(typeof e.judges).toBe('string');
  });

  it('lists the checks of a family', async () => {
    const result = await runCli(['explain', 'network']);
    expect(result.code).toBe(0);
    const network = ALL_CHECKS.filter((c) => c.id.startsWith('network.')).map((c) => c.id);
    expect(result.stdout).toContain(`The network family has ${network.length} checks`);
    for (const id of network) expect(result.stdout).toContain(id);
    const json = await runCli(['explain', 'trust.', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ family: 'trust', checks: [{ id: 'trust.azure-roots' }] });
  });

  it('refuses an unknown ID with exit 2, naming it and the closest IDs', async () => {
    const result = await runCli(['explain', 'os.kernal']);
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toContain('unknown check "os.kernal" (did you mean os.kernel');
    const hostile = await runCli(['explain', 'no\u001b[31mcheck']);
    expect(hostile.code).toBe(2);
    expect(hostile.stderr).not.toContain('\u001b');
    expect(hostile.stderr).toContain('no\\u001b[31mcheck');
  });

  it('needs an ID, and takes one', async () => {
    const none = await runCli(['explain']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('asr-ready explain needs a check ID');
    const two = await runCli(['explain', 'os.kernel', 'os.fips']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('unexpected argument "os.fips"');
  });
});

describe('options of the check before the command', () => {
  it('are refused by name, with exit 2, however the command is found', async () => {
    for (const args of [
      ['--no-proxy', 'checks'],
      ['--skip', 'os.', 'checks'],
      ['--region', 'westus2', 'explain', 'os.kernel'],
    ]) {
      const result = await runCli(args);
      expect([result.code, result.stdout], args.join(' ')).toEqual([2, '']);
      expect(result.stderr, args.join(' ')).toMatch(/is not an option of asr-ready checks or explain|unexpected argument/);
    }
  });
});

describe('help', () => {
  it('names the checks and explain commands', async () => {
    const result = await runCli(['--help']);
    expect(result.stdout).toContain('asr-ready checks [--output text|json]');
    expect(result.stdout).toContain('asr-ready explain ID|FAMILY');
  });
});
