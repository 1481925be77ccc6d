// Check network.tls-inspection: a chain that verifies with the guest's store but anchors to a root
// outside the Azure catalog means something re-signs Azure's traffic (a TLS-inspecting proxy or
// firewall). It works today only because the guest trusts that CA; ASR does not support it.
import type { CheckOutcome } from '../core/finding';
import type { RootCatalog } from '../catalog/azure-roots';
import type { EndpointProbeFacts } from '../facts/network';
import { defineCheck } from './helpers/check-context';

export const networkTlsInspection = defineCheck({
  id: 'network.tls-inspection',
  title: 'TLS inspection of Azure traffic',
  description:
    "Warns when an Azure endpoint's certificate chain anchors to a root that is not one of Azure's, which means a middlebox inspects (re-signs) the traffic.",
  platforms: ['linux', 'windows'],
  scope: 'this-machine',
  timeoutMs: 90_000,
  needs: ['endpointProbes'],
  explain: {
    judges:
      "Warns when a chain that verifies with the guest's store anchors to a root outside the Azure root catalog: something re-signs Azure's traffic, which ASR does not support.",
    sources: ['the Azure root catalog (src/catalog/azure-roots.json)'],
    catalogs: ['azureRoots'],
    asrErrorCodes: [151066],
    remediation: 'Exempt the Site Recovery, Entra ID, Storage and Service Bus endpoints from TLS inspection on the middlebox.',
  },
  async run(ctx) {
    return evaluateTlsInspection(await ctx.facts.endpointProbes(), ctx.catalog.azureRoots);
  },
});

export function evaluateTlsInspection(probes: EndpointProbeFacts, roots: RootCatalog): CheckOutcome[] {
  const azureAnchors = new Set(roots.roots.map((r) => r.sha256));
  const verified = probes.results.filter((r) => r.catalogId !== null && r.tls?.verified && r.tls.trustAnchor);
  if (verified.length === 0) {
    return [{ status: 'skip', summary: 'No TLS connection to an Azure endpoint completed, so inspection could not be judged (see network.endpoints).' }];
  }
  const inspected = verified.filter((r) => !azureAnchors.has(r.tls!.trustAnchor!.sha256));
  if (inspected.length === 0) {
    return [
      {
        status: 'pass',
        summary: `All ${verified.length} verified TLS connection(s) anchor to Azure's roots: no inspection seen.`,
        evidence: { anchors: [...new Set(verified.map((r) => r.tls!.trustAnchor!.subject))] },
      },
    ];
  }
  return inspected.map((r) => {
    const anchor = r.tls!.trustAnchor!;
    return {
      subject: `${r.host}:${r.port}`,
      status: 'warn' as const,
      summary: `The certificate for ${r.host} chains to "${anchor.subject}", not to an Azure root: a proxy or firewall${r.viaProxy ? ` (the proxy is ${r.viaProxy})` : ''} inspects this traffic. The guest trusts that CA, so it works now, but Azure Site Recovery does not support TLS inspection.`,
      remediation: `Exempt ${r.pattern ?? r.host} (and the other Site Recovery, Entra ID, Storage and Service Bus endpoints) from TLS inspection on the middlebox.`,
      asrErrorCodes: [151066],
      evidence: { host: r.host, trustAnchor: anchor, chain: r.tls!.chain },
    };
  });
}
