// The boot-file readers of src/facts/linux/grub.ts on the recorded files (test/fixtures/linux/boot,
// linux/grub; see test/fixtures/SOURCES.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blsVariableUses, dialectOf, parseGrubenv, parseKernelParams } from '../../../src/facts/linux/grub';
import { fixture } from '../../helpers/paths';

const read = (...parts: string[]) => readFileSync(fixture('linux', ...parts), 'utf8');
const GRUBENV = read('boot', 'grubenv-rhel-8.4-lvm-kernelopts.insights-core');
const BLS = read('boot', 'bls-entry-rocky-8.5-options-kernelopts.rocky-docs.conf');

describe('grubenv', () => {
  it('reads the recorded RHEL 8.4 environment block: names, values (trailing blank kept), lines; the # padding skipped', () => {
    const vars = parseGrubenv(GRUBENV, '/boot/grub2/grubenv');
    expect([...vars.keys()]).toEqual(['saved_entry', 'kernelopts', 'boot_success', 'boot_indeterminate', 'tuned_params', 'tuned_initrd']);
    expect(vars.get('kernelopts')).toEqual({
      value:
        'root=/dev/mapper/root_vg-lv_root ro crashkernel=auto resume=/dev/mapper/root_vg-lv_swap rd.lvm.lv=root_vg/lv_root rd.lvm.lv=root_vg/lv_swap console=tty0 console=ttyS0,115200 ',
      path: '/boot/grub2/grubenv',
      lineNumber: 3,
    });
    expect(vars.get('tuned_initrd')!.value).toBe('');
  });

  it('reads kernelopts as kernel arguments: root= right after "kernelopts=" included', () => {
    expect(parseKernelParams(GRUBENV, '/boot/grub2/grubenv').map((p) => [p.key, p.value, p.lineNumber])).toEqual([
      ['root', '/dev/mapper/root_vg-lv_root', 3],
      ['resume', '/dev/mapper/root_vg-lv_swap', 3],
      ['rd.lvm.lv', 'root_vg/lv_root', 3],
      ['rd.lvm.lv', 'root_vg/lv_swap', 3],
    ]);
  });

  it('a backslash escapes the next character, a newline included (grub-editenv writes values that way)', () => {
    expect(parseGrubenv('# GRUB Environment Block\nkernelopts=root=/dev/sda1\\\nquiet a\\\\b\nx=1\n', 'grubenv').get('kernelopts')).toEqual({
      value: 'root=/dev/sda1\nquiet a\\b',
      path: 'grubenv',
      lineNumber: 2,
    });
  });

  it('other variables are kernel arguments only when a BLS entry uses them', () => {
    const env = '# GRUB Environment Block\nrootdev=root=/dev/sda1\n';
    expect(parseKernelParams(env, '/boot/grub2/grubenv')).toEqual([]);
    expect(parseKernelParams(env, '/boot/grub2/grubenv', [], { argVariables: new Set(['rootdev']) })).toEqual([
      expect.objectContaining({ key: 'root', value: '/dev/sda1', lineNumber: 2 }),
    ]);
  });
});

describe('BLS entries', () => {
  it("finds the variables of the recorded Rocky 8.5 entry's options line, not those of other keys ($tuned_initrd, $grub_users)", () => {
    expect([...blsVariableUses(BLS, '/boot/loader/entries/x.conf')]).toEqual([
      ['kernelopts', ['/boot/loader/entries/x.conf:5']],
      ['tuned_params', ['/boot/loader/entries/x.conf:5']],
    ]);
  });

  it('expands $kernelopts from grubenv as GRUB does, and says where the value came from', () => {
    const variables = parseGrubenv(GRUBENV.replace('root=/dev/mapper/root_vg-lv_root', 'root=/dev/sda2'), '/boot/grub2/grubenv');
    expect(parseKernelParams(BLS, '/boot/loader/entries/x.conf', [], { variables }).filter((p) => p.key === 'root')).toEqual([
      {
        path: '/boot/loader/entries/x.conf',
        lineNumber: 5,
        line: 'options $kernelopts $tuned_params',
        key: 'root',
        value: '/dev/sda2',
        via: { variable: 'kernelopts', path: '/boot/grub2/grubenv', lineNumber: 3 },
      },
    ]);
  });

  it('single quotes keep $kernelopts literal; an undefined variable is empty', () => {
    const variables = parseGrubenv('kernelopts=root=/dev/sda2\n', 'grubenv');
    expect(parseKernelParams("options '$kernelopts'\n", '/boot/loader/entries/a.conf', [], { variables })).toEqual([]);
    expect(parseKernelParams('options root=$nothing ro\n', '/boot/loader/entries/a.conf', [], { variables })).toEqual([]);
  });
});

describe("dialects and the kernel's reading", () => {
  it.each([
    ['/boot/grub2/grubenv', 'grubenv'],
    ['/boot/efi/EFI/redhat/grubenv', 'grubenv'],
    ['/boot/loader/entries/a-5.14.conf', 'bls'],
    ['/etc/default/grub', 'shell'],
    ['/etc/default/grub.d/50-cloudimg-settings.cfg', 'shell'],
    ['/boot/grub/menu.lst', 'menu.lst'],
    ['/boot/grub2/grub.cfg', 'grub-script'],
  ])('%s is read as %s', (path, dialect) => {
    expect(dialectOf(path)).toBe(dialect);
  });

  it('reads the recorded Azure /etc/default/grub files and the CentOS Stream 9 one', () => {
    expect(
      parseKernelParams(read('grub', 'default-grub-centos-stream-9-lvm-resume.rhcsa-notes'), '/etc/default/grub').map((p) => `${p.key}=${p.value}`),
    ).toEqual(['resume=/dev/mapper/cs-swap', 'rd.lvm.lv=cs/root', 'rd.lvm.lv=cs/swap']);
    expect(parseKernelParams(read('grub', 'default-grub-azure-rhel-7.4plus.msdocs'), '/etc/default/grub')).toEqual([]);
  });

  it('drops the quotes the kernel drops: root="/dev/sda1" and "root=/dev/sda1"', () => {
    expect(parseKernelParams('kernelopts=root="/dev/sda1" "resume=/dev/sda2"\n', '/boot/grub2/grubenv').map((p) => p.value)).toEqual([
      '/dev/sda1',
      '/dev/sda2',
    ]);
  });

  it('root= with no value is not a parameter (the kernel ignores it)', () => {
    expect(parseKernelParams('linux /vmlinuz root= rd.lvm.lv= ro\n', '/boot/grub2/grub.cfg')).toEqual([]);
  });
});
