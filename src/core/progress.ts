// Progress a person at a terminal can watch: the run's phase, counts ("probing endpoints: 12 of 40")
// and countdowns ("sampling disk churn: 240 s left"). Like the EventLog (log.ts), facts, net and
// sinks take it as an optional option and report nothing without one; src/cli/progress-line.ts
// renders it on a terminal's stderr, and only there. Implementations must never throw.

export interface Progress {
  /** What the run is doing now ("running 12 checks", "delivering to collector: attempt 2 of 4"). */
  phase(text: string): void;
  /** `done` of `total` items of `label` are finished. */
  count(label: string, done: number, total: number): void;
  /** `label` ends in about `secondsLeft` seconds. */
  countdown(label: string, secondsLeft: number): void;
  /** Removes whatever is shown (before other output). */
  clear(): void;
}

const ignore = (): void => {};

/** Shows nothing: the default wherever no progress is given. */
export const NO_PROGRESS: Progress = Object.freeze({ phase: ignore, count: ignore, countdown: ignore, clear: ignore });
