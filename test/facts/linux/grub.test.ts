// GRUB configuration facts (src/facts/linux/grub.ts): kernel parameters as GRUB and the shell read
// them, and each boot file read once.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKernelParams, readGrubFacts } from '../../../src/facts/linux/grub';
import { withGuest } from '../../helpers/fake-guest';
import { BLS, BLS_PATH, grubenvWith } from '../../helpers/grub-boot-files';
import { fixture } from '../../helpers/paths';

const grubFixture = (name: string) => readFileSync(fixture('linux', 'grub', name), 'utf8');

describe('kernel parameters of real Azure files', () => {
  it("reads the root= of a real Azure kernel command line, and ignores menu.lst's disk=/dev/sda and root (hd0,0)", () => {
    expect(parseKernelParams(grubFixture('proc-cmdline-azure-rhel-7.7-gen2-lvm.txt').replace(/^/, 'linux '), '/proc/cmdline')).toEqual([
      expect.objectContaining({ key: 'root', value: '/dev/mapper/rootvg-rootlv' }),
    ]);
    expect(parseKernelParams(grubFixture('menu.lst-azure-sles-11-sp4-excerpt.msdocs'), '/boot/grub/menu.lst').map((p) => [p.key, p.value])).toEqual([
      ['root', '/dev/disk/by-uuid/ab6b62bb--'],
    ]);
  });
});

describe('grubenv and BLS entries (RHEL 8 kernelopts)', () => {
  it('UEFI RHEL: /boot/grub2/grubenv links to /boot/efi/EFI/redhat/grubenv → read once, one finding', async () => {
    const facts = await withGuest(
      (g) => g.write('/boot/efi/EFI/redhat/grubenv', grubenvWith('/dev/sda2')).symlink('/boot/grub2/grubenv', '../efi/EFI/redhat/grubenv').write(BLS_PATH, BLS),
      (g) => readGrubFacts(g.root),
    );
    expect(facts.params.filter((p) => p.key === 'root')).toHaveLength(1);
    expect(facts.files.find((f) => f.path === '/boot/efi/EFI/redhat/grubenv')).toEqual({
      path: '/boot/efi/EFI/redhat/grubenv',
      exists: true,
      sameAs: '/boot/grub2/grubenv',
    });
  });
});

describe('GRUB script and shell quoting', () => {
  it('names the physical line of a continued command', async () => {
    const facts = await withGuest(
      (g) => g.write('/etc/default/grub', 'GRUB_TIMEOUT=1\nGRUB_CMDLINE_LINUX="console=ttyS0 \\\n  root=/dev/sda1"\n'),
      (g) => readGrubFacts(g.root),
    );
    expect(facts.params).toEqual([expect.objectContaining({ lineNumber: 3, line: 'root=/dev/sda1"', value: '/dev/sda1' })]);
  });
});
