// The guest's file system, as the guest itself would see it. Every file-based fact reads through a
// GuestFs, and nothing else turns a guest path into a path on this machine.
//
// Live (root "/"): the kernel resolves paths, as it does for every program on the guest.
// Under --root DIR the guest's disk is mounted here, and its links were written for a machine whose
// "/" is DIR: SUSE's /etc/ssl/ca-bundle.pem -> /var/lib/ca-certificates/ca-bundle.pem, Debian's
// /etc/ssl/certs/*.pem -> /usr/share/ca-certificates/..., RHEL's ca-bundle.crt -> /etc/pki/ca-trust/...
// Letting this machine's kernel follow them would read this machine's files as the guest's. So each
// path is walked one component at a time with lstat: an absolute link target restarts at DIR, `..`
// stops at DIR (as at a real "/"), more than MAX_LINKS links is a loop. The final component is then
// opened with O_NOFOLLOW, so a link swapped in after the walk is refused rather than followed.
// (A directory swapped for a link between the walk and the open is not caught: judge a mounted image
// read-only, as the README says.)
import { lstat, opendir, readdir, readlink, stat, statfs } from 'node:fs/promises';
import { realpath as callbackRealpath, type Dir } from 'node:fs';
import path from 'node:path';
import { readBoundedFile, truncationNote, DEFAULT_MAX_BYTES, type BoundedRead, type BoundedReadOptions, type GuestText } from './read-text';
import { noteSource } from '../core/log';

/** Linux follows at most 40 links while resolving one path (MAXSYMLINKS); more is ELOOP. */
export const MAX_LINKS = 40;
/** Path components remembered per run: a 20,000-entry certificate directory walks the same prefixes. */
const MAX_CACHED_COMPONENTS = 50_000;

export type Resolution =
  | {
      ok: true;
      /** The path on this machine to open (inside the root). */
      host: string;
      /** The guest path it ends at after following links, e.g. /var/lib/ca-certificates/ca-bundle.pem. */
      guest: string;
    }
  /** dangling: the path itself exists as a link, but what it leads to does not (inside the root). */
  | { ok: false; reason: 'missing' | 'loop' | 'denied' | 'error'; problem: string; dangling?: boolean };

type Component = { kind: 'link'; target: string } | { kind: 'directory' | 'other' } | { kind: 'missing' } | { kind: 'error'; code: string };

export class GuestFs {
  private readonly components = new Map<string, Promise<Component>>();

  /** root is "/" for the machine the agent runs on, or the --root directory. */
  constructor(readonly root: string) {}

  /** The machine the agent runs on (also used for --trust-store paths, which are this machine's). */
  static live(): GuestFs {
    return new GuestFs('/');
  }

  get isLive(): boolean {
    return this.root === '/' || this.root === '';
  }

