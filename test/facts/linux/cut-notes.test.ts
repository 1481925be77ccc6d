// Silent cuts: a guest fact read from a file cut at its size cap (or not readable at all) says so
// in its evidence, and the check says what it could not judge instead of judging part of a file.
import { execFileSync } from 'node:child_process';
import { truncateSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaPackage } from '../../../src/facts/linux/ca-package';
import { readLinuxTrustStore } from '../../../src/facts/linux/read-linux-trust-store';
import { CPUINFO_MAX_BYTES, readLinuxResources } from '../../../src/facts/linux/resources';
import { LVM_BACKUP_MAX_BYTES, readStorageStack } from '../../../src/facts/linux/storage-stack';
import { readKernelFacts } from '../../../src/facts/linux/kernel';
import { GRUB_FILE_MAX_BYTES, MAX_PARAMS_PER_FILE, MAX_PARAMS_PER_LINE, readGrubFacts } from '../../../src/facts/linux/grub';
import { readHostFacts } from '../../../src/facts/host';
import { evaluateAzureRoots } from '../../../src/checks/trust-azure-roots';
import { evaluateSize } from '../../../src/checks/resources-size';
import { evaluateLvmReferences } from '../../../src/checks/boot-lvm-references';
import { evaluateGrubDeviceNames } from '../../../src/checks/boot-grub-device-names';
import { evaluateLinuxSupport } from '../../../src/checks/os-supported';
import { evaluateKernel } from '../../../src/checks/os-kernel';
import { AZURE_ROOTS } from '../../../src/catalog/azure-roots';
import { SUPPORT_MATRIX } from '../../../src/catalog/support-matrix';
import { withGuest, type FakeGuest } from '../../helpers/fake-guest';

const NOW = new Date('2025-06-01T00:00:00Z');
const truncated = (path: string, bytes: number) => `${path}: truncated at ${bytes.toLocaleString('en-US')} bytes`;
/** A sparse file: `head`, then zeros up to `bytes` (no disk used). */
const sparse = (g: FakeGuest, path: string, head: string, bytes: number) => {
  g.write(path, head);
  truncateSync(g.path(path), bytes);
};
const fifo = (g: FakeGuest, path: string) => {
  g.mkdir(path.replace(/\/[^/]+$/, ''));
  execFileSync('mkfifo', [g.path(path)]);
};

const DPKG_CA = 'Package: ca-certificates\nStatus: install ok installed\nVersion: 20230311\n\n';
const DPKG_OTHER = (n: number) => `Package: pkg${n}\nStatus: install ok installed\nVersion: 1.0-${n}\nDescription: ${'d'.repeat(60)}\n\n`;

describe('the CA package version (dpkg status, apk installed)', () => {
  it('a status file cut before the ca-certificates stanza: no version, and the note says why', async () => {
    const status = Array.from({ length: 40 }, (_, i) => DPKG_OTHER(i)).join('') + DPKG_CA;
    await withGuest(
      (g) => g.write('/var/lib/dpkg/status', status),
      async (g) => {
        const notes: string[] = [];
        expect(await readCaPackage(g.root, 'debian', undefined, notes, 1024)).toBeNull();
        expect(notes).toEqual([expect.stringContaining(truncated('/var/lib/dpkg/status', 1024))]);
        // Read whole, the same file gives the version and no note.
        const whole: string[] = [];
        expect((await readCaPackage(g.root, 'debian', undefined, whole))?.version).toBe('20230311');
        expect(whole).toEqual([]);
      },
    );
  });

  it('an apk database that is a FIFO is named, not read', async () => {
    await withGuest(
      (g) => fifo(g, '/lib/apk/db/installed'),
      async (g) => {
        const notes: string[] = [];
        expect(await readCaPackage(g.root, 'unknown', undefined, notes)).toBeNull();
        expect(notes).toEqual(['/lib/apk/db/installed: is a FIFO (named pipe), not a regular file; not read']);
      },
    );
  });

  it('a sparse dpkg status past the 64 MiB cap reaches trust.azure-roots as "not judged"', async () => {
    await withGuest(
      (g) => sparse(g, '/var/lib/dpkg/status', DPKG_OTHER(1), 64 * 1024 * 1024 + 1),
      async (g) => {
        const store = await readLinuxTrustStore({ root: g.root, family: 'debian', overridePaths: [], env: {} });
        expect(store.caPackage).toBeNull();
        expect(store.caPackageNotes).toEqual([expect.stringContaining(truncated('/var/lib/dpkg/status', 64 * 1024 * 1024))]);
        const outcome = evaluateAzureRoots(store, AZURE_ROOTS, NOW);
        expect(outcome.evidence?.notJudged).toEqual(store.caPackageNotes);
      },
    );
  });
});

