// The hostile table: guest files under --root that are not what they should be. Each row: the run
// ends in bounded time with a report, and the finding names the path and says what it could not judge.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { findingOf as finding, runOnRoot as run, ROOT_RUN_BOUND_MS as BOUND_MS } from '../helpers/root-run';
import { FakeGuest } from '../helpers/fake-guest';

const GRUB_CFG = 'menuentry "Linux" {\n  linux /vmlinuz root=UUID=0a1b2c3d-0000-4000-8000-000000000001 ro\n}\n';

let guest: FakeGuest | null = null;
afterEach(() => {
  guest?.remove();
  guest = null;
});

function rhelGuest(): FakeGuest {
  guest = new FakeGuest('asr-ready-hostile-root-').osRelease('rhel', '8.10', 'Red Hat Enterprise Linux 8.10', 'fedora');
  return guest;
}

describe('hostile: guest files under --root', () => {
  it('a FIFO as /etc/os-release → os.supported warns naming the FIFO; no hang, exit 0', async () => {
    guest = new FakeGuest('asr-ready-hostile-root-').mkdir('/etc');
    execFileSync('mkfifo', [guest.path('/etc/os-release')]);
    const result = await run(guest, 'os.supported');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'os.supported');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('The distribution could not be identified: /etc/os-release: is a FIFO (named pipe), not a regular file; not read');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a directory as /etc/os-release → os.supported warns "is a directory"; exit 0', async () => {
    guest = new FakeGuest('asr-ready-hostile-root-').mkdir('/etc/os-release');
    const result = await run(guest, 'os.supported');
    expect(result.code).toBe(0);
    expect(finding(result.report, 'os.supported').summary).toContain('/etc/os-release: is a directory, not a regular file; not read');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a FIFO as /etc/default/grub → boot.grub-device-names warns that it was not judged, naming the FIFO; exit 0', async () => {
    const g = rhelGuest().mkdir('/etc/default');
    execFileSync('mkfifo', [g.path('/etc/default/grub')]);
    const result = await run(g, 'boot.grub-device-names');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'boot.grub-device-names');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('device names were not judged: /etc/default/grub: is a FIFO (named pipe), not a regular file; not read');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it("/boot/grub2/grub.cfg -> /dev/zero, with no /dev/zero in the image → a dangling link named; this machine's /dev/zero is never read; exit 0", async () => {
    const g = rhelGuest().symlink('/boot/grub2/grub.cfg', '/dev/zero').write('/etc/default/grub', 'GRUB_CMDLINE_LINUX="crashkernel=auto"\n');
    const result = await run(g, 'boot.grub-device-names');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'boot.grub-device-names');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('but not judged: /boot/grub2/grub.cfg: is a dangling link: it leads to /dev/zero, which does not exist inside --root');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it.skipIf(process.getuid?.() !== 0)(
    '/boot/grub2/grub.cfg -> the image\'s own /dev/zero (a character device) → "is a character device", never an endless read; exit 0',
    async () => {
      const g = rhelGuest().symlink('/boot/grub2/grub.cfg', '/dev/zero').write('/etc/default/grub', 'GRUB_CMDLINE_LINUX="crashkernel=auto"\n').mkdir('/dev');
      execFileSync('mknod', ['-m', '666', g.path('/dev/zero'), 'c', '1', '5']);
      const result = await run(g, 'boot.grub-device-names');
      expect(result.code).toBe(0);
      const f = finding(result.report, 'boot.grub-device-names');
      expect(f.status).toBe('warn');
      expect(f.summary).toContain('but not judged: /boot/grub2/grub.cfg: is a character device, not a regular file; not read');
      expect(result.ms).toBeLessThan(BOUND_MS);
    },
  );

  it('a 200 MB sparse /boot/grub2/grub.cfg → read only to the 4 MiB cap, the finding says "truncated at 4,194,304 bytes"; exit 0', async () => {
    const g = rhelGuest().write('/boot/grub2/grub.cfg', GRUB_CFG);
    execFileSync('truncate', ['-s', String(200 * 1024 * 1024), g.path('/boot/grub2/grub.cfg')]);
    const result = await run(g, 'boot.grub-device-names');
    expect(result.code).toBe(0);
    const f = finding(result.report, 'boot.grub-device-names');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('/boot/grub2/grub.cfg: truncated at 4,194,304 bytes (4 MiB); what follows was not read or judged');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a symbolic link loop as /etc/default/grub → "is a symbolic link loop"; exit 0', async () => {
    const g = rhelGuest().symlink('/etc/default/grub', 'grub.d').symlink('/etc/default/grub.d', 'grub');
    const result = await run(g, 'boot.grub-device-names');
    expect(result.code).toBe(0);
    expect(finding(result.report, 'boot.grub-device-names').summary).toContain('/etc/default/grub: is a symbolic link loop');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('an unreadable /etc/default/grub (run as nobody) → "permission denied", not a crash; exit 0', async () => {
    const g = rhelGuest().write('/etc/default/grub', 'GRUB_CMDLINE_LINUX="root=/dev/sda1"\n', 0o000);
    const result = await run(g, 'boot.grub-device-names', true);
    expect(result.code).toBe(0);
    const f = finding(result.report, 'boot.grub-device-names');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('/etc/default/grub: permission denied');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a FIFO as the CA bundle → trust.azure-roots names it among the problems; no hang, exit 1', async () => {
    const g = rhelGuest().mkdir('/etc/pki/ca-trust/extracted/pem');
    execFileSync('mkfifo', [g.path('/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem')]);
    const result = await run(g, 'trust.azure-roots');
    expect(result.code).toBe(1);
    const f = finding(result.report, 'trust.azure-roots');
    expect(f.status).toBe('fail');
    expect(f.evidence.problems).toContain('/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem: is a FIFO (named pipe), not a regular file; not read');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('a 200 MB sparse CA bundle → refused unread over the 16 MiB limit, named among the problems; exit 1', async () => {
    const g = rhelGuest().mkdir('/etc/pki/ca-trust/extracted/pem');
    execFileSync('truncate', ['-s', String(200 * 1024 * 1024), g.path('/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem')]);
    const result = await run(g, 'trust.azure-roots');
    expect(result.code).toBe(1);
    expect(finding(result.report, 'trust.azure-roots').evidence.problems).toContain(
      '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem: is 209,715,200 bytes, over the 16 MiB limit for a CA bundle (the Debian bundle is about 200 KiB); not read',
    );
    expect(result.ms).toBeLessThan(BOUND_MS);
  });
});
