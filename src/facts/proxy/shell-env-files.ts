// Proxy variables set in /etc/environment (KEY=value) or /etc/profile ([export] KEY=value): where
// the Mobility service looks on Linux. Only plain assignments are read; nothing is executed.

/** The variables that name a proxy, in the order they are looked at (the https one first). */
export const PROXY_ADDRESS_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const;
export const PROXY_VARIABLES = [...PROXY_ADDRESS_VARIABLES, 'no_proxy', 'NO_PROXY'] as const;
export type ProxyVariable = (typeof PROXY_VARIABLES)[number];

export function parseProxyAssignments(text: string): Partial<Record<ProxyVariable, string>> {
  const found: Partial<Record<ProxyVariable, string>> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_]+)=(.*)$/.exec(rawLine);
    if (!match || !(PROXY_VARIABLES as readonly string[]).includes(match[1]!)) continue;
    let value = match[2]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1);
    else value = stripComment(value);
    found[match[1] as ProxyVariable] = value;
  }
  return found;
}

/** "value   # comment" → "value". By index, not /\s+#.*$/, which rescans every blank run: quadratic. */
function stripComment(value: string): string {
  const hash = /\s#/.exec(value);
  return hash ? value.slice(0, hash.index).trimEnd() : value;
}
