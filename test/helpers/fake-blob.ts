// A strict fake of the Azure Blob service for one container, over HTTPS on 127.0.0.1 with a test CA:
// every request must carry the container SAS (sig=…; otherwise 403 AuthenticationFailed, as the
// service answers), x-ms-version and a parseable x-ms-date; Put Block needs block IDs of equal
// length per blob; Put Block List commits only blocks it holds; Delete Blob removes committed and
// uncommitted blocks. The request body can be read slowly (bodyMs: how long a 4 MiB body takes),
// so an upload is slowed by TCP backpressure as a slow path would slow it.
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { serveOnLoopback, type Pki } from './servers';

export const FAKE_BLOB_HOST = 'asrcache01.blob.core.windows.net';
export const FAKE_CONTAINER = 'asr-ready-test';
const FOUR_MIB = 4 * 1024 * 1024;

export interface FakeBlobOptions {
  /** The signature the SAS must carry. */
  sig: string;
  /** Read a 4 MiB request body over this many ms in all (0: as fast as it comes). */
  bodyMs?: number;
  /** Answer Put Block with 403 AuthorizationPermissionMismatch (a SAS without write/create). */
  forbidWrites?: boolean;
  /** Answer the Nth Put Block (1-based) with 500 InternalError: an upload that fails midway. */
  failBlock?: number;
  /** Never answer Put Block List (the request hangs): an upload that runs past its bound. */
  hangBlockList?: boolean;
}

export interface BlobRequestRecord {
  method: string;
  path: string;
  comp: string | null;
  blockId: string | null;
  status: number;
  errorCode: string | null;
  bytes: number;
  /** The whole query string as received (tests check it carried the SAS). */
  query: string;
}

export interface FakeBlob {
  port: number;
  requests: BlobRequestRecord[];
  /** Blobs that exist now, committed or with uncommitted blocks. */
  blobs(): string[];
  /** Blob names whose block list was committed at some point. */
  committed(): string[];
  /** Blob names deleted. */
  deleted(): string[];
  close(): Promise<void>;
}

interface BlobState {
  uncommitted: Map<string, number>;
  committed: string[] | null;
}

export async function startFakeBlob(pki: Pki, options: FakeBlobOptions): Promise<FakeBlob> {
  const leaf = pki.leafFor([FAKE_BLOB_HOST]);
  const requests: BlobRequestRecord[] = [];
  const state = new Map<string, BlobState>();
  const everCommitted = new Set<string>();
  const deleted: string[] = [];
  let putBlocks = 0;
  const bytesPerMs = options.bodyMs ? FOUR_MIB / options.bodyMs : Infinity;

  const server = https.createServer({ key: leaf.keyPem, cert: [leaf.certPem, pki.intermediate.certPem].join('') }, (req, res) => {
    const url = new URL(req.url ?? '/', `https://${FAKE_BLOB_HOST}`);
    const record: BlobRequestRecord = {
      method: req.method ?? '',
      path: url.pathname,
      comp: url.searchParams.get('comp'),
      blockId: url.searchParams.get('blockid'),
      status: 0,
      errorCode: null,
      bytes: 0,
      query: url.search,
    };
    requests.push(record);
    const answer = (status: number, errorCode: string | null = null) => {
      record.status = status;
      record.errorCode = errorCode;
      const headers: Record<string, string> = { 'x-ms-version': '2021-08-06', 'x-ms-request-id': `req-${requests.length}` };
      if (errorCode) headers['x-ms-error-code'] = errorCode;
      res.writeHead(status, { ...headers, 'content-type': 'application/xml' });
      res.end(errorCode ? `<?xml version="1.0" encoding="utf-8"?><Error><Code>${errorCode}</Code><Message>fake blob service</Message></Error>` : '');
    };
    readBody(req, bytesPerMs).then(
      (body) => {
        record.bytes = body.length;
        handle(req, url, body, answer);
      },
      () => res.destroy(),
    );
  });

  function handle(req: IncomingMessage, url: URL, body: Buffer, answer: (status: number, code?: string | null) => void): void {
    if (url.searchParams.get('sig') !== options.sig || !url.searchParams.get('sv')) return answer(403, 'AuthenticationFailed');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(req.headers['x-ms-version'] ?? ''))) return answer(400, 'MissingRequiredHeader');
    const date = req.headers['x-ms-date'];
    if (typeof date !== 'string' || Number.isNaN(Date.parse(date)) || Math.abs(Date.parse(date) - Date.now()) > 15 * 60_000)
      return answer(403, 'AuthenticationFailed');
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== FAKE_CONTAINER) return answer(404, 'ContainerNotFound');
    if (parts.length !== 2) return answer(400, 'InvalidUri');
    const name = parts[1]!;
    const comp = url.searchParams.get('comp');
    if (req.method === 'PUT' && comp === 'block') {
      if (options.forbidWrites) return answer(403, 'AuthorizationPermissionMismatch');
      putBlocks++;
      if (putBlocks === options.failBlock) return answer(500, 'InternalError');
      const id = url.searchParams.get('blockid') ?? '';
      if (!isBase64(id) || Buffer.from(id, 'base64').length > 64) return answer(400, 'InvalidQueryParameterValue');
      if (body.length === 0 || body.length > 4000 * 1024 * 1024) return answer(400, 'InvalidBlobOrBlock');
      const blob = state.get(name) ?? { uncommitted: new Map<string, number>(), committed: null };
      const lengths = [...blob.uncommitted.keys(), ...(blob.committed ?? [])].map((b) => b.length);
      if (lengths.some((l) => l !== id.length)) return answer(400, 'InvalidBlobOrBlock');
      blob.uncommitted.set(id, body.length);
      state.set(name, blob);
      return answer(201);
    }
    if (req.method === 'PUT' && comp === 'blocklist') {
      if (options.hangBlockList) return; // left unanswered (its record keeps status 0)
      if (options.forbidWrites) return answer(403, 'AuthorizationPermissionMismatch');
      const blob = state.get(name);
      const xml = body.toString('utf8');
      if (!/^(<\?xml[^>]*\?>)?\s*<BlockList>[\s\S]*<\/BlockList>\s*$/.test(xml)) return answer(400, 'InvalidXmlDocument');
      const ids = [...xml.matchAll(/<Latest>([^<]*)<\/Latest>/g)].map((m) => m[1]!);
      if (!blob || ids.length === 0 || ids.some((id) => !blob.uncommitted.has(id))) return answer(400, 'InvalidBlockList');
      blob.committed = ids;
      blob.uncommitted.clear();
      everCommitted.add(name);
      return answer(201);
    }
    if (req.method === 'PUT') return answer(400, 'MissingRequiredHeader'); // Put Blob would need x-ms-blob-type
    if (req.method === 'DELETE' && !comp) {
      if (!state.has(name)) return answer(404, 'BlobNotFound');
      state.delete(name);
      deleted.push(name);
      return answer(202);
    }
    return answer(400, 'UnsupportedHttpVerb');
  }

  const running = await serveOnLoopback(server);
  return {
    port: running.port,
    requests,
    blobs: () => [...state.keys()],
    committed: () => [...everCommitted],
    deleted: () => [...deleted],
    close: running.close,
  };
}

function isBase64(value: string): boolean {
  return value.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0;
}

/** Reads the body, pausing so it arrives no faster than bytesPerMs: the sender is held back by TCP. */
function readBody(req: IncomingMessage, bytesPerMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const started = Date.now();
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (bytesPerMs === Infinity) return;
      const due = received / bytesPerMs - (Date.now() - started);
      if (due > 5) {
        req.pause();
        setTimeout(() => req.resume(), due);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
