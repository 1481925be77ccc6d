// Delivers the report. Write-ahead: this run's report is in the spool (claimed by this run) before
// any attempt, updated as destinations acknowledge it (Log Analytics: as each request's rows are
// accepted or refused, so no accepted row is sent again), removed once all have. Then what earlier
// runs spooled (oldest first, each under a claim so overlapping runs never send one twice), then
// this run's report. Delivery never changes the verdict or the exit code; its outcome is the report's
// `delivery` section. A `stop` (SIGTERM and friends) ends it promptly with the report spooled.
import type { Dispatcher } from 'undici';
import type { Report } from '../report/report';
import type { CollectorTarget } from './collector';
import type { ImdsIdentity, LogAnalyticsTarget } from './log-analytics';
import { Spool, type Claim, type DestinationName, type Dropped, type PendingDestination, type SpoolEntry } from './spool';
import { readEntry } from './spool-read';
import { spoolCondition, type SpoolCondition } from './spool-condition';
import type { RetryPolicy } from './retry';
import type { TokenProvider } from './tokens';
import { sendTo, type DestinationResult, type SendContext } from './send-to';
import { scrubSecrets } from '../core/redact';
import { NO_LOG, type EventLog } from '../core/log';
import type { Progress } from '../core/progress';
import path from 'node:path';

export type { DeliveryStatus, DestinationResult } from './send-to';

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
  /** Each attempt, each destination's outcome and the spool's writes, at debug; none when not given. */
  log?: EventLog;
  /** Each attempt, on a terminal; none when not given. */
  progress?: Progress;
}

export interface DeliveryReport {
  results: DestinationResult[];
  spool: { dir: string | null; pending: number; dropped: Dropped[]; warnings: string[]; condition: SpoolCondition | null };
}

/** A claim older than this is another run's that died without cleaning up, whatever its pid says. */
const CLAIM_MARGIN_MS = 5 * 60 * 1000;
/** How long a request under way may still be answered after a stop (SIGTERM etc.). */
export const STOP_GRACE_MS = 1_000;

/** Aborts `ms` after `stop` does (at once if it already has: no request starts after a stop). */
function afterGrace(stop: AbortSignal, ms: number): AbortSignal {
  const controller = new AbortController();
  if (stop.aborted) controller.abort(stop.reason);
  else stop.addEventListener('abort', () => setTimeout(() => controller.abort(stop.reason), ms).unref(), { once: true });
  return controller.signal;
}

