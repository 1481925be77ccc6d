import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateUpdates } from '../../src/checks/windows-updates';
import { parseHotfixIds } from '../../src/facts/windows/guest-parsers';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import { fixture } from '../helpers/paths';
import { facts } from './helpers/windows-guest-facts';

const text = (...p: string[]) => readFileSync(fixture(...p), 'utf8');

describe('windows.updates', () => {
  it('on the recorded Windows 7 host: has the SHA-2 updates, fails until TLS 1.2 is enabled for clients', () => {
    const hotfixes = parseHotfixIds(text('windows', 'systeminfo.win7-enterprise-sp1-build7601.218-hotfixes-incl-kb4474419-kb4490628.txt'));
    const before = evaluateUpdates(facts({ hotfixes }), SUPPORT_MATRIX);
    expect(before.status).toBe('fail');
    expect(before.summary).not.toContain('KB4474419');
    expect(before.summary).toContain('TLS 1.2 is not enabled for clients');
    const after = evaluateUpdates(
      facts({ hotfixes, tls12Client: { enabled: 1, disabledByDefault: 0 }, dotnet: { systemDefaultTlsVersions: 1, schUseStrongCrypto: 1 } }),
      SUPPORT_MATRIX,
    );
    expect(after).toMatchObject({ status: 'pass', summary: 'Windows 7 SP1 has the updates and TLS 1.2 settings Site Recovery needs.' });
  });

  it('names missing SHA-2 updates on 2008 R2', () => {
    const outcome = evaluateUpdates(
      facts({
        version: {
          productName: 'Windows Server 2008 R2 Datacenter',
          build: 7601,
          installationType: 'Server',
          displayVersion: null,
          servicePack: 'Service Pack 1',
          isServer: true,
        },
        hotfixes: ['KB4490628'],
        tls12Client: { enabled: 1, disabledByDefault: 0 },
        dotnet: { systemDefaultTlsVersions: 1, schUseStrongCrypto: 1 },
      }),
      SUPPORT_MATRIX,
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'Windows Server 2008 R2 SP1: KB4474419 is not installed (SHA-2 code signing (SHA-1 is not supported since September 2019)). Without SHA-2 support the agent install fails; without TLS 1.2 replication fails (Winsock 10054).',
    );
  });

  it('passes Server 2022 without extra updates', () => {
    expect(
      evaluateUpdates(
        facts({
          version: {
            productName: 'Windows Server 2022 Datacenter',
            build: 20348,
            installationType: 'Server',
            displayVersion: '21H2',
            servicePack: null,
            isServer: true,
          },
        }),
        SUPPORT_MATRIX,
      ).status,
    ).toBe('pass');
  });
});
