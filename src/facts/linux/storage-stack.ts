// Pieces of the storage stack Site Recovery does not support (multipath, DRBD) and the LVM
// volumes that exist (for rd.lvm.lv references).
//
// Multipath is judged by its active maps, not by its configuration: a map is a device-mapper
// device whose /sys/block/dm-N/dm/uuid starts with "mpath-" (its name in dm/name: mpatha, or the
// WWID without user_friendly_names). Those tables exist only in a running system. A disk image
// (--root) has no /sys, so there only what would build maps at boot can be read: the WWIDs
// multipath has claimed (/etc/multipath/wwids, written when it creates a map), the aliases bound
// to WWIDs (/etc/multipath/bindings), /etc/multipath.conf and conf.d, and whether multipathd is
// enabled (systemd *.wants links, not masked; SysV rc links). storage.filesystems says which of the
// two it judged from.
import { GuestFs } from '../guest-fs';

export interface MultipathFacts {
  /** device-mapper: /sys/block was read, so activeMaps is what the kernel has; configuration: no /sys (an image), so only configuration was read. */
  judgedFrom: 'device-mapper' | 'configuration';
  /** Active multipath maps ("mpatha (dm-0, mpath-3600…)"); without /sys, /dev/mapper/mpathN nodes (which exist only while the map does). */
  activeMaps: string[];
  /** What sets multipath up, each naming its file: configuration, claimed WWIDs, bound aliases, enabled units. */
  configured: string[];
  /** WWIDs in /etc/multipath/wwids plus aliases in /etc/multipath/bindings: disks multipath has claimed on this guest. */
  claimed: number;
  /** Multipath files there but not read whole (a FIFO, cut at the cap), named: what they hold was not judged. */
  notes?: string[];
}

export interface StorageStackFacts {
  multipath: MultipathFacts;
  drbd: string[];
  /** "vg/lv" for every logical volume found in /dev/mapper, /dev/<vg>/ or /etc/lvm/backup. */
  logicalVolumes: string[];
  lvmSources: string[];
  /** LVM metadata backups cut at the cap or not readable, named: volumes past the cut (or in them) were not seen. */
  lvmNotes?: string[];
}

export const LVM_BACKUP_MAX_BYTES = 1024 * 1024;
/** device-mapper devices looked at; a guest with more is not a normal VM, and the rest are not read. */
export const MAX_DM_DEVICES = 4096;
const MULTIPATH_FILE_MAX_BYTES = 1024 * 1024;
const UNIT_DIRS = ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];
const SYSV_DIRS = ['/etc/rc2.d', '/etc/rc3.d', '/etc/rc5.d', '/etc/rc.d/rc3.d', '/etc/rc.d/rc5.d'];

export async function readStorageStack(root: string, lvmBackupMaxBytes = LVM_BACKUP_MAX_BYTES): Promise<StorageStackFacts> {
  const fs = new GuestFs(root);
  const drbd: string[] = [];
  const mapper = await fs.listOrEmpty('/dev/mapper');
  const multipath = await readMultipath(fs, mapper);
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

async function readMultipath(fs: GuestFs, mapper: string[]): Promise<MultipathFacts> {
  const sysBlock = await fs.listOrEmpty('/sys/block');
  const judgedFrom: MultipathFacts['judgedFrom'] = sysBlock.length ? 'device-mapper' : 'configuration';
  const activeMaps: string[] = [];
  if (judgedFrom === 'device-mapper') {
    const dms = sysBlock
      .filter((n) => /^dm-\d+$/.test(n))
      .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))
      .slice(0, MAX_DM_DEVICES);
    for (const dm of dms) {
      const uuid = (await fs.readTextIfExists(`/sys/block/${dm}/dm/uuid`, 4096))?.trim() ?? '';
      if (!isMultipathUuid(uuid)) continue;
      const name = (await fs.readTextIfExists(`/sys/block/${dm}/dm/name`, 4096))?.trim() || dm;
      activeMaps.push(`${name} (${dm}, ${uuid})`);
    }
  } else {
    for (const n of mapper.filter((m) => /^mpath[a-z0-9]+$/.test(m)).sort()) activeMaps.push(`/dev/mapper/${n}`);
  }

  const configured: string[] = [];
  const notes: string[] = [];
  const read = async (path: string) => {
    const got = await fs.readText(path, MULTIPATH_FILE_MAX_BYTES);
    if (got.note) notes.push(got.note);
    return got;
  };
  if ((await read('/etc/multipath.conf')).exists) configured.push('/etc/multipath.conf');
  const confD = (await fs.listOrEmpty('/etc/multipath/conf.d')).filter((n) => n.endsWith('.conf'));
  if (confD.length) configured.push(`/etc/multipath/conf.d (${confD.length} file(s))`);
  const wwids = countWwids((await read('/etc/multipath/wwids')).text ?? '');
  if (wwids) configured.push(`/etc/multipath/wwids lists ${wwids} WWID(s)`);
  const bindings = countBindings((await read('/etc/multipath/bindings')).text ?? '');
  if (bindings) configured.push(`/etc/multipath/bindings binds ${bindings} alias(es)`);
  for (const unit of await enabledMultipathUnits(fs)) configured.push(`${unit} (multipathd enabled at boot)`);
  return { judgedFrom, activeMaps, configured, claimed: wwids + bindings, ...(notes.length ? { notes } : {}) };
}

/** A device-mapper uuid of a multipath map: "mpath-<wwid>" (a partition on it is "part1-mpath-…"). */
export function isMultipathUuid(uuid: string): boolean {
  return /^(part\d+-)?mpath-/.test(uuid);
}

/** Lines of /etc/multipath/wwids: "/3600508b400105e210000900000490000/"; # comments. */
export function countWwids(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (/^\/[^/\s]+\/\s*$/.test(line.trim())) n++;
  return n;
}

/** Lines of /etc/multipath/bindings: "mpatha 3600508b400105e210000900000490000"; # comments. */
export function countBindings(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (/^[^#\s]\S*\s+\S+\s*$/.test(line.trim())) n++;
  return n;
}

/** multipathd.service or .socket linked into a *.wants directory (and not masked), or a SysV S*multipathd link. */
async function enabledMultipathUnits(fs: GuestFs): Promise<string[]> {
  const found: string[] = [];
  const masked = async (unit: string) => (await fs.readLink(`/etc/systemd/system/${unit}`)) === '/dev/null';
  for (const dir of UNIT_DIRS) {
    const wants = (await fs.listOrEmpty(dir))
      .filter((n) => n.endsWith('.wants'))
      .sort()
      .slice(0, 200);
    for (const w of wants) {
      for (const unit of (await fs.listOrEmpty(`${dir}/${w}`)).filter((n) => n === 'multipathd.service' || n === 'multipathd.socket').sort()) {
        if (!(await masked(unit))) found.push(`${dir}/${w}/${unit}`);
      }
    }
  }
  for (const dir of SYSV_DIRS) for (const n of (await fs.listOrEmpty(dir)).filter((e) => /^S\d*multipath(d|-tools)$/.test(e)).sort()) found.push(`${dir}/${n}`);
  return found;
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
