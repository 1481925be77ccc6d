// The architecture of a --root guest image, read from its own files (no kernel runs there):
// 1. the ELF header of its shell (/bin/sh, /usr/bin/env, /bin/bash): e_machine says what the
//    userland was built for; only the first 64 bytes of a regular file are read;
// 2. else the installed kernel image names under /boot (vmlinuz-5.14.0-427.el9.aarch64,
//    vmlinuz-6.1.0-28-cloud-arm64, vmlinuz-6.8.0-1021-generic-64k);
// 3. else the suffix of the kernel release (--root /proc/sys/kernel/osrelease).
// Links (/bin/sh -> dash, /bin -> usr/bin) are followed inside the root by GuestFs.
import type { GuestFs } from '../guest-fs';
import { kernelNameArch } from '../../catalog/kernel-arch';

export interface GuestArch {
  arch: string | null;
  /** Where the architecture came from, e.g. "/bin/sh -> /usr/bin/dash: ELF e_machine 0xb7 (aarch64)". */
  source: string | null;
  /** What was looked at and could not be used, named. */
  notes: string[];
}

export const SHELL_PATHS = ['/bin/sh', '/usr/bin/env', '/bin/bash'] as const;
/** An ELF header is 52 (32-bit) or 64 (64-bit) bytes; e_machine sits at bytes 18-19. */
export const ELF_HEADER_BYTES = 64;
const ELF_MACHINES: Record<number, string> = { 0x3e: 'x86_64', 0xb7: 'aarch64', 0x03: 'i686', 0x28: 'armv7l' };

/** The architecture an ELF header names; null when the bytes are not an ELF header. */
export function elfMachine(header: Buffer): { machine: number; arch: string | null } | null {
  if (header.length < 20 || header[0] !== 0x7f || header.toString('latin1', 1, 4) !== 'ELF') return null;
  const data = header[5]; // EI_DATA: 1 little-endian, 2 big-endian
  if (data !== 1 && data !== 2) return null;
  const machine = data === 1 ? header.readUInt16LE(18) : header.readUInt16BE(18);
  return { machine, arch: ELF_MACHINES[machine] ?? null };
}

/** Kernel image files under /boot. */
const KERNEL_IMAGE = /^(vmlinuz|vmlinux|Image)-(.+)$/;

export async function readGuestArch(fs: GuestFs, kernelRelease: string | null): Promise<GuestArch> {
  const notes: string[] = [];
  for (const shell of SHELL_PATHS) {
    const found = await shellArch(fs, shell, notes);
    if (found) return { ...found, notes };
  }
  const images = (await fs.listOrEmpty('/boot'))
    .map((n) => KERNEL_IMAGE.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && !/rescue/.test(m[2]!))
    .map((m) => ({ file: `/boot/${m[0]}`, arch: kernelNameArch(m[2]!) }))
    .filter((k): k is { file: string; arch: string } => k.arch !== null)
    .sort((a, b) => a.file.localeCompare(b.file));
  const archs = [...new Set(images.map((k) => k.arch))];
  if (archs.length === 1) return { arch: archs[0]!, source: `kernel image name ${images.map((k) => k.file).join(', ')}`, notes };
  if (archs.length > 1)
    notes.push(`kernel images under /boot name different architectures (${images.map((k) => `${k.file}: ${k.arch}`).join(', ')}); not judged from them`);
  const fromRelease = kernelRelease ? kernelNameArch(kernelRelease) : null;
  if (fromRelease) return { arch: fromRelease, source: `kernel release suffix ${kernelRelease} (/proc/sys/kernel/osrelease)`, notes };
  return { arch: null, source: null, notes };
}

async function shellArch(fs: GuestFs, shell: string, notes: string[]): Promise<{ arch: string; source: string } | null> {
  const resolved = await fs.resolve(shell);
  if (!resolved.ok) {
    if (resolved.reason !== 'missing' || resolved.dangling) notes.push(`${shell}: ${resolved.problem}`);
    return null;
  }
  const shown = resolved.guest === shell ? shell : `${shell} -> ${resolved.guest}`;
  const read = await fs.read(shell, { maxBytes: ELF_HEADER_BYTES });
  if (!read.ok) {
    if (read.reason !== 'missing') notes.push(`${shown}: ${read.problem}`);
    return null;
  }
  const elf = elfMachine(read.content);
  if (!elf) {
    notes.push(`${shown}: not an ELF executable`);
    return null;
  }
  const hex = `0x${elf.machine.toString(16).padStart(2, '0')}`;
  if (!elf.arch) {
    notes.push(`${shown}: ELF e_machine ${hex} is not an architecture asr-ready knows`);
    return null;
  }
  return { arch: elf.arch, source: `${shown}: ELF e_machine ${hex} (${elf.arch})` };
}
