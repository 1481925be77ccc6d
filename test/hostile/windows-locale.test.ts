// The hostile table: what the Windows readers meet on localized, hardened or broken guests (issue
// 16). Where a program must misbehave for real (too much output, never exiting), a Node.js child
// stands in for it, run by the readers' own console runner (execFile, argument array, time bound,
// output cap). Each row: the exact verdict, the message naming the command, in bounded time.
import { describe, expect, it } from 'vitest';
import { decodeConsoleBytes, runConsole, type RunConsole } from '../../src/facts/windows/console-text';
import { parseCertutilStore } from '../../src/facts/windows/certutil-store';
import { parseRegistryCertificates, MAX_STORE_ENTRIES } from '../../src/facts/windows/registry-cert-store';
import { readWindowsTrustStore } from '../../src/facts/windows/read-windows-trust-store';
import { parseWinHttpSettingsBlob } from '../../src/facts/windows/proxy-settings-parsers';
import { readProxySettings, WINDOWS_PROXY_COMMANDS } from '../../src/facts/proxy/read-proxy-settings';
import { readTimeSync } from '../../src/facts/time-sync';
import { parseWindowsChurnJson } from '../../src/facts/churn';
import { evaluateAzureRoots } from '../../src/checks/trust-azure-roots';
import { evaluateTimeSync } from '../../src/checks/time-sync';
import { evaluateProxy } from '../../src/checks/network-proxy';
import { evaluateUpdates } from '../../src/checks/windows-updates';
import { AZURE_ROOTS } from '../../src/catalog/azure-roots';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import type { WindowsGuestFacts } from '../../src/facts/windows/read-windows-guest';

const NOW = new Date('2026-11-27T12:00:00Z');
const BOUND_MS = 10_000;

/** Every program answers with the same Node.js script (exit code and output as the script makes them). */
const nodeStandIn =
  (script: string, options: { timeoutMs?: number; maxBuffer?: number } = {}): RunConsole =>
  (_file, _args, o = {}) =>
    runConsole(process.execPath, ['-e', script], { ...o, timeoutMs: options.timeoutMs ?? o.timeoutMs, maxBuffer: options.maxBuffer ?? o.maxBuffer });
const table =
  (answers: Record<string, { stdout?: string | Buffer; code?: number }>): RunConsole =>
  async (file, args) => {
    const a = answers[[file, ...args].join(' ')];
    return a
      ? { stdout: Buffer.isBuffer(a.stdout) ? a.stdout : Buffer.from(a.stdout ?? '', 'latin1'), code: a.code ?? 0 }
      : { stdout: Buffer.alloc(0), code: 1 };
  };

