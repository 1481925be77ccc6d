// Kernel parameters from the boot configuration (151126 device names, 151124 LVM references):
// GRUB 2 configs, /etc/default/grub, GRUB legacy menu.lst, BLS entries and grubenv.
import { readdir, readlink } from 'node:fs/promises';
import { guestPath } from '../guest-paths';
import { readTextIfExists } from '../read-text';

export const GRUB_FILES = ['/boot/grub/menu.lst', '/boot/grub/grub.cfg', '/boot/grub2/grub.cfg', '/etc/default/grub', '/boot/grub2/grubenv'];
const EXTRA_DIRS = ['/boot/efi/EFI', '/boot/loader/entries'];

export interface KernelParam {
  path: string;
  lineNumber: number;
  /** The whole line, trimmed, as the admin will find it in the file. */
  line: string;
  key: 'root' | 'resume' | 'rd.lvm.lv' | 'rd_LVM_LV';
  value: string;
}

export interface GrubFacts {
  files: Array<{ path: string; exists: boolean }>;
  params: KernelParam[];
  /** Device name (sda1) to file-system UUID, from /dev/disk/by-uuid: the replacement for a device name. */
  uuidByDevice: Record<string, string>;
}

/** Lines that carry kernel parameters in any of the formats above. */
const PARAM_LINE = /^\s*(linux|linuxefi|linux16|kernel|options|GRUB_CMDLINE_LINUX(?:_DEFAULT)?=|kernelopts=|set\s+kernelopts=)/;
const PARAM = /(?:^|[\s"'])(root|resume|rd\.lvm\.lv|rd_LVM_LV)=([^\s"']+)/g;

export function parseKernelParams(text: string, path: string): KernelParam[] {
  const params: KernelParam[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (!PARAM_LINE.test(raw) || raw.trim().startsWith('#')) return;
    for (const match of raw.matchAll(PARAM)) {
      params.push({ path, lineNumber: index + 1, line: raw.trim(), key: match[1] as KernelParam['key'], value: match[2]! });
    }
  });
  return params;
}

export async function readGrubFacts(root: string): Promise<GrubFacts> {
  const paths = [...GRUB_FILES];
  for (const dir of EXTRA_DIRS) paths.push(...(await findConfigs(root, dir)));
  const files: GrubFacts['files'] = [];
  const params: KernelParam[] = [];
  for (const path of paths) {
    const text = await readTextIfExists(guestPath(root, path), 4 * 1024 * 1024);
    files.push({ path, exists: text !== null });
    if (text !== null) params.push(...parseKernelParams(text, path));
  }
  return { files, params, uuidByDevice: await readUuidLinks(root) };
}

async function readUuidLinks(root: string): Promise<Record<string, string>> {
  const dir = guestPath(root, '/dev/disk/by-uuid');
  const out: Record<string, string> = {};
  for (const uuid of await readdir(dir).catch(() => [] as string[])) {
    const target = await readlink(`${dir}/${uuid}`).catch(() => null);
    if (target) out[target.replace(/^.*\//, '')] = uuid;
  }
  return out;
}

/** grub.cfg under /boot/efi/EFI/<vendor>/ and BLS *.conf entries. */
async function findConfigs(root: string, dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(guestPath(root, dir));
  } catch {
    return [];
  }
  if (dir.endsWith('entries')) return entries.filter((e) => e.endsWith('.conf')).sort().map((e) => `${dir}/${e}`);
  return entries.sort().map((vendor) => `${dir}/${vendor}/grub.cfg`);
}

/** A kernel device name (/dev/sda1, /dev/nvme0n1p2, /dev/xvda): what 151126 is about. */
export function isDeviceName(value: string): boolean {
  return /^\/dev\/(sd[a-z]+|hd[a-z]+|vd[a-z]+|xvd[a-z]+|nvme\d+n\d+)(p?\d+)?$/.test(value);
}
