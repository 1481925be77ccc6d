// The hostile table: --trust-store paths that are not a CA bundle or a certificate directory.
// Each row: exit 2 (nothing usable) with nothing on stdout, the path named, in bounded time.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';

const BOUND_MS = 10_000;

let files: FakeGuest;
beforeAll(() => {
  files = new FakeGuest('asr-ready-hostile-trust-').mkdir('/junk').mkdir('/empty-dir').mkdir('/mixed');
  execFileSync('mkfifo', [files.path('/bundle.fifo')]);
  execFileSync('truncate', ['-s', String(1024 * 1024 * 1024), files.path('/huge.pem')]);
  for (let i = 0; i < 5_000; i++) writeFileSync(files.path(`/junk/junk-${String(i).padStart(4, '0')}.pem`), `not a certificate ${i}\n`);
  execFileSync('mkfifo', [files.path('/mixed/607986c7.0')]);
  files.symlink('/mixed/zero.pem', '/dev/zero');
});
afterAll(() => files.remove());

async function trustRun(...stores: string[]): Promise<CliResult & { ms: number }> {
  const started = performance.now();
  const result = await runCli(['--checks', 'trust.', ...stores.flatMap((s) => ['--trust-store', s]), '--json'], {
    env: cleanEnv(),
    timeoutMs: BOUND_MS + 5_000,
  });
  return { ...result, ms: performance.now() - started };
}

function expectRefused(result: CliResult & { ms: number }, message: string): void {
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.code).toBe(2);
  expect(result.ms).toBeLessThan(BOUND_MS);
}

describe('hostile: --trust-store', () => {
  it('--trust-store FIFO → exit 2 at once: "is a FIFO (named pipe)", never a hang', async () => {
    expectRefused(
      await trustRun(files.path('/bundle.fifo')),
      `--trust-store ${files.path('/bundle.fifo')}: is a FIFO (named pipe), not a regular file or a directory`,
    );
  });

  it('--trust-store /dev/zero → exit 2 at once: "is a character device", never an endless read', async () => {
    expectRefused(await trustRun('/dev/zero'), '--trust-store /dev/zero: is a character device, not a regular file or a directory');
  });

  it('--trust-store of a 1 GiB sparse file → exit 2: over the 16 MiB limit, not read', async () => {
    expectRefused(
      await trustRun(files.path('/huge.pem')),
      `--trust-store holds no usable certificate: ${files.path('/huge.pem')}: is 1,073,741,824 bytes, over the 16 MiB limit for a CA bundle`,
    );
  });

  it('--trust-store of an empty directory → exit 2: no certificate found', async () => {
    expectRefused(await trustRun(files.path('/empty-dir')), `--trust-store holds no usable certificate: ${files.path('/empty-dir')}: no certificate found`);
  });

  it('--trust-store of a directory of 5,000 junk files → exit 2 in bounded time, 20 problems listed and the rest counted', async () => {
    const result = await trustRun(files.path('/junk'));
    expectRefused(
      result,
      `--trust-store holds no usable certificate: ${files.path('/junk')}: ${files.path('/junk')}/junk-0000.pem: no PEM or DER certificate found`,
    );
    expect(result.stderr).toContain('junk-0019.pem: no PEM or DER certificate found; 4,980 more problems not listed.');
    expect(result.stderr.length).toBeLessThan(10_000);
  });

  it('--trust-store of a directory whose hash link is a FIFO and whose .pem is /dev/zero → exit 2 at once naming both, never a hang', async () => {
    const dir = files.path('/mixed');
    expectRefused(
      await trustRun(dir),
      `--trust-store holds no usable certificate: ${dir}: ${dir}/607986c7.0: is a FIFO (named pipe), not a regular file; not read; ${dir}/zero.pem: is a character device, not a regular file; not read.`,
    );
  });
});
