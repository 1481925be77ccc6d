// Builds fake guest file trees for --root, in a temporary directory removed after the test file.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class FakeGuest {
  readonly root: string;

  constructor(prefix = 'asr-ready-guest-') {
    this.root = mkdtempSync(path.join(os.tmpdir(), prefix));
    chmodSync(this.root, 0o755); // the unreadable-file tests run the CLI as "nobody"
  }

  path(guestPath: string): string {
    return path.join(this.root, guestPath);
  }

  write(guestPath: string, content: string | Buffer, mode?: number): this {
    const full = this.path(guestPath);
    mkdirSync(path.dirname(full), { recursive: true, mode: 0o755 });
    writeFileSync(full, content, mode !== undefined ? { mode } : {});
    if (mode !== undefined) chmodSync(full, mode);
    return this;
  }

  mkdir(guestPath: string): this {
    mkdirSync(this.path(guestPath), { recursive: true, mode: 0o755 });
    return this;
  }

  /** A symbolic link at guestPath whose target is taken literally (relative targets stay relative). */
  symlink(guestPath: string, target: string): this {
    const full = this.path(guestPath);
    mkdirSync(path.dirname(full), { recursive: true, mode: 0o755 });
    symlinkSync(target, full);
    return this;
  }

  osRelease(id: string, versionId: string, prettyName: string, idLike?: string): this {
    return this.write(
      '/etc/os-release',
      `NAME="${prettyName}"\nID=${id}\n${idLike ? `ID_LIKE="${idLike}"\n` : ''}VERSION_ID="${versionId}"\nPRETTY_NAME="${prettyName}"\n`,
    );
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Builds a fake guest, hands it to fn, and removes it afterwards whatever happens. */
export async function withGuest<T>(build: (g: FakeGuest) => void, fn: (g: FakeGuest) => Promise<T>): Promise<T> {
  const guest = new FakeGuest();
  try {
    build(guest);
    return await fn(guest);
  } finally {
    guest.remove();
  }
}
