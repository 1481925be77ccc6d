import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateLinuxSupport, evaluateWindowsSupport } from '../../src/checks/os-supported';
import { evaluateKernel } from '../../src/checks/os-kernel';
import { SUPPORT_MATRIX, validateSupportMatrix, versionInRanges } from '../../src/catalog/support-matrix';
import { readHostFacts, type HostFacts } from '../../src/facts/host';
import { parseCurrentVersion } from '../../src/facts/windows/guest-parsers';
import { FakeGuest, withGuest } from '../helpers/fake-guest';
import { readKernelFacts, type KernelFacts } from '../../src/facts/linux/kernel';
import { compareKernelVersions, sortKernelReleases } from '../../src/facts/linux/kernel-version';
import { fixture } from '../helpers/paths';

const NOW = new Date('2026-11-27T12:00:00Z');
const kernel = (release: string | null, extra: Partial<KernelFacts> = {}): KernelFacts => ({ release, source: 'running', installed: [], debianVersion: null, ...extra });

async function hostFrom(files: Record<string, string>): Promise<HostFacts> {
  const guest = new FakeGuest();
  try {
    for (const [p, name] of Object.entries(files)) guest.write(p, readFileSync(fixture('linux', 'os-release', name)));
    return await readHostFacts(guest.root, 'linux');
  } finally {
    guest.remove();
  }
}

