// Check resources.size: at least 2 vCPUs and 1 GB RAM; the replication driver takes about 6% of RAM.
//
// The minimum is a property of the VM size, and the guest always sees less memory than its size has
// (firmware, the kernel's own image and reservations such as crashkernel= are not in MemTotal): a
// 1 GiB size shows about 0.9 GiB. So when IMDS names the size and the size catalog lists it, the
// size's nominal vCPUs and memory are judged; otherwise the guest's view, with a tolerance on memory
// (GUEST_MEMORY_TOLERANCE). The matrix's "1 GB" is read as 1 GiB, the unit Azure lists sizes in: no
// size lies between 1 GB (0.93 GiB) and 1 GiB, so the reading changes no verdict.
import type { CheckOutcome } from '../core/finding';
import { withTimeout } from '../core/time-bound';
import type { SupportMatrix } from '../catalog/support-matrix';
import { findVmSize, type VmSize, type VmSizeCatalog } from '../catalog/vm-sizes';
import type { ResourceFacts } from '../facts/linux/resources';
import type { AzureMetadataFacts } from '../facts/azure-metadata';
import { defineCheck } from './helpers/check-context';

/**
 * Without a known size, guest-visible memory of at least this share of the minimum (0.8 GiB for
 * 1 GiB) counts as meeting it. Safe on the pass side: a guest never sees more than its size has, and
 * the largest Azure size under 1 GiB has 0.75 GiB (Standard_A0/Basic_A0, which shows about 0.68;
 * the 0.5 GiB B1ls about 0.4), so 0.8 GiB visible proves a size of at least 1 GiB. It leaves about
 * 0.2 GiB for what the kernel keeps of a 1 GiB size (B1s, B2ts_v2, B2ats_v2 show about 0.9); a
 * larger reservation (a big crashkernel=) can fail a 1 GiB size, which the remediation says.
 */
export const GUEST_MEMORY_TOLERANCE = 0.8;
/** How long resources.size waits for the Azure metadata (the size); after that it judges the guest's view. */
const METADATA_WAIT_MS = 12_000;
const GiB = 1024 ** 3;

/** The VM size from IMDS compute.vmSize, or why it is not known. */
export interface SizeContext {
  vmSize: string | null;
  /** Why vmSize is null: not an Azure VM, IMDS not reached, no vmSize in its answer. */
  unknownReason?: string;
}

export const resourcesSize = defineCheck({
  id: 'resources.size',
  title: 'vCPUs and memory',
  description:
    'Site Recovery needs at least 2 vCPUs and 1 GB (read as 1 GiB) of RAM, judged on the VM size from IMDS where known; its driver uses about 6% of RAM.',
  platforms: ['linux', 'windows'],
  timeoutMs: 20_000,
  needs: ['host', 'azureMetadata', 'resources'],
  explain: {
    judges: `Fails below the minimum vCPUs and memory, judged on the VM size's nominal values when IMDS names a size the catalog lists, else on the guest's view with a tolerance of ${GUEST_MEMORY_TOLERANCE * 100}% on memory.`,
    sources: ['the Azure-to-Azure support matrix (src/catalog/support-matrix.json)', 'the VM size catalog (src/catalog/vm-sizes.json)'],
    catalogs: ['supportMatrix', 'vmSizes'],
    remediation: 'Resize the VM to a size with at least 2 vCPUs and 1 GiB of memory.',
  },
  async run(ctx) {
    const host = await ctx.facts.host();
    // Under --root, IMDS would describe the machine running asr-ready, not the image's VM.
    const size: SizeContext = host.fromRoot
      ? { vmSize: null, unknownReason: "under --root the image's VM size is not known (IMDS describes the machine running asr-ready)" }
      : sizeFromMetadata(await withTimeout('waiting for the Azure metadata', METADATA_WAIT_MS, () => ctx.facts.azureMetadata(), ctx.signal).catch(() => null));
    return [evaluateSize(await ctx.facts.resources(), ctx.catalog.supportMatrix, size, ctx.catalog.vmSizes)];
  },
});

