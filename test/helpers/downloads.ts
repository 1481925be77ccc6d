// The built downloads (npm run build:binaries): where they are, which tools the tests of them need,
// and the Linux launcher's own switches (ASR_READY_RUNTIME_DIR, ASR_READY_UNPACK_ONLY).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './paths';

export const BIN = path.join(REPO, 'dist', 'bin');
export const BUILT = existsSync(path.join(BIN, 'SHA256SUMS'));
export const download = (name: string) => path.join(BIN, name);
export const NODE_RUNTIME = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { asrReady: { nodeRuntime: string } }).asrReady.nodeRuntime;
export const IS_ROOT = process.getuid?.() === 0;
export const has = (tool: string) => spawnSync('sh', ['-c', 'command -v "$0"', tool]).status === 0;

/** The launcher's loader and payload offset, as the build wrote them into its header. */
export function launcherHeader(file: string): { key: string; loader: string } {
  const head = readFileSync(file).subarray(0, 16_384).toString('latin1');
  return { key: /^key='([^']+)'$/m.exec(head)![1]!, loader: /^loader='([^']+)'$/m.exec(head)![1]! };
}

/**
 * Unpacks a Linux download under `base` with its own launcher (ASR_READY_UNPACK_ONLY=1) and returns
 * the runtime directory it printed. Works for another architecture's download too: unpacking runs
 * nothing of the payload.
 */
export function unpack(file: string, base: string): string {
  const result = spawnSync(file, [], {
    env: { PATH: process.env.PATH, ASR_READY_RUNTIME_DIR: base, ASR_READY_UNPACK_ONLY: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`unpacking ${file} failed (${result.status}): ${result.stderr}`);
  return result.stdout.trim();
}
