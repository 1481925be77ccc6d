// Issue #14, "Done when", end to end: the built CLI as a child process (`asr-ready check
// --target-region westus2 --json`, what `npm start --silent -- check …` runs) on this machine, with
// the strict fake IMDS (the recorded msdocs instance document: subscription
// xxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxx, VM examplevmname in West US, Standard_A3) and the strict fake ARM
// (the Azure REST API spec samples of test/fixtures/arm) on loopback, and the network lab
// (test/helpers/network-lab.ts) answering every endpoint probe on loopback. It reports the six rows
// of the Site Recovery prerequisites page (vault, target capacity, cache storage, root certificates,
// outbound URLs, outbound rules) plus the target region, each with its source; with Reader missing
// or without an identity each ARM-backed row says exactly what to do and the verdict is what the
// guest's own checks make it; a hung ARM ends within the deadline. Nothing leaves this machine:
// cleanEnv sets ASR_READY_LOOPBACK_ONLY=1 and every fake listens on 127.0.0.1 only.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli';
import { ARM_ROUTES, startFakeArm, type ArmRouteName, type FakeArm } from '../helpers/fake-arm';
import { startFakeImds, type FakeImds } from '../helpers/fake-imds';
import { FakeGuest } from '../helpers/fake-guest';
import { LAB_SERVICE_BUS, labArgs } from '../helpers/network-lab';
import { DEBIAN_BUNDLE } from '../helpers/paths';
import { startHttpServer } from '../helpers/plain-http';
import type { ReportJson as Report } from '../helpers/report-json';
import { reportSchemaErrors } from '../helpers/schema';
import { makePki, startHttpsServer, type Pki, type RunningServer } from '../helpers/servers';
import type { Finding } from '../../src/core/finding';

/** Where the IMDS sample puts the VM. */
const SUB = 'xxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxx';
const VM_PATH = `/subscriptions/${SUB}/resourceGroups/macikgo-test-may-23/providers/Microsoft.Compute/virtualMachines/examplevmname`;
/** The account of the storage sample the fake serves (StorageAccountGetProperties.json). */
const CACHE = 'sto8596';
/** A concrete Site Recovery host, as RCMInfo.conf would give it (the catalog knows no representative for West US). */
const SITE_RECOVERY = 'pod01-rcm1.wus.hypervrecoverymanager.windowsazure.com';
const ENTRA = 'login.microsoftonline.com';
const STORAGE = `${CACHE}.blob.core.windows.net`;
/**
 * The fake IMDS token carries no oid claim, so the principal is the object id ARM's 403 names (the
 * fake's AuthorizationFailed message says '00000000-0000-0000-0000-000000000001').
 */
const GRANT = `az role assignment create --assignee-object-id 00000000-0000-0000-0000-000000000001 --assignee-principal-type ServicePrincipal --role Reader --scope /subscriptions/${SUB}`;
/** The api-version of each ARM call (reference §2; src/facts/control-plane/api-versions.ts), written out. */
const API_VERSIONS: Partial<Record<ArmRouteName, string>> = {
  'vm.get': '2026-03-01',
  'vaults.list': '2025-08-01',
  'usages.list': '2026-03-01',
  'skus.list': '2021-07-01',
  'storage.get': '2025-08-01',
  'blobServices.get': '2025-08-01',
  'nic.get': '2025-07-01',
  'subnet.get': '2025-07-01',
  'nsg.get': '2025-07-01',
  'serviceTags.list': '2025-07-01',
  'eligibility.get': '2025-01-01',
};
/** The checks that read ARM (azure.target-region judges IMDS and the catalog only). */
const ARM_BACKED = ['azure.vault', 'azure.target-capacity', 'azure.cache-storage', 'azure.eligibility', 'network.nsg-rules', 'network.routes'];
const SKIP_ARM = ['--skip', 'azure.,network.nsg-rules,network.routes'];

