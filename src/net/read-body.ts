// Every answer the guest client reads is capped: a collector, proxy, token endpoint or ARM that
// answers 100 MB (or never stops) costs this much memory and no more. What is past the cap is not
// read at all: the connection is dropped, which is cheaper than draining it. (Moved from sinks so
// facts can use it: facts may import net, not sinks.)
import type { Dispatcher } from 'undici';

export const MAX_ANSWER_BYTES = 64 * 1024;

export interface CappedBody {
  text: string;
  truncated: boolean;
}

export async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes = MAX_ANSWER_BYTES): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      const room = maxBytes - size;
      chunks.push(buffer.subarray(0, Math.max(0, room)));
      size += buffer.length;
      if (size > maxBytes) {
        body.destroy();
        return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
      }
    }
  } catch {
    // A reset or an abort mid-answer: the status is what matters, keep what arrived.
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: size > maxBytes };
}

/** HTTP header values may not hold control characters (CR, LF, NUL, ...) or non-ASCII bytes. */
export function isValidHeaderValue(value: string): boolean {
  return /^[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?$/.test(value);
}

/**
 * Settles with the request, or rejects as soon as the signal aborts: undici does not abort a
 * connection still in its TLS handshake (the connector's own bound is longer than a stop allows).
 */
export function abortable<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    pending.catch(() => {});
    return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (err: unknown) => (signal.removeEventListener('abort', onAbort), reject(err)),
    );
  });
}
