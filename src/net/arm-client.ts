// Azure Resource Manager, read with a bearer token through the guest client's dispatcher (the
// guest's proxy and trust store): GET a resource, GET a list across its nextLink pages (bounded),
// POST an action (202 + Location polled). Every call is bounded: a time bound per request, the
// caller's signal (the run deadline) over all of it, a cap on each answer's size, and at most
// `maxConcurrent` requests in flight (ARM allows 250 reads at once per subscription and refills 25
// per second: reference azure-control-plane.md §2.10). 429 and 503 are waited out per Retry-After
// (seconds, or an HTTP date), never past the caller's deadline. Failures are typed ArmErrors. The
// token is never put in an error, a log event or a result: only the Authorization header carries it.
import { request, type Dispatcher } from 'undici';
import type { EventLog } from '../core/log';
import { NO_LOG } from '../core/log';
import { describeError } from '../core/errors';
import { scrubSecrets } from '../core/redact';
import { truncateText } from '../core/text-bounds';
import { linkedSignal } from './abort';
import { abortable, readCapped } from './read-body';
import { sleepUnlessAborted } from './retry-loop';
import { TokenError, type TokenProvider } from './tokens';
import { retryAfterMs } from './retry-after';

/** What one ARM call (all its pages, waits and retries) was. */
export interface ArmCallInfo {
  method: 'GET' | 'POST';
  /** The path asked for, without host or query. */
  path: string;
  apiVersion: string;
  pages: number;
  /** 429/503 answers waited out. */
  throttledWaits: number;
}

export type ArmErrorKind = 'authorization' | 'throttled' | 'http' | 'malformed' | 'timeout' | 'network' | 'token' | 'refused';

/** A failed ARM call. Messages hold ARM's code and message (scrubbed, capped), never the token. */
export class ArmError extends Error {
  override readonly name: string = 'ArmError';
  constructor(
    readonly kind: ArmErrorKind,
    message: string,
    readonly call: ArmCallInfo,
    /** The HTTP status, when ARM answered. */
    readonly status: number | null = null,
    /** ARM's error.code, when it gave one. */
    readonly code: string | null = null,
  ) {
    super(scrubSecrets(message));
  }
}

/** 403: the identity may not do this. action and scope as ARM's AuthorizationFailed message names them. */
export class ArmAuthorizationError extends ArmError {
  override readonly name = 'ArmAuthorizationError';
  constructor(
    message: string,
    call: ArmCallInfo,
    code: string | null,
    readonly action: string | null,
    readonly scope: string | null,
    /** The object id ARM's message names (the principal that was refused), or null. */
    readonly objectId: string | null,
  ) {
    super('authorization', message, call, 403, code);
  }
}

/** 429/503 whose wait would pass the deadline, or more of them than the client waits out. */
export class ArmThrottledError extends ArmError {
  override readonly name = 'ArmThrottledError';
  constructor(
    message: string,
    call: ArmCallInfo,
    status: number,
    code: string | null,
    readonly retryAfterMs: number | null,
  ) {
    super('throttled', message, call, status, code);
  }
}

export interface ArmClientOptions {
  /** The ARM endpoint ("https://management.azure.com/", or --arm-endpoint). */
  endpoint: string;
  /** The guest client's dispatcher (src/net/guest-client.ts). */
  dispatcher: Dispatcher;
  /** Tokens for the endpoint's audience. */
  tokens: TokenProvider;
  userAgent?: string;
  /** Bound on each request, from sending it to the last byte of the answer (default 20 s). */
  requestTimeoutMs?: number;
  /** Pages followed at most for one list (default 50). */
  maxPages?: number;
  /** Answer size cap per page (default 8 MiB); a call may ask for more (the service tag list). */
  maxBodyBytes?: number;
  /** 429/503 answers waited out per call at most (default 3). */
  maxThrottleWaits?: number;
  /** Requests in flight at most, over every call of this client (default 6). */
  maxConcurrent?: number;
  /** Debug events per request: method, path, status, time. Never the token. */
  log?: EventLog;
}

