// Does a bypass list exempt a host from the proxy? One matcher for NO_PROXY (curl's rules),
// ProxyInfo.conf BypassList ("windows.net" covers its subdomains) and Windows ProxyOverride
// ("<local>", "*.contoso.com", "10.*").
import net from 'node:net';

/**
 * The first rule that sends `host` (port `port`) direct, or null. As curl reads NO_PROXY: an IPv6
 * address bare ("::1") or in brackets ("[::1]", "[::1]:8443", "[fd00::]/8"); "host:port" bypasses
 * that port only (without a port, every port). Without `port` (a caller that does not know it) a
 * rule's port is not compared.
 */
export function bypassesProxy(host: string, rules: readonly string[], port?: number): string | null {
  const h = unbracket(host.toLowerCase().replace(/\.$/, ''));
  for (const raw of rules) {
    const rule = raw.trim().toLowerCase().replace(/\.$/, '');
    if (!rule) continue;
    if (rule === '*') return raw;
    if (rule === '<local>') {
      if (!h.includes('.') && !net.isIP(h)) return raw;
      continue;
    }
    const { name, rulePort } = splitPort(rule);
    if (rulePort !== undefined && port !== undefined && rulePort !== port) continue;
    if (name.includes('/')) {
      if (!net.isIP(h)) continue;
      const [base, bits] = name.split('/');
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
    if (net.isIPv6(name)) {
      if (net.isIPv6(h) && sameIpv6(name, h)) return raw;
      continue;
    }
    if (name.includes('*') && !name.startsWith('*.')) {
      if (globMatches(name, h)) return raw;
      continue;
    }
    const domain = name.replace(/^\*?\./, '');
    if (h === domain || h.endsWith(`.${domain}`)) return raw;
  }
  return null;
}

/** "[::1]:8443" → ::1 and 8443, "[fd00::]/8" → fd00::/8, "::1" → ::1 (a bare IPv6 address has no port), "host:8443" → host and 8443. */
function splitPort(rule: string): { name: string; rulePort?: number } {
  const bracketed = /^\[([^\]]*)\](\/\d+)?(?::(\d+))?$/.exec(rule);
  if (bracketed) return { name: bracketed[1]! + (bracketed[2] ?? ''), ...(bracketed[3] ? { rulePort: Number(bracketed[3]) } : {}) };
  if (net.isIPv6(rule.split('/')[0]!)) return { name: rule };
  const withPort = /^(.*):(\d+)$/.exec(rule);
  return withPort ? { name: withPort[1]!, rulePort: Number(withPort[2]) } : { name: rule };
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function sameIpv6(a: string, b: string): boolean {
  const list = new net.BlockList();
  list.addAddress(a, 'ipv6');
  return list.check(b, 'ipv6');
}

/** Splits a list on commas, semicolons or white space (NO_PROXY, BypassList and ProxyOverride differ). */
export function splitBypassList(value: string): string[] {
  return value
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
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
