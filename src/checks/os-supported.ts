// Check os.supported: the distro and version (or Windows edition and build) against the support
// matrix. ARM64 fails; an end-of-life but listed version warns; anything unlisted fails.
import type { Check } from '../core/check';
import type { CheckOutcome } from '../core/finding';
import { SUPPORT_MATRIX, versionInRanges, type LinuxDistroEntry, type SupportMatrix } from '../catalog/support-matrix';
import type { HostFacts } from '../facts/host';
import type { KernelFacts } from '../facts/linux/kernel';
import type { WindowsVersion } from '../facts/windows/guest-parsers';

export const osSupported: Check = {
  id: 'os.supported',
  title: 'Operating system in the support matrix',
  description: 'Compares the distribution and version (or Windows edition and build) with the Azure-to-Azure support matrix.',
  platforms: ['linux', 'windows'],
  timeoutMs: 60_000,
  async run(ctx) {
    const host = await ctx.facts.host();
    if (host.os === 'windows') return [evaluateWindowsSupport((await ctx.facts.windowsGuest()).version, host.arch, SUPPORT_MATRIX, ctx.now)];
    return [evaluateLinuxSupport(host, (await ctx.facts.linuxGuest()).kernel, SUPPORT_MATRIX, ctx.now)];
  },
};

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
  const evidence = { id: release?.ID ?? null, versionId: release?.VERSION_ID ?? null, prettyName: host.distroName, arch: host.arch, archSource: host.archSource ?? null, ...(host.archNotes?.length ? { archNotes: host.archNotes } : {}), debianVersion: kernel.debianVersion, matrixVersion: matrix.version };
  if (host.arch && ARM.test(host.arch)) {
    const runs = host.fromRoot ? `is built for ${host.arch} (${host.archSource ?? 'from the image'})` : `runs on ${host.arch}`;
    return { status: 'fail', summary: `${host.distroName ?? 'This guest'} ${runs}: Site Recovery does not support ARM64 VMs (support matrix ${matrix.version}).`, remediation: 'Replicate an x64 VM; ARM64 guests cannot be protected with Azure Site Recovery.', evidence };
  }
  if (!release?.ID) {
    const unread = host.notes?.length ? `: ${host.notes.join('; ')}` : ' (no /etc/os-release, /usr/lib/os-release or release file)';
    return { status: 'warn', summary: `The distribution could not be identified${unread}.`, remediation: 'Check /etc/os-release; Site Recovery supports only the distributions in its support matrix.', evidence: host.notes?.length ? { ...evidence, notJudged: host.notes } : evidence };
  }
  const entry = matrix.linux.find((d) => d.ids.includes(release.ID!.toLowerCase()));
  const version = effectiveVersion(entry, release.VERSION_ID ?? '', kernel.debianVersion);
  const name = `${entry?.name ?? release.NAME ?? release.ID} ${version}`.trim();
  if (!entry) {
    return {
      status: 'fail',
      summary: `${host.distroName ?? name} is not in the Site Recovery support matrix (${matrix.version}).`,
      remediation: `Site Recovery protects only these distributions: ${matrix.linux.filter((d) => d.versions.length).map((d) => d.name).join(', ')}. Migrate the workload to one of them.`,
      evidence,
    };
  }
  if (entry.versions.length === 0) {
    const historic = versionInRanges(version, entry.historicVersions ?? []);
    return {
      status: historic ? 'warn' : 'fail',
      summary: historic ? `${name}: ${entry.note}` : `${name} is not in the Site Recovery support matrix. ${entry.note}`,
      remediation: 'Move to a supported distribution of the same family (RHEL, Rocky Linux, AlmaLinux or Oracle Linux) before relying on Site Recovery.',
      evidence: { ...evidence, listedInOlderMatrices: historic },
    };
  }
  if (!versionInRanges(version, entry.versions)) {
    return {
      status: 'fail',
      summary: `${name} is not a supported version of ${entry.name}; the matrix lists ${entry.versions.join(', ')}.`,
      remediation: `Upgrade to a listed ${entry.name} version (${entry.versions.join(', ')}), or check the latest support matrix if this release is new. ${entry.note}`,
      evidence,
    };
  }
  const eol = endOfLife(entry, version);
  if (eol && Date.parse(eol) < now.getTime()) {
    return {
      status: 'warn',
      summary: `${name} is in the support matrix but reached end of life on ${eol}: no new kernels or fixes, and Site Recovery may drop it.`,
      remediation: `Plan an upgrade to a maintained ${entry.name} release. ${entry.note}`,
      evidence: { ...evidence, endOfLife: eol },
    };
  }
  return { status: 'pass', summary: `${name} is in the Site Recovery support matrix.`, evidence: { ...evidence, note: entry.note } };
}

/** Debian's VERSION_ID is the major only; /etc/debian_version has the point release that 9.0 vs 9.1+ needs. */
function effectiveVersion(entry: LinuxDistroEntry | undefined, versionId: string, debianVersion: string | null): string {
  if (entry?.id === 'debian' && debianVersion && /^\d+\.\d+$/.test(debianVersion) && debianVersion.startsWith(`${versionId}.`)) return debianVersion;
  return versionId;
}

function endOfLife(entry: LinuxDistroEntry, version: string): string | null {
  return entry.endOfLife[version] ?? entry.endOfLife[version.split('.')[0]!] ?? null;
}

export function evaluateWindowsSupport(version: WindowsVersion | null, arch: string | null, matrix: SupportMatrix, now: Date): CheckOutcome {
  const evidence = { version, arch, matrixVersion: matrix.version };
  if (!version || version.build === null) {
    return { status: 'error', summary: 'The Windows version could not be read from HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion.', remediation: 'Run asr-ready as an administrator.', evidence };
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
  return { status: 'pass', summary: `${name} is supported as ${entry.name}.${entry.note ? ` ${entry.note}` : ''}`, evidence: { ...evidence, matched: entry.id } };
}