export interface ArmCallOptions {
  /** The run deadline (or a stop): aborts every request and wait of the call. */
  signal: AbortSignal;
  /** When the caller's deadline passes (ms since epoch): a Retry-After past it is not waited for. */
  deadlineAt?: number;
  /** Query parameters besides api-version ("$filter"). */
  query?: Record<string, string>;
  /** Answer size cap for this call (per page). */
  maxBodyBytes?: number;
  /** list: pages followed at most for this call (default: the client's maxPages). */
  maxPages?: number;
  /** list: items kept at most over all pages (default 10,000). */
  maxItems?: number;
  /** list: answer bytes read at most over all pages (default 32 MiB). */
  maxTotalBytes?: number;
}

export interface ArmResult<T> {
  body: T;
  call: ArmCallInfo;
}

export interface ArmListResult<T> {
  items: T[];
  /** The first page without its list and nextLink (top-level fields such as changeNumber). */
  first: Record<string, unknown>;
  call: ArmCallInfo;
}

const DEFAULTS = { requestTimeoutMs: 20_000, maxPages: 50, maxBodyBytes: 8 * 1024 * 1024, maxThrottleWaits: 3, maxConcurrent: 6 };
/** Without Retry-After, a 429/503 is waited out this long (then twice as long). */
/** A list call's caps over all its pages, unless the call names others. */
const DEFAULT_MAX_ITEMS = 10_000;
const DEFAULT_MAX_TOTAL_BYTES = 32 * 1024 * 1024;
const DEFAULT_THROTTLE_WAIT_MS = 2_000;
/** A 202's Location is polled at most this many times. */
const MAX_POLLS = 10;

export class ArmClient {
  private readonly base: URL;
  private readonly opts: Required<Omit<ArmClientOptions, 'userAgent' | 'log'>> & { userAgent: string | null; log: EventLog };
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  /** Requests sent (pages, retries and polls included). */
  requests = 0;

  constructor(options: ArmClientOptions) {
    this.base = new URL(options.endpoint);
    if (this.base.protocol !== 'https:') throw new Error(`the ARM endpoint must be https://, not ${this.base.protocol}`);
    this.opts = { ...DEFAULTS, ...options, userAgent: options.userAgent ?? null, log: options.log ?? NO_LOG };
  }

  /** GET one resource (or any JSON object). */
  async get<T = unknown>(path: string, apiVersion: string, options: ArmCallOptions): Promise<ArmResult<T>> {
    const call: ArmCallInfo = { method: 'GET', path, apiVersion, pages: 0, throttledWaits: 0 };
    const answer = await this.send(this.urlFor(path, apiVersion, options.query), 'GET', undefined, call, options);
    call.pages = 1;
    return { body: objectBody(answer, call) as T, call };
  }

  /** GET a list, following nextLink (same origin only) up to maxPages; `key` is the array ("value", or "values" for service tags). */
  async list<T = unknown>(path: string, apiVersion: string, key: 'value' | 'values', options: ArmCallOptions): Promise<ArmListResult<T>> {
    const call: ArmCallInfo = { method: 'GET', path, apiVersion, pages: 0, throttledWaits: 0 };
    const items: T[] = [];
    let first: Record<string, unknown> | null = null;
    const seen = new Set<string>();
    const maxPages = options.maxPages ?? this.opts.maxPages;
    const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
    const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
    let totalBytes = 0;
    let url: URL | null = this.urlFor(path, apiVersion, options.query);
    while (url) {
      if (call.pages >= maxPages) throw new ArmError('malformed', `ARM answered more than ${maxPages} pages for ${path}; not read further`, call);
      seen.add(url.toString());
      const answer = await this.send(url, 'GET', undefined, call, options);
      totalBytes += Buffer.byteLength(answer.text);
      if (totalBytes > maxTotalBytes)
        throw new ArmError(
          'malformed',
          `ARM's answer for ${path} is too large: more than ${Math.round(maxTotalBytes / 1024)} KiB over its pages; not read further`,
          call,
          answer.status,
        );
      const page = objectBody(answer, call);
      call.pages++;
      const list = page[key];
      if (list !== undefined && list !== null && !Array.isArray(list))
        throw new ArmError('malformed', `ARM answered ${path} with "${key}" that is not a list`, call);
      const pageItems = (list as T[] | undefined) ?? [];
      if (items.length + pageItems.length > maxItems)
        throw new ArmError('malformed', `ARM's list for ${path} is too large: more than ${maxItems} items; not read further`, call, answer.status);
      for (const item of pageItems) items.push(item);
      if (!first) {
        const { [key]: _list, nextLink: _next, ...rest } = page;
        first = rest;
      }
      url = this.nextUrl(page.nextLink, apiVersion, call);
      if (url && seen.has(url.toString())) throw new ArmError('malformed', `ARM's nextLink for ${path} points back to a page already read`, call);
    }
    return { items, first: first ?? {}, call };
  }

