// Typed access to the support-matrix catalog (support-matrix.json: data, with sources and date).
import data from './support-matrix.json';

/**
 * What an os-release VERSION_ID without a minor ("12") means for a distribution:
 * - `ga`: the GA release of that major (SLES "12" is 12 GA, i.e. 12.0; SP5 writes "12.5");
 * - `series`: the whole series, the point release being in `releaseFile` (Debian "9" + /etc/debian_version "9.13");
 * - `ambiguous`: the distribution always writes major.minor, so a bare major cannot be placed in a row.
 */
export type MajorOnlyMeaning = 'ga' | 'series' | 'ambiguous';

export interface LinuxDistroEntry {
  id: string;
  name: string;
  /** os-release IDs of the distribution. */
  ids: string[];
  /** Set on a variant sharing its ID with another entry (CentOS Stream: ID=centos): NAME or PRETTY_NAME must contain it. */
  nameIncludes?: string;
  /** "8.0-8.10" ranges (one major each) or single versions ("12", "24.04"): the rows of the matrix. */
  versions: string[];
  historicVersions?: string[];
  kernelStyle: 'el' | 'ubuntu' | 'debian' | 'suse';
  majorOnlyVersionId: MajorOnlyMeaning;
  /** The distribution's own release file, named when os-release alone cannot place the version. */
  releaseFile?: string;
  /** The matrix lists only LTS releases (YY.04 of even years): an interim release is never "newer than the matrix". */
  ltsOnly?: boolean;
  /** Versions an earlier matrix listed and this one does not, with the date of that matrix. */
  delisted?: Record<string, string>;
  endOfLife: Record<string, string>;
  kernelMinimums?: Record<string, string>;
  /** Oracle Linux: the mainline base version of each UEK generation, and which the matrix allows. */
  uek?: UekCatalog;
  note: string;
}

export interface UekCatalog {
  /** Generation number → the mainline kernel version it is built on ("6": "5.4.17"), from Oracle's release notes. */
  generations: Record<string, string>;
  /** Allowed generations; fromVersion: only on Oracle Linux of this version or later ("UEK7 from 8.7"). */
  allowed: Array<{ generation: number; fromVersion?: string }>;
}

export interface WindowsEntry {
  id: string;
  name: string;
  server: boolean;
  minBuild: number;
  maxBuild: number;
  updates: Array<{ kb: string; why: string }>;
  tlsRegistry?: boolean;
  endOfLife?: string;
  note?: string;
}

export interface SupportMatrix {
  /** The catalog's own version (the reference's status date). */
  version: string;
  /** The ms.date of the Azure-to-Azure support matrix the rows come from. */
  matrixDate: string;
  sources: string[];
  architectures: { supported: string[]; note: string };
  linux: LinuxDistroEntry[];
  windows: WindowsEntry[];
  filesystems: { supported: string[]; ignored: string[]; note: string };
  disks: { osMaxGiB: number; dataMaxGiB: number; unmanagedDataMaxGiB: number; minGiB: number; maxDataDisks: number };
  resources: { minVcpus: number; minMemoryGiB: number; driverMemoryPercent: number };
  freeSpace: { rootMiB: number; installMiB: number; linuxInstallPath: string; windowsInstallPath: string; borrowed: boolean };
  churn: { perVmMBps: number; perVmHighChurnMBps: number; perDiskMBps: { standard: number; premium: number }; note: string };
}

const KERNEL_STYLES = ['el', 'ubuntu', 'debian', 'suse'];
const MAJOR_ONLY: readonly string[] = ['ga', 'series', 'ambiguous'];

