// Strict HTTPS fakes of the report destinations, on 127.0.0.1 with a test CA.
// - collector: checks the bearer token, stores reports by Idempotency-Key (a replay is not stored
//   twice), and can fail at random (seeded) before or after storing, or answer 429 with Retry-After.
// - Logs Ingestion: checks the path, a bearer JWT whose aud is the monitor audience, gzip, a JSON
//   array of rows with the declared columns, the size limit (413), and can answer 403 or 429 first,
//   fail requests it would accept after some were accepted (the second half of a 413 split), or at
//   random (seeded). It has no idempotency (neither has the real API): every accepted row counts.
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import type { Socket } from 'node:net';
import { serveOnLoopback } from './servers';
import type { TestCa } from './certs';

export interface FakeServer {
  port: number;
  close: () => Promise<void>;
}

const listen = (server: https.Server): Promise<FakeServer> => serveOnLoopback(server);

function readBody(req: import('node:http').IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** mulberry32: a tiny seeded PRNG, so "random" failures are the same on every run of the test. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FakeCollector extends FakeServer {
  /** runId → stored (by Idempotency-Key, so at most once). */
  stored: Map<string, number>;
  /** runId → how many 2xx answers the client got: once it has one, it must never send that report again. */
  acknowledged: Map<string, number>;
  requests: Array<{ authorization: string | undefined; idempotencyKey: string | undefined; contentType: string | undefined }>;
  bodies: string[];
  setFailureRate(rate: number): void;
  /** Down: every connection is reset at once, as a stopped service behind a load balancer looks. */
  setDown(down: boolean): void;
}

export interface CollectorOptions {
  token: string;
  failureRate?: number;
  seed?: number;
  status429First?: number;
  /** Wait this long before answering (runs overlap on a backlog). */
  delayMs?: number;
  /** Answer every well-formed request with this status (400: refuse for good). */
  status?: number;
}

export async function startFakeCollector(cert: TestCa, chain: TestCa[], options: CollectorOptions): Promise<FakeCollector> {
  const stored = new Map<string, number>();
  const acknowledged = new Map<string, number>();
  const requests: FakeCollector['requests'] = [];
  const bodies: string[] = [];
  const random = seeded(options.seed ?? 42);
  let failureRate = options.failureRate ?? 0;
  let throttled = 0;
  const server = https.createServer({ key: cert.keyPem, cert: [cert.certPem, ...chain.map((c) => c.certPem)].join('') }, async (req, res) => {
    const body = (await readBody(req)).toString('utf8');
    const key = req.headers['idempotency-key'] as string | undefined;
    requests.push({ authorization: req.headers.authorization, idempotencyKey: key, contentType: req.headers['content-type'] });
    bodies.push(body);
    if (req.method !== 'POST') return res.writeHead(405).end();
    if (req.headers.authorization !== `Bearer ${options.token}`) return res.writeHead(401).end('{"error":"bad token"}');
    if (!key) return res.writeHead(400).end('{"error":"Idempotency-Key required"}');
    if (throttled < (options.status429First ?? 0)) {
      throttled++;
      return res.writeHead(429, { 'retry-after': '1' }).end();
    }
    let report: { runId?: string };
    try {
      report = JSON.parse(body);
    } catch {
      return res.writeHead(400).end('{"error":"not JSON"}');
    }
    if (report.runId !== key) return res.writeHead(422).end('{"error":"Idempotency-Key is not the runId"}');
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    if (options.status) return res.writeHead(options.status).end('{"error":"refused"}');
    const roll = random();
    if (roll < failureRate / 2) return res.writeHead(503).end(); // failed before storing
    if (!stored.has(key)) stored.set(key, 1); // a replay of a stored key is recognised, not stored again
    if (roll < failureRate) return res.writeHead(500).end(); // stored, but the answer is an error: the client will send it again
    acknowledged.set(key, (acknowledged.get(key) ?? 0) + 1);
    res.writeHead(201, { 'content-type': 'application/json' }).end('{"stored":true}');
  });
  let down = false;
  server.prependListener('connection', (socket: Socket) => {
    if (down) socket.destroy();
  });
  return { ...(await listen(server)), stored, acknowledged, requests, bodies, setFailureRate: (r) => (failureRate = r), setDown: (d) => (down = d) };
}

export interface FakeIngestion extends FakeServer {
  rows: Array<Record<string, unknown>>;
  calls: Array<{ status: number; bytes: number; gzip: boolean }>;
}

export function fakeJwt(aud: string, expiresInSeconds = 3600): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ aud, exp: Math.floor(Date.now() / 1000) + expiresInSeconds })}.sig`;
}

export const ROW_COLUMNS = [
  'TimeGenerated',
  'RunId',
  'RowType',
  'Computer',
  'VmId',
  'VmResourceId',
  'Region',
  'CheckId',
  'Subject',
  'Status',
  'Summary',
  'Remediation',
  'AsrErrorCodes',
  'AgentVersion',
  'AgentRuntime',
  'Verdict',
  'Counts',
];

export interface IngestionOptions {
  dcrId: string;
  stream: string;
  audience?: string;
  maxBytes?: number;
  forbiddenFirst?: number;
  throttleFirst?: number;
  errorFirst?: number;
  /**
   * Once `accepted` requests were accepted, answer the next `count` requests it would accept with
   * `status` (default 500) instead, storing nothing: e.g. the second half of a batch split on 413.
   */
  errorAfterAccepted?: { accepted: number; count: number; status?: number };
  /** Answer this share of the requests it would accept with 500 or 503, storing nothing (seeded). */
  failureRate?: number;
  seed?: number;
  hang?: boolean;
  /** Called as each request arrives, before it is answered (to look at the client's state at that instant). */
  onRequest?: () => void;
}

export async function startFakeIngestion(cert: TestCa, chain: TestCa[], options: IngestionOptions): Promise<FakeIngestion> {
  const rows: FakeIngestion['rows'] = [];
  const calls: FakeIngestion['calls'] = [];
  let forbidden = 0;
  let throttled = 0;
  let errored = 0;
  let accepted = 0;
  let failedAfter = 0;
  const random = seeded(options.seed ?? 42);
  const audience = options.audience ?? 'https://monitor.azure.com';
  const server = https.createServer({ key: cert.keyPem, cert: [cert.certPem, ...chain.map((c) => c.certPem)].join('') }, async (req, res) => {
    const raw = await readBody(req);
    options.onRequest?.();
    if (options.hang) return; // accept the request and never answer
    const send = (status: number, body = '') => {
      calls.push({ status, bytes: raw.length, gzip: req.headers['content-encoding'] === 'gzip' });
      res.writeHead(status, status === 429 ? { 'retry-after': '1' } : { 'content-type': 'application/json' }).end(body);
    };
    const url = new URL(req.url ?? '/', 'https://ingest');
    if (
      req.method !== 'POST' ||
      url.pathname !== `/dataCollectionRules/${options.dcrId}/streams/${options.stream}` ||
      url.searchParams.get('api-version') !== '2023-01-01'
    )
      return send(404, '{"error":{"code":"NotFound"}}');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    let aud: unknown;
    try {
      aud = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()).aud;
    } catch {
      aud = null;
    }
    if (aud !== audience) return send(401, '{"error":{"code":"InvalidToken"}}');
    if (forbidden < (options.forbiddenFirst ?? 0)) {
      forbidden++;
      return send(403, '{"error":{"code":"OperationFailed","message":"The authentication token provided does not have access"}}');
    }
    if (throttled < (options.throttleFirst ?? 0)) {
      throttled++;
      return send(429);
    }
    if (errored < (options.errorFirst ?? 0)) {
      errored++;
      return send(500, '{"error":{"code":"InternalServerError"}}');
    }
    const max = options.maxBytes ?? 1_000_000;
    if (raw.length > max) return send(413, '{"error":{"code":"ContentLengthLimitExceeded"}}');
    if (req.headers['content-encoding'] !== 'gzip') return send(400, '{"error":{"code":"InvalidContentEncoding"}}');
    let body: unknown;
    try {
      const json = gunzipSync(raw);
      if (json.length > max) return send(413, '{"error":{"code":"ContentLengthLimitExceeded"}}');
      body = JSON.parse(json.toString('utf8'));
    } catch {
      return send(400, '{"error":{"code":"InvalidPayload"}}');
    }
    if (
      !Array.isArray(body) ||
      body.some((r) => typeof r !== 'object' || ROW_COLUMNS.some((c) => !(c in r)) || Object.keys(r).some((k) => !ROW_COLUMNS.includes(k)))
    ) {
      return send(400, '{"error":{"code":"InvalidStreamData"}}');
    }
    const after = options.errorAfterAccepted;
    if (after && accepted >= after.accepted && failedAfter < after.count) {
      failedAfter++;
      return send(after.status ?? 500, '{"error":{"code":"InternalServerError"}}');
    }
    const roll = random();
    if (roll < (options.failureRate ?? 0)) return send(roll < (options.failureRate ?? 0) / 2 ? 503 : 500, '{"error":{"code":"ServiceUnavailable"}}');
    accepted++;
    rows.push(...(body as Array<Record<string, unknown>>));
    send(204);
  });
  return { ...(await listen(server)), rows, calls };
}
