// Check os.supported: the distro and version (or Windows edition and build) against the support
// matrix. ARM64 fails; an end-of-life but listed version warns; anything unlisted fails, and a
// release newer than every row the matrix has for it says so. How a VERSION_ID is read per
// distribution (SLES "12" = 12 GA, Debian "9" = a series, RHEL "8" = unplaceable) is catalog data.
import type { CheckOutcome } from '../core/finding';
import { findLinuxEntry, placeLinuxVersion, type LinuxDistroEntry, type SupportMatrix } from '../catalog/support-matrix';
import type { HostFacts } from '../facts/host';
import type { KernelFacts } from '../facts/linux/kernel';
import type { WindowsVersion } from '../facts/windows/guest-parsers';
import { defineCheck } from './helpers/check-context';

export const osSupported = defineCheck({
  id: 'os.supported',
  title: 'Operating system in the support matrix',
  description: 'Compares the distribution and version (or Windows edition and build) with the Azure-to-Azure support matrix.',
  platforms: ['linux', 'windows'],
  timeoutMs: 60_000,
  needs: ['host', 'windowsGuest', 'linuxGuest'],
  explain: {
    judges: 'ARM64 fails; a listed end-of-life version warns; an unlisted distribution or version fails, and a release newer than every row says so.',
    sources: ['the Azure-to-Azure support matrix (src/catalog/support-matrix.json)'],
    catalogs: ['supportMatrix'],
    remediation: 'Run a distribution and version the support matrix lists, on x64.',
  },
  async run(ctx) {
    const host = await ctx.facts.host();
    if (host.os === 'windows') return [evaluateWindowsSupport((await ctx.facts.windowsGuest()).version, host.arch, ctx.catalog.supportMatrix, ctx.now)];
    return [evaluateLinuxSupport(host, (await ctx.facts.linuxGuest()).kernel, ctx.catalog.supportMatrix, ctx.now)];
  },
});

// "Linux: stock kernels per agent table, **no ARM64**" and "ARM64 not supported (new 2026)"
// (../shared/reference/azure-requirements.md, support matrix 2026-01-01). Live, the arch is the
// running machine's; under --root it is the guest image's own (src/facts/linux/guest-arch.ts).
const ARM = /^(aarch64|arm64|armv\d.*)$/i;

/**
 * Release files cut at the cap or unreadable (and /etc/debian_version, which picks Debian's point
 * release) are named in the evidence and the summary: the version judged may lack what was cut.
 */
export function evaluateLinuxSupport(host: HostFacts, kernel: KernelFacts, matrix: SupportMatrix, now: Date): CheckOutcome {
  const outcome = judgeLinuxSupport(host, kernel, matrix, now);
  if (!host.osRelease?.ID) return outcome; // that summary already names the release files it could not read
  const notJudged = [...(host.notes ?? []), ...(kernel.notes ?? [])];
  if (notJudged.length === 0) return outcome;
  return { ...outcome, summary: `${outcome.summary} Not judged: ${notJudged.join('; ')}.`, evidence: { ...outcome.evidence, notJudged } };
}

