// Check azure.target-region: does Site Recovery accept this VM's source → target region pair for
// Azure-to-Azure replication? Judged from the region catalog (src/catalog/site-recovery-regions.json,
// project reference azure-control-plane.md §4.1: any two regions of a cloud since global disaster
// recovery, with restricted, source-only and target-only regions, JIO, and clouds that do not mix).
// The source region is IMDS compute.location (or --region), the target --target-region.
import type { CheckOutcome } from '../core/finding';
import { regionPairJudgement, SITE_RECOVERY_REGIONS } from '../catalog/site-recovery-regions';
import type { ControlPlaneFacts } from '../facts/control-plane/types';
import { defineCheck } from './helpers/check-context';
import { controlPlaneOrSkip, isControlPlane, noTargetRegion, regionEvidence, regionText } from './helpers/arm-findings';

export const azureTargetRegion = defineCheck({
  id: 'azure.target-region',
  title: 'Target region accepted for Azure-to-Azure replication',
  description:
    'Judges the source → target region pair (--target-region) against the Site Recovery region rules: restricted regions, source-only and target-only regions, JIO, and regions of another cloud.',
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 75_000,
  needs: ['controlPlane'],
  explain: {
    judges:
      'Fails a pair Site Recovery does not accept (restricted, source-only or target-only region, another cloud), passes an accepted one, and skips when no region can be known.',
    sources: ['the Site Recovery region catalog (src/catalog/site-recovery-regions.json), azure-control-plane.md §4.1'],
    catalogs: ['siteRecoveryRegions'],
    remediation: 'Choose another target region, or give --region / --target-region.',
  },
  async run(ctx) {
    const cp = await controlPlaneOrSkip(() => ctx.facts.controlPlane());
    return [isControlPlane(cp) ? evaluateTargetRegion(cp) : cp];
  },
});

export function evaluateTargetRegion(cp: ControlPlaneFacts): CheckOutcome {
  const noTarget = noTargetRegion(cp, 'the region pair');
  if (noTarget) return noTarget;
  const target = cp.targetRegion.name!;
  const evidence: Record<string, unknown> = {
    sourceRegion: regionEvidence(cp.sourceRegion),
    targetRegion: regionEvidence(cp.targetRegion),
    // No ARM read: the source region is IMDS compute.location (or --region), the target --target-region.
    sources: cp.imds.status === 'ok' ? [{ request: `GET ${cp.imds.source.endpoint}/metadata/instance`, apiVersion: cp.imds.source.apiVersion }] : [],
    catalog: { version: SITE_RECOVERY_REGIONS.version, matrixDate: SITE_RECOVERY_REGIONS.matrixDate },
    reference: 'azure-control-plane.md §4.1',
  };
  if (!cp.sourceRegion.name) {
    return {
      status: 'skip',
      summary: `Not judged: the source region is unknown (IMDS gave no location and no --region was given), so the pair → ${regionText(target)} cannot be judged.`,
      remediation: 'Run asr-ready on the Azure VM itself (IMDS gives its region), or give --region NAME.',
      evidence,
    };
  }
  const source = cp.sourceRegion.name;
  const j = regionPairJudgement(source, target);
  const judged = {
    ...evidence,
    judgement: { valid: j.valid, why: j.why, sourceKeys: j.sourceKeys, source: j.source, notes: j.notes, allowlisting: j.allowlisting },
  };
  const pair = `${regionText(source)} → ${regionText(target)}`;
  const notes = j.notes.length ? ` ${j.notes.join(' ')}` : '';
  if (j.valid === false) {
    return {
      status: 'fail',
      summary: `Site Recovery does not accept ${pair}: ${j.why}`,
      remediation: `Choose another target region: ${j.why} (${j.source}).`,
      evidence: judged,
    };
  }
  if (j.valid === null) {
    return {
      status: 'warn',
      summary: `The pair ${pair} could not be judged: ${j.why}${notes}`,
      remediation: 'Check the region names (az account list-locations -o table) and the Site Recovery support matrix, "Region support".',
      evidence: judged,
    };
  }
  if (j.allowlisting) {
    return {
      status: 'warn',
      summary: `${j.why}${notes} Whether the subscriptions are allowlisted cannot be read from Azure Resource Manager.`,
      remediation: `Request access to the restricted region for both the source and the target subscription (an Azure support request for region access) before enabling replication (${j.source}).`,
      evidence: judged,
    };
  }
  return { status: 'pass', summary: `${j.why}${notes}`, evidence: judged };
}
