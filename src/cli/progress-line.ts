// Progress (src/core/progress.ts) as one line on a terminal's stderr, rewritten in place: `\r`, the
// text cut to the terminal's width, then clear-to-end-of-line. Only when stderr is a terminal and
// neither --quiet nor NO_PROGRESS says otherwise: never in CSE logs, pipes or files. At most one
// redraw per MIN_INTERVAL_MS (the latest text wins); the line is erased before anything else is
// written to the stream (its `write` is guarded while the line is in use; `guard` does the same
// for a destination that writes to the file descriptor itself, such as pino's) and stop() erases
// it for good. Nothing here throws, and its one timer is unref'd.
import type { Progress } from '../core/progress';

/** About ten redraws a second at most. */
export const MIN_INTERVAL_MS = 100;

const CLEAR_LINE = '\r\x1b[K';

export interface TtyStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** The terminal's width (a tty.WriteStream has it). */
  columns?: number;
}

export interface ProgressLineOptions {
  now?: () => number;
  minIntervalMs?: number;
}

/** A progress line for `stream` when it is a terminal and progress is not turned off; null otherwise. */
export function progressLineFor(stream: TtyStream | undefined, env: NodeJS.ProcessEnv, quiet: boolean): ProgressLine | null {
  if (!stream || stream.isTTY !== true || quiet || (env.NO_PROGRESS ?? '') !== '') return null;
  return new ProgressLine(stream);
}

export class ProgressLine implements Progress {
  private shown = false;
  private stopped = false;
  private pending: string | null = null;
  private lastDrawAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private readonly write: (text: string) => unknown;
  private readonly ownWrite: PropertyDescriptor | undefined;

  constructor(
    private readonly stream: TtyStream,
    options: ProgressLineOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.minIntervalMs = options.minIntervalMs ?? MIN_INTERVAL_MS;
    const original = stream.write;
    this.write = (text) => original.call(stream, text);
    this.ownWrite = Object.getOwnPropertyDescriptor(stream, 'write');
    // Anything else written to the stream first erases the line, so it never lands after the progress text.
    const erase = () => this.erase();
    try {
      stream.write = function (this: unknown, ...args: unknown[]) {
        erase();
        return (original as (...a: unknown[]) => unknown).apply(stream, args);
      };
    } catch {
      /* a frozen stream: clear() before output still works */
    }
  }

  phase(text: string): void {
    this.show(text);
  }

  count(label: string, done: number, total: number): void {
    this.show(`${label}: ${done} of ${total}`);
  }

  countdown(label: string, secondsLeft: number): void {
    this.show(`${label}: ${Math.max(0, Math.ceil(secondsLeft))} s left`);
  }

  /** Erases the line and drops any update not yet drawn. */
  clear(): void {
    this.pending = null;
    this.cancelTimer();
    this.erase();
  }

  /** Erases the line for good: nothing is drawn after this, and the stream's own `write` is back. */
  stop(): void {
    if (this.stopped) return;
    this.clear();
    this.stopped = true;
    try {
      if (this.ownWrite) Object.defineProperty(this.stream, 'write', this.ownWrite);
      else delete (this.stream as { write?: unknown }).write;
    } catch {
      /* as in the constructor */
    }
  }

  /** A destination whose writes first erase the line (for a logger writing to the descriptor directly). */
  guard<D extends { write(text: string): unknown }>(destination: D): { write(text: string): unknown } {
    return { write: (text: string) => (this.erase(), destination.write(text)) };
  }

  private show(text: string): void {
    if (this.stopped) return;
    this.pending = text;
    const wait = this.lastDrawAt + this.minIntervalMs - this.now();
    if (wait <= 0) this.draw();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => ((this.timer = undefined), this.draw()), wait);
      this.timer.unref?.();
    }
  }

  private draw(): void {
    const text = this.pending;
    this.pending = null;
    if (text === null || this.stopped) return;
    this.lastDrawAt = this.now();
    this.safeWrite(`\r${fit(text, this.stream.columns)}\x1b[K`);
    this.shown = true;
  }

  private erase(): void {
    if (!this.shown) return;
    this.shown = false;
    this.safeWrite(CLEAR_LINE);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private safeWrite(text: string): void {
    try {
      this.write(text);
    } catch {
      /* progress is never worth an error */
    }
  }
}

/** One line of printable text, cut to one column less than the width (the last column would wrap on some terminals). */
export function fit(text: string, columns: number | undefined): string {
  // eslint-disable-next-line no-control-regex
  const flat = [...text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')];
  const width = columns !== undefined && Number.isFinite(columns) && columns > 1 ? Math.floor(columns) - 1 : 79;
  return flat.length <= width ? flat.join('') : `${flat.slice(0, Math.max(0, width - 1)).join('')}…`;
}
