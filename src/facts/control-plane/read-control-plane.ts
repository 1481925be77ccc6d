// Gathers the control-plane facts (types.ts): where the VM is (IMDS), then with the VM's identity
// (managed identity through the guest client's IMDS access, or the service principal of the
// delivery options) what ARM says about the VM, its NICs, subnets, NSGs and route tables, the
// vaults of its subscription, the target region's quota and SKU, the cache storage accounts, the
// service tags and ASR's eligibility verdict. Reads run concurrently (the ARM client bounds how many
// are in flight), each bounded, all within the caller's signal. Nothing is contacted unless the
// chassis asset tag or IMDS says this is Azure, or --arm-endpoint was given. Every read ends as a
// value or a typed reason (forbidden with the role to grant, unavailable, not-asked): a failure of
// one never hides the others.
import type { Dispatcher } from 'undici';
import { describeError } from '../../core/errors';
import type { EventLog } from '../../core/log';
import { AZURE_CLOUDS } from '../../catalog/azure-clouds';
import { cloudFromImds, type Cloud } from '../../catalog/azure-endpoints';
import { normaliseRegionName } from '../../catalog/site-recovery-regions';
import { ArmAuthorizationError, ArmClient, ArmError, type ArmCallInfo } from '../../net/arm-client';
import type { ImdsAccess } from '../../net/imds-get';
import { retryLoop } from '../../net/retry-loop';
import { ManagedIdentityTokens, ServicePrincipalTokens, TokenError, type TokenProvider } from '../../net/tokens';
import type { AzureMetadataFacts } from '../azure-metadata';
import { ARM_API_VERSIONS, IMDS_INSTANCE_API_VERSION } from './api-versions';
import { isRequestablePath, parseArmId, principalIdOf, sameId, subscriptionScope } from './arm-json';
import {
  blobServiceFrom,
  eligibilityFrom,
  imdsVmFrom,
  nicFrom,
  nsgFrom,
  routeTableFrom,
  serviceTagsFrom,
  skuFrom,
  storageAccountFrom,
  subnetFrom,
  usageFrom,
  vaultFrom,
  vmFrom,
} from './resources';
import type {
  ArmForbidden,
  ArmMissing,
  ArmNotAsked,
  ArmRead,
  ArmSource,
  ArmUnavailable,
  CacheStorageRead,
  ControlPlaneFacts,
  IdentityFact,
  ImdsRead,
  ReadSet,
  RegionFact,
  ResourceRead,
  RoleGrant,
  UnavailableReason,
} from './types';

/** The identity to read ARM with: the delivery options' (src/cli/delivery-args.ts), same shape. */
export type ControlPlaneAuth =
  { kind: 'managed-identity'; clientId: string | null } | { kind: 'service-principal'; tenantId: string; clientId: string; secret: string };

export interface ControlPlaneInputs {
  metadata: AzureMetadataFacts;
  /** The guest client's IMDS access (instance document and managed-identity tokens). */
  imds: ImdsAccess;
  /** The guest client's dispatcher, made only once something is to be contacted. */
  dispatcher: () => Dispatcher;
  auth: ControlPlaneAuth;
  /** Tests: tokens from here instead of the auth's provider. */
  tokens?: TokenProvider;
  /** --cloud, else IMDS compute.azEnvironment, else AzureCloud. */
  cloud: Cloud | null;
  /** --arm-endpoint (labs, tests), else the cloud's. */
  armEndpoint: string | null;
  /** --region (source), else IMDS compute.location. */
  sourceRegion: string | null;
  /** --target-region, normalised. */
  targetRegion: string | null;
  /** --cache-storage-account names. */
  cacheStorageAccounts: readonly string[];
  /** Retry-After waits past this (ms since epoch) are not made. */
  deadlineAt: number;
  userAgent?: string;
  log?: EventLog;
  /** Requests in flight at once (default 6). */
  concurrency?: number;
  /** Per-request bound (default 20 s). */
  requestTimeoutMs?: number;
  signal: AbortSignal;
}

const TOKEN_RETRY_DELAYS_MS = [1_000, 2_000];
/** The service tag list of a cloud is several MB. */
const SERVICE_TAGS_MAX_BYTES = 64 * 1024 * 1024;
/** Resources read at most per level of the network chain (NICs, subnets, NSGs, route tables): a VM has a few. */
const MAX_IDS_PER_LEVEL = 64;
const PLACEHOLDER_PRINCIPAL = '<principal-id>';

