// The Windows readers of issue 16 against outputs in their real bytes (cp437, cp850, cp932,
// cp936), decode path included, with the spawned programs replaced by a table of recorded answers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../helpers/paths';
import { decodeConsoleBytes, parseChcp, type RunConsole } from '../../../src/facts/windows/console-text';
import { parseCertutilStore } from '../../../src/facts/windows/certutil-store';
import { certificateFromBlob, parseRegistryCertificates, parseSerializedElement } from '../../../src/facts/windows/registry-cert-store';
import { readWindowsTrustStore, ROOT_POLICY_KEY, STORE_KEYS, TRUST_STORE_COMMANDS } from '../../../src/facts/windows/read-windows-trust-store';
import { judgeWindowsTime, parseScQueryState, parseW32tmStatusPositional, W32TIME_COMMANDS } from '../../../src/facts/windows/w32time';
import { parseWinHttpSettingsBlob, winHttpSettingsFromRegQuery } from '../../../src/facts/windows/proxy-settings-parsers';
import { readProxySettings, WINDOWS_PROXY_COMMANDS } from '../../../src/facts/proxy/read-proxy-settings';
import { readTimeSync } from '../../../src/facts/time-sync';
import { parseWindowsChurnJson, sampleChurn, windowsChurnScript } from '../../../src/facts/churn';
import { evaluateAzureRoots } from '../../../src/checks/trust-azure-roots';
import { evaluateTimeSync } from '../../../src/checks/time-sync';
import { evaluateProxy } from '../../../src/checks/network-proxy';
import { AZURE_ROOTS } from '../../../src/catalog/azure-roots';

const NOW = new Date('2026-11-27T12:00:00Z');
const G2_SHA1 = 'DF3C24F9BFD666761B268073FE06D1CC8D4F82A4';
const LANGS = { en: 437, de: 850, fr: 850, ja: 932, zh: 936 } as const;
type Lang = keyof typeof LANGS;
const bytes = (...parts: string[]) => readFileSync(fixture('windows', 'locale', ...parts));
const text = (lang: Lang, name: string) => decodeConsoleBytes(bytes(lang, name), LANGS[lang]);

/** A fake of the console runner: answers by "program arg arg…"; anything else is exit 9009, as a missing program. */
function fakeRun(answers: Record<string, { stdout?: string | Buffer; code?: number }>, log: string[] = []): RunConsole {
  return async (file, args) => {
    const key = [file, ...args].join(' ');
    log.push(key);
    const a = answers[key];
    if (!a) return { stdout: Buffer.from(`'${file}' is not recognized\r\n`), code: 9009 };
    return { stdout: Buffer.isBuffer(a.stdout) ? a.stdout : Buffer.from(a.stdout ?? '', 'latin1'), code: a.code ?? 0 };
  };
}
const key = (c: { file: string; args: readonly string[] }) => [c.file, ...c.args].join(' ');

