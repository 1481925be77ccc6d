// The Mobility service's ProxyInfo.conf (src/facts/proxy/proxy-info-conf.ts): never throws,
// problems name what is wrong in one line, linear on hostile repetitions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProxyInfoConf } from '../../src/facts/proxy/proxy-info-conf';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const FRAGMENTS = [
  '[proxy]',
  '[Proxy]\n',
  '[other]\n',
  'Address=',
  'Port=',
  'BypassList=',
  'http://',
  'https://',
  'user:pw@',
  'proxy.contoso.com',
  ':3128',
  '3128',
  '/',
  '*.',
  '.',
  ',',
  ';',
  '=',
  '[',
  ']',
  '\n',
  '\r\n',
  '\uFEFF',
  '#',
  ' ',
];
const BASE = '[proxy]\nAddress=';

describe('ProxyInfo.conf parser', () => {
  it('never throws; problems and notes are single lines', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(FRAGMENTS, 80)), (text) => {
        const conf = parseProxyInfoConf(text);
        for (const line of [...conf.problems, ...conf.notes]) expect(line).not.toMatch(/[\r\n]/);
        if (conf.proxy) expect(conf.proxy.port).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['"[" only', (n: number) => '['.repeat(n)],
    ['an unclosed section header', (n: number) => repeatTo('a', n, '[')],
    ['slashes not at the end of Address, with a Port', (n: number) => repeatTo('/', n, `${BASE}http://proxy`, 'x\nPort=3128\n')],
    ['slashes at the end of Address, with a Port', (n: number) => repeatTo('/', n, `${BASE}http://proxy`, '\nPort=3128\n')],
    ['a huge Port', (n: number) => repeatTo('9', n, `${BASE}http://proxy\nPort=`)],
    ['wildcard bypass entries', (n: number) => repeatTo('*.a,', n, `${BASE}http://proxy:3128\nBypassList=`)],
    ['bypass entries ending in dots', (n: number) => repeatTo('a.,', n, `${BASE}http://proxy:3128\nBypassList=`)],
    ['"=" only in the section', (n: number) => repeatTo('=', n, '[proxy]\n')],
    ['comment lines', (n: number) => repeatTo('; x\n', n)],
    ['"@" in a huge address', (n: number) => repeatTo('@', n, `${BASE}http://`)],
    ['":" in a huge address', (n: number) => repeatTo(':', n, `${BASE}http://a`)],
  ])('is linear: %s', (name, build) => {
    expectLinear(name, parseProxyInfoConf, build);
  });
});
