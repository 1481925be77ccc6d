// Check storage.filesystems. Windows: src/checks/helpers/windows-storage.ts. Linux: ext3, ext4, XFS and BTRFS (with LVM2) are supported; other file
// systems on replicated disks are a warning; multipath software and DRBD are not supported.
import type { CheckOutcome } from '../core/finding';
import type { SupportMatrix } from '../catalog/support-matrix';
import type { LinuxGuestFacts } from '../facts/facts';
import type { MountEntry } from '../facts/linux/mounts';
import { defineCheck } from './helpers/check-context';
import { evaluateWindowsFilesystems } from './helpers/windows-storage';

export const storageFilesystems = defineCheck({
  id: 'storage.filesystems',
  title: 'Supported file systems and storage stack',
  description:
    'Site Recovery replicates ext3, ext4, XFS and BTRFS (on partitions or LVM2); multipath software and DRBD are not supported. Windows: NTFS and ReFS; S2D/SOFS (CSVFS) crash-consistent only.',
  platforms: ['linux', 'windows'],
  // Windows: the guest facts (which include the volumes) may take up to 60 s.
  timeoutMs: 70_000,
  needs: ['host', 'windowsGuest', 'linuxGuest'],
  explain: {
    judges:
      'Every mount is classed (virtual, network, fuse, loop, disk); disk file systems outside the matrix warn, multipath and DRBD fail, and a root file system not on a disk of the VM warns.',
    sources: ['azure-requirements.md §5.3, row "Linux: ext3, ext4, XFS, BTRFS; LVM2"'],
    catalogs: ['supportMatrix'],
    remediation: 'Keep replicated data on ext3, ext4, XFS or BTRFS (Windows: NTFS or ReFS), and remove multipath and DRBD.',
  },
  async run(ctx) {
    if ((await ctx.facts.host()).os === 'windows') return [evaluateWindowsFilesystems((await ctx.facts.windowsGuest()).storage)];
    return [evaluateFilesystems(await ctx.facts.linuxGuest(), ctx.catalog.supportMatrix)];
  },
});

// Every mount is put in one class, whatever its source form (/dev/sda1, /dev/mapper/…, UUID=,
// LABEL=, PARTUUID=, a ZFS dataset such as rpool/ROOT/ubuntu, a btrfs subvolume, server:/export):
// - virtual: kernel and memory file systems, swap, CD/DVD, stacked views (overlay) — no disk of their own;
// - network / fuse: served from elsewhere or by a program — not on the VM's disks, not replicated (noted);
// - loop: a file-backed image, whose backing file is judged where it lives;
// - disk: everything else, judged against the matrix (reference azure-requirements.md §5.3, row
//   "Linux: ext3, ext4, XFS, BTRFS; LVM2"): supported, the EFI partition (vfat under /boot), the
//   temporary disk, or outside the matrix (warn).
// The root file system is always judged: / not on a disk of the VM (NFS, FUSE, overlay) warns, and a
// result built on no disk file system, or with no / found, is never a pass.
const VIRTUAL = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'tmpfs',
  'securityfs',
  'cgroup',
  'cgroup2',
  'pstore',
  'bpf',
  'debugfs',
  'tracefs',
  'mqueue',
  'hugetlbfs',
  'configfs',
  'fusectl',
  'autofs',
  'binfmt_misc',
  'efivarfs',
  'rpc_pipefs',
  'nsfs',
  'overlay',
  'squashfs',
  'ramfs',
  'selinuxfs',
  'none',
  'swap',
  'iso9660',
  'udf',
  'rootfs',
  'nfsd',
  'devfs',
  'usbfs',
  'xenfs',
  'aufs',
  'shiftfs',
  'ecryptfs',
]);
const NETWORK = /^(nfs4?|cifs|smb3|smbfs|ncpfs|glusterfs|ceph|cephfs|9p|davfs|afs|lustre|beegfs|virtiofs|vboxsf|vmhgfs)$/;
/** FUSE file systems served by a program (sshfs, blobfuse, lxcfs); fuseblk is a disk (ntfs-3g on /dev/sdc1). */
const FUSE = /^fuse(\..*)?$/;
const RESOURCE_MOUNTS = ['/mnt', '/mnt/resource'];
/** cloud-init's and Azure's udev names for the temporary disk, as fstab writes them. */
const RESOURCE_SOURCE = /^\/dev\/disk\/(cloud\/azure_resource|azure\/resource)(-part\d+)?$/;
/** A mount from a multipath map, by the names multipath gives it. */
const MULTIPATH_SOURCE = /^\/dev\/(mapper\/mpath[a-z0-9]+(-part\d+|p?\d+)?|disk\/by-id\/dm-(uuid-(part\d+-)?mpath-|name-mpath)\S*)$/;

