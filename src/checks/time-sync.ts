// Check time.sync: is the guest clock synchronised (timedatectl, chrony, ntpd; w32tm)? A clock that
// drifts and is later corrected backwards breaks recovery points.
import type { CheckOutcome } from '../core/finding';
import type { TimeSyncFacts } from '../facts/time-sync';
import { defineCheck } from './helpers/check-context';

export const timeSync = defineCheck({
  id: 'time.sync',
  title: 'Clock synchronisation',
  description: 'Checks that a time service keeps the clock synchronised; Site Recovery has trouble when the clock moves back after jumping forward.',
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 40_000,
  needs: ['timeSync'],
  explain: {
    judges: 'Warns when no time service keeps the clock synchronised; passes when one does.',
    sources: ['timedatectl, chrony, ntpd (Linux); w32tm (Windows)'],
    remediation: 'Enable a time service: chrony with the Hyper-V PTP clock or systemd-timesyncd; on Windows w32tm.',
  },
  async run(ctx) {
    return [evaluateTimeSync(await ctx.facts.timeSync())];
  },
});

export function evaluateTimeSync(t: TimeSyncFacts): CheckOutcome {
  const evidence = { synchronized: t.synchronized, source: t.source, detail: t.detail, ...(t.problem ? { problem: t.problem } : {}) };
  // A source that answered with nothing understood is not "unknown": it is a reader that failed, shown with what it printed.
  if (t.synchronized === null && t.problem) {
    return {
      status: 'error',
      summary: `Clock synchronisation could not be read: ${t.problem}.`,
      remediation: 'Check the Windows Time service by hand: sc query w32time and w32tm /query /status (run as an administrator).',
      evidence,
    };
  }
  if (t.synchronized === null)
    return { status: 'skip', summary: `Clock synchronisation is unknown: ${t.source}${t.detail ? ` (${t.detail})` : ''}.`, evidence };
  if (t.synchronized) return { status: 'pass', summary: `The clock is synchronised (${t.source}${t.detail ? `; ${t.detail}` : ''}).`, evidence };
  return {
    status: 'warn',
    summary: `The clock is not synchronised (${t.source}). Entra ID tokens need a correct clock, and a clock corrected backwards after replication starts breaks recovery points.`,
    remediation:
      'Enable a time service: on Azure, chrony with the Hyper-V PTP clock (refclock PHC /dev/ptp_hyperv) or systemd-timesyncd; on Windows, w32tm /resync (VMICTimeProvider is the Azure default).',
    evidence,
  };
}