function judgeLinuxSupport(host: HostFacts, kernel: KernelFacts, matrix: SupportMatrix, now: Date): CheckOutcome {
  const release = host.osRelease;
  const evidence = {
    id: release?.ID ?? null,
    versionId: release?.VERSION_ID ?? null,
    prettyName: host.distroName,
    arch: host.arch,
    archSource: host.archSource ?? null,
    ...(host.archNotes?.length ? { archNotes: host.archNotes } : {}),
    debianVersion: kernel.debianVersion,
    matrixVersion: matrix.version,
  };
  if (host.arch && ARM.test(host.arch)) {
    const runs = host.fromRoot ? `is built for ${host.arch} (${host.archSource ?? 'from the image'})` : `runs on ${host.arch}`;
    return {
      status: 'fail',
      summary: `${host.distroName ?? 'This guest'} ${runs}: Site Recovery does not support ARM64 VMs (support matrix of ${matrix.matrixDate}).`,
      remediation: 'Replicate an x64 VM; ARM64 guests cannot be protected with Azure Site Recovery.',
      evidence,
    };
  }
  if (!release?.ID) {
    const unread = host.notes?.length ? `: ${host.notes.join('; ')}` : ' (no /etc/os-release, /usr/lib/os-release or release file)';
    return {
      status: 'warn',
      summary: `The distribution could not be identified${unread}.`,
      remediation: 'Check /etc/os-release; Site Recovery supports only the distributions in its support matrix.',
      evidence: host.notes?.length ? { ...evidence, notJudged: host.notes } : evidence,
    };
  }
  const entry = findLinuxEntry(matrix, release);
  if (!entry) {
    return {
      status: 'fail',
      summary: `${host.distroName ?? `${release.NAME ?? release.ID} ${release.VERSION_ID ?? ''}`.trim()} is not in the Site Recovery support matrix (${matrix.matrixDate}).`,
      remediation: `Site Recovery protects only these distributions: ${matrix.linux
        .filter((d) => d.versions.length)
        .map((d) => d.name)
        .join(', ')}. Migrate the workload to one of them.`,
      evidence,
    };
  }
  // Only Debian's point release is read (/etc/debian_version); CentOS's /etc/centos-release is not.
  const pointRelease = entry.releaseFile === '/etc/debian_version' ? kernel.debianVersion : null;
  const versionId = release.VERSION_ID ?? '';
  if (entry.versions.length === 0) {
    // Not in today's matrix: CentOS Linux warns for the releases older matrices listed; CentOS Stream fails whatever its version.
    const historic = placeLinuxVersion(entry, entry.historicVersions ?? [], versionId, pointRelease).kind === 'listed';
    const name = `${entry.name} ${versionId}`.trim();
    return {
      status: historic ? 'warn' : 'fail',
      summary: historic ? `${name}: ${entry.note}` : `${name} is not in the Site Recovery support matrix. ${entry.note}`,
      remediation: 'Move to a supported distribution of the same family (RHEL, Rocky Linux, AlmaLinux or Oracle Linux) before relying on Site Recovery.',
      evidence: { ...evidence, matched: entry.id, listedInOlderMatrices: historic },
    };
  }
  const placed = placeLinuxVersion(entry, entry.versions, versionId, pointRelease);
  const name = `${entry.name} ${shownVersion(entry, versionId, placed.version)}`.trim();
  const rows = entry.versions.join(', ');
  const judged = { ...evidence, matched: entry.id, judgedVersion: placed.version, matrixDate: matrix.matrixDate };
  if (placed.kind === 'unplaced') {
    return {
      status: 'warn',
      summary: `${name}: ${placed.why}, so it cannot be placed in a row of the support matrix (${rows}).`,
      remediation: `Read the release from ${entry.releaseFile ?? '/etc/os-release'} (and restore the distribution's own /etc/os-release if it was edited), then compare it with the rows of the support matrix of ${matrix.matrixDate}: ${rows}.`,
      evidence: { ...judged, unplaced: placed.why },
    };
  }
  if (placed.kind === 'newer') {
    // Not supported until a matrix lists it; "newer" tells the admin a later matrix may have (the catalog may be the stale one).
    const ofMajor = placed.newest.split('.')[0] === placed.version.split('.')[0] ? ` ${placed.version.split('.')[0]}` : '';
    return {
      status: 'fail',
      summary: `${name} is newer than the support matrix of ${matrix.matrixDate}, which lists ${entry.name}${ofMajor} up to ${placed.newest}: a release is supported only once the matrix lists it.`,
      remediation: `Check the current Azure-to-Azure support matrix (${MATRIX_URL}) for ${entry.name} ${placed.version} and the Mobility agent version it needs; if it is listed there, this tool's catalog is older than that matrix. Otherwise protect a listed release (${rows}). ${entry.note}`,
      evidence: { ...judged, newerThanMatrix: true, newestListed: placed.newest },
    };
  }
  if (placed.kind === 'unlisted') {
    return {
      status: 'fail',
      summary: `${name} is not a supported version of ${entry.name}; the matrix lists ${rows}.`,
      remediation: `${placed.why ? `${placed.why}. ` : ''}Move to a listed ${entry.name} release (${rows}). ${entry.note}`,
      evidence: placed.why ? { ...judged, why: placed.why } : judged,
    };
  }
  const row = `${entry.name} ${placed.row}`;
  const fromRow = `Row "${row}" of the support matrix of ${matrix.matrixDate}.`;
  // Debian "9" without /etc/debian_version: 9.0 is outside the 9.1-9.13 row, 9.1 inside.
  const unknownPoint = placed.pointReleaseUnknown
    ? ` Its point release is unknown (${entry.releaseFile ?? 'no release file'} not read), and the row covers ${placed.row} only.`
    : '';
  const withRow = { ...judged, matrixRow: row, ...(placed.pointReleaseUnknown ? { pointReleaseUnknown: true } : {}) };
  const eol = endOfLife(entry, placed.version);
  if (eol && Date.parse(eol) < now.getTime()) {
    return {
      status: 'warn',
      summary: `${name} is in the support matrix but reached end of life on ${eol}: no new kernels or fixes, and Site Recovery may drop it. ${fromRow}${unknownPoint}`,
      remediation: `Plan an upgrade to a maintained ${entry.name} release. ${entry.note}`,
      evidence: { ...withRow, endOfLife: eol },
    };
  }
  if (unknownPoint) {
    return {
      status: 'warn',
      summary: `${name} is in the support matrix as ${row}.${unknownPoint}`,
      remediation: `Check ${entry.releaseFile}: only ${row} is supported.`,
      evidence: withRow,
    };
  }
  return {
    status: 'pass',
    summary: `${name} is in the Site Recovery support matrix: row "${row}" of the matrix of ${matrix.matrixDate}.`,
    evidence: { ...withRow, note: entry.note },
  };
}

