// One run of the CLI, from arguments to exit code. Separate from main.ts so it has no process
// side effects: output goes to the writers it is given.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Platform } from '../core/check';
import { describeError, UsageError, TimeoutError } from '../core/errors';
import { InterruptedError } from '../core/interruption';
import { CheckProgress } from '../core/check-progress';
import type { Finding } from '../core/finding';
import { runChecks } from '../core/engine';
import { exitCodeFor } from '../core/verdict';
import { scopeToImage, selectChecks, usesEndpointProbes } from '../checks/registry';
import { contextFor, type Catalogs, type GuestCheck } from '../checks/helpers/check-context';
import { AZURE_ROOTS } from '../catalog/azure-roots';
import { SUPPORT_MATRIX } from '../catalog/support-matrix';
import { AZURE_ENDPOINTS } from '../catalog/azure-endpoints';
import { VM_SIZES } from '../catalog/vm-sizes';
import { Facts, type FactsOptions } from '../facts/facts';
import { buildReport, type Report } from '../report/report';
import type { HostFacts } from '../facts/host';
import type { EndpointProbeFacts } from '../facts/network';
import type { DestinationName } from '../sinks/spool';
import { currentProcessView, describeAgentRuntime } from './agent-runtime';
import { renderJson } from '../report/render-json';
import { renderText, shouldUseColor } from '../report/render-text';
import { renderCompact } from '../report/render-compact';
import { parseCliArgs, type CliOptions } from './args';
import { helpText } from './help';
import { isRulesCommand } from './rules-args';
import { runRules } from './rules-command';
import { isChecksCommand, runChecksCommand } from './checks-command';
import { createLogger } from './logger';
import pino from 'pino';
import { NO_PROGRESS } from '../core/progress';
import { progressLineFor } from './progress-line';
import { DEFAULT_LAYER_TIMEOUTS } from '../net/layers';
import { redactUrl } from '../core/redact';
import { defaultSpoolDir, deliverReport, deliveryConfigured } from './deliver-report';
import { startWatchdog } from './watchdog';
import { endStuckRun } from './emergency-report';
import pkg from '../../package.json';

export const AGENT_VERSION: string = pkg.version;
const CHECK_CONCURRENCY = 8;
const CATALOGS: Catalogs = { azureRoots: AZURE_ROOTS, supportMatrix: SUPPORT_MATRIX, endpoints: AZURE_ENDPOINTS, vmSizes: VM_SIZES };

export interface CliIo {
  env: NodeJS.ProcessEnv;
  platform: Platform;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr?: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Aborted when the process gets SIGTERM, SIGINT or SIGHUP (main.ts): the reason is the signal's name. */
  stop?: AbortSignal;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // `rules` has options of its own (--output az, bicep…): src/cli/rules-args.ts parses them, before the check's parser would refuse them.
  if (isRulesCommand(argv)) return runRules(argv, io);
  // `checks` and `explain ID` take an ID and options of their own: src/cli/checks-command.ts parses them.
  if (isChecksCommand(argv)) return runChecksCommand(argv, io);
  const options = parseCliArgs(argv, io.env, io.platform);
  if (options.command === 'rules') return runRules(argv, io); // named after an option rules does not take: rules-args says which
  if (options.command === 'checks' || options.command === 'explain') return runChecksCommand(argv, io); // likewise: checks-command says which
  if (options.command === 'help') {
    io.stdout.write(helpText(AGENT_VERSION));
    return 0;
  }
  if (options.command === 'version') {
    io.stdout.write(`asr-ready ${AGENT_VERSION}\n`);
    return 0;
  }
  if (io.platform === 'windows' && options.root !== null) {
    // Every Windows fact comes from the running system (registry, services, tools): an image cannot be judged.
    throw new UsageError('--root applies to Linux guest images; on Windows the running system is always what is judged');
  }
  if (io.platform === 'windows' && options.trustStore.length > 0) {
    throw new UsageError('--trust-store applies to Linux guests; on Windows the LocalMachine certificate stores are always what is judged');
  }
  const selected = selectChecks(io.platform, options.checks, options.skip);
  return runSelectedChecks(options, options.root !== null && options.root !== '/' ? scopeToImage(selected, options.checks) : selected, io);
}

