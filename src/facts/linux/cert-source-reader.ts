// Reads trust-store sources with bounds: regular files only (never FIFOs or devices), a size cap
// per file, a cap on directory entries, and each real file parsed once even when several symlinks
// (name.pem, <hash>.0) point at it. Paths are the guest's, resolved inside --root by GuestFs, so
// Debian's absolute links into /usr/share/ca-certificates lead into the image, not this machine.
import { opendir } from 'node:fs/promises';
import path from 'node:path';
import { parseCertificateFile, type CertFileParse } from './cert-file';
import type { GuestFs, Resolution } from '../guest-fs';

export const MAX_CERT_FILE_BYTES = 16 * 1024 * 1024;
export const MAX_DIRECTORY_ENTRIES = 20_000;
/** OpenSSL's lookup name in a hashed directory: <8 hex subject hash>.<n> (".r<n>" are CRLs). */
export const HASH_LINK_NAME = /^([0-9a-f]{8})\.(\d+)$/;

export type FileRead =
  | { ok: true; realPath: string; size: number; modifiedAt: string; parse: CertFileParse }
  | { ok: false; problem: string; notFound: boolean };

export class CertSourceReader {
  private readonly cache = new Map<string, Promise<FileRead>>();

  constructor(
    readonly fs: GuestFs,
    private readonly signal?: AbortSignal,
  ) {}

  /** Reads and parses one certificate file (a guest path); `shownPath` is what messages name. */
  async readFile(file: string, shownPath: string): Promise<FileRead> {
    this.signal?.throwIfAborted();
    const resolved = await this.fs.resolve(file);
    // A dangling link is named: the store's file is there, what it leads to is not.
    if (!resolved.ok) return { ok: false, notFound: resolved.reason === 'missing' && !resolved.dangling, problem: `${shownPath}: ${resolved.problem}` };
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
    return { ok: true, realPath: resolved.guest, size: read.content.length, modifiedAt: read.modifiedAt.toISOString(), parse: parseCertificateFile(read.content) };
  }

  /**
   * Lists a directory's entry names, sorted; null when it does not exist. At most
   * MAX_DIRECTORY_ENTRIES names are taken (a directory of a million files is not loaded whole);
   * an unreadable directory is a problem, not a throw.
   */
  async listDirectory(dir: string): Promise<{ names: string[]; truncated: boolean; problem?: string } | null> {
    const names: string[] = [];
    let truncated = false;
    const resolved = await this.fs.resolve(dir);
    if (!resolved.ok) return resolved.reason === 'missing' && !resolved.dangling ? null : { names: [], truncated: false, problem: resolved.problem };
    try {
      const handle = await opendir(resolved.host, { bufferSize: 256 });
      try {
        for (let entry = await handle.read(); entry !== null; entry = await handle.read()) {
          this.signal?.throwIfAborted();
          if (names.length === MAX_DIRECTORY_ENTRIES) {
            truncated = true;
            break;
          }
          names.push(entry.name);
        }
      } finally {
        await handle.close().catch(() => undefined);
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError' || this.signal?.aborted) throw err;
      if (isNotFound(err)) return null;
      return { names: [], truncated: false, problem: explainFsError(err) };
    }
    names.sort();
    return { names, truncated };
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
    case 'ENOENT': return 'does not exist (or is a broken symbolic link)';
    case 'ELOOP': return 'is a symbolic link loop';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    default: return (err as Error).message;
  }
}

export function joinShown(dir: string, name: string): string {
  return path.posix.join(dir, name);
}
