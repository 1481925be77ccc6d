// What the control-plane checks (azure.*, network.nsg-rules, network.routes) share: the source of a
// fact as evidence (ARM path and api-version), and the finding for a read that is missing. A read
// refused with 403 is a skip naming the role to grant and the exact `az role assignment create`
// command (project reference azure-control-plane.md §5); a read that could not be made (not Azure,
// no identity, ARM unreachable) or was not asked (no --target-region…) is a skip saying why and what
// to do. None of them fails the run: the verdict stays the guest's. Pure.
import { describeError } from '../../core/errors';
import type { CheckOutcome } from '../../core/finding';
import { findRegion } from '../../catalog/site-recovery-regions';
import type { ArmMissing, ArmRead, ArmSource, ControlPlaneFacts, ReadSet, RegionFact, ResourceRead } from '../../facts/control-plane/types';

/** A fact's origin as the evidence names it: the request and its api-version. */
export interface SourceEvidence {
  /** "GET /subscriptions/…/providers/Microsoft.RecoveryServices/vaults". */
  request: string;
  apiVersion: string;
  pages: number;
  throttledWaits: number;
}

export function sourceEvidence(source: ArmSource): SourceEvidence {
  return { request: `${source.method} ${source.path}`, apiVersion: source.apiVersion, pages: source.pages, throttledWaits: source.throttledWaits };
}

/** The sources of the reads given (ok or missing), each once. */
export function sourcesOf(...reads: Array<ArmRead<unknown> | ArmMissing | null | undefined>): SourceEvidence[] {
  const out: SourceEvidence[] = [];
  for (const r of reads) {
    const source = r && 'source' in r ? r.source : undefined;
    if (!source) continue;
    const e = sourceEvidence(source);
    if (!out.some((o) => o.request === e.request && o.apiVersion === e.apiVersion)) out.push(e);
  }
  return out;
}

/** "GET /subscriptions/…/vaults?api-version=2025-08-01": a request as a line of text. */
export function requestText(source: ArmSource): string {
  return `${source.method} ${source.path}?api-version=${source.apiVersion}`;
}

/** Reference §5: the system-assigned identity's principal id, for a command whose principal is a placeholder. */
const FIND_PRINCIPAL =
  'spID=$(az resource list -n <vmName> --query [*].identity.principalId --out tsv)   # user-assigned: az identity show -g <rg> -n <identity> --query principalId -o tsv';

export interface MissingOptions {
  /** What to do when the read was not asked (e.g. "Give --target-region NAME …"). */
  notAsked?: string;
  /** What a 404 means for this read. */
  notFound?: string;
  subject?: string;
  title?: string;
  /** Evidence to add (region, names…). */
  evidence?: Record<string, unknown>;
}

/** The skip for a read that is missing: which role to grant (403), or why it could not be made and what to do. */
export function missingOutcome(read: ArmMissing, what: string, options: MissingOptions = {}): CheckOutcome {
  const base = { ...(options.subject ? { subject: options.subject } : {}), ...(options.title ? { title: options.title } : {}) };
  const extra = options.evidence ?? {};
  if (read.status === 'forbidden') {
    const refused = read.action ? `${read.action} over ${read.scope}` : `${requestText(read.source)} (scope ${read.scope})`;
    const placeholder = read.grant.command.includes('<principal-id>');
    return {
      ...base,
      status: 'skip',
      summary: `Not judged: the VM's identity may not read ${what}. ARM refused ${refused} (403 ${read.code ?? 'Forbidden'}): it needs the ${read.grant.role} role on ${read.grant.scope}. The verdict is not affected.`,
      remediation: [
        `1. Grant the VM's identity ${read.grant.role} on ${read.grant.scope} (Reader covers every read asr-ready makes; see the README, "What the VM's identity needs"):`,
        ...(placeholder ? [`   ${FIND_PRINCIPAL}`, `   then replace <principal-id> with $spID in:`] : []),
        `   ${read.grant.command}`,
        '2. Role assignments take up to 10 minutes to apply; a managed identity given access through a group can wait hours (its token is cached up to 24 hours). Then run asr-ready again.',
      ].join('\n'),
      evidence: {
        ...extra,
        read: 'forbidden',
        action: read.action,
        scope: read.scope,
        code: read.code,
        grant: read.grant,
        sources: [sourceEvidence(read.source)],
      },
    };
  }
  if (read.status === 'not-asked') {
    return {
      ...base,
      status: 'skip',
      summary: `Not judged: ${what} not read, because ${read.why}.${options.notAsked ? ` ${options.notAsked}` : ''}`,
      remediation: options.notAsked ?? null,
      evidence: { ...extra, read: 'not-asked', why: read.why },
    };
  }
  const todo = whatToDo(read.reason, options.notFound);
  return {
    ...base,
    status: 'skip',
    summary: `Not judged: ${what} could not be read (${read.reason}): ${read.why}. ${todo}`,
    remediation: todo,
    evidence: {
      ...extra,
      read: 'unavailable',
      reason: read.reason,
      why: read.why,
      ...(read.httpStatus !== undefined ? { httpStatus: read.httpStatus } : {}),
      ...(read.code !== undefined ? { code: read.code } : {}),
      sources: read.source ? [sourceEvidence(read.source)] : [],
    },
  };
}

