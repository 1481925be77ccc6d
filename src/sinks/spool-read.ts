// Reads one spool entry as guest data: a regular file only (a FIFO would block, a device never
// end), its size checked before reading, and the JSON checked for the shape of a version it knows.
// Anything else comes back as the reason it cannot be sent, for the quarantine.
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type { PendingDestination, SpoolEntry, SpoolVersion } from './spool-entry';

export type ReadOutcome = { ok: true; entry: SpoolEntry; size: number } | { ok: false; reason: string; gone?: boolean };

const DESTINATIONS = new Set(['collector', 'log-analytics']);
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function readEntry(file: string, maxBytes: number): Promise<ReadOutcome> {
  const info = await lstat(file).catch((err: NodeJS.ErrnoException) => err);
  if (info instanceof Error) return { ok: false, reason: `it cannot be examined (${info.code ?? info.message})`, gone: info.code === 'ENOENT' };
  if (!info.isFile()) return { ok: false, reason: `it is ${kindOf(info)}, not a regular file` };
  if (info.size > maxBytes) return { ok: false, reason: `it is ${info.size} bytes, more than the ${maxBytes} a spooled report may have` };
  let text: string;
  try {
    // O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or a FIFO after lstat neither redirects nor blocks.
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const again = await handle.stat();
      if (!again.isFile() || again.size > maxBytes) return { ok: false, reason: 'it changed into something that is not a small regular file while being read' };
      const buffer = Buffer.alloc(Math.min(again.size, maxBytes) + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > again.size) return { ok: false, reason: 'it grew while being read' };
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: `it cannot be read (${code ?? (err as Error).message})`, gone: code === 'ENOENT' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: text.length === 0 ? 'it is empty' : `it is not complete JSON (${text.length} bytes; half-written or damaged)` };
  }
  const problem = entryProblem(parsed);
  return problem ? { ok: false, reason: problem } : { ok: true, entry: parsed as SpoolEntry, size: info.size };
}

/** What makes a parsed value something other than a spool entry of version 1 or 2, or null. */
export function entryProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it is not a JSON object';
  const e = value as Partial<Record<keyof SpoolEntry, unknown>>;
  if (e.version !== 1 && e.version !== 2) return `its version is ${JSON.stringify(e.version) ?? 'missing'}, not 1 or 2`;
  if (typeof e.runId !== 'string' || !RUN_ID.test(e.runId)) return 'it has no valid runId';
  if (typeof e.createdAt !== 'string' || Number.isNaN(Date.parse(e.createdAt))) return 'it has no valid createdAt';
  if (!Array.isArray(e.pending) || e.pending.length === 0 || !e.pending.every((p) => validPending(p, e.version as SpoolVersion)))
    return 'its list of pending destinations is missing or invalid';
  const report = e.report as { runId?: unknown } | null;
  if (typeof report !== 'object' || report === null || report.runId !== e.runId) return 'it holds no report for its runId';
  return null;
}

function validPending(p: unknown, version: SpoolVersion): p is PendingDestination {
  const d = p as Partial<PendingDestination> | null;
  const index = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  const batches = (v: unknown) => v === undefined || (Array.isArray(v) && v.length <= 10_000 && v.every(index));
  // Row ranges only in version 2: a version 1 reader would ignore them and send those rows again.
  const ranges = (v: unknown) =>
    v === undefined ||
    (version >= 2 && Array.isArray(v) && v.length <= 10_000 && v.every((r) => Array.isArray(r) && r.length === 2 && index(r[0]) && index(r[1]) && r[0] < r[1]));
  return (
    typeof d === 'object' &&
    d !== null &&
    DESTINATIONS.has(d.name as string) &&
    batches(d.deliveredBatches) &&
    batches(d.refusedBatches) &&
    ranges(d.deliveredRows) &&
    ranges(d.refusedRows)
  );
}

function kindOf(info: import('node:fs').Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}
