// A Linux guest's storage for storage.filesystems and storage.disks: /sys/block entries written into
// a fake guest, and the guest facts read back from it.
import { readMounts } from '../../../src/facts/linux/mounts';
import { readBlockDevices } from '../../../src/facts/linux/block-devices';
import { readStorageStack } from '../../../src/facts/linux/storage-stack';
import type { LinuxGuestFacts } from '../../../src/facts/facts';
import type { FakeGuest } from '../../helpers/fake-guest';

/** A /sys/block entry: size in sectors, partitions as subdirectories, optional holders and model. */
export function disk(g: FakeGuest, name: string, sizeBytes: number, options: { partitions?: string[]; holders?: string[]; model?: string } = {}): void {
  g.write(`/sys/block/${name}/size`, `${sizeBytes / 512}\n`);
  for (const p of options.partitions ?? []) g.write(`/sys/block/${name}/${p}/partition`, '1\n');
  g.mkdir(`/sys/block/${name}/holders`);
  for (const h of options.holders ?? []) g.write(`/sys/block/${name}/holders/${h}`, '');
  if (options.model) g.write(`/sys/block/${name}/device/model`, `${options.model}\n`);
}

export async function guestFacts(g: FakeGuest): Promise<LinuxGuestFacts> {
  return {
    kernel: { release: null, source: 'unknown', installed: [], debianVersion: null },
    grub: { files: [], params: [], uuidByDevice: {} },
    mounts: await readMounts(g.root),
    disks: await readBlockDevices(g.root),
    storage: await readStorageStack(g.root),
    resources: { vcpus: null, memoryBytes: null, source: 'test' },
  };
}
