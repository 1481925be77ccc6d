// vCPUs and memory: /proc under --root (a fake guest), else the running system.
import os from 'node:os';
import { GuestFs } from '../guest-fs';
import { isLiveRoot } from '../live-root';

export interface ResourceFacts {
  vcpus: number | null;
  memoryBytes: number | null;
  source: string;
  /** True when /proc/cpuinfo was cut at its cap: vcpus counts only the processors before the cut (at least this many). */
  vcpusLowerBound?: boolean;
  /** Why /proc/cpuinfo or /proc/meminfo was cut at the cap or could not be read, naming the file. */
  notes?: string[];
}

export const CPUINFO_MAX_BYTES = 8 * 1024 * 1024;
export const MEMINFO_MAX_BYTES = 1024 * 1024;

export async function readLinuxResources(root: string, limits: { cpuinfo?: number; meminfo?: number } = {}): Promise<ResourceFacts> {
  const fs = new GuestFs(root);
  const fromRoot = !isLiveRoot(root);
  const notes: string[] = [];
  const cpu = await fs.readText('/proc/cpuinfo', limits.cpuinfo ?? CPUINFO_MAX_BYTES);
  const mem = await fs.readText('/proc/meminfo', limits.meminfo ?? MEMINFO_MAX_BYTES);
  if (cpu.note) notes.push(cpu.note);
  if (mem.note) notes.push(mem.note);
  const cpuinfo = cpu.text;
  const meminfo = mem.text;
  const vcpus = cpuinfo !== null ? (cpuinfo.match(/^processor\s*:/gm) ?? []).length || null : fromRoot ? null : os.cpus().length;
  const memKiB = meminfo !== null ? Number(/^MemTotal:\s+(\d+)\s*kB/m.exec(meminfo)?.[1]) : NaN;
  const memoryBytes = Number.isFinite(memKiB) ? memKiB * 1024 : fromRoot ? null : os.totalmem();
  return {
    vcpus,
    memoryBytes,
    source: cpuinfo !== null ? '/proc/cpuinfo and /proc/meminfo' : fromRoot ? 'not in the --root image' : 'the running system',
    ...(cpuinfo !== null && cpu.truncated && vcpus !== null ? { vcpusLowerBound: true } : {}),
    ...(notes.length ? { notes } : {}),
  };
}
