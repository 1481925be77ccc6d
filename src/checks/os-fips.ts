// Check os.fips: Site Recovery does not support guests in FIPS mode. Reference:
// ../shared/reference/azure-requirements.md §5.4 "Compute, disks, encryption", row "Encryption":
// "Encryption at host and FIPS: not supported" [SM 2026-01-01, azure-to-azure-support-matrix.md];
// also "Most important facts" 8. Linux: /proc/sys/crypto/fips_enabled, fips= on /proc/cmdline and in
// the boot configuration (the next boot); Windows: the FipsAlgorithmPolicy Enabled policy value.
import type { CheckOutcome } from '../core/finding';
import type { LinuxFipsFacts } from '../facts/linux/fips';
import type { WindowsFipsFacts } from '../facts/windows/fips';
import { defineCheck } from './helpers/check-context';
import { isFipsOn } from './helpers/fips-value';

/** The reference row the verdict comes from, quoted in every finding. */
export const FIPS_REFERENCE = {
  source: 'Azure-to-Azure support matrix (azure-to-azure-support-matrix.md, 2026-01-01)',
  row: 'Compute, disks, encryption > Encryption: "Encryption at host and FIPS: not supported"',
  reference: 'azure-requirements.md §5.4, row "Encryption"',
} as const;

const CITED = `the Site Recovery support matrix says "Encryption at host and FIPS: not supported" (${FIPS_REFERENCE.source}, row "Encryption")`;
const WHAT = `FIPS mode restricts the operating system's cryptography to FIPS 140 validated modules and algorithms; ${CITED}.`;

export const osFips = defineCheck({
  id: 'os.fips',
  title: 'FIPS mode is off',
  description: 'Site Recovery does not support guests running in FIPS mode (support matrix, Encryption row: "Encryption at host and FIPS: not supported").',
  platforms: ['linux', 'windows'],
  timeoutMs: 40_000,
  needs: ['fips'],
  explain: {
    judges: 'Fails when FIPS mode is on now or at the next boot; warns when part of it could not be read; passes when it is off.',
    sources: Object.values(FIPS_REFERENCE),
    remediation: 'Turn FIPS mode off (fips=0 / fips-mode-setup --disable; on Windows the FipsAlgorithmPolicy Enabled value 0) and reboot.',
  },
  async run(ctx) {
    const facts = await ctx.facts.fips();
    return [facts.platform === 'windows' ? evaluateWindowsFips(facts.windows) : evaluateLinuxFips(facts.linux)];
  },
});