function whatToDo(reason: string, notFound: string | undefined): string {
  switch (reason) {
    case 'not-azure':
      return 'asr-ready reads Azure Resource Manager only on an Azure VM (or with --arm-endpoint): run it on the VM itself.';
    case 'no-imds':
      return "The VM's subscription, resource group and name come from IMDS: make 169.254.169.254 reachable directly, never through a proxy (see azure.metadata).";
    case 'no-identity':
      return 'Give the VM a managed identity (az vm identity assign -g <rg> -n <vm> for a system-assigned one; --identity-client-id names a user-assigned one) and grant it Reader on the VM\'s subscription (README, "What the VM\'s identity needs").';
    case 'unauthenticated':
      return "ARM refused the token (401): check that the identity belongs to the subscription's tenant and that the cloud is right (--cloud).";
    case 'not-found':
      return notFound ?? 'ARM answered 404: the resource (or its resource provider registration) is not there.';
    case 'throttled':
      return 'ARM throttled the reads (429): run asr-ready again in a few minutes.';
    case 'timeout':
      return "ARM did not answer in time: give a longer --deadline, or check the VM's route to the ARM endpoint.";
    case 'network':
      return 'The VM could not reach ARM: check its outbound HTTPS to the ARM endpoint (management.azure.com in public Azure) and its proxy.';
    case 'refused':
      return 'ARM was not contacted by policy (loopback only).';
    case 'incomplete':
      return 'A read this one depends on is missing: see why in the other findings.';
    default:
      return "Run asr-ready again; if it persists, keep the --json report: its evidence holds ARM's answer.";
  }
}

/** The first missing read of a set (the set itself, or one of its items), or null when every read is ok. */
export function firstMissing<T>(set: ReadSet<ResourceRead<T>>): ArmMissing | null {
  if (set.status !== 'ok') return set;
  for (const item of set.items) if (item.read.status !== 'ok') return item.read;
  return null;
}

/** An item of a set by ARM id (case-insensitively), as the referring resource spelt it. */
export function itemById<T extends { id: string }>(items: readonly T[], id: string | null | undefined): T | undefined {
  if (!id) return undefined;
  const key = id.toLowerCase();
  return items.find((i) => i.id.toLowerCase() === key);
}

export const sameArmId = (a: string | null | undefined, b: string | null | undefined): boolean => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** The last segment of an ARM id ("…/networkSecurityGroups/nsg1" → "nsg1"). */
export function nameOfId(id: string): string {
  return id.split('/').filter(Boolean).pop() ?? id;
}

/** The subscription of an ARM id, lower-cased, or null. */
export function subscriptionOfId(id: string): string | null {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ?? null;
}

/** "West US 2 (westus2)", or the name alone when the catalog does not list it. */
export function regionText(name: string): string {
  const r = findRegion(name);
  return r ? `${r.displayName} (${r.name})` : name;
}

/** A region as the evidence shows it. */
export function regionEvidence(region: RegionFact): Record<string, unknown> {
  return { name: region.name, given: region.given, from: region.from };
}

/** Give --target-region NAME: what the checks of the target region say when none was given. */
export const GIVE_TARGET_REGION = 'Give --target-region NAME (the Azure region this VM would fail over to, e.g. --target-region westus2) to judge it.';

/** The skip when no target region was given (or it is not a region name); null when there is one. */
export function noTargetRegion(cp: ControlPlaneFacts, what: string): CheckOutcome | null {
  if (cp.targetRegion.name) return null;
  const given = cp.targetRegion.given;
  return {
    status: 'skip',
    summary: given
      ? `Not judged: --target-region ${JSON.stringify(given.slice(0, 64))} is not an Azure region name, so ${what} cannot be judged. ${GIVE_TARGET_REGION}`
      : `Not judged: no target region was given, so ${what} cannot be judged. ${GIVE_TARGET_REGION}`,
    remediation: GIVE_TARGET_REGION,
    evidence: { targetRegion: regionEvidence(cp.targetRegion), sourceRegion: regionEvidence(cp.sourceRegion) },
  };
}

/**
 * The control-plane facts, or the skip that says they could not be gathered at all (the fact's own
 * time bound passed, say): an ARM check never fails the run for want of them.
 */
export async function controlPlaneOrSkip(gather: () => Promise<ControlPlaneFacts>): Promise<ControlPlaneFacts | CheckOutcome> {
  try {
    return await gather();
  } catch (err) {
    return {
      status: 'skip',
      summary: `Not judged: the Azure Resource Manager facts could not be gathered: ${describeError(err)}. The verdict is not affected.`,
      remediation: 'Run asr-ready again, with a longer --deadline if the reads ran out of time.',
      evidence: { error: describeError(err) },
    };
  }
}

/** Whether controlPlaneOrSkip gave the facts. */
export const isControlPlane = (v: ControlPlaneFacts | CheckOutcome): v is ControlPlaneFacts => 'targetRegion' in v;
