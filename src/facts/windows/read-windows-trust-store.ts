// Gathers the Windows trust-store fact from the registry, where the stores live (argument arrays,
// no shell). Source and why: certutil's output is localised and written in the console's OEM code
// page (issue 16: on French Windows every store parsed as empty), and under wine it prints nothing;
// the registry holds the same certificates in a form no display language changes (see
// registry-cert-store.ts). The logical LocalMachine Root store is the union of its physical stores
// (.Default, .GroupPolicy, .Enterprise; .AuthRoot is judged as AuthRoot), and so is Disallowed.
//
// A reader that understands nothing says so: a Root store with no certificate is never a real
// Windows (every Windows ships with Microsoft's roots in it), so it is a store not read, with the
// command and the first bytes of what it printed.
import type { WindowsStoreEntry, WindowsStoreRead, WindowsTrustStore } from '../trust-store';
import { dwordValue, parseRegQuery } from './reg-query';
import { describeError } from '../../core/errors';
import { consoleCodePage, decodeConsoleBytes, firstBytes, runConsole, type RunConsole } from './console-text';
import { parseRegistryCertificates } from './registry-cert-store';

const COMMAND_TIMEOUT_MS = 20_000;
/** A Root store of 450 certificates prints some 3 MB of hex. */
const STORE_MAX_OUTPUT = 64 * 1024 * 1024;
export const ROOT_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot';

type StoreName = 'Root' | 'AuthRoot' | 'Disallowed';