/** Validates the shape once at load, so a bad data edit fails loudly (and in the catalog test). */
export function validateSupportMatrix(raw: unknown): SupportMatrix {
  const m = raw as SupportMatrix;
  if (!m || !Array.isArray(m.linux) || !Array.isArray(m.windows)) throw new Error('support-matrix catalog: missing linux or windows');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(m.matrixDate ?? '')) throw new Error('support-matrix catalog: matrixDate must be YYYY-MM-DD');
  for (const d of m.linux) {
    if (!KERNEL_STYLES.includes(d.kernelStyle)) throw new Error(`support-matrix catalog: ${d.id} has unknown kernelStyle ${d.kernelStyle}`);
    if (!MAJOR_ONLY.includes(d.majorOnlyVersionId)) throw new Error(`support-matrix catalog: ${d.id} has unknown majorOnlyVersionId ${d.majorOnlyVersionId}`);
    for (const r of [...d.versions, ...(d.historicVersions ?? [])]) {
      if (!/^\d+(\.\d+)?(-\d+(\.\d+)?)?$/.test(r)) throw new Error(`support-matrix catalog: ${d.id} version range "${r}" is malformed`);
      // Placement compares a version with the rows of its own major: a row may not span majors.
      const [low, high] = r.split('-');
      if (high !== undefined && majorOf(low!) !== majorOf(high)) throw new Error(`support-matrix catalog: ${d.id} version range "${r}" spans majors`);
    }
    if (d.releaseFile !== undefined && !d.releaseFile.startsWith('/')) throw new Error(`support-matrix catalog: ${d.id} releaseFile must be an absolute path`);
    for (const [version, date] of Object.entries(d.delisted ?? {})) {
      if (!/^\d+\.\d+$/.test(version) || !/^\d{4}-\d{2}-\d{2}$/.test(date))
        throw new Error(`support-matrix catalog: ${d.id} delisted "${version}": "${date}" must be major.minor: YYYY-MM-DD`);
    }
    if (d.uek) validateUek(d.id, d.uek);
  }
  // A variant matched by name (CentOS Stream) needs a plain entry of the same ID, and plain entries may not share an ID.
  const plainIds = m.linux.filter((d) => !d.nameIncludes).flatMap((d) => d.ids);
  if (new Set(plainIds).size !== plainIds.length) throw new Error('support-matrix catalog: two entries without nameIncludes share an os-release ID');
  for (const d of m.linux.filter((e) => e.nameIncludes)) {
    if (!d.ids.some((id) => plainIds.includes(id))) throw new Error(`support-matrix catalog: ${d.id} (nameIncludes) has no plain entry of the same ID`);
  }
  for (const w of m.windows) if (w.minBuild > w.maxBuild) throw new Error(`support-matrix catalog: ${w.id} minBuild > maxBuild`);
  return m;
}

/** A typo here ("5.15" for 5.15.0) would fail every kernel of that generation: checked at load. */
function validateUek(id: string, uek: UekCatalog): void {
  for (const [generation, kernel] of Object.entries(uek.generations)) {
    if (!/^\d+$/.test(generation) || !/^\d+\.\d+\.\d+$/.test(kernel))
      throw new Error(`support-matrix catalog: ${id} uek generation "${generation}": "${kernel}" must be N: x.y.z`);
  }
  for (const rule of uek.allowed) {
    if (uek.generations[String(rule.generation)] === undefined)
      throw new Error(`support-matrix catalog: ${id} allows UEK R${rule.generation}, which has no base kernel in uek.generations`);
    if (rule.fromVersion !== undefined && !/^\d+\.\d+$/.test(rule.fromVersion))
      throw new Error(`support-matrix catalog: ${id} UEK R${rule.generation} fromVersion "${rule.fromVersion}" must be major.minor`);
  }
}

export const SUPPORT_MATRIX: SupportMatrix = validateSupportMatrix(data as unknown);

/** Compares dotted numeric versions ("9.13" vs "9.2"; "4.18.0-305.30.1" by numbers in order). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-_+]/).map((p) => Number.parseInt(p, 10));
  const pb = b.split(/[.\-_+]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isNaN(pa[i] ?? 0) ? 0 : (pa[i] ?? 0);
    const y = Number.isNaN(pb[i] ?? 0) ? 0 : (pb[i] ?? 0);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Is version inside one of the ranges ("8.0-8.10", "12", "15-15.7")? A single entry matches itself and its minors ("12" matches "12.4"). */
export function versionInRanges(version: string, ranges: readonly string[]): boolean {
  return ranges.some((range) => {
    const [low, high] = range.split('-') as [string, string | undefined];
    if (high === undefined) return version === low || version.startsWith(`${low}.`);
    const major = (v: string) => v.split('.')[0];
    if (major(version) !== major(low) && major(version) !== major(high)) return false;
    // A major-only version ("9" from Debian's os-release) cannot be placed inside 9.1-9.13: the
    // point release is unknown, so it counts as listed.
    if (!version.includes('.')) return true;
    return compareVersions(version, low) >= 0 && compareVersions(version, high) <= 0;
  });
}

