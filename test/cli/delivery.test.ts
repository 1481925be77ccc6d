// Report delivery end to end: the CLI as a child process sending to strict HTTPS fakes on loopback
// (reached by name through --connect-to, verified with --report-ca-file), spooling what fails.
import { spawn } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { CLI_BUNDLE, DEBIAN_BUNDLE } from '../helpers/paths';
import { makePki, type Pki } from '../helpers/servers';
import { fakeJwt, startFakeCollector, startFakeIngestion, ROW_COLUMNS, type FakeServer } from '../helpers/fake-sinks';
import { startFakeImds } from '../helpers/fake-imds';
import { reportSchemaErrors } from '../helpers/schema';
import type { ReportJson as Report } from '../helpers/report-json';

const TOKEN = 'collector-token-3f9a7c';
const DCR = 'dcr-0123456789abcdef0123456789abcdef';
const STREAM = 'Custom-AsrReadinessRaw';
let pki: Pki;
let files: FakeGuest;

beforeAll(() => {
  pki = makePki('Delivery Test Root');
  files = new FakeGuest('asr-ready-delivery-').write('/ca.pem', pki.root.certPem).write('/token', `${TOKEN}\n`).write('/sp-secret', 'Sp-S3cret-Value-77\n');
});
afterAll(() => files.remove());

function spoolDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'asr-ready-spool-'));
}

/** A quick, ready run (trust check on the real Debian bundle) that delivers with the given flags. */
function deliveryArgs(collectorPort: number, spool: string, ...extra: string[]): string[] {
  return [
    '--checks',
    'trust.',
    '--trust-store',
    DEBIAN_BUNDLE,
    '--json',
    '--report-url',
    'https://collector.test/api/reports',
    '--report-token-file',
    files.path('/token'),
    '--connect-to',
    `collector.test:443:127.0.0.1:${collectorPort}`,
    '--report-ca-file',
    files.path('/ca.pem'),
    '--spool-dir',
    spool,
    ...(extra.includes('--delivery-attempts') ? [] : ['--delivery-attempts', '2']),
    ...extra,
  ];
}

/** Entries, claimed ones included (a claim is an entry some run is sending, or a dead run left). */
const spooled = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.json') || /\.json\.claim-/.test(n))
    .sort();