/** The size IMDS reported, or why there is none. */
export function sizeFromMetadata(m: AzureMetadataFacts | null): SizeContext {
  if (m === null) return { vmSize: null, unknownReason: 'the Azure metadata was not gathered in time' };
  const vmSize = m.compute?.vmSize.trim() ?? '';
  if (m.ok && vmSize) return { vmSize };
  if (m.ok) return { vmSize: null, unknownReason: 'IMDS gave no vmSize' };
  if (m.contacted || m.error) return { vmSize: null, unknownReason: `IMDS was not read: ${m.error ?? 'no answer'}` };
  if (m.onAzure === false) return { vmSize: null, unknownReason: 'not an Azure VM by its chassis asset tag, so IMDS was not asked' };
  return { vmSize: null, unknownReason: `the chassis asset tag (${m.assetTagSource}) could not be read, so IMDS was not asked` };
}

/** GiB to two decimals, rounded down: what is shown never claims more than was seen. */
const gib = (bytes: number) => Math.floor((bytes / GiB) * 100) / 100;
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Judged on the guest's view alone, or on the VM size where the size catalog lists it. */
export function evaluateSize(r: ResourceFacts, matrix: SupportMatrix): CheckOutcome;
export function evaluateSize(r: ResourceFacts, matrix: SupportMatrix, size: SizeContext, catalog: VmSizeCatalog): CheckOutcome;
export function evaluateSize(r: ResourceFacts, matrix: SupportMatrix, size: SizeContext = { vmSize: null }, catalog?: VmSizeCatalog): CheckOutcome {
  const { minVcpus, minMemoryGiB, driverMemoryPercent } = matrix.resources;
  const memGiB = r.memoryBytes === null ? null : gib(r.memoryBytes);
  const entry = size.vmSize && catalog ? findVmSize(size.vmSize, catalog) : null;
  const notJudged = r.notes ?? [];
  const minimum = { vcpus: minVcpus, memoryGiB: minMemoryGiB };
  const guestEvidence = {
    vcpus: r.vcpus,
    memoryGiB: memGiB,
    source: r.source,
    minimum,
    vmSize: size.vmSize,
    ...(r.vcpusLowerBound ? { vcpusLowerBound: true } : {}),
  };
  const driverOf = (bytes: number | null) =>
    bytes === null
      ? ''
      : ` The replication driver will use about ${driverMemoryPercent}% of RAM (~${Math.round((bytes / 1024 ** 2) * (driverMemoryPercent / 100))} MiB here).`;
  const resize = `Resize the VM to a size with at least ${minVcpus} vCPUs and ${minMemoryGiB} GiB of memory.`;

  if (entry && catalog)
    return judgeBySize(
      entry,
      r,
      memGiB,
      { minVcpus, minMemoryGiB },
      {
        ...guestEvidence,
        judgedBy: 'vm size',
        sizeCatalog: { name: entry.name, vcpus: entry.vcpus, memoryGiB: entry.memoryGiB, version: catalog.version },
        ...(notJudged.length ? { guestNotes: notJudged } : {}),
      },
      driverOf(r.memoryBytes ?? entry.memoryGiB * GiB),
      resize,
    );

  // The guest's view, with the memory tolerance.
  const toleranceGiB = Math.round(minMemoryGiB * GUEST_MEMORY_TOLERANCE * 100) / 100;
  const why = size.vmSize ? `${size.vmSize} is not in the size catalog` : `the VM size is not known (${size.unknownReason ?? 'no Azure metadata'})`;
  const evidence = { ...guestEvidence, judgedBy: 'guest', guestMemoryToleranceGiB: toleranceGiB, ...(notJudged.length ? { notJudged } : {}) };
  const unread = notJudged.length ? ` Not judged: ${notJudged.join('; ')}.` : '';
  if (r.vcpus === null && memGiB === null) return { status: 'skip', summary: `vCPUs and memory are unknown (${r.source}).${unread}`, evidence };
  // A cut /proc/cpuinfo counts only the processors before the cut: too few is not proof of too few.
  const vcpusShort = r.vcpus !== null && r.vcpus < minVcpus && !r.vcpusLowerBound;
  const memShort = r.memoryBytes !== null && r.memoryBytes < toleranceGiB * GiB;
  const withinTolerance = r.memoryBytes !== null && !memShort && r.memoryBytes < minMemoryGiB * GiB;
  const short = [
    vcpusShort ? `${count(r.vcpus!, 'vCPU')} (at least ${minVcpus} needed)` : null,
    memShort
      ? `${memGiB} GiB of memory visible to the guest (a ${minMemoryGiB} GiB size shows at least ${toleranceGiB} GiB; ${why}, so this tolerance was used)`
      : null,
  ].filter(Boolean);
  const driver = driverOf(r.memoryBytes);
  if (short.length) {
    const remediation = memShort
      ? `${resize} If the VM size already has ${minMemoryGiB} GiB or more (check with: az vm show -g <group> -n <vm> --query hardwareProfile.vmSize), the guest keeps an unusual share of memory for itself (for example a large crashkernel= reservation) and the size meets the minimum.`
      : resize;
    return { status: 'fail', summary: `Too small for Site Recovery: ${short.join(', ')}.${driver}${unread}`, remediation, evidence };
  }
  const vcpuText = r.vcpus === null ? '?' : r.vcpusLowerBound ? `at least ${r.vcpus}` : `${r.vcpus}`;
  if (r.vcpus !== null && r.vcpus < minVcpus && r.vcpusLowerBound) {
    return {
      status: 'warn',
      summary: `Only ${r.vcpus} vCPU counted before /proc/cpuinfo was cut, so the vCPU minimum (${minVcpus}) was not judged.${unread}`,
      remediation: 'Check the vCPU count with: nproc',
      evidence,
    };
  }
  if (notJudged.length && (r.vcpus === null || memGiB === null)) {
    return {
      status: 'warn',
      summary: `${vcpuText} vCPUs and ${memGiB ?? '?'} GiB RAM; what is unknown was not judged.${driver}${unread}`,
      remediation: 'Check with: nproc; grep MemTotal /proc/meminfo',
      evidence,
    };
  }
  const tolerance = withinTolerance
    ? ` within the tolerance: ${why}, so at least ${toleranceGiB} GiB visible to the guest counts as a ${minMemoryGiB} GiB size (the kernel keeps part of a size's memory)`
    : '';
  return {
    status: 'pass',
    summary: `${vcpuText} vCPUs and ${memGiB ?? '?'} GiB RAM meet the minimum (${minVcpus} vCPUs, ${minMemoryGiB} GiB)${tolerance}.${driver}${unread}`,
    evidence,
  };
}

