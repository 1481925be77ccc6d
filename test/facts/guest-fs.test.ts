// GuestFs: a guest path under --root resolves the way the guest's own kernel would resolve it if the
// root were its "/": absolute link targets restart at the root, `..` stops there, and nothing on the
// machine running asr-ready is ever read in the guest's place.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GuestFs, MAX_LINKS } from '../../src/facts/guest-fs';
import { FakeGuest } from '../helpers/fake-guest';

// A file planted outside every guest root, where an escaping link would land: it must never be read.
const outside = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-host-only-'));
const HOST_ONLY = path.join(outside, 'shadow');
writeFileSync(HOST_ONLY, 'host-only secret\n');
afterAll(() => rmSync(outside, { recursive: true, force: true }));

let guest: FakeGuest;
afterEach(() => guest?.remove());
const fsOf = (g: FakeGuest) => new GuestFs(g.root);

describe('GuestFs.resolve under --root', () => {
  it('takes an absolute link target relative to the root (SUSE ca-bundle.pem -> /var/lib/ca-certificates/...)', async () => {
    guest = new FakeGuest()
      .write('/var/lib/ca-certificates/ca-bundle.pem', 'guest bundle\n')
      .symlink('/etc/ssl/ca-bundle.pem', '/var/lib/ca-certificates/ca-bundle.pem');
    const resolved = await fsOf(guest).resolve('/etc/ssl/ca-bundle.pem');
    expect(resolved).toEqual({ ok: true, host: guest.path('/var/lib/ca-certificates/ca-bundle.pem'), guest: '/var/lib/ca-certificates/ca-bundle.pem' });
    expect((await fsOf(guest).readText('/etc/ssl/ca-bundle.pem')).text).toBe('guest bundle\n');
  });

  it('follows links in the middle of a path (RHEL /etc/ssl/certs -> ../pki/tls/certs, then an absolute bundle link)', async () => {
    guest = new FakeGuest()
      .write('/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', 'rhel bundle\n')
      .symlink('/etc/pki/tls/certs/ca-bundle.crt', '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem')
      .symlink('/etc/ssl/certs', '../pki/tls/certs');
    expect(await fsOf(guest).resolve('/etc/ssl/certs/ca-bundle.crt')).toMatchObject({ ok: true, guest: '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem' });
    expect(await fsOf(guest).list('/etc/ssl/certs')).toEqual(['ca-bundle.crt']);
  });

  it('never leaves the root: an absolute link to a host file, a climbing link and a climbing path all stay inside', async () => {
    guest = new FakeGuest()
      .symlink('/etc/absolute', HOST_ONLY)
      .symlink('/etc/climbing', `${'../'.repeat(30)}${HOST_ONLY.slice(1)}`)
      .symlink('/etc/shadow-link', '/etc/shadow');
    const fs = fsOf(guest);
    for (const link of ['/etc/absolute', '/etc/climbing']) {
      const got = await fs.readText(link);
      expect(got.text).toBeNull();
      expect(got.note).toBe(`${link}: is a dangling link: it leads to ${HOST_ONLY}, which does not exist inside --root`);
    }
    // `..` above the root is the root, as at a real "/": /../../tmp/x is the guest's /tmp/x.
    expect(await fs.resolve(`/../../..${HOST_ONLY}`)).toEqual({ ok: false, reason: 'missing', problem: 'does not exist' });
    // A link to /etc/shadow reads the guest's /etc/shadow (absent here), never this machine's.
    expect(await fs.readText('/etc/shadow-link')).toEqual({
      text: null,
      exists: true,
      truncated: false,
      note: '/etc/shadow-link: is a dangling link: it leads to /etc/shadow, which does not exist inside --root',
    });
  });

  it('reads the planted file only when the guest really has it at that path (inside the root)', async () => {
    guest = new FakeGuest().write(HOST_ONLY, "the guest's own file\n").symlink('/etc/absolute', HOST_ONLY);
    expect((await fsOf(guest).readText('/etc/absolute')).text).toBe("the guest's own file\n");
  });

  it('names a loop (self, pair, and a chain longer than the kernel allows) and a dangling link', async () => {
    guest = new FakeGuest().symlink('/a', '/a').symlink('/b', 'c').symlink('/c', '/b').symlink('/dead', '/usr/share/nothing');
    for (let i = 0; i <= MAX_LINKS; i++) guest.symlink(`/chain/${i}`, `/chain/${i + 1}`);
    guest.write(`/chain/${MAX_LINKS + 1}`, 'end');
    const fs = fsOf(guest);
    for (const p of ['/a', '/b', '/chain/0'])
      expect(await fs.resolve(p)).toEqual({ ok: false, reason: 'loop', problem: `is a symbolic link loop (more than ${MAX_LINKS} links followed)` });
    // One link fewer than the limit still resolves.
    expect(await fs.resolve('/chain/1')).toMatchObject({ ok: true, guest: `/chain/${MAX_LINKS + 1}` });
    expect(await fs.resolve('/dead')).toEqual({
      ok: false,
      reason: 'missing',
      dangling: true,
      problem: 'is a dangling link: it leads to /usr/share/nothing, which does not exist inside --root',
    });
    expect((await fs.readText('/a')).note).toBe(`/a: is a symbolic link loop (more than ${MAX_LINKS} links followed)`);
  });

  it('a file used as a directory is "not a directory", and an absent name is absent (no note)', async () => {
    guest = new FakeGuest().write('/etc/hostname', 'vm1\n');
    const fs = fsOf(guest);
    expect(await fs.resolve('/etc/hostname/x')).toEqual({ ok: false, reason: 'missing', problem: 'does not exist (/etc/hostname is not a directory)' });
    expect(await fs.readText('/etc/nothing')).toEqual({ text: null, exists: false, truncated: false, note: null });
    expect(await fs.list('/etc/nothing')).toBeNull();
    expect(await fs.listOrEmpty('/etc/nothing')).toEqual([]);
  });

  it("readLink gives a link's own text (for /dev/disk/by-uuid) with its directory resolved inside the root", async () => {
    guest = new FakeGuest().symlink('/dev/disk/by-uuid/0a1b', '../../sda1').symlink('/run/disks', '/dev/disk');
    const fs = fsOf(guest);
    expect(await fs.readLink('/dev/disk/by-uuid/0a1b')).toBe('../../sda1');
    expect(await fs.readLink('/run/disks/by-uuid/0a1b')).toBe('../../sda1');
    expect(await fs.readLink('/dev/disk/by-uuid')).toBeNull();
  });

  it('the last component is opened without following links (O_NOFOLLOW): a link swapped in after the walk is refused', async () => {
    guest = new FakeGuest().write('/etc/os-release', 'ID=debian\n');
    const fs = fsOf(guest);
    const resolved = await fs.resolve('/etc/os-release');
    expect(resolved.ok).toBe(true);
    if (!resolved.ok) return;
    rmSync(guest.path('/etc/os-release'));
    guest.symlink('/etc/os-release', HOST_ONLY);
    const read = await fs.readResolved(resolved);
    expect(read.ok).toBe(false);
  });
});

