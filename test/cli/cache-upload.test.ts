// network.cache-upload end to end: the built CLI uploads a 4 MiB block blob to a strict fake Blob
// service (test/helpers/fake-blob.ts) on 127.0.0.1 through the guest client (--connect-to sends the
// blob host to loopback, --trust-store is the guest's store holding the fake's test CA), with the
// body read slowly on either side of "4 MB in 3 s", and deletes it, also after a failure midway.
// The SAS never appears in stdout, stderr (debug log included) or the JSON report.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { makePki, type Pki } from '../helpers/servers';
import { FAKE_BLOB_HOST, FAKE_CONTAINER, startFakeBlob, type FakeBlob, type FakeBlobOptions } from '../helpers/fake-blob';
import type { ReportJson as Report } from '../helpers/report-json';
import type { Finding } from '../../src/core/finding';
import { helpText } from '../../src/cli/help';
import { HAVE_TINYPROXY, startTinyproxy } from '../helpers/tinyproxy';

const SIG = 'Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1zaWc%3D';
const SIG_DECODED = decodeURIComponent(SIG);
const QUERY = `sv=2021-08-06&sr=c&sp=cwd&se=2099-01-01T00%3A00%3A00Z&spr=https&sig=${SIG}`;
const SAS_URL = `https://${FAKE_BLOB_HOST}/${FAKE_CONTAINER}?${QUERY}`;

let pki: Pki;
let dir: string;
let store: string;
let sasFile: string;
let blob: FakeBlob | null = null;

beforeAll(() => {
  pki = makePki('Contoso Storage Test Root CA');
  dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-cache-upload-'));
  store = path.join(dir, 'store.pem');
  sasFile = path.join(dir, 'sas.txt');
  writeFileSync(store, pki.root.certPem);
  writeFileSync(sasFile, `${SAS_URL}\n`, { mode: 0o600 });
});
afterEach(async () => {
  await blob?.close();
  blob = null;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(options: Omit<FakeBlobOptions, 'sig'> = {}): Promise<FakeBlob> {
  blob = await startFakeBlob(pki, { sig: SIG_DECODED, ...options });
  return blob;
}

function args(port: number, ...extra: string[]): string[] {
  return [
    '--json',
    '--checks',
    'network.cache-upload',
    '--no-proxy',
    '--trust-store',
    store,
    '--connect-to',
    `${FAKE_BLOB_HOST}:443:127.0.0.1:${port}`,
    ...extra,
  ];
}

async function run(argv: string[]): Promise<{ code: number | null; report: Report; stdout: string; stderr: string; finding: Finding }> {
  const result = await runCli(argv, { timeoutMs: 60_000 });
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`no JSON on stdout (exit ${result.code}): ${result.stderr}`);
  }
  const finding = report.findings.find((f) => f.checkId === 'network.cache-upload')!;
  return { ...result, report, finding };
}

function expectNoSas(...texts: string[]): void {
  for (const text of texts) {
    for (const secret of [SIG, SIG_DECODED, QUERY, 'Zm9yLXRlc3RzLW9ubHkt']) expect(text).not.toContain(secret);
  }
}

/** Every request carried the SAS and the service's headers (the fake refuses otherwise), Put Blocks first, then the list, then Delete. */
function expectProtocol(fake: FakeBlob): void {
  for (const r of fake.requests) expect(r.query).toContain(`sig=${SIG}`);
  expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', comp: null });
}

