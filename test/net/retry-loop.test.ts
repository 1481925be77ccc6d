// The one retry loop (src/net/retry-loop.ts) that IMDS reads and deliveries share: bounded in
// attempts, the caller's wait between them, and a stop that ends a wait at once.
import { describe, expect, it } from 'vitest';
import { retryLoop, sleepUnlessAborted } from '../../src/net/retry-loop';
import { ConnectToSpecError, parseConnectTo } from '../../src/net/connect-to';
import { unbracketIpv6 } from '../../src/net/address-scope';

describe('retryLoop', () => {
  it('stops at the first result the caller does not want retried, and never goes past maxAttempts', async () => {
    const seen: number[] = [];
    const ok = await retryLoop(
      async (n) => (seen.push(n), n === 2 ? 'ok' : 'busy'),
      5,
      (r) => (r === 'ok' ? null : 1),
    );
    expect(ok).toEqual({ last: 'ok', attempts: 2 });
    const waits: Array<[string, number]> = [];
    const spent = await retryLoop(
      async (n) => `fail ${n}`,
      3,
      (r, n) => (waits.push([r, n]), 1),
    );
    expect(spent).toEqual({ last: 'fail 3', attempts: 3 });
    expect(waits).toEqual([
      ['fail 1', 1],
      ['fail 2', 2],
    ]); // no wait is asked for after the last attempt
    expect(
      await retryLoop(
        async () => 'x',
        1,
        () => 1,
      ),
    ).toEqual({ last: 'x', attempts: 1 });
  });

  it('waits as told between attempts (the IMDS schedule: 500 ms, then 1500 ms)', async () => {
    const at: number[] = [];
    const started = performance.now();
    await retryLoop(
      async () => at.push(performance.now() - started),
      3,
      (_r, n) => [50, 150][n - 1] ?? null,
    );
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(45);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(145);
  });

  it('ends a wait at once when stopped, with the last result, and starts no attempt after', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const started = performance.now();
    const end = await retryLoop(
      async (n) => n,
      4,
      () => 10_000,
      stop.signal,
    );
    expect(end).toEqual({ last: 1, attempts: 1 });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('sleepUnlessAborted: true after the time, false at once when aborted (before or during)', async () => {
    expect(await sleepUnlessAborted(5)).toBe(true);
    expect(await sleepUnlessAborted(10_000, AbortSignal.abort())).toBe(false);
    const stop = new AbortController();
    const sleeping = sleepUnlessAborted(10_000, stop.signal);
    stop.abort();
    expect(await sleeping).toBe(false);
  });
});

describe('net errors and helpers', () => {
  it('parseConnectTo throws its own error class (the CLI makes it a usage error with the same message)', () => {
    expect(() => parseConnectTo('just-a-host')).toThrow(ConnectToSpecError);
    expect(() => parseConnectTo('a:443::8443')).toThrow(new ConnectToSpecError('--connect-to "a:443::8443": HOST2 is empty'));
  });

  it('unbracketIpv6 takes the brackets off an IPv6 literal and leaves other hosts alone', () => {
    expect(unbracketIpv6('[::1]')).toBe('::1');
    expect(unbracketIpv6('[fe80::1%eth0]')).toBe('fe80::1%eth0');
    expect(unbracketIpv6('127.0.0.1')).toBe('127.0.0.1');
    expect(unbracketIpv6('login.microsoftonline.com')).toBe('login.microsoftonline.com');
    expect(unbracketIpv6('')).toBe('');
  });
});
