// What a spool entry holds: a run's report and the destinations it is still pending at, with
// the Log Analytics rows already settled there. Apart from spool.ts, so that reading an entry
// (spool-read.ts) and writing one (spool.ts) share the shape without importing each other.
import type { Report } from '../report/report';
import type { RowRange } from './row-ranges';

export type DestinationName = 'collector' | 'log-analytics';

export interface PendingDestination {
  name: DestinationName;
  /**
   * Log Analytics (version 2): ranges [start, end) of the report's rows (rowsFor order) already
   * accepted, so a retry does not send them twice, whatever pieces 413 splits made of the batches.
   */
  deliveredRows?: RowRange[];
  /** Log Analytics (version 2): rows refused for good (400), not to be sent again. */
  refusedRows?: RowRange[];
  /** Log Analytics, version 1 entries only (read, no longer written): whole batches already accepted. */
  deliveredBatches?: number[];
  /** Log Analytics, version 1 entries only: whole batches refused for good. */
  refusedBatches?: number[];
}

/**
 * Version 1: destinations pending, Log Analytics progress as batch indexes. Version 2: Log
 * Analytics progress as row ranges. An entry is written with the lowest version that holds what it
 * says, so an older agent still reads entries without row progress, and quarantines (rather than
 * misreads, sending accepted rows again) those with it.
 */
export type SpoolVersion = 1 | 2;

export function versionFor(pending: readonly PendingDestination[]): SpoolVersion {
  return pending.some((p) => p.deliveredRows !== undefined || p.refusedRows !== undefined) ? 2 : 1;
}

export interface SpoolEntry {
  version: SpoolVersion;
  createdAt: string;
  runId: string;
  pending: PendingDestination[];
  report: Report;
}
