// os.kernel on SLES: an SLE 15 kernel carries its service pack's code stream in its release
// (5.14.21-150500.55.39-default is SP5), so a kernel of another service pack is not this one's stock
// kernel. Both sides of each edge; releases without the code stream are named as not matched.
import { describe, expect, it } from 'vitest';
import { evaluateKernel } from '../../src/checks/os-kernel';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import type { HostFacts } from '../../src/facts/host';
import type { KernelFacts } from '../../src/facts/linux/kernel';

const host = (version: string | null): HostFacts => ({
  os: 'linux', distro: 'sles', distroName: `SUSE Linux Enterprise Server ${version ?? ''}`, version, kernel: null, arch: 'x86_64', hostname: 'h', family: 'suse',
  osRelease: { ID: 'sles', ...(version ? { VERSION_ID: version } : {}) }, fromRoot: false,
});
const kernel = (release: string): KernelFacts => ({ release, source: 'running', installed: [], debianVersion: null });
const judge = (version: string | null, release: string) => evaluateKernel(host(version), kernel(release), SUPPORT_MATRIX);

describe('os.kernel: SLES service pack of the kernel', () => {
  it.each([
    ['15.3', '5.3.18-150300.59.167-default'],
    ['15.4', '5.14.21-150400.24.136-azure'],
    ['15.5', '5.14.21-150500.55.39-default'],
    ['15.6', '6.4.0-150600.23.25-default'],
    ['15.7', '6.4.0-150700.53.3-default'],
  ])('SLES %s with %s (its own service pack) passes', (version, release) => {
    const got = judge(version, release);
    expect(got.status).toBe('pass');
    expect(got.evidence?.notInReference).toBeUndefined();
  });

  it.each([
    ['15.5', '5.14.21-150400.24.136-default', 'is built for SLES 15 SP4 (code stream 150400), not for SLES 15 SP5'],
    ['15.4', '5.14.21-150500.55.39-default', 'is built for SLES 15 SP5 (code stream 150500), not for SLES 15 SP4'],
    ['15', '6.4.0-150600.23.25-default', 'is built for SLES 15 SP6 (code stream 150600), not for SLES 15 GA'],
  ])('SLES %s with %s fails: %s', (version, release, why) => {
    const got = judge(version, release);
    expect(got.status).toBe('fail');
    expect(got.summary).toContain(why);
  });

  it('a kernel without the code stream (SLE 12, SLE 15 SP1) passes with what was not matched named', () => {
    for (const [version, release] of [['12.5', '4.12.14-122.37-default'], ['15.1', '4.12.14-197.37-default']] as const) {
      const got = judge(version, release);
      expect(got.status).toBe('pass');
      expect(got.evidence?.notInReference).toEqual([expect.stringContaining(`${release} does not`)]);
    }
  });

  it('an unknown SLES version leaves the service pack unmatched, and says so', () => {
    expect(judge(null, '5.14.21-150500.55.39-default').evidence?.notInReference).toContainEqual(expect.stringContaining('the SLES version is unknown'));
  });
});
