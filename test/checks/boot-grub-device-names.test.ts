import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readGrubFacts } from '../../src/facts/linux/grub';
import { evaluateGrubDeviceNames } from '../../src/checks/boot-grub-device-names';
import { withGuest } from '../helpers/fake-guest';
import { BLS, BLS_PATH, GRUBENV, grubenvWith, UUID } from '../helpers/grub-boot-files';
import { fixture } from '../helpers/paths';

const grubFixture = (name: string) => readFileSync(fixture('linux', 'grub', name), 'utf8');

describe('boot.grub-device-names (151126)', () => {
  it.each([
    ['/etc/default/grub', 'default-grub-azure-rhel-7.4plus.msdocs'],
    ['/etc/default/grub', 'default-grub-centos-stream-9-lvm-resume.rhcsa-notes'],
    ['/boot/grub/grub.cfg', 'grub-linux-line-azure-ubuntu-18.04-recovery.msdocs'],
    ['/boot/grub/menu.lst', 'menu.lst-azure-sles-11-sp4-excerpt.msdocs'],
  ])('passes the recorded Azure configuration %s (%s)', async (path, name) => {
    const outcome = await withGuest(
      (g) => g.write(path, grubFixture(name)),
      async (g) => evaluateGrubDeviceNames(await readGrubFacts(g.root), 'rhel'),
    );
    expect(outcome.status).toBe('pass');
  });

  it('fails device names with the exact line and the UUID to use, and the Debian regeneration command', async () => {
    const outcome = await withGuest(
      (g) =>
        g
          .write('/etc/default/grub', 'GRUB_TIMEOUT=1\nGRUB_CMDLINE_LINUX="console=ttyS0 root=/dev/sda1 resume=/dev/sdb2"\n')
          .write('/boot/grub/grub.cfg', "menuentry 'Ubuntu' {\n\tlinux /boot/vmlinuz-5.15.0-1040-azure root=UUID=0b7e ro\n}\n")
          .symlink('/dev/disk/by-uuid/5d3a9c1e-0000-4000-8000-0000000000aa', '../../sda1'),
      async (g) => evaluateGrubDeviceNames(await readGrubFacts(g.root), 'debian'),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.asrErrorCodes).toEqual([151126]);
    expect(outcome.summary).toBe(
      'root=/dev/sda1, resume=/dev/sdb2 by device name in /etc/default/grub; Site Recovery fails with 151126. Line(s): /etc/default/grub:2: GRUB_CMDLINE_LINUX="console=ttyS0 root=/dev/sda1 resume=/dev/sdb2"',
    );
    expect(outcome.remediation).toBe(
      [
        '1. In /etc/default/grub line 2, replace root=/dev/sda1 with root=UUID=5d3a9c1e-0000-4000-8000-0000000000aa.',
        '2. In /etc/default/grub line 2, replace resume=/dev/sdb2 with resume=UUID=<the UUID that "blkid /dev/sdb2" prints>.',
        '3. Regenerate the configuration: sudo update-grub',
        '4. Reboot once to confirm the VM still starts, then enable replication.',
      ].join('\n'),
    );
  });

  it('skips a guest with no GRUB files at all', async () => {
    expect(
      (
        await withGuest(
          () => {},
          async (g) => evaluateGrubDeviceNames(await readGrubFacts(g.root), 'rhel'),
        )
      ).status,
    ).toBe('skip');
  });
});

const judgeBoot = (build: (g: import('../helpers/fake-guest').FakeGuest) => void) =>
  withGuest(build, async (g) => evaluateGrubDeviceNames(await readGrubFacts(g.root), 'rhel'));