const MATRIX_URL = 'https://learn.microsoft.com/azure/site-recovery/azure-to-azure-support-matrix';

/** SLES "12" is shown as "12 GA" (judged as 12.0); Debian "9" with /etc/debian_version 9.13 as "9.13". */
function shownVersion(entry: LinuxDistroEntry, versionId: string, judged: string): string {
  if (entry.majorOnlyVersionId === 'ga' && judged === `${versionId}.0`) return `${versionId} GA`;
  return judged;
}

function endOfLife(entry: LinuxDistroEntry, version: string): string | null {
  return entry.endOfLife[version] ?? entry.endOfLife[version.split('.')[0]!] ?? null;
}

export function evaluateWindowsSupport(version: WindowsVersion | null, arch: string | null, matrix: SupportMatrix, now: Date): CheckOutcome {
  const evidence = { version, arch, matrixVersion: matrix.version };
  if (!version || version.build === null) {
    return {
      status: 'error',
      summary: 'The Windows version could not be read from HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion.',
      remediation: 'Run asr-ready as an administrator.',
      evidence,
    };
  }
  if (arch && ARM.test(arch)) return { status: 'fail', summary: `This Windows VM runs on ${arch}: Site Recovery does not support ARM64 VMs.`, evidence };
  const entry = matrix.windows.find((w) => w.server === version.isServer && version.build! >= w.minBuild && version.build! <= w.maxBuild);
  const name = `${version.productName ?? 'Windows'} (build ${version.build}${version.servicePack ? `, ${version.servicePack}` : ''})`;
  if (!entry) {
    return {
      status: 'fail',
      summary: `${name} is not in the Site Recovery support matrix.`,
      remediation: `Supported: ${matrix.windows.map((w) => w.name).join(', ')}.`,
      evidence,
    };
  }
  if (entry.endOfLife && Date.parse(entry.endOfLife) < now.getTime()) {
    return {
      status: 'warn',
      summary: `${name} is listed as ${entry.name} but reached end of support on ${entry.endOfLife}.${entry.updates.length ? ' It also needs specific updates (see windows.updates).' : ''}`,
      remediation: `Plan an upgrade to a supported Windows release.${entry.note ? ` ${entry.note}` : ''}`,
      evidence: { ...evidence, matched: entry.id },
    };
  }
  return {
    status: 'pass',
    summary: `${name} is supported as ${entry.name}.${entry.note ? ` ${entry.note}` : ''}`,
    evidence: { ...evidence, matched: entry.id },
  };
}
