// Linear-time evidence for parsers of guest text: time a parser on an adversarial input of size n
// and of size 8n, and compare. Linear work gives a ratio near 8, quadratic near 64: the bound of 24
// leaves room for noise (GC, caches) without letting quadratic through. A ratio, not a wall-clock
// limit, so a slow CI machine does not fail it.
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { expect } from 'vitest';

/** Big enough to measure (a quadratic parser at this size takes minutes, a linear one milliseconds). */
export const BASE_BYTES = 256 * 1024;
export const GROWTH = 8;
export const MAX_RATIO = 24;

/** Strings over the full Unicode range (lone surrogates and controls included), for "never throws". */
export const anyText = fc.string({ unit: 'binary', maxLength: 400 });

/** Text assembled from fragments that matter to a parser, so the generator reaches its branches. */
export function textOf(fragments: readonly string[], maxLength = 60): fc.Arbitrary<string> {
  return fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength }).map((parts) => parts.join(''));
}

/** `unit` repeated until the text is at least `bytes` long (UTF-16 code units, as the parser sees it). */
export function repeatTo(unit: string, bytes: number, prefix = '', suffix = ''): string {
  return prefix + unit.repeat(Math.ceil(bytes / unit.length)) + suffix;
}

function timeOnce(run: () => void, reps: number): number {
  const start = performance.now();
  for (let i = 0; i < reps; i++) run();
  return performance.now() - start;
}

/** The best of a few timings: noise only ever adds time. */
function best(run: () => void, reps: number, rounds = 3): number {
  let min = Infinity;
  for (let r = 0; r < rounds; r++) min = Math.min(min, timeOnce(run, reps));
  return min;
}

export interface Growth {
  small: number;
  big: number;
  ratio: number;
}

/**
 * Times parse(build(base)) and parse(build(8 × base)) (base: BASE_BYTES unless a cap forbids it) and asserts the ratio stays under
 * MAX_RATIO. The small input is repeated until it takes at least 20 ms, so the ratio is not noise.
 */
export function expectLinear(name: string, parse: (text: string) => unknown, build: (bytes: number) => string, base = BASE_BYTES): Growth {
  const smallText = build(base);
  const bigText = build(base * GROWTH);
  expect(smallText.length).toBeGreaterThanOrEqual(base);
  expect(bigText.length).toBeGreaterThanOrEqual(base * GROWTH);
  parse(smallText); // warm-up: compile and optimise before timing
  let reps = 1;
  while (timeOnce(() => parse(smallText), reps) < 20 && reps < 1024) reps *= 2;
  // Up to three measurements, the lowest ratio kept: another test file's load on the other core can
  // slow one measurement, while a superlinear parser is slow in every one.
  let small = Infinity;
  let big = Infinity;
  let ratio = Infinity;
  for (let attempt = 0; attempt < 3 && ratio >= MAX_RATIO; attempt++) {
    const s = best(() => parse(smallText), reps);
    const b = best(() => parse(bigText), reps);
    if (b / s < ratio) [small, big, ratio] = [s, b, b / s];
  }
  expect(
    ratio,
    `${name}: ${GROWTH}x the input took ${ratio.toFixed(1)}x the time (${small.toFixed(1)} ms → ${big.toFixed(1)} ms for ${reps} run(s))`,
  ).toBeLessThan(MAX_RATIO);
  return { small, big, ratio };
}
