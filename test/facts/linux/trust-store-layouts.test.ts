// Real distribution trust-store layouts under --root, built with the absolute links the
// distributions ship. Each store must be judged from the image's own files only: before GuestFs,
// these links were followed on the machine running asr-ready (the store "missing", or this
// machine's certificates judged as the guest's).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readLinuxTrustStore } from '../../../src/facts/linux/read-linux-trust-store';
import { FakeGuest } from '../../helpers/fake-guest';
import { debianBundleText, debianBundleWithout, rootPem, sha256Of } from '../../helpers/roots';
import { cleanEnv, runCli } from '../../helpers/cli';
import type { Report } from '../../../src/report/report';

const G2 = 'digicert-global-root-g2';
const BALTIMORE = 'baltimore-cybertrust-root';

// A full bundle planted on this machine where an escaping link would land.
const outside = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-host-store-'));
const HOST_BUNDLE = path.join(outside, 'ca-bundle.pem');
writeFileSync(HOST_BUNDLE, debianBundleText());
afterAll(() => rmSync(outside, { recursive: true, force: true }));

let guest: FakeGuest;
afterEach(() => guest?.remove());

/** SLES 15: /etc/ssl/ca-bundle.pem and /etc/ssl/certs are links into /var/lib/ca-certificates. */
function suseGuest(bundle: string): FakeGuest {
  return new FakeGuest()
    .write('/etc/os-release', 'NAME="SLES"\nVERSION_ID="15.5"\nID="sles"\nID_LIKE="suse"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\n')
    .write('/var/lib/ca-certificates/ca-bundle.pem', bundle)
    .write('/var/lib/ca-certificates/pem/DigiCert_Global_Root_G2.pem', rootPem(G2))
    .symlink('/var/lib/ca-certificates/pem/607986c7.0', 'DigiCert_Global_Root_G2.pem')
    .symlink('/etc/ssl/ca-bundle.pem', '/var/lib/ca-certificates/ca-bundle.pem')
    .symlink('/etc/ssl/certs', '/var/lib/ca-certificates/pem');
}

/** RHEL 8/9: ca-bundle.crt -> /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem; /etc/ssl/certs -> ../pki/tls/certs. */
function rhelGuest(bundle: string): FakeGuest {
  return new FakeGuest()
    .write(
      '/etc/os-release',
      'NAME="Red Hat Enterprise Linux"\nVERSION_ID="9.4"\nID="rhel"\nID_LIKE="fedora"\nPRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"\n',
    )
    .write('/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', bundle)
    .symlink('/etc/pki/tls/certs/ca-bundle.crt', '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem')
    .symlink('/etc/pki/tls/cert.pem', '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem')
    .symlink('/etc/ssl/certs', '../pki/tls/certs');
}

/** Debian 12: ca-certificates.crt is a file; name.pem -> /usr/share/ca-certificates/... (absolute); hash -> name.pem. */
function debianGuest(bundle: string, g2Pem: string): FakeGuest {
  return new FakeGuest()
    .write('/etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n')
    .write('/etc/ssl/certs/ca-certificates.crt', bundle)
    .write('/usr/share/ca-certificates/mozilla/DigiCert_Global_Root_G2.crt', g2Pem)
    .symlink('/etc/ssl/certs/DigiCert_Global_Root_G2.pem', '/usr/share/ca-certificates/mozilla/DigiCert_Global_Root_G2.crt')
    .symlink('/etc/ssl/certs/607986c7.0', 'DigiCert_Global_Root_G2.pem');
}

