import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProxyInfoConf } from '../../../src/facts/proxy/proxy-info-conf';
import { bypassesProxy, splitBypassList } from '../../../src/facts/proxy/bypass';
import { parseProxyValue } from '../../../src/facts/proxy/proxy-url';
import { parseProxyAssignments } from '../../../src/facts/proxy/shell-env-files';
import { parseNetshWinHttpProxy, parseWinInetSettings, proxyForHttps } from '../../../src/facts/windows/proxy-settings-parsers';
import { parseConnectTo, routeFor } from '../../../src/net/connect-to';
import { redactUrl, scrubSecrets } from '../../../src/core/redact';
import { fixture } from '../../helpers/paths';

const read = (...p: string[]) => readFileSync(fixture(...p), 'utf8');

describe('ProxyInfo.conf (recorded samples from the ASR documentation)', () => {
  it('reads the troubleshooting article sample: Address and Port', () => {
    const conf = parseProxyInfoConf(read('linux', 'asr', 'ProxyInfo.conf.documented-sample.ini'));
    expect(conf).toMatchObject({ address: 'http://1.2.3.4', port: '567', bypassList: [], problems: [] });
    expect(conf.proxy).toMatchObject({ origin: 'http://1.2.3.4:567', hostname: '1.2.3.4', port: 567, hadCredentials: false });
  });

  it('reads the proxy-settings template with its trailing spaces, and flags the trailing dot of its BypassList', () => {
    const conf = parseProxyInfoConf(read('linux', 'asr', 'ProxyInfo.conf.msdocs-template'));
    expect(conf.proxy?.origin).toBe('http://1.2.3.4:5678');
    expect(conf.bypassList).toEqual(['hypervrecoverymanager.windowsazure.com', 'login.microsoftonline.com', 'blob.core.windows.net.']);
    expect(conf.problems).toEqual([]);
    expect(conf.notes).toEqual([
      'BypassList entry "blob.core.windows.net." ends with a dot (as in the documentation\'s sample sentence); write "blob.core.windows.net"',
    ]);
  });

  it('reads the Windows sample the same way, with CRLF line ends', () => {
    const conf = parseProxyInfoConf(read('windows', 'asr', 'ProxyInfo.conf.documented-sample.ini').replace(/\n/g, '\r\n'));
    expect(conf.proxy?.origin).toBe('http://1.2.3.4:567');
  });

  it.each([
    ['[proxy]\nPort=8080\n', 'has no Address= line in [proxy]'],
    ['Address=http://proxy\nPort=8080\n', 'has no [proxy] section'],
    ['[proxy]\nAddress=http://proxy\nPort=80x\n', 'Port=80x is not a port number (1-65535)'],
    ['[proxy]\nAddress=socks5://proxy\nPort=1080\n', 'Address "socks5://proxy" uses socks5; only http:// proxies are supported'],
    ['[proxy]\nAddress=http://proxy:3128\nPort=8080\n', 'Address already names port 3128 but Port=8080'],
    ['[proxy]\nAddress=http://u:secret@proxy\nPort=8080\n', 'Address carries credentials; Azure Site Recovery supports only unauthenticated proxies'],
    [
      '[proxy]\nAddress=http://proxy\nPort=8080\nBypassList=*.windows.net\n',
      'BypassList entry "*.windows.net" uses a wildcard, which the Mobility service does not support; write "windows.net" to bypass a domain and its subdomains',
    ],
  ])('names what is wrong with %j', (text, problem) => {
    const conf = parseProxyInfoConf(text);
    expect(conf.problems).toEqual([problem]);
    expect(JSON.stringify(conf)).not.toContain('secret');
  });
});

describe('bypass rules', () => {
  it('applies ProxyInfo.conf BypassList as "domain covers its subdomains"', () => {
    const rules = ['hypervrecoverymanager.windowsazure.com', 'windows.net'];
    expect(bypassesProxy('pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com', rules)).toBe('hypervrecoverymanager.windowsazure.com');
    expect(bypassesProxy('acct.blob.core.windows.net', rules)).toBe('windows.net');
    expect(bypassesProxy('login.microsoftonline.com', rules)).toBeNull();
    expect(bypassesProxy('notwindows.net', rules)).toBeNull();
  });

  it('applies NO_PROXY as curl does: leading dots, "*", CIDR, ports', () => {
    expect(bypassesProxy('x.example.com', ['.example.com'])).toBe('.example.com');
    expect(bypassesProxy('example.com', ['.example.com'])).toBe('.example.com');
    expect(bypassesProxy('anything', ['*'])).toBe('*');
    expect(bypassesProxy('169.254.169.254', ['169.254.0.0/16'])).toBe('169.254.0.0/16');
    expect(bypassesProxy('10.1.2.3', ['192.168.0.0/16'])).toBeNull();
    expect(bypassesProxy('api.example.com', ['example.com:443'])).toBe('example.com:443');
  });

  it('applies Windows ProxyOverride: <local>, *.domain and 10.*', () => {
    const rules = splitBypassList('<local>;*.contoso.com;10.*');
    expect(bypassesProxy('intranet', rules)).toBe('<local>');
    expect(bypassesProxy('a.contoso.com', rules)).toBe('*.contoso.com');
    expect(bypassesProxy('10.0.0.4', rules)).toBe('10.*');
    expect(bypassesProxy('login.microsoftonline.com', rules)).toBeNull();
  });
});

