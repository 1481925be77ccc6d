// The real Windows download under wine, against stand-ins for the Windows tools it spawns
// (test/windows-standins/standin.c, put first on the prefix's PATH): each stand-in prints a
// recorded output in the exact bytes a localized Windows writes (cp437 English, cp850 German and
// French, cp932 Japanese, cp936 Chinese), so spawning, decoding, parsing and judging are tested
// together. Fixtures and their sources: test/fixtures/windows/locale/ and test/fixtures/SOURCES.md.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAN_RUN_STANDINS, invocationKey, makeWinePrefix, type ExeResult, type StandinResponse, type WinePrefix } from '../helpers/wine';
import { fixture } from '../helpers/paths';
import { rootPem } from '../helpers/roots';
import { reportSchemaErrors } from '../helpers/schema';
import { CHCP_COMMAND } from '../../src/facts/windows/console-text';
import { ROOT_POLICY_KEY, STORE_KEYS, TRUST_STORE_COMMANDS } from '../../src/facts/windows/read-windows-trust-store';
import { W32TIME_COMMANDS } from '../../src/facts/windows/w32time';
import { WINDOWS_PROXY_COMMANDS } from '../../src/facts/proxy/read-proxy-settings';
import { FIPS_POLICY_KEY } from '../../src/facts/windows/fips';
import { STORAGE_ARGS } from '../../src/facts/windows/windows-storage';
import type { Report } from '../../src/report/report';

/** The five display languages, each with its console's OEM code page. */
const LANGUAGES = ['en', 'de', 'fr', 'ja', 'zh'] as const;
type Language = (typeof LANGUAGES)[number];
const CODE_PAGE: Record<Language, number> = { en: 437, de: 850, fr: 850, ja: 932, zh: 936 };

/**
 * A case whose verdict is wrong today because of a reader (not the harness): the test asserts
 * today's verdict and says what the right one is, so the fix makes it fail and it is then updated.
 */
interface KnownIssue {
  status: string;
  synchronized?: boolean | null;
  why: string;
}
const titled = (right: string, issue: KnownIssue | undefined) => (issue ? `should be ${right}, is ${issue.status} today (known issue: ${issue.why})` : right);

/** A recorded output of this language, as bytes (never decoded here). */
const localized = (language: Language, name: string) => readFileSync(fixture('windows', 'locale', language, name));

const chcp = (language: Language): StandinResponse => ({ program: CHCP_COMMAND.file, args: [...CHCP_COMMAND.args], stdout: localized(language, 'chcp.txt') });
/** reg's answer for a key or value that does not exist: exit 1, its localized message on stderr. */
const regNotFound = (language: Language, args: string[]): StandinResponse => ({
  program: 'reg',
  args,
  exit: 1,
  stderr: localized(language, 'reg-query.not-found.stderr.txt'),
});

// ---------------------------------------------------------------------------------------------
// Registry-based certificate stores: `reg query <store>\Certificates /s`, one subkey per
// certificate named by its SHA-1, the certificate in the REG_BINARY value Blob.

const derOf = (pem: string) => new X509Certificate(pem).raw;
const sha1Of = (pem: string) => new X509Certificate(pem).fingerprint.replace(/:/g, '');

/** A serialized certificate store element ([MS-OSHARED] 2.3.2.5.1): SHA-1 (0x03), friendly name (0x0B), certificate (0x20). */
function serializedElement(pem: string, friendlyName: string): Buffer {
  const prop = (id: number, data: Buffer) => {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(id, 0);
    head.writeUInt32LE(1, 4);
    head.writeUInt32LE(data.length, 8);
    return Buffer.concat([head, data]);
  };
  return Buffer.concat([prop(0x03, Buffer.from(sha1Of(pem), 'hex')), prop(0x0b, Buffer.from(`${friendlyName}\0`, 'utf16le')), prop(0x20, derOf(pem))]);
}

