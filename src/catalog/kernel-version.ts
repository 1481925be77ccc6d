// Kernel releases ordered by version, never by text: "553.40.1" is newer than "553.5.1".
// The numbers are the upstream version and the distribution's release, up to the first part that
// is not a number ("4.18.0-553.40.1.el8_10.x86_64" -> 4 18 0 553 40 1; "6.8.0-1021-azure" ->
// 6 8 0 1021; "5.14.21-150500.55.39-default" -> 5 14 21 150500 55 39).

/** The leading numeric components of a kernel release, as digit strings without leading zeros. */
export function kernelVersionNumbers(release: string): string[] {
  const m = /^(\d+(?:\.\d+)*)(?:-(\d+(?:\.\d+)*)(?=$|[^\d]))?/.exec(release.trim());
  if (!m) return [];
  const parts = [...m[1]!.split('.'), ...(m[2] ? m[2].split('.') : [])];
  return parts.map((p) => p.replace(/^0+(?=\d)/, ''));
}

function compareDigits(x: string, y: string): number {
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Compares two kernel releases by their numbers, component by component (numerically, of any
 * size); when one is a prefix of the other the shorter is older ("305" < "305.30.1"), as rpm does.
 * Suffixes (".el8_10.x86_64", "-azure") do not take part: equal numbers compare equal.
 */
export function compareKernelVersions(a: string, b: string): number {
  const pa = kernelVersionNumbers(a);
  const pb = kernelVersionNumbers(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = compareDigits(pa[i]!, pb[i]!);
    if (c !== 0) return c;
  }
  return pa.length === pb.length ? 0 : pa.length < pb.length ? -1 : 1;
}

/** Oldest first; equal versions by text, so the order never depends on the directory listing. */
export function sortKernelReleases(releases: readonly string[]): string[] {
  return [...releases].sort((a, b) => compareKernelVersions(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}
