// The CLI as a child process: exit codes, stdout purity, schema validity, and bad input.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { CLI_BUNDLE, CLI_APP_BUNDLE, DEBIAN_BUNDLE } from '../helpers/paths';
import { asTrustedCertificate, debianBundleText, debianBundleWithout, legacyOnlyBundle, rootPem, SERVER_AUTH } from '../helpers/roots';
import { reportSchemaErrors } from '../helpers/schema';
import type { Report } from '../../src/report/report';
import pkg from '../../package.json';

const G2 = 'digicert-global-root-g2';
let files: FakeGuest;
beforeAll(() => {
  files = new FakeGuest('asr-ready-cli-')
    .write('/no-g2.pem', debianBundleWithout(G2))
    .write('/no-g3.pem', debianBundleWithout('digicert-global-root-g3'))
    .write('/legacy-only.pem', legacyOnlyBundle())
    .write('/g2-trusted.pem', debianBundleWithout(G2) + asTrustedCertificate(rootPem(G2), [SERVER_AUTH]))
    .write('/with-notes.pem', `Bundle exported by hand\n\n${debianBundleText()}\n# trailing comment\n`)
    .write('/garbage.pem', 'this is not a certificate\n')
    .write('/empty.pem', '')
    .write('/unreadable.pem', debianBundleText(), 0o000)
    .write('/dir/607986c7.0', new X509Certificate(rootPem(G2)).raw)
    .symlink('/dir/deadbeef.0', 'missing.pem')
    .symlink('/dir/11111111.0', '22222222.0')
    .symlink('/dir/22222222.0', '11111111.0');
  execFileSync('truncate', ['-s', String(50 * 1024 * 1024), files.path('/huge.pem')]);
});
afterAll(() => files.remove());

const trustRun = (store: string, ...extra: string[]) => runCli(['check', '--checks', 'trust.', '--trust-store', store, '--json', ...extra]);

function parseReport(stdout: string): Report {
  const report = JSON.parse(stdout) as Report;
  expect(reportSchemaErrors(report)).toEqual([]);
  return report;
}

