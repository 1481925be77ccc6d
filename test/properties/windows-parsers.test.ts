// Parsers of Windows tool output (src/facts/windows/reg-query.ts, certutil-store.ts, the w32tm
// "Source:" line in src/facts/time-sync.ts, and the storage JSON of windows-storage-parse.ts; and
// the locale-independent readers of issue 16: registry certificate stores, WinHttpSettings, w32tm by
// position, sc query state, chcp, console decoding, the churn JSON): never throw, give exactly what the patterns they
// replaced gave (those patterns are kept here as the reference, on inputs small enough for them),
// and run in linear time on the inputs that made those patterns quadratic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchValueLine, parseRegQuery } from '../../src/facts/windows/reg-query';
import { isCertHeader, parseCertutilStore } from '../../src/facts/windows/certutil-store';
import { parseW32tmStatus, w32tmSource } from '../../src/facts/time-sync';
import { isJsWhitespace, isLineTerminator } from '../../src/facts/text-chars';
import { parseWindowsStorageJson, MAX_ENTRIES } from '../../src/facts/windows/windows-storage-parse';
import { anyText, expectLinear, repeatTo, textOf } from './linear';
import { decodeConsoleBytes, parseChcp } from '../../src/facts/windows/console-text';
import { parseRegistryCertificates, parseSerializedElement, MAX_STORE_ENTRIES } from '../../src/facts/windows/registry-cert-store';
import { parseWinHttpSettingsBlob, winHttpSettingsFromRegQuery } from '../../src/facts/windows/proxy-settings-parsers';
import { judgeWindowsTime, parseScQueryState, parseW32tmStatusPositional } from '../../src/facts/windows/w32time';
import { parseWindowsChurnJson } from '../../src/facts/churn';

// The replaced patterns: the reference for "without changing results".
const OLD_VALUE_LINE = /^ {2,}(\S(?:.*?\S)?) {2,}(REG_[A-Z_]+)(?: {2,}(.*))?$/;
const OLD_CERT_HEADER = /^=+ *\S.*?\d+ *=+\s*$/;
const OLD_SOURCE = /^Source:\s*(.+?)\s*$/m;

const oldValueLine = (line: string) => {
  const m = OLD_VALUE_LINE.exec(line);
  return m ? { name: m[1]!, type: m[2]!, value: (m[3] ?? '').trim() } : null;
};

const REG_FRAGMENTS = [
  '  ',
  '    ',
  ' ',
  'REG_',
  'REG_SZ',
  'REG_DWORD',
  'REG_',
  '_',
  'A',
  'x',
  '0x1',
  '\t',
  '\r',
  '\u2028',
  '\u00a0',
  'Name',
  '  REG_SZ  ',
  'HKEY_LOCAL_MACHINE\\X',
];
const CERT_FRAGMENTS = ['=', '====', ' ', '  ', '0', '1', '42', 'Certificate', 'a', '\r', '\u2028', '\t', '\u00a0', '= ', ' ='];
const SOURCE_FRAGMENTS = [
  'Source:',
  'Source: ',
  'Local CMOS Clock',
  'time.windows.com',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\u00a0',
  'x',
  'Leap Indicator: 0',
  'Leap Indicator: 3',
];

/** Lines as parseRegQuery feeds them to the matcher: tabs already widened. */
const regLine = fc.oneof(textOf(REG_FRAGMENTS, 12), fc.string({ unit: 'binary', maxLength: 40 })).map((l) => l.replace(/\t/g, '    '));

