// Checks resources.size (at least 2 vCPUs and 1 GB RAM; the replication driver takes about 6% of
// RAM) and resources.free-space (borrowed guidance: 2 GB on the root file system, 250 MB where the
// Mobility service installs).
import os from 'node:os';
import type { Check } from '../core/check';
import type { CheckOutcome } from '../core/finding';
import { SUPPORT_MATRIX, type SupportMatrix } from '../catalog/support-matrix';
import type { ResourceFacts } from '../facts/linux/resources';
import type { FreeSpaceEntry } from '../facts/free-space';

export const resourcesSize: Check = {
  id: 'resources.size',
  title: 'vCPUs and memory',
  description: 'Site Recovery needs at least 2 vCPUs and 1 GB of RAM; its driver uses about 6% of RAM.',
  platforms: ['linux', 'windows'],
  timeoutMs: 20_000,
  async run(ctx) {
    const host = await ctx.facts.host();
    const resources: ResourceFacts = host.os === 'linux' ? (await ctx.facts.linuxGuest()).resources : { vcpus: os.cpus().length, memoryBytes: os.totalmem(), source: 'the running system' };
    return [evaluateSize(resources, SUPPORT_MATRIX)];
  },
};

export function evaluateSize(r: ResourceFacts, matrix: SupportMatrix): CheckOutcome {
  const { minVcpus, minMemoryGiB, driverMemoryPercent } = matrix.resources;
  const memGiB = r.memoryBytes === null ? null : Math.round((r.memoryBytes / 1024 ** 3) * 10) / 10;
  const notJudged = r.notes ?? [];
  const evidence = {
    vcpus: r.vcpus,
    memoryGiB: memGiB,
    source: r.source,
    minimum: { vcpus: minVcpus, memoryGiB: minMemoryGiB },
    ...(r.vcpusLowerBound ? { vcpusLowerBound: true } : {}),
    ...(notJudged.length ? { notJudged } : {}),
  };
  const unread = notJudged.length ? ` Not judged: ${notJudged.join('; ')}.` : '';
  if (r.vcpus === null && memGiB === null) return { status: 'skip', summary: `vCPUs and memory are unknown (${r.source}).${unread}`, evidence };
  // A cut /proc/cpuinfo counts only the processors before the cut: too few is not proof of too few.
  const vcpusShort = r.vcpus !== null && r.vcpus < minVcpus && !r.vcpusLowerBound;
  const short = [
    vcpusShort ? `${r.vcpus} vCPU (at least ${minVcpus} needed)` : null,
    memGiB !== null && r.memoryBytes! < minMemoryGiB * 1e9 ? `${memGiB} GiB RAM (at least ${minMemoryGiB} GB needed)` : null,
  ].filter(Boolean);
  const driver = memGiB === null ? '' : ` The replication driver will use about ${driverMemoryPercent}% of RAM (~${Math.round((r.memoryBytes! / 1024 ** 2) * (driverMemoryPercent / 100))} MiB here).`;
  if (short.length) {
    return { status: 'fail', summary: `Too small for Site Recovery: ${short.join(', ')}.${driver}${unread}`, remediation: 'Resize the VM to a size with at least 2 vCPUs and 1 GB of memory.', evidence };
  }
  const vcpuText = r.vcpus === null ? '?' : r.vcpusLowerBound ? `at least ${r.vcpus}` : `${r.vcpus}`;
  if (r.vcpus !== null && r.vcpus < minVcpus && r.vcpusLowerBound) {
    return { status: 'warn', summary: `Only ${r.vcpus} vCPU counted before /proc/cpuinfo was cut, so the vCPU minimum (${minVcpus}) was not judged.${unread}`, remediation: 'Check the vCPU count with: nproc', evidence };
  }
  if (notJudged.length && (r.vcpus === null || memGiB === null)) {
    return { status: 'warn', summary: `${vcpuText} vCPUs and ${memGiB ?? '?'} GiB RAM; what is unknown was not judged.${driver}${unread}`, remediation: 'Check with: nproc; grep MemTotal /proc/meminfo', evidence };
  }
  return { status: 'pass', summary: `${vcpuText} vCPUs and ${memGiB ?? '?'} GiB RAM meet the minimum (2 vCPUs, 1 GB).${driver}${unread}`, evidence };
}

export const resourcesFreeSpace: Check = {
  id: 'resources.free-space',
  title: 'Free disk space for the Mobility service',
  description: 'Guidance borrowed from the VMware/physical matrix (not documented for Azure-to-Azure): 2 GB free on the root file system, 250 MB where the Mobility service installs.',
  platforms: ['linux', 'windows'],
  timeoutMs: 15_000,
  async run(ctx) {
    return [evaluateFreeSpace(await ctx.facts.freeSpace(), SUPPORT_MATRIX)];
  },
};

export function evaluateFreeSpace(entries: FreeSpaceEntry[], matrix: SupportMatrix): CheckOutcome {
  const [rootEntry, installEntry] = entries;
  const needs = [matrix.freeSpace.rootMiB, matrix.freeSpace.installMiB];
  const mib = (b: number | null) => (b === null ? null : Math.floor(b / 1024 ** 2));
  const evidence = { borrowed: true, entries: entries.map((e, i) => ({ ...e, freeMiB: mib(e.freeBytes), neededMiB: needs[i] })) };
  const unknown = entries.filter((e) => e.freeBytes === null);
  if (unknown.length === entries.length) return { status: 'skip', summary: `Free space could not be measured: ${unknown.map((e) => `${e.path}: ${e.error}`).join('; ')}.`, evidence };
  const low = entries.map((e, i) => ({ e, need: needs[i]! })).filter(({ e, need }) => e.freeBytes !== null && mib(e.freeBytes)! < need);
  const label = 'Guidance borrowed from the VMware/physical support matrix (Azure-to-Azure documents no figure)';
  if (low.length) {
    return {
      status: 'warn',
      summary: `${low.map(({ e, need }) => `${e.measured} has ${mib(e.freeBytes)} MiB free (${need} MiB recommended${e.measured !== e.path ? ` for ${e.path}` : ''})`).join('; ')}. ${label}.`,
      remediation: 'Free space on those file systems before installing the Mobility service (it also writes logs and caches there).',
      evidence,
    };
  }
  return {
    status: 'pass',
    summary: `${rootEntry?.measured} has ${mib(rootEntry?.freeBytes ?? null)} MiB free, ${installEntry?.measured} (for ${installEntry?.path}) ${mib(installEntry?.freeBytes ?? null)} MiB. ${label}.`,
    evidence,
  };
}