type MountKind = 'virtual' | 'network' | 'fuse' | 'loop' | 'disk';
type DiskVerdict = 'supported' | 'ignored' | 'temporary-disk' | 'unsupported';

export function mountKind(m: MountEntry): MountKind {
  if (VIRTUAL.has(m.fsType)) return 'virtual';
  if (NETWORK.test(m.fsType)) return 'network';
  if (FUSE.test(m.fsType)) return 'fuse';
  if (/^\/dev\/loop\d+$/.test(m.device)) return 'loop';
  return 'disk';
}

export function evaluateFilesystems(guest: LinuxGuestFacts, matrix: SupportMatrix): CheckOutcome {
  const source = guest.mounts.source;
  const resourceDisks = guest.disks.filter((d) => d.role === 'resource').map((d) => d.name);
  const onResourceDisk = (m: MountEntry) =>
    RESOURCE_MOUNTS.includes(m.mountPoint) ||
    RESOURCE_SOURCE.test(m.device) ||
    resourceDisks.some((d) => new RegExp(`^/dev/${d.replace(/[^a-z0-9]/gi, '')}(p?\\d+)?$`).test(m.device));
  const entries = guest.mounts.entries.map((m) => ({ ...m, kind: mountKind(m) }));
  const classified = entries
    .filter((m) => m.kind === 'disk')
    .map((m) => {
      let verdict: DiskVerdict;
      if (onResourceDisk(m)) verdict = 'temporary-disk';
      else if (matrix.filesystems.supported.includes(m.fsType)) verdict = 'supported';
      else if (matrix.filesystems.ignored.includes(m.fsType) && m.mountPoint.startsWith('/boot')) verdict = 'ignored';
      else verdict = 'unsupported';
      return { device: m.device, mountPoint: m.mountPoint, fsType: m.fsType, verdict };
    });
  const network = entries.filter((m) => m.kind === 'network').map((m) => `${m.mountPoint} (${m.fsType})`);
  const fuse = entries.filter((m) => m.kind === 'fuse').map((m) => `${m.mountPoint} (${m.fsType})`);
  const loops = entries.filter((m) => m.kind === 'loop').map((m) => `${m.mountPoint} (${m.fsType} on ${m.device})`);
  // Mounts stack: the last one on / is what the system sees (rootfs first, the real root after it).
  const rootEntry = entries.filter((m) => m.mountPoint === '/').pop() ?? null;
  const mp = guest.storage.multipath;
  const multipathMounts = guest.mounts.entries.filter((m) => MULTIPATH_SOURCE.test(m.device)).map((m) => `${m.mountPoint} from ${m.device}`);
  const evidence = {
    source,
    root: rootEntry ? { device: rootEntry.device, fsType: rootEntry.fsType, kind: rootEntry.kind } : null,
    filesystems: classified,
    networkMounts: network,
    ...(fuse.length ? { fuseMounts: fuse } : {}),
    ...(loops.length ? { loopMounts: loops } : {}),
    multipath: { ...mp, ...(multipathMounts.length ? { mounts: multipathMounts } : {}) },
    drbd: guest.storage.drbd,
    reference: 'azure-requirements.md §5.3 "File systems, volumes, boot": Linux ext3, ext4, XFS, BTRFS; LVM2. Not supported: multipath software, DRBD.',
    ...(guest.mounts.notes || mp.notes ? { notJudged: [...(guest.mounts.notes ?? []), ...(mp.notes ?? [])] } : {}),
  };
  const notes: string[] = [];
  if (network.length) notes.push(`Network file systems are not replicated: ${network.join(', ')}.`);
  if (fuse.length) notes.push(`FUSE file systems are served by a program, not from the VM's disks, and are not replicated: ${fuse.join(', ')}.`);
  if (loops.length) notes.push(`Loop-mounted images are judged by the file system that holds their file: ${loops.join(', ')}.`);

  // Multipath: active maps (or mounts from a multipath map) fail; claimed disks seen only in an image's configuration warn.
  const blockers = [
    ...mp.activeMaps.map((e) => `multipath map ${e}`),
    ...multipathMounts.filter(() => mp.activeMaps.length === 0).map((e) => `multipath: ${e}`),
    ...guest.storage.drbd.map((e) => `DRBD (${e})`),
  ];
  if (blockers.length > 0) {
    const from =
      mp.activeMaps.length && mp.judgedFrom === 'device-mapper' ? ' (active maps from the device-mapper tables, /sys/block/dm-*/dm/uuid "mpath-…")' : '';
    return {
      status: 'fail',
      summary: `Unsupported storage software: ${blockers.join('; ')}${from}. Site Recovery does not support multipath software or DRBD.`,
      remediation:
        'Remove multipath (multipathd, /etc/multipath.conf; check with: sudo multipath -ll) and DRBD from the VM, or protect it another way; Azure managed disks need neither.',
      evidence: { ...evidence, notes },
    };
  }
  const warnings: string[] = [];
  if (mp.configured.length) {
    if (mp.judgedFrom === 'configuration' && mp.claimed > 0) {
      warnings.push(
        `multipath has claimed disks on this guest (${mp.configured.join('; ')}); a disk image has no device-mapper tables, so whether multipath maps are active cannot be seen here — an active map is not supported`,
      );
    } else {
      const why =
        mp.judgedFrom === 'device-mapper'
          ? 'the device-mapper tables (/sys/block/dm-*) hold no multipath map'
          : 'it has claimed no disk (/etc/multipath/wwids and bindings list none), and a disk image has no device-mapper tables to show maps';
      notes.push(
        `Multipath software is set up (${mp.configured.join('; ')}) but ${why}, so no disk is under multipath. If it is not needed, remove it (device-mapper-multipath / multipath-tools), so that no map appears at a later boot.`,
      );
    }
  }

  if (source === 'none')
    return {
      status: 'skip',
      summary: 'No mount table found (/proc/self/mountinfo or /etc/fstab), so no file system was judged.',
      evidence: { ...evidence, notes },
    };
  const unsupported = classified.filter((c) => c.verdict === 'unsupported');
  if (unsupported.length > 0)
    warnings.unshift(
      `${unsupported.map((u) => `${u.mountPoint} is ${u.fsType}${/^(\/|UUID=|LABEL=|PARTUUID=|PARTLABEL=)/.test(u.device) ? '' : ` (${u.device})`}`).join(', ')}: the matrix lists ${matrix.filesystems.supported.join(', ')} only, so these may not replicate consistently`,
    );
  if (rootEntry === null) {
    warnings.push(
      `${source} has no entry for /, so the root file system was not judged (systemd may mount it from root= on the kernel command line; ZFS mounts its datasets itself)`,
    );
  } else if (rootEntry.kind === 'network' || rootEntry.kind === 'fuse') {
    warnings.push(
      `/ is ${rootEntry.fsType} from ${rootEntry.device}: the root file system is not on a disk of this VM, and Site Recovery replicates only the VM's disks, so what / holds is not replicated`,
    );
  } else if (rootEntry.kind === 'virtual' || rootEntry.kind === 'loop') {
    warnings.push(
      `/ is ${rootEntry.fsType} (${rootEntry.device}), not a file system on a disk: this looks like a container or a live image, so the VM's disks were not seen — run asr-ready on the VM itself or with --root on its OS disk`,
    );
  }
  const judged = classified.filter((c) => c.verdict === 'supported' || c.verdict === 'unsupported');
  if (judged.length === 0)
    warnings.push(`no file system on the VM's disks was found in ${source} (${guest.mounts.entries.length} mount(s) listed), so none was judged`);
  if (guest.mounts.notes?.length) warnings.push(`part of the mount table was not judged: ${guest.mounts.notes.join('; ')}`);
  if (mp.notes?.length) warnings.push(`multipath files could not be read, so they were not judged: ${mp.notes.join('; ')}`);
  if (warnings.length > 0) {
    const first = warnings[0]!;
    return {
      status: 'warn',
      summary: `${first.charAt(0).toUpperCase()}${first.slice(1)}${warnings.length > 1 ? `; ${warnings.slice(1).join('; ')}` : ''}.`,
      remediation:
        [
          ...(unsupported.length
            ? [`Move the data to ${matrix.filesystems.supported.join(', ')} (on a partition or LVM2), or exclude the disk from replication.`]
            : []),
          ...(mp.judgedFrom === 'configuration' && mp.claimed > 0
            ? [
                'On the running VM, list the maps with: sudo multipath -ll (or dmsetup ls --target multipath). If any is listed, remove multipath before enabling replication; if none, remove device-mapper-multipath / multipath-tools or its /etc/multipath/wwids entries.',
              ]
            : []),
          ...(rootEntry === null || judged.length === 0 || rootEntry.kind !== 'disk'
            ? ['Check what / and the other file systems are with: findmnt --real (on the running VM).']
            : []),
        ].join('\n') || 'Check the mount table with: findmnt --real',
      evidence: { ...evidence, notes },
    };
  }
  const supported = classified.filter((c) => c.verdict === 'supported');
  return {
    status: 'pass',
    summary: `All ${supported.length} file system(s) on replicated disks are supported: ${supported.map((s) => `${s.mountPoint} (${s.fsType})`).join(', ')} (from ${source}).`,
    evidence: { ...evidence, notes },
  };
}
