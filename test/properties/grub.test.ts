// GRUB command lines, /etc/default/grub, grub.cfg, menu.lst and BLS entries
// (src/facts/linux/grub.ts): never throws, evidence bounded, linear on hostile repetitions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blsVariableUses, MAX_PARAMS_PER_FILE, MAX_PARAMS_PER_LINE, parseGrubenv, parseKernelParams, type GrubVariable } from '../../src/facts/linux/grub';
import { isDeviceName } from '../../src/checks/helpers/device-name';
import { EVIDENCE_MAX_CHARS } from '../../src/core/text-bounds';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const FRAGMENTS = [
  'linux ',
  'linuxefi ',
  'kernel ',
  'options ',
  'GRUB_CMDLINE_LINUX="',
  'GRUB_CMDLINE_LINUX_DEFAULT=',
  'kernelopts=',
  'set kernelopts=',
  'root=',
  'resume=',
  'rd.lvm.lv=',
  'rd_LVM_LV=',
  '/dev/sda1',
  'UUID=1234',
  '"',
  "'",
  ' ',
  '\t',
  '\n',
  '\r\n',
  '#',
  '\u001b[31m',
];
const MAX_QUOTED = EVIDENCE_MAX_CHARS + 40;
// Matching control characters is the point: values reach summaries and remediation steps.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('GRUB kernel parameter parser', () => {
  it('never throws; every parameter is a known key, on a real line, with capped evidence', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(FRAGMENTS, 80)), (text) => {
        const lineCount = text.split(/\r?\n/).length;
        for (const p of parseKernelParams(text, '/boot/grub2/grub.cfg')) {
          expect(['root', 'resume', 'rd.lvm.lv', 'rd_LVM_LV']).toContain(p.key);
          expect(p.lineNumber).toBeGreaterThanOrEqual(1);
          expect(p.lineNumber).toBeLessThanOrEqual(lineCount);
          expect(p.line.length).toBeLessThanOrEqual(MAX_QUOTED);
          expect(p.value.length).toBeLessThanOrEqual(MAX_QUOTED);
          // Values reach summaries and remediation steps: never a control character (a newline would add a step).
          expect(p.value).not.toMatch(CONTROL);
          expect(p.value).not.toBe('');
        }
      }),
      { numRuns: 1000 },
    );
  });

  const DIALECT_PATHS = [
    '/boot/grub2/grub.cfg',
    '/etc/default/grub',
    '/etc/default/grub.d/40.cfg',
    '/boot/grub/menu.lst',
    '/boot/grub2/grubenv',
    '/boot/loader/entries/a.conf',
  ];
  const MORE = [
    ...FRAGMENTS,
    '\\\n',
    '\\',
    '$kernelopts',
    '${kernelopts}',
    '${',
    '$',
    ';',
    '{',
    '}',
    'module2 ',
    'export ',
    'GRUB_CMDLINE_LINUX=',
    'kernelopts=root=/dev/sda2 ',
    "'",
  ];
  const VARIABLES = new Map<string, GrubVariable>([
    ['kernelopts', { value: 'root=/dev/sda2 ro "resume=/dev/sdb1"', path: '/boot/grub2/grubenv', lineNumber: 2 }],
  ]);

  it('every dialect: never throws; parameters on real lines, values without control characters; grubenv and BLS readers too', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DIALECT_PATHS), fc.oneof(anyText, textOf(MORE, 80)), (path, text) => {
        const lineCount = text.split('\n').length;
        const notes: string[] = [];
        for (const p of parseKernelParams(text, path, notes, { variables: VARIABLES, argVariables: new Set(['x']) })) {
          expect(p.lineNumber).toBeGreaterThanOrEqual(1);
          expect(p.lineNumber).toBeLessThanOrEqual(lineCount);
          expect(p.value).not.toMatch(CONTROL);
          expect(p.value.length).toBeLessThanOrEqual(MAX_QUOTED);
          if (p.via) expect(p.via).toEqual({ variable: 'kernelopts', path: '/boot/grub2/grubenv', lineNumber: 2 });
        }
        for (const n of notes) expect(n).not.toContain('\n');
        for (const [name, v] of parseGrubenv(text, path)) {
          expect(name).not.toContain('=');
          expect(v.lineNumber).toBeLessThanOrEqual(lineCount);
        }
        for (const [name] of blsVariableUses(text, path)) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      }),
      { numRuns: 1000 },
    );
  });

  it('a device name is found whatever the quoting around it, in every dialect that carries it', () => {
    const quoteForms = (v: string) => [v, `"${v}"`, `'${v}'`];
    fc.assert(
      fc.property(fc.constantFrom('sda1', 'sdb2', 'nvme0n1p2', 'xvda1'), fc.constantFrom(0, 1, 2), (dev, q) => {
        const value = quoteForms(`/dev/${dev}`)[q]!;
        const found = [
          parseKernelParams(`linux /vmlinuz root=${value} ro\n`, '/boot/grub2/grub.cfg'),
          parseKernelParams(`GRUB_CMDLINE_LINUX="resume=${q === 1 ? `/dev/${dev}` : value}"\n`, '/etc/default/grub'),
          q === 1 ? parseKernelParams(`kernelopts=root=${value}\n`, '/boot/grub2/grubenv') : [],
        ].flat();
        for (const p of found) expect(isDeviceName(p.value)).toBe(true);
        expect(found.length).toBeGreaterThanOrEqual(2);
      }),
    );
  });

  it('keeps one capped copy of a huge line, and at most a bounded number of parameters', () => {
    const line = `GRUB_CMDLINE_LINUX="${'root=/dev/sda1 '.repeat(100_000)}"`;
    const params = parseKernelParams(line, '/etc/default/grub');
    expect(params).toHaveLength(MAX_PARAMS_PER_LINE);
    expect(new Set(params.map((p) => p.line)).size).toBe(1);
    expect(params[0]!.line).toBe(`${line.slice(0, EVIDENCE_MAX_CHARS)}…[truncated, ${(line.length - EVIDENCE_MAX_CHARS).toLocaleString('en-US')} more bytes]`);
    expect(parseKernelParams(repeatTo('linux /vmlinuz root=/dev/sda1\n', 1 << 20), 'grub.cfg')).toHaveLength(MAX_PARAMS_PER_FILE);
  });

  it.each([
    ['one huge GRUB_CMDLINE_LINUX line of root= parameters', (n: number) => repeatTo('root=/dev/sda1 ', n, 'GRUB_CMDLINE_LINUX="', '"')],
    ['one huge value', (n: number) => repeatTo('a', n, 'linux /vmlinuz root=/dev/sd')],
    ['blanks after a keyword', (n: number) => repeatTo(' ', n, 'linux', 'x')],
    ['blanks before nothing', (n: number) => ' '.repeat(n)],
    ['quotes', (n: number) => repeatTo('"\'', n, 'kernel ')],
    ['"root" without "="', (n: number) => repeatTo(' root', n, 'linux')],
    ['"# " repeated', (n: number) => repeatTo('# ', n)],
    ['"set" and blanks', (n: number) => repeatTo('set ', n)],
    ['many short lines', (n: number) => repeatTo('options root=UUID=1\n', n)],
    ['an ESC-laden line', (n: number) => repeatTo('\u001b[2J', n, 'linux root=/dev/sda1 ')],
  ])('is linear: %s', (name, build) => {
    expectLinear(name, (t) => parseKernelParams(t, '/etc/default/grub'), build);
  });

  it.each([
    ['a quote never closed, then many lines', '/boot/grub2/grub.cfg', (n: number) => repeatTo('linux /v root=/dev/sda1\n', n, 'set a="')],
    ['single quotes on one huge line', '/boot/grub2/grub.cfg', (n: number) => repeatTo("'a' ", n, 'linux ')],
    ['a single quote per line', '/boot/grub2/grub.cfg', (n: number) => repeatTo("linux 'x\n", n)],
    ['backslash-newline continuations', '/etc/default/grub', (n: number) => repeatTo('\\\n', n, 'GRUB_CMDLINE_LINUX="', '"')],
    ['quoted newlines in one word', '/etc/default/grub', (n: number) => repeatTo('root=/dev/sda1\n', n, 'GRUB_CMDLINE_LINUX="', '"')],
    ['"${" never closed', '/boot/loader/entries/a.conf', (n: number) => repeatTo('${', n, 'options ')],
    ['"${kernelopts" without "}"', '/boot/loader/entries/a.conf', (n: number) => repeatTo('${kernelopts', n, 'options ')],
    ['$kernelopts repeated', '/boot/loader/entries/a.conf', (n: number) => repeatTo('$kernelopts', n, 'options ')],
    ['many BLS options lines', '/boot/loader/entries/a.conf', (n: number) => repeatTo('options $kernelopts root=UUID=1\n', n)],
    ['a huge grubenv value', '/boot/grub2/grubenv', (n: number) => repeatTo('root=/dev/sda1 ', n, 'kernelopts=')],
    ['grubenv backslashes', '/boot/grub2/grubenv', (n: number) => repeatTo('\\\\', n, 'kernelopts=')],
    ['grubenv padding', '/boot/grub2/grubenv', (n: number) => repeatTo('#', n, '# GRUB Environment Block\nkernelopts=root=/dev/sda1\n')],
    ['semicolons', '/boot/grub2/grub.cfg', (n: number) => repeatTo(';', n, 'linux ')],
    ['braces', '/boot/grub2/grub.cfg', (n: number) => repeatTo('{ } ', n)],
    ['one huge menu.lst kernel line', '/boot/grub/menu.lst', (n: number) => repeatTo('root=/dev/sda1 ', n, 'kernel /vmlinuz ')],
    ['one huge quoted kernel argument', '/boot/grub2/grub.cfg', (n: number) => repeatTo('a b ', n, 'linux /v "root=', '"')],
  ])('is linear: %s (%s)', (name, path, build) => {
    expectLinear(name, (t) => parseKernelParams(t, path, [], { variables: VARIABLES, argVariables: new Set(['kernelopts']) }), build);
  });

  it.each([
    ['grubenv: one huge line', (n: number) => repeatTo('a', n, 'x=')],
    ['grubenv: many names', (n: number) => repeatTo('a=1\n', n)],
  ])('parseGrubenv is linear: %s', (name, build) => {
    expectLinear(name, (t) => parseGrubenv(t, 'grubenv'), build);
  });

  it.each([
    ['many $ names on one options line', (n: number) => repeatTo('$a ', n, 'options ')],
    ['many options lines', (n: number) => repeatTo('options ${kernelopts}\n', n)],
  ])('blsVariableUses is linear: %s', (name, build) => {
    expectLinear(name, (t) => blsVariableUses(t, '/boot/loader/entries/a.conf'), build);
  });

  it.each([
    ['a long device name that is not one', (n: number) => repeatTo('a', n, '/dev/sd', '!')],
    ['a long nvme number', (n: number) => repeatTo('1', n, '/dev/nvme', 'x')],
  ])('isDeviceName is linear: %s', (name, build) => {
    expectLinear(name, isDeviceName, build);
  });
});
