// deliver() in process, against a plain-HTTP collector on loopback: write-ahead, a stop signal,
// claims shared by two deliveries over one spool, and what the spool's limits drop.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, type DeliveryConfig, type DeliveryDeps } from '../../src/sinks/deliver';
import { Spool } from '../../src/sinks/spool';
import { serveOnLoopback } from '../helpers/servers';
import type { Report } from '../../src/report/report';

interface Collector {
  url: string;
  /** runId → requests received for it. */
  seen: Map<string, number>;
  close: () => Promise<void>;
}

/** Answers 201 after `delayMs`, or never when `hang`; `onRequest` runs before the answer. */
async function collector(options: { delayMs?: number; hang?: boolean; status?: number; onRequest?: (runId: string) => void } = {}): Promise<Collector> {
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const key = String(req.headers['idempotency-key']);
    seen.set(key, (seen.get(key) ?? 0) + 1);
    req.resume();
    req.on('end', () => {
      options.onRequest?.(key);
      if (options.hang) return;
      setTimeout(() => res.writeHead(options.status ?? 201).end(), options.delayMs ?? 0);
    });
  });
  const running = await serveOnLoopback(server);
  return { url: `http://127.0.0.1:${running.port}/reports`, seen, close: running.close };
}

const fakeReport = (runId = randomUUID()): Report => ({ runId, findings: [], delivery: null }) as unknown as Report;

let dirs: string[] = [];
let agents: Agent[] = [];
afterEach(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await Promise.all(agents.map((a) => a.destroy()));
  dirs = [];
  agents = [];
});

function setup(
  url: string,
  spoolOptions: Partial<{ maxFiles: number; maxBytes: number }> = {},
  timeoutMs = 10_000,
): { dir: string; config: DeliveryConfig; deps: DeliveryDeps } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-deliver-unit-'));
  dirs.push(dir);
  const agent = new Agent();
  agents.push(agent);
  return {
    dir,
    config: {
      collector: { url, token: 'unit-token' },
      logAnalytics: null,
      spool: { dir, maxFiles: 100, maxBytes: 50 * 1024 * 1024, ...spoolOptions },
      timeoutMs,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
    },
    deps: { dispatcher: agent, tokens: null, vm: { vmId: '', resourceId: '', region: '' }, userAgent: 'asr-ready/test' },
  };
}

async function plant(dir: string, count: number): Promise<string[]> {
  const spool = new Spool(dir, { maxFiles: 1000, maxBytes: 1e9 });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const runId = randomUUID();
    const claim = await spool.writeClaimed({
      version: 1,
      createdAt: new Date(Date.now() - 100_000 + i).toISOString(),
      runId,
      pending: [{ name: 'collector' }],
      report: fakeReport(runId),
    });
    await spool.release(claim, true);
    ids.push(runId);
  }
  return ids;
}

describe('deliver', () => {
  it("has this run's report in the spool, claimed, before the first request, and removes it once acknowledged", async () => {
    let seenInSpool: string[] = [];
    let dir = '';
    const c = await collector({ onRequest: () => (seenInSpool = readdirSync(dir)) });
    try {
      const s = setup(c.url);
      dir = s.dir;
      const report = fakeReport();
      const result = await deliver(report, s.config, s.deps);
      expect(seenInSpool).toEqual([expect.stringMatching(new RegExp(`^\\d+T\\d+Z-${report.runId}\\.json\\.claim-\\d+-${process.pid}-`))]);
      expect(result.results.map((r) => r.status)).toEqual(['delivered']);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('returns within 2 s of a stop while a request hangs, with the report spooled and "interrupted" said', async () => {
    const c = await collector({ hang: true });
    try {
      const s = setup(c.url);
      const stop = new AbortController();
      const report = fakeReport();
      setTimeout(() => stop.abort(new Error('SIGTERM')), 300);
      const started = Date.now();
      const result = await deliver(report, s.config, s.deps, stop.signal);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result.results).toEqual([expect.objectContaining({ runId: report.runId, status: 'spooled', error: expect.stringMatching(/^interrupted: /) })]);
      const names = readdirSync(s.dir);
      expect(names).toEqual([Spool.nameFor({ createdAt: JSON.parse(readFileSync(path.join(s.dir, names[0]!), 'utf8')).createdAt, runId: report.runId })]);
      expect(result.spool.pending).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('sends nothing when stopped before it starts, and still spools the report', async () => {
    const c = await collector();
    try {
      const s = setup(c.url);
      const backlog = await plant(s.dir, 2);
      const stop = new AbortController();
      stop.abort(new Error('SIGINT'));
      const report = fakeReport();
      const result = await deliver(report, s.config, s.deps, stop.signal);
      expect(c.seen.size).toBe(0);
      expect(result.results).toEqual([
        { destination: 'collector', runId: report.runId, fromSpool: false, status: 'spooled', attempts: 0, httpStatus: null, error: 'interrupted: not tried' },
      ]);
      expect(result.spool.pending).toBe(3);
      expect(backlog).toHaveLength(2);
    } finally {
      await c.close();
    }
  });

  it('two deliveries at once over one spool send each of 20 backlog entries exactly once', async () => {
    const c = await collector({ delayMs: 20 });
    try {
      const a = setup(c.url);
      const backlog = await plant(a.dir, 20);
      const b = { ...setup(c.url), config: { ...a.config } };
      const [ra, rb] = await Promise.all([deliver(fakeReport(), a.config, a.deps), deliver(fakeReport(), b.config, b.deps)]);
      expect(backlog.map((id) => c.seen.get(id))).toEqual(backlog.map(() => 1));
      expect(c.seen.size).toBe(22);
      const fromSpool = [...ra.results, ...rb.results].filter((r) => r.fromSpool);
      expect(fromSpool).toHaveLength(20);
      expect(ra.results.some((r) => r.fromSpool) && rb.results.some((r) => r.fromSpool)).toBe(true); // both took part
      expect(readdirSync(a.dir)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it("reports a report the spool's limits dropped as dropped, not spooled", async () => {
    const c = await collector({ status: 503 });
    try {
      const s = setup(c.url, { maxFiles: 2 });
      const backlog = await plant(s.dir, 2);
      const result = await deliver(fakeReport(), s.config, s.deps);
      expect(result.spool.dropped.map((d) => d.runId)).toEqual([backlog[0]]);
      expect(result.results.find((r) => r.runId === backlog[0])!.status).toBe('dropped');
      expect(result.results.find((r) => r.runId === backlog[1])!.status).toBe('spooled');
      expect(result.results.find((r) => !r.fromSpool)!.status).toBe('spooled');
      expect(result.spool.pending).toBe(2);
    } finally {
      await c.close();
    }
  });
});
