import { describe, expect, it } from 'vitest';
import { evaluateDisks } from '../../src/checks/storage-disks';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import type { AzureCompute } from '../../src/facts/azure-metadata';
import { storageFromOutput } from '../../src/facts/windows/windows-storage';
import { withGuest } from '../helpers/fake-guest';
import { formatListObject } from '../helpers/windows-text';
import { disk, guestFacts } from './helpers/linux-storage';
import { azureVm, compute, facts, windowsDisks, windowsFixture } from './helpers/windows-storage-layout';

const GiB = 1024 ** 3;

describe('storage.disks', () => {
  const compute = (extra: Partial<AzureCompute> = {}): AzureCompute => ({
    azEnvironment: 'AzurePublicCloud',
    location: 'westeurope',
    vmId: 'v',
    vmSize: 'Standard_D4s_v5',
    osType: 'Linux',
    resourceId: '',
    zone: '',
    securityType: '',
    encryptionAtHost: 'false',
    osDisk: { name: 'os', diskSizeGB: '30', ephemeral: false, unmanaged: false, writeAcceleratorEnabled: 'false' },
    dataDisks: [],
    ...extra,
  });

  it('passes an OS disk with partitions, a used data disk, and ignores the temporary disk, using /dev/disk/azure roles', async () => {
    const outcome = await withGuest(
      (g) => {
        disk(g, 'sda', 30 * GiB, { partitions: ['sda1', 'sda2'] });
        disk(g, 'sdb', 16 * GiB, { partitions: ['sdb1'] });
        disk(g, 'sdc', 128 * GiB, { holders: ['dm-0'] });
        disk(g, 'loop0', 100 * 1024 ** 2);
        g.symlink('/dev/disk/azure/root', '../../sda').symlink('/dev/disk/azure/resource', '../../sdb').symlink('/dev/disk/azure/scsi1/lun0', '../../../sdc');
      },
      async (g) => {
        const facts = await guestFacts(g);
        expect(facts.disks.map((d) => [d.name, d.role, d.lun])).toEqual([
          ['sda', 'os', null],
          ['sdb', 'resource', null],
          ['sdc', 'data', '0'],
        ]);
        return evaluateDisks(facts.disks, facts.mounts, null, SUPPORT_MATRIX);
      },
    );
    expect(outcome).toMatchObject({ status: 'pass', summary: 'Disks within the limits: /dev/sda os 30 GiB, /dev/sdc data 128 GiB.' });
  });

  it('flags an uninitialised data disk (150039), a disk under 1 GiB (150172) and an NVMe interface', async () => {
    const outcome = await withGuest(
      (g) => {
        disk(g, 'sda', 30 * GiB, { partitions: ['sda1'] });
        disk(g, 'sdc', 64 * GiB);
        disk(g, 'sdd', 512 * 1024 ** 2, { partitions: ['sdd1'] });
        disk(g, 'nvme0n1', 64 * GiB, { partitions: ['nvme0n1p1'], model: 'MSFT NVMe Accelerator v1.0' });
        g.write('/etc/fstab', '/dev/sda1 / ext4 defaults 0 1\n');
      },
      async (g) => {
        const facts = await guestFacts(g);
        return evaluateDisks(facts.disks, facts.mounts, null, SUPPORT_MATRIX);
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.asrErrorCodes).toEqual([150039, 150172]);
    expect(outcome.summary).toBe(
      '/dev/nvme0n1 is attached over NVMe; data disk /dev/sdc has no partition, file system or volume on it; /dev/sdd is 0.5 GiB, under the 1 GiB minimum.',
    );
  });

  it('ignores local NVMe temporary disks (Microsoft NVMe Direct Disk)', async () => {
    const outcome = await withGuest(
      (g) => {
        disk(g, 'sda', 30 * GiB, { partitions: ['sda1'] });
        disk(g, 'nvme0n1', 440 * GiB, { model: 'Microsoft NVMe Direct Disk' });
        g.write('/etc/fstab', '/dev/sda1 / ext4 defaults 0 1\n');
      },
      async (g) => {
        const facts = await guestFacts(g);
        return evaluateDisks(facts.disks, facts.mounts, null, SUPPORT_MATRIX);
      },
    );
    expect(outcome.status).toBe('pass');
  });

  it('fails Write Accelerator and encryption at host from IMDS, and warns for unmanaged disks', () => {
    const outcome = evaluateDisks(
      [],
      null,
      compute({
        encryptionAtHost: 'true',
        osDisk: { name: 'os', diskSizeGB: '30', ephemeral: false, unmanaged: true, writeAcceleratorEnabled: 'false' },
        dataDisks: [
          {
            lun: '0',
            name: 'd0',
            diskSizeGB: '1024',
            isUltraDisk: 'false',
            isSharedDisk: 'false',
            writeAcceleratorEnabled: 'true',
            storageAccountType: 'Premium_LRS',
          },
        ],
      }),
      SUPPORT_MATRIX,
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'encryption at host is enabled; Write Accelerator is enabled on data disk LUN 0; the VM uses unmanaged (VHD) disks, which Azure retired on 2026-03-31.',
    );
  });
});

describe('storage.disks on Windows', () => {
  it('passes the hand-written Azure layout: the temporary disk is not judged, sizes within the limits', () => {
    const outcome = windowsDisks(facts(azureVm()));
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: 'Disks within the limits: disk 0 (Msft Virtual Disk) os 127 GiB SAS, disk 2 (Msft Virtual Disk) data 512 GiB SAS (1 data disk(s) in IMDS).',
    });
    expect((outcome.evidence!.disks as Array<{ role: string }>).map((d) => d.role)).toEqual(['os', 'temporary', 'data']);
  });

  it('judges the recorded offline Azure data disk (LUN 1) as a data disk, and the recorded boot/system disk as the OS disk', () => {
    const disk = formatListObject(windowsFixture('get-disk.select-all.azure-vm.offline-data-disk-lun1.excerpt.txt'));
    const outcome = windowsDisks(facts({ disks: [disk] }));
    expect((outcome.evidence!.disks as Array<{ role: string; number: number }>).map((d) => [d.number, d.role])).toEqual([[3, 'data']]);
    expect(outcome.status).toBe('pass');
    const osOnly = windowsDisks(facts({ disks: [formatListObject(windowsFixture('get-disk.select-all.vmware-vm.os-disk.excerpt.txt'))] }));
    expect((osOnly.evidence!.disks as Array<{ role: string }>)[0]!.role).toBe('os');
  });

  it('fails NVMe, an OS disk over 4,095 GiB, a data disk over 32 TiB and under 1 GiB (150172); warns uninitialised (150039)', () => {
    const doc = azureVm({
      disks: [
        { Number: 3, Size: 33 * 1024 * GiB, BusType: 17, PartitionStyle: 2 },
        { Number: 4, Size: 0.5 * GiB, BusType: 10, PartitionStyle: 0 },
      ],
    });
    (doc.disks as Array<{ Size: number }>)[0]!.Size = 4096 * GiB;
    const outcome = windowsDisks(facts(doc));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'the OS disk 0 (Msft Virtual Disk) is 4096 GiB, over 4095 GiB; disk 3 is 33792 GiB, over 32768 GiB; disk 3 is attached over NVMe; disk 4 is 0.5 GiB, under the 1 GiB minimum; data disk 4 is not initialised (no partition table).',
    );
    expect(outcome.asrErrorCodes).toEqual([150039, 150172]);
  });

  it('does not judge a local NVMe temporary disk (Microsoft NVMe Direct Disk)', () => {
    expect(
      windowsDisks(facts(azureVm({ disks: [{ Number: 5, FriendlyName: 'Microsoft NVMe Direct Disk', Size: 440 * GiB, BusType: 17, PartitionStyle: 0 }] })))
        .status,
    ).toBe('pass');
  });

  it('warns for a dynamic disk (GPT LDM or MBR 0x42): the matrix does not state it', () => {
    const outcome = windowsDisks(facts(azureVm({ partitions: [{ DiskNumber: 2, PartitionNumber: 1, GptType: '{5808C8AA-7E8F-42E0-85D2-E1E90434CFB3}' }] })));
    expect(outcome).toMatchObject({
      status: 'warn',
      summary: 'disk 2 (Msft Virtual Disk) is a dynamic disk: the support matrix does not state whether dynamic disks are supported (not stated).',
    });
    expect(windowsDisks(facts(azureVm({ partitions: [{ DiskNumber: 2, PartitionNumber: 1, MbrType: 66 }] }))).status).toBe('warn');
  });

  it('passes Storage Spaces (named), warns for a clustered pool (S2D: crash-consistent only)', () => {
    const spaces = windowsDisks(
      facts(
        azureVm({
          disks: [{ Number: 6, FriendlyName: 'Data Space', Size: 2048 * GiB, BusType: 16, PartitionStyle: 2 }],
          pools: [{ FriendlyName: 'DataPool', IsPrimordial: false, IsClustered: false }],
        }),
      ),
    );
    expect(spaces).toMatchObject({ status: 'pass', summary: expect.stringContaining('; Storage Spaces pool(s) "DataPool" (supported)') });
    const s2d = windowsDisks(facts(azureVm({ pools: [{ FriendlyName: 'S2D on Cluster1', IsPrimordial: false, IsClustered: true }] })));
    expect(s2d).toMatchObject({
      status: 'warn',
      summary: 'clustered storage (storage pool "S2D on Cluster1"): Storage Spaces Direct / Scale-Out File Server replicate crash-consistent only.',
    });
  });

  it('counts local data disks against 64 when IMDS is not reached', () => {
    const many = Array.from({ length: 65 }, (_, i) => ({ Number: 10 + i, Size: 4 * GiB, BusType: 10, PartitionStyle: 2 }));
    expect(windowsDisks(facts(azureVm({ disks: many })), null).summary).toContain('66 data disks, over the 64 a replicated VM may have');
  });

  it('merges what IMDS says (encryption at host fails) with the local layout', () => {
    const c = { ...compute(1), encryptionAtHost: 'true' };
    expect(windowsDisks(facts(azureVm()), c)).toMatchObject({ status: 'fail', summary: 'encryption at host is enabled.' });
  });

  it('never passes on zero disks: failed read → warn with IMDS, skip without', () => {
    expect(windowsDisks(storageFromOutput('garbage'))).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/^the disks inside Windows were not judged \(PowerShell did not print the expected JSON/),
    });
    expect(windowsDisks(facts({ disks: [] }), null)).toMatchObject({
      status: 'skip',
      summary: 'No disks found: the disks inside Windows were not judged (no disk listed) and IMDS was not reached.',
    });
    expect(windowsDisks(facts({ disks: [{ Number: 1, BusType: 16 }] })).status).toBe('warn');
  });
});
