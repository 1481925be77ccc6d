// One report to one destination, with the outcome the spool needs: what is still pending there.
// A destination that failed transiently, or whose configuration is refused for good, is not tried
// again in this run (`down`); a report refused for good is not kept.
import type { Dispatcher } from 'undici';
import type { Report } from '../report/report';
import { postReport, type CollectorTarget } from './collector';
import { batchRanges, rowsFor, sendRows, type ImdsIdentity, type LogAnalyticsTarget, type ReadinessRow } from './log-analytics';
import { coveredCount, mergeRanges, toRanges, type RowRange } from './row-ranges';
import type { DestinationName, PendingDestination } from './spool';
import { stoppedBecause, withRetries, type RetryPolicy } from './retry';
import type { TokenProvider } from './tokens';
import { NO_LOG, type EventLog } from '../core/log';
import type { Progress } from '../core/progress';

export type DeliveryStatus = 'delivered' | 'spooled' | 'rejected' | 'lost' | 'dropped';

export interface DestinationResult {
  destination: DestinationName;
  runId: string;
  fromSpool: boolean;
  status: DeliveryStatus;
  attempts: number;
  httpStatus: number | null;
  error: string | null;
}

export interface SendContext {
  collector: CollectorTarget | null;
  logAnalytics: LogAnalyticsTarget | null;
  retry: RetryPolicy;
  dispatcher: Dispatcher;
  tokens: TokenProvider | null;
  vm: ImdsIdentity;
  userAgent: string;
  /** No new attempt once aborted (stop or time bound). */
  signal: AbortSignal;
  /** Aborts requests under way: the time bound, or a short grace after a stop. */
  requestSignal: AbortSignal;
  down: Map<DestinationName, string>;
  /** Each attempt and each destination's outcome, at debug: never a URL's query, a token or a header. */
  log?: EventLog;
  /** "delivering to collector: attempt 2 of 4" on a terminal. */
  progress?: Progress;
}

/** Records progress made on a destination (rows settled) before the next request; may throw nothing. */
export type RecordProgress = (pending: PendingDestination) => Promise<void>;

export interface SendResult {
  /** Still to be sent there later; null when done (delivered or refused for good). */
  keep: PendingDestination | null;
  result: DestinationResult;
}

export async function sendTo(
  ctx: SendContext,
  destination: DestinationName,
  report: Report,
  pending: PendingDestination,
  fromSpool: boolean,
  record?: RecordProgress,
): Promise<SendResult> {
  const base = { destination, runId: report.runId, fromSpool };
  if (ctx.signal.aborted || ctx.down.has(destination)) {
    const why = ctx.signal.aborted ? stoppedBecause(ctx.signal) : ctx.down.get(destination)!;
    return logged(ctx, {
      keep: pending,
      result: {
        ...base,
        status: 'spooled',
        attempts: 0,
        httpStatus: null,
        error: `${why === 'interrupted' ? 'interrupted' : 'not tried'}: ${why === 'interrupted' ? 'not tried' : why}`,
      },
    });
  }
  if (destination === 'log-analytics') ctx.progress?.phase('delivering to Logs Ingestion');
  const sent = destination === 'collector' ? await toCollector(ctx, report) : await toLogAnalytics(ctx, report, pending, record);
  const { keep, status, attempts, httpStatus } = sent;
  let error = sent.error;
  if (keep && error !== null && ctx.signal.aborted) {
    const why = stoppedBecause(ctx.signal);
    error = why === 'interrupted' ? `interrupted: ${error}` : error.includes(why) ? error : `${error} (${why})`;
  }
  // What is kept replaces what was pending there (a version 1 entry's batch indexes become row ranges).
  return logged(ctx, { keep: keep ? { ...keep, name: destination } : null, result: { ...base, status, attempts, httpStatus, error } });
}

/** The destination's outcome, at debug; kept = sent again by a later run. */
function logged(ctx: SendContext, sent: SendResult): SendResult {
  const { destination, fromSpool, status, attempts, httpStatus, error } = sent.result;
  (ctx.log ?? NO_LOG).debug({ destination, fromSpool, status, attempts, httpStatus, error, kept: sent.keep !== null }, 'delivery outcome');
  return sent;
}

