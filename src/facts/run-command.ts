// The one way facts run a guest program: execFile with an argument array (never a shell), no
// console window on Windows, a time bound and an output cap. It resolves with stdout as text and
// rejects with execFile's own error (its `code` is the exit code or ENOENT; `killed` on a timeout).
import { execFile } from 'node:child_process';
import { noteSource } from '../core/log';

export interface RunCommandOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes of stdout or stderr read before the program is stopped; execFile's default is 1 MiB. */
  maxBuffer?: number;
}

export function runCommand(file: string, args: readonly string[], options: RunCommandOptions): Promise<string> {
  // Named among the fact's sources at --log-level debug (an encoded PowerShell script is cut short).
  noteSource(`${file} ${args.join(' ')}`.slice(0, 200));
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { encoding: 'utf8', timeout: options.timeoutMs, signal: options.signal, maxBuffer: options.maxBuffer ?? 1024 * 1024, windowsHide: true },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}
