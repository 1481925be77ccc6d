// Check resources.free-space: borrowed guidance, 2 GB free on the root file system and 250 MB where
// the Mobility service installs.
import type { CheckOutcome } from '../core/finding';
import type { SupportMatrix } from '../catalog/support-matrix';
import type { FreeSpaceEntry } from '../facts/free-space';
import { defineCheck } from './helpers/check-context';

export const resourcesFreeSpace = defineCheck({
  id: 'resources.free-space',
  title: 'Free disk space for the Mobility service',
  description:
    'Guidance borrowed from the VMware/physical matrix (not documented for Azure-to-Azure): 2 GB free on the root file system, 250 MB where the Mobility service installs.',
  platforms: ['linux', 'windows'],
  timeoutMs: 15_000,
  needs: ['freeSpace'],
  explain: {
    judges: 'Fails when the root file system or the Mobility install path has less free space than the guidance asks.',
    sources: ['vmware-physical-azure-support-matrix.md (borrowed guidance; not documented for Azure-to-Azure)'],
    catalogs: ['supportMatrix'],
    remediation: 'Free space on those file systems before installing the Mobility service.',
  },
  async run(ctx) {
    return [evaluateFreeSpace(await ctx.facts.freeSpace(), ctx.catalog.supportMatrix)];
  },
});

export function evaluateFreeSpace(entries: FreeSpaceEntry[], matrix: SupportMatrix): CheckOutcome {
  const [rootEntry, installEntry] = entries;
  const needs = [matrix.freeSpace.rootMiB, matrix.freeSpace.installMiB];
  const mib = (b: number | null) => (b === null ? null : Math.floor(b / 1024 ** 2));
  const evidence = { borrowed: true, entries: entries.map((e, i) => ({ ...e, freeMiB: mib(e.freeBytes), neededMiB: needs[i] })) };
  const unknown = entries.filter((e) => e.freeBytes === null);
  if (unknown.length === entries.length)
    return { status: 'skip', summary: `Free space could not be measured: ${unknown.map((e) => `${e.path}: ${e.error}`).join('; ')}.`, evidence };
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