describe('os.supported on real os-release files', () => {
  // Expected verdicts from the reference's matrix (2026-01-01) and vendor end-of-life dates.
  it.each([
    ['almalinux-8.10', 'pass'], ['almalinux-9.4', 'pass'], ['rocky-8.10', 'pass'], ['rocky-9.4', 'pass'],
    ['rhel-8.10', 'pass'], ['rhel-9.4', 'pass'], ['rhel-9.6', 'pass'], ['rhel-10.0', 'pass'], ['rhel-7.5', 'warn'],
    ['ol-7.9', 'warn'], ['ol-8.9', 'pass'], ['ol-9.4', 'pass'],
    ['centos-7', 'warn'], ['centos-8', 'warn'], ['centos-stream-8', 'fail'], ['centos-stream-9', 'fail'],
    ['debian-9', 'warn'], ['debian-10', 'warn'], ['debian-11', 'pass'], ['debian-12', 'pass'], ['debian-13', 'fail'],
    ['ubuntu-12.04', 'fail'], ['ubuntu-14.04', 'warn'], ['ubuntu-18.04', 'warn'], ['ubuntu-20.04', 'warn'], ['ubuntu-22.04', 'pass'], ['ubuntu-24.04', 'pass'], ['ubuntu-25.04', 'fail'],
    ['sles-11-sp4', 'warn'], ['sles-12-ga', 'fail'], ['sles-12-sp5', 'warn'], ['sles_sap-12-sp2', 'warn'], ['sles-15-ga', 'pass'], ['sles-15-sp5', 'pass'], ['sles-15-sp6', 'pass'], ['sles-16.0', 'fail'],
    ['opensuse-leap-15.5', 'fail'], ['fedora-40', 'fail'], ['alpine-3.19.0', 'fail'], ['amzn-2', 'fail'], ['amzn-2023', 'fail'], ['azurelinux-3.0', 'fail'], ['mariner-2.0', 'fail'],
  ])('%s is %s', async (name, status) => {
    const host = await hostFrom({ '/etc/os-release': name });
    expect(evaluateLinuxSupport({ ...host, arch: 'x86_64' }, kernel(null), SUPPORT_MATRIX, NOW).status).toBe(status);
  });

  it('names the unsupported version and what is supported', async () => {
    const outcome = evaluateLinuxSupport(await hostFrom({ '/etc/os-release': 'debian-13' }), kernel(null), SUPPORT_MATRIX, NOW);
    expect(outcome.summary).toBe('Debian 13 is newer than the support matrix of 2026-01-01, which lists Debian up to 12: a release is supported only once the matrix lists it.');
    const old = evaluateLinuxSupport(await hostFrom({ '/etc/os-release': 'ubuntu-12.04' }), kernel(null), SUPPORT_MATRIX, NOW);
    expect(old.summary).toBe('Ubuntu 12.04 is not a supported version of Ubuntu; the matrix lists 14.04, 16.04, 18.04, 20.04, 22.04, 24.04.');
    const eol = evaluateLinuxSupport(await hostFrom({ '/etc/os-release': 'ubuntu-20.04' }), kernel(null), SUPPORT_MATRIX, NOW);
    expect(eol.summary).toBe('Ubuntu 20.04 is in the support matrix but reached end of life on 2025-05-31: no new kernels or fixes, and Site Recovery may drop it. Row "Ubuntu 20.04" of the support matrix of 2026-01-01.');
    const pass = evaluateLinuxSupport(await hostFrom({ '/etc/os-release': 'rhel-9.6' }), kernel(null), SUPPORT_MATRIX, NOW);
    expect(pass).toMatchObject({ summary: 'Red Hat Enterprise Linux 9.6 is in the Site Recovery support matrix: row "Red Hat Enterprise Linux 9.0-9.7" of the matrix of 2026-01-01.', evidence: { matrixRow: 'Red Hat Enterprise Linux 9.0-9.7', matrixDate: '2026-01-01' } });
  });

  it('uses /etc/debian_version to tell the unsupported Debian 9.0 from 9.13', async () => {
    const host = await hostFrom({ '/etc/os-release': 'debian-9' });
    expect(evaluateLinuxSupport(host, kernel(null, { debianVersion: '9.0' }), SUPPORT_MATRIX, NOW).status).toBe('fail');
    expect(evaluateLinuxSupport(host, kernel(null, { debianVersion: '9.13' }), SUPPORT_MATRIX, NOW).summary).toContain('Debian 9.13 is in the support matrix but reached end of life');
  });

  it('reads the pre-os-release files of CentOS 6.7, RHEL 6.7 and SLES 11 SP4', async () => {
    const centos = await hostFrom({ '/etc/redhat-release': 'centos-6.7.redhat-release' });
    expect([centos.distro, centos.version, centos.family]).toEqual(['centos', '6.7', 'rhel']);
    expect(evaluateLinuxSupport(centos, kernel(null), SUPPORT_MATRIX, NOW).status).toBe('warn');
    const rhel = await hostFrom({ '/etc/redhat-release': 'rhel-6.7.redhat-release' });
    expect(evaluateLinuxSupport(rhel, kernel(null), SUPPORT_MATRIX, NOW)).toMatchObject({ status: 'warn', summary: expect.stringContaining('Red Hat Enterprise Linux 6.7 is in the support matrix but reached end of life on 2020-11-30') });
    const sles = await hostFrom({ '/etc/SuSE-release': 'sles-11-sp4.SuSE-release' });
    expect([sles.distro, sles.version, sles.family]).toEqual(['sles', '11.4', 'suse']);
  });

  it('fails ARM64 whatever the distribution', async () => {
    const host = await hostFrom({ '/etc/os-release': 'ubuntu-24.04' });
    expect(evaluateLinuxSupport({ ...host, arch: 'aarch64' }, kernel(null), SUPPORT_MATRIX, NOW)).toMatchObject({ status: 'fail', summary: expect.stringContaining('Site Recovery does not support ARM64 VMs') });
  });

  it('keeps the catalog well-formed', () => {
    expect(() => validateSupportMatrix({ ...SUPPORT_MATRIX, linux: [{ ...SUPPORT_MATRIX.linux[0]!, versions: ['8.x'] }] })).toThrow(/version range "8.x" is malformed/);
    expect(versionInRanges('9.13', ['9.1-9.13'])).toBe(true);
    expect(versionInRanges('9.0', ['9.1-9.13'])).toBe(false);
    expect(versionInRanges('15.7', ['15-15.7'])).toBe(true);
    expect(() => validateSupportMatrix({ ...SUPPORT_MATRIX, linux: [{ ...SUPPORT_MATRIX.linux[0]!, versions: ['8.9-9.1'] }] })).toThrow(/"8.9-9.1" spans majors/);
    expect(() => validateSupportMatrix({ ...SUPPORT_MATRIX, linux: [{ ...SUPPORT_MATRIX.linux[0]!, majorOnlyVersionId: 'guess' as never }] })).toThrow(/unknown majorOnlyVersionId guess/);
    expect(versionInRanges('12.6', ['12.1-12.5'])).toBe(false);
  });
});