export async function readControlPlane(inputs: ControlPlaneInputs): Promise<ControlPlaneFacts> {
  const target: RegionFact = inputs.targetRegion
    ? { name: normaliseRegionName(inputs.targetRegion) || null, given: inputs.targetRegion, from: 'option' }
    : { name: null, given: null, from: null };
  const identity: IdentityFact = identityOf(inputs.auth);
  const noTarget: ArmNotAsked = { status: 'not-asked', why: 'no --target-region was given' };
  const noCache: ArmNotAsked = { status: 'not-asked', why: 'no --cache-storage-account was given' };
  let imds: ImdsRead = { status: 'not-asked', why: 'this is not known to be an Azure VM' };
  let source: RegionFact = inputs.sourceRegion
    ? { name: normaliseRegionName(inputs.sourceRegion) || null, given: inputs.sourceRegion, from: 'option' }
    : { name: null, given: null, from: null };
  const skeleton = (missing: ArmMissing, extra: Partial<ControlPlaneFacts> = {}): ControlPlaneFacts => ({
    contacted: false,
    why: 'why' in missing ? missing.why : null,
    cloud: null,
    endpoint: null,
    identity,
    imds,
    sourceRegion: source,
    targetRegion: target,
    vm: missing,
    networkInterfaces: missing,
    subnets: missing,
    networkSecurityGroups: missing,
    routeTables: missing,
    vaults: missing,
    targetUsages: target.name ? missing : noTarget,
    targetSku: target.name ? missing : noTarget,
    cacheStorageAccounts: inputs.cacheStorageAccounts.length ? missing : noCache,
    serviceTags: missing,
    eligibility: missing,
    requests: 0,
    ...extra,
  });

  // 1. Only on Azure (asset tag, or an IMDS that answered), or where --arm-endpoint points.
  const onAzure = inputs.metadata.onAzure === true || inputs.metadata.ok;
  if (!onAzure && !inputs.armEndpoint) {
    identity.why = 'not asked: this is not an Azure VM';
    return skeleton(
      unavailable(
        'not-azure',
        'this is not an Azure VM (the chassis asset tag does not say so, and IMDS was not read) and no --arm-endpoint was given: ARM was not contacted',
      ),
    );
  }

  // 2. Where the VM is in ARM, from IMDS.
  imds = await readImdsVm(inputs);
  if (imds.status !== 'ok') {
    identity.why = 'not asked: the VM could not be located (IMDS)';
    return skeleton(unavailable('no-imds', `the VM's subscription, resource group and name are unknown: ${imds.why}`));
  }
  const vmFacts = imds.value;
  if (!source.name && vmFacts.location) source = { name: normaliseRegionName(vmFacts.location) || null, given: vmFacts.location, from: 'imds' };
  const cloud = inputs.cloud ?? cloudFromImds(vmFacts.azEnvironment) ?? 'AzureCloud';
  const rm = AZURE_CLOUDS.clouds[cloud].resourceManager;
  const endpoint = inputs.armEndpoint ?? rm.endpoint;
  identity.audience = rm.audience;
  const located = { cloud, endpoint };
  const sub = vmFacts.subscriptionId;
  const enc = encodeURIComponent;
  const vmPath = `/subscriptions/${enc(sub)}/resourceGroups/${enc(vmFacts.resourceGroupName)}/providers/Microsoft.Compute/virtualMachines/${enc(vmFacts.name)}`;

  // 3. A token first: without one nothing can be read, and N reads would each ask IMDS.
  const dispatcher = inputs.dispatcher();
  const tokens = inputs.tokens ?? tokenProvider(inputs, cloud, rm.audience, dispatcher);
  const token = await firstToken(tokens, inputs.signal);
  if ('error' in token) {
    identity.token = 'failed';
    identity.why = token.error;
    return skeleton(unavailable('no-identity', `no token for ARM from the ${identityText(identity)}: ${token.error}`), located);
  }
  identity.token = 'obtained';
  identity.why = null;
  identity.principalId = token.principalId;

  const client = new ArmClient({
    endpoint,
    dispatcher,
    tokens,
    userAgent: inputs.userAgent,
    log: inputs.log,
    maxConcurrent: inputs.concurrency ?? 6,
    requestTimeoutMs: inputs.requestTimeoutMs ?? 20_000,
  });
  const call = { signal: inputs.signal, deadlineAt: inputs.deadlineAt };
  const read = <T>(fn: () => Promise<{ value: T; call: ArmCallInfo }>): Promise<ArmRead<T>> =>
    fn().then(
      ({ value, call: c }): ArmRead<T> => ({ status: 'ok', value, source: sourceOf(c) }),
      (err: unknown) => missingFrom(err, identity.principalId),
    );
  const get = <T>(path: string, version: string, map: (body: unknown) => T) =>
    read(async () => client.get(path, version, call).then((r) => ({ value: map(r.body), call: r.call })));
  const list = <T>(
    path: string,
    version: string,
    key: 'value' | 'values',
    map: (items: unknown[], first: Record<string, unknown>) => T,
    extra: { query?: Record<string, string>; maxBodyBytes?: number; maxPages?: number; maxTotalBytes?: number } = {},
  ) => read(async () => client.list(path, version, key, { ...call, ...extra }).then((r) => ({ value: map(r.items, r.first), call: r.call })));

  // 4. Everything that needs only IMDS, at once; the network chain follows the VM read.
  const vm = get(vmPath, ARM_API_VERSIONS.virtualMachines, vmFrom);
  const vaults = list(`/subscriptions/${enc(sub)}/providers/Microsoft.RecoveryServices/vaults`, ARM_API_VERSIONS.vaults, 'value', (items) =>
    items.map(vaultFrom),
  );
  const targetUsages = target.name
    ? list(`/subscriptions/${enc(sub)}/providers/Microsoft.Compute/locations/${enc(target.name)}/usages`, ARM_API_VERSIONS.usages, 'value', (items) =>
        items.map(usageFrom),
      )
    : Promise.resolve(noTarget);
  const targetSku = target.name ? readTargetSku(target.name) : Promise.resolve(noTarget);
  const serviceTags = source.name
    ? list(
        `/subscriptions/${enc(sub)}/providers/Microsoft.Network/locations/${enc(source.name)}/serviceTags`,
        ARM_API_VERSIONS.serviceTags,
        'values',
        (items, first) => serviceTagsFrom(first, items),
        {
          maxBodyBytes: SERVICE_TAGS_MAX_BYTES,
          // One page in reality: a second is allowed, no more, and 64 MiB over both.
          maxPages: 2,
          maxTotalBytes: SERVICE_TAGS_MAX_BYTES,
        },
      )
    : Promise.resolve<ArmNotAsked>({ status: 'not-asked', why: 'the source region is unknown (neither --region nor IMDS compute.location)' });
  const eligibility = get(
    `${vmPath}/providers/Microsoft.RecoveryServices/replicationEligibilityResults/default`,
    ARM_API_VERSIONS.replicationEligibility,
    eligibilityFrom,
  );
  const cacheStorageAccounts = inputs.cacheStorageAccounts.length ? readCacheAccounts() : Promise.resolve(noCache);
  const network = readNetwork();

  const [vmRead, vaultsRead, usagesRead, skuRead, tagsRead, eligibilityRead, cacheRead, net] = await Promise.all([
    vm,
    vaults,
    targetUsages,
    targetSku,
    serviceTags,
    eligibility,
    cacheStorageAccounts,
    network,
  ]);
  return {
    contacted: client.requests > 0,
    why: null,
    ...located,
    identity,
    imds,
    sourceRegion: source,
    targetRegion: target,
    vm: vmRead,
    ...net,
    vaults: vaultsRead,
    targetUsages: usagesRead,
    targetSku: skuRead,
    cacheStorageAccounts: cacheRead,
    serviceTags: tagsRead,
    eligibility: eligibilityRead,
    requests: client.requests,
  };

  async function readTargetSku(location: string) {
    // The size from IMDS; from the VM resource only when IMDS did not give it.
    const vmSize = vmFacts.vmSize || (await vm.then((r) => (r.status === 'ok' ? r.value.vmSize : '')));
    if (!vmSize) return { status: 'not-asked' as const, why: 'the VM size is unknown (neither IMDS nor the VM resource gave it)' };
    return list(
      `/subscriptions/${enc(sub)}/providers/Microsoft.Compute/skus`,
      ARM_API_VERSIONS.resourceSkus,
      'value',
      (items) => {
        const vms = items.filter((i) => (i as { resourceType?: unknown } | null)?.resourceType === 'virtualMachines');
        const match = vms.find((i) => typeof (i as { name?: unknown }).name === 'string' && sameId((i as { name: string }).name, vmSize));
        return { vmSize, sku: match ? skuFrom(match, location) : null, listed: vms.length };
      },
      { query: { $filter: `location eq '${location}'` } },
    );
  }

  /** NICs (from the VM), their subnets, then the NSGs of both and the subnets' route tables. */
  async function readNetwork() {
    const vmRead = await vm;
    const networkInterfaces: ReadSet<ResourceRead<ReturnType<typeof nicFrom>>> =
      vmRead.status === 'ok'
        ? {
            status: 'ok',
            items: await readEach(
              vmRead.value.networkInterfaces.map((n) => n.id),
              ARM_API_VERSIONS.network,
              (b) => nicFrom(b, vmFacts.interfaces),
            ),
          }
        : vmRead;
    const nics = okItems(networkInterfaces);
    const subnets =
      nics.status === 'ok'
        ? ({
            status: 'ok',
            items: await readEach(
              nics.values.flatMap((n) => n.ipConfigurations.map((c) => c.subnetId)),
              ARM_API_VERSIONS.network,
              subnetFrom,
            ),
          } as const)
        : nics.missing;
    const subnetValues = okItems(subnets);
    const bothKnown = nics.status !== 'ok' ? nics.missing : subnetValues.status !== 'ok' ? subnetValues.missing : null;
    const [networkSecurityGroups, routeTables] = await Promise.all([
      bothKnown
        ? bothKnown
        : readEach(
            [
              ...(nics.status === 'ok' ? nics.values.map((n) => n.networkSecurityGroupId) : []),
              ...(subnetValues.status === 'ok' ? subnetValues.values.map((s) => s.networkSecurityGroupId) : []),
            ],
            ARM_API_VERSIONS.network,
            nsgFrom,
          ).then((items) => ({ status: 'ok' as const, items })),
      subnetValues.status !== 'ok'
        ? subnetValues.missing
        : readEach(
            subnetValues.values.map((s) => s.routeTableId),
            ARM_API_VERSIONS.network,
            routeTableFrom,
          ).then((items) => ({ status: 'ok' as const, items })),
    ]);
    return { networkInterfaces, subnets, networkSecurityGroups, routeTables };
  }

  /** Each id once (case-insensitively), read on its own; an id that is no ARM path is unavailable, not requested. */
  function readEach<T>(ids: ReadonlyArray<string | null>, version: string, map: (body: unknown) => T): Promise<Array<ResourceRead<T>>> {
    const byId = new Map<string, string>();
    for (const id of ids) if (id && !byId.has(id.toLowerCase())) byId.set(id.toLowerCase(), id);
    const unique = [...byId.values()];
    const reads: Array<Promise<ResourceRead<T>>> = unique.slice(0, MAX_IDS_PER_LEVEL).map(async (id) => ({
      id,
      read: isRequestablePath(id)
        ? await get(id, version, map)
        : unavailable('malformed', `ARM named a resource id that is not a resource path: ${JSON.stringify(id.slice(0, 200))}`),
    }));
    if (unique.length > MAX_IDS_PER_LEVEL) {
      const skipped = unique[MAX_IDS_PER_LEVEL]!;
      reads.push(
        Promise.resolve({
          id: skipped,
          read: unavailable(
            'malformed',
            `ARM named ${unique.length} resources here; only the first ${MAX_IDS_PER_LEVEL} were read, ${unique.length - MAX_IDS_PER_LEVEL} more (from this one on) were not`,
          ),
        }),
      );
    }
    return Promise.all(reads);
  }

  /** Each named cache account: in the VM's resource group, else found by name in the subscription's list; then its blob service. */
  async function readCacheAccounts(): Promise<ReadSet<CacheStorageRead>> {
    let subscriptionList: Promise<ArmRead<Array<{ id: string; name: string }>>> | null = null;
    const listed = () =>
      (subscriptionList ??= list(`/subscriptions/${enc(sub)}/providers/Microsoft.Storage/storageAccounts`, ARM_API_VERSIONS.storage, 'value', (items) =>
        items.map(storageAccountFrom).map((a) => ({ id: a.id, name: a.name })),
      ));
    const items = await Promise.all(
      inputs.cacheStorageAccounts.map(async (name): Promise<CacheStorageRead> => {
        const guess = `/subscriptions/${enc(sub)}/resourceGroups/${enc(vmFacts.resourceGroupName)}/providers/Microsoft.Storage/storageAccounts/${enc(name)}`;
        let id = guess;
        let account = await get(guess, ARM_API_VERSIONS.storage, storageAccountFrom);
        if (account.status === 'unavailable' && account.reason === 'not-found') {
          const all = await listed();
          const found = all.status === 'ok' ? all.value.find((a) => sameId(a.name, name)) : undefined;
          if (found && isRequestablePath(found.id)) {
            id = found.id;
            account = await get(found.id, ARM_API_VERSIONS.storage, storageAccountFrom);
          } else if (all.status === 'ok') {
            account = unavailable('not-found', `no storage account named ${name} in the VM's resource group or in subscription ${sub}`, {
              source: account.source,
            });
          } else if (all.status === 'forbidden') account = all;
        }
        const blobService: ArmRead<ReturnType<typeof blobServiceFrom>> =
          account.status === 'ok'
            ? await get(
                `${account.value.id && isRequestablePath(account.value.id) ? account.value.id : id}/blobServices/default`,
                ARM_API_VERSIONS.storage,
                blobServiceFrom,
              )
            : { status: 'not-asked', why: `the storage account ${name} itself could not be read` };
        return { id: account.status === 'ok' && account.value.id ? account.value.id : id, read: account, blobService };
      }),
    );
    return { status: 'ok', items };
  }
}

