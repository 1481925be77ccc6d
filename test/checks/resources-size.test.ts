// resources.size at its edges: memory judged on the VM size (IMDS compute.vmSize and the size
// catalog) where known, else on what the guest sees with the documented tolerance (0.8 GiB for 1 GiB).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateSize, GUEST_MEMORY_TOLERANCE, resourcesSize, sizeFromMetadata, type SizeContext } from '../../src/checks/resources-size';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import { findVmSize, validateVmSizes, VM_SIZES } from '../../src/catalog/vm-sizes';
import { readLinuxResources, type ResourceFacts } from '../../src/facts/linux/resources';
import type { AzureMetadataFacts } from '../../src/facts/azure-metadata';
import { Facts } from '../../src/facts/facts';
import type { NetworkOptions } from '../../src/facts/network';
import { FakeGuest } from '../helpers/fake-guest';
import { startFakeImds } from '../helpers/fake-imds';
import { fixture } from '../helpers/paths';
import { contextOf } from './helpers/context';

const GiB = 1024 ** 3;
const KiB = 1024;
const guest = (vcpus: number | null, memoryBytes: number | null, extra: Partial<ResourceFacts> = {}): ResourceFacts => ({
  vcpus,
  memoryBytes,
  source: '/proc/cpuinfo and /proc/meminfo',
  ...extra,
});
const known = (vmSize: string): SizeContext => ({ vmSize });
const unknown: SizeContext = { vmSize: null, unknownReason: 'not an Azure VM by its chassis asset tag, so IMDS was not asked' };

describe('resources.size: the size catalog', () => {
  it('holds the sizes near the minimum, with their nominal vCPUs and GiB', () => {
    expect(VM_SIZES.sources.length).toBeGreaterThan(0);
    const spec = (n: string) => {
      const s = findVmSize(n);
      return s && [s.vcpus, s.memoryGiB];
    };
    expect(spec('Standard_B1ls')).toEqual([1, 0.5]);
    expect(spec('Standard_B1s')).toEqual([1, 1]);
    expect(spec('Standard_B1ms')).toEqual([1, 2]);
    expect(spec('Standard_B2ats_v2')).toEqual([2, 1]);
    expect(spec('Standard_B2ts_v2')).toEqual([2, 1]);
    expect(spec('Standard_A0')).toEqual([1, 0.75]);
    expect(spec('Basic_A0')).toEqual([1, 0.75]);
    expect(spec('Standard_A1')).toEqual([1, 1.75]);
    expect(spec('Standard_A1_v2')).toEqual([1, 2]);
    expect(spec('Standard_F1')).toEqual([1, 2]);
    // Every listed size under 1 GiB is at most 0.75 GiB: what makes the 0.8 GiB tolerance safe.
    expect(Math.max(...VM_SIZES.sizes.filter((s) => s.memoryGiB < 1).map((s) => s.memoryGiB))).toBe(0.75);
  });

  it('matches names case-insensitively, and knows when a size is not listed', () => {
    expect(findVmSize('standard_b2TS_V2')?.name).toBe('Standard_B2ts_v2');
    expect(findVmSize('Standard_D2_V2')?.name).toBe('Standard_D2_v2'); // as the WALinuxAgent IMDS fixture spells it
    expect(findVmSize('Standard_D4s_v5')).toBeNull();
    expect(findVmSize('')).toBeNull();
  });

  it('refuses a bad edit', () => {
    expect(() => validateVmSizes({ sources: [], sizes: [{ name: 'Standard_X1', vcpus: 0, memoryGiB: 1 }] })).toThrow(/vcpus/);
    expect(() =>
      validateVmSizes({
        sources: [],
        sizes: [
          { name: 'Standard_X1', vcpus: 1, memoryGiB: 1 },
          { name: 'standard_x1', vcpus: 1, memoryGiB: 1 },
        ],
      }),
    ).toThrow(/twice/);
  });
});

