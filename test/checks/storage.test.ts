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
    expect(outcome.summary).toBe('Unsupported storage software: multipath map /dev/mapper/mpatha; DRBD (/proc/drbd exists (the DRBD module is loaded)). Site Recovery does not support multipath software or DRBD.');
  });
});

// Mount tables below are hand-written in mountinfo(5) / fstab(5) format (see test/fixtures/SOURCES.md):
// no published capture of a ZFS, NFS or FUSE root was found.
const info = (...rows: Array<[string, string, string]>) => rows.map(([mountPoint, fsType, source], i) => `${20 + i} 1 0:${30 + i} / ${mountPoint} rw,relatime shared:1 - ${fsType} ${source} rw\n`).join('');
const VIRTUAL_ROWS: Array<[string, string, string]> = [['/proc', 'proc', 'proc'], ['/sys', 'sysfs', 'sysfs'], ['/run', 'tmpfs', 'tmpfs'], ['/dev', 'devtmpfs', 'udev']];
const judge = (build: (g: FakeGuest) => void) => withGuest(build, async (g) => evaluateFilesystems(await guestFacts(g), SUPPORT_MATRIX));

describe('storage.filesystems: every mount of the guest\'s disks is judged, whatever its source form', () => {
  it('passes the recorded btrfs root on subvolumes (/@ on /, /@home on /home)', async () => {
    const outcome = await judge((g) => g.write('/proc/self/mountinfo', readFileSync(fixture('linux', 'proc', 'mountinfo-ubuntu-raring-btrfs.txt'))));
    expect(outcome).toMatchObject({ status: 'pass', summary: 'All 2 file system(s) on replicated disks are supported: / (btrfs), /home (btrfs) (from /proc/self/mountinfo).' });
  });

  it.each([
    ['a ZFS dataset as /, beside an ext4 /boot', [['/', 'zfs', 'rpool/ROOT/ubuntu'], ['/boot', 'ext4', '/dev/sda1']], '/ is zfs (rpool/ROOT/ubuntu): the matrix lists ext3, ext4, xfs, btrfs only'],
    ['ZFS datasets only (/ and /home)', [['/', 'zfs', 'rpool/ROOT/ubuntu_abc123'], ['/home', 'zfs', 'rpool/USERDATA/home_abc123']], '/ is zfs (rpool/ROOT/ubuntu_abc123), /home is zfs (rpool/USERDATA/home_abc123)'],
    ['an NFS root', [['/', 'nfs4', 'server:/export'], ['/boot', 'ext4', '/dev/sda1']], '/ is nfs4 from server:/export: the root file system is not on a disk of this VM'],
    ['a FUSE root', [['/', 'fuse.sshfs', 'admin@10.0.0.5:/'], ['/boot', 'ext4', '/dev/sda1']], '/ is fuse.sshfs from admin@10.0.0.5:/: the root file system is not on a disk of this VM'],
    ['an overlay root and nothing on a disk (a container)', [['/', 'overlay', 'overlay']], '/ is overlay (overlay), not a file system on a disk'],
    ['only kernel file systems: zero file systems judged', [], 'no file system on the VM\'s disks was found in /proc/self/mountinfo'],
  ] as Array<[string, Array<[string, string, string]>, string]>)('warns, never passes: %s', async (_name, rows, text) => {
    const outcome = await judge((g) => g.write('/proc/self/mountinfo', info(...VIRTUAL_ROWS, ...rows)));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(text);
  });

  it.each([
    ['ext4 on /dev/mapper (LVM)', [['/', 'ext4', '/dev/mapper/rootvg-rootlv']]],
    ['xfs on /dev/mapper (dm-crypt)', [['/', 'xfs', '/dev/mapper/luks-0a1b']]],
    ['NFS and FUSE beside an ext4 root (noted, not judged)', [['/', 'ext4', '/dev/sda1'], ['/shared', 'nfs4', 'filer:/export'], ['/mnt/blob', 'fuse', 'blobfuse2']]],
  ] as Array<[string, Array<[string, string, string]>]>)('passes: %s', async (_name, rows) => {
    const outcome = await judge((g) => g.write('/proc/self/mountinfo', info(...VIRTUAL_ROWS, ...rows)));
    expect(outcome.status).toBe('pass');
  });

  it('notes NFS and FUSE mounts apart: not replicated, and not judged', async () => {
    const outcome = await judge((g) => g.write('/proc/self/mountinfo', info(['/', 'ext4', '/dev/sda1'], ['/shared', 'nfs4', 'filer:/export'], ['/mnt/blob', 'fuse', 'blobfuse2'])));
    expect(outcome.evidence!.notes).toEqual([
      'Network file systems are not replicated: /shared (nfs4).',
      'FUSE file systems are served by a program, not from the VM\'s disks, and are not replicated: /mnt/blob (fuse).',
    ]);
  });

  it.each([
    ['UUID=', 'UUID=0d9f'],
    ['LABEL=', 'LABEL=archive'],
    ['PARTUUID=', 'PARTUUID=5e3f-02'],
    ['PARTLABEL=', 'PARTLABEL=archive'],
    ['ID=', 'ID=scsi-3600224801'],
    ['/dev/disk/by-id/', '/dev/disk/by-id/scsi-3600224801-part1'],
    ['a btrfs-style subvolume path', '/dev/sdc1'],
  ])('judges an fstab source written as %s: reiserfs there warns, xfs passes', async (_form, source) => {
    const bad = await judge((g) => g.write('/etc/fstab', `UUID=1 / ext4 defaults 0 1\n${source} /archive reiserfs defaults 0 2\n`));
    expect(bad).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^\/archive is reiserfs/) });
    const good = await judge((g) => g.write('/etc/fstab', `UUID=1 / ext4 defaults 0 1\n${source} /archive xfs defaults 0 2\n`));
    expect(good).toMatchObject({ status: 'pass', summary: 'All 2 file system(s) on replicated disks are supported: / (ext4), /archive (xfs) (from /etc/fstab).' });
  });

  it('an image whose fstab has no / (Ubuntu on ZFS: zfs-mount mounts the datasets) → warn, not judged; with / → pass', async () => {
    const zfsImage = await judge((g) => g.write('/etc/fstab', 'UUID=A1B2-C3D4 /boot/efi vfat umask=0022,fmask=0022,dmask=0022 0 1\n/dev/disk/cloud/azure_resource-part1 /mnt auto defaults,nofail 0 2\n'));
    expect(zfsImage.status).toBe('warn');
    expect(zfsImage.summary).toContain('/etc/fstab has no entry for /, so the root file system was not judged');
    expect(zfsImage.summary).toContain('no file system on the VM\'s disks was found in /etc/fstab (2 mount(s) listed), so none was judged');
    const withRoot = await judge((g) => g.write('/etc/fstab', 'UUID=1 / ext4 defaults 0 1\nUUID=A1B2-C3D4 /boot/efi vfat umask=0022 0 1\n/dev/disk/cloud/azure_resource-part1 /mnt auto defaults,nofail 0 2\n'));
    expect(withRoot).toMatchObject({ status: 'pass', summary: 'All 1 file system(s) on replicated disks are supported: / (ext4) (from /etc/fstab).' });
  });

  it('a mount table cut at the cap → warn naming the cut, never pass', async () => {
    const facts = await withGuest((g) => g.write('/proc/self/mountinfo', info(['/', 'ext4', '/dev/sda1'])), (g) => guestFacts(g));
    expect(evaluateFilesystems(facts, SUPPORT_MATRIX).status).toBe('pass');
    const cut = evaluateFilesystems({ ...facts, mounts: { ...facts.mounts, notes: ['/proc/self/mountinfo: cut at 4 MiB'] } }, SUPPORT_MATRIX);
    expect(cut).toMatchObject({ status: 'warn', summary: expect.stringContaining('Part of the mount table was not judged: /proc/self/mountinfo: cut at 4 MiB') });
  });

  it('the last mount on / is the root (rootfs under the real root)', async () => {
    const outcome = await judge((g) => g.write('/proc/self/mountinfo', info(['/', 'rootfs', 'rootfs'], ['/', 'xfs', '/dev/sda2'])));
    expect(outcome.status).toBe('pass');
  });
});

