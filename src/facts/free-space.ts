// Free space where the Mobility service installs and on the root file system (statfs; under
// --root, of the image's own file systems).
import path from 'node:path';
import type { Platform } from '../core/check';
import { GuestFs } from './guest-fs';

export interface FreeSpaceEntry {
  path: string;
  /** The directory actually measured: the nearest existing parent of path. */
  measured: string;
  freeBytes: number | null;
  error: string | null;
}

export async function readFreeSpace(root: string, platform: Platform, paths: { root: string; install: string }): Promise<FreeSpaceEntry[]> {
  const fs = platform === 'windows' ? GuestFs.live() : new GuestFs(root);
  const out: FreeSpaceEntry[] = [];
  for (const p of [paths.root, paths.install]) {
    const pathApi = platform === 'windows' ? path.win32 : path.posix;
    let measured = p;
    for (;;) {
      try {
        const stats = await fs.statfs(measured);
        out.push({ path: p, measured, freeBytes: Number(stats.bavail) * Number(stats.bsize), error: null });
        break;
      } catch (err) {
        const parent = pathApi.dirname(measured);
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === measured) {
          out.push({ path: p, measured, freeBytes: null, error: (err as Error).message });
          break;
        }
        measured = parent;
      }
    }
  }
  return out;
}
