// Check os.kernel (Linux): Site Recovery supports only the distribution's stock kernels, and for
// some releases only from a minimum kernel on. New kernels in a supported series get support
// within about 30 days, so "newer than we know" is never a failure.
import type { CheckOutcome } from '../core/finding';
import { compareVersions, type LinuxDistroEntry, type SupportMatrix } from '../catalog/support-matrix';
import { kernelNameArch } from '../catalog/kernel-arch';
import { compareKernelVersions } from '../catalog/kernel-version';
import type { HostFacts } from '../facts/host';
import type { KernelFacts } from '../facts/linux/kernel';
import { defineCheck } from './helpers/check-context';

export const osKernel = defineCheck({
  id: 'os.kernel',
  title: 'Stock distribution kernel',
  description: "Site Recovery's Mobility service ships drivers for the distributions' stock kernels only; a custom kernel cannot be protected.",
  platforms: ['linux'],
  timeoutMs: 30_000,
  needs: ['host', 'linuxGuest'],
  // A getter: REFERENCE is declared below this object.
  get explain() {
    return {
      judges:
        "Fails a kernel that is not the distribution's stock kernel (by its release's shape) or older than the matrix's minimum; a newer kernel in a supported series is never a failure (support follows within about 30 days).",
      sources: [REFERENCE],
      catalogs: ['supportMatrix'],
      remediation: "Install and boot a stock kernel from the distribution's repositories, make it the default in GRUB, and reboot before enabling replication.",
    };
  },
  async run(ctx) {
    const [host, guest] = await Promise.all([ctx.facts.host(), ctx.facts.linuxGuest()]);
    return [evaluateKernel(host, guest.kernel, ctx.catalog.supportMatrix)];
  },
});

const STOCK: Record<LinuxDistroEntry['kernelStyle'], RegExp> = {
  el: /^\d+\.\d+\.\d+-[\d.]+\.el\d+(_\d+)?(uek)?(\.(x86_64|aarch64))?$/,
  // Ubuntu's own ABI numbers have one to five digits ("-49-", "-1021-"); a mainline build's ABI is
  // six digits made of its version ("6.8.12-060812-generic"), and is not an Ubuntu kernel.
  ubuntu: /^\d+\.\d+\.\d+-\d{1,5}-(generic|azure|azure-fde|lowlatency|kvm|virtual|aws|gcp|oracle|generic-lpae|realtime)$/,
  debian: /^\d+\.\d+\.\d+-\d+(-cloud)?-(amd64|arm64|rt-amd64|686|686-pae)$/,
  suse: /^\d+\.\d+\.\d+-[\d.]+-(default|azure)$/,
};

const EXAMPLES: Record<LinuxDistroEntry['kernelStyle'], string> = {
  el: '4.18.0-553.el8_10.x86_64',
  ubuntu: '6.8.0-1021-azure',
  debian: '6.1.0-28-cloud-amd64',
  suse: '5.14.21-150500.55.39-default',
};

const REFERENCE = '../shared/reference/azure-requirements.md §5.2';

interface DistroMatch {
  /** Why the kernel, stock in shape, belongs to another distribution or major version. */
  mismatch: string | null;
  /** What the reference does not give, so it is not judged (named in the evidence). */
  notInReference: string[];
}

/**
 * Does a kernel of the distribution's shape belong to this distribution and major version?
 * Enterprise Linux kernels carry their major in the dist tag (".el9_4"): it must be the guest's.
 * Oracle's UEK ("el8uek") is stock on Oracle Linux only, and only in the generations the matrix
 * allows. What the reference does not list (SLES service packs' kernel prefixes, the Ubuntu and
 * Debian kernel series per release) is named as not judged, never guessed.
 */
export function matchKernelToDistro(entry: LinuxDistroEntry, version: string | null, release: string): DistroMatch {
  const notInReference: string[] = [];
  const major = version ? version.split('.')[0]! : null;
  if (entry.kernelStyle === 'el') {
    const tag = /\.el(\d+)(?:_\d+)?(uek)?(?:\.[a-z0-9_]+)?$/.exec(release);
    const tagMajor = tag?.[1] ?? null;
    const uek = Boolean(tag?.[2]);
    if (uek && entry.id !== 'ol') {
      return {
        mismatch: `is an Oracle Unbreakable Enterprise Kernel (el${tagMajor}uek), which is stock on Oracle Linux only, not on ${entry.name}`,
        notInReference,
      };
    }
    if (major === null) notInReference.push(`the ${entry.name} major version is unknown, so the kernel's el${tagMajor ?? '?'} tag is not matched against it`);
    else if (tagMajor !== major) {
      return { mismatch: `is built for Enterprise Linux ${tagMajor} (el${tagMajor}${uek ? 'uek' : ''}), not for ${entry.name} ${major}`, notInReference };
    }
    if (uek) {
      const judged = judgeUekGeneration(entry, version, release);
      if (judged.mismatch) return { mismatch: judged.mismatch, notInReference };
      notInReference.push(...judged.notes);
    }
  } else if (entry.kernelStyle === 'suse') {
    const sp = matchSuseServicePack(version, release);
    if (sp.mismatch) return { mismatch: sp.mismatch, notInReference };
    if (sp.note) notInReference.push(sp.note);
  } else {
    notInReference.push(
      `the kernel series per ${entry.name} release is not matched: the reference points to the Mobility agent's kernel tables without listing them (${REFERENCE})`,
    );
  }
  return { mismatch: null, notInReference };
}