  /** Where a guest path ends after its links are followed inside the root. Never throws. */
  async resolve(guestPath: string): Promise<Resolution> {
    noteSource(guestPath); // the debug log names the paths each fact read (src/core/log.ts)
    if (this.isLive) return resolveLive(guestPath); // live paths are this machine's (Windows ones too)
    if (!guestPath.startsWith('/')) return { ok: false, reason: 'error', problem: 'is not an absolute guest path' };
    const done: string[] = [];
    let pending = splitPath(guestPath);
    let links = 0;
    // Set once the path's own last name turned out to be a link: from then on, what is missing is its target.
    let followingOwnLink = false;
    // As for the kernel, a trailing "/" asks for a directory.
    const wantsDirectory = guestPath.length > 1 && guestPath.endsWith('/');
    let lastKind: Component['kind'] = 'directory';
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '.') continue;
      if (part === '..') {
        done.pop(); // at the root, `..` is the root
        continue;
      }
      const current = `/${[...done, part].join('/')}`;
      const component = await this.component(current);
      if (component.kind === 'missing') {
        if (!followingOwnLink) return { ok: false, reason: 'missing', problem: 'does not exist' };
        const leadsTo = path.posix.normalize([current, ...pending].join('/'));
        return { ok: false, reason: 'missing', problem: `is a dangling link: it leads to ${leadsTo}, which does not exist inside --root`, dangling: true };
      }
      if (component.kind === 'error') {
        const denied = component.code === 'EACCES' || component.code === 'EPERM';
        return {
          ok: false,
          reason: denied ? 'denied' : 'error',
          problem: denied ? `permission denied at ${current}` : `could not be resolved at ${current} (${component.code})`,
        };
      }
      if (component.kind === 'other' && pending.length > 0) {
        return { ok: false, reason: 'missing', problem: `does not exist (${current} is not a directory)` };
      }
      if (component.kind !== 'link') {
        done.push(part);
        lastKind = component.kind;
        continue;
      }
      if (pending.length === 0) followingOwnLink = true;
      if (++links > MAX_LINKS) return { ok: false, reason: 'loop', problem: `is a symbolic link loop (more than ${MAX_LINKS} links followed)` };
      if (component.target.startsWith('/')) done.length = 0;
      pending = [...splitPath(component.target), ...pending];
    }
    const guest = `/${done.join('/')}`;
    if (wantsDirectory && lastKind !== 'directory') return { ok: false, reason: 'missing', problem: `does not exist (${guest} is not a directory)` };
    return { ok: true, host: this.hostPath(guest), guest };
  }

  /** Reads a guest file within the bounds of readBoundedFile, after resolving it inside the root. */
  async read(guestPath: string, options: BoundedReadOptions = {}): Promise<BoundedRead> {
    options.signal?.throwIfAborted();
    const resolved = await this.resolve(guestPath);
    if (!resolved.ok) return { ok: false, reason: resolved.reason, problem: resolved.problem };
    return this.readResolved(resolved, options);
  }

  /** Reads what resolve() found (for callers that key a cache by where a path leads). */
  readResolved(resolved: Resolution & { ok: true }, options: BoundedReadOptions = {}): Promise<BoundedRead> {
    return readBoundedFile(resolved.host, this.isLive ? options : { ...options, noFollow: true });
  }

  /**
   * Reads a guest text file. Missing is an answer (text null, no note); anything else that stops the
   * read is a note naming the guest path, never a throw (except with the caller's signal's reason).
   */
  async readText(guestPath: string, maxBytes = DEFAULT_MAX_BYTES, signal?: AbortSignal): Promise<GuestText> {
    signal?.throwIfAborted();
    const resolved = await this.resolve(guestPath);
    // A dangling link is there (the guest has the name) and is named; only a name that is not there is "absent".
    if (!resolved.ok)
      return {
        text: null,
        exists: resolved.reason !== 'missing' || resolved.dangling === true,
        truncated: false,
        note: resolved.reason === 'missing' && !resolved.dangling ? null : `${guestPath}: ${resolved.problem}`,
      };
    const read = await this.readResolved(resolved, { maxBytes, ...(signal ? { signal } : {}) });
    if (!read.ok)
      return { text: null, exists: read.reason !== 'missing', truncated: false, note: read.reason === 'missing' ? null : `${guestPath}: ${read.problem}` };
    return { text: read.content.toString('utf8'), exists: true, truncated: read.truncated, note: read.truncated ? truncationNote(guestPath, maxBytes) : null };
  }

  /** The text of a guest file, or null when it is absent or unusable (for facts where only presence matters). */
  async readTextIfExists(guestPath: string, maxBytes = DEFAULT_MAX_BYTES, signal?: AbortSignal): Promise<string | null> {
    return (await this.readText(guestPath, maxBytes, signal)).text;
  }

  /**
   * Opens what resolve() found as a directory, to read its entries a batch at a time (a directory of
   * tens of thousands of names is walked, not loaded whole). Throws as fs.opendir does.
   */
  openDirectory(resolved: Resolution & { ok: true }, bufferSize = 256): Promise<Dir> {
    return opendir(resolved.host, { bufferSize });
  }

  /**
   * Where an entry of a resolved directory is, when its listing said it is a regular file (not a link):
   * no walk needed. Reads of it still refuse anything else (readResolved: O_NOFOLLOW under --root,
   * and the type checked on the open descriptor), so an entry swapped after the listing is refused.
   */
  entryOf(directory: Resolution & { ok: true }, name: string): Resolution & { ok: true } {
    if (name === '' || name === '.' || name === '..' || name.includes('/')) throw new Error(`not a directory entry name: ${name}`);
    const guest = path.posix.join(directory.guest, name);
    return { ok: true, host: this.isLive ? path.join(directory.host, name) : this.hostPath(guest), guest };
  }

  /** Entry names of a guest directory (unsorted), or null when it is absent or not a directory. */
  async list(guestPath: string): Promise<string[] | null> {
    const resolved = await this.resolve(guestPath);
    if (!resolved.ok) return null;
    return readdir(resolved.host).catch(() => null);
  }

  /** Entry names of a guest directory, [] when there is none. */
  async listOrEmpty(guestPath: string): Promise<string[]> {
    return (await this.list(guestPath)) ?? [];
  }

  /**
   * The target of a link as written (not followed): /dev/disk/by-uuid/X -> ../../sda1. The link's
   * own directory is resolved inside the root; null when it is not a link.
   */
  async readLink(guestPath: string): Promise<string | null> {
    const name = path.posix.basename(guestPath);
    if (name === '' || name === '.' || name === '..' || guestPath.endsWith('/')) return null;
    const parent = await this.resolve(path.posix.dirname(guestPath));
    if (!parent.ok) return null;
    return readlink(path.join(parent.host, path.posix.basename(guestPath))).catch(() => null);
  }

  /** Is the guest path (after links) a directory? */
  async isDirectory(guestPath: string): Promise<boolean> {
    const resolved = await this.resolve(guestPath);
    if (!resolved.ok) return false;
    return (await stat(resolved.host).catch(() => null))?.isDirectory() ?? false;
  }

  /** The modification time of a guest file or directory, or null. */
  async modifiedAt(guestPath: string): Promise<Date | null> {
    const resolved = await this.resolve(guestPath);
    if (!resolved.ok) return null;
    return (await stat(resolved.host).catch(() => null))?.mtime ?? null;
  }

  /** statfs(2) of the file system holding a guest path. */
  async statfs(guestPath: string): ReturnType<typeof statfs> {
    const resolved = await this.resolve(guestPath);
    if (!resolved.ok) throw Object.assign(new Error(`${guestPath} ${resolved.problem}`), { code: resolved.reason === 'missing' ? 'ENOENT' : 'EIO' });
    return statfs(resolved.host);
  }

  /** The path on this machine for a guest path whose links are already resolved. */
  private hostPath(guest: string): string {
    return path.join(this.root, guest);
  }

  private component(guest: string): Promise<Component> {
    let known = this.components.get(guest);
    if (!known) {
      known = describeComponent(this.hostPath(guest));
      if (this.components.size >= MAX_CACHED_COMPONENTS) this.components.clear();
      this.components.set(guest, known);
    }
    return known;
  }
}