describe('network.cache-upload through the CLI', () => {
  it('passes 4 MiB read in about 1 s, commits the block list, deletes the blob, and never shows the SAS (debug log too)', async () => {
    const fake = await start({ bodyMs: 1_000 });
    const { code, report, stdout, stderr, finding } = await run(args(fake.port, '--cache-upload-test-file', sasFile, '--log-level', 'debug'));
    expect(finding.status, finding.summary).toBe('pass');
    expect(code).toBe(0);
    expect(fake.requests.map((r) => [r.method, r.comp, r.status].filter((x) => x !== null).join(' '))).toEqual([
      'PUT block 201',
      'PUT block 201',
      'PUT blocklist 201',
      'DELETE 202',
    ]);
    expect(new Set(fake.requests.filter((r) => r.comp === 'block').map((r) => r.blockId!.length)).size).toBe(1);
    expect(fake.committed()).toEqual([`asr-ready-upload-test-${report.runId.replace(/[^A-Za-z0-9-]/g, '')}`]);
    expect(fake.blobs()).toEqual([]);
    expect(fake.deleted()).toEqual(fake.committed());
    expectProtocol(fake);
    expect(finding.evidence).toMatchObject({
      host: FAKE_BLOB_HOST,
      bytes: 4 * 1024 * 1024,
      proxy: 'direct',
      deleted: { ok: true, status: 202 },
      trustSource: 'supplied',
    });
    expect((finding.evidence as { trustAnchor: { subject: string } }).trustAnchor.subject).toContain('Contoso Storage Test Root CA');
    expect((finding.evidence as { ms: number }).ms).toBeGreaterThanOrEqual(800);
    expect(stderr).toContain('cache upload'); // the debug log ran
    expectNoSas(stdout, stderr, JSON.stringify(report));
  });

  it('warns when 4 MiB takes about 5 s (slower than 4 MB in 3 s), and still deletes the blob', async () => {
    const fake = await start({ bodyMs: 5_000 });
    const { code, stdout, stderr, finding } = await run(args(fake.port, '--cache-upload-test', SAS_URL, '--log-level', 'debug'));
    expect(finding.status, finding.summary).toBe('warn');
    expect(code).toBe(0);
    expect(finding.summary).toContain('slower than 4 MB in 3 s');
    expect(finding.asrErrorCodes).toEqual([153007]);
    expect((finding.evidence as { ms: number }).ms).toBeGreaterThan(3_000);
    expect(fake.deleted()).toHaveLength(1);
    expect(fake.blobs()).toEqual([]);
    expectProtocol(fake);
    expectNoSas(stdout, stderr);
  }, 60_000);

  it('a 403 from the service says the SAS lacks write/create permission (sp=cw) and what to do', async () => {
    const fake = await start({ forbidWrites: true });
    const { stdout, stderr, finding } = await run(args(fake.port, '--cache-upload-test-file', sasFile));
    expect(finding.status).toBe('warn');
    expect(finding.summary).toContain('the SAS lacks write/create permission (sp=cw…)');
    expect(finding.remediation).toContain('--cache-upload-test-file FILE');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE' });
    expectNoSas(stdout, stderr);
  });

  it('deletes the uncommitted blocks when the upload fails midway', async () => {
    const fake = await start({ failBlock: 2 });
    const { finding } = await run(args(fake.port, '--cache-upload-test-file', sasFile));
    expect(finding.status).toBe('warn');
    expect(finding.summary).toContain('HTTP 500 InternalError');
    expect(fake.committed()).toEqual([]);
    expect(fake.deleted()).toHaveLength(1);
    expect(fake.blobs()).toEqual([]);
  });

  it('an upload the run deadline cuts short (Put Block List hangs) is a warn, not a fail, and the blob is still deleted', async () => {
    const fake = await start({ hangBlockList: true });
    const { finding } = await run(args(fake.port, '--cache-upload-test-file', sasFile, '--deadline', '22'));
    expect(finding.status, finding.summary).toBe('warn');
    expect(finding.summary).toContain('not measured: the run deadline/upload bound cut it short after 4194304 bytes');
    expect(finding.summary).toContain('run again with a larger --deadline');
    expect(finding.summary).toContain('The test blob was deleted.');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 202 });
    expect(fake.deleted()).toHaveLength(1);
    expect(fake.blobs()).toEqual([]);
    expect(finding.evidence).toMatchObject({ deleted: { ok: true, status: 202 } });
  }, 60_000);

  it('does not start the upload when the run deadline leaves too little time, and says why', async () => {
    const fake = await start();
    const { finding } = await run(args(fake.port, '--cache-upload-test-file', sasFile, '--deadline', '15'));
    expect(finding.status, finding.summary).toBe('skip');
    expect(finding.summary).toContain('were left for the upload');
    expect(finding.summary).toContain('larger --deadline');
    expect(fake.requests).toEqual([]);
  }, 60_000);

  it('a SAS without the right signature is refused by the fake (403 AuthenticationFailed) and reported as a refusal', async () => {
    const fake = await start();
    const wrong = path.join(dir, 'wrong-sas.txt');
    writeFileSync(wrong, SAS_URL.replace(SIG, 'd3Jvbmctc2lnbmF0dXJl'));
    const { stdout, stderr, finding } = await run(args(fake.port, '--cache-upload-test-file', wrong));
    expect(fake.requests[0]).toMatchObject({ status: 403, errorCode: 'AuthenticationFailed' });
    expect(finding.status).toBe('warn');
    expect(`${stdout}${stderr}`).not.toContain('d3Jvbmctc2lnbmF0dXJl');
  });

  it('without the option the check is a skip that says how to enable it, and nothing is sent', async () => {
    const fake = await start();
    const { finding } = await run(args(fake.port));
    expect(finding.status).toBe('skip');
    expect(finding.summary).toContain('--cache-upload-test-file FILE');
    expect(fake.requests).toEqual([]);
  });

  it('refuses a bad SAS URL as a usage error naming the option, never echoing the SAS', async () => {
    const result = await runCli(args(1, '--cache-upload-test', SAS_URL.replace('https:', 'http:')));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--cache-upload-test must be an https:// URL');
    expectNoSas(result.stdout, result.stderr);
    const noSig = await runCli(args(1, '--cache-upload-test', `https://${FAKE_BLOB_HOST}/${FAKE_CONTAINER}?sv=2021-08-06&sp=cw`));
    expect(noSig.code).toBe(2);
    expect(noSig.stderr).toContain('has no sig=');
  });
});

describe.skipIf(!HAVE_TINYPROXY)('network.cache-upload through the guest proxy (Debian tinyproxy on loopback)', () => {
  it('uploads through the proxy and names it in the evidence', async () => {
    const proxy = await startTinyproxy();
    try {
      const fake = await start();
      const argv = args(fake.port, '--cache-upload-test-file', sasFile).map((a) => (a === '--no-proxy' ? '--proxy' : a));
      argv.splice(argv.indexOf('--proxy') + 1, 0, proxy.url);
      const { finding, stdout, stderr } = await run(argv);
      expect(finding.status, finding.summary).toBe('pass');
      expect(finding.evidence).toMatchObject({ proxy: proxy.url, deleted: { ok: true } });
      expect(finding.summary).toContain(`through the proxy ${proxy.url}`);
      expect(fake.blobs()).toEqual([]);
      expectNoSas(stdout, stderr);
    } finally {
      await proxy.close();
    }
  });
});

describe('help', () => {
  it('documents the file form of the option', () => {
    expect(helpText('0.0.0')).toContain('--cache-upload-test-file FILE');
  });
});
