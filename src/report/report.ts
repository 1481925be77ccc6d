// The report: one JSON document per run, described by report.schema.json (schemaVersion below).
import type { Finding, Status } from '../core/finding';
import { countByStatus, verdictOf, type Verdict } from '../core/verdict';
import type { HostFacts } from '../facts/host';
import type { EndpointProbeFacts } from '../facts/network';
import type { EndpointResult } from '../net/probe';
import type { DeliveryReport } from '../sinks/deliver';

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
  endpoints: EndpointResult[];
  findings: Finding[];
  /** What happened to this report's delivery (collector, Log Analytics, spool); null when none is configured. */
  delivery: DeliveryReport | null;
}

export interface ReportInput {
  agentVersion: string;
  agentRuntime: AgentRuntime;
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  host: HostFacts | null;
  platform: string;
  run: Report['run'];
  findings: Finding[];
  probes?: EndpointProbeFacts | null;
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
      ? { cloud: input.probes.cloud, cloudSource: input.probes.cloudSource, region: input.probes.region, regionSource: input.probes.regionSource, trustSource: input.probes.trustSource, trustNote: input.probes.trustNote }
      : null,
    endpoints: input.probes?.results ?? [],
    findings: input.findings,
    delivery: null,
  };
}
