// Human output: findings grouped by family, remediation under every warning and failure, and the
// one-line verdict printed last (Custom Script Extension keeps only the final 4,096 bytes).
import type { Finding, Status } from '../core/finding';
import { escapeControlsKeepNewlines, printable, truncateText } from '../core/text-bounds';
import type { Report } from './report';

export interface TextOptions {
  color: boolean;
}

const GROUP_TITLES: Record<string, string> = {
  trust: 'Trusted root certificates',
  network: 'Network connectivity',
  azure: 'Azure platform',
  os: 'Operating system',
  boot: 'Boot configuration',
  storage: 'Storage',
  resources: 'Resources',
  time: 'Time',
  windows: 'Windows',
};

/** Caps on what one guest-derived field may print: a name or a table cell, a summary or remediation. */
const FIELD_MAX_CHARS = 1024;
const TEXT_MAX_CHARS = 16 * 1024;
/** A guest-derived field on one line: control characters (newlines too) shown as escapes, capped. */
const field = (text: string) => printable(text, FIELD_MAX_CHARS);
const prose = (text: string) => printable(text, TEXT_MAX_CHARS);

const LABEL: Record<Status, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP', error: 'ERROR' };
const COLOR: Record<Status, string> = { pass: '32', warn: '33', fail: '31', skip: '90', error: '35' };

/** Whether to use ANSI colours: only on a terminal, and never when NO_COLOR is set (no-color.org). */
export function shouldUseColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in env && env.NO_COLOR !== '') && env.TERM !== 'dumb';
}

export function renderText(report: Report, options: TextOptions): string {
  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const out: string[] = [];
  const h = report.host;
  const hostBits = [h.distroName ?? h.distro, h.kernel && `kernel ${h.kernel}`, h.arch]
    .filter(Boolean)
    .map((b) => field(b!))
    .join(', ');
  out.push(
    `asr-ready ${report.agent.version}: Azure Site Recovery readiness of ${h.hostname ? field(h.hostname) : 'this guest'}${hostBits ? ` (${hostBits})` : ''}`,
  );
  if (h.fromRoot) out.push(`Files read from --root ${field(report.run.root ?? '')}; facts that live only in the running system are not included.`);

  if (report.endpoints.length > 0) out.push('', ...renderEndpointTable(report, paint));

  const shown = { lastRemediation: null as string | null };
  for (const [group, findings] of groupFindings(report.findings)) {
    out.push('', paint('1', GROUP_TITLES[group] ?? field(group)));
    for (const f of findings) out.push(...renderFinding(f, paint, shown));
  }

  const s = report.summary;
  out.push(
    '',
    `Summary: ${s.pass} passed, ${s.warn} warnings, ${s.fail} failed, ${s.error} errors, ${s.skip} skipped in ${(report.durationMs / 1000).toFixed(1)} s (run ${report.runId}).`,
  );
  if (report.delivery) out.push(deliveryLine(report.delivery));
  out.push(verdictLine(report, paint));
  return `${out.join('\n')}\n`;
}

function renderFinding(f: Finding, paint: (code: string, text: string) => string, shown: { lastRemediation: string | null }): string[] {
  const lines: string[] = [];
  const label = paint(COLOR[f.status], LABEL[f.status].padEnd(5));
  const codes = f.asrErrorCodes.length && f.status !== 'pass' ? ` [ASR ${f.asrErrorCodes.join(', ')}]` : '';
  lines.push(`  ${label}  ${field(f.checkId)}${f.subject ? ` (${field(f.subject)})` : ''}: ${field(f.title)}${codes}`);
  lines.push(...indent(prose(f.summary), 9));
  const notes = Array.isArray(f.evidence.notes) ? (f.evidence.notes as unknown[]).filter((n): n is string => typeof n === 'string') : [];
  for (const note of notes) lines.push(...indent(`Note: ${prose(note)}`, 9));
  const problems = Array.isArray(f.evidence.problems) ? (f.evidence.problems as unknown[]).filter((p): p is string => typeof p === 'string') : [];
  if (problems.length > 0) {
    lines.push(...indent(`Could not use ${problems.length} file(s) or entries:`, 9));
    for (const p of problems.slice(0, 10)) lines.push(...indent(`- ${field(p)}`, 11));
    if (problems.length > 10) lines.push(...indent(`- ... and ${problems.length - 10} more (see --json)`, 11));
  }
  // A skip's remediation says how to let the check run (e.g. the exact role to grant): shown too.
  if (f.remediation && f.status !== 'pass') {
    // Many endpoints failing the same way share advice: print it once (the JSON keeps each in full).
    const generic = f.subject ? f.remediation.split(f.subject.replace(/:\d+$/, '')).join('<host>') : f.remediation;
    if (generic === shown.lastRemediation) lines.push(...indent('What to do: the same as above.', 9));
    else {
      lines.push(...indent('What to do:', 9));
      // Remediation is several lines by design: its newlines stay (each line indented under
      // "What to do:"), every other control character is escaped.
      lines.push(...indent(escapeControlsKeepNewlines(truncateText(f.remediation, TEXT_MAX_CHARS)), 11));
    }
    shown.lastRemediation = generic;
  }
  return lines;
}

