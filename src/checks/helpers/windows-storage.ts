// The Windows branches of storage.filesystems and storage.disks, judged on the live layout read by
// src/facts/windows/windows-storage.ts, against azure-requirements.md §5.3-5.4:
// - §5.3 "Windows: Storage Spaces yes; S2D/SOFS crash-consistent only". It names no Windows file
//   system: NTFS and ReFS are the file systems Windows Server data volumes use and are judged
//   supported; FAT, FAT32 and exFAT are not stated, so they warn saying so (the EFI system
//   partition, FAT32 by definition, is ignored, as the Linux branch ignores vfat on /boot/efi).
//   CSVFS (a cluster shared volume) is S2D/SOFS: crash-consistent only, a warning.
// - §5.4 OS disk ≤ 4,095 GiB, data disks 1 GiB (150172) to 32 TiB, ≤ 64 data disks, no NVMe, the
//   temporary disk never replicated. Dynamic disks: not stated in the reference, so they warn saying so.
// A result built on no volume (or no disk) is never a pass.
import type { CheckOutcome } from '../../core/finding';
import type { SupportMatrix } from '../../catalog/support-matrix';
import type { AzureCompute } from '../../facts/azure-metadata';
import type { WindowsStorageFacts } from '../../facts/windows/windows-storage';
import type { WindowsDisk, WindowsPartition, WindowsVolume } from '../../facts/windows/windows-storage-parse';

const GiB = 1024 ** 3;
export const GPT_EFI_SYSTEM = '{c12a7328-f81f-11d2-ba4b-00a0c93ec93b}';
const GPT_LDM = ['{5808c8aa-7e8f-42e0-85d2-e1e90434cfb3}', '{af9b60a0-1431-4f62-bc68-3311714a69ad}'];
const MBR_EFI_SYSTEM = 0xef;
const MBR_LDM = 0x42;
const SUPPORTED_FS = ['NTFS', 'ReFS'];
const NOT_STATED_FS = ['FAT', 'FAT32', 'EXFAT'];
const NOT_LOCAL_DRIVE_TYPES = ['Removable', 'CD-ROM', 'Remote', 'RAM Disk', 'Invalid Root Path'];

type VolumeVerdict = 'supported' | 'temporary-disk' | 'efi-system' | 'not-stated' | 'crash-consistent' | 'no-file-system' | 'unsupported';

function partitionOf(v: WindowsVolume, partitions: WindowsPartition[]): WindowsPartition | undefined {
  const path = v.path?.toLowerCase();
  return partitions.find(
    (p) => (path !== undefined && p.accessPaths.some((a) => a.toLowerCase() === path)) || (v.driveLetter !== null && p.driveLetter === v.driveLetter),
  );
}

function isTemporaryVolume(v: WindowsVolume, s: WindowsStorageFacts): boolean {
  return (v.driveLetter !== null && s.temporaryDriveLetters.includes(v.driveLetter)) || /^Temporary Storage$/i.test(v.label ?? '');
}

function volumeName(v: WindowsVolume): string {
  return v.driveLetter ? `${v.driveLetter}:` : `volume ${v.label ? `"${v.label}"` : (v.path ?? '(no path)')}`;
}

function notRead(s: WindowsStorageFacts | undefined): CheckOutcome | null {
  if (!s) return { status: 'skip', summary: 'The Windows disk layout was not read.', evidence: {} };
  const evidence = { source: s.source, problem: s.problem, notJudged: s.notJudged, sectionErrors: s.sectionErrors };
  if (s.notJudged) return { status: 'skip', summary: `Not judged: ${s.notJudged}`, evidence };
  if (s.problem) {
    return {
      status: 'warn',
      summary: `The volumes and disks could not be read, so they were not judged: ${s.problem}.`,
      remediation: 'Run asr-ready as an administrator; check by hand with: Get-Volume; Get-Disk; Get-Partition (Windows PowerShell).',
      evidence,
    };
  }
  return null;
}

