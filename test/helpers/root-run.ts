// Runs the CLI over a fake guest (--root) for the hostile tables: the JSON report, how long it took,
// and no stack trace on stderr; plus the one finding a row is about.
import { chmodSync, copyFileSync } from 'node:fs';
import { expect } from 'vitest';
import { cleanEnv, runCli, type CliResult } from './cli';
import type { FakeGuest } from './fake-guest';
import { CLI_APP_BUNDLE, CLI_BUNDLE } from './paths';
import type { Report } from '../../src/report/report';

/** A run over a small fake guest takes about half a second; a hang or a 200 MB read would not fit. */
export const ROOT_RUN_BOUND_MS = 8_000;

export async function runOnRoot(g: FakeGuest, checks: string, asNobody = false): Promise<CliResult & { ms: number; report: Report }> {
  let nobody = {};
  if (asNobody && process.getuid?.() === 0) {
    // "nobody" may not reach the repository's dist/: run world-readable copies from the guest's directory.
    for (const [from, to] of [
      [CLI_BUNDLE, g.path('/asr-ready.cjs')],
      [CLI_APP_BUNDLE, g.path('/asr-ready-app.cjs')],
    ] as const) {
      copyFileSync(from, to);
      chmodSync(to, 0o644);
    }
    nobody = { uid: 65534, gid: 65534, bundle: g.path('/asr-ready.cjs'), cwd: g.root };
  }
  const started = performance.now();
  const result = await runCli(['--root', g.root, '--checks', checks, '--json'], { env: cleanEnv(), timeoutMs: ROOT_RUN_BOUND_MS + 5_000, ...nobody });
  const ms = performance.now() - started;
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return { ...result, ms, report: JSON.parse(result.stdout) as Report };
}

export function findingOf(report: Report, checkId: string) {
  const found = report.findings.find((f) => f.checkId === checkId);
  expect(found, `a ${checkId} finding`).toBeDefined();
  return found!;
}
