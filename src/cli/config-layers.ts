// Configuration from a JSON file and ASR_READY_* environment variables, merged under the command
// line: flags > environment > file > defaults. Keys are the options' names in camelCase
// ("failOn", "reportUrl"); variables are ASR_READY_ plus the name in capitals ("ASR_READY_FAIL_ON").
// Unknown keys and wrong types are errors that name the key. There are no keys for secrets:
// they come from files (reportTokenFile, clientSecretFile) or ASR_READY_CLIENT_SECRET.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors';

export type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };
export type RawValue = string | boolean | string[];
export type RawValues = Record<string, RawValue | undefined>;

/** Options that make no sense outside the command line. */
const COMMAND_LINE_ONLY = new Set(['help', 'version', 'config', 'json']);

export function camelCase(option: string): string {
  return option.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export function envName(option: string): string {
  return `ASR_READY_${option.toUpperCase().replace(/-/g, '_')}`;
}

export function defaultConfigPath(platform: 'linux' | 'windows', env: NodeJS.ProcessEnv): string {
  return platform === 'windows' ? path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'asr-ready', 'config.json') : '/etc/asr-ready/config.json';
}

/** The config file's values keyed by option name; null when there is no file to read. */
export function readConfigFile(file: string, explicit: boolean, specs: Record<string, OptionSpec>): { values: RawValues; path: string } | null {
  if (!existsSync(file)) {
    if (explicit) throw new UsageError(`--config ${file}: no such file`);
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`config ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`config ${file} must hold a JSON object of options`);
  const byKey = new Map(Object.keys(specs).filter((o) => !COMMAND_LINE_ONLY.has(o)).map((o) => [camelCase(o), o]));
  const values: RawValues = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const option = byKey.get(key);
    if (!option) {
      const hint = /secret|password|token$/i.test(key) ? ' (secrets are never kept in the config: use reportTokenFile, clientSecretFile or ASR_READY_CLIENT_SECRET)' : '';
      throw new UsageError(`config ${file}: unknown key "${key}"${hint}; known keys are ${[...byKey.keys()].sort().join(', ')}`);
    }
    values[option] = coerce(value, specs[option]!, `config ${file}: "${key}"`);
  }
  return { values, path: file };
}

export function readEnvironment(env: NodeJS.ProcessEnv, specs: Record<string, OptionSpec>): RawValues {
  const values: RawValues = {};
  for (const [option, spec] of Object.entries(specs)) {
    if (COMMAND_LINE_ONLY.has(option)) continue;
    const raw = env[envName(option)];
    if (raw === undefined || raw === '') continue;
    const where = `environment variable ${envName(option)}`;
    if (spec.type === 'boolean') {
      if (!/^(1|true|yes|0|false|no)$/i.test(raw)) throw new UsageError(`${where} must be true or false, not "${raw}"`);
      values[option] = /^(1|true|yes)$/i.test(raw);
    } else values[option] = spec.multiple ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
  }
  return values;
}

function coerce(value: unknown, spec: OptionSpec, where: string): RawValue {
  if (spec.type === 'boolean') {
    if (typeof value !== 'boolean') throw new UsageError(`${where} must be true or false`);
    return value;
  }
  const scalar = (v: unknown) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw new UsageError(`${where} must be ${spec.multiple ? 'a list of strings' : 'a string or a number'}`);
  };
  if (spec.multiple) return Array.isArray(value) ? value.map(scalar) : [scalar(value)];
  if (Array.isArray(value)) throw new UsageError(`${where} must be a single value, not a list`);
  return scalar(value);
}

/** Command line over environment over file, option by option (lists are not merged). */
export function mergeLayers(cli: RawValues, env: RawValues, file: RawValues): RawValues {
  const merged: RawValues = { ...file };
  for (const layer of [env, cli]) for (const [k, v] of Object.entries(layer)) if (v !== undefined) merged[k] = v;
  return merged;
}
