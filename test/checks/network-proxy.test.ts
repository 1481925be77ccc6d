import { describe, expect, it } from 'vitest';
import { evaluateProxy } from '../../src/checks/network-proxy';
import type { ProxySettings } from '../../src/facts/proxy/read-proxy-settings';

describe('network.proxy on Windows', () => {
  it("warns when WinHTTP and LocalSystem's WinINET settings disagree", () => {
    const settings: ProxySettings = {
      effective: null,
      directBecause: 'no proxy is configured',
      bypass: [],
      bypassSource: null,
      candidates: [{ source: 'WinHTTP (netsh winhttp show proxy)', value: 'proxyhost:8080', bypass: ['<local>'], problem: null }],
      proxyInfoConf: { path: 'C:\\ProgramData\\Microsoft Azure Site Recovery\\Config\\ProxyInfo.conf', exists: false, parsed: null },
      problems: [],
      notes: [],
    };
    const outcome = evaluateProxy(settings, null);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain("WinHTTP uses proxyhost:8080 but LocalSystem's Internet settings set no proxy");
  });

  const direct: ProxySettings = {
    effective: null,
    directBecause: 'no proxy is configured',
    bypass: [],
    bypassSource: null,
    candidates: [],
    proxyInfoConf: { path: '/usr/local/InMage/config/ProxyInfo.conf', exists: false, parsed: null },
    problems: [],
    notes: [],
  };

  it('passes a guest with no proxy, saying why it connects directly', () => {
    expect(evaluateProxy(direct, null)).toMatchObject({ status: 'pass', summary: 'No proxy: the guest connects directly (no proxy is configured).' });
  });

  it('fails an invalid ProxyInfo.conf with 151072 and the documented form', () => {
    const outcome = evaluateProxy({ ...direct, proxyInfoConf: { ...direct.proxyInfoConf, exists: true }, problems: ['Port "eighty" is not a number'] }, null);
    expect(outcome).toMatchObject({ status: 'fail', asrErrorCodes: [151072] });
    expect(outcome.summary).toContain('The proxy configuration is invalid: Port "eighty" is not a number.');
    expect(outcome.remediation).toContain('[proxy]\nAddress=http://PROXY-HOST\nPort=PORT');
  });
});
