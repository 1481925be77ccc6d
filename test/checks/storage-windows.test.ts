// storage.filesystems and storage.disks on Windows: recorded Get-Disk / Get-Volume outputs where
// they exist (see test/facts/windows/storage.test.ts for how they become objects), hand-written
// layouts for the rest (named so in each test).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateWindowsDisks, evaluateWindowsFilesystems, GPT_EFI_SYSTEM } from '../../src/checks/windows-storage';
import { evaluateDisks } from '../../src/checks/storage-disks';
import { storageFromOutput, type WindowsStorageFacts } from '../../src/facts/windows/windows-storage';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import type { AzureCompute } from '../../src/facts/azure-metadata';
import { fixture } from '../helpers/paths';
import { formatListObject, formatTableObjects } from '../helpers/windows-text';

const GiB = 1024 ** 3;
const windowsFixture = (name: string) => readFileSync(fixture('windows', name), 'utf8');
const BASIC = '{ebd0a0a2-b9e5-4433-87c0-68b6b72699c7}';

/** Facts from a document shaped as the script prints it. */
function facts(doc: Record<string, unknown>): WindowsStorageFacts {
  return storageFromOutput(JSON.stringify({ psVersion: '5.1', ...doc }));
}

/** A hand-written Azure Gen2 VM: OS disk 0 (EFI + C:), temporary disk 1 (D:, with the readme), data disk 2 (F:). */
function azureVm(extra: { disks?: object[]; partitions?: object[]; volumes?: object[]; pools?: object[] } = {}): Record<string, unknown> {
  return {
    disks: [
      { Number: 0, FriendlyName: 'Msft Virtual Disk', Size: 127 * GiB, BusType: 10, PartitionStyle: 2, IsBoot: true, IsSystem: true },
      { Number: 1, FriendlyName: 'Msft Virtual Disk', Size: 16 * GiB, BusType: 10, PartitionStyle: 1 },
      { Number: 2, FriendlyName: 'Msft Virtual Disk', Size: 512 * GiB, BusType: 10, PartitionStyle: 2, Location: 'Integrated : Adapter 1 : Port 0 : Target 0 : LUN 0' },
      ...(extra.disks ?? []),
    ],
    partitions: [
      { DiskNumber: 0, PartitionNumber: 1, GptType: GPT_EFI_SYSTEM, AccessPaths: ['\\\\?\\Volume{efi}\\'] },
      { DiskNumber: 0, PartitionNumber: 3, GptType: BASIC, DriveLetter: 'C', AccessPaths: ['C:\\', '\\\\?\\Volume{c}\\'] },
      { DiskNumber: 1, PartitionNumber: 1, MbrType: 7, DriveLetter: 'D', AccessPaths: ['D:\\', '\\\\?\\Volume{d}\\'] },
      { DiskNumber: 2, PartitionNumber: 2, GptType: BASIC, DriveLetter: 'F', AccessPaths: ['F:\\', '\\\\?\\Volume{f}\\'] },
      ...(extra.partitions ?? []),
    ],
    volumes: [
      { DriveLetter: null, FileSystem: 'FAT32', DriveType: 3, Size: 99 * 1024 * 1024, Path: '\\\\?\\Volume{efi}\\' },
      { DriveLetter: 'C', FileSystemLabel: 'Windows', FileSystem: 'NTFS', DriveType: 3, Size: 126 * GiB, Path: '\\\\?\\Volume{c}\\' },
      { DriveLetter: 'D', FileSystemLabel: 'Temporary Storage', FileSystem: 'NTFS', DriveType: 3, Size: 16 * GiB, Path: '\\\\?\\Volume{d}\\' },
      { DriveLetter: 'F', FileSystemLabel: 'Data', FileSystem: 'ReFS', DriveType: 3, Size: 511 * GiB, Path: '\\\\?\\Volume{f}\\' },
      { DriveLetter: 'E', FileSystem: 'UDF', DriveType: 5 },
      ...(extra.volumes ?? []),
    ],
    pools: [{ FriendlyName: 'Primordial', IsPrimordial: true, IsClustered: false }, ...(extra.pools ?? [])],
    temporaryDriveLetters: ['D'],
  };
}

const compute = (dataDisks: number): AzureCompute => ({
  azEnvironment: 'AzurePublicCloud', location: 'westeurope', vmId: 'x', vmSize: 'Standard_D4s_v5', osType: 'Windows', resourceId: '/x', zone: '', securityType: '', encryptionAtHost: 'false',
  osDisk: { name: 'os', diskSizeGB: '127', ephemeral: false, unmanaged: false, writeAcceleratorEnabled: 'false' },
  dataDisks: Array.from({ length: dataDisks }, (_, i) => ({ lun: String(i), name: `d${i}`, diskSizeGB: '512', isUltraDisk: 'false', isSharedDisk: 'false', writeAcceleratorEnabled: 'false', storageAccountType: 'Premium_LRS' })),
});

