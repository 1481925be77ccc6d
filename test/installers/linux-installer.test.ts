// The Linux installer scripts: shellcheck, an install into a scratch root accepted by
// `systemd-analyze verify`, checksum refusal, uninstall, and the CSE entry script.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths';

const dir = path.join(REPO, 'installers', 'linux');
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

function fakeBinary(where: string, name = 'asr-ready-linux-x64', body = 'echo "fake asr-ready $*"'): { file: string; sha256: string } {
  const file = path.join(where, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return { file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
}

const sh = (script: string, args: string[], cwd = REPO) => spawnSync('sh', [path.join(dir, script), ...args], { cwd, encoding: 'utf8' });

describe('installers/linux', () => {
  it.skipIf(!has('shellcheck'))('passes shellcheck', () => {
    const result = spawnSync('shellcheck', ['install.sh', 'uninstall.sh', 'cse-run.sh'], { cwd: dir, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('installs into a scratch root: binary, config and units that systemd-analyze verify accepts', () => {
    const s = (scratch = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-install-')))!;
    const bin = fakeBinary(s);
    writeFileSync(path.join(s, 'my-config.json'), '{"reportUrl":"https://collector.example/r"}\n');
    const root = path.join(s, 'root');
    const result = sh('install.sh', ['--binary', bin.file, '--sha256', bin.sha256.toUpperCase(), '--config', path.join(s, 'my-config.json'), '--root', root]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(statSync(path.join(root, 'opt/asr-ready/asr-ready')).mode & 0o777).toBe(0o755);
    expect(readFileSync(path.join(root, 'etc/asr-ready/config.json'), 'utf8')).toContain('collector.example');
    const timer = readFileSync(path.join(root, 'etc/systemd/system/asr-ready.timer'), 'utf8');
    expect(timer).toMatch(/^RandomizedDelaySec=1h$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    if (has('systemd-analyze')) {
      // systemd-analyze --root needs systemd's own units (sysinit.target …) inside the root
      cpSync('/usr/lib/systemd/system', path.join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
      const units = ['asr-ready.service', 'asr-ready.timer'].map((u) => path.join(root, 'etc/systemd/system', u));
      const verify = spawnSync('systemd-analyze', ['verify', `--root=${root}`, ...units], { encoding: 'utf8' });
      expect(verify.stderr).toBe('');
      expect(verify.status).toBe(0);
      rmSync(path.join(root, 'opt/asr-ready/asr-ready'));
      const broken = spawnSync('systemd-analyze', ['verify', `--root=${root}`, units[0]!], { encoding: 'utf8' });
      expect(broken.status).not.toBe(0);
      expect(broken.stderr).toContain('Command /opt/asr-ready/asr-ready is not executable');
    }
  });

  it('refuses a binary whose SHA-256 does not match, and installs nothing', () => {
    const s = (scratch = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-install-')));
    const bin = fakeBinary(s);
    const root = path.join(s, 'root');
    const result = sh('install.sh', ['--binary', bin.file, '--sha256', '0'.repeat(64), '--root', root]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`SHA-256 mismatch for ${bin.file}: expected ${'0'.repeat(64)}, got ${bin.sha256}; nothing was installed`);
    expect(existsSync(root)).toBe(false);
    const unchecked = sh('install.sh', ['--binary', bin.file, '--root', root]);
    expect(unchecked.status).toBe(1);
    expect(unchecked.stderr).toContain('the binary is never installed unchecked');
  });

  it('takes the checksum from a SHA256SUMS file, writes a default config, and uninstalls keeping config unless --purge', () => {
    const s = (scratch = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-install-')));
    const bin = fakeBinary(s);
    writeFileSync(path.join(s, 'SHA256SUMS'), `${'1'.repeat(64)}  other\n${bin.sha256}  asr-ready-linux-x64\n`);
    const root = path.join(s, 'root');
    expect(sh('install.sh', ['--binary', bin.file, '--sums', path.join(s, 'SHA256SUMS'), '--root', root]).status).toBe(0);
    expect(JSON.parse(readFileSync(path.join(root, 'etc/asr-ready/config.json'), 'utf8'))).toEqual({ output: 'compact' });
    const removed = sh('uninstall.sh', ['--root', root]);
    expect(removed.status).toBe(0);
    expect(existsSync(path.join(root, 'opt/asr-ready'))).toBe(false);
    expect(existsSync(path.join(root, 'etc/systemd/system/asr-ready.timer'))).toBe(false);
    expect(existsSync(path.join(root, 'etc/asr-ready/config.json'))).toBe(true);
    expect(sh('uninstall.sh', ['--root', root, '--purge']).status).toBe(0);
    expect(existsSync(path.join(root, 'etc/asr-ready'))).toBe(false);
  });

  it('cse-run.sh checks the downloaded binary and runs it with compact output', () => {
    const s = (scratch = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-cse-')));
    const arch = execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim() === 'aarch64' ? 'arm64' : 'x64';
    const bin = fakeBinary(s, `asr-ready-linux-${arch}`, 'echo "fake asr-ready $* (output=$ASR_READY_OUTPUT fail-on=$ASR_READY_FAIL_ON)"');
    cpSync(path.join(dir, 'cse-run.sh'), path.join(s, 'cse-run.sh'));
    writeFileSync(path.join(s, 'SHA256SUMS'), `${bin.sha256}  asr-ready-linux-${arch}\n`);
    const ok = spawnSync('sh', [path.join(s, 'cse-run.sh'), '--checks', 'trust.'], { encoding: 'utf8' });
    expect(ok.stdout).toBe('fake asr-ready check --checks trust. (output=compact fail-on=never)\n');
    // the admin's own --output or --fail-on is passed as given and wins over the environment's defaults
    const own = spawnSync('sh', [path.join(s, 'cse-run.sh'), '--fail-on', 'warn'], {
      encoding: 'utf8',
      env: { ...process.env, ASR_READY_CSE_FAIL_ON: 'fail' },
    });
    expect(own.stdout).toBe('fake asr-ready check --fail-on warn (output=compact fail-on=fail)\n');
    writeFileSync(bin.file, '#!/bin/sh\necho tampered\n');
    const tampered = spawnSync('sh', [path.join(s, 'cse-run.sh')], { encoding: 'utf8' });
    expect(tampered.status).toBe(2);
    expect(tampered.stderr).toContain(`SHA-256 mismatch for asr-ready-linux-${arch}`);
  });
});
