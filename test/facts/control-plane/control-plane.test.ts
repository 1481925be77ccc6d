// The control-plane fact (Facts.controlPlane) end to end on loopback: the fake IMDS locates the VM
// and mints the managed identity's token, the strict fake ARM answers from the real samples, and
// --connect-to sends management.azure.com (and login.microsoftonline.com) to them. Nothing leaves
// 127.0.0.1: the guest client is loopback-only.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Facts, type FactsOptions } from '../../../src/facts/facts';
import type { NetworkOptions } from '../../../src/facts/network';
import type { ControlPlaneOptions } from '../../../src/facts/control-plane/gather';
import type { ControlPlaneFacts } from '../../../src/facts/control-plane/types';
import { ARM_API_VERSIONS } from '../../../src/facts/control-plane/api-versions';
import { DEFAULT_LAYER_TIMEOUTS } from '../../../src/net/layers';
import { parseConnectTo } from '../../../src/net/connect-to';
import type { TokenProvider } from '../../../src/net/tokens';
import { AZURE_CHASSIS_ASSET_TAG } from '../../../src/catalog/azure-asset-tag';
import { ARM_ROUTES, startFakeArm, type FakeArm } from '../../helpers/fake-arm';
import { startFakeImds, type FakeImds } from '../../helpers/fake-imds';
import { FakeGuest } from '../../helpers/fake-guest';
import { fixture } from '../../helpers/paths';
import { makePki, serveOnLoopback, type Pki } from '../../helpers/servers';

const SUB = 'xxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxx';
const VM_PATH = `/subscriptions/${SUB}/resourceGroups/macikgo-test-may-23/providers/Microsoft.Compute/virtualMachines/examplevmname`;
const OID = '0a1b2c3d-0000-4000-8000-0123456789ab';

/** The recorded IMDS sample, with the size of a SKU the fake lists and a NIC whose MAC the fake's NIC has (in IMDS spelling). */
function imdsDocument(): string {
  const doc = JSON.parse(readFileSync(fixture('linux', 'imds', 'instance-msdocs-linux-sample.json'), 'utf8')) as {
    compute: { vmSize: string };
    network: { interface: Array<{ macAddress: string }> };
  };
  doc.compute.vmSize = 'Standard_A1';
  doc.network.interface = [
    { ...doc.network.interface[0]!, macAddress: '000D3A1BC721' },
    { ...doc.network.interface[0]!, macAddress: '0011AAFFBB22' },
  ];
  return JSON.stringify(doc);
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: object) => `${b64({ alg: 'none' })}.${b64({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}.c2ln`;

let pki: Pki;
let guest: FakeGuest;
let plainGuest: FakeGuest;
let arm: FakeArm;
let imds: FakeImds;
beforeAll(() => {
  pki = makePki('asr-ready control-plane test CA');
  guest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', `${AZURE_CHASSIS_ASSET_TAG}\n`);
  plainGuest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', 'Default string\n');
});
afterAll(() => {
  guest.remove();
  plainGuest.remove();
});
const started: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function fakes(imdsOptions: Parameters<typeof startFakeImds>[0] = {}, armOptions: Parameters<typeof startFakeArm>[0] = {}) {
  arm = await startFakeArm({ pki, ...armOptions });
  imds = await startFakeImds({ document: imdsDocument(), ...imdsOptions });
  started.push(arm, imds);
}