describe('Windows proxy settings (recorded real outputs)', () => {
  it('reads netsh winhttp show proxy: direct, proxy with <local>, per-scheme, caret escapes, doc rendering', () => {
    expect(parseNetshWinHttpProxy(read('windows', 'netsh-winhttp-show-proxy.direct.txt'))).toEqual({ direct: true, server: null, bypass: [] });
    expect(parseNetshWinHttpProxy(read('windows', 'netsh-winhttp-show-proxy.proxy-with-bypass.txt'))).toEqual({
      direct: false,
      server: 'proxyhost:8080',
      bypass: ['<local>'],
    });
    const perScheme = parseNetshWinHttpProxy(read('windows', 'netsh-winhttp-show-proxy.per-scheme-proxies-with-bypass.txt'));
    expect(perScheme.bypass).toEqual(['monash', '<local>']);
    expect(proxyForHttps(perScheme.server!)).toBe('proxyhostsecure:8081');
    expect(parseNetshWinHttpProxy(read('windows', 'netsh-winhttp-show-proxy.per-scheme-bypass-with-cmd-caret-escapes.txt')).bypass).toEqual([
      'localhost',
      '127.*',
      '<local>',
    ]);
    expect(parseNetshWinHttpProxy(read('windows', 'netsh-winhttp-show-proxy.proxy-with-bypass.msdocs-rendered.txt'))).toEqual({
      direct: false,
      server: 'proxy.contoso.com:8080',
      bypass: ['localhost', '*.contoso.com'],
    });
  });

  it('reads WinINET Internet Settings: proxy disabled with a PAC file, and no proxy values at all', () => {
    expect(parseWinInetSettings(read('windows', 'reg-query-hkcu-internet-settings.autoconfigurl-pac.txt'))).toEqual({
      enabled: false,
      server: null,
      override: [],
      autoConfigUrl: 'http://proxy.domain.com/file.pac',
    });
    expect(parseWinInetSettings(read('windows', 'reg-query-hkcu-internet-settings.server2016-systemprofile.txt'))).toEqual({
      enabled: false,
      server: null,
      override: [],
      autoConfigUrl: null,
    });
  });
});

describe('proxy values and environment files', () => {
  it('normalises proxy values and drops credentials', () => {
    expect(parseProxyValue('proxy.corp:3128')).toMatchObject({ origin: 'http://proxy.corp:3128', port: 3128, hadCredentials: false });
    const withAuth = parseProxyValue('http://svc:P4ss%40word@proxy.corp:8080/');
    expect(withAuth).toMatchObject({ origin: 'http://proxy.corp:8080', shown: 'http://svc:***@proxy.corp:8080/', hadCredentials: true });
    expect(JSON.stringify(withAuth)).not.toContain('P4ss');
    expect(parseProxyValue('')).toEqual({ problem: 'is empty' });
  });

  it('reads plain assignments from /etc/environment and /etc/profile, nothing else', () => {
    const text =
      'PATH="/usr/bin"\nhttp_proxy="http://proxy:3128"\nexport https_proxy=http://proxy:3129 # corp\nno_proxy=localhost,169.254.169.254\nif [ x ]; then http_proxy=ignored; fi\n';
    expect(parseProxyAssignments(text)).toEqual({ http_proxy: 'http://proxy:3128', https_proxy: 'http://proxy:3129', no_proxy: 'localhost,169.254.169.254' });
  });

  it('redacts URL credentials and secrets in free text', () => {
    expect(redactUrl('http://u:pw@h:1')).toBe('http://u:***@h:1');
    expect(scrubSecrets('failed: Bearer eyJ0eXAiOiJKV1Qi.abc and https://a.blob.core.windows.net/c?sv=2022&sig=ABCDEF%3D')).toBe(
      'failed: Bearer *** and https://a.blob.core.windows.net/c?sv=***&sig=***',
    );
  });
});

describe('--connect-to', () => {
  it("parses curl's form, including empty fields and IPv6 literals", () => {
    expect(parseConnectTo('login.microsoftonline.com:443:127.0.0.1:8443')).toEqual({
      fromHost: 'login.microsoftonline.com',
      fromPort: 443,
      toHost: '127.0.0.1',
      toPort: 8443,
    });
    expect(parseConnectTo('::[::1]:9443')).toEqual({ fromHost: null, fromPort: null, toHost: '::1', toPort: 9443 });
    expect(() => parseConnectTo('just-a-host')).toThrow(/must be HOST1:PORT1:HOST2:PORT2/);
    expect(() => parseConnectTo('a:443:b:99999')).toThrow(/PORT2 "99999" is not a port number/);
  });

  it('routes by the first matching rule and keeps the port when PORT2 is empty', () => {
    const rules = [parseConnectTo('login.microsoftonline.com:443:127.0.0.1:8443'), parseConnectTo(':443:127.0.0.2:')];
    expect(routeFor('login.microsoftonline.com', 443, rules)).toEqual({ host: '127.0.0.1', port: 8443, rule: 'login.microsoftonline.com:443:127.0.0.1:8443' });
    expect(routeFor('other.example', 443, rules)).toEqual({ host: '127.0.0.2', port: 443, rule: ':443:127.0.0.2:443' });
    expect(routeFor('other.example', 80, rules)).toEqual({ host: 'other.example', port: 80, rule: null });
  });
});