export function deliveryLine(d: NonNullable<Report['delivery']>): string {
  const mine = d.results.filter((r) => !r.fromSpool).map((r) => `${field(r.destination)} ${field(r.status)}`);
  const backlog = d.results.filter((r) => r.fromSpool && r.status === 'delivered').length;
  return `Delivery: ${mine.join(', ') || 'nothing sent'}${backlog ? `; ${backlog} spooled report(s) sent` : ''}${d.spool.pending ? `; ${d.spool.pending} report(s) waiting in ${field(d.spool.dir ?? 'the spool')}` : ''}.`;
}

/** One row per endpoint: group, host, address, public/private, result naming the failed layer, latency. */
export function renderEndpointTable(report: Report, paint: (code: string, text: string) => string): string[] {
  const n = report.network;
  const lines = [
    paint('1', 'Endpoints') +
      (n ? ` (${field(n.cloud)} from ${field(n.cloudSource)}; region ${field(n.region ?? 'unknown')}${n.region ? ` from ${field(n.regionSource)}` : ''})` : ''),
  ];
  const rows = report.endpoints.map((e) => [
    field(e.group),
    field(`${e.host}:${e.port}${e.required ? '' : ' (optional)'}`),
    field(e.viaProxy ? `via ${e.viaProxy.replace(/^https?:\/\//, '')}` : (e.address ?? '-')),
    field(e.addressScope ?? '-'),
    resultWord(e),
    e.status === 'ok' || e.failedLayer ? `${e.timings.totalMs} ms` : '-',
  ]);
  const header = ['Group', 'Host', 'Address', 'Scope', 'Result', 'Time'];
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), h.length));
  // The result cell is coloured by position (a host named "OK.example" is not the text to colour),
  // and padded outside the escape codes, which take no width.
  const colour = (word: string) => paint(word === 'OK' ? COLOR.pass : word.startsWith('FAIL') ? COLOR.fail : COLOR.warn, word);
  const format = (cells: string[], coloured: boolean) =>
    `  ${cells.map((c, i) => (i === cells.length - 1 ? c : (i === 4 && coloured ? colour(c) : c) + ' '.repeat(widths[i]! - c.length))).join('  ')}`.trimEnd();
  lines.push(format(header, false));
  for (const row of rows) lines.push(format(row, true));
  if (n?.trustNote) lines.push(`  Note: ${prose(n.trustNote)}`);
  return lines;
}

function resultWord(e: Report['endpoints'][number]): string {
  if (e.status === 'ok') return 'OK';
  if (e.status === 'unconfirmed') return 'CANNOT CONFIRM';
  return `FAIL(${(e.failedLayer ?? 'tcp').toUpperCase()})`;
}

export function verdictLine(report: Report, paint: (code: string, text: string) => string = (_c, t) => t): string {
  const failing = report.findings.filter((f) => f.status === 'fail' || f.status === 'error');
  const warning = report.findings.filter((f) => f.status === 'warn');
  const name = (f: Finding) =>
    `${field(f.checkId)}${f.subject ? `(${field(f.subject)})` : ''}${f.asrErrorCodes.length ? ` [${f.asrErrorCodes.join(',')}]` : ''}`;
  switch (report.verdict) {
    case 'not-ready':
      return paint('1;31', `VERDICT: NOT READY for Azure Site Recovery: ${failing.length} check(s) failed: ${failing.map(name).join('; ')}`);
    case 'ready-with-warnings':
      return paint('1;33', `VERDICT: READY WITH WARNINGS: ${warning.length} warning(s): ${warning.map(name).join('; ')}`);
    default:
      return paint('1;32', `VERDICT: READY: all ${report.summary.total} check(s) passed or were skipped.`);
  }
}

function groupFindings(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const group = f.checkId.split('.')[0]!;
    const list = groups.get(group);
    if (list) list.push(f);
    else groups.set(group, [f]);
  }
  return groups;
}

function indent(text: string, spaces: number): string[] {
  const pad = ' '.repeat(spaces);
  return text.split('\n').map((line) => pad + line);
}
