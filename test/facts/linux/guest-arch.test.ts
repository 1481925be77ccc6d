// The architecture of a --root guest image: its shell's ELF header (links followed inside the root
// only), else its kernel image names under /boot, else the kernel release suffix.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHostFacts } from '../../../src/facts/host';
import { elfMachine } from '../../../src/facts/linux/guest-arch';
import { kernelNameArch } from '../../../src/catalog/kernel-arch';
import { evaluateKernel } from '../../../src/checks/os-kernel';
import { evaluateLinuxSupport } from '../../../src/checks/os-supported';
import { SUPPORT_MATRIX } from '../../../src/catalog/support-matrix';
import type { KernelFacts } from '../../../src/facts/linux/kernel';
import { withGuest, type FakeGuest } from '../../helpers/fake-guest';

/** A 64-byte ELF64 little-endian executable header for the given e_machine (0x3e x86_64, 0xb7 aarch64). */
function elfHeader(machine: number): Buffer {
  const h = Buffer.alloc(64);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0); // magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT
  h.writeUInt16LE(3, 16); // e_type ET_DYN
  h.writeUInt16LE(machine, 18); // e_machine
  h.writeUInt32LE(1, 20); // e_version
  h.writeUInt16LE(64, 52); // e_ehsize
  return h;
}
const X86_64 = elfHeader(0x3e);
const AARCH64 = elfHeader(0xb7);

// An aarch64 ELF planted outside every guest root: a link that escaped would read it.
const outside = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-outside-'));
const OUTSIDE_ELF = path.join(outside, 'dash');
writeFileSync(OUTSIDE_ELF, AARCH64);
afterAll(() => rmSync(outside, { recursive: true, force: true }));

const hostOf = (build: (g: FakeGuest) => void) =>
  withGuest(
    (g) => build(g.osRelease('rhel', '9.4', 'Red Hat Enterprise Linux 9.4 (Plow)', 'fedora')),
    (g) => readHostFacts(g.root, 'linux'),
  );

