// The Linux downloads need nothing from the guest's C library: each runs its full offline check
// inside an empty chroot that holds only the unpacked download and the fake guest it is pointed at
// with --root (arm64: plus the static qemu that runs it). No /proc, no /lib, no /bin/sh, no /etc.
// Also: name resolution through the bundled glibc when the guest's nsswitch.conf names modules
// (sss, systemd, myhostname) that the chroot does not have.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, IS_ROOT, NODE_RUNTIME, download, has, launcherHeader, unpack } from '../helpers/downloads';
import { cleanEnv, runProgram } from '../helpers/cli';
import { DEBIAN_BUNDLE, fixture } from '../helpers/paths';
import { reportSchemaErrors } from '../helpers/schema';
import { makePki, startHttpsServer, type RunningServer } from '../helpers/servers';
import type { ReportJson as Report } from '../helpers/report-json';

const CHROOT = '/usr/sbin/chroot';
const QEMU_STATIC = '/usr/bin/qemu-aarch64-static';
const OFFLINE_CHECKS = 'trust.,os.,boot.,storage.,resources.';
const jails: string[] = [];
afterAll(() => jails.forEach((j) => rmSync(j, { recursive: true, force: true })));

/** A jail holding the unpacked download under /opt and a RHEL 7.5 guest (glibc 2.17 in life) under /guest. */
function jailWith(file: string): { jail: string; runtime: string } {
  const jail = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-jail-'));
  jails.push(jail);
  const runtime = `/${path.relative(jail, unpack(file, path.join(jail, 'opt')))}`;
  const put = (guestPath: string, content: string | Buffer) => {
    mkdirSync(path.dirname(path.join(jail, 'guest', guestPath)), { recursive: true });
    writeFileSync(path.join(jail, 'guest', guestPath), content);
  };
  put('etc/os-release', readFileSync(fixture('linux', 'os-release', 'rhel-7.5')));
  put('etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', readFileSync(DEBIAN_BUNDLE));
  put('etc/default/grub', readFileSync(fixture('linux', 'grub', 'default-grub-azure-rhel-7.4plus.msdocs')));
  put('proc/cmdline', readFileSync(fixture('linux', 'grub', 'proc-cmdline-azure-rhel-7.7-gen2-lvm.txt')));
  put('etc/fstab', 'UUID=0d9f / xfs defaults 0 0\nUUID=1a2b /boot xfs defaults 0 0\n');
  put('boot/vmlinuz-3.10.0-862.el7.x86_64', '');
  return { jail, runtime };
}

function expectOfflineReport(stdout: string, arch: string): Report {
  const report = JSON.parse(stdout) as Report;
  expect(reportSchemaErrors(report)).toEqual([]);
  expect(report.host).toMatchObject({ distro: 'rhel', version: '7.5', fromRoot: true });
  expect(new Set(report.findings.map((f) => f.checkId.split('.')[0]))).toEqual(new Set(['trust', 'os', 'boot', 'storage', 'resources']));
  expect(report.findings.find((f) => f.checkId === 'trust.azure-roots')!.status).toBe('pass');
  expect(report.agent.runtime).toEqual({ node: NODE_RUNTIME, arch, launcher: 'bundled-loader', libc: 'glibc 2.36', platformCheckSkipped: false });
  return report;
}

describe.skipIf(!BUILT || !IS_ROOT)('Linux downloads in an empty chroot', () => {
  it('linux-x64: the full offline check of a RHEL 7 guest, with nothing but the download and the guest', async () => {
    const file = download('asr-ready-linux-x64');
    const { jail, runtime } = jailWith(file);
    expect(readdirSync(jail).sort()).toEqual(['guest', 'opt']);
    const { loader } = launcherHeader(file);
    const result = await runProgram(
      CHROOT,
      [
        jail,
        `${runtime}/lib/${loader}`,
        '--library-path',
        `${runtime}/lib`,
        `${runtime}/asr-ready`,
        'check',
        '--root',
        '/guest',
        '--checks',
        OFFLINE_CHECKS,
        '--json',
      ],
      { env: { ASR_READY_LOOPBACK_ONLY: '1' }, timeoutMs: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect([0, 1]).toContain(result.code);
    expectOfflineReport(result.stdout, 'x64');
  });

  it.skipIf(!has(QEMU_STATIC))(
    'linux-arm64: the same, under a static qemu-aarch64 inside the chroot',
    async () => {
      const file = download('asr-ready-linux-arm64');
      const { jail, runtime } = jailWith(file);
      cpSync(QEMU_STATIC, path.join(jail, 'qemu-aarch64-static'));
      expect(readdirSync(jail).sort()).toEqual(['guest', 'opt', 'qemu-aarch64-static']);
      const { loader } = launcherHeader(file);
      const result = await runProgram(
        CHROOT,
        [
          jail,
          '/qemu-aarch64-static',
          `${runtime}/lib/${loader}`,
          '--library-path',
          `${runtime}/lib`,
          `${runtime}/asr-ready`,
          'check',
          '--root',
          '/guest',
          '--checks',
          OFFLINE_CHECKS,
          '--json',
        ],
        { env: { ASR_READY_LOOPBACK_ONLY: '1' }, timeoutMs: 240_000 },
      );
      expect(result.stderr).toBe('');
      expect([0, 1]).toContain(result.code);
      expectOfflineReport(result.stdout, 'arm64');
    },
    300_000,
  );

  describe('name resolution through the bundled glibc', () => {
    let server: RunningServer;
    const pki = makePki('Chroot Lab Root');
    beforeAll(async () => {
      server = await startHttpsServer(pki.leafFor(['asr-lab.test']), [pki.intermediate]);
    });
    afterAll(() => server?.close());

    it('resolves from /etc/hosts when nsswitch.conf names sss, systemd and myhostname modules that are not there', async () => {
      const file = download('asr-ready-linux-x64');
      const { jail, runtime } = jailWith(file);
      writeFileSync(path.join(jail, 'store.pem'), pki.root.certPem);
      mkdirSync(path.join(jail, 'etc'));
      writeFileSync(
        path.join(jail, 'etc', 'nsswitch.conf'),
        'passwd: files sss systemd\nhosts: sss files myhostname mdns4_minimal [NOTFOUND=return] resolve dns\n',
      );
      writeFileSync(path.join(jail, 'etc', 'hosts'), '127.0.0.1 localhost\n127.0.0.1 asr-lab.test\n');
      writeFileSync(path.join(jail, 'etc', 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
      const { loader } = launcherHeader(file);
      const result = await runProgram(
        CHROOT,
        [
          jail,
          `${runtime}/lib/${loader}`,
          '--library-path',
          `${runtime}/lib`,
          `${runtime}/asr-ready`,
          'check',
          '--checks',
          'network.endpoints',
          '--endpoint',
          `asr-lab.test:${server.port}`,
          '--trust-store',
          '/store.pem',
          '--no-proxy',
          '--region',
          'eastus',
          '--json',
        ],
        { env: cleanEnv({ PATH: '/nonexistent' }), timeoutMs: 60_000 },
      );
      const report = JSON.parse(result.stdout) as Report;
      const lab = report.endpoints.find((e) => e.host === 'asr-lab.test')!;
      expect([lab.status, lab.address, lab.tls?.verified]).toEqual(['ok', '127.0.0.1', true]);
      // the catalog's public names are looked up too, and fail as DNS (no resolver answers here), not as a crash
      expect(report.endpoints.find((e) => e.host === 'login.microsoftonline.com')).toMatchObject({ status: 'failed', failedLayer: 'dns' });
    });
  });
});
