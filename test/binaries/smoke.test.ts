// Smoke tests of the downloads (npm run build:binaries; .ci/run builds them before npm test).
// linux-x64: through its launcher, a full check against loopback servers, schema-valid, run on the
// bundled C runtime. linux-arm64: --version under qemu-aarch64. The empty-chroot runs, the
// launcher's own behaviour and the Windows floor under wine have test files of their own.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runProgram } from '../helpers/cli';
import { DEBIAN_BUNDLE } from '../helpers/paths';
import { BIN, BUILT, NODE_RUNTIME, has, launcherHeader, unpack } from '../helpers/downloads';
import { makePki, startHttpsServer, type Pki, type RunningServer } from '../helpers/servers';
import { startHttpServer } from '../helpers/plain-http';
import { reportSchemaErrors } from '../helpers/schema';
import type { ReportJson as Report } from '../helpers/report-json';
import pkg from '../../package.json';

describe.skipIf(!BUILT)('downloads', () => {
  it('match their SHA256SUMS', () => {
    const lines = readFileSync(path.join(BIN, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[1])).toEqual(['asr-ready-linux-arm64', 'asr-ready-linux-x64', 'asr-ready-win-x64.exe']);
    for (const line of lines) {
      const [sum, name] = line.split(/\s+/) as [string, string];
      expect(
        createHash('sha256')
          .update(readFileSync(path.join(BIN, name)))
          .digest('hex'),
      ).toBe(sum);
    }
  });

  describe('linux-x64', () => {
    let pki: Pki;
    let https443: RunningServer;
    let http80: RunningServer;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      pki = makePki('Binary Smoke Root');
      https443 = await startHttpsServer(
        pki.leafFor([
          'login.microsoftonline.com',
          'pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com',
          'cache1.blob.core.windows.net',
          'ns1.servicebus.windows.net',
        ]),
        [pki.intermediate],
      );
      http80 = await startHttpServer();
      dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-smoke-'));
      env = cleanEnv({ ASR_READY_RUNTIME_DIR: path.join(dir, 'runtime') });
      writeFileSync(path.join(dir, 'store.pem'), readFileSync(DEBIAN_BUNDLE, 'utf8') + pki.root.certPem);
    });
    afterAll(async () => {
      await Promise.all([https443?.close(), http80?.close()]);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('prints its version', () => {
      const result = spawnSync(path.join(BIN, 'asr-ready-linux-x64'), ['--version'], { encoding: 'utf8', env });
      expect([result.status, result.stdout]).toEqual([0, `asr-ready ${pkg.version}\n`]);
    });

    it('runs a full check against the local servers and prints a schema-valid report', async () => {
      const result = await runProgram(
        path.join(BIN, 'asr-ready-linux-x64'),
        [
          'check',
          '--json',
          '--trust-store',
          path.join(dir, 'store.pem'),
          '--region',
          'eastus',
          '--cache-storage-account',
          'cache1',
          '--endpoint',
          'ns1.servicebus.windows.net',
          '--connect-to',
          `:443:127.0.0.1:${https443.port}`,
          '--connect-to',
          `:80:127.0.0.1:${http80.port}`,
        ],
        { env, timeoutMs: 60_000 },
      );
      expect([0, 1]).toContain(result.code);
      const report = JSON.parse(result.stdout) as Report;
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.findings.map((f) => f.checkId)).toEqual(
        expect.arrayContaining(['trust.azure-roots', 'network.endpoints', 'os.supported', 'storage.disks']),
      );
      expect(report.endpoints.filter((e) => e.required).map((e) => [e.host, e.status])).toEqual([
        ['login.microsoftonline.com', 'ok'],
        ['pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com', 'ok'],
        ['ns1.servicebus.windows.net', 'ok'],
        ['cache1.blob.core.windows.net', 'ok'],
      ]);
      expect(report.endpoints[0]!.tls).toMatchObject({ verified: true, trustSource: 'supplied' });
      expect(report.agent.runtime).toEqual({ node: NODE_RUNTIME, arch: 'x64', launcher: 'bundled-loader', libc: 'glibc 2.36', platformCheckSkipped: false });
    });
  });

  it.skipIf(!has('qemu-aarch64'))('linux-arm64 prints its version under qemu-aarch64, on its own loader and libraries', () => {
    const file = path.join(BIN, 'asr-ready-linux-arm64');
    const base = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-arm64-'));
    try {
      const runtime = unpack(file, base);
      const { loader } = launcherHeader(file);
      const result = spawnSync('qemu-aarch64', [`${runtime}/lib/${loader}`, '--library-path', `${runtime}/lib`, `${runtime}/asr-ready`, '--version'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect([result.status, result.stdout]).toEqual([0, `asr-ready ${pkg.version}\n`]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
