// Is this an Azure VM, and what does IMDS say about it? The SMBIOS chassis asset tag decides first;
// IMDS is contacted only on Azure (or when --imds-endpoint names one), through the guest client's
// IMDS access (never a proxy), with short bounded attempts on net's retry loop. IMDS returns every
// value as a string.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Platform } from '../core/check';
import { describeError } from '../core/errors';
import { GuestFs } from './guest-fs';
import { DEFAULT_IMDS_ENDPOINT, imdsAccess, type ImdsAccess } from '../net/imds-get';
import { retryLoop } from '../net/retry-loop';
import { truncateText } from '../core/text-bounds';
import { AZURE_CHASSIS_ASSET_TAG } from '../catalog/azure-asset-tag';

const execFileAsync = promisify(execFile);

export { DEFAULT_IMDS_ENDPOINT };
export const IMDS_API_VERSION = '2021-12-13';
const ATTEMPT_TIMEOUT_MS = 2_000;
const RETRY_DELAYS_MS = [500, 1_500];

export interface AzureCompute {
  azEnvironment: string;
  location: string;
  vmId: string;
  vmSize: string;
  osType: string;
  resourceId: string;
  zone: string;
  securityType: string;
  encryptionAtHost: string;
  osDisk: { name: string; diskSizeGB: string; ephemeral: boolean; unmanaged: boolean; writeAcceleratorEnabled: string };
  dataDisks: Array<{
    lun: string;
    name: string;
    diskSizeGB: string;
    isUltraDisk: string;
    isSharedDisk: string;
    writeAcceleratorEnabled: string;
    storageAccountType: string;
  }>;
}

export interface AzureMetadataFacts {
  /** From the asset tag: true on Azure, false elsewhere, null when it cannot be read. */
  onAzure: boolean | null;
  assetTag: string | null;
  assetTagSource: string;
  contacted: boolean;
  endpoint: string | null;
  ok: boolean;
  status: number | null;
  attempts: number;
  error: string | null;
  compute: AzureCompute | null;
  /** The instance document as IMDS gave it (null when not read): the control-plane reader takes its network and identity fields from it rather than asking IMDS again. */
  document?: unknown;
}

export interface MetadataOptions {
  root: string;
  platform: Platform;
  imdsEndpoint: string | null;
  loopbackOnly: boolean;
  /** The guest client's IMDS access (src/net/guest-client.ts); by default one that refuses off loopback when loopbackOnly. */
  imds?: ImdsAccess;
  signal?: AbortSignal;
}

export async function readAzureMetadata(options: MetadataOptions): Promise<AzureMetadataFacts> {
  const tag = await readAssetTag(options);
  const onAzure = tag.value === null ? null : tag.value.trim() === AZURE_CHASSIS_ASSET_TAG;
  const base = { onAzure, assetTag: tag.value?.trim() ?? null, assetTagSource: tag.source };
  if (!onAzure && !options.imdsEndpoint) {
    return { ...base, contacted: false, endpoint: null, ok: false, status: null, attempts: 0, error: null, compute: null, document: null };
  }
  const endpoint = (options.imdsEndpoint ?? DEFAULT_IMDS_ENDPOINT).replace(/\/+$/, '');
  const imds = options.imds ?? imdsAccess(options.loopbackOnly);
  const refusal = imds.refusal(endpoint);
  if (refusal) return { ...base, contacted: false, endpoint, ok: false, status: null, attempts: 0, error: refusal, compute: null, document: null };
  const url = `${endpoint}/metadata/instance?api-version=${IMDS_API_VERSION}`;
  const { last, attempts } = await retryLoop(
    (): Promise<InstanceAttempt> => readInstance(imds, url, options.signal),
    RETRY_DELAYS_MS.length + 1,
    (result, n) => ('compute' in result || !result.retryable ? null : (RETRY_DELAYS_MS[n - 1] ?? null)),
    options.signal,
  );
  if ('compute' in last)
    return { ...base, contacted: true, endpoint, ok: true, status: last.status, attempts, error: null, compute: last.compute, document: last.document };
  return { ...base, contacted: true, endpoint, ok: false, status: last.status, attempts, error: last.error, compute: null, document: null };
}

type InstanceAttempt = { status: number; compute: AzureCompute; document: unknown } | { status: number | null; error: string; retryable: boolean };

