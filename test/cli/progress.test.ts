// The progress line end to end: the built CLI under a pseudo-terminal (util-linux `script`), over
// the loopback network lab. On a terminal's stderr it shows the run's phases and counts, rewritten
// in place; piped, with --quiet or with NO_PROGRESS there is none; stdout is the same report.
/* eslint-disable no-control-regex -- terminal escapes are what these tests read */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, runProgram } from '../helpers/cli';
import { CLI_BUNDLE } from '../helpers/paths';
import { FakeGuest } from '../helpers/fake-guest';
import { LAB_SERVICE_BUS, labArgs } from '../helpers/network-lab';
import { makePki, startHttpsServer, type RunningServer } from '../helpers/servers';
import { startHttpServer } from '../helpers/plain-http';
import type { ReportJson as Report } from '../helpers/report-json';

const NAMES = ['login.microsoftonline.com', 'pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com', 'asrcache01.blob.core.windows.net', LAB_SERVICE_BUS];
const HAVE_SCRIPT = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const PROGRESS_TEXT = /running \d+ checks?|probing endpoints|gathering facts|delivering/;

let files: FakeGuest;
let good: RunningServer;
let http80: RunningServer;
let dir: string;

beforeAll(async () => {
  const pki = makePki('Progress Lab Root CA');
  files = new FakeGuest('asr-ready-progress-').write('/store.pem', pki.root.certPem);
  good = await startHttpsServer(pki.leafFor(NAMES), [pki.intermediate]);
  http80 = await startHttpServer();
  dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-progress-out-'));
});
afterAll(async () => {
  await Promise.all([good?.close(), http80?.close()]);
  files?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function lab(...extra: string[]): string[] {
  return labArgs({ checks: 'network.endpoints,trust.azure-roots', trustStore: files.path('/store.pem'), http80Port: http80.port }, good.port, [
    '--fail-on',
    'never',
    ...extra,
  ]);
}

/** The lab plus a one-second churn sample: a run long enough for the line to be redrawn past its throttle. */
function slowLab(...extra: string[]): string[] {
  return labArgs({ checks: 'network.endpoints,trust.azure-roots,storage.churn', trustStore: files.path('/store.pem'), http80Port: http80.port }, good.port, [
    '--fail-on',
    'never',
    '--churn-sample',
    '1',
    '--deadline',
    '60',
    ...extra,
  ]);
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
let outputs = 0;

/** The CLI with stderr on a pseudo-terminal and stdout to a file: what the terminal showed, and stdout. */
async function underPty(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; terminal: string; stdout: string }> {
  const out = path.join(dir, `stdout-${++outputs}.json`);
  const command = [process.execPath, CLI_BUNDLE, ...args].map(quote).join(' ') + ` > ${quote(out)}`;
  const result = await runProgram('script', ['-q', '-e', '-c', command, '/dev/null'], { env: cleanEnv(env), timeoutMs: 30_000 });
  return { code: result.code, terminal: result.stdout, stdout: readFileSync(out, 'utf8') };
}

/** A report without what differs from run to run. */
function stable(stdout: string): unknown {
  const report = JSON.parse(stdout) as Report;
  return {
    verdict: report.verdict,
    summary: report.summary,
    findings: report.findings.map((f) => ({ checkId: f.checkId, status: f.status, title: f.checkId === 'storage.churn' ? '(measured)' : f.title })),
    endpoints: report.endpoints?.map((e) => ({ host: e.host, port: e.port, status: e.status })),
  };
}

describe.skipIf(!HAVE_SCRIPT)('progress on a terminal', () => {
  it('shows phases and counts on stderr, rewritten in place, and erases them before the run ends', async () => {
    const { code, terminal, stdout } = await underPty(slowLab());
    expect(code).toBe(0);
    expect(terminal).toMatch(/^\rgathering facts\x1b\[K/);
    // Past the first 100 ms (the throttle) the latest of these was drawn; the countdown's last tick comes a second later.
    expect(terminal).toMatch(/\r(running 3 checks(: \d of 3)?|probing endpoints: \d+ of \d+|sampling disk churn: 1 s left)\x1b\[K/);
    expect(terminal).toMatch(/\r(sampling disk churn: 0 s left|running 3 checks: [23] of 3)\x1b\[K/);
    expect(terminal).not.toContain('\n'); // one line, rewritten: nothing scrolls
    expect(terminal.endsWith('\r\x1b[K')).toBe(true); // erased before the report
    const piped = await runCli(slowLab(), { timeoutMs: 30_000 });
    expect(piped.stderr).toBe('');
    expect(stable(stdout)).toEqual(stable(piped.stdout));
  }, 60_000);

  it('shows none when piped, with --quiet, or with NO_PROGRESS set', async () => {
    const piped = await runCli(lab(), { timeoutMs: 30_000 });
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toMatch(PROGRESS_TEXT);
    expect(piped.stderr).not.toContain('\x1b[K');

    const quiet = await underPty(lab('--quiet'));
    expect(quiet.code).toBe(0);
    expect(quiet.terminal).toBe('');
    expect(stable(quiet.stdout)).toEqual(stable(piped.stdout));

    const off = await underPty(lab(), { NO_PROGRESS: '1' });
    expect(off.code).toBe(0);
    expect(off.terminal).toBe('');
    expect(stable(off.stdout)).toEqual(stable(piped.stdout));
  }, 90_000);

  it('a warning written while the line is shown lands on a clean line', async () => {
    // --log-level info puts log lines on the same terminal: each starts at column 0, after an erase.
    const { code, terminal } = await underPty(lab('--log-level', 'info'));
    expect(code).toBe(0);
    const lines = terminal.split('\n').filter((l) => l.includes('"msg"'));
    expect(lines.length).toBeGreaterThan(0);
    // Whatever the terminal shows of each log line starts after the last erase: no progress text before it.
    for (const line of lines) expect(line.slice(line.lastIndexOf('\r\x1b[K') + 1)).toMatch(/^(\x1b\[K)?\{/);
  }, 60_000);
});

describe.skipIf(!HAVE_SCRIPT)('progress and interruption', () => {
  it('counts the churn sampling down, and erases the line before the SIGINT message; the report is still printed', async () => {
    const out = path.join(dir, 'interrupted.json');
    const run = [process.execPath, CLI_BUNDLE, '--checks', 'storage.churn', '--churn-sample', '4', '--deadline', '40', '--json', '--fail-on', 'never']
      .map(quote)
      .join(' ');
    const inner = `${run} > ${quote(out)} & pid=$!; sleep 2.3; kill -INT $pid; wait $pid; echo "exit=$?"`;
    const result = await runProgram('script', ['-q', '-e', '-c', `sh -c ${quote(inner)}`, '/dev/null'], { env: cleanEnv(), timeoutMs: 30_000 });
    expect(result.stdout).toMatch(/\rsampling disk churn: 4 s left\x1b\[K/);
    expect(result.stdout).toMatch(/\rsampling disk churn: [23] s left\x1b\[K/);
    expect(result.stdout).toContain('\r\x1b[Kasr-ready: received SIGINT');
    expect(result.stdout).toMatch(/exit=130/);
    // Nothing drawn after the stop: the message is followed by nothing but the shell's line.
    expect(result.stdout.slice(result.stdout.indexOf('received SIGINT'))).not.toContain('\x1b[K');
    expect(() => JSON.parse(readFileSync(out, 'utf8'))).not.toThrow();
  }, 60_000);
});