/** The values of an ok set whose every item was read; else the first reason one is missing. */
function okItems<T>(set: ReadSet<ResourceRead<T>>): { status: 'ok'; values: T[] } | { status: 'missing'; missing: ArmMissing } {
  if (set.status !== 'ok') return { status: 'missing', missing: set };
  const values: T[] = [];
  for (const item of set.items) {
    if (item.read.status !== 'ok') return { status: 'missing', missing: item.read };
    values.push(item.read.value);
  }
  return { status: 'ok', values };
}

async function readImdsVm(inputs: ControlPlaneInputs): Promise<ImdsRead> {
  const { metadata } = inputs;
  if (!metadata.ok || !metadata.endpoint) {
    return unavailable(
      'no-imds',
      metadata.contacted
        ? `IMDS could not be read: ${metadata.error ?? 'no instance document'}`
        : `IMDS was not contacted${metadata.error ? ` (${metadata.error})` : ''}`,
    );
  }
  // The document azure.metadata's reading already holds (same api-version): IMDS is asked once.
  const value = imdsVmFrom(metadata.document);
  // The resource id (IMDS ≥ 2019-03-11) fills what the separate fields do not give.
  const fromId = parseArmId(value.resourceId);
  value.subscriptionId ||= fromId?.subscriptionId ?? '';
  value.resourceGroupName ||= fromId?.resourceGroup ?? '';
  value.name ||= fromId?.name ?? '';
  if (!value.subscriptionId || !value.resourceGroupName || !value.name) {
    return unavailable('no-imds', 'the IMDS instance document does not give the subscription, resource group and VM name');
  }
  return { status: 'ok', value, source: { endpoint: metadata.endpoint, apiVersion: IMDS_INSTANCE_API_VERSION } };
}

