// A strict fake of Azure Resource Manager on 127.0.0.1 (HTTPS, test CA), serving the calls of the
// control-plane reference §2 from the real sample responses under test/fixtures/arm/ (SOURCES.md
// there). It enforces what ARM enforces: an api-version on every request (400
// MissingApiVersionParameter), a bearer token for the management audience (401), and the exact
// api-version each path is served at (400 NoRegisteredProviderFound). Lists come in two pages joined
// by nextLink. Per path (or per route) it can be scripted to answer 403 AuthorizationFailed, 429
// with Retry-After, never answer, or answer malformed JSON. Every request is recorded, without its
// Authorization header.
//
// Order of the checks: api-version present (ARM answers MissingApiVersionParameter even without a
// token: MicrosoftDocs/feedback#2279), then the token, then the route and its api-version. The order
// of the last two in real ARM is not documented.
import https from 'node:https';
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fixture } from './paths';
import { makePki, serveOnLoopback, type Pki } from './servers';

export type ArmRouteName =
  | 'vaults.list'
  | 'vault.get'
  | 'vm.get'
  | 'usages.list'
  | 'skus.list'
  | 'storage.get'
  | 'blobServices.get'
  | 'nic.get'
  | 'subnet.get'
  | 'nsg.get'
  | 'routeTable.get'
  | 'serviceTags.list'
  | 'nic.effectiveNsg'
  | 'nic.effectiveRoutes'
  | 'eligibility.get';

interface RouteSpec {
  name: ArmRouteName;
  method: 'GET' | 'POST';
  path: RegExp;
  /** The api-version the reference (§2) names for this call. */
  apiVersion: string;
  /** File under test/fixtures/arm: a spec example ({responses: {200: {body}}}) or a bare body. */
  fixture: string;
  /** As ARM names it in NoRegisteredProviderFound ("virtualMachines"). */
  resourceType: string;
  /** The Reader action a 403 names. */
  action: string;
  /** The array a list pages over. */
  pageKey?: 'value' | 'values';
}

const SEG = '[^/]+';
const RG = `/subscriptions/${SEG}/resourceGroups/${SEG}/providers`;
const re = (path: string) => new RegExp(`^${path}$`, 'i');

