// Check azure.target-capacity: can the target region hold this VM after failover? Two findings:
// - the size: the VM's size is offered to this subscription in the target region (GET
//   …/Microsoft.Compute/skus?$filter=location eq '{target}', reference §2.4): a Location restriction
//   fails, a Zone restriction warns when the source VM is zonal (the target gets "the same zone
//   number" [TUT]), the NIC count must fit MaxNetworkInterfaces (a cause of 150097) and the Hyper-V
//   generation must be one the size takes ("same family as the source VM (Gen 1 or Gen 2)" [ARCH]);
// - the quota: the regional ("cores") and the size family's vCPU quota have room for this VM
//   (limit − current ≥ the size's vCPUs; GET …/locations/{target}/usages, reference §2.3).
// ASR error 150097: "target sub can't create VMs / no quota / no size matching NIC count" (§6).
// Free hardware capacity cannot be read (reference §4.4, unconfirmed); the target subscription is
// assumed to be the VM's (the facts read the VM's subscription).
import type { CheckOutcome } from '../core/finding';
import type { ControlPlaneFacts, ResourceSku, TargetSku, UsageEntry } from '../facts/control-plane/types';
import { defineCheck } from './helpers/check-context';
import { controlPlaneOrSkip, isControlPlane, missingOutcome, noTargetRegion, regionEvidence, regionText, sourcesOf } from './helpers/arm-findings';

/** "Replication couldn't be enabled for the virtual machine": no quota, no size matching the NIC count (reference §6, ERR25). */
export const ASR_TARGET_CAPACITY_CODE = 150097;

export const CAPACITY_REFERENCE = {
  sku: 'azure-control-plane.md §2.4: Location restriction → fail (also how a restricted region not allowlisted shows, inference); Zone only → warn if the source is zonal; MaxNetworkInterfaces ≥ the NICs (150097); HyperVGenerations',
  quota:
    'azure-control-plane.md §2.3: "the vCPUs for the VM must not exceed the vCPU quota for the VM size family or the total regional vCPU quota" (QUOTA 2023-02-15)',
  familyJoin: 'SKU family = usage name.value is how public tooling joins them, not a documented contract (unconfirmed)',
  error: 'azure-control-plane.md §6: 150097 (ERR25)',
} as const;

export const azureTargetCapacity = defineCheck({
  id: 'azure.target-capacity',
  title: "The VM's size and vCPU quota in the target region",
  description:
    "Checks that the VM's size is offered to this subscription in the target region (no Location restriction, a zone for a zonal VM, enough NICs, its Hyper-V generation) and that the regional and family vCPU quota there has room for it (ASR error 150097).",
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 75_000,
  needs: ['controlPlane'],
  explain: {
    judges:
      'Two findings: the size (a Location restriction fails, a Zone restriction warns for a zonal VM, the NIC count and the Hyper-V generation must fit) and the quota (regional and family vCPU quota must have room for the VM).',
    sources: Object.values(CAPACITY_REFERENCE),
    asrErrorCodes: [ASR_TARGET_CAPACITY_CODE],
    remediation: 'Choose a target size offered in the target region, or request a quota increase there before enabling replication.',
  },
  async run(ctx) {
    const cp = await controlPlaneOrSkip(() => ctx.facts.controlPlane());
    return isControlPlane(cp) ? evaluateTargetCapacity(cp) : [cp];
  },
});

export function evaluateTargetCapacity(cp: ControlPlaneFacts): CheckOutcome[] {
  const noTarget = noTargetRegion(cp, "the target region's size offer and vCPU quota");
  if (noTarget) return [noTarget];
  const target = cp.targetRegion.name!;
  const sku = cp.targetSku.status === 'ok' ? cp.targetSku.value : null;
  const skuFinding =
    cp.targetSku.status === 'ok'
      ? judgeSku(cp, cp.targetSku.value)
      : missingOutcome(cp.targetSku, `the resource SKUs of ${regionText(target)}`, {
          subject: 'size',
          evidence: { targetRegion: regionEvidence(cp.targetRegion) },
          notAsked: 'The VM size comes from IMDS (compute.vmSize) or the VM resource: run asr-ready on the Azure VM itself.',
        });
  const quotaFinding =
    cp.targetUsages.status === 'ok'
      ? judgeQuota(cp, cp.targetUsages.value, sku)
      : missingOutcome(cp.targetUsages, `the compute usages (vCPU quota) of ${regionText(target)}`, {
          subject: 'vCPU quota',
          evidence: { targetRegion: regionEvidence(cp.targetRegion) },
        });
  return [skuFinding, quotaFinding];
}

