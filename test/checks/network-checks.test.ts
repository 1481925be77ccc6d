import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { planEndpoints } from '../../src/facts/endpoint-plan';
import { AZURE_ENDPOINTS, cloudFromImds } from '../../src/catalog/azure-endpoints';
import { evaluateSkew } from '../../src/checks/time-skew';
import { evaluateTlsInspection } from '../../src/checks/network-tls-inspection';
import { evaluateProxy } from '../../src/checks/network-proxy';
import { evaluateEndpoints } from '../../src/checks/network-endpoints';
import { readAzureMetadata } from '../../src/facts/azure-metadata';
import type { EndpointProbeFacts } from '../../src/facts/network';
import type { EndpointResult } from '../../src/net/probe';
import type { ProxySettings } from '../../src/facts/proxy/read-proxy-settings';
import { AZURE_ROOTS } from '../../src/catalog/azure-roots';
import { FakeGuest } from '../helpers/fake-guest';
import { fixture } from '../helpers/paths';

function result(host: string, extra: Partial<EndpointResult> = {}): EndpointResult {
  return {
    id: host, catalogId: 'entra-id', group: 'Entra ID', purpose: 'p', host, port: 443, scheme: 'https', required: true, source: 'catalog',
    pattern: null, serviceTag: null, asrErrorCodes: [151196], status: 'ok', failedLayer: null, error: null, address: '127.0.0.1',
    addressScope: 'loopback', viaProxy: null, connectTo: null, timings: { dnsMs: 1, tcpMs: 1, proxyMs: null, tlsMs: 1, httpMs: 1, totalMs: 4 },
    dns: null, tcp: null, proxy: null, tls: null, http: null, ...extra,
  };
}
const facts = (results: EndpointResult[]): EndpointProbeFacts => ({ cloud: 'AzureCloud', cloudSource: 'x', region: null, regionSource: 'x', trustSource: 'os', trustNote: null, results });

describe('endpoint plan', () => {
  it('uses the US Government names, hosts from RCMInfo.conf, and reports wildcards it cannot pin down', () => {
    const plan = planEndpoints(AZURE_ENDPOINTS, {
      cloud: 'AzureUSGovernment', region: 'usgovvirginia', platform: 'linux', cacheStorageAccounts: ['cache1'], extraEndpoints: [],
      mobilityHosts: ['pod01-rcm1.usgv.hypervrecoverymanager.windowsazure.us', 'unrelated.example.com'],
    });
    expect(plan.targets.filter((t) => t.required).map((t) => [t.host, t.source])).toEqual([
      ['login.microsoftonline.us', 'catalog'],
      ['pod01-rcm1.usgv.hypervrecoverymanager.windowsazure.us', 'mobility-config'],
      ['cache1.blob.core.usgovcloudapi.net', 'cache-storage-account'],
    ]);
    expect(plan.unresolved.map((u) => u.host)).toEqual(['*.servicebus.usgovcloudapi.net', '*.vault.usgovcloudapi.net', '*.azure-automation.us']);
    expect(plan.targets.some((t) => t.host === 'ctldl.windowsupdate.com')).toBe(false);
  });

  it('adds the Windows root-list host on Windows, and a region-aware Site Recovery name where one is known', () => {
    const plan = planEndpoints(AZURE_ENDPOINTS, { cloud: 'AzureCloud', region: 'japaneast', platform: 'windows', cacheStorageAccounts: [], extraEndpoints: [{ host: 'other.example', port: 8443 }], mobilityHosts: [] });
    expect(plan.targets.map((t) => t.host)).toContain('ctldl.windowsupdate.com');
    expect(plan.targets.find((t) => t.catalogId === 'site-recovery')).toMatchObject({ host: 'pod01-rcm1.jpe.hypervrecoverymanager.windowsazure.com', source: 'representative' });
    expect(plan.targets.at(-1)).toMatchObject({ id: 'custom:other.example', host: 'other.example', port: 8443, required: true, group: 'Custom' });
  });

  it('maps IMDS azEnvironment in any casing to a cloud', () => {
    expect(cloudFromImds('AZUREPUBLICCLOUD')).toBe('AzureCloud');
    expect(cloudFromImds('AzureUSGovernmentCloud')).toBe('AzureUSGovernment');
    expect(cloudFromImds('azurechinacloud')).toBe('AzureChinaCloud');
    expect(cloudFromImds('')).toBeNull();
  });
});