/** The calls of reference §2, with the api-versions it gives (newest stable). */
export const ARM_ROUTES: readonly RouteSpec[] = [
  {
    name: 'vaults.list',
    method: 'GET',
    path: re(`/subscriptions/${SEG}/providers/Microsoft\\.RecoveryServices/vaults`),
    apiVersion: '2025-08-01',
    fixture: 'recoveryservices-2025-08-01.ListBySubscriptionIds.json',
    resourceType: 'vaults',
    action: 'Microsoft.RecoveryServices/vaults/read',
    pageKey: 'value',
  },
  {
    name: 'vault.get',
    method: 'GET',
    path: re(`${RG}/Microsoft\\.RecoveryServices/vaults/${SEG}`),
    apiVersion: '2025-08-01',
    fixture: 'recoveryservices-2025-08-01.GETVault.json',
    resourceType: 'vaults',
    action: 'Microsoft.RecoveryServices/vaults/read',
  },
  {
    name: 'vm.get',
    method: 'GET',
    path: re(`${RG}/Microsoft\\.Compute/virtualMachines/${SEG}`),
    apiVersion: '2026-03-01',
    fixture: 'compute-2026-03-01.VirtualMachine_Get.json',
    resourceType: 'virtualMachines',
    action: 'Microsoft.Compute/virtualMachines/read',
  },
  {
    name: 'usages.list',
    method: 'GET',
    path: re(`/subscriptions/${SEG}/providers/Microsoft\\.Compute/locations/${SEG}/usages`),
    apiVersion: '2026-03-01',
    fixture: 'compute-usages.composed-from-cli-sample.json',
    resourceType: 'locations/usages',
    action: 'Microsoft.Compute/locations/usages/read',
    pageKey: 'value',
  },
  {
    name: 'skus.list',
    method: 'GET',
    path: re(`/subscriptions/${SEG}/providers/Microsoft\\.Compute/skus`),
    apiVersion: '2021-07-01',
    fixture: 'compute-2021-07-01.ListAvailableResourceSkusForARegion.json',
    resourceType: 'skus',
    action: 'Microsoft.Compute/skus/read',
    pageKey: 'value',
  },
  {
    name: 'storage.get',
    method: 'GET',
    path: re(`${RG}/Microsoft\\.Storage/storageAccounts/${SEG}`),
    apiVersion: '2025-08-01',
    fixture: 'storage-2025-08-01.StorageAccountGetProperties.json',
    resourceType: 'storageAccounts',
    action: 'Microsoft.Storage/storageAccounts/read',
  },
  {
    name: 'blobServices.get',
    method: 'GET',
    path: re(`${RG}/Microsoft\\.Storage/storageAccounts/${SEG}/blobServices/default`),
    apiVersion: '2025-08-01',
    fixture: 'storage-2025-08-01.BlobServicesGet.json',
    resourceType: 'storageAccounts/blobServices',
    action: 'Microsoft.Storage/storageAccounts/blobServices/read',
  },
  {
    name: 'nic.get',
    method: 'GET',
    path: re(`${RG}/Microsoft\\.Network/networkInterfaces/${SEG}`),
    apiVersion: '2025-07-01',
    fixture: 'network-2025-07-01.NetworkInterfaceGet.json',
    resourceType: 'networkInterfaces',
    action: 'Microsoft.Network/networkInterfaces/read',
  },
  {
    name: 'subnet.get',
    method: 'GET',
    path: re(`${RG}/Microsoft\\.Network/virtualNetworks/${SEG}/subnets/${SEG}`),
    apiVersion: '2025-07-01',
    fixture: 'network-2024-05-01.SubnetGet.json',
    resourceType: 'virtualNetworks/subnets',
    action: 'Microsoft.Network/virtualNetworks/subnets/read',
  },
  {
    name: 'nsg.get',
    method: 'GET',
    path: re(`${RG}/Microsoft\\.Network/networkSecurityGroups/${SEG}`),
    apiVersion: '2025-07-01',
    fixture: 'network-2025-07-01.NetworkSecurityGroupGet.json',
    resourceType: 'networkSecurityGroups',
    action: 'Microsoft.Network/networkSecurityGroups/read',
  },
  {
    name: 'routeTable.get',
    method: 'GET',
    path: re(`${RG}/Microsoft\\.Network/routeTables/${SEG}`),
    apiVersion: '2025-07-01',
    fixture: 'network-2024-05-01.RouteTableGet.json',
    resourceType: 'routeTables',
    action: 'Microsoft.Network/routeTables/read',
  },
  {
    name: 'serviceTags.list',
    method: 'GET',
    path: re(`/subscriptions/${SEG}/providers/Microsoft\\.Network/locations/${SEG}/serviceTags`),
    apiVersion: '2025-07-01',
    fixture: 'network-2025-07-01.ServiceTagsList.json',
    resourceType: 'locations/serviceTags',
    action: 'Microsoft.Network/locations/serviceTags/read',
    pageKey: 'values',
  },
  {
    name: 'nic.effectiveNsg',
    method: 'POST',
    path: re(`${RG}/Microsoft\\.Network/networkInterfaces/${SEG}/effectiveNetworkSecurityGroups`),
    apiVersion: '2025-07-01',
    fixture: 'network-2025-07-01.NetworkInterfaceEffectiveNSGList.json',
    resourceType: 'networkInterfaces',
    action: 'Microsoft.Network/networkInterfaces/effectiveNetworkSecurityGroups/action',
  },
  {
    name: 'nic.effectiveRoutes',
    method: 'POST',
    path: re(`${RG}/Microsoft\\.Network/networkInterfaces/${SEG}/effectiveRouteTable`),
    apiVersion: '2025-07-01',
    fixture: 'network-2025-07-01.NetworkInterfaceEffectiveRouteTableList.json',
    resourceType: 'networkInterfaces',
    action: 'Microsoft.Network/networkInterfaces/effectiveRouteTable/action',
  },
  {
    name: 'eligibility.get',
    method: 'GET',
    path: re(`${RG}/Microsoft\\.Compute/virtualMachines/${SEG}/providers/Microsoft\\.RecoveryServices/replicationEligibilityResults/default`),
    apiVersion: '2025-01-01',
    fixture: 'siterecovery-2025-01-01.ReplicationEligibilityResults_Get.json',
    resourceType: 'replicationEligibilityResults',
    action: 'Microsoft.RecoveryServices/replicationEligibilityResults/read',
  },
];

