// Host identity for the report header and for choosing per-distro behaviour.
import os from 'node:os';
import type { Platform } from '../core/check';
import { GuestFs } from './guest-fs';
import { parseOsRelease, parseRedhatRelease, parseSuseRelease, type OsRelease } from './os-release';
import { truncateText } from '../core/text-bounds';
import { distroFamily, type DistroFamily } from './linux/distro-family';
import { readGuestArch } from './linux/guest-arch';
import { isLiveRoot } from './live-root';

export interface HostFacts {
  os: Platform;
  /** os-release ID (e.g. `ubuntu`), or `windows`. */
  distro: string | null;
  distroName: string | null;
  version: string | null;
  kernel: string | null;
  arch: string | null;
  /**
   * Where arch came from: "live: node os.arch() x64", or under --root the guest's own files
   * ("/bin/sh -> /usr/bin/dash: ELF e_machine 0xb7 (aarch64)", a /boot kernel image name, the
   * kernel release suffix); null when nothing named it.
   */
  archSource?: string | null;
  /** --root files looked at for the architecture that could not be used (not ELF, a link with no target inside the root), named. */
  archNotes?: string[];
  hostname: string | null;
  family: DistroFamily;
  osRelease: OsRelease | null;
  /** True when facts were read from a --root directory rather than the running system. */
  fromRoot: boolean;
  /** Release files that were there but could not be read whole (a FIFO, a directory, cut at the cap), named. */
  notes?: string[];
  /** --root /proc/sys/kernel/osrelease when it was there but cut at the cap or not readable, named. */
  kernelNotes?: string[];
}

/** /proc/sys/kernel/osrelease holds one short line. */
export const RELEASE_FILE_MAX_BYTES = 64 * 1024;

const UNAME_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', arm: 'armv7l' };

export async function readHostFacts(root: string, platform: Platform): Promise<HostFacts> {
  const fromRoot = !isLiveRoot(root);
  if (platform === 'windows') {
    return {
      os: 'windows',
      distro: 'windows',
      distroName: os.version(),
      version: os.release(),
      kernel: os.release(),
      arch: UNAME_ARCH[os.arch()] ?? os.arch(),
      archSource: `live: node os.arch() ${os.arch()}`,
      hostname: os.hostname(),
      family: 'unknown',
      osRelease: null,
      fromRoot,
    };
  }
  const fs = new GuestFs(root);
  const notes: string[] = [];
  const osRelease = await readOsRelease(fs, notes);
  const kernelNotes: string[] = [];
  let kernel: string | null = os.release();
  if (fromRoot) {
    const release = await fs.readText('/proc/sys/kernel/osrelease', RELEASE_FILE_MAX_BYTES);
    if (release.note) kernelNotes.push(release.note);
    // A cut release is not a kernel version: the kernel is then taken from /boot, and the note says why.
    kernel = (release.truncated ? null : release.text?.trim()) || null;
  }
  // A mounted image runs no kernel: its architecture is read from its own shell's ELF header or kernel names.
  const guestArch = fromRoot ? await readGuestArch(fs, kernel) : null;
  const hostname = fromRoot ? truncateText((await fs.readTextIfExists('/etc/hostname'))?.trim() ?? '') || null : os.hostname();
  return {
    os: 'linux',
    distro: osRelease?.ID ?? null,
    distroName: osRelease?.PRETTY_NAME ?? osRelease?.NAME ?? null,
    version: osRelease?.VERSION_ID ?? null,
    kernel,
    arch: guestArch ? guestArch.arch : (UNAME_ARCH[os.arch()] ?? os.arch()),
    archSource: guestArch ? guestArch.source : `live: node os.arch() ${os.arch()}`,
    ...(guestArch?.notes.length ? { archNotes: guestArch.notes } : {}),
    hostname,
    family: osRelease ? distroFamily(osRelease) : 'unknown',
    osRelease,
    fromRoot,
    ...(notes.length ? { notes } : {}),
    ...(kernelNotes.length ? { kernelNotes } : {}),
  };
}

/** /etc/os-release, else /usr/lib/os-release, else the pre-systemd release files of RHEL 6 and SLES 11. */
async function readOsRelease(fs: GuestFs, notes: string[]): Promise<OsRelease | null> {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    const { text, note } = await fs.readText(file);
    if (note) notes.push(note);
    if (text !== null) return parseOsRelease(text);
  }
  const redhat = await fs.readText('/etc/redhat-release');
  if (redhat.note) notes.push(redhat.note);
  if (redhat.text !== null) {
    return parseRedhatRelease(redhat.text);
  }
  const suse = await fs.readText('/etc/SuSE-release');
  if (suse.note) notes.push(suse.note);
  if (suse.text !== null) {
    return parseSuseRelease(suse.text);
  }
  return null;
}
