// Disk churn samples (src/facts/churn.ts): the recorded /proc/diskstats and typeperf CSV, and writes
// measured a second apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDiskstats, parseTypeperfCsv, sampleChurn } from '../../src/facts/churn';
import { withGuest } from '../helpers/fake-guest';
import { fixture } from '../helpers/paths';

describe('churn samples', () => {
  it('reads whole disks from the recorded /proc/diskstats (no partitions, loops or device-mapper)', () => {
    expect([...parseDiskstats(readFileSync(fixture('linux', 'proc', 'diskstats-ubuntu-lvm.jc.txt'), 'utf8'))]).toEqual([['sda', 715384]]);
  });

  it('reads typeperf CSV (recorded, CRLF)', () => {
    expect(parseTypeperfCsv(readFileSync(fixture('windows', 'typeperf.paging-file-commit-limit.github-windows-runner.crlf.txt'), 'utf8'))).toEqual([
      { counter: '\\\\runnervmvmocb\\Paging File(_Total)\\% Usage', values: [0] },
      { counter: '\\\\runnervmvmocb\\Memory\\Commit Limit', values: [20261367808] },
    ]);
  });

  it('measures churn from /proc/diskstats samples a second apart', async () => {
    const churn = await withGuest(
      (g) => g.write('/proc/diskstats', '   8       0 sda 1 0 0 0 10 0 1000 0 0 0 0\n   8      16 sdb 1 0 0 0 10 0 0 0 0 0 0\n'),
      async (g) => {
        // sda writes 20,000,000 bytes (39,062.5 sectors → 39,063) during the second second
        const writer = setTimeout(
          () => writeFileSync(g.path('/proc/diskstats'), '   8       0 sda 1 0 0 0 10 0 40063 0 0 0 0\n   8      16 sdb 1 0 0 0 10 0 0 0 0 0 0\n'),
          1400,
        );
        try {
          return await sampleChurn(g.root, 'linux', 2, ['sdb']);
        } finally {
          clearTimeout(writer);
        }
      },
    );
    expect(churn.samples).toBe(2);
    expect(churn.disks.map((d) => d.disk)).toEqual(['sda']);
    expect(churn.disks[0]!.bytesWritten).toBe(39063 * 512);
    expect(churn.disks[0]!.peakMBps).toBeGreaterThan(15);
    expect(churn.vmAverageMBps).toBeCloseTo(10, 0);
  });
});