describe('vCPUs and memory (/proc/cpuinfo, /proc/meminfo)', () => {
  const cpuinfo = (n: number) => Array.from({ length: n }, (_, i) => `processor\t: ${i}\nmodel name\t: Test CPU\nflags\t\t: ${'f '.repeat(40)}\n\n`).join('');
  const MEMINFO = 'MemTotal:        8000000 kB\nMemFree:         1000000 kB\n';

  it('a cut /proc/cpuinfo counts "at least" and never fails the minimum on what it did not read', async () => {
    await withGuest(
      (g) => g.write('/proc/cpuinfo', cpuinfo(4)).write('/proc/meminfo', MEMINFO),
      async (g) => {
        const facts = await readLinuxResources(g.root, { cpuinfo: 100 });
        expect(facts).toMatchObject({ vcpus: 1, vcpusLowerBound: true, notes: [expect.stringContaining(truncated('/proc/cpuinfo', 100))] });
        const outcome = evaluateSize(facts, SUPPORT_MATRIX);
        expect(outcome.status).toBe('warn');
        expect(outcome.summary).toMatch(/vCPU minimum \(2\) was not judged/);
        expect(outcome.summary).toContain(truncated('/proc/cpuinfo', 100));
        expect(outcome.evidence).toMatchObject({ vcpusLowerBound: true, notJudged: facts.notes });
        // Whole, the same guest passes with 4.
        expect(evaluateSize(await readLinuxResources(g.root), SUPPORT_MATRIX)).toMatchObject({ status: 'pass', evidence: { vcpus: 4 } });
      },
    );
  });

  it('a sparse /proc/cpuinfo past the real 8 MiB cap', async () => {
    await withGuest(
      (g) => {
        sparse(g, '/proc/cpuinfo', cpuinfo(1), CPUINFO_MAX_BYTES + 4096);
        g.write('/proc/meminfo', MEMINFO);
      },
      async (g) => {
        const outcome = evaluateSize(await readLinuxResources(g.root), SUPPORT_MATRIX);
        expect(outcome.status).toBe('warn');
        expect(outcome.evidence?.notJudged).toEqual([expect.stringContaining(truncated('/proc/cpuinfo', CPUINFO_MAX_BYTES))]);
      },
    );
  });

  it('a /proc/meminfo that is a FIFO is named in the evidence and the summary', async () => {
    await withGuest(
      (g) => {
        g.write('/proc/cpuinfo', cpuinfo(2));
        fifo(g, '/proc/meminfo');
      },
      async (g) => {
        const outcome = evaluateSize(await readLinuxResources(g.root), SUPPORT_MATRIX);
        const note = '/proc/meminfo: is a FIFO (named pipe), not a regular file; not read';
        expect(outcome.status).toBe('warn');
        expect(outcome.summary).toContain(note);
        expect(outcome.evidence?.notJudged).toEqual([note]);
      },
    );
  });
});