function identityOf(auth: ControlPlaneAuth): IdentityFact {
  const common = { principalId: null, audience: null, token: 'not-asked' as const, why: null };
  if (auth.kind === 'service-principal') return { kind: 'service-principal', assignment: null, clientId: auth.clientId, tenantId: auth.tenantId, ...common };
  return { kind: 'managed-identity', assignment: auth.clientId ? 'user-assigned' : 'system-assigned', clientId: auth.clientId, tenantId: null, ...common };
}

function identityText(identity: IdentityFact): string {
  if (identity.kind === 'service-principal') return `service principal ${identity.clientId ?? ''}`.trim();
  return identity.assignment === 'user-assigned' ? `user-assigned managed identity ${identity.clientId ?? ''}` : 'system-assigned managed identity';
}

function tokenProvider(inputs: ControlPlaneInputs, cloud: Cloud, audience: string, dispatcher: Dispatcher): TokenProvider {
  const auth = inputs.auth;
  if (auth.kind === 'service-principal') {
    // A resource whose id ends in "/" is asked for as "<resource>//.default" (Entra ID's v2 rule).
    return new ServicePrincipalTokens(
      AZURE_CLOUDS.clouds[cloud].entraAuthorityHost,
      auth.tenantId,
      auth.clientId,
      auth.secret,
      `${audience}/.default`,
      dispatcher,
    );
  }
  return new ManagedIdentityTokens(inputs.metadata.endpoint ?? 'http://169.254.169.254', audience, auth.clientId, inputs.imds);
}

