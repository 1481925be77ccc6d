// The one bounded, typed file read (src/facts/read-text.ts): regular files only, capped before
// reading, never blocking on a FIFO or device, time-bounded, and saying when it cut.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBoundedFile, readBoundedFileSync, truncationNote } from '../../src/facts/read-text';
import { GuestFs } from '../../src/facts/guest-fs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-read-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content?: string | Buffer) => {
  const full = path.join(dir, name);
  if (content !== undefined) writeFileSync(full, content);
  return full;
};
const IS_ROOT = process.getuid?.() === 0;

describe('readBoundedFile / readBoundedFileSync', () => {
  it('reads a regular file whole, not truncated', async () => {
    const f = file('plain.txt', 'hello\n');
    for (const read of [await readBoundedFile(f), readBoundedFileSync(f)]) {
      expect(read).toMatchObject({ ok: true, truncated: false });
      if (read.ok) expect(read.content.toString()).toBe('hello\n');
    }
  });

  it('a file exactly at the cap is whole; one byte more is cut at the cap and says so', async () => {
    const exact = file('exact.txt', 'x'.repeat(100));
    const over = file('over.txt', 'x'.repeat(101));
    const atCap = await readBoundedFile(exact, { maxBytes: 100 });
    expect(atCap).toMatchObject({ ok: true, truncated: false });
    for (const read of [await readBoundedFile(over, { maxBytes: 100 }), readBoundedFileSync(over, { maxBytes: 100 })]) {
      expect(read).toMatchObject({ ok: true, truncated: true, maxBytes: 100 });
      if (read.ok) expect(read.content.length).toBe(100);
    }
  });

  it('a sparse file far over the cap is cut, reading only the cap', async () => {
    const sparse = file('sparse.bin', 'head\n');
    truncateSync(sparse, 1024 * 1024 * 1024); // 1 GiB that occupies no disk
    const read = await readBoundedFile(sparse, { maxBytes: 64 * 1024 });
    expect(read).toMatchObject({ ok: true, truncated: true });
    if (read.ok) expect(read.content.length).toBe(64 * 1024);
  });

  it('over the cap with overCap "refuse": refused unread, naming the size, the limit and the reason', async () => {
    const big = file('big.txt', 'y'.repeat(5000));
    for (const read of [
      await readBoundedFile(big, { maxBytes: 1024, overCap: 'refuse', capReason: 'for a test file' }),
      readBoundedFileSync(big, { maxBytes: 1024, overCap: 'refuse', capReason: 'for a test file' }),
    ]) {
      expect(read).toEqual({ ok: false, reason: 'too-large', problem: 'is 5,000 bytes, over the 1 KiB limit for a test file; not read' });
    }
  });

  it('a FIFO with no writer is refused at once, never blocking', async () => {
    const fifo = file('pipe');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    for (const read of [await readBoundedFile(fifo, { timeoutMs: 2000 }), readBoundedFileSync(fifo)]) {
      expect(read).toEqual({ ok: false, reason: 'not-regular', problem: 'is a FIFO (named pipe), not a regular file; not read' });
    }
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a directory is refused as a directory', async () => {
    for (const read of [await readBoundedFile(dir), readBoundedFileSync(dir)]) {
      expect(read).toMatchObject({ ok: false, reason: 'not-regular' });
      if (!read.ok) expect(read.problem).toMatch(/^is a directory, not a regular file; not read$/);
    }
  });

  it('/dev/zero is refused as a character device, never read', async () => {
    expect(existsSync('/dev/zero')).toBe(true);
    const started = Date.now();
    for (const read of [await readBoundedFile('/dev/zero'), readBoundedFileSync('/dev/zero')]) {
      expect(read).toEqual({ ok: false, reason: 'not-regular', problem: 'is a character device, not a regular file; not read' });
    }
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a missing file is "missing", and so is a path through a file', async () => {
    for (const f of [file('absent.txt'), path.join(file('plain2.txt', 'x'), 'below')]) {
      expect(await readBoundedFile(f)).toEqual({ ok: false, reason: 'missing', problem: 'does not exist (or is a broken symbolic link)' });
      expect(readBoundedFileSync(f)).toMatchObject({ ok: false, reason: 'missing' });
    }
  });

  it('an unreadable file (mode 000) is "permission denied"', async (ctx) => {
    // root bypasses file modes (CAP_DAC_OVERRIDE): a mode-000 file reads fine, so there is nothing to test.
    ctx.skip(IS_ROOT, 'running as root, which reads a mode-000 file; this case runs as a normal user');
    const locked = file('locked.txt', 'secret');
    chmodSync(locked, 0o000);
    expect(await readBoundedFile(locked)).toEqual({ ok: false, reason: 'denied', problem: 'permission denied' });
    expect(readBoundedFileSync(locked)).toEqual({ ok: false, reason: 'denied', problem: 'permission denied' });
  });

  it('an already aborted signal rejects at once with its reason, before any read', async () => {
    const controller = new AbortController();
    const reason = new Error('run deadline reached');
    controller.abort(reason);
    const started = Date.now();
    await expect(readBoundedFile(file('plain3.txt', 'x'), { signal: controller.signal })).rejects.toBe(reason);
    await expect(new GuestFs(dir).readText('/plain3.txt', undefined, controller.signal)).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('a signal aborted during the read rejects within the bound', async () => {
    const controller = new AbortController();
    const sparse = file('sparse2.bin', '');
    truncateSync(sparse, 64 * 1024 * 1024);
    const started = Date.now();
    const read = readBoundedFile(sparse, { maxBytes: 64 * 1024 * 1024, signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(read).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('GuestFs.readText: what a fact sees (paths named as the guest knows them)', () => {
  const guest = new GuestFs(dir);
  it('a whole file: text, no note', async () => {
    file('g1.txt', 'ID=rhel\n');
    expect(await guest.readText('/g1.txt')).toEqual({ text: 'ID=rhel\n', exists: true, truncated: false, note: null });
  });

  it('a cut file: the first maxBytes, truncated, and a note naming the guest path and the cap', async () => {
    file('g2.txt', 'a'.repeat(3000));
    const got = await guest.readText('/g2.txt', 2048);
    expect(got).toEqual({
      text: 'a'.repeat(2048),
      exists: true,
      truncated: true,
      note: '/g2.txt: truncated at 2,048 bytes (2 KiB); what follows was not read or judged',
    });
    expect(got.note).toBe(truncationNote('/g2.txt', 2048));
  });

  it('missing: no text and no note; a FIFO, directory or device: no text, exists, and a note naming the path', async () => {
    expect(await guest.readText('/g-absent')).toEqual({ text: null, exists: false, truncated: false, note: null });
    execFileSync('mkfifo', [file('g-pipe')]);
    expect(await guest.readText('/g-pipe')).toEqual({
      text: null,
      exists: true,
      truncated: false,
      note: '/g-pipe: is a FIFO (named pipe), not a regular file; not read',
    });
    expect((await guest.readText('/')).note).toBe('/: is a directory, not a regular file; not read');
    expect((await GuestFs.live().readText('/dev/zero')).note).toBe('/dev/zero: is a character device, not a regular file; not read');
  });

  it('readTextIfExists: the (cut) text or null', async () => {
    file('g3.txt', 'abcdef');
    expect(await guest.readTextIfExists('/g3.txt', 3)).toBe('abc');
    expect(await guest.readTextIfExists('/g-absent2')).toBeNull();
    expect(await GuestFs.live().readTextIfExists('/dev/zero')).toBeNull();
  });
});
