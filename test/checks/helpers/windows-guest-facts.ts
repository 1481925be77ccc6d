// Windows guest facts for the windows.* checks: a Windows 7 SP1 client with nothing installed or set,
// changed as each test needs.
import type { WindowsGuestFacts } from '../../../src/facts/windows/read-windows-guest';

export const facts = (extra: Partial<WindowsGuestFacts>): WindowsGuestFacts => ({
  version: {
    productName: 'Windows 7 Enterprise',
    build: 7601,
    installationType: 'Client',
    displayVersion: null,
    servicePack: 'Service Pack 1',
    isServer: false,
  },
  hotfixes: [],
  hotfixSource: 'wmic qfe get HotFixID',
  services: { COMSysApp: 'manual', VSS: 'manual' },
  tls12Client: { enabled: null, disabledByDefault: null },
  dotnet: { systemDefaultTlsVersions: null, schUseStrongCrypto: null },
  pendingReboot: [],
  problems: [],
  ...extra,
});
