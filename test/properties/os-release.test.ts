// os-release and the pre-systemd release files (src/facts/os-release.ts): never throws, values
// capped with the marker, linear on hostile repetitions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOsRelease, parseRedhatRelease, parseSuseRelease } from '../../src/facts/os-release';
import { EVIDENCE_MAX_CHARS } from '../../src/core/text-bounds';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const FRAGMENTS = ['PRETTY_NAME=', 'ID=', '"', "'", '\\', '\\"', '=', '#', ' ', '\n', '\r\n', 'release 7.9', 'VERSION = 12', 'PATCHLEVEL = 5', '\u001b[2J'];
const MARKER = /…\[truncated, [\d,]+ more bytes\]$/;

describe('os-release parser', () => {
  it('never throws; keys are identifiers; values are capped', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(FRAGMENTS)), (text) => {
        for (const result of [parseOsRelease(text), parseRedhatRelease(text), parseSuseRelease(text)]) {
          for (const [key, value] of Object.entries(result)) {
            expect(key).toMatch(/^[A-Za-z0-9_]+$/);
            expect(value.length).toBeLessThanOrEqual(EVIDENCE_MAX_CHARS + 40);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('cuts a huge value with the visible marker', () => {
    const value = parseOsRelease(`PRETTY_NAME="${'x'.repeat(100_000)}"\nID=rhel\n`).PRETTY_NAME!;
    expect(value).toBe(`${'x'.repeat(EVIDENCE_MAX_CHARS)}…[truncated, ${(100_000 - EVIDENCE_MAX_CHARS).toLocaleString('en-US')} more bytes]`);
    expect(parseRedhatRelease(`Red Hat release 7.9 ${'y'.repeat(10_000)}`).PRETTY_NAME).toMatch(MARKER);
    expect(parseOsRelease('ID=rhel\n').ID).toBe('rhel');
  });

  it.each([
    ['"=" only', (n: number) => '='.repeat(n)],
    ['"# " repeated', (n: number) => repeatTo('# ', n)],
    ['an unterminated quote', (n: number) => repeatTo('a', n, 'PRETTY_NAME="')],
    ['escaped quotes in a quoted value', (n: number) => repeatTo('\\"', n, 'NAME="', '"')],
    ['a key without "="', (n: number) => 'A'.repeat(n)],
    ['blank lines', (n: number) => repeatTo(' \r\n', n)],
    ['short KEY=value lines', (n: number) => repeatTo('K="v"\n', n)],
  ])('os-release is linear: %s', (name, build) => {
    expectLinear(name, parseOsRelease, build);
  });

  it.each([
    ['"release " without a number', (n: number) => repeatTo('release ', n)],
    ['"release 1." repeated', (n: number) => repeatTo('release 1.', n)],
  ])('redhat-release is linear: %s', (name, build) => {
    expectLinear(name, parseRedhatRelease, build);
  });

  it.each([
    ['"VERSION = " without a number', (n: number) => repeatTo('VERSION = PATCHLEVEL = ', n)],
    ['one long first line', (n: number) => 'S'.repeat(n)],
  ])('SuSE-release is linear: %s', (name, build) => {
    expectLinear(name, parseSuseRelease, build);
  });
});
