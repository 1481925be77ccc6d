// os.fips: Site Recovery does not support FIPS mode (support matrix, Encryption row). Facts are fed
// to the judge; the Linux facts are read from fake guests, the Windows policy from a reg query output.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateLinuxFips, evaluateWindowsFips, FIPS_REFERENCE } from '../../src/checks/os-fips';
import { readLinuxFips, type LinuxFipsFacts } from '../../src/facts/linux/fips';
import { isFipsOn } from '../../src/checks/helpers/fips-value';
import { readGrubFacts } from '../../src/facts/linux/grub';
import { FIPS_POLICY_KEY, parseFipsAlgorithmPolicy, type WindowsFipsFacts } from '../../src/facts/windows/fips';
import { withGuest, type FakeGuest } from '../helpers/fake-guest';
import { fixture } from '../helpers/paths';

const live = (extra: Partial<LinuxFipsFacts> = {}): LinuxFipsFacts => ({
  fromRoot: false,
  fipsEnabled: { path: '/proc/sys/crypto/fips_enabled', read: true, value: '0' },
  cmdline: { path: '/proc/cmdline', read: true, value: null },
  boot: [],
  bootFiles: ['/boot/grub2/grub.cfg'],
  notes: [],
  ...extra,
});

const fromGuest = (build: (g: FakeGuest) => void) => withGuest(build, async (g) => readLinuxFips(g.root, await readGrubFacts(g.root)));

