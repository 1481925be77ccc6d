// GRUB command lines, /etc/default/grub, grub.cfg, menu.lst and BLS entries
// (src/facts/linux/grub.ts): never throws, evidence bounded, linear on hostile repetitions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDeviceName, MAX_PARAMS_PER_FILE, MAX_PARAMS_PER_LINE, parseKernelParams } from '../../src/facts/linux/grub';
import { EVIDENCE_MAX_CHARS } from '../../src/core/text-bounds';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const FRAGMENTS = ['linux ', 'linuxefi ', 'kernel ', 'options ', 'GRUB_CMDLINE_LINUX="', 'GRUB_CMDLINE_LINUX_DEFAULT=', 'kernelopts=', 'set kernelopts=', 'root=', 'resume=', 'rd.lvm.lv=', 'rd_LVM_LV=', '/dev/sda1', 'UUID=1234', '"', "'", ' ', '\t', '\n', '\r\n', '#', '\u001b[31m'];
const MAX_QUOTED = EVIDENCE_MAX_CHARS + 40;

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
          expect(p.value).not.toMatch(/[\s"']/);
        }
      }),
      { numRuns: 1000 },
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
    ['a long device name that is not one', (n: number) => repeatTo('a', n, '/dev/sd', '!')],
    ['a long nvme number', (n: number) => repeatTo('1', n, '/dev/nvme', 'x')],
  ])('isDeviceName is linear: %s', (name, build) => {
    expectLinear(name, isDeviceName, build);
  });
});