export function evaluateWindowsFilesystems(s: WindowsStorageFacts | undefined): CheckOutcome {
  const early = notRead(s);
  if (early || !s) return early!;
  const local = s.volumes.filter((v) => !NOT_LOCAL_DRIVE_TYPES.includes(v.driveType ?? ''));
  const classified = local.map((v) => {
    const partition = partitionOf(v, s.partitions);
    const fs = v.fileSystem?.toUpperCase() ?? null;
    let verdict: VolumeVerdict;
    if (isTemporaryVolume(v, s)) verdict = 'temporary-disk';
    else if (partition && (partition.gptType === GPT_EFI_SYSTEM || partition.mbrType === MBR_EFI_SYSTEM)) verdict = 'efi-system';
    else if (fs === null) verdict = 'no-file-system';
    else if (SUPPORTED_FS.some((f) => f.toUpperCase() === fs)) verdict = 'supported';
    else if (fs === 'CSVFS') verdict = 'crash-consistent';
    else if (NOT_STATED_FS.includes(fs)) verdict = 'not-stated';
    else verdict = 'unsupported';
    return { ...v, diskNumber: partition?.diskNumber ?? null, verdict };
  });
  const evidence = { source: s.source, volumes: classified, sectionErrors: s.sectionErrors, temporaryDriveLetters: s.temporaryDriveLetters };
  const judged = classified.filter((c) => c.verdict !== 'temporary-disk' && c.verdict !== 'efi-system');
  if (judged.length === 0) {
    return {
      status: 'warn',
      summary: `No volume on a replicated disk was found (${s.volumes.length} volume(s) listed${s.sectionErrors.length ? `; ${s.sectionErrors.join('; ')}` : ''}), so no file system was judged.`,
      remediation: 'Check with Get-Volume (Windows PowerShell, as an administrator) that the OS volume is listed.',
      evidence,
    };
  }
  const named = (verdict: VolumeVerdict) => judged.filter((c) => c.verdict === verdict).map((c) => `${volumeName(c)} (${c.fileSystem ?? 'no file system'})`);
  const problems: Array<{ text: string; fix: string }> = [];
  const csv = named('crash-consistent');
  if (csv.length)
    problems.push({
      text: `${csv.join(', ')}: cluster shared volumes (Storage Spaces Direct / Scale-Out File Server) replicate crash-consistent only`,
      fix: 'Expect crash-consistent recovery points only for S2D/SOFS volumes (no app-consistent points).',
    });
  const fat = named('not-stated');
  if (fat.length)
    problems.push({
      text: `${fat.join(', ')}: the support matrix does not state whether FAT, FAT32 or exFAT volumes replicate (not stated)`,
      fix: 'Use NTFS or ReFS for data Site Recovery must replicate, or confirm FAT/exFAT with Microsoft support.',
    });
  const raw = named('no-file-system');
  if (raw.length) problems.push({ text: `${raw.join(', ')}: no file system (RAW)`, fix: 'Format the volume (NTFS or ReFS) or remove it.' });
  const other = named('unsupported');
  if (other.length)
    problems.push({
      text: `${other.join(', ')}: a file system outside the matrix`,
      fix: 'Move the data to NTFS or ReFS, or exclude the disk from replication.',
    });
  if (problems.length) {
    return {
      status: 'warn',
      summary: `${problems.map((p) => p.text).join('; ')}.`,
      remediation: problems.map((p, i) => `${i + 1}. ${p.fix}`).join('\n'),
      evidence,
    };
  }
  return { status: 'pass', summary: `All ${judged.length} volume(s) on replicated disks are NTFS or ReFS: ${named('supported').join(', ')}.`, evidence };
}

type Role = 'os' | 'data' | 'temporary' | 'storage-space';

export function windowsDiskRole(d: WindowsDisk, s: WindowsStorageFacts): Role {
  if (d.busType === 'Storage Spaces') return 'storage-space';
  if (/NVMe Direct Disk/i.test(d.friendlyName ?? '')) return 'temporary';
  const onDisk = s.partitions.filter((p) => p.diskNumber !== null && p.diskNumber === d.number);
  const temporary = s.volumes.some((v) => isTemporaryVolume(v, s) && onDisk.some((p) => p === partitionOf(v, onDisk)));
  if (temporary) return 'temporary';
  if (d.isBoot || d.isSystem) return 'os';
  return 'data';
}

interface Problem {
  level: 'fail' | 'warn';
  text: string;
  fix: string;
  codes?: number[];
}

