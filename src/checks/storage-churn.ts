// Check storage.churn (opt-in with --churn-sample SECONDS): write throughput per disk and per VM
// against the limits. More churn than the replica disks and cache can take leads to 153007
// (no crash-consistent point for 60 minutes).
import type { CheckOutcome } from '../core/finding';
import type { SupportMatrix } from '../catalog/support-matrix';
import type { ChurnFacts } from '../facts/churn';
import type { AzureCompute } from '../facts/azure-metadata';
import { defineCheck } from './helpers/check-context';

export const storageChurn = defineCheck({
  id: 'storage.churn',
  title: 'Disk write churn',
  description: 'Samples write throughput per disk (--churn-sample SECONDS) and compares it with 54 MB/s per VM and 2 (Standard) to 20 (Premium) MB/s per disk.',
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 3_700_000,
  needs: ['churn', 'azureMetadata'],
  explain: {
    judges: 'Opt-in (--churn-sample). More write throughput than the per-VM or per-disk limit fails or warns; without the option it is a skip.',
    sources: ['High churn: concepts-azure-to-azure-high-churn-support.md (2026-01-06)', 'azure-to-azure-troubleshoot-replication.md (2025-04-29)'],
    catalogs: ['supportMatrix'],
    asrErrorCodes: [153007],
    remediation: 'Enable High Churn, use Premium replica disks, spread writes, or exclude scratch disks from replication.',
  },
  async run(ctx) {
    const churn = await ctx.facts.churn();
    const metadata = churn ? await ctx.facts.azureMetadata() : null;
    return [evaluateChurn(churn, metadata?.compute ?? null, ctx.catalog.supportMatrix)];
  },
});

export function evaluateChurn(churn: ChurnFacts | null, compute: AzureCompute | null, matrix: SupportMatrix): CheckOutcome {
  if (!churn)
    return { status: 'skip', summary: 'Churn was not sampled; run with --churn-sample SECONDS (e.g. 300, at a busy hour) to measure it.', evidence: {} };
  const limits = matrix.churn;
  const types = compute?.dataDisks.map((d) => d.storageAccountType).filter(Boolean) ?? [];
  const allStandard = types.length > 0 && types.every((t) => /^Standard/i.test(t));
  const perDisk = allStandard ? limits.perDiskMBps.standard : limits.perDiskMBps.premium;
  const diskBasis = allStandard
    ? 'Standard replica disks (from IMDS)'
    : types.length
      ? 'Premium replica disks (from IMDS)'
      : 'Premium replica disks (disk types unknown: assumed the best case)';
  const evidence = { ...churn, perDiskLimitMBps: perDisk, perVmLimitMBps: limits.perVmMBps, diskBasis };
  const busy = churn.disks.filter((d) => d.averageMBps > perDisk);
  const table = churn.disks.map((d) => `${d.disk} avg ${d.averageMBps} / peak ${d.peakMBps} MB/s`).join(', ');
  if (churn.vmAverageMBps > limits.perVmMBps) {
    return {
      status: 'fail',
      summary: `The VM wrote ${churn.vmAverageMBps} MB/s on average over ${churn.seconds} s (peak ${churn.vmPeakMBps} MB/s), over the ${limits.perVmMBps} MB/s Site Recovery sustains per VM (${limits.perVmHighChurnMBps} MB/s with High Churn). ${table}.`,
      remediation:
        'Enable High Churn (Premium block blob cache, managed disks, 32 GB RAM or more), exclude temporary or scratch disks from replication, or reduce the write load; sustained overload leads to 153007.',
      asrErrorCodes: [153007],
      evidence,
    };
  }
  if (busy.length) {
    return {
      status: 'warn',
      summary: `${busy.map((d) => `${d.disk} wrote ${d.averageMBps} MB/s on average`).join(', ')}: over ${perDisk} MB/s per disk for ${diskBasis}. Short spikes catch up; sustained churn does not. ${table}.`,
      remediation:
        'Use Premium replica disks of 512 GiB or more (up to 20 MB/s each), spread writes over more disks, or exclude disks that do not need protection.',
      asrErrorCodes: [153007],
      evidence,
    };
  }
  return {
    status: 'pass',
    summary: `Churn over ${churn.seconds} s: VM average ${churn.vmAverageMBps} MB/s, peak ${churn.vmPeakMBps} MB/s; every disk under ${perDisk} MB/s. ${table || 'No disks sampled.'}`,
    evidence,
  };
}
