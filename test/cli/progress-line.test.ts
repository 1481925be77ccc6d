/* eslint-disable no-control-regex -- terminal escapes are what these tests read */
import { describe, expect, it, vi, afterEach } from 'vitest';
import { fit, ProgressLine, progressLineFor, type TtyStream } from '../../src/cli/progress-line';

/** A terminal stand-in: records what is written and can replay it as a terminal would show the last line. */
function fakeTty(columns = 40): TtyStream & { chunks: string[]; screen(): string } {
  const chunks: string[] = [];
  return {
    isTTY: true,
    columns,
    chunks,
    write(text: string) {
      chunks.push(text);
      return true;
    },
    screen() {
      // As a terminal shows it: \r returns to column 0, \x1b[K clears from the cursor to the end of the line.
      const lines: string[] = [];
      let line = '';
      let col = 0;
      for (const piece of chunks.join('').split(/(\r|\x1b\[K|\n)/)) {
        if (piece === '\r') col = 0;
        else if (piece === '\x1b[K') line = line.slice(0, col);
        else if (piece === '\n') {
          lines.push(line);
          line = '';
          col = 0;
        } else {
          line = line.slice(0, col) + piece + line.slice(col + piece.length);
          col += piece.length;
        }
      }
      return [...lines, line].join('\n');
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ProgressLine', () => {
  it('rewrites one line in place: \\r, the text, clear to the end of the line', () => {
    let now = 0;
    const tty = fakeTty();
    const line = new ProgressLine(tty, { now: () => now });
    line.phase('gathering facts');
    now += 200;
    line.count('probing endpoints', 3, 12);
    expect(tty.chunks).toEqual(['\rgathering facts\x1b[K', '\rprobing endpoints: 3 of 12\x1b[K']);
    expect(tty.chunks.join('')).not.toContain('\n');
    now += 200;
    line.countdown('sampling disk churn', 239.2);
    expect(tty.chunks.at(-1)).toBe('\rsampling disk churn: 240 s left\x1b[K');
    line.stop();
  });

  it('cuts the text to one column less than the terminal width, and flattens control characters', () => {
    const tty = fakeTty(20);
    const line = new ProgressLine(tty, { now: () => 0 });
    line.phase('delivering to collector: attempt 2 of 4');
    const drawn = tty.chunks[0]!.replace(/^\r/, '').replace(/\x1b\[K$/, '');
    expect([...drawn]).toHaveLength(19);
    expect(drawn.endsWith('…')).toBe(true);
    expect(fit('a\nb\x1b[31mc', 80)).toBe('a b [31mc');
    expect(fit('abc', undefined)).toBe('abc');
    line.stop();
  });

  it('draws at most one update per interval; the latest text wins, drawn when the interval ends', () => {
    vi.useFakeTimers();
    let now = 1_000;
    const tty = fakeTty();
    const line = new ProgressLine(tty, { now: () => now, minIntervalMs: 100 });
    for (let k = 1; k <= 50; k++) line.count('probing endpoints', k, 50);
    expect(tty.chunks).toEqual(['\rprobing endpoints: 1 of 50\x1b[K']);
    now += 100;
    vi.advanceTimersByTime(100);
    expect(tty.chunks).toEqual(['\rprobing endpoints: 1 of 50\x1b[K', '\rprobing endpoints: 50 of 50\x1b[K']);
    line.stop();
  });

  it('erases the line before anything else is written to the stream, and clear() drops what is not drawn yet', () => {
    vi.useFakeTimers();
    let now = 0;
    const tty = fakeTty();
    const line = new ProgressLine(tty, { now: () => now });
    line.phase('running 3 checks');
    tty.write('asr-ready: a warning\n');
    expect(tty.chunks).toEqual(['\rrunning 3 checks\x1b[K', '\r\x1b[K', 'asr-ready: a warning\n']);
    expect(tty.screen()).toBe('asr-ready: a warning\n');
    line.phase('running 3 checks: 1 of 3'); // throttled: pending
    line.clear();
    now += 1_000;
    vi.advanceTimersByTime(1_000);
    expect(tty.chunks).toHaveLength(3);
    line.stop();
  });

  it('a guarded destination (the logger) erases the line first', () => {
    const tty = fakeTty();
    const line = new ProgressLine(tty, { now: () => 0 });
    const logged: string[] = [];
    const dest = line.guard({ write: (t: string) => logged.push(t) });
    line.phase('delivering');
    dest.write('{"level":40}\n');
    expect(tty.chunks).toEqual(['\rdelivering\x1b[K', '\r\x1b[K']);
    expect(logged).toEqual(['{"level":40}\n']);
    line.stop();
  });

  it('after stop() nothing is drawn, and the stream has its own write back', () => {
    const tty = fakeTty();
    const own = tty.write;
    const line = new ProgressLine(tty, { now: () => 0 });
    expect(tty.write).not.toBe(own);
    line.phase('gathering facts');
    line.stop();
    line.stop();
    expect(tty.write).toBe(own);
    line.phase('more');
    tty.write('report\n');
    expect(tty.chunks).toEqual(['\rgathering facts\x1b[K', '\r\x1b[K', 'report\n']);
    expect(tty.screen()).toBe('report\n');
  });

  it('never throws, even when the stream does', () => {
    const line = new ProgressLine(
      {
        isTTY: true,
        write: () => {
          throw new Error('EIO');
        },
      },
      { now: () => 0 },
    );
    expect(() => (line.phase('x'), line.clear(), line.stop())).not.toThrow();
  });

  it('its timer does not keep the process alive', () => {
    let now = 0;
    const tty = fakeTty();
    const line = new ProgressLine(tty, { now: () => now });
    line.phase('a');
    const spy = vi.spyOn(globalThis, 'setTimeout');
    line.phase('b');
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    spy.mockRestore();
    now = 1;
    line.stop();
  });
});

describe('progressLineFor', () => {
  it('only for a terminal, and not with --quiet or NO_PROGRESS', () => {
    const make = () => fakeTty();
    expect(progressLineFor({ write: () => true }, {}, false)).toBeNull();
    expect(progressLineFor({ write: () => true, isTTY: false }, {}, false)).toBeNull();
    expect(progressLineFor(undefined, {}, false)).toBeNull();
    expect(progressLineFor(make(), {}, true)).toBeNull();
    expect(progressLineFor(make(), { NO_PROGRESS: '1' }, false)).toBeNull();
    const line = progressLineFor(make(), { NO_PROGRESS: '' }, false);
    expect(line).toBeInstanceOf(ProgressLine);
    line!.stop();
  });
});
