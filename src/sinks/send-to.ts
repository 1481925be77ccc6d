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
}

/** Records progress made on a destination (rows settled) before the next request; may throw nothing. */
export type RecordProgress = (pending: PendingDestination) => Promise<void>;

export interface SendResult {
  /** Still to be sent there later; null when done (delivered or refused for good). */
  keep: PendingDestination | null;
  result: DestinationResult;
}

export async function sendTo(ctx: SendContext, destination: DestinationName, report: Report, pending: PendingDestination, fromSpool: boolean, record?: RecordProgress): Promise<SendResult> {
  const base = { destination, runId: report.runId, fromSpool };
  if (ctx.signal.aborted || ctx.down.has(destination)) {
    const why = ctx.signal.aborted ? stoppedBecause(ctx.signal) : ctx.down.get(destination)!;
    return { keep: pending, result: { ...base, status: 'spooled', attempts: 0, httpStatus: null, error: `${why === 'interrupted' ? 'interrupted' : 'not tried'}: ${why === 'interrupted' ? 'not tried' : why}` } };
  }
  const sent = destination === 'collector' ? await toCollector(ctx, report) : await toLogAnalytics(ctx, report, pending, record);
  const { keep, status, attempts, httpStatus } = sent;
  let error = sent.error;
  if (keep && error !== null && ctx.signal.aborted) {
    const why = stoppedBecause(ctx.signal);
    error = why === 'interrupted' ? `interrupted: ${error}` : error.includes(why) ? error : `${error} (${why})`;
  }
  // What is kept replaces what was pending there (a version 1 entry's batch indexes become row ranges).
  return { keep: keep ? { ...keep, name: destination } : null, result: { ...base, status, attempts, httpStatus, error } };
}

interface Sent {
  keep: Partial<PendingDestination> | null;
  status: DeliveryStatus;
  attempts: number;
  httpStatus: number | null;
  error: string | null;
}

async function toCollector(ctx: SendContext, report: Report): Promise<Sent> {
  const outcome = await withRetries(() => postReport(report, ctx.collector!, ctx.dispatcher, ctx.userAgent, ctx.requestSignal), ctx.retry, ctx.signal);
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
  const sent = await sendRows(rows, [...prior.delivered, ...prior.refused], ctx.logAnalytics!, ctx.tokens!, ctx.dispatcher, ctx.retry, ctx.signal, recordProgress, ctx.requestSignal);
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
