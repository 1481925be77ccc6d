// Smoke tests of the single binaries (npm run build:binaries; .ci/run builds them before npm test).
// linux-x64: a full check against loopback servers, schema-valid. win-x64: under wine (Debian's
// wine64), --version and an offline-safe check. linux-arm64: --version under qemu-aarch64.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runProgram } from '../helpers/cli';
import { DEBIAN_BUNDLE, REPO } from '../helpers/paths';
import { makePki, startHttpsServer, type Pki, type RunningServer } from '../helpers/servers';
import { startHttpServer } from '../helpers/plain-http';
import { reportSchemaErrors } from '../helpers/schema';
import type { Report } from '../../src/report/report';
import pkg from '../../package.json';

const BIN = path.join(REPO, 'dist', 'bin');
const built = existsSync(path.join(BIN, 'SHA256SUMS'));
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const WINE = '/usr/lib/wine/wine64';

describe.skipIf(!built)('single binaries', () => {
  it('match their SHA256SUMS', () => {
    const lines = readFileSync(path.join(BIN, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[1])).toEqual(['asr-ready-linux-arm64', 'asr-ready-linux-x64', 'asr-ready-win-x64.exe']);
    for (const line of lines) {
      const [sum, name] = line.split(/\s+/) as [string, string];
      expect(createHash('sha256').update(readFileSync(path.join(BIN, name))).digest('hex')).toBe(sum);
    }
  });

  describe('linux-x64', () => {
    let pki: Pki;
    let https443: RunningServer;
    let http80: RunningServer;
    let dir: string;
    beforeAll(async () => {
      pki = makePki('Binary Smoke Root');
      https443 = await startHttpsServer(pki.leafFor(['login.microsoftonline.com', 'pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com', 'cache1.blob.core.windows.net', 'ns1.servicebus.windows.net']), [pki.intermediate]);
      http80 = await startHttpServer();
      dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-smoke-'));
      writeFileSync(path.join(dir, 'store.pem'), readFileSync(DEBIAN_BUNDLE, 'utf8') + pki.root.certPem);
    });
    afterAll(async () => {
      await Promise.all([https443?.close(), http80?.close()]);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('prints its version', () => {
      const result = spawnSync(path.join(BIN, 'asr-ready-linux-x64'), ['--version'], { encoding: 'utf8' });
      expect([result.status, result.stdout]).toEqual([0, `asr-ready ${pkg.version}\n`]);
    });

    it('runs a full check against the local servers and prints a schema-valid report', async () => {
      const result = await runProgram(path.join(BIN, 'asr-ready-linux-x64'), [
        'check', '--json', '--trust-store', path.join(dir, 'store.pem'), '--region', 'eastus', '--cache-storage-account', 'cache1',
        '--endpoint', 'ns1.servicebus.windows.net', '--connect-to', `:443:127.0.0.1:${https443.port}`, '--connect-to', `:80:127.0.0.1:${http80.port}`,
      ], { env: cleanEnv(), timeoutMs: 60_000 });
      expect([0, 1]).toContain(result.code);
      const report = JSON.parse(result.stdout) as Report;
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.findings.map((f) => f.checkId)).toEqual(expect.arrayContaining(['trust.azure-roots', 'network.endpoints', 'os.supported', 'storage.disks']));
      expect(report.endpoints.filter((e) => e.required).map((e) => [e.host, e.status])).toEqual([
        ['login.microsoftonline.com', 'ok'],
        ['pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com', 'ok'],
        ['ns1.servicebus.windows.net', 'ok'],
        ['cache1.blob.core.windows.net', 'ok'],
      ]);
      expect(report.endpoints[0]!.tls).toMatchObject({ verified: true, trustSource: 'supplied' });
    });
  });

  it.skipIf(!existsSync(WINE))('win-x64 runs under wine: --version and an offline-safe check', () => {
    const prefix = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-wine-'));
    const env = { ...cleanEnv(), WINEPREFIX: prefix, WINEDEBUG: '-all', HOME: prefix };
    try {
      spawnSync(WINE, ['wineboot', '--init'], { env, stdio: 'ignore', timeout: 120_000 });
      spawnSync(WINE, ['winecfg', '-v', 'win10'], { env, stdio: 'ignore', timeout: 60_000 }); // Node refuses older Windows versions
      // wine gives pipes to the exe as EBADF: stdout and stderr go to files
      const run = (args: string[]) => {
        const out = path.join(prefix, 'out.txt');
        const err = path.join(prefix, 'err.txt');
        const status = spawnSync('sh', ['-c', '"$0" "$@" > "$OUT" 2> "$ERR"', WINE, path.join(BIN, 'asr-ready-win-x64.exe'), ...args], { env: { ...env, OUT: out, ERR: err }, cwd: prefix, timeout: 120_000 }).status;
        return { status, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
      };
      expect(run(['--version'])).toMatchObject({ status: 0, stdout: `asr-ready ${pkg.version}\n` });
      const check = run(['check', '--json', '--checks', 'trust.,os.,resources.,windows.']);
      expect([0, 1]).toContain(check.status);
      const report = JSON.parse(check.stdout) as Report;
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.host.os).toBe('windows');
      expect(report.findings.map((f) => f.checkId)).toEqual(['trust.azure-roots', 'os.supported', 'resources.size', 'resources.free-space', 'windows.services', 'windows.updates', 'windows.pending-reboot']);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  }, 240_000);

  it.skipIf(!has('qemu-aarch64'))('linux-arm64 prints its version under qemu-aarch64', () => {
    const result = spawnSync('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', path.join(BIN, 'asr-ready-linux-arm64'), '--version'], { encoding: 'utf8', timeout: 60_000 });
    expect([result.status, result.stdout]).toEqual([0, `asr-ready ${pkg.version}\n`]);
  });
});
