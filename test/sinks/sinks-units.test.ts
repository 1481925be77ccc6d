import { describe, expect, it } from 'vitest';
import { retryAfterMs, withRetries } from '../../src/sinks/retry';
import { batchRows, MAX_BATCH_BYTES, type ReadinessRow } from '../../src/sinks/log-analytics';

describe('retryAfterMs', () => {
  it('reads retry-after-ms, x-ms-retry-after-ms, Retry-After seconds and dates, in that order', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' })).toBe(250);
    expect(retryAfterMs({ 'x-ms-retry-after-ms': '1200' })).toBe(1200);
    expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Fri, 27 Nov 2026 10:00:05 GMT' }, Date.parse('2026-11-27T10:00:00Z'))).toBe(5000);
    expect(retryAfterMs({})).toBeUndefined();
  });
});

describe('withRetries', () => {
  it('stops at the first success, gives up on a permanent failure, and keeps "keep for later" failures as transient', async () => {
    const signal = new AbortController().signal;
    const policy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
    let calls = 0;
    const ok = await withRetries(
      async () => (++calls < 3 ? { ok: false, retryable: true, error: 'busy' } : { ok: true, value: 'v', status: 201 }),
      policy,
      signal,
    );
    expect([ok.ok, ok.attempts, ok.status]).toEqual([true, 3, 201]);
    const permanent = await withRetries(async () => ({ ok: false, retryable: false, error: 'bad request', status: 400 }), policy, signal);
    expect([permanent.attempts, permanent.transient]).toEqual([1, false]);
    const auth = await withRetries(async () => ({ ok: false, retryable: false, keepForLater: true, error: 'token refused', status: 401 }), policy, signal);
    expect([auth.attempts, auth.transient]).toEqual([1, true]);
  });
});

describe('batchRows', () => {
  const row = (i: number, size: number): ReadinessRow => ({
    TimeGenerated: 't',
    RunId: 'r',
    RowType: 'finding',
    Computer: 'c',
    VmId: '',
    VmResourceId: '',
    Region: '',
    CheckId: `c${i}`,
    Subject: '',
    Status: 'pass',
    Summary: 'x'.repeat(size),
    Remediation: '',
    AsrErrorCodes: [],
    AgentVersion: '1',
    AgentRuntime: { node: '22.23.3', arch: 'x64', launcher: 'bundled-loader', libc: 'glibc 2.36', platformCheckSkipped: false },
    Verdict: 'ready',
    Counts: null,
  });
  it('keeps every batch under 1,000,000 bytes of JSON and loses no row', () => {
    const rows = Array.from({ length: 120 }, (_, i) => row(i, 30_000));
    const batches = batchRows(rows);
    expect(batches.length).toBeGreaterThan(3);
    for (const b of batches) expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThan(MAX_BATCH_BYTES);
    expect(batches.flat()).toEqual(rows);
  });
});