/** Every physical store read, in order: the logical store it belongs to, and the registry key. */
export const STORE_KEYS: ReadonlyArray<{ store: StoreName; physical: string; key: string; required: boolean }> = [
  { store: 'Root', physical: 'Root', key: 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates', required: true },
  { store: 'Root', physical: 'Root (Group Policy)', key: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\Root\\Certificates', required: false },
  { store: 'Root', physical: 'Root (Enterprise)', key: 'HKLM\\SOFTWARE\\Microsoft\\EnterpriseCertificates\\Root\\Certificates', required: false },
  { store: 'AuthRoot', physical: 'AuthRoot', key: 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\AuthRoot\\Certificates', required: false },
  { store: 'Disallowed', physical: 'Disallowed', key: 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Disallowed\\Certificates', required: false },
  {
    store: 'Disallowed',
    physical: 'Disallowed (Group Policy)',
    key: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\Disallowed\\Certificates',
    required: false,
  },
  {
    store: 'Disallowed',
    physical: 'Disallowed (Enterprise)',
    key: 'HKLM\\SOFTWARE\\Microsoft\\EnterpriseCertificates\\Disallowed\\Certificates',
    required: false,
  },
];

/** The commands this reader spawns (besides `chcp`, see console-text.ts): program and arguments. */
export const TRUST_STORE_COMMANDS: ReadonlyArray<{ file: string; args: string[] }> = [
  ...STORE_KEYS.map((s) => ({ file: 'reg', args: ['query', s.key, '/s'] })),
  { file: 'reg', args: ['query', ROOT_POLICY_KEY, '/v', 'DisableRootAutoUpdate'] },
];

interface PhysicalRead {
  source: string;
  entries: WindowsStoreEntry[];
  /** Why it was not read or not understood; null when it was. */
  problem: string | null;
  notes: string[];
}

export async function readWindowsTrustStore(signal?: AbortSignal, run: RunConsole = runConsole): Promise<WindowsTrustStore> {
  const codePage = await consoleCodePage(run, signal);
  const [physical, policy] = await Promise.all([
    Promise.all(STORE_KEYS.map((s) => readPhysical(s, codePage, run, signal))),
    readRootUpdatePolicy(codePage, run, signal),
  ]);
  const logical = (name: StoreName): WindowsStoreRead => {
    const parts = STORE_KEYS.map((s, i) => ({ ...s, read: physical[i]! })).filter((s) => s.store === name);
    const entries: WindowsStoreEntry[] = [];
    const seen = new Set<string>();
    for (const p of parts) {
      for (const e of p.read.entries) {
        if (seen.has(e.sha1)) continue;
        seen.add(e.sha1);
        entries.push(e);
      }
    }
    const problems = parts.map((p) => p.read.problem).filter((p): p is string => p !== null);
    const main = parts[0]; // the store itself; policy and enterprise stores are optional additions
    if (main?.read.problem) return { read: false, entries, problem: problems.join('; '), sources: parts.map((p) => p.read.source) };
    if (name === 'Root' && entries.length === 0) {
      const source = parts[0]!.read.source;
      return {
        read: false,
        entries,
        problem: `${source} listed no certificate: a LocalMachine Root store is never empty, so the store was not read as Windows holds it (${parts[0]!.read.notes.join('; ') || 'nothing understood'})`,
        sources: parts.map((p) => p.read.source),
      };
    }
    return { read: true, entries, problem: problems.length ? problems.join('; ') : null, sources: parts.map((p) => p.read.source) };
  };
  return { platform: 'windows', stores: { Root: logical('Root'), AuthRoot: logical('AuthRoot'), Disallowed: logical('Disallowed') }, ...policy };
}

async function readPhysical(s: (typeof STORE_KEYS)[number], codePage: number | null, run: RunConsole, signal?: AbortSignal): Promise<PhysicalRead> {
  const source = `reg query ${s.key} /s`;
  let stdout: Buffer;
  let code: number;
  try {
    ({ stdout, code } = await run('reg', ['query', s.key, '/s'], { timeoutMs: COMMAND_TIMEOUT_MS, maxBuffer: STORE_MAX_OUTPUT, signal }));
  } catch (err) {
    return { source, entries: [], problem: `${source} failed: ${describeError(err)}`, notes: [] };
  }
  // Key paths, value names, types and hex are ASCII: the code page only matters for what is shown.
  const text = decodeConsoleBytes(stdout, codePage);
  if (code !== 0) {
    // reg exits 1 when the key does not exist: an optional store (policy, enterprise) that was never created.
    if (code === 1 && !s.required) return { source, entries: [], problem: null, notes: [] };
    return { source, entries: [], problem: `${source} exited with ${code}: ${firstBytes(text)}`, notes: [] };
  }
  const parsed = parseRegistryCertificates(text);
  if (parsed.entries.length === 0 && parsed.unrecognised.length > 0) {
    return { source, entries: [], problem: `${source} printed nothing this reader understands: ${firstBytes(text)}`, notes: parsed.notes };
  }
  const notes = parsed.notes.length
    ? [`${s.physical}: ${parsed.notes.slice(0, 5).join('; ')}${parsed.notes.length > 5 ? ` (and ${parsed.notes.length - 5} more)` : ''}`]
    : [];
  if (parsed.entries.length === 0 && s.required) notes.push(`it printed ${firstBytes(text)}`);
  return { source, entries: parsed.entries, problem: null, notes };
}

async function readRootUpdatePolicy(
  codePage: number | null,
  run: RunConsole,
  signal?: AbortSignal,
): Promise<Pick<WindowsTrustStore, 'disableRootAutoUpdate' | 'policyProblem'>> {
  const source = `reg query ${ROOT_POLICY_KEY} /v DisableRootAutoUpdate`;
  try {
    const { stdout, code } = await run('reg', ['query', ROOT_POLICY_KEY, '/v', 'DisableRootAutoUpdate'], {
      timeoutMs: COMMAND_TIMEOUT_MS,
      maxBuffer: 1024 * 1024,
      signal,
    });
    // reg exits 1 when the key or value does not exist: the policy is not set, automatic update is on.
    if (code === 1) return { disableRootAutoUpdate: null, policyProblem: null };
    const text = decodeConsoleBytes(stdout, codePage);
    if (code !== 0) return { disableRootAutoUpdate: null, policyProblem: `${source} exited with ${code}: ${firstBytes(text)}` };
    const value = parseRegQuery(text).find((v) => v.name.toLowerCase() === 'disablerootautoupdate');
    if (!value) return { disableRootAutoUpdate: null, policyProblem: `${source} printed no DisableRootAutoUpdate value: ${firstBytes(text)}` };
    const n = dwordValue(value);
    if (n === null)
      return { disableRootAutoUpdate: null, policyProblem: `DisableRootAutoUpdate is ${value.type} ${JSON.stringify(value.value)}, not a REG_DWORD` };
    // Windows reads the policy as a boolean: any non-zero value turns automatic root update off.
    return { disableRootAutoUpdate: n !== 0, policyProblem: null };
  } catch (err) {
    return { disableRootAutoUpdate: null, policyProblem: `${source} failed: ${describeError(err)}` };
  }
}
