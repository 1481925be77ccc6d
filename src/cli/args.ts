// Command-line parsing with node:util parseArgs; every mistake is a UsageError naming the option.
import { parseArgs } from 'node:util';
import { statSync, type Stats } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { UsageError } from '../core/errors';
import type { FailOn } from '../core/verdict';
import { cloudFromImds, type Cloud } from '../catalog/azure-endpoints';
import { ConnectToSpecError, parseConnectTo, routeFor, type ConnectToRule } from '../net/connect-to';
import { isLoopback, unbracketIpv6 } from '../net/address-scope';
import { normaliseRegionName } from '../catalog/site-recovery-regions';
import { parseProxyValue } from '../facts/proxy/proxy-url';
import { redactUrl } from '../core/redact';
import { cacheUploadOption } from './cache-upload-args';
import { DELIVERY_OPTION_SPECS, parseDeliveryOptions, type DeliveryOptions } from './delivery-args';
import { defaultConfigPath, mergeLayers, readConfigFile, readEnvironment, rejectEmptyValues, type OptionSpec, type RawValues } from './config-layers';
import { quoteArg, shownPath } from '../core/quote-arg';
import { readCaFileOption } from './ca-file';
import { describeFileType } from '../facts/read-text';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface CliOptions {
  command: 'check' | 'help' | 'version' | 'rules' | 'checks' | 'explain';
  output: 'text' | 'json' | 'compact';
  checks: string[];
  skip: string[];
  failOn: FailOn;
  deadlineSeconds: number;
  logLevel: LogLevel;
  /** --quiet: no progress line on a terminal's stderr (nothing else changes). */
  quiet: boolean;
  trustStore: string[];
  root: string | null;
  proxy: string | null;
  noProxy: boolean;
  connectTo: ConnectToRule[];
  endpoints: Array<{ host: string; port: number }>;
  cacheStorageAccounts: string[];
  imdsEndpoint: string | null;
  region: string | null;
  cloud: Cloud | null;
  churnSeconds: number | null;
  /** --target-region: the region to replicate to (normalised), for the control-plane reads. */
  targetRegion: string | null;
  /** --arm-endpoint: where ARM is read instead of the cloud's endpoint (labs, tests). */
  armEndpoint: string | null;
  /** --arm-ca-file: PEM roots trusted for --arm-endpoint on top of the guest's. */
  armCa: string[];
  /** --cache-upload-test SAS-URL or --cache-upload-test-file FILE: the container SAS to upload a test blob to (a secret, remembered). */
  cacheUpload: { sasUrl: string } | null;
  delivery: DeliveryOptions;
  /** The configuration file that was read, if any. */
  configFile: string | null;
}

export const DEFAULT_DEADLINE_SECONDS = 120;
const MAX_DEADLINE_SECONDS = 3600;
const COMMANDS = ['check', 'help', 'rules', 'checks', 'explain'] as const;

const OPTION_SPECS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  config: { type: 'string' },
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  checks: { type: 'string', multiple: true },
  skip: { type: 'string', multiple: true },
  'fail-on': { type: 'string' },
  deadline: { type: 'string' },
  'log-level': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'trust-store': { type: 'string', multiple: true },
  root: { type: 'string' },
  proxy: { type: 'string' },
  'no-proxy': { type: 'boolean' },
  'connect-to': { type: 'string', multiple: true },
  endpoint: { type: 'string', multiple: true },
  'cache-storage-account': { type: 'string', multiple: true },
  'imds-endpoint': { type: 'string' },
  region: { type: 'string' },
  cloud: { type: 'string' },
  'churn-sample': { type: 'string' },
  'target-region': { type: 'string' },
  'arm-endpoint': { type: 'string' },
  'arm-ca-file': { type: 'string', multiple: true },
  'cache-upload-test': { type: 'string' },
  'cache-upload-test-file': { type: 'string' },
  ...DELIVERY_OPTION_SPECS,
} as const;