function sourceZone(cp: ControlPlaneFacts): string | null {
  if (cp.imds.status === 'ok' && cp.imds.value.zone) return cp.imds.value.zone;
  if (cp.vm.status === 'ok' && cp.vm.value.zones.length) return cp.vm.value.zones[0]!;
  return null;
}

function judgeSku(cp: ControlPlaneFacts, t: TargetSku): CheckOutcome {
  const target = cp.targetRegion.name!;
  const targetText = regionText(target);
  const subscription = cp.imds.status === 'ok' ? cp.imds.value.subscriptionId : null;
  const zone = sourceZone(cp);
  const nics = cp.vm.status === 'ok' ? cp.vm.value.networkInterfaces.length : null;
  const generation = cp.vm.status === 'ok' ? cp.vm.value.hyperVGeneration : null;
  const s = t.sku;
  const evidence = {
    targetRegion: regionEvidence(cp.targetRegion),
    subscription,
    vmSize: t.vmSize,
    skusListed: t.listed,
    sku: s && {
      name: s.name,
      family: s.family,
      vCPUs: s.vCPUs,
      vCPUsAvailable: s.vCPUsAvailable,
      maxNetworkInterfaces: s.maxNetworkInterfaces,
      hyperVGenerations: s.hyperVGenerations,
      zones: s.zones,
      restrictions: s.restrictions,
    },
    source: { zone, networkInterfaces: nics, hyperVGeneration: generation },
    reference: CAPACITY_REFERENCE,
    sources: sourcesOf(cp.targetSku, cp.vm),
  };
  const title = `${t.vmSize} in ${target}`;
  const base = { subject: 'size', title };
  if (!s && t.listed === 0) {
    return {
      ...base,
      status: 'warn',
      summary: `The resource SKU list of ${targetText} holds no VM sizes at all, so whether ${t.vmSize} is offered there cannot be told.`,
      remediation: `Check by hand: az vm list-skus --location ${target} --size ${t.vmSize} --all -o table`,
      evidence,
    };
  }
  if (!s) {
    return {
      ...base,
      status: 'fail',
      summary: `${t.vmSize} is not offered in ${targetText}: it is not among the ${t.listed} VM sizes the resource SKU list gives subscription ${subscription ?? '(unknown)'} there. Site Recovery picks the same size or the closest possible one (TUT), so the failed-over VM would not be ${t.vmSize}.`,
      remediation: `Choose a target VM size offered in ${target} (az vm list-skus --location ${target} --resource-type virtualMachines --all -o table) and set it in the replication settings, or choose another target region.`,
      asrErrorCodes: [ASR_TARGET_CAPACITY_CODE],
      evidence,
    };
  }
  const problems: Array<{ status: 'fail' | 'warn'; text: string; fix: string }> = [];
  const location = s.restrictions.filter((r) => r.type.toLowerCase() === 'location');
  if (location.length) {
    problems.push({
      status: 'fail',
      text: `${t.vmSize} is restricted in ${targetText} for this subscription (Location restriction, ${reasons(location)}): a VM of this size cannot be created there, and failover would meet SkuNotAvailable. A restricted region that the subscription is not allowlisted for shows the same way (inference).`,
      fix: `Request access to ${t.vmSize} in ${target} (an Azure support request; az vm list-skus --location ${target} --size ${t.vmSize} --all shows the restriction), or choose another target size or region.`,
    });
  }
  const zoneRestrictions = s.restrictions.filter((r) => r.type.toLowerCase() === 'zone');
  if (zoneRestrictions.length && zone) {
    const restricted = [...new Set(zoneRestrictions.flatMap((r) => r.zones))];
    const hit = restricted.length === 0 || restricted.includes(zone);
    if (hit)
      problems.push({
        status: 'warn',
        text: `The VM is in zone ${zone}, and ${t.vmSize} is restricted in zone${restricted.length === 1 ? '' : 's'} ${restricted.join(', ') || '(unnamed)'} of ${targetText} (${reasons(zoneRestrictions)}): the failed-over VM gets the same zone number (TUT).`,
        fix: `Choose another target zone or size in the replication settings, or request access to ${t.vmSize} in that zone.`,
      });
  } else if (zone && s.zones.length && !s.zones.includes(zone)) {
    problems.push({
      status: 'warn',
      text: `The VM is in zone ${zone}, but ${t.vmSize} is offered only in zone${s.zones.length === 1 ? '' : 's'} ${s.zones.join(', ')} of ${targetText}: the failed-over VM gets the same zone number (TUT).`,
      fix: 'Choose another target zone or size in the replication settings.',
    });
  }
  if (nics !== null && s.maxNetworkInterfaces !== null && nics > s.maxNetworkInterfaces) {
    problems.push({
      status: 'fail',
      text: `The VM has ${nics} network interfaces, and ${t.vmSize} takes at most ${s.maxNetworkInterfaces}: Site Recovery finds no size matching the NIC count (150097).`,
      fix: `Choose a target size with at least ${nics} network interfaces (MaxNetworkInterfaces in az vm list-skus --location ${target} --size <size> --all), or remove NICs before enabling replication.`,
    });
  }
  const generationNote = generation === null ? ' The VM resource does not give its Hyper-V generation, so the generation was not compared.' : '';
  if (generation && s.hyperVGenerations.length && !s.hyperVGenerations.some((g) => g.toLowerCase() === generation.toLowerCase())) {
    problems.push({
      status: 'fail',
      text: `The VM is Hyper-V generation ${generation}, and ${t.vmSize} in ${targetText} takes ${s.hyperVGenerations.join(', ')}: the target VM must be of the "same family as the source VM (Gen 1 or Gen 2)" (ARCH).`,
      fix: `Choose a target size that supports ${generation}.`,
    });
  }
  const nicNote = nics === null ? ' The VM resource could not be read, so its NIC count was not compared.' : '';
  if (problems.length) {
    const failed = problems.some((p) => p.status === 'fail');
    return {
      ...base,
      status: failed ? 'fail' : 'warn',
      summary: `${problems.map((p) => p.text).join(' ')}${nicNote}${generationNote}`,
      remediation: problems.map((p, i) => `${i + 1}. ${p.fix}`).join('\n'),
      asrErrorCodes: failed ? [ASR_TARGET_CAPACITY_CODE] : [],
      evidence,
    };
  }
  const facts = [
    s.vCPUs !== null ? vcpus(s.vCPUs) : null,
    nics !== null && s.maxNetworkInterfaces !== null ? `${nics} of at most ${s.maxNetworkInterfaces} NICs` : null,
    generation && s.hyperVGenerations.length ? `generation ${generation} (${s.hyperVGenerations.join(', ')})` : null,
    zone ? `zone ${zone} offered` : null,
    zoneRestrictions.length && !zone ? `zone restrictions that do not matter to this regional VM (${reasons(zoneRestrictions)})` : null,
  ].filter(Boolean);
  return {
    ...base,
    status: 'pass',
    summary: `${t.vmSize} is offered to subscription ${subscription ?? '(unknown)'} in ${targetText} without restriction${facts.length ? `: ${facts.join(', ')}` : ''}.${nicNote}${generationNote} Free hardware capacity itself cannot be read (unconfirmed).`,
    evidence,
  };
}

