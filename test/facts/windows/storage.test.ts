// The Windows storage reader: the recorded Get-Disk / Get-Volume outputs (English console text,
// turned into objects here by their property names and columns) through the same property readers
// the JSON goes through, and whole JSON documents as the script prints them (hand-written: no
// published output of this script exists; see test/fixtures/SOURCES.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWindowsStorageJson, readDisk, readVolume, MAX_ENTRIES } from '../../../src/facts/windows/windows-storage-parse';
import { STORAGE_ARGS, STORAGE_SCRIPT, storageFromOutput } from '../../../src/facts/windows/windows-storage';
import { fixture } from '../../helpers/paths';
import { formatListObject, formatTableObjects } from '../../helpers/windows-text';

const windowsFixture = (name: string) => readFileSync(fixture('windows', name), 'utf8');

describe('Windows disks (recorded Get-Disk | Select-Object * output)', () => {
  it('reads an offline Azure data disk at LUN 1: SAS bus, GPT, not boot or system', () => {
    const disk = readDisk(formatListObject(windowsFixture('get-disk.select-all.azure-vm.offline-data-disk-lun1.excerpt.txt')));
    expect(disk).toEqual({
      number: 3,
      friendlyName: 'Msft Virtual Disk',
      sizeBytes: null,
      busType: 'SAS',
      partitionStyle: 'GPT',
      isBoot: false,
      isSystem: false,
      isOffline: true,
      isClustered: false,
      location: 'Integrated : Bus 0 : Device 63667 : Function 30747 : Adapter 1 : Port 0 : Target 0 : LUN 1',
    });
  });

  it('reads a boot and system OS disk', () => {
    const disk = readDisk(formatListObject(windowsFixture('get-disk.select-all.vmware-vm.os-disk.excerpt.txt')));
    expect(disk).toMatchObject({
      number: 0,
      friendlyName: 'VMware Virtual disk',
      busType: 'SAS',
      partitionStyle: 'GPT',
      isBoot: true,
      isSystem: true,
      isOffline: false,
      location: 'SCSI0',
    });
  });

  it('reads the CIM numbers the script prints as the same names', () => {
    expect(readDisk({ Number: 0, BusType: 10, PartitionStyle: 2, IsBoot: true })).toMatchObject({ busType: 'SAS', partitionStyle: 'GPT', isBoot: true });
    expect(readDisk({ BusType: 17, PartitionStyle: 0 })).toMatchObject({ busType: 'NVMe', partitionStyle: 'RAW' });
    expect(readDisk({ BusType: 16 }).busType).toBe('Storage Spaces');
    expect(readDisk({ BusType: 'Spaces' }).busType).toBe('Storage Spaces');
    expect(readDisk({ BusType: 99 }).busType).toBe('Unknown (99)');
  });
});

describe('Windows volumes (recorded Get-Volume output of a cluster node)', () => {
  it('reads NTFS and CSVFS volumes, with and without a drive letter', () => {
    const volumes = formatTableObjects(windowsFixture('get-volume.cluster-node.csvfs-and-ntfs.txt')).map(readVolume);
    expect(volumes.map((v) => [v.driveLetter, v.label, v.fileSystem, v.driveType])).toEqual([
      [null, null, 'NTFS', 'Fixed'],
      ['C', null, 'NTFS', 'Fixed'],
      [null, 'CSV_SYS_011', 'CSVFS', 'Fixed'],
      [null, 'CSV_DAT_106', 'CSVFS', 'Fixed'],
    ]);
  });

  it('reads drive letters however ConvertTo-Json printed the [char]', () => {
    expect(
      [
        readVolume({ DriveLetter: 'D' }),
        readVolume({ DriveLetter: 68 }),
        readVolume({ DriveLetter: '\u0000' }),
        readVolume({ DriveLetter: 'd:\\' }),
        readVolume({ DriveLetter: null }),
      ].map((v) => v.driveLetter),
    ).toEqual(['D', 'D', null, 'D', null]);
    expect(readVolume({ FileSystem: 'RAW' }).fileSystem).toBeNull();
    expect(readVolume({ DriveType: 5 }).driveType).toBe('CD-ROM');
  });
});