let pki: Pki;
let armPki: Pki;
let files: FakeGuest;
let lab: RunningServer;
let http80: RunningServer;
beforeAll(async () => {
  pki = makePki('asr-ready control-plane lab CA');
  armPki = makePki('asr-ready Fake ARM Root CA');
  // The guest's store: the lab's root (the probes' TLS) and the real Azure roots (trust.azure-roots).
  files = new FakeGuest('asr-ready-cp-cli-')
    .write('/store.pem', `${pki.root.certPem}${readFileSync(DEBIAN_BUNDLE, 'utf8')}`)
    .write('/arm-ca.pem', armPki.root.certPem);
  lab = await startHttpsServer(pki.leafFor([ENTRA, SITE_RECOVERY, LAB_SERVICE_BUS, STORAGE]), [pki.intermediate]);
  http80 = await startHttpServer();
});
afterAll(async () => {
  await Promise.all([lab?.close(), http80?.close()]);
  files?.remove();
});
const started: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function fakes(imdsOptions: Parameters<typeof startFakeImds>[0] = {}): Promise<{ arm: FakeArm; imds: FakeImds }> {
  const arm = await startFakeArm({ pki: armPki });
  const imds = await startFakeImds(imdsOptions);
  started.push(arm, imds);
  return { arm, imds };
}

/** Drops options (and their values) the lab fixes that this test gives otherwise. */
function without(args: readonly string[], options: readonly string[]): string[] {
  return args.filter((a, i) => !options.includes(a) && !options.includes(args[i - 1] ?? ''));
}

/**
 * `check --target-region westus2 --json` against the fakes, with the lab's arguments for the probes
 * (all checks: no --checks; the source region from IMDS: no --region; the cache account the fake
 * serves). The certificate of the fake ARM names localhost, not 127.0.0.1, hence the --connect-to.
 */
function checkArgs(arm: FakeArm, imds: FakeImds, ...extra: string[]): string[] {
  const labbed = labArgs({ checks: '', trustStore: files.path('/store.pem'), http80Port: http80.port }, lab.port, [
    '--endpoint',
    SITE_RECOVERY,
    '--connect-to',
    `localhost:${arm.port}:127.0.0.1:${arm.port}`,
  ]);
  return [
    'check',
    '--target-region',
    'westus2',
    '--imds-endpoint',
    imds.url,
    '--arm-endpoint',
    `https://localhost:${arm.port}/`,
    '--arm-ca-file',
    files.path('/arm-ca.pem'),
    '--cache-storage-account',
    CACHE,
    ...without(labbed, ['--checks', '--region', '--cache-storage-account']),
    ...extra,
  ];
}

async function run(args: string[], timeoutMs = 25_000): Promise<{ code: number | null; report: Report; stdout: string; stderr: string; ms: number }> {
  const begun = Date.now();
  const result = await runCli(args, { timeoutMs });
  const ms = Date.now() - begun;
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`no JSON on stdout (exit ${result.code}): ${result.stderr}`);
  }
  expect(reportSchemaErrors(report)).toEqual([]);
  return { ...result, report, ms };
}

const findings = (r: Report, checkId: string): Finding[] => r.findings.filter((f) => f.checkId === checkId);
const one = (r: Report, checkId: string, subject: string | null = null): Finding => {
  const found = r.findings.filter((f) => f.checkId === checkId && f.subject === subject);
  expect(found, `${checkId} ${subject ?? ''}`).toHaveLength(1);
  return found[0]!;
};
const armBacked = (r: Report) => r.findings.filter((f) => ARM_BACKED.includes(f.checkId));
/** What the guest's own checks said: every finding but the ARM-backed ones and azure.metadata (which --skip azure. drops too). */
const guestRows = (r: Report) =>
  r.findings.filter((f) => !ARM_BACKED.includes(f.checkId) && !f.checkId.startsWith('azure.')).map((f) => `${f.checkId} ${f.subject ?? ''} ${f.status}`);
const source = (request: string, apiVersion: string, pages = 1) => ({ request, apiVersion, pages, throttledWaits: 0 });

