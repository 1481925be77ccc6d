// The kernel the guest runs (live) or has installed (a --root image, where no kernel is running).
import { GuestFs } from '../guest-fs';
import { sortKernelReleases } from '../../catalog/kernel-version';
import { isLiveRoot } from '../live-root';

export interface KernelFacts {
  release: string | null;
  source: 'running' | '--root /proc/sys/kernel/osrelease' | '--root /boot (installed, newest)' | 'unknown';
  installed: string[];
  debianVersion: string | null;
  /** /etc/debian_version when it was there but cut at the cap or not readable, named. */
  notes?: string[];
}

/** /etc/debian_version holds one short line ("12.7", "bookworm/sid"). */
export const DEBIAN_VERSION_MAX_BYTES = 64 * 1024;

export async function readKernelFacts(root: string, runningRelease: string | null): Promise<KernelFacts> {
  const fs = new GuestFs(root);
  const fromRoot = !isLiveRoot(root);
  // Oldest first by version order ("553.40.1" after "553.5.1"), so the last one is the newest.
  const installed = sortKernelReleases(
    (await fs.listOrEmpty('/boot'))
      .filter((n) => n.startsWith('vmlinuz-'))
      .map((n) => n.slice('vmlinuz-'.length))
      .filter((n) => !/rescue/.test(n)),
  );
  const debian = await fs.readText('/etc/debian_version', DEBIAN_VERSION_MAX_BYTES);
  // A cut file's first line is not trusted as a version: what was cut may have been part of it.
  const debianVersion = (debian.truncated ? null : debian.text?.trim()) || null;
  const notes = debian.note ? { notes: [debian.note] } : {};
  if (!fromRoot) return { release: runningRelease, source: 'running', installed, debianVersion, ...notes };
  if (runningRelease) return { release: runningRelease, source: '--root /proc/sys/kernel/osrelease', installed, debianVersion, ...notes };
  const newest = installed.at(-1) ?? null;
  return { release: newest, source: newest ? '--root /boot (installed, newest)' : 'unknown', installed, debianVersion, ...notes };
}
