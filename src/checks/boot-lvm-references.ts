// Check boot.lvm-references (151124): every rd.lvm.lv= / rd_LVM_LV= in the boot configuration
// must name a logical volume that exists, or the failed-over VM drops to an emergency shell.
import type { CheckOutcome } from '../core/finding';
import type { GrubFacts } from '../facts/linux/grub';
import type { StorageStackFacts } from '../facts/linux/storage-stack';
import { defineCheck } from './helpers/check-context';

export const bootLvmReferences = defineCheck({
  id: 'boot.lvm-references',
  title: 'LVM volumes named at boot exist',
  description: 'rd.lvm.lv= or rd_LVM_LV= naming a logical volume that does not exist fails enablement with 151124.',
  platforms: ['linux'],
  timeoutMs: 30_000,
  needs: ['linuxGuest'],
  explain: {
    judges: 'Fails when rd.lvm.lv= or rd_LVM_LV= names a logical volume that does not exist; warns when no LVM information can confirm it.',
    sources: ['azure-requirements.md §5.3 "File systems, volumes, boot", 151124'],
    asrErrorCodes: [151124],
    remediation: 'Remove or correct those parameters in GRUB_CMDLINE_LINUX and regenerate the GRUB configuration.',
  },
  async run(ctx) {
    const guest = await ctx.facts.linuxGuest();
    return [evaluateLvmReferences(guest.grub, guest.storage)];
  },
});

export function evaluateLvmReferences(grub: GrubFacts, storage: StorageStackFacts): CheckOutcome {
  const refs = grub.params.filter((p) => p.key === 'rd.lvm.lv' || p.key === 'rd_LVM_LV');
  // LVM backups cut at the cap or unreadable: a volume named at boot may be in the part not read.
  const notJudged = storage.lvmNotes ?? [];
  const unread = notJudged.length ? ` Not judged: ${notJudged.join('; ')}.` : '';
  const evidence = {
    references: refs.map(({ path, lineNumber, key, value }) => ({ path, lineNumber, key, value })),
    logicalVolumes: storage.logicalVolumes,
    sources: storage.lvmSources,
    ...(notJudged.length ? { notJudged } : {}),
  };
  if (refs.length === 0) return { status: 'pass', summary: 'The boot configuration names no LVM volumes (no rd.lvm.lv= or rd_LVM_LV=).', evidence };
  if (storage.lvmSources.length === 0) {
    return {
      status: 'warn',
      summary: `The boot configuration names ${unique(refs.map((r) => r.value)).join(', ')}, but no LVM information was found (/dev/mapper, /etc/lvm/backup) to confirm they exist.${unread}`,
      remediation: 'Check with: sudo lvs',
      evidence,
    };
  }
  const missing = refs.filter((r) => !storage.logicalVolumes.includes(r.value));
  if (missing.length === 0)
    return { status: 'pass', summary: `Every volume named at boot exists: ${unique(refs.map((r) => r.value)).join(', ')}.${unread}`, evidence };
  if (notJudged.length) {
    return {
      status: 'warn',
      summary: `${missing.map((m) => `${m.key}=${m.value} (${m.path}:${m.lineNumber})`).join(', ')} name logical volumes not found in what could be read, but not judged: ${notJudged.join('; ')}.`,
      remediation: 'Check with: sudo lvs; then correct any rd.lvm.lv= or rd_LVM_LV= that names a volume that does not exist (Site Recovery fails with 151124).',
      evidence,
    };
  }
  return {
    status: 'fail',
    summary: `${missing.map((m) => `${m.key}=${m.value} (${m.path}:${m.lineNumber})`).join(', ')} name logical volumes that do not exist; Site Recovery fails with 151124. Existing volumes: ${storage.logicalVolumes.join(', ') || 'none'}.`,
    remediation: `Remove or correct those parameters (for example in GRUB_CMDLINE_LINUX of /etc/default/grub), regenerate the GRUB configuration (grub2-mkconfig -o /boot/grub2/grub.cfg, or grubby --update-kernel=ALL --remove-args="${missing.map((m) => `${m.key}=${m.value}`).join(' ')}"), and reboot once.`,
    asrErrorCodes: [151124],
    evidence,
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
