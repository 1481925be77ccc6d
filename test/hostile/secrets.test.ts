// Hostile table, secrets: a password that any character may make up, given every way the agent takes
// one (flag, environment, the guest's /etc/environment, the configuration file), never appears in
// stdout, stderr at trace level, the report or the spool; values that do not parse are not echoed.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { DEBIAN_BUNDLE } from '../helpers/paths';
import { freePort } from '../helpers/servers';

let deadPort: number;
let scratch: string;
beforeAll(async () => {
  deadPort = await freePort();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-hostile-secrets-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CLI at trace level with delivery to a dead collector, and returns everything it wrote anywhere. */
async function everythingWritten(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; text: string; stderr: string }> {
  const spool = mkdtempSync(path.join(scratch, 'spool-'));
  writeFileSync(path.join(scratch, 'token'), 'collector-token-value\n');
  const result = await runCli(
    [
      ...args,
      '--log-level',
      'trace',
      '--json',
      '--report-url',
      `https://127.0.0.1:${deadPort}/r`,
      '--report-token-file',
      path.join(scratch, 'token'),
      '--spool-dir',
      spool,
      '--delivery-attempts',
      '1',
    ],
    { env: cleanEnv(env), timeoutMs: 60_000 },
  );
  const spooled = readdirSync(spool)
    .map((n) => readFileSync(path.join(spool, n), 'utf8'))
    .join('\n');
  return { code: result.code, text: [result.stdout, result.stderr, spooled].join('\n'), stderr: result.stderr };
}

const NETWORK = ['--checks', 'network.proxy', '--trust-store', DEBIAN_BUNDLE, '--region', 'eastus'];

describe('hostile: secrets', () => {
  it('--proxy with a raw password holding "@", "/" and ":" (a URL parser would take host "ss") → exit 2 asking for %-encoding, the password not echoed', async () => {
    const result = await runCli(['--proxy', 'http://svc:p@ss/w:rd@127.0.0.1:3128']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--proxy "http://***@127.0.0.1:3128" is ambiguous: an "@" follows the host');
    expect(result.stderr).not.toMatch(/p@ss|ss\/w|w:rd/);
    expect(result.stdout).toBe('');
  });

  it('--proxy "user:password@host:notaport" without a scheme → exit 2, the password not echoed', async () => {
    const result = await runCli(['--proxy', 'svc:Sup3rSecretPw@proxy.test:notaport']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--proxy "***@proxy.test:notaport" is not a proxy address');
    expect(result.stderr).not.toContain('Sup3rSecretPw');
  });

  it('--proxy with a %-encoded password of blanks, "@", "%" and quotes → nowhere in stdout, trace logs, report or spool', async () => {
    const password = 'p a@ss%"\'/:word';
    const { text, stderr } = await everythingWritten([...NETWORK, '--proxy', `http://svc:${encodeURIComponent(password)}@127.0.0.1:${deadPort}`]);
    expect(stderr).toContain('"level":20'); // debug lines were written, and are part of what is checked
    for (const form of [password, encodeURIComponent(password)]) expect(text).not.toContain(form);
  });

  it('HTTPS_PROXY in the environment with a password → nowhere in stdout, trace logs, report or spool', async () => {
    const { text } = await everythingWritten(NETWORK, { HTTPS_PROXY: `http://svc:EnvPr0xyPassw0rd@127.0.0.1:${deadPort}` });
    expect(text).not.toContain('EnvPr0xyPassw0rd');
    expect(text).toContain('svc:***@127.0.0.1');
  });

  it("https_proxy with a password in the guest's /etc/environment (--root) → nowhere, and reported redacted", async () => {
    const guest = new FakeGuest()
      .osRelease('ubuntu', '22.04', 'Ubuntu 22.04.4 LTS')
      .write('/etc/environment', `https_proxy="http://svc:GuestF1lePassword@127.0.0.1:${deadPort}"\n`);
    try {
      const { text } = await everythingWritten([...NETWORK, '--root', guest.root]);
      expect(text).not.toContain('GuestF1lePassword');
      expect(text).toContain('svc:***@127.0.0.1');
    } finally {
      guest.remove();
    }
  });

  it('a proxy password in the configuration file → nowhere', async () => {
    const config = path.join(scratch, 'config.json');
    writeFileSync(config, JSON.stringify({ proxy: `http://svc:C0nfigFilePassword@127.0.0.1:${deadPort}` }));
    const { text } = await everythingWritten([...NETWORK, '--config', config]);
    expect(text).not.toContain('C0nfigFilePassword');
  });

  it('the collector token from --report-token-file → nowhere, though the report was spooled', async () => {
    const { text } = await everythingWritten(['--checks', 'trust.', '--trust-store', DEBIAN_BUNDLE]);
    expect(text).toContain('"runId"'); // the spool entry is part of the text
    expect(text).not.toContain('collector-token-value');
  });

  it('any printable password, as --proxy (encoded) and as HTTPS_PROXY (raw where it parses) → nowhere (property)', async () => {
    const alphabet = fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)));
    // Eight or more characters, not all blank: shorter ones could occur by chance in the output.
    const password = fc.string({ unit: alphabet, minLength: 8, maxLength: 24 }).filter((p) => p.trim().length >= 8 && !/^[\w.-]*$/.test(p));
    await fc.assert(
      fc.asyncProperty(password, async (pw) => {
        const encoded = encodeURIComponent(pw);
        const { text } = await everythingWritten([...NETWORK, '--proxy', `http://svc:${encoded}@127.0.0.1:${deadPort}`], {
          HTTPS_PROXY: `http://svc:${pw}@127.0.0.1:${deadPort}`,
        });
        return !text.includes(pw) && !text.includes(encoded);
      }),
      { numRuns: 12 },
    );
  }, 180_000);
});
