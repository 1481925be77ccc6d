// The arguments of `asr-ready rules`: its own options (--output text|az|az-powershell|bicep|json,
// --include-optional, --priority) are parsed here, with node:util parseArgs; the options it shares
// with the check (--target-region, --region, --cloud, --imds-endpoint, --cache-storage-account,
// --config) are handed to parseCliArgs, so they are validated once, the same way, and also come
// from ASR_READY_* variables and the config file. Every mistake is a UsageError naming the option.
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors';
import { quoteArg } from '../core/quote-arg';
import type { Cloud } from '../catalog/azure-endpoints';
import { findRegion, normaliseRegionName, SITE_RECOVERY_REGIONS, type SiteRecoveryRegion } from '../catalog/site-recovery-regions';
import { envName } from './config-layers';
import { parseCliArgs } from './args';

export const RULES_COMMAND = 'rules';
export const RULES_OUTPUTS = ['text', 'az', 'az-powershell', 'bicep', 'json'] as const;
export type RulesOutput = (typeof RULES_OUTPUTS)[number];
/** The first rule's priority unless --priority says otherwise (computeOutboundRules' default). */
export const DEFAULT_RULE_PRIORITY = 200;

/** Options of the rules command alone: read from its command line only (a configured --output is the check report's). */
const OWN_SPECS = {
  help: { type: 'boolean', short: 'h' },
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  'include-optional': { type: 'boolean' },
  priority: { type: 'string' },
} as const;

/** Options shared with the check: passed on to parseCliArgs, which validates them and merges the environment and the config file. */
const SHARED_SPECS = {
  'target-region': { type: 'string' },
  region: { type: 'string' },
  cloud: { type: 'string' },
  'imds-endpoint': { type: 'string' },
  'cache-storage-account': { type: 'string', multiple: true },
  config: { type: 'string' },
} as const;

const RULES_SPECS = { ...OWN_SPECS, ...SHARED_SPECS } as const;

/** Where a value came from, as messages and the JSON output name it. */
export type ValueSource = string;

export interface RulesOptions {
  help: boolean;
  output: RulesOutput;
  includeOptional: boolean;
  basePriority: number;
  /** The target region's catalog entry. */
  target: SiteRecoveryRegion;
  targetFrom: ValueSource;
  /** The source region's catalog entry, or null: read it from IMDS. */
  source: SiteRecoveryRegion | null;
  sourceFrom: ValueSource | null;
  cloud: Cloud | null;
  cloudFrom: ValueSource | null;
  imdsEndpoint: string | null;
  cacheStorageAccounts: string[];
}

/**
 * Whether argv asks for the rules command: its first argument that is not an option or an option's
 * value (read with the rules command's options) is "rules". Decided before the check's parser runs,
 * which would refuse `--output az`.
 */
export function isRulesCommand(argv: readonly string[]): boolean {
  try {
    const { tokens } = parseArgs({ args: [...argv], allowPositionals: true, strict: false, tokens: true, options: RULES_SPECS });
    return tokens.find((t) => t.kind === 'positional')?.value === RULES_COMMAND;
  } catch {
    return false;
  }
}

