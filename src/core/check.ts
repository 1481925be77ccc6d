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
  /**
   * What the check looks at. 'this-machine': the machine asr-ready runs on (its network path, clock,
   * IMDS, live disk I/O), not the guest's files; under --root that is not the image, so such a check
   * runs only when --checks selects it. Default 'guest-files'.
   */
  scope?: 'guest-files' | 'this-machine';
  /** Upper bound for this check; the run deadline may cut it shorter. */
  timeoutMs: number;
  run(ctx: CheckContext): Promise<CheckOutcome[]>;
}
