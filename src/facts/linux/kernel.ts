// The kernel the guest runs (live) or has installed (a --root image, where no kernel is running).
import { readdir } from 'node:fs/promises';
import { guestPath } from '../guest-paths';
import { readTextIfExists } from '../read-text';

export interface KernelFacts {
  release: string | null;
  source: 'running' | '--root /proc/sys/kernel/osrelease' | '--root /boot (installed, newest)' | 'unknown';
  installed: string[];
  debianVersion: string | null;
}

export async function readKernelFacts(root: string, runningRelease: string | null): Promise<KernelFacts> {
  const fromRoot = root !== '/' && root !== '';
  const installed = (await readdir(guestPath(root, '/boot')).catch(() => [] as string[]))
    .filter((n) => n.startsWith('vmlinuz-'))
    .map((n) => n.slice('vmlinuz-'.length))
    .filter((n) => !/rescue/.test(n))
    .sort();
  const debianVersion = (await readTextIfExists(guestPath(root, '/etc/debian_version')))?.trim() || null;
  if (!fromRoot) return { release: runningRelease, source: 'running', installed, debianVersion };
  if (runningRelease) return { release: runningRelease, source: '--root /proc/sys/kernel/osrelease', installed, debianVersion };
  const newest = installed.at(-1) ?? null;
  return { release: newest, source: newest ? '--root /boot (installed, newest)' : 'unknown', installed, debianVersion };
}
