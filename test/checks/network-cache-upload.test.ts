// network.cache-upload: the judging of a measured upload against "4 MB in 3 s" (replication
// troubleshooting, [REPL] row), the failures (a SAS without write/create, a path that does not get
// through), a blob left behind, and the skip that says how to enable it. End to end: test/cli/cache-upload.test.ts.
import { describe, expect, it } from 'vitest';
import { CACHE_UPLOAD_LIMIT_MS, CACHE_UPLOAD_REFERENCE, evaluateCacheUpload, networkCacheUpload } from '../../src/checks/network-cache-upload';
import { blockIds, blockListXml, type CacheUploadFacts } from '../../src/facts/cache-upload';
import { validateSasUrl } from '../../src/cli/cache-upload-args';
import { UsageError } from '../../src/core/errors';
import { scopeToImage } from '../../src/checks/registry';

const facts = (extra: Partial<CacheUploadFacts> = {}): CacheUploadFacts => ({
  host: 'asrcache01.blob.core.windows.net',
  container: 'asr-ready-test',
  blob: 'asr-ready-upload-test-0d6f',
  bytes: 4 * 1024 * 1024,
  blocks: 2,
  blocksStored: 2,
  blockBytes: 2 * 1024 * 1024,
  ms: 1_000,
  mbPerSecond: 4.19,
  proxy: null,
  trustAnchor: { subject: 'CN=DigiCert Global Root G2', sha256: 'CB3C' },
  trustSource: 'os',
  failure: null,
  deleted: { ok: true, status: 202, problem: null },
  ...extra,
});

describe('network.cache-upload: the declaration', () => {
  it('is a this-machine check that needs only the cache-upload fact', () => {
    expect(networkCacheUpload).toMatchObject({ id: 'network.cache-upload', scope: 'this-machine', needs: ['cacheUpload'] });
  });

  it("under --root it is a skip (nothing uploaded) unless --checks names it, offering this machine's view", async () => {
    const [standIn] = scopeToImage([networkCacheUpload], []);
    expect(standIn!.needs).toEqual([]);
    const [outcome] = await standIn!.run({} as never);
    expect(outcome).toMatchObject({ status: 'skip', summary: expect.stringContaining("add --checks network.cache-upload to include this machine's view") });
    expect(scopeToImage([networkCacheUpload], ['network.cache-upload'])[0]).toBe(networkCacheUpload);
  });
});

