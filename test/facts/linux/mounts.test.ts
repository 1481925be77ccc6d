// Mount tables (src/facts/linux/mounts.ts): the recorded mountinfo and fstab as written.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFstab, parseMountinfo } from '../../../src/facts/linux/mounts';
import { fixture } from '../../helpers/paths';

describe('mount tables', () => {
  it('reads the recorded Ubuntu mountinfo: ext4 root on LVM among the virtual file systems', () => {
    const entries = parseMountinfo(readFileSync(fixture('linux', 'proc', 'mountinfo-ubuntu.jc.txt'), 'utf8'));
    expect(entries.find((e) => e.mountPoint === '/')).toEqual({ mountPoint: '/', fsType: 'ext4', device: '/dev/mapper/ubuntu--vg-ubuntu--lv' });
  });
  it('reads fstab with UUIDs and escaped spaces', () => {
    expect(parseFstab('# comment\nUUID=ab12 / xfs defaults 0 0\n/dev/sdc1 /data\\040files ext4 defaults 0 2\n')).toEqual([
      { device: 'UUID=ab12', mountPoint: '/', fsType: 'xfs' },
      { device: '/dev/sdc1', mountPoint: '/data files', fsType: 'ext4' },
    ]);
  });
});
