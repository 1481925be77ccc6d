// vCPUs and memory: /proc under --root (a fake guest), else the running system.
import os from 'node:os';
import { guestPath } from '../guest-paths';
import { readTextIfExists } from '../read-text';

export interface ResourceFacts {
  vcpus: number | null;
  memoryBytes: number | null;
  source: string;
}

export async function readLinuxResources(root: string): Promise<ResourceFacts> {
  const fromRoot = root !== '/' && root !== '';
  const cpuinfo = await readTextIfExists(guestPath(root, '/proc/cpuinfo'), 8 * 1024 * 1024);
  const meminfo = await readTextIfExists(guestPath(root, '/proc/meminfo'));
  const vcpus = cpuinfo !== null ? (cpuinfo.match(/^processor\s*:/gm) ?? []).length || null : fromRoot ? null : os.cpus().length;
  const memKiB = meminfo !== null ? Number(/^MemTotal:\s+(\d+)\s*kB/m.exec(meminfo)?.[1]) : NaN;
  const memoryBytes = Number.isFinite(memKiB) ? memKiB * 1024 : fromRoot ? null : os.totalmem();
  return { vcpus, memoryBytes, source: cpuinfo !== null ? '/proc/cpuinfo and /proc/meminfo' : fromRoot ? 'not in the --root image' : 'the running system' };
}