/** The first token, with a short retry of transient failures; its oid claim (decoded, not verified) is kept, the token is not. */
async function firstToken(tokens: TokenProvider, signal: AbortSignal): Promise<{ principalId: string | null } | { error: string }> {
  type Attempt = { principalId: string | null } | { error: string; transient: boolean };
  const { last } = await retryLoop(
    async (): Promise<Attempt> => {
      try {
        return { principalId: principalIdOf(await tokens.getToken(signal)) };
      } catch (err) {
        return { error: err instanceof TokenError ? err.message : describeError(err), transient: err instanceof TokenError ? err.transient : false };
      }
    },
    TOKEN_RETRY_DELAYS_MS.length + 1,
    (r, n) => ('error' in r && r.transient && !signal.aborted ? (TOKEN_RETRY_DELAYS_MS[n - 1] ?? null) : null),
    signal,
  );
  return 'error' in last ? { error: last.error } : last;
}

function sourceOf(call: ArmCallInfo): ArmSource {
  return { method: call.method, path: call.path, apiVersion: call.apiVersion, pages: call.pages, throttledWaits: call.throttledWaits };
}

function unavailable(reason: UnavailableReason, why: string, extra: Partial<ArmUnavailable> = {}): ArmUnavailable {
  return { status: 'unavailable', reason, why, ...extra };
}