describe('resources.size: judged on the VM size where IMDS names it', () => {
  // [case, guest facts, size, status, summary fragments]
  const cases: Array<[string, ResourceFacts, SizeContext, 'pass' | 'fail' | 'warn', string[]]> = [
    [
      '1 GiB size (Bsv2) showing 0.9 GiB passes',
      guest(2, 943_720 * KiB),
      known('Standard_B2ts_v2'),
      'pass',
      ['Standard_B2ts_v2: 2 vCPUs, 1 GiB (catalog) meets the minimum', 'the guest sees 2 vCPUs and 0.9 GiB'],
    ],
    ['1 GiB size (Basv2) showing 0.88 GiB passes', guest(2, 0.88 * GiB), known('Standard_B2ats_v2'), 'pass', ['Standard_B2ats_v2: 2 vCPUs, 1 GiB (catalog)']],
    [
      '0.75 GiB size (A0) fails on memory and vCPUs',
      guest(1, 0.68 * GiB),
      known('Standard_A0'),
      'fail',
      [
        'Standard_A0: 1 vCPU, 0.75 GiB (catalog) has 1 vCPU (at least 2 needed) and 0.75 GiB of memory (at least 1 GiB needed)',
        'the guest sees 1 vCPU and 0.68 GiB',
      ],
    ],
    ['0.5 GiB size (B1ls) fails', guest(1, 0.4 * GiB), known('Standard_B1ls'), 'fail', ['0.5 GiB of memory (at least 1 GiB needed)']],
    [
      '1 vCPU, 1 GiB size (B1s) fails on vCPUs only',
      guest(1, 0.9 * GiB),
      known('Standard_B1s'),
      'fail',
      ['Standard_B1s: 1 vCPU, 1 GiB (catalog) has 1 vCPU (at least 2 needed);'],
    ],
    [
      '1 vCPU, 2 GiB size (B1ms) fails though /proc/cpuinfo was cut',
      guest(1, 1.9 * GiB, { vcpusLowerBound: true, notes: ['/proc/cpuinfo: cut'] }),
      known('Standard_B1ms'),
      'fail',
      ['Standard_B1ms: 1 vCPU, 2 GiB (catalog) has 1 vCPU (at least 2 needed)', 'the guest sees at least 1 vCPU'],
    ],
    [
      "2 vCPU size passes though the guest's vCPUs were not read",
      guest(null, 0.9 * GiB, { notes: ['/proc/cpuinfo: not read'] }),
      known('Standard_B2ts_v2'),
      'pass',
      ['the guest sees ? vCPUs and 0.9 GiB'],
    ],
    ['a size in another case is found', guest(2, 0.9 * GiB), known('STANDARD_b2ts_V2'), 'pass', ['Standard_B2ts_v2: 2 vCPUs, 1 GiB (catalog)']],
    ['a size in another case fails as well', guest(1, 0.68 * GiB), known('basic_a0'), 'fail', ['Basic_A0: 1 vCPU, 0.75 GiB (catalog)']],
  ];
  it.each(cases)('%s', (_name, r, size, status, fragments) => {
    const outcome = evaluateSize(r, SUPPORT_MATRIX, size, VM_SIZES);
    expect(outcome.status).toBe(status);
    for (const f of fragments) expect(outcome.summary).toContain(f);
    expect(outcome.evidence).toMatchObject({ judgedBy: 'vm size', vmSize: size.vmSize });
  });

  it('states the driver share from the guest memory, and what the guest sees in the evidence', () => {
    const outcome = evaluateSize(guest(2, 943_720 * KiB), SUPPORT_MATRIX, known('Standard_B2ts_v2'), VM_SIZES);
    expect(outcome.summary).toMatch(/about 6% of RAM \(~55 MiB here\)/);
    expect(outcome.evidence).toMatchObject({
      vcpus: 2,
      memoryGiB: 0.9,
      sizeCatalog: { name: 'Standard_B2ts_v2', vcpus: 2, memoryGiB: 1 },
      minimum: { vcpus: 2, memoryGiB: 1 },
    });
  });
});

