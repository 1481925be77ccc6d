import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateLinuxSupport, evaluateWindowsSupport } from '../../src/checks/os-supported';
import { SUPPORT_MATRIX, validateSupportMatrix, versionInRanges, type LinuxDistroEntry } from '../../src/catalog/support-matrix';
import { readHostFacts, type HostFacts } from '../../src/facts/host';
import { parseCurrentVersion } from '../../src/facts/windows/guest-parsers';
import { FakeGuest } from '../helpers/fake-guest';
import type { KernelFacts } from '../../src/facts/linux/kernel';
import { fixture } from '../helpers/paths';

const NOW = new Date('2026-11-27T12:00:00Z');
const kernel = (release: string | null, extra: Partial<KernelFacts> = {}): KernelFacts => ({
  release,
  source: 'running',
  installed: [],
  debianVersion: null,
  ...extra,
});

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
    ['almalinux-8.10', 'pass'],
    ['almalinux-9.4', 'pass'],
    ['rocky-8.10', 'pass'],
    ['rocky-9.4', 'pass'],
    ['rhel-8.10', 'pass'],
    ['rhel-9.4', 'pass'],
    ['rhel-9.6', 'pass'],
    ['rhel-10.0', 'pass'],
    ['rhel-7.5', 'warn'],
    ['ol-7.9', 'warn'],
    ['ol-8.9', 'pass'],
    ['ol-9.4', 'pass'],
    ['centos-7', 'warn'],
    ['centos-8', 'warn'],
    ['centos-stream-8', 'fail'],
    ['centos-stream-9', 'fail'],
    ['debian-9', 'warn'],
    ['debian-10', 'warn'],
    ['debian-11', 'pass'],
    ['debian-12', 'pass'],
    ['debian-13', 'fail'],
    ['ubuntu-12.04', 'fail'],
    ['ubuntu-14.04', 'warn'],
    ['ubuntu-18.04', 'warn'],
    ['ubuntu-20.04', 'warn'],
    ['ubuntu-22.04', 'pass'],
    ['ubuntu-24.04', 'pass'],
    ['ubuntu-25.04', 'fail'],
    ['sles-11-sp4', 'warn'],
    ['sles-12-ga', 'fail'],
    ['sles-12-sp5', 'warn'],
    ['sles_sap-12-sp2', 'warn'],
    ['sles-15-ga', 'pass'],
    ['sles-15-sp5', 'pass'],
    ['sles-15-sp6', 'pass'],
    ['sles-16.0', 'fail'],
    ['opensuse-leap-15.5', 'fail'],
    ['fedora-40', 'fail'],
    ['alpine-3.19.0', 'fail'],
    ['amzn-2', 'fail'],
    ['amzn-2023', 'fail'],
    ['azurelinux-3.0', 'fail'],
    ['mariner-2.0', 'fail'],
  ])('%s is %s', async (name, status) => {
    const host = await hostFrom({ '/etc/os-release': name });
    expect(evaluateLinuxSupport({ ...host, arch: 'x86_64' }, kernel(null), SUPPORT_MATRIX, NOW).status).toBe(status);
  });

  it('names the unsupported version and what is supported', async () => {
    const outcome = evaluateLinuxSupport(await hostFrom({ '/etc/os-release': 'debian-13' }), kernel(null), SUPPORT_MATRIX, NOW);
    expect(outcome.summary).toBe(
      'Debian 13 is newer than the support matrix of 2026-01-01, which lists Debian up to 12: a release is supported only once the matrix lists it.',
    );
    const old = evaluateLinuxSupport(await hostFrom({ '/etc/os-release': 'ubuntu-12.04' }), kernel(null), SUPPORT_MATRIX, NOW);
    expect(old.summary).toBe('Ubuntu 12.04 is not a supported version of Ubuntu; the matrix lists 14.04, 16.04, 18.04, 20.04, 22.04, 24.04.');
    const eol = evaluateLinuxSupport(await hostFrom({ '/etc/os-release': 'ubuntu-20.04' }), kernel(null), SUPPORT_MATRIX, NOW);
    expect(eol.summary).toBe(
      'Ubuntu 20.04 is in the support matrix but reached end of life on 2025-05-31: no new kernels or fixes, and Site Recovery may drop it. Row "Ubuntu 20.04" of the support matrix of 2026-01-01.',
    );
    const pass = evaluateLinuxSupport(await hostFrom({ '/etc/os-release': 'rhel-9.6' }), kernel(null), SUPPORT_MATRIX, NOW);
    expect(pass).toMatchObject({
      summary: 'Red Hat Enterprise Linux 9.6 is in the Site Recovery support matrix: row "Red Hat Enterprise Linux 9.0-9.7" of the matrix of 2026-01-01.',
      evidence: { matrixRow: 'Red Hat Enterprise Linux 9.0-9.7', matrixDate: '2026-01-01' },
    });
  });

  it('uses /etc/debian_version to tell the unsupported Debian 9.0 from 9.13', async () => {
    const host = await hostFrom({ '/etc/os-release': 'debian-9' });
    expect(evaluateLinuxSupport(host, kernel(null, { debianVersion: '9.0' }), SUPPORT_MATRIX, NOW).status).toBe('fail');
    expect(evaluateLinuxSupport(host, kernel(null, { debianVersion: '9.13' }), SUPPORT_MATRIX, NOW).summary).toContain(
      'Debian 9.13 is in the support matrix but reached end of life',
    );
  });

  it('reads the pre-os-release files of CentOS 6.7, RHEL 6.7 and SLES 11 SP4', async () => {
    const centos = await hostFrom({ '/etc/redhat-release': 'centos-6.7.redhat-release' });
    expect([centos.distro, centos.version, centos.family]).toEqual(['centos', '6.7', 'rhel']);
    expect(evaluateLinuxSupport(centos, kernel(null), SUPPORT_MATRIX, NOW).status).toBe('warn');
    const rhel = await hostFrom({ '/etc/redhat-release': 'rhel-6.7.redhat-release' });
    expect(evaluateLinuxSupport(rhel, kernel(null), SUPPORT_MATRIX, NOW)).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('Red Hat Enterprise Linux 6.7 is in the support matrix but reached end of life on 2020-11-30'),
    });
    const sles = await hostFrom({ '/etc/SuSE-release': 'sles-11-sp4.SuSE-release' });
    expect([sles.distro, sles.version, sles.family]).toEqual(['sles', '11.4', 'suse']);
  });

  it('fails ARM64 whatever the distribution', async () => {
    const host = await hostFrom({ '/etc/os-release': 'ubuntu-24.04' });
    expect(evaluateLinuxSupport({ ...host, arch: 'aarch64' }, kernel(null), SUPPORT_MATRIX, NOW)).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('Site Recovery does not support ARM64 VMs'),
    });
  });

  it('keeps the catalog well-formed', () => {
    expect(() => validateSupportMatrix({ ...SUPPORT_MATRIX, linux: [{ ...SUPPORT_MATRIX.linux[0]!, versions: ['8.x'] }] })).toThrow(
      /version range "8.x" is malformed/,
    );
    expect(versionInRanges('9.13', ['9.1-9.13'])).toBe(true);
    expect(versionInRanges('9.0', ['9.1-9.13'])).toBe(false);
    expect(versionInRanges('15.7', ['15-15.7'])).toBe(true);
    expect(() => validateSupportMatrix({ ...SUPPORT_MATRIX, linux: [{ ...SUPPORT_MATRIX.linux[0]!, versions: ['8.9-9.1'] }] })).toThrow(
      /"8.9-9.1" spans majors/,
    );
    expect(() => validateSupportMatrix({ ...SUPPORT_MATRIX, linux: [{ ...SUPPORT_MATRIX.linux[0]!, majorOnlyVersionId: 'guess' as never }] })).toThrow(
      /unknown majorOnlyVersionId guess/,
    );
    expect(versionInRanges('12.6', ['12.1-12.5'])).toBe(false);
  });
});

