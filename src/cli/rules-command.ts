// `asr-ready rules`: the outbound rules this VM needs for Site Recovery (the NSG service tags of its
// source region and of the target region, and the URL allow-list for a firewall or proxy), printed
// as text, az commands (sh or PowerShell), a Bicep securityRules snippet or JSON. Computed from the
// catalogs; the source region and cloud come from the options, else from IMDS (bounded, never
// through a proxy, loopback only under ASR_READY_LOOPBACK_ONLY). No identity, no other request.
//
// Exit codes: 0 the rules are printed and Site Recovery accepts the region pair (or the catalog
// cannot judge it: a warning on stderr); 1 the rules are printed but Site Recovery does not accept
// the pair (the judgement is in the text, and on stderr and as a comment for the other outputs);
// 2 usage: a bad option, a region the catalog does not list, or no source region to be had.
import type { Platform } from '../core/check';
import { TimeoutError, UsageError } from '../core/errors';
import { EXIT } from '../core/verdict';
import { quoteArg, shownArg } from '../core/quote-arg';
import { withTimeout } from '../core/time-bound';
import { CLOUDS, cloudFromImds, type Cloud } from '../catalog/azure-endpoints';
import { findRegion, type SiteRecoveryRegion } from '../catalog/site-recovery-regions';
import { readAzureMetadata, type AzureMetadataFacts } from '../facts/azure-metadata';
import { computeOutboundRules, renderAzCommands, renderBicep, renderRulesText, type OutboundRules } from '../checks/helpers/outbound-rules';
import { parseRulesArgs, type RulesOptions } from './rules-args';
import { helpText } from './help';
import pkg from '../../package.json';

/** The whole IMDS read (asset tag, up to three bounded attempts) within this. */
const IMDS_BOUND_MS = 20_000;

/** What the rules command needs of the CLI's io (run.ts's CliIo satisfies it). */
export interface RulesIo {
  env: NodeJS.ProcessEnv;
  platform: Platform;
  stdout: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  stop?: AbortSignal;
}

/** Where each input came from, printed with the rules. */
export interface RulesInputs {
  sourceRegion: { name: string; from: string };
  targetRegion: { name: string; from: string };
  cloud: { name: Cloud; from: string };
}

export async function runRules(argv: readonly string[], io: RulesIo): Promise<number> {
  const parsed = parseRulesArgs(argv, io.env, io.platform);
  if (parsed.help) {
    io.stdout.write(helpText(pkg.version));
    return EXIT.ready;
  }
  const options = parsed as RulesOptions;
  const where = await sourceAndCloud(options, io);
  if (where === 'interrupted') return EXIT.notReady; // main.ts turns a signal into its own exit code
  const inputs: RulesInputs = {
    sourceRegion: { name: where.source.name, from: where.sourceFrom },
    targetRegion: { name: options.target.name, from: options.targetFrom },
    cloud: { name: where.cloud, from: where.cloudFrom },
  };
  const rules = computeRules(options, where.source, where.cloud, io.platform);
  io.stdout.write(render(rules, inputs, options.output));
  const pair = rules.pair;
  if (pair.valid !== true && options.output !== 'text') {
    const stderr = io.stderr ?? process.stderr;
    stderr.write(
      `asr-ready: ${pair.valid === false ? 'Site Recovery does not accept this region pair' : 'the region pair could not be judged'}: ${oneLine(pair.why)}\n`,
    );
  }
  return pair.valid === false ? EXIT.notReady : EXIT.ready;
}

/** The source region and the cloud: from the options, else from IMDS; a UsageError naming --region when there is none. */
async function sourceAndCloud(
  options: RulesOptions,
  io: RulesIo,
): Promise<{ source: SiteRecoveryRegion; sourceFrom: string; cloud: Cloud; cloudFrom: string } | 'interrupted'> {
  let source = options.source;
  let sourceFrom = options.sourceFrom ?? '';
  let imdsCloud: Cloud | null = null;
  if (!source) {
    const metadata = await readMetadata(options, io);
    if (metadata === 'interrupted') return metadata;
    const location = metadata.compute?.location ?? '';
    if (!metadata.ok || !location) throw new UsageError(noSourceRegion(metadata));
    source = findRegion(location);
    if (!source) {
      throw new UsageError(
        `IMDS says this VM runs in ${quoteArg(location)}, a region the Site Recovery region catalog does not list: this asr-ready may be older than the region; check the name with az account list-locations -o table`,
      );
    }
    sourceFrom = 'IMDS compute.location';
    imdsCloud = cloudFromImds(metadata.compute?.azEnvironment);
  }
  if (options.cloud) return { source, sourceFrom, cloud: options.cloud, cloudFrom: options.cloudFrom ?? '--cloud' };
  if (imdsCloud) return { source, sourceFrom, cloud: imdsCloud, cloudFrom: 'IMDS compute.azEnvironment' };
  if (!(CLOUDS as readonly string[]).includes(source.cloud)) {
    throw new UsageError(`${source.displayName} (${source.name}) is a region of ${source.cloud}, the closed legacy cloud: asr-ready has no endpoints for it`);
  }
  return { source, sourceFrom, cloud: source.cloud as Cloud, cloudFrom: "the source region's cloud in the region catalog" };
}