  /** POST an action; a 202 with Location is polled (GET, same origin) until it answers 200, within the deadline. */
  async post<T = unknown>(path: string, apiVersion: string, body: unknown, options: ArmCallOptions): Promise<ArmResult<T>> {
    const call: ArmCallInfo = { method: 'POST', path, apiVersion, pages: 0, throttledWaits: 0 };
    let answer = await this.send(this.urlFor(path, apiVersion, options.query), 'POST', body === undefined ? undefined : JSON.stringify(body), call, options);
    for (let polls = 0; answer.status === 202; polls++) {
      const location = answer.headers.location ?? answer.headers['azure-asyncoperation'];
      const next = this.sameOrigin(typeof location === 'string' ? location : null, call);
      if (!next || polls >= MAX_POLLS) throw new ArmError('timeout', `ARM accepted POST ${path} (202) but did not finish it within ${polls} polls`, call, 202);
      const wait = retryAfterMs(answer.headers) ?? 1_000;
      if (!(await this.waitWithin(wait, options))) throw new ArmError('timeout', `the deadline passed while POST ${path} was still running`, call, 202);
      answer = await this.send(next, 'GET', undefined, call, options);
    }
    call.pages = 1;
    return { body: objectBody(answer, call) as T, call };
  }

  private urlFor(path: string, apiVersion: string, query: Record<string, string> = {}): URL {
    if (!path.startsWith('/') || path.startsWith('//')) throw new Error(`an ARM path starts with one "/": ${path}`);
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const params = [
      `api-version=${encodeURIComponent(apiVersion)}`,
      ...Object.entries(query).map(([k, v]) => `${encodeURIComponent(k).replace(/^%24/, '$')}=${encodeURIComponent(v)}`),
    ];
    return new URL(`${this.base.origin}${prefix}${path}?${params.join('&')}`);
  }

  /** The next page's URL: null at the end; refused when it leaves the endpoint's origin (the token goes only there). */
  private nextUrl(nextLink: unknown, apiVersion: string, call: ArmCallInfo): URL | null {
    if (nextLink === undefined || nextLink === null || nextLink === '') return null;
    if (typeof nextLink !== 'string') throw new ArmError('malformed', `ARM's nextLink for ${call.path} is not a string`, call);
    const url = this.sameOrigin(nextLink, call);
    if (url && !url.searchParams.has('api-version')) url.searchParams.set('api-version', apiVersion);
    return url;
  }

  private sameOrigin(link: string | null, call: ArmCallInfo): URL | null {
    if (!link) return null;
    let url: URL;
    try {
      url = new URL(link, this.base);
    } catch {
      throw new ArmError('malformed', `ARM answered ${call.path} with a link that is not a URL`, call);
    }
    if (url.origin !== this.base.origin)
      throw new ArmError(
        'malformed',
        `ARM answered ${call.path} with a link to ${url.origin}, not ${this.base.origin}; not followed (the token goes only to the ARM endpoint)`,
        call,
      );
    return url;
  }

