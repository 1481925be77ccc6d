// Check windows.services (151025): COM+ System Application and Volume Shadow Copy must not be disabled.
import type { CheckOutcome } from '../core/finding';
import type { WindowsGuestFacts } from '../facts/windows/read-windows-guest';
import { defineCheck } from './helpers/check-context';

export const windowsServices = defineCheck({
  id: 'windows.services',
  title: 'COM+ System Application and Volume Shadow Copy',
  description: 'Both services must be Automatic or Manual; disabled, enablement fails with 151025.',
  platforms: ['windows'],
  timeoutMs: 70_000,
  needs: ['windowsGuest'],
  explain: {
    judges: 'Fails when COM+ System Application or Volume Shadow Copy is disabled; warns when the start type cannot be read.',
    sources: ['Site Recovery troubleshooting: error 151025 (COM+ and VSS must not be disabled)'],
    asrErrorCodes: [151025],
    remediation: 'sc config COMSysApp start= demand and sc config VSS start= demand',
  },
  async run(ctx) {
    return [evaluateServices(await ctx.facts.windowsGuest())];
  },
});

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
  if (unknown.length)
    return {
      status: 'warn',
      summary: `The start type of ${unknown.map((k) => names[k]).join(' and ')} could not be read.`,
      remediation: 'Run asr-ready as an administrator, or check with: sc qc COMSysApp and sc qc VSS',
      evidence,
    };
  return { status: 'pass', summary: `COM+ System Application is ${g.services.COMSysApp} and Volume Shadow Copy is ${g.services.VSS}.`, evidence };
}