const windowsDisks = (s: WindowsStorageFacts, c: AzureCompute | null = compute(1)) => evaluateWindowsDisks(s, c, SUPPORT_MATRIX, evaluateDisks([], null, c, SUPPORT_MATRIX));

describe('storage.filesystems on Windows', () => {
  it('warns for the CSVFS volumes of the recorded cluster node (S2D/SOFS: crash-consistent only); its NTFS volumes are supported', () => {
    const volumes = formatTableObjects(windowsFixture('get-volume.cluster-node.csvfs-and-ntfs.txt'));
    const outcome = evaluateWindowsFilesystems(facts({ volumes }));
    expect(outcome).toMatchObject({
      status: 'warn',
      summary: 'volume "CSV_SYS_011" (CSVFS), volume "CSV_DAT_106" (CSVFS): cluster shared volumes (Storage Spaces Direct / Scale-Out File Server) replicate crash-consistent only.',
    });
    expect((outcome.evidence!.volumes as Array<{ verdict: string }>).map((v) => v.verdict)).toEqual(['supported', 'supported', 'crash-consistent', 'crash-consistent']);
  });

  it('passes NTFS and ReFS; ignores the EFI partition, the temporary disk and the DVD drive (hand-written layout)', () => {
    expect(evaluateWindowsFilesystems(facts(azureVm()))).toMatchObject({ status: 'pass', summary: 'All 2 volume(s) on replicated disks are NTFS or ReFS: C: (NTFS), F: (ReFS).' });
  });

  it('warns for FAT32 and exFAT data volumes, saying the matrix does not state them, and for a RAW volume', () => {
    const outcome = evaluateWindowsFilesystems(facts(azureVm({ volumes: [{ DriveLetter: 'G', FileSystem: 'FAT32', DriveType: 3 }, { DriveLetter: 'H', FileSystem: 'exFAT', DriveType: 3 }, { DriveLetter: 'I', FileSystem: '', DriveType: 3 }] })));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe('G: (FAT32), H: (exFAT): the support matrix does not state whether FAT, FAT32 or exFAT volumes replicate (not stated); I: (no file system): no file system (RAW).');
  });

  it('never passes on zero volumes: none listed, only the temporary disk, or the listing failed', () => {
    expect(evaluateWindowsFilesystems(facts({ volumes: [] }))).toMatchObject({ status: 'warn', summary: 'No volume on a replicated disk was found (0 volume(s) listed), so no file system was judged.' });
    const onlyTemp = azureVm();
    onlyTemp.volumes = (onlyTemp.volumes as Array<{ DriveLetter: string | null }>).filter((v) => v.DriveLetter === 'D');
    expect(evaluateWindowsFilesystems(facts(onlyTemp)).status).toBe('warn');
    expect(evaluateWindowsFilesystems(facts({ volumesError: 'Access denied' })).summary).toBe('No volume on a replicated disk was found (0 volume(s) listed; volumes: Access denied), so no file system was judged.');
    expect(evaluateWindowsFilesystems(storageFromOutput('not json'))).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^The volumes and disks could not be read/) });
    expect(evaluateWindowsFilesystems(storageFromOutput('ASR-READY-POWERSHELL-2'))).toMatchObject({ status: 'skip' });
    expect(evaluateWindowsFilesystems(undefined).status).toBe('skip');
  });
});

