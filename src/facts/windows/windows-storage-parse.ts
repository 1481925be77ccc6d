// Parses the JSON document that windows-storage.ts prints with one PowerShell run: the raw CIM
// properties of MSFT_Disk, MSFT_Partition, MSFT_Volume, MSFT_StoragePool and MSFT_VirtualDisk
// (root/Microsoft/Windows/Storage), plus the drive letters that carry Azure's temporary-disk marker.
// Enumerations are accepted as the CIM numbers (what Get-CimInstance gives) or as the names the
// Storage module's type data shows (what Get-Disk | ConvertTo-Json may give): both are
// locale-independent. Never throws: text that is not the expected JSON is a `problem`.
import { truncateText } from '../../core/text-bounds';

export interface WindowsDisk {
  number: number | null;
  friendlyName: string | null;
  sizeBytes: number | null;
  /** MSFT_Disk.BusType as a name: 'SCSI', 'SAS', 'ATA', 'NVMe', 'Storage Spaces', 'iSCSI', 'USB', … */
  busType: string | null;
  /** 'RAW' (not initialised), 'MBR' or 'GPT'. */
  partitionStyle: 'RAW' | 'MBR' | 'GPT' | null;
  isBoot: boolean;
  isSystem: boolean;
  isOffline: boolean;
  isClustered: boolean;
  location: string | null;
}

export interface WindowsPartition {
  diskNumber: number | null;
  partitionNumber: number | null;
  sizeBytes: number | null;
  /** Lower case, with braces, as MSFT_Partition gives it ('{ebd0a0a2-…}'); null on MBR disks. */
  gptType: string | null;
  /** The MBR partition type byte (7 = NTFS/IFS, 0x42 = dynamic disk); null on GPT disks. */
  mbrType: number | null;
  driveLetter: string | null;
  accessPaths: string[];
}

export interface WindowsVolume {
  driveLetter: string | null;
  label: string | null;
  /** As Windows names it: 'NTFS', 'ReFS', 'FAT32', 'FAT', 'exFAT', 'CSVFS', 'UDF'; null when RAW (no file system). */
  fileSystem: string | null;
  /** MSFT_Volume.DriveType as a name: 'Fixed', 'Removable', 'CD-ROM', 'Remote', 'RAM Disk', 'Unknown'. */
  driveType: string | null;
  sizeBytes: number | null;
  /** \\?\Volume{guid}\: joins the volume to its partition's AccessPaths. */
  path: string | null;
}

export interface WindowsStoragePool {
  friendlyName: string | null;
  isPrimordial: boolean;
  isClustered: boolean;
}

export interface WindowsVirtualDisk {
  friendlyName: string | null;
  sizeBytes: number | null;
  resiliency: string | null;
}

export interface ParsedWindowsStorage {
  psVersion: string | null;
  disks: WindowsDisk[];
  partitions: WindowsPartition[];
  volumes: WindowsVolume[];
  pools: WindowsStoragePool[];
  virtualDisks: WindowsVirtualDisk[];
  /** Drive letters whose root holds DATALOSS_WARNING_README.txt (Azure's temporary disk). */
  temporaryDriveLetters: string[];
  /** Per section, why it could not be read (the script's own catch), e.g. "disks: Invalid namespace". */
  sectionErrors: string[];
}

/** More entries than any VM has; beyond it the rest is dropped (and said). */
export const MAX_ENTRIES = 4096;

const BUS_TYPES = [
  'Unknown',
  'SCSI',
  'ATAPI',
  'ATA',
  '1394',
  'SSA',
  'Fibre Channel',
  'USB',
  'RAID',
  'iSCSI',
  'SAS',
  'SATA',
  'SD',
  'MMC',
  'Virtual',
  'File Backed Virtual',
  'Storage Spaces',
  'NVMe',
  'SCM',
  'UFS',
];
const PARTITION_STYLES = ['RAW', 'MBR', 'GPT'] as const;
const DRIVE_TYPES = ['Unknown', 'Invalid Root Path', 'Removable', 'Fixed', 'Remote', 'CD-ROM', 'RAM Disk'];

type Json = Record<string, unknown>;

