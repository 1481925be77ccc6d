// What to change when an endpoint fails, by the layer that failed, and the ASR error codes a user
// would meet for it. Pure: an endpoint result in, text out.
import type { EndpointProbeFacts } from '../../facts/network';

/** One endpoint's probe result, as the facts give it (checks may not import net). */
export type EndpointResult = EndpointProbeFacts['results'][number];

export interface EndpointAdvice {
  summary: string;
  remediation: string;
  asrErrorCodes: number[];
}

const DNS_CODE = 151195;
const PROXY_CODE = 151072;
const TRUST_CODE = 151066;

export function adviseEndpoint(r: EndpointResult, platform: 'linux' | 'windows'): EndpointAdvice {
  const name = `${r.host}:${r.port}`;
  const allow = allowRule(r);
  const codes = (...extra: number[]) => [...new Set([...extra, ...r.asrErrorCodes])].sort((a, b) => a - b);
  switch (r.failedLayer) {
    case 'dns':
      return {
        summary: `DNS: ${r.error}. ${purposeLine(r)}`,
        remediation: [
          `1. Check that the guest's DNS servers answer for ${r.host}: ${platform === 'windows' ? `nslookup ${r.host} (servers: ipconfig /all)` : `getent hosts ${r.host} (servers: /etc/resolv.conf or resolvectl status)`}.`,
          '2. A custom DNS server must forward Azure names to Azure DNS (168.63.129.16) and must also be reachable from the DR region, or failover and re-protection fail later with 151195.',
          "3. With private endpoints, the private DNS zone (privatelink.*) must be linked to the VM's virtual network.",
        ].join('\n'),
        asrErrorCodes: codes(DNS_CODE),
      };
    case 'tcp': {
      const how = r.tcp?.outcome === 'refused' ? 'refused' : r.tcp?.outcome === 'timeout' ? 'dropped (no answer)' : 'blocked';
      return {
        summary: `TCP: outbound ${r.scheme === 'http' ? 'HTTP' : 'HTTPS'} to ${name} is ${how}: ${r.error}. ${purposeLine(r)}`,
        remediation: [
          `1. Allow outbound TCP ${r.port} from this VM to ${allow}.`,
          "2. Check every hop: the NSG on the NIC and on the subnet, a route table sending traffic to a firewall or NVA, and the firewall's application rules. IP allow-lists are not supported by Site Recovery; allow names or service tags.",
          platform === 'linux'
            ? '3. Check the guest firewall too: iptables -S OUTPUT / nft list ruleset / firewall-cmd --list-all.'
            : '3. Check the guest firewall too: Get-NetFirewallRule -Direction Outbound -Action Block -Enabled True.',
        ].join('\n'),
        asrErrorCodes: codes(),
      };
    }
    case 'proxy': {
      const auth = r.proxy?.status === 407;
      return {
        summary: `Proxy: ${r.error}. ${purposeLine(r)}`,
        remediation: auth
          ? `1. Azure Site Recovery supports only unauthenticated proxies: let this VM reach ${r.host} through the proxy without authentication, or\n2. bypass the proxy for it (ProxyInfo.conf BypassList, e.g. ${bypassDomain(r)}) and allow ${allow} directly.`
          : r.proxy?.status
            ? `1. Allow CONNECT to ${name} on the proxy ${r.viaProxy} (it answered HTTP ${r.proxy.status}), or\n2. bypass the proxy for ${bypassDomain(r)} and allow ${allow} directly.`
            : `1. Fix the proxy address where it is configured (see network.proxy), or remove it if the VM should connect directly.\n2. Check that the proxy is running and that the VM may reach it.`,
        asrErrorCodes: codes(PROXY_CODE),
      };
    }
    case 'tls':
      return tlsAdvice(r, codes);
    case 'http':
      return {
        summary: `HTTP: the connection to ${name} opened but ${r.error}. ${purposeLine(r)}`,
        remediation: `A firewall, proxy or NVA is accepting the connection and then dropping the request. Allow ${allow} on it, without TLS inspection.`,
        asrErrorCodes: codes(),
      };
    default:
      return { summary: `Reached ${name}.`, remediation: '', asrErrorCodes: [] };
  }
}

function tlsAdvice(r: EndpointResult, codes: (...extra: number[]) => number[]): EndpointAdvice {
  const tls = r.tls;
  const issuer = tls?.chain.at(-1)?.issuer ?? tls?.chain[0]?.issuer ?? 'unknown issuer';
  if (tls?.verifyError) {
    const expired = tls.verifyError === 'CERT_HAS_EXPIRED';
    return {
      summary: expired
        ? `TLS: the certificate served for ${r.host} has expired (${tls.chain[0]?.notAfter.slice(0, 10) ?? 'unknown date'}). ${purposeLine(r)}`
        : `TLS: the certificate chain served for ${r.host} (top issuer: ${issuer}) does not verify against the guest's trust store (${tls.verifyError}). ${purposeLine(r)}`,
      remediation: expired
        ? 'Azure does not serve expired certificates: something between the VM and Azure (a proxy, firewall or NVA) answers in its place. Exempt Azure endpoints from interception, or fix its certificate.'
        : `1. If "${issuer}" is your organisation's TLS-inspection CA: exempt the Site Recovery, Entra ID, Storage and Service Bus endpoints from inspection (recommended), or add that CA's root to the guest trust store.\n2. Otherwise the guest lacks the Azure root the chain needs: see trust.azure-roots for the commands (error 151066).`,
      asrErrorCodes: codes(TRUST_CODE),
    };
  }
  if (tls?.hostnameError) {
    return {
      summary: `TLS: the certificate served does not match ${r.host}: ${tls.hostnameError}. ${purposeLine(r)}`,
      remediation: `Something answers for ${r.host} with another name's certificate: check DNS records, the hosts file (/etc/hosts, or C:\\Windows\\System32\\drivers\\etc\\hosts) and any proxy or firewall redirecting the name.`,
      asrErrorCodes: codes(TRUST_CODE),
    };
  }
  const old = /TLS 1\.2/.test(r.error ?? '');
  return {
    summary: `TLS: ${r.error}. ${purposeLine(r)}`,
    remediation: old
      ? 'Site Recovery requires TLS 1.2. If a proxy or firewall terminates TLS, update it to TLS 1.2 or later, or exempt Azure endpoints from it.'
      : `A firewall, proxy or NVA accepted the TCP connection but did not complete TLS. Allow ${allowRule(r)} on it without TLS inspection.`,
    asrErrorCodes: old ? codes() : codes(TRUST_CODE),
  };
}

function purposeLine(r: EndpointResult): string {
  return `${r.purpose}; ${r.required ? 'required for replication' : 'optional'}.`;
}

function allowRule(r: EndpointResult): string {
  const target = r.pattern ?? r.host;
  return r.serviceTag ? `${target} (NSG service tag ${r.serviceTag.source})` : target;
}

function bypassDomain(r: EndpointResult): string {
  return r.pattern ? r.pattern.replace(/^\*\./, '') : r.host;
}
