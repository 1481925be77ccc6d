// The Check interface: a small declarative object whose run() is a function of gathered facts.
import type { CheckOutcome } from './finding';
import type { Facts } from '../facts/facts';

export type Platform = 'linux' | 'windows';

export interface CheckContext {
  facts: Facts;
  /** Aborted when the check's own time bound or the run deadline passes. */
  signal: AbortSignal;
  now: Date;
}

export interface Check {
  id: string;
  title: string;
  /** What the check verifies and why it matters for Site Recovery (shown by --help checks, docs). */
  description: string;
  platforms: readonly Platform[];
  /** Upper bound for this check; the run deadline may cut it shorter. */
  timeoutMs: number;
  run(ctx: CheckContext): Promise<CheckOutcome[]>;
}
