// DNS timing excludes the wait for a resolver thread: a slow but working resolver is not a broken one.
import { describe, expect, it } from 'vitest';
import { LookupQueue, lookupSlots, sizeResolverPool } from '../../src/net/dns-lookup';
import { resolveName } from '../../src/net/layers';

const slowResolver = (ms: number) => (_host: string) =>
  new Promise<Array<{ address: string; family: number }>>((resolve) => setTimeout(() => resolve([{ address: '127.0.0.1', family: 4 }]), ms));

describe('resolveName through a LookupQueue', () => {
  it('counts only the lookup itself against the DNS limit, and reports the queue wait apart', async () => {
    // 2 resolver threads, 8 names, each answered after 100 ms, a 250 ms limit: the last ones wait
    // ~300 ms for a thread, which used to count against the limit and fail them.
    const queue = new LookupQueue(2, slowResolver(100));
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => resolveName(`n${i}.example.test`, 250, undefined, queue)));
    expect(results.map((r) => r.ok)).toEqual(Array(8).fill(true));
    for (const r of results) expect(r.ms).toBeLessThan(250);
    expect(Math.max(...results.map((r) => r.queuedMs))).toBeGreaterThanOrEqual(250);
    expect(results[0]!.queuedMs).toBeLessThan(50);
    expect(queue.load).toEqual({ active: 0, waiting: 0 });
  });

  it('still fails a lookup that takes longer than the limit once it has a thread', async () => {
    const queue = new LookupQueue(1, slowResolver(400));
    const r = await resolveName('slow.example.test', 100, undefined, queue);
    expect(r).toMatchObject({ ok: false, code: 'ETIMEOUT' });
    expect(r.ms).toBeGreaterThanOrEqual(95);
  });

  it('keeps a thread taken until getaddrinfo returns, even after the caller gave up', async () => {
    const queue = new LookupQueue(1, slowResolver(200));
    await resolveName('a.example.test', 50, undefined, queue); // times out; the thread stays busy
    expect(queue.load.active).toBe(1);
    const second = await resolveName('b.example.test', 500, undefined, queue);
    expect(second.ok).toBe(true);
    expect(second.queuedMs).toBeGreaterThanOrEqual(100);
  });

  it('a stop while waiting for a thread is named as such', async () => {
    const queue = new LookupQueue(1, () => new Promise(() => {}));
    void resolveName('busy.example.test', 5_000, undefined, queue);
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('deadline')), 50);
    const r = await resolveName('waiting.example.test', 5_000, stop.signal, queue);
    expect(r).toMatchObject({ ok: false, code: 'ABORTED', error: expect.stringContaining('waiting') });
  });
});

describe('the resolver pool size', () => {
  it('is set for the probes unless the environment already sets it, and the queue leaves threads for file reads', () => {
    const env: NodeJS.ProcessEnv = {};
    sizeResolverPool(env, 0);
    expect(Number(env.UV_THREADPOOL_SIZE)).toBeGreaterThanOrEqual(64);
    const many: NodeJS.ProcessEnv = {};
    sizeResolverPool(many, 500);
    expect(Number(many.UV_THREADPOOL_SIZE)).toBeGreaterThanOrEqual(536);
    const given: NodeJS.ProcessEnv = { UV_THREADPOOL_SIZE: '8' };
    sizeResolverPool(given, 500);
    expect(given.UV_THREADPOOL_SIZE).toBe('8');
    expect(lookupSlots({ UV_THREADPOOL_SIZE: '64' })).toBe(60);
    expect(lookupSlots({ UV_THREADPOOL_SIZE: '4' })).toBe(3);
    expect(lookupSlots({})).toBe(3);
  });
});
