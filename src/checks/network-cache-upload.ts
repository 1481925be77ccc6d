// Check network.cache-upload (opt-in, --cache-upload-test-file FILE or --cache-upload-test SAS-URL):
// upload 4 MiB to the cache storage account through the guest's proxy and trust store and judge the
// throughput. Reference: ../shared/reference/azure-requirements.md §5.5, row "[REPL 2025-04-29]":
// "upload to the cache slower than 4 MB in 3 s is a problem (test with AzCopy); no crash-consistent
// point for 60 min → 153007; spikes … catch up if transient". One sample is a spike or not, so a
// slow upload is a warning (153007 follows only when it lasts); an upload that cannot reach the
// account at all fails.
import type { CheckOutcome } from '../core/finding';
import type { CacheUploadFacts } from '../facts/cache-upload';
import { defineCheck } from './helpers/check-context';

/** The reference row the verdict comes from, quoted in every finding. */
export const CACHE_UPLOAD_REFERENCE = {
  source: 'Troubleshoot Azure-to-Azure replication (azure-to-azure-troubleshoot-replication.md, 2025-04-29)',
  row: 'Cache storage: an upload to the cache storage account slower than 4 MB in 3 seconds is a problem (test with AzCopy); no crash-consistent recovery point for 60 minutes → 153007',
  reference: 'azure-requirements.md §5.5, row "[REPL 2025-04-29]"',
} as const;

/** "4 MB in 3 s": the time the 4 MiB test upload may take. */
export const CACHE_UPLOAD_LIMIT_MS = 3_000;

const ENABLE =
  'Create a container SAS on the cache storage account with write and create permission (sp=cw, e.g. az storage container generate-sas --account-name ACCOUNT --name CONTAINER --permissions cwd --expiry <in one hour> --https-only), put the URL in a file readable only by root, and run asr-ready --cache-upload-test-file FILE.';

export const networkCacheUpload = defineCheck({
  id: 'network.cache-upload',
  title: 'Upload to the cache storage account',
  description:
    'Opt-in (--cache-upload-test-file FILE): uploads a 4 MiB block blob to a container SAS through the guest proxy and trust store, then deletes it; slower than 4 MB in 3 s is a problem (replication troubleshooting, 153007).',
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 50_000,
  needs: ['cacheUpload'],
  explain: {
    judges: `Opt-in. Slower than 4 MB in ${CACHE_UPLOAD_LIMIT_MS / 1000} s warns (one sample may be a spike; 153007 follows only when it lasts); an upload that cannot reach the account fails; without the option it is a skip.`,
    sources: Object.values(CACHE_UPLOAD_REFERENCE),
    asrErrorCodes: [153007],
    remediation: ENABLE,
  },
  async run(ctx) {
    return [evaluateCacheUpload(await ctx.facts.cacheUpload())];
  },
});

