// Check network.proxy: is the proxy the Mobility service would use well-formed, reachable, and
// unauthenticated? Judged from the proxy settings and what the probes saw at the proxy layer.
import type { CheckOutcome } from '../core/finding';
import type { ProxySettings } from '../facts/proxy/read-proxy-settings';
import type { EndpointProbeFacts } from '../facts/network';
import { defineCheck } from './helpers/check-context';

const PROXY_CODE = 151072;

export const networkProxy = defineCheck({
  id: 'network.proxy',
  title: 'Proxy configuration',
  description:
    'Finds the proxy as the Mobility service does (ProxyInfo.conf, then the system proxy settings) and checks that it is valid, reachable and needs no authentication.',
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 90_000,
  needs: ['proxySettings', 'endpointProbes'],
  explain: {
    judges:
      'Fails an invalid ProxyInfo.conf, a proxy that cannot be reached or that asks for authentication; passes a direct path or a working unauthenticated proxy.',
    sources: ['Site Recovery networking guidance: the Mobility service reads ProxyInfo.conf, then the system proxy; authenticated proxies are not supported'],
    asrErrorCodes: [PROXY_CODE],
    remediation: 'Correct ProxyInfo.conf to the documented form, or allow this VM through the proxy without authentication for the Azure endpoints.',
  },
  async run(ctx) {
    const [settings, probes] = await Promise.all([ctx.facts.proxySettings(), ctx.facts.endpointProbes()]);
    return [evaluateProxy(settings, probes)];
  },
});

export function evaluateProxy(settings: ProxySettings, probes: EndpointProbeFacts | null): CheckOutcome {
  const evidence = {
    effective: settings.effective
      ? { proxy: settings.effective.shown, source: settings.effective.source, bypass: settings.bypass, bypassSource: settings.bypassSource }
      : null,
    directBecause: settings.effective ? null : settings.directBecause,
    candidates: settings.candidates,
    proxyInfoConf: { path: settings.proxyInfoConf.path, exists: settings.proxyInfoConf.exists },
    problems: settings.problems,
    notes: settings.notes,
    ...(settings.unreadable?.length ? { unreadable: settings.unreadable } : {}),
  };
  if (settings.problems.length > 0) {
    return {
      status: 'fail',
      summary: `The proxy configuration is invalid: ${settings.problems.join('; ')}. The Mobility service fails with 151072 on invalid custom proxy settings.`,
      remediation: `Correct ${settings.proxyInfoConf.path} to the documented form:\n[proxy]\nAddress=http://PROXY-HOST\nPort=PORT\nBypassList=domain1,domain2   (optional; no wildcards: "windows.net" covers its subdomains)\nor delete it to use the system proxy settings.`,
      asrErrorCodes: [PROXY_CODE],
      evidence,
    };
  }
  // A proxy source that could not be read is not "no proxy": the Mobility service may be using one we did not see.
  if (settings.unreadable?.length && !settings.effective) {
    return {
      status: 'error',
      summary: `The proxy settings could not be read, so whether this VM uses a proxy is unknown: ${settings.unreadable.join('; ')}.`,
      remediation:
        'Run asr-ready as an administrator (or as SYSTEM); check the settings by hand with: netsh winhttp show proxy, and reg query "HKU\\S-1-5-18\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings".',
      evidence,
    };
  }
  const viaProxy = probes?.results.filter((r) => r.viaProxy) ?? [];
  const proxyFailures = viaProxy.filter((r) => r.failedLayer === 'proxy');
  const eff = settings.effective;
  if (eff && proxyFailures.some((r) => r.proxy?.status === 407)) {
    return {
      status: 'fail',
      summary: `The proxy ${eff.shown} (from ${eff.source}) requires authentication (HTTP 407). Azure Site Recovery supports only unauthenticated proxies: the VM cannot be replicated through it.`,
      remediation: `Allow this VM through ${eff.origin} without authentication for the Azure endpoints, or bypass the proxy for them and allow them directly (NSG service tags).`,
      asrErrorCodes: [PROXY_CODE],
      evidence: { ...evidence, status: 407 },
    };
  }
  const unreachable = proxyFailures.filter((r) => !r.proxy || r.proxy.status === null);
  if (eff && unreachable.length > 0 && unreachable.length === viaProxy.length) {
    return {
      status: 'fail',
      summary: `The proxy ${eff.shown} (from ${eff.source}) cannot be reached: ${unreachable[0]!.error}.`,
      remediation: `Fix or remove the proxy setting in ${eff.source}; check that the proxy runs and that the VM may reach ${eff.hostname}:${eff.port}.`,
      asrErrorCodes: [PROXY_CODE],
      evidence,
    };
  }
  const warnings: string[] = [];
  if (eff?.hadCredentials)
    warnings.push(`the setting in ${eff.source} carries credentials, which Azure Site Recovery does not use (unauthenticated proxies only)`);
  if (eff && /environment of this process/.test(eff.source)) {
    warnings.push(
      "the proxy comes only from this shell's environment; the Mobility service reads ProxyInfo.conf, /etc/environment or /etc/profile and will not see it",
    );
  }
  const mismatch = windowsMismatch(settings);
  if (mismatch) warnings.push(mismatch);
  if (warnings.length > 0) {
    return {
      status: 'warn',
      summary: `${eff ? `Proxy ${eff.shown} from ${eff.source}` : 'No proxy'}, but ${warnings.join('; ')}.`,
      remediation:
        eff && /environment of this process/.test(eff.source)
          ? `Put the proxy where the Mobility service reads it: http_proxy=${eff.origin} (and no_proxy) in /etc/environment, or ${settings.proxyInfoConf.path}.`
          : 'Make the proxy settings agree, and use an unauthenticated proxy for the Azure endpoints.',
      asrErrorCodes: [PROXY_CODE],
      evidence,
    };
  }
  return {
    status: 'pass',
    summary: eff
      ? `Endpoints are reached through the proxy ${eff.shown} (from ${eff.source})${settings.bypass.length ? `, bypassing ${settings.bypass.join(', ')}` : ''}.`
      : `No proxy: the guest connects directly (${settings.directBecause}).`,
    evidence,
  };
}

function windowsMismatch(settings: ProxySettings): string | null {
  const wininet = settings.candidates.find((c) => c.source.startsWith('WinINET'));
  const winhttp = settings.candidates.find((c) => c.source.startsWith('WinHTTP'));
  if (!winhttp || wininet?.value === winhttp.value) return null;
  return `WinHTTP uses ${winhttp.value} but LocalSystem's Internet settings ${wininet ? `use ${wininet.value}` : 'set no proxy'}; the Mobility service auto-detects the latter`;
}