/** The verdict must be the one the run without the ARM-backed checks gives: same verdict, exit code and guest findings. */
async function expectVerdictUnaffected(arm: FakeArm, imds: FakeImds, judged: { code: number | null; report: Report }): Promise<void> {
  const skipped = await run(checkArgs(arm, imds, ...SKIP_ARM));
  expect(skipped.report.findings.filter((f) => f.checkId.startsWith('azure.') || ARM_BACKED.includes(f.checkId))).toEqual([]);
  expect(judged.report.verdict).toBe(skipped.report.verdict);
  expect(judged.code).toBe(skipped.code);
  // On this machine the guest's verdict may already be not-ready (its kernel, say), which would hide
  // an ARM row that failed: so the guest's findings are compared too, and the ARM rows are all skips.
  expect(guestRows(judged.report)).toEqual(guestRows(skipped.report));
  expect(armBacked(judged.report).filter((f) => f.status !== 'skip')).toEqual([]);
}

describe('asr-ready check --target-region westus2 against a fake ARM and IMDS on loopback', () => {
  it('with Reader, reports the six prerequisite rows and the target region, each naming its source', async () => {
    const { arm, imds } = await fakes();
    const { report, stdout, stderr } = await run(checkArgs(arm, imds));
    expect(report.network).toMatchObject({ cloud: 'AzureCloud', region: 'westus', regionSource: 'IMDS compute.location', trustSource: 'supplied' });

    // azure.target-region: West US → West US 2, judged from IMDS and the region catalog (no ARM read).
    const region = one(report, 'azure.target-region');
    expect(region).toMatchObject({ status: 'pass', summary: expect.stringContaining('West US → West US 2 is supported') });
    expect(region.evidence.sources).toEqual([{ request: `GET ${imds.url}/metadata/instance`, apiVersion: '2021-12-13' }]);

    // azure.vault: the sample's three vaults are all in westus, the source region: none can protect the VM (warn, not fail).
    const vault = one(report, 'azure.vault');
    expect(vault.status).toBe('warn');
    expect(vault.summary).toContain('patchtest (westus), swaggerExample (westus), today1 (westus) are in the source region West US (westus)');
    expect(vault.remediation).toContain('az backup vault create --resource-group <rg> --name <vault> --location westus2');
    expect(vault.evidence.sources).toEqual([source(`GET /subscriptions/${SUB}/providers/Microsoft.RecoveryServices/vaults`, '2025-08-01', 2)]);

    // azure.target-capacity: IMDS says Standard_A3; the SKU sample lists Standard_A0 and Standard_A1 only.
    const size = one(report, 'azure.target-capacity', 'size');
    expect(size).toMatchObject({ status: 'fail', asrErrorCodes: [150097] });
    expect(size.summary).toContain('Standard_A3 is not offered in West US 2 (westus2): it is not among the 2 VM sizes');
    expect(size.evidence.sources).toEqual([
      source(`GET /subscriptions/${SUB}/providers/Microsoft.Compute/skus`, '2021-07-01', 2),
      source(`GET ${VM_PATH}`, '2026-03-01'),
    ]);
    const quota = one(report, 'azure.target-capacity', 'vCPU quota');
    expect(quota.status).toBe('skip');
    expect(quota.summary).toContain('the vCPU count of Standard_A3 in West US 2 (westus2) is unknown (the size is not offered there)');
    expect(quota.evidence.sources).toEqual([
      source(`GET /subscriptions/${SUB}/providers/Microsoft.Compute/locations/westus2/usages`, '2026-03-01', 2),
      source(`GET /subscriptions/${SUB}/providers/Microsoft.Compute/skus`, '2021-07-01', 2),
    ]);

    // azure.cache-storage: the sample is a GPv1 account in eastus2(stage) with hierarchical namespace and 300-day blob soft delete.
    const cache = one(report, 'azure.cache-storage', CACHE);
    expect(cache.status).toBe('fail');
    expect(cache.summary).toMatch(/^Cache storage account sto8596 \(fail: location, soft delete; warn: subscription, kind, hierarchical namespace\)\./);
    expect(cache.summary).toContain("It is in eastus2(stage), not in the VM's region West US (westus)");
    expect(cache.summary).toContain('Blob soft delete is on (300 days)');
    expect(cache.remediation).toContain(
      'az storage account blob-service-properties update --resource-group res9407 --account-name sto8596 --enable-delete-retention false',
    );
    expect(cache.evidence.sources).toEqual([
      source(`GET /subscriptions/${SUB}/resourceGroups/macikgo-test-may-23/providers/Microsoft.Storage/storageAccounts/${CACHE}`, '2025-08-01'),
      // The blob service is read at the id the account's body gives (the sample's placeholder subscription).
      source(
        `GET /subscriptions/{subscription-id}/resourceGroups/res9407/providers/Microsoft.Storage/storageAccounts/${CACHE}/blobServices/default`,
        '2025-08-01',
      ),
    ]);

    // trust.azure-roots: the store given with --trust-store holds the real Azure roots.
    const roots = one(report, 'trust.azure-roots');
    expect(roots.status).toBe('pass');
    expect(roots.summary).toContain(`The guest trusts DigiCert Global Root G2`);
    expect(roots.summary).toContain(`(store: ${files.path('/store.pem')}, from --trust-store)`);
    const store = roots.evidence.store as { origin: string; sources: Array<{ path: string; exists: boolean }> };
    expect(store.origin).toBe('override');
    expect(store.sources.map((s) => [s.path, s.exists])).toEqual([[files.path('/store.pem'), true]]);
    expect((roots.evidence.roots as Array<{ id: string; state: string; foundIn: string[] }>).find((r) => r.id === 'digicert-global-root-g2')).toEqual(
      expect.objectContaining({ state: 'trusted', foundIn: [files.path('/store.pem')] }),
    );

    // network.endpoints: each required endpoint reached on loopback through TLS verified with the store, each naming where its host came from.
    const urls = findings(report, 'network.endpoints');
    expect(urls.map((f) => [f.subject, f.status, f.evidence.source])).toEqual([
      [`${ENTRA}:443`, 'pass', 'catalog'],
      [`${SITE_RECOVERY}:443`, 'pass', 'endpoint-option'],
      [`${LAB_SERVICE_BUS}:443`, 'pass', 'endpoint-option'],
      [`${STORAGE}:443`, 'pass', 'cache-storage-account'],
      ['ocsp.digicert.com:80', 'pass', 'catalog'],
      ['crl3.digicert.com:80', 'pass', 'catalog'],
      ['cacerts.digicert.com:80', 'pass', 'catalog'],
      ['oneocsp.microsoft.com:80', 'pass', 'catalog'],
      ['www.microsoft.com:80', 'pass', 'catalog'],
      ['*.vault.azure.net:443', 'skip', 'catalog'],
      ['*.automation.ext.azure.com:443', 'skip', 'catalog'],
    ]);
    for (const host of [ENTRA, SITE_RECOVERY, LAB_SERVICE_BUS, STORAGE]) {
      expect(one(report, 'network.endpoints', `${host}:443`).summary).toContain('chain verified with the --trust-store roots');
      expect(report.endpoints.find((e) => e.host === host)).toMatchObject({
        status: 'ok',
        address: '127.0.0.1',
        addressScope: 'loopback',
        connectTo: `:443:127.0.0.1:${lab.port}`,
        tls: { verified: true, trustSource: 'supplied' },
      });
    }

    // network.nsg-rules: the sample NIC's NSG (rule1 allows port 80 only) lets 443 out by its default AllowInternetOutBound; the sample subnet has no NSG.
    const nsg = findings(report, 'network.nsg-rules');
    expect(nsg.map((f) => [f.subject, f.status])).toEqual([
      ['Storage.WestUS', 'pass'],
      ['AzureActiveDirectory', 'pass'],
      ['EventHub.WestUS2', 'pass'],
      ['AzureSiteRecovery', 'pass'],
      ['AzureKeyVault', 'pass'],
      ['GuestAndHybridManagement', 'pass'],
    ]); // the probes' addresses are loopback, which never crosses an NSG: no per-endpoint rows
    for (const f of nsg) {
      expect(f.summary).toBe(
        `Outbound TCP 443 to ${f.subject} is allowed by default rule AllowInternetOutBound (priority 65001) of NSG testnsg (network interface) (no NSG on the subnet).`,
      );
      expect(f.evidence.sources).toEqual([
        source('GET /subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Network/networkInterfaces/{myNIC}', '2025-07-01'),
        source('GET /subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/rg1-vnet/subnets/default', '2025-07-01'),
        source('GET /subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg', '2025-07-01'),
        source(`GET /subscriptions/${SUB}/providers/Microsoft.Network/locations/westus/serviceTags`, '2025-07-01', 2),
      ]);
    }
    expect(one(report, 'network.routes', 'subnet1')).toMatchObject({ status: 'pass', summary: expect.stringContaining('Subnet subnet1 has no route table') });
    // Beyond the six: Azure's own eligibility verdict in the sample (Ubuntu 18.04 not supported) fails.
    expect(one(report, 'azure.eligibility')).toMatchObject({ status: 'fail', summary: expect.stringContaining('A2AOperatingSystemNotSupported') });

    // What the fakes recorded: IMDS asked twice (the document, one token for ARM's audience, no client_id), ARM only with Reader's GETs.
    expect(imds.requests.map((r) => new URL(r.path, 'http://imds').pathname)).toEqual(['/metadata/instance', '/metadata/identity/oauth2/token']);
    const tokenQuery = new URL(imds.requests[1]!.path, 'http://imds').searchParams;
    expect([tokenQuery.get('resource'), tokenQuery.has('client_id')]).toEqual(['https://management.azure.com/', false]);
    expect(arm.requests.length).toBe(15); // 11 calls, 4 of them lists of two pages
    const versions: Record<string, string[]> = {};
    for (const r of arm.requests) {
      expect([r.method, r.route, r.status, r.authorization, r.headers.host], `${r.method} ${r.path}${r.rawQuery}`).toEqual([
        'GET',
        expect.any(String),
        200,
        true,
        `localhost:${arm.port}`,
      ]);
      versions[r.route!] = [...new Set([...(versions[r.route!] ?? []), r.query['api-version']!])];
      // The token travels in the Authorization header only: never in a query string or a path.
      expect(
        Object.keys(r.query).filter((k) => !['api-version', '$filter', '$skiptoken'].includes(k)),
        r.rawQuery,
      ).toEqual([]);
      expect(`${r.path}${r.rawQuery}`).not.toMatch(/eyJ|access_token|bearer/i);
    }
    expect(versions).toEqual(Object.fromEntries(Object.entries(API_VERSIONS).map(([route, v]) => [route, [v]])));
    expect(arm.requests.find((r) => r.route === 'skus.list')!.query.$filter).toBe("location eq 'westus2'");
    // Every fake is a loopback server, and the agent was told to refuse anything else.
    expect([new URL(arm.url).hostname, new URL(imds.url).hostname]).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(imds.requests.map((r) => r.headers.host)).toEqual([new URL(imds.url).host, new URL(imds.url).host]);
    expect(cleanEnv().ASR_READY_LOOPBACK_ONLY).toBe('1');
    // No token in the report or the logs either.
    expect(`${stdout}${stderr}`).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('with Reader missing (403 AuthorizationFailed on every path), each ARM row is a skip giving the exact grant; the verdict is unaffected', async () => {
    const { arm, imds } = await fakes();
    for (const route of ARM_ROUTES) arm.always(route.name, { kind: 'forbidden' });
    const judged = await run(checkArgs(arm, imds));
    const { report } = judged;

    const rows = armBacked(report);
    expect(rows.map((f) => [f.checkId, f.subject, f.status])).toEqual([
      ['azure.vault', null, 'skip'],
      ['azure.target-capacity', 'size', 'skip'],
      ['azure.target-capacity', 'vCPU quota', 'skip'],
      ['azure.cache-storage', CACHE, 'skip'],
      ['azure.eligibility', null, 'skip'],
      ['network.nsg-rules', null, 'skip'],
      ['network.routes', null, 'skip'],
    ]);
    const refused: Record<string, [string, string]> = {
      'azure.vault': ['Microsoft.RecoveryServices/vaults/read', `GET /subscriptions/${SUB}/providers/Microsoft.RecoveryServices/vaults`],
      'azure.target-capacity size': ['Microsoft.Compute/skus/read', `GET /subscriptions/${SUB}/providers/Microsoft.Compute/skus`],
      'azure.target-capacity vCPU quota': [
        'Microsoft.Compute/locations/usages/read',
        `GET /subscriptions/${SUB}/providers/Microsoft.Compute/locations/westus2/usages`,
      ],
      'azure.cache-storage': [
        'Microsoft.Storage/storageAccounts/read',
        `GET /subscriptions/${SUB}/resourceGroups/macikgo-test-may-23/providers/Microsoft.Storage/storageAccounts/${CACHE}`,
      ],
      'azure.eligibility': [
        'Microsoft.RecoveryServices/replicationEligibilityResults/read',
        `GET ${VM_PATH}/providers/Microsoft.RecoveryServices/replicationEligibilityResults/default`,
      ],
      // The network chain starts at the VM: its refusal is what both network checks report.
      'network.nsg-rules': ['Microsoft.Compute/virtualMachines/read', `GET ${VM_PATH}`],
      'network.routes': ['Microsoft.Compute/virtualMachines/read', `GET ${VM_PATH}`],
    };
    for (const f of rows) {
      const key = f.checkId === 'azure.target-capacity' ? `${f.checkId} ${f.subject}` : f.checkId;
      const [action, request] = refused[key]!;
      expect(f.summary, key).toContain(
        `ARM refused ${action} over ${request.slice(4)} (403 AuthorizationFailed): it needs the Reader role on /subscriptions/${SUB}. The verdict is not affected.`,
      );
      expect(f.remediation, key).toContain(`\n   ${GRANT}\n`);
      expect(f.evidence, key).toMatchObject({
        read: 'forbidden',
        action,
        code: 'AuthorizationFailed',
        grant: { role: 'Reader', scope: `/subscriptions/${SUB}`, command: GRANT },
        sources: [{ request, apiVersion: API_VERSIONS[arm.requests.find((r) => `GET ${r.path}` === request)!.route!], pages: 0 }],
      });
    }
    // azure.target-region reads nothing in ARM and still judges the pair.
    expect(one(report, 'azure.target-region').status).toBe('pass');
    // Each refused call was made once (no retry of a 403), at its api-version; nothing else was asked.
    expect(arm.requests.every((r) => r.status === 403 && r.query['api-version'] === API_VERSIONS[r.route!])).toBe(true);
    expect(new Set(arm.requests.map((r) => r.path)).size).toBe(arm.requests.length);
    expect(arm.requests.map((r) => r.route).sort()).toEqual([
      'eligibility.get',
      'serviceTags.list',
      'skus.list',
      'storage.get',
      'usages.list',
      'vaults.list',
      'vm.get',
    ]);

    await expectVerdictUnaffected(arm, imds, judged);

    // The text report names the role and scope to grant under each skip (it prints what to do under
    // warnings and failures only, so the exact command is in the JSON), and a verdict line that names no ARM check.
    const text = await runCli(
      checkArgs(arm, imds).filter((a) => a !== '--json'),
      { timeoutMs: 25_000 },
    );
    expect(text.code).toBe(judged.code);
    expect(text.stdout).toMatch(/SKIP {3}azure\.vault: Recovery Services vault in the target region\n {9}Not judged: the VM's identity may not read/);
    expect(text.stdout).toContain(`it needs the Reader role on /subscriptions/${SUB}. The verdict is not affected.`);
    const verdictLine = text.stdout.trimEnd().split('\n').at(-1)!;
    expect(verdictLine).toMatch(/^VERDICT: /);
    expect(verdictLine).not.toMatch(/azure\.|network\.nsg-rules|network\.routes/);
  });

  it('without an identity (IMDS answers 400 "Identity not found"), each ARM row is a skip saying what to do; ARM is not asked; the verdict is unaffected', async () => {
    // IMDS answers 400 invalid_request "Identity not found" to a VM without that identity; here the
    // fake knows only a user-assigned identity, and the run asks for the system-assigned one.
    const { arm, imds } = await fakes({ identityClientId: 'ffffffff-0000-4000-8000-000000000000' });
    const judged = await run(checkArgs(arm, imds));
    const rows = armBacked(judged.report);
    expect(rows.map((f) => [f.checkId, f.subject, f.status])).toEqual([
      ['azure.vault', null, 'skip'],
      ['azure.target-capacity', 'size', 'skip'],
      ['azure.target-capacity', 'vCPU quota', 'skip'],
      ['azure.cache-storage', null, 'skip'],
      ['azure.eligibility', null, 'skip'],
      ['network.nsg-rules', null, 'skip'],
      ['network.routes', null, 'skip'],
    ]);
    for (const f of rows) {
      expect(f.summary).toContain(
        'could not be read (no-identity): no token for ARM from the system-assigned managed identity: the managed identity endpoint answered invalid_request (is a managed identity assigned to this VM?',
      );
      expect(f.remediation).toBe(
        'Give the VM a managed identity (az vm identity assign -g <rg> -n <vm> for a system-assigned one; --identity-client-id names a user-assigned one) and grant it Reader on the VM\'s subscription (README, "What the VM\'s identity needs").',
      );
      expect(f.evidence).toMatchObject({ read: 'unavailable', reason: 'no-identity', sources: [] });
    }
    expect(one(judged.report, 'azure.target-region').status).toBe('pass');
    // One token request (a 400 is not retried), and nothing asked of ARM without a token.
    expect(imds.requests.filter((r) => r.path.startsWith('/metadata/identity/oauth2/token'))).toHaveLength(1);
    expect(arm.requests).toEqual([]);

    await expectVerdictUnaffected(arm, imds, judged);
  });

  it('with ARM hanging on every call, ends within --deadline 15 with the ARM rows skipped as timed out, not errors', async () => {
    const { arm, imds } = await fakes();
    for (const route of ARM_ROUTES) arm.always(route.name, { kind: 'hang' });
    const judged = await run(checkArgs(arm, imds, '--deadline', '15'));
    expect(judged.ms).toBeLessThan(15_000);
    expect(judged.report.durationMs).toBeLessThan(15_000);
    // No row of the prerequisites is an error (the guest's own checks are compared with a run without ARM below).
    const prerequisites = ['azure.target-region', 'trust.azure-roots', 'network.endpoints', ...ARM_BACKED];
    expect(judged.report.findings.filter((f) => prerequisites.includes(f.checkId) && f.status === 'error')).toEqual([]);
    const rows = armBacked(judged.report);
    expect(rows.map((f) => [f.checkId, f.subject, f.status])).toEqual([
      ['azure.vault', null, 'skip'],
      ['azure.target-capacity', 'size', 'skip'],
      ['azure.target-capacity', 'vCPU quota', 'skip'],
      ['azure.cache-storage', CACHE, 'skip'],
      ['azure.eligibility', null, 'skip'],
      ['network.nsg-rules', null, 'skip'],
      ['network.routes', null, 'skip'],
    ]);
    for (const f of rows) {
      // Cut by the guest dispatcher's 10-second bound on an answer, or by the reads' stop shortly before the deadline.
      expect(f.summary).toMatch(
        /could not be read \(timeout\): (ARM did not answer GET \/subscriptions\/\S+ in time|the deadline passed during GET \/subscriptions\/)/,
      );
      expect(f.evidence).toMatchObject({ read: 'unavailable', reason: 'timeout' });
      expect(f.remediation).toBe("ARM did not answer in time: give a longer --deadline, or check the VM's route to the ARM endpoint.");
    }
    // The probes and the guest's checks were not held up by ARM.
    expect(findings(judged.report, 'network.endpoints').filter((f) => f.status === 'pass')).toHaveLength(9);
    expect(one(judged.report, 'trust.azure-roots').status).toBe('pass');
    // The calls were made (and never answered), each at its api-version.
    expect(arm.requests.length).toBeGreaterThan(0);
    expect(arm.requests.every((r) => r.status === null && r.query['api-version'] === API_VERSIONS[r.route!])).toBe(true);

    await expectVerdictUnaffected(arm, imds, judged);
  });
});
