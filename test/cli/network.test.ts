// Connectivity scenarios end to end: the CLI as a child process, every endpoint aimed at loopback
// servers with --connect-to, TLS judged with the --trust-store given, a real tinyproxy, a strict
// fake IMDS. ASR_READY_LOOPBACK_ONLY=1 (cleanEnv) guarantees nothing leaves 127.0.0.0/8.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { LAB_SERVICE_BUS, labArgs } from '../helpers/network-lab';
import { makePki, startHttpsServer, startOldTlsServer, startSilentServer, freePort, type Pki, type RunningServer } from '../helpers/servers';
import { startHttpServer } from '../helpers/plain-http';
import { HAVE_TINYPROXY, startTinyproxy, type RunningProxy } from '../helpers/tinyproxy';
import { startFakeImds } from '../helpers/fake-imds';
import { reportSchemaErrors } from '../helpers/schema';
import type { ReportJson as Report } from '../helpers/report-json';
import type { Finding } from '../../src/core/finding';

const ENTRA = 'login.microsoftonline.com';
const SITE_RECOVERY = 'pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com';
const STORAGE = 'asrcache01.blob.core.windows.net';
const SERVICE_BUS = LAB_SERVICE_BUS;
const NAMES = [ENTRA, SITE_RECOVERY, STORAGE, SERVICE_BUS];

let pki: Pki;
let files: FakeGuest;
let good: RunningServer;
let http80: RunningServer;
let proxy: RunningProxy;
let authProxy: RunningProxy;

beforeAll(async () => {
  pki = makePki('Contoso Inspection Root CA');
  files = new FakeGuest('asr-ready-net-').write('/store.pem', pki.root.certPem).write('/other-store.pem', makePki('Unrelated Root').root.certPem);
  good = await startHttpsServer(pki.leafFor(NAMES), [pki.intermediate]);
  http80 = await startHttpServer();
  if (HAVE_TINYPROXY) {
    proxy = await startTinyproxy();
    authProxy = await startTinyproxy({ basicAuth: { user: 'asr', password: 'Pr0xy-S3cret' } });
  }
});
afterAll(async () => {
  await Promise.all([good?.close(), http80?.close(), proxy?.close(), authProxy?.close()]);
  files?.remove();
});

/** The loopback lab's arguments (test/helpers/network-lab.ts) with this file's checks. */
function lab(port443: number, ...extra: string[]): string[] {
  return labArgs({ checks: 'network.,time.,azure.', trustStore: files.path('/store.pem'), http80Port: http80.port }, port443, extra);
}

async function run(args: string[], timeoutMs?: number): Promise<{ code: number | null; report: Report; stderr: string; stdout: string }> {
  const result = await runCli(args, timeoutMs ? { timeoutMs } : {});
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`no JSON on stdout (exit ${result.code}): ${result.stderr}`);
  }
  expect(reportSchemaErrors(report)).toEqual([]);
  return { code: result.code, report, stderr: result.stderr, stdout: result.stdout };
}

const endpoint = (r: Report, host: string) => r.endpoints.find((e) => e.host === host)!;
const finding = (r: Report, checkId: string, subject?: string): Finding =>
  r.findings.find((f) => f.checkId === checkId && (subject === undefined || f.subject === subject))!;

