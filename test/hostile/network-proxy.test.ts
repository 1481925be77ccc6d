// The hostile table, network and proxy: proxies that answer CONNECT with garbage, half an answer or
// an endless header; endpoints that trickle, flood or present absurd chains; malformed --endpoint
// and --connect-to; proxy variables no client supports; IMDS answers that are not instance
// documents. Each row runs the real bundle against loopback servers only (cleanEnv sets
// ASR_READY_LOOPBACK_ONLY=1) and asserts the exit code, the finding, the message naming the
// input and a time bound. Cases already in test/cli/network.test.ts are not repeated here.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { LAB_SERVICE_BUS, labArgs } from '../helpers/network-lab';
import { makePki, serveOnLoopback, startHttpsServer, startSilentServer, type Pki, type RunningServer } from '../helpers/servers';
import type { TestCa } from '../helpers/certs';
import { startHttpServer } from '../helpers/plain-http';
import { startFakeImds } from '../helpers/fake-imds';
import { reportSchemaErrors } from '../helpers/schema';
import type { ReportJson as Report } from '../helpers/report-json';
import type { Finding } from '../../src/core/finding';

const ENTRA = 'login.microsoftonline.com';
const SITE_RECOVERY = 'pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com';
const STORAGE = 'asrcache01.blob.core.windows.net';
const SERVICE_BUS = LAB_SERVICE_BUS;
const NAMES = [ENTRA, SITE_RECOVERY, STORAGE, SERVICE_BUS];
const AZURE_TAG = '7783-7084-3265-9085-8269-3286-77';
/** A usage error is answered before any probe. */
const USAGE_BOUND_MS = 8_000;

let pki: Pki;
let files: FakeGuest;
let azureGuest: FakeGuest;
let good: RunningServer;
let http80: RunningServer;

beforeAll(async () => {
  pki = makePki('Hostile Network Root CA');
  files = new FakeGuest('asr-ready-hostile-net-').write('/store.pem', pki.root.certPem);
  azureGuest = new FakeGuest('asr-ready-hostile-imds-').write('/sys/class/dmi/id/chassis_asset_tag', `${AZURE_TAG}\n`);
  good = await startHttpsServer(pki.leafFor(NAMES), [pki.intermediate]);
  http80 = await startHttpServer();
});
afterAll(async () => {
  await Promise.all([good?.close(), http80?.close()]);
  files?.remove();
  azureGuest?.remove();
});

/** The loopback lab's arguments (test/helpers/network-lab.ts) with this file's checks. */
function lab(port443: number, ...extra: string[]): string[] {
  return labArgs({ checks: 'network.,time.', trustStore: files.path('/store.pem'), http80Port: http80.port }, port443, extra);
}

interface Timed extends CliResult {
  ms: number;
}

async function timed(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<Timed> {
  const started = performance.now();
  const result = await runCli(args, { env: cleanEnv(env), timeoutMs });
  return { ...result, ms: performance.now() - started };
}

/** A run that completed: one schema-valid JSON report on stdout, no internal error. */
function reportOf(result: Timed): Report {
  expect(result.code, result.stderr).not.toBe(3);
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`no JSON on stdout (exit ${result.code}): ${result.stderr}`);
  }
  expect(reportSchemaErrors(report)).toEqual([]);
  return report;
}

/** Exit 2, nothing on stdout, the message on stderr, no stack, in time. */
function expectUsageError(result: Timed, message: string): void {
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.code).toBe(2);
  expect(result.ms).toBeLessThan(USAGE_BOUND_MS);
}

const endpoint = (r: Report, host: string) => r.endpoints.find((e) => e.host === host)!;
const finding = (r: Report, checkId: string, subject?: string): Finding =>
  r.findings.find((f) => f.checkId === checkId && (subject === undefined || f.subject === subject))!;

/** A "proxy" on loopback: a plain TCP server that answers the first bytes of each connection with `answer`. */
async function fakeProxy(answer: (socket: net.Socket) => void): Promise<RunningServer> {
  let hits = 0;
  const server = net.createServer((s) => {
    hits++;
    s.on('error', () => {});
    s.once('data', () => answer(s));
  });
  return { ...(await serveOnLoopback(server)), hits: () => hits };
}

