// os.kernel on Oracle Linux: a UEK kernel is stock only in a generation the matrix allows for that
// Oracle Linux version ("RHCK or UEK3–6, UEK7 from 8.7"); the generation comes from the mainline
// version each UEK release is built on (Oracle's release notes, in the catalog). Both sides of each edge.
import { describe, expect, it } from 'vitest';
import { evaluateKernel } from '../../src/checks/os-kernel';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import type { HostFacts } from '../../src/facts/host';
import type { KernelFacts } from '../../src/facts/linux/kernel';

const host = (version: string): HostFacts => ({
  os: 'linux', distro: 'ol', distroName: `Oracle Linux Server ${version}`, version, kernel: null, arch: 'x86_64', hostname: 'h', family: 'rhel',
  osRelease: { ID: 'ol', VERSION_ID: version }, fromRoot: false,
});
const kernel = (release: string): KernelFacts => ({ release, source: 'running', installed: [], debianVersion: null });
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

  it('the UEK R7 edge is the matrix\'s own: 8.6 fails, 8.7 passes', () => {
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
