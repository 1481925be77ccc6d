// The run deadline's last line of defence (watchdog-worker.ts does the watching): a check whose
// synchronous work never yields holds the event loop, so the deadline's timers never fire. This
// side starts the worker, beats a heartbeat it can read without the main thread, tells it which
// checks run, and offers it the hook that ends the run with a report.
import { Worker } from 'node:worker_threads';
import type { CheckProgress } from '../core/check-progress';
import { watchdogWorker, type WatchdogData } from './watchdog-worker';

export const WATCHDOG_HOOK = 'asr-ready.watchdog';
/** Starting the worker takes 30–80 ms; a machine that cannot start it in this long runs without one. */
const ARM_BOUND_MS = 2_000;

export interface Watchdog {
  /** Whether it can pause the main thread (false: it can only end the process with one line). */
  readonly inspector: boolean;
  /** Detaches from the main thread's inspector first: Node waits, with a message, for a session still attached at exit. */
  stop(): Promise<void>;
}

export interface WatchdogOptions {
  deadlineAt: number;
  deadlineMs: number;
  progress: CheckProgress;
  /** Runs on the main thread while it is paused: prints and spools the report, and exits. Returns only if there is nothing left to do. */
  expire: (stuckCheckId: string | null) => void;
}

/**
 * The whole overrun fits in 10 % of the deadline: the watchdog acts after 40 % of it without a
 * heartbeat and kills at 80 %, leaving the rest for the report (measured: 10–80 ms to pause).
 */
export function watchdogTimings(deadlineMs: number): { periodMs: number; triggerMs: number; hardMs: number } {
  const budget = deadlineMs / 10;
  return {
    periodMs: Math.round(Math.min(500, Math.max(20, budget / 8))),
    triggerMs: Math.round(Math.max(100, budget * 0.4)),
    hardMs: Math.round(Math.max(250, budget * 0.8)),
  };
}

export async function startWatchdog(options: WatchdogOptions): Promise<Watchdog | null> {
  const base = Date.now();
  const heartbeat = new SharedArrayBuffer(4);
  const beats = new Int32Array(heartbeat);
  const timings = watchdogTimings(options.deadlineMs);
  const data: WatchdogData = { deadlineAt: options.deadlineAt, deadlineMs: options.deadlineMs, heartbeat, base, hookKey: WATCHDOG_HOOK, ...timings };
  let worker: Worker;
  try {
    worker = new Worker(`(${watchdogWorker.toString()})(require('node:worker_threads').workerData)`, {
      eval: true,
      workerData: data,
      stdout: true,
      stderr: true,
    });
  } catch {
    return null;
  }
  const hooks = globalThis as unknown as Record<symbol, unknown>;
  const key = Symbol.for(WATCHDOG_HOOK);
  hooks[key] = { expire: () => options.expire(options.progress.current()) };
  const beat = setInterval(() => Atomics.store(beats, 0, Date.now() - base), timings.periodMs);
  beat.unref();
  Atomics.store(beats, 0, 0);
  options.progress.listen({ started: (id) => worker.postMessage({ started: id }), finished: (id) => worker.postMessage({ finished: id }) });
  let exited = false;
  worker.once('exit', () => (exited = true));
  let stopping: Promise<void> | null = null;
  // Idempotent, and prompt when the worker is already gone (a dead worker never answers "detach").
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(beat);
      delete hooks[key];
      if (exited) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ARM_BOUND_MS);
        const done = () => (clearTimeout(timer), resolve());
        worker.on('message', (m: { detached?: boolean }) => m.detached && done());
        worker.once('exit', done);
        worker.postMessage({ detach: true });
      });
      await worker.terminate();
    })());
  const armed = await new Promise<{ inspector: boolean } | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), ARM_BOUND_MS);
    worker.once('message', (m: { inspector: boolean }) => (clearTimeout(timer), resolve(m)));
    worker.on('error', () => (clearTimeout(timer), resolve(null))); // later errors too: a dead watchdog must not crash the run
  });
  if (!armed) {
    await stop();
    return null;
  }
  worker.unref(); // it must never keep a finished run alive
  return { inspector: armed.inspector, stop };
}
