// Runs the built CLI as a child process, as a user or the Custom Script Extension would.
import { spawn } from 'node:child_process';
import { CLI_BUNDLE } from './paths';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  /** Run as this uid/gid (tests that need an unreadable file while CI runs as root). */
  uid?: number;
  gid?: number;
  timeoutMs?: number;
  /** Another copy of the bundle (a user other than root may not reach the repository's dist/). */
  bundle?: string;
  cwd?: string;
}

/**
 * A clean environment: none of this machine's SSL_CERT_*, NODE_EXTRA_CA_CERTS or proxy variables
 * leak into a test, and ASR_READY_LOOPBACK_ONLY=1 makes the agent refuse any address beyond
 * loopback, so a test can never send traffic off this machine (IMDS included).
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ASR_READY_LOOPBACK_ONLY: '1' };
  return { ...env, ...extra };
}

export function runCli(args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  return runProgram(process.execPath, [options.bundle ?? CLI_BUNDLE, ...args], options);
}

/**
 * Runs any program asynchronously. Never spawnSync here: it would block this process's event
 * loop, and with it the loopback servers the program under test is talking to.
 */
export function runProgram(file: string, args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? cleanEnv(),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not exit within ${options.timeoutMs ?? 20_000} ms: ${args.join(' ')}\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