function factsFor(options: {
  controlPlane?: Partial<ControlPlaneOptions>;
  root?: string;
  imdsEndpoint?: string | null;
  deadlineMs?: number;
  cacheStorageAccounts?: string[];
  connectTo?: string[];
}): Facts {
  const deadlineMs = options.deadlineMs ?? 30_000;
  const network: NetworkOptions = {
    cloud: null,
    region: null,
    cacheStorageAccounts: options.cacheStorageAccounts ?? [],
    extraEndpoints: [],
    connectTo: [`management.azure.com:443:127.0.0.1:${arm.port}`, ...(options.connectTo ?? [])].map(parseConnectTo),
    timeouts: DEFAULT_LAYER_TIMEOUTS,
    loopbackOnly: true,
    userAgent: 'asr-ready-test',
  };
  const factsOptions: FactsOptions = {
    root: options.root ?? guest.root,
    platform: 'linux',
    trustStorePaths: [],
    env: {},
    deadline: AbortSignal.timeout(deadlineMs),
    deadlineAt: Date.now() + deadlineMs,
    proxy: { cliProxy: null, cliNoProxy: true },
    imdsEndpoint: options.imdsEndpoint === undefined ? imds.url : options.imdsEndpoint,
    network,
    controlPlane: { targetRegion: 'westus', armEndpoint: null, armCa: [arm.ca], auth: { kind: 'managed-identity', clientId: null }, ...options.controlPlane },
  };
  return new Facts(factsOptions);
}

const ok = <T>(read: { status: string; value?: T }): T => {
  expect(read.status).toBe('ok');
  return read.value as T;
};