describe('os.supported: OS identity at the edges', () => {
  const synth = (release: Record<string, string>): HostFacts => ({ os: 'linux', distro: release.ID ?? null, distroName: release.PRETTY_NAME ?? null, version: release.VERSION_ID ?? null, kernel: null, arch: 'x86_64', hostname: 'h', family: 'unknown', osRelease: release, fromRoot: false });
  const judge = (release: Record<string, string>, debianVersion: string | null = null) => evaluateLinuxSupport(synth(release), kernel(null, { debianVersion }), SUPPORT_MATRIX, NOW);
  const file = async (name: string, at = '/etc/os-release') => evaluateLinuxSupport({ ...(await hostFrom({ [at]: name })), arch: 'x86_64' }, kernel(null), SUPPORT_MATRIX, NOW);

  it('reads SLES "12" as 12 GA (not listed) and "15" as 15 GA (listed), from the real files', async () => {
    expect(await file('sles-12-ga')).toMatchObject({
      status: 'fail',
      summary: 'SUSE Linux Enterprise Server 12 GA is not a supported version of SUSE Linux Enterprise Server; the matrix lists 11.3-11.4, 12.1-12.5, 15.0-15.7.',
      evidence: { versionId: '12', judgedVersion: '12.0' },
    });
    expect(await file('sles-15-ga')).toMatchObject({
      status: 'pass',
      summary: 'SUSE Linux Enterprise Server 15 GA is in the Site Recovery support matrix: row "SUSE Linux Enterprise Server 15.0-15.7" of the matrix of 2026-01-01.',
      evidence: { versionId: '15', judgedVersion: '15.0' },
    });
    expect(judge({ ID: 'sles', VERSION_ID: '11' }).status).toBe('fail');
  });

  it('says a release above every row is newer than the matrix of its date, and fails it', async () => {
    expect(await file('sles-16.0')).toMatchObject({
      status: 'fail',
      summary: 'SUSE Linux Enterprise Server 16.0 is newer than the support matrix of 2026-01-01, which lists SUSE Linux Enterprise Server up to 15.7: a release is supported only once the matrix lists it.',
      remediation: expect.stringContaining('Check the current Azure-to-Azure support matrix (https://learn.microsoft.com/azure/site-recovery/azure-to-azure-support-matrix) for SUSE Linux Enterprise Server 16.0'),
      evidence: { newerThanMatrix: true, newestListed: '15.7' },
    });
    // A minor after the last one listed for its major is new too.
    expect(judge({ ID: 'rhel', VERSION_ID: '9.8' }).summary).toBe('Red Hat Enterprise Linux 9.8 is newer than the support matrix of 2026-01-01, which lists Red Hat Enterprise Linux 9 up to 9.7: a release is supported only once the matrix lists it.');
    expect(judge({ ID: 'ubuntu', VERSION_ID: '26.04' })).toMatchObject({ status: 'fail', evidence: { newerThanMatrix: true, newestListed: '24.04' } });
    expect(judge({ ID: 'debian', VERSION_ID: '13' }, '13.1')).toMatchObject({ status: 'fail', evidence: { judgedVersion: '13.1', newerThanMatrix: true } });
  });

  it('fails older, interim and delisted releases with the ordinary message, saying why', () => {
    const interim = judge({ ID: 'ubuntu', VERSION_ID: '24.10' });
    expect(interim).toMatchObject({ status: 'fail', summary: 'Ubuntu 24.10 is not a supported version of Ubuntu; the matrix lists 14.04, 16.04, 18.04, 20.04, 22.04, 24.04.' });
    expect(interim.remediation).toMatch(/^24\.10 is not an LTS release, and the matrix lists Ubuntu LTS releases only\./);
    const sp6 = judge({ ID: 'sles', VERSION_ID: '12.6' });
    expect(sp6).toMatchObject({ status: 'fail', evidence: { why: '12.6 was listed by the support matrix of 2025-06-13, not by later ones' } });
    expect(sp6.summary).not.toContain('newer');
    expect(judge({ ID: 'rhel', VERSION_ID: '6.6' })).toMatchObject({ status: 'fail', summary: expect.stringContaining('Red Hat Enterprise Linux 6.6 is not a supported version') });
    expect(judge({ ID: 'rhel', VERSION_ID: '5' }).status).toBe('fail');
  });

  it.each([
    ['rhel', '8', '/etc/redhat-release'], ['ol', '9', '/etc/oracle-release'], ['rocky', '9', '/etc/rocky-release'], ['almalinux', '8', '/etc/almalinux-release'], ['ubuntu', '24', '/etc/lsb-release'],
  ])('a bare major from %s (VERSION_ID "%s") cannot be placed: warn, naming %s', (id, versionId, releaseFile) => {
    const outcome = judge({ ID: id, VERSION_ID: versionId });
    expect(outcome).toMatchObject({ status: 'warn', evidence: { unplaced: expect.stringContaining(`VERSION_ID "${versionId}" names no minor release`) } });
    expect(outcome.remediation).toContain(`Read the release from ${releaseFile}`);
  });

  it('with no VERSION_ID nothing is placed: warn', () => {
    expect(judge({ ID: 'rhel' })).toMatchObject({ status: 'warn', summary: expect.stringContaining('os-release has no VERSION_ID') });
    expect(judge({ ID: 'rhel', VERSION_ID: '9.x' })).toMatchObject({ status: 'warn', summary: expect.stringContaining('VERSION_ID "9.x" is not a version number') });
  });

  it('reads Debian "9" as a series: /etc/debian_version places it, and without it the point release is named unknown', () => {
    expect(judge({ ID: 'debian', VERSION_ID: '9' }, '9.0').status).toBe('fail');
    expect(judge({ ID: 'debian', VERSION_ID: '9' }, '9.1').status).toBe('warn'); // listed, end of life
    const unknown = judge({ ID: 'debian', VERSION_ID: '9' });
    expect(unknown).toMatchObject({ status: 'warn', evidence: { pointReleaseUnknown: true, matrixRow: 'Debian 9.1-9.13' } });
    expect(unknown.summary).toContain('Its point release is unknown (/etc/debian_version not read), and the row covers 9.1-9.13 only.');
    expect(judge({ ID: 'debian', VERSION_ID: '12' })).toMatchObject({ status: 'pass', evidence: { matrixRow: 'Debian 12' } });
  });

  it('recognises CentOS Stream from NAME, not VERSION_ID: CentOS Linux 8 and CentOS Stream 8 share VERSION_ID "8"', async () => {
    expect(await file('centos-8')).toMatchObject({ status: 'warn', evidence: { matched: 'centos', versionId: '8' } });
    const stream = await file('centos-stream-8');
    expect(stream).toMatchObject({ status: 'fail', evidence: { matched: 'centos-stream', versionId: '8', listedInOlderMatrices: false } });
    expect(stream.summary).toBe('CentOS Stream 8 is not in the Site Recovery support matrix. CentOS Stream (os-release ID=centos, NAME="CentOS Stream") is listed by no support matrix, whatever its version; it is not CentOS Linux.');
    expect(await file('centos-stream-9')).toMatchObject({ status: 'fail', evidence: { matched: 'centos-stream' } });
    // Without os-release: "CentOS Stream release 8" in /etc/redhat-release.
    expect(await file('centos-stream-8.redhat-release', '/etc/redhat-release')).toMatchObject({ status: 'fail', evidence: { matched: 'centos-stream' } });
  });

  it.each(['6.10', '7', '7.9', '8', '8.5', '9', '10', ''])('CentOS Stream with VERSION_ID "%s" fails as CentOS Stream', (versionId) => {
    const release = { ID: 'centos', NAME: 'CentOS Stream', PRETTY_NAME: `CentOS Stream ${versionId}`.trim(), ...(versionId ? { VERSION_ID: versionId } : {}) };
    expect(judge(release)).toMatchObject({ status: 'fail', evidence: { matched: 'centos-stream' } });
  });
});

