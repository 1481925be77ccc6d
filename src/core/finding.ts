// The finding model: what every check returns and every renderer and sink consumes.

export const STATUSES = ['pass', 'warn', 'fail', 'skip', 'error'] as const;
export type Status = (typeof STATUSES)[number];

/** Evidence is plain JSON so that it survives the report, the spool and Log Analytics unchanged. */
export type Evidence = { [key: string]: unknown };

export interface Finding {
  /** Stable ID of the check that produced it, e.g. `trust.azure-roots`. */
  checkId: string;
  /** What the finding is about when a check returns several (an endpoint, a disk); else null. */
  subject: string | null;
  status: Status;
  title: string;
  /** One line: what was found. */
  summary: string;
  /** What to change; null when there is nothing to do. */
  remediation: string | null;
  /** The ASR error codes a user would otherwise meet later for this problem. */
  asrErrorCodes: number[];
  evidence: Evidence;
  durationMs: number;
}

/** What a check's run() returns: the engine adds checkId, title (unless overridden) and timing. */
export interface CheckOutcome {
  status: Status;
  summary: string;
  subject?: string;
  title?: string;
  remediation?: string | null;
  asrErrorCodes?: number[];
  evidence?: Evidence;
}
