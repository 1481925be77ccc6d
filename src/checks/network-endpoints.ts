// Check network.endpoints: one finding per endpoint. A required endpoint that fails is a failure
// naming the layer and the ASR code; an optional one is a warning; a host we could not pin down is
// "cannot confirm", never "blocked".
import type { CheckOutcome } from '../core/finding';
import type { EndpointProbeFacts } from '../facts/network';
import { defineCheck } from './helpers/check-context';
import { adviseEndpoint, type EndpointResult } from './helpers/endpoint-remediation';

export const networkEndpoints = defineCheck({
  id: 'network.endpoints',
  title: 'Outbound connectivity to Azure endpoints',
  description:
    'Probes each endpoint the Mobility service needs (Entra ID, Site Recovery, Service Bus, cache storage; optional Key Vault, Automation and certificate hosts) ' +
    "through the guest's proxy and trust store, layer by layer: DNS, TCP, proxy CONNECT, TLS, HTTP.",
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 90_000,
  needs: ['endpointProbes', 'host'],
  explain: {
    judges:
      'One finding per endpoint: a required endpoint that fails is a failure naming the layer and the ASR code; an optional one warns; a host that could not be pinned down is "cannot confirm", never "blocked".',
    sources: ['the endpoint catalog (src/catalog/azure-endpoints.json), with the ASR error codes each endpoint can cause'],
    catalogs: ['endpoints'],
    asrErrorCodes: [151037, 151072, 151196, 151197],
    remediation:
      'Allow the endpoint through the NSG, firewall or proxy (service tags or the URL allow-list: asr-ready rules), fix DNS or the trust store as the failing layer says.',
  },
  async run(ctx) {
    const [probes, host] = await Promise.all([ctx.facts.endpointProbes(), ctx.facts.host()]);
    return evaluateEndpoints(probes, host.os);
  },
});

export function evaluateEndpoints(probes: EndpointProbeFacts, platform: 'linux' | 'windows'): CheckOutcome[] {
  const probed = probes.results.filter((r) => r.status !== 'unconfirmed' || r.failedLayer !== null || r.source === 'representative');
  const everyDnsFailed = probed.length > 1 && probed.every((r) => r.failedLayer === 'dns');
  return probes.results.map((r) => evaluateOne(r, platform, probes, everyDnsFailed));
}

function evaluateOne(r: EndpointResult, platform: 'linux' | 'windows', probes: EndpointProbeFacts, everyDnsFailed: boolean): CheckOutcome {
  const subject = `${r.host}:${r.port}`;
  const evidence = {
    endpointId: r.id,
    host: r.host,
    port: r.port,
    source: r.source,
    required: r.required,
    status: r.status,
    failedLayer: r.failedLayer,
    cloud: probes.cloud,
    region: probes.region,
  };
  const title = `${r.group}: ${r.host}`;
  if (r.status === 'ok') {
    const path = r.viaProxy ? `through the proxy ${r.viaProxy}` : 'directly';
    const tlsPart = r.tls
      ? `, ${r.tls.version}, chain verified with the ${r.tls.trustSource === 'os' ? "guest's trust store" : r.tls.trustSource === 'supplied' ? '--trust-store roots' : 'Node bundle (not the guest store)'}`
      : '';
    return { subject, title, status: 'pass', summary: `Reached ${subject} ${path} in ${r.timings.totalMs} ms${tlsPart}; HTTP ${r.http?.status}.`, evidence };
  }
  if (r.status === 'unconfirmed') {
    return {
      subject,
      title,
      status: r.required ? 'warn' : 'skip',
      summary:
        r.failedLayer === 'dns'
          ? `Cannot confirm ${r.pattern ?? r.host}: the representative name ${r.host} does not resolve, which neither proves nor rules out a block.`
          : `Cannot confirm ${r.host}: ${r.error}.`,
      remediation: r.required
        ? `Give a concrete host to test: ${r.error?.includes('--cache-storage-account') ? '--cache-storage-account NAME' : '--endpoint HOST'}.`
        : null,
      evidence,
    };
  }
  const advice = adviseEndpoint(r, platform);
  const allDns = everyDnsFailed ? " No endpoint resolved at all: the guest's DNS is not working, not only this name." : '';
  return {
    subject,
    title,
    status: r.required ? 'fail' : 'warn',
    summary: `${advice.summary}${allDns}`,
    remediation: advice.remediation,
    asrErrorCodes: advice.asrErrorCodes,
    evidence: { ...evidence, error: r.error },
  };
}
