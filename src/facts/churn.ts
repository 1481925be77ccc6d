// Write churn per disk over a sampling window: Linux /proc/diskstats (sectors written, always 512
// bytes), Windows typeperf "\PhysicalDisk(*)\Disk Write Bytes/sec". Peak is the busiest second,
// average is bytes over the window.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Platform } from '../core/check';
import { GuestFs } from './guest-fs';

const execFileAsync = promisify(execFile);
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

export async function sampleChurn(root: string, platform: Platform, seconds: number, exclude: readonly string[], signal?: AbortSignal): Promise<ChurnFacts> {
  return platform === 'windows' ? sampleWindows(seconds, signal) : sampleLinux(root, seconds, exclude, signal);
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
  return summarise(disks.map((disk) => ({ disk, series: perSecond(disk) })), elapsed, snapshots.length - 1, '/proc/diskstats');
}

export function parseTypeperfCsv(text: string): Array<{ counter: string; values: number[] }> {
  const rows = text.split(/\r?\n/).filter((l) => l.startsWith('"')).map((l) => l.split('","').map((c) => c.replace(/^"|"$/g, '')));
  const header = rows[0];
  if (!header) return [];
  return header.slice(1).map((counter, column) => ({
    counter,
    values: rows.slice(1).map((r) => Number.parseFloat(r[column + 1] ?? '')).filter((v) => Number.isFinite(v)),
  }));
}

async function sampleWindows(seconds: number, signal?: AbortSignal): Promise<ChurnFacts> {
  const { stdout } = await execFileAsync('typeperf', ['\\PhysicalDisk(*)\\Disk Write Bytes/sec', '-si', '1', '-sc', String(seconds)], { timeout: (seconds + 30) * 1000, signal, windowsHide: true });
  const columns = parseTypeperfCsv(stdout).filter((c) => !/_Total\)/.test(c.counter));
  const series = columns.map((c) => ({
    disk: /PhysicalDisk\(([^)]+)\)/.exec(c.counter)?.[1] ?? c.counter,
    series: c.values.map((bytesPerSecond) => ({ bytes: bytesPerSecond, rate: bytesPerSecond / MB })),
  }));
  return summarise(series, seconds, Math.max(0, ...columns.map((c) => c.values.length)), 'typeperf \\PhysicalDisk(*)\\Disk Write Bytes/sec');
}

function summarise(series: Array<{ disk: string; series: Array<{ bytes: number; rate: number }> }>, elapsed: number, samples: number, source: string): ChurnFacts {
  const round = (n: number) => Math.round(n * 100) / 100;
  const disks = series.map(({ disk, series: s }) => {
    const bytes = s.reduce((sum, x) => sum + x.bytes, 0);
    return { disk, bytesWritten: Math.round(bytes), averageMBps: round(elapsed > 0 ? bytes / elapsed / MB : 0), peakMBps: round(Math.max(0, ...s.map((x) => x.rate))) };
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

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
