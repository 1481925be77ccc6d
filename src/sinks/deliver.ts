// Delivers the report: first what earlier runs spooled (oldest first), then this run's report, to
// each configured destination. What cannot be delivered now is spooled; delivery never changes
// the verdict or the exit code, and its outcome is reported in the report's `delivery` section.
import type { Dispatcher } from 'undici';
import type { Report } from '../report/report';
import { postReport, isPermanentRejection, type CollectorTarget } from './collector';
import { rowsFor, sendRows, type ImdsIdentity, type LogAnalyticsTarget } from './log-analytics';
import { Spool, type DestinationName, type PendingDestination, type SpoolEntry } from './spool';
import { withRetries, type RetryPolicy } from './retry';
import type { TokenProvider } from './tokens';
import { scrubSecrets } from '../core/redact';

export interface DeliveryConfig {
  collector: CollectorTarget | null;
  logAnalytics: LogAnalyticsTarget | null;
  spool: { dir: string; maxFiles: number; maxBytes: number } | null;
  timeoutMs: number;
  retry: RetryPolicy;
}

export interface DeliveryDeps {
  dispatcher: Dispatcher;
  /** Built only when Log Analytics is configured. */
  tokens: TokenProvider | null;
  vm: ImdsIdentity;
  userAgent: string;
}

export type DeliveryStatus = 'delivered' | 'spooled' | 'rejected' | 'lost';

export interface DestinationResult {
  destination: DestinationName;
  runId: string;
  fromSpool: boolean;
  status: DeliveryStatus;
  attempts: number;
  httpStatus: number | null;
  error: string | null;
}

export interface DeliveryReport {
  results: DestinationResult[];
  spool: { dir: string | null; pending: number; dropped: Array<{ runId: string; createdAt: string }>; warnings: string[] };
}

interface SendResult {
  delivered: boolean;
  keep: PendingDestination | null;
  result: Omit<DestinationResult, 'status'> & { status: DeliveryStatus };
}

export async function deliver(report: Report, config: DeliveryConfig, deps: DeliveryDeps): Promise<DeliveryReport> {
  const signal = AbortSignal.timeout(config.timeoutMs);
  const configured: DestinationName[] = [...(config.collector ? ['collector' as const] : []), ...(config.logAnalytics ? ['log-analytics' as const] : [])];
  const warnings: string[] = [];
  let spool: Spool | null = null;
  if (config.spool) {
    spool = new Spool(config.spool.dir, { maxFiles: config.spool.maxFiles, maxBytes: config.spool.maxBytes });
    try {
      await spool.ensure();
    } catch (err) {
      warnings.push(`the spool directory ${config.spool.dir} cannot be used (${(err as Error).message}): undelivered reports will be lost`);
      spool = null;
    }
  }
  /** A destination that failed transiently this run is not tried again until the next run. */
  const down = new Map<DestinationName, string>();
  const results: DestinationResult[] = [];

  const send = async (destination: DestinationName, r: Report, pending: PendingDestination, fromSpool: boolean): Promise<SendResult> => {
    const base = { destination, runId: r.runId, fromSpool };
    if (down.has(destination) || signal.aborted) {
      const why = down.get(destination) ?? 'the delivery time bound ran out';
      return { delivered: false, keep: pending, result: { ...base, status: 'spooled', attempts: 0, httpStatus: null, error: `not tried: ${why}` } };
    }
    if (destination === 'collector') {
      const outcome = await withRetries(() => postReport(r, config.collector!, deps.dispatcher, deps.userAgent, signal), config.retry, signal);
      if (outcome.ok) return { delivered: true, keep: null, result: { ...base, status: 'delivered', attempts: outcome.attempts, httpStatus: outcome.status, error: null } };
      const rejected = isPermanentRejection(outcome.status) && !outcome.transient;
      if (!rejected) down.set(destination, `the collector failed earlier in this run (${outcome.error})`);
      return { delivered: false, keep: rejected ? null : pending, result: { ...base, status: rejected ? 'rejected' : 'spooled', attempts: outcome.attempts, httpStatus: outcome.status, error: outcome.error } };
    }
    const batches = await sendRows(rowsFor(r, deps.vm), pending.deliveredBatches ?? [], config.logAnalytics!, deps.tokens!, deps.dispatcher, config.retry, signal);
    const deliveredBatches = [...(pending.deliveredBatches ?? []), ...batches.filter((b) => b.outcome.ok).map((b) => b.index)].sort((a, b) => a - b);
    const failed = batches.filter((b) => !b.outcome.ok);
    const attempts = batches.reduce((n, b) => n + b.outcome.attempts, 0);
    if (failed.length === 0) return { delivered: true, keep: null, result: { ...base, status: 'delivered', attempts, httpStatus: batches.at(-1)?.outcome.status ?? 204, error: null } };
    const worst = failed[0]!.outcome;
    const keep = failed.some((b) => b.outcome.transient);
    if (keep) down.set(destination, `Logs Ingestion failed earlier in this run (${worst.error})`);
    return {
      delivered: false,
      keep: keep ? { name: destination, deliveredBatches } : null,
      result: { ...base, status: keep ? 'spooled' : 'rejected', attempts, httpStatus: worst.status, error: `${failed.length} of ${batches.length} batch(es) not accepted: ${worst.error}` },
    };
  };

  // 1. The backlog, oldest first.
  for (const file of spool ? await spool.list() : []) {
    const keep: PendingDestination[] = [];
    let changed = false;
    for (const pending of file.entry.pending) {
      if (!configured.includes(pending.name)) {
        keep.push(pending); // kept until that destination is configured again
        continue;
      }
      const sent = await send(pending.name, file.entry.report, pending, true);
      results.push(sent.result);
      if (sent.keep) keep.push(sent.keep);
      if (!sent.keep || JSON.stringify(sent.keep) !== JSON.stringify(pending)) changed = true;
    }
    if (keep.length === 0) await spool!.remove(file.name);
    else if (changed) await spool!.write({ ...file.entry, pending: keep }, file.name);
  }

  // 2. This run's report.
  const keepNow: PendingDestination[] = [];
  const current: DestinationResult[] = [];
  for (const destination of configured) {
    const sent = await send(destination, report, { name: destination }, false);
    current.push(sent.result);
    if (sent.keep) keepNow.push(sent.keep);
  }
  if (keepNow.length > 0) {
    const entry: SpoolEntry = { version: 1, createdAt: new Date().toISOString(), runId: report.runId, pending: keepNow, report: { ...report, delivery: null } };
    let spooled = false;
    if (spool) {
      try {
        await spool.write(entry);
        spooled = true;
      } catch (err) {
        warnings.push(`could not write the spool entry for run ${report.runId} (${(err as Error).message})`);
      }
    }
    if (!spooled) for (const r of current) if (r.status === 'spooled') r.status = 'lost';
  }
  results.push(...current);

  const dropped = spool ? await spool.enforceLimits() : [];
  const pending = spool ? (await spool.list()).length : 0;
  return {
    results: results.map((r) => ({ ...r, error: r.error === null ? null : scrubSecrets(r.error) })),
    spool: { dir: spool?.dir ?? null, pending, dropped, warnings: [...warnings, ...(spool?.warnings ?? [])] },
  };
}
