// Configuration from a JSON file and ASR_READY_* environment variables, merged under the command
// line: flags > environment > file > defaults. Keys are the options' names in camelCase
// ("failOn", "reportUrl"); variables are ASR_READY_ plus the name in capitals ("ASR_READY_FAIL_ON").
// Unknown keys and wrong types are errors that name the key. There are no keys for secrets:
// they come from files (reportTokenFile, clientSecretFile) or ASR_READY_CLIENT_SECRET.
import { UsageError } from '../core/errors';
import { programDataPath } from '../core/program-data';
import { readBoundedFileSync } from '../facts/read-text';
import { quoteArg } from '../core/quote-arg';

/** A configuration file larger than this is refused unread. */
const MAX_CONFIG_BYTES = 1024 * 1024;

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
  return platform === 'windows' ? programDataPath(env, 'asr-ready', 'config.json') : '/etc/asr-ready/config.json';
}

/** The config file's values keyed by option name; null when there is no file to read. */
export function readConfigFile(file: string, explicit: boolean, specs: Record<string, OptionSpec>): { values: RawValues; path: string } | null {
  const read = readBoundedFileSync(file, { maxBytes: MAX_CONFIG_BYTES, overCap: 'refuse', capReason: 'for a configuration file' });
  if (!read.ok) {
    if (read.reason === 'missing') {
      if (explicit) throw new UsageError(`--config ${file}: no such file`);
      return null;
    }
    // Named as what it is (a directory, no permission, a FIFO, too large), never as "not valid JSON".
    throw new UsageError(`config ${file}: ${read.problem}${read.reason === 'denied' ? '; run as a user who may read it, or give another --config' : ''}`);
  }
  let parsed: unknown;
  try {
    // A UTF-8 byte order mark (Notepad writes one) is not part of the JSON.
    parsed = JSON.parse(read.content.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UsageError(`config ${file} is not valid JSON: ${jsonErrorWithoutContent((err as Error).message)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`config ${file} must hold a JSON object of options`);
  const byKey = new Map(
    Object.keys(specs)
      .filter((o) => !COMMAND_LINE_ONLY.has(o))
      .map((o) => [camelCase(o), o]),
  );
  const values: RawValues = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const option = byKey.get(key);
    if (!option) {
      const hint = /secret|password|token$/i.test(key)
        ? ' (secrets are never kept in the config: use reportTokenFile, clientSecretFile or ASR_READY_CLIENT_SECRET)'
        : '';
      throw new UsageError(`config ${file}: unknown key ${quoteArg(key)}${hint}; known keys are ${[...byKey.keys()].sort().join(', ')}`);
    }
    values[option] = coerce(value, specs[option]!, `config ${file}: "${key}"`);
  }
  return { values, path: file };
}

/**
 * The ASR_READY_* variables that are set. A variable set to "" is a value, as `--root ''` is: it is
 * kept here and rejected by rejectEmptyValues, so flag, environment and file agree.
 */
export function readEnvironment(env: NodeJS.ProcessEnv, specs: Record<string, OptionSpec>): RawValues {
  const values: RawValues = {};
  for (const [option, spec] of Object.entries(specs)) {
    if (COMMAND_LINE_ONLY.has(option)) continue;
    const raw = env[envName(option)];
    if (raw === undefined) continue;
    const where = `environment variable ${envName(option)}`;
    if (spec.type === 'boolean') {
      if (!/^(1|true|yes|0|false|no)$/i.test(raw)) throw new UsageError(`${where} must be true or false, not ${quoteArg(raw)}`);
      values[option] = /^(1|true|yes)$/i.test(raw);
    } else values[option] = spec.multiple ? raw.split(',').map((s) => s.trim()) : raw;
  }
  return values;
}

/** Where a layer's value came from, for messages: '' for the command line. */
export type LayerSource = { kind: 'flag' } | { kind: 'env' } | { kind: 'file'; path: string };

function fromWhere(option: string, source: LayerSource): string {
  if (source.kind === 'env') return ` (environment variable ${envName(option)})`;
  if (source.kind === 'file') return ` (config ${source.path}, key "${camelCase(option)}")`;
  return '';
}

/**
 * An empty value is a mistake wherever it comes from: `--root ''`, ASR_READY_ROOT='', "root": "",
 * `--checks ,`, ASR_READY_CHECKS='' and "checks": [] each stop the run with one message naming the
 * option. `commaLists` are the options whose values are comma-separated lists.
 */
export function rejectEmptyValues(values: RawValues, specs: Record<string, OptionSpec>, source: LayerSource, commaLists: ReadonlySet<string>): void {
  for (const [option, value] of Object.entries(values)) {
    const spec = specs[option];
    if (value === undefined || typeof value === 'boolean' || !spec) continue;
    const from = fromWhere(option, source);
    if (option === 'checks' || option === 'skip') {
      const items = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(','));
      if (items.length === 0 || items.some((s) => s.trim() === '')) {
        throw new UsageError(`--${option} has an empty check ID${from}; give IDs or prefixes separated by commas, e.g. --${option} trust.`);
      }
      continue;
    }
    const items = Array.isArray(value) ? (commaLists.has(option) ? value.flatMap((v) => v.split(',')) : value) : [value];
    if (items.length === 0) throw new UsageError(`--${option} is an empty list${from}; give at least one value, or leave it out`);
    if (items.some((s) => s.trim() === ''))
      throw new UsageError(`--${option} ${spec.multiple ? 'has an empty value' : 'is empty'}${from}; give a value, or leave it out`);
  }
}

/** JSON.parse's message without the piece of the file it quotes (which could be anything, a secret included). */
function jsonErrorWithoutContent(message: string): string {
  const withoutQuote = message.replace(/,? ?"[^]*" is not valid JSON/, '').replace(/ in JSON at position/, ' at position');
  return withoutQuote.length > 120 ? `${withoutQuote.slice(0, 120)}…` : withoutQuote;
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
