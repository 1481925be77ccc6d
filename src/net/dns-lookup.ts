// Name lookups through the system resolver (getaddrinfo, what the Mobility service's clients use).
// getaddrinfo blocks a libuv thread-pool thread for as long as the DNS server takes; the pool has
// UV_THREADPOOL_SIZE threads (4 by default) shared with file reads. Thirty lookups at once used to
// queue inside libuv, where the wait is invisible, and counted against the 5 s DNS limit: a slow
// but working resolver was reported as broken. So lookups wait in this queue instead, at most one
// per spare pool thread, and a lookup's time (and its limit) starts when it gets a thread.
import dns from 'node:dns';
import { onAbort } from './abort';
import { lookupSlots } from './resolver-pool';

export { lookupSlots, sizeResolverPool } from './resolver-pool';

export type LookupFn = (host: string) => Promise<dns.LookupAddress[]>;

export const systemLookup: LookupFn = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/** A lookup that has a thread: `answer` settles with getaddrinfo; `queuedMs` is how long it waited for the thread. */
export interface StartedLookup {
  answer: Promise<dns.LookupAddress[]>;
  queuedMs: number;
  startedAt: number;
}

export class LookupQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly slots: number,
    private readonly lookup: LookupFn = systemLookup,
  ) {}

  /**
   * Waits for a free slot (bounded by `signal` only: waiting is not the resolver's fault), then starts
   * the lookup. The slot is held until getaddrinfo returns, even when the caller gives up earlier,
   * because the pool thread stays busy until then.
   */
  async start(host: string, signal?: AbortSignal): Promise<StartedLookup> {
    const queuedAt = performance.now();
    if (this.active >= this.slots) {
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          undo();
          resolve();
        };
        const undo = onAbort(signal, () => {
          const at = this.waiting.indexOf(go);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(signal?.reason instanceof Error ? signal.reason : new Error('stopped'));
        });
        this.waiting.push(go);
      });
    }
    this.active++;
    const startedAt = performance.now();
    let answer: Promise<dns.LookupAddress[]>;
    try {
      answer = this.lookup(host);
    } catch (err) {
      answer = Promise.reject(err);
    }
    void answer.then(
      () => this.release(),
      () => this.release(),
    );
    return { answer, queuedMs: Math.round(startedAt - queuedAt), startedAt };
  }

  /** Lookups running or waiting (tests). */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

let shared: LookupQueue | null = null;

/** The process's queue in front of the system resolver (sized when first used: the pool has started by then). */
export function systemLookupQueue(): LookupQueue {
  return (shared ??= new LookupQueue(lookupSlots()));
}
