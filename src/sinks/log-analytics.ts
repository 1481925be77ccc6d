// Azure Monitor Logs Ingestion API client: one row per finding plus a summary row per run, gzip'd
// JSON arrays under 1 MB each, the shared dispatcher, and the documented answers: 204 success,
// 401 refresh the token, 403 retry (a new role assignment takes up to 30 minutes), 413 split,
// 429/503 wait as told, other 5xx back off. Written on undici rather than @azure/monitor-ingestion
// so that uploads go through the same connector (OS trust store, proxy) as the probes.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import type { Report } from '../report/report';
import { retryAfterMs, withRetries, type RetryPolicy, type RetryOutcome } from './retry';
import type { TokenProvider } from './tokens';
import { TokenError } from './tokens';
import { describeError } from '../core/errors';
import { scrubSecrets } from '../core/redact';
import { abortable, isValidHeaderValue, readCapped } from './read-body';
import { uncovered, type RowRange } from './row-ranges';

export const MAX_BATCH_BYTES = 1_000_000;
const MAX_FIELD_CHARS = 32_000; // the API truncates fields at 64 KB; stay well inside in UTF-8
export const LOGS_INGESTION_API_VERSION = '2023-01-01';

export interface LogAnalyticsTarget {
  endpoint: string;
  dcrId: string;
  stream: string;
}

export interface ReadinessRow {
  TimeGenerated: string;
  RunId: string;
  RowType: 'summary' | 'finding';
  Computer: string;
  VmId: string;
  VmResourceId: string;
  Region: string;
  CheckId: string;
  Subject: string;
  Status: string;
  Summary: string;
  Remediation: string;
  AsrErrorCodes: number[];
  AgentVersion: string;
  /** report.agent.runtime: how the agent was started (bundled loader, Node version, libc). */
  AgentRuntime: Report['agent']['runtime'];
  Verdict: string;
  Counts: Record<string, number> | null;
}

export interface ImdsIdentity {
  vmId: string;
  resourceId: string;
  region: string;
}

export function rowsFor(report: Report, vm: ImdsIdentity): ReadinessRow[] {
  const base = {
    TimeGenerated: report.finishedAt,
    RunId: report.runId,
    Computer: report.host.hostname ?? '',
    VmId: vm.vmId,
    VmResourceId: vm.resourceId,
    Region: vm.region,
    AgentVersion: report.agent.version,
    AgentRuntime: report.agent.runtime,
    Verdict: report.verdict,
  };
  const clip = (s: string | null) => (s ?? '').slice(0, MAX_FIELD_CHARS);
  const failing = report.findings.filter((f) => f.status === 'fail' || f.status === 'error');
  return [
    {
      ...base,
      RowType: 'summary',
      CheckId: '(run)',
      Subject: '',
      Status: report.verdict,
      Summary: clip(
        failing.length
          ? `Not ready: ${failing.map((f) => f.checkId + (f.subject ? `(${f.subject})` : '')).join(', ')}`
          : report.verdict === 'ready'
            ? 'Ready'
            : 'Ready with warnings',
      ),
      Remediation: '',
      AsrErrorCodes: [...new Set(failing.flatMap((f) => f.asrErrorCodes))].sort((a, b) => a - b),
      Counts: report.summary,
    },
    ...report.findings.map((f) => ({
      ...base,
      RowType: 'finding' as const,
      CheckId: f.checkId,
      Subject: f.subject ?? '',
      Status: f.status,
      Summary: clip(f.summary),
      Remediation: clip(f.remediation),
      AsrErrorCodes: f.asrErrorCodes,
      Counts: null,
    })),
  ];
}

/** Splits rows into JSON arrays each under maxBytes uncompressed (the API's limit counts both). */
export function batchRows(rows: ReadinessRow[], maxBytes = MAX_BATCH_BYTES): ReadinessRow[][] {
  return batchIndexes(rows, rows.keys(), maxBytes).map((batch) => batch.map((i) => rows[i]!));
}

