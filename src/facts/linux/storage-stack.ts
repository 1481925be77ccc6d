// Pieces of the storage stack Site Recovery does not support (multipath, DRBD) and the LVM
// volumes that exist (for rd.lvm.lv references).
import { GuestFs } from '../guest-fs';

export interface StorageStackFacts {
  multipath: string[];
  drbd: string[];
  /** "vg/lv" for every logical volume found in /dev/mapper, /dev/<vg>/ or /etc/lvm/backup. */
  logicalVolumes: string[];
  lvmSources: string[];
  /** LVM metadata backups cut at the cap or not readable, named: volumes past the cut (or in them) were not seen. */
  lvmNotes?: string[];
}

export const LVM_BACKUP_MAX_BYTES = 1024 * 1024;

export async function readStorageStack(root: string, lvmBackupMaxBytes = LVM_BACKUP_MAX_BYTES): Promise<StorageStackFacts> {
  const fs = new GuestFs(root);
  const multipath: string[] = [];
  const drbd: string[] = [];
  const mapper = await fs.listOrEmpty('/dev/mapper');
  if (await fs.readTextIfExists('/etc/multipath.conf')) multipath.push('/etc/multipath.conf exists');
  const mpathDevices = mapper.filter((n) => /^mpath[a-z0-9]+$/.test(n));
  if (mpathDevices.length) multipath.push(`multipath devices: ${mpathDevices.map((n) => `/dev/mapper/${n}`).join(', ')}`);
  if (await fs.readTextIfExists('/proc/drbd')) drbd.push('/proc/drbd exists (the DRBD module is loaded)');
  const drbdDevices = (await fs.listOrEmpty('/dev')).filter((n) => /^drbd\d+$/.test(n));
  if (drbdDevices.length) drbd.push(`DRBD devices: ${drbdDevices.map((n) => `/dev/${n}`).join(', ')}`);
  if ((await fs.listOrEmpty('/etc/drbd.d')).some((n) => n.endsWith('.res'))) drbd.push('/etc/drbd.d has resource files');

  const volumes = new Set<string>();
  const sources: string[] = [];
  for (const name of mapper) {
    // device-mapper names double a dash inside VG and LV names: "my--vg-root" is my-vg/root
    const match = /^((?:[^-]|--)+)-((?:[^-]|--)+)$/.exec(name);
    if (match && name !== 'control') volumes.add(`${match[1]!.replace(/--/g, '-')}/${match[2]!.replace(/--/g, '-')}`);
  }
  if (mapper.length) sources.push('/dev/mapper');
  const backups = await fs.listOrEmpty('/etc/lvm/backup');
  const lvmNotes: string[] = [];
  for (const vg of backups) {
    const { text, note } = await fs.readText(`/etc/lvm/backup/${vg}`, lvmBackupMaxBytes);
    if (note) lvmNotes.push(note);
    if (!text) continue;
    sources.push(`/etc/lvm/backup/${vg}`);
    for (const lv of logicalVolumesInBackup(text)) volumes.add(`${vg}/${lv}`);
  }
  return { multipath, drbd, logicalVolumes: [...volumes].sort(), lvmSources: sources, ...(lvmNotes.length ? { lvmNotes } : {}) };
}

/** The names inside "logical_volumes { NAME { ... } ... }" of an LVM metadata backup. */
export function logicalVolumesInBackup(text: string): string[] {
  const start = text.indexOf('logical_volumes {');
  if (start < 0) return [];
  const names: string[] = [];
  let depth = 0;
  for (const line of text.slice(start).split('\n')) {
    const open = /^\s*([A-Za-z0-9_.+-]+)\s*\{\s*$/.exec(line);
    if (open) {
      if (depth === 1) names.push(open[1]!);
      depth++;
    } else if (/^\s*\}\s*$/.test(line)) {
      depth--;
      if (depth <= 0) break;
    } else if (/\{\s*$/.test(line)) depth++;
  }
  return names;
}
