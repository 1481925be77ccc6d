// Reads trust-store sources with bounds: regular files only (never FIFOs or devices), a size cap
// per file, a cap on directory entries, and each real file parsed once even when several symlinks
// (name.pem, <hash>.0) point at it. Paths are the guest's, resolved inside --root by GuestFs, so
// Debian's absolute links into /usr/share/ca-certificates lead into the image, not this machine.
import { createHash } from 'node:crypto';
import { getMaxListeners, setMaxListeners } from 'node:events';
import path from 'node:path';
import { parseCertificateFile, type CertFileParse } from './cert-file';
import type { GuestFs, Resolution } from '../guest-fs';

export const MAX_CERT_FILE_BYTES = 16 * 1024 * 1024;
export const MAX_DIRECTORY_ENTRIES = 20_000;
/** Directory entries looked at in all (names only): past this, the listing stops and says so. */
export const MAX_DIRECTORY_SCAN = 200_000;
/** Certificate files read at once (the reads go to libuv's thread pool; the parses are deduplicated). */
export const READ_CONCURRENCY = 16;
/** OpenSSL's lookup name in a hashed directory: <8 hex subject hash>.<n> (".r<n>" are CRLs). */
export const HASH_LINK_NAME = /^([0-9a-f]{8})\.(\d+)$/;

/**
 * How a listing treats an entry name: 'first' names (OpenSSL's hash links, which decide what TLS
 * trusts) are kept before any other when the cap is reached; 'skip' names are not taken at all and
 * do not count against the cap.
 */
export type EntryRank = 'first' | 'keep' | 'skip';

export interface DirectoryListing {
  names: string[];
  truncated: boolean;
  /** The listing stopped at MAX_DIRECTORY_SCAN entries. */
  scanStopped?: boolean;
  problem?: string;
  /** Names the listing saw as regular files (not links): readEntry() reads them without a walk. */
  regular?: Set<string>;
  resolved?: Resolution & { ok: true };
}

export type FileRead =
  { ok: true; realPath: string; size: number; modifiedAt: string; parse: CertFileParse } | { ok: false; problem: string; notFound: boolean };

export class CertSourceReader {
  /** Per real file: its size and date, and the parse it shares with every file of the same content. */
  private readonly cache = new Map<string, Promise<FileRead>>();
  /** Per distinct content (sha256 of the bytes): parsed once, however many files or copies hold it. */
  private readonly parses = new Map<string, CertFileParse>();
  /** Parses actually made (tests: one per distinct content). */
  parseCount = 0;

  constructor(
    readonly fs: GuestFs,
    private readonly signal?: AbortSignal,
  ) {
    // Each read in flight listens on the signal (READ_CONCURRENCY of them, plus the caller's own).
    if (signal && getMaxListeners(signal) < READ_CONCURRENCY * 2) setMaxListeners(READ_CONCURRENCY * 2, signal);
  }

  /** Reads and parses one certificate file (a guest path); `shownPath` is what messages name. */
  async readFile(file: string, shownPath: string): Promise<FileRead> {
    this.signal?.throwIfAborted();
    const resolved = await this.fs.resolve(file);
    // A dangling link is named: the store's file is there, what it leads to is not.
    if (!resolved.ok) return { ok: false, notFound: resolved.reason === 'missing' && !resolved.dangling, problem: `${shownPath}: ${resolved.problem}` };
    return this.readResolvedFile(resolved, shownPath);
  }

  /** Reads a directory entry that listDirectory() saw as a regular file: no path walk (a 20,000-file directory is 20,000 walks). */
  readEntry(listing: DirectoryListing, name: string, shownPath: string): Promise<FileRead> {
    this.signal?.throwIfAborted();
    // Not remembered by path (memory stays bounded by distinct contents, not by files): a link to it
    // reads it once more, and its content is still parsed only once.
    const resolved = this.fs.entryOf(listing.resolved!, name);
    return this.cache.get(resolved.host) ?? this.readRealFile(resolved, shownPath);
  }

