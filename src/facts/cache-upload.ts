// The cache-upload fact (opt-in, --cache-upload-test[-file]): upload a 4 MiB block blob to the
// container a SAS URL names, through the guest HTTP client (guest proxy, guest trust store), time it,
// and delete it again, also when the upload failed midway. Blob REST API: Put Block
// (?comp=block&blockid=…), Put Block List (?comp=blocklist), Delete Blob. The SAS is a secret: it
// was remembered when the option was parsed, and nothing here puts the URL's query in evidence.
import { randomBytes } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { createGuestClient } from '../net/guest-client';
import { closeWithin } from '../net/dispatcher';
import { linkedSignal } from '../net/abort';
import { readCapped } from '../net/read-body';
import type { ConnectionTrace } from '../net/trace';
import { scrubSecrets } from '../core/redact';
import type { TrustStoreFacts } from './trust-store';
import type { ProxySettings } from './proxy/read-proxy-settings';
import { guestClientInputsFor, type NetworkOptions } from './network';
import { trustAnchorsFor } from './trust-anchors';

/** What is uploaded: 4 MiB, the amount the reference row's "4 MB in 3 s" speaks of. */
export const CACHE_UPLOAD_BYTES = 4 * 1024 * 1024;
/** Each Put Block carries at most this much (the brief: blocks of at most 4 MiB). */
export const CACHE_UPLOAD_BLOCK_BYTES = 2 * 1024 * 1024;
export const BLOB_API_VERSION = '2021-08-06';
/** The delete gets its own short bound, so a blob is removed even after the upload ran out of time. */
const DELETE_BOUND_MS = 10_000;

export interface CacheUploadTarget {
  /** The container SAS URL as given (a secret: never put in evidence, logs or messages). */
  sasUrl: string;
}

export type CacheUploadStep = 'put-block' | 'put-block-list';

export interface CacheUploadFacts {
  /** The storage host (never the query). */
  host: string;
  container: string;
  blob: string;
  bytes: number;
  blocks: number;
  /** Put Blocks the service acknowledged (201): a blob exists to delete only when some were. */
  blocksStored: number;
  blockBytes: number;
  /** From the first Put Block to the committed block list; null when the upload did not finish. */
  ms: number | null;
  /** MB/s (10^6 bytes per second) over ms; null when the upload did not finish. */
  mbPerSecond: number | null;
  /** The proxy the connection went through (without credentials), or null when it went direct. */
  proxy: string | null;
  /** The root that anchored the storage host's chain, when the TLS layer saw one. */
  trustAnchor: { subject: string; sha256: string } | null;
  trustSource: string | null;
  /** Why the upload did not finish; null when it did. */
  failure: {
    step: CacheUploadStep;
    status: number | null;
    errorCode: string | null;
    message: string;
    /** Set when the run deadline or the upload's bound stopped it (not a network failure): what got through by then. */
    stopped?: { bytes: number; ms: number };
  } | null;
  /** Why the upload was not started at all (too little of the run's time left); absent when it ran. */
  notStarted?: string;
  /** The Delete Blob outcome: attempted whenever a block may have been sent. */
  deleted: { ok: boolean; status: number | null; problem: string | null };
}

export interface CacheUploadInputs {
  target: CacheUploadTarget;
  runId: string;
  trustStore: Promise<TrustStoreFacts | null>;
  proxy: ProxySettings;
}

/** The blob's URL: the container path plus the blob name, the SAS query as given, then the operation's parameters. */
function blobUrl(sas: URL, blob: string, extra: Record<string, string> = {}): string {
  // The SAS query is kept byte for byte (re-serialising it through URLSearchParams could change its encoding and its signature).
  const extras = Object.entries(extra).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`);
  return `${sas.origin}${sas.pathname.replace(/\/+$/, '')}/${blob}${sas.search}${extras.join('')}`;
}

/** Block IDs of equal length (the service requires it), base64 of a fixed-width counter. */
export function blockIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`asr-ready-block-${String(i).padStart(6, '0')}`).toString('base64'));
}

export function blockListXml(ids: readonly string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join('')}</BlockList>`;
}

