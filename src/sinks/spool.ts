// Reports not yet delivered wait here. This run's report is written before the first delivery
// attempt and removed only when every destination acknowledged it. Each write is atomic (temporary
// file, fsync, rename, fsync of the directory), owner-only, and the spool is bounded in count and
// bytes: what the limits drop is reported as dropped. A run sends an entry only while it holds its
// claim (spool-names.ts), so overlapping runs never send the same entry twice.
import { mkdir, open, readdir, rename, rm, lstat, chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { claimName, holderGone, isEntryName, parseClaim, parseTmp, QUARANTINE_SUFFIX, TMP_PREFIX, tmpName } from './spool-names';
import { readEntry } from './spool-read';
import { versionFor, type SpoolEntry } from './spool-entry';

export type { DestinationName, PendingDestination, SpoolEntry, SpoolVersion } from './spool-entry';
export { versionFor };

export interface SpoolLimits {
  maxFiles: number;
  maxBytes: number;
}

export interface SpooledFile {
  name: string;
  entry: SpoolEntry;
  size: number;
}

/** An entry this run holds: `file` is its claimed name, `name` the one it goes back to. */
export interface Claim {
  name: string;
  file: string;
}

export interface Dropped {
  runId: string;
  createdAt: string;
}

const STALE_TMP_MS = 10 * 60 * 1000;
/** A spooled report is a few hundred KB; anything this large is not one of ours. */
const MAX_ENTRY_BYTES = 32 * 1024 * 1024;
const MAX_QUARANTINED = 20;
/** Claims and temporary files this process holds, across Spool objects: a file with this pid not in here is an earlier process's. */
const held = new Set<string>();

export class Spool {
  readonly warnings: string[] = [];
  private readonly held = held;

  /** claimBoundMs: a claim older than this is taken back even if its holder seems alive. */
  constructor(
    readonly dir: string,
    readonly limits: SpoolLimits,
    readonly claimBoundMs = 15 * 60 * 1000,
  ) {}

  async ensure(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const info = await lstat(this.dir);
    if (!info.isDirectory()) throw Object.assign(new Error(`${this.dir} is not a directory`), { code: 'ENOTDIR' });
    if (process.platform !== 'win32') await chmod(this.dir, 0o700).catch(() => {});
  }

  static nameFor(entry: Pick<SpoolEntry, 'createdAt' | 'runId'>): string {
    return `${entry.createdAt.replace(/[-:.]/g, '')}-${entry.runId}.json`;
  }

  /**
   * Unclaimed entries, oldest first. Recovers claims and temporary files whose writer is gone, and
   * quarantines what is not a valid entry (renamed *.corrupt, with a *.corrupt.reason beside it).
   */
  async list(): Promise<SpooledFile[]> {
    const names = (await readdir(this.dir)).sort();
    for (const name of names) await this.recover(name);
    const out: SpooledFile[] = [];
    for (const name of (await readdir(this.dir)).sort()) {
      if (!isEntryName(name)) continue;
      const read = await readEntry(path.join(this.dir, name), MAX_ENTRY_BYTES);
      if (read.ok) out.push({ name, entry: read.entry, size: read.size });
      else if (!read.gone) await this.quarantine(name, read.reason);
    }
    await this.trimQuarantine(names);
    return out;
  }

  /** Takes an entry for this run; null when another run has it (or it is gone). */
  async claim(name: string): Promise<Claim | null> {
    const file = claimName(name);
    this.held.add(file);
    try {
      await rename(path.join(this.dir, name), path.join(this.dir, file));
      return { name, file };
    } catch (err) {
      this.held.delete(file);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** Write-ahead: this run's entry goes straight in claimed, so no other run sends it meanwhile. */
  async writeClaimed(entry: SpoolEntry): Promise<Claim> {
    const name = Spool.nameFor(entry);
    const file = claimName(name);
    this.held.add(file);
    try {
      await this.writeAtomically(file, entry);
    } catch (err) {
      this.held.delete(file);
      throw err;
    }
    return { name, file };
  }

  /** Records progress (a destination acknowledged) in a held entry. */
  async update(claim: Claim, entry: SpoolEntry): Promise<void> {
    await this.writeAtomically(claim.file, entry);
  }

  /** Gives the entry back for a later run (keep) or removes it (every destination acknowledged). */
  async release(claim: Claim, keep: boolean): Promise<void> {
    try {
      if (keep) await rename(path.join(this.dir, claim.file), path.join(this.dir, claim.name));
      else await rm(path.join(this.dir, claim.file), { force: true });
      await this.syncDirectory();
    } finally {
      this.held.delete(claim.file);
    }
  }

  /** Entries waiting: unclaimed ones and those other runs are sending now. */
  async pendingCount(): Promise<number> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => isEntryName(n) || (parseClaim(n) !== null && !this.held.has(n))).length;
  }

  /**
   * Drops entries until the spool is within its limits: first any entry larger than the byte limit
   * on its own, then the oldest. Claimed entries (being sent) are not counted or touched.
   */
  async enforceLimits(): Promise<Dropped[]> {
    const entries = await this.list();
    let total = entries.reduce((n, e) => n + e.size, 0);
    let count = entries.length;
    const dropped: Dropped[] = [];
    const order = [...entries.filter((e) => e.size > this.limits.maxBytes), ...entries.filter((e) => e.size <= this.limits.maxBytes)];
    for (const e of order) {
      if (count <= this.limits.maxFiles && total <= this.limits.maxBytes) break;
      if (!(await this.removeIfPresent(e.name))) continue; // another run claimed it meanwhile
      total -= e.size;
      count--;
      dropped.push({ runId: e.entry.runId, createdAt: e.entry.createdAt });
      this.warnings.push(
        `the spool is full (at most ${this.limits.maxFiles} reports, ${Math.round(this.limits.maxBytes / 1024 / 1024)} MiB): dropped the report of run ${e.entry.runId} from ${e.entry.createdAt}; it will not be delivered (raise --spool-max-files or --spool-max-mb, or fix the delivery)`,
      );
    }
    return dropped;
  }

  private async removeIfPresent(name: string): Promise<boolean> {
    try {
      await rm(path.join(this.dir, name)); // no force: ENOENT tells that another run has it
      await this.syncDirectory();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** A claim or temporary file whose writer is gone goes back to (or out of) the spool. */
  private async recover(name: string): Promise<void> {
    const claim = parseClaim(name);
    if (claim) {
      if (!holderGone(claim, this.claimBoundMs, this.held.has(name))) return;
      // Atomic: of two runs recovering the same claim, the second gets ENOENT and does nothing.
      await rename(path.join(this.dir, name), path.join(this.dir, claim.entry)).then(
        () =>
          this.warnings.push(
            `took back the spooled report ${claim.entry} from a run that did not finish sending it (pid ${claim.pid} on ${claim.host}); it is sent again now`,
          ),
        (err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        },
      );
      return;
    }
    if (!name.startsWith(TMP_PREFIX)) return;
    const holder = parseTmp(name);
    let gone: boolean;
    if (holder) gone = holderGone(holder, STALE_TMP_MS, this.held.has(name));
    else gone = Date.now() - ((await lstat(path.join(this.dir, name)).catch(() => null))?.mtimeMs ?? Date.now()) > STALE_TMP_MS;
    // A writer killed between write and rename leaves these; nothing in them was ever an entry.
    if (gone) await rm(path.join(this.dir, name), { force: true, recursive: true });
  }

  private async quarantine(name: string, reason: string): Promise<void> {
    const aside = `${name}${QUARANTINE_SUFFIX}`;
    try {
      await rename(path.join(this.dir, name), path.join(this.dir, aside));
      await writeFile(path.join(this.dir, `${aside}.reason`), `${new Date().toISOString()} ${name}: ${reason}\n`, { mode: 0o600 }).catch(() => {});
      this.warnings.push(`spool entry ${name} cannot be sent: ${reason}; moved aside as ${aside} (delete it once looked at)`);
    } catch (err) {
      this.warnings.push(
        `spool entry ${name} cannot be sent: ${reason}; it could not be moved aside either (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): remove it by hand`,
      );
    }
  }

  /** Keeps the newest quarantined files only, so a spool full of junk does not grow without end. */
  private async trimQuarantine(names: string[]): Promise<void> {
    const current = new Set(await readdir(this.dir).catch(() => names));
    const aside = [...current].filter((n) => n.endsWith(QUARANTINE_SUFFIX)).sort();
    for (const n of aside.slice(0, Math.max(0, aside.length - MAX_QUARANTINED))) {
      await rm(path.join(this.dir, n), { force: true, recursive: true });
      await rm(path.join(this.dir, `${n}.reason`), { force: true });
    }
  }

  private async writeAtomically(name: string, entry: SpoolEntry): Promise<void> {
    const tmpFile = tmpName();
    const tmp = path.join(this.dir, tmpFile);
    this.held.add(tmpFile);
    try {
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify({ ...entry, version: versionFor(entry.pending) })}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path.join(this.dir, name));
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {}); // a full disk leaves a partial file: not kept
      throw err;
    } finally {
      this.held.delete(tmpFile);
    }
    await this.syncDirectory();
  }

  /** fsync of the directory makes the rename itself durable (POSIX; Windows has no directory handles for this). */
  private async syncDirectory(): Promise<void> {
    if (process.platform === 'win32') return;
    const handle = await open(this.dir, 'r').catch(() => null);
    if (!handle) return;
    try {
      await handle.sync().catch(() => {});
    } finally {
      await handle.close();
    }
  }
}
