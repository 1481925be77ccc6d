// Every check the agent knows, in report order. Selection by --checks/--skip happens here.
import type { Check, Platform } from '../core/check';
import { UsageError } from '../core/errors';
import { quoteArg } from '../core/quote-arg';
import type { GuestCheck } from './helpers/check-context';
import { trustAzureRoots } from './trust-azure-roots';
import { azureMetadata } from './azure-metadata';
import { azureTargetRegion } from './azure-target-region';
import { azureVault } from './azure-vault';
import { azureTargetCapacity } from './azure-target-capacity';
import { azureCacheStorage } from './azure-cache-storage';
import { azureEligibility } from './azure-eligibility';
import { networkProxy } from './network-proxy';
import { networkEndpoints } from './network-endpoints';
import { networkNsgRules } from './network-nsg-rules';
import { networkRoutes } from './network-routes';
import { networkTlsInspection } from './network-tls-inspection';
import { networkCacheUpload } from './network-cache-upload';
import { timeSkew } from './time-skew';
import { osSupported } from './os-supported';
import { osKernel } from './os-kernel';
import { osFips } from './os-fips';
import { bootGrubDeviceNames } from './boot-grub-device-names';
import { bootLvmReferences } from './boot-lvm-references';
import { storageFilesystems } from './storage-filesystems';
import { storageDisks } from './storage-disks';
import { storageChurn } from './storage-churn';
import { resourcesSize } from './resources-size';
import { resourcesFreeSpace } from './resources-free-space';
import { timeSync } from './time-sync';
import { windowsServices } from './windows-services';
import { windowsUpdates } from './windows-updates';
import { windowsPendingReboot } from './windows-pending-reboot';

export const ALL_CHECKS: readonly GuestCheck[] = [
  trustAzureRoots,
  azureMetadata,
  azureTargetRegion,
  azureVault,
  azureTargetCapacity,
  azureCacheStorage,
  azureEligibility,
  networkProxy,
  networkEndpoints,
  networkNsgRules,
  networkRoutes,
  networkTlsInspection,
  networkCacheUpload,
  timeSkew,
  timeSync,
  osSupported,
  osKernel,
  osFips,
  bootGrubDeviceNames,
  bootLvmReferences,
  storageFilesystems,
  storageDisks,
  storageChurn,
  resourcesSize,
  resourcesFreeSpace,
  windowsServices,
  windowsUpdates,
  windowsPendingReboot,
];

/** An ID matches a selector equal to it, or a prefix ending in "." (`trust.`) or naming a family (`trust`). */
export function matchesSelector(id: string, selector: string): boolean {
  if (id === selector) return true;
  const prefix = selector.endsWith('.') ? selector : `${selector}.`;
  return id.startsWith(prefix);
}

export function selectChecks(
  platform: Platform,
  include: readonly string[],
  exclude: readonly string[],
  all: readonly GuestCheck[] = ALL_CHECKS,
): GuestCheck[] {
  for (const selector of [...include, ...exclude]) {
    if (!all.some((c) => matchesSelector(c.id, selector))) {
      throw new UsageError(`unknown check ${quoteArg(selector)}: known checks are ${all.map((c) => c.id).join(', ')}`);
    }
  }
  return all.filter(
    (c) =>
      c.platforms.includes(platform) &&
      (include.length === 0 || include.some((s) => matchesSelector(c.id, s))) &&
      !exclude.some((s) => matchesSelector(c.id, s)),
  );
}

/**
 * Under --root the verdict is the image's: a check of the machine asr-ready runs on (network path,
 * clock, IMDS, its Azure resources, live disk I/O) would judge this machine, not the guest. Such a
 * check runs only when --checks names it (or its family); otherwise it is reported as a skip that
 * says why and how to ask.
 */
export function scopeToImage(checks: readonly GuestCheck[], include: readonly string[]): GuestCheck[] {
  return checks.map((check) => {
    if (check.scope !== 'this-machine' || include.some((s) => matchesSelector(check.id, s))) return check;
    return {
      ...check,
      scope: 'guest-files' as const, // the stand-in looks at nothing on this machine (no probes start for it)
      timeoutMs: 1_000,
      needs: [],
      run: async () => [
        {
          status: 'skip' as const,
          summary: `Not run under --root: ${check.id} describes the machine asr-ready runs on (its network path, clock, metadata service, Azure resources or disk activity), not the image under --root, so it is kept out of the image's verdict. Run asr-ready on the guest itself, or add --checks ${check.id} ${usesEndpointProbes(check) || readsAzureResources(check) || check.needs.includes('cacheUpload') ? "to include this machine's view" : 'to run it on what the image holds (its /sys and /proc, which a mounted disk usually lacks)'}.`,
          evidence: { reason: 'this-machine check under --root', selectWith: `--checks ${check.id}` },
        },
      ],
    };
  });
}

/**
 * Checks judged from the endpoint probes, which are sent from this machine whatever --root says
 * (the other checks of this machine read the image's /sys and /proc under --root). The stand-in
 * scopeToImage makes for a check needs nothing and starts no probe.
 */
export function usesEndpointProbes(check: Pick<Check, 'needs'>): boolean {
  return check.needs.includes('endpointProbes');
}

/** Checks judged from this machine's Azure resources (ARM, read with its identity), whatever --root says. */
export function readsAzureResources(check: Pick<Check, 'needs'>): boolean {
  return check.needs.includes('controlPlane');
}
