// Mount tables (src/facts/linux/mounts.ts): /proc/self/mountinfo and /etc/fstab. Never throws,
// octal escapes decoded (a newline included: renderers escape it), values capped, linear.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFstab, parseMountinfo } from '../../src/facts/linux/mounts';
import { EVIDENCE_MAX_CHARS } from '../../src/core/text-bounds';
import { mountKind } from '../../src/checks/storage-filesystems';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const INFO_LINE = '36 35 98:0 /mnt1 /mnt/point rw,noatime master:1 - ext4 /dev/sda1 rw,errors=continue\n';
const FRAGMENTS = [INFO_LINE, ' - ', ' ', '\\040', '\\012', '\\', '\n', '\t', '#', 'UUID=1 / xfs defaults 0 0\n', '-'];

describe('mount table parsers', () => {
  it('never throw; every entry has its three fields, capped', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(FRAGMENTS, 60)), (text) => {
        for (const e of [...parseMountinfo(text), ...parseFstab(text)]) {
          for (const v of [e.device, e.mountPoint, e.fsType]) {
            expect(typeof v).toBe('string');
            expect(v.length).toBeLessThanOrEqual(EVIDENCE_MAX_CHARS + 40);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('every entry, whatever its source form, is put in exactly one class; a disk file system is never dropped', () => {
    const FS = ['ext4', 'xfs', 'btrfs', 'zfs', 'nfs4', 'fuse.sshfs', 'fuse', 'fuseblk', 'tmpfs', 'overlay', 'vfat', 'reiserfs', 'f2fs', ''];
    const SOURCES = [
      '/dev/sda1',
      'UUID=1',
      'LABEL=x',
      'PARTUUID=1',
      'PARTLABEL=x',
      'ID=x',
      'rpool/ROOT/ubuntu',
      '/dev/mapper/vg-lv',
      'server:/export',
      '/dev/loop0',
      'none',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...FS),
        fc.oneof(fc.constantFrom(...SOURCES), fc.string({ unit: 'binary', maxLength: 20 })),
        fc.string({ maxLength: 10 }),
        (fsType, device, mountPoint) => {
          const kind = mountKind({ device, mountPoint, fsType });
          expect(['virtual', 'network', 'fuse', 'loop', 'disk']).toContain(kind);
          // Only the file system type (or a loop device) takes a mount off the disks: the source form never does.
          if (['ext4', 'xfs', 'btrfs', 'zfs', 'fuseblk', 'vfat', 'reiserfs', 'f2fs'].includes(fsType) && !/^\/dev\/loop\d+$/.test(device))
            expect(kind).toBe('disk');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("decodes the kernel's octal escapes, a newline included", () => {
    expect(parseMountinfo('36 35 98:0 / /data\\012VERDICT:\\040READY rw - ext4 /dev/sdb1 rw\n')).toEqual([
      { mountPoint: '/data\nVERDICT: READY', fsType: 'ext4', device: '/dev/sdb1' },
    ]);
  });

  it.each([
    ['one huge line of blanks', (n: number) => ' '.repeat(n)],
    ['"- " repeated', (n: number) => repeatTo('- ', n)],
    ['backslashes without digits', (n: number) => repeatTo('\\', n, '1 2 3 4 /', ' rw - ext4 /dev/sda rw')],
    ['octal escapes in a huge mount point', (n: number) => repeatTo('\\040', n, '1 2 3 4 /', ' rw - ext4 /dev/sda rw')],
    ['many mounts', (n: number) => repeatTo(INFO_LINE, n)],
  ])('mountinfo is linear: %s', (name, build) => {
    expectLinear(name, parseMountinfo, build);
  });

  it.each([
    ['blanks and tabs', (n: number) => repeatTo(' \t', n)],
    ['"# " repeated', (n: number) => repeatTo('# ', n)],
    ['a huge device name', (n: number) => repeatTo('\\012', n, '', ' / xfs defaults 0 0')],
    ['many entries', (n: number) => repeatTo('UUID=1 /data xfs defaults 0 0\n', n)],
  ])('fstab is linear: %s', (name, build) => {
    expectLinear(name, parseFstab, build);
  });
});