describe('os.supported on Windows', () => {
  it('reads the recorded Windows 10 22H2 registry output as Windows 10, past end of support', () => {
    const version = parseCurrentVersion(readFileSync(fixture('windows', 'reg-query-hklm-windows-nt-currentversion.t-reg_sz.win10-enterprise-22h2.txt'), 'utf8'));
    expect(version).toMatchObject({ productName: 'Windows 10 Enterprise', build: 19045, installationType: 'Client', displayVersion: '22H2', isServer: false });
    expect(evaluateWindowsSupport(version, 'x86_64', SUPPORT_MATRIX, NOW)).toMatchObject({ status: 'warn', summary: expect.stringContaining('listed as Windows 10 but reached end of support on 2025-10-14') });
  });

  it.each([
    [{ productName: 'Windows Server 2022 Datacenter Azure Edition', build: 20348, isServer: true }, 'pass', 'Windows Server 2022'],
    [{ productName: 'Windows Server 2025 Datacenter', build: 26100, isServer: true }, 'pass', 'Windows Server 2025'],
    [{ productName: 'Windows 10 Enterprise', build: 22631, isServer: false }, 'pass', 'Windows 11'],
    [{ productName: 'Windows Server 2008 R2 Standard', build: 7601, isServer: true }, 'warn', 'Windows Server 2008 R2 SP1'],
    [{ productName: 'Windows Server 2008 Standard', build: 6002, isServer: true }, 'fail', null],
  ])('%j is %s', (v, status, matched) => {
    const outcome = evaluateWindowsSupport({ installationType: null, displayVersion: null, servicePack: null, ...v }, 'x86_64', SUPPORT_MATRIX, NOW);
    expect(outcome.status).toBe(status);
    if (matched) expect(outcome.summary).toContain(matched);
  });
});

