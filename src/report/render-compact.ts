// Compact output for the Custom Script Extension and Run Command, which keep only the last 4,096
// bytes of output: one line per problem, then counts, delivery, and the verdict line last. The
// whole text is guaranteed to fit; what does not fit is counted, not cut mid-line.
import type { Report } from './report';
import { deliveryLine, verdictLine } from './render-text';
import { escapeControls } from '../core/text-bounds';

export const COMPACT_LIMIT_BYTES = 4096;
const MAX_LINE_CHARS = 320;
const MAX_VERDICT_CHARS = 700;

export function renderCompact(report: Report): string {
  const h = report.host;
  const about = [h.distroName ?? h.distro, h.kernel].filter(Boolean).join(', ');
  const header = clip(
    `asr-ready ${report.agent.version} on ${h.hostname ? guest(h.hostname) : 'this guest'}${about ? ` (${guest(about)})` : ''}, run ${report.runId}`,
    MAX_LINE_CHARS,
  );
  const s = report.summary;
  const counts = `${s.fail} failed, ${s.error} errors, ${s.warn} warnings, ${s.pass} passed, ${s.skip} skipped.`;
  const delivery = report.delivery ? clip(deliveryLine(report.delivery), MAX_LINE_CHARS) : null;
  const verdict = clip(verdictLine(report), MAX_VERDICT_CHARS);
  const problems = report.findings
    .filter((f) => f.status === 'fail' || f.status === 'error' || f.status === 'warn')
    .sort((a, b) => rank(a.status) - rank(b.status))
    .map((f) =>
      clip(
        `${f.status.toUpperCase()} ${guest(f.checkId)}${f.subject ? ` (${guest(f.subject)})` : ''}${f.asrErrorCodes.length ? ` [${f.asrErrorCodes.join(',')}]` : ''}: ${guest(f.summary)}`,
        MAX_LINE_CHARS,
      ),
    );

  const tail = [counts, ...(delivery ? [delivery] : []), verdict];
  const bytes = (lines: string[]) => Buffer.byteLength(`${lines.join('\n')}\n`);
  const shown: string[] = [];
  for (const line of problems) {
    const more = problems.length - shown.length - 1;
    const omitted = more > 0 ? [`... ${more} more (full report: asr-ready --json)`] : [];
    if (bytes([header, ...shown, line, ...omitted, ...tail]) > COMPACT_LIMIT_BYTES) break;
    shown.push(line);
  }
  const omitted = problems.length - shown.length;
  return `${[header, ...shown, ...(omitted ? [`... ${omitted} more (full report: asr-ready --json)`] : []), ...tail].join('\n')}\n`;
}

function rank(status: string): number {
  return status === 'fail' ? 0 : status === 'error' ? 1 : 2;
}

/** A guest-derived field: only its first part can be shown, and never a control character. */
function guest(text: string): string {
  return escapeControls(text.length > MAX_VERDICT_CHARS ? text.slice(0, MAX_VERDICT_CHARS) : text);
}

/** One line of at most max characters (the text renderer's lines are escaped already). */
function clip(text: string, max: number): string {
  const oneLine = escapeControls(text);
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
