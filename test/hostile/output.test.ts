// The hostile table, output: guest data that tries to forge output. Control characters and line
// breaks from the guest are shown as escapes (\n, \r, \x1b, \u202e) in text and compact output, so
// the last line is the one real VERDICT line; JSON keeps the raw value, escaped by JSON itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli';
import { withGuest, type FakeGuest } from '../helpers/fake-guest';
import { makeCertificate } from '../helpers/certs';
import { EVIDENCE_MAX_CHARS } from '../../src/core/text-bounds';

const OFFLINE = 'os.,boot.,storage.filesystems';
/** Any control character but the line feed, or a bidirectional override: none may reach a terminal. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

async function run(guest: FakeGuest, args: string[] = ['--checks', OFFLINE]): Promise<CliResult & { ms: number; lines: string[] }> {
  const start = Date.now();
  const result = await runCli(['--root', guest.root, ...args], { env: cleanEnv() });
  return { ...result, ms: Date.now() - start, lines: result.stdout.trimEnd().split('\n') };
}

/** What every row asserts: nothing raw reached stdout, and the last line is the only VERDICT line. */
function expectOneRealVerdict(r: { stdout: string; lines: string[]; ms: number }, verdict: RegExp): void {
  expect(r.stdout).not.toMatch(RAW_CONTROL);
  expect(r.lines.filter((l) => l.startsWith('VERDICT:'))).toHaveLength(1);
  expect(r.lines.at(-1)).toMatch(verdict);
  expect(r.ms).toBeLessThan(15_000);
}

const NOT_READY_GRUB = /^VERDICT: NOT READY for Azure Site Recovery: 1 check\(s\) failed: boot\.grub-device-names \[151126\]$/;
const WARN_FS = /^VERDICT: READY WITH WARNINGS: 1 warning\(s\): storage\.filesystems$/;

/** A guest that passes the offline checks, apart from what a row plants. */
function baseGuest(g: FakeGuest): void {
  g.osRelease('ubuntu', '22.04', 'Ubuntu 22.04.4 LTS', 'debian');
  g.write('/etc/hostname', 'vm1\n');
  g.write('/etc/default/grub', 'GRUB_CMDLINE_LINUX="root=UUID=1234 console=ttyS0"\n');
  g.write('/proc/self/mountinfo', '36 35 98:0 / / rw - ext4 /dev/sda1 rw\n');
  g.write('/boot/vmlinuz-6.5.0-1025-azure', '');
  g.write('/proc/sys/kernel/osrelease', '6.5.0-1025-azure\n');
}

