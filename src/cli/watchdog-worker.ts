// The watchdog's own thread: it runs while the main thread is stuck in synchronous work, which no
// timer there can interrupt. Past the run deadline, when the main thread has not beaten for
// `triggerMs`, it pauses the main thread through its inspector (V8 handles that between two
// instructions, even inside a regular expression) and runs the main thread's emergency hook, which
// prints and spools the report of what is known, naming the check whose code was executing, and
// exits. If the main thread cannot be paused (blocked inside a system call, or no inspector), it
// writes one line to stderr and kills the process: a worker cannot choose the process's exit code.
//
// This function is run from its source text (Worker eval), so it must not use anything from
// outside its own body: no imports, no module-level names.

export interface WatchdogData {
  /** Date.now() at which the run deadline passes. */
  deadlineAt: number;
  deadlineMs: number;
  /** Main thread's heartbeat: Date.now() - base, in ms, at index 0. */
  heartbeat: SharedArrayBuffer;
  base: number;
  periodMs: number;
  /** How long the main thread may be silent past the deadline before the watchdog acts. */
  triggerMs: number;
  /** When, after acting, it gives up on a clean end and kills the process. */
  hardMs: number;
  /** Symbol.for() key of the main thread's hook. */
  hookKey: string;
}

export function watchdogWorker(data: WatchdogData): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- run from source in a Worker: require is all it has */
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const fs = require('node:fs') as typeof import('node:fs');
  const inspector = require('node:inspector') as typeof import('node:inspector');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const beats = new Int32Array(data.heartbeat);
  const running = new Set<string>();
  let session: import('node:inspector').Session | null = null;
  let acted = false;

  parentPort!.on('message', (m: { started?: string; finished?: string; detach?: boolean }) => {
    if (m.started) running.add(m.started);
    if (m.finished) running.delete(m.finished);
    if (m.detach) {
      acted = true; // the run is over: nothing left to watch
      session?.disconnect();
      session = null;
      parentPort!.postMessage({ detached: true });
    }
  });

  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const killNow = (why: string) => {
    const names = running.size > 0 ? `checks running: ${[...running].join(', ')}` : 'no check was running';
    try {
      fs.writeSync(
        2,
        `asr-ready: the agent stopped responding past its run deadline of ${seconds(data.deadlineMs)} (${names}) and ${why}: ending it now (killed, exit status 137) without a report. Run again with --skip for the checks named here, and send this line to the asr-ready maintainers.\n`,
      );
    } finally {
      process.kill(process.pid, 'SIGKILL');
    }
  };

  const act = () => {
    acted = true;
    const hard = setTimeout(() => killNow('could not be stopped cleanly'), data.hardMs - data.triggerMs);
    if (!session) return;
    // Protocol messages reach the main thread as V8 interrupts, handled between two instructions
    // even while it spins (inside a regular expression too): the hook runs there, on top of the
    // stuck code, with that code's async context, so it can name the check.
    session.post('Runtime.evaluate', { expression: `globalThis[Symbol.for(${JSON.stringify(data.hookKey)})]?.expire()` }, () => {
      // The hook exits the process; it returns only when the run had already printed its report.
      clearTimeout(hard);
    });
  };

  try {
    session = new inspector.Session();
    session.connectToMainThread();
    // The first message completes the connection while the main thread is still free to answer.
    session.post('Runtime.evaluate', { expression: '0' }, () => parentPort!.postMessage({ armed: true, inspector: true }));
  } catch {
    session = null; // a Node built without the inspector: only the last resort is left
    parentPort!.postMessage({ armed: true, inspector: false });
  }

  setInterval(() => {
    if (acted) return;
    const now = Date.now();
    const silentFor = now - (data.base + Atomics.load(beats, 0));
    if (now >= data.deadlineAt + data.triggerMs && silentFor >= data.triggerMs) act();
  }, data.periodMs);
}
