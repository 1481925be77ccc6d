// The stderr lines that tell the admin what happened to each report that was not delivered, and
// why the spool could not be used. A report the spool's limits dropped is said to be dropped,
// never "kept for the next run".
import type { DeliveryReport } from '../sinks/deliver';

export function deliveryMessages(result: DeliveryReport): string[] {
  const lines: string[] = [];
  if (result.spool.condition) lines.push(`asr-ready: ${result.spool.condition.message}.`);
  for (const r of result.results) {
    if (r.status === 'delivered') continue;
    const what = r.fromSpool ? `the spooled report of run ${r.runId}` : 'this report';
    const where = r.destination === 'collector' ? 'collector' : 'Log Analytics';
    lines.push(`asr-ready: ${what} was not delivered to the ${where}: ${r.error}; ${NEXT[r.status](result.spool.dir)}.`);
  }
  for (const w of result.spool.warnings) lines.push(`asr-ready: ${w}`);
  return lines;
}

const NEXT: Record<Exclude<DeliveryReport['results'][number]['status'], 'delivered'>, (dir: string | null) => string> = {
  spooled: (dir) => `kept in ${dir} for the next run`,
  lost: () => 'it could not be spooled and is lost (see the spool problem above); it is only in this output',
  dropped: () => "it was dropped by the spool's limits and will not be delivered",
  rejected: () => 'it was refused for good and is not kept',
};
