// Host names from the Mobility service's RCMInfo.conf (src/facts/mobility-config.ts): never throws,
// agrees with the old pattern on ordinary text, linear where the old pattern was quadratic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMobilityHosts } from '../../src/facts/mobility-config';
import { anyText, expectLinear, repeatTo } from './linear';

/** The regex the label scan replaced: the reference on small, ordinary inputs. */
const OLD_HOST =
  /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:windowsazure\.(?:com|us|cn)|windows\.net|usgovcloudapi\.net|chinacloudapi\.cn|azure\.net|azure-automation\.us|azure\.com)\b/gi;
const LABELS = [
  'pod01-rcm1',
  'eus',
  'hypervrecoverymanager',
  'windowsazure',
  'servicebus',
  'windows',
  'net',
  'com',
  'us',
  'cn',
  'azure',
  'blob',
  'core',
  'usgovcloudapi',
  'chinacloudapi',
  'azure-automation',
  'x',
  'A1',
];
const SEPARATORS = ['=', ' ', '\n', '://', ':443/', '"', ',', ';', '/'];
/** key=value text of host-like names: dot-joined labels between separators that end a word. */
const ordinaryText = fc
  .array(fc.tuple(fc.constantFrom(...SEPARATORS), fc.array(fc.constantFrom(...LABELS), { minLength: 1, maxLength: 6 })), { maxLength: 12 })
  .map((parts) => parts.map(([sep, labels]) => sep + labels.join('.')).join(''));

describe('RCMInfo.conf host names', () => {
  it('never throws; every host ends in an Azure suffix and is a valid name', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, ordinaryText), (text) => {
        for (const host of parseMobilityHosts(text)) {
          expect(host).toMatch(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z-]+\.[a-z]+$/);
          expect(host).toMatch(/\.(windowsazure\.(com|us|cn)|windows\.net|usgovcloudapi\.net|chinacloudapi\.cn|azure\.net|azure-automation\.us|azure\.com)$/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('finds the same host names as the old pattern in ordinary configuration text', () => {
    fc.assert(
      fc.property(ordinaryText, (text) => {
        expect(parseMobilityHosts(text)).toEqual((text.match(OLD_HOST) ?? []).map((h) => h.toLowerCase()));
      }),
      { numRuns: 2000 },
    );
    expect(parseMobilityHosts('RcmUri=https://Pod01-Rcm1.EUS.hypervrecoverymanager.windowsazure.com:443/api\nSb=x.servicebus.windows.net')).toEqual([
      'pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com',
      'x.servicebus.windows.net',
    ]);
  });

  it.each([
    ['"a." repeated without a suffix (the old pattern retried from every label)', (n: number) => repeatTo('a.', n)],
    ['labels of 63 characters', (n: number) => repeatTo(`${'b'.repeat(63)}.`, n, '', 'windows.net')],
    ['one huge label', (n: number) => repeatTo('c', n, '', '.azure.com')],
    ['dashes', (n: number) => repeatTo('-', n, 'a', '.azure.com')],
    ['suffixes only', (n: number) => repeatTo('azure.com.', n)],
    ['many real hosts', (n: number) => repeatTo('h.eus.hypervrecoverymanager.windowsazure.com\n', n)],
  ])('is linear: %s', (name, build) => {
    expectLinear(name, parseMobilityHosts, build);
  });
});
