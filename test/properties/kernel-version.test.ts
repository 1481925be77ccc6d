// Kernel version order (src/catalog/kernel-version.ts): a total order on the numbers of a
// release, antisymmetric and transitive, that agrees with numeric order component by component.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKernelVersions, sortKernelReleases } from '../../src/catalog/kernel-version';

/** Components of any size, so text order and 53-bit numbers both would get some of them wrong. */
const component = fc.oneof(fc.nat({ max: 2000 }), fc.bigInt({ min: 0n, max: 10n ** 30n }));
const numbers = fc.array(component, { minLength: 1, maxLength: 8 });
const suffix = fc.constantFrom('', '.el8_10.x86_64', '.el9uek.x86_64', '-azure', '-default', '-cloud-amd64');

/** A release from its numbers: the first three (or fewer) are the upstream version, the rest the distribution's release. */
function release(parts: Array<number | bigint>, tail: string): string {
  const text = parts.map(String);
  const upstream = text.slice(0, 3).join('.');
  const rest = text.slice(3).join('.');
  return rest ? `${upstream}-${rest}${tail}` : `${upstream}${tail.startsWith('.') ? '' : tail}`;
}

const sign = (n: number) => Math.sign(n);

function numericOrder(a: Array<number | bigint>, b: Array<number | bigint>): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = BigInt(a[i]!);
    const y = BigInt(b[i]!);
    if (x !== y) return x < y ? -1 : 1;
  }
  return sign(a.length - b.length);
}

describe('kernel version order', () => {
  it('agrees with numeric order per component, whatever the suffix', () => {
    fc.assert(
      fc.property(numbers, numbers, suffix, suffix, (a, b, sa, sb) => {
        expect(sign(compareKernelVersions(release(a, sa), release(b, sb)))).toBe(numericOrder(a, b));
      }),
    );
  });

  it('is antisymmetric and reflexive', () => {
    fc.assert(
      fc.property(numbers, numbers, suffix, suffix, (a, b, sa, sb) => {
        const x = release(a, sa);
        const y = release(b, sb);
        expect(sign(compareKernelVersions(x, y))).toBe(-sign(compareKernelVersions(y, x)) || 0);
        expect(compareKernelVersions(x, x)).toBe(0);
      }),
    );
  });

  it('is transitive', () => {
    fc.assert(
      fc.property(numbers, numbers, numbers, (a, b, c) => {
        const [x, y, z] = [release(a, ''), release(b, ''), release(c, '')];
        if (compareKernelVersions(x, y) <= 0 && compareKernelVersions(y, z) <= 0) expect(compareKernelVersions(x, z)).toBeLessThanOrEqual(0);
        if (compareKernelVersions(x, y) < 0 && compareKernelVersions(y, z) < 0) expect(compareKernelVersions(x, z)).toBeLessThan(0);
      }),
    );
  });

  it('sorts so that the last release is the newest, whatever the listing order', () => {
    fc.assert(
      fc.property(fc.array(numbers, { minLength: 1, maxLength: 10 }), (list) => {
        const sorted = sortKernelReleases(list.map((n) => release(n, '.el8_10.x86_64')));
        for (let i = 1; i < sorted.length; i++) expect(compareKernelVersions(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
        expect(sortKernelReleases([...sorted].reverse())).toEqual(sorted);
      }),
    );
  });
});
