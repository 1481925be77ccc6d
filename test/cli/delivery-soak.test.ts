// The acceptance runs: 50 scheduled-style runs against an unreliable collector, and a
// redaction sweep with secrets planted in every input.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { DEBIAN_BUNDLE } from '../helpers/paths';
import { freePort, makePki, type Pki } from '../helpers/servers';
import { startFakeCollector } from '../helpers/fake-sinks';
import type { Report } from '../../src/report/report';

const TOKEN = 'soak-token-8c1d';
let pki: Pki;
let files: FakeGuest;
beforeAll(() => {
  pki = makePki('Soak Test Root');
  files = new FakeGuest('asr-ready-soak-').write('/ca.pem', pki.root.certPem).write('/token', TOKEN);
});
afterAll(() => files.remove());

describe('delivery under faults', () => {
  it('delivers all 50 run ids exactly once to a collector that fails half the requests and is down for a stretch', async () => {
    const collector = await startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: TOKEN, failureRate: 0.5, seed: 20261127 });
    const spool = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-soak-spool-'));
    const runIds: string[] = [];
    try {
      for (let run = 1; run <= 50; run++) {
        collector.setDown(run >= 11 && run <= 20);
        if (run === 46) collector.setFailureRate(0); // the collector is healthy again for the last runs
        const result = await runCli([
          '--checks',
          'trust.',
          '--trust-store',
          DEBIAN_BUNDLE,
          '--json',
          '--report-url',
          'https://collector.test/reports',
          '--report-token-file',
          files.path('/token'),
          '--connect-to',
          `collector.test:443:127.0.0.1:${collector.port}`,
          '--report-ca-file',
          files.path('/ca.pem'),
          '--spool-dir',
          spool,
          '--delivery-attempts',
          '2',
        ]);
        expect(result.code).toBe(0); // delivery problems never change the exit code
        runIds.push((JSON.parse(result.stdout) as Report).runId);
      }
      expect(new Set(runIds).size).toBe(50);
      expect([...collector.stored.keys()].sort()).toEqual([...runIds].sort());
      // a report is never sent again once the collector acknowledged it
      expect(runIds.map((id) => collector.acknowledged.get(id))).toEqual(runIds.map(() => 1));
      // the faults really happened: failures before and after storing, and resets while down
      expect(collector.requests.length).toBeGreaterThan(60);
      expect(readdirSync(spool).filter((n) => n.endsWith('.json'))).toEqual([]);
    } finally {
      await collector.close();
      rmSync(spool, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('secrets', () => {
  it('never writes a planted secret to stdout, stderr (trace logs included), the report or the spool', async () => {
    const planted = {
      token: 'PLANTED-TOKEN-1111',
      clientSecret: 'PLANTED-SECRET-2222',
      proxyPassword: 'PLANTED-PROXYPW-3333',
      sas: 'PLANTED-SAS-4444',
    };
    const secrets = new FakeGuest('asr-ready-secrets-').write('/token', planted.token);
    const spool = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-secret-spool-'));
    try {
      const deadProxy = await freePort();
      const args = [
        '--checks',
        'trust.,network.proxy',
        '--trust-store',
        DEBIAN_BUNDLE,
        '--json',
        '--log-level',
        'trace',
        '--proxy',
        `http://svc:${planted.proxyPassword}@127.0.0.1:${deadProxy}`,
        '--report-url',
        `https://collector.test/reports?sv=2024-01-01&sig=${planted.sas}`,
        '--report-token-file',
        secrets.path('/token'),
        '--log-analytics-endpoint',
        'https://ingest.test',
        '--dcr-id',
        'dcr-0123456789abcdef0123456789abcdef',
        '--stream',
        'Custom-AsrReadinessRaw',
        '--tenant-id',
        'contoso.onmicrosoft.com',
        '--client-id',
        '00000000-0000-0000-0000-000000000002',
        '--spool-dir',
        spool,
        '--delivery-attempts',
        '1',
      ];
      const env = cleanEnv({ ASR_READY_CLIENT_SECRET: planted.clientSecret });
      const first = await runCli(args, { env });
      const second = await runCli(args, { env }); // the backlog path too
      const spoolText = readdirSync(spool)
        .map((n) => readFileSync(path.join(spool, n), 'utf8'))
        .join('\n');
      expect(spoolText.length).toBeGreaterThan(0);
      const everything = [first.stdout, first.stderr, second.stdout, second.stderr, spoolText].join('\n');
      for (const [name, value] of Object.entries(planted)) {
        expect(everything.includes(value), `${name} leaked`).toBe(false);
      }
      // and the runs did go through the paths where a secret could leak
      expect(first.stderr).toContain('was not delivered to the collector');
      expect(first.stderr).toContain('was not delivered to the Log Analytics');
      expect(first.stderr).toContain('"level":20'); // debug logs were written, and checked above
    } finally {
      secrets.remove();
      rmSync(spool, { recursive: true, force: true });
    }
  }, 60_000);
});
