// The support-matrix checks through the CLI: a whole fake guest under --root, and this machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { fixture } from '../helpers/paths';
import { reportSchemaErrors } from '../helpers/schema';
import type { Report } from '../../src/report/report';

const finding = (r: Report, id: string) => r.findings.find((f) => f.checkId === id)!;

describe('guest checks on a fake guest (--root)', () => {
  it('fails an unsupported distro version and a device-name GRUB root, and passes an XFS data disk', async () => {
    const guest = new FakeGuest()
      .write('/etc/os-release', readFileSync(fixture('linux', 'os-release', 'ubuntu-25.04')))
      .write('/etc/default/grub', 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\nGRUB_CMDLINE_LINUX="root=/dev/sda1 console=ttyS0"\n')
      .write('/etc/fstab', 'UUID=0d9f /    ext4 defaults 0 1\nUUID=77aa /data xfs defaults,nofail 0 2\n')
      .write('/boot/vmlinuz-6.14.0-1008-azure', '');
    try {
      const result = await runCli(['--root', guest.root, '--checks', 'os.,boot.,storage.filesystems', '--json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as Report;
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.findings.map((f) => [f.checkId, f.status])).toEqual([
        ['os.supported', 'fail'],
        ['os.kernel', 'pass'],
        ['os.fips', 'pass'],
        ['boot.grub-device-names', 'fail'],
        ['boot.lvm-references', 'pass'],
        ['storage.filesystems', 'pass'],
      ]);
      expect(finding(report, 'os.supported').summary).toBe(
        'Ubuntu 25.04 is not a supported version of Ubuntu; the matrix lists 14.04, 16.04, 18.04, 20.04, 22.04, 24.04.',
      );
      const grub = finding(report, 'boot.grub-device-names');
      expect(grub.asrErrorCodes).toEqual([151126]);
      expect(grub.summary).toContain('/etc/default/grub:3: GRUB_CMDLINE_LINUX="root=/dev/sda1 console=ttyS0"');
      expect(finding(report, 'storage.filesystems').summary).toBe(
        'All 2 file system(s) on replicated disks are supported: / (ext4), /data (xfs) (from /etc/fstab).',
      );
      expect(finding(report, 'os.kernel').summary).toMatch(/^The kernel \(--root \/boot \(installed, newest\)\) 6\.14\.0-1008-azure is a stock Ubuntu kernel/);
      expect(report.host).toMatchObject({ distro: 'ubuntu', version: '25.04', fromRoot: true });
    } finally {
      guest.remove();
    }
  });

  it('fails a RHEL 9 image whose BLS entry boots into FIPS mode, citing the support matrix row', async () => {
    const guest = new FakeGuest()
      .osRelease('rhel', '9.4', 'Red Hat Enterprise Linux 9.4 (Plow)', 'fedora')
      .write('/boot/vmlinuz-5.14.0-427.13.1.el9_4.x86_64', '')
      .write(
        '/boot/loader/entries/0f1e-5.14.0-427.13.1.el9_4.x86_64.conf',
        'title Red Hat Enterprise Linux (5.14.0-427.13.1.el9_4.x86_64) 9.4 (Plow)\nlinux /vmlinuz-5.14.0-427.13.1.el9_4.x86_64\noptions root=UUID=0d9f ro console=ttyS0 fips=1 boot=UUID=77aa\n',
      );
    try {
      const result = await runCli(['--root', guest.root, '--checks', 'os.fips', '--json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as Report;
      expect(reportSchemaErrors(report)).toEqual([]);
      const fips = finding(report, 'os.fips');
      expect(fips.status).toBe('fail');
      expect(fips.summary).toContain('the boot configuration turns it on at boot: /boot/loader/entries/0f1e-5.14.0-427.13.1.el9_4.x86_64.conf:3 (fips=1)');
      expect(fips.summary).toContain('"Encryption at host and FIPS: not supported"');
      expect(fips.remediation).toContain('sudo fips-mode-setup --disable');
      expect(fips.evidence).toMatchObject({
        fromRoot: true,
        reference: { row: 'Compute, disks, encryption > Encryption: "Encryption at host and FIPS: not supported"' },
      });
    } finally {
      guest.remove();
    }
  });

  it('says that clock synchronisation is not read from a --root image', async () => {
    const guest = new FakeGuest().osRelease('debian', '12', 'Debian GNU/Linux 12 (bookworm)');
    try {
      const report = JSON.parse((await runCli(['--root', guest.root, '--checks', 'time.sync', '--json'])).stdout) as Report;
      expect(finding(report, 'time.sync')).toMatchObject({
        status: 'skip',
        summary: expect.stringContaining('clock synchronisation lives in the running system, not in the files under --root'),
      });
    } finally {
      guest.remove();
    }
  });

  it.each([
    [['--churn-sample', '0'], /--churn-sample must be a whole number of seconds from 1 to 3000, not "0"/],
    [['--churn-sample', '200'], /--churn-sample 200 does not fit in the default --deadline 120: give --deadline 230 or more/],
  ])('rejects %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

/** A 64-byte ELF64 little-endian header: all os.supported and os.kernel need of a guest's shell. */
function elfHeader(machine: number): Buffer {
  const h = Buffer.alloc(64);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  h.writeUInt16LE(3, 16);
  h.writeUInt16LE(machine, 18);
  h.writeUInt32LE(1, 20);
  return h;
}

describe('guest architecture through the CLI (--root)', () => {
  const judge = async (guest: FakeGuest) => {
    try {
      const report = JSON.parse((await runCli(['--root', guest.root, '--checks', 'os.supported,os.kernel', '--json'])).stdout) as Report;
      expect(reportSchemaErrors(report)).toEqual([]);
      return report;
    } finally {
      guest.remove();
    }
  };

  it('fails an aarch64 RHEL image (its /bin/sh links to an absolute path inside the image) on os.supported and os.kernel', async () => {
    const report = await judge(
      new FakeGuest()
        .write('/etc/os-release', readFileSync(fixture('linux', 'os-release', 'rhel-9.4')))
        .write('/usr/bin/bash', elfHeader(0xb7))
        .symlink('/bin/sh', '/usr/bin/bash')
        .write('/boot/vmlinuz-5.14.0-427.13.1.el9_4.aarch64', ''),
    );
    expect(report.host).toMatchObject({ distro: 'rhel', arch: 'aarch64', fromRoot: true });
    expect(finding(report, 'os.supported')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        'is built for aarch64 (/bin/sh -> /usr/bin/bash: ELF e_machine 0xb7 (aarch64)): Site Recovery does not support ARM64 VMs',
      ),
    });
    expect(finding(report, 'os.kernel')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('5.14.0-427.13.1.el9_4.aarch64 is built for aarch64: it is not a stock x86-64 Red Hat Enterprise Linux kernel'),
    });
  });

  it('passes the same RHEL image built for x86_64', async () => {
    const report = await judge(
      new FakeGuest()
        .write('/etc/os-release', readFileSync(fixture('linux', 'os-release', 'rhel-9.4')))
        .write('/usr/bin/bash', elfHeader(0x3e))
        .symlink('/bin/sh', '/usr/bin/bash')
        .write('/boot/vmlinuz-5.14.0-427.13.1.el9_4.x86_64', ''),
    );
    expect(report.host).toMatchObject({ arch: 'x86_64' });
    expect(report.findings.map((f) => [f.checkId, f.status])).toEqual([
      ['os.supported', 'pass'],
      ['os.kernel', 'pass'],
    ]);
    expect(finding(report, 'os.supported').evidence).toMatchObject({ arch: 'x86_64', archSource: '/bin/sh -> /usr/bin/bash: ELF e_machine 0x3e (x86_64)' });
  });

  it('with no shell at all, takes the architecture from the kernel names under /boot', async () => {
    const report = await judge(
      new FakeGuest()
        .osRelease('debian', '12', 'Debian GNU/Linux 12 (bookworm)')
        .write('/etc/debian_version', '12.8\n')
        .write('/boot/vmlinuz-6.1.0-28-cloud-arm64', ''),
    );
    expect(report.host).toMatchObject({ arch: 'aarch64' });
    expect(report.findings.map((f) => [f.checkId, f.status])).toEqual([
      ['os.supported', 'fail'],
      ['os.kernel', 'fail'],
    ]);
    expect(finding(report, 'os.supported').evidence).toMatchObject({ archSource: 'kernel image name /boot/vmlinuz-6.1.0-28-cloud-arm64' });
  });

  it('does not follow a /bin/sh link out of the image: an aarch64 ELF planted outside is never read', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-outside-'));
    try {
      writeFileSync(path.join(outside, 'sh'), elfHeader(0xb7));
      const report = await judge(
        new FakeGuest()
          .write('/etc/os-release', readFileSync(fixture('linux', 'os-release', 'ubuntu-24.04')))
          .symlink('/bin/sh', path.join(outside, 'sh'))
          .symlink('/usr/bin/env', `${'../'.repeat(16)}${path.join(outside, 'sh').slice(1)}`)
          .write('/boot/vmlinuz-6.8.0-1021-azure', ''),
      );
      expect(report.host).toMatchObject({ distro: 'ubuntu', arch: null });
      expect(report.findings.map((f) => [f.checkId, f.status])).toEqual([
        ['os.supported', 'pass'],
        ['os.kernel', 'pass'],
      ]);
      expect(finding(report, 'os.supported').evidence).toMatchObject({
        arch: null,
        archNotes: [
          `/bin/sh: is a dangling link: it leads to ${path.join(outside, 'sh')}, which does not exist inside --root`,
          `/usr/bin/env: is a dangling link: it leads to ${path.join(outside, 'sh')}, which does not exist inside --root`,
        ],
      });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('guest checks on this machine', () => {
  it('reports the real distribution, kernel and disks', async () => {
    const result = await runCli(['--checks', 'os.,storage.disks,resources.', '--json']);
    const report = JSON.parse(result.stdout) as Report;
    expect(reportSchemaErrors(report)).toEqual([]);
    const osRelease = readFileSync('/etc/os-release', 'utf8');
    const id = /^ID=(.*)$/m.exec(osRelease)![1]!.replace(/"/g, '');
    expect(finding(report, 'os.supported').evidence).toMatchObject({ id });
    expect(finding(report, 'os.kernel').evidence).toMatchObject({ release: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(), source: 'running' });
    // every whole disk lsblk reports (bar zram, loop and optical) appears with its size
    const lsblk = execFileSync('lsblk', ['-b', '-d', '-n', '-o', 'NAME,SIZE,TYPE'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([name, , type]) => type === 'disk' && !/^(zram|loop|sr)/.test(name!));
    const disks = (finding(report, 'storage.disks').evidence.disks as Array<{ name: string; sizeBytes: number }>).map((d) => [d.name, d.sizeBytes]);
    expect(disks).toEqual(lsblk.map(([name, size]) => [name, Number(size)]));
  });
});
