// azure.target-region: the source → target pair against the region catalog (reference §4.1), from
// control-plane facts fed from the samples (test/checks/helpers/control-plane.ts).
import { describe, expect, it } from 'vitest';
import { azureTargetRegion, evaluateTargetRegion } from '../../src/checks/azure-target-region';
import type { ControlPlaneFacts } from '../../src/facts/control-plane/types';
import { controlPlane, factsWith } from './helpers/control-plane';
import { contextOf } from './helpers/context';

const pair = (source: string | null, target: string | null): ControlPlaneFacts => ({
  ...controlPlane(),
  sourceRegion: source ? { name: source, given: source, from: 'imds' } : { name: null, given: null, from: null },
  targetRegion: target ? { name: target, given: target, from: 'option' } : { name: null, given: null, from: null },
});

describe('azure.target-region', () => {
  it('passes East US → West US through the check, naming both regions and the matrix', async () => {
    const [outcome] = await azureTargetRegion.run(contextOf(azureTargetRegion, factsWith(controlPlane())));
    expect(outcome).toMatchObject({ status: 'pass', summary: expect.stringContaining('East US → West US is supported') });
    expect(outcome!.evidence).toMatchObject({
      sourceRegion: { name: 'eastus', from: 'imds' },
      targetRegion: { name: 'westus', from: 'option' },
      judgement: { valid: true },
      sources: [{ request: 'GET http://169.254.169.254/metadata/instance', apiVersion: '2021-12-13' }],
    });
  });

  it.each([
    ['eastus', 'westus', 'pass'],
    ['eastus', 'eastus', 'fail'], // same region: zone-to-zone, not Azure-to-Azure (inference)
    ['brazilsouth', 'westus', 'pass'],
    ['brazilsouth', 'westeurope', 'fail'], // Brazil South's target list
    ['brazilsoutheast', 'brazilsouth', 'fail'], // target-only region as source
    ['eastus', 'switzerlandwest', 'fail'], // restricted region reserved for Switzerland North
    ['switzerlandnorth', 'switzerlandwest', 'warn'], // allowed once both subscriptions are allowlisted
    ['eastus', 'usgovvirginia', 'fail'], // another cloud
    ['eastus', 'atlantis', 'warn'], // not in the catalog
  ])('%s → %s is %s', (source, target, status) => {
    const outcome = evaluateTargetRegion(pair(source, target));
    expect(outcome.status).toBe(status);
    if (status === 'fail') expect(outcome.remediation).toContain('Choose another target region');
  });

  // It reads no ARM resource (the regions come from IMDS and the options), so no 403 can reach it.
  it('skips without a target region (saying: give --target-region NAME) or without a source region', () => {
    const none = evaluateTargetRegion(pair('eastus', null));
    expect(none).toMatchObject({ status: 'skip', summary: expect.stringContaining('Give --target-region NAME') });
    expect(none.remediation).toContain('--target-region NAME');
    const noSource = evaluateTargetRegion(pair(null, 'westus'));
    expect(noSource).toMatchObject({ status: 'skip', summary: expect.stringContaining('the source region is unknown') });
    expect(noSource.remediation).toContain('--region NAME');
  });

  it('an unreadable --target-region is a skip naming it', () => {
    const cp = { ...controlPlane(), targetRegion: { name: null, given: 'West Nowhere 9', from: 'option' as const } };
    expect(evaluateTargetRegion(cp)).toMatchObject({ status: 'skip', summary: expect.stringContaining('"West Nowhere 9" is not an Azure region name') });
  });

  it('the restricted pair names the allowlisting it needs', () => {
    const outcome = evaluateTargetRegion(pair('switzerlandnorth', 'switzerlandwest'));
    expect(outcome.summary).toContain('allowlisted');
    expect(outcome.remediation).toContain('both the source and the target subscription');
  });
});
