// Windows checks: windows.services (151025: COM+ System Application and Volume Shadow Copy must not
// be disabled), windows.updates (SHA-2 and servicing-stack updates on 2008 R2/7; TLS 1.2 updates and
// SChannel/.NET values on 2008 R2/2012), windows.pending-reboot.
import type { Check } from '../core/check';
import type { CheckOutcome } from '../core/finding';
import { SUPPORT_MATRIX, type SupportMatrix } from '../catalog/support-matrix';
import type { WindowsGuestFacts } from '../facts/windows/read-windows-guest';
import { tlsProtocolOn } from '../facts/windows/guest-parsers';

function hex(v: number | null | undefined): string {
  return v === null || v === undefined ? 'unset' : v > 9 ? `0x${v.toString(16)}` : String(v);
}

export const windowsServices: Check = {
  id: 'windows.services',
  title: 'COM+ System Application and Volume Shadow Copy',
  description: 'Both services must be Automatic or Manual; disabled, enablement fails with 151025.',
  platforms: ['windows'],
  timeoutMs: 70_000,
  async run(ctx) {
    return [evaluateServices(await ctx.facts.windowsGuest())];
  },
};

export function evaluateServices(g: WindowsGuestFacts): CheckOutcome {
  const names = { COMSysApp: 'COM+ System Application (COMSysApp)', VSS: 'Volume Shadow Copy (VSS)' } as const;
  const evidence = { services: g.services, problems: g.problems };
  const disabled = (Object.keys(names) as Array<keyof typeof names>).filter((k) => g.services[k] === 'disabled');
  if (disabled.length) {
    return {
      status: 'fail',
      summary: `${disabled.map((k) => names[k]).join(' and ')} ${disabled.length > 1 ? 'are' : 'is'} disabled; enabling replication fails with 151025.`,
      remediation: disabled.map((k) => `sc config ${k} start= demand`).join('\n'),
      asrErrorCodes: [151025],
      evidence,
    };
  }
  const unknown = (Object.keys(names) as Array<keyof typeof names>).filter((k) => g.services[k] === null);
  if (unknown.length) return { status: 'warn', summary: `The start type of ${unknown.map((k) => names[k]).join(' and ')} could not be read.`, remediation: 'Run asr-ready as an administrator, or check with: sc qc COMSysApp and sc qc VSS', evidence };
  return { status: 'pass', summary: `COM+ System Application is ${g.services.COMSysApp} and Volume Shadow Copy is ${g.services.VSS}.`, evidence };
}

export const windowsUpdates: Check = {
  id: 'windows.updates',
  title: 'Updates Site Recovery needs on older Windows',
  description: 'Windows Server 2008 R2 and Windows 7 need KB4490628 and KB4474419 (SHA-2); 2008 R2 and 2012 need TLS 1.2 enabled for WinHTTP (KB3140245 and SChannel/.NET values).',
  platforms: ['windows'],
  timeoutMs: 70_000,
  async run(ctx) {
    return [evaluateUpdates(await ctx.facts.windowsGuest(), SUPPORT_MATRIX)];
  },
};

export function evaluateUpdates(g: WindowsGuestFacts, matrix: SupportMatrix): CheckOutcome {
  const v = g.version;
  const entry = v?.build != null ? matrix.windows.find((w) => w.server === v.isServer && v.build! >= w.minBuild && v.build! <= w.maxBuild) : undefined;
  const evidence = { matched: entry?.id ?? null, hotfixSource: g.hotfixSource, hotfixCount: g.hotfixes?.length ?? null, tls12Client: g.tls12Client, tls12Server: g.tls12Server ?? null, dotnet: g.dotnet };
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
    problems.push(`TLS 1.2 is not enabled for clients (SCHANNEL\\Protocols\\TLS 1.2\\Client Enabled=${hex(g.tls12Client?.enabled)}, DisabledByDefault=${hex(g.tls12Client?.disabledByDefault)})`);
    fixes.push('Set HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client: Enabled=1 and DisabledByDefault=0 (DWORD), then reboot.');
  }
  if (entry.tlsRegistry && !(g.dotnet?.systemDefaultTlsVersions === 1 && g.dotnet.schUseStrongCrypto === 1)) {
    problems.push('.NET is not set to use the system TLS versions (SystemDefaultTlsVersions=1, SchUseStrongCrypto=1 under .NETFramework\\v4.0.30319)');
    fixes.push('Set SystemDefaultTlsVersions=1 and SchUseStrongCrypto=1 (DWORD) under HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319 and HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319.');
  }
  if (problems.length === 0) return { status: 'pass', summary: `${entry.name} has the updates and TLS 1.2 settings Site Recovery needs.`, evidence };
  return {
    status: 'fail',
    summary: `${entry.name}: ${problems.join('; ')}. Without SHA-2 support the agent install fails; without TLS 1.2 replication fails (Winsock 10054).`,
    remediation: fixes.map((f, i) => `${i + 1}. ${f}`).join('\n') || 'List updates with Get-HotFix and install the missing ones.',
    evidence,
  };
}

export const windowsPendingReboot: Check = {
  id: 'windows.pending-reboot',
  title: 'No reboot pending',
  description: 'A pending reboot (updates, renamed files, a removed Mobility agent) makes the agent installation fail or wait (151081, 151083).',
  platforms: ['windows'],
  timeoutMs: 70_000,
  async run(ctx) {
    return [evaluatePendingReboot(await ctx.facts.windowsGuest())];
  },
};

export function evaluatePendingReboot(g: WindowsGuestFacts): CheckOutcome {
  const evidence = { reasons: g.pendingReboot };
  if (g.pendingReboot === null) return { status: 'skip', summary: 'Pending-reboot markers could not be read.', evidence };
  if (g.pendingReboot.length === 0) return { status: 'pass', summary: 'No reboot is pending.', evidence };
  return {
    status: 'warn',
    summary: `A reboot is pending: ${g.pendingReboot.join('; ')}. The Mobility agent installation may fail (151081) or wait for it (151083).`,
    remediation: 'Reboot the VM before enabling replication.',
    asrErrorCodes: [151081, 151083],
    evidence,
  };
}
