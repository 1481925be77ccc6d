import { describe, expect, it } from 'vitest';
import { evaluateServices } from '../../src/checks/windows-services';
import { facts } from './helpers/windows-guest-facts';

describe('windows.services', () => {
  it('fails a disabled COM+ System Application with 151025 and the sc command', () => {
    const outcome = evaluateServices(facts({ services: { COMSysApp: 'disabled', VSS: 'manual' } }));
    expect(outcome).toMatchObject({ status: 'fail', asrErrorCodes: [151025], remediation: 'sc config COMSysApp start= demand' });
    expect(evaluateServices(facts({})).status).toBe('pass');
  });

  it('warns when a start type could not be read', () => {
    expect(evaluateServices(facts({ services: { COMSysApp: 'manual', VSS: null } }))).toMatchObject({
      status: 'warn',
      summary: 'The start type of Volume Shadow Copy (VSS) could not be read.',
    });
  });
});
