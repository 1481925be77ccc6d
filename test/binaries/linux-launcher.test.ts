// The Linux download's launcher (scripts/linux-launcher.sh at the head of dist/bin/asr-ready-linux-x64):
// it unpacks once per version and reuses that, survives concurrent first runs, refuses a damaged
// file, cleans up old versions, falls back past read-only, noexec and foreign-owned folders (real
// tmpfs mounts in a private mount namespace), and needs nothing beyond busybox's tools.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT, IS_ROOT, download, has, launcherHeader } from '../helpers/downloads';
import { runProgram } from '../helpers/cli';
import { REPO } from '../helpers/paths';
import pkg from '../../package.json';

const DOWNLOAD = download('asr-ready-linux-x64');
const VERSION = `asr-ready ${pkg.version}\n`;
const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
const launch = (args: string[], env: NodeJS.ProcessEnv, file = DOWNLOAD) =>
  spawnSync(file, args, { env: { PATH: process.env.PATH, ASR_READY_LAUNCHER_TRACE: '1', ...env }, encoding: 'utf8', timeout: 120_000 });
/** Runs a shell script as root in a private mount namespace: its tmpfs mounts vanish with it. */
const inMountNamespace = (script: string, env: NodeJS.ProcessEnv) =>
  spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-ec', script], {
    env: { PATH: process.env.PATH, DOWNLOAD, ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
const canMount = IS_ROOT && has('unshare') && spawnSync('unshare', ['-m', 'mount', '-t', 'tmpfs', 'tmpfs', os.tmpdir()]).status === 0;

it.skipIf(!has('shellcheck'))('scripts/linux-launcher.sh passes shellcheck as POSIX sh', () => {
  const result = spawnSync('shellcheck', ['-s', 'sh', path.join(REPO, 'scripts', 'linux-launcher.sh')], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toBe('');
});

describe.skipIf(!BUILT)('the Linux launcher', () => {
  const { key } = BUILT ? launcherHeader(DOWNLOAD) : { key: '' };

  it('unpacks on the first run, verified and with its notices, and reuses that on the next', () => {
    const base = tempDir('asr-ready-rt-');
    const first = launch(['--version'], { ASR_READY_RUNTIME_DIR: base });
    expect([first.status, first.stdout]).toEqual([0, VERSION]);
    expect(first.stderr).toContain(`unpacking into ${base}/.partial-${key}-`);
    expect(readdirSync(base)).toEqual([key]);
    const runtime = path.join(base, key);
    expect(readdirSync(path.join(runtime, 'licenses')).sort()).toEqual(['gcc-runtime.copyright', 'glibc.copyright', 'node.LICENSE']);
    expect(spawnSync('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: runtime }).status).toBe(0);
    const second = launch(['--version'], { ASR_READY_RUNTIME_DIR: base });
    expect([second.status, second.stdout]).toEqual([0, VERSION]);
    expect(second.stderr).not.toContain('unpacking');
    expect(second.stderr).toContain(`starting ${runtime}/asr-ready through ${runtime}/lib/ld-linux-x86-64.so.2`);
    const only = launch([], { ASR_READY_RUNTIME_DIR: base, ASR_READY_UNPACK_ONLY: '1' });
    expect([only.status, only.stdout]).toEqual([0, `${runtime}\n`]);
  });

  it('passes arguments and the exit code through', () => {
    const base = tempDir('asr-ready-rt-');
    const bad = launch(['--no-such-option', 'a b'], { ASR_READY_RUNTIME_DIR: base });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--no-such-option'");
  });

  it('lets concurrent first runs all start, and leaves one complete copy and no partial one', async () => {
    const base = tempDir('asr-ready-rt-');
    const env = { PATH: process.env.PATH, ASR_READY_RUNTIME_DIR: base };
    const runs = await Promise.all(Array.from({ length: 4 }, () => runProgram(DOWNLOAD, ['--version'], { env, timeoutMs: 120_000 })));
    expect(runs.map((r) => [r.code, r.stdout])).toEqual(Array.from({ length: 4 }, () => [0, VERSION]));
    expect(readdirSync(base)).toEqual([key]);
    expect(existsSync(path.join(base, key, '.complete'))).toBe(true);
  }, 180_000);

  it('refuses a truncated download with exit 2, and leaves nothing behind', () => {
    const dir = tempDir('asr-ready-damaged-');
    const damaged = path.join(dir, 'asr-ready-linux-x64');
    const whole = readFileSync(DOWNLOAD);
    writeFileSync(damaged, whole.subarray(0, Math.floor(whole.length / 2)), { mode: 0o755 });
    const base = path.join(dir, 'rt');
    const result = launch(['--version'], { ASR_READY_RUNTIME_DIR: base }, damaged);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `asr-ready: ${damaged} is damaged or truncated (its payload does not unpack): download it again and compare it with SHA256SUMS.`,
    );
    expect(readdirSync(base)).toEqual([]);
  });

  it('removes other versions unused for a week and abandoned unpackings, and keeps recent ones', () => {
    const base = tempDir('asr-ready-rt-');
    const old = Date.now() / 1000 - 10 * 86_400;
    for (const [name, lastUsed] of [
      ['0.0.1-old', old],
      ['0.0.2-recent', Date.now() / 1000],
    ] as const) {
      mkdirSync(path.join(base, name));
      writeFileSync(path.join(base, name, '.complete'), '');
      writeFileSync(path.join(base, name, '.last-used'), '');
      utimesSync(path.join(base, name, '.last-used'), lastUsed, lastUsed);
    }
    mkdirSync(path.join(base, '.partial-0.0.3-crashed-123'));
    utimesSync(path.join(base, '.partial-0.0.3-crashed-123'), old, old);
    expect(launch(['--version'], { ASR_READY_RUNTIME_DIR: base }).status).toBe(0);
    expect(readdirSync(base).sort()).toEqual(['0.0.2-recent', key]);
  });

  it.skipIf(!has('busybox'))('needs no more than busybox: its sh and applets alone on PATH', () => {
    const tools = tempDir('asr-ready-busybox-');
    for (const applet of ['sh', 'tail', 'gzip', 'tar', 'mkdir', 'rm', 'mv', 'chmod', 'find', 'sha256sum', 'id'])
      symlinkSync(spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim(), path.join(tools, applet));
    const base = tempDir('asr-ready-rt-');
    const result = spawnSync(path.join(tools, 'sh'), [DOWNLOAD, '--version'], {
      env: { PATH: tools, ASR_READY_RUNTIME_DIR: base, ASR_READY_LAUNCHER_TRACE: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect([result.status, result.stdout]).toEqual([0, VERSION]);
    expect(result.stderr).toContain('unpacking into');
  });

  /** A fake runtime whose "loader" only says it ran, owned by another user: what an attacker would plant. */
  const plant = (dir: string) => {
    mkdirSync(path.join(dir, 'lib'), { recursive: true });
    writeFileSync(path.join(dir, '.complete'), '');
    writeFileSync(path.join(dir, 'lib', 'ld-linux-x86-64.so.2'), '#!/bin/sh\necho PLANTED RUNTIME RAN\n', { mode: 0o755 });
    for (const p of [dir, path.join(dir, 'lib'), path.join(dir, 'lib', 'ld-linux-x86-64.so.2'), path.join(dir, '.complete')]) chownSync(p, 1000, 1000);
  };

  it.skipIf(!IS_ROOT)('ASR_READY_RUNTIME_DIR holding a runtime another user planted → never started; exit 2 naming it', () => {
    const base = tempDir('asr-ready-rt-');
    plant(path.join(base, key));
    const result = launch(['--version'], { ASR_READY_RUNTIME_DIR: base });
    expect(result.stdout).not.toContain('PLANTED');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${base}/${key} is not a complete runtime of this user or root`);
  });

  it.skipIf(!IS_ROOT)('ASR_READY_RUNTIME_DIR that anyone may write (mode 1777, like /tmp) → refused, exit 2', () => {
    const base = tempDir('asr-ready-rt-');
    chmodSync(base, 0o1777);
    const result = launch(['--version'], { ASR_READY_RUNTIME_DIR: base });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${base} (not a folder of this user or root that only its owner can write)`);
    expect(readdirSync(base)).toEqual([]);
  });

  describe.skipIf(!canMount)('where it unpacks without ASR_READY_RUNTIME_DIR (tmpfs mounts in a private mount namespace)', () => {
    it('falls back past a read-only /var/cache, a noexec home, a folder of another user and a symlink, to /dev/shm', () => {
      const home = tempDir('asr-ready-home-');
      const tmp = tempDir('asr-ready-tmp-');
      const result = inMountNamespace(
        `
        mount -t tmpfs -o mode=755 tmpfs /var/cache && mkdir -p /var/cache/asr-ready/runtime && mount -o remount,ro /var/cache
        mount -t tmpfs -o noexec tmpfs "$HOME"
        mkdir "$TMPDIR/asr-ready-runtime-0" && chown 1234:1234 "$TMPDIR/asr-ready-runtime-0"
        mount -t tmpfs tmpfs /var/tmp && mkdir /var/tmp/elsewhere && ln -s /var/tmp/elsewhere /var/tmp/asr-ready-runtime-0
        mount -t tmpfs tmpfs /dev/shm
        "$DOWNLOAD" --version
        ls /dev/shm/asr-ready-runtime-0`,
        { HOME: home, TMPDIR: tmp, ASR_READY_LAUNCHER_TRACE: '1' },
      );
      expect(result.stdout).toBe(`${VERSION}${key}\n`);
      expect(result.stderr.split('\n').filter((l) => l.includes(' not '))).toEqual([
        'asr-ready launcher: not /var/cache/asr-ready/runtime: read-only or not writable',
        `asr-ready launcher: not ${home}/.cache/asr-ready/runtime: mounted noexec`,
        `asr-ready launcher: not ${tmp}/asr-ready-runtime-0: not a directory owned by this user`,
        'asr-ready launcher: not /var/tmp/asr-ready-runtime-0: not a directory owned by this user',
      ]);
      expect(result.status).toBe(0);
    });

    it('says in one line where it tried and what to do when no folder can hold it, exit 2', () => {
      const tmp = tempDir('asr-ready-tmp-');
      const result = inMountNamespace(
        `
        mount -t tmpfs -o ro,mode=755 tmpfs /var/cache
        for d in "$TMPDIR" /var/tmp /dev/shm; do mount -t tmpfs -o noexec tmpfs "$d"; done
        "$DOWNLOAD" --version`,
        { HOME: '/', TMPDIR: tmp },
      );
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^asr-ready: cannot unpack its runtime \(about \d+ MB\) into any of: /);
      expect(result.stderr).toContain(
        `/var/cache/asr-ready/runtime (cannot be created); ${tmp}/asr-ready-runtime-0 (mounted noexec); /var/tmp/asr-ready-runtime-0 (mounted noexec); /dev/shm/asr-ready-runtime-0 (mounted noexec). Set ASR_READY_RUNTIME_DIR to a writable folder on a file system mounted without noexec, and run again.\n`,
      );
      expect(result.stderr.split('\n')).toHaveLength(2);
    });

    it("as root with HOME still naming another user's home (sudo keeps it on some systems) holding a planted runtime → not started; unpacked under /var/cache instead", () => {
      const home = tempDir('asr-ready-home-');
      chownSync(home, 1000, 1000);
      mkdirSync(path.join(home, '.cache', 'asr-ready', 'runtime'), { recursive: true });
      for (const d of ['.cache', '.cache/asr-ready', '.cache/asr-ready/runtime']) chownSync(path.join(home, d), 1000, 1000);
      plant(path.join(home, '.cache', 'asr-ready', 'runtime', key));
      const result = inMountNamespace(
        `
        mount -t tmpfs -o mode=755 tmpfs /var/cache
        "$DOWNLOAD" --version
        ls /var/cache/asr-ready/runtime`,
        { HOME: home, ASR_READY_LAUNCHER_TRACE: '1' },
      );
      expect(result.stdout).toBe(`${VERSION}${key}\n`);
      expect(result.stdout + result.stderr).not.toContain('PLANTED');
      expect(result.status).toBe(0);
    });

    it('as an ordinary user, unpacks into ~/.cache/asr-ready/runtime', () => {
      const home = tempDir('asr-ready-home-');
      chownSync(home, 65534, 65534);
      const copy = path.join(tempDir('asr-ready-dl-'), 'asr-ready-linux-x64');
      copyFileSync(DOWNLOAD, copy);
      chmodSync(path.dirname(copy), 0o755);
      chmodSync(copy, 0o755);
      const result = inMountNamespace(
        `
        mount -t tmpfs -o mode=755 tmpfs /var/cache
        setpriv --reuid=65534 --regid=65534 --clear-groups "$DOWNLOAD" --version`,
        { HOME: home, DOWNLOAD: copy, ASR_READY_LAUNCHER_TRACE: '1' },
      );
      expect([result.status, result.stdout]).toEqual([0, VERSION]);
      expect(result.stderr).toContain('not /var/cache/asr-ready/runtime: cannot be created');
      expect(readdirSync(path.join(home, '.cache', 'asr-ready', 'runtime'))).toEqual([key]);
    });
  });
});