describe('os.supported: OS identity at the edges', () => {
  const synth = (release: Record<string, string>): HostFacts => ({
    os: 'linux',
    distro: release.ID ?? null,
    distroName: release.PRETTY_NAME ?? null,
    version: release.VERSION_ID ?? null,
    kernel: null,
    arch: 'x86_64',
    hostname: 'h',
    family: 'unknown',
    osRelease: release,
    fromRoot: false,
  });
  const judge = (release: Record<string, string>, debianVersion: string | null = null) =>
    evaluateLinuxSupport(synth(release), kernel(null, { debianVersion }), SUPPORT_MATRIX, NOW);
  const file = async (name: string, at = '/etc/os-release') =>
    evaluateLinuxSupport({ ...(await hostFrom({ [at]: name })), arch: 'x86_64' }, kernel(null), SUPPORT_MATRIX, NOW);

  it('reads SLES "12" as 12 GA (not listed) and "15" as 15 GA (listed), from the real files', async () => {
    expect(await file('sles-12-ga')).toMatchObject({
      status: 'fail',
      summary:
        'SUSE Linux Enterprise Server 12 GA is not a supported version of SUSE Linux Enterprise Server; the matrix lists 11.3-11.4, 12.1-12.5, 15.0-15.7.',
      evidence: { versionId: '12', judgedVersion: '12.0' },
    });
    expect(await file('sles-15-ga')).toMatchObject({
      status: 'pass',
      summary:
        'SUSE Linux Enterprise Server 15 GA is in the Site Recovery support matrix: row "SUSE Linux Enterprise Server 15.0-15.7" of the matrix of 2026-01-01.',
      evidence: { versionId: '15', judgedVersion: '15.0' },
    });
    expect(judge({ ID: 'sles', VERSION_ID: '11' }).status).toBe('fail');
  });

  it('says a release above every row is newer than the matrix of its date, and fails it', async () => {
    expect(await file('sles-16.0')).toMatchObject({
      status: 'fail',
      summary:
        'SUSE Linux Enterprise Server 16.0 is newer than the support matrix of 2026-01-01, which lists SUSE Linux Enterprise Server up to 15.7: a release is supported only once the matrix lists it.',
      remediation: expect.stringContaining(
        'Check the current Azure-to-Azure support matrix (https://learn.microsoft.com/azure/site-recovery/azure-to-azure-support-matrix) for SUSE Linux Enterprise Server 16.0',
      ),
      evidence: { newerThanMatrix: true, newestListed: '15.7' },
    });
    // A minor after the last one listed for its major is new too.
    expect(judge({ ID: 'rhel', VERSION_ID: '9.8' }).summary).toBe(
      'Red Hat Enterprise Linux 9.8 is newer than the support matrix of 2026-01-01, which lists Red Hat Enterprise Linux 9 up to 9.7: a release is supported only once the matrix lists it.',
    );
    expect(judge({ ID: 'ubuntu', VERSION_ID: '26.04' })).toMatchObject({ status: 'fail', evidence: { newerThanMatrix: true, newestListed: '24.04' } });
    expect(judge({ ID: 'debian', VERSION_ID: '13' }, '13.1')).toMatchObject({ status: 'fail', evidence: { judgedVersion: '13.1', newerThanMatrix: true } });
  });

  it('fails older, interim and delisted releases with the ordinary message, saying why', () => {
    const interim = judge({ ID: 'ubuntu', VERSION_ID: '24.10' });
    expect(interim).toMatchObject({
      status: 'fail',
      summary: 'Ubuntu 24.10 is not a supported version of Ubuntu; the matrix lists 14.04, 16.04, 18.04, 20.04, 22.04, 24.04.',
    });
    expect(interim.remediation).toMatch(/^24\.10 is not an LTS release, and the matrix lists Ubuntu LTS releases only\./);
    const sp6 = judge({ ID: 'sles', VERSION_ID: '12.6' });
    expect(sp6).toMatchObject({ status: 'fail', evidence: { why: '12.6 was listed by the support matrix of 2025-06-13, not by later ones' } });
    expect(sp6.summary).not.toContain('newer');
    expect(judge({ ID: 'rhel', VERSION_ID: '6.6' })).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('Red Hat Enterprise Linux 6.6 is not a supported version'),
    });
    expect(judge({ ID: 'rhel', VERSION_ID: '5' }).status).toBe('fail');
  });

  it.each([
    ['rhel', '8', '/etc/redhat-release'],
    ['ol', '9', '/etc/oracle-release'],
    ['rocky', '9', '/etc/rocky-release'],
    ['almalinux', '8', '/etc/almalinux-release'],
    ['ubuntu', '24', '/etc/lsb-release'],
  ])('a bare major from %s (VERSION_ID "%s") cannot be placed: warn, naming %s', (id, versionId, releaseFile) => {
    const outcome = judge({ ID: id, VERSION_ID: versionId });
    expect(outcome).toMatchObject({ status: 'warn', evidence: { unplaced: expect.stringContaining(`VERSION_ID "${versionId}" names no minor release`) } });
    expect(outcome.remediation).toContain(`Read the release from ${releaseFile}`);
  });

  it('with no VERSION_ID nothing is placed: warn', () => {
    expect(judge({ ID: 'rhel' })).toMatchObject({ status: 'warn', summary: expect.stringContaining('os-release has no VERSION_ID') });
    expect(judge({ ID: 'rhel', VERSION_ID: '9.x' })).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('VERSION_ID "9.x" is not a version number'),
    });
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
    expect(stream.summary).toBe(
      'CentOS Stream 8 is not in the Site Recovery support matrix. CentOS Stream (os-release ID=centos, NAME="CentOS Stream") is listed by no support matrix, whatever its version; it is not CentOS Linux.',
    );
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
    const version = parseCurrentVersion(
      readFileSync(fixture('windows', 'reg-query-hklm-windows-nt-currentversion.t-reg_sz.win10-enterprise-22h2.txt'), 'utf8'),
    );
    expect(version).toMatchObject({ productName: 'Windows 10 Enterprise', build: 19045, installationType: 'Client', displayVersion: '22H2', isServer: false });
    expect(evaluateWindowsSupport(version, 'x86_64', SUPPORT_MATRIX, NOW)).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('listed as Windows 10 but reached end of support on 2025-10-14'),
    });
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

