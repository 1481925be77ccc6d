// Linux FIPS facts (src/facts/linux/fips.ts): the fips= the kernel keeps, and /proc files read only
// when they are regular files.
import { describe, expect, it } from 'vitest';
import { lastFipsParam, readLinuxFips } from '../../../src/facts/linux/fips';
import { readGrubFacts } from '../../../src/facts/linux/grub';
import { withGuest } from '../../helpers/fake-guest';

describe('kernel parameter values', () => {
  it('takes the last fips= on the command line, and ignores other parameters', () => {
    expect(lastFipsParam('BOOT_IMAGE=/vmlinuz root=UUID=0d9f ro fips=1 quiet fips=0\n')).toBe('0');
    expect(lastFipsParam('BOOT_IMAGE=/vmlinuz nofips=1 rd.fips=1\n')).toBeNull();
  });
});

describe('readLinuxFips under --root', () => {
  it('names a /proc file that is not a regular file and does not read it', async () => {
    const facts = await withGuest(
      (g) => g.mkdir('/proc/sys/crypto/fips_enabled').write('/etc/default/grub', 'GRUB_TIMEOUT=1\n'),
      async (g) => readLinuxFips(g.root, await readGrubFacts(g.root)),
    );
    expect(facts.fipsEnabled.read).toBe(false);
    expect(facts.notes).toContain('/proc/sys/crypto/fips_enabled: is a directory, not a regular file; not read');
  });
});
