// What the watchdog makes the main thread do when a check's synchronous work held it past the
// deadline: everything here is synchronous, because the main thread runs it while paused inside
// that stuck work and no timer or promise can run. The report of what is known is spooled (when
// delivery is configured: write-ahead, atomic), printed in the asked format, and the run ends.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Check } from '../core/check';
import type { CheckProgress } from '../core/check-progress';
import { blockedFinding, cutFinding, notStartedFinding } from '../core/engine';
import type { Finding } from '../core/finding';
import { describeError } from '../core/errors';
import type { Report } from '../report/report';
import type { DeliveryReport } from '../sinks/deliver';
import { Spool, type DestinationName, type SpoolEntry } from '../sinks/spool';
import { tmpName } from '../sinks/spool-names';

export interface StuckRun {
  deadlineMs: number;
  progress: CheckProgress;
  /** The report from these findings and whatever facts are already known (synchronous). */
  report: (findings: Finding[]) => Report;
  render: (report: Report) => string;
  spool: { dir: string; destinations: DestinationName[] } | null;
  exitCode: (findings: Finding[]) => number;
  exit: (code: number) => void;
}

/** Reachable only while the checks run: run.ts stops the watchdog (and removes its hook) before any output. */
export function endStuckRun(run: StuckRun, stuckCheckId: string | null): void {
  const now = performance.now();
  const findings = run.progress.snapshot((check: Check, state) => {
    if (state.state === 'waiting') return [notStartedFinding(check, null)];
    const ms = Math.round(now - state.startedAt);
    return [check.id === stuckCheckId ? blockedFinding(check, run.deadlineMs, ms) : cutFinding(check, null, ms)];
  });
  const report = run.report(findings);
  const problems: string[] = [];
  if (run.spool) {
    let status: 'spooled' | 'lost' = 'spooled';
    try {
      writeEntrySync(run.spool.dir, {
        version: 1,
        createdAt: new Date().toISOString(),
        runId: report.runId,
        pending: run.spool.destinations.map((name) => ({ name })),
        report: { ...report, delivery: null },
      });
    } catch (err) {
      status = 'lost';
      problems.push(`the report could not be spooled in ${run.spool.dir} (${describeError(err)})`);
    }
    report.delivery = deliverySection(report.runId, run.spool, status, problems);
  }
  writeAllSync(1, run.render(report));
  const stuck = stuckCheckId ? `check ${stuckCheckId} kept the agent busy` : 'the agent was kept busy outside any check';
  const saved = run.spool
    ? problems.length
      ? problems.join('; ')
      : `the report is kept in ${run.spool.dir} for the next run`
    : 'the report above is what was known';
  writeAllSync(2, `asr-ready: ${stuck} past the run deadline of ${run.deadlineMs / 1000} s without yielding, so the watchdog ended the run; ${saved}.\n`);
  // Node would add "Waiting for the debugger to disconnect..." (the watchdog's session is still
  // attached): nothing else is written to stderr from here on.
  try {
    closeSync(2);
  } catch {
    /* already closed */
  }
  run.exit(run.exitCode(findings));
}

function deliverySection(runId: string, spool: NonNullable<StuckRun['spool']>, status: 'spooled' | 'lost', warnings: string[]): DeliveryReport {
  return {
    results: spool.destinations.map((destination) => ({
      destination,
      runId,
      fromSpool: false,
      status,
      attempts: 0,
      httpStatus: null,
      error: 'not tried: the watchdog ended the run',
    })),
    spool: { dir: spool.dir, pending: status === 'spooled' ? 1 : 0, dropped: [], warnings, condition: null },
  };
}

/** As the spool writes: a temporary file, fsync, rename, fsync of the directory; owner-only. */
function writeEntrySync(dir: string, entry: SpoolEntry): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, tmpName());
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeAllSync(fd, JSON.stringify(entry));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path.join(dir, Spool.nameFor(entry)));
  try {
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    /* Windows cannot open a directory: the rename is what makes the entry whole */
  }
}

/** stdout may be a non-blocking pipe: wait out EAGAIN instead of losing the rest of the report. */
function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let off = 0; off < bytes.length;) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}
