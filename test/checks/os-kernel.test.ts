// os.kernel: the distribution's stock kernels only, of the guest's own release; on SLES the service
// pack a kernel is built for, on Oracle Linux the UEK generations the matrix allows.
import { describe, expect, it } from 'vitest';
import { evaluateKernel } from '../../src/checks/os-kernel';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import type { HostFacts } from '../../src/facts/host';
import type { KernelFacts } from '../../src/facts/linux/kernel';

const kernel = (release: string | null, extra: Partial<KernelFacts> = {}): KernelFacts => ({
  release,
  source: 'running',
  installed: [],
  debianVersion: null,
  ...extra,
});

describe('os.kernel', () => {
  const host = (id: string, version: string): HostFacts => ({
    os: 'linux',
    distro: id,
    distroName: id,
    version,
    kernel: null,
    arch: 'x86_64',
    hostname: 'h',
    family: 'unknown',
    osRelease: { ID: id, VERSION_ID: version },
    fromRoot: false,
  });
  it.each([
    ['ubuntu', '18.04', '4.15.0-1023-azure', 'pass'],
    ['sles', '11.4', '3.0.101-108.74-default', 'pass'],
    ['rhel', '7.7', '3.10.0-1062.el7.x86_64', 'pass'],
    ['ol', '8.9', '5.15.0-200.131.27.el8uek.x86_64', 'pass'],
    ['debian', '12', '6.1.0-28-cloud-amd64', 'pass'],
    ['debian', '12', '6.18.44-fc-v669', 'fail'],
    ['ubuntu', '22.04', '6.9.3-custom', 'fail'],
    ['rhel', '8.4', '4.18.0-305.el8.x86_64', 'fail'],
    ['rhel', '8.4', '4.18.0-305.30.1.el8_4.x86_64', 'pass'],
  ])('%s %s with %s is %s', (id, version, release, status) => {
    expect(evaluateKernel(host(id, version), kernel(release), SUPPORT_MATRIX).status).toBe(status);
  });

  it('names the minimum kernel for RHEL 8.4, and says where a --root kernel came from', () => {
    expect(evaluateKernel(host('rhel', '8.4'), kernel('4.18.0-305.el8.x86_64'), SUPPORT_MATRIX).summary).toBe(
      'The running kernel 4.18.0-305.el8.x86_64 is older than 4.18.0-305.30.1, the first kernel Site Recovery supports on Red Hat Enterprise Linux 8.4.',
    );
    const fromImage = evaluateKernel(host('debian', '12'), kernel('6.1.0-28-cloud-amd64', { source: '--root /boot (installed, newest)' }), SUPPORT_MATRIX);
    expect(fromImage.summary).toMatch(/^The kernel \(--root \/boot \(installed, newest\)\) 6\.1\.0-28-cloud-amd64 is a stock Debian kernel/);
    expect(evaluateKernel(host('debian', '12'), kernel(null, { source: 'unknown' }), SUPPORT_MATRIX).status).toBe('skip');
  });

  // Each edge from both sides: the distribution and major the kernel is built for, Oracle's UEK,
  // Ubuntu's ABI width, and the reference's minimum kernels compared by version order.
  it.each([
    // (a) the el tag's major must be the guest's major
    ['rhel', '9.4', '5.14.0-427.13.1.el9_4.x86_64', 'pass'],
    ['rhel', '9.4', '4.18.0-553.el8_10.x86_64', 'fail'],
    ['rhel', '8.10', '4.18.0-553.el8_10.x86_64', 'pass'],
    ['rhel', '8.10', '5.14.0-427.13.1.el9_4.x86_64', 'fail'],
    ['rhel', '10.0', '6.12.0-55.9.1.el10_0.x86_64', 'pass'],
    ['rhel', '10.0', '5.14.0-611.5.1.el9_7.x86_64', 'fail'],
    ['rocky', '9.4', '5.14.0-427.13.1.el9_4.x86_64', 'pass'],
    ['rocky', '9.4', '4.18.0-553.el8_10.x86_64', 'fail'],
    ['almalinux', '8.10', '4.18.0-553.el8_10.x86_64', 'pass'],
    ['almalinux', '8.10', '5.14.0-427.el9.x86_64', 'fail'],
    ['centos', '7.9', '3.10.0-1160.el7.x86_64', 'pass'],
    ['centos', '7.9', '4.18.0-348.el8.x86_64', 'fail'],
    // (d) UEK is stock on Oracle Linux only, and for the guest's major
    ['ol', '8.9', '5.15.0-200.131.27.el8uek.x86_64', 'pass'],
    ['ol', '9.4', '5.15.0-200.131.27.el8uek.x86_64', 'fail'],
    ['ol', '7.9', '3.10.0-1160.el7.x86_64', 'pass'],
    ['rhel', '8.10', '5.15.0-200.131.27.el8uek.x86_64', 'fail'],
    // (b) Ubuntu: an ABI of up to five digits is Ubuntu's own; six digits is a mainline build
    ['ubuntu', '24.04', '6.8.0-1021-azure', 'pass'],
    ['ubuntu', '24.04', '6.8.0-10210-generic', 'pass'],
    ['ubuntu', '24.04', '6.8.12-060812-generic', 'fail'],
    ['ubuntu', '22.04', '6.5.13-065013-generic', 'fail'],
    // (c) SLES flavours
    ['sles', '15.5', '5.14.21-150500.55.39-default', 'pass'],
    ['sles', '15.5', '5.14.21-150500.55.39-azure', 'pass'],
    ['sles', '15.5', '5.14.21-150500.55.39-custom', 'fail'],
    // (e) minimums, by version order: both sides of each boundary
    ['rhel', '8.4', '4.18.0-305.30.1.el8_4.x86_64', 'pass'],
    ['rhel', '8.4', '4.18.0-305.29.9.el8_4.x86_64', 'fail'],
    ['rhel', '8.4', '4.18.0-305.4.1.el8_4.x86_64', 'fail'],
    ['rhel', '8.6', '4.18.0-348.5.1.el8_6.x86_64', 'pass'],
    ['rhel', '8.6', '4.18.0-348.5.0.el8_6.x86_64', 'fail'],
    ['rhel', '9.7', '5.14.0-611.5.1.el9_7.x86_64', 'pass'],
    ['rhel', '9.7', '5.14.0-611.40.1.el9_7.x86_64', 'pass'],
    ['rhel', '9.7', '5.14.0-611.4.99.el9_7.x86_64', 'fail'],
    ['rhel', '9.7', '5.14.0-611.el9_7.x86_64', 'fail'],
    ['rhel', '10.1', '6.12.0-124.8.1.el10_1.x86_64', 'pass'],
    ['rhel', '10.1', '6.12.0-124.10.1.el10_1.x86_64', 'pass'],
    ['rhel', '10.1', '6.12.0-124.7.9.el10_1.x86_64', 'fail'],
    ['rhel', '10.1', '6.12.0-55.9.1.el10_1.x86_64', 'fail'],
  ])('distribution and major: %s %s with %s is %s', (id, version, release, status) => {
    expect(evaluateKernel(host(id, version), kernel(release), SUPPORT_MATRIX).status).toBe(status);
  });

  it('says which distribution and major a foreign kernel is built for', () => {
    const el8 = evaluateKernel(host('rhel', '9.4'), kernel('4.18.0-553.el8_10.x86_64'), SUPPORT_MATRIX);
    expect(el8.summary).toBe(
      "The running kernel 4.18.0-553.el8_10.x86_64 is built for Enterprise Linux 8 (el8), not for Red Hat Enterprise Linux 9: it is not a stock Red Hat Enterprise Linux 9.4 kernel. Site Recovery supports only the distribution's own kernels for the release it runs.",
    );
    const uek = evaluateKernel(host('rhel', '8.10'), kernel('5.15.0-200.131.27.el8uek.x86_64'), SUPPORT_MATRIX);
    expect(uek.summary).toContain('is an Oracle Unbreakable Enterprise Kernel (el8uek), which is stock on Oracle Linux only');
    const mainline = evaluateKernel(host('ubuntu', '24.04'), kernel('6.8.12-060812-generic'), SUPPORT_MATRIX);
    expect(mainline.summary).toContain('is an Ubuntu mainline build (six-digit ABI 060812), not a stock Ubuntu kernel');
  });

  it('names what the reference does not give instead of guessing it', () => {
    // An SLE 12 kernel carries no service-pack code stream (SLE 15's do: below).
    const sles = evaluateKernel(host('sles', '12.5'), kernel('4.12.14-122.37-default'), SUPPORT_MATRIX);
    expect(sles.evidence?.notInReference).toEqual([expect.stringContaining('the reference gives no kernel prefix per service pack')]);
    const uek = evaluateKernel(host('ol', '8.9'), kernel('5.15.0-200.131.27.el8uek.x86_64'), SUPPORT_MATRIX);
    // UEK generations are judged now (below): nothing is left unjudged.
    expect(uek.status).toBe('pass');
    expect(uek.evidence?.notInReference).toBeUndefined();
    const rhck = evaluateKernel(host('ol', '8.9'), kernel('4.18.0-513.5.1.el8_9.x86_64'), SUPPORT_MATRIX);
    expect(rhck.evidence?.notInReference).toBeUndefined();
    const noVersion = evaluateKernel({ ...host('rhel', '9.4'), version: null }, kernel('4.18.0-553.el8_10.x86_64'), SUPPORT_MATRIX);
    expect(noVersion.status).toBe('pass');
    expect(noVersion.evidence?.notInReference).toEqual([expect.stringContaining('major version is unknown')]);
  });
});

