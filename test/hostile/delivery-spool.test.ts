// The hostile table, delivery and spool: the collector, Logs Ingestion, token endpoints and the
// spool as a hostile host or network would present them. One row per input, the exact outcome.
import { randomUUID } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import https from 'node:https';
import { Readable } from 'node:stream';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, runProgram, type CliResult } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { CLI_APP_BUNDLE, CLI_BUNDLE, DEBIAN_BUNDLE } from '../helpers/paths';
import { freePort, makePki, serveOnLoopback, startSilentServer, type Pki } from '../helpers/servers';
import { fakeJwt, startFakeCollector, startFakeIngestion, type FakeCollector } from '../helpers/fake-sinks';
import { startFakeImds } from '../helpers/fake-imds';
import { reportSchemaErrors } from '../helpers/schema';
import type { ReportJson as Report } from '../helpers/report-json';

const TOKEN = 'hostile-token-5e2b';
const DCR = 'dcr-0123456789abcdef0123456789abcdef';
const STREAM = 'Custom-AsrReadinessRaw';
const HOST = os
  .hostname()
  .replace(/[^A-Za-z0-9-]/g, '_')
  .slice(0, 63);
let pki: Pki;
let files: FakeGuest;
let template: Report; // a real report, to plant entries from

beforeAll(async () => {
  pki = makePki('Hostile Delivery Root');
  files = new FakeGuest('asr-ready-hostile-delivery-')
    .write('/ca.pem', pki.root.certPem)
    .write('/token', `${TOKEN}\n`)
    .write('/sp-secret', 'Sp-Hostile-Secret-91\n');
  const spool = tmp();
  const first = await runCli(args(await freePort(), spool));
  template = JSON.parse(first.stdout) as Report;
  rmSync(spool, { recursive: true, force: true });
});
afterAll(() => files.remove());

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'asr-ready-hostile-spool-'));
}

function args(collectorPort: number, spool: string, ...extra: string[]): string[] {
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
    ...(extra.includes('--delivery-attempts') ? [] : ['--delivery-attempts', '1']),
    ...extra,
  ];
}

const collectorFor = (options: Partial<Parameters<typeof startFakeCollector>[2]> = {}) =>
  startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: TOKEN, ...options });