describe('Windows tool-output parsers', () => {
  it('never throw on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf([...REG_FRAGMENTS, ...CERT_FRAGMENTS, ...SOURCE_FRAGMENTS, '\n', '(sha1): ', 'a'.repeat(40)], 60)), (text) => {
        for (const v of parseRegQuery(text)) expect(v.type).toMatch(/^REG_[A-Z_]+$/);
        for (const e of parseCertutilStore(text)) expect(e.sha1).toMatch(/^[0-9A-F]{40}$/);
        const w32 = parseW32tmStatus(text);
        expect([true, false, null]).toContain(w32.synchronized);
      }),
      { numRuns: 1000 },
    );
  });

  it('the character classes are JavaScript\'s "\\s" and line terminators, for every UTF-16 code unit', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const ch = String.fromCharCode(code);
      expect(isJsWhitespace(code), `U+${code.toString(16)}`).toBe(/\s/.test(ch));
      expect(isLineTerminator(code), `U+${code.toString(16)}`).toBe(!/./.test(ch));
    }
  });

  it('reg query value lines: the same name, type and data as the pattern they replace', () => {
    fc.assert(
      fc.property(regLine, (line) => {
        expect(matchValueLine(line)).toEqual(oldValueLine(line));
      }),
      { numRuns: 5000 },
    );
    for (const line of [
      '    A  REG_SZ  B  REG_SZ',
      '  A  REG_SZ  B  REG_SZ\r',
      '  A  REG_SZ',
      '  AB  REG_DWORD    0x1  ',
      '  A\u2028B  REG_SZ  x',
      '   \u00a0A  REG_SZ',
      '  A  REG_  x',
      '  A  REG_SZx',
    ]) {
      expect(matchValueLine(line), JSON.stringify(line)).toEqual(oldValueLine(line));
    }
  });

  it('certutil certificate headers: accepted exactly when the pattern they replace accepted them', () => {
    const line = fc.oneof(textOf(CERT_FRAGMENTS, 12), fc.string({ unit: 'binary', maxLength: 30 }));
    fc.assert(
      fc.property(line, (l) => {
        expect(isCertHeader(l)).toBe(OLD_CERT_HEADER.test(l));
      }),
      { numRuns: 5000 },
    );
    for (const l of [
      '================ Certificate 0 ================',
      '================ Zertifikat 12 ================',
      '==1==',
      '=1=',
      '=====',
      '= 1 =',
      '=a1=',
      '==\r1=',
      '=a\r1=',
      '= \u2028 1 =',
      '=x 7 = \t ',
    ]) {
      expect(isCertHeader(l), JSON.stringify(l)).toBe(OLD_CERT_HEADER.test(l));
    }
  });

  it('w32tm "Source:": the same value as the pattern it replaces', () => {
    fc.assert(
      fc.property(textOf(SOURCE_FRAGMENTS, 16), (text) => {
        expect(w32tmSource(text)).toBe(OLD_SOURCE.exec(text)?.[1] ?? null);
      }),
      { numRuns: 5000 },
    );
    for (const text of [
      'Source: time.windows.com,0x9  \r\n',
      'Source:\n\nnext line\n',
      'Source:  \n',
      'Source:\n',
      'xSource: a\nSource: b',
      'Source:\u2028 \u00a0',
      'Leap Indicator: 0\r\nSource: VM IC Time Synchronization Provider\r\n',
    ]) {
      expect(w32tmSource(text), JSON.stringify(text)).toBe(OLD_SOURCE.exec(text)?.[1] ?? null);
    }
  });

  it.each([
    ['"  REG_SZ  B" pieces with a line terminator at the end', (n: number) => repeatTo('  REG_SZ  B', n, '  A', '\r')],
    ['long type names that never end well', (n: number) => repeatTo('  REG_ABCDEFGH', n, '  A', 'x')],
    ['single blanks between name characters', (n: number) => repeatTo('a ', n, '  ')],
    ['many value lines', (n: number) => repeatTo('    Name    REG_SZ    value\r\n', n)],
  ])('reg query is linear: %s', (name, build) => {
    expectLinear(name, parseRegQuery, build);
  });

  it.each([
    ['a long run of digits in a header', (n: number) => repeatTo('1', n, '=a', 'x')],
    ['digits and blanks', (n: number) => repeatTo('1 ', n, '= a', '=x')],
    ['"=1" repeated', (n: number) => repeatTo('=1', n)],
    [
      'many certificates',
      (n: number) =>
        repeatTo('================ Certificate 0 ================\r\nSubject: CN=X\r\nCert Hash(sha1): df3c24f9bfd666761b268073fe06d1cc8d4f82a4\r\n', n),
    ],
  ])('certutil is linear: %s', (name, build) => {
    expectLinear(name, parseCertutilStore, build);
  });

  it.each([
    ['a value with a long run of blanks', (n: number) => repeatTo(' ', n, 'Leap Indicator: 0\nSource: a', 'b')],
    ['blanks and tabs, then a value', (n: number) => repeatTo(' \t', n, 'Source: x', 'y\n')],
    ['"Source:" not at a line start', (n: number) => repeatTo('xSource:', n)],
    ['"Source:" lines', (n: number) => repeatTo('Source:  \n', n)],
  ])('w32tm is linear: %s', (name, build) => {
    expectLinear(name, parseW32tmStatus, build);
  });

  const STORAGE_FRAGMENTS = [
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '"disks"',
    '"volumes"',
    '"partitions"',
    '"pools"',
    '"DriveLetter"',
    '"BusType"',
    '"Size"',
    '"FileSystem"',
    '"C"',
    '67',
    '17',
    '-1',
    '1e309',
    'null',
    'true',
    '"\\u0000"',
    '\uFEFF',
    ' ',
  ];
  const storageDoc = fc.record(
    {
      psVersion: fc.oneof(fc.string(), fc.constant(null)),
      disks: fc.oneof(
        fc.array(
          fc.dictionary(fc.constantFrom('Number', 'Size', 'BusType', 'PartitionStyle', 'IsBoot', 'FriendlyName', 'Location'), fc.jsonValue({ maxDepth: 2 })),
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      partitions: fc.array(fc.dictionary(fc.constantFrom('DiskNumber', 'GptType', 'MbrType', 'DriveLetter', 'AccessPaths'), fc.jsonValue({ maxDepth: 2 }))),
      volumes: fc.oneof(
        fc.array(fc.dictionary(fc.constantFrom('DriveLetter', 'FileSystem', 'DriveType', 'Size', 'Path', 'FileSystemLabel'), fc.jsonValue({ maxDepth: 2 }))),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      temporaryDriveLetters: fc.jsonValue({ maxDepth: 2 }),
      disksError: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  );

  it('storage JSON: never throws; gives a problem or well-formed facts, on any text and any JSON', () => {
    const check = (text: string) => {
      const parsed = parseWindowsStorageJson(text);
      if ('problem' in parsed) {
        expect(typeof parsed.problem).toBe('string');
        expect(parsed.problem.length).toBeLessThan(1200);
        return;
      }
      for (const d of parsed.disks) {
        expect(d.sizeBytes === null || (Number.isFinite(d.sizeBytes) && d.sizeBytes >= 0)).toBe(true);
        expect([null, 'RAW', 'MBR', 'GPT']).toContain(d.partitionStyle);
        expect(typeof d.isBoot).toBe('boolean');
      }
      for (const v of [...parsed.volumes, ...parsed.partitions]) expect(v.driveLetter === null || /^[A-Z]$/.test(v.driveLetter)).toBe(true);
      for (const l of parsed.temporaryDriveLetters) expect(l).toMatch(/^[A-Z]$/);
      expect(parsed.disks.length).toBeLessThanOrEqual(MAX_ENTRIES);
    };
    fc.assert(fc.property(fc.oneof(anyText, textOf(STORAGE_FRAGMENTS, 80)), check), { numRuns: 2000 });
    fc.assert(
      fc.property(storageDoc, (doc) => check(JSON.stringify(doc))),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => check(JSON.stringify(doc))),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['many volumes', (n: number) => `{"volumes":[${repeatTo('{"DriveLetter":"C","FileSystem":"NTFS","DriveType":3,"Size":1},', n)}{}]}`],
    ['many partitions with access paths', (n: number) => `{"partitions":[${repeatTo('{"DiskNumber":0,"AccessPaths":["C:\\\\","x"],"GptType":"{A}"},', n)}{}]}`],
    ['one huge string value', (n: number) => `{"disks":[{"FriendlyName":"${repeatTo('a', n)}"}]}`],
    ['unclosed nesting', (n: number) => repeatTo('[', n)],
    ['garbage that is not JSON', (n: number) => repeatTo('Get-CimInstance : Access denied\r\n', n)],
  ])('storage JSON is linear: %s', (name, build) => {
    expectLinear(name, parseWindowsStorageJson, build);
  });

  const LOCALE_FRAGMENTS = [
    'HKEY_LOCAL_MACHINE\\X\\Certificates',
    '\\' + 'A'.repeat(40),
    '\r\n',
    '\n',
    '    Blob    REG_BINARY    ',
    '2000000001000000',
    '0300000001000000',
    '14000000',
    'FF',
    '00',
    'ZZ',
    '    WinHttpSettings    REG_BINARY    ',
    '1800000000000000010000000000000000000000',
    ': ',
    '：',
    ' : ',
    '0',
    '3',
    '16',
    '0x4C4F434C',
    'STATE',
    'STATUS',
    '  : 4  RUNNING',
    ': 1  STOPPED',
    'Leap Indicator',
    '閏インジケーター',
    'Sprungindikator',
    '\u00a0',
    'Aktive Codepage: 850.',
    '932',
    '{"samples":[',
    '{"disks":[{"name":"0 C:","bytes":"1","t":"1","f":"1"}]}',
    ']}',
    ',',
  ];

  it('locale-independent readers: never throw; well-formed results or a problem, on any text and any bytes', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(LOCALE_FRAGMENTS, 60)), (text) => {
        const store = parseRegistryCertificates(text);
        for (const e of store.entries) expect(e.sha1).toMatch(/^[0-9A-F]{40}$/);
        expect(store.entries.length).toBeLessThanOrEqual(MAX_STORE_ENTRIES);
        expect(store.unrecognised.length).toBeLessThanOrEqual(5);
        const wh = winHttpSettingsFromRegQuery(text);
        if (!('problem' in wh)) {
          const parsed = parseWinHttpSettingsBlob(wh);
          if (!('problem' in parsed)) expect(parsed.direct === (parsed.server === null)).toBe(true);
        }
        const status = parseW32tmStatusPositional(text);
        if (status) {
          expect(status.leapIndicator).toBeLessThanOrEqual(3);
          expect(status.stratum).toBeLessThan(100);
        }
        const state = parseScQueryState(text);
        expect(state === null || (state >= 1 && state <= 7)).toBe(true);
        const cp = parseChcp(text);
        expect(cp === null || (cp > 0 && cp < 65536)).toBe(true);
        const verdict = judgeWindowsTime({ service: { text, code: 0 }, type: { text, code: 0 }, status: { text, code: 0 } });
        expect(verdict.synchronized !== null || verdict.problem !== null).toBe(true);
        const churn = parseWindowsChurnJson(text);
        if (!('problem' in churn)) for (const d of churn.series) for (const x of d.series) expect(Number.isFinite(x.rate) && x.rate >= 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(437, 850, 852, 866, 932, 936, 949, 950, 1252, 65001, 12345, null), (bytes, cp) => {
        const out = decodeConsoleBytes(bytes, cp);
        if (cp !== null && [437, 850, 852, 866, 12345].includes(cp) && !(bytes[0] === 0xff && bytes[1] === 0xfe)) expect(out.length).toBe(bytes.length); // one character per byte
        const props = parseSerializedElement(bytes);
        if (props) for (const p of props) expect(p.data.length).toBeLessThanOrEqual(bytes.length);
        const wh = parseWinHttpSettingsBlob(bytes);
        expect('problem' in wh || typeof wh.direct === 'boolean').toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  const blobLine = (n: number) => `HKEY_LOCAL_MACHINE\\X\\Certificates\\${'A'.repeat(40)}\r\n    Blob    REG_BINARY    ${repeatTo('00', n)}\r\n`;
  it.each([
    ['many certificate keys', (n: number) => repeatTo(`HKEY_LOCAL_MACHINE\\X\\Certificates\\${'B'.repeat(40)}\r\n`, n)],
    ['one huge Blob', blobLine],
    ['unrecognised lines', (n: number) => repeatTo('Zugriff verweigert\r\n', n)],
    ['long value lines', (n: number) => repeatTo('  A  REG_SZ  B  REG_SZ', n)],
  ])('registry store listing is linear: %s', (name, build) => {
    expectLinear(name, parseRegistryCertificates, build);
  });

  it.each([
    ['blank lines before the fields', (n: number) => repeatTo('\r\n', n, '', 'Leap Indicator: 0\nStratum: 3\n')],
    ['one huge first line', (n: number) => repeatTo('9', n, 'Leap Indicator: ')],
    ['colons and blanks', (n: number) => repeatTo(': ', n)],
  ])('w32tm by position and sc state are linear: %s', (name, build) => {
    expectLinear(name, (t: string) => (parseW32tmStatusPositional(t), parseScQueryState(t), parseChcp(t)), build);
  });

  it.each([
    ['cp850 bytes above 0x7F', (n: number) => repeatTo('\u00ff', n)],
    ['cp850 mixed', (n: number) => repeatTo('a\u0082', n)],
  ])('console decoding is linear: %s', (name, build) => {
    expectLinear(name, (t: string) => decodeConsoleBytes(Buffer.from(t, 'latin1'), 850), build);
  });

  it('WinHttpSettings and serialized elements are linear in the value', () => {
    expectLinear(
      'many zero-length properties',
      (t: string) => parseSerializedElement(Buffer.from(t, 'latin1')),
      (n: number) => repeatTo('\u0003\u0000\u0000\u0000\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000', n),
    );
    expectLinear(
      'a long proxy string',
      (t: string) => parseWinHttpSettingsBlob(Buffer.from(t, 'latin1')),
      (n: number) => `\u0028\0\0\0\0\0\0\0\u0003\0\0\0\u00ff\u00ff\0\0${repeatTo('p', n)}`,
    );
  });
});