describe('os.fips on Linux: the running kernel', () => {
  it.each([
    ['0', 'pass'],
    ['1', 'fail'],
    ['2', 'fail'], // the kernel takes any non-zero integer
  ])('fips_enabled %s is %s', (value, status) => {
    expect(evaluateLinuxFips(live({ fipsEnabled: { path: '/proc/sys/crypto/fips_enabled', read: true, value } })).status).toBe(status);
  });

  it.each([
    [null, 'pass'],
    ['0', 'pass'],
    ['1', 'fail'],
  ])('fips=%s on /proc/cmdline is %s', (value, status) => {
    expect(evaluateLinuxFips(live({ cmdline: { path: '/proc/cmdline', read: true, value } })).status).toBe(status);
  });

  it('fails a FIPS kernel with the reference row, what FIPS is, how to turn it off per distribution, and the reboot', () => {
    const outcome = evaluateLinuxFips(
      live({ fipsEnabled: { path: '/proc/sys/crypto/fips_enabled', read: true, value: '1' }, cmdline: { path: '/proc/cmdline', read: true, value: '1' } }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'FIPS mode is on: the running kernel is in FIPS mode (/proc/sys/crypto/fips_enabled is 1); it was booted with fips=1 (/proc/cmdline). Site Recovery does not support FIPS mode: the Site Recovery support matrix says "Encryption at host and FIPS: not supported" (Azure-to-Azure support matrix (azure-to-azure-support-matrix.md, 2026-01-01), row "Encryption").',
    );
    expect(outcome.remediation).toContain("FIPS mode restricts the operating system's cryptography to FIPS 140 validated modules and algorithms");
    expect(outcome.remediation).toContain('sudo fips-mode-setup --disable');
    expect(outcome.remediation).toContain('sudo pro disable fips');
    expect(outcome.remediation).toContain('SLES: remove fips=1 from GRUB_CMDLINE_LINUX_DEFAULT');
    expect(outcome.remediation).toMatch(/3\. Reboot/);
    expect(outcome.evidence).toMatchObject({ reference: FIPS_REFERENCE });
  });

  it('passes a kernel without FIPS support (no fips_enabled) booted without fips=', () => {
    const outcome = evaluateLinuxFips(live({ fipsEnabled: { path: '/proc/sys/crypto/fips_enabled', read: false, value: null } }));
    expect(outcome).toMatchObject({
      status: 'pass',
      summary:
        'FIPS mode is off: /proc/sys/crypto/fips_enabled is absent (the kernel has no FIPS support), no fips= on /proc/cmdline, no fips=1 in the boot configuration (/boot/grub2/grub.cfg).',
    });
  });

  it('skips with the reason when nothing can be read, and warns when only the boot files can', () => {
    const none = {
      fipsEnabled: { path: '/proc/sys/crypto/fips_enabled' as const, read: false, value: null },
      cmdline: { path: '/proc/cmdline' as const, read: false, value: null },
    };
    expect(evaluateLinuxFips(live({ ...none, bootFiles: [] }))).toMatchObject({
      status: 'skip',
      summary: expect.stringContaining('neither /proc/sys/crypto/fips_enabled nor /proc/cmdline could be read'),
    });
    expect(evaluateLinuxFips(live(none)).status).toBe('warn');
  });

  it('fails a live kernel that is off but configured to boot into FIPS mode next time', () => {
    const outcome = evaluateLinuxFips(
      live({ boot: [{ path: '/etc/default/grub', lineNumber: 6, line: 'GRUB_CMDLINE_LINUX="console=ttyS0 fips=1"', value: '1' }] }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('the boot configuration turns it on at the next boot: /etc/default/grub:6 (fips=1)');
    expect(outcome.remediation).toContain('/etc/default/grub:6: GRUB_CMDLINE_LINUX="console=ttyS0 fips=1"');
  });
});

describe('os.fips on Linux: fake guests under --root (the boot configuration)', () => {
  it.each([
    [
      'RHEL 8 grubenv kernelopts (fips-mode-setup --enable)',
      '/boot/grub2/grubenv',
      '# GRUB Environment Block\nsaved_entry=abc-4.18.0-553.el8_10.x86_64\nkernelopts=root=UUID=0d9f ro console=ttyS0 fips=1 boot=UUID=77aa\n',
      'fail',
    ],
    [
      'RHEL 9 BLS entry options line',
      '/boot/loader/entries/abc-5.14.0-503.el9.x86_64.conf',
      'title Red Hat Enterprise Linux\nlinux /vmlinuz-5.14.0-503.el9.x86_64\noptions root=UUID=0d9f ro fips=1 boot=UUID=77aa\n',
      'fail',
    ],
    ['SLES /etc/default/grub', '/etc/default/grub', 'GRUB_CMDLINE_LINUX_DEFAULT="console=ttyS0 fips=1"\n', 'fail'],
    [
      'Ubuntu Pro grub.cfg linux line',
      '/boot/grub/grub.cfg',
      "menuentry 'Ubuntu' {\n\tlinux /boot/vmlinuz-5.15.0-1060-fips root=UUID=0b7e ro fips=1\n}\n",
      'fail',
    ],
    ['fips=0', '/etc/default/grub', 'GRUB_CMDLINE_LINUX="console=ttyS0 fips=0"\n', 'pass'],
    ['a commented-out fips=1', '/etc/default/grub', '#GRUB_CMDLINE_LINUX="fips=1"\nGRUB_CMDLINE_LINUX="console=ttyS0"\n', 'pass'],
    ['nofips=1 (another parameter)', '/etc/default/grub', 'GRUB_CMDLINE_LINUX="console=ttyS0 nofips=1"\n', 'pass'],
  ])('%s: %s', async (_name, path, content, status) => {
    const facts = await fromGuest((g) => g.write(path, content));
    const outcome = evaluateLinuxFips(facts);
    expect(outcome.status).toBe(status);
    if (status === 'fail') expect(outcome.summary).toContain(`the boot configuration turns it on at boot: ${path}:`);
    else expect(outcome.summary).toBe(`FIPS mode is off: no fips=1 in the boot configuration (${path}).`);
  });

  it('reads a /proc captured under --root', async () => {
    const facts = await fromGuest((g) => g.write('/proc/sys/crypto/fips_enabled', '1\n').write('/etc/default/grub', 'GRUB_TIMEOUT=1\n'));
    expect(facts.fipsEnabled).toEqual({ path: '/proc/sys/crypto/fips_enabled', read: true, value: '1' });
    expect(evaluateLinuxFips(facts).status).toBe('fail');
  });

  it('skips an image with no boot configuration, saying why', async () => {
    const outcome = evaluateLinuxFips(await fromGuest((g) => g.mkdir('/etc')));
    expect(outcome).toMatchObject({
      status: 'skip',
      summary: 'FIPS mode cannot be judged from this image: no GRUB configuration or /proc/sys/crypto/fips_enabled could be read under --root.',
    });
  });

  it('names a boot file it could not read (a directory in its place) and warns rather than passes', async () => {
    const outcome = evaluateLinuxFips(await fromGuest((g) => g.write('/etc/default/grub', 'GRUB_TIMEOUT=1\n').mkdir('/boot/grub2/grub.cfg')));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('/boot/grub2/grub.cfg: is a directory, not a regular file; not read');
  });
});

describe('kernel parameter values', () => {
  it.each([
    ['1', true],
    ['0', false],
    ['01', true],
    ['0x1', true],
    ['0x0', false],
    ['-1', true],
    ['', false],
    ['yes', false],
    ['1\n', true],
  ])('fips=%j is on: %s', (value, on) => {
    expect(isFipsOn(value)).toBe(on);
  });
});

describe('os.fips on Windows (reg query FipsAlgorithmPolicy /v Enabled)', () => {
  const recorded = readFileSync(fixture('windows', 'reg-query-hklm-lsa-fipsalgorithmpolicy-v-enabled.0x1.crlf.txt'), 'utf8');
  const facts = (parsed: Pick<WindowsFipsFacts, 'enabled' | 'raw' | 'problem'>): WindowsFipsFacts => ({
    key: FIPS_POLICY_KEY,
    source: `reg query ${FIPS_POLICY_KEY} /v Enabled`,
    ...parsed,
  });

  it('reads Enabled 0x1 from the recorded output (CRLF) and fails with the policy, the reference row and the reboot', () => {
    const parsed = parseFipsAlgorithmPolicy(recorded);
    expect(parsed).toEqual({ enabled: 1, raw: { type: 'REG_DWORD', value: '0x1' }, problem: null });
    const outcome = evaluateWindowsFips(facts(parsed));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('FIPS mode is on: HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\FipsAlgorithmPolicy Enabled is 0x1');
    expect(outcome.summary).toContain('"Encryption at host and FIPS: not supported"');
    expect(outcome.remediation).toContain('System cryptography: Use FIPS compliant algorithms for encryption, hashing, and signing" to Disabled');
    expect(outcome.remediation).toContain('reg add "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\FipsAlgorithmPolicy" /v Enabled /t REG_DWORD /d 0 /f');
    expect(outcome.remediation).toMatch(/3\. Reboot/);
  });

  it.each([
    ['Enabled 0x0', recorded.replace('0x1', '0x0'), 'pass', 0],
    ['Enabled 0x00000002', recorded.replace('0x1', '0x00000002'), 'fail', 2],
    ['no value (reg query printed nothing usable)', '', 'pass', null],
  ])('%s is %s', (_name, output, status, enabled) => {
    const parsed = parseFipsAlgorithmPolicy(output);
    expect(parsed.enabled).toBe(enabled);
    expect(evaluateWindowsFips(facts(parsed)).status).toBe(status);
  });

  it('skips a value of the wrong type, or a policy that could not be read, saying why', () => {
    const wrongType = parseFipsAlgorithmPolicy(recorded.replace('REG_DWORD    0x1', 'REG_SZ    on'));
    expect(wrongType.problem).toBe('Enabled is REG_SZ "on", not a REG_DWORD number');
    expect(evaluateWindowsFips(facts(wrongType)).status).toBe('skip');
    expect(evaluateWindowsFips(facts({ enabled: null, raw: null, problem: 'ERROR: Access is denied.' }))).toMatchObject({
      status: 'skip',
      summary: expect.stringContaining('could not be read'),
    });
  });
});