/** What `reg query <key> /s` prints for a store holding these certificates (ASCII in every language). */
function regStoreListing(key: string, certs: Array<{ pem: string; name: string }>): string {
  const full = key.replace(/^HKLM\\/, 'HKEY_LOCAL_MACHINE\\');
  const lines = ['', full];
  for (const c of certs)
    lines.push('', `${full}\\${sha1Of(c.pem)}`, `    Blob    REG_BINARY    ${serializedElement(c.pem, c.name).toString('hex').toUpperCase()}`);
  lines.push('', '');
  return lines.join('\r\n');
}

const ROOT = (id: string, name: string) => ({ pem: rootPem(id), name });
const G2 = ROOT('digicert-global-root-g2', 'DigiCert Global Root G2');
const OTHER_AZURE_ROOTS = [
  ROOT('digicert-global-root-g3', 'DigiCert Global Root G3'),
  ROOT('digicert-tls-rsa4096-root-g5', 'DigiCert TLS RSA4096 Root G5'),
  ROOT('digicert-tls-ecc-p384-root-g5', 'DigiCert TLS ECC P384 Root G5'),
  ROOT('microsoft-rsa-root-2017', 'Microsoft RSA Root Certificate Authority 2017'),
  ROOT('microsoft-ecc-root-2017', 'Microsoft ECC Root Certificate Authority 2017'),
];
/** Roots every Windows holds besides the Azure ones (a Root store is never empty). */
const LEGACY = [ROOT('digicert-global-root-ca', 'DigiCert'), ROOT('baltimore-cybertrust-root', 'DigiCert Baltimore Root')];

interface StoreCase {
  root: typeof LEGACY;
  disallowed: typeof LEGACY;
  /** DisableRootAutoUpdate under the AuthRoot policy key; undefined: the value does not exist. */
  disableRootAutoUpdate?: number;
}

/** The stand-in answers for the trust-store reader: the stores above, every optional store absent. */
function trustStoreResponses(language: Language, store: StoreCase): StandinResponse[] {
  const responses: StandinResponse[] = [chcp(language)];
  for (const s of STORE_KEYS) {
    const args = ['query', s.key, '/s'];
    const certs = s.physical === 'Root' ? store.root : s.physical === 'Disallowed' ? store.disallowed : [];
    if (s.physical === 'Root' || (s.physical === 'Disallowed' && certs.length > 0))
      responses.push({ program: 'reg', args, stdout: regStoreListing(s.key, certs) });
    else if (s.physical === 'AuthRoot') responses.push({ program: 'reg', args, stdout: regStoreListing(s.key, []) });
    else responses.push(regNotFound(language, args));
  }
  const policyArgs = ['query', ROOT_POLICY_KEY, '/v', 'DisableRootAutoUpdate'];
  if (store.disableRootAutoUpdate === undefined) responses.push(regNotFound(language, policyArgs));
  else {
    const full = ROOT_POLICY_KEY.replace(/^HKLM\\/, 'HKEY_LOCAL_MACHINE\\');
    responses.push({
      program: 'reg',
      args: policyArgs,
      stdout: `\r\n${full}\r\n    DisableRootAutoUpdate    REG_DWORD    0x${store.disableRootAutoUpdate.toString(16)}\r\n\r\n`,
    });
  }
  return responses;
}

const STORES: Record<string, { store: StoreCase; status: string; g2: string }> = {
  'G2 and the other Azure roots in Root': { store: { root: [...LEGACY, G2, ...OTHER_AZURE_ROOTS], disallowed: [] }, status: 'pass', g2: 'trusted' },
  'G2 absent, automatic root update on': { store: { root: [...LEGACY, ...OTHER_AZURE_ROOTS], disallowed: [] }, status: 'warn', g2: 'installs-on-demand' },
  'G2 absent, automatic root update off by policy': {
    store: { root: [...LEGACY, ...OTHER_AZURE_ROOTS], disallowed: [], disableRootAutoUpdate: 1 },
    status: 'fail',
    g2: 'missing',
  },
  'G2 in Root and in Disallowed': { store: { root: [...LEGACY, G2, ...OTHER_AZURE_ROOTS], disallowed: [G2] }, status: 'fail', g2: 'distrusted' },
};