describe('os.kernel', () => {
  const host = (id: string, version: string): HostFacts => ({ os: 'linux', distro: id, distroName: id, version, kernel: null, arch: 'x86_64', hostname: 'h', family: 'unknown', osRelease: { ID: id, VERSION_ID: version }, fromRoot: false });
  it.each([
    ['ubuntu', '18.04', '4.15.0-1023-azure', 'pass'],
    ['sles', '11.4', '3.0.101-108.74-default', 'pass'],
    ['rhel', '7.7', '3.10.0-1062.el7.x86_64', 'pass'],
    ['ol', '8.9', '5.15.0-200.131.27.el8uek.x86_64', 'pass'],
    ['debian', '12', '6.1.0-28-cloud-amd64', 'pass'],
    ['debian', '12', '6.18.44-fc-v669', 'fail'],
    ['ubuntu', '22.04', '6.9.3-custom', 'fail'],
    ['rhel', '8.4', '4.18.0-305.el8.x86_64', 'fail'],
    ['rhel', '8.4', '4.18.0-305.30.1.el8_4.x86_64', 'pass'],
  ])('%s %s with %s is %s', (id, version, release, status) => {
    expect(evaluateKernel(host(id, version), kernel(release), SUPPORT_MATRIX).status).toBe(status);
  });

  it('names the minimum kernel for RHEL 8.4, and says where a --root kernel came from', () => {
    expect(evaluateKernel(host('rhel', '8.4'), kernel('4.18.0-305.el8.x86_64'), SUPPORT_MATRIX).summary).toBe('The running kernel 4.18.0-305.el8.x86_64 is older than 4.18.0-305.30.1, the first kernel Site Recovery supports on Red Hat Enterprise Linux 8.4.');
    const fromImage = evaluateKernel(host('debian', '12'), kernel('6.1.0-28-cloud-amd64', { source: '--root /boot (installed, newest)' }), SUPPORT_MATRIX);
    expect(fromImage.summary).toMatch(/^The kernel \(--root \/boot \(installed, newest\)\) 6\.1\.0-28-cloud-amd64 is a stock Debian kernel/);
    expect(evaluateKernel(host('debian', '12'), kernel(null, { source: 'unknown' }), SUPPORT_MATRIX).status).toBe('skip');
  });

  // Each edge from both sides: the distribution and major the kernel is built for, Oracle's UEK,
  // Ubuntu's ABI width, and the reference's minimum kernels compared by version order.
  it.each([
    // (a) the el tag's major must be the guest's major
    ['rhel', '9.4', '5.14.0-427.13.1.el9_4.x86_64', 'pass'],
    ['rhel', '9.4', '4.18.0-553.el8_10.x86_64', 'fail'],
    ['rhel', '8.10', '4.18.0-553.el8_10.x86_64', 'pass'],
    ['rhel', '8.10', '5.14.0-427.13.1.el9_4.x86_64', 'fail'],
    ['rhel', '10.0', '6.12.0-55.9.1.el10_0.x86_64', 'pass'],
    ['rhel', '10.0', '5.14.0-611.5.1.el9_7.x86_64', 'fail'],
    ['rocky', '9.4', '5.14.0-427.13.1.el9_4.x86_64', 'pass'],
    ['rocky', '9.4', '4.18.0-553.el8_10.x86_64', 'fail'],
    ['almalinux', '8.10', '4.18.0-553.el8_10.x86_64', 'pass'],
    ['almalinux', '8.10', '5.14.0-427.el9.x86_64', 'fail'],
    ['centos', '7.9', '3.10.0-1160.el7.x86_64', 'pass'],
    ['centos', '7.9', '4.18.0-348.el8.x86_64', 'fail'],
    // (d) UEK is stock on Oracle Linux only, and for the guest's major
    ['ol', '8.9', '5.15.0-200.131.27.el8uek.x86_64', 'pass'],
    ['ol', '9.4', '5.15.0-200.131.27.el8uek.x86_64', 'fail'],
    ['ol', '7.9', '3.10.0-1160.el7.x86_64', 'pass'],
    ['rhel', '8.10', '5.15.0-200.131.27.el8uek.x86_64', 'fail'],
    // (b) Ubuntu: an ABI of up to five digits is Ubuntu's own; six digits is a mainline build
    ['ubuntu', '24.04', '6.8.0-1021-azure', 'pass'],
    ['ubuntu', '24.04', '6.8.0-10210-generic', 'pass'],
    ['ubuntu', '24.04', '6.8.12-060812-generic', 'fail'],
    ['ubuntu', '22.04', '6.5.13-065013-generic', 'fail'],
    // (c) SLES flavours
    ['sles', '15.5', '5.14.21-150500.55.39-default', 'pass'],
    ['sles', '15.5', '5.14.21-150500.55.39-azure', 'pass'],
    ['sles', '15.5', '5.14.21-150500.55.39-custom', 'fail'],
    // (e) minimums, by version order: both sides of each boundary
    ['rhel', '8.4', '4.18.0-305.30.1.el8_4.x86_64', 'pass'],
    ['rhel', '8.4', '4.18.0-305.29.9.el8_4.x86_64', 'fail'],
    ['rhel', '8.4', '4.18.0-305.4.1.el8_4.x86_64', 'fail'],
    ['rhel', '8.6', '4.18.0-348.5.1.el8_6.x86_64', 'pass'],
    ['rhel', '8.6', '4.18.0-348.5.0.el8_6.x86_64', 'fail'],
    ['rhel', '9.7', '5.14.0-611.5.1.el9_7.x86_64', 'pass'],
    ['rhel', '9.7', '5.14.0-611.40.1.el9_7.x86_64', 'pass'],
    ['rhel', '9.7', '5.14.0-611.4.99.el9_7.x86_64', 'fail'],
    ['rhel', '9.7', '5.14.0-611.el9_7.x86_64', 'fail'],
    ['rhel', '10.1', '6.12.0-124.8.1.el10_1.x86_64', 'pass'],
    ['rhel', '10.1', '6.12.0-124.10.1.el10_1.x86_64', 'pass'],
    ['rhel', '10.1', '6.12.0-124.7.9.el10_1.x86_64', 'fail'],
    ['rhel', '10.1', '6.12.0-55.9.1.el10_1.x86_64', 'fail'],
  ])('distribution and major: %s %s with %s is %s', (id, version, release, status) => {
    expect(evaluateKernel(host(id, version), kernel(release), SUPPORT_MATRIX).status).toBe(status);
  });

  it('says which distribution and major a foreign kernel is built for', () => {
    const el8 = evaluateKernel(host('rhel', '9.4'), kernel('4.18.0-553.el8_10.x86_64'), SUPPORT_MATRIX);
    expect(el8.summary).toBe('The running kernel 4.18.0-553.el8_10.x86_64 is built for Enterprise Linux 8 (el8), not for Red Hat Enterprise Linux 9: it is not a stock Red Hat Enterprise Linux 9.4 kernel. Site Recovery supports only the distribution\'s own kernels for the release it runs.');
    const uek = evaluateKernel(host('rhel', '8.10'), kernel('5.15.0-200.131.27.el8uek.x86_64'), SUPPORT_MATRIX);
    expect(uek.summary).toContain('is an Oracle Unbreakable Enterprise Kernel (el8uek), which is stock on Oracle Linux only');
    const mainline = evaluateKernel(host('ubuntu', '24.04'), kernel('6.8.12-060812-generic'), SUPPORT_MATRIX);
    expect(mainline.summary).toContain('is an Ubuntu mainline build (six-digit ABI 060812), not a stock Ubuntu kernel');
  });

  it('names what the reference does not give instead of guessing it', () => {
    // An SLE 12 kernel carries no service-pack code stream (SLE 15's do: test/checks/os-kernel-sles.test.ts).
    const sles = evaluateKernel(host('sles', '12.5'), kernel('4.12.14-122.37-default'), SUPPORT_MATRIX);
    expect(sles.evidence?.notInReference).toEqual([expect.stringContaining('the reference gives no kernel prefix per service pack')]);
    const uek = evaluateKernel(host('ol', '8.9'), kernel('5.15.0-200.131.27.el8uek.x86_64'), SUPPORT_MATRIX);
    // UEK generations are judged now (test/checks/os-kernel-uek.test.ts): nothing is left unjudged.
    expect(uek.status).toBe('pass');
    expect(uek.evidence?.notInReference).toBeUndefined();
    const rhck = evaluateKernel(host('ol', '8.9'), kernel('4.18.0-513.5.1.el8_9.x86_64'), SUPPORT_MATRIX);
    expect(rhck.evidence?.notInReference).toBeUndefined();
    const noVersion = evaluateKernel({ ...host('rhel', '9.4'), version: null }, kernel('4.18.0-553.el8_10.x86_64'), SUPPORT_MATRIX);
    expect(noVersion.status).toBe('pass');
    expect(noVersion.evidence?.notInReference).toEqual([expect.stringContaining('major version is unknown')]);
  });

  it('under --root judges the newest installed kernel by version order, not text order', async () => {
    await withGuest((g) => {
      g.osRelease('rhel', '8.10', 'Red Hat Enterprise Linux 8.10');
      for (const r of ['4.18.0-553.5.1.el8_10.x86_64', '4.18.0-553.40.1.el8_10.x86_64', '4.18.0-553.el8_10.x86_64', '4.18.0-80.el8.x86_64']) g.write(`/boot/vmlinuz-${r}`, '');
      g.write('/boot/vmlinuz-0-rescue-0123456789abcdef', '');
    }, async (g) => {
      const facts = await readKernelFacts(g.root, null);
      expect(facts.installed).toEqual(['4.18.0-80.el8.x86_64', '4.18.0-553.el8_10.x86_64', '4.18.0-553.5.1.el8_10.x86_64', '4.18.0-553.40.1.el8_10.x86_64']);
      expect(facts).toMatchObject({ release: '4.18.0-553.40.1.el8_10.x86_64', source: '--root /boot (installed, newest)' });
    });
    expect(sortKernelReleases(['5.14.0-70.13.1.el9_0', '5.14.0-503.11.1.el9_5', '5.14.0-9.el9'])).toEqual(['5.14.0-9.el9', '5.14.0-70.13.1.el9_0', '5.14.0-503.11.1.el9_5']);
    expect(sortKernelReleases(['6.8.0-100-generic', '6.8.0-99-generic', '6.11.0-1-generic'])).toEqual(['6.8.0-99-generic', '6.8.0-100-generic', '6.11.0-1-generic']);
    expect(compareKernelVersions('4.18.0-553.40.1.el8_10.x86_64', '4.18.0-553.5.1.el8_10.x86_64')).toBe(1);
    expect(compareKernelVersions('4.18.0-305.30.1.el8_4.x86_64', '4.18.0-305.30.1')).toBe(0);
  });
});
