// Typed access to the endpoint catalog (azure-endpoints.json: data, with its sources and date).
import data from './azure-endpoints.json';

export const CLOUDS = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const;
export type Cloud = (typeof CLOUDS)[number];

export interface CatalogEndpoint {
  id: string;
  group: string;
  purpose: string;
  /** A concrete host name, or a wildcard pattern whose hosts come from elsewhere. */
  host?: string;
  pattern?: string;
  /** For patterns: a region-aware host name to probe when no concrete one is known. */
  representative?: string;
  /** For storage: the host of a named account. */
  accountHost?: string;
  port: number;
  scheme?: 'https' | 'http';
  required: boolean;
  platforms?: Array<'linux' | 'windows'>;
  serviceTag?: { source: string; target: string };
  asrErrorCodes: number[];
}

export interface EndpointCatalog {
  version: string;
  sources: string[];
  siteRecoveryGeoCodes: { note: string; codes: Record<string, string> };
  clouds: Record<Cloud, { imdsNames: string[]; endpoints: CatalogEndpoint[] }>;
}

export function validateEndpointCatalog(raw: unknown): EndpointCatalog {
  const catalog = raw as EndpointCatalog;
  for (const cloud of CLOUDS) {
    const entry = catalog.clouds?.[cloud];
    if (!entry || !Array.isArray(entry.endpoints)) throw new Error(`azure-endpoints catalog: cloud ${cloud} is missing`);
    const ids = new Set<string>();
    for (const e of entry.endpoints) {
      if (ids.has(e.id)) throw new Error(`azure-endpoints catalog: ${cloud} lists ${e.id} twice`);
      ids.add(e.id);
      if (Boolean(e.host) === Boolean(e.pattern)) throw new Error(`azure-endpoints catalog: ${cloud}/${e.id} needs exactly one of host and pattern`);
      if (e.pattern && !e.pattern.startsWith('*.')) throw new Error(`azure-endpoints catalog: ${cloud}/${e.id} pattern must start with "*."`);
      if (!Number.isInteger(e.port) || e.port <= 0 || e.port > 65535) throw new Error(`azure-endpoints catalog: ${cloud}/${e.id} has a bad port`);
    }
  }
  return catalog;
}

export const AZURE_ENDPOINTS: EndpointCatalog = validateEndpointCatalog(data);

/** The cloud named by IMDS compute.azEnvironment (its casing varies), or null if unknown. */
export function cloudFromImds(azEnvironment: string | undefined | null, catalog: EndpointCatalog = AZURE_ENDPOINTS): Cloud | null {
  if (!azEnvironment) return null;
  const wanted = azEnvironment.toLowerCase();
  for (const cloud of CLOUDS) {
    if (cloud.toLowerCase() === wanted || catalog.clouds[cloud].imdsNames.some((n) => n.toLowerCase() === wanted)) return cloud;
  }
  return null;
}

/** Does host fall under a "*.suffix" pattern (any depth of subdomain)? */
export function matchesPattern(host: string, pattern: string): boolean {
  const suffix = pattern.slice(1).toLowerCase(); // ".blob.core.windows.net"
  const h = host.toLowerCase();
  return h.endsWith(suffix) && h.length > suffix.length;
}