/** storage.disks on Windows: the local layout, merged with what IMDS says (imds: evaluateDisks on no local disk). */
export function evaluateWindowsDisks(
  s: WindowsStorageFacts | undefined,
  compute: AzureCompute | null,
  matrix: SupportMatrix,
  imds: CheckOutcome,
): CheckOutcome {
  const limits = matrix.disks;
  const problems: Problem[] = [];
  const disks = (s?.disks ?? []).map((d) => ({
    ...d,
    role: s ? windowsDiskRole(d, s) : ('data' as Role),
    sizeGiB: d.sizeBytes === null ? null : Math.round((d.sizeBytes / GiB) * 100) / 100,
  }));
  const name = (d: (typeof disks)[number]) => `disk ${d.number ?? '?'}${d.friendlyName ? ` (${d.friendlyName})` : ''}`;
  const replicated = disks.filter((d) => d.role === 'os' || d.role === 'data');
  for (const d of replicated) {
    if (d.sizeGiB !== null && d.sizeGiB < limits.minGiB)
      problems.push({
        level: 'fail',
        codes: [150172],
        text: `${name(d)} is ${d.sizeGiB} GiB, under the 1 GiB minimum`,
        fix: `Grow ${name(d)} to at least 1 GiB or exclude it from replication.`,
      });
    if (d.role === 'os' && d.sizeGiB !== null && d.sizeGiB > limits.osMaxGiB)
      problems.push({
        level: 'fail',
        text: `the OS ${name(d)} is ${d.sizeGiB} GiB, over ${limits.osMaxGiB} GiB`,
        fix: 'Shrink the OS disk below 4,095 GiB (move data to data disks).',
      });
    if (d.role === 'data' && d.sizeGiB !== null && d.sizeGiB > limits.dataMaxGiB)
      problems.push({
        level: 'fail',
        text: `${name(d)} is ${d.sizeGiB} GiB, over ${limits.dataMaxGiB} GiB`,
        fix: 'Split the data over disks of at most 32 TiB.',
      });
    if (d.busType === 'NVMe')
      problems.push({
        level: 'fail',
        text: `${name(d)} is attached over NVMe`,
        fix: 'Site Recovery does not support the NVMe disk interface: use a VM size with SCSI disks.',
      });
    if (d.role === 'data' && d.partitionStyle === 'RAW')
      problems.push({
        level: 'warn',
        codes: [150039],
        text: `data ${name(d)} is not initialised (no partition table)`,
        fix: `Initialise ${name(d)} (Initialize-Disk, then a partition and an NTFS volume), or detach it; an uninitialised disk fails with 150039.`,
      });
  }
  const dynamic = disks.filter((d) =>
    (s?.partitions ?? []).some((p) => p.diskNumber === d.number && ((p.gptType !== null && GPT_LDM.includes(p.gptType)) || p.mbrType === MBR_LDM)),
  );
  if (dynamic.length)
    problems.push({
      level: 'warn',
      text: `${dynamic.map(name).join(', ')} ${dynamic.length > 1 ? 'are dynamic disks' : 'is a dynamic disk'}: the support matrix does not state whether dynamic disks are supported (not stated)`,
      fix: 'Prefer basic disks (Storage Spaces for pooling, which the matrix supports), or confirm dynamic disks with Microsoft support before relying on replication.',
    });
  const pools = (s?.pools ?? []).filter((p) => !p.isPrimordial);
  const clustered = [
    ...pools.filter((p) => p.isClustered).map((p) => `storage pool "${p.friendlyName ?? '?'}"`),
    ...disks.filter((d) => d.isClustered).map(name),
    ...(s?.volumes ?? []).filter((v) => v.fileSystem?.toUpperCase() === 'CSVFS').map(volumeName),
  ];
  if (clustered.length)
    problems.push({
      level: 'warn',
      text: `clustered storage (${clustered.join(', ')}): Storage Spaces Direct / Scale-Out File Server replicate crash-consistent only`,
      fix: 'Expect crash-consistent recovery points only for S2D/SOFS storage (no app-consistent points).',
    });
  const dataCount = replicated.filter((d) => d.role === 'data').length;
  if (!compute && dataCount > limits.maxDataDisks)
    problems.push({ level: 'fail', text: `${dataCount} data disks, over the ${limits.maxDataDisks} a replicated VM may have`, fix: 'Consolidate data disks.' });
  if (imds.status === 'fail' || imds.status === 'warn') {
    problems.push({
      level: imds.status,
      text: imds.summary.replace(/\.$/, ''),
      fix: (imds.remediation ?? '')
        .split('\n')
        .map((l) => l.replace(/^\d+\.\s*/, ''))
        .filter(Boolean)
        .join(' '),
      codes: imds.asrErrorCodes ?? [],
    });
  }
  const localRead = s !== undefined && s.problem === null && s.notJudged === null && replicated.length > 0;
  if (!localRead) {
    const listed = `${disks.length ? `no OS or data disk among the ${disks.length} listed` : 'no disk listed'}${s?.sectionErrors.length ? ` (${s.sectionErrors.join('; ')})` : ''}`;
    const why = !s ? 'not read' : (s.notJudged ?? s.problem ?? listed);
    problems.push({
      level: 'warn',
      text: `the disks inside Windows were not judged (${why}); only IMDS was`,
      fix: 'Run asr-ready as an administrator; check by hand with Get-Disk and Get-Partition (Windows PowerShell).',
    });
  }
  const evidence = {
    source: s?.source ?? null,
    disks,
    pools: s?.pools ?? [],
    virtualDisks: s?.virtualDisks ?? [],
    imdsDataDisks: compute?.dataDisks ?? null,
    imdsOutcome: { status: imds.status, summary: imds.summary },
    limits,
  };
  if (!localRead && !compute)
    return {
      status: 'skip',
      summary: `No disks found: ${problems[problems.length - 1]!.text.replace(/; only IMDS was$/, '')} and IMDS was not reached.`,
      evidence,
    };
  if (problems.length === 0) {
    const spaces = pools.length ? `; Storage Spaces pool(s) ${pools.map((p) => `"${p.friendlyName ?? '?'}"`).join(', ')} (supported)` : '';
    return {
      status: 'pass',
      summary: `Disks within the limits: ${replicated.map((d) => `${name(d)} ${d.role} ${d.sizeGiB ?? '?'} GiB ${d.busType ?? ''}`.trim()).join(', ')}${spaces}${compute ? ` (${compute.dataDisks.length} data disk(s) in IMDS)` : ''}.`,
      evidence,
    };
  }
  return {
    status: problems.some((p) => p.level === 'fail') ? 'fail' : 'warn',
    summary: `${problems.map((p) => p.text).join('; ')}.`,
    remediation: problems.map((p, i) => `${i + 1}. ${p.fix}`).join('\n'),
    asrErrorCodes: [...new Set(problems.flatMap((p) => p.codes ?? []))].sort((a, b) => a - b),
    evidence,
  };
}