/** Options whose values are comma-separated lists. */
const COMMA_LISTS: ReadonlySet<string> = new Set(['checks', 'skip', 'endpoint', 'cache-storage-account']);

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}, platform: 'linux' | 'windows' = 'linux'): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, tokens: true, options: OPTION_SPECS });
  } catch (err) {
    throw new UsageError(parseArgsMessage((err as Error).message));
  }
  const specs = OPTION_SPECS as Record<string, OptionSpec>;
  rejectRepeatedOptions(parsed.tokens, specs);
  const cliValues = parsed.values as RawValues;
  // Empty values are mistakes wherever they come from, and say so before anything is read.
  rejectEmptyValues(cliValues, specs, { kind: 'flag' }, COMMA_LISTS);
  const envValues = readEnvironment(env, specs);
  rejectEmptyValues(envValues, specs, { kind: 'env' }, COMMA_LISTS);
  const explicitConfig = typeof cliValues.config === 'string' ? path.resolve(cliValues.config) : null;
  const file = readConfigFile(explicitConfig ?? defaultConfigPath(platform, env), explicitConfig !== null, specs);
  if (file) rejectEmptyValues(file.values, specs, { kind: 'file', path: file.path }, COMMA_LISTS);
  const values = mergeLayers(cliValues, envValues, file?.values ?? {}) as typeof parsed.values;
  const positionals = parsed.positionals;
  const configFile = file?.path ?? null;
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${quoteArg(positionals[1]!)}`);
  const command = positionals[0] ?? 'check';
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command ${quoteArg(command)}: the commands are ${COMMANDS.join(', ')}`);

  // --json is a flag: it beats an output from the environment or file, and only conflicts with an
  // --output given on the same command line.
  if (cliValues.json && cliValues.output) {
    throw new UsageError(
      cliValues.output === 'json'
        ? '--json and --output json both set the output; give one'
        : `--json contradicts --output ${quoteArg(String(cliValues.output))}`,
    );
  }
  const output = values.json ? 'json' : (values.output ?? 'text');
  if (output !== 'text' && output !== 'json' && output !== 'compact') throw new UsageError(`--output must be text, json or compact, not ${quoteArg(output)}`);

  const failOn = values['fail-on'] ?? 'fail';
  if (failOn !== 'fail' && failOn !== 'warn' && failOn !== 'never') throw new UsageError(`--fail-on must be fail, warn or never, not ${quoteArg(failOn)}`);

  const logLevel = values['log-level'] ?? 'warn';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not ${quoteArg(logLevel)}`);

  return {
    command:
      values.help || command === 'help'
        ? 'help'
        : values.version
          ? 'version'
          : command === 'rules' || command === 'checks' || command === 'explain'
            ? command
            : 'check',
    output,
    checks: splitList(values.checks, '--checks'),
    skip: splitList(values.skip, '--skip'),
    failOn,
    deadlineSeconds: parseDeadline(values.deadline),
    logLevel: logLevel as LogLevel,
    quiet: Boolean(values.quiet),
    trustStore: (values['trust-store'] ?? []).map(validateTrustStorePath),
    root: values.root === undefined ? null : validateRoot(values.root),
    proxy: values.proxy === undefined ? null : validateProxy(values.proxy, Boolean(values['no-proxy'])),
    noProxy: Boolean(values['no-proxy']),
    connectTo: (values['connect-to'] ?? []).map(connectToRule),
    endpoints: (values.endpoint ?? []).flatMap((v) => v.split(',')).map(parseEndpoint),
    cacheStorageAccounts: (values['cache-storage-account'] ?? []).flatMap((v) => v.split(',')).map(validateStorageAccount),
    imdsEndpoint: values['imds-endpoint'] === undefined ? null : validateImdsEndpoint(values['imds-endpoint']),
    region: values.region === undefined ? null : validateRegion(values.region),
    cloud: values.cloud === undefined ? null : validateCloud(values.cloud),
    churnSeconds:
      values['churn-sample'] === undefined ? null : validateChurnSeconds(values['churn-sample'], parseDeadline(values.deadline), values.deadline !== undefined),
    ...controlPlaneOptions(values, env),
    cacheUpload: cacheUploadOption(values, env.ASR_READY_LOOPBACK_ONLY === '1'),
    delivery: parseDeliveryOptions(values, env),
    configFile,
  };
}

/** node:util's message, without its hint about positionals, and with what it quotes cut and escaped. */
function parseArgsMessage(message: string): string {
  return message.replace(/\. To specify a positional argument.*$/s, '').replace(/'([^']*)'/g, (_m, quoted: string) => `'${quoteArg(quoted).slice(1, -1)}'`);
}

/** A single-valued option given twice is a mistake, not "the last one wins"; repeatable options stay repeatable. */
function rejectRepeatedOptions(tokens: ReadonlyArray<{ kind: string; name?: string }>, specs: Record<string, OptionSpec>): void {
  const counts = new Map<string, number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !token.name || specs[token.name]?.multiple) continue;
    const count = (counts.get(token.name) ?? 0) + 1;
    counts.set(token.name, count);
    if (count === 2) throw new UsageError(`--${token.name} is given more than once; it takes one value: give it once`);
  }
}

/** The sample must fit inside the run deadline with room to judge and print. */
function validateChurnSeconds(raw: string, deadlineSeconds: number, deadlineGiven: boolean): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > 3000)
    throw new UsageError(`--churn-sample must be a whole number of seconds from 1 to 3000, not ${quoteArg(raw)}`);
  if (n + 15 > deadlineSeconds) {
    throw new UsageError(
      `--churn-sample ${n} does not fit in ${deadlineGiven ? '' : 'the default '}--deadline ${deadlineSeconds}: give --deadline ${n + 30} or more`,
    );
  }
  return n;
}

/** A --connect-to rule; a malformed one is a usage error, with net's message. */
function connectToRule(spec: string): ConnectToRule {
  try {
    return parseConnectTo(spec);
  } catch (err) {
    throw err instanceof ConnectToSpecError ? new UsageError(err.message) : err;
  }
}

function validateProxy(value: string, noProxy: boolean): string {
  if (noProxy) throw new UsageError('--proxy and --no-proxy contradict each other; give one');
  const parsed = parseProxyValue(value);
  // The parser's message quotes the value; this one is built from a copy that cannot carry a password.
  if ('problem' in parsed) throw new UsageError(`--proxy ${quoteArg(value.trim())} ${problemWithoutValue(parsed.problem, value.trim())}`);
  return value;
}

const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.?$/i;

/** HOST, HOST:PORT, [IPv6]:PORT; the port defaults to 443. */
function parseEndpoint(value: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value.trim());
  const host = unbracketIpv6(match?.[1] ?? '');
  const port = match?.[2] === undefined ? 443 : Number(match[2]);
  if (!match || !(HOST_NAME.test(host) || net.isIP(host)))
    throw new UsageError(`--endpoint ${quoteArg(value)} must be HOST or HOST:PORT (e.g. pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com)`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--endpoint ${quoteArg(value)}: ${quoteArg(match[2]!)} is not a port number`);
  return { host: host.toLowerCase(), port };
}

