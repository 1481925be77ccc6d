// The Windows download under wine (Debian's wine64), set to report each Windows version in turn:
// Windows 10 runs it as is; Windows 8 (6.2, as Server 2012) refuses it bare with Node's platform
// message and runs it the way the scripts start it (asr-ready.cmd for the scheduled task,
// NODE_SKIP_PLATFORM_CHECK=1 for cse-run.ps1); Windows Server 2008 R2 (6.1) gets one line and exit 2.
// PowerShell does not run under wine: install.ps1 and cse-run.ps1 themselves are not run here.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/cli';
import { BUILT, NODE_RUNTIME, download } from '../helpers/downloads';
import { reportSchemaErrors } from '../helpers/schema';
import { REPO } from '../helpers/paths';
import type { Report } from '../../src/report/report';
import pkg from '../../package.json';

const WINE = '/usr/lib/wine/wine64';
const VERSION = `asr-ready ${pkg.version}\n`;
const NODE_PLATFORM_MESSAGE = 'Node.js is only supported on Windows 8.1, Windows Server 2012 R2, or higher.';
const OFFLINE = ['check', '--json', '--checks', 'trust.,os.,resources.,windows.'];

describe.skipIf(!BUILT || !existsSync(WINE))('the Windows download under wine', () => {
  let prefix: string;
  let env: NodeJS.ProcessEnv;
  let installed: string; // as install.ps1 lays it out: asr-ready.exe and asr-ready.cmd side by side
  beforeAll(() => {
    prefix = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-wine-'));
    env = { ...cleanEnv(), WINEPREFIX: prefix, WINEDEBUG: '-all', HOME: prefix };
    spawnSync(WINE, ['wineboot', '--init'], { env, stdio: 'ignore', timeout: 120_000 });
    installed = path.join(prefix, 'asr-ready');
    mkdirSync(installed);
    copyFileSync(download('asr-ready-win-x64.exe'), path.join(installed, 'asr-ready.exe'));
    copyFileSync(path.join(REPO, 'installers', 'windows', 'asr-ready.cmd'), path.join(installed, 'asr-ready.cmd'));
  }, 180_000);
  afterAll(() => {
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  const windowsVersion = (version: string) => spawnSync(WINE, ['winecfg', '-v', version], { env, stdio: 'ignore', timeout: 60_000 });
  const windowsPath = (file: string) => `Z:${file.replaceAll('/', '\\')}`;
  /** Runs a program under wine; stdout and stderr go to files (wine hands pipes to the exe as EBADF). */
  const run = (program: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const [out, err] = [path.join(prefix, 'out.txt'), path.join(prefix, 'err.txt')];
    const status = spawnSync('sh', ['-c', '"$0" "$@" > "$OUT" 2> "$ERR"', WINE, ...program], {
      env: { ...env, ...extraEnv, OUT: out, ERR: err },
      cwd: prefix,
      timeout: 120_000,
    }).status;
    return { status, stdout: readFileSync(out, 'utf8').replaceAll('\r\n', '\n'), stderr: readFileSync(err, 'utf8').replaceAll('\r\n', '\n') };
  };
  const exe = (args: string[], extraEnv?: NodeJS.ProcessEnv) => run([path.join(installed, 'asr-ready.exe'), ...args], extraEnv);
  /** The scheduled task's way: cmd.exe running asr-ready.cmd. */
  const viaCmd = (args: string[]) => run(['cmd', '/d', '/c', windowsPath(path.join(installed, 'asr-ready.cmd')), ...args]);
  const offlineReport = (result: { status: number | null; stdout: string }) => {
    expect([0, 1]).toContain(result.status);
    const report = JSON.parse(result.stdout) as Report;
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.host.os).toBe('windows');
    expect(report.findings.map((f) => f.checkId)).toEqual([
      'trust.azure-roots',
      'os.supported',
      'os.fips',
      'resources.size',
      'resources.free-space',
      'windows.services',
      'windows.updates',
      'windows.pending-reboot',
    ]);
    return report;
  };

  it('Windows 10: --version and an offline check, started directly', () => {
    windowsVersion('win10');
    expect(exe(['--version'])).toMatchObject({ status: 0, stdout: VERSION });
    expect(offlineReport(exe(OFFLINE)).agent.runtime).toEqual({
      node: NODE_RUNTIME,
      arch: 'x64',
      launcher: 'single-binary',
      libc: null,
      platformCheckSkipped: false,
    });
    expect(viaCmd(['--version'])).toMatchObject({ status: 0, stdout: VERSION });
  }, 240_000);

  it("Windows 8 / Server 2012: refused bare with Node's message, and runs the way the scripts start it", () => {
    windowsVersion('win8');
    const bare = exe(['--version']);
    expect(bare.status).toBe(216); // ERROR_EXE_MACHINE_TYPE_MISMATCH, Node's exit code for this
    expect(bare.stderr).toContain(NODE_PLATFORM_MESSAGE);
    expect(bare.stdout).toBe('');
    // cse-run.ps1: NODE_SKIP_PLATFORM_CHECK=1 in the agent's environment
    expect(exe(['--version'], { NODE_SKIP_PLATFORM_CHECK: '1' })).toMatchObject({ status: 0, stdout: VERSION });
    // the scheduled task: cmd.exe /d /s /c ""...\asr-ready.cmd" check ...", which sets it for 6.2 only
    expect(viaCmd(['--version'])).toMatchObject({ status: 0, stdout: VERSION });
    expect(offlineReport(viaCmd(OFFLINE)).agent.runtime).toMatchObject({ launcher: 'single-binary', platformCheckSkipped: true });
  }, 240_000);

  it('Windows Server 2008 R2: one line saying why and what to do instead, exit 2, the agent never started', () => {
    windowsVersion('win2008r2');
    const result = viaCmd(['--version']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      "asr-ready cannot run on Windows 6.1 (Windows 7 / Server 2008 R2 or older): no supported Node.js runs there. Upgrade to Windows Server 2012 or later, or check Site Recovery's prerequisites by hand: updates KB4490628, KB4474419 and KB3140245, and the Azure root certificates.",
    ]);
  }, 240_000);
});
