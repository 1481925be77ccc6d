// scripts/ensure-test-tools.mjs installs tinyproxy for the proxy tests. It used to stop the
// package's service with `pkill -x tinyproxy`, which ended every process of that name on the
// machine (another user's proxy, another test run's). It must stop only what its own install started.
// Here the install is faked (apt-get and systemctl shims on PATH, a tinyproxy path that does not
// exist), and a process named tinyproxy started outside the tests must survive the script.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths';

let scratch: string | undefined;
let bystander: ChildProcess | undefined;
afterEach(() => {
  bystander?.kill('SIGKILL');
  bystander = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

const isRoot = process.getuid?.() === 0;
const sleepBinary = spawnSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).stdout.trim();

describe('scripts/ensure-test-tools.mjs', () => {
  // The install branch runs only as root (apt-get); the script is then what could kill the bystander.
  it.skipIf(!isRoot || !sleepBinary)('leaves a tinyproxy it did not start running', async () => {
    const s = (scratch = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-ensure-')));
    const bin = path.join(s, 'bin');
    spawnSync('mkdir', ['-p', bin]);
    for (const tool of ['apt-get', 'systemctl']) {
      writeFileSync(path.join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${path.join(s, 'calls.log')}"\nexit 0\n`);
      chmodSync(path.join(bin, tool), 0o755);
    }
    // Someone else's proxy: a copy of sleep named tinyproxy (pkill -x matches the process name).
    const fake = path.join(s, 'tinyproxy');
    copyFileSync(sleepBinary, fake);
    chmodSync(fake, 0o755);
    bystander = spawn(fake, ['300'], { stdio: 'ignore' });
    await new Promise((resolve) => bystander!.once('spawn', resolve));

    const run = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'ensure-test-tools.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ASR_READY_TEST_TINYPROXY: path.join(s, 'missing', 'tinyproxy'), CI: '' },
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('installing Debian');
    await new Promise((r) => setTimeout(r, 200));
    expect(bystander.exitCode).toBeNull();
    expect(bystander.signalCode).toBeNull();
    expect(() => process.kill(bystander!.pid!, 0)).not.toThrow();
  });
});
