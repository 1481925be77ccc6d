// Is the clock synchronised? Linux: timedatectl (new and old wording), then chronyc, then ntpq.
// Windows: w32tm /query /status. Parsers are pure and tested on recorded outputs.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Platform } from '../core/check';
import { isJsWhitespace, isLineTerminator } from './text-chars';

const execFileAsync = promisify(execFile);

export interface TimeSyncFacts {
  synchronized: boolean | null;
  /** Which tool answered, or why none could. */
  source: string;
  detail: string | null;
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

export async function readTimeSync(root: string, platform: Platform, signal?: AbortSignal): Promise<TimeSyncFacts> {
  if (root !== '/' && root !== '') {
    return { synchronized: null, source: 'not read: clock synchronisation lives in the running system, not in the files under --root', detail: null };
  }
  const run = async (file: string, args: string[]) => (await execFileAsync(file, args, { timeout: 10_000, signal, windowsHide: true })).stdout;
  if (platform === 'windows') {
    try {
      const parsed = parseW32tmStatus(await run('w32tm', ['/query', '/status']));
      return { synchronized: parsed.synchronized, source: 'w32tm /query /status', detail: parsed.source ? `time source: ${parsed.source}` : null };
    } catch (err) {
      return { synchronized: null, source: `w32tm /query /status failed: ${(err as Error).message}`, detail: null };
    }
  }
  const attempts: Array<[string, string[], (t: string) => boolean | null]> = [
    ['timedatectl', ['show', '--property=NTPSynchronized'], parseTimedatectl],
    ['timedatectl', ['status'], parseTimedatectl],
    ['chronyc', ['-n', 'tracking'], parseChronyTracking],
    ['ntpq', ['-pn'], parseNtpqPeers],
  ];
  const tried: string[] = [];
  for (const [file, args, parse] of attempts) {
    try {
      const verdict = parse(await run(file, args));
      if (verdict !== null) return { synchronized: verdict, source: `${file} ${args.join(' ')}`, detail: null };
      tried.push(`${file}: no answer in its output`);
    } catch (err) {
      tried.push(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : 'failed'}`);
    }
  }
  return { synchronized: null, source: 'no time-sync tool answered', detail: tried.join('; ') };
}
