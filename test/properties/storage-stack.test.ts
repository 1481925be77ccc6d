// Multipath file readers (src/facts/linux/storage-stack.ts): /etc/multipath/wwids and bindings
// counts and the dm uuid test never throw, never count a comment, and are linear.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countBindings, countWwids, isMultipathUuid } from '../../src/facts/linux/storage-stack';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const FRAGMENTS = ['/3600508b400105e210000900000490000/', 'mpatha ', '3600508b4', '#', '\n', ' ', '/', 'mpath-', 'part1-'];

describe('multipath readers', () => {
  it('never throw; counts are at most the number of lines; comments never count', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(FRAGMENTS, 60)), (text) => {
        const lines = text.split('\n').length;
        for (const n of [countWwids(text), countBindings(text)]) {
          expect(Number.isInteger(n)).toBe(true);
          expect(n).toBeLessThanOrEqual(lines);
        }
        const commented = text
          .split('\n')
          .map((l) => `# ${l}`)
          .join('\n');
        expect(countWwids(commented) + countBindings(commented)).toBe(0);
        expect(typeof isMultipathUuid(text)).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['many WWIDs', (n: number) => repeatTo('/3600508b400105e210000900000490000/\n', n)],
    ['one huge line of slashes', (n: number) => repeatTo('/', n)],
    ['blanks', (n: number) => ' '.repeat(n)],
  ])('countWwids is linear: %s', (name, build) => {
    expectLinear(name, countWwids, build);
  });

  it.each([
    ['many bindings', (n: number) => repeatTo('mpatha 3600508b400105e210000900000490000\n', n)],
    ['one huge line of blanks and words', (n: number) => repeatTo('a ', n)],
  ])('countBindings is linear: %s', (name, build) => {
    expectLinear(name, countBindings, build);
  });

  it('isMultipathUuid is linear on a long uuid', () => {
    expectLinear('part digits', isMultipathUuid, (n) => repeatTo('1', n, 'part'));
  });
});
