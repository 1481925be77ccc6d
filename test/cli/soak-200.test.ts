// The field-hard acceptance soak: 200 runs against a collector that fails half its requests, a
// SIGTERM sent to every fifth run at a random instant, runs started in overlapping pairs on one
// spool, and four secrets planted in the inputs. Every run id a run printed reaches the collector
// exactly once (it acknowledges each once), nothing is left in the spool, and no secret appears in
// any output, spool file or request the collector received.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { CLI_BUNDLE, DEBIAN_BUNDLE } from '../helpers/paths';
import { freePort, makePki, type Pki } from '../helpers/servers';
import { seeded, startFakeCollector } from '../helpers/fake-sinks';

const PLANTED = { token: 'SOAK-TOKEN-5b1e77', proxyPassword: 'SOAK-PROXYPW-93aa1', clientSecret: 'SOAK-CLIENTSECRET-4c2f', sas: 'SOAK-SAS-0d8e3b' };
const RUNS = 200;
let pki: Pki;
let files: FakeGuest;
beforeAll(() => {
  pki = makePki('Soak 200 Root');
  files = new FakeGuest('asr-ready-soak200-').write('/ca.pem', pki.root.certPem).write('/token', `${PLANTED.token}\n`);
});
afterAll(() => files.remove());

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  signalled: boolean;
}

/** One run; when `termAfterMs` is set, SIGTERM is sent that long after the start (if it is still running). */
function run(args: string[], env: NodeJS.ProcessEnv, termAfterMs: number | null): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const term = termAfterMs === null ? null : setTimeout(() => (signalled = child.kill('SIGTERM')), termAfterMs);
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      if (term) clearTimeout(term);
      clearTimeout(guard);
      resolve({ code, stdout, stderr, signalled });
    });
  });
}

describe('soak: 200 runs, a failing collector, SIGTERMs and overlapping runs', () => {
  it('delivers every printed run id exactly once, leaves an empty spool and leaks no planted secret', async () => {
    const collector = await startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: PLANTED.token, failureRate: 0.5, seed: 20261130 });
    const spool = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-soak200-spool-'));
    const random = seeded(7);
    const deadProxy = await freePort();
    const env = cleanEnv({
      HTTPS_PROXY: `http://svc:${PLANTED.proxyPassword}@127.0.0.1:${deadProxy}`,
      NO_PROXY: 'collector.test',
      ASR_READY_CLIENT_SECRET: PLANTED.clientSecret,
    });
    const args = [
      '--checks',
      'trust.',
      '--trust-store',
      DEBIAN_BUNDLE,
      '--json',
      '--log-level',
      'debug',
      '--report-url',
      `https://collector.test/reports?sv=2024-01-01&sig=${PLANTED.sas}`,
      '--report-token-file',
      files.path('/token'),
      '--connect-to',
      `collector.test:443:127.0.0.1:${collector.port}`,
      '--report-ca-file',
      files.path('/ca.pem'),
      '--spool-dir',
      spool,
      '--delivery-attempts',
      '1',
    ];
    const outcomes: Outcome[] = [];
    try {
      for (let i = 0; i < RUNS;) {
        // every fourth step starts two runs at once on the one spool
        const batch = i % 8 === 0 ? [i, i + 1] : [i];
        const results = await Promise.all(batch.map((n) => run(args, env, n % 5 === 4 ? 40 + Math.floor(random() * 420) : null)));
        outcomes.push(...results);
        i += batch.length;
      }
      // Healthy again: a last few runs take the backlog the faults left.
      collector.setFailureRate(0);
      for (let i = 0; i < 3; i++) outcomes.push(await run(args, env, null));

      const printed = outcomes.filter((o) => o.stdout.trim()).map((o) => (JSON.parse(o.stdout) as { runId: string }).runId);
      const interrupted = outcomes.filter((o) => o.code === 143);
      // the faults really happened: of the 40 SIGTERMs, some land before start-up or after the end,
      // how many depends on the machine's load; at least a quarter land mid-run
      expect(interrupted.length).toBeGreaterThanOrEqual(10);
      expect(collector.requests.length).toBeGreaterThan(RUNS + 50);
      // 0: ready; 143: stopped by SIGTERM; null: killed by it before start-up installed the handlers
      // (nothing was spooled yet, so nothing can be lost)
      expect(outcomes.filter((o) => !(o.code === 0 || o.code === 143 || (o.code === null && o.signalled)))).toEqual([]);
      // every SIGTERM that arrived after start-up still printed a whole report
      expect(interrupted.every((o) => o.stdout.trim() === '' || JSON.parse(o.stdout).runId)).toBe(true);
      // exactly once
      expect(new Set(printed).size).toBe(printed.length);
      expect([...collector.stored.keys()].sort()).toEqual([...printed].sort());
      expect(printed.filter((id) => collector.acknowledged.get(id) !== 1)).toEqual([]);
      expect(readdirSync(spool).filter((n) => !n.endsWith('.corrupt') && !n.endsWith('.reason'))).toEqual([]);
      // nothing leaked
      const everything = [
        ...outcomes.flatMap((o) => [o.stdout, o.stderr]),
        ...readdirSync(spool).map((n) => readFileSync(path.join(spool, n), 'utf8')),
        ...collector.bodies,
      ].join('\n');
      for (const [name, value] of Object.entries(PLANTED)) expect(everything.includes(value), `${name} leaked`).toBe(false);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  }, 900_000);
});
