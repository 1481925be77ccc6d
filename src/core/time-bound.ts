// Bounding work in time. Every fact and check goes through here so nothing can hang a run.
import { TimeoutError } from './errors';

/**
 * Resolves with fn's result, or rejects with TimeoutError after ms, or when `parent` aborts.
 * fn gets a signal that aborts at the same moment, so it can stop child processes and sockets.
 */
export async function withTimeout<T>(what: string, ms: number, fn: (signal: AbortSignal) => Promise<T>, parent?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onParentAbort: (() => void) | undefined;
  const bound = new Promise<never>((_, reject) => {
    const fire = () => {
      const err = new TimeoutError(what, ms);
      controller.abort(err);
      reject(err);
    };
    timer = setTimeout(fire, Math.max(0, ms));
    timer.unref();
    if (parent) {
      onParentAbort = () => {
        const reason = parent.reason instanceof Error ? parent.reason : new TimeoutError(what, ms);
        controller.abort(reason);
        reject(reason);
      };
      if (parent.aborted) onParentAbort();
      else parent.addEventListener('abort', onParentAbort, { once: true });
    }
  });
  try {
    return await Promise.race([fn(controller.signal), bound]);
  } finally {
    clearTimeout(timer);
    if (parent && onParentAbort) parent.removeEventListener('abort', onParentAbort);
  }
}
