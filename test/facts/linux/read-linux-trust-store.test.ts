import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readLinuxTrustStore } from '../../../src/facts/linux/read-linux-trust-store';
import { MAX_CERT_FILE_BYTES } from '../../../src/facts/linux/cert-source-reader';
import { FakeGuest } from '../../helpers/fake-guest';
import { debianBundleText, rootPem, sha256Of } from '../../helpers/roots';

const G2 = 'digicert-global-root-g2';
let guest: FakeGuest;
afterEach(() => guest?.remove());

function read(family: 'debian' | 'rhel' | 'suse', overridePaths: string[] = []) {
  return readLinuxTrustStore({ root: guest.root, family, overridePaths, env: {} });
}

describe('readLinuxTrustStore', () => {
  it('reads a Debian store: bundle, hashed directory, the ca-certificates version and date', async () => {
    guest = new FakeGuest()
      .write('/etc/ssl/certs/ca-certificates.crt', debianBundleText())
      .write('/usr/share/ca-certificates/mozilla/DigiCert_Global_Root_G2.crt', rootPem(G2))
      .symlink('/etc/ssl/certs/DigiCert_Global_Root_G2.pem', '/usr/share/ca-certificates/mozilla/DigiCert_Global_Root_G2.crt'.replace(/^/, '../../..'))
      .symlink('/etc/ssl/certs/607986c7.0', 'DigiCert_Global_Root_G2.pem')
      .write(
        '/var/lib/dpkg/status',
        'Package: bash\nStatus: install ok installed\nVersion: 5.2\n\nPackage: ca-certificates\nStatus: install ok installed\nVersion: 20230311+deb12u1\n',
      );
    const store = await read('debian');
    expect(store.sources.map((s) => [s.path, s.exists, s.certificates])).toEqual([
      ['/etc/ssl/certs/ca-certificates.crt', true, 144],
      ['/etc/ssl/certs', true, 144],
    ]);
    expect(store.sources[1]!.hashLinks).toBe(1);
    expect(store.certificates.get(sha256Of(G2))!.locations).toEqual([
      { path: '/etc/ssl/certs/ca-certificates.crt', via: 'bundle' },
      { path: '/etc/ssl/certs/607986c7.0', via: 'hash-link', hashName: '607986c7' },
      { path: '/etc/ssl/certs/DigiCert_Global_Root_G2.pem', via: 'directory-file' },
      { path: '/etc/ssl/certs/ca-certificates.crt', via: 'directory-file' },
    ]);
    expect(store.caPackage).toEqual({ name: 'ca-certificates', version: '20230311+deb12u1', date: '2023-03-11', source: '/var/lib/dpkg/status' });
  });

  it('reads DER files, and names broken links, link loops, FIFOs and oversized files without hanging', async () => {
    guest = new FakeGuest()
      .write('/etc/ssl/certs/607986c7.0', new X509Certificate(rootPem(G2)).raw)
      .symlink('/etc/ssl/certs/dead.pem', 'no-such-file.pem')
      .symlink('/etc/ssl/certs/aaaaaaaa.0', 'bbbbbbbb.0')
      .symlink('/etc/ssl/certs/bbbbbbbb.0', 'aaaaaaaa.0')
      .mkdir('/etc/ssl/certs/java');
    execFileSync('mkfifo', [guest.path('/etc/ssl/certs/cccccccc.0')]);
    execFileSync('truncate', ['-s', String(MAX_CERT_FILE_BYTES + 1), guest.path('/etc/ssl/certs/huge.pem')]);
    const store = await read('suse');
    const dir = store.sources.find((s) => s.path === '/etc/ssl/certs')!;
    expect(dir.certificates).toBe(1);
    expect(dir.hashLinks).toBe(1);
    expect(store.certificates.get(sha256Of(G2))!.locations).toEqual([{ path: '/etc/ssl/certs/607986c7.0', via: 'hash-link', hashName: '607986c7' }]);
    expect(dir.problems).toEqual([
      '/etc/ssl/certs/aaaaaaaa.0: is a symbolic link loop (more than 40 links followed)',
      '/etc/ssl/certs/bbbbbbbb.0: is a symbolic link loop (more than 40 links followed)',
      '/etc/ssl/certs/cccccccc.0: is a FIFO (named pipe), not a regular file; not read',
      '/etc/ssl/certs/dead.pem: is a dangling link: it leads to /etc/ssl/certs/no-such-file.pem, which does not exist inside --root',
      '/etc/ssl/certs/huge.pem: is 16,777,217 bytes, over the 16 MiB limit for a CA bundle (the Debian bundle is about 200 KiB); not read',
    ]);
    const bundle = store.sources.find((s) => s.path === '/etc/ssl/ca-bundle.pem')!;
    expect(bundle).toMatchObject({ exists: false, certificates: 0, problems: [] });
  });

  it('reads RHEL blocklist files as distrust', async () => {
    guest = new FakeGuest()
      .write('/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', debianBundleText())
      .write('/etc/pki/ca-trust/source/blocklist/digicert-g2.pem', rootPem(G2));
    const store = await read('rhel');
    expect(store.distrusted).toEqual([
      {
        sha256: sha256Of(G2),
        name: 'C=US, O=DigiCert Inc, OU=www.digicert.com, CN=DigiCert Global Root G2',
        listedIn: '/etc/pki/ca-trust/source/blocklist/digicert-g2.pem',
      },
    ]);
  });

  it('reads "!" lines of /etc/ca-certificates.conf as distrust, by fingerprint when the file is there and by name when not', async () => {
    guest = new FakeGuest()
      .write('/etc/ssl/certs/ca-certificates.crt', debianBundleText())
      .write('/etc/ca-certificates.conf', '# comment\nmozilla/ACCVRAIZ1.crt\n!mozilla/DigiCert_Global_Root_G2.crt\n!mozilla/Gone_Root.crt\n')
      .write('/usr/share/ca-certificates/mozilla/DigiCert_Global_Root_G2.crt', rootPem(G2));
    const store = await read('debian');
    expect(store.distrusted).toEqual([
      { sha256: sha256Of(G2), name: 'mozilla/DigiCert_Global_Root_G2.crt', listedIn: '/etc/ca-certificates.conf (!mozilla/DigiCert_Global_Root_G2.crt)' },
      { sha256: null, name: 'mozilla/Gone_Root.crt', listedIn: '/etc/ca-certificates.conf (!mozilla/Gone_Root.crt)' },
    ]);
  });

  it('uses only the --trust-store paths when given, and ignores the guest distrust lists', async () => {
    guest = new FakeGuest()
      .write('/etc/ssl/certs/ca-certificates.crt', debianBundleText())
      .write('/etc/ca-certificates.conf', '!mozilla/DigiCert_Global_Root_G2.crt\n')
      .write('/override/bundle.pem', rootPem(G2))
      .write('/override/dir/dd8e9d41.0', rootPem('digicert-global-root-g3'));
    const store = await read('debian', [guest.path('/override/bundle.pem'), guest.path('/override/dir')]);
    expect(store.origin).toBe('override');
    expect(store.sources.map((s) => [s.kind, s.origin, s.certificates])).toEqual([
      ['bundle', 'override', 1],
      ['directory', 'override', 1],
    ]);
    expect([...store.certificates.keys()]).toEqual([sha256Of(G2), sha256Of('digicert-global-root-g3')]);
    expect(store.distrusted).toEqual([]);
  });

  it("reports SSL_CERT_FILE and SSL_CERT_DIR when set, for the running system only (under --root they are this machine's)", async () => {
    guest = new FakeGuest().write('/etc/ssl/certs/ca-certificates.crt', rootPem(G2));
    const image = await readLinuxTrustStore({ root: guest.root, family: 'debian', overridePaths: [], env: { SSL_CERT_FILE: '/opt/corp/ca.pem' } });
    expect(image.opensslEnv).toEqual({});
    const live = await readLinuxTrustStore({
      root: '/',
      family: 'debian',
      overridePaths: [],
      env: { SSL_CERT_FILE: '/opt/corp/ca.pem', SSL_CERT_DIR: '/opt/corp/certs' },
    });
    expect(live.opensslEnv).toEqual({ SSL_CERT_FILE: '/opt/corp/ca.pem', SSL_CERT_DIR: '/opt/corp/certs' });
  });
});
