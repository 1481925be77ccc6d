// --log-level end to end: the CLI as a child process against loopback fakes (the network lab's
// TLS and plain HTTP servers, a CONNECT proxy, a collector, Logs Ingestion and IMDS), with secrets
// planted in the proxy URL, the collector token file and the collector URL's query. At debug,
// stderr names every fact the run gathered (with the paths it read), every layer of every probe,
// each delivery attempt and the spool's writes, and carries no planted secret; at info only the
// phase lines appear; at the default level (warn) none of them. ASR_READY_LOOPBACK_ONLY=1
// (cleanEnv) and the proxy's own refusal keep every byte on 127.0.0.0/8.
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { labArgs } from '../helpers/network-lab';
import { makePki, serveOnLoopback, startHttpsServer, type Pki, type RunningServer } from '../helpers/servers';
import { startHttpServer } from '../helpers/plain-http';
import { startFakeCollector, startFakeIngestion, type FakeCollector, type FakeIngestion } from '../helpers/fake-sinks';
import { startFakeImds, type FakeImds } from '../helpers/fake-imds';
import { DEBIAN_BUNDLE, REPO } from '../helpers/paths';
import type { ReportJson as Report } from '../helpers/report-json';

const PROXY_PASSWORD = 'Pl4nted-Proxy-Pa55';
const COLLECTOR_TOKEN = 'Pl4nted-Collector-Token-9d1e';
/** A key in the collector URL's query (as an Azure Functions URL carries one): no scrub rule knows the name `code`. */
const URL_KEY = 'Pl4nted-Function-Key-77aa';
const SAS_SIGNATURE = 'Pl4ntedSasSignature0123';
const SECRETS = [PROXY_PASSWORD, COLLECTOR_TOKEN, URL_KEY, SAS_SIGNATURE];
const COLLECTOR_URL = `https://collector.test/api/reports?sv=2024-08-04&sig=${SAS_SIGNATURE}&code=${URL_KEY}`;
const DCR = 'dcr-0123456789abcdef0123456789abcdef';
const STREAM = 'Custom-AsrReadinessRaw';
const NAMES = [
  'login.microsoftonline.com',
  'pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com',
  'asrcache01.blob.core.windows.net',
  'ns1.servicebus.windows.net',
];
/** What the info level says, one line per phase (src/cli/run.ts). */
const PHASES = ['facts and checks started', 'checks finished', 'delivery done', 'report printed'];

