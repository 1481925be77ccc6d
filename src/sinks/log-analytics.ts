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
    TimeGenerated: report.finishedAt, RunId: report.runId, Computer: report.host.hostname ?? '', VmId: vm.vmId, VmResourceId: vm.resourceId,
    Region: vm.region, AgentVersion: report.agent.version, AgentRuntime: report.agent.runtime, Verdict: report.verdict,
  };
  const clip = (s: string | null) => (s ?? '').slice(0, MAX_FIELD_CHARS);
  const failing = report.findings.filter((f) => f.status === 'fail' || f.status === 'error');
  return [
    {
      ...base, RowType: 'summary', CheckId: '(run)', Subject: '', Status: report.verdict,
      Summary: clip(failing.length ? `Not ready: ${failing.map((f) => f.checkId + (f.subject ? `(${f.subject})` : '')).join(', ')}` : report.verdict === 'ready' ? 'Ready' : 'Ready with warnings'),
      Remediation: '', AsrErrorCodes: [...new Set(failing.flatMap((f) => f.asrErrorCodes))].sort((a, b) => a - b), Counts: report.summary,
    },
    ...report.findings.map((f) => ({
      ...base, RowType: 'finding' as const, CheckId: f.checkId, Subject: f.subject ?? '', Status: f.status,
      Summary: clip(f.summary), Remediation: clip(f.remediation), AsrErrorCodes: f.asrErrorCodes, Counts: null,
    })),
  ];
}

/** Splits rows into JSON arrays each under maxBytes uncompressed (the API's limit counts both). */
export function batchRows(rows: ReadinessRow[], maxBytes = MAX_BATCH_BYTES): ReadinessRow[][] {
  const batches: ReadinessRow[][] = [];
  let current: ReadinessRow[] = [];
  let size = 2;
  for (const row of rows) {
    const rowSize = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (current.length > 0 && size + rowSize > maxBytes) {
      batches.push(current);
      current = [];
      size = 2;
    }
    current.push(row);
    size += rowSize;
  }
  if (current.length) batches.push(current);
  return batches;
}

export interface BatchOutcome {
  index: number;
  rows: number;
  outcome: RetryOutcome<number>;
}

export async function sendRows(
  rows: ReadinessRow[],
  skipBatches: readonly number[],
  target: LogAnalyticsTarget,
  tokens: TokenProvider,
  dispatcher: Dispatcher,
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<BatchOutcome[]> {
  const url = `${target.endpoint.replace(/\/+$/, '')}/dataCollectionRules/${encodeURIComponent(target.dcrId)}/streams/${encodeURIComponent(target.stream)}?api-version=${LOGS_INGESTION_API_VERSION}`;
  const outcomes: BatchOutcome[] = [];
  const batches = batchRows(rows);
  for (let index = 0; index < batches.length; index++) {
    if (skipBatches.includes(index)) continue;
    if (signal.aborted) break; // no new attempt once stopped: the rest stay pending
    outcomes.push({ index, rows: batches[index]!.length, outcome: await sendSplittingOn413(batches[index]!, url, tokens, dispatcher, policy, signal) });
  }
  return outcomes;
}

/** A 413 (or ReadyBody_ClientConnectionAbort) means "too large for this endpoint": halve and send both halves. */
async function sendSplittingOn413(rows: ReadinessRow[], url: string, tokens: TokenProvider, dispatcher: Dispatcher, policy: RetryPolicy, signal: AbortSignal): Promise<RetryOutcome<number>> {
  const outcome = await sendBatch(rows, url, tokens, dispatcher, policy, signal);
  if (outcome.ok || outcome.status !== 413 || rows.length < 2) return outcome;
  const half = Math.ceil(rows.length / 2);
  const first = await sendSplittingOn413(rows.slice(0, half), url, tokens, dispatcher, policy, signal);
  if (!first.ok) return first;
  const second = await sendSplittingOn413(rows.slice(half), url, tokens, dispatcher, policy, signal);
  return { ...second, attempts: outcome.attempts + first.attempts + second.attempts };
}

async function sendBatch(rows: ReadinessRow[], url: string, tokens: TokenProvider, dispatcher: Dispatcher, policy: RetryPolicy, signal: AbortSignal): Promise<RetryOutcome<number>> {
  let refresh = false;
  let refreshed = false;
  return withRetries(async () => {
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
      return { ok: false, retryable: false, permanent: 'destination', error: `the ${tokens.kind} issued a token that is not a valid HTTP header value (control characters or line breaks); nothing can be sent with it until the identity is fixed` };
    }
    try {
      const response = await abortable(request(url, {
        method: 'POST',
        dispatcher,
        signal,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-ms-client-request-id': randomUUID() },
        body: gzipSync(JSON.stringify(rows)),
      }), signal);
      const { text } = await readCapped(response.body);
      const status = response.statusCode;
      if (status === 204 || status === 200) return { ok: true, value: status, status };
      const code = errorCode(text, response.headers['x-ms-error-code']);
      if (status === 401 && refreshed) {
        return { ok: false, status, retryable: false, permanent: 'destination', error: `Logs Ingestion refused a freshly issued token too (401${code}): the token is for another cloud or tenant than the endpoint; check --log-analytics-endpoint and the identity; not tried again in this run` };
      }
      if (status === 401) {
        refresh = true;
        return { ok: false, status, retryable: true, keepForLater: true, error: `Logs Ingestion refused the token (401${code})` };
      }
      if (status === 403) {
        return { ok: false, status, retryable: true, keepForLater: true, retryAfterMs: retryAfterMs(response.headers), error: `the identity may not write to this data collection rule (403${code}); give it "Monitoring Metrics Publisher" on the DCR (a new role assignment takes up to 30 minutes to apply)` };
      }
      if (status === 413) return { ok: false, status, retryable: false, error: `Logs Ingestion refused the batch as too large (413${code})` };
      if (status === 400) return { ok: false, status, retryable: false, permanent: 'report', error: `Logs Ingestion rejected the rows for good (400${code}): the stream's columns and the rows do not match; redeploy the DCR from installers/azure` };
      return { ok: false, status, retryable: status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505), keepForLater: true, retryAfterMs: retryAfterMs(response.headers), error: `Logs Ingestion answered HTTP ${status}${code}` };
    } catch (err) {
      return { ok: false, retryable: true, keepForLater: true, error: scrubSecrets(`no answer from Logs Ingestion: ${describeError(err)}`) };
    }
  }, policy, signal);
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
