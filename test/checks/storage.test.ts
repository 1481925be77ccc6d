import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateFilesystems } from '../../src/checks/storage-filesystems';
import { evaluateDisks } from '../../src/checks/storage-disks';
import { evaluateChurn } from '../../src/checks/storage-churn';
import { parseMountinfo, parseFstab, readMounts } from '../../src/facts/linux/mounts';
import { readBlockDevices } from '../../src/facts/linux/block-devices';
import { readStorageStack } from '../../src/facts/linux/storage-stack';
import { parseDiskstats, parseTypeperfCsv, sampleChurn, type ChurnFacts } from '../../src/facts/churn';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import type { LinuxGuestFacts } from '../../src/facts/facts';
import type { AzureCompute } from '../../src/facts/azure-metadata';
import { FakeGuest, withGuest } from '../helpers/fake-guest';
import { fixture } from '../helpers/paths';

const GiB = 1024 ** 3;

/** A /sys/block entry: size in sectors, partitions as subdirectories, optional holders and model. */
function disk(g: FakeGuest, name: string, sizeBytes: number, options: { partitions?: string[]; holders?: string[]; model?: string } = {}): void {
  g.write(`/sys/block/${name}/size`, `${sizeBytes / 512}\n`);
  for (const p of options.partitions ?? []) g.write(`/sys/block/${name}/${p}/partition`, '1\n');
  g.mkdir(`/sys/block/${name}/holders`);
  for (const h of options.holders ?? []) g.write(`/sys/block/${name}/holders/${h}`, '');
  if (options.model) g.write(`/sys/block/${name}/device/model`, `${options.model}\n`);
}

async function guestFacts(g: FakeGuest): Promise<LinuxGuestFacts> {
  return {
    kernel: { release: null, source: 'unknown', installed: [], debianVersion: null },
    grub: { files: [], params: [], uuidByDevice: {} },
    mounts: await readMounts(g.root),
    disks: await readBlockDevices(g.root),
    storage: await readStorageStack(g.root),
    resources: { vcpus: null, memoryBytes: null, source: 'test' },
  };
}


describe('mount tables', () => {
  it('reads the recorded Ubuntu mountinfo: ext4 root on LVM among the virtual file systems', () => {
    const entries = parseMountinfo(readFileSync(fixture('linux', 'proc', 'mountinfo-ubuntu.jc.txt'), 'utf8'));
    expect(entries.find((e) => e.mountPoint === '/')).toEqual({ mountPoint: '/', fsType: 'ext4', device: '/dev/mapper/ubuntu--vg-ubuntu--lv' });
  });
  it('reads fstab with UUIDs and escaped spaces', () => {
    expect(parseFstab('# comment\nUUID=ab12 / xfs defaults 0 0\n/dev/sdc1 /data\\040files ext4 defaults 0 2\n')).toEqual([
      { device: 'UUID=ab12', mountPoint: '/', fsType: 'xfs' },
      { device: '/dev/sdc1', mountPoint: '/data files', fsType: 'ext4' },
    ]);
  });
});

describe('storage.filesystems', () => {
  it('passes ext4 on LVM from the recorded mountinfo', async () => {
    const outcome = await withGuest((g) => g.write('/proc/self/mountinfo', readFileSync(fixture('linux', 'proc', 'mountinfo-ubuntu.jc.txt'))), async (g) => evaluateFilesystems(await guestFacts(g), SUPPORT_MATRIX));
    expect(outcome).toMatchObject({ status: 'pass', summary: 'All 2 file system(s) on replicated disks are supported: / (ext4), /boot (ext4) (from /proc/self/mountinfo).' });
  });

  it('passes an XFS data disk, ignores the EFI partition and the temporary disk, and notes NFS', async () => {
    const fstab = 'UUID=1 / ext4 defaults 0 1\nUUID=2 /boot/efi vfat umask=0077 0 1\n/dev/sdc1 /data xfs defaults 0 2\n/dev/sdb1 /mnt/resource ntfs defaults 0 2\nfiler:/export /shared nfs4 defaults 0 0\n';
    const outcome = await withGuest((g) => g.write('/etc/fstab', fstab), async (g) => evaluateFilesystems(await guestFacts(g), SUPPORT_MATRIX));
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('All 2 file system(s) on replicated disks are supported: / (ext4), /data (xfs) (from /etc/fstab).');
    expect(outcome.evidence!.notes).toEqual(['Network file systems are not replicated: /shared (nfs4).']);
  });

  it('warns for a file system outside the matrix', async () => {
    const outcome = await withGuest((g) => g.write('/etc/fstab', 'UUID=1 / ext4 defaults 0 1\n/dev/sdc1 /archive reiserfs defaults 0 2\n'), async (g) => evaluateFilesystems(await guestFacts(g), SUPPORT_MATRIX));
    expect(outcome).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^\/archive is reiserfs: the matrix lists ext3, ext4, xfs, btrfs only/) });
  });

  it('fails multipath and DRBD', async () => {
    const outcome = await withGuest(
      (g) => g.write('/etc/fstab', 'UUID=1 / ext4 defaults 0 1\n').write('/etc/multipath.conf', 'defaults {}\n').write('/dev/mapper/mpatha', '').write('/proc/drbd', 'version: 8.4\n'),
      async (g) => evaluateFilesystems(await guestFacts(g), SUPPORT_MATRIX),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('Unsupported storage software: multipath (/etc/multipath.conf exists); multipath (multipath devices: /dev/mapper/mpatha); DRBD (/proc/drbd exists (the DRBD module is loaded)). Site Recovery does not support multipath software or DRBD.');
  });
});

