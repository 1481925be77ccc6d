// Logs Ingestion progress is kept row by row: whatever pattern of 413 splits, acceptances and
// failures a run meets, the rows accepted are never sent again by a later run. deliver() in process
// against the strict fake Logs Ingestion endpoint (HTTPS, test CA), which stores every row it accepts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliver, type DeliveryConfig, type DeliveryDeps } from '../../src/sinks/deliver';
import { batchRanges, rowsFor } from '../../src/sinks/log-analytics';
import { coveredCount, mergeRanges, toRanges, uncovered } from '../../src/sinks/row-ranges';
import { Spool } from '../../src/sinks/spool';
import { entryProblem } from '../../src/sinks/spool-read';
import { fakeJwt, seeded, startFakeIngestion, type FakeIngestion, type IngestionOptions } from '../helpers/fake-sinks';
import { makePki, type Pki } from '../helpers/servers';
import type { Report } from '../../src/report/report';

const DCR = 'dcr-0123456789abcdef0123456789abcdef';
const STREAM = 'Custom-AsrReadinessRaw';
const VM = { vmId: 'vm-1', resourceId: '/subscriptions/x/vm-1', region: 'westus' };
let pki: Pki;
beforeAll(() => (pki = makePki('Row Ranges Test Root')));

let dirs: string[] = [];
let closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  closers = [];
});

/** A report of `findings` warnings: rows of about 420 + `pad` bytes. */
function report(findings: number, pad = 150): Report {
  return {
    runId: randomUUID(),
    finishedAt: new Date().toISOString(),
    host: { hostname: 'vm-1' },
    agent: { version: '0.1.0', runtime: { loader: 'node' } },
    verdict: 'ready-with-warnings',
    summary: { pass: 0, warn: findings, total: findings },
    delivery: null,
    findings: Array.from({ length: findings }, (_, i) => ({
      checkId: `network.endpoints`,
      subject: `host${i}`,
      status: 'warn',
      summary: `${i} ${'x'.repeat(pad)}`,
      remediation: 'fix it',
      asrErrorCodes: [151196],
    })),
  } as unknown as Report;
}

async function ingestion(options: Partial<IngestionOptions> = {}): Promise<FakeIngestion> {
  const fake = await startFakeIngestion(pki.leafFor(['ingest.test']), [pki.intermediate], { dcrId: DCR, stream: STREAM, ...options });
  closers.push(fake.close);
  return fake;
}

function spoolDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-rows-unit-'));
  dirs.push(dir);
  return dir;
}

function setup(fake: FakeIngestion, dir: string, maxAttempts = 1): { config: DeliveryConfig; deps: DeliveryDeps } {
  const agent = new Agent({ connect: { ca: pki.root.certPem, servername: 'ingest.test' } });
  closers.push(() => agent.destroy());
  return {
    config: {
      collector: null,
      logAnalytics: { endpoint: `https://127.0.0.1:${fake.port}`, dcrId: DCR, stream: STREAM },
      spool: { dir, maxFiles: 1000, maxBytes: 1e9 },
      timeoutMs: 20_000,
      retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2 },
    },
    deps: {
      dispatcher: agent,
      tokens: { kind: 'test identity', getToken: async () => fakeJwt('https://monitor.azure.com') },
      vm: VM,
      userAgent: 'asr-ready/test',
    },
  };
}

