// The hostile table: what the Windows storage reader meets when PowerShell misbehaves. A Node.js
// child stands in for powershell.exe (this runs on Linux), started the way the reader starts it
// (execFile, argument array, the reader's time bound and output cap). Each row: the facts carry
// the problem, the checks warn or skip (never pass), in bounded time.
import { describe, expect, it } from 'vitest';
import { execRunner, readWindowsStorage } from '../../src/facts/windows/windows-storage';
import { evaluateWindowsDisks, evaluateWindowsFilesystems } from '../../src/checks/helpers/windows-storage';
import { evaluateDisks } from '../../src/checks/storage-disks';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';

const BOUND_MS = 10_000;

/** readWindowsStorage with a Node.js script in place of the PowerShell one. */
async function readWith(script: string, timeoutMs = 5_000, maxBuffer = 1024 * 1024) {
  const node = execRunner(process.execPath, timeoutMs, maxBuffer);
  const started = performance.now();
  const facts = await readWindowsStorage(undefined, (_args, signal) => node(['-e', script], signal));
  const ms = performance.now() - started;
  const filesystems = evaluateWindowsFilesystems(facts);
  const disks = evaluateWindowsDisks(facts, null, SUPPORT_MATRIX, evaluateDisks([], null, null, SUPPORT_MATRIX));
  return { facts, filesystems, disks, ms };
}

describe('hostile: Windows storage listing', () => {
  it('PowerShell prints 20 MiB → not read: "printed more than 1 MiB", warn, in bounded time', async () => {
    const r = await readWith("process.stdout.write('{\"disks\":[' + '{},'.repeat(7e6))");
    expect(r.facts.problem).toBe(`reading the disks and volumes failed: ${process.execPath} printed more than 1 MiB; the listing was not read`);
    expect(r.filesystems.status).toBe('warn');
    expect(r.disks.status).toBe('skip');
    expect(r.ms).toBeLessThan(BOUND_MS);
  });

  it('PowerShell never exits → stopped at the time bound: "did not finish within 0.5 s", warn', async () => {
    const r = await readWith('setTimeout(() => {}, 60_000)', 500);
    expect(r.facts.problem).toBe(`reading the disks and volumes failed: ${process.execPath} did not finish within 0.5 s`);
    expect(r.filesystems).toMatchObject({ status: 'warn', summary: expect.stringContaining('did not finish within 0.5 s') });
    expect(r.ms).toBeLessThan(BOUND_MS);
  });

  it('PowerShell prints truncated JSON → "did not print the expected JSON", warn, not a pass', async () => {
    const r = await readWith('process.stdout.write(\'{"disks":[{"Number":0,\')');
    expect(r.facts.problem).toMatch(/^PowerShell did not print the expected JSON \(.+\): "\{\\"disks\\":\[\{\\"Number\\":0,"$/);
    expect(r.filesystems.status).toBe('warn');
  });

  it('PowerShell prints an error text and exits 1 → the exit named, warn', async () => {
    const r = await readWith("process.stderr.write('Get-CimInstance : Access denied'); process.exit(1)");
    expect(r.facts.problem).toMatch(/^reading the disks and volumes failed: Command failed: .*Access denied/s);
    expect(r.filesystems.status).toBe('warn');
  });

  it('PowerShell prints a 1 MB label and a file system name with control characters → the label capped, the name judged unknown (warn; the renderers escape the controls)', async () => {
    const r = await readWith(
      "process.stdout.write(JSON.stringify({volumes:[{DriveLetter:'G',FileSystem:'FAT32\\n\\u001b[31mVERDICT: pass',DriveType:3,FileSystemLabel:'x'.repeat(1e6)}]}))",
    );
    expect(r.facts.volumes[0]!.label!.length).toBeLessThan(600);
    expect(r.filesystems).toMatchObject({ status: 'warn', summary: expect.stringContaining(': a file system outside the matrix') });
  });

  it('powershell.exe is missing → ENOENT named, warn', async () => {
    const facts = await readWindowsStorage(undefined, execRunner('/nonexistent/powershell.exe', 1_000));
    expect(facts.problem).toBe('reading the disks and volumes failed: spawn /nonexistent/powershell.exe ENOENT');
    expect(evaluateWindowsFilesystems(facts).status).toBe('warn');
  });
});
