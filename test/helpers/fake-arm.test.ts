// The fake ARM itself: it must hold a client to ARM's contract (api-version, bearer token for the
// management audience, paging by nextLink, 403/429/hang/malformed answers), or tests built on it
// would pass clients that fail against Azure. Loopback only; the token comes from the fake IMDS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startFakeArm, armFixtureBody, type FakeArm } from './fake-arm';
import { startFakeImds, type FakeImds } from './fake-imds';
import { fakeJwt } from './fake-sinks';

const SUB = '77777777-b0c6-47a2-b37c-d8e65a629c18';
const RG = `/subscriptions/${SUB}/resourceGroups/rg1/providers`;
const VM = `${RG}/Microsoft.Compute/virtualMachines/vm1`;
const NIC_NSG = `${RG}/Microsoft.Network/networkSecurityGroups/nic-nsg`;
const SUBNET_NSG = `${RG}/Microsoft.Network/networkSecurityGroups/subnet-nsg`;

let arm: FakeArm;
let imds: FakeImds;
let agent: Agent;
let token: string;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function call(
  pathAndQuery: string,
  options: { method?: 'GET' | 'POST'; token?: string | null; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const auth = options.token === null ? {} : { authorization: `Bearer ${options.token ?? token}` };
  const url = pathAndQuery.startsWith('https://') ? pathAndQuery : `${arm.url}${pathAndQuery}`;
  const res = await request(url, { method: options.method ?? 'GET', dispatcher: agent, headers: { ...auth, ...options.headers }, signal: options.signal });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

const json = (a: Answer) => JSON.parse(a.text) as Record<string, unknown>;

beforeAll(async () => {
  arm = await startFakeArm();
  imds = await startFakeImds();
  // Verify the server as a client of management.azure.com would: by that name, with the test root.
  agent = new Agent({ connect: { ca: arm.ca, servername: 'management.azure.com' } });
  const res = await request(
    `${imds.url}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent('https://management.azure.com/')}`,
    { headers: { metadata: 'true' } },
  );
  token = ((await res.body.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await agent?.close();
  await arm?.close();
  await imds?.close();
});

describe('fake ARM: the contract', () => {
  it('serves the VM sample with the managed identity token and records the request without the token', async () => {
    const a = await call(`${VM}?api-version=2026-03-01`);
    expect(a.status).toBe(200);
    expect(json(a)).toEqual(armFixtureBody('compute-2026-03-01.VirtualMachine_Get.json'));
    const rec = arm.requests.at(-1)!;
    expect(rec).toMatchObject({ method: 'GET', path: VM, query: { 'api-version': '2026-03-01' }, authorization: true, route: 'vm.get', status: 200 });
    expect(rec.headers.authorization).toBeUndefined();
    expect(JSON.stringify(rec)).not.toContain(token);
  });

  it('answers 400 MissingApiVersionParameter without an api-version, even before looking at the token', async () => {
    const a = await call(VM, { token: null });
    expect(a.status).toBe(400);
    expect(json(a)).toEqual({
      error: { code: 'MissingApiVersionParameter', message: 'The api-version query parameter (?api-version=) is required for all requests.' },
    });
  });

  it.each([
    ['vm.get', `${VM}?api-version=2025-04-01`, "API version '2025-04-01' for type 'virtualMachines'. The supported api-versions are '2026-03-01'"],
    ['skus.list', `/subscriptions/${SUB}/providers/Microsoft.Compute/skus?api-version=2025-04-01`, "The supported api-versions are '2021-07-01'"],
    [
      'usages.list',
      `/subscriptions/${SUB}/providers/Microsoft.Compute/locations/eastus2/usages?api-version=2025-07-01`,
      "for location 'eastus2' and API version '2025-07-01'",
    ],
  ])('answers 400 NoRegisteredProviderFound on a wrong api-version (%s)', async (_name, path, fragment) => {
    const a = await call(path);
    expect(a.status).toBe(400);
    const body = json(a) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NoRegisteredProviderFound');
    expect(body.error.message).toContain(fragment);
  });

  it('serves an older stable api-version when told to (a client pinned for sovereign clouds)', async () => {
    const pinned = await startFakeArm({ apiVersions: { 'vm.get': '2024-07-01' } });
    const pinnedAgent = new Agent({ connect: { ca: pinned.ca, servername: 'management.azure.com' } });
    try {
      const ok = await request(`${pinned.url}${VM}?api-version=2024-07-01`, { dispatcher: pinnedAgent, headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
      await ok.body.dump();
      const newest = await request(`${pinned.url}${VM}?api-version=2026-03-01`, { dispatcher: pinnedAgent, headers: { authorization: `Bearer ${token}` } });
      expect(newest.statusCode).toBe(400);
      await newest.body.dump();
    } finally {
      await pinnedAgent.close();
      await pinned.close();
    }
  });

  it.each([
    ['no Authorization header', null, 'AuthenticationFailed'],
    ['a token for the Log Analytics audience', fakeJwt('https://monitor.azure.com'), 'InvalidAuthenticationTokenAudience'],
    ['an expired token', fakeJwt('https://management.azure.com/', -60), 'ExpiredAuthenticationToken'],
    ['not a JWT', 'opaque-token', 'InvalidAuthenticationToken'],
  ])('answers 401 for %s', async (_name, badToken, code) => {
    const a = await call(`${VM}?api-version=2026-03-01`, { token: badToken });
    expect(a.status).toBe(401);
    expect((json(a) as { error: { code: string } }).error.code).toBe(code);
  });

  it('accepts both ARM audiences azure-cli and the MI doc use', async () => {
    for (const aud of ['https://management.core.windows.net/', 'https://management.azure.com']) {
      expect((await call(`${VM}?api-version=2026-03-01`, { token: fakeJwt(aud) })).status).toBe(200);
    }
  });

  it('serves the POST calls of the effective rules and refuses them as GET', async () => {
    const nic = `${RG}/Microsoft.Network/networkInterfaces/nic1`;
    const post = await call(`${nic}/effectiveNetworkSecurityGroups?api-version=2025-07-01`, { method: 'POST' });
    expect(post.status).toBe(200);
    expect(json(post)).toEqual(armFixtureBody('network-2025-07-01.NetworkInterfaceEffectiveNSGList.json'));
    expect((await call(`${nic}/effectiveRouteTable?api-version=2025-07-01`)).status).toBe(405);
  });

  it('answers 404 for a path it does not serve', async () => {
    const a = await call(`/subscriptions/${SUB}/providers/Microsoft.Sql/servers?api-version=2023-08-01`);
    expect(a.status).toBe(404);
  });
});

describe('fake ARM: paging', () => {
  it('splits the vault list into two pages joined by nextLink, and the pages hold the whole sample', async () => {
    const first = await call(`/subscriptions/${SUB}/providers/Microsoft.RecoveryServices/vaults?api-version=2025-08-01`);
    const page1 = json(first) as { value: Array<{ name: string }>; nextLink?: string };
    expect(page1.value.map((v) => v.name)).toEqual(['patchtest', 'swaggerExample']);
    expect(page1.nextLink).toMatch(new RegExp(`^${arm.url.replace(/\./g, '\\.')}/subscriptions/${SUB}/providers/Microsoft\\.RecoveryServices/vaults\\?`));
    expect(new URL(page1.nextLink!).searchParams.get('api-version')).toBe('2025-08-01');
    const page2 = json(await call(page1.nextLink!)) as { value: Array<{ name: string }>; nextLink?: string };
    expect(page2.value.map((v) => v.name)).toEqual(['today1']);
    expect(page2.nextLink).toBeUndefined();
  });

  it('pages the Service Tag Discovery API on "values" and never serves the sample\'s link to the real ARM', async () => {
    const first = json(await call(`/subscriptions/${SUB}/providers/Microsoft.Network/locations/westus2/serviceTags?api-version=2025-07-01`)) as {
      values: Array<{ name: string }>;
      nextLink: string;
      changeNumber: string;
    };
    expect(first.changeNumber).toBe('63');
    expect(first.nextLink.startsWith(arm.url)).toBe(true);
    const second = json(await call(first.nextLink)) as { values: Array<{ name: string }>; nextLink?: string };
    expect([...first.values, ...second.values].map((v) => v.name)).toEqual([
      'ApiManagement',
      'ApiManagement.AustraliaCentral',
      'AppService',
      'ServiceBus',
      'ServiceBus.EastUS2',
    ]);
    expect(second.nextLink).toBeUndefined();
  });

  it('builds nextLink on the Host the client used (management.azure.com through --connect-to)', async () => {
    const a = json(
      await call(`/subscriptions/${SUB}/providers/Microsoft.Compute/locations/westus2/usages?api-version=2026-03-01`, {
        headers: { host: 'management.azure.com' },
      }),
    ) as { nextLink: string };
    expect(a.nextLink.startsWith('https://management.azure.com/subscriptions/')).toBe(true);
  });
});

describe('fake ARM: scripted behaviours', () => {
  it('answers 403 AuthorizationFailed once for a scripted path, naming the action and the scope, then the sample', async () => {
    arm.script(NIC_NSG, { kind: 'forbidden' });
    const denied = await call(`${NIC_NSG}?api-version=2025-07-01`);
    expect(denied.status).toBe(403);
    const error = (json(denied) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('AuthorizationFailed');
    expect(error.message).toContain("to perform action 'Microsoft.Network/networkSecurityGroups/read' over scope '" + NIC_NSG + "'");
    expect(error.message).toContain('If access was recently granted, please refresh your credentials.');
    // Another path of the same route is not affected; the scripted path answers normally afterwards.
    expect((await call(`${SUBNET_NSG}?api-version=2025-07-01`)).status).toBe(200);
    expect((await call(`${NIC_NSG}?api-version=2025-07-01`)).status).toBe(200);
  });

  it('answers 429 with Retry-After, and a client that waits for it gets the list', async () => {
    arm.script('usages.list', { kind: 'throttle', retryAfterSeconds: 1 });
    const path = `/subscriptions/${SUB}/providers/Microsoft.Compute/locations/eastus/usages?api-version=2026-03-01`;
    const before = arm.requests.length;
    let a = await call(path);
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('1');
    expect((json(a) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'SubscriptionRequestsThrottled',
      message: expect.stringContaining("Please try again after '1' seconds"),
    });
    await new Promise((r) => setTimeout(r, Number(a.headers['retry-after']) * 1000));
    a = await call(path);
    expect(a.status).toBe(200);
    expect((json(a) as { value: Array<{ name: { value: string } }> }).value.map((u) => u.name.value)).toEqual(['cores', 'virtualMachines']);
    const [throttled, served] = arm.requests.slice(before);
    expect([throttled!.status, served!.status]).toEqual([429, 200]);
    expect(served!.at - throttled!.at).toBeGreaterThanOrEqual(1000);
  });

  it('answers ResourceRequestsThrottled when scripted so', async () => {
    arm.script('skus.list', { kind: 'throttle', retryAfterSeconds: 372, code: 'ResourceRequestsThrottled' });
    const a = await call(`/subscriptions/${SUB}/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=${encodeURIComponent("location eq 'westus'")}`);
    expect(a.status).toBe(429);
    expect((json(a) as { error: { message: string } }).error.message).toContain("action 'Microsoft.Compute/skus/read'");
    expect(arm.requests.at(-1)!.query.$filter).toBe("location eq 'westus'");
  });

  it("never answers a hanging path: the client's own time-out ends the call", async () => {
    arm.script('vm.get', { kind: 'hang' });
    const started = Date.now();
    await expect(call(`${VM}?api-version=2026-03-01`, { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({
      name: expect.stringMatching(/TimeoutError|AbortError/),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(arm.requests.at(-1)).toMatchObject({ route: 'vm.get', status: null });
    // The next request is served again.
    expect((await call(`${VM}?api-version=2026-03-01`)).status).toBe(200);
  });

  it('answers malformed JSON when scripted so', async () => {
    arm.script('eligibility.get', { kind: 'malformed' });
    const a = await call(`${VM}/providers/Microsoft.RecoveryServices/replicationEligibilityResults/default?api-version=2025-01-01`);
    expect(a.status).toBe(200);
    expect(() => JSON.parse(a.text)).toThrow(SyntaxError);
  });

  it("serves a test's own body for a path, paged like the samples", async () => {
    const own = `/subscriptions/${SUB}/providers/Microsoft.RecoveryServices/vaults`;
    arm.always(own, {
      kind: 'json',
      body: {
        value: [
          { name: 'v1', location: 'eastus2' },
          { name: 'v2', location: 'West US 2' },
        ],
      },
    });
    const page1 = json(await call(`${own}?api-version=2025-08-01`)) as { value: Array<{ name: string }>; nextLink: string };
    const page2 = json(await call(page1.nextLink)) as { value: Array<{ name: string }> };
    expect([...page1.value, ...page2.value].map((v) => v.name)).toEqual(['v1', 'v2']);
  });

  it('accepts exactly a given token when started with one', async () => {
    const fixed = await startFakeArm({ token: 'test-token' });
    const fixedAgent = new Agent({ connect: { ca: fixed.ca, servername: 'management.azure.com' } });
    try {
      const statusWith = async (t: string) => {
        const res = await request(`${fixed.url}${VM}?api-version=2026-03-01`, { dispatcher: fixedAgent, headers: { authorization: `Bearer ${t}` } });
        await res.body.dump();
        return res.statusCode;
      };
      expect(await statusWith('test-token')).toBe(200);
      expect(await statusWith(token)).toBe(401);
    } finally {
      await fixedAgent.close();
      await fixed.close();
    }
  });
});