describe('resources.size: the guest view with the tolerance when the size is not known', () => {
  const tolerance = SUPPORT_MATRIX.resources.minMemoryGiB * GUEST_MEMORY_TOLERANCE;
  it('is 0.8 GiB for the 1 GiB minimum', () => expect(tolerance).toBeCloseTo(0.8));

  // [case, memory bytes, size, status, tolerance named in the summary]
  const cases: Array<[string, number, SizeContext, 'pass' | 'fail', boolean]> = [
    ['exactly 0.8 GiB passes (lower edge, inside)', 0.8 * GiB, unknown, 'pass', true],
    ['0.8 GiB less 1 KiB fails (lower edge, outside)', 0.8 * GiB - KiB, unknown, 'fail', true],
    ['0.85 GiB passes within the tolerance', 0.85 * GiB, unknown, 'pass', true],
    ['0.9 GiB (what a 1 GiB size shows) passes', 0.9 * GiB, unknown, 'pass', true],
    ['0.7 GiB fails', 0.7 * GiB, unknown, 'fail', true],
    ['0.68 GiB (what an A0 shows) fails', 0.68 * GiB, unknown, 'fail', true],
    ['1 GB (10^9 bytes, 0.93 GiB) passes within the tolerance', 1e9, unknown, 'pass', true],
    ['1 GiB less one byte passes within the tolerance (upper edge, inside)', GiB - 1, unknown, 'pass', true],
    ['1 GiB passes without the tolerance (upper edge, outside)', GiB, unknown, 'pass', false],
    ['a size not in the catalog: 0.85 GiB passes within the tolerance', 0.85 * GiB, known('Standard_Q2_v9'), 'pass', true],
    ['a size not in the catalog: 0.7 GiB fails', 0.7 * GiB, known('Standard_Q2_v9'), 'fail', true],
  ];
  it.each(cases)('%s', (_name, bytes, size, status, named) => {
    const outcome = evaluateSize(guest(2, bytes), SUPPORT_MATRIX, size, VM_SIZES);
    expect(outcome.status).toBe(status);
    expect(outcome.evidence).toMatchObject({ judgedBy: 'guest', guestMemoryToleranceGiB: 0.8, vmSize: size.vmSize });
    const why = size.vmSize ? `${size.vmSize} is not in the size catalog` : 'the VM size is not known (not an Azure VM';
    if (named) {
      expect(outcome.summary).toContain(why);
      expect(outcome.summary).toContain('0.8 GiB');
    } else {
      expect(outcome.summary).not.toContain('tolerance');
    }
    if (status === 'fail') {
      expect(outcome.summary).toContain('this tolerance was used');
      expect(outcome.remediation).toContain('hardwareProfile.vmSize');
    }
  });

  it('shows memory rounded down, so a fail never reads as the threshold', () => {
    expect(evaluateSize(guest(2, 0.8 * GiB - KiB), SUPPORT_MATRIX, unknown, VM_SIZES).summary).toContain(
      'Too small for Site Recovery: 0.79 GiB of memory visible to the guest (a 1 GiB size shows at least 0.8 GiB; the VM size is not known',
    );
  });

  it('judges vCPUs on both sides of 2 from the guest', () => {
    expect(evaluateSize(guest(1, 4 * GiB), SUPPORT_MATRIX, unknown, VM_SIZES)).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('1 vCPU (at least 2 needed)'),
    });
    expect(evaluateSize(guest(2, 4 * GiB), SUPPORT_MATRIX, unknown, VM_SIZES).status).toBe('pass');
    expect(evaluateSize(guest(1, 4 * GiB), SUPPORT_MATRIX, known('Standard_Q2_v9'), VM_SIZES).status).toBe('fail');
  });
});

