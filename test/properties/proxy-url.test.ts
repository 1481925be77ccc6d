// Proxy URLs (src/facts/proxy/proxy-url.ts) and NO_PROXY / BypassList matching
// (src/facts/proxy/bypass.ts): never throw, no password in what is shown, linear; wildcard
// matching stays polynomial however many stars a guest writes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProxyValue } from '../../src/facts/proxy/proxy-url';
import { bypassesProxy, globMatches, splitBypassList } from '../../src/facts/proxy/bypass';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const URL_FRAGMENTS = ['http://', 'https://', 'socks5://', 'user', ':', '@', 'proxy.contoso.com', '[::1]', '3128', '/', '%40', '#', '?', ' '];
const RULE_FRAGMENTS = ['*', '.', 'windows.net', '<local>', '10.0.0.0/8', '::1/128', ':443', ',', ';', ' ', 'a'];
const HOSTS = ['login.microsoftonline.com', 'x.blob.core.windows.net', '10.1.2.3', '::1', 'localhost'];
/** The regex the glob matcher replaced, on inputs small enough for its backtracking. */
const oldGlob = (pattern: string, host: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(host);

describe('proxy URL parser', () => {
  it('never throws; a parsed proxy has a host, a port, and shows no password', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(URL_FRAGMENTS, 20)), fc.string({ unit: 'grapheme-ascii', minLength: 6, maxLength: 12 }), (text, password) => {
        const secret = `Zq${password.replace(/[^A-Za-z0-9]/g, '')}Zq9`;
        const value = text.replace('@', `:${secret}@`);
        const parsed = parseProxyValue(value);
        if ('problem' in parsed) expect(parsed.problem).not.toContain(secret);
        else {
          expect(parsed.hostname.length).toBeGreaterThan(0);
          expect(parsed.port).toBeGreaterThan(0);
          expect(parsed.shown).not.toContain(secret);
          expect(parsed.origin).not.toContain(secret);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['a huge host', (n: number) => repeatTo('a', n, 'http://', ':3128')],
    ['"@" repeated', (n: number) => repeatTo('@', n, 'http://u:')],
    ['":" repeated', (n: number) => repeatTo(':', n, 'http://')],
    ['a scheme that never ends', (n: number) => 'a'.repeat(n)],
    ['slashes', (n: number) => repeatTo('/', n, 'http://p:1')],
  ])('is linear: %s', (name, build) => {
    expectLinear(name, parseProxyValue, build);
  });
});

describe('NO_PROXY / BypassList', () => {
  it('never throws on any list and host', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(RULE_FRAGMENTS, 30)), fc.oneof(fc.constantFrom(...HOSTS), anyText), (list, host) => {
        const rule = bypassesProxy(host, splitBypassList(list));
        if (rule !== null) expect(splitBypassList(list)).toContain(rule);
      }),
      { numRuns: 1000 },
    );
  });

  it('wildcards match exactly as the old regex did', () => {
    fc.assert(
      fc.property(textOf(['*', 'a', 'b', '.', '-'], 8), fc.stringMatching(/^[ab.-]{0,12}$/), (pattern, host) => {
        expect(globMatches(pattern, host)).toBe(oldGlob(pattern, host));
      }),
      { numRuns: 3000 },
    );
  });

  it('a rule of many stars against a long host is quick (the old regex backtracked exponentially)', () => {
    const start = performance.now();
    expect(bypassesProxy('a'.repeat(200), [`${'*a'.repeat(40)}b`])).toBeNull();
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it.each([
    ['separators only', (n: number) => repeatTo(',; ', n)],
    ['many wildcard rules', (n: number) => repeatTo('*a*a*a*b,', n)],
    ['many CIDR-looking rules', (n: number) => repeatTo('10.0.0.0/8,', n)],
    ['one huge rule', (n: number) => repeatTo('*a', n)],
    ['ports without a host', (n: number) => repeatTo(':1', n)],
  ])('splitting and matching are linear: %s', (name, build) => {
    expectLinear(name, (list) => HOSTS.map((h) => bypassesProxy(h, splitBypassList(list))), build);
  });
});
