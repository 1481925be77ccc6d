// Classifies an IP address: a public answer for a private-endpoint name (or the reverse) is a DNS finding.
import net from 'node:net';

export type AddressScope = 'public' | 'private' | 'loopback' | 'link-local' | 'shared';

const ranges: Array<[AddressScope, string, number, 'ipv4' | 'ipv6']> = [
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['shared', '100.64.0.0', 10, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['loopback', '::1', 128, 'ipv6'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
];

const lists = new Map<AddressScope, net.BlockList>();
for (const [scope, address, prefix, type] of ranges) {
  const list = lists.get(scope) ?? new net.BlockList();
  list.addSubnet(address, prefix, type);
  lists.set(scope, list);
}

export function addressScope(address: string): AddressScope {
  const type = net.isIPv6(address) ? 'ipv6' : 'ipv4';
  for (const [scope, list] of lists) if (list.check(address, type)) return scope;
  return 'public';
}

/** An IPv6 literal in brackets, as URLs and CONNECT targets write it; other hosts unchanged. */
export function bracketIpv6(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** A host without the brackets a URL or a HOST:PORT puts around an IPv6 literal (a leading "[" and a trailing "]" each go). */
export function unbracketIpv6(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}

export function isLoopback(address: string): boolean {
  return addressScope(address) === 'loopback';
}
