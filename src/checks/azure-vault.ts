// Check azure.vault: is there a Recovery Services vault for this VM's replication, in the target
// region? Project reference azure-control-plane.md §4.2: "Create the vault in any region, except the
// source region" [TUT 2020-01-16]; "We recommend that you keep the target location the same as the
// Recovery Services vault location" and "For cross-regional disaster recovery, the source location
// should be different from the Recovery Services Vault and its Resource Group's location" [HOW25
// 2025-06-17]; a third region is allowed [GLOBAL 2021-08-09]. Read: GET
// /subscriptions/{s}/providers/Microsoft.RecoveryServices/vaults (§2.1), the VM's subscription only.
//
// No vault is a warning, not a failure: a vault is one step to create and says nothing of the guest's
// readiness, and a vault in another subscription of the tenant (which this read does not list) can
// protect the VM too.
import type { CheckOutcome } from '../core/finding';
import { findRegion, normaliseRegionName } from '../catalog/site-recovery-regions';
import type { ControlPlaneFacts, VaultResource } from '../facts/control-plane/types';
import { defineCheck } from './helpers/check-context';
import { controlPlaneOrSkip, GIVE_TARGET_REGION, isControlPlane, missingOutcome, regionEvidence, regionText, sourcesOf } from './helpers/arm-findings';

export const VAULT_REFERENCE = {
  notSource: 'TUT (azure-to-azure-tutorial-enable-replication.md, 2020-01-16): "Create the vault in any region, except the source region"',
  crossRegion:
    'HOW25 (azure-to-azure-how-to-enable-replication.md, 2025-06-17): "For cross-regional disaster recovery, the source location should be different from the Recovery Services Vault and its Resource Group\'s location"',
  recommendTarget: 'HOW25: "We recommend that you keep the target location the same as the Recovery Services vault location"',
  thirdRegion: 'GLOBAL (azure-to-azure-enable-global-disaster-recovery.md, 2021-08-09): the vault may be in "a different (third) region"',
  reference: 'azure-control-plane.md §4.2',
} as const;

export const azureVault = defineCheck({
  id: 'azure.vault',
  title: 'Recovery Services vault in the target region',
  description:
    "Lists the Recovery Services vaults of the VM's subscription: one in the target region passes; one only in a third region warns (allowed, but Microsoft recommends the target region); one only in the source region cannot protect this VM across regions.",
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 75_000,
  needs: ['controlPlane'],
  explain: {
    judges:
      'Passes a Recovery Services vault in the target region; warns when there is none (one step to create) or it is in the source region; a vault in a third region is allowed.',
    sources: Object.values(VAULT_REFERENCE),
    remediation: 'Create a Recovery Services vault in the target region (not the source region).',
  },
  async run(ctx) {
    const cp = await controlPlaneOrSkip(() => ctx.facts.controlPlane());
    return [isControlPlane(cp) ? evaluateVault(cp) : cp];
  },
});

const usable = (v: VaultResource) => v.provisioningState === null || v.provisioningState.toLowerCase() === 'succeeded';
const shown = (v: VaultResource) => `${v.name} (${v.location || 'no location'}${usable(v) ? '' : `, provisioning state ${v.provisioningState}`})`;

export function evaluateVault(cp: ControlPlaneFacts): CheckOutcome {
  const subscription = cp.imds.status === 'ok' ? cp.imds.value.subscriptionId : null;
  const base = { sourceRegion: regionEvidence(cp.sourceRegion), targetRegion: regionEvidence(cp.targetRegion), subscription, reference: VAULT_REFERENCE };
  if (cp.vaults.status !== 'ok') return missingOutcome(cp.vaults, "the subscription's Recovery Services vaults", { evidence: base });
  const vaults = cp.vaults.value;
  const source = cp.sourceRegion.name;
  const target = cp.targetRegion.name;
  const evidence = {
    ...base,
    vaults: vaults.map((v) => ({ name: v.name, location: v.location, provisioningState: v.provisioningState, id: v.id })),
    sources: sourcesOf(cp.vaults),
  };
  const where = `subscription ${subscription ?? '(unknown)'}`;
  const inRegion = (v: VaultResource, region: string | null) => region !== null && normaliseRegionName(v.location) === region;
  const inSource = vaults.filter((v) => inRegion(v, source));
  const sourceNote = inSource.length
    ? ` ${inSource.map(shown).join(', ')} ${inSource.length === 1 ? 'is' : 'are'} in the source region ${regionText(source!)}, which cannot protect this VM across regions: "${VAULT_REFERENCE.notSource.split(': ')[1]}" and the source location "should be different from the Recovery Services Vault" (HOW25).`
    : '';
  const notListed = `Only ${where} was listed: a vault in another subscription of the same tenant is not seen here.`;
  if (!target) {
    return {
      status: 'skip',
      summary: `Not judged: no target region was given, so where the vault should be cannot be judged. ${vaults.length} vault(s) in ${where}${vaults.length ? `: ${vaults.map(shown).join(', ')}` : ''}.${sourceNote} ${GIVE_TARGET_REGION}`,
      remediation: GIVE_TARGET_REGION,
      evidence,
    };
  }
  const targetText = regionText(target);
  const create = `Create a Recovery Services vault in ${targetText}: az backup vault create --resource-group <rg> --name <vault> --location ${target} (or the portal: Recovery Services vaults > Create).`;
  const noVaultThere = findRegion(target)?.noVault
    ? ` ${findRegion(target)!.displayName} does not allow creating a Recovery Services vault ("creating recovery services vault isn't supported in New Zealand", SM25): keep the vault in a third region.`
    : '';
  const inTarget = vaults.filter((v) => inRegion(v, target));
  const readyInTarget = inTarget.filter(usable);
  if (readyInTarget.length) {
    return { status: 'pass', summary: `Recovery Services vault in the target region ${targetText}: ${readyInTarget.map(shown).join(', ')}.`, evidence };
  }
  if (inTarget.length) {
    return {
      status: 'warn',
      summary: `The vault(s) in the target region ${targetText} are not provisioned: ${inTarget.map(shown).join(', ')}.${sourceNote}`,
      remediation: `Wait for the vault's provisioning to finish or fix it, or ${create.charAt(0).toLowerCase()}${create.slice(1)}`,
      evidence,
    };
  }
  const third = vaults.filter((v) => usable(v) && !inRegion(v, source) && !inRegion(v, target));
  if (third.length) {
    return {
      status: 'warn',
      summary: `No Recovery Services vault in the target region ${targetText}; ${third.map(shown).join(', ')} ${third.length === 1 ? 'is' : 'are'} in a third region, which Site Recovery allows (GLOBAL), but Microsoft recommends keeping the vault in the target region (HOW25).${sourceNote}${noVaultThere}`,
      remediation: noVaultThere ? null : `${create} Or keep using the vault in the third region.`,
      evidence,
    };
  }
  if (inSource.length) {
    return {
      status: 'warn',
      summary: `No Recovery Services vault that can protect this VM:${sourceNote} ${notListed}${noVaultThere}`,
      remediation: noVaultThere ? 'Create a Recovery Services vault in a region other than the source region.' : create,
      evidence,
    };
  }
  return {
    status: 'warn',
    summary: `No Recovery Services vault in ${where}${vaults.length ? ` that is provisioned (${vaults.map(shown).join(', ')})` : ''}. A warning, not a failure: a vault is one step to create and says nothing of the guest's readiness. ${notListed}${noVaultThere}`,
    remediation: noVaultThere ? 'Create a Recovery Services vault in a region other than the source region.' : create,
    evidence,
  };
}