describe('GuestFs live (root "/")', () => {
  it('lets the kernel resolve, and names what it finds', async () => {
    const fs = GuestFs.live();
    expect(fs.isLive).toBe(true);
    expect(await fs.resolve(HOST_ONLY)).toEqual({ ok: true, host: HOST_ONLY, guest: HOST_ONLY });
    expect((await fs.readText(HOST_ONLY)).text).toBe('host-only secret\n');
    expect(await fs.resolve(path.join(outside, 'none'))).toMatchObject({ ok: false, reason: 'missing' });
  });
});

describe('GuestFs: review cases', () => {
  it('a missing file under a linked directory is plainly absent, not a dangling link (merged /usr: /lib -> usr/lib)', async () => {
    guest = new FakeGuest().mkdir('/usr/lib').symlink('/lib', 'usr/lib').mkdir('/etc/pki/tls/certs').symlink('/etc/ssl/certs', '../pki/tls/certs');
    const fs = fsOf(guest);
    expect(await fs.resolve('/lib/apk/db/installed')).toEqual({ ok: false, reason: 'missing', problem: 'does not exist' });
    expect(await fs.readText('/etc/ssl/certs/ca-certificates.crt')).toEqual({ text: null, exists: false, truncated: false, note: null });
    // The path's own last name being a link to nothing is still named.
    guest.symlink('/etc/ssl/certs/x.pem', '/usr/share/none.pem');
    expect(await fs.resolve('/etc/ssl/certs/x.pem')).toMatchObject({ ok: false, dangling: true });
  });

  it('a trailing "/" asks for a directory, a relative path is refused, and readLink never looks above the root', async () => {
    guest = new FakeGuest().write('/etc/passwd', 'root:x:0:0\n');
    const fs = fsOf(guest);
    expect(await fs.resolve('/etc/passwd/')).toMatchObject({ ok: false, reason: 'missing' });
    expect(await fs.resolve('/etc/')).toMatchObject({ ok: true, guest: '/etc' });
    expect(await fs.resolve('etc/passwd')).toEqual({ ok: false, reason: 'error', problem: 'is not an absolute guest path' });
    expect(await fs.resolve('')).toMatchObject({ ok: false, reason: 'error' });
    expect(await fs.readLink('/..')).toBeNull();
    expect(await fs.readLink('/')).toBeNull();
  });

  it('live, a dangling link is named as under --root; an absent name is absent', async () => {
    const link = path.join(outside, 'dangling');
    rmSync(link, { force: true });
    symlinkSync(path.join(outside, 'nothing-here'), link);
    expect(await GuestFs.live().resolve(link)).toEqual({
      ok: false,
      reason: 'missing',
      dangling: true,
      problem: `is a dangling link: it leads to ${path.join(outside, 'nothing-here')}, which does not exist`,
    });
    expect(await GuestFs.live().resolve(path.join(outside, 'absent'))).toEqual({ ok: false, reason: 'missing', problem: 'does not exist' });
  });
});
