// English console listings of PowerShell (Format-List, Format-Table) as objects of strings, so the
// recorded published outputs can go through the same property readers as the JSON the agent reads.

/** `Format-List` text ("Name : value", continuation lines indented) as an object of strings. */
export function formatListObject(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\w+)\s*: ?(.*)$/.exec(line);
    if (m) out[(last = m[1]!)] = m[2]!.trim();
    else if (last && /^\s+\S/.test(line)) out[last] += line.trim();
  }
  return out;
}

/** A Format-Table listing as objects, the columns taken from the dashed underline. */
export function formatTableObjects(text: string): Array<Record<string, string>> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!;
  const spans = [...lines[1]!.matchAll(/-+/g)].map((m) => ({ start: m.index, name: header.slice(m.index, m.index + m[0].length).trim() }));
  return lines
    .slice(2)
    .map((line) => Object.fromEntries(spans.map((s, i) => [s.name, line.slice(s.start, i + 1 < spans.length ? spans[i + 1]!.start : undefined).trim()])));
}
