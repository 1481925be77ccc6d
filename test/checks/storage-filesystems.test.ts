import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateFilesystems } from '../../src/checks/storage-filesystems';
import { evaluateWindowsFilesystems } from '../../src/checks/helpers/windows-storage';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import { readStorageStack } from '../../src/facts/linux/storage-stack';
import { storageFromOutput } from '../../src/facts/windows/windows-storage';
import { withGuest, type FakeGuest } from '../helpers/fake-guest';
import { fixture } from '../helpers/paths';
import { formatTableObjects } from '../helpers/windows-text';
import { disk, guestFacts } from './helpers/linux-storage';
import { azureVm, facts, windowsFixture } from './helpers/windows-storage-layout';

const GiB = 1024 ** 3;

describe('storage.filesystems', () => {
  it('passes ext4 on LVM from the recorded mountinfo', async () => {
    const outcome = await withGuest(
      (g) => g.write('/proc/self/mountinfo', readFileSync(fixture('linux', 'proc', 'mountinfo-ubuntu.jc.txt'))),
      async (g) => evaluateFilesystems(await guestFacts(g), SUPPORT_MATRIX),
    );
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: 'All 2 file system(s) on replicated disks are supported: / (ext4), /boot (ext4) (from /proc/self/mountinfo).',
    });
  });

  it('passes an XFS data disk, ignores the EFI partition and the temporary disk, and notes NFS', async () => {
    const fstab =
      'UUID=1 / ext4 defaults 0 1\nUUID=2 /boot/efi vfat umask=0077 0 1\n/dev/sdc1 /data xfs defaults 0 2\n/dev/sdb1 /mnt/resource ntfs defaults 0 2\nfiler:/export /shared nfs4 defaults 0 0\n';
    const outcome = await withGuest(
      (g) => g.write('/etc/fstab', fstab),
      async (g) => evaluateFilesystems(await guestFacts(g), SUPPORT_MATRIX),
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('All 2 file system(s) on replicated disks are supported: / (ext4), /data (xfs) (from /etc/fstab).');
    expect(outcome.evidence!.notes).toEqual(['Network file systems are not replicated: /shared (nfs4).']);
  });

  it('warns for a file system outside the matrix', async () => {
    const outcome = await withGuest(
      (g) => g.write('/etc/fstab', 'UUID=1 / ext4 defaults 0 1\n/dev/sdc1 /archive reiserfs defaults 0 2\n'),
      async (g) => evaluateFilesystems(await guestFacts(g), SUPPORT_MATRIX),
    );
    expect(outcome).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^\/archive is reiserfs: the matrix lists ext3, ext4, xfs, btrfs only/) });
  });

  it('fails multipath and DRBD', async () => {
    const outcome = await withGuest(
      (g) =>
        g
          .write('/etc/fstab', 'UUID=1 / ext4 defaults 0 1\n')
          .write('/etc/multipath.conf', 'defaults {}\n')
          .write('/dev/mapper/mpatha', '')
          .write('/proc/drbd', 'version: 8.4\n'),
      async (g) => evaluateFilesystems(await guestFacts(g), SUPPORT_MATRIX),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'Unsupported storage software: multipath map /dev/mapper/mpatha; DRBD (/proc/drbd exists (the DRBD module is loaded)). Site Recovery does not support multipath software or DRBD.',
    );
  });
});

// Mount tables below are hand-written in mountinfo(5) / fstab(5) format (see test/fixtures/SOURCES.md):
// no published capture of a ZFS, NFS or FUSE root was found.
const info = (...rows: Array<[string, string, string]>) =>
  rows.map(([mountPoint, fsType, source], i) => `${20 + i} 1 0:${30 + i} / ${mountPoint} rw,relatime shared:1 - ${fsType} ${source} rw\n`).join('');
const VIRTUAL_ROWS: Array<[string, string, string]> = [
  ['/proc', 'proc', 'proc'],
  ['/sys', 'sysfs', 'sysfs'],
  ['/run', 'tmpfs', 'tmpfs'],
  ['/dev', 'devtmpfs', 'udev'],
];
const judge = (build: (g: FakeGuest) => void) => withGuest(build, async (g) => evaluateFilesystems(await guestFacts(g), SUPPORT_MATRIX));

