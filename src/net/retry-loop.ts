// The one retry loop: IMDS reads (instance metadata) and deliveries (collector, Logs Ingestion and
// the tokens they need) all go through it. Attempts are bounded in number; the wait between two is
// the caller's (a fixed schedule, or backoff with Retry-After) and ends at once when the signal
// aborts, after which no attempt starts.

export interface RetryLoopEnd<R> {
  /** What the last attempt returned. */
  last: R;
  attempts: number;
}

/**
 * Runs attempt(1), attempt(2), ... at most maxAttempts (at least 1) times. After an attempt that is
 * not the last allowed, waitBefore(result, n) gives the milliseconds to wait before the next one, or
 * null to end here (a success, or a failure another try will not change). A stop (signal) during the
 * wait ends the loop with the result in hand.
 */
export async function retryLoop<R>(
  attempt: (n: number) => Promise<R>,
  maxAttempts: number,
  waitBefore: (result: R, n: number) => number | null,
  signal?: AbortSignal,
): Promise<RetryLoopEnd<R>> {
  for (let n = 1; ; n++) {
    const result = await attempt(n);
    if (n >= maxAttempts) return { last: result, attempts: n };
    const wait = waitBefore(result, n);
    if (wait === null || !(await sleepUnlessAborted(wait, signal))) return { last: result, attempts: n };
  }
}

/** Resolves true after ms, or false at once when the signal aborts (or already has). */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve(true)), ms);
    const onAbort = () => (clearTimeout(timer), resolve(false));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