describe('guest architecture under --root', () => {
  it.each([
    ['x86_64', X86_64, '0x3e'],
    ['aarch64', AARCH64, '0xb7'],
  ])('reads %s from a regular /bin/sh ELF header', async (arch, header, hex) => {
    const host = await hostOf((g) => g.write('/bin/sh', Buffer.concat([header, Buffer.alloc(4096)])));
    expect(host).toMatchObject({ arch, archSource: `/bin/sh: ELF e_machine ${hex} (${arch})`, fromRoot: true });
    expect(host.archNotes).toBeUndefined();
  });

  it('follows /bin/sh -> an absolute path as relative to the root', async () => {
    const host = await hostOf((g) => g.write('/usr/bin/bash', AARCH64).symlink('/bin/sh', '/usr/bin/bash'));
    expect(host).toMatchObject({ arch: 'aarch64', archSource: '/bin/sh -> /usr/bin/bash: ELF e_machine 0xb7 (aarch64)' });
  });

  it('follows merged-/usr relative links (/bin -> usr/bin, sh -> dash) inside the root', async () => {
    const host = await hostOf((g) => g.write('/usr/bin/dash', X86_64).symlink('/usr/bin/sh', 'dash').symlink('/bin', 'usr/bin'));
    expect(host).toMatchObject({ arch: 'x86_64', archSource: '/bin/sh -> /usr/bin/dash: ELF e_machine 0x3e (x86_64)' });
  });

  it('never follows a link out of the root: absolute and climbing targets stay inside, and the kernel names decide', async () => {
    const climbing = `${'../'.repeat(20)}${OUTSIDE_ELF.slice(1)}`;
    const host = await hostOf((g) =>
      g
        .symlink('/bin/sh', OUTSIDE_ELF)
        .symlink('/usr/bin/env', climbing)
        .symlink('/bin/bash', '../../../../../../../../../../../../../../../../bin/sh')
        .write('/boot/vmlinuz-5.14.0-427.13.1.el9_4.x86_64', ''),
    );
    expect(host).toMatchObject({ arch: 'x86_64', archSource: 'kernel image name /boot/vmlinuz-5.14.0-427.13.1.el9_4.x86_64' });
    expect(host.archNotes).toEqual([
      `/bin/sh: is a dangling link: it leads to ${OUTSIDE_ELF}, which does not exist inside --root`,
      `/usr/bin/env: is a dangling link: it leads to ${OUTSIDE_ELF}, which does not exist inside --root`,
      // /bin/bash climbs to the root's /bin/sh, which is the link above: still inside the root
      `/bin/bash: is a dangling link: it leads to ${OUTSIDE_ELF}, which does not exist inside --root`,
    ]);
  });

  it('reads a link that climbs above the root as the guest kernel would: from the root', async () => {
    const host = await hostOf((g) => g.write('/usr/bin/dash', AARCH64).symlink('/bin/sh', '../../../../../usr/bin/dash'));
    expect(host).toMatchObject({ arch: 'aarch64', archSource: '/bin/sh -> /usr/bin/dash: ELF e_machine 0xb7 (aarch64)' });
  });

  it('names a link loop, a script and a directory, and goes on to the next shell', async () => {
    const host = await hostOf((g) =>
      g.symlink('/bin/sh', '/bin/sh').write('/usr/bin/env', '#!/bin/sh\nexec "$@"\n').mkdir('/bin/bash').write('/boot/vmlinuz-6.1.0-28-cloud-arm64', ''),
    );
    expect(host).toMatchObject({ arch: 'aarch64', archSource: 'kernel image name /boot/vmlinuz-6.1.0-28-cloud-arm64' });
    expect(host.archNotes).toEqual([
      '/bin/sh: is a symbolic link loop (more than 40 links followed)',
      '/usr/bin/env: not an ELF executable',
      '/bin/bash: is a directory, not a regular file; not read',
    ]);
  });

  it('reads only the first 64 bytes of a large shell', async () => {
    const host = await hostOf((g) => g.write('/bin/sh', Buffer.concat([AARCH64, Buffer.alloc(8 * 1024 * 1024)])));
    expect(host.arch).toBe('aarch64');
  });

  it.each([
    [['vmlinuz-5.14.0-427.el9.aarch64'], 'aarch64'],
    [['vmlinuz-6.8.0-1021-generic-64k'], 'aarch64'],
    [['vmlinuz-6.1.0-28-cloud-amd64', 'vmlinuz-6.1.0-27-cloud-amd64'], 'x86_64'],
    [['Image-6.1.0-28-arm64'], 'aarch64'],
    [['vmlinuz-6.8.0-1021-azure'], null], // Ubuntu names no architecture
    [['vmlinuz-0-rescue-0123456789abcdef.aarch64', 'vmlinuz-5.14.0-427.el9.x86_64'], 'x86_64'],
  ])('with no shell, reads the architecture from /boot %j', async (names, arch) => {
    const host = await hostOf((g) => names.forEach((n) => g.write(`/boot/${n}`, '')));
    expect(host.arch).toBe(arch);
    expect(host.archSource).toBe(
      arch
        ? `kernel image name ${names
            .filter((n) => !n.includes('rescue'))
            .map((n) => `/boot/${n}`)
            .sort()
            .join(', ')}`
        : null,
    );
  });

  it('does not guess between kernels of two architectures, and then uses the release suffix', async () => {
    const host = await hostOf((g) =>
      g
        .write('/boot/vmlinuz-5.14.0-427.el9.aarch64', '')
        .write('/boot/vmlinuz-5.14.0-427.el9.x86_64', '')
        .write('/proc/sys/kernel/osrelease', '5.14.0-427.el9.aarch64\n'),
    );
    expect(host).toMatchObject({ arch: 'aarch64', archSource: 'kernel release suffix 5.14.0-427.el9.aarch64 (/proc/sys/kernel/osrelease)' });
    expect(host.archNotes).toEqual([expect.stringContaining('kernel images under /boot name different architectures')]);
  });

  it('says nothing it does not know: no shell, no named kernel', async () => {
    const host = await hostOf(() => {});
    expect(host).toMatchObject({ arch: null, archSource: null });
  });

  it.runIf(existsSync('/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1'))("reads real ELF files: this machine's /bin/sh and an aarch64 loader", async () => {
    const real = await hostOf((g) =>
      g.write('/bin/sh', readFileSync('/bin/sh')).write('/usr/bin/env', readFileSync('/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1')),
    );
    expect(real.arch).toBe(process.arch === 'arm64' ? 'aarch64' : 'x86_64');
    const arm = await hostOf((g) => g.write('/usr/bin/env', readFileSync('/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1')));
    expect(arm).toMatchObject({ arch: 'aarch64', archSource: '/usr/bin/env: ELF e_machine 0xb7 (aarch64)' });
  });

  it('parses ELF headers of either byte order and refuses what is not one', () => {
    expect(elfMachine(X86_64)).toEqual({ machine: 0x3e, arch: 'x86_64' });
    const big = Buffer.from(AARCH64);
    big[5] = 2;
    big.writeUInt16BE(0xb7, 18);
    expect(elfMachine(big)).toEqual({ machine: 0xb7, arch: 'aarch64' });
    expect(elfMachine(elfHeader(0x15))).toEqual({ machine: 0x15, arch: null }); // ppc64
    expect(elfMachine(Buffer.from('#!/bin/sh\n'))).toBeNull();
    expect(elfMachine(X86_64.subarray(0, 19))).toBeNull();
  });

  it.each([
    ['5.14.0-427.13.1.el9_4.x86_64', 'x86_64'],
    ['5.14.0-427.13.1.el9_4.aarch64', 'aarch64'],
    ['6.1.0-28-cloud-amd64', 'x86_64'],
    ['6.1.0-28-arm64', 'aarch64'],
    ['6.8.0-1021-generic-64k', 'aarch64'],
    ['6.1.0-28-686-pae', 'i686'],
    ['6.8.0-1021-azure', null],
    ['5.14.21-150500.55.39-default', null],
  ])('kernel name %s names %s', (name, arch) => expect(kernelNameArch(name)).toBe(arch));
});