// os.supported at every edge of the support-matrix catalog, generated from the catalog itself: for
// each row, its first and last version pass (or warn, end of life per endOfLife; CentOS rows only
// older matrices listed warn), the versions just outside it fail with the ordinary message, and a
// release above the newest row of its major or of the distribution fails as "newer than the
// support matrix of <date>". A row added to or changed in the catalog gets its edges tested.
type Expect = 'inside' | 'outside' | 'newer';
interface Edge {
  distro: string;
  label: string;
  version: string;
  expect: Expect;
  row: string | null;
}

const major = (v: string) => Number(v.split('.')[0]);
const minor = (v: string) => (v.includes('.') ? Number(v.split('.')[1]) : null);

/** The versions at and just beyond each edge of a distribution's rows (rows of one major each). */
function edges(entry: LinuxDistroEntry, rows: readonly string[]): Edge[] {
  const out: Edge[] = [];
  const add = (label: string, version: string, expect: Expect, row: string | null = null) => out.push({ distro: entry.id, label, version, expect, row });
  const hasMajor = (m: number) => rows.some((r) => major(r) === m);
  const top = Math.max(...rows.map(major));
  for (const row of rows) {
    const [low, high = low] = row.split('-') as [string, string?];
    if (minor(low) === null) {
      // A whole series ("12"): any point release is inside; the series around it are outside or newer.
      add(`first point release of ${row}`, `${low}.0`, 'inside', row);
      add(`${row}, point release unknown`, low, 'inside', row);
      if (!hasMajor(major(low) - 1)) add(`series below ${row}`, String(major(low) - 1), 'outside');
      if (!hasMajor(major(low) + 1)) add(`series above ${row}`, String(major(low) + 1), 'newer');
    } else if (entry.ltsOnly) {
      // One release per row ("24.04"): the LTS before (if unlisted), the interim after, the next LTS (if unlisted).
      add(`row ${row}`, row, 'inside', row);
      const prev = `${String(major(row) - 2).padStart(2, '0')}.04`;
      const next = `${major(row) + 2}.04`;
      if (!rows.includes(prev)) add(`LTS below ${row}`, prev, 'outside');
      add(`interim after ${row}`, `${major(row)}.10`, 'outside');
      if (!rows.includes(next)) add(`LTS above ${row}`, next, 'newer');
    } else {
      add(`first of ${row}`, low, 'inside', row);
      add(`last of ${row}`, high, 'inside', row);
      const below = minor(low)! > 0 ? `${major(low)}.${minor(low)! - 1}` : rows.some((r) => major(r) < major(low)) ? null : `${major(low) - 1}.9`;
      if (below) add(`just below ${row}`, below, 'outside');
      const above = `${major(high)}.${minor(high)! + 1}`;
      add(`just above ${row}`, above, entry.delisted?.[above] ? 'outside' : 'newer');
      if (major(high) === top) add(`next major after ${row}`, `${top + 1}.0`, 'newer');
    }
  }
  return out;
}

