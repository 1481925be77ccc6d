// The kernel facts (src/facts/linux/kernel.ts): under --root the newest installed kernel, by version
// order (src/catalog/kernel-version.ts).
import { describe, expect, it } from 'vitest';
import { readKernelFacts } from '../../../src/facts/linux/kernel';
import { compareKernelVersions, sortKernelReleases } from '../../../src/catalog/kernel-version';
import { withGuest } from '../../helpers/fake-guest';

describe('readKernelFacts', () => {
  it('under --root judges the newest installed kernel by version order, not text order', async () => {
    await withGuest(
      (g) => {
        g.osRelease('rhel', '8.10', 'Red Hat Enterprise Linux 8.10');
        for (const r of ['4.18.0-553.5.1.el8_10.x86_64', '4.18.0-553.40.1.el8_10.x86_64', '4.18.0-553.el8_10.x86_64', '4.18.0-80.el8.x86_64'])
          g.write(`/boot/vmlinuz-${r}`, '');
        g.write('/boot/vmlinuz-0-rescue-0123456789abcdef', '');
      },
      async (g) => {
        const facts = await readKernelFacts(g.root, null);
        expect(facts.installed).toEqual(['4.18.0-80.el8.x86_64', '4.18.0-553.el8_10.x86_64', '4.18.0-553.5.1.el8_10.x86_64', '4.18.0-553.40.1.el8_10.x86_64']);
        expect(facts).toMatchObject({ release: '4.18.0-553.40.1.el8_10.x86_64', source: '--root /boot (installed, newest)' });
      },
    );
    expect(sortKernelReleases(['5.14.0-70.13.1.el9_0', '5.14.0-503.11.1.el9_5', '5.14.0-9.el9'])).toEqual([
      '5.14.0-9.el9',
      '5.14.0-70.13.1.el9_0',
      '5.14.0-503.11.1.el9_5',
    ]);
    expect(sortKernelReleases(['6.8.0-100-generic', '6.8.0-99-generic', '6.11.0-1-generic'])).toEqual([
      '6.8.0-99-generic',
      '6.8.0-100-generic',
      '6.11.0-1-generic',
    ]);
    expect(compareKernelVersions('4.18.0-553.40.1.el8_10.x86_64', '4.18.0-553.5.1.el8_10.x86_64')).toBe(1);
    expect(compareKernelVersions('4.18.0-305.30.1.el8_4.x86_64', '4.18.0-305.30.1')).toBe(0);
  });
});
