// Facts are gathered once per run, on first use, each within its own time bound and the run
// deadline. Checks ask for facts; tests can build a Facts over a fake --root.
import { NO_LOG, recordSources, SourceRecorder, type EventLog } from '../core/log';
import type { Progress } from '../core/progress';
import type { Platform } from '../core/check';
import { withTimeout } from '../core/time-bound';
import { readHostFacts, type HostFacts } from './host';
import type { TrustStoreFacts } from './trust-store';
import { readLinuxTrustStore } from './linux/read-linux-trust-store';
import { readWindowsTrustStore } from './windows/read-windows-trust-store';
import { readProxySettings, type ProxySettings } from './proxy/read-proxy-settings';
import { readAzureMetadata, type AzureMetadataFacts } from './azure-metadata';
import { readMobilityConfig, type MobilityConfigFacts } from './mobility-config';
import { probeEndpoints, type EndpointProbeFacts, type NetworkOptions } from './network';
import { readKernelFacts, type KernelFacts } from './linux/kernel';
import { readGrubFacts, type GrubFacts } from './linux/grub';
import { readLinuxFips, type LinuxFipsFacts } from './linux/fips';
import { readWindowsFips, type WindowsFipsFacts } from './windows/fips';
import { readMounts, type MountFacts } from './linux/mounts';
import { readBlockDevices, type BlockDevice } from './linux/block-devices';
import { readStorageStack, type StorageStackFacts } from './linux/storage-stack';
import { readLinuxResources, type ResourceFacts } from './linux/resources';
import { readWindowsResources } from './windows/resources';
import { readTimeSync, type TimeSyncFacts } from './time-sync';
import { sampleChurn, type ChurnFacts } from './churn';
import { readWindowsGuest, type WindowsGuestFacts } from './windows/read-windows-guest';
import { readFreeSpace, type FreeSpaceEntry } from './free-space';
import { SUPPORT_MATRIX } from '../catalog/support-matrix';
import { linkedSignal } from '../net/abort';
import { gatherControlPlane, type ControlPlaneOptions } from './control-plane/gather';
import type { ControlPlaneFacts } from './control-plane/types';
import { uploadCacheTestBlob, type CacheUploadFacts, type CacheUploadTarget } from './cache-upload';

export interface FactsOptions {
  root: string;
  platform: Platform;
  trustStorePaths: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Aborts when the run's deadline passes. */
  deadline: AbortSignal;
  /** When the deadline passes (ms since epoch): probes stop shortly before it to report what they saw. */
  deadlineAt: number;
  proxy: { cliProxy: string | null; cliNoProxy: boolean };
  imdsEndpoint: string | null;
  network: NetworkOptions;
  /** --churn-sample SECONDS, or null when churn is not sampled. */
  churnSeconds?: number | null;
  /** The control-plane reads (ARM): --target-region, --arm-endpoint, --arm-ca-file and the identity; defaults when absent. */
  controlPlane?: ControlPlaneOptions;
  /** --cache-upload-test[-file]: the container SAS URL to upload a test blob to; null or absent when not asked. */
  cacheUpload?: CacheUploadTarget | null;
  /** The run's ID (names the cache-upload test blob). */
  runId?: string;
  /** Each fact's start and end (debug), with the guest paths it read. */
  logger?: EventLog;
  /** What a terminal shows while slow facts are gathered (the churn countdown; probes take theirs in `network`). */
  progress?: Progress;
}

export interface LinuxGuestFacts {
  kernel: KernelFacts;
  grub: GrubFacts;
  mounts: MountFacts;
  disks: BlockDevice[];
  storage: StorageStackFacts;
  resources: ResourceFacts;
}

/** Probes stop this long before the run deadline, to leave time to judge and print. */
const PROBE_DEADLINE_MARGIN_MS = 1_500;
const PROBE_FACT_BOUND_MS = 60_000;
/** The control-plane reads: IMDS, a token, then up to four rounds of ARM reads (VM → NICs → subnets → NSGs), each bounded. */
const CONTROL_PLANE_FACT_BOUND_MS = 60_000;
/** The cache-upload test: 4 MiB up, then the delete (which has its own bound inside). */
const CACHE_UPLOAD_FACT_BOUND_MS = 45_000;
/** Kept back from the upload's own stop for the Delete Blob. */
const CACHE_UPLOAD_DELETE_RESERVE_MS = 12_000;
/** Below this much time for the upload itself it is not started: it could not finish, and a stop is no measurement. */
const CACHE_UPLOAD_MIN_BUDGET_MS = 5_000;

