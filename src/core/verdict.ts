// The run's verdict and exit code, derived from findings only.
import type { Finding, Status } from './finding';
import { STATUSES } from './finding';

export type Verdict = 'ready' | 'ready-with-warnings' | 'not-ready';
export type FailOn = 'fail' | 'warn' | 'never';

export const EXIT = { ready: 0, notReady: 1, usage: 2, internal: 3 } as const;

export function countByStatus(findings: readonly Finding[]): Record<Status, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const f of findings) counts[f.status]++;
  return counts;
}

/**
 * An `error` finding counts as a failure: a check that could not run has not shown the guest ready,
 * and a pre-flight tool must not say "ready" on what it did not verify.
 */
export function verdictOf(findings: readonly Finding[]): Verdict {
  const c = countByStatus(findings);
  if (c.fail + c.error > 0) return 'not-ready';
  if (c.warn > 0) return 'ready-with-warnings';
  return 'ready';
}

export function exitCodeFor(findings: readonly Finding[], failOn: FailOn): number {
  if (failOn === 'never') return EXIT.ready;
  const c = countByStatus(findings);
  const failing = c.fail + c.error + (failOn === 'warn' ? c.warn : 0);
  return failing > 0 ? EXIT.notReady : EXIT.ready;
}
