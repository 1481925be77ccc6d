// Gathers the Windows trust-store fact by running certutil and reg (argument arrays, no shell).
// Runs only on Windows; tests cover the parsers with recorded real outputs.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WindowsStoreRead, WindowsTrustStore } from '../trust-store';
import { parseCertutilStore } from './certutil-store';
import { dwordValue, parseRegQuery } from './reg-query';
import { describeError } from '../../core/errors';

const execFileAsync = promisify(execFile);
const COMMAND_TIMEOUT_MS = 15_000;
export const ROOT_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot';

export async function readWindowsTrustStore(signal?: AbortSignal): Promise<WindowsTrustStore> {
  const [Root, AuthRoot, Disallowed, policy] = await Promise.all([
    readStore('Root', signal),
    readStore('AuthRoot', signal),
    readStore('Disallowed', signal),
    readRootUpdatePolicy(signal),
  ]);
  return { platform: 'windows', stores: { Root, AuthRoot, Disallowed }, ...policy };
}

async function readStore(name: string, signal?: AbortSignal): Promise<WindowsStoreRead> {
  try {
    const { stdout } = await execFileAsync('certutil', ['-store', name], { timeout: COMMAND_TIMEOUT_MS, signal, windowsHide: true, maxBuffer: 64 * 1024 * 1024 });
    return { read: true, entries: parseCertutilStore(stdout), problem: null };
  } catch (err) {
    return { read: false, entries: [], problem: `certutil -store ${name} failed: ${describeError(err)}` };
  }
}

async function readRootUpdatePolicy(signal?: AbortSignal): Promise<Pick<WindowsTrustStore, 'disableRootAutoUpdate' | 'policyProblem'>> {
  try {
    const { stdout } = await execFileAsync('reg', ['query', ROOT_POLICY_KEY, '/v', 'DisableRootAutoUpdate'], { timeout: COMMAND_TIMEOUT_MS, signal, windowsHide: true });
    const value = dwordValue(parseRegQuery(stdout).find((v) => v.name === 'DisableRootAutoUpdate'));
    return { disableRootAutoUpdate: value === null ? null : value !== 0, policyProblem: null };
  } catch (err) {
    // reg exits 1 when the key or value does not exist: the policy is not set, automatic update is on.
    if ((err as { code?: unknown }).code === 1) return { disableRootAutoUpdate: null, policyProblem: null };
    return { disableRootAutoUpdate: null, policyProblem: `reg query ${ROOT_POLICY_KEY} failed: ${describeError(err)}` };
  }
}
