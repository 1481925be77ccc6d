// FIPS mode of a Windows guest (check os.fips): the "System cryptography: Use FIPS compliant
// algorithms for encryption, hashing, and signing" policy, stored as the REG_DWORD
// HKLM\SYSTEM\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy\Enabled (non-zero = on; absent =
// the Windows default, off). Read with reg query (argument array, no shell); the parser is tested
// on a recorded output.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describeError } from '../../core/errors';
import { dwordValue, parseRegQuery } from './reg-query';

const execFileAsync = promisify(execFile);

export const FIPS_POLICY_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\FipsAlgorithmPolicy';

export interface WindowsFipsFacts {
  /** The registry key the policy value lives under, for findings and remediation to name. */
  key: string;
  /** Where the value was read from, as the admin would query it. */
  source: string;
  /** The DWORD; null when the value is not set (or could not be read: see problem). */
  enabled: number | null;
  /** The value's line as reg query printed it (type and data), when there was one. */
  raw: { type: string; value: string } | null;
  /** Why the value could not be read or understood; null when it was. */
  problem: string | null;
}

/** `reg query <FIPS_POLICY_KEY> /v Enabled` output: the Enabled REG_DWORD, or null when it is not there. */
export function parseFipsAlgorithmPolicy(regQueryOutput: string): Pick<WindowsFipsFacts, 'enabled' | 'raw' | 'problem'> {
  const value = parseRegQuery(regQueryOutput).find((v) => v.name.toLowerCase() === 'enabled');
  if (!value) return { enabled: null, raw: null, problem: null };
  const enabled = dwordValue(value);
  const raw = { type: value.type, value: value.value };
  if (enabled === null) return { enabled: null, raw, problem: `Enabled is ${value.type} ${JSON.stringify(value.value)}, not a REG_DWORD number` };
  return { enabled, raw, problem: null };
}

export async function readWindowsFips(signal?: AbortSignal): Promise<WindowsFipsFacts> {
  const source = `reg query ${FIPS_POLICY_KEY} /v Enabled`;
  try {
    const { stdout } = await execFileAsync('reg', ['query', FIPS_POLICY_KEY, '/v', 'Enabled'], {
      timeout: 20_000,
      signal,
      windowsHide: true,
      maxBuffer: 1024 * 1024,
    });
    return { key: FIPS_POLICY_KEY, source, ...parseFipsAlgorithmPolicy(stdout) };
  } catch (err) {
    // reg exits 1 both when the value does not exist (the policy was never set: FIPS mode is off)
    // and for "Access is denied" (a value not read), and its message is in the display language.
    // So the key itself is listed: readable means the value is simply not set; not readable means
    // nothing is known (the key exists on every Windows, so a missing key is no "not set" either).
    if ((err as { code?: unknown }).code === 1 && (await keyReadable(signal))) return { key: FIPS_POLICY_KEY, source, enabled: null, raw: null, problem: null };
    return { key: FIPS_POLICY_KEY, source, enabled: null, raw: null, problem: describeError(err) };
  }
}

/** `reg query <FIPS_POLICY_KEY>`: exit 0 when the key can be listed. */
async function keyReadable(signal?: AbortSignal): Promise<boolean> {
  try {
    await execFileAsync('reg', ['query', FIPS_POLICY_KEY], { timeout: 20_000, signal, windowsHide: true, maxBuffer: 1024 * 1024 });
    return true;
  } catch {
    return false;
  }
}
