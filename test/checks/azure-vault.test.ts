// azure.vault: where the subscription's Recovery Services vaults are, against the target and source
// regions (reference §4.2), from the vault list sample (three vaults in westus).
import { describe, expect, it } from 'vitest';
import { azureVault, evaluateVault } from '../../src/checks/azure-vault';
import { ARM_API_VERSIONS } from '../../src/facts/control-plane/api-versions';
import type { FactsApi } from '../../src/checks/helpers/check-context';
import { armFixtureBody } from '../helpers/fake-arm';
import { controlPlane, factsWith, forbidden, SUB, unavailable } from './helpers/control-plane';
import { contextOf } from './helpers/context';

type Vault = { name: string; location: string; id: string; properties: { provisioningState: string } };
const sample = () => structuredClone((armFixtureBody('recoveryservices-2025-08-01.ListBySubscriptionIds.json') as { value: Vault[] }).value);
const at = (location: string, state = 'Succeeded') => sample().map((v) => ({ ...v, location, properties: { provisioningState: state } }));

describe('azure.vault', () => {
  it('passes when a vault is in the target region (the sample: three in westus), naming them and the ARM source', async () => {
    const [outcome] = await azureVault.run(contextOf(azureVault, factsWith(controlPlane({ target: 'westus' }))));
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: 'Recovery Services vault in the target region West US (westus): patchtest (westus), swaggerExample (westus), today1 (westus).',
    });
    expect(outcome!.evidence).toMatchObject({
      sources: [{ request: `GET /subscriptions/${SUB}/providers/Microsoft.RecoveryServices/vaults`, apiVersion: ARM_API_VERSIONS.vaults }],
    });
  });

  it('compares locations as ARM mixes them ("West US" and westus)', () => {
    expect(evaluateVault(controlPlane({ target: 'westus', vaults: at('West US') })).status).toBe('pass');
  });

  it('warns when the vaults are only in a third region, naming where, and that the target region is recommended', () => {
    const outcome = evaluateVault(controlPlane({ target: 'westus2' }));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(
      'No Recovery Services vault in the target region West US 2 (westus2); patchtest (westus), swaggerExample (westus), today1 (westus) are in a third region',
    );
    expect(outcome.summary).toContain('Microsoft recommends keeping the vault in the target region');
    expect(outcome.remediation).toContain('az backup vault create --resource-group <rg> --name <vault> --location westus2');
  });

  it('warns when the only vaults are in the source region, saying they cannot protect this VM across regions', () => {
    const outcome = evaluateVault(controlPlane({ target: 'westus', vaults: at('eastus') }));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('are in the source region East US (eastus), which cannot protect this VM across regions');
    expect(outcome.summary).toContain('"Create the vault in any region, except the source region"');
  });

  it('warns (not fails) with no vault at all, saying why and what was listed', () => {
    const outcome = evaluateVault(controlPlane({ target: 'westus', vaults: [] }));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(`No Recovery Services vault in subscription ${SUB}`);
    expect(outcome.summary).toContain('A warning, not a failure');
    expect(outcome.summary).toContain('a vault in another subscription of the same tenant is not seen here');
  });

  it('a vault in the target region that is not provisioned warns', () => {
    expect(evaluateVault(controlPlane({ target: 'westus', vaults: at('westus', 'Failed') }))).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('provisioning state Failed'),
    });
  });

  it('New Zealand North as the target: no vault can be created there, so a third region is the way', () => {
    const outcome = evaluateVault(controlPlane({ target: 'newzealandnorth' }));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('does not allow creating a Recovery Services vault');
    expect(outcome.remediation).toBeNull();
  });

  it('without a target region it skips, saying give --target-region NAME, and still names a vault in the source region', () => {
    const outcome = evaluateVault(controlPlane({ target: null, vaults: at('eastus') }));
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toContain('Give --target-region NAME');
    expect(outcome.summary).toContain('in the source region East US (eastus)');
  });

  it('403 on the vault list is a skip naming the role and the exact command, never a failure', () => {
    const path = `/subscriptions/${SUB}/providers/Microsoft.RecoveryServices/vaults`;
    const outcome = evaluateVault({ ...controlPlane(), vaults: forbidden(path, 'Microsoft.RecoveryServices/vaults/read', ARM_API_VERSIONS.vaults) });
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toContain(
      `ARM refused Microsoft.RecoveryServices/vaults/read over ${path} (403 AuthorizationFailed): it needs the Reader role on /subscriptions/${SUB}`,
    );
    expect(outcome.remediation).toContain(
      `az role assignment create --assignee-object-id 0a1b2c3d-0000-4000-8000-0123456789ab --assignee-principal-type ServicePrincipal --role Reader --scope /subscriptions/${SUB}`,
    );
    expect(outcome.evidence).toMatchObject({ read: 'forbidden', sources: [{ request: `GET ${path}`, apiVersion: ARM_API_VERSIONS.vaults }] });
  });

  it('a 403 whose principal is unknown tells how to find it', () => {
    const path = `/subscriptions/${SUB}/providers/Microsoft.RecoveryServices/vaults`;
    const outcome = evaluateVault({ ...controlPlane(), vaults: forbidden(path, 'Microsoft.RecoveryServices/vaults/read', ARM_API_VERSIONS.vaults, null) });
    expect(outcome.remediation).toContain('--assignee-object-id <principal-id>');
    expect(outcome.remediation).toContain('spID=$(az resource list -n <vmName> --query [*].identity.principalId --out tsv)');
  });

  it('a control-plane fact that could not be gathered at all (its time bound passed) is a skip, not an error', async () => {
    const facts = { controlPlane: async () => Promise.reject(new Error('gathering the control plane facts took longer than 60000 ms')) } as unknown as FactsApi;
    const [outcome] = await azureVault.run(contextOf(azureVault, facts));
    expect(outcome).toMatchObject({
      status: 'skip',
      summary: expect.stringContaining('could not be gathered: gathering the control plane facts took longer than 60000 ms'),
    });
  });

  it.each([
    ['not-azure', 'run it on the VM itself'],
    ['no-identity', 'az vm identity assign'],
    ['no-imds', '169.254.169.254'],
    ['throttled', 'again in a few minutes'],
  ] as const)('unavailable (%s) is a skip saying why and what to do', (reason, todo) => {
    const outcome = evaluateVault({ ...controlPlane(), vaults: unavailable(reason, 'because of the test') });
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toContain(`could not be read (${reason}): because of the test`);
    expect(outcome.summary).toContain(todo);
  });
});