  private readResolvedFile(resolved: Resolution & { ok: true }, shownPath: string): Promise<FileRead> {
    let pending = this.cache.get(resolved.host);
    if (!pending) {
      pending = this.readRealFile(resolved, shownPath);
      this.cache.set(resolved.host, pending);
    }
    return pending;
  }

  private async readRealFile(resolved: Resolution & { ok: true }, shownPath: string): Promise<FileRead> {
    const read = await this.fs.readResolved(resolved, {
      maxBytes: MAX_CERT_FILE_BYTES,
      overCap: 'refuse',
      capReason: 'for a CA bundle (the Debian bundle is about 200 KiB)',
      ...(this.signal ? { signal: this.signal } : {}),
    });
    if (!read.ok) return { ok: false, notFound: read.reason === 'missing', problem: `${shownPath}: ${read.problem}` };
    const digest = createHash('sha256').update(read.content).digest('base64');
    let parse = this.parses.get(digest);
    if (!parse) {
      this.parseCount++;
      parse = parseCertificateFile(read.content);
      this.parses.set(digest, parse);
    }
    return { ok: true, realPath: resolved.guest, size: read.content.length, modifiedAt: read.modifiedAt.toISOString(), parse };
  }

  /**
   * Lists a directory's entry names, sorted; null when it does not exist. At most
   * MAX_DIRECTORY_ENTRIES names are taken (a directory of a million files is not loaded whole), and
   * when there are more, the names ranked 'first' are kept before the others, whatever order the
   * file system lists them in: a cap must never drop the hash links TLS looks certificates up by.
   * An unreadable directory is a problem, not a throw.
   */
  async listDirectory(dir: string, rank: (name: string) => EntryRank = () => 'keep'): Promise<DirectoryListing | null> {
    const regular = new Set<string>();
    const first: string[] = [];
    const others: string[] = [];
    let truncated = false;
    let scanStopped = false;
    let scanned = 0;
    const resolved = await this.fs.resolve(dir);
    if (!resolved.ok) return resolved.reason === 'missing' && !resolved.dangling ? null : { names: [], truncated: false, problem: resolved.problem };
    try {
      const handle = await this.fs.openDirectory(resolved, 1024);
      try {
        for (let entry = await handle.read(); entry !== null; entry = await handle.read()) {
          if (++scanned > MAX_DIRECTORY_SCAN) {
            scanStopped = truncated = true;
            break;
          }
          if ((scanned & 1023) === 0) this.signal?.throwIfAborted();
          const kind = rank(entry.name);
          if (kind === 'skip') continue;
          const list = kind === 'first' ? first : others;
          if (list.length < MAX_DIRECTORY_ENTRIES) {
            list.push(entry.name);
            if (entry.isFile()) regular.add(entry.name);
          } else truncated = true;
        }
      } finally {
        await handle.close().catch(() => undefined);
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError' || this.signal?.aborted) throw err;
      if (isNotFound(err)) return null;
      return { names: [], truncated: false, problem: explainFsError(err) };
    }
    const room = MAX_DIRECTORY_ENTRIES - first.length;
    if (others.length > room) truncated = true;
    const names = [...first, ...others.slice(0, room)].sort();
    return { names, truncated, regular, resolved, ...(scanStopped ? { scanStopped } : {}) };
  }

  /** For a directory entry: is it a subdirectory? Used to skip e.g. /etc/ssl/certs/java. */
  isDirectory(file: string): Promise<boolean> {
    return this.fs.isDirectory(file);
  }
}

export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function explainFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist (or is a broken symbolic link)';
    case 'ELOOP':
      return 'is a symbolic link loop';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return (err as Error).message;
  }
}

export function joinShown(dir: string, name: string): string {
  return path.posix.join(dir, name);
}
