// Runs checks concurrently, each isolated and bounded; returns findings in registry order.
import type { Check } from './check';
import type { CheckOutcome, Finding } from './finding';
import { describeError, formatSeconds, TimeoutError } from './errors';
import { withTimeout } from './time-bound';
import { mapBounded } from './bounded-map';
import { CheckProgress } from './check-progress';
import { InterruptedError } from './interruption';

export interface EngineOptions {
  /** Aborts when the whole run's deadline passes. */
  deadline: AbortSignal;
  /** Aborts when the run is interrupted (SIGTERM, SIGINT, SIGHUP); its reason is an InterruptedError. */
  interrupt?: AbortSignal;
  /** How many checks may run at once. */
  concurrency: number;
  /** Filled in as checks start and finish (the watchdog reads it); one is made when not given. */
  progress?: CheckProgress;
  now?: () => Date;
}

/** makeContext builds what a check's run() is given; signal ends with the check's own bound. */
export async function runChecks<Context>(
  checks: readonly Check<Context>[],
  makeContext: (check: Check<Context>, signal: AbortSignal) => Context,
  options: EngineOptions,
): Promise<Finding[]> {
  const progress = options.progress ?? new CheckProgress(checks);
  const cut = options.interrupt ? AbortSignal.any([options.deadline, options.interrupt]) : options.deadline;
  const results = await mapBounded(checks, options.concurrency, async (check) => {
    const findings = await runOne(check, makeContext, cut, options, progress);
    progress.finish(check, findings);
    return findings;
  });
  return results.flat();
}

async function runOne<Context>(
  check: Check<Context>,
  makeContext: (check: Check<Context>, signal: AbortSignal) => Context,
  cut: AbortSignal,
  options: EngineOptions,
  progress: CheckProgress,
): Promise<Finding[]> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const interrupted = interruptionOf(options.interrupt);
  if (interrupted) return [notStartedFinding(check, interrupted)];
  if (options.deadline.aborted) return [notStartedFinding(check, null)];
  try {
    const outcomes = await progress.run(check, () => withTimeout(`check ${check.id}`, check.timeoutMs, (signal) => check.run(makeContext(check, signal)), cut));
    if (outcomes.length === 0) {
      return [errorFinding(check, 'returned no result (a bug in the check)', elapsed(), 'empty')];
    }
    const durationMs = elapsed();
    return outcomes.map((o) => toFinding(check, o, durationMs));
  } catch (err) {
    const durationMs = elapsed();
    // Judge by the signals, not the error's class: whatever reason they were aborted with, a check
    // cut short by an interruption was interrupted, and one cut by the deadline timed out.
    const interruptedNow = interruptionOf(options.interrupt);
    if (interruptedNow) return [cutFinding(check, interruptedNow, durationMs)];
    if (options.deadline.aborted) return [cutFinding(check, null, durationMs)];
    if (err instanceof TimeoutError) {
      const which =
        err.what === `check ${check.id}` ? `did not finish within its time bound of ${formatSeconds(check.timeoutMs)}` : `could not finish: ${err.message}`;
      return [errorFinding(check, which, durationMs, 'timeout')];
    }
    return [errorFinding(check, `failed unexpectedly: ${describeError(err)}`, durationMs, 'exception')];
  }
}

function interruptionOf(signal: AbortSignal | undefined): InterruptedError | null {
  if (!signal?.aborted) return null;
  return signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError('a signal');
}

/** A check the run deadline (interrupted: null) or an interruption cut while it was running. */
export function cutFinding(check: Check, interrupted: InterruptedError | null, durationMs: number): Finding {
  return interrupted
    ? errorFinding(check, `was cut short: ${interrupted.message} before it finished`, durationMs, 'interrupted')
    : errorFinding(check, 'the run deadline passed before it finished', durationMs, 'timeout');
}

/** A check the run never started because the deadline had passed or it was interrupted. */
export function notStartedFinding(check: Check, interrupted: InterruptedError | null): Finding {
  return interrupted
    ? errorFinding(check, `was not started: ${interrupted.message}`, 0, 'interrupted')
    : errorFinding(check, 'was not started: the run deadline had already passed', 0, 'deadline');
}

/** The check whose synchronous work held the event loop past the deadline until the watchdog ended the run. */
export function blockedFinding(check: Check, deadlineMs: number, durationMs: number): Finding {
  return errorFinding(
    check,
    `kept the agent busy past the run deadline of ${formatSeconds(deadlineMs)} without yielding (synchronous work that never ended, such as a pathological guest file), so the watchdog ended the run`,
    durationMs,
    'blocked',
  );
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

const REMEDIATION: Record<string, (check: Check) => string> = {
  timeout: (check) => `Run again with a larger --deadline, or run this check alone (--checks ${check.id}) with --log-level debug to see where it waits.`,
  deadline: (check) => `Run again with a larger --deadline, or run this check alone (--checks ${check.id}) with --log-level debug to see where it waits.`,
  interrupted: (check) =>
    `The run was stopped (a shutdown, systemctl stop, Ctrl-C or a closed session) before this check could judge the guest: run asr-ready again (or --checks ${check.id}) to judge it.`,
  blocked: (check) =>
    `Run this check alone (--checks ${check.id}) with --log-level debug and send the output, with the guest files it reads, to the asr-ready maintainers: a check must never block the agent.`,
};

function errorFinding(check: Check, what: string, durationMs: number, kind: string): Finding {
  return {
    checkId: check.id,
    subject: null,
    status: 'error',
    title: check.title,
    summary: `Check ${check.id} ${what}; its result is unknown, so readiness cannot be confirmed.`,
    remediation: REMEDIATION[kind]?.(check) ?? 'Run again with --log-level debug and report the output to the asr-ready maintainers.',
    asrErrorCodes: [],
    evidence: { errorKind: kind },
    durationMs,
  };
}