// ---------------------------------------------------------------------------------------------
// time.sync: `sc query w32time` (service state), the W32Time client type from the registry, and
// `w32tm /query /status` (its labels localized, read by position).

const command = (c: { file: string; args: readonly string[] }) => ({ program: c.file, args: [...c.args] });
const W32TIME_TYPE_NTP = '\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters\r\n    Type    REG_SZ    NTP\r\n\r\n';
/** w32tm's exit code when the service is not running: the HRESULT 0x80070426 as a process exit code. */
const SERVICE_NOT_STARTED = 0x80070426 | 0;

interface TimeCase {
  language: Language;
  sc: string;
  w32tm: string;
  w32tmExit?: number;
  status: string;
  synchronized: boolean | null;
  /** The case does not give the right verdict yet: the test asserts today's verdict, so fixing the reader makes it fail and be updated. */
  knownIssue?: KnownIssue;
}

const TIME_CASES: TimeCase[] = [
  ...LANGUAGES.map((language): TimeCase => ({
    language,
    sc: 'sc-query-w32time.running.txt',
    w32tm: 'w32tm-query-status.synced.txt',
    status: 'pass',
    synchronized: true,
  })),
  { language: 'en', sc: 'sc-query-w32time.running.txt', w32tm: 'w32tm-query-status.local-cmos-clock.txt', status: 'warn', synchronized: false },
  {
    language: 'en',
    sc: 'sc-query-w32time.stopped.txt',
    w32tm: 'w32tm-query-status.service-not-started.txt',
    w32tmExit: SERVICE_NOT_STARTED,
    status: 'warn',
    synchronized: false,
  },
  // German sc labels (DIENSTNAME, STATUS): the stopped service must still be seen
  {
    language: 'de',
    sc: 'sc-query-w32time.stopped.txt',
    w32tm: 'w32tm-query-status.service-not-started.txt',
    w32tmExit: SERVICE_NOT_STARTED,
    status: 'warn',
    synchronized: false,
  },
];

function timeResponses(c: TimeCase): StandinResponse[] {
  return [
    chcp(c.language),
    { ...command(W32TIME_COMMANDS.service), stdout: localized(c.language, c.sc) },
    { ...command(W32TIME_COMMANDS.type), stdout: W32TIME_TYPE_NTP },
    { ...command(W32TIME_COMMANDS.status), stdout: localized(c.language, c.w32tm), exit: c.w32tmExit ?? 0 },
  ];
}

// ---------------------------------------------------------------------------------------------
// network.proxy: LocalSystem's WinINET settings (`reg query HKU\S-1-5-18\...\Internet Settings`)
// and WinHTTP's WinHttpSettings value, both from the registry.

/** The SYSTEM profile's Internet Settings, recorded on Server 2016 (no proxy), as reg prints it for HKU\S-1-5-18. */
const WININET_SYSTEM_PROFILE = readFileSync(fixture('windows', 'reg-query-hkcu-internet-settings.server2016-systemprofile.txt'), 'latin1')
  .replaceAll('HKEY_CURRENT_USER\\', 'HKEY_USERS\\S-1-5-18\\')
  .replace(/\r?\n/g, '\r\n');
/** WinHttpSettings as Windows writes it for "Direct access (no proxy server)" (the same bytes in every language). */
const WINHTTP_DIRECT = readFileSync(fixture('windows', 'locale', 'reg-query-winhttpsettings.direct-default.txt'));

/** The chassis asset tag every Azure VM carries (the agent's "is this Azure?" hint; network.proxy runs the probes, which ask). */
const AZURE_ASSET_TAG = {
  program: 'powershell',
  args: ['-NoProfile', '-NonInteractive', '-Command', '(Get-CimInstance -ClassName Win32_SystemEnclosure).SMBIOSAssetTag'],
  stdout: '7783-7084-3265-9085-8269-3286-77\r\n',
};