  /** One request, with its 401 refresh and 429/503 waits; resolves with a 2xx answer, or throws an ArmError. */
  private async send(url: URL, method: 'GET' | 'POST', body: string | undefined, call: ArmCallInfo, options: ArmCallOptions): Promise<Answer> {
    let refreshed = false;
    let quietWaits = 0;
    for (;;) {
      if (options.signal.aborted) throw new ArmError('timeout', `the deadline passed before ${method} ${call.path}`, call);
      const token = await this.token(options.signal, refreshed, call);
      const answer = await this.exchange(url, method, body, token, call, options);
      if (answer.status >= 200 && answer.status < 300) return answer;
      const error = armErrorOf(answer.text);
      if (answer.status === 401 && !refreshed) {
        // An expired or revoked cached token: one fresh token, once.
        refreshed = true;
        continue;
      }
      if (answer.status === 429 || answer.status === 503) {
        const wait = retryAfterMs(answer.headers);
        const throttled = (why: string) =>
          new ArmThrottledError(
            `ARM answered ${method} ${call.path} with ${answer.status}${error.code ? ` ${error.code}` : ''}: ${why}`,
            call,
            answer.status,
            error.code,
            wait ?? null,
          );
        if (call.throttledWaits >= this.opts.maxThrottleWaits) throw throttled(`still throttled after ${call.throttledWaits} waits`);
        const ms = wait ?? DEFAULT_THROTTLE_WAIT_MS * 2 ** quietWaits++;
        if (options.deadlineAt !== undefined && Date.now() + ms > options.deadlineAt)
          throw throttled(`Retry-After ${Math.ceil(ms / 1000)} s would pass the deadline`);
        call.throttledWaits++;
        if (!(await this.waitWithin(ms, options))) throw throttled('the deadline passed while waiting');
        continue;
      }
      if (answer.status === 403) {
        const parsed = /perform action '([^']+)' over scope '([^']+)'/.exec(error.message ?? '');
        const objectId = /object id '([^']+)'/.exec(error.message ?? '')?.[1] ?? null;
        throw new ArmAuthorizationError(
          `ARM refused ${method} ${call.path} (403 ${error.code ?? 'Forbidden'})${error.message ? `: ${truncateText(error.message)}` : ''}`,
          call,
          error.code,
          parsed?.[1] ?? null,
          parsed?.[2] ?? null,
          objectId,
        );
      }
      throw new ArmError(
        'http',
        `ARM answered ${method} ${call.path} with HTTP ${answer.status}${error.code ? ` ${error.code}` : ''}${error.message ? `: ${truncateText(error.message)}` : ''}`,
        call,
        answer.status,
        error.code,
      );
    }
  }

  private async token(signal: AbortSignal, forceRefresh: boolean, call: ArmCallInfo): Promise<string> {
    try {
      return await this.opts.tokens.getToken(signal, forceRefresh);
    } catch (err) {
      if (signal.aborted) throw new ArmError('timeout', `the deadline passed while getting a token for ARM`, call);
      const why = err instanceof TokenError ? err.message : describeError(err);
      throw new ArmError('token', `no token for ARM from the ${this.opts.tokens.kind}: ${why}`, call);
    }
  }

  /** One HTTP exchange within the per-request bound and the caller's signal, under the concurrency bound. */
  private async exchange(
    url: URL,
    method: 'GET' | 'POST',
    body: string | undefined,
    token: string,
    call: ArmCallInfo,
    options: ArmCallOptions,
  ): Promise<Answer> {
    await this.acquire(options.signal, call);
    const started = performance.now();
    const bound = linkedSignal([options.signal], this.opts.requestTimeoutMs, () => new Error(`no complete answer within ${this.opts.requestTimeoutMs} ms`));
    this.requests++;
    let status: number | null = null;
    try {
      const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
      if (this.opts.userAgent) headers['user-agent'] = this.opts.userAgent;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Dispatcher.ResponseData;
      try {
        response = await abortable(request(url, { method, headers, body, dispatcher: this.opts.dispatcher, signal: bound.signal }), bound.signal);
      } catch (err) {
        throw this.failure(err, bound.signal, options.signal, method, call);
      }
      status = response.statusCode;
      const { text, truncated } = await readCapped(response.body, options.maxBodyBytes ?? this.opts.maxBodyBytes);
      if (bound.signal.aborted) throw this.failure(bound.signal.reason, bound.signal, options.signal, method, call);
      if (truncated) {
        const cap = options.maxBodyBytes ?? this.opts.maxBodyBytes;
        throw new ArmError('malformed', `ARM answered ${method} ${call.path} with more than ${Math.round(cap / 1024)} KiB; not read further`, call, status);
      }
      return { status, headers: response.headers, text };
    } finally {
      bound.dispose();
      this.release();
      this.opts.log.debug(
        { arm: { method, path: call.path, apiVersion: call.apiVersion, status, ms: Math.round(performance.now() - started) } },
        'ARM request',
      );
    }
  }

  private failure(err: unknown, bound: AbortSignal, caller: AbortSignal, method: string, call: ArmCallInfo): ArmError {
    if (err instanceof ArmError) return err;
    if (caller.aborted) return new ArmError('timeout', `the deadline passed during ${method} ${call.path}`, call);
    if (bound.aborted) return new ArmError('timeout', `ARM did not answer ${method} ${call.path} in time: ${describeError(bound.reason)}`, call);
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === 'ELOOPBACKONLY') return new ArmError('refused', `not contacting ${this.base.origin}: ASR_READY_LOOPBACK_ONLY is set`, call);
    // The guest dispatcher's own bounds (headersTimeout, bodyTimeout): ARM was reached but did not answer in time.
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
      return new ArmError('timeout', `ARM did not answer ${method} ${call.path} in time: ${describeError(err)}`, call);
    return new ArmError('network', `${method} ${call.path} failed: ${describeError(err)}`, call);
  }

  /** Sleeps ms unless the caller stops first; false when stopped. */
  private waitWithin(ms: number, options: ArmCallOptions): Promise<boolean> {
    return sleepUnlessAborted(ms, options.signal);
  }

  private async acquire(signal: AbortSignal, call: ArmCallInfo): Promise<void> {
    while (this.inFlight >= this.opts.maxConcurrent) {
      if (signal.aborted) throw new ArmError('timeout', `the deadline passed while ${call.method} ${call.path} waited for a free connection`, call);
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', onStop);
          resolve();
        };
        // A waiter that stops leaves the queue, so it cannot swallow a later release.
        const onStop = () => {
          const at = this.waiting.indexOf(wake);
          if (at >= 0) this.waiting.splice(at, 1);
          resolve();
        };
        this.waiting.push(wake);
        signal.addEventListener('abort', onStop, { once: true });
      });
      if (signal.aborted) throw new ArmError('timeout', `the deadline passed while ${call.method} ${call.path} waited for a free connection`, call);
    }
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** The answer's JSON object; anything else (not JSON, an array, a scalar, empty) is malformed. */
function objectBody(answer: Answer, call: ArmCallInfo): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch (err) {
    const why = answer.text.trim() === '' ? 'an empty body' : `a body that is not JSON (${truncateText(describeError(err), 120)})`;
    throw new ArmError('malformed', `ARM answered ${call.method} ${call.path} (HTTP ${answer.status}) with ${why}`, call, answer.status);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ArmError(
      'malformed',
      `ARM answered ${call.method} ${call.path} (HTTP ${answer.status}) with a JSON ${Array.isArray(body) ? 'array' : body === null ? 'null' : typeof body}, not an object`,
      call,
      answer.status,
    );
  }
  return body as Record<string, unknown>;
}

/** ARM's {"error":{"code","message"}} (or a bare {"code","message"}), scrubbed; nulls when the body has none. */
export function armErrorOf(text: string): { code: string | null; message: string | null } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: null, message: null };
  }
  const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const outer = record(body);
  const error = typeof outer.error === 'object' ? record(outer.error) : outer;
  const text_ = (v: unknown) => (typeof v === 'string' && v !== '' ? scrubSecrets(truncateText(v, 1_000)) : null);
  return { code: text_(error.code), message: text_(error.message) };
}