/** Reference §5: Reader on the subscription, granted to the principal (the token's oid, else the one ARM named, else a placeholder). */
export function readerGrant(scope: string, principalId: string | null): RoleGrant {
  const subscription = subscriptionScope(scope) ?? scope;
  // The scope and the principal come from ARM's 403 text: into a shell command only when GUID-shaped
  // (letters, digits and dashes: nothing a shell reads), else as placeholders.
  const safeScope = /^\/subscriptions\/[0-9A-Za-z-]{1,64}$/.test(subscription) ? subscription : '/subscriptions/<subscription-id>';
  const safePrincipal = principalId && /^[0-9A-Za-z-]{1,64}$/.test(principalId) ? principalId : PLACEHOLDER_PRINCIPAL;
  return {
    role: 'Reader',
    scope: subscription,
    command: `az role assignment create --assignee-object-id ${safePrincipal} --assignee-principal-type ServicePrincipal --role Reader --scope ${safeScope}`,
  };
}

/** An ArmError (or anything thrown) → the typed reason the read is missing. */
export function missingFrom(err: unknown, principalId: string | null): ArmForbidden | ArmUnavailable {
  if (err instanceof ArmAuthorizationError) {
    const scope = err.scope ?? err.call.path;
    const principal = principalId ?? (err.objectId && /^[0-9a-f-]{36}$/i.test(err.objectId) ? err.objectId.toLowerCase() : null);
    return { status: 'forbidden', action: err.action, scope, grant: readerGrant(scope, principal), code: err.code, source: sourceOf(err.call) };
  }
  if (err instanceof ArmError) {
    const reason: UnavailableReason =
      err.kind === 'http'
        ? err.status === 401
          ? 'unauthenticated'
          : err.status === 404
            ? 'not-found'
            : 'http'
        : err.kind === 'token'
          ? 'no-identity'
          : err.kind === 'authorization'
            ? 'http'
            : err.kind;
    return unavailable(reason, err.message, {
      ...(err.status !== null ? { httpStatus: err.status } : {}),
      ...(err.code !== null ? { code: err.code } : {}),
      source: sourceOf(err.call),
    });
  }
  return unavailable('network', `the ARM read failed: ${describeError(err)}`);
}
