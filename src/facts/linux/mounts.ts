// What is mounted where with which file system: /proc/self/mountinfo on a live system (or a fake
// guest that has one), /etc/fstab when reading a disk image under --root.
import { guestPath } from '../guest-paths';
import { readTextIfExists } from '../read-text';

export interface MountEntry {
  device: string;
  mountPoint: string;
  fsType: string;
}

export interface MountFacts {
  source: '/proc/self/mountinfo' | '/etc/fstab' | 'none';
  entries: MountEntry[];
}

export async function readMounts(root: string): Promise<MountFacts> {
  const mountinfo = await readTextIfExists(guestPath(root, '/proc/self/mountinfo'), 4 * 1024 * 1024);
  if (mountinfo !== null) return { source: '/proc/self/mountinfo', entries: parseMountinfo(mountinfo) };
  const fstab = await readTextIfExists(guestPath(root, '/etc/fstab'));
  if (fstab !== null) return { source: '/etc/fstab', entries: parseFstab(fstab) };
  return { source: 'none', entries: [] };
}

/** mountinfo(5): "... mountpoint options [optional fields] - fstype source superoptions". */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 3) continue;
    entries.push({ mountPoint: unescape(fields[4]!), fsType: fields[dash + 1]!, device: unescape(fields[dash + 2]!) });
  }
  return entries;
}

export function parseFstab(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [device, mountPoint, fsType] = trimmed.split(/\s+/);
    if (device && mountPoint && fsType) entries.push({ device: unescape(device), mountPoint: unescape(mountPoint), fsType });
  }
  return entries;
}

/** Octal escapes of mountinfo and fstab: \040 is a space. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}
