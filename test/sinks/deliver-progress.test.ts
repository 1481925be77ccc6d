// deliver() tells its Progress (src/core/progress.ts) each collector attempt, as "attempt k of N".
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { expect, it } from 'vitest';
import { deliver } from '../../src/sinks/deliver';
import type { Progress } from '../../src/core/progress';
import { serveOnLoopback } from '../helpers/servers';
import type { Report } from '../../src/report/report';

it('says which collector attempt is under way, of how many', async () => {
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(++requests === 1 ? 503 : 201).end());
  });
  const running = await serveOnLoopback(server);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-deliver-progress-'));
  const agent = new Agent();
  const phases: string[] = [];
  const progress: Progress = { phase: (t) => phases.push(t), count: () => {}, countdown: () => {}, clear: () => {} };
  try {
    const result = await deliver(
      { runId: randomUUID(), findings: [], delivery: null } as unknown as Report,
      {
        collector: { url: `http://127.0.0.1:${running.port}/reports`, token: 'unit-token' },
        logAnalytics: null,
        spool: { dir, maxFiles: 100, maxBytes: 50 * 1024 * 1024 },
        timeoutMs: 10_000,
        retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 20 },
      },
      { dispatcher: agent, tokens: null, vm: { vmId: '', resourceId: '', region: '' }, userAgent: 'asr-ready/test', progress },
    );
    expect(result.results.map((r) => [r.status, r.attempts])).toEqual([['delivered', 2]]);
    expect(phases).toEqual(['delivering to collector: attempt 1 of 4', 'delivering to collector: attempt 2 of 4']);
  } finally {
    await agent.destroy();
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
