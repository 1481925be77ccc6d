// Windows storage layouts for storage.filesystems and storage.disks: recorded Get-Disk / Get-Volume
// outputs where they exist (see test/facts/windows/storage.test.ts for how they become objects),
// hand-written layouts for the rest (named so in each test).
import { readFileSync } from 'node:fs';
import { evaluateWindowsDisks, GPT_EFI_SYSTEM } from '../../../src/checks/helpers/windows-storage';
import { evaluateDisks } from '../../../src/checks/storage-disks';
import { storageFromOutput, type WindowsStorageFacts } from '../../../src/facts/windows/windows-storage';
import { SUPPORT_MATRIX } from '../../../src/catalog/support-matrix';
import type { AzureCompute } from '../../../src/facts/azure-metadata';
import { fixture } from '../../helpers/paths';

const GiB = 1024 ** 3;
export const windowsFixture = (name: string) => readFileSync(fixture('windows', name), 'utf8');
const BASIC = '{ebd0a0a2-b9e5-4433-87c0-68b6b72699c7}';

/** Facts from a document shaped as the script prints it. */
export function facts(doc: Record<string, unknown>): WindowsStorageFacts {
  return storageFromOutput(JSON.stringify({ psVersion: '5.1', ...doc }));
}

/** A hand-written Azure Gen2 VM: OS disk 0 (EFI + C:), temporary disk 1 (D:, with the readme), data disk 2 (F:). */
export function azureVm(extra: { disks?: object[]; partitions?: object[]; volumes?: object[]; pools?: object[] } = {}): Record<string, unknown> {
  return {
    disks: [
      { Number: 0, FriendlyName: 'Msft Virtual Disk', Size: 127 * GiB, BusType: 10, PartitionStyle: 2, IsBoot: true, IsSystem: true },
      { Number: 1, FriendlyName: 'Msft Virtual Disk', Size: 16 * GiB, BusType: 10, PartitionStyle: 1 },
      {
        Number: 2,
        FriendlyName: 'Msft Virtual Disk',
        Size: 512 * GiB,
        BusType: 10,
        PartitionStyle: 2,
        Location: 'Integrated : Adapter 1 : Port 0 : Target 0 : LUN 0',
      },
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

export const compute = (dataDisks: number): AzureCompute => ({
  azEnvironment: 'AzurePublicCloud',
  location: 'westeurope',
  vmId: 'x',
  vmSize: 'Standard_D4s_v5',
  osType: 'Windows',
  resourceId: '/x',
  zone: '',
  securityType: '',
  encryptionAtHost: 'false',
  osDisk: { name: 'os', diskSizeGB: '127', ephemeral: false, unmanaged: false, writeAcceleratorEnabled: 'false' },
  dataDisks: Array.from({ length: dataDisks }, (_, i) => ({
    lun: String(i),
    name: `d${i}`,
    diskSizeGB: '512',
    isUltraDisk: 'false',
    isSharedDisk: 'false',
    writeAcceleratorEnabled: 'false',
    storageAccountType: 'Premium_LRS',
  })),
});

export const windowsDisks = (s: WindowsStorageFacts, c: AzureCompute | null = compute(1)) =>
  evaluateWindowsDisks(s, c, SUPPORT_MATRIX, evaluateDisks([], null, c, SUPPORT_MATRIX));
