// Reports that could not be delivered wait here for the next run. Each entry is written atomically
// (temporary file, fsync, rename, fsync of the directory), readable only by its owner, and the
// spool is bounded in count and bytes: the oldest entries go first, with a warning.
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, chmod } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../report/report';

export type DestinationName = 'collector' | 'log-analytics';

export interface PendingDestination {
  name: DestinationName;
  /** Log Analytics: batches already accepted, so a retry does not send their rows twice. */
  deliveredBatches?: number[];
}

export interface SpoolEntry {
  version: 1;
  createdAt: string;
  runId: string;
  pending: PendingDestination[];
  report: Report;
}

export interface SpoolLimits {
  maxFiles: number;
  maxBytes: number;
}

export interface SpooledFile {
  name: string;
  entry: SpoolEntry;
}

const TMP_PREFIX = '.tmp-';
const STALE_TMP_MS = 10 * 60 * 1000;

export class Spool {
  readonly warnings: string[] = [];

  constructor(readonly dir: string, readonly limits: SpoolLimits) {}

  async ensure(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await chmod(this.dir, 0o700).catch(() => {});
  }

  /** Entries oldest first. Unreadable entries are set aside (renamed *.corrupt), never block the rest. */
  async list(): Promise<SpooledFile[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).sort();
    const out: SpooledFile[] = [];
    for (const name of names) {
      const full = path.join(this.dir, name);
      if (name.startsWith(TMP_PREFIX)) {
        // A writer killed between write and rename leaves these; a live writer's are younger.
        const info = await stat(full).catch(() => null);
        if (info && Date.now() - info.mtimeMs > STALE_TMP_MS) await rm(full, { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      try {
        const entry = JSON.parse(await readFile(full, 'utf8')) as SpoolEntry;
        if (entry.version !== 1 || !entry.runId || !Array.isArray(entry.pending)) throw new Error('not a spool entry');
        out.push({ name, entry });
      } catch (err) {
        this.warnings.push(`spool entry ${name} is unreadable (${(err as Error).message}); moved aside as ${name}.corrupt`);
        await rename(full, `${full}.corrupt`).catch(() => {});
      }
    }
    return out;
  }

  static nameFor(entry: SpoolEntry): string {
    return `${entry.createdAt.replace(/[-:.]/g, '')}-${entry.runId}.json`;
  }

  async write(entry: SpoolEntry, name = Spool.nameFor(entry)): Promise<string> {
    const tmp = path.join(this.dir, `${TMP_PREFIX}${randomUUID()}`);
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(entry)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path.join(this.dir, name));
    await this.syncDirectory();
    return name;
  }

  async remove(name: string): Promise<void> {
    await rm(path.join(this.dir, name), { force: true });
    await this.syncDirectory();
  }

  /** Drops the oldest entries until the spool is within its limits; returns what was dropped. */
  async enforceLimits(): Promise<Array<{ runId: string; createdAt: string }>> {
    const entries = await this.list();
    const sizes = await Promise.all(entries.map(async (e) => (await stat(path.join(this.dir, e.name))).size));
    let total = sizes.reduce((a, b) => a + b, 0);
    const dropped: Array<{ runId: string; createdAt: string }> = [];
    for (let i = 0; i < entries.length && (entries.length - dropped.length > this.limits.maxFiles || total > this.limits.maxBytes); i++) {
      const e = entries[i]!;
      await this.remove(e.name);
      total -= sizes[i]!;
      dropped.push({ runId: e.entry.runId, createdAt: e.entry.createdAt });
      this.warnings.push(`the spool is full (at most ${this.limits.maxFiles} reports, ${Math.round(this.limits.maxBytes / 1024 / 1024)} MiB): dropped the oldest report, run ${e.entry.runId} from ${e.entry.createdAt}`);
    }
    return dropped;
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