/** The os-release a real guest of that release writes: SLES GA as "15", Debian as its major plus /etc/debian_version. */
function asWritten(entry: LinuxDistroEntry, version: string): { versionId: string; debianVersion: string | null } {
  if (entry.releaseFile === '/etc/debian_version') return { versionId: String(major(version)), debianVersion: version.includes('.') ? version : null };
  if (entry.majorOnlyVersionId === 'ga' && minor(version) === 0) return { versionId: String(major(version)), debianVersion: null };
  return { versionId: version, debianVersion: null };
}

function judge(entry: LinuxDistroEntry, version: string) {
  const { versionId, debianVersion } = asWritten(entry, version);
  const osRelease = { ID: entry.ids[0]!, NAME: entry.name, VERSION_ID: versionId };
  const host: HostFacts = {
    os: 'linux',
    distro: osRelease.ID,
    distroName: `${entry.name} ${versionId}`,
    version: versionId,
    kernel: null,
    arch: 'x86_64',
    hostname: 'h',
    family: 'unknown',
    osRelease,
    fromRoot: false,
  };
  return evaluateLinuxSupport(host, { release: null, source: 'running', installed: [], debianVersion }, SUPPORT_MATRIX, NOW);
}

function endOfLifePassed(entry: LinuxDistroEntry, version: string): boolean {
  const eol = entry.endOfLife[version] ?? entry.endOfLife[String(major(version))];
  return eol !== undefined && Date.parse(eol) < NOW.getTime();
}

