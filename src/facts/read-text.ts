// The one way the agent reads a file: configuration, tokens, CA bundles, trust stores and every
// guest file. Bounded and typed (design principle 9):
// - regular files only: the file is opened without blocking (O_NONBLOCK, so a FIFO with no writer
//   cannot hang the open) and its type is checked on the open descriptor (fstat), so a FIFO, socket,
//   device or directory swapped in after any earlier look is still refused, never read;
// - size-capped before reading: a file the descriptor says is longer than the cap is refused or
//   cut at the cap, and files that report no size (/proc, /sys) are read only up to the cap plus one
//   byte; memory grows with what is read, the cap is never allocated up front;
// - time-bounded (async reads): a read that does not finish in time (a hung network file system)
//   is answered as such and its descriptor closed whenever the kernel lets go of it.
// A result says whether the content was cut at the cap, so a fact can say "truncated at N bytes".
import { close as fsClose, closeSync, constants, fstat, fstatSync, open as fsOpen, openSync, read as fsRead, readSync, type Stats } from 'node:fs';

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_READ_TIMEOUT_MS = 5_000;
/** Read in steps of this size when the file does not say how long it is. */
const CHUNK_BYTES = 64 * 1024;
/** Read-only, never blocking on a FIFO or device, never becoming the controlling terminal (0 where unsupported). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export interface BoundedReadOptions {
  /** At most this many bytes are read (default 1 MiB). */
  maxBytes?: number;
  /** A longer file: keep its first maxBytes and say so (default), or refuse it unread. */
  overCap?: 'truncate' | 'refuse';
  /** Async reads only: answer "timeout" after this long (default 5 s). */
  timeoutMs?: number;
  /** The caller's own bound (the run deadline): when it aborts, the read rejects with its reason. */
  signal?: AbortSignal;
  /** Why the cap, for the "too large" message, e.g. "for a CA bundle (the Debian bundle is about 200 KiB)". */
  capReason?: string;
  /** Refuse a symbolic link as the last component (O_NOFOLLOW): GuestFs has already resolved it inside --root. */
  noFollow?: boolean;
}

export type ReadFailure = 'missing' | 'not-regular' | 'denied' | 'loop' | 'too-large' | 'timeout' | 'error';

export type BoundedRead =
  | {
      ok: true;
      content: Buffer;
      /** True when the file went on past maxBytes and only maxBytes were read. */
      truncated: boolean;
      maxBytes: number;
      modifiedAt: Date;
    }
  /** `problem` says what is wrong without the path ("is a FIFO (named pipe), not a regular file"). */
  | { ok: false; reason: ReadFailure; problem: string };

/** Reads a file within the bounds above. Never throws, except with the caller's signal's reason. */
export async function readBoundedFile(file: string, options: BoundedReadOptions = {}): Promise<BoundedRead> {
  options.signal?.throwIfAborted();
  const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  return new Promise<BoundedRead>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => finish(() => reject(options.signal!.reason));
    const timer = setTimeout(
      () => finish(() => resolve({ ok: false, reason: 'timeout', problem: `was not read within ${formatDuration(timeoutMs)} (a hung file system?)` })),
      timeoutMs,
    );
    timer.unref?.();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    readWithin(file, options).then(
      (result) => finish(() => resolve(result)),
      (err: unknown) => finish(() => resolve(failure(err))),
    );
  });
}

async function readWithin(file: string, options: BoundedReadOptions): Promise<BoundedRead> {
  // Callback fs, not FileHandle: a 20,000-file certificate directory spent most of its time in
  // FileHandle's per-call promises and their garbage.
  let fd: number;
  try {
    fd = await call<number>((cb) => fsOpen(file, OPEN_FLAGS | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0), cb));
  } catch (err) {
    return failure(err);
  }
  try {
    const info = await call<Stats>((cb) => fstat(fd, cb));
    const refused = refuse(info, options);
    if (refused) return refused;
    const plan = new ReadPlan(info, options.maxBytes ?? DEFAULT_MAX_BYTES);
    for (let want = plan.first(); want > 0;) {
      const buffer = Buffer.allocUnsafe(want);
      want = plan.took(buffer, await call<number>((cb) => fsRead(fd, buffer, 0, want, null, (err, n) => cb(err, n))), want);
    }
    return plan.result();
  } catch (err) {
    return failure(err);
  } finally {
    fsClose(fd, () => undefined);
  }
}

function call<T>(start: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}

/**
 * The same bounds for the command line's own files (configuration, tokens, CA files), which are read
 * before the run starts: synchronous, so no time bound beyond the kernel's for a regular file.
 */
