// What is mounted where with which file system: /proc/self/mountinfo on a live system (or a fake
// guest that has one), /etc/fstab when reading a disk image under --root.
import { GuestFs } from '../guest-fs';
import { truncateText } from '../../core/text-bounds';

export interface MountEntry {
  device: string;
  mountPoint: string;
  fsType: string;
}

export interface MountFacts {
  source: '/proc/self/mountinfo' | '/etc/fstab' | 'none';
  entries: MountEntry[];
  /** Why the mount table was cut at the cap or could not be read, naming the file; mounts past the cut were not judged. */
  notes?: string[];
}

export async function readMounts(root: string): Promise<MountFacts> {
  const fs = new GuestFs(root);
  const notes: string[] = [];
  const withNotes = (facts: MountFacts): MountFacts => (notes.length ? { ...facts, notes } : facts);
  const mountinfo = await fs.readText('/proc/self/mountinfo', 4 * 1024 * 1024);
  if (mountinfo.note) notes.push(mountinfo.note);
  if (mountinfo.text !== null) return withNotes({ source: '/proc/self/mountinfo', entries: parseMountinfo(mountinfo.text) });
  const fstab = await fs.readText('/etc/fstab');
  if (fstab.note) notes.push(fstab.note);
  if (fstab.text !== null) return withNotes({ source: '/etc/fstab', entries: parseFstab(fstab.text) });
  return withNotes({ source: 'none', entries: [] });
}

/** mountinfo(5): "... mountpoint options [optional fields] - fstype source superoptions". */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 3) continue;
    entries.push({ mountPoint: unescape(fields[4]!), fsType: truncateText(fields[dash + 1]!), device: unescape(fields[dash + 2]!) });
  }
  return entries;
}

export function parseFstab(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [device, mountPoint, fsType] = trimmed.split(/\s+/);
    if (device && mountPoint && fsType) entries.push({ device: unescape(device), mountPoint: unescape(mountPoint), fsType: truncateText(fsType) });
  }
  return entries;
}

/** Octal escapes of mountinfo and fstab: \040 is a space, \012 a newline (kept: renderers escape it). Capped for evidence. */
function unescape(s: string): string {
  return truncateText(s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8))));
}