export function evaluateLinuxFips(f: LinuxFipsFacts): CheckOutcome {
  const evidence = {
    fipsEnabled: f.fipsEnabled,
    cmdline: f.cmdline,
    boot: f.boot,
    bootFiles: f.bootFiles,
    fromRoot: f.fromRoot,
    reference: FIPS_REFERENCE,
    ...(f.notes.length ? { notJudged: f.notes } : {}),
  };
  const on: string[] = [];
  if (f.fipsEnabled.read && isFipsOn(f.fipsEnabled.value)) on.push(`the running kernel is in FIPS mode (${f.fipsEnabled.path} is ${f.fipsEnabled.value})`);
  if (f.cmdline.read && isFipsOn(f.cmdline.value)) on.push(`it was booted with fips=${f.cmdline.value} (${f.cmdline.path})`);
  const bootOn = f.boot.filter((p) => isFipsOn(p.value));
  if (bootOn.length)
    on.push(
      `the boot configuration turns it on at ${f.fromRoot ? 'boot' : 'the next boot'}: ${bootOn.map((p) => `${p.path}:${p.lineNumber} (fips=${p.value})`).join(', ')}`,
    );
  const unread = f.notes.length ? ` Not read: ${f.notes.join('; ')}.` : '';
  if (on.length) {
    return {
      status: 'fail',
      summary: `FIPS mode is on: ${on.join('; ')}. Site Recovery does not support FIPS mode: ${CITED}.${unread}`,
      remediation: [
        `1. ${WHAT}`,
        '2. Turn FIPS mode off the way it was turned on:',
        '   - RHEL, Oracle Linux, Rocky, AlmaLinux 8 and 9: sudo fips-mode-setup --disable (check with fips-mode-setup --check). On RHEL 7 or 10 (no fips-mode-setup): sudo grubby --update-kernel=ALL --remove-args=fips=1.',
        '   - Ubuntu Pro: sudo pro disable fips; or remove fips=1 from the kernel command line (GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub or /etc/default/grub.d/99-ubuntu-fips.cfg), then sudo update-grub.',
        '   - SLES: remove fips=1 from GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then sudo grub2-mkconfig -o /boot/grub2/grub.cfg.',
        ...(bootOn.length ? [`   - The lines that set it here: ${[...new Set(bootOn.map((p) => `${p.path}:${p.lineNumber}: ${p.line}`))].join(' | ')}`] : []),
        '3. Reboot: FIPS mode is fixed when the kernel starts. Then run asr-ready again (/proc/sys/crypto/fips_enabled must read 0, and no fips=1 left in the boot configuration) before enabling replication.',
      ].join('\n'),
      evidence,
    };
  }
  const looked = f.bootFiles.length ? `no fips=1 in the boot configuration (${f.bootFiles.join(', ')})` : null;
  if (f.fromRoot) {
    if (!looked && !f.fipsEnabled.read) {
      return {
        status: 'skip',
        summary: `FIPS mode cannot be judged from this image: no GRUB configuration or /proc/sys/crypto/fips_enabled could be read under --root.${unread}`,
        evidence,
      };
    }
    const state = [f.fipsEnabled.read ? `${f.fipsEnabled.path} is ${f.fipsEnabled.value || '(empty)'}` : null, looked].filter(Boolean).join(', and ');
    if (f.notes.length && !f.fipsEnabled.read) {
      return {
        status: 'warn',
        summary: `FIPS mode looks off (${state}), but part of the boot configuration was not judged.${unread}`,
        remediation: 'Make the GRUB configuration regular files of sensible size, then run the check again.',
        evidence,
      };
    }
    return { status: 'pass', summary: `FIPS mode is off: ${state}.${unread}`, evidence };
  }
  if (!f.fipsEnabled.read && !f.cmdline.read) {
    if (!looked)
      return {
        status: 'skip',
        summary: `FIPS mode could not be read: neither /proc/sys/crypto/fips_enabled nor /proc/cmdline could be read, and no GRUB configuration was found.${unread}`,
        evidence,
      };
    return {
      status: 'warn',
      summary: `The running kernel's FIPS mode could not be read (/proc/sys/crypto/fips_enabled and /proc/cmdline), though there is ${looked}.${unread}`,
      remediation: 'Run asr-ready where /proc is mounted and readable, or check with: cat /proc/sys/crypto/fips_enabled',
      evidence,
    };
  }
  const running = f.fipsEnabled.read
    ? `${f.fipsEnabled.path} is ${f.fipsEnabled.value || '(empty)'}`
    : `${f.fipsEnabled.path} is absent (the kernel has no FIPS support)`;
  const booted = f.cmdline.read ? (f.cmdline.value === null ? 'no fips= on /proc/cmdline' : `fips=${f.cmdline.value} on /proc/cmdline`) : null;
  return { status: 'pass', summary: `FIPS mode is off: ${[running, booted, looked].filter(Boolean).join(', ')}.${unread}`, evidence };
}

export function evaluateWindowsFips(f: WindowsFipsFacts): CheckOutcome {
  const evidence = { source: f.source, enabled: f.enabled, raw: f.raw, reference: FIPS_REFERENCE, ...(f.problem ? { problem: f.problem } : {}) };
  if (f.problem) return { status: 'skip', summary: `The FIPS policy could not be read (${f.source}): ${f.problem}.`, evidence };
  if (f.enabled === null) return { status: 'pass', summary: `FIPS mode is off: ${f.key} Enabled is not set (the Windows default).`, evidence };
  if (f.enabled === 0) return { status: 'pass', summary: `FIPS mode is off: ${f.key} Enabled is 0.`, evidence };
  return {
    status: 'fail',
    summary: `FIPS mode is on: ${f.key} Enabled is ${f.raw?.value ?? f.enabled} (the policy "System cryptography: Use FIPS compliant algorithms for encryption, hashing, and signing"). Site Recovery does not support FIPS mode: ${CITED}.`,
    remediation: [
      `1. ${WHAT}`,
      '2. Set the policy "System cryptography: Use FIPS compliant algorithms for encryption, hashing, and signing" to Disabled: secpol.msc > Local Policies > Security Options. If a domain Group Policy sets it (gpresult /h report.html names the GPO), change it in that GPO, or the next policy refresh turns it back on.',
      `   Without policy tools: reg add "${f.key}" /v Enabled /t REG_DWORD /d 0 /f`,
      '3. Reboot so every service starts without FIPS mode, then run asr-ready again before enabling replication.',
    ].join('\n'),
    evidence,
  };
}
