// PEM bundles (src/facts/linux/cert-file.ts): never throws, whatever the bytes; finds the same
// blocks the old BEGIN…END\1 regex found; linear on unterminated and interleaved blocks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCertificateFile, pemBlocks } from '../../src/facts/linux/cert-file';
import { debianBundleBlocks } from '../helpers/certs';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
const BEGIN_T = '-----BEGIN TRUSTED CERTIFICATE-----';
const END_T = '-----END TRUSTED CERTIFICATE-----';
const FRAGMENTS = [BEGIN, END, BEGIN_T, END_T, '-----', '\n', 'MIIB', '====', '-----BEGIN ', '-----END '];
/** The regex the scanner replaced (quadratic on unterminated blocks): the reference for small inputs. */
const OLD_PEM_BLOCK = /-----BEGIN (TRUSTED CERTIFICATE|CERTIFICATE)-----([\s\S]*?)-----END \1-----/g;

const parse = (text: string) => parseCertificateFile(Buffer.from(text, 'latin1'));

describe('PEM bundle parser', () => {
  it('never throws on arbitrary bytes; every problem is a non-empty line of text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
          textOf(FRAGMENTS).map((t) => Buffer.from(t, 'latin1')),
        ),
        (content) => {
          const result = parseCertificateFile(content);
          expect(Array.isArray(result.certificates)).toBe(true);
          for (const p of result.problems) expect(p).toMatch(/^[^\n]+$/);
          expect(result.certificates.length + result.problems.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('finds exactly the blocks the old regex found (label, body, offset)', () => {
    fc.assert(
      fc.property(fc.oneof(textOf(FRAGMENTS), anyText), (text) => {
        const expected = [...text.matchAll(OLD_PEM_BLOCK)].map((m) => ({ label: m[1], body: m[2], index: m.index }));
        expect([...pemBlocks(text)]).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('still reads every certificate of a real bundle with junk around the blocks', () => {
    const blocks = debianBundleBlocks().slice(0, 5);
    const result = parse(`junk\n${blocks.join(`\n${BEGIN_T}\n# never closed\n`)}\n${BEGIN}\nnot closed either\n`);
    expect(result.certificates).toHaveLength(5);
    expect(result.problems).toEqual([]);
  });

  it.each([
    ['BEGIN repeated without END', (n: number) => repeatTo(`${BEGIN}\n`, n)],
    ['TRUSTED BEGIN repeated, one plain END at the end', (n: number) => repeatTo(`${BEGIN_T}\nAAAA\n`, n, '', END)],
    ['plain BEGIN repeated, one TRUSTED END at the end', (n: number) => repeatTo(`${BEGIN}AAAA`, n, '', END_T)],
    ['END repeated without BEGIN', (n: number) => repeatTo(`${END}\n`, n)],
    ['dashes only', (n: number) => '-'.repeat(n)],
    ['"-----BEGIN " without a label end', (n: number) => repeatTo('-----BEGIN ', n)],
    ['a real bundle repeated', (n: number) => repeatTo(debianBundleBlocks().slice(0, 20).join('\n'), n)],
  ])('is linear: %s', (name, build) => {
    expectLinear(name, parse, build);
  });
});