describe('real trust-store layouts under --root, judged from their own files', () => {
  it("SUSE: the bundle and the certs directory behind absolute links are the image's", async () => {
    guest = suseGuest(debianBundleWithout(BALTIMORE));
    const store = await readLinuxTrustStore({ root: guest.root, family: 'suse', overridePaths: [], env: {} });
    expect(store.sources.map((s) => [s.path, s.exists, s.certificates, s.problems])).toEqual([
      ['/etc/ssl/ca-bundle.pem', true, 143, []],
      ['/etc/ssl/certs', true, 1, []],
    ]);
    expect(store.certificates.has(sha256Of(BALTIMORE))).toBe(false); // the image's bundle lacks it
    expect(store.certificates.get(sha256Of(G2))!.locations).toContainEqual({ path: '/etc/ssl/certs/607986c7.0', via: 'hash-link', hashName: '607986c7' });
  });

  it('RHEL: both bundle paths lead to the extracted bundle inside the image, read once', async () => {
    guest = rhelGuest(debianBundleWithout(BALTIMORE));
    const store = await readLinuxTrustStore({ root: guest.root, family: 'rhel', overridePaths: [], env: {} });
    expect(store.sources.filter((s) => s.kind === 'bundle').map((s) => [s.path, s.exists, s.certificates])).toEqual([
      ['/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', true, 143],
      ['/etc/pki/tls/certs/ca-bundle.crt', true, 143],
    ]);
    expect(store.certificates.has(sha256Of(BALTIMORE))).toBe(false);
  });

  it("Debian: a name.pem link to /usr/share/ca-certificates reads the image's certificate, not this machine's", async () => {
    // The image's DigiCert_Global_Root_G2.crt holds Baltimore: if this machine's file were read, G2 would be found there.
    guest = debianGuest(debianBundleWithout(G2, BALTIMORE), rootPem(BALTIMORE));
    const store = await readLinuxTrustStore({ root: guest.root, family: 'debian', overridePaths: [], env: {} });
    expect(store.certificates.has(sha256Of(G2))).toBe(false);
    expect(store.certificates.get(sha256Of(BALTIMORE))!.locations).toEqual([
      { path: '/etc/ssl/certs/607986c7.0', via: 'hash-link', hashName: '607986c7' },
      { path: '/etc/ssl/certs/DigiCert_Global_Root_G2.pem', via: 'directory-file' },
    ]);
  });

  it('a store link that escapes to a full bundle on this machine is a dangling link, never read', async () => {
    guest = new FakeGuest()
      .write('/etc/os-release', 'NAME="SLES"\nVERSION_ID="15.5"\nID="sles"\n')
      .symlink('/etc/ssl/ca-bundle.pem', HOST_BUNDLE)
      .symlink('/etc/ssl/certs', `${'../'.repeat(20)}${outside.slice(1)}`);
    const store = await readLinuxTrustStore({ root: guest.root, family: 'suse', overridePaths: [], env: {} });
    expect(store.certificates.size).toBe(0);
    expect(store.sources[0]).toMatchObject({
      path: '/etc/ssl/ca-bundle.pem',
      exists: true,
      certificates: 0,
      problems: [`/etc/ssl/ca-bundle.pem: is a dangling link: it leads to ${HOST_BUNDLE}, which does not exist inside --root`],
    });
    expect(store.sources[1]).toMatchObject({
      path: '/etc/ssl/certs',
      exists: true,
      certificates: 0,
      problems: [`/etc/ssl/certs: is a dangling link: it leads to ${outside}, which does not exist inside --root`],
    });
  });
});

describe('trust.azure-roots through the CLI on real layouts (--root)', () => {
  const judge = async (g: FakeGuest): Promise<Report> => {
    const result = await runCli(['--root', g.root, '--checks', 'trust.azure-roots', '--json'], { env: cleanEnv() });
    return JSON.parse(result.stdout) as Report;
  };

  it.each([
    ['SUSE', () => suseGuest(debianBundleText())],
    ['RHEL', () => rhelGuest(debianBundleText())],
    ['Debian', () => debianGuest(debianBundleText(), rootPem(G2))],
  ])('%s with every Azure root in the image passes', async (_name, build) => {
    guest = build();
    const report = await judge(guest);
    expect(report.findings.map((f) => [f.checkId, f.status])).toEqual([['trust.azure-roots', 'pass']]);
  });

  it('RHEL whose image lacks DigiCert Global Root G2 fails with 151066, though this machine has it', async () => {
    guest = rhelGuest(debianBundleWithout(G2));
    const report = await judge(guest);
    const f = report.findings.find((x) => x.checkId === 'trust.azure-roots')!;
    expect(f.status).toBe('fail');
    expect(f.asrErrorCodes).toContain(151066);
    expect(f.summary).toContain('DigiCert Global Root G2 is missing');
    // Both bundle paths were read, the linked one through its absolute link inside the image.
    expect(f.summary).toContain('store: /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem and /etc/pki/tls/certs/ca-bundle.crt and /etc/pki/tls/certs');
  });
});