/** One GET of the instance document: the document, or why not and whether another try may change that. */
async function readInstance(imds: ImdsAccess, url: string, signal: AbortSignal | undefined): Promise<InstanceAttempt> {
  try {
    const { status, body } = await imds.get(url, ATTEMPT_TIMEOUT_MS, signal);
    const notDocument = status === 200 ? notAnInstanceDocument(body) : null;
    if (status === 200 && notDocument === null) return { status, compute: computeFrom(body), document: body };
    // A 200 that is not an instance document would otherwise pass as "Azure VM (no vmId)" with no region.
    if (notDocument !== null) return { status, error: `IMDS answered HTTP 200 with ${notDocument}, not an instance document`, retryable: false };
    // 400 (bad header/version) and 404 will not change on retry; 410, 429 and 5xx may.
    return { status, error: `IMDS answered HTTP ${status}${imdsErrorText(body)}`, retryable: status === 410 || status === 429 || status >= 500 };
  } catch (err) {
    return { status: null, error: describeError(err), retryable: true };
  }
}

async function readAssetTag(options: MetadataOptions): Promise<{ value: string | null; source: string }> {
  if (options.platform === 'linux') {
    const file = '/sys/class/dmi/id/chassis_asset_tag';
    return { value: await new GuestFs(options.root).readTextIfExists(file), source: file };
  }
  try {
    const { stdout } = await execFileAsync(
      'powershell.exe',
      ['-NoProfile', '-NonInteractive', '-Command', '(Get-CimInstance -ClassName Win32_SystemEnclosure).SMBIOSAssetTag'],
      { timeout: 15_000, signal: options.signal, windowsHide: true },
    );
    return { value: stdout.trim() || null, source: 'Win32_SystemEnclosure.SMBIOSAssetTag' };
  } catch {
    return { value: null, source: 'Win32_SystemEnclosure.SMBIOSAssetTag (could not be read)' };
  }
}

/** What is wrong with a 200 answer that should be an instance document, or null when it is one. */
function notAnInstanceDocument(body: unknown): string | null {
  if (body === null) return 'a body that is not JSON';
  if (Array.isArray(body)) return 'a JSON array';
  if (typeof body !== 'object') return `a JSON ${typeof body}`;
  const compute = (body as Record<string, unknown>).compute;
  return typeof compute === 'object' && compute !== null && !Array.isArray(compute) ? null : 'no "compute" object';
}

function imdsErrorText(body: unknown): string {
  const error = obj(body).error;
  return typeof error === 'string' ? `: ${truncateText(error)}` : '';
}

// Only scalars become text: String() of an object whose "toString" key is data throws, and an
// IMDS answer is data. Capped: these values reach reports.
const str = (v: unknown): string => (typeof v === 'string' ? truncateText(v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
/** An object's own fields; anything else (null, a number, an array) has none. */
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The compute part of an IMDS instance document; never throws, whatever JSON it is given. */
export function computeFrom(body: unknown): AzureCompute {
  const compute = obj(obj(body).compute);
  const storage = obj(compute.storageProfile);
  const osDisk = obj(storage.osDisk);
  const security = obj(compute.securityProfile);
  const dataDisks = Array.isArray(storage.dataDisks) ? (storage.dataDisks as unknown[]).map(obj) : [];
  const managed = (d: Record<string, unknown>) => obj(d.managedDisk);
  return {
    azEnvironment: str(compute.azEnvironment),
    location: str(compute.location),
    vmId: str(compute.vmId),
    vmSize: str(compute.vmSize),
    osType: str(compute.osType),
    resourceId: str(compute.resourceId),
    zone: str(compute.zone),
    securityType: str(security.securityType),
    encryptionAtHost: str(security.encryptionAtHost),
    osDisk: {
      name: str(osDisk.name),
      diskSizeGB: str(osDisk.diskSizeGB),
      ephemeral: str(obj(osDisk.diffDiskSettings).option).toLowerCase() === 'local',
      unmanaged: str(obj(osDisk.vhd).uri) !== '',
      writeAcceleratorEnabled: str(osDisk.writeAcceleratorEnabled),
    },
    dataDisks: dataDisks.map((d) => ({
      lun: str(d.lun),
      name: str(d.name),
      diskSizeGB: str(d.diskSizeGB),
      isUltraDisk: str(d.isUltraDisk),
      isSharedDisk: str(d.isSharedDisk),
      writeAcceleratorEnabled: str(d.writeAcceleratorEnabled),
      storageAccountType: str(managed(d).storageAccountType),
    })),
  };
}
