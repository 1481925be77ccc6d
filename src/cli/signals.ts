// SIGTERM (systemd stopping the service, e.g. at shutdown), SIGINT (Ctrl-C) and SIGHUP (the SSH
// session closed) end a run cleanly: the first aborts `stop`, so running checks are cut, the
// report is built from what is known, printed and spooled (never sent: delivery stops at once).
// A second signal, or a shutdown that overruns its grace, ends the process at once: the operator
// or the system wants it gone, and what is already in the spool is safe (written atomically).
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/**
 * Well inside systemd's stop timeout (90 s by default) and a shutdown's patience; a clean stop
 * takes well under a second: checks are cut at once and delivery only spools.
 */
export const SHUTDOWN_GRACE_MS = 5_000;

const POSIX_NUMBERS: Record<ShutdownSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * 128 + the signal's number (SIGHUP 129, SIGINT 130, SIGTERM 143): the shells' code for "ended by
 * this signal". An interrupted run judged nothing, so it must not read as ready (0) or as not ready
 * (1: a fleet would count every VM stopped mid-run as not ready), nor as a usage error (2) or a bug
 * (3). It is exited with, not re-raised, so the number is the same on Windows.
 */
export function exitCodeForSignal(signal: ShutdownSignal): number {
  return 128 + POSIX_NUMBERS[signal];
}

export interface ShutdownHandling {
  /** Aborted on the first signal; its reason is the signal's name. */
  readonly stop: AbortSignal;
  /** The first signal received, if any. */
  received(): ShutdownSignal | null;
  /** Removes the handlers (the run is over). */
  dispose(): void;
}

export interface SignalHost {
  on(event: ShutdownSignal, listener: () => void): unknown;
  off(event: ShutdownSignal, listener: () => void): unknown;
}

export function handleShutdownSignals(
  host: SignalHost,
  io: { stderr: (text: string) => void; exit: (code: number) => void },
  graceMs = SHUTDOWN_GRACE_MS,
): ShutdownHandling {
  const controller = new AbortController();
  let first: ShutdownSignal | null = null;
  let grace: NodeJS.Timeout | undefined;
  const listeners = SHUTDOWN_SIGNALS.map((signal) => {
    const listener = () => {
      if (first === null) {
        first = signal;
        io.stderr(
          `asr-ready: received ${signal}: stopping the run. Checks still running are cut; the report of what is known is printed, and spooled rather than sent when delivery is configured; the exit code will be ${exitCodeForSignal(signal)}. Send the signal again to end at once.\n`,
        );
        grace = setTimeout(() => {
          io.stderr(
            `asr-ready: the run did not stop within ${graceMs / 1000} s of ${signal}: ending it now; a report already spooled is kept, this run's report may be missing.\n`,
          );
          io.exit(exitCodeForSignal(signal));
        }, graceMs);
        grace.unref();
        controller.abort(signal);
        return;
      }
      io.stderr(`asr-ready: ${signal} while stopping after ${first}: ending at once; a report already spooled is kept, this run's report may be missing.\n`);
      io.exit(exitCodeForSignal(first));
    };
    host.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    stop: controller.signal,
    received: () => first,
    dispose: () => {
      clearTimeout(grace);
      for (const [signal, listener] of listeners) host.off(signal, listener);
    },
  };
}