describe('hostile output: guest data that tries to forge lines', () => {
  it('os-release PRETTY_NAME with "\\r", ESC[2K and "VERDICT: READY" → shown as \\r and \\x1b[2K in the header, one real VERDICT line', async () => {
    await withGuest(
      (g) => {
        baseGuest(g);
        g.write('/etc/os-release', 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu 22.04\r\u001b[2KVERDICT: READY"\n');
      },
      async (g) => {
        const r = await run(g);
        expect(r.lines[0]).toBe('asr-ready 0.1.0: Azure Site Recovery readiness of vm1 (Ubuntu 22.04\\r\\x1b[2KVERDICT: READY, kernel 6.5.0-1025-azure)');
        expectOneRealVerdict(r, /^VERDICT: READY: all \d+ check\(s\) passed or were skipped\.$/);
      },
    );
  });

  it('/etc/hostname with ANSI cursor moves and a line break → escaped in the header, exit 0', async () => {
    await withGuest(
      (g) => {
        baseGuest(g);
        g.write('/etc/hostname', 'evil\u001b[2J\u001b[H\nVERDICT: READY\u001b[32m\n');
      },
      async (g) => {
        const r = await run(g);
        expect(r.code).toBe(0);
        expect(r.lines[0]).toBe(
          'asr-ready 0.1.0: Azure Site Recovery readiness of evil\\x1b[2J\\x1b[H\\nVERDICT: READY\\x1b[32m (Ubuntu 22.04.4 LTS, kernel 6.5.0-1025-azure)',
        );
        expectOneRealVerdict(r, /^VERDICT: READY: /);
      },
    );
  });

  it('mountinfo mount point with \\012 (a newline, as the kernel writes it) and "VERDICT: READY" → one WARN line with \\n', async () => {
    await withGuest(
      (g) => {
        baseGuest(g);
        g.write('/proc/self/mountinfo', '36 35 98:0 / / rw - ext4 /dev/sda1 rw\n37 36 98:1 / /data\\012VERDICT:\\040READY rw - vfat /dev/sdb1 rw\n');
      },
      async (g) => {
        const r = await run(g);
        expect(r.code).toBe(0);
        expect(r.lines).toContain(
          '         /data\\nVERDICT: READY is vfat: the matrix lists ext3, ext4, xfs, btrfs only, so these may not replicate consistently.',
        );
        expectOneRealVerdict(r, WARN_FS);
      },
    );
  });

  it('mount point with a right-to-left override (U+202E) → shown as \\u202e', async () => {
    await withGuest(
      (g) => {
        baseGuest(g);
        g.write('/proc/self/mountinfo', '36 35 98:0 / / rw - ext4 /dev/sda1 rw\n37 36 98:1 / /srv/\u202eYDAER rw - vfat /dev/sdb1 rw\n');
      },
      async (g) => {
        const r = await run(g);
        expect(r.lines).toContain('         /srv/\\u202eYDAER is vfat: the matrix lists ext3, ext4, xfs, btrfs only, so these may not replicate consistently.');
        expectOneRealVerdict(r, WARN_FS);
      },
    );
  });

  it('GRUB line with OSC title and cursor-up sequences → FAIL summary quotes it with \\x1b and \\x07, exit 1', async () => {
    await withGuest(
      (g) => {
        baseGuest(g);
        g.write('/etc/default/grub', 'GRUB_CMDLINE_LINUX="root=/dev/sda1 \u001b]0;pwned\u0007\u001b[1A\u001b[2K"\n');
      },
      async (g) => {
        const r = await run(g);
        expect(r.code).toBe(1);
        expect(r.lines).toContain(
          '         root=/dev/sda1 by device name in /etc/default/grub; Site Recovery fails with 151126. Line(s): /etc/default/grub:1: GRUB_CMDLINE_LINUX="root=/dev/sda1 \\x1b]0;pwned\\x07\\x1b[1A\\x1b[2K"',
        );
        expectOneRealVerdict(r, NOT_READY_GRUB);
      },
    );
  });

  it('EFI vendor directory named "x\\nVERDICT: READY" → its remediation step stays one line, with \\n', async () => {
    await withGuest(
      (g) => {
        baseGuest(g);
        g.write('/boot/efi/EFI/x\nVERDICT: READY/grub.cfg', 'linux /vmlinuz root=/dev/sda2 ro\n');
      },
      async (g) => {
        const r = await run(g);
        expect(r.lines).toContain(
          '           1. In /boot/efi/EFI/x\\nVERDICT: READY/grub.cfg line 1, replace root=/dev/sda2 with root=UUID=<the UUID that "blkid /dev/sda2" prints>.',
        );
        expectOneRealVerdict(r, NOT_READY_GRUB);
      },
    );
  });

  it('10 MB single-line /etc/default/grub → done in seconds, the quoted line cut at 512 characters with "…[truncated, N more bytes]"', async () => {
    await withGuest(
      (g) => {
        baseGuest(g);
        g.write('/etc/default/grub', `GRUB_CMDLINE_LINUX="root=/dev/sda1 ${'quiet '.repeat((10 * 1024 * 1024) / 6)}"`);
      },
      async (g) => {
        const text = await run(g);
        const line = text.lines.find((l) => l.includes('Line(s): /etc/default/grub:1: '))!;
        const quoted = line.slice(line.indexOf('Line(s): /etc/default/grub:1: ') + 'Line(s): /etc/default/grub:1: '.length);
        expect(quoted).toMatch(
          new RegExp(
            `^GRUB_CMDLINE_LINUX="root=/dev/sda1 (quiet ){${Math.floor((EVIDENCE_MAX_CHARS - 35) / 6)}}[a-z ]*…\\[truncated, \\d{1,3}(,\\d{3})+ more bytes\\]$`,
          ),
        );
        expect(quoted.indexOf('…')).toBe(EVIDENCE_MAX_CHARS);
        expectOneRealVerdict(text, NOT_READY_GRUB);
        expect(text.ms).toBeLessThan(10_000);
        const json = JSON.parse((await run(g, ['--checks', 'boot.grub-device-names', '--json'])).stdout) as {
          findings: Array<{ evidence: { offending: Array<{ line: string }> } }>;
        };
        expect(json.findings[0]!.evidence.offending[0]!.line).toBe(`${quoted}`);
      },
    );
  });

  it('compact output (--output compact) with a forged hostname and mount point → escaped, the verdict the only VERDICT line', async () => {
    await withGuest(
      (g) => {
        baseGuest(g);
        g.write('/etc/hostname', 'vm\nVERDICT: READY\n');
        g.write('/proc/self/mountinfo', '36 35 98:0 / / rw - ext4 /dev/sda1 rw\n37 36 98:1 / /x\\012FAIL\\040fake rw - vfat /dev/sdb1 rw\n');
      },
      async (g) => {
        const r = await run(g, ['--checks', OFFLINE, '--output', 'compact']);
        expect(r.lines[0]).toMatch(/^asr-ready 0\.1\.0 on vm\\nVERDICT: READY \(Ubuntu 22\.04\.4 LTS, 6\.5\.0-1025-azure\), run [0-9a-f-]{36}$/);
        expect(r.lines[1]).toBe(
          'WARN storage.filesystems: /x\\nFAIL fake is vfat: the matrix lists ext3, ext4, xfs, btrfs only, so these may not replicate consistently.',
        );
        expectOneRealVerdict(r, WARN_FS);
      },
    );
  });

  it('JSON output with the same forged hostname → one JSON document whose hostname is the raw text, escaped by JSON', async () => {
    await withGuest(
      (g) => {
        baseGuest(g);
        g.write('/etc/hostname', 'vm\u001b[2J\nVERDICT: READY\n');
      },
      async (g) => {
        const r = await run(g, ['--checks', OFFLINE, '--json']);
        expect(r.stdout).not.toMatch(RAW_CONTROL);
        expect(r.stdout).not.toMatch(/^VERDICT/m);
        expect((JSON.parse(r.stdout) as { host: { hostname: string } }).host.hostname).toBe('vm\u001b[2J\nVERDICT: READY');
      },
    );
  });
});

describe('hostile output: trust stores', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-hostile-output-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--trust-store bundle named "evil\\nVERDICT: READY.pem" holding a certificate whose subject has control characters → name escaped, exit 1', async () => {
    const bundle = path.join(dir, 'evil\nVERDICT: READY.pem');
    writeFileSync(bundle, makeCertificate({ commonName: 'Evil\nVERDICT: READY\u001b[2J\r' }).certPem);
    const start = Date.now();
    const result = await runCli(['--checks', 'trust.', '--trust-store', bundle], { env: cleanEnv() });
    const r = { ...result, ms: Date.now() - start, lines: result.stdout.trimEnd().split('\n') };
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`(store: ${dir}/evil\\nVERDICT: READY.pem, from --trust-store)`);
    expectOneRealVerdict(r, /^VERDICT: NOT READY for Azure Site Recovery: 1 check\(s\) failed: trust\.azure-roots \[151066\]$/);
  });
});
