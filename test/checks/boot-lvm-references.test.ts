import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readGrubFacts } from '../../src/facts/linux/grub';
import { readStorageStack } from '../../src/facts/linux/storage-stack';
import { evaluateLvmReferences } from '../../src/checks/boot-lvm-references';
import { withGuest } from '../helpers/fake-guest';
import { LVM_BACKUP } from '../helpers/lvm-backup';
import { fixture } from '../helpers/paths';

const grubFixture = (name: string) => readFileSync(fixture('linux', 'grub', name), 'utf8');

describe('boot.lvm-references (151124)', () => {
  it('passes the recorded CentOS Stream 9 configuration when cs/root and cs/swap exist', async () => {
    const outcome = await withGuest(
      (g) => g.write('/etc/default/grub', grubFixture('default-grub-centos-stream-9-lvm-resume.rhcsa-notes')).write('/etc/lvm/backup/cs', LVM_BACKUP),
      async (g) => evaluateLvmReferences(await readGrubFacts(g.root), await readStorageStack(g.root)),
    );
    expect(outcome).toMatchObject({ status: 'pass', summary: 'Every volume named at boot exists: cs/root, cs/swap.' });
  });

  it('fails a reference to a volume that does not exist, found through /dev/mapper names', async () => {
    const outcome = await withGuest(
      (g) =>
        g
          .write('/etc/default/grub', grubFixture('default-grub-centos-stream-9-lvm-resume.rhcsa-notes'))
          .write('/dev/mapper/cs-root', '')
          .write('/dev/mapper/control', ''),
      async (g) => evaluateLvmReferences(await readGrubFacts(g.root), await readStorageStack(g.root)),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.asrErrorCodes).toEqual([151124]);
    expect(outcome.summary).toBe(
      'rd.lvm.lv=cs/swap (/etc/default/grub:6) name logical volumes that do not exist; Site Recovery fails with 151124. Existing volumes: cs/root.',
    );
  });
});