const vcpus = (n: number) => `${n} vCPU${n === 1 ? '' : 's'}`;

function reasons(restrictions: ResourceSku['restrictions']): string {
  return [...new Set(restrictions.map((r) => r.reasonCode ?? 'no reason code'))].join(', ');
}

function judgeQuota(cp: ControlPlaneFacts, usages: UsageEntry[], sku: TargetSku | null): CheckOutcome {
  const target = cp.targetRegion.name!;
  const targetText = regionText(target);
  const subscription = cp.imds.status === 'ok' ? cp.imds.value.subscriptionId : null;
  const s = sku?.sku ?? null;
  const vmSize = sku?.vmSize ?? (cp.imds.status === 'ok' ? cp.imds.value.vmSize : null);
  const regional = usages.find((u) => u.name.toLowerCase() === 'cores') ?? null;
  const family = s?.family ? (usages.find((u) => u.name.toLowerCase() === s.family!.toLowerCase()) ?? null) : null;
  const need = s?.vCPUs ?? null;
  const row = (u: UsageEntry | null) =>
    u && { name: u.name, localizedName: u.localizedName, currentValue: u.currentValue, limit: u.limit, free: u.limit - u.currentValue };
  const evidence = {
    targetRegion: regionEvidence(cp.targetRegion),
    subscription,
    vmSize,
    vCPUs: need,
    vCPUsAvailable: s?.vCPUsAvailable ?? null,
    family: s?.family ?? null,
    regional: row(regional),
    familyUsage: row(family),
    reference: CAPACITY_REFERENCE,
    sources: sourcesOf(cp.targetUsages, cp.targetSku),
  };
  const base = { subject: 'vCPU quota', title: `vCPU quota in ${target}` };
  const check = `az vm list-usage --location ${target} -o table`;
  if (need === null) {
    return {
      ...base,
      status: 'skip',
      summary: `Not judged: the vCPU count of ${vmSize || 'the VM size'} in ${targetText} is unknown (${sku ? (s ? 'the SKU gives no vCPUs capability' : 'the size is not offered there') : 'the resource SKU list was not read'}), so the quota cannot be compared.`,
      remediation: `Compare the size's vCPUs with the free quota by hand: ${check}`,
      evidence,
    };
  }
  const lines: Array<{ status: 'fail' | 'warn'; text: string }> = [];
  const describe = (u: UsageEntry) => `${u.localizedName || u.name} ${u.currentValue}/${u.limit} (${u.limit - u.currentValue} free)`;
  if (!regional)
    lines.push({ status: 'warn', text: `The usages of ${targetText} hold no "cores" entry (Total Regional vCPUs), so the regional quota was not compared.` });
  else if (regional.limit - regional.currentValue < need)
    lines.push({ status: 'fail', text: `The regional vCPU quota of ${targetText} has no room for ${vcpus(need)}: ${describe(regional)}.` });
  if (!s?.family) lines.push({ status: 'warn', text: `The SKU gives no family, so the family vCPU quota was not compared.` });
  else if (!family)
    lines.push({
      status: 'warn',
      text: `No usage entry is named after the family ${s.family}, so its vCPU quota was not compared (the SKU family ↔ usage name join is not a documented contract: unconfirmed).`,
    });
  else if (family.limit - family.currentValue < need)
    lines.push({
      status: 'fail',
      text: `The ${family.localizedName || family.name} quota of ${targetText} has no room for ${vcpus(need)}: ${describe(family)}.`,
    });
  const scope = `Counted for this VM alone (${vmSize}, ${vcpus(need)}): other VMs failing over to ${target} need room too, and quota counts allocated and deallocated VMs alike (QUOTA). The target subscription is taken to be the VM's own (${subscription ?? 'unknown'}).`;
  const constrained =
    s?.vCPUsAvailable !== null && s?.vCPUsAvailable !== undefined && s.vCPUsAvailable !== need
      ? ` ${vmSize} is a constrained-vCPU size (${s.vCPUsAvailable} of ${need} vCPUs available); quota is compared with ${need} (which of the two counts is unconfirmed).`
      : '';
  if (lines.length) {
    const failed = lines.some((l) => l.status === 'fail');
    return {
      ...base,
      status: failed ? 'fail' : 'warn',
      summary: `${lines.map((l) => l.text).join(' ')} ${scope}${constrained}`,
      remediation: failed
        ? `Request a quota increase for ${target} (portal: Subscriptions > Usage + quotas; check with ${check}) before enabling replication: without room, enabling replication fails with 150097.`
        : `Check the family's quota by hand: ${check}`,
      asrErrorCodes: failed ? [ASR_TARGET_CAPACITY_CODE] : [],
      evidence,
    };
  }
  return {
    ...base,
    status: 'pass',
    summary: `The vCPU quota of ${targetText} has room for ${vcpus(need)}: ${describe(regional!)}; ${describe(family!)}. ${scope}${constrained}`,
    evidence,
  };
}
