// Check azure.eligibility: Azure's own replication-eligibility result for this VM (GET
// …/virtualMachines/{vm}/providers/Microsoft.RecoveryServices/replicationEligibilityResults/default,
// project reference azure-control-plane.md §2.9: "Validates whether a given VM can be protected or
// not"; source side only, so no target quota or SKU), shown beside asr-ready's own verdict on the
// operating system (os.supported, judged here again from the same facts). Where the two disagree
// the finding says so plainly: one of them is wrong about this VM, and which is worth knowing.
import type { CheckOutcome } from '../core/finding';
import type { SupportMatrix } from '../catalog/support-matrix';
import type { ControlPlaneFacts, EligibilityError } from '../facts/control-plane/types';
import type { HostFacts } from '../facts/host';
import type { KernelFacts } from '../facts/linux/kernel';
import type { WindowsVersion } from '../facts/windows/guest-parsers';
import { defineCheck } from './helpers/check-context';
import { controlPlaneOrSkip, isControlPlane, missingOutcome, sourcesOf } from './helpers/arm-findings';
import { evaluateLinuxSupport, evaluateWindowsSupport } from './os-supported';

export const ELIGIBILITY_REFERENCE = {
  api: 'azure-control-plane.md §2.9 (SPEC-ASR ReplicationEligibilityResults_Get.json, 2025-01-01): "Validates whether a given VM can be protected or not"; source side only',
  rbac: 'Reader covering replicationEligibilityResults/read is an inference (reference §5); whether the Microsoft.RecoveryServices provider must be registered is unconfirmed',
} as const;

/** What os.supported says of this guest, for the comparison. */
export interface OwnOsVerdict {
  status: CheckOutcome['status'];
  summary: string;
}

export const azureEligibility = defineCheck({
  id: 'azure.eligibility',
  title: "Azure's replication eligibility for this VM",
  description:
    "Shows what Azure Site Recovery's own eligibility check (replicationEligibilityResults) reports for this VM, beside asr-ready's operating-system verdict, and says so when the two disagree.",
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 75_000,
  needs: ['controlPlane', 'host', 'linuxGuest', 'windowsGuest'],
  explain: {
    judges:
      "Shows Azure's replicationEligibilityResults for this VM beside asr-ready's own os.supported verdict; errors Azure reports fail, and a disagreement between the two is said plainly.",
    sources: Object.values(ELIGIBILITY_REFERENCE),
    remediation: 'Fix what Azure reports, then run asr-ready again.',
  },
  async run(ctx) {
    const [cp, own] = await Promise.all([
      controlPlaneOrSkip(() => ctx.facts.controlPlane()),
      ownOsVerdict(
        () => ctx.facts.host(),
        async () => (await ctx.facts.linuxGuest()).kernel,
        async () => (await ctx.facts.windowsGuest()).version,
        ctx.catalog.supportMatrix,
        ctx.now,
      ),
    ]);
    return [isControlPlane(cp) ? evaluateEligibility(cp, own) : cp];
  },
});

/** os.supported's verdict from the same facts; null when they could not be read. */
export async function ownOsVerdict(
  host: () => Promise<HostFacts>,
  kernel: () => Promise<KernelFacts>,
  windowsVersion: () => Promise<WindowsVersion | null>,
  matrix: SupportMatrix,
  now: Date,
): Promise<OwnOsVerdict | null> {
  try {
    const h = await host();
    const outcome =
      h.os === 'windows' ? evaluateWindowsSupport(await windowsVersion(), h.arch, matrix, now) : evaluateLinuxSupport(h, await kernel(), matrix, now);
    return { status: outcome.status, summary: outcome.summary };
  } catch {
    return null;
  }
}

/** An error about the operating system ("A2AOperatingSystemNotSupported"), told by its code only: a cause naming the "OS disk" is not one. */
const isOsError = (e: EligibilityError) => /operatingsystem/i.test(e.code);
const isWarning = (e: EligibilityError) => (e.status ?? '').toLowerCase() === 'warning';

function shownError(e: EligibilityError): string {
  const trim = (t: string | null) => (t ? t.trim().replace(/\.+$/, '') : null);
  const parts = [trim(e.message), e.possibleCauses && e.possibleCauses !== e.message ? `possible causes: ${trim(e.possibleCauses)}` : null].filter(Boolean);
  return `${e.code}${e.status ? ` (${e.status})` : ''}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

export function evaluateEligibility(cp: ControlPlaneFacts, own: OwnOsVerdict | null): CheckOutcome {
  const base = { ownOsVerdict: own, reference: ELIGIBILITY_REFERENCE };
  if (cp.eligibility.status !== 'ok')
    return missingOutcome(cp.eligibility, "Azure's replication-eligibility result for this VM", {
      evidence: base,
      notFound:
        'ARM has no eligibility result for this VM (404): the VM or the Microsoft.RecoveryServices resource provider may be missing (whether the provider must be registered for this read is unconfirmed).',
    });
  const errors = cp.eligibility.value.errors;
  const evidence = {
    ...base,
    azureErrors: errors,
    azureErrorCodes: errors.map((e) => e.code),
    sources: sourcesOf(cp.eligibility),
  };
  const numeric = [
    ...new Set(
      errors
        .map((e) => e.code)
        .filter((c) => /^\d{5,6}$/.test(c))
        .map(Number),
    ),
  ];
  const osErrors = errors.filter(isOsError);
  const ours = own
    ? `asr-ready's os.supported says ${own.status}: ${own.summary}`
    : "asr-ready's own operating-system verdict could not be formed (the guest's facts could not be read)";
  // Disagreements on the operating system, both ways.
  const azureSaysOsBad = osErrors.some((e) => !isWarning(e));
  const disagreement =
    own && azureSaysOsBad && own.status !== 'fail'
      ? ` Azure and asr-ready disagree: Azure reports the operating system is not supported, but ${ours.charAt(0).toLowerCase()}${ours.slice(1)} Azure's check is the one "Enable replication" meets; the support matrix asr-ready carries may be behind Azure's, or Azure may identify the OS differently (e.g. from the image).`
      : own && !azureSaysOsBad && own.status === 'fail'
        ? ` Azure and asr-ready disagree: Azure reports no operating-system problem, but ${ours.charAt(0).toLowerCase()}${ours.slice(1)} Azure's check may not look at everything the support matrix requires (its kernel table, for one), so os.supported's finding still stands.`
        : '';
  const remediation = [...new Set(errors.map((e) => e.recommendedAction).filter((a): a is string => !!a))];
  if (errors.length === 0) {
    return {
      status: disagreement ? 'warn' : 'pass',
      summary: `Azure's eligibility check reports no errors for this VM (source side only: the target region's quota and sizes are not part of it).${disagreement || (own ? ` It agrees with os.supported (${own.status}).` : '')}`,
      remediation: disagreement
        ? 'See os.supported for what to change; if you believe the guest is supported, compare its version with the current support matrix.'
        : null,
      evidence,
    };
  }
  const blocking = errors.filter((e) => !isWarning(e));
  return {
    status: blocking.length ? 'fail' : 'warn',
    summary: `Azure's eligibility check reports ${blocking.length ? `that this VM cannot be protected as it is` : 'warnings for this VM'}: ${errors.map(shownError).join(' | ')}.${disagreement || (osErrors.length && own ? ` os.supported agrees (${own.status}).` : '')}`,
    remediation: remediation.length ? remediation.map((r, i) => `${i + 1}. ${r}`).join('\n') : 'Fix what Azure reports, then run asr-ready again.',
    asrErrorCodes: numeric,
    evidence,
  };
}
