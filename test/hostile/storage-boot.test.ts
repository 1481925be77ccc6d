// The hostile table, storage and boot files under --root: mount tables, multipath state and the
// GRUB environment and BLS entries that are not what they should be. Each row: the run ends in
// bounded time with a report, nothing outside the root is read, and the finding names what it
// could not judge (or judges what it could) — never a silent pass.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { findingOf as finding, runOnRoot as run, ROOT_RUN_BOUND_MS as BOUND_MS } from '../helpers/root-run';
import { FakeGuest } from '../helpers/fake-guest';

const BLS_PATH = '/boot/loader/entries/0f1e-4.18.0-305.el8.x86_64.conf';
const BLS =
  'title Red Hat Enterprise Linux (4.18.0-305.el8.x86_64) 8.4 (Ootpa)\nversion 4.18.0-305.el8.x86_64\nlinux /vmlinuz-4.18.0-305.el8.x86_64\noptions $kernelopts $tuned_params\n';

let guest: FakeGuest | null = null;
afterEach(() => {
  guest?.remove();
  guest = null;
});

function rhelGuest(): FakeGuest {
  guest = new FakeGuest('asr-ready-hostile-storage-').osRelease('rhel', '8.10', 'Red Hat Enterprise Linux 8.10', 'fedora');
  return guest;
}