/**
 * The audiences ARM accepts, per cloud. Public: as ARM lists them in InvalidAuthenticationTokenAudience
 * (JetBrains/azure-tools-for-intellij#16; Azure-Samples/active-directory-dotnetcore-daemon-v2#145).
 * Government and China: the same pattern on their hosts (unconfirmed).
 */
export const ARM_AUDIENCES = {
  AzureCloud: ['https://management.core.windows.net/', 'https://management.core.windows.net', 'https://management.azure.com/', 'https://management.azure.com'],
  AzureUSGovernment: [
    'https://management.core.usgovcloudapi.net/',
    'https://management.core.usgovcloudapi.net',
    'https://management.usgovcloudapi.net/',
    'https://management.usgovcloudapi.net',
  ],
  AzureChinaCloud: [
    'https://management.core.chinacloudapi.cn/',
    'https://management.core.chinacloudapi.cn',
    'https://management.chinacloudapi.cn/',
    'https://management.chinacloudapi.cn',
  ],
} as const;

export type ArmBehaviour =
  /** 403 AuthorizationFailed with ARM's body (reference §2.10 [AUTHZ]), naming the route's action and the path as scope. */
  | { kind: 'forbidden' }
  /** 429 with Retry-After (seconds) and ARM's throttling body (VELERO; AZQR for the resource-level code). */
  | { kind: 'throttle'; retryAfterSeconds: number; code?: 'SubscriptionRequestsThrottled' | 'ResourceRequestsThrottled' }
  /** Never answers: the client's own time-out must end the call. */
  | { kind: 'hang' }
  /** 200 with a truncated JSON body. */
  | { kind: 'malformed' }
  /** 200 with this body instead of the sample (paged like the sample when it has the list). */
  | { kind: 'json'; body: unknown }
  /** Any status, body and headers. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> };

export interface ArmRequestRecord {
  method: string;
  /** The path as sent (before the query). */
  path: string;
  /** The query parameters, decoded (a repeated name keeps the last value; rawQuery has them all). */
  query: Record<string, string>;
  rawQuery: string;
  /** The request headers, without Authorization. */
  headers: http.IncomingHttpHeaders;
  /** Was an Authorization header sent (its value is never recorded)? */
  authorization: boolean;
  route: ArmRouteName | null;
  /** What the fake answered (null for a hang). */
  status: number | null;
  /** When it arrived (Date.now()). */
  at: number;
}

export interface FakeArmOptions {
  /** Reuse a PKI (the client must trust pki.root); default: a new one. */
  pki?: Pki;
  /** Accept exactly this bearer token; default: any JWT whose aud is an ARM audience of `cloud` and exp is in the future. */
  token?: string;
  cloud?: keyof typeof ARM_AUDIENCES;
  /** Override the api-version a route is served at (a client pinned to an older stable version). */
  apiVersions?: Partial<Record<ArmRouteName, string>>;
  /** Split lists into two pages joined by nextLink (default true). */
  paging?: boolean;
}

export interface FakeArm {
  /** https://127.0.0.1:<port> */
  url: string;
  port: number;
  /** The PEM root the client must trust. */
  ca: string;
  /** The names the server certificate holds (connect to 127.0.0.1 with one of them as servername). */
  hostnames: readonly string[];
  requests: ArmRequestRecord[];
  /** Answers the next requests matching `match` (a route name, or an exact path, case-insensitive) with these behaviours, once each, in order. */
  script(match: ArmRouteName | string, ...behaviours: ArmBehaviour[]): void;
  /** Answers every request matching `match` with this behaviour (after scripted ones are used up). */
  always(match: ArmRouteName | string, behaviour: ArmBehaviour): void;
  close(): Promise<void>;
}

export const FAKE_ARM_HOSTNAMES = ['management.azure.com', 'management.usgovcloudapi.net', 'management.chinacloudapi.cn', 'localhost'] as const;

const PAGE_TOKEN = 'asr-ready-fake-page-2';

/** The 200 body of a fixture: the example's responses["200"].body, or the file itself for a bare body. */
export function armFixtureBody(file: string): unknown {
  const json = JSON.parse(readFileSync(fixture('arm', file), 'utf8')) as { responses?: { '200'?: { body?: unknown } } };
  return json.responses ? json.responses['200']?.body : json;
}

const errorBody = (code: string, message: string) => JSON.stringify({ error: { code, message } });

