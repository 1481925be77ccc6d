// `asr-ready checks` and `asr-ready explain ID`: what the agent checks, from the check declarations
// themselves (src/checks/*.ts: id, title, description, platforms, scope, time bound, needs and
// `explain`), the plain-words table of facts (src/checks/helpers/fact-descriptions.ts) and the
// catalogs' own sources. Nothing is gathered and nothing is sent; no second copy of any text.
//
// Exit codes: 0 printed; 2 usage: a bad option, or an ID that names no check (the message names it
// and suggests the closest IDs). A family selector (`explain trust`, `explain network.`) lists the
// family's checks.
import { parseArgs } from 'node:util';
import type { Check } from '../core/check';
import { UsageError } from '../core/errors';
import { EXIT } from '../core/verdict';
import { quoteArg } from '../core/quote-arg';
import { AZURE_ROOTS } from '../catalog/azure-roots';
import { SUPPORT_MATRIX } from '../catalog/support-matrix';
import { AZURE_ENDPOINTS } from '../catalog/azure-endpoints';
import { VM_SIZES } from '../catalog/vm-sizes';
import { SITE_RECOVERY_REGIONS } from '../catalog/site-recovery-regions';
import { ALL_CHECKS, matchesSelector } from '../checks/registry';
import { describeFact } from '../checks/helpers/fact-descriptions';
import type { GuestCheck } from '../checks/helpers/check-context';
import { helpText } from './help';
import pkg from '../../package.json';

export const CHECKS_COMMANDS = ['checks', 'explain'] as const;
export type ChecksCommand = (typeof CHECKS_COMMANDS)[number];

const SPECS = {
  help: { type: 'boolean', short: 'h' },
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
} as const;

/** The catalogs a check's `explain.catalogs` may name, with the file each is read from. */
export const EXPLAINED_CATALOGS: Readonly<Record<string, { file: string; version: string; sources: readonly string[] }>> = {
  azureRoots: { file: 'src/catalog/azure-roots.json', version: AZURE_ROOTS.version, sources: AZURE_ROOTS.sources },
  supportMatrix: { file: 'src/catalog/support-matrix.json', version: SUPPORT_MATRIX.version, sources: SUPPORT_MATRIX.sources },
  endpoints: { file: 'src/catalog/azure-endpoints.json', version: AZURE_ENDPOINTS.version, sources: AZURE_ENDPOINTS.sources },
  vmSizes: { file: 'src/catalog/vm-sizes.json', version: VM_SIZES.version, sources: VM_SIZES.sources },
  siteRecoveryRegions: {
    file: 'src/catalog/site-recovery-regions.json',
    version: SITE_RECOVERY_REGIONS.version,
    sources: Object.entries(SITE_RECOVERY_REGIONS.sources).map(([key, text]) => `${key}: ${text}`),
  },
};

/** What the commands need of the CLI's io (run.ts's CliIo satisfies it). */
export interface ChecksIo {
  stdout: { write(text: string): unknown };
}

interface ChecksOptions {
  help: boolean;
  command: ChecksCommand;
  output: 'text' | 'json';
  selector: string | null;
}

/**
 * Whether argv asks for `checks` or `explain`: its first argument that is not an option or an
 * option's value is one of them. Decided before the check's parser runs, which takes no ID.
 */
export function isChecksCommand(argv: readonly string[]): boolean {
  try {
    const { tokens } = parseArgs({ args: [...argv], allowPositionals: true, strict: false, tokens: true, options: SPECS });
    const first = tokens.find((t) => t.kind === 'positional')?.value;
    return (CHECKS_COMMANDS as readonly (string | undefined)[]).includes(first);
  } catch {
    return false;
  }
}

