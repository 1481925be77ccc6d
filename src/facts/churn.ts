// Write churn per disk over a sampling window: Linux /proc/diskstats (sectors written, always 512
// bytes), Windows the WMI class Win32_PerfRawData_PerfDisk_PhysicalDisk (a class name, not a
// localised counter path; see windowsChurnScript). Peak is the busiest second, average is bytes over
// the window. parseTypeperfCsv is kept for the recorded typeperf output only.
import type { Platform } from '../core/check';
import { onAbort } from '../net/abort';
import { NO_PROGRESS, type Progress } from '../core/progress';
import { GuestFs } from './guest-fs';
import { execRunner, POWERSHELL_UTF8_OUTPUT, type RunPowerShell } from './windows/windows-storage';

const MB = 1_000_000;
const WHOLE_DISK = /^(sd[a-z]+|vd[a-z]+|xvd[a-z]+|hd[a-z]+|nvme\d+n\d+)$/;

export interface DiskChurn {
  disk: string;
  averageMBps: number;
  peakMBps: number;
  bytesWritten: number;
}

export interface ChurnFacts {
  seconds: number;
  samples: number;
  source: string;
  disks: DiskChurn[];
  vmAverageMBps: number;
  vmPeakMBps: number;
}

/** Sectors written per whole disk (partitions and device-mapper devices would count twice). */
export function parseDiskstats(text: string): Map<string, number> {
  const written = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !WHOLE_DISK.test(f[2]!)) continue;
    const sectors = Number(f[9]);
    if (Number.isFinite(sectors)) written.set(f[2]!, sectors);
  }
  return written;
}

export async function sampleChurn(
  root: string,
  platform: Platform,
  seconds: number,
  exclude: readonly string[],
  signal?: AbortSignal,
  runPowerShell?: RunPowerShell,
  progress: Progress = NO_PROGRESS,
): Promise<ChurnFacts> {
  const stopCountdown = countdown(progress, 'sampling disk churn', seconds);
  try {
    return await (platform === 'windows' ? sampleWindows(seconds, signal, runPowerShell) : sampleLinux(root, seconds, exclude, signal));
  } finally {
    stopCountdown();
  }
}

/** Tells `progress` the seconds left once a second (the timer is unref'd); returns what stops it. */
function countdown(progress: Progress, label: string, seconds: number): () => void {
  if (progress === NO_PROGRESS) return () => {};
  const end = performance.now() + seconds * 1000;
  const tick = () => progress.countdown(label, Math.max(0, Math.round((end - performance.now()) / 1000)));
  tick();
  const timer = setInterval(tick, 1000);
  timer.unref();
  return () => clearInterval(timer);
}

async function sampleLinux(root: string, seconds: number, exclude: readonly string[], signal?: AbortSignal): Promise<ChurnFacts> {
  const fs = new GuestFs(root);
  const read = async () => {
    const text = await fs.readTextIfExists('/proc/diskstats', 4 * 1024 * 1024);
    if (text === null) throw new Error('/proc/diskstats is not readable');
    return parseDiskstats(text);
  };
  const snapshots: Array<{ at: number; written: Map<string, number> }> = [{ at: performance.now(), written: await read() }];
  for (let i = 0; i < seconds; i++) {
    await sleep(1000, signal);
    snapshots.push({ at: performance.now(), written: await read() });
  }
  const disks = [...snapshots[0]!.written.keys()].filter((d) => !exclude.includes(d));
  const perSecond = (disk: string) =>
    snapshots.slice(1).map((s, i) => {
      const before = snapshots[i]!;
      const bytes = Math.max(0, ((s.written.get(disk) ?? 0) - (before.written.get(disk) ?? 0)) * 512);
      return { bytes, rate: bytes / ((s.at - before.at) / 1000) / MB };
    });
  const elapsed = (snapshots.at(-1)!.at - snapshots[0]!.at) / 1000;
  return summarise(
    disks.map((disk) => ({ disk, series: perSecond(disk) })),
    elapsed,
    snapshots.length - 1,
    '/proc/diskstats',
  );
}

export function parseTypeperfCsv(text: string): Array<{ counter: string; values: number[] }> {
  const rows = text
    .split(/\r?\n/)
    .filter((l) => l.startsWith('"'))
    .map((l) => l.split('","').map((c) => c.replace(/^"|"$/g, '')));
  const header = rows[0];
  if (!header) return [];
  return header.slice(1).map((counter, column) => ({
    counter,
    values: rows
      .slice(1)
      .map((r) => Number.parseFloat(r[column + 1] ?? ''))
      .filter((v) => Number.isFinite(v)),
  }));
}

/**
 * The PowerShell script sampling the raw write counter of every physical disk once a second.
 * Win32_PerfRawData_PerfDisk_PhysicalDisk is a WMI class name, the same in every display language
 * (typeperf's "\\PhysicalDisk(*)\\Disk Write Bytes/sec" is a localised counter path and fails on a
 * German or Japanese Windows). DiskWriteBytesPersec is a PERF_COUNTER_BULK_COUNT: a running total
 * of bytes, so rate = Δbytes / (ΔTimestamp_PerfTime / Frequency_PerfTime). Big numbers are printed as
 * strings (JSON numbers lose precision past 2^53); output is UTF-8 JSON.
 */