describe('LVM metadata backups', () => {
  const backup = (lvs: string[], padding = 0) =>
    `# Generated by LVM2\n${'#'.repeat(padding)}\nvg0 {\n\tlogical_volumes {\n${lvs.map((lv) => `\t\t${lv} {\n\t\t\tid = "x"\n\t\t}\n`).join('')}\t}\n}\n`;
  const grub = 'GRUB_CMDLINE_LINUX="rd.lvm.lv=vg0/root rd.lvm.lv=vg0/swap"\n';

  it('a volume past the cut is "not judged" (warn), not "does not exist" (fail)', async () => {
    await withGuest(
      (g) => g.write('/etc/default/grub', grub).write('/etc/lvm/backup/vg0', backup(['root', 'swap'], LVM_BACKUP_MAX_BYTES)),
      async (g) => {
        const storage = await readStorageStack(g.root);
        expect(storage.lvmNotes).toEqual([expect.stringContaining(truncated('/etc/lvm/backup/vg0', LVM_BACKUP_MAX_BYTES))]);
        const outcome = evaluateLvmReferences(await readGrubFacts(g.root), storage);
        expect(outcome.status).toBe('warn');
        expect(outcome.summary).toContain(truncated('/etc/lvm/backup/vg0', LVM_BACKUP_MAX_BYTES));
        expect(outcome.evidence?.notJudged).toEqual(storage.lvmNotes);
      },
    );
  });

  it('read whole, the same volumes pass; a smaller cap is reachable too', async () => {
    await withGuest(
      (g) => g.write('/etc/default/grub', grub).write('/etc/lvm/backup/vg0', backup(['root', 'swap'])),
      async (g) => {
        expect(evaluateLvmReferences(await readGrubFacts(g.root), await readStorageStack(g.root)).status).toBe('pass');
        const cut = await readStorageStack(g.root, 64);
        expect(cut.lvmNotes).toEqual([expect.stringContaining(truncated('/etc/lvm/backup/vg0', 64))]);
      },
    );
  });
});

describe('release files and the kernel release', () => {
  it('/etc/redhat-release that is a FIFO (no os-release) is named by os.supported', async () => {
    await withGuest(
      (g) => fifo(g, '/etc/redhat-release'),
      async (g) => {
        const host = await readHostFacts(g.root, 'linux');
        const note = '/etc/redhat-release: is a FIFO (named pipe), not a regular file; not read';
        expect(host.notes).toEqual([note]);
        const outcome = evaluateLinuxSupport(host, await readKernelFacts(g.root, host.kernel), SUPPORT_MATRIX, NOW);
        expect(outcome).toMatchObject({ status: 'warn', evidence: { notJudged: [note] } });
        expect(outcome.summary).toContain(note);
      },
    );
  });

  it('/etc/debian_version that is a directory: no point release, and os.supported says why', async () => {
    await withGuest(
      (g) => g.osRelease('debian', '12', 'Debian GNU/Linux 12 (bookworm)').mkdir('/etc/debian_version'),
      async (g) => {
        const host = await readHostFacts(g.root, 'linux');
        const kernel = await readKernelFacts(g.root, host.kernel);
        const note = '/etc/debian_version: is a directory, not a regular file; not read';
        expect(kernel).toMatchObject({ debianVersion: null, notes: [note] });
        const outcome = evaluateLinuxSupport(host, kernel, SUPPORT_MATRIX, NOW);
        expect(outcome.evidence?.notJudged).toEqual([note]);
        expect(outcome.summary).toContain(`Not judged: ${note}.`);
      },
    );
  });

  it('a cut /proc/sys/kernel/osrelease is not taken as the kernel; os.kernel names it', async () => {
    await withGuest(
      (g) => {
        g.osRelease('rhel', '8.10', 'Red Hat Enterprise Linux 8.10');
        sparse(g, '/proc/sys/kernel/osrelease', '4.18.0-553.el8_10.x86_64', 64 * 1024 + 1);
        g.write('/boot/vmlinuz-4.18.0-553.el8_10.x86_64', '');
      },
      async (g) => {
        const host = await readHostFacts(g.root, 'linux');
        expect(host.kernel).toBeNull();
        expect(host.kernelNotes).toEqual([expect.stringContaining(truncated('/proc/sys/kernel/osrelease', 64 * 1024))]);
        const kernel = await readKernelFacts(g.root, host.kernel);
        expect(kernel.source).toBe('--root /boot (installed, newest)');
        const outcome = evaluateKernel(host, kernel, SUPPORT_MATRIX);
        expect(outcome.evidence?.notJudged).toEqual(host.kernelNotes);
        expect(outcome.summary).toContain(truncated('/proc/sys/kernel/osrelease', 64 * 1024));
      },
    );
  });
});