describe('connectivity through --connect-to to loopback servers', () => {
  it("passes a good chain for every endpoint, with each host's source, and warns that the chain is not Azure's", async () => {
    const { code, report } = await run(lab(good.port));
    expect(code).toBe(0);
    expect(report.verdict).toBe('ready-with-warnings');
    expect(report.network).toMatchObject({ cloud: 'AzureCloud', region: 'eastus', regionSource: '--region', trustSource: 'supplied' });
    expect(report.endpoints.map((e) => [e.host, e.source, e.status])).toEqual([
      [ENTRA, 'catalog', 'ok'],
      [SITE_RECOVERY, 'representative', 'ok'],
      [SERVICE_BUS, 'endpoint-option', 'ok'],
      [STORAGE, 'cache-storage-account', 'ok'],
      ['ocsp.digicert.com', 'catalog', 'ok'],
      ['crl3.digicert.com', 'catalog', 'ok'],
      ['cacerts.digicert.com', 'catalog', 'ok'],
      ['oneocsp.microsoft.com', 'catalog', 'ok'],
      ['www.microsoft.com', 'catalog', 'ok'],
      ['*.vault.azure.net', 'catalog', 'unconfirmed'],
      ['*.automation.ext.azure.com', 'catalog', 'unconfirmed'],
    ]);
    const entra = endpoint(report, ENTRA);
    expect(entra).toMatchObject({ failedLayer: null, address: '127.0.0.1', addressScope: 'loopback', connectTo: `:443:127.0.0.1:${good.port}` });
    expect(entra.tls).toMatchObject({
      verified: true,
      version: 'TLSv1.3',
      trustSource: 'supplied',
      trustAnchor: { subject: expect.stringContaining('CN=Contoso Inspection Root CA') },
    });
    expect(entra.tls!.chain).toHaveLength(3);
    expect(entra.http).toMatchObject({ ok: true, status: 404 });
    expect(Object.values(entra.timings).every((t) => t === null || t >= 0)).toBe(true);
    expect(finding(report, 'network.endpoints', `${ENTRA}:443`).status).toBe('pass');
    const inspection = finding(report, 'network.tls-inspection', `${ENTRA}:443`);
    expect(inspection.status).toBe('warn');
    expect(inspection.summary).toContain('chains to "CN=Contoso Inspection Root CA');
    expect(finding(report, 'time.skew').status).toBe('pass');
    expect(finding(report, 'network.proxy').summary).toBe('No proxy: the guest connects directly (no proxy is configured).');
  });

  it("verifies with the guest's own store when no --trust-store is given (Node's bundle could not verify this chain)", async () => {
    const guest = new FakeGuest().osRelease('debian', '12', 'Debian GNU/Linux 12 (bookworm)').write('/etc/ssl/certs/ca-certificates.crt', pki.root.certPem);
    try {
      const args = lab(good.port, '--root', guest.root).filter((a, i, all) => a !== '--trust-store' && all[i - 1] !== '--trust-store');
      const { report } = await run(args);
      expect(report.network!.trustSource).toBe('os');
      expect(endpoint(report, ENTRA)).toMatchObject({ status: 'ok', tls: { verified: true, trustSource: 'os' } });
      guest.write('/etc/ssl/certs/ca-certificates.crt', makePki('Unrelated Root').root.certPem);
      const untrusted = await run(args);
      expect(endpoint(untrusted.report, ENTRA)).toMatchObject({ failedLayer: 'tls', tls: { verified: false, trustSource: 'os' } });
    } finally {
      guest.remove();
    }
  });

  it("fails TLS with 151066 when the store does not hold the chain's root, and sends no HTTP request", async () => {
    const before = good.hits();
    const { code, report } = await run(lab(good.port).map((a) => (a === files.path('/store.pem') ? files.path('/other-store.pem') : a)));
    expect(code).toBe(1);
    const entra = endpoint(report, ENTRA);
    expect(entra).toMatchObject({ status: 'failed', failedLayer: 'tls' });
    expect(entra.tls).toMatchObject({ verified: false, verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
    const f = finding(report, 'network.endpoints', `${ENTRA}:443`);
    expect(f).toMatchObject({ status: 'fail', asrErrorCodes: [151037, 151066, 151196] });
    expect(f.summary).toContain("does not verify against the guest's trust store (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)");
    expect(good.hits()).toBe(before);
  });

  it.each([
    [
      'an expired leaf',
      () => startHttpsServer(pki.leafFor([ENTRA], { notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') }), [pki.intermediate]),
      'has expired (2021-01-01)',
    ],
    [
      'a certificate for another name',
      () => startHttpsServer(pki.leafFor(['wrong.example.com']), [pki.intermediate]),
      'does not match login.microsoftonline.com',
    ],
    ['a TLS 1.0/1.1-only server', () => startOldTlsServer(pki.leafFor([ENTRA])), 'does not offer TLS 1.2 or later'],
  ])('fails Entra ID at the TLS layer for %s', async (_name, start, message) => {
    const server = await start();
    try {
      const { code, report } = await run(lab(good.port, '--connect-to', `${ENTRA}:443:127.0.0.1:${server.port}`));
      expect(code).toBe(1);
      expect(endpoint(report, ENTRA)).toMatchObject({ status: 'failed', failedLayer: 'tls' });
      expect(finding(report, 'network.endpoints', `${ENTRA}:443`).summary).toContain(message);
      expect(endpoint(report, SITE_RECOVERY).status).toBe('ok');
    } finally {
      await server.close();
    }
  });

  it('fails a refused port at the TCP layer, naming the service tag', async () => {
    const { code, report } = await run(lab(good.port, '--connect-to', `${ENTRA}:443:127.0.0.1:${await freePort()}`));
    expect(code).toBe(1);
    expect(endpoint(report, ENTRA)).toMatchObject({ failedLayer: 'tcp', tcp: { outcome: 'refused' } });
    const f = finding(report, 'network.endpoints', `${ENTRA}:443`);
    expect(f.asrErrorCodes).toEqual([151037, 151196]);
    expect(f.remediation).toContain('Allow outbound TCP 443 from this VM to login.microsoftonline.com (NSG service tag AzureActiveDirectory)');
  });

  it('fails an unresolvable name at the DNS layer with 151195', async () => {
    const { report } = await run([
      '--checks',
      'network.endpoints',
      '--json',
      '--no-proxy',
      '--endpoint',
      'asr-ready-test.invalid',
      '--connect-to',
      `${ENTRA}:443:127.0.0.1:${good.port}`,
      '--trust-store',
      files.path('/store.pem'),
    ]);
    const e = endpoint(report, 'asr-ready-test.invalid');
    expect(e).toMatchObject({ status: 'failed', failedLayer: 'dns', source: 'endpoint-option' });
    expect(e.dns).toMatchObject({ ok: false });
    const f = finding(report, 'network.endpoints', 'asr-ready-test.invalid:443');
    expect(f.status).toBe('fail');
    expect(f.asrErrorCodes).toContain(151195);
  });

  it('finishes inside --deadline when every endpoint hangs, and says where each stopped', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const { code, report } = await run(lab(silent.port, '--deadline', '5'), 15_000);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(5_000 + 1_500); // the deadline, plus process start-up
      expect(code).toBe(1);
      const hung = report.endpoints.filter((e) => e.port === 443 && e.status === 'failed');
      expect(hung.map((e) => e.host).sort()).toEqual([ENTRA, SITE_RECOVERY, SERVICE_BUS, STORAGE].sort());
      for (const e of hung) {
        expect(e.failedLayer).toBe('tls');
        expect(e.error).toMatch(/stopped at the deadline during the TLS handshake|no TLS handshake within/);
      }
    } finally {
      await silent.close();
    }
  });

  it.each([
    [3 * 60, 'warn', 'The guest clock is 3 min ahead of login.microsoftonline.com'],
    [-10 * 60, 'fail', 'The guest clock is 10 min behind login.microsoftonline.com'],
  ])('judges a Date header %i s off as %s', async (offsetSeconds, status, text) => {
    const skewed = await startHttpsServer(pki.leafFor(NAMES), [pki.intermediate], { date: () => new Date(Date.now() - offsetSeconds * 1000).toUTCString() });
    try {
      const { report } = await run(lab(skewed.port));
      const f = finding(report, 'time.skew');
      expect(f.status).toBe(status);
      expect(f.summary).toContain(text);
    } finally {
      await skewed.close();
    }
  });
});

describe.skipIf(!HAVE_TINYPROXY)('proxies (Debian tinyproxy on loopback)', () => {
  it('reaches every endpoint through the proxy given with --proxy', async () => {
    const { code, report } = await run(lab(good.port, '--proxy', proxy.url));
    expect(code).toBe(0);
    const entra = endpoint(report, ENTRA);
    expect(entra).toMatchObject({ status: 'ok', viaProxy: proxy.url, proxy: { ok: true, status: 200 } });
    expect(entra.tls!.verified).toBe(true);
    expect(finding(report, 'network.proxy')).toMatchObject({ status: 'pass', summary: `Endpoints are reached through the proxy ${proxy.url} (from --proxy).` });
  });

  it('reports an authenticating proxy (407) as unsupported by ASR, and never prints the password it was given', async () => {
    const { code, report, stdout, stderr } = await run(
      lab(good.port, '--proxy', `http://asr:Pr0xy-S3cret@127.0.0.1:${authProxy.port}`, '--log-level', 'debug'),
    );
    expect(stderr).toContain('"proxy":"http://asr:***@127.0.0.1');
    expect(code).toBe(1);
    expect(endpoint(report, ENTRA)).toMatchObject({ failedLayer: 'proxy', proxy: { status: 407 } });
    const f = finding(report, 'network.proxy');
    expect(f).toMatchObject({ status: 'fail', asrErrorCodes: [151072] });
    expect(f.summary).toContain('requires authentication (HTTP 407). Azure Site Recovery supports only unauthenticated proxies');
    expect(`${stdout}${stderr}`).not.toContain('Pr0xy-S3cret');
  });

  it('reports a dead proxy as unreachable', async () => {
    const dead = await freePort();
    const { code, report } = await run(lab(good.port, '--proxy', `http://127.0.0.1:${dead}`));
    expect(code).toBe(1);
    const f = finding(report, 'network.proxy');
    expect(f.status).toBe('fail');
    expect(f.summary).toMatch(new RegExp(`The proxy http://127.0.0.1:${dead} \\(from --proxy\\) cannot be reached: cannot reach the proxy`));
  });

  it('finds the proxy in ProxyInfo.conf of a guest, applies its BypassList, and names the file', async () => {
    const guest = new FakeGuest().write(
      '/usr/local/InMage/config/ProxyInfo.conf',
      `[proxy]\nAddress=http://127.0.0.1\nPort=${proxy.port}\nBypassList=digicert.com,microsoft.com\n`,
    );
    try {
      const { code, report } = await run(lab(good.port, '--root', guest.root));
      expect(code).toBe(0);
      expect(endpoint(report, ENTRA).viaProxy).toBe(`http://127.0.0.1:${proxy.port}`);
      expect(endpoint(report, 'ocsp.digicert.com').viaProxy).toBeNull();
      expect(finding(report, 'network.proxy').summary).toBe(
        `Endpoints are reached through the proxy http://127.0.0.1:${proxy.port} (from /usr/local/InMage/config/ProxyInfo.conf), bypassing digicert.com, microsoft.com.`,
      );
    } finally {
      guest.remove();
    }
  });

  it('fails a malformed ProxyInfo.conf with 151072', async () => {
    const guest = new FakeGuest().write('/usr/local/InMage/config/ProxyInfo.conf', '[proxy]\nAddress=http://127.0.0.1\nPort=eighty\n');
    try {
      const { report } = await run(lab(good.port, '--root', guest.root));
      const f = finding(report, 'network.proxy');
      expect(f).toMatchObject({ status: 'fail', asrErrorCodes: [151072] });
      expect(f.summary).toContain('/usr/local/InMage/config/ProxyInfo.conf Port=eighty is not a port number');
    } finally {
      guest.remove();
    }
  });

  it("warns when the proxy comes only from this shell's environment", async () => {
    const result = await runCli(lab(good.port), { env: { PATH: process.env.PATH, ASR_READY_LOOPBACK_ONLY: '1', https_proxy: proxy.url } });
    const report = JSON.parse(result.stdout) as Report;
    const f = finding(report, 'network.proxy');
    expect(f.status).toBe('warn');
    expect(f.summary).toContain('the Mobility service reads ProxyInfo.conf, /etc/environment or /etc/profile and will not see it');
  });
});

describe('Azure metadata (strict fake IMDS on loopback)', () => {
  const AZURE_TAG = '7783-7084-3265-9085-8269-3286-77';

  it("reads IMDS on a guest with Azure's asset tag, with the Metadata header, and takes region and cloud from it", async () => {
    const imds = await startFakeImds();
    const guest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', `${AZURE_TAG}\n`);
    try {
      const args = lab(good.port, '--root', guest.root, '--imds-endpoint', imds.url).filter((a, i, all) => a !== '--region' && all[i - 1] !== '--region');
      const { report } = await run(args);
      const f = finding(report, 'azure.metadata');
      expect(f.status).toBe('pass');
      expect(f.summary).toBe('Azure VM 02aab8a4-74ef-476e-8182-f6d2ba4166a6: Standard_A3, Linux, region westus, AzureCloud.');
      expect(report.network).toMatchObject({
        cloud: 'AzureCloud',
        cloudSource: 'IMDS compute.azEnvironment',
        region: 'westus',
        regionSource: 'IMDS compute.location',
      });
      // The instance document is read once (the control-plane reader reuses it); the azure.* ARM
      // checks ask IMDS for nothing else but a managed-identity token for ARM.
      const instance = imds.requests.filter((r) => r.path.startsWith('/metadata/instance'));
      expect(instance).toHaveLength(1);
      expect(instance[0]!.headers.metadata).toBe('true');
      expect(instance[0]!.path).toBe('/metadata/instance?api-version=2021-12-13');
      expect(imds.requests.filter((r) => !r.path.startsWith('/metadata/instance')).map((r) => r.path)).toEqual([
        '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F',
      ]);
      // westus has no known Site Recovery pod name: that path cannot be confirmed, not "blocked"
      expect(endpoint(report, '*.hypervrecoverymanager.windowsazure.com')).toMatchObject({ status: 'unconfirmed', source: 'catalog' });
    } finally {
      guest.remove();
      await imds.close();
    }
  });

  it("skips IMDS on a guest whose asset tag is not Azure's, and sends it nothing", async () => {
    const guest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', 'No Asset Tag\n');
    try {
      const { report } = await run(lab(good.port, '--root', guest.root));
      const f = finding(report, 'azure.metadata');
      expect(f.status).toBe('skip');
      expect(f.summary).toContain('Not an Azure VM: the chassis asset tag (/sys/class/dmi/id/chassis_asset_tag) is "No Asset Tag"');
      expect(f.evidence).toMatchObject({ contacted: false });
    } finally {
      guest.remove();
    }
  });

  it('retries a throttled IMDS (429) and warns when IMDS never answers', async () => {
    const throttled = await startFakeImds({ throttleFirst: 2 });
    const hanging = await startFakeImds({ hang: true });
    const guest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', `${AZURE_TAG}\n`);
    try {
      const ok = await run(['--checks', 'azure.', '--json', '--root', guest.root, '--imds-endpoint', throttled.url]);
      expect(finding(ok.report, 'azure.metadata')).toMatchObject({ status: 'pass', evidence: { attempts: 3 } });
      const hung = await run(['--checks', 'azure.', '--json', '--root', guest.root, '--imds-endpoint', hanging.url]);
      const f = finding(hung.report, 'azure.metadata');
      expect(f.status).toBe('warn');
      expect(f.summary).toMatch(/did not answer after 3 attempt\(s\): ETIMEDOUT: no answer within 2000 ms/);
      expect(f.remediation).toContain('never through a proxy');
    } finally {
      guest.remove();
      await throttled.close();
      await hanging.close();
    }
  });
});