describe('control-plane facts', () => {
  it('reads at most 64 NICs of a hostile VM answer, each once', async () => {
    await fakes();
    const nicId = (i: number) => `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic${i}`;
    const ids = Array.from({ length: 2_000 }, (_, i) => nicId(i % 1_000));
    ids.push(...ids.slice(0, 500).map((id) => id.toUpperCase()));
    arm.script('vm.get', {
      kind: 'json',
      body: { id: VM_PATH, name: 'myVM', location: 'westus', properties: { networkProfile: { networkInterfaces: ids.map((id) => ({ id })) } } },
    });
    const cp = await factsFor({}).controlPlane();
    expect(arm.requests.filter((r) => r.route === 'nic.get').length).toBeLessThanOrEqual(64);
    expect(cp.networkInterfaces.status).toBe('ok');
    const items = cp.networkInterfaces.status === 'ok' ? cp.networkInterfaces.items : [];
    expect(items.length).toBeLessThanOrEqual(65);
    expect(new Set(items.map((n) => n.id.toLowerCase())).size).toBe(items.length);
  });

  it('reads every call with its api-version, follows pages, and pairs NICs with IMDS by MAC', async () => {
    await fakes();
    arm.script('subnet.get', {
      kind: 'json',
      body: {
        id: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/rg1-vnet/subnets/default',
        name: 'default',
        properties: {
          addressPrefix: '172.20.2.0/24',
          networkSecurityGroup: { id: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/subnet-nsg' },
          routeTable: { id: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/routeTables/testrt' },
          serviceEndpoints: [{ service: 'Microsoft.Storage', locations: ['westus'] }],
        },
      },
    });
    const cp = await factsFor({ cacheStorageAccounts: ['sto8596'] }).controlPlane();

    // Tokens: the managed identity, for ARM's audience.
    const tokenRequests = imds.requests.filter((r) => r.path.startsWith('/metadata/identity/oauth2/token'));
    expect(tokenRequests).toHaveLength(1);
    expect(new URL(tokenRequests[0]!.path, 'http://imds').searchParams.get('resource')).toBe('https://management.azure.com/');
    expect(cp.identity).toMatchObject({
      kind: 'managed-identity',
      assignment: 'system-assigned',
      token: 'obtained',
      audience: 'https://management.azure.com/',
      principalId: null,
    });

    // Every ARM call: a known route, answered 200, at the reference's api-version.
    expect(arm.requests.length).toBeGreaterThan(10);
    for (const r of arm.requests) {
      expect(r.status, `${r.method} ${r.path}`).toBe(200);
      expect(r.query['api-version'], r.path).toBe(ARM_ROUTES.find((route) => route.name === r.route)!.apiVersion);
    }
    const routes = new Set(arm.requests.map((r) => r.route));
    for (const name of [
      'vm.get',
      'vaults.list',
      'usages.list',
      'skus.list',
      'serviceTags.list',
      'eligibility.get',
      'nic.get',
      'subnet.get',
      'nsg.get',
      'routeTable.get',
      'storage.get',
      'blobServices.get',
    ])
      expect(routes, name).toContain(name);
    expect(cp.requests).toBe(arm.requests.length);
    expect(cp).toMatchObject({ contacted: true, cloud: 'AzureCloud', endpoint: 'https://management.azure.com/', why: null });

    // IMDS and the regions.
    expect(ok(cp.imds)).toMatchObject({
      subscriptionId: SUB,
      resourceGroupName: 'macikgo-test-may-23',
      name: 'examplevmname',
      location: 'westus',
      vmSize: 'Standard_A1',
    });
    expect(cp.sourceRegion).toEqual({ name: 'westus', given: 'westus', from: 'imds' });
    expect(cp.targetRegion).toEqual({ name: 'westus', given: 'westus', from: 'option' });

    // The VM, and its chain of network resources.
    expect(ok(cp.vm)).toMatchObject({ name: 'myVM', vmSize: 'Standard_DS3_v2', securityType: 'Standard', zones: [] });
    expect(cp.vm.status === 'ok' && cp.vm.source).toEqual({
      method: 'GET',
      path: VM_PATH,
      apiVersion: ARM_API_VERSIONS.virtualMachines,
      pages: 1,
      throttledWaits: 0,
    });
    expect(cp.networkInterfaces.status).toBe('ok');
    const nic = cp.networkInterfaces.status === 'ok' ? ok(cp.networkInterfaces.items[0]!.read) : null;
    expect(nic).toMatchObject({
      mac: '000D3A1BC721',
      macAddress: '00-0D-3A-1B-C7-21',
      networkSecurityGroupId: expect.stringContaining('/networkSecurityGroups/nsg'),
    });
    expect(nic!.imdsInterface).toMatchObject({ macAddress: '000D3A1BC721', privateIpAddresses: ['10.144.133.132'] });
    expect(nic!.ipConfigurations.map((c) => c.subnetId)).toHaveLength(2);
    expect(cp.subnets.status === 'ok' && cp.subnets.items).toHaveLength(1); // two ipConfigurations, one subnet
    const subnet = cp.subnets.status === 'ok' ? ok(cp.subnets.items[0]!.read) : null;
    expect(subnet).toMatchObject({
      addressPrefixes: ['172.20.2.0/24'],
      routeTableId: expect.stringContaining('testrt'),
      serviceEndpoints: [{ service: 'Microsoft.Storage', locations: ['westus'] }],
    });
    expect(cp.networkSecurityGroups.status === 'ok' && cp.networkSecurityGroups.items.map((i) => i.id.split('/').pop())).toEqual(['nsg', 'subnet-nsg']);
    const nsg = cp.networkSecurityGroups.status === 'ok' ? ok(cp.networkSecurityGroups.items[0]!.read) : null;
    expect(nsg!.properties!.securityRules![0]).toMatchObject({ name: 'rule1', properties: { priority: 130, access: 'Allow', destinationPortRange: '80' } });
    expect(nsg!.properties!.defaultSecurityRules!.length).toBeGreaterThan(0);
    const routeTable = cp.routeTables.status === 'ok' ? ok(cp.routeTables.items[0]!.read) : null;
    expect(routeTable!.properties!.routes![0]).toMatchObject({
      name: 'route1',
      properties: { addressPrefix: '10.0.3.0/24', nextHopType: 'VirtualNetworkGateway' },
    });

    // Lists: all pages joined.
    expect(ok(cp.vaults)).toHaveLength(3);
    expect(cp.vaults.status === 'ok' && cp.vaults.source.pages).toBe(2);
    expect(ok(cp.vaults)[0]).toMatchObject({ name: 'patchtest', location: 'westus', provisioningState: 'Succeeded' });
    expect(ok(cp.targetUsages).find((u) => u.name === 'cores')).toEqual({
      name: 'cores',
      localizedName: 'Total Regional vCPUs',
      currentValue: 4,
      limit: 260,
      unit: 'Count',
    });
    const tags = ok(cp.serviceTags);
    expect(tags.changeNumber).toBe('63');
    expect(tags.values).toHaveLength(5);
    expect(cp.serviceTags.status === 'ok' && cp.serviceTags.source).toMatchObject({
      pages: 2,
      path: `/subscriptions/${SUB}/providers/Microsoft.Network/locations/westus/serviceTags`,
    });

    // The size's SKU in the target region.
    const sku = ok(cp.targetSku);
    expect(sku).toMatchObject({ vmSize: 'Standard_A1', listed: 2 });
    expect(sku.sku).toMatchObject({ name: 'Standard_A1', family: 'standardA0_A7Family', vCPUs: 1, hyperVGenerations: ['V1'], restrictions: [] });
    const skuRequest = arm.requests.find((r) => r.route === 'skus.list')!;
    expect(skuRequest.query.$filter).toBe("location eq 'westus'");

    // Cache storage and its blob service.
    expect(cp.cacheStorageAccounts.status).toBe('ok');
    const cache = cp.cacheStorageAccounts.status === 'ok' ? cp.cacheStorageAccounts.items[0]! : null;
    expect(ok(cache!.read)).toMatchObject({
      name: 'sto8596',
      kind: 'Storage',
      isHnsEnabled: true,
      networkAcls: { bypass: 'AzureServices', defaultAction: 'Allow' },
    });
    expect(ok(cache!.blobService)).toMatchObject({ deleteRetentionPolicy: { enabled: true, days: 300 }, isVersioningEnabled: true });

    expect(ok(cp.eligibility).errors[0]).toMatchObject({ code: 'A2AOperatingSystemNotSupported', status: 'Error' });
  });

  it('turns 403 into forbidden with the action, the scope and the exact grant command; sets that depend on it carry it', async () => {
    await fakes();
    arm.script('vm.get', { kind: 'forbidden' });
    const tokens: TokenProvider = { kind: 'managed identity', getToken: async () => jwt({ aud: 'https://management.azure.com/', oid: OID }) };
    const cp = await factsFor({ controlPlane: { tokens } }).controlPlane();
    expect(cp.identity.principalId).toBe(OID);
    expect(cp.vm).toEqual({
      status: 'forbidden',
      action: 'Microsoft.Compute/virtualMachines/read',
      scope: VM_PATH,
      code: 'AuthorizationFailed',
      grant: {
        role: 'Reader',
        scope: `/subscriptions/${SUB}`,
        command: `az role assignment create --assignee-object-id ${OID} --assignee-principal-type ServicePrincipal --role Reader --scope /subscriptions/${SUB}`,
      },
      source: { method: 'GET', path: VM_PATH, apiVersion: ARM_API_VERSIONS.virtualMachines, pages: 0, throttledWaits: 0 },
    });
    for (const set of [cp.networkInterfaces, cp.subnets, cp.networkSecurityGroups, cp.routeTables]) expect(set).toEqual(cp.vm);
    expect(cp.vaults.status).toBe('ok');
  });

  it('names the object id ARM gave when the token has no oid', async () => {
    await fakes();
    arm.script('vaults.list', { kind: 'forbidden' });
    const cp = await factsFor({}).controlPlane();
    expect(cp.vaults).toMatchObject({
      status: 'forbidden',
      action: 'Microsoft.RecoveryServices/vaults/read',
      grant: { command: expect.stringContaining('--assignee-object-id 00000000-0000-0000-0000-000000000001 ') },
    });
  });

  it('waits out a 429 with Retry-After, then reads', async () => {
    await fakes();
    arm.script('vaults.list', { kind: 'throttle', retryAfterSeconds: 1 });
    const cp = await factsFor({}).controlPlane();
    expect(ok(cp.vaults)).toHaveLength(3);
    expect(cp.vaults.status === 'ok' && cp.vaults.source.throttledWaits).toBe(1);
    const throttled = arm.requests.filter((r) => r.route === 'vaults.list');
    expect(throttled.map((r) => r.status)).toEqual([429, 200, 200]);
    expect(throttled[1]!.at - throttled[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('reports throttling whose Retry-After passes the deadline as throttled, without waiting', async () => {
    await fakes();
    arm.script('eligibility.get', { kind: 'throttle', retryAfterSeconds: 600 });
    const cp = await factsFor({}).controlPlane();
    expect(cp.eligibility).toMatchObject({ status: 'unavailable', reason: 'throttled', httpStatus: 429, code: 'SubscriptionRequestsThrottled' });
  });

  it('cuts a hung ARM endpoint before the run deadline, keeping what was read', async () => {
    await fakes();
    arm.always('vm.get', { kind: 'hang' });
    const begun = Date.now();
    const cp = await factsFor({ deadlineMs: 6_000 }).controlPlane();
    expect(Date.now() - begun).toBeLessThan(6_000);
    expect(cp.vm).toMatchObject({ status: 'unavailable', reason: 'timeout' });
    expect(cp.networkInterfaces).toMatchObject({ status: 'unavailable', reason: 'timeout' });
    expect(cp.vaults.status).toBe('ok');
  });

  it('reports malformed JSON as unavailable, saying so', async () => {
    await fakes();
    arm.script('eligibility.get', { kind: 'malformed' });
    const cp = await factsFor({}).controlPlane();
    expect(cp.eligibility).toMatchObject({ status: 'unavailable', reason: 'malformed', httpStatus: 200 });
    expect(cp.eligibility.status === 'unavailable' && cp.eligibility.why).toMatch(
      /replicationEligibilityResults\/default \(HTTP 200\) with a body that is not JSON/,
    );
    expect(cp.vm.status).toBe('ok');
  });

  it('contacts nothing when this is not Azure and no --arm-endpoint is given', async () => {
    await fakes();
    const cp = await factsFor({ root: plainGuest.root, imdsEndpoint: null }).controlPlane();
    expect(arm.requests).toHaveLength(0);
    expect(imds.requests).toHaveLength(0);
    expect(cp).toMatchObject({
      contacted: false,
      requests: 0,
      vm: { status: 'unavailable', reason: 'not-azure' },
      vaults: { status: 'unavailable', reason: 'not-azure' },
    });
    expect(cp.identity.token).toBe('not-asked');
  });

  it('with --arm-endpoint but no IMDS, cannot locate the VM and contacts nothing', async () => {
    await fakes();
    const cp = await factsFor({
      root: plainGuest.root,
      imdsEndpoint: null,
      controlPlane: { armEndpoint: `https://management.azure.com:${arm.port}/` },
    }).controlPlane();
    expect(arm.requests).toHaveLength(0);
    expect(cp.vm).toMatchObject({ status: 'unavailable', reason: 'no-imds' });
  });

  it('reads through --arm-endpoint instead of the cloud’s endpoint', async () => {
    await fakes();
    const cp = await factsFor({
      controlPlane: { armEndpoint: 'https://localhost:8443/', targetRegion: null },
      connectTo: [`localhost:8443:127.0.0.1:${arm.port}`],
    }).controlPlane();
    expect(cp.endpoint).toBe('https://localhost:8443/');
    expect(ok(cp.vm).name).toBe('myVM');
    expect(arm.requests.every((r) => r.headers.host === 'localhost:8443')).toBe(true);
    expect(cp.targetUsages).toEqual({ status: 'not-asked', why: 'no --target-region was given' });
    expect(cp.targetSku.status).toBe('not-asked');
    expect(cp.cacheStorageAccounts.status).toBe('not-asked');
  });

  it('without a managed identity, says so and asks ARM nothing', async () => {
    await fakes({ identityClientId: 'some-other-identity' });
    const cp = await factsFor({ controlPlane: { auth: { kind: 'managed-identity', clientId: '11111111-1111-1111-1111-111111111111' } } }).controlPlane();
    expect(arm.requests).toHaveLength(0);
    expect(cp.identity).toMatchObject({
      kind: 'managed-identity',
      assignment: 'user-assigned',
      clientId: '11111111-1111-1111-1111-111111111111',
      token: 'failed',
    });
    expect(cp.vm).toMatchObject({ status: 'unavailable', reason: 'no-identity' });
    const tokenRequest = imds.requests.find((r) => r.path.startsWith('/metadata/identity/oauth2/token'))!;
    expect(new URL(tokenRequest.path, 'http://imds').searchParams.get('client_id')).toBe('11111111-1111-1111-1111-111111111111');
  });

  it('a service principal asks Entra ID for ARM’s scope; neither its secret nor any token reaches the facts', async () => {
    await fakes();
    const secret = 'sp-secret-value-7c1f0e9d';
    const token = jwt({ aud: 'https://management.azure.com/', oid: OID });
    const entraLeaf = pki.leafFor(['login.microsoftonline.com']);
    const forms: URLSearchParams[] = [];
    const entra = https.createServer({ key: entraLeaf.keyPem, cert: [entraLeaf.certPem, pki.intermediate.certPem].join('') }, (req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        forms.push(new URLSearchParams(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: token }));
      });
    });
    const served = await serveOnLoopback(entra);
    started.push(served);
    const cp = await factsFor({
      controlPlane: { auth: { kind: 'service-principal', tenantId: 'contoso.onmicrosoft.com', clientId: '22222222-2222-2222-2222-222222222222', secret } },
      connectTo: [`login.microsoftonline.com:443:127.0.0.1:${served.port}`],
    }).controlPlane();
    expect(forms).toHaveLength(1);
    expect(Object.fromEntries(forms[0]!)).toEqual({
      grant_type: 'client_credentials',
      client_id: '22222222-2222-2222-2222-222222222222',
      client_secret: secret,
      scope: 'https://management.azure.com//.default',
    });
    expect(cp.identity).toMatchObject({ kind: 'service-principal', tenantId: 'contoso.onmicrosoft.com', principalId: OID, token: 'obtained' });
    expect(ok(cp.vm).name).toBe('myVM');
    const json = JSON.stringify(cp);
    expect(json).not.toContain(secret);
    expect(json).not.toContain(token);
    expect(json).not.toContain(token.split('.')[1]!);
  });

  it('picks the ARM endpoint and audience of the cloud IMDS names (US Government)', async () => {
    const doc = JSON.parse(imdsDocument()) as { compute: { azEnvironment: string } };
    doc.compute.azEnvironment = 'AzureUSGovernmentCloud';
    await fakes({ document: JSON.stringify(doc) }, { cloud: 'AzureUSGovernment' });
    const cp = await factsFor({ connectTo: [`management.usgovcloudapi.net:443:127.0.0.1:${arm.port}`] }).controlPlane();
    expect(cp).toMatchObject({ cloud: 'AzureUSGovernment', endpoint: 'https://management.usgovcloudapi.net/' });
    const tokenRequest = imds.requests.find((r) => r.path.startsWith('/metadata/identity/oauth2/token'))!;
    expect(new URL(tokenRequest.path, 'http://imds').searchParams.get('resource')).toBe('https://management.core.usgovcloudapi.net/');
    expect(ok(cp.vm).name).toBe('myVM');
    expect(arm.requests.every((r) => r.headers.host === 'management.usgovcloudapi.net')).toBe(true);
  });

  it('keeps the managed identity’s token out of the facts', async () => {
    await fakes();
    const facts: ControlPlaneFacts = await factsFor({}).controlPlane();
    const json = JSON.stringify(facts);
    expect(json).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // no JWT anywhere
    expect(json).not.toMatch(/access_token|Bearer /i);
  });
});