function proxyResponses(language: Language, wininetKeyExists: boolean): StandinResponse[] {
  return [
    // the endpoint probes network.proxy judges need the trust store, and ask whether this is Azure
    ...trustStoreResponses(language, STORES['G2 and the other Azure roots in Root']!.store),
    AZURE_ASSET_TAG,
    wininetKeyExists
      ? { ...command(WINDOWS_PROXY_COMMANDS.wininet), stdout: WININET_SYSTEM_PROFILE }
      : regNotFound(language, [...WINDOWS_PROXY_COMMANDS.wininet.args]),
    { ...command(WINDOWS_PROXY_COMMANDS.winhttp), stdout: WINHTTP_DIRECT },
  ];
}

// ---------------------------------------------------------------------------------------------
// os.fips: `reg query HKLM\SYSTEM\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy /v Enabled`.

const FIPS_ARGS = ['query', FIPS_POLICY_KEY, '/v', 'Enabled'];
/** Recorded on a Windows with the FIPS policy on (CRLF as written). */
const FIPS_ENABLED = readFileSync(fixture('windows', 'reg-query-hklm-lsa-fipsalgorithmpolicy-v-enabled.0x1.crlf.txt'));

interface FipsCase {
  language: Language;
  answer: 'enabled' | 'not set' | 'access denied';
  status: string;
  knownIssue?: KnownIssue;
}

const FIPS_CASES: FipsCase[] = [
  ...LANGUAGES.map((language): FipsCase => ({ language, answer: 'enabled', status: 'fail' })),
  ...LANGUAGES.map((language): FipsCase => ({ language, answer: 'not set', status: 'pass' })),
  // reg's message for both is localized: the reader lists the key itself to tell them apart.
  ...(['en', 'de', 'zh'] as const).map((language): FipsCase => ({ language, answer: 'access denied', status: 'skip' })),
];

/** `reg query <key>` (no /v) on a key without the Enabled value: hand-written, reg's own layout. */
const FIPS_KEY_WITHOUT_VALUE = Buffer.from(`\r\n${FIPS_POLICY_KEY.replace(/^HKLM/, 'HKEY_LOCAL_MACHINE')}\r\n\r\n`, 'latin1');

function fipsResponses(c: FipsCase): StandinResponse[] {
  if (c.answer === 'enabled') return [{ program: 'reg', args: FIPS_ARGS, stdout: FIPS_ENABLED }];
  if (c.answer === 'not set') return [regNotFound(c.language, FIPS_ARGS), { program: 'reg', args: ['query', FIPS_POLICY_KEY], stdout: FIPS_KEY_WITHOUT_VALUE }];
  const denied = localized(c.language, 'reg-query.access-denied.stderr.txt');
  return [
    { program: 'reg', args: FIPS_ARGS, exit: 1, stderr: denied },
    { program: 'reg', args: ['query', FIPS_POLICY_KEY], exit: 1, stderr: denied },
  ];
}

// ---------------------------------------------------------------------------------------------
// windows.services: `sc qc COMSysApp` and `sc qc VSS` (START_TYPE), read with the rest of the
// Windows guest facts. These commands are spelled out here: the guest reader exports no list yet.

const GUEST_REG_KEYS_ABSENT = [
  ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client'],
  ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server'],
  ['query', 'HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319'],
  ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending'],
  ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired'],
  ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager', '/v', 'PendingFileRenameOperations'],
];

interface ServicesCase {
  language: Language;
  vss: string;
  comSysApp: string;
  status: string;
  knownIssue?: KnownIssue;
}

const SERVICES_CASES: ServicesCase[] = [
  { language: 'en', vss: 'sc-qc-vss.demand-start.txt', comSysApp: 'sc-qc-comsysapp.demand-start.txt', status: 'pass' },
  { language: 'en', vss: 'sc-qc-vss.disabled.txt', comSysApp: 'sc-qc-comsysapp.demand-start.txt', status: 'fail' },
  // German sc prints STARTTYP (label reconstructed, see SOURCES.md): read by the number and its untranslated name.
  { language: 'de', vss: 'sc-qc-vss.disabled.txt', comSysApp: 'sc-qc-comsysapp.demand-start.txt', status: 'fail' },
  // French labels reconstructed (cp850, with an É); Japanese and Chinese sc keep English labels, read under cp932/cp936.
  ...(['fr', 'ja', 'zh'] as const).map((language): ServicesCase => ({
    language,
    vss: 'sc-qc-vss.disabled.txt',
    comSysApp: 'sc-qc-comsysapp.demand-start.txt',
    status: 'fail',
  })),
];

