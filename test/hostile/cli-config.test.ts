// The hostile table: flags, environment and configuration file. Each row is one bad input and its
// exact outcome: exit 2 with nothing on stdout, a message naming the option or file, in bounded time,
// and no secret or whole long argument echoed.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { CLI_APP_BUNDLE, CLI_BUNDLE, DEBIAN_BUNDLE } from '../helpers/paths';
import type { Report } from '../../src/report/report';

/** Every usage error here is answered at once: well under this. */
const BOUND_MS = 8_000;
const TRUST = ['--checks', 'trust.', '--trust-store', DEBIAN_BUNDLE, '--json'];
const PASSWORD = 'S3cr3t/pa@ss:word%41';
const TOKEN = 'tok-4f1c9a7e2b';

let files: FakeGuest;
beforeAll(() => {
  files = new FakeGuest('asr-ready-hostile-cli-')
    .write('/bom.json', `\uFEFF${JSON.stringify({ checks: ['trust.'], trustStore: [DEBIAN_BUNDLE], output: 'json' })}`)
    .write('/empty-root.json', JSON.stringify({ root: '' }))
    .write('/empty-checks.json', JSON.stringify({ checks: [] }))
    .write('/unreadable.json', '{}', 0o000)
    .write('/token-two-lines', `${TOKEN}\n${TOKEN}\n`)
    .write('/token-trailing-newline', `${TOKEN}\n`)
    .write('/secret-nul', `abc\u0000${TOKEN}`)
    .mkdir('/a-directory');
  execFileSync('mkfifo', [files.path('/fifo.json')]);
  execFileSync('mkfifo', [files.path('/token-fifo')]);
  execFileSync('truncate', ['-s', String(2 * 1024 * 1024), files.path('/huge.json')]);
  // Running as "nobody" needs bundles nobody can read (the repository may sit under a root-only directory).
  for (const [from, to] of [
    [CLI_BUNDLE, files.path('/asr-ready.cjs')],
    [CLI_APP_BUNDLE, files.path('/asr-ready-app.cjs')],
  ] as const) {
    copyFileSync(from, to);
    chmodSync(to, 0o644);
  }
});
afterAll(() => files.remove());

async function timed(args: string[], env: NodeJS.ProcessEnv = {}, asNobody = false): Promise<CliResult & { ms: number }> {
  const started = performance.now();
  const nobody = asNobody && process.getuid?.() === 0 ? { uid: 65534, gid: 65534, bundle: files.path('/asr-ready.cjs'), cwd: files.root } : {};
  const result = await runCli(args, { env: cleanEnv(env), timeoutMs: BOUND_MS + 5_000, ...nobody });
  return { ...result, ms: performance.now() - started };
}

/** Exit 2, nothing on stdout, one message on stderr matching `message`, no stack, in time. */
function expectUsageError(result: CliResult & { ms: number }, message: RegExp | string): void {
  expect(result.stdout).toBe('');
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.code).toBe(2);
  expect(result.ms).toBeLessThan(BOUND_MS);
}

describe('hostile: empty values, from flag, environment and file alike', () => {
  it("--root '' → exit 2: --root is empty", async () => {
    expectUsageError(await timed(['--root', '', ...TRUST]), '--root is empty;');
  });

  it("ASR_READY_ROOT='' → exit 2: --root is empty (environment variable ASR_READY_ROOT)", async () => {
    expectUsageError(await timed(TRUST, { ASR_READY_ROOT: '' }), '--root is empty (environment variable ASR_READY_ROOT);');
  });

  it('config "root": "" → exit 2: --root is empty (config FILE, key "root")', async () => {
    expectUsageError(
      await timed(['--config', files.path('/empty-root.json'), ...TRUST]),
      `--root is empty (config ${files.path('/empty-root.json')}, key "root");`,
    );
  });

  it("--spool-dir '' → exit 2: --spool-dir is empty", async () => {
    expectUsageError(await timed(['--spool-dir', '', ...TRUST]), '--spool-dir is empty;');
  });

  it("ASR_READY_SPOOL_DIR='' → exit 2: --spool-dir is empty (environment variable ASR_READY_SPOOL_DIR)", async () => {
    expectUsageError(await timed(TRUST, { ASR_READY_SPOOL_DIR: '' }), '--spool-dir is empty (environment variable ASR_READY_SPOOL_DIR);');
  });

  it("--trust-store '' → exit 2: --trust-store has an empty value", async () => {
    expectUsageError(await timed(['--checks', 'trust.', '--trust-store', '', '--json']), '--trust-store has an empty value;');
  });

  it("--config '' → exit 2: --config is empty", async () => {
    expectUsageError(await timed(['--config', '', ...TRUST]), '--config is empty;');
  });
});