export function windowsChurnScript(seconds: number): string {
  const n = Math.max(1, Math.min(3600, Math.floor(seconds)));
  return [
    "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'",
    POWERSHELL_UTF8_OUTPUT,
    '$samples = New-Object System.Collections.ArrayList',
    `for ($i = 0; $i -le ${n}; $i++) {`,
    '  if ($i -gt 0) { Start-Sleep -Milliseconds 1000 }',
    '  $disks = @(Get-CimInstance -ClassName Win32_PerfRawData_PerfDisk_PhysicalDisk | ForEach-Object { @{ name = [string]$_.Name; bytes = [string]$_.DiskWriteBytesPersec; t = [string]$_.Timestamp_PerfTime; f = [string]$_.Frequency_PerfTime } })',
    '  [void]$samples.Add(@{ disks = $disks })',
    '}',
    'ConvertTo-Json -InputObject @{ samples = @($samples) } -Depth 5 -Compress',
  ].join('\n');
}

export function windowsChurnArgs(seconds: number): string[] {
  return ['-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(windowsChurnScript(seconds), 'utf16le').toString('base64')];
}

/** The script's JSON, as per-disk series (bytes and MB/s per interval); a problem when it is not that JSON. */
export function parseWindowsChurnJson(
  text: string,
): { series: Array<{ disk: string; series: Array<{ bytes: number; rate: number }> }>; elapsed: number; samples: number } | { problem: string } {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (err) {
    return { problem: `PowerShell did not print the expected JSON (${(err as Error).message}): ${JSON.stringify(trimmed.slice(0, 120))}` };
  }
  const samples = (doc as { samples?: unknown })?.samples;
  if (!Array.isArray(samples) || samples.length < 2) return { problem: `PowerShell printed fewer than two samples: ${JSON.stringify(trimmed.slice(0, 120))}` };
  type Point = { bytes: bigint; t: bigint; f: bigint };
  const big = (v: unknown): bigint | null =>
    typeof v === 'string' && /^\d{1,20}$/.test(v) ? BigInt(v) : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : null;
  const perSample: Array<Map<string, Point>> = samples.slice(0, 3601).map((s) => {
    const m = new Map<string, Point>();
    const disks = (s as { disks?: unknown })?.disks;
    for (const d of Array.isArray(disks) ? disks.slice(0, 1024) : disks && typeof disks === 'object' ? [disks] : []) {
      const o = d as Record<string, unknown>;
      const name = typeof o.name === 'string' ? o.name.slice(0, 200) : null;
      const bytes = big(o.bytes),
        t = big(o.t),
        f = big(o.f);
      if (name === null || name === '_Total' || bytes === null || t === null || f === null || f === 0n) continue;
      m.set(name, { bytes, t, f });
    }
    return m;
  });
  const names = [...perSample[0]!.keys()];
  if (names.length === 0) return { problem: `Win32_PerfRawData_PerfDisk_PhysicalDisk listed no disk: ${JSON.stringify(trimmed.slice(0, 120))}` };
  let elapsed = 0;
  const series = names.map((disk) => ({
    disk,
    series: perSample.slice(1).map((now, i) => {
      const before = perSample[i]!.get(disk);
      const after = now.get(disk);
      if (!before || !after || after.t <= before.t) return { bytes: 0, rate: 0 };
      const seconds = Number(after.t - before.t) / Number(after.f);
      const bytes = after.bytes >= before.bytes ? Number(after.bytes - before.bytes) : 0;
      return { bytes, rate: bytes / seconds / MB };
    }),
  }));
  const first = perSample[0]!.get(names[0]!)!;
  const last = perSample.at(-1)!.get(names[0]!);
  if (last && last.t > first.t) elapsed = Number(last.t - first.t) / Number(last.f);
  return { series, elapsed, samples: perSample.length - 1 };
}

async function sampleWindows(
  seconds: number,
  signal?: AbortSignal,
  run: RunPowerShell = execRunner('powershell.exe', (seconds * 2 + 60) * 1000, 16 * 1024 * 1024),
): Promise<ChurnFacts> {
  const parsed = parseWindowsChurnJson(await run(windowsChurnArgs(seconds), signal));
  if ('problem' in parsed) throw new Error(`${WINDOWS_CHURN_SOURCE}: ${parsed.problem}`);
  return summarise(parsed.series, parsed.elapsed, parsed.samples, WINDOWS_CHURN_SOURCE);
}

export const WINDOWS_CHURN_SOURCE = 'powershell.exe Get-CimInstance Win32_PerfRawData_PerfDisk_PhysicalDisk (DiskWriteBytesPersec, sampled each second)';

function summarise(
  series: Array<{ disk: string; series: Array<{ bytes: number; rate: number }> }>,
  elapsed: number,
  samples: number,
  source: string,
): ChurnFacts {
  const round = (n: number) => Math.round(n * 100) / 100;
  const disks = series.map(({ disk, series: s }) => {
    const bytes = s.reduce((sum, x) => sum + x.bytes, 0);
    return {
      disk,
      bytesWritten: Math.round(bytes),
      averageMBps: round(elapsed > 0 ? bytes / elapsed / MB : 0),
      peakMBps: round(Math.max(0, ...s.map((x) => x.rate))),
    };
  });
  const totals = Array.from({ length: samples }, (_, i) => series.reduce((sum, d) => sum + (d.series[i]?.rate ?? 0), 0));
  return {
    seconds: round(elapsed),
    samples,
    source,
    disks,
    vmAverageMBps: round(disks.reduce((sum, d) => sum + d.averageMBps, 0)),
    vmPeakMBps: round(Math.max(0, ...totals)),
  };
}

// The abort listener is removed when the timer fires: each sample used to leave one on the caller's
// signal, and repeated samples on one signal piled them up (MaxListenersExceededWarning).
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (undo(), resolve()), ms);
    const undo = onAbort(signal, () => (clearTimeout(timer), reject(signal!.reason)));
  });
}