async function readMetadata(options: RulesOptions, io: RulesIo): Promise<AzureMetadataFacts | 'interrupted'> {
  try {
    return await withTimeout(
      'reading the source region from IMDS',
      IMDS_BOUND_MS,
      (signal) =>
        readAzureMetadata({
          root: '/',
          platform: io.platform,
          imdsEndpoint: options.imdsEndpoint,
          loopbackOnly: io.env.ASR_READY_LOOPBACK_ONLY === '1',
          signal,
        }),
      io.stop,
    );
  } catch (err) {
    if (io.stop?.aborted) return 'interrupted';
    if (err instanceof TimeoutError) throw new UsageError(`${err.message}: give --region NAME, the region this VM runs in (e.g. --region westus2)`);
    throw err;
  }
}

function noSourceRegion(metadata: AzureMetadataFacts): string {
  const give = 'give --region NAME, the region this VM runs in (e.g. --region westus2)';
  if (!metadata.contacted && metadata.error) return `the source region cannot be read from IMDS (${shownArg(metadata.error, { credentials: false })}): ${give}`;
  if (!metadata.contacted) {
    const tag = metadata.onAzure === false ? "its chassis asset tag is not Azure's" : 'its chassis asset tag cannot be read';
    return `the source region is needed and this machine does not look like an Azure VM (${tag}), so IMDS was not asked: ${give}, or --imds-endpoint URL`;
  }
  if (!metadata.ok) return `IMDS at ${metadata.endpoint} could not be read (${shownArg(metadata.error ?? 'no answer', { credentials: false })}): ${give}`;
  return `IMDS at ${metadata.endpoint} does not say where this VM runs (no compute.location): ${give}`;
}

/** The rules, with the allow-list naming every cache storage account given. */
function computeRules(options: RulesOptions, source: SiteRecoveryRegion, cloud: Cloud, platform: Platform): OutboundRules {
  const compute = (cacheStorageAccount?: string) => {
    try {
      return computeOutboundRules({
        sourceRegion: source.name,
        targetRegion: options.target.name,
        cloud,
        basePriority: options.basePriority,
        includeOptional: options.includeOptional,
        platform,
        ...(cacheStorageAccount ? { cacheStorageAccount } : {}),
      });
    } catch (err) {
      if (err instanceof RangeError && /priorit/i.test(err.message)) throw new UsageError(`--priority ${options.basePriority}: ${err.message}`);
      throw err;
    }
  };
  const [first, ...others] = options.cacheStorageAccounts;
  const rules = compute(first);
  for (const account of others) {
    // Each further account adds its own host beside the first one's.
    for (const entry of compute(account).allowList) {
      if (rules.allowList.some((e) => e.host === entry.host && e.port === entry.port)) continue;
      const after = rules.allowList.map((e) => e.id).lastIndexOf(entry.id);
      rules.allowList.splice(after < 0 ? rules.allowList.length : after + 1, 0, entry);
    }
  }
  return rules;
}

function render(rules: OutboundRules, inputs: RulesInputs, output: RulesOptions['output']): string {
  // For the az and Bicep outputs: the judgement when it is not "supported", and the pair's conditions (allowlisting…), as comments.
  const judgement = rules.pair.valid === false ? 'NOT SUPPORTED: Site Recovery does not accept this region pair' : 'The region pair could not be judged';
  const remarks = [...(rules.pair.valid === true ? [] : [`${judgement}: ${rules.pair.why}`]), ...rules.pair.notes].map(oneLine);
  const comments = (prefix: string) => remarks.map((r) => `${prefix} ${r}\n`).join('');
  switch (output) {
    case 'text':
      return (
        renderRulesText(rules) +
        `Inputs: source region ${inputs.sourceRegion.name} (${inputs.sourceRegion.from}), target region ${inputs.targetRegion.name} (${inputs.targetRegion.from}), cloud ${inputs.cloud.name} (${inputs.cloud.from}).\n`
      );
    case 'az':
    case 'az-powershell':
      // '#' starts a comment in sh and in PowerShell alike.
      return comments('#') + renderAzCommands(rules, { shell: output === 'az' ? 'sh' : 'powershell' });
    case 'bicep':
      return comments('//') + [renderBicep(rules.nsg.source), renderBicep(rules.nsg.target)].join('\n');
    case 'json':
      return `${JSON.stringify({ ...rules, inputs }, null, 2)}\n`;
  }
}

/** Catalog text on one line, safe in a comment: no control character can end the comment early. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}
