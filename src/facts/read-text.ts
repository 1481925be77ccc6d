// Small, bounded reads of guest text files. Missing files are an answer (null), not an error.
import { open, stat } from 'node:fs/promises';

/**
 * Reads at most maxBytes of a regular file; null when it does not exist or is not a regular file.
 * The type is checked before opening: opening a FIFO for reading would block until a writer came.
 */
export async function readTextIfExists(file: string, maxBytes = 1024 * 1024): Promise<string | null> {
  try {
    if (!(await stat(file)).isFile()) return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return null;
    throw err;
  }
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
