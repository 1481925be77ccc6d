// Gathers the Windows guest facts with reg, sc, wmic/PowerShell (argument arrays, no shell), their
// output decoded from the console code page. Version, start types (sc qc START_TYPE number) and KB
// numbers are the same in every display language; SChannel values are kept raw and judged as SChannel
// reads them (src/checks/helpers/tls-protocol.ts). Runs only on Windows; the parsers are tested with recorded real outputs.
import { describeError } from '../../core/errors';
import {
  parseCurrentVersion,
  parseDotNetTls,
  parseHotfixIds,
  parseScQcStartType,
  parseTlsClientKey,
  type StartType,
  type TlsClientSettings,
  type WindowsVersion,
} from './guest-parsers';
import { consoleCodePage, decodeConsoleBytes, firstBytes, runConsole } from './console-text';
import { readWindowsStorage, type WindowsStorageFacts } from './windows-storage';

export interface WindowsGuestFacts {
  version: WindowsVersion | null;
  hotfixes: string[] | null;
  hotfixSource: string | null;
  services: Record<'COMSysApp' | 'VSS', StartType | null>;
  tls12Client: TlsClientSettings | null;
  /** SCHANNEL\Protocols\TLS 1.2\Server: evidence only (the Mobility service is a client). */
  tls12Server?: TlsClientSettings | null;
  dotnet: ReturnType<typeof parseDotNetTls> | null;
  pendingReboot: string[] | null;
  /** Disks, partitions, volumes and Storage Spaces (storage.disks, storage.filesystems); readWindowsGuest always sets it. */
  storage?: WindowsStorageFacts;
  problems: string[];
}

const PENDING_REBOOT_KEYS: Array<[string, string[]]> = [
  ['Component Based Servicing has RebootPending', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending']],
  ['Windows Update has RebootRequired', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired']],
  [
    'Session Manager has PendingFileRenameOperations',
    ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager', '/v', 'PendingFileRenameOperations'],
  ],
];

export async function readWindowsGuest(signal?: AbortSignal): Promise<WindowsGuestFacts> {
  const problems: string[] = [];
  // PowerShell starts slowly: read the storage layout while the reg/sc/wmic queries run.
  const storagePending = readWindowsStorage(signal);
  // Output bytes decoded from the console code page (never UTF-8 by default); a non-zero exit rejects with its code, as execFile does.
  const codePage = await consoleCodePage(runConsole, signal);
  const run = async (file: string, args: string[]) => {
    const { stdout, code } = await runConsole(file, args, { timeoutMs: 20_000, maxBuffer: 16 * 1024 * 1024, signal });
    if (code !== 0)
      throw Object.assign(new Error(`${file} ${args.join(' ')} exited with ${code}: ${firstBytes(decodeConsoleBytes(stdout, codePage))}`), { code });
    return decodeConsoleBytes(stdout, codePage);
  };
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (err) {
      problems.push(`${what}: ${describeError(err)}`);
      return null;
    }
  };
  const version = await attempt('reading the Windows version', async () =>
    parseCurrentVersion(await run('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'])),
  );
  let hotfixSource: string | null = 'wmic qfe get HotFixID';
  let hotfixes = await run('wmic', ['qfe', 'get', 'HotFixID']).then(parseHotfixIds, () => null);
  if (hotfixes === null) {
    hotfixSource = 'Get-HotFix';
    hotfixes = await attempt('listing installed updates', async () =>
      parseHotfixIds(await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', 'Get-HotFix | Select-Object -ExpandProperty HotFixID'])),
    );
    if (hotfixes === null) hotfixSource = null;
  }
  const service = async (name: string) => attempt(`sc qc ${name}`, async () => parseScQcStartType(await run('sc', ['qc', name])));
  const [COMSysApp, VSS] = [await service('COMSysApp'), await service('VSS')];
  const regOptional = async (args: string[]) => run('reg', args).catch((err: { code?: unknown }) => (err.code === 1 ? '' : Promise.reject(err)));
  const tls12Client = await attempt('reading SChannel TLS 1.2 settings', async () =>
    parseTlsClientKey(await regOptional(['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client'])),
  );
  const tls12Server = await attempt('reading SChannel TLS 1.2 server settings', async () =>
    parseTlsClientKey(await regOptional(['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server'])),
  );
  const dotnet = await attempt('reading .NET TLS settings', async () =>
    parseDotNetTls(await regOptional(['query', 'HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319'])),
  );
  const pendingReboot: string[] = [];
  for (const [reason, args] of PENDING_REBOOT_KEYS) {
    if (
      await run('reg', args).then(
        () => true,
        () => false,
      )
    )
      pendingReboot.push(reason);
  }
  const storage = await storagePending;
  return {
    version,
    hotfixes,
    hotfixSource,
    services: { COMSysApp: COMSysApp ?? null, VSS: VSS ?? null },
    tls12Client,
    tls12Server,
    dotnet,
    pendingReboot,
    storage,
    problems,
  };
}
