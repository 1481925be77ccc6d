import { describe, expect, it } from 'vitest';
import { evaluateChurn } from '../../src/checks/storage-churn';
import type { ChurnFacts } from '../../src/facts/churn';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import type { AzureCompute } from '../../src/facts/azure-metadata';

describe('storage.churn', () => {
  const churn = (avg: number[], peak = 0): ChurnFacts => ({
    seconds: 60,
    samples: 60,
    source: 'test',
    disks: avg.map((a, i) => ({ disk: `sd${'abc'[i]}`, averageMBps: a, peakMBps: Math.max(a, peak), bytesWritten: a * 60e6 })),
    vmAverageMBps: avg.reduce((s, a) => s + a, 0),
    vmPeakMBps: peak,
  });

  it.each([
    [[1, 1], 'pass'],
    [[25, 5], 'warn'],
    [[30, 30], 'fail'],
  ])('judges per-disk averages %j as %s (Premium)', (avg, status) => {
    expect(evaluateChurn(churn(avg), null, SUPPORT_MATRIX).status).toBe(status);
  });

  it('uses the 2 MB/s Standard limit when IMDS says the disks are Standard, and names 153007', () => {
    const compute = { dataDisks: [{ storageAccountType: 'Standard_LRS' }] } as unknown as AzureCompute;
    const outcome = evaluateChurn(churn([3, 1]), compute, SUPPORT_MATRIX);
    expect(outcome).toMatchObject({ status: 'warn', asrErrorCodes: [153007] });
    expect(outcome.summary).toContain('over 2 MB/s per disk for Standard replica disks (from IMDS)');
    expect(evaluateChurn(null, null, SUPPORT_MATRIX).status).toBe('skip');
  });
});
