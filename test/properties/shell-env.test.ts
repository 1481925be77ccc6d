// Proxy assignments in /etc/environment and /etc/profile (src/facts/proxy/shell-env-files.ts):
// never throws, only proxy variables come out, linear on hostile repetitions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProxyAssignments, PROXY_VARIABLES } from '../../src/facts/proxy/shell-env-files';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const FRAGMENTS = ['export ', 'https_proxy=', 'HTTP_PROXY=', 'no_proxy=', 'PATH=', '"', "'", '#', ' #', ' ', '\t', '=', '\n', '\r\n', 'http://p:3128'];

describe('/etc/environment and profile proxy lines', () => {
  it('never throws; yields only proxy variables, values without line breaks', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(FRAGMENTS, 80)), (text) => {
        const found = parseProxyAssignments(text);
        for (const [name, value] of Object.entries(found)) {
          expect(PROXY_VARIABLES).toContain(name);
          expect(value).not.toMatch(/\n/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('strips a trailing comment as before, quotes kept intact', () => {
    expect(parseProxyAssignments('https_proxy=http://p:3128   # corp\nno_proxy="a #b"\n')).toEqual({ https_proxy: 'http://p:3128', no_proxy: 'a #b' });
  });

  it.each([
    ['blanks inside an unquoted value (the old /\\s+#.*$/ rescanned each)', (n: number) => repeatTo(' ', n, 'https_proxy=a', 'b')],
    ['" a" pairs', (n: number) => repeatTo(' a', n, 'https_proxy=')],
    ['an unterminated quote', (n: number) => repeatTo('x', n, 'https_proxy="')],
    ['export and blanks without a name', (n: number) => repeatTo(' ', n, 'export')],
    ['a long name without "="', (n: number) => 'A'.repeat(n)],
    ['blanks before a name without "="', (n: number) => repeatTo(' ', n, '', 'A'.repeat(1000))],
    ['many assignments', (n: number) => repeatTo('HTTP_PROXY=http://p:1 # c\n', n)],
  ])('is linear: %s', (name, build) => {
    expectLinear(name, parseProxyAssignments, build);
  });
});