describe('boot.grub-device-names: grubenv and BLS entries (RHEL 8 kernelopts)', () => {
  it('passes the recorded RHEL 8.4 grubenv and Rocky 8.5 BLS entry (root= is an LVM volume)', async () => {
    const outcome = await judgeBoot((g) => g.write('/boot/grub2/grubenv', GRUBENV).write(BLS_PATH, BLS));
    expect(outcome.status).toBe('pass');
  });

  it('kernelopts=root=/dev/sda2 in grubenv, used by the BLS entry through $kernelopts → fail 151126, once, naming the entry', async () => {
    const outcome = await judgeBoot((g) =>
      g.write('/boot/grub2/grubenv', grubenvWith('/dev/sda2')).write(BLS_PATH, BLS).symlink(`/dev/disk/by-uuid/${UUID}`, '../../sda2'),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.asrErrorCodes).toEqual([151126]);
    expect(outcome.summary).toMatch(
      /^root=\/dev\/sda2 by device name in \/boot\/grub2\/grubenv; Site Recovery fails with 151126\. Line\(s\): \/boot\/grub2\/grubenv:3: kernelopts=root=\/dev\/sda2 ro crashkernel=auto/,
    );
    expect(outcome.remediation!.split('\n')[0]).toBe(
      `1. In /boot/grub2/grubenv line 3 (used by ${BLS_PATH}:5), replace root=/dev/sda2 with root=UUID=${UUID}.`,
    );
    expect(outcome.remediation).toContain('grubby --update-kernel=ALL');
    expect((outcome.evidence as { offending: unknown[] }).offending).toEqual([
      expect.objectContaining({ path: '/boot/grub2/grubenv', lineNumber: 3, key: 'root', value: '/dev/sda2', usedBy: [`${BLS_PATH}:5`] }),
    ]);
  });

  it('kernelopts=root=UUID=… in grubenv → pass', async () => {
    expect((await judgeBoot((g) => g.write('/boot/grub2/grubenv', grubenvWith(`UUID=${UUID}`)).write(BLS_PATH, BLS))).status).toBe('pass');
  });

  it('kernelopts in grubenv is judged with no BLS entry too (the reference names the file, not its use)', async () => {
    expect((await judgeBoot((g) => g.write('/boot/grub2/grubenv', grubenvWith('/dev/sda2')))).status).toBe('fail');
  });

  it('a BLS entry naming a device in its own options → fail; by UUID → pass', async () => {
    const entry = (root: string) => BLS.replace('options $kernelopts $tuned_params', `options root=${root} ro crashkernel=auto $tuned_params`);
    const bad = await judgeBoot((g) => g.write('/boot/grub2/grubenv', GRUBENV).write(BLS_PATH, entry('/dev/sda2')));
    expect(bad).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(`Line(s): ${BLS_PATH}:5: options root=/dev/sda2 ro crashkernel=auto $tuned_params`),
    });
    expect((await judgeBoot((g) => g.write('/boot/grub2/grubenv', GRUBENV).write(BLS_PATH, entry(`UUID=${UUID}`)))).status).toBe('pass');
  });

  it('a BLS entry whose root= value is another grubenv variable (${rootdev}) → fail, pointing at grubenv', async () => {
    const env = GRUBENV.replace('tuned_initrd=\n', 'tuned_initrd=\nrootdev=/dev/sda2\n');
    const outcome = await judgeBoot((g) =>
      g.write('/boot/grub2/grubenv', env).write(BLS_PATH, BLS.replace('options $kernelopts', 'options root=${rootdev} ro')),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.remediation!.split('\n')[0]).toBe(
      `1. In /boot/grub2/grubenv line 8 (the $rootdev that ${BLS_PATH} line 5 boots with), replace root=/dev/sda2 with root=UUID=<the UUID that "blkid /dev/sda2" prints>.`,
    );
    const uuid = await judgeBoot((g) =>
      g
        .write('/boot/grub2/grubenv', env.replace('rootdev=/dev/sda2', `rootdev=UUID=${UUID}`))
        .write(BLS_PATH, BLS.replace('options $kernelopts', 'options root=${rootdev} ro')),
    );
    expect(uuid.status).toBe('pass');
  });
});

