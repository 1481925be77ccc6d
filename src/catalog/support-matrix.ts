// Typed access to the support-matrix catalog (support-matrix.json: data, with sources and date).
import data from './support-matrix.json';

export interface LinuxDistroEntry {
  id: string;
  name: string;
  ids: string[];
  /** "8.0-8.10" ranges or single versions ("12", "24.04"). */
  versions: string[];
  historicVersions?: string[];
  kernelStyle: 'el' | 'ubuntu' | 'debian' | 'suse';
  endOfLife: Record<string, string>;
  kernelMinimums?: Record<string, string>;
  note: string;
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
  version: string;
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

/** Validates the shape once at load, so a bad data edit fails loudly (and in the catalog test). */
export function validateSupportMatrix(raw: unknown): SupportMatrix {
  const m = raw as SupportMatrix;
  if (!m || !Array.isArray(m.linux) || !Array.isArray(m.windows)) throw new Error('support-matrix catalog: missing linux or windows');
  for (const d of m.linux) {
    if (!KERNEL_STYLES.includes(d.kernelStyle)) throw new Error(`support-matrix catalog: ${d.id} has unknown kernelStyle ${d.kernelStyle}`);
    for (const r of [...d.versions, ...(d.historicVersions ?? [])]) {
      if (!/^\d+(\.\d+)?(-\d+(\.\d+)?)?$/.test(r)) throw new Error(`support-matrix catalog: ${d.id} version range "${r}" is malformed`);
    }
  }
  for (const w of m.windows) if (w.minBuild > w.maxBuild) throw new Error(`support-matrix catalog: ${w.id} minBuild > maxBuild`);
  return m;
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
