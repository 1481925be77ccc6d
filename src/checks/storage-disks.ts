// Check storage.disks: sizes and counts against the limits, NVMe interfaces, uninitialised data
// disks (150039), disks under 1 GiB (150172), and from IMDS the unsupported disk features
// (Write Accelerator, encryption at host) and unmanaged disks.
import type { CheckOutcome } from '../core/finding';
import type { SupportMatrix } from '../catalog/support-matrix';
import type { BlockDevice } from '../facts/linux/block-devices';
import type { MountFacts } from '../facts/linux/mounts';
import type { AzureCompute } from '../facts/azure-metadata';
import { defineCheck } from './helpers/check-context';
import { evaluateWindowsDisks } from './helpers/windows-storage';

export const storageDisks = defineCheck({
  id: 'storage.disks',
  title: 'Disks: sizes, count, interface and features',
  description:
    'OS disk up to 4,095 GiB, data disks 1 GiB to 32 TiB, at most 64; no NVMe interface, Write Accelerator or encryption at host; data disks initialised.',
  platforms: ['linux', 'windows'],
  // Windows: the guest facts (which include the disk layout) may take up to 60 s.
  timeoutMs: 70_000,
  needs: ['host', 'azureMetadata', 'windowsGuest', 'linuxGuest'],
  explain: {
    judges:
      'Fails disks outside the size and count limits, NVMe interfaces, Write Accelerator, encryption at host and unmanaged disks; warns on uninitialised data disks (150039) and disks under 1 GiB (150172).',
    sources: ['the Azure-to-Azure support matrix (src/catalog/support-matrix.json), "Replicated machines - storage"'],
    catalogs: ['supportMatrix'],
    asrErrorCodes: [150039, 150172],
    remediation: 'Resize, initialise or exclude the disks named, and turn off the unsupported disk features.',
  },
  async run(ctx) {
    const matrix = ctx.catalog.supportMatrix;
    const host = await ctx.facts.host();
    // Under --root, IMDS would describe the machine running asr-ready, not the image's VM: not asked.
    const compute = host.fromRoot ? null : (await ctx.facts.azureMetadata()).compute;
    if (host.os === 'windows')
      return [evaluateWindowsDisks((await ctx.facts.windowsGuest()).storage, compute, matrix, evaluateDisks([], null, compute, matrix))];
    const guest = host.os === 'linux' ? await ctx.facts.linuxGuest() : null;
    return [evaluateDisks(guest?.disks ?? [], guest?.mounts ?? null, compute, matrix)];
  },
});

const GiB = 1024 ** 3;

interface Problem {
  level: 'fail' | 'warn';
  text: string;
  code?: number;
  fix: string;
}

