// Sets of row indexes as sorted, disjoint, half-open ranges [start, end): how a spool entry records
// which rows of a report Logs Ingestion accepted (or refused for good), whatever requests carried
// them: a whole batch, or any piece of one that a 413 split off.
export type RowRange = [number, number];

/** The ranges covering exactly these indexes. */
export function toRanges(indexes: Iterable<number>): RowRange[] {
  const out: RowRange[] = [];
  for (const i of [...new Set(indexes)].sort((a, b) => a - b)) {
    const last = out.at(-1);
    if (last && last[1] === i) last[1] = i + 1;
    else out.push([i, i + 1]);
  }
  return out;
}

/** The union, sorted, overlapping and touching ranges joined, empty ones left out. */
export function mergeRanges(...sets: ReadonlyArray<readonly (readonly [number, number])[]>): RowRange[] {
  const all = sets
    .flat()
    .filter(([s, e]) => e > s)
    .map(([s, e]): RowRange => [s, e])
    .sort((a, b) => a[0] - b[0]);
  const out: RowRange[] = [];
  for (const [s, e] of all) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Indexes 0..total-1 that no range covers, in order. */
export function uncovered(total: number, ranges: readonly (readonly [number, number])[]): number[] {
  const merged = mergeRanges(ranges);
  const out: number[] = [];
  let r = 0;
  for (let i = 0; i < total; i++) {
    while (r < merged.length && merged[r]![1] <= i) r++;
    if (r < merged.length && merged[r]![0] <= i) continue;
    out.push(i);
  }
  return out;
}

/** How many of 0..total-1 the ranges cover. */
export function coveredCount(total: number, ranges: readonly (readonly [number, number])[]): number {
  return mergeRanges(ranges).reduce((n, [s, e]) => n + Math.max(0, Math.min(e, total) - Math.max(s, 0)), 0);
}