describe('hostile: storage and boot files under --root', () => {
  it('a FIFO as /boot/grub2/grubenv (BLS entries use $kernelopts) → boot.grub-device-names warns naming the FIFO, no hang; exit 0', async () => {
    const g = rhelGuest().write(BLS_PATH, BLS).mkdir('/boot/grub2');
    execFileSync('mkfifo', [g.path('/boot/grub2/grubenv')]);
    const result = await run(g, 'boot.grub-device-names');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'boot.grub-device-names');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('/boot/grub2/grubenv: is a FIFO (named pipe), not a regular file; not read');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it("/boot/grub2/grubenv -> /etc/shadow of this machine (absolute link) → resolved inside the image (absent there), never this machine's file; exit 0", async () => {
    const g = rhelGuest().write(BLS_PATH, BLS).symlink('/boot/grub2/grubenv', '/etc/shadow');
    const result = await run(g, 'boot.grub-device-names');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'boot.grub-device-names');
    expect(f.summary).toContain('/boot/grub2/grubenv: is a dangling link: it leads to /etc/shadow, which does not exist inside --root');
    expect(JSON.stringify(f)).not.toMatch(/root:[^:]*:\d+:/);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a 10 MB grubenv of kernelopts=root=/dev/sda1 … on one line → cut at 4 MiB, still fails 151126, the cut named; exit 1', async () => {
    const g = rhelGuest()
      .write(BLS_PATH, BLS)
      .write('/boot/grub2/grubenv', `# GRUB Environment Block\nkernelopts=${'root=/dev/sda1 '.repeat((10 * 1024 * 1024) / 15)}`);
    const result = await run(g, 'boot.grub-device-names');
    expect(result.code).toBe(1);
    const f = finding(result.report, 'boot.grub-device-names');
    expect(f.status).toBe('fail');
    expect(f.asrErrorCodes).toEqual([151126]);
    expect((f.evidence as { notJudged: string[] }).notJudged.join(' ')).toContain('/boot/grub2/grubenv: truncated at 4,194,304 bytes');
    expect((f.evidence as { offending: unknown[] }).offending).toHaveLength(16);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a BLS options line of 2 MB of "${" (a brace never closed) → bounded, nothing invented; exit 0', async () => {
    const g = rhelGuest()
      .write(BLS_PATH, `options ${'${'.repeat(1024 * 1024)}\n`)
      .write('/boot/grub2/grubenv', '# GRUB Environment Block\nkernelopts=root=UUID=0d9f ro\n');
    const result = await run(g, 'boot.grub-device-names');
    expect(result.code).toBe(0);
    expect(finding(result.report, 'boot.grub-device-names').status).toBe('pass');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('1,500 BLS entries → the first 1,000 read, the rest named as not judged (warn, not pass); exit 0', async () => {
    const g = rhelGuest().write('/boot/grub2/grubenv', '# GRUB Environment Block\nkernelopts=root=UUID=0d9f ro\n');
    for (let i = 0; i < 1500; i++) g.write(`/boot/loader/entries/e${String(i).padStart(4, '0')}.conf`, 'options $kernelopts\n');
    const result = await run(g, 'boot.grub-device-names');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'boot.grub-device-names');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('/boot/loader/entries: 1,500 entries; only the first 1,000 (by name) were read, the other 500 were not judged');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a grub.cfg whose first quote never closes, hiding root=/dev/sda1 below it → still fails 151126, the broken quote named; exit 1', async () => {
    const g = rhelGuest().write('/boot/grub2/grub.cfg', "set timeout=\"5\nmenuentry 'RHEL' {\n  linux /vmlinuz root=/dev/sda1 ro\n}\n");
    const result = await run(g, 'boot.grub-device-names');
    expect(result.code).toBe(1);
    const f = finding(result.report, 'boot.grub-device-names');
    expect(f.status).toBe('fail');
    expect((f.evidence as { notJudged: string[] }).notJudged[0]).toContain('a quote opened in the command on line 1 is never closed');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('an fstab of 200,000 ZFS datasets and no / → bounded; warn (ZFS outside the matrix, / not found), never pass; exit 0', async () => {
    const g = rhelGuest().write('/etc/fstab', Array.from({ length: 200_000 }, (_, i) => `rpool/data/d${i} /srv/d${i} zfs defaults 0 0`).join('\n'));
    const result = await run(g, 'storage.filesystems');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'storage.filesystems');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('/etc/fstab has no entry for /');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('an fstab listing only kernel file systems and swap → "no file system on the VM\'s disks was found", warn, never pass; exit 0', async () => {
    const g = rhelGuest().write('/etc/fstab', 'tmpfs /tmp tmpfs defaults 0 0\n/swapfile none swap sw 0 0\nproc /proc proc defaults 0 0\n');
    const result = await run(g, 'storage.filesystems');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'storage.filesystems');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain("no file system on the VM's disks was found in /etc/fstab (3 mount(s) listed), so none was judged");
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a FIFO as /etc/multipath/wwids → named as not judged (warn), no hang; exit 0', async () => {
    const g = rhelGuest().write('/etc/fstab', 'UUID=1 / xfs defaults 0 0\n').write('/etc/multipath.conf', 'defaults {}\n').mkdir('/etc/multipath');
    execFileSync('mkfifo', [g.path('/etc/multipath/wwids')]);
    const result = await run(g, 'storage.filesystems');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'storage.filesystems');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain(
      'Multipath files could not be read, so they were not judged: /etc/multipath/wwids: is a FIFO (named pipe), not a regular file; not read',
    );
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('/sys/block/dm-0/dm/uuid -> /dev/zero (absolute link, no /dev/zero in the image) → not read from this machine; no map invented; exit 0', async () => {
    const g = rhelGuest()
      .write('/proc/self/mountinfo', '20 1 8:1 / / rw - ext4 /dev/sda1 rw\n')
      .write('/sys/block/sda/size', '62914560\n')
      .write('/sys/block/dm-0/dm/name', 'mpatha\n')
      .symlink('/sys/block/dm-0/dm/uuid', '/dev/zero');
    const result = await run(g, 'storage.filesystems');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'storage.filesystems');
    expect(f.status).toBe('pass');
    expect(f.evidence.multipath).toMatchObject({ judgedFrom: 'device-mapper', activeMaps: [] });
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a *.wants symbolic link loop in /etc/systemd/system → bounded, no crash; exit 0', async () => {
    const g = rhelGuest()
      .write('/etc/fstab', 'UUID=1 / xfs defaults 0 0\n')
      .symlink('/etc/systemd/system/sysinit.target.wants', 'loop.wants')
      .symlink('/etc/systemd/system/loop.wants', 'sysinit.target.wants');
    const result = await run(g, 'storage.filesystems');
    expect(result.code).toBe(0);
    expect(finding(result.report, 'storage.filesystems').status).toBe('pass');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a mount point with \\012 and a ZFS dataset named like a verdict → one warn, escaped; exit 0', async () => {
    const g = rhelGuest().write(
      '/proc/self/mountinfo',
      '20 1 0:30 / / rw - zfs rpool/ROOT/VERDICT:\\040READY rw\n21 20 8:1 / /boot\\012PASS rw - ext4 /dev/sda1 rw\n',
    );
    const result = await run(g, 'storage.filesystems');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'storage.filesystems');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('/ is zfs (rpool/ROOT/VERDICT: READY)');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });
});
