// The "done when": `asr-ready checks` and `asr-ready explain os.kernel` work from the
// linux-x64 download (npm run build:binaries; skipped when it is not built), through its launcher.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runProgram } from '../helpers/cli';
import { BIN, BUILT } from '../helpers/downloads';
import { ALL_CHECKS } from '../../src/checks/registry';

describe.skipIf(!BUILT)('linux-x64 download: checks and explain', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-checks-bin-'));
    env = cleanEnv({ ASR_READY_RUNTIME_DIR: path.join(dir, 'runtime') });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists every check', async () => {
    const result = await runProgram(path.join(BIN, 'asr-ready-linux-x64'), ['checks'], { env, timeoutMs: 60_000 });
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(
      result.stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(ALL_CHECKS.map((c) => c.id));
  });

  it('explains os.kernel', async () => {
    const result = await runProgram(path.join(BIN, 'asr-ready-linux-x64'), ['explain', 'os.kernel'], { env, timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^os\.kernel: Stock distribution kernel\n/);
    expect(result.stdout).toContain('What it reads:');
    expect(result.stdout).toContain('/etc/os-release');
    expect(result.stdout).toContain('azure-requirements.md §5.2');
  });
});
