// Runs checks concurrently, each isolated and bounded; returns findings in registry order.
import type { Check, CheckContext } from './check';
import type { CheckOutcome, Finding } from './finding';
import { describeError, formatSeconds, TimeoutError } from './errors';
import { withTimeout } from './time-bound';
import { mapBounded } from './bounded-map';

export interface EngineOptions {
  /** Aborts when the whole run's deadline passes. */
  deadline: AbortSignal;
  /** How many checks may run at once. */
  concurrency: number;
  now?: () => Date;
}

export async function runChecks(
  checks: readonly Check[],
  makeContext: (signal: AbortSignal) => CheckContext,
  options: EngineOptions,
): Promise<Finding[]> {
  const results = await mapBounded(checks, options.concurrency, (check) => runOne(check, makeContext, options.deadline));
  return results.flat();
}

async function runOne(
  check: Check,
  makeContext: (signal: AbortSignal) => CheckContext,
  deadline: AbortSignal,
): Promise<Finding[]> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (deadline.aborted) {
    return [errorFinding(check, 'was not started: the run deadline had already passed', 0, 'deadline')];
  }
  try {
    const outcomes = await withTimeout(
      `check ${check.id}`,
      check.timeoutMs,
      (signal) => check.run(makeContext(signal)),
      deadline,
    );
    if (outcomes.length === 0) {
      return [errorFinding(check, 'returned no result (a bug in the check)', elapsed(), 'empty')];
    }
    const durationMs = elapsed();
    return outcomes.map((o) => toFinding(check, o, durationMs));
  } catch (err) {
    const durationMs = elapsed();
    // Judge by the signals, not the error's class: whatever reason the deadline was aborted with,
    // a check cut short by it timed out.
    if (deadline.aborted) return [errorFinding(check, 'the run deadline passed before it finished', durationMs, 'timeout')];
    if (err instanceof TimeoutError) {
      const which = err.what === `check ${check.id}` ? `did not finish within its time bound of ${formatSeconds(check.timeoutMs)}` : `could not finish: ${err.message}`;
      return [errorFinding(check, which, durationMs, 'timeout')];
    }
    return [errorFinding(check, `failed unexpectedly: ${describeError(err)}`, durationMs, 'exception')];
  }
}

function toFinding(check: Check, o: CheckOutcome, durationMs: number): Finding {
  return {
    checkId: check.id,
    subject: o.subject ?? null,
    status: o.status,
    title: o.title ?? check.title,
    summary: o.summary,
    remediation: o.remediation ?? null,
    asrErrorCodes: o.asrErrorCodes ?? [],
    evidence: o.evidence ?? {},
    durationMs,
  };
}

function errorFinding(check: Check, what: string, durationMs: number, kind: string): Finding {
  return {
    checkId: check.id,
    subject: null,
    status: 'error',
    title: check.title,
    summary: `Check ${check.id} ${what}; its result is unknown, so readiness cannot be confirmed.`,
    remediation:
      kind === 'timeout'
        ? 'Run again with a larger --deadline, or run this check alone (--checks ' + check.id + ') with --log-level debug to see where it waits.'
        : 'Run again with --log-level debug and report the output to the asr-ready maintainers.',
    asrErrorCodes: [],
    evidence: { errorKind: kind },
    durationMs,
  };
}