function cacheUploadNotStarted(target: CacheUploadTarget, budgetMs: number): CacheUploadFacts {
  const sas = new URL(target.sasUrl);
  return {
    host: sas.host,
    container: sas.pathname.replace(/^\/+|\/+$/g, ''),
    blob: '',
    bytes: 0,
    blocks: 0,
    blocksStored: 0,
    blockBytes: 0,
    ms: null,
    mbPerSecond: null,
    proxy: null,
    trustAnchor: null,
    trustSource: null,
    failure: null,
    deleted: { ok: true, status: null, problem: null },
    notStarted: `only ${Math.max(0, Math.round(budgetMs))} ms of the run deadline were left for the upload (at least ${CACHE_UPLOAD_MIN_BUDGET_MS} ms are needed, and ${CACHE_UPLOAD_DELETE_RESERVE_MS} ms are kept for the Delete Blob); nothing was uploaded`,
  };
}

export class Facts {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(readonly options: FactsOptions) {}

  host(): Promise<HostFacts> {
    return this.memo('host', 5_000, () => readHostFacts(this.options.root, this.options.platform));
  }

  trustStore(): Promise<TrustStoreFacts> {
    return this.memo('trust store', 30_000, async (signal) => {
      if (this.options.platform === 'windows') return readWindowsTrustStore(signal);
      const host = await this.host();
      return readLinuxTrustStore({
        root: this.options.root,
        family: host.family,
        overridePaths: this.options.trustStorePaths,
        env: this.options.env,
        signal,
      });
    });
  }

  proxySettings(): Promise<ProxySettings> {
    return this.memo('proxy', 20_000, (signal) =>
      readProxySettings({ root: this.options.root, platform: this.options.platform, env: this.options.env, ...this.options.proxy, signal }),
    );
  }

  azureMetadata(): Promise<AzureMetadataFacts> {
    return this.memo('Azure metadata', 20_000, (signal) =>
      readAzureMetadata({
        root: this.options.root,
        platform: this.options.platform,
        imdsEndpoint: this.options.imdsEndpoint,
        loopbackOnly: this.options.network.loopbackOnly,
        signal,
      }),
    );
  }

  mobilityConfig(): Promise<MobilityConfigFacts> {
    return this.memo('Mobility service configuration', 5_000, () => readMobilityConfig(this.options.root, this.options.platform, this.options.env));
  }

  endpointProbes(): Promise<EndpointProbeFacts> {
    return this.memo('endpoint probe', PROBE_FACT_BOUND_MS, async (signal) => {
      // The trust store is not awaited here: only the TLS layer needs it, so probes start meanwhile.
      const trustStore = this.trustStore().catch(() => null);
      const [proxy, metadata, mobility] = await Promise.all([this.proxySettings(), this.azureMetadata(), this.mobilityConfig()]);
      const stopAt = Math.min(this.options.deadlineAt - PROBE_DEADLINE_MARGIN_MS, Date.now() + PROBE_FACT_BOUND_MS - PROBE_DEADLINE_MARGIN_MS);
      // Not AbortSignal.any([..., AbortSignal.timeout()]): on Node 20 that signal can be collected and never fire.
      const stop = linkedSignal([signal], stopAt - Date.now(), () => new Error('the probes stopped shortly before the run deadline'));
      try {
        return await probeEndpoints({ platform: this.options.platform, trustStore, proxy, metadata, mobility }, this.options.network, stop.signal);
      } finally {
        stop.dispose();
      }
    });
  }

  linuxGuest(): Promise<LinuxGuestFacts> {
    return this.memo('Linux guest', 20_000, async () => {
      const root = this.options.root;
      const host = await this.host();
      const [kernel, grub, mounts, disks, storage, resources] = await Promise.all([
        readKernelFacts(root, host.kernel),
        readGrubFacts(root),
        readMounts(root),
        readBlockDevices(root),
        readStorageStack(root),
        readLinuxResources(root),
      ]);
      return { kernel, grub, mounts, disks, storage, resources };
    });
  }

  /** FIPS mode (os.fips): on Linux from /proc and the GRUB files linuxGuest() already read; on Windows from the policy value. */
  fips(): Promise<{ platform: 'linux'; linux: LinuxFipsFacts } | { platform: 'windows'; windows: WindowsFipsFacts }> {
    return this.memo('FIPS mode', 30_000, async (signal) => {
      if (this.options.platform === 'windows') return { platform: 'windows' as const, windows: await readWindowsFips(signal) };
      const guest = await this.linuxGuest();
      return { platform: 'linux' as const, linux: await readLinuxFips(this.options.root, guest.grub) };
    });
  }

  /** vCPUs and memory (resources.size): on Linux what linuxGuest() read, on Windows the running system. */
  resources(): Promise<ResourceFacts> {
    if (this.options.platform === 'windows') return this.memo('resources', 5_000, async () => readWindowsResources());
    return this.linuxGuest().then((guest) => guest.resources);
  }