// os.kernel on SLES: an SLE 15 kernel carries its service pack's code stream in its release
// (5.14.21-150500.55.39-default is SP5), so a kernel of another service pack is not this one's stock
// kernel. Both sides of each edge; releases without the code stream are named as not matched.
describe('os.kernel: SLES service pack of the kernel', () => {
  const host = (version: string | null): HostFacts => ({
    os: 'linux',
    distro: 'sles',
    distroName: `SUSE Linux Enterprise Server ${version ?? ''}`,
    version,
    kernel: null,
    arch: 'x86_64',
    hostname: 'h',
    family: 'suse',
    osRelease: { ID: 'sles', ...(version ? { VERSION_ID: version } : {}) },
    fromRoot: false,
  });
  const judge = (version: string | null, release: string) => evaluateKernel(host(version), kernel(release), SUPPORT_MATRIX);

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
    for (const [version, release] of [
      ['12.5', '4.12.14-122.37-default'],
      ['15.1', '4.12.14-197.37-default'],
    ] as const) {
      const got = judge(version, release);
      expect(got.status).toBe('pass');
      expect(got.evidence?.notInReference).toEqual([expect.stringContaining(`${release} does not`)]);
    }
  });

  it('an unknown SLES version leaves the service pack unmatched, and says so', () => {
    expect(judge(null, '5.14.21-150500.55.39-default').evidence?.notInReference).toContainEqual(expect.stringContaining('the SLES version is unknown'));
  });
});

