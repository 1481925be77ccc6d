// Parsers for the Windows guest facts, each tested on recorded real outputs: the version from
// reg query of CurrentVersion, installed updates (Get-HotFix, wmic qfe or systeminfo: any text
// with KB numbers), service start types (sc qc), and SChannel/.NET TLS values (reg query).
import { dwordValue, parseRegQuery } from './reg-query';

export interface WindowsVersion {
  productName: string | null;
  build: number | null;
  installationType: string | null;
  displayVersion: string | null;
  servicePack: string | null;
  isServer: boolean;
}

export function parseCurrentVersion(regQueryOutput: string): WindowsVersion {
  const values = parseRegQuery(regQueryOutput);
  const get = (name: string) => values.find((v) => v.name === name)?.value || null;
  const build = Number.parseInt(get('CurrentBuildNumber') ?? get('CurrentBuild') ?? '', 10);
  const productName = get('ProductName');
  const installationType = get('InstallationType');
  return {
    productName,
    build: Number.isFinite(build) ? build : null,
    installationType,
    displayVersion: get('DisplayVersion'),
    servicePack: get('CSDVersion'),
    isServer: /server/i.test(installationType ?? '') || /server/i.test(productName ?? ''),
  };
}

export function parseHotfixIds(text: string): string[] {
  return [...new Set((text.match(/\bKB\d{6,7}\b/gi) ?? []).map((kb) => kb.toUpperCase()))].sort();
}

export type StartType = 'boot' | 'system' | 'automatic' | 'manual' | 'disabled';
const START_TYPES: Record<string, StartType> = { '0': 'boot', '1': 'system', '2': 'automatic', '3': 'manual', '4': 'disabled' };

export function parseScQcStartType(text: string): StartType | null {
  // The label is translated (German sc prints STARTTYP), the number and its symbolic name are not:
  // "        STARTTYP           : 4   DISABLED".
  const code = /:[ \t]*(\d)[ \t]+(?:BOOT_START|SYSTEM_START|AUTO_START|DEMAND_START|DISABLED)\b/.exec(text)?.[1] ?? /START_TYPE\s*:\s*(\d)/.exec(text)?.[1];
  return code ? (START_TYPES[code] ?? null) : null;
}

export interface TlsClientSettings {
  /** SCHANNEL\Protocols\TLS 1.2\Client (or \Server): Enabled and DisabledByDefault, null when not set (OS default). */
  enabled: number | null;
  disabledByDefault: number | null;
}

export function parseTlsClientKey(regQueryOutput: string): TlsClientSettings {
  const values = parseRegQuery(regQueryOutput);
  return {
    enabled: dwordValue(values.find((v) => v.name === 'Enabled')),
    disabledByDefault: dwordValue(values.find((v) => v.name === 'DisabledByDefault')),
  };
}

export function parseDotNetTls(regQueryOutput: string): { systemDefaultTlsVersions: number | null; schUseStrongCrypto: number | null } {
  const values = parseRegQuery(regQueryOutput);
  return {
    systemDefaultTlsVersions: dwordValue(values.find((v) => v.name === 'SystemDefaultTlsVersions')),
    schUseStrongCrypto: dwordValue(values.find((v) => v.name === 'SchUseStrongCrypto')),
  };
}