  windowsGuest(): Promise<WindowsGuestFacts> {
    return this.memo('Windows guest', 60_000, (signal) => readWindowsGuest(signal));
  }

  freeSpace(): Promise<FreeSpaceEntry[]> {
    const windows = this.options.platform === 'windows';
    const paths = windows
      ? { root: `${this.options.env.SystemDrive ?? 'C:'}\\`, install: SUPPORT_MATRIX.freeSpace.windowsInstallPath }
      : { root: '/', install: SUPPORT_MATRIX.freeSpace.linuxInstallPath };
    return this.memo('free space', 10_000, () => readFreeSpace(this.options.root, this.options.platform, paths));
  }

  timeSync(): Promise<TimeSyncFacts> {
    return this.memo('time synchronisation', 30_000, (signal) => readTimeSync(this.options.root, this.options.platform, signal));
  }

  churn(): Promise<ChurnFacts | null> {
    const seconds = this.options.churnSeconds ?? null;
    if (seconds === null) return Promise.resolve(null);
    return this.memo('disk churn', seconds * 1000 + 30_000, async (signal) => {
      const resource = this.options.platform === 'linux' ? (await this.linuxGuest()).disks.filter((d) => d.role === 'resource').map((d) => d.name) : [];
      return sampleChurn(this.options.root, this.options.platform, seconds, resource, signal, undefined, this.options.progress);
    });
  }

  /** What ARM says about this VM, its network, the vaults and the target region (only on Azure, or with --arm-endpoint). */
  controlPlane(): Promise<ControlPlaneFacts> {
    return this.memo('control plane', CONTROL_PLANE_FACT_BOUND_MS, (signal) =>
      gatherControlPlane(
        { metadata: () => this.azureMetadata(), trustStore: () => this.trustStore(), proxy: () => this.proxySettings() },
        {
          options: this.options.controlPlane,
          network: this.options.network,
          deadlineAt: this.options.deadlineAt,
          boundMs: CONTROL_PLANE_FACT_BOUND_MS,
          log: this.options.logger,
        },
        signal,
      ),
    );
  }

  /** The cache-upload test (network.cache-upload): null unless --cache-upload-test[-file] was given. */
  cacheUpload(): Promise<CacheUploadFacts | null> {
    const target = this.options.cacheUpload ?? null;
    if (target === null) return Promise.resolve(null);
    return this.memo('cache upload', CACHE_UPLOAD_FACT_BOUND_MS, async (signal) => {
      const trustStore = this.trustStore().catch(() => null);
      const proxy = await this.proxySettings();
      // Stops before the run deadline, keeping time for the Delete Blob (its own bound) and the report.
      const stopAt = Math.min(
        this.options.deadlineAt - PROBE_DEADLINE_MARGIN_MS - CACHE_UPLOAD_DELETE_RESERVE_MS,
        Date.now() + CACHE_UPLOAD_FACT_BOUND_MS - CACHE_UPLOAD_DELETE_RESERVE_MS,
      );
      const budgetMs = stopAt - Date.now();
      if (budgetMs < CACHE_UPLOAD_MIN_BUDGET_MS) return cacheUploadNotStarted(target, budgetMs);
      const stop = linkedSignal([signal], budgetMs, () => new Error('the cache upload stopped shortly before the run deadline'));
      try {
        return await uploadCacheTestBlob(
          { target, runId: this.options.runId ?? String(Date.now()), trustStore, proxy },
          this.options.network,
          stop.signal,
          this.options.deadlineAt - PROBE_DEADLINE_MARGIN_MS,
        );
      } finally {
        stop.dispose();
      }
    });
  }

  private memo<T>(name: string, ms: number, gather: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let pending = this.cache.get(name) as Promise<T> | undefined;
    if (!pending) {
      const log = this.options.logger ?? NO_LOG;
      const started = performance.now();
      log.debug({ fact: name }, 'fact started');
      const bounded = () => withTimeout(`gathering the ${name} facts`, ms, gather, this.options.deadline);
      // Which guest paths the gathering reads (GuestFs notes them), only when someone will see them.
      const sources = (log.isLevelEnabled?.('debug') ?? true) ? new SourceRecorder() : null;
      pending = sources ? recordSources(sources, bounded) : bounded();
      const took = () => ({ fact: name, ms: Math.round(performance.now() - started), ...sources?.summary() });
      pending.then(
        () => log.debug(took(), 'fact gathered'),
        (err: unknown) => log.debug({ ...took(), err: String(err) }, 'fact failed'),
      );
      this.cache.set(name, pending);
    }
    return pending;
  }
}