function validateStorageAccount(value: string): string {
  const name = value.trim();
  if (!/^[a-z0-9]{3,24}$/.test(name)) {
    throw new UsageError(
      `--cache-storage-account ${quoteArg(value)} is not a storage account name (3-24 lower-case letters and digits; give the name, not the URL)`,
    );
  }
  return name;
}

function validateImdsEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--imds-endpoint ${quoteArg(value)} is not a URL (e.g. http://169.254.169.254)`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`--imds-endpoint ${quoteArg(value)} must be an http:// URL, as IMDS is`);
  return `${url.protocol}//${url.host}`;
}

function validateRegion(value: string): string {
  const region = value.trim().toLowerCase().replace(/\s+/g, '');
  if (!/^[a-z0-9]+$/.test(region)) throw new UsageError(`--region ${quoteArg(value)} is not an Azure region name (e.g. westeurope)`);
  return region;
}

/** --target-region, --arm-endpoint and --arm-ca-file. */
function controlPlaneOptions(
  values: { 'target-region'?: string; 'arm-endpoint'?: string; 'arm-ca-file'?: string[]; 'connect-to'?: string[] },
  env: NodeJS.ProcessEnv,
): Pick<CliOptions, 'targetRegion' | 'armEndpoint' | 'armCa'> {
  const armEndpoint =
    values['arm-endpoint'] === undefined
      ? null
      : validateArmEndpoint(values['arm-endpoint'], env.ASR_READY_LOOPBACK_ONLY === '1', (values['connect-to'] ?? []).map(connectToRule));
  const caFiles = values['arm-ca-file'] ?? [];
  // The guest's own roots judge the real ARM; an extra root is for a lab's endpoint only.
  if (caFiles.length > 0 && armEndpoint === null)
    throw new UsageError("--arm-ca-file needs --arm-endpoint: the real ARM endpoint is trusted through the guest's trust store only");
  return {
    targetRegion: values['target-region'] === undefined ? null : validateTargetRegion(values['target-region']),
    armEndpoint,
    armCa: caFiles.flatMap((file) => readCaFileOption('--arm-ca-file', file)),
  };
}