const listed = SUPPORT_MATRIX.linux.filter((d) => d.versions.length > 0);
const cases = listed.flatMap((entry) => edges(entry, entry.versions).map((e) => ({ ...e, entry })));

describe('os.supported at each edge of each support-matrix row (generated from the catalog)', () => {
  it('covers every listed distribution, and both sides of each row', () => {
    expect(new Set(cases.map((c) => c.distro))).toEqual(new Set(listed.map((d) => d.id)));
    for (const entry of listed) {
      for (const row of entry.versions) expect(cases.filter((c) => c.entry === entry && c.row === row).length).toBeGreaterThan(0);
    }
    expect(cases.filter((c) => c.expect === 'newer').length).toBeGreaterThanOrEqual(listed.length);
  });

  it.each(cases.filter((c) => c.expect === 'inside').map((c) => [c.distro, c.label, c.version, c]))('%s %s (%s) is in its row', (_d, _l, version, c) => {
    const outcome = judge(c.entry, version);
    // Warn past end of life, or for a bare series major ("9") whose row covers only part of the series.
    const pointUnknown = minor(version) === null && c.row !== version;
    expect(outcome.status).toBe(endOfLifePassed(c.entry, version) || pointUnknown ? 'warn' : 'pass');
    expect(outcome.evidence).toMatchObject({ matrixRow: `${c.entry.name} ${c.row}`, matrixDate: SUPPORT_MATRIX.matrixDate });
    expect(outcome.summary).toMatch(
      new RegExp(`[Rr]ow "${c.entry.name} ${c.row!.replace(/\./g, '\\.')}" of the (support )?matrix of ${SUPPORT_MATRIX.matrixDate}`),
    );
  });

  it.each(cases.filter((c) => c.expect === 'outside').map((c) => [c.distro, c.label, c.version, c]))('%s %s (%s) is not supported', (_d, _l, version, c) => {
    const outcome = judge(c.entry, version);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`is not a supported version of ${c.entry.name}; the matrix lists ${c.entry.versions.join(', ')}.`);
    expect(outcome.evidence?.newerThanMatrix).toBeUndefined();
  });

  it.each(cases.filter((c) => c.expect === 'newer').map((c) => [c.distro, c.label, c.version, c]))(
    '%s %s (%s) is newer than the matrix',
    (_d, _l, version, c) => {
      const outcome = judge(c.entry, version);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain(`is newer than the support matrix of ${SUPPORT_MATRIX.matrixDate}, which lists ${c.entry.name}`);
      expect(outcome.remediation).toContain('Check the current Azure-to-Azure support matrix');
      expect(outcome.evidence).toMatchObject({ newerThanMatrix: true });
    },
  );
});

describe('os.supported at each edge of the rows only older matrices listed (CentOS Linux)', () => {
  const historic = SUPPORT_MATRIX.linux.filter((d) => d.versions.length === 0 && d.historicVersions?.length);
  const hcases = historic.flatMap((entry) => edges(entry, entry.historicVersions!).map((e) => ({ ...e, entry })));

  it('has rows to test', () => expect(hcases.length).toBeGreaterThan(0));

  // Never "newer": no current matrix lists CentOS Linux at all.
  it.each(hcases.map((c) => [c.distro, c.label, c.version, c]))('%s %s (%s)', (_d, _l, version, c) => {
    const outcome = judge(c.entry, version);
    expect(outcome).toMatchObject({ status: c.expect === 'inside' ? 'warn' : 'fail', evidence: { listedInOlderMatrices: c.expect === 'inside' } });
  });
});
