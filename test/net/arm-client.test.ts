// The ARM client (src/net/arm-client.ts) against the strict loopback fake ARM: api-version and
// bearer on every request, nextLink paging, 403/429/hang/malformed turned into typed errors,
// Retry-After honoured but never past the deadline, the concurrency bound, and no token in errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { ArmAuthorizationError, ArmClient, ArmError, ArmThrottledError } from '../../src/net/arm-client';
import { retryAfterMs as retryAfter } from '../../src/net/retry-after';
import { createGuestClient } from '../../src/net/guest-client';
import { closeWithin } from '../../src/net/dispatcher';
import { DEFAULT_LAYER_TIMEOUTS } from '../../src/net/layers';
import { parseConnectTo } from '../../src/net/connect-to';
import { rememberSecret } from '../../src/core/redact';
import type { TokenProvider } from '../../src/net/tokens';
import { startFakeArm, type FakeArm } from '../helpers/fake-arm';

const SUB = '/subscriptions/11111111-2222-3333-4444-555555555555';
const VM = `${SUB}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1`;
const VAULTS = `${SUB}/providers/Microsoft.RecoveryServices/vaults`;

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
function jwt(claims: object): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}.c2lnbmF0dXJl`;
}

/** Tokens for ARM's audience; remembered as secrets, as the real providers do. */
function tokensFor(tokens: string[]): TokenProvider & { calls: Array<{ forceRefresh: boolean }> } {
  const calls: Array<{ forceRefresh: boolean }> = [];
  return {
    kind: 'test identity',
    calls,
    getToken: async (_signal, forceRefresh = false) => {
      calls.push({ forceRefresh });
      const token = tokens[Math.min(calls.length - 1, tokens.length - 1)]!;
      rememberSecret(token);
      return token;
    },
  };
}

const TOKEN = jwt({ aud: 'https://management.azure.com/', oid: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' });

let arm: FakeArm;
let dispatcher: Dispatcher;
beforeAll(async () => {
  arm = await startFakeArm();
  const client = createGuestClient({
    trust: { ca: [arm.ca], source: 'supplied' },
    proxy: null,
    connectTo: [parseConnectTo(`management.azure.com:443:127.0.0.1:${arm.port}`)],
    timeouts: DEFAULT_LAYER_TIMEOUTS,
    loopbackOnly: true,
  });
  dispatcher = client.dispatcher();
});
afterAll(async () => {
  await closeWithin(dispatcher, 500);
  await arm.close();
});

const clientWith = (options: Partial<ConstructorParameters<typeof ArmClient>[0]> = {}) =>
  new ArmClient({ endpoint: 'https://management.azure.com/', dispatcher, tokens: tokensFor([TOKEN]), ...options });
const signal = () => AbortSignal.timeout(30_000);
const since = (n: number) => arm.requests.slice(n);

describe('ArmClient', () => {
  it('GETs with the api-version and a bearer token, and parses the resource', async () => {
    const before = arm.requests.length;
    const { body, call } = await clientWith().get<{ name: string }>(VM, '2026-03-01', { signal: signal() });
    expect(body.name).toBe('myVM');
    expect(call).toEqual({ method: 'GET', path: VM, apiVersion: '2026-03-01', pages: 1, throttledWaits: 0 });
    const [request] = since(before);
    expect(request).toMatchObject({ path: VM, route: 'vm.get', status: 200, authorization: true, query: { 'api-version': '2026-03-01' } });
    expect(request!.headers.host).toBe('management.azure.com');
  });

  it('follows nextLink across pages and joins the lists', async () => {
    const before = arm.requests.length;
    const result = await clientWith().list<{ name: string }>(VAULTS, '2025-08-01', 'value', { signal: signal() });
    expect(result.items.map((v) => v.name)).toHaveLength(3);
    expect(result.call.pages).toBe(2);
    expect(since(before).map((r) => r.query.$skiptoken ?? null)).toEqual([null, 'asr-ready-fake-page-2']);
    expect(since(before).every((r) => r.query['api-version'] === '2025-08-01')).toBe(true);
  });

  it('sends $filter as a query parameter', async () => {
    const before = arm.requests.length;
    const result = await clientWith().list(`${SUB}/providers/Microsoft.Compute/skus`, '2021-07-01', 'value', {
      signal: signal(),
      query: { $filter: "location eq 'westus'" },
    });
    expect(result.items).toHaveLength(2);
    expect(since(before)[0]!.query.$filter).toBe("location eq 'westus'");
  });

  it('turns 403 AuthorizationFailed into an authorization error with the action, scope and object id', async () => {
    arm.script(VM, { kind: 'forbidden' });
    const err = await clientWith()
      .get(VM, '2026-03-01', { signal: signal() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArmAuthorizationError);
    expect(err).toMatchObject({ kind: 'authorization', status: 403, code: 'AuthorizationFailed', action: 'Microsoft.Compute/virtualMachines/read', scope: VM });
    expect((err as ArmAuthorizationError).objectId).toBe('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
  });

  it('waits out a 429 for its Retry-After, then succeeds', async () => {
    arm.script(VAULTS, { kind: 'throttle', retryAfterSeconds: 1 });
    const started = Date.now();
    const result = await clientWith().list(VAULTS, '2025-08-01', 'value', { signal: signal(), deadlineAt: Date.now() + 20_000 });
    expect(result.items).toHaveLength(3);
    expect(result.call.throttledWaits).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('does not wait for a Retry-After that would pass the deadline', async () => {
    arm.script(VM, { kind: 'throttle', retryAfterSeconds: 30 });
    const started = Date.now();
    const err = await clientWith()
      .get(VM, '2026-03-01', { signal: signal(), deadlineAt: Date.now() + 5_000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArmThrottledError);
    expect(err).toMatchObject({ kind: 'throttled', status: 429, code: 'SubscriptionRequestsThrottled', retryAfterMs: 30_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('cuts a request that never answers at its own time bound, and at the caller’s signal', async () => {
    arm.script(VM, { kind: 'hang' }, { kind: 'hang' });
    let started = Date.now();
    const bounded = await clientWith({ requestTimeoutMs: 500 })
      .get(VM, '2026-03-01', { signal: signal() })
      .catch((e: unknown) => e);
    expect(bounded).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
    started = Date.now();
    const stopped = await clientWith()
      .get(VM, '2026-03-01', { signal: AbortSignal.timeout(500) })
      .catch((e: unknown) => e);
    expect(stopped).toMatchObject({ kind: 'timeout' });
    expect((stopped as Error).message).toMatch(/deadline/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses malformed JSON as malformed', async () => {
    arm.script(VM, { kind: 'malformed' });
    const err = await clientWith()
      .get(VM, '2026-03-01', { signal: signal() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArmError);
    expect(err).toMatchObject({ kind: 'malformed', status: 200 });
    expect((err as Error).message).toMatch(/not JSON/);
  });

  it('reads a page of more items than a spread can take, and caps the items and bytes over all pages', async () => {
    const many = Array.from({ length: 150_000 }, () => 0);
    arm.script(VAULTS, { kind: 'status', status: 200, body: { value: many } });
    const big = await clientWith().list(VAULTS, '2025-08-01', 'value', { signal: signal(), maxItems: 200_000 });
    expect(big.items).toHaveLength(150_000);

    arm.script(VAULTS, { kind: 'status', status: 200, body: { value: many } });
    const err = await clientWith()
      .list(VAULTS, '2025-08-01', 'value', { signal: signal() })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'malformed' });
    expect((err as Error).message).toMatch(/too large: more than 10000 items/);

    arm.script(VAULTS, { kind: 'status', status: 200, body: { value: many } });
    const bytes = await clientWith()
      .list(VAULTS, '2025-08-01', 'value', { signal: signal(), maxItems: 200_000, maxTotalBytes: 64 * 1024 })
      .catch((e: unknown) => e);
    expect(bytes).toMatchObject({ kind: 'malformed' });
    expect((bytes as Error).message).toMatch(/too large: more than 64 KiB over its pages/);
  });

  it('caps the pages of one call', async () => {
    const err = await clientWith()
      .list(VAULTS, '2025-08-01', 'value', { signal: signal(), maxPages: 1 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'malformed' });
    expect((err as Error).message).toMatch(/more than 1 pages/);
  });

  it('caps the answer size', async () => {
    arm.script(VM, { kind: 'json', body: { name: 'x'.repeat(200_000) } });
    const err = await clientWith({ maxBodyBytes: 64 * 1024 })
      .get(VM, '2026-03-01', { signal: signal() })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'malformed' });
    expect((err as Error).message).toMatch(/more than 64 KiB/);
  });

  it('reports other statuses with ARM’s code, and never the token, even when ARM echoes it', async () => {
    arm.script(VM, { kind: 'status', status: 400, body: { error: { code: 'BadRequest', message: `token was ${TOKEN}` } } });
    const err = (await clientWith()
      .get(VM, '2026-03-01', { signal: signal() })
      .catch((e: unknown) => e)) as ArmError;
    expect(err).toMatchObject({ kind: 'http', status: 400, code: 'BadRequest' });
    expect(err.message).not.toContain(TOKEN);
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(TOKEN);
  });

  it('refreshes the token once on 401', async () => {
    const tokens = tokensFor([jwt({ aud: 'https://graph.microsoft.com/' }), TOKEN]);
    const { body } = await clientWith({ tokens }).get<{ name: string }>(VM, '2026-03-01', { signal: signal() });
    expect(body.name).toBe('myVM');
    expect(tokens.calls).toEqual([{ forceRefresh: false }, { forceRefresh: true }]);
  });

  it('does not follow a nextLink to another origin', async () => {
    arm.script(VAULTS, { kind: 'status', status: 200, body: { value: [], nextLink: 'https://evil.example/subscriptions/x?api-version=1' } });
    const err = await clientWith()
      .list(VAULTS, '2025-08-01', 'value', { signal: signal() })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'malformed' });
    expect((err as Error).message).toMatch(/not followed/);
  });

  it('keeps at most maxConcurrent requests in flight', async () => {
    const path = `${SUB}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/concurrency`;
    arm.always(path, { kind: 'hang' });
    const before = arm.requests.length;
    const client = clientWith({ maxConcurrent: 2, requestTimeoutMs: 600 });
    const calls = Array.from({ length: 5 }, () => client.get(path, '2026-03-01', { signal: signal() }).catch((e: unknown) => e));
    await new Promise((r) => setTimeout(r, 300));
    expect(since(before)).toHaveLength(2);
    const results = await Promise.all(calls);
    expect(results.every((e) => e instanceof ArmError && e.kind === 'timeout')).toBe(true);
    expect(since(before)).toHaveLength(5);
  });

  it('POSTs an action and polls a 202 Location', async () => {
    const nic = `${SUB}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic1`;
    arm.script(`${nic}/effectiveNetworkSecurityGroups`, {
      kind: 'status',
      status: 202,
      headers: { location: `https://management.azure.com${VM}?api-version=2026-03-01`, 'retry-after': '0' },
    });
    const { body, call } = await clientWith().post<{ name: string }>(`${nic}/effectiveNetworkSecurityGroups`, '2025-07-01', undefined, { signal: signal() });
    expect(body.name).toBe('myVM');
    expect(call.method).toBe('POST');
  });
});

describe('retryAfter', () => {
  it('reads seconds, an HTTP date and the millisecond headers', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfter({ 'retry-after': '7' }, now)).toBe(7_000);
    expect(retryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfter({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, now)).toBe(0);
    expect(retryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(250);
    expect(retryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfter({}, now)).toBeUndefined();
  });
});