/**
 * The matrix: "RHCK or UEK3–6, UEK7 from 8.7". A UEK release starts with the mainline version its
 * generation is built on (5.4.17-2136.330.7.1.el8uek is UEK R6), from Oracle's release notes in the
 * catalog; a generation the matrix does not list (UEK R8, 6.12) or UEK R7 before 8.7 is not stock.
 */
export function judgeUekGeneration(entry: LinuxDistroEntry, version: string | null, release: string): { mismatch: string | null; notes: string[] } {
  const catalog = entry.uek;
  if (!catalog) return { mismatch: null, notes: [] };
  const base = /^(\d+\.\d+\.\d+)-/.exec(release)?.[1] ?? '';
  const generation = Object.entries(catalog.generations).find(([, kernel]) => kernel === base)?.[0];
  const allowedList = 'the matrix allows the Red Hat compatible kernel or UEK3 to UEK6, and UEK7 from Oracle Linux 8.7';
  if (generation === undefined) {
    // A base newer than every known generation may be a UEK release newer than this catalog: named, not failed.
    const newest = Object.values(catalog.generations).sort(compareVersions).at(-1) ?? '0';
    if (base && compareVersions(base, newest) > 0)
      return {
        mismatch: null,
        notes: [
          `UEK kernel on mainline ${base} is newer than every UEK generation the catalog knows (newest ${newest}); its generation is not judged (${allowedList})`,
        ],
      };
    return { mismatch: `is a UEK kernel on mainline ${base || 'version ?'}, which is no UEK generation the catalog knows (${allowedList})`, notes: [] };
  }
  const rule = catalog.allowed.find((a) => String(a.generation) === generation);
  if (!rule) return { mismatch: `is UEK R${generation} (built on ${base}), which the support matrix does not list: ${allowedList}`, notes: [] };
  if (rule.fromVersion) {
    // A bare major ("8") cannot be placed before or after 8.7 (os.supported says why): named, not judged.
    const placeable = version !== null && (version.includes('.') || !rule.fromVersion.startsWith(`${version}.`));
    if (!placeable)
      return {
        mismatch: null,
        notes: [
          `UEK R${generation} is allowed from ${entry.name} ${rule.fromVersion} only; the minor version is unknown${version ? ` (VERSION_ID "${version}")` : ''}, so this was not judged`,
        ],
      };
    if (compareVersions(version!, rule.fromVersion) < 0)
      return {
        mismatch: `is UEK R${generation} (built on ${base}), which the support matrix allows from ${entry.name} ${rule.fromVersion} on, not on ${version}`,
        notes: [],
      };
  }
  return { mismatch: null, notes: [] };
}

/**
 * SLE 15 kernels built for a service pack carry it in their release: 5.14.21-150500.55.39-default
 * is SP5 (code stream 15.5 → "150500"), 6.4.0-150600.23.25-default SP6, as SUSE's kernel packages
 * are versioned (SUSE's convention; the reference lists the service packs, not their kernels). A
 * kernel of another service pack is not the stock kernel of this one. Releases without the code
 * stream (SLE 12, SLE 15 before SP3) are named as not matched.
 */
export function matchSuseServicePack(version: string | null, release: string): { mismatch: string | null; note: string | null } {
  const stream = /^\d+\.\d+\.\d+-(\d{2})(\d{2})00\./.exec(release);
  const notMatched = `the service pack of a -default/-azure kernel is matched only for SLE 15 kernels that carry it (-1500N00.); ${release} does not, and the reference gives no kernel prefix per service pack (${REFERENCE})`;
  if (!stream) return { mismatch: null, note: notMatched };
  const [kernelMajor, kernelSp] = [Number(stream[1]), Number(stream[2])];
  if (version === null)
    return { mismatch: null, note: `the SLES version is unknown, so the kernel's service pack (${kernelMajor} SP${kernelSp}) is not matched against it` };
  const [major, minor] = version.split('.').map(Number);
  const guestSp = minor ?? 0;
  if (kernelMajor === major && kernelSp === guestSp) return { mismatch: null, note: null };
  const name = (m: number, spN: number) => (spN === 0 ? `SLES ${m} GA` : `SLES ${m} SP${spN}`);
  return { mismatch: `is built for ${name(kernelMajor, kernelSp)} (code stream ${stream[1]}${stream[2]}00), not for ${name(major ?? 0, guestSp)}`, note: null };
}

/** A --root /proc/sys/kernel/osrelease cut at the cap or unreadable is named: the kernel judged then comes from /boot. */
export function evaluateKernel(host: HostFacts, kernel: KernelFacts, matrix: SupportMatrix): CheckOutcome {
  const outcome = judgeKernel(host, kernel, matrix);
  const notJudged = host.kernelNotes ?? [];
  if (notJudged.length === 0) return outcome;
  return { ...outcome, summary: `${outcome.summary} Not judged: ${notJudged.join('; ')}.`, evidence: { ...outcome.evidence, notJudged } };
}

