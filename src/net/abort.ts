// Stop signals that work the same on Node 20 and on the embedded Node 22.
//
// - addEventListener('abort') on a signal that has already aborted never fires: a probe started after
//   the stop waited out its own layer time-outs. onAbort() runs the handler (soon) in that case.
// - On Node 20 a signal made by AbortSignal.any([..., AbortSignal.timeout()]) is held only weakly
//   by its sources and its timer, and can be collected and never fire: the early stop that keeps the
//   probes' partial evidence was lost. linkedSignal() is a plain AbortController that its parents'
//   listeners and its own timer hold strongly until dispose().

/** Calls `handler` when `signal` aborts, or on the next microtask when it already has. Returns the undo. */
export function onAbort(signal: AbortSignal | undefined, handler: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    let cancelled = false;
    queueMicrotask(() => {
      if (!cancelled) handler();
    });
    return () => {
      cancelled = true;
    };
  }
  signal.addEventListener('abort', handler, { once: true });
  return () => signal.removeEventListener('abort', handler);
}

export interface LinkedSignal {
  signal: AbortSignal;
  /** Removes the listeners from the parents and clears the timer. */
  dispose: () => void;
}

/**
 * A signal that aborts when any parent aborts (with its reason) or after `ms` (with `timeoutReason`).
 * Strongly reachable from the parents and the timer for as long as it can still fire.
 */
export function linkedSignal(parents: ReadonlyArray<AbortSignal | undefined>, ms?: number, timeoutReason?: () => unknown): LinkedSignal {
  const controller = new AbortController();
  const undo: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  const dispose = () => {
    clearTimeout(timer);
    for (const u of undo.splice(0)) u();
  };
  const abort = (reason: unknown) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    dispose();
  };
  for (const parent of parents) {
    if (!parent) continue;
    if (parent.aborted) {
      abort(parent.reason);
      return { signal: controller.signal, dispose };
    }
    const handler = () => abort(parent.reason);
    parent.addEventListener('abort', handler, { once: true });
    undo.push(() => parent.removeEventListener('abort', handler));
  }
  if (ms !== undefined) {
    timer = setTimeout(
      () => abort(timeoutReason ? timeoutReason() : new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      Math.max(0, ms),
    );
  }
  return { signal: controller.signal, dispose };
}