export function evaluateDisks(disks: BlockDevice[], mounts: MountFacts | null, compute: AzureCompute | null, matrix: SupportMatrix): CheckOutcome {
  const limits = matrix.disks;
  const problems: Problem[] = [];
  const rootDisk = diskOfMount(disks, mounts, '/');
  const roleOf = (d: BlockDevice): BlockDevice['role'] =>
    d.role !== 'unknown' ? d.role : d.name === rootDisk ? 'os' : isTemporaryMount(d, mounts) ? 'resource' : 'data';
  const local = disks.map((d) => ({ ...d, role: roleOf(d), sizeGiB: d.sizeBytes === null ? null : Math.round((d.sizeBytes / GiB) * 100) / 100 }));
  const replicated = local.filter((d) => d.role !== 'resource' && !(d.nvme && /Direct Disk/i.test(d.model ?? '')));

  for (const d of replicated) {
    if (d.sizeGiB !== null && d.sizeGiB < limits.minGiB)
      problems.push({
        level: 'fail',
        code: 150172,
        text: `/dev/${d.name} is ${d.sizeGiB} GiB, under the 1 GiB minimum`,
        fix: `Grow /dev/${d.name} to at least 1 GiB or exclude it from replication.`,
      });
    if (d.role === 'os' && d.sizeGiB !== null && d.sizeGiB > limits.osMaxGiB)
      problems.push({
        level: 'fail',
        text: `the OS disk /dev/${d.name} is ${d.sizeGiB} GiB, over ${limits.osMaxGiB} GiB`,
        fix: 'Shrink the OS disk below 4,095 GiB (move data to data disks).',
      });
    if (d.role === 'data' && d.sizeGiB !== null && d.sizeGiB > limits.dataMaxGiB)
      problems.push({
        level: 'fail',
        text: `/dev/${d.name} is ${d.sizeGiB} GiB, over ${limits.dataMaxGiB} GiB`,
        fix: 'Split the data over disks of at most 32 TiB.',
      });
    if (d.nvme)
      problems.push({
        level: 'fail',
        text: `/dev/${d.name} is attached over NVMe`,
        fix: 'Site Recovery does not support the NVMe disk interface: use a VM size with SCSI disks.',
      });
    if (d.role === 'data' && d.partitions.length === 0 && d.holders.length === 0 && !isMounted(d.name, mounts)) {
      problems.push({
        level: 'warn',
        code: 150039,
        text: `data disk /dev/${d.name}${d.lun !== null ? ` (LUN ${d.lun})` : ''} has no partition, file system or volume on it`,
        fix: `Initialise /dev/${d.name} (partition and format it, or add it to a volume group), or detach it; an uninitialised disk fails with 150039.`,
      });
    }
  }
  const dataCount = compute ? compute.dataDisks.length : replicated.filter((d) => d.role === 'data').length;
  if (dataCount > limits.maxDataDisks)
    problems.push({ level: 'fail', text: `${dataCount} data disks, over the ${limits.maxDataDisks} a replicated VM may have`, fix: 'Consolidate data disks.' });

  if (compute) {
    if (compute.encryptionAtHost.toLowerCase() === 'true')
      problems.push({
        level: 'fail',
        text: 'encryption at host is enabled',
        fix: 'Site Recovery does not support encryption at host; use server-side encryption (platform or customer-managed keys) instead.',
      });
    const accelerated = [
      compute.osDisk.writeAcceleratorEnabled === 'true' ? 'the OS disk' : null,
      ...compute.dataDisks.filter((d) => d.writeAcceleratorEnabled === 'true').map((d) => `data disk LUN ${d.lun}`),
    ].filter(Boolean);
    if (accelerated.length)
      problems.push({
        level: 'fail',
        text: `Write Accelerator is enabled on ${accelerated.join(', ')}`,
        fix: 'Disable Write Accelerator on those disks (it is not supported by Site Recovery).',
      });
    if (compute.osDisk.unmanaged)
      problems.push({
        level: 'warn',
        text: 'the VM uses unmanaged (VHD) disks, which Azure retired on 2026-03-31',
        fix: 'Convert the VM to managed disks (ConvertTo-AzVMManagedDisk).',
      });
    for (const d of compute.dataDisks) {
      const size = Number(d.diskSizeGB);
      if (Number.isFinite(size) && size > 0 && size < limits.minGiB)
        problems.push({ level: 'fail', code: 150172, text: `data disk LUN ${d.lun} is ${size} GiB`, fix: 'Use disks of at least 1 GiB.' });
      if (Number.isFinite(size) && size > limits.dataMaxGiB)
        problems.push({
          level: 'fail',
          text: `data disk LUN ${d.lun} is ${size} GiB, over ${limits.dataMaxGiB} GiB`,
          fix: 'Split the data over disks of at most 32 TiB.',
        });
    }
  }
  const evidence = { disks: local, imdsDataDisks: compute?.dataDisks ?? null, osDiskFromImds: compute?.osDisk ?? null, limits };
  if (local.length === 0 && !compute) return { status: 'skip', summary: 'No disks found: /sys/block is not readable here and IMDS was not reached.', evidence };
  if (problems.length === 0) {
    const summary = replicated.map((d) => `/dev/${d.name} ${d.role} ${d.sizeGiB ?? '?'} GiB`).join(', ');
    return {
      status: 'pass',
      summary: `Disks within the limits${summary ? `: ${summary}` : ''}${compute ? ` (${compute.dataDisks.length} data disk(s) in IMDS)` : ''}.`,
      evidence,
    };
  }
  const fails = problems.filter((p) => p.level === 'fail');
  return {
    status: fails.length ? 'fail' : 'warn',
    summary: `${problems.map((p) => p.text).join('; ')}.`,
    remediation: problems.map((p, i) => `${i + 1}. ${p.fix}`).join('\n'),
    asrErrorCodes: [...new Set(problems.map((p) => p.code).filter((c): c is number => c !== undefined))].sort((a, b) => a - b),
    evidence,
  };
}

function diskOfMount(disks: BlockDevice[], mounts: MountFacts | null, mountPoint: string): string | null {
  const device = mounts?.entries.find((m) => m.mountPoint === mountPoint)?.device.replace(/^\/dev\//, '');
  if (!device) return null;
  return disks.find((d) => d.name === device || d.partitions.includes(device))?.name ?? null;
}

function isTemporaryMount(d: BlockDevice, mounts: MountFacts | null): boolean {
  return (mounts?.entries ?? []).some(
    (m) =>
      (m.mountPoint === '/mnt' || m.mountPoint === '/mnt/resource') && (m.device === `/dev/${d.name}` || d.partitions.some((p) => m.device === `/dev/${p}`)),
  );
}

function isMounted(name: string, mounts: MountFacts | null): boolean {
  return (mounts?.entries ?? []).some((m) => m.device === `/dev/${name}`);
}