/** A device-mapper device in /sys/block, as the kernel shows it. */
function dm(g: FakeGuest, n: number, name: string, uuid: string): void {
  g.write(`/sys/block/dm-${n}/dm/name`, `${name}\n`).write(`/sys/block/dm-${n}/dm/uuid`, `${uuid}\n`).write(`/sys/block/dm-${n}/size`, '2097152\n');
}
const WWID = '3600508b400105e210000900000490000';

describe('storage.filesystems: multipath is judged by active maps', () => {
  const liveRoot = (g: FakeGuest) => {
    g.write('/proc/self/mountinfo', info(['/', 'ext4', '/dev/sda1']));
    disk(g, 'sda', 30 * GiB, { partitions: ['sda1'] });
  };

  it.each([
    ['mpatha (user_friendly_names)', 'mpatha', `mpath-${WWID}`],
    ['a map named by its WWID', WWID, `mpath-${WWID}`],
    ['a partition on a map', 'mpatha1', `part1-mpath-${WWID}`],
  ])('an active map in the device-mapper tables fails: %s', async (_name, name, uuid) => {
    const outcome = await judge((g) => {
      liveRoot(g);
      dm(g, 0, name, uuid);
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(`Unsupported storage software: multipath map ${name} (dm-0, ${uuid}) (active maps from the device-mapper tables, /sys/block/dm-*/dm/uuid "mpath-…"). Site Recovery does not support multipath software or DRBD.`);
  });

  it('multipath configured and multipathd enabled, but only LVM maps active → pass with a note (the tables are the evidence)', async () => {
    const outcome = await judge((g) => {
      liveRoot(g);
      dm(g, 0, 'rootvg-rootlv', 'LVM-abcdefABCDEF0123456789abcdefABCDEFghijklmnopqrstuvwxyz0123456789AB');
      g.write('/etc/multipath.conf', 'defaults {\n  user_friendly_names yes\n  find_multipaths yes\n}\n').symlink('/etc/systemd/system/sysinit.target.wants/multipathd.service', '/usr/lib/systemd/system/multipathd.service');
    });
    expect(outcome.status).toBe('pass');
    expect(outcome.evidence!.notes).toEqual([
      'Multipath software is set up (/etc/multipath.conf; /etc/systemd/system/sysinit.target.wants/multipathd.service (multipathd enabled at boot)) but the device-mapper tables (/sys/block/dm-*) hold no multipath map, so no disk is under multipath. If it is not needed, remove it (device-mapper-multipath / multipath-tools), so that no map appears at a later boot.',
    ]);
  });

  it('an image (no /sys) with /etc/multipath.conf only → pass with a note; nothing has claimed a disk', async () => {
    const outcome = await judge((g) => g.write('/etc/fstab', 'UUID=1 / xfs defaults 0 0\n').write('/etc/multipath.conf', 'defaults {\n  user_friendly_names yes\n}\n'));
    expect(outcome.status).toBe('pass');
    expect((outcome.evidence!.notes as string[])[0]).toContain('it has claimed no disk (/etc/multipath/wwids and bindings list none)');
    expect(outcome.evidence!.multipath).toMatchObject({ judgedFrom: 'configuration', activeMaps: [], claimed: 0 });
  });

  it('an image whose multipath has claimed a WWID and whose multipathd is enabled → warn (maps cannot be seen in an image)', async () => {
    const outcome = await judge((g) =>
      g
        .write('/etc/fstab', 'UUID=1 / xfs defaults 0 0\n')
        .write('/etc/multipath.conf', 'defaults {}\n')
        .write('/etc/multipath/wwids', `# Multipath wwids, Version : 1.0\n# NOTE: This file is automatically maintained by multipath and multipathd.\n/${WWID}/\n`)
        .symlink('/etc/systemd/system/sysinit.target.wants/multipathd.service', '/usr/lib/systemd/system/multipathd.service'),
    );
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe('Multipath has claimed disks on this guest (/etc/multipath.conf; /etc/multipath/wwids lists 1 WWID(s); /etc/systemd/system/sysinit.target.wants/multipathd.service (multipathd enabled at boot)); a disk image has no device-mapper tables, so whether multipath maps are active cannot be seen here — an active map is not supported.');
    expect(outcome.remediation).toContain('sudo multipath -ll');
  });

  it('a masked multipathd is not enabled', async () => {
    const stack = await withGuest(
      (g) => g.symlink('/etc/systemd/system/sysinit.target.wants/multipathd.service', '/usr/lib/systemd/system/multipathd.service').symlink('/etc/systemd/system/multipathd.service', '/dev/null'),
      (g) => readStorageStack(g.root),
    );
    expect(stack.multipath.configured).toEqual([]);
  });

  it('an image that mounts a file system from a multipath map fails (the map must exist for it to boot)', async () => {
    const outcome = await judge((g) => g.write('/etc/fstab', 'UUID=1 / xfs defaults 0 0\n/dev/mapper/mpathb1 /data xfs defaults 0 0\n'));
    expect(outcome).toMatchObject({ status: 'fail', summary: expect.stringContaining('multipath: /data from /dev/mapper/mpathb1') });
    const plain = await judge((g) => g.write('/etc/fstab', 'UUID=1 / xfs defaults 0 0\n/dev/mapper/datavg-datalv /data xfs defaults 0 0\n'));
    expect(plain.status).toBe('pass');
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
