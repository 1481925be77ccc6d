// Stop signals on Node 20 and 22: a handler added after the stop still runs, and a linked signal with
// a timer fires even when nothing but its parents and its timer hold it (Node 20's AbortSignal.any
// with AbortSignal.timeout could be collected and never fire).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { linkedSignal, onAbort } from '../../src/net/abort';
import { connectTcp, resolveName } from '../../src/net/layers';
import { LookupQueue } from '../../src/net/dns-lookup';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('onAbort', () => {
  it('runs the handler for a signal that has already aborted', async () => {
    const stopped = AbortSignal.abort();
    let ran = 0;
    onAbort(stopped, () => ran++);
    await Promise.resolve();
    expect(ran).toBe(1);
  });

  it('a layer started after the stop ends at once with its partial evidence, not at its own time-out', async () => {
    const stopped = AbortSignal.abort(new Error('the probes stopped shortly before the run deadline'));
    const started = performance.now();
    const tcp = await connectTcp('127.0.0.1', 9, { timeoutMs: 5_000, loopbackOnly: true, signal: stopped }).catch((e: { evidence: unknown }) => e.evidence);
    expect(tcp).toMatchObject({ ok: false, code: 'ABORTED', error: expect.stringContaining('stopped at the deadline') });
    const never = new LookupQueue(1, () => new Promise(() => {}));
    const dns = await resolveName('slow.example.test', 5_000, stopped, never);
    expect(dns).toMatchObject({ ok: false, code: 'ABORTED' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('linkedSignal', () => {
  it('fires on its timer although only its parents and timer hold it, through garbage collections', async () => {
    const parent = new AbortController();
    const fired = new Promise<unknown>((resolve) => {
      // Nothing outside this block keeps the linked signal: only its listener, the parent and the timer.
      const { signal } = linkedSignal([parent.signal], 150, () => new Error('stop'));
      signal.addEventListener('abort', () => resolve(signal.reason));
    });
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    await expect(Promise.race([fired, new Promise((r) => setTimeout(() => r('never fired'), 2_000))])).resolves.toEqual(new Error('stop'));
  });

  it('takes the parent reason, at once when the parent has already aborted, and dispose() detaches', () => {
    const done = new AbortController();
    done.abort(new Error('deadline'));
    expect(linkedSignal([done.signal], 10_000).signal.reason).toEqual(new Error('deadline'));
    const parent = new AbortController();
    const linked = linkedSignal([parent.signal], 10_000);
    linked.dispose();
    parent.abort(new Error('late'));
    expect(linked.signal.aborted).toBe(false);
  });
});