/** Each row of each report, as "<runId> <subject>" → how many times the endpoint(s) stored it. */
function tally(...fakes: FakeIngestion[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of fakes.flatMap((f) => f.rows)) {
    const key = `${String(row.RunId)} ${String(row.RowType === 'summary' ? '(run)' : row.Subject)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
const expected = (...reports: Report[]) =>
  new Map(reports.flatMap((r) => [`${r.runId} (run)`, ...r.findings.map((f) => `${r.runId} ${String(f.subject)}`)]).map((k) => [k, 1]));
const entries = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.json'));

describe('row ranges', () => {
  it('joins, counts and complements half-open ranges', () => {
    expect(toRanges([5, 1, 2, 3, 9, 2])).toEqual([
      [1, 4],
      [5, 6],
      [9, 10],
    ]);
    expect(
      mergeRanges(
        [
          [4, 6],
          [0, 2],
        ],
        [
          [2, 3],
          [5, 9],
          [7, 7],
        ],
      ),
    ).toEqual([
      [0, 3],
      [4, 9],
    ]);
    expect(
      uncovered(10, [
        [0, 3],
        [4, 9],
      ]),
    ).toEqual([3, 9]);
    expect(uncovered(4, [])).toEqual([0, 1, 2, 3]);
    expect(
      coveredCount(6, [
        [0, 3],
        [2, 4],
        [5, 100],
      ]),
    ).toBe(5);
  });
});

describe('Logs Ingestion progress across runs', () => {
  it('a 413 split whose first half is accepted and second half fails → the next run sends only the second half: every row exactly once', async () => {
    // 40 rows of ~570 bytes; the endpoint takes at most 6,000: 40 → 413, 20 → 413, 10 accepted, the next 10 fail once.
    const fake = await ingestion({ maxBytes: 6_000, errorAfterAccepted: { accepted: 1, count: 1 } });
    const dir = spoolDir();
    const first = report(39);
    const s1 = setup(fake, dir);
    const r1 = await deliver(first, s1.config, s1.deps);
    expect(r1.results).toEqual([
      expect.objectContaining({
        destination: 'log-analytics',
        status: 'spooled',
        httpStatus: 500,
        error: expect.stringMatching(/^30 of 40 row\(s\) not accepted: Logs Ingestion answered HTTP 500, InternalServerError/),
      }),
    ]);
    expect(fake.calls.map((c) => c.status)).toEqual([413, 413, 204, 500]);
    expect(fake.rows).toHaveLength(10);
    const [name] = entries(dir);
    const kept = JSON.parse(readFileSync(path.join(dir, name!), 'utf8'));
    expect(kept).toMatchObject({ version: 2, runId: first.runId, pending: [{ name: 'log-analytics', deliveredRows: [[0, 10]] }] });
    expect(kept.pending[0]).not.toHaveProperty('deliveredBatches');

    const second = report(3);
    const s2 = setup(fake, dir);
    const r2 = await deliver(second, s2.config, s2.deps);
    expect(r2.results.map((r) => [r.runId, r.fromSpool, r.status])).toEqual([
      [first.runId, true, 'delivered'],
      [second.runId, false, 'delivered'],
    ]);
    expect(tally(fake)).toEqual(expected(first, second));
    expect(entries(dir)).toEqual([]);
  });

  it('records each accepted piece in the spool before the next request, so a run killed mid-report does not send it again', async () => {
    const dir = spoolDir();
    const seen: unknown[] = [];
    // Look at the spool as each request arrives: what a SIGKILL at that instant would leave.
    const fake = await ingestion({
      maxBytes: 3_000,
      onRequest: () => {
        const claimed = readdirSync(dir).find((n) => n.includes('.json.claim-'));
        seen.push(claimed ? (JSON.parse(readFileSync(path.join(dir, claimed), 'utf8')).pending[0].deliveredRows ?? []) : null);
      },
    });
    const { config, deps } = setup(fake, dir);
    const r = report(11);
    await deliver(r, config, deps);
    expect(tally(fake)).toEqual(expected(r));
    // 12 rows of ~570 bytes, at most 3,000 per request: 12 → 413, 6 → 413, 3, 3, 6 → 413, 3, 3
    expect(fake.calls.map((c) => c.status)).toEqual([413, 413, 204, 204, 413, 204, 204]);
    expect(seen).toEqual([[], [], [], [[0, 3]], [[0, 6]], [[0, 6]], [[0, 9]]]);
  });

  it('reads a version 1 entry: the batches it says were accepted are not sent again, the rest are', async () => {
    const fake = await ingestion();
    const dir = spoolDir();
    const old = report(40, 30_000); // over 1 MB of rows: two batches
    const ranges = batchRanges(rowsFor(old, VM));
    expect(ranges.length).toBe(2);
    const createdAt = new Date(Date.now() - 60_000).toISOString();
    const entry = { version: 1, createdAt, runId: old.runId, pending: [{ name: 'log-analytics', deliveredBatches: [0] }], report: old };
    expect(entryProblem(entry)).toBeNull();
    writeFileSync(path.join(dir, Spool.nameFor(entry)), JSON.stringify(entry), { mode: 0o600 });
    const now = report(1);
    const s = setup(fake, dir);
    const result = await deliver(now, s.config, s.deps);
    expect(result.results.map((r) => [r.runId, r.status])).toEqual([
      [old.runId, 'delivered'],
      [now.runId, 'delivered'],
    ]);
    const sent = tally(fake);
    const oldRows = [...sent.keys()].filter((k) => k.startsWith(old.runId));
    expect(oldRows).toHaveLength(41 - ranges[0]![1]);
    expect([...sent.values()].every((n) => n === 1)).toBe(true);
    expect(sent.get(`${old.runId} (run)`)).toBeUndefined(); // the summary row was in batch 0
    expect(entries(dir)).toEqual([]);
  });

  it('validates row ranges: only in version 2, well-formed', () => {
    const base = {
      runId: '0b1f0c57-3c1c-4a55-9d3e-111111111111',
      createdAt: '2026-01-01T00:00:00Z',
      report: { runId: '0b1f0c57-3c1c-4a55-9d3e-111111111111' },
    };
    expect(
      entryProblem({
        ...base,
        version: 2,
        pending: [
          {
            name: 'log-analytics',
            deliveredRows: [
              [0, 3],
              [5, 9],
            ],
            refusedRows: [[3, 4]],
          },
        ],
      }),
    ).toBeNull();
    expect(entryProblem({ ...base, version: 1, pending: [{ name: 'log-analytics', deliveredRows: [[0, 3]] }] })).toBe(
      'its list of pending destinations is missing or invalid',
    );
    expect(entryProblem({ ...base, version: 2, pending: [{ name: 'log-analytics', deliveredRows: [[3, 3]] }] })).toBe(
      'its list of pending destinations is missing or invalid',
    );
    expect(entryProblem({ ...base, version: 2, pending: [{ name: 'log-analytics', deliveredRows: [[0, -1]] }] })).toBe(
      'its list of pending destinations is missing or invalid',
    );
    expect(entryProblem({ ...base, version: 3, pending: [{ name: 'collector' }] })).toBe('its version is 3, not 1 or 2');
  });

  it('whatever the pattern of 413s, acceptances and failures over many runs, every row arrives exactly once', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const random = seeded(seed);
      // A flaky endpoint with a small, odd size limit: many splits at many depths, failures anywhere.
      const flaky = await ingestion({ maxBytes: 2_500 + Math.floor(random() * 6_000), failureRate: 0.35, seed });
      const dir = spoolDir();
      const reports: Report[] = [];
      for (let run = 0; run < 6; run++) {
        const r = report(Math.floor(random() * 50), 100 + Math.floor(random() * 900));
        reports.push(r);
        const { config, deps } = setup(flaky, dir, 1 + Math.floor(random() * 2));
        await deliver(r, config, deps);
      }
      // Then healthy: drains the spool.
      const healthy = await ingestion({ maxBytes: 4_000 });
      const last = report(2);
      reports.push(last);
      const { config, deps } = setup(healthy, dir, 2);
      const drained = await deliver(last, config, deps);
      expect(
        drained.results.every((r) => r.status === 'delivered'),
        `seed ${seed}`,
      ).toBe(true);
      expect(entries(dir), `seed ${seed}`).toEqual([]);
      expect(flaky.calls.filter((c) => c.status >= 500).length, `seed ${seed}: the endpoint did fail`).toBeGreaterThan(0);
      expect(tally(flaky, healthy), `seed ${seed}`).toEqual(expected(...reports));
    }
  }, 60_000);
});