export function parseWindowsStorageJson(text: string): ParsedWindowsStorage | { problem: string } {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return { problem: 'PowerShell printed nothing' };
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (err) {
    return { problem: `PowerShell did not print the expected JSON (${(err as Error).message}): ${JSON.stringify(truncateText(trimmed, 120))}` };
  }
  if (!isObject(doc)) return { problem: `PowerShell printed JSON that is not an object: ${JSON.stringify(truncateText(trimmed, 120))}` };
  const sectionErrors: string[] = [];
  for (const key of ['disksError', 'partitionsError', 'volumesError', 'poolsError', 'virtualDisksError']) {
    const message = str(doc[key]);
    if (message) sectionErrors.push(`${key.replace(/Error$/, '')}: ${message}`);
  }
  const list = <T>(key: string, read: (o: Json) => T): T[] => {
    const items = arrayOf(doc[key]);
    if (items.length > MAX_ENTRIES) sectionErrors.push(`${key}: ${items.length} entries, only the first ${MAX_ENTRIES} kept`);
    return items.slice(0, MAX_ENTRIES).filter(isObject).map(read);
  };
  return {
    psVersion: str(doc.psVersion),
    disks: list('disks', readDisk),
    partitions: list('partitions', readPartition),
    volumes: list('volumes', readVolume),
    pools: list('pools', (o) => ({ friendlyName: str(o.FriendlyName), isPrimordial: bool(o.IsPrimordial), isClustered: bool(o.IsClustered) })),
    virtualDisks: list('virtualDisks', (o) => ({ friendlyName: str(o.FriendlyName), sizeBytes: num(o.Size), resiliency: str(o.ResiliencySettingName) })),
    temporaryDriveLetters: arrayOf(doc.temporaryDriveLetters)
      .slice(0, MAX_ENTRIES)
      .map(driveLetter)
      .filter((l): l is string => l !== null),
    sectionErrors,
  };
}

export function readDisk(o: Json): WindowsDisk {
  const style = enumName(o.PartitionStyle, PARTITION_STYLES as unknown as string[]);
  return {
    number: num(o.Number ?? o.DiskNumber),
    friendlyName: str(o.FriendlyName),
    sizeBytes: num(o.Size),
    busType: busTypeName(o.BusType),
    partitionStyle: style === 'RAW' || style === 'MBR' || style === 'GPT' ? style : null,
    isBoot: bool(o.IsBoot),
    isSystem: bool(o.IsSystem),
    isOffline: bool(o.IsOffline),
    isClustered: bool(o.IsClustered),
    location: str(o.Location),
  };
}

export function readPartition(o: Json): WindowsPartition {
  const gpt = str(o.GptType);
  return {
    diskNumber: num(o.DiskNumber),
    partitionNumber: num(o.PartitionNumber),
    sizeBytes: num(o.Size),
    gptType: gpt ? gpt.toLowerCase() : null,
    mbrType: num(o.MbrType),
    driveLetter: driveLetter(o.DriveLetter),
    accessPaths: arrayOf(o.AccessPaths)
      .slice(0, 64)
      .map(str)
      .filter((p): p is string => p !== null),
  };
}

export function readVolume(o: Json): WindowsVolume {
  const fs = str(o.FileSystem);
  return {
    driveLetter: driveLetter(o.DriveLetter),
    label: str(o.FileSystemLabel),
    fileSystem: fs && fs.toUpperCase() !== 'RAW' ? fs : null,
    driveType: enumName(o.DriveType, DRIVE_TYPES),
    sizeBytes: num(o.Size),
    path: str(o.Path),
  };
}

function busTypeName(v: unknown): string | null {
  const name = enumName(v, BUS_TYPES);
  // The Storage module's type data names 16 "Spaces" and 17 "NVMe".
  if (name && /^(storage )?spaces$/i.test(name)) return 'Storage Spaces';
  if (name && /^nvme$/i.test(name)) return 'NVMe';
  return name;
}

/** A CIM enumeration as its name: a number indexes `names`; a string is kept (trimmed, capped). */
function enumName(v: unknown, names: readonly string[]): string | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v < names.length ? names[v]! : `Unknown (${v})`;
  const s = str(v);
  if (s === null) return null;
  if (/^\d+$/.test(s)) return enumName(Number(s), names);
  return names.find((n) => n.toLowerCase() === s.toLowerCase()) ?? s;
}

/** 'C', 'C:', 'C:\' or the char code 67 (ConvertTo-Json of a [char] in some versions); '\u0000' and '' are none. */
function driveLetter(v: unknown): string | null {
  if (typeof v === 'number') return v >= 65 && v <= 90 ? String.fromCharCode(v) : v >= 97 && v <= 122 ? String.fromCharCode(v - 32) : null;
  if (typeof v !== 'string') return null;
  const m = /^([A-Za-z]):?\\?$/.exec(v.trim());
  return m ? m[1]!.toUpperCase() : null;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ConvertTo-Json prints one object, not an array, when a pipeline yields one item. */
function arrayOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === null || v === undefined ? [] : [v];
}

function str(v: unknown): string | null {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return null;
  const s = v.split('\u0000').join('').trim(); // a [char] 0 is "no drive letter"
  return s === '' ? null : truncateText(s);
}

function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : null;
  if (typeof v === 'string' && /^\d{1,20}$/.test(v.trim())) return Number(v.trim());
  return null;
}

function bool(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}