describe('storage.disks on Windows', () => {
  it('passes the hand-written Azure layout: the temporary disk is not judged, sizes within the limits', () => {
    const outcome = windowsDisks(facts(azureVm()));
    expect(outcome).toMatchObject({ status: 'pass', summary: 'Disks within the limits: disk 0 (Msft Virtual Disk) os 127 GiB SAS, disk 2 (Msft Virtual Disk) data 512 GiB SAS (1 data disk(s) in IMDS).' });
    expect((outcome.evidence!.disks as Array<{ role: string }>).map((d) => d.role)).toEqual(['os', 'temporary', 'data']);
  });

  it('judges the recorded offline Azure data disk (LUN 1) as a data disk, and the recorded boot/system disk as the OS disk', () => {
    const disk = formatListObject(windowsFixture('get-disk.select-all.azure-vm.offline-data-disk-lun1.excerpt.txt'));
    const outcome = windowsDisks(facts({ disks: [disk] }));
    expect((outcome.evidence!.disks as Array<{ role: string; number: number }>).map((d) => [d.number, d.role])).toEqual([[3, 'data']]);
    expect(outcome.status).toBe('pass');
    const osOnly = windowsDisks(facts({ disks: [formatListObject(windowsFixture('get-disk.select-all.vmware-vm.os-disk.excerpt.txt'))] }));
    expect((osOnly.evidence!.disks as Array<{ role: string }>)[0]!.role).toBe('os');
  });

  it('fails NVMe, an OS disk over 4,095 GiB, a data disk over 32 TiB and under 1 GiB (150172); warns uninitialised (150039)', () => {
    const doc = azureVm({ disks: [{ Number: 3, Size: 33 * 1024 * GiB, BusType: 17, PartitionStyle: 2 }, { Number: 4, Size: 0.5 * GiB, BusType: 10, PartitionStyle: 0 }] });
    (doc.disks as Array<{ Size: number }>)[0]!.Size = 4096 * GiB;
    const outcome = windowsDisks(facts(doc));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('the OS disk 0 (Msft Virtual Disk) is 4096 GiB, over 4095 GiB; disk 3 is 33792 GiB, over 32768 GiB; disk 3 is attached over NVMe; disk 4 is 0.5 GiB, under the 1 GiB minimum; data disk 4 is not initialised (no partition table).');
    expect(outcome.asrErrorCodes).toEqual([150039, 150172]);
  });

  it('does not judge a local NVMe temporary disk (Microsoft NVMe Direct Disk)', () => {
    expect(windowsDisks(facts(azureVm({ disks: [{ Number: 5, FriendlyName: 'Microsoft NVMe Direct Disk', Size: 440 * GiB, BusType: 17, PartitionStyle: 0 }] }))).status).toBe('pass');
  });

  it('warns for a dynamic disk (GPT LDM or MBR 0x42): the matrix does not state it', () => {
    const outcome = windowsDisks(facts(azureVm({ partitions: [{ DiskNumber: 2, PartitionNumber: 1, GptType: '{5808C8AA-7E8F-42E0-85D2-E1E90434CFB3}' }] })));
    expect(outcome).toMatchObject({ status: 'warn', summary: 'disk 2 (Msft Virtual Disk) is a dynamic disk: the support matrix does not state whether dynamic disks are supported (not stated).' });
    expect(windowsDisks(facts(azureVm({ partitions: [{ DiskNumber: 2, PartitionNumber: 1, MbrType: 66 }] }))).status).toBe('warn');
  });

  it('passes Storage Spaces (named), warns for a clustered pool (S2D: crash-consistent only)', () => {
    const spaces = windowsDisks(facts(azureVm({ disks: [{ Number: 6, FriendlyName: 'Data Space', Size: 2048 * GiB, BusType: 16, PartitionStyle: 2 }], pools: [{ FriendlyName: 'DataPool', IsPrimordial: false, IsClustered: false }] })));
    expect(spaces).toMatchObject({ status: 'pass', summary: expect.stringContaining('; Storage Spaces pool(s) "DataPool" (supported)') });
    const s2d = windowsDisks(facts(azureVm({ pools: [{ FriendlyName: 'S2D on Cluster1', IsPrimordial: false, IsClustered: true }] })));
    expect(s2d).toMatchObject({ status: 'warn', summary: 'clustered storage (storage pool "S2D on Cluster1"): Storage Spaces Direct / Scale-Out File Server replicate crash-consistent only.' });
  });

  it('counts local data disks against 64 when IMDS is not reached', () => {
    const many = Array.from({ length: 65 }, (_, i) => ({ Number: 10 + i, Size: 4 * GiB, BusType: 10, PartitionStyle: 2 }));
    expect(windowsDisks(facts(azureVm({ disks: many })), null).summary).toContain('66 data disks, over the 64 a replicated VM may have');
  });

  it('merges what IMDS says (encryption at host fails) with the local layout', () => {
    const c = { ...compute(1), encryptionAtHost: 'true' };
    expect(windowsDisks(facts(azureVm()), c)).toMatchObject({ status: 'fail', summary: 'encryption at host is enabled.' });
  });

  it('never passes on zero disks: failed read → warn with IMDS, skip without', () => {
    expect(windowsDisks(storageFromOutput('garbage'))).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^the disks inside Windows were not judged \(PowerShell did not print the expected JSON/) });
    expect(windowsDisks(facts({ disks: [] }), null)).toMatchObject({ status: 'skip', summary: 'No disks found: the disks inside Windows were not judged (no disk listed) and IMDS was not reached.' });
    expect(windowsDisks(facts({ disks: [{ Number: 1, BusType: 16 }] })).status).toBe('warn');
  });
});