function validateTargetRegion(value: string): string {
  const region = normaliseRegionName(value);
  if (!/^[a-z0-9]+$/.test(region)) throw new UsageError(`--target-region ${quoteArg(value)} is not an Azure region name (e.g. westeurope or "West Europe")`);
  return region;
}

/**
 * An https:// URL without credentials, query or fragment. Under ASR_READY_LOOPBACK_ONLY (tests,
 * labs) only an endpoint that is dialled on loopback (the host itself, or where a --connect-to rule
 * sends it) is accepted, as the connector would refuse anything else at connect time.
 */
function validateArmEndpoint(value: string, loopbackOnly: boolean, connectTo: readonly ConnectToRule[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--arm-endpoint ${quoteArg(value)} is not a URL (e.g. https://management.azure.com)`);
  }
  if (url.protocol !== 'https:')
    throw new UsageError(
      `--arm-endpoint ${quoteArg(redactUrl(value))} must be an https:// URL: ARM is only spoken over TLS, and the token must not travel in clear`,
    );
  if (url.username || url.password)
    throw new UsageError('--arm-endpoint must not carry credentials: the identity comes from the managed identity or the service principal options');
  if (url.search || url.hash) throw new UsageError(`--arm-endpoint ${quoteArg(value)} must not have a query or fragment`);
  if (loopbackOnly) {
    const host = unbracketIpv6(url.hostname);
    const dialled = unbracketIpv6(routeFor(host, Number(url.port) || 443, connectTo).host);
    if (!isLoopback(dialled) && dialled.toLowerCase() !== 'localhost') {
      throw new UsageError(
        `--arm-endpoint ${quoteArg(value)} is not on loopback and ASR_READY_LOOPBACK_ONLY is set: give a loopback address, or a --connect-to rule that sends it to one`,
      );
    }
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/`;
}

function validateCloud(value: string): Cloud {
  const cloud = cloudFromImds(value);
  if (!cloud) throw new UsageError(`--cloud ${quoteArg(value)} must be AzureCloud, AzureUSGovernment or AzureChinaCloud`);
  return cloud;
}

function splitList(values: string[] | undefined, option: string): string[] {
  const items = (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`${option} has an empty check ID; give IDs or prefixes separated by commas, e.g. ${option} trust.`);
  return items;
}

function parseDeadline(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_DEADLINE_SECONDS;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !Number.isFinite(n) || n <= 0 || n > MAX_DEADLINE_SECONDS) {
    throw new UsageError(`--deadline must be a number of seconds between 0 and ${MAX_DEADLINE_SECONDS}, not ${quoteArg(raw)}`);
  }
  return n;
}

/** A CA bundle file or a certificate directory; FIFOs, devices and sockets are refused before anything opens them. */
function validateTrustStorePath(p: string): string {
  const full = path.resolve(p);
  const info = statOrProblem(full);
  if (typeof info === 'string') throw new UsageError(`--trust-store ${shownPath(p)}: ${info === 'missing' ? 'no such file or directory' : info}`);
  if (!info.isFile() && !info.isDirectory()) {
    throw new UsageError(
      `--trust-store ${shownPath(p)}: is ${describeFileType(info)}, not a regular file or a directory; give a CA bundle file or a certificate directory`,
    );
  }
  return full;
}

function validateRoot(p: string): string {
  const full = path.resolve(p);
  const info = statOrProblem(full);
  if (typeof info === 'string' || !info.isDirectory()) {
    const what = info === 'missing' ? 'does not exist' : typeof info === 'string' ? info : `is ${describeFileType(info)}`;
    throw new UsageError(`--root ${shownPath(p)}: not a directory (${what}); give the directory where the guest's disk is mounted`);
  }
  return full;
}

/** stat(2) that follows links; a problem in words instead of a throw. */
function statOrProblem(full: string): Stats | string {
  try {
    return statSync(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    if (code === 'ELOOP') return 'is a symbolic link loop';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return `cannot be examined (${code ?? (err as Error).message})`;
  }
}

/** The parser's problem without its leading quoted copy of the value ('"http://…" is not …' → 'is not …'). */
function problemWithoutValue(problem: string, value: string): string {
  const quoted = `"${redactUrl(value)}" `;
  if (problem.startsWith(quoted)) return problem.slice(quoted.length);
  return problem.startsWith('"') ? 'is not a usable proxy address (expected http://host:port)' : problem;
}