export async function uploadCacheTestBlob(
  inputs: CacheUploadInputs,
  options: Pick<NetworkOptions, 'connectTo' | 'timeouts' | 'loopbackOnly' | 'userAgent'>,
  signal: AbortSignal,
  /** The latest the Delete Blob may run (the run deadline less its margin); it is bounded by DELETE_BOUND_MS too. */
  deleteBy: number = Number.POSITIVE_INFINITY,
): Promise<CacheUploadFacts> {
  const sas = new URL(inputs.target.sasUrl);
  const container = sas.pathname.replace(/^\/+|\/+$/g, '');
  const blob = `asr-ready-upload-test-${inputs.runId.replace(/[^A-Za-z0-9-]/g, '')}`;
  const traces: ConnectionTrace[] = [];
  const anchors = inputs.trustStore.then(trustAnchorsFor, () => trustAnchorsFor(null));
  const client = createGuestClient(guestClientInputsFor(anchors, inputs.proxy, options));
  const dispatcher = client.dispatcher((t) => traces.push(t), signal);
  const headers = () => ({ 'x-ms-version': BLOB_API_VERSION, 'x-ms-date': new Date().toUTCString(), 'user-agent': options.userAgent });
  const ids = blockIds(Math.ceil(CACHE_UPLOAD_BYTES / CACHE_UPLOAD_BLOCK_BYTES));
  const data = randomBytes(CACHE_UPLOAD_BYTES);
  let failure: CacheUploadFacts['failure'] = null;
  let ms: number | null = null;
  let sent = false;
  let stored = 0;
  const started = performance.now();
  try {
    for (let i = 0; i < ids.length && !failure; i++) {
      const body = data.subarray(i * CACHE_UPLOAD_BLOCK_BYTES, Math.min(CACHE_UPLOAD_BYTES, (i + 1) * CACHE_UPLOAD_BLOCK_BYTES));
      sent = true;
      failure = await send(
        dispatcher,
        'put-block',
        blobUrl(sas, blob, { comp: 'block', blockid: ids[i]! }),
        'PUT',
        { ...headers(), 'content-length': String(body.length) },
        body,
        201,
        signal,
      );
      if (!failure) stored++;
    }
    if (!failure) {
      const xml = blockListXml(ids);
      failure = await send(
        dispatcher,
        'put-block-list',
        blobUrl(sas, blob, { comp: 'blocklist' }),
        'PUT',
        { ...headers(), 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(xml)) },
        xml,
        201,
        signal,
      );
    }
    if (!failure) ms = Math.max(1, Math.round(performance.now() - started));
    if (failure && failure.status === null && signal.aborted) {
      failure.stopped = { bytes: stored * CACHE_UPLOAD_BLOCK_BYTES, ms: Math.round(performance.now() - started) };
    }
    // Its own dispatcher, without the upload's signal: that signal may have stopped the upload, and a
    // dispatcher tied to it refuses new connections, so the delete would fail at once.
    const deleted = sent
      ? await deleteBlob(
          client.dispatcher((t) => traces.push(t)),
          blobUrl(sas, blob),
          headers(),
          deleteBy,
        )
      : { ok: true, status: null, problem: null };
    const tlsTrace = traces.find((t) => t.tls?.ok) ?? traces.find((t) => t.tls);
    const proxied = traces.find((t) => t.proxy);
    return {
      host: sas.host,
      container,
      blob,
      bytes: CACHE_UPLOAD_BYTES,
      blocks: ids.length,
      blocksStored: stored,
      blockBytes: CACHE_UPLOAD_BLOCK_BYTES,
      ms,
      mbPerSecond: ms === null ? null : Math.round((CACHE_UPLOAD_BYTES / 1e6 / (ms / 1000)) * 100) / 100,
      proxy: proxied?.proxy?.proxy ?? null,
      trustAnchor: tlsTrace?.tls?.trustAnchor ?? null,
      trustSource: tlsTrace?.tls?.trustSource ?? null,
      failure,
      deleted,
    };
  } finally {
    await closeWithin(dispatcher, 2_000, signal);
  }
}

async function deleteBlob(dispatcher: Dispatcher, url: string, headers: Record<string, string>, deleteBy: number): Promise<CacheUploadFacts['deleted']> {
  // Its own bound, not the upload's signal: a blob left behind after a timed-out upload is what this avoids.
  const boundMs = Math.max(0, Math.min(DELETE_BOUND_MS, deleteBy - Date.now()));
  const bound = linkedSignal([], boundMs, () => new Error(`Delete Blob did not answer within ${boundMs} ms`));
  try {
    const res = await request(url, { method: 'DELETE', headers, dispatcher, signal: bound.signal });
    const { text } = await readCapped(res.body);
    // 404: nothing was committed nor left uncommitted long enough to matter (uncommitted blocks expire after 7 days).
    if (res.statusCode === 202 || res.statusCode === 404) return { ok: true, status: res.statusCode, problem: null };
    return {
      ok: false,
      status: res.statusCode,
      problem: `HTTP ${res.statusCode}${errorCodeOf(res.headers, text) ? ` ${errorCodeOf(res.headers, text)}` : ''}`,
    };
  } catch (err) {
    return { ok: false, status: null, problem: scrubSecrets(messageOf(err)) };
  } finally {
    bound.dispose();
    await closeWithin(dispatcher, 2_000);
  }
}

async function send(
  dispatcher: Dispatcher,
  step: CacheUploadStep,
  url: string,
  method: 'PUT',
  headers: Record<string, string>,
  body: Buffer | string,
  expected: number,
  signal: AbortSignal,
): Promise<CacheUploadFacts['failure']> {
  try {
    const res = await request(url, { method, headers, body, dispatcher, signal });
    const { text } = await readCapped(res.body);
    if (res.statusCode === expected) return null;
    const errorCode = errorCodeOf(res.headers, text);
    return { step, status: res.statusCode, errorCode, message: `HTTP ${res.statusCode}${errorCode ? ` ${errorCode}` : ''}` };
  } catch (err) {
    return { step, status: null, errorCode: null, message: scrubSecrets(messageOf(err)) };
  }
}

function errorCodeOf(headers: Record<string, string | string[] | undefined>, body: string): string | null {
  const header = headers['x-ms-error-code'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const raw = fromHeader ?? /<Code>([^<]{1,80})<\/Code>/.exec(body)?.[1] ?? null;
  return raw && /^[A-Za-z0-9]{1,80}$/.test(raw) ? raw : null;
}

function messageOf(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown } } | null;
  const base = typeof e?.message === 'string' ? e.message : String(err);
  const cause = typeof e?.cause?.message === 'string' && e.cause.message !== base ? `: ${e.cause.message}` : '';
  // Never a URL: a transport error could quote the request's target.
  return `${base}${cause}`.replace(/https?:\/\/\S+/g, '(the blob URL)').slice(0, 400);
}