export function evaluateCacheUpload(f: CacheUploadFacts | null): CheckOutcome {
  if (!f) {
    return {
      status: 'skip',
      summary:
        'The upload to the cache storage account was not tested; it runs only when asked: give --cache-upload-test-file FILE (a container SAS URL with write and create permission, in a file) to upload and delete a 4 MiB test blob.',
      remediation: ENABLE,
      evidence: { reason: 'not asked', enableWith: '--cache-upload-test-file FILE', reference: CACHE_UPLOAD_REFERENCE },
    };
  }
  if (f.notStarted) {
    return {
      status: 'skip',
      summary: `The upload to the cache storage account ${f.host} was not tested: ${f.notStarted}. Run again with a larger --deadline.`,
      remediation: 'Run asr-ready again with a larger --deadline (at least 30 s) and --cache-upload-test-file FILE.',
      evidence: { reason: 'run deadline too short', detail: f.notStarted, host: f.host, container: f.container, reference: CACHE_UPLOAD_REFERENCE },
    };
  }
  const via = f.proxy ? `through the proxy ${f.proxy}` : 'directly (no proxy)';
  const evidence = {
    host: f.host,
    container: f.container,
    blob: f.blob,
    bytes: f.bytes,
    blocks: f.blocks,
    blockBytes: f.blockBytes,
    ms: f.ms,
    mbPerSecond: f.mbPerSecond,
    limitMs: CACHE_UPLOAD_LIMIT_MS,
    proxy: f.proxy ?? 'direct',
    trustAnchor: f.trustAnchor,
    trustSource: f.trustSource,
    deleted: f.deleted,
    ...(f.failure ? { failure: f.failure } : {}),
    reference: CACHE_UPLOAD_REFERENCE,
  };
  // A blob exists only once a block was acknowledged; a refused or unanswered first block leaves nothing to delete by hand.
  const leftBehind =
    f.deleted.ok || (f.blocksStored === 0 && f.failure !== null)
      ? ''
      : ` The test blob ${f.container}/${f.blob} could not be deleted (${f.deleted.problem ?? 'no answer'}); delete it by hand (az storage blob delete --account-name ${f.host.split('.')[0]} --container-name ${f.container} --name ${f.blob}).`;
  if (f.failure) return failed(f, via, evidence, leftBehind);
  const ms = f.ms ?? 0;
  const measured = `${f.bytes} bytes (${f.blocks} blocks) to ${f.host} in ${ms} ms (${f.mbPerSecond} MB/s) ${via}`;
  if (ms <= CACHE_UPLOAD_LIMIT_MS) {
    return { status: 'pass', summary: `Uploaded ${measured}: within 4 MB in 3 s (${CACHE_UPLOAD_REFERENCE.reference}).${leftBehind}`, evidence };
  }
  return {
    status: 'warn',
    summary: `Uploaded ${measured}: slower than 4 MB in 3 s, which the replication troubleshooting guide calls a problem (${CACHE_UPLOAD_REFERENCE.reference}). Sustained, replication falls behind and no crash-consistent recovery point is made for 60 minutes (153007); a transient slowdown catches up.${leftBehind}`,
    remediation: [
      '1. Run the test again at a busy hour and a quiet one (or test by hand with AzCopy, as the guide suggests) to tell a spike from the usual path.',
      `2. Look at what the upload goes through: ${via}. A proxy, a firewall or TLS inspection in the path, or a network virtual appliance, slows every replication upload; send *.blob.core.windows.net direct or through a service endpoint / private endpoint for Storage.`,
      "3. Check the VM size's network bandwidth and the disk churn (storage.churn, --churn-sample) against it; keep the cache account in the source region.",
    ].join('\n'),
    asrErrorCodes: [153007],
    evidence,
  };
}

function failed(f: CacheUploadFacts, via: string, evidence: Record<string, unknown>, leftBehind: string): CheckOutcome {
  const failure = f.failure!;
  const step = failure.step === 'put-block' ? 'Put Block' : 'Put Block List';
  if (failure.stopped) {
    return {
      status: 'warn',
      summary: `The upload to the cache storage account ${f.host} ${via} was not measured: the run deadline/upload bound cut it short after ${failure.stopped.bytes} bytes in ${failure.stopped.ms} ms (${step}); run again with a larger --deadline.${f.deleted.status === 202 ? ' The test blob was deleted.' : ''}${leftBehind}`,
      remediation:
        'Run asr-ready again with a larger --deadline; if it is cut short again, the path to the account is very slow (see network.endpoints and the proxy in the path).',
      evidence,
    };
  }
  if (failure.status === 403) {
    return {
      status: 'warn',
      summary: `The cache storage account refused the test upload (${step}: ${failure.message}) at ${f.host}: the SAS lacks write/create permission (sp=cw…), has expired or is not yet valid, or the account's firewall does not admit this VM. Throughput could not be measured.${leftBehind}`,
      remediation: `Create a new container SAS with write and create permission (sp=cw, plus d to let asr-ready delete the blob), a start time in the past and an expiry in the future, over HTTPS; check the account's "Networking" settings admit this VM's subnet; then run asr-ready --cache-upload-test-file FILE again. ${ENABLE}`,
      evidence,
    };
  }
  if (failure.status !== null) {
    return {
      status: 'warn',
      summary: `The cache storage account answered the test upload with ${failure.message} (${step}) at ${f.host}${failure.status === 404 ? ': the container does not exist' : ''}. Throughput could not be measured.${leftBehind}`,
      remediation: `Check that the SAS URL names an existing container on the cache storage account (https://ACCOUNT.blob.core.windows.net/CONTAINER?sv=…&sp=cw…&sig=…). ${ENABLE}`,
      evidence,
    };
  }
  return {
    status: 'fail',
    summary: `The test upload to the cache storage account ${f.host} ${via} did not get through (${step}): ${failure.message}. Site Recovery uploads replication data to this account the same way.${leftBehind}`,
    remediation:
      'Allow outbound HTTPS (TCP 443) to the cache storage account (service tag Storage.<region>, or *.blob.core.windows.net on a proxy allow-list), make the guest trust its chain (trust.azure-roots), and see network.endpoints for the layer that failed.',
    asrErrorCodes: [153007],
    evidence,
  };
}