function judgeBySize(
  entry: VmSize,
  r: ResourceFacts,
  memGiB: number | null,
  min: { minVcpus: number; minMemoryGiB: number },
  evidence: Record<string, unknown>,
  driver: string,
  resize: string,
): CheckOutcome {
  const sized = `${entry.name}: ${count(entry.vcpus, 'vCPU')}, ${entry.memoryGiB} GiB (catalog)`;
  const vcpusSeen = r.vcpus === null ? '?' : r.vcpusLowerBound ? `at least ${r.vcpus}` : `${r.vcpus}`;
  const seen = `the guest sees ${vcpusSeen} vCPU${r.vcpus === 1 ? '' : 's'} and ${memGiB ?? '?'} GiB`;
  const short = [
    entry.vcpus < min.minVcpus ? `${count(entry.vcpus, 'vCPU')} (at least ${min.minVcpus} needed)` : null,
    entry.memoryGiB < min.minMemoryGiB ? `${entry.memoryGiB} GiB of memory (at least ${min.minMemoryGiB} GiB needed)` : null,
  ].filter(Boolean);
  if (short.length)
    return { status: 'fail', summary: `Too small for Site Recovery: ${sized} has ${short.join(' and ')}; ${seen}.${driver}`, remediation: resize, evidence };
  return { status: 'pass', summary: `${sized} meets the minimum (${min.minVcpus} vCPUs, ${min.minMemoryGiB} GiB); ${seen}.${driver}`, evidence };
}
