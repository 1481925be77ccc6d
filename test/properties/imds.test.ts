// IMDS instance documents (computeFrom in src/facts/azure-metadata.ts): any JSON value, hostile
// keys such as "toString" included, gives a typed compute section and never throws; linear.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeFrom } from '../../src/facts/azure-metadata';
import { EVIDENCE_MAX_CHARS } from '../../src/core/text-bounds';
import { expectLinear, repeatTo } from './linear';

const KEYS = [
  'compute',
  'storageProfile',
  'osDisk',
  'dataDisks',
  'managedDisk',
  'securityProfile',
  'diffDiskSettings',
  'vhd',
  'location',
  'vmSize',
  'lun',
  'toString',
  'valueOf',
  '__proto__',
  'constructor',
];
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), tie('object'), fc.array(tie('value'), { maxLength: 3 })),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
})).value;

describe('IMDS document', () => {
  it('never throws on any JSON; every field comes out as capped text', () => {
    fc.assert(
      fc.property(hostileJson, (body) => {
        const doc = JSON.parse(JSON.stringify({ compute: body })) as unknown;
        for (const b of [body, doc]) {
          const c = computeFrom(b);
          expect(typeof c.location).toBe('string');
          expect(typeof c.osDisk.ephemeral).toBe('boolean');
          for (const d of c.dataDisks) expect(typeof d.lun).toBe('string');
          expect(JSON.stringify(c).length).toBeLessThan(EVIDENCE_MAX_CHARS * 20 + 100_000);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('takes "toString" and "valueOf" keys as data, not as methods', () => {
    const c = computeFrom(
      JSON.parse('{"compute":{"location":{"toString":1},"vmSize":{"valueOf":2},"storageProfile":{"dataDisks":[null,{"lun":{"toString":"x"}}]}}}'),
    );
    expect(c.location).toBe('');
    expect(c.dataDisks.map((d) => d.lun)).toEqual(['', '']);
  });

  it.each([
    [
      'many data disks',
      (n: number) =>
        repeatTo('{"lun":"0","name":"d","managedDisk":{"storageAccountType":"Premium_LRS"}},', n, '{"compute":{"storageProfile":{"dataDisks":[', '{}]}}}'),
    ],
    ['one huge string', (n: number) => repeatTo('x', n, '{"compute":{"location":"', '"}}')],
    // Not here: nested arrays. They are V8's JSON.parse alone (this code reads none of them), whose
    // garbage collection makes a million tiny arrays superlinear (measured: 1 M "[]" in 23 ms, 2 M in
    // 100 ms); the 1 MiB cap on an IMDS answer bounds that at a few tens of milliseconds.
  ])('parsing and reading the document is linear: %s', (name, build) => {
    expectLinear(name, (text) => computeFrom(JSON.parse(text)), build);
  });
});