function servicesResponses(c: ServicesCase): StandinResponse[] {
  return [
    chcp(c.language),
    {
      program: 'reg',
      args: ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'],
      stdout: readFileSync(fixture('windows', 'reg-query-hklm-windows-nt-currentversion.t-reg_sz.win10-enterprise-22h2.txt')),
    },
    // no update list (wmic and Get-HotFix both fail): windows.services does not need it
    { program: 'wmic', args: ['qfe', 'get', 'HotFixID'], exit: 1 },
    { program: 'powershell', args: ['-NoProfile', '-NonInteractive', '-Command', 'Get-HotFix | Select-Object -ExpandProperty HotFixID'], exit: 1 },
    { program: 'sc', args: ['qc', 'COMSysApp'], stdout: localized(c.language, c.comSysApp) },
    { program: 'sc', args: ['qc', 'VSS'], stdout: localized(c.language, c.vss) },
    ...GUEST_REG_KEYS_ABSENT.map((args) => regNotFound(c.language, args)),
    // the storage layout, read alongside: not judged here
    { program: 'powershell', args: [...STORAGE_ARGS], exit: 1 },
  ];
}

// ---------------------------------------------------------------------------------------------

/** A wine run costs seconds and, five at a time, can stall under load: one retry before a case fails (a reader that is wrong fails both). */
const CASE_OPTIONS = { timeout: 120_000, retry: 1 };

/** The report of one run: exit 0/1, valid against the schema, and every spawn answered by a recorded output. */
function reportOf(result: ExeResult, responses: StandinResponse[]): Report {
  expect(result.stderr).not.toMatch(/standin:/);
  const known = new Set(responses.map((r) => invocationKey(r.program, r.args)));
  expect(
    result.invocations.filter((i) => !known.has(i)),
    'invocations without a recorded answer',
  ).toEqual([]);
  expect([0, 1], result.stderr).toContain(result.status);
  const report = JSON.parse(result.stdout) as Report;
  expect(reportSchemaErrors(report)).toEqual([]);
  return report;
}