describe('hostile: an empty check list is one and the same error everywhere', () => {
  const same = '--checks has an empty check ID';
  it("--checks '' → exit 2: --checks has an empty check ID", async () => {
    expectUsageError(await timed(['--checks', '', '--json']), `${same};`);
  });

  it('--checks , → exit 2: --checks has an empty check ID', async () => {
    expectUsageError(await timed(['--checks', ',', '--json']), `${same};`);
  });

  it("ASR_READY_CHECKS='' → exit 2: --checks has an empty check ID (environment variable ASR_READY_CHECKS)", async () => {
    expectUsageError(await timed(['--json'], { ASR_READY_CHECKS: '' }), `${same} (environment variable ASR_READY_CHECKS);`);
  });

  it('config "checks": [] → exit 2: --checks has an empty check ID (config FILE, key "checks")', async () => {
    expectUsageError(
      await timed(['--config', files.path('/empty-checks.json'), '--json']),
      `${same} (config ${files.path('/empty-checks.json')}, key "checks");`,
    );
  });
});

describe('hostile: the configuration file', () => {
  it('a config file starting with a UTF-8 BOM → accepted: exit 0 with its options in the report', async () => {
    const result = await timed(['--config', files.path('/bom.json')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Report).run).toMatchObject({ checks: ['trust.'], configFile: files.path('/bom.json') });
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  it('--config DIRECTORY → exit 2: "is a directory", not "not valid JSON"', async () => {
    const result = await timed(['--config', files.path('/a-directory'), ...TRUST]);
    expectUsageError(result, `config ${files.path('/a-directory')}: is a directory, not a regular file; not read`);
    expect(result.stderr).not.toContain('JSON');
  });

  it('--config FILE the user may not read → exit 2: "permission denied", not "not valid JSON"', async () => {
    const result = await timed(['--config', files.path('/unreadable.json'), '--checks', 'trust.', '--json'], {}, true);
    expectUsageError(result, `config ${files.path('/unreadable.json')}: permission denied; run as a user who may read it, or give another --config`);
    expect(result.stderr).not.toContain('JSON');
  });

  it('--config FIFO with no writer → exit 2 at once: "is a FIFO (named pipe)", never a hang', async () => {
    expectUsageError(
      await timed(['--config', files.path('/fifo.json'), ...TRUST]),
      `config ${files.path('/fifo.json')}: is a FIFO (named pipe), not a regular file; not read`,
    );
  });

  it('--config /dev/zero → exit 2 at once: "is a character device", never an endless read', async () => {
    expectUsageError(await timed(['--config', '/dev/zero', ...TRUST]), 'config /dev/zero: is a character device, not a regular file; not read');
  });

  it('--config of 2 MiB → exit 2: over the 1 MiB limit, not read', async () => {
    expectUsageError(
      await timed(['--config', files.path('/huge.json'), ...TRUST]),
      `config ${files.path('/huge.json')}: is 2,097,152 bytes, over the 1 MiB limit for a configuration file; not read`,
    );
  });
});

describe('hostile: single-valued flags given twice', () => {
  it('--deadline 5 --deadline 6 → exit 2: --deadline is given more than once', async () => {
    expectUsageError(await timed(['--deadline', '5', '--deadline', '6', ...TRUST]), '--deadline is given more than once; it takes one value: give it once');
  });

  it('--output json --json → exit 2: both set the output', async () => {
    expectUsageError(await timed(['--output', 'json', '--json', '--checks', 'trust.']), '--json and --output json both set the output; give one');
  });

  it('--checks trust. --checks trust.azure-roots → repeatable: exit 0, both kept', async () => {
    const result = await timed(['--checks', 'trust.', '--checks', 'trust.azure-roots', '--trust-store', DEBIAN_BUNDLE, '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Report).run.checks).toEqual(['trust.', 'trust.azure-roots']);
  });
});

describe('hostile: arguments with credentials, and long arguments', () => {
  it('--proxy with a password holding "/", "@", ":" and "%" that does not parse → exit 2, the password nowhere', async () => {
    const result = await timed(['--proxy', `http://admin:${PASSWORD}@proxy.example:notaport`, ...TRUST]);
    expectUsageError(result, /--proxy "http:\/\/\*\*\*@proxy\.example:notaport" /);
    for (const piece of ['S3cr3t', 'pa@ss', 'word%41', 'admin']) expect(result.stderr).not.toContain(piece);
  });

  it('--report-url with a password that does not parse → exit 2, the password nowhere', async () => {
    const result = await timed(['--report-url', `https://collector:${PASSWORD}@[bad`, ...TRUST]);
    expectUsageError(result, '--report-url "https://***@[bad" is not a URL');
    for (const piece of ['S3cr3t', 'pa@ss', 'word%41']) expect(result.stderr).not.toContain(piece);
  });

  it('--endpoint of 100,000 characters → exit 2 quoting 80 of them with a marker, not the whole argument', async () => {
    const long = 'a'.repeat(100_000);
    const result = await timed(['--endpoint', long, ...TRUST]);
    expectUsageError(result, `--endpoint "${'a'.repeat(80)}…[cut: 100,000 characters in all]" must be HOST or HOST:PORT`);
    expect(result.stderr.length).toBeLessThan(1_000);
  });

  it('--region with a newline and an escape sequence → exit 2, control characters escaped, no second line forged', async () => {
    const result = await timed(['--region', 'west\nVERDICT: READY\u001b[2J', ...TRUST]);
    expectUsageError(result, '--region "west\\u000aVERDICT: READY\\u001b[2J" is not an Azure region name');
    expect(result.stderr).not.toMatch(/^VERDICT/m);
  });
});

describe('hostile: token and client-secret files', () => {
  const report = ['--report-url', 'https://127.0.0.1:9/reports', ...TRUST];

  it('--report-token-file with a newline in the middle → exit 2 naming the file, never the token', async () => {
    const result = await timed(['--report-token-file', files.path('/token-two-lines'), ...report]);
    expectUsageError(
      result,
      `--report-token-file ${files.path('/token-two-lines')} holds a line break at byte ${TOKEN.length + 1}, which cannot be sent in an HTTP header`,
    );
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('--report-token-file that is a FIFO → exit 2 at once naming the file, never a hang', async () => {
    expectUsageError(
      await timed(['--report-token-file', files.path('/token-fifo'), ...report]),
      `--report-token-file ${files.path('/token-fifo')} is a FIFO (named pipe), not a regular file; not read`,
    );
  });

  it('--report-token-file that is a directory → exit 2 naming the file', async () => {
    expectUsageError(
      await timed(['--report-token-file', files.path('/a-directory'), ...report]),
      `--report-token-file ${files.path('/a-directory')} is a directory, not a regular file; not read`,
    );
  });

  it('--report-token-file /dev/zero → exit 2 at once naming the device', async () => {
    expectUsageError(
      await timed(['--report-token-file', '/dev/zero', ...report]),
      '--report-token-file /dev/zero is a character device, not a regular file; not read',
    );
  });

  it('--client-secret-file holding a NUL byte → exit 2 naming the file, never the secret', async () => {
    const result = await timed([
      '--tenant-id',
      'contoso.onmicrosoft.com',
      '--client-id',
      '00000000-0000-0000-0000-000000000001',
      '--client-secret-file',
      files.path('/secret-nul'),
      '--log-analytics-endpoint',
      'https://127.0.0.1:9',
      '--dcr-id',
      `dcr-${'0'.repeat(32)}`,
      '--stream',
      'Custom-AsrReadinessRaw',
      ...TRUST,
    ]);
    expectUsageError(result, `--client-secret-file ${files.path('/secret-nul')} holds a control character at byte 4`);
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('ASR_READY_CLIENT_SECRET with a line break → exit 2 naming the variable, never the secret', async () => {
    const result = await timed(
      [
        '--tenant-id',
        'contoso.onmicrosoft.com',
        '--client-id',
        '00000000-0000-0000-0000-000000000001',
        '--log-analytics-endpoint',
        'https://127.0.0.1:9',
        '--dcr-id',
        `dcr-${'0'.repeat(32)}`,
        '--stream',
        'Custom-AsrReadinessRaw',
        ...TRUST,
      ],
      { ASR_READY_CLIENT_SECRET: `${TOKEN}\r\nX-Injected: 1` },
    );
    expectUsageError(result, 'environment variable ASR_READY_CLIENT_SECRET holds a line break at byte');
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('--report-ca-file /dev/zero → exit 2 at once naming the device', async () => {
    expectUsageError(
      await timed(['--report-ca-file', '/dev/zero', ...report]),
      '--report-ca-file /dev/zero is a character device, not a regular file; not read',
    );
  });
});
