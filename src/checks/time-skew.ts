// Check time.skew: the guest clock against the Date headers of the endpoints that answered. Entra ID
// tokens and certificate validity both depend on a correct clock.
import type { CheckOutcome } from '../core/finding';
import type { EndpointProbeFacts } from '../facts/network';
import { defineCheck } from './helpers/check-context';

export const SKEW_WARN_SECONDS = 120;
export const SKEW_FAIL_SECONDS = 300;

export const timeSkew = defineCheck({
  id: 'time.skew',
  title: 'Clock against Azure',
  description: 'Compares the guest clock with the Date header of the Azure endpoints that answered: more than 2 minutes is a warning, more than 5 a failure.',
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 90_000,
  needs: ['endpointProbes'],
  explain: {
    judges: `Warns when the guest clock is more than ${SKEW_WARN_SECONDS} s off the Azure endpoints' Date headers, fails beyond ${SKEW_FAIL_SECONDS} s.`,
    sources: ['the Date headers of the Azure endpoints that answered the probes'],
    remediation: 'Synchronise the clock with the host time (chrony with the Hyper-V PTP clock; w32tm /resync).',
  },
  async run(ctx) {
    return [evaluateSkew(await ctx.facts.endpointProbes())];
  },
});

export function evaluateSkew(probes: EndpointProbeFacts): CheckOutcome {
  const samples = probes.results
    .filter((r) => r.http?.date && r.http.receivedAt && !Number.isNaN(Date.parse(r.http.date)))
    .map((r) => ({ host: r.host, serverDate: r.http!.date!, skewSeconds: Math.round((Date.parse(r.http!.receivedAt!) - Date.parse(r.http!.date!)) / 1000) }));
  if (samples.length === 0) return { status: 'skip', summary: 'No endpoint answered with a Date header, so the clock could not be compared.' };
  // Prefer Entra ID's clock (tokens are issued there); else the largest deviation seen.
  const entra = samples.find((s) => s.host.startsWith('login.'));
  const worst = entra ?? samples.reduce((a, b) => (Math.abs(b.skewSeconds) > Math.abs(a.skewSeconds) ? b : a));
  const abs = Math.abs(worst.skewSeconds);
  const direction = worst.skewSeconds > 0 ? 'ahead of' : 'behind';
  const evidence = { samples, judgedBy: worst.host, skewSeconds: worst.skewSeconds };
  if (abs <= SKEW_WARN_SECONDS) return { status: 'pass', summary: `The guest clock is within ${Math.max(abs, 1)} s of ${worst.host}.`, evidence };
  const text = `The guest clock is ${formatDuration(abs)} ${direction} ${worst.host} (server Date: ${worst.serverDate}).`;
  return {
    status: abs > SKEW_FAIL_SECONDS ? 'fail' : 'warn',
    summary: `${text} Entra ID tokens and certificate checks fail when the clock is off by minutes; a clock that jumps back after replication starts also breaks recovery points.`,
    remediation:
      'Synchronise the clock: Azure VMs should use the host time (chrony with the PTP hyperv clock or refclock on Linux; w32tm /resync on Windows, time provider VMICTimeProvider).',
    evidence,
  };
}

function formatDuration(seconds: number): string {
  return seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
}
