// azure.eligibility: Azure's replication-eligibility result (reference §2.9; the sample reports
// A2AOperatingSystemNotSupported for Ubuntu 18.04) beside os.supported's verdict on the same guest,
// and what the finding says when they disagree.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { azureEligibility, evaluateEligibility, ownOsVerdict } from '../../src/checks/azure-eligibility';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import { ARM_API_VERSIONS } from '../../src/facts/control-plane/api-versions';
import { readHostFacts } from '../../src/facts/host';
import type { KernelFacts } from '../../src/facts/linux/kernel';
import { FakeGuest } from '../helpers/fake-guest';
import { fixture } from '../helpers/paths';
import { controlPlane, eligibilityBody, factsWith, forbidden, unavailable, VM_PATH } from './helpers/control-plane';
import { contextOf } from './helpers/context';

const NOW = new Date('2026-11-27T12:00:00Z');
const kernel: KernelFacts = { release: null, source: 'running', installed: [], debianVersion: null };
const guests: FakeGuest[] = [];
afterAll(() => guests.forEach((g) => g.remove()));
async function hostOf(osRelease: string) {
  const g = new FakeGuest().write('/etc/os-release', readFileSync(fixture('linux', 'os-release', osRelease)));
  guests.push(g);
  return { ...(await readHostFacts(g.root, 'linux')), arch: 'x86_64' };
}
const ownOf = async (osRelease: string) =>
  ownOsVerdict(
    () => hostOf(osRelease),
    async () => kernel,
    async () => null,
    SUPPORT_MATRIX,
    NOW,
  );
const noErrors = () => ({ ...eligibilityBody(), properties: { errors: [] } });
const PATH = `${VM_PATH}/providers/Microsoft.RecoveryServices/replicationEligibilityResults/default`;

describe('azure.eligibility', () => {
  it('the sample (A2AOperatingSystemNotSupported for Ubuntu 18.04) on an Ubuntu 18.04 guest: fail, and says plainly that os.supported disagrees', async () => {
    const host = await hostOf('ubuntu-18.04');
    const windowsGuest = async () => {
      throw new Error('not read on Linux');
    };
    const facts = factsWith(controlPlane(), { host: async () => host, linuxGuest: async () => ({ kernel }), windowsGuest });
    const [outcome] = await azureEligibility.run({ ...contextOf(azureEligibility, facts), now: NOW });
    expect(outcome!.status).toBe('fail');
    expect(outcome!.summary).toContain(
      "Azure's eligibility check reports that this VM cannot be protected as it is: A2AOperatingSystemNotSupported (Error): The A2A operation could not be completed as the virtual machine is running OS 'ubuntu' with version '18.04' which is not supported for replication; possible causes: OS version not supported.",
    );
    expect(outcome!.summary).toContain(
      "Azure and asr-ready disagree: Azure reports the operating system is not supported, but asr-ready's os.supported says warn: Ubuntu 18.04 is in the support matrix",
    );
    expect(outcome!.remediation).toContain('https://aka.ms/a2a-os-support-matrix');
    expect(outcome!.evidence).toMatchObject({
      azureErrorCodes: ['A2AOperatingSystemNotSupported'],
      ownOsVerdict: { status: 'warn' },
      sources: [{ request: `GET ${PATH}`, apiVersion: ARM_API_VERSIONS.replicationEligibility }],
    });
  });

  it('Azure and os.supported agree that the OS is unsupported (Ubuntu 12.04): fail, no disagreement', async () => {
    const outcome = evaluateEligibility(controlPlane(), await ownOf('ubuntu-12.04'));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('os.supported agrees (fail)');
    expect(outcome.summary).not.toContain('disagree');
  });

  it('no errors and os.supported passes: pass, saying they agree', async () => {
    const outcome = evaluateEligibility(controlPlane({ eligibility: noErrors() }), await ownOf('ubuntu-22.04'));
    expect(outcome).toMatchObject({ status: 'pass', summary: expect.stringContaining('reports no errors for this VM') });
    expect(outcome.summary).toContain('It agrees with os.supported (pass)');
  });

  it('no errors but os.supported fails: a warning that says they disagree, not noise', async () => {
    const outcome = evaluateEligibility(controlPlane({ eligibility: noErrors() }), await ownOf('debian-13'));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(
      "Azure and asr-ready disagree: Azure reports no operating-system problem, but asr-ready's os.supported says fail: Debian 13",
    );
  });

  it('a Warning only from Azure is a warning', () => {
    const body = eligibilityBody();
    const errors = (body.properties as { errors: Array<Record<string, unknown>> }).errors;
    errors[0] = { ...errors[0], code: 'A2ADiskNotReady', status: 'Warning', possibleCauses: 'A disk is not ready.' };
    expect(evaluateEligibility(controlPlane({ eligibility: body }), { status: 'pass', summary: 'ok' }).status).toBe('warn');
  });

  it('without the guest facts it still shows what Azure reports', () => {
    const outcome = evaluateEligibility(controlPlane(), null);
    expect(outcome.status).toBe('fail');
    expect(outcome.evidence).toMatchObject({ ownOsVerdict: null });
  });

  it('403 is a skip with the exact command', () => {
    const outcome = evaluateEligibility(
      {
        ...controlPlane(),
        eligibility: forbidden(PATH, 'Microsoft.RecoveryServices/replicationEligibilityResults/read', ARM_API_VERSIONS.replicationEligibility),
      },
      null,
    );
    expect(outcome.status).toBe('skip');
    expect(outcome.remediation).toContain(
      'az role assignment create --assignee-object-id 0a1b2c3d-0000-4000-8000-0123456789ab --assignee-principal-type ServicePrincipal --role Reader --scope /subscriptions/',
    );
  });

  it('404 says the provider registration need is unconfirmed', () => {
    const outcome = evaluateEligibility({ ...controlPlane(), eligibility: unavailable('not-found', 'ARM answered 404') }, null);
    expect(outcome).toMatchObject({ status: 'skip', summary: expect.stringContaining('unconfirmed') });
  });
});
