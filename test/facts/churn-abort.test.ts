// The churn sampler's one-second waits must not leave their abort listener on the caller's signal:
// repeated samples on one signal used to pile them up (MaxListenersExceededWarning on stderr).
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sampleChurn } from '../../src/facts/churn';
import { withGuest } from '../helpers/fake-guest';

describe('churn sampler and its stop signal', () => {
  it('many samples on one signal leave no abort listener behind', async () => {
    const controller = new AbortController();
    await withGuest(
      (g) => g.write('/proc/diskstats', '   8       0 sda 1 0 0 0 10 0 1000 0 0 0 0\n'),
      async (g) => {
        // 12 samples (more than the default limit of 10 listeners), two one-second waits each
        await Promise.all(Array.from({ length: 12 }, () => sampleChurn(g.root, 'linux', 2, [], controller.signal)));
      },
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('still stops a sample when the signal aborts, and then holds no listener either', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    await withGuest(
      (g) => g.write('/proc/diskstats', '   8       0 sda 1 0 0 0 10 0 1000 0 0 0 0\n'),
      async (g) => {
        const sample = sampleChurn(g.root, 'linux', 5, [], controller.signal);
        setTimeout(() => controller.abort(reason), 100);
        await expect(sample).rejects.toBe(reason);
      },
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
