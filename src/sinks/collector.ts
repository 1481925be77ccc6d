// POSTs the JSON report to the admin's HTTPS collector through the shared dispatcher. The runId
// travels as Idempotency-Key, so a retry after a lost answer does not store a report twice.
import { request, type Dispatcher } from 'undici';
import type { Report } from '../report/report';
import { retryAfterMs, type Attempt } from './retry';
import { describeError } from '../core/errors';
import { scrubSecrets } from '../core/redact';
import { abortable, isValidHeaderValue, readCapped } from './read-body';

export interface CollectorTarget {
  url: string;
  token: string | null;
}

const RETRYABLE = new Set([404, 408, 425, 429, 500, 502, 503, 504]);
/** The collector refused this report for good: retrying or spooling would not change its answer. */
const PERMANENT = new Set([400, 405, 409, 410, 411, 413, 415, 422]);

export async function postReport(
  report: Report,
  target: CollectorTarget,
  dispatcher: Dispatcher,
  userAgent: string,
  signal: AbortSignal,
): Promise<Attempt<number>> {
  if (target.token !== null && !isValidHeaderValue(target.token)) {
    // undici would refuse the header on every attempt: the file holds more than one token line or control characters.
    return {
      ok: false,
      retryable: false,
      permanent: 'destination',
      error:
        'the collector token is not a valid HTTP header value (it holds line breaks, control characters or non-ASCII text): put only the token in the --report-token-file',
    };
  }
  try {
    const response = await abortable(
      request(target.url, {
        method: 'POST',
        dispatcher,
        signal,
        headers: {
          'content-type': 'application/json',
          'idempotency-key': report.runId,
          'user-agent': userAgent,
          ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
        },
        body: JSON.stringify(report),
      }),
      signal,
    );
    await readCapped(response.body); // at most 64 KiB: a 100 MB answer is cut off, not read
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true, value: status, status };
    if (PERMANENT.has(status))
      return {
        ok: false,
        status,
        retryable: false,
        permanent: 'report',
        error: `the collector refused this report for good (HTTP ${status}); it is not sent again`,
      };
    const error = status === 401 || status === 403 ? `the collector refused the token (HTTP ${status})` : `the collector answered HTTP ${status}`;
    // 401/403: retrying now will not help, but a fixed token or collector configuration will: keep it.
    const auth = status === 401 || status === 403;
    return {
      ok: false,
      status,
      error,
      retryable: !auth && (RETRYABLE.has(status) || (status >= 500 && !PERMANENT.has(status))),
      keepForLater: auth,
      retryAfterMs: retryAfterMs(response.headers),
    };
  } catch (err) {
    return { ok: false, retryable: true, error: scrubSecrets(`no answer from the collector: ${describeError(err)}`) };
  }
}

export function isPermanentRejection(status: number | null): boolean {
  return status !== null && PERMANENT.has(status);
}