/** Every fact name Facts.memo knows, read from src/facts/facts.ts: a fact renamed there must be renamed here too. */
const MEMO_NAMES = [...readFileSync(path.join(REPO, 'src/facts/facts.ts'), 'utf8').matchAll(/this\.memo\('([^']+)'/g)].map((m) => m[1]!);
/** The facts a run of network., time. and azure. checks that delivers gathers. */
const FACTS_OF_THE_RUN = ['host', 'trust store', 'proxy', 'Azure metadata', 'Mobility service configuration', 'endpoint probe'];

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** pino's JSON lines on stderr (the agent's plain "asr-ready: ..." lines are not JSON and are left out). */
function logLines(stderr: string): LogLine[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

const withMsg = (lines: LogLine[], msg: string) => lines.filter((l) => l.msg === msg);

/** A CONNECT proxy on 127.0.0.1 that tunnels to loopback only (the agent sends it --connect-to's address). */
async function startConnectProxy(): Promise<{ port: number; tunnels: string[]; close: () => Promise<void> }> {
  const tunnels: string[] = [];
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = new URL(`http://${req.url ?? ''}`);
    client.on('error', () => {});
    if (target.hostname !== '127.0.0.1') return client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    tunnels.push(req.url ?? '');
    const upstream = net.connect(Number(target.port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  return { ...(await serveOnLoopback(server)), tunnels };
}

let pki: Pki;
let files: FakeGuest;
let good: RunningServer;
let http80: RunningServer;
let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
let collector: FakeCollector;
let ingestion: FakeIngestion;
let imds: FakeImds;
let spool: string;

beforeAll(async () => {
  pki = makePki('Debug Log Test Root');
  files = new FakeGuest('asr-ready-debug-log-').write('/store.pem', pki.root.certPem).write('/token', `${COLLECTOR_TOKEN}\n`);
  good = await startHttpsServer(pki.leafFor(NAMES), [pki.intermediate]);
  http80 = await startHttpServer();
  proxy = await startConnectProxy();
  collector = await startFakeCollector(pki.leafFor(['collector.test']), [pki.intermediate], { token: COLLECTOR_TOKEN });
  ingestion = await startFakeIngestion(pki.leafFor(['ingest.test']), [pki.intermediate], { dcrId: DCR, stream: STREAM, throttleFirst: 1 });
  imds = await startFakeImds();
  spool = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-debug-log-spool-'));
});
afterAll(async () => {
  await Promise.all([good?.close(), http80?.close(), proxy?.close(), collector?.close(), ingestion?.close(), imds?.close()]);
  files?.remove();
  if (spool) rmSync(spool, { recursive: true, force: true });
});

/** Delivery to the collector (token and URL key planted) and to Logs Ingestion (a managed identity's token from the fake IMDS). */
function deliveryArgs(): string[] {
  return [
    '--report-url',
    COLLECTOR_URL,
    '--report-token-file',
    files.path('/token'),
    '--connect-to',
    `collector.test:443:127.0.0.1:${collector.port}`,
    '--imds-endpoint',
    imds.url,
    '--log-analytics-endpoint',
    'https://ingest.test',
    '--dcr-id',
    DCR,
    '--stream',
    STREAM,
    '--connect-to',
    `ingest.test:443:127.0.0.1:${ingestion.port}`,
    '--report-ca-file',
    files.path('/store.pem'),
    '--spool-dir',
    spool,
    '--delivery-attempts',
    '3',
  ];
}

/** A quick run (the trust check on the real Debian bundle) that delivers, at the given level. */
function quickRun(...level: string[]): Promise<CliResult> {
  return runCli(['--checks', 'trust.', '--trust-store', DEBIAN_BUNDLE, '--json', ...deliveryArgs(), ...level]);
}

function expectNoSecret(result: CliResult): void {
  for (const secret of SECRETS) {
    expect(result.stderr).not.toContain(secret);
    expect(result.stdout).not.toContain(secret);
  }
  // Nor the managed identity's access token (a JWT: two base64url JSON parts), whatever its value.
  expect(`${result.stderr}\n${result.stdout}`).not.toMatch(/eyJ[\w-]{4,}\.eyJ[\w-]{4,}/);
}

describe('--log-level debug', () => {
  let result: CliResult;
  let report: Report;
  let lines: LogLine[];

  beforeAll(async () => {
    const args = labArgs({ checks: 'network.,time.,azure.', trustStore: files.path('/store.pem'), http80Port: http80.port }, good.port, [
      '--proxy',
      `http://asr:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`,
      ...deliveryArgs(),
      '--log-level',
      'debug',
    ]);
    result = await runCli(args, { timeoutMs: 60_000 });
    try {
      report = JSON.parse(result.stdout) as Report;
    } catch {
      throw new Error(`no JSON on stdout (exit ${result.code}): ${result.stderr}`);
    }
    lines = logLines(result.stderr);
  }, 90_000);

  it('really went through the proxy and delivered to both destinations (so the lines below describe real traffic)', () => {
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(report.delivery!.results.map((r) => [r.destination, r.status])).toEqual([
      ['collector', 'delivered'],
      ['log-analytics', 'delivered'],
    ]);
    expect(collector.requests.at(-1)?.authorization).toBe(`Bearer ${COLLECTOR_TOKEN}`);
  });

  it('names every fact the run gathered: its start, its end with the time taken, and the paths it read', () => {
    for (const name of FACTS_OF_THE_RUN) expect(MEMO_NAMES).toContain(name);
    const started = withMsg(lines, 'fact started').map((l) => l.fact);
    const ended = [...withMsg(lines, 'fact gathered'), ...withMsg(lines, 'fact failed')];
    expect(started).toEqual(expect.arrayContaining(FACTS_OF_THE_RUN));
    for (const fact of started) expect(MEMO_NAMES).toContain(fact);
    expect(new Set(ended.map((l) => l.fact))).toEqual(new Set(started)); // each fact that started ended
    for (const end of ended) {
      expect(end.ms).toEqual(expect.any(Number));
      expect(end.paths).toEqual(expect.any(Array));
      expect(end.pathCount).toBeGreaterThanOrEqual((end.paths as string[]).length);
    }
    // Guest reads are attributed to the fact that made them: the host's OS identity, the trust store given.
    const end = (fact: string) => ended.find((l) => l.fact === fact)!;
    expect(end('host').paths).toContain('/etc/os-release');
    expect(end('trust store').paths).toContain(files.path('/store.pem'));
  });

  it('gives each probe layer of each endpoint: dns, tcp, proxy, tls and http, each with host, port, outcome and time', () => {
    const layers = withMsg(lines, 'probe layer');
    expect(new Set(layers.map((l) => l.layer))).toEqual(new Set(['dns', 'tcp', 'proxy', 'tls', 'http']));
    for (const l of layers) {
      expect(l).toMatchObject({ host: expect.any(String), port: expect.any(Number), ok: expect.any(Boolean), ms: expect.any(Number) });
      expect(l).toHaveProperty('code');
    }
    const probed = report.endpoints.filter((e) => e.status === 'ok');
    expect(probed.length).toBeGreaterThan(5);
    for (const e of probed) {
      const mine = layers.filter((l) => l.host === e.host && l.port === e.port).map((l) => l.layer);
      // Through the proxy: the proxy's own name is looked up, then TCP to it, CONNECT, and TLS on port 443.
      expect(mine).toEqual(e.port === 443 ? ['dns', 'tcp', 'proxy', 'tls', 'http'] : ['dns', 'tcp', 'proxy', 'http']);
      expect(withMsg(lines, 'probe started').some((l) => l.host === e.host && l.port === e.port)).toBe(true);
      expect(withMsg(lines, 'probe finished').find((l) => l.host === e.host && l.port === e.port)).toMatchObject({ status: 'ok', failedLayer: null });
    }
    expect(layers.find((l) => l.layer === 'proxy')).toMatchObject({ peer: `http://127.0.0.1:${proxy.port}`, ok: true, status: 200 });
  });

  it('gives each delivery attempt (destination, attempt, status, time, retry) and the spool writes, by origin and path only', () => {
    const attempts = withMsg(lines, 'delivery attempt');
    expect(attempts.find((l) => l.destination === 'collector')).toMatchObject({
      target: 'https://collector.test/api/reports',
      attempt: 1,
      status: 201,
      error: null,
      ms: expect.any(Number),
      retry: false,
    });
    // Logs Ingestion answered 429 first, then took the rows.
    expect(attempts.filter((l) => l.destination === 'log-analytics').map((l) => [l.attempt, l.status])).toEqual([
      [1, 429],
      [2, 204],
    ]);
    expect(attempts.find((l) => l.destination === 'log-analytics')!.target).toBe(`https://ingest.test/dataCollectionRules/${DCR}/streams/${STREAM}`);
    expect(withMsg(lines, 'delivery outcome').map((l) => [l.destination, l.status, l.kept])).toEqual([
      ['collector', 'delivered', false],
      ['log-analytics', 'delivered', false],
    ]);
    expect(withMsg(lines, 'spool write').map((l) => [l.destination, l.action, l.ok])).toEqual([
      ['spool', 'write', true],
      ['spool', 'remove (nothing left to send)', true],
    ]);
  });

  it('also says what the info level says', () => {
    expect(PHASES.map((msg) => withMsg(lines, msg).length)).toEqual([1, 1, 1, 1]);
  });

  it('carries no planted secret (proxy password, token, SAS signature, URL key, access token) on stderr or stdout', () => {
    expect(result.stderr).toContain(`"proxy":"http://asr:***@127.0.0.1:${proxy.port}"`); // the proxy is named, its password masked
    expectNoSecret(result);
  });
});

describe('--log-level info and the default level', () => {
  it('info: one line per phase, nothing at debug, no secret', async () => {
    const result = await quickRun('--log-level', 'info');
    expect(result.code).toBe(0);
    const lines = logLines(result.stderr);
    expect(lines.map((l) => l.msg)).toEqual(PHASES);
    expect(lines.every((l) => l.level === 30)).toBe(true);
    expect(withMsg(lines, 'checks finished')[0]).toMatchObject({ verdict: 'ready', counts: { pass: 1, total: 1 } });
    expect(withMsg(lines, 'delivery done')[0]!.results).toEqual([
      { destination: 'collector', fromSpool: false, status: 'delivered' },
      { destination: 'log-analytics', fromSpool: false, status: 'delivered' },
    ]);
    expectNoSecret(result);
  });

  it('warn (the default): none of them', async () => {
    const result = await quickRun();
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Report).delivery!.results.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(logLines(result.stderr)).toEqual([]);
    for (const msg of [...PHASES, 'fact started', 'probe layer', 'delivery attempt']) expect(result.stderr).not.toContain(msg);
  });
});
