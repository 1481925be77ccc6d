// Disks from /sys/block (size, partitions, holders, NVMe) and the roles Azure's udev rules give
// them in /dev/disk/azure (os, resource, data/by-lun/N, or the older root and scsi1/lunN names).
import path from 'node:path';
import { GuestFs } from '../guest-fs';

export interface BlockDevice {
  name: string;
  sizeBytes: number | null;
  partitions: string[];
  /** Devices built on this disk (LVM, dm-crypt, md): it is in use even without partitions. */
  holders: string[];
  nvme: boolean;
  model: string | null;
  role: 'os' | 'resource' | 'data' | 'unknown';
  lun: string | null;
}

const IGNORED = /^(loop|ram|sr|fd|dm-|md|zram|nbd)/;

export async function readBlockDevices(root: string): Promise<BlockDevice[]> {
  const fs = new GuestFs(root);
  const names = (await fs.listOrEmpty('/sys/block')).filter((n) => !IGNORED.test(n)).sort();
  if (names.length === 0) return [];
  const roles = await readAzureDiskLinks(fs);
  const devices: BlockDevice[] = [];
  for (const name of names) {
    const dir = `/sys/block/${name}`;
    const sectors = Number.parseInt((await fs.readTextIfExists(`${dir}/size`)) ?? '', 10);
    const entries = await fs.listOrEmpty(dir);
    const partitions = entries.filter((e) => e.startsWith(name) && e !== name).sort();
    const holders = await fs.listOrEmpty(`${dir}/holders`);
    const model = (await fs.readTextIfExists(`${dir}/device/model`))?.trim() || null;
    const role = roles.get(name);
    devices.push({
      name,
      sizeBytes: Number.isFinite(sectors) ? sectors * 512 : null,
      partitions,
      holders: holders.sort(),
      nvme: name.startsWith('nvme'),
      model,
      role: role?.role ?? 'unknown',
      lun: role?.lun ?? null,
    });
  }
  return devices;
}

/** /dev/disk/azure/{os,root,resource} and data/by-lun/N or scsi1/lunN, resolved to device names. */
async function readAzureDiskLinks(fs: GuestFs): Promise<Map<string, { role: BlockDevice['role']; lun: string | null }>> {
  const roles = new Map<string, { role: BlockDevice['role']; lun: string | null }>();
  const base = '/dev/disk/azure';
  // The link's own text names the device (../../sda): it is read, not followed.
  const target = async (link: string) => {
    const to = await fs.readLink(link);
    return to === null ? null : path.posix.basename(to);
  };
  for (const [link, role] of [
    ['os', 'os'],
    ['root', 'os'],
    ['resource', 'resource'],
  ] as const) {
    const device = await target(`${base}/${link}`);
    if (device && !roles.has(device)) roles.set(device, { role, lun: null });
  }
  for (const dir of ['data/by-lun', 'scsi1']) {
    const luns = await fs.listOrEmpty(`${base}/${dir}`);
    for (const entry of luns) {
      const lun = /^(?:lun)?(\d+)$/.exec(entry)?.[1];
      const device = lun !== undefined ? await target(`${base}/${dir}/${entry}`) : null;
      if (device && lun !== undefined) roles.set(device, { role: 'data', lun });
    }
  }
  return roles;
}
