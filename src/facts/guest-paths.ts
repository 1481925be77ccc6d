// File-based facts are read under --root, so tests can present whole fake guests and admins can
// inspect a mounted disk image. Every guest path goes through here.
import path from 'node:path';

export function guestPath(root: string, absolutePath: string): string {
  if (root === '/' || root === '') return absolutePath;
  return path.join(root, absolutePath);
}