describe('GRUB: the size cap and the parameter caps', () => {
  it('a line with more than 16 parameters: the file note says which line, and the check warns', async () => {
    const line = `GRUB_CMDLINE_LINUX="${Array.from({ length: MAX_PARAMS_PER_LINE + 4 }, () => 'root=UUID=1').join(' ')}"\n`;
    await withGuest(
      (g) => g.write('/etc/default/grub', `# comment\n${line}`),
      async (g) => {
        const grub = await readGrubFacts(g.root);
        const file = grub.files.find((f) => f.path === '/etc/default/grub')!;
        expect(file.note).toBe(
          `/etc/default/grub: more than ${MAX_PARAMS_PER_LINE} root=/resume=/rd.lvm.lv= parameters on line(s) 2; those past the ${MAX_PARAMS_PER_LINE}th were not judged`,
        );
        expect(grub.params).toHaveLength(MAX_PARAMS_PER_LINE);
        const outcome = evaluateGrubDeviceNames(grub, 'rhel');
        expect(outcome.status).toBe('warn');
        expect(outcome.evidence?.notJudged).toEqual([file.note]);
      },
    );
  });

  it('a file with more than 1,000 parameters: the note says where parsing stopped; a device name past it is not missed silently', async () => {
    const text = `${'linux /vmlinuz root=UUID=1\n'.repeat(MAX_PARAMS_PER_FILE)}linux /vmlinuz root=/dev/sda1\n`;
    await withGuest(
      (g) => g.write('/boot/grub2/grub.cfg', text),
      async (g) => {
        const grub = await readGrubFacts(g.root);
        const file = grub.files.find((f) => f.path === '/boot/grub2/grub.cfg')!;
        expect(file.note).toBe(
          `/boot/grub2/grub.cfg: more than 1,000 root=/resume=/rd.lvm.lv= parameters; parsing stopped at line ${MAX_PARAMS_PER_FILE + 1} and what follows was not judged`,
        );
        const outcome = evaluateGrubDeviceNames(grub, 'rhel');
        expect(outcome.status).toBe('warn');
        expect(outcome.summary).toContain('parsing stopped at line 1001');
      },
    );
  });

  it('exactly at the caps: no note', async () => {
    const line = `options ${Array.from({ length: MAX_PARAMS_PER_LINE }, () => 'root=UUID=1').join(' ')}\n`;
    await withGuest(
      (g) => g.write('/boot/loader/entries/a.conf', line),
      async (g) => {
        const grub = await readGrubFacts(g.root);
        expect(grub.files.find((f) => f.path === '/boot/loader/entries/a.conf')).toEqual({ path: '/boot/loader/entries/a.conf', exists: true });
      },
    );
  });

  it('a sparse grub.cfg past the 4 MiB cap and a cap note together, in one file note', async () => {
    const line = `linux /vmlinuz ${Array.from({ length: MAX_PARAMS_PER_LINE + 1 }, () => 'resume=UUID=2').join(' ')}\n`;
    await withGuest(
      (g) => sparse(g, '/boot/grub/grub.cfg', line, GRUB_FILE_MAX_BYTES + 1),
      async (g) => {
        const note = (await readGrubFacts(g.root)).files.find((f) => f.path === '/boot/grub/grub.cfg')!.note!;
        expect(note).toContain(truncated('/boot/grub/grub.cfg', GRUB_FILE_MAX_BYTES));
        expect(note).toContain('; /boot/grub/grub.cfg: more than 16');
      },
    );
  });
});