const finding = (report: Report, checkId: string) => {
  const found = report.findings.filter((f) => f.checkId === checkId);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe.skipIf(!CAN_RUN_STANDINS)('the Windows download under wine, with stand-in tools answering in five languages', () => {
  let wine: WinePrefix;
  beforeAll(() => {
    wine = makeWinePrefix();
  }, 180_000);
  afterAll(() => wine?.close());

  it("the stand-ins win over wine's own reg.exe: an unknown invocation is logged and exits 9009", async () => {
    const result = await wine.runExe(['check', '--json', '--checks', 'trust.azure-roots'], []);
    expect(result.invocations).toEqual(expect.arrayContaining(TRUST_STORE_COMMANDS.map((c) => invocationKey(c.file, c.args))));
    const report = JSON.parse(result.stdout) as Report;
    // nothing answered: the store was not read, and the report says so rather than judging an empty store
    const f = finding(report, 'trust.azure-roots');
    expect(f.status).not.toBe('pass');
    expect(JSON.stringify(f)).toContain('exited with 9009');
  }, 120_000);

  describe.concurrent('trust.azure-roots from the registry-based stores', () => {
    for (const [name, { store, status, g2 }] of Object.entries(STORES)) {
      for (const language of LANGUAGES) {
        it(`${name} (${language}, code page ${CODE_PAGE[language]}): ${status}, G2 ${g2}`, CASE_OPTIONS, async () => {
          const responses = trustStoreResponses(language, store);
          const result = await wine.runExe(['check', '--json', '--checks', 'trust.azure-roots'], responses);
          const f = finding(reportOf(result, responses), 'trust.azure-roots');
          const roots = (f.evidence as { roots: Array<{ id: string; state: string }> }).roots;
          expect({ status: f.status, g2: roots.find((r) => r.id === 'digicert-global-root-g2')?.state }, JSON.stringify(f.evidence).slice(0, 4000)).toEqual({
            status,
            g2,
          });
          // every registry command of the reader ran, and chcp for the code page
          expect(new Set(result.invocations)).toEqual(
            new Set([invocationKey(CHCP_COMMAND.file, [...CHCP_COMMAND.args]), ...TRUST_STORE_COMMANDS.map((c) => invocationKey(c.file, c.args))]),
          );
        });
      }
    }
  });

  describe.concurrent('time.sync from the W32Time service, its client type and w32tm /query /status', () => {
    for (const c of TIME_CASES) {
      it(
        `${c.language} (code page ${CODE_PAGE[c.language]}), ${c.sc.replace(/\.txt$/, '')}, ${c.w32tm.replace(/\.txt$/, '')}: ${titled(c.status, c.knownIssue)}`,
        CASE_OPTIONS,
        async () => {
          const responses = timeResponses(c);
          const result = await wine.runExe(['check', '--json', '--checks', 'time.sync'], responses);
          const f = finding(reportOf(result, responses), 'time.sync');
          const expected = c.knownIssue
            ? { status: c.knownIssue.status, synchronized: c.knownIssue.synchronized }
            : { status: c.status, synchronized: c.synchronized };
          expect({ status: f.status, synchronized: (f.evidence as { synchronized: boolean | null }).synchronized }, JSON.stringify(f.evidence)).toEqual(
            expected,
          );
        },
      );
    }
  });

  describe.concurrent('os.fips from the FIPS algorithm policy in the registry', () => {
    for (const c of FIPS_CASES) {
      it(`${c.language} (code page ${CODE_PAGE[c.language]}), policy ${c.answer}: ${titled(c.status, c.knownIssue)}`, CASE_OPTIONS, async () => {
        const responses = fipsResponses(c);
        const result = await wine.runExe(['check', '--json', '--checks', 'os.fips'], responses);
        const f = finding(reportOf(result, responses), 'os.fips');
        expect(f.status, JSON.stringify(f.evidence)).toBe(c.knownIssue?.status ?? c.status);
      });
    }
  });

  describe.concurrent('windows.services from sc qc', () => {
    for (const c of SERVICES_CASES) {
      it(`${c.language} (code page ${CODE_PAGE[c.language]}), ${c.vss.replace(/\.txt$/, '')}: ${titled(c.status, c.knownIssue)}`, CASE_OPTIONS, async () => {
        const responses = servicesResponses(c);
        const result = await wine.runExe(['check', '--json', '--checks', 'windows.services'], responses);
        const f = finding(reportOf(result, responses), 'windows.services');
        expect(f.status, JSON.stringify(f.evidence)).toBe(c.knownIssue?.status ?? c.status);
      });
    }
  });

  describe.concurrent('network.proxy from the registry (WinINET of LocalSystem, WinHttpSettings)', () => {
    for (const language of LANGUAGES) {
      const wininetKeyExists = language === 'en' || language === 'de' || language === 'fr';
      it(
        `${language} (code page ${CODE_PAGE[language]}), WinINET key ${wininetKeyExists ? 'without a proxy' : 'absent'}, WinHTTP direct: pass, no proxy`,
        CASE_OPTIONS,
        async () => {
          const responses = proxyResponses(language, wininetKeyExists);
          const result = await wine.runExe(['check', '--json', '--checks', 'network.proxy'], responses);
          const f = finding(reportOf(result, responses), 'network.proxy');
          expect({ status: f.status, effective: (f.evidence as { effective: unknown }).effective }, JSON.stringify(f.evidence)).toEqual({
            status: 'pass',
            effective: null,
          });
        },
      );
    }
  });
});