/** Where a request goes, for the log: origin and path only (a query may hold a SAS or a key; the origin never holds userinfo). */
function shownTarget(url: string | URL, base?: string | URL): string {
  try {
    const parsed = new URL(url, base);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

interface Sent {
  keep: Partial<PendingDestination> | null;
  status: DeliveryStatus;
  attempts: number;
  httpStatus: number | null;
  error: string | null;
}

async function toCollector(ctx: SendContext, report: Report): Promise<Sent> {
  const target = shownTarget(ctx.collector!.url);
  const outcome = await withRetries(
    async (attempt) => {
      ctx.progress?.phase(`delivering to collector: attempt ${attempt} of ${ctx.retry.maxAttempts}`);
      const started = performance.now();
      const sent = await postReport(report, ctx.collector!, ctx.dispatcher, ctx.userAgent, ctx.requestSignal);
      // As withRetries decides: another attempt follows a failure that is retryable and not refused for good, while attempts and time remain.
      const retry = !sent.ok && sent.retryable && !sent.permanent && attempt < ctx.retry.maxAttempts && !ctx.signal.aborted;
      const ms = Math.round(performance.now() - started);
      (ctx.log ?? NO_LOG).debug(
        { destination: 'collector', target, attempt, status: sent.status ?? null, error: sent.ok ? null : sent.error, ms, retry },
        'delivery attempt',
      );
      return sent;
    },
    ctx.retry,
    ctx.signal,
  );
  const common = { attempts: outcome.attempts, httpStatus: outcome.status, error: outcome.error };
  if (outcome.ok) return { ...common, keep: null, status: 'delivered' };
  if (outcome.permanent === 'report' || !outcome.transient) return { ...common, keep: null, status: 'rejected' };
  ctx.down.set('collector', `the collector failed earlier in this run (${outcome.error})`);
  return { ...common, keep: {}, status: 'spooled' };
}

async function toLogAnalytics(ctx: SendContext, report: Report, pending: PendingDestination, record?: RecordProgress): Promise<Sent> {
  const rows = rowsFor(report, ctx.vm);
  const prior = settledRows(pending, rows);
  const progress = (sent: { accepted: number[]; refused: number[] }) => ({
    deliveredRows: mergeRanges(prior.delivered, toRanges(sent.accepted)),
    refusedRows: mergeRanges(prior.refused, toRanges(sent.refused)),
  });
  const keepFor = (p: ReturnType<typeof progress>): PendingDestination => ({
    name: 'log-analytics',
    ...(p.deliveredRows.length ? { deliveredRows: p.deliveredRows } : {}),
    ...(p.refusedRows.length ? { refusedRows: p.refusedRows } : {}),
  });
  // Each answer that settles rows is recorded before the next request, so that even a run killed
  // mid-report does not send accepted rows again. Once every row is settled there is nothing to
  // record: the caller's next write takes the destination off the entry.
  const recordProgress = async (s: { accepted: number[]; refused: number[] }) => {
    const p = progress(s);
    if (record && coveredCount(rows.length, mergeRanges(p.deliveredRows, p.refusedRows)) < rows.length) await record(keepFor(p));
  };
  const log = ctx.log ?? NO_LOG;
  const dispatcher = log.isLevelEnabled?.('debug') === false ? ctx.dispatcher : requestsLogged(ctx.dispatcher, log, 'log-analytics');
  const sent = await sendRows(
    rows,
    [...prior.delivered, ...prior.refused],
    ctx.logAnalytics!,
    ctx.tokens!,
    dispatcher,
    ctx.retry,
    ctx.signal,
    recordProgress,
    ctx.requestSignal,
  );
  const { deliveredRows, refusedRows } = progress(sent);
  const total = rows.length;
  const refused = coveredCount(total, refusedRows);
  const open = total - coveredCount(total, mergeRanges(deliveredRows, refusedRows));
  const worst = sent.failure ?? sent.refusal;
  if (open === 0 && refused === 0) return { keep: null, status: 'delivered', attempts: sent.attempts, httpStatus: sent.lastStatus ?? 204, error: null };
  const error = worst ? `${open + refused} of ${total} row(s) not accepted: ${worst.error}` : `${open} of ${total} row(s) not sent`;
  if (open === 0) return { keep: null, status: 'rejected', attempts: sent.attempts, httpStatus: worst?.status ?? null, error };
  if (sent.failure) ctx.down.set('log-analytics', `Logs Ingestion failed earlier in this run (${sent.failure.error})`);
  return { keep: keepFor({ deliveredRows, refusedRows }), status: 'spooled', attempts: sent.attempts, httpStatus: worst?.status ?? null, error };
}

/**
 * The rows already settled there: row ranges (spool version 2), or batch indexes (version 1),
 * which meant the batches batchRows makes of the same rows.
 */
function settledRows(pending: PendingDestination, rows: ReadinessRow[]): { delivered: RowRange[]; refused: RowRange[] } {
  const batches = pending.deliveredBatches?.length || pending.refusedBatches?.length ? batchRanges(rows) : [];
  const fromBatches = (indexes: number[] | undefined) => (indexes ?? []).flatMap((i) => (batches[i] ? [batches[i]] : []));
  return {
    delivered: mergeRanges(pending.deliveredRows ?? [], fromBatches(pending.deliveredBatches)),
    refused: mergeRanges(pending.refusedRows ?? [], fromBatches(pending.refusedBatches)),
  };
}

/**
 * The dispatcher, with each request through it logged as a delivery attempt (at debug) when its
 * answer starts or it fails: Logs Ingestion's attempts happen inside sendRows, which decides retries
 * itself (so these lines do not say whether one follows; the destination's outcome says what is kept).
 */
function requestsLogged(dispatcher: Dispatcher, log: EventLog, destination: DestinationName): Dispatcher {
  let attempts = 0;
  return dispatcher.compose((dispatch) => (opts, handler) => {
    const attempt = ++attempts;
    const started = performance.now();
    const target = shownTarget(opts.path, opts.origin);
    let told = false; // once per request: at its answer, or at its failure when no answer came
    const event = (status: number | null, error: string | null) => {
      if (!told) log.debug({ destination, target, attempt, status, error, ms: Math.round(performance.now() - started) }, 'delivery attempt');
      told = true;
    };
    return dispatch(opts, {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, status, headers, socket) => handler.onRequestUpgrade?.(controller, status, headers, socket),
      onResponseStart: (controller, status, headers, message) => {
        event(status, null);
        handler.onResponseStart?.(controller, status, headers, message);
      },
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, err) => {
        event(null, (err as NodeJS.ErrnoException).code ?? err.message);
        handler.onResponseError?.(controller, err);
      },
    });
  });
}