describe('resources.size: where the size comes from', () => {
  const base: AzureMetadataFacts = {
    onAzure: true,
    assetTag: 'x',
    assetTagSource: '/sys/class/dmi/id/chassis_asset_tag',
    contacted: true,
    endpoint: 'http://127.0.0.1:1',
    ok: true,
    status: 200,
    attempts: 1,
    error: null,
    compute: null,
  };
  const compute = (vmSize: string) => ({ vmSize }) as unknown as AzureMetadataFacts['compute'];
  it.each<[string, AzureMetadataFacts | null, SizeContext]>([
    ['IMDS named the size', { ...base, compute: compute('Standard_B1s') }, { vmSize: 'Standard_B1s' }],
    ['IMDS gave no size', { ...base, compute: compute('') }, { vmSize: null, unknownReason: 'IMDS gave no vmSize' }],
    [
      'IMDS did not answer',
      { ...base, ok: false, status: null, attempts: 3, error: 'connect ECONNREFUSED' },
      { vmSize: null, unknownReason: 'IMDS was not read: connect ECONNREFUSED' },
    ],
    [
      'not Azure',
      { ...base, onAzure: false, contacted: false, endpoint: null, ok: false, status: null, attempts: 0 },
      { vmSize: null, unknownReason: expect.stringContaining('not an Azure VM') },
    ],
    [
      'asset tag unreadable',
      { ...base, onAzure: null, contacted: false, endpoint: null, ok: false, status: null, attempts: 0 },
      { vmSize: null, unknownReason: expect.stringContaining('could not be read') },
    ],
    ['metadata not gathered', null, { vmSize: null, unknownReason: expect.stringContaining('not gathered') }],
  ])('%s', (_name, metadata, expected) => {
    expect(sizeFromMetadata(metadata)).toEqual(expected);
  });

  it('run(): a 1 GiB size from a loopback IMDS passes a guest that shows 0.9 GiB', async () => {
    const doc = JSON.parse(readFileSync(fixture('linux', 'imds', 'instance-msdocs-linux-sample.json'), 'utf8')) as { compute: { vmSize: string } };
    doc.compute.vmSize = 'standard_b2ats_v2';
    const imds = await startFakeImds({ document: JSON.stringify(doc) });
    const g = new FakeGuest().write('/proc/cpuinfo', 'processor\t: 0\n\nprocessor\t: 1\n\n').write('/proc/meminfo', 'MemTotal:         943720 kB\n');
    try {
      const real = new Facts({
        root: g.root,
        platform: 'linux',
        trustStorePaths: [],
        env: {},
        deadline: new AbortController().signal,
        deadlineAt: Date.now() + 60_000,
        proxy: { cliProxy: null, cliNoProxy: false },
        imdsEndpoint: imds.url,
        network: { loopbackOnly: true } as NetworkOptions,
      });
      // The fake guest's /proc stands for a running VM here: under a real --root, IMDS is not asked (below).
      const facts = Object.assign(Object.create(real) as Facts, { host: async () => ({ ...(await real.host()), fromRoot: false }) });
      const [outcome] = await resourcesSize.run(contextOf(resourcesSize, facts));
      expect(outcome).toMatchObject({ status: 'pass', evidence: { judgedBy: 'vm size', vmSize: 'standard_b2ats_v2', memoryGiB: 0.9 } });
      expect(outcome!.summary).toContain('Standard_B2ats_v2: 2 vCPUs, 1 GiB (catalog)');
      // Under --root the same IMDS describes this machine, not the image: it is not asked.
      const requestsBefore = imds.requests.length;
      const [image] = await resourcesSize.run(contextOf(resourcesSize, real));
      expect(image).toMatchObject({ evidence: { judgedBy: 'guest' } });
      expect(image!.summary).toContain("under --root the image's VM size is not known");
      expect(imds.requests.length).toBe(requestsBefore);
    } finally {
      g.remove();
      await imds.close();
    }
  });
});

describe('resources.size', () => {
  it("fails a 1-vCPU guest from its /proc files, and states the driver's memory share", async () => {
    const guest = new FakeGuest()
      .write('/proc/cpuinfo', 'processor\t: 0\nmodel name\t: x\n\n')
      .write('/proc/meminfo', 'MemTotal:        3915776 kB\nMemFree: 1 kB\n');
    try {
      const resources = await readLinuxResources(guest.root);
      expect(resources).toEqual({ vcpus: 1, memoryBytes: 3915776 * 1024, source: '/proc/cpuinfo and /proc/meminfo' });
      const outcome = evaluateSize(resources, SUPPORT_MATRIX);
      expect(outcome).toMatchObject({
        status: 'fail',
        summary: 'Too small for Site Recovery: 1 vCPU (at least 2 needed). The replication driver will use about 6% of RAM (~229 MiB here).',
      });
    } finally {
      guest.remove();
    }
  });
  it('passes 2 vCPUs and 8 GiB', () => {
    expect(evaluateSize({ vcpus: 2, memoryBytes: 8 * 1024 ** 3, source: 't' }, SUPPORT_MATRIX).status).toBe('pass');
  });
});

describe('resources.size: the facts it reads', () => {
  it('reads vCPUs and memory from the resources fact only, whatever the platform', async () => {
    const resources = async () => ({ vcpus: 1, memoryBytes: 4 * GiB, source: 'the running system' });
    const host = async () => ({ fromRoot: true, os: 'windows' });
    const azureMetadata = async () => expect.unreachable('IMDS is not asked under --root');
    const [outcome] = await resourcesSize.run(contextOf(resourcesSize, { host, azureMetadata, resources } as unknown as Facts));
    expect(outcome).toMatchObject({ status: 'fail', evidence: { vcpus: 1, memoryGiB: 4, source: 'the running system', judgedBy: 'guest' } });
  });
});