export async function deliver(report: Report, config: DeliveryConfig, deps: DeliveryDeps, stop?: AbortSignal): Promise<DeliveryReport> {
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const signal = stop ? AbortSignal.any([stop, timeout]) : timeout;
  // A request already under way when the stop comes gets a moment for its answer: an
  // acknowledgment cut off in flight would make a later run send the report again.
  const requestSignal = stop ? AbortSignal.any([afterGrace(stop, STOP_GRACE_MS), timeout]) : timeout;
  const configured: DestinationName[] = [...(config.collector ? ['collector' as const] : []), ...(config.logAnalytics ? ['log-analytics' as const] : [])];
  const log = deps.log ?? NO_LOG;
  const ctx: SendContext = {
    ...deps,
    log,
    collector: config.collector,
    logAnalytics: config.logAnalytics,
    retry: config.retry,
    signal,
    requestSignal,
    down: new Map(),
  };
  const results: DestinationResult[] = [];
  let condition: SpoolCondition | null = null;
  const note = (err: unknown, while_: string) => (condition ??= spoolCondition(config.spool!.dir, err, while_));
  /** A write of this run's entry to the spool, timed and logged (the spool is a destination too: what is not delivered lives there). */
  const spoolStep = <T>(action: string, step: Promise<T>): Promise<T> => {
    const started = performance.now();
    const done = (error: string | null) =>
      log.debug({ destination: 'spool', action, ok: error === null, error, ms: Math.round(performance.now() - started) }, 'spool write');
    return step.then(
      (value) => (done(null), value),
      (err: unknown) => {
        done(scrubSecrets(String((err as NodeJS.ErrnoException).code ?? err)));
        throw err;
      },
    );
  };

  let spool: Spool | null = null;
  if (config.spool) {
    spool = new Spool(config.spool.dir, { maxFiles: config.spool.maxFiles, maxBytes: config.spool.maxBytes }, 2 * config.timeoutMs + CLAIM_MARGIN_MS);
    await spool.ensure().catch((err: unknown) => ((spool = null), note(err, 'creating it')));
  }

  // 1. Write-ahead: in the spool before the first attempt, so a kill at any instant loses nothing.
  let entry: SpoolEntry = {
    version: 1,
    createdAt: new Date().toISOString(),
    runId: report.runId,
    pending: configured.map((name) => ({ name })),
    report: { ...report, delivery: null },
  };
  let mine: Claim | null = null;
  if (spool) mine = await spoolStep('write', spool.writeClaimed(entry)).catch((err: unknown) => (note(err, "writing this run's report"), null));

  // 2. The backlog, oldest first.
  if (spool) await sendBacklog(spool, configured, ctx, results, note);

  // 3. This run's report; each acknowledgement is recorded before the next destination.
  const current: DestinationResult[] = [];
  for (const destination of configured) {
    const record = async (progress: PendingDestination) => {
      entry = { ...entry, pending: entry.pending.map((p) => (p.name === destination ? progress : p)) };
      if (spool && mine) await spool.update(mine, entry).catch((err: unknown) => note(err, "recording this run's progress"));
    };
    const sent = await sendTo(
      ctx,
      destination,
      report,
      entry.pending.find((p) => p.name === destination)!,
      false,
      record,
    );
    current.push(sent.result);
    const pending = entry.pending.flatMap((p) => (p.name !== destination ? [p] : sent.keep ? [sent.keep] : []));
    const changed = JSON.stringify(pending) !== JSON.stringify(entry.pending);
    entry = { ...entry, pending };
    if (spool && mine && changed && pending.length > 0) await spool.update(mine, entry).catch((err: unknown) => note(err, "recording this run's progress"));
  }
  if (spool && mine) {
    const held = mine;
    const kept = entry.pending.length > 0;
    await spoolStep(kept ? 'keep for the next run' : 'remove (nothing left to send)', spool.release(held, kept)).catch((err: unknown) =>
      note(err, "releasing this run's report"),
    );
  }
  for (const r of current) if (r.status === 'spooled' && !mine) r.status = 'lost';
  results.push(...current);

  // 4. Limits: what they drop is dropped, whatever was said of it above.
  const s = spool as Spool | null;
  const dropped = s ? await s.enforceLimits().catch((err: unknown) => (note(err, 'keeping it within its limits'), [] as Dropped[])) : [];
  const droppedIds = new Set(dropped.map((d) => d.runId));
  for (const r of results) if (r.status === 'spooled' && droppedIds.has(r.runId)) r.status = 'dropped';
  return {
    results: results.map((r) => ({ ...r, error: r.error === null ? null : scrubSecrets(r.error) })),
    spool: {
      dir: s?.dir ?? config.spool?.dir ?? null,
      pending: s ? await s.pendingCount() : 0,
      dropped,
      warnings: (s?.warnings ?? []).map(scrubSecrets),
      condition,
    },
  };
}

async function sendBacklog(
  spool: Spool,
  configured: DestinationName[],
  ctx: SendContext,
  results: DestinationResult[],
  note: (err: unknown, while_: string) => void,
): Promise<void> {
  let files;
  try {
    files = await spool.list();
  } catch (err) {
    note(err, 'reading the spooled reports');
    return;
  }
  for (const file of files) {
    if (ctx.signal.aborted) return; // no new attempt once stopped or out of time
    if (!file.entry.pending.some((p) => configured.includes(p.name))) continue; // kept until that destination is configured again
    let claim: Claim | null;
    try {
      claim = await spool.claim(file.name);
    } catch (err) {
      note(err, 'claiming a spooled report'); // a read-only spool: what is sent could never be marked as sent
      return;
    }
    if (!claim) continue; // another run is sending it
    // Read again under the claim: another run may have recorded progress since the listing.
    const held = await readEntry(path.join(spool.dir, claim.file), Number.MAX_SAFE_INTEGER);
    let entry = held.ok ? held.entry : file.entry;
    for (const pending of entry.pending) {
      if (!configured.includes(pending.name)) continue;
      const record = async (progress: PendingDestination) => {
        entry = { ...entry, pending: entry.pending.map((p) => (p.name === pending.name ? progress : p)) };
        await spool.update(claim, entry).catch((err: unknown) => note(err, 'recording progress on a spooled report'));
      };
      const sent = await sendTo(ctx, pending.name, entry.report, pending, true, record);
      results.push(sent.result);
      const next: PendingDestination[] = entry.pending.flatMap((p) => (p.name !== pending.name ? [p] : sent.keep ? [sent.keep] : []));
      const changed = JSON.stringify(next) !== JSON.stringify(entry.pending);
      entry = { ...entry, pending: next };
      if (changed && next.length > 0) await spool.update(claim, entry).catch((err: unknown) => note(err, 'recording progress on a spooled report'));
    }
    await spool.release(claim, entry.pending.length > 0).catch((err: unknown) => note(err, 'releasing a spooled report'));
  }
}
