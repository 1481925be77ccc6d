// Check storage.filesystems. Windows: src/checks/windows-storage.ts. Linux: ext3, ext4, XFS and BTRFS (with LVM2) are supported; other file
// systems on replicated disks are a warning; multipath software and DRBD are not supported.
import type { Check } from '../core/check';
import type { CheckOutcome } from '../core/finding';
import { SUPPORT_MATRIX, type SupportMatrix } from '../catalog/support-matrix';
import type { LinuxGuestFacts } from '../facts/facts';
import { evaluateWindowsFilesystems } from './windows-storage';

export const storageFilesystems: Check = {
  id: 'storage.filesystems',
  title: 'Supported file systems and storage stack',
  description: 'Site Recovery replicates ext3, ext4, XFS and BTRFS (on partitions or LVM2); multipath software and DRBD are not supported. Windows: NTFS and ReFS; S2D/SOFS (CSVFS) crash-consistent only.',
  platforms: ['linux', 'windows'],
  // Windows: the guest facts (which include the volumes) may take up to 60 s.
  timeoutMs: 70_000,
  async run(ctx) {
    if ((await ctx.facts.host()).os === 'windows') return [evaluateWindowsFilesystems((await ctx.facts.windowsGuest()).storage)];
    return [evaluateFilesystems(await ctx.facts.linuxGuest(), SUPPORT_MATRIX)];
  },
};

const VIRTUAL = new Set(['proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'securityfs', 'cgroup', 'cgroup2', 'pstore', 'bpf', 'debugfs', 'tracefs', 'mqueue', 'hugetlbfs', 'configfs', 'fusectl', 'autofs', 'binfmt_misc', 'efivarfs', 'rpc_pipefs', 'nsfs', 'overlay', 'squashfs', 'ramfs', 'selinuxfs', 'none', 'swap', 'iso9660', 'udf']);
const NETWORK = /^(nfs4?|cifs|smb3|glusterfs|ceph|9p|fuse\..*|davfs)$/;
const RESOURCE_MOUNTS = ['/mnt', '/mnt/resource'];

export function evaluateFilesystems(guest: LinuxGuestFacts, matrix: SupportMatrix): CheckOutcome {
  const resourceDisks = guest.disks.filter((d) => d.role === 'resource').map((d) => d.name);
  const local = guest.mounts.entries.filter((m) => !VIRTUAL.has(m.fsType) && !m.device.startsWith('/dev/loop') && (m.device.startsWith('/dev/') || /^(UUID|LABEL|PARTUUID)=/.test(m.device)));
  const classified = local.map((m) => {
    const onResource = RESOURCE_MOUNTS.includes(m.mountPoint) || resourceDisks.some((d) => m.device.startsWith(`/dev/${d}`));
    let verdict: 'supported' | 'ignored' | 'temporary-disk' | 'unsupported';
    if (onResource) verdict = 'temporary-disk';
    else if (matrix.filesystems.supported.includes(m.fsType)) verdict = 'supported';
    else if (matrix.filesystems.ignored.includes(m.fsType) && m.mountPoint.startsWith('/boot')) verdict = 'ignored';
    else verdict = 'unsupported';
    return { ...m, verdict };
  });
  const network = guest.mounts.entries.filter((m) => NETWORK.test(m.fsType)).map((m) => `${m.mountPoint} (${m.fsType})`);
  const evidence = { source: guest.mounts.source, filesystems: classified, networkMounts: network, multipath: guest.storage.multipath, drbd: guest.storage.drbd, ...(guest.mounts.notes ? { notJudged: guest.mounts.notes } : {}) };
  const notes = network.length ? [`Network file systems are not replicated: ${network.join(', ')}.`] : [];

  const blockers = [...guest.storage.multipath.map((e) => `multipath (${e})`), ...guest.storage.drbd.map((e) => `DRBD (${e})`)];
  if (blockers.length > 0) {
    return {
      status: 'fail',
      summary: `Unsupported storage software: ${blockers.join('; ')}. Site Recovery does not support multipath software or DRBD.`,
      remediation: 'Remove multipath (multipathd, /etc/multipath.conf) and DRBD from the VM, or protect it another way; Azure managed disks need neither.',
      evidence: { ...evidence, notes },
    };
  }
  if (guest.mounts.source === 'none') return { status: 'skip', summary: 'No mount table found (/proc/self/mountinfo or /etc/fstab).', evidence };
  const unsupported = classified.filter((c) => c.verdict === 'unsupported');
  if (unsupported.length > 0) {
    return {
      status: 'warn',
      summary: `${unsupported.map((u) => `${u.mountPoint} is ${u.fsType}`).join(', ')}: the matrix lists ${matrix.filesystems.supported.join(', ')} only, so these may not replicate consistently.`,
      remediation: `Move the data to ${matrix.filesystems.supported.join(', ')} (on a partition or LVM2), or exclude the disk from replication.`,
      evidence: { ...evidence, notes },
    };
  }
  const supported = classified.filter((c) => c.verdict === 'supported');
  return {
    status: 'pass',
    summary: `All ${supported.length} file system(s) on replicated disks are supported: ${supported.map((s) => `${s.mountPoint} (${s.fsType})`).join(', ')} (from ${guest.mounts.source}).`,
    evidence: { ...evidence, notes },
  };
}
