// The support-matrix checks through the CLI: a whole fake guest under --root, and this machine.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
        ['boot.grub-device-names', 'fail'],
        ['boot.lvm-references', 'pass'],
        ['storage.filesystems', 'pass'],
      ]);
      expect(finding(report, 'os.supported').summary).toBe('Ubuntu 25.04 is not a supported version of Ubuntu; the matrix lists 14.04, 16.04, 18.04, 20.04, 22.04, 24.04.');
      const grub = finding(report, 'boot.grub-device-names');
      expect(grub.asrErrorCodes).toEqual([151126]);
      expect(grub.summary).toContain('/etc/default/grub:3: GRUB_CMDLINE_LINUX="root=/dev/sda1 console=ttyS0"');
      expect(finding(report, 'storage.filesystems').summary).toBe('All 2 file system(s) on replicated disks are supported: / (ext4), /data (xfs) (from /etc/fstab).');
      expect(finding(report, 'os.kernel').summary).toMatch(/^The kernel \(--root \/boot \(installed, newest\)\) 6\.14\.0-1008-azure is a stock Ubuntu kernel/);
      expect(report.host).toMatchObject({ distro: 'ubuntu', version: '25.04', fromRoot: true });
    } finally {
      guest.remove();
    }
  });

  it('says that clock synchronisation is not read from a --root image', async () => {
    const guest = new FakeGuest().osRelease('debian', '12', 'Debian GNU/Linux 12 (bookworm)');
    try {
      const report = JSON.parse((await runCli(['--root', guest.root, '--checks', 'time.sync', '--json'])).stdout) as Report;
      expect(finding(report, 'time.sync')).toMatchObject({ status: 'skip', summary: expect.stringContaining('clock synchronisation lives in the running system, not in the files under --root') });
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
      .trim().split('\n').map((l) => l.trim().split(/\s+/)).filter(([name, , type]) => type === 'disk' && !/^(zram|loop|sr)/.test(name!));
    const disks = (finding(report, 'storage.disks').evidence.disks as Array<{ name: string; sizeBytes: number }>).map((d) => [d.name, d.sizeBytes]);
    expect(disks).toEqual(lsblk.map(([name, size]) => [name, Number(size)]));
  });
});