describe('collector', () => {
  it('POSTs the report with the bearer token and Idempotency-Key = runId, and reports the delivery', async () => {
    const collector = await startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: TOKEN });
    const spool = spoolDir();
    try {
      const result = await runCli(deliveryArgs(collector.port, spool));
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as Report;
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.delivery!.results).toEqual([
        { destination: 'collector', runId: report.runId, fromSpool: false, status: 'delivered', attempts: 1, httpStatus: 201, error: null },
      ]);
      expect(collector.requests).toEqual([{ authorization: `Bearer ${TOKEN}`, idempotencyKey: report.runId, contentType: 'application/json' }]);
      const sent = JSON.parse(collector.bodies[0]!) as Report;
      expect(sent.runId).toBe(report.runId);
      expect(sent.delivery).toBeNull();
      expect(reportSchemaErrors(sent)).toEqual([]);
      expect(spooled(spool)).toEqual([]);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('spools on a refused token without changing the exit code, says so on stderr, and honours 429 Retry-After', async () => {
    const collector = await startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: 'another-token' });
    const throttling = await startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: TOKEN, status429First: 1 });
    const spool = spoolDir();
    try {
      const refused = await runCli(deliveryArgs(collector.port, spool));
      expect(refused.code).toBe(0);
      const report = JSON.parse(refused.stdout) as Report;
      expect(report.verdict).toBe('ready');
      expect(report.delivery!.results[0]).toMatchObject({
        status: 'spooled',
        httpStatus: 401,
        attempts: 1,
        error: 'the collector refused the token (HTTP 401)',
      });
      expect(refused.stderr).toContain(
        `asr-ready: this report was not delivered to the collector: the collector refused the token (HTTP 401); kept in ${spool} for the next run.`,
      );
      expect(spooled(spool)).toHaveLength(1);
      const started = Date.now();
      const next = await runCli(deliveryArgs(throttling.port, spool));
      const delivery = (JSON.parse(next.stdout) as Report).delivery!;
      expect(delivery.results.map((r) => [r.fromSpool, r.status, r.attempts])).toEqual([
        [true, 'delivered', 2],
        [false, 'delivered', 1],
      ]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // waited as Retry-After: 1 said
      expect([...throttling.stored.keys()]).toContain(report.runId);
      expect(spooled(spool)).toEqual([]);
    } finally {
      await Promise.all([collector.close(), throttling.close()]);
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it.each([
    [['--report-url', 'http://collector.test/r'], /--report-url must be https:\/\//],
    [['--report-url', 'https://user:pw@collector.test/r'], /--report-url must not carry credentials/],
    [['--report-token-file', '/nonexistent/token'], /--report-token-file \/nonexistent\/token (cannot be read \(ENOENT\)|does not exist)/],
    [['--log-analytics-endpoint', 'https://x.ingest.monitor.azure.com'], /Log Analytics needs all three of/],
    [['--log-analytics-endpoint', 'https://x', '--dcr-id', 'my-dcr', '--stream', STREAM], /--dcr-id "my-dcr" is not a data collection rule immutable id/],
    [['--spool-max-files', '0', '--report-url', 'https://c.test/r'], /--spool-max-files must be a whole number from 1 to 100000/],
  ])('rejects %j with exit 2', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('sends every report exactly once after the collector was down for several runs', async () => {
    const spool = spoolDir();
    const runIds: string[] = [];
    try {
      // the collector's port is closed: nothing listens there
      const deadPort = await (await import('../helpers/servers')).freePort();
      for (let i = 0; i < 4; i++) runIds.push((JSON.parse((await runCli(deliveryArgs(deadPort, spool))).stdout) as Report).runId);
      expect(spooled(spool)).toHaveLength(4);
      const collector = await startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: TOKEN });
      try {
        const last = JSON.parse((await runCli(deliveryArgs(collector.port, spool))).stdout) as Report;
        runIds.push(last.runId);
        expect(last.delivery!.results.filter((r) => r.fromSpool).map((r) => r.runId)).toEqual(runIds.slice(0, 4)); // oldest first
        expect([...collector.stored.keys()].sort()).toEqual([...runIds].sort());
        expect([...collector.acknowledged.values()].every((n) => n === 1)).toBe(true);
        expect(spooled(spool)).toEqual([]);
      } finally {
        await collector.close();
      }
    } finally {
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('drops the oldest report with a warning when the spool is full', async () => {
    const spool = spoolDir();
    const deadPort = await (await import('../helpers/servers')).freePort();
    try {
      const ids: string[] = [];
      let last = { stderr: '', stdout: '' };
      for (let i = 0; i < 4; i++) {
        last = await runCli(deliveryArgs(deadPort, spool, '--spool-max-files', '3'));
        ids.push((JSON.parse(last.stdout) as Report).runId);
      }
      const files3 = spooled(spool);
      expect(files3).toHaveLength(3);
      expect(files3.map((n) => n.replace(/^\d+T\d+Z-/, '').replace('.json', ''))).toEqual(ids.slice(1));
      expect(last.stderr).toContain(`asr-ready: the spool is full (at most 3 reports, 50 MiB): dropped the report of run ${ids[0]}`);
      // said once, as dropped: never also "kept for the next run"
      expect(last.stderr).toContain(`asr-ready: the spooled report of run ${ids[0]} was not delivered to the collector: `);
      expect(last.stderr).toMatch(new RegExp(`run ${ids[0]} was not delivered [^\n]*; it was dropped by the spool's limits and will not be delivered\\.`));
      expect(last.stderr).not.toMatch(new RegExp(`run ${ids[0]} [^\n]*kept in`));
      const lastDelivery = (JSON.parse(last.stdout) as Report).delivery!;
      expect(lastDelivery.spool.dropped).toEqual([{ runId: ids[0], createdAt: expect.any(String) }]);
      expect(lastDelivery.results.find((r) => r.runId === ids[0])!.status).toBe('dropped');
      expect(lastDelivery.results.find((r) => r.runId === ids[3])!.status).toBe('spooled');
      for (const f of files3) {
        const entry = JSON.parse(readFileSync(path.join(spool, f), 'utf8'));
        expect(entry).toMatchObject({ version: 1, pending: [{ name: 'collector' }] });
        expect(reportSchemaErrors(entry.report)).toEqual([]);
      }
      const mode = (await import('node:fs')).statSync(path.join(spool, files3[0]!)).mode & 0o777;
      expect(mode).toBe(0o600);
    } finally {
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('leaves no corrupt spool file and loses no spooled report when runs are killed with SIGKILL', async () => {
    const spool = spoolDir();
    const deadPort = await (await import('../helpers/servers')).freePort();
    try {
      // Kill runs at moments spread over start-up, delivery and spooling, until both outcomes were
      // seen (some runs spooled, some killed before), within a bounded number of runs.
      // The spread is scaled to how long one whole run takes on this machine now (a loaded CI runner is slower).
      const timed = Date.now();
      const { rmSync: rm0 } = await import('node:fs');
      const calibration = spoolDir();
      const calibrated = await runCli(deliveryArgs(deadPort, calibration, '--delivery-attempts', '1'));
      expect(calibrated.code, calibrated.stderr).toBe(0);
      rm0(calibration, { recursive: true, force: true });
      const span = Math.max(800, Math.round((Date.now() - timed) * 1.3));
      let runs = 0;
      for (; runs < 40; runs++) {
        const child = spawn(process.execPath, [CLI_BUNDLE, ...deliveryArgs(deadPort, spool, '--delivery-attempts', '1')], { env: cleanEnv(), stdio: 'ignore' });
        const exited = new Promise((r) => child.once('exit', r));
        await new Promise((r) => setTimeout(r, 10 + ((runs * 137) % span)));
        child.kill('SIGKILL');
        await exited;
        const count = spooled(spool).length;
        if (runs >= 7 && count > 0 && count < runs + 1) break;
      }
      runs++;
      const names = readdirSync(spool);
      // a run killed while delivering leaves its entry claimed ("<entry>.json.claim-<ms>-<pid>-<host>"): the next run takes it back
      const entries = names.filter((n) => n.endsWith('.json') || /\.json\.claim-\d+-\d+-/.test(n));
      for (const n of entries) expect(() => JSON.parse(readFileSync(path.join(spool, n), 'utf8'))).not.toThrow();
      expect(names.every((n) => entries.includes(n) || n.startsWith('.tmp-'))).toBe(true);
      const spooledIds = entries.map((n) => JSON.parse(readFileSync(path.join(spool, n), 'utf8')).runId as string);
      // Both sides exercised: some runs got as far as spooling, others were killed before.
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.length).toBeLessThan(runs);
      const collector = await startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: TOKEN });
      try {
        const recovery = JSON.parse((await runCli(deliveryArgs(collector.port, spool))).stdout) as Report;
        expect([...collector.stored.keys()].sort()).toEqual([...spooledIds, recovery.runId].sort());
        expect(spooled(spool)).toEqual([]);
      } finally {
        await collector.close();
      }
    } finally {
      rmSync(spool, { recursive: true, force: true });
    }
  });
});

describe('Log Analytics (Logs Ingestion API)', () => {
  const AZURE_TAG = '7783-7084-3265-9085-8269-3286-77';

  it("sends gzip'd rows with a managed-identity token, retrying through 403 and 429", async () => {
    const ingestion = await startFakeIngestion(pki.leafFor(['ingest.test']), [pki.intermediate], {
      dcrId: DCR,
      stream: STREAM,
      forbiddenFirst: 1,
      throttleFirst: 1,
    });
    const imds = await startFakeImds();
    const guest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', `${AZURE_TAG}\n`);
    const spool = spoolDir();
    try {
      const result = await runCli([
        '--checks',
        'trust.',
        '--trust-store',
        DEBIAN_BUNDLE,
        '--json',
        '--root',
        guest.root,
        '--imds-endpoint',
        imds.url,
        '--log-analytics-endpoint',
        'https://ingest.test',
        '--dcr-id',
        DCR,
        '--stream',
        STREAM,
        '--connect-to',
        `ingest.test:443:127.0.0.1:${ingestion.port}`,
        '--report-ca-file',
        files.path('/ca.pem'),
        '--spool-dir',
        spool,
        '--delivery-attempts',
        '4',
      ]);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.delivery!.results).toEqual([
        { destination: 'log-analytics', runId: report.runId, fromSpool: false, status: 'delivered', attempts: 3, httpStatus: 204, error: null },
      ]);
      expect(ingestion.calls.map((c) => [c.status, c.gzip])).toEqual([
        [403, true],
        [429, true],
        [204, true],
      ]);
      expect(ingestion.rows.map((r) => [r.RowType, r.CheckId, r.Status])).toEqual([
        ['summary', '(run)', 'ready'],
        ['finding', 'trust.azure-roots', 'pass'],
      ]);
      expect(ingestion.rows[0]).toMatchObject({
        RunId: report.runId,
        VmId: '02aab8a4-74ef-476e-8182-f6d2ba4166a6',
        Region: 'westus',
        Verdict: 'ready',
        Counts: { pass: 1, total: 1 },
      });
      expect(Object.keys(ingestion.rows[0]!).sort()).toEqual([...ROW_COLUMNS].sort());
      expect(
        imds.requests
          .filter((r) => r.path.startsWith('/metadata/identity/oauth2/token'))
          .map((r) => [r.headers.metadata, new URL(r.path, 'http://x').searchParams.get('resource')]),
      ).toEqual([['true', 'https://monitor.azure.com']]);
    } finally {
      await Promise.all([ingestion.close(), imds.close()]);
      guest.remove();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('retries a 500, and keeps the report when the endpoint hangs, within --delivery-timeout', async () => {
    const flaky = await startFakeIngestion(pki.leafFor(['ingest.test']), [pki.intermediate], { dcrId: DCR, stream: STREAM, errorFirst: 1 });
    const hanging = await startFakeIngestion(pki.leafFor(['ingest.test']), [pki.intermediate], { dcrId: DCR, stream: STREAM, hang: true });
    const imds = await startFakeImds();
    const guest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', `${AZURE_TAG}\n`);
    const spool = spoolDir();
    const args = (port: number) => [
      '--checks',
      'trust.',
      '--trust-store',
      DEBIAN_BUNDLE,
      '--json',
      '--root',
      guest.root,
      '--imds-endpoint',
      imds.url,
      '--log-analytics-endpoint',
      'https://ingest.test',
      '--dcr-id',
      DCR,
      '--stream',
      STREAM,
      '--delivery-timeout',
      '3',
      '--connect-to',
      `ingest.test:443:127.0.0.1:${port}`,
      '--report-ca-file',
      files.path('/ca.pem'),
      '--spool-dir',
      spool,
    ];
    try {
      const ok = JSON.parse((await runCli(args(flaky.port))).stdout) as Report;
      expect(ok.delivery!.results[0]).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(flaky.calls.map((c) => c.status)).toEqual([500, 204]);
      const started = Date.now();
      const hung = await runCli(args(hanging.port));
      expect(Date.now() - started).toBeLessThan(3_000 + 2_500);
      expect(hung.code).toBe(0);
      expect((JSON.parse(hung.stdout) as Report).delivery!.results[0]).toMatchObject({ status: 'spooled' });
      expect(readdirSync(spool).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    } finally {
      await Promise.all([flaky.close(), hanging.close(), imds.close()]);
      guest.remove();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('splits a report over 1 MB into accepted batches, and halves a batch the endpoint refuses with 413', async () => {
    // A trust store with one huge distrust note is not realistic; a big report comes from many findings instead:
    // --endpoint adds one network finding each, all failing fast at DNS (.invalid).
    const ingestion = await startFakeIngestion(pki.leafFor(['ingest.test']), [pki.intermediate], { dcrId: DCR, stream: STREAM, maxBytes: 6_000 });
    const spool = spoolDir();
    try {
      const endpoints = Array.from({ length: 30 }, (_, i) => ['--endpoint', `host${i}.asr-ready-test.invalid`]).flat();
      const result = await runCli(
        [
          '--checks',
          'network.endpoints',
          '--json',
          '--no-proxy',
          '--trust-store',
          DEBIAN_BUNDLE,
          ...endpoints,
          '--log-analytics-endpoint',
          'https://ingest.test',
          '--dcr-id',
          DCR,
          '--stream',
          STREAM,
          '--tenant-id',
          'contoso.onmicrosoft.com',
          '--client-id',
          '00000000-0000-0000-0000-000000000001',
          '--client-secret-file',
          files.path('/sp-secret'),
          '--connect-to',
          `ingest.test:443:127.0.0.1:${ingestion.port}`,
          '--connect-to',
          `login.microsoftonline.com:443:127.0.0.1:${tokenServer.port}`,
          '--report-ca-file',
          files.path('/ca.pem'),
          '--spool-dir',
          spool,
        ],
        { timeoutMs: 60_000 },
      );
      const report = JSON.parse(result.stdout) as Report;
      expect(report.delivery!.results[0]).toMatchObject({ status: 'delivered' });
      expect(ingestion.calls.some((c) => c.status === 413)).toBe(true);
      expect(ingestion.rows).toHaveLength(report.findings.length + 1);
      expect(new Set(ingestion.rows.map((r) => `${r.CheckId}|${r.Subject}`)).size).toBe(report.findings.length + 1);
      expect(tokenRequests).toEqual([
        {
          grant_type: 'client_credentials',
          client_id: '00000000-0000-0000-0000-000000000001',
          client_secret: 'Sp-S3cret-Value-77',
          scope: 'https://monitor.azure.com/.default',
        },
      ]);
      expect(`${result.stdout}${result.stderr}`).not.toContain('Sp-S3cret-Value-77');
    } finally {
      await ingestion.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('a batch split on 413 whose first half is accepted and second half fails → kept with the accepted rows recorded; the next run sends only the rest: every row exactly once', async () => {
    // One batch of 40-odd rows (a finding per endpoint), over the endpoint's 6,000 bytes: 413, halves, ...; the first piece accepted, the next one answered 500 (once).
    const ingestion = await startFakeIngestion(pki.leafFor(['ingest.test']), [pki.intermediate], {
      dcrId: DCR,
      stream: STREAM,
      maxBytes: 6_000,
      errorAfterAccepted: { accepted: 1, count: 1 },
    });
    const spool = spoolDir();
    const run = () =>
      runCli(
        [
          '--checks',
          'network.endpoints',
          '--json',
          '--no-proxy',
          '--trust-store',
          DEBIAN_BUNDLE,
          ...Array.from({ length: 30 }, (_, i) => ['--endpoint', `host${i}.asr-ready-test.invalid`]).flat(),
          '--log-analytics-endpoint',
          'https://ingest.test',
          '--dcr-id',
          DCR,
          '--stream',
          STREAM,
          '--tenant-id',
          'contoso.onmicrosoft.com',
          '--client-id',
          '00000000-0000-0000-0000-000000000001',
          '--client-secret-file',
          files.path('/sp-secret'),
          '--connect-to',
          `ingest.test:443:127.0.0.1:${ingestion.port}`,
          '--connect-to',
          `login.microsoftonline.com:443:127.0.0.1:${tokenServer.port}`,
          '--report-ca-file',
          files.path('/ca.pem'),
          '--spool-dir',
          spool,
          '--delivery-attempts',
          '1',
        ],
        { timeoutMs: 60_000 },
      );
    /** Rows stored per run id and finding: each must be there exactly once. */
    const stored = (runId: string) =>
      ingestion.rows
        .filter((r) => r.RunId === runId)
        .map((r) => `${String(r.CheckId)}|${String(r.Subject)}`)
        .sort();
    const expected = (r: Report) => ['(run)|', ...r.findings.map((f) => `${f.checkId}|${f.subject ?? ''}`)].sort();
    try {
      const first = await run();
      expect(first.code).toBe(1); // the .invalid endpoints fail: delivery does not change that
      const one = JSON.parse(first.stdout) as Report;
      const rows = one.findings.length + 1;
      expect(rows).toBeGreaterThan(30);
      const accepted = stored(one.runId).length;
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(rows / 2);
      expect(one.delivery!.results).toEqual([
        expect.objectContaining({
          status: 'spooled',
          httpStatus: 500,
          error: `${rows - accepted} of ${rows} row(s) not accepted: Logs Ingestion answered HTTP 500, InternalServerError`,
        }),
      ]);
      expect(ingestion.calls.map((c) => c.status).slice(0, 2)).toEqual([413, 413]);
      expect(ingestion.calls.filter((c) => c.status === 204)).toHaveLength(1);
      expect(ingestion.calls.at(-1)!.status).toBe(500);
      const [entryName] = spooled(spool);
      const entry = JSON.parse(readFileSync(path.join(spool, entryName!), 'utf8'));
      expect(entry).toMatchObject({ version: 2, runId: one.runId, pending: [{ name: 'log-analytics', deliveredRows: [[0, accepted]] }] });

      const second = await run();
      expect(second.code).toBe(1);
      const two = JSON.parse(second.stdout) as Report;
      expect(two.delivery!.results.map((r) => [r.runId, r.fromSpool, r.status])).toEqual([
        [one.runId, true, 'delivered'],
        [two.runId, false, 'delivered'],
      ]);
      expect(stored(one.runId)).toEqual(expected(one));
      expect(stored(two.runId)).toEqual(expected(two));
      expect(ingestion.rows).toHaveLength(rows + two.findings.length + 1);
      expect(spooled(spool)).toEqual([]);
    } finally {
      await ingestion.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });
});

// A fake Entra ID token endpoint for the service-principal flow (login.microsoftonline.com via --connect-to).
let tokenServer: FakeServer;
const tokenRequests: Array<Record<string, string>> = [];
beforeAll(async () => {
  const cert = pki.leafFor(['login.microsoftonline.com']);
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem + pki.intermediate.certPem }, (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      tokenRequests.push(Object.fromEntries(new URLSearchParams(body)));
      if (req.url !== '/contoso.onmicrosoft.com/oauth2/v2.0/token') return res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: fakeJwt('https://monitor.azure.com') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenServer = { port: (server.address() as import('node:net').AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
});
afterAll(() => tokenServer?.close());
