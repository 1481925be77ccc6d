// Structured events for --log-level, without pino below the CLI: facts, net and sinks log through
// EventLog (pino's Logger satisfies it; src/cli/logger.ts makes the one the CLI uses, redacted and
// scrubbed), and log nothing when given none. Events are JSON objects plus a fixed message, so a
// line can be found by its message and read by its fields.
//
// Also here, because GuestFs (facts) cannot import the Facts class that uses it: which guest paths
// each fact read. Facts.memo runs a fact's gathering under a SourceRecorder (an AsyncLocalStorage,
// so every read the gathering starts, however deep, is seen) and GuestFs notes each path it resolves.
import { AsyncLocalStorage } from 'node:async_hooks';

export type EventLevel = 'debug' | 'info' | 'warn';

export interface EventLog {
  debug(event: object, message: string): void;
  info(event: object, message: string): void;
  warn(event: object, message: string): void;
  /** False when events at this level go nowhere, so costly details need not be gathered (pino has it). */
  isLevelEnabled?(level: EventLevel): boolean;
}

const ignore = (): void => {};

/** Logs nothing: the default wherever no log is given. */
export const NO_LOG: EventLog = Object.freeze({ debug: ignore, info: ignore, warn: ignore, isLevelEnabled: () => false });

/** Distinct paths remembered per fact: enough to name them all in practice, bounded for a walk of a huge tree. */
const MAX_REMEMBERED_PATHS = 1_000;
/** Paths named in one log event. */
export const MAX_LOGGED_PATHS = 50;

/** The guest paths one fact read (each named once). */
export class SourceRecorder {
  private readonly seen = new Set<string>();
  private beyond = 0;

  note(path: string): void {
    if (this.seen.has(path)) return;
    if (this.seen.size < MAX_REMEMBERED_PATHS) this.seen.add(path);
    else this.beyond++; // past the bound a repeated path is counted again: pathCount is then "at least"
  }

  /** The first paths read (at most `cap`) and how many distinct paths there were. */
  summary(cap = MAX_LOGGED_PATHS): { paths: string[]; pathCount: number } {
    return { paths: [...this.seen].slice(0, cap), pathCount: this.seen.size + this.beyond };
  }
}

const reading = new AsyncLocalStorage<SourceRecorder>();

/** Runs fn with every guest path read under it (noteSource) recorded by `recorder`. */
export function recordSources<T>(recorder: SourceRecorder, fn: () => T): T {
  return reading.run(recorder, fn);
}

/** A guest path is being read: tells the recorder of the fact being gathered, if any. */
export function noteSource(path: string): void {
  reading.getStore()?.note(path);
}
