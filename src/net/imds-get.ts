// The one way to call IMDS (instance metadata and managed-identity tokens): plain HTTP on a socket
// of its own, never through a proxy (IMDS requires that), the Metadata: true header, a bounded
// wait and a bounded answer.
import http from 'node:http';
import { isLoopback } from './address-scope';

const MAX_ANSWER_BYTES = 1024 * 1024;

/** Under ASR_READY_LOOPBACK_ONLY (tests, labs), why an IMDS URL must not be contacted; else null. */
export function loopbackRefusal(url: string | URL, loopbackOnly: boolean): string | null {
  const u = new URL(url);
  return loopbackOnly && !isLoopback(u.hostname.replace(/^\[|\]$/g, '')) ? `not contacting ${u.origin}: ASR_READY_LOOPBACK_ONLY is set` : null;
}

export function imdsGet(url: string | URL, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Metadata: 'true' }, agent: false, timeout: timeoutMs, signal }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.length > MAX_ANSWER_BYTES) req.destroy(new Error('IMDS answer larger than 1 MiB'));
      });
      res.on('end', () => {
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          /* not JSON: the caller judges by the status */
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms (a missing route to 169.254.169.254 shows as a time-out)`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
  });
}
