// Check os.kernel (Linux): Site Recovery supports only the distribution's stock kernels, and for
// some releases only from a minimum kernel on. New kernels in a supported series get support
// within about 30 days, so "newer than we know" is never a failure.
import type { Check } from '../core/check';
import type { CheckOutcome } from '../core/finding';
import { SUPPORT_MATRIX, compareVersions, type LinuxDistroEntry, type SupportMatrix } from '../catalog/support-matrix';
import type { HostFacts } from '../facts/host';
import type { KernelFacts } from '../facts/linux/kernel';
import { kernelNameArch } from '../facts/linux/guest-arch';

export const osKernel: Check = {
  id: 'os.kernel',
  title: 'Stock distribution kernel',
  description: 'Site Recovery\'s Mobility service ships drivers for the distributions\' stock kernels only; a custom kernel cannot be protected.',
  platforms: ['linux'],
  timeoutMs: 30_000,
  async run(ctx) {
    const [host, guest] = await Promise.all([ctx.facts.host(), ctx.facts.linuxGuest()]);
    return [evaluateKernel(host, guest.kernel, SUPPORT_MATRIX)];
  },
};

const STOCK: Record<LinuxDistroEntry['kernelStyle'], RegExp> = {
  el: /^\d+\.\d+\.\d+-[\d.]+\.el\d+(_\d+)?(uek)?(\.(x86_64|aarch64))?$/,
  ubuntu: /^\d+\.\d+\.\d+-\d+-(generic|azure|azure-fde|lowlatency|kvm|virtual|aws|gcp|oracle|generic-lpae|realtime)$/,
  debian: /^\d+\.\d+\.\d+-\d+(-cloud)?-(amd64|arm64|rt-amd64|686|686-pae)$/,
  suse: /^\d+\.\d+\.\d+-[\d.]+-(default|azure)$/,
};

const EXAMPLES: Record<LinuxDistroEntry['kernelStyle'], string> = {
  el: '4.18.0-553.el8_10.x86_64',
  ubuntu: '6.8.0-1021-azure',
  debian: '6.1.0-28-cloud-amd64',
  suse: '5.14.21-150500.55.39-default',
};

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
  if (!entry) return { status: 'skip', summary: `Kernel ${kernel.release}: the distribution is not in the support matrix, so there is no stock kernel to compare with (see os.supported).`, evidence };
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
      evidence: { ...evidence, kernelArch, archSource: named ? `kernel name ${kernel.release}` : host.archSource ?? null },
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
  const minimum = entry.kernelMinimums?.[host.version ?? ''];
  if (minimum && compareVersions(kernel.release, minimum) < 0) {
    return {
      status: 'fail',
      summary: `${label} ${kernel.release} is older than ${minimum}, the first kernel Site Recovery supports on ${entry.name} ${host.version}.`,
      remediation: `Update the kernel (yum/dnf update kernel) to ${minimum} or later and reboot.`,
      evidence: { ...evidence, minimum },
    };
  }
  return {
    status: 'pass',
    summary: `${label} ${kernel.release} is a stock ${entry.name} kernel${minimum ? ` at or above ${minimum}` : ''}. The Mobility agent's kernel table has the final word on exact versions; kernels newer than the agent knows get support within about 30 days.`,
    evidence,
  };
}