describe("storage.filesystems: every mount of the guest's disks is judged, whatever its source form", () => {
  it('passes the recorded btrfs root on subvolumes (/@ on /, /@home on /home)', async () => {
    const outcome = await judge((g) => g.write('/proc/self/mountinfo', readFileSync(fixture('linux', 'proc', 'mountinfo-ubuntu-raring-btrfs.txt'))));
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: 'All 2 file system(s) on replicated disks are supported: / (btrfs), /home (btrfs) (from /proc/self/mountinfo).',
    });
  });

  it.each([
    [
      'a ZFS dataset as /, beside an ext4 /boot',
      [
        ['/', 'zfs', 'rpool/ROOT/ubuntu'],
        ['/boot', 'ext4', '/dev/sda1'],
      ],
      '/ is zfs (rpool/ROOT/ubuntu): the matrix lists ext3, ext4, xfs, btrfs only',
    ],
    [
      'ZFS datasets only (/ and /home)',
      [
        ['/', 'zfs', 'rpool/ROOT/ubuntu_abc123'],
        ['/home', 'zfs', 'rpool/USERDATA/home_abc123'],
      ],
      '/ is zfs (rpool/ROOT/ubuntu_abc123), /home is zfs (rpool/USERDATA/home_abc123)',
    ],
    [
      'an NFS root',
      [
        ['/', 'nfs4', 'server:/export'],
        ['/boot', 'ext4', '/dev/sda1'],
      ],
      '/ is nfs4 from server:/export: the root file system is not on a disk of this VM',
    ],
    [
      'a FUSE root',
      [
        ['/', 'fuse.sshfs', 'admin@10.0.0.5:/'],
        ['/boot', 'ext4', '/dev/sda1'],
      ],
      '/ is fuse.sshfs from admin@10.0.0.5:/: the root file system is not on a disk of this VM',
    ],
    ['an overlay root and nothing on a disk (a container)', [['/', 'overlay', 'overlay']], '/ is overlay (overlay), not a file system on a disk'],
    ['only kernel file systems: zero file systems judged', [], "no file system on the VM's disks was found in /proc/self/mountinfo"],
  ] as Array<[string, Array<[string, string, string]>, string]>)('warns, never passes: %s', async (_name, rows, text) => {
    const outcome = await judge((g) => g.write('/proc/self/mountinfo', info(...VIRTUAL_ROWS, ...rows)));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(text);
  });

  it.each([
    ['ext4 on /dev/mapper (LVM)', [['/', 'ext4', '/dev/mapper/rootvg-rootlv']]],
    ['xfs on /dev/mapper (dm-crypt)', [['/', 'xfs', '/dev/mapper/luks-0a1b']]],
    [
      'NFS and FUSE beside an ext4 root (noted, not judged)',
      [
        ['/', 'ext4', '/dev/sda1'],
        ['/shared', 'nfs4', 'filer:/export'],
        ['/mnt/blob', 'fuse', 'blobfuse2'],
      ],
    ],
  ] as Array<[string, Array<[string, string, string]>]>)('passes: %s', async (_name, rows) => {
    const outcome = await judge((g) => g.write('/proc/self/mountinfo', info(...VIRTUAL_ROWS, ...rows)));
    expect(outcome.status).toBe('pass');
  });

  it('notes NFS and FUSE mounts apart: not replicated, and not judged', async () => {
    const outcome = await judge((g) =>
      g.write('/proc/self/mountinfo', info(['/', 'ext4', '/dev/sda1'], ['/shared', 'nfs4', 'filer:/export'], ['/mnt/blob', 'fuse', 'blobfuse2'])),
    );
    expect(outcome.evidence!.notes).toEqual([
      'Network file systems are not replicated: /shared (nfs4).',
      "FUSE file systems are served by a program, not from the VM's disks, and are not replicated: /mnt/blob (fuse).",
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
    expect(good).toMatchObject({
      status: 'pass',
      summary: 'All 2 file system(s) on replicated disks are supported: / (ext4), /archive (xfs) (from /etc/fstab).',
    });
  });

  it('an image whose fstab has no / (Ubuntu on ZFS: zfs-mount mounts the datasets) → warn, not judged; with / → pass', async () => {
    const zfsImage = await judge((g) =>
      g.write(
        '/etc/fstab',
        'UUID=A1B2-C3D4 /boot/efi vfat umask=0022,fmask=0022,dmask=0022 0 1\n/dev/disk/cloud/azure_resource-part1 /mnt auto defaults,nofail 0 2\n',
      ),
    );
    expect(zfsImage.status).toBe('warn');
    expect(zfsImage.summary).toContain('/etc/fstab has no entry for /, so the root file system was not judged');
    expect(zfsImage.summary).toContain("no file system on the VM's disks was found in /etc/fstab (2 mount(s) listed), so none was judged");
    const withRoot = await judge((g) =>
      g.write(
        '/etc/fstab',
        'UUID=1 / ext4 defaults 0 1\nUUID=A1B2-C3D4 /boot/efi vfat umask=0022 0 1\n/dev/disk/cloud/azure_resource-part1 /mnt auto defaults,nofail 0 2\n',
      ),
    );
    expect(withRoot).toMatchObject({ status: 'pass', summary: 'All 1 file system(s) on replicated disks are supported: / (ext4) (from /etc/fstab).' });
  });

  it('a mount table cut at the cap → warn naming the cut, never pass', async () => {
    const facts = await withGuest(
      (g) => g.write('/proc/self/mountinfo', info(['/', 'ext4', '/dev/sda1'])),
      (g) => guestFacts(g),
    );
    expect(evaluateFilesystems(facts, SUPPORT_MATRIX).status).toBe('pass');
    const cut = evaluateFilesystems({ ...facts, mounts: { ...facts.mounts, notes: ['/proc/self/mountinfo: cut at 4 MiB'] } }, SUPPORT_MATRIX);
    expect(cut).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('Part of the mount table was not judged: /proc/self/mountinfo: cut at 4 MiB'),
    });
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
    expect(outcome.summary).toBe(
      `Unsupported storage software: multipath map ${name} (dm-0, ${uuid}) (active maps from the device-mapper tables, /sys/block/dm-*/dm/uuid "mpath-…"). Site Recovery does not support multipath software or DRBD.`,
    );
  });

  it('multipath configured and multipathd enabled, but only LVM maps active → pass with a note (the tables are the evidence)', async () => {
    const outcome = await judge((g) => {
      liveRoot(g);
      dm(g, 0, 'rootvg-rootlv', 'LVM-abcdefABCDEF0123456789abcdefABCDEFghijklmnopqrstuvwxyz0123456789AB');
      g.write('/etc/multipath.conf', 'defaults {\n  user_friendly_names yes\n  find_multipaths yes\n}\n').symlink(
        '/etc/systemd/system/sysinit.target.wants/multipathd.service',
        '/usr/lib/systemd/system/multipathd.service',
      );
    });
    expect(outcome.status).toBe('pass');
    expect(outcome.evidence!.notes).toEqual([
      'Multipath software is set up (/etc/multipath.conf; /etc/systemd/system/sysinit.target.wants/multipathd.service (multipathd enabled at boot)) but the device-mapper tables (/sys/block/dm-*) hold no multipath map, so no disk is under multipath. If it is not needed, remove it (device-mapper-multipath / multipath-tools), so that no map appears at a later boot.',
    ]);
  });

  it('an image (no /sys) with /etc/multipath.conf only → pass with a note; nothing has claimed a disk', async () => {
    const outcome = await judge((g) =>
      g.write('/etc/fstab', 'UUID=1 / xfs defaults 0 0\n').write('/etc/multipath.conf', 'defaults {\n  user_friendly_names yes\n}\n'),
    );
    expect(outcome.status).toBe('pass');
    expect((outcome.evidence!.notes as string[])[0]).toContain('it has claimed no disk (/etc/multipath/wwids and bindings list none)');
    expect(outcome.evidence!.multipath).toMatchObject({ judgedFrom: 'configuration', activeMaps: [], claimed: 0 });
  });

  it('an image whose multipath has claimed a WWID and whose multipathd is enabled → warn (maps cannot be seen in an image)', async () => {
    const outcome = await judge((g) =>
      g
        .write('/etc/fstab', 'UUID=1 / xfs defaults 0 0\n')
        .write('/etc/multipath.conf', 'defaults {}\n')
        .write(
          '/etc/multipath/wwids',
          `# Multipath wwids, Version : 1.0\n# NOTE: This file is automatically maintained by multipath and multipathd.\n/${WWID}/\n`,
        )
        .symlink('/etc/systemd/system/sysinit.target.wants/multipathd.service', '/usr/lib/systemd/system/multipathd.service'),
    );
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe(
      'Multipath has claimed disks on this guest (/etc/multipath.conf; /etc/multipath/wwids lists 1 WWID(s); /etc/systemd/system/sysinit.target.wants/multipathd.service (multipathd enabled at boot)); a disk image has no device-mapper tables, so whether multipath maps are active cannot be seen here — an active map is not supported.',
    );
    expect(outcome.remediation).toContain('sudo multipath -ll');
  });

  it('a masked multipathd is not enabled', async () => {
    const stack = await withGuest(
      (g) =>
        g
          .symlink('/etc/systemd/system/sysinit.target.wants/multipathd.service', '/usr/lib/systemd/system/multipathd.service')
          .symlink('/etc/systemd/system/multipathd.service', '/dev/null'),
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

describe('storage.filesystems on Windows', () => {
  it('warns for the CSVFS volumes of the recorded cluster node (S2D/SOFS: crash-consistent only); its NTFS volumes are supported', () => {
    const volumes = formatTableObjects(windowsFixture('get-volume.cluster-node.csvfs-and-ntfs.txt'));
    const outcome = evaluateWindowsFilesystems(facts({ volumes }));
    expect(outcome).toMatchObject({
      status: 'warn',
      summary:
        'volume "CSV_SYS_011" (CSVFS), volume "CSV_DAT_106" (CSVFS): cluster shared volumes (Storage Spaces Direct / Scale-Out File Server) replicate crash-consistent only.',
    });
    expect((outcome.evidence!.volumes as Array<{ verdict: string }>).map((v) => v.verdict)).toEqual([
      'supported',
      'supported',
      'crash-consistent',
      'crash-consistent',
    ]);
  });

  it('passes NTFS and ReFS; ignores the EFI partition, the temporary disk and the DVD drive (hand-written layout)', () => {
    expect(evaluateWindowsFilesystems(facts(azureVm()))).toMatchObject({
      status: 'pass',
      summary: 'All 2 volume(s) on replicated disks are NTFS or ReFS: C: (NTFS), F: (ReFS).',
    });
  });

  it('warns for FAT32 and exFAT data volumes, saying the matrix does not state them, and for a RAW volume', () => {
    const outcome = evaluateWindowsFilesystems(
      facts(
        azureVm({
          volumes: [
            { DriveLetter: 'G', FileSystem: 'FAT32', DriveType: 3 },
            { DriveLetter: 'H', FileSystem: 'exFAT', DriveType: 3 },
            { DriveLetter: 'I', FileSystem: '', DriveType: 3 },
          ],
        }),
      ),
    );
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe(
      'G: (FAT32), H: (exFAT): the support matrix does not state whether FAT, FAT32 or exFAT volumes replicate (not stated); I: (no file system): no file system (RAW).',
    );
  });

  it('never passes on zero volumes: none listed, only the temporary disk, or the listing failed', () => {
    expect(evaluateWindowsFilesystems(facts({ volumes: [] }))).toMatchObject({
      status: 'warn',
      summary: 'No volume on a replicated disk was found (0 volume(s) listed), so no file system was judged.',
    });
    const onlyTemp = azureVm();
    onlyTemp.volumes = (onlyTemp.volumes as Array<{ DriveLetter: string | null }>).filter((v) => v.DriveLetter === 'D');
    expect(evaluateWindowsFilesystems(facts(onlyTemp)).status).toBe('warn');
    expect(evaluateWindowsFilesystems(facts({ volumesError: 'Access denied' })).summary).toBe(
      'No volume on a replicated disk was found (0 volume(s) listed; volumes: Access denied), so no file system was judged.',
    );
    expect(evaluateWindowsFilesystems(storageFromOutput('not json'))).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/^The volumes and disks could not be read/),
    });
    expect(evaluateWindowsFilesystems(storageFromOutput('ASR-READY-POWERSHELL-2'))).toMatchObject({ status: 'skip' });
    expect(evaluateWindowsFilesystems(undefined).status).toBe('skip');
  });
});