/** An HTTPS server on loopback presenting the leaf followed by `chain` (PEM), answering with `handler`. */
async function tlsServer(leaf: TestCa, chain: string[], handler: http.RequestListener): Promise<RunningServer> {
  let hits = 0;
  const server = https.createServer({ key: leaf.keyPem, cert: [leaf.certPem, ...chain].join('') }, (req, res) => {
    hits++;
    handler(req, res);
  });
  server.on('tlsClientError', () => {});
  return { ...(await serveOnLoopback(server)), hits: () => hits };
}

/** A TCP server that accepts and sends `bytes` one per `everyMs`, never more. */
async function trickleServer(bytes: Buffer, everyMs: number): Promise<RunningServer> {
  let hits = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((s) => {
    hits++;
    s.on('error', () => {});
    let i = 0;
    const timer = setInterval(() => (i < bytes.length && !s.destroyed ? s.write(bytes.subarray(i, ++i)) : clearInterval(timer)), everyMs);
    timers.add(timer);
    s.on('close', () => (clearInterval(timer), timers.delete(timer)));
  });
  const running = await serveOnLoopback(server);
  return { ...running, hits: () => hits, close: () => (timers.forEach(clearInterval), running.close()) };
}

/** A minimal working CONNECT proxy on loopback: tunnels to 127.0.0.1 only (the port asked for). */
async function connectProxy(): Promise<RunningServer> {
  let hits = 0;
  const server = net.createServer((client) => {
    client.on('error', () => {});
    client.once('data', (head: Buffer) => {
      const port = /^CONNECT 127\.0\.0\.1:(\d+) /.exec(head.toString('latin1'))?.[1];
      if (!port) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      hits++;
      const upstream = net.connect({ host: '127.0.0.1', port: Number(port) }, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        client.pipe(upstream).pipe(client);
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
  });
  return { ...(await serveOnLoopback(server)), hits: () => hits };
}

const proxyArgs = (port: number) => lab(good.port, '--proxy', `http://127.0.0.1:${port}`);
const viaProxy443 = (r: Report) => r.endpoints.filter((e) => e.viaProxy !== null && e.port === 443);

describe('hostile: proxies that do not speak HTTP CONNECT properly', () => {
  it('a proxy answering CONNECT with garbage bytes → exit 1, every proxied endpoint failed at the proxy layer, network.proxy fail 151072 naming it, within 8 s', async () => {
    const proxy = await fakeProxy((s) => s.end(Buffer.from('\u0000\u00ff\u00feSSH-2.0-OpenSSH_9.2p1\r\n\u0001\u0002', 'latin1')));
    try {
      const result = await timed(proxyArgs(proxy.port));
      const report = reportOf(result);
      expect(result.code).toBe(1);
      const proxied = report.endpoints.filter((e) => e.viaProxy !== null);
      expect(proxied.length).toBe(9); // four on 443, five on 80
      for (const e of proxied) expect(e).toMatchObject({ status: 'failed', failedLayer: 'proxy', proxy: { ok: false, status: null } });
      expect(endpoint(report, ENTRA).error).toBe(
        `the proxy closed or failed the CONNECT to 127.0.0.1:${good.port}: Response does not match the HTTP/1.1 protocol (Expected HTTP/, RTSP/ or ICE/)`,
      );
      const f = finding(report, 'network.proxy');
      expect(f).toMatchObject({ status: 'fail', asrErrorCodes: [151072] });
      expect(f.summary).toContain(`The proxy http://127.0.0.1:${proxy.port} (from --proxy) cannot be reached: the proxy closed or failed the CONNECT`);
      expect(result.ms).toBeLessThan(8_000);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy answering "HTTP/1.1 200" and closing → exit 1 at once, failed at the proxy layer ("other side closed"), one connection per probe (no redial loop)', async () => {
    const proxy = await fakeProxy((s) => s.end('HTTP/1.1 200'));
    try {
      const result = await timed(proxyArgs(proxy.port));
      const report = reportOf(result);
      expect(result.code).toBe(1);
      const proxied = report.endpoints.filter((e) => e.viaProxy !== null);
      for (const e of proxied) expect(e).toMatchObject({ status: 'failed', failedLayer: 'proxy', proxy: { ok: false, status: null } });
      expect(endpoint(report, ENTRA).error).toBe(`the proxy closed or failed the CONNECT to 127.0.0.1:${good.port}: UND_ERR_SOCKET: other side closed`);
      expect(finding(report, 'network.proxy')).toMatchObject({ status: 'fail', asrErrorCodes: [151072] });
      // undici took this close for a recoverable socket error and redialled for ever, until --deadline
      expect(proxy.hits()).toBe(proxied.length);
      expect(result.ms).toBeLessThan(8_000);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy answering "200 Connection established" and closing the tunnel → exit 1, failed at the TLS layer as a reset, the proxy itself passes', async () => {
    const proxy = await fakeProxy((s) => s.end('HTTP/1.1 200 Connection established\r\n\r\n'));
    try {
      const result = await timed(proxyArgs(proxy.port));
      const report = reportOf(result);
      expect(result.code).toBe(1);
      for (const e of viaProxy443(report)) {
        expect(e).toMatchObject({ status: 'failed', failedLayer: 'tls', proxy: { ok: true, status: 200 }, tls: { code: 'ECONNRESET' } });
        expect(e.error).toBe('the connection was reset during the TLS handshake (often a firewall or proxy that filters TLS)');
      }
      expect(finding(report, 'network.endpoints', `${ENTRA}:443`)).toMatchObject({ status: 'fail' });
      expect(finding(report, 'network.proxy').status).toBe('pass');
      expect(result.ms).toBeLessThan(8_000);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy answering CONNECT with a 1 MB header line and no CRLF → exit 1 at once, failed at the proxy layer (headers overflow), network.proxy fail', async () => {
    const proxy = await fakeProxy((s) => s.write(`HTTP/1.1 200 OK\r\nX-Endless: ${'a'.repeat(1024 * 1024)}`));
    try {
      const result = await timed(proxyArgs(proxy.port));
      const report = reportOf(result);
      expect(result.code).toBe(1);
      for (const e of report.endpoints.filter((x) => x.viaProxy !== null))
        expect(e).toMatchObject({ status: 'failed', failedLayer: 'proxy', proxy: { status: null } });
      expect(endpoint(report, ENTRA).error).toBe(
        `the proxy closed or failed the CONNECT to 127.0.0.1:${good.port}: UND_ERR_HEADERS_OVERFLOW: Headers Overflow Error`,
      );
      expect(finding(report, 'network.proxy')).toMatchObject({ status: 'fail', asrErrorCodes: [151072] });
      expect(result.stdout.length).toBeLessThan(200_000);
      expect(result.ms).toBeLessThan(8_000);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy that accepts and never answers CONNECT, --deadline 5 → exit 1 within 5.5 s of run time, every proxied probe stopped at the proxy layer with its partial evidence', async () => {
    const proxy = await startSilentServer();
    try {
      const result = await timed([...proxyArgs(proxy.port), '--deadline', '5'], {}, 15_000);
      const report = reportOf(result);
      expect(result.code).toBe(1);
      expect(report.durationMs).toBeLessThan(5_500);
      expect(result.ms).toBeLessThan(5_500 + 1_500); // plus process start-up
      const proxied = report.endpoints.filter((e) => e.viaProxy !== null);
      expect(proxied.length).toBe(9); // four on 443, five on 80
      for (const e of proxied) {
        expect(e).toMatchObject({ status: 'failed', failedLayer: 'proxy', tcp: { ok: true, outcome: 'connected' }, proxy: { ok: false, status: null } });
        expect(e.error).toBe(`stopped at the deadline while waiting for the proxy to answer CONNECT 127.0.0.1:${e.port === 443 ? good.port : http80.port}`);
      }
      expect(finding(report, 'network.proxy').summary).toContain('stopped at the deadline while waiting for the proxy to answer CONNECT');
    } finally {
      await proxy.close();
    }
  });

  it('HTTPS_PROXY=socks5://127.0.0.1:1080 → exit 0, endpoints reached directly, network.proxy pass saying the socks5 proxy is unusable (not "no proxy is configured")', async () => {
    const result = await timed(lab(good.port), { HTTPS_PROXY: 'socks5://127.0.0.1:1080' });
    const report = reportOf(result);
    expect(result.code).toBe(0);
    expect(endpoint(report, ENTRA)).toMatchObject({ status: 'ok', viaProxy: null });
    expect(finding(report, 'network.proxy')).toMatchObject({
      status: 'pass',
      summary:
        'No proxy: the guest connects directly (no usable proxy: environment of this process (HTTPS_PROXY): HTTPS_PROXY "socks5://127.0.0.1:1080" uses socks5; only http:// proxies are supported).',
    });
    expect(result.ms).toBeLessThan(8_000);
  });

  it('NO_PROXY of 10,000 entries full of "*" runs, the last one matching Entra ID → Entra ID bypasses the dead proxy, the rest fail at it, within 8 s', async () => {
    const noProxy = [...Array.from({ length: 10_000 }, (_, i) => `*a*a*a*${i}`), ENTRA].join(',');
    expect(noProxy.length).toBeLessThan(128 * 1024); // one environment string (MAX_ARG_STRLEN)
    const dead = await fakeProxy((s) => s.destroy());
    try {
      const result = await timed(proxyArgs(dead.port), { NO_PROXY: noProxy });
      const report = reportOf(result);
      expect(result.code).toBe(1);
      expect(endpoint(report, ENTRA)).toMatchObject({ status: 'ok', viaProxy: null });
      expect(endpoint(report, SITE_RECOVERY)).toMatchObject({ status: 'failed', failedLayer: 'proxy', viaProxy: `http://127.0.0.1:${dead.port}` });
      expect(result.ms).toBeLessThan(8_000);
    } finally {
      await dead.close();
    }
  });
});

describe('hostile: long bypass lists through a working proxy', () => {
  it('NO_PROXY of 10,000 entries with a working proxy, --output text → exit 0, network.proxy pass, its summary cut at 16 KiB with a marker, VERDICT last', async () => {
    const noProxy = Array.from({ length: 10_000 }, (_, i) => `*a*a*a*${i}`).join(',');
    const proxy = await connectProxy();
    try {
      const args = proxyArgs(proxy.port).map((a) => (a === '--json' ? '--output' : a));
      args.splice(args.indexOf('--output') + 1, 0, 'text');
      const result = await timed(args, { NO_PROXY: noProxy });
      expect(result.code, result.stderr).toBe(0);
      expect(proxy.hits()).toBe(9);
      const line = result.stdout
        .split('\n')
        .find((l) => l.includes(`Endpoints are reached through the proxy http://127.0.0.1:${proxy.port} (from --proxy), bypassing *a*a*a*0, *a*a*a*1,`));
      expect(line).toBeDefined();
      expect(line!).toMatch(/…\[truncated, [\d,]+ more bytes\]$/);
      expect(line!.length).toBeLessThan(16 * 1024 + 100);
      expect(result.stdout.length).toBeLessThan(64 * 1024);
      expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^VERDICT: READY/);
      expect(result.ms).toBeLessThan(8_000);
    } finally {
      await proxy.close();
    }
  });
});

describe('hostile: endpoints that trickle, flood or present absurd chains', () => {
  it('a TLS endpoint that accepts TCP and trickles one byte a second → exit 1, Entra ID failed at the TLS layer at its 8 s bound, the others pass', async () => {
    // a TLS handshake record header announcing 16 KiB, then its body a byte a second
    const trickle = await trickleServer(Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0x3f, 0xff]), Buffer.alloc(64)]), 1_000);
    try {
      const result = await timed(lab(good.port, '--connect-to', `${ENTRA}:443:127.0.0.1:${trickle.port}`));
      const report = reportOf(result);
      expect(result.code).toBe(1);
      expect(endpoint(report, ENTRA)).toMatchObject({ status: 'failed', failedLayer: 'tls', tls: { code: 'ETIMEDOUT' } });
      expect(endpoint(report, ENTRA).error).toBe('no TLS handshake within 8000 ms (the server or a middlebox accepted TCP but never answered)');
      expect(endpoint(report, ENTRA).timings.tlsMs).toBeLessThan(9_000);
      expect(finding(report, 'network.endpoints', `${ENTRA}:443`).status).toBe('fail');
      expect(endpoint(report, SITE_RECOVERY).status).toBe('ok');
      expect(result.ms).toBeLessThan(12_000);
    } finally {
      await trickle.close();
    }
  });

  it('an HTTPS endpoint answering with a 100 MB body → Entra ID passes on the status alone, the body not read (under 16 MB sent), within 8 s', async () => {
    const total = 100 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const flood = await tlsServer(pki.leafFor(NAMES), [pki.intermediate.certPem], (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
      const pump = () => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    try {
      const result = await timed(lab(good.port, '--connect-to', `${ENTRA}:443:127.0.0.1:${flood.port}`));
      const report = reportOf(result);
      expect(endpoint(report, ENTRA)).toMatchObject({ status: 'ok', http: { ok: true, status: 200 } });
      expect(finding(report, 'network.endpoints', `${ENTRA}:443`).status).toBe('pass');
      expect(flood.hits()).toBe(1);
      expect(sent).toBeLessThan(16 * 1024 * 1024);
      expect(result.ms).toBeLessThan(8_000);
    } finally {
      await flood.close();
    }
  });

  it('a server presenting a 300-certificate chain → exit 1, Entra ID failed at the TLS layer naming the cause, within 8 s', async () => {
    const huge = await tlsServer(
      pki.leafFor(NAMES),
      Array.from({ length: 299 }, () => pki.intermediate.certPem),
      (_req, res) => res.writeHead(404).end(),
    );
    try {
      const result = await timed(lab(good.port, '--connect-to', `${ENTRA}:443:127.0.0.1:${huge.port}`));
      const report = reportOf(result);
      expect(result.code).toBe(1);
      expect(endpoint(report, ENTRA)).toMatchObject({ status: 'failed', failedLayer: 'tls', tls: { code: 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE', chain: [] } });
      expect(endpoint(report, ENTRA).error).toMatch(/^TLS handshake failed: ERR_SSL_EXCESSIVE_MESSAGE_SIZE: .*excessive message size/);
      expect(finding(report, 'network.endpoints', `${ENTRA}:443`).status).toBe('fail');
      expect(endpoint(report, SITE_RECOVERY).status).toBe('ok');
      expect(result.ms).toBeLessThan(8_000);
    } finally {
      await huge.close();
    }
  });
});

describe('hostile: malformed --endpoint and --connect-to', () => {
  it('--endpoint with a 300-character host name → exit 2 quoting 80 characters with a marker', async () => {
    const host = `${['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(63)].join('.')}.${'e'.repeat(44)}`;
    expect(host.length).toBe(300);
    const result = await timed(['--endpoint', host, ...lab(good.port)]);
    expectUsageError(result, `--endpoint "${host.slice(0, 80)}…[cut: 300 characters in all]" must be HOST or HOST:PORT`);
    expect(result.stderr).not.toContain(host.slice(0, 81));
  });

  it.each([
    ['port 0', `${SERVICE_BUS}:0`, `--endpoint "${SERVICE_BUS}:0": "0" is not a port number`],
    ['port 99999', `${SERVICE_BUS}:99999`, `--endpoint "${SERVICE_BUS}:99999": "99999" is not a port number`],
    ['a newline and a forged verdict', `${SERVICE_BUS}\nVERDICT: READY`, `--endpoint "${SERVICE_BUS}\\u000aVERDICT: READY" must be HOST or HOST:PORT`],
    ['a tab in the host', `ns1.service\tbus.windows.net`, '--endpoint "ns1.service\\u0009bus.windows.net" must be HOST or HOST:PORT'],
  ])('--endpoint with %s → exit 2 naming it, control characters escaped', async (_name, value, message) => {
    const result = await timed(['--endpoint', value, ...lab(good.port)]);
    expectUsageError(result, message);
    expect(result.stderr).not.toMatch(/^VERDICT/m);
  });

  it.each([
    ['three fields', `${ENTRA}:443:127.0.0.1`, `--connect-to "${ENTRA}:443:127.0.0.1" must be HOST1:PORT1:HOST2:PORT2`],
    ['five fields', `${ENTRA}:443:127.0.0.1:8443:1`, `--connect-to "${ENTRA}:443:127.0.0.1:8443:1" must be HOST1:PORT1:HOST2:PORT2`],
    ['PORT2 0', ':443:127.0.0.1:0', '--connect-to ":443:127.0.0.1:0": PORT2 "0" is not a port number'],
    ['PORT1 99999', ':99999:127.0.0.1:443', '--connect-to ":99999:127.0.0.1:443": PORT1 "99999" is not a port number'],
    ['an empty HOST2', ':443::8443', '--connect-to ":443::8443": HOST2 is empty'],
    ['an unclosed IPv6 bracket', ':443:[::1:8443', '--connect-to ":443:[::1:8443" must be HOST1:PORT1:HOST2:PORT2'],
    ['a newline', `:443:127.0.0.1:8443\n${ENTRA}`, `--connect-to ":443:127.0.0.1:8443\\u000a${ENTRA}" must be HOST1:PORT1:HOST2:PORT2`],
  ])('--connect-to with %s → exit 2 naming it', async (_name, value, message) => {
    expectUsageError(await timed([...lab(good.port), '--connect-to', value]), message);
  });
});

describe('hostile: IMDS answers that are not instance documents', () => {
  async function imdsRun(imds: { url: string }) {
    const result = await timed([
      '--checks',
      'azure.,network.',
      '--json',
      '--root',
      azureGuest.root,
      '--imds-endpoint',
      imds.url,
      '--trust-store',
      files.path('/store.pem'),
      '--connect-to',
      `:443:127.0.0.1:${good.port}`,
      '--connect-to',
      `:80:127.0.0.1:${http80.port}`,
    ]);
    return { result, report: reportOf(result) };
  }

  it.each([
    ['invalid JSON', '{"compute": {"location": "westus",', 'a body that is not JSON'],
    ['a JSON array', '[{"compute": {"location": "westus"}}]', 'a JSON array'],
    ['{"compute": null}', '{"compute": null}', 'no "compute" object'],
    ['a JSON string', '"westus"', 'a JSON string'],
  ])(
    'IMDS answering 200 with %s → the run completes (no exit 3), azure.metadata warn saying what was wrong, region unknown, one attempt',
    async (_name, document, what) => {
      const imds = await startFakeImds({ document });
      try {
        const { result, report } = await imdsRun(imds);
        expect([0, 1]).toContain(result.code);
        const f = finding(report, 'azure.metadata');
        expect(f).toMatchObject({ status: 'warn', evidence: { contacted: true, status: 200, attempts: 1, compute: null } });
        expect(f.summary).toBe(
          `The Instance Metadata Service at ${imds.url} did not answer after 1 attempt(s): IMDS answered HTTP 200 with ${what}, not an instance document. Region and cloud are unknown, so region-specific endpoints cannot be chosen.`,
        );
        expect(report.network).toMatchObject({ cloud: 'AzureCloud', region: null, regionSource: 'unknown' });
        expect(result.ms).toBeLessThan(8_000);
      } finally {
        await imds.close();
      }
    },
  );

  it('IMDS answering 10 MB of JSON → azure.metadata warn "more than 1 MiB", the run completes, within 8 s', async () => {
    const imds = await startFakeImds({ document: JSON.stringify({ compute: { location: 'westus', pad: 'x'.repeat(10 * 1024 * 1024) } }) });
    try {
      const { result, report } = await imdsRun(imds);
      expect([0, 1]).toContain(result.code);
      const f = finding(report, 'azure.metadata');
      expect(f).toMatchObject({ status: 'warn', evidence: { contacted: true, compute: null } });
      expect(f.summary).toContain(
        `The Instance Metadata Service at ${imds.url} did not answer after 3 attempt(s): EMSGSIZE: IMDS answered more than 1 MiB; not an IMDS answer.`,
      );
      expect(result.stdout.length).toBeLessThan(200_000);
      expect(result.ms).toBeLessThan(8_000);
    } finally {
      await imds.close();
    }
  });

  it('IMDS sending its headers, then its body a byte every 500 ms → azure.metadata warn after 3 bounded attempts, within 12 s', async () => {
    const slow = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      const timer = setInterval(() => res.write(' '), 500);
      res.on('close', () => clearInterval(timer));
    });
    const running = await serveOnLoopback(slow);
    const url = `http://127.0.0.1:${running.port}`;
    try {
      const { result, report } = await imdsRun({ url });
      expect([0, 1]).toContain(result.code);
      const f = finding(report, 'azure.metadata');
      expect(f).toMatchObject({ status: 'warn', evidence: { contacted: true, attempts: 3, compute: null } });
      expect(f.summary).toContain(`The Instance Metadata Service at ${url} did not answer after 3 attempt(s): ETIMEDOUT: no answer within 2000 ms`);
      expect(result.ms).toBeLessThan(12_000);
    } finally {
      await running.close();
    }
  });
});
