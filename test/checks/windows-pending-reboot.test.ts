import { describe, expect, it } from 'vitest';
import { evaluatePendingReboot } from '../../src/checks/windows-pending-reboot';
import { facts } from './helpers/windows-guest-facts';

describe('windows.pending-reboot', () => {
  it('warns for a pending reboot', () => {
    expect(evaluatePendingReboot(facts({ pendingReboot: ['Windows Update has RebootRequired'] }))).toMatchObject({
      status: 'warn',
      asrErrorCodes: [151081, 151083],
    });
  });

  it('passes with no reboot pending, and skips when the markers could not be read', () => {
    expect(evaluatePendingReboot(facts({}))).toMatchObject({ status: 'pass', summary: 'No reboot is pending.' });
    expect(evaluatePendingReboot(facts({ pendingReboot: null })).status).toBe('skip');
  });
});