function readBody(req: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req.on('data', () => {});
    req.on('end', () => resolve());
    req.on('error', () => resolve());
  });
}

function decodeJwtPayload(token: string): { aud?: unknown; exp?: unknown; oid?: unknown; appid?: unknown } | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** ARM's date format in ExpiredAuthenticationToken ("1/18/2023 5:10:42 PM", Azure/azure-sdk-for-java#33112). */
function armTime(d: Date): string {
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

export async function startFakeArm(options: FakeArmOptions = {}): Promise<FakeArm> {
  const pki = options.pki ?? makePki('asr-ready Fake ARM Root CA');
  const leaf = pki.leafFor([...FAKE_ARM_HOSTNAMES]);
  const audiences: readonly string[] = ARM_AUDIENCES[options.cloud ?? 'AzureCloud'];
  const paging = options.paging ?? true;
  const requests: ArmRequestRecord[] = [];
  const scripted = new Map<string, ArmBehaviour[]>();
  const standing = new Map<string, ArmBehaviour>();
  const keyOf = (match: string) => match.toLowerCase();
  const versionOf = (route: RouteSpec) => options.apiVersions?.[route.name] ?? route.apiVersion;

  const server = https.createServer({ key: leaf.keyPem, cert: [leaf.certPem, pki.intermediate.certPem].join('') }, async (req, res) => {
    await readBody(req);
    const url = new URL(req.url ?? '/', 'https://fake-arm');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const { authorization, ...headers } = req.headers;
    const record: ArmRequestRecord = {
      method: req.method ?? '',
      path: url.pathname,
      query,
      rawQuery: url.search,
      headers,
      authorization: authorization !== undefined,
      route: null,
      status: null,
      at: Date.now(),
    };
    requests.push(record);
    const send = (status: number, body: string, extra: Record<string, string> = {}) => {
      record.status = status;
      res
        .writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-ms-request-id': randomUUID(),
          'x-ms-correlation-request-id': randomUUID(),
          ...extra,
        })
        .end(body);
    };

    // 1. api-version present.
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) return send(400, errorBody('MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'));

    // 2. The bearer token.
    if (authorization === undefined)
      return send(401, errorBody('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."), {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    const bearer = /^Bearer ([^\s]+)$/.exec(authorization);
    if (!bearer)
      return send(401, errorBody('AuthenticationFailedInvalidHeader', "Authentication failed. The 'Authorization' header is provided in an invalid format."));
    const token = bearer[1]!;
    const claims = decodeJwtPayload(token);
    if (options.token !== undefined) {
      if (token !== options.token) return send(401, errorBody('InvalidAuthenticationToken', 'The access token is invalid.'));
    } else {
      if (!claims) return send(401, errorBody('InvalidAuthenticationToken', 'The access token is invalid.'));
      if (typeof claims.aud !== 'string' || !audiences.includes(claims.aud)) {
        return send(
          401,
          errorBody(
            'InvalidAuthenticationTokenAudience',
            `The access token has been obtained for wrong audience or resource '${String(claims.aud)}'. It should exactly match with one of the allowed audiences ${audiences.map((a) => `'${a}'`).join(',')}.`,
          ),
        );
      }
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) {
        const exp = new Date(typeof claims.exp === 'number' ? claims.exp * 1000 : 0);
        return send(
          401,
          errorBody(
            'ExpiredAuthenticationToken',
            `The access token expiry UTC time '${armTime(exp)}' is earlier than current UTC time '${armTime(new Date())}'.`,
          ),
        );
      }
    }

    // 3. The route and its api-version.
    const route = ARM_ROUTES.find((r) => r.path.test(url.pathname));
    if (!route) return send(404, errorBody('ResourceNotFound', `The fake ARM serves no resource at '${url.pathname}'.`));
    record.route = route.name;
    if (req.method !== route.method) return send(405, errorBody('HttpMethodNotAllowed', `The fake ARM serves ${route.name} with ${route.method} only.`));
    if (apiVersion !== versionOf(route)) {
      const location = /\/locations\/([^/]+)\//i.exec(url.pathname)?.[1] ?? 'westus';
      return send(
        400,
        errorBody(
          'NoRegisteredProviderFound',
          `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${route.resourceType}'. The supported api-versions are '${versionOf(route)}'. The supported locations are 'eastus, eastus2, westus, westus2, centralus'.`,
        ),
      );
    }

    // 4. Scripted behaviour for this path or route, then the sample.
    const keys = [keyOf(url.pathname), keyOf(route.name)];
    let behaviour: ArmBehaviour | undefined;
    for (const key of keys) {
      const queue = scripted.get(key);
      if (queue && queue.length > 0) {
        behaviour = queue.shift();
        break;
      }
    }
    behaviour ??= keys.map((k) => standing.get(k)).find(Boolean);
    if (behaviour?.kind === 'hang') return; // never answers; close() ends the socket
    if (behaviour?.kind === 'forbidden') {
      const oid = typeof claims?.oid === 'string' ? claims.oid : '00000000-0000-0000-0000-000000000001';
      const client = typeof claims?.appid === 'string' ? claims.appid : '00000000-0000-0000-0000-000000000002';
      return send(
        403,
        errorBody(
          'AuthorizationFailed',
          `The client '${client}' with object id '${oid}' does not have authorization to perform action '${route.action}' over scope '${url.pathname}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        ),
        { 'x-ms-failure-cause': 'gateway' },
      );
    }
    if (behaviour?.kind === 'throttle') {
      const code = behaviour.code ?? 'SubscriptionRequestsThrottled';
      const message =
        code === 'SubscriptionRequestsThrottled'
          ? `Number of 'read' requests for subscription '${url.pathname.split('/')[2] ?? ''}' actor '00000000-0000-0000-0000-000000000001' exceeded. Please try again after '${behaviour.retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`
          : `Number of requests for action '${route.action}' exceeded the limit of '50' for time interval '00:05:00'. Please try again after '${behaviour.retryAfterSeconds}' seconds.`;
      return send(429, errorBody(code, message), { 'retry-after': String(behaviour.retryAfterSeconds), 'x-ms-ratelimit-remaining-subscription-reads': '0' });
    }
    if (behaviour?.kind === 'malformed') return send(200, '{"value":[{"name":"truncated","properties":{"provisioningState":"Succ');
    if (behaviour?.kind === 'status') {
      record.status = behaviour.status;
      const body = behaviour.body === undefined ? '' : typeof behaviour.body === 'string' ? behaviour.body : JSON.stringify(behaviour.body);
      return void res.writeHead(behaviour.status, { 'content-type': 'application/json; charset=utf-8', ...(behaviour.headers ?? {}) }).end(body);
    }
    const body = behaviour?.kind === 'json' ? behaviour.body : armFixtureBody(route.fixture);
    send(200, JSON.stringify(paged(body, route, url, req.headers.host ?? `127.0.0.1`, versionOf(route), paging)), {
      'x-ms-ratelimit-remaining-subscription-reads': '249',
    });
  });

  const { port, close } = await serveOnLoopback(server);
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    ca: pki.root.certPem,
    hostnames: FAKE_ARM_HOSTNAMES,
    requests,
    script: (match, ...behaviours) => {
      const key = keyOf(match);
      scripted.set(key, [...(scripted.get(key) ?? []), ...behaviours]);
    },
    always: (match, behaviour) => void standing.set(keyOf(match), behaviour),
    close,
  };
}

/**
 * The first or second page of a list body: the first half of its array and a nextLink back to this
 * server (on the Host the client used, so a client addressing management.azure.com through
 * --connect-to keeps that name), or the rest without one. A sample's own nextLink (to the real ARM)
 * is never served.
 */
function paged(body: unknown, route: RouteSpec, url: URL, host: string, apiVersion: string, paging: boolean): unknown {
  const key = route.pageKey;
  if (!key || !body || typeof body !== 'object') return body;
  const record = body as Record<string, unknown>;
  const items = record[key];
  if (!Array.isArray(items)) return body;
  const { nextLink: _ignored, ...rest } = record;
  if (!paging) return { ...rest, [key]: items };
  const cut = Math.ceil(items.length / 2);
  if (url.searchParams.get('$skiptoken') === PAGE_TOKEN) return { ...rest, [key]: items.slice(cut) };
  const next = new URL(`https://${host}${url.pathname}`);
  for (const [k, v] of url.searchParams) if (k !== '$skiptoken') next.searchParams.set(k, v);
  next.searchParams.set('api-version', apiVersion);
  next.searchParams.set('$skiptoken', PAGE_TOKEN);
  return { ...rest, [key]: items.slice(0, cut), nextLink: next.toString() };
}