describe('asr-ready CLI', () => {
  it('prints its version and help, exit 0', async () => {
    const version = await runCli(['--version']);
    expect([version.code, version.stdout, version.stderr]).toEqual([0, `asr-ready ${pkg.version}\n`, '']);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: asr-ready [check] [options]');
    expect(help.stdout).toMatch(/2 {2}usage, configuration or unreadable input/);
    expect(help.stdout).toContain('trust.azure-roots');
  });

  it.each([
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--output', 'yaml'], /--output must be text, json or compact, not "yaml"/],
    [['--fail-on', 'sometimes'], /--fail-on must be fail, warn or never/],
    [['--deadline', '0'], /--deadline must be a number of seconds between 0 and 3600, not "0"/],
    [['--deadline', '5m'], /--deadline must be a number of seconds/],
    [['--checks', 'nosuch.'], /unknown check "nosuch\.": known checks are trust\.azure-roots/],
    [['--trust-store', '/nonexistent/bundle.pem'], /--trust-store \/nonexistent\/bundle\.pem: no such file or directory/],
    [['--root', '/nonexistent'], /--root \/nonexistent: not a directory/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('rejects %j with exit 2 and a message naming the input', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Run "asr-ready --help" for usage.');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('passes the full Debian bundle: one schema-valid JSON document on stdout, exit 0', async () => {
    const result = await trustRun(DEBIAN_BUNDLE);
    expect(result.code).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.verdict).toBe('ready');
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ checkId: 'trust.azure-roots', status: 'pass', asrErrorCodes: [] });
    expect(report.run).toMatchObject({ checks: ['trust.'], trustStore: [DEBIAN_BUNDLE], failOn: 'fail' });
  });

  it('fails a bundle without DigiCert Global Root G2 with 151066, exit 1', async () => {
    const result = await trustRun(files.path('/no-g2.pem'));
    expect(result.code).toBe(1);
    const report = parseReport(result.stdout);
    expect(report.verdict).toBe('not-ready');
    expect(report.summary).toMatchObject({ fail: 1, total: 1 });
    const finding = report.findings[0]!;
    expect(finding).toMatchObject({ checkId: 'trust.azure-roots', status: 'fail', asrErrorCodes: [151066] });
    const g2 = (finding.evidence.roots as Array<{ id: string; state: string }>).find((r) => r.id === G2);
    expect(g2?.state).toBe('missing');
  });

  it('exits 0 with --fail-on never even when not ready, and 1 with --fail-on warn for a warning', async () => {
    const never = await trustRun(files.path('/no-g2.pem'), '--fail-on', 'never');
    expect(never.code).toBe(0);
    expect(parseReport(never.stdout).verdict).toBe('not-ready');
    const warnOnly = await trustRun(files.path('/no-g3.pem'));
    expect(warnOnly.code).toBe(0);
    expect(parseReport(warnOnly.stdout).verdict).toBe('ready-with-warnings');
    const failOnWarn = await trustRun(files.path('/no-g3.pem'), '--fail-on', 'warn');
    expect(failOnWarn.code).toBe(1);
  });

  it('fails a store with only the legacy roots and says they are not needed', async () => {
    const result = await trustRun(files.path('/legacy-only.pem'));
    expect(result.code).toBe(1);
    const finding = parseReport(result.stdout).findings[0]!;
    expect(finding.status).toBe('fail');
    expect((finding.evidence.notes as string[])[0]).toMatch(/^Not needed: VeriSign Class 3/);
  });

  it('accepts G2 as a TRUSTED CERTIFICATE block and a bundle with text between blocks', async () => {
    expect((await trustRun(files.path('/g2-trusted.pem'))).code).toBe(0);
    expect((await trustRun(files.path('/with-notes.pem'))).code).toBe(0);
  });

  it('reads a certificate directory with DER files, broken links and link loops, and lists what it could not use', async () => {
    const result = await trustRun(files.path('/dir'));
    const finding = parseReport(result.stdout).findings[0]!;
    expect(result.code).toBe(0); // G2 is reachable as 607986c7.0; the other Azure roots are missing: warn
    expect(finding.status).toBe('warn');
    expect(finding.evidence.problems).toEqual([
      `${files.path('/dir')}/11111111.0: is a symbolic link loop`,
      `${files.path('/dir')}/22222222.0: is a symbolic link loop`,
      `${files.path('/dir')}/deadbeef.0: is a dangling link: it leads to missing.pem, which does not exist`,
    ]);
  });

  it.each([
    ['/garbage.pem', 'no PEM or DER certificate found'],
    ['/empty.pem', 'the file is empty'],
    ['/huge.pem', 'is 52,428,800 bytes, over the 16 MiB limit for a CA bundle'],
  ])('rejects a --trust-store %s that holds no certificate: exit 2, the file named, no report', async (name, why) => {
    const result = await trustRun(files.path(name));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`--trust-store holds no usable certificate: ${files.path(name)}: ${why}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unreadable --trust-store with exit 2 and "permission denied"', async () => {
    // Root reads any file, so run as "nobody" when the tests run as root (as CI does), from a
    // world-readable copy of the bundle: the repository may sit under a directory only root can enter.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const bundle = files.path('/asr-ready.cjs');
    for (const [from, to] of [
      [CLI_BUNDLE, bundle],
      [CLI_APP_BUNDLE, files.path('/asr-ready-app.cjs')],
    ] as const) {
      copyFileSync(from, to);
      chmodSync(to, 0o644);
    }
    const result = await runCli(['--checks', 'trust.', '--trust-store', files.path('/unreadable.pem'), '--json'], { ...asNobody, bundle, cwd: files.root });
    expect(result.stderr).toContain(`${files.path('/unreadable.pem')}: permission denied`);
    expect(result.code).toBe(2);
  });

  it('keeps stdout pure JSON while debug logs go to stderr', async () => {
    const result = await trustRun(DEBIAN_BUNDLE, '--log-level', 'debug');
    expect(result.code).toBe(0);
    parseReport(result.stdout);
    const logLines = result.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; name: string });
    expect(logLines.map((l) => l.msg)).toContain('run finished');
    expect(logLines.every((l) => l.name === 'asr-ready')).toBe(true);
  });

  it('prints text with remediation under the failure and the verdict as the last line, without colour when piped', async () => {
    const result = await runCli(['--checks', 'trust.', '--trust-store', files.path('/no-g2.pem')], { env: cleanEnv({ FORCE_COLOR: '1' }) });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('VERDICT: NOT READY for Azure Site Recovery: 1 check(s) failed: trust.azure-roots [151066]');
    expect(result.stdout).toMatch(/FAIL {3}trust\.azure-roots: Trusted root certificates for Azure endpoints \[ASR 151066\]/);
    expect(result.stdout).toMatch(/What to do:\n {11}1\. Update the CA package: sudo apt-get update/);
    expect(result.stdout).not.toContain('\u001b[');
  });
});

describe('asr-ready CLI on fake guests (--root)', () => {
  it('fails a Debian guest whose ca-certificates.conf deselects G2', async () => {
    const guest = new FakeGuest()
      .osRelease('debian', '12', 'Debian GNU/Linux 12 (bookworm)')
      .write('/etc/hostname', 'guest-debian\n')
      .write('/etc/ssl/certs/ca-certificates.crt', readFileSync(DEBIAN_BUNDLE))
      .write('/etc/ca-certificates.conf', '!mozilla/DigiCert_Global_Root_G2.crt\n')
      .write('/usr/share/ca-certificates/mozilla/DigiCert_Global_Root_G2.crt', rootPem(G2));
    try {
      const result = await runCli(['--root', guest.root, '--checks', 'trust.', '--json']);
      expect(result.code).toBe(1);
      const report = parseReport(result.stdout);
      expect(report.host).toMatchObject({ os: 'linux', distro: 'debian', version: '12', hostname: 'guest-debian', fromRoot: true, arch: null });
      expect(report.findings[0]!.summary).toContain('DigiCert Global Root G2 is distrusted (distrusted by /etc/ca-certificates.conf');
    } finally {
      guest.remove();
    }
  });

  it('fails a SLES 11 guest whose /etc/ssl/certs has G2 without its hash link, and passes once linked', async () => {
    const guest = new FakeGuest().write('/etc/SuSE-release', 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n');
    for (const id of [
      'digicert-global-root-g3',
      'digicert-tls-rsa4096-root-g5',
      'digicert-tls-ecc-p384-root-g5',
      'microsoft-rsa-root-2017',
      'microsoft-ecc-root-2017',
    ]) {
      guest.write(`/etc/ssl/certs/${id}.pem`, rootPem(id));
    }
    guest.write('/etc/ssl/certs/DigiCert_Global_Root_G2.pem', rootPem(G2));
    try {
      const unlinked = await runCli(['--root', guest.root, '--checks', 'trust.', '--json']);
      expect(unlinked.code).toBe(1);
      const report = parseReport(unlinked.stdout);
      expect(report.host).toMatchObject({ distro: 'sles', version: '11.4' });
      expect(report.findings[0]!.remediation).toContain('sudo c_rehash /etc/ssl/certs');
      guest.symlink('/etc/ssl/certs/607986c7.0', 'DigiCert_Global_Root_G2.pem');
      const linked = await runCli(['--root', guest.root, '--checks', 'trust.', '--json']);
      // G2 is now reachable; the secondary roots are plain files without hash links: a warning, not a failure.
      expect(linked.code).toBe(0);
      expect(parseReport(linked.stdout).findings[0]!.status).toBe('warn');
    } finally {
      guest.remove();
    }
  });
});

describe('asr-ready on this machine', () => {
  it("reports this machine's real distro and kernel in a schema-valid report", async () => {
    const result = await runCli(['--json']);
    expect([0, 1]).toContain(result.code);
    const report = parseReport(result.stdout);
    const osRelease = readFileSync('/etc/os-release', 'utf8');
    expect(report.host.distro).toBe(/^ID=(.*)$/m.exec(osRelease)![1]!.replace(/"/g, ''));
    expect(report.host.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(report.host.fromRoot).toBe(false);
  });
});