/** The run itself, from parsed options and the selected checks to the exit code. */
export async function runSelectedChecks(options: CliOptions, checks: readonly GuestCheck[], io: CliIo): Promise<number> {
  // Progress on a terminal's stderr only (src/cli/progress-line.ts); log lines erase it first.
  const progressLine = progressLineFor(io.stderr, io.env, options.quiet);
  const shown = progressLine ?? NO_PROGRESS;
  const logger = createLogger(options.logLevel, progressLine?.guard(pino.destination({ dest: 2, sync: true })));
  const startedAt = new Date();
  const runId = randomUUID();
  const deadlineMs = options.deadlineSeconds * 1000;
  const deadline = new AbortController();
  setMaxListeners(256, deadline.signal); // every fact, check and probe listens for the deadline
  const deadlineTimer = setTimeout(() => deadline.abort(new TimeoutError('the run', deadlineMs)), deadlineMs);
  deadlineTimer.unref();
  // A signal (main.ts) cuts facts and checks as the deadline does, and makes delivery only spool.
  const interrupted = new AbortController();
  const onStop = () => (progressLine?.stop(), interrupted.abort(new InterruptedError(String(io.stop?.reason ?? 'a signal'))));
  if (io.stop?.aborted) onStop();
  else io.stop?.addEventListener('abort', onStop, { once: true });
  const cut = AbortSignal.any([deadline.signal, interrupted.signal]);
  setMaxListeners(256, cut, interrupted.signal);
  logger.debug(
    {
      runId,
      options: {
        ...options,
        proxy: options.proxy && redactUrl(options.proxy),
        delivery: undefined,
        cacheUpload: options.cacheUpload && '(a SAS URL, not shown)',
      },
    },
    'run started',
  );

  const factsOptions: FactsOptions = {
    root: options.root ?? '/',
    platform: io.platform,
    trustStorePaths: options.trustStore,
    env: io.env,
    deadline: cut,
    deadlineAt: startedAt.getTime() + deadlineMs,
    proxy: { cliProxy: options.proxy, cliNoProxy: options.noProxy },
    imdsEndpoint: options.imdsEndpoint,
    churnSeconds: options.churnSeconds,
    controlPlane: { targetRegion: options.targetRegion, armEndpoint: options.armEndpoint, armCa: options.armCa, auth: options.delivery.auth },
    cacheUpload: options.cacheUpload,
    runId,
    network: {
      cloud: options.cloud,
      region: options.region,
      cacheStorageAccounts: options.cacheStorageAccounts,
      extraEndpoints: options.endpoints,
      connectTo: options.connectTo,
      timeouts: DEFAULT_LAYER_TIMEOUTS,
      loopbackOnly: io.env.ASR_READY_LOOPBACK_ONLY === '1',
      userAgent: `asr-ready/${AGENT_VERSION}`,
      log: logger,
      progress: shown,
    },
    logger,
    progress: shown,
  };
  const facts = new Facts(factsOptions);
  // Uploads leave from this machine: under --root its own trust store and proxy carry them, not the image's.
  const deliveryFactsOf = () => (factsOptions.root === '/' ? facts : new Facts({ ...factsOptions, root: '/' }));
  // What is known at any instant, for a report the watchdog makes while the main thread is stuck.
  const known: { host: HostFacts | null; probes: EndpointProbeFacts | null } = { host: null, probes: null };
  facts.host().then(
    (h) => (known.host = h),
    () => {},
  );
  const reportFrom = (findings: Finding[]) =>
    buildReport({
      agentVersion: AGENT_VERSION,
      agentRuntime: describeAgentRuntime(currentProcessView()),
      runId,
      startedAt,
      finishedAt: new Date(),
      host: known.host,
      platform: io.platform,
      run: {
        checks: options.checks,
        skip: options.skip,
        failOn: options.failOn,
        deadlineSeconds: options.deadlineSeconds,
        root: options.root,
        trustStore: options.trustStore,
        configFile: options.configFile,
      },
      findings,
      probes: known.probes,
    });
  const render = (report: Report) =>
    options.output === 'json'
      ? renderJson(report)
      : options.output === 'compact'
        ? renderCompact(report)
        : renderText(report, { color: shouldUseColor(io.stdout, io.env) });
  const exitCode = (findings: Finding[]) => exitCodeFor(findings, options.failOn);
  const progress = new CheckProgress(checks);
  const running = `running ${checks.length} ${checks.length === 1 ? 'check' : 'checks'}`;
  let checksDone = 0;
  progress.listen({ started: () => {}, finished: () => shown.count(running, ++checksDone, checks.length) });
  const watchdog = await startWatchdog({
    deadlineAt: startedAt.getTime() + deadlineMs,
    deadlineMs,
    progress,
    expire: (stuck) =>
      endStuckRun(
        {
          deadlineMs,
          progress,
          report: reportFrom,
          render: (report) => (progressLine?.stop(), render(report)), // the watchdog path: the line is gone before its output
          exitCode,
          exit: (code) => process.exit(code),
          spool: deliveryConfigured(options.delivery)
            ? { dir: options.delivery.spoolDir ?? defaultSpoolDir(io.platform, io.env), destinations: destinationsOf(options.delivery) }
            : null,
        },
        stuck,
      ),
  });
  logger.debug({ runId, watchdog: watchdog ? (watchdog.inspector ? 'inspector' : 'last resort only') : 'none' }, 'watchdog');

  try {
    shown.phase('gathering facts');
    if (options.trustStore.length > 0) await rejectUnusableTrustStore(facts);

    logger.info({ runId, checks: checks.map((c) => c.id) }, 'facts and checks started');
    shown.phase(running);
    const findings = await runChecks(checks, (check, signal) => contextFor(check, facts, CATALOGS, signal, new Date()), {
      deadline: deadline.signal,
      interrupt: interrupted.signal,
      concurrency: CHECK_CONCURRENCY,
      progress,
    });
    // The watchdog guards the checks only: delivery has its own bounds, and a watchdog still armed
    // through it could print a second verdict and spool a second entry for this run.
    await watchdog?.stop();
    known.host = await facts.host().catch(() => null);
    // Memoized: resolves at once when a network check ran, and is not started otherwise.
    known.probes = checks.some(usesEndpointProbes) ? await facts.endpointProbes().catch(() => null) : null;
    const report = reportFrom(findings);
    logger.info({ runId, verdict: report.verdict, counts: report.summary }, 'checks finished');
    if (deliveryConfigured(options.delivery)) {
      const stderrLine = (line: string) => (io.stderr ?? process.stderr).write(`${line}\n`);
      shown.phase('delivering');
      try {
        report.delivery = await deliverReport(
          report,
          options.delivery,
          deliveryFactsOf(),
          {
            platform: io.platform,
            env: io.env,
            imdsEndpoint: options.imdsEndpoint,
            userAgent: `asr-ready/${AGENT_VERSION}`,
            stderr: stderrLine,
            log: logger,
            progress: shown,
          },
          interrupted.signal,
        );
        logger.info(
          {
            runId,
            results: report.delivery.results.map((r) => ({ destination: r.destination, fromSpool: r.fromSpool, status: r.status })),
            spooled: report.delivery.spool.pending,
          },
          'delivery done',
        );
      } catch (err) {
        // Delivery has its own error handling; this is the net under it, so the report is still printed.
        stderrLine(`asr-ready: the report could not be delivered or spooled: ${describeError(err)}. It is printed below only; run again to deliver it.`);
      }
    }
    progressLine?.stop(); // the report is printed as it always was
    io.stdout.write(render(report));
    logger.info({ runId, output: options.output, verdict: report.verdict }, 'report printed');
    logger.debug({ runId, verdict: report.verdict, durationMs: report.durationMs }, 'run finished');
    return exitCode(findings);
  } finally {
    progressLine?.stop();
    await watchdog?.stop();
    clearTimeout(deadlineTimer);
    io.stop?.removeEventListener('abort', onStop);
  }
}

function destinationsOf(delivery: CliOptions['delivery']): DestinationName[] {
  return [...(delivery.reportUrl !== null ? ['collector' as const] : []), ...(delivery.logAnalytics !== null ? ['log-analytics' as const] : [])];
}

/** A --trust-store the user named that yields no certificate at all is bad input (exit 2), not a finding. */
async function rejectUnusableTrustStore(facts: Facts): Promise<void> {
  let store;
  try {
    store = await facts.trustStore();
  } catch {
    return; // A timeout or I/O failure here is reported by the check that needs the store.
  }
  if (store.platform !== 'linux') return;
  const unusable = store.sources.filter((s) => s.origin === 'override' && s.certificates === 0);
  if (unusable.length === 0) return;
  const details = unusable.map(
    (s) => `${s.path}: ${s.problems.length ? s.problems.map((p) => p.replace(`${s.path}: `, '')).join('; ') : 'no certificate found'}`,
  );
  throw new UsageError(`--trust-store holds no usable certificate: ${details.join(' | ')}. Give a PEM or DER CA bundle, or a directory of certificates.`);
}
