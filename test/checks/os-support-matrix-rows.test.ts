// os.supported at every edge of the support-matrix catalog, generated from the catalog itself: for
// each row, its first and last version pass (or warn, end of life per endOfLife; CentOS rows only
// older matrices listed warn), the versions just outside it fail with the ordinary message, and a
// release above the newest row of its major or of the distribution fails as "newer than the
// support matrix of <date>". A row added to or changed in the catalog gets its edges tested.
import { describe, expect, it } from 'vitest';
import { evaluateLinuxSupport } from '../../src/checks/os-supported';
import { SUPPORT_MATRIX, type LinuxDistroEntry } from '../../src/catalog/support-matrix';
import type { HostFacts } from '../../src/facts/host';

const NOW = new Date('2026-11-27T12:00:00Z');
type Expect = 'inside' | 'outside' | 'newer';
interface Edge { distro: string; label: string; version: string; expect: Expect; row: string | null }

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
  const host: HostFacts = { os: 'linux', distro: osRelease.ID, distroName: `${entry.name} ${versionId}`, version: versionId, kernel: null, arch: 'x86_64', hostname: 'h', family: 'unknown', osRelease, fromRoot: false };
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
    expect(outcome.summary).toMatch(new RegExp(`[Rr]ow "${c.entry.name} ${c.row!.replace(/\./g, '\\.')}" of the (support )?matrix of ${SUPPORT_MATRIX.matrixDate}`));
  });

  it.each(cases.filter((c) => c.expect === 'outside').map((c) => [c.distro, c.label, c.version, c]))('%s %s (%s) is not supported', (_d, _l, version, c) => {
    const outcome = judge(c.entry, version);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`is not a supported version of ${c.entry.name}; the matrix lists ${c.entry.versions.join(', ')}.`);
    expect(outcome.evidence?.newerThanMatrix).toBeUndefined();
  });

  it.each(cases.filter((c) => c.expect === 'newer').map((c) => [c.distro, c.label, c.version, c]))('%s %s (%s) is newer than the matrix', (_d, _l, version, c) => {
    const outcome = judge(c.entry, version);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`is newer than the support matrix of ${SUPPORT_MATRIX.matrixDate}, which lists ${c.entry.name}`);
    expect(outcome.remediation).toContain('Check the current Azure-to-Azure support matrix');
    expect(outcome.evidence).toMatchObject({ newerThanMatrix: true });
  });
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
