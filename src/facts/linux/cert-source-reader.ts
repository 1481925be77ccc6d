// Reads trust-store sources from disk with bounds: regular files only (never FIFOs or devices),
// a size cap per file, a cap on directory entries, and each real file parsed once even when
// several symlinks (name.pem, <hash>.0) point at it.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseCertificateFile, type CertFileParse } from './cert-file';

export const MAX_CERT_FILE_BYTES = 16 * 1024 * 1024;
export const MAX_DIRECTORY_ENTRIES = 20_000;
/** OpenSSL's lookup name in a hashed directory: <8 hex subject hash>.<n> (".r<n>" are CRLs). */
export const HASH_LINK_NAME = /^([0-9a-f]{8})\.(\d+)$/;

export type FileRead =
  | { ok: true; realPath: string; size: number; modifiedAt: string; parse: CertFileParse }
  | { ok: false; problem: string; notFound: boolean };

export class CertSourceReader {
  private readonly cache = new Map<string, Promise<FileRead>>();

  constructor(private readonly signal?: AbortSignal) {}

  /** Reads and parses one certificate file; `shownPath` is what messages name. */
  async readFile(file: string, shownPath: string): Promise<FileRead> {
    this.signal?.throwIfAborted();
    let real: string;
    try {
      real = await realpath(file);
    } catch (err) {
      return { ok: false, notFound: isNotFound(err), problem: `${shownPath}: ${explainFsError(err)}` };
    }
    let pending = this.cache.get(real);
    if (!pending) {
      pending = this.readRealFile(real, shownPath);
      this.cache.set(real, pending);
    }
    return pending;
  }

  private async readRealFile(real: string, shownPath: string): Promise<FileRead> {
    try {
      const info = await stat(real);
      if (!info.isFile()) return { ok: false, notFound: false, problem: `${shownPath}: not a regular file` };
      if (info.size > MAX_CERT_FILE_BYTES) {
        return {
          ok: false,
          notFound: false,
          problem: `${shownPath}: is ${info.size.toLocaleString('en-US')} bytes, over the ${formatBytes(MAX_CERT_FILE_BYTES)} limit for a CA bundle (the Debian bundle is about 200 KiB); not read`,
        };
      }
      const content = await readFile(real, { signal: this.signal });
      return { ok: true, realPath: real, size: info.size, modifiedAt: info.mtime.toISOString(), parse: parseCertificateFile(content) };
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      return { ok: false, notFound: isNotFound(err), problem: `${shownPath}: ${explainFsError(err)}` };
    }
  }

  /** Lists a directory's entry names, sorted; null when it does not exist. */
  async listDirectory(dir: string): Promise<{ names: string[]; truncated: boolean } | null> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    names.sort();
    const truncated = names.length > MAX_DIRECTORY_ENTRIES;
    return { names: truncated ? names.slice(0, MAX_DIRECTORY_ENTRIES) : names, truncated };
  }

  /** For a directory entry: is it a subdirectory? Used to skip e.g. /etc/ssl/certs/java. */
  static async isDirectory(file: string): Promise<boolean> {
    try {
      return (await stat(file)).isDirectory();
    } catch {
      return false;
    }
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

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

export function joinShown(dir: string, name: string): string {
  return path.posix.join(dir, name);
}
