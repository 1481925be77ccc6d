import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding';
import { buildReport } from '../../src/report/report';
import { renderText, shouldUseColor } from '../../src/report/render-text';

function finding(checkId: string, status: Finding['status'], extra: Partial<Finding> = {}): Finding {
  return {
    checkId,
    subject: null,
    status,
    title: `${checkId} title`,
    summary: `${checkId} summary`,
    remediation: null,
    asrErrorCodes: [],
    evidence: {},
    durationMs: 1,
    ...extra,
  };
}

function report(findings: Finding[]) {
  return buildReport({
    agentVersion: '9.9.9',
    agentRuntime: { node: '22.23.3', arch: 'x64', launcher: 'node', libc: 'glibc 2.36', platformCheckSkipped: false },
    runId: '00000000-0000-4000-8000-000000000000',
    startedAt: new Date(0),
    finishedAt: new Date(1500),
    host: null,
    platform: 'linux',
    run: { checks: [], skip: [], failOn: 'fail', deadlineSeconds: 120, root: null, trustStore: [], configFile: null },
    findings,
  });
}

describe('shouldUseColor', () => {
  it('colours only a terminal, and never with NO_COLOR set or TERM=dumb', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});

describe('renderText', () => {
  it('shows what to do under a skip that can be made to run (the role to grant), and nothing under a skip without advice', () => {
    const grant = 'az role assignment create --assignee-object-id 1 --assignee-principal-type ServicePrincipal --role Reader --scope /subscriptions/s';
    const text = renderText(report([finding('azure.vault', 'skip', { remediation: grant }), finding('azure.target-region', 'skip')]), { color: false });
    expect(text).toContain(`What to do:\n           ${grant}`);
    expect(text.match(/What to do:/g)).toHaveLength(1);
  });

  it('groups by family, shows remediation only for problems, and ends with the verdict line', () => {
    const text = renderText(
      report([
        finding('trust.azure-roots', 'fail', { remediation: '1. do this\n2. then that', asrErrorCodes: [151066] }),
        finding('network.endpoints', 'pass', { subject: 'login.microsoftonline.com', remediation: 'not shown for a pass' }),
        finding('network.proxy', 'warn', { remediation: 'fix the proxy' }),
      ]),
      { color: false },
    );
    const lines = text.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('VERDICT: NOT READY for Azure Site Recovery: 1 check(s) failed: trust.azure-roots [151066]');
    expect(lines.at(-2)).toBe('Summary: 1 passed, 1 warnings, 1 failed, 0 errors, 0 skipped in 1.5 s (run 00000000-0000-4000-8000-000000000000).');
    expect(text.indexOf('Trusted root certificates')).toBeLessThan(text.indexOf('Network connectivity'));
    expect(text).toContain('         What to do:\n           1. do this\n           2. then that');
    expect(text).toContain('  PASS   network.endpoints (login.microsoftonline.com): network.endpoints title');
    expect(text).not.toContain('not shown for a pass');
    expect(text).toContain('fix the proxy');
  });

  it('uses ANSI colour only when asked', () => {
    const r = report([finding('trust.azure-roots', 'pass')]);
    expect(renderText(r, { color: false })).not.toContain('\u001b[');
    expect(renderText(r, { color: true })).toContain('\u001b[32mPASS');
  });

  it('words each verdict', () => {
    expect(
      renderText(report([finding('a.b', 'pass')]), { color: false })
        .trimEnd()
        .split('\n')
        .at(-1),
    ).toBe('VERDICT: READY: all 1 check(s) passed or were skipped.');
    expect(
      renderText(report([finding('a.b', 'warn')]), { color: false })
        .trimEnd()
        .split('\n')
        .at(-1),
    ).toBe('VERDICT: READY WITH WARNINGS: 1 warning(s): a.b');
    expect(
      renderText(report([finding('a.b', 'error')]), { color: false })
        .trimEnd()
        .split('\n')
        .at(-1),
    ).toBe('VERDICT: NOT READY for Azure Site Recovery: 1 check(s) failed: a.b');
  });
});

describe('renderCompact', () => {
  it('fits 4,096 bytes however many findings there are, puts failures first and the verdict last', async () => {
    const { renderCompact, COMPACT_LIMIT_BYTES } = await import('../../src/report/render-compact');
    const many = Array.from({ length: 200 }, (_, i) =>
      finding(`network.endpoints`, i % 3 === 0 ? 'fail' : 'warn', { subject: `host${i}.example:443`, summary: 'x'.repeat(400), asrErrorCodes: [151037] }),
    );
    const text = renderCompact(report([finding('trust.azure-roots', 'pass'), ...many]));
    const lines = text.trimEnd().split('\n');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(COMPACT_LIMIT_BYTES);
    expect(lines.at(-1)).toMatch(/^VERDICT: NOT READY for Azure Site Recovery: 67 check\(s\) failed: /);
    expect(lines.at(-1)!.length).toBeLessThanOrEqual(700);
    expect(lines[1]).toMatch(/^FAIL network\.endpoints \(host0\.example:443\) \[151037\]: x+…$/);
    expect(lines.find((l) => l.startsWith('... '))).toMatch(/^\.\.\. \d+ more \(full report: asr-ready --json\)$/);
    expect(lines.at(-2)).toBe('67 failed, 0 errors, 133 warnings, 1 passed, 0 skipped.');
  });

  it('lists everything when it fits', async () => {
    const { renderCompact } = await import('../../src/report/render-compact');
    const text = renderCompact(report([finding('trust.azure-roots', 'pass'), finding('os.kernel', 'fail', { summary: 'custom kernel' })]));
    expect(text).toBe(
      [
        'asr-ready 9.9.9 on this guest, run 00000000-0000-4000-8000-000000000000',
        'FAIL os.kernel: custom kernel',
        '1 failed, 0 errors, 0 warnings, 1 passed, 0 skipped.',
        'VERDICT: NOT READY for Azure Site Recovery: 1 check(s) failed: os.kernel',
        '',
      ].join('\n'),
    );
  });
});