function judgeKernel(host: HostFacts, kernel: KernelFacts, matrix: SupportMatrix): CheckOutcome {
  const evidence = { release: kernel.release, source: kernel.source, installed: kernel.installed };
  if (!kernel.release) {
    return { status: 'skip', summary: 'The kernel is unknown: no running kernel, and no /boot/vmlinuz-* under --root.', evidence };
  }
  const entry = matrix.linux.find((d) => d.ids.includes((host.osRelease?.ID ?? '').toLowerCase()));
  if (!entry)
    return {
      status: 'skip',
      summary: `Kernel ${kernel.release}: the distribution is not in the support matrix, so there is no stock kernel to compare with (see os.supported).`,
      evidence,
    };
  const label = kernel.source === 'running' ? 'The running kernel' : `The kernel (${kernel.source})`;
  // The STOCK patterns accept el9.aarch64 and Debian's -arm64 names, and Ubuntu's arm64 kernels
  // carry no arch at all: a kernel named for another architecture, or on a guest known to be one,
  // is not a stock x86-64 kernel (the matrix: no ARM64, ../shared/reference/azure-requirements.md).
  const named = kernelNameArch(kernel.release);
  const kernelArch = named ?? (host.arch && host.arch !== 'x86_64' ? host.arch : null);
  if (kernelArch && kernelArch !== 'x86_64') {
    const why = named ? `is built for ${named}` : `runs on a ${kernelArch} guest (${host.archSource ?? 'architecture of the host'})`;
    return {
      status: 'fail',
      summary: `${label} ${kernel.release} ${why}: it is not a stock x86-64 ${entry.name} kernel. Site Recovery supports only x86-64 VMs with the distribution's own kernels; ARM64 is not supported.`,
      remediation: `Protect an x86-64 VM running a stock ${entry.name} kernel; a VM of another architecture cannot be replicated with Site Recovery.`,
      evidence: { ...evidence, kernelArch, archSource: named ? `kernel name ${kernel.release}` : (host.archSource ?? null) },
    };
  }
  const mainline = entry.kernelStyle === 'ubuntu' ? /^\d+\.\d+\.\d+-(\d{6,})-/.exec(kernel.release) : null;
  if (mainline) {
    return {
      status: 'fail',
      summary: `${label} ${kernel.release} is an Ubuntu mainline build (six-digit ABI ${mainline[1]}), not a stock Ubuntu kernel. Site Recovery supports only the distribution's own kernels.`,
      remediation:
        'Install and boot a stock Ubuntu kernel (linux-image-azure or linux-image-generic from the Ubuntu archive), make it the default in GRUB, remove the mainline build, and reboot before enabling replication.',
      evidence: { ...evidence, expectedPattern: STOCK.ubuntu.source },
    };
  }
  if (!STOCK[entry.kernelStyle].test(kernel.release)) {
    return {
      status: 'fail',
      summary: `${label} ${kernel.release} is not a stock ${entry.name} kernel (those look like ${EXAMPLES[entry.kernelStyle]}). Site Recovery supports only the distribution's own kernels.`,
      remediation: `Install and boot a stock ${entry.name} kernel from the distribution's repositories, make it the default in GRUB, and reboot before enabling replication.`,
      evidence: { ...evidence, expectedPattern: STOCK[entry.kernelStyle].source },
    };
  }
  const match = matchKernelToDistro(entry, host.version, kernel.release);
  const gaps = match.notInReference.length > 0 ? { notInReference: match.notInReference } : {};
  if (match.mismatch) {
    return {
      status: 'fail',
      summary: `${label} ${kernel.release} ${match.mismatch}: it is not a stock ${entry.name}${host.version ? ` ${host.version}` : ''} kernel. Site Recovery supports only the distribution's own kernels for the release it runs.`,
      remediation: `Install and boot the stock kernel of ${entry.name}${host.version ? ` ${host.version.split('.')[0]}` : ''} from its own repositories, make it the default in GRUB, and reboot before enabling replication.`,
      evidence: { ...evidence, ...gaps },
    };
  }
  // Minimums are compared by version order, number by number (553.40.1 > 553.5.1), never as text.
  const minimum = entry.kernelMinimums?.[host.version ?? ''];
  if (minimum && compareKernelVersions(kernel.release, minimum) < 0) {
    return {
      status: 'fail',
      summary: `${label} ${kernel.release} is older than ${minimum}, the first kernel Site Recovery supports on ${entry.name} ${host.version}.`,
      remediation: `Update the kernel (yum/dnf update kernel) to ${minimum} or later and reboot.`,
      evidence: { ...evidence, minimum, ...gaps },
    };
  }
  return {
    status: 'pass',
    summary: `${label} ${kernel.release} is a stock ${entry.name} kernel${minimum ? ` at or above ${minimum}` : ''}. The Mobility agent's kernel table has the final word on exact versions; kernels newer than the agent knows get support within about 30 days.`,
    evidence: { ...evidence, ...gaps },
  };
}