describe('hostile: localized and hardened Windows', () => {
  it("French certutil's NBSP before ':' (0xFF in cp850) → the hash is found once decoded from cp850", () => {
    const out = Buffer.concat([
      Buffer.from('================ Certificat 0 ================\r\nHachage du cert(sha1)'),
      Buffer.from([0xff]),
      Buffer.from(': df3c24f9bfd666761b268073fe06d1cc8d4f82a4\r\n'),
    ]);
    expect(parseCertutilStore(decodeConsoleBytes(out, 850))).toHaveLength(1);
  });

  it("every store printing nothing (wine's certutil; reg with no such keys answering 0) → trust.azure-roots error, never warn", async () => {
    const store = await readWindowsTrustStore(
      undefined,
      table({
        chcp: { stdout: 'Active code page: 437\r\n' },
        ...Object.fromEntries(
          ['ROOT', 'AuthRoot', 'Disallowed'].map((s) => [`reg query HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\${s}\\Certificates /s`, { stdout: '' }]),
        ),
      }),
    );
    const outcome = evaluateAzureRoots(store, AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toMatch(
      /^Could not read the LocalMachine Root store, so the Azure roots could not be checked: reg query HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates \/s listed no certificate/,
    );
  });

  it('reg printing 100 MiB for a store → not read (output cap), error, in bounded time', async () => {
    const started = performance.now();
    const store = await readWindowsTrustStore(
      undefined,
      nodeStandIn("const s = 'x'.repeat(1 << 20) + '\\n'; for (let i = 0; i < 100; i++) process.stdout.write(s)", { maxBuffer: 4 * 1024 * 1024 }),
    );
    expect(store.stores.Root).toMatchObject({
      read: false,
      problem: expect.stringMatching(/^reg query HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates \/s failed: /),
    });
    expect(evaluateAzureRoots(store, AZURE_ROOTS, NOW).status).toBe('error');
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
  });

  it('reg never exiting → not read (time bound), error', async () => {
    const started = performance.now();
    const store = await readWindowsTrustStore(undefined, nodeStandIn('setInterval(() => {}, 1000)', { timeoutMs: 1500 }));
    expect(store.stores.Root.read).toBe(false);
    expect(evaluateAzureRoots(store, AZURE_ROOTS, NOW).status).toBe('error');
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
  });

  it(`a store listing ${MAX_STORE_ENTRIES + 10} certificate keys → the first ${MAX_STORE_ENTRIES} kept, the cut said`, () => {
    const keys = Array.from({ length: MAX_STORE_ENTRIES + 10 }, (_, i) => `HKEY_LOCAL_MACHINE\\X\\Certificates\\${i.toString(16).padStart(40, '0')}\r\n`).join(
      '',
    );
    const parsed = parseRegistryCertificates(keys);
    expect(parsed.entries).toHaveLength(MAX_STORE_ENTRIES);
    expect(parsed.notes.filter((n) => n.startsWith('more than'))).toEqual([`more than ${MAX_STORE_ENTRIES} certificates; the rest were not read`]);
  });

  it('a Blob that is not hex → counted by its thumbprint key, the reason noted', () => {
    const parsed = parseRegistryCertificates(`HKEY_LOCAL_MACHINE\\X\\Certificates\\${'A'.repeat(40)}\r\n    Blob    REG_BINARY    ZZ\r\n`);
    expect(parsed.entries.map((e) => e.sha1)).toEqual(['A'.repeat(40)]);
    expect(parsed.notes).toEqual([`${'A'.repeat(40)}: Blob is REG_BINARY, not REG_BINARY hex`]);
  });

  it('WinHttpSettings whose proxy length runs past the value → a problem, never "direct"', () => {
    expect(parseWinHttpSettingsBlob(Buffer.from('2800000001000000030000ffffffff7f', 'hex'))).toMatchObject({ problem: expect.stringContaining('runs past') });
  });

  it('WinHttpSettings as REG_SZ (someone wrote it by hand) → network.proxy error naming the command', async () => {
    const settings = await readProxySettings({
      root: '/',
      platform: 'windows',
      env: { ProgramData: '/nonexistent-asr-ready-test' },
      cliProxy: null,
      cliNoProxy: false,
      runWindows: table({
        [[WINDOWS_PROXY_COMMANDS.winhttp.file, ...WINDOWS_PROXY_COMMANDS.winhttp.args].join(' ')]: {
          stdout: '\r\nHKEY_LOCAL_MACHINE\\X\r\n    WinHttpSettings    REG_SZ    proxy:8080\r\n',
        },
      }),
    });
    const outcome = evaluateProxy(settings, null);
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toContain(
      'reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections /v WinHttpSettings) was not understood: WinHttpSettings is REG_SZ "proxy:8080", not REG_BINARY hex',
    );
  });

  it("w32tm printing another tool's output (no status fields) → time.sync error with its first bytes, never skip", async () => {
    const facts = await readTimeSync('/', 'windows', undefined, table({ 'w32tm /query /status': { stdout: '<html>proxy login</html>\r\n' } }));
    expect(evaluateTimeSync(facts)).toMatchObject({
      status: 'error',
      summary: 'Clock synchronisation could not be read: w32tm /query /status printed no status fields: "<html>proxy login</html>\\r\\n".',
    });
  });

  it('a German sc (STATUS, not STATE) reporting W32Time stopped → time.sync warn, not synchronised', async () => {
    const facts = await readTimeSync(
      '/',
      'windows',
      undefined,
      table({
        'sc query w32time': {
          stdout: '\r\nDIENSTNAME: w32time\r\n        TYPE               : 20  WIN32_SHARE_PROCESS\r\n        STATUS             : 1  STOPPED\r\n',
        },
        'w32tm /query /status': { code: 1 },
      }),
    );
    expect(evaluateTimeSync(facts)).toMatchObject({ status: 'warn', evidence: { synchronized: false } });
  });

  const guest = (tls12Client: WindowsGuestFacts['tls12Client']): WindowsGuestFacts => ({
    version: {
      productName: 'Windows Server 2012 Datacenter',
      build: 9200,
      installationType: 'Server',
      displayVersion: null,
      servicePack: null,
      isServer: true,
    },
    hotfixes: ['KB3140245'],
    hotfixSource: 'wmic qfe get HotFixID',
    services: { COMSysApp: 'manual', VSS: 'manual' },
    tls12Client,
    dotnet: { systemDefaultTlsVersions: 1, schUseStrongCrypto: 1 },
    pendingReboot: [],
    problems: [],
  });

  it('TLS 1.2 Client Enabled=0xffffffff (IIS Crypto), DisabledByDefault=0 → windows.updates pass', () => {
    expect(evaluateUpdates(guest({ enabled: 0xffffffff, disabledByDefault: 0 }), SUPPORT_MATRIX).status).toBe('pass');
  });

  it('TLS 1.2 Client Enabled=1 but DisabledByDefault=0xffffffff → fail, naming both values as Windows reads them', () => {
    const outcome = evaluateUpdates(guest({ enabled: 1, disabledByDefault: 0xffffffff }), SUPPORT_MATRIX);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('TLS 1.2 is not enabled for clients (SCHANNEL\\Protocols\\TLS 1.2\\Client Enabled=1, DisabledByDefault=0xffffffff)');
  });

  it('TLS 1.2 Client Enabled=0 → fail', () => {
    expect(evaluateUpdates(guest({ enabled: 0, disabledByDefault: 0 }), SUPPORT_MATRIX).status).toBe('fail');
  });

  it('the churn sampler printing a localized WMI error → not the JSON, said with what it printed', () => {
    expect(parseWindowsChurnJson('Get-CimInstance : Ungültige Klasse "Win32_PerfRawData_PerfDisk_PhysicalDisk"')).toMatchObject({
      problem: expect.stringMatching(/^PowerShell did not print the expected JSON .*Ungültige Klasse/),
    });
    expect(parseWindowsChurnJson('{"samples":[{"disks":[]},{"disks":[]}]}')).toEqual({
      problem: 'Win32_PerfRawData_PerfDisk_PhysicalDisk listed no disk: "{\\"samples\\":[{\\"disks\\":[]},{\\"disks\\":[]}]}"',
    });
  });
});