function majorOf(version: string): string {
  return version.split('.')[0]!;
}
const upperOf = (row: string) => row.split('-').at(-1)!;
const isLts = (v: string) => /^\d*[02468]\.04$/.test(v);
const NUMERIC = /^\d+(\.\d+)*$/;

/**
 * Where a guest's version falls against a distribution's rows:
 * - `listed`: inside `row` (`pointReleaseUnknown` when a major-only series version meets a row that
 *   covers only part of the series, such as Debian "9" against 9.1-9.13);
 * - `unlisted`: older than the rows, between them, or known and left out (`why` says which);
 * - `newer`: above the newest row of its major, or of the distribution: a release the matrix does not list yet;
 * - `unplaced`: no number to compare, or a bare major where the distribution always writes a minor.
 */
export type Placement =
  | { kind: 'listed'; version: string; row: string; pointReleaseUnknown: boolean }
  | { kind: 'unlisted'; version: string; why: string | null }
  | { kind: 'newer'; version: string; newest: string }
  | { kind: 'unplaced'; version: string; why: string };

/** Places os-release VERSION_ID (with Debian's /etc/debian_version as pointRelease) against rows, by the entry's per-distribution rules. */
export function placeLinuxVersion(entry: LinuxDistroEntry, rows: readonly string[], versionId: string, pointRelease: string | null): Placement {
  const id = versionId.trim();
  if (!NUMERIC.test(id)) return { kind: 'unplaced', version: id, why: id ? `VERSION_ID "${id}" is not a version number` : 'os-release has no VERSION_ID' };
  let version = id;
  const hasRowOfMajor = rows.some((r) => majorOf(r) === id);
  if (!id.includes('.')) {
    if (entry.majorOnlyVersionId === 'ga') version = `${id}.0`;
    else if (entry.majorOnlyVersionId === 'series' && pointRelease && NUMERIC.test(pointRelease) && pointRelease.includes('.') && majorOf(pointRelease) === id)
      version = pointRelease;
    else if (entry.majorOnlyVersionId === 'ambiguous' && hasRowOfMajor) {
      return { kind: 'unplaced', version: id, why: `VERSION_ID "${id}" names no minor release, and ${entry.name} always writes one` };
    }
  }
  const delistedBy = entry.delisted?.[version];
  if (delistedBy) return { kind: 'unlisted', version, why: `${version} was listed by the support matrix of ${delistedBy}, not by later ones` };
  const row = rows.find((r) => versionInRanges(version, [r]));
  if (row) return { kind: 'listed', version, row, pointReleaseUnknown: !version.includes('.') && row !== version };
  if (entry.ltsOnly && version.includes('.') && !isLts(version))
    return { kind: 'unlisted', version, why: `${version} is not an LTS release, and the matrix lists ${entry.name} LTS releases only` };
  const newest = (within: readonly string[]) =>
    within.map(upperOf).reduce<string | null>((top, v) => (top === null || compareVersions(v, top) > 0 ? v : top), null);
  const newestOverall = newest(rows);
  if (newestOverall && compareVersions(version, newestOverall) > 0) return { kind: 'newer', version, newest: newestOverall };
  // A minor after the last one listed for its major (RHEL 9.8 while the matrix stops at 9.7).
  const newestOfMajor = newest(rows.filter((r) => majorOf(r) === majorOf(version)));
  if (newestOfMajor && compareVersions(version, newestOfMajor) > 0) return { kind: 'newer', version, newest: newestOfMajor };
  return { kind: 'unlisted', version, why: null };
}

/** The entry for an os-release: a variant whose name matches (CentOS Stream) before the plain entry of its ID. */
export function findLinuxEntry(matrix: SupportMatrix, release: Readonly<Record<string, string | undefined>>): LinuxDistroEntry | undefined {
  const id = (release.ID ?? '').toLowerCase();
  const names = `${release.NAME ?? ''}\n${release.PRETTY_NAME ?? ''}`.toLowerCase();
  const candidates = matrix.linux.filter((d) => d.ids.includes(id));
  return candidates.find((d) => d.nameIncludes && names.includes(d.nameIncludes.toLowerCase())) ?? candidates.find((d) => !d.nameIncludes);
}
