// Does a bypass list exempt a host from the proxy? One matcher for NO_PROXY (curl's rules),
// ProxyInfo.conf BypassList ("windows.net" covers its subdomains) and Windows ProxyOverride
// ("<local>", "*.contoso.com", "10.*").
import net from 'node:net';

export function bypassesProxy(host: string, rules: readonly string[]): string | null {
  const h = host.toLowerCase().replace(/\.$/, '');
  for (const raw of rules) {
    const rule = raw.trim().toLowerCase().replace(/\.$/, '');
    if (!rule) continue;
    if (rule === '*') return raw;
    if (rule === '<local>') {
      if (!h.includes('.') && !net.isIP(h)) return raw;
      continue;
    }
    if (rule.includes('/') && net.isIP(h)) {
      const [base, bits] = rule.split('/');
      const type = net.isIPv6(base!) ? 'ipv6' : 'ipv4';
      const list = new net.BlockList();
      try {
        list.addSubnet(base!, Number(bits), type);
        if (list.check(h, net.isIPv6(h) ? 'ipv6' : 'ipv4')) return raw;
      } catch {
        /* not a CIDR after all */
      }
      continue;
    }
    const withoutPort = rule.replace(/:\d+$/, '');
    if (withoutPort.includes('*') && !withoutPort.startsWith('*.')) {
      if (globMatches(withoutPort, h)) return raw;
      continue;
    }
    const domain = withoutPort.replace(/^\*?\./, '');
    if (h === domain || h.endsWith(`.${domain}`)) return raw;
  }
  return null;
}

/** Splits a list on commas, semicolons or white space (NO_PROXY, BypassList and ProxyOverride differ). */
export function splitBypassList(value: string): string[] {
  return value.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
}

/**
 * Does a pattern with "*" wildcards match the whole text? Greedy with one backtrack point (the last
 * star), O(pattern × text) at worst: a regex built as ^a.*a.*a.*…$ from a guest's NO_PROXY entry
 * backtracks exponentially in the number of stars.
 */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++resume;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
