// Windows guest parsers (src/facts/windows/guest-parsers.ts) on recorded outputs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHotfixIds, parseScQcStartType } from '../../../src/facts/windows/guest-parsers';
import { fixture } from '../../helpers/paths';

const text = (...p: string[]) => readFileSync(fixture(...p), 'utf8');

describe('Windows guest parsers (recorded outputs)', () => {
  it('reads sc qc start types', () => {
    expect(parseScQcStartType(text('windows', 'sc-qc-vss.server2019.modified-binpath.txt'))).toBe('manual');
    expect(parseScQcStartType('        START_TYPE         : 4   DISABLED\n')).toBe('disabled');
  });

  it('reads KB numbers from Get-HotFix, wmic qfe and systeminfo output', () => {
    expect(parseHotfixIds(text('windows', 'get-hotfix.azure-acs-engine-k8s-node.txt'))).toEqual(['KB4087256', 'KB4089848']);
    expect(parseHotfixIds(text('windows', 'wmic-qfe-get-caption-description-hotfixid-installedon.server2016.txt'))).toEqual([
      'KB3192137',
      'KB3211320',
      'KB3213986',
    ]);
    const win7 = parseHotfixIds(text('windows', 'systeminfo.win7-enterprise-sp1-build7601.218-hotfixes-incl-kb4474419-kb4490628.txt'));
    expect(win7).toHaveLength(218);
    expect(win7).toEqual(expect.arrayContaining(['KB4474419', 'KB4490628']));
  });
});