describe('boot.grub-device-names: GRUB script and shell quoting', () => {
  it.each([
    ['unquoted GRUB_CMDLINE_LINUX=root=…', '/etc/default/grub', (v: string) => `GRUB_CMDLINE_LINUX=root=${v}\n`],
    ['a backslash-continued GRUB_CMDLINE_LINUX', '/etc/default/grub', (v: string) => `GRUB_CMDLINE_LINUX="console=ttyS0 \\\nroot=${v} rootdelay=300"\n`],
    ['a GRUB_CMDLINE_LINUX quoted over two lines', '/etc/default/grub', (v: string) => `GRUB_CMDLINE_LINUX="console=ttyS0\nresume=${v}"\n`],
    [
      '/etc/default/grub.d/*.cfg (Ubuntu cloud images)',
      '/etc/default/grub.d/50-cloudimg-settings.cfg',
      (v: string) => `GRUB_CMDLINE_LINUX_DEFAULT="console=tty1 console=ttyS0 root=${v}"\n`,
    ],
    ['export GRUB_CMDLINE_LINUX_DEFAULT', '/etc/default/grub', (v: string) => `export GRUB_CMDLINE_LINUX_DEFAULT='root=${v}'\n`],
    ['a single-quoted value in grub.cfg', '/boot/grub2/grub.cfg', (v: string) => `menuentry 'Linux' {\n\tlinux /vmlinuz root='${v}' ro\n}\n`],
    ['a double-quoted value in grub.cfg', '/boot/grub/grub.cfg', (v: string) => `\tlinux\t/boot/vmlinuz-5.15.0-1040-azure root="${v}" ro console=ttyS0\n`],
    ['a one-line menuentry { linux …; }', '/boot/grub/grub.cfg', (v: string) => `menuentry 'Linux' { linux /vmlinuz root=${v} ro; initrd /initrd.img; }\n`],
    ['Xen: module /vmlinuz root=…', '/boot/grub2/grub.cfg', (v: string) => `multiboot2 /xen.gz dom0_mem=4096M\nmodule2 /vmlinuz-4.12 root=${v} ro\n`],
    [
      "grub.cfg's set kernelopts fallback",
      '/boot/grub2/grub.cfg',
      (v: string) => `if [ -z "\${kernelopts}" ]; then\n  set kernelopts="root=${v} ro crashkernel=auto "\nfi\n`,
    ],
  ])('%s: a device name fails, a UUID passes', async (_name, path, content) => {
    const bad = await judgeBoot((g) => g.write(path, content('/dev/sda1')));
    expect(bad).toMatchObject({ status: 'fail', asrErrorCodes: [151126] });
    const good = await judgeBoot((g) => g.write(path, content(`UUID=${UUID}`)));
    expect(good.status).toBe('pass');
  });

  it('a device name after # (a comment) is not read; # inside a word is not a comment', async () => {
    expect((await judgeBoot((g) => g.write('/boot/grub2/grub.cfg', `linux /vmlinuz root=UUID=${UUID} ro # was root=/dev/sda1\n`))).status).toBe('pass');
    expect((await judgeBoot((g) => g.write('/boot/grub2/grub.cfg', `linux /vmlinuz ro a#b root=/dev/sda1\n`))).status).toBe('fail');
  });

  it('a quote never closed: the lines after it are still read, one by one, and the finding says so', async () => {
    const outcome = await judgeBoot((g) => g.write('/boot/grub2/grub.cfg', 'set timeout="5\nlinux /vmlinuz root=/dev/sda1 ro\n'));
    expect(outcome.status).toBe('fail');
    const facts = await withGuest(
      (g) => g.write('/boot/grub2/grub.cfg', `set timeout="5\nlinux /vmlinuz root=UUID=${UUID} ro\n`),
      (g) => readGrubFacts(g.root),
    );
    expect(facts.files.find((f) => f.path === '/boot/grub2/grub.cfg')!.note).toBe(
      '/boot/grub2/grub.cfg: a quote opened in the command on line 1 is never closed, so GRUB or the shell would reject the file from there; the lines from there on were read one by one',
    );
  });
});
