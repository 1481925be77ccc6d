// deliverReport (src/sinks/deliver-report.ts) in process: it builds the guest client from its
// inputs, the tokens for the ingestion endpoint's cloud, delivers and closes. Against strict HTTPS
// fakes on loopback signed by a CA made here (reached through --connect-to) and the fake IMDS.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultSpoolDir, deliverReport, deliveryConfigured, type DeliveryOptions, type ReportDeliveryContext } from '../../src/sinks/deliver-report';
import type { DeliveryReport } from '../../src/sinks/deliver';
import { parseConnectTo } from '../../src/net/connect-to';
import { DEFAULT_LAYER_TIMEOUTS } from '../../src/net/layers';
import { startFakeCollector, startFakeIngestion } from '../helpers/fake-sinks';
import { startFakeImds } from '../helpers/fake-imds';
import { makePki, type Pki } from '../helpers/servers';
import type { Report } from '../../src/report/report';

const DCR = 'dcr-0123456789abcdef0123456789abcdef';
const STREAM = 'Custom-AsrReadinessRaw';
const TOKEN = 'collector-token-0123456789';
const GOV = { resource: 'https://monitor.azure.us', scope: 'https://monitor.azure.us/.default', authorityHost: 'login.microsoftonline.us' };
let pki: Pki;
beforeAll(() => (pki = makePki('Deliver Report Test Root')));

let dirs: string[] = [];
let closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  closers = [];
});

const report = (): Report =>
  ({
    runId: randomUUID(),
    finishedAt: new Date().toISOString(),
    host: { hostname: 'vm-1' },
    agent: { version: '0.1.0', runtime: { loader: 'node' } },
    verdict: 'ready',
    summary: { pass: 1, total: 1 },
    delivery: null,
    findings: [{ checkId: 'os.supported', subject: null, status: 'pass', summary: 'ok', remediation: '', asrErrorCodes: [] }],
  }) as unknown as Report;

function options(extra: Partial<DeliveryOptions>): DeliveryOptions {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-deliver-report-'));
  dirs.push(dir);
  return {
    reportUrl: null,
    reportToken: null,
    reportCa: [],
    logAnalytics: null,
    auth: { kind: 'managed-identity', clientId: null },
    spoolDir: dir,
    spoolMaxFiles: 10,
    spoolMaxBytes: 10 * 1024 * 1024,
    timeoutSeconds: 10,
    attempts: 1,
    ...extra,
  };
}

/** Inputs as the CLI builds them: the guest's roots (the test CA unless said otherwise), no proxy, --connect-to to the fake. */
function context(port: number, extra: Partial<ReportDeliveryContext> & { guestCa?: string[]; extraCa?: string[] } = {}): ReportDeliveryContext {
  const { guestCa, extraCa, ...rest } = extra;
  return {
    client: {
      trust: { ca: guestCa ?? [pki.root.certPem], source: 'supplied' },
      extraCa: extraCa ?? [],
      proxy: null,
      connectTo: [parseConnectTo(`::127.0.0.1:${port}`)],
      timeouts: { ...DEFAULT_LAYER_TIMEOUTS, tlsMs: 2_000, httpMs: 3_000 },
      loopbackOnly: true,
    },
    ingestion: null,
    imdsEndpoint: null,
    vm: { vmId: 'vm-1', resourceId: '/subscriptions/x/vm-1', region: 'westus' },
    platform: 'linux',
    env: {},
    userAgent: 'asr-ready/test',
    ...rest,
  };
}

describe('deliverReport (sinks)', () => {
  it('delivers to the collector with the extra CA (--report-ca-file) the guest store lacks, and tells the outcome before returning', async () => {
    const collector = await startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: TOKEN });
    closers.push(collector.close);
    const opts = options({ reportUrl: 'https://collector.test/reports', reportToken: TOKEN });
    const unrelated = makePki('Unrelated Root').root.certPem;

    const refused = await deliverReport(report(), opts, context(collector.port, { guestCa: [unrelated] }));
    expect(refused.results.map((r) => [r.status, r.fromSpool])).toEqual([['spooled', false]]);
    expect(refused.results[0]!.error).toMatch(/certificate chain does not verify against the guest's trust store/);

    const told: DeliveryReport[] = [];
    const rep = report();
    const delivered = await deliverReport(
      rep,
      opts,
      context(collector.port, { guestCa: [unrelated], extraCa: [pki.root.certPem], onResult: (r) => told.push(r) }),
    );
    expect(told).toEqual([delivered]);
    // This run's report, and the one the first call spooled.
    expect(delivered.results.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(collector.acknowledged.get(rep.runId)).toBe(1);
    expect(collector.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("asks IMDS (direct) for a token for the ingestion endpoint's cloud, and sends the rows with it", async () => {
    const ingestion = await startFakeIngestion(pki.leafFor(['ingest.test']), [pki.intermediate], { dcrId: DCR, stream: STREAM, audience: GOV.resource });
    const imds = await startFakeImds();
    closers.push(ingestion.close, imds.close);
    const opts = options({ logAnalytics: { endpoint: 'https://ingest.test', dcrId: DCR, stream: STREAM }, auth: { kind: 'managed-identity', clientId: null } });
    const result = await deliverReport(report(), opts, context(ingestion.port, { ingestion: GOV, imdsEndpoint: imds.url }));
    expect(result.results.map((r) => [r.destination, r.status])).toEqual([['log-analytics', 'delivered']]);
    const tokenRequests = imds.requests.filter((r) => r.path.startsWith('/metadata/identity/oauth2/token'));
    expect(tokenRequests.map((r) => [new URL(r.path, 'http://x').searchParams.get('resource'), r.headers.metadata, r.headers['x-forwarded-for']])).toEqual([
      [GOV.resource, 'true', undefined],
    ]);
    expect(ingestion.rows.map((r) => [r.RowType, r.VmId, r.Region])).toEqual([
      ['summary', 'vm-1', 'westus'],
      ['finding', 'vm-1', 'westus'],
    ]);
  });

  it('says a VM that is not on Azure has no managed identity, and keeps the report', async () => {
    const opts = options({ logAnalytics: { endpoint: 'https://ingest.test', dcrId: DCR, stream: STREAM } });
    const result = await deliverReport(report(), opts, context(9, { ingestion: GOV, imdsEndpoint: null }));
    expect(result.results.map((r) => r.status)).toEqual(['spooled']);
    expect(result.results[0]!.error).toContain('this is not an Azure VM, so it has no managed identity');
  });

  it('knows when delivery is configured, and where the spool is by default', () => {
    expect(deliveryConfigured(options({}))).toBe(false);
    expect(deliveryConfigured(options({ reportUrl: 'https://collector.test/' }))).toBe(true);
    expect(defaultSpoolDir('linux', {})).toBe('/var/lib/asr-ready/spool');
    expect(defaultSpoolDir('windows', { ProgramData: 'D:\\Data' })).toBe('D:\\Data\\asr-ready\\spool');
    expect(defaultSpoolDir('windows', {})).toBe('C:\\ProgramData\\asr-ready\\spool');
  });
});
