// Which checks have finished, which are running and which one is executing right now. The engine
// fills it in; the watchdog reads it when the event loop is stuck, to build the report from what is
// known and name the check that blocked (its synchronous code runs inside the check's async context).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Check } from './check';
import type { Finding } from './finding';

export type CheckState = { state: 'waiting' } | { state: 'running'; startedAt: number } | { state: 'finished'; findings: Finding[] };

export interface ProgressListener {
  started(checkId: string): void;
  finished(checkId: string): void;
}

export class CheckProgress {
  private readonly context = new AsyncLocalStorage<string>();
  private readonly states = new Map<Check, CheckState>();
  private readonly listeners: ProgressListener[] = [];

  constructor(readonly checks: readonly Check[]) {
    for (const check of checks) this.states.set(check, { state: 'waiting' });
  }

  listen(listener: ProgressListener): void {
    this.listeners.push(listener);
  }

  /** Runs fn as `check`: code it runs, synchronous or later, is attributed to the check. */
  run<T>(check: Check, fn: () => Promise<T>): Promise<T> {
    this.states.set(check, { state: 'running', startedAt: performance.now() });
    for (const l of this.listeners) l.started(check.id);
    return this.context.run(check.id, fn);
  }

  finish(check: Check, findings: Finding[]): void {
    this.states.set(check, { state: 'finished', findings });
    for (const l of this.listeners) l.finished(check.id);
  }

  /** The check whose code is executing at this instant (null outside any check). */
  current(): string | null {
    return this.context.getStore() ?? null;
  }

  /** Every check's findings as far as known, in registry order; `unfinished` speaks for the rest. */
  snapshot(unfinished: (check: Check, state: Exclude<CheckState, { state: 'finished' }>) => Finding[]): Finding[] {
    return this.checks.flatMap((check) => {
      const s = this.states.get(check) ?? { state: 'waiting' as const };
      return s.state === 'finished' ? s.findings : unfinished(check, s);
    });
  }
}