export function parseChecksArgs(argv: readonly string[]): ChecksOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, tokens: true, options: SPECS });
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/\s*\n\s*/g, ' ');
    const unknown = /^Unknown option '(.*?)'$/s.exec(message)?.[1];
    throw new UsageError(
      unknown !== undefined
        ? `${quoteArg(unknown)} is not an option of asr-ready checks or explain; their options are --output text|json, --json, --help`
        : message,
    );
  }
  const [command, ...rest] = parsed.positionals;
  if (!(CHECKS_COMMANDS as readonly (string | undefined)[]).includes(command)) {
    throw new UsageError(`expected the command checks or explain first, not ${quoteArg(command ?? '')}`);
  }
  const values = parsed.values;
  for (const name of ['output', 'json']) {
    if (parsed.tokens.filter((t) => t.kind === 'option' && t.name === name).length > 1) throw new UsageError(`--${name} is given more than once; give it once`);
  }
  if (values.json && values.output !== undefined && values.output !== 'json') throw new UsageError(`--json contradicts --output ${quoteArg(values.output)}`);
  const output = values.json ? 'json' : (values.output ?? 'text');
  if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json for asr-ready ${command}, not ${quoteArg(output)}`);
  const help = Boolean(values.help);
  if (command === 'checks') {
    if (rest.length > 0)
      throw new UsageError(`unexpected argument ${quoteArg(rest[0]!)}: asr-ready checks takes options only (asr-ready explain ID explains one)`);
    return { help, command, output, selector: null };
  }
  if (rest.length > 1) throw new UsageError(`unexpected argument ${quoteArg(rest[1]!)}: asr-ready explain takes one check ID or family`);
  if (rest.length === 0 && !help)
    throw new UsageError(
      `asr-ready explain needs a check ID or family (e.g. asr-ready explain os.kernel); the IDs are ${ALL_CHECKS.map((c) => c.id).join(', ')}`,
    );
  return { help, command: 'explain', output, selector: rest[0] ?? null };
}

export function runChecksCommand(argv: readonly string[], io: ChecksIo, checks: readonly GuestCheck[] = ALL_CHECKS): number {
  const options = parseChecksArgs(argv);
  if (options.help) {
    io.stdout.write(helpText(pkg.version));
    return EXIT.ready;
  }
  if (options.command === 'checks') {
    io.stdout.write(options.output === 'json' ? `${JSON.stringify({ checks: checks.map(summary) }, null, 2)}\n` : listText(checks));
    return EXIT.ready;
  }
  const selector = options.selector!;
  const exact = checks.find((c) => c.id === selector);
  if (exact) {
    const explained = explanation(exact);
    io.stdout.write(options.output === 'json' ? `${JSON.stringify(explained, null, 2)}\n` : explanationText(explained));
    return EXIT.ready;
  }
  const family = checks.filter((c) => matchesSelector(c.id, selector));
  if (family.length > 0) {
    const name = selector.replace(/\.$/, '');
    io.stdout.write(
      options.output === 'json'
        ? `${JSON.stringify({ family: name, checks: family.map(summary) }, null, 2)}\n`
        : `The ${name} family has ${family.length} check${family.length > 1 ? 's' : ''}; explain one with asr-ready explain ID:\n${listText(family)}`,
    );
    return EXIT.ready;
  }
  const near = closeIds(selector, checks);
  throw new UsageError(
    `unknown check ${quoteArg(selector)}${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; asr-ready checks lists them all: ${checks.map((c) => c.id).join(', ')}`,
  );
}

/** The family of an ID: the part before the dot. */
export function familyOf(id: string): string {
  const dot = id.indexOf('.');
  return dot < 0 ? id : id.slice(0, dot);
}

interface CheckSummary {
  id: string;
  family: string;
  platforms: readonly string[];
  scope: 'guest-files' | 'this-machine';
  title: string;
}

function summary(check: Check<unknown>): CheckSummary {
  return { id: check.id, family: familyOf(check.id), platforms: check.platforms, scope: check.scope ?? 'guest-files', title: check.title };
}

function listText(checks: readonly GuestCheck[]): string {
  const rows = checks.map(summary);
  const head = { id: 'ID', family: 'FAMILY', platforms: 'PLATFORMS', scope: 'SCOPE', title: 'TITLE' };
  const width = (key: 'id' | 'family' | 'platforms' | 'scope') =>
    Math.max(head[key].length, ...rows.map((r) => (key === 'platforms' ? r.platforms.join(',') : r[key]).length));
  const [wi, wf, wp, ws] = [width('id'), width('family'), width('platforms'), width('scope')];
  const line = (id: string, family: string, platforms: string, scope: string, title: string) =>
    `${id.padEnd(wi)}  ${family.padEnd(wf)}  ${platforms.padEnd(wp)}  ${scope.padEnd(ws)}  ${title}\n`;
  return (
    line(head.id, head.family, head.platforms, head.scope, head.title) + rows.map((r) => line(r.id, r.family, r.platforms.join(','), r.scope, r.title)).join('')
  );
}

interface Explanation extends CheckSummary {
  description: string;
  reads: { fact: string; what: string; sources: string }[];
  judges: string | null;
  sources: readonly string[];
  catalogs: { name: string; file: string; version: string; sources: readonly string[] }[];
  asrErrorCodes: readonly number[];
  remediation: string | null;
  underRoot: string;
  timeoutMs: number;
}

function explanation(check: GuestCheck): Explanation {
  const explain = check.explain;
  return {
    ...summary(check),
    description: check.description,
    reads: check.needs.map((fact) => ({ fact, ...describeFact(fact) })),
    judges: explain?.judges ?? null,
    sources: explain?.sources ?? [],
    catalogs: (explain?.catalogs ?? []).map((name) => ({ name, ...(EXPLAINED_CATALOGS[name] ?? { file: 'unknown', version: 'unknown', sources: [] }) })),
    asrErrorCodes: explain?.asrErrorCodes ?? [],
    remediation: explain?.remediation ?? null,
    underRoot:
      check.scope === 'this-machine'
        ? `This check looks at the machine asr-ready runs on (its network path, clock, metadata service, Azure resources or disk activity): under --root it is skipped unless --checks names it (--checks ${check.id} or its family).`
        : "This check reads the guest's files: under --root it reads them from the image.",
    timeoutMs: check.timeoutMs,
  };
}

function explanationText(e: Explanation): string {
  const out: string[] = [];
  out.push(`${e.id}: ${e.title}`);
  out.push(`Family: ${e.family}   Platforms: ${e.platforms.join(', ')}   Scope: ${e.scope}   Time bound: ${seconds(e.timeoutMs)}`);
  out.push('', 'What it checks:', `  ${e.description}`);
  out.push('', 'What it reads:');
  if (e.reads.length === 0) out.push('  nothing gathered: only its options and the catalogs');
  for (const r of e.reads) out.push(`  - ${r.what} (${r.fact}): ${r.sources}`);
  if (e.judges) out.push('', 'How it judges:', `  ${e.judges}`);
  if (e.sources.length) out.push('', 'Reference rows and sources:', ...e.sources.map((s) => `  - ${s}`));
  for (const c of e.catalogs) out.push('', `Catalog ${c.name} (${c.file}, version ${c.version}), from:`, ...c.sources.map((s) => `  - ${s}`));
  out.push('', `ASR error codes it can name: ${e.asrErrorCodes.length ? e.asrErrorCodes.join(', ') : 'none'}`);
  if (e.remediation) out.push('', 'Remediation it can give:', `  ${e.remediation.replace(/\n/g, '\n  ')}`);
  out.push('', `Under --root: ${e.underRoot}`);
  return `${out.join('\n')}\n`;
}

function seconds(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

/** Up to three IDs close to what was typed: within three edits of the ID or its name, or containing it. */
function closeIds(selector: string, checks: readonly GuestCheck[]): string[] {
  const wanted = selector.toLowerCase();
  return checks
    .map((c) => {
      const name = c.id.slice(c.id.indexOf('.') + 1);
      const d = Math.min(editDistance(wanted, c.id), editDistance(wanted, name));
      return { id: c.id, d: wanted.length >= 3 && c.id.includes(wanted) ? 0 : d };
    })
    .filter((c) => c.d <= 3)
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, 3)
    .map((c) => c.id);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