export function parseRulesArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}, platform: 'linux' | 'windows' = 'linux'): RulesOptions | { help: true } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, tokens: true, options: RULES_SPECS });
  } catch (err) {
    throw new UsageError(parseArgsMessage(err as NodeJS.ErrnoException));
  }
  const positionals = parsed.positionals;
  if (positionals[0] !== RULES_COMMAND) throw new UsageError(`expected the command ${RULES_COMMAND} first, not ${quoteArg(positionals[0] ?? '')}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${quoteArg(positionals[1]!)}: asr-ready rules takes options only`);
  const values = parsed.values;
  if (values.help) return { help: true };

  // Single-valued options given twice are mistakes; parseCliArgs says so for the shared ones.
  const seen = new Set<string>();
  const shared: string[] = [];
  const given: Record<string, string> = {};
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (token.name in SHARED_SPECS) {
      // --name=value: a value that starts with "-" stays a value.
      shared.push(token.value === undefined ? `--${token.name}` : `--${token.name}=${token.value}`);
      if (token.value !== undefined) given[token.name] = token.value;
      continue;
    }
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once; it takes one value: give it once`);
    seen.add(token.name);
  }
  const options = parseCliArgs(shared, env, platform);
  const layer = (option: string): ValueSource =>
    given[option] !== undefined
      ? `--${option}`
      : env[envName(option)] !== undefined
        ? envName(option)
        : `the config file${options.configFile ? ` ${options.configFile}` : ''}`;
  // The value as the operator gave it, for messages (the environment and the file are shown normalised).
  const shown = (option: string, normalised: string) => quoteArg(given[option] ?? normalised);

  if (values.json && values.output !== undefined) {
    throw new UsageError(
      values.output === 'json' ? '--json and --output json both set the output; give one' : `--json contradicts --output ${quoteArg(values.output)}`,
    );
  }
  const output = values.json ? 'json' : (values.output ?? 'text');
  if (!(RULES_OUTPUTS as readonly string[]).includes(output)) {
    throw new UsageError(`--output must be ${RULES_OUTPUTS.slice(0, -1).join(', ')} or ${RULES_OUTPUTS.at(-1)} for asr-ready rules, not ${quoteArg(output)}`);
  }

  if (options.targetRegion === null) {
    throw new UsageError('asr-ready rules needs --target-region NAME: the region the VM is to replicate to (e.g. --target-region eastus2)');
  }
  const target = catalogRegion('--target-region', options.targetRegion, shown('target-region', options.targetRegion));
  const source = options.region === null ? null : catalogRegion('--region', options.region, shown('region', options.region));

  if (options.cloud !== null && source && source.cloud !== options.cloud) {
    throw new UsageError(
      `--cloud ${options.cloud} (from ${layer('cloud')}) contradicts --region ${shown('region', source.name)}: ${source.displayName} is a region of ${source.cloud}; give the cloud of the source region, or leave --cloud out`,
    );
  }

  return {
    help: false,
    output: output as RulesOutput,
    includeOptional: Boolean(values['include-optional']),
    basePriority: values.priority === undefined ? DEFAULT_RULE_PRIORITY : parsePriority(values.priority),
    target,
    targetFrom: layer('target-region'),
    source,
    sourceFrom: source ? layer('region') : null,
    cloud: options.cloud,
    cloudFrom: options.cloud === null ? null : layer('cloud'),
    imdsEndpoint: options.imdsEndpoint,
    cacheStorageAccounts: options.cacheStorageAccounts,
  };
}

/** A region the Site Recovery catalog lists, else a UsageError naming the option, the value and the nearest names. */
function catalogRegion(option: string, name: string, shownValue: string): SiteRecoveryRegion {
  const region = findRegion(name);
  if (region) return region;
  throw new UsageError(
    `${option} ${shownValue} is not a region the Site Recovery region catalog lists${suggestion(name)}; see az account list-locations -o table`,
  );
}

/** " (did you mean eastus2, eastus?)" for names within two edits; "" when none is that close. */
export function suggestion(name: string): string {
  const wanted = normaliseRegionName(name);
  if (!wanted) return '';
  const near = SITE_RECOVERY_REGIONS.regions
    .map((r) => ({ name: r.name, d: editDistance(wanted, r.name, 2) }))
    .filter((r) => r.d <= 2)
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, 3);
  return near.length ? ` (did you mean ${near.map((r) => r.name).join(', ')}?)` : '';
}

/** Levenshtein distance, stopping early once it exceeds max (returns max + 1). */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...row) > max) return max + 1;
    previous = row;
  }
  return previous[b.length]!;
}

/** NSG custom rules take priorities 100 to 4096; whether all the rules fit is checked when they are computed. */
function parsePriority(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 100 || n > 4096)
    throw new UsageError(`--priority must be a whole number from 100 to 4096 (the first rule's priority), not ${quoteArg(raw)}`);
  return n;
}

/** node:util's message, made to name what asr-ready rules takes, without its hint about positionals, with what it quotes escaped. */
function parseArgsMessage(err: NodeJS.ErrnoException): string {
  const unknown = err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '(.*?)'(?:\. To specify|$)/s.exec(err.message)?.[1] : undefined;
  if (unknown !== undefined) {
    const names = Object.keys(RULES_SPECS).map((o) => `--${o}`);
    return `${quoteArg(unknown)} is not an option of asr-ready rules; its options are ${names.join(', ')}`;
  }
  return err.message
    .replace(/\. To specify a positional argument.*$/s, '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/'([^']*)'/g, (_m, quoted: string) => `'${quoteArg(quoted).slice(1, -1)}'`);
}
