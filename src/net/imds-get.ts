// The one way to call IMDS (instance metadata and managed-identity tokens): plain HTTP on a socket
// of its own, never through a proxy (IMDS requires that), the Metadata: true header, a bounded
// wait and a bounded answer.
import http from 'node:http';
import { isLoopback, unbracketIpv6 } from './address-scope';

const MAX_ANSWER_BYTES = 1024 * 1024;

/** Where IMDS answers on every Azure VM (--imds-endpoint names another, for tests and labs). */
export const DEFAULT_IMDS_ENDPOINT = 'http://169.254.169.254';

export interface ImdsAnswer {
  status: number;
  /** The parsed JSON, or null when the answer was empty or not JSON. */
  body: unknown;
}

/** IMDS as the guest client offers it: direct, never through the guest's proxy, refused off loopback when asked. */
export interface ImdsAccess {
  /** Why `url` must not be contacted (ASR_READY_LOOPBACK_ONLY and not a loopback address), else null. */
  refusal(url: string | URL): string | null;
  /** imdsGet, after the refusal check: a refused URL rejects (code ELOOPBACKONLY) without a connection. */
  get(url: string | URL, timeoutMs: number, signal?: AbortSignal): Promise<ImdsAnswer>;
}

export function imdsAccess(loopbackOnly: boolean): ImdsAccess {
  return {
    refusal: (url) => loopbackRefusal(url, loopbackOnly),
    get: (url, timeoutMs, signal) => {
      const refusal = loopbackRefusal(url, loopbackOnly);
      return refusal ? Promise.reject(Object.assign(new Error(refusal), { code: 'ELOOPBACKONLY' })) : imdsGet(url, timeoutMs, signal);
    },
  };
}

/** Under ASR_READY_LOOPBACK_ONLY (tests, labs), why an IMDS URL must not be contacted; else null. */
export function loopbackRefusal(url: string | URL, loopbackOnly: boolean): string | null {
  const u = new URL(url);
  return loopbackOnly && !isLoopback(unbracketIpv6(u.hostname)) ? `not contacting ${u.origin}: ASR_READY_LOOPBACK_ONLY is set` : null;
}

/**
 * timeoutMs bounds the whole exchange, not only silence: an endpoint that answers a byte a second
 * would otherwise hold the run forever. An answer over 1 MiB is cut off and refused.
 */
export function imdsGet(url: string | URL, timeoutMs: number, signal?: AbortSignal): Promise<ImdsAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Metadata: 'true' }, agent: false, timeout: timeoutMs, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) return req.destroy(Object.assign(new Error('IMDS answered more than 1 MiB; not an IMDS answer'), { code: 'EMSGSIZE' }));
        chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(overall);
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          /* not JSON: the caller judges by the status */
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    const timedOut = () =>
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms (a missing route to 169.254.169.254 shows as a time-out)`), { code: 'ETIMEDOUT' }));
    const overall = setTimeout(timedOut, timeoutMs);
    req.on('timeout', timedOut);
    req.on('error', (err) => {
      clearTimeout(overall);
      reject(err);
    });
    req.on('close', () => clearTimeout(overall));
  });
}