/** Plants a valid entry of a new run id, as an earlier run would have spooled it. */
function plant(spool: string, createdAt = new Date(Date.now() - 60_000).toISOString()): { runId: string; name: string } {
  const runId = randomUUID();
  const name = `${createdAt.replace(/[-:.]/g, '')}-${runId}.json`;
  writeFileSync(
    path.join(spool, name),
    JSON.stringify({ version: 1, createdAt, runId, pending: [{ name: 'collector' }], report: { ...template, runId, delivery: null } }),
    { mode: 0o600 },
  );
  return { runId, name };
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

/** Runs the CLI in a mount namespace of its own, after `setup` (sh) prepared $SPOOL there; prints `ls -a $SPOOL` to stderr at the end. */
function inNamespace(setup: string, spool: string, cliArgs: string[]): Promise<CliResult> {
  const script = `${setup}\n"$@"; rc=$?; echo "LISTING: $(ls -a "$SPOOL" | tr '\\n' ' ')" >&2; exit $rc`;
  return runProgram('unshare', ['-m', 'sh', '-c', script, 'sh', process.execPath, CLI_BUNDLE, ...cliArgs], {
    env: cleanEnv({ SPOOL: spool }),
    timeoutMs: 30_000,
  });
}

const report = (r: CliResult) => JSON.parse(r.stdout) as Report;
const requestsFor = (c: FakeCollector, runId: string) => c.requests.filter((q) => q.idempotencyKey === runId).length;

describe('the spool as the host presents it', () => {
  it('spool directory on a read-only tmpfs, with a backlog → exit 0, report printed and delivered, "read-only (EROFS)" named, backlog left untouched', async () => {
    const collector = await collectorFor();
    const spool = tmp();
    const backlog = tmp();
    const planted = plant(backlog);
    try {
      const result = await inNamespace(
        `mount -t tmpfs -o size=1m,mode=0700 tmpfs "$SPOOL" && cp "${backlog}/${planted.name}" "$SPOOL/" && mount -o remount,ro "$SPOOL"`,
        spool,
        args(collector.port, spool),
      );
      expect(result.code).toBe(0);
      const r = report(result);
      expect(reportSchemaErrors(r)).toEqual([]);
      expect(r.delivery!.spool.condition).toMatchObject({ code: 'read-only', errno: 'EROFS' });
      expect(r.delivery!.results).toEqual([
        { destination: 'collector', runId: r.runId, fromSpool: false, status: 'delivered', attempts: 1, httpStatus: 201, error: null },
      ]);
      expect(result.stderr).toContain(`asr-ready: the spool directory ${spool} is on a read-only file system (EROFS, while writing this run's report)`);
      expect(result.stderr).toContain('give --spool-dir on a writable disk');
      expect([...collector.stored.keys()]).toEqual([r.runId]); // the backlog could not be claimed, so it was not sent
      expect(result.stderr).toContain(`LISTING: . .. ${planted.name} `);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
      rmSync(backlog, { recursive: true, force: true });
    }
  });

  it('spool on a full 64 KiB tmpfs and the collector down → exit 0, report printed, "full (ENOSPC)" named, report said lost, no .tmp- file left', async () => {
    const spool = tmp();
    try {
      const result = await inNamespace(
        'mount -t tmpfs -o size=64k,mode=0700 tmpfs "$SPOOL" && (dd if=/dev/zero of="$SPOOL/filler" bs=4k count=64 2>/dev/null || true)',
        spool,
        args(await freePort(), spool),
      );
      expect(result.code).toBe(0);
      const r = report(result);
      expect(r.delivery!.spool.condition).toMatchObject({ code: 'full', errno: 'ENOSPC' });
      expect(r.delivery!.results[0]).toMatchObject({ status: 'lost', fromSpool: false });
      expect(result.stderr).toContain('is on a full file system (or over its quota) (ENOSPC');
      expect(result.stderr).toContain('it could not be spooled and is lost');
      expect(result.stderr).toMatch(/LISTING: \. \.\. filler $/m);
    } finally {
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it.skipIf(process.getuid?.() !== 0)(
    'spool directory not writable by the user running the agent (EACCES) → exit 0, report printed and delivered, "forbidden (EACCES)" named, nothing written there',
    async () => {
      // Tests run as root, which may write anywhere: run the agent as "nobody" (65534), from
      // world-readable copies of the bundles and inputs, against a spool owned by root, mode 0700.
      for (const [from, to] of [
        [CLI_BUNDLE, '/asr-ready.cjs'],
        [CLI_APP_BUNDLE, '/asr-ready-app.cjs'],
        [DEBIAN_BUNDLE, '/debian.crt'],
      ] as const) {
        copyFileSync(from, files.path(to));
        chmodSync(files.path(to), 0o644);
      }
      const collector = await collectorFor();
      const spool = tmp();
      chmodSync(spool, 0o700);
      expect(statSync(spool).uid).toBe(0);
      expect(statSync(spool).mode & 0o777).toBe(0o700);
      try {
        const cliArgs = args(collector.port, spool).map((a) => (a === DEBIAN_BUNDLE ? files.path('/debian.crt') : a));
        const result = await runCli(cliArgs, { uid: 65534, gid: 65534, bundle: files.path('/asr-ready.cjs'), cwd: files.root });
        expect(result.code).toBe(0); // ready, as without a spool: the spool never changes the exit code
        const r = report(result);
        expect(reportSchemaErrors(r)).toEqual([]);
        expect(r.verdict).toBe('ready');
        expect(r.delivery!.spool.condition).toEqual({
          code: 'forbidden',
          errno: 'EACCES',
          message: expect.stringContaining(`the spool directory ${spool} may not be written by this user (EACCES, while writing this run's report)`),
        });
        expect(r.delivery!.results).toEqual([
          { destination: 'collector', runId: r.runId, fromSpool: false, status: 'delivered', attempts: 1, httpStatus: 201, error: null },
        ]);
        expect(result.stderr).toContain(`asr-ready: the spool directory ${spool} may not be written by this user (EACCES, while writing this run's report)`);
        expect(result.stderr).toContain('run as the user that owns it (root for the installed timer) or give --spool-dir that this user owns');
        expect([...collector.stored.keys()]).toEqual([r.runId]);
        expect(readdirSync(spool)).toEqual([]);
        expect(statSync(spool).mode & 0o777).toBe(0o700); // left as it was
      } finally {
        await collector.close();
        rmSync(spool, { recursive: true, force: true });
      }
    },
  );

  it('--spool-dir naming a regular file → exit 0, "not a directory" named, report printed', async () => {
    const dir = tmp();
    const notDir = path.join(dir, 'spool');
    writeFileSync(notDir, 'not a folder');
    try {
      const result = await runCli(args(await freePort(), notDir));
      expect(result.code).toBe(0);
      const r = report(result);
      expect(r.delivery!.spool.condition).toMatchObject({ code: 'not-a-directory' });
      expect(r.delivery!.results[0]!.status).toBe('lost');
      expect(result.stderr).toContain(`asr-ready: the spool directory ${notDir} is not a directory`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a FIFO named like a spool entry → quarantined as "a FIFO" within seconds, never opened for a blocking read', async () => {
    const collector = await collectorFor();
    const spool = tmp();
    const name = `20260101T000000000Z-${randomUUID()}.json`;
    execFileSync('mkfifo', [path.join(spool, name)]);
    try {
      const started = Date.now();
      const result = await runCli(args(collector.port, spool));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`asr-ready: spool entry ${name} cannot be sent: it is a FIFO, not a regular file; moved aside as ${name}.corrupt`);
      expect(readFileSync(path.join(spool, `${name}.corrupt.reason`), 'utf8')).toContain('it is a FIFO, not a regular file');
      expect([...collector.stored.keys()]).toEqual([report(result).runId]);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('a 50 MB file named like a spool entry → quarantined by its size before any read', async () => {
    const collector = await collectorFor();
    const spool = tmp();
    const name = `20260101T000000000Z-${randomUUID()}.json`;
    writeFileSync(path.join(spool, name), '');
    truncateSync(path.join(spool, name), 50 * 1024 * 1024);
    try {
      const result = await runCli(args(collector.port, spool));
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(
        `asr-ready: spool entry ${name} cannot be sent: it is 52428800 bytes, more than the 33554432 a spooled report may have; moved aside as ${name}.corrupt`,
      );
      expect(existsSync(path.join(spool, `${name}.corrupt`))).toBe(true);
      expect(report(result).delivery!.results).toHaveLength(1);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('a directory named like a spool entry → quarantined as "a directory", the run delivers its own report', async () => {
    const collector = await collectorFor();
    const spool = tmp();
    const name = `20260101T000000000Z-${randomUUID()}.json`;
    mkdirSync(path.join(spool, name));
    try {
      const result = await runCli(args(collector.port, spool));
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`spool entry ${name} cannot be sent: it is a directory, not a regular file; moved aside as ${name}.corrupt`);
      expect(report(result).delivery!.results.map((r) => r.status)).toEqual(['delivered']);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('a half-written entry → quarantined once with "not complete JSON", not sent, and the next run is clean', async () => {
    const collector = await collectorFor();
    const spool = tmp();
    const name = `20260101T000000000Z-${randomUUID()}.json`;
    writeFileSync(path.join(spool, name), '{"version":1,"createdAt":"2026-01-01T00:00:00.000Z","runId":"');
    try {
      const first = await runCli(args(collector.port, spool));
      expect(first.stderr).toContain(`spool entry ${name} cannot be sent: it is not complete JSON (`);
      const second = await runCli(args(collector.port, spool));
      expect(second.code).toBe(0);
      expect(second.stderr).not.toContain(name);
      expect(collector.requests).toHaveLength(2); // the two runs' own reports, nothing else
      expect(readdirSync(spool).sort()).toEqual([`${name}.corrupt`, `${name}.corrupt.reason`]);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });
});

describe('claims and overlapping runs', () => {
  it('an entry claimed by a dead pid on this host → taken back and delivered exactly once, the claim gone', async () => {
    const collector = await collectorFor();
    const spool = tmp();
    const planted = plant(spool);
    const pid = await deadPid();
    renameSync(path.join(spool, planted.name), path.join(spool, `${planted.name}.claim-${Date.now()}-${pid}-${HOST}.0a1b2c`));
    try {
      const result = await runCli(args(collector.port, spool));
      expect(report(result).delivery!.results.map((r) => [r.runId, r.fromSpool, r.status])).toEqual([
        [planted.runId, true, 'delivered'],
        [report(result).runId, false, 'delivered'],
      ]);
      expect(result.stderr).toContain(`took back the spooled report ${planted.name} from a run that did not finish sending it (pid ${pid} on ${HOST})`);
      expect(requestsFor(collector, planted.runId)).toBe(1);
      expect(readdirSync(spool)).toEqual([]);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('an entry claimed by a live run on this host → left alone, not sent, still counted as pending', async () => {
    const collector = await collectorFor();
    const spool = tmp();
    const planted = plant(spool);
    const claimed = `${planted.name}.claim-${Date.now()}-${process.pid}-${HOST}.0a1b2c`; // this test process: alive
    renameSync(path.join(spool, planted.name), path.join(spool, claimed));
    try {
      const result = await runCli(args(collector.port, spool));
      expect(requestsFor(collector, planted.runId)).toBe(0);
      expect(readdirSync(spool)).toEqual([claimed]);
      expect(report(result).delivery!.spool.pending).toBe(1);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('a stale .tmp- file of a dead writer → removed, its content never sent', async () => {
    const collector = await collectorFor();
    const spool = tmp();
    const stale = `.tmp-${Date.now()}-${await deadPid()}-${HOST}-0123456789ab`;
    writeFileSync(path.join(spool, stale), '{"version":1,"runId":"half');
    try {
      const result = await runCli(args(collector.port, spool));
      expect(result.code).toBe(0);
      expect(readdirSync(spool)).toEqual([]);
      expect(collector.requests).toHaveLength(1);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('SIGTERM while the collector hangs in the TLS handshake → ends within 2 s, report printed and left in the spool unclaimed, "interrupted" said', async () => {
    const silent = await startSilentServer();
    const spool = tmp();
    try {
      const child = spawn(process.execPath, [CLI_BUNDLE, ...args(silent.port, spool, '--delivery-timeout', '60')], {
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.resume();
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      // wait until the run is delivering: its own report is in the spool, claimed
      for (let i = 0; i < 200 && !readdirSync(spool).some((n) => n.includes('.json.claim-')); i++) await new Promise((r) => setTimeout(r, 25));
      const started = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(code).toBe(143);
      const r = JSON.parse(stdout) as Report;
      expect(r.delivery!.results).toEqual([expect.objectContaining({ runId: r.runId, status: 'spooled', error: expect.stringMatching(/^interrupted: /) })]);
      expect(readdirSync(spool)).toEqual([expect.stringMatching(new RegExp(`^\\d+T\\d+Z-${r.runId}\\.json$`))]);
    } finally {
      await silent.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('two runs overlapping on one spool with a backlog of 12 → every run id delivered exactly once, as counted by the collector', async () => {
    const collector = await collectorFor({ delayMs: 120 });
    const spool = tmp();
    const backlog = Array.from({ length: 12 }, (_, i) => plant(spool, new Date(Date.now() - 600_000 + i * 1000).toISOString()).runId);
    try {
      const [a, b] = await Promise.all([
        runCli(args(collector.port, spool), { timeoutMs: 60_000 }),
        runCli(args(collector.port, spool), { timeoutMs: 60_000 }),
      ]);
      const all = [...backlog, report(a).runId, report(b).runId];
      expect(all.map((id) => requestsFor(collector, id))).toEqual(all.map(() => 1));
      expect(collector.requests).toHaveLength(14);
      // both runs took part in the backlog: the claims really were contended
      const sentBy = (r: CliResult) => report(r).delivery!.results.filter((x) => x.fromSpool && x.status === 'delivered').length;
      expect(sentBy(a) + sentBy(b)).toBe(12);
      expect(readdirSync(spool)).toEqual([]);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('what destinations answer', () => {
  it('a collector answering 201 with a 100 MB body → delivered, the body cut off at 64 KiB, within seconds', async () => {
    let written = 0;
    const cert = pki.leafFor(['collector.test']);
    const server = https.createServer({ key: cert.keyPem, cert: cert.certPem + pki.intermediate.certPem }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        Readable.from(
          (function* () {
            for (let i = 0; i < 1600; i++) {
              written += chunk.length;
              yield chunk;
            }
          })(),
        )
          .pipe(res)
          .on('error', () => {});
      });
    });
    const running = await serveOnLoopback(server);
    const spool = tmp();
    try {
      const started = Date.now();
      const result = await runCli(args(running.port, spool));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(report(result).delivery!.results[0]).toMatchObject({ status: 'delivered', httpStatus: 201 });
      expect(written).toBeLessThan(50 * 1024 * 1024); // the client hung up long before 100 MB
      expect(readdirSync(spool)).toEqual([]);
    } finally {
      await running.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('a collector answering 400 → rejected after one attempt, not spooled, never sent again', async () => {
    const collector = await collectorFor({ status: 400 });
    const spool = tmp();
    try {
      const first = await runCli(args(collector.port, spool, '--delivery-attempts', '4'));
      const r = report(first);
      expect(r.delivery!.results).toEqual([
        {
          destination: 'collector',
          runId: r.runId,
          fromSpool: false,
          status: 'rejected',
          attempts: 1,
          httpStatus: 400,
          error: 'the collector refused this report for good (HTTP 400); it is not sent again',
        },
      ]);
      expect(first.stderr).toContain('it was refused for good and is not kept.');
      expect(readdirSync(spool)).toEqual([]);
      await runCli(args(collector.port, spool));
      expect(requestsFor(collector, r.runId)).toBe(1);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });
});

describe('Logs Ingestion and its tokens', () => {
  /** A fake Entra ID token endpoint: answers tokens for `audience`, or never answers. */
  async function tokenServer(options: { audience?: string; hang?: boolean }) {
    const requests: string[] = [];
    const cert = pki.leafFor(['login.microsoftonline.com']);
    const server = https.createServer({ key: cert.keyPem, cert: cert.certPem + pki.intermediate.certPem }, (req, res) => {
      req.resume();
      req.on('end', () => {
        requests.push(req.url ?? '');
        if (options.hang) return;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: fakeJwt(options.audience ?? 'https://monitor.azure.com') }));
      });
    });
    return { ...(await serveOnLoopback(server)), requests };
  }

  const laArgs = (ingestPort: number, tokenPort: number, spool: string, ...extra: string[]) => [
    '--checks',
    'trust.',
    '--trust-store',
    DEBIAN_BUNDLE,
    '--json',
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
    `ingest.test:443:127.0.0.1:${ingestPort}`,
    '--connect-to',
    `login.microsoftonline.com:443:127.0.0.1:${tokenPort}`,
    '--report-ca-file',
    files.path('/ca.pem'),
    '--spool-dir',
    spool,
    ...extra,
  ];

  it('Logs Ingestion answering 401 to a freshly issued token → two attempts (one refresh), then not tried again in this run, kept', async () => {
    const ingestion = await startFakeIngestion(pki.leafFor(['ingest.test']), [pki.intermediate], { dcrId: DCR, stream: STREAM });
    const tokens = await tokenServer({ audience: 'https://monitor.azure.us' }); // the wrong cloud's audience: always 401
    const spool = tmp();
    try {
      const result = await runCli(laArgs(ingestion.port, tokens.port, spool, '--delivery-attempts', '4'));
      expect(result.code).toBe(0);
      expect(ingestion.calls.map((c) => c.status)).toEqual([401, 401]);
      expect(tokens.requests).toHaveLength(2);
      const r = report(result).delivery!.results[0]!;
      expect(r).toMatchObject({ status: 'spooled', attempts: 2, httpStatus: 401 });
      expect(r.error).toContain('Logs Ingestion refused a freshly issued token too (401, InvalidToken)');
      expect(`${result.stdout}${result.stderr}`).not.toContain('Sp-Hostile-Secret-91');
    } finally {
      await Promise.all([ingestion.close(), tokens.close()]);
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('a token endpoint that accepts and never answers → the run ends within --delivery-timeout 3 plus 4 s, report spooled', async () => {
    const ingestion = await startFakeIngestion(pki.leafFor(['ingest.test']), [pki.intermediate], { dcrId: DCR, stream: STREAM });
    const tokens = await tokenServer({ hang: true });
    const spool = tmp();
    try {
      const started = Date.now();
      const result = await runCli(laArgs(ingestion.port, tokens.port, spool, '--delivery-timeout', '3'));
      expect(Date.now() - started).toBeLessThan(7_000);
      expect(result.code).toBe(0);
      expect(report(result).delivery!.results[0]).toMatchObject({ status: 'spooled' });
      expect(report(result).delivery!.results[0]!.error).toContain('could not get a token from the service principal');
      expect(ingestion.calls).toEqual([]);
      expect(readdirSync(spool).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    } finally {
      await Promise.all([ingestion.close(), tokens.close()]);
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('an IMDS that never answers, so the checks hit --deadline 2 → the report is still printed and delivered (no exit 3)', async () => {
    const imds = await startFakeImds({ hang: true });
    const collector = await collectorFor();
    const spool = tmp();
    try {
      const started = Date.now();
      const result = await runCli(['--checks', 'azure.metadata', '--deadline', '2', '--imds-endpoint', imds.url, ...args(collector.port, spool).slice(2)]);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.code).toBe(1); // the check that could not finish counts as failed
      const r = report(result);
      expect(r.findings.map((f) => f.status)).toEqual(['error']);
      expect(r.delivery!.results).toEqual([
        { destination: 'collector', runId: r.runId, fromSpool: false, status: 'delivered', attempts: 1, httpStatus: 201, error: null },
      ]);
      expect([...collector.stored.keys()]).toEqual([r.runId]);
    } finally {
      await Promise.all([imds.close(), collector.close()]);
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('a collector that accepts TCP and never answers TLS → ends within --delivery-timeout 2 plus 4 s, spooled, exit 0', async () => {
    const silent = await startSilentServer();
    const spool = tmp();
    try {
      const started = Date.now();
      const result = await runCli(args(silent.port, spool, '--delivery-timeout', '2'));
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(result.code).toBe(0);
      expect(report(result).delivery!.results[0]).toMatchObject({ status: 'spooled', fromSpool: false });
      expect(readdirSync(spool).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    } finally {
      await silent.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });
});