describe('storage.disks', () => {
  const compute = (extra: Partial<AzureCompute> = {}): AzureCompute => ({
    azEnvironment: 'AzurePublicCloud', location: 'westeurope', vmId: 'v', vmSize: 'Standard_D4s_v5', osType: 'Linux', resourceId: '', zone: '', securityType: '', encryptionAtHost: 'false',
    osDisk: { name: 'os', diskSizeGB: '30', ephemeral: false, unmanaged: false, writeAcceleratorEnabled: 'false' }, dataDisks: [], ...extra,
  });

  it('passes an OS disk with partitions, a used data disk, and ignores the temporary disk, using /dev/disk/azure roles', async () => {
    const outcome = await withGuest(
      (g) => {
        disk(g, 'sda', 30 * GiB, { partitions: ['sda1', 'sda2'] });
        disk(g, 'sdb', 16 * GiB, { partitions: ['sdb1'] });
        disk(g, 'sdc', 128 * GiB, { holders: ['dm-0'] });
        disk(g, 'loop0', 100 * 1024 ** 2);
        g.symlink('/dev/disk/azure/root', '../../sda').symlink('/dev/disk/azure/resource', '../../sdb').symlink('/dev/disk/azure/scsi1/lun0', '../../../sdc');
      },
      async (g) => {
        const facts = await guestFacts(g);
        expect(facts.disks.map((d) => [d.name, d.role, d.lun])).toEqual([['sda', 'os', null], ['sdb', 'resource', null], ['sdc', 'data', '0']]);
        return evaluateDisks(facts.disks, facts.mounts, null, SUPPORT_MATRIX);
      },
    );
    expect(outcome).toMatchObject({ status: 'pass', summary: 'Disks within the limits: /dev/sda os 30 GiB, /dev/sdc data 128 GiB.' });
  });

  it('flags an uninitialised data disk (150039), a disk under 1 GiB (150172) and an NVMe interface', async () => {
    const outcome = await withGuest(
      (g) => {
        disk(g, 'sda', 30 * GiB, { partitions: ['sda1'] });
        disk(g, 'sdc', 64 * GiB);
        disk(g, 'sdd', 512 * 1024 ** 2, { partitions: ['sdd1'] });
        disk(g, 'nvme0n1', 64 * GiB, { partitions: ['nvme0n1p1'], model: 'MSFT NVMe Accelerator v1.0' });
        g.write('/etc/fstab', '/dev/sda1 / ext4 defaults 0 1\n');
      },
      async (g) => {
        const facts = await guestFacts(g);
        return evaluateDisks(facts.disks, facts.mounts, null, SUPPORT_MATRIX);
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.asrErrorCodes).toEqual([150039, 150172]);
    expect(outcome.summary).toBe('/dev/nvme0n1 is attached over NVMe; data disk /dev/sdc has no partition, file system or volume on it; /dev/sdd is 0.5 GiB, under the 1 GiB minimum.');
  });

  it('ignores local NVMe temporary disks (Microsoft NVMe Direct Disk)', async () => {
    const outcome = await withGuest(
      (g) => {
        disk(g, 'sda', 30 * GiB, { partitions: ['sda1'] });
        disk(g, 'nvme0n1', 440 * GiB, { model: 'Microsoft NVMe Direct Disk' });
        g.write('/etc/fstab', '/dev/sda1 / ext4 defaults 0 1\n');
      },
      async (g) => {
        const facts = await guestFacts(g);
        return evaluateDisks(facts.disks, facts.mounts, null, SUPPORT_MATRIX);
      },
    );
    expect(outcome.status).toBe('pass');
  });

  it('fails Write Accelerator and encryption at host from IMDS, and warns for unmanaged disks', () => {
    const outcome = evaluateDisks([], null, compute({
      encryptionAtHost: 'true',
      osDisk: { name: 'os', diskSizeGB: '30', ephemeral: false, unmanaged: true, writeAcceleratorEnabled: 'false' },
      dataDisks: [{ lun: '0', name: 'd0', diskSizeGB: '1024', isUltraDisk: 'false', isSharedDisk: 'false', writeAcceleratorEnabled: 'true', storageAccountType: 'Premium_LRS' }],
    }), SUPPORT_MATRIX);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('encryption at host is enabled; Write Accelerator is enabled on data disk LUN 0; the VM uses unmanaged (VHD) disks, which Azure retired on 2026-03-31.');
  });
});

describe('storage.churn', () => {
  it('reads whole disks from the recorded /proc/diskstats (no partitions, loops or device-mapper)', () => {
    expect([...parseDiskstats(readFileSync(fixture('linux', 'proc', 'diskstats-ubuntu-lvm.jc.txt'), 'utf8'))]).toEqual([['sda', 715384]]);
  });

  it('reads typeperf CSV (recorded, CRLF)', () => {
    expect(parseTypeperfCsv(readFileSync(fixture('windows', 'typeperf.paging-file-commit-limit.github-windows-runner.crlf.txt'), 'utf8'))).toEqual([
      { counter: '\\\\runnervmvmocb\\Paging File(_Total)\\% Usage', values: [0] },
      { counter: '\\\\runnervmvmocb\\Memory\\Commit Limit', values: [20261367808] },
    ]);
  });

  it('measures churn from /proc/diskstats samples a second apart', async () => {
    const churn = await withGuest(
      (g) => g.write('/proc/diskstats', '   8       0 sda 1 0 0 0 10 0 1000 0 0 0 0\n   8      16 sdb 1 0 0 0 10 0 0 0 0 0 0\n'),
      async (g) => {
        // sda writes 20,000,000 bytes (39,062.5 sectors → 39,063) during the second second
        const writer = setTimeout(() => writeFileSync(g.path('/proc/diskstats'), '   8       0 sda 1 0 0 0 10 0 40063 0 0 0 0\n   8      16 sdb 1 0 0 0 10 0 0 0 0 0 0\n'), 1400);
        try {
          return await sampleChurn(g.root, 'linux', 2, ['sdb']);
        } finally {
          clearTimeout(writer);
        }
      },
    );
    expect(churn.samples).toBe(2);
    expect(churn.disks.map((d) => d.disk)).toEqual(['sda']);
    expect(churn.disks[0]!.bytesWritten).toBe(39063 * 512);
    expect(churn.disks[0]!.peakMBps).toBeGreaterThan(15);
    expect(churn.vmAverageMBps).toBeCloseTo(10, 0);
  });

  const churn = (avg: number[], peak = 0): ChurnFacts => ({
    seconds: 60, samples: 60, source: 'test', disks: avg.map((a, i) => ({ disk: `sd${'abc'[i]}`, averageMBps: a, peakMBps: Math.max(a, peak), bytesWritten: a * 60e6 })),
    vmAverageMBps: avg.reduce((s, a) => s + a, 0), vmPeakMBps: peak,
  });

  it.each([
    [[1, 1], 'pass'],
    [[25, 5], 'warn'],
    [[30, 30], 'fail'],
  ])('judges per-disk averages %j as %s (Premium)', (avg, status) => {
    expect(evaluateChurn(churn(avg), null, SUPPORT_MATRIX).status).toBe(status);
  });

  it('uses the 2 MB/s Standard limit when IMDS says the disks are Standard, and names 153007', () => {
    const compute = { dataDisks: [{ storageAccountType: 'Standard_LRS' }] } as unknown as AzureCompute;
    const outcome = evaluateChurn(churn([3, 1]), compute, SUPPORT_MATRIX);
    expect(outcome).toMatchObject({ status: 'warn', asrErrorCodes: [153007] });
    expect(outcome.summary).toContain('over 2 MB/s per disk for Standard replica disks (from IMDS)');
    expect(evaluateChurn(null, null, SUPPORT_MATRIX).status).toBe('skip');
  });
});