describe('os.supported and os.kernel on the guest architecture', () => {
  const NOW = new Date('2026-11-27T12:00:00Z');
  const kernel = (release: string): KernelFacts => ({ release, source: '--root /boot (installed, newest)', installed: [release], debianVersion: null });

  it('fails an aarch64 image and says where the architecture came from', async () => {
    const host = await hostOf((g) => g.write('/usr/bin/bash', AARCH64).symlink('/bin/sh', '/usr/bin/bash'));
    expect(evaluateLinuxSupport(host, kernel('5.14.0-427.13.1.el9_4.aarch64'), SUPPORT_MATRIX, NOW)).toMatchObject({
      status: 'fail',
      summary: `Red Hat Enterprise Linux 9.4 (Plow) is built for aarch64 (/bin/sh -> /usr/bin/bash: ELF e_machine 0xb7 (aarch64)): Site Recovery does not support ARM64 VMs (support matrix of ${SUPPORT_MATRIX.matrixDate}).`,
      evidence: { arch: 'aarch64', archSource: '/bin/sh -> /usr/bin/bash: ELF e_machine 0xb7 (aarch64)' },
    });
  });

  it.each([
    ['rhel', '9.4', '5.14.0-427.13.1.el9_4.aarch64', null, 'fail'],
    ['rhel', '9.4', '5.14.0-427.13.1.el9_4.x86_64', null, 'pass'],
    ['debian', '12', '6.1.0-28-cloud-arm64', null, 'fail'],
    ['debian', '12', '6.1.0-28-cloud-amd64', 'x86_64', 'pass'],
    ['ubuntu', '24.04', '6.8.0-1021-azure', 'aarch64', 'fail'], // Ubuntu's arm64 kernels name no arch: the guest's does
    ['ubuntu', '24.04', '6.8.0-1021-azure', null, 'pass'],
    ['ubuntu', '24.04', '6.8.0-1021-generic-64k', null, 'fail'],
  ])('os.kernel: %s %s kernel %s on a %s guest is %s', (id, version, release, arch, status) => {
    const host = {
      os: 'linux' as const,
      distro: id,
      distroName: id,
      version,
      kernel: null,
      arch,
      archSource: arch ? '/bin/sh: ELF' : null,
      hostname: 'h',
      family: 'unknown' as const,
      osRelease: { ID: id, VERSION_ID: version },
      fromRoot: true,
    };
    const outcome = evaluateKernel(host, kernel(release), SUPPORT_MATRIX);
    expect(outcome.status).toBe(status);
    if (status === 'fail') expect(outcome.summary).toContain('is not a stock x86-64');
  });
});
