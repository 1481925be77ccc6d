// Command-line parsing with node:util parseArgs; every mistake is a UsageError naming the option.
import { parseArgs } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors';
import type { FailOn } from '../core/verdict';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface CliOptions {
  command: 'check' | 'help' | 'version';
  output: 'text' | 'json';
  checks: string[];
  skip: string[];
  failOn: FailOn;
  deadlineSeconds: number;
  logLevel: LogLevel;
  trustStore: string[];
  root: string | null;
}

export const DEFAULT_DEADLINE_SECONDS = 120;
const MAX_DEADLINE_SECONDS = 3600;
const COMMANDS = ['check', 'help'] as const;

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
        output: { type: 'string', short: 'o' },
        json: { type: 'boolean' },
        checks: { type: 'string', multiple: true },
        skip: { type: 'string', multiple: true },
        'fail-on': { type: 'string' },
        deadline: { type: 'string' },
        'log-level': { type: 'string' },
        'trust-store': { type: 'string', multiple: true },
        root: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const command = positionals[0] ?? 'check';
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}": the commands are ${COMMANDS.join(', ')}`);

  if (values.json && values.output && values.output !== 'json') throw new UsageError(`--json contradicts --output ${values.output}`);
  const output = values.json ? 'json' : (values.output ?? 'text');
  if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json, not "${output}"`);

  const failOn = values['fail-on'] ?? 'fail';
  if (failOn !== 'fail' && failOn !== 'warn' && failOn !== 'never') throw new UsageError(`--fail-on must be fail, warn or never, not "${failOn}"`);

  const logLevel = values['log-level'] ?? 'warn';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}"`);

  return {
    command: values.help || command === 'help' ? 'help' : values.version ? 'version' : 'check',
    output,
    checks: splitList(values.checks, '--checks'),
    skip: splitList(values.skip, '--skip'),
    failOn,
    deadlineSeconds: parseDeadline(values.deadline),
    logLevel: logLevel as LogLevel,
    trustStore: (values['trust-store'] ?? []).map(validateTrustStorePath),
    root: values.root === undefined ? null : validateRoot(values.root),
  };
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
    throw new UsageError(`--deadline must be a number of seconds between 0 and ${MAX_DEADLINE_SECONDS}, not "${raw}"`);
  }
  return n;
}

function validateTrustStorePath(p: string): string {
  const full = path.resolve(p);
  if (!existsSync(full)) throw new UsageError(`--trust-store ${p}: no such file or directory`);
  const info = statSync(full);
  if (!info.isFile() && !info.isDirectory()) throw new UsageError(`--trust-store ${p}: not a regular file or a directory`);
  return full;
}

function validateRoot(p: string): string {
  const full = path.resolve(p);
  if (!existsSync(full) || !statSync(full).isDirectory()) throw new UsageError(`--root ${p}: not a directory`);
  return full;
}