describe('the script output as a whole (hand-written documents)', () => {
  const doc = {
    psVersion: '5.1.20348.2582',
    disks: [
      {
        Number: 0,
        FriendlyName: 'Msft Virtual Disk',
        Size: 136365211648,
        BusType: 10,
        PartitionStyle: 2,
        IsBoot: true,
        IsSystem: true,
        IsOffline: false,
        IsClustered: false,
        Location: 'Integrated : Adapter 0 : Port 0 : Target 0 : LUN 0',
      },
    ],
    partitions: {
      DiskNumber: 0,
      PartitionNumber: 3,
      Size: 135800000000,
      GptType: '{EBD0A0A2-B9E5-4433-87C0-68B6B72699C7}',
      MbrType: null,
      DriveLetter: 'C',
      AccessPaths: ['C:\\', '\\\\?\\Volume{1}\\'],
    },
    volumes: [{ DriveLetter: 'C', FileSystemLabel: 'Windows', FileSystem: 'NTFS', DriveType: 3, Size: 135800000000, Path: '\\\\?\\Volume{1}\\' }],
    temporaryDriveLetters: 'D',
  };

  it('accepts a single object where an array was expected (one pipeline item), a BOM and CRLF', () => {
    const parsed = parseWindowsStorageJson(`\uFEFF${JSON.stringify(doc, null, 2).replace(/\n/g, '\r\n')}\r\n`);
    expect(parsed).toMatchObject({ psVersion: '5.1.20348.2582', temporaryDriveLetters: ['D'], sectionErrors: [] });
    if ('problem' in parsed) throw new Error(parsed.problem);
    expect(parsed.partitions).toEqual([
      {
        diskNumber: 0,
        partitionNumber: 3,
        sizeBytes: 135800000000,
        gptType: '{ebd0a0a2-b9e5-4433-87c0-68b6b72699c7}',
        mbrType: null,
        driveLetter: 'C',
        accessPaths: ['C:\\', '\\\\?\\Volume{1}\\'],
      },
    ]);
  });

  it('says what is wrong with output that is not the JSON', () => {
    expect(parseWindowsStorageJson('')).toEqual({ problem: 'PowerShell printed nothing' });
    expect(parseWindowsStorageJson('Get-CimInstance : Access denied')).toMatchObject({
      problem: expect.stringMatching(/^PowerShell did not print the expected JSON \(.*\): "Get-CimInstance : Access denied"$/),
    });
    expect(parseWindowsStorageJson('[1,2]')).toMatchObject({ problem: expect.stringMatching(/not an object/) });
  });

  it('keeps the per-section errors and caps the entries', () => {
    const parsed = parseWindowsStorageJson(
      JSON.stringify({ poolsError: 'Access denied', disks: Array.from({ length: MAX_ENTRIES + 5 }, (_, i) => ({ Number: i })) }),
    );
    if ('problem' in parsed) throw new Error(parsed.problem);
    expect(parsed.disks).toHaveLength(MAX_ENTRIES);
    expect(parsed.sectionErrors).toEqual(['pools: Access denied', `disks: ${MAX_ENTRIES + 5} entries, only the first ${MAX_ENTRIES} kept`]);
  });

  it('marks PowerShell 2.0 and a Windows without the Storage classes as not judged', () => {
    expect(storageFromOutput('ASR-READY-POWERSHELL-2\r\n')).toMatchObject({
      problem: null,
      notJudged: expect.stringMatching(/^Windows PowerShell is version 2\.0/),
    });
    const old = storageFromOutput(JSON.stringify({ psVersion: '5.1', disksError: 'Invalid namespace ', volumesError: 'Invalid namespace ' }));
    expect(old.notJudged).toMatch(/^The Storage management classes .* are not on this Windows/);
    expect(storageFromOutput('garbage')).toMatchObject({ notJudged: null, problem: expect.stringMatching(/expected JSON/) });
  });

  it('runs one PowerShell with an encoded script: no shell, nothing re-quoted', () => {
    expect(STORAGE_ARGS.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(Buffer.from(STORAGE_ARGS[3]!, 'base64').toString('utf16le')).toBe(STORAGE_SCRIPT);
    expect(STORAGE_SCRIPT).toContain('ConvertTo-Json -InputObject $script:r -Depth 4 -Compress');
    expect(STORAGE_SCRIPT).toContain("':\\DATALOSS_WARNING_README.txt'");
  });
});