describe('console bytes are decoded in the code page chcp reports, never as UTF-8', () => {
  it.each(Object.entries(LANGS))('chcp in %s reports %i', (lang, cp) => {
    // chcp's own text is localised ("Aktive Codepage: 850.", "現在のコード ページ: 932"); the number is not
    expect(parseChcp(bytes(lang, 'chcp.txt').toString('latin1'))).toBe(cp);
  });

  it('decodes the recorded German, French, Japanese and Chinese w32tm outputs to their labels', () => {
    expect(text('de', 'w32tm-query-status.synced.txt')).toContain('Präzision: -23');
    expect(text('fr', 'w32tm-query-status.synced.txt')).toContain('Indicateur de dérive : 0');
    expect(text('ja', 'w32tm-query-status.synced.txt')).toContain('閏インジケーター: 0 (警告なし)');
    expect(text('zh', 'w32tm-query-status.synced.txt')).toContain('上次成功同步时间');
    // the same bytes as UTF-8 lose every non-ASCII character
    expect(bytes('ja', 'w32tm-query-status.synced.txt').toString('utf8')).toContain('\uFFFD');
  });

  it("finds the certificate hash on French certutil output, whose non-breaking space before ':' is 0xFF in cp850", () => {
    const line = Buffer.concat([
      Buffer.from('================ Certificat 0 ================\r\nHachage du cert(sha1)', 'latin1'),
      Buffer.from([0xff]),
      Buffer.from(': df 3c 24 f9 bf d6 66 76 1b 26 80 73 fe 06 d1 cc 8d 4f 82 a4\r\n', 'latin1'),
    ]);
    expect(parseCertutilStore(decodeConsoleBytes(line, 850)).map((e) => e.sha1)).toEqual([G2_SHA1]);
    expect(parseCertutilStore(line.toString('utf8'))).toEqual([]); // the bug of issue 16
  });

  it('takes a UTF-16LE byte-order mark over the code page, and keeps every byte of an unknown code page', () => {
    expect(decodeConsoleBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Stratum: 3', 'utf16le')]), 850)).toBe('Stratum: 3');
    expect(decodeConsoleBytes(Buffer.from([0x41, 0x82, 0x42]), 12345)).toBe('AéB');
    expect(decodeConsoleBytes(Buffer.from([0x41, 0x82, 0x42]), null)).toBe('AéB');
  });
});

describe('time.sync on Windows, by position and service state', () => {
  it.each(['en', 'de', 'fr', 'ja', 'zh'] as const)('reads the %s w32tm status by position', (lang) => {
    const s = parseW32tmStatusPositional(text(lang, 'w32tm-query-status.synced.txt'));
    expect(s).not.toBeNull();
    expect(s!.leapIndicator).toBe(0);
    expect(s!.stratum).toBeGreaterThan(0);
    expect(
      judgeWindowsTime({
        service: { text: text(lang, 'sc-query-w32time.running.txt'), code: 0 },
        type: { text: '    Type    REG_SZ    NTP', code: 0 },
        status: { text: text(lang, 'w32tm-query-status.synced.txt'), code: 0 },
      }),
    ).toMatchObject({ synchronized: true, problem: null });
  });

  it('reads the service state in German, where sc prints STATUS for STATE', () => {
    expect(parseScQueryState(text('de', 'sc-query-w32time.running.txt'))).toBe(4);
    expect(parseScQueryState(text('de', 'sc-query-w32time.stopped.txt'))).toBe(1);
    expect(parseScQueryState(text('ja', 'sc-query-w32time.running.txt'))).toBe(4);
    expect(parseScQueryState('\r\nNOM_SERVICE: w32time\r\n        TYPE : 20  X\r\n        ÉTAT : 1  ARRÊTÉ\r\n')).toBe(1); // symbolic name translated: by position
  });

  it('says not synchronised for the local CMOS clock, a stopped service, NoSync, and the free-running clock', () => {
    const running = { text: text('en', 'sc-query-w32time.running.txt'), code: 0 };
    const ntp = { text: '    Type    REG_SZ    NTP', code: 0 };
    expect(
      judgeWindowsTime({ service: running, type: ntp, status: { text: text('en', 'w32tm-query-status.local-cmos-clock.txt'), code: 0 } }).synchronized,
    ).toBe(false);
    expect(
      judgeWindowsTime({
        service: { text: text('de', 'sc-query-w32time.stopped.txt'), code: 0 },
        type: ntp,
        status: { text: text('de', 'w32tm-query-status.service-not-started.txt'), code: -2147023834 },
      }),
    ).toMatchObject({ synchronized: false });
    expect(judgeWindowsTime({ service: running, type: { text: '    Type    REG_SZ    NoSync', code: 0 }, status: { text: '', code: 0 } }).synchronized).toBe(
      false,
    );
    const freeRunning =
      'Leap Indicator: 0(no warning)\nStratum: 1 (primary reference - syncd by radio clock)\nPrecision: -23\nRoot Delay: 0s\nRoot Dispersion: 10s\nReferenceId: 0x4C4F434C (source name:  "LOCL")\nLast Successful Sync Time: x\nSource: Free-running System Clock\n';
    expect(judgeWindowsTime({ service: running, type: ntp, status: { text: freeRunning, code: 0 } }).synchronized).toBe(false);
  });

  it('an output with no status fields is an error naming w32tm and its first bytes, never a skip', async () => {
    const facts = await readTimeSync(
      '/',
      'windows',
      undefined,
      fakeRun({
        chcp: { stdout: bytes('de', 'chcp.txt') },
        [key(W32TIME_COMMANDS.service)]: { stdout: 'Zugriff verweigert\r\n', code: 5 },
        [key(W32TIME_COMMANDS.type)]: { code: 1 },
        [key(W32TIME_COMMANDS.status)]: { stdout: bytes('de', 'w32tm-query-status.service-not-started.txt'), code: -2147023834 },
      }),
    );
    expect(facts.synchronized).toBeNull();
    expect(facts.problem).toMatch(
      /^w32tm \/query \/status exited with -2147023834 printed no status fields \(error 0x80070426\): "Folgender Fehler ist aufgetreten: Der Dienst wurde nicht gestartet/,
    );
    expect(evaluateTimeSync(facts)).toMatchObject({ status: 'error' });
  });

  it('runs the three commands and judges a Japanese host synchronised', async () => {
    const log: string[] = [];
    const facts = await readTimeSync(
      '/',
      'windows',
      undefined,
      fakeRun(
        {
          chcp: { stdout: bytes('ja', 'chcp.txt') },
          [key(W32TIME_COMMANDS.service)]: { stdout: bytes('ja', 'sc-query-w32time.running.txt') },
          [key(W32TIME_COMMANDS.type)]: {
            stdout: '\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters\r\n    Type    REG_SZ    NTP\r\n',
          },
          [key(W32TIME_COMMANDS.status)]: { stdout: bytes('ja', 'w32tm-query-status.synced.txt') },
        },
        log,
      ),
    );
    expect(facts).toMatchObject({ synchronized: true, problem: null });
    expect(facts.detail).toContain('source: 10.30.0.3,8');
    expect(evaluateTimeSync(facts).status).toBe('pass');
  });
});

describe('trust stores from the registry', () => {
  const listing = (name: string) => readFileSync(fixture('windows', 'locale', name), 'latin1');

  it('reads the serialized element of every Blob and checks the key against the certificate', () => {
    const parsed = parseRegistryCertificates(listing('reg-query-root-certificates.with-digicert-g2.txt'));
    expect(parsed.entries.map((e) => e.sha1)).toContain(G2_SHA1);
    expect(parsed.entries.find((e) => e.sha1 === G2_SHA1)).toMatchObject({
      subject: 'C=US, O=DigiCert Inc, OU=www.digicert.com, CN=DigiCert Global Root G2',
      notAfter: '2038-01-15T12:00:00.000Z',
    });
    expect(parsed).toMatchObject({ keys: 3, unrecognised: [], notes: [] });
  });

  it('counts a certificate whose Blob is broken by its thumbprint key, and says so', () => {
    const out = `HKEY_LOCAL_MACHINE\\X\\Certificates\\${G2_SHA1}\r\n    Blob    REG_BINARY    2000000001000000FF000000AABB\r\n`;
    const parsed = parseRegistryCertificates(out);
    expect(parsed.entries.map((e) => e.sha1)).toEqual([G2_SHA1]);
    expect(parsed.notes[0]).toMatch(/not a serialized certificate/);
    expect(parseSerializedElement(Buffer.from('2000000002000000', 'hex'))).toBeNull();
    expect(certificateFromBlob(Buffer.from('030000000100000000000000', 'hex'))).toEqual({
      problem: 'the Blob holds no certificate (no property 0x20 among 0x3)',
    });
  });

  const storeAnswers = (root: string, disallowed: string | null, policy: number | null) => ({
    chcp: { stdout: bytes('fr', 'chcp.txt') },
    ...Object.fromEntries(
      STORE_KEYS.map((s) => [
        `reg query ${s.key} /s`,
        s.physical === 'Root'
          ? { stdout: listing(root) }
          : s.physical === 'Disallowed' && disallowed
            ? { stdout: listing(disallowed) }
            : { stdout: bytes('fr', 'reg-query.not-found.stderr.txt'), code: 1 },
      ]),
    ),
    [`reg query ${ROOT_POLICY_KEY} /v DisableRootAutoUpdate`]:
      policy === null
        ? { code: 1 }
        : {
            stdout: `\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot\r\n    DisableRootAutoUpdate    REG_DWORD    0x${policy.toString(16)}\r\n`,
          },
  });
  const g2State = (o: ReturnType<typeof evaluateAzureRoots>) =>
    (o.evidence!.roots as Array<{ id: string; state: string }>).find((r) => r.id === 'digicert-global-root-g2')?.state;

  it('a store holding DigiCert Global Root G2: G2 trusted, and only the listed commands ran', async () => {
    const log: string[] = [];
    const store = await readWindowsTrustStore(undefined, fakeRun(storeAnswers('reg-query-root-certificates.with-digicert-g2.txt', null, null), log));
    expect(store.stores.Root).toMatchObject({ read: true, problem: null });
    expect(g2State(evaluateAzureRoots(store, AZURE_ROOTS, NOW))).toBe('trusted');
    expect(new Set(log)).toEqual(new Set(['chcp', ...TRUST_STORE_COMMANDS.map(key)]));
  });

  it('a store without it: installs on demand (warn), or missing (fail, 151066) when automatic root update is off (0xffffffff counts as on)', async () => {
    const on = evaluateAzureRoots(
      await readWindowsTrustStore(undefined, fakeRun(storeAnswers('reg-query-root-certificates.without-digicert-g2.txt', null, null))),
      AZURE_ROOTS,
      NOW,
    );
    expect([on.status, g2State(on)]).toEqual(['warn', 'installs-on-demand']);
    const off = evaluateAzureRoots(
      await readWindowsTrustStore(undefined, fakeRun(storeAnswers('reg-query-root-certificates.without-digicert-g2.txt', null, 0xffffffff))),
      AZURE_ROOTS,
      NOW,
    );
    expect([off.status, g2State(off), off.asrErrorCodes]).toEqual(['fail', 'missing', [151066]]);
  });

  it('G2 in Disallowed: distrusted, fail', async () => {
    const o = evaluateAzureRoots(
      await readWindowsTrustStore(
        undefined,
        fakeRun(storeAnswers('reg-query-root-certificates.with-digicert-g2.txt', 'reg-query-disallowed-certificates.with-digicert-g2.txt', null)),
      ),
      AZURE_ROOTS,
      NOW,
    );
    expect([o.status, g2State(o)]).toEqual(['fail', 'distrusted']);
  });

  it('a Root store with zero certificates is an error naming the command, not "installs on demand"', async () => {
    const answers = storeAnswers('reg-query-disallowed-certificates.empty-key.txt', null, null);
    const store = await readWindowsTrustStore(undefined, fakeRun(answers));
    expect(store.stores.Root.read).toBe(false);
    const o = evaluateAzureRoots(store, AZURE_ROOTS, NOW);
    expect(o.status).toBe('error');
    expect(o.summary).toMatch(
      /reg query HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates \/s listed no certificate: a LocalMachine Root store is never empty/,
    );
  });

  it('nothing answering (wine with no stand-ins): every store unread, error', async () => {
    const store = await readWindowsTrustStore(undefined, fakeRun({}));
    const o = evaluateAzureRoots(store, AZURE_ROOTS, NOW);
    expect(o.status).toBe('error');
    expect(o.summary).toContain('exited with 9009');
  });
});

describe('WinHTTP proxy from WinHttpSettings', () => {
  const blobOf = (name: string) => {
    const b = winHttpSettingsFromRegQuery(readFileSync(fixture('windows', 'locale', name), 'latin1'));
    if ('problem' in b) throw new Error(b.problem);
    return b;
  };

  it('reads direct access, a proxy with its bypass list, and per-scheme proxies (version 0x46 with padding)', () => {
    expect(parseWinHttpSettingsBlob(blobOf('reg-query-winhttpsettings.direct-default.txt'))).toEqual({
      flags: 1,
      direct: true,
      server: null,
      bypass: [],
      autoConfigUrl: null,
    });
    expect(parseWinHttpSettingsBlob(blobOf('reg-query-winhttpsettings.proxy-with-bypass.txt'))).toEqual({
      flags: 3,
      direct: false,
      server: 'proxy.contoso.local:8080',
      bypass: ['<local>', '*.contoso.local'],
      autoConfigUrl: null,
    });
    expect(parseWinHttpSettingsBlob(blobOf('reg-query-winhttpsettings.per-scheme-v46.txt'))).toMatchObject({
      direct: false,
      server: 'http=10.0.0.8:3128;https=10.0.0.8:3129',
    });
  });

  it('a value it cannot read is a problem, never "direct"', () => {
    expect(parseWinHttpSettingsBlob(Buffer.from('1800000000000000', 'hex'))).toEqual({
      problem: 'WinHttpSettings is 8 bytes, shorter than its 16-byte header',
    });
    expect(parseWinHttpSettingsBlob(Buffer.from('28000000000000000300000040000000', 'hex'))).toMatchObject({
      problem: expect.stringMatching(/proxy length 64 runs past/),
    });
  });

  const proxyOptions = (answers: Parameters<typeof fakeRun>[0]) => ({
    root: '/',
    platform: 'windows' as const,
    env: { ProgramData: '/nonexistent-asr-ready-test' },
    cliProxy: null,
    cliNoProxy: false,
    runWindows: fakeRun(answers),
  });

  it('a WinHTTP proxy on a Japanese host is found (the netsh wording never read)', async () => {
    const settings = await readProxySettings(
      proxyOptions({
        chcp: { stdout: bytes('ja', 'chcp.txt') },
        [key(WINDOWS_PROXY_COMMANDS.wininet)]: { stdout: bytes('ja', 'reg-query.not-found.stderr.txt'), code: 1 },
        [key(WINDOWS_PROXY_COMMANDS.winhttp)]: { stdout: readFileSync(fixture('windows', 'locale', 'reg-query-winhttpsettings.proxy-with-bypass.txt')) },
      }),
    );
    expect(settings.candidates).toEqual([
      { source: 'WinHTTP (WinHttpSettings in the registry)', value: 'proxy.contoso.local:8080', bypass: ['<local>', '*.contoso.local'], problem: null },
    ]);
    expect(settings.effective).toMatchObject({ hostname: 'proxy.contoso.local', port: 8080 });
  });

  it('an output with no WinHttpSettings value is an error in network.proxy, not "no proxy"', async () => {
    const settings = await readProxySettings(
      proxyOptions({
        chcp: { stdout: bytes('en', 'chcp.txt') },
        [key(WINDOWS_PROXY_COMMANDS.wininet)]: { code: 1 },
        [key(WINDOWS_PROXY_COMMANDS.winhttp)]: { stdout: 'something else entirely\r\n' },
      }),
    );
    expect(settings.unreadable).toEqual([
      expect.stringMatching(/WinHttpSettings\) was not understood: no WinHttpSettings value in the output; it printed "something else entirely/),
    ]);
    expect(evaluateProxy(settings, null)).toMatchObject({ status: 'error' });
  });

  it('LocalSystem\'s Internet Settings answered with text that holds no registry value → error, not "no proxy"', async () => {
    const settings = await readProxySettings(
      proxyOptions({
        chcp: { stdout: bytes('de', 'chcp.txt') },
        [key(WINDOWS_PROXY_COMMANDS.wininet)]: { stdout: Buffer.from('Zugriff verweigert\r\n', 'latin1') },
        [key(WINDOWS_PROXY_COMMANDS.winhttp)]: { code: 1 },
      }),
    );
    expect(settings.unreadable).toEqual([expect.stringMatching(/S-1-5-18.*Internet Settings printed nothing this reader understands: "Zugriff verweigert/)]);
    expect(evaluateProxy(settings, null).status).toBe('error');
  });

  it("no WinHttpSettings value at all is WinHTTP's default, direct access", async () => {
    const settings = await readProxySettings(
      proxyOptions({ chcp: { stdout: '' }, [key(WINDOWS_PROXY_COMMANDS.wininet)]: { code: 1 }, [key(WINDOWS_PROXY_COMMANDS.winhttp)]: { code: 1 } }),
    );
    expect(settings.unreadable).toBeUndefined();
    expect(settings.effective).toBeNull();
    expect(evaluateProxy(settings, null).status).toBe('pass');
  });
});

describe('disk churn from the WMI raw counters (a class name, not a localised counter path)', () => {
  const sample = (t: number, disks: Array<[string, number]>) => ({
    disks: disks.map(([name, b]) => ({ name, bytes: String(b), t: String(t), f: '10000000' })),
  });

  it('computes MB/s per disk from the byte totals and the counter timestamps, leaving out _Total', () => {
    const json = JSON.stringify({
      samples: [
        sample(0, [
          ['0 C:', 0],
          ['1 F:', 1_000_000],
          ['_Total', 1_000_000],
        ]),
        sample(10_000_000, [
          ['0 C:', 5_000_000],
          ['1 F:', 1_000_000],
          ['_Total', 6_000_000],
        ]),
        sample(20_000_000, [
          ['0 C:', 5_000_000],
          ['1 F:', 21_000_000],
          ['_Total', 26_000_000],
        ]),
      ],
    });
    const parsed = parseWindowsChurnJson(json);
    expect(parsed).toMatchObject({
      elapsed: 2,
      samples: 2,
      series: [
        {
          disk: '0 C:',
          series: [
            { bytes: 5_000_000, rate: 5 },
            { bytes: 0, rate: 0 },
          ],
        },
        {
          disk: '1 F:',
          series: [
            { bytes: 0, rate: 0 },
            { bytes: 20_000_000, rate: 20 },
          ],
        },
      ],
    });
  });

  it('samples through PowerShell with the script, and says what it printed when it is not the JSON', async () => {
    let args: string[] = [];
    const run = async (a: string[]) => ((args = a), JSON.stringify({ samples: [sample(0, [['0 C:', 0]]), sample(10_000_000, [['0 C:', 54_000_000]])] }));
    const churn = await sampleChurn('/', 'windows', 1, [], undefined, run);
    expect(churn).toMatchObject({ samples: 1, vmAverageMBps: 54, disks: [{ disk: '0 C:', peakMBps: 54 }] });
    expect(Buffer.from(args.at(-1)!, 'base64').toString('utf16le')).toBe(windowsChurnScript(1));
    await expect(sampleChurn('/', 'windows', 1, [], undefined, async () => 'Get-CimInstance : Ungültige Klasse')).rejects.toThrow(
      /did not print the expected JSON/,
    );
  });
});
