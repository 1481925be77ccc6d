// Bounded retries with exponential backoff and jitter, honouring Retry-After. One policy for every
// sink, so a fleet backs off the same way whatever it reports to. The loop itself is net's, the one
// the IMDS reads use too (src/net/retry-loop.ts).
import { retryLoop } from '../net/retry-loop';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Refused for good. 'report': this report will never be accepted (a 400 schema rejection): drop it.
 * 'destination': nothing can be sent with this configuration (a token that is not a valid header
 * value, 401 after a refresh): stop sending there for this run and keep the report for a fixed one.
 */
export type Permanence = 'report' | 'destination';

export type Attempt<T> =
  | { ok: true; value: T; status?: number }
  | { ok: false; retryable: boolean; error: string; status?: number; retryAfterMs?: number; keepForLater?: boolean; permanent?: Permanence };

export interface RetryOutcome<T> {
  ok: boolean;
  value?: T;
  attempts: number;
  status: number | null;
  error: string | null;
  /** The last failure may clear later (network, throttling, a token or role not yet valid): spool it. */
  transient: boolean;
  /** Refused for good: not retried in this run (see Permanence). */
  permanent: Permanence | null;
}

export async function withRetries<T>(attempt: (n: number) => Promise<Attempt<T>>, policy: RetryPolicy, signal: AbortSignal): Promise<RetryOutcome<T>> {
  // No attempt starts once stopped; a stop during a wait ends the loop with the last failure.
  if (policy.maxAttempts < 1) return { ok: false, attempts: 0, status: null, error: 'not attempted', transient: true, permanent: null };
  if (signal.aborted) return { ok: false, attempts: 0, status: null, error: `not attempted (${stoppedBecause(signal)})`, transient: true, permanent: null };
  const { last, attempts } = await retryLoop(
    attempt,
    policy.maxAttempts,
    (result, n) => {
      if (result.ok || result.permanent || !result.retryable) return null;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1)) * (0.5 + Math.random());
      return result.retryAfterMs !== undefined ? Math.min(result.retryAfterMs, policy.maxDelayMs * 4) : backoff;
    },
    signal,
  );
  if (last.ok) return { ok: true, value: last.value, attempts, status: last.status ?? null, error: null, transient: false, permanent: null };
  if (last.permanent)
    return { ok: false, attempts, status: last.status ?? null, error: last.error, transient: last.permanent === 'destination', permanent: last.permanent };
  return { ok: false, attempts, status: last.status ?? null, error: last.error, transient: last.retryable || Boolean(last.keepForLater), permanent: null };
}

/** Why a delivery signal aborted: the run was interrupted (a signal), or the delivery time bound ran out. */
export function stoppedBecause(signal: AbortSignal): string {
  // AbortSignal.timeout() aborts with a DOMException named TimeoutError; a stop carries its own reason.
  const reason: unknown = signal.reason;
  return reason instanceof DOMException && reason.name === 'TimeoutError' ? 'the delivery time bound ran out' : 'interrupted';
}

export { retryAfterMs } from '../net/retry-after';