describe('network.cache-upload: judging against 4 MB in 3 s', () => {
  it('skips when not asked, saying how to enable it', () => {
    const outcome = evaluateCacheUpload(null);
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toContain('--cache-upload-test-file FILE');
    expect(outcome.remediation).toContain('sp=cw');
  });

  it('passes an upload within 3 s, with bytes, ms, MB/s, the path and the anchor in evidence', () => {
    const outcome = evaluateCacheUpload(facts());
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toContain('4194304 bytes (2 blocks) to asrcache01.blob.core.windows.net in 1000 ms (4.19 MB/s) directly (no proxy)');
    expect(outcome.evidence).toMatchObject({
      bytes: 4194304,
      ms: 1000,
      mbPerSecond: 4.19,
      proxy: 'direct',
      trustAnchor: { subject: 'CN=DigiCert Global Root G2' },
      host: 'asrcache01.blob.core.windows.net',
      reference: CACHE_UPLOAD_REFERENCE,
    });
  });

  it.each([
    [CACHE_UPLOAD_LIMIT_MS, 'pass'],
    [CACHE_UPLOAD_LIMIT_MS + 1, 'warn'],
    [5_000, 'warn'],
  ])('%i ms is %s', (ms, status) => {
    expect(evaluateCacheUpload(facts({ ms, mbPerSecond: Math.round((4.194304 / (ms / 1000)) * 100) / 100 })).status).toBe(status);
  });

  it('warns a slow upload with the reference row, 153007, and the proxy it went through', () => {
    const outcome = evaluateCacheUpload(facts({ ms: 5_000, mbPerSecond: 0.84, proxy: 'http://proxy.contoso.com:3128' }));
    expect(outcome.status).toBe('warn');
    expect(outcome.asrErrorCodes).toEqual([153007]);
    expect(outcome.summary).toContain('slower than 4 MB in 3 s');
    expect(outcome.summary).toContain('through the proxy http://proxy.contoso.com:3128');
    expect(outcome.summary).toContain('azure-requirements.md §5.5, row "[REPL 2025-04-29]"');
  });

  it('a 403 says the SAS lacks write/create permission (sp=cw) and what to do', () => {
    const outcome = evaluateCacheUpload(
      facts({
        ms: null,
        mbPerSecond: null,
        failure: { step: 'put-block', status: 403, errorCode: 'AuthorizationPermissionMismatch', message: 'HTTP 403 AuthorizationPermissionMismatch' },
      }),
    );
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('the SAS lacks write/create permission (sp=cw…)');
    expect(outcome.remediation).toContain('--cache-upload-test-file FILE');
  });

  it('fails an upload that does not get through, and names a blob left behind', () => {
    const outcome = evaluateCacheUpload(
      facts({
        ms: null,
        mbPerSecond: null,
        failure: { step: 'put-block', status: null, errorCode: null, message: 'tls: self-signed certificate in certificate chain' },
        deleted: { ok: false, status: null, problem: 'connection refused' },
        blocksStored: 1,
      }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('could not be deleted (connection refused)');
    expect(outcome.summary).toContain('az storage blob delete --account-name asrcache01 --container-name asr-ready-test --name asr-ready-upload-test-0d6f');
  });

  it('does not send the admin to delete a blob that was never stored (the first block refused)', () => {
    const outcome = evaluateCacheUpload(
      facts({
        ms: null,
        mbPerSecond: null,
        blocksStored: 0,
        failure: { step: 'put-block', status: null, errorCode: null, message: 'connect ECONNREFUSED' },
        deleted: { ok: false, status: null, problem: 'connect ECONNREFUSED' },
      }),
    );
    expect(outcome.summary).not.toContain('could not be deleted');
  });

  it('a stop by the run deadline or the upload bound is a warn saying what got through, never a fail', () => {
    const outcome = evaluateCacheUpload(
      facts({
        ms: null,
        mbPerSecond: null,
        blocksStored: 1,
        failure: { step: 'put-block', status: null, errorCode: null, message: 'aborted', stopped: { bytes: 2097152, ms: 8123 } },
        deleted: { ok: true, status: 202, problem: null },
      }),
    );
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('not measured: the run deadline/upload bound cut it short after 2097152 bytes in 8123 ms');
    expect(outcome.summary).toContain('run again with a larger --deadline');
    expect(outcome.summary).toContain('The test blob was deleted.');
  });

  it('skips, saying why, when the upload was not started for lack of time', () => {
    const outcome = evaluateCacheUpload(facts({ notStarted: 'only 1500 ms of the run deadline were left for the upload' }));
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toContain('only 1500 ms of the run deadline were left');
    expect(outcome.summary).toContain('larger --deadline');
  });
});

describe('the Blob REST pieces', () => {
  it('block IDs are base64 of equal length, and the block list names each as Latest', () => {
    const ids = blockIds(12);
    expect(new Set(ids.map((id) => id.length)).size).toBe(1);
    expect(ids.every((id) => /^[A-Za-z0-9+/]+=*$/.test(id))).toBe(true);
    expect(blockListXml(ids.slice(0, 2))).toBe(
      `<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>${ids[0]}</Latest><Latest>${ids[1]}</Latest></BlockList>`,
    );
  });
});

describe('the SAS URL option', () => {
  const sig = 'c2VjcmV0LXNpZ25hdHVyZQ%3D%3D';
  const ok = `https://asrcache01.blob.core.windows.net/asr-ready-test?sv=2022-11-02&sr=c&sp=cw&se=2030-01-01T00%3A00%3A00Z&sig=${sig}`;

  it('accepts a container SAS on a blob host', () => {
    expect(validateSasUrl(ok, '--cache-upload-test', false)).toBe(ok);
  });

  it.each([
    ['http', ok.replace('https:', 'http:'), 'must be an https:// URL'],
    ['another host', ok.replace('asrcache01.blob.core.windows.net', 'example.com'), "not a storage account's blob endpoint"],
    ['loopback without ASR_READY_LOOPBACK_ONLY', ok.replace('asrcache01.blob.core.windows.net', '127.0.0.1'), "not a storage account's blob endpoint"],
    ['the account root', ok.replace('/asr-ready-test', '/'), 'must name a container'],
    ['a blob', ok.replace('/asr-ready-test', '/asr-ready-test/blob'), 'must name a container'],
    ['no sig', ok.replace(/&sig=.*$/, ''), 'has no sig='],
    ['not a URL', 'sv=2022&sig=abc', 'is not a URL'],
  ])('refuses %s, naming the option and never the SAS', (_what, value, message) => {
    let error: unknown;
    try {
      validateSasUrl(value, '--cache-upload-test', false);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('--cache-upload-test');
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain(sig);
    expect((error as Error).message).not.toContain('c2VjcmV0');
  });

  it('accepts loopback under ASR_READY_LOOPBACK_ONLY (tests)', () => {
    expect(validateSasUrl(ok.replace('asrcache01.blob.core.windows.net', '127.0.0.1:8443'), '--cache-upload-test', true)).toContain('127.0.0.1:8443');
  });
});
