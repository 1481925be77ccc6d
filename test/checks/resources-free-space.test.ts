import { describe, expect, it } from 'vitest';
import { evaluateFreeSpace } from '../../src/checks/resources-free-space';
import { readFreeSpace } from '../../src/facts/free-space';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import { FakeGuest } from '../helpers/fake-guest';

describe('resources.free-space', () => {
  it('measures the nearest existing parent of the install path, and labels the figures as borrowed', async () => {
    const guest = new FakeGuest().mkdir('/usr/local');
    try {
      const entries = await readFreeSpace(guest.root, 'linux', { root: '/', install: '/usr/local/ASR' });
      expect(entries.map((e) => [e.path, e.measured, e.freeBytes !== null && e.freeBytes > 0])).toEqual([
        ['/', '/', true],
        ['/usr/local/ASR', '/usr/local', true],
      ]);
      const huge = { ...SUPPORT_MATRIX, freeSpace: { ...SUPPORT_MATRIX.freeSpace, rootMiB: 1e12 } };
      const outcome = evaluateFreeSpace(entries, huge);
      expect(outcome.status).toBe('warn');
      expect(outcome.summary).toContain('Guidance borrowed from the VMware/physical support matrix');
      expect(evaluateFreeSpace(entries, SUPPORT_MATRIX).status).toBe('pass');
    } finally {
      guest.remove();
    }
  });
});

describe('resources.free-space: judged from the measured entries', () => {
  const entry = (path: string, freeMiB: number | null) => ({
    path,
    measured: path,
    freeBytes: freeMiB === null ? null : freeMiB * 1024 ** 2,
    error: freeMiB === null ? 'EACCES' : null,
  });

  it('warns below the borrowed figures, passes above them, and skips when nothing was measured', () => {
    expect(evaluateFreeSpace([entry('/', 1024), entry('/usr/local/ASR', 4096)], SUPPORT_MATRIX)).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('/ has 1024 MiB free (2048 MiB recommended)'),
    });
    expect(evaluateFreeSpace([entry('/', 4096), entry('/usr/local/ASR', 4096)], SUPPORT_MATRIX).status).toBe('pass');
    expect(evaluateFreeSpace([entry('/', null), entry('/usr/local/ASR', null)], SUPPORT_MATRIX)).toMatchObject({
      status: 'skip',
      summary: expect.stringContaining('/: EACCES'),
    });
  });
});