const nativeRealpath = callbackRealpath.native;

/** Live, the kernel resolves: realpath names where a path leads (the same file behind many links). */
async function resolveLive(file: string): Promise<Resolution> {
  try {
    // realpath(3) in one call on the pool (the callback form: cheaper than fs/promises per call).
    const real = await new Promise<string>((resolve, reject) => nativeRealpath(file, (err, p) => (err ? reject(err) : resolve(p))));
    return { ok: true, host: real, guest: real };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      // As under --root: a name that is a link to nothing is there, and named; only an absent name is absent.
      const own = await lstat(file).catch(() => null);
      if (own?.isSymbolicLink())
        return {
          ok: false,
          reason: 'missing',
          problem: `is a dangling link: it leads to ${await readlink(file).catch(() => '?')}, which does not exist`,
          dangling: true,
        };
      return { ok: false, reason: 'missing', problem: 'does not exist' };
    }
    if (code === 'ELOOP') return { ok: false, reason: 'loop', problem: 'is a symbolic link loop' };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, reason: 'denied', problem: 'permission denied' };
    return { ok: false, reason: 'error', problem: `could not be resolved (${code ?? (err as Error).message})` };
  }
}

async function describeComponent(host: string): Promise<Component> {
  try {
    const info = await lstat(host);
    if (info.isSymbolicLink()) return { kind: 'link', target: await readlink(host) };
    return { kind: info.isDirectory() ? 'directory' : 'other' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'missing' } : { kind: 'error', code };
  }
}

function splitPath(p: string): string[] {
  return p.split('/').filter(Boolean);
}
