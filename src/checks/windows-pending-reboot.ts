// Check windows.pending-reboot: a pending reboot makes the Mobility agent installation fail or wait.
import type { CheckOutcome } from '../core/finding';
import type { WindowsGuestFacts } from '../facts/windows/read-windows-guest';
import { defineCheck } from './helpers/check-context';

export const windowsPendingReboot = defineCheck({
  id: 'windows.pending-reboot',
  title: 'No reboot pending',
  description: 'A pending reboot (updates, renamed files, a removed Mobility agent) makes the agent installation fail or wait (151081, 151083).',
  platforms: ['windows'],
  timeoutMs: 70_000,
  needs: ['windowsGuest'],
  explain: {
    judges: 'Warns when a reboot is pending (updates, renamed files, a removed Mobility agent).',
    sources: ['Site Recovery troubleshooting: Mobility agent installation errors 151081 and 151083'],
    asrErrorCodes: [151081, 151083],
    remediation: 'Reboot the VM before enabling replication.',
  },
  async run(ctx) {
    return [evaluatePendingReboot(await ctx.facts.windowsGuest())];
  },
});

export function evaluatePendingReboot(g: WindowsGuestFacts): CheckOutcome {
  const evidence = { reasons: g.pendingReboot };
  if (g.pendingReboot === null) return { status: 'skip', summary: 'Pending-reboot markers could not be read.', evidence };
  if (g.pendingReboot.length === 0) return { status: 'pass', summary: 'No reboot is pending.', evidence };
  return {
    status: 'warn',
    summary: `A reboot is pending: ${g.pendingReboot.join('; ')}. The Mobility agent installation may fail (151081) or wait for it (151083).`,
    remediation: 'Reboot the VM before enabling replication.',
    asrErrorCodes: [151081, 151083],
    evidence,
  };
}
