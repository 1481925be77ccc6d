// One report to one destination, with the outcome the spool needs: what is still pending there.
// A destination that failed transiently, or whose configuration is refused for good, is not tried
// again in this run (`down`); a report refused for good is not kept.
import type { Dispatcher } from 'undici';
import type { Report } from '../report/report';
import { postReport, type CollectorTarget } from './collector';
import { batchRows, rowsFor, sendRows, type ImdsIdentity, type LogAnalyticsTarget } from './log-analytics';
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
  signal: AbortSignal;
  down: Map<DestinationName, string>;
}

export interface SendResult {
  /** Still to be sent there later; null when done (delivered or refused for good). */
  keep: PendingDestination | null;
  result: DestinationResult;
}

export async function sendTo(ctx: SendContext, destination: DestinationName, report: Report, pending: PendingDestination, fromSpool: boolean): Promise<SendResult> {
  const base = { destination, runId: report.runId, fromSpool };
  if (ctx.signal.aborted || ctx.down.has(destination)) {
    const why = ctx.signal.aborted ? stoppedBecause(ctx.signal) : ctx.down.get(destination)!;
    return { keep: pending, result: { ...base, status: 'spooled', attempts: 0, httpStatus: null, error: `${why === 'interrupted' ? 'interrupted' : 'not tried'}: ${why === 'interrupted' ? 'not tried' : why}` } };
  }
  const sent = destination === 'collector' ? await toCollector(ctx, report) : await toLogAnalytics(ctx, report, pending);
  const { keep, status, attempts, httpStatus } = sent;
  let error = sent.error;
  if (keep && error !== null && ctx.signal.aborted) {
    const why = stoppedBecause(ctx.signal);
    error = why === 'interrupted' ? `interrupted: ${error}` : error.includes(why) ? error : `${error} (${why})`;
  }
  return { keep: keep ? { ...pending, ...keep } : null, result: { ...base, status, attempts, httpStatus, error } };
}

interface Sent {
  keep: Partial<PendingDestination> | null;
  status: DeliveryStatus;
  attempts: number;
  httpStatus: number | null;
  error: string | null;
}

async function toCollector(ctx: SendContext, report: Report): Promise<Sent> {
  const outcome = await withRetries(() => postReport(report, ctx.collector!, ctx.dispatcher, ctx.userAgent, ctx.signal), ctx.retry, ctx.signal);
  const common = { attempts: outcome.attempts, httpStatus: outcome.status, error: outcome.error };
  if (outcome.ok) return { ...common, keep: null, status: 'delivered' };
  if (outcome.permanent === 'report' || !outcome.transient) return { ...common, keep: null, status: 'rejected' };
  ctx.down.set('collector', `the collector failed earlier in this run (${outcome.error})`);
  return { ...common, keep: {}, status: 'spooled' };
}

async function toLogAnalytics(ctx: SendContext, report: Report, pending: PendingDestination): Promise<Sent> {
  const rows = rowsFor(report, ctx.vm);
  const total = batchRows(rows).length;
  const delivered = [...(pending.deliveredBatches ?? [])];
  const refused = [...(pending.refusedBatches ?? [])];
  const batches = await sendRows(rows, [...delivered, ...refused], ctx.logAnalytics!, ctx.tokens!, ctx.dispatcher, ctx.retry, ctx.signal);
  for (const b of batches) {
    if (b.outcome.ok) delivered.push(b.index);
    else if (b.outcome.permanent === 'report' || !b.outcome.transient) refused.push(b.index);
  }
  const attempts = batches.reduce((n, b) => n + b.outcome.attempts, 0);
  const failed = batches.filter((b) => !b.outcome.ok);
  const worst = failed[0]?.outcome;
  const open = total - new Set([...delivered, ...refused]).size;
  const sorted = (a: number[]) => [...new Set(a)].sort((x, y) => x - y);
  if (open === 0 && refused.length === 0) return { keep: null, status: 'delivered', attempts, httpStatus: batches.at(-1)?.outcome.status ?? 204, error: null };
  const error = worst ? `${failed.length} of ${total} batch(es) not accepted: ${worst.error}` : `${open} of ${total} batch(es) not sent`;
  if (open === 0) return { keep: null, status: 'rejected', attempts, httpStatus: worst?.status ?? null, error };
  if (worst) ctx.down.set('log-analytics', `Logs Ingestion failed earlier in this run (${worst.error})`);
  return { keep: { deliveredBatches: sorted(delivered), refusedBatches: sorted(refused) }, status: 'spooled', attempts, httpStatus: worst?.status ?? null, error };
}
