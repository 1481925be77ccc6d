// The report: one JSON document per run, described by report.schema.json (schemaVersion below).
import type { Finding, Status } from '../core/finding';
import { countByStatus, verdictOf, type Verdict } from '../core/verdict';

export const REPORT_SCHEMA_VERSION = '1.1';

export interface ReportHost {
  os: string;
  distro: string | null;
  distroName: string | null;
  version: string | null;
  kernel: string | null;
  arch: string | null;
  hostname: string | null;
  fromRoot: boolean;
}

/** What the agent process runs on (src/facts/agent-runtime.ts). */
export interface AgentRuntime {
  /** Node.js version, without the "v". */
  node: string;
  /** The agent's own architecture (Node's process.arch: x64, arm64). */
  arch: string;
  /** bundled-loader: the Linux download's launcher started it through the glibc it carries. */
  launcher: 'bundled-loader' | 'single-binary' | 'node';
  /** The C library the agent process runs on, e.g. "glibc 2.36"; null where there is none to name (Windows). */
  libc: string | null;
  /** Windows 8 / Server 2012: started with NODE_SKIP_PLATFORM_CHECK=1 (Node supports 8.1 / 2012 R2 and later). */
  platformCheckSkipped: boolean;
}

/**
 * An endpoints[] entry, as far as the report reads it. The probes (src/net/probe.ts) give each
 * endpoint's whole layered evidence, and the JSON keeps all of it (report.schema.json describes it):
 * the report owns only what it renders, so it depends on no network type.
 */
export interface ReportEndpoint {
  group: string;
  host: string;
  port: number;
  required: boolean;
  status: 'ok' | 'failed' | 'unconfirmed';
  failedLayer: string | null;
  address: string | null;
  addressScope: string | null;
  viaProxy: string | null;
  timings: { totalMs: number };
}

/** Where the endpoints were judged from, and their results (src/facts/network.ts gives them). */
export interface ReportNetworkInput {
  cloud: string;
  cloudSource: string;
  region: string | null;
  regionSource: string;
  trustSource: string;
  trustNote: string | null;
  results: ReportEndpoint[];
}

/** What happened to the report's delivery, as far as the report reads it (src/sinks/deliver.ts gives the whole). */
export interface ReportDelivery {
  results: Array<{ destination: string; fromSpool: boolean; status: string }>;
  spool: { dir: string | null; pending: number };
}

export interface Report {
  schemaVersion: string;
  agent: { name: 'asr-ready'; version: string; runtime: AgentRuntime };
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  host: ReportHost;
  run: { checks: string[]; skip: string[]; failOn: string; deadlineSeconds: number; root: string | null; trustStore: string[]; configFile: string | null };
  verdict: Verdict;
  summary: Record<Status, number> & { total: number };
  /** Where endpoints were judged from; null when no network check ran. */
  network: { cloud: string; cloudSource: string; region: string | null; regionSource: string; trustSource: string; trustNote: string | null } | null;
  endpoints: ReportEndpoint[];
  findings: Finding[];
  /** What happened to this report's delivery (collector, Log Analytics, spool); null when none is configured. */
  delivery: ReportDelivery | null;
}

export interface ReportInput {
  agentVersion: string;
  agentRuntime: AgentRuntime;
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  /** The guest's identity (src/facts/host.ts gives it, with more than the report shows). */
  host: ReportHost | null;
  platform: string;
  run: Report['run'];
  findings: Finding[];
  probes?: ReportNetworkInput | null;
}

export function buildReport(input: ReportInput): Report {
  const counts = countByStatus(input.findings);
  const h = input.host;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    agent: { name: 'asr-ready', version: input.agentVersion, runtime: input.agentRuntime },
    runId: input.runId,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    host: {
      os: h?.os ?? input.platform,
      distro: h?.distro ?? null,
      distroName: h?.distroName ?? null,
      version: h?.version ?? null,
      kernel: h?.kernel ?? null,
      arch: h?.arch ?? null,
      hostname: h?.hostname ?? null,
      fromRoot: h?.fromRoot ?? false,
    },
    run: input.run,
    verdict: verdictOf(input.findings),
    summary: { ...counts, total: input.findings.length },
    network: input.probes
      ? {
          cloud: input.probes.cloud,
          cloudSource: input.probes.cloudSource,
          region: input.probes.region,
          regionSource: input.probes.regionSource,
          trustSource: input.probes.trustSource,
          trustNote: input.probes.trustNote,
        }
      : null,
    endpoints: input.probes?.results ?? [],
    findings: input.findings,
    delivery: null,
  };
}
