// Check boot.grub-device-names (151126): root= and resume= must name file systems by UUID, not by
// kernel device names, which change when the VM fails over to other hardware. Reference:
// azure-requirements.md §5.3 "File systems, volumes, boot", 151126: root=/resume= must use UUID=
// in /boot/grub/menu.lst, /boot/grub/grub.cfg, /boot/grub2/grub.cfg and /etc/default/grub. Read as
// GRUB reads them (../facts/linux/grub.ts): also /etc/default/grub.d/*.cfg, EFI copies, grubenv
// (kernelopts=root=/dev/sda2 ...) and BLS entries, whose `options $kernelopts` is the grubenv value.
import type { CheckOutcome } from '../core/finding';
import type { GrubFacts, KernelParam } from '../facts/linux/grub';
import type { DistroFamily } from '../facts/linux/distro-family';
import { defineCheck } from './helpers/check-context';
import { isDeviceName } from './helpers/device-name';

export const bootGrubDeviceNames = defineCheck({
  id: 'boot.grub-device-names',
  title: 'GRUB uses UUIDs, not device names',
  description: 'A root= or resume= naming /dev/sdX in the GRUB configuration makes the failed-over VM unbootable; Site Recovery refuses it with 151126.',
  platforms: ['linux'],
  timeoutMs: 30_000,
  needs: ['host', 'linuxGuest'],
  explain: {
    judges: 'Fails when root= or resume= names a kernel device (/dev/sdX) in any GRUB file GRUB reads; warns when part of the configuration could not be read.',
    sources: ['azure-requirements.md §5.3 "File systems, volumes, boot", 151126: root=/resume= must use UUID='],
    asrErrorCodes: [151126],
    remediation: 'Replace the device names with UUID= in /etc/default/grub (and the other files named), regenerate grub.cfg and reboot.',
  },
  async run(ctx) {
    const [host, guest] = await Promise.all([ctx.facts.host(), ctx.facts.linuxGuest()]);
    return [evaluateGrubDeviceNames(guest.grub, host.family)];
  },
});

export function evaluateGrubDeviceNames(grub: GrubFacts, family: DistroFamily): CheckOutcome {
  const found = grub.files.filter((f) => f.exists).map((f) => f.path);
  // Files cut at the size cap or not readable (a FIFO, a directory): what is in them was not judged.
  const notJudged = grub.files.flatMap((f) => (f.note ? [f.note] : []));
  if (found.length === 0) {
    if (notJudged.length > 0) {
      return {
        status: 'warn',
        summary: `No GRUB configuration could be read, so device names were not judged: ${notJudged.join('; ')}.`,
        remediation: 'Make the GRUB configuration a regular file, then run the check again.',
        evidence: { files: grub.files, notJudged },
      };
    }
    return { status: 'skip', summary: `No GRUB configuration found (looked at ${grub.files.map((f) => f.path).join(', ')}).`, evidence: { files: grub.files } };
  }
  const offending = grub.params.filter((p) => (p.key === 'root' || p.key === 'resume') && isDeviceName(p.value));
  const evidence = {
    files: found,
    offending: offending.map(({ path, lineNumber, line, key, value, via, usedBy }) => ({
      path,
      lineNumber,
      line,
      key,
      value,
      ...(via ? { via } : {}),
      ...(usedBy ? { usedBy } : {}),
    })),
    ...(notJudged.length ? { notJudged } : {}),
  };
  if (offending.length === 0 && notJudged.length > 0) {
    return {
      status: 'warn',
      summary: `root= and resume= use UUIDs or volume names in what could be read, but not judged: ${notJudged.join('; ')}.`,
      remediation: 'Make the GRUB configuration a regular file of sensible size, then run the check again.',
      evidence,
    };
  }
  if (offending.length === 0) {
    return { status: 'pass', summary: `root= and resume= use UUIDs or volume names in ${found.join(', ')}.`, evidence };
  }
  const places = [...new Set(offending.map((p) => `${p.path}:${p.lineNumber}: ${p.line}`))];
  return {
    status: 'fail',
    summary: `${offending.map((p) => `${p.key}=${p.value}`).join(', ')} by device name in ${[...new Set(offending.map((p) => p.path))].join(', ')}; Site Recovery fails with 151126. Line(s): ${places.join(' | ')}`,
    remediation: [
      ...offending.map((p, i) => `${i + 1}. ${where(p)}, replace ${p.key}=${p.value} with ${p.key}=${replacement(p, grub)}.`),
      `${offending.length + 1}. ${regenerate(family, offending)}`,
      `${offending.length + 2}. Reboot once to confirm the VM still starts, then enable replication.`,
    ].join('\n'),
    asrErrorCodes: [151126],
    evidence,
  };
}

/** The place to edit: the line itself, or the grubenv variable a BLS entry takes it from. */
function where(p: KernelParam): string {
  if (p.via) return `In ${p.via.path} line ${p.via.lineNumber} (the $${p.via.variable} that ${p.path} line ${p.lineNumber} boots with)`;
  if (p.usedBy?.length) return `In ${p.path} line ${p.lineNumber} (used by ${p.usedBy.join(', ')})`;
  return `In ${p.path} line ${p.lineNumber}`;
}

function replacement(p: KernelParam, grub: GrubFacts): string {
  const device = p.value.replace(/^\/dev\//, '');
  const uuid = grub.uuidByDevice[device];
  return uuid ? `UUID=${uuid}` : `UUID=<the UUID that "blkid ${p.value}" prints>`;
}

function regenerate(family: DistroFamily, offending: KernelParam[]): string {
  if (offending.every((p) => p.path.endsWith('menu.lst'))) return 'GRUB legacy reads menu.lst directly: no regeneration needed.';
  if (offending.some((p) => p.via || /(^|\/)grubenv$/.test(p.path))) {
    return 'grubenv is read by GRUB at boot and is not regenerated from /etc/default/grub: change kernelopts with sudo grubby --update-kernel=ALL --args="root=UUID=..." (it updates grubenv and the BLS entries), or sudo grub2-editenv - set "kernelopts=<the whole corrected line>"; also correct GRUB_CMDLINE_LINUX in /etc/default/grub so the next grub2-mkconfig keeps it.';
  }
  switch (family) {
    case 'debian':
      return 'Regenerate the configuration: sudo update-grub';
    case 'suse':
      return 'Regenerate the configuration: sudo grub2-mkconfig -o /boot/grub2/grub.cfg';
    default:
      return 'Regenerate the configuration: sudo grub2-mkconfig -o /boot/grub2/grub.cfg (on UEFI VMs also -o /boot/efi/EFI/<vendor>/grub.cfg; with BLS entries use grubby --update-kernel=ALL --args=...).';
  }
}