/** batchRows over some of the rows (those still to send), as lists of their indexes. */
export function batchIndexes(rows: readonly ReadinessRow[], indexes: Iterable<number>, maxBytes = MAX_BATCH_BYTES): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let size = 2;
  for (const index of indexes) {
    const rowSize = Buffer.byteLength(JSON.stringify(rows[index])) + 1;
    if (current.length > 0 && size + rowSize > maxBytes) {
      batches.push(current);
      current = [];
      size = 2;
    }
    current.push(index);
    size += rowSize;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** The row range of each batch batchRows makes: what an entry of spool version 1 meant by a batch index. */
export function batchRanges(rows: ReadinessRow[], maxBytes = MAX_BATCH_BYTES): RowRange[] {
  return batchIndexes(rows, rows.keys(), maxBytes).map((b): RowRange => [b[0]!, b.at(-1)! + 1]);
}

export interface RowsSent {
  /** Indexes of the rows Logs Ingestion accepted in this call. */
  accepted: number[];
  /** Indexes of the rows it refused for good (400, or a single row too large): never to be sent again. */
  refused: number[];
  /** The failure that stopped sending (transient, or the destination refused for good); the rows not accepted or refused stay open. */
  failure: RetryOutcome<number> | null;
  /** The first refusal for good, for the message. */
  refusal: RetryOutcome<number> | null;
  attempts: number;
  /** The HTTP status of the last answer, if any. */
  lastStatus: number | null;
}

/** Told after each answer that settled rows (accepted or refused), with all this call settled so far, so it can be recorded before the next request. */
export type RowsProgress = (sent: Pick<RowsSent, 'accepted' | 'refused'>) => Promise<void>;

/**
 * Sends the rows that no range in `settled` covers (already accepted or refused for good), in
 * batches under 1 MB. A 413 halves a batch, and its halves are settled row by row: a half accepted
 * is accepted whatever happens to the other. The first failure that is not a refusal for good
 * stops the sending; every row not settled is then still open, and only those are sent again later.
 */
export async function sendRows(
  rows: ReadinessRow[],
  settled: readonly RowRange[],
  target: LogAnalyticsTarget,
  tokens: TokenProvider,
  dispatcher: Dispatcher,
  policy: RetryPolicy,
  signal: AbortSignal,
  progress?: RowsProgress,
  /** Aborts requests under way (default: signal); a stop may leave them a moment for their answer. */
  requestSignal: AbortSignal = signal,
): Promise<RowsSent> {
  const url = `${target.endpoint.replace(/\/+$/, '')}/dataCollectionRules/${encodeURIComponent(target.dcrId)}/streams/${encodeURIComponent(target.stream)}?api-version=${LOGS_INGESTION_API_VERSION}`;
  const sent: RowsSent = { accepted: [], refused: [], failure: null, refusal: null, attempts: 0, lastStatus: null };
  const stopped = () => signal.aborted || sent.failure !== null; // no new attempt once stopped: the rest stay open

  /** A 413 (or ReadyBody_ClientConnectionAbort) means "too large for this endpoint": halve and send both halves. */
  const sendSplittingOn413 = async (batch: number[]): Promise<void> => {
    const outcome = await sendBatch(
      batch.map((i) => rows[i]!),
      url,
      tokens,
      dispatcher,
      policy,
      signal,
      requestSignal,
    );
    sent.attempts += outcome.attempts;
    if (outcome.status !== null) sent.lastStatus = outcome.status;
    if (outcome.ok) {
      sent.accepted.push(...batch);
      await progress?.(sent);
      return;
    }
    if (outcome.status === 413 && batch.length >= 2) {
      const half = Math.ceil(batch.length / 2);
      await sendSplittingOn413(batch.slice(0, half));
      if (!stopped()) await sendSplittingOn413(batch.slice(half));
      return;
    }
    if (outcome.permanent === 'report' || !outcome.transient) {
      sent.refused.push(...batch);
      sent.refusal ??= outcome;
      await progress?.(sent);
      return;
    }
    sent.failure = outcome;
  };

  for (const batch of batchIndexes(rows, uncovered(rows.length, settled))) {
    if (stopped()) break;
    await sendSplittingOn413(batch);
  }
  return sent;
}

async function sendBatch(
  rows: ReadinessRow[],
  url: string,
  tokens: TokenProvider,
  dispatcher: Dispatcher,
  policy: RetryPolicy,
  signal: AbortSignal,
  requestSignal: AbortSignal,
): Promise<RetryOutcome<number>> {
  let refresh = false;
  let refreshed = false;
  return withRetries(
    async () => {
      let token: string;
      try {
        token = await tokens.getToken(signal, refresh);
      } catch (err) {
        const transient = err instanceof TokenError ? err.transient : true;
        return { ok: false, retryable: transient, keepForLater: true, error: `could not get a token from the ${tokens.kind}: ${(err as Error).message}` };
      }
      refreshed ||= refresh;
      refresh = false;
      if (!isValidHeaderValue(token)) {
        return {
          ok: false,
          retryable: false,
          permanent: 'destination',
          error: `the ${tokens.kind} issued a token that is not a valid HTTP header value (control characters or line breaks); nothing can be sent with it until the identity is fixed`,
        };
      }
      try {
        const response = await abortable(
          request(url, {
            method: 'POST',
            dispatcher,
            signal: requestSignal,
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'content-encoding': 'gzip',
              'x-ms-client-request-id': randomUUID(),
            },
            body: gzipSync(JSON.stringify(rows)),
          }),
          requestSignal,
        );
        const { text } = await readCapped(response.body);
        const status = response.statusCode;
        if (status === 204 || status === 200) return { ok: true, value: status, status };
        const code = errorCode(text, response.headers['x-ms-error-code']);
        if (status === 401 && refreshed) {
          return {
            ok: false,
            status,
            retryable: false,
            permanent: 'destination',
            error: `Logs Ingestion refused a freshly issued token too (401${code}): the token is for another cloud or tenant than the endpoint; check --log-analytics-endpoint and the identity; not tried again in this run`,
          };
        }
        if (status === 401) {
          refresh = true;
          return { ok: false, status, retryable: true, keepForLater: true, error: `Logs Ingestion refused the token (401${code})` };
        }
        if (status === 403) {
          return {
            ok: false,
            status,
            retryable: true,
            keepForLater: true,
            retryAfterMs: retryAfterMs(response.headers),
            error: `the identity may not write to this data collection rule (403${code}); give it "Monitoring Metrics Publisher" on the DCR (a new role assignment takes up to 30 minutes to apply)`,
          };
        }
        if (status === 413) return { ok: false, status, retryable: false, error: `Logs Ingestion refused the batch as too large (413${code})` };
        if (status === 400)
          return {
            ok: false,
            status,
            retryable: false,
            permanent: 'report',
            error: `Logs Ingestion rejected the rows for good (400${code}): the stream's columns and the rows do not match; redeploy the DCR from installers/azure`,
          };
        return {
          ok: false,
          status,
          retryable: status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505),
          keepForLater: true,
          retryAfterMs: retryAfterMs(response.headers),
          error: `Logs Ingestion answered HTTP ${status}${code}`,
        };
      } catch (err) {
        return { ok: false, retryable: true, keepForLater: true, error: scrubSecrets(`no answer from Logs Ingestion: ${describeError(err)}`) };
      }
    },
    policy,
    signal,
  );
}

function errorCode(body: string, header: string | string[] | undefined): string {
  if (typeof header === 'string' && header) return `, ${header}`;
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? `, ${code}` : '';
  } catch {
    return '';
  }
}
