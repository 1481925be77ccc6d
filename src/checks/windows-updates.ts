// Check windows.updates: SHA-2 and servicing-stack updates on 2008 R2/7; TLS 1.2 updates and
// SChannel/.NET values on 2008 R2/2012.
import type { CheckOutcome } from '../core/finding';
import type { SupportMatrix } from '../catalog/support-matrix';
import type { WindowsGuestFacts } from '../facts/windows/read-windows-guest';
import { defineCheck } from './helpers/check-context';
import { tlsProtocolOn } from './helpers/tls-protocol';

function hex(v: number | null | undefined): string {
  return v === null || v === undefined ? 'unset' : v > 9 ? `0x${v.toString(16)}` : String(v);
}

export const windowsUpdates = defineCheck({
  id: 'windows.updates',
  title: 'Updates Site Recovery needs on older Windows',
  description:
    'Windows Server 2008 R2 and Windows 7 need KB4490628 and KB4474419 (SHA-2); 2008 R2 and 2012 need TLS 1.2 enabled for WinHTTP (KB3140245 and SChannel/.NET values).',
  platforms: ['windows'],
  timeoutMs: 70_000,
  needs: ['windowsGuest'],
  explain: {
    judges:
      'Fails when Windows Server 2008 R2 / 7 lacks the SHA-2 or servicing-stack updates, or 2008 R2 / 2012 lacks TLS 1.2 for WinHTTP and the SChannel/.NET values.',
    sources: ['Azure-to-Azure support matrix, Windows rows: KB4490628 and KB4474419 (SHA-2); KB3140245 (TLS 1.2)'],
    remediation: 'Install the missing updates and set the TLS 1.2 values, then reboot.',
  },
  async run(ctx) {
    return [evaluateUpdates(await ctx.facts.windowsGuest(), ctx.catalog.supportMatrix)];
  },
});

export function evaluateUpdates(g: WindowsGuestFacts, matrix: SupportMatrix): CheckOutcome {
  const v = g.version;
  const entry = v?.build != null ? matrix.windows.find((w) => w.server === v.isServer && v.build! >= w.minBuild && v.build! <= w.maxBuild) : undefined;
  const evidence = {
    matched: entry?.id ?? null,
    hotfixSource: g.hotfixSource,
    hotfixCount: g.hotfixes?.length ?? null,
    tls12Client: g.tls12Client,
    tls12Server: g.tls12Server ?? null,
    dotnet: g.dotnet,
  };
  if (!entry) return { status: 'skip', summary: 'The Windows version is not in the matrix (see os.supported), so no update list applies.', evidence };
  if (entry.updates.length === 0 && !entry.tlsRegistry) return { status: 'pass', summary: `${entry.name} needs no extra updates for Site Recovery.`, evidence };
  const problems: string[] = [];
  const fixes: string[] = [];
  // Read as SChannel reads it: any non-zero Enabled is enabled (0xffffffff from IIS Crypto included).
  const tlsOk = tlsProtocolOn(g.tls12Client);
  if (g.hotfixes === null) problems.push('the installed updates could not be listed');
  else {
    for (const u of entry.updates) {
      if (g.hotfixes.includes(u.kb)) continue;
      if (u.kb === 'KB3140245' && tlsOk) continue; // superseded by later rollups; the registry shows TLS 1.2 is on
      problems.push(`${u.kb} is not installed (${u.why})`);
      fixes.push(`Install ${u.kb} from the Microsoft Update Catalog (or a later rollup that includes it) and reboot.`);
    }
  }
  if (entry.tlsRegistry && !tlsOk) {
    problems.push(
      `TLS 1.2 is not enabled for clients (SCHANNEL\\Protocols\\TLS 1.2\\Client Enabled=${hex(g.tls12Client?.enabled)}, DisabledByDefault=${hex(g.tls12Client?.disabledByDefault)})`,
    );
    fixes.push(
      'Set HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client: Enabled=1 and DisabledByDefault=0 (DWORD), then reboot.',
    );
  }
  if (entry.tlsRegistry && !(g.dotnet?.systemDefaultTlsVersions === 1 && g.dotnet.schUseStrongCrypto === 1)) {
    problems.push('.NET is not set to use the system TLS versions (SystemDefaultTlsVersions=1, SchUseStrongCrypto=1 under .NETFramework\\v4.0.30319)');
    fixes.push(
      'Set SystemDefaultTlsVersions=1 and SchUseStrongCrypto=1 (DWORD) under HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319 and HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319.',
    );
  }
  if (problems.length === 0) return { status: 'pass', summary: `${entry.name} has the updates and TLS 1.2 settings Site Recovery needs.`, evidence };
  return {
    status: 'fail',
    summary: `${entry.name}: ${problems.join('; ')}. Without SHA-2 support the agent install fails; without TLS 1.2 replication fails (Winsock 10054).`,
    remediation: fixes.map((f, i) => `${i + 1}. ${f}`).join('\n') || 'List updates with Get-HotFix and install the missing ones.',
    evidence,
  };
}
