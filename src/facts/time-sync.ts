// Is the clock synchronised? Linux: timedatectl (new and old wording), then chronyc, then ntpq, run
// concurrently. Windows: the W32Time service state, its client type and w32tm /query /status read by
// position, so any display language works (windows/w32time.ts). Parsers are pure and tested on
// recorded outputs. parseW32tmStatus (English labels) is kept for the recorded-output tests only.
import type { Platform } from '../core/check';
import { isJsWhitespace, isLineTerminator } from './text-chars';
import { runCommand } from './run-command';
import { describeError } from '../core/errors';
import { consoleCodePage, decodeConsoleBytes, runConsole, type RunConsole } from './windows/console-text';
import { judgeWindowsTime, W32TIME_COMMANDS } from './windows/w32time';
import { isLiveRoot } from './live-root';

export interface TimeSyncFacts {
  synchronized: boolean | null;
  /** Which tool answered, or why none could. */
  source: string;
  detail: string | null;
  /** A source answered with nothing the reader understands (named, with its first bytes): an error, not a skip. */
  problem?: string | null;
}

export function parseTimedatectl(text: string): boolean | null {
  const match = /^\s*(?:System clock synchronized|NTP synchronized|NTPSynchronized)\s*[:=]\s*(yes|no)\s*$/im.exec(text);
  return match ? match[1]!.toLowerCase() === 'yes' : null;
}

export function parseChronyTracking(text: string): boolean | null {
  const leap = /^Leap status\s*:\s*(.+)$/m.exec(text)?.[1]?.trim();
  if (!leap) return null;
  return !/not synchroni[sz]ed/i.test(leap);
}

/** ntpq -p: a line starting with '*' is the peer the clock is synchronised to. */
export function parseNtpqPeers(text: string): boolean | null {
  const peers = text.split('\n').filter((l) => /^[ *+#ox.-]\S/.test(l) && !/^\s*remote\s/.test(l) && !/^=+$/.test(l));
  if (peers.length === 0) return null;
  return peers.some((l) => l.startsWith('*') || l.startsWith('o'));
}

export function parseW32tmStatus(text: string): { synchronized: boolean | null; source: string | null } {
  const leap = /^Leap Indicator:\s*(\d+)/m.exec(text)?.[1];
  const source = w32tmSource(text);
  if (leap === undefined) return { synchronized: null, source };
  const unsynced = leap === '3' || /^Source:\s*Local CMOS Clock/m.test(text) || /^Source:\s*Free-running System Clock/m.test(text);
  return { synchronized: !unsynced, source };
}

/**
 * What /^Source:\s*(.+?)\s*$/m captured, in one pass: that pattern tried "\s*$" after every
 * character of the value (quadratic on a long value with long runs of blanks). Its answer, kept as
 * it was: the first "Source:" at a line start; the value starts at the first non-blank after it
 * (on a later line when the rest of its line is blank) and runs to the end of that line, less
 * trailing blanks. When only white space follows to the end of the text, it is the last blank
 * that is not a line terminator (null when there is none).
 */
export function w32tmSource(text: string): string | null {
  const len = text.length;
  let at = text.indexOf('Source:');
  while (at > 0 && !isLineTerminator(text.charCodeAt(at - 1))) at = text.indexOf('Source:', at + 1);
  if (at < 0) return null;
  const afterLabel = at + 'Source:'.length;
  let start = afterLabel;
  while (start < len && isJsWhitespace(text.charCodeAt(start))) start++;
  if (start === len) {
    for (let k = len - 1; k >= afterLabel; k--) if (!isLineTerminator(text.charCodeAt(k))) return text[k]!;
    return null;
  }
  let lineEnd = start;
  while (lineEnd < len && !isLineTerminator(text.charCodeAt(lineEnd))) lineEnd++;
  let end = lineEnd;
  while (end > start && isJsWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

export async function readTimeSync(root: string, platform: Platform, signal?: AbortSignal, runWindows: RunConsole = runConsole): Promise<TimeSyncFacts> {
  if (!isLiveRoot(root)) {
    return { synchronized: null, source: 'not read: clock synchronisation lives in the running system, not in the files under --root', detail: null };
  }
  if (platform === 'windows') return readWindowsTimeSync(signal, runWindows);
  const run = (file: string, args: string[]) => runCommand(file, args, { timeoutMs: 10_000, signal });
  const attempts: Array<[string, string[], (t: string) => boolean | null]> = [
    ['timedatectl', ['show', '--property=NTPSynchronized'], parseTimedatectl],
    ['timedatectl', ['status'], parseTimedatectl],
    ['chronyc', ['-n', 'tracking'], parseChronyTracking],
    ['ntpq', ['-pn'], parseNtpqPeers],
  ];
  // All at once (each is bounded by its timeout); the first in this order that answers decides.
  const results = await Promise.all(
    attempts.map(async ([file, args, parse]) => {
      try {
        const verdict = parse(await run(file, args));
        return verdict === null ? { verdict, why: `${file}: no answer in its output` } : { verdict, why: '' };
      } catch (err) {
        return { verdict: null, why: `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : 'failed'}` };
      }
    }),
  );
  const answered = results.findIndex((r) => r.verdict !== null);
  if (answered >= 0) {
    const [file, args] = attempts[answered]!;
    return { synchronized: results[answered]!.verdict, source: `${file} ${args.join(' ')}`, detail: null };
  }
  return { synchronized: null, source: 'no time-sync tool answered', detail: results.map((r) => r.why).join('; ') };
}

/** Windows: W32Time service state, client type and w32tm status, concurrently (see windows/w32time.ts). */
async function readWindowsTimeSync(signal: AbortSignal | undefined, run: RunConsole): Promise<TimeSyncFacts> {
  const codePage = await consoleCodePage(run, signal);
  const exec = async ({ file, args }: { file: string; args: readonly string[] }) => {
    try {
      const { stdout, code } = await run(file, args, { timeoutMs: 10_000, maxBuffer: 1024 * 1024, signal });
      return { text: decodeConsoleBytes(stdout, codePage), code };
    } catch (err) {
      return { error: describeError(err) };
    }
  };
  const [service, type, status] = await Promise.all([exec(W32TIME_COMMANDS.service), exec(W32TIME_COMMANDS.type), exec(W32TIME_COMMANDS.status)]);
  const verdict = judgeWindowsTime({ service, type, status });
  return {
    synchronized: verdict.synchronized,
    source: 'sc query w32time, reg query …\\W32Time\\Parameters /v Type, w32tm /query /status (read by position)',
    detail: verdict.detail,
    problem: verdict.problem,
  };
}