// os.kernel on Oracle Linux: a UEK kernel is stock only in a generation the matrix allows for that
// Oracle Linux version ("RHCK or UEK3–6, UEK7 from 8.7"); the generation comes from the mainline
// version each UEK release is built on (Oracle's release notes, in the catalog). Both sides of each edge.
describe('os.kernel on Oracle Linux', () => {
  const host = (version: string): HostFacts => ({
    os: 'linux',
    distro: 'ol',
    distroName: `Oracle Linux Server ${version}`,
    version,
    kernel: null,
    arch: 'x86_64',
    hostname: 'h',
    family: 'rhel',
    osRelease: { ID: 'ol', VERSION_ID: version },
    fromRoot: false,
  });
  const judge = (version: string, release: string) => evaluateKernel(host(version), kernel(release), SUPPORT_MATRIX);

  describe('os.kernel: UEK generations on Oracle Linux', () => {
    it.each([
      ['6.10', '3.8.13-118.48.1.el6uek.x86_64', 'UEK R3'],
      ['7.9', '4.1.12-124.48.6.el7uek.x86_64', 'UEK R4'],
      ['7.9', '4.14.35-2047.518.4.el7uek.x86_64', 'UEK R5'],
      ['8.6', '5.4.17-2136.330.7.1.el8uek.x86_64', 'UEK R6'],
      ['8.7', '5.15.0-3.60.5.1.el8uek.x86_64', 'UEK R7 from 8.7'],
      ['8.10', '5.15.0-208.159.3.el8uek.x86_64', 'UEK R7 on 8.10'],
      ['9.4', '5.15.0-200.131.27.el9uek.x86_64', 'UEK R7 on 9.x'],
      ['9.4', '5.14.0-427.13.1.el9_4.x86_64', 'RHCK'],
    ])('Oracle Linux %s with %s (%s) is stock', (version, release) => {
      expect(judge(version, release).status).toBe('pass');
    });

    it.each([
      ['8.6', '5.15.0-3.60.5.1.el8uek.x86_64', 'UEK R7 (built on 5.15.0), which the support matrix allows from Oracle Linux 8.7 on, not on 8.6'],
      ['9.5', '6.12.0-0.20.20.el9uek.x86_64', 'UEK R8 (built on 6.12.0), which the support matrix does not list'],
      ['7.9', '4.19.2-1.el7uek.x86_64', 'a UEK kernel on mainline 4.19.2, which is no UEK generation the catalog knows'],
    ])('Oracle Linux %s with %s fails: %s', (version, release, why) => {
      const got = judge(version, release);
      expect(got.status).toBe('fail');
      expect(got.summary).toContain(why);
    });

    it("the UEK R7 edge is the matrix's own: 8.6 fails, 8.7 passes", () => {
      const r7 = '5.15.0-100.96.32.el8uek.x86_64';
      expect([judge('8.6', r7).status, judge('8.7', r7).status]).toEqual(['fail', 'pass']);
    });

    it('every allowed generation names a base kernel in the catalog', () => {
      const uek = SUPPORT_MATRIX.linux.find((d) => d.id === 'ol')!.uek!;
      for (const rule of uek.allowed) expect(uek.generations[String(rule.generation)], `UEK R${rule.generation}`).toMatch(/^\d+\.\d+\.\d+$/);
    });
  });

  describe('os.kernel: UEK edges the catalog cannot decide', () => {
    it('a UEK base newer than every known generation is named, not failed; UEK R1/R2 are known and not allowed', () => {
      const newer = judge('9.6', '7.1.0-1.el9uek.x86_64');
      expect(newer.status).toBe('pass');
      expect(newer.evidence?.notInReference).toContainEqual(expect.stringContaining('newer than every UEK generation the catalog knows'));
      expect(judge('6.10', '2.6.39-400.330.1.el6uek.x86_64').summary).toContain('is UEK R2 (built on 2.6.39), which the support matrix does not list');
    });

    it('Oracle Linux with a bare major ("8") cannot be placed against "UEK7 from 8.7": named, not failed', () => {
      const got = judge('8', '5.15.0-200.131.27.el8uek.x86_64');
      expect(got.status).toBe('pass');
      expect(got.evidence?.notInReference).toContainEqual(expect.stringContaining('the minor version is unknown (VERSION_ID "8")'));
    });
  });

  describe('support-matrix catalog validation of the UEK table', () => {
    it('refuses a base kernel that is not x.y.z and an allowed generation without a base', async () => {
      const { validateSupportMatrix } = await import('../../src/catalog/support-matrix');
      const withUek = (uek: unknown) => ({ ...SUPPORT_MATRIX, linux: SUPPORT_MATRIX.linux.map((d) => (d.id === 'ol' ? { ...d, uek } : d)) });
      expect(() => validateSupportMatrix(withUek({ generations: { '7': '5.15' }, allowed: [] }))).toThrow('must be N: x.y.z');
      expect(() => validateSupportMatrix(withUek({ generations: { '6': '5.4.17' }, allowed: [{ generation: 9 }] }))).toThrow('has no base kernel');
    });
  });
});
