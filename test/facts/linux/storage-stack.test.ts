// Multipath facts (src/facts/linux/storage-stack.ts): active maps from the device-mapper tables,
// configuration from an image. The /sys and /etc files are hand-written in the kernel's and
// multipath-tools' formats (see test/fixtures/SOURCES.md).
import { describe, expect, it } from 'vitest';
import { countBindings, countWwids, isMultipathUuid, logicalVolumesInBackup, readStorageStack } from '../../../src/facts/linux/storage-stack';
import { withGuest } from '../../helpers/fake-guest';
import { LVM_BACKUP } from '../../helpers/lvm-backup';

const WWID = '3600508b400105e210000900000490000';

describe('multipath files', () => {
  it('counts WWIDs in /etc/multipath/wwids (comments and stray lines not)', () => {
    expect(
      countWwids(
        `# Multipath wwids, Version : 1.0\n# NOTE: This file is automatically maintained by multipath and multipathd.\n# You should not need to edit this file in normal circumstances.\n#\n# Valid WWIDs:\n/${WWID}/\n/36001405abcdef/\nnot-a-wwid\n`,
      ),
    ).toBe(2);
    expect(countWwids('# Valid WWIDs:\n')).toBe(0);
  });

  it('counts aliases in /etc/multipath/bindings', () => {
    expect(
      countBindings(`# Multipath bindings, Version : 1.0\n# NOTE: this file is automatically maintained by the multipath program.\nmpatha ${WWID}\n`),
    ).toBe(1);
    expect(countBindings('# Format:\n# alias wwid\n#\n')).toBe(0);
  });

  it.each([
    [`mpath-${WWID}`, true],
    [`part1-mpath-${WWID}`, true],
    ['LVM-abcdefABCDEF', false],
    ['CRYPT-LUKS2-0a1b-luks-0a1b', false],
    ['', false],
  ])('dm uuid %j is multipath: %s', (uuid, yes) => {
    expect(isMultipathUuid(uuid)).toBe(yes);
  });
});

describe('readStorageStack: multipath', () => {
  it('live (a /sys/block): active maps from dm/uuid, named from dm/name; LVM maps are not multipath', async () => {
    const stack = await withGuest(
      (g) =>
        g
          .write('/sys/block/sda/size', '1\n')
          .write('/sys/block/dm-0/dm/uuid', `mpath-${WWID}\n`)
          .write('/sys/block/dm-0/dm/name', 'mpatha\n')
          .write('/sys/block/dm-1/dm/uuid', 'LVM-x\n')
          .write('/sys/block/dm-1/dm/name', 'vg-lv\n'),
      (g) => readStorageStack(g.root),
    );
    expect(stack.multipath).toEqual({ judgedFrom: 'device-mapper', activeMaps: [`mpatha (dm-0, mpath-${WWID})`], configured: [], claimed: 0 });
  });

  it('an image (no /sys): configuration only — conf, wwids, bindings, enabled units (systemd and SysV)', async () => {
    const stack = await withGuest(
      (g) =>
        g
          .write('/etc/multipath.conf', 'defaults {}\n')
          .write('/etc/multipath/wwids', `/${WWID}/\n`)
          .write('/etc/multipath/bindings', `mpatha ${WWID}\n`)
          .symlink('/etc/systemd/system/sysinit.target.wants/multipathd.service', '/usr/lib/systemd/system/multipathd.service')
          .symlink('/etc/rc.d/rc3.d/S13multipathd', '../init.d/multipathd'),
      (g) => readStorageStack(g.root),
    );
    expect(stack.multipath).toEqual({
      judgedFrom: 'configuration',
      activeMaps: [],
      configured: [
        '/etc/multipath.conf',
        '/etc/multipath/wwids lists 1 WWID(s)',
        '/etc/multipath/bindings binds 1 alias(es)',
        '/etc/systemd/system/sysinit.target.wants/multipathd.service (multipathd enabled at boot)',
        '/etc/rc.d/rc3.d/S13multipathd (multipathd enabled at boot)',
      ],
      claimed: 2,
    });
  });

  it('a multipath file that cannot be read is named, not taken as empty', async () => {
    const stack = await withGuest(
      (g) => g.mkdir('/etc/multipath/wwids'),
      (g) => readStorageStack(g.root),
    );
    expect(stack.multipath.notes).toEqual([expect.stringMatching(/^\/etc\/multipath\/wwids: is a directory/)]);
  });
});

describe('logical volumes', () => {
  it('reads logical volume names from an LVM metadata backup', () => {
    expect(logicalVolumesInBackup(LVM_BACKUP)).toEqual(['root', 'swap']);
  });

  it('reads device-mapper names with doubled dashes', async () => {
    const stack = await withGuest(
      (g) => g.write('/dev/mapper/ubuntu--vg-ubuntu--lv', ''),
      async (g) => readStorageStack(g.root),
    );
    expect(stack.logicalVolumes).toEqual(['ubuntu-vg/ubuntu-lv']);
  });
});