export function readBoundedFileSync(file: string, options: Omit<BoundedReadOptions, 'timeoutMs' | 'signal'> = {}): BoundedRead {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (err) {
    return failure(err);
  }
  try {
    const info = fstatSync(fd);
    const refused = refuse(info, options);
    if (refused) return refused;
    const plan = new ReadPlan(info, options.maxBytes ?? DEFAULT_MAX_BYTES);
    for (let want = plan.first(); want > 0;) {
      const buffer = Buffer.allocUnsafe(want);
      want = plan.took(buffer, readSync(fd, buffer, 0, want, null), want);
    }
    return plan.result();
  } catch (err) {
    return failure(err);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // nothing to do: the descriptor is gone either way
    }
  }
}

/** What the descriptor says before a byte is read: not a regular file, or too large to take. */
function refuse(info: Stats, options: BoundedReadOptions): BoundedRead | null {
  if (!info.isFile()) return { ok: false, reason: 'not-regular', problem: `is ${describeFileType(info)}, not a regular file; not read` };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (options.overCap === 'refuse' && info.size > maxBytes) {
    return {
      ok: false,
      reason: 'too-large',
      problem: `is ${info.size.toLocaleString('en-US')} bytes, over the ${formatBytes(maxBytes)} limit${options.capReason ? ` ${options.capReason}` : ''}; not read`,
    };
  }
  return null;
}

/**
 * How both readers (async and sync) take a regular file: first the size it claims plus one byte,
 * then steps of CHUNK_BYTES, never past the cap plus one byte. The byte past the cap tells a file
 * that goes on from one that ends exactly there.
 */
class ReadPlan {
  private readonly chunks: Buffer[] = [];
  private total = 0;

  constructor(
    private readonly info: Stats,
    private readonly maxBytes: number,
  ) {}

  /** Bytes to ask for first: the size the file claims (+1); /proc and /sys files claim 0. */
  first(): number {
    return this.info.size > 0 ? Math.min(this.info.size, this.maxBytes) + 1 : Math.min(CHUNK_BYTES, this.maxBytes + 1);
  }

  /** Keeps what one read gave and returns how much to ask for next; 0 when the file ended or the cap is passed. */
  took(buffer: Buffer, bytesRead: number, asked: number): number {
    if (bytesRead === 0) return 0;
    this.chunks.push(buffer.subarray(0, bytesRead));
    this.total += bytesRead;
    // A file that said its size and gave less than asked has ended: no second read for the 0.
    if (this.info.size > 0 && bytesRead < asked && this.total <= this.info.size) return 0;
    return Math.min(CHUNK_BYTES, this.maxBytes + 1 - this.total);
  }

  result(): BoundedRead {
    const content = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.total);
    const truncated = this.total > this.maxBytes;
    return { ok: true, content: truncated ? content.subarray(0, this.maxBytes) : content, truncated, maxBytes: this.maxBytes, modifiedAt: this.info.mtime };
  }
}

export function describeFileType(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function failure(err: unknown): BoundedRead {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { ok: false, reason: 'missing', problem: 'does not exist (or is a broken symbolic link)' };
    case 'ELOOP':
      return { ok: false, reason: 'loop', problem: 'is a symbolic link loop' };
    case 'EACCES':
    case 'EPERM':
      return { ok: false, reason: 'denied', problem: 'permission denied' };
    case 'EISDIR':
      return { ok: false, reason: 'not-regular', problem: 'is a directory, not a regular file; not read' };
    case 'ENXIO':
      // open(2) on a UNIX socket, or on a device with nothing behind it.
      return { ok: false, reason: 'not-regular', problem: 'is a socket or a device, not a regular file; not read' };
    case 'ENAMETOOLONG':
      return { ok: false, reason: 'error', problem: 'has a path too long to open' };
    default:
      return { ok: false, reason: 'error', problem: `could not be read (${code ?? (err as Error).message})` };
  }
}

/** A guest text file as a fact sees it: its text, and a note naming the path when it is partial or unusable. */
export interface GuestText {
  /** The text (possibly cut at the cap); null when the file is absent or could not be used. */
  text: string | null;
  /** False only when there is no such file. */
  exists: boolean;
  truncated: boolean;
  /** "/etc/default/grub: truncated at 4,194,304 bytes ..." or "... is a FIFO ..."; null when read whole or absent. */
  note: string | null;
}

export function truncationNote(shown: string, maxBytes: number): string {
  return `${shown}: truncated at ${maxBytes.toLocaleString('en-US')} bytes (${formatBytes(maxBytes)}); what follows was not read or judged`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
