// FIPS mode of a Linux guest (check os.fips): the running kernel's flag, the command line it was
// booted with, and fips= in the boot configuration the next boot will use (read once, with the
// other GRUB parameters, by ./grub.ts). Under --root there is usually no /proc: the GRUB files are
// what is judged then.
import { GuestFs } from '../guest-fs';
import type { GrubFacts } from './grub';
import { isLiveRoot } from '../live-root';

/** Both /proc files hold one short line; a longer one is cut and said to be. */
export const FIPS_PROC_MAX_BYTES = 64 * 1024;

export interface ProcFipsValue {
  /** The guest's path, as shown in evidence. */
  path: '/proc/sys/crypto/fips_enabled' | '/proc/cmdline';
  /** True when the file was there and read whole. */
  read: boolean;
  /** fips_enabled: its content, trimmed; cmdline: the last fips= value (the one the kernel keeps), or null when there is none. */
  value: string | null;
}

export interface LinuxFipsFacts {
  fromRoot: boolean;
  fipsEnabled: ProcFipsValue;
  cmdline: ProcFipsValue;
  /** Every fips= in the boot configuration, with its file and line. */
  boot: Array<{ path: string; lineNumber: number; line: string; value: string }>;
  /** The boot configuration files that were there and read. */
  bootFiles: string[];
  /** Files that were there but cut at the cap or not readable, named. */
  notes: string[];
}

export async function readLinuxFips(root: string, grub: GrubFacts): Promise<LinuxFipsFacts> {
  const fs = new GuestFs(root);
  const notes: string[] = [];
  const read = async (path: ProcFipsValue['path']) => {
    const got = await fs.readText(path, FIPS_PROC_MAX_BYTES);
    if (got.note) notes.push(got.note);
    return got.truncated ? null : got.text;
  };
  const [enabledText, cmdlineText] = await Promise.all([read('/proc/sys/crypto/fips_enabled'), read('/proc/cmdline')]);
  for (const f of grub.files) if (f.note) notes.push(f.note);
  return {
    fromRoot: !isLiveRoot(root),
    fipsEnabled: { path: '/proc/sys/crypto/fips_enabled', read: enabledText !== null, value: enabledText?.trim() ?? null },
    cmdline: { path: '/proc/cmdline', read: cmdlineText !== null, value: cmdlineText === null ? null : lastFipsParam(cmdlineText) },
    boot: grub.params.filter((p) => p.key === 'fips').map(({ path, lineNumber, line, value }) => ({ path, lineNumber, line, value })),
    bootFiles: grub.files.filter((f) => f.exists).map((f) => f.path),
    notes,
  };
}

/** The value of the last `fips=` word of a kernel command line (the kernel applies them in order), or null. */
export function lastFipsParam(cmdline: string): string | null {
  let value: string | null = null;
  for (const word of cmdline.split(/\s+/)) if (word.startsWith('fips=')) value = word.slice('fips='.length);
  return value;
}