describe('time.skew', () => {
  const at = (skewSeconds: number, host = 'login.microsoftonline.com') =>
    result(host, { http: { ok: true, ms: 1, status: 200, code: null, error: null, receivedAt: '2026-11-27T12:00:00.000Z', date: new Date(Date.parse('2026-11-27T12:00:00Z') - skewSeconds * 1000).toUTCString() } });
  it.each([[0, 'pass'], [120, 'pass'], [121, 'warn'], [300, 'warn'], [301, 'fail'], [-301, 'fail']])('%i s is %s', (skew, status) => {
    expect(evaluateSkew(facts([at(skew)])).status).toBe(status);
  });
  it('prefers Entra ID\'s clock to other servers', () => {
    const outcome = evaluateSkew(facts([at(600, 'pod.example'), at(10)]));
    expect(outcome).toMatchObject({ status: 'pass', evidence: { judgedBy: 'login.microsoftonline.com', skewSeconds: 10 } });
  });
});

describe('network.tls-inspection', () => {
  it('passes chains anchored to Azure roots', () => {
    const g2 = AZURE_ROOTS.roots[0]!;
    const tls = { ok: true, ms: 1, servername: 'x', version: 'TLSv1.3', cipher: null, verified: true, verifyError: null, hostnameError: null, chain: [], trustAnchor: { subject: 'CN=DigiCert Global Root G2', sha256: g2.sha256 }, trustSource: 'os' as const, code: null, error: null };
    expect(evaluateTlsInspection(facts([result('login.microsoftonline.com', { tls })]))[0]).toMatchObject({ status: 'pass' });
  });
});

describe('network.endpoints', () => {
  it('says so when no endpoint resolves at all', () => {
    const dnsFail = (host: string) => result(host, { status: 'failed', failedLayer: 'dns', error: `${host} does not resolve` });
    const outcomes = evaluateEndpoints(facts([dnsFail('login.microsoftonline.com'), dnsFail('ocsp.digicert.com')]), 'linux');
    expect(outcomes[0]!.summary).toContain('No endpoint resolved at all: the guest\'s DNS is not working');
    expect(outcomes[0]!.asrErrorCodes).toEqual([151195, 151196]);
  });
});

describe('network.proxy on Windows', () => {
  it('warns when WinHTTP and LocalSystem\'s WinINET settings disagree', () => {
    const settings: ProxySettings = {
      effective: null, directBecause: 'no proxy is configured', bypass: [], bypassSource: null,
      candidates: [{ source: 'WinHTTP (netsh winhttp show proxy)', value: 'proxyhost:8080', bypass: ['<local>'], problem: null }],
      proxyInfoConf: { path: 'C:\\ProgramData\\Microsoft Azure Site Recovery\\Config\\ProxyInfo.conf', exists: false, parsed: null }, problems: [], notes: [],
    };
    const outcome = evaluateProxy(settings, null);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('WinHTTP uses proxyhost:8080 but LocalSystem\'s Internet settings set no proxy');
  });
});

describe('IMDS values', () => {
  it('keeps every value as the string IMDS sent (recorded WALinuxAgent document)', async () => {
    const document = readFileSync(fixture('linux', 'imds', 'instance-walinuxagent-valid.json'), 'utf8');
    const server = http.createServer((req, res) => res.writeHead(req.headers.metadata === 'true' ? 200 : 400).end(document));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const guest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', '7783-7084-3265-9085-8269-3286-77\n');
    try {
      const facts = await readAzureMetadata({ root: guest.root, platform: 'linux', imdsEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, loopbackOnly: true });
      expect(facts).toMatchObject({ onAzure: true, contacted: true, ok: true, attempts: 1 });
      expect(facts.compute).toMatchObject({ location: 'westus', vmSize: 'Standard_D2_V2', vmId: 'e7fdbfc4-2deb-4a4e-8615-ea6aaf50162e', osType: 'Linux', azEnvironment: '' });
      expect(Object.values(facts.compute!).filter((v) => typeof v !== 'object').every((v) => typeof v === 'string')).toBe(true);
    } finally {
      guest.remove();
      server.close();
    }
  });

  it('refuses to contact a non-loopback IMDS when ASR_READY_LOOPBACK_ONLY is set', async () => {
    const guest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', '7783-7084-3265-9085-8269-3286-77\n');
    try {
      const facts = await readAzureMetadata({ root: guest.root, platform: 'linux', imdsEndpoint: null, loopbackOnly: true });
      expect(facts).toMatchObject({ contacted: false, endpoint: 'http://169.254.169.254', error: 'not contacting http://169.254.169.254: ASR_READY_LOOPBACK_ONLY is set' });
    } finally {
      guest.remove();
    }
  });
});
