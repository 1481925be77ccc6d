// Windows disks, partitions, volumes and Storage Spaces (checks storage.disks, storage.filesystems),
// read with one Windows PowerShell run (argument array, no shell; -EncodedCommand, so nothing in
// the script is re-quoted): Get-CimInstance of the Storage management classes, raw CIM values,
// printed by ConvertTo-Json. JSON of CIM numbers is the same in every display language.
//
// Needs PowerShell 3.0 and the root/Microsoft/Windows/Storage namespace: Windows 8 / Server 2012 and
// later, which is every Windows the agent runs on (Node.js does not run on 7 / 2008 R2). Older, or
// without those classes, the facts say so (`notJudged`) and the checks do not pass on them.
// systeminformation was considered and not used: see README "Windows storage".
import { runCommand } from '../run-command';
import { describeError } from '../../core/errors';
import { parseWindowsStorageJson, type ParsedWindowsStorage } from './windows-storage-parse';

export interface WindowsStorageFacts extends ParsedWindowsStorage {
  /** How the facts were read, for the evidence. */
  source: string;
  /** Why nothing could be read (PowerShell missing, timed out, output not JSON); null when read. */
  problem: string | null;
  /** Why the layout is not judged on this Windows (no Storage classes, PowerShell 2.0); null otherwise. */
  notJudged: string | null;
}

export const STORAGE_TIMEOUT_MS = 30_000;
/** A VM with 64 disks prints some 100 KB; more is not a storage listing. */
export const STORAGE_MAX_OUTPUT = 8 * 1024 * 1024;

const NS = 'root/Microsoft/Windows/Storage';

/** The PowerShell script. Each section catches its own error, so one missing class does not hide the others. */
export const STORAGE_SCRIPT = [
  "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'",
  "if ($PSVersionTable.PSVersion.Major -lt 3) { 'ASR-READY-POWERSHELL-2'; exit 0 }",
  // The raw CIM value of each named property: numbers stay numbers; a [char] drive letter becomes a string.
  'function Pick($o, [string[]]$names) { $h = @{}; foreach ($n in $names) { $p = $o.CimInstanceProperties[$n]; if ($p -ne $null) { $v = $p.Value; if ($v -is [char]) { $v = if ([int]$v -eq 0) { $null } else { [string]$v } }; $h[$n] = $v } }; $h }',
  "function Section($name, $class, [string[]]$props) { try { $script:r[$name] = @(Get-CimInstance -Namespace '" +
    NS +
    "' -ClassName $class | ForEach-Object { Pick $_ $props }) } catch { $script:r[$name + 'Error'] = $_.Exception.Message } }",
  '$script:r = @{ psVersion = $PSVersionTable.PSVersion.ToString() }',
  "Section 'disks' 'MSFT_Disk' @('Number','FriendlyName','Size','BusType','PartitionStyle','IsBoot','IsSystem','IsOffline','IsClustered','Location')",
  "Section 'partitions' 'MSFT_Partition' @('DiskNumber','PartitionNumber','Size','GptType','MbrType','DriveLetter','AccessPaths')",
  "Section 'volumes' 'MSFT_Volume' @('DriveLetter','FileSystemLabel','FileSystem','DriveType','Size','Path')",
  "Section 'pools' 'MSFT_StoragePool' @('FriendlyName','IsPrimordial','IsClustered')",
  "Section 'virtualDisks' 'MSFT_VirtualDisk' @('FriendlyName','Size','ResiliencySettingName')",
  // Azure writes DATALOSS_WARNING_README.txt to the root of the temporary disk's volume.
  "$script:r.temporaryDriveLetters = @($script:r.volumes | Where-Object { $_.DriveLetter -and $_.DriveType -eq 3 -and (Test-Path -LiteralPath ($_.DriveLetter + ':\\DATALOSS_WARNING_README.txt')) } | ForEach-Object { $_.DriveLetter })",
  'ConvertTo-Json -InputObject $script:r -Depth 4 -Compress',
].join('\n');

/**
 * A script line that makes Windows PowerShell write UTF-8 (no BOM) to its redirected stdout, so the
 * reader never depends on the console's OEM code page. Without a console the setter can throw; the
 * output is then the OEM code page, which JSON of ASCII names survives.
 */
export const POWERSHELL_UTF8_OUTPUT = 'try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }';

export type RunPowerShell = (args: string[], signal?: AbortSignal) => Promise<string>;

/** powershell.exe with a time bound and an output cap; what they raise is reported by describeError. */
export function execRunner(file = 'powershell.exe', timeoutMs = STORAGE_TIMEOUT_MS, maxBuffer = STORAGE_MAX_OUTPUT): RunPowerShell {
  return (args, signal) =>
    runCommand(file, args, { timeoutMs, maxBuffer, signal }).catch((err: NodeJS.ErrnoException & { killed?: boolean }) => {
      if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
        throw new Error(`${file} printed more than ${maxBuffer / (1024 * 1024)} MiB; the listing was not read`);
      if (err.killed && !signal?.aborted) throw new Error(`${file} did not finish within ${timeoutMs / 1000} s`);
      throw err;
    });
}

export const STORAGE_ARGS = ['-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(STORAGE_SCRIPT, 'utf16le').toString('base64')];
const SOURCE = `powershell.exe Get-CimInstance -Namespace ${NS} (MSFT_Disk, MSFT_Partition, MSFT_Volume, MSFT_StoragePool, MSFT_VirtualDisk) | ConvertTo-Json`;

export async function readWindowsStorage(signal?: AbortSignal, run: RunPowerShell = execRunner()): Promise<WindowsStorageFacts> {
  let stdout: string;
  try {
    stdout = await run(STORAGE_ARGS, signal);
  } catch (err) {
    return emptyStorage(`reading the disks and volumes failed: ${describeError(err)}`, null);
  }
  return storageFromOutput(stdout);
}

/** The facts from the script's output (exported for the tests, which feed recorded outputs). */
export function storageFromOutput(stdout: string): WindowsStorageFacts {
  if (/^\s*ASR-READY-POWERSHELL-2\s*$/.test(stdout)) {
    return emptyStorage(
      null,
      'Windows PowerShell is version 2.0 here: it has neither Get-CimInstance nor ConvertTo-Json, so the disk layout is not read (install WMF 5.1, or check disks and volumes in Disk Management).',
    );
  }
  const parsed = parseWindowsStorageJson(stdout);
  if ('problem' in parsed) return emptyStorage(parsed.problem, null);
  const namespaceMissing = parsed.sectionErrors.some((e) => /^(disks|volumes): .*(invalid namespace|invalid class|not found)/i.test(e));
  const notJudged =
    namespaceMissing && parsed.disks.length === 0 && parsed.volumes.length === 0
      ? `The Storage management classes (${NS}: MSFT_Disk, MSFT_Volume) are not on this Windows (they come with Windows 8 / Server 2012): ${parsed.sectionErrors.join('; ')}`
      : null;
  return { ...parsed, source: SOURCE, problem: null, notJudged };
}

function emptyStorage(problem: string | null, notJudged: string | null): WindowsStorageFacts {
  return {
    psVersion: null,
    disks: [],
    partitions: [],
    volumes: [],
    pools: [],
    virtualDisks: [],
    temporaryDriveLetters: [],
    sectionErrors: [],
    source: SOURCE,
    problem,
    notJudged,
  };
}
