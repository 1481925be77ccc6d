// What Windows console tools write, decoded as they wrote it. A console program (reg, sc, w32tm,
// chcp) writes in the console's output code page: the OEM code page of the system locale (850 on
// a French or German Windows, 932 Japanese, 936 Simplified Chinese, 437 US) unless someone ran
// chcp. Decoding that as UTF-8 turns every byte above 0x7F into U+FFFD (issue 16: the non-breaking
// space certutil puts before ":" on French Windows). So every reader here takes the bytes
// (execFile with encoding 'buffer') and decodes them with the code page `chcp` reports.
//
// The code page comes from `chcp` run the same way as the tools (same console, or a new one with
// the system default): its output is localised ("Page de codes active : 850"), but the number is
// not, and it is the last number on its line in every language.
import { execFile } from 'node:child_process';
import { OEM_UPPER_HALF } from './oem-code-pages';

/** Code pages the ICU in Node decodes (the Windows ANSI and DBCS pages, UTF-8). */
const ICU_LABELS: Readonly<Record<number, string>> = {
  874: 'windows-874',
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
  54936: 'gb18030',
  65001: 'utf-8',
};

/** A code page this module can decode. */
export function isKnownCodePage(codePage: number): boolean {
  return codePage in OEM_UPPER_HALF || codePage in ICU_LABELS;
}

/**
 * Bytes written by a console program, as text. Unknown code pages fall back to 437 for the upper
 * half (every byte still maps to one character, so positions and ASCII are kept); never UTF-8 by
 * default. A UTF-16LE byte-order mark (what `-Unicode` tools and `reg export` write) wins.
 */
export function decodeConsoleBytes(bytes: Uint8Array, codePage: number | null): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return Buffer.from(bytes.buffer, bytes.byteOffset + 2, bytes.length - 2).toString('utf16le');
  const label = codePage === null ? undefined : ICU_LABELS[codePage];
  if (label) return new TextDecoder(label).decode(bytes);
  const upper = OEM_UPPER_HALF[codePage ?? 437] ?? OEM_UPPER_HALF[437]!;
  // One UTF-16 unit per byte (every table character is in the BMP): ASCII as it is, the upper half from the table.
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    units[i] = b < 0x80 ? b : upper.charCodeAt(b - 0x80);
  }
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
}

/** `chcp` output in any language ("Active code page: 850", "現在のコード ページ: 932"): the code page, or null. */
export function parseChcp(text: string): number | null {
  // The last run of digits on the first non-blank line: labels never end in a number.
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  let end = line.length;
  while (end > 0 && !isDigit(line.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && isDigit(line.charCodeAt(start - 1)) && end - start < 6) start--;
  if (start === end) return null;
  const n = Number(line.slice(start, end));
  return n > 0 && n < 65536 ? n : null;
}

/** The first bytes of an output, shown in evidence when it was not understood: decoded, control characters escaped. */
export function firstBytes(text: string, max = 160): string {
  const head = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(head);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** The one command this module spawns. */
export const CHCP_COMMAND = { file: 'chcp', args: [] as string[] } as const;

/** Runs a console program; resolves with its stdout bytes (and exit code, when it is not 0). */
export type RunConsole = (
  file: string,
  args: readonly string[],
  options?: { timeoutMs?: number; maxBuffer?: number; signal?: AbortSignal },
) => Promise<{ stdout: Buffer; code: number }>;

export const runConsole: RunConsole = (file, args, options = {}) =>
  new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { encoding: 'buffer', timeout: options.timeoutMs ?? 15_000, maxBuffer: options.maxBuffer ?? 16 * 1024 * 1024, signal: options.signal, windowsHide: true },
      (err, stdout) => {
        if (err && typeof (err as NodeJS.ErrnoException).code !== 'number') return reject(err);
        resolve({ stdout: stdout as Buffer, code: err ? Number((err as NodeJS.ErrnoException).code) : 0 });
      },
    );
  });

let cachedCodePage: Promise<number | null> | null = null;

/** The console output code page the tools run here will write in (memoised; null when chcp did not answer). */
export function consoleCodePage(run: RunConsole = runConsole, signal?: AbortSignal): Promise<number | null> {
  if (run !== runConsole) return readCodePage(run, signal);
  // Kept once known; a run that did not answer (aborted, timed out) is asked again next time.
  cachedCodePage ??= readCodePage(run, signal).then((cp) => {
    if (cp === null) cachedCodePage = null;
    return cp;
  });
  return cachedCodePage;
}

async function readCodePage(run: RunConsole, signal?: AbortSignal): Promise<number | null> {
  try {
    const { stdout, code } = await run(CHCP_COMMAND.file, CHCP_COMMAND.args, { timeoutMs: 10_000, maxBuffer: 4096, signal });
    return code === 0 ? parseChcp(stdout.toString('latin1')) : null;
  } catch {
    return null;
  }
}
